//! Label sheets as PDF (docs/spec/qr.md §4), written directly: thousands of labels
//! in seconds and a few hundred bytes each.
//!
//! Each QR code is vector art: its rows are text in a Type 3 font whose 256 glyphs
//! are the 256 patterns of 8 modules (each a procedure filling rectangles), so a row
//! of a version 9 code is 7 bytes of a content stream instead of dozens of
//! rectangles. The human-readable text is DejaVu Sans, subset and embedded (Type 0,
//! Identity-H, with a ToUnicode map so that it can be searched and copied).

use super::issue::Label;
use super::layout::Layout;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use printpdf::{FontId, ParsedFont};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const PT: f32 = 72.0 / 25.4;

/// The object number of the QR font's first glyph procedure.
const GLYPHS: usize = 11;

/// What a sheet shows besides the code.
pub struct Sheet<'a> {
    pub layout: &'a Layout,
    pub product: Option<&'a str>,
    pub labels: &'a [Label],
    /// The document's date (metadata).
    pub date: Timestamp,
}

/// The PDF bytes and the largest QR version drawn.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub qr_version: i16,
}

/// A label's lines of text, as printed under or beside its code.
pub fn text_lines(product: Option<&str>, l: &Label) -> Vec<String> {
    let mut out = Vec::with_capacity(4);
    if let Some(p) = product {
        out.push(p.to_string());
    }
    out.push(format!("(01) {}", l.link.gtin));
    out.push(format!("(10) {}", l.link.lot.as_str()));
    out.push(format!("(21) {}", l.link.serial.as_str()));
    out
}

/// One face of the text: DejaVu Sans, or the CJK fallback (Droid Sans Fallback) for the
/// characters DejaVu lacks, as the other PDFs do (pdf.rs).
struct Face<'a> {
    parsed: &'a ParsedFont,
    upem: f32,
    /// Old glyph id to the subset's.
    map: BTreeMap<u16, u16>,
}

impl Face<'_> {
    fn of(parsed: &ParsedFont) -> Face<'_> {
        Face {
            parsed,
            upem: f32::from(parsed.font_metrics.units_per_em.max(1)),
            map: BTreeMap::new(),
        }
    }

    fn gid(&self, c: char) -> u16 {
        self.parsed.lookup_glyph_index(c as u32).unwrap_or(0)
    }

    fn has(&self, c: char) -> bool {
        self.gid(c) != 0
    }

    fn advance(&self, c: char) -> f32 {
        f32::from(self.parsed.get_horizontal_advance(self.gid(c))) / self.upem
    }
}

/// The faces of the text, in the order they are tried for a character: DejaVu Sans,
/// then the CJK fallback (Droid Sans Fallback), then Hangul (NanumSquare), as pdf.rs.
struct Font<'a> {
    faces: [Face<'a>; 3],
}

/// Each face's resource name in the page's font dictionary.
const FACE_NAMES: [&str; 3] = ["T", "C", "K"];

impl<'a> Font<'a> {
    fn new() -> Font<'static> {
        Font {
            faces: [
                Face::of(crate::pdf::parsed(0)),
                Face::of(crate::pdf::parsed(2)),
                Face::of(crate::pdf::parsed(3)),
            ],
        }
    }

    /// Which face draws `c`: the first that has a glyph, DejaVu Sans when none has.
    fn which(&self, c: char) -> usize {
        self.faces.iter().position(|f| f.has(c)).unwrap_or(0)
    }

    fn face(&self, c: char) -> &Face<'a> {
        &self.faces[self.which(c)]
    }

    /// Width of `text` at `size` pt, in pt.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.face(c).advance(c)).sum::<f32>() * size
    }

    /// `text` cut to `max` pt wide, with an ellipsis where it was cut.
    fn fit(&self, text: &str, size: f32, max: f32) -> String {
        if self.width(text, size) <= max {
            return text.to_string();
        }
        let mut s: String = text.to_string();
        while !s.is_empty() && self.width(&format!("{s}…"), size) > max {
            s.pop();
        }
        format!("{}…", s.trim_end())
    }

    /// `text` as runs of one face each: `/T size Tf <glyphs> Tj`, `/C` for the CJK face,
    /// `/K` for Hangul.
    fn show(&self, text: &str, size: f32, out: &mut String) {
        let mut run: Option<usize> = None;
        for c in text.chars() {
            let k = self.which(c);
            if run != Some(k) {
                if run.is_some() {
                    out.push_str("> Tj ");
                }
                let _ = write!(out, "/{} {size:.2} Tf <", FACE_NAMES[k]);
                run = Some(k);
            }
            let f = &self.faces[k];
            let g = f.map.get(&f.gid(c)).copied().unwrap_or(0);
            let _ = write!(out, "{g:04X}");
        }
        if run.is_some() {
            out.push_str("> Tj");
        }
    }
}

/// The subset of `face` for `chars`, and its glyph map set on the face.
fn subset_for(
    face: &mut Face<'_>,
    chars: impl Iterator<Item = char>,
) -> Result<printpdf::SubsetFont> {
    let mut glyphs: BTreeMap<u16, String> = BTreeMap::new();
    for c in chars {
        if let Some(g) = face.parsed.lookup_glyph_index(c as u32).filter(|g| *g != 0) {
            glyphs.entry(g).or_insert_with(|| c.to_string());
        }
    }
    let subset = printpdf::subset_font(face.parsed, &glyphs)
        .map_err(|e| Error::invalid("font", format!("the label font could not be subset: {e}")))?;
    face.map = subset
        .glyph_mapping
        .iter()
        .map(|(old, (new, _))| (*old, *new))
        .collect();
    Ok(subset)
}

/// Renders the labels, a page per `layout.per_page()` labels.
pub fn render(sheet: &Sheet) -> Result<Rendered> {
    use rayon::prelude::*;
    let layout = sheet.layout;
    if sheet.labels.is_empty() {
        return Err(Error::invalid("labels", "no label to print"));
    }
    // The characters the text needs, then a subset of each face.
    let mut chars: BTreeSet<char> = "0123456789()… ".chars().collect();
    chars.extend(sheet.product.unwrap_or("").chars());
    for l in sheet.labels {
        chars.extend(l.link.lot.as_str().chars());
        chars.extend(l.link.serial.as_str().chars());
    }
    let mut font = Font::new();
    let mut by_face: [Vec<char>; 3] = Default::default();
    for c in &chars {
        by_face[font.which(*c)].push(*c);
    }
    // DejaVu Sans always (the digits); the fallbacks only where the text needs them.
    let mut subsets: Vec<Option<printpdf::SubsetFont>> = Vec::with_capacity(3);
    for (k, cs) in by_face.into_iter().enumerate() {
        subsets.push(if k == 0 || !cs.is_empty() {
            Some(subset_for(&mut font.faces[k], cs.into_iter())?)
        } else {
            None
        });
    }

    let pages: Vec<&[Label]> = sheet.labels.chunks(layout.per_page()).collect();
    let drawn: Vec<(Vec<u8>, i16)> = pages
        .par_iter()
        .map(|labels| page(layout, sheet.product, labels, &font))
        .collect::<Result<_>>()?;
    let version = drawn.iter().map(|d| d.1).max().unwrap_or(0);

    let mut w = Writer::new();
    // 1 catalog, 2 pages, 3 QR font, 4 its glyph table, 5 text font and its parts
    // (5-9), 10 info, 11-266 the QR font's glyphs, 267 its ToUnicode map; where the
    // text needs them, the CJK and Hangul fonts (5 objects each); then each page and
    // its content.
    // Bounding boxes from the head tables: DejaVu Sans -1021 -463 1793 1232 of 2048;
    // Droid Sans Fallback and NanumSquare about 0 -150 1000 880 of 1000.
    const FACES: [(&str, &str); 3] = [
        ("TSLABL+DejaVuSans", "-499 -226 876 602"),
        ("TSLABC+DroidSansFallback", "0 -150 1000 880"),
        ("TSLABK+NanumSquareR", "0 -150 1000 880"),
    ];
    let mut next = GLYPHS + 257;
    let mut font_ids = [5usize, 0, 0];
    for k in 1..3 {
        if subsets[k].is_some() {
            font_ids[k] = next;
            next += 5;
        }
    }
    let first_page = next;
    let kids: Vec<String> = (0..drawn.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>".into());
    w.obj(
        2,
        format!(
            "<< /Type /Pages /Count {} /Kids [{}] >>",
            drawn.len(),
            kids.join(" ")
        ),
    );
    qr_font(&mut w, 3, 4);
    let mut fonts = "/Q 3 0 R".to_string();
    for (k, subset) in subsets.iter().enumerate() {
        if let Some(subset) = subset {
            text_font(&mut w, font_ids[k], &font.faces[k], subset, FACES[k]);
            let _ = write!(fonts, " /{} {} 0 R", FACE_NAMES[k], font_ids[k]);
        }
    }
    let title = format!(
        "Labels {} lot {}",
        sheet.labels[0].link.gtin,
        sheet.labels[0].link.lot.as_str()
    );
    w.obj(
        10,
        format!(
            "<< /Title {} /Creator (TradeSeal) /Producer (TradeSeal) /CreationDate (D:{}Z) >>",
            pdf_text(&title),
            sheet
                .date
                .to_rfc3339()
                .replace(['-', ':', 'T'], "")
                .get(..14)
                .unwrap_or("19700101000000")
        ),
    );
    let (pw, ph) = (layout.page.0 * PT, layout.page.1 * PT);
    for (i, (content, _)) in drawn.into_iter().enumerate() {
        let id = first_page + 2 * i;
        w.obj(
            id,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] /Contents {} 0 R /Resources << /Font << {fonts} >> >> >>",
                id + 1
            ),
        );
        w.stream(id + 1, "", &content, true);
    }
    Ok(Rendered {
        pdf: w.finish(1, 10),
        pages: pages.len(),
        qr_version: version,
    })
}

/// One page's content stream, deflated, and the largest QR version on it.
/// Where one label's parts go, in mm from the page's top-left.
struct Placed {
    /// The code's top-left (quiet zone included) and module.
    qx: f32,
    qtop: f32,
    module: f32,
    /// The text's left, first line's top, width, size (pt) and leading (mm).
    tx: f32,
    ttop: f32,
    tw: f32,
    size: f32,
    lead: f32,
}

fn place(layout: &Layout, i: usize, n: usize) -> Placed {
    let (x, top) = layout.cell(i);
    let (w, h) = layout.label;
    let pad = if w.min(h) < 40.0 { 1.5 } else { 6.0 };
    let portrait = h > w * 1.2;
    // The code with its 4-module quiet zone.
    let side = if portrait {
        (w - 2.0 * pad).min(h * 0.6)
    } else {
        (h - 2.0 * pad).min(w * 0.55)
    };
    let (qx, qtop) = if portrait {
        (x + (w - side) / 2.0, top + pad)
    } else {
        (x + pad, top + (h - side) / 2.0)
    };
    // The text: beside the code (landscape labels) or under it (portrait).
    let (tx, ttop, tw) = if portrait {
        (x + pad, qtop + side + 2.0, w - 2.0 * pad)
    } else {
        (qx + side + 1.0, top + pad + 1.0, w - side - 2.0 * pad - 1.0)
    };
    let size = (if portrait { 14.0 } else { (h / 33.9) * 7.0 }).min(12.0);
    Placed {
        qx,
        qtop,
        module: side / (n as f32 + 8.0),
        tx,
        ttop,
        tw,
        size,
        lead: size * 1.25 / PT,
    }
}

/// The baselines (mm from the top) of a label's text lines.
fn baselines(p: &Placed, lines: usize, product: bool) -> Vec<f32> {
    let mut y = p.ttop + p.size / PT;
    (0..lines)
        .map(|k| {
            let at = y;
            y += p.lead * if k == 0 && product { 1.15 } else { 1.0 };
            at
        })
        .collect()
}

fn page(
    layout: &Layout,
    product: Option<&str>,
    labels: &[Label],
    font: &Font,
) -> Result<(Vec<u8>, i16)> {
    let ph = layout.page.1;
    let mut s = String::with_capacity(labels.len() * 1400);
    let mut version = 0;
    for (i, l) in labels.iter().enumerate() {
        let code = super::qr::encode(&l.uri)?;
        version = version.max(code.version);
        let n = code.width;
        let p = place(layout, i, n);
        let ox = (p.qx + 4.0 * p.module) * PT;
        let oy = (ph - p.qtop - 4.0 * p.module) * PT;
        let m = p.module * PT;
        let _ = writeln!(
            s,
            "BT 0 g /Q 1 Tf 1 TL {m:.4} 0 0 {m:.4} {ox:.3} {oy:.3} Tm"
        );
        for y in 0..n {
            s.push('<');
            for v in code.row_bytes(y) {
                let _ = write!(s, "{v:02X}");
            }
            s.push_str(">'\n");
        }
        s.push_str("ET\n");
        let lines = text_lines(product, l);
        s.push_str("BT 0 g\n");
        for (line, y) in lines
            .iter()
            .zip(baselines(&p, lines.len(), product.is_some()))
        {
            let text = font.fit(line, p.size, p.tw * PT);
            let _ = write!(s, "1 0 0 1 {:.3} {:.3} Tm ", p.tx * PT, (ph - y) * PT);
            font.show(&text, p.size, &mut s);
            s.push('\n');
        }
        s.push_str("ET\n");
    }
    Ok((deflate(s.as_bytes()), version))
}

/// The first page of a sheet as the app draws it: each label's code (rows of hex, the
/// leftmost module in the top bit) and text, in mm from the page's top-left.
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct SheetPreview {
    pub width: f32,
    pub height: f32,
    pub labels: Vec<LabelPreview>,
    /// Labels in all, and pages.
    pub count: u32,
    pub pages: u32,
}

#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct LabelPreview {
    /// The label's outline.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The code: top-left of its first module, module size, modules a side, rows.
    pub qr_x: f32,
    pub qr_y: f32,
    pub module: f32,
    pub modules: u32,
    pub rows: Vec<String>,
    /// Text lines: baseline, size (pt), text as fitted.
    pub lines: Vec<PreviewLine>,
}

#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct PreviewLine {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

/// What the first page of `labels` on `layout` shows.
pub fn preview(layout: &Layout, product: Option<&str>, labels: &[Label]) -> Result<SheetPreview> {
    let font = Font::new();
    let mut out = Vec::new();
    for (i, l) in labels.iter().take(layout.per_page()).enumerate() {
        let code = super::qr::encode(&l.uri)?;
        let p = place(layout, i, code.width);
        let (x, y) = layout.cell(i);
        let lines = text_lines(product, l);
        let ys = baselines(&p, lines.len(), product.is_some());
        out.push(LabelPreview {
            x,
            y,
            w: layout.label.0,
            h: layout.label.1,
            qr_x: p.qx + 4.0 * p.module,
            qr_y: p.qtop + 4.0 * p.module,
            module: p.module,
            modules: code.width as u32,
            rows: (0..code.width)
                .map(|r| code.row_bytes(r).map(|b| format!("{b:02x}")).collect())
                .collect(),
            lines: lines
                .iter()
                .zip(ys)
                .map(|(t, y)| PreviewLine {
                    x: p.tx,
                    y,
                    size: p.size,
                    text: font.fit(t, p.size, p.tw * PT),
                })
                .collect(),
        });
    }
    Ok(SheetPreview {
        width: layout.page.0,
        height: layout.page.1,
        labels: out,
        count: labels.len() as u32,
        pages: labels.len().div_ceil(layout.per_page()) as u32,
    })
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6)
}

/// A PDF literal string (ASCII) or hex UTF-16 string (anything else).
fn pdf_text(s: &str) -> String {
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !b"()\\".contains(&b))
    {
        return format!("({s})");
    }
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// The Type 3 font of 8-module row patterns: code `v` fills the modules whose bits
/// are set, most significant first, each 1 x 1 glyph unit, advancing 8.
fn qr_font(w: &mut Writer, id: usize, procs: usize) {
    let mut diff = String::from("0");
    for v in 0..256 {
        let _ = write!(diff, " /g{v}");
    }
    let widths = vec!["8"; 256].join(" ");
    w.obj(
        id,
        format!(
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 8 1] /FontMatrix [1 0 0 1 0 0] /CharProcs {procs} 0 R /Encoding << /Type /Encoding /Differences [{diff}] >> /FirstChar 0 /LastChar 255 /Widths [{widths}] /Resources << >> /ToUnicode {} 0 R >>",
            GLYPHS + 256
        ),
    );
    // Text extraction reads the code's rows as spaces, not as 256 made-up characters.
    let spaces = vec!["<0020>"; 256].join(" ");
    let cmap = format!("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /TSQR def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n1 beginbfrange\n<00> <FF> [{spaces}]\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    w.stream(GLYPHS + 256, "", cmap.as_bytes(), false);
    let mut glyphs = String::from("<<");
    let mut body = Vec::new();
    for v in 0..256u32 {
        let mut g = String::from("8 0 d0\n");
        let mut bit = 0;
        while bit < 8 {
            if v & (0x80 >> bit) != 0 {
                let start = bit;
                while bit < 8 && v & (0x80 >> bit) != 0 {
                    bit += 1;
                }
                // Runs reach 0.05 into the module below (and, at the glyph's right
                // edge, the next glyph) so that rendering leaves no hairline seams.
                let w = (bit - start) as f32 + if bit == 8 { 0.05 } else { 0.0 };
                let _ = writeln!(g, "{start} -0.05 {w} 1.05 re");
            } else {
                bit += 1;
            }
        }
        if v != 0 {
            g.push_str("f\n");
        }
        let _ = write!(glyphs, " /g{v} {} 0 R", GLYPHS + v as usize);
        body.push((GLYPHS + v as usize, g));
    }
    glyphs.push_str(" >>");
    w.obj(procs, glyphs);
    for (i, g) in body {
        w.stream(i, "", g.as_bytes(), false);
    }
}

/// A text font: Type 0 over a CIDFontType2 subset (ids `id` to `id + 4`).
fn text_font(
    w: &mut Writer,
    id: usize,
    font: &Face,
    subset: &printpdf::SubsetFont,
    (name, bbox): (&str, &str),
) {
    let fm = &font.parsed.font_metrics;
    let k = 1000.0 / font.upem;
    let scaled = |v: f32| (v * k).round() as i32;
    let mut widths = String::new();
    for (old, (new, _)) in &subset.glyph_mapping {
        let adv = scaled(f32::from(font.parsed.get_horizontal_advance(*old)));
        let _ = write!(widths, "{new} [{adv}] ");
    }
    w.obj(
        id,
        format!("<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>", id + 1, id + 4),
    );
    w.obj(
        id + 1,
        format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {} 0 R /CIDToGIDMap /Identity /W [{widths}] >>", id + 2),
    );
    w.obj(
        id + 2,
        format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{bbox}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {} 0 R >>",
            scaled(fm.ascent),
            scaled(fm.descent),
            scaled(fm.cap_height.unwrap_or(fm.ascent * 0.7)),
            id + 3
        ),
    );
    w.stream(
        id + 3,
        &format!("/Length1 {}", subset.bytes.len()),
        &deflate(&subset.bytes),
        true,
    );
    let pairs: Vec<(u16, String)> = subset.glyph_mapping.values().cloned().collect();
    let tag = name.split('+').next().unwrap_or("TSLABL");
    let cmap = printpdf::generate_cmap_string(font.parsed, &FontId(tag.into()), &pairs);
    w.stream(id + 4, "", cmap.as_bytes(), false);
}

/// A PDF file written object by object.
struct Writer {
    buf: Vec<u8>,
    offsets: BTreeMap<usize, usize>,
}

impl Writer {
    fn new() -> Writer {
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
        Writer {
            buf,
            offsets: BTreeMap::new(),
        }
    }

    fn obj(&mut self, id: usize, body: String) {
        self.offsets.insert(id, self.buf.len());
        self.buf
            .extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    /// A stream; `dict` adds entries; `deflated` when the bytes are zlib data.
    fn stream(&mut self, id: usize, dict: &str, bytes: &[u8], deflated: bool) {
        self.offsets.insert(id, self.buf.len());
        let filter = if deflated {
            " /Filter /FlateDecode"
        } else {
            ""
        };
        self.buf.extend_from_slice(
            format!(
                "{id} 0 obj\n<< /Length {}{filter} {dict} >>\nstream\n",
                bytes.len()
            )
            .as_bytes(),
        );
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self, root: usize, info: usize) -> Vec<u8> {
        let max = self.offsets.keys().max().copied().unwrap_or(0);
        let xref = self.buf.len();
        let mut t = format!("xref\n0 {}\n0000000000 65535 f \n", max + 1);
        for i in 1..=max {
            match self.offsets.get(&i) {
                Some(o) => {
                    let _ = writeln!(t, "{o:010} 00000 n ");
                }
                None => t.push_str("0000000000 65535 f \n"),
            }
        }
        let id = crate::Hash::of(&self.buf).to_hex();
        let _ = write!(
            t,
            "trailer\n<< /Size {} /Root {root} 0 R /Info {info} 0 R /ID [<{}> <{}>] >>\nstartxref\n{xref}\n%%EOF\n",
            max + 1,
            &id[..32],
            &id[..32]
        );
        self.buf.extend_from_slice(t.as_bytes());
        self.buf
    }
}
