//! Verifying a bundle, in one streaming pass: framing and digest, cards, checkpoint
//! signatures and equivocation, entry hashes, hash links, strict Ed25519 signatures (in
//! batches), inclusion proofs, EPCIS event hash ids, and each signer's trust status at
//! the time of its events. The result is a report; `Err` only when the file cannot be read.

use super::format::*;
use crate::canonical;
use crate::checkpoint;
use crate::entry::{self, Body};
use crate::epcis::{self, StoredEvent};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use crate::merkle;
use crate::parties::{self, SignerStatus};
use crate::signature::{self, PublicKey};
use crate::time::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum BundleVerdict {
    /// Every check passed and every signer is trusted (or this organisation itself).
    Verified,
    /// Nothing is broken, but something needs a look (e.g. a signer not yet trusted).
    VerifiedWithWarnings,
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum FindingSeverity {
    Error,
    Warning,
    Info,
}

/// One finding; `code` is stable (docs/spec/findings.md).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct BundleFinding {
    pub code: String,
    pub severity: FindingSeverity,
    /// The line of the bundle file (1-based).
    #[ts(type = "number | null")]
    pub line: Option<u64>,
    /// The party concerned: organisation and key.
    pub party: Option<String>,
    /// The event concerned: its CBV 2.0 hash id.
    pub event: Option<String>,
    pub field: Option<String>,
    pub message: String,
    /// What the user can do.
    pub action: String,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct AuthorSummary {
    pub key: String,
    pub org: String,
    pub fingerprint: String,
    /// own, trusted, unknown, distrusted or revoked.
    pub status: String,
    #[ts(type = "number")]
    pub entries: u64,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct BundleReport {
    pub verdict: BundleVerdict,
    pub subject: Option<Subject>,
    pub exporter: Option<String>,
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number")]
    pub events: u64,
    pub authors: Vec<AuthorSummary>,
    pub findings: Vec<BundleFinding>,
    /// Findings not listed (beyond the first 1,000).
    #[ts(type = "number")]
    pub more_findings: u64,
    /// The share (0 to 1) of the subject's quantity whose origin the chain proves:
    /// created by events signed by trusted parties, through sound steps (UNTP's
    /// verified ratio, computed, not declared).
    pub verified_share: Option<f64>,
}

const MAX_FINDINGS: usize = 1000;
const SIG_BATCH: usize = 4096;
/// Entry lines checked in parallel at a time.
const ENTRY_BATCH: usize = 2048;
const ASK_AGAIN: &str = "ask the sender for the bundle again; do not import this one";

struct Author {
    card: IdentityCard,
    key: PublicKey,
    entries: u64,
    status: Option<String>,
}

struct PendingSig {
    author: String,
    line: u64,
    msg: Vec<u8>,
    sig: [u8; 64],
    event: Option<String>,
}

struct State<'l> {
    ledger: Option<&'l Ledger>,
    findings: Vec<BundleFinding>,
    more: u64,
    authors: BTreeMap<String, Author>,
    checkpoints: HashMap<(String, u64), Hash>,
    last: Option<(String, u64, Hash)>,
    sigs: Vec<PendingSig>,
    entries: u64,
    events: u64,
    chain: Vec<super::chain::ChainEvent>,
}

impl State<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        code: &str,
        severity: FindingSeverity,
        line: Option<u64>,
        party: Option<&str>,
        event: Option<&str>,
        field: Option<&str>,
        message: String,
        action: &str,
    ) {
        if self.findings.len() >= MAX_FINDINGS {
            self.more += 1;
            return;
        }
        let party = party.map(|k| match self.authors.get(k) {
            Some(a) => format!("{} ({})", a.card.org, &k[..16.min(k.len())]),
            None => k.to_string(),
        });
        self.findings.push(BundleFinding {
            code: code.into(),
            severity,
            line,
            party,
            event: event.map(str::to_string),
            field: field.map(str::to_string),
            message,
            action: action.into(),
        });
    }

    fn err(&mut self, code: &str, line: u64, party: Option<&str>, message: String, action: &str) {
        self.add(
            code,
            FindingSeverity::Error,
            Some(line),
            party,
            None,
            None,
            message,
            action,
        );
    }

    fn flush_sigs(&mut self) {
        let sigs = std::mem::take(&mut self.sigs);
        let items: Vec<(&PublicKey, &[u8], &[u8; 64])> = sigs
            .iter()
            .map(|p| (&self.authors[&p.author].key, p.msg.as_slice(), &p.sig))
            .collect();
        let bad = signature::verify_many(&items);
        for i in bad {
            let p = &sigs[i];
            self.add(
                "entry-signature",
                FindingSeverity::Error,
                Some(p.line),
                Some(&p.author),
                p.event.as_deref(),
                Some("signature"),
                "the entry's signature does not verify under its author's key (strict Ed25519)"
                    .into(),
                ASK_AGAIN,
            );
        }
    }
}

fn hex32(s: &str) -> Option<Hash> {
    hex::decode(s).ok().and_then(|b| Hash::from_slice(&b))
}

#[derive(PartialEq, PartialOrd, Clone, Copy)]
enum Stage {
    Header,
    Cards,
    Checkpoints,
    Entries,
    Ended,
}

/// Verifies the bundle read from `r`. With `ledger`, signers are judged by its trust
/// store; without, every signer is unknown. `progress` gets the count of entries read
/// and returns false to stop (`Error::Cancelled`).
pub fn verify<R: BufRead>(
    mut r: R,
    ledger: Option<&Ledger>,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<BundleReport> {
    let mut s = State {
        ledger,
        findings: vec![],
        more: 0,
        authors: BTreeMap::new(),
        checkpoints: HashMap::new(),
        last: None,
        sigs: vec![],
        entries: 0,
        events: 0,
        chain: vec![],
    };
    let mut digest = Sha256::new();
    let mut stage = Stage::Header;
    let mut subject = None;
    let mut exporter = None;
    let mut line_no: u64 = 0;
    let mut buf = Vec::new();
    let mut fatal = false;
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::with_capacity(ENTRY_BATCH);
    loop {
        buf.clear();
        let n = std::io::Read::take(r.by_ref(), MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io("reading the bundle", e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if stage == Stage::Ended {
            s.err(
                "trailing-data",
                line_no,
                None,
                "there is data after the end record".into(),
                ASK_AGAIN,
            );
            fatal = true;
            break;
        }
        if buf.len() > MAX_LINE {
            s.err(
                "line-too-long",
                line_no,
                None,
                format!("a line is longer than {} MiB", MAX_LINE >> 20),
                ASK_AGAIN,
            );
            fatal = true;
            break;
        }
        if buf.last() == Some(&b'\n') && stage >= Stage::Cards && buf.starts_with(b"{\"author\":") {
            // Entry lines are checked in parallel batches; the digest stays in file order.
            digest.update(&buf);
            stage = Stage::Entries;
            batch.push((line_no, buf.clone()));
            if batch.len() >= ENTRY_BATCH {
                if flush_batch(&mut s, &mut batch) {
                    fatal = true;
                    break;
                }
                if !progress(s.entries) {
                    return Err(Error::Cancelled);
                }
            }
            continue;
        }
        if !batch.is_empty() && flush_batch(&mut s, &mut batch) {
            fatal = true;
            break;
        }
        if buf.last() != Some(&b'\n') {
            s.err(
                "truncated",
                line_no,
                None,
                "the last line is cut off: the file is incomplete".into(),
                ASK_AGAIN,
            );
            fatal = true;
            break;
        }
        let Ok(text) = std::str::from_utf8(&buf[..buf.len() - 1]) else {
            s.err(
                "not-utf8",
                line_no,
                None,
                "the line is not UTF-8 text".into(),
                ASK_AGAIN,
            );
            fatal = true;
            break;
        };
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                s.err(
                    "malformed",
                    line_no,
                    None,
                    format!("the line is not JSON ({e})"),
                    ASK_AGAIN,
                );
                fatal = true;
                break;
            }
        };
        if canonical::value_to_canonical(&value).ok().as_deref() != Some(text) {
            s.err(
                "not-canonical",
                line_no,
                None,
                "the line is not in canonical JSON form (RFC 8785): it was rewritten after export"
                    .into(),
                ASK_AGAIN,
            );
        }
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        let want = match kind.as_str() {
            "header" => Stage::Header,
            "card" => Stage::Cards,
            "checkpoint" => Stage::Checkpoints,
            "entry" => Stage::Entries,
            "end" => Stage::Ended,
            other => {
                s.err(
                    "unknown-record",
                    line_no,
                    None,
                    format!("record type {other:?} is not part of {BUNDLE_FORMAT}"),
                    ASK_AGAIN,
                );
                fatal = true;
                break;
            }
        };
        if (want == Stage::Header) != (line_no == 1) || want < stage {
            s.err(
                "record-order",
                line_no,
                None,
                format!(
                    "a {kind} record is out of place (header, cards, checkpoints, entries, end)"
                ),
                ASK_AGAIN,
            );
            fatal = true;
            break;
        }
        stage = want;
        if stage == Stage::Ended {
            if !s.sigs.is_empty() {
                s.flush_sigs();
            }
            match serde_json::from_value::<EndRecord>(value) {
                Ok(end) => {
                    let have = hex::encode(digest.clone().finalize());
                    if end.records != line_no - 1 || end.sha256 != have {
                        s.err("digest-mismatch", line_no, None, format!("the end record counts {} records with SHA-256 {}, the file has {} with {have}: records were added, removed or changed", end.records, end.sha256, line_no - 1), ASK_AGAIN);
                    }
                }
                Err(e) => s.err(
                    "malformed",
                    line_no,
                    None,
                    format!("the end record is malformed ({e})"),
                    ASK_AGAIN,
                ),
            }
            continue;
        }
        digest.update(&buf);
        match stage {
            Stage::Header => match serde_json::from_value::<Header>(value) {
                Ok(h) if h.format == BUNDLE_FORMAT => {
                    subject = Some(h.subject);
                    exporter = Some(h.exporter);
                }
                Ok(h) => {
                    s.err("bundle-format", line_no, None, format!("format {:?} is not {BUNDLE_FORMAT}: update TradeSeal or ask for a v1 bundle", h.format), "update TradeSeal, or ask the sender for a tradeseal-bundle/v1 file");
                    fatal = true;
                    break;
                }
                Err(e) => {
                    s.err(
                        "malformed",
                        line_no,
                        None,
                        format!("the header is malformed ({e})"),
                        ASK_AGAIN,
                    );
                    fatal = true;
                    break;
                }
            },
            Stage::Cards => card(&mut s, line_no, value),
            Stage::Checkpoints => checkpoint_record(&mut s, line_no, value),
            Stage::Entries => {
                // An entry line not in canonical form: checked on its own.
                let p = prepare(line_no, &buf, &s.authors, &s.checkpoints);
                if merge(&mut s, p) {
                    fatal = true;
                    break;
                }
            }
            Stage::Ended => unreachable!("handled above"),
        }
    }
    if !fatal && !batch.is_empty() && flush_batch(&mut s, &mut batch) {
        fatal = true;
    }
    if !s.sigs.is_empty() {
        s.flush_sigs();
    }
    if !fatal && stage != Stage::Ended {
        s.err(
            "truncated",
            line_no + 1,
            None,
            "the bundle has no end record: it was cut short".into(),
            ASK_AGAIN,
        );
    }
    progress(s.entries);
    let mut verified_share = None;
    if !fatal {
        // An event is sound when its signer is trusted (or us) and nothing is wrong with it.
        let bad_lines: std::collections::HashSet<u64> = s
            .findings
            .iter()
            .filter(|f| f.severity == FindingSeverity::Error)
            .filter_map(|f| f.line)
            .collect();
        let chain = std::mem::take(&mut s.chain);
        let mut chain = chain;
        for e in &mut chain {
            let status = s
                .authors
                .get(&e.author)
                .and_then(|a| a.status.clone())
                .unwrap_or_default();
            e.sound = !bad_lines.contains(&e.line) && (status == "own" || status == "trusted");
        }
        let (problems, share) =
            super::chain::check(&chain, subject.as_ref().map(|x: &Subject| x.id.as_str()));
        for p in problems {
            let severity = if p.error {
                FindingSeverity::Error
            } else {
                FindingSeverity::Warning
            };
            let action = match p.code {
                "custody-gap" | "custody-quantity" | "custody-party" => "ask both parties of the hand-over for their records; do not accept the goods' claimed origin until it is explained",
                "mass-gain" => "ask the processor for the input records of this transformation: more came out than went in",
                "cloned-id" => "treat both goods as suspect counterfeits until the owner of the identifier explains",
                "time-order" => "ask the parties for their records: the events cannot have happened in this order",
                _ => "check the author's clock, or ask why the event was recorded before it happened",
            };
            s.add(
                p.code,
                severity,
                Some(p.line),
                Some(&p.author),
                Some(&p.event),
                None,
                p.message,
                action,
            );
        }
        verified_share = share;
    }
    s.findings
        .sort_by(|a, b| a.severity.cmp(&b.severity).then(a.line.cmp(&b.line)));
    let verdict = if s
        .findings
        .iter()
        .any(|f| f.severity == FindingSeverity::Error)
    {
        BundleVerdict::Failed
    } else if s
        .findings
        .iter()
        .any(|f| f.severity == FindingSeverity::Warning)
    {
        BundleVerdict::VerifiedWithWarnings
    } else {
        BundleVerdict::Verified
    };
    let authors = s
        .authors
        .iter()
        .map(|(k, a)| AuthorSummary {
            key: k.clone(),
            org: a.card.org.clone(),
            fingerprint: a.card.fingerprint.clone(),
            status: a.status.clone().unwrap_or_else(|| "unknown".into()),
            entries: a.entries,
        })
        .collect();
    Ok(BundleReport {
        verdict,
        subject,
        exporter,
        entries: s.entries,
        events: s.events,
        authors,
        findings: s.findings,
        more_findings: s.more,
        verified_share,
    })
}

/// The record in `value`, or a `malformed` finding.
fn record<T: serde::de::DeserializeOwned>(
    s: &mut State<'_>,
    line: u64,
    value: serde_json::Value,
    what: &str,
) -> Option<T> {
    serde_json::from_value(value)
        .map_err(|e| {
            s.err(
                "malformed",
                line,
                None,
                format!("a {what} record is malformed ({e})"),
                ASK_AGAIN,
            )
        })
        .ok()
}

fn card(s: &mut State<'_>, line: u64, value: serde_json::Value) {
    let Some(rec) = record::<CardRecord>(s, line, value, "card") else {
        return;
    };
    let key_hex = rec.card.public_key.clone();
    match parties::check_card(&rec.card) {
        Ok(card) => {
            if s.authors.contains_key(&key_hex) {
                return s.err(
                    "duplicate-record",
                    line,
                    Some(&key_hex),
                    "the same author's card appears twice".into(),
                    ASK_AGAIN,
                );
            }
            if s.authors.keys().next_back().is_some_and(|k| *k > key_hex) {
                s.err(
                    "record-order",
                    line,
                    Some(&key_hex),
                    "cards are not in key order".into(),
                    ASK_AGAIN,
                );
            }
            let key = card.public_key().expect("checked");
            s.authors.insert(
                key_hex,
                Author {
                    card,
                    key,
                    entries: 0,
                    status: None,
                },
            );
        }
        Err(e) => s.err(
            "card-altered",
            line,
            Some(&key_hex),
            format!("{e}"),
            "compare the partner's fingerprint with them directly and ask for their card again",
        ),
    }
}

fn checkpoint_record(s: &mut State<'_>, line: u64, value: serde_json::Value) {
    let Some(rec) = record::<CheckpointRecord>(s, line, value, "checkpoint") else {
        return;
    };
    let Some(author) = s.authors.get(&rec.key) else {
        return s.err(
            "unknown-author",
            line,
            Some(&rec.key),
            "a checkpoint is signed by a key whose card is not in the bundle".into(),
            ASK_AGAIN,
        );
    };
    match checkpoint::open(&rec.note, &author.card.origin, &author.key) {
        Ok(cp) => {
            let k = (rec.key.clone(), cp.size);
            match s.checkpoints.get(&k) {
                Some(root) if *root != cp.root => {
                    let msg = format!("two checkpoints of size {} with different roots ({} and {}), both signed by this author: the author showed different histories to different parties", cp.size, root.to_hex(), cp.root.to_hex());
                    s.add("equivocation", FindingSeverity::Error, Some(line), Some(&rec.key), None, None, msg, "keep this bundle as evidence and contact the author; trust neither history");
                }
                Some(_) => s.err(
                    "duplicate-record",
                    line,
                    Some(&rec.key),
                    "the same checkpoint appears twice".into(),
                    ASK_AGAIN,
                ),
                None => {
                    s.checkpoints.insert(k, cp.root);
                }
            }
        }
        Err(e) => s.err(
            "checkpoint-signature",
            line,
            Some(&rec.key),
            format!("the checkpoint does not verify under the author's key ({e})"),
            ASK_AGAIN,
        ),
    }
}

/// A finding about one entry, before its party and event are attached.
struct Local {
    code: &'static str,
    field: Option<&'static str>,
    message: String,
}

/// What checking one entry line on its own gives; done in parallel for a batch.
struct Prepared {
    line: u64,
    /// A framing problem that stops the verification.
    fatal: Option<(&'static str, String)>,
    author: String,
    known_author: bool,
    seq: u64,
    /// Set when the hashes and signature could be read.
    parsed: Option<(Hash, Hash, [u8; 64])>,
    event_id: Option<String>,
    event_ms: i64,
    is_event: bool,
    chain: Option<super::chain::ChainEvent>,
    local: Vec<Local>,
}

fn prepare(
    line: u64,
    bytes: &[u8],
    authors: &BTreeMap<String, Author>,
    checkpoints: &HashMap<(String, u64), Hash>,
) -> Prepared {
    let mut p = Prepared {
        line,
        fatal: None,
        author: String::new(),
        known_author: false,
        seq: 0,
        parsed: None,
        event_id: None,
        event_ms: 0,
        is_event: false,
        chain: None,
        local: vec![],
    };
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(body) else {
        p.fatal = Some(("not-utf8", "the line is not UTF-8 text".into()));
        return p;
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            p.fatal = Some(("malformed", format!("the line is not JSON ({e})")));
            return p;
        }
    };
    if canonical::value_to_canonical(&value).ok().as_deref() != Some(text) {
        p.local.push(Local {
            code: "not-canonical",
            field: None,
            message:
                "the line is not in canonical JSON form (RFC 8785): it was rewritten after export"
                    .into(),
        });
    }
    if value.get("type").and_then(|t| t.as_str()) != Some("entry") {
        p.fatal = Some((
            "record-order",
            "a record among the entries is not an entry".into(),
        ));
        return p;
    }
    let rec = match serde_json::from_value::<EntryRecord>(value) {
        Ok(r) => r,
        Err(e) => {
            p.local.push(Local {
                code: "malformed",
                field: None,
                message: format!("an entry record is malformed ({e})"),
            });
            return p;
        }
    };
    p.author = rec.author.clone();
    p.seq = rec.seq;
    let Some(author) = authors.get(&rec.author) else {
        p.local.push(Local {
            code: "unknown-author",
            field: None,
            message: "an entry is signed by a key whose card is not in the bundle".into(),
        });
        return p;
    };
    p.known_author = true;
    let (Some(prev), Some(hash), Ok(time), Some(sig)) = (
        hex32(&rec.prev),
        hex32(&rec.hash),
        Timestamp::parse_canonical(&rec.time),
        hex::decode(&rec.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok()),
    ) else {
        p.local.push(Local {
            code: "malformed",
            field: None,
            message: format!(
                "entry {}: a hash, time or signature field is malformed",
                rec.seq
            ),
        });
        return p;
    };
    let payload = match canonical::value_to_canonical(&rec.payload) {
        Ok(x) => x,
        Err(e) => {
            p.local.push(Local {
                code: "malformed",
                field: None,
                message: format!("entry {}: {e}", rec.seq),
            });
            return p;
        }
    };
    p.parsed = Some((hash, prev, sig));
    p.event_ms = time.unix_millis();
    if rec.entry_kind == epcis::KIND_EVENT {
        p.is_event = true;
        match serde_json::from_value::<StoredEvent>(rec.payload.clone()) {
            Ok(ev) => {
                p.event_id = Some(ev.hash_id.clone());
                match epcis::validate(&ev.event, &ev.namespaces()) {
                    Ok(sum) => {
                        p.event_ms = sum.time_ms;
                        if sum.hash_id != ev.hash_id {
                            p.local.push(Local { code: "event-hash-id", field: Some("hashId"), message: format!("the event's CBV 2.0 hash id is {}, not the one recorded with it", sum.hash_id) });
                        }
                        p.chain = Some(chain_event(
                            &ev.event,
                            &sum,
                            line,
                            &rec.author,
                            time.unix_millis(),
                        ));
                    }
                    Err(e) => p.local.push(Local {
                        code: "event-invalid",
                        field: None,
                        message: format!("{}: {}", e.field, e.reason),
                    }),
                }
            }
            Err(e) => p.local.push(Local {
                code: "event-invalid",
                field: None,
                message: format!("entry {} is not a readable EPCIS event ({e})", rec.seq),
            }),
        }
    }
    let body = Body {
        seq: rec.seq,
        kind: rec.entry_kind.clone(),
        time,
        author: author.key.to_bytes(),
        prev,
        payload,
    };
    if body.hash() != hash {
        p.local.push(Local { code: "entry-hash", field: None, message: format!("entry {} was changed after it was signed: its content does not hash to its entry hash", rec.seq) });
    }
    match checkpoints
        .get(&(rec.author.clone(), rec.checkpoint))
        .copied()
    {
        None => p.local.push(Local {
            code: "proof-no-checkpoint",
            field: Some("checkpoint"),
            message: format!(
                "entry {} is proven against a checkpoint of size {} that the bundle does not hold",
                rec.seq, rec.checkpoint
            ),
        }),
        Some(root) => {
            let path: Option<Vec<Hash>> = rec.proof.iter().map(|h| hex32(h)).collect();
            let ok = path.is_some_and(|x| {
                rec.seq < rec.checkpoint
                    && merkle::verify_inclusion(
                        &merkle::leaf_hash(&hash.0),
                        rec.seq,
                        rec.checkpoint,
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
    p
}

/// Adds one prepared entry to the running state, in file order: order and hash-link
/// checks, the signature queue, the signer's status. Returns true on a fatal problem.
fn merge(s: &mut State<'_>, p: Prepared) -> bool {
    if let Some((code, message)) = p.fatal {
        s.err(code, p.line, None, message, ASK_AGAIN);
        return true;
    }
    let a = p.author.clone();
    let party = (!a.is_empty()).then_some(a.as_str());
    for l in &p.local {
        s.add(
            l.code,
            FindingSeverity::Error,
            Some(p.line),
            party,
            p.event_id.as_deref(),
            l.field,
            l.message.clone(),
            ASK_AGAIN,
        );
    }
    if a.is_empty() {
        return false;
    }
    s.entries += 1;
    if p.is_event {
        s.events += 1;
    }
    if !p.known_author {
        return false;
    }
    if let Some(author) = s.authors.get_mut(&a) {
        author.entries += 1;
    }
    if let Some((la, ls, _)) = &s.last {
        if (la.as_str(), *ls) >= (a.as_str(), p.seq) {
            s.err("record-order", p.line, Some(&a), format!("entry {} is out of order or repeated (entries are sorted by author, then number)", p.seq), ASK_AGAIN);
        }
    }
    let Some((hash, prev, sig)) = p.parsed else {
        return false;
    };
    let linked = match &s.last {
        Some((la, ls, lh)) if *la == a && *ls + 1 == p.seq => Some(*lh == prev),
        _ if p.seq == 0 => Some(prev == Hash::ZERO),
        _ => None,
    };
    if linked == Some(false) {
        s.add(
            "chain-link",
            FindingSeverity::Error,
            Some(p.line),
            Some(&a),
            p.event_id.as_deref(),
            Some("prev"),
            format!("entry {} does not link to the entry before it", p.seq),
            ASK_AGAIN,
        );
    }
    if let Some(c) = p.chain {
        s.chain.push(c);
    }
    s.sigs.push(PendingSig {
        author: a.clone(),
        line: p.line,
        msg: entry::signed_message(&hash),
        sig,
        event: p.event_id.clone(),
    });
    signer(s, p.line, &a, p.event_ms, p.event_id.as_deref());
    s.last = Some((a, p.seq, hash));
    false
}

/// Checks a batch of entry lines in parallel, then merges them in order.
fn flush_batch(s: &mut State<'_>, batch: &mut Vec<(u64, Vec<u8>)>) -> bool {
    use rayon::prelude::*;
    let prepared: Vec<Prepared> = {
        let (authors, checkpoints) = (&s.authors, &s.checkpoints);
        batch
            .par_iter()
            .map(|(line, bytes)| prepare(*line, bytes, authors, checkpoints))
            .collect()
    };
    batch.clear();
    for p in prepared {
        if merge(s, p) {
            return true;
        }
    }
    if s.sigs.len() >= SIG_BATCH {
        s.flush_sigs();
    }
    false
}

fn chain_event(
    event: &serde_json::Value,
    sum: &epcis::EventSummary,
    line: u64,
    author: &str,
    entry_ms: i64,
) -> super::chain::ChainEvent {
    let list = |key: &str, member: &str| -> Vec<(String, String)> {
        event
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
    super::chain::ChainEvent {
        line,
        author: author.to_string(),
        hash_id: sum.hash_id.clone(),
        time_ms: sum.time_ms,
        entry_ms,
        event_type: sum.event_type.clone(),
        action: sum.action.clone(),
        biz_step: sum.biz_step.clone(),
        objects: sum.objects.clone(),
        sources: list("sourceList", "source"),
        destinations: list("destinationList", "destination"),
        sound: false,
    }
}

fn signer(s: &mut State<'_>, line: u64, key: &str, event_ms: i64, event: Option<&str>) {
    let status = match s.ledger {
        Some(l) => parties::signer_status(l, key, event_ms).unwrap_or(SignerStatus::Unknown),
        None => SignerStatus::Unknown,
    };
    let first_time = s.authors.get(key).is_some_and(|a| a.status.is_none());
    let label = match &status {
        SignerStatus::Own => "own",
        SignerStatus::Trusted => "trusted",
        SignerStatus::Unknown => "unknown",
        SignerStatus::Distrusted => "distrusted",
        SignerStatus::Revoked { .. } | SignerStatus::RevokedLater { .. } => "revoked",
    };
    if let Some(a) = s.authors.get_mut(key) {
        if a.status.is_none() || label == "revoked" {
            a.status = Some(label.into());
        }
    }
    match status {
        SignerStatus::Own | SignerStatus::Trusted => {}
        SignerStatus::Unknown if first_time => s.add("signer-unknown", FindingSeverity::Warning, Some(line), Some(key), None, None, "this signer is not (yet) trusted: its card is new to you or its fingerprint was never confirmed".into(), "compare the fingerprint with the partner in person or by phone, then trust it (`tradeseal party add` and `party trust`)"),
        SignerStatus::Distrusted if first_time => s.add("signer-distrusted", FindingSeverity::Error, Some(line), Some(key), None, None, "you decided not to trust this signer".into(), "do not rely on this chain; ask for one signed by parties you trust"),
        SignerStatus::Revoked { from, reason } => s.add("signer-revoked", FindingSeverity::Error, Some(line), Some(key), event, None, format!("signed by a party revoked from {from} ({reason})"), "refuse the goods' provenance claim; ask the sender how this event came to be signed"),
        SignerStatus::RevokedLater { from, reason } => s.add("signer-revoked-later", FindingSeverity::Info, Some(line), Some(key), event, None, format!("signed before its signer was revoked from {from} ({reason})"), "the event stands; note the later revocation"),
        _ => {}
    }
}
