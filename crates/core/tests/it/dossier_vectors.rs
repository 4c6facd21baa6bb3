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
