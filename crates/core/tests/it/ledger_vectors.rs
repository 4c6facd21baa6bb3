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
