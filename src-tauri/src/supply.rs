//! Supply-chain commands: EPCIS import/export, timeline, events, trace, master data.
//! Each is thin: convert the input, one core call on the blocking pool, map the error.

use crate::commands::{blocking, Res};
use crate::session::Session;
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, State};
use tradeseal_core::epcis::{self, ExportSelection, ImportPhase, ImportReport};
use tradeseal_core::masterdata::{self, Location, MasterRecord, Party, Product};
use tradeseal_core::timeline::{self, EventDetail, TimelineEvent, TimelineFilter};
use tradeseal_core::trace::{self, Direction, TraceResult};
use tradeseal_core::Error;

#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ImportProgress"))]
pub(crate) struct ImportProgressView {
    #[cfg_attr(test, ts(type = "\"checking\" | \"recording\""))]
    phase: &'static str,
    done: usize,
    total: Option<usize>,
}

/// A full path the UI passed in (from a drop, or pasted).
pub(crate) fn file_path(path: &str) -> Result<PathBuf, Error> {
    let p = PathBuf::from(path.trim());
    if path.trim().is_empty() || !p.is_absolute() {
        return Err(Error::invalid(
            "path",
            "give the file's full path (drop the file on the window, or paste its path)",
        ));
    }
    Ok(p)
}

/// Imports an EPCIS document, emitting `import-progress` events.
#[tauri::command]
pub async fn epcis_import(
    app: AppHandle,
    state: State<'_, Session>,
    path: String,
) -> Res<ImportReport> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let open = || {
            std::fs::File::open(&p).map_err(|e| Error::io(format!("opening {}", p.display()), e))
        };
        open()?;
        let mut l = u.home.ledger()?;
        epcis::import(
            &mut l,
            &u.signer,
            tradeseal_core::system::now(),
            &*u.home.codelists()?,
            open,
            false,
            &mut |pr| {
                let phase = if pr.phase == ImportPhase::Checking {
                    "checking"
                } else {
                    "recording"
                };
                let _ = app.emit(
                    "import-progress",
                    ImportProgressView {
                        phase,
                        done: pr.done,
                        total: pr.total,
                    },
                );
            },
        )
    })
    .await
}

/// Writes an EPCIS document (all events, or one lot's history) to `path`; returns the count.
#[tauri::command]
pub async fn epcis_export(
    state: State<'_, Session>,
    path: String,
    lot: Option<String>,
) -> Res<usize> {
    let u = state.current()?;
    blocking(move || {
        let p = file_path(&path)?;
        let l = u.home.ledger_read_only()?;
        let sel = match lot.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => ExportSelection::All,
            Some(lot) => ExportSelection::lot_history(&l, lot)?,
        };
        let n = tradeseal_core::files::write_atomically(&p, |w| {
            epcis::export(&l, &sel, tradeseal_core::system::now(), w)
        })?;
        Ok(n)
    })
    .await
}

#[tauri::command]
pub async fn timeline(
    state: State<'_, Session>,
    filter: TimelineFilter,
) -> Res<Vec<TimelineEvent>> {
    let u = state.current()?;
    blocking(move || timeline::timeline(&u.home.ledger_read_only()?, &filter, 200)).await
}

#[tauri::command]
pub async fn event_detail(state: State<'_, Session>, id: u64) -> Res<EventDetail> {
    let u = state.current()?;
    blocking(move || timeline::event_detail(&u.home.ledger_read_only()?, id)).await
}

#[tauri::command]
pub async fn event_by_hash(state: State<'_, Session>, hash_id: String) -> Res<EventDetail> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        timeline::event_detail(&l, timeline::event_id_of_hash(&l, &hash_id)?)
    })
    .await
}

/// `kind`: lot, serial, sscc or id; `direction`: back or forward.
#[tauri::command]
pub async fn trace(
    state: State<'_, Session>,
    kind: String,
    id: String,
    direction: Direction,
) -> Res<TraceResult> {
    let u = state.current()?;
    blocking(move || {
        trace::trace(
            &u.home.ledger_read_only()?,
            &trace::start_id(&kind, &id)?,
            direction,
        )
    })
    .await
}

/// The canonical Digital Link of a GS1 identifier, or why it is not one (for inline checks).
#[tauri::command]
pub fn check_identifier(text: String) -> Res<String> {
    let text = text.trim();
    epcis::canonical_identifier(text).map_err(|e| {
        // The field shows the identifier already: say only what is wrong with it.
        let quoted = format!("{text:?}: ");
        let reason = e.reason.strip_prefix(&quoted).unwrap_or(&e.reason);
        match reason.split_once(": ") {
            Some((field, why)) if !field.contains(' ') => (&Error::invalid(field, why)).into(),
            _ => (&Error::invalid("id", reason)).into(),
        }
    })
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Vocabularies {
    biz_steps: Vec<&'static str>,
    dispositions: Vec<&'static str>,
    event_types: Vec<&'static str>,
}

#[tauri::command]
pub fn vocabularies() -> Vocabularies {
    Vocabularies {
        biz_steps: epcis::BIZ_STEP.values.to_vec(),
        dispositions: epcis::DISPOSITION.values.to_vec(),
        event_types: epcis::EVENT_TYPES.to_vec(),
    }
}

/// What `record_event` did.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "EventRecorded"))]
pub struct Recorded {
    event: TimelineEvent,
    /// False when the ledger already held this event (same hash id): nothing was written.
    new: bool,
}

/// Records one event (JSON-LD, as in an EPCIS document). Known events are not recorded twice.
#[tauri::command]
pub async fn record_event(state: State<'_, Session>, event: Value) -> Res<Recorded> {
    let u = state.current()?;
    blocking(move || {
        let ns = epcis::Namespaces::default();
        let summary =
            epcis::validate(&event, &ns).map_err(|e| Error::invalid(e.field, e.reason))?;
        let mut l = u.home.ledger()?;
        let out = l.append(
            &u.signer,
            tradeseal_core::system::now(),
            &[epcis::event_entry(event, summary.clone(), &ns)?],
        )?;
        let id = timeline::event_id_of_hash(&l, &summary.hash_id)?;
        Ok(Recorded {
            event: timeline::event_detail(&l, id)?.event,
            new: !out.is_empty(),
        })
    })
    .await
}

#[tauri::command]
pub async fn masterdata_list(
    state: State<'_, Session>,
    kind: Option<String>,
    search: Option<String>,
) -> Res<Vec<MasterRecord>> {
    let u = state.current()?;
    blocking(move || {
        masterdata::list(
            &u.home.ledger_read_only()?,
            kind.as_deref(),
            search.as_deref(),
            500,
        )
    })
    .await
}

fn save(
    u: crate::session::Unlocked,
    entry: tradeseal_core::ledger::NewEntry,
) -> Result<u64, Error> {
    let mut l = u.home.ledger()?;
    Ok(l.append(&u.signer, tradeseal_core::system::now(), &[entry])?[0].0)
}

#[tauri::command]
pub async fn save_product(
    state: State<'_, Session>,
    gtin: String,
    name: String,
    hs_code: Option<String>,
    unit: Option<String>,
) -> Res<u64> {
    let u = state.current()?;
    blocking(move || {
        let p = Product::new(
            &gtin,
            &name,
            hs_code.as_deref(),
            unit.as_deref(),
            &*u.home.codelists()?,
        )?;
        save(u, p.entry()?)
    })
    .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn save_location(
    state: State<'_, Session>,
    gln: String,
    name: String,
    country: String,
    region: Option<String>,
    address: Option<String>,
    geometry: Option<String>,
) -> Res<u64> {
    let u = state.current()?;
    blocking(move || {
        let mut loc = Location::new(
            &gln,
            &name,
            &country,
            region.as_deref(),
            address.as_deref(),
            None,
            &*u.home.codelists()?,
        )?;
        if let Some(g) = geometry.filter(|g| !g.trim().is_empty()) {
            // The decimals as typed are kept: JSON numbers drop trailing zeros.
            loc = loc.with_geometry_text(&g)?;
        }
        save(u, loc.entry()?)
    })
    .await
}

#[tauri::command]
pub async fn save_party(
    state: State<'_, Session>,
    gln: String,
    name: String,
    country: String,
) -> Res<u64> {
    let u = state.current()?;
    blocking(move || {
        let p = Party::new(&gln, &name, &country, &*u.home.codelists()?)?;
        save(u, p.entry()?)
    })
    .await
}

/// The places of `keys` (GLNs or location links) the master data holds with a
/// geometry, for a map.
#[tauri::command]
pub async fn map_places(
    state: State<'_, Session>,
    keys: Vec<String>,
) -> Res<Vec<tradeseal_core::map::MapPlace>> {
    let u = state.current()?;
    blocking(move || tradeseal_core::map::places(&u.home.ledger_read_only()?, &keys)).await
}

/// The Xinjiang outline the UFLPA check uses, to draw the same line.
#[tauri::command]
pub fn map_xinjiang() -> Vec<[f64; 2]> {
    tradeseal_core::map::xinjiang_outline()
}
