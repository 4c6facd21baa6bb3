//! What the CLI takes from its environment: the passphrase, the team ledger.

use std::path::Path;
use std::sync::OnceLock;
use tradeseal_core::home::Home;
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

/// This desk's key, unlocked: from the session agent (`tradeseal unlock`) when one holds
/// it, else with the passphrase.
pub fn signer(h: &Home) -> Result<tradeseal_core::identity::Signer> {
    if let Some(seed) = crate::agent::key(h.path()) {
        if let Ok(s) = h.signer_of(&seed) {
            return Ok(s);
        }
    }
    h.unlock(&passphrase(false)?)
}

/// The team ledger given for this run (`--store`, else `TRADESEAL_STORE`).
static STORE: OnceLock<Option<String>> = OnceLock::new();

pub fn set_store(store: Option<String>) {
    let _ = STORE.set(store);
}

/// The language of the PDFs this run writes (`--lang`, else the environment's).
static LANG: OnceLock<tradeseal_core::i18n::Lang> = OnceLock::new();

pub fn set_lang(lang: tradeseal_core::i18n::Lang) {
    let _ = LANG.set(lang);
}

pub fn lang() -> tradeseal_core::i18n::Lang {
    LANG.get().copied().unwrap_or_default()
}

/// The home at `path`, writing the team ledger this run names, if it names one.
pub fn home(path: &Path) -> Result<Home> {
    Ok(Home::open(path)?.with_store(STORE.get().cloned().flatten()))
}
