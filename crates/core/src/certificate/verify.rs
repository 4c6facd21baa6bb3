//! Verifying a certificate's QR payload offline (docs/spec/qr.md §5): the COSE
//! signature, the ledger entry it carries, the entry's inclusion in the signed
//! checkpoint, the statement, then the issuer's standing in the verifier's trust store.

use super::cose;
use super::statement::{Statement, KIND_CERTIFICATE};
use crate::bundle::BundleVerdict;
use crate::dossier::checks::{Check, Checks};
use crate::entry::{signed_message, Body};
use crate::ledger::Ledger;
use crate::merkle;
use crate::time::Timestamp;
use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct CertificateReport {
    pub verdict: BundleVerdict,
    /// The statement, once its signatures hold.
    pub statement: Option<Statement>,
    /// The issuer: the name the verifier's trust store records for the key, else the
    /// organisation the certificate names.
    pub issuer: Option<String>,
    pub fingerprint: Option<String>,
    pub issued: Option<String>,
    /// The `certificate.issue` entry in the issuer's ledger, and the ledger's origin.
    #[ts(type = "number | null")]
    pub seq: Option<u64>,
    pub origin: Option<String>,
    /// Entries the checkpoint signs.
    #[ts(type = "number | null")]
    pub checkpoint_size: Option<u64>,
    pub findings: Vec<Check>,
}

/// Verifies a `TSC1:` text. `ledger` is the verifier's home (trust store; for its own
/// certificates, the entry itself); without it the issuer's standing is not judged.
pub fn verify(text: &str, ledger: Option<&Ledger>) -> CertificateReport {
    let mut f = Checks::new("certificate");
    let mut r = CertificateReport {
        verdict: BundleVerdict::Failed,
        statement: None,
        issuer: None,
        fingerprint: None,
        issued: None,
        seq: None,
        origin: None,
        checkpoint_size: None,
        findings: Vec::new(),
    };
    let opened = match cose::from_text(text).and_then(|b| cose::open(&b)) {
        Ok(o) => o,
        Err(u) => {
            f.error(u.code, "", None, format!("not a readable TradeSeal certificate: {}", u.why), "scan the code again, closer and flat; if it still fails, the certificate is damaged or not a TradeSeal certificate");
            return finish(r, f);
        }
    };
    let c = &opened.claims;
    r.issuer = Some(c.org.clone());
    r.fingerprint = Some(crate::identity::fingerprint(&c.key));
    r.seq = Some(c.seq);
    r.origin = Some(c.origin.clone());
    if !opened.signature_valid {
        f.error(
            "cert-signature",
            "/signature",
            None,
            "the certificate's signature does not match its contents",
            "treat the certificate as forged or altered: do not rely on it",
        );
        return finish(r, f);
    }
    // The entry, rebuilt from the claims.
    let time = match i64::try_from(c.time_ms)
        .map_err(|_| ())
        .and_then(|ms| Timestamp::from_unix_millis(ms).map_err(|_| ()))
    {
        Ok(t) => t,
        Err(_) => {
            f.error(
                "cert-cose",
                "/6",
                None,
                "the entry's time is out of range",
                "treat the certificate as damaged",
            );
            return finish(r, f);
        }
    };
    r.issued = Some(time.to_rfc3339());
    let hash = match &c.entry {
        cose::EntryForm::V1 { prev, signature } => {
            let body = Body {
                seq: c.seq,
                kind: KIND_CERTIFICATE.into(),
                time,
                author: c.key.to_bytes(),
                prev: *prev,
                payload: c.payload.clone(),
            };
            let hash = body.hash();
            if !c.key.verify(&signed_message(&hash), signature) {
                f.error(
                    "cert-entry",
                    "/9",
                    None,
                    "the ledger entry the certificate carries is not signed by the issuer's key",
                    "treat the certificate as forged: do not rely on it",
                );
            }
            match crate::checkpoint::open(&c.checkpoint, &c.origin, &c.key) {
                Ok(cp) => {
                    r.checkpoint_size = Some(cp.size);
                    if !merkle::verify_inclusion(
                        &merkle::leaf_hash(&hash.0),
                        c.seq,
                        cp.size,
                        &c.proof,
                        &cp.root,
                    ) {
                        f.error("cert-inclusion", "/10", None, "the certificate's entry is not in the issuer's ledger as its checkpoint signs it", "treat the certificate as forged: do not rely on it");
                    }
                }
                Err(e) => f.error(
                    "cert-checkpoint",
                    "/11",
                    None,
                    format!("the issuer's checkpoint does not verify: {e}"),
                    "treat the certificate as forged: do not rely on it",
                ),
            }
            hash
        }
        cose::EntryForm::V2 => {
            let body = tradeseal_log::entry::BodyV2 {
                seq: c.seq,
                kind: KIND_CERTIFICATE.into(),
                time,
                author: c.key.to_bytes(),
                payload: c.payload.clone(),
            };
            let hash = body.hash();
            match tradeseal_log::commit::open(&c.checkpoint, &c.key) {
                Ok(commit) if commit.checkpoint.origin == c.origin => {
                    r.checkpoint_size = Some(commit.end());
                    let inside =
                        (commit.start..commit.end()).contains(&c.seq) && commit.time == time;
                    let root = inside
                        .then(|| {
                            merkle::multiproof_root(
                                commit.end() - commit.start,
                                &[(c.seq - commit.start, merkle::leaf_hash(&hash.0))],
                                &c.proof,
                            )
                        })
                        .flatten();
                    if root != Some(commit.range_root) {
                        f.error("cert-inclusion", "/10", None, "the certificate's entry is not in the commit whose note the issuer signed", "treat the certificate as forged: do not rely on it");
                    }
                }
                Ok(_) => f.error(
                    "cert-checkpoint",
                    "/11",
                    None,
                    "the issuer's commit note is of another ledger than the certificate names",
                    "treat the certificate as forged: do not rely on it",
                ),
                Err(e) => f.error(
                    "cert-checkpoint",
                    "/11",
                    None,
                    format!("the issuer's commit note does not verify: {e}"),
                    "treat the certificate as forged: do not rely on it",
                ),
            }
            hash
        }
    };
    match serde_json::from_str::<Statement>(&c.payload) {
        Ok(s) if crate::canonical::to_canonical(&s).ok().as_deref() == Some(c.payload.as_str()) => {
            r.statement = Some(s)
        }
        _ => f.error("cert-statement", "/8", None, "the certificate's statement is not one this version of TradeSeal reads", "update TradeSeal, or ask the issuer for a certificate in the format this version reads"),
    }
    if let Some(ledger) = ledger {
        let key = c.key.to_hex();
        if ledger.is_own_key(&key).unwrap_or(false) {
            let same = c.origin == ledger.origin()
                && ledger.entry_hash(c.seq).ok().is_some_and(|h| h == hash);
            if !same {
                f.error(
                    "cert-not-issued",
                    "/5",
                    Some(&c.seq.to_string()),
                    format!("entry {} of your ledger is not this certificate", c.seq),
                    "treat the certificate as forged: your ledger never issued it",
                );
            }
        }
        // The name the verifier recorded for the key, else the one the certificate gives.
        let (status, name) =
            crate::dossier::sealed::standing_in(ledger, &c.org)(&key, time.unix_millis());
        let name = name.unwrap_or_else(|| c.org.clone());
        crate::label::verify::standing(&mut f, status, &name, "/4", "certificate");
        r.issuer = Some(name);
    }
    finish(r, f)
}

fn finish(mut r: CertificateReport, f: Checks) -> CertificateReport {
    (r.verdict, r.findings) = f.verdict();
    r
}
