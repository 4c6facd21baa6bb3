//! GS1 keys this issue needs: the GLN of the organisation (mod-10 check digit).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// A Global Location Number: 13 digits with a valid check digit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gln(String);

impl Gln {
    pub fn parse(s: &str) -> Result<Gln> {
        let s = s.trim();
        if s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                "gln",
                format!("{s:?} is not 13 digits; a GLN looks like 4012345000009"),
            ));
        }
        let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        let want = check_digit(&d[..12]);
        if d[12] != want {
            return Err(Error::invalid("gln", format!("{s} has check digit {} but its first 12 digits need {want}: check for a typing error", d[12])));
        }
        Ok(Gln(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Gln {
    type Error = Error;
    fn try_from(s: String) -> Result<Gln> {
        Gln::parse(&s)
    }
}

impl From<Gln> for String {
    fn from(g: Gln) -> String {
        g.0
    }
}

impl fmt::Display for Gln {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_example_gln_is_valid() {
        assert!(Gln::parse("4012345000009").is_ok());
        assert!(Gln::parse("0614141000005").is_ok());
    }

    #[test]
    fn a_wrong_check_digit_says_which_digit_is_expected() {
        let e = Gln::parse("4012345000008").unwrap_err().to_string();
        assert!(e.contains("need 9"), "{e}");
        assert!(Gln::parse("40123450000").is_err());
        assert!(Gln::parse("401234500000x").is_err());
    }
}
