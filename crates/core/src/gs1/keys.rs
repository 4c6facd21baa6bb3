//! GS1 keys with a mod-10 check digit: GTIN (8, 12, 13 or 14 digits, kept as 14),
//! GLN (13) and SSCC (18).

use crate::error::{Error, Result};

/// The GS1 mod-10 check digit over `digits` (without the check digit): weights 3,1 from the right.
pub fn check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Checks `s` is `lengths` digits with a valid check digit; returns its digits.
fn digits_with_check(
    field: &str,
    name: &str,
    s: &str,
    lengths: &[usize],
    example: &str,
) -> Result<Vec<u8>> {
    let s = s.trim();
    if !s.bytes().all(|b| b.is_ascii_digit()) || !lengths.contains(&s.len()) {
        let want = lengths
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::invalid(
            field,
            format!("{s:?} is not a {name}: a {name} has {want} digits, like {example}"),
        ));
    }
    let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    let (body, last) = d.split_at(d.len() - 1);
    let want = check_digit(body);
    if last[0] != want {
        return Err(Error::invalid(field, format!("{s} has check digit {} but its first {} digits need {want}: check for a typing error", last[0], body.len())));
    }
    Ok(d)
}

gs1_string!(
    /// A Global Location Number: 13 digits with a valid check digit.
    Gln
);
gs1_string!(
    /// A Global Trade Item Number, held as GTIN-14 (shorter forms padded with zeros).
    Gtin
);
gs1_string!(
    /// A Serial Shipping Container Code: 18 digits with a valid check digit.
    Sscc
);

impl Gln {
    pub fn parse(s: &str) -> Result<Gln> {
        digits_with_check("gln", "GLN", s, &[13], "4012345000009")?;
        Ok(Gln(s.trim().to_string()))
    }
}

impl Gtin {
    /// Accepts GTIN-8, -12, -13 and -14.
    pub fn parse(s: &str) -> Result<Gtin> {
        digits_with_check("gtin", "GTIN", s, &[8, 12, 13, 14], "09506000134352")?;
        Ok(Gtin(format!("{:0>14}", s.trim())))
    }
}

impl Sscc {
    pub fn parse(s: &str) -> Result<Sscc> {
        digits_with_check("sscc", "SSCC", s, &[18], "106141412345678908")?;
        Ok(Sscc(s.trim().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_example_keys_are_valid() {
        assert!(Gln::parse("4012345000009").is_ok());
        assert!(Gln::parse("0614141000005").is_ok());
        assert!(Sscc::parse("106141412345678908").is_ok());
        assert_eq!(
            Gtin::parse("09506000134352").unwrap().as_str(),
            "09506000134352"
        );
    }

    #[test]
    fn shorter_gtins_are_padded_to_14() {
        assert_eq!(Gtin::parse("96385074").unwrap().as_str(), "00000096385074"); // GTIN-8
        assert_eq!(
            Gtin::parse("614141000036").unwrap().as_str(),
            "00614141000036"
        ); // GTIN-12
        assert_eq!(
            Gtin::parse("4006381333931").unwrap().as_str(),
            "04006381333931"
        ); // GTIN-13
    }

    #[test]
    fn a_wrong_check_digit_says_which_digit_is_expected() {
        let e = Gln::parse("4012345000008").unwrap_err().to_string();
        assert!(e.contains("need 9"), "{e}");
        assert!(Gtin::parse("09506000134353")
            .unwrap_err()
            .to_string()
            .contains("need 2"));
        assert!(Sscc::parse("106141412345678909").is_err());
    }

    #[test]
    fn wrong_lengths_and_characters_are_refused() {
        assert!(Gln::parse("40123450000").is_err());
        assert!(Gln::parse("401234500000x").is_err());
        assert!(Gtin::parse("1234567890")
            .unwrap_err()
            .to_string()
            .contains("8, 12, 13, 14 digits"));
        assert!(Sscc::parse("10614141234567890").is_err());
    }
}
