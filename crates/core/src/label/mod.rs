//! Authenticity labels (docs/spec/qr.md): GS1 Digital Link URIs signed with the
//! home's key, issued in batches recorded in the ledger, printed as sheets of vector
//! QR codes (or ZPL), verified offline.

pub mod issue;
pub mod layout;
pub mod link;
pub mod qr;
pub mod scan;
pub mod sheet;
pub mod sightings;
pub mod verify;
pub mod zpl;

pub use issue::{issue, Batch, Label, Request, Serials};
pub use layout::Layout;
pub use link::LabelLink;
pub use verify::{Keys, LabelReport};

/// Where printed labels go: ZPL for Zebra thermal printers, or PDF sheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Zpl,
    Pdf,
}

impl Output {
    /// The output a file's name asks for (`.zpl` or `.pdf`), or what to do.
    pub fn of(path: &std::path::Path) -> crate::Result<Output> {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .as_deref()
        {
            Some("zpl") => Ok(Output::Zpl),
            Some("pdf") => Ok(Output::Pdf),
            _ => Err(crate::Error::invalid(
                "output",
                format!(
                    "{}: name the file .pdf (sheets to print) or .zpl (Zebra printers)",
                    path.display()
                ),
            )),
        }
    }
}

/// A batch's labels as `output` bytes on `stock`, and what they are in words.
pub fn printed(
    batch: &Batch,
    stock: &Layout,
    output: Output,
    now: crate::Timestamp,
) -> crate::Result<(Vec<u8>, String)> {
    Ok(match output {
        Output::Zpl => (
            zpl::zpl(stock, batch.product.as_deref(), &batch.labels).into_bytes(),
            "ZPL".to_string(),
        ),
        Output::Pdf => {
            let r = sheet::render(&sheet::Sheet {
                layout: stock,
                product: batch.product.as_deref(),
                labels: &batch.labels,
                date: now,
            })?;
            let what = format!(
                "{} page(s), QR version up to {} at level Q",
                r.pages, r.qr_version
            );
            (r.pdf, what)
        }
    })
}
