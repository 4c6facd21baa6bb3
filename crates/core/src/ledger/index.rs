//! The ledger's query tables (schema_v2.sql): written with each entry, in its transaction.

use crate::epcis::EventSummary;
use crate::error::Result;
use tradeseal_log::db::Sql;
use tradeseal_log::sql_params;

/// What an entry adds to the query tables.
#[derive(Clone, Debug)]
pub enum Record {
    Event(Box<EventSummary>),
    MasterData {
        kind: String,
        key: String,
        name: String,
    },
    /// A partner's card (checked), as canonical JSON.
    PartyCard {
        key: String,
        org: String,
        gln: Option<String>,
        card: String,
    },
    /// A trust decision; `change` is the new status (trusted, distrusted).
    Trust {
        key: String,
        change: Option<String>,
    },
    Revoke {
        key: String,
        from_ms: i64,
        reason: String,
    },
    /// A partner's key hand-over followed: the new key's card, with the old key's
    /// status and revocation.
    Rotate {
        old_key: String,
        key: String,
        org: String,
        gln: Option<String>,
        fingerprint: String,
        card: String,
    },
}

/// The 32-byte digest inside `ni:///sha-256;<64 hex>?ver=CBV2.0`.
pub fn digest_of_hash_id(hash_id: &str) -> Option<Vec<u8>> {
    let hex_part = hash_id
        .strip_prefix("ni:///sha-256;")?
        .strip_suffix("?ver=CBV2.0")?;
    hex::decode(hex_part).ok().filter(|d| d.len() == 32)
}

/// The row id of the recorded event with this hash id, if any (from any ledger).
pub fn event_id(db: &dyn Sql, hash_id: &str) -> Result<Option<u64>> {
    match digest_of_hash_id(hash_id) {
        Some(digest) => event_of_digest(db, &digest),
        None => Ok(None),
    }
}

/// The columns of an event's row written by an append of this ledger.
pub(crate) const EVENT_COLUMNS: &str =
    "epcis_events (seq, hash, type, time_ms, action, biz_step, disposition, read_point, biz_location)";

/// The values of an event's row, in the order of [`EVENT_COLUMNS`]; the digest second.
pub(crate) fn event_row(seq: u64, ev: &EventSummary) -> Result<[tradeseal_log::db::Value; 9]> {
    use tradeseal_log::db::Value as V;
    Ok([
        V::Int(seq as i64),
        V::Blob(digest_of_hash_id(&ev.hash_id).ok_or_else(|| {
            crate::Error::invalid("hashId", "not a CBV 2.0 SHA-256 event hash id")
        })?),
        V::Text(ev.event_type.clone()),
        V::Int(ev.time_ms),
        ev.action.clone().into(),
        ev.biz_step.clone().into(),
        ev.disposition.clone().into(),
        ev.read_point.clone().into(),
        ev.biz_location.clone().into(),
    ])
}

/// The row id of the recorded event with this SHA-256 digest, if any.
pub(crate) fn event_of_digest(db: &dyn Sql, digest: &[u8]) -> Result<Option<u64>> {
    db.query_one(
        "SELECT id FROM epcis_events WHERE hash = ?1",
        sql_params![digest],
    )?
    .map(|r| r.int(0).map(|s| s as u64))
    .transpose()
}

/// Rows a multi-row statement carries (under SQLite's and PostgreSQL's parameter limits).
const BATCH: usize = 500;

/// The row ids of the recorded events among `hash_ids`, by digest: one query for many
/// (an import's chunk), where [`event_id`] asks one at a time.
pub fn known_events(
    db: &dyn Sql,
    hash_ids: &[&str],
) -> Result<std::collections::HashMap<Vec<u8>, u64>> {
    let digests: Vec<Vec<u8>> = hash_ids
        .iter()
        .filter_map(|h| digest_of_hash_id(h))
        .collect();
    let mut out = std::collections::HashMap::new();
    for chunk in digests.chunks(BATCH) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
        let params: Vec<tradeseal_log::db::Value> =
            chunk.iter().map(|d| d.as_slice().into()).collect();
        for r in db.query(
            &format!(
                "SELECT hash, id FROM epcis_events WHERE hash IN ({})",
                marks.join(",")
            ),
            &params,
        )? {
            out.insert(r.blob(0)?, r.int(1)? as u64);
        }
    }
    Ok(out)
}

/// Indexes many events of this ledger at once, `(entry seq, event)`: a few multi-row
/// statements instead of several round trips an event (what a PostgreSQL import needs).
pub(crate) fn insert_events(db: &dyn Sql, items: &[(u64, &EventSummary)]) -> Result<()> {
    let mut params = Vec::with_capacity(items.len() * 9);
    for (seq, ev) in items {
        params.extend(event_row(*seq, ev)?);
    }
    // Rows come back in no promised order: matched by entry number.
    let ids: std::collections::HashMap<i64, i64> = db
        .insert_rows(EVENT_COLUMNS, 9, &params, Some("seq, id"))?
        .iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?)))
        .collect::<Result<_>>()?;
    let rows = items
        .iter()
        .map(|(seq, ev)| {
            ids.get(&(*seq as i64))
                .map(|&id| (id, *ev))
                .ok_or_else(|| crate::Error::invalid("ledger", "an event row was not written"))
        })
        .collect::<Result<Vec<_>>>()?;
    insert_objects(db, &rows)
}

/// The objects of events whose rows are written, `(event row id, event)`.
pub(crate) fn insert_objects(db: &dyn Sql, events: &[(i64, &EventSummary)]) -> Result<()> {
    use tradeseal_log::db::Value as V;
    let mut objects =
        Vec::with_capacity(events.iter().map(|(_, ev)| ev.objects.len()).sum::<usize>() * 6);
    for &(event, ev) in events {
        for (n, o) in ev.objects.iter().enumerate() {
            objects.extend([
                V::Int(event),
                V::Int(n as i64),
                V::Text(o.id.clone()),
                V::Int(o.role as u8 as i64),
                o.quantity.into(),
                o.uom.clone().into(),
            ]);
        }
    }
    db.insert_rows(
        "epcis_objects (event, n, id, role, quantity, uom)",
        6,
        &objects,
        None,
    )?;
    Ok(())
}

/// The GTIN-14 inside a canonical Digital Link of a GTIN-based id.
pub fn gtin_of(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("https://id.gs1.org/01/")?;
    rest.get(..14)
}

/// Indexes an event held in entry `seq` of the ledger `origin` (`None`: this ledger).
pub(crate) fn insert_event(
    db: &dyn Sql,
    origin: Option<&str>,
    seq: u64,
    ev: &EventSummary,
) -> Result<()> {
    let event = db.query_one(
        "INSERT INTO epcis_events (origin, seq, hash, type, time_ms, action, biz_step, disposition, read_point, biz_location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
    sql_params![
        origin,
        seq as i64,
        digest_of_hash_id(&ev.hash_id).ok_or_else(|| crate::Error::invalid("hashId", "not a CBV 2.0 SHA-256 event hash id"))?,
        &ev.event_type,
        ev.time_ms,
        &ev.action,
        &ev.biz_step,
        &ev.disposition,
        &ev.read_point,
        &ev.biz_location
    ])?
    .ok_or_else(|| crate::Error::invalid("ledger", "an event row was not written"))?
    .int(0)?;
    for (n, o) in ev.objects.iter().enumerate() {
        db.execute(
            "INSERT INTO epcis_objects (event, n, id, role, quantity, uom) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            sql_params![event, n as i64, o.id.as_str(), o.role as u8 as i64, o.quantity, o.uom.as_deref()],
        )?;
    }
    Ok(())
}

pub(crate) fn insert(conn: &dyn Sql, seq: u64, rec: &Record) -> Result<()> {
    match rec {
        Record::Event(ev) => insert_event(conn, None, seq, ev)?,
        Record::PartyCard {
            key,
            org,
            gln,
            card,
        } => {
            let fp: String = serde_json::from_str::<serde_json::Value>(card)
                .ok()
                .and_then(|c| {
                    c.get("fingerprint")
                        .and_then(|f| f.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_default();
            conn.execute("INSERT INTO parties (key, org, gln, fingerprint, card) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key) DO UPDATE SET org = excluded.org, gln = excluded.gln, card = excluded.card", sql_params![key, org, gln, fp, card])?;
            log(conn, key, seq)?;
        }
        Record::Trust { key, change } => {
            if let Some(status) = change {
                known(
                    conn.execute(
                        "UPDATE parties SET status = ?2 WHERE key = ?1",
                        sql_params![key, status],
                    )?,
                    key,
                )?;
            }
            log(conn, key, seq)?;
        }
        Record::Revoke {
            key,
            from_ms,
            reason,
        } => {
            known(
                conn.execute(
                    "UPDATE parties SET revoked_from_ms = ?2, revoke_reason = ?3 WHERE key = ?1",
                    sql_params![key, from_ms, reason],
                )?,
                key,
            )?;
            log(conn, key, seq)?;
        }
        Record::Rotate {
            old_key,
            key,
            org,
            gln,
            fingerprint,
            card,
        } => {
            known(
                conn.execute("INSERT INTO parties (key, org, gln, fingerprint, card, status, revoked_from_ms, revoke_reason)
                     SELECT ?2, ?3, ?4, ?5, ?6, status, revoked_from_ms, revoke_reason FROM parties WHERE key = ?1
                     ON CONFLICT (key) DO UPDATE SET org = excluded.org, gln = excluded.gln, card = excluded.card,
                       status = excluded.status, revoked_from_ms = excluded.revoked_from_ms, revoke_reason = excluded.revoke_reason", sql_params![old_key, key, org, gln, fingerprint, card])?,
                old_key,
            )?;
            log(conn, key, seq)?;
            log(conn, old_key, seq)?;
        }
        Record::MasterData { kind, key, name } => {
            conn.execute("INSERT INTO masterdata (kind, key, seq, name) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, key) DO UPDATE SET seq = excluded.seq, name = excluded.name", sql_params![kind, key, seq as i64, name])?;
        }
    }
    Ok(())
}

fn log(conn: &dyn Sql, key: &str, seq: u64) -> Result<()> {
    conn.execute(
        "INSERT INTO trust_log (key, seq) VALUES (?1, ?2)",
        sql_params![key, seq as i64],
    )?;
    Ok(())
}

/// A decision about a key without a recorded card is refused (the append rolls back).
fn known(updated: u64, key: &str) -> Result<()> {
    if updated == 0 {
        return Err(crate::Error::NotFound {
            what: format!("party {key}"),
            hint: "record its identity card first (`tradeseal party add CARD`)".into(),
        });
    }
    Ok(())
}
