//! TradeSeal's desktop shell: window, state and thin commands over `tradeseal-core`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod camera;
mod certificates;
mod commands;
mod dossiers;
mod labels;
mod partners;
mod session;
mod supply;
mod team;

fn main() {
    let home = tradeseal_core::home::default_location();
    let session = session::Session::new(home);
    // Started to open a file (a file association passes its path).
    if let Some(file) = std::env::args_os().nth(1).map(std::path::PathBuf::from) {
        if file.is_file() {
            *session.opened.lock().unwrap_or_else(|e| e.into_inner()) = Some(file);
        }
    }
    tauri::Builder::default()
        // Open and save dialogs only (the capability file grants no other dialog).
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                camera::allow(&window);
            }
            session::watch(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session,
            commands::create_identity,
            commands::unlock,
            commands::activity,
            commands::lock_now,
            commands::attention,
            commands::open_demo,
            commands::opened_file,
            commands::set_idle_lock,
            commands::set_language,
            supply::map_places,
            supply::map_xinjiang,
            dossiers::dossier_map,
            commands::ledger_info,
            commands::entries,
            commands::entry_detail,
            commands::add_note,
            team::team_info,
            team::team_init,
            team::team_join,
            team::officer_add,
            team::officer_revoke,
            commands::verify_ledger,
            supply::epcis_import,
            supply::epcis_export,
            supply::timeline,
            supply::event_detail,
            supply::event_by_hash,
            supply::trace,
            supply::check_identifier,
            supply::vocabularies,
            supply::record_event,
            supply::masterdata_list,
            supply::save_product,
            supply::save_location,
            supply::save_party,
            partners::bundle_verify,
            partners::bundle_import,
            partners::parties_list,
            partners::party_history,
            partners::party_add,
            partners::party_decide,
            partners::bundle_cancel,
            partners::bundle_save_report,
            partners::identity_qr,
            dossiers::dossier_list,
            dossiers::dossier_new,
            dossiers::dossier_open,
            dossiers::dossier_save,
            dossiers::dossier_paste_lines,
            dossiers::dossier_attach,
            dossiers::dossier_seal,
            dossiers::dossier_amend,
            dossiers::dossier_preview,
            dossiers::dossier_export,
            dossiers::eudr_geojson,
            labels::labels_layouts,
            labels::labels_preview,
            labels::labels_issue,
            labels::labels_reprint,
            labels::scan_files,
            labels::scan_image,
            labels::label_sightings,
            certificates::certificates_candidates,
            certificates::certificates_preview,
            certificates::certificates_issue,
            certificates::certificates_print,
            certificates::attest_file,
            certificates::attest_check,
            partners::untp_verify,
            certificates::publish_preview,
            certificates::publish_write,
            certificates::print_file,
            certificates::print_pages,
        ])
        .run(tauri::generate_context!())
        .expect("the TradeSeal window could not start");
}
