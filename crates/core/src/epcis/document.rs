//! Streaming reader of EPCIS documents: JSON-LD, or XML (2.0 and 1.2) told apart by their
//! first character. Events are handed over one at a time, so a document of any size is read
//! in memory bounded by its largest event.

use super::hash::Namespaces;
use crate::error::{Error, Result};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::io::Read;

/// The syntax a document was written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub enum Format {
    #[default]
    #[serde(rename = "JSON-LD")]
    JsonLd,
    #[serde(rename = "XML 2.0")]
    Xml20,
    #[serde(rename = "XML 1.2")]
    Xml12,
}

impl Format {
    /// How a person calls it: `EPCIS 2.0 JSON-LD`, `EPCIS 2.0 XML`, `EPCIS 1.2 XML`.
    pub fn label(self) -> &'static str {
        match self {
            Format::JsonLd => "EPCIS 2.0 JSON-LD",
            Format::Xml20 => "EPCIS 2.0 XML",
            Format::Xml12 => "EPCIS 1.2 XML",
        }
    }
}

/// What the document was, once read to the end.
#[derive(Clone, Debug, Default)]
pub struct DocumentInfo {
    /// `EPCISDocument`, `EPCISQueryDocument` or `EPCISMasterDataDocument`.
    pub doc_type: String,
    pub format: Format,
    /// The prefixes of the JSON-LD `@context` (XML events carry their own).
    pub namespaces: Namespaces,
    pub events: usize,
    /// The master-data vocabularies the document carries, as JSON-LD vocabulary objects.
    pub vocabularies: Vec<Value>,
    pub(crate) saw_event_list: bool,
}

/// One event as the reader hands it over.
#[derive(Clone, Debug)]
pub struct Incoming {
    /// Its position in the document's event list, from 0.
    pub index: usize,
    /// The event in JSON-LD (events read from XML are converted).
    pub event: Value,
    /// The prefixes its member names use, for an event read from XML; `None` for JSON-LD,
    /// whose prefixes are the document's `@context`.
    pub namespaces: Option<Namespaces>,
    /// Where it starts in an XML document (`<ObjectEvent> at line 12, column 9`).
    pub at: Option<String>,
    /// An XML event not yet converted; `event` is `null` until `resolve` converts it.
    pub(crate) xml: Option<Box<super::xml::Pending>>,
}

impl Incoming {
    /// Converts an XML event to its JSON-LD form (`event`, `namespaces`); nothing to do
    /// for JSON-LD.
    pub fn resolve(&mut self) -> Result<()> {
        if let Some(p) = self.xml.take() {
            let (event, ns) = p.convert(self.index)?;
            self.event = event;
            self.namespaces = Some(ns);
        }
        Ok(())
    }
}

/// Whether `r` holds an XML document (its first character other than white space, after
/// a byte-order mark, is `<`).
pub fn is_xml<R: Read>(r: R) -> Result<bool> {
    let mut head = Vec::with_capacity(4096);
    r.take(4096)
        .read_to_end(&mut head)
        .map_err(|e| Error::io("reading the document", e))?;
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&head);
    Ok(body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<'))
}

/// Reads the document from `r`, calling `on_event` for each event in order. The format is
/// told from the content (`{` JSON-LD, `<` XML), never from a file name. Stops at the first
/// error, which names where it is.
/// The prefixes of a JSON-LD document's `@context` when it comes before its `epcisBody`
/// (as writers put it): its events' hash ids are then known as they are read. `None`
/// when the body comes first, or the document is not a JSON object (the reader says
/// what is wrong with it).
pub(crate) fn context_first<R: Read>(r: R) -> Option<Namespaces> {
    struct Peek<'a>(&'a RefCell<Option<Option<Namespaces>>>);
    impl<'de> Visitor<'de> for Peek<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
            while let Some(key) = m.next_key::<String>()? {
                match key.as_str() {
                    "@context" => {
                        let ctx: Value = m.next_value()?;
                        *self.0.borrow_mut() = Some(Some(Namespaces::from_context(Some(&ctx))));
                        break;
                    }
                    "epcisBody" => {
                        *self.0.borrow_mut() = Some(None);
                        break;
                    }
                    _ => {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
            }
            // Stops here: the rest is the reader's.
            Err(de::Error::custom("peeked"))
        }
    }
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(r));
    let _ = de::Deserializer::deserialize_map(&mut de, Peek(&found));
    found.into_inner().flatten()
}

pub fn read<R: Read>(
    r: R,
    mut on_event: impl FnMut(Incoming) -> Result<()>,
) -> Result<DocumentInfo> {
    read_unconverted(r, |mut inc| {
        inc.resolve()?;
        on_event(inc)
    })
}

/// As `read`, but XML events are handed over unconverted (call `Incoming::resolve`), so
/// that converting them can run on other threads than the reading.
pub(crate) fn read_unconverted<R: Read>(
    r: R,
    mut on_event: impl FnMut(Incoming) -> Result<()>,
) -> Result<DocumentInfo> {
    use std::io::BufRead;
    let mut br = std::io::BufReader::with_capacity(1 << 16, r);
    let first = loop {
        let buf = br
            .fill_buf()
            .map_err(|e| Error::io("reading the document", e))?;
        if buf.is_empty() {
            break None;
        }
        let skip = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            buf.iter().take_while(|b| b.is_ascii_whitespace()).count()
        };
        if skip == 0 {
            break Some(buf[0]);
        }
        br.consume(skip);
    };
    match first {
        Some(b'<') => super::xml::read(br, &mut on_event),
        Some(b'{' | b'[') => read_json(br, &mut on_event),
        Some(0xFF | 0xFE) | Some(0) => Err(Error::InvalidDocument {
            place: "the start of the file".into(),
            reason: "the document is encoded in UTF-16 or UTF-32: save it as UTF-8".into(),
        }),
        Some(_) => Err(Error::InvalidDocument {
            place: "the start of the file".into(),
            reason: "this is neither an EPCIS JSON-LD document (it would start with {) nor an EPCIS XML document (it would start with <)".into(),
        }),
        None => Err(Error::InvalidDocument {
            place: "the start of the file".into(),
            reason: "the file is empty".into(),
        }),
    }
}

fn read_json<R: Read>(
    r: R,
    on_event: &mut dyn FnMut(Incoming) -> Result<()>,
) -> Result<DocumentInfo> {
    let state = State {
        on_event: RefCell::new(on_event),
        failure: RefCell::new(None),
        info: RefCell::new(DocumentInfo::default()),
        saw_events: RefCell::new(false),
    };
    let mut de = serde_json::Deserializer::from_reader(r);
    let res = Root(&state).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = state.failure.into_inner() {
        return Err(e);
    }
    if let Err(e) = res {
        return Err(json_error(&e));
    }
    let info = state.info.into_inner();
    if info.doc_type.is_empty() {
        return Err(Error::InvalidDocument {
            place: "the document".into(),
            reason:
                "it has no \"type\"; an EPCIS 2.0 JSON-LD document has \"type\": \"EPCISDocument\""
                    .into(),
        });
    }
    if !state.saw_events.into_inner() && info.vocabularies.is_empty() {
        return Err(Error::InvalidDocument {
            place: "epcisBody".into(),
            reason: "no eventList found (epcisBody.eventList, or epcisBody.queryResults.resultsBody.eventList)".into(),
        });
    }
    Ok(info)
}

/// The JSON `raw` (checked already) with every number turned into a string of its text
/// as written: master data keeps `2.150000` with its six decimals (the EUDR asks how
/// precisely a plot was measured), where a JSON number would read back as `2.15`.
fn numbers_as_written(raw: &str) -> std::result::Result<Value, serde_json::Error> {
    let mut out = String::with_capacity(raw.len() + 16);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '-' | '0'..='9' => {
                out.push('"');
                out.push(c);
                while let Some(&n) = chars.peek() {
                    if !matches!(n, '0'..='9' | '.' | 'e' | 'E' | '+' | '-') {
                        break;
                    }
                    out.push(n);
                    chars.next();
                }
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    // Still JSON, but read with the recursion limit the raw capture did not apply.
    serde_json::from_str(&out)
}

fn json_error(e: &serde_json::Error) -> Error {
    let what = e.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what).to_string();
    let hint = if what.contains("recursion limit") {
        "the JSON is nested deeper than 128 levels, which no EPCIS event needs"
    } else if e.is_eof() {
        "the file ends early; it may be truncated"
    } else if e.is_syntax() {
        "this is not valid JSON"
    } else {
        "this is not an EPCIS 2.0 JSON-LD document"
    };
    Error::InvalidDocument {
        place: format!("line {}, column {}", e.line(), e.column()),
        reason: format!("{what}: {hint}"),
    }
}

struct State<'a> {
    on_event: RefCell<&'a mut dyn FnMut(Incoming) -> Result<()>>,
    failure: RefCell<Option<Error>>,
    info: RefCell<DocumentInfo>,
    saw_events: RefCell<bool>,
}

struct Root<'s, 'a>(&'s State<'a>);
struct Body<'s, 'a>(&'s State<'a>);
struct QueryResults<'s, 'a>(&'s State<'a>);
struct Events<'s, 'a>(&'s State<'a>);

fn expected_object<E: de::Error>(what: &str) -> E {
    E::custom(format!("{what} must be a JSON object"))
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an EPCIS document (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(key) = m.next_key::<String>()? {
            match key.as_str() {
                "@context" => {
                    let ctx: Value = m.next_value()?;
                    self.0.info.borrow_mut().namespaces = Namespaces::from_context(Some(&ctx));
                }
                "type" => {
                    let t: String = m.next_value()?;
                    if t != "EPCISDocument" && t != "EPCISQueryDocument" {
                        return Err(de::Error::custom(format!(
                            "the document type is {t:?}, not EPCISDocument or EPCISQueryDocument"
                        )));
                    }
                    self.0.info.borrow_mut().doc_type = t;
                }
                "epcisBody" => m.next_value_seed(Body(self.0))?,
                "epcisHeader" => {
                    let raw: Box<serde_json::value::RawValue> = m.next_value()?;
                    let header = numbers_as_written(raw.get())
                        .map_err(|e| de::Error::custom(format!("epcisHeader: {e}")))?;
                    if let Some(list) = header
                        .pointer("/epcisMasterData/vocabularyList")
                        .and_then(Value::as_array)
                    {
                        self.0
                            .info
                            .borrow_mut()
                            .vocabularies
                            .extend(list.iter().cloned());
                    }
                }
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(expected_object("the document"))
    }
}

impl<'de> DeserializeSeed<'de> for Body<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Body<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("epcisBody as a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(key) = m.next_key::<String>()? {
            match key.as_str() {
                "eventList" => m.next_value_seed(Events(self.0))?,
                "vocabularyList" => {
                    let raw: Box<serde_json::value::RawValue> = m.next_value()?;
                    let list = numbers_as_written(raw.get())
                        .map_err(|e| de::Error::custom(format!("vocabularyList: {e}")))?;
                    if let Value::Array(list) = list {
                        self.0.info.borrow_mut().vocabularies.extend(list);
                    } else {
                        return Err(de::Error::custom("vocabularyList must be a JSON array"));
                    }
                }
                "queryResults" => m.next_value_seed(QueryResults(self.0))?,
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for QueryResults<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for QueryResults<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("queryResults as a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(key) = m.next_key::<String>()? {
            match key.as_str() {
                // resultsBody has the same shape as epcisBody: { "eventList": [...] }.
                "resultsBody" => m.next_value_seed(Body(self.0))?,
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Events<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Events<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("eventList as a JSON array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        *self.0.saw_events.borrow_mut() = true;
        let mut i = 0;
        while let Some(ev) = s.next_element::<Value>()? {
            let r = (self.0.on_event.borrow_mut())(Incoming {
                index: i,
                event: ev,
                namespaces: None,
                at: None,
                xml: None,
            });
            if let Err(e) = r {
                *self.0.failure.borrow_mut() = Some(e);
                return Err(de::Error::custom("stopped"));
            }
            i += 1;
            self.0.info.borrow_mut().events = i;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::numbers_as_written;
    use serde_json::json;

    #[test]
    fn numbers_become_their_text_and_strings_stay() {
        let raw = r#"[2.150000, -1e-3, 0, {"a\"1": "x \"2.50\" \\", "b": [10.0, true, null]}]"#;
        assert_eq!(
            numbers_as_written(raw).unwrap(),
            json!(["2.150000", "-1e-3", "0", {"a\"1": "x \"2.50\" \\", "b": ["10.0", true, null]}])
        );
    }
}
