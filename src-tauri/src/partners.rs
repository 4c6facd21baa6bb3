//! Partner and bundle commands: thin, one core call each, on the blocking pool.

use crate::commands::{blocking, Res};
use crate::session::Session;
use crate::supply::file_path;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::{AppHandle, Emitter, State};
use tradeseal_core::bundle::{self, BundleImport, BundleReport};
use tradeseal_core::parties::{self, PartyView, TrustDecision};
use tradeseal_core::Error;

fn open(p: &PathBuf) -> Result<std::io::BufReader<std::fs::File>, Error> {
    std::fs::File::open(p)
        .map(std::io::BufReader::new)
        .map_err(|e| Error::io(format!("opening {}", p.display()), e))
}

#[derive(Clone, Serialize)]
struct Checked {
    entries: u64,
}

/// Verifies a bundle without changing anything, emitting `bundle-progress` events;
/// `bundle_cancel` stops it.
#[tauri::command]
pub async fn bundle_verify(
    app: AppHandle,
    state: State<'_, Session>,
    path: String,
) -> Res<BundleReport> {
    let u = state.current()?;
    let cancel = state.cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    let last = state.last_bundle.clone();
    blocking(move || {
        let p = file_path(&path)?;
        let l = u.home.ledger_read_only()?;
        let (report, sha) = bundle::verify_file(&p, Some(&l), &mut |entries| {
            let _ = app.emit("bundle-progress", Checked { entries });
            !cancel.load(Ordering::SeqCst)
        })?;
        // Remembered for the Home screen until imported; losing the note loses nothing.
        let _ = tradeseal_core::received::verified(
            u.home.path(),
            &p,
            &sha,
            &report,
            tradeseal_core::system::now(),
        );
        *last.lock().expect("session lock") = Some((p, report.clone(), sha));
        Ok(report)
    })
    .await
}

/// Writes the report of the bundle verified last (at `path`) as a PDF to `out`.
#[tauri::command]
pub async fn bundle_save_report(
    state: State<'_, Session>,
    path: String,
    out: String,
    letter: bool,
) -> Res<String> {
    let u = state.current()?;
    let lang = state.lang();
    let last = state.last_bundle.clone();
    blocking(move || {
        let p = file_path(&path)?;
        let out = file_path(&out)?;
        let Some((verified, report, sha)) = last.lock().expect("session lock").clone() else {
            return Err(Error::invalid("path", "verify the bundle first"));
        };
        if verified != p {
            return Err(Error::invalid(
                "path",
                "verify this bundle first: the report is of another file",
            ));
        }
        let page = if letter {
            tradeseal_core::pdf::PageSize::Letter
        } else {
            tradeseal_core::pdf::PageSize::A4
        };
        let now = tradeseal_core::system::now();
        bundle::save_report_pdf(
            &report,
            &p,
            &sha,
            Some(u.home.card()),
            now,
            page,
            lang,
            &out,
        )?;
        Ok(out.display().to_string())
    })
    .await
}

/// Asks a running bundle verification to stop.
#[tauri::command]
pub fn bundle_cancel(state: State<'_, Session>) {
    state.cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub async fn bundle_import(state: State<'_, Session>, path: String) -> Res<BundleImport> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        open(&p)?;
        let mut l = u.home.ledger()?;
        let done = bundle::import(
            &mut l,
            &u.signer,
            tradeseal_core::system::now(),
            || open(&p),
            &mut |_| true,
        )?;
        if let Ok(sha) = tradeseal_core::files::sha256_of(&p) {
            let _ = tradeseal_core::received::imported(u.home.path(), &sha);
        }
        Ok(done)
    })
    .await
}

#[tauri::command]
pub async fn parties_list(state: State<'_, Session>) -> Res<Vec<PartyView>> {
    let u = state.current()?;
    blocking(move || parties::list(&u.home.ledger_read_only()?)).await
}

#[tauri::command]
pub async fn party_history(state: State<'_, Session>, key: String) -> Res<Vec<TrustDecision>> {
    let u = state.current()?;
    blocking(move || parties::history(&u.home.ledger_read_only()?, &key)).await
}

/// Records a partner's card file; returns it (already recorded: unchanged).
#[tauri::command]
pub async fn party_add(state: State<'_, Session>, path: String) -> Res<PartyView> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let text = tradeseal_core::files::read_text_limited(
            &p,
            tradeseal_core::files::MAX_SMALL_FILE,
            "an identity card",
        )?;
        let card = parties::parse_card(&text)?;
        let mut l = u.home.ledger()?;
        if let Some(entry) = parties::card_entry(&l, &card)? {
            l.append(&u.signer, tradeseal_core::system::now(), &[entry])?;
        }
        parties::find(&l, &card.public_key)
    })
    .await
}

/// `decision`: trust, distrust or revoke (revoke needs `from` and `reason`).
#[tauri::command]
pub async fn party_decide(
    state: State<'_, Session>,
    key: String,
    decision: String,
    from: Option<String>,
    reason: Option<String>,
) -> Res<PartyView> {
    let u = state.current()?;
    blocking(move || {
        let entry = match decision.as_str() {
            "trust" => parties::trust_entry(&key)?,
            "distrust" => parties::distrust_entry(&key, reason.as_deref())?,
            "revoke" => parties::revoke_entry(
                &key,
                parties::parse_from(from.as_deref().unwrap_or(""))?,
                reason.as_deref().unwrap_or(""),
            )?,
            other => {
                return Err(Error::invalid(
                    "decision",
                    format!("{other:?} is not trust, distrust or revoke"),
                ))
            }
        };
        let mut l = u.home.ledger()?;
        l.append(&u.signer, tradeseal_core::system::now(), &[entry])?;
        parties::find(&l, &key)
    })
    .await
}

/// The own identity card as a QR code, for a partner to scan.
#[tauri::command]
pub async fn identity_qr(state: State<'_, Session>) -> Res<tradeseal_core::identity::QrModules> {
    let u = state.current()?;
    blocking(move || {
        Ok(tradeseal_core::identity::QrModules::of(
            &tradeseal_core::identity::card_qr(u.home.card()),
        ))
    })
    .await
}

/// Checks a UNTP credential file (`vc+jwt`): its signature, UNTP 0.6.0 shape and the
/// issuer's standing; nothing is recorded.
#[tauri::command]
pub async fn untp_verify(
    state: State<'_, Session>,
    path: String,
) -> Res<tradeseal_core::untp::UntpReport> {
    let u = state.current()?;
    blocking(move || {
        let text = tradeseal_core::files::read_text_limited(
            &crate::supply::file_path(&path)?,
            tradeseal_core::files::MAX_SEALED_FILE,
            "credential",
        )?;
        let l = u.home.ledger_read_only()?;
        Ok(tradeseal_core::untp::verify(&text, Some(&l)))
    })
    .await
}
