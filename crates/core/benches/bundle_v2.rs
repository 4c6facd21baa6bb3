//! Bundle v2 verification benchmark (issue 16; a bench command, one long run):
//! `cargo bench -p tradeseal-core --bench bundle_v2 [-- EVENTS]` (default 1,000,000).
//! Three organisations, each with a v2 ledger (SQLite), record a third of the synthetic
//! supply chain; one v2 bundle holds all their entries (per ledger: its commit notes, the
//! entries, no per-entry signature or path); the bench verifies it, streaming, and
//! reports time, peak memory and the file's size (v1's 1,000,000-event bundle: 28.7 s,
//! 2,299 MB; the goal: at most 11 s and 1 GB).

use std::path::PathBuf;
use std::time::Instant;
use tradeseal_core::bundle::{self, BundleVerdict, Subject};
use tradeseal_core::epcis;
use tradeseal_core::identity::{IdentityCard, Signer};
use tradeseal_core::ledger::Ledger;
use tradeseal_core::Timestamp;
use tradeseal_log::db::Conn;
use tradeseal_log::signature::PublicKey;

mod common;
use common::{lot, peak_rss_mib, write_document};

// The allocator of the CLI and the app, which this bench stands for.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let per = n / 3 / 5 * 5;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&target).unwrap();
    let path = target.join("bundle-v2-bench.tsbundle");
    // TRADESEAL_BENCH_REUSE=1 verifies the bundle a run with TRADESEAL_BENCH_KEEP=1 left.
    if std::env::var_os("TRADESEAL_BENCH_REUSE").is_some() && path.exists() {
        return verify(&path);
    }
    let doc = target.join(format!("bundle-part-{per}.jsonld"));
    write_document(&doc, per);
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let t = Instant::now();
    let mut parts = Vec::new();
    for (i, org) in ["Finca", "Cooperativa", "Importer"].iter().enumerate() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[i as u8 + 1; 32]);
        let pk = PublicKey::of(&key);
        let origin = tradeseal_core::identity::origin_for(&pk);
        let card = IdentityCard::new(org, None, &pk, &origin);
        let file = dir.path().join(format!("{org}.sqlite"));
        let mut l = Ledger::create_v2(Conn::sqlite(&file).unwrap(), &pk, &file).unwrap();
        let signer = Signer {
            key,
            card: card.clone(),
        };
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
        parts.push((l, card));
    }
    std::fs::remove_file(&doc).ok();
    println!(
        "three v2 ledgers of {per} events each recorded in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    {
        let refs: Vec<(&Ledger, &IdentityCard)> = parts.iter().map(|(l, c)| (l, c)).collect();
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let subject = Subject {
            kind: "lot".into(),
            id: epcis::digital_link(&lot("R", 0)).unwrap(),
        };
        let entries = bundle::export_ledgers_v2(&refs, subject, &mut w).unwrap();
        drop(w);
        println!(
            "bundle v2: {entries} entries, {:.0} MB",
            std::fs::metadata(&path).unwrap().len() as f64 / 1e6
        );
    }
    drop(parts);
    verify(&path);
}

fn verify(path: &std::path::Path) {
    let rss_before = peak_rss_mib();
    let t = Instant::now();
    let f = std::fs::File::open(path).unwrap();
    let report = bundle::verify(
        std::io::BufReader::with_capacity(1 << 20, f),
        None,
        &mut |_| true,
    )
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "verify v2: {} entries in {secs:.2} s ({:.0} entries/s); peak RSS {:.0} MiB (before {:.0} MiB); verdict {:?}, {} findings",
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
    if std::env::var_os("TRADESEAL_BENCH_KEEP").is_none() {
        std::fs::remove_file(path).ok();
    }
}
