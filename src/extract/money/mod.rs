//! Money amounts and exchange rates: every amount with its exact value, ISO currency and
//! qualifier.
//!
//! # What counts
//!
//! An amount is a number (digits, number words, or both as in legal style
//! `881 913 (Восемьсот … тринадцать) руб. 98 коп.`) with a currency written right before
//! (`$500`, `USD 500`) or after it (`500 рублей`, `5 млн долларов США`, `500₸`). A number
//! without a currency (`30 лет`, `90 процентов`, a year, a phone number) and a currency
//! without a number (`в российских рублях`) are not amounts. Minor units after the major one
//! are added (`руб. 98 коп.` → `.98`).
//!
//! The value is exact ([`decimal::Decimal`], never a float) and printed as a plain decimal
//! string: `500000000`, `2134472.44`. How `20.000`, `20,00` and `1,5` are read is documented
//! in [`number`].
//!
//! Qualifiers come from words right before the amount (`до` → up_to, `около` → about,
//! `более` → over, `менее` → under; `rules/money_qualifiers.tsv`) and are part of the span.
//! A range (`от 20 до 30 тысяч рублей`, `20–30 млн тенге`) gives `amount` and `amount_max`
//! with qualifier range; the multiplier and currency of the second number apply to the first
//! when it has none (unless that would put the first above the second: `от 500 до 1 млн`).
//!
//! An ISO code glued to a number (`USD443.85`) on a line made only of such tokens is a
//! currency widget: `kind=rate`, amount = the rate.
//!
//! # Not handled (known gaps)
//!
//! `с 20 до 30 тысяч рублей` (a change from/to) yields only `до 30 тысяч рублей`; vague
//! counts (`сотни миллионов долларов`) are skipped; a currency named only earlier in the
//! sentence is not carried over to a later bare number.
//!
//! # Speed
//!
//! One byte scan finds the digits and the word starts that begin a number word
//! ([`triggers`]); everything else is bounded look-around on the same line. No regex, no
//! per-document allocation beyond the output and short keys at candidate positions.

mod decimal;
mod number;
mod reach;
mod rules;
mod scan;
mod triggers;
mod value;

#[cfg(test)]
mod tests;

pub use rules::MoneyRules;

use crate::model::{Money, MoneyKind, Qualifier};
use crate::text::chars::is_letter;
use crate::text::Span;
use decimal::Decimal;
use rules::{CurrencyId, Role};
use scan::{char_before, line_around, lookup, lookup_back, lookup_prefix, skip_space};
use value::{read_value, read_words, Read, Value};

/// Every money amount and exchange rate in `text`, sorted by span start; byte spans.
///
/// Only the lines where a currency form may be written are scanned (see [`reach`] for why
/// the others hold no amount and leave the scan where it would have been).
// Kept out of line so that profiles name the stage.
#[inline(never)]
pub fn extract_money(text: &str, rules: &MoneyRules) -> Vec<Money> {
    let mut out: Vec<Money> = Vec::new();
    let phrase_at =
        |q: usize| currency_at(text, q, rules).is_some() || lookup(&rules.minor, text, q, rules.max_words).is_some();
    rules.currency_starts.each_line(text, phrase_at, |start, end| amounts_in(text, start..end, rules, &mut out));
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

/// Appends the amounts the trigger scan finds in `text[range]` to `out`.
fn amounts_in(text: &str, range: std::ops::Range<usize>, rules: &MoneyRules, out: &mut Vec<Money>) {
    let base = range.start;
    rules.triggers.each(&text[range], |start, end| {
        let (start, end) = (base + start, base + end);
        let floor = out.last().map_or(0, |m| m.span.end);
        let resume = match amount_at(text, start, end, floor, rules) {
            Attempt::Found(money) => {
                let next = money.span.end;
                out.push(money);
                next
            }
            Attempt::Skip(at) => at.max(start + 1),
        };
        resume - base
    });
}

enum Attempt {
    Found(Money),
    Skip(usize),
}

/// What follows a value: an optional legal bracket, the currency, minor units.
#[derive(Clone, Copy)]
struct Tail {
    currency: Option<CurrencyId>,
    /// The value with minor units added (or turned into major units).
    value: Decimal,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    is_letter(c)
}

fn amount_at(text: &str, start: usize, trigger_end: usize, floor: usize, rules: &MoneyRules) -> Attempt {
    let is_digit = text.as_bytes().get(start).is_some_and(u8::is_ascii_digit);
    let prev = char_before(text, start);
    if !is_digit && prev.is_some_and(is_word_char) {
        return Attempt::Skip(trigger_end);
    }
    // The tail of a time, date or fraction (`10:30`, `1/2`): not a number of its own.
    if is_digit
        && matches!(prev, Some(':' | '/' | '.' | ','))
        && text[..start].chars().rev().nth(1).is_some_and(|c| c.is_ascii_digit())
    {
        let digits = text[start..].bytes().take_while(u8::is_ascii_digit).count();
        return Attempt::Skip(start + digits);
    }
    let currency_follows = |p: usize| currency_at(text, p, rules).is_some();
    let first = match read_value(text, start, rules, currency_follows) {
        Read::Value(v) => v,
        Read::Skip(at) => return Attempt::Skip(at),
    };
    let not_here = Attempt::Skip(first.end);
    let prefix = if is_digit {
        lookup_prefix(&rules.currency_before, text, start).filter(|&(_, s, _)| s >= floor)
    } else {
        None
    };
    // Digits glued to letters (`A320`, `COVID19`) are not amounts, unless the letters are a
    // currency (`USD443.85`).
    if is_digit && prev.is_some_and(is_word_char) && !prefix.is_some_and(|(_, _, glued)| glued) {
        return not_here;
    }
    let before = prefix.map(|(&id, s, _)| (id, s));
    // The exact amount from a currency glued before the number (`USD443.85`) to its end.
    let glued = |id: CurrencyId, s: usize, kind: MoneyKind| {
        Attempt::Found(Money {
            span: Span::new(s, first.end),
            amount: first.value.to_string(),
            amount_max: None,
            currency: rules.code(id).to_string(),
            qualifier: Qualifier::Exact,
            kind,
        })
    };
    // A widget line: `USD443.85` glued, every token of the line alike.
    if let Some((&id, s, true)) = prefix {
        if text[s..start].bytes().all(|b| b.is_ascii_uppercase()) && is_rate_widget(line_around(text, start)) {
            return glued(id, s, MoneyKind::Rate);
        }
    }
    // Without a currency before, an amount needs a bracket, a currency, a minor unit or a
    // range connector right after the value; when none may start there, `tail` finds no
    // currency and `range_end` no range, so this is where the full path would end too.
    if prefix.is_none() {
        let p = skip_space(text, first.end);
        if text.as_bytes().get(p) != Some(&b'(') && !rules.after_value.may_start_at(text, p) {
            return not_here;
        }
    }
    let a = tail(text, first, rules);
    // A currency glued before the number is its currency; a different one after it starts
    // the next amount (`Курс USD443.85 EUR474.3`).
    if let Some((&id, s, true)) = prefix {
        if a.currency.is_some_and(|after| after != id) {
            return glued(id, s, MoneyKind::Amount);
        }
    }
    let range = range_end(text, a.end, rules);
    if a.currency.is_none() && before.is_none() && range.as_ref().is_none_or(|r| r.1.currency.is_none()) {
        return not_here;
    }
    let expr_start = before.map_or(start, |(_, s)| s);
    let opener = lookup_back(&rules.before_words, text, expr_start).filter(|&(_, s)| s >= floor);
    let has_from = opener.is_some_and(|(r, _)| *r == Role::RangeFrom);

    if let Some((b, b_tail, word_connector)) = range {
        let currency = match (a.currency, b_tail.currency) {
            (Some(x), Some(y)) if x != y => None,
            (_, Some(y)) => Some(y),
            (None, None) => before.map(|(id, _)| id),
            (Some(_), None) => None,
        };
        if let Some(currency) = currency.filter(|_| has_from || !word_connector) {
            let mut low = a.value;
            if a.currency.is_none() && first.multiplier.is_none() {
                if let Some(m) = b.multiplier {
                    if let Some(scaled) = a.value.checked_mul(m).filter(|v| *v <= b_tail.value) {
                        low = scaled;
                    }
                }
            }
            let span_start = match opener {
                Some((Role::RangeFrom, s)) => s,
                _ => expr_start,
            };
            return Attempt::Found(Money {
                span: Span::new(span_start, b_tail.end),
                amount: low.to_string(),
                amount_max: Some(b_tail.value.to_string()),
                currency: rules.code(currency).to_string(),
                qualifier: Qualifier::Range,
                kind: MoneyKind::Amount,
            });
        }
    }

    let Some(currency) = a.currency.or(before.map(|(id, _)| id)) else {
        return not_here;
    };
    let (qualifier, span_start) = match opener {
        Some((Role::Qualifier(q), s)) => (*q, s),
        Some((Role::RangeFrom, s)) => (Qualifier::Over, s),
        None => (Qualifier::Exact, expr_start),
    };
    Attempt::Found(Money {
        span: Span::new(span_start, a.end),
        amount: a.value.to_string(),
        amount_max: None,
        currency: rules.code(currency).to_string(),
        qualifier,
        kind: MoneyKind::Amount,
    })
}

/// The currency written at `pos` and where it ends.
fn currency_at(text: &str, pos: usize, rules: &MoneyRules) -> Option<(CurrencyId, usize)> {
    lookup(&rules.currency_after, text, pos, rules.max_words).map(|(&id, end)| (id, end))
}

/// Bracket, currency and minor units after a value.
fn tail(text: &str, v: Value, rules: &MoneyRules) -> Tail {
    let mut t = Tail { currency: None, value: v.value, end: v.end };
    if let Some((end, currency)) = words_in_brackets(text, t.end, rules) {
        t.end = end;
        t.currency = currency;
    }
    let p = skip_space(text, t.end);
    if let Some((id, end)) = currency_at(text, p, rules) {
        t.currency = Some(id);
        t.end = end;
        if let Some((minor, end)) = minor_after(text, end, id, rules) {
            if let Some(sum) = t.value.checked_add(minor) {
                t.value = sum;
                t.end = end;
            }
        }
        // The words repeated in brackets after the currency (`500 руб. (пятьсот рублей)`).
        if let Some((end, _)) = words_in_brackets(text, t.end, rules) {
            t.end = end;
        }
    } else if t.currency.is_none() {
        // Minor units alone: `50 копеек` is 0.5 RUB.
        if let Some((mu, end)) = lookup(&rules.minor, text, p, rules.max_words) {
            if let Some(v) = t.value.div_pow10(mu.per_major_pow) {
                t = Tail { currency: Some(mu.currency), value: v, end };
            }
        }
    } else if let Some(id) = t.currency {
        if let Some((minor, end)) = minor_after(text, t.end, id, rules) {
            if let Some(sum) = t.value.checked_add(minor) {
                t.value = sum;
                t.end = end;
            }
        }
    }
    t
}

/// `98 коп.` after a currency `id`: the fraction it adds and where it ends.
fn minor_after(text: &str, pos: usize, id: CurrencyId, rules: &MoneyRules) -> Option<(Decimal, usize)> {
    let mut p = skip_space(text, pos);
    if text.as_bytes().get(p) == Some(&b',') {
        p = skip_space(text, p + 1);
    }
    let bytes = text.as_bytes();
    let len = bytes.get(p..)?.iter().take_while(|b| b.is_ascii_digit()).count();
    if len == 0 || len > 3 {
        return None;
    }
    let digits = &text[p..p + len];
    let (mu, end) = lookup(&rules.minor, text, skip_space(text, p + len), rules.max_words)?;
    if mu.currency != id || len > mu.per_major_pow as usize {
        return None;
    }
    Some((Decimal::from_digits(digits, "")?.div_pow10(mu.per_major_pow)?, end))
}

/// A bracket right after `pos` that starts with number words (the legal habit of spelling
/// the sum out): where it ends and the currency named inside, if any.
fn words_in_brackets(text: &str, pos: usize, rules: &MoneyRules) -> Option<(usize, Option<CurrencyId>)> {
    let p = skip_space(text, pos);
    if text.as_bytes().get(p) != Some(&b'(') {
        return None;
    }
    let words = read_words(text, skip_space(text, p + 1), rules)?;
    let close = text.get(words.end..)?.char_indices().take(120).find(|&(_, c)| c == ')' || c == '\n' || c == '(');
    let (off, c) = close?;
    if c != ')' {
        return None;
    }
    let inside = skip_space(text, words.end);
    let currency = currency_at(text, inside, rules).map(|(id, _)| id);
    Some((words.end + off + 1, currency))
}

/// The second end of a range after `pos` (`– 30 млн тенге`, `до 30 тысяч рублей`), and
/// whether the connector is a word (valid only after a range_from word such as `от`).
fn range_end(text: &str, pos: usize, rules: &MoneyRules) -> Option<(Value, Tail, bool)> {
    let p = skip_space(text, pos);
    let (_, end) = lookup(&rules.range_to, text, p, 1)?;
    let is_word = text[p..].chars().next().is_some_and(is_letter);
    let q = skip_space(text, end);
    if is_word && q == end {
        return None;
    }
    let starts_number =
        text.as_bytes().get(q).is_some_and(u8::is_ascii_digit) || lookup(&rules.numbers, text, q, 1).is_some();
    if !starts_number || char_before(text, q).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let currency_follows = |p: usize| currency_at(text, p, rules).is_some();
    let Read::Value(b) = read_value(text, q, rules, currency_follows) else {
        return None;
    };
    let t = tail(text, b, rules);
    Some((b, t, is_word))
}

/// A line made only of widget tokens such as `USD443.85` or `EUR474.3 RUB4.8`.
fn is_rate_widget(line: &str) -> bool {
    let mut n = 0;
    for token in line.split_whitespace() {
        n += 1;
        let b = token.as_bytes();
        let ok = b.len() >= 4
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && b[3].is_ascii_digit()
            && b[3..].iter().all(|c| c.is_ascii_digit() || *c == b'.' || *c == b',');
        if !ok || n > 12 {
            return false;
        }
    }
    n > 0
}
