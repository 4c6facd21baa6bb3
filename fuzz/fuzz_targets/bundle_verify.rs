//! Any bytes as a bundle: verification returns a report or an error, never panics,
//! and a report that says "verified" has no error finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradeseal_core::bundle::{self, BundleVerdict, FindingSeverity};

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = bundle::verify(data, None, &mut |_| true) {
        let errors = report
            .findings
            .iter()
            .any(|f| f.severity == FindingSeverity::Error);
        assert_eq!(errors, report.verdict == BundleVerdict::Failed);
    }
});
