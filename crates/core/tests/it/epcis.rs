//! EPCIS import, export and trace on a real ledger, with the coffee-chain fixture.

use crate::{new_home, t};
use std::collections::BTreeSet;
use std::path::PathBuf;
use tradeseal_core::codelists::CodeLists;
use tradeseal_core::epcis::{self, ExportSelection, ImportReport};
use tradeseal_core::identity::Signer;
use tradeseal_core::ledger::Ledger;
use tradeseal_core::trace::{self, Direction};
use tradeseal_core::verify::{verify, Verdict};
use tradeseal_core::{Error, ErrorCode};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn coffee_chain() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/epcis/coffee-chain.jsonld")).unwrap()
}

pub fn import_bytes(l: &mut Ledger, s: &Signer, doc: &[u8]) -> Result<ImportReport, Error> {
    epcis::import(
        l,
        s,
        t(1),
        CodeLists::builtin(),
        || Ok(doc),
        true,
        &mut |_| {},
    )
}

const LOT_017: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-017";
const LOT_018: &str = "https://id.gs1.org/01/07701234000011/10/H-2026-018";
const LOT_BR: &str = "https://id.gs1.org/01/07891234000019/10/BR-2026-005";
const SSCC: &str = "https://id.gs1.org/00/077012340000000172";
const R_031: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-031";
const R_032: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-032";
const R_033: &str = "https://id.gs1.org/01/04012345123456/10/R-2026-033";

fn ids(r: &trace::TraceResult) -> BTreeSet<&str> {
    r.nodes.iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn import_records_every_event_once_with_the_reference_hash_ids() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let r = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    assert_eq!((r.events, r.new, r.known), (10, 10, 0));
    let want = std::fs::read_to_string(root().join("tests/vectors/epcis-hash/coffee-chain.hashes"))
        .unwrap();
    let got: Vec<&str> = r.outcomes.iter().map(|o| o.hash_id.as_str()).collect();
    assert_eq!(got, want.lines().collect::<Vec<_>>());
    assert_eq!(l.size().unwrap(), 10);

    let again = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    assert_eq!((again.new, again.known), (0, 10));
    assert_eq!(again.outcomes[3].event, r.outcomes[3].event);
    assert_eq!(l.size().unwrap(), 10, "known events add nothing");
    let report = verify(&l, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.verdict, Verdict::Intact);
}

#[test]
fn a_document_repeating_an_event_records_it_once() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let list = doc["epcisBody"]["eventList"].as_array_mut().unwrap();
    let mut first = list[0].clone();
    first["recordTime"] = "2026-05-01T00:00:00Z".into();
    list.push(first);
    let r = import_bytes(&mut l, &s, &serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_eq!((r.events, r.new, r.known), (11, 10, 1));
    assert!(!r.outcomes[10].is_new());
    assert_eq!(r.outcomes[10].event, r.outcomes[0].event);
}

#[test]
fn trace_back_reaches_both_farms() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let r = trace::trace(&l, R_031, Direction::Back).unwrap();
    assert_eq!(ids(&r), BTreeSet::from([R_031, LOT_017, LOT_018]));
    let origins: BTreeSet<&str> = r
        .nodes
        .iter()
        .filter(|n| n.origin)
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(origins, BTreeSet::from([LOT_017, LOT_018]));
    let farm_b = r.nodes.iter().find(|n| n.id == LOT_018).unwrap();
    assert_eq!(
        farm_b.created_at.as_deref(),
        Some("https://id.gs1.org/414/7701234000042")
    );
    assert_eq!(farm_b.path.len(), 1);
    assert_eq!(r.mass_balance.len(), 1);
    let mb = &r.mass_balance[0];
    assert_eq!(
        (mb.finding.as_str(), mb.input, mb.output),
        ("ok", Some(1000.0), Some(840.0))
    );
    assert!((mb.ratio.unwrap() - 0.84).abs() < 1e-9);
    // The timeline names the farm harvests, the packing, shipping, receiving and roasting.
    let steps: Vec<&str> = r
        .events
        .iter()
        .filter_map(|e| e.event.biz_step.as_deref())
        .collect();
    assert_eq!(
        steps,
        [
            "commissioning",
            "commissioning",
            "packing",
            "commissioning",
            "commissioning",
            "retail_selling"
        ]
    );

    // From the logistic unit back: its contents and their farms.
    let r = trace::trace(&l, SSCC, Direction::Back).unwrap();
    assert_eq!(ids(&r), BTreeSet::from([SSCC, LOT_017, LOT_018]));
}

#[test]
fn recall_lists_exactly_the_affected_lots() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let r = trace::trace(&l, LOT_018, Direction::Forward).unwrap();
    assert_eq!(ids(&r), BTreeSet::from([LOT_018, SSCC, R_031]));
    let r = trace::trace(&l, LOT_017, Direction::Forward).unwrap();
    assert_eq!(ids(&r), BTreeSet::from([LOT_017, SSCC, R_031, R_032]));
    let r031 = r.nodes.iter().find(|n| n.id == R_031).unwrap();
    assert_eq!(r031.from.as_deref(), Some(LOT_017));
    let r = trace::trace(&l, LOT_BR, Direction::Forward).unwrap();
    assert_eq!(ids(&r), BTreeSet::from([LOT_BR, R_033]));
    // 0.6 t in, 504 kg out: units are converted before comparing.
    let r = trace::trace(&l, R_032, Direction::Back).unwrap();
    assert_eq!(r.mass_balance[0].input, Some(600.0));
    assert!(trace::trace(
        &l,
        "https://id.gs1.org/01/04012345123456/10/NOPE",
        Direction::Back
    )
    .is_err());
}

#[test]
fn more_out_than_in_is_a_mass_balance_finding() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let text = String::from_utf8(coffee_chain())
        .unwrap()
        .replace("\"quantity\": 840", "\"quantity\": 1840");
    import_bytes(&mut l, &s, text.as_bytes()).unwrap();
    let r = trace::trace(&l, R_031, Direction::Back).unwrap();
    assert_eq!(r.mass_balance[0].finding, "gain");
    assert!(r.mass_balance[0]
        .message
        .contains("more came out than went in"));
}

#[test]
fn export_is_reimported_to_the_same_hash_ids() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let first = import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let gs1 =
        std::fs::read(root().join("tests/fixtures/epcis/gs1/epcisDocWithVariousEventTypes.jsonld"))
            .unwrap();
    let second = import_bytes(&mut l, &s, &gs1).unwrap();
    let mut out = Vec::new();
    let n = epcis::export(&l, &ExportSelection::All, t(5), &mut out).unwrap();
    assert_eq!(n, 23);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // The coffee chain uses cbvmda: undeclared, the GS1 example declares it: the
    // declared one is renamed so that both keep their hash ids.
    assert_eq!(doc["@context"][1]["cbvmda_1"], "urn:epcglobal:cbv:mda:");
    assert_eq!(
        doc["@context"][2]["example"],
        "https://ns.example.com/epcis/"
    );

    let (_d2, home2, s2) = new_home();
    let mut l2 = home2.ledger().unwrap();
    let back = import_bytes(&mut l2, &s2, &out).unwrap();
    let before: Vec<&String> = first
        .outcomes
        .iter()
        .chain(&second.outcomes)
        .map(|o| &o.hash_id)
        .collect();
    let after: Vec<&String> = back.outcomes.iter().map(|o| &o.hash_id).collect();
    assert_eq!(before, after);

    let target = root().join("target/epcis-export");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("export.jsonld"), &out).unwrap();
    // Checked against GS1's EPCIS 2.0 JSON schema by an independent validator.
    let check = std::process::Command::new("python3")
        .arg(root().join("tests/fixtures/epcis/schema/validate.py"))
        .arg(target.join("export.jsonld"))
        .output()
        .expect("python3 runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

fn rejected(doc: &[u8], place: &[&str]) {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    l.append(
        &s,
        t(0),
        &[tradeseal_core::ledger::NewEntry::note("before").unwrap()],
    )
    .unwrap();
    let e = import_bytes(&mut l, &s, doc).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidDocument, "{e}");
    let msg = e.to_string();
    for p in place {
        assert!(msg.contains(p), "{msg:?} should name {p:?}");
    }
    assert_eq!(l.size().unwrap(), 1, "a rejected import changes nothing");
    let cp = l.checkpoint().unwrap().0;
    assert_eq!(cp.size, 1);
}

fn with_event(change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    change(&mut doc["epcisBody"]["eventList"][5]);
    serde_json::to_vec(&doc).unwrap()
}

#[test]
fn bad_documents_are_refused_naming_the_place() {
    rejected(
        b"{ \"type\": \"EPCISDocument\", ",
        &["line 1", "ends early"],
    );
    rejected(b"{ not json", &["line 1, column 3", "not valid JSON"]);
    rejected(
        br#"{"type": "Invoice", "epcisBody": {"eventList": []}}"#,
        &["\"Invoice\"", "EPCISDocument"],
    );
    rejected(
        br#"{"type": "EPCISDocument", "epcisBody": {}}"#,
        &["epcisBody", "no eventList"],
    );
    rejected(br#"[1, 2]"#, &["line 1"]);
    rejected(
        &with_event(|e| {
            e["outputQuantityList"][0]["epcClass"] =
                "https://id.gs1.org/01/04012345123457/10/R1".into()
        }),
        &["event 5", "outputQuantityList[0].epcClass", "check digit"],
    );
    rejected(
        &with_event(|e| e["type"] = "ShippingEvent".into()),
        &["event 5", "field type", "\"ShippingEvent\""],
    );
    rejected(
        &with_event(|e| e["inputQuantityList"][0]["quantity"] = (-5).into()),
        &["inputQuantityList[0].quantity", "negative"],
    );
    rejected(
        &with_event(|e| e["inputQuantityList"][0]["quantity"] = "ten".into()),
        &["inputQuantityList[0].quantity", "not a number"],
    );
    rejected(
        &with_event(|e| e["bizStep"] = "comissioning".into()),
        &["field bizStep", "did you mean \"commissioning\""],
    );
    rejected(
        &with_event(|e| e["eventTime"] = "2026-03-10T11:00:00".into()),
        &["eventTime", "no time-zone offset"],
    );
    let deep = format!(
        "{{\"type\":\"EPCISDocument\",\"epcisBody\":{{\"eventList\":[{}{}]}}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    rejected(deep.as_bytes(), &["line 1", "deeper than 128 levels"]);
}

#[test]
fn an_event_id_names_the_event_in_errors() {
    let doc = with_event(|e| {
        e["eventID"] = "urn:uuid:7d1b1a2e-0000-4000-8000-000000000001".into();
        e["readPoint"]["id"] = "urn:epc:id:sgln:4012345.0000.0".into();
    });
    rejected(
        &doc,
        &[
            "event 5 (eventID urn:uuid:7d1b1a2e-0000-4000-8000-000000000001)",
            "readPoint.id",
        ],
    );
}

#[test]
fn a_quantity_without_unit_is_a_count() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let doc = with_event(|e| {
        e["inputQuantityList"][0]
            .as_object_mut()
            .unwrap()
            .remove("uom");
    });
    import_bytes(&mut l, &s, &doc).unwrap();
    let r = trace::trace(&l, R_031, Direction::Back).unwrap();
    assert_eq!(r.mass_balance[0].finding, "incomparable");
}

#[test]
fn query_documents_import_too() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let q = serde_json::json!({
        "@context": doc["@context"], "type": "EPCISQueryDocument", "schemaVersion": "2.0",
        "creationDate": "2026-04-01T00:00:00Z",
        "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": doc["epcisBody"]["eventList"]}}}
    });
    let r = import_bytes(&mut l, &s, &serde_json::to_vec(&q).unwrap()).unwrap();
    assert_eq!((r.doc_type.as_str(), r.new), ("EPCISQueryDocument", 10));
}

#[test]
fn the_timeline_filters_and_pages() {
    use tradeseal_core::timeline::{event_detail, timeline, TimelineFilter};
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    import_bytes(&mut l, &s, &coffee_chain()).unwrap();
    let all = timeline(&l, &TimelineFilter::default(), 100).unwrap();
    assert_eq!(all.len(), 10);
    assert_eq!(
        all[0].biz_step.as_deref(),
        Some("retail_selling"),
        "newest first"
    );
    let steps = |f: TimelineFilter| -> Vec<String> {
        timeline(&l, &f, 100)
            .unwrap()
            .into_iter()
            .map(|e| e.biz_step.unwrap_or_default())
            .collect()
    };
    let lot = TimelineFilter {
        lot: Some("07701234000011/H-2026-018".into()),
        ..Default::default()
    };
    assert_eq!(steps(lot), ["commissioning", "packing", "commissioning"]);
    let roasted = TimelineFilter {
        product: Some("4012345123456".into()),
        ..Default::default()
    };
    assert_eq!(timeline(&l, &roasted, 100).unwrap().len(), 4);
    let shipping = TimelineFilter {
        biz_step: Some("urn:epcglobal:cbv:bizstep:shipping".into()),
        ..Default::default()
    };
    assert_eq!(steps(shipping), ["shipping"]);
    let farm_b = TimelineFilter {
        location: Some("7701234000042".into()),
        ..Default::default()
    };
    assert_eq!(steps(farm_b), ["commissioning"]);
    let march = TimelineFilter {
        from_ms: Some(1_772_323_200_000),
        to_ms: Some(1_775_001_600_000),
        ..Default::default()
    }; // 2026-03-01 .. 2026-04-01
    assert_eq!(timeline(&l, &march, 100).unwrap().len(), 5);
    let page1 = timeline(&l, &TimelineFilter::default(), 4).unwrap();
    let last = page1.last().unwrap();
    let page2 = timeline(
        &l,
        &TimelineFilter {
            before: Some((last.time_ms, last.id)),
            ..Default::default()
        },
        100,
    )
    .unwrap();
    assert_eq!(page1.len() + page2.len(), 10);
    assert!(page2
        .iter()
        .all(|e| e.time_ms <= last.time_ms && e.id != last.id));
    let d = event_detail(&l, all[4].id).unwrap();
    assert_eq!(d.event.hash_id, all[4].hash_id);
    assert!(!d.objects.is_empty());
    assert!(timeline(
        &l,
        &TimelineFilter {
            product: Some("123".into()),
            ..Default::default()
        },
        10
    )
    .is_err());
}
