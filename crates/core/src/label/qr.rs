//! QR symbols for labels, fast: the `qrcode` crate segments the text (the cheapest
//! mix of alphanumeric, numeric and byte modes), picks the smallest version and
//! computes the error correction; the mask is chosen here with the ISO/IEC 18004
//! penalty rules computed on bit rows (the crate's own scoring takes about 1.8 ms a
//! symbol, most of a sheet of labels; this takes a few microseconds).

use crate::error::{Error, Result};
use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{EcLevel, Version};

/// A QR symbol: `width` × `width` modules, dark where a bit is set (bit x of row y).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub width: usize,
    pub version: i16,
    pub mask: u8,
    rows: Vec<u128>,
}

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

impl Symbol {
    pub fn dark(&self, x: usize, y: usize) -> bool {
        self.rows[y] >> x & 1 == 1
    }

    /// Row `y` in bytes of 8 modules, the leftmost module in the most significant bit.
    pub fn row_bytes(&self, y: usize) -> impl Iterator<Item = u8> + '_ {
        let row = self.rows[y];
        (0..self.width.div_ceil(8)).map(move |k| {
            let chunk = (row >> (8 * k)) as u8;
            chunk.reverse_bits()
        })
    }
}

/// Encodes `text` at error correction level Q.
pub fn encode(text: &str) -> Result<Symbol> {
    let too_long = |e: qrcode::types::QrError| {
        Error::invalid(
            "label",
            format!("the text does not fit a QR code ({e}): shorten the resolver"),
        )
    };
    let bits = encode_auto(text.as_bytes(), EcLevel::Q).map_err(too_long)?;
    let version = bits.version();
    let Version::Normal(v) = version else {
        return Err(Error::invalid("label", "a Micro QR code was chosen"));
    };
    let width = version.width() as usize;
    // Rows are u128 with room for the 4-module padding of the finder rule.
    if width > 117 {
        return Err(Error::invalid(
            "label",
            "the text needs a QR version above 25: shorten the resolver",
        ));
    }
    let data = bits.into_bytes();
    let (encoded, ec) =
        qrcode::ec::construct_codewords(&data, version, EcLevel::Q).map_err(too_long)?;
    let mut canvas = Canvas::new(version, EcLevel::Q);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec);
    let mut best: Option<(u32, u8, Vec<u128>)> = None;
    for (i, m) in MASKS.iter().enumerate() {
        let mut c = canvas.clone();
        c.apply_mask(*m);
        let rows = rows_of(&c, width);
        let score = penalty(&rows, width);
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, i as u8, rows));
        }
    }
    let (_, mask, rows) = best.expect("eight masks");
    Ok(Symbol {
        width,
        version: v,
        mask,
        rows,
    })
}

fn rows_of(c: &Canvas, width: usize) -> Vec<u128> {
    (0..width)
        .map(|y| {
            (0..width).fold(0u128, |acc, x| {
                acc | (u128::from(c.get(x as i16, y as i16).is_dark()) << x)
            })
        })
        .collect()
}

fn transpose(rows: &[u128], width: usize) -> Vec<u128> {
    let mut cols = vec![0u128; width];
    for (y, r) in rows.iter().enumerate() {
        let mut bits = *r;
        while bits != 0 {
            let x = bits.trailing_zeros() as usize;
            cols[x] |= 1 << y;
            bits &= bits - 1;
        }
    }
    cols
}

/// The ISO/IEC 18004 (7.8.3) penalty of a masked symbol: runs of five or more, 2×2
/// blocks, finder-like 1:1:3:1:1 patterns with four light modules on a side, and the
/// dark share's distance from half.
fn penalty(rows: &[u128], width: usize) -> u32 {
    let full: u128 = if width == 128 {
        !0
    } else {
        (1u128 << width) - 1
    };
    let cols = transpose(rows, width);
    let mut score = 0u32;
    for line in rows.iter().chain(&cols) {
        score += runs(*line, width);
        score += 40 * finder_like(*line, width);
    }
    for pair in rows.windows(2) {
        let same_v = !(pair[0] ^ pair[1]) & full;
        let same_h = !(pair[0] ^ (pair[0] >> 1)) & (full >> 1);
        score += 3 * (same_v & (same_v >> 1) & same_h).count_ones();
    }
    let dark: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let total = (width * width) as u32;
    let k = (dark * 20).abs_diff(total * 10) / total;
    score + 10 * k
}

/// Rule 1 on one line: 3 + (length - 5) for each run of five or more.
fn runs(line: u128, width: usize) -> u32 {
    let mut score = 0;
    let mut x = 0;
    while x < width {
        let colour = line >> x & 1;
        let rest = if colour == 1 { !(line >> x) } else { line >> x };
        let len = (rest.trailing_zeros() as usize).min(width - x);
        if len >= 5 {
            score += 3 + (len - 5) as u32;
        }
        x += len;
    }
    score
}

/// Rule 3 on one line: occurrences of 1011101 with 0000 before or after it (outside
/// the symbol counts as light, as the quiet zone is).
fn finder_like(line: u128, width: usize) -> u32 {
    // Pad four light modules on each side: bit 4 + x is module x.
    let padded = line << 4;
    let span = width + 8;
    let mut count = 0;
    for at in 0..=span.saturating_sub(11) {
        let w = (padded >> at) & 0x7ff;
        // Bits from the left: w's bit 0 is the leftmost module of the window.
        if w == 0b000_0101_1101 || w == 0b101_1101_0000 {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_matches_the_crates_own_for_the_same_mask_and_scores_like_it() {
        let text = "HTTPS://ID.EXAMPLE.COM/01/09506000134352/10/ABC123/21/000042?k=AAAAAAAAAAAAA&b=7&s=ABCDEF234567";
        let s = encode(text).unwrap();
        let reference =
            qrcode::QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).unwrap();
        assert_eq!(s.width, reference.width());
        assert_eq!(Version::Normal(s.version), reference.version());
        // The same data under our mask: rebuild with the crate's canvas and compare.
        let bits = encode_auto(text.as_bytes(), EcLevel::Q).unwrap();
        let version = bits.version();
        let (d, e) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::Q).unwrap();
        let mut c = Canvas::new(version, EcLevel::Q);
        c.draw_all_functional_patterns();
        c.draw_data(&d, &e);
        c.apply_mask(MASKS[s.mask as usize]);
        assert_eq!(rows_of(&c, s.width), s.rows);
        // Row bytes: the leftmost module is the top bit.
        let first: Vec<u8> = s.row_bytes(0).collect();
        assert_eq!(first[0] >> 1, 0b111_1111, "the finder pattern's top edge");
    }

    /// ISO/IEC 18004 7.8.3 penalty counted the plain way, module by module on a grid of
    /// booleans, to check the bit-row version against. Rule 3 counts a 1:1:3:1:1 pattern
    /// once for each side with four light modules (as Nayuki's reference does; outside
    /// the symbol is light).
    fn plain_penalty(grid: &[Vec<bool>]) -> u32 {
        let n = grid.len();
        let at = |x: isize, y: isize| -> bool {
            x >= 0 && y >= 0 && (x as usize) < n && (y as usize) < n && grid[y as usize][x as usize]
        };
        let mut score = 0u32;
        for horizontal in [true, false] {
            let get = |i: usize, j: isize| {
                if horizontal {
                    at(j, i as isize)
                } else {
                    at(i as isize, j)
                }
            };
            for i in 0..n {
                // Rule 1: runs of five or more.
                let mut j = 0usize;
                while j < n {
                    let c = get(i, j as isize);
                    let mut k = j;
                    while k < n && get(i, k as isize) == c {
                        k += 1;
                    }
                    if k - j >= 5 {
                        score += 3 + (k - j - 5) as u32;
                    }
                    j = k;
                }
                // Rule 3: dark light dark dark dark light dark, four light on a side.
                for j in 0..n as isize {
                    let core = [true, false, true, true, true, false, true]
                        .iter()
                        .enumerate()
                        .all(|(d, want)| get(i, j + d as isize) == *want);
                    if !core {
                        continue;
                    }
                    if (1..=4).all(|d| !get(i, j - d)) {
                        score += 40;
                    }
                    if (7..11).all(|d| !get(i, j + d)) {
                        score += 40;
                    }
                }
            }
        }
        // Rule 2: 2x2 blocks of one colour.
        for y in 0..n - 1 {
            for x in 0..n - 1 {
                let c = grid[y][x];
                if grid[y][x + 1] == c && grid[y + 1][x] == c && grid[y + 1][x + 1] == c {
                    score += 3;
                }
            }
        }
        // Rule 4: 10 points for each full 5 % the dark share is away from 50 %.
        let dark = grid.iter().flatten().filter(|d| **d).count() as f64;
        let percent = dark * 100.0 / (n * n) as f64;
        score + 10 * ((percent - 50.0).abs() / 5.0).floor() as u32
    }

    fn texts() -> Vec<String> {
        // Label URIs of many lengths (so versions 2 to 10) and content mixes.
        (0..120)
            .map(|i| {
                let serial = format!("{:06}", i * 7919 % 1_000_000);
                let tail = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(1 + i % 4);
                match i % 3 {
                    0 => format!("HTTPS://ID.EXAMPLE.COM/01/09506000134352/10/L{i}/21/{serial}?k={}", &tail[..13 + i % 20]),
                    1 => format!("https://id.acme-coffee.example/01/07701234000011/10/L2026-{i}/21/{serial}?s={tail}"),
                    _ => format!("{}{serial}", "0123456789".repeat(1 + i % 9)),
                }
            })
            .collect()
    }

    #[test]
    fn every_masks_penalty_equals_a_plain_count_and_the_lowest_is_chosen() {
        for text in texts() {
            let s = encode(&text).unwrap();
            let bits = encode_auto(text.as_bytes(), EcLevel::Q).unwrap();
            let version = bits.version();
            let (d, e) =
                qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::Q).unwrap();
            let mut base = Canvas::new(version, EcLevel::Q);
            base.draw_all_functional_patterns();
            base.draw_data(&d, &e);
            let mut plain = Vec::new();
            for m in MASKS {
                let mut c = base.clone();
                c.apply_mask(m);
                let grid: Vec<Vec<bool>> = (0..s.width as i16)
                    .map(|y| (0..s.width as i16).map(|x| c.get(x, y).is_dark()).collect())
                    .collect();
                let p = plain_penalty(&grid);
                assert_eq!(
                    penalty(&rows_of(&c, s.width), s.width),
                    p,
                    "{text}, mask {m:?}"
                );
                plain.push(p);
            }
            let lowest = *plain.iter().min().unwrap();
            assert_eq!(plain[s.mask as usize], lowest, "{text}: {plain:?}");
        }
    }

    #[test]
    fn every_symbol_is_read_back_by_an_independent_decoder() {
        use image::{GrayImage, Luma};
        for text in texts().into_iter().step_by(4) {
            let s = encode(&text).unwrap();
            let (scale, quiet) = (4u32, 4u32);
            let side = (s.width as u32 + 2 * quiet) * scale;
            let img = GrayImage::from_fn(side, side, |x, y| {
                let (mx, my) = (x / scale, y / scale);
                let inside = mx >= quiet
                    && my >= quiet
                    && mx < quiet + s.width as u32
                    && my < quiet + s.width as u32;
                let dark = inside && s.dark((mx - quiet) as usize, (my - quiet) as usize);
                Luma([if dark { 0 } else { 255 }])
            });
            let mut png = Vec::new();
            img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            // rxing (a port of ZXing) reads it: the modules and the mask are right.
            let read = crate::label::scan::decode_image(&png).unwrap();
            assert_eq!(read, vec![text.clone()], "mask {}", s.mask);
        }
    }

    #[test]
    fn penalty_rules_count_what_the_standard_counts() {
        assert_eq!(runs(0b11111, 5), 3);
        assert_eq!(runs(0b1111111, 9), 5, "7 dark (5) and 2 light (none)");
        assert_eq!(runs(0, 6), 4);
        // 1011101 then four light modules, at the left edge (the quiet zone before it).
        assert_eq!(finder_like(0b1011101, 11), 2, "light on both sides");
        assert_eq!(
            finder_like(0b1011101 << 4 | 0b1111, 15),
            1,
            "light after only"
        );
    }
}
