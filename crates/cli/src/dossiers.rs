//! `tradeseal dossier …`: customs dossiers, from draft to sealed export.

use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tradeseal_core::bundle::{BundleVerdict, FindingSeverity};
use tradeseal_core::dossier::{self, edit, lines_csv, links, sealed, store, Check, Dossier};
use tradeseal_core::home::Home;
use tradeseal_core::{Error, Result};

#[derive(Subcommand)]
pub enum DossierCommand {
    /// Start a draft: empty, filled from a shipment in the ledger, copied from an
    /// earlier dossier, or read from a dossier JSON file
    New {
        /// The shipment: its shipping event's hash id, or the SSCC shipped
        #[arg(long, value_name = "SSCC|HASH-ID", group = "source")]
        from_shipment: Option<String>,
        /// Copy the parties, terms and goods descriptions of an earlier dossier
        #[arg(long, value_name = "ID", group = "source")]
        like: Option<String>,
        /// A dossier JSON file (docs/spec/dossier.md)
        #[arg(long, value_name = "FILE", group = "source")]
        file: Option<PathBuf>,
        /// The local reference number, by which the dossier can be named afterwards
        #[arg(long)]
        lrn: Option<String>,
    },
    /// Set fields of a draft: PATH=VALUE, the path a JSON Pointer (/header/lrn,
    /// /lines/0/value); an empty VALUE removes the field
    Set {
        id: String,
        #[arg(value_name = "PATH=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Add goods lines from a CSV of invoice or packing-list lines
    ImportLines {
        id: String,
        file: PathBuf,
        /// Column to field, e.g. "Goods=description,Tariff=hs"; remembered for files with the same header
        #[arg(long, value_name = "COLUMN=FIELD,...")]
        map: Option<String>,
        /// The file's decimal mark, where its numbers do not show it (1.234 or 12,345 alone)
        #[arg(long, value_enum)]
        decimal: Option<Decimal>,
    },
    /// Attach a supporting document (stored by its SHA-256 with the dossier)
    Attach {
        id: String,
        file: PathBuf,
        /// Document type code: N380 invoice, N271 packing list, N705 B/L, N954 certificate of origin, EUDR-DDS
        #[arg(long)]
        code: String,
        #[arg(long)]
        reference: String,
        /// YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
    },
    /// Check every field, and the lots in the ledger: exit 0 no errors, 1 errors
    Validate {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Seal drafts: fixed, signed and recorded in the ledger (refused while errors remain);
    /// several are sealed together in one transaction, all or nothing
    Seal {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Start a correction of a sealed dossier: a new draft version that supersedes it once sealed
    Amend { id: String },
    /// Write a sealed dossier, with chosen fields hidden: FILE.json (the sealed file,
    /// docs/spec/dossier.md), FILE.pdf (to print; its QR code verifies the seal) or
    /// FILE.jwt (a W3C Verifiable Credential 2.0, vc+jwt, signed by this organisation).
    /// Several dossiers, or a folder as -o (an existing one, or DIR/, made when missing):
    /// one file each in the folder, named ID-vVERSION.json (or --format pdf|jwt)
    Export {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(short, long, value_name = "FILE|DIR")]
        output: PathBuf,
        /// Page size of a PDF
        #[arg(long, value_enum, default_value_t = crate::bundles::Paper::A4)]
        paper: crate::bundles::Paper,
        /// A sealed version (default: the latest; one dossier only)
        #[arg(long)]
        version: Option<u32>,
        /// Fields to withhold, as JSON Pointers (* for any line): --hide /valuation --hide '/lines/*/value'
        #[arg(long, value_name = "PATH")]
        hide: Vec<String>,
        /// The form of the files written into a folder
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
    },
    /// Show a dossier (the latest version unless --version)
    Show {
        id: String,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// List dossiers, newest first
    List {
        /// Match the id, LRN or parties' names
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import a screening list (e.g. the UFLPA Entity List) from CSV with a `name` column;
    /// replaces an earlier import of the same list
    EntityList {
        /// The list's name, shown with each match
        #[arg(long)]
        name: String,
        file: PathBuf,
    },
    /// Check a sealed or redacted dossier received: exit 0 verified, 1 failed
    Verify {
        /// Sealed dossier files (.json) or credentials (.jwt); several are checked together
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Decimal {
    Point,
    Comma,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Pdf,
    Jwt,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Jwt => "jwt",
        }
    }
}

fn json_out<T: serde::Serialize>(v: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("views serialise")
    );
}

fn read(path: &Path, what: &str) -> Result<String> {
    tradeseal_core::files::read_text_limited(path, tradeseal_core::files::MAX_TEXT_FILE, what)
}

pub fn run(home: &Path, cmd: DossierCommand) -> Result<ExitCode> {
    if let DossierCommand::Verify { files, json } = cmd {
        return verify(home, &files, json);
    }
    let h = crate::env::home(home)?;
    let now = tradeseal_core::system::now();
    match cmd {
        DossierCommand::New {
            from_shipment,
            like,
            file,
            lrn,
        } => {
            let ledger = h.ledger()?;
            let seed = tradeseal_core::system::random_seed()?;
            let id = store::new_id(seed[..8].try_into().expect("8 bytes"));
            let d = if let Some(s) = from_shipment {
                let ev = links::shipment_event(&ledger, &s)?;
                let d = links::from_shipment(&ledger, ev, &id)?;
                store::create(&ledger, &d, now)?;
                d
            } else if let Some(src) = like {
                store::duplicate(&ledger, &store::resolve(&ledger, &src)?, &id, now)?
            } else if let Some(f) = file {
                let mut d: Dossier =
                    serde_json::from_str(&read(&f, "a dossier")?).map_err(|e| {
                        Error::invalid(
                            f.display().to_string(),
                            format!("not a dossier ({e}); see docs/spec/dossier.md"),
                        )
                    })?;
                d.id = id.clone();
                d.version = 1;
                d.supersedes = None;
                store::create(&ledger, &d, now)?;
                d
            } else {
                let d = Dossier::new(&id);
                store::create(&ledger, &d, now)?;
                d
            };
            let d = match lrn {
                Some(l) => {
                    if store::resolve(&ledger, &l).is_ok() {
                        return Err(Error::invalid(
                            "lrn",
                            format!("a dossier with the LRN {l:?} exists already"),
                        ));
                    }
                    let d = edit::set(&d, "/header/lrn", &l)?;
                    store::save(&ledger, &d, now)?;
                    d
                }
                None => d,
            };
            println!("Created draft {} ({} goods line(s))", d.id, d.lines.len());
            report_checks(
                &store::check_all(&ledger, &d, &*h.codelists()?, &h.card().org)?,
                false,
            );
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Set { id, fields } => {
            let ledger = h.ledger()?;
            let id = store::resolve(&ledger, &id)?;
            let (mut d, revision) = draft(&ledger, &id)?;
            let mut pairs = Vec::new();
            for f in &fields {
                let (path, value) = f.split_once('=').ok_or_else(|| {
                    Error::invalid(
                        f.clone(),
                        "write PATH=VALUE, e.g. /header/lrn=ACME-2026-0042",
                    )
                })?;
                pairs.push((path.trim(), value));
            }
            d = edit::set_many(&d, &pairs)?;
            store::save_from(&ledger, &d, &revision, now)?;
            println!("Saved draft {id}");
            report_checks(
                &store::check_all(&ledger, &d, &*h.codelists()?, &h.card().org)?,
                false,
            );
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::ImportLines {
            id,
            file,
            map,
            decimal,
        } => {
            let ledger = h.ledger()?;
            let id = store::resolve(&ledger, &id)?;
            let mapping = map.map(|m| parse_map(&m)).transpose()?;
            let decimal = decimal.map(|d| match d {
                Decimal::Point => lines_csv::DecimalMark::Point,
                Decimal::Comma => lines_csv::DecimalMark::Comma,
            });
            let r = lines_csv::import(
                &ledger,
                &id,
                &read(&file, "a CSV of goods lines")?,
                mapping.as_ref(),
                decimal,
                now,
            )?;
            println!(
                "Added {} goods line(s) to {id}{}",
                r.lines.len(),
                if r.remembered {
                    " (columns mapped as last time)"
                } else {
                    ""
                }
            );
            for (col, field) in &r.mapping.0 {
                println!("  {col:<24} -> {field}");
            }
            if !r.ignored.is_empty() {
                println!("  not used: {}", r.ignored.join(", "));
            }
            for n in &r.numbers {
                let mark = match n.mark {
                    Some(lines_csv::DecimalMark::Point) => "read with a decimal point",
                    Some(lines_csv::DecimalMark::Comma) => "read with a decimal comma",
                    None => "no decimal mark needed",
                };
                println!("  {:<24} {mark} ({})", n.column, n.reason);
            }
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Attach {
            id,
            file,
            code,
            reference,
            date,
        } => {
            let ledger = h.ledger()?;
            let id = store::resolve(&ledger, &id)?;
            let (_, revision) = draft(&ledger, &id)?;
            let a = store::attach_document(
                &ledger,
                &id,
                Some(&revision),
                &file,
                store::NewDocument {
                    code,
                    reference,
                    date,
                },
                now,
            )?;
            let (sha, size) = (a.sha256, a.size);
            println!(
                "Attached {} ({} bytes, SHA-256 {sha}) to {id}",
                file.display(),
                size
            );
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Validate { id, json } => {
            let ledger = h.ledger_read_only()?;
            let id = store::resolve(&ledger, &id)?;
            let s = store::get(&ledger, &id, None)?;
            let review = store::review(&ledger, &s.dossier, &*h.codelists()?, &h.card().org)?;
            if json {
                json_out(&review);
            } else {
                for l in &review.lines {
                    let ratio = l
                        .verified_ratio
                        .map(|r| format!(", {:.0} % of its origin verified", r * 100.0))
                        .unwrap_or_default();
                    let eudr = l
                        .eudr
                        .as_deref()
                        .map(|c| format!("; EUDR: {c}"))
                        .unwrap_or_default();
                    println!("Line {}: provenance {}{ratio}{eudr}", l.line + 1, l.verdict);
                    for o in &l.origins {
                        println!(
                            "  from {} at {} ({}), produced {}, signed by {} ({})",
                            o.label,
                            o.place.as_deref().unwrap_or("an unknown place"),
                            o.region.as_deref().or(o.country.as_deref()).unwrap_or("?"),
                            o.produced.as_deref().unwrap_or("?"),
                            o.signer_name.as_deref().unwrap_or("?"),
                            o.signer
                        );
                    }
                }
                report_checks(&review.checks, true);
            }
            Ok(if dossier::checks::has_errors(&review.checks) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        DossierCommand::EntityList { name, file } => {
            let ledger = h.ledger()?;
            let n =
                dossier::screening::import_list(&ledger, &name, &read(&file, "a screening list")?)?;
            println!("Imported {n} entities into the list {name}");
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Seal { ids } => {
            let mut ledger = h.ledger()?;
            let lists = h.codelists()?;
            // Check before asking for the passphrase.
            let mut drafts = Vec::with_capacity(ids.len());
            for id in &ids {
                let id = store::resolve(&ledger, id)?;
                let s = store::get(&ledger, &id, None)?;
                let found = store::check_all(&ledger, &s.dossier, &lists, &h.card().org)?;
                if dossier::checks::has_errors(&found) {
                    report_checks(&found, true);
                    return Err(Error::invalid(
                        "dossier",
                        format!("{id} is not sealed: correct the errors above, then seal"),
                    ));
                }
                drafts.push((id, tradeseal_core::system::random_seed()?));
            }
            let signer = crate::env::signer(&h)?;
            for out in store::seal_many(&mut ledger, &signer, now, &drafts, &lists)? {
                println!(
                    "Sealed {} version {}: root {} over {} fields, ledger entry {}",
                    out.id, out.version, out.root, out.fields, out.seq
                );
                report_checks(&out.warnings, false);
            }
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Amend { id } => {
            let ledger = h.ledger()?;
            let id = store::resolve(&ledger, &id)?;
            let d = store::amend(&ledger, &id, now)?;
            println!(
                "Draft {} version {} supersedes version {} once sealed",
                d.id,
                d.version,
                d.version - 1
            );
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Export {
            ids,
            output,
            paper,
            version,
            hide,
            format,
        } => {
            let ledger = h.ledger_for_export()?;
            let mut resolved = Vec::with_capacity(ids.len());
            for id in &ids {
                let id = store::resolve(&ledger, id)?;
                if resolved.contains(&id) {
                    return Err(Error::invalid(
                        "dossier",
                        format!("{id} is named twice: name each dossier once"),
                    ));
                }
                resolved.push(id);
            }
            // Several dossiers, an existing folder, or a path ending in a separator
            // (`-o outbox/`): a folder of files, made when missing.
            let names_folder = output
                .as_os_str()
                .to_string_lossy()
                .ends_with(['/', std::path::MAIN_SEPARATOR]);
            let into_folder = resolved.len() > 1 || output.is_dir() || names_folder;
            if !into_folder {
                if format.is_some() {
                    return Err(Error::invalid("format", "--format is for a folder of files: the extension of -o FILE names the form of one file"));
                }
                let id = &resolved[0];
                let file = store::export_fields(&ledger, h.card(), id, version, &hide)?;
                write_export(&h, &ledger, &file, &output, paper, None)?;
                return Ok(ExitCode::SUCCESS);
            }
            if version.is_some() {
                return Err(Error::invalid(
                    "version",
                    "--version is for one dossier: several are exported at their latest sealed version",
                ));
            }
            std::fs::create_dir_all(&output)
                .map_err(|e| Error::io(format!("creating {}", output.display()), e))?;
            let ext = format.unwrap_or(ExportFormat::Json).extension();
            let mut signer = None;
            for ids in resolved.chunks(dossier::BATCH) {
                let files = store::export_many(&ledger, h.card(), ids, &hide)?;
                for (id, file) in ids.iter().zip(&files) {
                    let path = output.join(format!("{id}-v{}.{ext}", file.dossier["version"]));
                    write_export(&h, &ledger, file, &path, paper, Some(&mut signer))?;
                }
            }
            println!("Wrote {} file(s) to {}", resolved.len(), output.display());
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Show { id, version, json } => {
            let ledger = h.ledger_read_only()?;
            let id = store::resolve(&ledger, &id)?;
            let s = store::get(&ledger, &id, version)?;
            if json {
                json_out(&s);
            } else {
                show(&s);
            }
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::List { search, json } => {
            let ledger = h.ledger_read_only()?;
            let list = store::list(&ledger, search.as_deref().unwrap_or(""))?;
            if json {
                json_out(&list);
            } else if list.is_empty() {
                println!(
                    "No dossiers. Start one with `tradeseal dossier new --from-shipment SSCC`."
                );
            } else {
                println!(
                    "{:<18} {:>3} {:<10} {:<22} {:<10} EXPORTER -> CONSIGNEE",
                    "ID", "V", "STATUS", "LRN", "DATE"
                );
                for s in list {
                    println!(
                        "{:<18} {:>3} {:<10} {:<22} {:<10} {} -> {}",
                        s.id,
                        s.version,
                        format!("{:?}", s.status).to_lowercase(),
                        s.lrn.as_deref().unwrap_or("-"),
                        s.declaration_date.as_deref().unwrap_or("-"),
                        s.exporter.as_deref().unwrap_or("?"),
                        s.consignee.as_deref().unwrap_or("?")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Verify { .. } => unreachable!("handled above"),
    }
}

/// Writes one sealed file in the form `path`'s extension names; a credential is signed
/// with the key unlocked once (`signer`: kept across the files of a folder).
fn write_export(
    h: &Home,
    ledger: &tradeseal_core::ledger::Ledger,
    file: &dossier::SealedFile,
    path: &Path,
    paper: crate::bundles::Paper,
    signer: Option<&mut Option<tradeseal_core::identity::Signer>>,
) -> Result<()> {
    let jwt = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jwt"));
    let mut own = None;
    let slot = signer.unwrap_or(&mut own);
    if jwt && slot.is_none() {
        *slot = Some(crate::env::signer(&h)?);
    }
    dossier::write_export(
        ledger,
        file,
        path,
        paper.size(),
        crate::env::lang(),
        slot.as_ref(),
    )?;
    println!(
        "Wrote {} version {} to {} ({} field(s) hidden)",
        file.dossier["id"].as_str().unwrap_or("?"),
        file.dossier["version"],
        path.display(),
        file.hidden.len()
    );
    Ok(())
}

/// The draft `id` and the revision it was read at (to save against).
fn draft(ledger: &tradeseal_core::ledger::Ledger, id: &str) -> Result<(Dossier, String)> {
    let s = store::get(ledger, id, None)?;
    if s.status != store::Status::Draft {
        return Err(Error::invalid(
            "dossier",
            format!(
                "{id} version {} is sealed: `tradeseal dossier amend {id}` starts a correction",
                s.dossier.version
            ),
        ));
    }
    Ok((s.dossier, s.revision))
}

fn parse_map(m: &str) -> Result<lines_csv::ColumnMap> {
    let mut out = lines_csv::ColumnMap::default();
    for pair in m.split(',').filter(|p| !p.trim().is_empty()) {
        let (col, field) = pair
            .split_once('=')
            .ok_or_else(|| Error::invalid("map", format!("{pair:?}: write COLUMN=FIELD")))?;
        out.0
            .insert(col.trim().to_string(), field.trim().to_string());
    }
    Ok(out)
}

pub fn report_checks(found: &[Check], all_clear_message: bool) {
    if found.is_empty() {
        if all_clear_message {
            println!("No problems found.");
        }
        return;
    }
    let errors = found
        .iter()
        .filter(|c| c.severity == FindingSeverity::Error)
        .count();
    println!("{errors} error(s), {} warning(s):", found.len() - errors);
    for c in found {
        let sev = match c.severity {
            FindingSeverity::Error => "ERROR",
            FindingSeverity::Gap => "GAP",
            FindingSeverity::Warning => "WARN",
            FindingSeverity::Info => "INFO",
        };
        let value = c
            .value
            .as_deref()
            .map(|v| format!(" = {v:?}"))
            .unwrap_or_default();
        println!("{sev:<5} {:<22} {}{value}", c.code, c.path);
        println!("      {}", c.message);
        println!("      what to do: {}", c.action);
    }
}

fn show(s: &store::Stored) {
    let d = &s.dossier;
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!(
        "Dossier       {} version {} ({})",
        d.id,
        d.version,
        format!("{:?}", s.status).to_lowercase()
    );
    if let Some(r) = &s.root {
        println!(
            "Sealed root   {r} (ledger entry {})",
            s.seq.unwrap_or_default()
        );
    }
    if let Some(p) = &d.supersedes {
        println!("Supersedes    version {} (root {})", p.version, p.root);
    }
    println!(
        "Type          {} procedure {}",
        o(&d.header.declaration_type),
        o(&d.header.procedure)
    );
    println!(
        "LRN           {}   date {}",
        o(&d.header.lrn),
        o(&d.header.declaration_date)
    );
    for (role, p) in [
        ("Exporter", &d.parties.exporter),
        ("Consignee", &d.parties.consignee),
        ("Declarant", &d.parties.declarant),
        ("Representative", &d.parties.representative),
    ] {
        if let Some(p) = p {
            println!(
                "{role:<13} {} ({}){}",
                p.name,
                o(&p.country),
                p.eori
                    .as_deref()
                    .map(|e| format!(" EORI {e}"))
                    .unwrap_or_default()
            );
        }
    }
    println!(
        "Transport     mode {} {}  {} -> {}",
        o(&d.transport.mode_at_border),
        o(&d.transport.transport_document),
        o(&d.transport.loading_place),
        o(&d.transport.unloading_place)
    );
    for c in &d.transport.containers {
        println!("  container   {} seals {}", c.number, c.seals.join(", "));
    }
    println!(
        "Terms         {} {}  {} total {}",
        o(&d.valuation.incoterm),
        o(&d.valuation.incoterm_place),
        o(&d.valuation.currency),
        o(&d.valuation.total_invoiced)
    );
    for (i, l) in d.lines.iter().enumerate() {
        println!(
            "Line {:<3}      {} | HS {} | origin {} | net {} kg gross {} kg | value {}",
            i + 1,
            l.description,
            l.commodity.hs,
            o(&l.origin_country),
            o(&l.net_mass_kg),
            o(&l.gross_mass_kg),
            o(&l.value)
        );
        for it in &l.items {
            println!(
                "  ships       {} {}",
                tradeseal_core::trace::label_of(&it.id),
                it.quantity
                    .as_deref()
                    .map(|q| format!("({q} {})", it.unit.as_deref().unwrap_or("")))
                    .unwrap_or_default()
            );
        }
    }
    for doc in &d.documents {
        println!(
            "Document      {} {} {}{}",
            doc.code,
            doc.reference,
            o(&doc.date),
            doc.file
                .as_ref()
                .map(|f| format!(" [{} sha256 {}]", f.name, f.sha256))
                .unwrap_or_default()
        );
    }
}

fn verify(home: &Path, files: &[PathBuf], json: bool) -> Result<ExitCode> {
    let texts = files
        .iter()
        .map(|f| {
            let bytes = tradeseal_core::files::read_limited(
                f,
                tradeseal_core::files::MAX_SEALED_FILE,
                "a sealed dossier or credential",
            )?;
            let kind = if bytes.starts_with(b"%PDF") { "a PDF" } else { "not text" };
            String::from_utf8(bytes).map_err(|_| {
                Error::invalid(
                    "file",
                    format!("{} is {kind}: verify the sealed dossier file (.json) or credential (.jwt) the sender exported", f.display()),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let h = match crate::env::home(home) {
        Ok(h) => Some(h),
        Err(Error::HomeMissing { .. }) => None,
        Err(e) => return Err(e),
    };
    let ledger = h.as_ref().map(|h| h.ledger_read_only()).transpose()?;
    let lists = match &h {
        Some(h) => h.codelists()?,
        None => std::borrow::Cow::Borrowed(tradeseal_core::codelists::CodeLists::builtin()),
    };
    let unknown = |_: &str, _: i64| (tradeseal_core::parties::SignerStatus::Unknown, None);
    let trust_store = match (&ledger, &h) {
        (Some(l), Some(h)) => Some(sealed::standing_in(l, &h.card().org)),
        _ => None,
    };
    let standing: sealed::Standing<'_> = match &trust_store {
        Some(st) => Some(st),
        None => Some(&unknown),
    };
    // Credentials one by one; sealed files together, a chunk at a time.
    let is_jwt = |t: &String| !t.trim_start().starts_with('{');
    let mut reports: Vec<Option<sealed::SealReport>> = texts
        .iter()
        .map(|t| is_jwt(t).then(|| dossier::vc::verify_jwt(t, &lists, standing)))
        .collect();
    let plain: Vec<usize> = (0..texts.len()).filter(|&i| reports[i].is_none()).collect();
    for chunk in plain.chunks(dossier::BATCH) {
        let refs: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
        for (&i, r) in chunk
            .iter()
            .zip(sealed::verify_many(&refs, &lists, standing))
        {
            reports[i] = Some(r);
        }
    }
    let reports: Vec<sealed::SealReport> = reports.into_iter().flatten().collect();
    let failed = reports
        .iter()
        .filter(|r| r.verdict == BundleVerdict::Failed)
        .count();
    let code = if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if let [report] = &reports[..] {
        print_report(report, json);
        return Ok(code);
    }
    if json {
        let all: Vec<serde_json::Value> = files
            .iter()
            .zip(&reports)
            .map(|(f, r)| serde_json::json!({"file": f.display().to_string(), "report": r}))
            .collect();
        json_out(&all);
        return Ok(code);
    }
    for (f, r) in files.iter().zip(&reports) {
        println!("{}", f.display());
        print_report(r, false);
        println!();
    }
    let warned = reports
        .iter()
        .filter(|r| r.verdict == BundleVerdict::VerifiedWithWarnings)
        .count();
    println!(
        "{} file(s): {} verified, {warned} verified with warnings, {failed} failed",
        reports.len(),
        reports.len() - warned - failed
    );
    Ok(code)
}

fn print_report(report: &sealed::SealReport, json: bool) {
    if json {
        json_out(&report);
    } else {
        let verdict = match report.verdict {
            BundleVerdict::Verified => "VERIFIED",
            BundleVerdict::VerifiedWithWarnings => "VERIFIED WITH WARNINGS",
            BundleVerdict::Incomplete => "INCOMPLETE",
            BundleVerdict::Failed => "FAILED",
        };
        println!(
            "{verdict}: dossier {} version {}",
            report.id.as_deref().unwrap_or("?"),
            report.version.map(|v| v.to_string()).unwrap_or("?".into())
        );
        if let Some(did) = &report.credential_issuer {
            println!("Credential    W3C Verifiable Credential (vc+jwt), issued by {did}");
        }
        println!(
            "Sealed by     {} (fingerprint {})",
            report.signer.as_deref().unwrap_or("?"),
            report.fingerprint.as_deref().unwrap_or("?")
        );
        println!(
            "Sealed at     {} (ledger entry {})",
            report.sealed_at.as_deref().unwrap_or("?"),
            report.seq.map(|s| s.to_string()).unwrap_or("?".into())
        );
        println!(
            "Root          {} over {} fields",
            report.root.as_deref().unwrap_or("?"),
            report.fields
        );
        if !report.hidden.is_empty() {
            println!(
                "Hidden        {} field(s): {}",
                report.hidden.len(),
                report.hidden.join(", ")
            );
        }
        if report.attachments > 0 {
            println!(
                "Attachments   {} checked against their SHA-256",
                report.attachments
            );
        }
        report_checks(&report.findings, false);
        if !report.checks.is_empty() {
            println!("Field checks of the dossier:");
            report_checks(&report.checks, false);
        }
    }
}
