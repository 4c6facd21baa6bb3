//! One function per subcommand: read arguments, call the core, print the result.

use crate::{env, CodelistsCommand, Command, KeyCommand, LedgerCommand, ProveArgs};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::{IdentityCard, DEFAULT_KDF_LOG_N};
use tradeseal_core::ledger::NewEntry;
use tradeseal_core::verify::{self, Verdict};
use tradeseal_core::view::EntryView;
use tradeseal_core::{proof, Error, Result};

pub fn run(cmd: Command, home: &Path) -> Result<ExitCode> {
    match cmd {
        Command::Init { org, gln } => init(home, &org, gln.as_deref()),
        Command::Identity { json, output, qr } => {
            identity(home, json.json, output.as_deref(), qr.as_deref())
        }
        Command::Note { text } => note(home, &text),
        Command::Log { json, limit } => log(home, json.json, limit),
        Command::Verify { checkpoint, json } => verify(home, checkpoint.as_deref(), json.json),
        Command::Checkpoint => checkpoint(home),
        Command::Prove(p) => prove(home, p),
        Command::Epcis(c) => crate::supply::epcis_cmd(home, c),
        Command::Trace(a) => crate::supply::trace_cmd(home, a),
        Command::Masterdata(c) => crate::supply::master_cmd(home, c),
        Command::Party(c) => crate::parties::run(home, c),
        Command::Bundle(c) => crate::bundles::run(home, c),
        Command::Dossier(c) => crate::dossiers::run(home, c),
        Command::Eudr(c) => crate::eudr::run(home, c),
        Command::Labels(a) => crate::labels::labels(home, a),
        Command::Scan(a) => crate::labels::scan(home, a),
        Command::Sightings(a) => crate::labels::sightings(home, a),
        Command::Certificate(c) => crate::certificates::run(home, c),
        Command::Attest(a) => crate::attest::run(home, a),
        Command::Publish(a) => crate::publish::run(home, a),
        Command::Untp(a) => crate::untp::run(home, a),
        Command::Unlock { minutes } => unlock(home, minutes),
        Command::Lock => {
            if crate::agent::lock(home) {
                println!("Locked: the next signing command asks for the passphrase.");
            } else {
                println!("The key was not unlocked for a session: nothing to lock.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Agent { idle_seconds } => {
            crate::agent::serve(home, idle_seconds)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Key(KeyCommand::Rotate) => rotate(home),
        Command::Ledger(LedgerCommand::Upgrade { yes }) => upgrade(home, yes),
        Command::Team(c) => crate::team::team(home, c),
        Command::Officer(c) => crate::team::officer(home, c),
        Command::Codelists(CodelistsCommand::Unlocode { files }) => unlocode(home, &files),
    }
}

fn print_json<T: Serialize>(v: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("views serialise")
    );
}

fn print_card(c: &IdentityCard) {
    println!("Organisation  {}", c.org);
    println!("GLN           {}", c.gln.as_deref().unwrap_or("-"));
    println!("Public key    {}", c.public_key);
    println!("Fingerprint   {}", c.fingerprint);
    println!("Log origin    {}", c.origin);
    println!("Verifier key  {}", c.vkey);
}

fn init(home: &Path, org: &str, gln: Option<&str>) -> Result<ExitCode> {
    // Check what can be checked before asking for a passphrase.
    tradeseal_core::identity::check_org(org)?;
    if let Some(g) = gln {
        tradeseal_core::gs1::Gln::parse(g)?;
    }
    if tradeseal_core::home::occupied(home) {
        return Err(Error::HomeExists { path: home.into() });
    }
    let pass = env::passphrase(true)?;
    let h = Home::init(
        home,
        InitOptions {
            org,
            gln,
            passphrase: &pass,
            seed: tradeseal_core::system::random_seed()?,
            now: tradeseal_core::system::now(),
            kdf_log_n: DEFAULT_KDF_LOG_N,
        },
    )?;
    println!("Created a TradeSeal home in {}", h.path().display());
    println!();
    print_card(h.card());
    println!();
    println!(
        "Keep the passphrase safe: without it the key cannot be used and it cannot be recovered."
    );
    Ok(ExitCode::SUCCESS)
}

fn identity(home: &Path, json: bool, output: Option<&Path>, qr: Option<&Path>) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    if let Some(p) = qr {
        let bytes = match p.extension().and_then(|e| e.to_str()) {
            Some("svg") => tradeseal_core::identity::QrModules::of(
                &tradeseal_core::identity::card_qr(h.card()),
            )
            .svg(8)
            .into_bytes(),
            Some("pdf") => tradeseal_core::identity::card_pdf(
                h.card(),
                tradeseal_core::pdf::PageSize::A4,
                crate::env::lang(),
            ),
            _ => {
                return Err(Error::invalid(
                    "qr",
                    "name the QR file .svg (an image) or .pdf (a page to print)",
                ))
            }
        };
        tradeseal_core::files::write_file(p, &bytes)?;
        eprintln!("Wrote the card's QR code to {}", p.display());
    }
    if let Some(p) = output {
        let text = serde_json::to_string_pretty(h.card()).expect("cards serialise") + "\n";
        std::fs::write(p, text).map_err(|e| Error::io(format!("writing {}", p.display()), e))?;
        eprintln!("Wrote the identity card to {}", p.display());
    }
    if json {
        print_json(h.card());
    } else {
        print_card(h.card());
    }
    Ok(ExitCode::SUCCESS)
}

fn unlock(home: &Path, minutes: Option<u32>) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let minutes = minutes.unwrap_or(h.settings().idle_lock_minutes);
    if !(1..=480).contains(&minutes) {
        return Err(Error::invalid(
            "minutes",
            "lock after 1 to 480 minutes without use",
        ));
    }
    // As the app: TRADESEAL_IDLE_LOCK_SECONDS overrides the lock time (a kiosk, tests).
    let seconds = std::env::var("TRADESEAL_IDLE_LOCK_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(u64::from(minutes) * 60);
    let signer = crate::env::signer(&h)?;
    let seed = zeroize::Zeroizing::new(signer.key.to_bytes());
    crate::agent::start(h.path(), &seed, seconds)?;
    println!(
        "Unlocked for this session: signing commands use the key without asking until it is unused for {}, or `tradeseal lock`.",
        if seconds % 60 == 0 { format!("{} minute(s)", seconds / 60) } else { format!("{seconds} s") }
    );
    Ok(ExitCode::SUCCESS)
}

fn rotate(home: &Path) -> Result<ExitCode> {
    // The session's key is the one handed over: locked first, gone with it.
    crate::agent::lock(home);
    let mut h = crate::env::home(home)?;
    let old = h.card().clone();
    let seq = h.rotate_key(
        &env::passphrase(false)?,
        tradeseal_core::system::random_seed()?,
        tradeseal_core::system::now(),
        DEFAULT_KDF_LOG_N,
    )?;
    println!("Handed the ledger over to a new key at entry {seq} (signed by both keys).");
    println!("Old fingerprint  {}", old.fingerprint);
    println!("New fingerprint  {}", h.card().fingerprint);
    println!();
    println!("Partners follow the hand-over from your next bundle. Give them your new card");
    println!("(`tradeseal identity -o FILE`) and read the new fingerprint to them.");
    Ok(ExitCode::SUCCESS)
}

fn upgrade(home: &Path, yes: bool) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let ledger = h.ledger_read_only()?;
    if ledger.format() != 1 {
        println!("The ledger is version 2 already: nothing to upgrade.");
        return Ok(ExitCode::SUCCESS);
    }
    let size = ledger.size()?;
    let rotated = !ledger.rotations()?.is_empty();
    drop(ledger);
    if !yes {
        println!("`tradeseal ledger upgrade --yes` makes this ledger version 2 (docs/spec/ledger.md §8.3):");
        println!("  - its {size} entries stay as they are, verified as version 1 entries;");
        println!("  - one last version 1 entry records the upgrade, signed with your key;");
        println!(
            "  - from then on each transaction is one signed commit, and bundles are version 2"
        );
        println!("    (partners need a TradeSeal that reads them).");
        println!("Not yet on version 2 in this TradeSeal: bundles of entries recorded before the");
        println!("upgrade (they stay in the ledger and verify).");
        if rotated {
            println!("This ledger's key was handed over (key rotation): its version 2 bundles would have");
            println!(
                "to carry the hand-over, which this TradeSeal does not do yet; they are refused."
            );
        }
        println!("It cannot be undone: keep a backup of the home first. Nothing was changed.");
        return Ok(ExitCode::from(1));
    }
    let seq = h.upgrade_ledger(&env::passphrase(false)?, tradeseal_core::system::now())?;
    println!("Upgraded the ledger to version 2: entry {seq} records the upgrade; entries 0 to {seq} stay version 1.");
    println!("Run `tradeseal verify` to check both parts.");
    Ok(ExitCode::SUCCESS)
}

/// Appends one entry with the home's key (asking for the passphrase); returns its seq
/// and entry hash.
pub(crate) fn append_one(home: &Home, entry: NewEntry) -> Result<(u64, tradeseal_core::Hash)> {
    let mut ledger = home.ledger()?;
    let signer = env::signer(home)?;
    Ok(ledger.append(&signer, tradeseal_core::system::now(), &[entry])?[0])
}

fn note(home: &Path, text: &str) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let entry = NewEntry::note(text)?;
    let (seq, hash) = append_one(&h, entry)?;
    println!("Recorded entry {seq} ({hash})");
    Ok(ExitCode::SUCCESS)
}

fn log(home: &Path, json: bool, limit: u64) -> Result<ExitCode> {
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    let size = ledger.size()?;
    let views: Vec<EntryView> = ledger.entry_views_desc(size.saturating_sub(limit), size)?;
    if json {
        print_json(&views);
        return Ok(ExitCode::SUCCESS);
    }
    if views.is_empty() {
        println!("The ledger is empty. Add an entry with `tradeseal note \"TEXT\"`.");
    }
    for v in &views {
        let by = v
            .officer
            .as_deref()
            .map(|o| format!("  ({o})"))
            .unwrap_or_default();
        println!(
            "{:>6}  {}  {:<5}  {}  {}{by}",
            v.seq,
            v.time,
            v.kind,
            &v.hash[..16],
            v.summary
        );
    }
    if size > limit {
        println!("({} older entries not shown; use --limit)", size - limit);
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(home: &Path, saved: Option<&Path>, json: bool) -> Result<ExitCode> {
    let saved = saved
        .map(|p| {
            tradeseal_core::files::read_text_limited(
                p,
                tradeseal_core::files::MAX_SMALL_FILE,
                "a checkpoint",
            )
        })
        .transpose()?;
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    let report = verify::verify(&ledger, saved.as_deref(), &mut |_, _| {})?;
    if json {
        print_json(&report);
    } else if report.verdict == Verdict::Intact {
        println!(
            "Ledger intact: {} entries, every signature and hash link checked",
            report.entries
        );
        println!(
            "Root {} signed at size {}",
            report.root, report.checkpoint_size
        );
        if let Some(s) = report.saved_checkpoint_size {
            println!("Consistent with the saved checkpoint of size {s}");
        }
    } else {
        match report.first_bad {
            Some(seq) => println!("Ledger FAILED verification: first bad entry is {seq}"),
            None => println!("Ledger FAILED verification"),
        }
        for f in &report.findings {
            let at = f.seq.map(|s| format!(" [entry {s}]")).unwrap_or_default();
            println!("  {}{at}: {}", f.code, f.message);
        }
        if let Some(f) = report.findings.first() {
            println!("What to do: {}", f.action);
        }
    }
    Ok(if report.verdict == Verdict::Intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn checkpoint(home: &Path) -> Result<ExitCode> {
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    let (_, note) = ledger.checkpoint()?;
    print!("{note}");
    Ok(ExitCode::SUCCESS)
}

/// A proof's hashes, one a line, then the checkpoint it proves against.
fn print_proof(label: &str, unit: &str, path: &[String], checkpoint: &str) {
    println!("{label} ({} {unit}):", path.len());
    for h in path {
        println!("  {h}");
    }
    println!();
    print!("{checkpoint}");
}

fn prove(home: &Path, p: ProveArgs) -> Result<ExitCode> {
    let ledger = crate::env::home(home)?.ledger_read_only()?;
    if let Some(seq) = p.seq {
        let pr = proof::inclusion(&ledger, seq)?;
        if p.json {
            print_json(&pr);
        } else {
            println!(
                "Entry {} is leaf {} of the tree of size {}",
                pr.seq, pr.seq, pr.size
            );
            println!("Entry hash  {}", pr.entry_hash);
            println!("Leaf hash   {}", pr.leaf_hash);
            println!("Root        {}", pr.root);
            print_proof("Path", "hashes, leaf first", &pr.path, &pr.checkpoint);
        }
    } else if let Some(old) = p.old_size {
        let pr = proof::consistency(&ledger, old)?;
        if p.json {
            print_json(&pr);
        } else {
            println!(
                "The tree of size {} is a prefix of the tree of size {}",
                pr.old_size, pr.new_size
            );
            println!("Old root    {}", pr.old_root);
            println!("New root    {}", pr.new_root);
            print_proof("Proof", "hashes", &pr.path, &pr.checkpoint);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn unlocode(home: &Path, files: &[std::path::PathBuf]) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    let mut texts = Vec::with_capacity(files.len());
    for f in files {
        // UNECE publishes the CSV in Latin-1 (ISO 8859-1): read it as such when it is not UTF-8.
        let bytes = tradeseal_core::files::read_limited(
            f,
            tradeseal_core::files::MAX_SEALED_FILE,
            "a part of the UN/LOCODE CSV",
        )?;
        texts.push(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| e.into_bytes().iter().map(|&b| b as char).collect()),
        );
    }
    let (csv, n) = tradeseal_core::codelists::unlocode_from_unece(&texts)?;
    let dir = h.path().join("codelists");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let out = dir.join(tradeseal_core::codelists::UNLOCODE_FILE);
    tradeseal_core::files::write_file(&out, csv.as_bytes())?;
    println!("Imported {n} UN/LOCODEs into {}", out.display());
    Ok(ExitCode::SUCCESS)
}
