//! `tradeseal untp`: the demo's roasted lot as UNTP 0.6.0 credentials, validated by
//! the independent Python checker against UN/CEFACT's schemas, verified by `untp
//! verify` and by `scan`; a changed credential fails; bad input writes nothing.

#[allow(dead_code)]
mod common;

use common::{root, text, tradeseal as run};
use std::process::Command;

#[test]
fn the_lot_as_untp_credentials_validated_verified_and_tamper_evident() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let demo = root().join("assets/demo");
    let d = |f: &str| demo.join(f).display().to_string();
    for args in [
        vec![
            "init".to_string(),
            "--org".into(),
            "Acme Coffee Importers".into(),
            "--gln".into(),
            "4012345000009".into(),
        ],
        vec!["party".into(), "add".into(), d("farm.card")],
        vec!["party".into(), "trust".into(), "7701234000011".into()],
        vec!["party".into(), "add".into(), d("coop.card")],
        vec!["party".into(), "trust".into(), "7701234000004".into()],
        vec!["bundle".into(), "import".into(), d("sscc.tsbundle")],
        vec!["epcis".into(), "import".into(), d("importer.jsonld")],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&home, &args, &[]);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    let out = dir.path().join("untp");
    std::fs::create_dir(&out).unwrap();
    // An unknown lot: refused, nothing written.
    let o = run(
        &home,
        &[
            "untp",
            "--lot",
            "04012345123456/NOPE",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        !o.status.success() && text(&o).contains("lot 04012345123456/NOPE"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);

    let o = run(
        &home,
        &[
            "untp",
            "--lot",
            "04012345123456/R-2026-031",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let dpp = out.join("04012345123456-R-2026-031-dpp.jwt");
    let dte = out.join("04012345123456-R-2026-031-dte.jwt");
    // The independent checker: UNTP 0.6.0 schemas, EdDSA signature, issuer did:key.
    let c = Command::new("python3")
        .arg(root().join("tests/vectors/untp/check.py"))
        .arg("--jwt")
        .arg(&dpp)
        .arg(&dte)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", text(&c));
    assert!(
        text(&c).contains("DigitalProductPassport 0.6.0")
            && text(&c).contains("DigitalTraceabilityEvent 0.6.0")
    );

    let o = run(
        &home,
        &[
            "untp",
            "verify",
            dpp.to_str().unwrap(),
            dte.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(
            "VERIFIED: UNTP 0.6.0 DigitalProductPassport issued by Acme Coffee Importers"
        ),
        "{}",
        text(&o)
    );
    let o = run(&home, &["scan", "--no-log", dte.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("VERIFIED: UNTP 0.6.0 DigitalTraceabilityEvent"),
        "{}",
        text(&o)
    );

    // One character of the signature changed: failed, exit 1, by both.
    let mut jwt = std::fs::read_to_string(&dpp).unwrap();
    let last = jwt.pop().unwrap();
    jwt.push(if last == 'A' { 'B' } else { 'A' });
    let bad = dir.path().join("bad.jwt");
    std::fs::write(&bad, jwt).unwrap();
    let o = run(&home, &["untp", "verify", bad.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("FAILED") && text(&o).contains("vc-signature"),
        "{}",
        text(&o)
    );
    let o = run(&home, &["scan", "--no-log", bad.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // Issued again into the same folder: refused, the files stay.
    let before = std::fs::read(&dpp).unwrap();
    let o = run(
        &home,
        &[
            "untp",
            "--lot",
            "04012345123456/R-2026-031",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        !o.status.success() && text(&o).contains("exists"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(&dpp).unwrap(), before);
}
