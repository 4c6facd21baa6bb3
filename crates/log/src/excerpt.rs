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
/// the anchor, and the officer-set chain's completeness. ([`Verifier`], all at once.)
pub fn verify(x: &Excerpt, org: &PublicKey) -> ExcerptReport {
    let mut v = Verifier::new(&x.origin, org, &x.commits);
    for b in &x.entries {
        v.entry(b);
    }
    v.finish(&x.ranges, &x.proof)
}

/// An excerpt verified as it is read (a bundle's ledger group, streamed): the commit
/// notes first, then each entry (kept as its leaf, 40 bytes, and dropped; officer-set
/// entries are kept whole, they are few), then the range proofs and the multiproof.
pub struct Verifier {
    origin: String,
    org: PublicKey,
    f: Findings,
    commits: Vec<(PublicKey, Commit)>,
    /// The commits are usable (in order, an anchor): entries are checked against them.
    usable: bool,
    /// Next commit to look at, as entries come in seq order.
    ci: usize,
    last_seq: Option<u64>,
    /// Entries out of order or past the anchor: no inclusion can be shown.
    disordered: bool,
    leaves: Vec<(u64, Hash)>,
    by_commit: Vec<Vec<(u64, Hash)>>,
    /// The first entry carried of each commit (where its signer is checked).
    first_of: Vec<Option<u64>>,
    /// Officer-set entries, with the key of the commit that holds them (none: in no
    /// commit carried, so never applied).
    set_entries: Vec<(BodyV2, Option<PublicKey>)>,
}

impl Verifier {
    /// Starts with the group's commits (author, note), by end; the last is the anchor.
    pub fn new(origin: &str, org: &PublicKey, notes: &[(PublicKey, String)]) -> Verifier {
        let mut f = Findings::default();
        // The notes: parsed, signatures checked in one batch.
        let mut commits: Vec<(PublicKey, Commit)> = Vec::with_capacity(notes.len());
        let mut batch = Vec::with_capacity(notes.len());
        for (author, note) in notes {
            match commit::read(note)
                .and_then(|c| commit::signed_by(note, &c, author).map(|s| (c, s)))
            {
                Ok((c, (text, sig))) if c.checkpoint.origin == origin => {
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
        let mut usable = true;
        if !commits.windows(2).all(|w| w[0].1.end() <= w[1].1.start) {
            f.add(
                "commit-malformed",
                None,
                "the commits overlap or are out of order",
            );
            usable = false;
        } else if commits.is_empty() {
            f.add("commit-missing", None, "the excerpt has no commit note");
            usable = false;
        }
        let n = commits.len();
        Verifier {
            origin: origin.to_string(),
            org: *org,
            f,
            commits,
            usable,
            ci: 0,
            last_seq: None,
            disordered: false,
            leaves: Vec::new(),
            by_commit: vec![Vec::new(); n],
            first_of: vec![None; n],
            set_entries: Vec::new(),
        }
    }

    /// The anchor's size (the latest note's), when the commits are usable.
    pub fn anchor(&self) -> Option<u64> {
        self.usable
            .then(|| self.commits.last().map(|(_, c)| c.end()))
            .flatten()
    }

    /// Checks the next entry (entries come in seq order): the commit holding it, its
    /// author and time; keeps its leaf.
    pub fn entry(&mut self, b: &BodyV2) {
        self.entry_hashed(b, b.leaf_hash());
    }

    /// As [`Verifier::entry`], with the entry's leaf hash computed already (on another
    /// thread: the hashing is most of an entry's cost).
    pub fn entry_hashed(&mut self, b: &BodyV2, leaf: Hash) {
        if !self.usable || self.disordered {
            return;
        }
        let anchor = self.commits.last().map_or(0, |(_, c)| c.end());
        if self.last_seq.is_some_and(|l| b.seq <= l) || b.seq >= anchor {
            self.disordered = true;
            return;
        }
        self.last_seq = Some(b.seq);
        while self.ci < self.commits.len() && self.commits[self.ci].1.end() <= b.seq {
            self.ci += 1;
        }
        self.leaves.push((b.seq, leaf));
        let ci = self.ci;
        let holder = self.commits.get(ci).filter(|(_, c)| c.start <= b.seq);
        if SET_KINDS.contains(&b.kind.as_str()) {
            self.set_entries.push((b.clone(), holder.map(|(k, _)| *k)));
        }
        let Some((key, c)) = holder else {
            self.f.add(
                "commit-missing",
                Some(b.seq),
                format!("entry {} is in no commit the excerpt carries", b.seq),
            );
            return;
        };
        let (key, start, time) = (*key, c.start, c.time);
        self.first_of[ci].get_or_insert(b.seq);
        self.f.check_entry(b, &key, time);
        self.by_commit[ci].push((b.seq - start, leaf));
    }

    /// Ends with the group's range proofs and multiproof: who could sign each commit
    /// (the officer set replayed), range roots, inclusion, the officer-set chain.
    pub fn finish(mut self, ranges: &[(u64, Vec<Hash>)], proof: &[Hash]) -> ExcerptReport {
        let mut report = ExcerptReport::default();
        if !self.usable {
            report.findings = self.f.0;
            return report;
        }
        if self.disordered {
            self.f.add(
                "inclusion",
                None,
                "the entries are out of order or past the anchor",
            );
            report.findings = self.f.0;
            return report;
        }
        let mut f = std::mem::take(&mut self.f);
        // The officer set, replayed: each commit checked at its first carried entry,
        // each set entry applied at its place.
        let mut officers = OfficerSet::new(
            &self.origin,
            self.org,
            self.set_entries.iter().map(|(b, _)| b),
        );
        let mut steps: Vec<(u64, u8, usize)> = self
            .first_of
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (s, 0, i)))
            .chain(
                self.set_entries
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, k))| k.is_some())
                    .map(|(j, (b, _))| (b.seq, 1, j)),
            )
            .collect();
        steps.sort_unstable();
        for (_, what, i) in steps {
            if what == 0 {
                let (key, c) = &self.commits[i];
                officers.check_commit(&mut f, key, c.start, c.end(), c.time);
            } else {
                if let (b, Some(key)) = &self.set_entries[i] {
                    officers.apply(&mut f, key, b);
                }
            }
        }
        // Range roots: whole commits from their entries, partial ones with their proof.
        for (i, (_, c)) in self.commits.iter().enumerate() {
            let mine = &self.by_commit[i];
            if mine.is_empty() {
                continue;
            }
            let n = c.end() - c.start;
            let proof = ranges
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
        let (_, anchor) = self.commits.last().expect("usable: an anchor");
        let anchor_size = anchor.end();
        // All entries against the anchor.
        if !self.leaves.is_empty()
            && merkle::multiproof_root(anchor_size, &self.leaves, proof)
                != Some(anchor.checkpoint.root)
        {
            f.add("inclusion", None, "the entries and the multiproof do not give the anchor note's root: an entry was changed, added, moved or left out");
        }
        // The officer-set chain, from the anchor's `set` back along `after`.
        let mut next = anchor.set;
        let set_entries: std::collections::HashMap<u64, &BodyV2> =
            self.set_entries.iter().map(|(b, _)| (b.seq, b)).collect();
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
}
