//! The UI's catalogues (ui/src/locales) against the English one: every key in every
//! language, with the same placeholders and plural forms, and no message left in
//! English except the ones that are the same word in that language (codes, cognates).
//! The core's catalogues (assets/locales) are checked by `tradeseal_core::i18n`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use tradeseal_core::i18n::placeholders;

const LANGUAGES: [&str; 5] = ["es", "pt", "fr", "de", "zh"];

/// Messages a language writes as English does: codes, names and cognates.
fn same_as_english(lang: &str) -> &'static [&'static str] {
    const ALL: &[&str] = &[
        "app.title",
        "event.title",
        "md.gtin",
        "md.gln",
        "labels.gtin",
        "dossier.rules.eudr",
        "dossier.rules.uflpa",
        "map.area",
        "trace.unit.mass",
    ];
    let own: &[&str] = match lang {
        "es" => &["dossier.errors.one", "trace.unit.volume", "attest.bytes"],
        "pt" => &["trace.unit.volume", "attest.bytes"],
        "fr" => &[
            "publish.certifications",
            "publish.lot",
            "publish.lotWord",
            "verify.code",
            "detail.signature",
            "nav.label",
            "timeline.lot",
            "record.action",
            "record.disposition",
            "trace.kind.lot",
            "md.party",
            "bundle.code",
            "nav.dossiers",
            "dossier.list",
            "dossier.section.parties",
            "dossier.section.transport",
            "dossier.rules.provenance",
            "dossier.decimal.point",
            "labels.lot",
            "labels.pages.one",
            "labels.pages.other",
            "scan.page",
            "certificates.lot",
            "certificates.type",
            "paper.letter",
            "recovery.org",
        ],
        "de" => &[
            "unlock.passphrase",
            "verify.code",
            "verify.problem",
            "detail.text",
            "md.name",
            "bundle.code",
            "bundle.problem",
            "nav.dossiers",
            "dossier.list",
            "dossier.f.name",
            "dossier.f.container",
            "nav.team",
            "team.col.name",
            "paper.letter",
            "recovery.org",
        ],
        _ => &[],
    };
    ALL.iter().chain(own).copied().collect::<Vec<_>>().leak()
}

fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../ui/src/locales/{lang}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_language_has_every_key_of_the_ui_translated() {
    let en = catalogue("en");
    let mut problems = Vec::new();
    for lang in LANGUAGES {
        let c = catalogue(lang);
        let same = same_as_english(lang);
        for (key, english) in &en {
            match c.get(key) {
                None => problems.push(format!("{lang}: missing {key}")),
                Some(m) if placeholders(m) != placeholders(english) => {
                    problems.push(format!("{lang}: {key}: placeholders differ from English"))
                }
                Some(m) if m == english && !same.contains(&key.as_str()) => {
                    problems.push(format!("{lang}: {key} is still English: {m:?}"))
                }
                _ => {}
            }
        }
        for key in c.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("{lang}: {key} is not an English key"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The passport pages' business steps (assets/passport/passport.js, `STEPS`) are the
/// app's words for them, in every language.
#[test]
fn the_passport_pages_name_business_steps_as_the_app_does() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let js = std::fs::read_to_string(root.join("assets/passport/passport.js")).unwrap();
    let start = js.find("const STEPS = ").expect("STEPS in passport.js") + "const STEPS = ".len();
    let end = start + js[start..].find(";\n").unwrap();
    let steps: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_str(&js[start..end]).unwrap();
    let mut langs = vec!["en"];
    langs.extend(LANGUAGES);
    for lang in langs {
        let ui = catalogue(lang);
        let mine = &steps[lang];
        assert!(mine.len() >= 40, "{lang}: {} steps", mine.len());
        for (step, word) in mine {
            assert_eq!(
                Some(word),
                ui.get(&format!("cbv.{step}")),
                "{lang}: the page's word for {step} is not the app's"
            );
        }
    }
}
