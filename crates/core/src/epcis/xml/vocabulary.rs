//! An XML `<Vocabulary>` (master data) as the JSON-LD vocabulary object of EPCIS 2.0:
//! `{"type", "vocabularyElementList": [{"id", "attributes": [{"id", "attribute"}], "children"}]}`.

use super::event::expand_value;
use super::tree::{Element, Pos};
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};

fn refuse(at: Pos, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        place: at.to_string(),
        reason: reason.into(),
    }
}

/// The vocabulary `el` as JSON-LD.
pub fn to_json(el: &Element) -> Result<Value> {
    let Some(vtype) = el.attr("type") else {
        return Err(refuse(
            el.at,
            "<Vocabulary> has no type attribute (e.g. urn:epcglobal:epcis:vtype:BusinessLocation)",
        ));
    };
    let mut elements = Vec::new();
    for list in &el.children {
        if !list.name.is("VocabularyElementList") {
            continue;
        }
        for ve in &list.children {
            if !ve.name.is("VocabularyElement") {
                continue;
            }
            elements.push(element(ve)?);
        }
    }
    Ok(json!({"type": vtype.trim(), "vocabularyElementList": elements}))
}

fn element(ve: &Element) -> Result<Value> {
    let Some(id) = ve.attr("id") else {
        return Err(refuse(ve.at, "<VocabularyElement> has no id attribute"));
    };
    let mut attributes = Vec::new();
    let mut children = Vec::new();
    for c in &ve.children {
        if c.name.is("attribute") {
            let Some(aid) = c.attr("id") else {
                return Err(refuse(c.at, "<attribute> has no id attribute"));
            };
            attributes.push(json!({"id": aid.trim(), "attribute": value(c)}));
        } else if c.name.is("children") {
            for i in &c.children {
                if i.name.is("id") {
                    children.push(Value::String(i.text.clone()));
                }
            }
        }
    }
    let mut m = Map::new();
    m.insert("id".into(), Value::String(id.trim().to_string()));
    if !attributes.is_empty() {
        m.insert("attributes".into(), Value::Array(attributes));
    }
    if !children.is_empty() {
        m.insert("children".into(), Value::Array(children));
    }
    Ok(Value::Object(m))
}

/// An attribute's value: its text, or an object of its child elements by written name.
fn value(el: &Element) -> Value {
    if el.children.is_empty() {
        return Value::String(expand_value(&el.text));
    }
    let mut m = Map::new();
    for c in &el.children {
        let k = c.name.written();
        let v = value(c);
        match m.get_mut(&k) {
            None => {
                m.insert(k, v);
            }
            Some(Value::Array(a)) => a.push(v),
            Some(old) => {
                let first = std::mem::take(old);
                *old = Value::Array(vec![first, v]);
            }
        }
    }
    Value::Object(m)
}
