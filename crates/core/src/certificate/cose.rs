//! The certificate payload's envelope (docs/spec/qr.md §5): claims as a CBOR map in a
//! COSE_Sign1 (RFC 9052) signed with EdDSA, zlib-compressed, Base45 (RFC 9285),
//! prefixed `TSC1:`.

use crate::hash::Hash;
use crate::signature::PublicKey;
use ciborium::value::{Integer, Value};
use ed25519_dalek::SigningKey;
use std::io::Read;

pub const PREFIX: &str = "TSC1:";
/// COSE `alg` EdDSA.
const ALG_EDDSA: i64 = -8;
/// CBOR tag of a COSE_Sign1.
const TAG_SIGN1: u64 = 18;
/// A payload never inflates beyond this (a QR code holds under 3 KB).
const MAX_INFLATED: u64 = 64 * 1024;

/// The certificate's claims: the issuer, its `certificate.issue` entry, and how the
/// entry is proven (§5: claims version 1; §5.1: version 2).
#[derive(Clone, Debug, PartialEq)]
pub struct Claims {
    pub org: String,
    pub origin: String,
    pub key: PublicKey,
    pub seq: u64,
    pub time_ms: u64,
    /// The entry's payload: the statement as RFC 8785 JSON text.
    pub payload: String,
    pub entry: EntryForm,
    /// v1: the entry's RFC 9162 inclusion path in the checkpoint's tree; v2: the
    /// multiproof of the entry in its commit's range tree (ledger.md §10.2).
    pub proof: Vec<Hash>,
    /// v1: a signed checkpoint; v2: the signed note of the entry's commit.
    pub checkpoint: String,
}

/// The entry's form: a version 1 entry (hash-linked, signed on its own), or a version
/// 2 entry that its commit's note authenticates.
#[derive(Clone, Debug, PartialEq)]
pub enum EntryForm {
    V1 { prev: Hash, signature: [u8; 64] },
    V2,
}

impl Claims {
    /// The claims version: 1 or 2.
    pub fn version(&self) -> u8 {
        match self.entry {
            EntryForm::V1 { .. } => 1,
            EntryForm::V2 => 2,
        }
    }
}

/// Why a payload could not be read: the finding code and what is wrong.
#[derive(Debug, PartialEq)]
pub struct Unreadable {
    pub code: &'static str,
    pub why: String,
}

fn unreadable(code: &'static str, why: impl Into<String>) -> Unreadable {
    Unreadable {
        code,
        why: why.into(),
    }
}

/// A COSE_Sign1 opened: the claims and whether its signature holds under claim 4's key.
#[derive(Debug)]
pub struct Opened {
    pub claims: Claims,
    pub signature_valid: bool,
}

fn int(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}

fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).expect("writing CBOR to memory does not fail");
    out
}

fn claims_value(c: &Claims) -> Value {
    let u = |n: u64| Value::Integer(Integer::from(n));
    let mut m = vec![
        (int(1), int(c.version().into())),
        (int(2), Value::Text(c.org.clone())),
        (int(3), Value::Text(c.origin.clone())),
        (int(4), Value::Bytes(c.key.to_bytes().to_vec())),
        (int(5), u(c.seq)),
        (int(6), u(c.time_ms)),
    ];
    if let EntryForm::V1 { prev, .. } = &c.entry {
        m.push((int(7), Value::Bytes(prev.0.to_vec())));
    }
    m.push((int(8), Value::Text(c.payload.clone())));
    if let EntryForm::V1 { signature, .. } = &c.entry {
        m.push((int(9), Value::Bytes(signature.to_vec())));
    }
    m.push((
        int(10),
        Value::Array(c.proof.iter().map(|h| Value::Bytes(h.0.to_vec())).collect()),
    ));
    m.push((int(11), Value::Text(c.checkpoint.clone())));
    Value::Map(m)
}

/// The COSE `Sig_structure` for a COSE_Sign1 (RFC 9052 §4.4), as signed bytes.
fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    cbor(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.to_vec()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]))
}

/// The 8-byte key id of §2, as bytes.
pub fn kid(key: &PublicKey) -> Vec<u8> {
    crate::label::link::key_id_bytes(key).to_vec()
}

/// The COSE_Sign1 bytes of `claims`, signed with `key` (whose public key is claim 4).
pub fn sign1(claims: &Claims, key: &SigningKey) -> Vec<u8> {
    let protected = cbor(&Value::Map(vec![
        (int(1), int(ALG_EDDSA)),
        (int(4), Value::Bytes(kid(&claims.key))),
    ]));
    let payload = cbor(&claims_value(claims));
    let signature = crate::signature::sign(key, &sig_structure(&protected, &payload));
    cbor(&Value::Tag(
        TAG_SIGN1,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(Vec::new()),
            Value::Bytes(payload),
            Value::Bytes(signature.to_vec()),
        ])),
    ))
}

/// The QR text of a COSE_Sign1: `TSC1:` and Base45 of its zlib compression.
pub fn to_text(sign1: &[u8]) -> String {
    // miniz_oxide at level 9 (flate2's `best`), whatever flate2's backend is in a build.
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(sign1, 9);
    format!("{PREFIX}{}", base45_encode(&packed))
}

/// The COSE_Sign1 bytes of a QR text.
pub fn from_text(text: &str) -> std::result::Result<Vec<u8>, Unreadable> {
    let body = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or_else(|| unreadable("cert-payload", "it does not start with TSC1:"))?;
    let packed = base45_decode(body).ok_or_else(|| {
        unreadable(
            "cert-payload",
            "its text is not Base45 (cut short or misread)",
        )
    })?;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&packed[..])
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|_| {
            unreadable(
                "cert-payload",
                "its compressed data is damaged (cut short?)",
            )
        })?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(unreadable("cert-payload", "it inflates beyond 64 KiB"));
    }
    Ok(out)
}

/// Reads a COSE_Sign1 and its claims, and checks its signature under claim 4's key.
pub fn open(sign1: &[u8]) -> std::result::Result<Opened, Unreadable> {
    let cose = |why: &str| unreadable("cert-cose", why.to_string());
    let v: Value =
        ciborium::from_reader(sign1).map_err(|_| unreadable("cert-payload", "it is not CBOR"))?;
    let arr = match v {
        Value::Tag(TAG_SIGN1, inner) => match *inner {
            Value::Array(a) => a,
            _ => return Err(cose("it is not a COSE_Sign1")),
        },
        Value::Array(a) => a,
        _ => return Err(cose("it is not a COSE_Sign1")),
    };
    let [Value::Bytes(protected), Value::Map(_), Value::Bytes(payload), Value::Bytes(signature)] =
        &arr[..]
    else {
        return Err(cose("it is not a COSE_Sign1 of four parts"));
    };
    let header: Value = ciborium::from_reader(&protected[..])
        .map_err(|_| cose("its protected header is not CBOR"))?;
    let alg = lookup(&header, 1).and_then(as_i64);
    if alg != Some(ALG_EDDSA) {
        return Err(cose("its algorithm is not EdDSA (-8)"));
    }
    let kid = match lookup(&header, 4) {
        Some(Value::Bytes(b)) => b.clone(),
        _ => return Err(cose("its protected header has no key id")),
    };
    let claims_v: Value =
        ciborium::from_reader(&payload[..]).map_err(|_| cose("its claims are not CBOR"))?;
    let claims = claims_of(&claims_v).map_err(|why| cose(&why))?;
    if kid != self::kid(&claims.key) {
        return Err(cose("its key id is not the id of the issuer's key"));
    }
    let signature: Option<[u8; 64]> = signature.clone().try_into().ok();
    let signature_valid =
        signature.is_some_and(|s| claims.key.verify(&sig_structure(protected, payload), &s));
    Ok(Opened {
        claims,
        signature_valid,
    })
}

fn lookup(map: &Value, key: i64) -> Option<&Value> {
    match map {
        Value::Map(m) => m
            .iter()
            .find(|(k, _)| as_i64(k) == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

fn claims_of(v: &Value) -> std::result::Result<Claims, String> {
    let get = |k: i64| lookup(v, k).ok_or_else(|| format!("claim {k} is missing"));
    let text = |k: i64| match get(k)? {
        Value::Text(t) => Ok(t.clone()),
        _ => Err(format!("claim {k} is not text")),
    };
    let bytes = |k: i64, n: usize| match get(k)? {
        Value::Bytes(b) if b.len() == n => Ok(b.clone()),
        _ => Err(format!("claim {k} is not {n} bytes")),
    };
    let uint = |k: i64| match get(k)? {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| format!("claim {k} is negative")),
        _ => Err(format!("claim {k} is not a number")),
    };
    let version = uint(1)?;
    let keys: Vec<i64> = match v {
        Value::Map(m) => m.iter().filter_map(|(k, _)| as_i64(k)).collect(),
        _ => return Err("its claims are not a map".into()),
    };
    let expected: &[i64] = match version {
        1 => &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        2 => &[1, 2, 3, 4, 5, 6, 8, 10, 11],
        _ => {
            return Err(format!(
                "its claims are of version {version}, which this TradeSeal does not read"
            ))
        }
    };
    if keys != expected {
        return Err(format!(
            "its claims {keys:?} are not those of version {version}"
        ));
    }
    let key = PublicKey::from_bytes(&bytes(4, 32)?.try_into().expect("32 bytes"))
        .ok_or("claim 4 is not an Ed25519 public key")?;
    let proof = match get(10)? {
        Value::Array(a) => a
            .iter()
            .map(|h| match h {
                Value::Bytes(b) => Hash::from_slice(b),
                _ => None,
            })
            .collect::<Option<Vec<Hash>>>()
            .ok_or("claim 10 is not a list of 32-byte hashes")?,
        _ => return Err("claim 10 is not a list".into()),
    };
    let entry = if version == 1 {
        EntryForm::V1 {
            prev: Hash::from_slice(&bytes(7, 32)?).expect("32 bytes"),
            signature: bytes(9, 64)?.try_into().expect("64 bytes"),
        }
    } else {
        EntryForm::V2
    };
    Ok(Claims {
        org: text(2)?,
        origin: text(3)?,
        key,
        seq: uint(5)?,
        time_ms: uint(6)?,
        payload: text(8)?,
        entry,
        proof,
        checkpoint: text(11)?,
    })
}

const B45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Base45 (RFC 9285 §4).
pub fn base45_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 3 / 2 + 2);
    for pair in data.chunks(2) {
        let (mut n, digits) = match pair {
            [a, b] => (*a as u32 * 256 + *b as u32, 3),
            [a] => (*a as u32, 2),
            _ => unreachable!("chunks of two"),
        };
        for _ in 0..digits {
            out.push(B45[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

/// Base45 decoding; `None` for a character outside the alphabet, a dangling
/// character, or a group beyond its byte range.
pub fn base45_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| B45.iter().position(|&a| a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(digits.len() * 2 / 3 + 1);
    for g in digits.chunks(3) {
        match g {
            [c, d, e] => {
                let n = c + d * 45 + e * 45 * 45;
                if n > 0xffff {
                    return None;
                }
                out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
            }
            [c, d] => {
                let n = c + d * 45;
                if n > 0xff {
                    return None;
                }
                out.push(n as u8);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base45_matches_rfc_9285_examples() {
        assert_eq!(base45_encode(b"AB"), "BB8");
        assert_eq!(base45_encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(base45_encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(base45_decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(base45_decode("GGW"), None, "65535 < GGW = 65536 + …");
        assert_eq!(base45_decode("ab"), None, "lower case is not Base45");
        assert_eq!(base45_decode("BB8B"), None, "a dangling character");
        for n in 0..300usize {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + n) as u8).collect();
            assert_eq!(base45_decode(&base45_encode(&data)).unwrap(), data);
        }
    }
}
