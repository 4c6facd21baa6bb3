//! Lot (AI 10) and serial (AI 21) values: 1 to 20 characters of GS1's AI encodable
//! character set 82 (GS1 General Specifications, figure 7.11-1).

use crate::error::{Error, Result};

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

gs1_string!(
    /// A batch or lot number (AI 10).
    Lot
);
gs1_string!(
    /// A serial number (AI 21).
    Serial
);

impl Lot {
    pub fn parse(s: &str) -> Result<Lot> {
        check("lot", "10", s)?;
        Ok(Lot(s.to_string()))
    }
}

impl Serial {
    pub fn parse(s: &str) -> Result<Serial> {
        check("serial", "21", s)?;
        Ok(Serial(s.to_string()))
    }
}

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
