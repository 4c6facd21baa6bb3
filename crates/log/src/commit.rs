//! Ledger v2 commits (docs/spec/ledger.md §7-10): the run of entries one transaction
//! appends, signed once by the officer who made it in a **commit note**, a C2SP
//! checkpoint of the tree at the commit's end with one extension line naming the
//! commit's start, time, range root and latest officer-set entry. Also the officers'
//! public cards.

use crate::checkpoint::{self, Checkpoint};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::key as identity;
use crate::merkle;
use crate::signature::PublicKey;
use crate::time::Timestamp;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// The first word of a commit note's extension line.
pub const COMMIT_LINE: &str = "tradeseal-commit/v2";
pub const OFFICER_CARD_FORMAT: &str = "tradeseal-officer-card/v1";
/// The context of an officer's new key's signature in `officer.rotate`.
pub const OFFICER_ROTATE_CONTEXT: &[u8] = b"tradeseal/v2/officer-rotate";
/// The context of the organisation key's hand-over (`key.rotate`, identity.md), the
/// same in version 1 and version 2 ledgers.
pub const KEY_ROTATE_CONTEXT: &[u8] = b"tradeseal/v1/key-rotate";

/// A commit: the entries `[start, checkpoint.size)`, all by one author at one time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The tree at the commit's end: origin, size (= end) and root.
    pub checkpoint: Checkpoint,
    pub start: u64,
    pub time: Timestamp,
    /// RFC 9162 Merkle Tree Hash of the commit's own entries' leaves.
    pub range_root: Hash,
    /// The latest officer-set entry before the commit's end.
    pub set: Option<u64>,
}

impl Commit {
    pub fn end(&self) -> u64 {
        self.checkpoint.size
    }

    /// The note text: the checkpoint's three lines and the extension line.
    pub fn body(&self) -> String {
        format!(
            "{}{COMMIT_LINE} {} {} {} {}\n",
            self.checkpoint.body(),
            self.start,
            self.time.to_rfc3339(),
            B64.encode(self.range_root.0),
            self.set.map_or("-".to_string(), |s| s.to_string())
        )
    }

    /// Parses a commit note's text (signature lines already split off).
    fn parse_body(text: &str) -> Result<Commit> {
        let bad = |why: String| Error::BadCheckpoint { reason: why };
        let checkpoint = Checkpoint::parse_body(text)?;
        let lines: Vec<&str> = text.split('\n').collect();
        // origin, size, root, the extension line, and the empty rest after its newline
        if lines.len() != 5 || !lines[4].is_empty() {
            return Err(bad(format!(
                "a commit note has exactly one extension line ({COMMIT_LINE} …)"
            )));
        }
        let words: Vec<&str> = lines[3].split(' ').collect();
        if words.len() != 5 || words[0] != COMMIT_LINE {
            return Err(bad(format!(
                "the extension line is not \"{COMMIT_LINE} START TIME RANGE-ROOT SET\""
            )));
        }
        let number = |w: &str, what: &str| -> Result<u64> {
            if w.is_empty()
                || !w.bytes().all(|b| b.is_ascii_digit())
                || (w.len() > 1 && w.starts_with('0'))
            {
                return Err(bad(format!(
                    "the commit's {what} is not a decimal number without leading zeros"
                )));
            }
            w.parse()
                .map_err(|_| bad(format!("the commit's {what} is too large")))
        };
        let start = number(words[1], "start")?;
        if start >= checkpoint.size {
            return Err(bad(format!(
                "the commit starts at {start}, not before its end {}",
                checkpoint.size
            )));
        }
        let time = Timestamp::parse_canonical(words[2])
            .map_err(|_| bad("the commit's time is not a canonical UTC time".into()))?;
        let range_root = B64
            .decode(words[3])
            .ok()
            .and_then(|b| Hash::from_slice(&b))
            .filter(|h| B64.encode(h.0) == words[3])
            .ok_or_else(|| bad("the range root is not 32 bytes of base64".into()))?;
        let set = match words[4] {
            "-" => None,
            w => {
                let s = number(w, "officer-set entry")?;
                if s >= checkpoint.size {
                    return Err(bad(format!(
                        "the officer-set entry {s} is not before the commit's end"
                    )));
                }
                Some(s)
            }
        };
        Ok(Commit {
            checkpoint,
            start,
            time,
            range_root,
            set,
        })
    }

    /// Signs the commit note with the author's key (key name = the origin).
    pub fn sign(&self, key: &SigningKey) -> String {
        checkpoint::sign_note(&self.body(), &self.checkpoint.origin, key)
    }
}

/// A commit note read without checking its signature (for a verifier that checks the
/// signatures of many notes in one batch: [`signed_by`]).
pub fn read(note: &str) -> Result<Commit> {
    Commit::parse_body(checkpoint::note_text(note)?)
}

/// The signed text and the signature by `author` of a commit note: what to verify.
pub fn signed_by<'a>(
    note: &'a str,
    commit: &Commit,
    author: &PublicKey,
) -> Result<(&'a str, [u8; 64])> {
    let (text, sig) = checkpoint::signature_by(note, &commit.checkpoint.origin, author)?;
    let sig = sig.ok_or_else(|| Error::BadCheckpoint {
        reason: format!(
            "the commit note has no signature by {} (key id {})",
            author.to_hex(),
            hex::encode(checkpoint::key_id(&commit.checkpoint.origin, author))
        ),
    })?;
    Ok((text, sig))
}

/// Opens a commit note: parsed, and signed by `author` (strictly verified).
pub fn open(note: &str, author: &PublicKey) -> Result<Commit> {
    let commit = read(note)?;
    let (text, sig) = signed_by(note, &commit, author)?;
    if !author.verify(text.as_bytes(), &sig) {
        return Err(Error::BadCheckpoint {
            reason: format!(
                "the commit note's signature by {} does not verify: it was altered or forged",
                author.to_hex()
            ),
        });
    }
    Ok(commit)
}

/// The range root of a commit whose entries have these entry hashes.
pub fn range_root(entry_hashes: &[Hash]) -> Hash {
    let leaves: Vec<Hash> = entry_hashes
        .iter()
        .map(|h| merkle::leaf_hash(&h.0))
        .collect();
    merkle::root_of_leaf_hashes(&leaves)
}

/// An officer's public card (ledger.md §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerCard {
    pub format: String,
    pub origin: String,
    pub org: String,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
}

impl OfficerCard {
    pub fn new(origin: &str, org: &str, name: &str, key: &PublicKey) -> OfficerCard {
        OfficerCard {
            format: OFFICER_CARD_FORMAT.into(),
            origin: origin.into(),
            org: org.into(),
            name: name.into(),
            public_key: key.to_hex(),
            fingerprint: identity::fingerprint(key),
        }
    }

    /// The card's key, when the card is whole: its format, a strict key, and the
    /// fingerprint of that key.
    pub fn check(&self) -> Result<PublicKey> {
        let bad = |why: &str| Error::invalid("officer card", why);
        if self.format != OFFICER_CARD_FORMAT {
            return Err(bad("not a tradeseal-officer-card/v1"));
        }
        if self.name.trim().is_empty() || self.org.trim().is_empty() {
            return Err(bad("the officer's and the organisation's names are needed"));
        }
        let key = PublicKey::from_hex(&self.public_key)
            .ok_or_else(|| bad("the public key is not a valid Ed25519 key (64 hex digits)"))?;
        if identity::fingerprint(&key) != self.fingerprint {
            return Err(bad(
                "the fingerprint is not the key's: the card was altered",
            ));
        }
        Ok(key)
    }
}

/// What an officer's new key signs in `officer.rotate` (ledger.md §8.2):
/// `"tradeseal/v2/officer-rotate" || 0x00 || SHA-256(origin || 0x00 || old || new)`.
pub fn officer_rotate_message(origin: &str, old: &PublicKey, new: &PublicKey) -> Vec<u8> {
    let digest = Hash::of_parts(&[origin.as_bytes(), &[0], &old.to_bytes(), &new.to_bytes()]);
    crate::signature::domain_message(OFFICER_ROTATE_CONTEXT, &digest.0)
}

/// What the organisation's new key signs in `key.rotate` (identity.md):
/// `"tradeseal/v1/key-rotate" || 0x00 || SHA-256(origin || 0x00 || old || new)`.
pub fn key_rotate_message(origin: &str, old: &PublicKey, new: &PublicKey) -> Vec<u8> {
    let digest = Hash::of_parts(&[origin.as_bytes(), &[0], &old.to_bytes(), &new.to_bytes()]);
    crate::signature::domain_message(KEY_ROTATE_CONTEXT, &digest.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Commit {
        Commit {
            checkpoint: Checkpoint {
                origin: "tradeseal/0011223344556677".into(),
                size: 5,
                root: Hash::of(b"root"),
            },
            start: 2,
            time: Timestamp::from_unix_millis(1_795_000_000_000).unwrap(),
            range_root: Hash::of(b"range"),
            set: Some(0),
        }
    }

    #[test]
    fn a_commit_note_round_trips_and_is_a_checkpoint_to_v1_readers() {
        let key = SigningKey::from_bytes(&[0x22; 32]);
        let c = commit();
        let note = c.sign(&key);
        assert_eq!(open(&note, &PublicKey::of(&key)).unwrap(), c);
        // A v1 reader sees the checkpoint and ignores the extension line.
        let cp = checkpoint::open(&note, &c.checkpoint.origin, &PublicKey::of(&key)).unwrap();
        assert_eq!(cp, c.checkpoint);
        // Another officer's key does not open it; an altered line breaks it.
        let other = PublicKey::of(&SigningKey::from_bytes(&[0x33; 32]));
        assert!(open(&note, &other).is_err());
        let moved = note.replacen("tradeseal-commit/v2 2 ", "tradeseal-commit/v2 1 ", 1);
        assert!(open(&moved, &PublicKey::of(&key)).is_err());
    }

    #[test]
    fn malformed_extension_lines_are_refused() {
        let key = SigningKey::from_bytes(&[0x22; 32]);
        let good = commit().body();
        for (from, to) in [
            (" 2 ", " 02 "),
            (" 2 ", " 5 "),
            (" 2 ", " x "),
            ("2026", "2026 "),
            (" 0\n", " 5\n"),
            (" 0\n", " \n"),
            ("tradeseal-commit/v2", "tradeseal-commit/v3"),
        ] {
            let text = good.replacen(from, to, 1);
            assert_ne!(text, good, "{from:?}");
            let note = checkpoint::sign_note(&text, "tradeseal/0011223344556677", &key);
            assert!(read(&note).is_err(), "{text}");
        }
        let two = format!("{good}more\n");
        let note = checkpoint::sign_note(&two, "tradeseal/0011223344556677", &key);
        assert!(read(&note).is_err());
    }

    #[test]
    fn an_officer_card_checks_its_fingerprint() {
        let key = PublicKey::of(&SigningKey::from_bytes(&[0x22; 32]));
        let mut card = OfficerCard::new("tradeseal/0011223344556677", "Acme", "Ana Ruiz", &key);
        assert_eq!(card.check().unwrap(), key);
        card.fingerprint = identity::fingerprint(&PublicKey::of(&SigningKey::from_bytes(&[1; 32])));
        assert!(card.check().is_err());
    }
}
