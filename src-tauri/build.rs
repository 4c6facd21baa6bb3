// Only the app's own commands are exposed, each behind an `allow-*` permission that
// capabilities/default.json grants explicitly (least privilege).
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "session",
            "create_identity",
            "unlock",
            "ledger_info",
            "entries",
            "entry_detail",
            "add_note",
            "verify_ledger",
            "epcis_import",
            "epcis_export",
            "timeline",
            "event_detail",
            "event_by_hash",
            "trace",
            "check_identifier",
            "vocabularies",
            "record_event",
            "masterdata_list",
            "save_product",
            "save_location",
            "save_party",
            "bundle_verify",
            "bundle_import",
            "parties_list",
            "party_history",
            "party_add",
            "party_decide",
            "bundle_cancel",
            "bundle_save_report",
            "identity_qr",
        ]),
    ))
    .expect("tauri build script failed");
}
