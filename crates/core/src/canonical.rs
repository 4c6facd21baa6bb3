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
    fn control_characters_are_escaped() {
        assert_eq!(string_literal("a\u{1}\n\"b"), "\"a\\u0001\\n\\\"b\"");
    }
}
