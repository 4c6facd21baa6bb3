//! The session agent: `tradeseal unlock` keeps the key unlocked in a small background
//! process of the user's, as ssh-agent does, so that a script of signing commands pays
//! the passphrase's key derivation once. It locks itself after the app's lock time
//! without use, at `tradeseal lock`, and when the key is handed over.
//!
//! The key lives only in the agent's memory: it reaches the agent through a pipe, never
//! a file, an argument or the environment; the agent cannot be traced or dumped by
//! other processes of the user (`PR_SET_DUMPABLE` 0, no core file). It answers on a Unix
//! socket in the home folder (owner-only, as the home), and only to processes of the
//! same user (the peer's credentials checked on every connection). Where there are no
//! Unix sockets (Windows), there is no agent: every command asks for the passphrase.

use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;
use tradeseal_core::{Error, Result};
use zeroize::Zeroizing;

/// The agent's socket: in the home folder, reachable by its owner only.
#[cfg(unix)]
pub fn socket(home: &Path) -> PathBuf {
    home.join("agent.sock")
}

/// The longest socket path a Unix socket address holds (with room to spare).
#[cfg(unix)]
const MAX_SOCKET_PATH: usize = 100;

/// The key held by this home's agent, if one is running and answers.
pub fn key(home: &Path) -> Option<Zeroizing<[u8; 32]>> {
    #[cfg(unix)]
    {
        let reply = unix::ask(home, "key")?;
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(reply.trim_end(), &mut seed[..]).ok()?;
        Some(seed)
    }
    #[cfg(not(unix))]
    {
        let _ = home;
        None
    }
}

/// Stops this home's agent, if one runs; true when one did.
pub fn lock(home: &Path) -> bool {
    #[cfg(unix)]
    {
        let stopped = unix::ask(home, "lock").is_some();
        // A socket left by an agent that was killed: nothing answers it.
        let _ = std::fs::remove_file(socket(home));
        stopped
    }
    #[cfg(not(unix))]
    {
        let _ = home;
        false
    }
}

/// Starts an agent holding `seed` for the home at `home`, locking itself after
/// `idle_seconds` without a request; returns once it answers. An agent already running
/// for this home is stopped first.
pub fn start(home: &Path, seed: &[u8; 32], idle_seconds: u64) -> Result<()> {
    #[cfg(unix)]
    {
        unix::start(home, seed, idle_seconds)
    }
    #[cfg(not(unix))]
    {
        let _ = (home, seed, idle_seconds);
        Err(Error::invalid(
            "unlock",
            "this platform has no session agent yet: each command asks for the passphrase (or set TRADESEAL_PASSPHRASE)",
        ))
    }
}

/// The agent itself (`tradeseal agent`, started by `start`): reads the key from standard
/// input, then serves until locked or idle.
pub fn serve(home: &Path, idle_seconds: u64) -> Result<()> {
    #[cfg(unix)]
    {
        unix::serve(home, idle_seconds)
    }
    #[cfg(not(unix))]
    {
        let _ = (home, idle_seconds);
        Err(Error::invalid("agent", "no session agent on this platform"))
    }
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::time::{Duration, Instant};

    fn checked_socket(home: &Path) -> Result<PathBuf> {
        let path = socket(home);
        let len = path.as_os_str().len();
        if len > MAX_SOCKET_PATH {
            return Err(Error::invalid(
                "home",
                format!("the home's path is too long for the session agent's socket ({len} bytes, at most {MAX_SOCKET_PATH}): use a home with a shorter path, or give the passphrase to each command"),
            ));
        }
        Ok(path)
    }

    /// One request to the agent; its reply line, or `None` when no agent answers.
    pub(super) fn ask(home: &Path, request: &str) -> Option<String> {
        let path = checked_socket(home).ok()?;
        let mut s = UnixStream::connect(path).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        s.set_write_timeout(Some(Duration::from_secs(5))).ok()?;
        s.write_all(format!("{request}\n").as_bytes()).ok()?;
        let mut reply = String::new();
        BufReader::new(s).take(256).read_line(&mut reply).ok()?;
        (!reply.is_empty()).then_some(reply)
    }

    pub(super) fn start(home: &Path, seed: &[u8; 32], idle_seconds: u64) -> Result<()> {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        let path = checked_socket(home)?;
        lock(home);
        let exe =
            std::env::current_exe().map_err(|e| Error::io("finding the tradeseal program", e))?;
        let mut child = Command::new(exe)
            .arg("--home")
            .arg(home)
            .arg("agent")
            .arg("--idle-seconds")
            .arg(idle_seconds.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .env_remove(crate::env::PASSPHRASE_ENV)
            // Its own process group: a Ctrl+C at the terminal does not lock the session.
            .process_group(0)
            .spawn()
            .map_err(|e| Error::io("starting the session agent", e))?;
        {
            let mut stdin = child.stdin.take().expect("piped");
            let text = Zeroizing::new(hex::encode(seed));
            stdin
                .write_all(text.as_bytes())
                .map_err(|e| Error::io("handing the key to the session agent", e))?;
        }
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if ask(home, "ping").is_some_and(|r| r.trim_end() == "pong") {
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(Error::invalid(
                    "unlock",
                    format!("the session agent stopped at once ({status}): check that {} can be created", path.display()),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        Err(Error::invalid(
            "unlock",
            "the session agent did not answer within 10 s: run the command again",
        ))
    }

    /// The user this process runs as, and whether the peer of `s` is the same user.
    fn same_user(s: &UnixStream) -> bool {
        use std::os::unix::io::AsRawFd;
        let me = unsafe { libc::geteuid() };
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let mut cred = libc::ucred {
                pid: 0,
                uid: u32::MAX,
                gid: u32::MAX,
            };
            let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
            let r = unsafe {
                libc::getsockopt(
                    s.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_PEERCRED,
                    (&mut cred as *mut libc::ucred).cast(),
                    &mut len,
                )
            };
            r == 0 && cred.uid == me
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let (mut uid, mut gid) = (u32::MAX, u32::MAX);
            let r = unsafe { libc::getpeereid(s.as_raw_fd(), &mut uid, &mut gid) };
            r == 0 && uid == me
        }
    }

    /// Makes this process's memory unreadable to other processes of the user (no
    /// ptrace attach, no /proc/PID/mem) and keeps it out of core files.
    fn harden() {
        unsafe {
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
            #[cfg(any(target_os = "linux", target_os = "android"))]
            libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        }
    }

    pub(super) fn serve(home: &Path, idle_seconds: u64) -> Result<()> {
        use std::os::unix::io::AsRawFd;
        harden();
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .take(64)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("reading the key", e))?;
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), &mut seed[..])
            .map_err(|_| Error::invalid("agent", "the key handed over is malformed"))?;
        drop(text);
        let path = checked_socket(home)?;
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path)
            .map_err(|e| Error::io(format!("creating {}", path.display()), e))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(format!("protecting {}", path.display()), e))?;
        let ours = inode(&path);
        let idle = Duration::from_secs(idle_seconds.max(1));
        let mut last = Instant::now();
        let reply_key = Zeroizing::new(format!("{}\n", hex::encode(&seed[..])));
        loop {
            let left = idle.saturating_sub(last.elapsed());
            if left.is_zero() {
                break;
            }
            let mut fds = libc::pollfd {
                fd: listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            let n = unsafe { libc::poll(&mut fds, 1, ms.max(1)) };
            if n <= 0 {
                continue;
            }
            let Ok((mut s, _)) = listener.accept() else {
                continue;
            };
            if !same_user(&s) {
                continue;
            }
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut request = String::new();
            if BufReader::new(&mut s)
                .take(64)
                .read_line(&mut request)
                .is_err()
            {
                continue;
            }
            match request.trim_end() {
                "key" => {
                    last = Instant::now();
                    let _ = s.write_all(reply_key.as_bytes());
                }
                "ping" => {
                    let _ = s.write_all(b"pong\n");
                }
                "lock" => {
                    let _ = s.write_all(b"locked\n");
                    break;
                }
                _ => {}
            }
        }
        drop(listener);
        // Only this agent's socket: a newer agent may have bound the path since.
        if ours.is_some() && inode(&path) == ours {
            let _ = std::fs::remove_file(&path);
        }
        Ok(())
    }

    fn inode(path: &Path) -> Option<u64> {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).ok().map(|m| m.ino())
    }
}
