//! Tauri commands: each converts its input, makes one core call off the UI thread and
//! maps the error to `UiError {code, message, field}`.

use crate::session::{Session, Unlocked};
use tauri::{AppHandle, Emitter, State};
use tradeseal_core::error::UiError;
use tradeseal_core::home::{Home, InitOptions};
use tradeseal_core::identity::{IdentityCard, DEFAULT_KDF_LOG_N};
use tradeseal_core::ledger::NewEntry;
use tradeseal_core::verify::Report;
use tradeseal_core::view::{EntryDetail, EntryView, LedgerView, ProgressView, SessionView};
use tradeseal_core::{proof, verify, Error};

pub(crate) type Res<T> = Result<T, UiError>;

/// Runs core work on the blocking pool so the window never waits on disk or crypto.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Res<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| {
            UiError::from(&Error::io(
                "background task",
                std::io::Error::other(e.to_string()),
            ))
        })?
        .map_err(|e| UiError::from(&e))
}

#[tauri::command]
pub fn session(state: State<'_, Session>) -> SessionView {
    let unlocked = state.unlocked.lock().expect("session lock").clone();
    let idle_lock_minutes = Home::open(&state.path)
        .map(|h| h.settings().idle_lock_minutes)
        .unwrap_or(crate::session::DEFAULT_IDLE_MINUTES);
    SessionView {
        idle_lock_minutes,
        // The home unlocked (this one, or the demo beside it), else this one.
        home: unlocked
            .as_ref()
            .map_or_else(|| state.path.clone(), |u| u.home.path().to_path_buf())
            .display()
            .to_string(),
        exists: Home::exists(&state.path),
        unlocked: unlocked.is_some(),
        card: unlocked
            .map(|u| u.home.card().clone())
            .or_else(|| Home::open(&state.path).ok().map(|h| h.card().clone())),
    }
}

#[tauri::command]
pub async fn create_identity(
    state: State<'_, Session>,
    org: String,
    gln: String,
    passphrase: String,
) -> Res<IdentityCard> {
    let path = state.path.clone();
    let u = blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let gln = Some(gln.as_str()).filter(|g| !g.trim().is_empty());
        let home = Home::init(
            &path,
            InitOptions {
                org: &org,
                gln,
                passphrase: &passphrase,
                seed: tradeseal_core::system::random_seed()?,
                now: tradeseal_core::system::now(),
                kdf_log_n: DEFAULT_KDF_LOG_N,
            },
        )?;
        Unlocked::open(home, &passphrase)
    })
    .await?;
    Ok(state.set(u))
}

/// Opens the demo home (the coffee chain of the README's tour, tradeseal_core::demo):
/// a home of its own beside this one (`HOME-demo`), made and filled the first time,
/// unlocked with the demo passphrase. Locking leaves it; nothing of it touches this home.
#[tauri::command]
pub async fn open_demo(state: State<'_, Session>) -> Res<IdentityCard> {
    let mut name = state.path.file_name().unwrap_or_default().to_os_string();
    name.push("-demo");
    let path = state.path.with_file_name(name);
    let u = blocking(move || {
        use tradeseal_core::demo;
        if !Home::exists(&path) {
            let home = Home::init(
                &path,
                InitOptions {
                    org: demo::ORG,
                    gln: Some(demo::GLN),
                    passphrase: demo::PASSPHRASE,
                    seed: tradeseal_core::system::random_seed()?,
                    now: tradeseal_core::system::now(),
                    kdf_log_n: DEFAULT_KDF_LOG_N,
                },
            )?;
            let signer = home.unlock(demo::PASSPHRASE)?;
            if let Err(e) = demo::fill(&home, &signer, tradeseal_core::system::now()) {
                // Half a demo is no demo: made again next time.
                let _ = std::fs::remove_dir_all(&path);
                return Err(e);
            }
        }
        Unlocked::open(Home::open(&path)?, demo::PASSPHRASE)
    })
    .await?;
    state.idle_after(u.home.settings().idle_lock_minutes);
    Ok(state.set(u))
}

#[tauri::command]
pub async fn unlock(state: State<'_, Session>, passphrase: String) -> Res<IdentityCard> {
    let path = state.path.clone();
    let u = blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let home = Home::open(&path)?;
        Unlocked::open(home, &passphrase)
    })
    .await?;
    state.idle_after(u.home.settings().idle_lock_minutes);
    Ok(state.set(u))
}

/// The user is active (typing, clicking): the idle lock's clock starts again.
#[tauri::command]
pub fn activity(state: State<'_, Session>) {
    state.touch();
}

/// Locks the key now (it is asked for again).
#[tauri::command]
pub fn lock_now(state: State<'_, Session>) {
    state.lock();
}

/// The file the app was started to open (its file associations), once: the UI routes it
/// to the screen that handles its kind after the key is unlocked.
#[tauri::command]
pub fn opened_file(state: State<'_, Session>) -> Option<String> {
    state
        .opened
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .map(|p| p.display().to_string())
}

/// What needs attention in the unlocked home (the Home screen).
#[tauri::command]
pub async fn attention(state: State<'_, Session>) -> Res<tradeseal_core::attention::Attention> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        Ok(tradeseal_core::attention::attention(
            &l,
            &*u.home.codelists()?,
            tradeseal_core::system::now(),
        )?
        .with_received(u.home.path()))
    })
    .await
}

/// Sets, and keeps in the home's settings, the minutes without activity after which
/// the key is locked.
/// The UI's language, for the PDFs the app writes; the language set (English when
/// TradeSeal does not speak `lang`).
#[tauri::command]
pub fn set_language(state: State<'_, Session>, lang: String) -> String {
    let l = tradeseal_core::i18n::Lang::parse(&lang).unwrap_or_default();
    *state.lang.lock().expect("session lock") = l;
    l.code().to_string()
}

#[tauri::command]
pub async fn set_idle_lock(state: State<'_, Session>, minutes: u32) -> Res<u32> {
    let u = state.current()?;
    blocking(move || {
        let mut s = u.home.settings();
        s.idle_lock_minutes = minutes;
        u.home.save_settings(&s)?;
        Ok(())
    })
    .await?;
    state.idle_after(minutes);
    Ok(minutes)
}

#[tauri::command]
pub async fn ledger_info(state: State<'_, Session>) -> Res<LedgerView> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let size = l.size()?;
        if size == 0 && l.format() == 2 {
            // A team ledger before its first commit: no note signs it yet.
            return Ok(LedgerView {
                size,
                root: tradeseal_core::merkle::empty_root().to_hex(),
                checkpoint: String::new(),
            });
        }
        let (cp, note) = l.checkpoint()?;
        Ok(LedgerView {
            size,
            root: cp.root.to_hex(),
            checkpoint: note,
        })
    })
    .await
}

/// Entries with `from <= seq < to`, newest first (at most 500).
#[tauri::command]
pub async fn entries(state: State<'_, Session>, from: u64, to: u64) -> Res<Vec<EntryView>> {
    let u = state.current()?;
    let to = to.min(from.saturating_add(500));
    blocking(move || u.home.ledger_read_only()?.entry_views_desc(from, to)).await
}

#[tauri::command]
pub async fn entry_detail(state: State<'_, Session>, seq: u64) -> Res<EntryDetail> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        Ok(EntryDetail {
            entry: l.entry_view(seq)?,
            proof: proof::inclusion(&l, seq)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn add_note(state: State<'_, Session>, text: String) -> Res<EntryView> {
    let u = state.current()?;
    blocking(move || {
        let entry = NewEntry::note(&text)?;
        let mut l = u.home.ledger()?;
        let done = l.append(&u.signer, tradeseal_core::system::now(), &[entry])?;
        l.entry_view(done[0].0)
    })
    .await
}

/// Verifies the whole ledger, emitting `verify-progress` events ({done, total}).
#[tauri::command]
pub async fn verify_ledger(app: AppHandle, state: State<'_, Session>) -> Res<Report> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        verify::verify(&l, None, &mut |done, total| {
            let _ = app.emit("verify-progress", ProgressView { done, total });
        })
    })
    .await
}
