//! Proof of existence (docs/spec/qr.md §5.2): a file's hash recorded and certified;
//! the file checked against its certificate; the vector
//! (tests/vectors/certificate/existence-v2.json) that check.py verifies independently.

use crate::{home_of, t};
use serde_json::{json, Value};
use tradeseal_core::attest::{self, Hashed};
use tradeseal_core::certificate::{self, cose, CertificateType, Target};

fn hashed(bytes: &[u8]) -> Hashed {
    attest::hash_reader(bytes, &mut |_| {}).unwrap()
}

#[test]
fn files_are_hashed_streaming_as_sha256() {
    // FIPS 180-2 test vectors, and a file longer than one chunk.
    assert_eq!(
        hashed(b"abc").sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hashed(b"").sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let big = vec![b'a'; 1_000_000];
    assert_eq!(
        hashed(&big).sha256,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.bin");
    let data: Vec<u8> = (0..3_500_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let mut seen = Vec::new();
    let h = attest::hash_file(&path, &mut |done, total| seen.push((done, total))).unwrap();
    assert_eq!(h, hashed(&data));
    assert_eq!(h.size, 3_500_000);
    assert_eq!(seen.len(), 4, "four chunks of at most 1 MiB: {seen:?}");
    assert!(seen.iter().all(|&(_, total)| total == 3_500_000));
    assert_eq!(seen.last().unwrap().0, 3_500_000);
    let e = attest::hash_file(dir.path(), &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("is not a file"), "{e}");
}

#[test]
fn a_file_attested_is_proven_and_a_one_byte_change_is_refused() {
    let (_d, home, s) = home_of("Atelier Lumen", None, 31);
    let mut l = home.ledger().unwrap();
    let design = b"<svg><path d='M0 0L10 10'/></svg>\n".to_vec();
    let before = l.size().unwrap();
    let c = attest::attest(
        &mut l,
        &s,
        t(1),
        &hashed(&design),
        "jacket-12.svg",
        Some("Jacket 12, spring collection"),
        Some("Atelier Lumen"),
    )
    .unwrap();
    assert_eq!(l.size().unwrap(), before + 1, "one entry, the hash only");
    assert_eq!(c.statement.kind, CertificateType::Existence);
    assert!(c.statement.origin.is_none());
    let payload: Value = serde_json::from_str(&c.claims.payload).unwrap();
    assert_eq!(
        payload,
        json!({"type": "existence", "subject": {"file": {
            "sha256": hashed(&design).sha256, "size": design.len(), "name": "jacket-12.svg",
            "title": "Jacket 12, spring collection", "owner": "Atelier Lumen"}}})
    );
    assert!(
        !c.claims.payload.contains("svg><path"),
        "the file is never recorded"
    );

    let ok = attest::check(hashed(&design), &c.text, Some(&l));
    assert!(ok.proven(), "{ok:?}");
    assert_eq!(
        ok.since.as_deref(),
        Some(t(1).to_rfc3339().as_str()),
        "since the entry's time"
    );

    let mut changed = design.clone();
    changed[10] ^= 1;
    let bad = attest::check(hashed(&changed), &c.text, Some(&l));
    assert!(!bad.matches && !bad.proven());
    assert!(
        crate::verdict_word(bad.certificate.verdict) == "verified",
        "the certificate itself holds; the file is another"
    );
    let mut longer = design.clone();
    longer.push(b'\n');
    assert!(!attest::check(hashed(&longer), &c.text, Some(&l)).proven());
}

#[test]
fn a_bad_title_is_refused_before_anything_is_recorded() {
    let (_d, home, s) = home_of("Atelier Lumen", None, 32);
    let mut l = home.ledger().unwrap();
    let before = l.size().unwrap();
    let h = hashed(b"x");
    for (title, owner) in [
        (Some("two\nlines"), None),
        (None, Some("x".repeat(attest::MAX_TEXT + 1))),
    ] {
        let e = attest::attest(&mut l, &s, t(1), &h, "x.txt", title, owner.as_deref()).unwrap_err();
        assert!(
            e.to_string()
                .contains("at most 200 characters, no line breaks"),
            "{e}"
        );
    }
    assert_eq!(l.size().unwrap(), before);
    // Empty or blank texts are no text.
    let st = attest::statement(&h, "x.txt", Some("  "), Some("")).unwrap();
    let certificate::Subject::File(f) = st.subject else {
        panic!("a file subject")
    };
    assert_eq!((f.title, f.owner), (None, None));
}

#[test]
fn certificate_files_are_read_within_limits() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.txt");
    let mut text = b"TSC1:".to_vec();
    text.resize(2 << 20, b'A');
    std::fs::write(&huge, &text).unwrap();
    assert!(
        attest::certificate_text(&huge).is_err(),
        "a 2 MiB code text is refused unread"
    );
    let small = dir.path().join("code.txt");
    std::fs::write(&small, "TSC1:ABC\n").unwrap();
    assert_eq!(attest::certificate_text(&small).unwrap(), "TSC1:ABC");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let e = attest::certificate_text(&empty).unwrap_err();
    assert!(!e.to_string().is_empty());
}

#[test]
fn a_certificate_of_goods_proves_no_file() {
    let (_d, _home, s, mut l) = crate::dossier::coffee_home();
    let c = certificate::issue(
        &mut l,
        &s,
        t(10),
        CertificateType::Authenticity,
        &Target::Lot("04012345123456/R-2026-031".into()),
    )
    .unwrap();
    let r = attest::check(hashed(b"anything"), &c.text, Some(&l));
    assert!(r.attested.is_none() && !r.matches && !r.proven());
    assert!(
        r.certificate.statement.is_some(),
        "a good certificate, of goods"
    );
}

/// The file, its certificate (claims version 2, a fixed key) and the files a receiver
/// meets: the one attested, one byte changed, one byte longer.
fn vector() -> Value {
    let (_d, home, s) = home_of("Atelier Lumen (vector)", None, 0x05);
    let mut l = home.ledger().unwrap();
    l.upgrade(&s, t(1)).unwrap();
    let file = b"TradeSeal proof-of-existence vector: jacket 12, spring collection\n".to_vec();
    let c = attest::attest(
        &mut l,
        &s,
        t(2),
        &hashed(&file),
        "jacket-12.txt",
        Some("Jacket 12, spring collection"),
        Some("Atelier Lumen"),
    )
    .unwrap();
    assert_eq!(c.claims.version(), 2);
    let mut changed = file.clone();
    changed[0] ^= 0x20;
    let mut longer = file.clone();
    longer.push(b'\n');
    let mut files = Vec::new();
    for (name, bytes, proven) in [
        ("the file attested", &file, true),
        ("one byte changed", &changed, false),
        ("one byte longer", &longer, false),
    ] {
        let r = attest::check(hashed(bytes), &c.text, Some(&l));
        assert_eq!(r.proven(), proven, "{name}");
        files.push(json!({"name": name, "base64": base64(bytes), "sha256": hashed(bytes).sha256, "proven": proven}));
    }
    let opened = cose::open(&cose::from_text(&c.text).unwrap()).unwrap();
    let mut tampered = opened.claims.clone();
    tampered.payload = tampered
        .payload
        .replace(&hashed(&file).sha256, &hashed(&changed).sha256);
    assert_ne!(tampered.payload, opened.claims.payload);
    let (_d3, _other, os) = home_of("Someone Else", None, 9);
    let forged = cose::to_text(&cose::sign1(&tampered, &os.key));
    let r = attest::check(hashed(&changed), &forged, Some(&l));
    assert!(
        !r.proven(),
        "a hash swapped in the code breaks its signature"
    );
    let key = s.public_key();
    json!({
        "description": "docs/spec/qr.md §5.2: a proof of existence (claims version 2) of a small text file, issued by a fixed key (seed 0x05 x 32) in a version 2 ledger; the files a receiver checks against it, and a certificate whose hash was swapped for another file's (re-signed by another key)",
        "issuer": {
            "org": home.card().org,
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
        "files": files,
        "cases": [
            {"name": "valid", "text": c.text, "receiver_trusts_issuer": "trusted", "expect": {"verdict": "verified", "codes": []}},
            {"name": "hash swapped, re-signed by another key", "text": forged, "receiver_trusts_issuer": "trusted", "expect": {"verdict": "failed", "codes": ["cert-signature"]}},
        ],
    })
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn the_existence_vector_is_current() {
    if crate::version_1_only("a fixed vector made from a version 1 home and its upgrade") {
        return;
    }
    crate::vector_is_current("tests/vectors/certificate/existence-v2.json", &vector());
}
