//! Labels: issuance in the ledger, signatures, verification by the issuer and by a
//! partner, tampering, revocation.

use crate::{new_home, t};
use tradeseal_core::bundle::BundleVerdict;
use tradeseal_core::home::Home;
use tradeseal_core::identity::Signer;
use tradeseal_core::label::{self, issue, verify, Keys, Serials};
use tradeseal_core::ledger::Ledger;
use tradeseal_core::parties;
use tradeseal_core::Timestamp;

pub(crate) fn request(serials: Serials) -> label::Request<'static> {
    label::Request {
        gtin: "07701234000011",
        lot: "L2026-117",
        serials,
        resolver: "https://id.acme-coffee.example",
        product: Some("Café de Huila, 500 g"),
    }
}

pub(crate) fn codes(r: &label::LabelReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

pub(crate) fn check(uri: &str, l: &Ledger, org: &str) -> label::LabelReport {
    let keys = Keys::of(l, org).unwrap();
    verify::verify(uri, Some(l), Some(&keys))
}

fn partner() -> (tempfile::TempDir, Home, Signer) {
    crate::home_of("Customs Broker Ltd", None, 77)
}

#[test]
fn issued_labels_verify_for_the_issuer_and_tampering_is_caught() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let size = l.size().unwrap();
    let b = issue::issue(
        &mut l,
        &s,
        t(10),
        &request(Serials::Range {
            from: "000001".into(),
            to: "000024".into(),
        }),
    )
    .unwrap();
    assert_eq!((b.labels.len(), b.seq), (24, size));
    assert_eq!(l.size().unwrap(), size + 1, "one entry for the batch");
    let uri = &b.labels[4].uri;
    assert!(
        uri.starts_with(
            "https://id.acme-coffee.example/01/07701234000011/10/L2026-117/21/000005?k="
        ),
        "{uri}"
    );
    let r = check(uri, &l, "Acme Coffee Importers");
    assert_eq!(r.verdict, BundleVerdict::Verified, "{:?}", r.findings);
    assert_eq!(r.issuer.as_deref(), Some("Acme Coffee Importers"));
    assert_eq!(r.product.as_deref(), Some("Café de Huila, 500 g"));
    assert_eq!(r.serial.as_deref(), Some("000005"));

    // Another serial, lot or batch under the same signature: forged.
    for forged in [
        uri.replace("/21/000005", "/21/000006"),
        uri.replace("/10/L2026-117", "/10/L2026-118"),
        uri.replace(&format!("&b={}", b.seq), &format!("&b={}", b.seq + 1)),
    ] {
        assert_eq!(
            codes(&check(&forged, &l, "Acme")),
            ["label-signature"],
            "{forged}"
        );
    }
    // A signature of this key on a batch entry that is no batch (an honest key misused).
    let keys = Keys::of(&l, "Acme").unwrap();
    let bogus = issue::sign(
        &s,
        "https://id.acme-coffee.example",
        &tradeseal_core::gs1::Gtin::parse("07701234000011").unwrap(),
        &tradeseal_core::gs1::Lot::parse("L2026-117").unwrap(),
        vec![tradeseal_core::gs1::Serial::parse("999999").unwrap()],
        b.seq,
    );
    let r = verify::verify(&bogus[0].uri, Some(&l), Some(&keys));
    assert_eq!(codes(&r), ["label-batch"]);
    // Damaged or partial codes.
    assert_eq!(
        codes(&check(&uri[..uri.len() - 10], &l, "Acme")),
        ["label-query"]
    );
    assert_eq!(
        codes(&check(uri.split('?').next().unwrap(), &l, "Acme")),
        ["label-unsigned"]
    );
    assert_eq!(
        codes(&check("https://example.com/", &l, "Acme")),
        ["label-link"]
    );
}

#[test]
fn serials_are_issued_once_and_count_continues() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    issue::issue(&mut l, &s, t(1), &request(Serials::Next(10))).unwrap();
    let b = issue::issue(&mut l, &s, t(2), &request(Serials::Next(5))).unwrap();
    let serials: Vec<&str> = b.labels.iter().map(|x| x.link.serial.as_str()).collect();
    assert_eq!(serials, ["000011", "000012", "000013", "000014", "000015"]);
    let size = l.size().unwrap();
    let e = issue::issue(
        &mut l,
        &s,
        t(3),
        &request(Serials::Range {
            from: "000015".into(),
            to: "000020".into(),
        }),
    )
    .unwrap_err();
    assert!(e.to_string().contains("serial 000015"), "{e}");
    let e = issue::issue(
        &mut l,
        &s,
        t(3),
        &request(Serials::List(vec!["000003".into()])),
    )
    .unwrap_err();
    assert!(e.to_string().contains("was issued already"), "{e}");
    assert_eq!(l.size().unwrap(), size, "a refused batch records nothing");
    let long = label::Request {
        resolver: &format!("https://id.example.com/{}", "x".repeat(300)),
        ..request(Serials::Next(1))
    };
    let e = issue::issue(&mut l, &s, t(4), &long).unwrap_err();
    assert!(e.to_string().contains("shorten the resolver"), "{e}");
}

#[test]
fn a_partner_verifies_by_the_issuers_card_and_follows_its_standing() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = issue::issue(&mut l, &s, t(10), &request(Serials::Next(3))).unwrap();
    let uri = &b.labels[0].uri;

    let (_d2, broker, bs) = partner();
    let mut bl = broker.ledger().unwrap();
    assert_eq!(
        codes(&check(uri, &bl, "Customs Broker Ltd")),
        ["label-unknown-key"]
    );
    assert_eq!(
        verify::verify(uri, None, None).findings[0].code,
        "label-unknown-key",
        "no home, no keys"
    );
    let key = home.card().public_key.clone();
    bl.append(&bs, t(11), &[parties::add_entry(home.card()).unwrap()])
        .unwrap();
    let r = check(uri, &bl, "Customs Broker Ltd");
    assert_eq!(r.verdict, BundleVerdict::VerifiedWithWarnings);
    assert_eq!(codes(&r), ["signer-unknown", "label-batch-unchecked"]);
    assert_eq!(r.issuer.as_deref(), Some("Acme Coffee Importers"));
    bl.append(&bs, t(12), &[parties::trust_entry(&key).unwrap()])
        .unwrap();
    assert_eq!(codes(&check(uri, &bl, "x")), ["label-batch-unchecked"]);
    assert_eq!(check(uri, &bl, "x").verdict, BundleVerdict::Verified);
    let from = Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
    bl.append(
        &bs,
        t(13),
        &[parties::revoke_entry(&key, from, "key stolen").unwrap()],
    )
    .unwrap();
    let r = check(uri, &bl, "x");
    assert_eq!(r.verdict, BundleVerdict::Failed);
    assert!(codes(&r).contains(&"signer-revoked"), "{:?}", codes(&r));
}

fn render(
    layout: &str,
    n: u64,
) -> (
    tempfile::TempDir,
    Vec<u8>,
    Vec<label::Label>,
    Ledger,
    String,
) {
    let (d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let b = issue::issue(&mut l, &s, t(10), &request(Serials::Next(n))).unwrap();
    let layout = label::Layout::by_name(layout).unwrap();
    let r = label::sheet::render(&label::sheet::Sheet {
        layout,
        product: b.product.as_deref(),
        labels: &b.labels,
        date: t(10),
    })
    .unwrap();
    assert_eq!(r.pages, (n as usize).div_ceil(layout.per_page()));
    drop(home);
    (d, r.pdf, b.labels, l, "Acme Coffee Importers".into())
}

/// Every QR code zbar finds on the PDF's pages rendered at `dpi`, and the text.
pub(crate) fn decode_pdf(dir: &std::path::Path, pdf: &[u8], dpi: u32) -> (Vec<String>, String) {
    let path = dir.join("labels.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = poppler("pdftotext", &["-layout"], &path, "-");
    poppler(
        "pdftoppm",
        &["-r", &dpi.to_string(), "-gray", "-png"],
        &path,
        dir.join("page"),
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    let z = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .args(&pages)
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    let codes = String::from_utf8(z.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (codes, String::from_utf8(text.stdout).unwrap())
}

#[test]
fn a_printed_sheet_decodes_by_zbar_and_every_code_verifies() {
    let (d, pdf, labels, l, org) = render("a4-3x8", 30);
    let (mut codes, text) = decode_pdf(d.path(), &pdf, 200);
    codes.sort();
    let mut want: Vec<String> = labels.iter().map(|x| x.uri.clone()).collect();
    want.sort();
    assert_eq!(codes, want, "every label, once");
    for c in &codes {
        assert_eq!(check(c, &l, &org).verdict, BundleVerdict::Verified);
    }
    // TradeSeal's own reader finds them all too, page by page, in reading order.
    let path = d.path().join("labels.pdf");
    let ours = tradeseal_core::label::scan::decode_file(&path).unwrap();
    let pages: Vec<Option<u32>> = ours.iter().map(|(p, _)| *p).collect();
    assert_eq!(pages, [vec![Some(1); 24], vec![Some(2); 6]].concat());
    let in_order: Vec<String> = ours.into_iter().map(|(_, t)| t).collect();
    let issued: Vec<String> = labels.iter().map(|x| x.uri.clone()).collect();
    assert_eq!(in_order, issued);
    // The pages as pictures for the platform's print dialog: two pages, A4 at 150 dpi,
    // every code on them readable.
    let pngs = tradeseal_core::label::scan::pdf_pages_png(pdf.clone(), 150.0).unwrap();
    assert_eq!(pngs.len(), 2);
    let first = image::load_from_memory(&pngs[0]).unwrap();
    assert_eq!((first.width(), first.height()), (1240, 1753));
    let printed: Vec<String> = pngs
        .iter()
        .flat_map(|p| tradeseal_core::label::scan::decode_image(p).unwrap())
        .collect();
    assert_eq!(printed, issued);
    for s in [
        "Café de Huila, 500 g",
        "(01) 07701234000011",
        "(10) L2026-117",
        "(21) 000030",
    ] {
        assert!(text.contains(s), "{s} not in the text:\n{text}");
    }
}

/// Runs a poppler tool on `pdf` writing to `out` (`-`: standard output, returned).
fn poppler(
    tool: &str,
    args: &[&str],
    pdf: &std::path::Path,
    out: impl AsRef<std::ffi::OsStr>,
) -> std::process::Output {
    let o = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg(out)
        .output()
        .unwrap_or_else(|_| panic!("{tool} (poppler-utils) is installed"));
    assert!(
        o.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The first page of a PDF rendered in grey by pdftoppm at `dpi`.
pub(crate) fn first_page(pdf: &std::path::Path, dpi: u32) -> image::GrayImage {
    let prefix = pdf.with_extension("page");
    let dpi = dpi.to_string();
    poppler(
        "pdftoppm",
        &["-r", &dpi, "-gray", "-png", "-singlefile"],
        pdf,
        &prefix,
    );
    image::open(prefix.with_extension("page.png"))
        .unwrap()
        .to_luma8()
}

/// A "photograph" of part of a page: the quad `corners` (page pixels, clockwise from
/// top-left) seen in perspective on a `width` × `height` sensor, blurred, with a
/// glare spot and sensor noise.
pub(crate) fn photograph(
    page: &image::GrayImage,
    corners: [(f32, f32); 4],
    (width, height): (u32, u32),
) -> image::GrayImage {
    // Heckbert's square-to-quad projective map.
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = corners;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    let (a, b, c) = (x1 - x0 + g * x1, x3 - x0 + h * x3, x0);
    let (d, e, f) = (y1 - y0 + g * y1, y3 - y0 + h * y3, y0);
    let sample = |x: f32, y: f32| -> f32 {
        if x < 0.0 || y < 0.0 || x >= (page.width() - 1) as f32 || y >= (page.height() - 1) as f32 {
            return 255.0;
        }
        let (ix, iy) = (x as u32, y as u32);
        let (fx, fy) = (x - ix as f32, y - iy as f32);
        let p = |dx, dy| f32::from(page.get_pixel(ix + dx, iy + dy)[0]);
        p(0, 0) * (1.0 - fx) * (1.0 - fy)
            + p(1, 0) * fx * (1.0 - fy)
            + p(0, 1) * (1.0 - fx) * fy
            + p(1, 1) * fx * fy
    };
    let mut out = image::GrayImage::new(width, height);
    let mut seed = 12345u32;
    for v in 0..height {
        for u in 0..width {
            let (s, t) = (u as f32 / width as f32, v as f32 / height as f32);
            let w = g * s + h * t + 1.0;
            let x = (a * s + b * t + c) / w;
            let y = (d * s + e * t + f) / w;
            out.put_pixel(u, v, image::Luma([sample(x, y) as u8]));
        }
    }
    let blurred = image::imageops::blur(&out, 1.2);
    let (cx, cy) = (width as f32 * 0.7, height as f32 * 0.3);
    let size = width.min(height);
    image::GrayImage::from_fn(width, height, |u, v| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let noise = ((seed >> 16) % 41) as f32 - 20.0;
        let d2 = (u as f32 - cx).powi(2) + (v as f32 - cy).powi(2);
        let glare = 90.0 * (-d2 / (size as f32 * 0.15).powi(2)).exp();
        let p = f32::from(blurred.get_pixel(u, v)[0]) * 0.85 + 20.0 + glare + noise;
        image::Luma([p.clamp(0.0, 255.0) as u8])
    })
}

#[test]
fn codes_in_photographs_are_read_through_rotation_perspective_blur_glare_and_noise() {
    let (d, pdf, labels, l, org) = render("a4-3x8", 6);
    let path = d.path().join("sheet.pdf");
    std::fs::write(&path, &pdf).unwrap();
    // The sheet's own codes, read from the PDF.
    let on_pdf = tradeseal_core::label::scan::decode_file(&path).unwrap();
    assert_eq!(on_pdf.len(), 6);
    assert!(on_pdf.iter().all(|(page, _)| *page == Some(1)));
    let page = first_page(&path, 300);
    // The first label (top-left, 63.5 x 33.9 mm at 12.9 mm from the top), from a
    // camera turned by about 12 degrees and tilted.
    let px = |mm: f32| mm * 300.0 / 25.4;
    let (l0, t0, r0, b0) = (px(5.0), px(10.0), px(45.0), px(50.0));
    let turn = px(6.0);
    let corners = [
        (l0 + turn, t0),
        (r0, t0 + turn * 0.8),
        (r0 - turn * 1.2, b0),
        (l0, b0 - turn),
    ];
    let photo = photograph(&page, corners, (900, 900));
    for (name, format) in [
        ("photo.png", image::ImageFormat::Png),
        ("photo.jpg", image::ImageFormat::Jpeg),
    ] {
        let mut bytes = std::io::Cursor::new(Vec::new());
        photo.write_to(&mut bytes, format).unwrap();
        let found = tradeseal_core::label::scan::decode_image(bytes.get_ref()).unwrap();
        assert_eq!(found, [labels[0].uri.clone()], "{name}");
        let s = tradeseal_core::label::scan::check(
            None,
            &found[0],
            Some(&l),
            Some(&Keys::of(&l, &org).unwrap()),
        );
        assert_eq!(
            (s.kind.as_str(), s.verdict),
            ("label", BundleVerdict::Verified),
            "{}",
            s.summary
        );
    }
    // All six labels from further away (about 3.5 pixels a module), turned the other
    // way, as a JPEG.
    let (l0, t0, r0, b0) = (px(2.0), px(8.0), px(208.0), px(84.0));
    let turn = px(5.0);
    let corners = [
        (l0, t0 + turn),
        (r0 - turn, t0),
        (r0, b0 - turn),
        (l0 + turn, b0),
    ];
    let far = photograph(&page, corners, (1600, 600));
    let mut bytes = std::io::Cursor::new(Vec::new());
    far.write_to(&mut bytes, image::ImageFormat::Jpeg).unwrap();
    let mut found = tradeseal_core::label::scan::decode_image(bytes.get_ref()).unwrap();
    found.sort();
    let mut want: Vec<String> = labels.iter().map(|x| x.uri.clone()).collect();
    want.sort();
    assert_eq!(found, want);
}

/// The commands of a ZPL II stream, as a printer reads them: a caret or tilde, two
/// letters (`^A0` is `^A` with font `0`), then parameters up to the next caret or tilde.
fn zpl_commands(zpl: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let starts: Vec<usize> = zpl.match_indices(['^', '~']).map(|(i, _)| i).collect();
    for (k, &i) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(zpl.len());
        let cmd = &zpl[i..end];
        let name: String = cmd.chars().take(3).collect();
        out.push((
            name,
            cmd[3.min(cmd.len())..].trim_end_matches('\n').to_string(),
        ));
    }
    out
}

#[test]
fn zpl_is_made_of_well_formed_commands_and_escapes_field_data() {
    let (_d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let mut req = request(Serials::Next(3));
    // Characters ZPL gives meaning to, and text beyond Latin-1, in the product name.
    req.product = Some("Caf\u{e9} ^XZ~JA\\ 咖啡");
    req.lot = "L/1%x";
    let b = issue::issue(&mut l, &s, t(1), &req).unwrap();
    for layout in ["roll-4x6", "roll-62mm"] {
        let layout = label::layout::Layout::by_name(layout).unwrap();
        let zpl = label::zpl::zpl(layout, req.product, &b.labels);
        let cmds = zpl_commands(&zpl);
        let num = |p: &str| {
            p.split(',')
                .all(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit()))
        };
        let mut formats = 0;
        let mut open = false;
        let mut data_open = false;
        let mut qr = Vec::new();
        for (i, (name, params)) in cmds.iter().enumerate() {
            match name.as_str() {
                "^XA" => {
                    assert!(!open && params.is_empty(), "^XA inside a format");
                    open = true;
                }
                "^XZ" => {
                    assert!(open && !data_open && params.is_empty(), "^XZ out of place");
                    open = false;
                    formats += 1;
                }
                "^CI" => assert_eq!(params, "28", "UTF-8"),
                "^PW" | "^LL" => assert!(num(params), "{name}{params}"),
                "^FO" => assert!(
                    num(params) && params.split(',').count() == 2,
                    "{name}{params}"
                ),
                "^BQ" => {
                    // ^BQN,2,magnification: normal orientation, model 2, 1 to 10.
                    let p: Vec<&str> = params.split(',').collect();
                    assert!(p[0] == "N" && p[1] == "2", "{name}{params}");
                    let mag: u32 = p[2].parse().unwrap();
                    assert!((1..=10).contains(&mag), "{mag}");
                }
                "^A0" => {
                    let p: Vec<&str> = params.split(',').collect();
                    assert!(p[0] == "N" && num(&p[1..].join(",")), "{name}{params}");
                }
                "^FB" => {
                    let p: Vec<&str> = params.split(',').collect();
                    assert!(
                        p.len() == 4 && num(&p[..3].join(",")) && p[3] == "L",
                        "{name}{params}"
                    );
                }
                "^FH" => assert_eq!(params, "\\", "the hex escape is a backslash"),
                "^FD" => {
                    assert!(open && !data_open, "^FD out of place");
                    assert_eq!(cmds[i - 1].0, "^FH", "field data is always hex-escaped");
                    // Nothing in the data could be read as a command: ^ and ~ are
                    // escaped (the split above would have cut the field otherwise).
                    assert_eq!(cmds[i + 1].0, "^FS", "^FD ends with ^FS: {params}");
                    // Every backslash begins a two-digit hex escape.
                    let bs: Vec<usize> = params.match_indices('\\').map(|(k, _)| k).collect();
                    for k in bs {
                        assert!(
                            params[k + 1..].len() >= 2
                                && params.as_bytes()[k + 1].is_ascii_hexdigit()
                                && params.as_bytes()[k + 2].is_ascii_hexdigit(),
                            "{params}"
                        );
                    }
                    data_open = true;
                    if let Some(uri) = params.strip_prefix("QA,") {
                        qr.push(uri.to_string());
                    }
                }
                "^FS" => {
                    assert!(data_open, "^FS without ^FD");
                    data_open = false;
                }
                other => panic!("unexpected command {other}{params}"),
            }
        }
        assert!(!open, "a format is not closed");
        assert_eq!(formats, 3, "one format a label");
        // The QR data is each label's URI exactly (a URI has nothing to escape).
        let uris: Vec<&str> = b.labels.iter().map(|l| l.uri.as_str()).collect();
        assert_eq!(qr, uris);
        // The product name comes back from its escapes.
        assert!(zpl.contains("Caf\u{e9} \\5EXZ\\7EJA\\5C 咖啡"), "{zpl}");
    }
}

#[test]
fn label_sheets_print_chinese_japanese_and_korean_product_names() {
    let (d, home, s) = new_home();
    let mut l = home.ledger().unwrap();
    let mut req = request(Serials::Next(3));
    // DejaVu Sans has none of these; the CJK fallback draws them (they were empty boxes).
    req.product = Some("云南咖啡 コーヒー 커피 Café");
    let b = issue::issue(&mut l, &s, t(10), &req).unwrap();
    let r = label::sheet::render(&label::sheet::Sheet {
        layout: label::Layout::by_name("a4-2x7").unwrap(),
        product: b.product.as_deref(),
        labels: &b.labels,
        date: t(10),
    })
    .unwrap();
    let (codes, text) = decode_pdf(d.path(), &r.pdf, 300);
    assert_eq!(codes.len(), 3, "the codes still read");
    // pdftotext reads the name back through each font's ToUnicode map.
    assert_eq!(
        text.matches("云南咖啡 コーヒー 커피 Café").count(),
        3,
        "{text}"
    );
    // Both faces are embedded, and only where needed.
    let pdf = String::from_utf8_lossy(&r.pdf);
    assert!(
        pdf.contains("/TSLABC+DroidSansFallback")
            && pdf.contains("/TSLABL+DejaVuSans")
            && pdf.contains("/TSLABK+NanumSquareR")
    );
    let (_d2, latin, ..) = render("a4-3x8", 3);
    assert!(!String::from_utf8_lossy(&latin).contains("DroidSansFallback"));
    // pdffonts lists both as embedded subsets.
    let path = d.path().join("labels.pdf");
    let fonts = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    assert!(
        fonts.contains("DroidSansFallback")
            && fonts.lines().filter(|l| l.contains(" yes ")).count() >= 2,
        "{fonts}"
    );
}

#[test]
fn scanning_has_limits_it_names() {
    use tradeseal_core::label::scan;
    let dir = tempfile::tempdir().unwrap();
    // A PDF of more pages than are rendered: refused before rendering, with the count.
    let mut doc = tradeseal_core::pdf::Doc::new("many", tradeseal_core::pdf::PageSize::A4, "f");
    for _ in 0..=scan::MAX_PDF_PAGES {
        doc.new_page();
    }
    let many = dir.path().join("many.pdf");
    std::fs::write(&many, doc.finish()).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&many)
        .output()
        .unwrap();
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
        .unwrap();
    assert_eq!(pages, (scan::MAX_PDF_PAGES + 1).to_string());
    let e = scan::decode_file(&many).unwrap_err().to_string();
    assert!(
        e.contains(&format!("has {} pages", scan::MAX_PDF_PAGES + 1)) && e.contains("at most"),
        "{e}"
    );
    // A 200-byte PNG that claims 100,000 x 100,000 pixels (a decompression bomb).
    let mut png = Vec::new();
    png.extend_from_slice(&[0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']);
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc.sum().to_be_bytes());
    let e = scan::decode_image(&png).unwrap_err().to_string();
    assert!(e.contains("larger than 16000 x 16000 pixels"), "{e}");
}
