//! EPCIS XML documents (2.0 and 1.2; capture, query and master-data documents), read as a
//! stream: each event is handed over as its JSON-LD equivalent, each vocabulary as the
//! JSON-LD vocabulary object, in memory bounded by the largest event.

mod event;
pub mod tree;
pub mod vocabulary;
pub mod write;

pub use event::{expand_value, Converted};

use super::document::{DocumentInfo, Format, Incoming};
use crate::error::{Error, Result};
use serde_json::Value;
use std::io::BufRead;
use tree::{Head, Item, Reader};

const NS_2_0: &str = "urn:epcglobal:epcis:xsd:2";
const NS_1_X: &str = "urn:epcglobal:epcis:xsd:1";
const NS_QUERY_2_0: &str = "urn:epcglobal:epcis-query:xsd:2";
const NS_QUERY_1_X: &str = "urn:epcglobal:epcis-query:xsd:1";
const NS_MD_2_0: &str = "urn:epcglobal:epcis-masterdata:xsd:2";
const NS_MD_1_X: &str = "urn:epcglobal:epcis-masterdata:xsd:1";

const EVENTS: [&str; 5] = [
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
];

/// Most vocabulary elements a document may carry (they are kept until the import ends).
pub const MAX_VOCABULARY_ELEMENTS: usize = 100_000;

/// An event read but not yet converted to JSON-LD (`Incoming::resolve` converts it).
#[derive(Clone, Debug)]
pub struct Pending {
    el: tree::Element,
    v1_2: bool,
}

impl Pending {
    /// The event as JSON-LD and the prefixes its member names use.
    pub fn convert(&self, index: usize) -> Result<(Value, super::hash::Namespaces)> {
        let c = event::convert(&self.el, self.v1_2).map_err(|e| match e {
            Error::InvalidDocument { place, reason } => Error::InvalidDocument {
                place: format!(
                    "event {index} (<{}> at {}), {place}",
                    self.el.name.local, self.el.at
                ),
                reason,
            },
            other => other,
        })?;
        let mut ns = super::hash::Namespaces::default();
        for (p, uri) in c.namespaces {
            ns.insert(p, uri);
        }
        Ok((c.event, ns))
    }
}

fn refuse(at: tree::Pos, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        place: at.to_string(),
        reason: reason.into(),
    }
}

struct Walk<'a, R: BufRead> {
    r: Reader<R>,
    v1_2: bool,
    events: usize,
    vocab_elements: usize,
    info: DocumentInfo,
    on_event: &'a mut dyn FnMut(Incoming) -> Result<()>,
}

/// Reads an EPCIS XML document from `r`, handing over each event in document order.
pub fn read<R: BufRead>(
    r: R,
    on_event: &mut dyn FnMut(Incoming) -> Result<()>,
) -> Result<DocumentInfo> {
    let mut reader = Reader::new(r);
    let root = loop {
        match reader.next()? {
            Item::Start(h) => break h,
            Item::Text(_) | Item::End => continue,
            Item::Eof => unreachable!("next() refuses a document without an element"),
        }
    };
    let (doc_type, v1_2) = root_kind(&root)?;
    let mut w = Walk {
        r: reader,
        v1_2,
        events: 0,
        vocab_elements: 0,
        info: DocumentInfo {
            doc_type: doc_type.to_string(),
            format: if v1_2 { Format::Xml12 } else { Format::Xml20 },
            ..DocumentInfo::default()
        },
        on_event,
    };
    w.container(&root, &[])?;
    match w.r.next()? {
        Item::Eof => {}
        _ => {
            return Err(refuse(
                w.r.pos(),
                "content follows the document's root element",
            ))
        }
    }
    let saw_body = w.info.events > 0 || !w.info.vocabularies.is_empty() || w.info.saw_event_list;
    if !saw_body {
        return Err(refuse(
            root.at,
            "no EventList or VocabularyList found: an EPCIS document carries events in EPCISBody/EventList",
        ));
    }
    Ok(w.info)
}

/// The document type and whether it is EPCIS 1.x, from the root element.
fn root_kind(root: &Head) -> Result<(&'static str, bool)> {
    let ns = root.name.ns.as_deref().unwrap_or("");
    let local = root.name.local.as_str();
    let (doc, v1) = match (local, ns) {
        ("EPCISDocument", NS_2_0) => ("EPCISDocument", false),
        ("EPCISDocument", NS_1_X) => ("EPCISDocument", true),
        ("EPCISQueryDocument", NS_QUERY_2_0) => ("EPCISQueryDocument", false),
        ("EPCISQueryDocument", NS_QUERY_1_X) => ("EPCISQueryDocument", true),
        ("EPCISMasterDataDocument", NS_MD_2_0) => ("EPCISMasterDataDocument", false),
        ("EPCISMasterDataDocument", NS_MD_1_X) => ("EPCISMasterDataDocument", true),
        ("EPCISDocument" | "EPCISQueryDocument" | "EPCISMasterDataDocument", other) => {
            let want = match local {
                "EPCISDocument" => "urn:epcglobal:epcis:xsd:2 (or :1 for EPCIS 1.2)",
                "EPCISQueryDocument" => "urn:epcglobal:epcis-query:xsd:2 (or :1)",
                _ => "urn:epcglobal:epcis-masterdata:xsd:2 (or :1)",
            };
            let got = if other.is_empty() {
                "no namespace".to_string()
            } else {
                format!("the namespace {other:?}")
            };
            return Err(refuse(
                root.at,
                format!("<{local}> has {got}; an EPCIS document's root is in {want}"),
            ));
        }
        _ => {
            return Err(refuse(
                root.at,
                format!(
                    "the root element is <{}>, not an EPCIS document (EPCISDocument, EPCISQueryDocument or EPCISMasterDataDocument)",
                    root.name.written()
                ),
            ))
        }
    };
    let version = root.attr("schemaVersion").map(str::trim);
    let ok = match (v1, version) {
        (false, Some(v)) => v == "2.0" || v.starts_with("2.0."),
        (true, Some(v)) => matches!(v, "1.0" | "1.1" | "1.2"),
        (_, None) => false,
    };
    if !ok {
        let want = if v1 { "1.0, 1.1 or 1.2" } else { "2.0" };
        let got = version.map_or("no schemaVersion".to_string(), |v| {
            format!("schemaVersion {v:?}")
        });
        return Err(refuse(
            root.at,
            format!(
                "<{local}> in namespace {ns} has {got}; that namespace goes with schemaVersion {want}"
            ),
        ));
    }
    Ok((doc, v1))
}

impl<R: BufRead> Walk<'_, R> {
    /// Walks the children of a structural element (`path` holds the local names above it).
    fn container(&mut self, head: &Head, path: &[&str]) -> Result<()> {
        if head.empty {
            return Ok(());
        }
        let mut here: Vec<&str> = path.to_vec();
        here.push(head.name.local.as_str());
        let in_events = here.contains(&"EventList");
        loop {
            let h = match self.r.next()? {
                Item::Start(h) => h,
                Item::End => return Ok(()),
                Item::Text(_) => continue,
                Item::Eof => unreachable!("next() reports a truncated document"),
            };
            let local = h.name.local.as_str();
            if in_events && EVENTS.contains(&local) {
                self.event(h, &here)?;
                continue;
            }
            if in_events && local == "QuantityEvent" {
                return Err(refuse(h.at, "a QuantityEvent (EPCIS 1.0/1.1, removed in EPCIS 2.0) is not imported: send the quantity as an ObjectEvent with a quantityList"));
            }
            match local {
                "Vocabulary" if here.last() == Some(&"VocabularyList") => {
                    let at = h.at;
                    let el = self.r.tree(h)?;
                    let v = vocabulary::to_json(&el)?;
                    self.vocab_elements += v
                        .get("vocabularyElementList")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    if self.vocab_elements > MAX_VOCABULARY_ELEMENTS {
                        return Err(refuse(at, format!("the document carries more than {MAX_VOCABULARY_ELEMENTS} master-data elements: send master data in smaller documents")));
                    }
                    self.info.vocabularies.push(v);
                }
                "EPCISHeader" | "EPCISBody" | "extension" | "EPCISMasterData"
                | "VocabularyList" | "QueryResults" | "resultsBody" => {
                    self.container(&h, &here)?;
                }
                "EventList" => {
                    self.info.saw_event_list = true;
                    self.container(&h, &here)?;
                }
                _ => self.r.skip(&h)?,
            }
        }
    }

    fn event(&mut self, h: Head, path: &[&str]) -> Result<()> {
        let local = h.name.local.clone();
        let wrappers = path.iter().rev().take_while(|p| **p == "extension").count();
        if self.v1_2 {
            let want = match local.as_str() {
                "TransformationEvent" => 1,
                "AssociationEvent" => 2,
                _ => 0,
            };
            if want > 0 && wrappers == 0 {
                return Err(refuse(h.at, format!("a <{local}> directly in the EventList is EPCIS 2.0, but this document declares EPCIS 1.2: make it an EPCIS 2.0 document (schemaVersion=\"2.0\", namespace urn:epcglobal:epcis:xsd:2), or wrap the event in <extension> as EPCIS 1.2 does")));
            }
        }
        if h.name.ns.is_some() {
            return Err(refuse(
                h.at,
                format!(
                    "<{}> is in a namespace: EPCIS events are unqualified elements",
                    h.name.written()
                ),
            ));
        }
        let at = h.at;
        let index = self.events;
        let el = self.r.tree(h)?;
        // Converted where the event is checked (on the worker threads of an import),
        // so that the reader thread only parses.
        (self.on_event)(Incoming {
            index,
            event: Value::Null,
            namespaces: None,
            at: Some(format!("<{local}> at {at}")),
            xml: Some(Box::new(Pending {
                el,
                v1_2: self.v1_2,
            })),
        })?;
        self.events += 1;
        self.info.events = self.events;
        Ok(())
    }
}
