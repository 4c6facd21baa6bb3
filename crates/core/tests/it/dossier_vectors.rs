//! The dossier vectors (tests/vectors/dossier, docs/spec/dossier.md §6): validation
//! cases with the exact field expected, and the seal vector (salts, digests, root)
//! that tests/vectors/dossier/check.py recomputes independently.

use crate::epcis::root;
use serde_json::{json, Value};
use tradeseal_core::bundle::FindingSeverity;
use tradeseal_core::codelists::CodeLists;
use tradeseal_core::dossier::{seal, validate, Dossier};

fn files(folder: &str) -> Vec<(String, Value)> {
    let dir = root().join("tests/vectors/dossier").join(folder);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn valid_dossiers_have_no_error() {
    let all = files("valid");
    assert!(all.len() >= 7);
    for (name, v) in all {
        let d: Dossier = serde_json::from_value(v).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<_> = validate(&d, CodeLists::builtin())
            .into_iter()
            .filter(|c| c.severity == FindingSeverity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn each_invalid_dossier_is_refused_at_its_field() {
    let all = files("invalid");
    assert!(all.len() >= 40);
    for (name, v) in all {
        let d: Dossier =
            serde_json::from_value(v["dossier"].clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (code, path) = (
            v["expect"]["code"].as_str().unwrap(),
            v["expect"]["path"].as_str().unwrap(),
        );
        let found = validate(&d, CodeLists::builtin());
        assert!(
            found.iter().any(|c| c.code == code && c.path == path),
            "{name}: want {code} at {path}, got {found:#?}"
        );
        // One change, one problem: nothing else is an error.
        let others: Vec<_> = found
            .iter()
            .filter(|c| c.severity == FindingSeverity::Error && c.path != path)
            .collect();
        assert!(others.is_empty(), "{name}: other errors {others:#?}");
    }
}

/// The seal vector: a fixed dossier and seed, every leaf's salt and digest, the root.
fn seal_vector() -> Value {
    let (_, d) = files("valid")
        .into_iter()
        .find(|(n, _)| n == "unicode-names.json")
        .unwrap();
    let seed = [0x5a_u8; 32];
    let leaves: Vec<Value> = seal::leaves(&d, &[])
        .into_iter()
        .map(|(p, v)| {
            let s = seal::salt(&seed, &p);
            let digest = seal::digest(&s, &p, &v).unwrap();
            json!({"path": p, "value": v, "salt": s, "digest": digest.to_hex()})
        })
        .collect();
    let (root, n) = seal::seal_root(&d, &seed).unwrap();
    json!({
        "description": "docs/spec/dossier.md §3: leaves in document order (the root orders them by path), salts from the seed, digests, RFC 9162 root",
        "seed": hex::encode(seed),
        "dossier": d,
        "leaves": leaves,
        "fields": n,
        "root": root.to_hex(),
    })
}

#[test]
fn the_seal_vector_is_current() {
    crate::vector_is_current("tests/vectors/dossier/seal-v1.json", &seal_vector());
}

/// The sealed file and QR text of a version 2 seal (dossier.md §4.1, §5.1): the coffee
/// chain's dossier sealed after its ledger's upgrade, and altered copies with the
/// findings each earns. Checked by tests/vectors/dossier/check_sealed_v2.py.
fn sealed_v2_vector() -> Value {
    use tradeseal_core::dossier::{sealed, store};
    let (_d, home, s, mut l, d) = crate::dossier::sealed_dossier_v2();
    let file = store::export(&l, home.card(), &d.id, None, &[]).unwrap();
    let text = serde_json::to_string(&file).unwrap();
    let qr = sealed::qr_text(&file.seal).unwrap();
    assert!(sealed::verify_qr(&qr).unwrap().signature_valid);
    // The same dossier sealed in version 1, for the QR text's length beside it.
    let (_d1, _h1, _s1, l1, d1) = crate::dossier::sealed_dossier();
    let f1 = store::export(&l1, home.card(), &d1.id, None, &[]).unwrap();
    let qr1 = sealed::qr_text(&f1.seal).unwrap();
    println!("TSD2 {} characters, TSD1 {}", qr.len(), qr1.len());
    let _ = &mut l;
    let _ = s;
    let alter = |f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&text).unwrap();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String)> = vec![
        ("valid", text.clone()),
        (
            "sealed root changed",
            alter(&|v| v["seal"]["entry"]["payload"]["root"] = json!("11".repeat(32))),
        ),
        (
            "commit note altered",
            alter(&|v| {
                v["seal"]["checkpoint"] = json!(v["seal"]["checkpoint"]
                    .as_str()
                    .unwrap()
                    .replacen('\n', "\n1", 1))
            }),
        ),
        (
            "range proof padded",
            alter(&|v| v["seal"]["entry"]["proof"] = json!(["00".repeat(32)])),
        ),
        (
            "a field changed",
            alter(&|v| v["dossier"]["lines"][0]["net_mass_kg"] = json!("1900")),
        ),
    ];
    let standing = sealed::standing_in(&l, "Acme Coffee Importers");
    let mut out = Vec::new();
    for (name, t) in cases {
        let r = sealed::verify(&t, crate::dossier::lists(), Some(&standing));
        let codes: Vec<String> = r.findings.iter().map(|f| f.code.clone()).collect();
        if name == "valid" {
            assert!(codes.is_empty(), "{codes:?}");
        } else {
            assert!(!codes.is_empty(), "{name}");
        }
        out.push(json!({"name": name, "file": serde_json::from_str::<Value>(&t).unwrap(), "expect": {"codes": codes}}));
    }
    json!({
        "description": "docs/spec/dossier.md §4.1 and §5.1: the coffee chain's dossier sealed (seed 0x09 x 32) in a ledger upgraded to version 2, by a fixed key (seed 0x03 x 32); its file, its TSD2 text, and altered copies with the findings each earns",
        "qr": qr,
        "cases": out,
    })
}

#[test]
fn the_version_2_sealed_file_vector_is_current() {
    if crate::version_1_only("a fixed vector made from a version 1 home and its upgrade") {
        return;
    }
    crate::vector_is_current("tests/vectors/dossier/sealed-v2.json", &sealed_v2_vector());
}
