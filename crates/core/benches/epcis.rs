//! EPCIS benchmarks (a bench command: each figure is one long run on real files).
//!
//! `cargo bench -p tradeseal-core --bench epcis [-- IMPORT_EVENTS TRACE_EVENTS]`:
//! - writes a synthetic supply-chain EPCIS 2.0 document of IMPORT_EVENTS events
//!   (default 100,000; kept at target/bench/epcis-N.jsonld for the reference tool),
//!   imports it into a fresh ledger: events per second and the process's peak memory;
//! - imports TRACE_EVENTS events (default 1,000,000) and times traces back and forward
//!   from random lots: median, p99 and worst latency.
//!
//! Each chain of five events: a farm commissions a lot, packs it into an SSCC, ships it,
//! the importer receives it and roasts it together with the previous farm's lot and 1 kg
//! of a blend lot shared by 100 roasts (so a blend lot's recall list has 100 lots).
//! Measured figures: docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::time::Instant;
use tradeseal_core::epcis;
use tradeseal_core::home::Home;
use tradeseal_core::trace::{self, Direction};
use tradeseal_core::Timestamp;

mod common;
use common::{bench_home, lot, peak_rss_mib, write_document};

fn import(home: &Home, signer: &tradeseal_core::identity::Signer, doc: &Path) -> (usize, f64) {
    let mut ledger = home.ledger().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let t = Instant::now();
    let mut checked = None;
    let r = epcis::import(
        &mut ledger,
        signer,
        now,
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(std::fs::File::open(doc).unwrap()),
        false,
        &mut |p| {
            if p.phase == epcis::ImportPhase::Checking && p.total.is_some() {
                checked = Some(t.elapsed().as_secs_f64());
            }
        },
    )
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  (checking pass {:.2} s, recording pass {:.2} s)",
        checked.unwrap_or(0.0),
        secs - checked.unwrap_or(0.0)
    );
    (r.new, secs)
}

fn floor(doc: &Path, n_import: usize) {
    // The floor under the import: reading and hashing alone, and appending the already
    // prepared entries (hash links, Ed25519 signatures, SQLite) alone.
    let t = Instant::now();
    let mut entries = Vec::with_capacity(n_import);
    let ns = epcis::Namespaces::default();
    epcis::document::read(std::fs::File::open(doc).unwrap(), |inc| {
        let ev = inc.event;
        let s = epcis::validate(&ev, &ns).unwrap();
        entries.push(epcis::event_entry(ev, s, &ns).unwrap());
        Ok(())
    })
    .unwrap();
    let read_secs = t.elapsed().as_secs_f64();
    let dir = tempfile::tempdir().unwrap();
    let (home, signer) = bench_home(dir.path(), "Bench", 1);
    let mut ledger = home.ledger().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let t = Instant::now();
    for c in entries.chunks(1024) {
        ledger.append(&signer, now, c).unwrap();
    }
    let append_secs = t.elapsed().as_secs_f64();
    println!(
        "  parts, one thread each: read + check + hash + canonical JSON {read_secs:.2} s ({:.0} events/s); signed appends of the prepared entries {append_secs:.2} s ({:.0} events/s)",
        n_import as f64 / read_secs,
        n_import as f64 / append_secs
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n_import = args.first().copied().unwrap_or(100_000) / 5 * 5;
    let n_trace = args.get(1).copied().unwrap_or(1_000_000) / 5 * 5;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&target).unwrap();

    let doc = target.join(format!("epcis-{n_import}.jsonld"));
    write_document(&doc, n_import);
    let size = std::fs::metadata(&doc).unwrap().len() as f64 / 1e6;
    let rss_before = peak_rss_mib();
    let dir = tempfile::tempdir().unwrap();
    let (home, signer) = bench_home(dir.path(), "Bench", 1);
    let (n, secs) = import(&home, &signer, &doc);
    println!(
        "import: {n} events ({size:.1} MB) in {secs:.2} s = {:.0} events/s; peak RSS {:.0} MiB (before import {:.0} MiB)",
        n as f64 / secs,
        peak_rss_mib(),
        rss_before
    );
    println!("  document kept at {}", doc.display());
    drop(home);
    drop(dir);

    if n_trace == 0 {
        floor(&doc, n_import);
        return;
    }
    let big = target.join(format!("epcis-{n_trace}.jsonld"));
    write_document(&big, n_trace);
    let dir = tempfile::tempdir().unwrap();
    let (home, signer) = bench_home(dir.path(), "Bench", 1);
    let big_mb = std::fs::metadata(&big).unwrap().len() as f64 / 1e6;
    let (n, secs) = import(&home, &signer, &big);
    println!(
        "trace ledger: {n} events ({big_mb:.0} MB) imported in {secs:.1} s ({:.0} events/s); peak RSS of the process so far {:.0} MiB",
        n as f64 / secs,
        peak_rss_mib()
    );
    std::fs::remove_file(&big).ok();
    let ledger = home.ledger_read_only().unwrap();
    let chains = n_trace / 5;
    for (dir_name, dir, prefix) in [
        ("back from a roasted lot", Direction::Back, "R"),
        ("forward from a farm lot", Direction::Forward, "F"),
        ("forward from a blend lot", Direction::Forward, "B"),
    ] {
        let mut lat = Vec::new();
        let mut nodes = 0;
        for i in 0..200 {
            let k = (i * 7919 + 13) % chains / if prefix == "B" { 100 } else { 1 };
            let start = epcis::digital_link(&lot(prefix, k)).unwrap();
            let t = Instant::now();
            let r = trace::trace(&ledger, &start, dir).unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1e3);
            nodes += r.nodes.len();
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "trace {dir_name} on {n} events: median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.1} nodes, {} queries)",
            lat[lat.len() / 2],
            lat[lat.len() * 99 / 100],
            lat[lat.len() - 1],
            nodes as f64 / lat.len() as f64,
            lat.len()
        );
    }
    floor(&doc, n_import);
}
