//! Validation of one EPCIS 2.0 event (JSON-LD form) and the summary TradeSeal indexes.

use super::hash::{event_hash_id, parse_date_time, Namespaces};
use super::normalise::{canonical_link, digital_link};
use super::vocab::{self, Vocabulary};
use crate::gs1::Gs1Id;
use serde_json::{Map, Value};

/// The five EPCIS 2.0 event types.
pub const EVENT_TYPES: [&str; 5] = [
    "ObjectEvent",
    "AggregationEvent",
    "TransformationEvent",
    "TransactionEvent",
    "AssociationEvent",
];

/// How an identifier takes part in an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Role {
    /// In `epcList` / `quantityList` of an Object or Transaction event.
    Object = 0,
    /// `parentID` of an Aggregation or Association event.
    Parent = 1,
    /// `childEPCs` / `childQuantityList`.
    Child = 2,
    /// `inputEPCList` / `inputQuantityList` of a Transformation event.
    Input = 3,
    /// `outputEPCList` / `outputQuantityList`.
    Output = 4,
}

impl Role {
    pub fn from_u8(v: u8) -> Option<Role> {
        [
            Role::Object,
            Role::Parent,
            Role::Child,
            Role::Input,
            Role::Output,
        ]
        .into_iter()
        .find(|r| *r as u8 == v)
    }
}

/// One identifier of an event, in canonical Digital Link form where it is a GS1 id.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectRef {
    pub id: String,
    pub role: Role,
    /// For quantity elements: the amount; `None` for instance identifiers.
    pub quantity: Option<f64>,
    /// UN/ECE Rec 20 unit; `None` with a quantity means a count.
    pub uom: Option<String>,
}

/// What TradeSeal indexes of a valid event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventSummary {
    pub hash_id: String,
    pub event_type: String,
    pub time_ms: i64,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub objects: Vec<ObjectRef>,
    /// What was accepted although it looks wrong (`field: reason`), for the user to see.
    pub warnings: Vec<String>,
}

/// A problem at one field of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

fn err<T>(field: impl Into<String>, reason: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError {
        field: field.into(),
        reason: reason.into(),
    })
}

/// Checks `event` against EPCIS 2.0 and the CBV, and summarises it with its hash id.
pub fn validate(event: &Value, ns: &Namespaces) -> Result<EventSummary, FieldError> {
    let mut s = check(event)?;
    s.hash_id = event_hash_id(event, ns);
    Ok(s)
}

/// `validate` without the hash id (left empty): for a first pass that only needs to
/// know whether the event is acceptable.
pub fn check(event: &Value) -> Result<EventSummary, FieldError> {
    let mut warnings = Vec::new();
    let mut s = check_noting(event, &mut warnings)?;
    s.warnings = warnings;
    Ok(s)
}

fn check_noting(event: &Value, warnings: &mut Vec<String>) -> Result<EventSummary, FieldError> {
    let Some(m) = event.as_object() else {
        return err("", "an event must be a JSON object");
    };
    let event_type = match m.get("type") {
        Some(Value::String(t)) if EVENT_TYPES.contains(&t.as_str()) => t.clone(),
        Some(Value::String(t)) => {
            return err(
                "type",
                format!(
                    "{t:?} is not an EPCIS 2.0 event type; use one of {}",
                    EVENT_TYPES.join(", ")
                ),
            )
        }
        Some(_) => return err("type", "must be a string naming the event type"),
        None => {
            return err(
                "type",
                format!("missing; use one of {}", EVENT_TYPES.join(", ")),
            )
        }
    };
    let time_ms = event_time(m)?;
    let tz = string(m, "eventTimeZoneOffset")?.ok_or_else(|| FieldError {
        field: "eventTimeZoneOffset".into(),
        reason: "missing; give the offset of the place, e.g. \"+01:00\"".into(),
    })?;
    if !valid_offset(tz) {
        return err(
            "eventTimeZoneOffset",
            format!("{tz:?} is not of the form +hh:mm or -hh:mm"),
        );
    }
    if let Some(t) = string(m, "recordTime")? {
        if parse_date_time(t).is_none() {
            return err("recordTime", format!("{t:?} is not a date-time"));
        }
    }
    let action = match (string(m, "action")?, event_type.as_str()) {
        (None, "TransformationEvent") => None,
        (Some(a), "TransformationEvent") => {
            return err(
                "action",
                format!("{a:?}: a TransformationEvent has no action"),
            )
        }
        (Some(a @ ("ADD" | "OBSERVE" | "DELETE")), _) => Some(a.to_string()),
        (Some(a), _) => return err("action", format!("{a:?} is not ADD, OBSERVE or DELETE")),
        (None, _) => return err("action", "missing; use ADD, OBSERVE or DELETE"),
    };
    let biz_step = vocab_field(m, "bizStep", &vocab::BIZ_STEP, warnings)?;
    let disposition = vocab_field(m, "disposition", &vocab::DISPOSITION, warnings)?;
    let read_point = place(m, "readPoint")?;
    let biz_location = place(m, "bizLocation")?;

    let mut objects = Vec::new();
    let (epc_role, qty_role) = (Role::Object, Role::Object);
    match event_type.as_str() {
        "ObjectEvent" | "TransactionEvent" => {
            epcs(m, "epcList", epc_role, &mut objects)?;
            quantities(m, "quantityList", qty_role, &mut objects)?;
            if event_type == "ObjectEvent" {
                no_field(m, &event_type, &["parentID"])?;
            } else {
                parent(m, &mut objects)?;
            }
            no_field(
                m,
                &event_type,
                &["childEPCs", "inputEPCList", "outputEPCList"],
            )?;
            if event_type == "TransactionEvent" && !m.contains_key("bizTransactionList") {
                return err("bizTransactionList", "missing; a TransactionEvent names the business transaction (purchase order, invoice, …)");
            }
        }
        "AggregationEvent" | "AssociationEvent" => {
            if !parent(m, &mut objects)? && action.as_deref() == Some("ADD") {
                return err(
                    "parentID",
                    format!("missing; an {event_type} with action ADD names its parent"),
                );
            }
            epcs(m, "childEPCs", Role::Child, &mut objects)?;
            quantities(m, "childQuantityList", Role::Child, &mut objects)?;
            no_field(
                m,
                &event_type,
                &["epcList", "quantityList", "inputEPCList", "outputEPCList"],
            )?;
        }
        _ => {
            epcs(m, "inputEPCList", Role::Input, &mut objects)?;
            quantities(m, "inputQuantityList", Role::Input, &mut objects)?;
            epcs(m, "outputEPCList", Role::Output, &mut objects)?;
            quantities(m, "outputQuantityList", Role::Output, &mut objects)?;
            no_field(
                m,
                &event_type,
                &["epcList", "quantityList", "parentID", "childEPCs"],
            )?;
            if !objects.iter().any(|o| o.role == Role::Input)
                && !objects.iter().any(|o| o.role == Role::Output)
            {
                return err(
                    "inputEPCList",
                    "a TransformationEvent needs inputs or outputs",
                );
            }
        }
    }
    biz_transactions(m, warnings)?;
    parties(m, "sourceList", "source", warnings)?;
    parties(m, "destinationList", "destination", warnings)?;
    if let Some(v) = m.get("ilmd") {
        if !v.is_object() {
            return err("ilmd", "must be an object of master-data attributes");
        }
    }
    if let Some(v) = m.get("sensorElementList") {
        if !v.is_array() {
            return err("sensorElementList", "must be an array");
        }
    }
    match m.get("certificationInfo") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {}
        Some(_) => return err("certificationInfo", "must be a URI or an array of URIs"),
    }
    if let Some(v) = m.get("errorDeclaration") {
        let Some(d) = v.as_object() else {
            return err("errorDeclaration", "must be an object");
        };
        match d.get("declarationTime").and_then(Value::as_str) {
            Some(t) if parse_date_time(t).is_some() => {}
            _ => {
                return err(
                    "errorDeclaration.declarationTime",
                    "missing or not a date-time",
                )
            }
        }
        if let Some(r) = d.get("reason").and_then(Value::as_str) {
            let (_, w) = vocab::ERROR_REASON
                .resolve_lenient(r)
                .map_err(|reason| FieldError {
                    field: "errorDeclaration.reason".into(),
                    reason,
                })?;
            warnings.extend(w.map(|w| format!("errorDeclaration.reason: {w}")));
        }
    }
    Ok(EventSummary {
        hash_id: String::new(),
        event_type,
        time_ms,
        action,
        biz_step,
        disposition,
        read_point,
        biz_location,
        objects,
        warnings: Vec::new(),
    })
}

/// The `parentID`, when the event has one; whether it had.
fn parent(m: &Map<String, Value>, objects: &mut Vec<ObjectRef>) -> Result<bool, FieldError> {
    match m.get("parentID") {
        Some(Value::String(p)) => {
            objects.push(ObjectRef {
                id: identifier("parentID", p, false)?,
                role: Role::Parent,
                quantity: None,
                uom: None,
            });
            Ok(true)
        }
        Some(_) => err("parentID", "must be a URI string"),
        None => Ok(false),
    }
}

fn event_time(m: &Map<String, Value>) -> Result<i64, FieldError> {
    let Some(t) = string(m, "eventTime")? else {
        return err(
            "eventTime",
            "missing; give when the event happened, e.g. \"2026-03-01T10:00:00+01:00\"",
        );
    };
    // `get`, not indexing: the text is the sender's and may put a multi-byte character
    // where the offset should be (found by the fuzz smoke pass).
    let tail = |n: usize| t.get(t.len().saturating_sub(n)..).unwrap_or("");
    let has_offset = t.ends_with('Z')
        || t.ends_with('z')
        || tail(6).starts_with(['+', '-'])
        || tail(5).starts_with(['+', '-']);
    match parse_date_time(t) {
        Some(ms) if has_offset && t.len() > 19 => Ok(ms),
        Some(_) => err(
            "eventTime",
            format!("{t:?} has no time-zone offset; add Z or +hh:mm"),
        ),
        None => err(
            "eventTime",
            format!("{t:?} is not a date-time such as 2026-03-01T10:00:00+01:00"),
        ),
    }
}

fn valid_offset(tz: &str) -> bool {
    let b = tz.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..6].iter().all(u8::is_ascii_digit)
        && tz[1..3].parse::<u8>().is_ok_and(|h| h <= 14)
        && tz[4..6].parse::<u8>().is_ok_and(|m| m < 60)
}

fn string<'a>(m: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, FieldError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => err(key, "must be a string"),
    }
}

fn no_field(m: &Map<String, Value>, event_type: &str, keys: &[&str]) -> Result<(), FieldError> {
    for k in keys {
        if m.contains_key(*k) {
            return err(
                *k,
                format!("an {event_type} has no {k}; check the event type"),
            );
        }
    }
    Ok(())
}

fn vocab_field(
    m: &Map<String, Value>,
    key: &str,
    v: &Vocabulary,
    warnings: &mut Vec<String>,
) -> Result<Option<String>, FieldError> {
    match string(m, key)? {
        None => Ok(None),
        Some(s) => {
            let (value, w) = v.resolve_lenient(s).map_err(|reason| FieldError {
                field: key.into(),
                reason,
            })?;
            warnings.extend(w.map(|w| format!("{key}: {w}")));
            Ok(Some(value))
        }
    }
}

fn place(m: &Map<String, Value>, key: &str) -> Result<Option<String>, FieldError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(id)) => identifier(&format!("{key}.id"), id, false).map(Some),
            _ => err(
                format!("{key}.id"),
                "missing; give the location as a GLN (SGLN URN or Digital Link)",
            ),
        },
        Some(_) => err(key, "must be an object with an id"),
    }
}

/// Whether `uri` claims to be a GS1 identifier (an EPC URN or a Digital Link path).
fn claims_gs1(uri: &str) -> bool {
    if uri.starts_with("urn:epc:") {
        return true;
    }
    if let Some(rest) = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
    {
        let segs: Vec<&str> = rest
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .split('/')
            .skip(1)
            .collect();
        return segs.windows(2).any(|w| {
            matches!(
                w[0],
                "01" | "00" | "414" | "417" | "gtin" | "sscc" | "gln" | "party"
            ) && w[1].len() >= 8
                && w[1].bytes().all(|b| b.is_ascii_digit())
        });
    }
    false
}

/// An identifier: GS1 ids are checked (check digits, lengths) and made canonical; other
/// absolute URIs are kept as given.
/// The EPC URNs a thread read last (bounded) as (is a class, canonical Digital Link):
/// events name the same places, parties and lots again and again. `Some(v)` records
/// `v`; `None` looks `uri` up.
fn epc_memo(uri: &str, record: Option<(bool, String)>) -> Option<(bool, String)> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static MEMO: RefCell<HashMap<String, (bool, String)>> = RefCell::new(HashMap::new());
    }
    const MAX: usize = 4096;
    MEMO.with(|m| match record {
        None => m.borrow().get(uri).cloned(),
        Some(v) => {
            let mut m = m.borrow_mut();
            if m.len() >= MAX {
                m.clear();
            }
            m.insert(uri.to_string(), v);
            None
        }
    })
}

fn identifier(field: &str, uri: &str, class: bool) -> Result<String, FieldError> {
    if uri.trim() != uri || uri.is_empty() {
        return err(field, format!("{uri:?} has surrounding spaces or is empty"));
    }
    let kind = |is_class: bool, canonical: String| {
        if class == is_class {
            return Ok(canonical);
        }
        let want = if class {
            "a class (LGTIN or an EPC pattern)"
        } else {
            "an instance (SGTIN, SSCC, SGLN, …)"
        };
        err(field, format!("{uri:?} is not {want} identifier"))
    };
    if uri.starts_with("urn:epc:") {
        if let Some((is_class, canonical)) = epc_memo(uri, None) {
            return kind(is_class, canonical);
        }
        let modelled = Gs1Id::from_epc_urn(uri);
        if let Ok(id) = &modelled {
            let is_class = matches!(id, Gs1Id::Gtin(_) | Gs1Id::Lgtin(..));
            let canonical = canonical_link(id.clone());
            epc_memo(uri, Some((is_class, canonical.clone())));
            return kind(is_class, canonical);
        }
        // Every other GS1 key of the Tag Data Standard 2.x (GRAI, GIAI, GDTI, CPI, SGCN,
        // ITIP, UPUI, GSRN, …), as instance, class or pattern.
        if let Some(dl) = digital_link(uri) {
            let is_class = !uri.starts_with("urn:epc:id:");
            return kind(is_class, dl);
        }
        if let Some(is_pattern) = super::digital_link::other_scheme(uri) {
            return kind(is_pattern, uri.to_string());
        }
        let scheme = uri.split(':').nth(3).unwrap_or("");
        let known = [
            "sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn",
            "ginc", "gsin", "itip", "upui", "pgln", "lgtin", "gid", "usdod", "adi", "bic", "imovn",
        ];
        return match modelled {
            Err(e) if matches!(scheme, "sgtin" | "sscc" | "sgln" | "pgln" | "lgtin") => {
                err(field, format!("{uri:?}: {}", reason_of(&e)))
            }
            _ if known.contains(&scheme) => err(
                field,
                format!("{uri:?} is not a well-formed {scheme} EPC URI (GS1 Tag Data Standard 2.x): check the company prefix and reference lengths and the characters"),
            ),
            _ => err(
                field,
                format!("{uri:?}: {scheme:?} is not an EPC scheme of the GS1 Tag Data Standard 2.x"),
            ),
        };
    }
    if claims_gs1(uri) {
        let path = uri.split(['?', '#']).next().unwrap_or(uri);
        return match Gs1Id::from_digital_link(path) {
            Ok(id) => {
                let is_class = matches!(id, Gs1Id::Gtin(_) | Gs1Id::Lgtin(..));
                kind(is_class, canonical_link(id))
            }
            Err(e) => err(field, format!("{uri:?}: {}", reason_of(&e))),
        };
    }
    if let Some(reason) = other_key_check_digit(uri) {
        return err(field, format!("{uri:?}: {reason}"));
    }
    match uri.split_once(':') {
        Some((scheme, rest))
            if !rest.is_empty()
                && scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            Ok(digital_link(uri).unwrap_or_else(|| uri.to_string()))
        }
        _ => err(
            field,
            format!("{uri:?} is not a URI; use an EPC URN or a GS1 Digital Link"),
        ),
    }
}

/// The canonical form TradeSeal indexes an identifier by (instance or class), checked as
/// an event's identifiers are: lengths, check digits, characters.
pub fn canonical_identifier(uri: &str) -> Result<String, FieldError> {
    identifier("id", uri, false).or_else(|first| identifier("id", uri, true).map_err(|_| first))
}

/// A Digital Link of a GS1 key with a check digit that TradeSeal does not model (GRAI,
/// GDTI, GCN, GSIN, GSRN, GSRN-P): why its check digit is wrong, if it is.
fn other_key_check_digit(uri: &str) -> Option<String> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let segs: Vec<&str> = rest.split(['?', '#']).next()?.split('/').skip(1).collect();
    for w in segs.windows(2) {
        let (name, len) = match w[0] {
            "8003" | "grai" => ("GRAI", 14),
            "253" | "gdti" => ("GDTI", 13),
            "255" | "gcn" => ("GCN", 13),
            "402" | "gsin" => ("GSIN", 17),
            "8017" | "gsrnp" => ("GSRN-P", 18),
            "8018" | "gsrn" => ("GSRN", 18),
            _ => continue,
        };
        let v = w[1];
        // GRAI carries a leading 0 and the key before its serial.
        let key = if name == "GRAI" {
            v.get(..14)
        } else {
            v.get(..len)
        };
        let Some(key) = key.filter(|k| k.bytes().all(|b| b.is_ascii_digit())) else {
            return Some(format!("the {name} must start with {len} digits"));
        };
        if matches!(name, "GSIN" | "GSRN-P" | "GSRN") && v.len() != len {
            return Some(format!("a {name} has {len} digits"));
        }
        let digits: Vec<u8> = key.bytes().map(|b| b - b'0').collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        if crate::gs1::check_digit(body) != check[0] {
            return Some(format!(
                "the {name} check digit is {}, but {} is written: the number is mistyped",
                crate::gs1::check_digit(body),
                check[0]
            ));
        }
    }
    None
}

fn reason_of(e: &crate::Error) -> String {
    match e {
        crate::Error::InvalidInput { field, reason } => format!("{field}: {reason}"),
        other => other.to_string(),
    }
}

fn array<'a>(m: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], FieldError> {
    match m.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => err(key, "must be an array"),
    }
}

fn epcs(
    m: &Map<String, Value>,
    key: &str,
    role: Role,
    out: &mut Vec<ObjectRef>,
) -> Result<(), FieldError> {
    for (i, v) in array(m, key)?.iter().enumerate() {
        let Some(s) = v.as_str() else {
            return err(format!("{key}[{i}]"), "must be a URI string");
        };
        // The field's name is made only for an error: this runs for every identifier.
        let id = identifier("", s, false).map_err(|e| FieldError {
            field: format!("{key}[{i}]"),
            ..e
        })?;
        out.push(ObjectRef {
            id,
            role,
            quantity: None,
            uom: None,
        });
    }
    Ok(())
}

fn quantities(
    m: &Map<String, Value>,
    key: &str,
    role: Role,
    out: &mut Vec<ObjectRef>,
) -> Result<(), FieldError> {
    for (i, v) in array(m, key)?.iter().enumerate() {
        let field = || format!("{key}[{i}]");
        let Some(q) = v.as_object() else {
            return err(field(), "must be an object with epcClass, quantity and uom");
        };
        let class = match q.get("epcClass") {
            Some(Value::String(s)) => identifier("", s, true).map_err(|e| FieldError { field: format!("{}.epcClass", field()), ..e })?,
            _ => return err(format!("{}.epcClass", field()), "missing; give the lot as an LGTIN (urn:epc:class:lgtin:… or a Digital Link with /10/)"),
        };
        let quantity = match q.get("quantity") {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    return err(
                        format!("{}.quantity", field()),
                        format!("{n} is negative; quantities are amounts of goods, zero or more"),
                    )
                }
            },
            Some(other) => {
                return err(
                    format!("{}.quantity", field()),
                    format!("{other} is not a number"),
                )
            }
            // EPCIS 2.0 makes the quantity optional: some of the class, amount unstated.
            None => None,
        };
        let uom = match q.get("uom") {
            None => None,
            Some(Value::String(u))
                if (2..=3).contains(&u.len())
                    && u.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
            {
                Some(u.clone())
            }
            Some(other) => {
                return err(
                    format!("{}.uom", field()),
                    format!("{other} is not a UN/ECE Rec 20 unit code such as \"KGM\""),
                )
            }
        };
        out.push(ObjectRef {
            id: class,
            role,
            quantity,
            uom,
        });
    }
    Ok(())
}

fn biz_transactions(m: &Map<String, Value>, warnings: &mut Vec<String>) -> Result<(), FieldError> {
    for (i, v) in array(m, "bizTransactionList")?.iter().enumerate() {
        let field = format!("bizTransactionList[{i}]");
        let Some(o) = v.as_object() else {
            return err(field, "must be an object with type and bizTransaction");
        };
        match o.get("bizTransaction") {
            Some(Value::String(s)) if s.contains(':') => {}
            _ => {
                return err(
                    format!("{field}.bizTransaction"),
                    "missing or not a URI (e.g. urn:epcglobal:cbv:bt:GLN:PO-123)",
                )
            }
        }
        if let Some(t) = o.get("type") {
            let t = t.as_str().ok_or_else(|| FieldError {
                field: format!("{field}.type"),
                reason: "must be a string".into(),
            })?;
            let (_, w) = vocab::BIZ_TRANSACTION_TYPE
                .resolve_lenient(t)
                .map_err(|reason| FieldError {
                    field: format!("{field}.type"),
                    reason,
                })?;
            warnings.extend(w.map(|w| format!("{field}.type: {w}")));
        }
    }
    Ok(())
}

fn parties(
    m: &Map<String, Value>,
    key: &str,
    member: &str,
    warnings: &mut Vec<String>,
) -> Result<(), FieldError> {
    for (i, v) in array(m, key)?.iter().enumerate() {
        let field = format!("{key}[{i}]");
        let Some(o) = v.as_object() else {
            return err(field, format!("must be an object with type and {member}"));
        };
        match o.get("type").and_then(Value::as_str) {
            Some(t) => {
                let (_, w) = vocab::SOURCE_DEST_TYPE
                    .resolve_lenient(t)
                    .map_err(|reason| FieldError {
                        field: format!("{field}.type"),
                        reason,
                    })?;
                warnings.extend(w.map(|w| format!("{field}.type: {w}")));
            }
            None => {
                return err(
                    format!("{field}.type"),
                    "missing; use owning_party, possessing_party or location",
                )
            }
        }
        match o.get(member) {
            Some(Value::String(s)) => {
                identifier(&format!("{field}.{member}"), s, false)?;
            }
            _ => {
                return err(
                    format!("{field}.{member}"),
                    "missing; give the party (PGLN) or location (SGLN)",
                )
            }
        }
    }
    Ok(())
}
