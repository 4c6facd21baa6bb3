//! Integration tests of the core on real SQLite files (one test binary, see STYLE.md).

mod bundle;
pub mod card_qr;
mod crash;
mod dossier;
mod dossier_vectors;
mod epcis;
mod epcis_hash;
mod home;
mod label;
mod label_vectors;
mod ledger;
mod ledger_vectors;
mod merkle_vectors;
mod parties;
mod report;
mod rotation;
mod tamper;

use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::Signer;
use tradeseal_core::Timestamp;

pub const PASS: &str = "correct horse battery";

pub fn t(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_795_000_000_000 + ms).unwrap()
}

/// A fresh home in a temporary folder, unlocked.
pub fn new_home() -> (tempfile::TempDir, Home, Signer) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("home");
    let home = Home::init(
        &path,
        InitOptions {
            org: "Acme Coffee Importers",
            gln: Some("4012345000009"),
            passphrase: PASS,
            seed: [3; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let signer = home.unlock(PASS).unwrap();
    (dir, home, signer)
}
