//! The constrained canonical GS1 Digital Link of an identifier, as the CBV 2.0 event hash
//! writes it (CBV 2.0 §8.9 rules 17 and 18): every EPC URN, EPC class and EPC pattern
//! scheme of the GS1 Tag Data Standard 2.x, and Digital Links on any host, become
//! `https://id.gs1.org/...` at their finest level, without CPV or query string.
//!
//! The patterns follow GS1's reference tool (epcis-event-hash-generator 1.9.3,
//! `dl_normaliser.py`) so that both give an identifier the same text: an identifier the
//! tool does not recognise is left as written here too.

use std::sync::LazyLock;

use regex::Regex;

const BASE: &str = "https://id.gs1.org";

/// One character of an EPC URN serial (GS1 character set 82, `%`-escaped where TDS asks).
const C82: &str = r"(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
/// One character of a component/part reference (CPI, GS1 character set 39).
const C39: &str = r"(?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])";
/// A character that may stand in a canonical Digital Link value.
const DLC: &str = r#"["'\-.0-9;-?A-Z_a-z]"#;

/// `cp.ref` with the company prefix 6 to 12 digits and the two together `total` digits.
fn cp_ref(total: usize) -> String {
    (6..=12)
        .map(|cp| format!(r"\d{{{cp}}}\.\d{{{}}}", total - cp))
        .collect::<Vec<_>>()
        .join("|")
}

/// As `cp_ref`, with the TDS form `cp..` (empty reference) for a 12-digit prefix.
fn cp_ref_dots(total: usize) -> String {
    let mut v: Vec<String> = (6..=11)
        .map(|cp| format!(r"\d{{{cp}}}\.\d{{{}}}", total - cp))
        .collect();
    v.push(r"\d{12}\.".into());
    v.join("|")
}

/// As `cp_ref`, with the form `cp..` for a 12-digit prefix (the tool's pattern URNs).
fn cp_ref_2dots(total: usize) -> String {
    let mut v: Vec<String> = (6..=11)
        .map(|cp| format!(r"\d{{{cp}}}\.\d{{{}}}", total - cp))
        .collect();
    v.push(r"\d{12}\.\.".into());
    v.join("|")
}

/// `cp.value` with a variable-length value: `total` characters for both together.
fn cp_var(total: usize, chars: &str) -> String {
    (6..=12)
        .map(|cp| format!(r"\d{{{cp}}}\.{chars}{{1,{}}}", total - cp))
        .collect::<Vec<_>>()
        .join("|")
}

fn re(p: String) -> Regex {
    Regex::new(&p).expect("the identifier patterns are valid")
}

struct Patterns {
    sgtin: Regex,
    sscc: Regex,
    sgln: Regex,
    grai: Regex,
    giai: Regex,
    gsrn: Regex,
    gsrnp: Regex,
    gdti: Regex,
    cpi: Regex,
    sgcn: Regex,
    ginc: Regex,
    gsin: Regex,
    itip: Regex,
    upui: Regex,
    pgln: Regex,
    lgtin: Regex,
    pat_sgtin: Regex,
    pat_grai: Regex,
    pat_gdti: Regex,
    pat_sgcn: Regex,
    pat_cpi: Regex,
    pat_itip: Regex,
    pat_upui: Regex,
    dl: Regex,
    canonical: Regex,
    gtin14: Regex,
    gtin13: Regex,
    gtin12: Regex,
    gtin8: Regex,
    cpv_last: Regex,
    cpv_then: Regex,
    lot_and_serial: Regex,
    valid: Vec<Regex>,
}

static P: LazyLock<Patterns> = LazyLock::new(|| {
    Patterns {
    sgtin: re(format!(r"^urn:epc:id:sgtin:(?:{})\.{C82}{{1,20}}$", cp_ref(13))),
    sscc: re(format!(r"^urn:epc:id:sscc:(?:{})$", cp_ref(17))),
    sgln: re(format!(r"^urn:epc:id:sgln:(?:{})\.{C82}{{1,20}}$", cp_ref_dots(12))),
    grai: re(format!(
        r"^urn:epc:id:grai:(?:{}|\d{{12}}\.\.)\.{C82}{{1,16}}$",
        (6..=11)
            .map(|cp| format!(r"\d{{{cp}}}\.\d{{{}}}", 12 - cp))
            .collect::<Vec<_>>()
            .join("|")
    )),
    giai: re(format!(r"^urn:epc:id:giai:(?:{})$", cp_var(30, C82))),
    gsrn: re(format!(r"^urn:epc:id:gsrn:(?:{})$", cp_ref(17))),
    gsrnp: re(format!(r"^urn:epc:id:gsrnp:(?:{})$", cp_ref(17))),
    gdti: re(format!(
        r"^urn:epc:id:gdti:(?:{}|\d{{12}}\.\.){C82}{{1,20}}$",
        (6..=11)
            .map(|cp| format!(r"\d{{{cp}}}\.\d{{{}}}", 12 - cp))
            .collect::<Vec<_>>()
            .join("|")
    )),
    cpi: re(format!(r"^urn:epc:id:cpi:(?:{})\.\d{{1,12}}$", cp_var(30, C39))),
    sgcn: re(format!(r"^urn:epc:id:sgcn:(?:{})\.\d{{1,12}}$", cp_ref_dots(12))),
    ginc: re(format!(r"^urn:epc:id:ginc:(?:{})$", cp_var(30, C82))),
    gsin: re(format!(r"^urn:epc:id:gsin:(?:{})$", cp_ref(16))),
    itip: re(format!(
        r"^urn:epc:id:itip:(?:{})\.\d{{2}}\.\d{{2}}\.{C82}{{1,20}}$",
        cp_ref(13)
    )),
    upui: re(format!(r"^urn:epc:id:upui:(?:{})\.{C82}{{1,28}}$", cp_ref(13))),
    pgln: re(format!(r"^urn:epc:id:pgln:(?:{})$", cp_ref_dots(12))),
    lgtin: re(format!(r"^urn:epc:class:lgtin:(?:{})\.{C82}{{1,20}}$", cp_ref(13))),
    pat_sgtin: re(format!(r"^urn:epc:idpat:sgtin:(?:{})\.\*$", cp_ref(13))),
    pat_grai: re(format!(r"^urn:epc:idpat:grai:(?:{})\.\*$", cp_ref_2dots(12))),
    pat_gdti: re(format!(r"^urn:epc:idpat:gdti:(?:{})\.\*$", cp_ref_2dots(12))),
    pat_sgcn: re(format!(r"^urn:epc:idpat:sgcn:(?:{})\.\*$", cp_ref_2dots(12))),
    pat_cpi: re(format!(r"^urn:epc:idpat:cpi:(?:{})\.\*$", cp_var(30, C39))),
    pat_itip: re(format!(
        r"^urn:epc:idpat:itip:(?:{})\.\d{{2}}\.\d{{2}}\.\*$",
        cp_ref(13)
    )),
    pat_upui: re(format!(r"^urn:epc:idpat:upui:(?:{})\.\*$", cp_ref(13))),
    dl: re(r"^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?((([^?#]*)(/(01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai)/)(\d{4}[^/]+)(/[^/]+/[^/]+)?/?(\?([^?\n]*))?(#([^\n]*))?)|(/[A-Za-z_-]{10}$))".into()),
    canonical: re(r"^(?:https://id.gs1.org/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/(\d{4}[^/]+)(/[^/]+/[^/]+)?/?(\?([^?\n]*))?(#([^\n]*))?|(/[A-Za-z_-]{10}$))".into()),
    gtin14: re(r"^https://id.gs1.org/01/\d{14}".into()),
    gtin13: re(r"^https://id.gs1.org/01/\d{13}".into()),
    gtin12: re(r"^https://id.gs1.org/01/\d{12}".into()),
    gtin8: re(r"^https://id.gs1.org/01/\d{8}".into()),
    cpv_last: re(format!(
        r"^https://id.gs1.org/(?:8006/\d{{18}}|01/\d{{14}})/22/{DLC}{{0,20}}$"
    )),
    cpv_then: re(format!(
        r#"^https://id.gs1.org/(?:8006/\d{{18}}|01/\d{{14}})/22/["'\-./0-9;-?A-Z_a-z]{{0,20}}$"#
    )),
    lot_and_serial: re(format!(
        r"^https://id.gs1.org/(?:8006/\d{{18}}|01/\d{{14}})/10/{DLC}{{0,20}}/21/{DLC}{{0,20}}$"
    )),
    valid: [
        r"^https://id.gs1.org/00/\d{18}$".to_string(),
        format!(r"^https://id.gs1.org/01/\d{{14}}/21/{DLC}{{0,20}}$"),
        format!(r"^https://id.gs1.org/01/\d{{14}}/10/{DLC}{{0,20}}$"),
        r"^https://id.gs1.org/01/\d{14}$".to_string(),
        format!(r"^https://id.gs1.org/01/\d{{14}}/235/{DLC}{{0,28}}$"),
        format!(r"^https://id.gs1.org/253/\d{{13}}{DLC}{{0,17}}$"),
        r"^https://id.gs1.org/255/\d{13}\d{0,12}$".to_string(),
        format!(r"^https://id.gs1.org/401/{DLC}{{0,30}}$"),
        r"^https://id.gs1.org/402/\d{17}$".to_string(),
        r"^https://id.gs1.org/414/\d{13}$".to_string(),
        format!(r"^https://id.gs1.org/414/\d{{13}}/254/{DLC}{{0,20}}$"),
        r"^https://id.gs1.org/417/\d{13}$".to_string(),
        format!(r"^https://id.gs1.org/8003/\d{{14}}{DLC}{{0,16}}$"),
        format!(r"^https://id.gs1.org/8004/{DLC}{{0,30}}$"),
        format!(r"^https://id.gs1.org/8006/\d{{18}}/21/{DLC}{{0,20}}$"),
        format!(r"^https://id.gs1.org/8006/\d{{18}}/10/{DLC}{{0,20}}$"),
        r"^https://id.gs1.org/8006/\d{18}$".to_string(),
        r"^https://id.gs1.org/8010/[#\-/0-9A-Z]{0,30}/8011/\d{0,12}$".to_string(),
        r"^https://id.gs1.org/8010/[#\-/0-9A-Z]{0,30}$".to_string(),
        r"^https://id.gs1.org/8017/\d{18}$".to_string(),
        r"^https://id.gs1.org/8018/\d{18}$".to_string(),
    ]
    .into_iter()
    .map(re)
    .collect(),
}
});

/// The GS1 check digit (mod 10, weights 3 and 1 from the right) of a key without it.
fn check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
}

fn with_check(digits: String) -> String {
    let c = check_digit(&digits);
    format!("{digits}{c}")
}

/// Digital Link path values keep EPC escapes; these characters are escaped besides.
fn web_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '!' => out.push_str("%21"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '*' => out.push_str("%2A"),
            '+' => out.push_str("%2B"),
            ',' => out.push_str("%2C"),
            ':' => out.push_str("%3A"),
            c => out.push(c),
        }
    }
    out
}

/// The part of `urn` after its scheme name, split at dots.
fn fields<'a>(urn: &'a str, scheme: &str) -> Vec<&'a str> {
    urn[scheme.len()..].split('.').collect()
}

/// `indicator + company prefix + item reference` (GTIN-13 body) from `cp` and `iref`.
fn gtin_body(cp: &str, iref: &str) -> String {
    format!("{}{cp}{}", &iref[..1], &iref[1..])
}

/// The canonical Digital Link of an EPC URN, EPC class or EPC pattern; `None` when `urn`
/// is none of those (or not well formed).
pub fn from_epc(urn: &str) -> Option<String> {
    // Every pattern begins `urn:epc:`.
    if !urn.starts_with("urn:epc:") {
        return None;
    }
    // Events name the same places, parties and lots again and again: each thread keeps
    // the identifiers it converted last (bounded), so the patterns run once for each.
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<String, Option<String>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    const MEMO_MAX: usize = 4096;
    if let Some(hit) = MEMO.with(|m| m.borrow().get(urn).cloned()) {
        return hit;
    }
    let out = convert_epc(urn);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_MAX {
            m.clear();
        }
        m.insert(urn.to_string(), out.clone());
    });
    out
}

fn convert_epc(urn: &str) -> Option<String> {
    let p = &*P;
    // Each pattern is anchored on its scheme's prefix: tried only when the URN has it.
    let m = |prefix: &str, r: &Regex| urn.starts_with(prefix) && r.is_match(urn);
    let rest_after = |prefix: &str| urn.strip_prefix(prefix).map(str::to_string);
    if m("urn:epc:id:sgtin:", &p.sgtin) {
        let f = fields(urn, "urn:epc:id:sgtin:");
        let serial = urn["urn:epc:id:sgtin:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(gtin_body(f[0], f[1]));
        return Some(format!("{BASE}/01/{g}/21/{}", web_escape(&serial)));
    }
    if m("urn:epc:id:sscc:", &p.sscc) {
        let f = fields(urn, "urn:epc:id:sscc:");
        let s = with_check(format!("{}{}{}", &f[1][..1], f[0], &f[1][1..]));
        return Some(format!("{BASE}/00/{s}"));
    }
    if m("urn:epc:id:sgln:", &p.sgln) {
        let f = fields(urn, "urn:epc:id:sgln:");
        let ext = urn["urn:epc:id:sgln:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(format!("{}{}", f[0], f[1]));
        return Some(if ext == "0" {
            format!("{BASE}/414/{g}")
        } else {
            format!("{BASE}/414/{g}/254/{}", web_escape(&ext))
        });
    }
    if m("urn:epc:id:grai:", &p.grai) {
        let f = fields(urn, "urn:epc:id:grai:");
        let serial = urn["urn:epc:id:grai:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(format!("0{}{}", f[0], f[1]));
        return Some(format!("{BASE}/8003/{g}{}", web_escape(&serial)));
    }
    if m("urn:epc:id:giai:", &p.giai) {
        let rest = rest_after("urn:epc:id:giai:")?;
        let (cp, asset) = rest.split_once('.')?;
        return Some(format!("{BASE}/8004/{cp}{}", web_escape(asset)));
    }
    if m("urn:epc:id:gsrn:", &p.gsrn) || m("urn:epc:id:gsrnp:", &p.gsrnp) {
        let (scheme, ai) = if m("urn:epc:id:gsrn:", &p.gsrn) {
            ("urn:epc:id:gsrn:", "8018")
        } else {
            ("urn:epc:id:gsrnp:", "8017")
        };
        let f = fields(urn, scheme);
        return Some(format!(
            "{BASE}/{ai}/{}",
            with_check(format!("{}{}", f[0], f[1]))
        ));
    }
    if m("urn:epc:id:gdti:", &p.gdti) {
        let f = fields(urn, "urn:epc:id:gdti:");
        let serial = urn["urn:epc:id:gdti:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(format!("{}{}", f[0], f[1]));
        return Some(format!("{BASE}/253/{g}{}", web_escape(&serial)));
    }
    if m("urn:epc:id:cpi:", &p.cpi) {
        let rest = rest_after("urn:epc:id:cpi:")?;
        let (cp, tail) = rest.split_once('.')?;
        let (part, serial) = tail.rsplit_once('.')?;
        return Some(format!(
            "{BASE}/8010/{}/8011/{serial}",
            web_escape(&format!("{cp}{part}"))
        ));
    }
    if m("urn:epc:id:sgcn:", &p.sgcn) {
        let f = fields(urn, "urn:epc:id:sgcn:");
        let serial = &urn["urn:epc:id:sgcn:".len() + f[0].len() + f[1].len() + 2..];
        let g = with_check(format!("{}{}", f[0], f[1]));
        return Some(format!("{BASE}/255/{g}{serial}"));
    }
    if m("urn:epc:id:ginc:", &p.ginc) {
        let rest = rest_after("urn:epc:id:ginc:")?;
        let (cp, r) = rest.split_once('.')?;
        return Some(format!("{BASE}/401/{cp}{}", web_escape(r)));
    }
    if m("urn:epc:id:gsin:", &p.gsin) {
        let f = fields(urn, "urn:epc:id:gsin:");
        return Some(format!(
            "{BASE}/402/{}",
            with_check(format!("{}{}", f[0], f[1]))
        ));
    }
    if m("urn:epc:id:itip:", &p.itip) {
        let f = fields(urn, "urn:epc:id:itip:");
        let serial = urn["urn:epc:id:itip:".len() + f[0].len() + f[1].len() + 8..].to_string();
        let g = with_check(gtin_body(f[0], f[1]));
        return Some(format!(
            "{BASE}/8006/{g}{}{}/21/{}",
            f[2],
            f[3],
            web_escape(&serial)
        ));
    }
    if m("urn:epc:id:upui:", &p.upui) {
        let f = fields(urn, "urn:epc:id:upui:");
        let serial = urn["urn:epc:id:upui:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(gtin_body(f[0], f[1]));
        return Some(format!("{BASE}/01/{g}/235/{}", web_escape(&serial)));
    }
    if m("urn:epc:id:pgln:", &p.pgln) {
        let f = fields(urn, "urn:epc:id:pgln:");
        return Some(format!(
            "{BASE}/417/{}",
            with_check(format!("{}{}", f[0], f[1]))
        ));
    }
    if m("urn:epc:class:lgtin:", &p.lgtin) {
        let f = fields(urn, "urn:epc:class:lgtin:");
        let lot = urn["urn:epc:class:lgtin:".len() + f[0].len() + f[1].len() + 2..].to_string();
        let g = with_check(gtin_body(f[0], f[1]));
        return Some(format!("{BASE}/01/{g}/10/{}", web_escape(&lot)));
    }
    if m("urn:epc:idpat:sgtin:", &p.pat_sgtin) || m("urn:epc:idpat:upui:", &p.pat_upui) {
        let scheme = if m("urn:epc:idpat:sgtin:", &p.pat_sgtin) {
            "urn:epc:idpat:sgtin:"
        } else {
            "urn:epc:idpat:upui:"
        };
        let f = fields(urn, scheme);
        return Some(format!("{BASE}/01/{}", with_check(gtin_body(f[0], f[1]))));
    }
    if m("urn:epc:idpat:grai:", &p.pat_grai) {
        let f = fields(urn, "urn:epc:idpat:grai:");
        return Some(format!(
            "{BASE}/8003/{}",
            with_check(format!("0{}{}", f[0], f[1]))
        ));
    }
    if m("urn:epc:idpat:gdti:", &p.pat_gdti) || m("urn:epc:idpat:sgcn:", &p.pat_sgcn) {
        let (scheme, ai) = if m("urn:epc:idpat:gdti:", &p.pat_gdti) {
            ("urn:epc:idpat:gdti:", "253")
        } else {
            ("urn:epc:idpat:sgcn:", "255")
        };
        let f = fields(urn, scheme);
        return Some(format!(
            "{BASE}/{ai}/{}",
            with_check(format!("{}{}", f[0], f[1]))
        ));
    }
    if m("urn:epc:idpat:cpi:", &p.pat_cpi) {
        let rest = rest_after("urn:epc:idpat:cpi:")?;
        let (cp, tail) = rest.split_once('.')?;
        let (part, _) = tail.rsplit_once('.')?;
        return Some(format!(
            "{BASE}/8010/{}",
            web_escape(&format!("{cp}{part}"))
        ));
    }
    if m("urn:epc:idpat:itip:", &p.pat_itip) {
        let f = fields(urn, "urn:epc:idpat:itip:");
        let g = with_check(gtin_body(f[0], f[1]));
        return Some(format!("{BASE}/8006/{g}{}{}", f[2], f[3]));
    }
    None
}

static OTHER_SCHEMES: LazyLock<[Regex; 8]> = LazyLock::new(|| {
    [
        r"^urn:epc:id:gid:\d{1,9}\.\d{1,8}\.\d{1,11}$",
        r"^urn:epc:idpat:gid:\d{1,9}\.(?:\d{1,8}\.\*|\*\.\*)$",
        r"^urn:epc:id:usdod:[0-9A-Z ]{5,6}\.\d{1,11}$",
        r"^urn:epc:idpat:usdod:[0-9A-Z ]{5,6}\.\*$",
        r"^urn:epc:id:adi:[0-9A-Z]{5,6}\.(?:[0-9A-Z\-]|%2F){0,32}\.%23?(?:[0-9A-Z\-]|%2F){1,30}$",
        r"^urn:epc:idpat:adi:[0-9A-Z]{5,6}\.(?:(?:[0-9A-Z\-]|%2F){0,32}\.)?\*(?:\.\*)?$",
        r"^urn:epc:id:bic:[A-Z]{3}[JUZ]\d{7}$",
        r"^urn:epc:id:imovn:\d{7}$",
    ]
    .map(|p| Regex::new(p).expect("the scheme patterns are valid"))
});

/// For EPC URNs of the Tag Data Standard's schemes that are not GS1 keys (GID, US DoD,
/// ADI, BIC containers, IMO vessel numbers): `Some(is_pattern)` when `urn` is well formed.
pub fn other_scheme(urn: &str) -> Option<bool> {
    OTHER_SCHEMES
        .iter()
        .find(|r| r.is_match(urn))
        .map(|_| urn.starts_with("urn:epc:idpat:"))
}

/// Short names of Digital Link keys and qualifiers, and their application identifiers.
const SHORT_NAMES: [(&str, &str); 17] = [
    ("/gtin/", "/01/"),
    ("/itip/", "/8006/"),
    ("/cpid/", "/8010/"),
    ("/gln/", "/414/"),
    ("/party/", "/417/"),
    ("/gsrnp/", "/8017/"),
    ("/gsrn/", "/8018/"),
    ("/gcn/", "/255/"),
    ("/sscc/", "/00/"),
    ("/gdti/", "/253/"),
    ("/ginc/", "/401/"),
    ("/gsin/", "/402/"),
    ("/grai/", "/8003/"),
    ("/giai/", "/8004/"),
    ("/cpv/", "/22/"),
    ("/lot/", "/10/"),
    ("/ser/", "/21/"),
];

/// Keys looked for, in this order, when a Digital Link is moved to `id.gs1.org`.
const KEYS: [&str; 14] = [
    "/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/", "/8004/",
    "/8006/", "/8010/", "/8017/", "/8018/",
];

/// The constrained canonical form of a GS1 Digital Link URI on any host; `None` when `uri`
/// is not a Digital Link of a key the event hash knows, or not one it can make canonical.
pub fn from_link(uri: &str) -> Option<String> {
    let p = &*P;
    if !uri.contains('.') || !p.dl.is_match(uri) {
        return None;
    }
    let mut u = uri.split('?').next().unwrap_or(uri).to_string();
    for (from, to) in SHORT_NAMES {
        u = u.replace(from, to);
    }
    if !p.canonical.is_match(&u) {
        if let Some(i) = KEYS.iter().find_map(|k| u.find(k)) {
            u = format!("{BASE}{}", &u[i..]);
        }
    }
    if !p.gtin14.is_match(&u) {
        if p.gtin13.is_match(&u) {
            u = u.replace("/01/", "/01/0");
        } else if p.gtin12.is_match(&u) {
            u = u.replace("/01/", "/01/00");
        } else if p.gtin8.is_match(&u) {
            u = u.replace("/01/", "/01/000000");
        }
    }
    // Without the consumer product variant (AI 22) …
    if let Some(at) = u.find("/22/") {
        if p.cpv_last.is_match(&u) {
            u.truncate(at);
        } else if p.cpv_then.is_match(&u) {
            let x = &u[at + 4..];
            let i = x
                .find('/')
                .expect("the pattern has a slash after the variant");
            u = format!("{}{}", &u[..at], &x[i..]);
        }
    }
    // … and with a serial, without the lot.
    if p.lot_and_serial.is_match(&u) {
        if let Some(l) = u.find("/10/") {
            let y = &u[l + 4..];
            if let Some(i) = y.find('/') {
                u = format!("{}{}", &u[..l], &y[i..]);
            }
        }
    }
    p.valid.iter().any(|r| r.is_match(&u)).then_some(u)
}
