//! `tradeseal certificate …`: certificates of origin or authenticity for a lot or a
//! sealed dossier, recorded in the ledger and printed with a self-verifying QR code.

use crate::bundles::Paper;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::certificate::{self, pdf, CertificateType, Target};
use tradeseal_core::home::Home;
use tradeseal_core::{Error, Result};

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Record a certificate in the ledger and write it as a PDF
    Issue(IssueArgs),
    /// Write an issued certificate (its ledger entry) as a PDF again
    Print {
        /// The certificate's ledger entry (its number after the slash)
        entry: u64,
        #[arg(long, value_enum, default_value = "a4")]
        paper: Paper,
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
    },
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["lot", "dossier"])))]
pub struct IssueArgs {
    /// A lot: GTIN/LOT (07701234000011/H-2026-017)
    #[arg(long, value_name = "GTIN/LOT")]
    lot: Option<String>,
    /// A sealed dossier: its id or LRN (its latest sealed version)
    #[arg(long, value_name = "ID")]
    dossier: Option<String>,
    /// origin (every origin of the chain verified) or authenticity
    #[arg(long = "type", default_value = "origin", value_name = "TYPE")]
    kind: String,
    #[arg(long, value_enum, default_value = "a4")]
    paper: Paper,
    #[arg(short, long, value_name = "FILE.pdf")]
    output: PathBuf,
}

pub fn run(home: &Path, c: CertificateCommand) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    match c {
        CertificateCommand::Issue(a) => {
            check_pdf(&a.output)?;
            let kind = CertificateType::parse(&a.kind)?;
            let target = match (a.lot, a.dossier) {
                (Some(l), _) => Target::Lot(l),
                (_, Some(d)) => Target::Dossier(d),
                _ => unreachable!("clap requires one"),
            };
            let mut ledger = h.ledger()?;
            // The statement is checked before the passphrase is asked for.
            certificate::statement::state(&ledger, &h.card().org, kind, &target)?;
            let signer = crate::env::signer(&h)?;
            let now = tradeseal_core::system::now();
            let c = certificate::issue(&mut ledger, &signer, now, kind, &target)?;
            write(&h, &c, a.paper, &a.output)?;
            println!("Issued {}", described(&c));
            summary(&c);
            println!("Wrote {}", a.output.display());
        }
        CertificateCommand::Print {
            entry,
            paper,
            output,
        } => {
            check_pdf(&output)?;
            let ledger = h.ledger()?;
            let signer = crate::env::signer(&h)?;
            let c = certificate::packed(&ledger, &signer, entry)?;
            write(&h, &c, paper, &output)?;
            println!("{}", described(&c));
            println!("Wrote {}", output.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `Certificate of Origin no. ORIGIN/SEQ for SUBJECT`.
pub(crate) fn described(c: &certificate::Certificate) -> String {
    format!(
        "{} no. {}/{} for {}",
        c.statement.kind.title(),
        c.claims.origin,
        c.seq(),
        c.statement.subject.describe()
    )
}

fn summary(c: &certificate::Certificate) {
    let Some(o) = &c.statement.origin else { return };
    println!(
        "Origins: {} of {} verified; countries: {}",
        o.verified,
        o.origins,
        if o.countries.is_empty() {
            "none recorded".to_string()
        } else {
            o.countries.join(", ")
        }
    );
}

pub(crate) fn check_pdf(out: &Path) -> Result<()> {
    let pdf = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if pdf {
        Ok(())
    } else {
        Err(Error::invalid(
            "output",
            format!("{}: a certificate is written as FILE.pdf", out.display()),
        ))
    }
}

pub(crate) fn write(
    h: &Home,
    c: &certificate::Certificate,
    paper: Paper,
    out: &Path,
) -> Result<()> {
    let fingerprint = tradeseal_core::identity::fingerprint(&c.claims.key);
    let issuer = pdf::Issuer {
        org: &h.card().org,
        fingerprint: &fingerprint,
    };
    let bytes = pdf::certificate_pdf(c, &issuer, paper.size(), crate::env::lang());
    tradeseal_core::files::write_file(out, &bytes)
}
