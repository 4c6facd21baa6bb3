//! Team commands: the team ledger this desk writes, joining one, its officers.

use crate::commands::{blocking, Res};
use crate::session::{Session, Unlocked};
use crate::supply::file_path;
use tauri::State;
use tradeseal_core::identity::DEFAULT_KDF_LOG_N;
use tradeseal_core::store::Role;
use tradeseal_core::team::{self, Joined, TeamView};

#[tauri::command]
pub async fn team_info(state: State<'_, Session>) -> Res<TeamView> {
    let u = state.current()?;
    blocking(move || view(&u)).await
}

fn view(u: &Unlocked) -> Result<TeamView, tradeseal_core::Error> {
    team::desk(&u.home, &u.signer)
}

/// Founds the organisation's team ledger in the empty PostgreSQL database of `url`.
#[tauri::command]
pub async fn team_init(state: State<'_, Session>, url: String) -> Res<TeamView> {
    let u = state.current()?;
    blocking(move || {
        team::init(&u.home, &u.signer, &url)?;
        view(&u)
    })
    .await
}

/// Makes this (empty) home an officer's desk of the team ledger at `url` and unlocks it.
#[tauri::command]
pub async fn team_join(
    state: State<'_, Session>,
    url: String,
    name: String,
    passphrase: String,
    card_path: String,
) -> Res<Joined> {
    let path = state.path.clone();
    let (u, joined) = blocking(move || {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        let out = file_path(&card_path)?;
        let (home, card) = team::join(
            &path,
            &url,
            &name,
            tradeseal_core::system::random_seed()?,
            &passphrase,
            DEFAULT_KDF_LOG_N,
        )?;
        let text = serde_json::to_string_pretty(&card).expect("cards serialise") + "\n";
        tradeseal_core::files::write_file(&out, text.as_bytes())?;
        let u = Unlocked::open(home, &passphrase)?;
        Ok((
            u,
            Joined {
                name: card.name,
                fingerprint: card.fingerprint,
                card_path: out.display().to_string(),
            },
        ))
    })
    .await?;
    state.set(u);
    Ok(joined)
}

/// Enrols the officer of the card at `card_path` (administrators only).
#[tauri::command]
pub async fn officer_add(
    state: State<'_, Session>,
    card_path: String,
    admin: bool,
) -> Res<TeamView> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&card_path)?;
        let text = tradeseal_core::files::read_text_limited(&p, 64 * 1024, "an officer card")?;
        let mut l = u.home.ledger()?;
        let role = if admin { Role::Admin } else { Role::Officer };
        team::add_officer(
            &mut l,
            &u.signer,
            tradeseal_core::system::now(),
            &text,
            role,
        )?;
        view(&u)
    })
    .await
}

/// Revokes the officer with `key` from now on.
#[tauri::command]
pub async fn officer_revoke(
    state: State<'_, Session>,
    key: String,
    reason: String,
) -> Res<TeamView> {
    let u = state.current()?;
    blocking(move || {
        let mut l = u.home.ledger()?;
        let now = tradeseal_core::system::now();
        team::revoke_officer(&mut l, &u.signer, now, &key, now, &reason)?;
        view(&u)
    })
    .await
}
