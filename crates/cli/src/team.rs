//! `tradeseal team` and `tradeseal officer`: a team's ledger in PostgreSQL, its desks
//! and its officers.

use crate::env;
use clap::{Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::identity::DEFAULT_KDF_LOG_N;
use tradeseal_core::store::{Committed, Role};
use tradeseal_core::{team, Error, Result, Timestamp};

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Found the organisation's team ledger in an empty PostgreSQL database (from the
    /// organisation's own home, whose ledger has no entries yet); this home then writes it
    Init {
        /// The database: postgres://USER@HOST/DB (TLS unless sslmode=disable) or host=/run/postgresql dbname=DB
        url: String,
    },
    /// Move this home's ledger (version 2: `tradeseal ledger upgrade` first) into an
    /// empty PostgreSQL database, verified before and after; this home then writes it
    Migrate {
        /// The database, as for `team init`
        url: String,
    },
    /// Make an officer's desk for a team ledger in a new home folder (--home): the
    /// officer's own key, encrypted here, and the officer card to give an administrator
    Join {
        url: String,
        /// The officer's name, as colleagues know them
        #[arg(long)]
        name: String,
        /// Also write the officer card to FILE (for `tradeseal officer add FILE`)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum OfficerCommand {
    /// Enrol the officer of a card (written by `tradeseal team join`); administrators only
    Add {
        card: PathBuf,
        #[arg(long, value_enum, default_value_t = RoleArg::Officer)]
        role: RoleArg,
    },
    /// The team's officers: role, key, when enrolled and revoked
    List {
        #[arg(long)]
        json: bool,
    },
    /// End an officer's right to record from a time on (default: now); an administrator,
    /// or the officer for their own key
    Revoke {
        /// The officer's public key or fingerprint
        who: String,
        /// Commits at or after this time (RFC 3339) are invalid, even those made before
        /// the revocation (a key stolen then)
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// Why (recorded in the ledger)
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Replace this officer's key with a new one (on the officer's own desk): the old key
    /// commits the hand-over, the new key signs it and takes the role; the new key is
    /// saved under the same passphrase, the old one destroyed
    Rotate {
        /// Also write the new officer card to FILE
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Officer,
    Admin,
}

pub fn team(home: &Path, c: TeamCommand) -> Result<ExitCode> {
    match c {
        TeamCommand::Init { url } => {
            let h = env::home(home)?;
            let signer = crate::env::signer(&h)?;
            let f = team::init(&h, &signer, &url)?;
            println!("Founded {} for {}", f.store, h.card().org);
            println!("Ledger        {}", f.origin);
            println!("This home now writes the team ledger. Officers join from their own desks:");
            println!("  tradeseal --home DESK team join URL --name NAME -o officer.json");
            println!("and you enrol each card: tradeseal officer add officer.json");
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::Migrate { url } => {
            let h = env::home(home)?;
            let m = tradeseal_core::migrate::migrate(&h, &url, &mut |t, n| {
                eprintln!("  {t}: {n} rows");
            })?;
            println!(
                "Moved {} entries ({} rows in {} tables) into {}, verified: root {}",
                m.entries, m.rows, m.tables, m.store, m.root
            );
            println!("Ledger        {}", m.origin);
            println!("This home now writes the team ledger; its own ledger.sqlite stays as it was, unused.");
            println!("Officers join from their own desks:");
            println!("  tradeseal --home DESK team join URL --name NAME -o officer.json");
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::Join { url, name, output } => {
            if tradeseal_core::home::occupied(home) {
                return Err(Error::HomeExists { path: home.into() });
            }
            let pass = env::passphrase(true)?;
            let (h, card) = team::join(
                home,
                &url,
                &name,
                tradeseal_core::system::random_seed()?,
                &pass,
                DEFAULT_KDF_LOG_N,
            )?;
            let text = serde_json::to_string_pretty(&card).expect("cards serialise") + "\n";
            if let Some(p) = &output {
                tradeseal_core::files::write_file(p, text.as_bytes())?;
                eprintln!("Wrote the officer card to {}", p.display());
            }
            println!(
                "Made an officer's desk in {} for {}",
                h.path().display(),
                h.card().org
            );
            println!("Officer       {}", card.name);
            println!("Fingerprint   {}", card.fingerprint);
            println!();
            println!(
                "Give the officer card to an administrator (`tradeseal officer add FILE`) and"
            );
            println!("read them the fingerprint; until then this desk records nothing.");
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn officer(home: &Path, c: OfficerCommand) -> Result<ExitCode> {
    let h = env::home(home)?;
    match c {
        OfficerCommand::List { json } => {
            let list = team::officers(&h.ledger_read_only()?)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("views serialise")
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!("{} (organisation key, administrator)", h.card().org);
            for o in &list {
                let state = match (&o.revoked, &o.revoked_from) {
                    (Some(seq), Some(from)) => format!("revoked at entry {seq}, from {from}"),
                    _ => "active".into(),
                };
                println!(
                    "{:<24}  {:<7}  {}  enrolled at entry {}  {}",
                    o.name, o.role, o.fingerprint, o.added, state
                );
            }
            if list.is_empty() {
                println!("No officers yet: `tradeseal officer add CARD` enrols one.");
            }
            Ok(ExitCode::SUCCESS)
        }
        OfficerCommand::Add { card, role } => {
            let text =
                tradeseal_core::files::read_text_limited(&card, 64 * 1024, "an officer card")?;
            let mut ledger = h.ledger()?;
            let signer = crate::env::signer(&h)?;
            let role = match role {
                RoleArg::Officer => Role::Officer,
                RoleArg::Admin => Role::Admin,
            };
            let c = team::add_officer(
                &mut ledger,
                &signer,
                tradeseal_core::system::now(),
                &text,
                role,
            )?;
            committed("Enrolled", &c);
            Ok(ExitCode::SUCCESS)
        }
        OfficerCommand::Rotate { output } => {
            // The session's key is the one handed over: locked first, gone with it.
            crate::agent::lock(h.path());
            let mut h = h;
            let old = h.officer().cloned();
            let seq = h.rotate_officer_key(
                &env::passphrase(false)?,
                tradeseal_core::system::random_seed()?,
                tradeseal_core::system::now(),
                tradeseal_core::identity::DEFAULT_KDF_LOG_N,
            )?;
            let new = h.officer().cloned().expect("an officer's desk");
            println!("Handed {}'s role to a new key at entry {seq} of the team ledger (signed by both keys).", new.name);
            if let Some(o) = old {
                println!("Old fingerprint  {}", o.fingerprint);
            }
            println!("New fingerprint  {}", new.fingerprint);
            if let Some(path) = output {
                let json = serde_json::to_vec_pretty(&new).expect("a card serialises");
                std::fs::write(&path, json)
                    .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
                println!("New officer card written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        OfficerCommand::Revoke { who, from, reason } => {
            let now = tradeseal_core::system::now();
            let from = match from {
                Some(t) => Timestamp::parse_rfc3339(&t)?,
                None => now,
            };
            let mut ledger = h.ledger()?;
            let signer = crate::env::signer(&h)?;
            let c = team::revoke_officer(&mut ledger, &signer, now, &who, from, &reason)?;
            committed("Revoked", &c);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn committed(what: &str, c: &Committed) {
    println!(
        "{what}: entry {} of the team ledger (commit [{}, {}))",
        c.start, c.start, c.end
    );
}
