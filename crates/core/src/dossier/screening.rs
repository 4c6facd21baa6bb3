//! Screening names against entity lists (such as the UFLPA Entity List) imported from
//! CSV: matching that tolerates case, punctuation and legal-form suffixes, and shows
//! what matched.

use crate::codelists::parse_csv;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use serde::Serialize;
use tradeseal_log::db::{self, Sql};
use tradeseal_log::sql_params;
use ts_rs::TS;

/// Legal-form words dropped from the end of a name before comparing.
const LEGAL_FORMS: &[&str] = &[
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "lp",
    "llp",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "pte",
    "pty",
    "jsc",
    "ojsc",
    "pjsc",
    "group",
    "holding",
    "holdings",
    "有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团",
];

/// A name as compared: lowercase words of letters and digits, legal forms at the end
/// removed (`Hoshine Silicon Industry Co., Ltd.` -> `hoshine silicon industry`).
pub fn normalise(name: &str) -> String {
    let folded = fold(&name.to_lowercase());
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // Initials written with points (`S.A.`, `B.V.`) are one word.
    let mut merged: Vec<String> = Vec::with_capacity(words.len());
    let mut in_initials = false;
    for w in words {
        let single = w.chars().count() == 1 && w.is_ascii();
        match merged.last_mut() {
            Some(last) if single && in_initials => last.push_str(&w),
            _ => merged.push(w),
        }
        in_initials = single;
    }
    let mut words = merged;
    // Chinese legal forms are written without spaces: strip them as suffixes.
    if let Some(last) = words.last_mut() {
        for f in LEGAL_FORMS.iter().filter(|f| !f.is_ascii()) {
            if last.len() > f.len() && last.ends_with(f) {
                last.truncate(last.len() - f.len());
            }
        }
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_FORMS.contains(&w.as_str()))
    {
        words.pop();
    }
    words.join(" ")
}

/// Letters without their accents, by Unicode: compatibility decomposition (NFKD:
/// `ﬁ` -> `fi`, full-width `Ａ` -> `A`), the combining diacritical marks (U+0300 to
/// U+036F: `é`, `ğ`, `ș`, `ő`, `й`) dropped, then recomposed (NFC); letters that no
/// decomposition reaches are written as a list in ASCII would (`ß` -> `ss`, `ł` -> `l`,
/// `ø` -> `o`, `ı` -> `i`, `æ` -> `ae`). Other scripts keep their marks (Japanese
/// voicing marks are not accents).
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let stripped: String = s
        .nfkd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect();
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.nfc() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ı' => out.push('i'),
            'ħ' => out.push('h'),
            'ŧ' => out.push('t'),
            'ŀ' => out.push('l'),
            c => out.push(c),
        }
    }
    out
}

/// Whether two normalised names match: equal, or one contains the other as whole
/// words when the shorter has at least two words.
pub fn matches(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.contains(' ') && format!(" {long} ").contains(&format!(" {short} "))
}

/// An entity on a list that a name matched.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct ListMatch {
    pub list: String,
    /// The entity as the list publishes it.
    pub entity: String,
    /// The name screened.
    pub name: String,
    /// Both names as compared.
    pub entity_normalised: String,
    pub name_normalised: String,
}

/// Imports a list from CSV (a column `name`, `entity` or `entity name`; optionally
/// `country`), replacing an earlier import of the same list, in one transaction.
pub fn import_list(ledger: &Ledger, list: &str, csv: &str) -> Result<usize> {
    let list = list.trim();
    if list.is_empty() {
        return Err(Error::invalid("list", "name the list (e.g. UFLPA)"));
    }
    let delim = super::lines_csv::detect_delimiter(csv);
    let rows = parse_csv(csv, delim)?;
    let header: Vec<String> = rows
        .first()
        .ok_or_else(|| Error::invalid("csv", "the file is empty"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let name_col = header
        .iter()
        .position(|h| matches!(h.as_str(), "name" | "entity" | "entity name"))
        .ok_or_else(|| {
            Error::invalid(
                "csv",
                format!(
                    "no column `name` (or `entity`): the columns are {}",
                    header.join(", ")
                ),
            )
        })?;
    let country_col = header.iter().position(|h| h == "country");
    let sql = ledger.sql();
    let tx = db::begin(&sql)?;
    sql.execute(
        "DELETE FROM entity_lists WHERE list = ?1",
        sql_params![list],
    )?;
    let mut n = 0;
    for r in rows.iter().skip(1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A list that lost a row would pass names it should stop: every row counts.
        if r.len() != header.len() {
            return Err(Error::invalid(
                format!("line {}", r.line),
                format!(
                    "the row has {} fields, the header {}: correct the row (a delimiter or quote out of place?) and import the list again",
                    r.len(),
                    header.len()
                ),
            ));
        }
        let Some(name) = r.get(name_col).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
            return Err(Error::invalid(
                format!("line {}", r.line),
                "the row has no name: give every entity its name, or delete the row",
            ));
        };
        let norm = normalise(name);
        if norm.is_empty() {
            return Err(Error::invalid(
                format!("line {}", r.line),
                format!("{name:?} has no letters or digits"),
            ));
        }
        n += sql.execute(
            "INSERT INTO entity_lists (list, name, norm, country) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            sql_params![list, name, norm, country_col.and_then(|c| r.get(c)).map(|s| s.trim()).filter(|s| !s.is_empty())],
        )? as usize;
    }
    if n == 0 {
        return Err(Error::invalid("csv", "the file lists no names"));
    }
    tx.commit()?;
    Ok(n)
}

/// The lists imported, with their sizes.
pub fn lists(ledger: &Ledger) -> Result<Vec<(String, u64)>> {
    ledger
        .sql()
        .query(
            "SELECT list, count(*) FROM entity_lists GROUP BY list ORDER BY list",
            &[],
        )?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)? as u64)))
        .collect()
}

/// The imported lists, each entity normalised as this version folds names (not as
/// stored: a list imported by an earlier version of the folding still matches as this
/// one folds). Loaded once for all the names a review screens.
pub struct Screen {
    entities: Vec<(String, String, String)>,
}

impl Screen {
    pub fn load(ledger: &Ledger) -> Result<Screen> {
        let mut entities = Vec::new();
        for r in ledger
            .sql()
            .query("SELECT list, name FROM entity_lists", &[])?
        {
            let (list, entity) = (r.text(0)?, r.text(1)?);
            let norm = normalise(&entity);
            entities.push((list, entity, norm));
        }
        Ok(Screen { entities })
    }

    /// Every listed entity `name` matches.
    pub fn matches(&self, name: &str) -> Vec<ListMatch> {
        let n = normalise(name);
        self.entities
            .iter()
            .filter(|(_, _, norm)| matches(&n, norm))
            .map(|(list, entity, norm)| ListMatch {
                list: list.clone(),
                entity: entity.clone(),
                name: name.to_string(),
                entity_normalised: norm.clone(),
                name_normalised: n.clone(),
            })
            .collect()
    }
}

/// Every listed entity `name` matches (one name; a review loads a [`Screen`] once).
pub fn screen(ledger: &Ledger, name: &str) -> Result<Vec<ListMatch>> {
    Ok(Screen::load(ledger)?.matches(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_case_punctuation_and_legal_forms() {
        assert_eq!(
            normalise("Hoshine Silicon Industry Co., Ltd."),
            "hoshine silicon industry"
        );
        assert_eq!(
            normalise("HOSHINE SILICON INDUSTRY (SHANSHAN) CO LTD"),
            "hoshine silicon industry shanshan"
        );
        assert_eq!(normalise("新疆生产建设兵团有限公司"), "新疆生产建设兵团");
        assert!(matches(
            &normalise("Hoshine Silicon Industry Co Ltd"),
            &normalise("hoshine silicon industry co., ltd.")
        ));
        assert!(matches(
            &normalise("Hoshine Silicon Industry (Shanshan) Co., Ltd"),
            &normalise("Hoshine Silicon Industry")
        ));
        // A single common word never matches inside a longer name.
        assert!(!matches(
            &normalise("Industry"),
            &normalise("Hoshine Silicon Industry")
        ));
        assert!(!matches(
            &normalise("Acme Coffee GmbH"),
            &normalise("Acme Cocoa GmbH")
        ));
        // "Group" alone is a name, not a suffix to drop to nothing.
        assert_eq!(normalise("Group"), "group");
        assert_eq!(
            normalise("Cooperativa Café do Sul S.A."),
            normalise("COOPERATIVA CAFE DO SUL")
        );
    }

    #[test]
    fn accents_fold_by_unicode_not_by_a_table() {
        // The hand-written table missed these.
        for (a, b) in [
            ("Ağaç Tekstil", "AGAC TEKSTIL"),
            ("Ștefănescu Impex", "Stefanescu Impex"),
            ("Großhandel Müller", "GROSSHANDEL MULLER"),
            ("Łódź Cotton", "Lodz Cotton"),
            ("Øresund Trading", "Oresund Trading"),
            ("Ｈｏｓｈｉｎｅ Silicon", "Hoshine Silicon"),
            ("Nguyễn Văn Thành", "Nguyen Van Thanh"),
            ("İstanbul Iplik", "Istanbul Iplik"),
        ] {
            assert_eq!(normalise(a), normalise(b), "{a}");
        }
        // Japanese voicing marks are part of the letter, not an accent.
        assert_ne!(normalise("がっこう"), normalise("かっこう"));
    }
}
