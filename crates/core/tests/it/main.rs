//! Integration tests of the core on real SQLite files (one test binary, see STYLE.md).

mod attest;
mod bundle;
pub mod card_qr;
mod certificate;
mod certificate_vectors;
mod crash;
mod demo;
mod dossier;
mod dossier_vectors;
mod epcis;
mod epcis_hash;
mod fuzz;
mod gs1_examples;
mod home;
mod label;
mod label_clones;
mod label_vectors;
mod ledger;
#[cfg(unix)] // the throwaway PostgreSQL cluster needs Unix sockets
mod ledger_v2;
mod ledger_vectors;
mod merkle_vectors;
mod parties;
mod publish;
mod report;
mod rotation;
mod tamper;
mod untp;
mod upgrade;

use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::Signer;
use tradeseal_core::Timestamp;

pub const PASS: &str = "correct horse battery";

pub fn t(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_795_000_000_000 + ms).unwrap()
}

thread_local! {
    /// Set by [`version_1_only`]: the homes this test (its thread) makes are version 1.
    static V1_HOMES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this run makes homes whose ledger is version 2 from entry 0: with
/// `TRADESEAL_TEST_STORE=sqlite-v2` (their own SQLite file) or `postgres` (a team ledger
/// in a throwaway PostgreSQL database), the runs of this suite after the first in
/// scripts/test.sh.
pub fn v2_homes() -> bool {
    matches!(
        std::env::var("TRADESEAL_TEST_STORE").as_deref(),
        Ok("sqlite-v2") | Ok("postgres")
    )
}

/// Whether homes' ledgers are team ledgers in PostgreSQL in this run.
pub fn on_postgres() -> bool {
    cfg!(unix) && std::env::var("TRADESEAL_TEST_STORE").as_deref() == Ok("postgres")
}

/// `Home::init_v1` (a version 1 ledger) on the first run, or `Home::init` (version 2
/// from entry 0, as a user's home) on a run of version 2 homes, except in a test that
/// is [`version_1_only`].
pub fn init_home(path: &std::path::Path, opts: InitOptions<'_>) -> tradeseal_core::Result<Home> {
    if v2_homes() && !V1_HOMES.get() {
        Home::init(path, opts)
    } else {
        Home::init_v1(path, opts)
    }
}

/// A fresh home in a temporary folder, unlocked (see [`init_home`]).
pub fn new_home() -> (tempfile::TempDir, Home, Signer) {
    home_of("Acme Coffee Importers", Some("4012345000009"), 3)
}

/// A fresh home of `org` whose key comes from `seed` (32 times the byte), unlocked.
pub fn home_of(org: &str, gln: Option<&str>, seed: u8) -> (tempfile::TempDir, Home, Signer) {
    let (dir, home, signer) = made_home(init_home, org, gln, seed);
    #[cfg(unix)]
    if on_postgres() && !V1_HOMES.get() {
        tradeseal_core::team::init(&home, &signer, &tradeseal_log::throwaway::database()).unwrap();
    }
    (dir, home, signer)
}

/// A fresh home of `org` whose ledger is version 2 from entry 0 on every run, unlocked.
pub fn v2_home_of(org: &str, gln: Option<&str>, seed: u8) -> (tempfile::TempDir, Home, Signer) {
    made_home(Home::init, org, gln, seed)
}

/// A home made by `init` in a temporary folder, with the test passphrase, unlocked.
fn made_home(
    init: impl FnOnce(&std::path::Path, InitOptions<'_>) -> tradeseal_core::Result<Home>,
    org: &str,
    gln: Option<&str>,
    seed: u8,
) -> (tempfile::TempDir, Home, Signer) {
    let dir = tempfile::tempdir().unwrap();
    let home = init(
        &dir.path().join("home"),
        InitOptions {
            org,
            gln,
            passphrase: PASS,
            seed: [seed; 32],
            now: t(0),
            kdf_log_n: 10,
        },
    )
    .unwrap();
    let signer = home.unlock(PASS).unwrap();
    (dir, home, signer)
}

/// For a test of version 1 ledgers (a v1 file's bytes, entry signatures, v1 formats and
/// vectors, the upgrade, `key rotate` of a v1 home): every home it makes is a version 1
/// home, on the first run; on the runs of version 2 homes it says so and is skipped
/// (true): it would only repeat itself.
pub fn version_1_only(what: &str) -> bool {
    if v2_homes() {
        eprintln!("run once, in the first run: {what}");
        return true;
    }
    V1_HOMES.set(true);
    false
}

/// For a test that makes its own ledgers (on both engines): true, saying so, on the
/// runs of version 2 homes, where it would only repeat itself.
pub fn runs_once(what: &str) -> bool {
    if v2_homes() {
        eprintln!("run once, in the first run: {what}");
    }
    v2_homes()
}

/// The kind and payload of entry `seq`, in a ledger of either format.
pub fn kind_and_payload(l: &tradeseal_core::ledger::Ledger, seq: u64) -> (String, String) {
    if l.format() == 1 {
        let e = l.entry(seq).unwrap();
        (e.body.kind, e.body.payload)
    } else {
        let e = l.entry_in_commit(seq).unwrap();
        (e.body.kind, e.body.payload)
    }
}

/// A receiver's home (a broker, seed 77) holding `issuer`'s card: `"trusted"`,
/// `"revoked"` (from 2026-01-01, "key stolen"), or only added (`"unknown"`).
pub fn receiver(
    issuer: &tradeseal_core::identity::IdentityCard,
    trust: &str,
) -> (tempfile::TempDir, tradeseal_core::ledger::Ledger) {
    use tradeseal_core::parties;
    let (d, home, s) = home_of("Customs Broker Ltd", None, 77);
    let mut l = home.ledger().unwrap();
    let pk = issuer.public_key.clone();
    let mut entries = vec![parties::add_entry(issuer).unwrap()];
    match trust {
        "trusted" => entries.push(parties::trust_entry(&pk).unwrap()),
        "revoked" => entries.push(
            parties::revoke_entry(
                &pk,
                Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap(),
                "key stolen",
            )
            .unwrap(),
        ),
        _ => {}
    }
    l.append(&s, t(20), &entries).unwrap();
    (d, l)
}

/// A verdict as the vector files write it.
pub fn verdict_word(v: tradeseal_core::bundle::BundleVerdict) -> &'static str {
    use tradeseal_core::bundle::BundleVerdict as V;
    match v {
        V::Verified => "verified",
        V::VerifiedWithWarnings => "verified-with-warnings",
        V::Incomplete => "incomplete",
        V::Failed => "failed",
    }
}

/// Asserts the vector file `rel` (from the repository root) holds `doc` as pretty JSON;
/// `TRADESEAL_BLESS=1` writes it instead.
pub fn vector_is_current(rel: &str, doc: &serde_json::Value) {
    let path = epcis::root().join(rel);
    let want = serde_json::to_string_pretty(doc).unwrap() + "\n";
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        want,
        "{rel} changed: run TRADESEAL_BLESS=1 to rewrite it, if the format change is intended (formats are forever)"
    );
}
