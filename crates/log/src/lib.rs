//! TradeSeal's ledger formats (docs/spec/ledger.md), below the domain: entries and
//! commits, RFC 9162 Merkle trees and proofs, C2SP signed checkpoints, strict Ed25519,
//! canonical JSON, and the one error type. Nothing here knows of EPCIS, dossiers or
//! labels: the domain crate (`tradeseal-core`) builds on it and never the reverse.

pub mod canonical;
pub mod checkpoint;
pub mod commit;
pub mod db;
pub mod entry;
pub mod error;
pub mod excerpt;
pub mod hash;
pub mod key;
pub mod merkle;
pub mod officers;
pub mod signature;
pub mod store;
#[cfg(unix)]
pub mod throwaway;
pub mod time;

pub use error::{Error, ErrorCode, Result};
pub use hash::Hash;
pub use time::Timestamp;
