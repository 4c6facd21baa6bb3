//! The certificate vectors (tests/vectors/certificate/certificate-v1.json,
//! docs/spec/qr.md §5): a certificate of a fixed key for a lot of the coffee chain,
//! and the cases a receiver meets (valid, issuer not yet trusted, tampered, wrong key,
//! revoked issuer, truncated), each with the verdict and findings expected.
//! tests/vectors/certificate/check.py checks them independently (cbor2, cryptography).

use crate::dossier::coffee_home;
use crate::t;
use serde_json::{json, Value};
use tradeseal_core::certificate::{self, cose, CertificateType, Target};

fn vector() -> Value {
    let (_d, issuer, s, mut l) = coffee_home();
    let c = certificate::issue(
        &mut l,
        &s,
        t(10),
        CertificateType::Origin,
        &Target::Lot("04012345123456/R-2026-031".into()),
    )
    .unwrap();
    let opened = cose::open(&cose::from_text(&c.text).unwrap()).unwrap();
    let mut tampered = opened.claims.clone();
    tampered.payload = tampered.payload.replace("\"CO\"", "\"DE\"");
    assert_ne!(tampered.payload, opened.claims.payload);
    let (_d3, _other, os) = crate::home_of("Someone Else", None, 9);
    let mut foreign = opened.claims.clone();
    foreign.key = os.public_key();
    let cases = [
        ("valid", c.text.clone(), "trusted", "verified", vec![]),
        (
            "valid, issuer not yet trusted",
            c.text.clone(),
            "unknown",
            "verified-with-warnings",
            vec!["signer-unknown"],
        ),
        (
            "tampered statement",
            cose::to_text(&cose::sign1(&tampered, &os.key)),
            "trusted",
            "failed",
            vec!["cert-signature"],
        ),
        (
            "wrong key",
            cose::to_text(&cose::sign1(&foreign, &os.key)),
            "trusted",
            "failed",
            vec!["cert-entry", "cert-checkpoint", "signer-unknown"],
        ),
        (
            "revoked issuer",
            c.text.clone(),
            "revoked",
            "failed",
            vec!["signer-revoked"],
        ),
        (
            "truncated",
            c.text[..c.text.len() - 40].to_string(),
            "trusted",
            "failed",
            vec!["cert-payload"],
        ),
    ];
    // The receiver: a broker holding the issuer's card, in each trust state.
    let mut out = Vec::new();
    for (name, text, trust, want_verdict, want_codes) in cases {
        let (_d2, bl) = crate::receiver(issuer.card(), trust);
        let r = certificate::verify(&text, Some(&bl));
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            (crate::verdict_word(r.verdict), codes.clone()),
            (want_verdict, want_codes.clone()),
            "{name}"
        );
        out.push(json!({"name": name, "text": text, "receiver_trusts_issuer": trust, "expect": {"verdict": want_verdict, "codes": want_codes}}));
    }
    let key = s.public_key();
    json!({
        "description": "docs/spec/qr.md §5: an origin certificate for lot R-2026-031 of the coffee chain, issued by a fixed key (seed 0x03 x 32), and what a receiver holding the issuer's card finds",
        "issuer": {
            "org": issuer.card().org,
            "public_key": key.to_hex(),
            "origin": l.origin(),
            "kid_hex": hex::encode(cose::kid(&key)),
        },
        "certificate": {
            "text": c.text,
            "seq": c.seq(),
            "statement": serde_json::from_str::<Value>(&c.claims.payload).unwrap(),
            "statement_text": c.claims.payload,
        },
        "cases": out,
    })
}

#[test]
fn the_certificate_vector_is_current_and_each_case_gives_its_verdict() {
    if crate::version_1_only("fixed vectors made from a version 1 home and its upgrade") {
        return;
    }
    crate::vector_is_current("tests/vectors/certificate/certificate-v1.json", &vector());
}

/// Claims version 2 (qr.md §5.1): the coffee chain's origin certificate issued after
/// the ledger's upgrade to version 2, and the cases a receiver meets.
fn vector_v2() -> Value {
    let (_d, issuer, s, mut l) = coffee_home();
    l.upgrade(&s, t(9)).unwrap();
    let c = certificate::issue(
        &mut l,
        &s,
        t(10),
        CertificateType::Origin,
        &Target::Lot("04012345123456/R-2026-031".into()),
    )
    .unwrap();
    assert_eq!(c.claims.version(), 2);
    let opened = cose::open(&cose::from_text(&c.text).unwrap()).unwrap();
    let mut tampered = opened.claims.clone();
    tampered.payload = tampered.payload.replace("\"CO\"", "\"DE\"");
    assert_ne!(tampered.payload, opened.claims.payload);
    let mut moved = opened.claims.clone();
    moved.seq -= 1;
    let (_d3, _other, os) = crate::home_of("Someone Else", None, 9);
    let mut foreign = opened.claims.clone();
    foreign.key = os.public_key();
    let cases = [
        ("valid", c.text.clone(), "trusted", "verified", vec![]),
        (
            "valid, issuer not yet trusted",
            c.text.clone(),
            "unknown",
            "verified-with-warnings",
            vec!["signer-unknown"],
        ),
        (
            "tampered statement",
            cose::to_text(&cose::sign1(&tampered, &os.key)),
            "trusted",
            "failed",
            vec!["cert-signature"],
        ),
        (
            "entry moved to another seq",
            cose::to_text(&cose::sign1(&moved, &s.key)),
            "trusted",
            "failed",
            vec!["cert-inclusion"],
        ),
        (
            "wrong key",
            cose::to_text(&cose::sign1(&foreign, &os.key)),
            "trusted",
            "failed",
            vec!["cert-checkpoint", "signer-unknown"],
        ),
        (
            "revoked issuer",
            c.text.clone(),
            "revoked",
            "failed",
            vec!["signer-revoked"],
        ),
        (
            "truncated",
            c.text[..c.text.len() - 40].to_string(),
            "trusted",
            "failed",
            vec!["cert-payload"],
        ),
    ];
    let mut out = Vec::new();
    for (name, text, trust, want_verdict, want_codes) in cases {
        let (_d2, bl) = crate::receiver(issuer.card(), trust);
        let r = certificate::verify(&text, Some(&bl));
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            (crate::verdict_word(r.verdict), codes.clone()),
            (want_verdict, want_codes.clone()),
            "{name}"
        );
        out.push(json!({"name": name, "text": text, "receiver_trusts_issuer": trust, "expect": {"verdict": want_verdict, "codes": want_codes}}));
    }
    let key = s.public_key();
    json!({
        "description": "docs/spec/qr.md §5.1: an origin certificate (claims version 2) for lot R-2026-031 of the coffee chain, issued by a fixed key (seed 0x03 x 32) after its ledger's upgrade to version 2, and what a receiver holding the issuer's card finds",
        "issuer": {
            "org": issuer.card().org,
            "public_key": key.to_hex(),
            "origin": l.origin(),
            "kid_hex": hex::encode(cose::kid(&key)),
        },
        "certificate": {
            "text": c.text,
            "seq": c.seq(),
            "statement": serde_json::from_str::<Value>(&c.claims.payload).unwrap(),
            "statement_text": c.claims.payload,
        },
        "cases": out,
    })
}

#[test]
fn the_version_2_certificate_vector_is_current_and_each_case_gives_its_verdict() {
    if crate::version_1_only("fixed vectors made from a version 1 home and its upgrade") {
        return;
    }
    crate::vector_is_current(
        "tests/vectors/certificate/certificate-v2.json",
        &vector_v2(),
    );
}
