//! EUDR subcommands: the geolocation file of a due-diligence statement.

use clap::{ArgGroup, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::dossier::{geojson, store};
use tradeseal_core::Result;

#[derive(Subcommand)]
pub enum EudrCommand {
    /// Write the production plots as the GeoJSON file the EU information system takes
    /// for a due-diligence statement (WGS 84, one Feature a plot)
    #[command(group(ArgGroup::new("which").required(true).args(["dossier", "lot"])))]
    Geojson {
        /// The plots of this dossier's goods lines in EUDR scope (id or LRN)
        #[arg(long, value_name = "ID")]
        dossier: Option<String>,
        /// The plots this lot was produced on (GTIN/LOT)
        #[arg(long, value_name = "GTIN/LOT")]
        lot: Option<String>,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn run(home: &Path, cmd: EudrCommand) -> Result<ExitCode> {
    let EudrCommand::Geojson {
        dossier,
        lot,
        output,
    } = cmd;
    let h = crate::env::home(home)?;
    let ledger = h.ledger_read_only()?;
    let org = h.card().org.clone();
    let plots = match (dossier, lot) {
        (Some(d), _) => {
            let id = store::resolve(&ledger, &d)?;
            let s = store::get(&ledger, &id, None)?;
            geojson::plots_of_dossier(&ledger, &s.dossier, &*h.codelists()?, &org)?
        }
        (_, Some(l)) => geojson::plots_of_lot(&ledger, &l, &org)?,
        _ => unreachable!("clap requires one"),
    };
    let file = geojson::geojson(&plots)?;
    tradeseal_core::files::write_file(&output, file.text.as_bytes())?;
    for w in &file.warnings {
        println!("warning: {w}");
    }
    println!(
        "Wrote {} plot{} to {} ({} bytes): upload it with the due-diligence statement",
        file.plots,
        if file.plots == 1 { "" } else { "s" },
        output.display(),
        file.text.len()
    );
    Ok(ExitCode::SUCCESS)
}
