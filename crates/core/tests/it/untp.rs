//! UNTP 0.6.0 credentials (docs/spec/untp.md): the coffee chain's roasted lot as a
//! Digital Product Passport and its chain as Digital Traceability Events, `vc+jwt`
//! signed by the ledger's key; their verification; the vector
//! (tests/vectors/untp/coffee-untp.json) that tests/vectors/untp/check.py validates
//! against UN/CEFACT's JSON schemas and whose signatures it checks on its own.

use crate::dossier::coffee_home;
use crate::t;
use serde_json::{json, Value};
use tradeseal_core::untp;

const LOT: &str = "04012345123456/R-2026-031";

fn codes(r: &untp::UntpReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn the_lot_and_its_events_are_untp_credentials_that_verify() {
    let (_d, _home, s, l) = coffee_home();
    let i = untp::issue(&l, &s, LOT, t(40)).unwrap();
    let dpp = &i.dpp["credentialSubject"];
    assert_eq!(
        dpp["product"]["id"],
        "https://id.gs1.org/01/04012345123456/10/R-2026-031"
    );
    assert_eq!(dpp["product"]["batchNumber"], "R-2026-031");
    assert_eq!(dpp["granularityLevel"], "batch");
    assert_eq!(dpp["traceabilityInformation"][0]["verifiedRatio"], 1.0);
    let link = &dpp["traceabilityInformation"][0]["traceabilityEvent"][0];
    assert_eq!(link["linkURL"], i.dte["id"]);
    assert_eq!(
        link["hashDigest"],
        tradeseal_core::hash::Hash::of(i.dte_jwt.as_bytes()).to_hex(),
        "the passport pins the events credential"
    );
    let countries: Vec<&Value> = dpp["materialsProvenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["originCountry"])
        .collect();
    assert!(countries.iter().all(|c| *c == "CO"), "{countries:?}");
    let events = i.dte["credentialSubject"].as_array().unwrap();
    assert!(events.len() >= 4, "{}", events.len());
    let packing = events
        .iter()
        .find(|e| e["bizStep"] == "https://ref.gs1.org/cbv/BizStep-packing")
        .expect("the cooperative's packing");
    assert_eq!(packing["type"], json!(["AggregationEvent", "Event"]));
    assert!(
        packing["parentEPC"]["id"]
            .as_str()
            .unwrap()
            .contains("/00/"),
        "an SSCC parent"
    );

    for jwt in [&i.dpp_jwt, &i.dte_jwt] {
        let r = untp::verify(jwt, Some(&l));
        assert_eq!(
            crate::verdict_word(r.verdict),
            "verified",
            "{:?}",
            r.findings
        );
        // A receiver that does not hold the issuer's card: intact, issuer unknown.
        let r = untp::verify(jwt, None);
        assert_eq!(crate::verdict_word(r.verdict), "verified");
    }
    let (_d2, receiver) = crate::receiver(&s.card, "unknown");
    let r = untp::verify(&i.dpp_jwt, Some(&receiver));
    assert_eq!(codes(&r), vec!["signer-unknown"]);
    let (_d3, revoked) = crate::receiver(&s.card, "revoked");
    assert_eq!(
        crate::verdict_word(untp::verify(&i.dte_jwt, Some(&revoked)).verdict),
        "failed"
    );
}

#[test]
fn tampered_foreign_and_other_credentials_are_refused() {
    let (_d, _home, s, l) = coffee_home();
    let i = untp::issue(&l, &s, LOT, t(40)).unwrap();
    // The passport's batch changed under the same signature: the signature fails.
    use data_encoding::BASE64URL_NOPAD;
    let mut changed = i.dpp.clone();
    changed["credentialSubject"]["product"]["batchNumber"] = json!("R-2026-032");
    let parts: Vec<&str> = i.dpp_jwt.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        BASE64URL_NOPAD.encode(serde_json::to_string(&changed).unwrap().as_bytes()),
        parts[2]
    );
    assert_eq!(codes(&untp::verify(&tampered, None)), vec!["vc-signature"]);
    // Signed by another key than the issuer it names.
    let (_d2, _h2, other) = crate::home_of("Someone Else", None, 9);
    let forged = tradeseal_core::dossier::vc::sign_credential(&i.dpp, &other);
    assert_eq!(codes(&untp::verify(&forged, None)), vec!["vc-issuer"]);
    // A credential of another kind (or version) is not read as UNTP 0.6.0.
    let mut old = i.dte.clone();
    old["@context"][1] = json!("https://test.uncefact.org/vocabulary/untp/dte/0.5.0/");
    let old = tradeseal_core::dossier::vc::sign_credential(&old, &s);
    assert_eq!(codes(&untp::verify(&old, None)), vec!["vc-malformed"]);
    assert_eq!(
        codes(&untp::verify("not a jwt", None)),
        vec!["vc-malformed"]
    );
    let e = untp::issue(&l, &s, "04012345123456/NOPE", t(40))
        .err()
        .unwrap();
    assert!(e.to_string().contains("lot 04012345123456/NOPE"), "{e}");
}

fn vector() -> Value {
    let (_d, _home, s, l) = coffee_home();
    let i = untp::issue(&l, &s, LOT, t(40)).unwrap();
    json!({
        "description": "docs/spec/untp.md: the coffee chain's roasted lot R-2026-031 as a UNTP 0.6.0 Digital Product Passport and its chain as a Digital Traceability Event credential, vc+jwt (EdDSA) by a fixed key; checked by tests/vectors/untp/check.py against UN/CEFACT's schemas (tests/fixtures/untp)",
        "issuer_public_key": s.public_key().to_hex(),
        "dpp": {"jwt": i.dpp_jwt, "credential": i.dpp},
        "dte": {"jwt": i.dte_jwt, "credential": i.dte},
    })
}

#[test]
fn the_untp_vector_is_current() {
    if crate::version_1_only("a fixed vector, made once") {
        return;
    }
    crate::vector_is_current("tests/vectors/untp/coffee-untp.json", &vector());
}
