//! `tradeseal publish --lot GTIN/LOT -o DIR`: the lot's passport pages as a static site
//! (docs/spec/passport.md).

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::publish::{self, Options};
use tradeseal_core::{Error, Result};

#[derive(Args)]
pub struct PublishArgs {
    /// The lot: GTIN/LOT (04012345123456/R-2026-031)
    #[arg(long, value_name = "GTIN/LOT")]
    lot: String,
    /// Also a page for every serial issued for the lot, with the label's check
    #[arg(long)]
    serials: bool,
    /// On each serial's page, where and when the label was scanned (the scan log)
    #[arg(long, requires = "serials")]
    sightings: bool,
    /// Leave out: quantities, partners (places by country only, no parties, no bundle);
    /// repeat or separate by commas
    #[arg(long, value_name = "WHAT", value_delimiter = ',')]
    hide: Vec<String>,
    /// Where the site will be served, for the resolver's linkset (https://…)
    #[arg(long, value_name = "URL")]
    base: Option<String>,
    /// The folder to write (new, empty, or a site published before)
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

pub fn run(home: &Path, a: PublishArgs) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let mut opts = Options {
        serials: a.serials,
        sightings: a.sightings,
        base: a.base,
        ..Options::default()
    };
    for w in &a.hide {
        match w.trim() {
            "quantities" => opts.hide_quantities = true,
            "partners" => opts.hide_partners = true,
            other => {
                return Err(Error::invalid(
                    "hide",
                    format!("{other:?}: --hide takes quantities or partners"),
                ))
            }
        }
    }
    if let Some(b) = &opts.base {
        if !b.starts_with("https://") {
            return Err(Error::invalid(
                "base",
                format!("{b}: the site's address is an https:// URL"),
            ));
        }
    }
    let ledger = h.ledger()?;
    let p = publish::publish(&ledger, h.card(), &a.lot, &opts, &a.output)?;
    println!(
        "Published {} to {}: {} file(s), {} kB",
        a.lot,
        a.output.display(),
        p.files,
        (p.bytes + 512) / 1024
    );
    println!("  lot page      {}", p.lot_page.display());
    if a.serials {
        println!("  serial pages  {}", p.serial_pages);
    }
    println!(
        "  linkset       {}",
        a.output.join("linkset.json").display()
    );
    Ok(ExitCode::SUCCESS)
}
