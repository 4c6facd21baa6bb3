//! Ledger entries: their canonical body, entry hash and signature (docs/spec/ledger.md).

use crate::canonical;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::merkle;
use crate::signature::{self, domain_message, PublicKey, ENTRY_CONTEXT};
use crate::time::Timestamp;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// The entry format version, the `v` member of every body.
pub const ENTRY_VERSION: u32 = 1;

/// The audit note, the first entry kind.
pub const KIND_NOTE: &str = "note";

/// Longest note text accepted, in characters.
pub const NOTE_MAX_CHARS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePayload {
    pub text: String,
}

impl NotePayload {
    pub fn new(text: &str) -> Result<NotePayload> {
        let t = text.trim();
        if t.is_empty() {
            return Err(Error::invalid(
                "text",
                "the note is empty: write what happened",
            ));
        }
        if t.chars().count() > NOTE_MAX_CHARS {
            return Err(Error::invalid("text", format!("the note is longer than {NOTE_MAX_CHARS} characters: shorten it or attach a document")));
        }
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(Error::invalid(
                "text",
                "the note holds control characters: remove them",
            ));
        }
        Ok(NotePayload {
            text: t.to_string(),
        })
    }
}

/// A kind name: lowercase ASCII letters, digits, `.` and `-`, starting with a letter, at most 64.
pub fn check_kind(kind: &str) -> Result<()> {
    let ok = (1..=64).contains(&kind.len())
        && kind.starts_with(|c: char| c.is_ascii_lowercase())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "kind",
            format!("{kind:?} is not a kind name (a-z, 0-9, '.', '-')"),
        ))
    }
}

/// `{"author":…,"kind":…,"payload":…`: the members both versions' bodies begin with,
/// in RFC 8785 order.
fn body_head(author: &[u8; 32], kind: &str, payload: &str) -> String {
    let mut out = String::with_capacity(200 + payload.len());
    out.push_str("{\"author\":\"");
    out.push_str(&hex::encode(author));
    out.push_str("\",\"kind\":");
    out.push_str(&canonical::string_literal(kind));
    out.push_str(",\"payload\":");
    out.push_str(payload);
    out
}

/// The signed part of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    pub seq: u64,
    pub kind: String,
    pub time: Timestamp,
    pub author: [u8; 32],
    pub prev: Hash,
    /// RFC 8785 canonical JSON text.
    pub payload: String,
}

impl Body {
    /// The RFC 8785 text of `{"author","kind","payload","prev","seq","time","v"}`.
    /// Written by hand for speed; equal to canonicalising the object, as a test checks.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = body_head(&self.author, &self.kind, &self.payload);
        out.push_str(",\"prev\":\"");
        out.push_str(&self.prev.to_hex());
        out.push_str("\",\"seq\":");
        out.push_str(&self.seq.to_string());
        out.push_str(",\"time\":\"");
        out.push_str(&self.time.to_rfc3339());
        out.push_str("\",\"v\":");
        out.push_str(&ENTRY_VERSION.to_string());
        out.push('}');
        out.into_bytes()
    }

    pub fn hash(&self) -> Hash {
        Hash::of(&self.to_bytes())
    }
}

/// A version-2 entry's body (ledger.md §8.1): no `prev` and no signature of its own;
/// its commit's note authenticates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyV2 {
    pub seq: u64,
    pub kind: String,
    /// The commit's time.
    pub time: Timestamp,
    pub author: [u8; 32],
    /// RFC 8785 canonical JSON text.
    pub payload: String,
}

impl BodyV2 {
    /// The RFC 8785 text of `{"author","kind","payload","seq","time","v":2}`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = body_head(&self.author, &self.kind, &self.payload);
        out.push_str(",\"seq\":");
        out.push_str(&self.seq.to_string());
        out.push_str(",\"time\":\"");
        out.push_str(&self.time.to_rfc3339());
        out.push_str("\",\"v\":2}");
        out.into_bytes()
    }

    pub fn hash(&self) -> Hash {
        Hash::of(&self.to_bytes())
    }

    /// The Merkle leaf hash: RFC 9162 leaf hash of the entry hash.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.hash().0)
    }
}

/// An entry as stored: body, entry hash and the author's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub body: Body,
    pub hash: Hash,
    pub signature: [u8; 64],
}

impl Entry {
    /// Hashes and signs `body` with `key`, which must be the body's author.
    pub fn seal(body: Body, key: &SigningKey) -> Entry {
        debug_assert_eq!(body.author, PublicKey::of(key).to_bytes());
        let hash = body.hash();
        let signature = signature::sign(key, &signed_message(&hash));
        Entry {
            body,
            hash,
            signature,
        }
    }

    /// The Merkle leaf hash: RFC 9162 leaf hash of the 32-byte entry hash.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.hash.0)
    }
}

/// What an entry's signature covers: the domain-separated entry hash.
pub fn signed_message(hash: &Hash) -> Vec<u8> {
    domain_message(ENTRY_CONTEXT, &hash.0)
}

/// Largest payload accepted, in bytes of canonical JSON.
pub const PAYLOAD_MAX_BYTES: usize = 1 << 20;

pub fn canonical_payload<T: Serialize>(payload: &T) -> Result<String> {
    let s = canonical::to_canonical(payload)?;
    if s.len() > PAYLOAD_MAX_BYTES {
        return Err(Error::invalid(
            "payload",
            "larger than 1 MiB: attach large documents by hash instead",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body() -> Body {
        Body {
            seq: 7,
            kind: "note".into(),
            time: Timestamp::from_unix_millis(1_795_000_000_000).unwrap(),
            author: [0xab; 32],
            prev: Hash::of(b"prev"),
            payload: canonical::to_canonical(&json!({"text": "Ünïcode \"quoted\"\n"})).unwrap(),
        }
    }

    #[test]
    fn hand_written_body_equals_canonicalised_object() {
        let b = body();
        let obj = json!({
            "v": 1, "seq": 7, "kind": "note", "time": b.time.to_rfc3339(),
            "author": hex::encode(b.author), "prev": b.prev.to_hex(),
            "payload": serde_json::from_str::<serde_json::Value>(&b.payload).unwrap(),
        });
        assert_eq!(
            String::from_utf8(b.to_bytes()).unwrap(),
            canonical::to_canonical(&obj).unwrap()
        );
    }

    #[test]
    fn hand_written_v2_body_equals_canonicalised_object() {
        let b = body();
        let v2 = BodyV2 {
            seq: b.seq,
            kind: "officer.add".into(),
            time: b.time,
            author: b.author,
            payload: b.payload.clone(),
        };
        let obj = json!({
            "v": 2, "seq": 7, "kind": "officer.add", "time": b.time.to_rfc3339(),
            "author": hex::encode(b.author),
            "payload": serde_json::from_str::<serde_json::Value>(&b.payload).unwrap(),
        });
        assert_eq!(
            String::from_utf8(v2.to_bytes()).unwrap(),
            canonical::to_canonical(&obj).unwrap()
        );
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(NotePayload::new("  hi \n").unwrap().text, "hi");
        assert!(NotePayload::new("   ").is_err());
        assert!(NotePayload::new("a\u{7}b").is_err());
        assert!(NotePayload::new(&"x".repeat(NOTE_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn kinds_are_restricted() {
        assert!(check_kind("note").is_ok());
        assert!(check_kind("epcis.event").is_ok());
        assert!(check_kind("Note").is_err());
        assert!(check_kind("").is_err());
        assert!(check_kind("1note").is_err());
    }
}
