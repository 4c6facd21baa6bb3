//! Dossiers in the home's ledger database: drafts edited in place, sealed versions
//! fixed, attachments by SHA-256. Sealing appends the `dossier.seal` entry and marks
//! the version sealed in one transaction.

use super::checks::{self, Check};
use super::model::*;
use super::seal;
use super::sealed::{self, Seal, SealEntry, SealPayload, SealedFile, KIND_SEAL};
use crate::checkpoint::Checkpoint;
use crate::codelists::CodeLists;
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::{IdentityCard, Signer};
use crate::ledger::{Appended, Ledger, NewEntry};
use crate::time::Timestamp;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use tradeseal_log::db::{self, Row, Sql};
use tradeseal_log::sql_params;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum Status {
    Draft,
    Sealed,
    Superseded,
}

impl Status {
    fn parse(s: &str) -> Status {
        match s {
            "sealed" => Status::Sealed,
            "superseded" => Status::Superseded,
            _ => Status::Draft,
        }
    }
}

/// One version of a dossier as stored.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Stored {
    pub dossier: Dossier,
    pub status: Status,
    /// The Merkle root, hex (sealed versions).
    #[ts(optional)]
    pub root: Option<String>,
    /// The seal entry's number (sealed versions).
    #[ts(optional, type = "number")]
    pub seq: Option<u64>,
    pub created: String,
    pub updated: String,
    /// The stored text's revision (16 hex digits of its SHA-256): a save names the
    /// revision it edited, and is refused if the draft was saved since.
    pub revision: String,
}

/// The revision of a stored body.
fn revision_of(body: &str) -> String {
    crate::Hash::of(body.as_bytes()).to_hex()[..16].to_string()
}

/// A line of the dossier list.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Summary {
    pub id: String,
    pub version: u32,
    pub status: Status,
    #[ts(optional)]
    pub lrn: Option<String>,
    #[ts(optional)]
    pub declaration_type: Option<String>,
    #[ts(optional)]
    pub exporter: Option<String>,
    #[ts(optional)]
    pub consignee: Option<String>,
    #[ts(optional)]
    pub declaration_date: Option<String>,
    pub lines: u32,
    pub updated: String,
    /// Who sealed it, on a team ledger: the officer's name.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed_by: Option<String>,
}

fn time_text(ms: i64) -> String {
    Timestamp::from_unix_millis(ms)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

fn body_of(d: &Dossier) -> Result<String> {
    // Local storage, not a format: plain JSON (the seal covers the canonical leaves).
    Ok(serde_json::to_string(d).expect("a dossier is JSON"))
}

fn parse_body(text: &str) -> Result<Dossier> {
    serde_json::from_str(text).map_err(|e| {
        Error::invalid(
            "dossier",
            format!("a stored dossier is unreadable ({e}); run `tradeseal verify`"),
        )
    })
}

/// A new dossier id: `D` and 16 hex digits of the random bytes handed in.
pub fn new_id(random: [u8; 8]) -> String {
    format!("D{}", hex::encode(random))
}

fn check_id(id: &str) -> Result<()> {
    let ok = id.len() == 17
        && id.starts_with('D')
        && id[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "id",
            format!(
                "{id:?} is not a dossier id (D and 16 hex digits): run `tradeseal dossier list`"
            ),
        ))
    }
}

/// The dossier `text` names: its id, or the local reference number of one dossier.
pub fn resolve(ledger: &Ledger, text: &str) -> Result<String> {
    let t = text.trim();
    if check_id(t).is_ok() {
        return Ok(t.to_string());
    }
    let ids: Vec<String> = list(ledger, "")?
        .into_iter()
        .filter(|s| s.lrn.as_deref() == Some(t))
        .map(|s| s.id)
        .collect();
    match ids.len() {
        1 => Ok(ids.into_iter().next().expect("one")),
        0 => Err(Error::NotFound {
            what: format!("dossier {t:?}"),
            hint:
                "give its id (D and 16 hex digits) or its LRN; `tradeseal dossier list` shows them"
                    .into(),
        }),
        n => Err(Error::invalid(
            "dossier",
            format!("{n} dossiers have the LRN {t:?}: give the id"),
        )),
    }
}

/// Stores `d` as a new draft (version `d.version`).
pub fn create(ledger: &Ledger, d: &Dossier, now: Timestamp) -> Result<()> {
    check_id(&d.id)?;
    let n = ledger.sql().execute(
        "INSERT INTO dossiers (id, version, status, body, created_ms, updated_ms) VALUES (?1, ?2, 'draft', ?3, ?4, ?4) ON CONFLICT DO NOTHING",
        sql_params![d.id.as_str(), d.version, body_of(d)?, now.unix_millis()],
    )?;
    if n == 0 {
        return Err(Error::invalid(
            "id",
            format!("dossier {} version {} exists already", d.id, d.version),
        ));
    }
    Ok(())
}

/// Replaces the draft `d.id` version `d.version` with `d`.
pub fn save(ledger: &Ledger, d: &Dossier, now: Timestamp) -> Result<()> {
    save_inner(ledger, d, None, now).map(|_| ())
}

/// Saves a draft edited from `revision` (its `Stored::revision` when it was opened):
/// refused with `EditConflict`, nothing written, when the draft was saved since (by
/// another window or the CLI). The check and the write are one transaction. Returns
/// the new revision.
pub fn save_from(ledger: &Ledger, d: &Dossier, revision: &str, now: Timestamp) -> Result<String> {
    save_inner(ledger, d, Some(revision), now)
}

fn save_inner(
    ledger: &Ledger,
    d: &Dossier,
    revision: Option<&str>,
    now: Timestamp,
) -> Result<String> {
    // IMMEDIATE: no other writer between reading the revision and writing (inside a
    // caller's transaction, that one holds).
    let sql = ledger.sql();
    let tx = db::begin(&sql)?;
    let current = get(ledger, &d.id, Some(d.version))?;
    if let Some(r) = revision {
        if current.revision != r {
            return Err(Error::EditConflict {
                what: format!("dossier {} version {}", d.id, d.version),
            });
        }
    }
    if current.status != Status::Draft {
        return Err(Error::invalid("dossier", format!("{} version {} is sealed and cannot be changed: `tradeseal dossier amend {}` makes a new version that supersedes it", d.id, d.version, d.id)));
    }
    if current.dossier.supersedes != d.supersedes || d.format != DOSSIER_FORMAT {
        return Err(Error::invalid(
            "dossier",
            "the format and the version a draft supersedes are not edited",
        ));
    }
    let body = body_of(d)?;
    sql.execute(
        "UPDATE dossiers SET body = ?3, updated_ms = ?4 WHERE id = ?1 AND version = ?2 AND status = 'draft'",
        sql_params![d.id.as_str(), d.version, body.as_str(), now.unix_millis()],
    )?;
    tx.commit()?;
    Ok(revision_of(&body))
}

/// Deletes a draft (sealed versions are never deleted).
pub fn discard(ledger: &Ledger, id: &str, version: u32) -> Result<()> {
    let s = get(ledger, id, Some(version))?;
    if s.status != Status::Draft {
        return Err(Error::invalid(
            "dossier",
            "a sealed dossier is kept for good; amend it to correct it",
        ));
    }
    ledger.sql().execute(
        "DELETE FROM dossiers WHERE id = ?1 AND version = ?2",
        sql_params![id, version],
    )?;
    Ok(())
}

/// One version of a dossier; `None`: the latest.
pub fn get(ledger: &Ledger, id: &str, version: Option<u32>) -> Result<Stored> {
    check_id(id)?;
    let Some(r) = ledger.sql().query_one(
        "SELECT version, status, body, root, seq, created_ms, updated_ms FROM dossiers
         WHERE id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR version = ?2) ORDER BY version DESC LIMIT 1",
        sql_params![id, version],
    )?
    else {
        return Err(not_found(id, version));
    };
    let (status, body, root, seq, created, updated) = (
        r.text(1)?,
        r.text(2)?,
        r.opt_blob(3)?,
        r.opt_int(4)?,
        r.int(5)?,
        r.int(6)?,
    );
    Ok(Stored {
        dossier: parse_body(&body)?,
        status: Status::parse(&status),
        root: root.map(hex::encode),
        seq: seq.map(|s| s as u64),
        created: time_text(created),
        updated: time_text(updated),
        revision: revision_of(&body),
    })
}

fn not_found(id: &str, version: Option<u32>) -> Error {
    Error::NotFound {
        what: match version {
            Some(v) => format!("dossier {id} version {v}"),
            None => format!("dossier {id}"),
        },
        hint: "run `tradeseal dossier list` for the dossiers of this home".into(),
    }
}

/// The latest version of every dossier, newest first; `search` matches the id, the
/// LRN and the parties' names (case-insensitive).
pub fn list(ledger: &Ledger, search: &str) -> Result<Vec<Summary>> {
    let rows = ledger.sql().query(
        "SELECT d.version, d.status, d.body, d.updated_ms, d.seq FROM dossiers d
         WHERE d.version = (SELECT max(version) FROM dossiers x WHERE x.id = d.id)
         ORDER BY d.updated_ms DESC, d.id",
        &[],
    )?;
    let needle = search.trim().to_lowercase();
    let mut out = Vec::new();
    for r in rows {
        let (version, status, body, updated) =
            (version_of(&r, 0)?, r.text(1)?, r.text(2)?, r.int(3)?);
        let d = parse_body(&body)?;
        let s = Summary {
            id: d.id.clone(),
            version,
            status: Status::parse(&status),
            lrn: d.header.lrn.clone(),
            declaration_type: d.header.declaration_type.clone(),
            exporter: d.parties.exporter.as_ref().map(|p| p.name.clone()),
            consignee: d.parties.consignee.as_ref().map(|p| p.name.clone()),
            declaration_date: d.header.declaration_date.clone(),
            lines: d.lines.len() as u32,
            updated: time_text(updated),
            sealed_by: match r.opt_int(4)? {
                Some(seq) => ledger.officer_of(seq as u64)?,
                None => None,
            },
        };
        let hay = [
            Some(&s.id),
            s.lrn.as_ref(),
            s.exporter.as_ref(),
            s.consignee.as_ref(),
        ];
        if needle.is_empty()
            || hay
                .iter()
                .flatten()
                .any(|h| h.to_lowercase().contains(&needle))
        {
            out.push(s);
        }
    }
    Ok(out)
}

/// A new draft copying an earlier dossier: parties, transport means and places,
/// valuation terms, the goods lines' descriptions, codes and origins. Not copied:
/// what belongs to one shipment (LRN, dates, entry number, containers, transport
/// document, masses, values, quantities, lots, documents).
pub fn duplicate(ledger: &Ledger, from: &str, new_id: &str, now: Timestamp) -> Result<Dossier> {
    let src = get(ledger, from, None)?.dossier;
    let mut d = Dossier::new(new_id);
    d.header = Header {
        declaration_type: src.header.declaration_type,
        procedure: src.header.procedure,
        additional_procedures: src.header.additional_procedures,
        offices: src.header.offices,
        ..Header::default()
    };
    d.parties = src.parties;
    d.transport = Transport {
        containers: Vec::new(),
        transport_document: None,
        ..src.transport
    };
    d.valuation = Valuation {
        incoterm: src.valuation.incoterm,
        incoterm_place: src.valuation.incoterm_place,
        currency: src.valuation.currency,
        ..Valuation::default()
    };
    d.lines = src
        .lines
        .into_iter()
        .map(|l| GoodsLine {
            description: l.description,
            commodity: l.commodity,
            origin_country: l.origin_country,
            preferential_origin: l.preferential_origin,
            ..GoodsLine::default()
        })
        .collect();
    create(ledger, &d, now)?;
    Ok(d)
}

/// A new draft version of a sealed dossier, superseding it once sealed.
pub fn amend(ledger: &Ledger, id: &str, now: Timestamp) -> Result<Dossier> {
    let s = get(ledger, id, None)?;
    match s.status {
        Status::Draft => {
            return Err(Error::invalid(
                "dossier",
                format!(
                    "{id} version {} is a draft still: edit it",
                    s.dossier.version
                ),
            ))
        }
        Status::Superseded => unreachable!("the latest version is never superseded"),
        Status::Sealed => {}
    }
    let mut d = s.dossier;
    d.supersedes = Some(Supersedes {
        version: d.version,
        root: s.root.expect("a sealed version has a root"),
    });
    d.version += 1;
    create(ledger, &d, now)?;
    Ok(d)
}

/// What sealing did.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct SealOutcome {
    pub id: String,
    pub version: u32,
    pub root: String,
    #[ts(type = "number")]
    pub seq: u64,
    #[ts(type = "number")]
    pub fields: u64,
    /// Warnings that did not stop the seal.
    pub warnings: Vec<Check>,
}

/// Everything TradeSeal checks of a dossier in this home, and each goods line's
/// provenance.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Review {
    /// Findings of every rule set, errors first.
    pub checks: Vec<Check>,
    pub lines: Vec<super::rules::LineProvenance>,
}

/// Reviews a dossier in this home (`own_org`: the home's organisation): its fields,
/// its lots in the ledger, their provenance, EUDR and UFLPA.
pub fn review(ledger: &Ledger, d: &Dossier, lists: &CodeLists, own_org: &str) -> Result<Review> {
    review_with(ledger, d, lists, own_org, checks::validate(d, lists))
}

/// [`review`] with the dossier's own field checks (`checks::validate`) already made.
fn review_with(
    ledger: &Ledger,
    d: &Dossier,
    lists: &CodeLists,
    own_org: &str,
    mut checks: Vec<Check>,
) -> Result<Review> {
    checks.extend(super::links::ledger_checks(ledger, d)?);
    let a = super::rules::assess(ledger, d, lists, own_org)?;
    let (eu, us) = (
        super::rules::eudr_applies(d),
        super::rules::uflpa_applies(d),
    );
    checks.extend(a.checks.into_iter().map(|mut c| {
        let applies = match c.rules.as_str() {
            "eudr" => eu,
            "uflpa" => us,
            _ => true,
        };
        if !applies && c.severity == crate::bundle::FindingSeverity::Error {
            c.severity = crate::bundle::FindingSeverity::Warning;
        }
        c
    }));
    checks.sort_by_key(|c| c.severity);
    Ok(Review {
        checks,
        lines: a.lines,
    })
}

/// Every finding of [`review`].
pub fn check_all(
    ledger: &Ledger,
    d: &Dossier,
    lists: &CodeLists,
    own_org: &str,
) -> Result<Vec<Check>> {
    Ok(review(ledger, d, lists, own_org)?.checks)
}

/// Seals the draft `id` (its latest version): refused while any check finds an error.
/// `seed` makes the salts (32 random bytes, kept with the version).
pub fn seal(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    id: &str,
    seed: [u8; 32],
    lists: &CodeLists,
) -> Result<SealOutcome> {
    let mut out = seal_many(ledger, signer, now, &[(id.to_string(), seed)], lists)?;
    Ok(out.pop().expect("one dossier sealed"))
}

/// Seals several drafts in one durable ledger transaction (one checkpoint): all or
/// nothing. Each is checked first, and the lots they ship are checked together.
pub fn seal_many(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    drafts: &[(String, [u8; 32])],
    lists: &CodeLists,
) -> Result<Vec<SealOutcome>> {
    use rayon::prelude::*;
    // The drafts as stored (with the time they were last saved, to notice a change).
    let mut stored = Vec::with_capacity(drafts.len());
    for (id, seed) in drafts {
        check_id(id)?;
        let Some(r) = ledger.sql().query_one(
            "SELECT version, status, body, updated_ms FROM dossiers WHERE id = ?1
             ORDER BY version DESC LIMIT 1",
            sql_params![id.as_str()],
        )?
        else {
            return Err(not_found(id, None));
        };
        let (version, status, body, saved) =
            (version_of(&r, 0)?, r.text(1)?, r.text(2)?, r.int(3)?);
        if Status::parse(&status) != Status::Draft {
            return Err(Error::invalid(
                "dossier",
                format!("{id} version {version} is sealed already"),
            ));
        }
        stored.push((id, *seed, body, saved));
    }
    // On every core: read, check the fields, hash the leaves (most of a seal's work).
    let hashed = stored
        .into_par_iter()
        .map(|(id, seed, body, saved)| {
            let d = parse_body(&body)?;
            if d.id != *id {
                return Err(Error::invalid(
                    "dossier",
                    format!(
                        "the stored dossier {id} names itself {}; run `tradeseal verify`",
                        d.id
                    ),
                ));
            }
            let found = checks::validate(&d, lists);
            let doc = serde_json::to_value(&d).expect("a dossier is JSON");
            let (root, fields) = seal::seal_root(&doc, &seed)?;
            let body = body_of(&d)?;
            Ok((d, seed, saved, found, root, fields, body))
        })
        .collect::<Result<Vec<_>>>()?;
    // The checks that read the ledger (lots, provenance, rules), one by one.
    let mut ready = Vec::with_capacity(hashed.len());
    for (d, seed, saved, found, root, fields, body) in hashed {
        let found = review_with(ledger, &d, lists, &signer.card.org, found)?.checks;
        let errors: Vec<&Check> = found
            .iter()
            .filter(|c| c.severity == crate::bundle::FindingSeverity::Error)
            .collect();
        if let Some(first) = errors.first() {
            let id = &d.id;
            return Err(Error::InvalidInput {
                field: first.path.clone(),
                reason: format!("the dossier {} has {} error(s), the first at {}: {}. Correct them (`tradeseal dossier validate {id}`), then seal", d.header.lrn.as_deref().unwrap_or(id), errors.len(), first.path, first.message),
            });
        }
        ready.push((d, seed, saved, found, root, fields, body));
    }
    if ready.len() > 1 {
        let all: Vec<&Dossier> = ready.iter().map(|r| &r.0).collect();
        if let Some(why) = super::links::batch_quantity_problem(ledger, &all)? {
            return Err(Error::invalid("dossiers", why));
        }
    }
    let entries = ready
        .iter()
        .map(|(d, _, _, _, root, fields, _)| {
            let payload = SealPayload {
                dossier: d.id.clone(),
                version: d.version,
                root: root.to_hex(),
                fields: *fields as u64,
                supersedes: d.supersedes.as_ref().map(|s| s.root.clone()),
            };
            Ok(NewEntry {
                kind: KIND_SEAL.into(),
                payload: crate::canonical::to_canonical(&payload)?,
                index: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut app = ledger.begin_append(signer, now)?;
    // One push: the entries are signed on every core.
    let appended = app.push(&entries)?;
    let mut out = Vec::with_capacity(ready.len());
    for ((d, seed, saved, found, root, fields, body), a) in ready.into_iter().zip(appended) {
        let Appended::New { seq, .. } = a else {
            unreachable!("a seal is never a known event")
        };
        let n = app.sql().execute(
            "UPDATE dossiers SET status = 'sealed', body = ?3, seed = ?4, root = ?5, seq = ?6, updated_ms = ?7
             WHERE id = ?1 AND version = ?2 AND status = 'draft' AND updated_ms = ?8",
            sql_params![d.id.as_str(), d.version, body, &seed[..], &root.0[..], seq as i64, now.unix_millis(), saved],
        )?;
        if n != 1 {
            return Err(Error::invalid(
                "dossier",
                format!(
                    "{} was changed while it was being sealed: seal it again",
                    d.id
                ),
            ));
        }
        super::links::index_items(&app.sql(), &d)?;
        if let Some(prev) = &d.supersedes {
            app.sql().execute(
                "UPDATE dossiers SET status = 'superseded' WHERE id = ?1 AND version = ?2 AND status = 'sealed'",
                sql_params![d.id.as_str(), prev.version],
            )?;
        }
        out.push(SealOutcome {
            id: d.id,
            version: d.version,
            root: root.to_hex(),
            seq,
            fields: fields as u64,
            warnings: found,
        });
    }
    app.commit()?;
    Ok(out)
}

/// Stores a file's bytes; returns its SHA-256 (hex).
pub fn attach(ledger: &Ledger, bytes: &[u8]) -> Result<String> {
    let h = Hash::of(bytes);
    let sql = ledger.sql();
    let tx = db::begin(&sql)?;
    if let Some(id) = new_attachment(&sql, &h, bytes.len() as u64)? {
        for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
            put_chunk(&sql, id, n, chunk)?;
        }
    }
    tx.commit()?;
    Ok(h.to_hex())
}

/// The largest file attached to a dossier. A sealed file carries its attachments
/// (dossier.md §4), so this also bounds what a partner receives.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;
/// The largest total of the distinct files attached to one dossier (dossier.md §4).
pub const MAX_DOSSIER_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;

/// What a document attached from a file says besides the file.
#[derive(Clone, Debug, Default)]
pub struct NewDocument {
    pub code: String,
    pub reference: String,
    pub date: Option<String>,
}

/// Attaches the file at `path` to the draft `id` as a new document, in one
/// transaction: refused, nothing stored, when the draft was saved since `revision`
/// (if given), is sealed, or the file or the dossier's files together would pass their
/// limits. The bytes go from the file into the database in a stream (1 MiB at a
/// time), however large the file. Returns the document's file entry.
pub fn attach_document(
    ledger: &Ledger,
    id: &str,
    revision: Option<&str>,
    path: &std::path::Path,
    doc: NewDocument,
    now: Timestamp,
) -> Result<Attachment> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("reading {shown}"), e))?
        .len();
    let mb = |n: u64| n as f64 / 1e6;
    if size > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "{shown} is {:.1} MB; a dossier attaches files up to {} MB (they travel inside the sealed file): attach a smaller scan, or give the document's reference without the file",
                mb(size),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    // First pass, outside the write lock: the hash names the row.
    let sha = crate::files::sha256_of(path)?;
    let sql = ledger.sql();
    let tx = db::begin(&sql)?;
    let current = get(ledger, id, None)?;
    if let Some(r) = revision {
        if current.revision != r {
            return Err(Error::EditConflict {
                what: format!("dossier {id} version {}", current.dossier.version),
            });
        }
    }
    let mut d = current.dossier;
    let mut named: BTreeMap<&str, u64> = BTreeMap::new();
    for f in d.documents.iter().filter_map(|x| x.file.as_ref()) {
        named.insert(&f.sha256, f.size);
    }
    if !named.contains_key(sha.as_str()) {
        let total: u64 = named.values().sum::<u64>() + size;
        if total > MAX_DOSSIER_ATTACHMENT_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "with {shown} the files attached to {id} would total {:.1} MB; a dossier carries up to {} MB of files: attach a smaller scan, or give the document's reference without the file",
                    mb(total),
                    MAX_DOSSIER_ATTACHMENT_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    store_file(&sql, path, &sha, size)?;
    let file = Attachment {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: sha,
        size,
        media_type: media_type(path),
    };
    d.documents.push(Document {
        code: doc.code,
        reference: doc.reference,
        date: doc.date,
        verification: None,
        file: Some(file.clone()),
    });
    save_inner(ledger, &d, Some(&current.revision), now)?;
    tx.commit()?;
    Ok(file)
}

/// Attachments are stored in chunks of this many bytes (schema_v7.sql).
const CHUNK: usize = 1 << 20;

/// A new attachment row for the file of hash `h` and `size` bytes, its id to add the
/// chunks to; `None`: that file is stored already.
fn new_attachment(sql: &dyn Sql, h: &Hash, size: u64) -> Result<Option<i64>> {
    if sql
        .query_one(
            "SELECT id FROM attachments WHERE sha256 = ?1",
            sql_params![&h.0[..]],
        )?
        .is_some()
    {
        return Ok(None);
    }
    let row = sql.query_one(
        "INSERT INTO attachments (sha256, size) VALUES (?1, ?2) RETURNING id",
        sql_params![&h.0[..], size as i64],
    )?;
    Ok(Some(
        row.ok_or_else(|| Error::invalid("ledger", "an attachment row was not written"))?
            .int(0)?,
    ))
}

fn put_chunk(sql: &dyn Sql, attachment: i64, n: usize, bytes: &[u8]) -> Result<()> {
    sql.execute(
        "INSERT INTO attachment_chunks (attachment, n, bytes) VALUES (?1, ?2, ?3)",
        sql_params![attachment, n as i64, bytes],
    )?;
    Ok(())
}

/// Copies the file at `path` into the attachments under `sha` (hex), unless a file of
/// that hash is stored already: a stream of 1 MiB chunks, hashed on the way, so that a
/// file changed since it was hashed is refused. Inside the caller's transaction.
fn store_file(sql: &dyn Sql, path: &std::path::Path, sha: &str, size: u64) -> Result<()> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let h = Hash::from_hex(sha).expect("a hash of ours");
    let Some(id) = new_attachment(sql, &h, size)? else {
        return Ok(());
    };
    let shown = path.display();
    let changed = || {
        Error::invalid(
            "file",
            format!("{shown} changed while it was read: attach it again"),
        )
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(format!("reading {shown}"), e))?;
    // One byte past the size it had: a file grown since is noticed, not read on.
    let mut f = f.take(size + 1);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let (mut written, mut n) = (0u64, 0usize);
    loop {
        let mut filled = 0;
        while filled < CHUNK {
            let k = f
                .read(&mut buf[filled..])
                .map_err(|e| Error::io(format!("reading {shown}"), e))?;
            if k == 0 {
                break;
            }
            filled += k;
        }
        if filled == 0 {
            break;
        }
        written += filled as u64;
        if written > size {
            return Err(changed());
        }
        hasher.update(&buf[..filled]);
        put_chunk(sql, id, n, &buf[..filled])?;
        n += 1;
    }
    if written != size || hex::encode(hasher.finalize()) != sha {
        return Err(changed());
    }
    Ok(())
}

/// The media type the file's extension names, when it is one a dossier commonly holds.
pub fn media_type(p: &std::path::Path) -> Option<String> {
    let ext = p.extension()?.to_string_lossy().to_lowercase();
    Some(
        match ext.as_str() {
            "pdf" => "application/pdf",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "xml" => "application/xml",
            "json" => "application/json",
            "csv" => "text/csv",
            "txt" => "text/plain",
            _ => return None,
        }
        .into(),
    )
}

/// A stored file, read whole (`None`: not stored). See [`copy_attachment`] to stream.
pub fn attachment(ledger: &Ledger, sha256: &str) -> Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    Ok(copy_attachment(ledger, sha256, &mut out)?.then_some(out))
}

/// Streams the stored file `sha256` into `out`, a chunk (1 MiB) at a time; `false`: not
/// stored.
pub fn copy_attachment(
    ledger: &Ledger,
    sha256: &str,
    out: &mut dyn std::io::Write,
) -> Result<bool> {
    let Some(h) = Hash::from_hex(sha256) else {
        return Ok(false);
    };
    let sql = ledger.sql();
    let Some(row) = sql.query_one(
        "SELECT id, size FROM attachments WHERE sha256 = ?1",
        sql_params![&h.0[..]],
    )?
    else {
        return Ok(false);
    };
    let (id, size) = (row.int(0)?, row.int(1)? as u64);
    let mut copied = 0u64;
    for n in 0.. {
        if copied >= size {
            break;
        }
        let Some(chunk) = sql.query_one(
            "SELECT bytes FROM attachment_chunks WHERE attachment = ?1 AND n = ?2",
            sql_params![id, n as i64],
        )?
        else {
            break;
        };
        let bytes = chunk.blob(0)?;
        out.write_all(&bytes)
            .map_err(|e| Error::io("copying an attachment", e))?;
        copied += bytes.len() as u64;
    }
    if copied != size {
        return Err(Error::invalid(
            "ledger",
            format!("the stored file {sha256} has {copied} of its {size} bytes: the ledger database is damaged; restore it from a backup"),
        ));
    }
    Ok(true)
}

/// The sealed file of a sealed version (`None`: the latest sealed one), with the
/// fields `hide` names withheld and its attachments held in it. `card` is the home's
/// card (the ledger's key). To write a file, [`super::write_export`] streams them.
pub fn export(
    ledger: &Ledger,
    card: &IdentityCard,
    id: &str,
    version: Option<u32>,
    hide: &[String],
) -> Result<SealedFile> {
    let mut file = export_fields(ledger, card, id, version, hide)?;
    inline_attachments(ledger, &mut file)?;
    Ok(file)
}

/// As [`export`], without the attachments' bytes (what a PDF shows, and what a file
/// is written from).
pub fn export_fields(
    ledger: &Ledger,
    card: &IdentityCard,
    id: &str,
    version: Option<u32>,
    hide: &[String],
) -> Result<SealedFile> {
    let checkpoint = ledger.checkpoint()?;
    let (body, seed, seal) = sealed_parts(ledger, &ledger.nodes(), card, id, version, &checkpoint)?;
    sealed::make(parse_sealed(id, &body)?, &seed, hide, seal)
}

/// Puts into `file` the stored files its disclosed documents name.
pub fn inline_attachments(ledger: &Ledger, file: &mut SealedFile) -> Result<()> {
    for h in stored_attachments(ledger, file)? {
        let bytes = attachment(ledger, &h)?.expect("listed as stored");
        file.attachments
            .insert(h, data_encoding::BASE64.encode(&bytes));
    }
    Ok(())
}

/// The SHA-256 (hex) of the stored files `file`'s disclosed documents name, each once,
/// in order (a file named but not stored travels without its bytes).
pub fn stored_attachments(ledger: &Ledger, file: &SealedFile) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let sql = ledger.sql();
    for h in sealed::attached(&file.dossier) {
        let Some(hash) = Hash::from_hex(h) else {
            continue;
        };
        if !out.iter().any(|o: &String| o == h)
            && sql
                .query_one(
                    "SELECT 1 FROM attachments WHERE sha256 = ?1",
                    sql_params![&hash.0[..]],
                )?
                .is_some()
        {
            out.push(h.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// The sealed files of the latest sealed versions of `ids`, as [`export_fields`] makes
/// each (without the attachments' bytes): read in one pass against one checkpoint (the
/// tree's nodes read once), parsed and built on every core. All or nothing.
pub fn export_many(
    ledger: &Ledger,
    card: &IdentityCard,
    ids: &[String],
    hide: &[String],
) -> Result<Vec<SealedFile>> {
    use rayon::prelude::*;
    let checkpoint = ledger.checkpoint()?;
    let nodes = crate::merkle::Memo::new(ledger.nodes());
    let mut parts = Vec::with_capacity(ids.len());
    for id in ids {
        parts.push(sealed_parts(ledger, &nodes, card, id, None, &checkpoint)?);
    }
    parts
        .into_par_iter()
        .zip(ids)
        .map(|((body, seed, seal), id)| sealed::make(parse_sealed(id, &body)?, &seed, hide, seal))
        .collect()
}

/// The seal of a version 2 seal entry (dossier.md §4.1): the entry, its multiproof in
/// its commit, and the commit's note, which the organisation's key (the card's) signed.
fn seal_v2(ledger: &Ledger, card: &IdentityCard, seq: u64) -> Result<Seal> {
    let x = ledger.entry_in_commit(seq)?;
    if x.committer.to_hex() != card.public_key || hex::encode(x.body.author) != card.public_key {
        return Err(Error::invalid("dossier", "this version was sealed by an officer of the team: a sealed file is checked against the organisation's key, and a file carrying the officer's enrolment is not made by this TradeSeal yet; dossiers meant for export are sealed from the organisation's desk"));
    }
    Ok(Seal {
        card: card.clone(),
        entry: SealEntry {
            author: hex::encode(x.body.author),
            seq,
            kind: x.body.kind.clone(),
            time: x.body.time.to_rfc3339(),
            prev: None,
            payload: serde_json::from_str(&x.body.payload).map_err(|e| {
                Error::invalid("ledger", format!("the seal entry is unreadable ({e})"))
            })?,
            hash: x.body.hash().to_hex(),
            signature: None,
            proof: x.proof.iter().map(Hash::to_hex).collect(),
        },
        checkpoint: x.note,
    })
}

/// A sealed version's stored body: the document exactly as it was hashed.
fn parse_sealed(id: &str, body: &str) -> Result<Value> {
    serde_json::from_str(body).map_err(|_| {
        Error::invalid(
            "dossier",
            format!("the stored sealed dossier {id} is damaged; run `tradeseal verify`"),
        )
    })
}

/// What a sealed file is made of: the sealed version's stored body, its salt seed,
/// and its seal (entry and inclusion proof against `checkpoint`, the ledger's latest).
fn sealed_parts(
    ledger: &Ledger,
    nodes: &impl crate::merkle::NodeSource<Error = Error>,
    card: &IdentityCard,
    id: &str,
    version: Option<u32>,
    (cp, note): &(Checkpoint, String),
) -> Result<(String, [u8; 32], Seal)> {
    check_id(id)?;
    let row = ledger
        .sql()
        .query_one(
            "SELECT version, body, seed, seq FROM dossiers
             WHERE id = ?1 AND status <> 'draft' AND (CAST(?2 AS BIGINT) IS NULL OR version = ?2)
             ORDER BY version DESC LIMIT 1",
            sql_params![id, version],
        )?
        .map(|r| {
            Ok::<_, Error>((
                version_of(&r, 0)?,
                r.text(1)?,
                r.opt_blob(2)?,
                r.opt_int(3)?,
            ))
        })
        .transpose()?;
    let Some((version, body, seed, seq)) = row else {
        let why = match version {
            Some(v) if exists(ledger, id, Some(v))? => {
                format!("{id} version {v} is a draft: seal it first")
            }
            None if exists(ledger, id, None)? => {
                format!("{id} has no sealed version yet: `tradeseal dossier seal {id}` first")
            }
            _ => return Err(not_found(id, version)),
        };
        return Err(Error::invalid("dossier", why));
    };
    let damaged = |what: &str| {
        Error::invalid(
            "dossier",
            format!("{id} version {version}: the stored {what} is damaged; run `tradeseal verify`"),
        )
    };
    let seed: [u8; 32] = seed
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| damaged("salt seed"))?;
    let seq = seq.ok_or_else(|| damaged("seal entry number"))? as u64;
    if ledger.v2_start().is_some_and(|s| seq >= s) {
        return Ok((body, seed, seal_v2(ledger, card, seq)?));
    }
    let entry = ledger.entry(seq)?;
    if entry.body.author != card.public_key()?.to_bytes() {
        return Err(Error::invalid("dossier", "this version was sealed before the key rotation: this TradeSeal cannot export its seal yet"));
    }
    let proof = crate::proof::inclusion_in(nodes, &entry, cp)?;
    let seal = Seal {
        card: card.clone(),
        entry: SealEntry {
            author: hex::encode(entry.body.author),
            seq,
            kind: entry.body.kind.clone(),
            time: entry.body.time.to_rfc3339(),
            prev: Some(entry.body.prev.to_hex()),
            payload: serde_json::from_str(&entry.body.payload).map_err(|e| {
                Error::invalid("ledger", format!("the seal entry is unreadable ({e})"))
            })?,
            hash: entry.hash.to_hex(),
            signature: Some(hex::encode(entry.signature)),
            proof,
        },
        checkpoint: note.clone(),
    };
    Ok((body, seed, seal))
}

/// Whether dossier `id` (version `version`, or any) is stored.
fn exists(ledger: &Ledger, id: &str, version: Option<u32>) -> Result<bool> {
    Ok(ledger
        .sql()
        .query_one(
            "SELECT 1 FROM dossiers WHERE id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR version = ?2)",
            sql_params![id, version],
        )?
        .is_some())
}

/// A dossier version number as stored.
fn version_of(r: &Row, i: usize) -> Result<u32> {
    u32::try_from(r.int(i)?).map_err(|_| {
        Error::invalid(
            "dossier",
            "a stored version number is out of range; run `tradeseal verify`",
        )
    })
}
