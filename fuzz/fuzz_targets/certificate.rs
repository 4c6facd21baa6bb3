//! Any text as a certificate QR payload (TSC1: Base45, zlib, COSE_Sign1): a report whose
//! verdict agrees with its findings, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeseal_core::bundle::{BundleVerdict, FindingSeverity};

fuzz_target!(|data: &[u8]| {
    let r = tradeseal_core::certificate::verify::verify(&String::from_utf8_lossy(data), None);
    let errors = r.findings.iter().any(|f| f.severity == FindingSeverity::Error);
    assert_eq!(errors, r.verdict == BundleVerdict::Failed);
});
