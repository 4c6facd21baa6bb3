//! A fuzz smoke pass of every parser of what partners and users hand in, on stable Rust:
//! proptest feeds each one mutations of a valid input (bytes flipped, inserted, deleted,
//! duplicated, the syntax's own tokens dropped in, the input cut short) and arbitrary
//! bytes. Each parser must answer (a report, or a typed error that says what is wrong)
//! and never panic; where a verdict comes back, it must agree with its findings.
//!
//! `TRADESEAL_FUZZ_CASES` sets the cases a parser (default 256, what CI runs); the
//! cargo-fuzz targets in `fuzz/` run the same properties for hours on nightly.

use crate::{dossier::sealed_dossier, epcis::root};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::OnceLock;
use tradeseal_core::bundle::{BundleVerdict, FindingSeverity};
use tradeseal_core::codelists::CodeLists;

/// One change to an input.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, &'static str),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

/// Tokens that mean something to one of the syntaxes read.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "<",
    ">",
    "/>",
    "</",
    "&",
    "&amp;",
    "&#0;",
    "%",
    "%+F",
    "\\",
    "\\u0000",
    "0",
    "-",
    "1e999",
    ".",
    "\n",
    "\r\n",
    "\u{0}",
    "é",
    "\u{feff}",
    "null",
    "true",
    "[[[[[[[[",
    "<a><a><a>",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "~",
    "=",
    "?",
    "#",
    "TSC1:",
    "TSD1.",
    "eyJ",
    "==",
    "\u{2014} ",
    "urn:epc:id:sgtin:",
    "/01/",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 1usize..256).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *e {
            Edit::Flip(i, x) if !b.is_empty() => {
                let n = b.len();
                b[i % n] ^= x | 1;
            }
            Edit::Flip(..) => {}
            Edit::Insert(i, t) => {
                let i = at(i, b.len());
                b.splice(i..i, t.bytes());
            }
            Edit::Delete(i, n) => {
                let i = at(i, b.len());
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Edit::Duplicate(i, n) => {
                let i = at(i, b.len());
                let end = (i + n).min(b.len());
                let part = b[i..end].to_vec();
                b.splice(end..end, part);
            }
            Edit::Truncate(i) => {
                let i = at(i, b.len());
                b.truncate(i);
            }
        }
    }
    b
}

/// Mutations of `seed`, and now and then arbitrary bytes.
fn inputs(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        9 => prop::collection::vec(edit(), 1..6).prop_map(move |e| apply(&seed, &e)),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

fn cases() -> u32 {
    std::env::var("TRADESEAL_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// The random source's seed: fixed, so that CI runs the same cases every time (a
/// failure is reproducible); `TRADESEAL_FUZZ_SEED=N` explores others, `random` a new
/// one each run (it is printed).
fn rng(name: &str) -> proptest::test_runner::TestRng {
    use proptest::test_runner::{RngAlgorithm, TestRng};
    let n: u64 = match std::env::var("TRADESEAL_FUZZ_SEED").ok().as_deref() {
        Some("random") => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
        Some(n) => n.parse().unwrap_or(0),
        None => 0,
    };
    eprintln!("{name}: TRADESEAL_FUZZ_SEED={n}");
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_le_bytes());
    seed[8..16].copy_from_slice(&tradeseal_core::Hash::of(name.as_bytes()).0[..8]);
    TestRng::from_seed(RngAlgorithm::ChaCha, &seed)
}

/// Runs `property` on mutations of `seed`; a panic inside it fails the test with the
/// input that caused it (shrunk).
fn fuzz(name: &str, seed: Vec<u8>, property: impl Fn(&[u8])) {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng(name));
    let result = runner.run(&inputs(seed), |bytes| {
        property(&bytes);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

/// A report's verdict is failed exactly when one of its findings is an error.
fn failed_iff_error(mut severities: impl Iterator<Item = FindingSeverity>, verdict: BundleVerdict) {
    let errors = severities.any(|s| s == FindingSeverity::Error);
    assert_eq!(errors, verdict == BundleVerdict::Failed);
}

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn lists() -> &'static CodeLists {
    CodeLists::builtin()
}

/// A sealed dossier file and its credential, made once.
fn sealed_seeds() -> &'static (String, String) {
    static SEEDS: OnceLock<(String, String)> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let (_dir, home, s, l, d) = sealed_dossier();
        let file =
            tradeseal_core::dossier::store::export(&l, home.card(), &d.id, None, &[]).unwrap();
        let json = serde_json::to_string_pretty(&file).unwrap();
        let jwt = tradeseal_core::dossier::vc::to_jwt(&file, &s).unwrap();
        (json, jwt)
    })
}

#[test]
fn fuzz_epcis_json_ld() {
    fuzz(
        "EPCIS JSON-LD",
        file("tests/fixtures/epcis/coffee-chain.jsonld"),
        |b| {
            let _ = tradeseal_core::epcis::check_document(b, false);
        },
    );
}

#[test]
fn fuzz_epcis_xml() {
    fuzz(
        "EPCIS XML",
        file("tests/fixtures/epcis/coffee-chain.xml"),
        |b| {
            let _ = tradeseal_core::epcis::check_document(b, false);
        },
    );
    // A 1.2 document of GS1's, with its extension wrappers.
    let v12 = std::fs::read_dir(root().join("tests/fixtures/epcis/gs1-examples/XSL/1.2/XML"))
        .ok()
        .and_then(|mut d| d.find_map(|e| e.ok().map(|e| e.path())));
    if let Some(p) = v12 {
        fuzz("EPCIS 1.2 XML", std::fs::read(p).unwrap(), |b| {
            let _ = tradeseal_core::epcis::check_document(b, false);
        });
    }
}

#[test]
fn found_by_fuzzing_a_multibyte_character_in_an_event_time() {
    // CI's fuzz pass found this: the time-zone check sliced the text by bytes.
    let doc = String::from_utf8(file("tests/fixtures/epcis/coffee-chain.jsonld"))
        .unwrap()
        .replacen("-05:00\"", "-0\u{2014}5:00\"", 1);
    assert!(doc.contains('\u{2014}'));
    let r = tradeseal_core::epcis::check_document(doc.as_bytes(), false);
    // Read, and the event refused for its time, not a panic.
    let refused = match r {
        Ok(report) => serde_json::to_string(&report)
            .unwrap()
            .contains("eventTime"),
        Err(e) => e.to_string().contains("eventTime"),
    };
    assert!(refused);
}

#[test]
fn fuzz_bundle() {
    fuzz("bundle", file("tests/vectors/bundle/valid.tsbundle"), |b| {
        if let Ok(r) = tradeseal_core::bundle::verify(b, None, &mut |_| true) {
            let has = |s| r.findings.iter().any(|f| f.severity == s);
            assert_eq!(
                has(FindingSeverity::Error),
                r.verdict == BundleVerdict::Failed
            );
            if !has(FindingSeverity::Error) {
                assert_eq!(
                    has(FindingSeverity::Gap),
                    r.verdict == BundleVerdict::Incomplete
                );
            }
        }
    });
}

/// A v2 bundle (a team ledger's, on SQLite here), mutated: every verdict agrees with
/// its findings, and nothing panics.
#[test]
fn fuzz_bundle_v2() {
    let (_d, home, s) = crate::new_home();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite");
    let mut l = tradeseal_core::ledger::Ledger::create_v2(
        tradeseal_core::db::Conn::sqlite(&path).unwrap(),
        &s.public_key(),
        &path,
    )
    .unwrap();
    crate::epcis::import_bytes(&mut l, &s, &crate::epcis::coffee_chain()).unwrap();
    let mut seed = Vec::new();
    tradeseal_core::bundle::export(
        &l,
        home.card(),
        "lot",
        "https://id.gs1.org/01/04012345123456/10/R-2026-031",
        &mut seed,
    )
    .unwrap();
    fuzz("bundle v2", seed, |b| {
        if let Ok(r) = tradeseal_core::bundle::verify(b, None, &mut |_| true) {
            let has = |s| r.findings.iter().any(|f| f.severity == s);
            assert_eq!(
                has(FindingSeverity::Error),
                r.verdict == BundleVerdict::Failed
            );
        }
    });
}

#[test]
fn fuzz_certificate_payload() {
    let v: serde_json::Value =
        serde_json::from_slice(&file("tests/vectors/certificate/certificate-v1.json")).unwrap();
    let seed = v["cases"][0]["text"].as_str().unwrap().as_bytes().to_vec();
    fuzz("certificate (TSC1: Base45, zlib, COSE)", seed, |b| {
        let r = tradeseal_core::certificate::verify::verify(&text(b), None);
        failed_iff_error(r.findings.iter().map(|f| f.severity), r.verdict);
    });
}

#[test]
fn fuzz_vc_jwt() {
    let seed = sealed_seeds().1.clone().into_bytes();
    fuzz("VC-JWT", seed, |b| {
        let r = tradeseal_core::dossier::vc::verify_jwt(&text(b), lists(), None);
        failed_iff_error(r.findings.iter().map(|f| f.severity), r.verdict);
    });
}

#[test]
fn fuzz_sealed_dossier() {
    let seed = sealed_seeds().0.clone().into_bytes();
    fuzz("sealed dossier", seed, |b| {
        let r = tradeseal_core::dossier::sealed::verify(&text(b), lists(), None);
        failed_iff_error(r.findings.iter().map(|f| f.severity), r.verdict);
    });
}

#[test]
fn fuzz_seal_qr_text() {
    // The seal's QR text, as the dossier PDF prints it.
    let seed = b"TSD1.D0000000000000001.1.353.15.1795000000005.vZ4ZiFx_ePSIlNVqM9dGfqt6w6neDLrd21Yj5Kq2EXI.yNzLJtdxpP8wNWKBjYgMr02wTYiHbhe6vxNNkHSNp1U.7UkoxijRwsbq6QM4kFmVYSlZJzpcY_k2NsFGFKyHN9E.kq-DCH074QRPQLTtfbHelXlGVWTufFFjM9l0FjGDzFDgbbddkHJ8AINzKJk-2PSo9cvrT-C9impyAiVi1FOYBw".to_vec();
    fuzz("seal QR text", seed, |b| {
        let _ = tradeseal_core::dossier::sealed::verify_qr(&text(b));
    });
}

#[test]
fn fuzz_label_uri_and_gs1_ids() {
    let v: serde_json::Value =
        serde_json::from_slice(&file("tests/vectors/label/label-v1.json")).unwrap();
    let seed = v["labels"][0]["uri"].as_str().unwrap().as_bytes().to_vec();
    fuzz("label URI", seed, |b| {
        let t = text(b);
        let _ = tradeseal_core::label::link::LabelLink::parse(&t);
        let _ = tradeseal_core::gs1::Gs1Id::from_digital_link(&t);
        let _ = tradeseal_core::epcis::digital_link(&t);
    });
    fuzz(
        "EPC URN",
        b"urn:epc:id:sgtin:0614141.812345.6789%2F1".to_vec(),
        |b| {
            let t = text(b);
            let _ = tradeseal_core::gs1::Gs1Id::from_epc_urn(&t);
            let _ = tradeseal_core::epcis::digital_link(&t);
        },
    );
}

#[test]
fn fuzz_csv() {
    fuzz(
        "CSV (goods lines)",
        file("tests/fixtures/dossier/invoice-lines.csv"),
        |b| {
            let t = text(b);
            for d in [',', ';', '\t'] {
                if let Ok(rows) = tradeseal_core::codelists::parse_csv(&t, d) {
                    for cell in rows.iter().flat_map(|r| r.iter()) {
                        let _ = tradeseal_core::dossier::lines_csv::number(cell, None);
                    }
                }
            }
        },
    );
    fuzz(
        "CSV (entity list)",
        file("tests/fixtures/dossier/entity-list.csv"),
        |b| {
            let _ = tradeseal_core::codelists::parse_csv(&text(b), ',');
            let _ = tradeseal_core::dossier::screening::normalise(&text(b));
        },
    );
}

#[test]
fn fuzz_checkpoint() {
    let v: serde_json::Value =
        serde_json::from_slice(&file("tests/vectors/ledger/v1.json")).unwrap();
    let note = v["checkpoint"].as_str().unwrap().as_bytes().to_vec();
    let origin = v["origin"].as_str().unwrap().to_string();
    let key =
        tradeseal_core::signature::PublicKey::from_hex(v["public_key"].as_str().unwrap()).unwrap();
    // The unmutated note opens: the property is not vacuous.
    assert!(tradeseal_core::checkpoint::open(&text(&note), &origin, &key).is_ok());
    fuzz("checkpoint (signed note)", note, |b| {
        let t = text(b);
        let _ = tradeseal_core::checkpoint::open(&t, &origin, &key);
        let _ = tradeseal_core::checkpoint::read_verified_earlier(&t);
    });
}

#[test]
fn fuzz_commit_note() {
    // Ledger v2: a commit note of the vectors, mutated. Never a panic, and a note that
    // opens under the officer's key is the note that was signed, byte for byte.
    let v: serde_json::Value =
        serde_json::from_slice(&file("tests/vectors/ledger/v2.json")).unwrap();
    let c = &v["commits"][1];
    let note = c["note"].as_str().unwrap().to_string();
    let key =
        tradeseal_core::signature::PublicKey::from_hex(c["author"].as_str().unwrap()).unwrap();
    assert!(tradeseal_core::commit::open(&note, &key).is_ok());
    let signed = tradeseal_core::checkpoint::note_text(&note)
        .unwrap()
        .to_string();
    fuzz("commit note", note.clone().into_bytes(), |b| {
        let t = text(b);
        let _ = tradeseal_core::commit::read(&t);
        if tradeseal_core::commit::open(&t, &key).is_ok() {
            assert_eq!(tradeseal_core::checkpoint::note_text(&t).unwrap(), signed);
        }
    });
}
