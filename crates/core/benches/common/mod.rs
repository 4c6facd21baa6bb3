//! What the benchmarks share: a synthetic EPCIS supply chain and the process's peak memory.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::Signer;

/// A new home `org` in `dir` with the key seeded by `seed`, unlocked (passphrase
/// "benchmark passphrase", a light KDF). Its ledger is version 1, as these benchmarks'
/// figures were measured (docs/benchmarks.md); version 2 is measured by `import_v2`,
/// `bundle_v2`, `team` and tradeseal-log's `store`.
pub fn bench_home(dir: &Path, org: &str, seed: u8) -> (Home, Signer) {
    let home = Home::init_v1(
        &dir.join(org),
        InitOptions {
            org,
            gln: None,
            passphrase: "benchmark passphrase",
            seed: [seed; 32],
            now: tradeseal_core::Timestamp::from_unix_millis(0).unwrap(),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let signer = home.unlock("benchmark passphrase").unwrap();
    (home, signer)
}

pub fn sscc(k: usize) -> String {
    format!("urn:epc:id:sscc:7701234.0{:09}", k)
}

pub fn lot(prefix: &str, k: usize) -> String {
    format!("urn:epc:class:lgtin:7701234.000001.{prefix}-{k:07}")
}

/// Writes an EPCIS document of `n` events (a multiple of five) to `path`.
pub fn write_document(path: &Path, n: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(f);
    write!(w, r#"{{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{{"eventList":["#).unwrap();
    let farm = |k: usize| format!("urn:epc:id:sgln:7701234.{:05}.0", 10 + k % 500);
    for k in 0..n / 5 {
        // One chain a minute from 1 January 2026, so that times always run forward.
        let t = |h: usize| {
            let ms = 1_767_225_600_000 + k as i64 * 60_000 + h as i64 * 3_600_000;
            tradeseal_core::Timestamp::from_unix_millis(ms)
                .unwrap()
                .to_rfc3339()
        };
        let sep = if k == 0 { "" } else { "," };
        let (f, l, s) = (farm(k), lot("F", k), sscc(k));
        write!(w, r#"{sep}{{"type":"ObjectEvent","eventTime":"{}","eventTimeZoneOffset":"-05:00","action":"ADD","bizStep":"commissioning","disposition":"active","readPoint":{{"id":"{f}"}},"bizLocation":{{"id":"{f}"}},"quantityList":[{{"epcClass":"{l}","quantity":1000,"uom":"KGM"}}],"ilmd":{{"cbvmda:countryOfOrigin":"CO"}}}}"#, t(6)).unwrap();
        write!(w, r#",{{"type":"AggregationEvent","eventTime":"{}","eventTimeZoneOffset":"-05:00","parentID":"{s}","action":"ADD","bizStep":"packing","readPoint":{{"id":"urn:epc:id:sgln:7701234.00002.0"}},"childQuantityList":[{{"epcClass":"{l}","quantity":1000,"uom":"KGM"}}]}}"#, t(9)).unwrap();
        write!(w, r#",{{"type":"ObjectEvent","eventTime":"{}","eventTimeZoneOffset":"-05:00","epcList":["{s}"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","readPoint":{{"id":"urn:epc:id:sgln:7701234.00003.0"}},"bizTransactionList":[{{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-{k}"}}],"sourceList":[{{"type":"owning_party","source":"urn:epc:id:pgln:7701234.00000"}}],"destinationList":[{{"type":"owning_party","destination":"urn:epc:id:pgln:4012345.00000"}}]}}"#, t(12)).unwrap();
        write!(w, r#",{{"type":"ObjectEvent","eventTime":"{}","eventTimeZoneOffset":"-05:00","epcList":["{s}"],"action":"OBSERVE","bizStep":"receiving","disposition":"in_progress","readPoint":{{"id":"urn:epc:id:sgln:4012345.00001.0"}},"bizLocation":{{"id":"urn:epc:id:sgln:4012345.00001.0"}}}}"#, t(18)).unwrap();
        let prev = lot("F", k.saturating_sub(1));
        write!(w, r#",{{"type":"TransformationEvent","eventTime":"{}","eventTimeZoneOffset":"-05:00","bizStep":"commissioning","readPoint":{{"id":"urn:epc:id:sgln:4012345.00002.0"}},"inputQuantityList":[{{"epcClass":"{l}","quantity":500,"uom":"KGM"}},{{"epcClass":"{prev}","quantity":500,"uom":"KGM"}},{{"epcClass":"{}","quantity":1,"uom":"KGM"}}],"outputQuantityList":[{{"epcClass":"{}","quantity":840,"uom":"KGM"}}]}}"#, t(20), lot("B", k / 100), lot("R", k)).unwrap();
    }
    write!(w, "]}}}}").unwrap();
    w.flush().unwrap();
}

/// Writes the events of `write_document` as an EPCIS 2.0 XML document to `path`.
pub fn write_document_xml(path: &Path, n: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(f);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="urn:epcglobal:cbv:mda:" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z">
<EPCISBody><EventList>"#).unwrap();
    let farm = |k: usize| format!("urn:epc:id:sgln:7701234.{:05}.0", 10 + k % 500);
    for k in 0..n / 5 {
        let t = |h: usize| {
            let ms = 1_767_225_600_000 + k as i64 * 60_000 + h as i64 * 3_600_000;
            tradeseal_core::Timestamp::from_unix_millis(ms)
                .unwrap()
                .to_rfc3339()
        };
        let (f, l, s) = (farm(k), lot("F", k), sscc(k));
        let q = |name: &str, items: &[(&str, u32)]| {
            let mut x = format!("<{name}>");
            for (class, qty) in items {
                x.push_str(&format!("<quantityElement><epcClass>{class}</epcClass><quantity>{qty}</quantity><uom>KGM</uom></quantityElement>"));
            }
            x.push_str(&format!("</{name}>"));
            x
        };
        writeln!(w, "<ObjectEvent><eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition><readPoint><id>{f}</id></readPoint><bizLocation><id>{f}</id></bizLocation>{}<ilmd><cbvmda:countryOfOrigin>CO</cbvmda:countryOfOrigin></ilmd></ObjectEvent>", t(6), q("quantityList", &[(&l, 1000)])).unwrap();
        writeln!(w, "<AggregationEvent><eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset><parentID>{s}</parentID><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:packing</bizStep><readPoint><id>urn:epc:id:sgln:7701234.00002.0</id></readPoint>{}</AggregationEvent>", t(9), q("childQuantityList", &[(&l, 1000)])).unwrap();
        writeln!(w, "<ObjectEvent><eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset><epcList><epc>{s}</epc></epcList><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep><disposition>urn:epcglobal:cbv:disp:in_transit</disposition><readPoint><id>urn:epc:id:sgln:7701234.00003.0</id></readPoint><bizTransactionList><bizTransaction type=\"urn:epcglobal:cbv:btt:po\">urn:epcglobal:cbv:bt:4012345000009:PO-{k}</bizTransaction></bizTransactionList><sourceList><source type=\"urn:epcglobal:cbv:sdt:owning_party\">urn:epc:id:pgln:7701234.00000</source></sourceList><destinationList><destination type=\"urn:epcglobal:cbv:sdt:owning_party\">urn:epc:id:pgln:4012345.00000</destination></destinationList></ObjectEvent>", t(12)).unwrap();
        writeln!(w, "<ObjectEvent><eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset><epcList><epc>{s}</epc></epcList><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep><disposition>urn:epcglobal:cbv:disp:in_progress</disposition><readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint><bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation></ObjectEvent>", t(18)).unwrap();
        let prev = lot("F", k.saturating_sub(1));
        writeln!(w, "<TransformationEvent><eventTime>{}</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset>{}{}<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><readPoint><id>urn:epc:id:sgln:4012345.00002.0</id></readPoint></TransformationEvent>", t(20), q("inputQuantityList", &[(&l, 500), (&prev, 500), (&lot("B", k / 100), 1)]), q("outputQuantityList", &[(&lot("R", k), 840)])).unwrap();
    }
    writeln!(w, "</EventList></EPCISBody></epcis:EPCISDocument>").unwrap();
    w.flush().unwrap();
}

pub fn peak_rss_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
