//! The README's CLI tour, run as a new user pastes it: its code blocks, in order, in one
//! bash from the repository's folder, and its transcript (each command, its exit code
//! and output) compared with `tests/golden/tour.txt`. Values that differ per run are
//! replaced by placeholders; `TRADESEAL_BLESS=1 cargo test` rewrites the transcript.
//!
//! One step is the test's own: the tour's build (`cargo build --release`, and the PATH
//! that points at it) is replaced by this test's build of the same binary.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The tour's commands: the code blocks of the README's tour section, a line continued
/// with `\` joined to the next, comment lines and the build step left out.
fn tour_commands(readme: &str) -> Vec<String> {
    let start = readme
        .find("## A five-minute CLI tour")
        .expect("the README has its tour");
    let end = start
        + readme[start..]
            .find("\n## ")
            .expect("a section after the tour");
    let mut commands = Vec::new();
    let mut in_code = false;
    let mut pending = String::new();
    for line in readme[start..end].lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            assert!(
                pending.is_empty(),
                "a continued line ends a block: {pending}"
            );
            continue;
        }
        if !in_code || line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let trimmed = line.trim_end();
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head.trim_start());
            continue;
        }
        pending.push_str(trimmed.trim_start());
        let command = std::mem::take(&mut pending);
        if command.starts_with("cargo build") || command.starts_with("export PATH=") {
            continue;
        }
        commands.push(command);
    }
    commands
}

/// A bash script that runs `commands` in one shell, printing each, then its exit code.
fn script(commands: &[String]) -> String {
    let mut s = String::from("exec 2>&1\n");
    for c in commands {
        let shown = format!("$ {c}").replace('\'', r"'\''");
        s.push_str(&format!(
            "printf '%s\\n' '{shown}'\n{c}\nprintf '? %s\\n\\n' \"$?\"\n"
        ));
    }
    s
}

fn redact(s: &str, scratch: &Path) -> String {
    // The scratch folder `mktemp -d` made inside the test's own temporary folder.
    let scratch_dir = regex::Regex::new(&format!(
        "{}/tmp\\.[A-Za-z0-9]+",
        regex::escape(&scratch.display().to_string())
    ))
    .unwrap();
    let out = scratch_dir.replace_all(s, "SCRATCH").into_owned();
    let out = out.replace(&root().display().to_string(), "REPO");
    common::redact_values(&out)
}

#[test]
fn the_readme_tour_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let commands = tour_commands(&readme);
    assert!(commands.len() > 40, "{commands:?}");
    let tmp = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_tradeseal"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(script(&commands))
        .current_dir(root())
        .env("PATH", path)
        .env("TMPDIR", tmp.path())
        .env_remove("TRADESEAL_HOME")
        .env_remove("TRADESEAL_PASSPHRASE")
        .env_remove("TRADESEAL_STORE")
        .output()
        .unwrap();
    let got = redact(&String::from_utf8_lossy(&o.stdout), tmp.path());
    let golden = root().join("tests/golden/tour.txt");
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        got, want,
        "the tour's transcript changed (TRADESEAL_BLESS=1 rewrites it)"
    );
    // Nothing of it went into the repository.
    for name in [
        "acme",
        "acme-cp.txt",
        "r031.tsbundle",
        "labels.pdf",
        "outbox",
        "plots.geojson",
    ] {
        assert!(
            !root().join(name).exists(),
            "the tour wrote {name} into the repository"
        );
    }
    // Every command a user runs works: none ends in a usage or environment error.
    for block in got.split("\n\n").filter(|b| b.starts_with("$ ")) {
        assert!(
            !block.contains("\n? 2\n"),
            "a tour command failed:\n{block}"
        );
        assert!(
            !block.contains("\n? 127\n"),
            "a tour command is missing:\n{block}"
        );
    }
}
