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

/// Writes the sealed file `file` (made without its attachments' bytes:
/// `store::export_fields`, `store::export_many`) to `path`, all or nothing, in the form
/// the extension names: `.json` (the sealed file, its attachments streamed from the
/// ledger), `.pdf` (to print) or `.jwt` (a Verifiable Credential, signed by `signer`,
/// which must be the sealer; needed for `.jwt` only); a PDF in `lang`.
pub fn write_export(
    ledger: &crate::ledger::Ledger,
    file: &SealedFile,
    path: &std::path::Path,
    page: crate::pdf::PageSize,
    lang: crate::i18n::Lang,
    signer: Option<&crate::identity::Signer>,
) -> crate::Result<()> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => {
            let files = store::stored_attachments(ledger, file)?;
            crate::files::write_atomically(path, |w| {
                sealed::write_json(
                    file,
                    &files,
                    |h, out| {
                        store::copy_attachment(ledger, h, out)?;
                        Ok(())
                    },
                    w,
                )
            })
        }
        "pdf" => crate::files::write_file(path, &pdf::dossier_pdf(file, page, lang)),
        "jwt" => {
            let signer = signer.ok_or_else(|| crate::Error::invalid("passphrase", "issuing a credential signs it: unlock the key"))?;
            let mut full = file.clone();
            store::inline_attachments(ledger, &mut full)?;
            // The compact form exactly: JWT libraries refuse a trailing newline.
            crate::files::write_file(path, vc::to_jwt(&full, signer)?.as_bytes())
        }
        _ => Err(crate::Error::invalid(
            "output",
            format!(
                "{}: name the file .json (sealed dossier), .pdf (to print) or .jwt (Verifiable Credential)",
                path.display()
            ),
        )),
    }
}
