//! Value canonicalisation for the CBV 2.0 event hash (CBV 2.0 §8.9): legacy vocabulary
//! URNs to Web URIs, numbers to one spelling, GS1 identifiers to canonical Digital Link.
//! Written to give the same strings as GS1's reference tool (epcis-event-hash-generator
//! 1.9.3); docs/spec/epcis-event.md lists where it deliberately does not.

use crate::gs1::Gs1Id;

/// Canonical form of one leaf value.
pub fn canonical_value(text: &str) -> String {
    let text = web_vocabulary(text);
    if let Some(n) = numeric(&text) {
        return n;
    }
    digital_link(&text).unwrap_or_else(|| text.into_owned())
}

/// Old CBV 1.x URNs to CBV 2.0 Web URIs, wherever they occur in the value.
fn web_vocabulary(text: &str) -> std::borrow::Cow<'_, str> {
    const MAP: [(&str, &str); 5] = [
        (
            "urn:epcglobal:cbv:bizstep:",
            "https://ref.gs1.org/cbv/BizStep-",
        ),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ];
    if !text.contains("urn:epcglobal:cbv:") {
        return text.into();
    }
    let mut out = text.to_string();
    for (from, to) in MAP {
        out = out.replace(from, to);
    }
    out.into()
}

/// A decimal number in one spelling: integral values without fraction, others as the
/// shortest round-trip decimal (Python's `repr`). `None` when `text` is not a number.
pub fn numeric(text: &str) -> Option<String> {
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let cleaned = decimal_syntax(text)?;
    let f: f64 = cleaned.parse().ok()?;
    Some(format_number(f))
}

/// Accepts `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit; single
/// underscores between digits), and returns it without underscores.
fn decimal_syntax(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        out.push(b[i] as char);
        i += 1;
    }
    let digits = |i: &mut usize, out: &mut String| -> usize {
        let mut n = 0;
        while *i < b.len() {
            if b[*i].is_ascii_digit() {
                out.push(b[*i] as char);
                n += 1;
            } else if b[*i] == b'_' && n > 0 && *i + 1 < b.len() && b[*i + 1].is_ascii_digit() {
            } else {
                break;
            }
            *i += 1;
        }
        n
    };
    let mut mantissa = digits(&mut i, &mut out);
    if i < b.len() && b[i] == b'.' {
        out.push('.');
        i += 1;
        mantissa += digits(&mut i, &mut out);
    }
    if mantissa == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        out.push('e');
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            out.push(b[i] as char);
            i += 1;
        }
        if digits(&mut i, &mut out) == 0 {
            return None;
        }
    }
    (i == b.len()).then_some(out)
}

/// Integral values as exact integers, others as Python's `repr` of the float.
pub fn format_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == f.trunc() {
        if f == 0.0 {
            return "0".into();
        }
        return format!("{f:.0}");
    }
    let a = f.abs();
    if a >= 1e-4 {
        return format!("{f}");
    }
    let e = format!("{f:e}");
    let (m, exp) = e.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is a number");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{m}e{sign}{:02}", exp.abs())
}

/// Characters the reference tool percent-encodes in Digital Link path values.
fn dl_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\"%&/<>?!()*+,:".contains(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

const BASE: &str = "https://id.gs1.org";

/// The canonical GS1 Digital Link of an EPC URN or a Digital Link on any domain, at the
/// finest level it names; `None` when `text` is neither (digital_link.rs).
pub fn digital_link(text: &str) -> Option<String> {
    if text.starts_with("urn:epc:") {
        super::digital_link::from_epc(text)
    } else if text.starts_with("https://") || text.starts_with("http://") {
        super::digital_link::from_link(text)
    } else {
        None
    }
}

/// The canonical Digital Link of a parsed identifier, as the event hash writes it.
pub fn canonical_link(id: Gs1Id) -> String {
    match id {
        Gs1Id::Gtin(g) => format!("{BASE}/01/{g}"),
        Gs1Id::Lgtin(g, l) => format!("{BASE}/01/{g}/10/{}", dl_escape(l.as_str())),
        Gs1Id::Sgtin(g, s) => format!("{BASE}/01/{g}/21/{}", dl_escape(s.as_str())),
        Gs1Id::Sscc(s) => format!("{BASE}/00/{s}"),
        Gs1Id::Sgln(g, None) => format!("{BASE}/414/{g}"),
        Gs1Id::Sgln(g, Some(e)) => format!("{BASE}/414/{g}/254/{}", dl_escape(&e)),
        Gs1Id::Pgln(g) => format!("{BASE}/417/{g}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_spelt_as_python_does() {
        for (t, want) in [
            ("600", Some("600")),
            ("600.0", Some("600")),
            ("+0042", Some("42")),
            ("12.10", Some("12.1")),
            ("0.1", Some("0.1")),
            ("1e3", Some("1000")),
            ("1_000", Some("1000")),
            ("0.00001", Some("1e-05")),
            ("-0.0", Some("0")),
            (".5", Some("0.5")),
            ("5.", Some("5")),
            ("1__0", None),
            ("_1", None),
            ("2019-10-21", None),
            ("P2", None),
            ("", None),
            ("e5", None),
        ] {
            assert_eq!(numeric(t).as_deref(), want, "{t}");
        }
        assert_eq!(format_number(1.5e-7), "1.5e-07");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }

    #[test]
    fn identifiers_become_canonical_digital_links() {
        for (t, want) in [
            (
                "urn:epc:id:sgtin:4012345.011111.9876",
                "https://id.gs1.org/01/04012345111118/21/9876",
            ),
            (
                "urn:epc:class:lgtin:4054739.099914.20160711",
                "https://id.gs1.org/01/04054739999148/10/20160711",
            ),
            (
                "urn:epc:idpat:sgtin:4012345.066666.*",
                "https://id.gs1.org/01/04012345666663",
            ),
            (
                "urn:epc:id:sscc:5200001.0111111146",
                "https://id.gs1.org/00/052000011111111461",
            ),
            (
                "urn:epc:id:sgln:4012345.00000.5",
                "https://id.gs1.org/414/4012345000009/254/5",
            ),
            (
                "urn:epc:id:pgln:4000001.98765",
                "https://id.gs1.org/417/4000001987658",
            ),
            (
                "urn:epc:id:giai:4000001.111",
                "https://id.gs1.org/8004/4000001111",
            ),
            (
                "urn:epc:id:gdti:4012345.55555.1234",
                "https://id.gs1.org/253/40123455555541234",
            ),
            (
                "https://example.com/shop/01/4012345111118/10/L1/21/S1?x=1",
                "https://id.gs1.org/01/04012345111118/21/S1",
            ),
        ] {
            assert_eq!(canonical_value(t), want, "{t}");
        }
        assert_eq!(
            canonical_value("urn:epcglobal:cbv:bizstep:shipping"),
            "https://ref.gs1.org/cbv/BizStep-shipping"
        );
        assert_eq!(
            canonical_value("urn:epcglobal:cbv:bt:5200001000008:4711"),
            "urn:epcglobal:cbv:bt:5200001000008:4711"
        );
    }
}
