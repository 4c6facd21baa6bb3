//! Key rotation (docs/spec/identity.md §Rotation): an organisation hands its ledger
//! over from its key to a new one with one `key.rotate` entry, signed by the old key
//! like every entry, whose payload carries the new key's signature over the hand-over.
//! Both keys sign it; from the next entry on, the new key signs entries and checkpoints.
//! The ledger keeps its origin: it is the same log under a new key.

use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::{self, IdentityCard, Signer};
use crate::signature::{self, domain_message, PublicKey};
use serde::{Deserialize, Serialize};

/// The entry kind of a hand-over.
pub const KIND_ROTATE: &str = "key.rotate";

/// What the new key signs: `domain_message(ROTATE_CONTEXT, SHA-256(origin || 0x00 ||
/// old key || new key))`.
pub const ROTATE_CONTEXT: &[u8] = b"tradeseal/v1/key-rotate";

/// The payload of a `key.rotate` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotatePayload {
    /// The card of the key handing over (the entry's author).
    pub old_card: IdentityCard,
    /// The card of the key taking over: same origin, its own fingerprint and vkey.
    pub new_card: IdentityCard,
    /// The new key's Ed25519 signature over the hand-over, hex.
    pub new_signature: String,
}

/// The payload of a version 2 `key.rotate` entry (ledger.md §8.2): v1's fields, and
/// `after`, the `seq` of the officer-set entry before it (`null` for the first). The
/// officer set (tradeseal-log) checks it as it replays the ledger; this reads its cards.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotatePayloadV2 {
    pub after: Option<u64>,
    pub old_card: IdentityCard,
    pub new_card: IdentityCard,
    pub new_signature: String,
}

/// The first (`newest` false) or the latest hand-over of a version 2 ledger, if any.
pub fn v2_hand_over(
    ledger: &crate::ledger::Ledger,
    newest: bool,
) -> Result<Option<RotatePayloadV2>> {
    use tradeseal_log::db::Sql;
    let sql = format!(
        "SELECT seq, payload FROM entries WHERE kind = '{KIND_ROTATE}' AND v = 2 ORDER BY seq {} LIMIT 1",
        if newest { "DESC" } else { "ASC" }
    );
    let Some(row) = ledger.sql().query_one(&sql, &[])? else {
        return Ok(None);
    };
    let (seq, payload) = (row.int(0)?, row.text(1)?);
    serde_json::from_str(&payload).map(Some).map_err(|e| {
        Error::invalid(
            format!("entry {seq}"),
            format!("not a key hand-over ({e}): the entry is damaged; run `tradeseal verify`"),
        )
    })
}

/// A hand-over that checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub old: PublicKey,
    pub new: PublicKey,
    pub old_card: IdentityCard,
    pub new_card: IdentityCard,
}

pub fn rotation_message(origin: &str, old: &PublicKey, new: &PublicKey) -> Vec<u8> {
    let digest = Hash::of_parts(&[origin.as_bytes(), &[0], &old.to_bytes(), &new.to_bytes()]);
    domain_message(ROTATE_CONTEXT, &digest.0)
}

/// The new key's card: the old card's organisation, GLN and origin, the new key.
pub fn successor_card(old: &IdentityCard, new: &PublicKey) -> Result<IdentityCard> {
    let gln = old.gln.as_deref().map(crate::gs1::Gln::parse).transpose()?;
    Ok(IdentityCard::new(&old.org, gln.as_ref(), new, &old.origin))
}

/// The canonical payload of the hand-over from `old` to `new` (both unlocked).
pub fn rotation_payload(old: &Signer, new: &Signer) -> Result<String> {
    if old.public_key() == new.public_key() {
        return Err(Error::invalid("key", "the new key is the old key"));
    }
    if new.card.origin != old.card.origin {
        return Err(Error::invalid(
            "card",
            "the new card names another ledger origin",
        ));
    }
    let msg = rotation_message(&old.card.origin, &old.public_key(), &new.public_key());
    let payload = RotatePayload {
        old_card: old.card.clone(),
        new_card: new.card.clone(),
        new_signature: hex::encode(signature::sign(&new.key, &msg)),
    };
    crate::entry::canonical_payload(&payload)
}

/// Checks the payload of a `key.rotate` entry written by `author` in the ledger whose
/// origin is `origin`: both cards belong to their keys and to that origin, the old card
/// is the author's, the keys differ, and the new key's signature verifies (strictly).
pub fn check_rotation(payload: &str, author: &PublicKey, origin: &str) -> Result<Rotation> {
    let p: RotatePayload = serde_json::from_str(payload).map_err(|e| {
        Error::invalid(
            "payload",
            format!("not a key hand-over ({e}): the entry is damaged"),
        )
    })?;
    let old = card_key(&p.old_card, origin, "old_card")?;
    let new = card_key(&p.new_card, origin, "new_card")?;
    if old != *author {
        return Err(Error::invalid(
            "old_card",
            "the hand-over is not written by the key it hands over",
        ));
    }
    if new == old {
        return Err(Error::invalid("new_card", "the new key is the old key"));
    }
    let mut sig = [0u8; 64];
    hex::decode_to_slice(&p.new_signature, &mut sig)
        .map_err(|_| Error::invalid("new_signature", "not a 64-byte hex signature"))?;
    if !new.verify(&rotation_message(origin, &old, &new), &sig) {
        return Err(Error::invalid(
            "new_signature",
            "the new key's signature over the hand-over does not verify: the new key did not agree to it",
        ));
    }
    Ok(Rotation {
        old,
        new,
        old_card: p.old_card,
        new_card: p.new_card,
    })
}

/// The key of `card` if the card is whole for the ledger `origin`: fingerprint and
/// verifier key derived from its key, and that origin.
pub fn card_key(card: &IdentityCard, origin: &str, field: &str) -> Result<PublicKey> {
    let key = PublicKey::from_hex(&card.public_key).ok_or_else(|| {
        Error::invalid(
            field,
            "the public key is not a valid (non-weak) Ed25519 key",
        )
    })?;
    let whole = card.format == identity::CARD_FORMAT
        && card.fingerprint == identity::fingerprint(&key)
        && card.origin == origin
        && card.vkey == crate::checkpoint::vkey(origin, &key);
    if !whole {
        return Err(Error::invalid(
            field,
            "the card does not belong to its key and this ledger: it was altered",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical;
    use ed25519_dalek::SigningKey;

    fn signer(seed: u8, origin: Option<&str>) -> Signer {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let pk = PublicKey::of(&key);
        let origin = origin.map_or_else(|| identity::origin_for(&pk), str::to_string);
        let card = IdentityCard::new("Finca La Esperanza", None, &pk, &origin);
        Signer { key, card }
    }

    #[test]
    fn a_hand_over_checks_and_each_forgery_fails() {
        let old = signer(1, None);
        let new = signer(2, Some(&old.card.origin));
        let origin = old.card.origin.clone();
        let text = rotation_payload(&old, &new).unwrap();
        let r = check_rotation(&text, &old.public_key(), &origin).unwrap();
        assert_eq!(r.new, new.public_key());

        // Written by someone else than the old key.
        assert!(check_rotation(&text, &new.public_key(), &origin).is_err());
        // For another ledger.
        assert!(check_rotation(&text, &old.public_key(), "tradeseal/0000000000000000").is_err());
        // The new key did not sign (a third key's signature).
        let mut p: RotatePayload = serde_json::from_str(&text).unwrap();
        let mallory = signer(3, Some(&origin));
        p.new_signature = hex::encode(signature::sign(
            &mallory.key,
            &rotation_message(&origin, &old.public_key(), &new.public_key()),
        ));
        let forged = canonical::to_canonical(&p).unwrap();
        assert!(check_rotation(&forged, &old.public_key(), &origin).is_err());
        // A substituted new key with its signature, but the card not its own.
        let mut p: RotatePayload = serde_json::from_str(&text).unwrap();
        p.new_card.public_key = mallory.card.public_key.clone();
        let swapped = canonical::to_canonical(&p).unwrap();
        assert!(check_rotation(&swapped, &old.public_key(), &origin).is_err());
        // Handing over to itself.
        assert!(rotation_payload(&old, &old).is_err());
    }
}
