//! Provenance bundles (docs/spec/bundle.md): the backward chain of some goods as signed
//! ledger entries with their inclusion proofs, authors' cards and checkpoints, in one
//! line-oriented file that is verified offline and in a stream.

mod chain;
mod entries;
mod export;
mod export_v2;
mod format;
mod import;
mod import_v2;
mod lines;
mod report;
mod verify;

pub use export::{export, export_ledgers};
pub use export_v2::export_ledgers_v2;
pub use format::{Subject, BUNDLE_FORMAT, BUNDLE_FORMAT_V2};
pub use import::{import, BundleImport, KIND_IMPORT};
pub use report::{headline, headline_in, report_pdf, save_report_pdf, ReportContext};
pub use verify::{
    verify, verify_file, AuthorSummary, BundleFinding, BundleReport, BundleVerdict,
    FindingSeverity, Handover, Hop,
};
