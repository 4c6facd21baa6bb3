//! Timestamps handed in by the caller; the core never reads the clock.

use crate::error::{Error, Result};
use time::{format_description::BorrowedFormatItem, macros::format_description, OffsetDateTime};

/// Milliseconds since the Unix epoch, UTC. Written as RFC 3339 with exactly three
/// fractional digits and `Z`, e.g. `2026-11-23T09:30:00.000Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(i64);

const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

impl Timestamp {
    pub fn from_unix_millis(ms: i64) -> Result<Timestamp> {
        // Years 0000..9999 only, so the text form is always the same width.
        if !(-62_135_596_800_000..=253_402_300_799_999).contains(&ms) {
            return Err(Error::invalid("time", "outside the years 0001 to 9999"));
        }
        Ok(Timestamp(ms))
    }

    pub fn unix_millis(self) -> i64 {
        self.0
    }

    pub fn to_rfc3339(self) -> String {
        let dt = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .expect("range checked on construction");
        dt.format(FORMAT)
            .expect("format is total for years 1..9999")
    }

    /// Parses the canonical form only (UTC, `Z`, three fractional digits).
    pub fn parse_canonical(s: &str) -> Result<Timestamp> {
        let pdt = time::PrimitiveDateTime::parse(s, FORMAT).map_err(|_| {
            Error::invalid(
                "time",
                format!("{s:?} is not of the form 2026-11-23T09:30:00.000Z"),
            )
        })?;
        let ns = pdt.assume_utc().unix_timestamp_nanos();
        Timestamp::from_unix_millis((ns / 1_000_000) as i64)
    }

    /// Parses any RFC 3339 time (any offset, any fractional digits), truncated to milliseconds.
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp> {
        let dt = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(
            |_| {
                Error::invalid(
                    "time",
                    format!("{s:?} is not an RFC 3339 time such as 2026-11-23T09:30:00Z"),
                )
            },
        )?;
        Timestamp::from_unix_millis((dt.unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_and_z() {
        let t = Timestamp::from_unix_millis(1_795_000_000_123).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T11:06:40.123Z");
        assert_eq!(Timestamp::parse_canonical(&t.to_rfc3339()).unwrap(), t);
    }

    #[test]
    fn rfc3339_with_offset_is_normalised_to_utc() {
        let t = Timestamp::parse_rfc3339("2026-11-23T10:30:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-23T09:30:00.000Z");
    }

    #[test]
    fn non_canonical_text_is_rejected() {
        assert!(Timestamp::parse_canonical("2026-11-23T09:30:00Z").is_err());
        assert!(Timestamp::parse_canonical("2026-11-23T09:30:00.000+00:00").is_err());
    }
}
