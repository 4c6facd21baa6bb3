//! Provenance bundles: export, verification, and the attack cases each refused with its
//! finding code.

use crate::epcis::{coffee_chain, import_bytes};
use crate::{new_home, t};
use sha2::{Digest, Sha256};
use tradeseal_core::bundle::{self, BundleReport, BundleVerdict};
use tradeseal_core::checkpoint::{self, Checkpoint};
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::Signer;
use tradeseal_core::ledger::Ledger;
use tradeseal_core::parties;
use tradeseal_core::Timestamp;

const R_031: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-031";

fn exported() -> (tempfile::TempDir, Home, Signer, Vec<u8>) {
    let (d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let mut out = Vec::new();
    let n = bundle::export(&l, home.card(), "lot", R_031, &mut out).unwrap();
    assert_eq!(
        n, 7,
        "the roasted lot's history: two harvests, packing, shipping, receiving, roasting, sale"
    );
    (d, home, s, out)
}

fn partner() -> (tempfile::TempDir, Home, Signer) {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::init(
        &dir.path().join("roaster"),
        InitOptions {
            org: "Roaster",
            gln: None,
            passphrase: crate::PASS,
            seed: [9; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let s = home.unlock(crate::PASS).unwrap();
    (dir, home, s)
}

fn check(bytes: &[u8], ledger: Option<&Ledger>) -> BundleReport {
    bundle::verify(bytes, ledger, &mut |_| {}).unwrap()
}

fn codes(r: &BundleReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Rewrites the bundle's lines with `f`, then writes a correct end record, as an
/// attacker who knows the format would.
fn tamper(bytes: &[u8], f: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.pop();
    f(&mut lines);
    let mut body = String::new();
    for l in &lines {
        body.push_str(l);
        body.push('\n');
    }
    let sha = hex::encode(Sha256::digest(body.as_bytes()));
    body.push_str(&format!(
        "{{\"records\":{},\"sha256\":\"{sha}\",\"type\":\"end\"}}\n",
        lines.len()
    ));
    body.into_bytes()
}

fn set(line: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    f(&mut v);
    tradeseal_core::canonical::to_canonical(&v).unwrap()
}

fn refused(bytes: &[u8], code: &str) {
    let r = check(bytes, None);
    assert_eq!(r.verdict, BundleVerdict::Failed, "{code}: {:?}", codes(&r));
    assert!(
        codes(&r).contains(&code),
        "want {code}, got {:?}",
        codes(&r)
    );
}

#[test]
fn an_exported_bundle_verifies_and_is_deterministic() {
    let (_d, home, _s, out) = exported();
    let l = home.ledger_read_only().unwrap();
    let mut again = Vec::new();
    bundle::export(&l, home.card(), "lot", R_031, &mut again).unwrap();
    assert_eq!(out, again, "the same chain exports to the same bytes");
    let r = check(&out, Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!((r.entries, r.events), (7, 7));
    assert_eq!(r.authors[0].status, "own");
}

#[test]
fn a_partner_trusts_revokes_and_the_verdict_follows() {
    let (_d, home, _s, out) = exported();
    let (_d2, roaster, rs) = partner();
    let mut l = roaster.ledger().unwrap();
    let r = check(&out, Some(&l));
    assert_eq!(r.verdict, BundleVerdict::VerifiedWithWarnings);
    assert_eq!(codes(&r), ["signer-unknown"]);

    let key = home.card().public_key.clone();
    l.append(
        &rs,
        t(1),
        &[
            parties::add_entry(home.card()).unwrap(),
            parties::trust_entry(&key).unwrap(),
        ],
    )
    .unwrap();
    assert_eq!(check(&out, Some(&l)).verdict, BundleVerdict::Verified);

    // Revoked from a date between the harvest (January) and the roasting (March).
    let from = Timestamp::parse_rfc3339("2026-02-15T00:00:00Z").unwrap();
    l.append(
        &rs,
        t(2),
        &[parties::revoke_entry(&key, from, "Audit found forged harvest records").unwrap()],
    )
    .unwrap();
    let r = check(&out, Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let revoked = r
        .findings
        .iter()
        .filter(|f| f.code == "signer-revoked")
        .count();
    let earlier = r
        .findings
        .iter()
        .filter(|f| f.code == "signer-revoked-later")
        .count();
    assert_eq!(
        (revoked, earlier),
        (3, 4),
        "events from 15 February on (receiving, roasting, sale) fail; earlier ones are marked"
    );
    assert!(r.findings.iter().any(|f| f.code == "signer-revoked"
        && f.event
            .as_deref()
            .is_some_and(|e| e.starts_with("ni:///sha-256;"))));
}

#[test]
fn attack_cases_are_refused_with_their_codes() {
    let (_d, home, s, out) = exported();
    let text = String::from_utf8(out.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_entry = lines
        .iter()
        .position(|l| l.contains("\"type\":\"entry\""))
        .unwrap();

    // An event modified after signing.
    refused(
        &tamper(&out, |ls| {
            ls[first_entry + 2] =
                ls[first_entry + 2].replace("\"quantity\":1200", "\"quantity\":2200")
        }),
        "entry-hash",
    );
    // A forged signature.
    refused(
        &tamper(&out, |ls| {
            ls[first_entry] = set(&ls[first_entry], |v| {
                let sig = v["signature"].as_str().unwrap().to_string();
                v["signature"] =
                    format!("{}{}", if &sig[..1] == "0" { "1" } else { "0" }, &sig[1..]).into();
            })
        }),
        "entry-signature",
    );
    // Key substitution in the card.
    let mallory =
        tradeseal_core::signature::PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[66; 32]));
    refused(
        &tamper(&out, |ls| {
            ls[1] = set(&ls[1], |v| {
                v["card"]["public_key"] = mallory.to_hex().into()
            })
        }),
        "card-altered",
    );
    // Reordered and duplicated entries.
    refused(
        &tamper(&out, |ls| ls.swap(first_entry, first_entry + 1)),
        "record-order",
    );
    refused(
        &tamper(&out, |ls| ls.insert(first_entry, ls[first_entry].clone())),
        "record-order",
    );
    // A removed entry, with the end record left as it was.
    let mut cut: Vec<&str> = lines.clone();
    cut.remove(first_entry + 1);
    refused((cut.join("\n") + "\n").as_bytes(), "digest-mismatch");
    // An inclusion proof for another tree, and a proof against a checkpoint not given.
    refused(
        &tamper(&out, |ls| {
            ls[first_entry] = set(&ls[first_entry], |v| v["proof"][0] = "00".repeat(32).into())
        }),
        "inclusion-proof",
    );
    refused(
        &tamper(&out, |ls| {
            ls[first_entry] = set(&ls[first_entry], |v| v["checkpoint"] = 3.into())
        }),
        "proof-no-checkpoint",
    );
    // Checkpoint equivocation: the same size with another root, signed by the author.
    let l = home.ledger_read_only().unwrap();
    let (cp, _) = l.checkpoint().unwrap();
    let fork = checkpoint::sign(
        &Checkpoint {
            origin: cp.origin.clone(),
            size: cp.size,
            root: tradeseal_core::Hash::of(b"another history"),
        },
        &cp.origin,
        &s.key,
    );
    refused(
        &tamper(&out, |ls| {
            ls.insert(3, set(&ls[2], |v| v["note"] = fork.clone().into()))
        }),
        "equivocation",
    );
    // Truncated, trailing garbage, not UTF-8, oversized, deeply nested.
    refused(&out[..out.len() - 10], "truncated");
    refused(
        &lines[..lines.len() - 1]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes(),
        "truncated",
    );
    refused(&[out.clone(), b"{}\n".to_vec()].concat(), "trailing-data");
    let mut bad = out.clone();
    let at = text.find("Finca").unwrap_or(text.find("org").unwrap());
    bad[at] = 0xff;
    refused(&bad, "not-utf8");
    refused(
        &tamper(&out, |ls| {
            ls.insert(
                3,
                format!(
                    "{{\"note\":\"{}\",\"type\":\"checkpoint\"}}",
                    "x".repeat(3 << 20)
                ),
            )
        }),
        "line-too-long",
    );
    refused(
        &tamper(&out, |ls| {
            ls.insert(3, format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)))
        }),
        "malformed",
    );
}
