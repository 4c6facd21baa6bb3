//! EPCIS import: check every event of a document, then record them all in one
//! transaction, or nothing. Two streaming passes keep memory bounded for any file size.

use super::document::{self, DocumentInfo, Incoming};
use super::event::{validate, EventSummary};
use super::hash::Namespaces;
use crate::codelists::CodeLists;
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

/// A chunk ready to append: (index in the document, hash id), the entries, the warnings.
#[derive(Default)]
struct Prepared {
    ids: Vec<(usize, String)>,
    entries: Vec<NewEntry>,
    warnings: Vec<ImportWarning>,
}

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
    let mut m = serde_json::Map::new();
    m.insert("event".into(), event);
    m.insert("hashId".into(), Value::String(summary.hash_id.clone()));
    if !used.is_empty() {
        m.insert(
            "namespaces".into(),
            serde_json::to_value(used).expect("a map of strings"),
        );
    }
    let payload = crate::canonical::value_to_canonical(&Value::Object(m))?;
    if payload.len() > entry::PAYLOAD_MAX_BYTES {
        return Err(Error::invalid(
            "event",
            "larger than 1 MiB as canonical JSON: split it, or attach large data by reference",
        ));
    }
    Ok(NewEntry {
        kind: KIND_EVENT.into(),
        payload,
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

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct ImportOutcome {
    pub index: usize,
    #[serde(rename = "hashId")]
    pub hash_id: String,
    /// The event's row in the ledger's event table (the same for a repeated event).
    #[ts(type = "number")]
    pub event: u64,
    /// The ledger entry written for it; `None` when the ledger already held the event.
    #[ts(type = "number | null")]
    pub entry: Option<u64>,
}

impl ImportOutcome {
    pub fn is_new(&self) -> bool {
        self.entry.is_some()
    }
}

/// Something accepted although it looks wrong, with the event it is in.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct ImportWarning {
    pub index: usize,
    pub message: String,
}

/// Warnings kept in a report; the count says how many there were.
const MAX_WARNINGS: usize = 1000;

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct ImportReport {
    #[serde(rename = "documentType")]
    pub doc_type: String,
    pub format: super::document::Format,
    pub events: usize,
    pub new: usize,
    pub known: usize,
    /// Master-data records (locations, products, parties) recorded from the document.
    #[serde(rename = "masterDataRecorded")]
    pub master_data_recorded: usize,
    /// What became of each master-data element of the document.
    #[serde(rename = "masterData", skip_serializing_if = "Vec::is_empty")]
    #[ts(type = "Array<MasterDataOutcome> | undefined")]
    pub master_data: Vec<super::MasterDataOutcome>,
    /// How many warnings there were (the first 1,000 are listed).
    #[serde(rename = "warningCount")]
    pub warning_count: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(type = "Array<ImportWarning> | undefined")]
    pub warnings: Vec<ImportWarning>,
    /// Every event's outcome, when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(type = "Array<ImportOutcome> | undefined")]
    pub outcomes: Vec<ImportOutcome>,
}

fn place(inc: &Incoming, hash_id: Option<&str>) -> String {
    let index = inc.index;
    let mut p = match (inc.event.get("eventID").and_then(Value::as_str), hash_id) {
        (Some(id), _) => format!("event {index} (eventID {id})"),
        (None, Some(h)) => format!("event {index} (hash id {h})"),
        (None, None) => format!("event {index}"),
    };
    if let Some(at) = &inc.at {
        p.push_str(&format!(", {at}"));
    }
    p
}

/// Reads the document on its own thread and hands its events over in chunks, so that
/// parsing overlaps with the work on the previous chunk.
fn chunked<R: Read + Send>(
    r: R,
    f: impl FnMut(Vec<Incoming>) -> Result<()>,
) -> Result<DocumentInfo> {
    staged(
        2,
        move |send| {
            let mut buf = Vec::with_capacity(CHUNK);
            let info = document::read_unconverted(r, |inc| {
                buf.push(inc);
                if buf.len() == CHUNK {
                    send(std::mem::replace(&mut buf, Vec::with_capacity(CHUNK)))?;
                }
                Ok(())
            })?;
            if !buf.is_empty() {
                send(buf)?;
            }
            Ok(info)
        },
        f,
    )
}

/// Runs `produce` on a thread of its own and hands what it sends to `consume` here, at
/// most `ahead` items waiting. The first error stops both sides: the consumer's error
/// wins (the producer's next send then fails), else the producer's result is returned.
fn staged<T: Send, O: Send>(
    ahead: usize,
    produce: impl FnOnce(&dyn Fn(T) -> Result<()>) -> Result<O> + Send,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<O> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<T>(ahead);
    std::thread::scope(|s| {
        let stage = s.spawn(move || {
            produce(&|t| tx.send(t).map_err(|_| Error::invalid("import", "stopped")))
        });
        let mut failed = None;
        for t in rx.iter() {
            if let Err(e) = consume(t) {
                failed = Some(e);
                break;
            }
        }
        drop(rx);
        let produced = stage.join().expect("an import stage does not panic");
        match failed {
            Some(e) => Err(e),
            None => produced,
        }
    })
}

fn event_error(inc: &Incoming, ns: &Namespaces, e: super::event::FieldError) -> Error {
    let ns = inc.namespaces.as_ref().unwrap_or(ns);
    let hash = inc
        .event
        .is_object()
        .then(|| super::hash::event_hash_id(&inc.event, ns));
    let field = if e.field.is_empty() {
        String::new()
    } else {
        format!(", field {}", e.field)
    };
    Error::InvalidDocument {
        place: format!("{}{field}", place(inc, hash.as_deref())),
        reason: e.reason,
    }
}

/// Checks, hashes and canonicalises a chunk on every core: the hash ids and entries, and
/// the warnings. `one_pass`: the chunk was not checked before (an error is the document's,
/// not a change of it).
fn prepare(chunk: Vec<Incoming>, ns: &Namespaces, one_pass: bool) -> Result<Prepared> {
    use rayon::prelude::*;
    let prepared: Vec<(usize, Result<(String, NewEntry, Vec<String>)>)> = chunk
        .into_par_iter()
        .map(|mut inc| {
            let i = inc.index;
            if let Err(e) = inc.resolve() {
                return (i, Err(e));
            }
            let ens = inc.namespaces.as_ref().unwrap_or(ns);
            let r = match validate(&inc.event, ens) {
                Err(e) if one_pass => Err(event_error(&inc, ens, e)),
                Err(e) => Err(Error::InvalidDocument {
                    place: format!("{}, field {}", place(&inc, None), e.field),
                    reason: format!("{} (the document changed while it was imported)", e.reason),
                }),
                Ok(mut summary) => {
                    let h = summary.hash_id.clone();
                    let warnings = std::mem::take(&mut summary.warnings);
                    let pl = place(&inc, Some(&h));
                    event_entry(inc.event, summary, ens)
                        .map(|entry| (h, entry, warnings))
                        .map_err(|e| Error::InvalidDocument {
                            place: pl,
                            reason: e.to_string(),
                        })
                }
            };
            (i, r)
        })
        .collect();
    let mut out = Prepared::default();
    for (i, r) in prepared {
        let (h, entry, warnings) = r?;
        out.ids.push((i, h));
        out.entries.push(entry);
        out.warnings.extend(
            warnings
                .into_iter()
                .map(|message| ImportWarning { index: i, message }),
        );
    }
    Ok(out)
}

/// Imports the document `open` yields (called once per pass). All or nothing.
///
/// Events are read one at a time and worked on in chunks of `CHUNK`, checked, hashed and
/// signed in parallel; memory stays bounded by the chunk, whatever the document's size.
/// A JSON-LD document whose `@context` comes after its events is read twice: every
/// event checked before the write lock is taken (the hash ids depend on the context).
/// Any other document is read once: an XML event carries its own prefixes, a JSON-LD
/// document's context is known before its first event, and an error rolls the
/// transaction back, so that it records nothing all the same.
pub fn import<R: Read + Send>(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    lists: &CodeLists,
    mut open: impl FnMut() -> Result<R>,
    keep_outcomes: bool,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    use rayon::prelude::*;
    // XML events carry their own prefixes; a JSON-LD document whose `@context` comes
    // before its body gives them before the first event. Either is read once.
    let xml = document::is_xml(open()?)?;
    let context = if xml {
        None
    } else {
        document::context_first(open()?)
    };
    let one_pass = xml || context.is_some();
    let mut warnings = Vec::new();
    let mut warning_count = 0;
    let mut total = None;
    let mut ns = context.clone().unwrap_or_default();
    let mut md = super::MasterDataPlan::default();
    let mut first: Option<DocumentInfo> = None;
    if !one_pass {
        // Pass 1: every event acceptable, before the write lock is taken.
        let mut checked = 0;
        let info = chunked(open()?, |mut chunk| {
            let converted: Vec<Result<()>> = chunk.par_iter_mut().map(Incoming::resolve).collect();
            converted.into_iter().collect::<Result<()>>()?;
            let results: Vec<_> = chunk
                .par_iter()
                .map(|inc| super::event::check(&inc.event))
                .collect();
            for (inc, r) in chunk.iter().zip(results) {
                match r {
                    Err(e) => return Err(event_error(inc, &Namespaces::default(), e)),
                    Ok(s) => {
                        for w in s.warnings {
                            warning_count += 1;
                            if warnings.len() < MAX_WARNINGS {
                                warnings.push(ImportWarning {
                                    index: inc.index,
                                    message: w,
                                });
                            }
                        }
                    }
                }
            }
            checked += chunk.len();
            progress(ImportProgress {
                phase: ImportPhase::Checking,
                done: checked,
                total: None,
            });
            Ok(())
        })?;
        ns = info.namespaces.clone();
        total = Some(info.events);
        progress(ImportProgress {
            phase: ImportPhase::Checking,
            done: info.events,
            total,
        });
        // The document's master data, read against the ledger before the write lock.
        md = super::master_data::plan(&ledger.sql(), lists, &info.vocabularies)?;
        first = Some(info);
    }

    // Record, chunk by chunk, in one transaction.
    let mut report = ImportReport {
        doc_type: String::new(),
        format: Default::default(),
        events: 0,
        new: 0,
        known: 0,
        master_data_recorded: 0,
        master_data: Vec::new(),
        warning_count,
        warnings,
        outcomes: vec![],
    };
    let mut app = ledger.begin_append(signer, now)?;
    if !md.entries.is_empty() {
        app.push(&md.entries)?;
    }
    // While one chunk is written (and signed) here, the next is checked, hashed and
    // canonicalised on the other threads.
    // What the writer is done with is freed on a thread of its own, which ends with the
    // import (when `record`, holding the sender, is dropped).
    let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<NewEntry>>();
    std::thread::spawn(move || spent_rx.into_iter().for_each(drop));
    let mut record = |p: Prepared, report: &mut ImportReport| -> Result<()> {
        let (outcomes, spent) = app.push_owned(p.entries)?;
        // Freed on another thread: the writer's time is the import's.
        let _ = spent_tx.send(spent);
        for ((index, hash_id), o) in p.ids.into_iter().zip(outcomes) {
            let (event, entry) = match o {
                Appended::New { seq, .. } => {
                    report.new += 1;
                    let event = if keep_outcomes {
                        crate::ledger::index::event_id(&app.sql(), &hash_id)?.unwrap_or_default()
                    } else {
                        0
                    };
                    (event, Some(seq))
                }
                Appended::Known { event } => {
                    report.known += 1;
                    (event, None)
                }
            };
            if keep_outcomes {
                report.outcomes.push(ImportOutcome {
                    index,
                    hash_id,
                    event,
                    entry,
                });
            }
        }
        if one_pass {
            for w in p.warnings {
                report.warning_count += 1;
                if report.warnings.len() < MAX_WARNINGS {
                    report.warnings.push(w);
                }
            }
        }
        progress(ImportProgress {
            phase: ImportPhase::Recording,
            done: report.new + report.known,
            total,
        });
        Ok(())
    };
    // Three stages, each on a thread of its own for the whole import: the document
    // read (`chunked`), each chunk prepared (on every core), each chunk recorded (here).
    let doc = open()?;
    let ns = &ns;
    let info = staged(
        1,
        move |send| chunked(doc, |chunk| send(prepare(chunk, ns, one_pass)?)),
        |p| record(p, &mut report),
    )?;
    if let Some(f) = &first {
        if info.events != f.events {
            return Err(Error::InvalidDocument {
                place: "the document".into(),
                reason: "it changed while it was imported".into(),
            });
        }
    } else {
        if context.as_ref().is_some_and(|c| *c != info.namespaces) {
            return Err(Error::InvalidDocument {
                place: "@context".into(),
                reason: "the document gives its @context twice, differently: give it once".into(),
            });
        }
        // One pass: the master data comes with the events, in the same transaction.
        md = super::master_data::plan(&app.sql(), lists, &info.vocabularies)?;
        if !md.entries.is_empty() {
            app.push(&md.entries)?;
        }
    }
    report.doc_type = info.doc_type.clone();
    report.format = info.format;
    report.events = info.events;
    report.master_data_recorded = md.entries.len();
    report.master_data = md.outcomes;
    app.commit()?;
    Ok(report)
}
