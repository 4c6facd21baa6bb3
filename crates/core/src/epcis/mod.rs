//! GS1 EPCIS 2.0 events: the CBV 2.0 event hash, validation, documents in and out.

mod digital_link;
mod hash;
mod normalise;

pub use hash::{event_hash_id, hash_id_of_prehash, parse_date_time, prehash, Namespaces};
pub use normalise::{canonical_link, canonical_value, digital_link};

mod event;
mod vocab;

pub use event::{
    canonical_identifier, check, validate, EventSummary, FieldError, ObjectRef, Role, EVENT_TYPES,
};
pub use vocab::{Vocabulary, BIZ_STEP, BIZ_TRANSACTION_TYPE, DISPOSITION, SOURCE_DEST_TYPE};

mod check;
pub mod document;
mod export;
mod import;
mod master_data;
pub mod xml;

pub use check::{check as check_document, CheckReport, CheckedEvent};
pub use export::{export, export_as, ExportFormat, ExportSelection};
pub use import::{
    event_entry, import, ImportOutcome, ImportPhase, ImportProgress, ImportReport, ImportWarning,
    StoredEvent, KIND_EVENT,
};
pub use master_data::{MasterDataOutcome, MasterDataPlan};
pub use xml::write::XmlVersion;
