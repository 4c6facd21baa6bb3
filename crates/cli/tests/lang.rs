//! `--lang`: the PDFs the CLI writes in the language asked for (else LC_ALL/LANG's),
//! read back by poppler's pdftotext; a language TradeSeal does not speak is refused
//! with the ones it does.

#[allow(dead_code)]
mod common;

use common::tradeseal as run;
use std::path::Path;
use std::process::Command;

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_identity_card_pdf_is_written_in_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let o = run(&home, &["init", "--org", "Kaffeerösterei Berlin"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let de = dir.path().join("karte.pdf");
    let o = run(
        &home,
        &["--lang", "de", "identity", "--qr", de.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = pdf_text(&de);
    assert!(text.contains("Öffentlicher Schlüssel"), "{text}");
    assert!(text.contains("Fingerabdruck"), "{text}");
    assert!(!text.contains("Public key"), "{text}");

    // Without --lang, the environment's language; English where it is not one of six.
    let zh = dir.path().join("card-zh.pdf");
    let o = run(
        &home,
        &["identity", "--qr", zh.to_str().unwrap()],
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert!(o.status.success());
    assert!(pdf_text(&zh).contains("公钥"));
    let en = dir.path().join("card-en.pdf");
    let o = run(
        &home,
        &["identity", "--qr", en.to_str().unwrap()],
        &[("LANG", "it_IT.UTF-8")],
    );
    assert!(o.status.success());
    assert!(pdf_text(&en).contains("Public key"));

    let o = run(&home, &["--lang", "it", "identity"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("en, es, pt, fr, de, zh"), "{err}");
}
