//! Lot (AI 10) and serial (AI 21) values: 1 to 20 characters of GS1's AI encodable
//! character set 82 (GS1 General Specifications, figure 7.11-1).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// True for the 82 characters GS1 allows in alphanumeric application identifiers.
pub fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

fn check(field: &str, ai: &str, s: &str) -> Result<()> {
    if s.is_empty() || s.chars().count() > 20 {
        return Err(Error::invalid(
            field,
            format!(
                "a {field} (AI {ai}) has 1 to 20 characters, {s:?} has {}",
                s.chars().count()
            ),
        ));
    }
    if let Some(c) = s.chars().find(|c| !is_cset82(*c)) {
        return Err(Error::invalid(field, format!("{c:?} is not allowed in a {field} (AI {ai}): use letters, digits and !\"%&'()*+,-./:;<=>?_")));
    }
    Ok(())
}

macro_rules! attribute {
    ($name:ident, $field:literal, $ai:literal) => {
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<$name> {
                check($field, $ai, s)?;
                Ok($name(s.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<$name> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

attribute!(Lot, "lot", "10");
attribute!(Serial, "serial", "21");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_and_serials_take_the_82_character_set_up_to_20() {
        assert!(Lot::parse("L-2026/117").is_ok());
        assert!(
            Serial::parse("ABC%&'()*+,-./:;<=>?_").is_err(),
            "21 characters"
        );
        assert!(Serial::parse("ABC%&'()*+,-./:;<=>?").is_ok());
        assert!(Lot::parse("").is_err());
        assert!(Lot::parse("lot 1").unwrap_err().to_string().contains("' '"));
        assert!(Lot::parse("lötz").is_err());
        assert!(Serial::parse("#1").is_err());
    }
}
