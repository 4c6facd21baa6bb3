//! What the app holds between commands: the home folder and, once unlocked, the signer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tradeseal_core::home::Home;
use tradeseal_core::identity::Signer;
use tradeseal_core::Error;

pub struct Session {
    pub path: PathBuf,
    pub unlocked: Mutex<Option<Unlocked>>,
}

#[derive(Clone)]
pub struct Unlocked {
    pub home: Home,
    pub signer: Arc<Signer>,
}

impl Session {
    pub fn new(path: PathBuf) -> Session {
        Session {
            path,
            unlocked: Mutex::new(None),
        }
    }

    /// The unlocked home, or the error the UI answers by showing the unlock screen.
    pub fn current(&self) -> Result<Unlocked, Error> {
        self.unlocked
            .lock()
            .expect("session lock")
            .clone()
            .ok_or_else(|| Error::invalid("passphrase", "the identity is locked: unlock it first"))
    }

    pub fn set(&self, u: Unlocked) {
        *self.unlocked.lock().expect("session lock") = Some(u);
    }
}
