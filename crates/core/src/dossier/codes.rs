//! The code lists and identifier formats a declaration uses: Incoterms 2020, ISO 4217
//! currencies and ISO 3166-1 countries (maintained crates), UN/LOCODE, ISO 6346
//! container numbers, EORI, CBP entry numbers, EU customs offices and references.

/// The eleven Incoterms 2020 rules.
pub const INCOTERMS_2020: [&str; 11] = [
    "EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF",
];

/// Rules for sea and inland waterway transport only.
pub const INCOTERMS_SEA: [&str; 4] = ["FAS", "FOB", "CFR", "CIF"];

pub fn is_country(code: &str) -> bool {
    code.len() == 2 && rust_iso3166::from_alpha2(code).is_some()
}

/// An ISO 3166-1 alpha-2 country, or `XI` (Northern Ireland, used by EORI and UK
/// customs in place of GB).
pub fn is_customs_country(code: &str) -> bool {
    code == "XI" || is_country(code)
}

/// Minor-unit digits of an ISO 4217 currency (`None`: not a currency).
pub fn currency_exponent(code: &str) -> Option<u32> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let c = iso_currency::Currency::from_code(code)?;
    Some(c.exponent().unwrap_or(0) as u32)
}

/// UN/LOCODE: a country and three characters of A-Z, 2-9 (`DEHAM`, `USNYC`); a space
/// between the parts is tolerated in input and not part of the code.
pub fn locode_parts(code: &str) -> Option<(&str, &str)> {
    let (cc, place) = if code.len() == 6 && code.as_bytes()[2] == b' ' {
        (&code[..2], &code[3..])
    } else if code.len() == 5 && code.is_ascii() {
        (&code[..2], &code[2..])
    } else {
        return None;
    };
    let letters = cc.bytes().all(|b| b.is_ascii_uppercase());
    let place_ok = place
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(&b));
    (letters && place_ok).then_some((cc, place))
}

fn iso6346_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'A'..=b'Z' => {
            // A = 10, counting up and skipping the multiples of 11.
            let mut v = 10;
            let mut letter = b'A';
            while letter < c {
                v += 1;
                if v % 11 == 0 {
                    v += 1;
                }
                letter += 1;
            }
            Some(v)
        }
        _ => None,
    }
}

/// The ISO 6346 check digit of the first ten characters (owner code, category,
/// serial number), or `None` if they are not in the right form.
pub fn iso6346_check_digit(first10: &str) -> Option<u8> {
    let b = first10.as_bytes();
    if b.len() != 10
        || !b[..3].iter().all(u8::is_ascii_uppercase)
        || !matches!(b[3], b'U' | b'J' | b'Z')
        || !b[4..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in b.iter().enumerate() {
        sum += iso6346_value(c)? << i;
    }
    Some(((sum % 11) % 10) as u8)
}

/// Why a container number is wrong, if it is.
pub fn container_problem(number: &str) -> Option<String> {
    let b = number.as_bytes();
    if b.len() != 11 {
        return Some(format!(
            "an ISO 6346 container number has 11 characters (4 letters, 7 digits), not {}",
            number.chars().count()
        ));
    }
    let Some(expected) = iso6346_check_digit(&number[..10]) else {
        return Some("write 3 letters of the owner code, the category U, J or Z, and 6 digits of the serial number, then the check digit".into());
    };
    if !b[10].is_ascii_digit() {
        return Some("the last character is the check digit".into());
    }
    let given = b[10] - b'0';
    (given != expected)
        .then(|| format!("the check digit is {expected}, not {given}: a character was mistyped"))
}

/// EORI: the issuing country and up to 15 letters or digits (17 characters at most).
pub fn eori_problem(eori: &str) -> Option<String> {
    let b = eori.as_bytes();
    if b.len() < 3 || b.len() > 17 || !eori.is_ascii() {
        return Some("an EORI number is a country code and 1 to 15 letters or digits".into());
    }
    let cc = &eori[..2];
    if !is_customs_country(cc) {
        return Some(format!(
            "it starts with {cc:?}, which is not a country code"
        ));
    }
    if !b[2..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("after the country code, only capital letters and digits".into());
    }
    if cc == "GB" || cc == "XI" {
        let rest = &eori[2..];
        if !(rest.len() == 12 || rest.len() == 15) || !rest.bytes().all(|c| c.is_ascii_digit()) {
            return Some(format!("a {cc} EORI is {cc} and 12 (or 15) digits"));
        }
    }
    None
}

/// CBP entry number (19 CFR 142.3a): a three-character filer code, a seven-digit
/// entry serial and a check digit, written `ABC-1234567-8` or without the dashes.
pub fn entry_number_problem(n: &str) -> Option<String> {
    let compact: String = n.chars().filter(|c| *c != '-').collect();
    let dashes_ok =
        !n.contains('-') || (n.len() == 13 && n.as_bytes()[3] == b'-' && n.as_bytes()[11] == b'-');
    let b = compact.as_bytes();
    let ok = dashes_ok
        && b.len() == 11
        && b[..3]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[3..].iter().all(u8::is_ascii_digit);
    (!ok).then(|| "a CBP entry number is the 3-character filer code, 7 digits and a check digit: ABC-1234567-8".into())
}

/// An EU customs office reference (two-letter country, six characters: `DE004700`)
/// or a US port code (four digits: `4601`).
pub fn office_problem(code: &str) -> Option<String> {
    let b = code.as_bytes();
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() == 8
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        let cc = &code[..2];
        return (!is_customs_country(cc))
            .then(|| format!("it starts with {cc:?}, which is not a country code"));
    }
    Some("an EU customs office is the country and six characters (DE004700); a US port is four digits (4601)".into())
}

/// The local reference number: 1 to 22 characters of letters, digits and `-/._`.
pub fn lrn_problem(lrn: &str) -> Option<String> {
    let ok = !lrn.is_empty()
        && lrn.len() <= 22
        && lrn
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-/._".contains(&c));
    (!ok).then(|| "1 to 22 characters: letters, digits and - / . _".into())
}

/// EU declaration type (box 1: `EX`, `IM`, `CO`, `EU`, then optionally one letter) or a
/// CBP entry type (two digits).
pub fn declaration_type_problem(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let eu = b.len() >= 2
        && b.len() <= 3
        && matches!(&t[..2], "EX" | "IM" | "CO" | "EU")
        && b[2..].iter().all(u8::is_ascii_uppercase);
    let us = b.len() == 2 && b.iter().all(u8::is_ascii_digit);
    (!(eu || us)).then(|| "EU: EX, IM, CO or EU, optionally with a letter (EXA, IMZ); US: the two-digit entry type (01)".into())
}

/// UN/ECE Recommendation 19 transport modes.
pub fn transport_mode(code: &str) -> Option<&'static str> {
    Some(match code {
        "0" => "not stated",
        "1" => "sea",
        "2" => "rail",
        "3" => "road",
        "4" => "air",
        "5" => "post",
        "7" => "fixed installation",
        "8" => "inland waterway",
        "9" => "own propulsion",
        _ => return None,
    })
}

/// A CSV field, quoted where it must be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// YYYY-MM-DD, a real date.
pub fn is_date(s: &str) -> bool {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, &fmt).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso6346_check_digits_of_published_examples() {
        // ISO 6346 Annex A and BIC's examples.
        assert_eq!(iso6346_check_digit("CSQU305438"), Some(3));
        assert_eq!(iso6346_check_digit("MSKU907032"), Some(3));
        assert_eq!(iso6346_check_digit("TOLU473478"), Some(7));
        assert_eq!(container_problem("CSQU3054383"), None);
        assert!(container_problem("CSQU3054384")
            .unwrap()
            .contains("check digit is 3"));
        assert!(container_problem("CSQX3054383").is_some());
        assert!(container_problem("CSQU305438").is_some());
    }

    #[test]
    fn formats() {
        assert_eq!(eori_problem("DE123456789012345"), None);
        assert_eq!(eori_problem("GB123456789000"), None);
        assert!(eori_problem("GB12345").is_some());
        assert!(eori_problem("QQ12345").is_some());
        assert!(eori_problem("de123").is_some());
        assert_eq!(entry_number_problem("ABC-1234567-8"), None);
        assert_eq!(entry_number_problem("A1C12345678"), None);
        assert!(entry_number_problem("ABC-123456-8").is_some());
        assert!(entry_number_problem("AB-11234567-8").is_some());
        assert_eq!(locode_parts("DEHAM"), Some(("DE", "HAM")));
        assert_eq!(locode_parts("US NYC"), Some(("US", "NYC")));
        assert!(locode_parts("DEHA1").is_none());
        assert!(locode_parts("dEHAM").is_none());
        assert_eq!(currency_exponent("EUR"), Some(2));
        assert_eq!(currency_exponent("JPY"), Some(0));
        assert_eq!(currency_exponent("KWD"), Some(3));
        assert_eq!(currency_exponent("EURO"), None);
        assert_eq!(currency_exponent("eur"), None);
        assert!(is_country("CO") && !is_country("XX") && is_customs_country("XI"));
        assert_eq!(office_problem("DE004700"), None);
        assert_eq!(office_problem("4601"), None);
        assert!(office_problem("ZZ004700").is_some());
        assert!(is_date("2026-02-28") && !is_date("2026-02-30") && !is_date("26-2-3"));
        assert_eq!(declaration_type_problem("EXA"), None);
        assert_eq!(declaration_type_problem("01"), None);
        assert!(declaration_type_problem("XX").is_some());
    }
}
