//! Bundles received: each one verified in this home, by its file's SHA-256, until its
//! chain is imported. The Home screen lists the ones verified and not imported. Kept in
//! the home's `received.json` (a convenience, not evidence: the ledger is the record),
//! written whole and atomically; the newest 200 are kept.

use crate::bundle::{BundleReport, BundleVerdict};
use crate::error::Result;
use crate::trace;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

const FILE: &str = "received.json";
const KEPT: usize = 200;

/// A bundle verified here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "bindings.ts")]
pub struct Received {
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Where it was verified from.
    pub path: String,
    /// The goods it is about, for people (`04012345123456 lot R-2026-031`).
    pub subject: Option<String>,
    pub verdict: BundleVerdict,
    /// When it was last verified (RFC 3339).
    pub verified_at: String,
    pub imported: bool,
}

fn load(home: &Path) -> Vec<Received> {
    std::fs::read(home.join(FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn store(home: &Path, list: &[Received]) -> Result<()> {
    let text = serde_json::to_vec_pretty(list).expect("a list of records serialises");
    crate::files::write_file(&home.join(FILE), &text)
}

/// Notes that the bundle `path` (whose SHA-256 is `sha256`) was verified with `report`.
pub fn verified(
    home: &Path,
    path: &Path,
    sha256: &str,
    report: &BundleReport,
    at: crate::Timestamp,
) -> Result<()> {
    let mut list = load(home);
    let imported = list.iter().any(|r| r.sha256 == sha256 && r.imported);
    list.retain(|r| r.sha256 != sha256);
    list.insert(
        0,
        Received {
            sha256: sha256.to_string(),
            path: path.display().to_string(),
            subject: report.subject.as_ref().map(|s| trace::label_of(&s.id)),
            verdict: report.verdict,
            verified_at: at.to_rfc3339(),
            imported,
        },
    );
    list.truncate(KEPT);
    store(home, &list)
}

/// Notes that the chain of the bundle with `sha256` was imported.
pub fn imported(home: &Path, sha256: &str) -> Result<()> {
    let mut list = load(home);
    let mut changed = false;
    for r in list
        .iter_mut()
        .filter(|r| r.sha256 == sha256 && !r.imported)
    {
        r.imported = true;
        changed = true;
    }
    if changed {
        store(home, &list)?;
    }
    Ok(())
}

/// Bundles verified here whose chain could be imported and was not, newest first
/// (a failed one cannot be; an incomplete one waits for what is missing).
pub fn pending(home: &Path) -> Vec<Received> {
    load(home)
        .into_iter()
        .filter(|r| {
            !r.imported
                && matches!(
                    r.verdict,
                    BundleVerdict::Verified | BundleVerdict::VerifiedWithWarnings
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::BundleVerdict::*;

    fn report(verdict: BundleVerdict) -> BundleReport {
        BundleReport {
            verdict,
            subject: None,
            exporter: None,
            entries: 1,
            events: 0,
            authors: vec![],
            findings: vec![],
            more_findings: 0,
            hops: vec![],
            handovers: vec![],
            verified_share: None,
        }
    }

    #[test]
    fn a_bundle_waits_from_its_verification_until_its_import() {
        let home = tempfile::tempdir().unwrap();
        let at = crate::Timestamp::from_unix_millis(0).unwrap();
        let p = Path::new("/tmp/x.tsbundle");
        verified(home.path(), p, "aa", &report(Verified), at).unwrap();
        verified(home.path(), p, "bb", &report(Failed), at).unwrap();
        verified(home.path(), p, "cc", &report(Incomplete), at).unwrap();
        // Only what could be imported waits; verified again, it is listed once.
        verified(home.path(), p, "aa", &report(VerifiedWithWarnings), at).unwrap();
        let waiting: Vec<_> = pending(home.path()).into_iter().map(|r| r.sha256).collect();
        assert_eq!(waiting, ["aa"]);
        imported(home.path(), "aa").unwrap();
        assert!(pending(home.path()).is_empty());
        // Verified after its import: still imported.
        verified(home.path(), p, "aa", &report(Verified), at).unwrap();
        assert!(pending(home.path()).is_empty());
    }

    #[test]
    fn a_damaged_note_is_an_empty_one_and_is_replaced_whole() {
        let home = tempfile::tempdir().unwrap();
        for junk in [
            &b"[{\"sha256\": \"aa\", \"pa"[..],
            b"\xff\xfe",
            b"{}",
            b"[1, 2]",
        ] {
            std::fs::write(home.path().join(FILE), junk).unwrap();
            assert!(pending(home.path()).is_empty());
        }
        let at = crate::Timestamp::from_unix_millis(0).unwrap();
        verified(home.path(), Path::new("b"), "dd", &report(Verified), at).unwrap();
        assert_eq!(pending(home.path()).len(), 1);
    }

    #[test]
    fn the_newest_are_kept() {
        let home = tempfile::tempdir().unwrap();
        let at = crate::Timestamp::from_unix_millis(0).unwrap();
        for i in 0..KEPT + 5 {
            verified(
                home.path(),
                Path::new("b"),
                &format!("{i:04}"),
                &report(Verified),
                at,
            )
            .unwrap();
        }
        let list = pending(home.path());
        assert_eq!(list.len(), KEPT);
        assert_eq!(list[0].sha256, format!("{:04}", KEPT + 4));
    }
}
