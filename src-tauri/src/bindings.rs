//! The TypeScript declarations of what the app's own commands return (ts-rs), generated
//! into `ui/src/lib/bindings-app.ts` beside the core's `bindings.ts`, whose types they
//! use; a test keeps the file current (`TRADESEAL_BLESS=1 cargo test -p tradeseal-app`).

use ts_rs::TS;

fn typescript() -> String {
    let decls = [
        crate::supply::ImportProgressView::decl(),
        crate::supply::Vocabularies::decl(),
        crate::supply::Recorded::decl(),
        crate::dossiers::GeoJsonSaved::decl(),
        crate::dossiers::Opened::decl(),
        crate::certificates::Drawn::decl(),
        crate::certificates::HashProgress::decl(),
        crate::certificates::Published::decl(),
        crate::labels::Stock::decl(),
        crate::labels::Issued::decl(),
        crate::labels::ScannedFile::decl(),
    ];
    tradeseal_core::bindings::declarations(
        "// Generated from the Rust types by tradeseal-app (src/bindings.rs). Do not edit:\n// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-app bindings` to regenerate.\n\nimport type { PreviewPage, Review, Scanned, Statement, Stored, TimelineEvent } from \"./bindings\";\n\n",
        &decls,
    )
}

#[test]
fn app_bindings_are_up_to_date() {
    tradeseal_core::bindings::keep_current(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings-app.ts"),
        &typescript(),
        "TRADESEAL_BLESS=1 cargo test -p tradeseal-app bindings",
    );
}
