//! Bundle verification benchmark (a bench command: one long run on real files).
//!
//! `cargo bench -p tradeseal-core --bench bundle [-- EVENTS]` (default 1,000,000):
//! three parties each record a third of a synthetic EPCIS supply chain in their own
//! ledger; one bundle holds all of their entries (cards, checkpoints, inclusion proofs);
//! the bench verifies it, streaming, and reports the time and the process's peak memory
//! beside the floor measured in the same run: strict batch verification of the same
//! signatures alone, already in memory. Figures: docs/benchmarks.md.

use std::path::PathBuf;
use std::time::Instant;
use tradeseal_core::bundle::{self, BundleVerdict, Subject};
use tradeseal_core::entry;
use tradeseal_core::epcis;
use tradeseal_core::signature;
use tradeseal_core::Timestamp;

mod common;
use common::{bench_home, lot, peak_rss_mib, write_document};

fn main() {
    // `-- --file PATH`: verify an existing bundle only (for profiling).
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--file") {
        let (report, secs) = timed_verify(std::path::Path::new(&args[i + 1]));
        println!(
            "verify: {} entries in {secs:.2} s; peak RSS {:.0} MiB; verdict {:?}, {} findings",
            report.entries,
            peak_rss_mib(),
            report.verdict,
            report.findings.len()
        );
        return;
    }
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let per = n / 3 / 5 * 5;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&target).unwrap();
    let doc = target.join(format!("bundle-part-{per}.jsonld"));
    write_document(&doc, per);
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let mut homes = Vec::new();
    let t = Instant::now();
    for (i, org) in ["Finca", "Cooperativa", "Importer"].iter().enumerate() {
        let (home, signer) = bench_home(dir.path(), org, i as u8 + 1);
        let mut l = home.ledger().unwrap();
        epcis::import(
            &mut l,
            &signer,
            now,
            tradeseal_core::codelists::CodeLists::builtin(),
            || Ok(std::fs::File::open(&doc).unwrap()),
            false,
            &mut |_| {},
        )
        .unwrap();
        homes.push(home);
    }
    std::fs::remove_file(&doc).ok();
    println!(
        "three ledgers of {per} events each recorded in {:.0} s",
        t.elapsed().as_secs_f64()
    );

    let path = target.join("bundle-bench.tsbundle");
    {
        let ledgers: Vec<_> = homes
            .iter()
            .map(|h| h.ledger_read_only().unwrap())
            .collect();
        let parts: Vec<_> = ledgers
            .iter()
            .zip(&homes)
            .map(|(l, h)| (l, h.card()))
            .collect();
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let subject = Subject {
            kind: "lot".into(),
            id: epcis::digital_link(&lot("R", 0)).unwrap(),
        };
        let entries = bundle::export_ledgers(&parts, subject, &mut w).unwrap();
        drop(w);
        println!(
            "bundle: {entries} entries, {:.0} MB",
            std::fs::metadata(&path).unwrap().len() as f64 / 1e6
        );
    }

    let rss_before = peak_rss_mib();
    let (report, secs) = timed_verify(&path);
    assert_ne!(
        report.verdict,
        BundleVerdict::Failed,
        "{:?}",
        &report.findings[..report.findings.len().min(5)]
    );
    println!(
        "verify: {} entries in {secs:.2} s ({:.0} entries/s); peak RSS {:.0} MiB (before {:.0} MiB); verdict {:?}, {} findings",
        report.entries,
        report.entries as f64 / secs,
        peak_rss_mib(),
        rss_before,
        report.verdict,
        report.findings.len()
    );
    assert_ne!(
        report.verdict,
        BundleVerdict::Failed,
        "{:?}",
        &report.findings[..report.findings.len().min(5)]
    );

    // The floor, in the same run: strict batch verification of the same signatures.
    let mut keys = Vec::new();
    let mut items_raw: Vec<(usize, Vec<u8>, [u8; 64])> =
        Vec::with_capacity(report.entries as usize);
    for (i, h) in homes.iter().enumerate() {
        keys.push(h.card().public_key().unwrap());
        let l = h.ledger_read_only().unwrap();
        l.for_each_chunk(16_384, |rows| {
            for r in rows {
                let e = r.to_entry().unwrap();
                items_raw.push((i, entry::signed_message(&e.hash), e.signature));
            }
            Ok(true)
        })
        .unwrap();
    }
    let items: Vec<(&signature::PublicKey, &[u8], &[u8; 64])> = items_raw
        .iter()
        .map(|(i, m, s)| (&keys[*i], m.as_slice(), s))
        .collect();
    let t = Instant::now();
    let bad = signature::verify_many(&items);
    assert!(bad.is_empty());
    println!(
        "floor: strict batch verification of the same {} signatures alone: {:.2} s",
        items.len(),
        t.elapsed().as_secs_f64()
    );
    if std::env::var_os("TRADESEAL_BENCH_KEEP").is_none() {
        std::fs::remove_file(&path).ok();
    }
}

fn timed_verify(path: &std::path::Path) -> (bundle::BundleReport, f64) {
    let t = Instant::now();
    let f = std::fs::File::open(path).unwrap();
    let report = bundle::verify(
        std::io::BufReader::with_capacity(1 << 20, f),
        None,
        &mut |_| true,
    )
    .unwrap();
    (report, t.elapsed().as_secs_f64())
}
