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
                std::fs::read_to_string(p)
                    .map(Cow::Owned)
                    .map_err(|e| Error::io(format!("reading {}", p.display()), e))
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
        for (i, row) in parse_csv(text, ',').into_iter().enumerate() {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if row.len() < 5 {
                return Err(Error::invalid(format!("file {} row {}", f + 1, i + 1), "not a UNECE UN/LOCODE CSV row (Change, Country, Location, Name, …): download the CSV edition from unece.org"));
            }
            let (change, cc, loc, name) =
                (row[0].trim(), row[1].trim(), row[2].trim(), row[4].trim());
            if loc.is_empty() || change == "X" {
                continue;
            }
            let code = format!("{cc}{loc}");
            if crate::dossier::codes::locode_parts(&code).is_none() {
                return Err(Error::invalid(
                    format!("file {} row {}", f + 1, i + 1),
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

/// The records of a CSV text (RFC 4180 quoting) separated by `delimiter`; `\r` outside
/// quotes is dropped.
pub fn parse_csv(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut row = Vec::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, c) if c == delimiter => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                out.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push(row);
    }
    out
}

fn rows(name: &str, text: &str, header: &[&str]) -> Result<Vec<Vec<String>>> {
    let out = parse_csv(text, ',');
    let bad = |why: String| Error::invalid(name, why);
    let first = out.first().ok_or_else(|| bad("the file is empty".into()))?;
    if first
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}'))
        .ne(header.iter().copied())
    {
        return Err(bad(format!("the header is not {}", header.join(","))));
    }
    let body: Vec<Vec<String>> = out
        .into_iter()
        .skip(1)
        .filter(|r| !(r.len() == 1 && r[0].is_empty()))
        .collect();
    if let Some((i, _)) = body
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != header.len())
    {
        return Err(bad(format!(
            "row {} does not have {} columns",
            i + 2,
            header.len()
        )));
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
