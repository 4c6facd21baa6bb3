//! The events timeline: recorded EPCIS events, newest first, filtered by product, lot,
//! location, business step and date range; and one event in full.

use crate::epcis::{StoredEvent, BIZ_STEP, DISPOSITION};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::view::EntryView;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "bindings.ts")]
pub struct TimelineFilter {
    /// A GTIN (any length).
    #[ts(optional)]
    pub product: Option<String>,
    /// `GTIN/LOT`.
    #[ts(optional)]
    pub lot: Option<String>,
    /// A GLN: events read or located there.
    #[ts(optional)]
    pub location: Option<String>,
    /// A CBV business step, short or full.
    #[ts(optional)]
    pub biz_step: Option<String>,
    /// Unix ms, inclusive.
    #[ts(optional, type = "number")]
    pub from_ms: Option<i64>,
    /// Unix ms, exclusive.
    #[ts(optional, type = "number")]
    pub to_ms: Option<i64>,
    /// Continue after this (time_ms, id), for the next page.
    #[ts(optional, type = "[number, number]")]
    pub before: Option<(i64, u64)>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct TimelineEvent {
    /// The event's row in the ledger's event table: how the app asks for it again.
    #[ts(type = "number")]
    pub id: u64,
    /// The ledger holding its entry: `None` for this organisation's own ledger, else the
    /// partner's log origin.
    pub origin: Option<String>,
    /// The entry's sequence number in that ledger.
    #[ts(type = "number")]
    pub seq: u64,
    pub hash_id: String,
    pub event_type: String,
    #[ts(type = "number")]
    pub time_ms: i64,
    /// `eventTime` as recorded, with its offset.
    pub event_time: String,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub location: Option<String>,
    pub location_name: Option<String>,
    /// The identifiers the event names, as short labels (first 5).
    pub objects: Vec<String>,
    pub more_objects: u32,
    /// Who recorded it, on a team ledger (an own event): the officer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub officer: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct EventObject {
    pub id: String,
    pub label: String,
    /// The product's name in master data (by its GTIN), when recorded.
    pub name: Option<String>,
    /// `object`, `parent`, `child`, `input` or `output`.
    pub role: String,
    pub quantity: Option<f64>,
    pub uom: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct EventDetail {
    pub event: TimelineEvent,
    pub objects: Vec<EventObject>,
    /// The EPCIS event as recorded.
    #[ts(type = "unknown")]
    pub json: serde_json::Value,
    pub entry: EntryView,
}

const ROLES: [&str; 5] = ["object", "parent", "child", "input", "output"];

fn gln_location(gln: &str) -> Result<String> {
    let g = crate::gs1::Gln::parse(gln.trim())?;
    Ok(format!("https://id.gs1.org/414/{g}"))
}

/// Events matching `f`, newest first, at most `limit`.
pub fn timeline(ledger: &Ledger, f: &TimelineFilter, limit: usize) -> Result<Vec<TimelineEvent>> {
    let mut sql = String::from("SELECT e.id FROM epcis_events e WHERE 1 = 1");
    use tradeseal_log::db::{Sql, Value as V};
    let mut args: Vec<V> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, v: V| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(p) = f.product.as_deref().filter(|s| !s.trim().is_empty()) {
        let g = crate::gs1::Gtin::parse(p.trim())?;
        let lo = format!("https://id.gs1.org/01/{g}");
        arg(
            &mut sql,
            " AND e.id IN (SELECT event FROM epcis_objects WHERE (id = ?",
            V::Text(lo.clone()),
        );
        arg(&mut sql, " OR (id > ?", V::Text(format!("{lo}/")));
        arg(&mut sql, " AND id < ?)))", V::Text(format!("{lo}0")));
    }
    if let Some(l) = f.lot.as_deref().filter(|s| !s.trim().is_empty()) {
        let id = crate::trace::start_id("lot", l)?;
        arg(
            &mut sql,
            " AND e.id IN (SELECT event FROM epcis_objects WHERE id = ?)",
            V::Text(id),
        );
    }
    if let Some(g) = f.location.as_deref().filter(|s| !s.trim().is_empty()) {
        let loc = gln_location(g)?;
        arg(&mut sql, " AND (e.biz_location = ?", V::Text(loc.clone()));
        arg(&mut sql, " OR e.read_point = ?", V::Text(loc.clone()));
        arg(
            &mut sql,
            " OR e.biz_location LIKE ?",
            V::Text(format!("{loc}/254/%")),
        );
        arg(
            &mut sql,
            " OR e.read_point LIKE ?)",
            V::Text(format!("{loc}/254/%")),
        );
    }
    if let Some(b) = f.biz_step.as_deref().filter(|s| !s.trim().is_empty()) {
        let uri = BIZ_STEP
            .resolve(b.trim())
            .map_err(|r| Error::invalid("bizStep", r))?;
        arg(&mut sql, " AND e.biz_step = ?", V::Text(uri));
    }
    if let Some(t) = f.from_ms {
        arg(&mut sql, " AND e.time_ms >= ?", V::Int(t));
    }
    if let Some(t) = f.to_ms {
        arg(&mut sql, " AND e.time_ms < ?", V::Int(t));
    }
    if let Some((t, s)) = f.before {
        arg(&mut sql, " AND (e.time_ms < ?", V::Int(t));
        arg(&mut sql, " OR (e.time_ms = ?", V::Int(t));
        arg(&mut sql, " AND e.id < ?))", V::Int(s as i64));
    }
    arg(
        &mut sql,
        " ORDER BY e.time_ms DESC, e.id DESC LIMIT ?",
        V::Int(limit.min(1000) as i64),
    );
    let seqs: Vec<u64> = ledger
        .sql()
        .query(&sql, &args)?
        .iter()
        .map(|r| r.int(0).map(|s| s as u64))
        .collect::<Result<_>>()?;
    seqs.into_iter().map(|s| event_row(ledger, s)).collect()
}

fn label(id: &str) -> String {
    crate::trace::label_of(id)
}

pub(crate) fn event_row(ledger: &Ledger, id: u64) -> Result<TimelineEvent> {
    use tradeseal_log::db::Sql;
    struct Row {
        origin: Option<String>,
        seq: u64,
        hash_id: String,
        event_type: String,
        time_ms: i64,
        action: Option<String>,
        biz_step: Option<String>,
        disposition: Option<String>,
        location: Option<String>,
    }
    let r = ledger
        .sql()
        .query_one(
            "SELECT e.origin, e.seq, e.hash, e.type, e.time_ms, e.action, e.biz_step, e.disposition, COALESCE(e.biz_location, e.read_point)
               FROM epcis_events e WHERE e.id = ?1",
            tradeseal_log::sql_params![id as i64],
        )?
        .ok_or_else(|| Error::NotFound {
            what: format!("event {id}"),
            hint: "choose an event from the timeline".into(),
        })?;
    let row = Row {
        origin: r.opt_text(0)?,
        seq: r.int(1)? as u64,
        hash_id: format!("ni:///sha-256;{}?ver=CBV2.0", hex::encode(r.blob(2)?)),
        event_type: r.text(3)?,
        time_ms: r.int(4)?,
        action: r.opt_text(5)?,
        biz_step: r.opt_text(6)?,
        disposition: r.opt_text(7)?,
        location: r.opt_text(8)?,
    };
    let stored = stored_event(ledger, row.origin.as_deref(), row.seq)?;
    let ids: Vec<String> = ledger
        .sql()
        .query(
            "SELECT id FROM epcis_objects WHERE event = ?1 ORDER BY n",
            tradeseal_log::sql_params![id as i64],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?;
    let location_name = match &row.location {
        Some(l) => crate::trace::location_name(ledger, l)?,
        None => None,
    };
    let officer = match &row.origin {
        None => ledger.officer_of(row.seq)?,
        Some(_) => None,
    };
    Ok(TimelineEvent {
        id,
        origin: row.origin,
        seq: row.seq,
        hash_id: row.hash_id,
        event_type: row.event_type,
        time_ms: row.time_ms,
        event_time: stored
            .event
            .get("eventTime")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string(),
        action: row.action,
        biz_step: row.biz_step.map(|b| BIZ_STEP.short(&b).to_string()),
        disposition: row.disposition.map(|d| DISPOSITION.short(&d).to_string()),
        location: row.location,
        location_name,
        more_objects: ids.len().saturating_sub(5) as u32,
        objects: ids.iter().take(5).map(|i| label(i)).collect(),
        officer,
    })
}

/// The stored form of the event in entry `seq` of the ledger `origin` (own: `None`).
fn stored_event(ledger: &Ledger, origin: Option<&str>, seq: u64) -> Result<StoredEvent> {
    use tradeseal_log::db::Sql;
    let row = match origin {
        None => ledger.sql().query_one(
            "SELECT payload FROM entries WHERE seq = ?1",
            tradeseal_log::sql_params![seq as i64],
        )?,
        // A partner's entry, received in a v1 bundle or a v2 one.
        Some(o) => ledger.sql().query_one(
            "SELECT payload FROM foreign_entries WHERE origin = ?1 AND seq = ?2
             UNION ALL SELECT payload FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
            tradeseal_log::sql_params![o, seq as i64],
        )?,
    };
    let payload = row
        .ok_or_else(|| {
            Error::invalid(
                "ledger",
                format!("entry {seq} of an event is missing: run `tradeseal verify`"),
            )
        })?
        .text(0)?;
    serde_json::from_str(&payload).map_err(|e| {
        Error::invalid(
            "ledger",
            format!("entry {seq} is not a readable event ({e}): run `tradeseal verify`"),
        )
    })
}

/// One recorded event in full.
pub fn event_detail(ledger: &Ledger, id: u64) -> Result<EventDetail> {
    let event = event_row(ledger, id)?;
    use tradeseal_log::db::Sql;
    let objects = ledger
        .sql()
        .query(
            "SELECT id, role, quantity, uom FROM epcis_objects WHERE event = ?1 ORDER BY n",
            tradeseal_log::sql_params![id as i64],
        )?
        .iter()
        .map(|r| {
            let id = r.text(0)?;
            let role = r.int(1)?;
            Ok(EventObject {
                label: label(&id),
                name: crate::trace::product_name(ledger, &id)?,
                id,
                role: ROLES.get(role as usize).unwrap_or(&"object").to_string(),
                quantity: r.opt_real(2)?,
                uom: r.opt_text(3)?,
            })
        })
        .collect::<Result<_>>()?;
    let stored = stored_event(ledger, event.origin.as_deref(), event.seq)?;
    let entry = match &event.origin {
        None => ledger.entry_view(event.seq)?,
        Some(o) => foreign_entry_view(ledger, o, event.seq)?,
    };
    Ok(EventDetail {
        event,
        objects,
        json: stored.event,
        entry,
    })
}

struct ForeignRow {
    author: Vec<u8>,
    kind: String,
    time_ms: i64,
    prev: Vec<u8>,
    payload: String,
    hash: Vec<u8>,
    signature: Vec<u8>,
}

/// A partner's entry received in a bundle (v1: with its signature; v2: as its commit
/// signed it), as the app shows entries.
fn foreign_entry_view(ledger: &Ledger, origin: &str, seq: u64) -> Result<EntryView> {
    use tradeseal_log::db::Sql;
    if let Some(r) = ledger.sql().query_one(
        "SELECT author, kind, time_ms, payload, hash FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
        tradeseal_log::sql_params![origin, seq as i64],
    )? {
        return Ok(EntryView::of_v2(
            seq,
            &r.text(1)?,
            crate::time::Timestamp::from_unix_millis(r.int(2)?)?,
            &r.blob(0)?,
            &r.text(3)?,
            &r.blob(4)?,
        ));
    }
    Ok(EntryView::from(&foreign_entry(ledger, origin, seq)?))
}

/// A partner's entry received in a v1 bundle, as an entry (its signature is the partner's).
fn foreign_entry(ledger: &Ledger, origin: &str, seq: u64) -> Result<crate::entry::Entry> {
    let bad = || {
        Error::invalid(
            "ledger",
            format!("entry {seq} of {origin} is stored malformed: run `tradeseal verify`"),
        )
    };
    use tradeseal_log::db::Sql;
    let r = ledger
        .sql()
        .query_one(
            "SELECT author, kind, time_ms, prev, payload, hash, signature FROM foreign_entries WHERE origin = ?1 AND seq = ?2",
            tradeseal_log::sql_params![origin, seq as i64],
        )?
        .ok_or_else(bad)?;
    let row = ForeignRow {
        author: r.blob(0)?,
        kind: r.text(1)?,
        time_ms: r.int(2)?,
        prev: r.blob(3)?,
        payload: r.text(4)?,
        hash: r.blob(5)?,
        signature: r.blob(6)?,
    };
    let ForeignRow {
        author,
        kind,
        time_ms,
        prev,
        payload,
        hash,
        signature,
    } = row;
    Ok(crate::entry::Entry {
        body: crate::entry::Body {
            seq,
            kind,
            time: crate::time::Timestamp::from_unix_millis(time_ms)?,
            author: author.try_into().map_err(|_| bad())?,
            prev: crate::hash::Hash::from_slice(&prev).ok_or_else(bad)?,
            payload,
        },
        hash: crate::hash::Hash::from_slice(&hash).ok_or_else(bad)?,
        signature: signature.try_into().map_err(|_| bad())?,
    })
}

/// The event-table row of the recorded event with this hash id.
pub fn event_id_of_hash(ledger: &Ledger, hash_id: &str) -> Result<u64> {
    crate::ledger::index::event_id(&ledger.sql(), hash_id)?.ok_or_else(|| Error::NotFound {
        what: hash_id.to_string(),
        hint: "no recorded event has this hash id".into(),
    })
}
