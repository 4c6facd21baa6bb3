//! Labels as ZPL II for Zebra thermal printers (203 dpi): one format (`^XA … ^XZ`) a
//! label, the QR code in the printer's own encoder (`^BQN`, model 2, level Q), the
//! text in its scalable font with UTF-8 (`^CI28`).

use super::issue::Label;
use super::layout::Layout;
use super::sheet::text_lines;
use std::fmt::Write as _;

/// Dots a millimetre at 203 dpi.
const DOTS: f32 = 8.0;

/// Field data with `^`, `~` and `\` written as hex escapes (`^FH\`).
fn field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '^' => out.push_str("\\5E"),
            '~' => out.push_str("\\7E"),
            '\\' => out.push_str("\\5C"),
            c => out.push(c),
        }
    }
    out
}

/// The ZPL of `labels` on `layout`'s label size.
pub fn zpl(layout: &Layout, product: Option<&str>, labels: &[Label]) -> String {
    let (w, h) = layout.label;
    let (wd, hd) = ((w * DOTS).round() as u32, (h * DOTS).round() as u32);
    let portrait = h > w * 1.2;
    let pad = 16;
    let mut out = String::with_capacity(labels.len() * 400);
    for l in labels {
        // The printer chooses the version; ours is the size to plan for.
        let modules = super::qr::encode(&l.uri).map(|s| s.width).unwrap_or(69) as u32 + 8;
        let room = if portrait { wd - 2 * pad } else { hd - 2 * pad };
        let mag = (room / modules).clamp(1, 10);
        let side = mag * modules;
        let _ = write!(
            out,
            "^XA^CI28^PW{wd}^LL{hd}^FO{},{}^BQN,2,{mag}^FH\\^FDQA,{}^FS",
            pad,
            pad,
            field(&l.uri)
        );
        let lines = text_lines(product, l);
        let (tx, mut ty, size) = if portrait {
            (pad, pad + side + 10, 40)
        } else {
            (pad + side + 8, pad + 4, (hd / 8).clamp(16, 40))
        };
        let width = if portrait {
            wd - 2 * pad
        } else {
            wd.saturating_sub(tx + pad)
        };
        for line in lines {
            let _ = write!(
                out,
                "^FO{tx},{ty}^A0N,{size},{size}^FB{width},1,0,L^FH\\^FD{}^FS",
                field(&line)
            );
            ty += size + size / 4;
        }
        out.push_str("^XZ\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(field("A^B~C\\D"), "A\\5EB\\7EC\\5CD");
    }
}
