//! EPCIS XML import against JSON-LD import (a bench command; docs/benchmarks.md).
//!
//! `cargo bench -p tradeseal-core --bench epcis_xml [-- N]` writes the synthetic supply
//! chain of the `epcis` bench (N events, default 100,000) as EPCIS 2.0 JSON-LD and as
//! EPCIS 2.0 XML, and imports each into a fresh ledger in a process of its own, so that
//! each import's peak memory is its own: events per second and peak RSS. XML is also
//! imported at 4 N, to show that its memory does not grow with the file.

use std::path::{Path, PathBuf};
use std::time::Instant;
use tradeseal_core::epcis;
use tradeseal_core::Timestamp;

// The allocator of the CLI and the app, which this bench stands for.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;
use common::{bench_home, peak_rss_mib, write_document, write_document_xml};

/// The child: imports `doc` and prints `events seconds peak-MiB`.
fn import_child(doc: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let (home, signer) = bench_home(dir.path(), "Bench", 1);
    let mut ledger = home.ledger().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let t = Instant::now();
    let r = epcis::import(
        &mut ledger,
        &signer,
        now,
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(std::fs::File::open(doc).unwrap()),
        false,
        &mut |_| {},
    )
    .unwrap();
    println!("{} {} {}", r.new, t.elapsed().as_secs_f64(), peak_rss_mib());
}

fn run(doc: &Path) -> (usize, f64, f64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--import")
        .arg(doc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Vec<&str> = text.split_whitespace().collect();
    (
        v[0].parse().unwrap(),
        v[1].parse().unwrap(),
        v[2].parse().unwrap(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--import") {
        import_child(Path::new(&args[i + 1]));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--read") {
        // For profiling the reader alone.
        let mut n = 0usize;
        epcis::document::read(std::fs::File::open(&args[i + 1]).unwrap(), |inc| {
            epcis::check(&inc.event).unwrap();
            n += 1;
            Ok(())
        })
        .unwrap();
        println!("{n}");
        return;
    }
    let n = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(100_000)
        / 5
        * 5;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&target).unwrap();
    let json = target.join(format!("epcis-{n}.jsonld"));
    let xml = target.join(format!("epcis-{n}.xml"));
    let xml4 = target.join(format!("epcis-{}.xml", 4 * n));
    write_document(&json, n);
    write_document_xml(&xml, n);
    write_document_xml(&xml4, 4 * n);
    let mb = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    // Reading alone, one thread: the document read and each event checked (the first
    // pass of an import).
    for (label, doc) in [("JSON-LD", &json), ("XML 2.0", &xml)] {
        let t = Instant::now();
        let mut n = 0usize;
        epcis::document::read(std::fs::File::open(doc).unwrap(), |inc| {
            epcis::check(&inc.event).unwrap();
            n += 1;
            Ok(())
        })
        .unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "  {label}: read and check {n} events in {secs:.2} s ({:.0} events/s)",
            n as f64 / secs
        );
    }
    let mut rates = Vec::new();
    for (label, doc) in [("JSON-LD", &json), ("XML 2.0", &xml), ("XML 2.0", &xml4)] {
        let (events, secs, rss) = run(doc);
        let rate = events as f64 / secs;
        rates.push(rate);
        println!(
            "{label}: {events} events ({:.1} MB) imported in {secs:.2} s = {rate:.0} events/s; peak RSS {rss:.0} MiB",
            mb(doc)
        );
    }
    println!(
        "XML import rate / JSON-LD import rate at {n} events: {:.2}",
        rates[1] / rates[0]
    );
    std::fs::remove_file(&xml4).ok();
}
