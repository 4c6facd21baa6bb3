//! Writing a bundle of a version 2 ledger (bundle.md, "Bundle v2"): the same chain as
//! v1, proven per ledger by its commit notes, range proofs and one multiproof.

use super::export::{chain_entries, Lines};
use super::format::*;
use crate::error::{Error, Result};
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Writes the v2 bundle of everything `start` came from, as recorded in the v2
/// `ledger` of the organisation whose card is `card`; returns the number of entries.
pub fn export(
    ledger: &Ledger,
    card: &IdentityCard,
    kind: &str,
    start: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    let store = ledger
        .store_v2()
        .ok_or_else(|| Error::invalid("ledger", "not a version 2 ledger"))?;
    if card.public_key != ledger.key().to_hex() || card.origin != ledger.origin() {
        return Err(Error::invalid(
            "card",
            "the card is not the ledger's organisation's",
        ));
    }
    let chain = chain_entries(ledger, start)?;
    if chain.iter().any(|(o, _)| o.is_some()) {
        return Err(Error::invalid(
            "bundle",
            "the chain holds partners' entries received in bundles: a version 2 ledger passes them on in the next version of TradeSeal; export the chain from your own entries only for now",
        ));
    }
    let seqs: Vec<u64> = chain.iter().map(|(_, s)| *s).collect();
    if seqs.is_empty() {
        return Err(Error::NotFound {
            what: format!("an event of {start}"),
            hint: "record or import its events first".into(),
        });
    }
    let x = store.excerpt(&seqs)?;
    let mut w = Lines {
        out,
        digest: Sha256::new(),
        count: 0,
    };
    w.put(&Header {
        kind: "header".into(),
        format: BUNDLE_FORMAT_V2.into(),
        subject: Subject {
            kind: kind.into(),
            id: start.into(),
        },
        exporter: ledger.origin().to_string(),
    })?;
    w.put(&CardRecord {
        kind: "card".into(),
        card: card.clone(),
    })?;
    let anchor =
        tradeseal_log::commit::read(&x.commits.last().expect("an excerpt has an anchor").1)?;
    w.put(&LedgerRecord {
        kind: "ledger".into(),
        origin: x.origin.clone(),
        anchor: anchor.end(),
    })?;
    for (author, note) in &x.commits {
        w.put(&CommitRecord {
            kind: "commit".into(),
            author: author.to_hex(),
            note: note.clone(),
        })?;
    }
    for b in &x.entries {
        w.put(&EntryV2Record {
            kind: "entry".into(),
            seq: b.seq,
            author: hex::encode(b.author),
            entry_kind: b.kind.clone(),
            time: b.time.to_rfc3339(),
            payload: serde_json::from_str(&b.payload).map_err(|e| {
                Error::invalid(
                    "ledger",
                    format!(
                        "entry {} has an unreadable payload ({e}): run `tradeseal verify`",
                        b.seq
                    ),
                )
            })?,
        })?;
    }
    for (end, proof) in &x.ranges {
        w.put(&RangeRecord {
            kind: "range".into(),
            end: *end,
            proof: proof.iter().map(|h| h.to_hex()).collect(),
        })?;
    }
    w.put(&ProofRecord {
        kind: "proof".into(),
        proof: x.proof.iter().map(|h| h.to_hex()).collect(),
    })?;
    let n = x.entries.len() as u64;
    w.finish()?;
    Ok(n)
}
