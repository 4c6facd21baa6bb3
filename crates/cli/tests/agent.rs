//! `tradeseal unlock`: the key kept unlocked for a session by an agent process, used by
//! signing commands without the passphrase, locked by `tradeseal lock`, by the lock time
//! and by a key hand-over; never written anywhere.
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASS: &str = "correct horse battery";

/// Runs the CLI on `home`, with the passphrase in the environment when `pass`, and no
/// terminal to ask for it.
fn run(home: &Path, pass: bool, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tradeseal"));
    c.arg("--home")
        .arg(home)
        .args(args)
        .env_remove("TRADESEAL_PASSPHRASE")
        .env_remove("TRADESEAL_IDLE_LOCK_SECONDS")
        .env_remove("TRADESEAL_STORE")
        .stdin(Stdio::null());
    if pass {
        c.env("TRADESEAL_PASSPHRASE", PASS);
    }
    c.envs(env.iter().copied());
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Whether the signing command `args`, run without the passphrase, asks for it.
fn asks(home: &Path, args: &[&str]) -> bool {
    asks_for_the_passphrase(&run(home, false, args, &[]))
}

fn asks_for_the_passphrase(o: &Output) -> bool {
    o.status.code() == Some(2) && String::from_utf8_lossy(&o.stderr).contains("passphrase")
}

/// Every file under `dir` (the socket excepted), and whether any holds `needle`.
fn found_in_files(dir: &Path, needle: &[u8]) -> Option<std::path::PathBuf> {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            if let Some(f) = found_in_files(&p, needle) {
                return Some(f);
            }
        } else if meta.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                return Some(p);
            }
        }
    }
    None
}

#[test]
fn an_unlocked_session_signs_without_the_passphrase_and_keeps_the_key_off_disk() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    ok(&run(
        &home,
        true,
        &["init", "--org", "Acme Coffee Importers"],
        &[],
    ));
    // Not unlocked: a signing command without the passphrase asks for it, and fails.
    assert!(asks(&home, &["note", "before"]));
    assert!(ok(&run(&home, false, &["lock"], &[])).contains("nothing to lock"));

    // A wrong passphrase starts nothing.
    let o = run(
        &home,
        false,
        &["unlock"],
        &[("TRADESEAL_PASSPHRASE", "not the passphrase")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!home.join("agent.sock").exists());

    let out = ok(&run(&home, true, &["unlock", "--minutes", "5"], &[]));
    assert!(out.contains("5 minute(s)"), "{out}");
    // The socket: the owner's alone.
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let meta = std::fs::metadata(home.join("agent.sock")).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);

    // Signing commands need no passphrase now; the entries verify as the key's.
    ok(&run(&home, false, &["note", "in the session"], &[]));
    ok(&run(&home, false, &["note", "again"], &[]));
    let verified = ok(&run(&home, false, &["verify"], &[]));
    assert!(verified.contains("intact: 2 entries"), "{verified}");

    // The key is nowhere on disk: not in the home, not in the temporary folder, not in
    // the agent's arguments or environment.
    let file = std::fs::read(home.join("identity.age")).unwrap();
    let seed =
        tradeseal_core::identity::decrypt_seed(&file, PASS, &home.join("identity.age")).unwrap();
    let hex = hex_of(&seed[..]);
    for needle in [&seed[..], hex.as_bytes()] {
        assert_eq!(found_in_files(dir.path(), needle), None);
    }
    let agents = agent_pids(&home);
    assert_eq!(agents.len(), 1, "one agent for the home");
    for what in ["cmdline", "environ"] {
        // The agent is not dumpable: its own user cannot read these either (root can).
        if let Ok(bytes) = std::fs::read(format!("/proc/{}/{what}", agents[0])) {
            assert!(!bytes.windows(hex.len()).any(|w| w == hex.as_bytes()));
        }
    }

    // Locked: asked again, and the agent is gone with its socket.
    assert!(ok(&run(&home, false, &["lock"], &[])).contains("Locked"));
    assert!(asks(&home, &["note", "after"]));
    assert!(!home.join("agent.sock").exists());
    wait_until(|| agent_pids(&home).is_empty());
}

#[test]
fn the_session_locks_itself_after_the_lock_time_and_at_a_key_hand_over() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    ok(&run(
        &home,
        true,
        &["init", "--org", "Acme Coffee Importers"],
        &[],
    ));
    // The app's lock time, overridden as for a kiosk: one second without use.
    ok(&run(
        &home,
        true,
        &["unlock"],
        &[("TRADESEAL_IDLE_LOCK_SECONDS", "1")],
    ));
    ok(&run(&home, false, &["note", "within the second"], &[]));
    wait_until(|| !home.join("agent.sock").exists());
    assert!(asks(&home, &["note", "later"]));

    // A key hand-over locks the session: the old key is gone from the agent too.
    ok(&run(&home, true, &["unlock"], &[]));
    ok(&run(&home, true, &["key", "rotate"], &[]));
    assert!(!home.join("agent.sock").exists());
    assert!(asks(&home, &["note", "new key"]));
    // Unlocked again: the new key signs.
    ok(&run(&home, true, &["unlock"], &[]));
    ok(&run(&home, false, &["note", "new key"], &[]));
    assert!(ok(&run(&home, false, &["verify"], &[])).contains("intact"));
    ok(&run(&home, false, &["lock"], &[]));
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The pids of agents serving `home` (from their command lines; Linux).
fn agent_pids(home: &Path) -> Vec<u32> {
    let want = home.display().to_string();
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) {
            let args: Vec<String> = cmd
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if args.iter().any(|a| a == "agent") && args.iter().any(|a| *a == want) {
                out.push(pid);
            }
        }
    }
    out
}

fn wait_until(done: impl Fn() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < until, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
