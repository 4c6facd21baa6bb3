//! What the app holds between commands: the home folder and, once unlocked, the signer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tradeseal_core::error::UiError;
use tradeseal_core::home::Home;
use tradeseal_core::identity::IdentityCard;
use tradeseal_core::identity::Signer;
use tradeseal_core::Error;

pub struct Session {
    pub path: PathBuf,
    pub unlocked: Mutex<Option<Unlocked>>,
    /// Set to stop a running bundle verification.
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The last bundle verified: its path, report and file SHA-256 (for "Save report").
    pub last_bundle: Arc<Mutex<Option<(PathBuf, tradeseal_core::bundle::BundleReport, String)>>>,
    /// When the user last did something, and after how long idle the key is locked.
    pub idle: Mutex<Idle>,
    /// A file the app was started to open (a file association: `tradeseal-app FILE`),
    /// until the UI takes it.
    pub opened: Mutex<Option<PathBuf>>,
    /// The language the UI speaks, for the PDFs the app writes (`set_language`).
    pub lang: Mutex<tradeseal_core::i18n::Lang>,
}

/// The idle lock's clock.
pub struct Idle {
    pub last: Instant,
    pub after: Duration,
}

/// The idle lock's default: 15 minutes.
pub const DEFAULT_IDLE_MINUTES: u32 = 15;

/// Why the key was locked, as the UI is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockReason {
    Idle,
    Sleep,
}

#[derive(Clone)]
pub struct Unlocked {
    pub home: Home,
    pub signer: Arc<Signer>,
}

impl Unlocked {
    /// Decrypts the home's key with `passphrase`.
    pub fn open(home: Home, passphrase: &str) -> Result<Unlocked, Error> {
        let signer = Arc::new(home.unlock(passphrase)?);
        Ok(Unlocked { home, signer })
    }
}

impl Session {
    pub fn new(path: PathBuf) -> Session {
        Session {
            path,
            unlocked: Mutex::new(None),
            cancel: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            last_bundle: Arc::new(Mutex::new(None)),
            idle: Mutex::new(Idle {
                last: Instant::now(),
                after: Duration::from_secs(60 * u64::from(DEFAULT_IDLE_MINUTES)),
            }),
            opened: Mutex::new(None),
            lang: Mutex::new(tradeseal_core::i18n::Lang::EN),
        }
    }

    /// The language of the PDFs written.
    pub fn lang(&self) -> tradeseal_core::i18n::Lang {
        *self.lang.lock().expect("session lock")
    }

    /// Locks after `minutes` idle (`TRADESEAL_IDLE_LOCK_SECONDS` overrides it, for a
    /// kiosk or a test).
    pub fn idle_after(&self, minutes: u32) {
        let after = std::env::var("TRADESEAL_IDLE_LOCK_SECONDS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(
                Duration::from_secs(60 * u64::from(minutes)),
                Duration::from_secs,
            );
        let mut idle = self.idle.lock().expect("idle lock");
        idle.after = after;
        idle.last = Instant::now();
    }

    /// The user did something: the idle clock starts again.
    pub fn touch(&self) {
        self.idle.lock().expect("idle lock").last = Instant::now();
    }

    /// Forgets the unlocked key (its memory is zeroized when the last command using it
    /// ends); true if it was unlocked.
    pub fn lock(&self) -> bool {
        self.unlocked.lock().expect("session lock").take().is_some()
    }

    /// Locks when idle for longer than the setting, or when the machine slept: the wall
    /// clock moved on by more than the monotonic clock, which stops while suspended.
    /// `since` is the previous check's (monotonic, wall) pair.
    pub fn check(&self, since: (Instant, SystemTime)) -> Option<LockReason> {
        let (mono, wall) = (since.0.elapsed(), since.1.elapsed().unwrap_or_default());
        let reason = if slept(mono, wall) {
            Some(LockReason::Sleep)
        } else {
            let idle = self.idle.lock().expect("idle lock");
            (idle.last.elapsed() >= idle.after).then_some(LockReason::Idle)
        };
        reason.filter(|_| self.lock())
    }

    /// The unlocked home, or the error the UI answers by showing the unlock screen.
    pub fn current(&self) -> Result<Unlocked, UiError> {
        self.touch();
        self.unlocked
            .lock()
            .expect("session lock")
            .clone()
            .ok_or_else(|| {
                UiError::from(&Error::invalid(
                    "passphrase",
                    "the identity is locked: unlock it first",
                ))
            })
    }

    /// Keeps `u` as the session's identity; returns its card for the UI.
    pub fn set(&self, u: Unlocked) -> IdentityCard {
        let card = u.home.card().clone();
        *self.unlocked.lock().expect("session lock") = Some(u);
        card
    }
}

/// Whether the machine slept between two checks: the wall clock ran on by more than
/// 30 s beyond the monotonic clock (which stops while the machine is suspended).
fn slept(mono: Duration, wall: Duration) -> bool {
    wall > mono + Duration::from_secs(30)
}

/// Checks the idle lock every few seconds for the app's life, and tells the window when
/// it locked (`session-locked`, with the reason).
pub fn watch(app: tauri::AppHandle) {
    use tauri::{Emitter, Manager};
    std::thread::spawn(move || {
        let tick = Duration::from_secs(2);
        let mut since = (Instant::now(), SystemTime::now());
        loop {
            std::thread::sleep(tick);
            let state = app.state::<Session>();
            if let Some(reason) = state.check(since) {
                let _ = app.emit("session-locked", reason);
            }
            since = (Instant::now(), SystemTime::now());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suspend_is_told_from_a_slow_tick_and_a_clock_set_back() {
        let s = Duration::from_secs;
        assert!(slept(s(2), s(3600)), "an hour asleep");
        assert!(!slept(s(2), s(3)), "a tick a second late");
        assert!(!slept(s(2), s(0)), "the wall clock set back");
    }

    #[test]
    fn idle_sessions_lock_and_active_ones_do_not() {
        let session = Session::new(PathBuf::from("/nonexistent"));
        let since = (Instant::now(), SystemTime::now());
        // Nothing unlocked: nothing to lock.
        session.idle.lock().unwrap().after = Duration::ZERO;
        assert_eq!(session.check(since), None);
    }
}
