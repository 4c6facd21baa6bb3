//! EPCIS import: check every event of a document, then record them all in one
//! transaction, or nothing. Two streaming passes keep memory bounded for any file size.

use super::document::{self, DocumentInfo};
use super::event::{validate, EventSummary};
use super::hash::Namespaces;
use crate::entry;
use crate::error::{Error, Result};
use crate::identity::Signer;
use crate::ledger::{index::Record, Appended, Ledger, NewEntry};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

/// Entry kind of a recorded EPCIS event.
pub const KIND_EVENT: &str = "epcis.event";

/// Events recorded per chunk of the import transaction.
const CHUNK: usize = 1024;

/// The payload of an `epcis.event` entry (docs/spec/epcis-event.md).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The event exactly as received (JSON-LD, compacted with the EPCIS 2.0 context).
    pub event: Value,
    /// Its CBV 2.0 event hash id.
    #[serde(rename = "hashId")]
    pub hash_id: String,
    /// The namespace prefixes of user extensions the event uses.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespaces: BTreeMap<String, String>,
}

impl StoredEvent {
    pub fn namespaces(&self) -> Namespaces {
        let mut ns = Namespaces::default();
        for (k, v) in &self.namespaces {
            ns.insert(k.clone(), v.clone());
        }
        ns
    }
}

/// The ledger entry recording `event` (already validated into `summary`).
pub fn event_entry(event: Value, summary: EventSummary, ns: &Namespaces) -> Result<NewEntry> {
    let mut used = BTreeMap::new();
    collect_prefixes(&event, ns, &mut used);
    let stored = StoredEvent {
        event,
        hash_id: summary.hash_id.clone(),
        namespaces: used,
    };
    Ok(NewEntry {
        kind: KIND_EVENT.into(),
        payload: entry::canonical_payload(&stored)?,
        index: Some(Record::Event(Box::new(summary))),
    })
}

fn collect_prefixes(v: &Value, ns: &Namespaces, out: &mut BTreeMap<String, String>) {
    fn note(s: &str, ns: &Namespaces, out: &mut BTreeMap<String, String>) {
        if let Some((p, _)) = s.split_once(':') {
            if let Some(uri) = ns.get(p) {
                out.insert(p.to_string(), uri.to_string());
            }
        }
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                note(k, ns, out);
                collect_prefixes(x, ns, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_prefixes(x, ns, out)),
        Value::String(s) => note(s, ns, out),
        _ => {}
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportPhase {
    Checking,
    Recording,
}

#[derive(Clone, Copy, Debug)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: usize,
    /// Known once the checking pass has counted the events.
    pub total: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImportOutcome {
    pub index: usize,
    #[serde(rename = "hashId")]
    pub hash_id: String,
    pub seq: u64,
    /// False when the ledger already held the event.
    pub new: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    #[serde(rename = "documentType")]
    pub doc_type: String,
    pub events: usize,
    pub new: usize,
    pub known: usize,
    /// Every event's outcome, when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<ImportOutcome>,
}

fn place(index: usize, event: &Value, hash_id: Option<&str>) -> String {
    match (event.get("eventID").and_then(Value::as_str), hash_id) {
        (Some(id), _) => format!("event {index} (eventID {id})"),
        (None, Some(h)) => format!("event {index} (hash id {h})"),
        (None, None) => format!("event {index}"),
    }
}

/// Imports the document `open` yields (called once per pass). All or nothing.
pub fn import<R: Read>(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    mut open: impl FnMut() -> Result<R>,
    keep_outcomes: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    // Pass 1: every event valid, before the write lock is taken.
    let mut ns_seen = Namespaces::default();
    let info: DocumentInfo = document::read(open()?, |i, ev| {
        validate(&ev, &ns_seen).map_err(|e| {
            let hash = super::hash::event_hash_id(&ev, &ns_seen);
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!(", field {}", e.field)
            };
            Error::InvalidDocument {
                place: format!(
                    "{}{field}",
                    place(i, &ev, ev.is_object().then_some(hash.as_str()))
                ),
                reason: e.reason,
            }
        })?;
        if i % 4096 == 4095 {
            progress(ImportProgress {
                phase: ImportPhase::Checking,
                done: i + 1,
                total: None,
            });
        }
        Ok(())
    })?;
    ns_seen = info.namespaces.clone();
    let total = info.events;
    progress(ImportProgress {
        phase: ImportPhase::Checking,
        done: total,
        total: Some(total),
    });

    // Pass 2: record, in chunks of one transaction.
    let mut report = ImportReport {
        doc_type: info.doc_type.clone(),
        events: total,
        new: 0,
        known: 0,
        outcomes: vec![],
    };
    let mut app = ledger.begin_append(signer, now)?;
    let mut chunk: Vec<NewEntry> = Vec::with_capacity(CHUNK);
    let mut ids: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
    let mut flush = |chunk: &mut Vec<NewEntry>,
                     ids: &mut Vec<(usize, String)>,
                     report: &mut ImportReport,
                     app: &mut crate::ledger::Appender<'_>|
     -> Result<()> {
        let outcomes = app.push(chunk)?;
        for ((index, hash_id), o) in ids.drain(..).zip(outcomes) {
            let (seq, new) = match o {
                Appended::New { seq, .. } => (seq, true),
                Appended::Known { seq } => (seq, false),
            };
            if new {
                report.new += 1
            } else {
                report.known += 1
            }
            if keep_outcomes {
                report.outcomes.push(ImportOutcome {
                    index,
                    hash_id,
                    seq,
                    new,
                });
            }
        }
        chunk.clear();
        progress(ImportProgress {
            phase: ImportPhase::Recording,
            done: report.new + report.known,
            total: Some(total),
        });
        Ok(())
    };
    let second = document::read(open()?, |i, ev| {
        let summary = validate(&ev, &ns_seen).map_err(|e| Error::InvalidDocument {
            place: format!("{}, field {}", place(i, &ev, None), e.field),
            reason: format!("{} (the document changed while it was imported)", e.reason),
        })?;
        let pl = place(i, &ev, Some(&summary.hash_id));
        ids.push((i, summary.hash_id.clone()));
        chunk.push(
            event_entry(ev, summary, &ns_seen).map_err(|e| Error::InvalidDocument {
                place: pl,
                reason: e.to_string(),
            })?,
        );
        if chunk.len() == CHUNK {
            flush(&mut chunk, &mut ids, &mut report, &mut app)?;
        }
        Ok(())
    })?;
    if second.events != total {
        return Err(Error::InvalidDocument {
            place: "the document".into(),
            reason: "it changed while it was imported".into(),
        });
    }
    if !chunk.is_empty() {
        flush(&mut chunk, &mut ids, &mut report, &mut app)?;
    }
    app.commit()?;
    Ok(report)
}
