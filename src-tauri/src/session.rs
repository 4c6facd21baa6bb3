//! What the app holds between commands: the home folder and, once unlocked, the signer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tradeseal_core::error::UiError;
use tradeseal_core::home::Home;
use tradeseal_core::identity::IdentityCard;
use tradeseal_core::identity::Signer;
use tradeseal_core::Error;

pub struct Session {
    pub path: PathBuf,
    pub unlocked: Mutex<Option<Unlocked>>,
    /// Set to stop a running bundle verification.
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The last bundle verified: its path, report and file SHA-256 (for "Save report").
    pub last_bundle: Arc<Mutex<Option<(PathBuf, tradeseal_core::bundle::BundleReport, String)>>>,
}

#[derive(Clone)]
pub struct Unlocked {
    pub home: Home,
    pub signer: Arc<Signer>,
}

impl Unlocked {
    /// Decrypts the home's key with `passphrase`.
    pub fn open(home: Home, passphrase: &str) -> Result<Unlocked, Error> {
        let signer = Arc::new(home.unlock(passphrase)?);
        Ok(Unlocked { home, signer })
    }
}

impl Session {
    pub fn new(path: PathBuf) -> Session {
        Session {
            path,
            unlocked: Mutex::new(None),
            cancel: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            last_bundle: Arc::new(Mutex::new(None)),
        }
    }

    /// The unlocked home, or the error the UI answers by showing the unlock screen.
    pub fn current(&self) -> Result<Unlocked, UiError> {
        self.unlocked
            .lock()
            .expect("session lock")
            .clone()
            .ok_or_else(|| {
                UiError::from(&Error::invalid(
                    "passphrase",
                    "the identity is locked: unlock it first",
                ))
            })
    }

    /// Keeps `u` as the session's identity; returns its card for the UI.
    pub fn set(&self, u: Unlocked) -> IdentityCard {
        let card = u.home.card().clone();
        *self.unlocked.lock().expect("session lock") = Some(u);
        card
    }
}
