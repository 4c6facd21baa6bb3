//! SIGKILL of an officer's process in the middle of commits, at random moments, on
//! both engines: every commit the process was told is durable is there afterwards, with
//! the note it was given, and the ledger verifies.

use ed25519_dalek::SigningKey;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;
use tradeseal_log::db::{Conn, Sql};
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry};
use tradeseal_log::{sql_params, Timestamp};

const CHILD_ENV: &str = "TRADESEAL_CRASH_CHILD_STORE";

fn connect(store: &str) -> Conn {
    match store.strip_prefix("sqlite:") {
        Some(path) => {
            let c = rusqlite::Connection::open(path).unwrap();
            c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")
                .unwrap();
            Conn::Sqlite(c)
        }
        None => Conn::postgres(store).unwrap(),
    }
}

/// The child: commits forever (one entry, then 300), printing each commit's end and
/// note only after `commit` returned. Does nothing in a normal run.
#[test]
fn crash_child() {
    let Ok(store) = std::env::var(CHILD_ENV) else {
        return;
    };
    let org = SigningKey::from_bytes(&[0x11; 32]);
    let mut l = Ledger::open(connect(&store)).unwrap();
    let out = std::io::stdout();
    for i in 0i64.. {
        let n = if i % 2 == 0 { 1 } else { 300 };
        let batch: Vec<NewEntry> = (0..n)
            .map(|k| NewEntry {
                kind: "note".into(),
                payload: format!("{{\"text\":\"crash {i}.{k}\"}}"),
            })
            .collect();
        let t = Timestamp::from_unix_millis(1_795_000_000_000 + i).unwrap();
        let c = l.commit(&org, t, &batch).unwrap();
        let mut o = out.lock();
        writeln!(o, "committed {} {}", c.end, c.note.replace('\n', "|")).unwrap();
        o.flush().unwrap();
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_commit() {
    let dir = tempfile::tempdir().unwrap();
    let stores = [
        format!("sqlite:{}", dir.path().join("ledger.sqlite").display()),
        tradeseal_log::throwaway::database(),
    ];
    for store in stores {
        let org = SigningKey::from_bytes(&[0x11; 32]);
        Ledger::create(connect(&store), &PublicKey::of(&org)).unwrap();
        let mut acknowledged: Vec<(u64, String)> = Vec::new();
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        for _round in 0..12 {
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
                .env(CHILD_ENV, &store)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                BufReader::new(stdout)
                    .lines()
                    .map_while(Result::ok)
                    .filter_map(|l| {
                        let (end, note) = l.strip_prefix("committed ")?.split_once(' ')?;
                        Some((end.parse::<u64>().ok()?, note.replace('|', "\n")))
                    })
                    .collect::<Vec<_>>()
            });
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            std::thread::sleep(Duration::from_millis(150 + rng % 400));
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            acknowledged.extend(reader.join().unwrap());
        }
        assert!(
            acknowledged.len() > 12,
            "{store}: the child committed too little to test anything"
        );
        let db = connect(&store);
        for (end, note) in &acknowledged {
            let row = db
                .query_one(
                    "SELECT note FROM commits WHERE end_size = ?1",
                    sql_params![*end as i64],
                )
                .unwrap();
            assert_eq!(
                row.map(|r| r.text(0).unwrap()).as_ref(),
                Some(note),
                "{store}: commit ending at {end} was acknowledged and is gone or changed"
            );
        }
        let r = Ledger::open(connect(&store)).unwrap().verify().unwrap();
        assert!(r.intact(), "{store}: {:?}", r.findings);
        assert!(r.size >= acknowledged.last().unwrap().0);
    }
}
