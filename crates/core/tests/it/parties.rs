//! Partners' cards and trust decisions on a real ledger.

use crate::{new_home, t};
use tradeseal_core::checkpoint;
use tradeseal_core::identity::{self, IdentityCard};
use tradeseal_core::parties::{self, SignerStatus, TrustStatus};
use tradeseal_core::signature::PublicKey;
use tradeseal_core::{ErrorCode, Timestamp};

fn card(seed: u8, org: &str) -> IdentityCard {
    let key = PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[seed; 32]));
    IdentityCard::new(org, None, &key, &identity::origin_for(&key))
}

#[test]
fn a_card_with_a_substituted_key_is_refused() {
    let good = card(7, "Finca El Mirador");
    assert!(parties::check_card(&good).is_ok());
    let other = card(8, "Mallory");
    let mut swapped = good.clone();
    swapped.public_key = other.public_key.clone();
    let e = parties::check_card(&swapped).unwrap_err().to_string();
    assert!(
        e.contains("fingerprint does not belong to the card's key"),
        "{e}"
    );
    let mut swapped_all = swapped.clone();
    swapped_all.fingerprint = other.fingerprint.clone();
    assert!(parties::check_card(&swapped_all)
        .unwrap_err()
        .to_string()
        .contains("log origin"));
    swapped_all.origin = other.origin.clone();
    assert!(parties::check_card(&swapped_all)
        .unwrap_err()
        .to_string()
        .contains("verifier key"));
    swapped_all.vkey = checkpoint::vkey(
        &other.origin,
        &PublicKey::from_hex(&other.public_key).unwrap(),
    );
    // A card wholly of the other key is a valid card, of Mallory's key: the fingerprint
    // people compare is what catches that.
    assert_eq!(
        parties::check_card(&swapped_all).unwrap().fingerprint,
        other.fingerprint
    );
    let mut weak = good.clone();
    weak.public_key = "01".to_string() + &"00".repeat(31);
    assert!(parties::check_card(&weak).is_err());
    assert!(parties::parse_card("{}").is_err());
}

#[test]
fn trust_decisions_are_entries_and_set_the_status_at_event_time() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let farm = card(7, "Finca El Mirador");
    let key = farm.public_key.clone();

    // A decision about a key without a card is refused and writes nothing.
    let e = l
        .append(&s, t(1), &[parties::trust_entry(&key).unwrap()])
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(l.size().unwrap(), 0);

    l.append(&s, t(1), &[parties::add_entry(&farm).unwrap()])
        .unwrap();
    assert!(parties::has_card(&l, &farm).unwrap());
    assert_eq!(
        parties::find(&l, &key[..10]).unwrap().status,
        TrustStatus::Unknown
    );
    assert_eq!(
        parties::signer_status(&l, &key, 0).unwrap(),
        SignerStatus::Unknown
    );

    l.append(&s, t(2), &[parties::trust_entry(&key).unwrap()])
        .unwrap();
    assert_eq!(
        parties::signer_status(&l, &key, 0).unwrap(),
        SignerStatus::Trusted
    );
    assert_eq!(
        parties::find(&l, &farm.fingerprint.replace(' ', ""))
            .unwrap()
            .card,
        farm
    );

    let from = Timestamp::parse_rfc3339("2026-03-01T00:00:00Z").unwrap();
    assert!(
        parties::revoke_entry(&key, from, "  ").is_err(),
        "a revocation says why"
    );
    l.append(
        &s,
        t(3),
        &[parties::revoke_entry(&key, from, "Certificate withdrawn").unwrap()],
    )
    .unwrap();
    let before = from.unix_millis() - 1;
    assert!(matches!(
        parties::signer_status(&l, &key, before).unwrap(),
        SignerStatus::RevokedLater { .. }
    ));
    match parties::signer_status(&l, &key, from.unix_millis()).unwrap() {
        SignerStatus::Revoked { reason, from: f } => {
            assert_eq!(reason, "Certificate withdrawn");
            assert_eq!(f, "2026-03-01T00:00:00.000Z");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parties::signer_status(&l, &card(9, "Other").public_key, 0).unwrap(),
        SignerStatus::Unknown
    );
    assert_eq!(
        parties::signer_status(&l, &home.card().public_key, 0).unwrap(),
        SignerStatus::Own
    );

    let kinds: Vec<String> = parties::history(&l, &key)
        .unwrap()
        .into_iter()
        .map(|d| d.kind)
        .collect();
    assert_eq!(kinds, ["party.add", "party.trust", "party.revoke"]);
    assert_eq!(parties::list(&l).unwrap().len(), 1);
    assert!(
        parties::find(&l, "0000").is_err(),
        "prefixes shorter than 8 digits match nothing"
    );
}
