//! What an identifier names: one instance (SGTIN, SSCC, SGLN) or a class (GTIN, LGTIN),
//! in two interchangeable spellings: GS1 Digital Link URIs and EPC URNs.

use super::{check_digit, Gln, Gtin, Lot, Serial, Sscc};
use crate::error::{Error, Result};

/// A GS1-identified thing, as EPCIS names objects, classes and places.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gs1Id {
    /// A trade item class (all lots and serials).
    Gtin(Gtin),
    /// A lot of a trade item (EPC class `lgtin`).
    Lgtin(Gtin, Lot),
    /// One serialised item.
    Sgtin(Gtin, Serial),
    /// A logistic unit.
    Sscc(Sscc),
    /// A location, with an optional GLN extension (AI 254).
    Sgln(Gln, Option<String>),
    /// A party (AI 417), as EPCIS source/destination owners and possessors.
    Pgln(Gln),
}

/// Canonical resolver of GS1 Digital Link URIs.
pub const CANONICAL_DL_BASE: &str = "https://id.gs1.org";

/// Percent-encodes all but RFC 3986 unreserved characters in a path segment.
pub(crate) fn dl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// RFC 3986 percent-decoding, strict: every `%` is followed by two hex digits (not a
/// sign: `%+F` is refused), and the bytes are UTF-8.
pub(crate) fn percent_decode(field: &str, s: &str) -> Result<String> {
    let b = s.as_bytes();
    if let Some(i) = memchr::memchr_iter(b'%', b).find(|&i| {
        !(b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
    }) {
        return Err(Error::invalid(
            field,
            format!("{s:?} has a % not followed by two hex digits (at byte {i})"),
        ));
    }
    percent_encoding::percent_decode(b)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| Error::invalid(field, format!("{s:?} does not decode to UTF-8 text")))
}

/// EPC URN escaping (GS1 Tag Data Standard): `"`, `%`, `&`, `/`, `<`, `>`, `?` become `%XX`.
fn urn_encode(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\"%&/<>?".contains(c) {
                format!("%{:02X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl Gs1Id {
    /// The GS1 Digital Link URI under `base` (e.g. `https://id.gs1.org`, no trailing slash).
    pub fn to_digital_link(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        match self {
            Gs1Id::Gtin(g) => format!("{base}/01/{g}"),
            Gs1Id::Lgtin(g, l) => format!("{base}/01/{g}/10/{}", dl_encode(l.as_str())),
            Gs1Id::Sgtin(g, s) => format!("{base}/01/{g}/21/{}", dl_encode(s.as_str())),
            Gs1Id::Sscc(s) => format!("{base}/00/{s}"),
            Gs1Id::Sgln(g, None) => format!("{base}/414/{g}"),
            Gs1Id::Sgln(g, Some(e)) => format!("{base}/414/{g}/254/{}", dl_encode(e)),
            Gs1Id::Pgln(g) => format!("{base}/417/{g}"),
        }
    }

    /// Parses a GS1 Digital Link URI on any domain (with any path before the primary key).
    pub fn from_digital_link(uri: &str) -> Result<Gs1Id> {
        let bad = |why: String| {
            Error::invalid(
                "digital-link",
                format!("{uri:?} is not a GS1 Digital Link URI: {why}"),
            )
        };
        let rest = uri
            .strip_prefix("https://")
            .or_else(|| uri.strip_prefix("http://"))
            .ok_or_else(|| bad("it does not start with https://".into()))?;
        let path = rest.split(['?', '#']).next().unwrap_or("");
        let segs: Vec<&str> = path.split('/').skip(1).collect();
        let at = segs
            .iter()
            .position(|s| matches!(*s, "01" | "00" | "414"))
            .ok_or_else(|| bad("it has no /01/, /00/ or /414/ key".into()))?;
        let key = segs
            .get(at + 1)
            .ok_or_else(|| bad("the key has no value".into()))?;
        let quals: Vec<&str> = segs[at + 2..].to_vec();
        if !quals.len().is_multiple_of(2) {
            return Err(bad("a qualifier has no value".into()));
        }
        let pairs: Vec<(&str, String)> = quals
            .chunks(2)
            .map(|p| Ok((p[0], percent_decode("digital-link", p[1])?)))
            .collect::<Result<_>>()?;
        let names: Vec<&str> = pairs.iter().map(|p| p.0).collect();
        match segs[at] {
            "01" => {
                let g = Gtin::parse(key)?;
                match names.as_slice() {
                    [] => Ok(Gs1Id::Gtin(g)),
                    ["10"] => Ok(Gs1Id::Lgtin(g, Lot::parse(&pairs[0].1)?)),
                    ["21"] => Ok(Gs1Id::Sgtin(g, Serial::parse(&pairs[0].1)?)),
                    ["10", "21"] => Ok(Gs1Id::Sgtin(g, Serial::parse(&pairs[1].1)?)),
                    _ => Err(bad(format!(
                        "after /01/ only /10/ (lot) and then /21/ (serial) are supported, not {}",
                        names.join("/")
                    ))),
                }
            }
            "00" if names.is_empty() => Ok(Gs1Id::Sscc(Sscc::parse(key)?)),
            "417" if names.is_empty() => Ok(Gs1Id::Pgln(Gln::parse(key)?)),
            "414" => match names.as_slice() {
                [] => Ok(Gs1Id::Sgln(Gln::parse(key)?, None)),
                ["254"] => Ok(Gs1Id::Sgln(Gln::parse(key)?, Some(pairs[0].1.clone()))),
                _ => Err(bad("after /414/ only /254/ (extension) is allowed".into())),
            },
            _ => Err(bad("an SSCC or party GLN takes no qualifiers".into())),
        }
    }

    /// The EPC URN; needs the GS1 Company Prefix length (6 to 12), which the key alone does not tell.
    pub fn to_epc_urn(&self, prefix_len: usize) -> Result<String> {
        if !(6..=12).contains(&prefix_len) {
            return Err(Error::invalid(
                "company-prefix-length",
                "a GS1 Company Prefix has 6 to 12 digits",
            ));
        }
        let gtin_parts = |g: &Gtin| {
            let d = g.as_str();
            // indicator digit, company prefix, item reference; the check digit is dropped.
            (
                d[1..1 + prefix_len].to_string(),
                format!("{}{}", &d[..1], &d[1 + prefix_len..13]),
            )
        };
        Ok(match self {
            Gs1Id::Gtin(g) => {
                let (cp, ir) = gtin_parts(g);
                format!("urn:epc:idpat:sgtin:{cp}.{ir}.*")
            }
            Gs1Id::Lgtin(g, l) => {
                let (cp, ir) = gtin_parts(g);
                format!("urn:epc:class:lgtin:{cp}.{ir}.{}", urn_encode(l.as_str()))
            }
            Gs1Id::Sgtin(g, s) => {
                let (cp, ir) = gtin_parts(g);
                format!("urn:epc:id:sgtin:{cp}.{ir}.{}", urn_encode(s.as_str()))
            }
            Gs1Id::Sscc(s) => {
                let d = s.as_str();
                format!(
                    "urn:epc:id:sscc:{}.{}{}",
                    &d[1..1 + prefix_len],
                    &d[..1],
                    &d[1 + prefix_len..17]
                )
            }
            Gs1Id::Sgln(g, ext) => {
                let d = g.as_str();
                format!(
                    "urn:epc:id:sgln:{}.{}.{}",
                    &d[..prefix_len],
                    &d[prefix_len..12],
                    urn_encode(ext.as_deref().unwrap_or("0"))
                )
            }
            Gs1Id::Pgln(g) => {
                let d = g.as_str();
                format!(
                    "urn:epc:id:pgln:{}.{}",
                    &d[..prefix_len],
                    &d[prefix_len..12]
                )
            }
        })
    }

    /// Parses `urn:epc:id:sgtin|sscc|sgln|pgln:…`, `urn:epc:class:lgtin:…` and `urn:epc:idpat:sgtin:CP.IR.*`.
    pub fn from_epc_urn(urn: &str) -> Result<Gs1Id> {
        let bad =
            |why: &str| Error::invalid("epc-urn", format!("{urn:?} is not an EPC URN: {why}"));
        let (scheme, body) = [
            ("sgtin", "urn:epc:id:sgtin:"),
            ("lgtin", "urn:epc:class:lgtin:"),
            ("sscc", "urn:epc:id:sscc:"),
            ("sgln", "urn:epc:id:sgln:"),
            ("pgln", "urn:epc:id:pgln:"),
            ("idpat", "urn:epc:idpat:sgtin:"),
        ]
        .iter()
        .find_map(|(s, p)| urn.strip_prefix(p).map(|b| (*s, b)))
        .ok_or_else(|| bad("supported are sgtin, lgtin, sscc, sgln, pgln and sgtin patterns"))?;
        let parts: Vec<&str> = body.splitn(3, '.').collect();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let with_check = |d: String| {
            let v: Vec<u8> = d.bytes().map(|b| b - b'0').collect();
            format!("{d}{}", check_digit(&v))
        };
        match (scheme, parts.as_slice()) {
            ("sgtin" | "lgtin" | "idpat", [cp, ir, rest])
                if digits(cp)
                    && digits(ir)
                    && cp.len() + ir.len() == 13
                    && (6..=12).contains(&cp.len()) =>
            {
                let gtin = Gtin::parse(&with_check(format!("{}{cp}{}", &ir[..1], &ir[1..])))?;
                let value = percent_decode("epc-urn", rest)?;
                match scheme {
                    "sgtin" => Ok(Gs1Id::Sgtin(gtin, Serial::parse(&value)?)),
                    "lgtin" => Ok(Gs1Id::Lgtin(gtin, Lot::parse(&value)?)),
                    _ if *rest == "*" => Ok(Gs1Id::Gtin(gtin)),
                    _ => Err(bad("only the pattern CP.IR.* (all serials) is supported")),
                }
            }
            ("sscc", [cp, sr])
                if digits(cp)
                    && digits(sr)
                    && cp.len() + sr.len() == 17
                    && (6..=12).contains(&cp.len()) =>
            {
                Ok(Gs1Id::Sscc(Sscc::parse(&with_check(format!(
                    "{}{cp}{}",
                    &sr[..1],
                    &sr[1..]
                )))?))
            }
            ("sgln", [cp, lr, ext])
                if digits(cp)
                    && (cp.len() + lr.len() == 12)
                    && (lr.is_empty() || digits(lr))
                    && (6..=12).contains(&cp.len()) =>
            {
                let gln = Gln::parse(&with_check(format!("{cp}{lr}")))?;
                let ext = percent_decode("epc-urn", ext)?;
                Ok(Gs1Id::Sgln(gln, (ext != "0").then_some(ext)))
            }
            ("pgln", [cp, pr])
                if digits(cp)
                    && cp.len() + pr.len() == 12
                    && (pr.is_empty() || digits(pr))
                    && (6..=12).contains(&cp.len()) =>
            {
                Ok(Gs1Id::Pgln(Gln::parse(&with_check(format!("{cp}{pr}")))?))
            }
            _ => Err(bad(
                "the company prefix and reference have the wrong number of digits",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sgtin() -> Gs1Id {
        Gs1Id::Sgtin(
            Gtin::parse("80614141123458").unwrap(),
            Serial::parse("6789").unwrap(),
        )
    }

    #[test]
    fn tds_examples_convert_both_ways() {
        assert_eq!(
            Gs1Id::from_epc_urn("urn:epc:id:sgtin:0614141.812345.6789").unwrap(),
            sgtin()
        );
        assert_eq!(
            sgtin().to_epc_urn(7).unwrap(),
            "urn:epc:id:sgtin:0614141.812345.6789"
        );
        let sscc = Gs1Id::from_epc_urn("urn:epc:id:sscc:0614141.1234567890").unwrap();
        assert_eq!(
            sscc,
            Gs1Id::Sscc(Sscc::parse("106141412345678908").unwrap())
        );
        assert_eq!(
            sscc.to_epc_urn(7).unwrap(),
            "urn:epc:id:sscc:0614141.1234567890"
        );
        let sgln = Gs1Id::from_epc_urn("urn:epc:id:sgln:0614141.12345.400").unwrap();
        assert_eq!(
            sgln,
            Gs1Id::Sgln(Gln::parse("0614141123452").unwrap(), Some("400".into()))
        );
        assert_eq!(
            sgln.to_epc_urn(7).unwrap(),
            "urn:epc:id:sgln:0614141.12345.400"
        );
        let plain = Gs1Id::from_epc_urn("urn:epc:id:sgln:0614141.12345.0").unwrap();
        assert_eq!(
            plain,
            Gs1Id::Sgln(Gln::parse("0614141123452").unwrap(), None)
        );
        // The party and location GLNs of the coffee-chain fixture, as GS1's event-hash tool
        // converts them (tests/vectors/epcis-hash/coffee-chain.prehashes).
        let party = Gs1Id::from_epc_urn("urn:epc:id:pgln:7701234.00000").unwrap();
        assert_eq!(
            party.to_digital_link(CANONICAL_DL_BASE),
            "https://id.gs1.org/417/7701234000004"
        );
        assert_eq!(
            party.to_epc_urn(7).unwrap(),
            "urn:epc:id:pgln:7701234.00000"
        );
        let place = Gs1Id::from_epc_urn("urn:epc:id:sgln:4012345.00009.0").unwrap();
        assert_eq!(
            place.to_digital_link(CANONICAL_DL_BASE),
            "https://id.gs1.org/414/4012345000092"
        );
        let pallet = Gs1Id::from_epc_urn("urn:epc:id:sscc:7701234.0000000017").unwrap();
        assert_eq!(
            pallet.to_digital_link(CANONICAL_DL_BASE),
            "https://id.gs1.org/00/077012340000000172"
        );
        let lot = Gs1Id::from_epc_urn("urn:epc:class:lgtin:4012345.012345.998877").unwrap();
        assert_eq!(
            lot.to_digital_link(CANONICAL_DL_BASE),
            "https://id.gs1.org/01/04012345123456/10/998877"
        );
    }

    #[test]
    fn digital_links_round_trip_on_any_domain() {
        let uri = "https://example.com/products/01/80614141123458/21/6789?linkType=all";
        assert_eq!(Gs1Id::from_digital_link(uri).unwrap(), sgtin());
        assert_eq!(
            sgtin().to_digital_link(CANONICAL_DL_BASE),
            "https://id.gs1.org/01/80614141123458/21/6789"
        );
        let odd = Gs1Id::Lgtin(
            Gtin::parse("09506000134352").unwrap(),
            Lot::parse("A/B%1").unwrap(),
        );
        let link = odd.to_digital_link("https://brand.example/");
        assert_eq!(link, "https://brand.example/01/09506000134352/10/A%2FB%251");
        assert_eq!(Gs1Id::from_digital_link(&link).unwrap(), odd);
        assert_eq!(
            odd.to_epc_urn(7).unwrap(),
            "urn:epc:class:lgtin:9506000.013435.A%2FB%251"
        );
        assert_eq!(
            Gs1Id::from_epc_urn("urn:epc:class:lgtin:9506000.013435.A%2FB%251").unwrap(),
            odd
        );
        let lot_and_serial = "https://id.gs1.org/01/09506000134352/10/L1/21/S1";
        assert!(
            matches!(Gs1Id::from_digital_link(lot_and_serial).unwrap(), Gs1Id::Sgtin(_, s) if s.as_str() == "S1")
        );
    }

    #[test]
    fn bad_identifiers_name_what_is_wrong() {
        assert!(
            Gs1Id::from_digital_link("https://id.gs1.org/01/80614141123459/21/6789")
                .unwrap_err()
                .to_string()
                .contains("check digit")
        );
        assert!(Gs1Id::from_digital_link("https://id.gs1.org/02/80614141123458").is_err());
        assert!(Gs1Id::from_digital_link("https://id.gs1.org/01/80614141123458/21").is_err());
        assert!(
            Gs1Id::from_digital_link("https://id.gs1.org/01/80614141123458/21/6789/10/L1").is_err()
        );
        assert!(Gs1Id::from_digital_link("ftp://id.gs1.org/01/80614141123458").is_err());
        assert!(Gs1Id::from_epc_urn("urn:epc:id:sgtin:0614141.81234.6789").is_err());
        assert!(Gs1Id::from_epc_urn("urn:epc:id:giai:0614141.1").is_err());
        assert!(sgtin().to_epc_urn(13).is_err());
    }

    #[test]
    fn percent_escapes_are_two_hex_digits_exactly() {
        assert_eq!(percent_decode("x", "A%2FB%c3%a9").unwrap(), "A/Bé");
        // `%+F` passed through u8::from_str_radix as 0x0F.
        for bad in ["%+F", "%-1", "%G0", "%2", "%", "x%", "%%41", "%C3"] {
            assert!(percent_decode("x", bad).is_err(), "{bad}");
        }
        assert!(
            Gs1Id::from_digital_link("https://id.gs1.org/01/80614141123458/21/67%+F9").is_err()
        );
    }
}
