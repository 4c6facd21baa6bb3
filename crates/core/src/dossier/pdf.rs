//! The dossier as a PDF (A4 or Letter): declaration, parties, transport, valuation,
//! goods lines and the lots they ship, documents, and the seal with its QR code. Drawn
//! from a sealed file's disclosed fields: a withheld field reads "withheld".

use super::seal::pointer;
use super::sealed::{self, SealedFile};
use crate::i18n::Lang;
use crate::identity::utf8_qr;
use crate::pdf::{colour, Doc, PageSize, Row, Style};
use serde_json::Value;

struct View<'a> {
    doc: &'a Value,
    hidden: Vec<String>,
    /// "withheld" in the document's language.
    withheld: &'static str,
}

impl View<'_> {
    /// The text at `ptr`: the value, "withheld" where it or a field under it is hidden, or "–".
    fn get(&self, ptr: &str) -> String {
        match self.doc.pointer(ptr) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ if self.withheld(ptr) => self.withheld.into(),
            _ => "–".into(),
        }
    }

    fn withheld(&self, ptr: &str) -> bool {
        self.hidden
            .iter()
            .any(|h| h == ptr || h.starts_with(&format!("{ptr}/")))
    }

    fn len(&self, ptr: &str) -> usize {
        self.doc
            .pointer(ptr)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }
}

/// The present values joined by `sep` ("–" when none is).
fn join(parts: &[String], sep: &str) -> String {
    let present: Vec<&str> = parts
        .iter()
        .map(String::as_str)
        .filter(|p| *p != "–")
        .collect();
    if present.is_empty() {
        "–".into()
    } else {
        present.join(sep)
    }
}

fn unit(v: String, u: &str, withheld: &str) -> String {
    if v == "–" || v == withheld {
        v
    } else {
        format!("{v} {u}")
    }
}

/// A header total: as declared at `ptr`; when not declared, the sum of the lines'
/// `field`, said to be one, if every line gives it (none withheld); else "–".
fn total(v: &View<'_>, lang: Lang, ptr: &str, field: &str, u: &str) -> String {
    use super::decimal::Decimal;
    let declared = v.get(ptr);
    if declared != "–" {
        return if u.is_empty() {
            declared
        } else {
            unit(declared, u, v.withheld)
        };
    }
    let n = v.len("/lines");
    let mut sum = Decimal::from_int(0);
    for i in 0..n {
        let at = format!("/lines/{i}/{field}");
        let value = match v.doc.pointer(&at) {
            Some(Value::String(s)) => Decimal::parse(s),
            Some(Value::Number(x)) => x.as_i64().map(Decimal::from_int),
            _ => None,
        };
        match value {
            Some(d) => sum = sum + d,
            None if v.withheld(&at) => return v.withheld.into(),
            None => return "–".into(),
        }
    }
    if n == 0 {
        return "–".into();
    }
    let sum = if u.is_empty() {
        sum.to_string()
    } else {
        unit(sum.to_string(), u, v.withheld)
    };
    lang.fill("pdf.sumOfLines", &[("value", &sum)])
}

/// The PDF of a sealed (possibly redacted) dossier file.
pub fn dossier_pdf(file: &SealedFile, page: PageSize, lang: Lang) -> Vec<u8> {
    draw(file, page, lang).finish()
}

/// The PDF and what each page shows, for a preview on screen.
pub fn dossier_pdf_preview(
    file: &SealedFile,
    page: PageSize,
    lang: Lang,
) -> (Vec<u8>, Vec<crate::pdf::PreviewPage>) {
    draw(file, page, lang).finish_with_preview()
}

fn draw(file: &SealedFile, page: PageSize, lang: Lang) -> Doc {
    let t = |key: &str| lang.text(key);
    let v = View {
        doc: &file.dossier,
        hidden: file.hidden.iter().map(|(p, _)| pointer(p)).collect(),
        withheld: t("pdf.withheld"),
    };
    let lrn = v.get("/header/lrn");
    let id = v.get("/id");
    let version = v.get("/version");
    let title = lang.fill("pdf.dossier.title", &[("lrn", &lrn)]);
    let root = file
        .seal
        .entry
        .payload
        .get("root")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(16)
        .collect::<String>();
    let footer = lang.fill(
        "pdf.dossier.footer",
        &[("id", &id), ("version", &version), ("root", &root)],
    );
    let mut d = Doc::new(&title, page, &footer);
    d.set_lang(lang);
    if let Ok(t) = crate::Timestamp::parse_canonical(&file.seal.entry.time) {
        d.set_date(t);
    }
    let (m, bw) = (d.margin, d.body_width());
    d.text_at(
        m,
        d.y,
        t("pdf.dossier.heading"),
        Style::new(17.0, true, colour::TEXT),
    );
    d.y += 9.0;
    d.paragraph(
        &lang.fill(
            "pdf.dossier.subtitle",
            &[
                ("lrn", &lrn),
                ("id", &id),
                ("version", &version),
                ("type", &v.get("/header/declaration_type")),
                ("procedure", &v.get("/header/procedure")),
            ],
        ),
        Style::new(10.0, false, colour::MUTED),
    );
    d.y += 3.0;

    // The seal, in a band.
    let sealed_on = file.seal.entry.time.get(..10).unwrap_or("");
    let mut text = lang.fill(
        "pdf.dossier.sealedOn",
        &[
            ("date", &sealed_on),
            ("org", &file.seal.card.org),
            ("fingerprint", &file.seal.card.fingerprint),
        ],
    );
    if !file.hidden.is_empty() {
        text.push_str(". ");
        text.push_str(&lang.fill("pdf.dossier.withheldBand", &[("count", &file.hidden.len())]));
    }
    d.band(&text, 11.0, colour::GOOD);
    d.y += 4.0;

    d.heading(t("pdf.dossier.declaration"));
    let offices = ["declaration", "exit", "entry", "destination"]
        .iter()
        .filter(|o| {
            v.doc.pointer(&format!("/header/offices/{o}")).is_some()
                || v.withheld(&format!("/header/offices/{o}"))
        })
        .map(|o| {
            format!(
                "{} {}",
                t(&format!("pdf.dossier.office.{o}")),
                v.get(&format!("/header/offices/{o}"))
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    d.fields(
        &[
            (
                t("pdf.dossier.declarationType"),
                v.get("/header/declaration_type"),
            ),
            (t("pdf.dossier.procedure"), v.get("/header/procedure")),
            (t("pdf.dossier.lrn"), lrn.clone()),
            (t("pdf.dossier.entryNumber"), v.get("/header/entry_number")),
            (
                t("pdf.dossier.declarationDate"),
                v.get("/header/declaration_date"),
            ),
            (
                t("pdf.dossier.offices"),
                if offices.is_empty() {
                    "–".into()
                } else {
                    offices
                },
            ),
            (
                t("pdf.dossier.totalPackages"),
                total(&v, lang, "/header/total_packages", "packages", ""),
            ),
            (
                t("pdf.dossier.totalGross"),
                total(
                    &v,
                    lang,
                    "/header/total_gross_mass_kg",
                    "gross_mass_kg",
                    "kg",
                ),
            ),
        ],
        40.0,
    );

    d.heading(t("pdf.dossier.parties"));
    let mut rows = Vec::new();
    for role in ["exporter", "consignee", "declarant", "representative"] {
        let p = format!("/parties/{role}");
        if v.doc.pointer(&p).is_none() && !v.withheld(&p) {
            continue;
        }
        let address = [
            v.get(&format!("{p}/street")),
            v.get(&format!("{p}/postcode")),
            v.get(&format!("{p}/city")),
        ]
        .into_iter()
        .filter(|s| s != "–")
        .collect::<Vec<_>>()
        .join(", ");
        let ids = [
            ("EORI", v.get(&format!("{p}/eori"))),
            ("GLN", v.get(&format!("{p}/gln"))),
        ]
        .into_iter()
        .filter(|(_, x)| x != "–")
        .map(|(k, x)| format!("{k} {x}"))
        .collect::<Vec<_>>()
        .join("\n");
        rows.push(Row {
            cells: vec![
                t(&format!("pdf.dossier.role.{role}")).into(),
                v.get(&format!("{p}/name")),
                address,
                v.get(&format!("{p}/country")),
                ids,
            ],
            mark: None,
        });
    }
    d.table(
        &[
            t("pdf.dossier.role"),
            t("pdf.dossier.name"),
            t("pdf.dossier.address"),
            t("pdf.country"),
            t("pdf.dossier.identifiers"),
        ],
        &[28.0, 50.0, bw - 28.0 - 50.0 - 18.0 - 46.0, 18.0, 46.0],
        &rows,
    );

    d.heading(t("pdf.dossier.transport"));
    let containers = (0..v.len("/transport/containers"))
        .map(|i| {
            let seals = (0..v.len(&format!("/transport/containers/{i}/seals")))
                .map(|j| v.get(&format!("/transport/containers/{i}/seals/{j}")))
                .collect::<Vec<_>>()
                .join(", ");
            let number = v.get(&format!("/transport/containers/{i}/number"));
            if seals.is_empty() {
                number
            } else {
                lang.fill(
                    "pdf.dossier.containerSeals",
                    &[("number", &number), ("seals", &seals)],
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    d.fields(
        &[
            (
                t("pdf.dossier.modeAtBorder"),
                v.get("/transport/mode_at_border"),
            ),
            (
                t("pdf.dossier.means"),
                join(
                    &[
                        v.get("/transport/means"),
                        v.get("/transport/means_nationality"),
                    ],
                    ", ",
                ),
            ),
            (
                t("pdf.dossier.transportDocument"),
                v.get("/transport/transport_document"),
            ),
            (
                t("pdf.dossier.containers"),
                if containers.is_empty() {
                    "–".into()
                } else {
                    containers
                },
            ),
            (
                t("pdf.dossier.loadingUnloading"),
                format!(
                    "{} → {}",
                    v.get("/transport/loading_place"),
                    v.get("/transport/unloading_place")
                ),
            ),
            (
                t("pdf.dossier.dispatchDestination"),
                format!(
                    "{} → {}",
                    v.get("/transport/dispatch_country"),
                    v.get("/transport/destination_country")
                ),
            ),
        ],
        40.0,
    );

    d.heading(t("pdf.dossier.valuation"));
    d.fields(
        &[
            (
                t("pdf.dossier.incoterms"),
                format!(
                    "{} {}",
                    v.get("/valuation/incoterm"),
                    v.get("/valuation/incoterm_place")
                ),
            ),
            (t("pdf.dossier.currency"), v.get("/valuation/currency")),
            (
                t("pdf.dossier.totalInvoiced"),
                v.get("/valuation/total_invoiced"),
            ),
            (
                t("pdf.dossier.exchangeRate"),
                match (
                    v.get("/valuation/exchange_rate"),
                    v.get("/valuation/exchange_rate_date"),
                ) {
                    (rate, date) if rate != "–" && date != "–" => {
                        lang.fill("pdf.dossier.rateOf", &[("rate", &rate), ("date", &date)])
                    }
                    (rate, date) => join(&[rate, date], ""),
                },
            ),
            (t("pdf.dossier.freight"), v.get("/valuation/freight")),
            (t("pdf.dossier.insurance"), v.get("/valuation/insurance")),
        ],
        40.0,
    );

    d.heading(t("pdf.dossier.goods"));
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for i in 0..v.len("/lines") {
        let p = format!("/lines/{i}");
        let code = ["cn", "taric", "htsus"]
            .iter()
            .map(|k| (k, v.get(&format!("{p}/commodity/{k}"))))
            .filter(|(_, x)| x != "–")
            .map(|(k, x)| format!("\n{} {x}", k.to_uppercase()))
            .collect::<String>();
        let packages = (0..v.len(&format!("{p}/packages")))
            .map(|j| {
                format!(
                    "{} {}",
                    v.get(&format!("{p}/packages/{j}/number")),
                    v.get(&format!("{p}/packages/{j}/kind"))
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(Row {
            cells: vec![
                (i + 1).to_string(),
                v.get(&format!("{p}/description")),
                format!("HS {}{code}", v.get(&format!("{p}/commodity/hs"))),
                v.get(&format!("{p}/origin_country")),
                v.get(&format!("{p}/net_mass_kg")),
                v.get(&format!("{p}/gross_mass_kg")),
                if packages.is_empty() {
                    "–".into()
                } else {
                    packages
                },
                v.get(&format!("{p}/value")),
            ],
            mark: None,
        });
        for j in 0..v.len(&format!("{p}/items")) {
            let q = format!("{p}/items/{j}");
            items.push(Row {
                cells: vec![
                    (i + 1).to_string(),
                    crate::trace::label_in(&v.get(&format!("{q}/id")), lang),
                    format!(
                        "{} {}",
                        v.get(&format!("{q}/quantity")),
                        v.get(&format!("{q}/unit"))
                    ),
                ],
                mark: None,
            });
        }
    }
    let rest = bw - 8.0 - 22.0 - 13.0 - 17.0 - 17.0 - 20.0 - 22.0;
    d.table(
        &[
            "#",
            t("pdf.description"),
            t("pdf.dossier.commodity"),
            t("pdf.dossier.origin"),
            t("pdf.dossier.netKg"),
            t("pdf.dossier.grossKg"),
            t("pdf.dossier.packages"),
            t("pdf.dossier.value"),
        ],
        &[8.0, rest, 22.0, 13.0, 17.0, 17.0, 20.0, 22.0],
        &rows,
    );
    if !items.is_empty() {
        d.y += 2.0;
        d.paragraph(
            t("pdf.dossier.itemsNote"),
            Style::new(9.0, false, colour::MUTED),
        );
        d.table(
            &[
                t("pdf.line"),
                t("pdf.dossier.item"),
                t("pdf.dossier.quantity"),
            ],
            &[14.0, bw - 14.0 - 40.0, 40.0],
            &items,
        );
    }

    if v.len("/documents") > 0 {
        d.heading(t("pdf.dossier.documents"));
        let rows: Vec<Row> = (0..v.len("/documents"))
            .map(|i| {
                let p = format!("/documents/{i}");
                let file = match v.doc.pointer(&format!("{p}/file/name")) {
                    Some(_) => format!(
                        "{}\nSHA-256 {}",
                        v.get(&format!("{p}/file/name")),
                        v.get(&format!("{p}/file/sha256"))
                    ),
                    None => "–".into(),
                };
                let verification = v.get(&format!("{p}/verification"));
                let reference = if verification == "–" {
                    v.get(&format!("{p}/reference"))
                } else {
                    format!(
                        "{}\n{}",
                        v.get(&format!("{p}/reference")),
                        lang.fill("pdf.dossier.verification", &[("number", &verification)])
                    )
                };
                Row {
                    cells: vec![
                        v.get(&format!("{p}/code")),
                        reference,
                        v.get(&format!("{p}/date")),
                        file,
                    ],
                    mark: None,
                }
            })
            .collect();
        d.table(
            &[
                t("pdf.dossier.code"),
                t("pdf.dossier.reference"),
                t("pdf.dossier.date"),
                t("pdf.dossier.file"),
            ],
            &[22.0, 52.0, 24.0, bw - 98.0],
            &rows,
        );
    }

    // The seal and its QR code.
    d.heading(t("pdf.seal"));
    let qr = sealed::qr_text(&file.seal)
        .ok()
        .and_then(|t| utf8_qr(t.as_bytes(), qrcode::EcLevel::M));
    let module = 0.55;
    let side = qr
        .as_ref()
        .map_or(0.0, |c| (c.width() as f32 + 8.0) * module);
    d.need(side.max(40.0) + 4.0);
    let top = d.y;
    if let Some(code) = &qr {
        d.qr(m, top, module, code);
    }
    let x = m + side + 4.0;
    let s = Style::new(9.0, false, colour::TEXT);
    let bold = Style::new(9.0, true, colour::TEXT);
    let e = &file.seal.entry;
    let lines: Vec<(String, Style)> = vec![
        (t("pdf.dossier.scan").into(), bold),
        (
            lang.fill("pdf.dossier.signer", &[("org", &file.seal.card.org)]),
            s,
        ),
        (
            lang.fill(
                "pdf.dossier.fingerprintIs",
                &[("fingerprint", &file.seal.card.fingerprint)],
            ),
            s,
        ),
        (
            lang.fill("pdf.dossier.sealed", &[("time", &e.time), ("seq", &e.seq)]),
            s,
        ),
        (
            lang.fill(
                "pdf.dossier.root",
                &[(
                    "root",
                    &e.payload.get("root").and_then(Value::as_str).unwrap_or(""),
                )],
            ),
            s,
        ),
        (
            lang.fill(
                "pdf.dossier.fields",
                &[
                    (
                        "fields",
                        &e.payload.get("fields").and_then(Value::as_u64).unwrap_or(0),
                    ),
                    ("hidden", &file.hidden.len()),
                ],
            ),
            s,
        ),
        (
            t("pdf.dossier.compare").into(),
            Style::new(8.0, false, colour::MUTED),
        ),
    ];
    let mut y = top;
    for (text, st) in lines {
        for l in d.wrap(&text, st, bw - side - 4.0) {
            d.text_at(x, y, &l, st);
            y += Doc::leading(st);
        }
    }
    d.y = (top + side).max(y) + 4.0;
    if !file.hidden.is_empty() {
        d.paragraph(
            &lang.fill(
                "pdf.dossier.withheldList",
                &[("list", &v.hidden.join(", "))],
            ),
            Style::new(8.0, false, colour::MUTED),
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{total, View};
    use crate::i18n::Lang;
    use serde_json::json;

    /// The document's view in English, with `hidden` withheld.
    fn view<'a>(doc: &'a serde_json::Value, hidden: &[&str]) -> View<'a> {
        View {
            doc,
            hidden: hidden.iter().map(|h| h.to_string()).collect(),
            withheld: "withheld",
        }
    }

    #[test]
    fn a_total_not_declared_is_the_sum_of_the_lines_unless_one_is_missing_or_withheld() {
        let gross = |v: &View<'_>| {
            total(
                v,
                Lang::EN,
                "/header/total_gross_mass_kg",
                "gross_mass_kg",
                "kg",
            )
        };
        let packages = |v: &View<'_>| total(v, Lang::EN, "/header/total_packages", "packages", "");
        let doc = json!({"header": {}, "lines": [
            {"gross_mass_kg": "1224.00", "packages": 20},
            {"gross_mass_kg": "816.5", "packages": 14}
        ]});
        assert_eq!(gross(&view(&doc, &[])), "2040.50 kg (sum of the lines)");
        assert_eq!(packages(&view(&doc, &[])), "34 (sum of the lines)");
        let declared = json!({"header": {"total_packages": 40}, "lines": []});
        assert_eq!(packages(&view(&declared, &[])), "40");
        let partial = json!({"header": {}, "lines": [{"gross_mass_kg": "1"}, {}]});
        assert_eq!(
            gross(&view(&partial, &["/lines/1/gross_mass_kg"])),
            "withheld"
        );
        assert_eq!(gross(&view(&partial, &[])), "–");
    }
}
