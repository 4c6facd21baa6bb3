//! Checking entry lines on their own, in parallel runs of consecutive lines: the
//! canonical form, the entry hash, the EPCIS event and its hash id, the inclusion proof
//! and (in one batch per run) the strict Ed25519 signature. What needs file order
//! (hash links, order, trust) is left to the caller's merge.
//!
//! Speed matters here (a bundle may hold a million entries): a line is parsed once into
//! borrowed fields, only the payload is parsed into a tree (the event needs it), the
//! canonical form is checked by writing the line again from its fields, and proofs of
//! neighbouring entries stop climbing where they meet a node already proven to the root.

use crate::canonical;
use crate::entry::{self, Body};
use crate::epcis::{self, EventSummary, StoredEvent};
use crate::hash::Hash;
use crate::merkle;
use crate::signature::{self, PublicKey};
use crate::time::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A finding about one entry, before its party and event are attached.
pub(super) struct Local {
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

/// What the chain checks take from an event, before its strings are interned.
pub(super) struct EventFacts {
    pub summary: EventSummary,
    pub sources: Vec<(String, String)>,
    pub destinations: Vec<(String, String)>,
}

/// What checking one entry line on its own gives.
pub(super) struct Prepared {
    pub line: u64,
    /// A framing problem that stops the verification.
    pub fatal: Option<(&'static str, String)>,
    pub author: String,
    pub known_author: bool,
    pub seq: u64,
    /// Set when the hashes and signature could be read.
    pub parsed: Option<(Hash, Hash)>,
    pub event_id: Option<String>,
    pub event_ms: i64,
    pub entry_ms: i64,
    pub is_event: bool,
    pub facts: Option<EventFacts>,
    /// The author's ledger origin (from its card).
    pub origin: String,
    /// For a `key.rotate` entry: the hand-over, or why it does not check.
    pub rotation: Option<std::result::Result<crate::keys::Rotation, String>>,
    pub local: Vec<Local>,
}

/// The authors' keys and ledger origins, and the checkpoint roots by (origin, size),
/// fixed once the entries begin.
pub(super) struct Context<'a> {
    pub keys: &'a BTreeMap<String, (PublicKey, String)>,
    pub checkpoints: &'a HashMap<(String, u64), Hash>,
}

/// An entry line's fields, borrowed from the line where no escape forces a copy.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryLine<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    author: Cow<'a, str>,
    seq: u64,
    #[serde(borrow)]
    entry_kind: Cow<'a, str>,
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    prev: Cow<'a, str>,
    #[serde(borrow)]
    payload: &'a RawValue,
    #[serde(borrow)]
    hash: Cow<'a, str>,
    #[serde(borrow)]
    signature: Cow<'a, str>,
    checkpoint: u64,
    #[serde(borrow)]
    proof: Vec<Cow<'a, str>>,
}

/// Appends the RFC 8785 literal of `s`.
fn push_literal(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&canonical::string_literal(s));
    }
}

/// The canonical text of an entry line with these fields and this canonical payload;
/// `None` when a number is beyond what this writer formats like RFC 8785 (2^53).
fn canonical_line(l: &EntryLine<'_>, payload: &str, out: &mut String) -> Option<()> {
    const SAFE: u64 = 1 << 53;
    if l.seq > SAFE || l.checkpoint > SAFE {
        return None;
    }
    out.clear();
    out.push_str("{\"author\":");
    push_literal(out, &l.author);
    out.push_str(",\"checkpoint\":");
    out.push_str(&l.checkpoint.to_string());
    out.push_str(",\"entry_kind\":");
    push_literal(out, &l.entry_kind);
    out.push_str(",\"hash\":");
    push_literal(out, &l.hash);
    out.push_str(",\"payload\":");
    out.push_str(payload);
    out.push_str(",\"prev\":");
    push_literal(out, &l.prev);
    out.push_str(",\"proof\":[");
    for (i, p) in l.proof.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_literal(out, p);
    }
    out.push_str("],\"seq\":");
    out.push_str(&l.seq.to_string());
    out.push_str(",\"signature\":");
    push_literal(out, &l.signature);
    out.push_str(",\"time\":");
    push_literal(out, &l.time);
    out.push_str(",\"type\":");
    push_literal(out, &l.kind);
    out.push('}');
    Some(())
}

const NOT_CANONICAL: &str =
    "the line is not in canonical JSON form (RFC 8785): it was rewritten after export";

/// Nodes of one author's tree (at one checkpoint) already proven to lead to its root,
/// by (level, index). Consecutive entries share most of their paths.
#[derive(Default)]
struct ProofCache {
    tree: Option<(String, u64)>,
    nodes: HashMap<(u32, u64), Hash>,
}

impl ProofCache {
    /// RFC 9162 2.1.3.2, giving what `merkle::verify_inclusion` gives, faster: once the
    /// path meets a node already proven, the rest of the proof is compared with the
    /// siblings already proven instead of being hashed again.
    fn verify(
        &mut self,
        tree: (&str, u64),
        leaf: Hash,
        index: u64,
        proof: &[Hash],
        root: &Hash,
    ) -> bool {
        let size = tree.1;
        if self
            .tree
            .as_ref()
            .is_none_or(|(a, s)| a != tree.0 || *s != size)
        {
            self.tree = Some((tree.0.to_string(), size));
            self.nodes.clear();
        }
        if index >= size || proof.len() != merkle::inclusion_proof_len(index, size) {
            return false;
        }
        let (mut fnode, mut snode, mut level) = (index, size - 1, 0u32);
        let mut r = leaf;
        let mut hashing = true;
        let mut learned: Vec<((u32, u64), Hash)> = Vec::with_capacity(2 * proof.len());
        for p in proof {
            let left = fnode & 1 == 1 || fnode == snode;
            if left && fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                    level += 1;
                }
            }
            let sibling = (
                level,
                if left {
                    fnode.wrapping_sub(1)
                } else {
                    fnode + 1
                },
            );
            if hashing {
                r = if left {
                    merkle::node_hash(p, &r)
                } else {
                    merkle::node_hash(&r, p)
                };
            }
            fnode >>= 1;
            snode >>= 1;
            level += 1;
            if hashing {
                learned.push((sibling, *p));
                match self.nodes.get(&(level, fnode)) {
                    Some(known) if *known == r => hashing = false,
                    Some(_) => return false,
                    None => learned.push(((level, fnode), r)),
                }
            } else {
                match self.nodes.get(&sibling) {
                    Some(known) if known == p => {}
                    Some(_) => return false,
                    // Not seen before (cannot happen: the proven node's ancestors'
                    // siblings were learned with it); check the whole proof.
                    None => return merkle::verify_inclusion(&leaf, index, size, proof, root),
                }
            }
        }
        if hashing && r != *root {
            return false;
        }
        if self.nodes.len() > 4096 {
            self.nodes.clear();
        }
        self.nodes.extend(learned);
        true
    }
}

/// Checks a run of consecutive entry lines (`(line number, bytes)`, bytes without the
/// newline), signatures in one batch.
pub(super) fn check_run(lines: &[(u64, &[u8])], ctx: &Context<'_>) -> Vec<Prepared> {
    let mut cache = ProofCache::default();
    let mut scratch = String::new();
    let mut out: Vec<Prepared> = Vec::with_capacity(lines.len());
    let mut sigs: Vec<(usize, &PublicKey, Vec<u8>, [u8; 64])> = Vec::with_capacity(lines.len());
    for (line, bytes) in lines {
        let (p, sig) = check_one(*line, bytes, ctx, &mut cache, &mut scratch);
        if let Some((key, msg, sig)) = sig {
            sigs.push((out.len(), key, msg, sig));
        }
        out.push(p);
    }
    let items: Vec<(&PublicKey, &[u8], &[u8; 64])> = sigs
        .iter()
        .map(|(_, k, m, s)| (*k, m.as_slice(), s))
        .collect();
    for bad in signature::verify_many(&items) {
        out[sigs[bad].0].local.push(Local {
            code: "entry-signature",
            field: Some("signature"),
            message:
                "the entry's signature does not verify under its author's key (strict Ed25519)"
                    .into(),
        });
    }
    out
}

type SigItem<'a> = (&'a PublicKey, Vec<u8>, [u8; 64]);

fn check_one<'c>(
    line: u64,
    body: &[u8],
    ctx: &Context<'c>,
    cache: &mut ProofCache,
    scratch: &mut String,
) -> (Prepared, Option<SigItem<'c>>) {
    let mut p = Prepared {
        line,
        fatal: None,
        author: String::new(),
        known_author: false,
        seq: 0,
        parsed: None,
        event_id: None,
        event_ms: 0,
        entry_ms: 0,
        is_event: false,
        facts: None,
        origin: String::new(),
        rotation: None,
        local: vec![],
    };
    let Ok(text) = std::str::from_utf8(body) else {
        p.fatal = Some(("not-utf8", "the line is not UTF-8 text".into()));
        return (p, None);
    };
    let rec = match serde_json::from_str::<EntryLine<'_>>(text) {
        Ok(r) => r,
        Err(e) => {
            // Not an entry of the expected shape: say exactly what is wrong with it.
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    p.fatal = Some(("malformed", format!("the line is not JSON ({e})")));
                    return (p, None);
                }
            };
            if value.get("type").and_then(|t| t.as_str()) != Some("entry") {
                p.fatal = Some((
                    "record-order",
                    "a record among the entries is not an entry".into(),
                ));
                return (p, None);
            }
            if canonical::value_to_canonical(&value).ok().as_deref() != Some(text) {
                p.local.push(Local {
                    code: "not-canonical",
                    field: None,
                    message: NOT_CANONICAL.into(),
                });
            }
            p.local.push(Local {
                code: "malformed",
                field: None,
                message: format!("an entry record is malformed ({e})"),
            });
            return (p, None);
        }
    };
    if rec.kind != "entry" {
        p.fatal = Some((
            "record-order",
            "a record among the entries is not an entry".into(),
        ));
        return (p, None);
    }
    let payload_value: serde_json::Value = match serde_json::from_str(rec.payload.get()) {
        Ok(v) => v,
        Err(e) => {
            p.fatal = Some(("malformed", format!("the line is not JSON ({e})")));
            return (p, None);
        }
    };
    let payload = canonical::value_to_canonical(&payload_value);
    let canonical_ok = match &payload {
        Ok(pl) => match canonical_line(&rec, pl, scratch) {
            Some(()) => scratch.as_str() == text,
            None => {
                serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| canonical::value_to_canonical(&v).ok())
                    .as_deref()
                    == Some(text)
            }
        },
        Err(_) => false,
    };
    if !canonical_ok {
        p.local.push(Local {
            code: "not-canonical",
            field: None,
            message: NOT_CANONICAL.into(),
        });
    }
    p.author = rec.author.to_string();
    p.seq = rec.seq;
    let Some((key, origin)) = ctx.keys.get(p.author.as_str()) else {
        p.local.push(Local {
            code: "unknown-author",
            field: None,
            message: "an entry is signed by a key whose card is not in the bundle".into(),
        });
        return (p, None);
    };
    p.known_author = true;
    p.origin = origin.clone();
    let mut sig = [0u8; 64];
    let (Some(prev), Some(hash), Ok(time), Ok(())) = (
        Hash::from_hex(&rec.prev),
        Hash::from_hex(&rec.hash),
        Timestamp::parse_canonical(&rec.time),
        hex::decode_to_slice(rec.signature.as_bytes(), &mut sig),
    ) else {
        p.local.push(Local {
            code: "malformed",
            field: None,
            message: format!(
                "entry {}: a hash, time or signature field is malformed",
                rec.seq
            ),
        });
        return (p, None);
    };
    let payload = match payload {
        Ok(x) => x,
        Err(e) => {
            p.local.push(Local {
                code: "malformed",
                field: None,
                message: format!("entry {}: {e}", rec.seq),
            });
            return (p, None);
        }
    };
    p.parsed = Some((hash, prev));
    p.entry_ms = time.unix_millis();
    p.event_ms = p.entry_ms;
    if rec.entry_kind == epcis::KIND_EVENT {
        p.is_event = true;
        event(&mut p, payload_value);
    } else if rec.entry_kind == crate::keys::KIND_ROTATE {
        p.rotation =
            Some(crate::keys::check_rotation(&payload, key, origin).map_err(|e| e.to_string()));
    }
    let body = Body {
        seq: rec.seq,
        kind: rec.entry_kind.to_string(),
        time,
        author: key.to_bytes(),
        prev,
        payload,
    };
    if body.hash() != hash {
        p.local.push(Local { code: "entry-hash", field: None, message: format!("entry {} was changed after it was signed: its content does not hash to its entry hash", rec.seq) });
    }
    match ctx
        .checkpoints
        .get(&(p.origin.clone(), rec.checkpoint))
        .copied()
    {
        None => p.local.push(Local {
            code: "proof-no-checkpoint",
            field: Some("checkpoint"),
            message: format!(
                "entry {} is proven against a checkpoint of its ledger of size {} that the bundle does not hold",
                rec.seq, rec.checkpoint
            ),
        }),
        Some(root) => {
            let path: Option<Vec<Hash>> = rec.proof.iter().map(|h| Hash::from_hex(h)).collect();
            let ok = path.is_some_and(|x| {
                cache.verify(
                    (&p.origin, rec.checkpoint),
                    merkle::leaf_hash(&hash.0),
                    rec.seq,
                    &x,
                    &root,
                )
            });
            if !ok {
                p.local.push(Local {
                    code: "inclusion-proof",
                    field: Some("proof"),
                    message: format!(
                        "entry {} is not proven to be in the author's ledger of size {}",
                        rec.seq, rec.checkpoint
                    ),
                });
            }
        }
    }
    (p, Some((key, entry::signed_message(&hash), sig)))
}

/// What an `epcis.event` payload gives (a v2 entry's, read outside a v1 line).
pub(super) struct EventRead {
    pub facts: Option<EventFacts>,
    pub event_id: Option<String>,
    /// The event's time (`entry_ms` when it has none readable).
    pub event_ms: i64,
    pub local: Vec<Local>,
}

/// Reads the EPCIS event of entry `seq` from its payload, as v1 entry lines are read.
pub(super) fn read_event(seq: u64, entry_ms: i64, payload: serde_json::Value) -> EventRead {
    let mut p = Prepared {
        line: 0,
        fatal: None,
        author: String::new(),
        known_author: false,
        seq,
        parsed: None,
        event_id: None,
        event_ms: entry_ms,
        entry_ms,
        is_event: true,
        facts: None,
        origin: String::new(),
        rotation: None,
        local: Vec::new(),
    };
    event(&mut p, payload);
    EventRead {
        facts: p.facts,
        event_id: p.event_id,
        event_ms: p.event_ms,
        local: p.local,
    }
}

/// Reads the EPCIS event of an `epcis.event` entry: valid, and its hash id as recorded.
fn event(p: &mut Prepared, payload: serde_json::Value) {
    let ev = match serde_json::from_value::<StoredEvent>(payload) {
        Ok(ev) => ev,
        Err(e) => {
            return p.local.push(Local {
                code: "event-invalid",
                field: None,
                message: format!("entry {} is not a readable EPCIS event ({e})", p.seq),
            })
        }
    };
    let sum = match epcis::validate(&ev.event, &ev.namespaces()) {
        Ok(sum) => sum,
        Err(e) => {
            p.event_id = Some(ev.hash_id);
            return p.local.push(Local {
                code: "event-invalid",
                field: None,
                message: format!("{}: {}", e.field, e.reason),
            });
        }
    };
    p.event_ms = sum.time_ms;
    if sum.hash_id != ev.hash_id {
        p.local.push(Local {
            code: "event-hash-id",
            field: Some("hashId"),
            message: format!(
                "the event's CBV 2.0 hash id is {}, not the one recorded with it",
                sum.hash_id
            ),
        });
    }
    let list = |key: &str, member: &str| -> Vec<(String, String)> {
        ev.event
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        let t = x.get("type")?.as_str()?;
                        let id = x.get(member)?.as_str()?;
                        let t = epcis::SOURCE_DEST_TYPE.resolve(t).ok()?;
                        Some((
                            epcis::SOURCE_DEST_TYPE.short(&t).to_string(),
                            epcis::digital_link(id).unwrap_or_else(|| id.to_string()),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let sources = list("sourceList", "source");
    let destinations = list("destinationList", "destination");
    p.event_id = Some(ev.hash_id);
    p.facts = Some(EventFacts {
        summary: sum,
        sources,
        destinations,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::NodeSource;

    struct Mem(Vec<Hash>);
    impl NodeSource for Mem {
        type Error = ();
        fn node(&self, level: u32, index: u64) -> Result<Hash, ()> {
            let n = 1usize << level;
            let s = index as usize * n;
            Ok(merkle::root_of_leaf_hashes(&self.0[s..s + n]))
        }
    }

    /// The cached verifier gives what the plain one gives: for every leaf of every tree
    /// up to 70 leaves, in order (so the cache is warm), each proof and each proof with
    /// one hash changed, and a proof for the neighbouring index.
    #[test]
    fn the_proof_cache_agrees_with_plain_verification() {
        let leaves: Vec<Hash> = (0..70u32)
            .map(|i| merkle::leaf_hash(&i.to_be_bytes()))
            .collect();
        for n in 1..=leaves.len() as u64 {
            let src = Mem(leaves[..n as usize].to_vec());
            let root = merkle::root_of_leaf_hashes(&src.0);
            let mut cache = ProofCache::default();
            for i in 0..n {
                let leaf = leaves[i as usize];
                let p = merkle::inclusion_proof(&src, i, n).unwrap();
                for k in 0..p.len() {
                    let mut bad = p.clone();
                    bad[k].0[5] ^= 0x40;
                    assert!(
                        !cache.verify(("a", n), leaf, i, &bad, &root),
                        "{i}/{n} #{k}"
                    );
                }
                if i + 1 < n {
                    assert!(!cache.verify(("a", n), leaf, i + 1, &p, &root), "{i}/{n}");
                }
                let mut short = p.clone();
                if short.pop().is_some() {
                    assert!(!cache.verify(("a", n), leaf, i, &short, &root));
                }
                assert!(cache.verify(("a", n), leaf, i, &p, &root), "{i}/{n}");
                let mut other = root;
                other.0[0] ^= 1;
                assert!(!ProofCache::default().verify(("a", n), leaf, i, &p, &other));
            }
        }
    }
}
