//! GS1 identifiers that cannot hold an invalid value: keys with check digits (GTIN, GLN,
//! SSCC), lot and serial attributes, and their GS1 Digital Link and EPC URN forms.

mod id;
mod keys;
mod text;

pub use id::{Gs1Id, CANONICAL_DL_BASE};
pub use keys::{check_digit, Gln, Gtin, Sscc};
pub use text::{Lot, Serial};
