//! Reading and checking a v2 bundle (bundle.md, "Bundle v2"), in one pass: the framing
//! as v1's, the organisations' cards as v1's, then per ledger group its commit notes,
//! its entries (each hashed into its leaf and checked against its commit as it is read:
//! `excerpt::Verifier`), its range proofs and its multiproof; each entry's event goes to
//! the same chain checks and trust decisions as a v1 entry's, under its organisation.

use super::*;
use crate::entry::BodyV2;
use crate::time::Timestamp;
use sha2::{Digest, Sha256};
use tradeseal_log::excerpt::Verifier;

/// Whether the bundle `r` starts with a v2 header (looked at, not consumed).
pub(in crate::bundle) fn is_v2<R: BufRead>(r: &mut R) -> bool {
    let Ok(buf) = r.fill_buf() else {
        return false;
    };
    let first = buf.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let want = format!("\"format\":\"{BUNDLE_FORMAT_V2}\"");
    first.windows(want.len()).any(|w| w == want.as_bytes())
}

#[derive(PartialEq, PartialOrd, Clone, Copy, Debug)]
enum Stage {
    Header,
    Cards,
    Ledger,
    Commits,
    Entries,
    Ranges,
    Proof,
    Ended,
}

/// One ledger's group as it is read.
struct Group {
    origin: String,
    anchor: u64,
    /// The organisation key (hex) whose card the group is judged by.
    org: Option<String>,
    commits: Vec<(PublicKey, String)>,
    verifier: Option<Verifier>,
    ranges: Vec<(u64, Vec<Hash>)>,
    first_line: u64,
    /// (seq, line) of its entries, to name the line of a finding about an entry.
    lines: Vec<(u64, u64)>,
    /// A record of it could not be read: its proofs cannot hold.
    broken: bool,
    /// Entry lines checked, waiting to be merged (while the next batch is checked).
    pending: Vec<Prepared>,
}

pub(super) fn read_records<R: BufRead>(
    s: &mut State<'_>,
    mut r: R,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Read> {
    let mut out = Read {
        subject: None,
        exporter: None,
        fatal: false,
    };
    let mut digest = Sha256::new();
    let mut stage = Stage::Header;
    let mut group: Option<Group> = None;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    // (origin, anchor) of the groups read: a ledger's entries received in several
    // bundles travel in several groups, by anchor (two bundles of one state of a
    // ledger give two groups with one anchor).
    let mut origins_seen: Vec<(String, u64)> = Vec::new();
    // Entry lines waiting to be checked together (in parallel), in file order.
    let mut batch: Vec<(u64, String)> = Vec::new();
    loop {
        buf.clear();
        let n = std::io::Read::take(std::io::Read::by_ref(&mut r), MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io("reading the bundle", e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE {
            s.err(
                "line-too-long",
                line_no,
                None,
                format!("a line is longer than {} MiB", MAX_LINE >> 20),
                ASK_AGAIN,
            );
            out.fatal = true;
            return Ok(out);
        }
        let before = digest.clone().finalize();
        digest.update(&buf);
        if stage == Stage::Ended {
            trailing(s, line_no);
            out.fatal = true;
            return Ok(out);
        }
        let Some(text) = line_text(s, line_no, &buf) else {
            out.fatal = true;
            return Ok(out);
        };
        // An entry line (canonical JSON: `{"author":…,"entry_kind":…`): kept for the batch.
        if matches!(stage, Stage::Commits | Stage::Entries)
            && text.starts_with("{\"author\":")
            && text.ends_with("\"type\":\"entry\"}")
        {
            stage = Stage::Entries;
            batch.push((line_no, text.to_string()));
            if batch.len() == BATCH {
                let g = group.as_mut().expect("in a group");
                check_batch(s, g, &mut batch);
                if !progress(s.entries) {
                    return Err(Error::Cancelled);
                }
            }
            continue;
        }
        if let Some(g) = group.as_mut() {
            flush(s, g, &mut batch);
        }
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
            "ledger" => Stage::Ledger,
            "commit" => Stage::Commits,
            "consistency" => Stage::Commits,
            "entry" => Stage::Entries,
            "range" => Stage::Ranges,
            "proof" => Stage::Proof,
            "end" => Stage::Ended,
            other => {
                s.err(
                    "unknown-record",
                    line_no,
                    None,
                    format!("record type {other:?} is not part of {BUNDLE_FORMAT_V2}"),
                    ASK_AGAIN,
                );
                out.fatal = true;
                return Ok(out);
            }
        };
        // header, cards, then per ledger: ledger, commits, entries, ranges, proof; end.
        let in_order = match want {
            Stage::Header => line_no == 1,
            Stage::Cards => matches!(stage, Stage::Header | Stage::Cards),
            Stage::Ledger => matches!(stage, Stage::Cards | Stage::Proof),
            Stage::Commits => matches!(stage, Stage::Ledger | Stage::Commits),
            Stage::Entries => matches!(stage, Stage::Commits | Stage::Entries),
            Stage::Ranges => matches!(stage, Stage::Entries | Stage::Ranges),
            Stage::Proof => matches!(stage, Stage::Entries | Stage::Ranges),
            Stage::Ended => matches!(stage, Stage::Cards | Stage::Proof),
        } && (line_no != 1 || want == Stage::Header);
        if !in_order {
            s.err(
                "record-order",
                line_no,
                None,
                format!("a {kind} record is out of place (header, cards, then per ledger: ledger, commits, entries, ranges, proof; end)"),
                ASK_AGAIN,
            );
            out.fatal = true;
            return Ok(out);
        }
        stage = want;
        // (An entry line's form is checked with the entry.)
        if want != Stage::Entries {
            canonical_form(s, line_no, &value, text);
        }
        match want {
            Stage::Header => {
                if !header(s, line_no, value, BUNDLE_FORMAT_V2, &mut out) {
                    out.fatal = true;
                    return Ok(out);
                }
            }
            Stage::Cards => card(s, line_no, value),
            Stage::Ledger => {
                let Some(rec) = record::<LedgerRecord>(s, line_no, value, "ledger") else {
                    out.fatal = true;
                    return Ok(out);
                };
                if origins_seen
                    .last()
                    .is_some_and(|(o, a)| (o.as_str(), *a) > (rec.origin.as_str(), rec.anchor))
                {
                    s.err(
                        "record-order",
                        line_no,
                        None,
                        "ledger groups are not in origin order, or one appears twice".into(),
                        ASK_AGAIN,
                    );
                }
                origins_seen.push((rec.origin.clone(), rec.anchor));
                let org = s
                    .authors
                    .iter()
                    .find(|(_, a)| {
                        a.card.origin == rec.origin
                            && crate::identity::origin_for(&a.key) == rec.origin
                    })
                    .map(|(k, _)| k.clone());
                if org.is_none() {
                    s.err(
                        "unknown-author",
                        line_no,
                        None,
                        format!(
                            "the bundle holds no organisation card for the ledger {}",
                            rec.origin
                        ),
                        ASK_AGAIN,
                    );
                }
                group = Some(Group {
                    origin: rec.origin,
                    anchor: rec.anchor,
                    org,
                    commits: Vec::new(),
                    verifier: None,
                    ranges: Vec::new(),
                    first_line: line_no,
                    lines: Vec::new(),
                    broken: false,
                    pending: Vec::new(),
                });
            }
            Stage::Commits => {
                let g = group.as_mut().expect("in a group");
                if kind == "consistency" {
                    // Proofs against checkpoints a receiver holds: v2 imports keep none
                    // yet, so there is nothing to check them against.
                    continue;
                }
                let Some(rec) = record::<CommitRecord>(s, line_no, value, "commit") else {
                    g.broken = true;
                    continue;
                };
                match PublicKey::from_hex(&rec.author) {
                    Some(k) => g.commits.push((k, rec.note)),
                    None => {
                        let party = g.org.clone();
                        s.err(
                            "malformed",
                            line_no,
                            party.as_deref(),
                            "a commit's author is not an Ed25519 key".into(),
                            ASK_AGAIN,
                        );
                        g.broken = true;
                    }
                }
            }
            Stage::Entries => {
                // Not in the canonical shape: checked alone (and flagged not canonical).
                let g = group.as_mut().expect("in a group");
                let mut one = vec![(line_no, text.to_string())];
                flush(s, g, &mut one);
            }
            Stage::Ranges => {
                let g = group.as_mut().expect("in a group");
                match record::<RangeRecord>(s, line_no, value, "range")
                    .and_then(|r| hashes(&r.proof).map(|p| (r.end, p)))
                {
                    Some(rp) => g.ranges.push(rp),
                    None => g.broken = true,
                }
            }
            Stage::Proof => {
                let g = group.take().expect("in a group");
                let proof = record::<ProofRecord>(s, line_no, value, "proof")
                    .and_then(|r| hashes(&r.proof));
                close(s, g, proof, line_no);
            }
            Stage::Ended => end_record(s, line_no, value, &before),
        }
    }
    if let Some(g) = group.as_mut() {
        flush(s, g, &mut batch);
    }
    if stage != Stage::Ended {
        s.err(
            "truncated",
            line_no + 1,
            None,
            "the bundle has no end record: it was cut short".into(),
            ASK_AGAIN,
        );
        if let Some(g) = group {
            s.failed_spans.push((g.first_line, line_no));
        }
    }
    progress(s.entries);
    Ok(out)
}

fn hashes(hex: &[String]) -> Option<Vec<Hash>> {
    hex.iter().map(|h| Hash::from_hex(h)).collect()
}

/// Entry lines checked together: parsed, hashed and their events read on every core,
/// then merged in file order.
const BATCH: usize = 2048;

/// What one entry line gives, before it is merged.
struct Prepared {
    line: u64,
    /// The line's own findings (framing, canonical form).
    local: Vec<(&'static str, String)>,
    /// The entry, with its leaf hash, when the line could be read as one.
    entry: Option<(BodyV2, Hash)>,
    event: Option<entries::EventRead>,
    broken: bool,
}

/// The RFC 8785 text of an entry record whose payload's canonical text is `payload`:
/// its members in code-point order (author, entry_kind, payload, seq, time, type).
fn canonical_entry_line(rec: &EntryV2Record, payload: &str) -> Option<String> {
    let string = |t: &str| canonical::value_to_canonical(&serde_json::Value::String(t.into())).ok();
    Some(format!(
        "{{\"author\":{},\"entry_kind\":{},\"payload\":{payload},\"seq\":{},\"time\":{},\"type\":{}}}",
        string(&rec.author)?,
        string(&rec.entry_kind)?,
        rec.seq,
        string(&rec.time)?,
        string(&rec.kind)?,
    ))
}

fn prepare(line: u64, text: &str) -> Prepared {
    let mut p = Prepared {
        line,
        local: Vec::new(),
        entry: None,
        event: None,
        broken: false,
    };
    // The usual line: read straight into its record (the payload parsed once), and its
    // canonical form checked by writing the record again, the payload's text being the
    // one the entry hashes anyway.
    let direct = serde_json::from_str::<EntryV2Record>(text)
        .ok()
        .and_then(|rec| {
            let payload = canonical::value_to_canonical(&rec.payload).ok()?;
            let canonical_line = canonical_entry_line(&rec, &payload).as_deref() == Some(text);
            Some((rec, payload, canonical_line))
        });
    let (rec, payload_text) = match direct {
        Some((rec, payload, true)) => (rec, Some(payload)),
        _ => {
            // Anything else the slow way, for the same findings in the same order.
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    p.local
                        .push(("malformed", format!("the line is not JSON ({e})")));
                    p.broken = true;
                    return p;
                }
            };
            if canonical::value_to_canonical(&value).ok().as_deref() != Some(text) {
                p.local.push((
                    "not-canonical",
                    "the line is not in canonical JSON form (RFC 8785): it was rewritten after export"
                        .into(),
                ));
            }
            let rec: EntryV2Record = match serde_json::from_value(value) {
                Ok(r) => r,
                Err(e) => {
                    p.local
                        .push(("malformed", format!("an entry record is malformed ({e})")));
                    p.broken = true;
                    return p;
                }
            };
            let payload = canonical::value_to_canonical(&rec.payload).ok();
            (rec, payload)
        }
    };
    let body = (|| {
        Some(BodyV2 {
            seq: rec.seq,
            kind: rec.entry_kind.clone(),
            time: Timestamp::parse_canonical(&rec.time).ok()?,
            author: <[u8; 32]>::try_from(hex::decode(&rec.author).ok()?.as_slice()).ok()?,
            payload: payload_text?,
        })
    })();
    let Some(body) = body else {
        p.local.push((
            "malformed",
            format!("entry {} has a malformed time, author or payload", rec.seq),
        ));
        p.broken = true;
        return p;
    };
    if body.kind == crate::epcis::KIND_EVENT {
        p.event = Some(entries::read_event(
            body.seq,
            body.time.unix_millis(),
            rec.payload,
        ));
    }
    let leaf = body.leaf_hash();
    p.entry = Some((body, leaf));
    p
}

/// Checks the batched entry lines on the pool's threads while this thread merges the
/// batch checked before (in file order: each into the group's verifier, its event to
/// the chain checks, its signer's standing); the batch checked waits to be merged.
fn check_batch(s: &mut State<'_>, g: &mut Group, batch: &mut Vec<(u64, String)>) {
    use rayon::prelude::*;
    let pending = std::mem::take(&mut g.pending);
    let mut next = Vec::new();
    let lines = std::mem::take(batch);
    rayon::in_place_scope(|sc| {
        sc.spawn(|_| next = lines.par_iter().map(|(l, t)| prepare(*l, t)).collect());
        for p in pending {
            merge(s, g, p);
        }
    });
    g.pending = next;
}

/// Checks and merges every entry line batched or waiting: before any other record.
fn flush(s: &mut State<'_>, g: &mut Group, batch: &mut Vec<(u64, String)>) {
    if !batch.is_empty() {
        check_batch(s, g, batch);
    }
    for p in std::mem::take(&mut g.pending) {
        merge(s, g, p);
    }
}

fn merge(s: &mut State<'_>, g: &mut Group, p: Prepared) {
    let party = g.org.clone();
    for (code, message) in p.local {
        s.err(code, p.line, party.as_deref(), message, ASK_AGAIN);
    }
    if p.broken {
        g.broken = true;
    }
    let Some((body, leaf)) = p.entry else {
        return;
    };
    let line = p.line;
    if g.verifier.is_none() {
        let v = Verifier::new(
            &g.origin,
            &g.org
                .as_deref()
                .and_then(PublicKey::from_hex)
                .unwrap_or_else(|| PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[0; 32]))),
            &g.commits,
        );
        if v.anchor().is_some_and(|a| a != g.anchor) {
            s.err(
                "commit-malformed",
                g.first_line,
                party.as_deref(),
                format!(
                    "the group names {} as its anchor, but its latest commit ends at {}",
                    g.anchor,
                    v.anchor().unwrap_or(0)
                ),
                ASK_AGAIN,
            );
        }
        g.verifier = Some(v);
    }
    g.verifier.as_mut().expect("made").entry_hashed(&body, leaf);
    g.lines.push((body.seq, line));
    s.entries += 1;
    if body.kind == crate::keys::KIND_ROTATE {
        // The organisation's hand-over (checked by the group's verifier, which replays
        // it in the officer set): its new key's card, carried in the bundle, is this
        // ledger's from then on.
        let new = serde_json::from_str::<serde_json::Value>(&body.payload)
            .ok()
            .and_then(|p| p["new_card"]["public_key"].as_str().map(str::to_string));
        if let Some(new) = new {
            s.handed_to.insert(
                new,
                super::HandOver {
                    seq: body.seq,
                    from: hex::encode(body.author),
                },
            );
        }
    }
    let Some(org) = party else {
        return;
    };
    if let Some(a) = s.authors.get_mut(&org) {
        a.entries += 1;
    }
    let entry_ms = body.time.unix_millis();
    let mut event_ms = entry_ms;
    let mut event_id = None;
    if let Some(ev) = p.event {
        s.events += 1;
        for l in &ev.local {
            s.add(
                l.code,
                FindingSeverity::Error,
                Some(line),
                Some(&org),
                ev.event_id.as_deref(),
                l.field,
                l.message.clone(),
                ASK_AGAIN,
            );
        }
        if let Some(f) = ev.facts {
            let ce = chain_event(&mut s.chain, f, line, &org, entry_ms);
            s.chain.events.push(ce);
        }
        event_ms = ev.event_ms;
        event_id = ev.event_id;
    }
    signer(s, line, &org, event_ms, event_id.as_deref());
}

/// The group's last record: the verifier's findings (each on its entry's line, or the
/// proof's), and a failed group's events counted as unproven.
fn close(s: &mut State<'_>, g: Group, proof: Option<Vec<Hash>>, line: u64) {
    let party = g.org.clone();
    let report = match (g.verifier, proof) {
        (Some(v), Some(p)) => v.finish(&g.ranges, &p),
        (None, _) => {
            s.err(
                "malformed",
                line,
                party.as_deref(),
                format!("the group of {} holds no entry", g.origin),
                ASK_AGAIN,
            );
            s.failed_spans.push((g.first_line, line));
            return;
        }
        (Some(_), None) => {
            s.failed_spans.push((g.first_line, line));
            return;
        }
    };
    let failed = g.broken || g.org.is_none() || !report.findings.is_empty();
    for f in report.findings {
        let at = f
            .seq
            .and_then(|seq| g.lines.binary_search_by_key(&seq, |(s, _)| *s).ok())
            .map(|i| g.lines[i].1)
            .unwrap_or(line);
        s.err(f.code, at, party.as_deref(), f.message, ASK_AGAIN);
    }
    if failed {
        s.failed_spans.push((g.first_line, line));
    }
}
