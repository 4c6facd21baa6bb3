//! A version-2 ledger (docs/spec/ledger.md §7-12) in a database, SQLite or PostgreSQL
//! (`db`): commits appended under the database's write lock, each signed once by its
//! officer in a commit note written in the same transaction; the officer set kept
//! beside the entries; and full verification. One linear history, however many desks
//! append at once.

use crate::checkpoint::Checkpoint;
use crate::commit::{self, Commit, OfficerCard};
use crate::db::{Conn, Engine, Sql, Value};
use crate::entry::{check_kind, BodyV2};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::key::origin_for;
use crate::merkle::{self, Frontier, NodeSource};
use crate::signature::PublicKey;
use crate::sql_params;
use crate::time::Timestamp;
use ed25519_dalek::SigningKey;
use serde_json::json;
use serde_json::Value as Json;

pub use crate::officers::{Finding, KIND_OFFICER_ADD, KIND_OFFICER_REVOKE};
use crate::officers::{Findings, OfficerSet, SET_KINDS};

// The ledger's tables (ledger.md §12), named as version 1 named them: a ledger
// upgraded from v1 goes on in the same `entries` and `merkle_nodes` (`v` tells a v2 row,
// which has no `prev` and no `signature`). The domain's query tables join `entries`.
const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, time_ms INTEGER NOT NULL,
    author BLOB NOT NULL, prev BLOB, payload TEXT NOT NULL, hash BLOB NOT NULL,
    signature BLOB, v INTEGER NOT NULL DEFAULT 2);
-- The officer-set head (the latest officer.*, key.rotate or ledger.upgrade entry) is
-- read on every commit: by index, not by scanning the entries.
CREATE INDEX IF NOT EXISTS entries_kind_seq ON entries (kind, seq);
CREATE TABLE IF NOT EXISTS merkle_nodes (
    level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commits (
    end_size INTEGER PRIMARY KEY, start INTEGER NOT NULL, author BLOB NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS officers (
    key BLOB PRIMARY KEY, role TEXT NOT NULL, card TEXT NOT NULL, added INTEGER NOT NULL,
    revoked INTEGER, revoked_from_ms INTEGER);
";

const PG_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq BIGINT PRIMARY KEY, kind TEXT NOT NULL, time_ms BIGINT NOT NULL,
    author BYTEA NOT NULL, prev BYTEA, payload TEXT NOT NULL, hash BYTEA NOT NULL,
    signature BYTEA, v BIGINT NOT NULL DEFAULT 2);
-- The officer-set head (the latest officer.*, key.rotate or ledger.upgrade entry) is
-- read on every commit: by index, not by scanning the entries.
CREATE INDEX IF NOT EXISTS entries_kind_seq ON entries (kind, seq);
CREATE TABLE IF NOT EXISTS merkle_nodes (
    level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx));
CREATE TABLE IF NOT EXISTS commits (
    end_size BIGINT PRIMARY KEY, start BIGINT NOT NULL, author BYTEA NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS officers (
    key BYTEA PRIMARY KEY, role TEXT NOT NULL, card TEXT NOT NULL, added BIGINT NOT NULL,
    revoked BIGINT, revoked_from_ms BIGINT);
";

/// The ledger's own tables (§12) on `engine`, for a database a ledger is moved into.
pub fn schema(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => SQLITE_SCHEMA,
        Engine::Postgres => PG_SCHEMA,
    }
}

/// An entry to commit: its kind and canonical JSON payload.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub kind: String,
    pub payload: String,
}

/// What a commit appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    pub start: u64,
    pub end: u64,
    /// The signed commit note: the ledger's checkpoint at `end`.
    pub note: String,
}

/// A role in the officer set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Officer,
    Admin,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }
}

pub struct Ledger {
    conn: Conn,
    origin: String,
    org: PublicKey,
    /// Where the version 2 part begins: 0, or the size of the version 1 ledger this one
    /// was upgraded from (ledger.md §8.3; its last entry is `ledger.upgrade`).
    v2_start: u64,
}

/// The kind of the last version 1 entry of an upgraded ledger (ledger.md §8.3).
pub const KIND_LEDGER_UPGRADE: &str = "ledger.upgrade";

/// The officer-set kinds (§8.2) as SQL, for the chain's entries (the version 2 part's).
const SET_KINDS_SQL: &str =
    "kind IN ('officer.add', 'officer.revoke', 'officer.rotate', 'key.rotate') AND v = 2";

impl Ledger {
    /// Creates the ledger of the organisation whose key is `org` in an empty database.
    pub fn create(mut conn: Conn, org: &PublicKey) -> Result<Ledger> {
        let schema = match conn.engine() {
            Engine::Sqlite => SQLITE_SCHEMA,
            Engine::Postgres => PG_SCHEMA,
        };
        let origin = origin_for(org);
        conn.write(|tx| {
            tx.batch(schema)?;
            if tx.query_one("SELECT value FROM meta WHERE key = 'origin'", &[])?.is_some() {
                return Err(Error::invalid(
                    "store",
                    "the database holds a TradeSeal ledger already: join it instead of creating one",
                ));
            }
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('origin', ?1), ('org_key', ?2), ('format', '2')",
                sql_params![origin.as_str(), org.to_hex()],
            )?;
            Ok(())
        })?;
        Ok(Ledger {
            conn,
            origin,
            org: *org,
            v2_start: 0,
        })
    }

    /// Opens the ledger in `conn`'s database.
    pub fn open(conn: Conn) -> Result<Ledger> {
        let missing = || {
            Error::NotFound {
            what: "a TradeSeal ledger".into(),
            hint: "the database holds none: create one (`tradeseal team init`) or check the connection string".into(),
        }
        };
        let meta = conn
            .query("SELECT key, value FROM meta", &[])
            .map_err(|_| missing())?;
        let get = |n: &str| -> Option<String> {
            meta.iter()
                .find(|r| r.text(0).ok().as_deref() == Some(n))
                .and_then(|r| r.text(1).ok())
        };
        let origin = get("origin").ok_or_else(missing)?;
        if get("format").as_deref() != Some("2") {
            return Err(Error::invalid(
                "store",
                format!("the ledger {origin} is a version 1 ledger: `tradeseal ledger upgrade` makes it version 2 (its entries kept as they are)"),
            ));
        }
        let org = get("org_key")
            .and_then(|k| PublicKey::from_hex(&k))
            .ok_or_else(missing)?;
        let v2_start = match get("v2_start") {
            None => 0,
            Some(v) => v.parse().map_err(|_| {
                Error::invalid(
                    "ledger",
                    format!("the ledger's v2_start {v:?} is not a number: run `tradeseal verify`"),
                )
            })?,
        };
        Ok(Ledger {
            conn,
            origin,
            org,
            v2_start,
        })
    }

    /// Makes the version 1 ledger in the open write transaction `tx` a version 2 one
    /// (ledger.md §8.3), after its last v1 entry, `ledger.upgrade`, was appended and
    /// signed by `org`, the organisation's key now: the commit and officer tables, the
    /// `v` column (1 for every entry there is), and `meta`. Nothing of the v1 part is
    /// rewritten. SQLite only: version 1 ledgers are SQLite files.
    pub fn upgrade_in(tx: &dyn Sql, org: &PublicKey) -> Result<u64> {
        if tx.engine() != Engine::Sqlite {
            return Err(Error::invalid(
                "store",
                "a version 1 ledger is an SQLite file",
            ));
        }
        let size = tx
            .query_one("SELECT max(seq) + 1 FROM entries", &[])?
            .and_then(|r| r.opt_int(0).ok().flatten())
            .unwrap_or(0);
        let last = tx
            .query_one(
                "SELECT kind, author FROM entries WHERE seq = ?1",
                sql_params![size - 1],
            )?
            .map(|r| Ok::<_, Error>((r.text(0)?, r.blob(1)?)))
            .transpose()?;
        if last.as_ref().map(|(k, a)| (k.as_str(), a.as_slice()))
            != Some((KIND_LEDGER_UPGRADE, &org.to_bytes()[..]))
        {
            return Err(Error::invalid(
                "ledger",
                "the last entry of a ledger to upgrade is its ledger.upgrade entry, signed by the organisation's key",
            ));
        }
        tx.batch(
            "ALTER TABLE entries ADD COLUMN v INTEGER NOT NULL DEFAULT 1;
             CREATE TABLE commits (
                 end_size INTEGER PRIMARY KEY, start INTEGER NOT NULL, author BLOB NOT NULL, note TEXT NOT NULL);
             CREATE TABLE officers (
                 key BLOB PRIMARY KEY, role TEXT NOT NULL, card TEXT NOT NULL, added INTEGER NOT NULL,
                 revoked INTEGER, revoked_from_ms INTEGER);",
        )?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('org_key', ?1), ('format', '2'), ('v2_start', ?2)",
            sql_params![org.to_hex(), size.to_string()],
        )?;
        Ok(size as u64)
    }

    /// The organisation's key when the version 2 part began: the author of the first
    /// version 2 `key.rotate`, or the key in force when there is none.
    pub fn first_org(&self) -> Result<PublicKey> {
        let first = self.conn.query_one(
            "SELECT author FROM entries WHERE kind = 'key.rotate' AND v = 2 ORDER BY seq LIMIT 1",
            &[],
        )?;
        Ok(match first {
            Some(r) => PublicKey::from_bytes(
                &<[u8; 32]>::try_from(r.blob(0)?.as_slice()).map_err(|_| {
                    Error::invalid(
                        "ledger",
                        "a hand-over's author is not a key: run `tradeseal verify`",
                    )
                })?,
            )
            .ok_or_else(|| {
                Error::invalid(
                    "ledger",
                    "a hand-over's author is not a key: run `tradeseal verify`",
                )
            })?,
            None => self.org,
        })
    }

    /// Where the version 2 part begins (0 unless upgraded from version 1).
    pub fn v2_start(&self) -> u64 {
        self.v2_start
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn size(&self) -> Result<u64> {
        size(&self.conn, self.v2_start)
    }

    /// Commits `entries` as `author` at `now` (as [`Ledger::commit_with`], in one go).
    pub fn commit(
        &mut self,
        author: &SigningKey,
        now: Timestamp,
        entries: &[NewEntry],
    ) -> Result<Committed> {
        self.commit_with(author, now, |a| a.push(entries.to_vec()))
            .map(|(_, c)| c)
    }

    /// One commit by `author` at `now` written by `write`, which pushes entries (in
    /// chunks, as it reads them) and its own rows through the [`Appender`], all in one
    /// transaction under the write lock: committed when `write` and the note succeed,
    /// rolled back otherwise. Officer-set kinds are refused.
    pub fn commit_with<T>(
        &mut self,
        author: &SigningKey,
        now: Timestamp,
        write: impl FnOnce(&mut Appender<'_>) -> Result<T>,
    ) -> Result<(T, Committed)> {
        let mut a = self.begin(author, now)?;
        let v = write(&mut a)?;
        Ok((v, a.finish()?))
    }

    /// Opens one commit by `author` at `now`: a write transaction under the ledger's
    /// write lock, refused when the key is not enrolled or is revoked. Entries and the
    /// caller's rows go in through the [`Appender`]; [`Appender::finish`] signs the note
    /// and commits; dropped before, everything rolls back.
    pub fn begin(&mut self, author: &SigningKey, now: Timestamp) -> Result<Appender<'_>> {
        Appender::open(
            &self.conn,
            (&self.origin, &self.org, self.v2_start),
            author,
            now,
        )
    }

    /// The ledger's database, for the domain's own tables.
    pub fn conn(&self) -> &Conn {
        &self.conn
    }

    /// The organisation's key (always an administrator).
    pub fn org(&self) -> &PublicKey {
        &self.org
    }

    /// Opens a commit note of this ledger: its signature checked against the officer
    /// (or organisation) key that made that commit.
    pub fn open_note(&self, note: &str) -> Result<Commit> {
        let c = commit::read(note)?;
        let r = self
            .conn
            .query_one(
                "SELECT author FROM commits WHERE end_size = ?1",
                sql_params![c.end() as i64],
            )?
            .ok_or_else(|| Error::NotFound {
                what: format!("the commit ending at {}", c.end()),
                hint: "run `tradeseal verify`".into(),
            })?;
        let key = <[u8; 32]>::try_from(r.blob(0)?.as_slice())
            .ok()
            .and_then(|k| PublicKey::from_bytes(&k))
            .ok_or_else(|| {
                Error::invalid(
                    "ledger",
                    "a commit's author is not a key: run `tradeseal verify`",
                )
            })?;
        if c.checkpoint.origin != self.origin {
            return Err(Error::invalid("checkpoint", "the note is another ledger's"));
        }
        commit::open(note, &key)
    }

    /// The latest commit note (the ledger's checkpoint), if any commit was made.
    pub fn latest_note(&self) -> Result<Option<String>> {
        self.conn
            .query_one(
                "SELECT note FROM commits ORDER BY end_size DESC LIMIT 1",
                &[],
            )?
            .map(|r| r.text(0))
            .transpose()
    }

    /// Enrols the officer of `card` with `role`: committed by `admin`.
    pub fn add_officer(
        &mut self,
        admin: &SigningKey,
        now: Timestamp,
        card: &OfficerCard,
        role: Role,
    ) -> Result<Committed> {
        let key = card.check()?;
        if card.origin != self.origin {
            return Err(Error::invalid(
                "officer card",
                format!(
                    "the card is for the ledger {}, not this one ({})",
                    card.origin, self.origin
                ),
            ));
        }
        let (origin, org, v2_start) = (self.origin.clone(), self.org, self.v2_start);
        let card = card.clone();
        self.conn.write(|tx| {
            require_admin(tx, &org, &PublicKey::of(admin))?;
            if key == org || officer(tx, &key)?.is_some() {
                return Err(Error::invalid(
                    "officer card",
                    format!("{} ({}) is enrolled already, or was and is revoked: a key is enrolled once", card.name, card.fingerprint),
                ));
            }
            let after = set_head(tx)?;
            let payload = json!({"after": after, "card": card, "role": role.as_str()});
            let e = NewEntry {
                kind: KIND_OFFICER_ADD.into(),
                payload: crate::canonical::value_to_canonical(&payload)?,
            };
            let c = append(tx, (&origin, &org, v2_start), admin, now, vec![e])?;
            tx.execute(
                "INSERT INTO officers (key, role, card, added) VALUES (?1, ?2, ?3, ?4)",
                sql_params![key.to_bytes().to_vec(), role.as_str(), crate::canonical::to_canonical(&card)?, c.start as i64],
            )?;
            Ok(c)
        })
    }

    /// Revokes `key` from `from` on (commits of it at or after `from` are invalid):
    /// committed by an admin, or by the officer for their own key.
    pub fn revoke_officer(
        &mut self,
        by: &SigningKey,
        now: Timestamp,
        key: &PublicKey,
        from: Timestamp,
        reason: &str,
    ) -> Result<Committed> {
        if from > now {
            return Err(Error::invalid(
                "from",
                "a revocation cannot start later than it is made",
            ));
        }
        let (origin, org, v2_start) = (self.origin.clone(), self.org, self.v2_start);
        self.conn.write(|tx| {
            let by_key = PublicKey::of(by);
            if by_key != *key {
                require_admin(tx, &org, &by_key)?;
            }
            match officer(tx, key)? {
                Some(o) if o.revoked.is_none() => {}
                _ => {
                    return Err(Error::NotFound {
                        what: format!("an enrolled officer with the key {}", key.to_hex()),
                        hint: "`tradeseal officer list` shows who is enrolled".into(),
                    })
                }
            }
            let after = set_head(tx)?;
            let payload = json!({"after": after, "from": from.to_rfc3339(), "key": key.to_hex(), "reason": reason});
            let e = NewEntry {
                kind: KIND_OFFICER_REVOKE.into(),
                payload: crate::canonical::value_to_canonical(&payload)?,
            };
            let c = append(tx, (&origin, &org, v2_start), by, now, vec![e])?;
            tx.execute(
                "UPDATE officers SET revoked = ?2, revoked_from_ms = ?3 WHERE key = ?1",
                sql_params![key.to_bytes().to_vec(), c.start as i64, from.unix_millis()],
            )?;
            Ok(c)
        })
    }

    /// Hands the ledger over from the organisation's key `old` (its key in force) to
    /// `new_key` (identity.md, ledger.md §8.2 `key.rotate`): one `key.rotate` entry
    /// committed by `old`, its payload `{after, old_card, new_card, new_signature}`
    /// where `new_signature` is the new key's over the hand-over
    /// ([`crate::commit::key_rotate_message`]); the cards are the caller's (identity
    /// cards, checked by the domain), naming their keys and this ledger. From the next
    /// commit on, `new_key` is the organisation's and `old` commits nothing more.
    pub fn rotate_org(
        &mut self,
        old: &SigningKey,
        now: Timestamp,
        old_card: &Json,
        new_card: &Json,
        new_key: &PublicKey,
        new_signature: &[u8; 64],
    ) -> Result<Committed> {
        let old_key = PublicKey::of(old);
        if old_key != self.org {
            return Err(Error::invalid(
                "key",
                "only the organisation's key in force hands the ledger over",
            ));
        }
        let names = |c: &Json, k: &PublicKey| {
            c.get("public_key").and_then(Json::as_str) == Some(k.to_hex().as_str())
                && c.get("origin").and_then(Json::as_str) == Some(self.origin.as_str())
        };
        if !names(old_card, &old_key) || !names(new_card, new_key) {
            return Err(Error::invalid(
                "card",
                "the cards of a hand-over name its two keys and this ledger",
            ));
        }
        let message = crate::commit::key_rotate_message(&self.origin, &old_key, new_key);
        if *new_key == old_key || !new_key.verify(&message, new_signature) {
            return Err(Error::invalid(
                "key",
                "the new key's signature over the hand-over does not verify",
            ));
        }
        let (origin, org, v2_start) = (self.origin.clone(), self.org, self.v2_start);
        let (old_card, new_card, new_key) = (old_card.clone(), new_card.clone(), *new_key);
        let c = self.conn.write(|tx| {
            if officer(tx, &new_key)?.is_some() {
                return Err(Error::invalid(
                    "key",
                    "the new key is an officer's, or was: the organisation takes a key of its own",
                ));
            }
            let after = set_head(tx)?;
            let payload = json!({"after": after, "old_card": old_card, "new_card": new_card, "new_signature": hex::encode(new_signature)});
            let e = NewEntry {
                kind: crate::officers::KIND_KEY_ROTATE.into(),
                payload: crate::canonical::value_to_canonical(&payload)?,
            };
            let c = append(tx, (&origin, &org, v2_start), old, now, vec![e])?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'org_key'",
                sql_params![new_key.to_hex()],
            )?;
            // A team ledger keeps the organisation's card for desks that join it.
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'org_card'",
                sql_params![crate::canonical::value_to_canonical(&new_card)?],
            )?;
            Ok(c)
        })?;
        self.org = new_key;
        Ok(c)
    }

    /// Hands the officer role of `old` (an officer's key, not the organisation's) to the
    /// key of `new_card` (ledger.md §8.2 `officer.rotate`): committed by `old`, with the
    /// new key's `new_signature` over the hand-over
    /// ([`crate::commit::officer_rotate_message`]). The new key takes the old one's role;
    /// the old key commits nothing more. For a desk replacing its officer's key.
    pub fn rotate_officer(
        &mut self,
        old: &SigningKey,
        now: Timestamp,
        new_card: &OfficerCard,
        new_signature: &[u8; 64],
    ) -> Result<Committed> {
        let old_key = PublicKey::of(old);
        let new_key = new_card.check()?;
        if new_card.origin != self.origin {
            return Err(Error::invalid(
                "officer card",
                format!(
                    "the new card is for the ledger {}, not this one ({})",
                    new_card.origin, self.origin
                ),
            ));
        }
        if old_key == self.org {
            return Err(Error::invalid(
                "officer",
                "the organisation's key is handed over with key.rotate, not as an officer's",
            ));
        }
        let message = crate::commit::officer_rotate_message(&self.origin, &old_key, &new_key);
        if !new_key.verify(&message, new_signature) {
            return Err(Error::invalid(
                "officer card",
                "the new key's signature over the hand-over does not verify",
            ));
        }
        let (origin, org, v2_start) = (self.origin.clone(), self.org, self.v2_start);
        let new_card = new_card.clone();
        self.conn.write(|tx| {
            let role = match officer(tx, &old_key)? {
                Some(o) if o.revoked.is_none() => o.role,
                _ => {
                    return Err(Error::invalid(
                        "officer",
                        "this key is not an enrolled officer's in force: it hands nothing over",
                    ))
                }
            };
            if new_key == org || officer(tx, &new_key)?.is_some() {
                return Err(Error::invalid(
                    "officer card",
                    "the new key is enrolled already, or was: a key is enrolled once",
                ));
            }
            let after = set_head(tx)?;
            let payload = json!({"after": after, "new_card": new_card, "new_signature": hex::encode(new_signature)});
            let e = NewEntry {
                kind: crate::officers::KIND_OFFICER_ROTATE.into(),
                payload: crate::canonical::value_to_canonical(&payload)?,
            };
            let c = append(tx, (&origin, &org, v2_start), old, now, vec![e])?;
            tx.execute(
                "UPDATE officers SET revoked = ?2 WHERE key = ?1",
                sql_params![old_key.to_bytes().to_vec(), c.start as i64],
            )?;
            tx.execute(
                "INSERT INTO officers (key, role, card, added) VALUES (?1, ?2, ?3, ?4)",
                sql_params![new_key.to_bytes().to_vec(), role.as_str(), crate::canonical::to_canonical(&new_card)?, c.start as i64],
            )?;
            Ok(c)
        })
    }

    /// An excerpt of the entries `seqs` (bundle.md v2, ledger.md §10), with the
    /// officer-set chain added, proven against the latest commit note.
    pub fn excerpt(&self, seqs: &[u64]) -> Result<crate::excerpt::Excerpt> {
        let db: &dyn Sql = &self.conn;
        let size = size(db, self.v2_start)?;
        let mut want: Vec<u64> = seqs.to_vec();
        if let Some(&bad) = want.iter().find(|&&s| s >= size) {
            return Err(Error::NotFound {
                what: format!("entry {bad}"),
                hint: format!("the ledger has {size} entries"),
            });
        }
        if let Some(&old) = want.iter().find(|&&s| s < self.v2_start) {
            return Err(Error::invalid(
                "entries",
                format!("entry {old} was recorded before the ledger's upgrade to version 2 (entries 0 to {}): this TradeSeal proves only version 2 entries in a version 2 bundle", self.v2_start - 1),
            ));
        }
        for r in db.query(
            &format!("SELECT seq FROM entries WHERE {SET_KINDS_SQL}"),
            &[],
        )? {
            want.push(r.int(0)? as u64);
        }
        want.sort_unstable();
        want.dedup();
        let mut entries = Vec::with_capacity(want.len());
        for &seq in &want {
            entries.push(body_v2(db, seq)?);
        }
        // The commits holding them, and the anchor (the latest).
        let mut commits: Vec<(u64, u64, PublicKey, String)> = Vec::new();
        let commit_of =
            |db: &dyn Sql, sql: &str, at: i64| -> Result<(u64, u64, PublicKey, String)> {
                let r = db.query_one(sql, sql_params![at])?.ok_or_else(|| {
                    Error::invalid("ledger", "an entry is in no commit: run `tradeseal verify`")
                })?;
                let key = <[u8; 32]>::try_from(r.blob(2)?.as_slice())
                    .ok()
                    .and_then(|k| PublicKey::from_bytes(&k))
                    .ok_or_else(|| {
                        Error::invalid(
                            "ledger",
                            "a commit's author is not a key: run `tradeseal verify`",
                        )
                    })?;
                Ok((r.int(0)? as u64, r.int(1)? as u64, key, r.text(3)?))
            };
        for &seq in &want {
            if commits.last().is_some_and(|c| seq < c.0) {
                continue;
            }
            commits.push(commit_of(
                db,
                "SELECT end_size, start, author, note FROM commits WHERE end_size > ?1 ORDER BY end_size LIMIT 1",
                seq as i64,
            )?);
        }
        if commits.last().is_none_or(|c| c.0 != size) {
            commits.push(commit_of(
                db,
                "SELECT end_size, start, author, note FROM commits WHERE end_size = ?1",
                size as i64,
            )?);
        }
        // Range proofs for commits carried in part.
        let mut ranges = Vec::new();
        for (end, start, _, _) in &commits {
            let mine: Vec<u64> = want
                .iter()
                .filter(|&&s| (*start..*end).contains(&s))
                .map(|s| s - start)
                .collect();
            if mine.is_empty() || mine.len() as u64 == end - start {
                continue;
            }
            let leaves = db
                .query(
                    "SELECT hash FROM entries WHERE seq >= ?1 AND seq < ?2 ORDER BY seq",
                    sql_params![*start as i64, *end as i64],
                )?
                .iter()
                .map(|r| r.blob(0).map(|h| merkle::leaf_hash(&h)))
                .collect::<Result<Vec<Hash>>>()?;
            let levels = merkle::Levels::new(leaves);
            let Ok(proof) = merkle::multiproof(&levels, end - start, &mine);
            ranges.push((*end, proof));
        }
        let proof = merkle::multiproof(&Nodes(db), size, &want)?;
        Ok(crate::excerpt::Excerpt {
            origin: self.origin.clone(),
            commits: commits.into_iter().map(|(_, _, k, n)| (k, n)).collect(),
            entries,
            ranges,
            proof,
        })
    }

    /// Every entry's stored fields and every commit, and the checks of ledger.md §11.
    pub fn verify(&self) -> Result<Report> {
        verify(&self.conn, &self.origin, &self.org, self.v2_start)
    }
}

/// The v2 body of entry `seq`, as stored.
pub fn body_v2(db: &dyn Sql, seq: u64) -> Result<BodyV2> {
    let r = db
        .query_one(
            "SELECT kind, time_ms, author, payload FROM entries WHERE seq = ?1",
            sql_params![seq as i64],
        )?
        .ok_or_else(|| {
            Error::invalid(
                "ledger",
                format!("entry {seq} is missing: run `tradeseal verify`"),
            )
        })?;
    Ok(BodyV2 {
        seq,
        kind: r.text(0)?,
        time: Timestamp::from_unix_millis(r.int(1)?)?,
        author: r.blob(2)?.try_into().map_err(|_| {
            Error::invalid(
                "ledger",
                "an author is not 32 bytes: run `tradeseal verify`",
            )
        })?,
        payload: r.text(3)?,
    })
}

/// The ledger's size: where its last commit ends (or its version 1 part, before any).
fn size(db: &dyn Sql, v2_start: u64) -> Result<u64> {
    let r = db
        .query_one("SELECT max(end_size) FROM commits", &[])?
        .and_then(|r| r.opt_int(0).ok().flatten());
    Ok(r.map_or(v2_start, |v| v as u64))
}

fn set_head(db: &dyn Sql) -> Result<Option<u64>> {
    let r = db.query_one(
        &format!("SELECT max(seq) FROM entries WHERE {SET_KINDS_SQL}"),
        &[],
    )?;
    Ok(r.and_then(|r| r.opt_int(0).ok().flatten())
        .map(|v| v as u64))
}

struct Officer {
    role: String,
    revoked: Option<i64>,
}

fn officer(db: &dyn Sql, key: &PublicKey) -> Result<Option<Officer>> {
    db.query_one(
        "SELECT role, revoked FROM officers WHERE key = ?1",
        sql_params![key.to_bytes().to_vec()],
    )?
    .map(|r| {
        Ok(Officer {
            role: r.text(0)?,
            revoked: r.opt_int(1)?,
        })
    })
    .transpose()
}

fn require_admin(db: &dyn Sql, org: &PublicKey, key: &PublicKey) -> Result<()> {
    if key == org {
        return Ok(());
    }
    match officer(db, key)? {
        Some(o) if o.role == "admin" && o.revoked.is_none() => Ok(()),
        _ => Err(Error::invalid(
            "officer",
            "only an administrator enrols and revokes officers: ask one to do it",
        )),
    }
}

/// The tree's perfect subtrees, read inside the open transaction.
struct Nodes<'a>(&'a dyn Sql);

impl NodeSource for Nodes<'_> {
    type Error = Error;
    fn node(&self, level: u32, index: u64) -> Result<Hash> {
        let db = self.0;
        let missing = || {
            Error::invalid(
                "ledger",
                format!("tree node {level}/{index} is missing or damaged: run `tradeseal verify`"),
            )
        };
        if level == 0 {
            let row = db
                .query_one(
                    "SELECT hash FROM entries WHERE seq = ?1",
                    sql_params![index as i64],
                )?
                .ok_or_else(missing)?;
            return Ok(merkle::leaf_hash(&row.blob(0)?));
        }
        let row = db
            .query_one(
                "SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2",
                sql_params![i64::from(level), index as i64],
            )?
            .ok_or_else(missing)?;
        Hash::from_slice(&row.blob(0)?).ok_or_else(missing)
    }
}

/// One commit being written inside the open write transaction: entries pushed in
/// chunks (an import of any size in bounded memory, the caller's own query-table rows
/// written beside them through [`Appender::sql`]), then [`Appender::finish`] signs the
/// note. Dropped without `finish`, the transaction rolls back and nothing remains.
pub struct Appender<'c> {
    tx: &'c dyn Sql,
    write: crate::db::Write<'c>,
    origin: String,
    author: SigningKey,
    key: PublicKey,
    now: Timestamp,
    start: u64,
    frontier: Frontier,
    /// The entry hashes of the commit so far (for its range root).
    hashes: Vec<Hash>,
    /// Whether officer-set kinds may be pushed: only by the store's own officer commands.
    set_entries: bool,
}

impl<'c> Appender<'c> {
    /// Opens a commit by `author` at `now` on the ledger `origin` of `org`: refused
    /// when the key is not enrolled or is revoked.
    fn open(
        tx: &'c dyn Sql,
        (origin, org, v2_start): (&str, &PublicKey, u64),
        author: &SigningKey,
        now: Timestamp,
    ) -> Result<Self> {
        let write = crate::db::begin(tx)?;
        let key = PublicKey::of(author);
        if key != *org {
            match officer(tx, &key)? {
                None => {
                    return Err(Error::invalid(
                        "officer",
                        format!("the key {} is not enrolled in this ledger: an administrator enrols it (`tradeseal officer add CARD`)", key.to_hex()),
                    ))
                }
                Some(o) if o.revoked.is_some() => {
                    return Err(Error::invalid(
                        "officer",
                        "this officer's key was revoked: it commits nothing more; ask an administrator",
                    ))
                }
                Some(_) => {}
            }
        }
        let start = size(tx, v2_start)?;
        let frontier = Frontier::load(&Nodes(tx), start)?;
        Ok(Appender {
            tx,
            write,
            origin: origin.to_string(),
            author: author.clone(),
            key,
            now,
            start,
            frontier,
            hashes: Vec::new(),
            set_entries: false,
        })
    }

    /// The number the next entry pushed gets.
    pub fn next_seq(&self) -> u64 {
        self.frontier.size()
    }

    /// SQL inside the commit's transaction: for the caller's query tables.
    pub fn sql(&self) -> &dyn Sql {
        self.tx
    }

    /// Appends `entries`; returns the number of the first.
    pub fn push(&mut self, entries: Vec<NewEntry>) -> Result<u64> {
        self.push_hashed(entries).map(|(first, _)| first)
    }

    /// Appends `entries`; returns the number of the first and their entry hashes.
    pub fn push_hashed(&mut self, entries: Vec<NewEntry>) -> Result<(u64, Vec<Hash>)> {
        let from = self.hashes.len();
        let first = self.frontier.size();
        // Sized once: grown step by step, these vectors are most of an import's
        // allocator traffic on the recording thread.
        let mut rows = Vec::with_capacity(entries.len() * 9);
        let mut node_rows = Vec::with_capacity(entries.len() * 2 * 3 + 64 * 3);
        for e in &entries {
            check_kind(&e.kind)?;
            if e.kind == KIND_LEDGER_UPGRADE {
                return Err(Error::invalid(
                    "kind",
                    "ledger.upgrade is the last version 1 entry of an upgraded ledger, never a version 2 entry",
                ));
            }
            if !self.set_entries && SET_KINDS.contains(&e.kind.as_str()) {
                return Err(Error::invalid(
                    "kind",
                    format!(
                        "{} entries are written by their own commands, not as plain entries",
                        e.kind
                    ),
                ));
            }
        }
        for e in entries {
            let body = BodyV2 {
                seq: self.frontier.size(),
                kind: e.kind,
                time: self.now,
                author: self.key.to_bytes(),
                payload: e.payload,
            };
            let h = body.hash();
            rows.extend([
                Value::Int(body.seq as i64),
                Value::Text(body.kind),
                Value::Int(self.now.unix_millis()),
                Value::Blob(self.key.to_bytes().to_vec()),
                Value::Text(body.payload),
                Value::Blob(h.0.to_vec()),
                // Empty, not NULL: a table made by version 1 (§8.3) holds them NOT NULL.
                Value::Blob(Vec::new()),
                Value::Blob(Vec::new()),
                Value::Int(2),
            ]);
            self.frontier
                .push(merkle::leaf_hash(&h.0), |level, idx, hash| {
                    node_rows.extend([
                        Value::Int(level.into()),
                        Value::Int(idx as i64),
                        Value::Blob(hash.0.to_vec()),
                    ])
                });
            self.hashes.push(h);
        }
        self.tx.insert_rows(
            "entries (seq, kind, time_ms, author, payload, hash, prev, signature, v)",
            9,
            &rows,
            None,
        )?;
        self.tx
            .insert_rows("merkle_nodes (level, idx, hash)", 3, &node_rows, None)?;
        Ok((first, self.hashes[from..].to_vec()))
    }

    /// As [`Appender::finish`] when entries were pushed; otherwise commits the caller's
    /// rows alone (a commit of no entries has no note: an import of events all recorded
    /// already, that still writes a partner's records).
    pub fn end(self) -> Result<Option<Committed>> {
        if self.hashes.is_empty() {
            self.write.commit()?;
            return Ok(None);
        }
        self.finish().map(Some)
    }

    /// Signs the commit's note, stores it and commits the transaction (inside one that
    /// was open already, that one commits it).
    pub fn finish(self) -> Result<Committed> {
        if self.hashes.is_empty() {
            return Err(Error::invalid(
                "entries",
                "a commit holds at least one entry",
            ));
        }
        let end = self.frontier.size();
        let c = Commit {
            checkpoint: Checkpoint {
                origin: self.origin.clone(),
                size: end,
                root: self.frontier.root(),
            },
            start: self.start,
            time: self.now,
            range_root: commit::range_root(&self.hashes),
            set: set_head(self.tx)?,
        };
        let note = c.sign(&self.author);
        self.tx.execute(
            "INSERT INTO commits (end_size, start, author, note) VALUES (?1, ?2, ?3, ?4)",
            sql_params![
                end as i64,
                self.start as i64,
                self.key.to_bytes().to_vec(),
                note.as_str()
            ],
        )?;
        self.write.commit()?;
        Ok(Committed {
            start: self.start,
            end,
            note,
        })
    }
}

/// Appends one commit of `entries` inside the open write transaction, officer-set kinds
/// allowed: for the store's officer commands, which check them first.
fn append(
    tx: &dyn Sql,
    ledger: (&str, &PublicKey, u64),
    author: &SigningKey,
    now: Timestamp,
    entries: Vec<NewEntry>,
) -> Result<Committed> {
    let mut a = Appender::open(tx, ledger, author, now)?;
    a.set_entries = true;
    a.push(entries)?;
    a.finish()
}

/// Inserts `values` (rows of `width` values each, in order) into `table (columns)`,
/// many rows a statement: one round trip per 500 rows on PostgreSQL.
/// What verifying a whole ledger found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub size: u64,
    pub commits: u64,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Verifies the version 2 part, from `v2_start` (the version 1 part before it is
/// verified by version 1's rules, by the caller; here its entry hashes are leaves).
fn verify(db: &Conn, origin: &str, org: &PublicKey, v2_start: u64) -> Result<Report> {
    let mut f = Findings::default();
    let mut frontier = Frontier::load(&merkle::Levels::new(vec![]), 0).expect("in memory");
    let v1_rows = db.query(
        "SELECT seq, hash, v FROM entries WHERE seq < ?1 ORDER BY seq",
        sql_params![v2_start as i64],
    )?;
    if v1_rows.len() as u64 != v2_start {
        f.add(
            "seq-gap",
            Some(v1_rows.len() as u64),
            "an entry of the version 1 part is missing",
        );
    }
    for row in &v1_rows {
        if row.int(2)? != 1 {
            f.add(
                "entry-malformed",
                Some(row.int(0)? as u64),
                "an entry of the version 1 part is marked as a version 2 entry",
            );
        }
        let h = row.blob(1)?;
        frontier.push(merkle::leaf_hash(&h), |_, _, _| {});
    }
    let rows = db.query(
        "SELECT seq, kind, time_ms, author, payload, hash, v FROM entries WHERE seq >= ?1 ORDER BY seq",
        sql_params![v2_start as i64],
    )?;
    let mut bodies: Vec<(BodyV2, Hash)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let i = i as u64 + v2_start;
        let seq = row.int(0)? as u64;
        if seq != i {
            f.add(
                "seq-gap",
                Some(i),
                format!("entry {i} is missing or out of place"),
            );
            break;
        }
        if row.int(6)? != 2 {
            f.add(
                "entry-malformed",
                Some(seq),
                "an entry of the version 2 part is marked as a version 1 entry",
            );
        }
        let Ok(author) = <[u8; 32]>::try_from(row.blob(3)?) else {
            f.add("entry-malformed", Some(seq), "the author is not 32 bytes");
            break;
        };
        let body = BodyV2 {
            seq,
            kind: row.text(1)?,
            time: Timestamp::from_unix_millis(row.int(2)?)?,
            author,
            payload: row.text(4)?,
        };
        let h = body.hash();
        if row.blob(5)? != h.0 {
            f.add(
                "hash-mismatch",
                Some(seq),
                "the entry does not hash to its recorded hash",
            );
        }
        bodies.push((body, h));
    }
    let size = v2_start + bodies.len() as u64;
    let commits = db.query(
        "SELECT end_size, start, author, note FROM commits ORDER BY end_size",
        &[],
    )?;
    // The organisation's key at the start of the version 2 part: the author of its
    // first hand-over, if any (checked there to be the key in force), else the key the
    // ledger names now. A ledger made version 2 holds its origin's own key first.
    let first = bodies
        .iter()
        .find(|(b, _)| b.kind == crate::officers::KIND_KEY_ROTATE)
        .and_then(|(b, _)| PublicKey::from_bytes(&b.author))
        .unwrap_or(*org);
    if v2_start == 0 && origin_for(&first) != origin {
        f.add(
            "key-not-handed-over",
            Some(0),
            format!(
                "the ledger's first key {} is not the one its origin {origin} derives from",
                first.to_hex()
            ),
        );
    }
    let mut officers = OfficerSet::new(
        origin,
        first,
        bodies
            .iter()
            .map(|(b, _)| b)
            .filter(|b| SET_KINDS.contains(&b.kind.as_str())),
    );
    let mut at = v2_start;
    for row in &commits {
        let (end, start) = (row.int(0)? as u64, row.int(1)? as u64);
        if start != at || end <= start || end > size {
            f.add(
                "commit-gap",
                Some(at),
                format!(
                    "the commits do not tile the ledger at entry {at} (a commit [{start}, {end}))"
                ),
            );
            break;
        }
        let entries = &bodies[(start - v2_start) as usize..(end - v2_start) as usize];
        at = end;
        let key = <[u8; 32]>::try_from(row.blob(2)?.as_slice())
            .ok()
            .and_then(|a| PublicKey::from_bytes(&a));
        let opened = key
            .ok_or_else(|| Error::invalid("author", "not a valid key"))
            .and_then(|k| commit::open(&row.text(3)?, &k).map(|c| (k, c)));
        let (key, c) = match opened {
            Ok(kc) => kc,
            Err(e) => {
                f.add(
                    "bad-signature",
                    Some(start),
                    format!("commit [{start}, {end}): {e}"),
                );
                for (b, h) in entries {
                    frontier.push(merkle::leaf_hash(&h.0), |_, _, _| {});
                    if let (true, Ok(k)) = (
                        SET_KINDS.contains(&b.kind.as_str()),
                        PublicKey::from_bytes(&b.author).ok_or(()),
                    ) {
                        officers.apply(&mut f, &k, b);
                    }
                }
                continue;
            }
        };
        if c.start != start || c.end() != end || c.checkpoint.origin != origin {
            f.add(
                "commit-malformed",
                Some(start),
                "the commit note names another range or ledger than its row",
            );
        }
        officers.check_commit(&mut f, &key, start, end, c.time);
        for (b, h) in entries {
            f.check_entry(b, &key, c.time);
            frontier.push(merkle::leaf_hash(&h.0), |_, _, _| {});
            if SET_KINDS.contains(&b.kind.as_str()) {
                officers.apply(&mut f, &key, b);
            }
        }
        let range: Vec<Hash> = entries.iter().map(|(_, h)| *h).collect();
        if commit::range_root(&range) != c.range_root {
            f.add(
                "commit-malformed",
                Some(start),
                "the range root is not the commit's entries'",
            );
        }
        if frontier.root() != c.checkpoint.root {
            f.add(
                "checkpoint-root-mismatch",
                Some(start),
                format!(
                    "the note of commit [{start}, {end}) signs another root than the entries give"
                ),
            );
        }
        if c.set != officers.head() {
            f.add(
                "officer-set-mismatch",
                Some(start),
                "the note names another latest officer-set entry than the ledger holds",
            );
        }
    }
    if f.0.is_empty() && at != size {
        f.add(
            "unsigned-entries",
            Some(at),
            format!("entries from {at} on are in no commit"),
        );
    }
    if officers.org() != org {
        f.add(
            "key-not-handed-over",
            None,
            format!(
                "the ledger names {} as the organisation's key, but its hand-overs end at {}",
                org.to_hex(),
                officers.org().to_hex()
            ),
        );
    }
    Ok(Report {
        size,
        commits: commits.len() as u64,
        findings: f.0,
    })
}
