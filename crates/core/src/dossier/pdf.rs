//! The dossier as a PDF (A4 or Letter): declaration, parties, transport, valuation,
//! goods lines and the lots they ship, documents, and the seal with its QR code. Drawn
//! from a sealed file's disclosed fields: a withheld field reads "withheld".

use super::seal::pointer;
use super::sealed::{self, SealedFile};
use crate::identity::utf8_qr;
use crate::pdf::{colour, Doc, PageSize, Row, Style};
use serde_json::Value;

struct View<'a> {
    doc: &'a Value,
    hidden: Vec<String>,
}

impl View<'_> {
    /// The text at `ptr`: the value, "withheld" where it or a field under it is hidden, or "–".
    fn get(&self, ptr: &str) -> String {
        match self.doc.pointer(ptr) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ if self.withheld(ptr) => "withheld".into(),
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

fn unit(v: String, u: &str) -> String {
    if v == "–" || v == "withheld" {
        v
    } else {
        format!("{v} {u}")
    }
}

/// A header total: as declared at `ptr`; when not declared, the sum of the lines'
/// `field`, said to be one, if every line gives it (none withheld); else "–".
fn total(v: &View<'_>, ptr: &str, field: &str, u: &str) -> String {
    use super::decimal::Decimal;
    let declared = v.get(ptr);
    if declared != "–" {
        return if u.is_empty() {
            declared
        } else {
            unit(declared, u)
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
            None if v.withheld(&at) => return "withheld".into(),
            None => return "–".into(),
        }
    }
    if n == 0 {
        return "–".into();
    }
    let sum = if u.is_empty() {
        sum.to_string()
    } else {
        unit(sum.to_string(), u)
    };
    format!("{sum} (sum of the lines)")
}

/// The PDF of a sealed (possibly redacted) dossier file.
pub fn dossier_pdf(file: &SealedFile, page: PageSize) -> Vec<u8> {
    draw(file, page).finish()
}

/// The PDF and what each page shows, for a preview on screen.
pub fn dossier_pdf_preview(
    file: &SealedFile,
    page: PageSize,
) -> (Vec<u8>, Vec<crate::pdf::PreviewPage>) {
    draw(file, page).finish_with_preview()
}

fn draw(file: &SealedFile, page: PageSize) -> Doc {
    let v = View {
        doc: &file.dossier,
        hidden: file.hidden.iter().map(|(p, _)| pointer(p)).collect(),
    };
    let lrn = v.get("/header/lrn");
    let id = v.get("/id");
    let version = v.get("/version");
    let title = format!("Customs dossier {lrn}");
    let footer = format!(
        "TradeSeal dossier {id} version {version} · sealed root {}…",
        &file
            .seal
            .entry
            .payload
            .get("root")
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(16)
            .collect::<String>()
    );
    let mut d = Doc::new(&title, page, &footer);
    if let Ok(t) = crate::Timestamp::parse_canonical(&file.seal.entry.time) {
        d.set_date(t);
    }
    let (m, bw) = (d.margin, d.body_width());
    d.text_at(
        m,
        d.y,
        "Customs dossier",
        Style::new(17.0, true, colour::TEXT),
    );
    d.y += 9.0;
    d.paragraph(
        &format!(
            "LRN {lrn} · dossier {id} version {version} · {} {}",
            v.get("/header/declaration_type"),
            v.get("/header/procedure")
        ),
        Style::new(10.0, false, colour::MUTED),
    );
    d.y += 3.0;

    // The seal, in a band.
    let sealed_on = file.seal.entry.time.get(..10).unwrap_or("");
    let mut text = format!(
        "Sealed on {sealed_on} by {} (fingerprint {})",
        file.seal.card.org, file.seal.card.fingerprint
    );
    if !file.hidden.is_empty() {
        text.push_str(&format!(
            ". {} field(s) withheld by the sender; the rest verifies against the seal",
            file.hidden.len()
        ));
    }
    d.band(&text, 11.0, colour::GOOD);
    d.y += 4.0;

    d.heading("Declaration");
    let offices = ["declaration", "exit", "entry", "destination"]
        .iter()
        .filter(|o| {
            v.doc.pointer(&format!("/header/offices/{o}")).is_some()
                || v.withheld(&format!("/header/offices/{o}"))
        })
        .map(|o| format!("{o} {}", v.get(&format!("/header/offices/{o}"))))
        .collect::<Vec<_>>()
        .join(" · ");
    d.fields(
        &[
            ("Declaration type", v.get("/header/declaration_type")),
            ("Procedure", v.get("/header/procedure")),
            ("Local reference", lrn.clone()),
            ("Entry number", v.get("/header/entry_number")),
            ("Declaration date", v.get("/header/declaration_date")),
            (
                "Customs offices",
                if offices.is_empty() {
                    "–".into()
                } else {
                    offices
                },
            ),
            (
                "Total packages",
                total(&v, "/header/total_packages", "packages", ""),
            ),
            (
                "Total gross mass",
                total(&v, "/header/total_gross_mass_kg", "gross_mass_kg", "kg"),
            ),
        ],
        40.0,
    );

    d.heading("Parties");
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
                role.into(),
                v.get(&format!("{p}/name")),
                address,
                v.get(&format!("{p}/country")),
                ids,
            ],
            mark: None,
        });
    }
    d.table(
        &["Role", "Name", "Address", "Country", "Identifiers"],
        &[28.0, 50.0, bw - 28.0 - 50.0 - 18.0 - 46.0, 18.0, 46.0],
        &rows,
    );

    d.heading("Transport");
    let containers = (0..v.len("/transport/containers"))
        .map(|i| {
            let seals = (0..v.len(&format!("/transport/containers/{i}/seals")))
                .map(|j| v.get(&format!("/transport/containers/{i}/seals/{j}")))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{}{}",
                v.get(&format!("/transport/containers/{i}/number")),
                if seals.is_empty() {
                    String::new()
                } else {
                    format!(" (seals {seals})")
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    d.fields(
        &[
            ("Mode at the border", v.get("/transport/mode_at_border")),
            (
                "Means",
                join(
                    &[
                        v.get("/transport/means"),
                        v.get("/transport/means_nationality"),
                    ],
                    ", ",
                ),
            ),
            ("B/L or AWB", v.get("/transport/transport_document")),
            (
                "Containers",
                if containers.is_empty() {
                    "–".into()
                } else {
                    containers
                },
            ),
            (
                "Loading → unloading",
                format!(
                    "{} → {}",
                    v.get("/transport/loading_place"),
                    v.get("/transport/unloading_place")
                ),
            ),
            (
                "Dispatch → destination",
                format!(
                    "{} → {}",
                    v.get("/transport/dispatch_country"),
                    v.get("/transport/destination_country")
                ),
            ),
        ],
        40.0,
    );

    d.heading("Valuation");
    d.fields(
        &[
            (
                "Incoterms 2020",
                format!(
                    "{} {}",
                    v.get("/valuation/incoterm"),
                    v.get("/valuation/incoterm_place")
                ),
            ),
            ("Invoice currency", v.get("/valuation/currency")),
            ("Total invoiced", v.get("/valuation/total_invoiced")),
            (
                "Exchange rate",
                join(
                    &[
                        v.get("/valuation/exchange_rate"),
                        v.get("/valuation/exchange_rate_date"),
                    ],
                    " of ",
                ),
            ),
            ("Freight", v.get("/valuation/freight")),
            ("Insurance", v.get("/valuation/insurance")),
        ],
        40.0,
    );

    d.heading("Goods");
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
                    crate::trace::label_of(&v.get(&format!("{q}/id"))),
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
            "Description",
            "Commodity",
            "Origin",
            "Net kg",
            "Gross kg",
            "Packages",
            "Value",
        ],
        &[8.0, rest, 22.0, 13.0, 17.0, 17.0, 20.0, 22.0],
        &rows,
    );
    if !items.is_empty() {
        d.y += 2.0;
        d.paragraph(
            "Lots, serials and logistic units shipped, as recorded in the signed ledger:",
            Style::new(9.0, false, colour::MUTED),
        );
        d.table(
            &["Line", "Item", "Quantity"],
            &[14.0, bw - 14.0 - 40.0, 40.0],
            &items,
        );
    }

    if v.len("/documents") > 0 {
        d.heading("Documents");
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
                        "{}\nverification {verification}",
                        v.get(&format!("{p}/reference"))
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
            &["Code", "Reference", "Date", "File"],
            &[22.0, 52.0, 24.0, bw - 98.0],
            &rows,
        );
    }

    // The seal and its QR code.
    d.heading("Seal");
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
        ("Scan the code with TradeSeal to check this seal offline.".into(), bold),
        (format!("Signer: {}", file.seal.card.org), s),
        (format!("Fingerprint: {}", file.seal.card.fingerprint), s),
        (format!("Sealed: {} (ledger entry {})", e.time, e.seq), s),
        (format!("Merkle root: {}", e.payload.get("root").and_then(Value::as_str).unwrap_or("")), s),
        (format!("Fields: {} ({} withheld)", e.payload.get("fields").and_then(Value::as_u64).unwrap_or(0), file.hidden.len()), s),
        ("Compare the fingerprint with the one you know for the signer. The full file (tradeseal dossier verify) proves every field.".into(), Style::new(8.0, false, colour::MUTED)),
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
            &format!("Withheld: {}", v.hidden.join(", ")),
            Style::new(8.0, false, colour::MUTED),
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{total, View};
    use serde_json::json;

    #[test]
    fn a_total_not_declared_is_the_sum_of_the_lines_unless_one_is_missing_or_withheld() {
        let doc = json!({"header": {}, "lines": [
            {"gross_mass_kg": "1224.00", "packages": 20},
            {"gross_mass_kg": "816.5", "packages": 14}
        ]});
        let v = View {
            doc: &doc,
            hidden: vec![],
        };
        assert_eq!(
            total(&v, "/header/total_gross_mass_kg", "gross_mass_kg", "kg"),
            "2040.50 kg (sum of the lines)"
        );
        assert_eq!(
            total(&v, "/header/total_packages", "packages", ""),
            "34 (sum of the lines)"
        );
        let declared = json!({"header": {"total_packages": 40}, "lines": []});
        let v = View {
            doc: &declared,
            hidden: vec![],
        };
        assert_eq!(total(&v, "/header/total_packages", "packages", ""), "40");
        let partial = json!({"header": {}, "lines": [{"gross_mass_kg": "1"}, {}]});
        let v = View {
            doc: &partial,
            hidden: vec!["/lines/1/gross_mass_kg".into()],
        };
        assert_eq!(
            total(&v, "/header/total_gross_mass_kg", "gross_mass_kg", "kg"),
            "withheld"
        );
        let v = View {
            doc: &partial,
            hidden: vec![],
        };
        assert_eq!(
            total(&v, "/header/total_gross_mass_kg", "gross_mass_kg", "kg"),
            "–"
        );
    }
}
