//! Customs dossiers on a real ledger: filled from the coffee-chain shipment, validated
//! field by field, sealed, amended, exported whole and redacted, verified, tampered.

use crate::epcis::{coffee_chain, import_bytes};
use crate::{new_home, t};
use serde_json::{json, Value};
use tradeseal_core::bundle::{BundleVerdict, FindingSeverity};
use tradeseal_core::codelists::CodeLists;
use tradeseal_core::dossier::{self, lines_csv, links, sealed, store, Check, Dossier, Status};
use tradeseal_core::home::Home;
use tradeseal_core::identity::Signer;
use tradeseal_core::ledger::Ledger;
use tradeseal_core::masterdata::{Location, Party, Plot, Product};
use tradeseal_core::parties;

const LOT_017: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-017";
const LOT_018: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-018";

const ORG: &str = "Acme Coffee Importers";

pub(crate) fn lists() -> &'static CodeLists {
    CodeLists::builtin()
}

/// A home holding the coffee chain and the master data a dossier draws on.
pub fn coffee_home() -> (tempfile::TempDir, Home, Signer, Ledger) {
    let (dir, home, signer) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &signer, &coffee_chain()).unwrap();
    let md = vec![
        Product::new(
            "07701234000011",
            "Green coffee, washed",
            Some("0901.11"),
            Some("KGM"),
            lists(),
        )
        .unwrap()
        .entry()
        .unwrap(),
        farm(
            "7701234000011",
            "Finca El Mirador",
            json!({"type": "Point", "coordinates": [-75.934512, 2.154873]}),
            plot("3.2"),
        ),
        farm(
            "7701234000042",
            "Finca La Esperanza",
            json!({"type": "Point", "coordinates": [-76.012345, 1.998761]}),
            plot("2.75"),
        ),
        Party::new("7701234000004", "Cooperativa Café do Sul", "CO", lists())
            .unwrap()
            .entry()
            .unwrap(),
        Party::new("4012345000009", "Acme Coffee Importers GmbH", "DE", lists())
            .unwrap()
            .entry()
            .unwrap(),
    ];
    l.append(&signer, t(2), &md).unwrap();
    (dir, home, signer, l)
}

fn plot(area: &str) -> Plot {
    Plot {
        area_ha: Some(area.into()),
        deforestation_free: Some(true),
        evidence: Some("SAT-2025-117".into()),
        deforested_on: None,
    }
}

fn farm(gln: &str, name: &str, geometry: Value, plot: Plot) -> tradeseal_core::ledger::NewEntry {
    place(gln, name, "CO", Some("HUI"), Some(geometry), plot)
}

fn place(
    gln: &str,
    name: &str,
    country: &str,
    region: Option<&str>,
    geometry: Option<Value>,
    plot: Plot,
) -> tradeseal_core::ledger::NewEntry {
    Location::new(gln, name, country, region, None, geometry, lists())
        .unwrap()
        .with_plot(plot)
        .unwrap()
        .entry()
        .unwrap()
}

/// For other test modules: [`draft_from_shipment`].
pub(crate) fn draft_from_shipment_pub(l: &Ledger) -> Dossier {
    draft_from_shipment(l)
}

fn draft_from_shipment(l: &Ledger) -> Dossier {
    let ev = links::shipment_event(l, "077012340000000172").unwrap();
    let d = links::from_shipment(l, ev, "D0000000000000001").unwrap();
    store::create(l, &d, t(3)).unwrap();
    d
}

/// Fills what the ledger does not know.
pub fn complete(d: &mut Dossier) {
    d.header.declaration_type = Some("IMA".into());
    d.header.procedure = Some("4000".into());
    d.header.lrn = Some("ACME-2026-0042".into());
    d.header.declaration_date = Some("2026-03-02".into());
    d.header.offices.declaration = Some("DE004700".into());
    d.header.total_gross_mass_kg = Some("2040.5".into());
    d.transport.mode_at_border = Some("1".into());
    d.transport.transport_document = Some("MEDUCO123456".into());
    d.transport.containers = vec![dossier::Container {
        number: "CSQU3054383".into(),
        seals: vec!["ML-0042".into()],
    }];
    d.transport.loading_place = Some("COBUN".into());
    d.transport.unloading_place = Some("DEHAM".into());
    d.valuation.incoterm = Some("FOB".into());
    d.valuation.incoterm_place = Some("Buenaventura".into());
    d.valuation.currency = Some("USD".into());
    d.valuation.exchange_rate = Some("0.9213".into());
    d.valuation.exchange_rate_date = Some("2026-03-01".into());
    d.valuation.total_invoiced = Some("9400.00".into());
    let l = &mut d.lines[0];
    l.gross_mass_kg = Some("2040.5".into());
    l.value = Some("9400.00".into());
    l.packages = vec![dossier::Packages {
        kind: "BG".into(),
        number: 1,
        marks: Some("ACME 0042".into()),
    }];
    if let Some(p) = d.parties.consignee.as_mut() {
        p.eori = Some("DE123456789012345".into());
    }
    d.documents.push(dossier::Document {
        code: "EUDR-DDS".into(),
        reference: "26DEABCD1234567".into(),
        date: Some("2026-02-20".into()),
        verification: Some("KX8Q2P7R".into()),
        file: None,
    });
}

fn codes_at(checks: &[Check]) -> Vec<(String, String)> {
    checks
        .iter()
        .map(|c| (c.code.clone(), c.path.clone()))
        .collect()
}

#[test]
fn a_shipment_fills_the_goods_lines_parties_and_origin() {
    let (_dir, _home, _s, l) = coffee_home();
    let d = draft_from_shipment(&l);
    assert_eq!(d.lines.len(), 1);
    let line = &d.lines[0];
    assert_eq!(line.description, "Green coffee, washed");
    assert_eq!(line.commodity.hs, "090111");
    assert_eq!(line.origin_country.as_deref(), Some("CO"));
    assert_eq!(line.net_mass_kg.as_deref(), Some("2000"));
    assert_eq!(
        line.quantity
            .as_ref()
            .map(|q| (q.value.as_str(), q.unit.as_str())),
        Some(("2000", "KGM"))
    );
    let items: Vec<(&str, Option<&str>)> = line
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.quantity.as_deref()))
        .collect();
    assert_eq!(items, vec![(LOT_017, Some("1200")), (LOT_018, Some("800"))]);
    assert_eq!(
        d.parties.exporter.as_ref().unwrap().name,
        "Cooperativa Café do Sul"
    );
    assert_eq!(
        d.parties.consignee.as_ref().unwrap().country.as_deref(),
        Some("DE")
    );
    assert_eq!(d.header.total_packages, None);
    assert_eq!(d.transport.dispatch_country.as_deref(), Some("CO"));
}

#[test]
fn validation_names_each_missing_or_wrong_field() {
    let (_dir, _home, _s, l) = coffee_home();
    let mut d = draft_from_shipment(&l);
    let found = codes_at(&store::check_all(&l, &d, lists(), ORG).unwrap());
    for want in [
        ("required", "/header/lrn"),
        ("required", "/header/declaration_type"),
        ("required", "/lines/0/gross_mass_kg"),
        ("required", "/lines/0/value"),
        ("required", "/valuation/currency"),
    ] {
        assert!(
            found.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {found:?}"
        );
    }
    complete(&mut d);
    let found = store::check_all(&l, &d, lists(), ORG).unwrap();
    assert!(found.is_empty(), "{found:#?}");

    d.transport.containers[0].number = "CSQU3054384".into();
    d.valuation.total_invoiced = Some("9400.01".into());
    d.lines[0].net_mass_kg = Some("2100".into());
    d.lines[0].items[0].quantity = Some("1300".into());
    let found = store::check_all(&l, &d, lists(), ORG).unwrap();
    let codes = codes_at(&found);
    for want in [
        ("container-check-digit", "/transport/containers/0/number"),
        ("total-mismatch", "/valuation/total_invoiced"),
        ("net-above-gross", "/lines/0/net_mass_kg"),
        ("item-quantity", "/lines/0/items/0/quantity"),
    ] {
        assert!(
            codes.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {codes:?}"
        );
    }
    let c = found
        .iter()
        .find(|c| c.code == "container-check-digit")
        .unwrap();
    assert_eq!(c.value.as_deref(), Some("CSQU3054384"));
    assert!(c.action.contains("check digit is 3"), "{}", c.action);
}

/// As [`sealed_dossier`], sealed after the ledger's upgrade to version 2.
pub(crate) fn sealed_dossier_v2() -> (tempfile::TempDir, Home, Signer, Ledger, Dossier) {
    let (dir, home, s, mut l) = coffee_home();
    l.upgrade(&s, t(3)).unwrap();
    let mut d = draft_from_shipment(&l);
    complete(&mut d);
    store::save(&l, &d, t(4)).unwrap();
    store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap();
    (dir, home, s, l, d)
}

pub(crate) fn sealed_dossier() -> (tempfile::TempDir, Home, Signer, Ledger, Dossier) {
    let (dir, home, s, mut l) = coffee_home();
    let mut d = draft_from_shipment(&l);
    complete(&mut d);
    store::save(&l, &d, t(4)).unwrap();
    let out = store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap();
    assert_eq!(out.version, 1);
    (dir, home, s, l, d)
}

fn verify_text(text: &str, l: &Ledger) -> dossier::SealReport {
    let standing = sealed::standing_in(l, "Acme Coffee Importers");
    sealed::verify(text, lists(), Some(&standing))
}

#[test]
fn sealing_refuses_errors_and_fixes_the_dossier() {
    let (_dir, _home, s, mut l) = coffee_home();
    let d = draft_from_shipment(&l);
    let e = store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap_err();
    assert_eq!(e.field(), Some("/header/declaration_type"), "{e}");
    let size = l.size().unwrap();

    let (_dir, _home, _s, l, d) = sealed_dossier();
    assert!(l.size().unwrap() > size);
    let stored = store::get(&l, &d.id, None).unwrap();
    assert_eq!(stored.status, Status::Sealed);
    let seq = stored.seq.unwrap();
    assert_eq!(crate::kind_and_payload(&l, seq).0, "dossier.seal");
    // Neither the API nor SQL changes a sealed dossier.
    assert!(store::save(&l, &d, t(6))
        .unwrap_err()
        .to_string()
        .contains("amend"));
    use tradeseal_core::db::Sql;
    let sql = l.sql().execute(
        "UPDATE dossiers SET body = '{}' WHERE id = ?1",
        tradeseal_log::sql_params![&d.id],
    );
    assert!(sql.unwrap_err().to_string().contains("cannot be changed"));
    assert!(l
        .sql()
        .execute(
            "DELETE FROM dossiers WHERE id = ?1",
            tradeseal_log::sql_params![&d.id]
        )
        .is_err());
    assert_eq!(
        tradeseal_core::verify::verify(&l, None, &mut |_, _| {})
            .unwrap()
            .verdict,
        tradeseal_core::verify::Verdict::Intact
    );
}

#[test]
fn a_correction_supersedes_and_both_versions_stay() {
    let (_dir, _home, s, mut l, d) = sealed_dossier();
    let mut v2 = store::amend(&l, &d.id, t(6)).unwrap();
    assert_eq!(v2.version, 2);
    let v1 = store::get(&l, &d.id, Some(1)).unwrap();
    assert_eq!(
        v2.supersedes.as_ref().unwrap().root,
        v1.root.clone().unwrap()
    );
    v2.header.declaration_date = Some("2026-03-03".into());
    store::save(&l, &v2, t(7)).unwrap();
    store::seal(&mut l, &s, t(8), &d.id, [10; 32], lists()).unwrap();
    assert_eq!(
        store::get(&l, &d.id, Some(1)).unwrap().status,
        Status::Superseded
    );
    assert_eq!(store::get(&l, &d.id, None).unwrap().status, Status::Sealed);
    let list = store::list(&l, "acme-2026").unwrap();
    assert_eq!((list.len(), list[0].version), (1, 2));
    // Both seals are entries; the later names the root it supersedes.
    let seals: Vec<String> = (0..l.size().unwrap())
        .map(|i| crate::kind_and_payload(&l, i))
        .filter(|(kind, _)| kind == "dossier.seal")
        .map(|(_, payload)| payload)
        .collect();
    assert_eq!(seals.len(), 2);
    assert!(seals[1].contains(&v1.root.unwrap()));
}

#[test]
fn another_dossier_cannot_ship_the_same_lot_twice() {
    let (_dir, _home, _s, l, d) = sealed_dossier();
    let mut again = d.clone();
    again.id = "D0000000000000002".into();
    let found = codes_at(&store::check_all(&l, &again, lists(), ORG).unwrap());
    assert!(
        found.contains(&("item-quantity".into(), "/lines/0/items/0/quantity".into())),
        "{found:?}"
    );
    again.lines[0].items[0].id = "https://id.gs1.org/01/07701234000011/10/NOPE".into();
    let found = codes_at(&store::check_all(&l, &again, lists(), ORG).unwrap());
    assert!(
        found.contains(&("item-unknown".into(), "/lines/0/items/0/id".into())),
        "{found:?}"
    );
}

#[test]
fn exports_verify_whole_and_redacted() {
    let (_dir, home, _s, l, d) = sealed_dossier();
    let full = store::export(&l, home.card(), &d.id, None, &[]).unwrap();
    let text = serde_json::to_string(&full).unwrap();
    let r = verify_text(&text, &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:#?}", r.findings);
    assert!(r.checks.is_empty(), "{:#?}", r.checks);
    assert_eq!(r.id.as_deref(), Some(d.id.as_str()));

    let hide = ["/valuation".to_string(), "/lines/*/value".to_string()];
    let red = store::export(&l, home.card(), &d.id, None, &hide).unwrap();
    let rtext = serde_json::to_string(&red).unwrap();
    assert!(!rtext.contains("9400"), "a hidden value leaks");
    let r = verify_text(&rtext, &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:#?}", r.findings);
    assert!(
        r.hidden.contains(&"/lines/0/value".to_string())
            && r.hidden.contains(&"/valuation/currency".to_string()),
        "{:?}",
        r.hidden
    );
    assert_eq!(
        r.root,
        verify_text(&text, &l).root,
        "one root for every disclosure"
    );
    // A receiver without the signer's card: verified with a warning.
    let (_d2, _h2, _s2) = new_home();
    let r = sealed::verify(
        &rtext,
        lists(),
        Some(&|_: &str, _: i64| (parties::SignerStatus::Unknown, None)),
    );
    assert_eq!(r.verdict, BundleVerdict::VerifiedWithWarnings);
    assert_eq!(r.findings[0].code, "signer-unknown");

    let e = store::export(&l, home.card(), &d.id, None, &["/nothing".to_string()]).unwrap_err();
    assert!(e.to_string().contains("matches no field"), "{e}");
    assert!(store::export(&l, home.card(), &d.id, None, &["/id".to_string()]).is_err());
}

fn tampered(text: &str, l: &Ledger, change: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut v: Value = serde_json::from_str(text).unwrap();
    change(&mut v);
    let bad = v.to_string();
    let r = verify_text(&bad, l);
    assert_eq!(r.verdict, BundleVerdict::Failed);
    let codes: Vec<String> = r.findings.iter().map(|f| f.code.clone()).collect();
    // In a batch between two untouched copies (signatures checked together, the
    // checkpoint opened once): the same findings for it, the others verified.
    let standing = sealed::standing_in(l, "Acme Coffee Importers");
    let many = sealed::verify_many(&[text, &bad, text], lists(), Some(&standing));
    let batch: Vec<String> = many[1].findings.iter().map(|f| f.code.clone()).collect();
    assert_eq!(batch, codes);
    assert_eq!(
        many[0].verdict,
        BundleVerdict::Verified,
        "{:?}",
        many[0].findings
    );
    assert_eq!(
        many[2].verdict,
        BundleVerdict::Verified,
        "{:?}",
        many[2].findings
    );
    codes
}

#[test]
fn salts_in_another_order_or_form_verify_the_general_way() {
    let (_dir, home, _s, l, d) = sealed_dossier();
    let full =
        serde_json::to_string(&store::export(&l, home.card(), &d.id, None, &[]).unwrap()).unwrap();
    let mut v: Value = serde_json::from_str(&full).unwrap();
    let n = v["salts"].as_array().unwrap().len();
    v["salts"].as_array_mut().unwrap().reverse();
    let r = verify_text(&v.to_string(), &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!(r.fields as usize, n);
    // Paths written with spaces (valid JSON, not canonical): the same fields.
    let spaced = full.replacen("[\"format\"]", "[ \"format\" ]", 1);
    assert_ne!(spaced, full);
    let r = verify_text(&spaced, &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    // A salt on something that is no path.
    let codes = tampered(&full, &l, |v| v["salts"][0][0] = json!({"a": 1}));
    assert!(codes.contains(&"malformed".into()), "{codes:?}");
    // A salt twice: the general way names it.
    let codes = tampered(&full, &l, |v| {
        let first = v["salts"][0].clone();
        v["salts"].as_array_mut().unwrap().push(first)
    });
    assert!(codes.contains(&"seal-salt".into()), "{codes:?}");
}

#[test]
fn tampering_with_a_sealed_export_is_detected() {
    if crate::version_1_only("a version 1 seal (entry signature, inclusion proof)") {
        return;
    }
    let (_dir, home, _s, l, d) = sealed_dossier();
    let full =
        serde_json::to_string(&store::export(&l, home.card(), &d.id, None, &[]).unwrap()).unwrap();
    let red = serde_json::to_string(
        &store::export(&l, home.card(), &d.id, None, &["/lines/*/value".into()]).unwrap(),
    )
    .unwrap();
    let codes = tampered(&full, &l, |v| {
        v["dossier"]["lines"][0]["net_mass_kg"] = json!("1900")
    });
    assert!(codes.contains(&"seal-root".into()), "{codes:?}");
    let codes = tampered(&full, &l, |v| {
        v["dossier"]["lines"][0]["description"] = json!("Roasted coffee")
    });
    assert!(codes.contains(&"seal-root".into()), "{codes:?}");
    let codes = tampered(&full, &l, |v| {
        v["dossier"]["header"]["entry_number"] = json!("ABC-1234567-8")
    });
    assert!(codes.contains(&"seal-salt".into()), "{codes:?}");
    let codes = tampered(&full, &l, |v| {
        v["dossier"]["transport"]
            .as_object_mut()
            .unwrap()
            .remove("means_nationality");
        v["dossier"]["header"]
            .as_object_mut()
            .unwrap()
            .remove("lrn");
    });
    assert!(
        codes.contains(&"seal-root".into()) || codes.contains(&"seal-salt".into()),
        "{codes:?}"
    );
    // A hidden field relabelled, or its digest replaced.
    let codes = tampered(&red, &l, |v| {
        v["hidden"][0][0] = json!(["lines", 0, "quantity"])
    });
    assert!(codes.contains(&"seal-root".into()), "{codes:?}");
    let codes = tampered(&red, &l, |v| v["hidden"][0][1] = json!("00".repeat(32)));
    assert!(codes.contains(&"seal-root".into()), "{codes:?}");
    // The seal itself.
    let codes = tampered(&full, &l, |v| {
        let s = v["seal"]["entry"]["signature"]
            .as_str()
            .unwrap()
            .to_string();
        v["seal"]["entry"]["signature"] = json!(format!(
            "{}{}",
            if s.starts_with('0') { "1" } else { "0" },
            &s[1..]
        ));
    });
    assert!(codes.contains(&"seal-signature".into()), "{codes:?}");
    let codes = tampered(&full, &l, |v| {
        v["seal"]["entry"]["payload"]["root"] = json!("11".repeat(32))
    });
    assert!(codes.contains(&"seal-entry-hash".into()), "{codes:?}");
    let codes = tampered(&full, &l, |v| {
        v["seal"]["checkpoint"] = json!(v["seal"]["checkpoint"]
            .as_str()
            .unwrap()
            .replacen('\n', "\n1", 1))
    });
    assert!(codes.contains(&"seal-checkpoint".into()), "{codes:?}");
    // The card's name is not signed: the receiver's own name for the key is shown.
    let mut v: Value = serde_json::from_str(&full).unwrap();
    v["seal"]["card"]["org"] = json!("Someone Else");
    let r = verify_text(&v.to_string(), &l);
    assert_eq!(r.signer.as_deref(), Some("Acme Coffee Importers"));
    assert!(r.findings.iter().any(|f| f.code == "signer-name"));
    let codes = tampered(&full, &l, |v| {
        v["seal"]["card"]["public_key"] = json!("22".repeat(32))
    });
    assert!(codes.contains(&"seal-card".into()), "{codes:?}");
    let r = verify_text("{\"format\": \"tradeseal-sealed-dossier/9\"}", &l);
    assert_eq!(r.findings[0].code, "sealed-format");
    let r = verify_text("not json", &l);
    assert_eq!(r.findings[0].code, "malformed");
}

#[test]
fn attachments_are_sealed_by_their_hash() {
    let (_dir, home, s, mut l) = coffee_home();
    let mut d = draft_from_shipment(&l);
    complete(&mut d);
    let bytes = b"%PDF-1.4 commercial invoice 0042".to_vec();
    let sha = store::attach(&l, &bytes).unwrap();
    d.documents.push(dossier::Document {
        code: "N380".into(),
        reference: "INV-0042".into(),
        date: Some("2026-02-01".into()),
        verification: None,
        file: Some(dossier::Attachment {
            name: "invoice.pdf".into(),
            sha256: sha.clone(),
            size: bytes.len() as u64,
            media_type: Some("application/pdf".into()),
        }),
    });
    store::save(&l, &d, t(4)).unwrap();
    store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap();
    let full =
        serde_json::to_string(&store::export(&l, home.card(), &d.id, None, &[]).unwrap()).unwrap();
    let r = verify_text(&full, &l);
    assert_eq!(
        (r.verdict, r.attachments),
        (BundleVerdict::Verified, 1),
        "{:#?}",
        r.findings
    );
    let codes = tampered(&full, &l, |v| {
        let other = data_encoding::BASE64.encode(b"%PDF-1.4 another invoice");
        v["attachments"][&sha] = json!(other);
    });
    assert_eq!(codes, vec!["attachment-mismatch".to_string()]);
}

#[test]
fn csv_lines_are_mapped_once_and_remembered() {
    let (_dir, _home, _s, l) = coffee_home();
    let d = Dossier::new("D00000000000000aa");
    store::create(&l, &d, t(3)).unwrap();
    let csv = "Artikel;Zolltarif;Ursprung;Netto kg;Brutto kg;Betrag\nRohkaffee;0901.11.00;CO;1.200,5;1.230,0;5.400,00\n";
    // Unknown German headers: no mapping, refused with what to do.
    let e = lines_csv::import(&l, &d.id, csv, None, None, t(4)).unwrap_err();
    assert!(e.to_string().contains("--map"), "{e}");
    let map = lines_csv::ColumnMap(
        [
            ("Artikel", "description"),
            ("Zolltarif", "hs"),
            ("Ursprung", "origin_country"),
            ("Netto kg", "net_mass_kg"),
            ("Brutto kg", "gross_mass_kg"),
            ("Betrag", "value"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
    );
    let r = lines_csv::import(&l, &d.id, csv, Some(&map), None, t(4)).unwrap();
    let line = &r.lines[0];
    assert_eq!(
        (line.commodity.hs.as_str(), line.commodity.cn.as_deref()),
        ("090111", Some("09011100"))
    );
    assert_eq!(
        (line.net_mass_kg.as_deref(), line.value.as_deref()),
        (Some("1200.5"), Some("5400.00"))
    );
    // The next file with the same header needs no mapping.
    let r = lines_csv::import(
        &l,
        &d.id,
        "Artikel;Zolltarif;Ursprung;Netto kg;Brutto kg;Betrag\nRöstkaffee;090121;DE;10;11;99,90\n",
        None,
        None,
        t(5),
    )
    .unwrap();
    assert!(r.remembered);
    assert_eq!(store::get(&l, &d.id, None).unwrap().dossier.lines.len(), 2);
    // A bad cell refuses the file, naming row and column; the draft is unchanged.
    let e = lines_csv::import(
        &l,
        &d.id,
        "Artikel;Zolltarif;Ursprung;Netto kg;Brutto kg;Betrag\nX;090121;DE;zehn;11;1\n",
        None,
        None,
        t(6),
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 2 column Netto kg"), "{e}");
    assert_eq!(store::get(&l, &d.id, None).unwrap().dossier.lines.len(), 2);
}

#[test]
fn csv_numbers_are_read_per_column_and_the_reading_is_shown() {
    use lines_csv::DecimalMark::{Comma, Point};
    let (_dir, _home, _s, l) = coffee_home();
    let read = |csv: &str, mark| lines_csv::read(&l, csv, None, mark);
    // Grouped thousands, both conventions; they were refused before.
    let r = read(
        "description,hs,net mass,value\nA,090111,\"1,234,567\",\"2,000.50\"\n",
        None,
    )
    .unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1234567"));
    assert_eq!(r.lines[0].value.as_deref(), Some("2000.50"));
    let r = read(
        "description;hs;net mass;value\nA;090111;1.234.567;2.000,50\n",
        None,
    )
    .unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1234567"));
    assert_eq!(r.lines[0].value.as_deref(), Some("2000.50"));
    assert_eq!(
        r.numbers
            .iter()
            .map(|n| (n.column.as_str(), n.mark))
            .collect::<Vec<_>>(),
        vec![("net mass", Some(Comma)), ("value", Some(Comma))]
    );
    // A lone separator before three digits is the same question both ways: the column
    // decides, else the file, else the user; without any, the file is refused.
    for (csv, want) in [
        (
            "description;hs;net mass\nA;090111;1.234\n",
            "reads as 1.234 with a decimal point and as 1234",
        ),
        (
            "description,hs,net mass\nA,090111,\"12,345\"\n",
            "reads as 12345 with a decimal point and as 12.345",
        ),
    ] {
        let e = read(csv, None).unwrap_err().to_string();
        assert!(
            e.contains(want) && e.contains("line 2 column net mass"),
            "{e}"
        );
    }
    let r = read("description;hs;net mass\nA;090111;1.234\n", Some(Point)).unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1.234"));
    assert_eq!(r.numbers[0].reason, "as you said");
    let r = read("description;hs;net mass\nA;090111;1.234\n", Some(Comma)).unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1234"));
    // The column itself decides: line 3's 2,5 shows a decimal comma, so 1.234 is 1234.
    let r = read(
        "description;hs;net mass\nA;090111;1.234\nB;090111;2,5\n",
        None,
    )
    .unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1234"));
    assert_eq!(
        (r.numbers[0].mark, r.numbers[0].reason.as_str()),
        (Some(Comma), "line 3 writes \"2,5\"")
    );
    // Another column of the file decides.
    let r = read(
        "description;hs;net mass;value\nA;090111;1.234;10,50\n",
        None,
    )
    .unwrap();
    assert_eq!(r.lines[0].net_mass_kg.as_deref(), Some("1234"));
    assert!(
        r.numbers[0]
            .reason
            .starts_with("as the file's other numbers"),
        "{:?}",
        r.numbers
    );
    // Two marks in one column refuse the file, naming both lines.
    let e = read(
        "description;hs;value\nA;090111;1.234,5\nB;090111;1,234.5\n",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 2") && e.contains("line 3"), "{e}");
}

#[test]
fn csv_with_broken_quotes_or_shifted_rows_is_refused_with_its_line() {
    let (_dir, _home, _s, l) = coffee_home();
    // A stray quote inside a cell is text, and the rows after it are all read.
    let r = lines_csv::read(
        &l,
        "description,hs,quantity\n5\" screen,852852,2\nCable,854442,3\n",
        None,
        None,
    )
    .unwrap();
    assert_eq!(r.lines.len(), 2);
    assert_eq!(r.lines[0].description, "5\" screen");
    // An unclosed quote no longer swallows the rest of the file into one cell.
    let e = lines_csv::read(
        &l,
        "description,hs,quantity\nA,090111,1\n\"B,090111,2\nC,090111,3\n",
        None,
        None,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("never closed"),
        "{e}"
    );
    // Text after a closing quote.
    let e = lines_csv::read(&l, "description,hs\n\"5\" screen\",852852\n", None, None).unwrap_err();
    assert!(
        e.to_string().contains("line 2") && e.to_string().contains("doubled"),
        "{e}"
    );
    // More cells than the header: refused, not cut.
    let e = lines_csv::read(&l, "description,hs,net mass\nA,090111,1,5\n", None, None).unwrap_err();
    assert!(
        e.to_string().contains("line 2") && e.to_string().contains("4 cells"),
        "{e}"
    );
    // A quoted cell over two lines is one cell, and later rows keep their own lines.
    let r = lines_csv::read(
        &l,
        "description,hs\n\"Green\ncoffee\",090111\nTea,090210\n",
        None,
        None,
    )
    .unwrap();
    assert_eq!(r.lines[0].description, "Green\ncoffee");
    let e = lines_csv::read(
        &l,
        "description,hs,quantity\n\"Green\ncoffee\",090111,1\nTea,090210,x\n",
        None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 4 column quantity"), "{e}");
}

#[test]
fn a_screening_list_that_would_lose_rows_is_refused() {
    let (_dir, _home, _s, l) = coffee_home();
    use dossier::screening::import_list;
    // The unclosed quote would have hidden the two entities after it.
    let e = import_list(
        &l,
        "UFLPA",
        "name,country\n\"Acme Ltd,CN\nBeta Co,CN\nGamma Ltd,CN\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = import_list(&l, "UFLPA", "name,country\nAcme Ltd,CN\nBeta, Co,CN\n").unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("3 fields"),
        "{e}"
    );
    let e = import_list(&l, "UFLPA", "name,country\nAcme Ltd,CN\n,CN\n").unwrap_err();
    assert!(
        e.to_string().contains("line 3") && e.to_string().contains("no name"),
        "{e}"
    );
    assert!(dossier::screening::lists(&l).unwrap().is_empty());
    assert_eq!(
        import_list(
            &l,
            "UFLPA",
            "name,country\n\"Acme \"\"Red\"\" Ltd\",CN\n\nBeta Co,CN\n"
        )
        .unwrap(),
        2
    );
}

#[test]
fn duplicating_keeps_the_parties_and_drops_the_shipment() {
    let (_dir, _home, _s, l, d) = sealed_dossier();
    let copy = store::duplicate(&l, &d.id, "D00000000000000bb", t(9)).unwrap();
    assert_eq!(copy.parties, d.parties);
    assert_eq!(copy.lines[0].commodity, d.lines[0].commodity);
    assert!(
        copy.header.lrn.is_none()
            && copy.lines[0].items.is_empty()
            && copy.transport.containers.is_empty()
    );
    assert_eq!(
        store::get(&l, &copy.id, None).unwrap().status,
        Status::Draft
    );
}

// EUDR, UFLPA and provenance over the coffee chain.

fn review(l: &Ledger, d: &Dossier) -> store::Review {
    store::review(l, d, lists(), ORG).unwrap()
}

fn complete_draft(l: &Ledger) -> Dossier {
    let mut d = draft_from_shipment(l);
    complete(&mut d);
    store::save(l, &d, t(4)).unwrap();
    d
}

fn record(l: &mut Ledger, s: &Signer, entries: Vec<tradeseal_core::ledger::NewEntry>) {
    l.append(s, t(3), &entries).unwrap();
}

#[test]
fn a_compliant_chain_has_no_eudr_or_uflpa_finding_and_full_provenance() {
    let (_dir, _home, _s, l) = coffee_home();
    let d = complete_draft(&l);
    let r = review(&l, &d);
    assert!(r.checks.is_empty(), "{:#?}", r.checks);
    let line = &r.lines[0];
    assert_eq!(
        (
            line.verdict.as_str(),
            line.verified_ratio,
            line.eudr.as_deref()
        ),
        ("verified", Some(1.0), Some("coffee"))
    );
    let places: Vec<_> = line
        .origins
        .iter()
        .map(|o| o.place.clone().unwrap())
        .collect();
    assert_eq!(places, vec!["Finca El Mirador", "Finca La Esperanza"]);
    assert_eq!(line.origins[0].produced.as_deref(), Some("2026-01-15"));
}

#[test]
fn eudr_plot_rules_each_name_the_item_whose_chain_fails() {
    let (_dir, _home, s, mut l) = coffee_home();
    let d = complete_draft(&l);
    let cases: Vec<(tradeseal_core::ledger::NewEntry, &str)> = vec![
        (
            place(
                "7701234000042",
                "Finca La Esperanza",
                "CO",
                Some("HUI"),
                None,
                plot("2.75"),
            ),
            "eudr-geolocation-missing",
        ),
        (
            farm(
                "7701234000042",
                "Finca La Esperanza",
                json!({"type": "Point", "coordinates": [-76.012345, 1.998761]}),
                plot("6.4"),
            ),
            "eudr-polygon-required",
        ),
        (
            farm(
                "7701234000042",
                "Finca La Esperanza",
                json!({"type": "Point", "coordinates": [-76.01, 1.99]}),
                plot("2.75"),
            ),
            "eudr-geolocation-precision",
        ),
        (
            farm(
                "7701234000042",
                "Finca La Esperanza",
                json!({"type": "Point", "coordinates": [-76.012345, 1.998761]}),
                Plot {
                    area_ha: Some("2.75".into()),
                    deforestation_free: None,
                    evidence: None,
                    deforested_on: Some("2022-08-10".into()),
                },
            ),
            "eudr-deforestation",
        ),
        (
            farm(
                "7701234000042",
                "Finca La Esperanza",
                json!({"type": "Point", "coordinates": [-76.012345, 1.998761]}),
                Plot {
                    area_ha: Some("2.75".into()),
                    ..Plot::default()
                },
            ),
            "eudr-evidence-missing",
        ),
    ];
    for (entry, code) in cases {
        record(&mut l, &s, vec![entry]);
        let r = review(&l, &d);
        let errors: Vec<(String, String)> = r
            .checks
            .iter()
            .filter(|c| c.severity == FindingSeverity::Error)
            .map(|c| (c.code.clone(), c.path.clone()))
            .collect();
        assert_eq!(
            errors,
            vec![(code.to_string(), "/lines/0/items/1".to_string())],
            "{code}: {:#?}",
            r.checks
        );
    }
    // A plot recorded deforested before the cut-off is no finding.
    record(
        &mut l,
        &s,
        vec![farm(
            "7701234000042",
            "Finca La Esperanza",
            json!({"type": "Polygon", "coordinates": [[[-76.012345, 1.998761], [-76.011345, 1.998761], [-76.011345, 1.999761], [-76.012345, 1.998761]]]}),
            Plot {
                area_ha: Some("12".into()),
                deforestation_free: None,
                evidence: None,
                deforested_on: Some("2019-03-01".into()),
            },
        )],
    );
    assert!(
        review(&l, &d).checks.is_empty(),
        "{:#?}",
        review(&l, &d).checks
    );
    // No due-diligence statement.
    let mut no_dds = d.clone();
    no_dds.documents.clear();
    let r = review(&l, &no_dds);
    assert_eq!(
        r.checks
            .iter()
            .map(|c| (c.code.as_str(), c.path.as_str()))
            .collect::<Vec<_>>(),
        vec![("eudr-dds-missing", "/documents")]
    );
}

#[test]
fn lot_availability_is_compared_in_exact_decimals() {
    let (_dir, _home, s, mut l) = coffee_home();
    // A lot commissioned in two parts: 600,000,000.1 kg and 400,000,000.2 kg.
    let ev = |q: f64| {
        json!({
            "type": "ObjectEvent", "eventTime": "2026-01-20T10:00:00.000-05:00", "eventTimeZoneOffset": "-05:00",
            "action": "ADD", "bizStep": "commissioning",
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:7701234.000001.TINY", "quantity": q, "uom": "KGM"}]
        })
    };
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-02-01T00:00:00Z",
        "epcisBody": {"eventList": [ev(600000000.1), ev(400000000.2)]}
    });
    crate::epcis::import_bytes(&mut l, &s, doc.to_string().as_bytes()).unwrap();
    let lot = "https://id.gs1.org/01/07701234000011/10/TINY";
    let base = complete_draft(&l);
    let ship = |q: &str| {
        let mut d = base.clone();
        d.lines[0].items = vec![dossier::LineItem {
            id: lot.into(),
            quantity: Some(q.into()),
            unit: Some("KGM".into()),
        }];
        codes_at(&store::check_all(&l, &d, lists(), ORG).unwrap())
    };
    let over = (
        "item-quantity".to_string(),
        "/lines/0/items/0/quantity".to_string(),
    );
    // 1,000,000,000.3 is all of it; 100 g more is too much (the float sum with a
    // relative tolerance of 1e-9 let a whole kilogram more pass).
    assert!(
        !ship("1000000000.3").contains(&over),
        "{:?}",
        ship("1000000000.3")
    );
    assert!(
        ship("1000000000.4").contains(&over),
        "{:?}",
        ship("1000000000.4")
    );
}

#[test]
fn an_input_of_unknown_origin_fails_eudr_and_lowers_the_verified_share() {
    let (_dir, _home, s, mut l) = coffee_home();
    // A lot seen at the coop, with no event recording where it was produced.
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-02-01T00:00:00Z",
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent", "eventTime": "2026-01-20T10:00:00.000-05:00", "eventTimeZoneOffset": "-05:00",
            "action": "OBSERVE", "bizStep": "receiving",
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:7701234.000001.X-2026-001", "quantity": 300, "uom": "KGM"}]
        }]}
    });
    crate::epcis::import_bytes(&mut l, &s, doc.to_string().as_bytes()).unwrap();
    let mut d = complete_draft(&l);
    d.lines[0].items.push(dossier::LineItem {
        id: "https://id.gs1.org/01/07701234000011/10/X-2026-001".into(),
        quantity: None,
        unit: None,
    });
    let r = review(&l, &d);
    let codes: Vec<(&str, &str)> = r
        .checks
        .iter()
        .map(|c| (c.code.as_str(), c.path.as_str()))
        .collect();
    assert!(
        codes.contains(&("eudr-unknown-origin", "/lines/0/items/2")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("provenance-partial", "/lines/0/items")),
        "{codes:?}"
    );
    assert_eq!(r.lines[0].verdict, "warnings");
    // 2,000 kg of 2,000 + unknown: counted by origins as quantities are incomplete.
    let ratio = r.lines[0].verified_ratio.unwrap();
    assert!((ratio - 2.0 / 3.0).abs() < 1e-9, "{ratio}");
}

#[test]
fn uflpa_finds_a_xinjiang_node_and_a_listed_entity() {
    let (_dir, _home, s, mut l) = coffee_home();
    let mut d = complete_draft(&l);
    assert!(review(&l, &d).checks.is_empty());
    // The second farm's record says Xinjiang (by subdivision); then by coordinates only.
    record(
        &mut l,
        &s,
        vec![place(
            "7701234000042",
            "Kashgar Cooperative Farm",
            "CN",
            Some("XJ"),
            Some(json!({"type": "Point", "coordinates": [75.989123, 39.470456]})),
            plot("2.75"),
        )],
    );
    let r = review(&l, &d);
    let x: Vec<&Check> = r
        .checks
        .iter()
        .filter(|c| c.code == "uflpa-xinjiang")
        .collect();
    assert_eq!(x.len(), 1, "{:#?}", r.checks);
    assert_eq!(
        (x[0].path.as_str(), x[0].severity),
        ("/lines/0/items/1", FindingSeverity::Warning),
        "an EU declaration: a warning"
    );
    assert!(x[0].message.contains("CN-XJ"), "{}", x[0].message);
    d.transport.destination_country = Some("US".into());
    let r = review(&l, &d);
    assert_eq!(
        r.checks
            .iter()
            .find(|c| c.code == "uflpa-xinjiang")
            .unwrap()
            .severity,
        FindingSeverity::Error,
        "bound for the US: an error"
    );
    record(
        &mut l,
        &s,
        vec![place(
            "7701234000042",
            "Farm 12",
            "CN",
            None,
            Some(json!({"type": "Point", "coordinates": [87.617233, 43.825592]})),
            plot("2.75"),
        )],
    );
    let r = review(&l, &d);
    let x = r
        .checks
        .iter()
        .find(|c| c.code == "uflpa-xinjiang")
        .expect("by coordinates");
    assert!(x.message.contains("coordinates"), "{}", x.message);

    // An entity list names the exporter, written differently.
    let n = dossier::screening::import_list(&l, "UFLPA", "Name,Country\nXinjiang Production and Construction Corps,CN\n\"COOPERATIVA CAFE DO SUL, S.A.\",CO\nFarm 12 Co. Ltd.,CN\n").unwrap();
    assert_eq!(n, 3);
    let r = review(&l, &d);
    let hits: Vec<&Check> = r
        .checks
        .iter()
        .filter(|c| c.code == "uflpa-entity")
        .collect();
    assert!(
        hits.iter().any(|c| c.path == "/parties/exporter/name"),
        "{hits:#?}"
    );
    assert!(
        hits.iter().any(|c| c.path.starts_with("/lines/0/items/")),
        "a place of the chain: {hits:#?}"
    );
    assert!(
        hits[0].message.contains("COOPERATIVA CAFE DO SUL, S.A."),
        "{}",
        hits[0].message
    );
    assert!(
        hits[0].message.contains("\"cooperativa cafe do sul\""),
        "shows what was compared: {}",
        hits[0].message
    );
    // Importing the list again replaces it.
    dossier::screening::import_list(&l, "UFLPA", "name\nSomeone Else Ltd\n").unwrap();
    assert!(!review(&l, &d)
        .checks
        .iter()
        .any(|c| c.code == "uflpa-entity"));
}

// The PDF: text read back by poppler, the seal's QR code decoded by zbar.

/// The text zbar (independent of our scanner) reads from a QR code on the pages of the
/// PDF `bytes`, rendered at 150 dpi by pdftoppm.
fn seal_qr_on_pages(dir: &std::path::Path, bytes: &[u8]) -> Option<String> {
    let path = dir.join("dossier.pdf");
    std::fs::write(&path, bytes).unwrap();
    let prefix = dir.join("page");
    crate::card_qr::run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut decoded = None;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "png") {
            let out = std::process::Command::new("zbarimg")
                .args(["-q", "--raw", p.to_str().unwrap()])
                .output()
                .unwrap();
            if out.status.success() {
                decoded = Some(
                    String::from_utf8(out.stdout)
                        .unwrap()
                        .trim_end()
                        .to_string(),
                );
            }
        }
    }
    decoded
}

fn pdf_text(dir: &std::path::Path, bytes: &[u8], name: &str) -> String {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    String::from_utf8(crate::card_qr::run(
        "pdftotext",
        &["-layout", path.to_str().unwrap(), "-"],
    ))
    .unwrap()
}

#[test]
fn the_pdf_shows_every_section_in_unicode_and_its_qr_verifies_the_seal() {
    use tradeseal_core::dossier::pdf::dossier_pdf;
    use tradeseal_core::pdf::PageSize;
    let (dir, home, s, mut l) = coffee_home();
    let mut d = complete_draft(&l);
    d.parties.consignee.as_mut().unwrap().name = "云南咖啡进口有限公司".into();
    d.parties.exporter.as_mut().unwrap().name = "Cooperativa Agrícola São João".into();
    // Enough lines for a second page.
    let first = d.lines[0].clone();
    for k in 0..30 {
        let mut extra = first.clone();
        extra.items.clear();
        extra.description = format!("Sample bag {k}, coffee extract");
        extra.commodity = dossier::Commodity {
            hs: "210111".into(),
            ..Default::default()
        };
        extra.net_mass_kg = Some("1".into());
        extra.gross_mass_kg = Some("1.1".into());
        extra.value = Some("0.00".into());
        extra.packages.clear();
        d.lines.push(extra);
    }
    d.header.total_gross_mass_kg = None;
    store::save(&l, &d, t(4)).unwrap();
    let out = store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap();
    let file = store::export(&l, home.card(), &d.id, None, &[]).unwrap();
    for page in [PageSize::A4, PageSize::Letter] {
        let bytes = dossier_pdf(&file, page, tradeseal_core::i18n::Lang::EN);
        let text = pdf_text(dir.path(), &bytes, "dossier");
        for want in [
            "Customs dossier",
            "ACME-2026-0042",
            "云南咖啡进口有限公司",
            "Cooperativa Agrícola São João",
            "CSQU3054383",
            "Sample bag 29",
            "EUDR-DDS",
            "H-2026-018",
            "Fingerprint",
        ] {
            assert!(text.contains(want), "{want:?} in:\n{text}");
        }
        let info = String::from_utf8(crate::card_qr::run(
            "pdfinfo",
            &[dir.path().join("dossier.pdf").to_str().unwrap()],
        ))
        .unwrap();
        assert!(
            info.contains("Pages:") && !info.contains("Pages:           1\n"),
            "{info}"
        );
        let size = if page == PageSize::A4 {
            "595.276 x 841.89"
        } else {
            "612 x 792"
        };
        assert!(info.contains(size), "{info}");
    }
    // The QR code on the printed page, read by zbar, verifies the seal.
    let text = seal_qr_on_pages(
        dir.path(),
        &dossier_pdf(&file, PageSize::A4, tradeseal_core::i18n::Lang::EN),
    )
    .expect("a page with the seal's QR code");
    let q = sealed::verify_qr(&text).unwrap();
    assert!(q.signature_valid);
    assert_eq!(
        (q.id.as_str(), q.version, q.root.as_str(), q.key.as_str()),
        (
            d.id.as_str(),
            1,
            out.root.as_str(),
            home.card().public_key.as_str()
        )
    );
    // One changed character: the signature no longer verifies, or it does not parse.
    let mut bad: Vec<char> = text.chars().collect();
    let i = text.find(".D").unwrap() + 2;
    bad[i] = if bad[i] == '0' { '1' } else { '0' };
    let bad: String = bad.into_iter().collect();
    assert!(sealed::verify_qr(&bad).map_or(true, |q| !q.signature_valid));
    // Numbers have one form: a version 2^32 + 1, a sign or a leading zero must not read
    // as the same seal (they did, through `as` casts and a lenient parse).
    let parts: Vec<&str> = text.split('.').collect();
    for (i, other) in [
        (2, (u64::from(q.version) + (1u64 << 32)).to_string()),
        (2, format!("+{}", parts[2])),
        (2, format!("0{}", parts[2])),
        (5, (u64::MAX - 5).to_string()),
    ] {
        let mut p = parts.clone();
        p[i] = &other;
        let t = p.join(".");
        assert!(
            sealed::verify_qr(&t).map_or(true, |q| !q.signature_valid),
            "{t}"
        );
    }
    // A redacted PDF says what is withheld and shows no value.
    let red = store::export(
        &l,
        home.card(),
        &d.id,
        None,
        &["/valuation".into(), "/lines/*/value".into()],
    )
    .unwrap();
    let text = pdf_text(
        dir.path(),
        &dossier_pdf(&red, PageSize::A4, tradeseal_core::i18n::Lang::EN),
        "red",
    );
    assert!(
        text.contains("withheld") && !text.contains("9400"),
        "{text}"
    );
}

#[test]
fn the_credential_is_a_vc_jwt_that_an_independent_checker_accepts() {
    use tradeseal_core::dossier::vc;
    let (dir, home, s, l, d) = sealed_dossier();
    let file = store::export(&l, home.card(), &d.id, None, &["/valuation".into()]).unwrap();
    let jwt = vc::to_jwt(&file, &s).unwrap();
    let standing = sealed::standing_in(&l, ORG);
    let r = vc::verify_jwt(&jwt, lists(), Some(&standing));
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:#?}", r.findings);
    assert!(r.hidden.iter().any(|h| h == "/valuation/currency"));
    // Python's `cryptography` checks the JWS and the did:key on its own, and PyJWT
    // decodes the exported file as it is.
    let path = dir.path().join("dossier.jwt");
    let fields =
        store::export_fields(&l, home.card(), &d.id, None, &["/valuation".into()]).unwrap();
    tradeseal_core::dossier::write_export(
        &l,
        &fields,
        &path,
        tradeseal_core::pdf::PageSize::A4,
        tradeseal_core::i18n::Lang::EN,
        Some(&s),
    )
    .unwrap();
    let script = crate::epcis::root().join("tests/vectors/dossier/check_vc.py");
    let out = String::from_utf8(crate::card_qr::run(
        "python3",
        &[script.to_str().unwrap(), path.to_str().unwrap()],
    ))
    .unwrap();
    assert!(
        out.contains(&format!("dossier {} version 1", d.id)),
        "{out}"
    );
    // A changed payload or a foreign key fails.
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(parts[1].as_bytes())
            .unwrap(),
    )
    .unwrap();
    payload["credentialSubject"][0]["transaction"]["identifier"] = json!("OTHER");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        data_encoding::BASE64URL_NOPAD.encode(payload.to_string().as_bytes()),
        parts[2]
    );
    let r = vc::verify_jwt(&forged, lists(), None);
    assert_eq!(
        (r.verdict, r.findings[0].code.as_str()),
        (BundleVerdict::Failed, "vc-signature")
    );
    std::fs::write(&path, &forged).unwrap();
    let py = std::process::Command::new("python3")
        .args([script.to_str().unwrap(), path.to_str().unwrap()])
        .output()
        .unwrap();
    // The independent checker refuses it too, for the signature (not, say, a missing
    // module or a crash).
    let said = String::from_utf8_lossy(&py.stdout);
    assert!(
        !py.status.success() && said.contains("signature does not verify"),
        "{said}{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let (_d2, _h2, other) = crate::home_of("Other", None, 77);
    assert!(vc::to_jwt(&file, &other).is_err(), "only the sealer issues");
}

#[test]
fn dossiers_sealed_together_are_all_or_nothing_and_share_the_lots() {
    let (_dir, home, s, mut l) = coffee_home();
    let mut a = complete_draft(&l);
    a.lines[0].items.truncate(1); // H-2026-017, 1,200 kg
    a.lines[0].items[0].quantity = Some("700".into());
    store::save(&l, &a, t(4)).unwrap();
    let mut b = a.clone();
    b.id = "D0000000000000002".into();
    b.header.lrn = Some("ACME-2026-0043".into());
    store::create(&l, &b, t(4)).unwrap();
    let size = l.size().unwrap();
    // 700 + 700 of 1,200 kg: each alone passes, together they are refused; nothing sealed.
    let e = store::seal_many(
        &mut l,
        &s,
        t(5),
        &[(a.id.clone(), [1; 32]), (b.id.clone(), [2; 32])],
        lists(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("together these dossiers ship 1400"),
        "{e}"
    );
    assert_eq!(l.size().unwrap(), size);
    assert_eq!(store::get(&l, &a.id, None).unwrap().status, Status::Draft);
    b.lines[0].items[0].quantity = Some("500".into());
    store::save(&l, &b, t(6)).unwrap();
    let out = store::seal_many(
        &mut l,
        &s,
        t(7),
        &[(a.id.clone(), [1; 32]), (b.id.clone(), [2; 32])],
        lists(),
    )
    .unwrap();
    assert_eq!((out.len(), out[1].seq), (2, out[0].seq + 1));
    assert_eq!(l.size().unwrap(), size + 2);
    // Exported together (one checkpoint, nodes read once, built in parallel): the
    // same files as one by one, and they verify together.
    let ids = [a.id.clone(), b.id.clone()];
    let many = store::export_many(&l, home.card(), &ids, &[]).unwrap();
    let texts: Vec<String> = many
        .iter()
        .map(|f| serde_json::to_string(f).unwrap())
        .collect();
    for (id, text) in ids.iter().zip(&texts) {
        let one = store::export_fields(&l, home.card(), id, None, &[]).unwrap();
        assert_eq!(&serde_json::to_string(&one).unwrap(), text);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let standing = sealed::standing_in(&l, ORG);
    for r in sealed::verify_many(&refs, lists(), Some(&standing)) {
        assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    }
    let e = store::export_many(
        &l,
        home.card(),
        &[a.id.clone(), "D00000000000000ff".into()],
        &[],
    );
    assert!(
        matches!(e, Err(tradeseal_core::Error::NotFound { .. })),
        "{e:?}"
    );
    // The lot is used up: a third dossier taking 1 kg more is refused by the ledger checks.
    let mut c = a.clone();
    c.id = "D0000000000000003".into();
    c.lines[0].items[0].quantity = Some("1".into());
    let found = codes_at(&store::check_all(&l, &c, lists(), ORG).unwrap());
    assert!(
        found.contains(&("item-quantity".into(), "/lines/0/items/0/quantity".into())),
        "{found:?}"
    );
}

#[test]
fn places_are_checked_against_an_imported_un_locode_list() {
    let (_dir, home, _s, l) = coffee_home();
    let mut d = complete_draft(&l);
    d.transport.unloading_place = Some("DEHBX".into()); // well-formed, not a real code
    assert!(
        review(&l, &d).checks.is_empty(),
        "without the full list only the format is checked"
    );
    let text = std::fs::read_to_string(
        crate::epcis::root().join("tests/fixtures/dossier/unlocode-sample.csv"),
    )
    .unwrap();
    let (csv, n) = tradeseal_core::codelists::unlocode_from_unece(&[text]).unwrap();
    assert_eq!(n, 4, "country rows and removed entries are left out");
    let dir = home.path().join("codelists");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(tradeseal_core::codelists::UNLOCODE_FILE), csv).unwrap();
    let lists = home.codelists().unwrap();
    let found = store::check_all(&l, &d, &lists, ORG).unwrap();
    assert_eq!(
        codes_at(&found),
        vec![(
            "locode-unknown".to_string(),
            "/transport/unloading_place".to_string()
        )]
    );
    d.transport.unloading_place = Some("DEHAM".into());
    assert!(store::check_all(&l, &d, &lists, ORG).unwrap().is_empty());
    assert!(
        tradeseal_core::codelists::unlocode_from_unece(&["not,a,unece,file\n".into()]).is_err()
    );
}

/// The plot of Finca La Esperanza (6.4 ha) as the polygon of its boundary.
fn esperanza_polygon() -> Value {
    json!({"type": "Polygon", "coordinates": [[
        [-76.013217, 1.997893], [-76.010871, 1.997942], [-76.010793, 2.000126],
        [-76.013154, 2.000061], [-76.013217, 1.997893]
    ]]})
}

#[test]
fn the_eudr_geolocation_file_holds_each_plot_and_a_validator_accepts_it() {
    use tradeseal_core::dossier::geojson;
    let (_dir, _home, s, mut l) = coffee_home();
    record(
        &mut l,
        &s,
        vec![farm(
            "7701234000042",
            "Finca La Esperanza",
            esperanza_polygon(),
            plot("6.4"),
        )],
    );
    // By lot, and by the dossier's EUDR line: the two farms of the roast.
    let by_lot = geojson::plots_of_lot(&l, "04012345123456/R-2026-031", ORG).unwrap();
    let d = complete_draft(&l);
    let by_dossier = geojson::plots_of_dossier(&l, &d, lists(), ORG).unwrap();
    let names = |p: &[geojson::PlotSource]| -> Vec<String> {
        p.iter().map(|x| x.location.name.clone()).collect()
    };
    assert_eq!(names(&by_lot), ["Finca El Mirador", "Finca La Esperanza"]);
    assert_eq!(names(&by_dossier), names(&by_lot));
    let file = geojson::geojson(&by_dossier).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let doc: Value = serde_json::from_str(&file.text).unwrap();
    let f = &doc["features"];
    assert_eq!(
        f[0]["geometry"]["coordinates"],
        json!([-75.934512, 2.154873]),
        "longitude first"
    );
    assert_eq!(
        f[0]["properties"]["Area"],
        json!(3.2),
        "a point states its area"
    );
    assert_eq!(f[0]["properties"]["ProducerCountry"], "CO");
    assert_eq!(
        f[0]["properties"]["ProductionPlace"],
        "Finca El Mirador, CO-HUI"
    );
    assert_eq!(f[1]["geometry"]["type"], "Polygon");
    assert!(
        f[1]["properties"].get("Area").is_none(),
        "a polygon's area is its shape"
    );
    // Checked by independent code (Python shapely).
    let dir = crate::epcis::root().join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("eudr-coffee.geojson");
    std::fs::write(&path, &file.text).unwrap();
    let out = std::process::Command::new("python3")
        .arg(crate::epcis::root().join("tests/fixtures/eudr/validate_geojson.py"))
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_geolocation_file_refuses_what_the_eu_system_refuses_naming_the_plot() {
    use tradeseal_core::dossier::geojson::{self, geometry_problem};
    let (_dir, _home, s, mut l) = coffee_home();
    // A plot over 4 ha given as a point.
    record(
        &mut l,
        &s,
        vec![farm(
            "7701234000042",
            "Finca La Esperanza",
            json!({"type": "Point", "coordinates": [-76.012345, 1.998761]}),
            plot("6.4"),
        )],
    );
    let plots = geojson::plots_of_lot(&l, "04012345123456/R-2026-031", ORG).unwrap();
    let e = geojson::geojson(&plots).unwrap_err().to_string();
    assert!(
        e.contains("Finca La Esperanza (GLN 7701234000042)") && e.contains("more than 4 ha"),
        "{e}"
    );
    // A boundary that crosses itself (a bow tie).
    record(
        &mut l,
        &s,
        vec![farm(
            "7701234000042",
            "Finca La Esperanza",
            json!({"type": "Polygon", "coordinates": [[
                [-76.013210, 1.997890], [-76.010790, 2.000120], [-76.010870, 1.997940],
                [-76.013150, 2.000060], [-76.013210, 1.997890]
            ]]}),
            plot("6.4"),
        )],
    );
    let plots = geojson::plots_of_lot(&l, "04012345123456/R-2026-031", ORG).unwrap();
    let e = geojson::geojson(&plots).unwrap_err().to_string();
    assert!(
        e.contains("Finca La Esperanza") && e.contains("crosses itself"),
        "{e}"
    );
    // Unclosed rings and rings of three points cannot be recorded, and are refused here.
    let open = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]});
    assert!(geometry_problem(&open).unwrap().contains("not closed"));
    let three = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]});
    assert!(geometry_problem(&three).unwrap().contains("at least four"));
    assert!(Location::new("7701234000042", "x", "CO", None, None, Some(open), lists()).is_err());
    // A plot without geolocation.
    record(
        &mut l,
        &s,
        vec![place(
            "7701234000042",
            "Finca La Esperanza",
            "CO",
            None,
            None,
            plot("2"),
        )],
    );
    let plots = geojson::plots_of_lot(&l, "04012345123456/R-2026-031", ORG).unwrap();
    let e = geojson::geojson(&plots).unwrap_err().to_string();
    assert!(
        e.contains("Finca La Esperanza") && e.contains("no geolocation"),
        "{e}"
    );
}

#[test]
fn a_plot_drawn_in_a_gis_comes_in_as_a_feature_collection_or_multipolygon() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "north"}, "geometry": esperanza_polygon()},
        {"type": "Feature", "properties": {"name": "south"}, "geometry": {"type": "Polygon", "coordinates": [[
            [-76.013210, 1.990000], [-76.010870, 1.990050], [-76.010790, 1.992000], [-76.013210, 1.990000]
        ]]}}
    ]});
    let l = Location::new(
        "7701234000042",
        "Finca La Esperanza",
        "CO",
        None,
        None,
        Some(fc),
        lists(),
    )
    .unwrap();
    let g = l.geometry.unwrap();
    assert_eq!(g["type"], "MultiPolygon");
    assert_eq!(g["coordinates"].as_array().unwrap().len(), 2);
    let one = json!({"type": "Feature", "properties": {}, "geometry": esperanza_polygon()});
    let l = Location::new("7701234000042", "x", "CO", None, None, Some(one), lists()).unwrap();
    assert_eq!(l.geometry.unwrap(), esperanza_polygon());
}

#[test]
fn a_draft_saved_elsewhere_since_it_was_opened_is_not_overwritten() {
    let (_dir, _home, _s, l) = coffee_home();
    let d = Dossier::new("D00000000000000cc");
    store::create(&l, &d, t(3)).unwrap();
    // Two editors open the same draft (the app and the CLI, or two windows).
    let a = store::get(&l, &d.id, None).unwrap();
    let b = store::get(&l, &d.id, None).unwrap();
    assert_eq!(a.revision, b.revision);
    let mut da = a.dossier.clone();
    da.header.lrn = Some("FROM-A".into());
    let ra = store::save_from(&l, &da, &a.revision, t(4)).unwrap();
    assert_ne!(ra, a.revision);
    // The later save, made from what it opened, is refused: it would overwrite A blind.
    let mut db = b.dossier.clone();
    db.header.lrn = Some("FROM-B".into());
    let e = store::save_from(&l, &db, &b.revision, t(5)).unwrap_err();
    assert_eq!(e.code(), tradeseal_core::ErrorCode::EditConflict);
    assert!(e.to_string().contains("changed elsewhere"), "{e}");
    let now = store::get(&l, &d.id, None).unwrap();
    assert_eq!(now.dossier.header.lrn.as_deref(), Some("FROM-A"));
    assert_eq!(now.revision, ra);
    // Opened again, B saves.
    db = now.dossier.clone();
    db.header.lrn = Some("FROM-B".into());
    store::save_from(&l, &db, &now.revision, t(6)).unwrap();
    assert_eq!(
        store::get(&l, &d.id, None)
            .unwrap()
            .dossier
            .header
            .lrn
            .as_deref(),
        Some("FROM-B")
    );
}

#[test]
fn an_attachment_over_the_limit_is_refused_before_it_is_read() {
    let (dir, _home, _s, l) = coffee_home();
    let d = complete_draft(&l);
    let doc = || store::NewDocument {
        code: "N380".into(),
        reference: "INV-0042".into(),
        date: None,
    };
    let big = dir.path().join("scan.pdf");
    let f = std::fs::File::create(&big).unwrap();
    // Sparse: as large as the limit plus one byte, without writing it.
    f.set_len(store::MAX_ATTACHMENT_BYTES + 1).unwrap();
    let e = store::attach_document(&l, &d.id, None, &big, doc(), t(4))
        .unwrap_err()
        .to_string();
    assert!(e.contains("up to 25 MB"), "{e}");
    let small = dir.path().join("invoice.pdf");
    std::fs::write(&small, b"%PDF-1.7 invoice").unwrap();
    let a = store::attach_document(&l, &d.id, None, &small, doc(), t(4)).unwrap();
    assert_eq!(
        (a.size, a.media_type.as_deref()),
        (16, Some("application/pdf"))
    );
    assert_eq!(
        store::attachment(&l, &a.sha256).unwrap().unwrap(),
        b"%PDF-1.7 invoice"
    );
    let stored = store::get(&l, &d.id, None).unwrap().dossier;
    assert_eq!(stored.documents.last().unwrap().file.as_ref(), Some(&a));
    // Together, a dossier's files are bounded too: four files of 25 MB fit, a fifth
    // does not, and the refusal stores nothing (sparse files of distinct bytes).
    let rows = |l: &tradeseal_core::ledger::Ledger| -> (i64, i64) {
        use tradeseal_core::db::Sql;
        let n = |t: &str| {
            l.sql()
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])
                .unwrap()
                .unwrap()
                .int(0)
                .unwrap()
        };
        (n("attachments"), n("attachment_chunks"))
    };
    for i in 0..5u8 {
        let p = dir.path().join(format!("scan-{i}.pdf"));
        let mut f = std::fs::File::create(&p).unwrap();
        std::io::Write::write_all(&mut f, &[i]).unwrap();
        f.set_len(store::MAX_ATTACHMENT_BYTES - 1000).unwrap();
        let before = (rows(&l), store::get(&l, &d.id, None).unwrap().revision);
        let r = store::attach_document(&l, &d.id, None, &p, doc(), t(5));
        if i < 4 {
            r.unwrap();
        } else {
            let e = r.unwrap_err().to_string();
            assert!(e.contains("carries up to 100 MB"), "{e}");
            assert_eq!(
                (rows(&l), store::get(&l, &d.id, None).unwrap().revision),
                before,
                "nothing stored"
            );
        }
    }
    // Attached against an older revision: refused, nothing stored.
    let old = store::get(&l, &d.id, None).unwrap().revision;
    let mut now = store::get(&l, &d.id, None).unwrap().dossier;
    now.header.lrn = Some("SAVED-MEANWHILE".into());
    store::save(&l, &now, t(6)).unwrap();
    let n = rows(&l);
    let other = dir.path().join("packing-list.txt");
    std::fs::write(&other, b"12 bags").unwrap();
    let e = store::attach_document(&l, &d.id, Some(&old), &other, doc(), t(7)).unwrap_err();
    assert!(
        matches!(e, tradeseal_core::Error::EditConflict { .. }),
        "{e}"
    );
    assert_eq!(rows(&l), n);
}

#[test]
fn an_exported_file_streams_its_attachments_into_the_same_bytes() {
    let (dir, home, s, mut l) = coffee_home();
    let d = complete_draft(&l);
    // Two files, one 3 MB of varied bytes (several 64 KiB blocks, a length not a
    // multiple of 3), attached from disk.
    let big: Vec<u8> = (0..3_000_001u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (a, b) = (dir.path().join("scan.jpg"), dir.path().join("invoice.pdf"));
    std::fs::write(&a, &big).unwrap();
    std::fs::write(&b, b"%PDF-1.7 invoice 0042").unwrap();
    for p in [&a, &b, &a] {
        let doc = store::NewDocument {
            code: "N380".into(),
            reference: "INV-0042".into(),
            date: None,
        };
        store::attach_document(&l, &d.id, None, p, doc, t(4)).unwrap();
    }
    store::seal(&mut l, &s, t(5), &d.id, [9; 32], lists()).unwrap();
    let fields = store::export_fields(&l, home.card(), &d.id, None, &[]).unwrap();
    assert!(fields.attachments.is_empty());
    let out = dir.path().join("sealed.json");
    tradeseal_core::dossier::write_export(
        &l,
        &fields,
        &out,
        tradeseal_core::pdf::PageSize::A4,
        tradeseal_core::i18n::Lang::EN,
        None,
    )
    .unwrap();
    // Byte for byte what serialising the file held in memory gives.
    let held = store::export(&l, home.card(), &d.id, None, &[]).unwrap();
    assert_eq!(held.attachments.len(), 2);
    let mut want = serde_json::to_vec_pretty(&held).unwrap();
    want.push(b'\n');
    let written = std::fs::read(&out).unwrap();
    assert!(
        written == want,
        "the streamed file differs from the serialised one"
    );
    let r = verify_text(std::str::from_utf8(&written).unwrap(), &l);
    assert_eq!(
        (r.verdict, r.attachments),
        (BundleVerdict::Verified, 2),
        "{:#?}",
        r.findings
    );
    let v: Value = serde_json::from_slice(&written).unwrap();
    let sha = tradeseal_core::files::sha256_of(&a).unwrap();
    let back = data_encoding::BASE64
        .decode(v["attachments"][&sha].as_str().unwrap().as_bytes())
        .unwrap();
    assert!(back == big);
}

#[test]
fn coordinates_keep_their_decimals_as_written() {
    use tradeseal_core::dossier::geojson;
    let (_dir, _home, s, mut l) = coffee_home();
    let d = complete_draft(&l);
    // Measured to 6 decimals, the 6th a zero: as a JSON number it reads -76.01234.
    let text = r#"{"type": "Point", "coordinates": [-76.012340, 1.998760]}"#;
    assert_eq!(
        tradeseal_core::masterdata::decimals_as_written(text),
        Some(6)
    );
    let loc = Location::new(
        "7701234000042",
        "Finca La Esperanza",
        "CO",
        Some("HUI"),
        None,
        None,
        lists(),
    )
    .unwrap()
    .with_geometry_text(text)
    .unwrap()
    .with_plot(plot("2.75"))
    .unwrap();
    record(&mut l, &s, vec![loc.entry().unwrap()]);
    // No precision finding: the user is not pushed to type a fake 7th digit.
    let r = review(&l, &d);
    assert!(
        !r.checks
            .iter()
            .any(|c| c.code == "eudr-geolocation-precision"),
        "{:#?}",
        r.checks
    );
    // The EU file writes them as measured.
    let plots = geojson::plots_of_dossier(&l, &d, lists(), ORG).unwrap();
    let file = geojson::geojson(&plots).unwrap();
    assert!(file.text.contains("[-76.012340,1.998760]"), "{}", file.text);
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let v: Value = serde_json::from_str(&file.text).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 2);
    // Written with 5 decimals, it is still a finding.
    let five = Location::new(
        "7701234000042",
        "Finca La Esperanza",
        "CO",
        Some("HUI"),
        None,
        None,
        lists(),
    )
    .unwrap()
    .with_geometry_text(r#"{"type":"Point","coordinates":[-76.01234,1.99876]}"#)
    .unwrap()
    .with_plot(plot("2.75"))
    .unwrap();
    record(&mut l, &s, vec![five.entry().unwrap()]);
    assert!(review(&l, &d)
        .checks
        .iter()
        .any(|c| c.code == "eudr-geolocation-precision"));
}

#[test]
fn a_dossier_sealed_on_a_version_2_ledger_is_proven_by_its_commit_note() {
    if crate::version_1_only("upgrades a version 1 home") {
        return;
    }
    use tradeseal_core::dossier::pdf::dossier_pdf;
    use tradeseal_core::pdf::PageSize;
    let (dir, home, s, l, d) = sealed_dossier_v2();
    let seq = store::get(&l, &d.id, None).unwrap().seq.unwrap();
    assert!(seq >= l.v2_start().unwrap());
    // Whole and redacted, the file is version 2 and verifies.
    let full = store::export(&l, home.card(), &d.id, None, &[]).unwrap();
    assert_eq!(full.format, "tradeseal-sealed-dossier/2");
    assert!(full.seal.entry.prev.is_none() && full.seal.entry.signature.is_none());
    assert!(full.seal.checkpoint.contains("tradeseal-commit/v2 "));
    let text = serde_json::to_string(&full).unwrap();
    assert!(!text.contains("\"signature\""));
    let r = verify_text(&text, &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:#?}", r.findings);
    let red = serde_json::to_string(
        &store::export(&l, home.card(), &d.id, None, &["/lines/*/value".into()]).unwrap(),
    )
    .unwrap();
    let r = verify_text(&red, &l);
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:#?}", r.findings);
    // Tampering with the seal is caught for its reason, alone and in a batch.
    let codes = tampered(&text, &l, |v| {
        v["seal"]["entry"]["payload"]["root"] = json!("11".repeat(32))
    });
    assert!(codes.contains(&"seal-entry-hash".into()), "{codes:?}");
    let codes = tampered(&text, &l, |v| {
        v["seal"]["entry"]["seq"] = json!(seq + 1);
    });
    assert!(codes.contains(&"seal-entry-hash".into()), "{codes:?}");
    let codes = tampered(&text, &l, |v| {
        v["seal"]["checkpoint"] = json!(v["seal"]["checkpoint"]
            .as_str()
            .unwrap()
            .replacen('\n', "\n1", 1))
    });
    assert!(codes.contains(&"seal-checkpoint".into()), "{codes:?}");
    let codes = tampered(&text, &l, |v| {
        v["seal"]["entry"]["proof"] = json!(["00".repeat(32)]);
    });
    assert!(codes.contains(&"seal-inclusion".into()), "{codes:?}");
    // A version 1 seal entry in a version 2 file (or the reverse) is not read.
    let codes = tampered(&text, &l, |v| {
        v["seal"]["entry"]["signature"] = json!("00".repeat(64));
    });
    assert!(codes.contains(&"malformed".into()), "{codes:?}");
    let codes = tampered(&text, &l, |v| {
        v["format"] = json!("tradeseal-sealed-dossier/1")
    });
    assert!(codes.contains(&"malformed".into()), "{codes:?}");

    // The printed QR code (TSD2) verifies the seal offline, read by zbar.
    let qr = seal_qr_on_pages(
        dir.path(),
        &dossier_pdf(&full, PageSize::A4, tradeseal_core::i18n::Lang::EN),
    )
    .expect("a page with the seal's QR code");
    assert!(qr.starts_with("TSD2."), "{qr}");
    let q = sealed::verify_qr(&qr).unwrap();
    assert!(q.signature_valid);
    assert_eq!((q.id.as_str(), q.seq), (d.id.as_str(), seq));
    assert_eq!(q.key, s.public_key().to_hex());
    // A proof part of other than base64url (multi-byte characters, a length not of
    // 43-character hashes): refused as not a seal, no panic.
    for proof in ["é".repeat(43), "A".repeat(42)] {
        let mut p: Vec<&str> = qr.split('.').collect();
        p[14] = &proof;
        assert!(sealed::verify_qr(&p.join(".")).is_err(), "{proof}");
    }
    // One character of the note's signature or of the root changed: not valid.
    let parts: Vec<&str> = qr.split('.').collect();
    for i in [6, 11, 13] {
        let mut p = parts.clone();
        let flipped = if p[i].starts_with('A') {
            format!("B{}", &p[i][1..])
        } else {
            format!("A{}", &p[i][1..])
        };
        p[i] = &flipped;
        let q = sealed::verify_qr(&p.join(".")).unwrap();
        assert!(!q.signature_valid, "part {i} changed");
    }
}
