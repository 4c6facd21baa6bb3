//! Drawing PDF documents (with printpdf): A4 or Letter pages, text in the embedded
//! DejaVu Sans (assets/fonts) measured glyph by glyph so it wraps and aligns, filled
//! boxes and rules, tables that break across pages with their header repeated, and
//! QR codes drawn as vector squares. Reports are laid out top-down with a cursor.
//!
//! Deterministic: the same content gives the same bytes (no clock, fixed metadata).

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// Chinese and Japanese: drawn with this where DejaVu Sans has no glyph.
const CJK: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");
/// Korean (Hangul), which Droid Sans Fallback lacks: drawn with this where neither has.
const HANGUL: &[u8] = include_bytes!("../../../assets/fonts/NanumSquareR.ttf");

/// The fonts, parsed once per process.
pub(crate) fn parsed(which: usize) -> &'static ParsedFont {
    static FONTS: std::sync::OnceLock<[ParsedFont; 4]> = std::sync::OnceLock::new();
    &FONTS.get_or_init(|| {
        [REGULAR, BOLD, CJK, HANGUL].map(|b| {
            ParsedFont::from_bytes(b, 0, &mut Vec::new()).expect("the embedded font parses")
        })
    })[which]
}

/// Page sizes, in mm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageSize {
    A4,
    Letter,
}

impl PageSize {
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0, 297.0),
            PageSize::Letter => (215.9, 279.4),
        }
    }
}

/// Colours used by the documents.
pub mod colour {
    pub const TEXT: (f32, f32, f32) = (0.10, 0.12, 0.15);
    pub const MUTED: (f32, f32, f32) = (0.38, 0.42, 0.47);
    pub const RULE: (f32, f32, f32) = (0.80, 0.82, 0.85);
    pub const SHADE: (f32, f32, f32) = (0.94, 0.95, 0.96);
    pub const GOOD: (f32, f32, f32) = (0.09, 0.46, 0.22);
    pub const WARN: (f32, f32, f32) = (0.66, 0.42, 0.0);
    /// Incomplete: intact but unproven (deep orange, between a warning and a failure).
    pub const GAP: (f32, f32, f32) = (0.80, 0.30, 0.0);
    pub const BAD: (f32, f32, f32) = (0.72, 0.11, 0.11);
    pub const WHITE: (f32, f32, f32) = (1.0, 1.0, 1.0);
    pub const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
}

type Rgb3 = (f32, f32, f32);

fn rgb(c: Rgb3) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into_pt()
}

/// A text style: size in points, weight, colour.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: Rgb3,
}

impl Style {
    pub const fn new(size: f32, bold: bool, colour: Rgb3) -> Style {
        Style { size, bold, colour }
    }
}

struct Face {
    font: ParsedFont,
    id: FontId,
}

impl Face {
    fn has(&self, c: char) -> bool {
        self.font
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }

    fn advance(&self, c: char) -> f32 {
        let upem = f32::from(self.font.font_metrics.units_per_em.max(1));
        let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.font.get_horizontal_advance(gid)) / upem
    }
}

/// One page as drawn, for an on-screen preview of the PDF (mm from the top-left;
/// text sizes in points; colours `#rrggbb`).
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export_to = "bindings.ts")]
pub struct PreviewPage {
    pub width: f32,
    pub height: f32,
    pub items: Vec<PreviewItem>,
}

#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export_to = "bindings.ts")]
pub enum PreviewItem {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: String,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        colour: String,
    },
}

fn hex_colour(c: Rgb3) -> String {
    let b = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", b(c.0), b(c.1), b(c.2))
}

/// A document being drawn, one page at a time, with a cursor moving down the page.
pub struct Doc {
    /// What each finished page showed, and the page being drawn.
    preview: Vec<PreviewPage>,
    shown: Vec<PreviewItem>,
    doc: PdfDocument,
    regular: Face,
    bold: Face,
    cjk: Face,
    hangul: Face,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    size: PageSize,
    /// Distance of the cursor from the top of the page, mm.
    pub y: f32,
    pub margin: f32,
    /// Drawn at the foot of every page when the document is finished.
    footer: String,
    /// The language of the page numbers.
    lang: crate::i18n::Lang,
}

impl Doc {
    pub fn new(title: &str, size: PageSize, footer: &str) -> Doc {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.document_title = title.to_string();
        doc.metadata.info.creator = "TradeSeal".into();
        doc.metadata.info.producer = "TradeSeal (printpdf)".into();
        // Fixed font ids (printpdf's own are random), so the same document gives the
        // same bytes.
        let mut face = |which: usize, name: &str| {
            let font = parsed(which).clone();
            let id = FontId(name.into());
            doc.resources
                .fonts
                .map
                .insert(id.clone(), printpdf::PdfFont::new(font.clone()));
            Face { font, id }
        };
        let regular = face(0, "DEJAVUSANSREGULAR");
        let bold = face(1, "DEJAVUSANSBOLD");
        let cjk = face(2, "DROIDSANSFALLBACK");
        let hangul = face(3, "NANUMSQUARE");
        Doc {
            preview: Vec::new(),
            shown: Vec::new(),
            doc,
            regular,
            bold,
            cjk,
            hangul,
            pages: vec![],
            ops: vec![],
            size,
            y: 18.0,
            margin: 18.0,
            footer: footer.to_string(),
            lang: crate::i18n::Lang::EN,
        }
    }

    /// The language of the page numbers ("page 1 of 2").
    pub fn set_lang(&mut self, lang: crate::i18n::Lang) {
        self.lang = lang;
    }

    /// The document's creation date (metadata); without it, 1970-01-01.
    pub fn set_date(&mut self, t: crate::Timestamp) {
        if let Ok(d) =
            printpdf::OffsetDateTime::from_unix_timestamp(t.unix_millis().div_euclid(1000))
        {
            let info = &mut self.doc.metadata.info;
            info.creation_date = d;
            info.modification_date = d;
            info.metadata_date = d;
        }
    }

    pub fn page_width(&self) -> f32 {
        self.size.mm().0
    }

    pub fn page_height(&self) -> f32 {
        self.size.mm().1
    }

    /// Width between the margins.
    pub fn body_width(&self) -> f32 {
        self.page_width() - 2.0 * self.margin
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The face that draws `c`: the style's, else the CJK fallback, else the Hangul
    /// one, whichever first has a glyph (the style's when none has).
    fn face_for(&self, c: char, bold: bool) -> &Face {
        let f = self.face(bold);
        if f.has(c) {
            f
        } else if self.cjk.has(c) {
            &self.cjk
        } else if self.hangul.has(c) {
            &self.hangul
        } else {
            f
        }
    }

    /// `text` cut into runs each drawn by one face.
    fn runs<'a>(&'a self, text: &str, bold: bool) -> Vec<(&'a Face, String)> {
        let mut out: Vec<(&Face, String)> = Vec::new();
        for c in text.chars() {
            let f = self.face_for(c, bold);
            match out.last_mut() {
                Some((g, run)) if std::ptr::eq(*g, f) => run.push(c),
                _ => out.push((f, c.to_string())),
            }
        }
        out
    }

    /// The width of `text` in `style`, mm.
    pub fn width(&self, text: &str, style: Style) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| self.face_for(c, style.bold).advance(c))
            .sum();
        Mm::from(Pt(em * style.size)).0
    }

    /// `text` broken into lines no wider than `width` mm: at spaces where it can, inside
    /// long words where it must. Line breaks in the text are kept.
    pub fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // A word longer than the line: cut it.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, style) > width && piece.chars().count() > 1 {
                        let last = piece.pop().expect("non-empty");
                        out.push(std::mem::take(&mut piece));
                        piece.push(last);
                    }
                }
                line = piece;
            }
            out.push(line);
        }
        out
    }

    /// Line height for a style, mm.
    pub fn leading(style: Style) -> f32 {
        Mm::from(Pt(style.size * 1.3)).0
    }

    /// Draws one line of text with its top-left corner at (`x`, `top`) mm from the
    /// page's top-left.
    pub fn text_at(&mut self, x: f32, top: f32, text: &str, style: Style) {
        let baseline = top + Mm::from(Pt(style.size * 0.95)).0;
        self.shown.push(PreviewItem::Text {
            x,
            y: baseline,
            size: style.size,
            bold: style.bold,
            colour: hex_colour(style.colour),
            text: text.to_string(),
        });
        let y = self.page_height() - baseline;
        let mut x = x;
        let mut ops = Vec::new();
        for (face, run) in self.runs(text, style.bold) {
            let w = Mm::from(Pt(
                run.chars().map(|c| face.advance(c)).sum::<f32>() * style.size
            ))
            .0;
            ops.extend([
                Op::StartTextSection,
                Op::SetFillColor {
                    col: rgb(style.colour),
                },
                Op::SetFont {
                    font: PdfFontHandle::External(face.id.clone()),
                    size: Pt(style.size),
                },
                Op::SetTextCursor {
                    pos: Point { x: pt(x), y: pt(y) },
                },
                Op::ShowText {
                    items: vec![TextItem::Text(run)],
                },
                Op::EndTextSection,
            ]);
            x += w;
        }
        self.ops.extend(ops);
    }

    /// A filled rectangle; `top` from the page's top.
    pub fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Rgb3) {
        self.shown.push(PreviewItem::Rect {
            x,
            y: top,
            w,
            h,
            colour: hex_colour(colour),
        });
        let y = self.page_height() - top - h;
        self.ops.extend([
            Op::SetFillColor { col: rgb(colour) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(x),
                    y: pt(y),
                    width: pt(w),
                    height: pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
        ]);
    }

    /// A horizontal rule across the body at `top`.
    pub fn rule(&mut self, top: f32, colour: Rgb3) {
        self.shown.push(PreviewItem::Line {
            x1: self.margin,
            y1: top,
            x2: self.page_width() - self.margin,
            y2: top,
            colour: hex_colour(colour),
        });
        let y = pt(self.page_height() - top);
        let (x1, x2) = (pt(self.margin), pt(self.page_width() - self.margin));
        self.ops.extend([
            Op::SetOutlineColor { col: rgb(colour) },
            Op::SetOutlineThickness { pt: Pt(0.6) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point { x: x1, y },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point { x: x2, y },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A QR code as vector squares, its top-left at (`x`, `top`), `module` mm per
    /// module, with the quiet zone of 4 modules the standard asks for (white).
    pub fn qr(&mut self, x: f32, top: f32, module: f32, code: &qrcode::QrCode) {
        let n = code.width();
        let quiet = 4.0 * module;
        let side = n as f32 * module + 2.0 * quiet;
        self.fill(x, top, side, side, colour::WHITE);
        let colours = code.to_colors();
        for row in 0..n {
            // One rectangle per run of dark modules in the row.
            let mut col = 0;
            while col < n {
                if colours[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colours[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    self.fill(
                        x + quiet + start as f32 * module,
                        top + quiet + row as f32 * module,
                        (col - start) as f32 * module,
                        module,
                        colour::BLACK,
                    );
                } else {
                    col += 1;
                }
            }
        }
    }

    /// A section heading over a rule, kept with what follows it.
    pub fn heading(&mut self, text: &str) {
        self.need(14.0);
        self.y += 3.0;
        let m = self.margin;
        self.text_at(m, self.y, text, Style::new(12.0, true, colour::TEXT));
        self.y += 6.5;
        let y = self.y;
        self.rule(y, colour::RULE);
        self.y += 2.5;
    }

    /// Starts a new page (the cursor goes to the top margin).
    pub fn new_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        let (w, h) = self.size.mm();
        self.pages.push(PdfPage::new(Mm(w), Mm(h), ops));
        self.preview.push(PreviewPage {
            width: w,
            height: h,
            items: std::mem::take(&mut self.shown),
        });
        self.y = self.margin;
    }

    /// Makes room for `h` mm below the cursor, breaking the page if needed; true when
    /// a new page was started.
    pub fn need(&mut self, h: f32) -> bool {
        if self.y + h > self.page_height() - self.margin - 8.0 {
            self.new_page();
            return true;
        }
        false
    }

    /// A coloured band across the body at the cursor with `text` in bold white (a
    /// verdict, a seal); the cursor moves below it.
    pub fn band(&mut self, text: &str, size: f32, colour: Rgb3) {
        let style = Style::new(size, true, colour::WHITE);
        let (m, bw) = (self.margin, self.body_width());
        let lines = self.wrap(text, style, bw - 8.0);
        let lead = Doc::leading(style);
        let h = lines.len() as f32 * lead + 6.0;
        let y = self.y;
        self.fill(m, y, bw, h, colour);
        for (i, l) in lines.iter().enumerate() {
            self.text_at(m + 4.0, y + 3.0 + i as f32 * lead, l, style);
        }
        self.y += h;
    }

    /// A wrapped paragraph across the body, at the cursor.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let lines = self.wrap(text, style, self.body_width());
        let lead = Doc::leading(style);
        for l in lines {
            self.need(lead);
            let (x, y) = (self.margin, self.y);
            self.text_at(x, y, &l, style);
            self.y += lead;
        }
    }

    /// Label and value pairs in two columns.
    pub fn fields(&mut self, rows: &[(&str, String)], label_width: f32) {
        let label = Style::new(9.0, false, colour::MUTED);
        let value = Style::new(9.5, false, colour::TEXT);
        for (k, v) in rows {
            let lines = self.wrap(v, value, self.body_width() - label_width);
            let lead = Doc::leading(value);
            self.need(lead * lines.len() as f32);
            let (x, y) = (self.margin, self.y);
            self.text_at(x, y + 0.3, k, label);
            for (i, l) in lines.iter().enumerate() {
                self.text_at(x + label_width, y + i as f32 * lead, l, value);
            }
            self.y += lead * lines.len() as f32 + 0.8;
        }
    }

    /// A table: column widths in mm (summing to the body width), a header row repeated
    /// on each page, cells wrapped; `shade` colours a row's first cell (a severity).
    pub fn table(&mut self, header: &[&str], widths: &[f32], rows: &[Row]) {
        let head = Style::new(8.5, true, colour::TEXT);
        let cell = Style::new(8.5, false, colour::TEXT);
        let pad = 1.4;
        let lead = Doc::leading(cell);
        let draw_header = |d: &mut Doc| {
            let h = lead + 2.0 * pad;
            let (m, y, bw) = (d.margin, d.y, d.body_width());
            d.fill(m, y, bw, h, colour::SHADE);
            let mut x = m;
            for (t, w) in header.iter().zip(widths) {
                d.text_at(x + pad, y + pad, t, head);
                x += w;
            }
            d.y += h;
        };
        self.need(3.0 * lead);
        draw_header(self);
        for row in rows {
            let wrapped: Vec<Vec<String>> = row
                .cells
                .iter()
                .zip(widths)
                .map(|(c, w)| self.wrap(c, cell, w - 2.0 * pad))
                .collect();
            let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = n as f32 * lead + 2.0 * pad;
            if self.need(h) {
                draw_header(self);
            }
            let (m, y) = (self.margin, self.y);
            let mut x = m;
            for (i, (lines, w)) in wrapped.iter().zip(widths).enumerate() {
                let style = match (i, row.mark) {
                    (0, Some(c)) => Style::new(8.5, true, c),
                    _ => cell,
                };
                for (k, l) in lines.iter().enumerate() {
                    self.text_at(x + pad, y + pad + k as f32 * lead, l, style);
                }
                x += w;
            }
            self.y += h;
            let y = self.y;
            self.rule(y, colour::RULE);
        }
    }

    /// Finishes the document: every page gets its footer ("page i of n").
    pub fn finish(self) -> Vec<u8> {
        self.finish_with_preview().0
    }

    /// The PDF and what each of its pages shows.
    pub fn finish_with_preview(mut self) -> (Vec<u8>, Vec<PreviewPage>) {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.new_page();
        }
        let n = self.pages.len();
        let style = Style::new(7.5, false, colour::MUTED);
        let footer = self.footer.clone();
        let (w, h) = self.size.mm();
        let margin = self.margin;
        let pages = std::mem::take(&mut self.pages);
        let mut done = Vec::with_capacity(n);
        for (i, page) in pages.into_iter().enumerate() {
            let mut ops = page.ops;
            self.ops.clear();
            let top = h - margin + 2.0;
            self.text_at(margin, top, &footer, style);
            let label = self
                .lang
                .fill("pdf.page", &[("n", &(i + 1)), ("total", &n)]);
            let lw = self.width(&label, style);
            self.text_at(w - margin - lw, top, &label, style);
            ops.append(&mut self.ops);
            done.push(PdfPage::new(Mm(w), Mm(h), ops));
            let shown = std::mem::take(&mut self.shown);
            if let Some(p) = self.preview.get_mut(i) {
                p.items.extend(shown);
            }
        }
        let mut bytes = self
            .doc
            .with_pages(done)
            .save(&PdfSaveOptions::default(), &mut Vec::new());
        stable_id(&mut bytes);
        (bytes, self.preview)
    }
}

/// printpdf writes a random file identifier (`/ID[(…)(…)]` in the trailer); it is
/// replaced, at the same length, by one derived from the document's content, so the
/// same document gives the same bytes.
fn stable_id(bytes: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let Some(at) = bytes.windows(5).rposition(|w| w == b"/ID[(") else {
        return;
    };
    let start = at + 5;
    let Some(len) = bytes[start..].iter().position(|b| *b == b')') else {
        return;
    };
    let mut h = Sha256::new();
    h.update(&bytes[..at]);
    let digest = h.finalize();
    let id: Vec<u8> = digest
        .iter()
        .flat_map(|b| [b'A' + (b >> 4), b'A' + (b & 15)])
        .cycle()
        .take(len)
        .collect();
    bytes[start..start + len].copy_from_slice(&id);
    // The second identifier starts after ")(": the same value (an unmodified file).
    let second = start + len + 2;
    if bytes.get(start + len..second) == Some(b")(") && second + len <= bytes.len() {
        bytes[second..second + len].copy_from_slice(&id);
    }
}

/// One table row; `mark` colours its first cell.
pub struct Row {
    pub cells: Vec<String>,
    pub mark: Option<Rgb3>,
}
