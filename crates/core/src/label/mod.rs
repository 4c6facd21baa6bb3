//! Authenticity labels (docs/spec/qr.md): GS1 Digital Link URIs signed with the
//! home's key, issued in batches recorded in the ledger, printed as sheets of vector
//! QR codes (or ZPL), verified offline.

pub mod issue;
pub mod layout;
pub mod link;
pub mod qr;
pub mod scan;
pub mod sheet;
pub mod sightings;
pub mod verify;
pub mod zpl;

pub use issue::{issue, Batch, Label, Request, Serials};
pub use layout::Layout;
pub use link::LabelLink;
pub use verify::{Keys, LabelReport};
