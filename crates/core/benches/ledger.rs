//! Ledger benchmarks (a bench command, not criterion: each figure is one long run).
//!
//! `cargo bench -p tradeseal-core --bench ledger [-- N]` measures, on real files:
//! - durable batched appends (1,000 entries per transaction), entries per second;
//! - durable one-at-a-time appends, latency percentiles;
//! - full verification of an N-entry ledger (default 1,000,000), seconds.
//!
//! Measured figures: docs/benchmarks.md.

use std::time::Instant;
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::ledger::NewEntry;
use tradeseal_core::verify::{verify, Verdict};
use tradeseal_core::Timestamp;

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    // TRADESEAL_BENCH_HOME keeps the ledger (passphrase "benchmark passphrase"), e.g. to
    // open a million entries in the app; otherwise it lives in a temporary folder.
    let dir = tempfile::tempdir().unwrap();
    let at = std::env::var_os("TRADESEAL_BENCH_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("home"));
    // A version 1 ledger, as measured in docs/benchmarks.md (version 2: tradeseal-log's
    // `store` bench).
    let home = Home::init_v1(
        &at,
        InitOptions {
            org: "Bench",
            gln: None,
            passphrase: "benchmark passphrase",
            seed: [1; 32],
            now: Timestamp::from_unix_millis(0).unwrap(),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let signer = home.unlock("benchmark passphrase").unwrap();
    let mut ledger = home.ledger().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    // A realistic ~200-byte payload.
    let note = |i: u64| {
        NewEntry::note(&format!(
            "Lot L-{i:08} received at GLN 4012345000009: 20 bags, 1,200 kg, seal intact"
        ))
        .unwrap()
    };

    // One at a time, each durable before the next.
    let mut lat: Vec<f64> = Vec::new();
    for i in 0..1000 {
        let t = Instant::now();
        ledger.append(&signer, now, &[note(i)]).unwrap();
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "single appends: p50 {:.2} ms, p99 {:.2} ms, {:.0} entries/s",
        lat[500],
        lat[990],
        1000.0 / lat.iter().sum::<f64>() * 1e3
    );

    // Batched: 1,000 entries per durable transaction, up to n entries in all.
    let t = Instant::now();
    let mut done = 1000u64;
    while done < n {
        let k = (n - done).min(1000);
        let batch: Vec<NewEntry> = (done..done + k).map(note).collect();
        ledger.append(&signer, now, &batch).unwrap();
        done += k;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "batched appends: {} entries in {secs:.1} s = {:.0} entries/s",
        done - 1000,
        (done - 1000) as f64 / secs
    );

    let t = Instant::now();
    let report = verify(&ledger, None, &mut |_, _| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.verdict, Verdict::Intact);
    println!(
        "verify: {} entries in {secs:.2} s = {:.0} entries/s",
        report.entries,
        report.entries as f64 / secs
    );
    let db = std::fs::metadata(home.path().join("ledger.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "ledger file: {:.1} MB ({:.0} bytes/entry)",
        db as f64 / 1e6,
        db as f64 / done as f64
    );
}
