//! The TypeScript declarations of what the app's own commands return (ts-rs), generated
//! into `ui/src/lib/bindings-app.ts` beside the core's `bindings.ts`, whose types they
//! use; a test keeps the file current (`TRADESEAL_BLESS=1 cargo test -p tradeseal-app`).

use ts_rs::TS;

fn typescript() -> String {
    let decls = [
        crate::supply::ImportProgressView::decl(),
        crate::supply::Vocabularies::decl(),
        crate::dossiers::Opened::decl(),
        crate::certificates::Drawn::decl(),
        crate::labels::Stock::decl(),
        crate::labels::Issued::decl(),
        crate::labels::ScannedFile::decl(),
    ];
    let mut out = String::from("// Generated from the Rust types by tradeseal-app (src/bindings.rs). Do not edit:\n// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-app bindings` to regenerate.\n\nimport type { PreviewPage, Review, Scanned, Statement, Stored } from \"./bindings\";\n\n");
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn app_bindings_are_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings-app.ts");
    let want = typescript();
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "ui/src/lib/bindings-app.ts is stale: run TRADESEAL_BLESS=1 cargo test -p tradeseal-app bindings");
}
