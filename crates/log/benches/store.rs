//! Ledger v2 store benchmark (a bench command): `cargo bench -p tradeseal-log --bench
//! store [-- ENTRIES]` (default 100,000). On SQLite (a file, WAL, synchronous=FULL) and
//! on PostgreSQL (a throwaway cluster on a Unix socket, or TRADESEAL_TEST_POSTGRES):
//! one commit of ENTRIES entries of ~300 bytes (an import), then four officers each
//! committing single entries for 10 s at once (the desk case): rate and p50/p99 latency.

use ed25519_dalek::SigningKey;
use std::time::{Duration, Instant};
use tradeseal_log::commit::OfficerCard;
use tradeseal_log::db::Conn;
use tradeseal_log::signature::PublicKey;
use tradeseal_log::store::{Ledger, NewEntry, Role};
use tradeseal_log::Timestamp;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.sqlite");
    let pg = tradeseal_log::throwaway::database();
    let sqlite = move || {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536;").unwrap();
        Conn::Sqlite(c)
    };
    let postgres = move || Conn::postgres(&pg).unwrap();
    let engines: [(&str, &(dyn Fn() -> Conn + Sync)); 2] =
        [("sqlite", &sqlite), ("postgres", &postgres)];
    for (name, open) in engines {
        let org = SigningKey::from_bytes(&[0x11; 32]);
        let mut l = Ledger::create(open(), &PublicKey::of(&org)).unwrap();
        let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
        let entries: Vec<NewEntry> = (0..n)
            .map(|i| NewEntry {
                kind: "epcis.event".into(),
                payload: format!("{{\"event\":{{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-01-15T07:30:00.000-05:00\",\"epcList\":[\"https://id.gs1.org/01/07701234000011/21/{i:012}\"],\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"readPoint\":{{\"id\":\"https://id.gs1.org/414/7701234000011\"}}}},\"hash_id\":\"ni:///sha-256;{i:064x}?ver=CBV2.0\"}}"),
            })
            .collect();
        let t = Instant::now();
        l.commit(&org, now, &entries).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: one commit of {n} entries in {s:.2} s: {:.0} entries/s",
            n as f64 / s
        );
        // Four officers at once, single-entry commits.
        let keys: Vec<SigningKey> = (0..4)
            .map(|i| SigningKey::from_bytes(&[0x40 + i; 32]))
            .collect();
        for (i, k) in keys.iter().enumerate() {
            let card = OfficerCard::new(
                l.origin(),
                "Acme",
                &format!("Officer {i}"),
                &PublicKey::of(k),
            );
            l.add_officer(&org, now, &card, Role::Officer).unwrap();
        }
        let until = Instant::now() + Duration::from_secs(10);
        let mut lat: Vec<Duration> = std::thread::scope(|s| {
            let hs: Vec<_> = keys
                .iter()
                .map(|k| {
                    s.spawn(move || {
                        let mut mine = Ledger::open(open()).unwrap();
                        let mut lat = Vec::new();
                        while Instant::now() < until {
                            let t = Instant::now();
                            mine.commit(
                                k,
                                now,
                                &[NewEntry {
                                    kind: "note".into(),
                                    payload: "{\"text\":\"desk entry\"}".into(),
                                }],
                            )
                            .unwrap();
                            lat.push(t.elapsed());
                        }
                        lat
                    })
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        lat.sort();
        let p =
            |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "{name}: four officers, single-entry commits for 10 s: {} commits ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms",
            lat.len(),
            lat.len() as f64 / 10.0,
            p(0.5),
            p(0.99)
        );
        let t = Instant::now();
        let r = l.verify().unwrap();
        println!(
            "{name}: verified {} entries in {} commits in {:.2} s, intact: {}",
            r.size,
            r.commits,
            t.elapsed().as_secs_f64(),
            r.intact()
        );
    }
}
