//! Issuing a certificate: the statement recorded as a `certificate.issue` entry, made
//! durable, then its inclusion proof and the checkpoint that signs it packed with the
//! claims into the signed payload of the QR code (docs/spec/qr.md §5).

use super::cose::{self, Claims};
use super::statement::{self, CertificateType, Statement, Target, KIND_CERTIFICATE};
use crate::error::{Error, Result};
use crate::hash::Hash;
use crate::identity::Signer;
use crate::ledger::{Ledger, NewEntry};
use crate::time::Timestamp;

/// An issued certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub statement: Statement,
    pub claims: Claims,
    /// The QR code's text: `TSC1:` and Base45.
    pub text: String,
}

impl Certificate {
    pub fn seq(&self) -> u64 {
        self.claims.seq
    }
}

/// Issues a certificate of `kind` for `target`: the statement is checked and recorded
/// (one durable entry) before anything is signed for the paper.
pub fn issue(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    kind: CertificateType,
    target: &Target,
) -> Result<Certificate> {
    if ledger.format() == 2 {
        // Its payload carries a version 1 entry and proof; refused before anything is
        // recorded.
        return Err(Error::invalid(
            "ledger",
            "certificates are not issued from a team ledger by this TradeSeal yet (their QR payload carries a version 1 proof): issue them from the organisation's one-desk home",
        ));
    }
    let st = statement::state(ledger, &signer.card.org, kind, target)?;
    let entry = NewEntry {
        kind: KIND_CERTIFICATE.into(),
        payload: crate::canonical::to_canonical(&st)?,
        index: None,
    };
    let seq = ledger.append(signer, now, &[entry])?[0].0;
    packed(ledger, signer, seq)
}

/// The certificate of entry `seq` (a `certificate.issue` of this home's key), with a
/// proof against the ledger's latest checkpoint: to print an issued certificate again.
pub fn packed(ledger: &Ledger, signer: &Signer, seq: u64) -> Result<Certificate> {
    let entry = ledger.entry(seq)?;
    let key = signer.public_key();
    if entry.body.kind != KIND_CERTIFICATE {
        return Err(Error::invalid(
            "certificate",
            format!("entry {seq} is a {:?}, not a certificate", entry.body.kind),
        ));
    }
    if entry.body.author != key.to_bytes() {
        return Err(Error::invalid(
            "certificate",
            format!(
                "entry {seq} was signed by an earlier key of this home: issue a new certificate"
            ),
        ));
    }
    let statement: Statement = serde_json::from_str(&entry.body.payload).map_err(|e| {
        Error::invalid(
            "certificate",
            format!("entry {seq}'s statement is unreadable ({e}): run `tradeseal verify`"),
        )
    })?;
    let (cp, note) = ledger.checkpoint()?;
    let proof = crate::proof::inclusion_in(&ledger.nodes(), &entry, &cp)?
        .iter()
        .map(|h| Hash::from_hex(h).expect("proofs are hex of 32 bytes"))
        .collect();
    let claims = Claims {
        org: signer.card.org.clone(),
        origin: ledger.origin().to_string(),
        key,
        seq,
        time_ms: entry.body.time.unix_millis() as u64,
        prev: entry.body.prev,
        payload: entry.body.payload.clone(),
        entry_signature: entry.signature,
        proof,
        checkpoint: note,
    };
    let text = cose::to_text(&cose::sign1(&claims, &signer.key));
    Ok(Certificate {
        statement,
        claims,
        text,
    })
}
