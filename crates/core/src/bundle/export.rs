//! Writing a bundle: the backward chain of some goods, deterministic byte for byte.

use super::format::*;
use crate::canonical;
use crate::epcis::Role;
use crate::error::{Error, Result};
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use crate::merkle;
use crate::trace::{self, Direction};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;

struct Lines<'w> {
    out: &'w mut dyn Write,
    digest: Sha256,
    count: u64,
}

impl Lines<'_> {
    fn put<T: serde::Serialize>(&mut self, record: &T) -> Result<()> {
        let mut line = canonical::to_canonical(record)?;
        line.push('\n');
        self.digest.update(line.as_bytes());
        self.count += 1;
        self.out
            .write_all(line.as_bytes())
            .map_err(|e| Error::io("writing the bundle", e))
    }
}

/// The own-ledger entries of the custody chain of `start`: the goods it came from (back
/// through transformations and aggregations), the logistic units they travelled in, and
/// the events about them, but not the transformations that made other goods from the
/// same inputs (those belong to other customers' chains).
fn chain_entries(ledger: &Ledger, start: &str) -> Result<Vec<u64>> {
    let back = trace::trace(ledger, start, Direction::Back)?;
    let mut nodes: BTreeSet<String> = back.nodes.iter().map(|n| n.id.clone()).collect();
    // Containers: parents of aggregations (ADD/OBSERVE) of any node, up the nesting.
    let mut queue: Vec<String> = nodes.iter().cloned().collect();
    let mut st = ledger.conn().prepare_cached(
        "SELECT p.id FROM epcis_objects c JOIN epcis_events e ON e.id = c.event JOIN epcis_objects p ON p.event = c.event
          WHERE c.id = ?1 AND c.role = 2 AND p.role = 1 AND e.type = 'AggregationEvent' AND e.action <> 'DELETE'",
    )?;
    while let Some(id) = queue.pop() {
        for parent in st.query_map([&id], |r| r.get::<_, String>(0))? {
            let parent = parent?;
            if nodes.insert(parent.clone()) {
                queue.push(parent);
            }
        }
    }
    let mut events = ledger.conn().prepare_cached(
        "SELECT e.seq, e.origin, e.type, o.role FROM epcis_objects o JOIN epcis_events e ON e.id = o.event WHERE o.id = ?1",
    )?;
    let mut seqs = BTreeSet::new();
    for id in &nodes {
        let rows = events.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u8>(3)?,
            ))
        })?;
        for row in rows {
            let (seq, origin, kind, role) = row?;
            let consumed_elsewhere = kind == "TransformationEvent" && role == Role::Input as u8;
            if origin.is_none() && !consumed_elsewhere {
                seqs.insert(seq as u64);
            }
        }
    }
    // A transformation is in the chain when it made one of the nodes.
    Ok(seqs.into_iter().collect())
}

/// Writes the bundle of everything `start` (kind `lot`, `serial` or `sscc`, canonical
/// Digital Link) came from, as recorded in `ledger` whose owner's card is `card`;
/// returns the number of entries.
pub fn export(
    ledger: &Ledger,
    card: &IdentityCard,
    kind: &str,
    start: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    if card.public_key != ledger.key().to_hex() {
        return Err(Error::invalid("card", "the card is not the ledger owner's"));
    }
    let (cp, note) = ledger.checkpoint()?;
    let seqs = chain_entries(ledger, start)?;
    let key = ledger.key().to_hex();
    let card = card.clone();
    let mut w = Lines {
        out,
        digest: Sha256::new(),
        count: 0,
    };
    w.put(&Header {
        kind: "header".into(),
        format: BUNDLE_FORMAT.into(),
        subject: Subject {
            kind: kind.into(),
            id: start.into(),
        },
        exporter: key.clone(),
    })?;
    w.put(&CardRecord {
        kind: "card".into(),
        card,
    })?;
    w.put(&CheckpointRecord {
        kind: "checkpoint".into(),
        key: key.clone(),
        note,
    })?;
    for seq in &seqs {
        let e = ledger.entry(*seq)?;
        if *seq >= cp.size {
            return Err(Error::invalid(
                "ledger",
                format!("entry {seq} is newer than the checkpoint: run `tradeseal verify`"),
            ));
        }
        let proof = merkle::inclusion_proof(&ledger.nodes(), *seq, cp.size)?;
        w.put(&EntryRecord {
            kind: "entry".into(),
            author: key.clone(),
            seq: *seq,
            entry_kind: e.body.kind.clone(),
            time: e.body.time.to_rfc3339(),
            prev: e.body.prev.to_hex(),
            payload: serde_json::from_str(&e.body.payload).map_err(|x| {
                Error::invalid(
                    "ledger",
                    format!("entry {seq} has an unreadable payload ({x}): run `tradeseal verify`"),
                )
            })?,
            hash: e.hash.to_hex(),
            signature: hex::encode(e.signature),
            checkpoint: cp.size,
            proof: proof.iter().map(|h| h.to_hex()).collect(),
        })?;
    }
    let records = w.count;
    let sha256 = hex::encode(w.digest.clone().finalize());
    w.put(&EndRecord {
        kind: "end".into(),
        records,
        sha256,
    })?;
    w.out
        .flush()
        .map_err(|e| Error::io("writing the bundle", e))?;
    Ok(seqs.len() as u64)
}
