//! Label and scan commands: thin, one core call each, on the blocking pool.

use crate::commands::{blocking, Res};
use crate::session::Session;
use crate::supply::file_path;
use serde::Serialize;
use tauri::State;
use tradeseal_core::label::{self, issue, layout::Layout, scan, sheet, Serials};
use tradeseal_core::Error;

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "LabelStock"))]
pub struct Stock {
    name: &'static str,
    what: &'static str,
}

#[tauri::command]
pub fn labels_layouts() -> Vec<Stock> {
    label::layout::LAYOUTS
        .iter()
        .map(|l| Stock {
            name: l.name,
            what: l.what,
        })
        .collect()
}

/// The product's name in master data, when none is given.
fn product_name(
    l: &tradeseal_core::ledger::Ledger,
    gtin: &str,
    given: &str,
) -> Result<Option<String>, Error> {
    if !given.trim().is_empty() {
        return Ok(Some(given.trim().to_string()));
    }
    let g = tradeseal_core::gs1::Gtin::parse(gtin)?;
    tradeseal_core::masterdata::product_name(l, g.as_str())
}

/// The request both commands make: the next `count` serials.
fn request<'a>(
    gtin: &'a str,
    lot: &'a str,
    count: u64,
    resolver: &'a str,
    product: Option<&'a str>,
) -> label::Request<'a> {
    label::Request {
        gtin,
        lot,
        serials: Serials::Next(count),
        resolver,
        product,
    }
}

/// The first page of the batch `count` labels would make (nothing is issued).
#[tauri::command]
pub async fn labels_preview(
    state: State<'_, Session>,
    gtin: String,
    lot: String,
    count: u64,
    layout: String,
    resolver: String,
    product: String,
) -> Res<sheet::SheetPreview> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let stock = Layout::by_name(&layout)?;
        let product = product_name(&l, &gtin, &product)?;
        let key = u.signer.public_key();
        let req = request(&gtin, &lot, count, &resolver, product.as_deref());
        let plan = issue::plan(&l, &key, &req)?;
        let labels = issue::sample(&plan, &key, l.size()?);
        sheet::preview(stock, plan.product.as_deref(), &labels)
    })
    .await
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "LabelsIssued"))]
pub struct Issued {
    count: usize,
    #[cfg_attr(test, ts(type = "number"))]
    seq: u64,
    first: String,
    last: String,
    path: String,
}

/// Issues the next `count` labels of the GTIN and lot and writes them to `path`
/// (.pdf or .zpl).
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn labels_issue(
    state: State<'_, Session>,
    gtin: String,
    lot: String,
    count: u64,
    layout: String,
    resolver: String,
    product: String,
    path: String,
) -> Res<Issued> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let output = label::Output::of(&p)?;
        let stock = Layout::by_name(&layout)?;
        let mut l = u.home.ledger()?;
        let product = product_name(&l, &gtin, &product)?;
        let now = tradeseal_core::system::now();
        let req = request(&gtin, &lot, count, &resolver, product.as_deref());
        let b = issue::issue(&mut l, &u.signer, now, &req)?;
        // Issued and durable: a failed write says how to print the batch again.
        write_batch(&b, stock, &p, output, now).map_err(|e| {
            Error::invalid(
                "path",
                format!("{e}. The labels are issued (ledger entry {}): print them again from \"Print an issued batch again\" with entry {}", b.seq, b.seq),
            )
        })?;
        Ok(issued(&b, &p))
    })
    .await
}

/// An issued batch printed again (same serials and signatures; nothing issued).
#[tauri::command]
pub async fn labels_reprint(
    state: State<'_, Session>,
    entry: u64,
    layout: String,
    path: String,
) -> Res<Issued> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let output = label::Output::of(&p)?;
        let stock = Layout::by_name(&layout)?;
        let l = u.home.ledger_read_only()?;
        let b = issue::reprint(&l, &u.signer, entry)?;
        write_batch(&b, stock, &p, output, tradeseal_core::system::now())?;
        Ok(issued(&b, &p))
    })
    .await
}

fn issued(b: &issue::Batch, p: &std::path::Path) -> Issued {
    let serial = |l: Option<&label::Label>| {
        l.map(|x| x.link.serial.as_str().to_string())
            .unwrap_or_default()
    };
    Issued {
        count: b.labels.len(),
        seq: b.seq,
        first: serial(b.labels.first()),
        last: serial(b.labels.last()),
        path: p.display().to_string(),
    }
}

fn write_batch(
    b: &issue::Batch,
    stock: &Layout,
    p: &std::path::Path,
    output: label::Output,
    now: tradeseal_core::Timestamp,
) -> Result<(), Error> {
    let (bytes, _) = label::printed(b, stock, output, now)?;
    tradeseal_core::files::write_file(p, &bytes)
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ScannedFile {
    file: String,
    codes: Vec<scan::Scanned>,
    /// Why the file could not be read, if it could not.
    error: Option<String>,
}

/// Where the person scanning is: as they say, else the organisation.
fn place_or_home(place: &str, u: &crate::session::Unlocked) -> String {
    match place.trim() {
        "" => u.home.card().org.clone(),
        p => p.to_string(),
    }
}

/// Reads every QR code in the files (PNG, JPEG, PDF), checks each, and logs the
/// labels as seen at `place` (clone detection; empty: this organisation).
#[tauri::command]
pub async fn scan_files(
    state: State<'_, Session>,
    paths: Vec<String>,
    place: String,
) -> Res<Vec<ScannedFile>> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        let keys = label::Keys::of(&l, &u.home.card().org)?;
        let place = place_or_home(&place, &u);
        let now = tradeseal_core::system::now();
        let mut out = Vec::new();
        for path in paths {
            let p = file_path(&path)?;
            let source = p.display().to_string();
            let at = label::sightings::Sighting {
                place: &place,
                source: &source,
                time: now,
            };
            let (codes, error) = match scan::decode_file(&p) {
                Ok(found) => (scan::check_all(&found, &l, &keys, Some(&at))?, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            out.push(ScannedFile {
                file: p.display().to_string(),
                codes,
                error,
            });
        }
        Ok(out)
    })
    .await
}

/// Reads the QR codes in one camera frame (PNG or JPEG bytes), checks each, and logs
/// the labels as seen at `place`, as [`scan_files`] does for a file.
#[tauri::command]
pub async fn scan_image(
    state: State<'_, Session>,
    image: Vec<u8>,
    place: String,
) -> Res<ScannedFile> {
    let u = state.current()?;
    blocking(move || {
        let found: Vec<(Option<u32>, String)> = scan::decode_image(&image)?
            .into_iter()
            .map(|t| (None, t))
            .collect();
        let mut codes = Vec::new();
        if !found.is_empty() {
            let l = u.home.ledger()?;
            let keys = label::Keys::of(&l, &u.home.card().org)?;
            let place = place_or_home(&place, &u);
            let at = label::sightings::Sighting {
                place: &place,
                source: "camera",
                time: tradeseal_core::system::now(),
            };
            codes = scan::check_all(&found, &l, &keys, Some(&at))?;
        }
        Ok(ScannedFile {
            file: "camera".into(),
            codes,
            error: None,
        })
    })
    .await
}

/// Where and when a serial was scanned, newest first (the scan log).
#[tauri::command]
pub async fn label_sightings(
    state: State<'_, Session>,
    gtin: String,
    serial: String,
) -> Res<Vec<label::sightings::SightingRow>> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        label::sightings::history(&l, Some((&gtin, &serial)), 100)
    })
    .await
}
