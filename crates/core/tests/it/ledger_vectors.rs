//! The ledger format's test vectors (tests/vectors/ledger/v1.json, docs/spec/ledger.md):
//! a fixed key, times and notes must give exactly these bodies, hashes, signatures,
//! tree root and checkpoint. `TRADESEAL_BLESS=1` writes the file.

use serde_json::json;
use std::path::PathBuf;
use tradeseal_core::checkpoint::{self, Checkpoint};
use tradeseal_core::entry::{canonical_payload, Body, Entry, NotePayload};
use tradeseal_core::identity::{fingerprint, origin_for};
use tradeseal_core::merkle;
use tradeseal_core::signature::PublicKey;
use tradeseal_core::{Hash, Timestamp};

#[test]
fn ledger_v1_vectors_are_reproduced_exactly() {
    let seed = [0x11u8; 32];
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let pk = PublicKey::of(&key);
    let origin = origin_for(&pk);
    let mut prev = Hash::ZERO;
    let mut entries = Vec::new();
    let mut leaves = Vec::new();
    for (i, text) in [
        "Received 20 bags of green coffee, lot L-117",
        "Qualität geprüft: \"ok\"\nzweite Zeile",
        "出口 ✓",
    ]
    .iter()
    .enumerate()
    {
        let body = Body {
            seq: i as u64,
            kind: "note".into(),
            time: Timestamp::from_unix_millis(1_795_000_000_000 + i as i64 * 1500).unwrap(),
            author: pk.to_bytes(),
            prev,
            payload: canonical_payload(&NotePayload::new(text).unwrap()).unwrap(),
        };
        let e = Entry::seal(body, &key);
        prev = e.hash;
        leaves.push(e.leaf_hash());
        entries.push(json!({
            "body": String::from_utf8(e.body.to_bytes()).unwrap(),
            "entry_hash": e.hash.to_hex(),
            "signed_message_hex": hex::encode(tradeseal_core::entry::signed_message(&e.hash)),
            "signature": hex::encode(e.signature),
            "leaf_hash": e.leaf_hash().to_hex(),
        }));
    }
    let root = merkle::root_of_leaf_hashes(&leaves);
    let cp = Checkpoint {
        origin: origin.clone(),
        size: 3,
        root,
    };
    let doc = json!({
        "description": "TradeSeal ledger format v1: three note entries by the key with seed 0x11 x 32",
        "seed_hex": hex::encode(seed),
        "public_key": pk.to_hex(),
        "fingerprint": fingerprint(&pk),
        "origin": origin,
        "vkey": checkpoint::vkey(&origin, &pk),
        "entries": entries,
        "root": root.to_hex(),
        "checkpoint": checkpoint::sign(&cp, &origin, &key),
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/ledger/v1.json");
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the ledger format changed: formats are forever"
    );
}

#[test]
fn the_independent_checker_passes_the_vectors_and_fails_without_its_crypto() {
    let script = crate::epcis::root().join("tests/vectors/ledger/check.py");
    let ok = std::process::Command::new("python3")
        .arg(&script)
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success() && said.contains("all signatures OK"),
        "{said}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // `-S`: the standard library only, so `cryptography` cannot be imported; a checker
    // that cannot check the signatures must fail, and say why (it used to pass).
    let bare = std::process::Command::new("python3")
        .arg("-S")
        .arg(&script)
        .output()
        .expect("python3 runs");
    let why = String::from_utf8_lossy(&bare.stderr);
    assert!(
        !bare.status.success() && why.contains("`cryptography` package is missing"),
        "{why}"
    );
}

/// Ledger v2 (docs/spec/ledger.md §7-13): the organisation key enrols an officer
/// (commit 0), the officer writes two notes in one commit (1), the organisation one
/// more (2). Bodies, hashes, range roots, commit notes, multiproofs, and mutated cases
/// the independent checker must reject. `TRADESEAL_BLESS=1` writes the file.
#[test]
fn ledger_v2_vectors_are_reproduced_exactly() {
    use tradeseal_core::commit::{self, Commit, OfficerCard};
    use tradeseal_core::entry::BodyV2;
    let (org_seed, officer_seed) = ([0x11u8; 32], [0x22u8; 32]);
    let org = ed25519_dalek::SigningKey::from_bytes(&org_seed);
    let officer = ed25519_dalek::SigningKey::from_bytes(&officer_seed);
    let (org_pk, officer_pk) = (PublicKey::of(&org), PublicKey::of(&officer));
    let origin = origin_for(&org_pk);
    let card = OfficerCard::new(&origin, "Acme Coffee Importers", "Ana Ruiz", &officer_pk);
    let t = |i: i64| Timestamp::from_unix_millis(1_795_000_000_000 + i * 60_000).unwrap();
    let payload = |v: serde_json::Value| tradeseal_core::canonical::value_to_canonical(&v).unwrap();
    let note = |text: &str| canonical_payload(&NotePayload::new(text).unwrap()).unwrap();
    // (author key, time, [(kind, payload)]) per commit.
    let commits_in: Vec<(&ed25519_dalek::SigningKey, Timestamp, Vec<(&str, String)>)> = vec![
        (
            &org,
            t(0),
            vec![(
                "officer.add",
                payload(json!({"after": null, "card": card, "role": "officer"})),
            )],
        ),
        (
            &officer,
            t(1),
            vec![
                ("note", note("Received 20 bags of green coffee, lot L-117")),
                ("note", note("Qualität geprüft ✓")),
            ],
        ),
        (&org, t(2), vec![("note", note("Shipment 0042 released"))]),
    ];
    let mut bodies: Vec<BodyV2> = Vec::new();
    let mut commits = Vec::new();
    let mut notes = Vec::new();
    for (key, time, entries) in &commits_in {
        let start = bodies.len() as u64;
        for (kind, p) in entries {
            bodies.push(BodyV2 {
                seq: bodies.len() as u64,
                kind: kind.to_string(),
                time: *time,
                author: PublicKey::of(key).to_bytes(),
                payload: p.clone(),
            });
        }
        let leaves: Vec<Hash> = bodies.iter().map(BodyV2::leaf_hash).collect();
        let hashes: Vec<Hash> = bodies[start as usize..].iter().map(BodyV2::hash).collect();
        let c = Commit {
            checkpoint: Checkpoint {
                origin: origin.clone(),
                size: bodies.len() as u64,
                root: merkle::root_of_leaf_hashes(&leaves),
            },
            start,
            time: *time,
            range_root: commit::range_root(&hashes),
            set: Some(0),
        };
        let signed = c.sign(key);
        assert_eq!(commit::open(&signed, &PublicKey::of(key)).unwrap(), c);
        commits.push(json!({
            "start": c.start,
            "end": c.end(),
            "author": PublicKey::of(key).to_hex(),
            "range_root": c.range_root.to_hex(),
            "root": c.checkpoint.root.to_hex(),
            "note": signed,
        }));
        notes.push(signed);
    }
    let leaves: Vec<Hash> = bodies.iter().map(BodyV2::leaf_hash).collect();
    let levels = merkle::Levels::new(leaves.clone());
    let size = leaves.len() as u64;
    let root = merkle::root_of_leaf_hashes(&leaves);
    let mut multiproofs = Vec::new();
    for set in [vec![1u64, 2], vec![0, 3], vec![2], vec![0, 1, 2, 3]] {
        let proof = merkle::multiproof(&levels, size, &set).unwrap();
        let with: Vec<(u64, Hash)> = set.iter().map(|&i| (i, leaves[i as usize])).collect();
        assert_eq!(merkle::multiproof_root(size, &with, &proof), Some(root));
        multiproofs.push(json!({
            "size": size,
            "indices": set,
            "proof": proof.iter().map(Hash::to_hex).collect::<Vec<_>>(),
            "root": root.to_hex(),
        }));
    }
    // Entry 2 alone within commit 1's range tree (index 1 of 2 leaves).
    let range = merkle::Levels::new(leaves[1..3].to_vec());
    let range_proof = merkle::multiproof(&range, 2, &[1]).unwrap();
    // A forgery: the organisation's key signs a commit of an entry that names the
    // officer as its author (the attribution rule refuses it).
    let forged = BodyV2 {
        seq: 3,
        kind: "note".into(),
        time: t(2),
        author: officer_pk.to_bytes(),
        payload: note("Shipment 0042 released"),
    };
    let mut forged_leaves = leaves.clone();
    forged_leaves[3] = forged.leaf_hash();
    let forged_note = Commit {
        checkpoint: Checkpoint {
            origin: origin.clone(),
            size: 4,
            root: merkle::root_of_leaf_hashes(&forged_leaves),
        },
        start: 3,
        time: t(2),
        range_root: commit::range_root(&[forged.hash()]),
        set: Some(0),
    }
    .sign(&org);
    let doc = json!({
        "description": "TradeSeal ledger format v2: the organisation key (seed 0x11 x 32) enrols an officer (seed 0x22 x 32) in commit 0; the officer's two notes are commit 1; the organisation's note commit 2",
        "org": {
            "seed_hex": hex::encode(org_seed),
            "public_key": org_pk.to_hex(),
            "origin": origin,
            "fingerprint": fingerprint(&org_pk),
        },
        "officer": {
            "seed_hex": hex::encode(officer_seed),
            "public_key": officer_pk.to_hex(),
            "card": card,
        },
        "entries": bodies.iter().map(|b| json!({
            "body": String::from_utf8(b.to_bytes()).unwrap(),
            "entry_hash": b.hash().to_hex(),
            "leaf_hash": b.leaf_hash().to_hex(),
        })).collect::<Vec<_>>(),
        "commits": commits,
        "root": root.to_hex(),
        "multiproofs": multiproofs,
        "range_proofs": [{
            "commit": 1,
            "indices": [1],
            "proof": range_proof.iter().map(Hash::to_hex).collect::<Vec<_>>(),
        }],
        "invalid": [
            {
                "name": "author-mismatch",
                "why": "commit 2 replaced: the organisation's key signs an entry that names the officer as its author",
                "entry_body": String::from_utf8(forged.to_bytes()).unwrap(),
                "note": forged_note,
            },
            {
                "name": "note-altered",
                "why": "commit 1's note with its start changed from 1 to 2 after signing",
                "note": notes[1].replacen("tradeseal-commit/v2 1 ", "tradeseal-commit/v2 2 ", 1),
            },
            {
                "name": "multiproof-extra-hash",
                "why": "the multiproof of entries 1 and 2 with one hash too many",
                "indices": [1, 2],
                "proof": merkle::multiproof(&levels, size, &[1, 2]).unwrap().iter().map(Hash::to_hex).chain([Hash::ZERO.to_hex()]).collect::<Vec<_>>(),
            },
        ],
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/ledger/v2.json");
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the ledger v2 vectors changed: bless them only while v2 is unreleased"
    );
}

/// `officer.rotate` (docs/spec/ledger.md §8.2): the organisation (seed 0x11) enrols Ana
/// (0x22), she commits a note, hands her role to a new key of hers (0x23), which commits
/// a note; written by the store on SQLite (the clock handed in). Checked by
/// tests/vectors/ledger/check.py, which also refuses the altered hand-over.
#[test]
fn ledger_v2_officer_rotation_vector_is_current() {
    use tradeseal_core::commit::OfficerCard;
    use tradeseal_log::store::{Ledger, NewEntry, Role};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.sqlite");
    let org = ed25519_dalek::SigningKey::from_bytes(&[0x11; 32]);
    let (ana, ana2) = (
        ed25519_dalek::SigningKey::from_bytes(&[0x22; 32]),
        ed25519_dalek::SigningKey::from_bytes(&[0x23; 32]),
    );
    let t = |i: i64| Timestamp::from_unix_millis(1_795_000_000_000 + i * 60_000).unwrap();
    let mut l = Ledger::create(
        tradeseal_core::db::Conn::sqlite(&file).unwrap(),
        &PublicKey::of(&org),
    )
    .unwrap();
    let origin = l.origin().to_string();
    let card = |k: &ed25519_dalek::SigningKey| {
        OfficerCard::new(
            &origin,
            "Acme Coffee Importers",
            "Ana Ruiz",
            &PublicKey::of(k),
        )
    };
    let note = |text: &str| NewEntry {
        kind: "note".into(),
        payload: canonical_payload(&NotePayload::new(text).unwrap()).unwrap(),
    };
    l.add_officer(&org, t(0), &card(&ana), Role::Officer)
        .unwrap();
    l.commit(&ana, t(1), &[note("with the old key")]).unwrap();
    let message = tradeseal_log::commit::officer_rotate_message(
        &origin,
        &PublicKey::of(&ana),
        &PublicKey::of(&ana2),
    );
    let signature = tradeseal_core::signature::sign(&ana2, &message);
    l.rotate_officer(&ana, t(2), &card(&ana2), &signature)
        .unwrap();
    l.commit(&ana2, t(3), &[note("with the new key")]).unwrap();
    assert!(l.verify().unwrap().intact());
    let (entries, commits) = v2_rows(&l);
    let rotate = entries[2]["body"].as_str().unwrap();
    let i = rotate.find("\"new_signature\":\"").unwrap() + 17;
    let flipped = if &rotate[i..i + 1] == "0" { "1" } else { "0" };
    crate::vector_is_current(
        "tests/vectors/ledger/v2-rotate.json",
        &json!({
            "description": "TradeSeal ledger format v2, officer.rotate (ledger.md §8.2): the organisation key (seed 0x11 x 32) enrols Ana (seed 0x22 x 32) in commit 0; her note is commit 1; she hands her role to her new key (seed 0x23 x 32) in commit 2, committed by the old key with the new key's signature over SHA-256(origin || 0x00 || old || new) in the context tradeseal/v2/officer-rotate; the new key's note is commit 3",
            "origin": origin,
            "org_public_key": PublicKey::of(&org).to_hex(),
            "rotate_message_hex": hex::encode(&message),
            "entries": entries,
            "commits": commits,
            "mutated": {"rotation-signature-altered": format!("{}{flipped}{}", &rotate[..i], &rotate[i + 1..])},
        }),
    );
}

/// `key.rotate` in a version 2 ledger (docs/spec/ledger.md §8.2, identity.md): the
/// organisation (seed 0x11) commits a note, hands the ledger over to its new key (0x12)
/// in an officer-set commit by the old key with the new key's signature, and the new key
/// commits a note; written by the store on SQLite. Checked by
/// tests/vectors/ledger/check.py, which also refuses the altered hand-over.
#[test]
fn ledger_v2_key_rotation_vector_is_current() {
    use tradeseal_core::identity::IdentityCard;
    use tradeseal_log::store::{Ledger, NewEntry};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("l.sqlite");
    let (old, new) = (
        ed25519_dalek::SigningKey::from_bytes(&[0x11; 32]),
        ed25519_dalek::SigningKey::from_bytes(&[0x12; 32]),
    );
    let t = |i: i64| Timestamp::from_unix_millis(1_795_000_000_000 + i * 60_000).unwrap();
    let mut l = Ledger::create(
        tradeseal_core::db::Conn::sqlite(&file).unwrap(),
        &PublicKey::of(&old),
    )
    .unwrap();
    let origin = l.origin().to_string();
    let note = |text: &str| NewEntry {
        kind: "note".into(),
        payload: canonical_payload(&NotePayload::new(text).unwrap()).unwrap(),
    };
    l.commit(&old, t(0), &[note("with the founding key")])
        .unwrap();
    let card = |k: &ed25519_dalek::SigningKey| {
        serde_json::to_value(IdentityCard::new(
            "Acme Coffee Importers",
            None,
            &PublicKey::of(k),
            &origin,
        ))
        .unwrap()
    };
    let message = tradeseal_log::commit::key_rotate_message(
        &origin,
        &PublicKey::of(&old),
        &PublicKey::of(&new),
    );
    let signature = tradeseal_core::signature::sign(&new, &message);
    l.rotate_org(
        &old,
        t(1),
        &card(&old),
        &card(&new),
        &PublicKey::of(&new),
        &signature,
    )
    .unwrap();
    l.commit(&new, t(2), &[note("with the new key")]).unwrap();
    assert!(l.verify().unwrap().intact());
    let (entries, commits) = v2_rows(&l);
    let rotate = entries[1]["body"].as_str().unwrap();
    let i = rotate.find("\"new_signature\":\"").unwrap() + 17;
    let flipped = if &rotate[i..i + 1] == "0" { "1" } else { "0" };
    crate::vector_is_current(
        "tests/vectors/ledger/v2-key-rotate.json",
        &json!({
            "description": "TradeSeal ledger format v2, key.rotate (ledger.md §8.2, identity.md): the founding organisation key (seed 0x11 x 32) commits a note (commit 0), hands the ledger over to the new key (seed 0x12 x 32) in commit 1, committed by the old key with the new key's signature over SHA-256(origin || 0x00 || old || new) in the context tradeseal/v1/key-rotate; the new key's note is commit 2",
            "origin": origin,
            "org_public_key": PublicKey::of(&old).to_hex(),
            "new_public_key": PublicKey::of(&new).to_hex(),
            "rotate_message_hex": hex::encode(&message),
            "entries": entries,
            "commits": commits,
            "mutated": {"rotation-signature-altered": format!("{}{flipped}{}", &rotate[..i], &rotate[i + 1..])},
        }),
    );
}

/// A v2 store's entries (body text and entry hash) and commits, as the vectors list them.
fn v2_rows(l: &tradeseal_log::store::Ledger) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    use tradeseal_core::db::Sql;
    let entries = l
        .conn()
        .query("SELECT seq, kind, time_ms, author, payload FROM entries ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| {
            let body = tradeseal_core::entry::BodyV2 {
                seq: r.int(0).unwrap() as u64,
                kind: r.text(1).unwrap(),
                time: Timestamp::from_unix_millis(r.int(2).unwrap()).unwrap(),
                author: r.blob(3).unwrap().try_into().unwrap(),
                payload: r.text(4).unwrap(),
            };
            json!({"body": String::from_utf8(body.to_bytes()).unwrap(), "entry_hash": body.hash().to_hex()})
        })
        .collect();
    let commits = l
        .conn()
        .query("SELECT start, end_size, author, note FROM commits ORDER BY end_size", &[])
        .unwrap()
        .iter()
        .map(|r| json!({"start": r.int(0).unwrap(), "end": r.int(1).unwrap(), "author": hex::encode(r.blob(2).unwrap()), "note": r.text(3).unwrap()}))
        .collect();
    (entries, commits)
}
