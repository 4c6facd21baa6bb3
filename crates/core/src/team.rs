//! A team's ledger in PostgreSQL (ledger.md §7-12): the organisation's desk founds it,
//! officers join from their own desks with their own keys, administrators enrol and
//! revoke them. No private key leaves the desk it was made on: a desk hands over its
//! officer card (public), an administrator records it in the ledger.

use crate::commit::OfficerCard;
use crate::error::{Error, Result};
use crate::home::Home;
use crate::identity::{IdentityCard, Signer};
use crate::ledger::Ledger;
use crate::signature::PublicKey;
use crate::time::Timestamp;
use serde::Serialize;
use std::path::Path;
use tradeseal_log::db::{self, Conn, Sql};
use tradeseal_log::sql_params;
use tradeseal_log::store::{Committed, Role};
use ts_rs::TS;

/// `meta` key of the organisation's identity card in a team ledger (for joining desks).
const META_ORG_CARD: &str = "org_card";

/// What `init` made.
#[derive(Clone, Debug, Serialize)]
pub struct Founded {
    pub origin: String,
    /// How messages name the team ledger (database and host, never a password).
    pub store: String,
}

/// Founds the team ledger of `home`'s organisation in the empty PostgreSQL database of
/// `url`, with `signer` (the organisation's key, its administrator), and makes it this
/// desk's ledger. A home whose own ledger holds entries is moved by `team migrate`
/// instead: one organisation has one history.
pub fn init(home: &Home, signer: &Signer, url: &str) -> Result<Founded> {
    if home.officer().is_some() {
        return Err(Error::invalid(
            "team",
            "this desk is an officer's: the organisation's own desk founds the team ledger",
        ));
    }
    if let Some(s) = home.store() {
        return Err(Error::invalid(
            "team",
            format!("this home writes {} already", db::store_label(&s)),
        ));
    }
    let own = home.ledger()?;
    let n = own.size()?;
    if n > 0 {
        return Err(Error::invalid(
            "team",
            format!("this home's ledger holds {n} entries: founding a second ledger of the same organisation would fork its history. Start the team from a new home, or move this one into the team database: `tradeseal team migrate URL` (a version 1 ledger after `tradeseal ledger upgrade --yes`)"),
        ));
    }
    drop(own);
    let label = db::store_label(url);
    let ledger = Ledger::create_v2(
        Conn::postgres(url)?,
        &signer.public_key(),
        Path::new(&label),
    )?;
    let sql = ledger.sql();
    sql.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        sql_params![META_ORG_CARD, crate::canonical::to_canonical(&signer.card)?],
    )?;
    let mut s = home.settings();
    s.store = Some(url.to_string());
    home.save_settings(&s)?;
    Ok(Founded {
        origin: ledger.origin().to_string(),
        store: label,
    })
}

/// Makes an officer's desk at `path` for the team ledger of `url`: a new key of the
/// officer's (from `seed`, 32 random bytes), encrypted with `passphrase` on this desk
/// only, and the officer card to hand to an administrator (`officer add`).
pub fn join(
    path: &Path,
    url: &str,
    name: &str,
    seed: [u8; 32],
    passphrase: &str,
    kdf_log_n: u8,
) -> Result<(Home, OfficerCard)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "give the officer's name (--name)"));
    }
    if crate::home::occupied(path) {
        return Err(Error::HomeExists { path: path.into() });
    }
    let label = db::store_label(url);
    let ledger = Ledger::open_v2(Conn::postgres(url)?, Path::new(&label))?;
    let card: IdentityCard = ledger
        .sql()
        .query_one(
            "SELECT value FROM meta WHERE key = ?1",
            sql_params![META_ORG_CARD],
        )?
        .map(|r| r.text(0))
        .transpose()?
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| Error::NotFound {
            what: format!("the organisation's card in {label}"),
            hint: "the team ledger was not founded by `tradeseal team init`".into(),
        })?;
    if card.public_key()? != *ledger.key() || card.origin != ledger.origin() {
        return Err(Error::invalid(
            "team",
            format!("the organisation card in {label} is not the ledger's: ask its administrator"),
        ));
    }
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let officer = OfficerCard::new(ledger.origin(), &card.org, name, &PublicKey::of(&key));
    let home = Home::init_officer(path, &card, &officer, &seed, passphrase, kdf_log_n, url)?;
    Ok((home, officer))
}

/// One officer of the team, as the ledger's officer set has it.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct OfficerView {
    pub name: String,
    pub role: String,
    pub public_key: String,
    pub fingerprint: String,
    /// The entry that enrolled them.
    #[ts(type = "number")]
    pub added: u64,
    /// The entry that revoked them, and from when.
    #[ts(type = "number | null")]
    pub revoked: Option<u64>,
    pub revoked_from: Option<String>,
}

/// The team's officers in the order they were enrolled; the organisation key (always an
/// administrator) is not among them.
pub fn officers(ledger: &Ledger) -> Result<Vec<OfficerView>> {
    require_team(ledger)?;
    let mut out = Vec::new();
    for r in ledger.sql().query(
        "SELECT role, card, added, revoked, revoked_from_ms FROM officers ORDER BY added",
        &[],
    )? {
        let card: OfficerCard = serde_json::from_str(&r.text(1)?).map_err(|e| {
            Error::invalid(
                "ledger",
                format!("a stored officer card is unreadable ({e}): run `tradeseal verify`"),
            )
        })?;
        out.push(OfficerView {
            name: card.name,
            role: r.text(0)?,
            public_key: card.public_key,
            fingerprint: card.fingerprint,
            added: r.int(2)? as u64,
            revoked: r.opt_int(3)?.map(|v| v as u64),
            revoked_from: r
                .opt_int(4)?
                .map(|ms| Timestamp::from_unix_millis(ms).map(|t| t.to_rfc3339()))
                .transpose()?,
        });
    }
    Ok(out)
}

/// Enrols the officer of `card` (its JSON) with `role`: committed by `admin`.
pub fn add_officer(
    ledger: &mut Ledger,
    admin: &Signer,
    now: Timestamp,
    card: &str,
    role: Role,
) -> Result<Committed> {
    let card: OfficerCard = serde_json::from_str(card).map_err(|e| {
        Error::invalid(
            "officer card",
            format!("not an officer card ({e}): give the file `tradeseal team join` wrote"),
        )
    })?;
    require_team(ledger)?;
    ledger
        .v2()
        .expect("a team ledger")
        .add_officer(&admin.key, now, &card, role)
}

/// Revokes the officer `who` (their public key or fingerprint) from `from` on: committed
/// by an administrator, or by the officer for their own key.
pub fn revoke_officer(
    ledger: &mut Ledger,
    by: &Signer,
    now: Timestamp,
    who: &str,
    from: Timestamp,
    reason: &str,
) -> Result<Committed> {
    let wanted: String = who
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let found = officers(ledger)?.into_iter().find(|o| {
        o.public_key == wanted || o.fingerprint.replace(' ', "").to_lowercase() == wanted
    });
    let Some(o) = found else {
        return Err(Error::NotFound {
            what: format!("an officer {who}"),
            hint: "give a public key or fingerprint that `tradeseal officer list` shows".into(),
        });
    };
    let key = PublicKey::from_hex(&o.public_key).ok_or_else(|| {
        Error::invalid(
            "ledger",
            "a stored officer key is malformed: run `tradeseal verify`",
        )
    })?;
    ledger
        .v2()
        .expect("a team ledger")
        .revoke_officer(&by.key, now, &key, from, reason)
}

/// What the app's Team screen shows of this desk.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct TeamView {
    /// The team ledger this desk writes (database and host), if any.
    pub store: Option<String>,
    /// This desk's officer, on an officer's desk.
    pub officer: Option<String>,
    pub officer_fingerprint: Option<String>,
    /// Whether this desk may enrol and revoke officers.
    pub admin: bool,
    pub officers: Vec<OfficerView>,
}

/// What joining a team made: the officer card, written where an administrator gets it.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export_to = "bindings.ts")]
pub struct Joined {
    pub name: String,
    pub fingerprint: String,
    pub card_path: String,
}

/// This desk's place in its team (`signer`: its unlocked key).
pub fn desk(home: &Home, signer: &Signer) -> Result<TeamView> {
    let store = home.store().map(|s| db::store_label(&s));
    let officers = if store.is_some() {
        officers(&home.ledger_read_only()?)?
    } else {
        Vec::new()
    };
    let own = signer.public_key().to_hex();
    let admin = home.officer().is_none()
        || officers
            .iter()
            .any(|o| o.public_key == own && o.role == "admin" && o.revoked.is_none());
    Ok(TeamView {
        store,
        officer: home.officer().map(|o| o.name.clone()),
        officer_fingerprint: home.officer().map(|o| o.fingerprint.clone()),
        admin,
        officers,
    })
}

fn require_team(ledger: &Ledger) -> Result<()> {
    if ledger.format() != 2 {
        return Err(Error::invalid(
            "team",
            "this home's ledger is a one-desk ledger: officers belong to a team ledger (`tradeseal team init postgres://…`)",
        ));
    }
    Ok(())
}
