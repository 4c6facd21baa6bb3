//! Importing a bundle: verify it, then add its partners' entries (unchanged, with their
//! signatures and proofs) to the local store, all or nothing, and record the import as
//! an entry of this organisation's own ledger.

use super::format::*;
use super::verify::{verify, BundleReport, BundleVerdict, FindingSeverity};
use crate::canonical;
use crate::epcis::{self, StoredEvent};
use crate::error::{Error, Result};
use crate::identity::Signer;
use crate::ledger::{index, Ledger, NewEntry};
use crate::time::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, Read};
use tradeseal_log::sql_params;
use ts_rs::TS;

/// Entry kind recording a bundle import in the importer's own ledger.
pub const KIND_IMPORT: &str = "bundle.import";

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct BundleImport {
    pub report: BundleReport,
    /// Partners' entries added now, and those held already.
    #[ts(type = "number")]
    pub new_entries: u64,
    #[ts(type = "number")]
    pub known_entries: u64,
    /// The own-ledger entry recording this import; `None` when nothing was new.
    #[ts(type = "number | null")]
    pub recorded: Option<u64>,
}

/// A reader that hashes every byte read through it.
pub(super) struct Hashing<R> {
    pub inner: R,
    pub digest: Sha256,
}

impl<R: BufRead> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Hashing<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(b) = self.inner.fill_buf() {
            let n = amt.min(b.len());
            self.digest.update(&b[..n]);
        }
        self.inner.consume(amt);
    }
}

#[derive(Serialize)]
struct ImportPayload<'a> {
    subject: &'a Subject,
    /// SHA-256 of the bundle file.
    sha256: String,
    /// SHA-256 of the canonical JSON of the verification report.
    report_sha256: String,
    verdict: BundleVerdict,
    entries: u64,
    new_entries: u64,
    authors: Vec<&'a str>,
}

fn blob(hexed: &str) -> Result<Vec<u8>> {
    hex::decode(hexed).map_err(|_| Error::invalid("bundle", "a hash or signature is not hex"))
}

/// Verifies the bundle `open` yields (read twice), then imports it.
pub fn import<R: BufRead + Send>(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    mut open: impl FnMut() -> Result<R>,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<BundleImport> {
    let mut first = Hashing {
        inner: open()?,
        digest: Sha256::new(),
    };
    let v2 = super::verify::is_v2(&mut first.inner);
    let report = verify(&mut first, Some(ledger), progress)?;
    let file_sha = hex::encode(first.digest.finalize());
    refuse_unless_verified(&report)?;
    if v2 {
        return super::import_v2::import(ledger, signer, now, open()?, report, file_sha);
    }
    let subject = report
        .subject
        .clone()
        .ok_or_else(|| Error::invalid("bundle", "no header"))?;
    let mut own: std::collections::HashSet<String> = [ledger.key().to_hex()].into();
    for (_, r) in ledger.rotations()? {
        own.insert(r.old.to_hex());
    }
    let app = ledger.begin_append(signer, now)?;
    // Partners' key hand-overs, to follow in the trust store: (old key, new card, entry hash).
    let mut handovers: Vec<(String, crate::identity::IdentityCard, crate::hash::Hash)> = vec![];
    let mut second = Hashing {
        inner: open()?,
        digest: Sha256::new(),
    };
    let mut origins: HashMap<String, String> = HashMap::new();
    let (mut new_entries, mut known_entries) = (0u64, 0u64);
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
        let value: serde_json::Value =
            serde_json::from_str(line.trim_end_matches('\n')).map_err(|e| {
                Error::invalid("bundle", format!("it changed while it was imported ({e})"))
            })?;
        let conn = app.sql();
        match value.get("type").and_then(|t| t.as_str()).unwrap_or("") {
            "card" => {
                let rec: CardRecord = serde_json::from_value(value)
                    .map_err(|e| Error::invalid("bundle", e.to_string()))?;
                origins.insert(rec.card.public_key.clone(), rec.card.origin.clone());
                if !own.contains(&rec.card.public_key) {
                    conn.execute("INSERT INTO foreign_cards (key, origin, card) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                        sql_params![rec.card.public_key.as_str(), rec.card.origin.as_str(), canonical::to_canonical(&rec.card)?])?;
                }
            }
            "checkpoint" => {
                let rec: CheckpointRecord = serde_json::from_value(value)
                    .map_err(|e| Error::invalid("bundle", e.to_string()))?;
                if !own.contains(&rec.key) {
                    let origin = &origins[&rec.key];
                    let cp = crate::checkpoint::open(
                        &rec.note,
                        origin,
                        &crate::signature::PublicKey::from_hex(&rec.key).expect("verified"),
                    )?;
                    conn.execute("INSERT INTO foreign_checkpoints (origin, size, note) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                        sql_params![origin.as_str(), cp.size as i64, rec.note.as_str()])?;
                }
            }
            "entry" => {
                let rec: EntryRecord = serde_json::from_value(value)
                    .map_err(|e| Error::invalid("bundle", e.to_string()))?;
                let hash = blob(&rec.hash)?;
                if own.contains(&rec.author) {
                    // Our own entries coming back must be the ones we hold.
                    let ours: Option<Vec<u8>> = conn
                        .query_one(
                            "SELECT hash FROM entries WHERE seq = ?1",
                            sql_params![rec.seq as i64],
                        )?
                        .map(|r| r.blob(0))
                        .transpose()?;
                    if ours.as_deref() != Some(hash.as_slice()) {
                        return Err(Error::invalid("bundle", format!("it holds an entry {} of our own ledger that our ledger does not: refuse it and keep it as evidence", rec.seq)));
                    }
                    known_entries += 1;
                    continue;
                }
                let origin = origins[&rec.author].clone();
                let held: Option<Vec<u8>> = conn
                    .query_one(
                        "SELECT hash FROM foreign_entries WHERE origin = ?1 AND seq = ?2",
                        sql_params![origin.as_str(), rec.seq as i64],
                    )?
                    .map(|r| r.blob(0))
                    .transpose()?;
                match held {
                    Some(h) if h == hash => {
                        known_entries += 1;
                        continue;
                    }
                    Some(_) => {
                        return Err(Error::invalid("bundle", format!("entry {} of {origin} differs from the one received earlier: the author signed two histories; keep both bundles as evidence", rec.seq)));
                    }
                    None => {}
                }
                let payload = canonical::value_to_canonical(&rec.payload)?;
                let proof: Vec<u8> = rec
                    .proof
                    .iter()
                    .map(|h| blob(h))
                    .collect::<Result<Vec<_>>>()?
                    .concat();
                let time = Timestamp::parse_canonical(&rec.time)?;
                conn.execute(
                    "INSERT INTO foreign_entries (origin, seq, author, kind, time_ms, prev, payload, hash, signature, checkpoint, proof) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    sql_params![origin.as_str(), rec.seq as i64, blob(&rec.author)?, rec.entry_kind.as_str(), time.unix_millis(), blob(&rec.prev)?, payload.as_str(), hash.as_slice(), blob(&rec.signature)?, rec.checkpoint as i64, proof],
                )?;
                if rec.entry_kind == crate::keys::KIND_ROTATE {
                    let author = crate::signature::PublicKey::from_hex(&rec.author)
                        .ok_or_else(|| Error::invalid("bundle", "an author key is invalid"))?;
                    let r = crate::keys::check_rotation(&payload, &author, &origin)?;
                    let hash = crate::hash::Hash::from_slice(&hash)
                        .ok_or_else(|| Error::invalid("bundle", "an entry hash is invalid"))?;
                    handovers.push((rec.author.clone(), r.new_card, hash));
                }
                if rec.entry_kind == epcis::KIND_EVENT {
                    index_partner_event(conn, &origin, rec.seq, rec.payload)?;
                }
                new_entries += 1;
            }
            _ => {}
        }
    }
    let read = hex::encode(second.digest.finalize());
    let counts = (new_entries, known_entries);
    finish(app, report, &subject, (file_sha, read), counts, |app| {
        // Follow partners' hand-overs: the new key takes the old key's standing (each
        // a ledger entry, like every trust decision), one after the other.
        for (old, card, hash) in &handovers {
            if let Some(e) = crate::parties::rotate_entry(app.sql(), old, card, hash)? {
                app.push(&[e])?;
            }
        }
        Ok(())
    })
}

/// Ends an import read twice (`shas`: the file's SHA-256 when verified and when
/// imported, which must agree): nothing recorded when every entry was held already;
/// else what `follow` appends and the import's own entry, committed with the rest.
pub(super) fn finish(
    mut app: crate::ledger::Appender<'_>,
    report: BundleReport,
    subject: &Subject,
    (file_sha, read): (String, String),
    (new_entries, known_entries): (u64, u64),
    follow: impl FnOnce(&mut crate::ledger::Appender<'_>) -> Result<()>,
) -> Result<BundleImport> {
    if read != file_sha {
        return Err(Error::invalid(
            "bundle",
            "the file changed while it was imported: nothing was imported; try again",
        ));
    }
    if new_entries == 0 {
        // Everything is held already: the second import of a bundle changes nothing.
        drop(app);
        return Ok(BundleImport {
            report,
            new_entries,
            known_entries,
            recorded: None,
        });
    }
    let entry = import_entry(&report, subject, file_sha, new_entries)?;
    follow(&mut app)?;
    let out = app.push(&[entry])?;
    app.commit()?;
    let recorded = match out.first() {
        Some(crate::ledger::Appended::New { seq, .. }) => Some(*seq),
        _ => None,
    };
    Ok(BundleImport {
        report,
        new_entries,
        known_entries,
        recorded,
    })
}

/// Adds a partner's event (an `epcis.event` payload, checked) to the event index under
/// its ledger `origin`, unless the event is held already.
pub(super) fn index_partner_event(
    db: &dyn tradeseal_log::db::Sql,
    origin: &str,
    seq: u64,
    payload: serde_json::Value,
) -> Result<()> {
    let ev: StoredEvent =
        serde_json::from_value(payload).map_err(|e| Error::invalid("bundle", e.to_string()))?;
    let summary = epcis::validate(&ev.event, &ev.namespaces())
        .map_err(|e| Error::invalid(e.field, e.reason))?;
    if index::event_id(db, &summary.hash_id)?.is_none() {
        index::insert_event(db, Some(origin), seq, &summary)?;
    }
    Ok(())
}

/// A failed file is not kept; nor is an intact but incomplete chain, whose gaps would
/// read as proven custody once recorded beside this organisation's own events.
pub(super) fn refuse_unless_verified(report: &BundleReport) -> Result<()> {
    let (severity, what) = match report.verdict {
        BundleVerdict::Failed => (FindingSeverity::Error, "it failed verification with"),
        BundleVerdict::Incomplete => (
            FindingSeverity::Gap,
            "it is intact, but its chain is incomplete: ask the partner for the missing records; it has",
        ),
        _ => (FindingSeverity::Info, ""),
    };
    if severity != FindingSeverity::Info {
        let found: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if let Some(f) = found.first() {
            return Err(Error::InvalidDocument {
                place: "the bundle".into(),
                reason: format!(
                    "{what} {} {}, the first {} at line {}: {}; run `tradeseal bundle verify` on it for the full report",
                    found.len(),
                    if severity == FindingSeverity::Error { "error(s)" } else { "gap(s)" },
                    f.code,
                    f.line.unwrap_or(0),
                    f.message
                ),
            });
        }
    }
    Ok(())
}

/// What an import records of itself in the importer's own ledger.
fn import_entry(
    report: &BundleReport,
    subject: &Subject,
    file_sha: String,
    new_entries: u64,
) -> Result<NewEntry> {
    let report_sha = hex::encode(Sha256::digest(canonical::to_canonical(report)?.as_bytes()));
    let payload = ImportPayload {
        subject,
        sha256: file_sha,
        report_sha256: report_sha,
        verdict: report.verdict,
        entries: report.entries,
        new_entries,
        authors: report.authors.iter().map(|a| a.key.as_str()).collect(),
    };
    Ok(NewEntry {
        kind: KIND_IMPORT.into(),
        payload: crate::entry::canonical_payload(&payload)?,
        index: None,
    })
}
