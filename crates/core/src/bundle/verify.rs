//! Verifying a bundle, in one streaming pass: framing and digest, cards, checkpoint
//! signatures and equivocation, entry hashes, hash links, strict Ed25519 signatures (in
//! batches), inclusion proofs, EPCIS event hash ids, and each signer's trust status at
//! the time of its events. The result is a report; `Err` only when the file cannot be read.

use super::chain::{self, Chain, ChainEvent, Obj};
use super::entries::{self, Prepared};
use super::format::*;
use super::lines::{self, Item};
use crate::canonical;
use crate::checkpoint;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use crate::parties::{self, SignerStatus, Standing};
use crate::signature::PublicKey;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum BundleVerdict {
    /// Every check passed and every signer is trusted (or this organisation itself).
    Verified,
    /// Nothing is broken, but something needs a look (e.g. a signer not yet trusted).
    VerifiedWithWarnings,
    /// Every signature, hash and proof holds and no signer is distrusted or revoked, but
    /// the chain does not prove everything it claims: a custody gap, a quantity that does
    /// not add up, a clock in doubt. Not a forgery; ask for what is missing.
    Incomplete,
    /// The file was altered or forged, or is signed by a distrusted or revoked key.
    Failed,
}

impl BundleVerdict {
    /// The verdict of findings of these severities: failed with an error, incomplete
    /// with a gap, verified with warnings with a warning, else verified.
    pub fn of(severities: impl IntoIterator<Item = FindingSeverity>) -> BundleVerdict {
        let mut worst = BundleVerdict::Verified;
        for s in severities {
            let v = match s {
                FindingSeverity::Error => return BundleVerdict::Failed,
                FindingSeverity::Gap => BundleVerdict::Incomplete,
                FindingSeverity::Warning => BundleVerdict::VerifiedWithWarnings,
                FindingSeverity::Info => BundleVerdict::Verified,
            };
            worst = worst.max(v);
        }
        worst
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum FindingSeverity {
    /// The file cannot be relied on (altered, forged, a distrusted or revoked signer).
    Error,
    /// The file is intact but the chain does not prove this (the verdict is incomplete).
    Gap,
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
    /// The signers in the order their first event happened, each with a verdict of its
    /// own (from the findings about it): the hops of the chain.
    pub hops: Vec<Hop>,
    /// Custody hand-overs between signers (shipments matched by receipts).
    pub handovers: Vec<Handover>,
    /// The share (0 to 1) of the subject's quantity whose origin the chain proves:
    /// created by events signed by trusted parties, through sound steps (UNTP's
    /// verified ratio, computed, not declared).
    pub verified_share: Option<f64>,
}

/// One signer of the chain, as a hop.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Hop {
    pub key: String,
    pub org: String,
    /// failed: an error was found about it; incomplete: a gap; verified-with-warnings: a
    /// warning; else verified.
    pub verdict: BundleVerdict,
    #[ts(type = "number")]
    pub events: u64,
    /// Its first event's time (RFC 3339, UTC), when it signed events.
    pub first_event: Option<String>,
}

/// Goods shipped by one signer and received by another.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Handover {
    pub from: String,
    pub to: String,
    #[ts(type = "number")]
    pub receipts: u64,
    /// No custody or time problem in any of them.
    pub ok: bool,
}

const MAX_FINDINGS: usize = 1000;
/// Consecutive entry lines checked by one task, their signatures in one batch.
mod v2;
pub(in crate::bundle) use v2::is_v2;

const RUN: usize = 512;
const ASK_AGAIN: &str = "ask the sender for the bundle again; do not import this one";

struct Author {
    card: IdentityCard,
    key: PublicKey,
    entries: u64,
    status: Option<String>,
    /// Read from the trust store at the author's first entry.
    standing: Option<Standing>,
    /// The standing its entries are judged by: its own, or (for a key the store does
    /// not know) that of the key that handed over to it. Set at its first entry.
    followed: Option<Option<Standing>>,
    /// A successor card (its origin is not derived from its key): proven only by a
    /// hand-over to it in the bundle.
    successor: bool,
}

/// A hand-over met in the bundle.
struct HandOver {
    /// The entry number of the `key.rotate` entry in its ledger.
    seq: u64,
    from: String,
}

struct State<'l> {
    ledger: Option<&'l Ledger>,
    findings: Vec<BundleFinding>,
    more: u64,
    authors: BTreeMap<String, Author>,
    checkpoints: HashMap<(String, u64), Hash>,
    /// The last entry merged: (ledger origin, seq, entry hash).
    last: Option<(String, u64, Hash)>,
    entries: u64,
    events: u64,
    chain: Chain,
    /// Keys handed over to, by new key.
    handed_to: HashMap<String, HandOver>,
    /// Keys that handed their ledger over, with the hand-over's entry number.
    retired: HashMap<String, u64>,
    /// The signed notes of the checkpoints, by (origin, size), for evidence.
    notes: HashMap<(String, u64), String>,
    /// Consistency proofs: (origin, old size) -> (line, new size, proof).
    consistency: HashMap<(String, u64), (u64, u64, Vec<Hash>)>,
    /// The most severe finding about each party (key), counted even past the list's cap.
    worst: HashMap<String, FindingSeverity>,
    /// v2: line spans of ledger groups whose proofs failed (no event in them is sound).
    failed_spans: Vec<(u64, u64)>,
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
        debug_assert!(
            crate::i18n::knows_finding(code),
            "finding {code} is not in assets/locales/en.json"
        );
        if let Some(k) = party {
            let w = self.worst.entry(k.to_string()).or_insert(severity);
            *w = (*w).min(severity);
        }
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
}

#[derive(PartialEq, PartialOrd, Clone, Copy)]
enum Stage {
    Header,
    Cards,
    Checkpoints,
    Consistency,
    Entries,
    Ended,
}

/// Verifies the bundle read from `r`. With `ledger`, signers are judged by its trust
/// store; without, every signer is unknown. `progress` gets the count of entries read
/// and returns false to stop (`Error::Cancelled`).
///
/// The file is read on a thread of its own; entry lines are checked in parallel runs
/// and merged in file order; memory stays bounded by a few batches of lines and the
/// compact summary the chain checks keep of each event.
pub fn verify<R: BufRead + Send>(
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
        entries: 0,
        events: 0,
        chain: Chain::default(),
        handed_to: HashMap::new(),
        retired: HashMap::new(),
        notes: HashMap::new(),
        consistency: HashMap::new(),
        worst: HashMap::new(),
        failed_spans: Vec::new(),
    };
    if v2::is_v2(&mut r) {
        let read = v2::read_records(&mut s, r, progress)?;
        return Ok(finish(s, read));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(2);
    let read = std::thread::scope(|scope| {
        scope.spawn(move || lines::read(r, tx));
        // `rx` is dropped on return, which stops the reader.
        read_records(&mut s, rx, progress)
    })?;
    Ok(finish(s, read))
}

/// Verifies the bundle file at `path` (as `verify`), and gives the SHA-256 of the
/// whole file too, read once.
pub fn verify_file(
    path: &std::path::Path,
    ledger: Option<&Ledger>,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<(BundleReport, String)> {
    use sha2::{Digest, Sha256};
    let f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut h = super::import::Hashing {
        inner: std::io::BufReader::with_capacity(1 << 20, f),
        digest: Sha256::new(),
    };
    let report = verify(&mut h, ledger, progress)?;
    // The rest of the file, when verification stopped early.
    std::io::copy(&mut h, &mut std::io::sink())
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    Ok((report, hex::encode(h.digest.finalize())))
}

/// What reading the records gave, besides the state.
struct Read {
    subject: Option<Subject>,
    exporter: Option<String>,
    /// Reading stopped at a framing problem: no chain checks, no verdict but failed.
    fatal: bool,
}

fn read_records(
    s: &mut State<'_>,
    rx: std::sync::mpsc::Receiver<Result<Item>>,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Read> {
    let mut out = Read {
        subject: None,
        exporter: None,
        fatal: false,
    };
    let mut stage = Stage::Header;
    let mut last_line: u64 = 0;
    for item in rx {
        let (first_line, bytes, digest_before) = match item? {
            Item::TooLong { line } => {
                s.err(
                    "line-too-long",
                    line,
                    None,
                    format!("a line is longer than {} MiB", MAX_LINE >> 20),
                    ASK_AGAIN,
                );
                out.fatal = true;
                return Ok(out);
            }
            Item::Entries { data, spans } => {
                let first = spans[0].0;
                if stage == Stage::Ended {
                    trailing(s, first);
                    out.fatal = true;
                    return Ok(out);
                }
                if stage == Stage::Header {
                    s.err("record-order", first, None, "an entry record is out of place (header, cards, checkpoints, entries, end)".into(), ASK_AGAIN);
                    out.fatal = true;
                    return Ok(out);
                }
                stage = Stage::Entries;
                last_line = spans[spans.len() - 1].0;
                let lines: Vec<(u64, &[u8])> =
                    spans.iter().map(|(l, a, b)| (*l, &data[*a..*b])).collect();
                if check_entries(s, &lines) {
                    out.fatal = true;
                    return Ok(out);
                }
                if !progress(s.entries) {
                    return Err(Error::Cancelled);
                }
                continue;
            }
            Item::Other {
                line,
                bytes,
                digest_before,
            } => (line, bytes, digest_before),
        };
        let line_no = first_line;
        last_line = line_no;
        if stage == Stage::Ended {
            trailing(s, line_no);
            out.fatal = true;
            return Ok(out);
        }
        let Some(text) = line_text(s, line_no, &bytes) else {
            out.fatal = true;
            return Ok(out);
        };
        let body = text.as_bytes();
        let Some(value) = line_json(s, line_no, text) else {
            out.fatal = true;
            return Ok(out);
        };
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        let want = match kind.as_str() {
            "header" => Stage::Header,
            "card" => Stage::Cards,
            "checkpoint" => Stage::Checkpoints,
            "consistency" => Stage::Consistency,
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
                out.fatal = true;
                return Ok(out);
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
            out.fatal = true;
            return Ok(out);
        }
        stage = want;
        if stage == Stage::Entries {
            // An entry line that does not start like a canonical one: checked on its own.
            if check_entries(s, &[(line_no, body)]) {
                out.fatal = true;
                return Ok(out);
            }
            continue;
        }
        canonical_form(s, line_no, &value, text);
        match stage {
            Stage::Ended => end_record(s, line_no, value, &digest_before),
            Stage::Header => {
                if !header(s, line_no, value, BUNDLE_FORMAT, &mut out) {
                    out.fatal = true;
                    return Ok(out);
                }
            }
            Stage::Cards => card(s, line_no, value),
            Stage::Checkpoints => checkpoint_record(s, line_no, value),
            Stage::Consistency => consistency_record(s, line_no, value),
            Stage::Entries => unreachable!("handled above"),
        }
    }
    if stage != Stage::Ended {
        s.err(
            "truncated",
            last_line + 1,
            None,
            "the bundle has no end record: it was cut short".into(),
            ASK_AGAIN,
        );
    }
    progress(s.entries);
    Ok(out)
}

/// Notes a line that is not in canonical JSON form (it was rewritten after export).
fn canonical_form(s: &mut State<'_>, line: u64, value: &serde_json::Value, text: &str) {
    if canonical::value_to_canonical(value).ok().as_deref() != Some(text) {
        s.err(
            "not-canonical",
            line,
            None,
            "the line is not in canonical JSON form (RFC 8785): it was rewritten after export"
                .into(),
            ASK_AGAIN,
        );
    }
}

/// The header: its subject and exporter into `out` when it is of the `format` being
/// read; `false` (a finding made) when reading cannot go on.
fn header(
    s: &mut State<'_>,
    line: u64,
    value: serde_json::Value,
    format: &str,
    out: &mut Read,
) -> bool {
    match serde_json::from_value::<Header>(value) {
        Ok(h) if h.format == format => {
            out.subject = Some(h.subject);
            out.exporter = Some(h.exporter);
            true
        }
        Ok(h) => {
            s.err(
                "bundle-format",
                line,
                None,
                format!(
                    "format {:?} is not {format}: update TradeSeal or ask for another bundle",
                    h.format
                ),
                "update TradeSeal, or ask the sender for a tradeseal-bundle/v1 or v2 file",
            );
            false
        }
        Err(e) => {
            s.err(
                "malformed",
                line,
                None,
                format!("the header is malformed ({e})"),
                ASK_AGAIN,
            );
            false
        }
    }
}

/// The end record: the count and SHA-256 of every line before it (`digest_before`).
fn end_record(s: &mut State<'_>, line: u64, value: serde_json::Value, digest_before: &[u8]) {
    match serde_json::from_value::<EndRecord>(value) {
        Ok(end) => {
            let have = hex::encode(digest_before);
            if end.records != line - 1 || end.sha256 != have {
                s.err("digest-mismatch", line, None, format!("the end record counts {} records with SHA-256 {}, the file has {} with {have}: records were added, removed or changed", end.records, end.sha256, line - 1), ASK_AGAIN);
            }
        }
        Err(e) => s.err(
            "malformed",
            line,
            None,
            format!("the end record is malformed ({e})"),
            ASK_AGAIN,
        ),
    }
}

/// A line's text without its newline, or `None` after the finding that stops reading
/// (cut off, not UTF-8).
fn line_text<'b>(s: &mut State<'_>, line: u64, bytes: &'b [u8]) -> Option<&'b str> {
    if bytes.last() != Some(&b'\n') {
        s.err(
            "truncated",
            line,
            None,
            "the last line is cut off: the file is incomplete".into(),
            ASK_AGAIN,
        );
        return None;
    }
    let text = std::str::from_utf8(&bytes[..bytes.len() - 1]).ok();
    if text.is_none() {
        s.err(
            "not-utf8",
            line,
            None,
            "the line is not UTF-8 text".into(),
            ASK_AGAIN,
        );
    }
    text
}

/// A line's JSON, or `None` after the `malformed` finding that stops reading.
fn line_json(s: &mut State<'_>, line: u64, text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text)
        .map_err(|e| {
            s.err(
                "malformed",
                line,
                None,
                format!("the line is not JSON ({e})"),
                ASK_AGAIN,
            )
        })
        .ok()
}

fn trailing(s: &mut State<'_>, line: u64) {
    s.err(
        "trailing-data",
        line,
        None,
        "there is data after the end record".into(),
        ASK_AGAIN,
    );
}

/// The chain checks, the verified share and the verdict.
fn finish(mut s: State<'_>, read: Read) -> BundleReport {
    let mut first: HashMap<String, (i64, u64)> = HashMap::new();
    let mut handovers = Vec::new();
    // Authors without entries here (a key handed over to, say): their standing as well.
    let idle: Vec<String> = s
        .authors
        .iter()
        .filter(|(_, a)| a.status.is_none())
        .map(|(k, _)| k.clone())
        .collect();
    for k in idle {
        let label = match standing_of(&mut s, &k, 0).map(|st| st.at(i64::MAX)) {
            Some(SignerStatus::Own) => "own",
            Some(SignerStatus::Trusted) => "trusted",
            Some(SignerStatus::Distrusted) => "distrusted",
            Some(SignerStatus::Revoked { .. } | SignerStatus::RevokedLater { .. }) => "revoked",
            _ => "unknown",
        };
        if let Some(a) = s.authors.get_mut(&k) {
            a.status = Some(label.into());
        }
    }
    let mut verified_share = None;
    if !read.fatal {
        known_checkpoints(&mut s);
        let unproven: Vec<String> = s
            .authors
            .iter()
            .filter(|(k, a)| a.successor && !s.handed_to.contains_key(*k))
            .map(|(k, _)| k.clone())
            .collect();
        for k in unproven {
            s.add("card-altered", FindingSeverity::Error, None, Some(&k), None, Some("origin"), "the card names a ledger origin that is not derived from its key, and no hand-over in the bundle gives that ledger to this key: the card was altered".into(), "compare the partner's fingerprint with them directly and ask for their card again");
        }
        // An event is sound when its signer is trusted (or us) and nothing is wrong with it.
        let bad_lines: std::collections::HashSet<u64> = s
            .findings
            .iter()
            .filter(|f| f.severity == FindingSeverity::Error)
            .filter_map(|f| f.line)
            .collect();
        let mut chain = std::mem::take(&mut s.chain);
        for e in &mut chain.events {
            let status = s
                .authors
                .get(chain.names.get(e.author))
                .and_then(|a| a.status.as_deref())
                .unwrap_or_default();
            let failed = s
                .failed_spans
                .iter()
                .any(|(a, b)| (*a..=*b).contains(&e.line));
            e.sound =
                !bad_lines.contains(&e.line) && !failed && (status == "own" || status == "trusted");
        }
        let (problems, share, handed) = chain::check(
            &chain,
            read.subject.as_ref().map(|x: &Subject| x.id.as_str()),
        );
        // Each signer's first event and count, for the hops.
        for e in &chain.events {
            let key = chain.names.get(e.author);
            let f = first.entry(key.to_string()).or_insert((e.time_ms, 0));
            f.0 = f.0.min(e.time_ms);
            f.1 += 1;
        }
        drop(chain);
        handovers = handed
            .into_iter()
            .map(|h| Handover {
                from: h.from,
                to: h.to,
                receipts: h.receipts,
                ok: h.ok,
            })
            .collect();
        for p in problems {
            let severity = p.severity;
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
    let verdict = BundleVerdict::of(s.findings.iter().map(|f| f.severity));
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
    let mut hops: Vec<Hop> = s
        .authors
        .iter()
        .map(|(k, a)| {
            let (t, n) = first.get(k).copied().unwrap_or((i64::MAX, 0));
            Hop {
                key: k.clone(),
                org: a.card.org.clone(),
                verdict: BundleVerdict::of(s.worst.get(k).copied()),
                events: n,
                first_event: (n > 0)
                    .then(|| crate::time::Timestamp::from_unix_millis(t).ok())
                    .flatten()
                    .map(|t| t.to_rfc3339()),
            }
        })
        .collect();
    hops.sort_by(|a, b| {
        (a.first_event.is_none(), &a.first_event, &a.key).cmp(&(
            b.first_event.is_none(),
            &b.first_event,
            &b.key,
        ))
    });
    BundleReport {
        verdict,
        subject: read.subject,
        hops,
        handovers,
        exporter: read.exporter,
        entries: s.entries,
        events: s.events,
        authors,
        findings: s.findings,
        more_findings: s.more,
        verified_share,
    }
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
    // A founding card (origin derived from its key), or a successor card whose key a
    // hand-over in the bundle must prove.
    let checked = match parties::check_card(&rec.card) {
        Ok(card) => Ok((card, false)),
        Err(e) => match crate::keys::card_key(&rec.card, &rec.card.origin, "card") {
            Ok(_)
                if rec.card.origin
                    != crate::identity::origin_for(&rec.card.public_key().expect("checked")) =>
            {
                Ok((rec.card.clone(), true))
            }
            _ => Err(e),
        },
    };
    match checked {
        Ok((card, successor)) => {
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
                    standing: None,
                    followed: None,
                    successor,
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
            let k = (author.card.origin.clone(), cp.size);
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
                    s.notes.insert(k.clone(), rec.note.clone());
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

fn consistency_record(s: &mut State<'_>, line: u64, value: serde_json::Value) {
    let Some(rec) = record::<ConsistencyRecord>(s, line, value, "consistency") else {
        return;
    };
    if !s.checkpoints.contains_key(&(rec.origin.clone(), rec.size)) {
        return s.err(
            "proof-no-checkpoint",
            line,
            None,
            format!(
                "a consistency proof is for a checkpoint of size {} of {} that the bundle does not hold",
                rec.size, rec.origin
            ),
            ASK_AGAIN,
        );
    }
    let proof: Option<Vec<Hash>> = rec.proof.iter().map(|h| Hash::from_hex(h)).collect();
    match proof {
        Some(p) if rec.old_size > 0 && rec.old_size < rec.size => {
            s.consistency
                .insert((rec.origin, rec.old_size), (line, rec.size, p));
        }
        _ => s.err(
            "malformed",
            line,
            None,
            "a consistency record has malformed hashes or sizes".into(),
            ASK_AGAIN,
        ),
    }
}

/// Checkpoints the receiver already holds of the bundle's ledgers (from earlier
/// bundles): the same size must have the same root (else equivocation), and a smaller
/// one must be proven a prefix of the bundle's (else the history was rewritten).
fn known_checkpoints(s: &mut State<'_>) {
    let Some(ledger) = s.ledger else {
        return;
    };
    let mut ours: Vec<(String, u64, Hash)> = s
        .checkpoints
        .iter()
        .map(|((o, n), r)| (o.clone(), *n, *r))
        .collect();
    ours.sort();
    use tradeseal_log::db::Sql;
    let db = ledger.sql();
    let mut held: Vec<(String, u64, Hash, String)> = vec![];
    for origin in ours
        .iter()
        .map(|(o, _, _)| o.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let Ok(rows) = db.query(
            "SELECT size, note FROM foreign_checkpoints WHERE origin = ?1 ORDER BY size",
            tradeseal_log::sql_params![origin.as_str()],
        ) else {
            return;
        };
        for r in rows {
            if let (Ok(size), Ok(note)) = (r.int(0), r.text(1)) {
                if let Ok(cp) = checkpoint::read_verified_earlier(&note) {
                    held.push((origin.clone(), size as u64, cp.root, note));
                }
            }
        }
    }
    let key_of = |s: &State<'_>, origin: &str| {
        s.authors
            .iter()
            .find(|(_, a)| a.card.origin == origin)
            .map(|(k, _)| k.clone())
    };
    for (origin, m, old_root, note) in held {
        let party = key_of(s, &origin);
        let newest = ours
            .iter()
            .filter(|(o, _, _)| *o == origin)
            .map(|(_, n, r)| (*n, *r))
            .max();
        let Some((n, root)) = newest else { continue };
        if let Some(r) = s.checkpoints.get(&(origin.clone(), m)).copied() {
            if r != old_root {
                let theirs = s
                    .notes
                    .get(&(origin.clone(), m))
                    .cloned()
                    .unwrap_or_default();
                let msg = format!("this bundle's checkpoint of size {m} has root {}, the one you received earlier has {}: the author showed two histories. Earlier: {note:?} This bundle: {theirs:?}", r.to_hex(), old_root.to_hex());
                s.add(
                    "equivocation",
                    FindingSeverity::Error,
                    None,
                    party.as_deref(),
                    None,
                    None,
                    msg,
                    "keep both bundles as evidence and contact the author; trust neither history",
                );
            }
            continue;
        }
        if m > n {
            continue;
        }
        match s.consistency.get(&(origin.clone(), m)) {
            Some((line, size, proof)) => {
                let new_root = s
                    .checkpoints
                    .get(&(origin.clone(), *size))
                    .copied()
                    .unwrap_or(root);
                if !crate::merkle::verify_consistency(m, *size, &old_root, &new_root, proof) {
                    let msg = format!("the author's ledger of size {size} does not extend the checkpoint of size {m} you received earlier (root {}): its history was rewritten", old_root.to_hex());
                    s.add("inconsistent", FindingSeverity::Error, Some(*line), party.as_deref(), None, None, msg, "keep both bundles as evidence and contact the author; do not rely on the rewritten history");
                }
            }
            None => {
                let msg = format!("you hold a checkpoint of size {m} of this ledger from an earlier bundle; this bundle carries no proof that the ledger (now size {n}) still extends it");
                s.add("consistency-unproven", FindingSeverity::Info, None, party.as_deref(), None, None, msg, "ask the author for a bundle exported after the one you hold, or for `tradeseal prove --old-size` output");
            }
        }
    }
}

/// Checks entry lines (in parallel runs) and merges them in file order. Returns true on
/// a fatal problem.
fn check_entries(s: &mut State<'_>, lines: &[(u64, &[u8])]) -> bool {
    use rayon::prelude::*;
    let keys: BTreeMap<String, (PublicKey, String)> = s
        .authors
        .iter()
        .map(|(k, a)| (k.clone(), (a.key, a.card.origin.clone())))
        .collect();
    let ctx = entries::Context {
        keys: &keys,
        checkpoints: &s.checkpoints,
    };
    let runs: Vec<Vec<Prepared>> = lines
        .par_chunks(RUN)
        .map(|run| entries::check_run(run, &ctx))
        .collect();
    for p in runs.into_iter().flatten() {
        if merge(s, p) {
            return true;
        }
    }
    false
}

/// Adds one checked entry to the running state, in file order: order and hash-link
/// checks, the signer's status, the event's summary. Returns true on a fatal problem.
fn merge(s: &mut State<'_>, p: Prepared) -> bool {
    if let Some((code, message)) = p.fatal {
        s.err(code, p.line, None, message, ASK_AGAIN);
        return true;
    }
    let a = p.author;
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
    let origin = p.origin;
    if let Some((lo, ls, _)) = &s.last {
        if (lo.as_str(), *ls) >= (origin.as_str(), p.seq) {
            s.err("record-order", p.line, Some(&a), format!("entry {} is out of order or repeated (entries are sorted by ledger origin, then number)", p.seq), ASK_AGAIN);
        }
    }
    // Which key may sign this entry: a successor only after the hand-over to it, a
    // retired key only up to its hand-over.
    if s.authors.get(&a).is_some_and(|x| x.successor)
        && s.handed_to.get(&a).is_none_or(|h| h.seq >= p.seq)
    {
        s.add(
            "key-not-handed-over",
            FindingSeverity::Error,
            Some(p.line),
            Some(&a),
            p.event_id.as_deref(),
            None,
            format!(
                "entry {} is signed by a key its ledger was not handed over to before it",
                p.seq
            ),
            ASK_AGAIN,
        );
    }
    if let Some(at) = s.retired.get(&a) {
        if p.seq > *at {
            s.add("key-retired", FindingSeverity::Error, Some(p.line), Some(&a), p.event_id.as_deref(), None, format!("entry {} is signed by a key that handed its ledger over at entry {at}", p.seq), "treat the entry as forged: the key was retired (and perhaps stolen); ask the partner");
        }
    }
    match &p.rotation {
        Some(Ok(r)) => {
            let new = r.new.to_hex();
            if s.authors.contains_key(&new) {
                s.retired.insert(a.clone(), p.seq);
                s.handed_to.insert(
                    new,
                    HandOver {
                        seq: p.seq,
                        from: a.clone(),
                    },
                );
            } else {
                s.add(
                    "rotation-invalid",
                    FindingSeverity::Error,
                    Some(p.line),
                    Some(&a),
                    None,
                    Some("new_card"),
                    "the key hand-over names a key whose card is not in the bundle".into(),
                    ASK_AGAIN,
                );
            }
        }
        Some(Err(why)) => s.add(
            "rotation-invalid",
            FindingSeverity::Error,
            Some(p.line),
            Some(&a),
            None,
            None,
            format!(
                "entry {} hands the ledger to a new key, but the hand-over does not check: {why}",
                p.seq
            ),
            ASK_AGAIN,
        ),
        None => {}
    }
    let Some((hash, prev)) = p.parsed else {
        return false;
    };
    let linked = match &s.last {
        Some((lo, ls, lh)) if *lo == origin && *ls + 1 == p.seq => Some(*lh == prev),
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
    if let Some(f) = p.facts {
        let ev = chain_event(&mut s.chain, f, p.line, &a, p.entry_ms);
        s.chain.events.push(ev);
    }
    signer(s, p.line, &a, p.event_ms, p.event_id.as_deref());
    s.last = Some((origin, p.seq, hash));
    false
}

/// The compact form the chain checks keep of an event.
fn chain_event(
    chain: &mut Chain,
    f: entries::EventFacts,
    line: u64,
    author: &str,
    entry_ms: i64,
) -> ChainEvent {
    let names = &mut chain.names;
    let sum = f.summary;
    let mut hash_id = [0u8; 32];
    if let Some(d) = crate::ledger::index::digest_of_hash_id(&sum.hash_id) {
        hash_id.copy_from_slice(&d);
    }
    let mut pairs = |v: Vec<(String, String)>| -> Box<[(u32, u32)]> {
        v.iter()
            .map(|(k, x)| (names.intern(k), names.intern(x)))
            .collect()
    };
    let sources = pairs(f.sources);
    let destinations = pairs(f.destinations);
    ChainEvent {
        line,
        author: names.intern(author),
        hash_id,
        time_ms: sum.time_ms,
        entry_ms,
        event_type: names.intern(&sum.event_type),
        action: sum.action.as_deref().map(|x| names.intern(x)),
        biz_step: sum.biz_step.as_deref().map(|x| names.intern(x)),
        objects: sum
            .objects
            .iter()
            .map(|o| Obj {
                id: names.intern(&o.id),
                role: o.role,
                quantity: o.quantity,
                uom: o.uom.as_deref().map(|u| names.intern(u)),
            })
            .collect(),
        sources,
        destinations,
        sound: false,
    }
}

/// The trust store's standing of `key`; a key the store does not know that a hand-over
/// in the bundle proved takes the standing of the key that handed over (rotations are
/// followed: a trusted partner stays trusted, a revoked one stays revoked).
fn standing_of(s: &mut State<'_>, key: &str, depth: u32) -> Option<Standing> {
    let author = s.authors.get_mut(key)?;
    if author.standing.is_none() {
        author.standing = s.ledger.and_then(|l| parties::signer_standing(l, key).ok());
    }
    let own = author.standing.clone();
    let unknown = own
        .as_ref()
        .is_none_or(|st| st.at(i64::MIN) == SignerStatus::Unknown);
    if unknown && depth < 64 {
        if let Some(from) = s.handed_to.get(key).map(|h| h.from.clone()) {
            return standing_of(s, &from, depth + 1).or(own);
        }
    }
    own
}

fn signer(s: &mut State<'_>, line: u64, key: &str, event_ms: i64, event: Option<&str>) {
    if s.authors.get(key).is_some_and(|a| a.followed.is_none()) {
        let st = standing_of(s, key, 0);
        if let Some(a) = s.authors.get_mut(key) {
            a.followed = Some(st);
        }
    }
    let Some(author) = s.authors.get_mut(key) else {
        return;
    };
    let first_time = author.status.is_none();
    let status = match author.followed.as_ref().and_then(|x| x.as_ref()) {
        Some(st) => st.at(event_ms),
        None => SignerStatus::Unknown,
    };
    let label = match &status {
        SignerStatus::Own => "own",
        SignerStatus::Trusted => "trusted",
        SignerStatus::Unknown => "unknown",
        SignerStatus::Distrusted => "distrusted",
        SignerStatus::Revoked { .. } | SignerStatus::RevokedLater { .. } => "revoked",
    };
    if author.status.is_none() || label == "revoked" {
        author.status = Some(label.into());
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
