//! The ledger file: SQLite (WAL, synchronous=FULL), append-only entries, the stored
//! Merkle tree and the latest signed checkpoint, all changed in one transaction per append.

use crate::checkpoint::{self, Checkpoint};
use crate::entry::{self, Body, Entry};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::Signer;
use crate::merkle::{self, Frontier, NodeSource};
use crate::signature::PublicKey;
use crate::time::Timestamp;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

/// `PRAGMA application_id` of a TradeSeal ledger: ASCII "TSLD".
pub const APPLICATION_ID: i64 = 0x5453_4C44;

/// Append-only schema migrations; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("ledger/schema_v1.sql"),
    include_str!("ledger/schema_v2.sql"),
    include_str!("ledger/schema_v3.sql"),
    include_str!("ledger/schema_v4.sql"),
    include_str!("ledger/schema_v5.sql"),
    include_str!("ledger/schema_v6.sql"),
    include_str!("ledger/schema_v7.sql"),
    include_str!("ledger/schema_v8.sql"),
];

pub mod index;

/// An entry to append: its kind and canonical JSON payload.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub kind: String,
    pub payload: String,
    /// What the ledger's query tables learn from this entry (derived from the payload).
    pub index: Option<index::Record>,
}

impl NewEntry {
    pub fn note(text: &str) -> Result<NewEntry> {
        let p = entry::NotePayload::new(text)?;
        Ok(NewEntry {
            kind: entry::KIND_NOTE.into(),
            payload: entry::canonical_payload(&p)?,
            index: None,
        })
    }
}

pub struct Ledger {
    store: Store,
    path: PathBuf,
    origin: String,
    key: PublicKey,
}

/// Where the entries live: a version 1 ledger (an SQLite file, entries signed one by
/// one, ledger.md §1-6) or a version 2 one (SQLite or PostgreSQL, signed commits by
/// officers, §7-12; `tradeseal_log::store`).
enum Store {
    V1(tradeseal_log::db::Conn),
    V2(tradeseal_log::store::Ledger),
}

/// The domain's tables of a version 2 ledger, by engine: schema 1, then each migration
/// (the Nth entry makes domain schema N+1). Never edited: add one.
const DOMAIN_SQLITE: &[&str] = &[
    include_str!("ledger/domain_sqlite.sql"),
    // What a one-desk home's schema 8 adds, the same statements.
    include_str!("ledger/schema_v8.sql"),
];
pub(crate) const DOMAIN_POSTGRES: &[&str] = &[
    include_str!("ledger/domain_postgres.sql"),
    include_str!("ledger/domain_postgres_2.sql"),
];

impl Ledger {
    /// Creates a version 2 ledger of the organisation whose key is `org` in the empty
    /// database `conn` (SQLite or PostgreSQL), with the domain's tables. `name` is how
    /// messages name it (a home's folder, or the team database).
    pub fn create_v2(
        conn: tradeseal_log::db::Conn,
        org: &PublicKey,
        name: &Path,
    ) -> Result<Ledger> {
        let store = tradeseal_log::store::Ledger::create(conn, org)?;
        Ledger::with_store(store, name)
    }

    /// Opens the version 2 ledger in `conn`'s database (its domain tables made if a
    /// creation was interrupted before them).
    pub fn open_v2(conn: tradeseal_log::db::Conn, name: &Path) -> Result<Ledger> {
        Ledger::with_store(tradeseal_log::store::Ledger::open(conn)?, name)
    }

    fn with_store(store: tradeseal_log::store::Ledger, name: &Path) -> Result<Ledger> {
        use tradeseal_log::db::{Engine, Sql};
        let db = store.conn();
        let files = match db.engine() {
            Engine::Sqlite => DOMAIN_SQLITE,
            Engine::Postgres => DOMAIN_POSTGRES,
        };
        let version = |db: &dyn Sql| -> Result<usize> {
            match db
                .query_one("SELECT value FROM meta WHERE key = 'domain_schema'", &[])?
                .map(|r| r.text(0))
                .transpose()?
            {
                None => Ok(0),
                Some(v) => v.parse().map_err(|_| Error::NotAHome {
                    path: name.into(),
                    reason: format!("the ledger's domain schema {v:?} is not a number"),
                }),
            }
        };
        let have = version(db)?;
        if have > files.len() {
            return Err(Error::NotAHome {
                path: name.into(),
                reason: format!("the ledger has domain schema {have}, newer than this TradeSeal knows ({}): update TradeSeal", files.len()),
            });
        }
        if have < files.len() {
            let w = tradeseal_log::db::begin(db)?;
            // Under the write lock: a second desk migrating at once waits, then finds
            // the work done.
            let have = version(db)?;
            for sql in &files[have.min(files.len())..] {
                db.batch(sql)?;
            }
            if have < files.len() {
                db.execute("DELETE FROM meta WHERE key = 'domain_schema'", &[])?;
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('domain_schema', ?1)",
                    tradeseal_log::sql_params![files.len().to_string()],
                )?;
            }
            w.commit()?;
        }
        let (origin, key) = (store.origin().to_string(), *store.org());
        Ok(Ledger {
            store: Store::V2(store),
            path: name.into(),
            origin,
            key,
        })
    }

    /// Upgrades this version 1 ledger to version 2 in place (ledger.md §8.3): one last
    /// v1 entry, `ledger.upgrade`, signed by `signer` (the organisation's key), and the
    /// version 2 tables and meta, in one transaction; nothing before it is rewritten.
    /// From then on the ledger takes signed commits. Returns the upgrade entry's number.
    pub fn upgrade(&mut self, signer: &Signer, now: Timestamp) -> Result<u64> {
        if self.format() != 1 {
            return Err(Error::invalid(
                "ledger",
                "the ledger is version 2 already: nothing to upgrade",
            ));
        }
        let seq = {
            let mut app = self.begin_append(signer, now)?;
            let seq = match app.push(&[NewEntry {
                kind: tradeseal_log::store::KIND_LEDGER_UPGRADE.into(),
                payload: UPGRADE_PAYLOAD.into(),
                index: None,
            }])?[..]
            {
                [Appended::New { seq, .. }] => seq,
                _ => unreachable!("an upgrade is never a known event"),
            };
            let Inner::V1(v1) = app.inner else {
                unreachable!("checked: version 1")
            };
            tradeseal_log::store::Ledger::upgrade_in(v1.db, &signer.public_key())?;
            // A home's schema 8 holds the same domain tables as domain schema 2.
            const _: () = assert!(MIGRATIONS.len() == 8 && DOMAIN_SQLITE.len() == 2);
            v1.rc().execute(
                "INSERT INTO meta (key, value) VALUES ('domain_schema', ?1), ('org_card', ?2)",
                [
                    DOMAIN_SQLITE.len().to_string(),
                    crate::canonical::to_canonical(&signer.card)?,
                ],
            )?;
            v1.commit_with(&signer.key)?;
            seq
        };
        let path = self.path.clone();
        *self = Ledger::open(&path)?;
        Ok(seq)
    }

    /// Where the version 2 part begins: 0 on a ledger made version 2, the upgrade
    /// entry's number + 1 on an upgraded one, `None` on a version 1 ledger.
    pub fn v2_start(&self) -> Option<u64> {
        match &self.store {
            Store::V1(_) => None,
            Store::V2(l) => Some(l.v2_start()),
        }
    }

    /// The ledger format: 1 or 2.
    pub fn format(&self) -> u8 {
        match self.store {
            Store::V1(_) => 1,
            Store::V2(_) => 2,
        }
    }

    /// Creates a new ledger file for the log `origin` signed by `signer`, with a signed
    /// checkpoint of the empty tree.
    pub fn create(path: &Path, origin: &str, signer: &Signer, now: Timestamp) -> Result<Ledger> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrate(&mut conn, path)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('origin', ?1), ('key', ?2), ('created', ?3)",
            params![origin, signer.public_key().to_hex(), now.to_rfc3339()],
        )?;
        let note = checkpoint::sign(
            &Checkpoint {
                origin: origin.into(),
                size: 0,
                root: merkle::empty_root(),
            },
            origin,
            &signer.key,
        );
        tx.execute(
            "INSERT INTO checkpoint (id, size, note) VALUES (1, 0, ?1)",
            params![note],
        )?;
        tx.commit()?;
        Ledger::from_conn(conn, path)
    }

    /// Opens an existing ledger file for reading and appending (version 1, or
    /// version 2 after `upgrade`).
    pub fn open(path: &Path) -> Result<Ledger> {
        let mut conn = open_existing(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        configure(&conn).map_err(|e| map_open_error(e, path))?;
        if upgraded(&conn) {
            return Ledger::open_v2(tradeseal_log::db::Conn::Sqlite(conn), path);
        }
        migrate(&mut conn, path)?;
        Ledger::from_conn(conn, path)
    }

    /// Opens an existing ledger without ever writing to it.
    pub fn open_read_only(path: &Path) -> Result<Ledger> {
        let conn = open_existing(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        if upgraded(&conn) {
            return Ledger::open_v2(tradeseal_log::db::Conn::Sqlite(conn), path);
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version as usize != MIGRATIONS.len() {
            return Err(Error::NotAHome { path: path.into(), reason: format!("the ledger has schema version {version}; open it once read-write to upgrade it, or update TradeSeal") });
        }
        Ledger::from_conn(conn, path)
    }

    fn from_conn(conn: Connection, path: &Path) -> Result<Ledger> {
        let meta = |k: &str| -> Result<String> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::NotAHome {
                    path: path.into(),
                    reason: format!("the ledger has no {k}"),
                })
        };
        let origin = meta("origin")?;
        let key = PublicKey::from_hex(&meta("key")?).ok_or_else(|| Error::NotAHome {
            path: path.into(),
            reason: "the ledger key is not a valid Ed25519 key".into(),
        })?;
        Ok(Ledger {
            store: Store::V1(tradeseal_log::db::Conn::Sqlite(conn)),
            path: path.into(),
            origin,
            key,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The key that signs this ledger's entries and checkpoints.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    pub fn size(&self) -> Result<u64> {
        match &self.store {
            Store::V1(_) => size(self.conn()),
            Store::V2(l) => l.size(),
        }
    }

    /// The version 1 store's SQLite connection (tests reach below the SQL layer with it,
    /// to tamper).
    ///
    /// # Panics
    /// On a version 2 ledger, which has no SQLite store of its own (a test's mistake).
    pub fn conn(&self) -> &Connection {
        match &self.store {
            Store::V1(tradeseal_log::db::Conn::Sqlite(c)) => c,
            Store::V2(l) => match l.conn() {
                tradeseal_log::db::Conn::Sqlite(c) => c,
                tradeseal_log::db::Conn::Postgres(_) => {
                    panic!("a PostgreSQL ledger has no SQLite connection")
                }
            },
            Store::V1(tradeseal_log::db::Conn::Postgres(_)) => {
                unreachable!("a version 1 ledger is opened from an SQLite file only")
            }
        }
    }

    /// The ledger's tables through the SQL layer both engines speak (`tradeseal_log::db`):
    /// what every domain module reads and writes through.
    pub fn sql(&self) -> &tradeseal_log::db::Conn {
        match &self.store {
            Store::V1(c) => c,
            Store::V2(l) => l.conn(),
        }
    }

    /// The version 2 store, to read.
    pub fn store_v2(&self) -> Option<&tradeseal_log::store::Ledger> {
        match &self.store {
            Store::V1(_) => None,
            Store::V2(l) => Some(l),
        }
    }

    /// The version 2 store, for its officers, commits and verification.
    pub fn v2(&mut self) -> Option<&mut tradeseal_log::store::Ledger> {
        match &mut self.store {
            Store::V1(_) => None,
            Store::V2(l) => Some(l),
        }
    }

    /// Appends `items` in one durable transaction and re-signs the checkpoint. All or nothing:
    /// on any error the ledger is as it was. Events already recorded are skipped.
    pub fn append(
        &mut self,
        signer: &Signer,
        now: Timestamp,
        items: &[NewEntry],
    ) -> Result<Vec<(u64, Hash)>> {
        let mut app = self.begin_append(signer, now)?;
        let outcomes = app.push(items)?;
        app.commit()?;
        Ok(outcomes
            .into_iter()
            .filter_map(|o| match o {
                Appended::New { seq, hash } => Some((seq, hash)),
                Appended::Known { .. } => None,
            })
            .collect())
    }

    /// Starts one write transaction that can take entries in several chunks (bounded
    /// memory for large imports). Nothing is visible or durable until `commit`; dropping
    /// the appender rolls everything back.
    pub fn begin_append<'a>(
        &'a mut self,
        signer: &'a Signer,
        now: Timestamp,
    ) -> Result<Appender<'a>> {
        let conn = match &mut self.store {
            Store::V2(l) => {
                return Ok(Appender {
                    inner: Inner::V2(l.begin(&signer.key, now)?),
                })
            }
            Store::V1(c) => &*c,
        };
        if signer.public_key() != self.key {
            return Err(Error::invalid(
                "key",
                "this identity does not own the ledger: use the home the ledger belongs to",
            ));
        }
        let tradeseal_log::db::Conn::Sqlite(rc) = conn else {
            unreachable!("a version 1 ledger is opened from an SQLite file only")
        };
        if !rc.is_autocommit() {
            return Err(Error::invalid(
                "ledger",
                "an append is open already on this ledger",
            ));
        }
        rc.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| map_write_error(e, &self.path))?;
        let write = tradeseal_log::db::adopt(conn);
        let start = size(rc)?;
        let prev = last_hash(rc, start)?;
        let frontier = Frontier::load(&Nodes(conn), start)?;
        Ok(Appender {
            inner: Inner::V1(V1Appender {
                db: conn,
                write,
                signer,
                now,
                frontier,
                prev,
                next: start,
                origin: &self.origin,
                path: &self.path,
            }),
        })
    }

    /// Hands the ledger over from `old` (its key now) to `new` (keys.rs): one
    /// `key.rotate` entry signed by the old key carrying the new key's signature, the
    /// checkpoint signed by the new key, and the new key recorded as the ledger's, in
    /// one transaction. Returns the hand-over's entry number.
    pub fn rotate(&mut self, old: &Signer, new: &Signer, now: Timestamp) -> Result<u64> {
        let payload = crate::keys::rotation_payload(old, new)?;
        let new_key = new.public_key();
        if let Some(v2) = self.v2() {
            // Version 2: an officer-set commit by the old key (ledger.md §8.2).
            let p: crate::keys::RotatePayload =
                serde_json::from_str(&payload).expect("made just above");
            let sig: [u8; 64] = hex::decode(&p.new_signature)
                .ok()
                .and_then(|v| v.try_into().ok())
                .expect("a signature made just above");
            let card = |c: &crate::identity::IdentityCard| {
                serde_json::to_value(c).expect("a card serialises")
            };
            let c = v2.rotate_org(
                &old.key,
                now,
                &card(&p.old_card),
                &card(&p.new_card),
                &new_key,
                &sig,
            )?;
            self.key = new_key;
            return Ok(c.start);
        }
        let seq = {
            let mut app = self.begin_append(old, now)?;
            let seq = match app.push(&[NewEntry {
                kind: crate::keys::KIND_ROTATE.into(),
                payload,
                index: None,
            }])?[..]
            {
                [Appended::New { seq, .. }] => seq,
                _ => unreachable!("a hand-over is never a known event"),
            };
            let Inner::V1(v1) = app.inner else {
                unreachable!("checked: version 1")
            };
            v1.rc().execute(
                "UPDATE meta SET value = ?1 WHERE key = 'key'",
                [new_key.to_hex()],
            )?;
            v1.commit_with(&new.key)?;
            seq
        };
        self.key = new_key;
        Ok(seq)
    }

    /// The ledger's hand-overs, oldest first, as (entry number, hand-over).
    pub fn rotations(&self) -> Result<Vec<(u64, crate::keys::Rotation)>> {
        use tradeseal_log::db::Sql;
        let rows = self.sql().query(
            "SELECT seq, author, payload FROM entries WHERE kind = 'key.rotate' ORDER BY seq",
            &[],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, author, payload) = (row.int(0)?, row.blob(1)?, row.text(2)?);
            let author = <[u8; 32]>::try_from(author.as_slice())
                .ok()
                .and_then(|a| PublicKey::from_bytes(&a))
                .ok_or_else(|| {
                    Error::invalid(
                        "ledger",
                        format!("entry {seq} has a malformed author: run `tradeseal verify`"),
                    )
                })?;
            let r = crate::keys::check_rotation(&payload, &author, &self.origin)
                .map_err(|e| Error::invalid("ledger", format!("the key hand-over at entry {seq} does not check ({e}): run `tradeseal verify`")))?;
            out.push((seq as u64, r));
        }
        Ok(out)
    }

    /// Whether `key` (hex) is or was this ledger's key.
    pub fn is_own_key(&self, key: &str) -> Result<bool> {
        if key == self.key.to_hex() {
            return Ok(true);
        }
        Ok(self.rotations()?.iter().any(|(_, r)| r.old.to_hex() == key))
    }

    /// The latest signed checkpoint, as a C2SP signed note.
    pub fn checkpoint_note(&self) -> Result<String> {
        match &self.store {
            Store::V1(_) => Ok(self
                .conn()
                .prepare_cached("SELECT note FROM checkpoint WHERE id = 1")?
                .query_row([], |r| r.get(0))?),
            Store::V2(l) => match l.latest_note()? {
                Some(n) => Ok(n),
                // Upgraded, no commit yet: the version 1 part's last checkpoint.
                None if l.v2_start() > 0 => self.v1_checkpoint_note(),
                None => Err(Error::NotFound {
                    what: "a checkpoint".into(),
                    hint: "the ledger has no commit yet: record something first".into(),
                }),
            },
        }
    }

    /// The version 1 checkpoint (of an upgraded ledger: the v1 part's last).
    pub fn v1_checkpoint_note(&self) -> Result<String> {
        use tradeseal_log::db::Sql;
        self.sql()
            .query_one("SELECT note FROM checkpoint WHERE id = 1", &[])?
            .ok_or_else(|| Error::NotFound {
                what: "the version 1 checkpoint".into(),
                hint: "the ledger was not upgraded from version 1".into(),
            })?
            .text(0)
    }

    /// The latest checkpoint, with its signature checked (v2: the latest commit note,
    /// checked against the officer who signed it).
    pub fn checkpoint(&self) -> Result<(Checkpoint, String)> {
        let note = self.checkpoint_note()?;
        let cp = match &self.store {
            Store::V2(l) if tradeseal_log::commit::read(&note).is_ok() => {
                l.open_note(&note)?.checkpoint
            }
            _ => checkpoint::open(&note, &self.origin, &self.key)?,
        };
        Ok((cp, note))
    }

    /// The SQLite connection of a version 1 ledger, or what to do on a version 2 one
    /// for `what` (the v1 entry form, with `prev` and a signature, is v1's alone).
    fn v1(&self, what: &str) -> Result<&Connection> {
        match &self.store {
            Store::V1(c) => Ok(sqlite_of(c)),
            Store::V2(_) => Err(Error::invalid(
                "ledger",
                format!("{what} exists only in a version 1 ledger, or before a version 2 ledger's upgrade entry"),
            )),
        }
    }

    /// The SQLite connection and size of the version 1 part: the whole of a version 1
    /// ledger, or what an upgraded ledger holds before its upgrade (ledger.md §8.3).
    fn v1_part(&self) -> Option<(&Connection, u64)> {
        match &self.store {
            Store::V1(c) => Some((sqlite_of(c), u64::MAX >> 1)),
            Store::V2(l) => match l.conn() {
                tradeseal_log::db::Conn::Sqlite(c) if l.v2_start() > 0 => Some((c, l.v2_start())),
                _ => None,
            },
        }
    }

    /// The version 1 part of an upgraded ledger moved into PostgreSQL (`team migrate`):
    /// its SQL and size.
    fn v1_part_sql(&self) -> Option<(&dyn tradeseal_log::db::Sql, u64)> {
        match &self.store {
            Store::V2(l) if l.v2_start() > 0 && self.v1_part().is_none() => {
                Some((l.conn(), l.v2_start()))
            }
            _ => None,
        }
    }

    /// Entry `seq` in the version 1 form (a version 1 ledger's, or an upgraded
    /// ledger's before its upgrade).
    pub fn entry(&self, seq: u64) -> Result<Entry> {
        let not_found = || Error::NotFound {
            what: format!("entry {seq}"),
            hint: format!(
                "the ledger has entries 0 to {}",
                self.size().unwrap_or(0).saturating_sub(1)
            ),
        };
        if let Some((db, _)) = self.v1_part_sql().filter(|(_, l)| seq < *l) {
            let row = db
                .query_one(
                    &format!("{SELECT_ENTRY} WHERE seq = ?1"),
                    tradeseal_log::sql_params![seq as i64],
                )?
                .ok_or_else(not_found)?;
            return StoredRow::of(&row).to_entry().ok_or_else(|| {
                Error::invalid(
                    "ledger",
                    format!("entry {seq} is malformed: run `tradeseal verify`"),
                )
            });
        }
        let conn = match self.v1_part() {
            Some((c, limit)) if seq < limit => c,
            _ => self.v1("a version 1 entry")?,
        };
        conn.prepare_cached(&format!("{SELECT_ENTRY} WHERE seq = ?1"))?
            .query_row([seq as i64], row_to_entry)
            .optional()?
            .ok_or_else(|| Error::NotFound {
                what: format!("entry {seq}"),
                hint: format!(
                    "the ledger has entries 0 to {}",
                    self.size().unwrap_or(0).saturating_sub(1)
                ),
            })?
    }

    /// Entries with `from <= seq < to`, newest first, as the CLI and the app list them
    /// (either format; on a team ledger with the officer who made each).
    pub fn entry_views_desc(&self, from: u64, to: u64) -> Result<Vec<crate::view::EntryView>> {
        use tradeseal_log::db::Sql;
        if self.format() == 1 {
            return Ok(self
                .entries_desc(from, to)?
                .iter()
                .map(crate::view::EntryView::from)
                .collect());
        }
        let names = self.author_names()?;
        self.sql()
            .query(
                "SELECT seq, kind, time_ms, author, payload, hash, v FROM entries WHERE seq >= ?1 AND seq < ?2 ORDER BY seq DESC",
                tradeseal_log::sql_params![from as i64, to as i64],
            )?
            .iter()
            .map(|r| {
                if r.int(6)? == 1 {
                    // Before the upgrade: a version 1 entry.
                    return Ok(crate::view::EntryView::from(&self.entry(r.int(0)? as u64)?));
                }
                let author = r.blob(3)?;
                let mut v = crate::view::EntryView::of_v2(
                    r.int(0)? as u64,
                    &r.text(1)?,
                    Timestamp::from_unix_millis(r.int(2)?)?,
                    &author,
                    &r.text(4)?,
                    &r.blob(5)?,
                );
                v.officer = names.get(&author).cloned();
                Ok(v)
            })
            .collect()
    }

    /// One entry as the CLI and the app show it (either format).
    pub fn entry_view(&self, seq: u64) -> Result<crate::view::EntryView> {
        if self.format() == 1 {
            return Ok(crate::view::EntryView::from(&self.entry(seq)?));
        }
        self.entry_views_desc(seq, seq + 1)?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: format!("entry {seq}"),
                hint: format!("the ledger has {} entries", self.size().unwrap_or(0)),
            })
    }

    /// The hash of entry `seq` as stored (either format).
    pub fn entry_hash(&self, seq: u64) -> Result<Hash> {
        use tradeseal_log::db::Sql;
        let row = self
            .sql()
            .query_one(
                "SELECT hash FROM entries WHERE seq = ?1",
                tradeseal_log::sql_params![seq as i64],
            )?
            .ok_or_else(|| Error::NotFound {
                what: format!("entry {seq}"),
                hint: format!("the ledger has {} entries", self.size().unwrap_or(0)),
            })?;
        Hash::from_slice(&row.blob(0)?).ok_or_else(|| {
            Error::invalid(
                "ledger",
                format!("entry {seq}'s hash is malformed: run `tradeseal verify`"),
            )
        })
    }

    /// Who made entry `seq` of this ledger, on a team (version 2) ledger: the officer's
    /// name, or the organisation's for its own key; `None` for a version 1 entry.
    pub fn officer_of(&self, seq: u64) -> Result<Option<String>> {
        use tradeseal_log::db::Sql;
        if !self.v2_start().is_some_and(|s| seq >= s) {
            return Ok(None);
        }
        let Some(row) = self.sql().query_one(
            "SELECT author FROM entries WHERE seq = ?1",
            tradeseal_log::sql_params![seq as i64],
        )?
        else {
            return Ok(None);
        };
        Ok(self.author_names()?.remove(&row.blob(0)?))
    }

    /// Who each author key of a version 2 ledger is, on a ledger with officers:
    /// officers by name, the organisation's keys (the one in force and those it handed
    /// over) by the organisation's name. Empty on a ledger without officers (one desk),
    /// where every entry is the organisation's and naming it on each says nothing.
    fn author_names(&self) -> Result<std::collections::HashMap<Vec<u8>, String>> {
        use tradeseal_log::db::Sql;
        let mut names = std::collections::HashMap::new();
        let officers = self.sql().query("SELECT key, card FROM officers", &[])?;
        if officers.is_empty() {
            return Ok(names);
        }
        for r in officers {
            if let Ok(card) = serde_json::from_str::<crate::commit::OfficerCard>(&r.text(1)?) {
                names.insert(r.blob(0)?, card.name);
            }
        }
        let org = self
            .sql()
            .query_one("SELECT value FROM meta WHERE key = 'org_card'", &[])?
            .and_then(|r| r.text(0).ok())
            .and_then(|t| serde_json::from_str::<crate::identity::IdentityCard>(&t).ok())
            .map(|c| c.org)
            .unwrap_or_else(|| "the organisation".into());
        names.insert(self.key.to_bytes().to_vec(), org.clone());
        let handed_over = self.sql().query(
            &format!(
                "SELECT payload FROM entries WHERE kind = '{}' AND v = 2",
                crate::keys::KIND_ROTATE
            ),
            &[],
        )?;
        for r in handed_over {
            let old = serde_json::from_str::<crate::keys::RotatePayloadV2>(&r.text(0)?)
                .ok()
                .and_then(|p| p.old_card.public_key().ok());
            if let Some(old) = old {
                names.insert(old.to_bytes().to_vec(), org.clone());
            }
        }
        Ok(names)
    }

    /// Entry `seq` of the version 2 part with what proves it on its own (ledger.md
    /// §10.2): its body, the note of its commit, and its multiproof in the commit's
    /// range tree. For certificates and sealed files, which carry one entry.
    pub fn entry_in_commit(&self, seq: u64) -> Result<InCommit> {
        use tradeseal_log::db::Sql;
        use tradeseal_log::sql_params;
        let size = self.size()?;
        if seq >= size {
            return Err(Error::NotFound {
                what: format!("ledger entry {seq}"),
                hint: match size {
                    0 => "the ledger has no entries yet".into(),
                    n => format!(
                        "the ledger has entries 0 to {}: `tradeseal log` lists them",
                        n - 1
                    ),
                },
            });
        }
        if !self.v2_start().is_some_and(|s| seq >= s) {
            return Err(Error::invalid(
                "ledger",
                format!("entry {seq} is not a version 2 entry"),
            ));
        }
        let row = self
            .sql()
            .query_one(
                "SELECT end_size, start, author, note FROM commits WHERE end_size > ?1 ORDER BY end_size LIMIT 1",
                sql_params![seq as i64],
            )?
            .ok_or_else(|| {
                Error::invalid("ledger", format!("entry {seq} is in no commit: run `tradeseal verify`"))
            })?;
        let (end, start) = (row.int(0)? as u64, row.int(1)? as u64);
        let committer = <[u8; 32]>::try_from(row.blob(2)?.as_slice())
            .ok()
            .and_then(|k| PublicKey::from_bytes(&k))
            .ok_or_else(|| {
                Error::invalid(
                    "ledger",
                    "a commit's author is not a key: run `tradeseal verify`",
                )
            })?;
        let note = row.text(3)?;
        let body = tradeseal_log::store::body_v2(self.sql(), seq)?;
        let leaves = self
            .sql()
            .query(
                "SELECT hash FROM entries WHERE seq >= ?1 AND seq < ?2 ORDER BY seq",
                sql_params![start as i64, end as i64],
            )?
            .iter()
            .map(|r| r.blob(0).map(|h| merkle::leaf_hash(&h)))
            .collect::<std::result::Result<Vec<Hash>, _>>()?;
        let levels = tradeseal_log::merkle::Levels::new(leaves);
        let Ok(proof) = tradeseal_log::merkle::multiproof(&levels, end - start, &[seq - start]);
        Ok(InCommit {
            body,
            committer,
            note,
            proof,
        })
    }

    /// Entries with `from <= seq < to`, newest first.
    pub fn entries_desc(&self, from: u64, to: u64) -> Result<Vec<Entry>> {
        let mut st = self.v1("the entry list")?.prepare_cached(&format!(
            "{SELECT_ENTRY} WHERE seq >= ?1 AND seq < ?2 ORDER BY seq DESC"
        ))?;
        let rows = st.query_map(params![from as i64, to as i64], row_to_entry)?;
        rows.map(|r| r?).collect()
    }

    /// Calls `f` with the version 1 entries in order, `chunk` at a time, from one read
    /// snapshot (of an upgraded ledger: those before the upgrade).
    pub fn for_each_chunk(
        &self,
        chunk: usize,
        mut f: impl FnMut(Vec<StoredRow>) -> Result<bool>,
    ) -> Result<()> {
        if let Some((db, limit)) = self.v1_part_sql() {
            let mut from = 0u64;
            while from < limit {
                let rows: Vec<StoredRow> = db
                    .query(
                        &format!("{SELECT_ENTRY} WHERE seq >= ?1 AND seq < ?2 ORDER BY seq LIMIT {chunk}"),
                        tradeseal_log::sql_params![from as i64, limit as i64],
                    )?
                    .iter()
                    .map(StoredRow::of)
                    .collect();
                let Some(last) = rows.last() else { break };
                from = last.seq as u64 + 1;
                if !f(rows)? {
                    break;
                }
            }
            return Ok(());
        }
        let Some((conn, limit)) = self.v1_part() else {
            self.v1("a version 1 verification")?;
            return Ok(());
        };
        let tx = conn.unchecked_transaction()?;
        let mut st = tx.prepare(&format!("{SELECT_ENTRY} WHERE seq < ?1 ORDER BY seq"))?;
        let mut rows = st.query([limit as i64])?;
        let mut buf = Vec::with_capacity(chunk);
        while let Some(r) = rows.next()? {
            buf.push(StoredRow::read(r)?);
            if buf.len() == chunk && !f(std::mem::replace(&mut buf, Vec::with_capacity(chunk)))? {
                return Ok(());
            }
        }
        if !buf.is_empty() {
            f(buf)?;
        }
        Ok(())
    }

    /// Stored Merkle nodes of level >= 1, in (level, idx) order.
    pub fn stored_nodes(&self, mut f: impl FnMut(u32, u64, &[u8]) -> Result<()>) -> Result<()> {
        if let Some((db, _)) = self.v1_part_sql() {
            // Page by key: a million entries' nodes never in memory at once.
            let (mut level, mut idx) = (-1i64, -1i64);
            loop {
                let rows = db.query(
                    "SELECT level, idx, hash FROM merkle_nodes WHERE level > ?1 OR (level = ?1 AND idx > ?2) ORDER BY level, idx LIMIT 10000",
                    tradeseal_log::sql_params![level, idx],
                )?;
                for r in &rows {
                    (level, idx) = (r.int(0)?, r.int(1)?);
                    f(level as u32, idx as u64, &r.blob(2)?)?;
                }
                if rows.len() < 10000 {
                    return Ok(());
                }
            }
        }
        let conn = match self.v1_part() {
            Some((c, _)) => c,
            None => self.v1("the stored tree")?,
        };
        let mut st =
            conn.prepare("SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(
                r.get::<_, i64>(0)? as u32,
                r.get::<_, i64>(1)? as u64,
                r.get_ref(2)?.as_blob().unwrap_or(&[]),
            )?;
        }
        Ok(())
    }

    pub(crate) fn nodes(&self) -> impl NodeSource<Error = Error> + '_ {
        Nodes(self.sql())
    }
}

/// A version 2 entry with what proves it on its own (`Ledger::entry_in_commit`).
#[derive(Clone, Debug)]
pub struct InCommit {
    pub body: tradeseal_log::entry::BodyV2,
    /// Who signed its commit (its author, when the ledger verifies).
    pub committer: PublicKey,
    /// The commit's signed note.
    pub note: String,
    /// The entry's multiproof in the commit's range tree.
    pub proof: Vec<Hash>,
}

/// What became of one item given to `Appender::push`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    New {
        seq: u64,
        hash: Hash,
    },
    /// An event whose hash id the ledger already holds (`event`: its row in
    /// `epcis_events`): nothing was written.
    Known {
        event: u64,
    },
}

/// One open append transaction (see `Ledger::begin_append`).
pub struct Appender<'a> {
    inner: Inner<'a>,
}

enum Inner<'a> {
    V1(V1Appender<'a>),
    V2(tradeseal_log::store::Appender<'a>),
}

/// A version 1 append: entries hash-linked and signed one by one.
struct V1Appender<'a> {
    db: &'a tradeseal_log::db::Conn,
    write: tradeseal_log::db::Write<'a>,
    signer: &'a Signer,
    now: Timestamp,
    frontier: Frontier,
    prev: Hash,
    next: u64,
    origin: &'a str,
    path: &'a Path,
}

impl Appender<'_> {
    /// Appends `items` (v1: hash-linked and signed; v2: in the commit the note will
    /// sign) and their query-table rows inside the open transaction. Events whose hash
    /// id the ledger holds already are skipped (`Appended::Known`).
    pub fn push(&mut self, items: &[NewEntry]) -> Result<Vec<Appended>> {
        for it in items {
            entry::check_kind(&it.kind)?;
        }
        if self.row_by_row() {
            return self.push_row_by_row(items.to_vec()).map(|(o, _)| o);
        }
        let sql = self.sql();
        let mut outcomes = Vec::with_capacity(items.len());
        let mut fresh: Vec<&NewEntry> = Vec::with_capacity(items.len());
        let mut in_chunk: std::collections::HashSet<&str> = std::collections::HashSet::new();
        // Events repeated inside this chunk: (outcome index, hash id), resolved once written.
        let mut repeats: Vec<(usize, &str)> = Vec::new();
        let next = self.next_seq();
        // The events of this chunk already recorded, asked in one query.
        let ids: Vec<&str> = items
            .iter()
            .filter_map(|it| match &it.index {
                Some(index::Record::Event(ev)) => Some(ev.hash_id.as_str()),
                _ => None,
            })
            .collect();
        let known = index::known_events(&sql, &ids)?;
        for it in items {
            if let Some(index::Record::Event(ev)) = &it.index {
                if in_chunk.contains(ev.hash_id.as_str()) {
                    repeats.push((outcomes.len(), &ev.hash_id));
                    outcomes.push(Appended::Known { event: 0 });
                    continue;
                }
                let digest = index::digest_of_hash_id(&ev.hash_id);
                if let Some(&event) = digest.as_ref().and_then(|d| known.get(d)) {
                    outcomes.push(Appended::Known { event });
                    continue;
                }
                in_chunk.insert(&ev.hash_id);
            }
            outcomes.push(Appended::New {
                seq: next + fresh.len() as u64,
                hash: Hash::ZERO,
            });
            fresh.push(it);
        }
        let hashes = match &mut self.inner {
            Inner::V1(a) => a.push(&fresh)?,
            Inner::V2(a) => {
                let (first, hashes) = a.push_hashed(
                    fresh
                        .iter()
                        .map(|it| tradeseal_log::store::NewEntry {
                            kind: it.kind.clone(),
                            payload: it.payload.clone(),
                        })
                        .collect(),
                )?;
                // Events in a few multi-row statements; the rest (master data,
                // parties: few) one by one, in entry order.
                let mut events = Vec::new();
                for (i, it) in fresh.iter().enumerate() {
                    match &it.index {
                        Some(index::Record::Event(ev)) => events.push((first + i as u64, &**ev)),
                        Some(rec) => index::insert(a.sql(), first + i as u64, rec)?,
                        None => {}
                    }
                }
                index::insert_events(a.sql(), &events)?;
                hashes
            }
        };
        let mut k = 0;
        for o in &mut outcomes {
            if let Appended::New { hash, .. } = o {
                *hash = hashes[k];
                k += 1;
            }
        }
        let sql = self.sql();
        for (i, hash_id) in repeats {
            let event = index::event_id(&sql, hash_id)?.expect("the first copy was just written");
            outcomes[i] = Appended::Known { event };
        }
        Ok(outcomes)
    }

    /// As [`Appender::push`], taking the items (an import's chunks: their payloads are
    /// moved into the entries, not copied); gives back what remains of them (their
    /// query-table records), for the caller to free where it costs the writer nothing.
    pub fn push_owned(&mut self, items: Vec<NewEntry>) -> Result<(Vec<Appended>, Vec<NewEntry>)> {
        if self.row_by_row() {
            return self.push_row_by_row(items);
        }
        let outcomes = self.push(&items)?;
        Ok((outcomes, items))
    }

    /// A version 2 ledger in SQLite, where a statement costs no round trip.
    fn row_by_row(&self) -> bool {
        matches!(&self.inner, Inner::V2(a) if a.sql().engine() == tradeseal_log::db::Engine::Sqlite)
    }

    /// `push` on a version 2 ledger in SQLite: each event's row is written first,
    /// unless its hash id is there already (the unique index answers, one look-up
    /// instead of two), then the entries of the new ones and their objects.
    fn push_row_by_row(
        &mut self,
        mut items: Vec<NewEntry>,
    ) -> Result<(Vec<Appended>, Vec<NewEntry>)> {
        for it in &items {
            entry::check_kind(&it.kind)?;
        }
        use tradeseal_log::db::Value as V;
        let Inner::V2(a) = &mut self.inner else {
            unreachable!("called for a version 2 ledger")
        };
        let next = a.next_seq();
        let mut outcomes = Vec::with_capacity(items.len());
        // Indexes into `items` of the new ones, and the row ids of new events.
        let mut fresh: Vec<usize> = Vec::with_capacity(items.len());
        let mut rows: Vec<Option<i64>> = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            let seq = next + fresh.len() as u64;
            if let Some(index::Record::Event(ev)) = &it.index {
                let values = index::event_row(seq, ev)?;
                match a
                    .sql()
                    .insert_unless(index::EVENT_COLUMNS, &values, "hash")?
                {
                    Some(id) => rows.push(Some(id)),
                    None => {
                        let V::Blob(digest) = &values[1] else {
                            unreachable!("the digest is the second value")
                        };
                        let event = index::event_of_digest(a.sql(), digest)?.ok_or_else(|| {
                            Error::invalid("ledger", "an event row neither new nor there")
                        })?;
                        outcomes.push(Appended::Known { event });
                        continue;
                    }
                }
            } else {
                rows.push(None);
            }
            outcomes.push(Appended::New {
                seq,
                hash: Hash::ZERO,
            });
            fresh.push(i);
        }
        let (first, hashes) = a.push_hashed(
            fresh
                .iter()
                .map(|&i| tradeseal_log::store::NewEntry {
                    kind: std::mem::take(&mut items[i].kind),
                    payload: std::mem::take(&mut items[i].payload),
                })
                .collect(),
        )?;
        debug_assert_eq!(first, next);
        let mut objects = Vec::with_capacity(fresh.len());
        for (k, (&i, row)) in fresh.iter().zip(&rows).enumerate() {
            match (&items[i].index, row) {
                (Some(index::Record::Event(ev)), Some(id)) => objects.push((*id, &**ev)),
                (Some(index::Record::Event(_)), None) | (None, _) => {}
                (Some(rec), _) => index::insert(a.sql(), first + k as u64, rec)?,
            }
        }
        index::insert_objects(a.sql(), &objects)?;
        let mut k = 0;
        for o in &mut outcomes {
            if let Appended::New { hash, .. } = o {
                *hash = hashes[k];
                k += 1;
            }
        }
        Ok((outcomes, items))
    }

    /// The number the next entry pushed gets.
    pub fn next_seq(&self) -> u64 {
        match &self.inner {
            Inner::V1(a) => a.next,
            Inner::V2(a) => a.next_seq(),
        }
    }

    /// Signs (v1: the checkpoint; v2: the commit note) and commits: everything pushed
    /// becomes durable at once.
    pub fn commit(self) -> Result<()> {
        match self.inner {
            Inner::V1(a) => {
                let key = a.signer.key.clone();
                a.commit_with(&key)
            }
            Inner::V2(a) => a.end().map(|_| ()),
        }
    }

    /// SQL inside the open transaction (sees what was pushed): for the caller's rows.
    pub fn sql(&self) -> &dyn tradeseal_log::db::Sql {
        match &self.inner {
            Inner::V1(a) => a.db,
            Inner::V2(a) => a.sql(),
        }
    }
}

/// The SQLite connection of a version 1 ledger's database.
fn sqlite_of(db: &tradeseal_log::db::Conn) -> &Connection {
    match db {
        tradeseal_log::db::Conn::Sqlite(c) => c,
        tradeseal_log::db::Conn::Postgres(_) => {
            unreachable!("a version 1 ledger is opened from an SQLite file only")
        }
    }
}

impl<'a> V1Appender<'a> {
    fn rc(&self) -> &'a Connection {
        sqlite_of(self.db)
    }

    /// Appends `fresh` (hash-linked, signed, indexed); returns their entry hashes.
    fn push(&mut self, fresh: &[&NewEntry]) -> Result<Vec<Hash>> {
        let author = self.signer.public_key().to_bytes();
        let mut bodies = Vec::with_capacity(fresh.len());
        let mut hashes = Vec::with_capacity(fresh.len());
        for (i, it) in fresh.iter().enumerate() {
            let body = Body {
                seq: self.next + i as u64,
                kind: it.kind.clone(),
                time: self.now,
                author,
                prev: self.prev,
                payload: it.payload.clone(),
            };
            self.prev = body.hash();
            hashes.push(self.prev);
            bodies.push(body);
        }
        let signatures: Vec<[u8; 64]> = {
            use rayon::prelude::*;
            let key = &self.signer.key;
            hashes
                .par_iter()
                .map(|h| crate::signature::sign(key, &entry::signed_message(h)))
                .collect()
        };
        let rc = self.rc();
        {
            let mut ins = rc.prepare_cached("INSERT INTO entries (seq, kind, time_ms, author, prev, payload, hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
            let mut node = rc.prepare_cached(
                "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?1, ?2, ?3)",
            )?;
            for (((b, h), s), it) in bodies.iter().zip(&hashes).zip(&signatures).zip(fresh) {
                ins.execute(params![
                    b.seq as i64,
                    b.kind,
                    b.time.unix_millis(),
                    &b.author[..],
                    &b.prev.0[..],
                    b.payload,
                    &h.0[..],
                    &s[..]
                ])
                .map_err(|e| map_write_error(e, self.path))?;
                if let Some(rec) = &it.index {
                    index::insert(self.db, b.seq, rec)?;
                }
                let mut failed = None;
                self.frontier
                    .push(merkle::leaf_hash(&h.0), |level, idx, hash| {
                        if failed.is_none() {
                            failed = node.execute(params![level, idx as i64, &hash.0[..]]).err();
                        }
                    });
                if let Some(e) = failed {
                    return Err(e.into());
                }
            }
        }
        self.next += fresh.len() as u64;
        Ok(hashes)
    }

    /// Commits with the checkpoint signed by `key` (the new key, after a hand-over).
    fn commit_with(self, key: &ed25519_dalek::SigningKey) -> Result<()> {
        let cp = Checkpoint {
            origin: self.origin.to_string(),
            size: self.frontier.size(),
            root: self.frontier.root(),
        };
        let note = checkpoint::sign(&cp, self.origin, key);
        self.rc().execute(
            "UPDATE checkpoint SET size = ?1, note = ?2 WHERE id = 1",
            params![cp.size as i64, note],
        )?;
        // Committed here (not by the Write) to tell a read-only file from other errors;
        // on an error the Write, dropped, rolls back.
        self.rc()
            .execute_batch("COMMIT")
            .map_err(|e| map_write_error(e, self.path))?;
        self.write.ended();
        Ok(())
    }
}

const SELECT_ENTRY: &str =
    "SELECT seq, kind, time_ms, author, prev, payload, hash, signature FROM entries";

/// A row exactly as stored, before any check: verification must see malformed rows too.
#[derive(Clone, Debug)]
pub struct StoredRow {
    pub seq: i64,
    pub kind: String,
    pub time_ms: i64,
    pub author: Vec<u8>,
    pub prev: Vec<u8>,
    pub payload: String,
    pub hash: Vec<u8>,
    pub signature: Vec<u8>,
}

impl StoredRow {
    /// A row read through the SQL layer (PostgreSQL's columns are typed: a field of
    /// the wrong type cannot be stored there).
    fn of(r: &tradeseal_log::db::Row) -> StoredRow {
        use tradeseal_log::db::Value;
        let at = |i: usize| r.0.get(i).unwrap_or(&Value::Null);
        let text = |i| match at(i) {
            Value::Text(t) => t.clone(),
            other => format!("{other:?}"),
        };
        let blob = |i| match at(i) {
            Value::Blob(b) => b.clone(),
            _ => Vec::new(),
        };
        let int = |i| match at(i) {
            Value::Int(v) => *v,
            _ => i64::MIN,
        };
        StoredRow {
            seq: int(0),
            kind: text(1),
            time_ms: int(2),
            author: blob(3),
            prev: blob(4),
            payload: text(5),
            hash: blob(6),
            signature: blob(7),
        }
    }

    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRow> {
        let text = |i| -> rusqlite::Result<String> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                    String::from_utf8_lossy(t).into_owned()
                }
                other => format!("{other:?}"),
            })
        };
        let blob = |i| -> rusqlite::Result<Vec<u8>> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    b.to_vec()
                }
                _ => Vec::new(),
            })
        };
        Ok(StoredRow {
            seq: r.get(0)?,
            kind: text(1)?,
            time_ms: r.get::<_, Option<i64>>(2)?.unwrap_or(i64::MIN),
            author: blob(3)?,
            prev: blob(4)?,
            payload: text(5)?,
            hash: blob(6)?,
            signature: blob(7)?,
        })
    }

    /// The entry this row claims to be, if its fields are well-formed.
    pub fn to_entry(&self) -> Option<Entry> {
        Some(Entry {
            body: Body {
                seq: u64::try_from(self.seq).ok()?,
                kind: self.kind.clone(),
                time: Timestamp::from_unix_millis(self.time_ms).ok()?,
                author: self.author.as_slice().try_into().ok()?,
                prev: Hash::from_slice(&self.prev)?,
                payload: self.payload.clone(),
            },
            hash: Hash::from_slice(&self.hash)?,
            signature: self.signature.as_slice().try_into().ok()?,
        })
    }
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Entry>> {
    let row = StoredRow::read(r)?;
    Ok(row.to_entry().ok_or_else(|| {
        Error::invalid(
            "ledger",
            format!("entry {} is malformed: run `tradeseal verify`", row.seq),
        )
    }))
}

/// The tree's nodes through the SQL layer (both formats keep them in `entries` and
/// `merkle_nodes`, on either engine).
struct Nodes<'a>(&'a dyn tradeseal_log::db::Sql);

impl NodeSource for Nodes<'_> {
    type Error = Error;
    fn node(&self, level: u32, index: u64) -> Result<Hash> {
        use tradeseal_log::sql_params;
        let missing = || Error::NotFound {
            what: format!("Merkle node {level}/{index}"),
            hint: "the ledger is damaged: run `tradeseal verify`".into(),
        };
        let row = if level == 0 {
            self.0.query_one(
                "SELECT hash FROM entries WHERE seq = ?1",
                sql_params![index as i64],
            )?
        } else {
            self.0.query_one(
                "SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2",
                sql_params![level, index as i64],
            )?
        };
        let h = row.ok_or_else(missing)?.blob(0)?;
        if level == 0 {
            return Ok(merkle::leaf_hash(&h));
        }
        Hash::from_slice(&h).ok_or_else(missing)
    }
}

fn size(conn: &Connection) -> Result<u64> {
    let n: Option<i64> = conn.query_row("SELECT MAX(seq) FROM entries", [], |r| r.get(0))?;
    Ok(n.map_or(0, |n| n as u64 + 1))
}

fn last_hash(conn: &Connection, size: u64) -> Result<Hash> {
    if size == 0 {
        return Ok(Hash::ZERO);
    }
    let h: Vec<u8> = conn.query_row(
        "SELECT hash FROM entries WHERE seq = ?1",
        [(size - 1) as i64],
        |r| r.get(0),
    )?;
    Hash::from_slice(&h).ok_or_else(|| {
        Error::invalid(
            "ledger",
            "the last entry's hash is malformed: run `tradeseal verify`",
        )
    })
}

/// The payload of `ledger.upgrade` (ledger.md §8.3), canonical.
pub const UPGRADE_PAYLOAD: &str = r#"{"format":2}"#;

/// Whether the ledger file was upgraded to version 2 (`meta.format` = 2).
fn upgraded(conn: &Connection) -> bool {
    conn.query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
        r.get::<_, String>(0)
    })
    .is_ok_and(|f| f == "2")
}

fn open_existing(path: &Path, flags: OpenFlags) -> Result<Connection> {
    if !path.is_file() {
        return Err(Error::NotAHome {
            path: path.into(),
            reason: "the ledger file ledger.sqlite is missing".into(),
        });
    }
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| map_open_error(e, path))?;
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| map_open_error(e, path))?;
    if app != APPLICATION_ID {
        return Err(Error::NotAHome {
            path: path.into(),
            reason: "the file is an SQLite database but not a TradeSeal ledger".into(),
        });
    }
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Room for every statement a hot path repeats (entries, nodes, dossiers, lots).
    conn.set_prepared_statement_cache_capacity(64);
    // WAL + FULL: a committed append survives power loss (docs/spec/ledger.md, Durability).
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed {mode}"
        )));
    }
    // A 64 MiB page cache keeps large imports (one transaction) from spilling to the WAL early.
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
    )
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| map_write_error(e, path))?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = version as usize;
    if version > MIGRATIONS.len() {
        return Err(Error::NotAHome { path: path.into(), reason: format!("the ledger has schema version {version}, newer than this TradeSeal knows ({}): update TradeSeal", MIGRATIONS.len()) });
    }
    if version == MIGRATIONS.len() {
        return Ok(());
    }
    if version == 0 {
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))?;
    }
    for sql in &MIGRATIONS[version..] {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {};", MIGRATIONS.len()))?;
    tx.commit().map_err(|e| map_write_error(e, path))?;
    Ok(())
}

fn map_open_error(e: rusqlite::Error, path: &Path) -> Error {
    use rusqlite::ffi::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::NotADatabase) => Error::NotAHome {
            path: path.into(),
            reason: "ledger.sqlite is not an SQLite database".into(),
        },
        Some(C::ReadOnly) | Some(C::CannotOpen) | Some(C::PermissionDenied) => {
            Error::ReadOnly { path: path.into() }
        }
        _ => e.into(),
    }
}

fn map_write_error(e: rusqlite::Error, path: &Path) -> Error {
    use rusqlite::ffi::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::ReadOnly) | Some(C::PermissionDenied) => Error::ReadOnly { path: path.into() },
        _ => e.into(),
    }
}
