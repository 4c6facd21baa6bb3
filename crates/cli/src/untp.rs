//! `tradeseal untp --lot GTIN/LOT -o DIR`: the lot as a UNTP 0.6.0 Digital Product
//! Passport and its chain as Digital Traceability Events, `vc+jwt` signed with the
//! organisation's key (docs/spec/untp.md); `tradeseal untp verify FILE…` checks them
//! (as `tradeseal scan` does for a credential file).

use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::untp::{self, UntpReport};
use tradeseal_core::{Error, Result};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct UntpArgs {
    #[command(subcommand)]
    verify: Option<UntpCommand>,
    /// The lot: GTIN/LOT (04012345123456/R-2026-031)
    #[arg(long, value_name = "GTIN/LOT", required = true)]
    lot: Option<String>,
    /// The folder the credentials are written to (GTIN-LOT-dpp.jwt and -dte.jwt, with
    /// their JSON beside them)
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    output: PathBuf,
}

#[derive(Subcommand)]
enum UntpCommand {
    /// Check UNTP credentials (vc+jwt files): signature, UNTP 0.6.0 shape, the issuer's
    /// standing in your trust store
    Verify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(home: &Path, a: UntpArgs) -> Result<ExitCode> {
    match a.verify {
        Some(UntpCommand::Verify { files }) => verify(home, &files),
        None => issue(home, &a.lot.expect("clap requires it"), &a.output),
    }
}

fn issue(home: &Path, lot: &str, out: &Path) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let ledger = h.ledger_read_only()?;
    let stem = lot.trim().replace('/', "-");
    let names =
        ["dpp.jwt", "dte.jwt", "dpp.json", "dte.json"].map(|n| out.join(format!("{stem}-{n}")));
    if let Some(taken) = names.iter().find(|p| p.exists()) {
        return Err(Error::invalid(
            "output",
            format!(
                "{} exists: choose another folder with -o, or move it away",
                taken.display()
            ),
        ));
    }
    // The credentials are made (and the lot checked) before the passphrase is asked for.
    let now = tradeseal_core::system::now();
    untp::events_credential(&ledger, h.card(), lot, now)?;
    let signer = crate::env::signer(&h)?;
    let i = untp::issue(&ledger, &signer, lot, now)?;
    std::fs::create_dir_all(out)
        .map_err(|e| Error::io(format!("creating {}", out.display()), e))?;
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("JSON") + "\n";
    tradeseal_core::files::write_file(&names[0], i.dpp_jwt.as_bytes())?;
    tradeseal_core::files::write_file(&names[1], i.dte_jwt.as_bytes())?;
    tradeseal_core::files::write_file(&names[2], pretty(&i.dpp).as_bytes())?;
    tradeseal_core::files::write_file(&names[3], pretty(&i.dte).as_bytes())?;
    let events = i.dte["credentialSubject"].as_array().map_or(0, Vec::len);
    println!(
        "UNTP 0.6.0 credentials of {lot}, signed by {}:",
        signer.card.org
    );
    println!("  Digital Product Passport      {}", names[0].display());
    println!(
        "  Digital Traceability Events   {} ({events} events)",
        names[1].display()
    );
    if i.left_out > 0 {
        println!(
            "  {} transaction event(s) left out: UNTP requires their source and destination parties",
            i.left_out
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(home: &Path, files: &[PathBuf]) -> Result<ExitCode> {
    let h = match crate::env::home(home) {
        Ok(h) => Some(h),
        Err(Error::HomeMissing { .. }) => None,
        Err(e) => return Err(e),
    };
    let ledger = h.as_ref().map(|h| h.ledger_read_only()).transpose()?;
    let mut failed = false;
    for f in files {
        let text = tradeseal_core::files::read_text_limited(
            f,
            tradeseal_core::files::MAX_SEALED_FILE,
            "credential",
        )?;
        let r = untp::verify(&text, ledger.as_ref());
        failed |= r.verdict == BundleVerdict::Failed;
        print(f, &r);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One credential's report, as `untp verify` and `scan` print it.
pub fn print(f: &Path, r: &UntpReport) {
    let verdict = match r.verdict {
        BundleVerdict::Verified => "VERIFIED",
        BundleVerdict::VerifiedWithWarnings => "VERIFIED with warnings",
        BundleVerdict::Incomplete => "INCOMPLETE",
        BundleVerdict::Failed => "FAILED",
    };
    println!(
        "{}: {verdict}: UNTP 0.6.0 {} issued by {}",
        f.display(),
        r.kind.as_deref().unwrap_or("credential"),
        r.issuer.as_deref().unwrap_or("?")
    );
    if let Some(c) = &r.credential {
        if let Some(p) = c["credentialSubject"].get("product") {
            println!(
                "  product {} ({}), batch {}",
                p["name"].as_str().unwrap_or("?"),
                p["id"].as_str().unwrap_or("?"),
                p["batchNumber"].as_str().unwrap_or("?")
            );
        }
        if let Some(events) = c["credentialSubject"].as_array() {
            println!("  {} traceability event(s)", events.len());
        }
    }
    println!(
        "  issuer {} (key {})",
        r.did.as_deref().unwrap_or("?"),
        r.fingerprint.as_deref().unwrap_or("?")
    );
    for x in &r.findings {
        println!(
            "  {:?} {}: {} — {}",
            x.severity, x.code, x.message, x.action
        );
    }
}
