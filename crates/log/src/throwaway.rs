//! A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, listening
//! on a Unix socket only, stopped and deleted when the test process ends. Each call of
//! [`database`] gives a new, empty database in it. `scripts/test.sh` starts one cluster
//! for the whole run and names it in `TRADESEAL_TEST_POSTGRES`; without that variable
//! a test process starts its own.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The connection string of a new, empty database (for one test).
pub fn database() -> String {
    let admin = cluster();
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut c = postgres::Client::connect(&format!("{admin} dbname=postgres"), postgres::NoTls)
        .unwrap_or_else(|e| panic!("the test PostgreSQL at {admin:?} does not answer: {e}"));
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    format!("{admin} dbname={name}")
}

/// The admin connection string of the cluster (without a database name).
fn cluster() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("TRADESEAL_TEST_POSTGRES") {
            if !url.is_empty() {
                return url;
            }
        }
        start()
    })
    .clone()
}

/// The folder of PostgreSQL's server programs (initdb, postgres).
fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if p.join("initdb").exists() {
            return p;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect(
        "PostgreSQL's server programs are missing: run scripts/setup.sh (it installs the Debian package postgresql)",
    )
}

/// Starts a cluster owned by a supervisor shell that stops it and deletes its folder
/// when its standard input closes, that is when this process ends, however it ends.
fn start() -> String {
    let bin = bin_dir();
    let dir = std::env::temp_dir().join(format!("tradeseal-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the test cluster");
    // initdb refuses to run as root: run the cluster as the `postgres` user then.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        let status = Command::new("chown")
            .args([
                "postgres:postgres",
                dir.to_str().expect("a UTF-8 temp path"),
            ])
            .status()
            .expect("chown runs");
        assert!(
            status.success(),
            "cannot give {} to the postgres user",
            dir.display()
        );
    }
    let d = dir.display().to_string();
    let b = bin.display().to_string();
    let script = format!(
        "set -e\n\
         {b}/initdb -D '{d}/data' -A trust -U tradeseal --no-sync -E UTF8 --locale C >'{d}/initdb.log' 2>&1\n\
         {b}/postgres -D '{d}/data' -k '{d}' -c listen_addresses='' -c fsync=off >'{d}/server.log' 2>&1 &\n\
         pid=$!\n\
         echo started\n\
         read _ || true\n\
         kill -INT $pid 2>/dev/null || true\n\
         wait $pid 2>/dev/null || true\n\
         rm -rf '{d}'\n"
    );
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", &script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        c
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sh starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("piped")),
        &mut line,
    )
    .expect("the supervisor answers");
    assert_eq!(
        line.trim(),
        "started",
        "initdb failed: see {}/initdb.log",
        dir.display()
    );
    // Kept open for the life of the process; closed by the OS when it ends.
    static STDIN: Mutex<Option<std::process::ChildStdin>> = Mutex::new(None);
    let mut stdin = child.stdin.take().expect("piped");
    let _ = stdin.flush();
    *STDIN.lock().unwrap_or_else(|e| e.into_inner()) = Some(stdin);
    std::mem::forget(child);
    let url = format!("host={d} user=tradeseal");
    for _ in 0..100 {
        if postgres::Client::connect(&format!("{url} dbname=postgres"), postgres::NoTls).is_ok() {
            return url;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "the test PostgreSQL did not start: see {}/server.log",
        dir.display()
    );
}

/// A cluster of one test's own, to stop and start again (fault tests); deleted when
/// dropped. Uses `pg_ctl`; as root, as the `postgres` user.
pub struct Private {
    dir: PathBuf,
    bin: PathBuf,
    root: bool,
    /// The connection string of its `postgres` database.
    pub url: String,
}

impl Private {
    pub fn new() -> Private {
        let bin = bin_dir();
        let dir = std::env::temp_dir().join(format!(
            "tradeseal-pg-private-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("a folder for the test cluster");
        let root = unsafe { libc::geteuid() } == 0;
        if root {
            Command::new("chown")
                .args([
                    "postgres:postgres",
                    dir.to_str().expect("a UTF-8 temp path"),
                ])
                .status()
                .expect("chown runs");
        }
        let p = Private {
            url: format!("host={} user=tradeseal dbname=postgres", dir.display()),
            dir,
            bin,
            root,
        };
        let data = p.dir.join("data");
        p.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "tradeseal",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ],
        );
        p.start();
        p
    }

    /// One of PostgreSQL's programs, run as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .output()
            .expect("PostgreSQL's programs run");
        assert!(
            out.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the server and waits until it answers.
    pub fn start(&self) {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let opts = format!("-k {} -c listen_addresses=''", self.dir.display());
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server at once (`immediate`: as if it crashed).
    pub fn stop(&self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

impl Default for Private {
    fn default() -> Self {
        Private::new()
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
