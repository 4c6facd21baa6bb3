//! The label URI (docs/spec/qr.md §1): a GS1 Digital Link to one serialised item of a
//! lot, with the issuer's key id, the batch entry and the signature in its query.

use crate::error::{Error, Result};
use crate::gs1::id::{dl_encode, percent_decode};
use crate::gs1::{Gtin, Lot, Serial};
use crate::hash::Hash;
use crate::signature::PublicKey;
use data_encoding::BASE32_NOPAD;

/// The longest label URI issued (QR version 13 at level Q holds about 420 mixed
/// characters; longer ones print too small on the small layouts).
pub const MAX_URI: usize = 420;

const KEY_ID_CONTEXT: &[u8] = b"tradeseal/v1/label-key\0";

/// A label's identifiers and, once signed, its proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelLink {
    /// The resolver, as printed (`https://id.example.com`), without a trailing slash.
    pub base: String,
    pub gtin: Gtin,
    pub lot: Lot,
    pub serial: Serial,
    pub proof: Option<Proof>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// Base32 key id (13 characters).
    pub key_id: String,
    /// The `label.issue` entry of the batch.
    pub batch: u64,
    pub signature: [u8; 64],
}

/// The key id of `key`: 8 bytes of a domain-separated SHA-256, base32.
pub fn key_id(key: &PublicKey) -> String {
    BASE32_NOPAD.encode(&key_id_bytes(key))
}

/// The 8 bytes a key id names (a certificate's COSE `kid`, §5).
pub fn key_id_bytes(key: &PublicKey) -> [u8; 8] {
    let h = Hash::of_parts(&[KEY_ID_CONTEXT, &key.to_bytes()]);
    h.0[..8].try_into().expect("8 bytes")
}

/// What a label's signature covers.
pub fn message(gtin: &Gtin, lot: &Lot, serial: &Serial, batch: u64) -> Vec<u8> {
    format!(
        "tradeseal-label/1\n{gtin}\n{}\n{}\n{batch}\n",
        lot.as_str(),
        serial.as_str()
    )
    .into_bytes()
}

/// A resolver base: `http(s)://host[/path]`, no query or fragment; the scheme and
/// host in lowercase (RFC 3986's normal form, which GS1's digital-link.js requires),
/// the path as given.
pub fn resolver(base: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::invalid(
            "resolver",
            format!("{base:?} {why}: give https://your.domain (optionally with a path)"),
        )
    };
    let base = base.trim().trim_end_matches('/');
    let lower = base.to_ascii_lowercase();
    let rest_at = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return Err(bad("does not start with https://"));
    };
    let rest = &base[rest_at..];
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
    {
        return Err(bad("has no valid host name"));
    }
    if path.contains(['?', '#', ' ']) {
        return Err(bad("has a query, fragment or space"));
    }
    if path.split('/').any(|s| matches!(s, "01" | "10" | "21")) {
        return Err(bad("has a GS1 key (01, 10, 21) in its path"));
    }
    Ok(format!(
        "{}{}{}",
        base[..rest_at].to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        path
    ))
}

impl LabelLink {
    /// `/01/<gtin>/10/<lot>/21/<serial>`, percent-encoded.
    pub fn path(&self) -> String {
        format!(
            "/01/{}/10/{}/21/{}",
            self.gtin,
            dl_encode(self.lot.as_str()),
            dl_encode(self.serial.as_str())
        )
    }

    /// The URI the QR code carries.
    pub fn to_uri(&self) -> String {
        let mut s = format!("{}{}", self.base, self.path());
        if let Some(p) = &self.proof {
            s.push_str(&format!(
                "?k={}&b={}&s={}",
                p.key_id,
                p.batch,
                BASE32_NOPAD.encode(&p.signature)
            ));
        }
        s
    }

    /// Reads a label URI (any resolver; scheme and host in any case). The proof is
    /// `None` when the query carries none of `k`, `b`, `s`; an incomplete or malformed
    /// one is an error.
    pub fn parse(uri: &str) -> Result<LabelLink> {
        let bad = |why: String| {
            Error::invalid("label", format!("{uri:?} is not a TradeSeal label: {why}"))
        };
        let uri = uri.trim();
        let lower = uri
            .get(..8)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let rest_at = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(bad("it is not a web address (https://…)".into()));
        };
        let (before_query, query) = match uri.find('?') {
            Some(i) => (&uri[..i], &uri[i + 1..]),
            None => (uri, ""),
        };
        let before_query = before_query.split('#').next().unwrap_or("");
        let query = query.split('#').next().unwrap_or("");
        let rest = &before_query[rest_at..];
        let path_at = rest.find('/').ok_or_else(|| bad("it has no path".into()))?;
        let segs: Vec<&str> = rest[path_at..].split('/').skip(1).collect();
        let at = segs
            .iter()
            .position(|s| *s == "01")
            .ok_or_else(|| bad("it has no GTIN (/01/)".into()))?;
        let tail = &segs[at..];
        if tail.len() != 6 || tail[2] != "10" || tail[4] != "21" {
            return Err(bad(
                "a label names a GTIN, a lot and a serial: /01/<GTIN>/10/<lot>/21/<serial>".into(),
            ));
        }
        let gtin = Gtin::parse(tail[1])?;
        let lot = Lot::parse(&percent_decode("lot", tail[3])?)?;
        let serial = Serial::parse(&percent_decode("serial", tail[5])?)?;
        let base_end = rest_at + path_at + segs[..at].iter().map(|s| s.len() + 1).sum::<usize>();
        let base = before_query[..base_end].to_string();
        let mut k = None;
        let mut b = None;
        let mut s = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "k" => &mut k,
                "b" => &mut b,
                "s" => &mut s,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        let proof = match (k, b, s) {
            (None, None, None) => None,
            (Some(k), Some(b), Some(s)) => {
                let qbad = |what: &str| {
                    Error::invalid(
                        "label-query",
                        format!("the label's {what} is malformed: the code was damaged or altered"),
                    )
                };
                let kid = BASE32_NOPAD
                    .decode(k.to_ascii_uppercase().as_bytes())
                    .ok()
                    .filter(|v| v.len() == 8)
                    .ok_or_else(|| qbad("key id (k)"))?;
                // One text a label: digits only, no leading zero (`b=007` is refused
                // rather than read as the label `b=7`).
                let batch = b
                    .parse::<u64>()
                    .ok()
                    .filter(|_| b.bytes().all(|c| c.is_ascii_digit()))
                    .filter(|_| b.len() == 1 || !b.starts_with('0'))
                    .ok_or_else(|| qbad("batch number (b)"))?;
                let signature: [u8; 64] = BASE32_NOPAD
                    .decode(s.to_ascii_uppercase().as_bytes())
                    .ok()
                    .and_then(|v| v.try_into().ok())
                    .ok_or_else(|| qbad("signature (s)"))?;
                Some(Proof {
                    key_id: BASE32_NOPAD.encode(&kid),
                    batch,
                    signature,
                })
            }
            _ => {
                return Err(Error::invalid(
                    "label-query",
                    "the label's proof is incomplete (it needs k, b and s): the code was damaged or altered",
                ))
            }
        };
        Ok(LabelLink {
            base,
            gtin,
            lot,
            serial,
            proof,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> LabelLink {
        LabelLink {
            base: resolver("https://id.example.com/acme").unwrap(),
            gtin: Gtin::parse("09506000134352").unwrap(),
            lot: Lot::parse("LOT%7/B").unwrap(),
            serial: Serial::parse("000042").unwrap(),
            proof: Some(Proof {
                key_id: BASE32_NOPAD.encode(&[1, 2, 3, 4, 5, 6, 7, 8]),
                batch: 17,
                signature: [9; 64],
            }),
        }
    }

    #[test]
    fn a_label_round_trips_with_its_proof_and_percent_encoding() {
        let l = link();
        let uri = l.to_uri();
        assert!(
            uri.starts_with(
                "https://id.example.com/acme/01/09506000134352/10/LOT%257%2FB/21/000042?k="
            ),
            "{uri}"
        );
        assert_eq!(LabelLink::parse(&uri).unwrap(), l);
        // Lowercase scheme and host, other parameters, a fragment: the same label.
        let other = uri.replace("https://id.example.com", "HTTPS://ID.Example.COM") + "&utm=x#top";
        let p = LabelLink::parse(&other).unwrap();
        assert_eq!(
            (p.gtin, p.lot, p.serial, p.proof),
            (l.gtin, l.lot, l.serial, l.proof)
        );
    }

    #[test]
    fn malformed_labels_are_named() {
        let uri = link().to_uri();
        for (bad, what) in [
            (uri.replace("/21/000042", ""), "a GTIN, a lot and a serial"),
            (
                uri.replace("09506000134352", "09506000134353"),
                "check digit",
            ),
            (uri.replace("&b=17", ""), "incomplete"),
            (uri.replace("&b=17", "&b=1x"), "batch number"),
            (uri.replace("&b=17", "&b=017"), "batch number"),
            (uri.replace("&b=17", "&b=+17"), "batch number"),
            (uri.replace("?k=", "?k=Z"), "key id"),
            (uri[..uri.len() - 4].to_string(), "signature"),
            (
                "ftp://x/01/09506000134352/10/A/21/1".to_string(),
                "web address",
            ),
        ] {
            let e = LabelLink::parse(&bad).unwrap_err().to_string();
            assert!(e.contains(what), "{bad}: {e}");
        }
        assert!(resolver("id.example.com").is_err());
        assert!(resolver("https://id.example.com/01").is_err());
        assert_eq!(
            resolver("https://Id.Example.com/").unwrap(),
            "https://id.example.com"
        );
    }
}
