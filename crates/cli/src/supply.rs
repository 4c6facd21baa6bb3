//! Supply-chain subcommands: EPCIS import and export, trace, master data.

use clap::{ArgGroup, Args, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::epcis::{self, ExportFormat, ExportSelection};
use tradeseal_core::masterdata::{self, Location, Party, Product};
use tradeseal_core::trace::{self, Direction, TraceResult};
use tradeseal_core::{Error, Result};

#[derive(Subcommand)]
pub enum EpcisCommand {
    /// Import an EPCIS document (2.0 JSON-LD, 2.0 or 1.2 XML): every event checked first, then all recorded or none
    Import {
        file: PathBuf,
        /// Print JSON, with every event's hash id
        #[arg(long)]
        json: bool,
    },
    /// Check a document without recording anything: each event's CBV 2.0 hash id and whether it would be imported
    Check {
        file: PathBuf,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Also print each event's CBV 2.0 pre-hash string
        #[arg(long)]
        prehash: bool,
    },
    /// Write recorded events as an EPCIS document: 2.0 JSON-LD, 2.0 XML or 1.2 XML
    #[command(group(ArgGroup::new("which").required(true).args(["lot", "all"])))]
    Export {
        /// jsonld, xml (EPCIS 2.0) or xml-1.2 (for partners on EPCIS 1.2); default: xml
        /// when the output file ends in .xml, else jsonld
        #[arg(long, value_name = "FORMAT")]
        format: Option<String>,
        /// The events of this lot's history (GTIN/LOT): its own and those of everything it came from
        #[arg(long, value_name = "GTIN/LOT")]
        lot: Option<String>,
        /// Every recorded event
        #[arg(long)]
        all: bool,
        /// Write here instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Which goods: exactly one of a lot, an item or a logistic unit.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Goods {
    /// A lot, as GTIN/LOT
    #[arg(long, value_name = "GTIN/LOT")]
    lot: Option<String>,
    /// One item, as GTIN/SERIAL
    #[arg(long, value_name = "GTIN/SERIAL")]
    serial: Option<String>,
    /// A logistic unit (18 digits)
    #[arg(long)]
    sscc: Option<String>,
}

impl Goods {
    /// The kind (`lot`, `serial`, `sscc`) and the canonical Digital Link.
    pub fn start(&self) -> Result<(&'static str, String)> {
        let (kind, text) = match (&self.lot, &self.serial, &self.sscc) {
            (Some(l), _, _) => ("lot", l),
            (_, Some(s), _) => ("serial", s),
            (_, _, Some(s)) => ("sscc", s),
            _ => unreachable!("clap requires one"),
        };
        Ok((kind, trace::start_id(kind, text)?))
    }
}

#[derive(Args)]
#[command(group(ArgGroup::new("direction").required(true).args(["back", "forward"])))]
pub struct TraceArgs {
    #[command(flatten)]
    goods: Goods,
    /// To every origin
    #[arg(long)]
    back: bool,
    /// To everything that contains it or was made from it (the recall list)
    #[arg(long)]
    forward: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum MasterCommand {
    /// Record a product (a new version if the GTIN is known)
    Product {
        #[arg(long)]
        gtin: String,
        #[arg(long)]
        name: String,
        /// Harmonized System code, 6 to 10 digits
        #[arg(long)]
        hs: Option<String>,
        /// UN/ECE Rec 20 unit: KGM, H87 (pieces) …
        #[arg(long)]
        unit: Option<String>,
    },
    /// Record a location: a farm, plot, warehouse or shop
    Location {
        #[arg(long)]
        gln: String,
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country code
        #[arg(long)]
        country: String,
        /// ISO 3166-2 subdivision (e.g. CO-HUI)
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        address: Option<String>,
        /// A GeoJSON Point or Polygon (WGS 84), as JSON text
        #[arg(long, value_name = "GEOJSON")]
        geometry: Option<String>,
        /// A production plot's area in hectares (EUDR: above 4 ha, give a Polygon)
        #[arg(long, value_name = "HA")]
        area_ha: Option<String>,
        /// The producer declares the plot not deforested or degraded after 2020-12-31
        #[arg(long)]
        deforestation_free: bool,
        /// Reference of the evidence for the plot's land use (satellite analysis, audit)
        #[arg(long, value_name = "REF")]
        evidence: Option<String>,
        /// The date deforestation or degradation was recorded on the plot
        #[arg(long, value_name = "DATE")]
        deforested_on: Option<String>,
    },
    /// Record a trading party
    Party {
        #[arg(long)]
        gln: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        country: String,
    },
    /// List the latest master data
    List {
        /// product, location or party
        #[arg(long)]
        kind: Option<String>,
        /// Only records whose key or name contains this
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn print_json<T: Serialize>(v: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("reports serialise")
    );
}

pub fn epcis_cmd(home: &Path, cmd: EpcisCommand) -> Result<ExitCode> {
    match cmd {
        EpcisCommand::Import { file, json } => import(home, &file, json),
        EpcisCommand::Check {
            file,
            json,
            prehash,
        } => check(&file, json, prehash),
        EpcisCommand::Export {
            format,
            lot,
            all: _,
            output,
        } => export(home, lot.as_deref(), output.as_deref(), format.as_deref()),
    }
}

fn import(home: &Path, file: &Path, json: bool) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let open = || {
        std::fs::File::open(file).map_err(|e| Error::io(format!("opening {}", file.display()), e))
    };
    open()?;
    let mut ledger = h.ledger()?;
    let signer = crate::env::signer(&h)?;
    let report = epcis::import(
        &mut ledger,
        &signer,
        tradeseal_core::system::now(),
        &*h.codelists()?,
        open,
        json,
        &mut |_| {},
    )?;
    if json {
        print_json(&report);
    } else {
        let format = report.format.label();
        println!(
            "Imported {} from {} ({format}): {} new, {} already recorded",
            plural(report.events, "event"),
            file.display(),
            report.new,
            report.known
        );
        if !report.master_data.is_empty() {
            println!(
                "Master data: {} recorded, {} unchanged, {} skipped",
                report.master_data_recorded,
                report
                    .master_data
                    .iter()
                    .filter(|m| m.outcome == "unchanged")
                    .count(),
                report
                    .master_data
                    .iter()
                    .filter(|m| m.outcome == "skipped")
                    .count()
            );
            for m in report.master_data.iter().filter(|m| m.outcome == "skipped") {
                println!("  skipped {}: {}", m.id, m.reason.as_deref().unwrap_or(""));
            }
        }
        for w in &report.warnings {
            println!("warning: event {}: {}", w.index, w.message);
        }
        if report.warning_count > report.warnings.len() {
            println!(
                "warning: {} more warnings not shown (--json lists the first 1,000)",
                report.warning_count - report.warnings.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(file: &Path, json: bool, prehash: bool) -> Result<ExitCode> {
    let f = std::fs::File::open(file)
        .map_err(|e| Error::io(format!("opening {}", file.display()), e))?;
    let report = epcis::check_document(f, prehash)?;
    if json {
        print_json(&report);
    } else {
        for e in &report.events {
            let at =
                e.at.as_deref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default();
            println!("{:>4} {:<19} {}{at}", e.index, e.event_type, e.hash_id);
            if let Some(p) = &e.prehash {
                println!("     pre-hash {p}");
            }
            if let Some(p) = &e.problem {
                println!("     REFUSED: {p}");
            }
        }
        println!(
            "{} ({}): {}, {} would be refused, {} master-data elements",
            report.doc_type,
            report.format.label(),
            plural(report.events.len(), "event"),
            report.problems(),
            report.master_data_elements
        );
    }
    Ok(if report.problems() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn export(
    home: &Path,
    lot: Option<&str>,
    output: Option<&Path>,
    format: Option<&str>,
) -> Result<ExitCode> {
    let by_name = output
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let format = match format {
        Some("jsonld" | "json") => ExportFormat::JsonLd,
        Some("xml" | "xml-2.0") => ExportFormat::Xml(epcis::XmlVersion::V2_0),
        Some("xml-1.2") => ExportFormat::Xml(epcis::XmlVersion::V1_2),
        Some(other) => {
            return Err(Error::invalid(
                "format",
                format!("{other:?}: use jsonld, xml or xml-1.2"),
            ))
        }
        None if by_name => ExportFormat::Xml(epcis::XmlVersion::V2_0),
        None => ExportFormat::JsonLd,
    };
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    let sel = match lot {
        None => ExportSelection::All,
        Some(l) => ExportSelection::lot_history(&ledger, l)?,
    };
    let now = tradeseal_core::system::now();
    let n = match output {
        Some(p) => {
            let n = tradeseal_core::files::write_atomically(p, |w| {
                epcis::export_as(&ledger, &sel, now, format, w)
            })?;
            eprintln!("Exported {} to {}", plural(n, "event"), p.display());
            n
        }
        None => {
            let out = std::io::stdout();
            let mut lock = out.lock();
            let n = epcis::export_as(&ledger, &sel, now, format, &mut lock)?;
            lock.flush()
                .map_err(|e| Error::io("writing the export", e))?;
            n
        }
    };
    let _ = n;
    Ok(ExitCode::SUCCESS)
}

pub fn trace_cmd(home: &Path, a: TraceArgs) -> Result<ExitCode> {
    let (_, start) = a.goods.start()?;
    let dir = if a.back {
        Direction::Back
    } else {
        Direction::Forward
    };
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    let r = trace::trace(&ledger, &start, dir)?;
    if a.json {
        print_json(&r);
    } else {
        print_trace(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_trace(r: &TraceResult) {
    let (title, none) = match r.direction {
        Direction::Back => (
            "Origins and inputs of",
            "nothing recorded leads further back: it is its own origin",
        ),
        Direction::Forward => (
            "Everything containing or made from",
            "nothing recorded contains it or was made from it",
        ),
    };
    println!("{title} {}", r.nodes[0].label);
    if r.nodes.len() == 1 {
        println!("  {none}");
    }
    for n in &r.nodes[1..] {
        let name = n
            .product_name
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        let origin = if n.origin { "  ORIGIN" } else { "" };
        println!(
            "  {}{}{name}{origin}",
            "  ".repeat(n.depth as usize - 1),
            n.label
        );
        if let (true, Some(at)) = (n.origin, &n.created_at) {
            let place = n.created_at_name.as_deref().unwrap_or(at);
            println!(
                "  {}  created at {place}",
                "  ".repeat(n.depth as usize - 1)
            );
        }
        println!(
            "  {}  via {}",
            "  ".repeat(n.depth as usize - 1),
            n.path.join(" > ")
        );
    }
    if !r.mass_balance.is_empty() {
        println!("Mass balance");
        for m in &r.mass_balance {
            let mark = match m.finding.as_str() {
                "gain" => "ERROR",
                "ok" => "ok",
                _ => "note",
            };
            println!("  {mark:<5} {}: {}", m.hash_id, m.message);
        }
    }
    println!("{} events name these goods", r.events.len());
}

pub fn master_cmd(home: &Path, cmd: MasterCommand) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let lists = h.codelists()?;
    let entry = match cmd {
        MasterCommand::List { kind, search, json } => {
            if let Some(k) = &kind {
                if !matches!(k.as_str(), "product" | "location" | "party") {
                    return Err(Error::invalid(
                        "kind",
                        format!("{k:?}: use product, location or party"),
                    ));
                }
            }
            let ledger = h.ledger_read_only()?;
            let recs = masterdata::list(&ledger, kind.as_deref(), search.as_deref(), 10_000)?;
            if json {
                print_json(&recs);
            } else if recs.is_empty() {
                println!("No master data yet. Add some with `tradeseal masterdata product|location|party`.");
            } else {
                for r in recs {
                    println!("{:<9} {:<14} {}", r.kind, r.key, r.name);
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        MasterCommand::Product {
            gtin,
            name,
            hs,
            unit,
        } => Product::new(&gtin, &name, hs.as_deref(), unit.as_deref(), &lists)?.entry()?,
        MasterCommand::Location {
            gln,
            name,
            country,
            region,
            address,
            geometry,
            area_ha,
            deforestation_free,
            evidence,
            deforested_on,
        } => {
            let mut loc = Location::new(
                &gln,
                &name,
                &country,
                region.as_deref(),
                address.as_deref(),
                None,
                &lists,
            )?;
            if let Some(g) = geometry {
                loc = loc.with_geometry_text(&g)?;
            }
            loc.with_plot(tradeseal_core::masterdata::Plot {
                area_ha,
                deforestation_free: deforestation_free.then_some(true),
                evidence,
                deforested_on,
            })?
            .entry()?
        }
        MasterCommand::Party { gln, name, country } => {
            Party::new(&gln, &name, &country, &lists)?.entry()?
        }
    };
    let (seq, hash) = crate::commands::append_one(&h, entry)?;
    println!("Recorded entry {seq} ({hash})");
    Ok(ExitCode::SUCCESS)
}
