//! A team on one PostgreSQL ledger, from the command line: the organisation's desk
//! founds it, an officer joins from a desk of their own, is enrolled, records, is
//! revoked and records nothing more; every entry keeps its officer; the ledger verifies.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::process::Output;

fn tradeseal(home: &Path, args: &[&str]) -> Output {
    common::tradeseal(home, args, &[])
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn a_team_founds_joins_enrols_records_and_revokes_on_one_postgresql_ledger() {
    let url = tradeseal_log::throwaway::database();
    let dir = tempfile::tempdir().unwrap();
    let (org, ana) = (dir.path().join("org"), dir.path().join("ana"));
    ok(&tradeseal(
        &org,
        &["init", "--org", "Andes Coffee Export S.A.S."],
    ));
    // A home with entries would fork the organisation's history: refused, nothing made.
    let busy = dir.path().join("busy");
    ok(&tradeseal(&busy, &["init", "--org", "Busy"]));
    ok(&tradeseal(&busy, &["note", "one"]));
    let e = err(&tradeseal(&busy, &["team", "init", &url]));
    assert!(e.contains("holds 1 entries"), "{e}");

    let out = ok(&tradeseal(&org, &["team", "init", &url]));
    assert!(out.contains("Founded the team ledger"), "{out}");
    // Founded once: a second organisation cannot found it again.
    let other = dir.path().join("other");
    ok(&tradeseal(&other, &["init", "--org", "Other"]));
    let e = err(&tradeseal(&other, &["team", "init", &url]));
    assert!(e.contains("holds a TradeSeal ledger already"), "{e}");

    // Ana joins from her own desk: her own key, her card to hand over.
    let card = dir.path().join("ana.json");
    let out = ok(&tradeseal(
        &ana,
        &[
            "team",
            "join",
            &url,
            "--name",
            "Ana Ruiz",
            "-o",
            card.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("Ana Ruiz"), "{out}");
    let card_text = std::fs::read_to_string(&card).unwrap();
    assert!(
        card_text.contains("tradeseal-officer-card/v1"),
        "{card_text}"
    );
    assert!(
        !ana.join("ledger.sqlite").exists(),
        "an officer's desk has no ledger of its own"
    );
    // Not enrolled yet: her desk records nothing.
    let e = err(&tradeseal(&ana, &["note", "too early"]));
    assert!(e.contains("not enrolled"), "{e}");
    // She cannot enrol herself.
    let e = err(&tradeseal(
        &ana,
        &["officer", "add", card.to_str().unwrap()],
    ));
    assert!(
        e.contains("not enrolled") || e.contains("administrator"),
        "{e}"
    );

    ok(&tradeseal(
        &org,
        &["officer", "add", card.to_str().unwrap()],
    ));
    let list = ok(&tradeseal(&ana, &["officer", "list"]));
    assert!(
        list.contains("Ana Ruiz") && list.contains("active"),
        "{list}"
    );

    // Both desks record into the one ledger.
    ok(&tradeseal(&ana, &["note", "bags 1-40 inspected"]));
    ok(&tradeseal(&org, &["note", "contract signed"]));
    let log = ok(&tradeseal(&org, &["log", "--json"]));
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap();
    let by_text = |t: &str| {
        entries
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["payload"]["text"] == t)
            .unwrap_or_else(|| panic!("{t} not in {log}"))["author"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let ana_key = serde_json::from_str::<serde_json::Value>(&card_text).unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(by_text("bags 1-40 inspected"), ana_key);
    assert_ne!(by_text("contract signed"), ana_key);
    let text = ok(&tradeseal(&org, &["log"]));
    assert!(text.contains("bags 1-40 inspected  (Ana Ruiz)"), "{text}");
    assert!(
        text.contains("officer Ana Ruiz enrolled as officer"),
        "{text}"
    );
    let v = ok(&tradeseal(&ana, &["verify"]));
    assert!(v.to_lowercase().contains("intact"), "{v}");

    // Ana imports the coffee chain into the team ledger; the organisation exports the
    // lot's chain as a v2 bundle (commit notes and one multiproof, no per-entry
    // signature), which verifies; a one-desk home imports it and traces the lot.
    let chain = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/epcis/coffee-chain.jsonld");
    ok(&tradeseal(
        &ana,
        &["epcis", "import", chain.to_str().unwrap()],
    ));
    let file = dir.path().join("r031.tsbundle");
    ok(&tradeseal(
        &org,
        &[
            "bundle",
            "export",
            "--lot",
            "04012345123456/R-2026-031",
            "-o",
            file.to_str().unwrap(),
        ],
    ));
    let bytes = std::fs::read_to_string(&file).unwrap();
    assert!(bytes.contains("tradeseal-bundle/v2"), "{bytes}");
    let v = ok(&tradeseal(
        &org,
        &["bundle", "verify", file.to_str().unwrap()],
    ));
    assert!(v.contains("VERIFIED"), "{v}");
    let other_v = tradeseal(&busy, &["bundle", "verify", file.to_str().unwrap()]);
    assert_eq!(
        other_v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&other_v.stdout)
    );
    let imported = ok(&tradeseal(
        &busy,
        &["bundle", "import", file.to_str().unwrap()],
    ));
    assert!(imported.contains("Imported 8 new entries"), "{imported}");
    let traced = ok(&tradeseal(
        &busy,
        &["trace", "--lot", "04012345123456/R-2026-031", "--back"],
    ));
    assert!(traced.contains("H-2026-017"), "{traced}");

    // Ana replaces her key on her own desk: the old one hands the role over, the new
    // one records; the ledger verifies and names her for both.
    let new_card = dir.path().join("ana-new.json");
    let out = ok(&tradeseal(
        &ana,
        &["officer", "rotate", "-o", new_card.to_str().unwrap()],
    ));
    assert!(out.contains("New fingerprint"), "{out}");
    let ana_key =
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&new_card).unwrap())
            .unwrap()["public_key"]
            .as_str()
            .unwrap()
            .to_string();
    ok(&tradeseal(&ana, &["note", "with my new key"]));
    let text = ok(&tradeseal(&org, &["log"]));
    assert!(text.contains("with my new key  (Ana Ruiz)"), "{text}");
    let v = ok(&tradeseal(&org, &["verify"]));
    assert!(v.to_lowercase().contains("intact"), "{v}");
    assert!(!ana.join("identity.age.next").exists() && !ana.join("officer.json.next").exists());

    // Revoked: her desk records nothing more, the list says so, the ledger verifies.
    ok(&tradeseal(
        &org,
        &[
            "officer",
            "revoke",
            &ana_key,
            "--reason",
            "left the company",
        ],
    ));
    let e = err(&tradeseal(&ana, &["note", "after leaving"]));
    assert!(e.contains("revoked"), "{e}");
    let list = ok(&tradeseal(&org, &["officer", "list"]));
    assert!(list.contains("revoked at entry"), "{list}");
    let v = ok(&tradeseal(&org, &["verify"]));
    assert!(v.to_lowercase().contains("intact"), "{v}");

    // The store given on the command line, for a home that names none.
    let e = err(&tradeseal(
        &other,
        &["--store", "postgres://nobody@127.0.0.1:1/none", "log"],
    ));
    assert!(e.contains("127.0.0.1"), "{e}");
}

/// A copy of a home TradeSeal made with a version 1 ledger (tests/fixtures/homes/v4:
/// 18 entries, the passphrase of these tests), in `dir`.
fn version_1_home(dir: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/homes/v4");
    let dst = dir.join("org");
    std::fs::create_dir(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    dst
}

#[test]
fn a_version_1_home_is_upgraded_then_moved_into_a_team_database() {
    let url = tradeseal_log::throwaway::database();
    let dir = tempfile::tempdir().unwrap();
    let org = version_1_home(dir.path());
    ok(&tradeseal(&org, &["note", "recorded on one desk"]));
    // A team ledger is version 2: the upgrade comes first, and only when confirmed.
    assert!(err(&tradeseal(&org, &["team", "migrate", &url])).contains("ledger upgrade"));
    let o = tradeseal(&org, &["ledger", "upgrade"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Nothing was changed"));
    assert!(ok(&tradeseal(&org, &["log"])).contains("recorded on one desk"));
    let out = ok(&tradeseal(&org, &["ledger", "upgrade", "--yes"]));
    assert!(out.contains("entry 19 records the upgrade"), "{out}");
    ok(&tradeseal(&org, &["note", "first commit"]));
    let out = ok(&tradeseal(&org, &["team", "migrate", &url]));
    assert!(out.contains("Moved 21 entries"), "{out}");
    // The home writes the team ledger now: both parts verify there, and it goes on.
    ok(&tradeseal(&org, &["note", "in the team ledger"]));
    let out = ok(&tradeseal(&org, &["verify"]));
    assert!(out.contains("intact: 22 entries"), "{out}");
    let log = ok(&tradeseal(&org, &["log", "--limit", "30"]));
    for text in [
        "in the team ledger",
        "first commit",
        "ledger.upgrade",
        "recorded on one desk",
        "Received 20 bags of green coffee",
    ] {
        assert!(log.contains(text), "{log}");
    }
    assert!(ok(&tradeseal(&org, &["ledger", "upgrade", "--yes"])).contains("version 2 already"));
}

#[test]
fn a_new_one_desk_home_is_version_2_and_moves_into_a_team_database_as_it_is() {
    let url = tradeseal_log::throwaway::database();
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    ok(&tradeseal(
        &org,
        &["init", "--org", "Andes Coffee Export S.A.S."],
    ));
    ok(&tradeseal(&org, &["note", "recorded on one desk"]));
    assert!(ok(&tradeseal(&org, &["ledger", "upgrade", "--yes"])).contains("version 2 already"));
    let out = ok(&tradeseal(&org, &["team", "migrate", &url]));
    assert!(out.contains("Moved 1 entries"), "{out}");
    ok(&tradeseal(&org, &["note", "in the team ledger"]));
    let out = ok(&tradeseal(&org, &["verify"]));
    assert!(out.contains("intact: 2 entries"), "{out}");
    let log = ok(&tradeseal(&org, &["log"]));
    assert!(
        log.contains("recorded on one desk") && log.contains("in the team ledger"),
        "{log}"
    );
}
