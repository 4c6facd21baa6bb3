//! `tradeseal bundle …`: provenance bundles out and in.

use crate::supply::Goods;
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::bundle::{self, BundleReport, BundleVerdict, FindingSeverity};
use tradeseal_core::trace;
use tradeseal_core::{Error, Result};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn size(self) -> tradeseal_core::pdf::PageSize {
        match self {
            Paper::A4 => tradeseal_core::pdf::PageSize::A4,
            Paper::Letter => tradeseal_core::pdf::PageSize::Letter,
        }
    }
}

#[derive(Subcommand)]
pub enum BundleCommand {
    /// Write the custody chain of some goods, signed and provable, to one file
    Export {
        #[command(flatten)]
        goods: Goods,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Check a bundle offline, without changing anything: exit 0 verified, 1 failed
    Verify {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Also write the report as a PDF to file with the shipment
        #[arg(long, value_name = "PDF")]
        report: Option<PathBuf>,
        /// Page size of the PDF report
        #[arg(long, value_enum, default_value_t = Paper::A4, requires = "report")]
        paper: Paper,
    },
    /// Verify a bundle, then add its partners' entries to this home, all or nothing
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(home: &Path, cmd: BundleCommand) -> Result<ExitCode> {
    match cmd {
        BundleCommand::Export { goods, output } => {
            let (kind, start) = goods.start()?;
            let h = crate::env::home(home)?;
            let ledger = h.ledger_for_export()?;
            let n = tradeseal_core::files::write_atomically(&output, |w| {
                bundle::export(&ledger, h.card(), kind, &start, w)
            })?;
            println!(
                "Wrote {} of the chain of {} to {}",
                count(n, "signed entry", "signed entries"),
                trace::label_of(&start),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        BundleCommand::Import { file, json } => {
            let h = crate::env::home(home)?;
            let open = || {
                std::fs::File::open(&file)
                    .map(std::io::BufReader::new)
                    .map_err(|e| Error::io(format!("opening {}", file.display()), e))
            };
            open()?;
            let mut ledger = h.ledger()?;
            let signer = crate::env::signer(&h)?;
            let r = bundle::import(
                &mut ledger,
                &signer,
                tradeseal_core::system::now(),
                open,
                &mut |_| true,
            )?;
            // The Home screen's list of bundles received and not imported; a note only.
            if let Ok(sha) = tradeseal_core::files::sha256_of(&file) {
                let _ = tradeseal_core::received::imported(h.path(), &sha);
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("reports serialise")
                );
            } else {
                print_report(&r.report);
                match r.recorded {
                    Some(seq) => println!(
                        "Imported {} ({} held already); recorded as entry {seq}",
                        count(r.new_entries, "new entry", "new entries"),
                        r.known_entries
                    ),
                    None => println!(
                        "Nothing new: {} imported before",
                        count(r.known_entries, "entry was", "entries were")
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        BundleCommand::Verify {
            file,
            json,
            report: pdf,
            paper,
        } => {
            // Judged by this home's trust store when there is one; otherwise every signer is unknown.
            let h = match crate::env::home(home) {
                Ok(h) => Some(h),
                Err(Error::HomeMissing { .. }) => None,
                Err(e) => return Err(e),
            };
            let ledger = h.as_ref().map(|h| h.ledger_read_only()).transpose()?;
            let (report, sha) = bundle::verify_file(&file, ledger.as_ref(), &mut |_| true)?;
            if let Some(h) = &h {
                let now = tradeseal_core::system::now();
                let _ = tradeseal_core::received::verified(h.path(), &file, &sha, &report, now);
            }
            if let Some(out) = &pdf {
                let page = paper.size();
                let now = tradeseal_core::system::now();
                let card = h.as_ref().map(|h| h.card());
                bundle::save_report_pdf(
                    &report,
                    &file,
                    &sha,
                    card,
                    now,
                    page,
                    crate::env::lang(),
                    out,
                )?;
                eprintln!("Wrote the report to {}", out.display());
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("reports serialise")
                );
            } else {
                print_report(&report);
            }
            Ok(match report.verdict {
                BundleVerdict::Failed => ExitCode::from(1),
                BundleVerdict::Incomplete => ExitCode::from(3),
                _ => ExitCode::SUCCESS,
            })
        }
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn print_report(r: &BundleReport) {
    println!("{}", bundle::headline(r));
    println!(
        "{}, {}",
        count(r.entries, "entry", "entries"),
        count(r.events, "event", "events")
    );
    let mut authors: Vec<_> = r.authors.iter().collect();
    authors.sort_by(|a, b| (&a.org, b.entries, &a.key).cmp(&(&b.org, a.entries, &b.key)));
    for a in authors {
        println!(
            "  {:<10} {}  {}  ({})",
            a.status,
            a.fingerprint,
            a.org,
            count(a.entries, "entry", "entries")
        );
    }
    if let Some(share) = r.verified_share {
        println!(
            "Verified share of the goods' origin: {:.0} %",
            share * 100.0
        );
    }
    for f in &r.findings {
        let sev = match f.severity {
            FindingSeverity::Error => "ERROR",
            FindingSeverity::Gap => "GAP",
            FindingSeverity::Warning => "WARN",
            FindingSeverity::Info => "INFO",
        };
        let line = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        println!("{sev:<5} {:<22} {line}{}", f.code, f.message);
        if let Some(p) = &f.party {
            println!("      party: {p}");
        }
        if let Some(e) = &f.event {
            println!("      event: {e}");
        }
        println!("      what to do: {}", f.action);
    }
    if r.more_findings > 0 {
        println!("({} more findings not listed; use --json)", r.more_findings);
    }
}
