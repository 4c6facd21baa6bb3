//! Scanning: every QR code in a photo or scan (PNG, JPEG) or on a PDF's pages, each
//! told apart (label, dossier seal, identity card, other) and checked offline.

use super::verify::{self, Keys, LabelReport};
use crate::bundle::BundleVerdict;
use crate::certificate::CertificateReport;
use crate::dossier::sealed::{self, QrSeal};
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// One code found.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Scanned {
    /// The PDF page it was on (1-based); none for an image.
    #[ts(type = "number | null")]
    pub page: Option<u32>,
    pub text: String,
    /// `label`, `certificate`, `dossier-seal`, `identity-card` or `other`.
    pub kind: String,
    pub verdict: BundleVerdict,
    /// What the code says, in one line.
    pub summary: String,
    pub label: Option<LabelReport>,
    pub seal: Option<QrSeal>,
    pub certificate: Option<CertificateReport>,
}

/// The codes in one image (PNG or JPEG bytes), in reading order where the whole image
/// gave them (codes found only in a quarter follow).
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>> {
    // A small file may claim a huge picture: the decoder is held to a size first.
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::io("reading an image", e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| match e {
            image::ImageError::Limits(_) => Error::invalid(
                "image",
                format!("the picture is larger than {MAX_IMAGE_SIDE} x {MAX_IMAGE_SIDE} pixels: photograph or scan the codes at a lower resolution"),
            ),
            e => Error::invalid(
                "image",
                format!("not a PNG or JPEG image this version reads ({e})"),
            ),
        })?
        .to_luma8();
    Ok(decode_gray(img))
}

/// The codes in one picture in shades of grey, in reading order (see [`decode_image`]).
fn decode_gray(img: image::GrayImage) -> Vec<String> {
    let (w, h) = img.dimensions();
    // Reading order: rows of codes top to bottom (a row is a twentieth of the image
    // high), left to right in a row.
    let row = (h / 20).max(1);
    let mut found = decode_luma(&img, (0, 0));
    // A sheet of many codes: the reader misses one now and then in the whole image,
    // so large images are also read in overlapping quarters (3 x 3 of them).
    if w.min(h) >= 1200 {
        use rayon::prelude::*;
        let tiles: Vec<(u32, u32)> = (0..3)
            .flat_map(|ty| (0..3).map(move |tx| (tx * w / 4, ty * h / 4)))
            .collect();
        let more: Vec<Vec<(u32, u32, String)>> = tiles
            .par_iter()
            .map(|&(x, y)| {
                let tile = image::imageops::crop_imm(&img, x, y, w / 2, h / 2).to_image();
                decode_luma(&tile, (x, y))
            })
            .collect();
        for f in more.into_iter().flatten() {
            if !found.iter().any(|g| g.2 == f.2) {
                found.push(f);
            }
        }
    }
    found.sort_by_key(|(x, y, _)| (*y / row, *x));
    found.into_iter().map(|f| f.2).collect()
}

/// ZXing's reader (the rxing port): a hybrid (local) binarizer for uneven light, several
/// codes an image, trying harder (rotations, damaged finder patterns).
fn decode_luma(img: &image::GrayImage, (ox, oy): (u32, u32)) -> Vec<(u32, u32, String)> {
    use rxing::common::HybridBinarizer;
    use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
    use rxing::{
        BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiFormatReader,
    };
    let Ok(source) = Luma8LuminanceSource::new(img.as_raw().clone(), img.width(), img.height())
    else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some([BarcodeFormat::QR_CODE].into_iter().collect()),
        ..Default::default()
    };
    let mut reader = GenericMultipleBarcodeReader::new(MultiFormatReader::default());
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    if let Ok(results) = reader.decode_multiple_with_hints(&mut bitmap, &hints) {
        for r in results {
            let text = r.getText().to_string();
            // The code's top-left corner, in the whole image.
            let (x, y) = r
                .getPoints()
                .iter()
                .fold((f32::MAX, f32::MAX), |(x, y), p| (x.min(p.x), y.min(p.y)));
            if !found.iter().any(|f| f.2 == text) {
                found.push((ox + x.max(0.0) as u32, oy + y.max(0.0) as u32, text));
            }
        }
    }
    found
}

/// The widest and highest picture read (pixels), and the memory its decoding may take.
pub const MAX_IMAGE_SIDE: u32 = 16_000;
pub const MAX_IMAGE_ALLOC: u64 = 1 << 30;
/// The largest file scanned, and the most pages of a PDF rendered (at 300 dpi).
pub const MAX_SCAN_BYTES: u64 = 200 * 1024 * 1024;
pub const MAX_PDF_PAGES: u32 = 50;
/// How long rendering a PDF may take before it is stopped.
pub const PDF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The codes on each page of a PDF (`bytes`, read from `path`), rendered at 300 dpi in
/// this process by hayro, a PDF rasterizer in pure Rust (no external tool, on every
/// platform): at most [`MAX_PDF_PAGES`] pages, given up after [`PDF_TIMEOUT`].
pub fn decode_pdf(path: &Path, bytes: Vec<u8>) -> Result<Vec<(u32, String)>> {
    let (pdf, n) = open_pdf(bytes, &path.display().to_string(), "codes are read on")?;
    // Rendered on a thread of its own, page after page, so that a file that takes too
    // long is given up on (the thread ends with its page); each page is read here as it
    // comes.
    let (tx, rx) = std::sync::mpsc::sync_channel::<image::GrayImage>(1);
    std::thread::spawn(move || render_pages(&pdf, 300.0, |pix| tx.send(gray_of(&pix)).is_ok()));
    let deadline = std::time::Instant::now() + PDF_TIMEOUT;
    let mut found = Vec::new();
    for page in 1..=n as u32 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let img = match rx.recv_timeout(left) {
            Ok(img) => img,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(Error::invalid(
                    "pdf",
                    format!("rendering {} took longer than {} s and was stopped: scan an image of the page instead", path.display(), PDF_TIMEOUT.as_secs()),
                ))
            }
            Err(_) => {
                return Err(Error::invalid(
                    "pdf",
                    format!("{}: page {page} could not be rendered: scan an image of the page", path.display()),
                ))
            }
        };
        for text in decode_gray(img) {
            found.push((page, text));
        }
    }
    Ok(found)
}

/// The PDF `name` (as messages call it), of at most [`MAX_PDF_PAGES`] pages (`doing`:
/// what the pages are for, in the message refusing more), and its page count.
fn open_pdf(bytes: Vec<u8>, name: &str, doing: &str) -> Result<(hayro::hayro_syntax::Pdf, usize)> {
    let pdf = hayro::hayro_syntax::Pdf::new(bytes).map_err(|e| {
        Error::invalid(
            "pdf",
            format!("{name} is not a PDF this version reads ({e:?}): export it again"),
        )
    })?;
    let n = pdf.pages().len();
    if n > MAX_PDF_PAGES as usize {
        return Err(Error::invalid(
            "pdf",
            format!("{name} has {n} pages; {doing} at most {MAX_PDF_PAGES}: split it, or keep the pages that matter"),
        ));
    }
    Ok((pdf, n))
}

/// Renders each page of `pdf` at `dpi` on white and hands it to `each`, until it says stop.
fn render_pages(
    pdf: &hayro::hayro_syntax::Pdf,
    dpi: f32,
    mut each: impl FnMut(hayro::vello_cpu::Pixmap) -> bool,
) {
    let cache = hayro::RenderCache::new();
    let scale = dpi / 72.0;
    let pixmap = hayro::PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let settings = hayro::hayro_interpret::InterpreterSettings::default();
    for page in pdf.pages().iter() {
        let pix = hayro::render(
            page,
            &cache,
            &settings,
            &hayro::RenderSettings::default(),
            &pixmap,
        );
        if !each(pix) {
            return;
        }
    }
}

/// The pages of a PDF as PNG images at `dpi` (on white), for printing through the
/// platform's print dialog: at most [`MAX_PDF_PAGES`] pages.
pub fn pdf_pages_png(bytes: Vec<u8>, dpi: f32) -> Result<Vec<Vec<u8>>> {
    let (pdf, n) = open_pdf(bytes, "the PDF", "printed at once are")?;
    let mut out = Vec::with_capacity(n);
    let mut failed = None;
    render_pages(&pdf, dpi, |pix| {
        let (w, h) = (u32::from(pix.width()), u32::from(pix.height()));
        let rgb: Vec<u8> = pix.data().iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        let img = image::RgbImage::from_raw(w, h, rgb).expect("three bytes a pixel");
        let mut png = Vec::new();
        match img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png) {
            Ok(()) => out.push(png),
            Err(e) => {
                failed = Some(Error::invalid(
                    "pdf",
                    format!("a page could not be encoded ({e})"),
                ))
            }
        }
        failed.is_none()
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A rendered page (on white) in shades of grey.
fn gray_of(pix: &hayro::vello_cpu::Pixmap) -> image::GrayImage {
    let (w, h) = (u32::from(pix.width()), u32::from(pix.height()));
    let luma = pix
        .data()
        .iter()
        .map(|p| {
            ((u32::from(p.r) * 299 + u32::from(p.g) * 587 + u32::from(p.b) * 114) / 1000) as u8
        })
        .collect();
    image::GrayImage::from_raw(w, h, luma).expect("one byte a pixel")
}

/// The codes of a file: a PDF (by its first bytes) or an image.
pub fn decode_file(path: &Path) -> Result<Vec<(Option<u32>, String)>> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
        .len();
    if size > MAX_SCAN_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "{} is {:.0} MB; files up to {} MB are scanned: scan the pages with codes, or a smaller picture",
                path.display(),
                size as f64 / 1e6,
                MAX_SCAN_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    if bytes.starts_with(b"%PDF") {
        Ok(decode_pdf(path, bytes)?
            .into_iter()
            .map(|(p, t)| (Some(p), t))
            .collect())
    } else {
        let codes = decode_image(&bytes).map_err(|_| {
            Error::invalid(
                "file",
                format!("{} is not a PNG or JPEG image or a PDF: scan a photo, a scan or a PDF of the codes", path.display()),
            )
        })?;
        Ok(codes.into_iter().map(|t| (None, t)).collect())
    }
}

/// Checks every code read from one source and, with `at`, logs its labels as seen
/// there (clone detection): what the CLI and the app do with a file or a frame.
pub fn check_all(
    codes: &[(Option<u32>, String)],
    ledger: &Ledger,
    keys: &Keys,
    at: Option<&super::sightings::Sighting<'_>>,
) -> Result<Vec<Scanned>> {
    let mut out: Vec<Scanned> = codes
        .iter()
        .map(|(page, text)| check(*page, text, Some(ledger), Some(keys)))
        .collect();
    if let Some(at) = at {
        log(ledger, at, &mut out)?;
    }
    Ok(out)
}

/// Logs the scanned labels as seen (`sightings::sight`, one transaction for all) and
/// takes on the clone findings.
pub fn log(
    ledger: &Ledger,
    at: &super::sightings::Sighting<'_>,
    found: &mut [Scanned],
) -> Result<()> {
    let sql = ledger.sql();
    let tx = tradeseal_log::db::begin(&sql)?;
    for s in found.iter_mut() {
        if let Some(r) = s.label.as_mut() {
            super::sightings::sight(ledger, at, r)?;
            s.verdict = r.verdict;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Tells what a code is and checks it.
pub fn check(
    page: Option<u32>,
    text: &str,
    ledger: Option<&Ledger>,
    keys: Option<&Keys>,
) -> Scanned {
    let mut s = Scanned {
        page,
        text: text.to_string(),
        kind: "other".into(),
        verdict: BundleVerdict::Failed,
        summary: String::new(),
        label: None,
        seal: None,
        certificate: None,
    };
    if text.starts_with(crate::certificate::cose::PREFIX) {
        s.kind = "certificate".into();
        let r = crate::certificate::verify(text, ledger);
        s.verdict = r.verdict;
        s.summary = match &r.statement {
            Some(st) => format!(
                "{} for {}, issued {} by {}",
                st.kind.title(),
                st.subject.describe(),
                r.issued.as_deref().unwrap_or("?"),
                r.issuer.as_deref().unwrap_or("?")
            ),
            None => "a TradeSeal certificate that does not verify".into(),
        };
        s.certificate = Some(r);
        return s;
    }
    if text.starts_with("TSD1.") {
        s.kind = "dossier-seal".into();
        match sealed::verify_qr(text) {
            Ok(q) => {
                s.verdict = if q.signature_valid {
                    BundleVerdict::Verified
                } else {
                    BundleVerdict::Failed
                };
                s.summary = format!(
                    "dossier {} version {} sealed {} by key {}: signature {}",
                    q.id,
                    q.version,
                    q.sealed_at,
                    q.fingerprint,
                    if q.signature_valid {
                        "valid"
                    } else {
                        "INVALID"
                    }
                );
                s.seal = Some(q);
            }
            Err(e) => s.summary = format!("a damaged dossier seal: {e}"),
        }
        return s;
    }
    if text.contains(crate::identity::CARD_FORMAT) {
        s.kind = "identity-card".into();
        match crate::parties::parse_card(text).and_then(|c| crate::parties::check_card(&c)) {
            Ok(c) => {
                s.verdict = BundleVerdict::VerifiedWithWarnings;
                s.summary = format!(
                    "identity card of {} (fingerprint {}): compare the fingerprint with them before `tradeseal party add`",
                    c.org, c.fingerprint
                );
            }
            Err(e) => s.summary = format!("a damaged identity card: {e}"),
        }
        return s;
    }
    if text.to_ascii_lowercase().starts_with("http") && text.contains("/01/") {
        s.kind = "label".into();
        let r = verify::verify(text, ledger, keys);
        s.verdict = r.verdict;
        s.summary = format!(
            "GTIN {} lot {} serial {}{}",
            r.gtin.as_deref().unwrap_or("?"),
            r.lot.as_deref().unwrap_or("?"),
            r.serial.as_deref().unwrap_or("?"),
            r.issuer
                .as_deref()
                .map(|i| format!(", issued by {i}"))
                .unwrap_or_default()
        );
        s.label = Some(r);
        return s;
    }
    s.summary = "not a TradeSeal code".into();
    s
}
