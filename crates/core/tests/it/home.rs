//! The home folder: created whole, never overwritten, opened only when it is ours.

use crate::{new_home, t, PASS};
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::{Error, ErrorCode};

fn opts() -> InitOptions<'static> {
    InitOptions {
        org: "Acme",
        gln: None,
        passphrase: PASS,
        seed: [9; 32],
        now: t(0),
        kdf_log_n: 10,
    }
}

fn listing(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walk(dir);
    v.sort();
    v
}

fn walk(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn init_refuses_an_existing_home_and_changes_nothing() {
    let (dir, home, _) = new_home();
    let before = listing(dir.path());
    let e = Home::init(home.path(), opts()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::HomeExists);
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn the_private_key_is_never_on_disk_in_clear() {
    let (dir, _, signer) = new_home();
    let seed = signer.key.to_bytes();
    for (name, bytes) in listing(dir.path()) {
        assert!(
            !bytes.windows(32).any(|w| w == seed),
            "{name} holds the raw key"
        );
        let hex = hex::encode(seed);
        assert!(
            !bytes.windows(64).any(|w| w == hex.as_bytes()),
            "{name} holds the key in hex"
        );
    }
}

#[test]
fn a_wrong_passphrase_is_refused() {
    let (_d, home, _) = new_home();
    assert!(matches!(
        home.unlock("not the passphrase"),
        Err(Error::WrongPassphrase { .. })
    ));
}

#[test]
fn a_random_file_is_not_a_home() {
    if crate::version_1_only("the files of a home's own ledger") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("random");
    std::fs::write(&f, b"hello").unwrap();
    assert_eq!(Home::open(&f).unwrap_err().code(), ErrorCode::NotAHome);
    // A folder with a random ledger.sqlite and card is refused as well.
    let (_d, home, _) = new_home();
    std::fs::write(home.path().join("ledger.sqlite"), vec![0x42; 8192]).unwrap();
    let _ = std::fs::remove_file(home.path().join("ledger.sqlite-wal"));
    let _ = std::fs::remove_file(home.path().join("ledger.sqlite-shm"));
    let e = Home::open(home.path())
        .unwrap()
        .ledger_read_only()
        .err()
        .unwrap();
    assert_eq!(e.code(), ErrorCode::NotAHome, "{e}");
}

#[test]
fn a_missing_home_says_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let e = Home::open(&dir.path().join("nowhere")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::HomeMissing);
    assert!(e.to_string().contains("tradeseal init"));
}

#[test]
fn a_bad_gln_or_short_passphrase_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h");
    let e = Home::init(
        &p,
        InitOptions {
            gln: Some("4012345000008"),
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("gln"));
    let e = Home::init(
        &p,
        InitOptions {
            passphrase: "short",
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("passphrase"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn a_home_and_its_files_are_its_owners_alone() {
    if crate::version_1_only("the files of a home's own ledger") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let (_dir, mut home, signer) = new_home();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // A write, so that SQLite's WAL and shared-memory files exist too.
    let mut l = home.ledger().unwrap();
    l.append(
        &signer,
        t(1),
        &[tradeseal_core::ledger::NewEntry::note("x").unwrap()],
    )
    .unwrap();
    assert_eq!(mode(home.path()), 0o700);
    let mut seen = 0;
    for e in std::fs::read_dir(home.path()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
            seen += 1;
        }
    }
    assert!(
        seen >= 4,
        "identity.age, identity.json, ledger.sqlite and its WAL: {seen}"
    );
    drop(l);
    // A key rotation writes the new key file private as well.
    home.rotate_key(PASS, [7; 32], t(2), 10).unwrap();
    assert_eq!(mode(&home.path().join("identity.age")), 0o600);
}

/// A copy of a home kept as a fixture (tests/fixtures/homes), to open and change.
fn fixture_home(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let src = crate::epcis::root().join("tests/fixtures/homes").join(name);
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("home");
    std::fs::create_dir(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    (dir, dst)
}

#[test]
fn a_home_made_by_schema_v4_upgrades_and_verifies() {
    use tradeseal_core::{dossier, label, verify};
    let (_dir, path) = fixture_home("v4");
    let saved =
        std::fs::read_to_string(crate::epcis::root().join("tests/fixtures/homes/v4.checkpoint"))
            .unwrap();
    let home = Home::open(&path).unwrap();
    // Read-only, an old schema is refused with what to do, and nothing changes.
    let e = home.ledger_read_only().err().expect("refused");
    assert!(e.to_string().contains("schema version 4"), "{e}");
    // Opened read-write, it is upgraded in place to the current schema.
    let mut l = home.ledger().unwrap();
    let r = verify::verify(&l, Some(&saved), &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, verify::Verdict::Intact, "{:?}", r.findings);
    assert_eq!((r.entries, r.saved_checkpoint_size), (18, Some(18)));
    // What v4 recorded reads as before: the trace, the sealed dossier and its seal.
    let traced = tradeseal_core::trace::trace(
        &l,
        &tradeseal_core::trace::start_id("lot", "04012345123456/R-2026-031").unwrap(),
        tradeseal_core::trace::Direction::Back,
    )
    .unwrap();
    assert!(traced.nodes.iter().filter(|n| n.origin).count() >= 2);
    let sealed = dossier::store::list(&l, "ACME-2026-0042").unwrap();
    assert_eq!(sealed.len(), 1);
    let file = dossier::store::export(&l, home.card(), &sealed[0].id, None, &[]).unwrap();
    // v4's attachment moved to v6's table (a rowid, for streaming) with its bytes.
    assert_eq!(
        file.attachments.len(),
        1,
        "the sealed file carries its attachment"
    );
    let text = serde_json::to_string(&file).unwrap();
    let report =
        dossier::sealed::verify(&text, tradeseal_core::codelists::CodeLists::builtin(), None);
    assert_eq!(report.attachments, 1, "{:?}", report.findings);
    assert_ne!(
        report.verdict,
        tradeseal_core::bundle::BundleVerdict::Failed,
        "{:?}",
        report.findings
    );
    // And v5's additions work on it: the key unlocks, entries append, labels issued
    // under v4 are checked and sighted in the new scan log.
    let s = home.unlock(crate::PASS).unwrap();
    l.append(
        &s,
        t(100),
        &[tradeseal_core::ledger::NewEntry::note("after the upgrade").unwrap()],
    )
    .unwrap();
    let keys = label::Keys::of(&l, &home.card().org).unwrap();
    let labels = label::issue::issue(
        &mut l,
        &s,
        t(101),
        &label::Request {
            gtin: "07701234000011",
            lot: "L2026-117",
            serials: label::Serials::Next(1),
            resolver: "https://id.acme-coffee.example",
            product: None,
        },
    )
    .unwrap();
    assert_eq!(
        labels.labels[0].link.serial.as_str(),
        "000006",
        "v4's five serials are known"
    );
    let report = label::verify::verify(&labels.labels[0].uri, Some(&l), Some(&keys));
    assert_eq!(
        report.verdict,
        tradeseal_core::bundle::BundleVerdict::Verified,
        "{:?}",
        report.findings
    );
    let r = verify::verify(&l, Some(&saved), &mut |_, _| {}).unwrap();
    assert_eq!((r.verdict, r.entries), (verify::Verdict::Intact, 20));
    drop(l);
    assert!(
        home.ledger_read_only().is_ok(),
        "upgraded: read-only opens now"
    );
}

#[cfg(unix)]
#[test]
fn a_home_made_world_readable_by_an_earlier_version_is_tightened_on_open() {
    use std::os::unix::fs::PermissionsExt;
    // The v4 fixture was made before homes were private: 0755 and 0644 as copied here.
    let (_dir, path) = fixture_home("v4");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        path.join("identity.age"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    Home::open(&path).unwrap();
    assert_eq!(mode(&path), 0o700);
    for f in ["identity.age", "identity.json", "ledger.sqlite"] {
        assert_eq!(mode(&path.join(f)), 0o600, "{f}");
    }
}
