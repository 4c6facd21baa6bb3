//! Golden tests of the CLI contract: each `tests/golden/cli/*.txt` is a transcript of
//! commands, their exit codes and output. Values that differ per run (keys, hashes, times,
//! signatures) are replaced by placeholders. `TRADESEAL_BLESS=1 cargo test` rewrites them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const PASS: &str = "correct horse battery";

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/cli")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .canonicalize()
        .unwrap()
}

fn redact(s: &str, home: &Path) -> String {
    let mut out = s
        .replace(&home.display().to_string(), "HOME")
        .replace(&fixtures().display().to_string(), "FIXTURES");
    if let Some(dir) = home.parent() {
        out = out.replace(&dir.display().to_string(), "DIR");
    }
    common::redact_values(&out)
}

/// Splits a command line on spaces, honouring double quotes and backslash escapes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut any) = (false, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            // `\"` is a quote inside a word (JSON arguments).
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    any = true;
                }
            }
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            _ => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Runs the `$ ` lines of a transcript and returns the transcript they produce now.
fn replay(script: &str, dir: &Path) -> String {
    let home = dir.join("home");
    let mut out = String::new();
    for line in script.lines().filter_map(|l| l.strip_prefix("$ ")) {
        let mut w = words(line);
        let mut env: Vec<(String, String)> = vec![("TRADESEAL_PASSPHRASE".into(), PASS.into())];
        while w
            .first()
            .is_some_and(|x| x.contains('=') && !x.starts_with('-'))
        {
            let (k, v) = w
                .remove(0)
                .split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .unwrap();
            env.push((k, v));
        }
        assert_eq!(w.remove(0), "tradeseal", "transcripts run tradeseal only");
        let args: Vec<String> = w
            .iter()
            .map(|a| {
                a.replace("HOME", &home.display().to_string())
                    .replace("DIR", &dir.display().to_string())
                    .replace("FIXTURES", &fixtures().display().to_string())
            })
            .collect();
        let o = Command::new(env!("CARGO_BIN_EXE_tradeseal"))
            .args(&args)
            .env_remove("TRADESEAL_HOME")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir)
            .output()
            .unwrap();
        out.push_str(&format!("$ {line}\n"));
        out.push_str(&format!("? {}\n", o.status.code().unwrap_or(-1)));
        for l in String::from_utf8_lossy(&o.stdout).lines() {
            out.push_str(&format!("{l}\n"));
        }
        for l in String::from_utf8_lossy(&o.stderr).lines() {
            out.push_str(&format!("! {l}\n"));
        }
        out.push('\n');
    }
    redact(&out, &home)
}

#[test]
fn cli_transcripts_match_their_golden_files() {
    let mut seen = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        let want = std::fs::read_to_string(&path).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let got = replay(&want, dir.path());
        if std::env::var_os("TRADESEAL_BLESS").is_some() {
            std::fs::write(&path, &got).unwrap();
        } else if got != want {
            failures.push(format!(
                "{}:\n--- want\n{want}\n--- got\n{got}",
                path.display()
            ));
        }
        seen += 1;
    }
    assert!(seen >= 3, "golden transcripts are missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn redaction_keeps_exit_codes_and_words() {
    let r = redact("? 1\nfirst bad entry is 4 (abc)", Path::new("/x"));
    assert_eq!(r, "? 1\nfirst bad entry is 4 (abc)");
}

fn tradeseal(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tradeseal"))
        .arg("--home")
        .arg(home)
        .args(args)
        .env("TRADESEAL_PASSPHRASE", PASS)
        .output()
        .unwrap()
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_tampered_ledger_exits_1_and_names_the_first_bad_entry() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    ok(&tradeseal(&home, &["init", "--org", "Acme"]));
    for i in 0..5 {
        ok(&tradeseal(&home, &["note", &format!("note {i}")]));
    }
    let saved = dir.path().join("cp.txt");
    std::fs::write(&saved, ok(&tradeseal(&home, &["checkpoint"]))).unwrap();
    let c = rusqlite::Connection::open(home.join("ledger.sqlite")).unwrap();
    c.execute(
        "UPDATE entries SET payload = '{\"text\":\"note X\"}' WHERE seq = 3",
        [],
    )
    .unwrap();
    drop(c);
    let o = tradeseal(&home, &["verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("first bad entry is 3"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = tradeseal(&home, &["verify", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "failed");
    assert_eq!(v["first_bad"], 3);

    // Truncation that also rolls the checkpoint back is caught against the saved checkpoint.
    let c = rusqlite::Connection::open(home.join("ledger.sqlite")).unwrap();
    c.execute(
        "UPDATE entries SET payload = '{\"text\":\"note 3\"}' WHERE seq = 3",
        [],
    )
    .unwrap();
    drop(c);
    ok(&tradeseal(
        &home,
        &["verify", "--checkpoint", saved.to_str().unwrap()],
    ));
    ok(&tradeseal(&home, &["note", "one more"]));
    let c = rusqlite::Connection::open(home.join("ledger.sqlite")).unwrap();
    c.execute("DELETE FROM entries WHERE seq >= 4", []).unwrap();
    drop(c);
    let o = tradeseal(&home, &["verify", "--checkpoint", saved.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("first bad entry is 4"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_read_only_home_refuses_writes_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    ok(&tradeseal(&home, &["init", "--org", "Acme"]));
    ok(&tradeseal(&home, &["note", "before"]));
    for p in [home.join("ledger.sqlite"), home.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let before = files(&home);
    let o = tradeseal(&home, &["note", "after"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("read-only"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(files(&home), before);
    for p in [home.clone(), home.join("ledger.sqlite")] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(ok(&tradeseal(&home, &["log"])).contains("before"));
}

#[test]
fn a_folder_of_other_files_is_not_a_home() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let o = tradeseal(dir.path(), &["log"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a TradeSeal home"));
    let o = tradeseal(dir.path(), &["init", "--org", "Acme"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn two_processes_appending_at_once_are_serialised() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    ok(&tradeseal(&home, &["init", "--org", "Acme"]));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let home = home.clone();
            std::thread::spawn(move || {
                for i in 0..4 {
                    ok(&tradeseal(
                        &home,
                        &["note", &format!("writer {w} note {i}")],
                    ));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let log: serde_json::Value =
        serde_json::from_str(&ok(&tradeseal(&home, &["log", "--json"]))).unwrap();
    let seqs: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (0..8).rev().collect::<Vec<_>>());
    ok(&tradeseal(&home, &["verify"]));
}

#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_cli_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    ok(&tradeseal(&home, &["init", "--org", "Acme"]));
    for i in 0..3 {
        ok(&tradeseal(&home, &["note", &format!("note {i}")]));
    }
    // As `tradeseal log | head -0`: the reader is gone before anything is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeseal"))
        .arg("--home")
        .arg(&home)
        .arg("log")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked") && err.is_empty(), "{err}");
    assert_eq!(o.status.signal(), Some(libc_sigpipe()), "{:?}", o.status);
}

#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13 // SIGPIPE on Linux and the BSDs
}

#[test]
fn files_too_large_or_not_utf8_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    ok(&tradeseal(
        &home,
        &["init", "--org", "Acme", "--gln", "4012345000009"],
    ));
    // Sparse files: 2 GB named as a sealed dossier and as a checkpoint, not read.
    let big = dir.path().join("sealed.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2_000_000_000)
        .unwrap();
    let o = tradeseal(&home, &["dossier", "verify", big.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is 2000.0 MB; a sealed dossier or credential is at most 256 MB"),
        "{err}"
    );
    assert_ne!(o.status.code(), Some(0));
    let o = tradeseal(&home, &["verify", "--checkpoint", big.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a checkpoint is at most 1 MB"), "{err}");
    // A partner's card saved as Latin-1: named, with what to do.
    let card = dir.path().join("card.json");
    std::fs::write(&card, b"{\"org\": \"Caf\xE9 do Sul\"}").unwrap();
    let o = tradeseal(&home, &["party", "add", card.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is not UTF-8 text (byte 12 is not): save it as UTF-8"),
        "{err}"
    );
}

#[test]
fn scan_reads_every_file_it_can_and_names_the_ones_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    ok(&tradeseal(
        &home,
        &["init", "--org", "Acme", "--gln", "4012345000009"],
    ));
    let pdf = dir.path().join("labels.pdf");
    ok(&tradeseal(
        &home,
        &[
            "labels",
            "--gtin",
            "04012345123456",
            "--lot",
            "L1",
            "--count",
            "3",
            "--resolver",
            "https://id.example.com",
            "-o",
            pdf.to_str().unwrap(),
        ],
    ));
    let missing = dir.path().join("missing.jpg");
    let o = tradeseal(
        &home,
        &["scan", missing.to_str().unwrap(), pdf.to_str().unwrap()],
    );
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    // The file after the missing one was scanned; the missing one is named; exit 2.
    assert!(out.contains("labels.pdf: 3 code(s)"), "{out}\n{err}");
    assert!(err.contains("missing.jpg was not scanned"), "{err}");
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
}

#[test]
fn an_incomplete_bundle_has_its_own_verdict_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    let gap = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/bundle/custody-gap.tsbundle");
    let o = tradeseal(&home, &["bundle", "verify", gap.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("INCOMPLETE: the file is intact"), "{out}");
    assert!(out.contains("GAP   custody-gap"), "{out}");
    assert_eq!(o.status.code(), Some(3), "{out}");
    let o = tradeseal(
        &home,
        &["bundle", "verify", gap.to_str().unwrap(), "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "incomplete");
    assert_eq!(o.status.code(), Some(3));
    // A forged one still fails with 1.
    let forged = gap.with_file_name("entry-signature.tsbundle");
    let o = tradeseal(&home, &["bundle", "verify", forged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn labels_whose_print_failed_are_printed_again_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("h");
    ok(&tradeseal(
        &home,
        &["init", "--org", "Acme", "--gln", "4012345000009"],
    ));
    ok(&tradeseal(&home, &["note", "entry 0 is a note"]));
    let args = |out: &str| -> Vec<String> {
        [
            "labels",
            "--gtin",
            "04012345123456",
            "--lot",
            "L1",
            "--count",
            "3",
            "--resolver",
            "https://id.example.com",
            "-o",
            out,
        ]
        .map(str::to_string)
        .to_vec()
    };
    // A folder that does not exist: the batch is issued, the write fails, and the
    // message says how to print it.
    let bad = dir.path().join("no-such-folder/labels.zpl");
    let a = args(bad.to_str().unwrap());
    let o = tradeseal(&home, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let entry: String = regex::Regex::new(r"labels reprint (\d+)")
        .unwrap()
        .captures(&err)
        .expect("names the entry")[1]
        .to_string();
    let size = |h: &Path| ok(&tradeseal(h, &["log"])).lines().count();
    let before = size(&home);
    let good = dir.path().join("again.zpl");
    let out = ok(&tradeseal(
        &home,
        &[
            "labels",
            "reprint",
            &entry,
            "--layout",
            "roll-62mm",
            "-o",
            good.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("Printed again 3 label(s)"), "{out}");
    assert_eq!(size(&home), before, "nothing new in the ledger");
    let zpl = std::fs::read_to_string(&good).unwrap();
    let uris: Vec<&str> = zpl
        .split("^FDQA,")
        .skip(1)
        .map(|x| x.split("^FS").next().unwrap())
        .collect();
    assert_eq!(uris.len(), 3);
    assert!(
        uris[0].contains("/21/000001?") && uris[2].contains("/21/000003?"),
        "{uris:?}"
    );
    // Printed again twice, the same labels (deterministic signatures).
    let again = dir.path().join("again2.zpl");
    ok(&tradeseal(
        &home,
        &[
            "labels",
            "reprint",
            &entry,
            "--layout",
            "roll-62mm",
            "-o",
            again.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read(&again).unwrap(), zpl.as_bytes());
    // The next issue goes on after them: nothing was issued twice.
    let next = dir.path().join("next.zpl");
    let a = args(next.to_str().unwrap());
    let mut a: Vec<&str> = a.iter().map(String::as_str).collect();
    a[6] = "1";
    ok(&tradeseal(&home, &a));
    assert!(std::fs::read_to_string(&next)
        .unwrap()
        .contains("/21/000004?"));
    // An entry that is not a batch is refused with what it is.
    let o = tradeseal(
        &home,
        &["labels", "reprint", "0", "-o", good.to_str().unwrap()],
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not a label batch"),
        "{:?}",
        o
    );
}
