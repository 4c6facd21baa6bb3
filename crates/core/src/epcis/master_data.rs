//! EPCIS master data (the vocabularies of a document's header, of a master-data document or
//! of query results) as TradeSeal master data: locations, products and parties recorded in
//! the import's transaction, as a new version where one exists (spec epcis-event.md §4.1).

use crate::codelists::CodeLists;
use crate::error::Result;
use crate::gs1::Gs1Id;
use crate::ledger::NewEntry;
use crate::masterdata::{self, Location, Party, Product};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What became of one vocabulary element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct MasterDataOutcome {
    /// The element's id as the document wrote it.
    pub id: String,
    /// `location`, `product` or `party`; `None` when the element is not master data
    /// TradeSeal keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<&'static str>,
    /// `recorded` (a new record or version), `unchanged` or `skipped`.
    pub outcome: &'static str,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// The entries to record for a document's master data, and what became of each element.
#[derive(Clone, Debug, Default)]
pub struct MasterDataPlan {
    pub entries: Vec<NewEntry>,
    pub outcomes: Vec<MasterDataOutcome>,
}

/// The attribute's local name: CBV master-data attributes (`urn:epcglobal:cbv:mda#name`,
/// `urn:epcglobal:cbv:mda:countryCode`, `cbvmda:city`) and GS1 Web Vocabulary terms
/// (`https://gs1.org/voc/productName`, `gs1:addressCountry`).
fn attribute_name(id: &str) -> &str {
    for p in [
        "urn:epcglobal:cbv:mda#",
        "urn:epcglobal:cbv:mda:",
        "cbvmda:",
        "https://gs1.org/voc/",
        "http://gs1.org/voc/",
        "gs1:",
    ] {
        if let Some(rest) = id.strip_prefix(p) {
            return rest;
        }
    }
    id
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        // A structured value (an address object): its text parts in order.
        Value::Object(m) => {
            let parts: Vec<String> = m.values().filter_map(text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

/// The element's attributes by local name (the first of a repeated one).
fn attributes(el: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for a in el
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = a.get("id").and_then(Value::as_str) {
            let v = a.get("attribute").cloned().unwrap_or(Value::Null);
            out.entry(attribute_name(id.trim()).to_string())
                .or_insert(v);
        }
    }
    out
}

fn first(attrs: &BTreeMap<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| attrs.get(*n).and_then(text))
}

/// The vocabulary type's last word: `urn:epcglobal:epcis:vtype:BusinessLocation` →
/// `BusinessLocation`.
fn vtype(v: &Value) -> &str {
    let t = v.get("type").and_then(Value::as_str).unwrap_or("");
    t.rsplit([':', '/', '#']).next().unwrap_or(t)
}

/// The master data to record for `vocabularies`; elements that cannot become a record are
/// skipped with the reason, never refused: the document's events stand on their own.
pub fn plan(
    ledger: &dyn tradeseal_log::db::Sql,
    lists: &CodeLists,
    vocabularies: &[Value],
) -> Result<MasterDataPlan> {
    let mut plan = MasterDataPlan::default();
    let mut planned: Vec<((&'static str, String), NewEntry)> = Vec::new();
    for v in vocabularies {
        let kind = match vtype(v) {
            "ReadPoint" | "BusinessLocation" | "Location" | "SourceDest" | "Party" => "place",
            "EPCClass" => "product",
            _ => "",
        };
        for el in v
            .get("vocabularyElementList")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = el
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let outcome = if kind.is_empty() {
                MasterDataOutcome {
                    id,
                    kind: None,
                    outcome: "skipped",
                    reason: Some(format!(
                        "a {} vocabulary: TradeSeal keeps locations, products and parties",
                        vtype(v)
                    )),
                }
            } else {
                let attrs = attributes(el);
                match record(ledger, lists, kind, &id, &attrs) {
                    Ok((k, key, Some(entry))) => {
                        planned.push(((k, key), entry));
                        MasterDataOutcome {
                            id,
                            kind: Some(k),
                            outcome: "recorded",
                            reason: None,
                        }
                    }
                    Ok((k, _, None)) => MasterDataOutcome {
                        id,
                        kind: Some(k),
                        outcome: "unchanged",
                        reason: None,
                    },
                    Err(reason) => MasterDataOutcome {
                        id,
                        kind: None,
                        outcome: "skipped",
                        reason: Some(reason),
                    },
                }
            };
            plan.outcomes.push(outcome);
        }
    }
    // Of several elements with one key, the document's last one is recorded.
    let last: BTreeMap<&(&str, String), usize> = planned
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k, i))
        .collect();
    let keep: Vec<bool> = (0..planned.len())
        .map(|i| last.get(&planned[i].0) == Some(&i))
        .collect();
    plan.entries = planned
        .into_iter()
        .zip(keep)
        .filter_map(|((_, e), k)| k.then_some(e))
        .collect();
    Ok(plan)
}

/// The latest record of `kind` and `key`, if master data holds one.
fn latest(ledger: &dyn tradeseal_log::db::Sql, kind: &str, key: &str) -> Option<Value> {
    let row = ledger
        .query_one(
            "SELECT e.payload FROM masterdata m JOIN entries e ON e.seq = m.seq WHERE m.kind = ?1 AND m.key = ?2",
            tradeseal_log::sql_params![kind, key],
        )
        .ok()??;
    serde_json::from_str(&row.text(0).ok()?).ok()
}

/// One element as a record: `(kind, key, entry)`, the entry `None` when master data holds
/// the same already.
fn record(
    ledger: &dyn tradeseal_log::db::Sql,
    lists: &CodeLists,
    kind: &str,
    id: &str,
    attrs: &BTreeMap<String, Value>,
) -> std::result::Result<(&'static str, String, Option<NewEntry>), String> {
    let parsed = if id.starts_with("urn:epc:") {
        Gs1Id::from_epc_urn(id)
    } else {
        Gs1Id::from_digital_link(id.split(['?', '#']).next().unwrap_or(id))
    };
    let parsed = parsed.map_err(|_| {
        format!("{id:?} is not a GLN, party GLN or GTIN: TradeSeal keys master data by them")
    })?;
    let name = first(
        attrs,
        &[
            "name",
            "locationName",
            "organizationName",
            "productName",
            "regulatedProductName",
            "descriptionShort",
            "tradeItemDescription",
            "ssd",
        ],
    );
    let known = |k: &str, key: &str| latest(ledger, k, key);
    let is_new = |old: &Option<Value>, new: &Value| old.as_ref() != Some(new);
    match (kind, parsed) {
        ("place", Gs1Id::Sgln(gln, ext)) => {
            if ext.as_deref().is_some_and(|e| e != "0") {
                return Err(format!(
                    "{id:?} is a sub-location (GLN extension {}): TradeSeal keeps master data per GLN",
                    ext.unwrap_or_default()
                ));
            }
            let key = gln.as_str().to_string();
            let old = known(masterdata::KIND_LOCATION, &key);
            let old_text = |f: &str| {
                old.as_ref()
                    .and_then(|o| o.get(f))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let name = name.or_else(|| old_text("name")).ok_or_else(|| {
                format!("{id:?} has no name (urn:epcglobal:cbv:mda#name): TradeSeal needs one for a location")
            })?;
            let country = first(attrs, &["countryCode", "addressCountry", "country"])
                .or_else(|| old_text("country"))
                .ok_or_else(|| format!("{id:?} has no country (urn:epcglobal:cbv:mda#countryCode)"))?;
            let street: Vec<String> = ["streetAddressOne", "streetAddressTwo", "streetAddressThree"]
                .iter()
                .filter_map(|k| attrs.get(*k).and_then(text))
                .collect();
            let locality: Vec<String> = ["postalCode", "city", "state"]
                .iter()
                .filter_map(|k| attrs.get(*k).and_then(text))
                .collect();
            let address = first(attrs, &["address", "streetAddress"]).or_else(|| {
                let mut parts = street;
                if !locality.is_empty() {
                    parts.push(locality.join(" "));
                }
                (!parts.is_empty()).then(|| parts.join(", "))
            });
            let (lat_text, lon_text) = (first(attrs, &["latitude"]), first(attrs, &["longitude"]));
            let (geometry, decimals) = match (
                lat_text.as_deref().and_then(|s| s.trim().parse::<f64>().ok()),
                lon_text.as_deref().and_then(|s| s.trim().parse::<f64>().ok()),
            ) {
                (Some(lat), Some(lon)) => {
                    // The decimals as the document wrote them (`2.150000`: 6).
                    let frac = |t: &Option<String>| {
                        t.as_deref()
                            .and_then(|t| t.trim().split_once('.'))
                            .map_or(0, |(_, f)| f.len() as u32)
                    };
                    (
                        Some(json!({"type": "Point", "coordinates": [lon, lat]})),
                        Some(frac(&lat_text).min(frac(&lon_text))),
                    )
                }
                _ => (
                    old.as_ref().and_then(|o| o.get("geometry")).cloned(),
                    old.as_ref()
                        .and_then(|o| o.get("coordinateDecimals"))
                        .and_then(Value::as_u64)
                        .and_then(|d| u32::try_from(d).ok()),
                ),
            };
            let mut loc = Location::new(
                &key,
                &name,
                &country,
                old_text("region").as_deref(),
                address.or_else(|| old_text("address")).as_deref(),
                geometry,
                lists,
            )
            .map_err(|e| format!("{id:?}: {e}"))?;
            loc.coordinate_decimals = decimals;
            if let Some(plot) = old.as_ref().and_then(|o| o.get("plot")) {
                loc = loc
                    .with_plot(serde_json::from_value(plot.clone()).unwrap_or_default())
                    .map_err(|e| format!("{id:?}: {e}"))?;
            }
            let new = serde_json::to_value(&loc).expect("a location serialises");
            let entry = is_new(&old, &new)
                .then(|| loc.entry())
                .transpose()
                .map_err(|e| e.to_string())?;
            Ok(("location", key, entry))
        }
        ("place", Gs1Id::Pgln(gln)) => {
            let key = gln.as_str().to_string();
            let old = known(masterdata::KIND_PARTY, &key);
            let old_text = |f: &str| {
                old.as_ref()
                    .and_then(|o| o.get(f))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let name = name
                .or_else(|| old_text("name"))
                .ok_or_else(|| format!("{id:?} has no name: TradeSeal needs one for a party"))?;
            let country = first(attrs, &["countryCode", "addressCountry", "country"])
                .or_else(|| old_text("country"))
                .ok_or_else(|| format!("{id:?} has no country (countryCode)"))?;
            let p = Party::new(&key, &name, &country, lists).map_err(|e| format!("{id:?}: {e}"))?;
            let new = serde_json::to_value(&p).expect("a party serialises");
            let entry = is_new(&old, &new)
                .then(|| p.entry())
                .transpose()
                .map_err(|e| e.to_string())?;
            Ok(("party", key, entry))
        }
        ("product", Gs1Id::Gtin(gtin) | Gs1Id::Lgtin(gtin, _)) => {
            let key = gtin.as_str().to_string();
            let old = known(masterdata::KIND_PRODUCT, &key);
            let old_text = |f: &str| {
                old.as_ref()
                    .and_then(|o| o.get(f))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let name = name
                .or_else(|| old_text("name"))
                .ok_or_else(|| format!("{id:?} has no name (urn:epcglobal:cbv:mda#descriptionShort)"))?;
            let p = Product::new(
                &key,
                &name,
                old_text("hsCode").as_deref(),
                first(attrs, &["netContentUom", "unit"])
                    .or_else(|| old_text("unit"))
                    .as_deref(),
                lists,
            )
            .map_err(|e| format!("{id:?}: {e}"))?;
            let new = serde_json::to_value(&p).expect("a product serialises");
            let entry = is_new(&old, &new)
                .then(|| p.entry())
                .transpose()
                .map_err(|e| e.to_string())?;
            Ok(("product", key, entry))
        }
        (_, _) => Err(format!(
            "{id:?} is not an identifier this vocabulary keys by (a GLN for places, a GTIN for classes)"
        )),
    }
}
