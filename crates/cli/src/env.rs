//! What the CLI takes from its environment: the passphrase, the clock and key randomness.

use tradeseal_core::{Error, Result, Timestamp};
use zeroize::Zeroizing;

pub const PASSPHRASE_ENV: &str = "TRADESEAL_PASSPHRASE";

/// The passphrase from `TRADESEAL_PASSPHRASE`, else asked on the terminal (twice when `confirm`).
pub fn passphrase(confirm: bool) -> Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(p));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|_| {
                Error::invalid(
                    "passphrase",
                    format!("no terminal to ask for it: set {PASSPHRASE_ENV}"),
                )
            })
    };
    let p = ask("Passphrase: ")?;
    if confirm && *ask("Passphrase again: ")? != *p {
        return Err(Error::invalid(
            "passphrase",
            "the two passphrases differ: run the command again",
        ));
    }
    Ok(p)
}

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_millis(ms).expect("the clock is between years 1 and 9999")
}

pub fn seed() -> Result<[u8; 32]> {
    let mut s = [0u8; 32];
    getrandom::fill(&mut s).map_err(|e| {
        Error::io(
            "reading the system's random source",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(s)
}
