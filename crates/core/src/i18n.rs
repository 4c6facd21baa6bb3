//! The languages of what TradeSeal hands over: the PDFs (dossier, verification report,
//! certificate, identity card) and the text of every finding, keyed by its stable code
//! (`finding.<code>`: what was found; `finding.<code>.do`: what to do). One catalogue per
//! language in `assets/locales/` (the app's UI reads the same files); a key missing in a
//! language falls back to English, and a test fails on any such key.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

/// The languages, as (BCP 47 primary tag, the language's own name).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("zh", "简体中文"),
];

const SOURCES: [&str; 6] = [
    include_str!("../../../assets/locales/en.json"),
    include_str!("../../../assets/locales/es.json"),
    include_str!("../../../assets/locales/pt.json"),
    include_str!("../../../assets/locales/fr.json"),
    include_str!("../../../assets/locales/de.json"),
    include_str!("../../../assets/locales/zh.json"),
];

/// A language of [`LANGUAGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Lang(usize);

impl Lang {
    pub const EN: Lang = Lang(0);

    /// The language of a BCP 47 tag or POSIX locale (`es`, `es-MX`, `zh_CN.UTF-8`);
    /// `None` for a language TradeSeal does not speak.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_', '.'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        LANGUAGES
            .iter()
            .position(|(code, _)| *code == primary)
            .map(Lang)
    }

    /// The language of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
            .unwrap_or(Lang::EN)
    }

    pub fn code(self) -> &'static str {
        LANGUAGES[self.0].0
    }

    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(Lang)
    }

    /// The message `key` in this language (English where the language lacks it; the
    /// key itself where English lacks it too, which a test forbids).
    pub fn text(self, key: &str) -> &'static str {
        let c = catalogues();
        c[self.0]
            .get(key)
            .or_else(|| c[0].get(key))
            .map_or_else(|| leak(key), String::as_str)
    }

    /// The message `key` with its `{name}` placeholders filled from `vars`.
    pub fn fill(self, key: &str, vars: &[(&str, &dyn Display)]) -> String {
        fill(self.text(key), vars)
    }

    /// What a finding with `code` means, in this language.
    pub fn finding(self, code: &str) -> &'static str {
        self.text(&format!("finding.{code}"))
    }

    /// What to do about a finding with `code`, in this language.
    pub fn finding_action(self, code: &str) -> &'static str {
        self.text(&format!("finding.{code}.do"))
    }
}

/// Whether the catalogue explains the finding `code` (checked wherever a finding is made,
/// in debug builds, so a test meeting an unexplained code fails).
pub fn knows_finding(code: &str) -> bool {
    catalogues()[0].contains_key(&format!("finding.{code}"))
}

/// Every catalogue, by language: (code, the parsed key → message map).
pub fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    &catalogues()[lang.0]
}

/// `{name}` placeholders of `template` replaced by `vars`; unknown ones are left as they are.
pub fn fill(template: &str, vars: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders a message uses, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn catalogues() -> &'static [HashMap<String, String>] {
    static PARSED: OnceLock<Vec<HashMap<String, String>>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SOURCES
            .iter()
            .map(|s| {
                serde_json::from_str(s).expect("the shipped catalogue is a JSON object of strings")
            })
            .collect()
    })
}

/// A key without a message, kept for the life of the process (only ever met in tests).
fn leak(key: &str) -> &'static str {
    debug_assert!(false, "no message for {key}");
    Box::leak(key.to_string().into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_with_the_same_placeholders() {
        let en = catalogue(Lang::EN);
        let mut problems = Vec::new();
        for lang in Lang::all().skip(1) {
            let c = catalogue(lang);
            for (key, english) in en {
                match c.get(key) {
                    None => problems.push(format!("{}: missing {key}", lang.code())),
                    Some(m) if placeholders(m) != placeholders(english) => problems.push(format!(
                        "{}: {key} has placeholders {:?}, English {:?}",
                        lang.code(),
                        placeholders(m),
                        placeholders(english)
                    )),
                    Some(m) if m.trim().is_empty() => {
                        problems.push(format!("{}: {key} is empty", lang.code()))
                    }
                    Some(m) if m == english && !same_as_english(lang).contains(&key.as_str()) => {
                        problems.push(format!("{}: {key} is still English", lang.code()))
                    }
                    _ => {}
                }
            }
            for key in c.keys().filter(|k| !en.contains_key(*k)) {
                problems.push(format!("{}: {key} is not an English key", lang.code()));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Messages a language writes as English does (codes, cognates).
    fn same_as_english(lang: Lang) -> &'static [&'static str] {
        match lang.code() {
            "es" => &[
                "pdf.dossier.incoterms",
                "pdf.report.severity.error",
                "pdf.cert.gtin",
                "pdf.cert.sizeBytes",
            ],
            "pt" => &[
                "pdf.dossier.incoterms",
                "pdf.cert.gtin",
                "pdf.cert.sizeBytes",
            ],
            "fr" => &[
                "pdf.dossier.subtitle",
                "pdf.dossier.office.destination",
                "pdf.dossier.parties",
                "pdf.dossier.transport",
                "pdf.dossier.incoterms",
                "pdf.dossier.documents",
                "pdf.dossier.code",
                "pdf.dossier.date",
                "pdf.report.organisation",
                "pdf.report.code",
                "pdf.cert.gtin",
                "pdf.cert.lot",
                "pdf.cert.dossierVersion",
                "pdf.label.lot",
            ],
            "de" => &[
                "pdf.dossier.name",
                "pdf.dossier.incoterms",
                "pdf.dossier.code",
                "pdf.report.status",
                "pdf.report.organisation",
                "pdf.report.code",
                "pdf.cert.gtin",
            ],
            _ => &["pdf.cert.gtin"],
        }
    }

    #[test]
    fn every_finding_has_a_meaning_and_an_action() {
        let en = catalogue(Lang::EN);
        for key in en
            .keys()
            .filter(|k| k.starts_with("finding.") && !k.ends_with(".do"))
        {
            assert!(en.contains_key(&format!("{key}.do")), "{key} has no action");
        }
    }

    #[test]
    fn a_language_is_found_by_its_tag_or_locale() {
        assert_eq!(Lang::parse("es-MX").map(Lang::code), Some("es"));
        assert_eq!(Lang::parse("zh_CN.UTF-8").map(Lang::code), Some("zh"));
        assert_eq!(Lang::parse("DE").map(Lang::code), Some("de"));
        assert_eq!(Lang::parse("it"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("{n} of {total} {x}", &[("n", &3), ("total", &"10")]),
            "3 of 10 {x}"
        );
        assert_eq!(fill("a { b", &[]), "a { b");
        assert_eq!(placeholders("{b} {a} {b} {}"), vec!["a", "b"]);
    }
}
