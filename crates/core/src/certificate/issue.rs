//! Issuing a certificate: the statement recorded as a `certificate.issue` entry, made
//! durable, then its inclusion proof and the checkpoint that signs it packed with the
//! claims into the signed payload of the QR code (docs/spec/qr.md §5).

use super::cose::{self, Claims, EntryForm};
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
    if ledger.format() == 2 && signer.public_key() != *ledger.key() {
        // Refused before anything is recorded.
        return Err(officer_refused());
    }
    let st = statement::state(ledger, &signer.card.org, kind, target)?;
    issue_statement(ledger, signer, now, &st)
}

/// Records `st` as a `certificate.issue` entry (one durable write) and packs its
/// certificate: what `issue` does once the statement is made, and what a proof of
/// existence (`attest`) does with its own.
pub fn issue_statement(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    st: &Statement,
) -> Result<Certificate> {
    if ledger.format() == 2 && signer.public_key() != *ledger.key() {
        return Err(officer_refused());
    }
    let entry = NewEntry {
        kind: KIND_CERTIFICATE.into(),
        payload: crate::canonical::to_canonical(st)?,
        index: None,
    };
    let seq = ledger.append(signer, now, &[entry])?[0].0;
    packed(ledger, signer, seq)
}

/// A certificate's QR code is checked against the organisation's key alone (qr.md §5):
/// an officer's key would need its enrolment carried in the code.
fn officer_refused() -> Error {
    Error::invalid(
        "certificate",
        "certificates are issued with the organisation's key, the one partners check them against: issue it from the organisation's desk (the administrator holding that key); an officer's certificate would have to carry her enrolment, which this TradeSeal does not do yet",
    )
}

/// The certificate of entry `seq` (a `certificate.issue` of this home's key): on a
/// version 1 ledger with a proof against its latest checkpoint; on a version 2 one with
/// its commit's note. To print an issued certificate again.
pub fn packed(ledger: &Ledger, signer: &Signer, seq: u64) -> Result<Certificate> {
    if ledger.v2_start().is_some_and(|start| seq >= start) {
        return packed_v2(ledger, signer, seq);
    }
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
        payload: entry.body.payload.clone(),
        entry: EntryForm::V1 {
            prev: entry.body.prev,
            signature: entry.signature,
        },
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

/// Claims version 2 (qr.md §5.1): the entry proven by its commit's note, which the
/// organisation's key signed, and its place in the commit's range tree.
fn packed_v2(ledger: &Ledger, signer: &Signer, seq: u64) -> Result<Certificate> {
    let key = signer.public_key();
    let x = ledger.entry_in_commit(seq)?;
    if x.body.kind != KIND_CERTIFICATE {
        return Err(Error::invalid(
            "certificate",
            format!("entry {seq} is a {:?}, not a certificate", x.body.kind),
        ));
    }
    if x.committer != key || x.body.author != key.to_bytes() {
        return Err(officer_refused());
    }
    let statement: Statement = serde_json::from_str(&x.body.payload).map_err(|e| {
        Error::invalid(
            "certificate",
            format!("entry {seq}'s statement is unreadable ({e}): run `tradeseal verify`"),
        )
    })?;
    let claims = Claims {
        org: signer.card.org.clone(),
        origin: ledger.origin().to_string(),
        key,
        seq,
        time_ms: x.body.time.unix_millis() as u64,
        payload: x.body.payload,
        entry: EntryForm::V2,
        proof: x.proof,
        checkpoint: x.note,
    };
    let text = cose::to_text(&cose::sign1(&claims, &signer.key));
    Ok(Certificate {
        statement,
        claims,
        text,
    })
}
