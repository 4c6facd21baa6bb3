//! Recorded (JSON-LD) events written as EPCIS 2.0 XML, or as EPCIS 1.2 XML the way GS1's
//! 2.0→1.2 mapping (`convert-2.0-to-1.2.xsl`) places the fields 1.2 lacks: the element
//! order of GS1's XSDs, so that the document validates and hashes to the recorded ids
//! (docs/spec/epcis-event.md §7.4).

use crate::epcis::vocab::{self, Vocabulary};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which EPCIS XML to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmlVersion {
    V2_0,
    V1_2,
}

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Escapes text for element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON scalar as XML text.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The XML opening of a document: root element with every namespace the events use.
pub fn start(version: XmlVersion, creation: &str, namespaces: &BTreeMap<String, String>) -> String {
    let ns = match version {
        XmlVersion::V2_0 => "urn:epcglobal:epcis:xsd:2",
        XmlVersion::V1_2 => "urn:epcglobal:epcis:xsd:1",
    };
    let v = match version {
        XmlVersion::V2_0 => "2.0",
        XmlVersion::V1_2 => "1.2",
    };
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<epcis:EPCISDocument xmlns:epcis=\"{ns}\" schemaVersion=\"{v}\" creationDate=\"{}\"",
        esc(creation)
    );
    let mut declared_xsi = false;
    for (p, uri) in namespaces {
        if p == "xsi" && uri == XSI {
            declared_xsi = true;
        }
        s.push_str(&format!("\n    xmlns:{p}=\"{}\"", esc(uri)));
    }
    if !declared_xsi && !namespaces.contains_key("xsi") {
        s.push_str(&format!("\n    xmlns:xsi=\"{XSI}\""));
    }
    // `xsi:type="xsd:integer"` names an XML Schema type: its prefix must be bound, though
    // the value itself stays as written (the hash reads it as text).
    if !namespaces.contains_key("xsd") {
        s.push_str("\n    xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"");
    }
    s.push_str(">\n  <EPCISBody>\n    <EventList>\n");
    s
}

pub fn end() -> &'static str {
    "    </EventList>\n  </EPCISBody>\n</epcis:EPCISDocument>\n"
}

struct Out<'a> {
    s: String,
    depth: usize,
    /// Declared prefixes: a value `p:x` is written as the URI it stands for, as the hash
    /// of the recorded (JSON-LD) event reads it; XML text is not a compact URI.
    names: &'a BTreeMap<String, String>,
}

impl Out<'_> {
    fn value(&self, v: &Value) -> String {
        let s = scalar(v);
        if let (Value::String(_), Some((p, rest))) = (v, s.split_once(':')) {
            if let Some(uri) = self.names.get(p) {
                return format!("{uri}{rest}");
            }
        }
        s
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.s.push_str("  ");
        }
        self.s.push_str(text);
        self.s.push('\n');
    }

    fn leaf_value(&mut self, name: &str, v: &Value) {
        let t = self.value(v);
        self.leaf(name, &t);
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.line(&format!("<{name}>{}</{name}>", esc(text)));
    }

    fn open(&mut self, name: &str) {
        self.line(&format!("<{name}>"));
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.line(&format!("</{name}>"));
    }
}

/// A CBV value as XML writes it: the CBV 1.x URN of a short name (what EPCIS 1.2 and most
/// XML systems expect); a URI as it is.
fn cbv(v: &Value, voc: &Vocabulary) -> String {
    let s = scalar(v);
    if voc.values.contains(&s.as_str()) {
        format!("{}{s}", voc.urn_prefix)
    } else {
        s
    }
}

/// Members TradeSeal writes as XML attributes inside extension content: those of the XML
/// Schema instance namespace (`xsi:type`, `xsi:nil`).
fn is_attribute(key: &str) -> bool {
    key.starts_with("xsi:")
}

/// An extension member as XML: text, repeated elements for an array, or an element with
/// attributes (`xsi:`), `#text` and child elements for an object.
fn ext(out: &mut Out, key: &str, v: &Value) {
    match v {
        Value::Array(items) => {
            for it in items {
                ext(out, key, it);
            }
        }
        Value::Object(m) => {
            let attrs: String = m
                .iter()
                .filter(|(k, x)| is_attribute(k) && !x.is_object() && !x.is_array())
                .map(|(k, x)| format!(" {k}=\"{}\"", esc(&out.value(x))))
                .collect();
            let kids: Vec<(&String, &Value)> = m
                .iter()
                .filter(|(k, x)| {
                    *k != "#text" && !(is_attribute(k) && !x.is_object() && !x.is_array())
                })
                .collect();
            let text = m.get("#text").map(|t| out.value(t)).unwrap_or_default();
            if kids.is_empty() {
                out.line(&format!("<{key}{attrs}>{}</{key}>", esc(&text)));
            } else {
                out.line(&format!("<{key}{attrs}>{}", esc(&text)));
                out.depth += 1;
                for (k, x) in kids {
                    ext(out, k, x);
                }
                out.close(key);
            }
        }
        other => out.leaf_value(key, other),
    }
}

/// Extension members of an object: namespaced (`p:name`) or, with `local`, unqualified
/// ones that are not in `standard`.
fn extensions<'a>(
    m: &'a serde_json::Map<String, Value>,
    standard: &[&str],
) -> Vec<(&'a String, &'a Value)> {
    m.iter()
        .filter(|(k, _)| !standard.contains(&k.as_str()) && k.as_str() != "type")
        .collect()
}

fn list(out: &mut Out, name: &str, member: &str, v: Option<&Value>) {
    let Some(items) = v.and_then(Value::as_array) else {
        return;
    };
    if items.is_empty() {
        out.line(&format!("<{name}/>"));
        return;
    }
    out.open(name);
    for it in items {
        out.leaf_value(member, it);
    }
    out.close(name);
}

fn quantities(out: &mut Out, name: &str, v: Option<&Value>) {
    let Some(items) = v.and_then(Value::as_array) else {
        return;
    };
    out.open(name);
    for q in items {
        out.open("quantityElement");
        if let Some(c) = q.get("epcClass") {
            out.leaf_value("epcClass", c);
        }
        if let Some(n) = q.get("quantity") {
            out.leaf("quantity", &scalar(n));
        }
        if let Some(u) = q.get("uom") {
            out.leaf("uom", &scalar(u));
        }
        out.close("quantityElement");
    }
    out.close(name);
}

fn place(out: &mut Out, name: &str, v: Option<&Value>) {
    let Some(m) = v.and_then(Value::as_object) else {
        return;
    };
    out.open(name);
    if let Some(id) = m.get("id") {
        out.leaf_value("id", id);
    }
    for (k, x) in extensions(m, &["id"]) {
        ext(out, k, x);
    }
    out.close(name);
}

fn typed(out: &mut Out, name: &str, member: &str, voc: &Vocabulary, v: Option<&Value>) {
    let Some(items) = v.and_then(Value::as_array) else {
        return;
    };
    out.open(name);
    for it in items {
        let value = it.get(member).map(|v| out.value(v)).unwrap_or_default();
        match it.get("type") {
            Some(t) => out.line(&format!(
                "<{member} type=\"{}\">{}</{member}>",
                esc(&cbv(t, voc)),
                esc(&value)
            )),
            None => out.leaf(member, &value),
        }
    }
    out.close(name);
}

fn persistent(out: &mut Out, v: Option<&Value>) {
    let Some(m) = v.and_then(Value::as_object) else {
        return;
    };
    out.open("persistentDisposition");
    // The XSD's order: unset, then set.
    for k in ["unset", "set"] {
        for d in m.get(k).and_then(Value::as_array).into_iter().flatten() {
            out.leaf(k, &cbv(d, &vocab::DISPOSITION));
        }
    }
    out.close("persistentDisposition");
}

fn error_declaration(out: &mut Out, v: Option<&Value>) {
    let Some(m) = v.and_then(Value::as_object) else {
        return;
    };
    out.open("errorDeclaration");
    if let Some(t) = m.get("declarationTime") {
        out.leaf("declarationTime", &scalar(t));
    }
    if let Some(r) = m.get("reason") {
        out.leaf("reason", &cbv(r, &vocab::ERROR_REASON));
    }
    list(
        out,
        "correctiveEventIDs",
        "correctiveEventID",
        m.get("correctiveEventIDs"),
    );
    for (k, x) in extensions(m, &["declarationTime", "reason", "correctiveEventIDs"]) {
        ext(out, k, x);
    }
    out.close("errorDeclaration");
}

fn ilmd(out: &mut Out, v: Option<&Value>) {
    let Some(m) = v.and_then(Value::as_object) else {
        return;
    };
    out.open("ilmd");
    for (k, x) in m {
        ext(out, k, x);
    }
    out.close("ilmd");
}

/// A sensorMetadata or sensorReport: scalars as attributes, anything structured as child
/// elements (the XSD gives them only attributes; extension elements go beside them).
fn sensor_part(out: &mut Out, name: &str, m: &serde_json::Map<String, Value>) {
    let mut attrs = String::new();
    for (k, x) in m {
        if x.is_object() || x.is_array() {
            continue;
        }
        let term = |voc: &Vocabulary, prefix: &str| {
            let s = scalar(x);
            if voc.values.contains(&s.as_str()) {
                Some(format!("{prefix}{s}"))
            } else {
                None
            }
        };
        let text = match k.as_str() {
            "type" => term(&vocab::MEASUREMENT_TYPE, "gs1:").unwrap_or_else(|| out.value(x)),
            "exception" => term(&vocab::SENSOR_ALERT, "gs1:").unwrap_or_else(|| out.value(x)),
            "component" => term(&vocab::COMPONENT, "cbv:Comp-").unwrap_or_else(|| out.value(x)),
            _ => out.value(x),
        };
        attrs.push_str(&format!(" {k}=\"{}\"", esc(&text)));
    }
    out.line(&format!("<{name}{attrs}/>"));
}

fn sensors(out: &mut Out, v: Option<&Value>) {
    let Some(items) = v.and_then(Value::as_array) else {
        return;
    };
    out.open("sensorElementList");
    for se in items {
        let Some(m) = se.as_object() else { continue };
        out.open("sensorElement");
        if let Some(md) = m.get("sensorMetadata").and_then(Value::as_object) {
            sensor_part(out, "sensorMetadata", md);
        }
        for r in m
            .get("sensorReport")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(r) = r.as_object() {
                sensor_part(out, "sensorReport", r);
            }
        }
        for (k, x) in extensions(m, &["sensorMetadata", "sensorReport"]) {
            ext(out, k, x);
        }
        out.close("sensorElement");
    }
    out.close("sensorElementList");
}

/// The standard members of an event, for telling extensions apart.
const STANDARD: [&str; 27] = [
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
    "epcList",
    "parentID",
    "childEPCs",
    "inputEPCList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "transformationID",
    "action",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "quantityList",
    "childQuantityList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "persistentDisposition",
    "ilmd",
];

/// Writes one event into `buf`, at the indentation of the event list; `names` are the
/// prefixes the document declares. An event EPCIS 2.0 XML has no form for (unqualified
/// members that are no EPCIS field, read from a 1.2 document's extensions) is refused
/// with the member's name.
pub fn event(
    buf: &mut String,
    ev: &Value,
    version: XmlVersion,
    names: &BTreeMap<String, String>,
) -> Result<(), String> {
    let Some(m) = ev.as_object() else {
        return Ok(());
    };
    let t = m
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ObjectEvent");
    let mut out = Out {
        s: String::new(),
        depth: 3,
        names,
    };
    let v12 = version == XmlVersion::V1_2;
    if !v12 {
        if let Some(bad) = without_2_0_form(m) {
            return Err(bad);
        }
    }
    let wrappers = match (v12, t) {
        (true, "TransformationEvent") => 1,
        (true, "AssociationEvent") => 2,
        _ => 0,
    };
    for _ in 0..wrappers {
        out.open("extension");
    }
    out.open(t);
    let g = |k: &str| m.get(k);
    let leaf = |out: &mut Out, k: &str| {
        if let Some(x) = g(k) {
            out.leaf_value(k, x);
        }
    };
    // The base of every event.
    leaf(&mut out, "eventTime");
    leaf(&mut out, "recordTime");
    leaf(&mut out, "eventTimeZoneOffset");
    let certification: Vec<String> = match g("certificationInfo") {
        Some(Value::Array(a)) => a.iter().map(scalar).collect(),
        Some(x) => vec![scalar(x)],
        None => vec![],
    };
    if v12 {
        if g("eventID").is_some() || g("errorDeclaration").is_some() || !certification.is_empty() {
            out.open("baseExtension");
            leaf(&mut out, "eventID");
            error_declaration(&mut out, g("errorDeclaration"));
            if !certification.is_empty() {
                out.open("extension");
                for c in &certification {
                    out.leaf("certificationInfo", c);
                }
                out.close("extension");
            }
            out.close("baseExtension");
        }
    } else {
        leaf(&mut out, "eventID");
        error_declaration(&mut out, g("errorDeclaration"));
        for c in &certification {
            out.leaf("certificationInfo", c);
        }
    }
    let step = |out: &mut Out| {
        if let Some(x) = g("bizStep") {
            out.leaf("bizStep", &cbv(x, &vocab::BIZ_STEP));
        }
        if let Some(x) = g("disposition") {
            out.leaf("disposition", &cbv(x, &vocab::DISPOSITION));
        }
        place(out, "readPoint", g("readPoint"));
        place(out, "bizLocation", g("bizLocation"));
    };
    let biz = |out: &mut Out| {
        typed(
            out,
            "bizTransactionList",
            "bizTransaction",
            &vocab::BIZ_TRANSACTION_TYPE,
            g("bizTransactionList"),
        )
    };
    let parties = |out: &mut Out| {
        typed(
            out,
            "sourceList",
            "source",
            &vocab::SOURCE_DEST_TYPE,
            g("sourceList"),
        );
        typed(
            out,
            "destinationList",
            "destination",
            &vocab::SOURCE_DEST_TYPE,
            g("destinationList"),
        );
    };
    let sensors_and_persistent = |out: &mut Out| {
        sensors(out, g("sensorElementList"));
        persistent(out, g("persistentDisposition"));
    };
    // Unqualified members that are no EPCIS 2.0 field: `##local` extension content.
    let local: Vec<(&String, &Value)> = m
        .iter()
        .filter(|(k, _)| !STANDARD.contains(&k.as_str()) && *k != "type" && !k.contains(':'))
        .collect();
    let namespaced: Vec<(&String, &Value)> = m.iter().filter(|(k, _)| k.contains(':')).collect();
    let has = |keys: &[&str]| keys.iter().any(|k| g(k).is_some());
    let local_block = |out: &mut Out| {
        for (k, x) in &local {
            ext(out, k, x);
        }
    };
    let action = |out: &mut Out| leaf(out, "action");
    match (t, v12) {
        ("ObjectEvent", false) => {
            list(&mut out, "epcList", "epc", g("epcList"));
            action(&mut out);
            step(&mut out);
            biz(&mut out);
            quantities(&mut out, "quantityList", g("quantityList"));
            parties(&mut out);
            sensors_and_persistent(&mut out);
            ilmd(&mut out, g("ilmd"));
        }
        ("ObjectEvent", true) => {
            match g("epcList") {
                Some(_) => list(&mut out, "epcList", "epc", g("epcList")),
                None => out.line("<epcList/>"),
            }
            action(&mut out);
            step(&mut out);
            biz(&mut out);
            if has(&[
                "quantityList",
                "sourceList",
                "destinationList",
                "ilmd",
                "sensorElementList",
                "persistentDisposition",
            ]) || !local.is_empty()
            {
                out.open("extension");
                quantities(&mut out, "quantityList", g("quantityList"));
                parties(&mut out);
                ilmd(&mut out, g("ilmd"));
                if has(&["sensorElementList", "persistentDisposition"]) || !local.is_empty() {
                    out.open("extension");
                    sensors_and_persistent(&mut out);
                    local_block(&mut out);
                    out.close("extension");
                }
                out.close("extension");
            }
        }
        ("AggregationEvent", false) => {
            leaf(&mut out, "parentID");
            list(&mut out, "childEPCs", "epc", g("childEPCs"));
            action(&mut out);
            step(&mut out);
            biz(&mut out);
            quantities(&mut out, "childQuantityList", g("childQuantityList"));
            parties(&mut out);
            sensors_and_persistent(&mut out);
        }
        ("AggregationEvent", true) => {
            leaf(&mut out, "parentID");
            match g("childEPCs") {
                Some(_) => list(&mut out, "childEPCs", "epc", g("childEPCs")),
                None => out.line("<childEPCs/>"),
            }
            action(&mut out);
            step(&mut out);
            biz(&mut out);
            if has(&[
                "childQuantityList",
                "sourceList",
                "destinationList",
                "sensorElementList",
                "persistentDisposition",
            ]) || !local.is_empty()
            {
                out.open("extension");
                quantities(&mut out, "childQuantityList", g("childQuantityList"));
                parties(&mut out);
                if has(&["sensorElementList", "persistentDisposition"]) || !local.is_empty() {
                    out.open("extension");
                    sensors_and_persistent(&mut out);
                    local_block(&mut out);
                    out.close("extension");
                }
                out.close("extension");
            }
        }
        ("TransactionEvent", false) => {
            biz(&mut out);
            leaf(&mut out, "parentID");
            list(&mut out, "epcList", "epc", g("epcList"));
            action(&mut out);
            step(&mut out);
            quantities(&mut out, "quantityList", g("quantityList"));
            parties(&mut out);
            sensors_and_persistent(&mut out);
        }
        ("TransactionEvent", true) => {
            biz(&mut out);
            leaf(&mut out, "parentID");
            match g("epcList") {
                Some(_) => list(&mut out, "epcList", "epc", g("epcList")),
                None => out.line("<epcList/>"),
            }
            action(&mut out);
            step(&mut out);
            if has(&[
                "quantityList",
                "sourceList",
                "destinationList",
                "sensorElementList",
                "persistentDisposition",
            ]) || !local.is_empty()
            {
                out.open("extension");
                quantities(&mut out, "quantityList", g("quantityList"));
                parties(&mut out);
                if has(&["sensorElementList", "persistentDisposition"]) || !local.is_empty() {
                    out.open("extension");
                    sensors_and_persistent(&mut out);
                    local_block(&mut out);
                    out.close("extension");
                }
                out.close("extension");
            }
        }
        ("TransformationEvent", _) => {
            list(&mut out, "inputEPCList", "epc", g("inputEPCList"));
            quantities(&mut out, "inputQuantityList", g("inputQuantityList"));
            list(&mut out, "outputEPCList", "epc", g("outputEPCList"));
            quantities(&mut out, "outputQuantityList", g("outputQuantityList"));
            leaf(&mut out, "transformationID");
            step(&mut out);
            biz(&mut out);
            parties(&mut out);
            if v12 {
                ilmd(&mut out, g("ilmd"));
                if has(&["sensorElementList", "persistentDisposition"]) || !local.is_empty() {
                    out.open("extension");
                    sensors_and_persistent(&mut out);
                    local_block(&mut out);
                    out.close("extension");
                }
            } else {
                sensors_and_persistent(&mut out);
                ilmd(&mut out, g("ilmd"));
            }
        }
        (_, _) => {
            // AssociationEvent. EPCIS 1.2 holds it in a lax wildcard, where GS1's mapping
            // writes the 2.0 order; unlike that mapping, sources and destinations are kept.
            leaf(&mut out, "parentID");
            list(&mut out, "childEPCs", "epc", g("childEPCs"));
            quantities(&mut out, "childQuantityList", g("childQuantityList"));
            action(&mut out);
            step(&mut out);
            biz(&mut out);
            parties(&mut out);
            sensors_and_persistent(&mut out);
            if v12 {
                local_block(&mut out);
            }
        }
    }
    if !v12 && !local.is_empty() {
        out.open("extension");
        local_block(&mut out);
        out.close("extension");
    }
    for (k, x) in namespaced {
        ext(&mut out, k, x);
    }
    out.close(t);
    for _ in 0..wrappers {
        out.close("extension");
    }
    buf.push_str(&out.s);
    Ok(())
}

/// The first member of an event that EPCIS 2.0 XML has no place for.
fn without_2_0_form(m: &serde_json::Map<String, Value>) -> Option<String> {
    let local = |k: &str| !k.contains(':') && k != "type" && k != "#text";
    if let Some(k) = m
        .keys()
        .find(|k| local(k) && !STANDARD.contains(&k.as_str()))
    {
        return Some(format!(
            "the member {k:?}, read from an EPCIS 1.2 extension"
        ));
    }
    for se in m
        .get("sensorElementList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(k) = se.as_object().and_then(|o| {
            o.keys()
                .find(|k| local(k) && !["sensorMetadata", "sensorReport"].contains(&k.as_str()))
        }) {
            return Some(format!(
                "the sensorElement member {k:?}, read from an EPCIS 1.2 document"
            ));
        }
    }
    None
}
