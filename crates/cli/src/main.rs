//! `tradeseal`: the command-line face of the core. Exit codes: 0 success or valid,
//! 1 verification failed, 2 bad input, usage or environment error.

mod agent;
mod attest;
mod bundles;
mod certificates;
mod commands;
mod dossiers;
mod env;
mod eudr;
mod labels;
mod parties;
mod publish;
mod supply;
mod team;
mod untp;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tradeseal",
    version,
    about = "TradeSeal: a signed, tamper-evident ledger of supply-chain events"
)]
struct Cli {
    /// The home folder (default: $TRADESEAL_HOME, else the platform data folder)
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// The team ledger to write instead of the home's own (a PostgreSQL connection
    /// string; default: $TRADESEAL_STORE, else the home's setting from `team init`/`join`)
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "TRADESEAL_STORE",
        hide_env_values = true
    )]
    store: Option<String>,
    /// The language of the PDFs written: en, es, pt, fr, de or zh (default: from
    /// $LC_ALL, $LC_MESSAGES or $LANG, else English)
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    lang: Option<tradeseal_core::i18n::Lang>,
    #[command(subcommand)]
    command: Command,
}

fn parse_lang(s: &str) -> std::result::Result<tradeseal_core::i18n::Lang, String> {
    tradeseal_core::i18n::Lang::parse(s).ok_or_else(|| {
        let all: Vec<&str> = tradeseal_core::i18n::LANGUAGES
            .iter()
            .map(|(c, _)| *c)
            .collect();
        format!(
            "TradeSeal writes PDFs in {}; choose one of them",
            all.join(", ")
        )
    })
}

#[derive(Subcommand)]
enum Command {
    /// Create a home: the ledger and the organisation's encrypted identity
    Init {
        /// The organisation's name, as partners know it
        #[arg(long)]
        org: String,
        /// The organisation's GS1 Global Location Number (13 digits)
        #[arg(long)]
        gln: Option<String>,
    },
    /// Print the identity card: organisation, GLN, public key, fingerprint
    Identity {
        #[command(flatten)]
        json: JsonFlag,
        /// Also write the card to FILE, to hand to partners (`tradeseal party add FILE`)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write the card as a QR code: FILE.svg (an image) or FILE.pdf (a page to print)
        #[arg(long, value_name = "FILE")]
        qr: Option<PathBuf>,
    },
    /// Append an audit note to the ledger
    Note {
        /// The note's text
        text: String,
    },
    /// List the ledger's entries, newest first
    Log {
        #[command(flatten)]
        json: JsonFlag,
        /// Show at most this many entries
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Check every signature, hash link and the tree against the signed checkpoint
    Verify {
        /// A checkpoint saved earlier (from `tradeseal checkpoint`): catches truncation and rewrites
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Print the latest signed checkpoint (a C2SP signed note); save it to verify against later
    Checkpoint,
    /// Print an inclusion proof (--seq) or a consistency proof (--old-size)
    Prove(ProveArgs),
    /// Import and export GS1 EPCIS 2.0 events
    #[command(subcommand)]
    Epcis(supply::EpcisCommand),
    /// Follow a lot, item or logistic unit back to its origins or forward to what it went into
    Trace(supply::TraceArgs),
    /// Record and list products, locations and parties
    #[command(subcommand)]
    Masterdata(supply::MasterCommand),
    /// Partners' identity cards and your trust decisions (each one a ledger entry)
    #[command(subcommand)]
    Party(parties::PartyCommand),
    /// Provenance bundles: export the signed chain of some goods, verify one received
    #[command(subcommand)]
    Bundle(bundles::BundleCommand),
    /// Customs dossiers: build, validate, seal, export and verify
    #[command(subcommand)]
    Dossier(dossiers::DossierCommand),
    /// EU Deforestation Regulation: the plots' geolocation file for a due-diligence statement
    #[command(subcommand)]
    Eudr(eudr::EudrCommand),
    /// Issue signed authenticity labels (one ledger entry a batch) and print them:
    /// sheets as PDF (vector QR codes) or ZPL for Zebra printers
    Labels(labels::LabelArgs),
    /// Read every QR code in photos, scans or PDFs and check each offline
    Scan(labels::ScanArgs),
    /// Where and when labels were scanned (the scan log), newest first
    Sightings(labels::SightingsArgs),
    /// A lot's passport pages as a static site: origins on a map, journey,
    /// certifications, the signed chain; with --serials, each label's check in the browser
    Publish(publish::PublishArgs),
    /// UN Transparency Protocol 0.6.0: the lot as a Digital Product Passport and its
    /// chain as Digital Traceability Events (vc+jwt); `untp verify FILE…` checks them
    Untp(untp::UntpArgs),
    /// Proof of existence: record each file's SHA-256 (never the file) and print its
    /// certificate; `attest verify FILE CERT` checks a file against one
    Attest(attest::AttestArgs),
    /// Certificates of origin or authenticity for a lot or a sealed dossier, with a QR
    /// code that verifies offline
    #[command(subcommand)]
    Certificate(certificates::CertificateCommand),
    /// Keep the key unlocked for this session: signing commands use it without asking for
    /// the passphrase until it is unused for the lock time (the app's, 15 minutes unless
    /// set), `tradeseal lock`, or a key hand-over. It stays in memory only.
    Unlock {
        /// Lock after this many minutes without use (1 to 480; default: the home's lock time)
        #[arg(long, value_name = "MINUTES")]
        minutes: Option<u32>,
    },
    /// Lock the key now: the next signing command asks for the passphrase again
    Lock,
    /// The session agent that holds the unlocked key (started by `tradeseal unlock`)
    #[command(hide = true)]
    Agent {
        #[arg(long)]
        idle_seconds: u64,
    },
    /// The organisation's signing key
    #[command(subcommand)]
    Key(KeyCommand),
    /// The ledger's format: upgrade a version 1 ledger to version 2
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// A team's ledger in PostgreSQL: found it, join it from an officer's desk
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// The officers of a team ledger: enrol, list, revoke
    #[command(subcommand)]
    Officer(team::OfficerCommand),
    /// Replace or add code lists of this home (assets/codelists/README.md)
    #[command(subcommand)]
    Codelists(CodelistsCommand),
}

#[derive(Subcommand)]
enum CodelistsCommand {
    /// Import the full UN/LOCODE list from UNECE's CSV files (CodeListPart1-3.csv):
    /// dossiers' places are then checked against it
    Unlocode {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Replace the signing key: the ledger records the hand-over signed by both keys,
    /// the new key is saved under the same passphrase, the old one is destroyed
    Rotate,
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Make this home's version 1 ledger version 2 in place (signed commits, officers,
    /// compact bundles): one last version 1 entry records the upgrade; nothing before it
    /// is rewritten. It cannot be undone
    Upgrade {
        /// Confirm the upgrade (without it, say what it does and change nothing)
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args)]
struct JsonFlag {
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["seq", "old_size"])))]
struct ProveArgs {
    /// Prove that entry N is in the checkpoint's tree
    #[arg(long, value_name = "N")]
    seq: Option<u64>,
    /// Prove that the tree of M entries is a prefix of the checkpoint's tree
    #[arg(long, value_name = "M")]
    old_size: Option<u64>,
    #[arg(long)]
    json: bool,
}

/// A closed output pipe (`tradeseal log | head`) ends the process quietly, as it ends
/// other Unix tools, instead of a panic: Rust ignores SIGPIPE, so the default is restored.
fn default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    default_sigpipe();
    let cli = Cli::parse();
    let home = cli
        .home
        .clone()
        .unwrap_or_else(tradeseal_core::home::default_location);
    env::set_store(cli.store.clone());
    env::set_lang(
        cli.lang
            .unwrap_or_else(tradeseal_core::i18n::Lang::from_env),
    );
    match commands::run(cli.command, &home) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
