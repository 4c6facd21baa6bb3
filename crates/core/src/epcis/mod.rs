//! GS1 EPCIS 2.0 events: the CBV 2.0 event hash, validation, documents in and out.

mod hash;
mod normalise;

pub use hash::{event_hash_id, hash_id_of_prehash, parse_date_time, prehash, Namespaces};
pub use normalise::{canonical_value, digital_link};
