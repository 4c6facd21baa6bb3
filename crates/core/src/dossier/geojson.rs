//! The geolocation file of an EUDR due-diligence statement: the production plots of a
//! dossier's EUDR lines, or of a lot, as the GeoJSON FeatureCollection the EU information
//! system takes (docs/spec/dossier.md §9): WGS 84, longitude first, one Feature a plot
//! with its producer, country, place and (for a point) area.

use super::decimal::Decimal;
use super::model::Dossier;
use super::rules::origin_of;
use crate::codelists::CodeLists;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::masterdata::Location;
use crate::trace::{self, Direction};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The EU information system's size limit for a statement's geolocation.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

/// One production plot and who produced there.
#[derive(Clone, Debug)]
pub struct PlotSource {
    pub location: Location,
    pub producer: String,
}

/// The geolocation file and what the user should know about it.
#[derive(Clone, Debug, Serialize)]
pub struct GeoJsonFile {
    /// The FeatureCollection, as written to the file.
    #[serde(skip)]
    pub text: String,
    pub plots: usize,
    /// Accepted, but worth a look (a coordinate with fewer than six decimals).
    pub warnings: Vec<String>,
}

/// The plots a backward trace from `start` (a canonical Digital Link) ends at.
fn plots_of(
    ledger: &Ledger,
    start: &str,
    own_org: &str,
    out: &mut BTreeMap<String, PlotSource>,
) -> Result<()> {
    let t = trace::trace(ledger, start, Direction::Back)?;
    for n in t.nodes.iter().filter(|n| n.origin) {
        let (origin, loc) = origin_of(ledger, n, 0, own_org)?;
        let Some(location) = loc else {
            return Err(Error::invalid(
                "plot",
                format!(
                    "{} was produced at a place the master data does not hold: record the plot as a location with its geolocation (tradeseal masterdata location … --geometry)",
                    n.label
                ),
            ));
        };
        let producer = origin
            .signer_name
            .filter(|_| origin.signer != "own")
            .unwrap_or_else(|| own_org.to_string());
        out.entry(location.gln.as_str().to_string())
            .or_insert(PlotSource { location, producer });
    }
    Ok(())
}

/// The plots of a lot (`GTIN/LOT`, or its canonical Digital Link).
pub fn plots_of_lot(ledger: &Ledger, lot: &str, own_org: &str) -> Result<Vec<PlotSource>> {
    let start = if lot.starts_with("https://") {
        lot.to_string()
    } else {
        trace::start_id("lot", lot)?
    };
    let mut out = BTreeMap::new();
    plots_of(ledger, &start, own_org, &mut out)?;
    if out.is_empty() {
        return Err(Error::NotFound {
            what: format!("production plots of lot {lot}"),
            hint: "the ledger records no origin of this lot: import its events or the supplier's bundle".into(),
        });
    }
    Ok(out.into_values().collect())
}

/// The plots of the dossier's goods lines in EUDR scope (Annex I HS codes).
pub fn plots_of_dossier(
    ledger: &Ledger,
    d: &Dossier,
    lists: &CodeLists,
    own_org: &str,
) -> Result<Vec<PlotSource>> {
    let mut out = BTreeMap::new();
    let mut in_scope = 0;
    for line in &d.lines {
        if lists.eudr_commodity(&line.commodity.hs).is_none() {
            continue;
        }
        in_scope += 1;
        for item in &line.items {
            plots_of(ledger, &item.id, own_org, &mut out)?;
        }
    }
    if in_scope == 0 {
        return Err(Error::invalid(
            "dossier",
            "no goods line is in EUDR scope (Annex I HS codes): there is no geolocation to declare",
        ));
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "dossier",
            "the EUDR lines ship no lots from the ledger, so their plots are unknown: link the lots the lines ship",
        ));
    }
    Ok(out.into_values().collect())
}

fn pos(p: &Value) -> Option<(f64, f64)> {
    let a = p.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

/// Orientation of the turn a→b→c: positive, negative or zero (collinear).
fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

/// Whether segments p1p2 and q1q2 share a point.
fn segments_meet(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let (d1, d2) = (orient(q1, q2, p1), orient(q1, q2, p2));
    let (d3, d4) = (orient(p1, p2, q1), orient(p1, p2, q2));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(q1, q2, p1))
        || (d2 == 0.0 && on_segment(q1, q2, p2))
        || (d3 == 0.0 && on_segment(p1, p2, q1))
        || (d4 == 0.0 && on_segment(p1, p2, q2))
}

/// Why a polygon ring is one the EU system refuses, if it is.
fn ring_problem(ring: &Value) -> Option<String> {
    let pts: Vec<(f64, f64)> = match ring.as_array() {
        Some(a) => match a.iter().map(pos).collect::<Option<Vec<_>>>() {
            Some(p) => p,
            None => return Some("a position is not longitude, latitude".into()),
        },
        None => return Some("a ring is not an array of positions".into()),
    };
    if pts.len() < 4 {
        return Some(format!(
            "a ring has {} positions; a polygon needs at least four (three corners and the first again)",
            pts.len()
        ));
    }
    if pts.first() != pts.last() {
        return Some("a ring does not end where it starts (it is not closed)".into());
    }
    let n = pts.len() - 1;
    for i in 0..n {
        for j in i + 1..n {
            // Neighbouring edges share a corner, and so do the first and the last.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if segments_meet(pts[i], pts[i + 1], pts[j], pts[j + 1]) {
                return Some(format!(
                    "its boundary crosses itself (edge {} meets edge {}): draw the plot's outline without crossings",
                    i + 1,
                    j + 1
                ));
            }
        }
    }
    None
}

/// Why a plot geometry is one the EU system refuses, if it is.
pub fn geometry_problem(g: &Value) -> Option<String> {
    let coords = g.get("coordinates")?;
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => pos(coords)
            .is_none()
            .then(|| "the point is not longitude, latitude".into()),
        Some("Polygon") => coords
            .as_array()
            .filter(|r| !r.is_empty())
            .map_or(Some("a polygon without rings".into()), |rings| {
                rings.iter().find_map(ring_problem)
            }),
        Some("MultiPolygon") => coords.as_array().filter(|p| !p.is_empty()).map_or(
            Some("a MultiPolygon without polygons".into()),
            |polys| {
                polys.iter().find_map(|p| {
                    p.as_array()
                        .filter(|r| !r.is_empty())
                        .map_or(Some("a polygon without rings".into()), |rings| {
                            rings.iter().find_map(ring_problem)
                        })
                })
            },
        ),
        Some(other) => Some(format!(
            "a {other} is no plot geometry: give a Point, Polygon or MultiPolygon"
        )),
        None => Some("the geometry has no type".into()),
    }
}

/// The fewest fraction digits of any coordinate of `g`.
fn fewest_decimals(g: &Value) -> usize {
    fn walk(v: &Value, least: &mut usize) {
        match v {
            Value::Number(n) => {
                let s = n.to_string();
                *least = (*least).min(s.split_once('.').map_or(0, |(_, f)| f.len()));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, least)),
            _ => {}
        }
    }
    let mut least = usize::MAX;
    if let Some(c) = g.get("coordinates") {
        walk(c, &mut least);
    }
    least
}

/// A number as the source wrote it: its shortest text, with trailing zeros put back up
/// to `decimals` fraction digits (`2.15` written `2.150000` had 6).
fn number_text(n: &serde_json::Number, decimals: Option<u32>) -> String {
    let s = n.to_string();
    let Some(d) = decimals else { return s };
    if s.contains(['e', 'E']) || n.is_i64() && d == 0 {
        return s;
    }
    let have = s.split_once('.').map_or(0, |(_, f)| f.len());
    let mut out = s.clone();
    if have == 0 && d > 0 {
        out.push('.');
    }
    for _ in have..d as usize {
        out.push('0');
    }
    out
}

/// A geometry as compact JSON, its numbers written as the source wrote them.
fn geometry_text(v: &Value, decimals: Option<u32>, out: &mut String) {
    match v {
        Value::Number(n) => out.push_str(&number_text(n, decimals)),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                geometry_text(x, decimals, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).expect("a key serialises"));
                out.push(':');
                geometry_text(x, decimals, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The FeatureCollection of `plots`; refuses, naming the plot, what the EU information
/// system refuses.
pub fn geojson(plots: &[PlotSource]) -> Result<GeoJsonFile> {
    let mut features = Vec::with_capacity(plots.len());
    let mut geometries: Vec<String> = Vec::with_capacity(plots.len());
    let mut warnings = Vec::new();
    for p in plots {
        let l = &p.location;
        let name = format!("{} (GLN {})", l.name, l.gln.as_str());
        let Some(g) = &l.geometry else {
            return Err(Error::invalid(
                "plot",
                format!("{name} has no geolocation: record its Point (up to 4 ha) or Polygon"),
            ));
        };
        if let Some(why) = geometry_problem(g) {
            return Err(Error::invalid(
                "plot",
                format!("{name}: {why}; the EU information system refuses it"),
            ));
        }
        let area = l
            .plot
            .as_ref()
            .and_then(|x| x.area_ha.as_deref())
            .and_then(Decimal::parse);
        let point = g.get("type").and_then(Value::as_str) == Some("Point");
        if point && area.as_ref().is_some_and(|a| *a > Decimal::from_int(4)) {
            return Err(Error::invalid(
                "plot",
                format!("{name} covers more than 4 ha but is given as a point: record the polygon of its boundary (EUDR art. 2(28))"),
            ));
        }
        let decimals = l
            .coordinate_decimals
            .map_or_else(|| fewest_decimals(g), |d| d as usize);
        if decimals < 6 {
            warnings.push(format!(
                "{name}: a coordinate has fewer than six decimals; the EU asks for six (about 10 cm)"
            ));
        }
        let mut props = Map::new();
        props.insert("ProducerName".into(), Value::String(p.producer.clone()));
        props.insert("ProducerCountry".into(), Value::String(l.country.clone()));
        let place = match &l.region {
            Some(r) => format!("{}, {r}", l.name),
            None => l.name.clone(),
        };
        props.insert("ProductionPlace".into(), Value::String(place));
        if let (true, Some(a)) = (point, l.plot.as_ref().and_then(|x| x.area_ha.as_deref())) {
            if let Ok(n) = a.parse::<f64>() {
                props.insert("Area".into(), json!(n));
            }
        }
        let mut geometry = String::new();
        geometry_text(g, l.coordinate_decimals, &mut geometry);
        geometries.push(geometry);
        features.push(json!({
            "type": "Feature",
            "properties": props,
            "geometry": format!("\u{0}geometry {}\u{0}", geometries.len() - 1),
        }));
    }
    let doc = json!({"type": "FeatureCollection", "features": features});
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value serialises") + "\n";
    // Each geometry goes in with its numbers as written (serde_json would drop zeros).
    for (i, g) in geometries.iter().enumerate() {
        text = text.replacen(&format!("\"\\u0000geometry {i}\\u0000\""), g, 1);
    }
    if text.len() > MAX_BYTES {
        return Err(Error::invalid(
            "plots",
            format!(
                "the file would hold {:.1} MB; the EU information system takes at most 25 MB a statement: split the goods over several statements",
                text.len() as f64 / 1e6
            ),
        ));
    }
    Ok(GeoJsonFile {
        text,
        plots: plots.len(),
        warnings,
    })
}
