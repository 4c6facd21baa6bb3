//! Any bytes as an EPCIS document (JSON-LD, 2.0 or 1.2 XML): checked or refused with a
//! typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tradeseal_core::epcis::check_document(data, false);
});
