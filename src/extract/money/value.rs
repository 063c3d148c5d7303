//! The numeric part of an amount: digits, number words, multipliers.
//!
//! - digits with multipliers, combined from the largest down: `1 млн 200 тыс.`,
//!   `1,5 млрд`, `15 тыс. 300` (a bare last group only when a currency follows);
//! - number words, group by group: `восемьсот восемьдесят одна тысяча девятьсот тринадцать`,
//!   `полтора миллиарда`, `два с половиной миллиона`, `полмиллиона`.
//!
//! Within a group the words must come in falling order (hundreds, tens, units or a teen),
//! multipliers strictly falling (`миллион … тысяч`), so `пять пять` or `тысяча миллионов`
//! stop where the order breaks instead of adding up to nonsense.

use super::decimal::Decimal;
use super::number::{parse_digits, Digits};
use super::rules::{MoneyRules, NumKind, NumberWord};
use super::scan::{ends_word, lookup, skip_space};

/// A value and how it was written.
#[derive(Clone, Copy, Debug)]
pub struct Value {
    pub value: Decimal,
    /// The first multiplier, if any (`10⁶` in `20 млн`).
    pub multiplier: Option<Decimal>,
    pub end: usize,
}

/// Outcome of reading a value at a trigger position.
pub enum Read {
    Value(Value),
    /// Nothing here; resume scanning at this offset.
    Skip(usize),
}

/// The multiplier word at `pos`, if any.
fn multiplier_at(text: &str, pos: usize, rules: &MoneyRules) -> Option<(Decimal, usize)> {
    let (w, end) = lookup(&rules.numbers, text, skip_space(text, pos), 1)?;
    match w.kind {
        NumKind::Multiplier { .. } => Some((w.value, end)),
        _ => None,
    }
}

/// Reads the value at `pos`: digits (an ASCII digit is there) or number words.
pub fn read_value(text: &str, pos: usize, rules: &MoneyRules, currency_follows: impl Fn(usize) -> bool) -> Read {
    if text.as_bytes().get(pos).is_some_and(u8::is_ascii_digit) {
        read_digits_value(text, pos, rules, currency_follows)
    } else {
        match read_words(text, pos, rules) {
            Some(v) => Read::Value(v),
            None => Read::Skip(pos + text[pos..].chars().next().map_or(1, char::len_utf8)),
        }
    }
}

fn read_digits(text: &str, pos: usize, rules: &MoneyRules) -> Digits {
    parse_digits(text, pos, |end| multiplier_at(text, end, rules).is_some())
}

fn read_digits_value(text: &str, pos: usize, rules: &MoneyRules, currency_follows: impl Fn(usize) -> bool) -> Read {
    let first = match read_digits(text, pos, rules) {
        Digits::Number(n) => n,
        Digits::Skip(at) => return Read::Skip(at),
    };
    let mut total = Decimal::ZERO;
    let mut group = first.value;
    let mut end = first.end;
    let mut first_multiplier = None;
    let mut last_multiplier: Option<Decimal> = None;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let Some((m, m_end)) = multiplier_at(text, end, rules).filter(|(m, _)| last_multiplier.is_none_or(|l| *m < l))
        else {
            break;
        };
        let Some(sum) = group.checked_mul(m).and_then(|g| total.checked_add(g)) else {
            return Read::Skip(first.end);
        };
        total = sum;
        group = Decimal::ZERO;
        first_multiplier.get_or_insert(m);
        last_multiplier = Some(m);
        end = m_end;
        if rounds > 6 {
            break;
        }
        // `1 млн 200 тыс.`: another number with a smaller multiplier, or a bare last group
        // right before the currency (`15 тыс. 300 рублей`).
        let next = skip_space(text, end);
        if next == end || !text.as_bytes().get(next).is_some_and(u8::is_ascii_digit) {
            break;
        }
        let Digits::Number(n) = read_digits(text, next, rules) else {
            break;
        };
        if multiplier_at(text, n.end, rules).is_some_and(|(m2, _)| m2 < m) {
            group = n.value;
            end = n.end;
        } else if n.value < m && currency_follows(skip_space(text, n.end)) {
            group = n.value;
            end = n.end;
            break;
        } else {
            break;
        }
    }
    let Some(value) = total.checked_add(group) else {
        return Read::Skip(first.end);
    };
    Read::Value(Value { value, multiplier: first_multiplier, end })
}

/// Number words from `pos`; `None` when no number word starts there.
pub fn read_words(text: &str, pos: usize, rules: &MoneyRules) -> Option<Value> {
    // Slots inside one group of three digits: hundreds 3, tens 2, teens/units 1/0.
    const OPEN: u8 = 4;
    let mut total = Decimal::ZERO;
    let mut group: Option<Decimal> = None;
    let mut slot = OPEN;
    let mut last_multiplier: Option<Decimal> = None;
    let mut first_multiplier = None;
    let mut end = pos;
    let mut at = pos;
    let mut words = 0;
    while words < 40 {
        let Some((w, w_end)) = lookup(&rules.numbers, text, at, 2) else {
            break;
        };
        let w: NumberWord = *w;
        if !ends_word(text, w_end) && !text[..w_end].ends_with('.') {
            break;
        }
        let ok = match w.kind {
            NumKind::Hundreds | NumKind::Tens | NumKind::Teen | NumKind::Unit => {
                let s = match w.kind {
                    NumKind::Hundreds => 3,
                    NumKind::Tens => 2,
                    NumKind::Teen => 1,
                    _ => 0,
                };
                // After tens only a unit; after a teen or unit nothing.
                let fits = s < slot && !(slot == 2 && s == 1);
                if fits {
                    group = Some(group.unwrap_or(Decimal::ZERO).checked_add(w.value)?);
                    slot = if s == 1 { 0 } else { s };
                }
                fits
            }
            NumKind::Fraction => {
                let fits = group.is_none() && slot == OPEN;
                if fits {
                    group = Some(w.value);
                    slot = 0;
                }
                fits
            }
            NumKind::Half => {
                let fits = group.is_some_and(|g| g.is_integer()) && slot < OPEN;
                if fits {
                    group = Some(group.unwrap_or(Decimal::ZERO).checked_add(w.value)?);
                    slot = 0;
                }
                fits
            }
            NumKind::Multiplier { standalone } => {
                let fits = (group.is_some() || standalone) && last_multiplier.is_none_or(|l| w.value < l);
                if fits {
                    let n = group.take().unwrap_or(Decimal::ONE);
                    total = total.checked_add(n.checked_mul(w.value)?)?;
                    first_multiplier.get_or_insert(w.value);
                    last_multiplier = Some(w.value);
                    slot = OPEN;
                }
                fits
            }
        };
        if !ok {
            break;
        }
        words += 1;
        end = w_end;
        let next = skip_space(text, w_end);
        if next == w_end && !text[..w_end].ends_with('.') {
            break;
        }
        at = next;
    }
    if words == 0 {
        return None;
    }
    // A fraction or half needs its multiplier (`полтора` alone is no amount of money).
    if group.is_some_and(|g| !g.is_integer()) {
        return None;
    }
    let value = total.checked_add(group.unwrap_or(Decimal::ZERO))?;
    Some(Value { value, multiplier: first_multiplier, end })
}
