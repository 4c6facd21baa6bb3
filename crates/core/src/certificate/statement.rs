//! What a certificate states (docs/spec/qr.md §5): its type, its subject (a lot, or a
//! sealed dossier) and the origin summary of the chain traced back from it. The
//! statement is the payload of the `certificate.issue` ledger entry.

use crate::dossier::rules::{self, Origin};
use crate::dossier::store::{self, Status};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::trace::{self, Direction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

pub const KIND_CERTIFICATE: &str = "certificate.issue";
/// Places and parties a statement lists at most (the QR code's size).
pub const MAX_LISTED: usize = 12;
/// Goods lines a dossier subject lists at most.
pub const MAX_GOODS: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum CertificateType {
    /// Where the goods come from, as the verified chain shows.
    Origin,
    /// The goods are the issuer's own.
    Authenticity,
    /// A file with this SHA-256 existed when the issuer recorded it (proof of
    /// existence, `tradeseal attest`; qr.md §5.2).
    Existence,
}

impl CertificateType {
    pub fn parse(text: &str) -> Result<CertificateType> {
        match text {
            "origin" => Ok(CertificateType::Origin),
            "authenticity" => Ok(CertificateType::Authenticity),
            _ => Err(Error::invalid(
                "type",
                format!("{text:?}: a certificate of goods is of type origin or authenticity"),
            )),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CertificateType::Origin => "Certificate of Origin",
            CertificateType::Authenticity => "Certificate of Authenticity",
            CertificateType::Existence => "Certificate of Existence",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct Statement {
    #[serde(rename = "type")]
    pub kind: CertificateType,
    pub subject: Subject,
    /// The chain's origins, for goods; none for a file (`existence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub origin: Option<OriginSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts", rename = "CertificateSubject")]
pub enum Subject {
    Lot(LotSubject),
    Dossier(DossierSubject),
    File(FileSubject),
}

/// A file attested by its hash (the file itself is never recorded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct FileSubject {
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Its length in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// The file's name when attested (without its folder).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct LotSubject {
    pub gtin: String,
    pub lot: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub product: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct DossierSubject {
    pub id: String,
    pub version: u32,
    /// The seal's Merkle root, hex.
    pub root: String,
    /// The `dossier.seal` entry's seq.
    #[ts(type = "number")]
    pub seal: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exporter: Option<String>,
    pub goods: Vec<Goods>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct Goods {
    pub hs: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct OriginSummary {
    /// Origins of the chain (where it was made), and how many of them were made by
    /// events signed by the issuer or a partner it trusts.
    pub origins: u32,
    pub verified: u32,
    /// ISO 3166-1 alpha-2, sorted.
    pub countries: Vec<String>,
    pub places: Vec<Place>,
    /// Organisations of the chain: signers of the origins and parties of its events.
    pub parties: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct Place {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
    /// When it was made there (a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub produced: Option<String>,
}

/// What a certificate is requested for.
#[derive(Clone, Debug)]
pub enum Target {
    /// `GTIN/LOT`.
    Lot(String),
    /// A dossier id or LRN; its latest sealed version.
    Dossier(String),
}

/// The statement a certificate of `kind` for `target` makes, from the ledger.
pub fn state(
    ledger: &Ledger,
    own_org: &str,
    kind: CertificateType,
    target: &Target,
) -> Result<Statement> {
    let (subject, items) = match target {
        Target::Lot(text) => lot_subject(ledger, text)?,
        Target::Dossier(text) => dossier_subject(ledger, text)?,
    };
    let origin = summary(ledger, own_org, &items)?;
    if kind == CertificateType::Origin {
        let unverified = origin.origins - origin.verified;
        if origin.origins == 0 {
            return Err(Error::invalid(
                "origin",
                "the ledger records no origin for these goods: record how they were made (or import the supplier's bundle), or issue --type authenticity",
            ));
        }
        if unverified > 0 {
            return Err(Error::invalid("origin", format!("{unverified} of {} origins of the chain were not made by events signed by you or a partner you trust: verify and import the suppliers' bundles and trust their signers, or issue --type authenticity", origin.origins)));
        }
    }
    Ok(Statement {
        kind,
        subject,
        origin: Some(origin),
    })
}

fn lot_subject(ledger: &Ledger, text: &str) -> Result<(Subject, Vec<String>)> {
    let id = trace::start_id("lot", text)?;
    if !crate::dossier::links::recorded(ledger, &id)?.known {
        return Err(Error::NotFound {
            what: format!("lot {text}"),
            hint: "no recorded event names it; check the GTIN and lot, or import the events that name it (`tradeseal epcis import`)".into(),
        });
    }
    let (gtin, lot) = text.trim().split_once('/').expect("start_id checked it");
    let gtin = crate::gs1::Gtin::parse(gtin)?.to_string();
    let subject = Subject::Lot(LotSubject {
        product: crate::masterdata::product_name(ledger, &gtin)?,
        gtin,
        lot: lot.to_string(),
    });
    Ok((subject, vec![id]))
}

fn dossier_subject(ledger: &Ledger, text: &str) -> Result<(Subject, Vec<String>)> {
    let id = store::resolve(ledger, text)?;
    let mut s = store::get(ledger, &id, None)?;
    while s.status == Status::Draft {
        match s.dossier.version.checked_sub(1).filter(|v| *v > 0) {
            Some(v) => s = store::get(ledger, &id, Some(v))?,
            None => {
                return Err(Error::invalid(
                    "dossier",
                    format!("{id} has no sealed version yet: `tradeseal dossier seal {id}` first"),
                ))
            }
        }
    }
    let d = &s.dossier;
    let damaged = || {
        Error::invalid(
            "dossier",
            format!("{id}: its seal is not recorded in full; run `tradeseal verify`"),
        )
    };
    let subject = Subject::Dossier(DossierSubject {
        id: id.clone(),
        version: d.version,
        root: s.root.clone().ok_or_else(damaged)?,
        seal: s.seq.ok_or_else(damaged)?,
        exporter: d.parties.exporter.as_ref().map(|p| p.name.clone()),
        goods: d
            .lines
            .iter()
            .take(MAX_GOODS)
            .map(|l| Goods {
                hs: l.commodity.hs.clone(),
                description: l.description.clone(),
            })
            .collect(),
    });
    let items = d
        .lines
        .iter()
        .flat_map(|l| l.items.iter().map(|i| i.id.clone()))
        .collect();
    Ok((subject, items))
}

/// The origin summary of the chains traced back from `items`.
fn summary(ledger: &Ledger, own_org: &str, items: &[String]) -> Result<OriginSummary> {
    let mut origins: Vec<Origin> = Vec::new();
    let mut parties: BTreeSet<String> = BTreeSet::new();
    let mut seen_events = BTreeSet::new();
    for (j, item) in items.iter().enumerate() {
        let t = trace::trace(ledger, item, Direction::Back)?;
        for n in t.nodes.iter().filter(|n| n.origin) {
            if origins.iter().any(|o| o.id == n.id) {
                continue;
            }
            origins.push(rules::origin_of(ledger, n, j as u32, own_org)?.0);
        }
        for e in &t.events {
            if seen_events.insert(e.event.id) {
                parties.extend(rules::event_parties(ledger, e.event.id)?);
            }
        }
    }
    parties.extend(origins.iter().filter_map(|o| o.signer_name.clone()));
    let countries: BTreeSet<String> = origins.iter().filter_map(|o| o.country.clone()).collect();
    let places: BTreeSet<Place> = origins
        .iter()
        .filter_map(|o| {
            Some(Place {
                name: o.place.clone()?,
                country: o.country.clone(),
                produced: o.produced.clone(),
            })
        })
        .collect();
    Ok(OriginSummary {
        origins: origins.len() as u32,
        verified: origins
            .iter()
            .filter(|o| !o.unknown && matches!(o.signer.as_str(), "own" | "trusted"))
            .count() as u32,
        countries: countries.into_iter().collect(),
        places: places.into_iter().take(MAX_LISTED).collect(),
        parties: parties
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .take(MAX_LISTED)
            .collect(),
    })
}

/// Something a certificate can be issued for, as the form offers it.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Candidate {
    /// `lot` or `dossier`.
    pub kind: String,
    /// What `--lot` or `--dossier` takes: `GTIN/LOT`, or the dossier's LRN (else its id).
    pub value: String,
    /// For people: the product, or the dossier's exporter and version.
    pub label: String,
}

/// The lots the ledger records (newest events first) and the sealed dossiers, at most
/// `limit` of each.
pub fn candidates(ledger: &Ledger, limit: u32) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    use tradeseal_log::db::Sql;
    let ids: Vec<String> = ledger
        .sql()
        .query(
            "SELECT o.id FROM epcis_objects o JOIN epcis_events e ON e.id = o.event
             WHERE o.id LIKE 'https://id.gs1.org/01/%/10/%' AND o.id NOT LIKE '%/21/%'
             GROUP BY o.id ORDER BY max(e.time_ms) DESC LIMIT ?1",
            tradeseal_log::sql_params![limit],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?;
    for id in ids {
        if let Ok(crate::gs1::Gs1Id::Lgtin(g, l)) = crate::gs1::Gs1Id::from_digital_link(&id) {
            let product = crate::masterdata::product_name(ledger, g.as_str())?;
            out.push(Candidate {
                kind: "lot".into(),
                value: format!("{g}/{}", l.as_str()),
                label: product.unwrap_or_else(|| format!("GTIN {g}")),
            });
        }
    }
    let sealed = store::list(ledger, "")?
        .into_iter()
        .filter(|d| d.status != Status::Draft || d.version > 1)
        .take(limit as usize);
    for d in sealed {
        out.push(Candidate {
            kind: "dossier".into(),
            value: d.lrn.clone().unwrap_or_else(|| d.id.clone()),
            label: format!(
                "{}{} version {}",
                d.exporter
                    .as_deref()
                    .map(|e| format!("{e}, "))
                    .unwrap_or_default(),
                d.id,
                d.version
            ),
        });
    }
    Ok(out)
}

impl Subject {
    /// One line for people: `GTIN 07701234000011 lot H-2026-017 (Coffee)`, `dossier D… version 2`.
    pub fn describe(&self) -> String {
        match self {
            Subject::Lot(l) => format!(
                "GTIN {} lot {}{}",
                l.gtin,
                l.lot,
                l.product
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ),
            Subject::Dossier(d) => format!("dossier {} version {}", d.id, d.version),
            Subject::File(f) => format!(
                "{}{} (SHA-256 {})",
                f.title
                    .as_deref()
                    .map(|t| format!("{t}: "))
                    .unwrap_or_default(),
                f.name,
                f.sha256
            ),
        }
    }
}
