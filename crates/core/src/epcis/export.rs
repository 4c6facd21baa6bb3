//! EPCIS export: recorded events as an EPCIS 2.0 JSON-LD document, written as a stream.

use super::import::StoredEvent;
use super::xml::write::XmlVersion;
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
    mut f: impl FnMut(u64, StoredEvent) -> Result<()>,
) -> Result<()> {
    use tradeseal_log::db::Sql;
    let db = ledger.sql();
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
            // A page at a time (bounded memory on either engine), by entry number.
            let mut after = -1i64;
            loop {
                let rows = db.query("SELECT e.seq, e.payload FROM entries e JOIN epcis_events v ON v.origin IS NULL AND v.seq = e.seq WHERE e.seq > ?1 ORDER BY e.seq LIMIT 1000", tradeseal_log::sql_params![after])?;
                let Some(last) = rows.last() else { break };
                after = last.int(0)?;
                for r in rows {
                    let seq = r.int(0)?;
                    f(seq as u64, parse(seq, r.text(1)?)?)?;
                }
            }
        }
        ExportSelection::Events(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                if let Some(r) = db.query_one("SELECT e.seq, e.payload FROM entries e JOIN epcis_events v ON v.origin IS NULL AND v.seq = e.seq WHERE v.id = ?1", tradeseal_log::sql_params![id as i64])? {
                    let seq = r.int(0)?;
                    f(seq as u64, parse(seq, r.text(1)?)?)?;
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

/// The syntax of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// EPCIS 2.0 JSON-LD.
    JsonLd,
    /// EPCIS 2.0 XML, or 1.2 XML as GS1's 2.0→1.2 mapping writes it.
    Xml(XmlVersion),
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
    export_as(ledger, sel, now, ExportFormat::JsonLd, w)
}

/// `export` in the syntax `format`.
pub fn export_as(
    ledger: &Ledger,
    sel: &ExportSelection,
    now: Timestamp,
    format: ExportFormat,
    w: &mut dyn Write,
) -> Result<usize> {
    let (names, undeclared_names) = prefix_names(ledger, sel)?;
    let io = |e: std::io::Error| Error::io("writing the EPCIS document", e);
    let mut declared: BTreeMap<&String, &String> = BTreeMap::new();
    for ((_, uri), name) in &names {
        declared.insert(name, uri);
    }
    // XML names every member's namespace. A prefix the event's JSON-LD document did not
    // declare is hashed as written (as GS1's tool does), and XML has no such name: the
    // event has no XML form with its hash id.
    if let ExportFormat::Xml(_) = format {
        if let Some((p, seq)) = undeclared_names.iter().next() {
            return Err(Error::invalid(
                "format",
                format!("the event of entry {seq} names members with the prefix {p:?}, which its JSON-LD document did not declare in @context: its hash id keeps the prefix as written, and no XML name can, so it has no XML form with the same id; export it as JSON-LD (docs/spec/epcis-event.md §5)"),
            ));
        }
    }
    let declared_owned: BTreeMap<String, String> = declared
        .iter()
        .map(|(n, u)| ((*n).clone(), (*u).clone()))
        .collect();
    match format {
        ExportFormat::JsonLd => {
            let mut context = vec![Value::String(EPCIS_CONTEXT.into())];
            for (name, uri) in &declared {
                let mut m = Map::new();
                m.insert((*name).clone(), Value::String((*uri).clone()));
                context.push(Value::Object(m));
            }
            let head = json!({
                "@context": context,
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": now.to_rfc3339(),
            });
            let head = serde_json::to_string_pretty(&head).expect("a JSON value serialises");
            let head = head.strip_suffix("\n}").unwrap_or(&head);
            write!(w, "{head},\n  \"epcisBody\": {{\n    \"eventList\": [").map_err(io)?;
        }
        ExportFormat::Xml(v) => {
            w.write_all(super::xml::write::start(v, &now.to_rfc3339(), &declared_owned).as_bytes())
                .map_err(io)?;
        }
    }
    let mut n = 0usize;
    let mut buf = String::new();
    for_each(ledger, sel, |seq, mut ev| {
        for (p, uri) in &ev.namespaces {
            let name = &names[&(p.clone(), uri.clone())];
            if name != p {
                rename_prefix(&mut ev.event, p, name);
            }
        }
        buf.clear();
        match format {
            ExportFormat::JsonLd => {
                buf.push_str(if n == 0 { "\n      " } else { ",\n      " });
                write_json(&mut buf, &web_uris(ev.event));
            }
            ExportFormat::Xml(v) => {
                super::xml::write::event(&mut buf, &ev.event, v, &declared_owned).map_err(|what| {
                    Error::invalid(
                        "format",
                        format!("the event of entry {seq} has {what}, which EPCIS 2.0 XML has no place for: export it as xml-1.2 or jsonld"),
                    )
                })?
            }
        }
        w.write_all(buf.as_bytes()).map_err(io)?;
        n += 1;
        Ok(())
    })?;
    match format {
        ExportFormat::JsonLd => w.write_all(b"\n    ]\n  }\n}\n").map_err(io)?,
        ExportFormat::Xml(_) => w
            .write_all(super::xml::write::end().as_bytes())
            .map_err(io)?,
    }
    w.flush().map_err(io)?;
    Ok(n)
}

/// JSON with `type` first in every object, then the other members in order: GS1's tool
/// hashes a business transaction, source or destination in member order, and GS1's
/// examples write `type` first (docs/spec/epcis-event.md §5).
fn write_json(out: &mut String, v: &Value) {
    let plain = |out: &mut String, v: &Value| {
        out.push_str(&serde_json::to_string(v).expect("a JSON value serialises"))
    };
    match v {
        Value::Object(m) => {
            out.push('{');
            let mut first = true;
            let typed = m.get_key_value("type");
            for (k, x) in typed
                .into_iter()
                .chain(m.iter().filter(|(k, _)| *k != "type"))
            {
                if !first {
                    out.push(',');
                }
                first = false;
                plain(out, &Value::String(k.clone()));
                out.push(':');
                write_json(out, x);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x);
            }
            out.push(']');
        }
        other => plain(out, other),
    }
}

/// CBV values of the standard fields as their Web URIs. A short name is what JSON-LD
/// writes, but GS1's tool expands short names by matching them against every URI of the
/// whole document, which an unrelated URI (GS1's own `…/cbv/Bizstep-sensor_reporting`)
/// can spoil; a Web URI means the same and hashes the same everywhere.
fn web_uris(mut ev: Value) -> Value {
    use super::vocab::{self, Vocabulary};
    fn set(v: &mut Value, voc: &Vocabulary) {
        if let Some(s) = v.as_str() {
            if let Ok(uri) = voc.resolve(s) {
                *v = Value::String(uri);
            }
        }
    }
    let Some(m) = ev.as_object_mut() else {
        return ev;
    };
    if let Some(v) = m.get_mut("bizStep") {
        set(v, &vocab::BIZ_STEP);
    }
    if let Some(v) = m.get_mut("disposition") {
        set(v, &vocab::DISPOSITION);
    }
    if let Some(p) = m
        .get_mut("persistentDisposition")
        .and_then(Value::as_object_mut)
    {
        for k in ["set", "unset"] {
            for v in p
                .get_mut(k)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                set(v, &vocab::DISPOSITION);
            }
        }
    }
    if let Some(r) = m
        .get_mut("errorDeclaration")
        .and_then(|d| d.get_mut("reason"))
    {
        set(r, &vocab::ERROR_REASON);
    }
    for (list, voc) in [
        ("bizTransactionList", &vocab::BIZ_TRANSACTION_TYPE),
        ("sourceList", &vocab::SOURCE_DEST_TYPE),
        ("destinationList", &vocab::SOURCE_DEST_TYPE),
    ] {
        for it in m
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(t) = it.get_mut("type") {
                set(t, voc);
            }
        }
    }
    ev
}

/// Member-name prefixes of `v` (`p` of `"p:name"`).
fn name_prefixes(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if let Some((p, _)) = k.split_once(':') {
                    out.insert(p.to_string());
                }
                name_prefixes(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| name_prefixes(x, out)),
        _ => {}
    }
}

/// The prefixes declared per (prefix, namespace) of the selected events, and the prefixes
/// member names use undeclared, with the entry of one event using each.
type PrefixPlan = (BTreeMap<(String, String), String>, BTreeMap<String, u64>);

/// For every (prefix, namespace) the selected events declare, the prefix the export writes.
fn prefix_names(ledger: &Ledger, sel: &ExportSelection) -> Result<PrefixPlan> {
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut all_used: BTreeSet<String> = BTreeSet::new();
    let mut undeclared: BTreeSet<String> = BTreeSet::new();
    let mut undeclared_names: BTreeMap<String, u64> = BTreeMap::new();
    for_each(ledger, sel, |seq, ev| {
        let mut used = BTreeSet::new();
        prefixes_used(&ev.event, &mut used);
        for p in &used {
            if !ev.namespaces.contains_key(p) {
                undeclared.insert(p.clone());
            }
        }
        let mut in_names = BTreeSet::new();
        name_prefixes(&ev.event, &mut in_names);
        for p in in_names {
            if !ev.namespaces.contains_key(&p) {
                undeclared_names.entry(p).or_insert(seq);
            }
        }
        all_used.extend(used);
        for (p, uri) in ev.namespaces {
            declared.entry(p).or_default().insert(uri);
        }
        Ok(())
    })?;
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
    Ok((names, undeclared_names))
}
