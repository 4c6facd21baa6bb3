//! Sealing (docs/spec/dossier.md §3): the dossier as leaves of salted per-field
//! hashes under one RFC 9162 Merkle root, so that a copy with fields hidden still
//! proves against the root the seal entry signed.
//!
//! A leaf is a scalar (string, number, boolean) or an empty object or array, at a path
//! of object keys (strings) and array indices (numbers). Its disclosure is the
//! canonical JSON `[salt, path, value]`; its digest the SHA-256 of that; its tree leaf
//! the canonical JSON `[path, digest]`, so a hidden field's place is bound too.

use crate::canonical;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::merkle;
use data_encoding::BASE64URL_NOPAD;
use serde_json::value::RawValue;
use serde_json::Value;
use std::cmp::Ordering;

/// Domain separation of the salts derived from a dossier version's seed.
const SALT_CONTEXT: &[u8] = b"tradeseal dossier salt v1\0";

/// A path segment: an object key (JSON string) or an array index (JSON number).
pub type Path = Vec<Value>;

/// Total order of paths: segment by segment (indices numerically, before keys; keys
/// by their UTF-8 bytes), a path before any longer path it starts.
pub fn path_order(a: &Path, b: &Path) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Value::Number(m), Value::Number(n)) => m.as_u64().cmp(&n.as_u64()),
            (Value::Number(_), _) => Ordering::Less,
            (_, Value::Number(_)) => Ordering::Greater,
            (Value::String(s), Value::String(t)) => s.as_bytes().cmp(t.as_bytes()),
            _ => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// RFC 6901 JSON Pointer of a path (`/lines/0/value`).
pub fn pointer(path: &Path) -> String {
    let mut out = String::new();
    for s in path {
        out.push('/');
        match s {
            Value::String(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

/// The path of a JSON Pointer into `doc` (array indices where `doc` has arrays);
/// `*` matches any key or index. Returns every matching path.
pub fn resolve(doc: &Value, ptr: &str) -> Result<Vec<Path>> {
    if !ptr.starts_with('/') {
        return Err(Error::invalid("hide", format!("{ptr:?} is not a JSON Pointer: start it with / (/valuation/total_invoiced, /lines/*/value)")));
    }
    let segs: Vec<String> = ptr[1..]
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut found = vec![(Vec::new(), doc)];
    for seg in &segs {
        let mut next = Vec::new();
        for (path, v) in found {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        if seg == "*" || k == seg {
                            let mut p = path.clone();
                            p.push(Value::String(k.clone()));
                            next.push((p, x));
                        }
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        if seg == "*" || seg.parse::<usize>().ok() == Some(i) {
                            let mut p = path.clone();
                            p.push(Value::from(i as u64));
                            next.push((p, x));
                        }
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    Ok(found.into_iter().map(|(p, _)| p).collect())
}

/// The value at `path` in `doc`, if there is one.
pub fn value_at<'a>(doc: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut v = doc;
    for seg in path {
        v = match (v, seg) {
            (Value::Object(m), Value::String(k)) => m.get(k)?,
            (Value::Array(a), Value::Number(n)) => a.get(usize::try_from(n.as_u64()?).ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// How many leaves `leaves(doc, hidden)` would list, without listing them.
pub fn count_leaves(doc: &Value, hidden: &[&Path]) -> usize {
    fn walk(v: &Value, path: &mut Vec<Value>, hidden: &[&Path], n: &mut usize) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    path.push(Value::String(k.clone()));
                    walk(x, path, hidden, n);
                    path.pop();
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    path.push(Value::from(i as u64));
                    walk(x, path, hidden, n);
                    path.pop();
                }
            }
            Value::Object(_) | Value::Array(_) => {
                if !hidden
                    .iter()
                    .any(|h| h.len() > path.len() && is_prefix(path, h))
                {
                    *n += 1;
                }
            }
            _ => *n += 1,
        }
    }
    fn plain(v: &Value) -> usize {
        match v {
            Value::Object(m) if !m.is_empty() => m.values().map(plain).sum(),
            Value::Array(a) if !a.is_empty() => a.iter().map(plain).sum(),
            _ => 1,
        }
    }
    if hidden.is_empty() {
        return plain(doc);
    }
    let mut n = 0;
    walk(doc, &mut Vec::new(), hidden, &mut n);
    n
}

pub fn is_prefix(prefix: &Path, path: &Path) -> bool {
    prefix.len() <= path.len() && prefix.iter().zip(path).all(|(a, b)| a == b)
}

/// The leaves of `doc`. An empty object or array is a leaf unless a path in
/// `hidden` lies under it (its members were hidden, not absent).
pub fn leaves(doc: &Value, hidden: &[Path]) -> Vec<(Path, Value)> {
    leaf_refs(doc, hidden)
        .into_iter()
        .map(|(p, v)| (p, v.clone()))
        .collect()
}

/// The leaves of `doc`, values borrowed.
pub fn leaf_refs<'a>(doc: &'a Value, hidden: &[Path]) -> Vec<(Path, &'a Value)> {
    fn walk<'a>(v: &'a Value, path: &mut Path, hidden: &[Path], out: &mut Vec<(Path, &'a Value)>) {
        let empty = match v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => true,
        };
        if empty {
            let covers = matches!(v, Value::Object(_) | Value::Array(_))
                && hidden
                    .iter()
                    .any(|h| h.len() > path.len() && is_prefix(path, h));
            if !covers {
                out.push((path.clone(), v));
            }
            return;
        }
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    path.push(Value::String(k.clone()));
                    walk(x, path, hidden, out);
                    path.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    path.push(Value::from(i as u64));
                    walk(x, path, hidden, out);
                    path.pop();
                }
            }
            _ => unreachable!("scalars are leaves"),
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), hidden, &mut out);
    out
}

/// RFC 8785 text of a JSON string.
fn jcs_string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// RFC 8785 text of a leaf's parts, fast: strings, integers up to 2^53, booleans and
/// empty containers are written directly; anything else (a fraction, a large number)
/// through the general canonicaliser.
fn jcs(out: &mut String, v: &Value) -> Result<()> {
    match v {
        Value::String(s) => jcs_string(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Number(n)
            if n.as_u64().is_some_and(|u| u <= 1 << 53)
                || n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53) =>
        {
            out.push_str(&n.to_string())
        }
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        other => out.push_str(&canonical::value_to_canonical(other)?),
    }
    Ok(())
}

fn jcs_path(out: &mut String, path: &Path) -> Result<()> {
    out.push('[');
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        jcs(out, seg)?;
    }
    out.push(']');
    Ok(())
}

/// The salt of the leaf at `path`: 16 bytes of SHA-256(context, seed, canonical path),
/// base64url without padding. One seed per sealed version; salts of disclosed leaves
/// reveal nothing of the others.
pub fn salt(seed: &[u8; 32], path: &Path) -> String {
    salt_of_text(seed, &path_text(path))
}

/// The canonical JSON text of a path (`["lines",0,"value"]`).
pub fn path_text(path: &Path) -> String {
    let mut p = String::with_capacity(64);
    jcs_path(&mut p, path).expect("a path is keys and indices");
    p
}

/// A path as the sealed file carries it: JSON text, kept as written (TradeSeal writes
/// it canonical), read as a [`Path`] only where needed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PathText(pub Box<RawValue>);

impl PartialEq for PathText {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl PathText {
    pub fn of(path: &Path) -> PathText {
        PathText(RawValue::from_string(path_text(path)).expect("a canonical path is JSON"))
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The path, if the text is a list of keys (strings) and indices (numbers).
    pub fn parse(&self) -> Option<Path> {
        let p: Path = serde_json::from_str(self.0.get()).ok()?;
        p.iter()
            .all(|s| s.is_string() || s.as_u64().is_some())
            .then_some(p)
    }
}

/// SHA-256 of the disclosure `[salt, path, value]` (canonical JSON).
pub fn digest(salt: &str, path: &Path, value: &Value) -> Result<Hash> {
    let mut d = String::with_capacity(128);
    d.push('[');
    jcs_string(&mut d, salt);
    d.push(',');
    jcs_path(&mut d, path)?;
    d.push(',');
    jcs(&mut d, value)?;
    d.push(']');
    Ok(Hash::of(d.as_bytes()))
}

/// The Merkle root over `(path, digest)` leaves, in path order.
pub fn root(mut leaves: Vec<(Path, Hash)>) -> Result<Hash> {
    leaves.sort_by(|a, b| path_order(&a.0, &b.0));
    let mut hashes = Vec::with_capacity(leaves.len());
    let (mut path, mut scratch) = (String::with_capacity(96), String::with_capacity(160));
    for (p, d) in &leaves {
        path.clear();
        jcs_path(&mut path, p)?;
        hashes.push(digest_leaf_hash(&path, d, &mut scratch));
    }
    Ok(merkle::root_of_leaf_hashes(&hashes))
}

/// Calls `leaf` with the canonical path text (`["lines",0,"value"]`) and the value of
/// each leaf of `doc` (nothing hidden), in path order (§3): keys in byte order, lists
/// in order. One buffer holds the path; no copy of the tree is made.
pub fn walk_leaves<'a>(
    doc: &'a Value,
    leaf: &mut impl FnMut(&str, &'a Value) -> Result<()>,
) -> Result<()> {
    fn walk<'a>(
        v: &'a Value,
        path: &mut String,
        leaf: &mut impl FnMut(&str, &'a Value) -> Result<()>,
    ) -> Result<()> {
        let mark = path.len();
        let sep = if mark == 1 { "" } else { "," };
        match v {
            Value::Object(m) if !m.is_empty() => {
                let mut member = |k: &String, x: &'a Value, path: &mut String| {
                    path.push_str(sep);
                    jcs_string(path, k);
                    let r = walk(x, path, leaf);
                    path.truncate(mark);
                    r
                };
                // serde_json's map keeps keys in byte order unless a dependency turns
                // on `preserve_order`; sort only then.
                if m.keys().is_sorted_by(|a, b| a.as_bytes() <= b.as_bytes()) {
                    for (k, x) in m {
                        member(k, x, path)?;
                    }
                } else {
                    let mut keys: Vec<(&String, &Value)> = m.iter().collect();
                    keys.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                    for (k, x) in keys {
                        member(k, x, path)?;
                    }
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let mut digits = itoa_buf();
                for (i, x) in a.iter().enumerate() {
                    path.push_str(sep);
                    path.push_str(digits.format(i));
                    walk(x, path, leaf)?;
                    path.truncate(mark);
                }
            }
            _ => {
                path.push(']');
                let r = leaf(path, v);
                path.truncate(mark);
                r?
            }
        }
        Ok(())
    }
    let mut path = String::with_capacity(96);
    path.push('[');
    walk(doc, &mut path, leaf)
}

/// Decimal digits of an index without an allocation.
struct Digits([u8; 20]);
fn itoa_buf() -> Digits {
    Digits([0; 20])
}
impl Digits {
    fn format(&mut self, mut n: usize) -> &str {
        let mut i = self.0.len();
        loop {
            i -= 1;
            self.0[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        std::str::from_utf8(&self.0[i..]).expect("ASCII digits")
    }
}

/// The tree leaf hash of one field: `leaf_hash(JCS([path, hex(SHA-256(JCS([salt,
/// path, value])))]))`, `path` given as its canonical text. `scratch` is reused.
pub fn field_leaf_hash(
    salt: &str,
    path: &str,
    value: &Value,
    scratch: &mut String,
) -> Result<Hash> {
    scratch.clear();
    scratch.push('[');
    jcs_string(scratch, salt);
    scratch.push(',');
    scratch.push_str(path);
    scratch.push(',');
    jcs(scratch, value)?;
    scratch.push(']');
    let digest = Hash::of(scratch.as_bytes());
    Ok(digest_leaf_hash(path, &digest, scratch))
}

/// The tree leaf hash of a field known by its digest (a hidden one).
fn digest_leaf_hash(path: &str, digest: &Hash, scratch: &mut String) -> Hash {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(digest.0, &mut hex).expect("64 hex digits");
    scratch.clear();
    scratch.push('[');
    scratch.push_str(path);
    scratch.push_str(",\"");
    scratch.push_str(std::str::from_utf8(&hex).expect("hex is ASCII"));
    scratch.push_str("\"]");
    merkle::leaf_hash(scratch.as_bytes())
}

/// The salt of the leaf whose canonical path text is `path`.
fn salt_of_text(seed: &[u8; 32], path: &str) -> String {
    let mut buf = [0u8; SALT_LEN];
    salt_into(seed, path, &mut buf).to_string()
}

/// Characters of a salt: 16 bytes in base64url without padding.
const SALT_LEN: usize = 22;

fn salt_into<'b>(seed: &[u8; 32], path: &str, buf: &'b mut [u8; SALT_LEN]) -> &'b str {
    let h = Hash::of_parts(&[SALT_CONTEXT, seed, path.as_bytes()]);
    BASE64URL_NOPAD.encode_mut(&h.0[..16], buf);
    std::str::from_utf8(buf).expect("base64 is ASCII")
}

/// The root and leaf count of a whole dossier (its JSON value) under `seed`.
pub fn seal_root(doc: &Value, seed: &[u8; 32]) -> Result<(Hash, usize)> {
    let mut scratch = String::with_capacity(256);
    let mut leaves = Vec::with_capacity(256);
    let mut buf = [0u8; SALT_LEN];
    walk_leaves(doc, &mut |path, v| {
        let salt = salt_into(seed, path, &mut buf);
        leaves.push(field_leaf_hash(salt, path, v, &mut scratch)?);
        Ok(())
    })?;
    Ok((merkle::root_of_leaf_hashes(&leaves), leaves.len()))
}

/// `[path, salt]` of every leaf of `doc` under `seed`, in path order, each path as its
/// canonical JSON text: the `salts` of a sealed file with nothing hidden.
pub fn salts_of(doc: &Value, seed: &[u8; 32]) -> Vec<(PathText, String)> {
    let mut out = Vec::with_capacity(256);
    walk_leaves(doc, &mut |path, _| {
        let raw = RawValue::from_string(path.to_string()).expect("a canonical path is JSON");
        out.push((PathText(raw), salt_of_text(seed, path)));
        Ok(())
    })
    .expect("collecting salts does not fail");
    out
}

/// The leaf hashes of a sealed file's disclosed `doc` when nothing is hidden and
/// `salts` lists every leaf once, in path order, paths in canonical text (as TradeSeal
/// writes them). `None` otherwise: the caller then takes the general way.
pub fn leaf_hashes_in_order(doc: &Value, salts: &[(PathText, String)]) -> Option<Vec<Hash>> {
    let mut scratch = String::with_capacity(256);
    let mut leaves = Vec::with_capacity(salts.len());
    let mut next = salts.iter();
    let walked = walk_leaves(doc, &mut |path, v| {
        let (p, salt) = next.next().ok_or(Error::invalid("salts", "too few"))?;
        if p.get() != path {
            return Err(Error::invalid("salts", "another order or form"));
        }
        leaves.push(field_leaf_hash(salt, path, v, &mut scratch)?);
        Ok(())
    });
    (walked.is_ok() && next.next().is_none()).then_some(leaves)
}

/// The same root the long way (leaves, salts, digests, sorted by path): what a
/// verifier of a redacted copy does; kept to check `seal_root` against.
pub fn seal_root_by_leaves(doc: &Value, seed: &[u8; 32]) -> Result<(Hash, usize)> {
    let ls = leaves(doc, &[]);
    let n = ls.len();
    let mut with = Vec::with_capacity(n);
    for (p, v) in ls {
        let d = digest(&salt(seed, &p), &p, &v)?;
        with.push((p, d));
    }
    Ok((root(with)?, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_distinguish_arrays_from_objects_and_keep_empty_containers() {
        let a = leaves(&json!({"a": [1]}), &[]);
        let b = leaves(&json!({"a": {"0": 1}}), &[]);
        assert_ne!(a[0].0, b[0].0);
        let e = leaves(&json!({"a": {}, "b": [], "c": [{}]}), &[]);
        assert_eq!(e.len(), 3);
        // Members hidden: the empty object is not a leaf.
        let h = leaves(&json!({"a": {}}), &[vec![json!("a"), json!("x")]]);
        assert!(h.is_empty());
    }

    #[test]
    fn path_order_is_total_and_numeric_for_indices() {
        let p = |v: Value| v.as_array().unwrap().clone();
        assert_eq!(path_order(&p(json!([2])), &p(json!([10]))), Ordering::Less);
        assert_eq!(
            path_order(&p(json!(["b"])), &p(json!(["a", 1]))),
            Ordering::Greater
        );
        assert_eq!(
            path_order(&p(json!(["a"])), &p(json!(["a", 1]))),
            Ordering::Less
        );
        assert_eq!(pointer(&p(json!(["a/b", 3, "~"]))), "/a~1b/3/~0");
    }

    #[test]
    fn the_fast_writer_is_rfc_8785() {
        for v in [
            json!("plain"),
            json!("quote \" back \\ nl \n tab \t ctl \u{1} del \u{7f} é 云 😀"),
            json!(12),
            json!(-3),
            json!(true),
            json!([]),
            json!({}),
            json!(9007199254740993u64),
            json!(1.5),
        ] {
            let mut out = String::new();
            jcs(&mut out, &v).unwrap();
            assert_eq!(out, canonical::to_canonical(&v).unwrap(), "{v}");
        }
        let p: Path = vec![json!("lines"), json!(3), json!("a/b~")];
        let mut out = String::new();
        jcs_path(&mut out, &p).unwrap();
        assert_eq!(out, canonical::to_canonical(&p).unwrap());
    }

    #[test]
    fn the_one_pass_root_is_the_root_of_the_sorted_leaves() {
        let seed = [3u8; 32];
        for doc in [
            json!({"b": [1, {"z": "é", "a": []}], "a": {"y": true, "x": {}}, "ab": "~/", "a b": 2, "10": [3, 2], "9": "9"}),
            json!({"lines": (0..12).map(|i| json!({"value": format!("{i}.00"), "n": i})).collect::<Vec<_>>()}),
        ] {
            assert_eq!(
                seal_root(&doc, &seed).unwrap(),
                seal_root_by_leaves(&doc, &seed).unwrap(),
                "{doc}"
            );
        }
    }

    #[test]
    fn every_change_changes_the_root() {
        let seed = [7u8; 32];
        let doc = json!({"id": "D1", "lines": [{"value": "10.00"}, {"value": "5"}], "p": {}});
        let (r, n) = seal_root(&doc, &seed).unwrap();
        assert_eq!(n, 4);
        for other in [
            json!({"id": "D1", "lines": [{"value": "10.01"}, {"value": "5"}], "p": {}}),
            json!({"id": "D1", "lines": [{"value": "5"}, {"value": "10.00"}], "p": {}}),
            json!({"id": "D1", "lines": [{"value": "10.00"}, {"value": "5"}]}),
            json!({"id": "D1", "lines": [{"value": "10.00"}, {"value": "5"}], "p": []}),
            json!({"id": "D1", "lines": [{"value": "10.00"}, {"value": 5}], "p": {}}),
        ] {
            assert_ne!(seal_root(&other, &seed).unwrap().0, r, "{other}");
        }
        assert_ne!(seal_root(&doc, &[8u8; 32]).unwrap().0, r);
    }
}
