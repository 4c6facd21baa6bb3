//! The origins drawn as an SVG map for a published page: Natural Earth's 1:110m country
//! boundaries (world-atlas TopoJSON, `assets/map`) around the places, an
//! equirectangular view scaled by the cosine of its middle latitude, points as dots and
//! plots as polygons, each named. Written once at publish time: the page loads nothing.

use crate::map::MapPlace;
use serde_json::Value;
use std::fmt::Write;

const COUNTRIES: &str = include_str!("../../../../assets/map/countries-110m.json");
/// The drawing's size in SVG units (the page scales it to its width).
const W: f64 = 640.0;
const H: f64 = 400.0;

struct Topology {
    arcs: Vec<Vec<[f64; 2]>>,
    /// Each country: its name and its rings (arc indices, `!i` for a reversed arc).
    countries: Vec<(String, Vec<Vec<i64>>)>,
}

fn topology() -> Topology {
    let t: Value = serde_json::from_str(COUNTRIES).expect("the bundled boundaries are JSON");
    let scale = [
        t["transform"]["scale"][0].as_f64().unwrap_or(1.0),
        t["transform"]["scale"][1].as_f64().unwrap_or(1.0),
    ];
    let shift = [
        t["transform"]["translate"][0].as_f64().unwrap_or(0.0),
        t["transform"]["translate"][1].as_f64().unwrap_or(0.0),
    ];
    let arcs = t["arcs"]
        .as_array()
        .map(|arcs| {
            arcs.iter()
                .map(|arc| {
                    let (mut x, mut y) = (0.0, 0.0);
                    arc.as_array()
                        .map(|pts| {
                            pts.iter()
                                .map(|p| {
                                    x += p[0].as_f64().unwrap_or(0.0);
                                    y += p[1].as_f64().unwrap_or(0.0);
                                    [x * scale[0] + shift[0], y * scale[1] + shift[1]]
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut countries = Vec::new();
    for g in t["objects"]["countries"]["geometries"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let name = g["properties"]["name"].as_str().unwrap_or("").to_string();
        let rings = |poly: &Value| -> Vec<Vec<i64>> {
            poly.as_array()
                .into_iter()
                .flatten()
                .map(|ring| {
                    ring.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_i64)
                        .collect()
                })
                .collect()
        };
        let mut all = Vec::new();
        match g["type"].as_str() {
            Some("Polygon") => all.extend(rings(&g["arcs"])),
            Some("MultiPolygon") => {
                for p in g["arcs"].as_array().into_iter().flatten() {
                    all.extend(rings(p));
                }
            }
            _ => {}
        }
        countries.push((name, all));
    }
    Topology { arcs, countries }
}

impl Topology {
    fn ring(&self, ring: &[i64]) -> Vec<[f64; 2]> {
        let mut out: Vec<[f64; 2]> = Vec::new();
        for &i in ring {
            let (arc, reversed) = if i < 0 {
                ((!i) as usize, true)
            } else {
                (i as usize, false)
            };
            let Some(points) = self.arcs.get(arc) else {
                continue;
            };
            let mut pts: Vec<[f64; 2]> = points.clone();
            if reversed {
                pts.reverse();
            }
            let skip = usize::from(!out.is_empty());
            out.extend(pts.into_iter().skip(skip));
        }
        out
    }
}

/// The view: longitude/latitude box around the places, at least 6 degrees across.
struct View {
    west: f64,
    north: f64,
    k: f64,
    kx: f64,
}

impl View {
    fn around(points: &[[f64; 2]]) -> View {
        let (mut w, mut e, mut s, mut n) = (180.0f64, -180.0f64, 90.0f64, -90.0f64);
        for p in points {
            w = w.min(p[0]);
            e = e.max(p[0]);
            s = s.min(p[1]);
            n = n.max(p[1]);
        }
        if points.is_empty() {
            (w, e, s, n) = (-180.0, 180.0, -60.0, 80.0);
        }
        let pad = ((e - w).max(n - s) * 0.25).max(3.0);
        let (w, e, s, n) = (w - pad, e + pad, (s - pad).max(-85.0), (n + pad).min(85.0));
        let kx = ((s + n) / 2.0).to_radians().cos().max(0.2);
        let k = (W / ((e - w) * kx)).min(H / (n - s));
        // Centred in the drawing.
        let west = (w + e) / 2.0 - W / (2.0 * k * kx);
        let north = (s + n) / 2.0 + H / (2.0 * k);
        View { west, north, k, kx }
    }

    fn xy(&self, p: [f64; 2]) -> (f64, f64) {
        (
            (p[0] - self.west) * self.kx * self.k,
            (self.north - p[1]) * self.k,
        )
    }

    fn visible(&self, ring: &[[f64; 2]]) -> bool {
        ring.iter().any(|&p| {
            let (x, y) = self.xy(p);
            (-W..2.0 * W).contains(&x) && (-H..2.0 * H).contains(&y)
        })
    }
}

fn path(view: &View, ring: &[[f64; 2]]) -> String {
    let mut d = String::new();
    for (i, &p) in ring.iter().enumerate() {
        let (x, y) = view.xy(p);
        let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, x, y);
    }
    d.push('Z');
    d
}

/// The points of a GeoJSON geometry's outer rings (a Point is one point).
fn outer_points(g: &Value) -> Vec<Vec<[f64; 2]>> {
    let pt = |v: &Value| -> Option<[f64; 2]> { Some([v.get(0)?.as_f64()?, v.get(1)?.as_f64()?]) };
    match g["type"].as_str() {
        Some("Point") => pt(&g["coordinates"])
            .map(|p| vec![vec![p]])
            .unwrap_or_default(),
        Some("Polygon") => g["coordinates"]
            .get(0)
            .and_then(Value::as_array)
            .map(|r| vec![r.iter().filter_map(pt).collect()])
            .unwrap_or_default(),
        Some("MultiPolygon") => g["coordinates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|poly| poly.get(0).and_then(Value::as_array))
            .map(|r| r.iter().filter_map(pt).collect())
            .collect(),
        _ => Vec::new(),
    }
}

fn escape(text: &str) -> String {
    super::html::escape(text)
}

/// The SVG of `places` on their countries; `label` names the drawing for screen readers.
pub fn svg(places: &[MapPlace], label: &str) -> String {
    let shapes: Vec<(&MapPlace, Vec<Vec<[f64; 2]>>)> = places
        .iter()
        .map(|p| (p, outer_points(&p.geometry)))
        .collect();
    let all: Vec<[f64; 2]> = shapes
        .iter()
        .flat_map(|(_, r)| r.iter().flatten().copied())
        .collect();
    let view = View::around(&all);
    let topo = topology();
    let mut out = format!(
        "<svg class=\"map\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" data-testid=\"map\">",
        escape(label)
    );
    out.push_str(&format!(
        "<rect class=\"sea\" width=\"{W}\" height=\"{H}\"/>"
    ));
    for (name, rings) in &topo.countries {
        let drawn: Vec<String> = rings
            .iter()
            .map(|r| topo.ring(r))
            .filter(|r| view.visible(r))
            .map(|r| path(&view, &r))
            .collect();
        if !drawn.is_empty() {
            let _ = write!(
                out,
                "<path class=\"land\" d=\"{}\" data-testid=\"map-land\"><title>{}</title></path>",
                drawn.join(""),
                escape(name)
            );
        }
    }
    for (p, rings) in &shapes {
        for ring in rings {
            if ring.len() > 1 {
                let _ = write!(out, "<path class=\"plot\" d=\"{}\"/>", path(&view, ring));
            }
        }
        if let Some(first) = rings.first().and_then(|r| r.first()) {
            let (x, y) = view.xy(*first);
            let _ = write!(
                out,
                "<circle class=\"place\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" data-testid=\"map-place\"/><text class=\"place-name\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + 8.0,
                y + 4.0,
                escape(&p.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}
