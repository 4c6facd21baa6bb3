//! What the app's maps draw: places from the master data with their geometry, each
//! with what the regulations ask of it (a plot's area in hectares, over the EUDR's 4 ha
//! point limit, inside the Xinjiang outline the UFLPA check uses), and that outline.
//! The maps themselves are drawn offline in the UI, over Natural Earth boundaries.

use crate::dossier::rules::{in_xinjiang, XINJIANG};
use crate::error::Result;
use crate::ledger::Ledger;
use crate::masterdata::Location;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// One place on a map.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct MapPlace {
    /// The location's GLN.
    pub gln: String,
    pub name: String,
    pub country: String,
    /// A GeoJSON Point or Polygon in WGS 84.
    #[ts(type = "unknown")]
    pub geometry: Value,
    /// The plot's area: the polygon's (geodesic), else the one stated for a point.
    pub area_ha: Option<f64>,
    /// A point standing for more than 4 ha (EUDR asks for the polygon).
    pub over_4ha: bool,
    /// Within the Xinjiang outline (UFLPA), by its coordinates.
    pub in_xinjiang: bool,
}

/// The outline of the Xinjiang Uyghur Autonomous Region the UFLPA check uses, as
/// (longitude, latitude) pairs: the map draws the same line the rule tests.
pub fn xinjiang_outline() -> Vec<[f64; 2]> {
    XINJIANG.iter().map(|&(x, y)| [x, y]).collect()
}

/// The WGS 84 ellipsoid's surface, m².
const EARTH_M2: f64 = 510_065_621_724_088.5;

/// The geodesic area of a GeoJSON Polygon or MultiPolygon, in hectares.
pub fn area_ha(geometry: &Value) -> Option<f64> {
    use geo::GeodesicArea;
    let polygons: Vec<&Value> = match geometry.get("type")?.as_str()? {
        "Polygon" => vec![geometry.get("coordinates")?],
        "MultiPolygon" => geometry.get("coordinates")?.as_array()?.iter().collect(),
        _ => return None,
    };
    let mut m2 = 0.0;
    for p in polygons {
        let rings = p.as_array()?;
        let ring = |r: &Value| -> Option<geo::LineString<f64>> {
            r.as_array()?
                .iter()
                .map(|c| {
                    let a = c.as_array()?;
                    Some(geo::coord! { x: a.first()?.as_f64()?, y: a.get(1)?.as_f64()? })
                })
                .collect::<Option<Vec<_>>>()
                .map(geo::LineString::new)
        };
        // Each ring on its own (a hole wound like its outer ring would otherwise read as
        // the rest of the globe): the outer ring's area less the holes'.
        // A ring wound clockwise reads as the rest of the globe: the smaller of the two
        // is the plot (no plot is half the Earth).
        let area = |r: &Value| -> Option<f64> {
            let a = geo::Polygon::new(ring(r)?, Vec::new()).geodesic_area_unsigned();
            Some(a.min(EARTH_M2 - a))
        };
        m2 += area(rings.first()?)?;
        for h in &rings[1..] {
            m2 -= area(h)?;
        }
    }
    Some(m2 / 10_000.0)
}

/// The place a location is on a map, if it has a geometry.
pub fn place(l: &Location) -> Option<MapPlace> {
    let g = l.geometry.clone()?;
    let point = g.get("type").and_then(Value::as_str) == Some("Point");
    let stated = l
        .plot
        .as_ref()
        .and_then(|p| p.area_ha.as_deref())
        .and_then(|a| a.parse::<f64>().ok());
    let area = if point {
        stated
    } else {
        area_ha(&g).or(stated)
    };
    Some(MapPlace {
        gln: l.gln.as_str().to_string(),
        name: l.name.clone(),
        country: l.country.clone(),
        over_4ha: point && stated.is_some_and(|a| a > 4.0),
        in_xinjiang: in_xinjiang(&g),
        area_ha: area,
        geometry: g,
    })
}

/// The places of `keys` (GLNs, or GS1 Digital Links or URNs of locations) that the
/// master data holds with a geometry, each once, in the order given.
pub fn places(ledger: &Ledger, keys: &[String]) -> Result<Vec<MapPlace>> {
    let mut out: Vec<MapPlace> = Vec::new();
    for k in keys {
        let link = if k.len() == 13 && k.bytes().all(|b| b.is_ascii_digit()) {
            format!("https://id.gs1.org/414/{k}")
        } else {
            k.clone()
        };
        let Some(l) = crate::dossier::rules::location(ledger, &link)? else {
            continue;
        };
        if let Some(p) = place(&l) {
            if !out.iter().any(|o| o.gln == p.gln) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_polygon_area_is_geodesic_hectares() {
        // 0.001° × 0.001° at the equator: about 111.32 m × 110.57 m = 1.23 ha.
        let sq = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [0.001, 0.0], [0.001, 0.001], [0.0, 0.001], [0.0, 0.0]]]});
        let a = area_ha(&sq).unwrap();
        assert!((a - 1.2308).abs() < 0.001, "{a}");
        // Drawn clockwise, the same area (not the rest of the globe).
        let cw = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [0.0, 0.001], [0.001, 0.001], [0.001, 0.0], [0.0, 0.0]]]});
        assert!((area_ha(&cw).unwrap() - a).abs() < 0.001);
        // A hole is taken out; a point has no area of its own.
        let holed = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [0.002, 0.0], [0.002, 0.002], [0.0, 0.002], [0.0, 0.0]],
            [[0.0005, 0.0005], [0.0015, 0.0005], [0.0015, 0.0015], [0.0005, 0.0015], [0.0005, 0.0005]]
        ]});
        let h = area_ha(&holed).unwrap();
        assert!((h - 3.0 * a).abs() < 0.01, "{h} vs {a}");
        assert_eq!(
            area_ha(&json!({"type": "Point", "coordinates": [0.0, 0.0]})),
            None
        );
    }

    #[test]
    fn the_outline_drawn_is_the_one_the_rule_tests() {
        let outline = xinjiang_outline();
        assert_eq!(outline.len(), XINJIANG.len());
        let ring: Vec<Vec<f64>> = outline.iter().map(|p| p.to_vec()).collect();
        // Urumqi inside, Almaty (Kazakhstan) outside, by the same rule.
        assert!(in_xinjiang(
            &json!({"type": "Point", "coordinates": [87.617, 43.826]})
        ));
        assert!(!in_xinjiang(
            &json!({"type": "Point", "coordinates": [76.886, 43.238]})
        ));
        assert!(ring.len() > 10);
    }
}
