//! Goods lines from a CSV of invoice or packing-list lines (or rows pasted from a
//! spreadsheet: tab-separated). Columns are mapped to fields once, by their header
//! names, and the mapping is remembered for the next file with the same header.

use super::decimal::Decimal;
use super::model::*;
use crate::codelists::parse_csv;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The fields a column can fill, with the header names recognised without a mapping.
pub const FIELDS: [(&str, &[&str]); 16] = [
    (
        "description",
        &[
            "description",
            "goods description",
            "description of goods",
            "item description",
            "product",
            "article",
        ],
    ),
    (
        "hs",
        &[
            "hs",
            "hs code",
            "hs6",
            "commodity code",
            "tariff code",
            "customs tariff",
        ],
    ),
    ("cn", &["cn", "cn code", "cn8"]),
    ("taric", &["taric", "taric code"]),
    ("htsus", &["htsus", "hts", "hts code", "htsus code"]),
    (
        "origin_country",
        &["origin", "country of origin", "origin country", "coo"],
    ),
    (
        "net_mass_kg",
        &[
            "net mass",
            "net weight",
            "net kg",
            "net mass kg",
            "net weight kg",
            "net weight (kg)",
            "net mass (kg)",
        ],
    ),
    (
        "gross_mass_kg",
        &[
            "gross mass",
            "gross weight",
            "gross kg",
            "gross mass kg",
            "gross weight kg",
            "gross weight (kg)",
            "gross mass (kg)",
        ],
    ),
    (
        "value",
        &[
            "value",
            "amount",
            "line value",
            "line total",
            "total",
            "invoice value",
        ],
    ),
    ("quantity", &["quantity", "qty"]),
    ("unit", &["unit", "uom", "unit of measure"]),
    (
        "package_kind",
        &[
            "package kind",
            "package type",
            "kind of packages",
            "packaging",
        ],
    ),
    (
        "packages",
        &[
            "packages",
            "number of packages",
            "no. of packages",
            "cartons",
            "pkgs",
        ],
    ),
    ("marks", &["marks", "marks and numbers", "shipping marks"]),
    ("lot", &["lot", "batch", "gtin/lot", "lot number"]),
    ("lot_quantity", &["lot quantity", "quantity from lot"]),
];

/// Column header name to field name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct ColumnMap(pub BTreeMap<String, String>);

/// What an import read.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct LinesImport {
    pub lines: Vec<GoodsLine>,
    pub mapping: ColumnMap,
    /// Header names no field took.
    pub ignored: Vec<String>,
    /// The mapping came from an earlier import of a file with this header.
    pub remembered: bool,
}

fn norm(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn detect_delimiter(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    [
        ('\t', first.matches('\t').count()),
        (';', first.matches(';').count()),
        (',', first.matches(',').count()),
    ]
    .into_iter()
    .max_by_key(|(_, n)| *n)
    .filter(|(_, n)| *n > 0)
    .map(|(c, _)| c)
    .unwrap_or(',')
}

/// A number written the way invoices write them: `1234.5`, `1,234.50`, `1.234,50`,
/// `1234,5`. A lone comma followed by exactly three digits is refused as ambiguous.
pub fn number(s: &str) -> std::result::Result<String, String> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let (dots, commas) = (t.matches('.').count(), t.matches(',').count());
    let plain = match (dots, commas) {
        (_, 0) if dots <= 1 => t.clone(),
        (0, 1) => {
            let after = t.split(',').nth(1).unwrap_or("");
            if after.len() == 3 {
                return Err(format!(
                    "{s:?} could be a thousand separator or a decimal comma: write {} or {}",
                    t.replace(',', ""),
                    t.replace(',', ".")
                ));
            }
            t.replace(',', ".")
        }
        _ => {
            let last_dot = t.rfind('.');
            let last_comma = t.rfind(',');
            if last_comma > last_dot {
                t.replace('.', "").replace(',', ".")
            } else {
                t.replace(',', "")
            }
        }
    };
    Decimal::parse(&plain)
        .map(|d| d.to_string())
        .ok_or_else(|| format!("{s:?} is not a number"))
}

/// The remembered mapping of files with `header`, if any.
fn remembered(ledger: &Ledger, key: &str) -> Result<Option<ColumnMap>> {
    let m: Option<String> = ledger
        .conn()
        .query_row(
            "SELECT mapping FROM csv_mappings WHERE name = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    Ok(m.and_then(|m| serde_json::from_str(&m).ok()))
}

/// Reads goods lines from `text`. `mapping` (header name to field) is used and
/// remembered for this header; without one, a remembered mapping, else the recognised
/// header names. Any bad cell refuses the whole file, naming row and column.
pub fn read(ledger: &Ledger, text: &str, mapping: Option<&ColumnMap>) -> Result<LinesImport> {
    Ok(read_keyed(ledger, text, mapping)?.0)
}

/// [`read`], with the key its column mapping is remembered under (the header's names).
fn read_keyed(
    ledger: &Ledger,
    text: &str,
    mapping: Option<&ColumnMap>,
) -> Result<(LinesImport, String)> {
    let delim = detect_delimiter(text);
    let rows = parse_csv(text, delim);
    let header = rows
        .first()
        .ok_or_else(|| Error::invalid("csv", "the file is empty"))?;
    let names: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let key = names.join("\u{1f}");
    let field_names: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
    let (map, was_remembered) = match mapping {
        Some(m) => {
            for (col, field) in &m.0 {
                if !field_names.contains(&field.as_str()) {
                    return Err(Error::invalid(
                        "mapping",
                        format!(
                            "{field:?} is not a field a column can fill: {}",
                            field_names.join(", ")
                        ),
                    ));
                }
                if !names.contains(&norm(col)) {
                    return Err(Error::invalid(
                        "mapping",
                        format!(
                            "the file has no column {col:?}; its columns are {}",
                            header.join(", ")
                        ),
                    ));
                }
            }
            let m = ColumnMap(m.0.iter().map(|(c, f)| (norm(c), f.clone())).collect());
            (m, false)
        }
        None => match remembered(ledger, &key)? {
            Some(m) => (m, true),
            None => (
                ColumnMap(
                    names
                        .iter()
                        .filter_map(|n| {
                            FIELDS
                                .iter()
                                .find(|(_, syn)| syn.contains(&n.as_str()))
                                .map(|(f, _)| (n.clone(), f.to_string()))
                        })
                        .collect(),
                ),
                false,
            ),
        },
    };
    if !map.0.values().any(|f| f == "description" || f == "hs") {
        return Err(Error::invalid("mapping", format!("no column gives the description or the HS code; map the columns (e.g. --map \"{}=description\")", header.first().map(String::as_str).unwrap_or("Goods"))));
    }
    let col_of: BTreeMap<&str, usize> = map
        .0
        .iter()
        .filter_map(|(c, f)| names.iter().position(|n| n == c).map(|i| (f.as_str(), i)))
        .collect();
    let mut lines = Vec::new();
    for (r, row) in rows.iter().enumerate().skip(1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |f: &str| -> Option<String> {
            col_of
                .get(f)
                .and_then(|&i| row.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let bad = |f: &str, why: String| {
            Error::invalid(
                format!("row {} column {}", r + 1, header[col_of[f]].trim()),
                why,
            )
        };
        let num = |f: &str| -> Result<Option<String>> {
            cell(f)
                .map(|v| number(&v).map_err(|w| bad(f, w)))
                .transpose()
        };
        let mut line = GoodsLine {
            description: cell("description").unwrap_or_default(),
            commodity: Commodity {
                hs: cell("hs")
                    .map(|h| h.replace(['.', ' '], ""))
                    .unwrap_or_default(),
                cn: cell("cn").map(|h| h.replace(['.', ' '], "")),
                taric: cell("taric").map(|h| h.replace(['.', ' '], "")),
                htsus: cell("htsus").map(|h| h.replace(['.', ' '], "")),
            },
            origin_country: cell("origin_country").map(|c| c.to_uppercase()),
            net_mass_kg: num("net_mass_kg")?,
            gross_mass_kg: num("gross_mass_kg")?,
            value: num("value")?,
            ..GoodsLine::default()
        };
        // HS: a full national code in the HS column gives its first six digits.
        if line.commodity.hs.len() > 6 && line.commodity.hs.bytes().all(|b| b.is_ascii_digit()) {
            let full = std::mem::take(&mut line.commodity.hs);
            line.commodity.hs = full[..6].to_string();
            match full.len() {
                8 if line.commodity.cn.is_none() => line.commodity.cn = Some(full),
                10 if line.commodity.taric.is_none() && line.commodity.htsus.is_none() => {
                    line.commodity.htsus = Some(full)
                }
                _ => {}
            }
        }
        if let Some(q) = num("quantity")? {
            line.quantity = Some(Quantity {
                value: q,
                unit: cell("unit")
                    .map(|u| u.to_uppercase())
                    .unwrap_or_else(|| "NAR".into()),
            });
        }
        if let Some(n) = cell("packages") {
            let number: u64 = n.parse().map_err(|_| {
                bad(
                    "packages",
                    format!("{n:?} is not a whole number of packages"),
                )
            })?;
            line.packages.push(Packages {
                kind: cell("package_kind")
                    .map(|k| k.to_uppercase())
                    .unwrap_or_else(|| "PK".into()),
                number,
                marks: cell("marks"),
            });
        }
        if let Some(l) = cell("lot") {
            let id = crate::trace::start_id("lot", &l).map_err(|e| bad("lot", e.to_string()))?;
            line.items.push(LineItem {
                id,
                quantity: num("lot_quantity")?,
                unit: None,
            });
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(Error::invalid("csv", "the file has a header and no lines"));
    }
    let ignored = header
        .iter()
        .zip(&names)
        .filter(|(_, n)| !map.0.contains_key(*n))
        .map(|(h, _)| h.trim().to_string())
        .collect();
    Ok((
        LinesImport {
            lines,
            mapping: map,
            ignored,
            remembered: was_remembered,
        },
        key,
    ))
}

/// Reads lines from `text` into the draft `id` (appended after its lines) and
/// remembers the mapping for this header, in one transaction.
pub fn import(
    ledger: &Ledger,
    id: &str,
    text: &str,
    mapping: Option<&ColumnMap>,
    now: crate::Timestamp,
) -> Result<LinesImport> {
    let (read, key) = read_keyed(ledger, text, mapping)?;
    let mut d = super::store::get(ledger, id, None)?;
    if d.status != super::store::Status::Draft {
        return Err(Error::invalid(
            "dossier",
            format!("{id} is sealed: `tradeseal dossier amend {id}` first"),
        ));
    }
    d.dossier.lines.extend(read.lines.iter().cloned());
    let tx = ledger.conn().unchecked_transaction()?;
    super::store::save(ledger, &d.dossier, now)?;
    tx.execute(
        "INSERT INTO csv_mappings (name, mapping) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping",
        params![key, serde_json::to_string(&read.mapping).expect("a map is JSON")],
    )?;
    tx.commit()?;
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_invoices_write_them() {
        assert_eq!(number("1234.5").unwrap(), "1234.5");
        assert_eq!(number("1,234.50").unwrap(), "1234.50");
        assert_eq!(number("1.234,50").unwrap(), "1234.50");
        assert_eq!(number("1 234,5").unwrap(), "1234.5");
        assert_eq!(number("12,5").unwrap(), "12.5");
        assert!(number("1,234").unwrap_err().contains("1234 or 1.234"));
        assert!(number("abc").is_err());
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3"), ';');
        assert_eq!(detect_delimiter("a\tb\n1\t2"), '\t');
        assert_eq!(detect_delimiter("a,b\n"), ',');
    }
}
