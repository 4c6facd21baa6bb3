//! `tradeseal ledger upgrade` (ledger.md §8.3): a version 1 home becomes version 2 in
//! place. Its entries stay as they are and verify by version 1's rules; one last v1
//! entry records the upgrade; what follows is signed commits. All or nothing.

use crate::epcis::{coffee_chain, import_bytes};
use crate::{new_home, t, PASS};
use tradeseal_core::home::Home;
use tradeseal_core::ledger::{Ledger, NewEntry};
use tradeseal_core::trace::{self, Direction};
use tradeseal_core::verify::{verify, Report, Verdict};

const R_031: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-031";

fn verified(l: &Ledger, saved: Option<&str>) -> Report {
    verify(l, saved, &mut |_, _| {}).unwrap()
}

fn codes(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_version_1_home_upgrades_in_place_and_goes_on_in_version_2() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    let (_d, mut home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &signer, &coffee_chain()).unwrap();
    l.append(&signer, t(1), &[NewEntry::note("received").unwrap()])
        .unwrap();
    let saved_v1 = l.checkpoint_note().unwrap();
    drop(l);
    // A key hand-over in the version 1 part: the upgrade is signed by the new key.
    home.rotate_key(PASS, [9; 32], t(2), 10).unwrap();
    let signer = home.unlock(PASS).unwrap();
    let before: Vec<_> = {
        let l = home.ledger().unwrap();
        (0..12).map(|s| l.entry(s).unwrap()).collect()
    };

    let seq = home.upgrade_ledger(PASS, t(3)).unwrap();
    assert_eq!(seq, 12);
    let mut l = home.ledger().unwrap();
    assert_eq!(
        (l.format(), l.v2_start(), l.size().unwrap()),
        (2, Some(13), 13)
    );
    // Nothing of the version 1 part was rewritten.
    for (s, e) in before.iter().enumerate() {
        assert_eq!(&l.entry(s as u64).unwrap(), e);
    }
    let up = l.entry(12).unwrap();
    assert_eq!(
        (up.body.kind.as_str(), up.body.payload.as_str()),
        ("ledger.upgrade", r#"{"format":2}"#)
    );
    assert_eq!(up.body.author, signer.public_key().to_bytes());
    // Until the first commit, the checkpoint is the version 1 part's last.
    let (cp, _) = l.checkpoint().unwrap();
    assert_eq!(cp.size, 13);
    assert_eq!(verified(&l, None).verdict, Verdict::Intact);

    // It goes on in version 2: a commit, events known from before stay known.
    l.append(&signer, t(4), &[NewEntry::note("first commit").unwrap()])
        .unwrap();
    let again = import_bytes(&mut l, &signer, &coffee_chain()).unwrap();
    assert_eq!((again.new, again.known), (0, 10));
    let (cp, note) = l.checkpoint().unwrap();
    assert_eq!(cp.size, 14);
    assert!(note.contains("tradeseal-commit/v2 13 "), "{note}");
    let back = trace::trace(&l, R_031, Direction::Back).unwrap();
    assert!(back.nodes.iter().filter(|n| n.origin).count() >= 2);
    let views = l.entry_views_desc(11, 14).unwrap();
    assert_eq!(
        views.iter().map(|v| v.kind.as_str()).collect::<Vec<_>>(),
        ["note", "ledger.upgrade", "key.rotate"]
    );
    // One desk, no officers: every entry is the organisation's, and not named on each.
    assert_eq!(views[0].officer, None);

    // Both parts verify; a checkpoint saved in either part still checks.
    let r = verified(&l, None);
    assert_eq!(
        (r.verdict, r.entries),
        (Verdict::Intact, 14),
        "{:?}",
        r.findings
    );
    let r = verified(&l, Some(&saved_v1));
    assert_eq!(r.saved_checkpoint_size, Some(11), "{:?}", r.findings);
    let r = verified(&l, Some(&note));
    assert_eq!(r.saved_checkpoint_size, Some(14), "{:?}", r.findings);
    // Its key was handed over before the upgrade: a v2 bundle, which would not carry the
    // hand-over, is refused with the reason (not written for partners to refuse).
    let e =
        tradeseal_core::bundle::export(&l, home.card(), "lot", R_031, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("handed over"), "{e}");
    // Read-only opening, and a second upgrade refused with the reason.
    assert_eq!(home.ledger_read_only().unwrap().format(), 2);
    let e = home.upgrade_ledger(PASS, t(5)).unwrap_err();
    assert!(e.to_string().contains("version 2 already"), "{e}");
    let reopened = Home::open(home.path()).unwrap().ledger().unwrap();
    assert_eq!(reopened.size().unwrap(), 14);
}

/// An upgraded ledger of 4 v1 notes, the upgrade (entry 4) and two commits (5, 6-7).
fn upgraded() -> (tempfile::TempDir, Home, std::path::PathBuf, Vec<u8>) {
    let (d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    for i in 0..4 {
        l.append(
            &signer,
            t(i),
            &[NewEntry::note(&format!("v1 {i}")).unwrap()],
        )
        .unwrap();
    }
    l.upgrade(&signer, t(5)).unwrap();
    l.append(&signer, t(6), &[NewEntry::note("v2 a").unwrap()])
        .unwrap();
    l.append(
        &signer,
        t(7),
        &[
            NewEntry::note("v2 b").unwrap(),
            NewEntry::note("v2 c").unwrap(),
        ],
    )
    .unwrap();
    l.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(l);
    let path = home.path().join("ledger.sqlite");
    let bytes = std::fs::read(&path).unwrap();
    (d, home, path, bytes)
}

#[test]
fn tampering_with_either_part_of_an_upgraded_ledger_is_caught() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    let (_d, _home, path, bytes) = upgraded();
    let check = |sql: &str| -> Report {
        let _ = std::fs::remove_file(path.with_extension("sqlite-wal"));
        let _ = std::fs::remove_file(path.with_extension("sqlite-shm"));
        std::fs::write(&path, &bytes).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        verified(&Ledger::open(&path).unwrap(), None)
    };
    assert_eq!(check("").verdict, Verdict::Intact);
    let cases: &[(&str, u64, &str)] = &[
        // A version 1 entry altered: caught by version 1's rules.
        (
            r#"UPDATE entries SET payload = '{"text":"v1 X"}' WHERE seq = 1"#,
            1,
            "hash-mismatch",
        ),
        // The upgrade entry altered.
        (
            r#"UPDATE entries SET payload = '{"format":3}' WHERE seq = 4"#,
            4,
            "upgrade-invalid",
        ),
        // The version 2 part said to begin earlier, where no upgrade entry is.
        (
            "UPDATE meta SET value = '3' WHERE key = 'v2_start'",
            2,
            "upgrade-invalid",
        ),
        // A version 2 entry altered, and one made to read as a version 1 entry.
        (
            r#"UPDATE entries SET payload = '{"text":"v2 X"}' WHERE seq = 6"#,
            6,
            "hash-mismatch",
        ),
        (
            "UPDATE entries SET v = 1 WHERE seq = 5",
            5,
            "entry-malformed",
        ),
        // The last commit's note dropped.
        (
            "DELETE FROM commits WHERE end_size = 8",
            6,
            "unsigned-entries",
        ),
    ];
    for (sql, seq, code) in cases {
        let r = check(sql);
        assert_eq!(r.verdict, Verdict::Failed, "{sql}: not caught");
        assert!(codes(&r).contains(code), "{sql}: {:?}", r.findings);
        assert!(
            r.first_bad.is_some_and(|b| b <= *seq),
            "{sql}: {:?}",
            r.findings
        );
    }
}

#[test]
fn an_upgrade_that_fails_half_way_leaves_the_version_1_ledger_as_it_was() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&signer, t(1), &[NewEntry::note("kept").unwrap()])
        .unwrap();
    let cp = l.checkpoint_note().unwrap();
    // A table in the way of the upgrade's own: it fails after its v1 entry was pushed.
    l.conn()
        .execute_batch("CREATE TABLE officers (x INTEGER)")
        .unwrap();
    let e = l.upgrade(&signer, t(2)).unwrap_err();
    assert!(e.to_string().contains("officers"), "{e}");
    let l = home.ledger().unwrap();
    assert_eq!((l.format(), l.size().unwrap()), (1, 1));
    assert_eq!(l.checkpoint_note().unwrap(), cp);
    assert_eq!(verified(&l, None).verdict, Verdict::Intact);
}

#[test]
fn an_upgraded_ledger_proves_its_version_2_entries_in_a_bundle_and_names_the_older() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    use tradeseal_core::bundle::{self, BundleVerdict};
    // Events recorded before the upgrade: the reason, not a broken bundle.
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &signer, &coffee_chain()).unwrap();
    l.upgrade(&signer, t(3)).unwrap();
    let e = bundle::export(&l, home.card(), "lot", R_031, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("before the ledger's upgrade"), "{e}");

    // Events recorded after it: a version 2 bundle the receiver verifies.
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&signer, t(1), &[NewEntry::note("v1").unwrap()])
        .unwrap();
    l.upgrade(&signer, t(2)).unwrap();
    import_bytes(&mut l, &signer, &coffee_chain()).unwrap();
    let mut bytes = Vec::new();
    let n = bundle::export(&l, home.card(), "lot", R_031, &mut bytes).unwrap();
    assert!(n >= 5, "{n}");
    assert!(String::from_utf8_lossy(&bytes).contains("tradeseal-bundle/v2"));
    let (_r, receiver) = crate::receiver(home.card(), "trusted");
    let r = bundle::verify(&bytes[..], Some(&receiver), &mut |_| true).unwrap();
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
}
