//! Key rotation: the hand-over in the ledger signed by both keys, the ledger verified
//! across it, crash recovery of the key files, and partners following it in bundles.

use crate::bundle::{set, tamper};
use crate::epcis::{coffee_chain, import_bytes};
use crate::{new_home, t, PASS};
use tradeseal_core::bundle::{self, BundleReport, BundleVerdict};
use tradeseal_core::epcis;
use tradeseal_core::home::{Home, InitOptions, CARD_FILE, KEY_FILE};
use tradeseal_core::keys;
use tradeseal_core::ledger::NewEntry;
use tradeseal_core::parties::{self, SignerStatus};
use tradeseal_core::verify::{self, Verdict};

const R_031: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-031";

fn codes(r: &verify::Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

fn bundle_codes(r: &BundleReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

/// One more event about the roasted lot, recorded after a rotation.
fn inspection() -> Vec<u8> {
    br#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-20T08:00:00.000Z","epcisBody":{"eventList":[
      {"type":"ObjectEvent","eventTime":"2026-03-19T10:00:00.000+01:00","eventTimeZoneOffset":"+01:00","action":"OBSERVE","bizStep":"inspecting","readPoint":{"id":"urn:epc:id:sgln:4012345.00009.0"},"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.R-2026-031","quantity":48}]}
    ]}}"#.to_vec()
}

#[test]
fn a_rotated_ledger_verifies_and_signs_with_the_new_key() {
    if crate::version_1_only("key rotate of a version 1 ledger (a team ledger's: ledger_v2)") {
        return;
    }
    let (_d, mut home, old) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&old, t(1), &[NewEntry::note("before").unwrap()])
        .unwrap();
    let saved = l.checkpoint_note().unwrap();
    drop(l);
    let old_card = home.card().clone();
    let seq = home.rotate_key(PASS, [4; 32], t(2), 10).unwrap();
    assert_eq!(seq, 1);

    // The card changed key but kept the ledger's origin; the key file holds the new key.
    let card = home.card().clone();
    assert_ne!(card.public_key, old_card.public_key);
    assert_eq!(card.origin, old_card.origin);
    let reopened = Home::open(home.path()).unwrap();
    assert_eq!(reopened.card(), &card);
    let new = reopened.unlock(PASS).unwrap();
    assert_eq!(new.card.public_key, card.public_key);
    assert!(!home.path().join(format!("{KEY_FILE}.next")).exists());

    // The old key can no longer write; the new one can.
    let mut l = home.ledger().unwrap();
    assert!(l
        .append(&old, t(3), &[NewEntry::note("old key").unwrap()])
        .is_err());
    l.append(&new, t(3), &[NewEntry::note("after").unwrap()])
        .unwrap();

    // The whole ledger verifies: entries 0-1 by the old key, 2 by the new, the
    // checkpoint under the new key, and a checkpoint saved before the rotation.
    let r = verify::verify(&l, Some(&saved), &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
    assert_eq!(r.saved_checkpoint_size, Some(1));
    let e0 = l.entry(0).unwrap();
    let e2 = l.entry(2).unwrap();
    assert_eq!(hex::encode(e0.body.author), old_card.public_key);
    assert_eq!(hex::encode(e2.body.author), card.public_key);
    let rotations = l.rotations().unwrap();
    assert_eq!(rotations.len(), 1);
    assert_eq!(rotations[0].1.old_card, old_card);
    assert!(l.is_own_key(&old_card.public_key).unwrap());
    assert_eq!(
        parties::signer_status(&l, &old_card.public_key, 0).unwrap(),
        SignerStatus::Own
    );
}

#[test]
fn a_forged_hand_over_is_found_by_verification() {
    if crate::version_1_only("key rotate of a version 1 ledger (a team ledger's: ledger_v2)") {
        return;
    }
    let (_d, home, old) = new_home();
    let mut l = home.ledger().unwrap();
    // A hand-over the new key never signed: a third key's signature.
    let new = tradeseal_core::identity::Signer {
        key: ed25519_dalek::SigningKey::from_bytes(&[4; 32]),
        card: keys::successor_card(
            home.card(),
            &tradeseal_core::signature::PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(
                &[4; 32],
            )),
        )
        .unwrap(),
    };
    let mut p: keys::RotatePayload =
        serde_json::from_str(&keys::rotation_payload(&old, &new).unwrap()).unwrap();
    p.new_signature = "00".repeat(64);
    l.append(
        &old,
        t(1),
        &[NewEntry {
            kind: keys::KIND_ROTATE.into(),
            payload: tradeseal_core::canonical::to_canonical(&p).unwrap(),
            index: None,
        }],
    )
    .unwrap();
    let r = verify::verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Failed);
    assert_eq!(codes(&r), ["rotation-invalid"]);
    assert_eq!(r.first_bad, Some(0));
}

#[test]
fn an_interrupted_rotation_is_finished_or_dropped_by_what_the_ledger_says() {
    if crate::version_1_only("key rotate of a version 1 ledger (a team ledger's: ledger_v2)") {
        return;
    }
    // Before the ledger committed: the new files are dropped, the old key stays.
    let (_d, home, _old) = new_home();
    let card = home.card().clone();
    std::fs::write(home.path().join(format!("{KEY_FILE}.next")), b"x").unwrap();
    std::fs::write(home.path().join(format!("{CARD_FILE}.next")), b"{}").unwrap();
    let h = Home::open(home.path()).unwrap();
    assert_eq!(h.card(), &card);
    assert!(!home.path().join(format!("{KEY_FILE}.next")).exists());
    assert!(h.unlock(PASS).is_ok());

    // After the ledger committed, before the files moved: they are moved into place.
    let (_d2, home, old) = new_home();
    let seed = [6u8; 32];
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let new_card =
        keys::successor_card(home.card(), &tradeseal_core::signature::PublicKey::of(&key)).unwrap();
    let new = tradeseal_core::identity::Signer {
        key,
        card: new_card.clone(),
    };
    std::fs::write(
        home.path().join(format!("{KEY_FILE}.next")),
        tradeseal_core::identity::encrypt_seed(&seed, PASS, 10).unwrap(),
    )
    .unwrap();
    std::fs::write(
        home.path().join(format!("{CARD_FILE}.next")),
        serde_json::to_vec(&new_card).unwrap(),
    )
    .unwrap();
    let mut l = home.ledger().unwrap();
    l.rotate(&old, &new, t(1)).unwrap();
    drop(l);
    let h = Home::open(home.path()).unwrap();
    assert_eq!(h.card(), &new_card);
    assert_eq!(h.unlock(PASS).unwrap().card.public_key, new_card.public_key);
    let r = verify::verify(&h.ledger().unwrap(), None, &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
}

/// An importer that rotates its key between recording the chain and an inspection; a
/// roaster that trusted the old key verifies the bundle and follows the hand-over.
#[test]
fn partners_follow_a_rotation_in_a_bundle() {
    if crate::version_1_only("key rotate of a version 1 ledger (a team ledger's: ledger_v2)") {
        return;
    }
    let (_d, mut home, old) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &old, &coffee_chain()).unwrap();
    drop(l);
    let old_card = home.card().clone();
    home.rotate_key(PASS, [4; 32], t(2), 10).unwrap();
    let new = home.unlock(PASS).unwrap();
    let mut l = home.ledger().unwrap();
    let doc = inspection();
    epcis::import(
        &mut l,
        &new,
        t(3),
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(&doc[..]),
        true,
        &mut |_| {},
    )
    .unwrap();
    let mut out = Vec::new();
    let n = bundle::export(&l, home.card(), "lot", R_031, &mut out).unwrap();
    assert_eq!(
        n, 9,
        "seven events by the old key, the hand-over, one by the new key"
    );
    let text = String::from_utf8(out.clone()).unwrap();
    assert_eq!(text.matches("\"type\":\"card\"").count(), 2);

    // Nobody trusted yet: both keys unknown, nothing broken.
    let r = bundle::verify(&out[..], None, &mut |_| true).unwrap();
    assert_eq!(
        r.verdict,
        BundleVerdict::VerifiedWithWarnings,
        "{:?}",
        r.findings
    );
    assert!(!bundle_codes(&r)
        .iter()
        .any(|c| c.starts_with("key-") || *c == "card-altered"));

    // The roaster trusted the importer's old card; the new key inherits that.
    let dir = tempfile::tempdir().unwrap();
    let roaster = crate::init_home(
        &dir.path().join("roaster"),
        InitOptions {
            org: "Roaster",
            gln: None,
            passphrase: PASS,
            seed: [9; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let rs = roaster.unlock(PASS).unwrap();
    let mut rl = roaster.ledger().unwrap();
    rl.append(
        &rs,
        t(1),
        &[
            parties::add_entry(&old_card).unwrap(),
            parties::trust_entry(&old_card.public_key).unwrap(),
        ],
    )
    .unwrap();
    let r = bundle::verify(&out[..], Some(&rl), &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert!(r.authors.iter().all(|a| a.status == "trusted"));

    // Importing records the hand-over in the roaster's trust store, as an entry.
    let imported = bundle::import(&mut rl, &rs, t(5), || Ok(&out[..]), &mut |_| true).unwrap();
    assert_eq!(imported.new_entries, 9);
    let new_key = home.card().public_key.clone();
    assert_eq!(
        parties::signer_status(&rl, &new_key, 0).unwrap(),
        SignerStatus::Trusted
    );
    let history = parties::history(&rl, &new_key).unwrap();
    assert_eq!(history.last().unwrap().kind, parties::KIND_ROTATE);
    let rv = verify::verify(&rl, None, &mut |_, _| {}).unwrap();
    assert_eq!(rv.verdict, Verdict::Intact, "{:?}", rv.findings);

    // The next hop: the roaster passes the importer's rotated chain on, unchanged.
    let mut again = Vec::new();
    let n = bundle::export(&rl, roaster.card(), "lot", R_031, &mut again).unwrap();
    assert_eq!(n, 9);
    let r = bundle::verify(&again[..], None, &mut |_| true).unwrap();
    assert_eq!(
        r.verdict,
        BundleVerdict::VerifiedWithWarnings,
        "{:?}",
        r.findings
    );
    assert!(
        r.findings.iter().all(|f| f.code == "signer-unknown"),
        "{:?}",
        r.findings
    );

    // A revoked old key stays revoked under its new key.
    let (_d3, h3, s3) = new_home_named("Customs broker", [11; 32]);
    let mut l3 = h3.ledger().unwrap();
    l3.append(
        &s3,
        t(1),
        &[
            parties::add_entry(&old_card).unwrap(),
            parties::trust_entry(&old_card.public_key).unwrap(),
            parties::revoke_entry(
                &old_card.public_key,
                tradeseal_core::Timestamp::parse_canonical("2026-03-19T00:00:00.000Z").unwrap(),
                "stolen key reported",
            )
            .unwrap(),
        ],
    )
    .unwrap();
    let r = bundle::verify(&out[..], Some(&l3), &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let revoked: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "signer-revoked")
        .collect();
    // The hand-over itself (signed by the old key after the revocation date) and the
    // new key's event.
    assert_eq!(revoked.len(), 2, "{:?}", r.findings);
    assert!(revoked[0]
        .party
        .as_deref()
        .unwrap()
        .contains(&old_card.public_key[..16]));
    assert!(revoked[1]
        .party
        .as_deref()
        .unwrap()
        .contains(&new_key[..16]));
}

fn new_home_named(
    org: &str,
    seed: [u8; 32],
) -> (tempfile::TempDir, Home, tradeseal_core::identity::Signer) {
    let dir = tempfile::tempdir().unwrap();
    let home = crate::init_home(
        &dir.path().join("h"),
        InitOptions {
            org,
            gln: None,
            passphrase: PASS,
            seed,
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let s = home.unlock(PASS).unwrap();
    (dir, home, s)
}

/// The importer's bundle of the roasted lot: seven events by its old key, the
/// hand-over, one event by its new key.
fn rotated_bundle() -> (
    tempfile::TempDir,
    Home,
    tradeseal_core::identity::Signer,
    Vec<u8>,
) {
    let (d, mut home, old) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &old, &coffee_chain()).unwrap();
    drop(l);
    home.rotate_key(PASS, [4; 32], t(2), 10).unwrap();
    let new = home.unlock(PASS).unwrap();
    let mut l = home.ledger().unwrap();
    let doc = inspection();
    epcis::import(
        &mut l,
        &new,
        t(3),
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(&doc[..]),
        true,
        &mut |_| {},
    )
    .unwrap();
    let mut out = Vec::new();
    bundle::export(&l, home.card(), "lot", R_031, &mut out).unwrap();
    (d, home, old, out)
}

/// Attacks on a hand-over inside a bundle, each refused with its code; with
/// `TRADESEAL_BLESS=1` also written to tests/vectors/bundle/ (checked there by
/// `attack_vector_files_are_refused_with_their_codes`).
#[test]
fn a_bundle_without_its_hand_over_or_with_a_retired_key_fails() {
    if crate::version_1_only("key rotate of a version 1 ledger (a team ledger's: ledger_v2)") {
        return;
    }
    let (_d, home, old, out) = rotated_bundle();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![("valid-rotated", out.clone())];
    let text = String::from_utf8(out.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let rotate = lines
        .iter()
        .position(|x| x.contains("\"entry_kind\":\"key.rotate\""))
        .unwrap();

    // The hand-over removed (and the end record made right again): the new key's
    // entry and card stand unproven.
    let bytes = tamper(&out, |ls| {
        ls.remove(rotate);
    });
    let r = bundle::verify(&bytes[..], None, &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let c = bundle_codes(&r);
    assert!(c.contains(&"key-not-handed-over"), "{c:?}");
    assert!(c.contains(&"card-altered"), "{c:?}");
    cases.push(("key-not-handed-over", bytes));

    // The successor card swapped for another key's claim to the same ledger.
    let mallory = ed25519_dalek::SigningKey::from_bytes(&[13; 32]);
    let fake = keys::successor_card(
        home.card(),
        &tradeseal_core::signature::PublicKey::of(&mallory),
    )
    .unwrap();
    let new_card_line = lines
        .iter()
        .position(|x| x.contains(&home.card().public_key) && x.contains("\"type\":\"card\""))
        .unwrap();
    let bytes = tamper(&out, |ls| {
        ls[new_card_line] = set(&ls[new_card_line], |v| {
            v["card"] = serde_json::to_value(&fake).unwrap()
        })
    });
    let r = bundle::verify(&bytes[..], None, &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let c = bundle_codes(&r);
    assert!(c.contains(&"rotation-invalid"), "{c:?}");
    cases.push(("rotation-invalid", bytes));

    // The retired key signs an entry after its hand-over (a stolen old key).
    let last_entry = lines.len() - 2;
    let bytes = tamper(&out, |ls| {
        ls[last_entry] = set(&ls[last_entry], |v| {
            let payload = tradeseal_core::canonical::to_canonical(&v["payload"]).unwrap();
            let body = tradeseal_core::entry::Body {
                seq: v["seq"].as_u64().unwrap(),
                kind: v["entry_kind"].as_str().unwrap().into(),
                time: tradeseal_core::Timestamp::parse_canonical(v["time"].as_str().unwrap())
                    .unwrap(),
                author: old.public_key().to_bytes(),
                prev: tradeseal_core::Hash::from_slice(
                    &hex::decode(v["prev"].as_str().unwrap()).unwrap(),
                )
                .unwrap(),
                payload,
            };
            let hash = body.hash();
            v["author"] = old.public_key().to_hex().into();
            v["hash"] = hash.to_hex().into();
            v["signature"] = hex::encode(tradeseal_core::signature::sign(
                &old.key,
                &tradeseal_core::entry::signed_message(&hash),
            ))
            .into();
        })
    });
    let r = bundle::verify(&bytes[..], None, &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let c = bundle_codes(&r);
    assert!(c.contains(&"key-retired"), "{c:?}");
    cases.push(("key-retired", bytes));

    let r = bundle::verify(&out[..], None, &mut |_| true).unwrap();
    assert_eq!(
        r.verdict,
        BundleVerdict::VerifiedWithWarnings,
        "{:?}",
        r.findings
    );
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        let dir = crate::epcis::root().join("tests/vectors/bundle");
        for (name, bytes) in cases {
            std::fs::write(dir.join(format!("{name}.tsbundle")), bytes).unwrap();
        }
    }
}
