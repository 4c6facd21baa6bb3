//! Signed checkpoints: C2SP `tlog-checkpoint` note bodies inside C2SP `signed-note`
//! envelopes with Ed25519 signatures, readable by other transparency-log tooling.

use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::signature::{self, PublicKey};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use ed25519_dalek::SigningKey;

/// Signature type byte for Ed25519 in C2SP signed-note.
const ALG_ED25519: u8 = 0x01;

/// A tree head: origin, size and root (the note body, without signatures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// The note text: three lines, each ending in a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root.0)
        )
    }

    pub(crate) fn parse_body(text: &str) -> Result<Checkpoint> {
        let bad = |why: &str| Error::BadCheckpoint {
            reason: why.to_string(),
        };
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| bad("the origin line is empty"))?;
        let size_line = lines
            .next()
            .ok_or_else(|| bad("the tree size line is missing"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(bad(
                "the tree size is not a decimal number without leading zeros",
            ));
        }
        let size: u64 = size_line
            .parse()
            .map_err(|_| bad("the tree size is too large"))?;
        let root_line = lines
            .next()
            .ok_or_else(|| bad("the root hash line is missing"))?;
        let root = B64
            .decode(root_line)
            .ok()
            .and_then(|b| Hash::from_slice(&b))
            .ok_or_else(|| bad("the root hash is not 32 bytes of base64"))?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

/// The C2SP key id of an Ed25519 key: SHA-256(name || "\n" || 0x01 || key)[:4].
pub fn key_id(name: &str, key: &PublicKey) -> [u8; 4] {
    let h = Hash::of_parts(&[name.as_bytes(), b"\n", &[ALG_ED25519], &key.to_bytes()]);
    h.0[..4].try_into().expect("4 bytes")
}

/// The verifier key in C2SP `vkey` form: `<name>+<hex key id>+<base64(0x01 || key)>`.
pub fn vkey(name: &str, key: &PublicKey) -> String {
    let mut blob = vec![ALG_ED25519];
    blob.extend_from_slice(&key.to_bytes());
    format!(
        "{}+{}+{}",
        name,
        hex::encode(key_id(name, key)),
        B64.encode(blob)
    )
}

/// Signs `cp` as a note with one signature line by `name`.
pub fn sign(cp: &Checkpoint, name: &str, key: &SigningKey) -> String {
    sign_note(&cp.body(), name, key)
}

/// Signs any note text (which ends in a newline) with one Ed25519 signature line.
pub fn sign_note(text: &str, name: &str, key: &SigningKey) -> String {
    debug_assert!(text.ends_with('\n'));
    let sig = signature::sign(key, text.as_bytes());
    let mut blob = key_id(name, &PublicKey::of(key)).to_vec();
    blob.extend_from_slice(&sig);
    format!("{text}\n\u{2014} {name} {}\n", B64.encode(blob))
}

/// A signed note's text split from its signature lines.
struct Note<'a> {
    text: &'a str,
    /// (key name, key id, signature bytes after the key id)
    sigs: Vec<(&'a str, [u8; 4], Vec<u8>)>,
}

fn parse_note(note: &str) -> Result<Note<'_>> {
    let bad = |why: &str| Error::BadCheckpoint {
        reason: why.to_string(),
    };
    if note.len() > 1 << 20 {
        return Err(bad("the note is larger than 1 MiB"));
    }
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad("the note holds control characters other than newlines"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| bad("no blank line separates the text from its signatures"))?;
    let (text, rest) = (&note[..split + 1], &note[split + 2..]);
    if !rest.ends_with('\n') {
        return Err(bad("the last signature line does not end with a newline"));
    }
    let mut sigs = Vec::new();
    for line in rest[..rest.len() - 1].split('\n') {
        let l = line
            .strip_prefix("\u{2014} ")
            .ok_or_else(|| bad("a signature line does not start with an em dash and a space"))?;
        let (name, b64) = l
            .rsplit_once(' ')
            .ok_or_else(|| bad("a signature line has no key name"))?;
        let blob = B64
            .decode(b64)
            .map_err(|_| bad("a signature is not base64"))?;
        if blob.len() < 5 {
            return Err(bad("a signature is too short"));
        }
        sigs.push((
            name,
            blob[..4].try_into().expect("4 bytes"),
            blob[4..].to_vec(),
        ));
    }
    if sigs.is_empty() {
        return Err(bad("the note has no signature"));
    }
    Ok(Note { text, sigs })
}

/// The checkpoint in a note whose signature was verified when it was stored (the
/// signature is not checked again).
pub fn read_verified_earlier(note: &str) -> Result<Checkpoint> {
    Checkpoint::parse_body(parse_note(note)?.text)
}

/// The text of a signed note and, unverified, the signature on it by `name`'s `key`
/// (found by key id; `None`: the note has none by that key): for checking many notes'
/// signatures in one batch (`signature::verify_many`).
pub fn signature_by<'a>(
    note: &'a str,
    name: &str,
    key: &PublicKey,
) -> Result<(&'a str, Option<[u8; 64]>)> {
    let n = parse_note(note)?;
    let id = key_id(name, key);
    let sig = n
        .sigs
        .iter()
        .find(|(nm, kid, sig)| *nm == name && *kid == id && sig.len() == 64)
        .map(|(_, _, sig)| sig[..].try_into().expect("64 bytes"));
    Ok((n.text, sig))
}

/// The text of a signed note (its signatures not checked).
pub fn note_text(note: &str) -> Result<&str> {
    Ok(parse_note(note)?.text)
}

/// The key ids of a note's signature lines by `name`.
pub fn key_ids(note: &str, name: &str) -> Result<Vec<[u8; 4]>> {
    Ok(parse_note(note)?
        .sigs
        .iter()
        .filter(|(nm, _, _)| *nm == name)
        .map(|(_, id, _)| *id)
        .collect())
}

/// Opens a signed checkpoint: it must carry a valid signature by `name`'s `key`
/// (signatures by other keys, such as witnesses' cosignatures, are ignored).
pub fn open(note: &str, name: &str, key: &PublicKey) -> Result<Checkpoint> {
    let n = parse_note(note)?;
    let id = key_id(name, key);
    let ok = n.sigs.iter().any(|(nm, kid, sig)| {
        *nm == name
            && *kid == id
            && sig.len() == 64
            && key.verify(n.text.as_bytes(), sig[..].try_into().expect("64"))
    });
    if !ok {
        return Err(Error::BadCheckpoint {
            reason: format!("no valid signature by {name} (key id {}): it was not signed by this ledger's key, or it was altered", hex::encode(id)),
        });
    }
    let cp = Checkpoint::parse_body(n.text)?;
    if cp.origin != name {
        return Err(Error::BadCheckpoint {
            reason: format!("it is for the log {:?}, not {name:?}", cp.origin),
        });
    }
    Ok(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[42; 32])
    }

    #[test]
    fn signed_note_round_trips() {
        let cp = Checkpoint {
            origin: "tradeseal/0011223344556677".into(),
            size: 12,
            root: Hash::of(b"x"),
        };
        let note = sign(&cp, &cp.origin, &key());
        assert!(note.starts_with("tradeseal/0011223344556677\n12\n"));
        assert!(note.contains("\n\n\u{2014} tradeseal/0011223344556677 "));
        assert_eq!(open(&note, &cp.origin, &PublicKey::of(&key())).unwrap(), cp);
    }

    /// The example of golang.org/x/mod/sumdb/note (also in the C2SP signed-note spec):
    /// byte-for-byte the same note and verifier key, so Go tooling reads ours.
    #[test]
    fn matches_the_go_sumdb_note_vector() {
        let skey = B64
            .decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
            .unwrap();
        assert_eq!(skey[0], ALG_ED25519);
        let key = SigningKey::from_bytes(skey[1..].try_into().unwrap());
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        assert_eq!(
            sign_note(text, "PeterNeumann", &key),
            format!("{text}\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
        );
        assert_eq!(
            vkey("PeterNeumann", &PublicKey::of(&key)),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        );
    }

    #[test]
    fn an_altered_size_breaks_the_signature() {
        let cp = Checkpoint {
            origin: "o".into(),
            size: 12,
            root: Hash::of(b"x"),
        };
        let note = sign(&cp, "o", &key()).replacen("\n12\n", "\n13\n", 1);
        assert!(matches!(
            open(&note, "o", &PublicKey::of(&key())),
            Err(Error::BadCheckpoint { .. })
        ));
    }

    #[test]
    fn unknown_cosignatures_are_ignored() {
        let cp = Checkpoint {
            origin: "o".into(),
            size: 1,
            root: Hash::of(b"x"),
        };
        let other = sign(&cp, "witness.example", &SigningKey::from_bytes(&[9; 32]));
        let mine = sign(&cp, "o", &key());
        let both = format!("{}{}", mine, other.rsplit("\n\n").next().unwrap());
        assert_eq!(open(&both, "o", &PublicKey::of(&key())).unwrap(), cp);
        assert!(open(&other, "o", &PublicKey::of(&key())).is_err());
    }
}
