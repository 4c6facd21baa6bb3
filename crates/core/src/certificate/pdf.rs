//! The certificate as a PDF (A4 or Letter): issuer, subject, origin summary, seal
//! details and the QR code that carries all of it, signed, for offline verification.

use super::issue::Certificate;
use super::statement::{Statement, Subject};
use crate::i18n::Lang;
use crate::pdf::{colour, Doc, PageSize, PreviewPage, Row, Style};

/// Who issues: the organisation and its key's fingerprint.
pub struct Issuer<'a> {
    pub org: &'a str,
    pub fingerprint: &'a str,
}

/// The PDF of an issued certificate.
pub fn certificate_pdf(
    c: &Certificate,
    issuer: &Issuer<'_>,
    page: PageSize,
    lang: Lang,
) -> Vec<u8> {
    draw(&c.statement, issuer, Some(c), page, lang).finish()
}

/// The PDF and what its page shows; `None`: a preview of a certificate not yet issued
/// (no QR code, marked as a draft).
pub fn certificate_preview(
    statement: &Statement,
    issuer: &Issuer<'_>,
    c: Option<&Certificate>,
    page: PageSize,
    lang: Lang,
) -> (Vec<u8>, Vec<PreviewPage>) {
    draw(statement, issuer, c, page, lang).finish_with_preview()
}

fn country(code: &str) -> String {
    match rust_iso3166::from_alpha2(code) {
        Some(c) => format!("{} ({code})", c.name),
        None => code.to_string(),
    }
}

fn draw(
    st: &Statement,
    issuer: &Issuer<'_>,
    c: Option<&Certificate>,
    page: PageSize,
    lang: Lang,
) -> Doc {
    let t = |key: &str| lang.text(key);
    let title = match st.kind {
        super::statement::CertificateType::Origin => t("pdf.cert.origin"),
        super::statement::CertificateType::Authenticity => t("pdf.cert.authenticity"),
        super::statement::CertificateType::Existence => t("pdf.cert.existence"),
    };
    let number = c
        .map(|c| format!("{}/{}", c.claims.origin, c.claims.seq))
        .unwrap_or_else(|| t("pdf.cert.draftNumber").into());
    let footer = lang.fill("pdf.cert.footer", &[("title", &title), ("number", &number)]);
    let mut d = Doc::new(title, page, &footer);
    d.set_lang(lang);
    let issued = c.and_then(|c| {
        i64::try_from(c.claims.time_ms)
            .ok()
            .and_then(|ms| crate::Timestamp::from_unix_millis(ms).ok())
    });
    if let Some(t) = issued {
        d.set_date(t);
    }
    let (m, bw) = (d.margin, d.body_width());
    d.text_at(m, d.y, title, Style::new(22.0, true, colour::TEXT));
    d.y += 11.0;
    d.paragraph(
        &lang.fill(
            "pdf.cert.issuedBy",
            &[("org", &issuer.org), ("number", &number)],
        ),
        Style::new(10.0, false, colour::MUTED),
    );
    d.y += 3.0;
    match c {
        Some(_) => d.band(t("pdf.cert.signedBand"), 9.5, colour::GOOD),
        None => d.band(t("pdf.cert.draftBand"), 9.5, colour::WARN),
    }
    d.y += 2.0;

    d.heading(t("pdf.cert.subject"));
    match &st.subject {
        Subject::Lot(l) => {
            d.fields(
                &[
                    (
                        t("pdf.cert.product"),
                        l.product.clone().unwrap_or_else(|| "–".into()),
                    ),
                    (t("pdf.cert.gtin"), l.gtin.clone()),
                    (t("pdf.cert.lot"), l.lot.clone()),
                ],
                38.0,
            );
        }
        Subject::File(f) => {
            let mut rows = Vec::new();
            if let Some(title) = &f.title {
                rows.push((t("pdf.cert.fileTitle"), title.clone()));
            }
            if let Some(owner) = &f.owner {
                rows.push((t("pdf.cert.owner"), owner.clone()));
            }
            rows.push((t("pdf.cert.file"), f.name.clone()));
            rows.push((
                t("pdf.cert.size"),
                lang.fill("pdf.cert.sizeBytes", &[("bytes", &f.size)]),
            ));
            rows.push((t("pdf.cert.sha256"), f.sha256.clone()));
            d.fields(&rows, 38.0);
            d.y += 1.5;
            d.paragraph(
                t("pdf.cert.existenceNote"),
                Style::new(9.0, false, colour::MUTED),
            );
        }
        Subject::Dossier(x) => {
            d.fields(
                &[
                    (
                        t("pdf.cert.dossier"),
                        lang.fill(
                            "pdf.cert.dossierVersion",
                            &[("id", &x.id), ("version", &x.version)],
                        ),
                    ),
                    (
                        t("pdf.cert.exporter"),
                        x.exporter.clone().unwrap_or_else(|| "–".into()),
                    ),
                    (t("pdf.cert.sealedRoot"), x.root.clone()),
                    (
                        t("pdf.cert.sealEntry"),
                        lang.fill("pdf.cert.ledgerEntry", &[("seq", &x.seal)]),
                    ),
                ],
                38.0,
            );
            if !x.goods.is_empty() {
                d.y += 1.5;
                let rows: Vec<Row> = x
                    .goods
                    .iter()
                    .enumerate()
                    .map(|(i, g)| Row {
                        cells: vec![(i + 1).to_string(), g.hs.clone(), g.description.clone()],
                        mark: None,
                    })
                    .collect();
                d.table(
                    &[t("pdf.line"), "HS", t("pdf.description")],
                    &[14.0, 24.0, bw - 38.0],
                    &rows,
                );
            }
        }
    }

    if let Some(o) = &st.origin {
        origin(&mut d, o, lang);
    }

    d.heading(t("pdf.seal"));
    let Some(c) = c else {
        return d;
    };
    let code = qrcode::QrCode::with_error_correction_level(c.text.as_bytes(), qrcode::EcLevel::Q)
        .expect("a certificate payload fits a QR code");
    // About 70 mm wide whatever the version, never under 0.4 mm a module.
    let module = (70.0 / (code.width() as f32 + 8.0)).max(0.4);
    let side = (code.width() as f32 + 8.0) * module;
    d.need(side + 4.0);
    let top = d.y;
    d.qr(m, top, module, &code);
    let x = m + side + 5.0;
    let s = Style::new(9.0, false, colour::TEXT);
    let bold = Style::new(9.5, true, colour::TEXT);
    let muted = Style::new(8.0, false, colour::MUTED);
    let when = i64::try_from(c.claims.time_ms)
        .ok()
        .and_then(|ms| crate::Timestamp::from_unix_millis(ms).ok())
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    let lines: Vec<(String, Style)> = vec![
        (t("pdf.cert.scan").into(), bold),
        (lang.fill("pdf.cert.issuer", &[("org", &issuer.org)]), s),
        (
            lang.fill(
                "pdf.cert.keyFingerprint",
                &[("fingerprint", &issuer.fingerprint)],
            ),
            s,
        ),
        (lang.fill("pdf.cert.issued", &[("time", &when)]), s),
        (
            lang.fill("pdf.cert.ledger", &[("origin", &c.claims.origin)]),
            s,
        ),
        (lang.fill("pdf.cert.entry", &[("seq", &c.claims.seq)]), s),
        (t("pdf.cert.codeHolds").into(), muted),
    ];
    let mut y = top;
    for (text, st) in lines {
        for l in d.wrap(&text, st, bw - side - 5.0) {
            d.text_at(x, y, &l, st);
            y += Doc::leading(st);
        }
    }
    d.y = (top + side).max(y) + 4.0;
    d
}

/// The origin summary of a certificate of goods.
fn origin(d: &mut Doc, o: &super::statement::OriginSummary, lang: Lang) {
    let t = |key: &str| lang.text(key);
    let bw = d.body_width();
    d.heading(t("pdf.cert.origin.heading"));
    let countries = if o.countries.is_empty() {
        "–".to_string()
    } else {
        o.countries
            .iter()
            .map(|c| country(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    d.fields(
        &[
            (t("pdf.cert.countries"), countries),
            (
                t("pdf.cert.verifiedOrigins"),
                lang.fill(
                    "pdf.cert.verifiedOriginsText",
                    &[("verified", &o.verified), ("origins", &o.origins)],
                ),
            ),
            (
                t("pdf.cert.parties"),
                if o.parties.is_empty() {
                    "–".into()
                } else {
                    o.parties.join(", ")
                },
            ),
        ],
        38.0,
    );
    if !o.places.is_empty() {
        d.y += 1.5;
        let rows: Vec<Row> = o
            .places
            .iter()
            .map(|p| Row {
                cells: vec![
                    p.name.clone(),
                    p.country
                        .as_deref()
                        .map(country)
                        .unwrap_or_else(|| "–".into()),
                    p.produced.clone().unwrap_or_else(|| "–".into()),
                ],
                mark: None,
            })
            .collect();
        d.table(
            &[
                t("pdf.cert.place"),
                t("pdf.country"),
                t("pdf.cert.produced"),
            ],
            &[bw - 80.0, 52.0, 28.0],
            &rows,
        );
    }
}
