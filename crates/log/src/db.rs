//! The SQL a ledger speaks, on either engine: SQLite for one desk (embedded, one file)
//! and PostgreSQL for a team's shared ledger. Statements are written once, in the
//! subset both engines read, with `?1`, `?2` … placeholders (rewritten to `$1` … for
//! PostgreSQL); values are the four kinds both store (`Value`). Every write runs in one
//! transaction that holds the ledger's write lock, so writers from any number of desks
//! are serialised into one history, and it is durable before `write` returns.

use crate::error::{Error, Result};

/// A value as both engines store it: `BIGINT`/`INTEGER`, `TEXT`, `BYTEA`/`BLOB`,
/// `DOUBLE PRECISION`/`REAL` (quantities as EPCIS documents give them), `NULL`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    Real(f64),
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(v.into())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Blob(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Blob(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}
impl<T: Clone + Into<Value>> From<&Option<T>> for Value {
    fn from(v: &Option<T>) -> Value {
        v.clone().map_or(Value::Null, Into::into)
    }
}
impl From<&i64> for Value {
    fn from(v: &i64) -> Value {
        Value::Int(*v)
    }
}

/// `[a.into(), b.into(), …]`: the parameters of a statement.
#[macro_export]
macro_rules! sql_params {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Value::from($v)),*][..] };
}

/// One row of a query's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> &Value {
        self.0.get(i).unwrap_or(&Value::Null)
    }

    fn wrong(&self, i: usize, want: &str) -> Error {
        Error::invalid(
            "stored row",
            format!("column {i} holds {:?}, not {want}: the database was changed by something other than TradeSeal; run `tradeseal verify`", self.at(i)),
        )
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        match self.at(i) {
            Value::Int(v) => Ok(*v),
            _ => Err(self.wrong(i, "an integer")),
        }
    }
    pub fn text(&self, i: usize) -> Result<String> {
        match self.at(i) {
            Value::Text(v) => Ok(v.clone()),
            _ => Err(self.wrong(i, "text")),
        }
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>> {
        match self.at(i) {
            Value::Blob(v) => Ok(v.clone()),
            _ => Err(self.wrong(i, "bytes")),
        }
    }
    pub fn opt_real(&self, i: usize) -> Result<Option<f64>> {
        match self.at(i) {
            Value::Null => Ok(None),
            Value::Real(v) => Ok(Some(*v)),
            Value::Int(v) => Ok(Some(*v as f64)),
            _ => Err(self.wrong(i, "a number")),
        }
    }
    pub fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>> {
        match self.at(i) {
            Value::Null => Ok(None),
            _ => self.blob(i).map(Some),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.at(i) {
            Value::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i) {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What runs SQL: a connection, or a transaction open on one. Shared references
/// suffice, as with rusqlite: a query completes before the next one starts.
///
/// SQL written for both engines: `?N` placeholders; a parameter first seen where
/// PostgreSQL cannot tell its type (`?1 IS NULL`) is cast (`CAST(?1 AS TEXT) IS NULL`);
/// `ON CONFLICT`, not `INSERT OR`; `RETURNING id`, not `last_insert_rowid()`.
pub trait Sql {
    fn engine(&self) -> Engine;
    /// Runs one statement; returns the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64>;
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
    /// Several statements without parameters (schema changes).
    fn batch(&self, sql: &str) -> Result<()>;

    /// Whether a transaction is open on the connection (then a [`begin`] joins it).
    fn in_transaction(&self) -> bool;

    /// The SQLite connection underneath, where the engine is SQLite: the bulk inserts
    /// below take SQLite's own faster path on it.
    fn sqlite(&self) -> Option<&rusqlite::Connection>;

    fn query_one(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Inserts rows of `width` values each (`values` row after row) into `into`
    /// (`"table (col, …)"`); with `returning` (columns), returns them for each row, in
    /// no promised order (return a column that tells the rows apart). PostgreSQL: multi-row statements, a few round trips for many
    /// rows. SQLite: one prepared single-row statement run per row (no statement
    /// journal, which a multi-row statement inside a transaction writes).
    fn insert_rows(
        &self,
        into: &str,
        width: usize,
        values: &[Value],
        returning: Option<&str>,
    ) -> Result<Vec<Row>> {
        match self.sqlite() {
            Some(c) => sqlite_insert_rows(c, into, width, values, returning),
            None => multi_row_insert(self, into, width, values, returning),
        }
    }

    /// Inserts one row into `into` (`"table (col, …)"`) unless it conflicts on the
    /// unique columns `unique`; returns the new row's `id`, or `None` when a row with
    /// the same `unique` values was there.
    fn insert_unless(&self, into: &str, values: &[Value], unique: &str) -> Result<Option<i64>> {
        match self.sqlite() {
            Some(c) => sqlite_insert_unless(c, into, values, unique),
            None => returning_insert_unless(self, into, values, unique),
        }
    }
}

fn returning_insert_unless<S: Sql + ?Sized>(
    db: &S,
    into: &str,
    values: &[Value],
    unique: &str,
) -> Result<Option<i64>> {
    let sql = format!(
        "INSERT INTO {into} VALUES ({}) ON CONFLICT ({unique}) DO NOTHING RETURNING id",
        placeholders(values.len())
    );
    db.query_one(&sql, values)?.map(|r| r.int(0)).transpose()
}

/// `?1,?2,…,?n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// SQLite: without `RETURNING` (a trigger to SQLite, which would keep a statement
/// journal); the new row's id is its rowid.
fn sqlite_insert_unless(
    c: &rusqlite::Connection,
    into: &str,
    values: &[Value],
    unique: &str,
) -> Result<Option<i64>> {
    let mut st = c.prepare_cached(&format!(
        "INSERT INTO {into} VALUES ({}) ON CONFLICT ({unique}) DO NOTHING",
        placeholders(values.len())
    ))?;
    for (i, v) in values.iter().enumerate() {
        st.raw_bind_parameter(i + 1, v)?;
    }
    Ok((st.raw_execute()? == 1).then(|| c.last_insert_rowid()))
}

/// Rows a multi-row statement carries (under PostgreSQL's 65,535 parameters).
const ROWS_A_STATEMENT: usize = 500;

fn multi_row_insert<S: Sql + ?Sized>(
    db: &S,
    into: &str,
    width: usize,
    values: &[Value],
    returning: Option<&str>,
) -> Result<Vec<Row>> {
    use std::fmt::Write as _;
    assert!(
        width > 0 && values.len().is_multiple_of(width),
        "whole rows"
    );
    let mut out = Vec::new();
    for chunk in values.chunks(ROWS_A_STATEMENT * width) {
        let n = chunk.len() / width;
        let mut sql = format!("INSERT INTO {into} VALUES ");
        for r in 0..n {
            sql.push_str(if r == 0 { "(" } else { ",(" });
            for c in 0..width {
                if c > 0 {
                    sql.push(',');
                }
                let _ = write!(sql, "?{}", r * width + c + 1);
            }
            sql.push(')');
        }
        match returning {
            None => {
                db.execute(&sql, chunk)?;
            }
            Some(cols) => {
                let _ = write!(sql, " RETURNING {cols}");
                let rows = db.query(&sql, chunk)?;
                if rows.len() != n {
                    return Err(Error::Database(format!(
                        "{n} rows inserted into {into}, {} returned",
                        rows.len()
                    )));
                }
                out.extend(rows);
            }
        }
    }
    Ok(out)
}

/// SQLite: one cached single-row statement, its parameters bound from `values` in place.
fn sqlite_insert_rows(
    c: &rusqlite::Connection,
    into: &str,
    width: usize,
    values: &[Value],
    returning: Option<&str>,
) -> Result<Vec<Row>> {
    use std::fmt::Write as _;
    assert!(
        width > 0 && values.len().is_multiple_of(width),
        "whole rows"
    );
    let mut sql = format!("INSERT INTO {into} VALUES (");
    for i in 1..=width {
        let _ = write!(sql, "{}?{i}", if i > 1 { "," } else { "" });
    }
    sql.push(')');
    let mut st = c.prepare_cached(&sql)?;
    // `RETURNING` is a trigger to SQLite, and a statement with a trigger keeps a
    // statement journal: the row is read back by its rowid instead.
    let mut back = match returning {
        Some(cols) => {
            let table = into.split([' ', '(']).next().unwrap_or(into);
            Some(c.prepare_cached(&format!("SELECT {cols} FROM {table} WHERE rowid = ?1"))?)
        }
        None => None,
    };
    let mut out = Vec::with_capacity(if returning.is_some() {
        values.len() / width
    } else {
        0
    });
    for row in values.chunks(width) {
        for (i, v) in row.iter().enumerate() {
            st.raw_bind_parameter(i + 1, v)?;
        }
        st.raw_execute()?;
        if let Some(back) = &mut back {
            let n = back.column_count();
            let mut rows = back.query([c.last_insert_rowid()])?;
            let r = rows.next()?.ok_or_else(|| {
                Error::Database(format!("the row just inserted into {into} is not there"))
            })?;
            out.push(sqlite_row(r, n)?);
        }
    }
    Ok(out)
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            Value::Real(f) => ValueRef::Real(*f),
        }))
    }
}

/// A reference runs SQL as what it refers to (`&ledger.sql()` where a `&dyn Sql` is
/// wanted).
impl<T: Sql + ?Sized> Sql for &T {
    fn engine(&self) -> Engine {
        (**self).engine()
    }
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        (**self).execute(sql, params)
    }
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        (**self).query(sql, params)
    }
    fn batch(&self, sql: &str) -> Result<()> {
        (**self).batch(sql)
    }
    fn in_transaction(&self) -> bool {
        (**self).in_transaction()
    }
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        (**self).sqlite()
    }
}

/// A write transaction begun on a shared connection by [`begin`]: committed by
/// [`Write::commit`], rolled back when dropped before (an error, a panic). Inside a
/// transaction already open it joins that one and commits nothing itself.
#[must_use = "a write not committed is rolled back"]
pub struct Write<'a> {
    db: &'a dyn Sql,
    own: bool,
    done: bool,
}

/// Begins a write transaction holding the ledger's write lock (as [`Conn::write`]:
/// SQLite `BEGIN IMMEDIATE`, PostgreSQL `BEGIN` and the advisory lock), so that what
/// is read inside it is not changed by another writer before it commits; or joins the
/// transaction open on `db`.
pub fn begin(db: &dyn Sql) -> Result<Write<'_>> {
    if db.in_transaction() {
        return Ok(Write {
            db,
            own: false,
            done: false,
        });
    }
    match db.engine() {
        Engine::Sqlite => db.batch("BEGIN IMMEDIATE")?,
        Engine::Postgres => {
            db.batch("BEGIN")?;
            let w = Write {
                db,
                own: true,
                done: false,
            };
            db.execute(
                "SELECT pg_advisory_xact_lock(?1)",
                &[Value::Int(PG_WRITE_LOCK)],
            )?;
            return Ok(w);
        }
    }
    Ok(Write {
        db,
        own: true,
        done: false,
    })
}

/// Takes charge of a write transaction the caller began on `db` itself (to map its
/// errors its own way): rolled back when dropped, unless committed or [`Write::ended`].
pub fn adopt(db: &dyn Sql) -> Write<'_> {
    Write {
        db,
        own: true,
        done: false,
    }
}

impl Write<'_> {
    /// The caller committed the adopted transaction itself.
    pub fn ended(mut self) {
        self.done = true;
    }

    /// Commits (durably) what was written, when this write began the transaction.
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        if self.own {
            self.db.batch("COMMIT")?;
        }
        Ok(())
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if self.own && !self.done {
            let _ = self.db.batch("ROLLBACK");
        }
    }
}

/// A connection to a ledger's database.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<std::cell::RefCell<Pg>>),
}

/// A PostgreSQL connection and the statements prepared on it (as SQLite's
/// `prepare_cached`: one round trip a statement instead of two).
pub struct Pg {
    client: postgres::Client,
    prepared: Statements,
    /// A transaction is open (BEGIN sent, COMMIT or ROLLBACK not yet).
    open: bool,
}

type Statements = std::collections::HashMap<String, postgres::Statement>;

/// A write transaction (see [`Conn::write`]). A PostgreSQL one not committed is rolled
/// back when dropped (also when the closure panics).
pub enum Tx<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(PgTx<'a>),
}

/// An open PostgreSQL transaction: rolled back when dropped before it committed.
pub struct PgTx<'a> {
    pg: &'a std::cell::RefCell<Pg>,
    committed: bool,
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if !self.committed {
            if let Ok(mut pg) = self.pg.try_borrow_mut() {
                let _ = pg.client.batch_execute("ROLLBACK");
                pg.open = false;
            }
        }
    }
}

/// SQL on a borrowed SQLite connection (or transaction: rusqlite's derefs to one).
pub struct Sqlite<'a>(pub &'a rusqlite::Connection);

/// The advisory lock every PostgreSQL writer of a TradeSeal ledger takes: "TSLD".
const PG_WRITE_LOCK: i64 = 0x5453_4C44;

impl Conn {
    /// Opens (or creates) the SQLite database at `path` as a ledger wants it: WAL,
    /// `synchronous = FULL` (a commit survives power loss), foreign keys on, a writer
    /// waiting up to 10 s for another.
    pub fn sqlite(path: &std::path::Path) -> Result<Conn> {
        let c = rusqlite::Connection::open(path)?;
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        c.set_prepared_statement_cache_capacity(64);
        // Pages of 16 KiB for a new file (ignored by an existing one): entries' payloads
        // and the query tables' rows fill fewer pages; an import is 8 % faster
        // (docs/benchmarks.md). Set before WAL, after which it cannot change.
        c.execute_batch("PRAGMA page_size = 16384")?;
        let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            return Err(Error::invalid(
                "store",
                format!("{} cannot be written in WAL mode (it stayed {mode}): put the ledger on a local disk", path.display()),
            ));
        }
        c.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
        )?;
        Ok(Conn::Sqlite(c))
    }

    /// Connects to PostgreSQL by a libpq connection string or URL
    /// (`postgres://user@host/db?sslmode=require`, `host=/run/pg dbname=x`). TLS is used
    /// over the network unless `sslmode=disable` (rustls, the system's CA certificates). Every commit is
    /// made durable before it is acknowledged (`synchronous_commit = on`), and a writer
    /// waits at most 10 s for the write lock.
    pub fn postgres(url: &str) -> Result<Conn> {
        let config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            Error::invalid(
                "store",
                format!("{e}: give a PostgreSQL connection string such as postgres://officer@db.example.com/tradeseal"),
            )
        })?;
        // A Unix socket is local: libpq uses no TLS on one either.
        let local = config.get_hosts().iter().all(|h| host_text(h).1);
        let mut client = if local || config.get_ssl_mode() == postgres::config::SslMode::Disable {
            config.connect(postgres::NoTls)
        } else {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            // ring: no C toolchain beyond the one SQLite needs (aws-lc would want cmake).
            #[allow(deprecated)]
            let provider = rustls::crypto::ring::default_provider();
            let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider))
                .with_safe_default_protocol_versions()
                .map_err(|e| Error::invalid("store", format!("TLS: {e}")))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
        .map_err(|e| pg_error(e, Some(&config)))?;
        client
            .batch_execute("SET synchronous_commit = on; SET lock_timeout = '10s'")
            .map_err(|e| pg_error(e, None))?;
        Ok(Conn::Postgres(Box::new(std::cell::RefCell::new(Pg {
            client,
            prepared: Statements::new(),
            open: false,
        }))))
    }

    /// Runs `f` in one transaction holding the ledger's write lock (SQLite: `BEGIN
    /// IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock), so writers are
    /// serialised. Commits when `f` succeeds, durably, and rolls back when it fails:
    /// nothing of a failed write remains.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        match self {
            Conn::Sqlite(c) => {
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let tx = Tx::Sqlite(tx);
                let v = f(&tx)?;
                let Tx::Sqlite(tx) = tx else { unreachable!() };
                tx.commit()?;
                Ok(v)
            }
            Conn::Postgres(pg) => {
                pg_batch(pg, "BEGIN")?;
                let tx = Tx::Postgres(PgTx {
                    pg,
                    committed: false,
                });
                tx.execute(
                    "SELECT pg_advisory_xact_lock(?1)",
                    &[Value::Int(PG_WRITE_LOCK)],
                )?;
                let v = f(&tx)?;
                let Tx::Postgres(mut t) = tx else {
                    unreachable!()
                };
                pg_batch(pg, "COMMIT")?;
                t.committed = true;
                Ok(v)
            }
        }
    }
}

/// `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
fn pg_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('?') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(c),
        }
    }
    out.into()
}

/// How messages name the PostgreSQL database of a connection string: its name and
/// host, never its password.
pub fn store_label(url: &str) -> String {
    match url.parse::<postgres::Config>() {
        Ok(c) => {
            let hosts: Vec<String> = c.get_hosts().iter().map(|h| host_text(h).0).collect();
            format!(
                "the team ledger (database {} on {})",
                c.get_dbname().or(c.get_user()).unwrap_or("?"),
                if hosts.is_empty() {
                    "localhost".to_string()
                } else {
                    hosts.join(", ")
                }
            )
        }
        Err(_) => "the team ledger".into(),
    }
}

/// A host as text, and whether it is a Unix socket folder (local, no TLS).
fn host_text(h: &postgres::config::Host) -> (String, bool) {
    match h {
        postgres::config::Host::Tcp(s) => (s.clone(), false),
        #[cfg(unix)]
        postgres::config::Host::Unix(p) => (p.display().to_string(), true),
    }
}

fn pg_error(e: postgres::Error, config: Option<&postgres::Config>) -> Error {
    use postgres::error::SqlState;
    if let Some(code) = e.code() {
        if [
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ]
        .contains(code)
        {
            return Error::Busy;
        }
    }
    if e.is_closed() || e.code().is_none() {
        let place = config
            .map(|c| {
                let hosts: Vec<String> = c.get_hosts().iter().map(|h| host_text(h).0).collect();
                format!(" at {}", hosts.join(", "))
            })
            .unwrap_or_default();
        return Error::Unreachable {
            what: format!("the team ledger's database{place}"),
            reason: e.to_string(),
        };
    }
    // The server's own words (what, where), not the client's "db error".
    match e.as_db_error() {
        Some(db) => Error::Database(match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_string(),
        }),
        None => Error::Database(e.to_string()),
    }
}

fn sqlite_query(c: &rusqlite::Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut st = c.prepare_cached(sql)?;
    let n = st.column_count();
    let mut rows = st.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(sqlite_row(r, n)?);
    }
    Ok(out)
}

fn sqlite_row(r: &rusqlite::Row<'_>, n: usize) -> Result<Row> {
    let mut row = Vec::with_capacity(n);
    for i in 0..n {
        row.push(match r.get_ref(i)? {
            rusqlite::types::ValueRef::Null => Value::Null,
            rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
            rusqlite::types::ValueRef::Text(t) => {
                Value::Text(String::from_utf8_lossy(t).into_owned())
            }
            rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            rusqlite::types::ValueRef::Real(f) => Value::Real(f),
        });
    }
    Ok(Row(row))
}

fn sqlite_execute(c: &rusqlite::Connection, sql: &str, params: &[Value]) -> Result<u64> {
    let mut st = c.prepare_cached(sql)?;
    Ok(st.execute(rusqlite::params_from_iter(params))? as u64)
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
            Value::Real(f) if *ty == Type::FLOAT4 => (*f as f32).to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

impl<'a> postgres::types::FromSql<'a> for Value {
    fn from_sql(
        ty: &postgres::types::Type,
        raw: &'a [u8],
    ) -> std::result::Result<Value, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            _ => Value::Text(String::from_sql(ty, raw)?),
        })
    }
    fn from_sql_null(
        _: &postgres::types::Type,
    ) -> std::result::Result<Value, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Value::Null)
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

fn pg_params(params: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

fn pg_rows(rows: Vec<postgres::Row>) -> Result<Vec<Row>> {
    rows.into_iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<_, Value>(i).map_err(|e| pg_error(e, None)))
                .collect::<Result<Vec<Value>>>()
                .map(Row)
        })
        .collect()
}

/// Runs `sql` on a PostgreSQL connection, prepared once per connection.
fn pg_run<T>(
    pg: &std::cell::RefCell<Pg>,
    sql: &str,
    run: impl FnOnce(
        &mut postgres::Client,
        &postgres::Statement,
    ) -> std::result::Result<T, postgres::Error>,
) -> Result<T> {
    let mut pg = pg.borrow_mut();
    let Pg {
        client, prepared, ..
    } = &mut *pg;
    let st = match prepared.get(sql) {
        Some(st) => st.clone(),
        None => {
            let st = client
                .prepare(&pg_sql(sql))
                .map_err(|e| pg_error(e, None))?;
            prepared.insert(sql.to_string(), st.clone());
            st
        }
    };
    run(client, &st).map_err(|e| pg_error(e, None))
}

fn pg_execute(pg: &std::cell::RefCell<Pg>, sql: &str, params: &[Value]) -> Result<u64> {
    pg_run(pg, sql, |c, st| c.execute(st, &pg_params(params)))
}

fn pg_query(pg: &std::cell::RefCell<Pg>, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    pg_rows(pg_run(pg, sql, |c, st| c.query(st, &pg_params(params)))?)
}

fn pg_batch(pg: &std::cell::RefCell<Pg>, sql: &str) -> Result<()> {
    let mut pg = pg.borrow_mut();
    let r = pg.client.batch_execute(sql).map_err(|e| pg_error(e, None));
    // The transaction statements the SQL layer sends itself (never in a longer batch).
    match sql {
        "BEGIN" => pg.open = r.is_ok(),
        "COMMIT" | "ROLLBACK" => pg.open = false,
        _ => {}
    }
    r
}

impl Sql for Conn {
    fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Postgres(_) => Engine::Postgres,
        }
    }
    fn in_transaction(&self) -> bool {
        match self {
            Conn::Sqlite(c) => !c.is_autocommit(),
            Conn::Postgres(pg) => pg.borrow().open,
        }
    }
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match self {
            Conn::Sqlite(c) => sqlite_execute(c, sql, params),
            Conn::Postgres(pg) => pg_execute(pg, sql, params),
        }
    }
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match self {
            Conn::Sqlite(c) => sqlite_query(c, sql, params),
            Conn::Postgres(pg) => pg_query(pg, sql, params),
        }
    }
    fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(pg) => pg_batch(pg, sql),
        }
    }
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }
}

impl Sql for Tx<'_> {
    fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(..) => Engine::Postgres,
        }
    }
    fn in_transaction(&self) -> bool {
        true
    }
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match self {
            Tx::Sqlite(c) => sqlite_execute(c, sql, params),
            Tx::Postgres(t) => pg_execute(t.pg, sql, params),
        }
    }
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match self {
            Tx::Sqlite(c) => sqlite_query(c, sql, params),
            Tx::Postgres(t) => pg_query(t.pg, sql, params),
        }
    }
    fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Tx::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Tx::Postgres(t) => pg_batch(t.pg, sql),
        }
    }
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Tx::Sqlite(c) => Some(c),
            Tx::Postgres(_) => None,
        }
    }
}

impl Sql for Sqlite<'_> {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
    fn in_transaction(&self) -> bool {
        !self.0.is_autocommit()
    }
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        sqlite_execute(self.0, sql, params)
    }
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        sqlite_query(self.0, sql, params)
    }
    fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        Some(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::pg_sql;

    #[test]
    fn placeholders_become_postgres_numbers_outside_quotes() {
        assert_eq!(
            pg_sql("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?2"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $2"
        );
    }
}
