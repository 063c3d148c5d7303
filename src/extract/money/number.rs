//! Numbers written in digits: `500`, `2 134 472,44`, `1.000.000`, `1,5`, `20.000`.
//!
//! # Grouping or decimal point?
//!
//! Russian news groups thousands with a space (also NBSP, thin or narrow space), sometimes
//! with a dot or comma, and writes the decimal point as a comma, sometimes a dot. The rule:
//!
//! 1. A space separates groups when the first run has 1–3 digits and every later group
//!    exactly 3 (`2 134 472`); otherwise the number ends before the space (`2021 500` is two
//!    numbers, phone numbers stop where a group is not 3 digits).
//! 2. The same dot or comma repeated separates groups (`1.000.000`, `1,000,000`); each group
//!    must have 3 digits, else the whole token is not a number (`25.10.2021` is a date).
//! 3. After grouping by one separator, the other dot or comma is the decimal point
//!    (`2 134 472,44`, `1.000,50`, `1,000.50`).
//! 4. A single dot or comma followed by exactly three digits groups (`20.000` = `20,000` =
//!    20000) unless the integer part is `0` or a multiplier follows (`1,500 млн` = 1.5
//!    million); with any other count of digits it is the decimal point (`20,00` = 20,
//!    `1,5` = 1.5, `443.85`).
//! 5. A number followed by yet another `.`/`,` and digit (`1.2.3`, `1,5,7`) is not a number.
//!
//! Runs longer than [`MAX_DIGITS`] are not numbers (and are skipped whole).

use super::decimal::{Decimal, MAX_DIGITS};

/// A number read from digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigitNumber {
    pub value: Decimal,
    /// Byte offset just after the last digit.
    pub end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Dot,
    Comma,
}

/// The separator at `pos` and its byte length, when a digit follows it.
fn separator(bytes: &[u8], pos: usize) -> Option<(Sep, usize)> {
    let (sep, len) = match bytes.get(pos..)? {
        [b' ', ..] => (Sep::Space, 1),
        [b'.', ..] => (Sep::Dot, 1),
        [b',', ..] => (Sep::Comma, 1),
        [0xC2, 0xA0, ..] => (Sep::Space, 2),                     // NBSP
        [0xE2, 0x80, 0x89 | 0x8A | 0xAF, ..] => (Sep::Space, 3), // thin, hair, narrow NBSP
        _ => return None,
    };
    bytes.get(pos + len).filter(|b| b.is_ascii_digit()).map(|_| (sep, len))
}

fn digit_run(bytes: &[u8], pos: usize) -> usize {
    bytes.get(pos..).map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// Outcome of reading digits at a position.
#[derive(Debug, PartialEq, Eq)]
pub enum Digits {
    Number(DigitNumber),
    /// Not a number (a date, a version, a 5,000-digit run); resume scanning at this offset.
    Skip(usize),
}

/// Reads the number starting at `pos` (an ASCII digit). `multiplier_at(end)` tells whether a
/// multiplier word follows a number ending at `end` (rule 4).
pub fn parse_digits(text: &str, pos: usize, multiplier_at: impl Fn(usize) -> bool) -> Digits {
    let bytes = text.as_bytes();
    let first_len = digit_run(bytes, pos);
    let mut end = pos + first_len;
    if first_len == 0 {
        return Digits::Skip(pos + 1);
    }
    if first_len > MAX_DIGITS {
        return Digits::Skip(skip_number_like(bytes, end));
    }
    let mut int = String::with_capacity(first_len + 8);
    int.push_str(&text[pos..end]);
    let mut frac = "";
    let mut grouping: Option<Sep> = None;
    while let Some((sep, len)) = separator(bytes, end) {
        let run_start = end + len;
        let run = digit_run(bytes, run_start);
        let run_end = run_start + run;
        if int.len() + run > MAX_DIGITS {
            return Digits::Skip(skip_number_like(bytes, run_end));
        }
        let digits = &text[run_start..run_end];
        match sep {
            Sep::Space => {
                let may_group = match grouping {
                    None => first_len <= 3,
                    Some(g) => g == Sep::Space,
                };
                if !(may_group && run == 3) {
                    break;
                }
                grouping = Some(Sep::Space);
                int.push_str(digits);
                end = run_end;
            }
            Sep::Dot | Sep::Comma => {
                if grouping == Some(sep) {
                    if run != 3 {
                        return Digits::Skip(skip_number_like(bytes, run_end));
                    }
                    int.push_str(digits);
                    end = run_end;
                    continue;
                }
                if grouping.is_some() {
                    // Rule 3: the other separator is the decimal point.
                    frac = digits;
                    end = run_end;
                    break;
                }
                // First dot or comma: rule 2 or 4.
                let repeated = separator(bytes, run_end).is_some_and(|(s, _)| s == sep);
                let other_follows = separator(bytes, run_end).is_some_and(|(s, _)| s != Sep::Space);
                let groups = run == 3
                    && first_len <= 3
                    && &text[pos..pos + first_len] != "0"
                    && (repeated || other_follows || !multiplier_at(run_end));
                if groups {
                    grouping = Some(sep);
                    int.push_str(digits);
                } else {
                    frac = digits;
                    end = run_end;
                    break;
                }
                end = run_end;
            }
        }
    }
    // Rule 5.
    if let Some((Sep::Dot | Sep::Comma, _)) = separator(bytes, end) {
        return Digits::Skip(skip_number_like(bytes, end));
    }
    match Decimal::from_digits(&int, frac) {
        Some(value) => Digits::Number(DigitNumber { value, end }),
        None => Digits::Skip(end.max(pos + 1)),
    }
}

/// End of the run of digits and separators starting at `pos`.
fn skip_number_like(bytes: &[u8], mut pos: usize) -> usize {
    loop {
        let run = digit_run(bytes, pos);
        pos += run;
        match separator(bytes, pos) {
            Some((_, len)) => pos += len,
            None => return pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` → the value and the text it covered, or None when not a number.
    fn num(text: &str, multiplier_follows: bool) -> Option<(String, &str)> {
        match parse_digits(text, 0, |_| multiplier_follows) {
            Digits::Number(n) => Some((n.value.to_string(), &text[..n.end])),
            Digits::Skip(_) => None,
        }
    }

    macro_rules! t {
        ($text:expr, $mult:expr, None) => {
            assert_eq!(num($text, $mult), None, "{:?}", $text);
        };
        ($text:expr, $mult:expr, $value:expr, $covered:expr) => {
            assert_eq!(num($text, $mult), Some(($value.to_string(), $covered)), "{:?}", $text);
        };
    }

    #[test]
    fn grouping_and_decimal_rules() {
        t!("500", false, "500", "500");
        t!("2 134 472,44", false, "2134472.44", "2 134 472,44");
        t!("2\u{a0}134\u{a0}472.44", false, "2134472.44", "2\u{a0}134\u{a0}472.44");
        t!("2\u{2009}134\u{202f}472", false, "2134472", "2\u{2009}134\u{202f}472");
        t!("20.000", false, "20000", "20.000");
        t!("20,000", false, "20000", "20,000");
        t!("20,00", false, "20", "20,00");
        t!("1,5", false, "1.5", "1,5");
        t!("1,500", true, "1.5", "1,500");
        t!("0,500", false, "0.5", "0,500");
        t!("1.000.000", false, "1000000", "1.000.000");
        t!("1,000,000.50", false, "1000000.5", "1,000,000.50");
        t!("1.000,50", false, "1000.5", "1.000,50");
        t!("443.85", false, "443.85", "443.85");
        t!("2021 500", false, "2021", "2021");
        t!("8 747 650 05 30", false, "8747650", "8 747 650");
        t!("20 000,", false, "20000", "20 000");
        t!("25.10.2021", false, None);
        t!("1.2.3", false, None);
        t!("1.000.00", false, None);
    }

    #[test]
    fn huge_runs_are_skipped_whole() {
        let long = "9".repeat(5000) + " рублей";
        assert_eq!(parse_digits(&long, 0, |_| false), Digits::Skip(5000));
        let grouped = "1 000".repeat(2000);
        assert!(matches!(parse_digits(&grouped, 0, |_| false), Digits::Skip(_) | Digits::Number(_)));
    }
}
