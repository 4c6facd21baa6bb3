//! EPCIS export: recorded events as an EPCIS 2.0 JSON-LD document, written as a stream.

use super::import::StoredEvent;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::time::Timestamp;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// Which events to export.
#[derive(Clone, Debug)]
pub enum ExportSelection {
    All,
    /// These events (rows of the event table), in ledger order.
    Events(Vec<u64>),
}

impl ExportSelection {
    /// A lot's history (`GTIN/LOT`): the events of its backward trace.
    pub fn lot_history(ledger: &Ledger, lot: &str) -> Result<ExportSelection> {
        let start = crate::trace::start_id("lot", lot)?;
        let r = crate::trace::trace(ledger, &start, crate::trace::Direction::Back)?;
        Ok(ExportSelection::Events(
            r.events.iter().map(|e| e.event.id).collect(),
        ))
    }
}

fn for_each(
    ledger: &Ledger,
    sel: &ExportSelection,
    mut f: impl FnMut(StoredEvent) -> Result<()>,
) -> Result<()> {
    let conn = ledger.conn();
    let parse = |seq: i64, payload: String| -> Result<StoredEvent> {
        serde_json::from_str(&payload).map_err(|e| {
            Error::invalid(
                "ledger",
                format!("entry {seq} is not a readable event ({e}): run `tradeseal verify`"),
            )
        })
    };
    match sel {
        ExportSelection::All => {
            let mut st = conn.prepare("SELECT e.seq, e.payload FROM entries e JOIN epcis_events v ON v.origin IS NULL AND v.seq = e.seq ORDER BY e.seq")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                f(parse(r.get(0)?, r.get(1)?)?)?;
            }
        }
        ExportSelection::Events(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let mut st = conn.prepare_cached("SELECT e.seq, e.payload FROM entries e JOIN epcis_events v ON v.origin IS NULL AND v.seq = e.seq WHERE v.id = ?1")?;
            for id in ids {
                let mut rows = st.query([id as i64])?;
                if let Some(r) = rows.next()? {
                    f(parse(r.get(0)?, r.get(1)?)?)?;
                }
            }
        }
    }
    Ok(())
}

/// Prefixes (`word:`) an event uses in member names and string values.
fn prefixes_used(v: &Value, out: &mut BTreeSet<String>) {
    fn note(s: &str, out: &mut BTreeSet<String>) {
        if let Some((p, _)) = s.split_once(':') {
            if !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !matches!(p, "urn" | "http" | "https")
            {
                out.insert(p.to_string());
            }
        }
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                note(k, out);
                prefixes_used(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| prefixes_used(x, out)),
        Value::String(s) => note(s, out),
        _ => {}
    }
}

/// Renames prefix `from` to `to` in member names and string values.
fn rename_prefix(v: &mut Value, from: &str, to: &str) {
    let re = |s: &str| -> Option<String> {
        s.strip_prefix(from)
            .and_then(|r| r.strip_prefix(':'))
            .map(|r| format!("{to}:{r}"))
    };
    match v {
        Value::Object(m) => {
            let old = std::mem::take(m);
            for (k, mut x) in old {
                rename_prefix(&mut x, from, to);
                m.insert(re(&k).unwrap_or(k), x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename_prefix(x, from, to)),
        Value::String(s) => {
            if let Some(r) = re(s) {
                *s = r;
            }
        }
        _ => {}
    }
}

/// Writes the selected events as one EPCISDocument; returns how many.
///
/// An event's hash depends on which prefixes its document declares (a declared prefix is
/// hashed as its namespace, an undeclared one as written). So that every event keeps its
/// hash id, a prefix that events declare differently, or that some use undeclared, is
/// renamed in the events that declared it (`example` to `example_1`): the namespace, and
/// so the hash and the JSON-LD meaning, stay the same.
pub fn export(
    ledger: &Ledger,
    sel: &ExportSelection,
    now: Timestamp,
    w: &mut dyn Write,
) -> Result<usize> {
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut all_used: BTreeSet<String> = BTreeSet::new();
    let mut undeclared: BTreeSet<String> = BTreeSet::new();
    for_each(ledger, sel, |ev| {
        let mut used = BTreeSet::new();
        prefixes_used(&ev.event, &mut used);
        for p in &used {
            if !ev.namespaces.contains_key(p) {
                undeclared.insert(p.clone());
            }
        }
        all_used.extend(used);
        for (p, uri) in ev.namespaces {
            declared.entry(p).or_default().insert(uri);
        }
        Ok(())
    })?;
    // (prefix, namespace) -> the prefix written in the export.
    let mut names: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut taken: BTreeSet<String> = all_used.iter().chain(declared.keys()).cloned().collect();
    for (p, uris) in &declared {
        let clash = uris.len() > 1 || undeclared.contains(p);
        for uri in uris {
            let name = if clash {
                let mut n = 1;
                while taken.contains(&format!("{p}_{n}")) {
                    n += 1;
                }
                let name = format!("{p}_{n}");
                taken.insert(name.clone());
                name
            } else {
                p.clone()
            };
            names.insert((p.clone(), uri.clone()), name);
        }
    }
    let mut context = vec![Value::String(EPCIS_CONTEXT.into())];
    let mut by_name: BTreeMap<&String, &String> = BTreeMap::new();
    for ((_, uri), name) in &names {
        by_name.insert(name, uri);
    }
    for (name, uri) in by_name {
        let mut m = Map::new();
        m.insert(name.clone(), Value::String(uri.clone()));
        context.push(Value::Object(m));
    }
    let io = |e: std::io::Error| Error::io("writing the EPCIS document", e);
    let head = json!({
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now.to_rfc3339(),
    });
    let head = serde_json::to_string_pretty(&head).expect("a JSON value serialises");
    let head = head.strip_suffix("\n}").unwrap_or(&head);
    write!(w, "{head},\n  \"epcisBody\": {{\n    \"eventList\": [").map_err(io)?;
    let mut n = 0usize;
    for_each(ledger, sel, |mut ev| {
        for (p, uri) in &ev.namespaces {
            let name = &names[&(p.clone(), uri.clone())];
            if name != p {
                rename_prefix(&mut ev.event, p, name);
            }
        }
        let sep = if n == 0 { "\n      " } else { ",\n      " };
        w.write_all(sep.as_bytes()).map_err(io)?;
        serde_json::to_writer(&mut *w, &ev.event)
            .map_err(|e| Error::io("writing the EPCIS document", e.into()))?;
        n += 1;
        Ok(())
    })?;
    w.write_all(b"\n    ]\n  }\n}\n").map_err(io)?;
    w.flush().map_err(io)?;
    Ok(n)
}
