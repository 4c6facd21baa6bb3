//! Goods lines from a CSV of invoice or packing-list lines (or rows pasted from a
//! spreadsheet: tab-separated). Columns are mapped to fields once, by their header
//! names, and the mapping is remembered for the next file with the same header.

use super::decimal::Decimal;
use super::model::*;
use crate::codelists::parse_csv;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tradeseal_log::db::{self, Sql};
use tradeseal_log::sql_params;
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
    /// How each numeric column's numbers were read (its decimal mark and why).
    pub numbers: Vec<NumberReading>,
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

/// The decimal mark of a column of numbers; the other of `.` and `,` groups digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum DecimalMark {
    Point,
    Comma,
}

impl DecimalMark {
    fn char(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }
    fn name(self) -> &'static str {
        match self {
            DecimalMark::Point => "decimal point (1,234.5)",
            DecimalMark::Comma => "decimal comma (1.234,5)",
        }
    }
}

/// How the numbers of one column were read, for the user to check.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct NumberReading {
    /// The column's header.
    pub column: String,
    /// The mark taken; none when every number of the column is whole.
    pub mark: Option<DecimalMark>,
    /// Why: the cell that decided, or the file's other columns, or the user's choice.
    pub reason: String,
}

/// `s` read with `mark` as the decimal mark: digits with at most one mark, grouped (by
/// the other of `.` and `,`, or a space or apostrophe) in threes after a first group of
/// one to three digits; a leading minus.
fn read_with(s: &str, mark: DecimalMark) -> Option<String> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (int, frac) = match t.split_once(mark.char()) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let group = if mark == DecimalMark::Point { ',' } else { '.' };
    let groups: Vec<&str> = int
        .split([group, ' ', '\u{a0}', '\u{202f}', '\''])
        .collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if groups.len() > 1
        && (groups[0].len() > 3
            || groups[0].starts_with('0')
            || groups[1..].iter().any(|g| g.len() != 3))
    {
        return None;
    }
    let mut plain = String::with_capacity(t.len() + 1);
    if neg {
        plain.push('-');
    }
    plain.extend(groups.iter().copied());
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    Decimal::parse(&plain).map(|d| d.to_string())
}

/// What a cell says about its number: the value whatever the mark (whole numbers, or
/// the mark shows itself: `1,234,567`, `1.234,5`, `12,5`, `0.125`), or two readings
/// (`1.234` and `12,345` alike: a lone separator before three digits).
#[derive(Debug, PartialEq)]
enum Form {
    Known(String, Option<DecimalMark>),
    Ambiguous,
}

fn form(s: &str) -> std::result::Result<Form, String> {
    match (
        read_with(s, DecimalMark::Point),
        read_with(s, DecimalMark::Comma),
    ) {
        (Some(a), Some(b)) if a == b => Ok(Form::Known(a, None)),
        (Some(_), Some(_)) => Ok(Form::Ambiguous),
        (Some(a), None) => Ok(Form::Known(a, Some(DecimalMark::Point))),
        (None, Some(b)) => Ok(Form::Known(b, Some(DecimalMark::Comma))),
        (None, None) => Err(format!(
            "{s:?} is not a number (digits, one decimal mark, thousands grouped in threes)"
        )),
    }
}

/// A number as invoices write it, with `mark` as the decimal mark where the text alone
/// does not say: `1234.5`, `1,234.50`, `1.234,50`, `1 234,5`, `1,234,567`.
pub fn number(s: &str, mark: Option<DecimalMark>) -> std::result::Result<String, String> {
    match form(s)? {
        Form::Known(v, _) => Ok(v),
        Form::Ambiguous => match mark {
            Some(m) => read_with(s, m).ok_or_else(|| format!("{s:?} is not a number")),
            None => {
                let (p, c) = (
                    read_with(s, DecimalMark::Point).unwrap_or_default(),
                    read_with(s, DecimalMark::Comma).unwrap_or_default(),
                );
                Err(format!(
                    "{s:?} reads as {p} with a decimal point and as {c} with a decimal comma, and nothing else in the file tells which: write it unambiguously, or say which mark the file uses (--decimal point|comma)"
                ))
            }
        },
    }
}

/// The decimal mark of each numeric column: the one its cells show (two marks in one
/// column refuse the file, naming both lines), else the one the file's other numeric
/// columns show, else `given`; none if the column's numbers are all whole.
fn column_marks(
    rows: &[crate::codelists::CsvRecord],
    header: &[String],
    cols: &[(String, usize)],
    given: Option<DecimalMark>,
) -> Result<BTreeMap<usize, (Option<DecimalMark>, String)>> {
    let mut shown: BTreeMap<usize, (DecimalMark, u64, String)> = BTreeMap::new();
    let mut ambiguous: BTreeMap<usize, (u64, String)> = BTreeMap::new();
    for row in rows.iter().skip(1) {
        for (_, i) in cols {
            let Some(v) = row.get(*i).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
                continue;
            };
            match form(v) {
                Ok(Form::Known(_, Some(m))) => match shown.get(i) {
                    Some((m0, line0, v0)) if *m0 != m => {
                        return Err(Error::invalid(
                            format!("column {}", header[*i].trim()),
                            format!(
                                "line {line0} writes {v0:?} with a {} and line {} writes {v:?} with a {}: one column uses one decimal mark; correct one of them",
                                m0.name(),
                                row.line,
                                m.name()
                            ),
                        ))
                    }
                    Some(_) => {}
                    None => {
                        shown.insert(*i, (m, row.line, v.to_string()));
                    }
                },
                Ok(Form::Ambiguous) => {
                    ambiguous.entry(*i).or_insert((row.line, v.to_string()));
                }
                _ => {}
            }
        }
    }
    let file_marks: std::collections::BTreeSet<DecimalMark> =
        shown.values().map(|(m, ..)| *m).collect();
    let mut out = BTreeMap::new();
    for (_, i) in cols {
        let reading = if let Some((m, line, v)) = shown.get(i) {
            (Some(*m), format!("line {line} writes {v:?}"))
        } else if let Some(m) = given {
            (Some(m), "as you said".to_string())
        } else if file_marks.len() == 1 && ambiguous.contains_key(i) {
            let m = *file_marks.iter().next().expect("one");
            let (_, line, v) = shown.values().find(|(x, ..)| *x == m).expect("shown");
            (
                Some(m),
                format!("as the file's other numbers: line {line} writes {v:?}"),
            )
        } else if ambiguous.contains_key(i) {
            (None, "undecided".to_string())
        } else {
            (
                None,
                "whole numbers, or the numbers show their mark".to_string(),
            )
        };
        out.insert(*i, reading);
    }
    Ok(out)
}

/// The remembered mapping of files with `header`, if any.
fn remembered(ledger: &Ledger, key: &str) -> Result<Option<ColumnMap>> {
    let m: Option<String> = ledger
        .sql()
        .query_one(
            "SELECT mapping FROM csv_mappings WHERE name = ?1",
            tradeseal_log::sql_params![key],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    Ok(m.and_then(|m| serde_json::from_str(&m).ok()))
}

/// Reads goods lines from `text`. `mapping` (header name to field) is used and
/// remembered for this header; without one, a remembered mapping, else the recognised
/// header names. Numbers are read with the decimal mark their column (else the file)
/// shows, else `decimal`. Any bad cell refuses the whole file, naming line and column.
pub fn read(
    ledger: &Ledger,
    text: &str,
    mapping: Option<&ColumnMap>,
    decimal: Option<DecimalMark>,
) -> Result<LinesImport> {
    Ok(read_keyed(ledger, text, mapping, decimal)?.0)
}

/// [`read`], with the key its column mapping is remembered under (the header's names).
fn read_keyed(
    ledger: &Ledger,
    text: &str,
    mapping: Option<&ColumnMap>,
    decimal: Option<DecimalMark>,
) -> Result<(LinesImport, String)> {
    let delim = detect_delimiter(text);
    let rows = parse_csv(text, delim)?;
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
    let numeric: Vec<(String, usize)> = [
        "net_mass_kg",
        "gross_mass_kg",
        "value",
        "quantity",
        "lot_quantity",
    ]
    .iter()
    .filter_map(|f| col_of.get(f).map(|&i| (f.to_string(), i)))
    .collect();
    let marks = column_marks(&rows, header, &numeric, decimal)?;
    let numbers = numeric
        .iter()
        .map(|(_, i)| NumberReading {
            column: header[*i].trim().to_string(),
            mark: marks[i].0,
            reason: marks[i].1.clone(),
        })
        .collect();
    let mut lines = Vec::new();
    for row in rows.iter().skip(1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Cells beyond the header would be lost without a word.
        if row.iter().skip(header.len()).any(|c| !c.trim().is_empty()) {
            return Err(Error::invalid(
                format!("line {}", row.line),
                format!(
                    "the row has {} cells, the header {} columns: a delimiter out of place (a number written 1,5 in a comma-separated file?) or a missing header",
                    row.len(),
                    header.len()
                ),
            ));
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
                format!("line {} column {}", row.line, header[col_of[f]].trim()),
                why,
            )
        };
        let num = |f: &str| -> Result<Option<String>> {
            cell(f)
                .map(|v| {
                    number(
                        &v,
                        col_of.get(f).and_then(|i| marks.get(i)).and_then(|m| m.0),
                    )
                    .map_err(|w| bad(f, w))
                })
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
            numbers,
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
    decimal: Option<DecimalMark>,
    now: crate::Timestamp,
) -> Result<LinesImport> {
    let (read, key) = read_keyed(ledger, text, mapping, decimal)?;
    let mut d = super::store::get(ledger, id, None)?;
    if d.status != super::store::Status::Draft {
        return Err(Error::invalid(
            "dossier",
            format!("{id} is sealed: `tradeseal dossier amend {id}` first"),
        ));
    }
    d.dossier.lines.extend(read.lines.iter().cloned());
    let sql = ledger.sql();
    let tx = db::begin(&sql)?;
    super::store::save_from(ledger, &d.dossier, &d.revision, now)?;
    sql.execute(
        "INSERT INTO csv_mappings (name, mapping) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping",
        sql_params![key, serde_json::to_string(&read.mapping).expect("a map is JSON")],
    )?;
    tx.commit()?;
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_invoices_write_them() {
        let n = |s| number(s, None);
        assert_eq!(n("1234.5").unwrap(), "1234.5");
        assert_eq!(n("1,234.50").unwrap(), "1234.50");
        assert_eq!(n("1.234,50").unwrap(), "1234.50");
        assert_eq!(n("1 234,5").unwrap(), "1234.5");
        assert_eq!(n("12,5").unwrap(), "12.5");
        assert_eq!(n("1,234,567").unwrap(), "1234567");
        assert_eq!(n("1.234.567").unwrap(), "1234567");
        assert_eq!(n("1.234.567,89").unwrap(), "1234567.89");
        assert_eq!(n("0.125").unwrap(), "0.125");
        assert_eq!(n("1234,567").unwrap(), "1234.567");
        assert_eq!(n("-1,234.5").unwrap(), "-1234.5");
        assert_eq!(n("1'234.50").unwrap(), "1234.50");
        // A lone separator before three digits: the same both ways.
        for s in ["1.234", "1,234", "12,345", "12.345", "999.999"] {
            assert!(n(s).unwrap_err().contains("decimal point and as"), "{s}");
        }
        assert_eq!(number("1.234", Some(DecimalMark::Point)).unwrap(), "1.234");
        assert_eq!(number("1.234", Some(DecimalMark::Comma)).unwrap(), "1234");
        assert_eq!(number("12,345", Some(DecimalMark::Point)).unwrap(), "12345");
        assert_eq!(
            number("12,345", Some(DecimalMark::Comma)).unwrap(),
            "12.345"
        );
        // Broken grouping is no number.
        for s in [
            "abc",
            "1,23,456",
            "12,34.5",
            "1.2.3",
            "1,234.5.6",
            ",5",
            "1,",
            "--1",
            "1.234,5.6",
        ] {
            assert!(n(s).is_err(), "{s}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3"), ';');
        assert_eq!(detect_delimiter("a\tb\n1\t2"), '\t');
        assert_eq!(detect_delimiter("a,b\n"), ',');
    }
}
