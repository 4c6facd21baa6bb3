//! Certificates (docs/spec/qr.md §5): a statement of origin or authenticity for a lot
//! or a sealed dossier, recorded as a `certificate.issue` ledger entry and printed with
//! a QR code whose payload (COSE_Sign1, CBOR, zlib, Base45) carries the entry, its
//! inclusion proof and the signed checkpoint: it verifies with no network.

pub mod cose;
pub mod issue;
pub mod pdf;
pub mod statement;
pub mod verify;

pub use issue::{issue, issue_statement, packed, Certificate};
pub use statement::{CertificateType, Statement, Subject, Target};
pub use verify::{verify, CertificateReport};
