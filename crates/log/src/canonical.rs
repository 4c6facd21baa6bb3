//! RFC 8785 (JCS) canonical JSON: the one byte form of every signed payload.

use crate::error::{Error, Result};
use serde::Serialize;

/// Canonical JSON text of `value` (RFC 8785: sorted keys, no white space, ECMAScript numbers).
pub fn to_canonical<T: Serialize>(value: &T) -> Result<String> {
    serde_json_canonicalizer::to_string(value).map_err(|e| {
        Error::invalid(
            "payload",
            format!("cannot be written as canonical JSON: {e}"),
        )
    })
}

/// Canonical JSON text of a JSON value, fast: when every key is ASCII (so byte order is
/// UTF-16 order) and every number an integer of at most 2^53 in magnitude (written the
/// same by ECMAScript and serde_json), serde_json's compact output of its sorted map is
/// already RFC 8785. Anything else goes through the general canonicaliser.
pub fn value_to_canonical(value: &serde_json::Value) -> Result<String> {
    fn simple(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => {
                n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53)
                    || n.as_u64().is_some_and(|u| u <= 1 << 53)
            }
            serde_json::Value::Array(a) => a.iter().all(simple),
            serde_json::Value::Object(m) => m.iter().all(|(k, x)| k.is_ascii() && simple(x)),
            _ => true,
        }
    }
    if simple(value) {
        Ok(serde_json::to_string(value).expect("a JSON value serialises"))
    } else {
        to_canonical(value)
    }
}

/// Canonical JSON string literal (quotes and escapes as RFC 8785 requires).
pub fn string_literal(s: &str) -> String {
    serde_json_canonicalizer::to_string(&s).expect("a string always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_by_utf16_units_and_numbers_are_ecmascript() {
        let v = json!({"b": 1.0, "a": [1e21, 0.000001], "\u{20ac}": "x", "\r": "y"});
        assert_eq!(
            to_canonical(&v).unwrap(),
            "{\"\\r\":\"y\",\"a\":[1e+21,0.000001],\"b\":1,\"\u{20ac}\":\"x\"}"
        );
    }

    #[test]
    fn the_fast_path_agrees_with_the_canonicaliser() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/epcis");
        let mut docs = vec![
            json!({"z": [1, -9007199254740992i64, 9007199254740992u64, "\u{7f}\u{1f}\"\\/"], "a": {"é": 1}, "B": null, "c": true}),
            json!({"big": 9007199254740993u64, "f": 0.5, "k": "\u{10348}\u{e000}"}),
        ];
        for f in [
            "coffee-chain.jsonld",
            "gs1/epcisDocWithVariousEventTypes.jsonld",
            "gs1/ReferenceEventHashAlgorithm2.jsonld",
        ] {
            docs.push(
                serde_json::from_str(&std::fs::read_to_string(root.join(f)).unwrap()).unwrap(),
            );
        }
        for d in docs {
            assert_eq!(value_to_canonical(&d).unwrap(), to_canonical(&d).unwrap());
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(string_literal("a\u{1}\n\"b"), "\"a\\u0001\\n\\\"b\"");
    }
}
