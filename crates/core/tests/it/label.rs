//! Labels: issuance in the ledger, signatures, verification by the issuer and by a
//! partner, tampering, revocation.

use crate::{new_home, t, PASS};
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::Signer;
use tradeseal_core::label::{self, issue, verify, Keys, Serials};
use tradeseal_core::ledger::Ledger;
use tradeseal_core::parties;
use tradeseal_core::Timestamp;

fn request(serials: Serials) -> label::Request<'static> {
    label::Request {
        gtin: "07701234000011",
        lot: "L2026-117",
        serials,
        resolver: "https://id.acme-coffee.example",
        product: Some("Café de Huila, 500 g"),
    }
}

fn codes(r: &label::LabelReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

fn check(uri: &str, l: &Ledger, org: &str) -> label::LabelReport {
    let keys = Keys::of(l, org).unwrap();
    verify::verify(uri, Some(l), Some(&keys))
}

fn partner() -> (tempfile::TempDir, Home, Signer) {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::init(
        &dir.path().join("h"),
        InitOptions {
            org: "Customs Broker Ltd",
            gln: None,
            passphrase: PASS,
            seed: [77; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let s = home.unlock(PASS).unwrap();
    (dir, home, s)
}

#[test]
fn issued_labels_verify_for_the_issuer_and_tampering_is_caught() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let size = l.size().unwrap();
    let b = issue::issue(
        &mut l,
        &s,
        t(10),
        &request(Serials::Range {
            from: "000001".into(),
            to: "000024".into(),
        }),
    )
    .unwrap();
    assert_eq!((b.labels.len(), b.seq), (24, size));
    assert_eq!(l.size().unwrap(), size + 1, "one entry for the batch");
    let uri = &b.labels[4].uri;
    assert!(
        uri.starts_with(
            "HTTPS://ID.ACME-COFFEE.EXAMPLE/01/07701234000011/10/L2026-117/21/000005?k="
        ),
        "{uri}"
    );
    let r = check(uri, &l, "Acme Coffee Importers");
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!(r.issuer.as_deref(), Some("Acme Coffee Importers"));
    assert_eq!(r.product.as_deref(), Some("Café de Huila, 500 g"));
    assert_eq!(r.serial.as_deref(), Some("000005"));

    // Another serial, lot or batch under the same signature: forged.
    for forged in [
        uri.replace("/21/000005", "/21/000006"),
        uri.replace("/10/L2026-117", "/10/L2026-118"),
        uri.replace(&format!("&b={}", b.seq), &format!("&b={}", b.seq + 1)),
    ] {
        assert_eq!(
            codes(&check(&forged, &l, "Acme")),
            ["label-signature"],
            "{forged}"
        );
    }
    // A signature of this key on a batch entry that is no batch (an honest key misused).
    let keys = Keys::of(&l, "Acme").unwrap();
    let bogus = issue::sign(
        &s,
        "HTTPS://ID.ACME-COFFEE.EXAMPLE",
        &tradeseal_core::gs1::Gtin::parse("07701234000011").unwrap(),
        &tradeseal_core::gs1::Lot::parse("L2026-117").unwrap(),
        vec![tradeseal_core::gs1::Serial::parse("999999").unwrap()],
        b.seq,
    );
    let r = verify::verify(&bogus[0].uri, Some(&l), Some(&keys));
    assert_eq!(codes(&r), ["label-batch"]);
    // Damaged or partial codes.
    assert_eq!(
        codes(&check(&uri[..uri.len() - 10], &l, "Acme")),
        ["label-query"]
    );
    assert_eq!(
        codes(&check(uri.split('?').next().unwrap(), &l, "Acme")),
        ["label-unsigned"]
    );
    assert_eq!(
        codes(&check("https://example.com/", &l, "Acme")),
        ["label-link"]
    );
}

#[test]
fn serials_are_issued_once_and_count_continues() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    issue::issue(&mut l, &s, t(1), &request(Serials::Next(10))).unwrap();
    let b = issue::issue(&mut l, &s, t(2), &request(Serials::Next(5))).unwrap();
    let serials: Vec<&str> = b.labels.iter().map(|x| x.link.serial.as_str()).collect();
    assert_eq!(serials, ["000011", "000012", "000013", "000014", "000015"]);
    let size = l.size().unwrap();
    let e = issue::issue(
        &mut l,
        &s,
        t(3),
        &request(Serials::Range {
            from: "000015".into(),
            to: "000020".into(),
        }),
    )
    .unwrap_err();
    assert!(e.to_string().contains("serial 000015"), "{e}");
    let e = issue::issue(
        &mut l,
        &s,
        t(3),
        &request(Serials::List(vec!["000003".into()])),
    )
    .unwrap_err();
    assert!(e.to_string().contains("was issued already"), "{e}");
    assert_eq!(l.size().unwrap(), size, "a refused batch records nothing");
    let long = label::Request {
        resolver: &format!("https://id.example.com/{}", "x".repeat(300)),
        ..request(Serials::Next(1))
    };
    let e = issue::issue(&mut l, &s, t(4), &long).unwrap_err();
    assert!(e.to_string().contains("shorten the resolver"), "{e}");
}

#[test]
fn a_partner_verifies_by_the_issuers_card_and_follows_its_standing() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = issue::issue(&mut l, &s, t(10), &request(Serials::Next(3))).unwrap();
    let uri = &b.labels[0].uri;

    let (_d2, broker, bs) = partner();
    let mut bl = broker.ledger().unwrap();
    assert_eq!(
        codes(&check(uri, &bl, "Customs Broker Ltd")),
        ["label-unknown-key"]
    );
    assert_eq!(
        verify::verify(uri, None, None).findings[0].code,
        "label-unknown-key",
        "no home, no keys"
    );
    let key = home.card().public_key.clone();
    bl.append(&bs, t(11), &[parties::add_entry(home.card()).unwrap()])
        .unwrap();
    let r = check(uri, &bl, "Customs Broker Ltd");
    assert_eq!(r.verdict, BundleVerdict::VerifiedWithWarnings);
    assert_eq!(codes(&r), ["signer-unknown", "label-batch-unchecked"]);
    assert_eq!(r.issuer.as_deref(), Some("Acme Coffee Importers"));
    bl.append(&bs, t(12), &[parties::trust_entry(&key).unwrap()])
        .unwrap();
    assert_eq!(codes(&check(uri, &bl, "x")), ["label-batch-unchecked"]);
    assert_eq!(check(uri, &bl, "x").verdict, BundleVerdict::Verified);
    let from = Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    bl.append(
        &bs,
        t(13),
        &[parties::revoke_entry(&key, from, "key stolen").unwrap()],
    )
    .unwrap();
    let r = check(uri, &bl, "x");
    assert_eq!(r.verdict, BundleVerdict::Failed);
    assert!(codes(&r).contains(&"signer-revoked"), "{:?}", codes(&r));
}

fn render(
    layout: &str,
    n: u64,
) -> (
    tempfile::TempDir,
    Vec<u8>,
    Vec<label::Label>,
    Ledger,
    String,
) {
    let (d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = issue::issue(&mut l, &s, t(10), &request(Serials::Next(n))).unwrap();
    let layout = label::Layout::by_name(layout).unwrap();
    let r = label::sheet::render(&label::sheet::Sheet {
        layout,
        product: b.product.as_deref(),
        labels: &b.labels,
        date: t(10),
    })
    .unwrap();
    assert_eq!(r.pages, (n as usize).div_ceil(layout.per_page()));
    drop(home);
    (d, r.pdf, b.labels, l, "Acme Coffee Importers".into())
}

/// Every QR code zbar finds on the PDF's pages rendered at `dpi`, and the text.
fn decode_pdf(dir: &std::path::Path, pdf: &[u8], dpi: u32) -> (Vec<String>, String) {
    let path = dir.join("labels.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(&path)
        .arg(dir.join("page"))
        .output()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    let z = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .args(&pages)
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    let codes = String::from_utf8(z.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (codes, String::from_utf8(text.stdout).unwrap())
}

#[test]
fn a_printed_sheet_decodes_by_zbar_and_every_code_verifies() {
    let (d, pdf, labels, l, org) = render("a4-3x8", 30);
    let (mut codes, text) = decode_pdf(d.path(), &pdf, 200);
    codes.sort();
    let mut want: Vec<String> = labels.iter().map(|x| x.uri.clone()).collect();
    want.sort();
    assert_eq!(codes, want, "every label, once");
    for c in &codes {
        assert_eq!(check(c, &l, &org).verdict, BundleVerdict::Verified);
    }
    for s in [
        "Café de Huila, 500 g",
        "(01) 07701234000011",
        "(10) L2026-117",
        "(21) 000030",
    ] {
        assert!(text.contains(s), "{s} not in the text:\n{text}");
    }
}
