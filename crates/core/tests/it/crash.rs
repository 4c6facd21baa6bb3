//! SIGKILL during appends: every entry reported committed survives, and the ledger verifies.

use crate::new_home;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tradeseal_core::home::Home;
use tradeseal_core::ledger::NewEntry;
use tradeseal_core::verify::{verify, Verdict};

const CHILD_ENV: &str = "TRADESEAL_CRASH_CHILD_HOME";

/// The child: appends forever (one entry, then a batch of 25, and so on), printing each
/// committed entry's number and hash only after `append` returned. Does nothing in a normal run.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let home = Home::open(std::path::Path::new(&dir)).unwrap();
    let signer = home.unlock(crate::PASS).unwrap();
    let mut l = home.ledger().unwrap();
    let out = std::io::stdout();
    for i in 0u64.. {
        let n = if i % 2 == 0 { 1 } else { 25 };
        let batch: Vec<NewEntry> = (0..n)
            .map(|k| NewEntry::note(&format!("crash {i}.{k}")).unwrap())
            .collect();
        let done = l.append(&signer, crate::t(i as i64), &batch).unwrap();
        let mut o = out.lock();
        for (seq, hash) in done {
            writeln!(o, "committed {seq} {hash}").unwrap();
        }
        o.flush().unwrap();
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_committed_entry() {
    if crate::version_1_only("kills a writer of a version 1 SQLite file (PostgreSQL: ledger_v2)") {
        return;
    }
    let (_d, home, _) = new_home();
    let mut committed: Vec<(u64, String)> = Vec::new();
    let mut rng = 0x9e3779b97f4a7c15u64;
    let rounds = 25;
    for round in 0..rounds {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, home.path())
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
                    let mut p = l.strip_prefix("committed ")?.split(' ');
                    Some((p.next()?.parse::<u64>().ok()?, p.next()?.to_string()))
                })
                .collect::<Vec<_>>()
        });
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait = Duration::from_millis(30 + rng % 250);
        let start = Instant::now();
        while start.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        committed.extend(reader.join().unwrap());
        let l = home.ledger().unwrap();
        let size = l.size().unwrap();
        for (seq, hash) in &committed {
            assert!(
                *seq < size,
                "round {round}: committed entry {seq} is gone (size {size})"
            );
            assert_eq!(
                &l.entry(*seq).unwrap().hash.to_hex(),
                hash,
                "round {round}: entry {seq} changed"
            );
        }
        let r = verify(&l, None, &mut |_, _| {}).unwrap();
        assert_eq!(
            r.verdict,
            Verdict::Intact,
            "round {round}: {:?}",
            r.findings
        );
    }
    assert!(
        committed.len() > rounds,
        "the child committed too little to test anything"
    );
}
