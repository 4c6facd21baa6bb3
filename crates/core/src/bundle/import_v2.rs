//! Importing a verified v2 bundle (bundle.md, "Bundle v2"): its partners' entries and
//! the commit notes that prove them are kept as signed (`foreign_entries_v2`,
//! `foreign_commits`), their events join the event index, and the import is recorded
//! in this organisation's own ledger; all in one transaction, or nothing.

use super::format::*;
use super::import::{finish, index_partner_event, BundleImport, Hashing};
use super::verify::BundleReport;
use crate::canonical;
use crate::entry::BodyV2;
use crate::epcis;
use crate::error::{Error, Result};
use crate::identity::{IdentityCard, Signer};
use crate::ledger::Ledger;
use crate::time::Timestamp;
use sha2::{Digest, Sha256};
use std::io::BufRead;
use tradeseal_log::sql_params;

/// Reads the bundle a second time (`r`, which must be the file verified: its SHA-256 is
/// `file_sha`) and records what it holds that this home does not.
pub(super) fn import<R: BufRead>(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    r: R,
    report: BundleReport,
    file_sha: String,
) -> Result<BundleImport> {
    let subject = report
        .subject
        .clone()
        .ok_or_else(|| Error::invalid("bundle", "no header"))?;
    let own_origin = ledger.origin().to_string();
    let own_key = ledger.key().to_hex();
    let mut second = Hashing {
        inner: r,
        digest: Sha256::new(),
    };
    let app = ledger.begin_append(signer, now)?;
    let (mut new_entries, mut known_entries) = (0u64, 0u64);
    // Partners' organisation key hand-overs, to follow in the trust store.
    let mut handovers: Vec<(String, IdentityCard, crate::hash::Hash)> = Vec::new();
    let mut origin = String::new();
    // The group being read: its anchor, the seqs it proves, its range proofs.
    let mut group: (u64, Vec<u64>, Vec<serde_json::Value>) = (0, Vec::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if second
            .read_line(&mut line)
            .map_err(|e| Error::io("reading the bundle", e))?
            == 0
        {
            break;
        }
        let changed = |e: serde_json::Error| {
            Error::invalid("bundle", format!("it changed while it was imported ({e})"))
        };
        let value: serde_json::Value =
            serde_json::from_str(line.trim_end_matches('\n')).map_err(changed)?;
        let db = app.sql();
        match value.get("type").and_then(|t| t.as_str()).unwrap_or("") {
            "card" => {
                let rec: CardRecord = serde_json::from_value(value).map_err(changed)?;
                if rec.card.public_key != own_key {
                    db.execute(
                        "INSERT INTO foreign_cards (key, origin, card) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                        sql_params![rec.card.public_key.as_str(), rec.card.origin.as_str(), canonical::to_canonical(&rec.card)?],
                    )?;
                }
            }
            "ledger" => {
                let rec: LedgerRecord = serde_json::from_value(value).map_err(changed)?;
                origin = rec.origin;
                group = (rec.anchor, Vec::new(), Vec::new());
            }
            "range" if origin != own_origin => {
                let rec: RangeRecord = serde_json::from_value(value).map_err(changed)?;
                group.2.push(serde_json::json!([rec.end, rec.proof]));
            }
            "proof" if origin != own_origin => {
                // The group as received: part of it can be passed on later.
                let rec: ProofRecord = serde_json::from_value(value).map_err(changed)?;
                let seqs = serde_json::to_string(&group.1).expect("numbers");
                let held = db.query_one(
                    "SELECT 1 FROM foreign_groups WHERE origin = ?1 AND anchor = ?2 AND seqs = ?3",
                    sql_params![origin.as_str(), group.0 as i64, seqs.as_str()],
                )?;
                if held.is_none() {
                    let proof: Vec<u8> = rec
                        .proof
                        .iter()
                        .map(|h| {
                            hex::decode(h)
                                .map_err(|_| Error::invalid("bundle", "a proof hash is not hex"))
                        })
                        .collect::<Result<Vec<_>>>()?
                        .concat();
                    db.execute(
                        "INSERT INTO foreign_groups (origin, anchor, seqs, ranges, proof) VALUES (?1, ?2, ?3, ?4, ?5)",
                        sql_params![
                            origin.as_str(),
                            group.0 as i64,
                            seqs,
                            serde_json::to_string(&group.2).expect("JSON"),
                            proof
                        ],
                    )?;
                }
            }
            "commit" if origin != own_origin => {
                let rec: CommitRecord = serde_json::from_value(value).map_err(changed)?;
                let c = tradeseal_log::commit::read(&rec.note)?;
                let held = db
                    .query_one(
                        "SELECT note FROM foreign_commits WHERE origin = ?1 AND end_size = ?2",
                        sql_params![origin.as_str(), c.end() as i64],
                    )?
                    .map(|r| r.text(0))
                    .transpose()?;
                match held {
                    Some(n)
                        if tradeseal_log::commit::read(&n)?.checkpoint.root
                            != c.checkpoint.root =>
                    {
                        return Err(Error::invalid("bundle", format!("the commit of {origin} ending at {} differs from the one received earlier: the ledger signed two histories; keep both bundles as evidence", c.end())));
                    }
                    Some(_) => {}
                    None => {
                        db.execute(
                            "INSERT INTO foreign_commits (origin, end_size, start, author, note) VALUES (?1, ?2, ?3, ?4, ?5)",
                            sql_params![
                                origin.as_str(),
                                c.end() as i64,
                                c.start as i64,
                                hex::decode(&rec.author).map_err(|_| Error::invalid("bundle", "a commit author is not hex"))?,
                                rec.note.as_str()
                            ],
                        )?;
                    }
                }
            }
            "entry" => {
                let rec: EntryV2Record = serde_json::from_value(value).map_err(changed)?;
                let body = BodyV2 {
                    seq: rec.seq,
                    kind: rec.entry_kind.clone(),
                    time: Timestamp::parse_canonical(&rec.time)?,
                    author: hex::decode(&rec.author)
                        .ok()
                        .and_then(|a| <[u8; 32]>::try_from(a.as_slice()).ok())
                        .ok_or_else(|| Error::invalid("bundle", "an author is not a key"))?,
                    payload: canonical::value_to_canonical(&rec.payload)?,
                };
                let hash = body.hash();
                group.1.push(rec.seq);
                if origin == own_origin {
                    // Our own entries coming back must be the ones we hold.
                    let ours = db
                        .query_one(
                            "SELECT hash FROM entries WHERE seq = ?1",
                            sql_params![rec.seq as i64],
                        )?
                        .map(|r| r.blob(0))
                        .transpose()?;
                    if ours.as_deref() != Some(&hash.0[..]) {
                        return Err(Error::invalid("bundle", format!("it holds an entry {} of our own ledger that our ledger does not: refuse it and keep it as evidence", rec.seq)));
                    }
                    known_entries += 1;
                    continue;
                }
                let held = db
                    .query_one(
                        "SELECT hash FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
                        sql_params![origin.as_str(), rec.seq as i64],
                    )?
                    .map(|r| r.blob(0))
                    .transpose()?;
                match held {
                    Some(h) if h == hash.0 => {
                        known_entries += 1;
                        continue;
                    }
                    Some(_) => {
                        return Err(Error::invalid("bundle", format!("entry {} of {origin} differs from the one received earlier: the author signed two histories; keep both bundles as evidence", rec.seq)));
                    }
                    None => {}
                }
                db.execute(
                    "INSERT INTO foreign_entries_v2 (origin, seq, author, kind, time_ms, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    sql_params![
                        origin.as_str(),
                        rec.seq as i64,
                        &body.author[..],
                        body.kind.as_str(),
                        body.time.unix_millis(),
                        body.payload.as_str(),
                        &hash.0[..]
                    ],
                )?;
                if rec.entry_kind == crate::keys::KIND_ROTATE {
                    // The organisation's hand-over (checked by verification): followed in
                    // the trust store below, as a version 1 bundle's is.
                    let card = rec
                        .payload
                        .get("new_card")
                        .and_then(|c| serde_json::from_value::<IdentityCard>(c.clone()).ok());
                    if let Some(card) = card {
                        handovers.push((hex::encode(body.author), card, hash));
                    }
                }
                if rec.entry_kind == epcis::KIND_EVENT {
                    index_partner_event(db, &origin, rec.seq, rec.payload)?;
                }
                new_entries += 1;
            }
            _ => {}
        }
    }
    let read = hex::encode(second.digest.finalize());
    let counts = (new_entries, known_entries);
    finish(app, report, &subject, (file_sha, read), counts, |app| {
        // Follow partners' hand-overs: the new key takes the old key's standing.
        for (old, card, hash) in &handovers {
            if let Some(e) = crate::parties::rotate_entry(app.sql(), old, card, hash)? {
                app.push(&[e])?;
            }
        }
        Ok(())
    })
}
