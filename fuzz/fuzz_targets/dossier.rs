//! Any text as a received sealed dossier (JSON) and as a vc+jwt credential, and as a
//! seal QR text: a report or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeseal_core::codelists::CodeLists;
use tradeseal_core::dossier::{sealed, vc};

fuzz_target!(|data: &[u8]| {
    let t = String::from_utf8_lossy(data);
    let lists = CodeLists::builtin();
    let _ = sealed::verify(&t, lists, None);
    let _ = vc::verify_jwt(&t, lists, None);
    let _ = sealed::verify_qr(&t);
});
