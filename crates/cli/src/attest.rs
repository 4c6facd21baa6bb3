//! `tradeseal attest FILE…`: proof of existence. Each file's SHA-256 (never the file)
//! recorded in the ledger and printed as a certificate with its QR code;
//! `tradeseal attest verify FILE CERT` says whether a file is the one attested, and
//! since when.

use crate::bundles::Paper;
use clap::{Args, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::attest::{self, Hashed};
use tradeseal_core::{Error, Result};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AttestArgs {
    #[command(subcommand)]
    verify: Option<AttestCommand>,
    /// The files to attest (each gets its own ledger entry and certificate)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// What the file is ("Spring collection, jacket 12"), printed on the certificate
    #[arg(long)]
    title: Option<String>,
    /// Whose it is, printed on the certificate
    #[arg(long)]
    owner: Option<String>,
    #[arg(long, value_enum, default_value = "a4")]
    paper: Paper,
    /// The folder the certificates are written to, FILE-NAME.attest.pdf each
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    output: PathBuf,
}

#[derive(Subcommand)]
enum AttestCommand {
    /// Whether FILE is the file a certificate attests (its PDF, a photo of its QR code,
    /// or its TSC1: text), and since when
    Verify {
        file: PathBuf,
        #[arg(value_name = "CERT")]
        certificate: PathBuf,
    },
}

pub fn run(home: &Path, a: AttestArgs) -> Result<ExitCode> {
    match a.verify {
        Some(AttestCommand::Verify { file, certificate }) => verify(home, &file, &certificate),
        None => issue(home, a),
    }
}

fn issue(home: &Path, a: AttestArgs) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    // Every output is checked before anything is hashed or recorded.
    let mut outputs = Vec::new();
    for f in &a.files {
        let name = file_name(f)?;
        let out = a.output.join(format!("{name}.attest.pdf"));
        if out.exists() {
            return Err(Error::invalid(
                "output",
                format!(
                    "{} exists: choose another folder with -o, or move it away",
                    out.display()
                ),
            ));
        }
        if outputs.contains(&out) {
            return Err(Error::invalid(
                "files",
                format!("two files are named {name}: attest them from different runs or folders"),
            ));
        }
        outputs.push(out);
    }
    // The statements are checked before the passphrase is asked for.
    let mut hashed = Vec::new();
    for f in &a.files {
        let x = hash(f)?;
        attest::statement(&x, &file_name(f)?, a.title.as_deref(), a.owner.as_deref())?;
        hashed.push(x);
    }
    std::fs::create_dir_all(&a.output)
        .map_err(|e| Error::io(format!("creating {}", a.output.display()), e))?;
    let mut ledger = h.ledger()?;
    let signer = crate::env::signer(&h)?;
    for ((f, x), out) in a.files.iter().zip(&hashed).zip(&outputs) {
        let now = tradeseal_core::system::now();
        let c = attest::attest(
            &mut ledger,
            &signer,
            now,
            x,
            &file_name(f)?,
            a.title.as_deref(),
            a.owner.as_deref(),
        )?;
        crate::certificates::write(&h, &c, a.paper, out)?;
        println!("Attested {} ({} bytes)", f.display(), x.size);
        println!("  SHA-256 {}", x.sha256);
        println!("  {}", crate::certificates::described(&c));
        println!("  Wrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(home: &Path, file: &Path, cert: &Path) -> Result<ExitCode> {
    let h = match crate::env::home(home) {
        Ok(h) => Some(h),
        Err(Error::HomeMissing { .. }) => None,
        Err(e) => return Err(e),
    };
    let text = attest::certificate_text(cert)?;
    let hashed = hash(file)?;
    let ledger = h.as_ref().map(|h| h.ledger()).transpose()?;
    let r = attest::check(hashed, &text, ledger.as_ref());
    let c = &r.certificate;
    let issuer = c.issuer.as_deref().unwrap_or("?");
    let proven = r.proven();
    match (&r.attested, proven) {
        (Some(a), true) => {
            println!(
                "PROVEN: {} is the file {} attested on {}",
                file.display(),
                issuer,
                r.since.as_deref().unwrap_or("?")
            );
            println!(
                "  attested as {}{}{}",
                a.name,
                a.title
                    .as_deref()
                    .map(|t| format!(", \"{t}\""))
                    .unwrap_or_default(),
                a.owner
                    .as_deref()
                    .map(|o| format!(", owner {o}"))
                    .unwrap_or_default()
            );
        }
        (Some(a), false) if !r.matches => {
            println!(
                "NOT THE FILE: {} is not the file this certificate attests",
                file.display()
            );
            println!(
                "  this file: SHA-256 {} ({} bytes)",
                r.file.sha256, r.file.size
            );
            println!(
                "  attested:  SHA-256 {} ({} bytes, {})",
                a.sha256, a.size, a.name
            );
            println!("  Any change to a file, even of one byte, gives another hash: this is another file or a changed copy.");
        }
        (None, _) if c.statement.is_some() => {
            println!("NOT A PROOF OF EXISTENCE: the certificate is of goods, not of a file ({}): check it with `tradeseal scan`", cert.display());
        }
        _ => println!("CERTIFICATE FAILED: {} does not verify", cert.display()),
    }
    println!(
        "  certificate: {} · issuer {} (key {}) · ledger {} entry {}",
        verdict(c),
        issuer,
        c.fingerprint.as_deref().unwrap_or("?"),
        c.origin.as_deref().unwrap_or("?"),
        c.seq.map(|s| s.to_string()).unwrap_or_else(|| "?".into())
    );
    for f in &c.findings {
        println!(
            "  {:?} {}: {} — {}",
            f.severity, f.code, f.message, f.action
        );
    }
    Ok(if proven {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn verdict(c: &tradeseal_core::certificate::CertificateReport) -> String {
    serde_json::to_value(c.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn file_name(f: &Path) -> Result<String> {
    f.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::invalid(
                "file",
                format!("{} names no file: give the file's path", f.display()),
            )
        })
}

/// Hashes `f` streaming; on a terminal, its progress in percent on standard error.
fn hash(f: &Path) -> Result<Hashed> {
    let tty = std::io::stderr().is_terminal();
    let mut shown = None;
    let x = attest::hash_file(f, &mut |done, total| {
        if !tty || total < (64 << 20) {
            return;
        }
        let pct = done * 100 / total.max(1);
        if shown != Some(pct) {
            shown = Some(pct);
            eprint!("\rHashing {}: {pct}%", f.display());
        }
    })?;
    if shown.is_some() {
        eprintln!();
    }
    Ok(x)
}
