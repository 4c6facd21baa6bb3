//! The dossier and the ledger: checks that a goods line's lots, serials and SSCCs
//! exist and hold the quantity shipped, and a draft filled from a recorded shipment.

use super::checks::{Check, Checks};
use super::decimal::Decimal;
use super::model::*;
use crate::epcis::Role;
use crate::error::{Error, Result};
use crate::ledger::{index::gtin_of, Ledger};
use serde_json::Value;
use std::collections::BTreeMap;
use tradeseal_log::db::{Row, Sql};
use tradeseal_log::sql_params;

/// An identifier shipped, with its quantity and unit where recorded.
type Shipped = (String, Option<f64>, Option<String>);

/// What the ledger records of an identifier: whether it is known, and for a lot the
/// quantity created (commissioned by an ADD ObjectEvent or made by a transformation)
/// with its unit.
pub(crate) struct Recorded {
    pub known: bool,
    pub created: Option<(Decimal, Option<String>)>,
}

pub(crate) fn recorded(ledger: &Ledger, id: &str) -> Result<Recorded> {
    let known = ledger
        .sql()
        .query_one(
            "SELECT 1 FROM epcis_objects WHERE id = ?1 LIMIT 1",
            sql_params![id],
        )?
        .is_some();
    // Summed as exact decimals here, not by SQLite in binary floating point
    // (0.1 + 0.2 must be 0.3 when it is compared with what dossiers ship).
    let rows = ledger.sql().query(
        "SELECT o.quantity, o.uom FROM epcis_objects o JOIN epcis_events e ON e.id = o.event
          WHERE o.id = ?1 AND o.quantity IS NOT NULL
            AND ((o.role = ?2 AND e.type = 'ObjectEvent' AND e.action = 'ADD') OR (o.role = ?3 AND e.type = 'TransformationEvent'))",
        sql_params![id, Role::Object as i64, Role::Output as i64],
    )?;
    let mut created: Option<(Decimal, Option<String>)> = None;
    let mut consistent = true;
    for row in &rows {
        let (Some(q), uom) = (row.opt_real(0)?, row.opt_text(1)?) else {
            continue;
        };
        let Some(q) = Decimal::from_f64(q) else {
            consistent = false;
            continue;
        };
        created = match created {
            None => Some((q, uom)),
            Some((t, u)) if u == uom => Some((t + q, u)),
            Some(other) => {
                consistent = false;
                Some(other)
            }
        };
    }
    Ok(Recorded {
        known,
        created: created.filter(|_| consistent),
    })
}

/// The quantity of `item` declared by the other sealed (not superseded) dossiers.
fn declared_elsewhere(ledger: &Ledger, this: &str, item: &str) -> Result<Decimal> {
    let rows = ledger.sql().query(
        "SELECT i.quantity FROM dossier_items i JOIN dossiers d ON d.id = i.id AND d.version = i.version
          WHERE i.item = ?1 AND i.id <> ?2 AND d.status = 'sealed' AND i.quantity IS NOT NULL",
        sql_params![item, this],
    )?;
    let mut total = Decimal::ZERO;
    for r in &rows {
        if let Some(q) = Decimal::parse(&r.text(0)?) {
            total = total + q;
        }
    }
    Ok(total)
}

/// Whether dossiers sealed together ship more of a lot than the ledger records made,
/// counting what other sealed dossiers declared.
pub fn batch_quantity_problem(ledger: &Ledger, ds: &[&Dossier]) -> Result<Option<String>> {
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for d in ds {
        for item in d.lines.iter().flat_map(|l| &l.items) {
            if let Some(q) = item.quantity.as_deref().and_then(Decimal::parse) {
                let e = sums.entry(&item.id).or_insert(Decimal::ZERO);
                *e = *e + q;
            }
        }
    }
    for (item, shipped) in sums {
        let Some((created, uom)) = recorded(ledger, item)?.created else {
            continue;
        };
        let before = declared_elsewhere(ledger, "", item)?;
        if shipped + before > created {
            return Ok(Some(format!("together these dossiers ship {shipped} {} of {} and other sealed dossiers {before}, but the ledger records only {created} made: seal them apart after correcting the quantities", uom.unwrap_or_default(), crate::trace::label_of(item))));
        }
    }
    Ok(None)
}

/// Records the items a sealed version ships (in the seal's transaction).
pub(crate) fn index_items(db: &dyn Sql, d: &Dossier) -> Result<()> {
    let mut sums: BTreeMap<&str, Option<Decimal>> = BTreeMap::new();
    for item in d.lines.iter().flat_map(|l| &l.items) {
        let q = item.quantity.as_deref().and_then(Decimal::parse);
        let e = sums.entry(&item.id).or_insert(Some(Decimal::ZERO));
        *e = match (*e, q) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }
    for (item, q) in sums {
        db.execute(
            "INSERT INTO dossier_items (item, id, version, quantity) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (item, id, version) DO UPDATE SET quantity = excluded.quantity",
            sql_params![item, &d.id, d.version, q.map(|q| q.to_string())],
        )?;
    }
    Ok(())
}

/// Rules `ledger`: every goods line's items are recorded, and a lot holds the quantity
/// the dossier ships from it, after what other sealed dossiers declared.
pub fn ledger_checks(ledger: &Ledger, d: &Dossier) -> Result<Vec<Check>> {
    let mut c = Checks::new("ledger");
    // Per item: the quantity shipped here, the first path naming it, what the ledger made.
    type Made = Option<(Decimal, Option<String>)>;
    let mut here: BTreeMap<&str, (Decimal, String, Made)> = BTreeMap::new();
    for (i, line) in d.lines.iter().enumerate() {
        for (j, item) in line.items.iter().enumerate() {
            let path = format!("/lines/{i}/items/{j}");
            let rec = recorded(ledger, &item.id)?;
            if !rec.known {
                c.error(
                    "item-unknown",
                    &format!("{path}/id"),
                    Some(&item.id),
                    format!(
                        "line {}: {} is not in the ledger",
                        i + 1,
                        crate::trace::label_of(&item.id)
                    ),
                    "check the lot, serial or SSCC, or import the events that record it first",
                );
                continue;
            }
            if let Some(q) = item.quantity.as_deref().and_then(Decimal::parse) {
                let e = here
                    .entry(&item.id)
                    .or_insert((Decimal::ZERO, path.clone(), rec.created));
                e.0 = e.0 + q;
            }
        }
    }
    for (id, (shipped, path, made)) in here {
        let item = d
            .lines
            .iter()
            .flat_map(|l| &l.items)
            .find(|x| x.id == id)
            .expect("collected");
        let Some((created, uom)) = made else {
            c.warning(
                "item-quantity-unknown",
                &format!("{path}/quantity"),
                item.quantity.as_deref(),
                format!(
                    "the ledger records no quantity created for {}",
                    crate::trace::label_of(id)
                ),
                "check the quantity against the lot's records by hand",
            );
            continue;
        };
        if let (Some(u), Some(v)) = (item.unit.as_deref(), uom.as_deref()) {
            if u != v {
                c.warning(
                    "item-unit",
                    &format!("{path}/unit"),
                    Some(u),
                    format!(
                        "the ledger counts {} in {v}, the line in {u}",
                        crate::trace::label_of(id)
                    ),
                    format!("state the quantity taken from the lot in {v}"),
                );
                continue;
            }
        }
        let before = declared_elsewhere(ledger, &d.id, id)?;
        if shipped + before > created {
            let unit = uom.as_deref().unwrap_or("");
            c.error("item-quantity", &format!("{path}/quantity"), item.quantity.as_deref(), format!("{} {unit} of {} are shipped here and {before} {unit} by other sealed dossiers, but the ledger records only {created} {unit} made", shipped, crate::trace::label_of(id)), "check the quantity taken from the lot, or split the line over other lots");
        }
    }
    Ok(c.out)
}

pub(crate) fn masterdata(ledger: &Ledger, kind: &str, key: &str) -> Result<Option<Value>> {
    let payload: Option<String> = ledger
        .sql()
        .query_one("SELECT e.payload FROM masterdata m JOIN entries e ON e.seq = m.seq WHERE m.kind = ?1 AND m.key = ?2", sql_params![kind, key])?
        .map(|r| r.text(0))
        .transpose()?;
    Ok(payload.and_then(|p| serde_json::from_str(&p).ok()))
}

/// The GLN of a location (`…/414/GLN[/254/ext]`) or party (`…/417/GLN`) Digital Link.
pub(crate) fn gln_of(link: &str) -> Option<&str> {
    link.strip_prefix("https://id.gs1.org/414/")
        .or_else(|| link.strip_prefix("https://id.gs1.org/417/"))?
        .get(..13)
}

fn party_from(ledger: &Ledger, urn: &str) -> Result<Option<DossierParty>> {
    let Some(dl) = crate::epcis::digital_link(urn) else {
        return Ok(None);
    };
    let Some(gln) = gln_of(&dl) else {
        return Ok(None);
    };
    let md = masterdata(ledger, crate::masterdata::KIND_PARTY, gln)?;
    let text = |k: &str| {
        md.as_ref()
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Some(DossierParty {
        name: text("name").unwrap_or_default(),
        country: text("country"),
        gln: Some(gln.to_string()),
        ..DossierParty::default()
    }))
}

/// The shipping event a shipment names: an event hash id (`ni:///sha-256;…`) or an
/// SSCC (its latest shipping event).
pub fn shipment_event(ledger: &Ledger, text: &str) -> Result<u64> {
    let t = text.trim();
    if t.starts_with("ni:///") {
        return crate::timeline::event_id_of_hash(ledger, t);
    }
    let id = crate::trace::start_id("sscc", t)?;
    ledger
        .sql()
        .query_one(
            "SELECT e.id FROM epcis_events e JOIN epcis_objects o ON o.event = e.id
              WHERE o.id = ?1 AND o.role = 0 AND e.biz_step IN ('shipping', 'https://ref.gs1.org/cbv/BizStep-shipping') ORDER BY e.time_ms DESC LIMIT 1",
            sql_params![&id],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .map(|x| x as u64)
        .ok_or_else(|| Error::NotFound { what: format!("a shipping event of SSCC {t}"), hint: "record or import the shipment first, or name the event by its hash id".into() })
}

/// A new draft from the shipping event `event`: a goods line per product (GTIN), with
/// the lots it ships (directly or packed in the shipped logistic units), the product's
/// name and HS code, the origin country of the places the lots were made, the net mass
/// where the ledger counts in kilograms; exporter and consignee from the event's
/// owning parties; invoice and bill of lading references from its business
/// transactions. What the ledger does not know is left for the user.
pub fn from_shipment(ledger: &Ledger, event: u64, new_id: &str) -> Result<Dossier> {
    let detail = crate::timeline::event_detail(ledger, event)?;
    let ev = &detail.json;
    if ev
        .get("bizStep")
        .and_then(Value::as_str)
        .is_none_or(|s| !s.ends_with("shipping"))
    {
        return Err(Error::invalid(
            "shipment",
            "this event is not a shipment (bizStep shipping): pick the shipping event of the goods",
        ));
    }
    // (id, quantity, unit) of everything shipped, logistic units opened.
    let mut shipped: Vec<Shipped> = Vec::new();
    let shipped_row =
        |r: &Row| -> Result<Shipped> { Ok((r.text(0)?, r.opt_real(1)?, r.opt_text(2)?)) };
    let objects: Vec<Shipped> = ledger
        .sql()
        .query(
            "SELECT id, quantity, uom FROM epcis_objects WHERE event = ?1 AND role = 0 ORDER BY n",
            sql_params![event as i64],
        )?
        .iter()
        .map(shipped_row)
        .collect::<Result<_>>()?;
    for (id, q, u) in objects {
        if id.starts_with("https://id.gs1.org/00/") {
            let inner: Vec<Shipped> = ledger
                .sql()
                .query(
                    "SELECT c.id, c.quantity, c.uom FROM epcis_objects p JOIN epcis_events e ON e.id = p.event JOIN epcis_objects c ON c.event = p.event
                      WHERE p.id = ?1 AND p.role = 1 AND c.role = 2 AND e.type = 'AggregationEvent' AND e.action = 'ADD' ORDER BY c.event, c.n",
                    sql_params![&id],
                )?
                .iter()
                .map(shipped_row)
                .collect::<Result<_>>()?;
            shipped.extend(inner);
        } else {
            shipped.push((id, q, u));
        }
    }
    let mut by_gtin: BTreeMap<String, Vec<Shipped>> = BTreeMap::new();
    for s in shipped {
        let g = gtin_of(&s.0).unwrap_or("").to_string();
        by_gtin.entry(g).or_default().push(s);
    }
    let mut d = Dossier::new(new_id);
    for (gtin, items) in by_gtin {
        let product = if gtin.is_empty() {
            None
        } else {
            masterdata(ledger, crate::masterdata::KIND_PRODUCT, &gtin)?
        };
        let text = |k: &str| {
            product
                .as_ref()
                .and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut line = GoodsLine {
            description: text("name").unwrap_or_else(|| crate::trace::label_of(&items[0].0)),
            commodity: Commodity {
                hs: text("hsCode").unwrap_or_default(),
                ..Commodity::default()
            },
            ..GoodsLine::default()
        };
        let mut total: Option<(f64, Option<String>)> = Some((0.0, items[0].2.clone()));
        let mut origins = std::collections::BTreeSet::new();
        for (id, q, u) in &items {
            for c in origin_countries(ledger, id)? {
                origins.insert(c);
            }
            total = match (total, q) {
                (Some((t, tu)), Some(q)) if tu == *u => Some((t + q, tu)),
                _ => None,
            };
            line.items.push(LineItem {
                id: id.clone(),
                quantity: q.map(|q| {
                    Decimal::parse(&format_qty(q))
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                }),
                unit: u.clone(),
            });
        }
        if origins.len() == 1 {
            line.origin_country = origins.into_iter().next();
        }
        if let Some((t, Some(u))) = total {
            line.quantity = Some(Quantity {
                value: format_qty(t),
                unit: u.clone(),
            });
            if u == "KGM" {
                line.net_mass_kg = Some(format_qty(t));
            }
        }
        d.lines.push(line);
    }
    for (list, key, slot) in [
        ("sourceList", "source", 0),
        ("destinationList", "destination", 1),
    ] {
        let owner = ev.get(list).and_then(Value::as_array).and_then(|a| {
            a.iter()
                .find(|x| {
                    x.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.ends_with("owning_party"))
                })
                .and_then(|x| x.get(key))
                .and_then(Value::as_str)
        });
        if let Some(urn) = owner {
            let p = party_from(ledger, urn)?;
            if slot == 0 {
                d.transport.dispatch_country = p.as_ref().and_then(|p| p.country.clone());
                d.parties.exporter = p;
            } else {
                d.transport.destination_country = p.as_ref().and_then(|p| p.country.clone());
                d.parties.consignee = p;
            }
        }
    }
    for bt in ev
        .get("bizTransactionList")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = bt.get("type").and_then(Value::as_str).unwrap_or("");
        let reference = bt
            .get("bizTransaction")
            .and_then(Value::as_str)
            .unwrap_or("");
        let reference = reference
            .rsplit(':')
            .next()
            .unwrap_or(reference)
            .to_string();
        match kind.rsplit(['/', ':']).next().unwrap_or(kind) {
            "inv" => d.documents.push(Document {
                code: "N380".into(),
                reference,
                ..Document::default()
            }),
            "bol" => d.transport.transport_document = Some(reference),
            _ => {}
        }
    }
    Ok(d)
}

/// The countries of the places where `id` was made (commissioned or output).
fn origin_countries(ledger: &Ledger, id: &str) -> Result<Vec<String>> {
    let locs: Vec<String> = ledger
        .sql()
        .query(
            "SELECT DISTINCT e.biz_location FROM epcis_objects o JOIN epcis_events e ON e.id = o.event
              WHERE o.id = ?1 AND e.biz_location IS NOT NULL
                AND ((o.role = 0 AND e.type = 'ObjectEvent' AND e.action = 'ADD') OR (o.role = 4 AND e.type = 'TransformationEvent'))",
            sql_params![id],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for l in locs {
        let Some(gln) = gln_of(&l) else {
            continue;
        };
        if let Some(c) = masterdata(ledger, crate::masterdata::KIND_LOCATION, gln)?
            .as_ref()
            .and_then(|m| m.get("country"))
            .and_then(Value::as_str)
        {
            out.push(c.to_string());
        }
    }
    Ok(out)
}

/// A quantity as a decimal string (at most 6 decimals, no trailing zeros).
fn format_qty(q: f64) -> String {
    let s = format!("{q:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}
