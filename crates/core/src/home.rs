//! The home folder: `ledger.sqlite`, `identity.json` (the public card) and `identity.age`
//! (the encrypted key). Created whole or not at all; never overwritten.
//!
//! A desk of a team (team.rs) keeps the organisation's card in `identity.json`, its
//! officer's card in `officer.json` and the officer's own key in `identity.age`; its
//! ledger is the team's, in PostgreSQL (`settings.json`: `store`).

use crate::error::{Error, Result};
use crate::gs1::Gln;
use crate::identity::{self, IdentityCard, Signer};
use crate::ledger::Ledger;
use crate::signature::PublicKey;
use crate::time::Timestamp;
use ed25519_dalek::SigningKey;
use std::fs;
use std::path::{Path, PathBuf};

pub const LEDGER_FILE: &str = "ledger.sqlite";
pub const CARD_FILE: &str = "identity.json";
pub const KEY_FILE: &str = "identity.age";
/// The home's local settings (not signed, not shared): `settings.json`.
pub const SETTINGS_FILE: &str = "settings.json";
/// An officer desk's own card (`tradeseal-officer-card/v1`, ledger.md §7).
pub const OFFICER_FILE: &str = "officer.json";

/// Local settings of a home, as the app keeps them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Minutes without activity after which the desktop app locks the key (1 to 480).
    pub idle_lock_minutes: u32,
    /// The team ledger this desk writes: a PostgreSQL connection string (`team init`,
    /// `team join`). None: the home's own `ledger.sqlite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            idle_lock_minutes: 15,
            store: None,
        }
    }
}

pub struct InitOptions<'a> {
    pub org: &'a str,
    pub gln: Option<&'a str>,
    pub passphrase: &'a str,
    /// 32 random bytes from the caller's CSPRNG.
    pub seed: [u8; 32],
    pub now: Timestamp,
    pub kdf_log_n: u8,
}

#[derive(Clone, Debug)]
pub struct Home {
    path: PathBuf,
    card: IdentityCard,
    /// This desk's officer card, on an officer's desk of a team.
    officer: Option<crate::commit::OfficerCard>,
    /// A store given for this run (`--store`, `TRADESEAL_STORE`), over the settings'.
    store: Option<String>,
}

/// True when `path` exists and is not an empty folder: `init` refuses it.
pub fn occupied(path: &Path) -> bool {
    match fs::read_dir(path) {
        Ok(mut d) => d.next().is_some(),
        Err(_) => path.exists(),
    }
}

impl Home {
    /// Creates a new home at `path`, which must not exist or be an empty folder. Its
    /// ledger is version 2 (ledger.md §8) from entry 0: commits signed once, bundles
    /// with one proof per partner ledger.
    pub fn init(path: &Path, opts: InitOptions<'_>) -> Result<Home> {
        Home::init_format(path, opts, 2)
    }

    /// Creates a new home whose ledger is version 1 (ledger.md §1-7), as TradeSeal made
    /// them before version 2: to test that such homes open, verify, upgrade and move
    /// into a team. Nothing a user runs makes one.
    pub fn init_v1(path: &Path, opts: InitOptions<'_>) -> Result<Home> {
        Home::init_format(path, opts, 1)
    }

    fn init_format(path: &Path, opts: InitOptions<'_>, format: u8) -> Result<Home> {
        let org = identity::check_org(opts.org)?;
        let gln = opts
            .gln
            .filter(|g| !g.trim().is_empty())
            .map(Gln::parse)
            .transpose()?;
        identity::check_passphrase(opts.passphrase)?;
        let card = create_whole(path, |dir| {
            Home::build(dir, &org, gln.as_ref(), &opts, format)
        })?;
        Ok(Home {
            path: path.into(),
            card,
            officer: None,
            store: None,
        })
    }

    /// Creates an officer's desk of a team at `path` (which must not exist or be an
    /// empty folder): the organisation's card, the officer's card, the officer's key
    /// encrypted with `passphrase`, and the team ledger's connection string.
    pub fn init_officer(
        path: &Path,
        org_card: &IdentityCard,
        officer: &crate::commit::OfficerCard,
        seed: &[u8; 32],
        passphrase: &str,
        kdf_log_n: u8,
        store: &str,
    ) -> Result<Home> {
        identity::check_passphrase(passphrase)?;
        if PublicKey::of(&SigningKey::from_bytes(seed)).to_hex() != officer.public_key {
            return Err(Error::invalid(
                "officer",
                "the officer card is not this key's",
            ));
        }
        let sealed = identity::encrypt_seed(seed, passphrase, kdf_log_n)?;
        create_whole(path, |dir| {
            write_synced(&dir.join(KEY_FILE), &sealed)?;
            let json = serde_json::to_vec_pretty(org_card).expect("a card serialises");
            write_synced(&dir.join(CARD_FILE), &json)?;
            let json = serde_json::to_vec_pretty(officer).expect("a card serialises");
            write_synced(&dir.join(OFFICER_FILE), &json)?;
            let settings = Settings {
                store: Some(store.to_string()),
                ..Settings::default()
            };
            let json = serde_json::to_vec_pretty(&settings).expect("settings serialise");
            write_synced(&dir.join(SETTINGS_FILE), &json)
        })?;
        Ok(Home {
            path: path.into(),
            card: org_card.clone(),
            officer: Some(officer.clone()),
            store: None,
        })
    }

    fn build(
        dir: &Path,
        org: &str,
        gln: Option<&Gln>,
        opts: &InitOptions<'_>,
        format: u8,
    ) -> Result<IdentityCard> {
        let key = SigningKey::from_bytes(&opts.seed);
        let pk = PublicKey::of(&key);
        let origin = identity::origin_for(&pk);
        let card = IdentityCard::new(org, gln, &pk, &origin);
        let sealed = identity::encrypt_seed(&opts.seed, opts.passphrase, opts.kdf_log_n)?;
        write_synced(&dir.join(KEY_FILE), &sealed)?;
        let json = serde_json::to_vec_pretty(&card).expect("a card serialises");
        write_synced(&dir.join(CARD_FILE), &json)?;
        let signer = Signer {
            key,
            card: card.clone(),
        };
        // SQLite creates its files 0644; an empty private file first makes the
        // database, and the WAL and shared-memory files that take its mode, private.
        write_synced(&dir.join(LEDGER_FILE), b"")?;
        if format == 1 {
            Ledger::create(&dir.join(LEDGER_FILE), &origin, &signer, opts.now)?;
        } else {
            let conn = tradeseal_log::db::Conn::sqlite(&dir.join(LEDGER_FILE))?;
            // Marked as TradeSeal's, as a version 1 file is (`Ledger::open` looks).
            if let tradeseal_log::db::Conn::Sqlite(c) = &conn {
                c.execute_batch(&format!(
                    "PRAGMA application_id = {}",
                    crate::ledger::APPLICATION_ID
                ))?;
            }
            Ledger::create_v2(conn, &pk, &dir.join(LEDGER_FILE))?;
        }
        Ok(card)
    }

    /// The home's settings; the defaults where the file is missing or unreadable.
    pub fn settings(&self) -> Settings {
        fs::read(self.path.join(SETTINGS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves the home's settings (a file only its owner reads, written whole or not at all).
    pub fn save_settings(&self, s: &Settings) -> Result<()> {
        if !(1..=480).contains(&s.idle_lock_minutes) {
            return Err(Error::invalid(
                "idle_lock_minutes",
                "lock after 1 to 480 minutes without activity",
            ));
        }
        let json = serde_json::to_vec_pretty(s).expect("settings serialise");
        crate::files::write_file(&self.path.join(SETTINGS_FILE), &json)
    }

    /// Opens the home at `path` (no passphrase needed to read).
    pub fn open(path: &Path) -> Result<Home> {
        if !path.exists() {
            return Err(Error::HomeMissing { path: path.into() });
        }
        let not_home = |reason: &str| Error::NotAHome {
            path: path.into(),
            reason: reason.into(),
        };
        if !path.is_dir() {
            return Err(not_home("it is a file, not a folder"));
        }
        let card_path = path.join(CARD_FILE);
        recover_rotation(path)?;
        if !card_path.is_file() && !path.join(LEDGER_FILE).exists() && !occupied(path) {
            return Err(Error::HomeMissing { path: path.into() });
        }
        let bytes =
            fs::read(&card_path).map_err(|_| not_home("identity.json is missing or unreadable"))?;
        let card: IdentityCard = serde_json::from_slice(&bytes)
            .map_err(|_| not_home("identity.json is not an identity card"))?;
        if card.format != identity::CARD_FORMAT {
            return Err(not_home("identity.json has an unknown format"));
        }
        card.public_key()?;
        if !path.join(KEY_FILE).is_file() {
            return Err(not_home("the key file identity.age is missing"));
        }
        let officer = match fs::read(path.join(OFFICER_FILE)) {
            Ok(b) => {
                let o: crate::commit::OfficerCard = serde_json::from_slice(&b)
                    .map_err(|_| not_home("officer.json is not an officer card"))?;
                o.check()?;
                Some(o)
            }
            Err(_) => None,
        };
        tighten(path);
        Ok(Home {
            path: path.into(),
            card,
            officer,
            store: None,
        })
    }

    /// This run's store (`--store`, `TRADESEAL_STORE`), over the home's setting.
    pub fn with_store(mut self, store: Option<String>) -> Home {
        self.store = store.filter(|s| !s.trim().is_empty());
        self
    }

    /// The team ledger's connection string this desk writes, if it writes one.
    pub fn store(&self) -> Option<String> {
        self.store.clone().or_else(|| self.settings().store)
    }

    /// This desk's officer card (an officer's desk of a team).
    pub fn officer(&self) -> Option<&crate::commit::OfficerCard> {
        self.officer.as_ref()
    }

    /// The team ledger this desk writes, opened.
    fn team_ledger(&self, url: &str) -> Result<Ledger> {
        let conn = tradeseal_log::db::Conn::postgres(url)?;
        let label = tradeseal_log::db::store_label(url);
        let l = Ledger::open_v2(conn, Path::new(&label))?;
        if self.officer.is_none() {
            // The organisation's desk: an interrupted hand-over of its key finished or
            // dropped by what the ledger says.
            recover_team_rotation(&self.path, &l)?;
        } else if l.key().to_hex() != self.card.public_key && l.origin() == self.card.origin {
            // An officer's desk after the organisation's key was handed over: its copy
            // of the organisation's card follows the ledger's latest hand-over.
            // (This process's `card` stays the one it opened with.)
            self.follow_org_card(&l)?;
            self.recover_officer_rotation(&l)?;
            return Ok(l);
        }
        let l = self.check_ledger_key(l)?;
        self.recover_officer_rotation(&l)?;
        Ok(l)
    }

    /// Replaces this officer desk's copy of the organisation's card with the new card of
    /// the ledger's latest `key.rotate`, when that card is the ledger's key's.
    fn follow_org_card(&self, l: &Ledger) -> Result<()> {
        let card = crate::keys::v2_hand_over(l, true)?
            .map(|p| p.new_card)
            .filter(|c| c.public_key == l.key().to_hex() && c.origin == l.origin())
            .ok_or_else(|| Error::NotAHome {
                path: self.path.clone(),
                reason: "the team ledger names another organisation key than this desk's card, and no hand-over to it: run `tradeseal verify`".into(),
            })?;
        let json = serde_json::to_vec_pretty(&card).expect("a card serialises");
        let tmp = self.path.join(format!("{CARD_FILE}.follow"));
        write_synced(&tmp, &json)?;
        fs::rename(&tmp, self.path.join(CARD_FILE)).map_err(|e| write_error(&self.path, e))
    }

    /// Replaces this officer's key (ledger.md §8.2 `officer.rotate`): unlocks the old key
    /// with `passphrase`, makes the new one from `seed` (32 random bytes from the caller),
    /// commits the hand-over (the new key's signature over it, committed by the old key),
    /// and replaces the key file (encrypted with the same passphrase) and officer.json.
    /// Returns the hand-over's entry number.
    ///
    /// Crash-safe as the organisation's rotation: the new key and card are written beside
    /// the old ones first (`*.next`), then the ledger commits, then they are renamed into
    /// place; the next opening of the team ledger finishes or drops an interrupted one by
    /// what the ledger says.
    pub fn rotate_officer_key(
        &mut self,
        passphrase: &str,
        seed: [u8; 32],
        now: Timestamp,
        kdf_log_n: u8,
    ) -> Result<u64> {
        let Some(officer) = self.officer.clone() else {
            return Err(Error::invalid(
                "key",
                "this desk is not an officer's: the organisation's key is rotated with `tradeseal key rotate`",
            ));
        };
        let old = self.unlock(passphrase)?;
        let mut ledger = self.ledger()?;
        let new_key = SigningKey::from_bytes(&seed);
        let new_pk = PublicKey::of(&new_key);
        let card =
            crate::commit::OfficerCard::new(&officer.origin, &officer.org, &officer.name, &new_pk);
        let message = tradeseal_log::commit::officer_rotate_message(
            &officer.origin,
            &old.public_key(),
            &new_pk,
        );
        let signature = crate::signature::sign(&new_key, &message);
        let sealed = identity::encrypt_seed(&seed, passphrase, kdf_log_n)?;
        let (key_next, officer_next) = officer_next_files(&self.path);
        write_synced(&key_next, &sealed)?;
        let json = serde_json::to_vec_pretty(&card).expect("a card serialises");
        write_synced(&officer_next, &json)?;
        let committed = ledger
            .v2()
            .ok_or_else(|| Error::invalid("ledger", "an officer's desk writes a team ledger"))
            .and_then(|l| {
                l.rotate_officer(&old.key, now, &card, &signature)
                    .map_err(Into::into)
            });
        let c = match committed {
            Ok(c) => c,
            Err(e) => {
                let _ = fs::remove_file(&key_next);
                let _ = fs::remove_file(&officer_next);
                return Err(e);
            }
        };
        fs::rename(&key_next, self.path.join(KEY_FILE)).map_err(|e| write_error(&self.path, e))?;
        fs::rename(&officer_next, self.path.join(OFFICER_FILE))
            .map_err(|e| write_error(&self.path, e))?;
        self.officer = Some(card);
        Ok(c.start)
    }

    /// After an interrupted officer key rotation: if the team ledger enrolled the new
    /// card's key, move the new files into place (this desk is that key's now); if not,
    /// remove them.
    fn recover_officer_rotation(&self, l: &Ledger) -> Result<()> {
        use tradeseal_log::db::Sql;
        let (key_next, officer_next) = officer_next_files(&self.path);
        if !key_next.exists() && !officer_next.exists() {
            return Ok(());
        }
        let next = fs::read(&officer_next)
            .ok()
            .and_then(|b| serde_json::from_slice::<crate::commit::OfficerCard>(&b).ok())
            .and_then(|c| PublicKey::from_hex(&c.public_key));
        let enrolled = match &next {
            Some(k) => l
                .sql()
                .query_one(
                    "SELECT 1 FROM officers WHERE key = ?1",
                    tradeseal_log::sql_params![k.to_bytes().to_vec()],
                )?
                .is_some(),
            None => false,
        };
        if enrolled && key_next.exists() {
            fs::rename(&key_next, self.path.join(KEY_FILE))
                .map_err(|e| write_error(&self.path, e))?;
            fs::rename(&officer_next, self.path.join(OFFICER_FILE))
                .map_err(|e| write_error(&self.path, e))?;
            return Err(Error::invalid(
                "key",
                "this desk's officer key was replaced by a rotation that had not finished: it is finished now; run the command again",
            ));
        }
        let _ = fs::remove_file(&key_next);
        let _ = fs::remove_file(&officer_next);
        Ok(())
    }

    /// Whether a home exists at `path` (used by the app's first-run screen).
    pub fn exists(path: &Path) -> bool {
        path.join(CARD_FILE).is_file()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The code lists to check master data against: built in, replaced file by file by
    /// those in `<home>/codelists/`.
    pub fn codelists(&self) -> Result<std::borrow::Cow<'static, crate::codelists::CodeLists>> {
        crate::codelists::CodeLists::load(&self.path().join("codelists"))
    }

    pub fn card(&self) -> &IdentityCard {
        &self.card
    }

    /// Decrypts the key with `passphrase`; checks it is the card's key.
    pub fn unlock(&self, passphrase: &str) -> Result<Signer> {
        let kp = self.path.join(KEY_FILE);
        let file = fs::read(&kp).map_err(|e| Error::io(format!("reading {}", kp.display()), e))?;
        let seed = identity::decrypt_seed(&file, passphrase, &kp)?;
        self.signer_of(&seed)
    }

    /// The signer whose key is `seed`, if it is this desk's key (the organisation's,
    /// or this officer's): for a key kept unlocked by a session agent.
    pub fn signer_of(&self, seed: &[u8; 32]) -> Result<Signer> {
        let key = SigningKey::from_bytes(seed);
        let own = match &self.officer {
            Some(o) => &o.public_key,
            None => &self.card.public_key,
        };
        if PublicKey::of(&key).to_hex() != *own {
            return Err(Error::NotAHome {
                path: self.path.clone(),
                reason: "identity.age and identity.json hold different keys".into(),
            });
        }
        Ok(Signer {
            key,
            card: self.card.clone(),
        })
    }

    /// Rotates the organisation's key (keys.rs): unlocks the old key with `passphrase`,
    /// makes the new one from `seed` (32 random bytes from the caller), hands the
    /// ledger over, and replaces the key file (encrypted with the same passphrase) and
    /// the card. The old private key is gone afterwards.
    ///
    /// Crash-safe: the new key and card are written beside the old ones first
    /// (`*.next`); the ledger's hand-over commits in one transaction; then they are
    /// renamed into place. `Home::open` finishes or drops an interrupted rotation by
    /// what the ledger says.
    pub fn rotate_key(
        &mut self,
        passphrase: &str,
        seed: [u8; 32],
        now: Timestamp,
        kdf_log_n: u8,
    ) -> Result<u64> {
        if self.officer.is_some() {
            return Err(Error::invalid(
                "key",
                "this desk is an officer's: its key is replaced with `tradeseal officer rotate`",
            ));
        }
        let old = self.unlock(passphrase)?;
        let mut ledger = self.ledger()?;
        let key = SigningKey::from_bytes(&seed);
        let card = crate::keys::successor_card(&self.card, &PublicKey::of(&key))?;
        let new = Signer { key, card };
        let sealed = identity::encrypt_seed(&seed, passphrase, kdf_log_n)?;
        let (key_next, card_next) = next_files(&self.path);
        write_synced(&key_next, &sealed)?;
        let json = serde_json::to_vec_pretty(&new.card).expect("a card serialises");
        write_synced(&card_next, &json)?;
        let seq = match ledger.rotate(&old, &new, now) {
            Ok(seq) => seq,
            Err(e) => {
                let _ = fs::remove_file(&key_next);
                let _ = fs::remove_file(&card_next);
                return Err(e);
            }
        };
        finish_rotation(&self.path)?;
        self.card = new.card;
        Ok(seq)
    }

    /// Upgrades this one-desk home's ledger to version 2 in place (ledger.md §8.3),
    /// signed with the organisation's key unlocked by `passphrase`. Returns the number
    /// of the upgrade entry, the last version 1 entry.
    pub fn upgrade_ledger(&self, passphrase: &str, now: Timestamp) -> Result<u64> {
        if self.officer.is_some() || self.store().is_some() {
            return Err(Error::invalid(
                "ledger",
                "a team ledger is version 2 already: nothing to upgrade",
            ));
        }
        let mut ledger = self.ledger()?;
        if ledger.format() != 1 {
            return Err(Error::invalid(
                "ledger",
                "the ledger is version 2 already: nothing to upgrade",
            ));
        }
        let signer = self.unlock(passphrase)?;
        ledger.upgrade(&signer, now)
    }

    /// The ledger, for appending. A home marked read-only is refused before anything is written.
    pub fn ledger(&self) -> Result<Ledger> {
        if let Some(url) = self.store() {
            return self.team_ledger(&url);
        }
        if self.officer.is_some() {
            return Err(Error::invalid(
                "store",
                "this desk is an officer's of a team and names no team ledger: give --store or set TRADESEAL_STORE",
            ));
        }
        let lp = self.path.join(LEDGER_FILE);
        for p in [&self.path, &lp] {
            if fs::metadata(p)
                .map(|m| m.permissions().readonly())
                .unwrap_or(false)
            {
                return Err(Error::ReadOnly { path: p.clone() });
            }
        }
        self.check_ledger_key(Ledger::open(&lp)?)
    }

    /// The ledger for a bundle export: writable where the home is (an export notes
    /// which checkpoint it hands out, for later consistency proofs), else read-only.
    pub fn ledger_for_export(&self) -> Result<Ledger> {
        match self.ledger() {
            Err(Error::ReadOnly { .. }) => self.ledger_read_only(),
            other => other,
        }
    }

    /// The ledger, for reading only.
    pub fn ledger_read_only(&self) -> Result<Ledger> {
        if self.store().is_some() || self.officer.is_some() {
            // A team ledger's reader takes no write lock: the same connection.
            return self.ledger();
        }
        self.check_ledger_key(Ledger::open_read_only(&self.path.join(LEDGER_FILE))?)
    }

    fn check_ledger_key(&self, l: Ledger) -> Result<Ledger> {
        if l.key().to_hex() != self.card.public_key || l.origin() != self.card.origin {
            return Err(Error::NotAHome {
                path: self.path.clone(),
                reason: "the ledger belongs to another identity than identity.json".into(),
            });
        }
        Ok(l)
    }
}

/// Creates the folder `path` whole or not at all: `fill` writes its files into a private
/// folder beside it, which is then renamed into place. `path` must not exist or be an
/// empty folder.
fn create_whole<T>(path: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    if occupied(path) {
        return Err(Error::HomeExists { path: path.into() });
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("home");
    let staging = parent.join(format!(".{name}.init-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    private_dir(&staging).map_err(|e| write_error(&staging, e))?;
    let placed = fill(&staging).and_then(|v| {
        if path.exists() {
            fs::remove_dir(path).map_err(|e| write_error(path, e))?;
        }
        fs::rename(&staging, path).map_err(|e| write_error(path, e))?;
        Ok(v)
    });
    if placed.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    placed
}

fn officer_next_files(home: &Path) -> (PathBuf, PathBuf) {
    (
        home.join(format!("{KEY_FILE}.next")),
        home.join(format!("{OFFICER_FILE}.next")),
    )
}

fn next_files(home: &Path) -> (PathBuf, PathBuf) {
    (
        home.join(format!("{KEY_FILE}.next")),
        home.join(format!("{CARD_FILE}.next")),
    )
}

/// Moves the new key and card of a committed hand-over into place.
fn finish_rotation(home: &Path) -> Result<()> {
    let (key_next, card_next) = next_files(home);
    fs::rename(&key_next, home.join(KEY_FILE)).map_err(|e| write_error(home, e))?;
    fs::rename(&card_next, home.join(CARD_FILE)).map_err(|e| write_error(home, e))?;
    Ok(())
}

/// After an interrupted rotation: if the ledger committed the hand-over to the new
/// card's key, move the new files into place; if not, remove them.
fn recover_rotation(home: &Path) -> Result<()> {
    let (key_next, card_next) = next_files(home);
    if !key_next.exists() && !card_next.exists() {
        return Ok(());
    }
    let next_key = next_card_key(&card_next);
    // A home that writes a team ledger: what that ledger says is read when it is
    // opened (`recover_team_rotation`), not here.
    let team = fs::read(home.join(SETTINGS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
        .is_some_and(|s| s.store.is_some());
    if team {
        return Ok(());
    }
    let ledger_key = Ledger::open_read_only(&home.join(LEDGER_FILE))
        .ok()
        .map(|l| l.key().to_hex());
    match (next_key, ledger_key) {
        (Some(n), Some(l)) if n == l && key_next.exists() => finish_rotation(home),
        (_, Some(_)) => {
            let _ = fs::remove_file(&key_next);
            let _ = fs::remove_file(&card_next);
            Ok(())
        }
        // The ledger cannot be read: leave everything for the user to look at.
        (_, None) => Ok(()),
    }
}

/// The key (hex) of the card an unfinished rotation wrote, if it reads as a card.
fn next_card_key(card_next: &Path) -> Option<String> {
    fs::read(card_next)
        .ok()
        .and_then(|b| serde_json::from_slice::<IdentityCard>(&b).ok())
        .map(|c| c.public_key)
}

/// As [`recover_rotation`], for the organisation's desk of a team ledger.
fn recover_team_rotation(home: &Path, l: &Ledger) -> Result<()> {
    let (key_next, card_next) = next_files(home);
    if !key_next.exists() && !card_next.exists() {
        return Ok(());
    }
    if next_card_key(&card_next) == Some(l.key().to_hex()) && key_next.exists() {
        finish_rotation(home)?;
        return Err(Error::invalid(
            "key",
            "the organisation's key was handed over by a rotation that had not finished: it is finished now; run the command again",
        ));
    }
    let _ = fs::remove_file(&key_next);
    let _ = fs::remove_file(&card_next);
    Ok(())
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(30) {
        Error::ReadOnly { path: path.into() }
    } else {
        Error::io(format!("writing {}", path.display()), e)
    }
}

/// A home made by an earlier version (0755 and 0644) made its owner's alone: group and
/// others lose every right to the folder and TradeSeal's files in it; the owner's own
/// rights are kept (a home made read-only stays read-only). Best effort.
#[cfg(unix)]
fn tighten(home: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &Path| {
        if let Ok(m) = fs::metadata(p) {
            let mode = m.permissions().mode();
            if mode & 0o077 != 0 {
                let _ = fs::set_permissions(p, fs::Permissions::from_mode(mode & !0o077));
            }
        }
    };
    set(home);
    for f in [KEY_FILE, CARD_FILE, LEDGER_FILE, SETTINGS_FILE] {
        set(&home.join(f));
    }
    for suffix in ["-wal", "-shm"] {
        set(&home.join(format!("{LEDGER_FILE}{suffix}")));
    }
}

/// On Windows the home folder's access list is made the owner's alone (its files
/// inherit it: owner_only.rs). Best effort: a home on a file system without access
/// lists (FAT) opens all the same.
#[cfg(windows)]
fn tighten(home: &Path) {
    let _ = crate::owner_only::restrict(home);
}

#[cfg(not(any(unix, windows)))]
fn tighten(_home: &Path) {}

/// A folder only its owner may enter (0700 on Unix; on Windows an access list of the
/// current user alone, which the files made in it inherit).
fn private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut fs::DirBuilder::new(), 0o700).create(path)?;
    #[cfg(not(unix))]
    fs::create_dir(path)?;
    #[cfg(windows)]
    crate::owner_only::restrict(path)?;
    Ok(())
}

/// Writes a home file readable by its owner only (0600 on Unix), synced.
fn write_synced(path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(path).map_err(|e| write_error(path, e))?;
    f.write_all(data)
        .and_then(|_| f.sync_all())
        .map_err(|e| write_error(path, e))
}

/// Where the home is when no `--home` is given: `TRADESEAL_HOME`, else the platform's
/// data folder (`~/.local/share/tradeseal` on Linux).
pub fn default_location() -> PathBuf {
    if let Some(h) = std::env::var_os("TRADESEAL_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tradeseal")
}
