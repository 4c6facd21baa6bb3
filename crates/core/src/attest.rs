//! Proof of existence (docs/spec/qr.md §5.2): a file's SHA-256, never the file,
//! recorded in the ledger as a certificate of type `existence`, printed like a
//! certificate of origin with its QR payload; and the check that a file is the one a
//! certificate attests, and since when.

use crate::certificate::statement::FileSubject;
use crate::certificate::{
    self, Certificate, CertificateReport, CertificateType, Statement, Subject,
};
use crate::error::{Error, Result};
use crate::identity::Signer;
use crate::ledger::Ledger;
use crate::time::Timestamp;
use serde::Serialize;
use std::io::Read;
use std::path::Path;
use ts_rs::TS;

/// A title or owner is printed on one line of the certificate and carried in its code.
pub const MAX_TEXT: usize = 200;

/// A file's SHA-256 and length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "bindings.ts", rename = "HashedFile")]
pub struct Hashed {
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// SHA-256 of everything `r` yields, `progress(bytes so far)` after each chunk
/// (streamed by [`crate::files::sha256_stream`]).
pub fn hash_reader(r: impl Read + Send, progress: &mut dyn FnMut(u64)) -> std::io::Result<Hashed> {
    let (sha256, size) = crate::files::sha256_stream(r, progress)?;
    Ok(Hashed { sha256, size })
}

/// SHA-256 of the file at `path`, `progress(done, total)` as it reads.
pub fn hash_file(path: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Hashed> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(Error::invalid(
            "file",
            format!("{} is not a file: attest files one by one", path.display()),
        ));
    }
    let total = meta.len();
    hash_reader(file, &mut |done| progress(done, total))
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))
}

/// The statement of a file's existence: its hash, length and name, with the title and
/// owner the user gives (trimmed; empty is none).
pub fn statement(
    hashed: &Hashed,
    name: &str,
    title: Option<&str>,
    owner: Option<&str>,
) -> Result<Statement> {
    let text = |field: &str, v: Option<&str>| -> Result<Option<String>> {
        let v = v.map(str::trim).filter(|v| !v.is_empty());
        match v {
            Some(v) if v.chars().count() > MAX_TEXT || v.chars().any(char::is_control) => {
                Err(Error::invalid(
                    field,
                    format!("the {field} is printed on one line and carried in the QR code: at most {MAX_TEXT} characters, no line breaks"),
                ))
            }
            v => Ok(v.map(str::to_string)),
        }
    };
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = if name.chars().count() > MAX_TEXT {
        name.chars().take(MAX_TEXT).collect()
    } else {
        name
    };
    Ok(Statement {
        kind: CertificateType::Existence,
        subject: Subject::File(FileSubject {
            sha256: hashed.sha256.clone(),
            size: hashed.size,
            name,
            title: text("title", title)?,
            owner: text("owner", owner)?,
        }),
        origin: None,
    })
}

/// Records the file's hash (one `certificate.issue` entry) and packs its certificate.
pub fn attest(
    ledger: &mut Ledger,
    signer: &Signer,
    now: Timestamp,
    hashed: &Hashed,
    name: &str,
    title: Option<&str>,
    owner: Option<&str>,
) -> Result<Certificate> {
    let st = statement(hashed, name, title, owner)?;
    certificate::issue_statement(ledger, signer, now, &st)
}

/// Whether a file is the one a certificate attests.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct AttestCheck {
    /// The certificate's own verification (signatures, proof, the issuer's standing).
    pub certificate: CertificateReport,
    /// The file checked.
    pub file: Hashed,
    /// What the certificate attests, when it is a readable proof of existence.
    pub attested: Option<FileSubject>,
    /// The file's hash and length are the attested ones.
    pub matches: bool,
    /// When the issuer recorded it (RFC 3339), from the certificate.
    pub since: Option<String>,
}

impl AttestCheck {
    /// The certificate holds, is a proof of existence, and the file is its file.
    pub fn proven(&self) -> bool {
        self.matches
            && matches!(
                self.certificate.verdict,
                crate::bundle::BundleVerdict::Verified
                    | crate::bundle::BundleVerdict::VerifiedWithWarnings
            )
    }
}

/// Checks the file hashed as `file` against the certificate text `cert` (`TSC1:`).
pub fn check(file: Hashed, cert: &str, ledger: Option<&Ledger>) -> AttestCheck {
    let certificate = certificate::verify(cert, ledger);
    let attested = match &certificate.statement {
        Some(Statement {
            kind: CertificateType::Existence,
            subject: Subject::File(f),
            ..
        }) => Some(f.clone()),
        _ => None,
    };
    let matches = attested
        .as_ref()
        .is_some_and(|a| a.sha256 == file.sha256 && a.size == file.size);
    AttestCheck {
        since: certificate.issued.clone(),
        certificate,
        file,
        attested,
        matches,
    }
}

/// The `TSC1:` text of a certificate file: a PDF or image whose QR code holds it (the
/// first such code), or a text file holding it.
pub fn certificate_text(path: &Path) -> Result<String> {
    let head = {
        let mut f = std::fs::File::open(path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        let mut b = [0u8; 5];
        let n = f.read(&mut b).unwrap_or(0);
        b[..n].to_vec()
    };
    if head.starts_with(b"TSC1:") {
        // A certificate's text is a few kilobytes; a larger file is refused unread.
        let text =
            crate::files::read_text_limited(path, crate::files::MAX_SMALL_FILE, "certificate")?;
        return Ok(text.trim().to_string());
    }
    crate::label::scan::decode_file(path)?
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.starts_with("TSC1:"))
        .ok_or_else(|| {
            Error::invalid(
                "certificate",
                format!("{} holds no TradeSeal certificate code: give the certificate's PDF, a photo of its QR code, or its TSC1: text", path.display()),
            )
        })
}
