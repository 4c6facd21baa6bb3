//! The sealed dossier file (docs/spec/dossier.md §4): the disclosed fields with their
//! salts, the digests of hidden fields, and the seal: the signer's card, the
//! `dossier.seal` ledger entry that signs the root, and its RFC 9162 inclusion proof
//! against the signer's signed checkpoint. Verified offline, field by field.

use super::checks::{Check, Checks};
use super::model::{Dossier, DOSSIER_FORMAT};
use super::seal::{self, Path, PathText};
use crate::bundle::{BundleVerdict, FindingSeverity};
use crate::canonical;
use crate::checkpoint::{self, Checkpoint};
use crate::entry::{signed_message, Body};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::IdentityCard;
use crate::merkle;
use crate::signature::PublicKey;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use ts_rs::TS;

pub const SEALED_FORMAT: &str = "tradeseal-sealed-dossier/1";
/// A sealed file whose seal entry is a version 2 ledger entry (dossier.md §4.1).
pub const SEALED_FORMAT_V2: &str = "tradeseal-sealed-dossier/2";
pub const KIND_SEAL: &str = "dossier.seal";

/// The payload of a `dossier.seal` entry: what the signature covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealPayload {
    pub dossier: String,
    pub version: u32,
    /// Merkle root of the dossier's leaves, hex.
    pub root: String,
    /// Number of leaves.
    pub fields: u64,
    /// Root of the version this one supersedes, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
}

/// A ledger entry as the seal carries it, with its proof: a version 1 entry (with
/// `prev` and its signature; the proof its RFC 9162 inclusion path against the
/// checkpoint) or a version 2 one (neither; the proof its multiproof in its commit's
/// range tree, the checkpoint its commit's note).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealEntry {
    pub author: String,
    pub seq: u64,
    pub kind: String,
    pub time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    pub payload: Value,
    pub hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Hex hashes: v1, the inclusion path, leaf first; v2, the range multiproof.
    pub proof: Vec<String>,
}

impl SealEntry {
    /// Whether this is a version 2 entry (no `prev`, no signature of its own).
    pub fn is_v2(&self) -> bool {
        self.prev.is_none() && self.signature.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    pub card: IdentityCard,
    pub entry: SealEntry,
    /// The signer's C2SP signed checkpoint note.
    pub checkpoint: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedFile {
    pub format: String,
    /// The disclosed fields (hidden ones absent; arrays keep their length).
    pub dossier: Value,
    /// `[path, salt]` of every disclosed leaf (in path order as TradeSeal writes it).
    pub salts: Vec<(PathText, String)>,
    /// `[path, digest]` of every hidden leaf (digest hex).
    #[serde(default)]
    pub hidden: Vec<(Path, String)>,
    pub seal: Seal,
    /// Attached files of disclosed documents: SHA-256 hex to base64 bytes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachments: BTreeMap<String, String>,
}

/// Builds the file of a sealed dossier, without its attachments (the store adds them,
/// or streams them into the file it writes): `hide` are JSON Pointers (with `*` for
/// any key or index) of the fields to withhold.
pub fn make(doc: Value, seed: &[u8; 32], hide: &[String], seal: Seal) -> Result<SealedFile> {
    let mut hidden_paths: Vec<Path> = Vec::new();
    for h in hide {
        let found = seal::resolve(&doc, h)?;
        if found.is_empty() {
            return Err(Error::invalid("hide", format!("{h} matches no field of this dossier: check the path (JSON Pointer, * for any line)")));
        }
        for p in found {
            if matches!(
                p.first().and_then(Value::as_str),
                Some("format" | "id" | "version")
            ) || p.is_empty()
            {
                return Err(Error::invalid(
                    "hide",
                    format!("{h}: the format, id and version of a dossier are never hidden"),
                ));
            }
            hidden_paths.push(p);
        }
    }
    let mut disclosed = doc;
    let (salts, hidden) = if hidden_paths.is_empty() {
        (seal::salts_of(&disclosed, seed), Vec::new())
    } else {
        let (mut salts, mut hidden, mut removed) = (Vec::new(), Vec::new(), Vec::new());
        for (p, v) in seal::leaf_refs(&disclosed, &[]) {
            let s = seal::salt(seed, &p);
            if hidden_paths.iter().any(|h| seal::is_prefix(h, &p)) {
                hidden.push((p.clone(), seal::digest(&s, &p, v)?.to_hex()));
                removed.push(p);
            } else {
                salts.push((PathText::of(&p), s));
            }
        }
        for p in &removed {
            remove(&mut disclosed, p);
        }
        (salts, hidden)
    };
    let format = if seal.entry.is_v2() {
        SEALED_FORMAT_V2
    } else {
        SEALED_FORMAT
    };
    Ok(SealedFile {
        format: format.into(),
        dossier: disclosed,
        salts,
        hidden,
        seal,
        attachments: BTreeMap::new(),
    })
}

/// Writes `file` as JSON (pretty, with a final newline) with the attachments `files`
/// names (SHA-256 hex, each once) streamed in: `copy(sha, out)` writes a file's bytes,
/// which go through a base64 encoder straight into `out`. The bytes are those of
/// serialising the file with the attachments held in memory (`file.attachments` must
/// be empty), without ever holding one.
pub fn write_json(
    file: &SealedFile,
    files: &[String],
    mut copy: impl FnMut(&str, &mut dyn std::io::Write) -> Result<()>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let io = |e| Error::io("writing the sealed file", e);
    debug_assert!(file.attachments.is_empty());
    let mut sorted: Vec<&String> = files.iter().collect();
    sorted.sort();
    sorted.dedup();
    let text = serde_json::to_vec_pretty(file).expect("a sealed file is JSON");
    if sorted.is_empty() {
        out.write_all(&text).map_err(io)?;
        return out.write_all(b"\n").map_err(io);
    }
    // serde_json's pretty form of the `attachments` map, the struct's last member:
    // keys in order (a BTreeMap's), two spaces an indent level.
    let body = text.strip_suffix(b"\n}").expect("a JSON object");
    out.write_all(body).map_err(io)?;
    out.write_all(b",\n  \"attachments\": {").map_err(io)?;
    for (i, h) in sorted.iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"\n    \"" } else { b",\n    \"" };
        out.write_all(sep).map_err(io)?;
        out.write_all(h.as_bytes()).map_err(io)?;
        out.write_all(b"\": \"").map_err(io)?;
        {
            let mut enc = base64::write::EncoderWriter::new(
                &mut *out,
                &base64::engine::general_purpose::STANDARD,
            );
            copy(h, &mut enc)?;
            enc.finish().map_err(io)?;
        }
        out.write_all(b"\"").map_err(io)?;
    }
    out.write_all(b"\n  }\n}\n").map_err(io)
}

/// The SHA-256 (hex) of the files a dossier's documents name.
pub(crate) fn attached(doc: &Value) -> impl Iterator<Item = &str> {
    doc.get("documents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.pointer("/file/sha256").and_then(Value::as_str))
}

/// Removes the leaf at `path` (object members only; an array keeps its elements).
fn remove(doc: &mut Value, path: &Path) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut v = doc;
    for seg in parents {
        v = match (v, seg) {
            (Value::Object(m), Value::String(k)) => match m.get_mut(k) {
                Some(x) => x,
                None => return,
            },
            (Value::Array(a), Value::Number(n)) => {
                match a.get_mut(
                    n.as_u64()
                        .and_then(|i| usize::try_from(i).ok())
                        .unwrap_or(usize::MAX),
                ) {
                    Some(x) => x,
                    None => return,
                }
            }
            _ => return,
        };
    }
    match (v, last) {
        (Value::Object(m), Value::String(k)) => {
            m.remove(k);
        }
        (Value::Array(a), Value::Number(n)) => {
            // A hidden array element keeps its place: it becomes an empty object
            // whose hidden members are listed.
            if let Some(x) = a.get_mut(
                n.as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .unwrap_or(usize::MAX),
            ) {
                *x = Value::Object(Default::default());
            }
        }
        _ => {}
    }
}

/// The seal as a QR code's text (docs/spec/dossier.md §7): everything needed to check
/// the seal entry's signature offline, given the signer's key.
/// `TSD1.<id>.<version>.<fields>.<seq>.<time ms>.<root>.<prev>.<author>.<signature>[.<supersedes>]`,
/// hashes, keys and signature in base64url without padding.
pub fn qr_text(seal: &Seal) -> Result<String> {
    let e = &seal.entry;
    if e.is_v2() {
        return qr_text_v2(seal);
    }
    let (Some(prev), Some(signature)) = (&e.prev, &e.signature) else {
        return Err(Error::invalid(
            "seal",
            "a version 1 seal entry has both its prev and its signature",
        ));
    };
    let p: SealPayload = serde_json::from_value(e.payload.clone()).map_err(|x| {
        Error::invalid(
            "seal",
            format!("the seal entry's payload is not a dossier seal ({x})"),
        )
    })?;
    let b64 = |hex_text: &str| -> Result<String> {
        hex::decode(hex_text)
            .map(|b| data_encoding::BASE64URL_NOPAD.encode(&b))
            .map_err(|_| Error::invalid("seal", "a hash in the seal entry is not hex"))
    };
    let time = Timestamp::parse_canonical(&e.time)?;
    let mut out = format!(
        "TSD1.{}.{}.{}.{}.{}.{}.{}.{}.{}",
        p.dossier,
        p.version,
        p.fields,
        e.seq,
        time.unix_millis(),
        b64(&p.root)?,
        b64(prev)?,
        b64(&e.author)?,
        b64(signature)?
    );
    if let Some(s) = &p.supersedes {
        out.push('.');
        out.push_str(&b64(s)?);
    }
    Ok(out)
}

/// `TSD2.<id>.<version>.<fields>.<seq>.<time ms>.<root>.<author>.<origin>.<start>.<end>.
/// <tree root>.<set>.<note signature>.<proof>[.<supersedes>]` (dossier.md §5.1): the seal
/// entry, and its commit's note rebuilt from its parts.
fn qr_text_v2(seal: &Seal) -> Result<String> {
    let e = &seal.entry;
    let p: SealPayload = serde_json::from_value(e.payload.clone()).map_err(|x| {
        Error::invalid(
            "seal",
            format!("the seal entry's payload is not a dossier seal ({x})"),
        )
    })?;
    let b64 = |bytes: &[u8]| data_encoding::BASE64URL_NOPAD.encode(bytes);
    let hex32 = |hex_text: &str| -> Result<Vec<u8>> {
        hex::decode(hex_text)
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                Error::invalid("seal", "a hash in the seal entry is not 32 bytes of hex")
            })
    };
    let c = tradeseal_log::commit::read(&seal.checkpoint)?;
    let origin = c
        .checkpoint
        .origin
        .strip_prefix("tradeseal/")
        .filter(|o| o.len() == 16 && o.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            Error::invalid(
                "seal",
                "the commit note's origin is not a TradeSeal ledger's",
            )
        })?;
    let sig = seal_note_signature(&seal.checkpoint)?;
    let mut proof = String::new();
    for h in &e.proof {
        proof.push_str(&b64(&hex32(h)?));
    }
    let time = Timestamp::parse_canonical(&e.time)?;
    let mut out = format!(
        "TSD2.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}",
        p.dossier,
        p.version,
        p.fields,
        e.seq,
        time.unix_millis(),
        b64(&hex32(&p.root)?),
        b64(&hex32(&e.author)?),
        origin,
        c.start,
        c.end(),
        b64(&c.checkpoint.root.0),
        c.set.map_or("-".to_string(), |s| s.to_string()),
        b64(&sig),
        proof,
    );
    if let Some(s) = &p.supersedes {
        out.push('.');
        out.push_str(&b64(&hex32(s)?));
    }
    Ok(out)
}

/// The 64 bytes of a signed note's one signature.
fn seal_note_signature(note: &str) -> Result<Vec<u8>> {
    let bad = || Error::invalid("seal", "the commit note does not carry one signature");
    let line = note
        .split("\n\n")
        .nth(1)
        .and_then(|s| s.lines().next())
        .ok_or_else(bad)?;
    let blob = line.rsplit(' ').next().ok_or_else(bad)?;
    let bytes = data_encoding::BASE64
        .decode(blob.as_bytes())
        .map_err(|_| bad())?;
    (bytes.len() == 68)
        .then(|| bytes[4..].to_vec())
        .ok_or_else(bad)
}

/// A seal read from a QR code.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct QrSeal {
    pub id: String,
    pub version: u32,
    #[ts(type = "number")]
    pub fields: u64,
    #[ts(type = "number")]
    pub seq: u64,
    pub sealed_at: String,
    pub root: String,
    /// The signer's public key (hex) and its fingerprint.
    pub key: String,
    pub fingerprint: String,
    #[ts(optional)]
    pub supersedes: Option<String>,
    /// The seal entry's signature verifies under `key`.
    pub signature_valid: bool,
}

/// Reads and checks a seal QR code's text: the entry is rebuilt from it and its strict
/// Ed25519 signature checked. Whether `key` is a signer to trust is the caller's to say.
pub fn verify_qr(text: &str) -> Result<QrSeal> {
    let bad = |why: &str| Error::invalid("qr", format!("not a TradeSeal dossier seal: {why}"));
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.first() == Some(&"TSD2") {
        return verify_qr_v2(&parts);
    }
    if parts.first() != Some(&"TSD1") {
        return Err(bad("it does not start with TSD1 or TSD2"));
    }
    if !(parts.len() == 10 || parts.len() == 11) {
        return Err(bad("it has the wrong number of parts"));
    }
    // One text a seal: decimal digits as written, no sign, no leading zero.
    let bytes = qr_bytes;
    let (id, version, fields, seq, ms) = qr_head(&parts)?;
    let root = hex::encode(bytes(parts[6], 32)?);
    let prev = Hash::from_slice(&bytes(parts[7], 32)?).expect("32 bytes");
    let author: [u8; 32] = bytes(parts[8], 32)?.try_into().expect("32 bytes");
    let sig: [u8; 64] = bytes(parts[9], 64)?.try_into().expect("64 bytes");
    let supersedes = parts
        .get(10)
        .map(|s| bytes(s, 32).map(hex::encode))
        .transpose()?;
    let payload = SealPayload {
        dossier: id.clone(),
        version,
        root: root.clone(),
        fields,
        supersedes: supersedes.clone(),
    };
    let time = Timestamp::from_unix_millis(ms)?;
    let body = Body {
        seq,
        kind: KIND_SEAL.into(),
        time,
        author,
        prev,
        payload: canonical::to_canonical(&payload)?,
    };
    let key =
        PublicKey::from_bytes(&author).ok_or_else(|| bad("the key is not a valid Ed25519 key"))?;
    let signature_valid = key.verify(&signed_message(&body.hash()), &sig);
    Ok(QrSeal {
        id,
        version,
        fields,
        seq,
        sealed_at: time.to_rfc3339(),
        root,
        key: key.to_hex(),
        fingerprint: crate::identity::fingerprint(&key),
        supersedes,
        signature_valid,
    })
}

fn qr_bad(why: &str) -> Error {
    Error::invalid("qr", format!("not a TradeSeal dossier seal: {why}"))
}

/// `n` bytes in base64url without padding, as a seal's QR text writes them.
fn qr_bytes(s: &str, n: usize) -> Result<Vec<u8>> {
    data_encoding::BASE64URL_NOPAD
        .decode(s.as_bytes())
        .ok()
        .filter(|b| b.len() == n)
        .ok_or_else(|| qr_bad("a hash, key or signature is malformed"))
}

/// The parts both `TSD1` and `TSD2` begin with: id, version, fields, seq, time (ms).
fn qr_head(parts: &[&str]) -> Result<(String, u32, u64, u64, i64)> {
    let num = |s: &str| qr_number(s).ok_or_else(|| qr_bad("a number is malformed"));
    Ok((
        parts[1].to_string(),
        u32::try_from(num(parts[2])?).map_err(|_| qr_bad("the version is out of range"))?,
        num(parts[3])?,
        num(parts[4])?,
        i64::try_from(num(parts[5])?).map_err(|_| qr_bad("the time is out of range"))?,
    ))
}

/// A decimal number as a seal's QR text writes it: digits, no sign, no leading zero.
fn qr_number(s: &str) -> Option<u64> {
    Some(s)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .filter(|s| s.len() == 1 || !s.starts_with('0'))
        .and_then(|s| s.parse::<u64>().ok())
}

/// `TSD2` (dossier.md §5.1): the entry rebuilt as a version 2 body, its leaf led by the
/// proof to the commit's range root, and the commit note rebuilt and its signature
/// checked under the author's key.
fn verify_qr_v2(parts: &[&str]) -> Result<QrSeal> {
    let bad = |why: &str| Error::invalid("qr", format!("not a TradeSeal dossier seal: {why}"));
    if !(parts.len() == 15 || parts.len() == 16) {
        return Err(bad("it has the wrong number of parts"));
    }
    let num = |s: &str| qr_number(s).ok_or_else(|| bad("a number is malformed"));
    let bytes = qr_bytes;
    let (id, version, fields, seq, ms) = qr_head(parts)?;
    let root = hex::encode(bytes(parts[6], 32)?);
    let author: [u8; 32] = bytes(parts[7], 32)?.try_into().expect("32 bytes");
    let origin = Some(parts[8])
        .filter(|o| o.len() == 16 && o.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .map(|o| format!("tradeseal/{o}"))
        .ok_or_else(|| bad("the ledger origin is malformed"))?;
    let (start, end) = (num(parts[9])?, num(parts[10])?);
    let tree_root = Hash::from_slice(&bytes(parts[11], 32)?).expect("32 bytes");
    let set = match parts[12] {
        "-" => None,
        s => Some(num(s)?),
    };
    let sig = bytes(parts[13], 64)?;
    let proof_text = parts[14];
    // Sliced by bytes below: only ASCII (base64url) can be, any other text is refused.
    if !proof_text.is_ascii() || proof_text.len() % 43 != 0 {
        return Err(bad("the proof is malformed"));
    }
    let proof = (0..proof_text.len() / 43)
        .map(|i| {
            bytes(&proof_text[i * 43..(i + 1) * 43], 32)
                .map(|b| Hash::from_slice(&b).expect("32 bytes"))
        })
        .collect::<Result<Vec<Hash>>>()?;
    let supersedes = parts
        .get(15)
        .map(|s| bytes(s, 32).map(hex::encode))
        .transpose()?;
    let payload = SealPayload {
        dossier: id.clone(),
        version,
        root: root.clone(),
        fields,
        supersedes: supersedes.clone(),
    };
    let time = Timestamp::from_unix_millis(ms)?;
    let body = tradeseal_log::entry::BodyV2 {
        seq,
        kind: KIND_SEAL.into(),
        time,
        author,
        payload: canonical::to_canonical(&payload)?,
    };
    let key =
        PublicKey::from_bytes(&author).ok_or_else(|| bad("the key is not a valid Ed25519 key"))?;
    let range_root = (start <= seq && seq < end)
        .then(|| merkle::multiproof_root(end - start, &[(seq - start, body.leaf_hash())], &proof))
        .flatten();
    let signature_valid = range_root.is_some_and(|range_root| {
        let commit = tradeseal_log::commit::Commit {
            checkpoint: Checkpoint {
                origin: origin.clone(),
                size: end,
                root: tree_root,
            },
            start,
            time,
            range_root,
            set,
        };
        let mut blob = checkpoint::key_id(&origin, &key).to_vec();
        blob.extend_from_slice(&sig);
        let note = format!(
            "{}\n\u{2014} {origin} {}\n",
            commit.body(),
            data_encoding::BASE64.encode(&blob)
        );
        tradeseal_log::commit::open(&note, &key).is_ok()
    });
    Ok(QrSeal {
        id,
        version,
        fields,
        seq,
        sealed_at: time.to_rfc3339(),
        root,
        key: key.to_hex(),
        fingerprint: crate::identity::fingerprint(&key),
        supersedes,
        signature_valid,
    })
}

/// What checking a sealed dossier found.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct SealReport {
    pub verdict: BundleVerdict,
    #[ts(optional)]
    pub id: Option<String>,
    #[ts(optional)]
    pub version: Option<u32>,
    #[ts(optional)]
    pub root: Option<String>,
    /// The signer's organisation and fingerprint, from its card.
    #[ts(optional)]
    pub signer: Option<String>,
    #[ts(optional)]
    pub fingerprint: Option<String>,
    #[ts(optional)]
    pub sealed_at: Option<String>,
    #[ts(optional, type = "number")]
    pub seq: Option<u64>,
    #[ts(type = "number")]
    pub fields: u64,
    /// JSON Pointers of the hidden fields.
    pub hidden: Vec<String>,
    /// Attached files present and matching their SHA-256.
    pub attachments: u32,
    /// Problems with the seal (rules `seal`), most severe first.
    pub findings: Vec<Check>,
    /// Field checks of the disclosed dossier (rules `dossier`); only for a dossier
    /// with nothing hidden.
    pub checks: Vec<Check>,
    /// The disclosed dossier.
    #[ts(type = "unknown")]
    pub dossier: Value,
    /// For a Verifiable Credential (vc+jwt): its issuer's `did:key`, the JWS verified.
    #[ts(optional)]
    pub credential_issuer: Option<String>,
}

/// The signer's standing at a time, as the receiver's trust store says, with the name
/// the receiver recorded for the key (`None`: no store).
pub type Standing<'a> =
    Option<&'a dyn Fn(&str, i64) -> (crate::parties::SignerStatus, Option<String>)>;

/// The standing of signers in `ledger`'s trust store (the home's own key: `own_org`).
pub fn standing_in<'a>(
    ledger: &'a crate::ledger::Ledger,
    own_org: &'a str,
) -> impl Fn(&str, i64) -> (crate::parties::SignerStatus, Option<String>) + 'a {
    move |key: &str, ms: i64| {
        let status = crate::parties::signer_standing(ledger, key)
            .map(|s| s.at(ms))
            .unwrap_or(crate::parties::SignerStatus::Unknown);
        let name = match status {
            crate::parties::SignerStatus::Own => Some(own_org.to_string()),
            _ => crate::parties::find(ledger, key).ok().map(|p| p.card.org),
        };
        (status, name)
    }
}

/// Verifies a sealed dossier file: every disclosed field against its salt, the hidden
/// digests, the root against the signed entry, the entry against the checkpoint.
/// Never fails: what is wrong is in the report.
pub fn verify(
    text: &str,
    lists: &crate::codelists::CodeLists,
    standing: Standing<'_>,
) -> SealReport {
    let mut x = examine(text, lists, &Opened::default());
    if let Some(p) = x.signature.take() {
        let good = p.key.verify(&p.message, &p.signature);
        x.settle_signature(good);
    }
    x.conclude(standing)
}

/// Verifies many received files as [`verify`] does each, on every core: the seal
/// entries' signatures checked in batches (`signature::verify_many`, strict), a
/// checkpoint several files share opened once. Reports in the order of `texts`.
pub fn verify_many(
    texts: &[&str],
    lists: &crate::codelists::CodeLists,
    standing: Standing<'_>,
) -> Vec<SealReport> {
    use rayon::prelude::*;
    let opened = Opened::default();
    let mut xs: Vec<Examined> = texts
        .par_iter()
        .map(|t| examine(t, lists, &opened))
        .collect();
    let pending: Vec<(usize, PendingSignature)> = xs
        .iter_mut()
        .enumerate()
        .filter_map(|(i, x)| x.signature.take().map(|p| (i, p)))
        .collect();
    let items: Vec<(&PublicKey, &[u8], &[u8; 64])> = pending
        .iter()
        .map(|(_, p)| (&p.key, &p.message[..], &p.signature))
        .collect();
    let bad: std::collections::HashSet<usize> = crate::signature::verify_many(&items)
        .into_iter()
        .map(|k| pending[k].0)
        .collect();
    for (i, _) in &pending {
        xs[*i].settle_signature(!bad.contains(i));
    }
    xs.into_iter().map(|x| x.conclude(standing)).collect()
}

/// A seal entry's signature, checked after the rest (alone or in a batch).
struct PendingSignature {
    key: PublicKey,
    message: Vec<u8>,
    signature: [u8; 64],
}

/// Checkpoints already opened in a batch: files of one sealing carry the same one.
#[derive(Default)]
struct Opened(std::sync::Mutex<std::collections::HashMap<(String, String, String), Checkpoint>>);

impl Opened {
    /// A version 2 commit note of the ledger `origin`, signed by `key`.
    fn open_commit(
        &self,
        note: &str,
        origin: &str,
        key: &PublicKey,
    ) -> Result<tradeseal_log::commit::Commit> {
        let c = tradeseal_log::commit::open(note, key)?;
        if c.checkpoint.origin != origin {
            return Err(Error::invalid(
                "checkpoint",
                format!(
                    "the note is of the ledger {}, not the signer's {origin}",
                    c.checkpoint.origin
                ),
            ));
        }
        Ok(c)
    }

    fn open(&self, note: &str, origin: &str, key: &PublicKey) -> Result<Checkpoint> {
        let k = (note.to_string(), origin.to_string(), key.to_hex());
        if let Some(cp) = self.0.lock().expect("not poisoned").get(&k) {
            return Ok(cp.clone());
        }
        let cp = checkpoint::open(note, origin, key)?;
        self.0.lock().expect("not poisoned").insert(k, cp.clone());
        Ok(cp)
    }
}

/// A file examined but for its entry's signature and the signer's standing.
struct Examined {
    r: SealReport,
    f: Checks,
    signature: Option<PendingSignature>,
    /// The signer's key (hex), the seal's time (Unix ms), and the card's name.
    signer: Option<(String, i64, String)>,
}

impl Examined {
    fn settle_signature(&mut self, good: bool) {
        if !good {
            self.f.error(
                "seal-signature",
                "/seal/entry/signature",
                None,
                "the seal entry's signature does not verify",
                "the seal was forged or altered: do not rely on this dossier",
            );
        }
    }

    /// Step 5, the signer's standing with the receiver, and the verdict.
    fn conclude(self, standing: Standing<'_>) -> SealReport {
        let Examined {
            mut r,
            mut f,
            signer,
            ..
        } = self;
        if let (Some(st), Some((key, ms, org))) = (standing, signer) {
            let fingerprint = r.fingerprint.clone().unwrap_or_default();
            use crate::parties::SignerStatus as S;
            let (status, recorded) = st(&key, ms);
            if let Some(name) = recorded.filter(|n| *n != org) {
                f.add(
                    "signer-name",
                    FindingSeverity::Info,
                    "/seal/card/org",
                    None,
                    format!("the card names the signer {org:?}; you recorded this key as {name:?}"),
                    "the seal is by the key you know; its name on the card is not signed",
                );
                r.signer = Some(name);
            }
            match status {
                S::Own | S::Trusted => {}
                S::Unknown => f.add("signer-unknown", FindingSeverity::Warning, "/seal/card", None, format!("{org} (fingerprint {fingerprint}) is not a trusted partner"), "compare the fingerprint with the signer by phone or in person, then `tradeseal party add` and `party trust`"),
                S::Distrusted => f.error("signer-distrusted", "/seal/card", None, format!("you decided not to trust {org}"), "do not rely on this dossier"),
                S::Revoked { from, reason } => f.error("signer-revoked", "/seal/card", None, format!("{org}'s key was revoked from {from} ({reason}), before the seal"), "do not rely on this dossier"),
                S::RevokedLater { from, reason } => f.add("signer-revoked-later", FindingSeverity::Info, "/seal/card", None, format!("{org}'s key was revoked from {from} ({reason}), after the seal"), "the seal stands; note the later revocation"),
            }
        }
        finish(r, f)
    }
}

/// Everything [`verify`] checks but the entry's signature (left pending) and the
/// signer's standing.
fn examine(text: &str, lists: &crate::codelists::CodeLists, opened: &Opened) -> Examined {
    let mut f = Checks::new("seal");
    let mut r = SealReport {
        verdict: BundleVerdict::Failed,
        id: None,
        version: None,
        root: None,
        signer: None,
        fingerprint: None,
        sealed_at: None,
        seq: None,
        fields: 0,
        hidden: Vec::new(),
        attachments: 0,
        findings: Vec::new(),
        checks: Vec::new(),
        dossier: Value::Null,
        credential_issuer: None,
    };
    let file: SealedFile = match serde_json::from_str(text) {
        Ok(x) => x,
        Err(e) => {
            let v: Option<Value> = serde_json::from_str(text).ok();
            let format = v
                .as_ref()
                .and_then(|v| v.get("format"))
                .and_then(Value::as_str);
            match format {
                Some(fm) if fm != SEALED_FORMAT && fm != SEALED_FORMAT_V2 => f.error("sealed-format", "/format", None, format!("the file is {fm:?}, not {SEALED_FORMAT}"), "update TradeSeal, or ask the sender for a file in the format this version reads"),
                _ => f.error("malformed", "", None, format!("not a sealed dossier file: {e}"), "ask the sender for the file again: it was cut short or is another kind of file"),
            }
            return Examined {
                r,
                f,
                signature: None,
                signer: None,
            };
        }
    };
    let v2 = file.format == SEALED_FORMAT_V2;
    if v2 != file.seal.entry.is_v2()
        || (!v2 && (file.seal.entry.prev.is_none() || file.seal.entry.signature.is_none()))
    {
        f.error(
            "malformed",
            "/seal/entry",
            None,
            format!(
                "a {} file's seal entry has {}",
                file.format,
                if v2 {
                    "a prev or a signature of its own (version 1's)"
                } else {
                    "no prev or no signature"
                }
            ),
            "ask the sender for the file again: it was altered or is damaged",
        );
        return Examined {
            r,
            f,
            signature: None,
            signer: None,
        };
    }
    if file.format != SEALED_FORMAT && !v2 {
        f.error(
            "sealed-format",
            "/format",
            None,
            format!("the file is {:?}, not {SEALED_FORMAT}", file.format),
            "update TradeSeal, or ask the sender for a file in the format this version reads",
        );
        return Examined {
            r,
            f,
            signature: None,
            signer: None,
        };
    }
    r.id = file
        .dossier
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string);
    r.version = file
        .dossier
        .get("version")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok());
    r.hidden = file.hidden.iter().map(|(p, _)| seal::pointer(p)).collect();

    // 1. The fields against the root. TradeSeal writes the salts in path order, so a
    // walk of the document meets them one by one; any other file goes the general way.
    let in_order = if file.hidden.is_empty() {
        seal::leaf_hashes_in_order(&file.dossier, &file.salts)
    } else {
        None
    };
    let (root, fields, fields_ok) = match in_order {
        Some(leaves) => (
            Some(merkle::root_of_leaf_hashes(&leaves)),
            leaves.len() as u64,
            true,
        ),
        None => root_the_general_way(&file, &mut f),
    };
    r.fields = fields;
    r.root = root.map(|h| h.to_hex());

    // 2. The card, the entry, the checkpoint.
    let s = &file.seal;
    let card = match crate::parties::check_card(&s.card) {
        Ok(c) => Some(c),
        Err(e) => {
            f.error(
                "seal-card",
                "/seal/card",
                None,
                format!("the signer's card is not valid: {e}"),
                "ask the signer for their identity card and compare its fingerprint",
            );
            None
        }
    };
    r.signer = Some(s.card.org.clone());
    r.fingerprint = Some(s.card.fingerprint.clone());
    r.seq = Some(s.entry.seq);
    r.sealed_at = Some(s.entry.time.clone());
    let key = card
        .as_ref()
        .and_then(|c| PublicKey::from_hex(&c.public_key));
    let e = &s.entry;
    if let Some(k) = &key {
        if e.author != k.to_hex() {
            f.error("seal-signer", "/seal/entry/author", None, "the seal entry was not signed by the key of the card it carries", "ask the sender for the dossier again; a seal made before a key rotation is not exported by this version");
        }
    }
    let mut signature_pending = None;
    if v2 {
        check_v2_entry(
            e,
            &s.checkpoint,
            card.as_ref(),
            key.as_ref(),
            opened,
            &mut f,
        );
    } else {
        let body = (|| -> Option<Body> {
            Some(Body {
                seq: e.seq,
                kind: e.kind.clone(),
                time: Timestamp::parse_canonical(&e.time).ok()?,
                author: hex::decode(&e.author).ok()?.try_into().ok()?,
                prev: Hash::from_hex(e.prev.as_deref()?)?,
                payload: canonical::value_to_canonical(&e.payload).ok()?,
            })
        })();
        let entry_hash = Hash::from_hex(&e.hash);
        match (&body, entry_hash) {
            (Some(b), Some(h)) if b.hash() == h => {
                let sig: Option<[u8; 64]> = e
                    .signature
                    .as_deref()
                    .and_then(|t| hex::decode(t).ok())
                    .and_then(|v| v.try_into().ok());
                match (sig, PublicKey::from_bytes(&b.author)) {
                    (Some(signature), Some(key)) => {
                        signature_pending = Some(PendingSignature {
                            key,
                            message: signed_message(&h),
                            signature,
                        })
                    }
                    _ => f.error(
                        "seal-signature",
                        "/seal/entry/signature",
                        None,
                        "the seal entry's signature does not verify",
                        "the seal was forged or altered: do not rely on this dossier",
                    ),
                }
            }
            _ => f.error(
                "seal-entry-hash",
                "/seal/entry",
                None,
                "the seal entry does not hash to its entry hash: it was altered after signing",
                "do not rely on this dossier; ask the sender for it again",
            ),
        }
        if let (Some(c), Some(k), Some(h)) = (&card, &key, entry_hash) {
            match opened.open(&s.checkpoint, &c.origin, k) {
                Ok(cp) => {
                    let proof: Option<Vec<Hash>> =
                        e.proof.iter().map(|x| Hash::from_hex(x)).collect();
                    let ok = proof.is_some_and(|p| {
                        merkle::verify_inclusion(
                            &merkle::leaf_hash(&h.0),
                            e.seq,
                            cp.size,
                            &p,
                            &cp.root,
                        )
                    });
                    if !ok {
                        f.error(
                            "seal-inclusion",
                            "/seal/entry/proof",
                            None,
                            "the seal entry is not in the signer's ledger as its checkpoint signs it",
                            "ask the sender for the dossier again",
                        );
                    }
                }
                Err(x) => f.error(
                    "seal-checkpoint",
                    "/seal/checkpoint",
                    None,
                    format!("the checkpoint does not verify: {x}"),
                    "ask the sender for the dossier again",
                ),
            }
        }
    }

    // 3. The entry says what it seals.
    match serde_json::from_value::<SealPayload>(e.payload.clone()) {
        Ok(p) if e.kind == KIND_SEAL => {
            if Some(&p.dossier) != r.id.as_ref() || Some(p.version) != r.version {
                f.error(
                    "seal-payload",
                    "/seal/entry/payload",
                    None,
                    format!(
                        "the seal is for dossier {} version {}, the file shows {} version {}",
                        p.dossier,
                        p.version,
                        r.id.as_deref().unwrap_or("?"),
                        r.version.map(|v| v.to_string()).unwrap_or("?".into())
                    ),
                    "ask the sender for the dossier again",
                );
            }
            if !fields_ok || r.root.as_deref() != Some(p.root.as_str()) || r.fields != p.fields {
                f.error("seal-root", "/dossier", None, format!("the dossier's fields do not hash to the sealed root ({} of {} fields, root {}): a field was changed, added or removed after sealing", r.fields, p.fields, p.root), "do not rely on this copy; ask the sender for the dossier again");
            }
        }
        _ => f.error(
            "seal-payload",
            "/seal/entry/kind",
            None,
            format!("the entry is a {:?}, not a dossier seal", e.kind),
            "ask the sender for the sealed dossier file",
        ),
    }

    // 4. Attachments.
    let referenced: Vec<&str> = attached(&file.dossier).collect();
    for (h, b64) in &file.attachments {
        let ok = data_encoding::BASE64
            .decode(b64.as_bytes())
            .ok()
            .is_some_and(|b| Hash::of(&b).to_hex() == *h);
        if !ok {
            f.error(
                "attachment-mismatch",
                &format!("/attachments/{h}"),
                None,
                "an attached file does not match its SHA-256",
                "the file was replaced after sealing: do not rely on it",
            );
        } else if !referenced.contains(&h.as_str()) {
            f.error(
                "attachment-mismatch",
                &format!("/attachments/{h}"),
                None,
                "an attached file no document of the dossier names",
                "ask the sender for the dossier again",
            );
        } else {
            r.attachments += 1;
        }
    }
    for h in referenced {
        if !file.attachments.contains_key(h) {
            f.add(
                "attachment-missing",
                FindingSeverity::Info,
                "/attachments",
                None,
                format!("the file with SHA-256 {h} is not attached"),
                "ask the sender for the file; its SHA-256 is sealed, so any copy can be checked",
            );
        }
    }

    // 5. (The signer's standing: `Examined::conclude`.)
    let signer = key.as_ref().map(|k| {
        let ms = Timestamp::parse_canonical(&e.time)
            .map(|t| t.unix_millis())
            .unwrap_or(0);
        (k.to_hex(), ms, s.card.org.clone())
    });

    // 6. The disclosed dossier's own fields, when nothing is hidden.
    if file.hidden.is_empty() {
        if let Ok(d) = <Dossier as serde::Deserialize>::deserialize(&file.dossier) {
            if d.format == DOSSIER_FORMAT {
                r.checks = super::checks::validate(&d, lists);
            }
        }
    }
    r.dossier = file.dossier;
    Examined {
        r,
        f,
        signature: signature_pending,
        signer,
    }
}

/// Step 2 for a version 2 seal entry (dossier.md §4.1): the body rebuilt hashes to
/// `hash` (`seal-entry-hash`); the commit note verifies under the card's key and names
/// its origin (`seal-checkpoint`: the note's signature is what authenticates the
/// entry); the entry is in the commit at its time and the range multiproof leads from
/// its leaf to the note's range root (`seal-inclusion`).
fn check_v2_entry(
    e: &SealEntry,
    note: &str,
    card: Option<&IdentityCard>,
    key: Option<&PublicKey>,
    opened: &Opened,
    f: &mut Checks,
) {
    let body = (|| -> Option<tradeseal_log::entry::BodyV2> {
        Some(tradeseal_log::entry::BodyV2 {
            seq: e.seq,
            kind: e.kind.clone(),
            time: Timestamp::parse_canonical(&e.time).ok()?,
            author: hex::decode(&e.author).ok()?.try_into().ok()?,
            payload: canonical::value_to_canonical(&e.payload).ok()?,
        })
    })();
    let Some(body) = body.filter(|b| Hash::from_hex(&e.hash) == Some(b.hash())) else {
        f.error(
            "seal-entry-hash",
            "/seal/entry",
            None,
            "the seal entry does not hash to its entry hash: it was altered after its commit",
            "do not rely on this dossier; ask the sender for it again",
        );
        return;
    };
    let (Some(c), Some(k)) = (card, key) else {
        return;
    };
    match opened.open_commit(note, &c.origin, k) {
        Ok(commit) => {
            let proof: Option<Vec<Hash>> = e.proof.iter().map(|x| Hash::from_hex(x)).collect();
            let inside = (commit.start..commit.end()).contains(&e.seq) && commit.time == body.time;
            let root = proof.filter(|_| inside).and_then(|p| {
                merkle::multiproof_root(
                    commit.end() - commit.start,
                    &[(e.seq - commit.start, body.leaf_hash())],
                    &p,
                )
            });
            if root != Some(commit.range_root) {
                f.error(
                    "seal-inclusion",
                    "/seal/entry/proof",
                    None,
                    "the seal entry is not in the commit whose note the signer signed",
                    "ask the sender for the dossier again",
                );
            }
        }
        Err(x) => f.error(
            "seal-checkpoint",
            "/seal/checkpoint",
            None,
            format!("the commit note does not verify: {x}"),
            "the seal was forged or altered: do not rely on this dossier",
        ),
    }
}

/// Step 1 the general way (fields hidden, or salts in another order or form): every
/// salt names a disclosed leaf, no two the same, and there are as many salts as
/// leaves (so each leaf has exactly one). Returns the root, the leaf count and
/// whether every field could be hashed.
fn root_the_general_way(file: &SealedFile, f: &mut Checks) -> (Option<Hash>, u64, bool) {
    let hidden_paths: Vec<&Path> = file.hidden.iter().map(|(p, _)| p).collect();
    let is_leaf = |p: &Path, v: &Value| match v {
        Value::Object(m) if !m.is_empty() => false,
        Value::Array(a) if !a.is_empty() => false,
        Value::Object(_) | Value::Array(_) => !hidden_paths
            .iter()
            .any(|h| h.len() > p.len() && seal::is_prefix(p, h)),
        _ => true,
    };
    let mut digests = Vec::with_capacity(file.salts.len() + file.hidden.len());
    let mut fields_ok = true;
    let mut salts: Vec<(Path, &str)> = Vec::with_capacity(file.salts.len());
    for (text, salt) in &file.salts {
        match text.parse() {
            Some(p) => salts.push((p, salt)),
            None => {
                f.error(
                    "malformed",
                    "/salts",
                    None,
                    format!(
                        "a salt's path {} is not a list of keys and indices",
                        text.get()
                    ),
                    "ask the sender for the dossier again",
                );
                fields_ok = false;
            }
        }
    }
    for (p, salt) in &salts {
        match seal::value_at(&file.dossier, p).filter(|v| is_leaf(p, v)) {
            Some(v) => match seal::digest(salt, p, v) {
                Ok(d) => digests.push((p.clone(), d)),
                Err(_) => fields_ok = false,
            },
            None => {
                let ptr = seal::pointer(p);
                f.error("seal-salt", &ptr, None, format!("a salt for {ptr}, which is not a field of this copy: a field was removed without being listed as hidden"), "ask the sender for the dossier again");
                fields_ok = false;
            }
        }
    }
    let disclosed = seal::count_leaves(&file.dossier, &hidden_paths);
    if fields_ok && disclosed != file.salts.len() {
        fields_ok = false;
        // Name the fields without a salt (the slow way: only for a failing file).
        let salted: std::collections::HashSet<String> =
            salts.iter().map(|(p, _)| seal::pointer(p)).collect();
        let owned: Vec<Path> = file.hidden.iter().map(|(p, _)| p.clone()).collect();
        for (p, _) in seal::leaves(&file.dossier, &owned) {
            let ptr = seal::pointer(&p);
            if !salted.contains(&ptr) {
                f.error(
                    "seal-salt",
                    &ptr,
                    None,
                    format!("the field {ptr} has no salt: it was added after sealing"),
                    "ask the sender for the dossier again; do not rely on this field",
                );
            }
        }
        if disclosed < file.salts.len() {
            f.error(
                "seal-salt",
                "",
                None,
                format!(
                    "{} salts for {disclosed} disclosed fields: a field is salted twice",
                    file.salts.len()
                ),
                "ask the sender for the dossier again",
            );
        }
    }
    for (p, d) in &file.hidden {
        match Hash::from_hex(d) {
            Some(h) => digests.push((p.clone(), h)),
            None => {
                f.error(
                    "malformed",
                    &seal::pointer(p),
                    None,
                    "a hidden field's digest is not a lowercase hex SHA-256",
                    "ask the sender for the dossier again",
                );
                fields_ok = false;
            }
        }
    }
    let n = digests.len() as u64;
    (seal::root(digests).ok(), n, fields_ok)
}

fn finish(mut r: SealReport, f: Checks) -> SealReport {
    (r.verdict, r.findings) = f.verdict();
    r
}
