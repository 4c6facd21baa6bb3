//! Certificates (docs/spec/qr.md §5) on the coffee chain: issued for a lot and for a
//! sealed dossier, printed, read back from the PDF by zbar (independent) and by our
//! reader, verified by the issuer and by a partner through its trust states; tampered,
//! truncated and forged payloads fail for the reason they should.

use crate::dossier::{coffee_home, sealed_dossier};
use crate::label::decode_pdf;
use crate::t;
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::certificate::{
    self, cose, pdf, statement, CertificateReport, CertificateType, Subject, Target,
};
use tradeseal_core::ledger::Ledger;
use tradeseal_core::pdf::PageSize;

const ROASTED: &str = "04012345123456/R-2026-031";

fn codes(r: &CertificateReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

/// A certificate of `kind` for the roasted lot R-2026-031.
fn roasted(
    l: &mut Ledger,
    s: &tradeseal_core::identity::Signer,
    kind: CertificateType,
) -> certificate::Certificate {
    certificate::issue(l, s, t(10), kind, &Target::Lot(ROASTED.into())).unwrap()
}

#[test]
fn an_origin_certificate_for_a_lot_is_recorded_printed_and_verifies_offline() {
    if crate::version_1_only(
        "claims version 1 (a version 2 certificate prints the same text later: ledger_v2)",
    ) {
        return;
    }
    let (d, home, s, mut l) = coffee_home();
    let before = l.checkpoint().unwrap().0.size;
    let c = roasted(&mut l, &s, CertificateType::Origin);
    assert_eq!(c.seq(), before, "one entry, the next one");
    assert_eq!(l.checkpoint().unwrap().0.size, before + 1);
    let Subject::Lot(lot) = &c.statement.subject else {
        panic!("a lot subject")
    };
    assert_eq!(
        (lot.gtin.as_str(), lot.lot.as_str()),
        ("04012345123456", "R-2026-031")
    );
    let o = c.statement.origin.as_ref().expect("goods have origins");
    assert!(o.origins >= 2 && o.verified == o.origins, "{o:?}");
    assert_eq!(o.countries, vec!["CO"], "{o:?}");
    assert!(
        o.places.iter().any(|p| p.name == "Finca El Mirador"),
        "{o:?}"
    );
    assert!(c.text.starts_with("TSC1:"));

    // The issuer verifies its own certificate.
    let r = certificate::verify(&c.text, Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!(r.statement.as_ref(), Some(&c.statement));
    assert_eq!(r.seq, Some(c.seq()));
    assert_eq!(r.checkpoint_size, Some(before + 1));

    // Printed, rendered at 300 dpi: zbar reads exactly the payload; so does our scanner.
    let fingerprint = home.card().fingerprint.clone();
    let issuer = pdf::Issuer {
        org: &home.card().org,
        fingerprint: &fingerprint,
    };
    let bytes = pdf::certificate_pdf(&c, &issuer, PageSize::A4, tradeseal_core::i18n::Lang::EN);
    let (found, text) = decode_pdf(d.path(), &bytes, 300);
    assert_eq!(
        found,
        vec![c.text.clone()],
        "zbar reads the certificate's code"
    );
    for want in [
        "Certificate of Origin",
        "R-2026-031",
        "Finca El Mirador",
        "Colombia (CO)",
        &fingerprint,
    ] {
        assert!(text.contains(want), "the PDF shows {want:?}:\n{text}");
    }
    let path = d.path().join("labels.pdf");
    let ours = tradeseal_core::label::scan::decode_file(&path).unwrap();
    assert_eq!(ours, vec![(Some(1), c.text.clone())]);
    let scanned = tradeseal_core::label::scan::check(Some(1), &ours[0].1, Some(&l), None);
    assert_eq!(
        (scanned.kind.as_str(), scanned.verdict),
        ("certificate", BundleVerdict::Verified)
    );
    assert!(
        scanned
            .summary
            .starts_with("Certificate of Origin for GTIN 04012345123456 lot R-2026-031"),
        "{}",
        scanned.summary
    );

    // A photograph of the printed code (turned, tilted, blurred, glare, noise, JPEG).
    let page = crate::label::first_page(&path, 300);
    let px = |mm: f32| mm * 300.0 / 25.4;
    let (l0, t0, r0, b0) = (px(8.0), px(125.0), px(105.0), px(222.0));
    let turn = px(7.0);
    let corners = [
        (l0 + turn, t0),
        (r0, t0 + turn * 0.7),
        (r0 - turn, b0),
        (l0, b0 - turn * 1.1),
    ];
    let photo = crate::label::photograph(&page, corners, (1400, 1400));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let found = tradeseal_core::label::scan::decode_image(jpeg.get_ref()).unwrap();
    assert_eq!(
        found,
        vec![c.text.clone()],
        "the photographed certificate reads whole"
    );

    // Printed again later: another checkpoint, the same statement, still verifies.
    l.append(
        &s,
        t(11),
        &[tradeseal_core::ledger::NewEntry::note("later").unwrap()],
    )
    .unwrap();
    let again = certificate::packed(&l, &s, c.seq()).unwrap();
    assert_eq!(again.statement, c.statement);
    assert_ne!(again.text, c.text);
    assert_eq!(
        certificate::verify(&again.text, Some(&l)).verdict,
        BundleVerdict::Verified
    );
}

#[test]
fn a_partner_verifies_by_its_trust_store_and_follows_the_issuers_standing() {
    let (_d, home, s, mut l) = coffee_home();
    let c = roasted(&mut l, &s, CertificateType::Authenticity);
    let card = home.card().clone();
    for (trust, verdict, want) in [
        ("trusted", BundleVerdict::Verified, vec![]),
        (
            "unknown",
            BundleVerdict::VerifiedWithWarnings,
            vec!["signer-unknown"],
        ),
        ("revoked", BundleVerdict::Failed, vec!["signer-revoked"]),
    ] {
        let (_pd, pl) = crate::receiver(&card, trust);
        let r = certificate::verify(&c.text, Some(&pl));
        assert_eq!((r.verdict, codes(&r)), (verdict, want), "{trust}");
        assert_eq!(r.issuer.as_deref(), Some(card.org.as_str()));
    }
    // With no home at all the cryptography still holds; nobody judged the issuer.
    let r = certificate::verify(&c.text, None);
    assert_eq!(r.verdict, BundleVerdict::Verified);
}

#[test]
fn tampered_truncated_and_forged_payloads_fail_for_their_reason() {
    if crate::version_1_only("claims version 1 fields") {
        return;
    }
    let (_d, _home, s, mut l) = coffee_home();
    let c = roasted(&mut l, &s, CertificateType::Origin);
    let check = |text: &str| -> Vec<String> {
        let r = certificate::verify(text, Some(&l));
        assert_eq!(r.verdict, BundleVerdict::Failed, "{text}");
        codes(&r).into_iter().map(str::to_string).collect()
    };
    // Truncated, misread, not a certificate.
    assert_eq!(check(&c.text[..c.text.len() - 30]), ["cert-payload"]);
    assert_eq!(check(&c.text.replace("TSC1:", "TSC1:a")), ["cert-payload"]);
    assert_eq!(check("TSD1.x"), ["cert-payload"]);

    // The statement changed, the COSE envelope not re-signed.
    let opened = cose::open(&cose::from_text(&c.text).unwrap()).unwrap();
    let mut claims = opened.claims.clone();
    claims.payload = claims.payload.replace("\"CO\"", "\"DE\"");
    let (_o, _oh, other) = crate::home_of("Forger", None, 9);
    let mut forged = cose::sign1(&claims, &other.key); // signed by a key that is not claim 4's
    assert_eq!(check(&cose::to_text(&forged)), ["cert-signature"]);
    // Re-signed by the issuer's key, as if the key were stolen: the ledger entry's
    // signature, the inclusion proof and the issuer's own ledger expose the change.
    forged = cose::sign1(&claims, &s.key);
    assert_eq!(
        check(&cose::to_text(&forged)),
        ["cert-entry", "cert-inclusion", "cert-not-issued"]
    );
    // A time past i64 (signed by the issuer's key): out of range, not read as 1969.
    let mut claims = opened.claims.clone();
    claims.time_ms = u64::MAX - 999;
    let r = certificate::verify(&cose::to_text(&cose::sign1(&claims, &s.key)), Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Failed);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "cert-cose" && f.message.contains("out of range")),
        "{:?}",
        r.findings
    );
    // Another key altogether: the forger's own claims verify as cryptography, but a
    // checkpoint of the issuer's ledger does not open under it, and nobody trusts it.
    let mut claims = opened.claims.clone();
    claims.key = other.public_key();
    let r = certificate::verify(&cose::to_text(&cose::sign1(&claims, &other.key)), Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Failed);
    assert!(
        codes(&r).contains(&"cert-entry") && codes(&r).contains(&"cert-checkpoint"),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn a_certificate_of_a_ledger_with_the_same_key_but_other_entries_was_not_issued_there() {
    // Two homes made from one key seed: the same key and origin, other entries. The
    // certificate verifies as cryptography; the second home's ledger never issued it.
    let (_d1, h1, s1) = crate::home_of("Acme", None, 5);
    let (_d2, h2, s2) = crate::home_of("Acme", None, 5);
    let (mut l1, mut l2) = (h1.ledger().unwrap(), h2.ledger().unwrap());
    let note = |x: &str| tradeseal_core::ledger::NewEntry::note(x).unwrap();
    l1.append(&s1, t(1), &[note("one")]).unwrap();
    l2.append(&s2, t(1), &[note("two")]).unwrap();
    // A certificate needs a recorded lot: record one with the same event in both.
    for (l, s) in [(&mut l1, &s1), (&mut l2, &s2)] {
        crate::epcis::import_bytes(l, s, &crate::epcis::coffee_chain()).unwrap();
    }
    let c = roasted(&mut l1, &s1, CertificateType::Authenticity);
    assert_eq!(
        certificate::verify(&c.text, Some(&l1)).verdict,
        BundleVerdict::Verified
    );
    let r = certificate::verify(&c.text, Some(&l2));
    assert_eq!(codes(&r), ["cert-not-issued"]);
}

#[test]
fn a_certificate_for_a_sealed_dossier_names_it_and_its_seal() {
    let (_d, _home, s, mut l, dossier) = sealed_dossier();
    let c = certificate::issue(
        &mut l,
        &s,
        t(10),
        CertificateType::Origin,
        &Target::Dossier(dossier.id.clone()),
    )
    .unwrap();
    // The form offers the sealed dossier and the recorded lots.
    let offered = statement::candidates(&l, 50).unwrap();
    let of = |kind: &str| -> Vec<String> {
        offered
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.value.clone())
            .collect()
    };
    assert!(
        of("lot").contains(&"04012345123456/R-2026-031".to_string()),
        "{offered:?}"
    );
    assert!(of("lot").iter().all(|v| !v.contains("/21/")), "{offered:?}");
    assert_eq!(of("dossier").len(), 1, "{offered:?}");
    let Subject::Dossier(x) = &c.statement.subject else {
        panic!("a dossier subject")
    };
    assert_eq!((x.id.as_str(), x.version), (dossier.id.as_str(), 1));
    assert_eq!(x.goods[0].hs, "090111");
    assert!(!c.statement.origin.as_ref().unwrap().countries.is_empty());
    assert_eq!(
        certificate::verify(&c.text, Some(&l)).verdict,
        BundleVerdict::Verified
    );
}

#[test]
fn refusals_name_what_is_wrong_and_record_nothing() {
    let (_d, _home, s, mut l) = coffee_home();
    let size = l.checkpoint().unwrap().0.size;
    let mut err = |target: Target, kind| {
        certificate::issue(&mut l, &s, t(10), kind, &target)
            .unwrap_err()
            .to_string()
    };
    let e = err(
        Target::Lot("04012345123456/NO-SUCH-LOT".into()),
        CertificateType::Origin,
    );
    assert!(e.contains("no recorded event names it"), "{e}");
    let e = err(
        Target::Lot("0401234512345/X".into()),
        CertificateType::Origin,
    );
    assert!(e.to_lowercase().contains("gtin"), "{e}");
    let e = err(
        Target::Dossier("D0000000000000000".into()),
        CertificateType::Origin,
    );
    assert!(e.contains("dossier list"), "{e}");
    assert!(statement::CertificateType::parse("quality").is_err());
    assert_eq!(l.checkpoint().unwrap().0.size, size, "nothing was recorded");
}

#[test]
fn an_origin_certificate_needs_every_origin_verified_an_authenticity_one_does_not() {
    // A lot the ledger only saw arrive: no event records how it was made.
    let (_d, _home, s, mut l) = coffee_home();
    let time = t(5).to_rfc3339();
    let doc = serde_json::json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": time,
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+00:00",
            "action": "OBSERVE", "bizStep": "receiving", "disposition": "in_progress",
            "quantityList": [{"epcClass": "https://id.gs1.org/01/07701234000011/10/ARRIVED-1", "quantity": 50, "uom": "KGM"}],
            "readPoint": {"id": "urn:epc:id:sgln:4012345.00000.0"}
        }]}
    });
    crate::epcis::import_bytes(&mut l, &s, &serde_json::to_vec(&doc).unwrap()).unwrap();
    let size = l.checkpoint().unwrap().0.size;
    let target = Target::Lot("07701234000011/ARRIVED-1".into());
    let e = certificate::issue(&mut l, &s, t(10), CertificateType::Origin, &target)
        .unwrap_err()
        .to_string();
    assert!(e.contains("1 of 1 origins of the chain were not made by events signed by you or a partner you trust"), "{e}");
    assert!(e.contains("--type authenticity"), "{e}");
    assert_eq!(l.checkpoint().unwrap().0.size, size, "nothing was recorded");
    let c = certificate::issue(&mut l, &s, t(10), CertificateType::Authenticity, &target).unwrap();
    assert_eq!(
        {
            let o = c.statement.origin.as_ref().unwrap();
            (o.origins, o.verified)
        },
        (1, 0)
    );
    assert_eq!(
        certificate::verify(&c.text, Some(&l)).verdict,
        BundleVerdict::Verified
    );
}

#[test]
fn a_certificate_of_a_version_2_ledger_is_proven_by_its_commit_note() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    let (d, home, s, mut l) = coffee_home();
    let v1 = roasted(&mut l, &s, CertificateType::Origin);
    l.upgrade(&s, t(11)).unwrap();
    let c = roasted(&mut l, &s, CertificateType::Origin);
    assert_eq!(c.claims.version(), 2);
    assert_eq!(
        c.statement, v1.statement,
        "the same statement, another proof"
    );
    assert!(
        c.claims.proof.is_empty(),
        "a commit of one entry needs no range proof"
    );
    assert!(
        c.text.len() + 250 < v1.text.len(),
        "no entry signature, no prev, no inclusion path: {} against {} characters",
        c.text.len(),
        v1.text.len()
    );
    let r = certificate::verify(&c.text, Some(&l));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!(r.checkpoint_size, Some(c.seq() + 1));
    let (_r, partner) = crate::receiver(home.card(), "trusted");
    let r = certificate::verify(&c.text, Some(&partner));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    // Printed: zbar reads exactly the payload.
    let fingerprint = home.card().fingerprint.clone();
    let issuer = pdf::Issuer {
        org: &home.card().org,
        fingerprint: &fingerprint,
    };
    let (found, _) = decode_pdf(
        d.path(),
        &pdf::certificate_pdf(&c, &issuer, PageSize::A4, tradeseal_core::i18n::Lang::EN),
        300,
    );
    assert_eq!(found, vec![c.text.clone()]);
    // Printed again after more commits: the same code, its proof does not grow.
    l.append(
        &s,
        t(12),
        &[tradeseal_core::ledger::NewEntry::note("later").unwrap()],
    )
    .unwrap();
    assert_eq!(certificate::packed(&l, &s, c.seq()).unwrap().text, c.text);

    // Altered claims fail for their reason.
    let opened = cose::open(&cose::from_text(&c.text).unwrap())
        .unwrap()
        .claims;
    let mut moved = opened.clone();
    moved.seq += 1;
    let mut padded = opened.clone();
    padded.proof.push(tradeseal_core::Hash([7; 32]));
    let (_o, _other, os) = crate::home_of("Someone Else", None, 9);
    let mut foreign = opened.clone();
    foreign.key = os.public_key();
    for (name, claims, key, want) in [
        ("another seq", moved, &s.key, "cert-inclusion"),
        ("a proof padded", padded, &s.key, "cert-inclusion"),
        ("another key", foreign, &os.key, "cert-checkpoint"),
    ] {
        let r = certificate::verify(&cose::to_text(&cose::sign1(&claims, key)), Some(&partner));
        assert!(codes(&r).contains(&want), "{name}: {:?}", r.findings);
        assert_eq!(r.verdict, BundleVerdict::Failed, "{name}");
    }
    // A version 2 claims map carrying a version 1 claim is not read.
    let mut mixed = opened.clone();
    mixed.entry = cose::EntryForm::V1 {
        prev: tradeseal_core::Hash([0; 32]),
        signature: [0; 64],
    };
    let text = cose::to_text(&cose::sign1(&mixed, &s.key));
    let r = certificate::verify(&text, Some(&partner));
    assert_eq!(r.verdict, BundleVerdict::Failed, "{:?}", r.findings);
}
