//! Exact decimal amounts for customs arithmetic: money, masses and rates are written
//! as decimal strings and added without binary floating point.

use std::cmp::Ordering;
use std::fmt;

/// `mantissa / 10^scale`. At most 18 integer and 9 fraction digits.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

pub const MAX_SCALE: u32 = 9;

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `123`, `-4.50`, `0.001`: digits with an optional sign and one decimal point
    /// (no exponent, no grouping, no leading `+`).
    pub fn parse(s: &str) -> Option<Decimal> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty()
            || !ok(int)
            || !ok(frac)
            || (digits.contains('.') && frac.is_empty())
            || int.len() > 18
            || frac.len() > MAX_SCALE as usize
        {
            return None;
        }
        let mut m: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m * 10 + (b - b'0') as i128;
        }
        Some(Decimal {
            mantissa: if neg { -m } else { m },
            scale: frac.len() as u32,
        })
    }

    pub fn from_int(n: i64) -> Decimal {
        Decimal {
            mantissa: n as i128,
            scale: 0,
        }
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    fn rescaled(&self, scale: u32) -> i128 {
        self.mantissa * 10i128.pow(scale - self.scale)
    }

    /// Rounded to `places` fraction digits, half away from zero.
    pub fn round(self, places: u32) -> Decimal {
        if self.scale <= places {
            return self;
        }
        let div = 10i128.pow(self.scale - places);
        let q = self.mantissa / div;
        let r = self.mantissa % div;
        let q = if r.abs() * 2 >= div {
            q + self.mantissa.signum()
        } else {
            q
        };
        Decimal {
            mantissa: q,
            scale: places,
        }
    }

    /// The decimal a stored binary float stands for: its shortest round-trip text
    /// (`0.1`, not 0.1000000000000000055…), rounded to 9 fraction digits if longer.
    pub fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let s = f.to_string();
        match s.split_once('.') {
            Some((_, frac)) if frac.len() > MAX_SCALE as usize => {
                Decimal::parse(&format!("{f:.9}"))
            }
            _ => Decimal::parse(&s),
        }
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }
}

impl std::ops::Add for Decimal {
    type Output = Decimal;
    fn add(self, other: Decimal) -> Decimal {
        let scale = self.scale.max(other.scale);
        Decimal {
            mantissa: self.rescaled(scale) + other.rescaled(scale),
            scale,
        }
    }
}

impl std::ops::Sub for Decimal {
    type Output = Decimal;
    fn sub(self, other: Decimal) -> Decimal {
        self + Decimal {
            mantissa: -other.mantissa,
            scale: other.scale,
        }
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Decimal {}
impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.rescaled(scale).cmp(&other.rescaled(scale))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let m = self.mantissa.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{m}");
        }
        let div = 10u128.pow(self.scale);
        write!(
            f,
            "{sign}{}.{:0width$}",
            m / div,
            m % div,
            width = self.scale as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_only_plain_decimals() {
        for ok in ["0", "12", "-4.50", "0.001", "999999999999999999.123456789"] {
            assert_eq!(d(ok).to_string(), ok, "{ok}");
        }
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "+1",
            "1e3",
            "1,5",
            "1 000",
            "0x10",
            "1.2.3",
            "1.0000000001",
            "1234567890123456789",
        ] {
            assert!(Decimal::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn adds_compares_and_rounds_exactly() {
        assert_eq!((d("0.1") + d("0.2")), d("0.3"));
        assert_eq!((d("0.1") + d("0.2")).to_string(), "0.3");
        assert_eq!((d("10") - d("0.01")).to_string(), "9.99");
        assert!(d("2.5") > d("2.49"));
        assert_eq!(d("1.00"), d("1"));
        assert_eq!(d("2.345").round(2).to_string(), "2.35");
        assert_eq!(d("2.344").round(2).to_string(), "2.34");
        assert_eq!(d("-2.345").round(2).to_string(), "-2.35");
        assert_eq!(d("2.5").round(0).to_string(), "3");
        assert_eq!(d("7").round(2).to_string(), "7");
    }
}
