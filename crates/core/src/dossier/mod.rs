//! Customs dossiers (docs/spec/dossier.md): the declaration's data, validated field by
//! field, linked to the ledger's lots, sealed under a Merkle root of salted per-field
//! hashes and recorded as a ledger entry; exported whole or with fields hidden.

pub mod checks;
pub mod codes;
pub mod decimal;
pub mod edit;
pub mod lines_csv;
pub mod links;
pub mod model;
pub mod pdf;
pub mod rules;
pub mod screening;
pub mod seal;
pub mod sealed;
pub mod store;
pub mod vc;

pub use checks::{validate, Check};
pub use model::*;
pub use sealed::{SealReport, SealedFile, KIND_SEAL, SEALED_FORMAT};
pub use store::{SealOutcome, Status, Stored, Summary};
