//! The verification report for people: the one-line verdict a broker understands, and
//! the same report as a PDF to file with the shipment (`bundle verify --report`, the
//! app's "Save report").

use super::verify::{BundleReport, BundleVerdict, FindingSeverity};
use crate::pdf::{colour, Doc, PageSize, Row, Style};
use crate::trace;

/// The verdict in one line: `VERIFIED: the chain of … is intact and signed by parties
/// you trust`.
pub fn headline(r: &BundleReport) -> String {
    let subject = subject_label(r);
    match r.verdict {
        BundleVerdict::Verified => {
            format!("VERIFIED: the chain of {subject} is intact and signed by parties you trust")
        }
        BundleVerdict::VerifiedWithWarnings => format!(
            "VERIFIED WITH WARNINGS: the chain of {subject} is intact; read the warnings before relying on it"
        ),
        BundleVerdict::Incomplete => format!(
            "INCOMPLETE: the file is intact and its signatures hold, but the chain of {subject} does not prove all it claims; read the gaps and ask for what is missing"
        ),
        BundleVerdict::Failed => format!(
            "FAILED: the file of {subject} was altered or forged, or is signed by a key you do not trust; do not rely on it"
        ),
    }
}

fn subject_label(r: &BundleReport) -> String {
    r.subject
        .as_ref()
        .map(|s| trace::label_of(&s.id))
        .unwrap_or_else(|| "unknown goods".into())
}

/// What the PDF says besides the report itself.
pub struct ReportContext<'a> {
    /// The bundle file's name, as the user knows it.
    pub file_name: &'a str,
    /// SHA-256 of the bundle file, hex.
    pub file_sha256: &'a str,
    /// Who verified: organisation and fingerprint, when verified with a home.
    pub verifier: Option<(&'a str, &'a str)>,
    /// When (RFC 3339), handed in by the caller.
    pub verified_at: &'a str,
    pub page: PageSize,
}

fn severity_label(s: FindingSeverity) -> (&'static str, (f32, f32, f32)) {
    match s {
        FindingSeverity::Error => ("Error", colour::BAD),
        FindingSeverity::Gap => ("Gap", colour::GAP),
        FindingSeverity::Warning => ("Warning", colour::WARN),
        FindingSeverity::Info => ("Info", colour::MUTED),
    }
}

/// The report as a PDF document (A4 or Letter, as many pages as the findings need).
pub fn report_pdf(r: &BundleReport, ctx: &ReportContext<'_>) -> Vec<u8> {
    let title = format!("Provenance verification: {}", subject_label(r));
    let footer = format!(
        "TradeSeal {} · bundle SHA-256 {}…",
        env!("CARGO_PKG_VERSION"),
        &ctx.file_sha256[..16.min(ctx.file_sha256.len())]
    );
    let mut d = Doc::new(&title, ctx.page, &footer);
    if let Ok(t) = crate::Timestamp::parse_canonical(ctx.verified_at) {
        d.set_date(t);
    }
    let (m, bw) = (d.margin, d.body_width());

    d.text_at(
        m,
        d.y,
        "Provenance verification report",
        Style::new(17.0, true, colour::TEXT),
    );
    d.y += 9.0;
    let sub = Style::new(10.0, false, colour::MUTED);
    d.paragraph(&subject_label(r), sub);
    d.y += 3.0;

    // The verdict, in a coloured band.
    let band = match r.verdict {
        BundleVerdict::Verified => colour::GOOD,
        BundleVerdict::VerifiedWithWarnings => colour::WARN,
        BundleVerdict::Incomplete => colour::GAP,
        BundleVerdict::Failed => colour::BAD,
    };
    d.band(&headline(r), 11.5, band);
    d.y += 5.0;

    let errors = count(r, FindingSeverity::Error);
    let gaps = count(r, FindingSeverity::Gap);
    let warnings = count(r, FindingSeverity::Warning);
    let infos = count(r, FindingSeverity::Info);
    let more = if r.more_findings > 0 {
        format!(" (and {} more not listed)", r.more_findings)
    } else {
        String::new()
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("Goods", subject_label(r)),
        (
            "Goods id",
            r.subject.as_ref().map(|s| s.id.clone()).unwrap_or_default(),
        ),
        ("Bundle file", ctx.file_name.to_string()),
        ("File SHA-256", ctx.file_sha256.to_string()),
        (
            "Contents",
            format!(
                "{} ledger entries, {} supply-chain events, {} signers",
                r.entries,
                r.events,
                r.authors.len()
            ),
        ),
        (
            "Findings",
            format!(
                "{}, {}, {}, {} for information{more}",
                plural(errors, "error", "errors"),
                plural(gaps, "gap", "gaps"),
                plural(warnings, "warning", "warnings"),
                infos
            ),
        ),
    ];
    if let Some(share) = r.verified_share {
        rows.push((
            "Verified origin",
            format!(
                "{:.0} % of the goods' quantity comes from origins the chain proves (created by trusted signers, through sound steps and unbroken custody)",
                share * 100.0
            ),
        ));
    }
    rows.push((
        "Verified by",
        match ctx.verifier {
            Some((org, fp)) => format!("{org} (fingerprint {fp})"),
            None => "no TradeSeal home: every signer counted as unknown".into(),
        },
    ));
    rows.push(("Verified at", ctx.verified_at.to_string()));
    d.fields(&rows, 34.0);
    d.y += 4.0;

    let h2 = Style::new(12.0, true, colour::TEXT);
    d.need(20.0);
    d.paragraph("Signers", h2);
    d.y += 1.0;
    let mut authors: Vec<_> = r.authors.iter().collect();
    authors.sort_by(|a, b| (&a.org, b.entries, &a.key).cmp(&(&b.org, a.entries, &b.key)));
    let rows: Vec<Row> = authors
        .iter()
        .map(|a| Row {
            cells: vec![
                a.status.clone(),
                a.org.clone(),
                a.fingerprint.clone(),
                a.entries.to_string(),
            ],
            mark: Some(match a.status.as_str() {
                "own" | "trusted" => colour::GOOD,
                "unknown" => colour::WARN,
                _ => colour::BAD,
            }),
        })
        .collect();
    d.table(
        &["Status", "Organisation", "Fingerprint", "Entries"],
        &[20.0, bw - 20.0 - 72.0 - 16.0, 72.0, 16.0],
        &rows,
    );
    d.y += 6.0;

    d.need(20.0);
    d.paragraph("Findings", h2);
    d.y += 1.0;
    if r.findings.is_empty() {
        d.paragraph(
            "None: every signature, hash, proof, hand-over and quantity checked out.",
            Style::new(9.5, false, colour::TEXT),
        );
    } else {
        let rows: Vec<Row> = r
            .findings
            .iter()
            .map(|f| {
                let (label, c) = severity_label(f.severity);
                let mut what = f.message.clone();
                if let Some(p) = &f.party {
                    what.push_str(&format!("\nParty: {p}"));
                }
                if let Some(e) = &f.event {
                    what.push_str(&format!("\nEvent: {e}"));
                }
                Row {
                    cells: vec![
                        label.into(),
                        format!(
                            "{}{}",
                            f.code,
                            f.line.map(|l| format!("\nline {l}")).unwrap_or_default()
                        ),
                        what,
                        f.action.clone(),
                    ],
                    mark: Some(c),
                }
            })
            .collect();
        d.table(
            &["Severity", "Code", "What was found", "What to do"],
            &[18.0, 32.0, (bw - 50.0) * 0.6, (bw - 50.0) * 0.4],
            &rows,
        );
        if r.more_findings > 0 {
            d.y += 2.0;
            d.paragraph(
                &format!(
                    "{} more findings are not listed: run `tradeseal bundle verify --json` for all of them.",
                    r.more_findings
                ),
                Style::new(9.0, false, colour::MUTED),
            );
        }
    }
    d.y += 6.0;
    d.paragraph(
        "Finding codes are explained in TradeSeal's docs/spec/findings.md. This report was produced offline from the bundle file named above; anyone with TradeSeal can verify the same file and get the same findings.",
        Style::new(8.0, false, colour::MUTED),
    );
    d.finish()
}

/// Writes the report of the bundle file `bundle` (whose SHA-256 is `sha256`) as a PDF
/// to `out`, all or nothing; `verifier` is the card of who verified, `at` when.
pub fn save_report_pdf(
    report: &BundleReport,
    bundle: &std::path::Path,
    sha256: &str,
    verifier: Option<&crate::identity::IdentityCard>,
    at: crate::Timestamp,
    page: PageSize,
    out: &std::path::Path,
) -> crate::Result<()> {
    let name = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = report_pdf(
        report,
        &ReportContext {
            file_name: &name,
            file_sha256: sha256,
            verifier: verifier.map(|c| (c.org.as_str(), c.fingerprint.as_str())),
            verified_at: &at.to_rfc3339(),
            page,
        },
    );
    crate::files::write_file(out, &bytes)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn count(r: &BundleReport, s: FindingSeverity) -> u64 {
    r.findings.iter().filter(|f| f.severity == s).count() as u64
}
