//! One EPCIS XML event (2.0, or 1.2 with its `extension` wrappers) as the JSON-LD event of
//! the EPCIS 2.0 JSON binding: the same members, the same CBV 2.0 hash id
//! (docs/spec/epcis-event.md §7 lists the mapping).

use super::tree::{Element, Name, Pos};
use crate::epcis::hash::CONTEXT_PREFIXES;
use crate::epcis::vocab::{self, Vocabulary};
use crate::error::{Error, Result};
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, BTreeSet};

/// An event read from XML: the JSON-LD event and the prefixes its member names use.
#[derive(Clone, Debug)]
pub struct Converted {
    pub event: Value,
    pub namespaces: BTreeMap<String, String>,
}

/// EPCIS 2.0 elements that EPCIS 1.2 does not have, other than inside an `extension`.
const ONLY_2_0: [&str; 3] = [
    "certificationInfo",
    "sensorElementList",
    "persistentDisposition",
];

/// The unqualified members of an EPCIS 2.0 event.
const STANDARD_FIELDS: [&str; 27] = [
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "certificationInfo",
    "errorDeclaration",
    "action",
    "bizStep",
    "disposition",
    "parentID",
    "transformationID",
    "epcList",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "persistentDisposition",
    "ilmd",
    "sensorElementList",
];

fn refuse(at: Pos, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        place: at.to_string(),
        reason: reason.into(),
    }
}

/// Compact URIs an XML value may use: `gs1:` and `cbv:` (CBV 2.0 §8.9: a CURIE is expanded).
pub fn expand_value(text: &str) -> String {
    let mut s = text.to_string();
    for (p, uri) in [
        ("gs1:", "https://gs1.org/voc/"),
        ("cbv:", "https://ref.gs1.org/cbv/"),
    ] {
        if s.starts_with(p) {
            s = s.replace(p, uri);
        }
    }
    s
}

/// Namespace prefixes for member names, chosen so that no string value of the event starts
/// with one of them (a value `p:x` would otherwise read as a compact URI).
struct Prefixes {
    by_uri: BTreeMap<String, String>,
    avoid: BTreeSet<String>,
}

impl Prefixes {
    fn new(el: &Element) -> Prefixes {
        let mut avoid: BTreeSet<String> = ["urn", "http", "https", "ni", "mailto", "tel", "data"]
            .into_iter()
            .map(String::from)
            .collect();
        fn walk(el: &Element, out: &mut BTreeSet<String>) {
            let mut note = |s: &str| {
                if let Some((p, _)) = s.trim().split_once(':') {
                    out.insert(p.to_string());
                }
            };
            note(&el.text);
            for a in &el.attrs {
                note(&a.value);
            }
            for c in &el.children {
                walk(c, out);
            }
        }
        walk(el, &mut avoid);
        Prefixes {
            by_uri: BTreeMap::new(),
            avoid,
        }
    }

    fn prefix(&mut self, uri: &str, written: Option<&str>) -> String {
        if let Some(p) = self.by_uri.get(uri) {
            return p.clone();
        }
        let base: String = written
            .unwrap_or("ns")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let base = if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            format!("ns{base}")
        } else {
            base
        };
        let free = |p: &str, me: &Prefixes| {
            !me.avoid.contains(p)
                && !me.by_uri.values().any(|q| q == p)
                && CONTEXT_PREFIXES
                    .iter()
                    .all(|(cp, curi)| *cp != p || *curi == uri)
        };
        let mut p = base.clone();
        let mut n = 1;
        while !free(&p, self) {
            p = format!("{base}_{n}");
            n += 1;
        }
        self.by_uri.insert(uri.to_string(), p.clone());
        p
    }

    /// The member name of an element or attribute: `local`, or `prefix:local`.
    fn member(&mut self, n: &Name) -> String {
        match &n.ns {
            None => n.local.clone(),
            Some(uri) => format!("{}:{}", self.prefix(uri, n.prefix.as_deref()), n.local),
        }
    }
}

/// The event `el` (an `ObjectEvent` … `AssociationEvent` element) as JSON-LD. `v1_2`: the
/// document is EPCIS 1.2, where 2.0-only elements may stand only inside an `extension`.
pub fn convert(el: &Element, v1_2: bool) -> Result<Converted> {
    let mut px = Prefixes::new(el);
    let mut m = Map::new();
    m.insert("type".into(), Value::String(el.name.local.clone()));
    for a in &el.attrs {
        if a.name.ns.is_none() {
            return Err(refuse(
                el.at,
                format!(
                    "<{}> has the attribute {:?}, which EPCIS does not define; give extension attributes a namespace",
                    el.name.local, a.name.local
                ),
            ));
        }
        m.insert(px.member(&a.name), Value::String(expand_value(&a.value)));
    }
    let mut fields = Vec::new();
    flatten(el, 0, &mut fields);
    for (child, wrapped) in fields {
        let key = child.name.local.as_str();
        if child.name.ns.is_some() {
            let member = px.member(&child.name);
            insert_ext(&mut m, member, ext_value(child, &mut px));
            continue;
        }
        if !STANDARD_FIELDS.contains(&key) && wrapped > 0 {
            // An unqualified element inside an `extension` is the XSD's `##local` extension
            // content (a field of a later EPCIS version): kept under its local name.
            let v = ext_value(child, &mut px);
            insert_ext(&mut m, key.to_string(), v);
            continue;
        }
        let association = el.name.local == "AssociationEvent";
        if v1_2 && wrapped == 0 && !association && ONLY_2_0.contains(&key) {
            return Err(refuse(child.at, format!("<{key}> is an EPCIS 2.0 element, but this document declares EPCIS 1.2 (schemaVersion 1.2): make it an EPCIS 2.0 document (schemaVersion=\"2.0\", namespace urn:epcglobal:epcis:xsd:2), or put <{key}> inside the event's <extension> as GS1's 1.2 mapping does")));
        }
        // EPCIS 1.2 carries an AssociationEvent in a lax wildcard: what its schema cannot
        // check is kept as written rather than refused.
        let lax = v1_2 && association;
        let value = standard_field(child, &mut px, lax)?;
        if m.contains_key(key) {
            return Err(refuse(
                child.at,
                format!("<{}> has a second <{key}>: an event has one", el.name.local),
            ));
        }
        m.insert(key.to_string(), value);
    }
    let namespaces = px.by_uri.into_iter().map(|(uri, p)| (p, uri)).collect();
    Ok(Converted {
        event: Value::Object(m),
        namespaces,
    })
}

/// The children of an event with `extension`/`baseExtension` wrappers (EPCIS 1.2, and the
/// extension points 2.0 keeps) removed, each with how many wrappers it stood in.
fn flatten<'a>(el: &'a Element, depth: usize, out: &mut Vec<(&'a Element, usize)>) {
    for c in &el.children {
        if c.name.is("extension") || c.name.is("baseExtension") {
            flatten(c, depth + 1, out);
        } else {
            out.push((c, depth));
        }
    }
}

/// Adds an extension member; a repeated element becomes an array (arrays arise only so).
fn insert_ext(m: &mut Map<String, Value>, key: String, v: Value) {
    match m.get_mut(&key) {
        None => {
            m.insert(key, v);
        }
        Some(Value::Array(a)) => a.push(v),
        Some(old) => {
            let first = std::mem::take(old);
            *old = Value::Array(vec![first, v]);
        }
    }
}

/// An extension element (user namespace) as a JSON value: its text, or an object of its
/// attributes and child elements (with `#text` for text beside them).
fn ext_value(el: &Element, px: &mut Prefixes) -> Value {
    let mut m = Map::new();
    for a in &el.attrs {
        m.insert(px.member(&a.name), Value::String(expand_value(&a.value)));
    }
    let mut kids = Vec::new();
    flatten(el, 0, &mut kids);
    for (c, _) in kids {
        let key = px.member(&c.name);
        let v = ext_value(c, px);
        insert_ext(&mut m, key, v);
    }
    if m.is_empty() {
        return Value::String(expand_value(&el.text));
    }
    if !el.text.is_empty() {
        m.insert("#text".into(), Value::String(expand_value(&el.text)));
    }
    Value::Object(m)
}

fn text(el: &Element) -> Value {
    Value::String(expand_value(&el.text))
}

/// A CBV value in its JSON-LD form: the short name when the vocabulary has it; another
/// GS1 Web Vocabulary term as `gs1:term` (which the JSON schema accepts and the hash
/// expands, C1).
fn vocab_text(el_text: &str, v: &Vocabulary) -> Value {
    let expanded = expand_value(el_text);
    Value::String(match v.compact(&expanded) {
        Some(short) => short.to_string(),
        None => match expanded.strip_prefix("https://gs1.org/voc/") {
            Some(term) if v.web_prefix == "https://gs1.org/voc/" => format!("gs1:{term}"),
            _ => expanded,
        },
    })
}

fn list_of(el: &Element, member: &str) -> Result<Value> {
    let mut out = Vec::new();
    for c in &el.children {
        if !c.name.is(member) {
            return Err(refuse(
                c.at,
                format!(
                    "<{}> holds <{}>: it may hold only <{member}> elements",
                    el.name.local,
                    c.name.written()
                ),
            ));
        }
        out.push(text(c));
    }
    Ok(Value::Array(out))
}

fn decimal(el: &Element, what: &str) -> Result<Value> {
    number(el.text.trim()).ok_or_else(|| {
        refuse(
            el.at,
            format!("{what} {:?} is not a decimal number", el.text),
        )
    })
}

/// An XML decimal or double as a JSON number.
fn number(s: &str) -> Option<Value> {
    if s.is_empty() || s.contains(['_', ' ']) {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    let f: f64 = s.parse().ok()?;
    Number::from_f64(f).map(Value::Number)
}

fn quantities(el: &Element) -> Result<Value> {
    let mut out = Vec::new();
    for q in &el.children {
        if !q.name.is("quantityElement") {
            return Err(refuse(
                q.at,
                format!(
                    "<{}> may hold only <quantityElement> elements, not <{}>",
                    el.name.local,
                    q.name.written()
                ),
            ));
        }
        let mut m = Map::new();
        let mut parts = Vec::new();
        flatten(q, 0, &mut parts);
        for (c, _) in parts {
            match c.name.local.as_str() {
                "epcClass" if c.name.ns.is_none() => {
                    m.insert("epcClass".into(), text(c));
                }
                "quantity" if c.name.ns.is_none() => {
                    if !c.is_nil() {
                        m.insert("quantity".into(), decimal(c, "the quantity")?);
                    }
                }
                "uom" if c.name.ns.is_none() => {
                    m.insert("uom".into(), text(c));
                }
                _ => {
                    return Err(refuse(
                        c.at,
                        format!(
                            "<quantityElement> holds <{}>: only epcClass, quantity and uom belong there",
                            c.name.written()
                        ),
                    ))
                }
            }
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

/// `readPoint` / `bizLocation`: the id and any extension elements.
fn place(el: &Element, px: &mut Prefixes) -> Result<Value> {
    let mut m = Map::new();
    let mut parts = Vec::new();
    flatten(el, 0, &mut parts);
    for (c, _) in parts {
        if c.name.is("id") {
            m.insert("id".into(), text(c));
        } else if c.name.ns.is_some() {
            let k = px.member(&c.name);
            let v = ext_value(c, px);
            insert_ext(&mut m, k, v);
        } else {
            return Err(refuse(
                c.at,
                format!(
                    "<{}> holds <{}>: only <id> and extension elements belong there",
                    el.name.local, c.name.local
                ),
            ));
        }
    }
    Ok(Value::Object(m))
}

/// `bizTransactionList`, `sourceList`, `destinationList`: `type` first, then the value,
/// as GS1's examples and the CBV 2.0 hash have them.
fn typed_list(el: &Element, member: &str, v: &Vocabulary) -> Result<Value> {
    let mut out = Vec::new();
    for c in &el.children {
        if !c.name.is(member) {
            return Err(refuse(
                c.at,
                format!(
                    "<{}> may hold only <{member}> elements, not <{}>",
                    el.name.local,
                    c.name.written()
                ),
            ));
        }
        let mut m = Map::new();
        if let Some(t) = c.attr("type") {
            m.insert("type".into(), vocab_text(t, v));
        }
        m.insert(member.to_string(), text(c));
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

fn persistent(el: &Element) -> Result<Value> {
    let (mut set, mut unset) = (Vec::new(), Vec::new());
    for c in &el.children {
        let v = vocab_text(&c.text, &vocab::DISPOSITION);
        match c.name.local.as_str() {
            "set" if c.name.ns.is_none() => set.push(v),
            "unset" if c.name.ns.is_none() => unset.push(v),
            _ => {
                return Err(refuse(
                    c.at,
                    format!(
                        "<persistentDisposition> holds <{}>: only <set> and <unset> belong there",
                        c.name.written()
                    ),
                ))
            }
        }
    }
    let mut m = Map::new();
    if !set.is_empty() {
        m.insert("set".into(), Value::Array(set));
    }
    if !unset.is_empty() {
        m.insert("unset".into(), Value::Array(unset));
    }
    Ok(Value::Object(m))
}

fn error_declaration(el: &Element, px: &mut Prefixes) -> Result<Value> {
    let mut m = Map::new();
    let mut parts = Vec::new();
    flatten(el, 0, &mut parts);
    for (c, _) in parts {
        match (c.name.ns.is_some(), c.name.local.as_str()) {
            (false, "declarationTime") => {
                m.insert("declarationTime".into(), text(c));
            }
            (false, "reason") => {
                m.insert("reason".into(), vocab_text(&c.text, &vocab::ERROR_REASON));
            }
            (false, "correctiveEventIDs") => {
                m.insert(
                    "correctiveEventIDs".into(),
                    list_of(c, "correctiveEventID")?,
                );
            }
            (true, _) => {
                let k = px.member(&c.name);
                let v = ext_value(c, px);
                insert_ext(&mut m, k, v);
            }
            (false, other) => {
                return Err(refuse(
                    c.at,
                    format!("<errorDeclaration> holds <{other}>: only declarationTime, reason, correctiveEventIDs and extension elements belong there"),
                ))
            }
        }
    }
    Ok(Value::Object(m))
}

fn ilmd(el: &Element, px: &mut Prefixes) -> Result<Value> {
    let mut m = Map::new();
    let mut parts = Vec::new();
    flatten(el, 0, &mut parts);
    for (c, _) in parts {
        if c.name.ns.is_none() {
            return Err(refuse(
                c.at,
                format!(
                    "<ilmd> holds <{}> without a namespace: ILMD attributes are master-data attributes of a namespace (e.g. cbvmda:lotNumber)",
                    c.name.local
                ),
            ));
        }
        let k = px.member(&c.name);
        let v = ext_value(c, px);
        insert_ext(&mut m, k, v);
    }
    Ok(Value::Object(m))
}

const SENSOR_NUMBERS: [&str; 7] = [
    "value",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
];

/// `sensorMetadata` / `sensorReport`: attributes become members.
fn sensor_part(el: &Element, px: &mut Prefixes, report: bool) -> Result<Value> {
    let mut m = Map::new();
    for a in &el.attrs {
        if a.name.ns.is_some() {
            m.insert(px.member(&a.name), Value::String(expand_value(&a.value)));
            continue;
        }
        let k = a.name.local.as_str();
        let v = if report && SENSOR_NUMBERS.contains(&k) {
            number(a.value.trim()).ok_or_else(|| {
                refuse(
                    el.at,
                    format!("sensorReport {k}={:?} is not a number", a.value),
                )
            })?
        } else if report && k == "booleanValue" {
            match a.value.trim() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                other => {
                    return Err(refuse(
                        el.at,
                        format!("sensorReport booleanValue={other:?} is not true or false"),
                    ))
                }
            }
        } else if report && k == "type" {
            vocab_text(&a.value, &vocab::MEASUREMENT_TYPE)
        } else if report && k == "exception" {
            vocab_text(&a.value, &vocab::SENSOR_ALERT)
        } else if report && k == "component" {
            vocab_text(&a.value, &vocab::COMPONENT)
        } else {
            Value::String(expand_value(&a.value))
        };
        m.insert(k.to_string(), v);
    }
    for c in &el.children {
        let k = px.member(&c.name);
        let v = ext_value(c, px);
        insert_ext(&mut m, k, v);
    }
    Ok(Value::Object(m))
}

fn sensor_elements(el: &Element, px: &mut Prefixes, lax: bool) -> Result<Value> {
    let mut out = Vec::new();
    let mut elements = Vec::new();
    flatten(el, 0, &mut elements);
    for (se, _) in elements {
        if !se.name.is("sensorElement") {
            return Err(refuse(
                se.at,
                format!(
                    "<sensorElementList> may hold only <sensorElement>, not <{}>",
                    se.name.written()
                ),
            ));
        }
        let mut m = Map::new();
        let mut reports = Vec::new();
        let mut parts = Vec::new();
        flatten(se, 0, &mut parts);
        for (c, _) in parts {
            match (c.name.ns.is_some(), c.name.local.as_str()) {
                (false, "sensorMetadata") => {
                    m.insert("sensorMetadata".into(), sensor_part(c, px, false)?);
                }
                (false, "sensorReport") => reports.push(sensor_part(c, px, true)?),
                (true, _) => {
                    let k = px.member(&c.name);
                    let v = ext_value(c, px);
                    insert_ext(&mut m, k, v);
                }
                (false, other) if lax => {
                    let v = sensor_part(c, px, false)?;
                    insert_ext(&mut m, other.to_string(), v);
                }
                (false, other) => {
                    return Err(refuse(
                        c.at,
                        format!("<sensorElement> holds <{other}>: only sensorMetadata, sensorReport and extension elements belong there"),
                    ))
                }
            }
        }
        m.insert("sensorReport".into(), Value::Array(reports));
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

/// A standard (unqualified) member of an event.
fn standard_field(c: &Element, px: &mut Prefixes, lax: bool) -> Result<Value> {
    let key = c.name.local.as_str();
    Ok(match key {
        "eventTime" | "recordTime" | "eventTimeZoneOffset" | "eventID" | "certificationInfo"
        | "action" | "parentID" | "transformationID" => text(c),
        "bizStep" => vocab_text(&c.text, &vocab::BIZ_STEP),
        "disposition" => vocab_text(&c.text, &vocab::DISPOSITION),
        "epcList" | "childEPCs" | "inputEPCList" | "outputEPCList" => list_of(c, "epc")?,
        "quantityList" | "childQuantityList" | "inputQuantityList" | "outputQuantityList" => {
            quantities(c)?
        }
        "readPoint" | "bizLocation" => place(c, px)?,
        "bizTransactionList" => typed_list(c, "bizTransaction", &vocab::BIZ_TRANSACTION_TYPE)?,
        "sourceList" => typed_list(c, "source", &vocab::SOURCE_DEST_TYPE)?,
        "destinationList" => typed_list(c, "destination", &vocab::SOURCE_DEST_TYPE)?,
        "persistentDisposition" => persistent(c)?,
        "sensorElementList" => sensor_elements(c, px, lax)?,
        "errorDeclaration" => error_declaration(c, px)?,
        "ilmd" => ilmd(c, px)?,
        other => {
            return Err(refuse(
                c.at,
                format!("<{other}> is not an element of an EPCIS event: check its spelling, or give an extension element its own namespace"),
            ))
        }
    })
}
