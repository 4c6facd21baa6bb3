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
    // The header and vocabularies are captured whole, then read: nested too deep there,
    // it is the same refusal, not a panic.
    for (at, what) in [
        ("epcisHeader", "epcisHeader"),
        ("vocabularyList", "vocabularyList"),
    ] {
        let nest = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let inner = if at == "epcisHeader" {
            format!("\"epcisHeader\":{{\"x\":{nest}}},\"epcisBody\":{{\"eventList\":[]}}")
        } else {
            format!("\"epcisBody\":{{\"vocabularyList\":[{nest}]}}")
        };
        let doc = format!("{{\"type\":\"EPCISDocument\",{inner}}}");
        rejected(doc.as_bytes(), &[what, "deeper than 128 levels"]);
    }
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

#[test]
fn an_xml_document_imports_with_gs1s_ids_and_its_header_master_data() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let xml = std::fs::read(root().join("tests/fixtures/epcis/coffee-chain.xml")).unwrap();
    let r = import_bytes(&mut l, &s, &xml).unwrap();
    assert_eq!(r.format, epcis::document::Format::Xml20);
    assert_eq!((r.events, r.new, r.master_data_recorded), (10, 10, 5));
    let want =
        std::fs::read_to_string(root().join("tests/vectors/epcis-hash/coffee-chain.xml.hashes"))
            .unwrap();
    let got: Vec<&str> = r.outcomes.iter().map(|o| o.hash_id.as_str()).collect();
    assert_eq!(got, want.lines().collect::<Vec<_>>(), "GS1's tool's ids");
    let skipped: Vec<_> = r
        .master_data
        .iter()
        .filter(|m| m.outcome == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("sub-location"));
    let farm = tradeseal_core::masterdata::list(&l, Some("location"), Some("Mirador"), 10).unwrap();
    assert_eq!(farm.len(), 1);
    let rec = &farm[0].record;
    assert_eq!(rec["gln"], "7701234000011");
    assert_eq!(rec["country"], "CO");
    assert_eq!(rec["address"], "Vereda El Mirador, Pitalito Huila");
    assert_eq!(
        rec["geometry"],
        serde_json::json!({"type": "Point", "coordinates": [-75.934512, 2.154873]})
    );
    let roast = tradeseal_core::masterdata::product_name(&l, "04012345123456").unwrap();
    assert_eq!(roast.as_deref(), Some("Espresso roast, 1 kg"));

    // Again: the events are known, the master data unchanged, nothing is recorded.
    let size = l.size().unwrap();
    let again = import_bytes(&mut l, &s, &xml).unwrap();
    assert_eq!(
        (again.new, again.known, again.master_data_recorded),
        (0, 10, 0)
    );
    assert_eq!(l.size().unwrap(), size);
    assert!(again.master_data.iter().any(|m| m.outcome == "unchanged"));
}

#[test]
fn document_master_data_makes_a_new_version_that_keeps_what_it_does_not_say() {
    use tradeseal_core::masterdata::{Location, Product};
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let lists = CodeLists::builtin();
    let farm = Location::new(
        "7701234000011",
        "El Mirador",
        "CO",
        Some("HUI"),
        None,
        None,
        lists,
    )
    .unwrap()
    .with_plot(tradeseal_core::masterdata::Plot {
        area_ha: Some("3.2".into()),
        deforestation_free: Some(true),
        ..Default::default()
    })
    .unwrap();
    let coffee = Product::new(
        "07701234000011",
        "Coffee",
        Some("0901.11"),
        Some("KGM"),
        lists,
    )
    .unwrap();
    l.append(&s, t(0), &[farm.entry().unwrap(), coffee.entry().unwrap()])
        .unwrap();
    let xml = std::fs::read(root().join("tests/fixtures/epcis/coffee-chain.xml")).unwrap();
    import_bytes(&mut l, &s, &xml).unwrap();
    let rec = &tradeseal_core::masterdata::list(&l, Some("location"), Some("7701234000011"), 5)
        .unwrap()[0]
        .record;
    assert_eq!(rec["name"], "Finca El Mirador", "the document's name");
    assert_eq!(
        rec["region"], "CO-HUI",
        "the region it does not give is kept"
    );
    assert_eq!(rec["plot"]["areaHa"], "3.2", "so are the EUDR plot facts");
    let p = &tradeseal_core::masterdata::list(&l, Some("product"), Some("07701234000011"), 5)
        .unwrap()[0]
        .record;
    assert_eq!(
        (p["name"].as_str(), p["hsCode"].as_str()),
        (Some("Green coffee, washed"), Some("090111"))
    );
}

#[test]
fn json_ld_master_data_keeps_coordinates_as_written() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    // Latitude and longitude as JSON numbers, measured to six decimals of which the
    // last are zeros: read as numbers they would say 2.15 and -75.93 (two decimals).
    let doc = r#"{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
      "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
      "epcisHeader": {"epcisMasterData": {"vocabularyList": [{
        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
        "vocabularyElementList": [{"id": "urn:epc:id:sgln:7701234.00001.0", "attributes": [
          {"id": "urn:epcglobal:cbv:mda#name", "attribute": "Finca El Mirador"},
          {"id": "urn:epcglobal:cbv:mda#countryCode", "attribute": "CO"},
          {"id": "urn:epcglobal:cbv:mda#latitude", "attribute": 2.150000},
          {"id": "urn:epcglobal:cbv:mda#longitude", "attribute": -75.930000}]}]}]}},
      "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-01-15T07:30:00.000-05:00",
        "eventTimeZoneOffset": "-05:00", "epcList": ["urn:epc:id:sgtin:7701234.000011.1"], "action": "OBSERVE"}]}}"#;
    let r = import_bytes(&mut l, &s, doc.as_bytes()).unwrap();
    assert_eq!(r.master_data_recorded, 1, "{:?}", r.master_data);
    let rec = &tradeseal_core::masterdata::list(&l, Some("location"), Some("7701234000011"), 5)
        .unwrap()[0]
        .record;
    assert_eq!(rec["coordinateDecimals"], 6, "{rec}");
    assert_eq!(
        rec["geometry"]["coordinates"],
        serde_json::json!([-75.93, 2.15])
    );
}

/// An EPCIS 2.0 XML document around `events`, with `ns` declarations on the root.
fn xml_doc(ns: &str, version: &str, events: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<epcis:EPCISDocument xmlns:epcis=\"{ns}\" schemaVersion=\"{version}\" creationDate=\"2026-01-01T00:00:00Z\">\n<EPCISBody>\n<EventList>\n{events}\n</EventList>\n</EPCISBody>\n</epcis:EPCISDocument>\n"
    )
    .into_bytes()
}

const XML_EVENT: &str = "<ObjectEvent>\n<eventTime>2026-01-15T07:30:00.000-05:00</eventTime>\n<eventTimeZoneOffset>-05:00</eventTimeZoneOffset>\n<epcList><epc>EPC</epc></epcList>\n<action>OBSERVE</action>\nEXTRA</ObjectEvent>";

fn xml_event(epc: &str, extra: &str) -> String {
    XML_EVENT.replace("EPC", epc).replace("EXTRA", extra)
}

#[test]
fn bad_xml_documents_are_refused_naming_the_place() {
    const V2: &str = "urn:epcglobal:epcis:xsd:2";
    let good = xml_doc(
        V2,
        "2.0",
        &xml_event("urn:epc:id:sgtin:4012345.011111.1", ""),
    );
    {
        let (_d, home, s) = new_home();
        let mut l = home.ledger().unwrap();
        assert_eq!(
            import_bytes(&mut l, &s, &good).unwrap().new,
            1,
            "the base document imports"
        );
    }
    // Truncated: the file ends inside an element.
    rejected(&good[..good.len() - 60], &["truncated", "line"]);
    // An entity-expansion bomb: its DOCTYPE declares entities; none is ever expanded.
    let bomb = String::from_utf8(good.clone()).unwrap().replacen(
        "<epcis:EPCISDocument",
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n<epcis:EPCISDocument",
        1,
    ).replace("<action>OBSERVE</action>", "<action>&lol3;</action>");
    rejected(
        bomb.as_bytes(),
        &["line 2", "DOCTYPE declares entities", "XML bomb"],
    );
    // An entity reference without a declaration.
    let undeclared = String::from_utf8(good.clone())
        .unwrap()
        .replace("<action>OBSERVE</action>", "<action>&lol;</action>");
    rejected(
        undeclared.as_bytes(),
        &["line 9, column 9", "&lol; is not declared"],
    );
    // Nesting deeper than any EPCIS event needs.
    let deep = xml_event(
        "urn:epc:id:sgtin:4012345.011111.1",
        &format!(
            "<ex:a xmlns:ex=\"https://example.com/\">{}{}</ex:a>",
            "<ex:a>".repeat(10_000),
            "</ex:a>".repeat(10_000)
        ),
    );
    rejected(
        &xml_doc(V2, "2.0", &deep),
        &["nested deeper than 64 levels"],
    );
    // A root in the wrong namespace, and a namespace with another version.
    rejected(
        &xml_doc(
            "urn:example:epcis",
            "2.0",
            &xml_event("urn:epc:id:sgtin:4012345.011111.1", ""),
        ),
        &[
            "line 2",
            "namespace \"urn:example:epcis\"",
            "urn:epcglobal:epcis:xsd:2",
        ],
    );
    rejected(
        &xml_doc(
            V2,
            "1.2",
            &xml_event("urn:epc:id:sgtin:4012345.011111.1", ""),
        ),
        &["schemaVersion \"1.2\"", "schemaVersion 2.0"],
    );
    // An EPCIS 1.2 document with EPCIS 2.0 elements where 1.2 has none.
    let sensors = "<sensorElementList><sensorElement><sensorReport type=\"gs1:Temperature\" value=\"4\" uom=\"CEL\"/></sensorElement></sensorElementList>";
    rejected(
        &xml_doc(
            "urn:epcglobal:epcis:xsd:1",
            "1.2",
            &xml_event("urn:epc:id:sgtin:4012345.011111.1", sensors),
        ),
        &[
            "event 0",
            "line 10, column 1",
            "<sensorElementList> is an EPCIS 2.0 element",
            "EPCIS 1.2",
        ],
    );
    let assoc = "<AssociationEvent><eventTime>2026-01-15T07:30:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><parentID>urn:epc:id:grai:4012345.55555.987</parentID><action>ADD</action></AssociationEvent>";
    rejected(
        &xml_doc("urn:epcglobal:epcis:xsd:1", "1.2", assoc),
        &["AssociationEvent", "directly in the EventList is EPCIS 2.0"],
    );
    // A bad check digit in a Digital Link.
    rejected(
        &xml_doc(
            V2,
            "2.0",
            &xml_event("https://id.gs1.org/01/04012345111117/21/1", ""),
        ),
        &[
            "event 0",
            "<ObjectEvent> at line 5",
            "epcList[0]",
            "check digit",
        ],
    );
    // Not an EPCIS element, a QuantityEvent, a non-UTF-8 encoding, a second root.
    rejected(
        &xml_doc(
            V2,
            "2.0",
            &xml_event("urn:epc:id:sgtin:4012345.011111.1", "<shipTo>x</shipTo>"),
        ),
        &["<shipTo> is not an element of an EPCIS event"],
    );
    rejected(
        &xml_doc(
            V2,
            "2.0",
            "<QuantityEvent><eventTime>2026-01-15T07:30:00Z</eventTime></QuantityEvent>",
        ),
        &["QuantityEvent", "quantityList"],
    );
    let latin = String::from_utf8(good.clone())
        .unwrap()
        .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    rejected(
        latin.as_bytes(),
        &["line 1", "iso-8859-1", "save it as UTF-8"],
    );
    let mut two = good.clone();
    two.extend_from_slice(b"<epcis:EPCISDocument/>");
    rejected(&two, &["second root element"]);
}

#[test]
fn trace_start_ids_are_canonical_and_checked() {
    // A lot with characters a Digital Link escapes, typed as GTIN/LOT or as a link.
    assert_eq!(
        trace::start_id("lot", "07701234000011/A%2&B").unwrap(),
        "https://id.gs1.org/01/07701234000011/10/A%252%26B"
    );
    assert_eq!(
        trace::start_id("id", "urn:epc:class:lgtin:7701234.000001.A%252").unwrap(),
        "https://id.gs1.org/01/07701234000011/10/A%252"
    );
    assert_eq!(
        trace::start_id("id", "https://example.com/01/07701234000011/10/H-1?x=1").unwrap(),
        "https://id.gs1.org/01/07701234000011/10/H-1"
    );
    let e = trace::start_id("id", "https://id.gs1.org/01/07701234000012/10/H-1").unwrap_err();
    assert!(e.to_string().contains("check digit"), "{e}");
    let e = trace::start_id("lot", "07701234000011").unwrap_err();
    assert!(e.to_string().contains("GTIN/LOT"), "{e}");
}

/// The coffee chain with its members written in `order` (`@context` first is read in one
/// pass; the body first, in two).
fn coffee_chain_in_order(order: &[&str]) -> Vec<u8> {
    let doc: serde_json::Value = serde_json::from_slice(&coffee_chain()).unwrap();
    let members: Vec<String> = order
        .iter()
        .filter(|k| doc.get(**k).is_some())
        .map(|k| format!("{}:{}", serde_json::to_string(k).unwrap(), doc[*k]))
        .collect();
    format!("{{{}}}", members.join(",")).into_bytes()
}

#[test]
fn the_context_before_or_after_the_events_gives_the_same_hash_ids() {
    let want = std::fs::read_to_string(root().join("tests/vectors/epcis-hash/coffee-chain.hashes"))
        .unwrap();
    let first = [
        "@context",
        "type",
        "schemaVersion",
        "creationDate",
        "epcisHeader",
        "epcisBody",
    ];
    let last = [
        "type",
        "schemaVersion",
        "creationDate",
        "epcisBody",
        "epcisHeader",
        "@context",
    ];
    for order in [first, last] {
        let (_d, home, s) = new_home();
        let mut l = home.ledger().unwrap();
        let doc = coffee_chain_in_order(&order);
        let r = import_bytes(&mut l, &s, &doc).unwrap();
        let got: Vec<&str> = r.outcomes.iter().map(|o| o.hash_id.as_str()).collect();
        assert_eq!(got, want.lines().collect::<Vec<_>>(), "{order:?}");
        assert_eq!(r.new, 10);
    }
    // An extension field under a prefix of the context: its hash id depends on the
    // context, wherever the context stands.
    let mut ids = Vec::new();
    for order in [first, last] {
        let mut doc: serde_json::Value =
            serde_json::from_slice(&coffee_chain_in_order(&order)).unwrap();
        doc["@context"] = serde_json::json!([
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"ex": "https://ex.example/epcis/"}
        ]);
        doc["epcisBody"]["eventList"][0]["ex:temperature"] = serde_json::json!("4");
        let members: Vec<String> = order
            .iter()
            .filter(|k| doc.get(**k).is_some())
            .map(|k| format!("{}:{}", serde_json::to_string(k).unwrap(), doc[*k]))
            .collect();
        let (_d, home, s) = new_home();
        let mut l = home.ledger().unwrap();
        let r = import_bytes(&mut l, &s, format!("{{{}}}", members.join(",")).as_bytes()).unwrap();
        ids.push(r.outcomes[0].hash_id.clone());
    }
    assert_eq!(ids[0], ids[1]);
    assert_ne!(
        ids[0],
        want.lines().next().unwrap(),
        "the extension is in the hash"
    );
    // Read in one pass, a document refused at its last event records nothing.
    let mut doc: serde_json::Value =
        serde_json::from_slice(&coffee_chain_in_order(&first)).unwrap();
    doc["epcisBody"]["eventList"][9]["eventTime"] = serde_json::json!("yesterday");
    rejected(&serde_json::to_vec(&doc).unwrap(), &["event 9"]);
    // A second @context, unlike the first: refused.
    let text = String::from_utf8(coffee_chain_in_order(&first)).unwrap();
    let twice = format!(
        "{},\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\",{{\"other\":\"https://other.example/\"}}]}}",
        &text[..text.len() - 1]
    );
    rejected(twice.as_bytes(), &["@context"]);
}
