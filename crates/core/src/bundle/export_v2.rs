//! Writing a bundle of a version 2 ledger (bundle.md, "Bundle v2"): the same chain as
//! v1, proven per ledger by its commit notes, range proofs and one multiproof.

use super::export::{chain_entries, Lines};
use super::format::*;
use crate::entry::BodyV2;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::IdentityCard;
use crate::ledger::Ledger;
use crate::merkle;
use crate::signature::PublicKey;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use tradeseal_log::db::Sql;
use tradeseal_log::excerpt::Excerpt;
use tradeseal_log::officers::SET_KINDS;
use tradeseal_log::sql_params;

/// The founding key's card when the ledger's key was handed over in version 2 (the
/// old card of its first `key.rotate`), `None` when the key in force is the founding
/// one; refused when the key was handed over in version 1.
fn founding_card(ledger: &Ledger) -> Result<Option<IdentityCard>> {
    if crate::identity::origin_for(ledger.key()) == ledger.origin() {
        return Ok(None);
    }
    let refused = || {
        Error::invalid(
            "ledger",
            "this ledger's key was handed over (key rotation) before its upgrade to version 2: a version 2 bundle would have to carry that version 1 hand-over, which this TradeSeal does not do yet, and partners would not recognise the key",
        )
    };
    let card = crate::keys::v2_hand_over(ledger, false)?
        .ok_or_else(refused)?
        .old_card;
    let key = card.public_key()?;
    if crate::identity::origin_for(&key) != ledger.origin() {
        return Err(refused());
    }
    Ok(Some(card))
}

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
    // Partners hold a ledger's key by its origin (the founding key's). A key handed
    // over in version 2 is followed by the verifier through the `key.rotate` entries
    // every excerpt carries (officer-set entries), from the founding key, whose card
    // the bundle then carries too (the first hand-over's old card). A key handed over
    // in version 1 (before an upgrade) would need v1 entries carried: refused.
    let founding = founding_card(ledger)?;
    let chain = chain_entries(ledger, start)?;
    if chain.is_empty() {
        return Err(Error::NotFound {
            what: format!("an event of {start}"),
            hint: "record or import its events first".into(),
        });
    }
    // Per ledger, sorted by origin: our own (from the store) and partners' (as received).
    let mut wanted: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (o, seq) in &chain {
        wanted
            .entry(o.clone().unwrap_or_else(|| ledger.origin().to_string()))
            .or_default()
            .push(*seq);
    }
    let mut groups = Vec::new();
    let mut cards: BTreeMap<String, IdentityCard> = BTreeMap::new();
    cards.insert(card.public_key.clone(), card.clone());
    if let Some(f) = founding {
        cards.insert(f.public_key.clone(), f);
    }
    for (origin, seqs) in &wanted {
        if origin == ledger.origin() {
            let x = store.excerpt(seqs)?;
            // Local bookkeeping, as v1's: the size of the commit note handed out (a home
            // opened read-only exports without it).
            if let Some((_, note)) = x.commits.last() {
                let size = tradeseal_log::commit::read(note)?.end();
                use tradeseal_log::db::Sql;
                let _ = ledger.sql().execute(
                    "INSERT INTO handed_out (origin, size) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    tradeseal_log::sql_params![origin.as_str(), size as i64],
                );
            }
            groups.push(x);
        } else {
            let (xs, c) = foreign_groups(ledger, origin, seqs)?;
            cards.insert(c.public_key.clone(), c);
            groups.extend(xs);
        }
    }
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
    for c in cards.into_values() {
        w.put(&CardRecord {
            kind: "card".into(),
            card: c,
        })?;
    }
    let mut n = 0;
    for x in &groups {
        n += put_group(&mut w, x)?;
    }
    w.finish()?;
    Ok(n)
}

/// An entry's bundle record (its v2 body, field by field).
fn entry_record(
    seq: u64,
    author: &[u8],
    kind: &str,
    time: crate::time::Timestamp,
    payload: &str,
) -> Result<EntryV2Record> {
    Ok(EntryV2Record {
        kind: "entry".into(),
        seq,
        author: hex::encode(author),
        entry_kind: kind.to_string(),
        time: time.to_rfc3339(),
        payload: serde_json::from_str(payload).map_err(|e| {
            Error::invalid(
                "ledger",
                format!("entry {seq} has an unreadable payload ({e}): run `tradeseal verify`"),
            )
        })?,
    })
}

/// Writes one ledger's group; returns its number of entries.
fn put_group(w: &mut Lines<'_>, x: &Excerpt) -> Result<u64> {
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
        w.put(&entry_record(
            b.seq, &b.author, &b.kind, b.time, &b.payload,
        )?)?;
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
    Ok(x.entries.len() as u64)
}

/// A partner's entries `seqs` of the ledger `origin`, as received in v2 bundles: one
/// group for each received group that holds some of them (the newest first takes what
/// it holds), oldest anchor first, with proofs derived from the received ones; and the
/// partner's card.
fn foreign_groups(
    ledger: &Ledger,
    origin: &str,
    seqs: &[u64],
) -> Result<(Vec<Excerpt>, IdentityCard)> {
    let db = ledger.sql();
    let v1 = db.query_one(
        "SELECT 1 FROM foreign_entries WHERE origin = ?1 LIMIT 1",
        sql_params![origin],
    )?;
    let card: IdentityCard = db
        .query(
            "SELECT card FROM foreign_cards WHERE origin = ?1",
            sql_params![origin],
        )?
        .iter()
        .filter_map(|r| r.text(0).ok())
        .filter_map(|t| serde_json::from_str::<IdentityCard>(&t).ok())
        .find(|c| {
            c.public_key()
                .is_ok_and(|k| crate::identity::origin_for(&k) == origin)
        })
        .ok_or_else(|| Error::NotFound {
            what: format!("the card of {origin}"),
            hint: "the partner's records held are damaged: run `tradeseal verify`".into(),
        })?;
    // The groups received, newest first: each takes the wanted entries it holds that
    // no newer one took (entries that came in several bundles travel in several groups).
    let mut left: Vec<u64> = seqs.to_vec();
    let mut out = Vec::new();
    for r in db.query(
        "SELECT anchor, seqs, ranges, proof FROM foreign_groups WHERE origin = ?1 ORDER BY anchor DESC, id DESC",
        sql_params![origin],
    )? {
        let held: Vec<u64> = serde_json::from_str(&r.text(1)?).unwrap_or_default();
        let (mine, rest): (Vec<u64>, Vec<u64>) =
            left.iter().partition(|s| held.binary_search(s).is_ok());
        if mine.is_empty() {
            continue;
        }
        left = rest;
        let group = (r.int(0)? as u64, held, r.text(2)?, r.blob(3)?);
        out.push(derived_excerpt(ledger, origin, &mine, group)?);
        if left.is_empty() {
            break;
        }
    }
    if !left.is_empty() {
        return Err(Error::invalid(
            "bundle",
            if v1.is_some() {
                format!("the chain holds entries of {origin} received in a version 1 bundle: they cannot travel in a version 2 bundle yet")
            } else {
                format!("the chain's entries of {origin} were not all received in a version 2 bundle: ask the partner for a bundle of the whole chain, import it, and export again")
            },
        ));
    }
    // In the bundle's order: by anchor, oldest first.
    out.reverse();
    Ok((out, card))
}

/// A partner's entries `seqs` of the ledger `origin` as received in one v2 bundle's
/// group (`anchor`, the entries it held, its range proofs and multiproof), with proofs
/// derived from that group's and the officer-set entries it carried.
fn derived_excerpt(
    ledger: &Ledger,
    origin: &str,
    seqs: &[u64],
    (anchor, held, ranges, proof): (u64, Vec<u64>, String, Vec<u8>),
) -> Result<Excerpt> {
    let db = ledger.sql();
    let damaged = || {
        Error::invalid(
            "ledger",
            format!("the records of {origin} held are damaged: run `tradeseal verify`"),
        )
    };
    // Every entry of the group, as held.
    let mut bodies = Vec::with_capacity(held.len());
    for &seq in &held {
        let r = db
            .query_one(
                "SELECT author, kind, time_ms, payload FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
                sql_params![origin, seq as i64],
            )?
            .ok_or_else(damaged)?;
        bodies.push(BodyV2 {
            seq,
            kind: r.text(1)?,
            time: crate::time::Timestamp::from_unix_millis(r.int(2)?)?,
            author: r.blob(0)?.try_into().map_err(|_| damaged())?,
            payload: r.text(3)?,
        });
    }
    // What goes: the chain's entries and the officer-set entries the group carried.
    let mut want: Vec<u64> = seqs.to_vec();
    want.extend(
        bodies
            .iter()
            .filter(|b| SET_KINDS.contains(&b.kind.as_str()))
            .map(|b| b.seq),
    );
    want.sort_unstable();
    want.dedup();
    let leaves: Vec<(u64, Hash)> = bodies.iter().map(|b| (b.seq, b.leaf_hash())).collect();
    let proof0: Vec<Hash> = proof.chunks(32).filter_map(Hash::from_slice).collect();
    let proof = merkle::sub_multiproof(anchor, &leaves, &proof0, &want).ok_or_else(damaged)?;
    // The commits holding them, and the anchor's.
    let commit_of = |sql: &str, at: i64| -> Result<(u64, u64, PublicKey, String)> {
        let r = db
            .query_one(sql, sql_params![origin, at])?
            .ok_or_else(damaged)?;
        let key = <[u8; 32]>::try_from(r.blob(2)?.as_slice())
            .ok()
            .and_then(|k| PublicKey::from_bytes(&k))
            .ok_or_else(damaged)?;
        Ok((r.int(0)? as u64, r.int(1)? as u64, key, r.text(3)?))
    };
    let mut commits: Vec<(u64, u64, PublicKey, String)> = Vec::new();
    for &seq in &want {
        if commits.last().is_some_and(|c| seq < c.0) {
            continue;
        }
        commits.push(commit_of(
            "SELECT end_size, start, author, note FROM foreign_commits WHERE origin = ?1 AND end_size > ?2 ORDER BY end_size LIMIT 1",
            seq as i64,
        )?);
    }
    if commits.last().is_none_or(|c| c.0 != anchor) {
        commits.push(commit_of(
            "SELECT end_size, start, author, note FROM foreign_commits WHERE origin = ?1 AND end_size = ?2",
            anchor as i64,
        )?);
    }
    // Range proofs for commits carried in part: from the commit's leaves when the group
    // held it whole, else derived from the group's own range proof.
    let ranges0: Vec<(u64, Vec<String>)> = serde_json::from_str(&ranges).unwrap_or_default();
    let mut ranges = Vec::new();
    for (end, start, _, _) in &commits {
        let mine: Vec<u64> = want
            .iter()
            .filter(|&&s| (*start..*end).contains(&s))
            .map(|s| s - start)
            .collect();
        if mine.is_empty() || mine.len() as u64 == end - start {
            continue;
        }
        let in_group: Vec<(u64, Hash)> = leaves
            .iter()
            .filter(|(s, _)| (*start..*end).contains(s))
            .map(|(s, h)| (s - start, *h))
            .collect();
        let p = if in_group.len() as u64 == end - start {
            let levels = merkle::Levels::new(in_group.iter().map(|(_, h)| *h).collect());
            let Ok(p) = merkle::multiproof(&levels, end - start, &mine);
            p
        } else {
            let r0: Vec<Hash> = ranges0
                .iter()
                .find(|(e, _)| e == end)
                .map(|(_, p)| p.iter().filter_map(|h| Hash::from_hex(h)).collect())
                .ok_or_else(damaged)?;
            merkle::sub_multiproof(end - start, &in_group, &r0, &mine).ok_or_else(damaged)?
        };
        ranges.push((*end, p));
    }
    let entries = bodies
        .into_iter()
        .filter(|b| want.binary_search(&b.seq).is_ok())
        .collect();
    Ok(Excerpt {
        origin: origin.to_string(),
        commits: commits.into_iter().map(|(_, _, k, n)| (k, n)).collect(),
        entries,
        ranges,
        proof,
    })
}

/// Writes a v2 bundle holding every entry of each of the given v2 ledgers, with their
/// organisations' cards: a whole-ledger archive, and the large multi-party bundles of
/// the benchmarks. Streamed a page of entries at a time: a group that carries every
/// entry of its ledger up to its anchor needs no range proof and an empty multiproof.
/// Returns the number of entries.
pub fn export_ledgers_v2(
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
    w.put(&Header {
        kind: "header".into(),
        format: BUNDLE_FORMAT_V2.into(),
        subject,
        exporter: parts
            .first()
            .map(|p| p.0.origin().to_string())
            .unwrap_or_default(),
    })?;
    let mut cards: BTreeMap<String, IdentityCard> = BTreeMap::new();
    for (l, c) in &parts {
        if l.format() != 2 || c.public_key != l.key().to_hex() {
            return Err(Error::invalid(
                "card",
                "a card is not its v2 ledger's organisation's",
            ));
        }
        cards.insert(c.public_key.clone(), (*c).clone());
    }
    for c in cards.into_values() {
        w.put(&CardRecord {
            kind: "card".into(),
            card: c,
        })?;
    }
    let mut n = 0;
    for (l, _) in &parts {
        let db = l.sql();
        let size = l.size()?;
        w.put(&LedgerRecord {
            kind: "ledger".into(),
            origin: l.origin().to_string(),
            anchor: size,
        })?;
        for r in db.query("SELECT author, note FROM commits ORDER BY end_size", &[])? {
            w.put(&CommitRecord {
                kind: "commit".into(),
                author: hex::encode(r.blob(0)?),
                note: r.text(1)?,
            })?;
        }
        let mut after = -1i64;
        loop {
            let rows = db.query(
                "SELECT seq, author, kind, time_ms, payload FROM entries WHERE seq > ?1 ORDER BY seq LIMIT 4096",
                sql_params![after],
            )?;
            let Some(last) = rows.last() else { break };
            after = last.int(0)?;
            for r in rows {
                let time = crate::time::Timestamp::from_unix_millis(r.int(3)?)?;
                let rec = entry_record(
                    r.int(0)? as u64,
                    &r.blob(1)?,
                    &r.text(2)?,
                    time,
                    &r.text(4)?,
                )?;
                w.put(&rec)?;
                n += 1;
            }
        }
        w.put(&ProofRecord {
            kind: "proof".into(),
            proof: Vec::new(),
        })?;
    }
    w.finish()?;
    Ok(n)
}
