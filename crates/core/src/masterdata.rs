//! Master data recorded in the ledger: products, locations (with farm and plot
//! geometry) and parties. Each save is a new entry; the latest one of a key counts.

use crate::codelists::CodeLists;
use crate::entry;
use crate::error::{Error, Result};
use crate::gs1::{Gln, Gtin};
use crate::ledger::{index::Record, NewEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub const KIND_PRODUCT: &str = "md.product";
pub const KIND_LOCATION: &str = "md.location";
pub const KIND_PARTY: &str = "md.party";

const NAME_MAX: usize = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Product {
    #[ts(type = "string")]
    pub gtin: Gtin,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hs_code: Option<String>,
    /// UN/ECE Rec 20 unit the product is counted or weighed in (`KGM`, `H87` pieces …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unit: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Location {
    #[ts(type = "string")]
    pub gln: Gln,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// ISO 3166-2 subdivision, e.g. `CO-HUI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    /// A GeoJSON Point or Polygon in WGS 84 (RFC 7946), for farms and plots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub geometry: Option<Value>,
    /// What EUDR asks of a plot of land where a commodity is produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub plot: Option<Plot>,
    /// The fewest fraction digits of the geometry's coordinates as the source wrote them
    /// (`2.150000` has 6; the number itself is 2.15): JSON numbers lose trailing zeros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub coordinate_decimals: Option<u32>,
}

/// The fewest fraction digits of any number in the `coordinates` of a GeoJSON
/// geometry's text, as written (`-75.934510` counts 6); `None` without coordinates.
pub fn decimals_as_written(text: &str) -> Option<u32> {
    let raw: std::collections::HashMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(text).ok()?;
    let coords = raw.get("coordinates")?.get();
    let mut least: Option<u32> = None;
    let mut token = String::new();
    for c in coords.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E') {
            token.push(c);
            continue;
        }
        if !token.is_empty() {
            let (mantissa, exp) = match token.find(['e', 'E']) {
                Some(i) => (&token[..i], token[i + 1..].parse::<i64>().unwrap_or(0)),
                None => (token.as_str(), 0),
            };
            let frac = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i64);
            let d = (frac - exp).max(0) as u32;
            least = Some(least.map_or(d, |l| l.min(d)));
            token.clear();
        }
    }
    least
}

/// A production plot's land-use facts (Regulation (EU) 2023/1115, articles 2 and 9).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export_to = "bindings.ts")]
pub struct Plot {
    /// Area in hectares, a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub area_ha: Option<String>,
    /// The producer's declaration that the plot was not deforested or degraded after
    /// 31 December 2020.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deforestation_free: Option<bool>,
    /// Reference of the evidence (a satellite analysis, an audit, a certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence: Option<String>,
    /// The date deforestation or degradation was recorded on the plot (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deforested_on: Option<String>,
}

impl Plot {
    /// Checks the plot's fields; `None` when nothing is stated.
    pub fn checked(self) -> Result<Option<Plot>> {
        if self == Plot::default() {
            return Ok(None);
        }
        if let Some(a) = &self.area_ha {
            let ok = crate::dossier::decimal::Decimal::parse(a).is_some_and(|d| !d.is_negative());
            if !ok {
                return Err(Error::invalid(
                    "area",
                    format!("{a:?} is not an area in hectares (a positive decimal such as 3.75)"),
                ));
            }
        }
        if let Some(d) = &self.deforested_on {
            if !crate::dossier::codes::is_date(d) {
                return Err(Error::invalid(
                    "deforested-on",
                    format!("{d:?} is not a date: write YYYY-MM-DD"),
                ));
            }
        }
        if self.deforestation_free == Some(true) && self.deforested_on.is_some() {
            return Err(Error::invalid("deforested-on", "a plot declared deforestation-free has no deforestation date: state one or the other"));
        }
        Ok(Some(self))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Party {
    #[ts(type = "string")]
    pub gln: Gln,
    pub name: String,
    pub country: String,
}

fn clean_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("name", "the name is empty"));
    }
    if n.chars().count() > NAME_MAX || n.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            format!("use at most {NAME_MAX} characters and no control characters"),
        ));
    }
    Ok(n.to_string())
}

fn unit(u: &str) -> Result<String> {
    let u = u.trim().to_ascii_uppercase();
    if (2..=3).contains(&u.len()) && u.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(u)
    } else {
        Err(Error::invalid(
            "unit",
            format!("{u:?} is not a UN/ECE Rec 20 unit code such as KGM or H87"),
        ))
    }
}

fn opt(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Product {
    pub fn new(
        gtin: &str,
        name: &str,
        hs_code: Option<&str>,
        unit_code: Option<&str>,
        lists: &CodeLists,
    ) -> Result<Product> {
        Ok(Product {
            gtin: Gtin::parse(gtin.trim())?,
            name: clean_name(name)?,
            hs_code: opt(hs_code).map(|h| lists.check_hs(h)).transpose()?,
            unit: opt(unit_code).map(unit).transpose()?,
        })
    }

    pub fn entry(&self) -> Result<NewEntry> {
        md_entry(KIND_PRODUCT, self.gtin.as_str(), &self.name, self)
    }
}

impl Location {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gln: &str,
        name: &str,
        country: &str,
        region: Option<&str>,
        address: Option<&str>,
        geometry: Option<Value>,
        lists: &CodeLists,
    ) -> Result<Location> {
        let country = lists.check_country(country)?;
        Ok(Location {
            gln: Gln::parse(gln.trim())?,
            name: clean_name(name)?,
            region: opt(region)
                .map(|r| lists.check_subdivision(&country, r))
                .transpose()?,
            address: opt(address).map(clean_address).transpose()?,
            geometry: geometry.map(check_geometry).transpose()?,
            country,
            plot: None,
            coordinate_decimals: None,
        })
    }

    /// The location with a production plot's EUDR facts.
    /// The geometry from its GeoJSON text, with its coordinates' decimals as written.
    pub fn with_geometry_text(mut self, text: &str) -> Result<Location> {
        let g: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("geometry", format!("not JSON: {e}")))?;
        self.geometry = Some(check_geometry(g)?);
        self.coordinate_decimals = decimals_as_written(text);
        Ok(self)
    }

    pub fn with_plot(mut self, plot: Plot) -> Result<Location> {
        self.plot = plot.checked()?;
        Ok(self)
    }

    pub fn entry(&self) -> Result<NewEntry> {
        md_entry(KIND_LOCATION, self.gln.as_str(), &self.name, self)
    }
}

impl Party {
    pub fn new(gln: &str, name: &str, country: &str, lists: &CodeLists) -> Result<Party> {
        Ok(Party {
            gln: Gln::parse(gln.trim())?,
            name: clean_name(name)?,
            country: lists.check_country(country)?,
        })
    }

    pub fn entry(&self) -> Result<NewEntry> {
        md_entry(KIND_PARTY, self.gln.as_str(), &self.name, self)
    }
}

fn clean_address(a: &str) -> Result<String> {
    if a.chars().count() > 500 || a.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(
            "address",
            "use at most 500 characters and no control characters",
        ));
    }
    Ok(a.to_string())
}

fn md_entry<T: Serialize>(kind: &str, key: &str, name: &str, rec: &T) -> Result<NewEntry> {
    Ok(NewEntry {
        kind: kind.into(),
        payload: entry::canonical_payload(rec)?,
        index: Some(Record::MasterData {
            kind: kind.into(),
            key: key.into(),
            name: name.into(),
        }),
    })
}

/// The latest version of one master-data record.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct MasterRecord {
    /// `product`, `location` or `party`.
    pub kind: String,
    /// GTIN or GLN.
    pub key: String,
    pub name: String,
    /// The ledger entry of this version.
    #[ts(type = "number")]
    pub seq: u64,
    #[ts(type = "unknown")]
    pub record: Value,
}

/// Latest records, by kind (`product`, `location`, `party`; all when `None`), whose key or
/// name contains `search` (case-insensitive), ordered by kind and name.
pub fn list(
    ledger: &crate::ledger::Ledger,
    kind: Option<&str>,
    search: Option<&str>,
    limit: usize,
) -> Result<Vec<MasterRecord>> {
    let kind = kind.map(|k| format!("md.{k}"));
    let pattern = search.map(|s| {
        format!(
            "%{}%",
            s.trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    use tradeseal_log::db::Sql;
    // `lower(name)`, not SQLite's NOCASE: both engines order by it alike.
    ledger
        .sql()
        .query(
            "SELECT m.kind, m.key, m.name, m.seq, e.payload FROM masterdata m JOIN entries e ON e.seq = m.seq
              WHERE (CAST(?1 AS TEXT) IS NULL OR m.kind = ?1)
                AND (CAST(?2 AS TEXT) IS NULL OR m.key LIKE ?2 ESCAPE '\\' OR m.name LIKE ?2 ESCAPE '\\')
              ORDER BY m.kind, lower(m.name), m.key LIMIT ?3",
            tradeseal_log::sql_params![kind, pattern, limit as i64],
        )?
        .iter()
        .map(|r| {
            Ok(MasterRecord {
                kind: r.text(0)?.trim_start_matches("md.").to_string(),
                key: r.text(1)?,
                name: r.text(2)?,
                seq: r.int(3)? as u64,
                record: serde_json::from_str(&r.text(4)?).unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// A plot drawn in a GIS often comes as a Feature or a FeatureCollection: its geometry
/// (one feature), or one MultiPolygon of its polygons (several).
fn unwrap_features(g: Value) -> std::result::Result<Value, String> {
    match g.get("type").and_then(Value::as_str) {
        Some("Feature") => g
            .get("geometry")
            .cloned()
            .filter(|x| !x.is_null())
            .ok_or_else(|| "the Feature has no geometry".to_string()),
        Some("FeatureCollection") => {
            let geoms: Vec<Value> = g
                .get("features")
                .and_then(Value::as_array)
                .ok_or("the FeatureCollection has no features")?
                .iter()
                .filter_map(|f| f.get("geometry").cloned())
                .collect();
            match geoms.len() {
                0 => Err("the FeatureCollection has no geometry".into()),
                1 => Ok(geoms.into_iter().next().expect("one")),
                _ => {
                    let mut polys = Vec::new();
                    for x in geoms {
                        match x.get("type").and_then(Value::as_str) {
                            Some("Polygon") => polys.push(x["coordinates"].clone()),
                            Some("MultiPolygon") => polys.extend(
                                x["coordinates"].as_array().cloned().unwrap_or_default(),
                            ),
                            _ => return Err("a FeatureCollection of one plot may hold only polygons (or one point)".into()),
                        }
                    }
                    Ok(serde_json::json!({"type": "MultiPolygon", "coordinates": polys}))
                }
            }
        }
        _ => Ok(g),
    }
}

/// The name master data records for a product (GTIN-14 text), if any.
pub fn product_name(ledger: &crate::ledger::Ledger, gtin: &str) -> Result<Option<String>> {
    use tradeseal_log::db::Sql;
    ledger
        .sql()
        .query_one(
            "SELECT name FROM masterdata WHERE kind = ?1 AND key = ?2",
            tradeseal_log::sql_params![KIND_PRODUCT, gtin],
        )?
        .map(|r| r.text(0))
        .transpose()
}

/// Checks a GeoJSON Point, Polygon or MultiPolygon (RFC 7946, WGS 84 longitude/latitude),
/// or a Feature or FeatureCollection holding them (whose geometry it returns).
pub fn check_geometry(g: Value) -> Result<Value> {
    let bad = |why: &str| {
        Error::invalid(
            "geometry",
            format!("{why}; give a GeoJSON Point, Polygon or MultiPolygon in WGS 84 longitude, latitude"),
        )
    };
    let position = |p: &Value| -> Result<(f64, f64)> {
        let a = p
            .as_array()
            .ok_or_else(|| bad("a position is not an array"))?;
        let (Some(lon), Some(lat)) = (
            a.first().and_then(Value::as_f64),
            a.get(1).and_then(Value::as_f64),
        ) else {
            return Err(bad("a position needs longitude and latitude numbers"));
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) || a.len() > 3 {
            return Err(bad(
                "a position is outside longitude -180..180, latitude -90..90",
            ));
        }
        Ok((lon, lat))
    };
    let g = unwrap_features(g).map_err(|why| bad(&why))?;
    let coords = g.get("coordinates").ok_or_else(|| bad("no coordinates"))?;
    let polygon = |coords: &Value| -> Result<()> {
        let rings = coords
            .as_array()
            .filter(|r| !r.is_empty())
            .ok_or_else(|| bad("a Polygon needs at least one ring"))?;
        for ring in rings {
            let pts = ring
                .as_array()
                .ok_or_else(|| bad("a ring is not an array"))?;
            if pts.len() < 4 {
                return Err(bad("a ring needs at least four positions"));
            }
            let ps: Vec<(f64, f64)> = pts.iter().map(position).collect::<Result<_>>()?;
            if ps.first() != ps.last() {
                return Err(bad("a ring must end where it starts"));
            }
        }
        Ok(())
    };
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => {
            position(coords)?;
        }
        Some("Polygon") => polygon(coords)?,
        Some("MultiPolygon") => {
            let polys = coords
                .as_array()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| bad("a MultiPolygon needs at least one polygon"))?;
            for p in polys {
                polygon(p)?;
            }
        }
        _ => return Err(bad("the type is not Point, Polygon or MultiPolygon")),
    }
    if g.get("crs").is_some() {
        return Err(bad("RFC 7946 GeoJSON has no crs member"));
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn master_data_is_checked() {
        let l = CodeLists::builtin();
        let p = Product::new(
            "07701234000011",
            " Green coffee ",
            Some("0901.11"),
            Some("kgm"),
            l,
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), p.hs_code.as_deref(), p.unit.as_deref()),
            ("Green coffee", Some("090111"), Some("KGM"))
        );
        assert!(Product::new("07701234000012", "x", None, None, l).is_err());
        assert!(Product::new("07701234000011", "", None, None, l).is_err());
        let farm = Location::new(
            "7701234000011", "Finca La Esperanza", "co", Some("HUI"), None,
            Some(json!({"type": "Polygon", "coordinates": [[[-75.9, 2.1], [-75.8, 2.1], [-75.8, 2.2], [-75.9, 2.1]]]})),
            l,
        )
        .unwrap();
        assert_eq!(farm.region.as_deref(), Some("CO-HUI"));
        assert!(check_geometry(json!({"type": "Point", "coordinates": [200, 1]})).is_err());
        assert!(check_geometry(
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]})
        )
        .is_err());
        assert!(Party::new("7701234000004", "Cooperativa", "ZZ", l).is_err());
    }
}
