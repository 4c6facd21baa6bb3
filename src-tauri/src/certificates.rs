//! Certificate commands: a draft preview (nothing recorded), issue and save, print.

use crate::commands::{blocking, Res};
use crate::session::Session;
use crate::supply::file_path;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tradeseal_core::certificate::{self, pdf, CertificateType, Statement, Target};
use tradeseal_core::pdf::{PageSize, PreviewPage};
use tradeseal_core::Error;

fn target(lot: &str, dossier: &str) -> Result<Target, Error> {
    match (lot.trim(), dossier.trim()) {
        (l, "") if !l.is_empty() => Ok(Target::Lot(l.to_string())),
        ("", d) if !d.is_empty() => Ok(Target::Dossier(d.to_string())),
        _ => Err(Error::invalid(
            "subject",
            "choose a lot (GTIN/LOT) or a sealed dossier, one of the two",
        )),
    }
}

fn paper(letter: bool) -> PageSize {
    if letter {
        PageSize::Letter
    } else {
        PageSize::A4
    }
}

fn issuer(card: &tradeseal_core::identity::IdentityCard) -> pdf::Issuer<'_> {
    pdf::Issuer {
        org: &card.org,
        fingerprint: &card.fingerprint,
    }
}

/// The lots and sealed dossiers the form offers.
#[tauri::command]
pub async fn certificates_candidates(
    state: State<'_, Session>,
) -> Res<Vec<certificate::statement::Candidate>> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        certificate::statement::candidates(&l, 200)
    })
    .await
}

/// A certificate drawn: a draft (no number) or issued and saved.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "CertificateDrawn"))]
pub struct Drawn {
    statement: Statement,
    pages: Vec<PreviewPage>,
    /// The issued certificate's number and file; none for a draft.
    number: Option<String>,
    path: Option<String>,
}

/// The certificate as it would be issued, marked as a draft (nothing is recorded).
#[tauri::command]
pub async fn certificates_preview(
    state: State<'_, Session>,
    kind: String,
    lot: String,
    dossier: String,
    letter: bool,
) -> Res<Drawn> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let card = u.home.card();
        let st = certificate::statement::state(
            &l,
            &card.org,
            CertificateType::parse(&kind)?,
            &target(&lot, &dossier)?,
        )?;
        let (_, pages) = pdf::certificate_preview(&st, &issuer(card), None, paper(letter), lang);
        Ok(Drawn {
            statement: st,
            pages,
            number: None,
            path: None,
        })
    })
    .await
}

/// Records the certificate, writes its PDF to `path`, and returns what it shows.
#[tauri::command]
pub async fn certificates_issue(
    state: State<'_, Session>,
    kind: String,
    lot: String,
    dossier: String,
    letter: bool,
    path: String,
) -> Res<Drawn> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let p = pdf_path(&path)?;
        let mut l = u.home.ledger()?;
        let now = tradeseal_core::system::now();
        let c = certificate::issue(
            &mut l,
            &u.signer,
            now,
            CertificateType::parse(&kind)?,
            &target(&lot, &dossier)?,
        )?;
        written(&u, &c, letter, lang, &p)
    })
    .await
}

/// `path` as a PDF file to write, or what to do.
fn pdf_path(path: &str) -> Result<std::path::PathBuf, Error> {
    let p = file_path(path)?;
    if !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        return Err(Error::invalid(
            "path",
            "a certificate is written as FILE.pdf",
        ));
    }
    Ok(p)
}

/// Writes the certificate's PDF to `p` and says what it shows.
fn written(
    u: &crate::session::Unlocked,
    c: &certificate::Certificate,
    letter: bool,
    lang: tradeseal_core::i18n::Lang,
    p: &std::path::Path,
) -> Result<Drawn, Error> {
    let (bytes, pages) = pdf::certificate_preview(
        &c.statement,
        &issuer(u.home.card()),
        Some(c),
        paper(letter),
        lang,
    );
    tradeseal_core::files::write_file(p, &bytes)?;
    Ok(Drawn {
        statement: c.statement.clone(),
        pages,
        number: Some(format!("{}/{}", c.claims.origin, c.seq())),
        path: Some(p.display().to_string()),
    })
}

/// An issued certificate (its ledger entry) printed again, with its proof against the
/// latest checkpoint; nothing is issued.
#[tauri::command]
pub async fn certificates_print(
    state: State<'_, Session>,
    entry: u64,
    letter: bool,
    path: String,
) -> Res<Drawn> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let p = pdf_path(&path)?;
        let l = u.home.ledger_read_only()?;
        let c = certificate::packed(&l, &u.signer, entry)?;
        written(&u, &c, letter, lang, &p)
    })
    .await
}

/// Sends a saved file to the default printer (CUPS `lp`): a PDF as a document, a ZPL
/// file as raw printer language for a Zebra printer.
/// The pages of a saved PDF as pictures (PNG data URLs, 200 dpi) for the webview's print
/// dialog: printing through the platform, on every platform, without CUPS.
#[tauri::command]
pub async fn print_pages(path: String) -> Res<Vec<String>> {
    blocking(move || {
        use base64::Engine as _;
        let p = file_path(&path)?;
        let bytes = tradeseal_core::files::read_limited(
            &p,
            tradeseal_core::label::scan::MAX_SCAN_BYTES,
            "a PDF to print",
        )?;
        Ok(tradeseal_core::label::scan::pdf_pages_png(bytes, 200.0)?
            .into_iter()
            .map(|png| {
                format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(png)
                )
            })
            .collect())
    })
    .await
}

#[tauri::command]
pub async fn print_file(path: String) -> Res<String> {
    blocking(move || {
        let p = file_path(&path)?;
        if !p.is_file() {
            return Err(Error::invalid("path", format!("{} is not a file: save it first", p.display())));
        }
        let zpl = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zpl"));
        let mut lp = std::process::Command::new("lp");
        if zpl {
            lp.args(["-o", "raw"]);
        }
        let out = lp
            .arg("--")
            .arg(&p)
            .output()
            .map_err(|_| Error::invalid("printer", "printing needs CUPS (`sudo apt install cups-client` and a printer set up); or open the PDF and print it from your PDF viewer"))?;
        if !out.status.success() {
            return Err(Error::invalid(
                "printer",
                format!(
                    "the printer refused the file: {}; set up a default printer (CUPS), or open the PDF and print it from your PDF viewer",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    })
    .await
}

/// How far the hashing of a file has come (`attest-progress` events).
#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "HashProgress"))]
pub struct HashProgress {
    #[cfg_attr(test, ts(type = "number"))]
    done: u64,
    #[cfg_attr(test, ts(type = "number"))]
    total: u64,
}

/// Hashes `file` streaming, emitting `attest-progress` at each whole percent.
fn hash_with_progress(
    app: &AppHandle,
    file: &std::path::Path,
) -> Result<tradeseal_core::attest::Hashed, Error> {
    let mut shown = None;
    tradeseal_core::attest::hash_file(file, &mut |done, total| {
        let pct = done * 100 / total.max(1);
        if shown != Some(pct) {
            shown = Some(pct);
            let _ = app.emit("attest-progress", HashProgress { done, total });
        }
    })
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Proof of existence: `file`'s SHA-256 (never the file) recorded in the ledger, its
/// certificate written to `path`.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn attest_file(
    app: AppHandle,
    state: State<'_, Session>,
    file: String,
    title: String,
    owner: String,
    letter: bool,
    path: String,
) -> Res<Drawn> {
    let u = state.current()?;
    let lang = state.lang();
    blocking(move || {
        let p = pdf_path(&path)?;
        let f = file_path(&file)?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hashed = hash_with_progress(&app, &f)?;
        // attest checks the statement before anything is recorded.
        let mut l = u.home.ledger()?;
        let now = tradeseal_core::system::now();
        let c = tradeseal_core::attest::attest(
            &mut l,
            &u.signer,
            now,
            &hashed,
            &name,
            optional(&title),
            optional(&owner),
        )?;
        written(&u, &c, letter, lang, &p)
    })
    .await
}

/// Whether `file` is the one the certificate at `certificate` (its PDF, a photo of its
/// code, or its TSC1: text) attests, and since when.
#[tauri::command]
pub async fn attest_check(
    app: AppHandle,
    state: State<'_, Session>,
    file: String,
    certificate: String,
) -> Res<tradeseal_core::attest::AttestCheck> {
    let u = state.current()?;
    blocking(move || {
        let text = tradeseal_core::attest::certificate_text(&file_path(&certificate)?)?;
        let hashed = hash_with_progress(&app, &file_path(&file)?)?;
        let l = u.home.ledger_read_only()?;
        Ok(tradeseal_core::attest::check(hashed, &text, Some(&l)))
    })
    .await
}

fn publish_options(
    serials: bool,
    sightings: bool,
    hide_quantities: bool,
    hide_partners: bool,
    base: &str,
) -> Result<tradeseal_core::publish::Options, Error> {
    let base = optional(base).map(str::to_string);
    if let Some(b) = &base {
        if !b.starts_with("https://") {
            return Err(Error::invalid(
                "base",
                format!("{b}: the site's address is an https:// URL"),
            ));
        }
    }
    Ok(tradeseal_core::publish::Options {
        serials,
        sightings,
        hide_quantities,
        hide_partners,
        base,
    })
}

/// What the lot's passport page will show, with what is withheld left out.
#[tauri::command]
pub async fn publish_preview(
    state: State<'_, Session>,
    lot: String,
    hide_quantities: bool,
    hide_partners: bool,
) -> Res<tradeseal_core::publish::PassportView> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let opts = publish_options(false, false, hide_quantities, hide_partners, "")?;
        tradeseal_core::publish::view(&l, u.home.card(), &lot, &opts)
    })
    .await
}

/// What `publish_write` wrote.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "PassportPublished"))]
pub struct Published {
    lot_page: String,
    #[cfg_attr(test, ts(type = "number"))]
    serial_pages: usize,
    #[cfg_attr(test, ts(type = "number"))]
    files: usize,
    #[cfg_attr(test, ts(type = "number"))]
    bytes: u64,
}

/// Writes the lot's passport site into the folder `dir`.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn publish_write(
    state: State<'_, Session>,
    lot: String,
    serials: bool,
    sightings: bool,
    hide_quantities: bool,
    hide_partners: bool,
    base: String,
    dir: String,
) -> Res<Published> {
    let u = state.current()?;
    blocking(move || {
        let l = u.home.ledger_read_only()?;
        let opts = publish_options(serials, sightings, hide_quantities, hide_partners, &base)?;
        let p =
            tradeseal_core::publish::publish(&l, u.home.card(), &lot, &opts, &file_path(&dir)?)?;
        Ok(Published {
            lot_page: p.lot_page.display().to_string(),
            serial_pages: p.serial_pages,
            files: p.files,
            bytes: p.bytes,
        })
    })
    .await
}
