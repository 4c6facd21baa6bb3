//! The clock and the OS random source, for the CLI and the app to hand to the core.
//! Nothing else in this crate calls these: domain functions take `Timestamp`s and seeds.

use crate::error::{Error, Result};
use crate::time::Timestamp;

/// The current time from the system clock.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_millis(ms).expect("the clock is between years 1 and 9999")
}

/// 32 bytes from the operating system's CSPRNG, for a new key.
pub fn random_seed() -> Result<[u8; 32]> {
    let mut s = [0u8; 32];
    getrandom::fill(&mut s).map_err(|e| {
        Error::io(
            "reading the system's random source",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(s)
}
