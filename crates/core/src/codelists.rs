//! Public code lists (assets/codelists): HS 2022, ISO 3166 countries and subdivisions.
//! The built-in edition is compiled in; files of the same name in a folder replace it.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub const HS_FILE: &str = "hs2022.csv";
pub const COUNTRIES_FILE: &str = "unlocode-country-codes.csv";
pub const SUBDIVISIONS_FILE: &str = "iso3166-2-subdivisions.csv";
pub const EUDR_FILE: &str = "eudr-annex-i.csv";
/// The full UN/LOCODE list, imported by the user from UNECE's CSV (no built-in edition).
pub const UNLOCODE_FILE: &str = "unlocode.csv";

#[derive(Clone, Debug, Default)]
pub struct CodeLists {
    /// HS code (2, 4 or 6 digits) to description.
    pub hs: HashMap<String, String>,
    /// ISO 3166-1 alpha-2 code to name.
    pub countries: HashMap<String, String>,
    /// `CC-SUB` (ISO 3166-2) to name.
    pub subdivisions: HashMap<String, String>,
    /// EUDR Annex I: (HS prefix, commodity), longest prefixes first.
    pub eudr: Vec<(String, String)>,
    /// Every UN/LOCODE (`DEHAM`) of an imported UNECE edition; empty when none was
    /// imported (then only the format and the country are checked).
    pub locodes: std::collections::HashSet<String>,
}

static BUILTIN: OnceLock<CodeLists> = OnceLock::new();

const BUILTIN_HS: &str = include_str!("../../../assets/codelists/hs2022.csv");
const BUILTIN_COUNTRIES: &str =
    include_str!("../../../assets/codelists/unlocode-country-codes.csv");
const BUILTIN_SUBDIVISIONS: &str =
    include_str!("../../../assets/codelists/iso3166-2-subdivisions.csv");
const BUILTIN_EUDR: &str = include_str!("../../../assets/codelists/eudr-annex-i.csv");

impl CodeLists {
    /// The edition compiled into TradeSeal, parsed once.
    pub fn builtin() -> &'static CodeLists {
        BUILTIN.get_or_init(|| {
            let mut l = CodeLists::parse(BUILTIN_HS, BUILTIN_COUNTRIES, BUILTIN_SUBDIVISIONS)
                .expect("the built-in code lists parse");
            l.eudr = parse_eudr(BUILTIN_EUDR).expect("the built-in EUDR list parses");
            l
        })
    }

    /// The built-in lists, each replaced by `dir/<file>` where that file exists (without
    /// such files, the built-in lists themselves, parsed once per process).
    pub fn load(dir: &Path) -> Result<Cow<'static, CodeLists>> {
        let files = [
            HS_FILE,
            COUNTRIES_FILE,
            SUBDIVISIONS_FILE,
            EUDR_FILE,
            UNLOCODE_FILE,
        ]
        .map(|f| dir.join(f));
        if !files.iter().any(|p| p.is_file()) {
            return Ok(Cow::Borrowed(CodeLists::builtin()));
        }
        let read = |p: &Path, builtin: &'static str| -> Result<Cow<'static, str>> {
            if p.is_file() {
                crate::files::read_text_limited(p, crate::files::MAX_TEXT_FILE, "a code list")
                    .map(Cow::Owned)
            } else {
                Ok(Cow::Borrowed(builtin))
            }
        };
        let mut l = CodeLists::parse(
            &read(&files[0], BUILTIN_HS)?,
            &read(&files[1], BUILTIN_COUNTRIES)?,
            &read(&files[2], BUILTIN_SUBDIVISIONS)?,
        )?;
        l.eudr = parse_eudr(&read(&files[3], BUILTIN_EUDR)?)?;
        l.locodes = rows(
            UNLOCODE_FILE,
            &read(&files[4], "locode,name\n")?,
            &["locode", "name"],
        )?
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
        Ok(Cow::Owned(l))
    }

    pub fn parse(hs: &str, countries: &str, subdivisions: &str) -> Result<CodeLists> {
        let mut out = CodeLists::default();
        for row in rows(
            HS_FILE,
            hs,
            &["section", "hscode", "description", "parent", "level"],
        )? {
            out.hs.insert(row[1].clone(), row[2].clone());
        }
        for row in rows(COUNTRIES_FILE, countries, &["CountryCode", "CountryName"])? {
            out.countries.insert(row[0].clone(), row[1].clone());
        }
        for row in rows(
            SUBDIVISIONS_FILE,
            subdivisions,
            &["SUCountry", "SUCode", "SUName", "SUType"],
        )? {
            out.subdivisions
                .insert(format!("{}-{}", row[0], row[1]), row[2].clone());
        }
        Ok(out)
    }

    /// Checks an HS code: 6 digits that HS 2022 lists, optionally followed by up to four
    /// more national digits (CN, HTS); dots and spaces are ignored. Returns the digits.
    pub fn check_hs(&self, code: &str) -> Result<String> {
        let digits: String = code.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || !(6..=10).contains(&digits.len()) {
            return Err(Error::invalid(
                "hsCode",
                format!("{code:?} is not an HS code: give 6 to 10 digits, e.g. 090111"),
            ));
        }
        if !self.hs.contains_key(&digits[..6]) {
            let heading = if self.hs.contains_key(&digits[..4]) {
                format!(
                    " (heading {} exists; check the last two digits)",
                    &digits[..4]
                )
            } else {
                String::new()
            };
            return Err(Error::invalid(
                "hsCode",
                format!("{} is not an HS 2022 subheading{heading}", &digits[..6]),
            ));
        }
        Ok(digits)
    }

    pub fn check_country(&self, code: &str) -> Result<String> {
        let c = code.trim().to_ascii_uppercase();
        if self.countries.contains_key(&c) {
            Ok(c)
        } else {
            Err(Error::invalid(
                "country",
                format!("{code:?} is not an ISO 3166-1 alpha-2 country code such as CO or DE"),
            ))
        }
    }

    /// Checks an ISO 3166-2 subdivision code (`CO-ANT`) of `country`.
    pub fn check_subdivision(&self, country: &str, code: &str) -> Result<String> {
        let c = code.trim().to_ascii_uppercase();
        let full = if c.contains('-') {
            c
        } else {
            format!("{country}-{c}")
        };
        if !full.starts_with(&format!("{country}-")) {
            return Err(Error::invalid(
                "region",
                format!("{code:?} is not a subdivision of {country}"),
            ));
        }
        if self.subdivisions.contains_key(&full) {
            Ok(full)
        } else {
            Err(Error::invalid(
                "region",
                format!("{code:?} is not an ISO 3166-2 subdivision of {country}"),
            ))
        }
    }
}

/// Rows of a small RFC 4180 CSV text whose header must be `header`.
/// Reads UNECE's UN/LOCODE code list CSV files (no header; columns Change, Country,
/// Location, Name, NameWoDiacritics, Subdivision, Status, Function, Date, IATA,
/// Coordinates, Remarks) into `locode,name` text for the home's `codelists/` folder.
/// Entries marked for removal (`X`) are left out; country-name rows (no location) too.
pub fn unlocode_from_unece(files: &[String]) -> Result<(String, usize)> {
    let mut codes: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (f, text) in files.iter().enumerate() {
        for row in parse_csv(text, ',').map_err(|e| within(&format!("file {}", f + 1), e))? {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if row.len() < 5 {
                return Err(Error::invalid(format!("file {} line {}", f + 1, row.line), "not a UNECE UN/LOCODE CSV row (Change, Country, Location, Name, …): download the CSV edition from unece.org"));
            }
            let (change, cc, loc, name) =
                (row[0].trim(), row[1].trim(), row[2].trim(), row[4].trim());
            if loc.is_empty() || change == "X" {
                continue;
            }
            let code = format!("{cc}{loc}");
            if crate::dossier::codes::locode_parts(&code).is_none() {
                return Err(Error::invalid(
                    format!("file {} line {}", f + 1, row.line),
                    format!("{code:?} is not a UN/LOCODE"),
                ));
            }
            codes.insert(code, name.to_string());
        }
    }
    if codes.is_empty() {
        return Err(Error::invalid("unlocode", "the files hold no UN/LOCODE"));
    }
    let mut out = String::from("locode,name\n");
    for (c, n) in &codes {
        out.push_str(c);
        out.push(',');
        out.push_str(&crate::dossier::codes::csv_field(n));
        out.push('\n');
    }
    Ok((out, codes.len()))
}

/// The EUDR commodity of an HS code, if Annex I lists it.
impl CodeLists {
    pub fn eudr_commodity(&self, hs: &str) -> Option<&str> {
        self.eudr
            .iter()
            .find(|(p, _)| hs.starts_with(p.as_str()))
            .map(|(_, c)| c.as_str())
    }
}

fn parse_eudr(text: &str) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> =
        rows(EUDR_FILE, text, &["commodity", "hs", "description"])?
            .into_iter()
            .map(|r| (r[1].clone(), r[0].clone()))
            .collect();
    if let Some((p, _)) = out
        .iter()
        .find(|(p, _)| !p.bytes().all(|b| b.is_ascii_digit()) || p.len() < 2)
    {
        return Err(Error::invalid(
            EUDR_FILE,
            format!("{p:?} is not an HS prefix"),
        ));
    }
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// One record of a CSV file and the line it starts on (from 1).
#[derive(Clone, Debug, PartialEq)]
pub struct CsvRecord {
    pub line: u64,
    pub fields: Vec<String>,
}

impl std::ops::Deref for CsvRecord {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.fields
    }
}

/// Where the quoting of `text` is broken, if it is: a quoted field that is never
/// closed (it would swallow the rest of the file), or a closing quote followed by more
/// text in the same field (a quote inside a quoted field must be doubled). A quote
/// inside an unquoted field (`5" screen`) is text, as RFC 4180 readers take it.
fn quoting_problem(text: &str, delimiter: u8) -> Option<(u64, String)> {
    let b = text.as_bytes();
    let (mut i, mut line, mut field_start) = (0, 1u64, true);
    while i < b.len() {
        match b[i] {
            b'"' if field_start => {
                let opened = line;
                i += 1;
                loop {
                    match b.get(i) {
                        None => {
                            return Some((
                                opened,
                                "a quoted field opened here is never closed, so it would take in the rest of the file: close the quote, or double a quote meant as text (\"\")".into(),
                            ))
                        }
                        Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => break,
                        Some(b'\n') => {
                            line += 1;
                            i += 1
                        }
                        Some(_) => i += 1,
                    }
                }
                i += 1;
                match b.get(i) {
                    None | Some(b'\n') | Some(b'\r') => {}
                    Some(&c) if c == delimiter => {}
                    Some(_) => {
                        return Some((
                            line,
                            "a quoted field goes on after its closing quote: a quote inside a quoted field must be doubled (\"\")".into(),
                        ))
                    }
                }
                field_start = false;
            }
            b'\n' => {
                line += 1;
                field_start = true;
                i += 1;
            }
            c => {
                field_start = c == delimiter;
                i += 1;
            }
        }
    }
    None
}

/// A CSV error placed in the file `name`.
pub(crate) fn within(name: &str, e: Error) -> Error {
    match e {
        Error::InvalidInput { field, reason } => Error::invalid(format!("{name} {field}"), reason),
        e => e,
    }
}

/// The records of a CSV text (RFC 4180, read by the `csv` crate) separated by
/// `delimiter`, each with its line. Broken quoting is refused with its line, never
/// read as one long cell; every record is kept, blank ones too (callers skip those
/// whose cells are all empty), whatever its number of fields.
pub fn parse_csv(text: &str, delimiter: char) -> Result<Vec<CsvRecord>> {
    let d = u8::try_from(delimiter)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| {
            Error::invalid("csv", format!("{delimiter:?} cannot separate CSV fields"))
        })?;
    if let Some((line, why)) = quoting_problem(text, d) {
        return Err(Error::invalid(format!("line {line}"), why));
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(d)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let line = r.position().line();
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => out.push(CsvRecord {
                line: rec.position().map_or(line, |p| p.line()),
                fields: rec.iter().map(str::to_string).collect(),
            }),
            Err(e) => {
                let at = e.position().map_or(line, |p| p.line());
                return Err(Error::invalid(
                    format!("line {at}"),
                    format!("not CSV: {e}"),
                ));
            }
        }
    }
    Ok(out)
}

fn rows(name: &str, text: &str, header: &[&str]) -> Result<Vec<Vec<String>>> {
    let bad = |why: String| Error::invalid(name, why);
    let out = parse_csv(text, ',').map_err(|e| within(name, e))?;
    let first = out.first().ok_or_else(|| bad("the file is empty".into()))?;
    if first
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}'))
        .ne(header.iter().copied())
    {
        return Err(bad(format!("the header is not {}", header.join(","))));
    }
    let mut body = Vec::with_capacity(out.len());
    for r in out.into_iter().skip(1) {
        if r.iter().all(|c| c.is_empty()) {
            continue;
        }
        if r.len() != header.len() {
            return Err(bad(format!(
                "line {} has {} fields, not the header's {}",
                r.line,
                r.len(),
                header.len()
            )));
        }
        body.push(r.fields);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_load_and_check() {
        let c = CodeLists::builtin();
        assert!(c.hs.len() > 5000 && c.countries.len() > 240 && c.subdivisions.len() > 4000);
        assert_eq!(c.check_hs("0901.11").unwrap(), "090111");
        assert_eq!(c.check_hs("0901110000").unwrap(), "0901110000");
        assert!(c
            .check_hs("090199")
            .unwrap_err()
            .to_string()
            .contains("heading 0901 exists"));
        assert!(c.check_hs("09x1").is_err());
        assert_eq!(c.check_country("co").unwrap(), "CO");
        assert!(c.check_country("XX").is_err());
        assert_eq!(c.check_subdivision("CN", "XJ").unwrap(), "CN-XJ");
        assert!(c.check_subdivision("CO", "CN-XJ").is_err());
    }

    #[test]
    fn a_replacement_file_must_have_the_same_columns() {
        assert!(CodeLists::parse(
            "a,b\n",
            "CountryCode,CountryName\n",
            "SUCountry,SUCode,SUName,SUType\n"
        )
        .is_err());
        let c = CodeLists::parse(
            "section,hscode,description,parent,level\nI,999999,\"New, thing\",9999,6\n",
            "CountryCode,CountryName\nZZ,Test\n",
            "SUCountry,SUCode,SUName,SUType\n",
        )
        .unwrap();
        assert_eq!(c.hs["999999"], "New, thing");
    }
}
