//! Excerpts of a v2 ledger (bundle.md v2): some entries, their commit notes, range
//! proofs and one multiproof, verified by someone holding only the organisation's key;
//! every kind of tampering caught for its reason. On both engines.

use ed25519_dalek::SigningKey;
use tradeseal_log::commit::OfficerCard;
use tradeseal_log::db::Conn;
use tradeseal_log::excerpt::{self, Excerpt};
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry, Role};
use tradeseal_log::{Hash, Timestamp};

fn ledgers() -> Vec<(&'static str, Conn, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let c = rusqlite::Connection::open(dir.path().join("ledger.sqlite")).unwrap();
    vec![
        ("sqlite", Conn::Sqlite(c), dir),
        (
            "postgres",
            Conn::postgres(&tradeseal_log::throwaway::database()).unwrap(),
            tempfile::tempdir().unwrap(),
        ),
    ]
}

fn key(b: u8) -> SigningKey {
    SigningKey::from_bytes(&[b; 32])
}

fn t(i: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_795_000_000_000 + i * 1000).unwrap()
}

fn notes(texts: &[&str]) -> Vec<NewEntry> {
    texts
        .iter()
        .map(|s| NewEntry {
            kind: "note".into(),
            payload: format!("{{\"text\":{}}}", serde_json::to_string(s).unwrap()),
        })
        .collect()
}

/// org: entries 0-1 enrol Ana (admin) and Ben; 2-6 an import by org; 7 Ben's note;
/// 8-10 Ana's three notes.
fn ledger(conn: Conn) -> (Ledger, SigningKey, SigningKey, SigningKey) {
    let (org, ana, ben) = (key(0x11), key(0x22), key(0x33));
    let mut l = Ledger::create(conn, &PublicKey::of(&org)).unwrap();
    let card = |l: &Ledger, n: &str, k: &SigningKey| {
        OfficerCard::new(l.origin(), "Acme", n, &PublicKey::of(k))
    };
    l.add_officer(&org, t(1), &card(&l, "Ana", &ana), Role::Admin)
        .unwrap();
    l.add_officer(&org, t(1), &card(&l, "Ben", &ben), Role::Officer)
        .unwrap();
    l.commit(&org, t(2), &notes(&["i0", "i1", "i2", "i3", "i4"]))
        .unwrap();
    l.commit(&ben, t(3), &notes(&["Ben's"])).unwrap();
    l.commit(&ana, t(4), &notes(&["a0", "a1", "a2"])).unwrap();
    (l, org, ana, ben)
}

fn codes(x: &Excerpt, org: &SigningKey) -> Vec<&'static str> {
    let mut c: Vec<&str> = excerpt::verify(x, &PublicKey::of(org))
        .findings
        .iter()
        .map(|f| f.code)
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn an_excerpt_proves_its_entries_and_their_officers() {
    for (engine, conn, _dir) in ledgers() {
        let (l, org, ana, _ben) = ledger(conn);
        let x = l.excerpt(&[3, 7, 9]).unwrap();
        // The officer-set chain came along; parts of two commits carry range proofs.
        let seqs: Vec<u64> = x.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [0, 1, 3, 7, 9], "{engine}");
        assert_eq!(x.ranges.len(), 2, "{engine}");
        let r = excerpt::verify(&x, &PublicKey::of(&org));
        assert!(r.verified(), "{engine}: {:?}", r.findings);
        assert_eq!(r.anchor, Some(11));
        // Another organisation's key: the officers it enrolled are nobody's.
        assert!(codes(&x, &ana).contains(&"not-an-admin"), "{engine}");
        // Everything: no range proofs needed.
        let all = l.excerpt(&(0..11).collect::<Vec<_>>()).unwrap();
        assert!(all.ranges.is_empty());
        assert!(excerpt::verify(&all, &PublicKey::of(&org)).verified());
    }
}

#[test]
fn every_kind_of_tampering_is_caught_for_its_reason() {
    for (engine, conn, _dir) in ledgers() {
        let (l, org, ana, _ben) = ledger(conn);
        let x = l.excerpt(&[3, 7, 9]).unwrap();
        let tamper = |f: &dyn Fn(&mut Excerpt)| {
            let mut y = x.clone();
            f(&mut y);
            codes(&y, &org)
        };
        // A payload changed.
        assert_eq!(
            tamper(&|y| y.entries[3].payload = "{\"text\":\"Ana's\"}".into()),
            ["commit-range", "inclusion"],
            "{engine}"
        );
        // Ben's entry made out as Ana's.
        assert_eq!(
            tamper(&|y| y.entries[3].author = PublicKey::of(&ana).to_bytes()),
            ["author-mismatch", "commit-range", "inclusion"],
            "{engine}"
        );
        // An entry left out, or one hash too many.
        assert_eq!(
            tamper(&|y| {
                y.entries.remove(2);
            }),
            ["inclusion"],
            "{engine}"
        );
        assert_eq!(
            tamper(&|y| y.proof.push(Hash::ZERO)),
            ["inclusion"],
            "{engine}"
        );
        // Ben's enrolment withheld: who signed his commit cannot be told.
        let withheld = tamper(&|y| {
            y.entries.remove(1);
        });
        assert!(
            withheld.contains(&"officer-set-incomplete") && withheld.contains(&"unknown-author"),
            "{engine}: {withheld:?}"
        );
        // The note of Ben's enrolment claimed by another key than its signer's: it does
        // not verify, so the enrolment is in no commit and Ben signs as nobody.
        assert_eq!(
            tamper(&|y| y.commits[1].0 = PublicKey::of(&ana)),
            ["bad-signature", "commit-missing", "unknown-author"],
            "{engine}"
        );
    }
}

#[test]
fn a_stolen_key_found_out_later_is_flagged_in_an_excerpt() {
    for (engine, conn, _dir) in ledgers() {
        let (mut l, org, _ana, ben) = ledger(conn);
        l.commit(&ben, t(10), &notes(&["by the thief"])).unwrap(); // entry 11
        l.revoke_officer(&org, t(20), &PublicKey::of(&ben), t(5), "key stolen")
            .unwrap();
        let x = l.excerpt(&[7, 11]).unwrap();
        let r = excerpt::verify(&x, &PublicKey::of(&org));
        let f: Vec<(&str, Option<u64>)> = r.findings.iter().map(|f| (f.code, f.seq)).collect();
        assert_eq!(f, [("officer-revoked", Some(11))], "{engine}");
    }
}
