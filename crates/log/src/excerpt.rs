//! An excerpt of a v2 ledger: some of its entries with what proves them to someone who
//! holds nothing else (ledger.md §10, bundle.md v2): the notes of their commits, each
//! signed once by its officer, range proofs for commits carried in part, one multiproof
//! of all of them against the latest note, and the officer-set chain that says who
//! could sign. What a bundle carries per ledger, and what a certificate will.

use crate::commit::{self, Commit};
use crate::entry::BodyV2;
use crate::hash::Hash;
use crate::merkle;
use crate::officers::{Finding, Findings, OfficerSet, SET_KINDS};
use crate::signature::{self, PublicKey};

/// The entries and their proofs, as a bundle's ledger group carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub origin: String,
    /// The commits: (author, note), by end; the last is the anchor.
    pub commits: Vec<(PublicKey, String)>,
    /// The entries, by seq.
    pub entries: Vec<BodyV2>,
    /// (end of a commit carried in part, the multiproof of its carried entries).
    pub ranges: Vec<(u64, Vec<Hash>)>,
    /// The multiproof of every entry against the anchor note's root.
    pub proof: Vec<Hash>,
}

/// What an excerpt proves.
#[derive(Clone, Debug, Default)]
pub struct ExcerptReport {
    /// The anchor's size, when its note verified.
    pub anchor: Option<u64>,
    pub findings: Vec<Finding>,
}

impl ExcerptReport {
    pub fn verified(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Verifies `x` as the ledger of the organisation key `org` (confirmed by its card's
/// fingerprint): every note's signature (one batch), which commit holds each entry and
/// that its signer is its author and was in force, range roots, the multiproof against
/// the anchor, and the officer-set chain's completeness.
pub fn verify(x: &Excerpt, org: &PublicKey) -> ExcerptReport {
    let mut f = Findings::default();
    let mut report = ExcerptReport::default();
    // The notes: parsed, signatures checked in one batch.
    let mut commits: Vec<(PublicKey, Commit)> = Vec::with_capacity(x.commits.len());
    let mut batch = Vec::with_capacity(x.commits.len());
    for (author, note) in &x.commits {
        match commit::read(note).and_then(|c| commit::signed_by(note, &c, author).map(|s| (c, s))) {
            Ok((c, (text, sig))) if c.checkpoint.origin == x.origin => {
                batch.push((author, text.as_bytes(), sig));
                commits.push((*author, c));
            }
            Ok(_) => f.add("commit-malformed", None, "a commit note of another ledger"),
            Err(e) => f.add("bad-signature", None, e.to_string()),
        }
    }
    let items: Vec<(&PublicKey, &[u8], &[u8; 64])> =
        batch.iter().map(|(k, m, s)| (*k, *m, s)).collect();
    for i in signature::verify_many(&items) {
        f.add(
            "bad-signature",
            Some(commits[i].1.start),
            format!(
                "the note of commit [{}, {}) does not verify under its author's key",
                commits[i].1.start,
                commits[i].1.end()
            ),
        );
    }
    if !commits.windows(2).all(|w| w[0].1.end() <= w[1].1.start) {
        f.add(
            "commit-malformed",
            None,
            "the commits overlap or are out of order",
        );
        report.findings = f.0;
        return report;
    }
    let Some((_, anchor)) = commits.last() else {
        f.add("commit-missing", None, "the excerpt has no commit note");
        report.findings = f.0;
        return report;
    };
    let anchor_size = anchor.end();
    // Entries: ordered, each in a commit its author signed, at the commit's time.
    if !x.entries.windows(2).all(|w| w[0].seq < w[1].seq)
        || x.entries.last().is_some_and(|e| e.seq >= anchor_size)
    {
        f.add(
            "inclusion",
            None,
            "the entries are out of order or past the anchor",
        );
        report.findings = f.0;
        return report;
    }
    let mut officers = OfficerSet::new(
        *org,
        x.entries
            .iter()
            .filter(|b| SET_KINDS.contains(&b.kind.as_str())),
    );
    let mut leaves = Vec::with_capacity(x.entries.len());
    let mut ci = 0usize;
    let mut by_commit: Vec<Vec<(u64, Hash)>> = vec![Vec::new(); commits.len()];
    let mut checked = vec![false; commits.len()];
    for b in &x.entries {
        while ci < commits.len() && commits[ci].1.end() <= b.seq {
            ci += 1;
        }
        let leaf = b.leaf_hash();
        leaves.push((b.seq, leaf));
        let Some((key, c)) = commits.get(ci).filter(|(_, c)| c.start <= b.seq) else {
            f.add(
                "commit-missing",
                Some(b.seq),
                format!("entry {} is in no commit the excerpt carries", b.seq),
            );
            continue;
        };
        if !checked[ci] {
            checked[ci] = true;
            officers.check_commit(&mut f, key, c.start, c.end(), c.time);
        }
        f.check_entry(b, key, c.time);
        by_commit[ci].push((b.seq - c.start, leaf));
        if SET_KINDS.contains(&b.kind.as_str()) {
            officers.apply(&mut f, key, b);
        }
    }
    // Range roots: whole commits from their entries, partial ones with their proof.
    for (i, (_, c)) in commits.iter().enumerate() {
        let mine = &by_commit[i];
        if mine.is_empty() {
            continue;
        }
        let n = c.end() - c.start;
        let proof = x
            .ranges
            .iter()
            .find(|(end, _)| *end == c.end())
            .map(|(_, p)| p.as_slice())
            .unwrap_or(&[]);
        if merkle::multiproof_root(n, mine, proof) != Some(c.range_root) {
            f.add(
                "commit-range",
                Some(c.start),
                format!(
                    "the entries carried of commit [{}, {}) do not give its range root",
                    c.start,
                    c.end()
                ),
            );
        }
    }
    // All entries against the anchor.
    if !leaves.is_empty()
        && merkle::multiproof_root(anchor_size, &leaves, &x.proof) != Some(anchor.checkpoint.root)
    {
        f.add("inclusion", None, "the entries and the multiproof do not give the anchor note's root: an entry was changed, added, moved or left out");
    }
    // The officer-set chain, from the anchor's `set` back along `after`.
    let mut next = anchor.set;
    let set_entries: std::collections::HashMap<u64, &BodyV2> = x
        .entries
        .iter()
        .filter(|b| SET_KINDS.contains(&b.kind.as_str()))
        .map(|b| (b.seq, b))
        .collect();
    let mut steps = 0;
    while let Some(seq) = next {
        steps += 1;
        let Some(b) = set_entries.get(&seq) else {
            f.add(
                "officer-set-incomplete",
                Some(seq),
                format!(
                    "officer-set entry {seq} is not in the excerpt: who could sign cannot be told"
                ),
            );
            break;
        };
        let p: serde_json::Value = serde_json::from_str(&b.payload).unwrap_or_default();
        next = p.get("after").and_then(serde_json::Value::as_u64);
        if steps > set_entries.len() {
            break;
        }
    }
    report.anchor = Some(anchor_size);
    report.findings = f.0;
    report
}
