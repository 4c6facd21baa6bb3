//! The version-2 ledger on both engines: officers enrolled and revoked, commits signed
//! once and attributed, concurrent writers in one history, and forgeries caught.

use ed25519_dalek::SigningKey;
use tradeseal_log::commit::{self, OfficerCard};
use tradeseal_log::db::{Conn, Sql};
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry, Role};
use tradeseal_log::{sql_params, Timestamp};

type Opener = Box<dyn Fn() -> Conn + Sync>;

/// Each engine's opener of one fresh database (the folder kept alive with it).
fn engines() -> Vec<(&'static str, Opener, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    let pg = tradeseal_log::throwaway::database();
    vec![
        (
            "sqlite",
            Box::new(move || {
                let c = rusqlite::Connection::open(&file).unwrap();
                c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")
                    .unwrap();
                Conn::Sqlite(c)
            }),
            dir,
        ),
        (
            "postgres",
            Box::new(move || Conn::postgres(&pg).unwrap()),
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

fn note(text: &str) -> NewEntry {
    NewEntry {
        kind: "note".into(),
        payload: format!("{{\"text\":{}}}", serde_json::to_string(text).unwrap()),
    }
}

fn card(l: &Ledger, name: &str, k: &SigningKey) -> OfficerCard {
    OfficerCard::new(l.origin(), "Acme Customs Brokers", name, &PublicKey::of(k))
}

#[test]
fn officers_commit_once_signed_and_attributed() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let (ana, ben) = (key(0x22), key(0x33));
        // Not enrolled yet: refused by the database path, nothing written.
        let e = l.commit(&ana, t(0), &[note("too early")]).unwrap_err();
        assert!(e.to_string().contains("not enrolled"), "{engine}: {e}");
        assert_eq!(l.size().unwrap(), 0);
        l.add_officer(&org, t(1), &card(&l, "Ana Ruiz", &ana), Role::Admin)
            .unwrap();
        // An officer cannot enrol (Ana is an admin, Ben not yet anything).
        let e = l
            .add_officer(&ben, t(2), &card(&l, "Ben", &ben), Role::Officer)
            .unwrap_err();
        assert!(
            e.to_string().contains("only an administrator"),
            "{engine}: {e}"
        );
        l.add_officer(&ana, t(2), &card(&l, "Ben Okafor", &ben), Role::Officer)
            .unwrap();
        let c = l
            .commit(
                &ben,
                t(3),
                &[note("Received 20 bags"), note("Weighed: 1,204 kg")],
            )
            .unwrap();
        assert_eq!((c.start, c.end), (2, 4), "{engine}");
        // The note is Ben's, and only Ben's, and it names the commit.
        let opened = commit::open(&c.note, &PublicKey::of(&ben)).unwrap();
        assert_eq!((opened.start, opened.set), (2, Some(1)));
        assert!(commit::open(&c.note, &PublicKey::of(&ana)).is_err());
        let r = l.verify().unwrap();
        assert!(r.intact(), "{engine}: {:?}", r.findings);
        assert_eq!((r.size, r.commits), (4, 3));
        // Ben revokes himself from a time; later commits of his are refused.
        l.revoke_officer(&ben, t(4), &PublicKey::of(&ben), t(4), "laptop lost")
            .unwrap();
        let e = l.commit(&ben, t(5), &[note("after")]).unwrap_err();
        assert!(e.to_string().contains("revoked"), "{engine}: {e}");
        l.commit(&ana, t(5), &[note("Ana goes on")]).unwrap();
        let r = l.verify().unwrap();
        assert!(r.intact(), "{engine}: {:?}", r.findings);
    }
}

#[test]
fn forgeries_in_the_database_are_caught_by_verification() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let (ana, ben) = (key(0x22), key(0x33));
        l.add_officer(&org, t(1), &card(&l, "Ana", &ana), Role::Officer)
            .unwrap();
        l.add_officer(&org, t(1), &card(&l, "Ben", &ben), Role::Officer)
            .unwrap();
        l.commit(&ana, t(2), &[note("Ana's entry")]).unwrap();
        l.commit(&ben, t(3), &[note("Ben's entry")]).unwrap();
        assert!(l.verify().unwrap().intact());
        // Ana, with write access to the database, signs Ben's commit with her own key
        // (she cannot sign as Ben): the entry still names Ben, so authorship is forged.
        let db = open();
        let rows = db
            .query("SELECT note FROM commits WHERE end_size = 4", &[])
            .unwrap();
        let c = commit::read(&rows[0].text(0).unwrap()).unwrap();
        let forged = c.sign(&ana);
        db.execute(
            "UPDATE commits SET note = ?1, author = ?2 WHERE end_size = 4",
            sql_params![forged.as_str(), PublicKey::of(&ana).to_bytes().to_vec()],
        )
        .unwrap();
        let codes: Vec<&str> = l
            .verify()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, ["author-mismatch"], "{engine}");
        // An entry changed after it was committed.
        db.execute(
            "UPDATE entries SET payload = ?1 WHERE seq = 2",
            sql_params!["{\"text\":\"Ana's other entry\"}"],
        )
        .unwrap();
        let codes: Vec<&str> = l
            .verify()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        assert!(codes.contains(&"hash-mismatch"), "{engine}: {codes:?}");
    }
}

#[test]
fn a_commit_made_after_a_revocation_time_is_flagged_even_before_the_revocation() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let ana = key(0x22);
        l.add_officer(&org, t(1), &card(&l, "Ana", &ana), Role::Officer)
            .unwrap();
        l.commit(&ana, t(2), &[note("before the theft")]).unwrap();
        l.commit(&ana, t(10), &[note("by the thief")]).unwrap();
        // Found out later: revoked from t(5), between the two commits.
        l.revoke_officer(&org, t(20), &PublicKey::of(&ana), t(5), "key stolen")
            .unwrap();
        let r = l.verify().unwrap();
        let f: Vec<(&str, Option<u64>)> = r.findings.iter().map(|f| (f.code, f.seq)).collect();
        assert_eq!(f, [("officer-revoked", Some(2))], "{engine}");
    }
}

#[test]
fn four_officers_appending_at_once_make_one_history() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let keys: Vec<SigningKey> = (0..4).map(|i| key(0x40 + i)).collect();
        for (i, k) in keys.iter().enumerate() {
            l.add_officer(
                &org,
                t(1),
                &card(&l, &format!("Officer {i}"), k),
                Role::Officer,
            )
            .unwrap();
        }
        let per = 20;
        std::thread::scope(|s| {
            for (i, k) in keys.iter().enumerate() {
                let open = &open;
                s.spawn(move || {
                    let mut mine = Ledger::open(open()).unwrap();
                    for j in 0..per {
                        mine.commit(k, t(2 + j), &[note(&format!("officer {i} entry {j}"))])
                            .unwrap();
                    }
                });
            }
        });
        let r = l.verify().unwrap();
        assert!(r.intact(), "{engine}: {:?}", r.findings);
        assert_eq!(
            (r.size, r.commits),
            (4 + 4 * per as u64, 4 + 4 * per as u64),
            "{engine}"
        );
        // Each officer's entries are theirs.
        let db = open();
        for (i, k) in keys.iter().enumerate() {
            let rows = db
                .query(
                    "SELECT payload FROM entries WHERE author = ?1 AND kind = 'note'",
                    sql_params![PublicKey::of(k).to_bytes().to_vec()],
                )
                .unwrap();
            assert_eq!(rows.len(), per as usize, "{engine}");
            assert!(rows
                .iter()
                .all(|r| r.text(0).unwrap().contains(&format!("officer {i} "))));
        }
    }
}

#[test]
fn a_commit_written_in_chunks_with_its_own_rows_is_all_or_nothing() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let db = open();
        db.batch("CREATE TABLE seen (seq BIGINT PRIMARY KEY, what TEXT NOT NULL)")
            .unwrap();
        let chunk = |from: usize| -> Vec<NewEntry> {
            (from..from + 100)
                .map(|i| note(&format!("event {i}")))
                .collect()
        };
        // Three chunks and a row of the caller's per entry, in one commit.
        let ((), c) = l
            .commit_with(&org, t(1), |a| {
                for k in 0..3 {
                    let first = a.push(chunk(k * 100))?;
                    for i in 0..100 {
                        a.sql().execute(
                            "INSERT INTO seen (seq, what) VALUES (?1, ?2)",
                            sql_params![(first + i) as i64, "event"],
                        )?;
                    }
                }
                Ok(())
            })
            .unwrap();
        assert_eq!((c.start, c.end), (0, 300), "{engine}");
        assert_eq!(
            commit::open(&c.note, &PublicKey::of(&org)).unwrap().start,
            0
        );
        // A failure in the middle (after two chunks): nothing of it remains.
        let r: Result<((), _), _> = l.commit_with(&org, t(2), |a| {
            a.push(chunk(300))?;
            a.sql().execute(
                "INSERT INTO seen (seq, what) VALUES (?1, ?2)",
                sql_params![300i64, "event"],
            )?;
            a.push(chunk(400))?;
            Err(tradeseal_log::Error::invalid(
                "document",
                "event 450 is not valid",
            ))
        });
        assert!(r.is_err());
        let n = |db: &Conn, sql: &str| db.query_one(sql, &[]).unwrap().unwrap().int(0).unwrap();
        assert_eq!(n(&db, "SELECT count(*) FROM entries"), 300, "{engine}");
        assert_eq!(n(&db, "SELECT count(*) FROM seen"), 300, "{engine}");
        assert!(l.verify().unwrap().intact());
        // Officer-set kinds cannot slip in through a plain commit.
        let e = l
            .commit_with(&org, t(3), |a| {
                a.push(vec![NewEntry {
                    kind: "officer.add".into(),
                    payload: "{}".into(),
                }])
            })
            .unwrap_err();
        assert!(
            e.to_string().contains("their own commands"),
            "{engine}: {e}"
        );
    }
}

#[test]
fn an_officer_hands_her_role_to_a_new_key_of_hers() {
    for (engine, open, _dir) in engines() {
        let org = key(0x11);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let (ana, ana2, mallory) = (key(0x22), key(0x23), key(0x66));
        l.add_officer(&org, t(1), &card(&l, "Ana Ruiz", &ana), Role::Admin)
            .unwrap();
        l.commit(&ana, t(2), &[note("with the old key")]).unwrap();
        let new_card = card(&l, "Ana Ruiz", &ana2);
        let msg =
            commit::officer_rotate_message(l.origin(), &PublicKey::of(&ana), &PublicKey::of(&ana2));
        // A signature by another key than the new card's: refused, nothing written.
        let size = l.size().unwrap();
        let forged = tradeseal_log::signature::sign(&mallory, &msg);
        let e = l
            .rotate_officer(&ana, t(3), &new_card, &forged)
            .unwrap_err();
        assert!(e.to_string().contains("signature"), "{engine}: {e}");
        assert_eq!(l.size().unwrap(), size);
        // The hand-over: the new key takes her role (admin), the old commits no more.
        let sig = tradeseal_log::signature::sign(&ana2, &msg);
        l.rotate_officer(&ana, t(3), &new_card, &sig).unwrap();
        let e = l.commit(&ana, t(4), &[note("old key")]).unwrap_err();
        assert!(e.to_string().contains("revoked"), "{engine}: {e}");
        l.commit(&ana2, t(4), &[note("with the new key")]).unwrap();
        l.add_officer(&ana2, t(5), &card(&l, "Ben", &key(0x33)), Role::Officer)
            .unwrap();
        let r = l.verify().unwrap();
        assert!(r.intact(), "{engine}: {:?}", r.findings);
        // An excerpt of the new key's entry checks by the organisation's key alone:
        // the enrolment and the hand-over travel with it.
        let x = l.excerpt(&[4]).unwrap();
        let rep = tradeseal_log::excerpt::verify(&x, &PublicKey::of(&org));
        assert!(rep.verified(), "{engine}: {:?}", rep.findings);
        // The hand-over's signature altered in the database: verification flags it,
        // and the new key's commits with it.
        let db = open();
        let row = db
            .query_one(
                "SELECT seq, payload FROM entries WHERE kind = 'officer.rotate'",
                &[],
            )
            .unwrap()
            .unwrap();
        let (seq, payload) = (row.int(0).unwrap(), row.text(1).unwrap());
        let i = payload.find("\"new_signature\":\"").unwrap() + 17;
        let flipped = if &payload[i..i + 1] == "0" { "1" } else { "0" };
        let tampered = format!("{}{flipped}{}", &payload[..i], &payload[i + 1..]);
        db.execute(
            "UPDATE entries SET payload = ?1 WHERE seq = ?2",
            sql_params![tampered.as_str(), seq],
        )
        .unwrap();
        let codes: Vec<&str> = l
            .verify()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        assert!(
            codes.contains(&"officer-entry-invalid"),
            "{engine}: {codes:?}"
        );
        assert!(codes.contains(&"unknown-author"), "{engine}: {codes:?}");
    }
}
