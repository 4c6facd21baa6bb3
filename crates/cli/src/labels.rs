//! `tradeseal labels` (issue and print signed labels) and `tradeseal scan` (read and
//! check the QR codes in photos, scans and PDFs).

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::label::{self, issue, layout, scan, Serials};
use tradeseal_core::{Error, Result};

#[derive(Args)]
#[command(
    group(clap::ArgGroup::new("which").required(true).args(["serials", "count", "serial_list"])),
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct LabelArgs {
    #[command(subcommand)]
    again: Option<LabelsAgain>,
    /// The product's GTIN (8 to 14 digits)
    #[arg(long, required = true)]
    gtin: Option<String>,
    /// The lot (batch) number
    #[arg(long, required = true)]
    lot: Option<String>,
    /// A range of decimal serials, FROM..TO (000001..000500)
    #[arg(long, value_name = "FROM..TO")]
    serials: Option<String>,
    /// The next N serials after the last issued for this GTIN and lot
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// A file of serials, one a line
    #[arg(long, value_name = "FILE")]
    serial_list: Option<PathBuf>,
    /// Label stock: a4-3x8, a4-3x7, a4-2x7, letter-3x10, roll-4x6, roll-62mm
    #[arg(long, default_value = "a4-3x8")]
    layout: String,
    /// The resolver the codes point phones to (GS1 Digital Link)
    #[arg(long, default_value = tradeseal_core::gs1::CANONICAL_DL_BASE)]
    resolver: String,
    /// The product name printed (default: the product's master data)
    #[arg(long)]
    product: Option<String>,
    /// FILE.pdf (sheets to print) or FILE.zpl (Zebra thermal printers)
    #[arg(short, long, value_name = "FILE", required = true)]
    output: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum LabelsAgain {
    /// Print an issued batch again, exactly as first printed (same serials and
    /// signatures; nothing new is issued): after a print that failed or was lost
    Reprint {
        /// The batch's ledger entry (`Issued … (ledger entry N)`, or `tradeseal log`)
        entry: u64,
        /// Label stock: a4-3x8, a4-3x7, a4-2x7, letter-3x10, roll-4x6, roll-62mm
        #[arg(long, default_value = "a4-3x8")]
        layout: String,
        /// FILE.pdf or FILE.zpl
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Args)]
pub struct ScanArgs {
    /// Photos or scans (PNG, JPEG) and PDFs
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where the codes were scanned (a site, a shop, a GLN); labels seen at two places
    /// within a day are flagged as copies. Default: this organisation
    #[arg(long, value_name = "PLACE")]
    place: Option<String>,
    /// Do not record the labels in the scan log (and do not check them for copies)
    #[arg(long)]
    no_log: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct SightingsArgs {
    /// Only this serial: GTIN/SERIAL
    #[arg(long, value_name = "GTIN/SERIAL")]
    serial: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long)]
    json: bool,
}

pub fn sightings(home: &Path, a: SightingsArgs) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let l = h.ledger_read_only()?;
    let serial = match &a.serial {
        Some(text) => {
            let (g, s) = text.split_once('/').ok_or_else(|| {
                Error::invalid(
                    "serial",
                    format!("{text:?}: write GTIN/SERIAL, e.g. 07701234000011/000005"),
                )
            })?;
            Some((
                tradeseal_core::gs1::Gtin::parse(g)?.to_string(),
                s.trim().to_string(),
            ))
        }
        None => None,
    };
    let rows = label::sightings::history(
        &l,
        serial.as_ref().map(|(g, s)| (g.as_str(), s.as_str())),
        a.limit,
    )?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&rows).expect("JSON"));
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!(
            "No label scanned yet{}",
            if serial.is_some() {
                " with this serial"
            } else {
                ""
            }
        );
    }
    for r in &rows {
        println!(
            "{}  {}/{} lot {}  at {:?}  {}  ({})",
            r.time, r.gtin, r.serial, r.lot, r.place, r.verdict, r.source
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What a verified certificate states, read from its signed payload (not from the
/// printed page, which anyone can edit).
fn certified(r: &tradeseal_core::certificate::CertificateReport) {
    let Some(st) = &r.statement else { return };
    if let tradeseal_core::certificate::Subject::File(f) = &st.subject {
        println!(
            "      a file existed with SHA-256 {} ({} bytes, {}{}{})",
            f.sha256,
            f.size,
            f.name,
            f.title
                .as_deref()
                .map(|t| format!(", \"{t}\""))
                .unwrap_or_default(),
            f.owner
                .as_deref()
                .map(|o| format!(", owner {o}"))
                .unwrap_or_default()
        );
    }
    if let Some(o) = &st.origin {
        origin_lines(o);
    }
    println!(
        "      issuer key {}, ledger {} entry {}",
        r.fingerprint.as_deref().unwrap_or("?"),
        r.origin.as_deref().unwrap_or("?"),
        r.seq.map(|s| s.to_string()).unwrap_or_default()
    );
}

fn origin_lines(o: &tradeseal_core::certificate::statement::OriginSummary) {
    let none = || "none recorded".to_string();
    println!(
        "      countries of origin: {} ({} of {} origins verified)",
        if o.countries.is_empty() {
            none()
        } else {
            o.countries.join(", ")
        },
        o.verified,
        o.origins
    );
    if !o.places.is_empty() {
        let places: Vec<String> = o
            .places
            .iter()
            .map(|p| {
                let more: Vec<&str> = [p.country.as_deref(), p.produced.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                format!("{} ({})", p.name, more.join(", "))
            })
            .collect();
        println!("      places: {}", places.join("; "));
    }
    if !o.parties.is_empty() {
        println!("      parties: {}", o.parties.join(", "));
    }
}

/// Writes a batch's labels to `output` as ZPL or PDF sheets; says what was written.
fn write_labels(
    batch: &issue::Batch,
    stock: &layout::Layout,
    output: &Path,
    now: tradeseal_core::Timestamp,
) -> Result<String> {
    let (bytes, what) = label::printed(batch, stock, label::Output::of(output)?, now)?;
    tradeseal_core::files::write_file(output, &bytes)?;
    Ok(format!(
        "Wrote {} ({what}, {})",
        output.display(),
        stock.what
    ))
}

pub fn labels(home: &Path, a: LabelArgs) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    if let Some(LabelsAgain::Reprint {
        entry,
        layout,
        output,
    }) = a.again
    {
        let stock = layout::Layout::by_name(&layout)?;
        label::Output::of(&output)?;
        let ledger = h.ledger_read_only()?;
        let signer = crate::env::signer(&h)?;
        let batch = issue::reprint(&ledger, &signer, entry)?;
        let wrote = write_labels(&batch, stock, &output, tradeseal_core::system::now())?;
        println!(
            "Printed again {} label(s) of GTIN {} lot {} (ledger entry {entry}; nothing new issued)",
            batch.labels.len(),
            batch.payload.gtin,
            batch.payload.lot
        );
        println!("{wrote}");
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(gtin), Some(lot), Some(output)) = (a.gtin, a.lot, a.output) else {
        unreachable!("clap requires them without a subcommand")
    };
    let stock = layout::Layout::by_name(&a.layout)?;
    label::Output::of(&output)?;
    let serials = match (&a.serials, a.count, &a.serial_list) {
        (Some(r), _, _) => {
            let (from, to) = r.split_once("..").ok_or_else(|| {
                Error::invalid(
                    "serials",
                    format!("{r:?}: give a range FROM..TO (000001..000500)"),
                )
            })?;
            Serials::Range {
                from: from.trim().to_string(),
                to: to.trim().to_string(),
            }
        }
        (_, Some(n), _) => Serials::Next(n),
        (_, _, Some(f)) => {
            let text = tradeseal_core::files::read_text_limited(
                f,
                tradeseal_core::files::MAX_TEXT_FILE,
                "a list of serials",
            )?;
            Serials::List(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        }
        _ => unreachable!("clap requires one"),
    };
    let mut ledger = h.ledger()?;
    let gtin = tradeseal_core::gs1::Gtin::parse(&gtin)?;
    let product = match a.product {
        Some(p) => Some(p),
        None => tradeseal_core::masterdata::product_name(&ledger, gtin.as_str())?,
    };
    let signer = crate::env::signer(&h)?;
    let now = tradeseal_core::system::now();
    let batch = issue::issue(
        &mut ledger,
        &signer,
        now,
        &label::Request {
            gtin: gtin.as_str(),
            lot: &lot,
            serials,
            resolver: &a.resolver,
            product: product.as_deref(),
        },
    )?;
    // The batch is issued (durable) before anything is printed: a failed write is
    // told how to print it again, not issued twice.
    let wrote = write_labels(&batch, stock, &output, now).map_err(|e| {
        Error::invalid(
            "output",
            format!(
                "{e}. The labels are issued (ledger entry {}): print them with `tradeseal labels reprint {} -o FILE`",
                batch.seq, batch.seq
            ),
        )
    })?;
    let first = batch
        .labels
        .first()
        .map(|l| l.link.serial.as_str())
        .unwrap_or("");
    let last = batch
        .labels
        .last()
        .map(|l| l.link.serial.as_str())
        .unwrap_or("");
    println!(
        "Issued {} label(s) of GTIN {} lot {}, serials {first} to {last} (ledger entry {})",
        batch.labels.len(),
        batch.payload.gtin,
        batch.payload.lot,
        batch.seq
    );
    println!("{wrote}");
    Ok(ExitCode::SUCCESS)
}

pub fn scan(home: &Path, a: ScanArgs) -> Result<ExitCode> {
    let h = match crate::env::home(home) {
        Ok(h) => Some(h),
        Err(Error::HomeMissing { .. }) => None,
        Err(e) => return Err(e),
    };
    let ledger = match &h {
        Some(h) if !a.no_log => Some(h.ledger()?),
        Some(h) => Some(h.ledger_read_only()?),
        None => None,
    };
    let place = match (&a.place, &h) {
        (Some(p), _) => p.trim().to_string(),
        (None, Some(h)) => h.card().org.clone(),
        (None, None) => String::new(),
    };
    if place.is_empty() && a.place.is_some() {
        return Err(Error::invalid(
            "place",
            "name the place where the codes were scanned",
        ));
    }
    let now = tradeseal_core::system::now();
    let keys = match (&ledger, &h) {
        (Some(l), Some(h)) => Some(label::Keys::of(l, &h.card().org)?),
        _ => None,
    };
    let mut all = Vec::new();
    // A file that cannot be read is reported, and the others are scanned all the same.
    let mut unread: Vec<(PathBuf, String)> = Vec::new();
    let mut credentials_failed = false;
    for f in &a.files {
        // A UNTP credential file (vc+jwt): checked as `untp verify` does.
        if is_jwt(f) {
            let text = tradeseal_core::files::read_text_limited(
                f,
                tradeseal_core::files::MAX_SEALED_FILE,
                "credential",
            )?;
            let r = tradeseal_core::untp::verify(&text, ledger.as_ref());
            credentials_failed |= r.verdict == BundleVerdict::Failed;
            crate::untp::print(f, &r);
            continue;
        }
        let codes = match scan::decode_file(f) {
            Ok(c) => c,
            Err(e) => {
                unread.push((f.clone(), e.to_string()));
                continue;
            }
        };
        let source = f.display().to_string();
        let at = label::sightings::Sighting {
            place: &place,
            source: &source,
            time: now,
        };
        let checked = match (&ledger, &keys) {
            (Some(l), Some(k)) => scan::check_all(&codes, l, k, (!a.no_log).then_some(&at))?,
            // No home: the codes are read and told apart; nothing can be trusted.
            _ => codes
                .iter()
                .map(|(page, text)| scan::check(*page, text, None, None))
                .collect(),
        };
        all.push((f.clone(), checked));
    }
    let failed = credentials_failed
        || all
            .iter()
            .flat_map(|(_, c)| c)
            .any(|s| s.verdict == BundleVerdict::Failed);
    let none = all.iter().all(|(_, c)| c.is_empty());
    if a.json {
        let out: Vec<serde_json::Value> = all
            .iter()
            .map(|(f, c)| serde_json::json!({"file": f.display().to_string(), "codes": c}))
            .chain(
                unread
                    .iter()
                    .map(|(f, e)| serde_json::json!({"file": f.display().to_string(), "error": e})),
            )
            .collect();
        println!("{}", serde_json::to_string_pretty(&out).expect("JSON"));
    } else {
        for (f, codes) in &all {
            println!("{}: {} code(s)", f.display(), codes.len());
            for s in codes {
                let verdict = match s.verdict {
                    BundleVerdict::Verified => "VERIFIED",
                    BundleVerdict::VerifiedWithWarnings => "VERIFIED WITH WARNINGS",
                    BundleVerdict::Incomplete => "INCOMPLETE",
                    BundleVerdict::Failed => "FAILED",
                };
                let page = s.page.map(|p| format!("page {p}: ")).unwrap_or_default();
                println!("  {page}{verdict}: {} ({})", s.summary, s.kind);
                if let Some(r) = &s.label {
                    crate::dossiers::report_checks(&r.findings, false);
                }
                if let Some(r) = &s.certificate {
                    certified(r);
                    crate::dossiers::report_checks(&r.findings, false);
                }
            }
        }
        if none && !all.is_empty() {
            println!("No QR code found: photograph the code larger, sharper and without glare");
        }
    }
    for (f, e) in &unread {
        eprintln!("error: {} was not scanned: {e}", f.display());
    }
    // A forged or failed code says most; then a file that could not be read.
    let only_credentials = all.is_empty() && unread.is_empty() && !a.files.is_empty();
    Ok(
        if failed || (none && unread.is_empty() && !only_credentials) {
            ExitCode::from(1)
        } else if !unread.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// Whether `f` is a JWT (a compact JWS starts with `eyJ`, base64url of `{"`).
fn is_jwt(f: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(f)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok()
        && &head == b"eyJ"
}
