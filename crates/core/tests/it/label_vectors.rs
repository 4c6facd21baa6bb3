//! The label vectors (tests/vectors/label/label-v1.json, docs/spec/qr.md §1): three
//! signed labels of a fixed key and the cases a receiver meets (valid, tampered, wrong
//! key, revoked issuer, truncated, unsigned), each with the verdict and findings
//! expected. tests/vectors/label/check.py checks the signatures independently.

use crate::{new_home, t};
use serde_json::{json, Value};
use tradeseal_core::home::Home;
use tradeseal_core::label::{self, issue, link, verify, Keys, Serials};

fn home(org: &str, seed: u8) -> (tempfile::TempDir, Home, tradeseal_core::identity::Signer) {
    crate::home_of(org, None, seed)
}

fn request() -> label::Request<'static> {
    label::Request {
        gtin: "07701234000011",
        lot: "L2026-117",
        serials: Serials::Range {
            from: "000001".into(),
            to: "000003".into(),
        },
        resolver: "https://id.acme-coffee.example",
        product: Some("Café de Huila, 500 g"),
    }
}

fn vector() -> Value {
    let (_d, issuer, s) = new_home();
    let mut l = issuer.ledger().unwrap();
    let b = issue::issue(&mut l, &s, t(10), &request()).unwrap();
    let key = s.public_key();
    let labels: Vec<Value> = b
        .labels
        .iter()
        .map(|x| {
            let p = x.link.proof.as_ref().unwrap();
            json!({
                "gtin": x.link.gtin.to_string(),
                "lot": x.link.lot.as_str(),
                "serial": x.link.serial.as_str(),
                "batch": p.batch,
                "message": String::from_utf8(link::message(&x.link.gtin, &x.link.lot, &x.link.serial, p.batch)).unwrap(),
                "signature": hex::encode(p.signature),
                "uri": x.uri,
                "qr_version": label::qr::encode(&x.uri).unwrap().version,
            })
        })
        .collect();
    // Another organisation's label for the same product: a key the receiver does not hold.
    let (_d3, _other, os) = home("Someone Else", 9);
    let foreign = issue::sign(
        &os,
        "https://id.acme-coffee.example",
        &b.labels[0].link.gtin,
        &b.labels[0].link.lot,
        vec![b.labels[0].link.serial.clone()],
        b.seq,
    );
    let uri = &b.labels[0].uri;
    let cases = [
        (
            "valid",
            uri.clone(),
            "trusted",
            "verified",
            vec!["label-batch-unchecked"],
        ),
        (
            "valid, issuer not yet trusted",
            uri.clone(),
            "unknown",
            "verified-with-warnings",
            vec!["signer-unknown", "label-batch-unchecked"],
        ),
        (
            "tampered serial",
            uri.replace("/21/000001", "/21/000004"),
            "trusted",
            "failed",
            vec!["label-signature"],
        ),
        (
            "tampered batch",
            uri.replace(&format!("&b={}", b.seq), &format!("&b={}", b.seq + 5)),
            "trusted",
            "failed",
            vec!["label-signature"],
        ),
        (
            "wrong key",
            foreign[0].uri.clone(),
            "trusted",
            "failed",
            vec!["label-unknown-key"],
        ),
        (
            "revoked issuer",
            uri.clone(),
            "revoked",
            "failed",
            vec!["signer-revoked", "label-batch-unchecked"],
        ),
        (
            "truncated",
            uri[..uri.len() - 20].to_string(),
            "trusted",
            "failed",
            vec!["label-query"],
        ),
        (
            "unsigned",
            uri.split('?').next().unwrap().to_string(),
            "trusted",
            "failed",
            vec!["label-unsigned"],
        ),
    ];
    // The receiver: a broker holding the issuer's card, in each trust state.
    let mut out = Vec::new();
    for (name, uri, trust, want_verdict, want_codes) in cases {
        let (_d2, bl) = crate::receiver(issuer.card(), trust);
        let keys = Keys::of(&bl, "Customs Broker Ltd").unwrap();
        let r = verify::verify(&uri, Some(&bl), Some(&keys));
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            (crate::verdict_word(r.verdict), codes.clone()),
            (want_verdict, want_codes.clone()),
            "{name}"
        );
        out.push(json!({"name": name, "uri": uri, "receiver_trusts_issuer": trust, "expect": {"verdict": want_verdict, "codes": want_codes}}));
    }
    json!({
        "description": "docs/spec/qr.md §1: labels of one batch signed by a fixed key (seed 0x03 x 32), and what a receiver holding the issuer's card finds",
        "issuer": {"public_key": key.to_hex(), "key_id": link::key_id(&key)},
        "labels": labels,
        "cases": out,
    })
}

#[test]
fn the_label_vector_is_current_and_each_case_gives_its_verdict() {
    crate::vector_is_current("tests/vectors/label/label-v1.json", &vector());
}
