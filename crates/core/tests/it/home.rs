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
