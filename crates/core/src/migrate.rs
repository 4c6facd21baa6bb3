//! `tradeseal team migrate`: a one-desk home's ledger moved whole into a team's empty
//! PostgreSQL database, the organisation's one history going on there. Every row of
//! every table is copied as stored, in one transaction (a failure leaves the database
//! empty); the ledger is verified before (it must be intact) and after (it must be
//! intact, with the same size and root). Only a version 2 ledger moves: a version 1
//! home is upgraded first, explicitly (`tradeseal ledger upgrade`).

use crate::error::{Error, Result};
use crate::home::Home;
use crate::ledger::{Ledger, DOMAIN_POSTGRES};
use crate::verify::{self, Verdict};
use rusqlite::types::ValueRef;
use serde::Serialize;
use std::path::Path;
use tradeseal_log::db::{self, Conn, Engine, Sql, Value};
use tradeseal_log::sql_params;

/// Version 1's checkpoint table (ledger.md §4), which an upgraded ledger keeps: the
/// last checkpoint of its version 1 part.
const V1_CHECKPOINT_PG: &str = "CREATE TABLE IF NOT EXISTS checkpoint (
    id BIGINT PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, note TEXT NOT NULL);";

/// Rows a statement when copying.
const ROWS: usize = 500;

/// What `migrate` moved.
#[derive(Clone, Debug, Serialize)]
pub struct Migrated {
    pub origin: String,
    /// How messages name the team ledger (database and host, never a password).
    pub store: String,
    pub entries: u64,
    /// The tree's root, the same before and after.
    pub root: String,
    pub tables: usize,
    pub rows: u64,
}

/// Moves `home`'s ledger into the empty PostgreSQL database of `url` and makes it this
/// desk's ledger (the home's SQLite file stays, unused, as it was). `progress(table,
/// rows)` is told after each table.
pub fn migrate(home: &Home, url: &str, progress: &mut dyn FnMut(&str, u64)) -> Result<Migrated> {
    if home.officer().is_some() {
        return Err(Error::invalid(
            "team",
            "this desk is an officer's: the organisation's own home is moved into the team database",
        ));
    }
    if let Some(s) = home.store() {
        return Err(Error::invalid(
            "team",
            format!("this home writes {} already", db::store_label(&s)),
        ));
    }
    let local = home.ledger()?;
    if local.format() != 2 {
        return Err(Error::invalid(
            "ledger",
            "the home's ledger is version 1, and a team ledger is version 2: upgrade it first (`tradeseal ledger upgrade --yes`, its entries kept as they are), then migrate",
        ));
    }
    let before = verify::verify(&local, None, &mut |_, _| {})?;
    if before.verdict != Verdict::Intact {
        return Err(Error::invalid(
            "ledger",
            format!(
                "the home's ledger does not verify ({} findings, the first: {}): a damaged ledger is not moved; run `tradeseal verify`",
                before.findings.len(),
                before.findings.first().map_or("", |f| f.message.as_str())
            ),
        ));
    }
    let label = db::store_label(url);
    let pg = Conn::postgres(url)?;
    let occupied = pg.query_one(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'meta'",
        &[],
    )?;
    if occupied.is_some() {
        return Err(Error::invalid(
            "store",
            format!("{label} holds a TradeSeal ledger already: a home moves into an empty database (create one: README, Teams)"),
        ));
    }
    let src = local.conn();
    let tables = source_tables(src)?;
    let mut rows = 0u64;
    {
        let w = db::begin(&pg)?;
        pg.batch(tradeseal_log::store::schema(Engine::Postgres))?;
        pg.batch(V1_CHECKPOINT_PG)?;
        for sql in DOMAIN_POSTGRES {
            pg.batch(sql)?;
        }
        for t in copy_order(&pg, tables.clone())? {
            let n = copy_table(src, &pg, &t)?;
            progress(&t, n);
            rows += n;
        }
        pg.execute(
            "INSERT INTO meta (key, value) VALUES ('domain_schema', ?1)",
            sql_params![DOMAIN_POSTGRES.len().to_string()],
        )?;
        // Identity columns go on after the highest id copied.
        for r in pg.query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
            &[],
        )? {
            let (t, c) = (r.text(0)?, r.text(1)?);
            pg.query(
                &format!("SELECT setval(pg_get_serial_sequence('{t}', '{c}'), COALESCE((SELECT max({c}) FROM {t}), 0) + 1, false)"),
                &[],
            )?;
        }
        w.commit()?;
    }
    drop(local);
    let team = Ledger::open_v2(Conn::postgres(url)?, Path::new(&label))?;
    let after = verify::verify(&team, None, &mut |_, _| {})?;
    if after.verdict != Verdict::Intact
        || (after.entries, &after.root) != (before.entries, &before.root)
    {
        return Err(Error::invalid(
            "team",
            format!(
                "the ledger copied into {label} does not verify as the home's did ({} entries, root {}; the copy: {} entries, root {}, {} findings): this home keeps its own ledger; drop the database's tables and try again",
                before.entries, before.root, after.entries, after.root, after.findings.len()
            ),
        ));
    }
    let mut s = home.settings();
    s.store = Some(url.to_string());
    home.save_settings(&s)?;
    Ok(Migrated {
        origin: team.origin().to_string(),
        store: label,
        entries: after.entries,
        root: after.root,
        tables: tables.len(),
        rows,
    })
}

/// The home's tables, as SQLite lists them.
fn source_tables(src: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut st = src.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// `tables` ordered so that a table comes after those its foreign keys name.
fn copy_order(pg: &Conn, mut tables: Vec<String>) -> Result<Vec<String>> {
    let deps: Vec<(String, String)> = pg
        .query(
            "SELECT tc.table_name::text, ccu.table_name::text FROM information_schema.table_constraints tc
             JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
            &[],
        )?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect::<Result<_>>()?;
    let mut out: Vec<String> = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = tables.iter().position(|t| {
            deps.iter()
                .filter(|(child, parent)| child == t && parent != t)
                .all(|(_, parent)| out.contains(parent) || !tables.contains(parent))
        });
        // A cycle cannot happen in these schemas; copy in name order if it did.
        out.push(tables.remove(ready.unwrap_or(0)));
    }
    Ok(out)
}

/// Copies every row of `table`, streamed, `ROWS` a statement; returns how many.
fn copy_table(src: &rusqlite::Connection, pg: &Conn, table: &str) -> Result<u64> {
    let cols: Vec<String> = src
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut theirs: Vec<String> = pg
        .query(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = CAST(?1 AS TEXT)",
            sql_params![table],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?;
    let mut ours = cols.clone();
    ours.sort();
    theirs.sort();
    if ours != theirs {
        return Err(Error::invalid(
            "team",
            format!("the table {table} has the columns {ours:?} in this home but {theirs:?} in a team ledger: update TradeSeal on this desk"),
        ));
    }
    let list = cols.join(", ");
    let mut st = src.prepare(&format!("SELECT {list} FROM {table}"))?;
    let mut q = st.query([])?;
    let (width, mut buf, mut n) = (cols.len(), Vec::new(), 0u64);
    let flush = |buf: &mut Vec<Value>| -> Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        let rows = buf.len() / width;
        let mut sql = format!("INSERT INTO {table} ({list}) VALUES ");
        for r in 0..rows {
            sql.push_str(if r == 0 { "(" } else { ",(" });
            for c in 0..width {
                if c > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("?{}", r * width + c + 1));
            }
            sql.push(')');
        }
        pg.execute(&sql, buf)?;
        buf.clear();
        Ok(())
    };
    while let Some(r) = q.next()? {
        for i in 0..width {
            buf.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        n += 1;
        if buf.len() == ROWS * width {
            flush(&mut buf)?;
        }
    }
    flush(&mut buf)?;
    // The domain schema is numbered per engine: written after the copy.
    if table == "meta" {
        pg.execute("DELETE FROM meta WHERE key = 'domain_schema'", &[])?;
    }
    Ok(n)
}
