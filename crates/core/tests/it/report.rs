//! The PDF report of a bundle verification, read back by poppler's `pdftotext` and
//! `pdfinfo` (independent of the writer): verdict, signers, every finding, pages.

use tradeseal_core::bundle::{
    self, AuthorSummary, BundleFinding, BundleReport, BundleVerdict, FindingSeverity, Subject,
};
use tradeseal_core::i18n::Lang;
use tradeseal_core::pdf::PageSize;

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(&p)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (poppler-utils; scripts/setup.sh): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn report(findings: usize) -> BundleReport {
    BundleReport {
        verdict: BundleVerdict::Failed,
        subject: Some(Subject {
            kind: "lot".into(),
            id: "https://id.gs1.org/01/04012345123456/10/R-2026-031".into(),
        }),
        exporter: None,
        entries: 1200,
        events: 1100,
        authors: vec![
            AuthorSummary {
                key: "aa".repeat(32),
                org: "Cooperativa Agrícola São João".into(),
                fingerprint: "11111 22222 33333 44444 55555 66666".into(),
                status: "trusted".into(),
                entries: 700,
            },
            AuthorSummary {
                key: "bb".repeat(32),
                org: "ООО Кофе Импорт".into(),
                fingerprint: "77777 88888 99999 00000 12345 67890".into(),
                status: "revoked".into(),
                entries: 500,
            },
        ],
        findings: (0..findings)
            .map(|i| BundleFinding {
                code: format!("code-{i:03}"),
                severity: if i % 3 == 0 {
                    FindingSeverity::Error
                } else {
                    FindingSeverity::Warning
                },
                line: Some(10 + i as u64),
                party: Some("ООО Кофе Импорт (bbbbbbbbbbbbbbbb)".into()),
                event: None,
                field: None,
                message: format!("finding number {i}, with a message long enough to wrap across the column of the table at least once"),
                action: "ask the sender".into(),
            })
            .collect(),
        more_findings: 0,
        hops: vec![],
        handovers: vec![],
        verified_share: Some(0.5),
    }
}

fn pdf(r: &BundleReport, page: PageSize) -> Vec<u8> {
    pdf_in(r, page, Lang::EN)
}

fn pdf_in(r: &BundleReport, page: PageSize, lang: Lang) -> Vec<u8> {
    bundle::report_pdf(
        r,
        &bundle::ReportContext {
            file_name: "r031.tsbundle",
            file_sha256: &"ab".repeat(32),
            verifier: Some((
                "Acme Coffee Importers",
                "91733 58086 36692 08962 87918 96233",
            )),
            verified_at: "2026-11-24T10:00:00.000Z",
            page,
            lang,
        },
    )
}

#[test]
fn the_pdf_report_holds_the_verdict_signers_and_every_finding() {
    let r = report(3);
    let bytes = pdf(&r, PageSize::A4);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &bytes, &[]);
    assert!(
        text.contains("FAILED: the file of 04012345123456 lot R-2026-031"),
        "{text}"
    );
    // Unicode names, rendered with the embedded font and extracted back.
    assert!(text.contains("Cooperativa Agrícola São João"), "{text}");
    assert!(text.contains("ООО Кофе Импорт"), "{text}");
    assert!(text.contains("50 %"), "{text}");
    for f in &r.findings {
        assert!(text.contains(&f.code), "{} missing", f.code);
    }
    let info = poppler("pdfinfo", &bytes, &[]);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("(A4)"), "{info}");
    // The same report gives the same bytes.
    assert!(bytes == pdf(&r, PageSize::A4), "not deterministic");
}

#[test]
fn an_incomplete_chain_has_its_own_verdict_in_the_pdf() {
    let mut r = report(3);
    for f in &mut r.findings {
        if f.severity == FindingSeverity::Error {
            f.severity = FindingSeverity::Gap;
            f.code = "custody-gap".into();
        }
    }
    r.verdict = tradeseal_core::bundle::BundleVerdict::of(r.findings.iter().map(|f| f.severity));
    assert_eq!(r.verdict, BundleVerdict::Incomplete);
    let text = poppler("pdftotext", &pdf(&r, PageSize::A4), &[]);
    assert!(
        text.contains("INCOMPLETE: the file is intact and its signatures hold"),
        "{text}"
    );
    assert!(!text.contains("FAILED"), "{text}");
    assert!(text.contains("gaps: 1 "), "{text}");
}

#[test]
fn a_long_report_runs_over_pages_in_either_paper_size() {
    let r = report(60);
    let bytes = pdf(&r, PageSize::Letter);
    let info = poppler("pdfinfo", &bytes, &[]);
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{info}");
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    let text = poppler("pdftotext", &bytes, &[]);
    for f in &r.findings {
        assert!(text.contains(&f.code), "{} missing", f.code);
    }
    // The table header is repeated on each page, and each page is numbered.
    assert_eq!(text.matches("What was found").count() as u32, pages);
    assert!(text.contains(&format!("page {pages} of {pages}")));
}

/// The file digest the report quotes is the whole file's, also when verification
/// stopped early at a framing error.
#[test]
fn verify_file_digests_the_whole_file() {
    let dir = crate::epcis::root().join("tests/vectors/bundle");
    for name in [
        "valid.tsbundle",
        "truncated.tsbundle",
        "trailing-data.tsbundle",
    ] {
        let p = dir.join(name);
        let (_, sha) = bundle::verify_file(&p, None, &mut |_| true).unwrap();
        assert_eq!(sha, tradeseal_core::files::sha256_of(&p).unwrap(), "{name}");
    }
}

#[test]
fn korean_names_are_drawn_in_the_pdf() {
    // Droid Sans Fallback has 3 of the 11,172 Hangul syllables: Korean came out as
    // empty boxes until NanumSquare was added as the next fallback.
    let mut r = report(1);
    r.authors[1].org = "주식회사 한국커피 Kaffee 咖啡".into();
    let text = poppler("pdftotext", &pdf(&r, PageSize::A4), &[]);
    assert!(text.contains("주식회사 한국커피 Kaffee 咖啡"), "{text}");
}

#[test]
fn the_report_is_written_in_the_language_asked_for_with_findings_by_their_code() {
    let mut r = report(3);
    for (f, code) in r
        .findings
        .iter_mut()
        .zip(["entry-signature", "custody-gap", "signer-unknown"])
    {
        f.code = code.into();
    }
    let es = poppler(
        "pdftotext",
        &pdf_in(&r, PageSize::A4, Lang::parse("es").unwrap()),
        &[],
    );
    assert!(
        es.contains("FALLIDO: el archivo de 04012345123456 lote R-2026-031"),
        "{es}"
    );
    assert!(
        es.contains("Informe de verificación de procedencia"),
        "{es}"
    );
    assert!(es.contains("página 1 de "), "{es}");
    // Each finding by its code's text in Spanish, its own (English) message as the detail.
    for f in &r.findings {
        let meaning = Lang::parse("es").unwrap().finding(&f.code);
        let first_words: String = meaning
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            es.contains(&first_words),
            "{} in Spanish missing: {es}",
            f.code
        );
    }
    assert!(!es.contains("Provenance verification report"), "{es}");
    // Chinese, drawn with the embedded CJK font and read back.
    let zh = poppler(
        "pdftotext",
        &pdf_in(&r, PageSize::A4, Lang::parse("zh-CN").unwrap()),
        &[],
    );
    assert!(zh.contains("来源验证报告"), "{zh}");
    assert!(zh.contains("第 1 页，共 "), "{zh}");
}
