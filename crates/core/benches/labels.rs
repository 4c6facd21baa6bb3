//! Labels benchmark (a bench command): issue N signed labels (one `label.issue` entry,
//! N signatures) and print them on the A4 3x8 sheet as one PDF; then scan throughput:
//! the first page rendered at 300 dpi (poppler's pdftoppm) read and every code checked.
//!
//! Certificates: issue one (statement traced from the coffee chain, entry, proof, COSE
//! payload, PDF) in a ledger of N entries, its payload and QR version when printed at
//! once and again later (a longer inclusion proof), and offline verification.
//!
//! `cargo bench -p tradeseal-core --bench labels [-- N]` (default 10,000). The goal
//! (issue 6): under 3 s and under 15 MB for 10,000 labels. The reference: gLabels'
//! batch mode on the same machine (`tests/bench/glabels/run.sh`).

use std::time::Instant;
use tradeseal_core::label::{self, issue, sheet, Layout, Serials};
use tradeseal_core::Timestamp;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;
use common::{bench_home, peak_rss_mib};

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let (home, signer) = bench_home(dir.path(), "bench", 7);
    let mut ledger = home.ledger().unwrap();
    let now = Timestamp::from_unix_millis(1_795_000_000_000).unwrap();
    let start = Instant::now();
    let batch = issue::issue(
        &mut ledger,
        &signer,
        now,
        &label::Request {
            gtin: "07701234000011",
            lot: "L2026-117",
            serials: Serials::Next(n),
            resolver: "https://id.acme-coffee.example",
            product: Some("Café de Huila, 500 g"),
        },
    )
    .unwrap();
    let t_issue = start.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let r = sheet::render(&sheet::Sheet {
        layout: Layout::by_name("a4-3x8").unwrap(),
        product: batch.product.as_deref(),
        labels: &batch.labels,
        date: now,
    })
    .unwrap();
    let t_pdf = t0.elapsed().as_secs_f64();
    let path = dir.path().join("labels.pdf");
    tradeseal_core::files::write_file(&path, &r.pdf).unwrap();
    let total = start.elapsed().as_secs_f64();
    println!(
        "{n} signed labels, A4 3x8 ({} pages, QR version {} at level Q): issue and sign {t_issue:.3} s · PDF {t_pdf:.3} s · written, total {total:.3} s; file {:.2} MB ({} bytes a label); peak RSS {:.0} MiB",
        r.pages,
        r.qr_version,
        r.pdf.len() as f64 / 1e6,
        r.pdf.len() as u64 / n,
        peak_rss_mib()
    );

    // Scanning: one page image of 24 codes.
    let png = dir.path().join("page");
    let ok = std::process::Command::new("pdftoppm")
        .args([
            "-r",
            "300",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
        ])
        .arg(&path)
        .arg(&png)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("scan: skipped (pdftoppm not installed)");
        return;
    }
    let bytes = std::fs::read(dir.path().join("page.png")).unwrap();
    let keys = label::Keys::of(&ledger, "bench").unwrap();
    let runs = 5;
    let t0 = Instant::now();
    let mut found = 0;
    for _ in 0..runs {
        let codes = label::scan::decode_image(&bytes).unwrap();
        for c in &codes {
            let s = label::scan::check(None, c, Some(&ledger), Some(&keys));
            assert_eq!(
                s.verdict,
                tradeseal_core::bundle::BundleVerdict::Verified,
                "{}",
                s.summary
            );
        }
        found = codes.len();
    }
    let per = t0.elapsed().as_secs_f64() / runs as f64;
    // The scan log: the page's labels logged as seen and checked for copies.
    let codes = label::scan::decode_image(&bytes).unwrap();
    let mut checked: Vec<_> = codes
        .iter()
        .map(|c| label::scan::check(None, c, Some(&ledger), Some(&keys)))
        .collect();
    let t0 = Instant::now();
    let at = label::sightings::Sighting {
        place: "bench",
        source: "page.png",
        time: now,
    };
    label::scan::log(&ledger, &at, &mut checked).unwrap();
    let t_log = t0.elapsed().as_secs_f64();
    println!(
        "scan: an A4 page at 300 dpi (2480 x 3508, {} KB PNG): {found} codes read and verified in {:.0} ms ({:.1} ms a code); logged and checked for copies in {:.1} ms",
        bytes.len() / 1024,
        per * 1000.0,
        per * 1000.0 / found.max(1) as f64,
        t_log * 1000.0
    );
    certificates(&mut ledger, &signer, &home, dir.path(), n);
}

fn certificates(
    ledger: &mut tradeseal_core::ledger::Ledger,
    signer: &tradeseal_core::identity::Signer,
    home: &tradeseal_core::home::Home,
    dir: &std::path::Path,
    n: u64,
) {
    use tradeseal_core::certificate::{self, cose, pdf, CertificateType, Target};
    let chain = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/epcis/coffee-chain.jsonld");
    let now = Timestamp::from_unix_millis(1_795_000_100_000).unwrap();
    tradeseal_core::epcis::import(
        ledger,
        signer,
        now,
        tradeseal_core::codelists::CodeLists::builtin(),
        || Ok(std::fs::File::open(&chain).unwrap()),
        false,
        &mut |_| {},
    )
    .unwrap();
    let notes: Vec<_> = (0..n)
        .map(|i| tradeseal_core::ledger::NewEntry::note(&format!("entry {i}")).unwrap())
        .collect();
    ledger.append(signer, now, &notes).unwrap();
    let target = Target::Lot("04012345123456/R-2026-031".into());
    let t0 = Instant::now();
    let c = certificate::issue(ledger, signer, now, CertificateType::Origin, &target).unwrap();
    let t_issue = t0.elapsed().as_secs_f64();
    let fp = tradeseal_core::identity::fingerprint(&c.claims.key);
    let issuer = pdf::Issuer {
        org: &home.card().org,
        fingerprint: &fp,
    };
    let t0 = Instant::now();
    let bytes = pdf::certificate_pdf(
        &c,
        &issuer,
        tradeseal_core::pdf::PageSize::A4,
        tradeseal_core::i18n::Lang::EN,
    );
    let t_pdf = t0.elapsed().as_secs_f64();
    let size = |c: &certificate::Certificate| {
        let cose = cose::from_text(&c.text).unwrap().len();
        let v = match qrcode::QrCode::with_error_correction_level(
            c.text.as_bytes(),
            qrcode::EcLevel::Q,
        )
        .unwrap()
        .version()
        {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        (cose, c.text.len(), v, c.claims.proof.len())
    };
    let (cose_n, text_n, v, proof_n) = size(&c);
    println!(
        "certificate in a ledger of {} entries: issue {:.1} ms · PDF {:.1} ms ({} KB); payload {cose_n} bytes COSE, {text_n} Base45 characters, {proof_n} proof hashes, QR version {v} at level Q",
        c.claims.seq + 1,
        t_issue * 1000.0,
        t_pdf * 1000.0,
        bytes.len() / 1024
    );
    ledger.append(signer, now, &notes).unwrap();
    let later = certificate::packed(ledger, signer, c.seq()).unwrap();
    let (cose_n, text_n, v, proof_n) = size(&later);
    println!(
        "  printed again after {n} more entries: {cose_n} bytes COSE, {text_n} characters, {proof_n} proof hashes, QR version {v}"
    );
    let runs = 1000;
    let t0 = Instant::now();
    for _ in 0..runs {
        let r = certificate::verify(&later.text, Some(ledger));
        assert_eq!(r.verdict, tradeseal_core::bundle::BundleVerdict::Verified);
    }
    let per = t0.elapsed().as_secs_f64() / runs as f64;
    let path = dir.join("certificate.pdf");
    std::fs::write(
        &path,
        pdf::certificate_pdf(
            &later,
            &issuer,
            tradeseal_core::pdf::PageSize::A4,
            tradeseal_core::i18n::Lang::EN,
        ),
    )
    .unwrap();
    let t0 = Instant::now();
    let codes = label::scan::decode_file(&path).unwrap();
    let t_scan = t0.elapsed().as_secs_f64();
    assert_eq!(codes.len(), 1);
    println!(
        "  verified offline in {:.2} ms (trust store and own ledger checked); its PDF rendered at 300 dpi and read in {:.0} ms",
        per * 1000.0,
        t_scan * 1000.0
    );
    // The same certificate from the same ledger upgraded to version 2 (qr.md §5.1).
    ledger.upgrade(signer, now).unwrap();
    let c2 = certificate::issue(ledger, signer, now, CertificateType::Origin, &target).unwrap();
    assert_eq!(c2.claims.version(), 2);
    let (cose_n, text_n, v, proof_n) = size(&c2);
    println!(
        "  claims version 2 (the ledger upgraded, {} entries): {cose_n} bytes COSE, {text_n} characters, {proof_n} proof hashes, QR version {v}",
        c2.claims.seq + 1
    );
    ledger.append(signer, now, &notes).unwrap();
    let later2 = certificate::packed(ledger, signer, c2.seq()).unwrap();
    assert_eq!(
        later2.text, c2.text,
        "a version 2 certificate does not grow"
    );
    let t0 = Instant::now();
    for _ in 0..runs {
        let r = certificate::verify(&later2.text, Some(ledger));
        assert_eq!(r.verdict, tradeseal_core::bundle::BundleVerdict::Verified);
    }
    let per = t0.elapsed().as_secs_f64() / runs as f64;
    println!(
        "  printed again after {n} more entries: the same code; verified offline in {:.2} ms",
        per * 1000.0
    );
}
