//! Trace: from a lot, serial or logistic unit back to every origin, or forward to
//! everything that contains it or was made from it (the recall list), with the events
//! that link each result and the mass balance of every transformation on the way.

use crate::epcis::Role;
use crate::error::{Error, Result};
use crate::gs1::{Gs1Id, Gtin, Lot, Serial, Sscc};
use crate::ledger::{index::gtin_of, Ledger};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use tradeseal_log::db::Sql;
use tradeseal_log::sql_params;
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum Direction {
    Back,
    Forward,
}

/// Parses what the CLI and the UI take: `GTIN/LOT`, `GTIN/SERIAL`, an SSCC, or any
/// EPC URN / Digital Link.
pub fn start_id(kind: &str, text: &str) -> Result<String> {
    let text = text.trim();
    let split = |what: &str| -> Result<(Gtin, String)> {
        let (g, v) = text.split_once('/').ok_or_else(|| {
            Error::invalid(
                what,
                format!(
                    "{text:?}: write GTIN/{}, e.g. 07701234000011/H-2026-017",
                    what.to_uppercase()
                ),
            )
        })?;
        Ok((Gtin::parse(g)?, v.to_string()))
    };
    let id = match kind {
        "lot" => {
            let (g, l) = split("lot")?;
            Gs1Id::Lgtin(g, Lot::parse(&l)?)
        }
        "serial" => {
            let (g, s) = split("serial")?;
            Gs1Id::Sgtin(g, Serial::parse(&s)?)
        }
        "sscc" => Gs1Id::Sscc(Sscc::parse(text)?),
        _ => {
            return crate::epcis::canonical_identifier(text.trim())
                .map_err(|e| Error::invalid("id", e.reason));
        }
    };
    Ok(crate::epcis::canonical_link(id))
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct TraceResult {
    pub start: String,
    pub direction: Direction,
    /// The start first, then every reached identifier in order of distance.
    pub nodes: Vec<TraceNode>,
    /// Every recorded event that names a node, oldest first.
    pub events: Vec<TraceEvent>,
    pub mass_balance: Vec<MassBalance>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct TraceNode {
    pub id: String,
    /// `lot`, `serial`, `sscc`, `product` or `other`.
    pub kind: String,
    /// Short text for people: `07701234000011 lot H-2026-017`.
    pub label: String,
    pub product_name: Option<String>,
    pub depth: u32,
    /// The node one step nearer the start, and the event linking them.
    pub from: Option<String>,
    pub via: Option<String>,
    /// Hash ids of the events linking the start to this node, in order.
    pub path: Vec<String>,
    /// For backward traces: nodes nothing else leads back from.
    pub origin: bool,
    /// The event that created the node (commissioning or transformation output), if recorded.
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    pub created_at_name: Option<String>,
}

/// A recorded event on the trace (as the timeline shows it) and the nodes it names.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct TraceEvent {
    #[serde(flatten)]
    #[ts(flatten)]
    pub event: crate::timeline::TimelineEvent,
    /// The trace's nodes this event names.
    pub nodes: Vec<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct MassBalance {
    /// The transformation's row in the event table.
    #[ts(type = "number")]
    pub event: u64,
    pub hash_id: String,
    /// `mass` (kg), `volume` (L) or `count`, when inputs and outputs share one.
    pub dimension: Option<String>,
    pub input: Option<f64>,
    pub output: Option<f64>,
    /// Output over input.
    pub ratio: Option<f64>,
    /// `ok`, `gain` (more out than in: an error), `unmeasured` or `incomparable`.
    pub finding: String,
    pub message: String,
}

/// Outputs may exceed inputs by this share (scale tolerance) before it is an error.
pub const MASS_TOLERANCE: f64 = 0.005;

/// The dimension (`mass` in kg, `volume` in L, `count`) and factor of a UN/ECE Rec 20
/// unit; no unit is a count. `None` for units TradeSeal cannot convert.
pub(crate) fn unit(uom: Option<&str>) -> Option<(&'static str, f64)> {
    Some(match uom {
        None | Some("H87" | "EA" | "C62") => ("count", 1.0),
        Some("KGM") => ("mass", 1.0),
        Some("GRM") => ("mass", 1e-3),
        Some("MGM") => ("mass", 1e-6),
        Some("TNE") => ("mass", 1000.0),
        Some("DTN") => ("mass", 100.0),
        Some("LBR") => ("mass", 0.453_592_37),
        Some("ONZ") => ("mass", 0.028_349_523_125),
        Some("LTR") => ("volume", 1.0),
        Some("MLT") => ("volume", 1e-3),
        Some("MTQ") => ("volume", 1000.0),
        Some("GLL") => ("volume", 3.785_411_784),
        _ => return None,
    })
}

/// A short label for people: `07701234000011 lot H-2026-017`, `SSCC …`.
pub fn label_of(id: &str) -> String {
    kind_and_label(id).1
}

/// `label_of` in `lang` (`04012345123456 lote R-2026-031`), for the PDFs handed over.
pub fn label_in(id: &str, lang: crate::i18n::Lang) -> String {
    let parts: Vec<&str> = id
        .strip_prefix("https://id.gs1.org/")
        .map(|r| r.split('/').collect())
        .unwrap_or_default();
    match parts.as_slice() {
        ["01", g, "10", l] => lang.fill("pdf.label.lot", &[("gtin", g), ("lot", l)]),
        ["01", g, "21", s] => lang.fill("pdf.label.serial", &[("gtin", g), ("serial", s)]),
        ["01", g] => lang.fill("pdf.label.product", &[("gtin", g)]),
        _ => label_of(id),
    }
}

fn kind_and_label(id: &str) -> (String, String) {
    let base = "https://id.gs1.org/";
    let Some(rest) = id.strip_prefix(base) else {
        return ("other".into(), id.to_string());
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["01", g, "10", l] => ("lot".into(), format!("{g} lot {l}")),
        ["01", g, "21", s] => ("serial".into(), format!("{g} serial {s}")),
        ["01", g] => ("product".into(), format!("{g} (all lots)")),
        ["00", s] => ("sscc".into(), format!("SSCC {s}")),
        _ => ("other".into(), id.to_string()),
    }
}

struct Step {
    to: String,
    event: u64,
    hash_id: String,
    transformation: bool,
}

fn steps(ledger: &Ledger, id: &str, dir: Direction) -> Result<Vec<Step>> {
    // Back: outputs lead to inputs, containers to contents. Forward: the reverse.
    let (from_a, to_a, from_b, to_b) = match dir {
        Direction::Back => (Role::Output, Role::Input, Role::Parent, Role::Child),
        Direction::Forward => (Role::Input, Role::Output, Role::Child, Role::Parent),
    };
    ledger
        .sql()
        .query(
            "SELECT o2.id, o2.event, e.hash, e.type FROM epcis_objects o1
               JOIN epcis_events e ON e.id = o1.event
               JOIN epcis_objects o2 ON o2.event = o1.event
              WHERE o1.id = ?1
                AND ((o1.role = ?2 AND o2.role = ?3 AND e.type = 'TransformationEvent')
                  OR (o1.role = ?4 AND o2.role = ?5 AND e.type = 'AggregationEvent' AND e.action <> 'DELETE'))
              ORDER BY o2.event, o2.id",
            sql_params![id, from_a as i64, to_a as i64, from_b as i64, to_b as i64],
        )?
        .iter()
        .map(|r| {
            Ok(Step {
                to: r.text(0)?,
                event: r.int(1)? as u64,
                hash_id: hash_id_of(&r.blob(2)?),
                transformation: r.text(3)? == "TransformationEvent",
            })
        })
        .collect()
}

/// The CBV 2.0 hash id of an event stored by its digest.
fn hash_id_of(digest: &[u8]) -> String {
    format!("ni:///sha-256;{}?ver=CBV2.0", hex::encode(digest))
}

pub fn location_name(ledger: &Ledger, loc: &str) -> Result<Option<String>> {
    let Some(gln) = loc.strip_prefix("https://id.gs1.org/414/") else {
        return Ok(None);
    };
    let gln = gln.get(..13).unwrap_or(gln);
    ledger
        .sql()
        .query_one(
            "SELECT name FROM masterdata WHERE kind = 'md.location' AND key = ?1",
            sql_params![gln],
        )?
        .map(|r| r.text(0))
        .transpose()
}

/// The master-data name of the product a Digital Link `id` names, if it is recorded.
pub fn product_name(ledger: &Ledger, id: &str) -> Result<Option<String>> {
    match gtin_of(id) {
        Some(g) => crate::masterdata::product_name(ledger, g),
        None => Ok(None),
    }
}

/// Follows the ledger's events from `start` (a canonical Digital Link).
pub fn trace(ledger: &Ledger, start: &str, dir: Direction) -> Result<TraceResult> {
    let known = ledger
        .sql()
        .query_one(
            "SELECT 1 FROM epcis_objects WHERE id = ?1 LIMIT 1",
            sql_params![start],
        )?
        .is_some();
    if !known {
        return Err(Error::NotFound {
            what: start.to_string(),
            hint: "no recorded event names it; check the GTIN and lot or serial, or import the events that name it (`tradeseal epcis import`)".into(),
        });
    }
    let mut nodes: Vec<TraceNode> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut queue = VecDeque::new();
    let mut transformations: Vec<(u64, String)> = Vec::new();
    let push = |nodes: &mut Vec<TraceNode>,
                at: &mut HashMap<String, usize>,
                id: String,
                depth,
                from: Option<String>,
                via: Option<String>,
                path: Vec<String>| {
        let (kind, label) = kind_and_label(&id);
        at.insert(id.clone(), nodes.len());
        nodes.push(TraceNode {
            id,
            kind,
            label,
            product_name: None,
            depth,
            from,
            via,
            path,
            origin: false,
            created_by: None,
            created_at: None,
            created_at_name: None,
        });
    };
    push(
        &mut nodes,
        &mut at,
        start.to_string(),
        0,
        None,
        None,
        vec![],
    );
    queue.push_back(0usize);
    while let Some(i) = queue.pop_front() {
        let id = nodes[i].id.clone();
        let next = steps(ledger, &id, dir)?;
        if dir == Direction::Back && next.is_empty() {
            nodes[i].origin = true;
        }
        for s in next {
            if s.transformation && !transformations.iter().any(|(q, _)| *q == s.event) {
                transformations.push((s.event, s.hash_id.clone()));
            }
            if at.contains_key(&s.to) {
                continue;
            }
            let mut path = nodes[i].path.clone();
            path.push(s.hash_id.clone());
            let depth = nodes[i].depth + 1;
            push(
                &mut nodes,
                &mut at,
                s.to.clone(),
                depth,
                Some(id.clone()),
                Some(s.hash_id),
                path,
            );
            queue.push_back(nodes.len() - 1);
        }
    }
    for n in &mut nodes {
        n.product_name = product_name(ledger, &n.id)?;
        let created: Option<(String, Option<String>)> = ledger
            .sql()
            .query_one(
                "SELECT e.hash, COALESCE(e.biz_location, e.read_point) FROM epcis_objects o JOIN epcis_events e ON e.id = o.event
                  WHERE o.id = ?1 AND ((o.role = 0 AND e.action = 'ADD') OR o.role = 4) ORDER BY e.time_ms, e.id LIMIT 1",
                sql_params![&n.id],
            )?
            .map(|r| Ok::<_, Error>((hash_id_of(&r.blob(0)?), r.opt_text(1)?)))
            .transpose()?;
        if let Some((h, loc)) = created {
            n.created_by = Some(h);
            if let Some(l) = &loc {
                n.created_at_name = location_name(ledger, l)?;
            }
            n.created_at = loc;
        }
    }
    let events = events_of(ledger, &nodes)?;
    let mut mass_balance = Vec::new();
    transformations.sort();
    for (event, hash_id) in transformations {
        mass_balance.push(balance(ledger, event, hash_id)?);
    }
    Ok(TraceResult {
        start: start.to_string(),
        direction: dir,
        nodes,
        events,
        mass_balance,
    })
}

fn events_of(ledger: &Ledger, nodes: &[TraceNode]) -> Result<Vec<TraceEvent>> {
    let mut named: HashMap<u64, Vec<String>> = HashMap::new();
    for n in nodes {
        for r in ledger.sql().query(
            "SELECT DISTINCT event FROM epcis_objects WHERE id = ?1",
            sql_params![&n.id],
        )? {
            named
                .entry(r.int(0)? as u64)
                .or_default()
                .push(n.id.clone());
        }
    }
    let mut events = named
        .into_iter()
        .map(|(id, nodes)| {
            Ok(TraceEvent {
                event: crate::timeline::event_row(ledger, id)?,
                nodes,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    events.sort_by_key(|e| (e.event.time_ms, e.event.id));
    Ok(events)
}

/// Inputs against outputs of one transformation, in comparable units.
pub fn balance(ledger: &Ledger, event: u64, hash_id: String) -> Result<MassBalance> {
    let rows: Vec<(u8, Option<f64>, Option<String>)> = ledger
        .sql()
        .query(
            "SELECT role, quantity, uom FROM epcis_objects WHERE event = ?1 AND role IN (3, 4)",
            sql_params![event as i64],
        )?
        .iter()
        .map(|r| Ok((r.int(0)? as u8, r.opt_real(1)?, r.opt_text(2)?)))
        .collect::<Result<_>>()?;
    let mut sums: [HashMap<&str, f64>; 2] = [HashMap::new(), HashMap::new()];
    let mut unmeasured = false;
    let mut unknown_unit = false;
    for (role, q, uom) in &rows {
        let side = usize::from(*role == Role::Output as u8);
        match (q, unit(uom.as_deref())) {
            (Some(q), Some((dim, factor))) => *sums[side].entry(dim).or_default() += q * factor,
            (None, _) => unmeasured = true,
            (Some(_), None) => unknown_unit = true,
        }
    }
    let mb = |dimension: Option<&str>,
              input: Option<f64>,
              output: Option<f64>,
              finding: &str,
              message: String| MassBalance {
        event,
        hash_id: hash_id.clone(),
        dimension: dimension.map(str::to_string),
        input,
        output,
        ratio: match (input, output) {
            (Some(i), Some(o)) if i > 0.0 => Some(o / i),
            _ => None,
        },
        finding: finding.into(),
        message,
    };
    if unmeasured {
        return Ok(mb(None, None, None, "unmeasured", "some inputs or outputs are counted as single items without quantities; the balance cannot be checked".into()));
    }
    if unknown_unit {
        return Ok(mb(
            None,
            None,
            None,
            "incomparable",
            "a quantity has a unit TradeSeal cannot convert; the balance cannot be checked".into(),
        ));
    }
    let shared = ["mass", "volume", "count"]
        .into_iter()
        .find(|d| sums[0].contains_key(d) && sums[1].contains_key(d));
    let Some(dim) = shared.filter(|_| sums[0].len() == 1 && sums[1].len() == 1) else {
        return Ok(mb(None, None, None, "incomparable", "inputs and outputs are in different kinds of unit (e.g. kg in, pieces out); the balance cannot be checked".into()));
    };
    let (i, o) = (sums[0][dim], sums[1][dim]);
    let unit_name = match dim {
        "mass" => "kg",
        "volume" => "L",
        _ => "items",
    };
    if dim != "count" && o > i * (1.0 + MASS_TOLERANCE) {
        Ok(mb(
            Some(dim),
            Some(i),
            Some(o),
            "gain",
            format!("{o} {unit_name} out from {i} {unit_name} in: more came out than went in"),
        ))
    } else {
        Ok(mb(
            Some(dim),
            Some(i),
            Some(o),
            "ok",
            format!("{o} {unit_name} out from {i} {unit_name} in"),
        ))
    }
}
