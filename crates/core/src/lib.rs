//! TradeSeal's domain core: the signed, append-only ledger and the identity that signs it.
//!
//! No GUI, no clock, no randomness: callers hand in the time (`Timestamp`) and key seeds,
//! so every function here is deterministic and testable.

pub mod bindings;
pub mod bundle;
pub mod canonical;
pub mod certificate;
pub mod checkpoint;
pub mod codelists;
pub mod commit;
pub mod dossier;
pub mod entry;
pub mod epcis;
pub mod error;
pub mod files;
pub mod gs1;
pub mod hash;
pub mod home;
pub mod identity;
pub mod keys;
pub mod label;
pub mod ledger;
pub mod masterdata;
pub mod merkle;
#[cfg(windows)]
mod owner_only;
pub mod parties;
pub mod pdf;
pub mod proof;
pub mod signature;
pub mod system;
pub mod time;
pub mod timeline;
pub mod trace;
pub mod verify;
pub mod view;

pub use error::{Error, ErrorCode, Result};
pub use hash::Hash;
pub use time::Timestamp;
