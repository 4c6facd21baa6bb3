//! Full verification of a ledger: every entry's hash, link and signature, the stored
//! Merkle tree, the latest checkpoint and optionally a checkpoint saved earlier.
//! A failed verification is a [`Report`], not an error.

use crate::checkpoint;
use crate::entry;
use crate::error::Result;
use crate::hash::Hash;
use crate::ledger::{Ledger, StoredRow};
use crate::merkle;
use crate::signature::{self, PublicKey};
use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum Verdict {
    Intact,
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "bindings.ts")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found. `code` is stable (docs/spec/ledger.md, "Verification findings").
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    #[ts(type = "number | null")]
    pub seq: Option<u64>,
    pub message: String,
    pub action: String,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Report {
    pub verdict: Verdict,
    pub origin: String,
    /// Entries found in the ledger.
    #[ts(type = "number")]
    pub entries: u64,
    /// The size the latest checkpoint signs.
    #[ts(type = "number")]
    pub checkpoint_size: u64,
    pub root: String,
    /// The saved checkpoint's size, when one was given and it verified as a prefix.
    #[ts(type = "number | null")]
    pub saved_checkpoint_size: Option<u64>,
    /// The lowest entry number any finding names.
    #[ts(type = "number | null")]
    pub first_bad: Option<u64>,
    pub findings: Vec<Finding>,
}

/// Findings kept at most; verification goes on counting past them.
const MAX_FINDINGS: usize = 1000;
const CHUNK: usize = 16_384;

struct Collector {
    findings: Vec<Finding>,
    dropped: u64,
}

impl Collector {
    fn add(&mut self, code: &str, seq: Option<u64>, message: String, action: &str) {
        debug_assert!(
            crate::i18n::knows_finding(code),
            "finding {code} is not in assets/locales/en.json"
        );
        if self.findings.len() < MAX_FINDINGS {
            self.findings.push(Finding {
                code: code.into(),
                severity: Severity::Error,
                seq,
                message,
                action: action.into(),
            });
        } else {
            self.dropped += 1;
        }
    }
}

const RESTORE: &str = "restore the ledger from a backup and compare it with this one; do not trust entries from here on";

/// Verifies `ledger`; `progress(done, total)` is called after each chunk of entries.
pub fn verify(
    ledger: &Ledger,
    saved_checkpoint: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    match ledger.v2_start() {
        None => verify_v1(ledger, None, saved_checkpoint, progress),
        Some(0) => verify_v2(ledger, saved_checkpoint, progress),
        Some(start) => verify_upgraded(ledger, start, saved_checkpoint, progress),
    }
}

/// A ledger upgraded from version 1 (ledger.md §8.3): its version 1 part by §5, ending
/// in the `ledger.upgrade` entry signed by the key the version 2 part names as the
/// organisation's; the rest by §11. A saved checkpoint is checked by the part whose
/// form it has (a commit note, or a version 1 checkpoint).
fn verify_upgraded(
    ledger: &Ledger,
    start: u64,
    saved_checkpoint: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    let (saved_v1, saved_v2) = match saved_checkpoint {
        Some(n) if tradeseal_log::commit::read(n).is_ok() => (None, Some(n)),
        other => (other, None),
    };
    let v1 = verify_v1(ledger, Some(start), saved_v1, progress)?;
    let v2 = verify_v2(ledger, saved_v2, progress)?;
    let mut c = Collector {
        findings: v1.findings,
        dropped: 0,
    };
    match ledger.entry(start - 1) {
        Ok(e)
            if e.body.kind == tradeseal_log::store::KIND_LEDGER_UPGRADE
                && e.body.payload == crate::ledger::UPGRADE_PAYLOAD => {}
        _ => c.add(
            "upgrade-invalid",
            Some(start - 1),
            format!("the ledger says its version 2 part begins at entry {start}, but entry {} is not a ledger.upgrade entry", start - 1),
            RESTORE,
        ),
    }
    c.findings.extend(v2.findings);
    let first_bad = c.findings.iter().filter_map(|f| f.seq).min();
    Ok(Report {
        verdict: if c.findings.is_empty() {
            Verdict::Intact
        } else {
            Verdict::Failed
        },
        origin: v2.origin,
        entries: v2.entries,
        checkpoint_size: v2.checkpoint_size,
        root: v2.root,
        saved_checkpoint_size: v1.saved_checkpoint_size.or(v2.saved_checkpoint_size),
        first_bad,
        findings: c.findings,
    })
}

/// A version 1 ledger (ledger.md §5), or the version 1 part (`part`: its size) of an
/// upgraded one.
fn verify_v1(
    ledger: &Ledger,
    part: Option<u64>,
    saved_checkpoint: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    let total = match part {
        Some(n) => n,
        None => ledger.size()?,
    };
    let mut c = Collector {
        findings: Vec::new(),
        dropped: 0,
    };
    // The founding key is entry 0's author, bound to the ledger by its origin; each
    // hand-over (keys.rs) passes the pen to the next key.
    let mut keys = Keys {
        current: *ledger.key(),
        history: vec![],
    };
    if total > 0 {
        let first = ledger
            .entry(0)
            .ok()
            .and_then(|e| PublicKey::from_bytes(&e.body.author));
        match first {
            Some(k) if crate::identity::origin_for(&k) == ledger.origin() => keys.current = k,
            _ => c.add(
                "unknown-author",
                Some(0),
                "entry 0 is not signed by the key the ledger was founded with (its origin names another key)".into(),
                RESTORE,
            ),
        }
    }
    keys.history.push((0, keys.current));
    let mut leaves: Vec<Hash> = Vec::with_capacity(total as usize);
    let mut expected_prev = Hash::ZERO;
    let mut done = 0u64;

    ledger.for_each_chunk(CHUNK, |rows| {
        check_chunk(
            &rows,
            ledger.origin(),
            &mut keys,
            &mut expected_prev,
            &mut leaves,
            &mut c,
        );
        done += rows.len() as u64;
        progress(done, total.max(done));
        Ok(true)
    })?;
    let key = keys.current;
    // The version 1 part of an upgraded ledger ends with the key its version 2 part
    // begins with (handed over later by version 2 hand-overs, if at all).
    let named = match (part, ledger.store_v2()) {
        (Some(_), Some(v2)) => v2.first_org()?,
        _ => *ledger.key(),
    };
    if key != named {
        c.add(
            "key-not-handed-over",
            None,
            format!(
                "the ledger names {} as its key, but its entries hand over to {}",
                named.to_hex(),
                key.to_hex()
            ),
            RESTORE,
        );
    }
    let n = leaves.len() as u64;

    check_tree(ledger, &leaves, part.is_none(), &mut c)?;
    let root = merkle::root_of_leaf_hashes(&leaves);

    // The latest checkpoint must verify and sign exactly this tree.
    let mut checkpoint_size = 0;
    match ledger
        .v1_checkpoint_note()
        .and_then(|note| checkpoint::open(&note, ledger.origin(), &key))
    {
        Err(e) => c.add(
            "checkpoint-invalid",
            None,
            format!("the latest checkpoint does not verify: {e}"),
            RESTORE,
        ),
        Ok(cp) => {
            checkpoint_size = cp.size;
            if cp.size > n {
                c.add("truncated", Some(n), format!("the checkpoint signs {} entries but only {n} are present: entries {n} to {} are missing", cp.size, cp.size - 1), RESTORE);
            } else if cp.size < n {
                c.add(
                    "unsigned-entries",
                    Some(cp.size),
                    format!(
                        "entries {} to {} are not covered by the signed checkpoint (size {})",
                        cp.size,
                        n - 1,
                        cp.size
                    ),
                    RESTORE,
                );
            } else if cp.root != root {
                c.add(
                    "checkpoint-root-mismatch",
                    None,
                    format!(
                        "the checkpoint's root {} differs from the root of the entries {}",
                        cp.root, root
                    ),
                    RESTORE,
                );
            }
        }
    }

    // A checkpoint saved earlier catches truncation and rewrites the ledger's own checkpoint hides.
    let mut saved_size = None;
    if let Some(note) = saved_checkpoint {
        // Signed by the key in force when it was written: try each, newest first.
        let opened = keys
            .history
            .iter()
            .rev()
            .map(|(_, k)| checkpoint::open(note, ledger.origin(), k))
            .find(|r| r.is_ok())
            .unwrap_or_else(|| checkpoint::open(note, ledger.origin(), &key));
        match opened {
            Err(e) => c.add("saved-checkpoint-invalid", None, format!("the saved checkpoint is not one of this ledger's: {e}"), "check that the file is a checkpoint this ledger printed"),
            Ok(saved) if saved.size > n => c.add("truncated", Some(n), format!("the saved checkpoint signs {} entries but only {n} are present: entries {n} to {} were removed", saved.size, saved.size - 1), RESTORE),
            Ok(saved) => {
                let prefix = merkle::root_of_leaf_hashes(&leaves[..saved.size as usize]);
                if prefix != saved.root {
                    c.add("history-rewritten", None, format!("the first {} entries no longer match the saved checkpoint: history was rewritten", saved.size), RESTORE);
                } else {
                    saved_size = Some(saved.size);
                }
            }
        }
    }

    if c.dropped > 0 {
        c.add(
            "more-findings",
            None,
            format!("{} more findings were not listed", c.dropped),
            RESTORE,
        );
    }
    let first_bad = c.findings.iter().filter_map(|f| f.seq).min();
    let verdict = if c.findings.is_empty() {
        Verdict::Intact
    } else {
        Verdict::Failed
    };
    Ok(Report {
        verdict,
        origin: ledger.origin().into(),
        entries: n,
        checkpoint_size,
        root: root.to_hex(),
        saved_checkpoint_size: saved_size,
        first_bad,
        findings: c.findings,
    })
}

/// The keys of a ledger as verification meets them.
struct Keys {
    /// The key that signs the next entry.
    current: PublicKey,
    /// (first entry signed, key), oldest first.
    history: Vec<(u64, PublicKey)>,
}

fn check_chunk(
    rows: &[StoredRow],
    origin: &str,
    keys: &mut Keys,
    expected_prev: &mut Hash,
    leaves: &mut Vec<Hash>,
    c: &mut Collector,
) {
    use rayon::prelude::*;
    // Rebuild bodies and hashes in parallel; the order-dependent checks follow.
    let computed: Vec<Option<(Hash, Hash)>> = rows
        .par_iter()
        .map(|r| r.to_entry().map(|e| (e.body.hash(), e.hash)))
        .collect();
    let mut to_verify: Vec<(u64, PublicKey, Vec<u8>, [u8; 64])> = Vec::with_capacity(rows.len());
    for (r, comp) in rows.iter().zip(&computed) {
        let expected_seq = leaves.len() as u64;
        if r.seq != expected_seq as i64 {
            c.add("seq-gap", Some(expected_seq), format!("expected entry {expected_seq} but found entry {}: entries were deleted, inserted or renumbered", r.seq), RESTORE);
        }
        let Some((computed_hash, stored_hash)) = comp else {
            c.add(
                "entry-malformed",
                Some(expected_seq),
                format!("entry {} has a malformed stored field", r.seq),
                RESTORE,
            );
            leaves.push(merkle::leaf_hash(&r.hash));
            *expected_prev = Hash::from_slice(&r.hash).unwrap_or(Hash::ZERO);
            continue;
        };
        let seq = expected_seq;
        if computed_hash != stored_hash {
            c.add(
                "hash-mismatch",
                Some(seq),
                format!("entry {seq}'s contents do not hash to its recorded hash: it was altered"),
                RESTORE,
            );
        }
        if r.prev != expected_prev.0 {
            c.add("chain-broken", Some(seq), format!("entry {seq} does not link to entry {}: an entry was changed, removed or reordered", seq.wrapping_sub(1) as i64), RESTORE);
        }
        let key = keys.current;
        if r.author != key.to_bytes() {
            c.add(
                "unknown-author",
                Some(seq),
                format!(
                    "entry {seq} names an author key that is not this ledger's key at that point"
                ),
                RESTORE,
            );
        }
        // Kinds this version does not know are kept and verified; only malformed names fail.
        if entry::check_kind(&r.kind).is_err() {
            c.add(
                "entry-malformed",
                Some(seq),
                format!("entry {seq} has an invalid kind"),
                RESTORE,
            );
        }
        if r.kind == crate::keys::KIND_ROTATE {
            match crate::keys::check_rotation(&r.payload, &key, origin) {
                Ok(rot) => {
                    keys.current = rot.new;
                    keys.history.push((seq + 1, rot.new));
                }
                Err(e) => c.add(
                    "rotation-invalid",
                    Some(seq),
                    format!("entry {seq} hands the ledger to a new key, but the hand-over does not check: {e}"),
                    RESTORE,
                ),
            }
        }
        let sig: [u8; 64] = r
            .signature
            .as_slice()
            .try_into()
            .expect("checked by to_entry");
        to_verify.push((seq, key, entry::signed_message(stored_hash), sig));
        *expected_prev = *stored_hash;
        leaves.push(merkle::leaf_hash(&stored_hash.0));
    }
    let items: Vec<(&PublicKey, &[u8], &[u8; 64])> = to_verify
        .iter()
        .map(|(_, k, m, s)| (k, m.as_slice(), s))
        .collect();
    for i in signature::verify_many(&items) {
        let seq = to_verify[i].0;
        c.add(
            "bad-signature",
            Some(seq),
            format!("entry {seq}'s signature does not verify with the ledger key"),
            RESTORE,
        );
    }
}

/// The stored perfect-subtree nodes must be exactly those the leaves produce (`whole`:
/// the leaves are the whole ledger; else its version 1 part, and nodes reaching past it
/// are the version 2 part's).
fn check_tree(ledger: &Ledger, leaves: &[Hash], whole: bool, c: &mut Collector) -> Result<()> {
    let mut levels: Vec<Vec<Hash>> = vec![merkle::pair_up(leaves)];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let next = merkle::pair_up(levels.last().expect("non-empty"));
        levels.push(next);
    }
    let expected: u64 = levels.iter().map(|l| l.len() as u64).sum();
    let mut seen = 0u64;
    let mut bad = false;
    ledger.stored_nodes(|level, idx, hash| {
        let past = idx
            .checked_add(1)
            .and_then(|i| i.checked_shl(level))
            .is_none_or(|end| end > leaves.len() as u64);
        if !whole && level >= 1 && past {
            return Ok(());
        }
        let ok = level >= 1 && levels.get(level as usize - 1).and_then(|l| l.get(idx as usize)).is_some_and(|h| h.0[..] == *hash);
        if !ok && !bad {
            bad = true;
            // Name the node's first entry only when no entry below it is already named:
            // otherwise the node differs because of that entry.
            let first = idx.checked_shl(level).unwrap_or(u64::MAX);
            let end = first.saturating_add(1u64.checked_shl(level).unwrap_or(u64::MAX));
            let explained = c.findings.iter().any(|f| f.seq.is_some_and(|s| s >= first && s < end));
            let seq = (!explained && first < leaves.len() as u64).then_some(first);
            c.add("tree-node-mismatch", seq, format!("the stored Merkle node at level {level}, index {idx} does not match the entries"), RESTORE);
        }
        seen += 1;
        Ok(())
    })?;
    if seen != expected && !bad {
        c.add(
            "tree-node-mismatch",
            None,
            format!("the ledger stores {seen} Merkle nodes where its entries make {expected}"),
            RESTORE,
        );
    }
    Ok(())
}

/// A version 2 ledger (ledger.md §11): the store checks entries, commits, notes,
/// attribution and the officer set; a saved commit note must be one this ledger signed
/// at its size, with the same root.
fn verify_v2(
    ledger: &Ledger,
    saved_checkpoint: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    use tradeseal_log::db::Sql;
    let store = ledger.store_v2().expect("format 2");
    let total = ledger.size()?;
    let r = store.verify()?;
    progress(r.size, total.max(r.size));
    let mut c = Collector {
        findings: Vec::new(),
        dropped: 0,
    };
    for f in &r.findings {
        c.add(f.code, f.seq, f.message.clone(), RESTORE);
    }
    let (mut checkpoint_size, mut root) = (0, String::new());
    match ledger.checkpoint() {
        Ok((cp, _)) => {
            checkpoint_size = cp.size;
            root = cp.root.to_hex();
        }
        Err(e) if total > 0 => c.add(
            "checkpoint-invalid",
            None,
            format!("the latest commit note does not verify: {e}"),
            RESTORE,
        ),
        Err(_) => root = merkle::empty_root().to_hex(),
    }
    let mut saved_checkpoint_size = None;
    if let Some(note) = saved_checkpoint {
        match tradeseal_log::commit::read(note) {
            Err(e) => c.add(
                "saved-checkpoint-invalid",
                None,
                format!("the saved checkpoint is not one of this ledger's commit notes: {e}"),
                "give a checkpoint saved from this ledger (`tradeseal checkpoint`)",
            ),
            Ok(saved) if saved.checkpoint.origin != ledger.origin() => c.add(
                "saved-checkpoint-invalid",
                None,
                format!(
                    "the saved checkpoint is of the ledger {}, not this one",
                    saved.checkpoint.origin
                ),
                "give a checkpoint saved from this ledger (`tradeseal checkpoint`)",
            ),
            Ok(saved) => {
                let size = saved.end();
                let held = ledger.sql().query_one(
                    "SELECT note FROM commits WHERE end_size = ?1",
                    tradeseal_log::sql_params![size as i64],
                )?;
                match held {
                    _ if size > r.size => c.add(
                        "truncated",
                        Some(r.size),
                        format!("the saved checkpoint signs {size} entries but only {} are present", r.size),
                        RESTORE,
                    ),
                    None => c.add(
                        "history-rewritten",
                        None,
                        format!("the ledger has no commit ending at {size}, where the saved checkpoint ends"),
                        RESTORE,
                    ),
                    Some(row) => {
                        let ours = tradeseal_log::commit::read(&row.text(0)?)?;
                        if store.open_note(note).is_err() {
                            c.add(
                                "saved-checkpoint-invalid",
                                None,
                                "the saved checkpoint's signature is not the officer's who made that commit".into(),
                                "give a checkpoint saved from this ledger (`tradeseal checkpoint`)",
                            );
                        } else if ours.checkpoint.root != saved.checkpoint.root {
                            c.add(
                                "history-rewritten",
                                None,
                                format!("the entries before {size} no longer give the root the saved checkpoint signs"),
                                RESTORE,
                            );
                        } else {
                            saved_checkpoint_size = Some(size);
                        }
                    }
                }
            }
        }
    }
    let first_bad = c.findings.iter().filter_map(|f| f.seq).min();
    Ok(Report {
        verdict: if c.findings.is_empty() {
            Verdict::Intact
        } else {
            Verdict::Failed
        },
        origin: ledger.origin().to_string(),
        entries: r.size,
        checkpoint_size,
        root,
        saved_checkpoint_size,
        first_bad,
        findings: c.findings,
    })
}
