//! Label stock (docs/spec/qr.md §4): sheets of die-cut labels and thermal rolls.

use crate::error::{Error, Result};

/// Where labels sit on a page, in mm from the page's top-left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub name: &'static str,
    pub what: &'static str,
    pub page: (f32, f32),
    pub cols: usize,
    pub rows: usize,
    pub label: (f32, f32),
    /// Top-left corner of the first label.
    pub origin: (f32, f32),
    /// Distance from one label's left (top) edge to the next one's.
    pub pitch: (f32, f32),
}

const IN: f32 = 25.4;

pub const LAYOUTS: &[Layout] = &[
    Layout {
        name: "a4-3x8",
        what: "A4, 3 x 8 labels of 63.5 x 33.9 mm (Avery L7159)",
        page: (210.0, 297.0),
        cols: 3,
        rows: 8,
        label: (63.5, 33.9),
        origin: (7.25, 12.9),
        pitch: (66.0, 33.9),
    },
    Layout {
        name: "a4-3x7",
        what: "A4, 3 x 7 labels of 63.5 x 38.1 mm (Avery L7160)",
        page: (210.0, 297.0),
        cols: 3,
        rows: 7,
        label: (63.5, 38.1),
        origin: (7.25, 15.15),
        pitch: (66.0, 38.1),
    },
    Layout {
        name: "a4-2x7",
        what: "A4, 2 x 7 labels of 99.1 x 38.1 mm (Avery L7163)",
        page: (210.0, 297.0),
        cols: 2,
        rows: 7,
        label: (99.1, 38.1),
        origin: (4.65, 15.15),
        pitch: (101.6, 38.1),
    },
    Layout {
        name: "letter-3x10",
        what: "US Letter, 3 x 10 labels of 2 5/8 x 1 in (Avery 5160)",
        page: (8.5 * IN, 11.0 * IN),
        cols: 3,
        rows: 10,
        label: (2.625 * IN, 1.0 * IN),
        origin: (0.1875 * IN, 0.5 * IN),
        pitch: (2.75 * IN, 1.0 * IN),
    },
    Layout {
        name: "roll-4x6",
        what: "thermal roll, one 4 x 6 in label a page",
        page: (4.0 * IN, 6.0 * IN),
        cols: 1,
        rows: 1,
        label: (4.0 * IN, 6.0 * IN),
        origin: (0.0, 0.0),
        pitch: (4.0 * IN, 6.0 * IN),
    },
    Layout {
        name: "roll-62mm",
        what: "62 mm continuous thermal roll, 62 x 29 mm a label",
        page: (62.0, 29.0),
        cols: 1,
        rows: 1,
        label: (62.0, 29.0),
        origin: (0.0, 0.0),
        pitch: (62.0, 29.0),
    },
];

impl Layout {
    pub fn by_name(name: &str) -> Result<&'static Layout> {
        LAYOUTS.iter().find(|l| l.name == name).ok_or_else(|| {
            let names: Vec<&str> = LAYOUTS.iter().map(|l| l.name).collect();
            Error::invalid(
                "layout",
                format!(
                    "{name:?} is not a layout: choose one of {}",
                    names.join(", ")
                ),
            )
        })
    }

    pub fn per_page(&self) -> usize {
        self.cols * self.rows
    }

    /// The top-left corner of label `i` of a page (row by row).
    pub fn cell(&self, i: usize) -> (f32, f32) {
        let (c, r) = (i % self.cols, i / self.cols);
        (
            self.origin.0 + c as f32 * self.pitch.0,
            self.origin.1 + r as f32 * self.pitch.1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sheet_fits_its_page() {
        for l in LAYOUTS {
            let (x, y) = l.cell(l.per_page() - 1);
            assert!(x + l.label.0 <= l.page.0 + 0.01, "{}", l.name);
            assert!(y + l.label.1 <= l.page.1 + 0.01, "{}", l.name);
            assert!(
                l.pitch.0 >= l.label.0 && l.pitch.1 >= l.label.1,
                "{}",
                l.name
            );
        }
        assert!(Layout::by_name("a4-9x9")
            .unwrap_err()
            .to_string()
            .contains("a4-3x8"));
    }
}
