//! The span guarantees every extraction must keep, whatever the text: shared by the
//! property test (`tests/properties.rs`) and the fuzz target (`fuzz/fuzz_targets/analyze.rs`,
//! which includes this file by path), so both check exactly the same thing.
//!
//! `Extraction` is destructured without `..`: when a new item kind is added to it, this
//! file stops compiling until the new kind is checked too.

use gazetka::model::{Extraction, Money, Quote};
use gazetka::text::{CharIndex, Span};

/// Checks every span and value of `extraction` against `text`; the error names the item
/// and the broken rule.
///
/// Rules: every span has `start <= end <= text.len()` with both ends on char boundaries,
/// and cuts the same text by characters (`CharIndex`, as the CSV rows do) as by bytes;
/// items, quote parts, speaker and cue spans are non-empty; quote parts are in order,
/// disjoint and inside their quote; each item kind is sorted by (start, end); money amounts
/// are plain decimal strings.
pub fn check_extraction(text: &str, extraction: &Extraction) -> Result<(), String> {
    let Extraction { mentions, quotes, money } = extraction;
    let index = CharIndex::new(text);
    let check = |what: &str, span: Span| check_span(text, &index, what, span);
    for (i, m) in mentions.iter().enumerate() {
        check(&format!("mention {i} ({:?})", m.entity_type), m.span)?;
    }
    sorted("mentions", mentions.iter().map(|m| m.span))?;
    for (i, q) in quotes.iter().enumerate() {
        check_quote(&format!("quote {i}"), q, &check)?;
    }
    sorted("quotes", quotes.iter().map(|q| q.span))?;
    for (i, m) in money.iter().enumerate() {
        check_money(&format!("money {i}"), m, &check)?;
    }
    sorted("money", money.iter().map(|m| m.span))?;
    Ok(())
}

fn check_quote(what: &str, q: &Quote, check: &dyn Fn(&str, Span) -> Result<(), String>) -> Result<(), String> {
    check(what, q.span)?;
    if q.parts.is_empty() {
        return Err(format!("{what}: no parts (a quote has at least one piece)"));
    }
    for (j, part) in q.parts.iter().enumerate() {
        check(&format!("{what} part {j}"), *part)?;
        if !q.span.contains(part) {
            return Err(format!("{what}: part {j} {part:?} lies outside the quote {:?}", q.span));
        }
    }
    for (j, pair) in q.parts.windows(2).enumerate() {
        if pair[0].end > pair[1].start {
            return Err(format!(
                "{what}: parts {j} {:?} and {} {:?} overlap or are out of order",
                pair[0],
                j + 1,
                pair[1]
            ));
        }
    }
    if let Some(span) = q.speaker_span {
        check(&format!("{what} speaker_span"), span)?;
    }
    if let Some(span) = q.cue_span {
        check(&format!("{what} cue_span"), span)?;
    }
    Ok(())
}

fn check_money(what: &str, m: &Money, check: &dyn Fn(&str, Span) -> Result<(), String>) -> Result<(), String> {
    check(what, m.span)?;
    if !is_plain_decimal(&m.amount) {
        return Err(format!("{what}: amount {:?} is not a plain decimal", m.amount));
    }
    if let Some(max) = &m.amount_max {
        if !is_plain_decimal(max) {
            return Err(format!("{what}: amount_max {max:?} is not a plain decimal"));
        }
    }
    if m.currency.is_empty() {
        return Err(format!("{what}: empty currency"));
    }
    Ok(())
}

/// A non-empty span on char boundaries inside `text` that cuts the same characters by
/// char offsets as by byte offsets.
fn check_span(text: &str, index: &CharIndex, what: &str, span: Span) -> Result<(), String> {
    let Span { start, end } = span;
    if start >= end || end > text.len() {
        return Err(format!("{what}: span {start}..{end} is empty, reversed or past the end ({} bytes)", text.len()));
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(format!("{what}: span {start}..{end} is not on char boundaries"));
    }
    let (cs, ce) = (index.char_offset(start), index.char_offset(end));
    let by_chars: String = text.chars().skip(cs).take(ce - cs).collect();
    if by_chars != text[start..end] {
        return Err(format!(
            "{what}: chars {cs}..{ce} cut {by_chars:?}, bytes {start}..{end} cut {:?}",
            &text[start..end]
        ));
    }
    Ok(())
}

fn sorted(kind: &str, spans: impl Iterator<Item = Span>) -> Result<(), String> {
    let spans: Vec<(usize, usize)> = spans.map(|s| (s.start, s.end)).collect();
    match spans.windows(2).position(|w| w[0] > w[1]) {
        Some(i) => Err(format!("{kind} not sorted by (start, end): {:?} before {:?}", spans[i], spans[i + 1])),
        None => Ok(()),
    }
}

/// Digits with at most one `.` that has digits on both sides: no sign, no exponent, no
/// grouping, no comma.
pub fn is_plain_decimal(s: &str) -> bool {
    let mut halves = s.split('.');
    let whole = halves.next().unwrap_or("");
    let digits = |h: &str| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit());
    match (halves.next(), halves.next()) {
        (None, _) => digits(whole),
        (Some(fraction), None) => digits(whole) && digits(fraction),
        (Some(_), Some(_)) => false,
    }
}
