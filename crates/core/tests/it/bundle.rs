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
    let home = crate::init_home(
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
    bundle::verify(bytes, ledger, &mut |_| true).unwrap()
}

fn codes(r: &BundleReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Rewrites the bundle's lines with `f`, then writes a correct end record, as an
/// attacker who knows the format would.
pub(crate) fn tamper(bytes: &[u8], f: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
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

pub(crate) fn set(line: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
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
fn attack_cases_beyond_the_vector_files_are_refused() {
    if crate::version_1_only("version 1 bundle attack cases (rewritten for version 2 in ledger_v2)")
    {
        return;
    }
    // The common cases are files in tests/vectors/bundle (see the test below).
    let (_d, _home, _s, out) = exported();
    let text = String::from_utf8(out.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_entry = lines
        .iter()
        .position(|l| l.contains("\"type\":\"entry\""))
        .unwrap();
    // A duplicated entry, and a proof against a checkpoint the bundle does not hold.
    refused(
        &tamper(&out, |ls| ls.insert(first_entry, ls[first_entry].clone())),
        "record-order",
    );
    refused(
        &tamper(&out, |ls| {
            ls[first_entry] = set(&ls[first_entry], |v| v["checkpoint"] = 3.into())
        }),
        "proof-no-checkpoint",
    );
    // A file cut at a line end (no end record), and an oversized line.
    refused(
        &lines[..lines.len() - 1]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes(),
        "truncated",
    );
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
}

fn party(seed: u8, org: &str) -> (tempfile::TempDir, Home, Signer) {
    let dir = tempfile::tempdir().unwrap();
    let home = crate::init_home(
        &dir.path().join("home"),
        InitOptions {
            org,
            gln: None,
            passphrase: crate::PASS,
            seed: [seed; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let s = home.unlock(crate::PASS).unwrap();
    (dir, home, s)
}

/// The coffee-chain document with only the events at `idx`.
fn events(idx: &[usize]) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let all = doc["epcisBody"]["eventList"].as_array().unwrap().clone();
    doc["epcisBody"]["eventList"] = idx
        .iter()
        .map(|i| all[*i].clone())
        .collect::<Vec<_>>()
        .into();
    serde_json::to_vec(&doc).unwrap()
}

fn bundle_of(home: &Home, kind: &str, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    bundle::export(
        &home.ledger_read_only().unwrap(),
        home.card(),
        kind,
        id,
        &mut out,
    )
    .unwrap();
    out
}

fn trust(l: &mut Ledger, s: &Signer, cards: &[&tradeseal_core::identity::IdentityCard]) {
    for c in cards {
        l.append(
            s,
            t(1),
            &[
                parties::add_entry(c).unwrap(),
                parties::trust_entry(&c.public_key).unwrap(),
            ],
        )
        .unwrap();
    }
}

fn import(
    l: &mut Ledger,
    s: &Signer,
    b: &[u8],
) -> Result<bundle::BundleImport, tradeseal_core::Error> {
    bundle::import(l, s, t(2), || Ok(b), &mut |_| true)
}

#[test]
fn a_chain_over_four_parties_verifies_at_the_last_hop() {
    if crate::version_1_only("version 1 bundles over four parties (version 2: ledger_v2)") {
        return;
    }
    let (_f, farm, fs) = party(21, "Finca El Mirador");
    let (_c, coop, cs) = party(22, "Cooperativa del Huila");
    let (_i, importer, is) = party(23, "Acme Coffee Importers");
    let (_r, roaster, rs) = party(24, "Roastery Berlin");
    const LOT_017: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-017";
    const LOT_018: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-018";
    const SSCC: &str = "https://id.gs1.org/00/077012340000000172";

    // The farm records both harvests and hands a bundle per lot to the cooperative.
    import_bytes(&mut farm.ledger().unwrap(), &fs, &events(&[0, 1])).unwrap();
    let (b017, b018) = (
        bundle_of(&farm, "lot", LOT_017),
        bundle_of(&farm, "lot", LOT_018),
    );

    // The cooperative trusts the farm, imports both, packs and ships the SSCC.
    let mut cl = coop.ledger().unwrap();
    trust(&mut cl, &cs, &[farm.card()]);
    assert_eq!(import(&mut cl, &cs, &b017).unwrap().new_entries, 1);
    assert_eq!(import(&mut cl, &cs, &b018).unwrap().new_entries, 1);
    import_bytes(&mut cl, &cs, &events(&[2, 3])).unwrap();
    let bsscc = bundle_of(&coop, "sscc", SSCC);

    // The importer trusts both, receives, roasts and sells.
    let mut il = importer.ledger().unwrap();
    trust(&mut il, &is, &[farm.card(), coop.card()]);
    let imported = import(&mut il, &is, &bsscc).unwrap();
    assert_eq!(
        (imported.new_entries, imported.report.verdict),
        (4, BundleVerdict::Verified)
    );
    assert!(
        imported.recorded.is_some(),
        "the import is an entry of the importer's own ledger"
    );
    let again = import(&mut il, &is, &bsscc).unwrap();
    assert_eq!(
        (again.new_entries, again.recorded),
        (0, None),
        "a second import changes nothing"
    );
    let size = il.size().unwrap();
    import_bytes(&mut il, &is, &events(&[4, 5, 9])).unwrap();
    assert_eq!(il.size().unwrap(), size + 3);
    // Imported events take part in traces: back through the roasting to both farms.
    let back =
        tradeseal_core::trace::trace(&il, R_031, tradeseal_core::trace::Direction::Back).unwrap();
    assert_eq!(back.nodes.iter().filter(|n| n.origin).count(), 2);
    let b031 = bundle_of(&importer, "lot", R_031);

    // The roaster verifies the whole chain: three authors, seven entries.
    let mut rl = roaster.ledger().unwrap();
    let r = check(&b031, Some(&rl));
    assert_eq!(
        (r.verdict, r.entries, r.authors.len()),
        (BundleVerdict::VerifiedWithWarnings, 7, 3),
        "{:?}",
        r.findings
    );
    trust(&mut rl, &rs, &[farm.card(), coop.card(), importer.card()]);
    let r = check(&b031, Some(&rl));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    let mut per_author: Vec<(String, u64)> = r
        .authors
        .iter()
        .map(|a| (a.org.clone(), a.entries))
        .collect();
    per_author.sort();
    assert_eq!(
        per_author,
        [
            ("Acme Coffee Importers".to_string(), 3),
            ("Cooperativa del Huila".to_string(), 2),
            ("Finca El Mirador".to_string(), 2)
        ]
    );

    // The importer's export holds the farm's and the cooperative's entries unchanged.
    let farm_key = &farm.card().public_key;
    let farm_line = |b: &[u8]| {
        String::from_utf8(b.to_vec())
            .unwrap()
            .lines()
            .find(|l| {
                l.contains("\"type\":\"entry\"")
                    && l.contains(farm_key.as_str())
                    && l.contains("H-2026-017")
            })
            .unwrap()
            .to_string()
    };
    let (at_farm, at_importer) = (farm_line(&b017), farm_line(&b031));
    let sig = |l: &str| serde_json::from_str::<serde_json::Value>(l).unwrap()["signature"].clone();
    assert_eq!(sig(&at_farm), sig(&at_importer));

    // A bundle that fails verification imports nothing.
    let mut bad = b031.clone();
    let text = String::from_utf8(b031.clone()).unwrap();
    let pos = text.find("\"quantity\":840").unwrap() + 12;
    bad[pos] = b'9';
    let before = rl.size().unwrap();
    let e = import(&mut rl, &rs, &bad).unwrap_err();
    assert!(e.to_string().contains("failed verification"), "{e}");
    assert_eq!(rl.size().unwrap(), before);
    let held: i64 = rl
        .conn()
        .query_row("SELECT COUNT(*) FROM foreign_entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 0);
    // The good one imports, and the roaster can trace it.
    assert_eq!(import(&mut rl, &rs, &b031).unwrap().new_entries, 7);
    let back =
        tradeseal_core::trace::trace(&rl, R_031, tradeseal_core::trace::Direction::Back).unwrap();
    let origins: std::collections::BTreeSet<&str> = back
        .nodes
        .iter()
        .filter(|n| n.origin)
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(
        origins,
        std::collections::BTreeSet::from([LOT_017, LOT_018])
    );
}

/// Exports the roasted lot's bundle after recording the coffee chain with `change`.
fn chain_with(change: impl FnOnce(&mut Vec<serde_json::Value>)) -> BundleReport {
    let (_d, home, s) = new_home();
    let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let list = doc["epcisBody"]["eventList"].as_array_mut().unwrap();
    change(list);
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &serde_json::to_vec(&doc).unwrap()).unwrap();
    let b = bundle_of(&home, "lot", R_031);
    check(&b, Some(&l))
}

#[test]
fn chain_checks_find_custody_mass_time_and_clone_problems() {
    let good = chain_with(|_| {});
    assert_eq!(good.verdict, BundleVerdict::Verified, "{:?}", good.findings);
    assert_eq!(good.verified_share, Some(1.0));

    let lot = |q: i64| serde_json::json!([{"epcClass": "urn:epc:class:lgtin:7701234.000001.H-2026-017", "quantity": q, "uom": "KGM"}]);
    // Received more than was shipped.
    let r = chain_with(|l| {
        l[3]["quantityList"] = lot(600);
        l[4]["quantityList"] = lot(700);
    });
    assert!(codes(&r).contains(&"custody-quantity"), "{:?}", codes(&r));
    // Received from someone else than the shipper.
    let r =
        chain_with(|l| l[4]["sourceList"][0]["source"] = "urn:epc:id:pgln:7891234.00000".into());
    assert!(codes(&r).contains(&"custody-party"), "{:?}", codes(&r));
    // Received goods no shipment sent: the shipment is of another unit.
    let r = chain_with(|l| l[3]["epcList"][0] = "urn:epc:id:sscc:7701234.0000000099".into());
    assert!(codes(&r).contains(&"custody-gap"), "{:?}", codes(&r));
    // Quantity inflation across the roasting.
    let r = chain_with(|l| l[5]["outputQuantityList"][0]["quantity"] = 1840.into());
    assert!(codes(&r).contains(&"mass-gain"), "{:?}", codes(&r));
    // Times running backwards: received a week before it was shipped.
    let r = chain_with(|l| l[4]["eventTime"] = "2026-01-25T09:15:00.000+01:00".into());
    assert!(codes(&r).contains(&"time-order"), "{:?}", codes(&r));
    // A time after the ledger recorded it.
    let r = chain_with(|l| {
        l[9]["eventTime"] = "2027-12-01T10:00:00.000+01:00".into();
    });
    assert!(codes(&r).contains(&"clock-implausible"), "{:?}", codes(&r));
    // The same serial created twice.
    let r = chain_with(|l| {
        let mut a = l[0].clone();
        a.as_object_mut().unwrap().remove("quantityList");
        a["epcList"] = serde_json::json!(["urn:epc:id:sgtin:7701234.000001.B-1"]);
        let mut b = a.clone();
        b["eventTime"] = "2026-01-15T09:30:00.000-05:00".into();
        l[0]["epcList"] = serde_json::json!(["urn:epc:id:sgtin:7701234.000001.B-1"]);
        l[5]["inputEPCList"] = serde_json::json!(["urn:epc:id:sgtin:7701234.000001.B-1"]);
        l.push(a);
        l.push(b);
    });
    assert!(codes(&r).contains(&"cloned-id"), "{:?}", codes(&r));
    // One identity created twice: one of the goods is forged.
    assert_eq!(r.verdict, BundleVerdict::Failed, "{:?}", r.findings);
}

#[test]
fn an_intact_chain_with_gaps_is_incomplete_not_failed() {
    use tradeseal_core::bundle::FindingSeverity;
    let lot = |q: i64| serde_json::json!([{"epcClass": "urn:epc:class:lgtin:7701234.000001.H-2026-017", "quantity": q, "uom": "KGM"}]);
    type Change = Box<dyn Fn(&mut Vec<serde_json::Value>)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "custody-gap",
            Box::new(|l| l[3]["epcList"][0] = "urn:epc:id:sscc:7701234.0000000099".into()),
        ),
        (
            "custody-quantity",
            Box::new(move |l| {
                l[3]["quantityList"] = lot(600);
                l[4]["quantityList"] = lot(700);
            }),
        ),
        (
            "custody-party",
            Box::new(|l| l[4]["sourceList"][0]["source"] = "urn:epc:id:pgln:7891234.00000".into()),
        ),
        (
            "mass-gain",
            Box::new(|l| l[5]["outputQuantityList"][0]["quantity"] = 1840.into()),
        ),
        (
            "time-order",
            Box::new(|l| l[4]["eventTime"] = "2026-01-25T09:15:00.000+01:00".into()),
        ),
        (
            "clock-implausible",
            Box::new(|l| l[9]["eventTime"] = "2027-12-01T10:00:00.000+01:00".into()),
        ),
    ];
    for (code, change) in cases {
        let r = chain_with(|l| change(l));
        // Every signature, hash and proof holds: no error; the gap has its own verdict.
        assert_eq!(
            r.verdict,
            BundleVerdict::Incomplete,
            "{code}: {:?}",
            r.findings
        );
        assert!(
            r.findings
                .iter()
                .all(|f| f.severity != FindingSeverity::Error),
            "{code}: {:?}",
            r.findings
        );
        assert!(
            r.findings
                .iter()
                .any(|f| f.code == code && f.severity == FindingSeverity::Gap),
            "{code}: {:?}",
            r.findings
        );
        // The verified share counts only what the chain proves: goods received with no
        // shipment, too much, from someone else, too early, or made from less are not.
        if code != "clock-implausible" {
            assert!(
                r.verified_share.unwrap() < 1.0,
                "{code}: {:?}",
                r.verified_share
            );
        }
    }
}

#[test]
fn the_verified_share_follows_trust_in_the_origins() {
    let (_d, home, _s, out) = exported();
    let (_d2, roaster, rs) = partner();
    let mut l = roaster.ledger().unwrap();
    assert_eq!(
        check(&out, Some(&l)).verified_share,
        Some(0.0),
        "nothing trusted, nothing verified"
    );
    trust(&mut l, &rs, &[home.card()]);
    assert_eq!(check(&out, Some(&l)).verified_share, Some(1.0));
}

/// A small deterministic generator (xorshift), so the property test needs no crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn any_changed_byte_or_cut_fails_and_nothing_panics() {
    let (_d, home, _s, out) = exported();
    let l = home.ledger_read_only().unwrap();
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for i in 0..600 {
        let mut b = out.clone();
        match i % 4 {
            // Change one byte to another value.
            0 | 1 => {
                let at = rng.below(b.len());
                let was = b[at];
                while b[at] == was {
                    b[at] = rng.next() as u8;
                }
            }
            // Cut the file anywhere.
            2 => b.truncate(rng.below(b.len())),
            // Insert a random byte.
            _ => {
                let at = rng.below(b.len() + 1);
                b.insert(at, rng.next() as u8);
            }
        }
        let r = bundle::verify(b.as_slice(), Some(&l), &mut |_| true).unwrap();
        assert_eq!(
            r.verdict,
            BundleVerdict::Failed,
            "mutation {i} was not detected: {:?}",
            codes(&r)
        );
    }
}

/// The attack cases as files (tests/vectors/bundle/), each refused with the code in its
/// name. `TRADESEAL_BLESS=1` regenerates them; the export is deterministic (fixed keys
/// and times), so regenerating gives the same bytes.
#[test]
fn attack_vector_files_are_refused_with_their_codes() {
    let dir = crate::epcis::root().join("tests/vectors/bundle");
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        let (_d, home, s, out) = exported();
        let text = String::from_utf8(out.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let e = lines
            .iter()
            .position(|l| l.contains("\"type\":\"entry\""))
            .unwrap();
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
        let mallory = tradeseal_core::signature::PublicKey::of(
            &ed25519_dalek::SigningKey::from_bytes(&[66; 32]),
        );
        let mut cut = lines.clone();
        cut.remove(e + 1);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("valid", out.clone()),
            (
                "entry-hash",
                tamper(&out, |ls| {
                    ls[e + 2] = ls[e + 2].replace("\"quantity\":1200", "\"quantity\":2200")
                }),
            ),
            (
                "entry-signature",
                tamper(&out, |ls| {
                    ls[e] = set(&ls[e], |v| {
                        let sig = v["signature"].as_str().unwrap().to_string();
                        v["signature"] =
                            format!("{}{}", if &sig[..1] == "0" { "1" } else { "0" }, &sig[1..])
                                .into();
                    })
                }),
            ),
            (
                "card-altered",
                tamper(&out, |ls| {
                    ls[1] = set(&ls[1], |v| {
                        v["card"]["public_key"] = mallory.to_hex().into()
                    })
                }),
            ),
            ("record-order", tamper(&out, |ls| ls.swap(e, e + 1))),
            ("digest-mismatch", (cut.join("\n") + "\n").into_bytes()),
            (
                "inclusion-proof",
                tamper(&out, |ls| {
                    ls[e] = set(&ls[e], |v| v["proof"][0] = "00".repeat(32).into())
                }),
            ),
            (
                "equivocation",
                tamper(&out, |ls| {
                    ls.insert(3, set(&ls[2], |v| v["note"] = fork.clone().into()))
                }),
            ),
            ("truncated", out[..out.len() - 10].to_vec()),
            ("trailing-data", [out.clone(), b"{}\n".to_vec()].concat()),
            ("not-utf8", {
                let mut b = out.clone();
                let at = text.find("Acme").unwrap();
                b[at] = 0xff;
                b
            }),
            (
                "malformed",
                tamper(&out, |ls| {
                    ls.insert(3, format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)))
                }),
            ),
        ];
        // Intact, but the shipment to the roaster is of another unit: a custody gap.
        let gap = {
            let (_d, home, s) = new_home();
            let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
            doc["epcisBody"]["eventList"][3]["epcList"][0] =
                "urn:epc:id:sscc:7701234.0000000099".into();
            let mut l = home.ledger().unwrap();
            import_bytes(&mut l, &s, &serde_json::to_vec(&doc).unwrap()).unwrap();
            bundle_of(&home, "lot", R_031)
        };
        let mut cases = cases;
        cases.push(("custody-gap", gap));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in cases {
            std::fs::write(dir.join(format!("{name}.tsbundle")), bytes).unwrap();
        }
    }
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsbundle"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 12,
        "attack vectors are missing: run with TRADESEAL_BLESS=1"
    );
    for f in files {
        let code = f.file_stem().unwrap().to_str().unwrap().to_string();
        let r = check(&std::fs::read(&f).unwrap(), None);
        if code.starts_with("valid") {
            assert_eq!(
                r.verdict,
                BundleVerdict::VerifiedWithWarnings,
                "{:?}",
                codes(&r)
            );
        } else if code.starts_with("custody-") {
            // Intact: no error, the gap named, an incomplete verdict.
            assert_eq!(
                r.verdict,
                BundleVerdict::Incomplete,
                "{code}: {:?}",
                r.findings
            );
            assert!(
                codes(&r).contains(&code.as_str()),
                "{code}: {:?}",
                codes(&r)
            );
        } else {
            assert_eq!(r.verdict, BundleVerdict::Failed, "{code}");
            assert!(
                codes(&r).contains(&code.as_str()),
                "{code}: got {:?}",
                codes(&r)
            );
        }
    }
}

#[test]
fn a_long_verification_can_be_cancelled() {
    if crate::version_1_only("a version 1 bundle verification") {
        return;
    }
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let notes: Vec<_> = (0..4200)
        .map(|i| tradeseal_core::ledger::NewEntry::note(&format!("note {i}")).unwrap())
        .collect();
    l.append(&s, t(1), &notes).unwrap();
    let mut out = Vec::new();
    let subject = bundle::Subject {
        kind: "lot".into(),
        id: R_031.into(),
    };
    assert_eq!(
        bundle::export_ledgers(&[(&l, home.card())], subject, &mut out).unwrap(),
        4200
    );
    let mut seen = 0;
    let e = bundle::verify(out.as_slice(), Some(&l), &mut |n| {
        seen = n;
        false
    })
    .unwrap_err();
    assert_eq!(e.code(), tradeseal_core::ErrorCode::Cancelled);
    assert_eq!(seen, 4096, "stopped after the first batch of 4,096 entries");
    // Not cancelled, the whole-ledger bundle verifies.
    assert_eq!(check(&out, Some(&l)).verdict, BundleVerdict::Verified);
}

/// Checkpoints a receiver holds from earlier bundles: a later bundle proves the
/// author's ledger extends them (RFC 9162 consistency); the same size with another
/// root is equivocation; a rewritten history fails its consistency proof; a bundle
/// without a proof says so.
#[test]
fn checkpoints_held_from_earlier_bundles_must_be_extended() {
    if crate::version_1_only("version 1 bundle consistency proofs") {
        return;
    }
    let (_d, home, s, first) = exported();
    let (_rd, roaster, rs) = partner();
    let mut rl = roaster.ledger().unwrap();
    rl.append(
        &rs,
        t(1),
        &[
            parties::add_entry(home.card()).unwrap(),
            parties::trust_entry(&home.card().public_key).unwrap(),
        ],
    )
    .unwrap();
    bundle::import(&mut rl, &rs, t(2), || Ok(&first[..]), &mut |_| true).unwrap();

    // The importer records more and exports again: the bundle proves the extension.
    let mut l = home.ledger().unwrap();
    l.append(
        &s,
        t(3),
        &[tradeseal_core::ledger::NewEntry::note("later").unwrap()],
    )
    .unwrap();
    let mut second = Vec::new();
    bundle::export(&l, home.card(), "lot", R_031, &mut second).unwrap();
    assert!(String::from_utf8_lossy(&second).contains("\"type\":\"consistency\""));
    let r = check(&second, Some(&rl));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", codes(&r));

    // Tampered proof: the receiver cannot confirm the extension.
    let bad = tamper(&second, |ls| {
        let i = ls
            .iter()
            .position(|x| x.contains("\"consistency\""))
            .unwrap();
        ls[i] = set(&ls[i], |v| v["proof"][0] = "11".repeat(32).into());
    });
    assert!(codes(&check(&bad, Some(&rl))).contains(&"inconsistent"));

    // Without a proof (the export was not noted): information, not an error.
    l.conn().execute("DELETE FROM handed_out", []).unwrap();
    let mut unproven = Vec::new();
    bundle::export(&l, home.card(), "lot", R_031, &mut unproven).unwrap();
    let r = check(&unproven, Some(&rl));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", codes(&r));
    assert_eq!(codes(&r), ["consistency-unproven"]);

    // The same key rewrites its history: the events recorded at another time, so the
    // tree of the same size has another root; then one more entry and an export with
    // a consistency proof of the rewritten tree.
    let fork_dir = tempfile::tempdir().unwrap();
    let fork = crate::init_home(
        &fork_dir.path().join("fork"),
        InitOptions {
            org: "Acme Coffee Importers",
            gln: Some("4012345000009"),
            passphrase: crate::PASS,
            seed: [3; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let fs = fork.unlock(crate::PASS).unwrap();
    let mut fl = fork.ledger().unwrap();
    let doc = coffee_chain();
    tradeseal_core::epcis::import(
        &mut fl,
        &fs,
        t(7),
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(&doc[..]),
        true,
        &mut |_| {},
    )
    .unwrap();
    let mut same_size = Vec::new();
    bundle::export(&fl, fork.card(), "lot", R_031, &mut same_size).unwrap();
    let r = check(&same_size, Some(&rl));
    assert!(codes(&r).contains(&"equivocation"), "{:?}", codes(&r));
    fl.append(
        &fs,
        t(8),
        &[tradeseal_core::ledger::NewEntry::note("x").unwrap()],
    )
    .unwrap();
    let mut rewritten = Vec::new();
    bundle::export(&fl, fork.card(), "lot", R_031, &mut rewritten).unwrap();
    let r = check(&rewritten, Some(&rl));
    assert_eq!(r.verdict, BundleVerdict::Failed);
    assert!(codes(&r).contains(&"inconsistent"), "{:?}", codes(&r));
}
