//! Exact decimal numbers for money: an integer mantissa and a power-of-ten scale.
//!
//! Values are never floats: `1,5 млн` is `15 × 10⁻¹ × 10⁶`, printed as `1500000`. Every
//! operation is checked and returns `None` on overflow, so a 5,000-digit number or an
//! absurd multiplier chain is simply not an amount instead of a wrong one or a panic.

use std::cmp::Ordering;
use std::fmt;

/// `mantissa × 10^-scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    mantissa: u128,
    scale: u32,
}

/// Longest digit run we read as one number (integer and fraction parts each).
pub const MAX_DIGITS: usize = 24;
const MAX_SCALE: u32 = 24;

impl Decimal {
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };
    pub const ONE: Decimal = Decimal { mantissa: 1, scale: 0 };

    /// From ASCII digit strings of the integer and fraction parts (`"2134472"`, `"44"`).
    pub fn from_digits(int: &str, frac: &str) -> Option<Decimal> {
        if int.len() + frac.len() > MAX_DIGITS + 10 || frac.len() > MAX_SCALE as usize {
            return None;
        }
        let mut mantissa: u128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            if !b.is_ascii_digit() {
                return None;
            }
            mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
        }
        Some(Decimal { mantissa, scale: frac.len() as u32 }.normalized())
    }

    /// Parses `"1500"`, `"1.5"`, `"0.5"` (a dot as the decimal point; used for rule data).
    pub fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() {
            return None;
        }
        Decimal::from_digits(int, frac)
    }

    pub fn from_u64(v: u64) -> Decimal {
        Decimal { mantissa: u128::from(v), scale: 0 }
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.normalized().scale == 0
    }

    fn normalized(mut self) -> Decimal {
        while self.scale > 0 && self.mantissa.is_multiple_of(10) {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        if self.mantissa == 0 {
            self.scale = 0;
        }
        self
    }

    fn rescaled(self, scale: u32) -> Option<u128> {
        let diff = scale.checked_sub(self.scale)?;
        self.mantissa.checked_mul(10u128.checked_pow(diff)?)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let mantissa = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        Some(Decimal { mantissa, scale }.normalized())
    }

    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let a = self.normalized();
        let b = other.normalized();
        let scale = a.scale + b.scale;
        if scale > MAX_SCALE {
            return None;
        }
        Some(Decimal { mantissa: a.mantissa.checked_mul(b.mantissa)?, scale }.normalized())
    }

    /// `self / 10^k`, exact.
    pub fn div_pow10(self, k: u32) -> Option<Decimal> {
        let scale = self.scale.checked_add(k)?;
        if scale > MAX_SCALE {
            return None;
        }
        Some(Decimal { mantissa: self.mantissa, scale }.normalized())
    }

    /// `Some(k)` when the value is exactly `10^k`.
    pub fn power_of_ten(self) -> Option<u32> {
        let d = self.normalized();
        if d.scale != 0 || d.mantissa == 0 {
            return None;
        }
        let mut m = d.mantissa;
        let mut k = 0;
        while m.is_multiple_of(10) {
            m /= 10;
            k += 1;
        }
        (m == 1).then_some(k)
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescaled(scale), other.rescaled(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // A rescale overflows only for the bigger-magnitude side.
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        }
    }
}

/// A plain decimal string: no exponent, no trailing zeros, no trailing `.`.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.normalized();
        let digits = d.mantissa.to_string();
        let scale = d.scale as usize;
        if scale == 0 {
            return f.write_str(&digits);
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            write!(f, "{int}.{frac}")
        } else {
            write!(f, "0.{}{digits}", "0".repeat(scale - digits.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn exact_arithmetic_and_printing() {
        assert_eq!(d("1.5").checked_mul(d("1000000")).unwrap().to_string(), "1500000");
        assert_eq!(d("2134472").checked_add(d("0.44")).unwrap().to_string(), "2134472.44");
        assert_eq!(d("98").div_pow10(2).unwrap().to_string(), "0.98");
        assert_eq!(d("5").div_pow10(2).unwrap().to_string(), "0.05");
        assert_eq!(Decimal::from_digits("20", "00").unwrap().to_string(), "20");
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(d("1000").power_of_ten(), Some(3));
        assert_eq!(d("1500").power_of_ten(), None);
        assert!(d("500000000") > d("2134472.44"));
    }

    #[test]
    fn overflow_is_none_not_panic() {
        let big = Decimal::from_digits(&"9".repeat(MAX_DIGITS), "").unwrap();
        assert!(big.checked_mul(big).is_none());
        assert!(Decimal::from_digits(&"9".repeat(5000), "").is_none());
        assert!(Decimal::from_digits("1x", "").is_none());
    }
}
