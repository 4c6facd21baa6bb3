//! What the CLI takes from its environment: the passphrase.

use tradeseal_core::{Error, Result};
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
