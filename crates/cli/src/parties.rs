//! `tradeseal party …`: partners' identity cards and every trust decision about them.

use crate::commands::append_one;
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::parties::{self, PartyView};
use tradeseal_core::Result;

#[derive(Subcommand)]
pub enum PartyCommand {
    /// Record a partner's identity card (the file `tradeseal identity --json` writes)
    Add { card: PathBuf },
    /// List partners and what you decided about them
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one partner's card, status and every decision about it
    Show {
        /// Public key (or 8+ leading hex digits), GLN or fingerprint
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Trust a partner, after comparing its fingerprint with the partner in person or by phone
    Trust { id: String },
    /// Stop trusting a partner
    Distrust {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Freeze a partner: events it signed from DATE on fail verification
    Revoke {
        id: String,
        /// A date (2026-03-01, midnight UTC) or RFC 3339 time
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long)]
        reason: String,
    },
}

fn print(p: &PartyView) {
    println!("Organisation  {}", p.card.org);
    println!("GLN           {}", p.card.gln.as_deref().unwrap_or("-"));
    println!("Public key    {}", p.card.public_key);
    println!("Fingerprint   {}", p.card.fingerprint);
    let status = match (&p.revoked_from, &p.revoke_reason) {
        (Some(f), r) => format!("revoked from {f}: {}", r.as_deref().unwrap_or("")),
        _ => format!("{:?}", p.status).to_lowercase(),
    };
    println!("Status        {status}");
}

pub fn run(home: &Path, cmd: PartyCommand) -> Result<ExitCode> {
    let h = crate::env::home(home)?;
    match cmd {
        PartyCommand::Add { card } => {
            let text = tradeseal_core::files::read_text_limited(
                &card,
                tradeseal_core::files::MAX_SMALL_FILE,
                "an identity card",
            )?;
            let card = parties::parse_card(&text)?;
            let Some(entry) = parties::card_entry(&h.ledger_read_only()?, &card)? else {
                println!("Already recorded: {} ({})", card.org, card.fingerprint);
                return Ok(ExitCode::SUCCESS);
            };
            let (seq, _) = append_one(&h, entry)?;
            println!("Recorded the card of {} as entry {seq}.", card.org);
            println!("Fingerprint   {}", card.fingerprint);
            println!(
                "Compare it with the fingerprint {} reads to you (in person or by phone);",
                card.org
            );
            println!(
                "if it is the same, run: tradeseal party trust {}",
                &card.public_key[..16]
            );
        }
        PartyCommand::List { json } => {
            let list = parties::list(&h.ledger_read_only()?)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("views serialise")
                );
            } else if list.is_empty() {
                println!("No partners yet. Record one with `tradeseal party add CARD`.");
            } else {
                for p in list {
                    let status = if p.revoked_from.is_some() {
                        "revoked".to_string()
                    } else {
                        format!("{:?}", p.status).to_lowercase()
                    };
                    println!(
                        "{:<11} {}  {}  {}",
                        status,
                        &p.card.public_key[..16],
                        p.card.fingerprint,
                        p.card.org
                    );
                }
            }
        }
        PartyCommand::Show { id, json } => {
            let l = h.ledger_read_only()?;
            let p = parties::find(&l, &id)?;
            let hist = parties::history(&l, &p.card.public_key)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({"party": p, "history": hist}))
                        .expect("views serialise")
                );
            } else {
                print(&p);
                println!("History");
                for d in hist {
                    println!(
                        "  {:>6}  {}  {}  {}",
                        d.seq,
                        d.time,
                        d.kind,
                        d.payload
                            .get("reason")
                            .and_then(|r| r.as_str())
                            .unwrap_or("")
                    );
                }
            }
        }
        PartyCommand::Trust { id } => {
            let p = parties::find(&h.ledger_read_only()?, &id)?;
            let (seq, _) = append_one(&h, parties::trust_entry(&p.card.public_key)?)?;
            println!(
                "Trusted {} ({}) in entry {seq}",
                p.card.org, p.card.fingerprint
            );
        }
        PartyCommand::Distrust { id, reason } => {
            let p = parties::find(&h.ledger_read_only()?, &id)?;
            let (seq, _) = append_one(
                &h,
                parties::distrust_entry(&p.card.public_key, reason.as_deref())?,
            )?;
            println!("No longer trusting {} (entry {seq})", p.card.org);
        }
        PartyCommand::Revoke { id, from, reason } => {
            let from = parties::parse_from(&from)?;
            let p = parties::find(&h.ledger_read_only()?, &id)?;
            let (seq, _) = append_one(
                &h,
                parties::revoke_entry(&p.card.public_key, from, &reason)?,
            )?;
            println!(
                "Revoked {} from {} (entry {seq}): events it signed from then on fail verification",
                p.card.org,
                from.to_rfc3339()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
