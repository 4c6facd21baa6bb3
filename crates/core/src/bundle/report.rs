//! The verification report for people: the one-line verdict a broker understands, and
//! the same report as a PDF to file with the shipment (`bundle verify --report`, the
//! app's "Save report").

use super::verify::{BundleReport, BundleVerdict, FindingSeverity};
use crate::i18n::Lang;
use crate::pdf::{colour, Doc, PageSize, Row, Style};
use crate::trace;

/// The verdict in one line: `VERIFIED: the chain of … is intact and signed by parties
/// you trust`.
pub fn headline(r: &BundleReport) -> String {
    headline_in(r, Lang::EN)
}

/// The verdict in one line, in `lang`.
pub fn headline_in(r: &BundleReport, lang: Lang) -> String {
    let key = match r.verdict {
        BundleVerdict::Verified => "pdf.report.verified",
        BundleVerdict::VerifiedWithWarnings => "pdf.report.verifiedWithWarnings",
        BundleVerdict::Incomplete => "pdf.report.incomplete",
        BundleVerdict::Failed => "pdf.report.failed",
    };
    lang.fill(key, &[("goods", &subject_label(r, lang))])
}

fn subject_label(r: &BundleReport, lang: Lang) -> String {
    r.subject
        .as_ref()
        .map(|s| trace::label_in(&s.id, lang))
        .unwrap_or_else(|| lang.text("pdf.report.unknownGoods").into())
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
    pub lang: Lang,
}

fn severity_label(s: FindingSeverity, lang: Lang) -> (&'static str, (f32, f32, f32)) {
    let (key, c) = match s {
        FindingSeverity::Error => ("pdf.report.severity.error", colour::BAD),
        FindingSeverity::Gap => ("pdf.report.severity.gap", colour::GAP),
        FindingSeverity::Warning => ("pdf.report.severity.warning", colour::WARN),
        FindingSeverity::Info => ("pdf.report.severity.info", colour::MUTED),
    };
    (lang.text(key), c)
}

/// The report as a PDF document (A4 or Letter, as many pages as the findings need), in
/// `ctx.lang`: every finding by its code's text in that language (in English, the
/// finding's own message and action, which name the specifics; elsewhere those follow
/// as the detail).
pub fn report_pdf(r: &BundleReport, ctx: &ReportContext<'_>) -> Vec<u8> {
    let lang = ctx.lang;
    let t = |key: &str| lang.text(key);
    let goods = subject_label(r, lang);
    let title = lang.fill("pdf.report.title", &[("goods", &goods)]);
    let footer = lang.fill(
        "pdf.report.footer",
        &[
            ("version", &env!("CARGO_PKG_VERSION")),
            ("sha", &&ctx.file_sha256[..16.min(ctx.file_sha256.len())]),
        ],
    );
    let mut d = Doc::new(&title, ctx.page, &footer);
    d.set_lang(lang);
    if let Ok(t) = crate::Timestamp::parse_canonical(ctx.verified_at) {
        d.set_date(t);
    }
    let (m, bw) = (d.margin, d.body_width());

    d.text_at(
        m,
        d.y,
        t("pdf.report.heading"),
        Style::new(17.0, true, colour::TEXT),
    );
    d.y += 9.0;
    let sub = Style::new(10.0, false, colour::MUTED);
    d.paragraph(&goods, sub);
    d.y += 3.0;

    // The verdict, in a coloured band.
    let band = match r.verdict {
        BundleVerdict::Verified => colour::GOOD,
        BundleVerdict::VerifiedWithWarnings => colour::WARN,
        BundleVerdict::Incomplete => colour::GAP,
        BundleVerdict::Failed => colour::BAD,
    };
    d.band(&headline_in(r, lang), 11.5, band);
    d.y += 5.0;

    let more = if r.more_findings > 0 {
        lang.fill("pdf.report.notListed", &[("count", &r.more_findings)])
    } else {
        String::new()
    };
    let mut rows: Vec<(&str, String)> = vec![
        (t("pdf.report.goods"), goods.clone()),
        (
            t("pdf.report.goodsId"),
            r.subject.as_ref().map(|s| s.id.clone()).unwrap_or_default(),
        ),
        (t("pdf.report.bundleFile"), ctx.file_name.to_string()),
        (t("pdf.report.fileSha"), ctx.file_sha256.to_string()),
        (
            t("pdf.report.contents"),
            lang.fill(
                "pdf.report.contentsText",
                &[
                    ("entries", &r.entries),
                    ("events", &r.events),
                    ("signers", &r.authors.len()),
                ],
            ),
        ),
        (
            t("pdf.report.findings"),
            lang.fill(
                "pdf.report.findingsText",
                &[
                    ("errors", &count(r, FindingSeverity::Error)),
                    ("gaps", &count(r, FindingSeverity::Gap)),
                    ("warnings", &count(r, FindingSeverity::Warning)),
                    ("infos", &count(r, FindingSeverity::Info)),
                ],
            ) + &more,
        ),
    ];
    if let Some(share) = r.verified_share {
        rows.push((
            t("pdf.report.verifiedOrigin"),
            lang.fill(
                "pdf.report.verifiedOriginText",
                &[("percent", &format!("{:.0}", share * 100.0))],
            ),
        ));
    }
    rows.push((
        t("pdf.report.verifiedBy"),
        match ctx.verifier {
            Some((org, fp)) => lang.fill(
                "pdf.report.verifier",
                &[("org", &org), ("fingerprint", &fp)],
            ),
            None => t("pdf.report.noVerifier").into(),
        },
    ));
    rows.push((t("pdf.report.verifiedAt"), ctx.verified_at.to_string()));
    d.fields(&rows, 34.0);
    d.y += 4.0;

    let h2 = Style::new(12.0, true, colour::TEXT);
    d.need(20.0);
    d.paragraph(t("pdf.report.signers"), h2);
    d.y += 1.0;
    let mut authors: Vec<_> = r.authors.iter().collect();
    authors.sort_by(|a, b| (&a.org, b.entries, &a.key).cmp(&(&b.org, a.entries, &b.key)));
    let rows: Vec<Row> = authors
        .iter()
        .map(|a| Row {
            cells: vec![
                match a.status.as_str() {
                    s @ ("own" | "trusted" | "unknown" | "distrusted" | "revoked") => {
                        t(&format!("pdf.report.status.{s}")).into()
                    }
                    other => other.into(),
                },
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
        &[
            t("pdf.report.status"),
            t("pdf.report.organisation"),
            t("pdf.fingerprint"),
            t("pdf.report.entries"),
        ],
        &[20.0, bw - 20.0 - 72.0 - 16.0, 72.0, 16.0],
        &rows,
    );
    d.y += 6.0;

    d.need(20.0);
    d.paragraph(t("pdf.report.findings"), h2);
    d.y += 1.0;
    if r.findings.is_empty() {
        d.paragraph(t("pdf.report.none"), Style::new(9.5, false, colour::TEXT));
    } else {
        let rows: Vec<Row> = r
            .findings
            .iter()
            .map(|f| {
                let (label, c) = severity_label(f.severity, lang);
                let (mut what, action) = if lang == Lang::EN {
                    (f.message.clone(), f.action.clone())
                } else {
                    (
                        format!(
                            "{}\n{}",
                            lang.finding(&f.code),
                            lang.fill("pdf.report.detail", &[("detail", &f.message)])
                        ),
                        lang.finding_action(&f.code).to_string(),
                    )
                };
                if let Some(p) = &f.party {
                    what.push('\n');
                    what.push_str(&lang.fill("pdf.report.party", &[("party", p)]));
                }
                if let Some(e) = &f.event {
                    what.push('\n');
                    what.push_str(&lang.fill("pdf.report.event", &[("event", e)]));
                }
                let at = f
                    .line
                    .map(|l| format!("\n{}", lang.fill("pdf.report.atLine", &[("line", &l)])))
                    .unwrap_or_default();
                Row {
                    cells: vec![label.into(), format!("{}{at}", f.code), what, action],
                    mark: Some(c),
                }
            })
            .collect();
        d.table(
            &[
                t("pdf.report.severity"),
                t("pdf.report.code"),
                t("pdf.report.what"),
                t("pdf.report.do"),
            ],
            &[18.0, 32.0, (bw - 50.0) * 0.6, (bw - 50.0) * 0.4],
            &rows,
        );
        if r.more_findings > 0 {
            d.y += 2.0;
            d.paragraph(
                &lang.fill("pdf.report.more", &[("count", &r.more_findings)]),
                Style::new(9.0, false, colour::MUTED),
            );
        }
    }
    d.y += 6.0;
    d.paragraph(
        t("pdf.report.closing"),
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
    lang: Lang,
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
            lang,
        },
    );
    crate::files::write_file(out, &bytes)
}

fn count(r: &BundleReport, s: FindingSeverity) -> u64 {
    r.findings.iter().filter(|f| f.severity == s).count() as u64
}
