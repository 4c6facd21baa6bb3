//! Any text as a label URI, a GS1 Digital Link or EPC URN, CSV (goods lines, screening
//! lists) and a signed checkpoint note: parsed or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let t = String::from_utf8_lossy(data);
    let _ = tradeseal_core::label::link::LabelLink::parse(&t);
    let _ = tradeseal_core::gs1::Gs1Id::from_digital_link(&t);
    let _ = tradeseal_core::gs1::Gs1Id::from_epc_urn(&t);
    let _ = tradeseal_core::epcis::digital_link(&t);
    if let Ok(rows) = tradeseal_core::codelists::parse_csv(&t, ',') {
        for cell in rows.iter().flat_map(|r| r.iter()) {
            let _ = tradeseal_core::dossier::lines_csv::number(cell, None);
        }
    }
    let _ = tradeseal_core::dossier::screening::normalise(&t);
    let _ = tradeseal_core::checkpoint::read_verified_earlier(&t);
});
