//! The records of a bundle file: one RFC 8785 canonical JSON object per line.

use crate::identity::IdentityCard;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub const BUNDLE_FORMAT: &str = "tradeseal-bundle/v1";
/// Bundles of version 2 ledgers (bundle.md, "Bundle v2").
pub const BUNDLE_FORMAT_V2: &str = "tradeseal-bundle/v2";

/// Longest line a verifier reads (an entry's payload is at most 1 MiB).
pub const MAX_LINE: usize = 2 << 20;

/// What the bundle is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct Subject {
    /// `lot`, `serial` or `sscc`.
    pub kind: String,
    /// Canonical GS1 Digital Link.
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    #[serde(rename = "type")]
    pub kind: String,
    pub format: String,
    pub subject: Subject,
    /// The exporting organisation's public key, hex.
    pub exporter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub card: IdentityCard,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointRecord {
    #[serde(rename = "type")]
    pub kind: String,
    /// The author's public key, hex.
    pub key: String,
    /// The C2SP signed note, as signed.
    pub note: String,
}

/// An RFC 9162 consistency proof between two sizes of one ledger: the newer size is
/// one of the bundle's checkpoints; the older one was handed out in an earlier bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyRecord {
    #[serde(rename = "type")]
    pub kind: String,
    /// The ledger's origin.
    pub origin: String,
    pub old_size: u64,
    pub size: u64,
    /// RFC 9162 consistency path, hex.
    pub proof: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRecord {
    #[serde(rename = "type")]
    pub kind: String,
    /// The author's public key, hex (the entry body's `author`).
    pub author: String,
    pub seq: u64,
    /// The entry body's kind.
    pub entry_kind: String,
    pub time: String,
    pub prev: String,
    /// The entry body's payload (canonical JSON, as signed).
    pub payload: Value,
    pub hash: String,
    pub signature: String,
    /// Size of the author's checkpoint the proof is against.
    pub checkpoint: u64,
    /// RFC 9162 inclusion path, leaf first, hex.
    pub proof: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndRecord {
    #[serde(rename = "type")]
    pub kind: String,
    /// Lines before this one, the header included.
    pub records: u64,
    /// SHA-256 of every byte before this line, hex.
    pub sha256: String,
}

/// v2: the start of one ledger's group; `anchor` is the end of the commit whose note
/// proves all its entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub origin: String,
    pub anchor: u64,
}

/// v2: a commit note, with the key of the officer (or organisation) that signed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub author: String,
    pub note: String,
}

/// v2: an entry's body (ledger.md §8.1), field by field; nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryV2Record {
    #[serde(rename = "type")]
    pub kind: String,
    pub seq: u64,
    pub author: String,
    pub entry_kind: String,
    pub time: String,
    pub payload: Value,
}

/// v2: the multiproof of the entries carried of one commit in its range tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub end: u64,
    pub proof: Vec<String>,
}

/// v2: the multiproof of all the group's entries against the anchor note's root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub proof: Vec<String>,
}
