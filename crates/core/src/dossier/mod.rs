//! Customs dossiers (docs/spec/dossier.md): the declaration's data, validated field by
//! field, linked to the ledger's lots, sealed under a Merkle root of salted per-field
//! hashes and recorded as a ledger entry; exported whole or with fields hidden.

pub mod checks;
pub mod codes;
pub mod decimal;
pub mod edit;
pub mod geojson;
pub mod lines_csv;
pub mod links;
pub mod model;
pub mod pdf;
pub mod rules;
pub mod screening;
pub mod seal;
pub mod sealed;
pub mod store;
pub mod vc;

pub use checks::{validate, Check};
pub use model::*;
/// How many dossiers to hand the batch functions (`store::export_many`,
/// `sealed::verify_many`) at a time: enough to keep every core busy and batch the
/// signatures, few enough to hold the files and reports in memory.
pub const BATCH: usize = 256;

pub use sealed::{SealReport, SealedFile, KIND_SEAL, SEALED_FORMAT};
pub use store::{SealOutcome, Status, Stored, Summary};

/// The bytes of a sealed file in the form `path`'s extension names: `.json` (the
/// sealed file), `.pdf` (to print) or `.jwt` (a Verifiable Credential, signed by
/// `signer`, which must be the sealer; needed for `.jwt` only).
pub fn export_bytes(
    file: &SealedFile,
    path: &std::path::Path,
    page: crate::pdf::PageSize,
    signer: Option<&crate::identity::Signer>,
) -> crate::Result<Vec<u8>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "json" => {
            let mut b = serde_json::to_vec_pretty(file).expect("a sealed file is JSON");
            b.push(b'\n');
            b
        }
        "pdf" => pdf::dossier_pdf(file, page),
        "jwt" => {
            let signer = signer.ok_or_else(|| crate::Error::invalid("passphrase", "issuing a credential signs it: unlock the key"))?;
            // The compact form exactly: JWT libraries refuse a trailing newline.
            vc::to_jwt(file, signer)?.into_bytes()
        }
        _ => {
            return Err(crate::Error::invalid(
                "output",
                format!(
                    "{}: name the file .json (sealed dossier), .pdf (to print) or .jwt (Verifiable Credential)",
                    path.display()
                ),
            ))
        }
    })
}
