//! Editing a draft field by field, by JSON Pointer: what the CLI's `dossier set` and
//! scripts use. Missing objects on the way are created; an array grows by one when
//! the index is its length.

use super::model::Dossier;
use crate::error::{Error, Result};
use serde_json::Value;

/// Whether the field at `segs` holds a whole number rather than text.
fn is_number(segs: &[String]) -> bool {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    matches!(
        s.as_slice(),
        ["header", "total_packages"]
            | ["lines", _, "packages", _, "number"]
            | ["documents", _, "file", "size"]
    )
}

/// Sets the field at `pointer` to `value`; an empty `value` removes the field.
pub fn set(d: &Dossier, pointer: &str, value: &str) -> Result<Dossier> {
    set_many(d, &[(pointer, value)])
}

/// Sets several fields, then checks the result once (so a new list item can be given
/// field by field). A value is text, except for whole-number fields and values written
/// as a JSON object or list (`{"kind":"BG","number":3}`).
pub fn set_many(d: &Dossier, fields: &[(&str, &str)]) -> Result<Dossier> {
    let mut doc = serde_json::to_value(d).expect("a dossier is JSON");
    for (pointer, value) in fields {
        let bad = |why: String| Error::invalid(pointer.to_string(), why);
        if !pointer.starts_with('/') || pointer.len() < 2 {
            return Err(bad(
                "write the field as a JSON Pointer: /header/lrn, /lines/0/value".into(),
            ));
        }
        let segs: Vec<String> = pointer[1..]
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if matches!(segs[0].as_str(), "format" | "id" | "version" | "supersedes") {
            return Err(bad(
                "the format, id, version and superseded version are set by TradeSeal".into(),
            ));
        }
        let number = is_number(&segs);
        let v = if value.is_empty() {
            None
        } else if number || value.starts_with('{') || value.starts_with('[') {
            Some(serde_json::from_str::<Value>(value).map_err(|e| {
                bad(format!(
                    "{value:?} is not {} ({e})",
                    if number { "a whole number" } else { "JSON" }
                ))
            })?)
        } else {
            Some(Value::String(value.to_string()))
        };
        put(&mut doc, &segs, v).map_err(bad)?;
    }
    serde_json::from_value::<Dossier>(doc).map_err(|e| {
        let field = fields
            .iter()
            .map(|(p, _)| *p)
            .collect::<Vec<_>>()
            .join(", ");
        Error::invalid(field, format!("the dossier cannot hold these values ({e})"))
    })
}

fn put(doc: &mut Value, segs: &[String], value: Option<Value>) -> std::result::Result<(), String> {
    let (last, parents) = segs.split_last().expect("at least one segment");
    let mut v = doc;
    for (i, s) in parents.iter().enumerate() {
        let next_is_index = parents.get(i + 1).unwrap_or(last).parse::<usize>().is_ok();
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Default::default())
            }
        };
        v = match v {
            Value::Object(m) => m.entry(s.clone()).or_insert_with(fresh),
            Value::Array(a) => {
                let i: usize = s
                    .parse()
                    .map_err(|_| format!("{s:?} is not a position in a list"))?;
                let n = a.len();
                if i == n {
                    a.push(fresh());
                }
                a.get_mut(i)
                    .ok_or_else(|| format!("the list has {n} items; add item {n} first"))?
            }
            _ => return Err(format!("{s:?} is inside a value, not a group of fields")),
        };
        if v.is_null() {
            *v = fresh();
        }
    }
    match (v, value) {
        (Value::Object(m), Some(x)) => {
            m.insert(last.clone(), x);
        }
        (Value::Object(m), None) => {
            m.remove(last);
        }
        (Value::Array(a), x) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{last:?} is not a position in a list"))?;
            let n = a.len();
            match x {
                Some(x) if i == a.len() => a.push(x),
                Some(x) => {
                    *a.get_mut(i)
                        .ok_or_else(|| format!("the list has {n} items"))? = x
                }
                None if i < n => {
                    a.remove(i);
                }
                None => return Err(format!("the list has {n} items")),
            }
        }
        _ => return Err("this field is a value, not a group of fields".into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_creates_and_removes_fields() {
        let d = Dossier::new("D0000000000000001");
        let d = set(&d, "/header/lrn", "ACME-1").unwrap();
        assert_eq!(d.header.lrn.as_deref(), Some("ACME-1"));
        let d = set(&d, "/header/total_packages", "12").unwrap();
        assert_eq!(d.header.total_packages, Some(12));
        let d = set(&d, "/lines/0/description", "Green coffee").unwrap();
        let d = set_many(
            &d,
            &[
                ("/documents/0/code", "EUDR-DDS"),
                ("/documents/0/reference", "26DE1"),
                ("/documents/0/verification", "KX8"),
            ],
        )
        .unwrap();
        assert_eq!(d.documents[0].verification.as_deref(), Some("KX8"));
        // A document without its reference saves as a draft; validation names the field.
        assert_eq!(
            set(&d, "/documents/1/code", "N380").unwrap().documents[1].reference,
            ""
        );
        assert!(set(&d, "/documents/1/nonsense", "x").is_err());
        let d = set(&d, "/lines/0/packages/0", r#"{"kind":"BG","number":3}"#).unwrap();
        assert_eq!(d.lines[0].packages[0].number, 3);
        let d = set(&d, "/parties/exporter/name", "Café do Sul").unwrap();
        assert_eq!(d.parties.exporter.as_ref().unwrap().name, "Café do Sul");
        let d = set(&d, "/header/lrn", "").unwrap();
        assert!(d.header.lrn.is_none());
        assert!(set(&d, "/header/nonsense", "x")
            .unwrap_err()
            .to_string()
            .contains("/header/nonsense"));
        assert!(set(&d, "/lines/5/description", "x").is_err());
        assert!(set(&d, "/id", "D1").is_err());
        assert!(set(&d, "header/lrn", "x").is_err());
    }
}
