//! The QR form of identity cards, decoded by an independent reader (zbar's `zbarimg`)
//! from the printable PDF (rendered by poppler's `pdftoppm`) and from the SVG
//! (rendered by ImageMagick's `convert`).

use crate::{t, PASS};
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::{self, QrModules};
use tradeseal_core::parties;
use tradeseal_core::pdf::PageSize;

pub fn run(cmd: &str, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed (scripts/setup.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn decode(png: &std::path::Path) -> String {
    let raw = run("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
    String::from_utf8(raw)
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}

#[test]
fn a_card_qr_decodes_to_the_card_from_the_printed_page_and_the_svg() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::init(
        &dir.path().join("h"),
        InitOptions {
            org: "Cooperativa Agrícola São João 合作社",
            gln: Some("7701234000004"),
            passphrase: PASS,
            seed: [21; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let card = home.card();

    let pdf = dir.path().join("card.pdf");
    std::fs::write(
        &pdf,
        identity::card_pdf(card, PageSize::A4, tradeseal_core::i18n::Lang::EN),
    )
    .unwrap();
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let text = decode(&dir.path().join("page-1.png"));
    assert_eq!(text, identity::card_qr_text(card));
    // What a partner scans is a card TradeSeal accepts, equal to the original.
    assert_eq!(&parties::parse_card(&text).unwrap(), card);

    let svg = dir.path().join("card.svg");
    std::fs::write(&svg, QrModules::of(&identity::card_qr(card)).svg(6)).unwrap();
    let png = dir.path().join("card.png");
    run("convert", &[svg.to_str().unwrap(), png.to_str().unwrap()]);
    assert_eq!(decode(&png), identity::card_qr_text(card));

    // The printed page names the organisation and the fingerprint as text too.
    let words = String::from_utf8(run("pdftotext", &[pdf.to_str().unwrap(), "-"])).unwrap();
    assert!(words.contains(&card.fingerprint), "{words}");
    assert!(words.contains("São João"), "{words}");
}
