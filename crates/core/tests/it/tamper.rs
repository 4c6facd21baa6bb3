//! Tampering with the stored ledger in any way makes `verify` fail and name the first bad entry.

use crate::{new_home, t};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tradeseal_core::ledger::{Ledger, NewEntry};
use tradeseal_core::verify::{verify, Report, Verdict};

const N: u64 = 6;

/// A checkpointed ledger of N notes; returns its file bytes and the home folder.
fn pristine() -> (tempfile::TempDir, PathBuf, Vec<u8>, String) {
    let (d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    for i in 0..N {
        l.append(
            &signer,
            t(i as i64),
            &[NewEntry::note(&format!("lot {i} received")).unwrap()],
        )
        .unwrap();
    }
    let cp = l.checkpoint_note().unwrap();
    drop(l);
    let path = home.path().join("ledger.sqlite");
    let c = Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    drop(c);
    (d, path.clone(), std::fs::read(&path).unwrap(), cp)
}

fn check(
    path: &Path,
    bytes: &[u8],
    saved: Option<&str>,
    tamper: impl FnOnce(&Connection),
) -> Report {
    let _ = std::fs::remove_file(path.with_extension("sqlite-wal"));
    let _ = std::fs::remove_file(path.with_extension("sqlite-shm"));
    std::fs::write(path, bytes).unwrap();
    {
        let c = Connection::open(path).unwrap();
        tamper(&c);
    }
    verify(&Ledger::open(path).unwrap(), saved, &mut |_, _| {}).unwrap()
}

fn assert_fails_at(r: &Report, seq: u64, what: &str) {
    assert_eq!(r.verdict, Verdict::Failed, "{what}: not detected");
    assert_eq!(r.first_bad, Some(seq), "{what}: {:?}", r.findings);
}

#[test]
fn an_untouched_copy_verifies() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    assert_eq!(check(&path, &bytes, None, |_| {}).verdict, Verdict::Intact);
}

#[test]
fn changing_any_byte_of_any_stored_field_is_caught_at_that_entry() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    let mut cases = 0;
    for seq in 0..N as i64 {
        let c = Connection::open(&path).unwrap();
        let (kind, payload): (String, String) = c
            .query_row(
                "SELECT kind, payload FROM entries WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        drop(c);
        for col in ["author", "prev", "hash", "signature"] {
            for byte in 0..if col == "signature" { 64 } else { 32 } {
                let r = check(&path, &bytes, None, |c| {
                    let mut v: Vec<u8> = c
                        .query_row(
                            &format!("SELECT {col} FROM entries WHERE seq = ?1"),
                            [seq],
                            |r| r.get(0),
                        )
                        .unwrap();
                    v[byte] ^= 0x01;
                    c.execute(
                        &format!("UPDATE entries SET {col} = ?1 WHERE seq = ?2"),
                        rusqlite::params![v, seq],
                    )
                    .unwrap();
                });
                assert_fails_at(&r, seq as u64, &format!("{col}[{byte}] of entry {seq}"));
                cases += 1;
            }
        }
        for (col, text) in [("kind", &kind), ("payload", &payload)] {
            for i in 0..text.len() {
                let mut b = text.clone().into_bytes();
                b[i] = if b[i] == b'x' { b'y' } else { b'x' };
                let changed = String::from_utf8(b).unwrap();
                let r = check(&path, &bytes, None, |c| {
                    c.execute(
                        &format!("UPDATE entries SET {col} = ?1 WHERE seq = ?2"),
                        rusqlite::params![changed, seq],
                    )
                    .unwrap();
                });
                assert_fails_at(&r, seq as u64, &format!("{col}[{i}] of entry {seq}"));
                cases += 1;
            }
        }
        let r = check(&path, &bytes, None, |c| {
            c.execute(
                "UPDATE entries SET time_ms = time_ms + 1 WHERE seq = ?1",
                [seq],
            )
            .unwrap();
        });
        assert_fails_at(&r, seq as u64, &format!("time of entry {seq}"));
    }
    assert!(cases > 1000);
}

#[test]
fn deleting_an_entry_is_caught_there() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    let r = check(&path, &bytes, None, |c| {
        c.execute("DELETE FROM entries WHERE seq = 2", []).unwrap();
    });
    assert_fails_at(&r, 2, "delete");
    assert!(r.findings.iter().any(|f| f.code == "seq-gap"));
}

#[test]
fn reordering_entries_is_caught_at_the_first_moved_one() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    let r = check(&path, &bytes, None, |c| {
        c.execute_batch("UPDATE entries SET seq = -1 WHERE seq = 3; UPDATE entries SET seq = 3 WHERE seq = 4; UPDATE entries SET seq = 4 WHERE seq = -1;").unwrap();
    });
    assert_fails_at(&r, 3, "reorder");
}

#[test]
fn inserting_an_entry_is_caught_there() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    let r = check(&path, &bytes, None, |c| {
        c.execute_batch(
            "UPDATE entries SET seq = seq + 100 WHERE seq >= 2; UPDATE entries SET seq = seq - 99 WHERE seq >= 100;
             INSERT INTO entries SELECT 2, kind, time_ms, author, prev, '{\"text\":\"forged\"}', hash, signature FROM entries WHERE seq = 3;",
        )
        .unwrap();
    });
    assert_fails_at(&r, 2, "insert");
    let r = check(&path, &bytes, None, |c| {
        c.execute("INSERT INTO entries SELECT 6, kind, time_ms, author, hash, payload, hash, signature FROM entries WHERE seq = 5", []).unwrap();
    });
    assert_fails_at(&r, 6, "append without the key");
}

#[test]
fn truncating_is_caught_by_the_checkpoint_or_a_saved_one() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, saved) = pristine();
    // Entries removed, checkpoint left: the checkpoint names the first missing entry.
    let r = check(&path, &bytes, None, |c| {
        c.execute("DELETE FROM entries WHERE seq >= 4", []).unwrap();
    });
    assert_fails_at(&r, 4, "truncate");
    assert!(r.findings.iter().any(|f| f.code == "truncated"));

    // With a checkpoint saved earlier, the missing entries are named as well.
    let r = check(&path, &bytes, Some(&saved), |c| {
        c.execute("DELETE FROM entries WHERE seq >= 4", []).unwrap();
    });
    assert_fails_at(&r, 4, "truncate against saved checkpoint");
}

#[test]
fn a_rewritten_history_is_caught_against_a_saved_checkpoint() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    // The owner (who holds the key) rebuilds the ledger with different content: everything
    // is signed and linked, so only a checkpoint saved before tells.
    let (_d, path, _bytes, saved) = pristine();
    let (_d2, home2, signer2) = new_home();
    let mut l2 = home2.ledger().unwrap();
    for i in 0..N + 2 {
        let text = if i == 1 {
            "lot 1 destroyed".to_string()
        } else {
            format!("lot {i} received")
        };
        l2.append(&signer2, t(i as i64), &[NewEntry::note(&text).unwrap()])
            .unwrap();
    }
    let own = verify(&l2, None, &mut |_, _| {}).unwrap();
    assert_eq!(own.verdict, Verdict::Intact);
    let r = verify(&l2, Some(&saved), &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.findings.iter().any(|f| f.code == "history-rewritten"),
        "{:?}",
        r.findings
    );
    let _ = path;
}

#[test]
fn a_saved_checkpoint_of_the_same_ledger_verifies_as_a_prefix() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&signer, t(0), &[NewEntry::note("a").unwrap()])
        .unwrap();
    let saved = l.checkpoint_note().unwrap();
    l.append(
        &signer,
        t(1),
        &[NewEntry::note("b").unwrap(), NewEntry::note("c").unwrap()],
    )
    .unwrap();
    let r = verify(&l, Some(&saved), &mut |_, _| {}).unwrap();
    assert_eq!(r.verdict, Verdict::Intact, "{:?}", r.findings);
    assert_eq!(r.saved_checkpoint_size, Some(1));
}

#[test]
fn a_forged_tree_node_is_caught() {
    if crate::version_1_only("changes bytes of a version 1 SQLite file") {
        return;
    }
    let (_d, path, bytes, _) = pristine();
    let r = check(&path, &bytes, None, |c| {
        c.execute(
            "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 1",
            [],
        )
        .unwrap();
    });
    assert_eq!(r.verdict, Verdict::Failed);
    assert_eq!(r.first_bad, Some(2));
}
