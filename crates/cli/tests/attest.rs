//! `tradeseal attest`: a file's hash recorded and its certificate written; the PDF's QR
//! code read by zbar (independent of TradeSeal's reader) and its payload checked by the
//! certificate vectors' Python checker; the file proven, a one-byte change refused;
//! bad input refused before anything is recorded.

#[allow(dead_code)]
mod common;

use common::{root, text, tradeseal as run};
use std::path::Path;
use std::process::Command;

fn entries(home: &Path) -> usize {
    let o = run(home, &["log", "--json"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice::<serde_json::Value>(&o.stdout)
        .unwrap()
        .as_array()
        .map(|a| a.len())
        .unwrap_or_default()
}

#[test]
fn a_file_attested_is_proven_by_its_printed_certificate_and_a_changed_copy_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    assert!(run(&home, &["init", "--org", "Atelier Lumen"], &[])
        .status
        .success());
    let design = dir.path().join("jacket-12.svg");
    std::fs::write(&design, b"<svg><path d='M0 0L10 10'/></svg>\n").unwrap();
    let out = dir.path().join("certs");
    std::fs::create_dir(&out).unwrap();
    let before = entries(&home);

    let o = run(
        &home,
        &[
            "attest",
            design.to_str().unwrap(),
            "--title",
            "Jacket 12, spring collection",
            "--owner",
            "Atelier Lumen",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(entries(&home), before + 1);
    let pdf = out.join("jacket-12.svg.attest.pdf");
    assert!(
        text(&o).contains("Certificate of Existence no."),
        "{}",
        text(&o)
    );

    // The printed code, read by zbar and checked by the independent checker.
    let png = dir.path().join("cert");
    let r = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(r.success());
    let z = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(png.with_extension("png"))
        .output()
        .unwrap();
    let code = String::from_utf8(z.stdout).unwrap().trim().to_string();
    assert!(code.starts_with("TSC1:"), "zbar read {code:?}");
    let c = Command::new("python3")
        .arg(root().join("tests/vectors/certificate/check.py"))
        .args(["--text", &code])
        .output()
        .unwrap();
    assert_eq!(text(&c).trim(), "ok", "the independent checker");

    // The file is proven; a copy changed by one byte is not (exit 1).
    let o = run(
        &home,
        &[
            "attest",
            "verify",
            design.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).starts_with("PROVEN: "), "{}", text(&o));
    assert!(text(&o).contains("Jacket 12, spring collection"));
    let copy = dir.path().join("copy.svg");
    let mut bytes = std::fs::read(&design).unwrap();
    bytes[5] ^= 1;
    std::fs::write(&copy, &bytes).unwrap();
    let o = run(
        &home,
        &[
            "attest",
            "verify",
            copy.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).starts_with("NOT THE FILE: "), "{}", text(&o));
    // The code's text works as the certificate too, with no home at all.
    let txt = dir.path().join("cert.txt");
    std::fs::write(&txt, &code).unwrap();
    let o = run(
        &dir.path().join("no-home"),
        &[
            "attest",
            "verify",
            design.to_str().unwrap(),
            txt.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));

    // Attested again into the same folder: refused, nothing recorded.
    let o = run(
        &home,
        &[
            "attest",
            design.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("exists: choose another folder"),
        "{}",
        text(&o)
    );
    assert_eq!(entries(&home), before + 1);
}

#[test]
fn bad_input_is_refused_before_anything_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    assert!(run(&home, &["init", "--org", "Atelier Lumen"], &[])
        .status
        .success());
    let a = dir.path().join("a.txt");
    std::fs::write(&a, b"a").unwrap();
    let before = entries(&home);
    for args in [
        vec!["attest", a.to_str().unwrap(), "--title", "two\nlines"],
        vec![
            "attest",
            a.to_str().unwrap(),
            dir.path().join("missing.txt").to_str().unwrap(),
        ],
        vec!["attest", dir.path().to_str().unwrap()],
    ] {
        let mut args = args.clone();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        args.extend(["-o", out.to_str().unwrap()]);
        let o = run(&home, &args, &[]);
        assert!(!o.status.success(), "{args:?}");
        assert!(!text(&o).contains("panicked"), "{}", text(&o));
        assert_eq!(
            std::fs::read_dir(&out).unwrap().count(),
            0,
            "no certificate written"
        );
    }
    assert_eq!(entries(&home), before, "nothing recorded");
    // A certificate file with no TradeSeal code in it.
    let o = run(
        &home,
        &["attest", "verify", a.to_str().unwrap(), a.to_str().unwrap()],
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("holds no TradeSeal certificate code")
            || text(&o).contains("not a PNG or JPEG"),
        "{}",
        text(&o)
    );
}
