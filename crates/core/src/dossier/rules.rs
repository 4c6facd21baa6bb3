//! The checks over the goods' chains (docs/spec/findings.md, "Dossier findings"): each
//! goods line's provenance (who signed its origins, and the share the receiver trusts),
//! EUDR (Regulation (EU) 2023/1115) for in-scope commodities, and UFLPA (Xinjiang and
//! the entity lists). Rule sets are plain functions adding `Check`s, so more can be
//! added the same way.

use super::checks::{Check, Checks};
use super::decimal::Decimal;
use super::links::{gln_of, masterdata, recorded};
use super::model::Dossier;
use super::screening;
use crate::codelists::CodeLists;
use crate::error::Result;
use crate::ledger::Ledger;
use crate::masterdata::{Location, KIND_LOCATION, KIND_PARTY};
use crate::parties::SignerStatus;
use crate::trace::{self, Direction};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use tradeseal_log::db::Sql;
use tradeseal_log::sql_params;
use ts_rs::TS;

/// The EU member states (ISO 3166-1), for EUDR's reach.
pub const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// EUDR findings are errors for an EU declaration (an EU declaration type, or goods
/// leaving or entering an EU member state); elsewhere warnings.
pub fn eudr_applies(d: &Dossier) -> bool {
    let eu_type = d
        .header
        .declaration_type
        .as_deref()
        .is_some_and(|t| t.len() >= 2 && t.as_bytes()[0].is_ascii_alphabetic());
    let eu_country = [
        &d.transport.destination_country,
        &d.transport.dispatch_country,
    ]
    .iter()
    .any(|c| c.as_deref().is_some_and(|c| EU_MEMBERS.contains(&c)));
    eu_type || eu_country
}

/// UFLPA findings are errors for a US entry (a CBP entry type, or goods bound for the
/// US); elsewhere warnings.
pub fn uflpa_applies(d: &Dossier) -> bool {
    let us_type = d
        .header
        .declaration_type
        .as_deref()
        .is_some_and(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()));
    us_type || d.transport.destination_country.as_deref() == Some("US")
}

/// The EUDR cut-off date: no deforestation or degradation after it.
pub const EUDR_CUTOFF: &str = "2020-12-31";

/// One origin of a goods line's lots: where and when it was made and who says so.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Origin {
    pub id: String,
    pub label: String,
    /// The item of the line whose chain leads here (index in `items`).
    pub item: u32,
    /// No event in the ledger records how it was made.
    pub unknown: bool,
    #[ts(optional)]
    pub place: Option<String>,
    #[ts(optional)]
    pub country: Option<String>,
    #[ts(optional)]
    pub region: Option<String>,
    /// When it was made (the creating event's time).
    #[ts(optional)]
    pub produced: Option<String>,
    /// Who signed the creating event: `own`, `trusted`, `unknown`, `distrusted`, `revoked`.
    pub signer: String,
    #[ts(optional)]
    pub signer_name: Option<String>,
    #[ts(optional)]
    pub quantity: Option<f64>,
    #[ts(optional)]
    pub unit: Option<String>,
}

/// A goods line's provenance: its verdict and the verified share of its origin.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct LineProvenance {
    pub line: u32,
    /// `verified`, `warnings`, `failed`, or `none` (the line ships nothing from the ledger).
    pub verdict: String,
    /// Share of the origins' quantity made by events signed by this organisation or a
    /// trusted partner (by count where quantities are not comparable).
    #[ts(optional)]
    pub verified_ratio: Option<f64>,
    /// The EUDR commodity of the line's HS code, if in scope.
    #[ts(optional)]
    pub eudr: Option<String>,
    pub origins: Vec<Origin>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Assessment {
    pub lines: Vec<LineProvenance>,
    /// Findings of rules `provenance`, `eudr` and `uflpa`.
    pub checks: Vec<Check>,
}

fn status_word(s: &SignerStatus) -> &'static str {
    match s {
        SignerStatus::Own => "own",
        SignerStatus::Trusted => "trusted",
        SignerStatus::Unknown => "unknown",
        SignerStatus::Distrusted => "distrusted",
        SignerStatus::Revoked { .. } => "revoked",
        SignerStatus::RevokedLater { .. } => "trusted",
    }
}

pub(crate) fn location(ledger: &Ledger, link: &str) -> Result<Option<Location>> {
    let Some(gln) = gln_of(link) else {
        return Ok(None);
    };
    Ok(masterdata(ledger, KIND_LOCATION, gln)?.and_then(|v| serde_json::from_value(v).ok()))
}

/// The signer of the event with hash id `hash_id`, its standing at the event's time,
/// the event's time and its place.
struct Made {
    status: SignerStatus,
    signer_name: Option<String>,
    time_ms: i64,
    place: Option<String>,
}

fn made_by(ledger: &Ledger, hash_id: &str, own_org: &str) -> Result<Option<Made>> {
    let Some(hex) = hash_id
        .strip_prefix("ni:///sha-256;")
        .and_then(|h| h.get(..64))
    else {
        return Ok(None);
    };
    let Ok(hash) = hex::decode(hex) else {
        return Ok(None);
    };
    type Row = (Option<String>, i64, i64, Option<String>, Option<String>);
    let row: Option<Row> = ledger
        .sql()
        .query_one("SELECT origin, seq, time_ms, biz_location, read_point FROM epcis_events WHERE hash = ?1", sql_params![hash])?
        .map(|r| Ok::<_, crate::Error>((r.opt_text(0)?, r.int(1)?, r.int(2)?, r.opt_text(3)?, r.opt_text(4)?)))
        .transpose()?;
    let Some((origin, seq, time_ms, biz, read)) = row else {
        return Ok(None);
    };
    let (status, signer_name) = match origin {
        None => (SignerStatus::Own, Some(own_org.to_string())),
        Some(o) => {
            let mut author: Option<String> = ledger
                .sql()
                .query_one(
                    "SELECT author FROM foreign_entries WHERE origin = ?1 AND seq = ?2",
                    sql_params![o.as_str(), seq],
                )?
                .map(|r| r.blob(0).map(hex::encode))
                .transpose()?;
            if author.is_none() {
                // From a v2 bundle: the organisation answers for its officers' entries.
                let held = ledger.sql().query_one(
                    "SELECT 1 FROM foreign_entries_v2 WHERE origin = ?1 AND seq = ?2",
                    sql_params![o.as_str(), seq],
                )?;
                if held.is_some() {
                    author = ledger
                        .sql()
                        .query_one(
                            "SELECT key FROM foreign_cards WHERE origin = ?1",
                            sql_params![o.as_str()],
                        )?
                        .map(|r| r.text(0))
                        .transpose()?;
                }
            }
            match author {
                Some(key) => {
                    let status = crate::parties::signer_standing(ledger, &key)?.at(time_ms);
                    let name = crate::parties::find(ledger, &key).ok().map(|p| p.card.org);
                    (status, name)
                }
                None => (SignerStatus::Unknown, None),
            }
        }
    };
    Ok(Some(Made {
        status,
        signer_name,
        time_ms,
        place: biz.or(read),
    }))
}

/// One origin of a chain (a node a backward trace ends at): where and when it was
/// made, who signed that, and the place's master data.
pub(crate) fn origin_of(
    ledger: &Ledger,
    n: &trace::TraceNode,
    item: u32,
    own_org: &str,
) -> Result<(Origin, Option<Location>)> {
    let made = match &n.created_by {
        Some(h) => made_by(ledger, h, own_org)?,
        None => None,
    };
    let loc = match n
        .created_at
        .as_deref()
        .or(made.as_ref().and_then(|m| m.place.as_deref()))
    {
        Some(l) => location(ledger, l)?,
        None => None,
    };
    let rec = recorded(ledger, &n.id)?;
    let origin = Origin {
        id: n.id.clone(),
        label: n.label.clone(),
        item,
        unknown: made.is_none(),
        place: loc
            .as_ref()
            .map(|l| l.name.clone())
            .or(n.created_at_name.clone()),
        country: loc.as_ref().map(|l| l.country.clone()),
        region: loc.as_ref().and_then(|l| l.region.clone()),
        produced: made
            .as_ref()
            .and_then(|m| crate::Timestamp::from_unix_millis(m.time_ms).ok())
            .map(|t| t.to_rfc3339()[..10].to_string()),
        signer: made
            .as_ref()
            .map(|m| status_word(&m.status))
            .unwrap_or("unknown")
            .to_string(),
        signer_name: made.as_ref().and_then(|m| m.signer_name.clone()),
        quantity: rec.created.as_ref().map(|c| c.0.to_f64()),
        unit: rec.created.and_then(|c| c.1),
    };
    Ok((origin, loc))
}

/// Assesses every goods line of `d` against the ledger: provenance, EUDR, UFLPA.
pub fn assess(
    ledger: &Ledger,
    d: &Dossier,
    lists: &CodeLists,
    own_org: &str,
) -> Result<Assessment> {
    let mut prov = Checks::new("provenance");
    let mut eudr = Checks::new("eudr");
    let mut uflpa = Checks::new("uflpa");
    let mut lines = Vec::new();
    let mut any_eudr = false;
    let mut screened: BTreeSet<(String, String)> = BTreeSet::new();
    let listed = screening::Screen::load(ledger)?;
    let mut screen = |name: &str, path: &str, what: &str, uflpa: &mut Checks| -> Result<()> {
        if name.trim().is_empty() || !screened.insert((name.to_string(), path.to_string())) {
            return Ok(());
        }
        for m in listed.matches(name) {
            uflpa.error("uflpa-entity", path, Some(name), format!("{what} {:?} matches {:?} on the {} list (compared as {:?} and {:?})", m.name, m.entity, m.list, m.name_normalised, m.entity_normalised), "goods linked to a listed entity are presumed made with forced labour: do not ship them to the US unless CBP grants an exception; if it is another entity, document why");
        }
        Ok(())
    };
    for (role, p) in [
        ("exporter", &d.parties.exporter),
        ("consignee", &d.parties.consignee),
        ("declarant", &d.parties.declarant),
        ("representative", &d.parties.representative),
    ] {
        if let Some(p) = p {
            screen(&p.name, &format!("/parties/{role}/name"), role, &mut uflpa)?;
        }
    }
    // The owning and possessing parties' names of each event, read once per event.
    let mut parties_of: std::collections::HashMap<u64, Vec<String>> = Default::default();
    for (i, line) in d.lines.iter().enumerate() {
        let commodity = lists.eudr_commodity(&line.commodity.hs).map(str::to_string);
        let mut origins: Vec<Origin> = Vec::new();
        let mut places: BTreeSet<(String, u32)> = BTreeSet::new();
        let mut party_names: BTreeSet<(String, u32)> = BTreeSet::new();
        for (j, item) in line.items.iter().enumerate() {
            if !recorded(ledger, &item.id)?.known {
                continue; // `item-unknown`, from the ledger checks
            }
            let t = trace::trace(ledger, &item.id, Direction::Back)?;
            for n in t.nodes.iter().filter(|n| n.origin) {
                let (origin, loc) = origin_of(ledger, n, j as u32, own_org)?;
                origins.push(origin);
                if let Some(l) = loc {
                    if commodity.is_some() {
                        eudr_plot(
                            &mut eudr,
                            &format!("/lines/{i}/items/{j}"),
                            &n.label,
                            &l,
                            commodity.as_deref() == Some("cattle"),
                        );
                    }
                }
            }
            for e in &t.events {
                if let Some(l) = &e.event.location {
                    places.insert((l.clone(), j as u32));
                }
                let names = match parties_of.entry(e.event.id) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(event_parties(ledger, e.event.id)?)
                    }
                };
                for name in names.iter() {
                    party_names.insert((name.clone(), j as u32));
                }
            }
            for n in &t.nodes {
                if let Some(l) = &n.created_at {
                    places.insert((l.clone(), j as u32));
                }
            }
        }
        let path = |j: u32| format!("/lines/{i}/items/{j}");
        // UFLPA over every place and party of the chain.
        for (p, j) in &places {
            if let Some(l) = location(ledger, p)? {
                let by_region = l.region.as_deref() == Some("CN-XJ");
                let by_coordinates = l.geometry.as_ref().is_some_and(in_xinjiang);
                if by_region || by_coordinates {
                    let how = if by_region {
                        "its subdivision is CN-XJ".to_string()
                    } else {
                        "its coordinates lie within Xinjiang (an approximate outline: confirm)"
                            .to_string()
                    };
                    uflpa.error("uflpa-xinjiang", &path(*j), Some(&l.name), format!("line {}: the chain passes through {} ({how})", i + 1, l.name), "goods made wholly or in part in Xinjiang are presumed made with forced labour under the UFLPA: do not declare them for the US");
                }
                screen(&l.name, &path(*j), "a place of the chain,", &mut uflpa)?;
            }
        }
        for (name, j) in &party_names {
            screen(name, &path(*j), "a party of the chain,", &mut uflpa)?;
        }
        for o in &origins {
            if let Some(n) = &o.signer_name {
                screen(n, &path(o.item), "the signer", &mut uflpa)?;
            }
        }
        // EUDR for in-scope commodities.
        if let Some(c) = &commodity {
            any_eudr = true;
            if line.items.is_empty() {
                eudr.error("eudr-no-lots", &format!("/lines/{i}/items"), None, format!("line {} is {c} (EUDR Annex I) but ships no lots from the ledger, so its plots cannot be checked", i + 1), "link the lots the line ships (fill the dossier from the shipment, or add them to the line)");
            }
            for o in &origins {
                if o.unknown {
                    eudr.error("eudr-unknown-origin", &path(o.item), Some(&o.id), format!("line {}: {} has no recorded origin: no event says where and when it was produced", i + 1, o.label), "obtain the supplier's provenance bundle for it, or exclude the input: EUDR allows no input of unknown origin");
                } else if o.place.is_none() || o.country.is_none() {
                    eudr.error("eudr-geolocation-missing", &path(o.item), Some(&o.id), format!("line {}: the place where {} was produced is not in the master data", i + 1, o.label), "record the plot as a location with its geolocation (tradeseal masterdata location … --geometry)");
                }
            }
        }
        // Provenance.
        let verdict = if origins.is_empty() {
            "none"
        } else if origins
            .iter()
            .any(|o| matches!(o.signer.as_str(), "distrusted" | "revoked"))
        {
            "failed"
        } else if origins.iter().any(|o| o.unknown || o.signer == "unknown") {
            "warnings"
        } else {
            "verified"
        };
        let sound = |o: &Origin| !o.unknown && matches!(o.signer.as_str(), "own" | "trusted");
        let units: BTreeSet<Option<&str>> = origins.iter().map(|o| o.unit.as_deref()).collect();
        let ratio = (!origins.is_empty()).then(|| {
            if units.len() == 1 && origins.iter().all(|o| o.quantity.is_some_and(|q| q > 0.0)) {
                let total: f64 = origins.iter().filter_map(|o| o.quantity).sum();
                origins
                    .iter()
                    .filter(|o| sound(o))
                    .filter_map(|o| o.quantity)
                    .sum::<f64>()
                    / total
            } else {
                origins.iter().filter(|o| sound(o)).count() as f64 / origins.len() as f64
            }
        });
        match verdict {
            "failed" => prov.error("provenance-failed", &format!("/lines/{i}/items"), None, format!("line {}: an origin of its goods was signed by a partner you distrust or revoked", i + 1), "check the line's chain on the Verify screen; do not declare goods of a revoked source"),
            "warnings" => prov.warning("provenance-partial", &format!("/lines/{i}/items"), None, format!("line {}: {:.0} % of its origin is proven by signatures you trust", i + 1, ratio.unwrap_or(0.0) * 100.0), "obtain and verify the suppliers' provenance bundles, or trust their keys after comparing fingerprints"),
            _ => {}
        }
        lines.push(LineProvenance {
            line: i as u32,
            verdict: verdict.into(),
            verified_ratio: ratio,
            eudr: commodity,
            origins,
        });
    }
    if any_eudr {
        let dds = d
            .documents
            .iter()
            .enumerate()
            .find(|(_, x)| x.code == "EUDR-DDS");
        match dds {
            None => eudr.error("eudr-dds-missing", "/documents", None, "goods in EUDR scope and no due-diligence statement", "submit the due-diligence statement in the EU information system, then add it as a document: code EUDR-DDS, its reference number and verification number"),
            Some((k, x)) if x.reference.trim().is_empty() || x.verification.as_deref().is_none_or(|v| v.trim().is_empty()) => eudr.error("eudr-dds-missing", &format!("/documents/{k}"), None, "the due-diligence statement lacks its reference or verification number", "copy both numbers from the EU information system's receipt"),
            Some(_) => {}
        }
    }
    let mut checks = prov.out;
    checks.extend(eudr.out);
    checks.extend(uflpa.out);
    Ok(Assessment { lines, checks })
}

/// The names (master data) of the parties an event's source and destination lists name.
pub(crate) fn event_parties(ledger: &Ledger, event: u64) -> Result<Vec<String>> {
    let detail = crate::timeline::event_detail(ledger, event)?;
    let mut out = Vec::new();
    for (list, key) in [("sourceList", "source"), ("destinationList", "destination")] {
        for s in detail
            .json
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(link) = s
                .get(key)
                .and_then(Value::as_str)
                .and_then(crate::epcis::digital_link)
            else {
                continue;
            };
            let Some(g) = gln_of(&link) else { continue };
            if let Some(name) = masterdata(ledger, KIND_PARTY, g)?
                .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
            {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// The EUDR rules of one production plot.
fn eudr_plot(c: &mut Checks, path: &str, what: &str, l: &Location, cattle: bool) {
    let plot = l.plot.clone().unwrap_or_default();
    let Some(g) = &l.geometry else {
        c.error(
            "eudr-geolocation-missing",
            path,
            Some(&l.name),
            format!("{what} comes from {}, which has no geolocation", l.name),
            "record the plot's GeoJSON Point (up to 4 ha) or Polygon in WGS 84 with 6 decimals",
        );
        return;
    };
    // The decimals as the source wrote them where known (`2.150000` is 6 decimals,
    // though the number is 2.15), else as the number reads.
    let decimals = l
        .coordinate_decimals
        .map_or_else(|| min_decimals(g), |d| d as usize);
    if decimals < 6 {
        c.error("eudr-geolocation-precision", path, Some(&l.name), format!("a coordinate of {} has fewer than 6 decimal digits", l.name), "give every longitude and latitude with at least 6 decimals (about 10 cm), as measured: write 2.150000 when the 6th digit is 0");
    }
    let point = g.get("type").and_then(Value::as_str) == Some("Point");
    let area = plot.area_ha.as_deref().and_then(Decimal::parse);
    if point && !cattle {
        match area {
            Some(a) if a > Decimal::from_int(4) => c.error(
                "eudr-polygon-required",
                path,
                Some(&l.name),
                format!("{} covers {a} ha but is given as a point", l.name),
                "plots over 4 ha need a polygon of their boundary: record the plot's Polygon",
            ),
            None => c.warning(
                "eudr-area-unknown",
                path,
                Some(&l.name),
                format!("{} is given as a point and its area is not stated", l.name),
                "state the plot's area: a point is enough only up to 4 ha",
            ),
            _ => {}
        }
    }
    match (&plot.deforested_on, plot.deforestation_free) {
        (Some(date), _) if date.as_str() > EUDR_CUTOFF => c.error("eudr-deforestation", path, Some(date), format!("deforestation or degradation was recorded on {} on {date}, after the cut-off of 31 December 2020", l.name), "goods from this plot cannot be placed on the EU market: exclude them"),
        (Some(_), _) => {}
        (None, Some(true)) => {}
        (None, _) if plot.evidence.as_deref().is_some_and(|e| !e.trim().is_empty()) => {}
        (None, _) => c.error("eudr-evidence-missing", path, Some(&l.name), format!("nothing shows that {} was not deforested or degraded after 31 December 2020", l.name), "record the producer's declaration or the evidence (a satellite analysis) with the plot"),
    }
}

/// The fewest fraction digits of any coordinate, as written.
fn min_decimals(g: &Value) -> usize {
    fn walk(v: &Value, least: &mut usize) {
        match v {
            Value::Number(n) => {
                let s = n.to_string();
                let d = s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
                *least = (*least).min(d);
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, least)),
            _ => {}
        }
    }
    let mut least = usize::MAX;
    if let Some(c) = g.get("coordinates") {
        walk(c, &mut least);
    }
    if least == usize::MAX {
        0
    } else {
        least
    }
}

/// An approximate outline of the Xinjiang Uyghur Autonomous Region (longitude,
/// latitude; about 40 km accuracy), for places known only by coordinates.
pub const XINJIANG: &[(f64, f64)] = &[
    (87.3, 49.2),
    (88.9, 48.1),
    (90.0, 47.9),
    (90.9, 46.3),
    (93.5, 45.0),
    (95.4, 44.3),
    (96.4, 42.7),
    (95.3, 41.7),
    (94.2, 40.3),
    (92.9, 39.3),
    (90.9, 38.5),
    (90.4, 37.0),
    (89.0, 36.1),
    (86.0, 35.9),
    (83.0, 35.4),
    (80.3, 35.4),
    (78.0, 35.5),
    (76.0, 35.9),
    (74.6, 37.0),
    (74.9, 37.3),
    (73.6, 38.6),
    (73.5, 39.5),
    (75.6, 40.6),
    (76.8, 41.1),
    (78.3, 41.5),
    (80.2, 42.1),
    (80.3, 42.9),
    (80.8, 43.2),
    (80.4, 44.9),
    (82.5, 45.2),
    (82.3, 46.2),
    (83.0, 47.2),
    (85.5, 47.1),
    (86.8, 48.6),
];

/// A GeoJSON position as a geo coordinate.
fn coord(p: &Value) -> Option<geo::Coord<f64>> {
    let a = p.as_array()?;
    Some(geo::coord! { x: a.first()?.as_f64()?, y: a.get(1)?.as_f64()? })
}

fn ring(r: &Value) -> Option<geo::LineString<f64>> {
    r.as_array()?
        .iter()
        .map(coord)
        .collect::<Option<Vec<_>>>()
        .map(geo::LineString::new)
}

fn polygon(p: &Value) -> Option<geo::Polygon<f64>> {
    let rings = p.as_array()?;
    let outer = ring(rings.first()?)?;
    let holes = rings[1..].iter().map(ring).collect::<Option<Vec<_>>>()?;
    Some(geo::Polygon::new(outer, holes))
}

/// A GeoJSON geometry (Point, MultiPoint, LineString, MultiLineString, Polygon,
/// MultiPolygon) as a geo geometry; `None` if it is none of these or malformed.
fn geometry(g: &Value) -> Option<geo::Geometry<f64>> {
    let c = g.get("coordinates")?;
    let lines = |v: &Value| v.as_array()?.iter().map(ring).collect::<Option<Vec<_>>>();
    Some(match g.get("type")?.as_str()? {
        "Point" => geo::Point::from(coord(c)?).into(),
        "MultiPoint" => geo::MultiPoint::new(
            c.as_array()?
                .iter()
                .map(|p| coord(p).map(geo::Point::from))
                .collect::<Option<Vec<_>>>()?,
        )
        .into(),
        "LineString" => ring(c)?.into(),
        "MultiLineString" => geo::MultiLineString::new(lines(c)?).into(),
        "Polygon" => polygon(c)?.into(),
        "MultiPolygon" => geo::MultiPolygon::new(
            c.as_array()?
                .iter()
                .map(polygon)
                .collect::<Option<Vec<_>>>()?,
        )
        .into(),
        _ => return None,
    })
}

/// Whether a GeoJSON geometry meets Xinjiang's outline anywhere: a point inside it, a
/// plot with any part inside (a polygon whose edge crosses the region without a vertex
/// in it included), or one that surrounds it. A malformed geometry is not a match.
pub fn in_xinjiang(g: &Value) -> bool {
    use geo::Intersects;
    let region = geo::Polygon::new(geo::LineString::from(XINJIANG.to_vec()), Vec::new());
    geometry(g).is_some_and(|g| region.intersects(&g))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_xinjiang_outline_holds_its_cities_and_not_its_neighbours() {
        let p = |x: f64, y: f64| json!({"type": "Point", "coordinates": [x, y]});
        for (city, x, y) in [
            ("Urumqi", 87.617, 43.826),
            ("Kashgar", 75.989, 39.470),
            ("Hotan", 79.922, 37.114),
            ("Hami", 93.515, 42.818),
            ("Aksu", 80.265, 41.169),
            ("Altay", 88.141, 47.845),
        ] {
            assert!(in_xinjiang(&p(x, y)), "{city}");
        }
        for (city, x, y) in [
            ("Almaty", 76.886, 43.238),
            ("Bishkek", 74.569, 42.875),
            ("Dunhuang", 94.662, 40.142),
            ("Lhasa", 91.117, 29.653),
            ("Xining", 101.778, 36.617),
            ("Beijing", 116.407, 39.904),
            ("Ulaanbaatar", 106.917, 47.886),
            ("Islamabad", 73.048, 33.684),
        ] {
            assert!(!in_xinjiang(&p(x, y)), "{city}");
        }
    }

    #[test]
    fn a_plot_crossing_xinjiang_without_a_vertex_inside_is_found() {
        // A thin rectangle from Almaty (Kazakhstan) to Dunhuang (Gansu): every corner is
        // outside Xinjiang, its body crosses the whole region.
        let crossing = json!({"type": "Polygon", "coordinates": [[
            [76.0, 43.0], [95.0, 41.0], [95.0, 40.5], [76.0, 42.5], [76.0, 43.0]
        ]]});
        assert!(in_xinjiang(&crossing));
        // A polygon around the whole region, and a MultiPolygon with one part inside.
        let around = json!({"type": "Polygon", "coordinates": [[
            [70.0, 30.0], [100.0, 30.0], [100.0, 52.0], [70.0, 52.0], [70.0, 30.0]
        ]]});
        assert!(in_xinjiang(&around));
        let multi = json!({"type": "MultiPolygon", "coordinates": [
            [[[-75.9, 2.1], [-75.8, 2.1], [-75.8, 2.2], [-75.9, 2.1]]],
            [[[87.5, 43.7], [87.7, 43.7], [87.7, 43.9], [87.5, 43.7]]]
        ]});
        assert!(in_xinjiang(&multi));
        // A Colombian plot is not, nor is something malformed.
        let colombia = json!({"type": "Polygon", "coordinates": [[
            [-75.9, 2.1], [-75.8, 2.1], [-75.8, 2.2], [-75.9, 2.1]
        ]]});
        assert!(!in_xinjiang(&colombia));
        assert!(!in_xinjiang(
            &json!({"type": "Polygon", "coordinates": "x"})
        ));
    }

    #[test]
    fn decimals_as_written() {
        assert_eq!(
            min_decimals(&json!({"type": "Point", "coordinates": [-75.123456, 2.1234567]})),
            6
        );
        assert_eq!(
            min_decimals(&json!({"type": "Point", "coordinates": [-75.123456, 2.1]})),
            1
        );
    }
}
