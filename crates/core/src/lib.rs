//! TradeSeal's domain core: the signed, append-only ledger and the identity that signs it.
//!
//! No GUI, no clock, no randomness: callers hand in the time (`Timestamp`) and key seeds,
//! so every function here is deterministic and testable.

pub mod attention;
pub mod attest;
pub mod bindings;
pub mod bundle;
pub mod certificate;
pub mod codelists;
pub mod demo;
pub mod dossier;
pub mod epcis;
pub mod files;
pub mod gs1;
pub mod home;
pub mod i18n;
pub mod identity;
pub mod keys;
pub mod label;
pub mod ledger;
pub mod map;
pub mod masterdata;
pub mod migrate;
#[cfg(windows)]
mod owner_only;
pub mod parties;
pub mod pdf;
pub mod proof;
pub mod publish;
pub mod received;
pub mod system;
pub mod team;
pub mod timeline;
pub mod trace;
pub mod untp;
pub mod verify;
pub mod view;

// The ledger formats live below the domain, in tradeseal-log; here under their old paths.
pub use tradeseal_log::{
    canonical, checkpoint, commit, db, entry, error, hash, merkle, signature, store, time,
};
pub use tradeseal_log::{Error, ErrorCode, Hash, Result, Timestamp};
