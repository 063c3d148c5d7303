//! An exact running total of plain decimal strings (`500000000`, `2134472.44`), as the
//! money extractor writes them. No floats and no size limit: digits are added one by one,
//! so a year of news sums to the last kopeck.

/// A non-negative decimal of any length: integer digits least significant first,
/// fraction digits most significant first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecimalSum {
    int: Vec<u8>,
    frac: Vec<u8>,
}

/// Longest amount string accepted (the extractor writes at most ~50 digits).
const MAX_LEN: usize = 200;

impl DecimalSum {
    /// Adds `value` (`digits` or `digits.digits`); returns `false` and adds nothing when it
    /// is not such a string.
    pub fn add(&mut self, value: &str) -> bool {
        let (int, frac) = value.split_once('.').unwrap_or((value, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || value.len() > MAX_LEN || !digits(int) || !digits(frac) {
            return false;
        }
        if self.frac.len() < frac.len() {
            self.frac.resize(frac.len(), 0);
        }
        let mut carry = 0;
        for i in (0..self.frac.len()).rev() {
            let d = self.frac[i] + frac.as_bytes().get(i).map_or(0, |b| b - b'0') + carry;
            self.frac[i] = d % 10;
            carry = d / 10;
        }
        let mut int_digits = int.bytes().rev().map(|b| b - b'0');
        let mut i = 0;
        loop {
            let next = int_digits.next();
            if next.is_none() && carry == 0 && i >= self.int.len() {
                break;
            }
            if i == self.int.len() {
                self.int.push(0);
            }
            let d = self.int[i] + next.unwrap_or(0) + carry;
            self.int[i] = d % 10;
            carry = d / 10;
            i += 1;
        }
        true
    }
}

impl std::fmt::Display for DecimalSum {
    /// The plain form: no leading zeros, no trailing fraction zeros (`0` for nothing).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let significant = self.int.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
        if significant == 0 {
            f.write_str("0")?;
        }
        for &d in self.int[..significant].iter().rev() {
            write!(f, "{d}")?;
        }
        let frac_len = self.frac.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
        if frac_len > 0 {
            f.write_str(".")?;
            for &d in &self.frac[..frac_len] {
                write!(f, "{d}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(values: &[&str]) -> String {
        let mut s = DecimalSum::default();
        for v in values {
            assert!(s.add(v), "{v}");
        }
        s.to_string()
    }

    #[test]
    fn sums_exactly() {
        for (values, expected) in [
            (&[][..], "0"),
            (&["0"][..], "0"),
            (&["500000000", "2134472.44"][..], "502134472.44"),
            (&["0.1", "0.2"][..], "0.3"),
            (&["0.5", "0.5"][..], "1"),
            (&["999.99", "0.01"][..], "1000"),
            (&["007", "0.250"][..], "7.25"),
            (&["99999999999999999999999999999999", "1"][..], "100000000000000000000000000000000"),
            (&["1.000000000000000000000001", "2"][..], "3.000000000000000000000001"),
        ] {
            assert_eq!(sum(values), expected, "{values:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for bad in ["", ".5", "1,5", "-1", "1e5", "1.2.3", "١٢", " 1", "NaN"] {
            let mut s = DecimalSum::default();
            assert!(!s.add(bad), "{bad:?}");
            assert_eq!(s.to_string(), "0");
        }
    }
}
