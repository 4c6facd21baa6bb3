//! Appends, proofs and checkpoints on a real ledger file.

use crate::{new_home, t};
use tradeseal_core::checkpoint;
use tradeseal_core::ledger::{Ledger, NewEntry};
use tradeseal_core::merkle;
use tradeseal_core::proof;
use tradeseal_core::verify::{verify, Verdict};
use tradeseal_core::Hash;

fn notes(n: usize) -> Vec<NewEntry> {
    (0..n)
        .map(|i| NewEntry::note(&format!("note {i}")).unwrap())
        .collect()
}

#[test]
fn appended_entries_link_verify_and_prove() {
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    for i in 0..5 {
        l.append(&signer, t(i), &notes(1)).unwrap();
    }
    l.append(&signer, t(9), &notes(40)).unwrap();
    assert_eq!(l.size().unwrap(), 45);
    let report = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.verdict, Verdict::Intact, "{:?}", report.findings);
    assert_eq!(report.entries, 45);
    assert_eq!(report.checkpoint_size, 45);
    for seq in [0, 1, 31, 32, 44] {
        let p = proof::inclusion(&l, seq).unwrap();
        let path: Vec<Hash> = p.path.iter().map(|h| Hash::from_hex(h).unwrap()).collect();
        let leaf = merkle::leaf_hash(&Hash::from_hex(&p.entry_hash).unwrap().0);
        assert!(merkle::verify_inclusion(
            &leaf,
            seq,
            45,
            &path,
            &Hash::from_hex(&p.root).unwrap()
        ));
    }
    for old in [1, 5, 32, 44, 45] {
        let p = proof::consistency(&l, old).unwrap();
        let path: Vec<Hash> = p.path.iter().map(|h| Hash::from_hex(h).unwrap()).collect();
        assert!(merkle::verify_consistency(
            old,
            45,
            &Hash::from_hex(&p.old_root).unwrap(),
            &Hash::from_hex(&p.new_root).unwrap(),
            &path
        ));
    }
    assert!(proof::inclusion(&l, 45).is_err());
    assert!(proof::consistency(&l, 0).is_err());
}

#[test]
fn entries_chain_by_hash_and_carry_the_given_time() {
    if crate::version_1_only("the version 1 ledger file") {
        return;
    }
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    let a = l.append(&signer, t(1), &notes(2)).unwrap();
    let e1 = l.entry(1).unwrap();
    assert_eq!(e1.body.prev, a[0].1);
    assert_eq!(e1.hash, a[1].1);
    assert_eq!(e1.body.time, t(1));
    assert_eq!(e1.body.payload, r#"{"text":"note 1"}"#);
}

#[test]
fn the_checkpoint_is_a_signed_note_for_the_current_tree() {
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&signer, t(1), &notes(3)).unwrap();
    let (cp, note) = l.checkpoint().unwrap();
    assert_eq!(cp.size, 3);
    assert!(note.starts_with(&format!("{}\n3\n", home.card().origin)));
    assert_eq!(
        checkpoint::open(&note, &home.card().origin, &signer.public_key()).unwrap(),
        cp
    );
}

#[test]
fn another_identity_cannot_append() {
    let (_d, home, _) = new_home();
    let (_d2, _, other) = {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h");
        let h = crate::init_home(
            &p,
            tradeseal_core::home::InitOptions {
                org: "Other",
                gln: None,
                passphrase: crate::PASS,
                seed: [4; 32],
                now: t(0),
                kdf_log_n: 10,
            },
        )
        .unwrap();
        let s = h.unlock(crate::PASS).unwrap();
        (dir, h, s)
    };
    let mut l = home.ledger().unwrap();
    assert!(l.append(&other, t(1), &notes(1)).is_err());
    assert_eq!(l.size().unwrap(), 0);
}

#[test]
fn two_writers_at_once_are_serialised() {
    if crate::version_1_only("the version 1 ledger file") {
        return;
    }
    let (_d, home, signer) = new_home();
    let signer = std::sync::Arc::new(signer);
    let path = home.path().join("ledger.sqlite");
    let threads: Vec<_> = (0..2)
        .map(|w| {
            let (path, signer) = (path.clone(), signer.clone());
            std::thread::spawn(move || {
                let mut l = Ledger::open(&path).unwrap();
                for i in 0..100 {
                    l.append(
                        &signer,
                        t(i),
                        &[NewEntry::note(&format!("writer {w} note {i}")).unwrap()],
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let l = home.ledger().unwrap();
    assert_eq!(l.size().unwrap(), 200);
    assert_eq!(
        verify(&l, None, &mut |_, _| {}).unwrap().verdict,
        Verdict::Intact
    );
}

#[test]
fn a_rejected_batch_appends_nothing() {
    let (_d, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(&signer, t(1), &notes(2)).unwrap();
    let before = l.checkpoint_note().unwrap();
    let mut batch = notes(3);
    batch[2].kind = "Bad Kind".into();
    assert!(l.append(&signer, t(2), &batch).is_err());
    assert_eq!(l.size().unwrap(), 2);
    assert_eq!(l.checkpoint_note().unwrap(), before);
}
