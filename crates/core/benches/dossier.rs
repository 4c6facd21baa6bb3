//! Dossier benchmark (a bench command): validate, seal and verify N dossiers of 20
//! goods lines, sealed together in one durable ledger transaction (`seal_many`, the
//! CLI's `dossier seal ID...`), and again each in its own transaction (the app's Seal).
//!
//! The files are exported and verified in batches (`store::export_many`,
//! `sealed::verify_many`) on every core, with the allocator the CLI and the app use.
//!
//! `cargo bench -p tradeseal-core --bench dossier [-- N]` (default 1,000). The reference
//! (docs/benchmarks.md): OpenAttestation wrapping and verifying as many documents of
//! the same shape in Node, `tests/bench/openattestation` (`npm ci && node bench.mjs`).

use rayon::prelude::*;
use std::time::Instant;
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::codelists::CodeLists;
use tradeseal_core::dossier::{self, sealed, store, Dossier};
use tradeseal_core::Timestamp;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;
use common::{bench_home, peak_rss_mib};

fn dossier(i: usize) -> Dossier {
    let mut d = Dossier::new(&format!("D{i:016x}"));
    let h = &mut d.header;
    h.declaration_type = Some("IMA".into());
    h.procedure = Some("4000".into());
    h.lrn = Some(format!("ACME-2026-{i}"));
    h.declaration_date = Some("2026-03-02".into());
    h.offices.declaration = Some("DE004700".into());
    d.parties.exporter = Some(dossier::DossierParty {
        name: "Cooperativa Café do Sul".into(),
        country: Some("CO".into()),
        ..Default::default()
    });
    d.parties.consignee = Some(dossier::DossierParty {
        name: "Acme Coffee Importers GmbH".into(),
        country: Some("DE".into()),
        eori: Some("DE123456789012345".into()),
        ..Default::default()
    });
    d.transport.mode_at_border = Some("1".into());
    d.transport.containers = vec![dossier::Container {
        number: "CSQU3054383".into(),
        seals: vec![],
    }];
    d.transport.loading_place = Some("COBUN".into());
    d.transport.unloading_place = Some("DEHAM".into());
    d.valuation.incoterm = Some("FOB".into());
    d.valuation.incoterm_place = Some("Buenaventura".into());
    d.valuation.currency = Some("USD".into());
    d.valuation.total_invoiced = Some("9400.00".into());
    d.lines = (0..20)
        .map(|k| dossier::GoodsLine {
            description: format!("Green coffee, washed, lot {i}-{k}"),
            // Roasted coffee extract (2101 11): outside EUDR Annex I, so no lots are needed.
            commodity: dossier::Commodity {
                hs: "210111".into(),
                cn: Some("21011100".into()),
                ..Default::default()
            },
            origin_country: Some("CO".into()),
            net_mass_kg: Some("1200".into()),
            gross_mass_kg: Some("1224.3".into()),
            packages: vec![dossier::Packages {
                kind: "BG".into(),
                number: 20,
                marks: None,
            }],
            value: Some("470.00".into()),
            quantity: Some(dossier::Quantity {
                value: "1200".into(),
                unit: "KGM".into(),
            }),
            ..Default::default()
        })
        .collect();
    d
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let lists = CodeLists::builtin();
    floor(lists);
    for together in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (home, signer) = bench_home(dir.path(), "bench", 9);
        let mut ledger = home.ledger().unwrap();
        let t = |ms: i64| Timestamp::from_unix_millis(1_795_000_000_000 + ms).unwrap();
        for i in 0..n {
            store::create(&ledger, &dossier(i), t(0)).unwrap();
        }
        let ids: Vec<String> = (0..n).map(|i| format!("D{i:016x}")).collect();
        let seed = |i: usize| {
            let mut s = [0u8; 32];
            s[..8].copy_from_slice(&(i as u64).to_le_bytes());
            s
        };

        let start = Instant::now();
        for id in &ids {
            let d = store::get(&ledger, id, None).unwrap().dossier;
            let r = store::review(&ledger, &d, lists, "bench").unwrap();
            assert!(r.checks.is_empty(), "{:?}", r.checks);
        }
        let validate = start.elapsed().as_secs_f64();

        // Sealing checks each dossier again (as it must: a draft may have changed).
        let start = Instant::now();
        if together {
            let drafts: Vec<(String, [u8; 32])> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), seed(i)))
                .collect();
            store::seal_many(&mut ledger, &signer, t(1), &drafts, lists).unwrap();
        } else {
            for (i, id) in ids.iter().enumerate() {
                store::seal(&mut ledger, &signer, t(1 + i as i64), id, seed(i), lists).unwrap();
            }
        }
        let seal = start.elapsed().as_secs_f64();

        // Export every sealed dossier to its file's text (`store::export_many`, the
        // CLI's `dossier export ID... -o DIR`), then verify the files as a receiver
        // does a folder of them (`sealed::verify_many`, `dossier verify FILE...`),
        // a chunk at a time.
        let start = Instant::now();
        let mut texts: Vec<String> = Vec::with_capacity(n);
        for chunk in ids.chunks(dossier::BATCH) {
            let files = store::export_many(&ledger, home.card(), chunk, &[]).unwrap();
            texts.par_extend(
                files
                    .into_par_iter()
                    .map(|file| serde_json::to_string(&file).unwrap()),
            );
        }
        let t_export = start.elapsed().as_secs_f64();
        let bytes: usize = texts.iter().map(String::len).sum();
        let t0 = Instant::now();
        let standing = |_: &str, _: i64| (tradeseal_core::parties::SignerStatus::Own, None);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut verified = 0;
        for chunk in refs.chunks(dossier::BATCH) {
            for r in sealed::verify_many(chunk, lists, Some(&standing)) {
                assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
                verified += 1;
            }
        }
        assert_eq!(verified, n);
        let t_verify = t0.elapsed().as_secs_f64();
        let verify = start.elapsed().as_secs_f64();

        let total = validate + seal + verify;
        let how = if together {
            "sealed together (one durable transaction)"
        } else {
            "each sealed in its own durable transaction"
        };
        println!(
            "{n} dossiers of 20 lines ({} fields, sealed file {} KB), {how}:",
            dossier_fields(&ledger, &ids[0]),
            bytes / n / 1024
        );
        println!("  validate {validate:.3} s · seal {seal:.3} s · export {t_export:.3} s + verify {t_verify:.3} s · total {total:.3} s ({:.3} ms per dossier); peak RSS {:.0} MiB", total * 1000.0 / n as f64, peak_rss_mib());
    }
}

/// What no implementation of this seal format can go below on this machine: the
/// SHA-256 calls (88-byte messages, as a field's are) that sealing (4 a field),
/// exporting (1) and verifying (3) make.
fn floor(lists: &CodeLists) {
    let fields = 266;
    let n = 200_000u32;
    let t0 = Instant::now();
    for i in 0..n {
        std::hint::black_box(tradeseal_core::hash::Hash::of(&[(i & 0xff) as u8; 88]));
    }
    let per_hash = t0.elapsed().as_secs_f64() / n as f64;
    let d = serde_json::to_value(dossier(1)).unwrap();
    let t0 = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(dossier::seal::seal_root(&d, &[7; 32]).unwrap());
    }
    let root = t0.elapsed().as_secs_f64() / 200.0;
    let t0 = Instant::now();
    let typed = dossier(1);
    for _ in 0..200 {
        std::hint::black_box(dossier::checks::validate(&typed, lists));
    }
    let validate = t0.elapsed().as_secs_f64() / 200.0;
    println!(
        "one thread: SHA-256 of 88 B {:.0} ns; 8 hashes a field x {fields} fields = {:.0} us a dossier; \
         its seal root {:.0} us; its field checks {:.0} us",
        per_hash * 1e9,
        per_hash * 8.0 * fields as f64 * 1e6,
        root * 1e6,
        validate * 1e6
    );
}

fn dossier_fields(ledger: &tradeseal_core::ledger::Ledger, id: &str) -> u64 {
    let s = store::get(ledger, id, None).unwrap();
    let e = ledger.entry(s.seq.unwrap()).unwrap();
    let p: serde_json::Value = serde_json::from_str(&e.body.payload).unwrap();
    p["fields"].as_u64().unwrap()
}
