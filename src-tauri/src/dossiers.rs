//! Dossier commands: thin, one core call each, on the blocking pool.

use crate::commands::{blocking, Res};
use crate::session::Session;
use crate::supply::file_path;
use serde::Serialize;
use tauri::State;
use tradeseal_core::dossier::geojson;
use tradeseal_core::dossier::{lines_csv, links, store, Dossier, SealOutcome, Stored, Summary};
use tradeseal_core::pdf::{PageSize, PreviewPage};
use tradeseal_core::Error;

/// A draft as edited, with everything TradeSeal checks of it.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "OpenedDossier"))]
pub struct Opened {
    stored: Stored,
    review: store::Review,
}

fn opened(
    u: &crate::session::Unlocked,
    l: &tradeseal_core::ledger::Ledger,
    id: &str,
) -> Result<Opened, Error> {
    let stored = store::get(l, id, None)?;
    let review = store::review(
        l,
        &stored.dossier,
        &*u.home.codelists()?,
        &u.home.card().org,
    )?;
    Ok(Opened { stored, review })
}

#[tauri::command]
pub async fn dossier_list(state: State<'_, Session>, search: String) -> Res<Vec<Summary>> {
    let u = state.current()?;
    blocking(move || store::list(&u.home.ledger_read_only()?, &search)).await
}

/// A new draft: from a shipment (SSCC or event hash id), like an earlier dossier, or empty.
#[tauri::command]
pub async fn dossier_new(
    state: State<'_, Session>,
    shipment: Option<String>,
    like: Option<String>,
    lrn: Option<String>,
) -> Res<Opened> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        let now = tradeseal_core::system::now();
        let seed = tradeseal_core::system::random_seed()?;
        let id = store::new_id(seed[..8].try_into().expect("8 bytes"));
        let mut d = match (
            shipment.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            like.as_deref().map(str::trim).filter(|s| !s.is_empty()),
        ) {
            (Some(s), _) => links::from_shipment(&l, links::shipment_event(&l, s)?, &id)?,
            (None, Some(src)) => {
                let src = store::resolve(&l, src)?;
                store::duplicate(&l, &src, &id, now)?;
                return opened(&u, &l, &id);
            }
            (None, None) => Dossier::new(&id),
        };
        if let Some(lrn) = lrn.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            d.header.lrn = Some(lrn.to_string());
        }
        store::create(&l, &d, now)?;
        opened(&u, &l, &id)
    })
    .await
}

#[tauri::command]
pub async fn dossier_open(state: State<'_, Session>, id: String) -> Res<Opened> {
    let u = state.current()?;
    blocking(move || opened(&u, &u.home.ledger_read_only()?, &id)).await
}

/// Saves a draft and reviews it again.
#[tauri::command]
pub async fn dossier_save(
    state: State<'_, Session>,
    dossier: Dossier,
    revision: String,
) -> Res<Opened> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        // Refused (EditConflict) if another window or the CLI saved it since it was
        // opened: the UI keeps its text and says so.
        store::save_from(&l, &dossier, &revision, tradeseal_core::system::now())?;
        opened(&u, &l, &dossier.id)
    })
    .await
}

/// Adds goods lines from pasted spreadsheet rows or CSV text (with its header line).
#[tauri::command]
pub async fn dossier_paste_lines(
    state: State<'_, Session>,
    id: String,
    text: String,
    decimal: Option<lines_csv::DecimalMark>,
) -> Res<(Opened, Vec<lines_csv::NumberReading>)> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        let r = lines_csv::import(&l, &id, &text, None, decimal, tradeseal_core::system::now())?;
        Ok((opened(&u, &l, &id)?, r.numbers))
    })
    .await
}

/// Attaches a file (dropped on the window) as a supporting document.
#[tauri::command]
pub async fn dossier_attach(
    state: State<'_, Session>,
    id: String,
    path: String,
    code: String,
    reference: String,
) -> Res<Opened> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        let p = file_path(&path)?;
        store::attach_document(
            &l,
            &id,
            None,
            &p,
            store::NewDocument {
                code,
                reference,
                date: None,
            },
            tradeseal_core::system::now(),
        )?;
        opened(&u, &l, &id)
    })
    .await
}

#[tauri::command]
pub async fn dossier_seal(state: State<'_, Session>, id: String) -> Res<SealOutcome> {
    let u = state.current()?;
    blocking(move || {
        let mut l = u.home.ledger()?;
        let lists = u.home.codelists()?;
        let seed = tradeseal_core::system::random_seed()?;
        store::seal(
            &mut l,
            &u.signer,
            tradeseal_core::system::now(),
            &id,
            seed,
            &lists,
        )
    })
    .await
}

#[tauri::command]
pub async fn dossier_amend(state: State<'_, Session>, id: String) -> Res<Opened> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger()?;
        store::amend(&l, &id, tradeseal_core::system::now())?;
        opened(&u, &l, &id)
    })
    .await
}

fn page(letter: bool) -> PageSize {
    if letter {
        PageSize::Letter
    } else {
        PageSize::A4
    }
}

/// What the PDF of the latest sealed version, with `hide` withheld, shows.
#[tauri::command]
pub async fn dossier_preview(
    state: State<'_, Session>,
    id: String,
    hide: Vec<String>,
    letter: bool,
) -> Res<Vec<PreviewPage>> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let l = u.home.ledger_for_export()?;
        let file = store::export_fields(&l, u.home.card(), &id, None, &hide)?;
        Ok(tradeseal_core::dossier::pdf::dossier_pdf_preview(&file, page(letter), lang).1)
    })
    .await
}

/// Writes the latest sealed version to `path`: .json, .pdf or .jwt; returns the path.
#[tauri::command]
pub async fn dossier_export(
    state: State<'_, Session>,
    id: String,
    path: String,
    hide: Vec<String>,
    letter: bool,
) -> Res<String> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let p = file_path(&path)?;
        let l = u.home.ledger_for_export()?;
        let file = store::export_fields(&l, u.home.card(), &id, None, &hide)?;
        tradeseal_core::dossier::write_export(&l, &file, &p, page(letter), lang, Some(&u.signer))?;
        Ok(p.display().to_string())
    })
    .await
}

/// The production plots of the dossier's EUDR lines, for its map (empty when no line
/// is in scope or no origin is recorded: the checks say why).
#[tauri::command]
pub async fn dossier_map(
    state: State<'_, Session>,
    id: String,
) -> Res<Vec<tradeseal_core::map::MapPlace>> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let d = store::get(&l, &id, None)?.dossier;
        let lists = u.home.codelists()?;
        Ok(
            match geojson::plots_of_dossier(&l, &d, &lists, &u.home.card().org) {
                Ok(plots) => plots
                    .iter()
                    .filter_map(|p| tradeseal_core::map::place(&p.location))
                    .collect(),
                Err(_) => Vec::new(),
            },
        )
    })
    .await
}

/// What `eudr_geojson` wrote.
#[derive(serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GeoJsonSaved {
    pub path: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub plots: usize,
    pub warnings: Vec<String>,
}

/// Writes the geolocation file of the dossier's EUDR lines (GeoJSON for the EU
/// information system) to `path`.
#[tauri::command]
pub async fn eudr_geojson(
    state: State<'_, Session>,
    id: String,
    path: String,
) -> Res<GeoJsonSaved> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let l = u.home.ledger_for_export()?;
        let d = store::get(&l, &id, None)?.dossier;
        let lists = u.home.codelists()?;
        let plots = geojson::plots_of_dossier(&l, &d, &lists, &u.home.card().org)?;
        let file = geojson::geojson(&plots)?;
        tradeseal_core::files::write_file(&p, file.text.as_bytes())?;
        Ok(GeoJsonSaved {
            path: p.display().to_string(),
            plots: file.plots,
            warnings: file.warnings,
        })
    })
    .await
}
