//! Issuing a batch of labels (docs/spec/qr.md §3): one `label.issue` ledger entry for
//! the batch, made durable before any label exists, then one signature a label.

use super::link::{self, LabelLink, Proof};
use crate::error::{Error, Result};
use crate::gs1::{Gtin, Lot, Serial};
use crate::identity::Signer;
use crate::ledger::{Appended, Ledger, NewEntry};
use crate::merkle;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

pub const KIND_ISSUE: &str = "label.issue";

/// The most labels one batch may hold.
pub const MAX_BATCH: u64 = 1_000_000;

/// Which serials to issue.
#[derive(Clone, Debug)]
pub enum Serials {
    /// Decimal serials `from..=to`, written with the width of `from`.
    Range { from: String, to: String },
    /// Serials given one by one.
    List(Vec<String>),
    /// The next `n` decimal serials after the highest one issued for the GTIN and lot
    /// (from `000001`; six digits or more).
    Next(u64),
}

/// How a batch's serials are recorded in its entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SerialSet {
    Range { from: String, to: String },
    List { list: Vec<String> },
}

/// The payload of a `label.issue` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuePayload {
    pub gtin: String,
    pub lot: String,
    pub serials: SerialSet,
    pub count: u64,
    /// RFC 9162 root over the serials in issuance order, hex.
    pub root: String,
    pub resolver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

impl SerialSet {
    /// Whether `serial` is one of the set.
    pub fn contains(&self, serial: &str) -> bool {
        match self {
            SerialSet::List { list } => list.iter().any(|s| s == serial),
            SerialSet::Range { from, to } => {
                serial.len() == from.len()
                    && serial.bytes().all(|b| b.is_ascii_digit())
                    && from.as_str() <= serial
                    && serial <= to.as_str()
            }
        }
    }

    fn expand(&self) -> Vec<String> {
        match self {
            SerialSet::List { list } => list.clone(),
            SerialSet::Range { from, to } => {
                let (a, b): (u64, u64) = (from.parse().unwrap_or(0), to.parse().unwrap_or(0));
                (a..=b)
                    .map(|n| format!("{n:0w$}", w = from.len()))
                    .collect()
            }
        }
    }

    /// The highest decimal serial of the set, if any.
    fn highest_number(&self) -> Option<u64> {
        match self {
            SerialSet::Range { to, .. } => to.parse().ok(),
            SerialSet::List { list } => list.iter().filter_map(|s| s.parse().ok()).max(),
        }
    }
}

/// One issued label.
#[derive(Clone, Debug)]
pub struct Label {
    pub link: LabelLink,
    pub uri: String,
}

/// What a batch printed: its entry and its labels.
#[derive(Clone, Debug)]
pub struct Batch {
    pub seq: u64,
    pub payload: IssuePayload,
    pub product: Option<String>,
    pub labels: Vec<Label>,
}

pub struct Request<'a> {
    pub gtin: &'a str,
    pub lot: &'a str,
    pub serials: Serials,
    pub resolver: &'a str,
    pub product: Option<&'a str>,
}

/// The batches already issued for `gtin` and `lot`, with their entry numbers.
pub fn batches(ledger: &Ledger, gtin: &Gtin, lot: &Lot) -> Result<Vec<(u64, IssuePayload)>> {
    use tradeseal_log::db::Sql;
    let rows = ledger.sql().query(
        "SELECT seq, payload FROM entries WHERE kind = ?1 ORDER BY seq",
        tradeseal_log::sql_params![KIND_ISSUE],
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, text) = (row.int(0)?, row.text(1)?);
        let p: IssuePayload = serde_json::from_str(&text).map_err(|e| {
            Error::invalid(
                "ledger",
                format!("label batch entry {seq} is unreadable ({e}): run `tradeseal verify`"),
            )
        })?;
        if p.gtin == gtin.as_str() && p.lot == lot.as_str() {
            out.push((seq as u64, p));
        }
    }
    Ok(out)
}

fn serial_set(req: &Serials, issued: &[(u64, IssuePayload)]) -> Result<SerialSet> {
    let number = |s: &str, what: &str| {
        if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                "serials",
                format!("{what} {s:?} is not a decimal serial (1 to 20 digits)"),
            ));
        }
        s.parse::<u64>()
            .map_err(|_| Error::invalid("serials", format!("{what} {s:?} is too large")))
    };
    let set = match req {
        Serials::Range { from, to } => {
            let (a, b) = (number(from, "from")?, number(to, "to")?);
            if to.len() > from.len() || b < a {
                return Err(Error::invalid(
                    "serials",
                    format!("{from}..{to} is not a range: give FROM..TO with FROM ≤ TO, TO no wider than FROM (000001..001000)"),
                ));
            }
            SerialSet::Range {
                from: from.clone(),
                to: format!("{b:0w$}", w = from.len()),
            }
        }
        Serials::List(list) => {
            let mut seen = std::collections::HashSet::new();
            for s in list {
                Serial::parse(s)?;
                if !seen.insert(s.as_str()) {
                    return Err(Error::invalid("serials", format!("{s} is listed twice")));
                }
            }
            if list.is_empty() {
                return Err(Error::invalid("serials", "no serial given"));
            }
            SerialSet::List { list: list.clone() }
        }
        Serials::Next(n) => {
            if *n == 0 {
                return Err(Error::invalid("count", "give at least one label"));
            }
            let next = issued
                .iter()
                .filter_map(|(_, p)| p.serials.highest_number())
                .max()
                .map_or(1, |h| h + 1);
            let last = next
                .checked_add(n - 1)
                .ok_or_else(|| Error::invalid("count", "too many serials"))?;
            let w = last.to_string().len().max(6);
            SerialSet::Range {
                from: format!("{next:0w$}"),
                to: format!("{last:0w$}"),
            }
        }
    };
    Ok(set)
}

fn count(set: &SerialSet) -> u64 {
    match set {
        SerialSet::List { list } => list.len() as u64,
        SerialSet::Range { from, to } => {
            to.parse::<u64>().unwrap_or(0) - from.parse::<u64>().unwrap_or(0) + 1
        }
    }
}

/// Whether two sets share a serial.
fn overlap(a: &SerialSet, b: &SerialSet) -> Option<String> {
    match (a, b) {
        (SerialSet::Range { from: f1, to: t1 }, SerialSet::Range { from: f2, to: t2 }) => {
            (f1.len() == f2.len() && f1.as_str().max(f2.as_str()) <= t1.as_str().min(t2.as_str()))
                .then(|| f1.as_str().max(f2.as_str()).to_string())
        }
        (SerialSet::List { list }, other) | (other, SerialSet::List { list }) => {
            list.iter().find(|s| other.contains(s)).cloned()
        }
    }
}

/// Issues a batch: checks the serials are new, appends and commits the `label.issue`
/// entry, then signs every label (on every core).
/// A batch checked and ready to issue (nothing recorded yet).
pub struct Plan {
    pub gtin: Gtin,
    pub lot: Lot,
    pub base: String,
    pub product: Option<String>,
    pub set: SerialSet,
    pub serials: Vec<Serial>,
}

/// Checks a request against the ledger (serials new, URIs printable) without
/// recording anything: what `issue` will issue, for a preview.
pub fn plan(ledger: &Ledger, key: &crate::signature::PublicKey, req: &Request) -> Result<Plan> {
    let gtin = Gtin::parse(req.gtin)?;
    let lot = Lot::parse(req.lot)?;
    let base = link::resolver(req.resolver)?;
    let product = req.product.map(str::trim).filter(|p| !p.is_empty());
    if product.is_some_and(|p| p.chars().count() > 80) {
        return Err(Error::invalid(
            "product",
            "a product name on a label has at most 80 characters",
        ));
    }
    let issued = batches(ledger, &gtin, &lot)?;
    let set = serial_set(&req.serials, &issued)?;
    let n = count(&set);
    if n > MAX_BATCH {
        return Err(Error::invalid(
            "serials",
            format!("{n} labels in one batch: issue at most {MAX_BATCH} at a time"),
        ));
    }
    for (seq, p) in &issued {
        if let Some(s) = overlap(&set, &p.serials) {
            return Err(Error::invalid(
                "label-duplicate",
                format!("serial {s} of GTIN {gtin} lot {} was issued already (batch entry {seq}): each label is unique; choose other serials or --count to continue after the last", lot.as_str()),
            ));
        }
    }
    let serials: Vec<Serial> = set
        .expand()
        .iter()
        .map(|s| Serial::parse(s))
        .collect::<Result<_>>()?;
    let longest = serials.iter().map(|s| s.as_str().len()).max().unwrap_or(0);
    let probe = LabelLink {
        base: base.clone(),
        gtin: gtin.clone(),
        lot: lot.clone(),
        serial: Serial::parse(&"9".repeat(longest.max(1)))?,
        proof: Some(Proof {
            key_id: link::key_id(key),
            batch: u64::MAX,
            signature: [0; 64],
        }),
    };
    // Worst case: percent-encoding may triple a character of the lot or serial.
    let worst = probe.to_uri().len() + 2 * (lot.as_str().len() + longest);
    if worst > link::MAX_URI {
        return Err(Error::invalid(
            "resolver",
            format!("a label's URI would be up to {worst} characters, more than the {} a printable code holds: shorten the resolver or the lot", link::MAX_URI),
        ));
    }
    Ok(Plan {
        gtin,
        lot,
        base,
        product: product.map(str::to_string),
        set,
        serials,
    })
}

/// Unsigned stand-ins for the labels of `plan` (the signature all zeros): what a
/// sheet will look like, code sizes included, before anything is issued.
pub fn sample(plan: &Plan, key: &crate::signature::PublicKey, batch: u64) -> Vec<Label> {
    plan.serials
        .iter()
        .map(|serial| {
            let link = LabelLink {
                base: plan.base.clone(),
                gtin: plan.gtin.clone(),
                lot: plan.lot.clone(),
                serial: serial.clone(),
                proof: Some(Proof {
                    key_id: link::key_id(key),
                    batch,
                    signature: [0; 64],
                }),
            };
            let uri = link.to_uri();
            Label { link, uri }
        })
        .collect()
}

pub fn issue(ledger: &mut Ledger, signer: &Signer, now: Timestamp, req: &Request) -> Result<Batch> {
    if signer.public_key() != *ledger.key() {
        // A label is signed by the key partners check it against (the organisation's);
        // an officer's desk holds its own key. Refused before anything is recorded.
        return Err(Error::invalid(
            "ledger",
            "labels are signed with the organisation's key, the one partners check them against: issue them from the organisation's desk (the administrator holding that key), not an officer's",
        ));
    }
    let Plan {
        gtin,
        lot,
        base,
        product,
        set,
        serials,
    } = plan(ledger, &signer.public_key(), req)?;
    let n = count(&set);
    let leaves: Vec<crate::Hash> = serials
        .iter()
        .map(|s| merkle::leaf_hash(s.as_str().as_bytes()))
        .collect();
    let payload = IssuePayload {
        gtin: gtin.to_string(),
        lot: lot.as_str().to_string(),
        serials: set,
        count: n,
        root: merkle::root_of_leaf_hashes(&leaves).to_hex(),
        resolver: base.clone(),
        product: product.clone(),
    };
    let mut app = ledger.begin_append(signer, now)?;
    let seq = match app.push(&[NewEntry {
        kind: KIND_ISSUE.into(),
        payload: crate::canonical::to_canonical(&payload)?,
        index: None,
    }])?[..]
    {
        [Appended::New { seq, .. }] => seq,
        _ => unreachable!("a batch entry is never a known event"),
    };
    app.commit()?;
    let labels = sign(signer, &base, &gtin, &lot, serials, seq);
    Ok(Batch {
        seq,
        payload,
        product,
        labels,
    })
}

/// The labels of an issued batch (its `label.issue` entry `seq`) again, exactly as they
/// were first printed (Ed25519 signatures are deterministic): for a print that failed or
/// was lost, with nothing new issued and the ledger unchanged.
pub fn reprint(ledger: &Ledger, signer: &Signer, seq: u64) -> Result<Batch> {
    let size = ledger.size()?;
    if seq >= size {
        return Err(Error::NotFound {
            what: format!("ledger entry {seq}"),
            hint: format!(
                "the ledger has entries 0 to {}: `tradeseal log` lists them",
                size.saturating_sub(1)
            ),
        });
    }
    let e = ledger.entry_view(seq)?;
    if e.kind != KIND_ISSUE {
        return Err(Error::invalid(
            "entry",
            format!(
                "entry {seq} is a {} entry, not a label batch (label.issue)",
                e.kind
            ),
        ));
    }
    if e.author != signer.public_key().to_hex() {
        return Err(Error::invalid(
            "entry",
            format!("the labels of entry {seq} were signed by an earlier key of this organisation; the current key cannot sign them again as they were: issue new labels"),
        ));
    }
    let payload: IssuePayload = serde_json::from_value(e.payload).map_err(|err| {
        Error::invalid("entry", format!("entry {seq}'s batch is unreadable: {err}"))
    })?;
    let gtin = Gtin::parse(&payload.gtin)?;
    let lot = Lot::parse(&payload.lot)?;
    let serials = payload
        .serials
        .expand()
        .iter()
        .map(|s| Serial::parse(s))
        .collect::<Result<Vec<_>>>()?;
    // The batch commits to its serials: the same root, or this is not that batch.
    let leaves: Vec<crate::Hash> = serials
        .iter()
        .map(|s| merkle::leaf_hash(s.as_str().as_bytes()))
        .collect();
    if merkle::root_of_leaf_hashes(&leaves).to_hex() != payload.root {
        return Err(Error::invalid(
            "entry",
            format!("entry {seq}'s serials do not give its recorded root: verify the ledger"),
        ));
    }
    let labels = sign(signer, &payload.resolver, &gtin, &lot, serials, seq);
    Ok(Batch {
        seq,
        product: payload.product.clone(),
        payload,
        labels,
    })
}

/// The signed labels of a batch whose entry is `seq`.
pub fn sign(
    signer: &Signer,
    base: &str,
    gtin: &Gtin,
    lot: &Lot,
    serials: Vec<Serial>,
    seq: u64,
) -> Vec<Label> {
    use rayon::prelude::*;
    let key_id = link::key_id(&signer.public_key());
    serials
        .into_par_iter()
        .map(|serial| {
            let msg = link::message(gtin, lot, &serial, seq);
            let signature = crate::signature::sign(&signer.key, &msg);
            let link = LabelLink {
                base: base.to_string(),
                gtin: gtin.clone(),
                lot: lot.clone(),
                serial,
                proof: Some(Proof {
                    key_id: key_id.clone(),
                    batch: seq,
                    signature,
                }),
            };
            let uri = link.to_uri();
            Label { link, uri }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists_know_their_members_and_overlaps() {
        let r = SerialSet::Range {
            from: "000010".into(),
            to: "000020".into(),
        };
        assert!(r.contains("000015") && !r.contains("15") && !r.contains("000021"));
        let l = SerialSet::List {
            list: vec!["A1".into(), "000012".into()],
        };
        assert_eq!(overlap(&r, &l).as_deref(), Some("000012"));
        let r2 = SerialSet::Range {
            from: "000020".into(),
            to: "000030".into(),
        };
        assert_eq!(overlap(&r, &r2).as_deref(), Some("000020"));
        assert_eq!(count(&r), 11);
        assert_eq!(r.expand().len(), 11);
        let next = serial_set(
            &Serials::Next(5),
            &[(
                3,
                IssuePayload {
                    gtin: String::new(),
                    lot: String::new(),
                    serials: r2,
                    count: 11,
                    root: String::new(),
                    resolver: String::new(),
                    product: None,
                },
            )],
        )
        .unwrap();
        assert_eq!(
            next,
            SerialSet::Range {
                from: "000031".into(),
                to: "000035".into()
            }
        );
        assert!(serial_set(
            &Serials::Range {
                from: "10".into(),
                to: "9".into()
            },
            &[]
        )
        .is_err());
        assert!(serial_set(&Serials::List(vec!["A".into(), "A".into()]), &[]).is_err());
    }
}
