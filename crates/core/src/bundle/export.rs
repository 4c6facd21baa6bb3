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
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use tradeseal_log::db::Sql;
use tradeseal_log::sql_params;

pub(super) struct Lines<'w> {
    pub(super) out: &'w mut dyn Write,
    pub(super) digest: Sha256,
    pub(super) count: u64,
}

impl Lines<'_> {
    /// Writes the end record (count and digest of every line before it) and flushes.
    pub(super) fn finish(mut self) -> Result<()> {
        let records = self.count;
        let sha256 = hex::encode(self.digest.clone().finalize());
        self.put(&EndRecord {
            kind: "end".into(),
            records,
            sha256,
        })?;
        self.out
            .flush()
            .map_err(|e| Error::io("writing the bundle", e))
    }

    pub(super) fn put<T: serde::Serialize>(&mut self, record: &T) -> Result<()> {
        let mut line = canonical::to_canonical(record)?;
        line.push('\n');
        self.digest.update(line.as_bytes());
        self.count += 1;
        self.out
            .write_all(line.as_bytes())
            .map_err(|e| Error::io("writing the bundle", e))
    }
}

/// The entries of the custody chain of `start`, as (ledger origin, `None` for our own;
/// seq): the goods it came from (back through transformations and aggregations), the
/// logistic units they travelled in, and the events about them, but not the
/// transformations that made other goods from the same inputs (those belong to other
/// customers' chains).
pub(super) fn chain_entries(
    ledger: &Ledger,
    start: &str,
) -> Result<BTreeSet<(Option<String>, u64)>> {
    let back = trace::trace(ledger, start, Direction::Back)?;
    let mut nodes: BTreeSet<String> = back.nodes.iter().map(|n| n.id.clone()).collect();
    // Containers: parents of aggregations (ADD/OBSERVE) of any node, up the nesting.
    let mut queue: Vec<String> = nodes.iter().cloned().collect();
    let db = ledger.sql();
    while let Some(id) = queue.pop() {
        for parent in db.query(
            "SELECT p.id FROM epcis_objects c JOIN epcis_events e ON e.id = c.event JOIN epcis_objects p ON p.event = c.event
              WHERE c.id = ?1 AND c.role = 2 AND p.role = 1 AND e.type = 'AggregationEvent' AND e.action <> 'DELETE'",
            sql_params![id.as_str()],
        )? {
            let parent = parent.text(0)?;
            if nodes.insert(parent.clone()) {
                queue.push(parent);
            }
        }
    }
    let mut out = BTreeSet::new();
    for id in &nodes {
        let rows = db.query(
            "SELECT e.origin, e.seq, e.type, o.role FROM epcis_objects o JOIN epcis_events e ON e.id = o.event WHERE o.id = ?1",
            sql_params![id.as_str()],
        )?;
        for r in rows {
            let (origin, seq, kind, role) = (r.opt_text(0)?, r.int(1)?, r.text(2)?, r.int(3)?);
            if !(kind == "TransformationEvent" && role == Role::Input as u8 as i64) {
                out.insert((origin, seq as u64));
            }
        }
    }
    Ok(out)
}

/// The record of an entry of a ledger we hold whole, proven against its checkpoint.
fn own_record(
    e: &crate::entry::Entry,
    author: &str,
    size: u64,
    proof: &[crate::hash::Hash],
) -> Result<EntryRecord> {
    Ok(EntryRecord {
        kind: "entry".into(),
        author: author.to_string(),
        seq: e.body.seq,
        entry_kind: e.body.kind.clone(),
        time: e.body.time.to_rfc3339(),
        prev: e.body.prev.to_hex(),
        payload: payload_value(&e.body.payload, &format!("entry {}", e.body.seq))?,
        hash: e.hash.to_hex(),
        signature: hex::encode(e.signature),
        checkpoint: size,
        proof: proof.iter().map(|h| h.to_hex()).collect(),
    })
}

fn stored_card(json: &str) -> Result<IdentityCard> {
    serde_json::from_str(json).map_err(|e| {
        Error::invalid(
            "ledger",
            format!("a stored partner card is unreadable ({e})"),
        )
    })
}

fn payload_value(text: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|x| {
        Error::invalid(
            "ledger",
            format!("{what} has an unreadable payload ({x}): run `tradeseal verify`"),
        )
    })
}

/// Writes the bundle of everything `start` (kind `lot`, `serial` or `sscc`, canonical
/// Digital Link) came from, as recorded in `ledger` whose owner's card is `card`, with
/// the partners' entries received earlier, unchanged; returns the number of entries.
pub fn export(
    ledger: &Ledger,
    card: &IdentityCard,
    kind: &str,
    start: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    if ledger.format() == 2 {
        return super::export_v2::export(ledger, card, kind, start, out);
    }
    let own_key = ledger.key().to_hex();
    if card.public_key != own_key {
        return Err(Error::invalid("card", "the card is not the ledger owner's"));
    }
    let (cp, note) = ledger.checkpoint()?;
    let mut chain = chain_entries(ledger, start)?;
    let db = ledger.sql();

    // Every entry as a record, keyed by (ledger origin, seq) for the required order.
    let mut entries: BTreeMap<(String, u64), EntryRecord> = BTreeMap::new();
    let mut cards: BTreeMap<String, IdentityCard> = BTreeMap::new();
    let mut checkpoints: BTreeSet<(String, u64, String)> = BTreeSet::new();
    cards.insert(own_key.clone(), card.clone());
    checkpoints.insert((own_key.clone(), cp.size, note));
    // A ledger's key hand-overs travel with any of its entries, with both keys' cards.
    let own_rotations = ledger.rotations()?;
    if chain.iter().any(|(o, _)| o.is_none()) {
        for (seq, r) in &own_rotations {
            chain.insert((None, *seq));
            for c in [&r.old_card, &r.new_card] {
                cards.insert(c.public_key.clone(), c.clone());
            }
        }
    }
    let foreign_origins: BTreeSet<String> = chain.iter().filter_map(|(o, _)| o.clone()).collect();
    for o in &foreign_origins {
        for r in db.query(
            "SELECT seq FROM foreign_entries WHERE origin = ?1 AND kind = 'key.rotate'",
            sql_params![o.as_str()],
        )? {
            chain.insert((Some(o.clone()), r.int(0)? as u64));
        }
    }
    for (origin, seq) in &chain {
        match origin {
            None => {
                let e = ledger.entry(*seq)?;
                if *seq >= cp.size {
                    return Err(Error::invalid(
                        "ledger",
                        format!("entry {seq} is newer than the checkpoint: run `tradeseal verify`"),
                    ));
                }
                let proof = merkle::inclusion_proof(&ledger.nodes(), *seq, cp.size)?;
                let author = hex::encode(e.body.author);
                entries.insert(
                    (ledger.origin().to_string(), *seq),
                    own_record(&e, &author, cp.size, &proof)?,
                );
            }
            Some(o) => {
                let missing = |what: &str| Error::NotFound {
                    what: format!("{what} of entry {seq} of {o}"),
                    hint: "the partner's entries held are damaged: run `tradeseal verify`".into(),
                };
                let r = db.query_one(
                    "SELECT author, kind, time_ms, prev, payload, hash, signature, checkpoint, proof
                       FROM foreign_entries WHERE origin = ?1 AND seq = ?2",
                    sql_params![o.as_str(), *seq as i64],
                )?;
                let Some(r) = r else {
                    let v2 = db.query_one(
                        "SELECT 1 FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
                        sql_params![o.as_str(), *seq as i64],
                    )?;
                    if v2.is_some() {
                        return Err(Error::invalid("bundle", format!("entry {seq} of {o} came in a version 2 bundle (a team ledger's): it cannot travel in a version 1 bundle, and passing it on in a v2 bundle comes with the next version of TradeSeal")));
                    }
                    return Err(missing("the record"));
                };
                let (author, entry_kind, time_ms, prev, payload, hash, signature, size, proof) = (
                    r.blob(0)?,
                    r.text(1)?,
                    r.int(2)?,
                    r.blob(3)?,
                    r.text(4)?,
                    r.blob(5)?,
                    r.blob(6)?,
                    r.int(7)?,
                    r.blob(8)?,
                );
                let key = hex::encode(&author);
                let card_json = db
                    .query_one(
                        "SELECT card FROM foreign_cards WHERE key = ?1",
                        sql_params![key.as_str()],
                    )?
                    .ok_or_else(|| missing("the author's card"))?
                    .text(0)?;
                let author_card = stored_card(&card_json)?;
                cards.insert(key.clone(), author_card);
                let cp_note = db
                    .query_one(
                        "SELECT note FROM foreign_checkpoints WHERE origin = ?1 AND size = ?2",
                        sql_params![o.as_str(), size],
                    )?
                    .ok_or_else(|| missing("the checkpoint"))?
                    .text(0)?;
                checkpoints.insert((o.clone(), size as u64, cp_note));
                entries.insert(
                    (o.clone(), *seq),
                    EntryRecord {
                        kind: "entry".into(),
                        author: key,
                        seq: *seq,
                        entry_kind,
                        time: crate::time::Timestamp::from_unix_millis(time_ms)?.to_rfc3339(),
                        prev: hex::encode(prev),
                        payload: payload_value(&payload, &format!("entry {seq} of {o}"))?,
                        hash: hex::encode(hash),
                        signature: hex::encode(signature),
                        checkpoint: size as u64,
                        proof: proof.chunks(32).map(hex::encode).collect(),
                    },
                );
            }
        }
    }
    // Foreign checkpoints are stored by origin: name the partner key that signed each.
    let mut signed: BTreeSet<(String, u64, String)> = BTreeSet::new();
    for (who, size, note) in checkpoints {
        if who == own_key {
            signed.insert((who, size, note));
            continue;
        }
        let signer = cards
            .values()
            .filter(|c| c.origin == who)
            .find(|c| {
                c.public_key()
                    .is_ok_and(|k| crate::checkpoint::open(&note, &c.origin, &k).is_ok())
            })
            .ok_or_else(|| {
                Error::invalid(
                    "ledger",
                    format!("a stored checkpoint of {who} is signed by no card held for it"),
                )
            })?;
        signed.insert((signer.public_key.clone(), size, note));
    }
    let checkpoints = signed;

    // Consistency proofs from the sizes of our checkpoints handed out before, so a
    // receiver holding one can check our ledger still extends it; then note this one.
    let origin = ledger.origin().to_string();
    let mut consistency = Vec::new();
    {
        let mut sizes: Vec<u64> = db
            .query(
                "SELECT size FROM handed_out WHERE origin = ?1 AND size > 0 AND size < ?2 ORDER BY size DESC LIMIT 64",
                sql_params![origin.as_str(), cp.size as i64],
            )?
            .iter()
            .map(|r| r.int(0).map(|v| v as u64))
            .collect::<Result<_>>()?;
        sizes.sort_unstable();
        for old in sizes {
            let proof = merkle::consistency_proof(&ledger.nodes(), old, cp.size)?;
            consistency.push(ConsistencyRecord {
                kind: "consistency".into(),
                origin: origin.clone(),
                old_size: old,
                size: cp.size,
                proof: proof.iter().map(|h| h.to_hex()).collect(),
            });
        }
    }
    // Local bookkeeping; a home opened read-only exports without it.
    let _ = db.execute(
        "INSERT INTO handed_out (origin, size) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        sql_params![origin.as_str(), cp.size as i64],
    );

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
        exporter: own_key,
    })?;
    for c in cards.into_values() {
        w.put(&CardRecord {
            kind: "card".into(),
            card: c,
        })?;
    }
    for (key, _, note) in checkpoints {
        w.put(&CheckpointRecord {
            kind: "checkpoint".into(),
            key,
            note,
        })?;
    }
    for c in &consistency {
        w.put(c)?;
    }
    let n = entries.len() as u64;
    for e in entries.into_values() {
        w.put(&e)?;
    }
    w.finish()?;
    Ok(n)
}

/// Writes a bundle holding every entry of each of the given ledgers (with their
/// owners' cards): a whole-ledger archive a partner can verify, and the large
/// multi-party bundles of the benchmarks. Returns the number of entries.
pub fn export_ledgers(
    parts: &[(&Ledger, &IdentityCard)],
    subject: Subject,
    out: &mut dyn Write,
) -> Result<u64> {
    let mut parts: Vec<&(&Ledger, &IdentityCard)> = parts.iter().collect();
    parts.sort_by(|a, b| a.0.origin().cmp(b.0.origin()));
    let mut w = Lines {
        out,
        digest: Sha256::new(),
        count: 0,
    };
    let exporter = parts
        .first()
        .map(|p| p.1.public_key.clone())
        .unwrap_or_default();
    w.put(&Header {
        kind: "header".into(),
        format: BUNDLE_FORMAT.into(),
        subject,
        exporter,
    })?;
    let mut cps = Vec::new();
    let mut cards: BTreeMap<String, IdentityCard> = BTreeMap::new();
    for (ledger, card) in &parts {
        if card.public_key != ledger.key().to_hex() {
            return Err(Error::invalid("card", "a card is not its ledger owner's"));
        }
        cards.insert(card.public_key.clone(), (*card).clone());
        for (_, r) in ledger.rotations()? {
            for c in [r.old_card, r.new_card] {
                cards.insert(c.public_key.clone(), c);
            }
        }
        cps.push(ledger.checkpoint()?);
    }
    for card in cards.into_values() {
        w.put(&CardRecord {
            kind: "card".into(),
            card,
        })?;
    }
    let mut signed: Vec<(&String, &String)> = parts
        .iter()
        .zip(&cps)
        .map(|((_, card), (_, note))| (&card.public_key, note))
        .collect();
    signed.sort();
    for (key, note) in signed {
        w.put(&CheckpointRecord {
            kind: "checkpoint".into(),
            key: key.clone(),
            note: note.clone(),
        })?;
    }
    let mut n = 0;
    for ((ledger, _), (cp, _)) in parts.iter().zip(&cps) {
        let nodes = ledger.nodes();
        let mut failed = None;
        ledger.for_each_chunk(4096, |rows| {
            for r in rows {
                let Some(e) = r.to_entry() else {
                    failed = Some(Error::invalid(
                        "ledger",
                        format!("entry {} is malformed: run `tradeseal verify`", r.seq),
                    ));
                    return Ok(false);
                };
                if e.body.seq >= cp.size {
                    return Ok(false);
                }
                let proof = merkle::inclusion_proof(&nodes, e.body.seq, cp.size)?;
                w.put(&own_record(
                    &e,
                    &hex::encode(e.body.author),
                    cp.size,
                    &proof,
                )?)?;
                n += 1;
            }
            Ok(true)
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    w.finish()?;
    Ok(n)
}
