//! A document checked without recording anything: every event's hash id and verdict, so a
//! partner's file can be looked at (and its ids compared) before it is imported.

use super::document::{self, Format};
use super::event::validate;
use super::hash::{prehash, Namespaces};
use crate::error::Result;
use serde::Serialize;
use std::io::Read;

/// One event of a checked document.
#[derive(Clone, Debug, Serialize)]
pub struct CheckedEvent {
    pub index: usize,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(rename = "hashId")]
    pub hash_id: String,
    /// The CBV 2.0 pre-hash string (asked for with `prehash`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prehash: Option<String>,
    /// Where the event starts, for XML documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Why TradeSeal would refuse it (`field: reason`); `None` when it would be imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    #[serde(rename = "documentType")]
    pub doc_type: String,
    pub format: Format,
    pub events: Vec<CheckedEvent>,
    /// Master-data vocabulary elements the document carries.
    #[serde(rename = "masterDataElements")]
    pub master_data_elements: usize,
}

impl CheckReport {
    pub fn problems(&self) -> usize {
        self.events.iter().filter(|e| e.problem.is_some()).count()
    }
}

/// Reads the whole document and checks each event on its own. A document that cannot be
/// read at all (malformed, truncated, not EPCIS) is an error.
pub fn check<R: Read>(r: R, with_prehash: bool) -> Result<CheckReport> {
    let mut pending = Vec::new();
    let info = document::read(r, |inc| {
        pending.push(inc);
        Ok(())
    })?;
    let doc_ns = info.namespaces.clone();
    let events = pending
        .into_iter()
        .map(|inc| {
            let ns: &Namespaces = inc.namespaces.as_ref().unwrap_or(&doc_ns);
            let event_type = inc
                .event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string();
            let (hash_id, problem) = match validate(&inc.event, ns) {
                Ok(s) => (s.hash_id, None),
                Err(e) => (
                    super::hash::event_hash_id(&inc.event, ns),
                    Some(if e.field.is_empty() {
                        e.reason
                    } else {
                        format!("{}: {}", e.field, e.reason)
                    }),
                ),
            };
            CheckedEvent {
                index: inc.index,
                event_type,
                hash_id,
                prehash: with_prehash.then(|| prehash(&inc.event, ns)),
                at: inc.at,
                problem,
            }
        })
        .collect();
    let master_data_elements = info
        .vocabularies
        .iter()
        .filter_map(|v| v.get("vocabularyElementList").and_then(|l| l.as_array()))
        .map(Vec::len)
        .sum();
    Ok(CheckReport {
        doc_type: info.doc_type,
        format: info.format,
        events,
        master_data_elements,
    })
}
