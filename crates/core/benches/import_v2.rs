//! The floor of an EPCIS import into a version-2 ledger (issue 16), a bench command:
//! `cargo bench -p tradeseal-core --bench import_v2 [-- EVENTS]` (default 100,000).
//! The same synthetic document as the `epcis` bench is read, each event checked, its
//! CBV 2.0 hash id computed and its entry made canonical (on every core, in chunks of
//! 1,024), and the entries committed as one v2 commit (one signature), streamed in
//! chunks, on SQLite and on PostgreSQL. Not yet the whole import: the query tables
//! (events, objects, master data) are not written; the domain moves onto the v2 store
//! next. Compare with GS1's reference tool: 1,139 events/s on this document
//! (docs/benchmarks.md), so 50x is 57,000/s and 20x 22,800/s.
//!
//! Then the whole import (`epcis::import` into the core's v2 ledger: every check, the
//! query tables written in the commit, events already recorded skipped) on both
//! engines, beside the floor.

use ed25519_dalek::SigningKey;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;
use tradeseal_core::epcis;
use tradeseal_log::db::Conn;
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry};
use tradeseal_log::Timestamp;

mod common;
use common::{peak_rss_mib, write_document};

// The allocator of the CLI and the app, which this bench stands for.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000)
        / 5
        * 5;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&target).unwrap();
    let doc = target.join(format!("epcis-{n}.jsonld"));
    if !doc.exists() {
        write_document(&doc, n);
    }
    // GS1's reference tool on the same file in this run (TRADESEAL_BENCH_GS1=1; about 90 s
    // for 100,000 events): the measure the goals are multiples of. Else its rate measured
    // on this document before (docs/benchmarks.md).
    let gs1 = if std::env::var_os("TRADESEAL_BENCH_GS1").is_some() {
        let t = Instant::now();
        let out = std::process::Command::new("python3")
            .args(["-m", "epcis_event_hash_generator", "-b"])
            .arg(&doc)
            .output()
            .expect("python3 with epcis-event-hash-generator 1.9.3 (scripts/setup.sh)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let secs = t.elapsed().as_secs_f64();
        // `-b` writes the hashes beside the file, its extension replaced by `.hashes`.
        let listed = doc.with_extension("hashes");
        let hashes = std::fs::read_to_string(&listed)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("ni:///sha-256;"))
            .count();
        std::fs::remove_file(&listed).ok();
        assert_eq!(hashes, n, "the tool hashed every event");
        println!(
            "GS1's reference tool (epcis-event-hash-generator, hashes only) on the same file: {n} events in {secs:.1} s: {:.0} events/s",
            n as f64 / secs
        );
        n as f64 / secs
    } else {
        1139.0
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    let stores: [(&str, Box<dyn Fn() -> Conn>); 2] = [
        (
            "sqlite",
            Box::new(move || {
                let c = rusqlite::Connection::open(&file).unwrap();
                c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;").unwrap();
                Conn::Sqlite(c)
            }),
        ),
        (
            "postgres",
            Box::new(|| Conn::postgres(&tradeseal_log::throwaway::database()).unwrap()),
        ),
    ];
    // TRADESEAL_BENCH_ONLY=sqlite (or postgres): only the whole import into that engine
    // (what a profile of it needs), nothing else.
    let only = std::env::var("TRADESEAL_BENCH_ONLY").ok();
    for (name, open) in stores {
        if only.is_some() {
            break;
        }
        let org = SigningKey::from_bytes(&[0x11; 32]);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
        let t = Instant::now();
        // A reader thread parses the document into chunks; this thread checks and
        // hashes each chunk on every core and pushes it while the next is read.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<serde_json::Value>>(4);
        let path = doc.clone();
        let reader = std::thread::spawn(move || {
            let mut chunk = Vec::with_capacity(1024);
            epcis::document::read(std::fs::File::open(&path).unwrap(), |inc| {
                chunk.push(inc.event);
                if chunk.len() == 1024 {
                    tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(1024)))
                        .unwrap();
                }
                Ok(())
            })
            .unwrap();
            if !chunk.is_empty() {
                tx.send(chunk).unwrap();
            }
        });
        // A third stage checks and hashes each chunk on every core while this thread
        // pushes the one before.
        let (ptx, prx) = std::sync::mpsc::sync_channel::<Vec<NewEntry>>(2);
        let hasher = std::thread::spawn(move || {
            let ns = epcis::Namespaces::default();
            for chunk in rx {
                let entries: Vec<NewEntry> = chunk
                    .into_par_iter()
                    .map(|ev| {
                        let s = epcis::validate(&ev, &ns).expect("a valid event");
                        let e = epcis::event_entry(ev, s, &ns).expect("an entry");
                        NewEntry {
                            kind: e.kind,
                            payload: e.payload,
                        }
                    })
                    .collect();
                ptx.send(entries).unwrap();
            }
        });
        let ((), c) = l
            .commit_with(&org, now, |a| {
                for entries in prx {
                    a.push(entries)?;
                }
                Ok(())
            })
            .unwrap();
        hasher.join().unwrap();
        reader.join().unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: {} events read, checked, hashed and committed in one v2 commit in {secs:.2} s: {:.0} events/s ({:.0}x GS1's tool); peak RSS {:.0} MiB",
            c.end,
            c.end as f64 / secs,
            c.end as f64 / secs / gs1,
            peak_rss_mib()
        );
    }
    // The whole import, query tables and all.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whole.sqlite");
    // Each engine's store made just before its import: a new PostgreSQL database keeps
    // its server busy for a while, which would be measured against SQLite.
    let stores: [(&str, Box<dyn Fn() -> Conn>); 2] = [
        ("sqlite", Box::new(move || Conn::sqlite(&file).unwrap())),
        (
            "postgres",
            Box::new(|| Conn::postgres(&tradeseal_log::throwaway::database()).unwrap()),
        ),
    ];
    let mut v2_sqlite = None;
    for (name, open) in stores {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let conn = open();
        let org = SigningKey::from_bytes(&[0x11; 32]);
        let pk = PublicKey::of(&org);
        let origin = tradeseal_core::identity::origin_for(&pk);
        let signer = tradeseal_core::identity::Signer {
            key: org,
            card: tradeseal_core::identity::IdentityCard::new("Bench", None, &pk, &origin),
        };
        let mut l =
            tradeseal_core::ledger::Ledger::create_v2(conn, &pk, std::path::Path::new(name))
                .unwrap();
        let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
        let t = Instant::now();
        let r = epcis::import(
            &mut l,
            &signer,
            now,
            tradeseal_core::codelists::CodeLists::builtin(),
            || Ok(std::fs::File::open(&doc).unwrap()),
            false,
            &mut |_| {},
        )
        .unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: whole import (query tables written): {} events in {secs:.2} s: {:.0} events/s ({:.0}x GS1's tool); peak RSS {:.0} MiB",
            r.new,
            r.new as f64 / secs,
            r.new as f64 / secs / gs1,
            peak_rss_mib()
        );
        if name == "sqlite" {
            v2_sqlite = Some((l, signer));
        }
    }
    if only.is_some() {
        return;
    }
    // Bundle bytes, v2 against v1, for the same chains: the same document in a v1 home,
    // the bundles of 100 roasted lots from each.
    let (v2, v2_signer) = v2_sqlite.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (home, s1) = common::bench_home(dir.path(), "Bench", 0x11);
    let mut v1 = home.ledger().unwrap();
    epcis::import(
        &mut v1,
        &s1,
        Timestamp::from_unix_millis(1_795_000_000_000).unwrap(),
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(std::fs::File::open(&doc).unwrap()),
        false,
        &mut |_| {},
    )
    .unwrap();
    let (mut b1, mut b2, mut lines1, mut lines2) = (0usize, 0usize, 0usize, 0usize);
    for k in (0..n / 5).step_by((n / 5 / 100).max(1)).take(100) {
        let id = tradeseal_core::epcis::digital_link(&common::lot("R", k)).unwrap();
        let mut out = Vec::new();
        tradeseal_core::bundle::export(&v1, home.card(), "lot", &id, &mut out).unwrap();
        lines1 += out
            .split(|b| *b == b'\n')
            .filter(|l| l.starts_with(b"{\"author\""))
            .count();
        b1 += out.len();
        let mut out = Vec::new();
        tradeseal_core::bundle::export(&v2, &v2_signer.card, "lot", &id, &mut out).unwrap();
        let pat = br#""type":"entry""#;
        lines2 += out
            .split(|b| *b == b'\n')
            .filter(|l| l.windows(pat.len()).any(|w| w == pat))
            .count();
        b2 += out.len();
    }
    println!(
        "bundles of 100 roasted lots: v1 {b1} bytes ({lines1} entries, {:.0} B/entry), v2 {b2} bytes ({lines2} entries, {:.0} B/entry): v2 is {:.0}% of v1",
        b1 as f64 / lines1 as f64,
        b2 as f64 / lines2 as f64,
        b2 as f64 * 100.0 / b1 as f64
    );
}
