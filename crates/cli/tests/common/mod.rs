//! What the CLI's transcript tests share: the values that differ per run (keys, hashes,
//! times, signatures), replaced by placeholders.

use regex::Regex;

pub fn redact_values(s: &str) -> String {
    let rules = [
        (r"tradeseal/[0-9a-f]{16}", "tradeseal/[ORIGIN]"),
        (r"\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", "+[KEYID]+[VKEY]"),
        (r"[0-9a-f]{64}", "[HEX64]"),
        (r"\bD[0-9a-f]{16}\b", "[DOSSIER]"),
        (r"did:key:z[1-9A-HJ-NP-Za-km-z]+", "did:key:[DID]"),
        (r"\b[0-9a-f]{16}\b", "[HEX16]"),
        (r"(?m)^[A-Za-z0-9+/]{43}=$", "[ROOT]"),
        // A v2 commit note's extension line: the range root hashes entries with times.
        (
            r"(tradeseal-commit/v2 \d+ \S+) [A-Za-z0-9+/]{43}=",
            "$1 [RANGE]",
        ),
        (r"\\n[A-Za-z0-9+/]{43}=\\n", "\\n[ROOT]\\n"),
        (r"(\u{2014} \S+) [A-Za-z0-9+/]{90,}={0,2}", "$1 [SIGNATURE]"),
        (r"\d{5} \d{5} \d{5} \d{5} \d{5} \d{5}", "[FINGERPRINT]"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "[TIME]"),
        // The QR version of a label depends on its random key's signature (segments).
        (r"QR version up to \d+", "QR version up to [V]"),
    ];
    let mut out = s.to_string();
    for (re, to) in rules {
        out = Regex::new(re).unwrap().replace_all(&out, to).into_owned();
    }
    out
}

/// The passphrase of the homes the tests make.
#[allow(dead_code)]
pub const PASS: &str = "correct horse battery";

/// Runs the CLI on `home` with the passphrase in the environment, no team ledger, the
/// C locale, and `env` on top.
#[allow(dead_code)]
pub fn tradeseal(
    home: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tradeseal"))
        .arg("--home")
        .arg(home)
        .args(args)
        .env("TRADESEAL_PASSPHRASE", PASS)
        .env_remove("TRADESEAL_STORE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The repository's root folder.
#[allow(dead_code)]
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A command's standard output and error, as one text.
#[allow(dead_code)]
pub fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
