//! Verifying a label offline (docs/spec/qr.md §1): the signature against the key its
//! key id names in the trust store, the signer's standing, and, where the issuer's
//! ledger is at hand, the batch it claims.

use super::issue::{IssuePayload, KIND_ISSUE};
use super::link::{self, LabelLink};
use crate::bundle::{BundleVerdict, FindingSeverity};
use crate::dossier::checks::{Check, Checks};
use crate::ledger::Ledger;
use crate::parties::SignerStatus;
use crate::signature::PublicKey;
use serde::Serialize;
use ts_rs::TS;

/// What a label says and whether it holds.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct LabelReport {
    pub verdict: BundleVerdict,
    pub uri: String,
    pub gtin: Option<String>,
    pub lot: Option<String>,
    pub serial: Option<String>,
    /// The issuer as the trust store knows it.
    pub issuer: Option<String>,
    pub fingerprint: Option<String>,
    #[ts(type = "number | null")]
    pub batch: Option<u64>,
    /// When the batch was issued (RFC 3339), where its entry is at hand.
    pub issued: Option<String>,
    pub product: Option<String>,
    pub findings: Vec<Check>,
}

/// The keys a verifier knows: this home's (all of them, rotated ones too) and every
/// partner's card in the trust store, by label key id.
pub struct Keys {
    known: Vec<(String, PublicKey, String)>,
}

impl Keys {
    pub fn of(ledger: &Ledger, own_org: &str) -> crate::Result<Keys> {
        // The organisation's keys, now and before each hand-over (never an officer's:
        // labels are signed with the organisation's key).
        let mut known = vec![(
            link::key_id(ledger.key()),
            *ledger.key(),
            own_org.to_string(),
        )];
        for (_, r) in ledger.rotations()? {
            known.push((link::key_id(&r.old), r.old, own_org.to_string()));
        }
        for p in crate::parties::list(ledger)? {
            if let Some(k) = PublicKey::from_hex(&p.card.public_key) {
                known.push((link::key_id(&k), k, p.card.org.clone()));
            }
        }
        Ok(Keys { known })
    }

    fn find(&self, key_id: &str) -> Option<&(String, PublicKey, String)> {
        self.known.iter().find(|(id, _, _)| id == key_id)
    }
}

/// Verifies the text of one QR code as a label. `ledger` is the receiver's home (trust
/// store and, for its own labels, the batches); without it no key is known.
pub fn verify(text: &str, ledger: Option<&Ledger>, keys: Option<&Keys>) -> LabelReport {
    let mut f = Checks::new("label");
    let mut r = LabelReport {
        verdict: BundleVerdict::Failed,
        uri: text.to_string(),
        gtin: None,
        lot: None,
        serial: None,
        issuer: None,
        fingerprint: None,
        batch: None,
        issued: None,
        product: None,
        findings: Vec::new(),
    };
    let l = match LabelLink::parse(text) {
        Ok(l) => l,
        Err(e) => {
            let code = match &e {
                crate::Error::InvalidInput { field, .. } if field == "label-query" => "label-query",
                _ => "label-link",
            };
            f.error(code, "", None, e.to_string(), "scan the code again; if it still fails, the label is damaged or not a TradeSeal label");
            return finish(r, f);
        }
    };
    r.gtin = Some(l.gtin.to_string());
    r.lot = Some(l.lot.as_str().to_string());
    r.serial = Some(l.serial.as_str().to_string());
    let Some(proof) = &l.proof else {
        f.error(
            "label-unsigned",
            "/s",
            None,
            "the code is a GS1 Digital Link without a TradeSeal signature",
            "this label proves nothing about who issued it: ask the brand owner for a signed label",
        );
        return finish(r, f);
    };
    r.batch = Some(proof.batch);
    let batch_text = proof.batch.to_string();
    let Some((_, key, name)) = keys.and_then(|k| k.find(&proof.key_id)) else {
        f.error("label-unknown-key", "/k", Some(proof.key_id.as_str()), format!("the label is signed by key {}, which is not in your trust store", proof.key_id), "add the issuer's identity card (`tradeseal party add`), compare its fingerprint with them, then scan again");
        return finish(r, f);
    };
    r.issuer = Some(name.clone());
    r.fingerprint = Some(crate::identity::fingerprint(key));
    let msg = link::message(&l.gtin, &l.lot, &l.serial, proof.batch);
    if !key.verify(&msg, &proof.signature) {
        f.error(
            "label-signature",
            "/s",
            None,
            "the signature does not match the product, lot, serial and batch printed",
            "treat the item as a probable counterfeit: the label was altered or forged",
        );
        return finish(r, f);
    }
    // The batch, where this home holds the issuer's ledger (its own labels).
    let mut issued_ms = None;
    if let Some(ledger) = ledger {
        let own = ledger.is_own_key(&key.to_hex()).unwrap_or(false);
        if own {
            match batch_entry(ledger, proof.batch) {
                Some((p, ms, author)) if author == key.to_hex() => {
                    issued_ms = Some(ms);
                    r.issued = crate::Timestamp::from_unix_millis(ms)
                        .ok()
                        .map(|t| t.to_rfc3339());
                    r.product = p.product.clone();
                    if p.gtin != l.gtin.as_str()
                        || p.lot != l.lot.as_str()
                        || !p.serials.contains(l.serial.as_str())
                    {
                        f.error(
                            "label-batch",
                            "/b",
                            Some(batch_text.as_str()),
                            format!(
                                "batch entry {} did not issue GTIN {} lot {} serial {}",
                                proof.batch,
                                l.gtin,
                                l.lot.as_str(),
                                l.serial.as_str()
                            ),
                            "treat the item as a probable counterfeit: this label was never issued",
                        );
                    }
                }
                _ => f.error(
                    "label-batch",
                    "/b",
                    Some(batch_text.as_str()),
                    format!(
                        "entry {} of your ledger is not a label batch of this key",
                        proof.batch
                    ),
                    "treat the item as a probable counterfeit: this label was never issued",
                ),
            }
        } else {
            f.add(
                "label-batch-unchecked",
                FindingSeverity::Info,
                "/b",
                Some(batch_text.as_str()),
                format!(
                    "batch entry {} is in the issuer's ledger, not in yours",
                    proof.batch
                ),
                "the signature proves the issuer; ask them for a bundle to check the batch too",
            );
        }
        let status = crate::parties::signer_standing(ledger, &key.to_hex())
            .map(|s| s.at(issued_ms.unwrap_or(i64::MAX)))
            .unwrap_or(SignerStatus::Unknown);
        standing(&mut f, status, name, "/k", "label");
    }
    finish(r, f)
}

/// The finding of an issuer's standing with the verifier (`what`: "label",
/// "certificate"), if any.
pub(crate) fn standing(f: &mut Checks, status: SignerStatus, name: &str, path: &str, what: &str) {
    match status {
        SignerStatus::Own | SignerStatus::Trusted => {}
        SignerStatus::Unknown => f.add("signer-unknown", FindingSeverity::Warning, path, None, format!("{name} is not a trusted partner"), "compare the card's fingerprint with the issuer by phone or in person, then `tradeseal party trust`"),
        SignerStatus::Distrusted => f.error("signer-distrusted", path, None, format!("you decided not to trust {name}"), format!("do not rely on this {what}")),
        SignerStatus::Revoked { from, reason } => f.error("signer-revoked", path, None, format!("{name}'s key was revoked from {from} ({reason})"), format!("do not rely on this {what}: it may have been made with a stolen key")),
        SignerStatus::RevokedLater { from, reason } => f.add("signer-revoked-later", FindingSeverity::Info, path, None, format!("{name}'s key was revoked from {from} ({reason}), after this {what} was issued"), format!("the {what} stands; note the later revocation")),
    }
}

/// The `label.issue` payload, time and author (hex) of entry `seq`.
fn batch_entry(ledger: &Ledger, seq: u64) -> Option<(IssuePayload, i64, String)> {
    // Either ledger format: the entry as the ledger views it.
    let e = ledger.entry_view(seq).ok()?;
    if e.kind != KIND_ISSUE {
        return None;
    }
    let p = serde_json::from_value(e.payload).ok()?;
    Some((p, e.time_ms as i64, e.author))
}

fn finish(mut r: LabelReport, f: Checks) -> LabelReport {
    (r.verdict, r.findings) = f.verdict();
    r
}
