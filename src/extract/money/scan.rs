//! Reading words and symbols right next to a number, forwards and backwards, folded the
//! way the rule keys are (lower case, `ё` → `е`, dashes → `-`).
//!
//! Everything here looks at a few tokens on the same line: a money expression never spans
//! a line break, and look-ahead is bounded so a long line costs nothing extra.

use std::collections::HashMap;

use crate::text::{fold_char, Folded};

/// Longest word we fold for a lookup; longer runs are not rule words.
const MAX_WORD_CHARS: usize = 32;
/// Most whitespace characters skipped between two tokens.
const MAX_GAP_CHARS: usize = 4;

/// Whitespace that may sit inside a money expression (not a line break).
pub fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Zero-width characters that may sit inside a word.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{300}'..='\u{36f}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || is_invisible(c)
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

pub fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

/// Position after at most a few inline spaces from `pos`.
pub fn skip_space(text: &str, pos: usize) -> usize {
    let mut at = pos;
    for c in text.get(pos..).unwrap_or("").chars().take(MAX_GAP_CHARS) {
        if !is_inline_space(c) {
            break;
        }
        at += c.len_utf8();
    }
    at
}

/// Position before at most a few inline spaces ending at `pos`.
pub fn skip_space_back(text: &str, pos: usize) -> usize {
    let mut at = pos;
    for c in text
        .get(..pos)
        .unwrap_or("")
        .chars()
        .rev()
        .take(MAX_GAP_CHARS)
    {
        if !is_inline_space(c) {
            break;
        }
        at -= c.len_utf8();
    }
    at
}

fn push_folded(key: &mut String, c: char) {
    if let Folded::One(f) = fold_char(c) {
        key.push(f);
    }
}

/// One token: a word (letters, with its trailing dot noted) or a single symbol.
#[derive(Debug)]
struct Token {
    folded: String,
    /// End without the trailing dot.
    end: usize,
    /// Whether a `.` follows the word directly.
    dot: bool,
    is_word: bool,
}

fn token_at(text: &str, pos: usize) -> Option<Token> {
    let rest = text.get(pos..)?;
    let first = rest.chars().next()?;
    if first.is_alphabetic() {
        let mut folded = String::new();
        let mut end = pos;
        for (n, c) in rest.chars().enumerate() {
            if !is_word_char(c) {
                break;
            }
            if n >= MAX_WORD_CHARS {
                return None;
            }
            push_folded(&mut folded, c);
            end += c.len_utf8();
        }
        let dot = text.as_bytes().get(end) == Some(&b'.');
        Some(Token {
            folded,
            end,
            dot,
            is_word: true,
        })
    } else if first.is_whitespace() || first.is_ascii_digit() || first.is_alphanumeric() {
        None
    } else {
        let mut folded = String::new();
        push_folded(&mut folded, first);
        Some(Token {
            folded,
            end: pos + first.len_utf8(),
            dot: false,
            is_word: false,
        })
    }
}

/// The longest key of `map` written at `pos` (up to `max_words` tokens on one line); returns
/// the value and the end of the matched text. Words must end at a word boundary.
pub fn lookup<'m, V>(
    map: &'m HashMap<String, V>,
    text: &str,
    pos: usize,
    max_words: usize,
) -> Option<(&'m V, usize)> {
    let mut tokens: Vec<Token> = Vec::with_capacity(max_words);
    let mut at = pos;
    while tokens.len() < max_words.max(1) {
        let Some(tok) = token_at(text, at) else { break };
        let is_word = tok.is_word;
        at = if tok.dot { tok.end + 1 } else { tok.end };
        tokens.push(tok);
        // A symbol is a key by itself; and a word key never continues past a digit.
        if !is_word {
            break;
        }
        let next = skip_space(text, at);
        if next == at {
            break;
        }
        at = next;
    }
    let mut key = String::new();
    for n in (1..=tokens.len()).rev() {
        key.clear();
        for tok in &tokens[..n - 1] {
            key.push_str(&tok.folded);
            if tok.dot {
                key.push('.');
            }
            key.push(' ');
        }
        let last = &tokens[n - 1];
        key.push_str(&last.folded);
        if last.dot {
            key.push('.');
            if let Some(v) = map.get(&key) {
                return Some((v, last.end + 1));
            }
            key.pop();
        }
        if let Some(v) = map.get(&key) {
            return Some((v, last.end));
        }
    }
    None
}

/// The longest key of `map` that ends right before `pos` (up to two words, on one line);
/// returns the value and where the matched text starts. The match must start at a word
/// boundary.
pub fn lookup_back<'m, V>(
    map: &'m HashMap<String, V>,
    text: &str,
    pos: usize,
) -> Option<(&'m V, usize)> {
    let end1 = skip_space_back(text, pos);
    let start1 = word_start_back(text, end1)?;
    let end0 = skip_space_back(text, start1);
    if end0 < start1 {
        if let Some(start0) = word_start_back(text, end0) {
            let key = format!(
                "{} {}",
                fold(&text[start0..end0]),
                fold(&text[start1..end1])
            );
            if let Some(v) = map.get(&key) {
                return Some((v, start0));
            }
        }
    }
    map.get(&fold(&text[start1..end1])).map(|v| (v, start1))
}

/// Start of the word (or single symbol) that ends at `end`.
fn word_start_back(text: &str, end: usize) -> Option<usize> {
    let before = text.get(..end)?;
    let last = before.chars().next_back()?;
    if !is_word_char(last) {
        if last.is_whitespace() || last.is_alphanumeric() {
            return None;
        }
        return Some(end - last.len_utf8());
    }
    let mut start = end;
    for (n, c) in before.chars().rev().enumerate() {
        if !is_word_char(c) {
            break;
        }
        if n >= MAX_WORD_CHARS {
            return None;
        }
        start -= c.len_utf8();
    }
    Some(start)
}

fn fold(s: &str) -> String {
    let mut key = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(&mut key, c);
    }
    key
}

/// A currency form written right before a number at `pos` (`$500`, `USD 500`, `(US$500`):
/// the value, where the form starts, and whether it is glued to the number.
pub fn lookup_prefix<'m, V>(
    map: &'m HashMap<String, V>,
    text: &str,
    pos: usize,
) -> Option<(&'m V, usize, bool)> {
    let end = skip_space_back(text, pos);
    let glued = end == pos;
    let before = text.get(..end)?;
    // The run of non-space, non-digit characters before the number, at most 8 chars.
    let mut starts = Vec::with_capacity(8);
    let mut start = end;
    for c in before.chars().rev().take(8) {
        if c.is_whitespace() || c.is_ascii_digit() {
            break;
        }
        start -= c.len_utf8();
        starts.push(start);
    }
    // Longest suffix first; it must start at a word boundary.
    for &s in starts.iter().rev() {
        let first = char_at(text, s)?;
        if first.is_alphabetic() && char_before(text, s).is_some_and(is_word_char) {
            continue;
        }
        if let Some(v) = map.get(&fold(&text[s..end])) {
            return Some((v, s, glued));
        }
    }
    None
}

/// Whether the word at `pos` ends at a word boundary (`end` is where it ends).
pub fn ends_word(text: &str, end: usize) -> bool {
    !char_at(text, end).is_some_and(is_word_char)
}

/// The line around byte `pos`.
pub fn line_around(text: &str, pos: usize) -> &str {
    let start = text
        .get(..pos)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(pos..)
        .and_then(|a| a.find('\n'))
        .map_or(text.len(), |i| pos + i);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: &[&str]) -> HashMap<String, usize> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), i))
            .collect()
    }

    #[test]
    fn forward_lookup_prefers_longest_and_handles_dots() {
        let m = map(&["долларов", "долларов сша", "руб.", "р."]);
        let t = "долларов США.";
        assert_eq!(lookup(&m, t, 0, 3), Some((&1, t.len() - 1)));
        assert_eq!(
            lookup(&m, "долларов, а", 0, 3),
            Some((&0, "долларов".len()))
        );
        assert_eq!(lookup(&m, "руб. 98", 0, 3), Some((&2, "руб.".len())));
        assert_eq!(lookup(&m, "р", 0, 3), None);
        assert_eq!(lookup(&m, "рублевый", 0, 3), None);
    }

    #[test]
    fn backward_lookups() {
        let m = map(&["до", "не более", "$", "usd"]);
        let t = "сумма не более ";
        assert_eq!(lookup_back(&m, t, t.len()), Some((&1, "сумма ".len())));
        assert_eq!(
            lookup_back(&m, "вплоть до", "вплоть до".len()),
            Some((&0, "вплоть ".len()))
        );
        assert_eq!(lookup_back(&m, "вплоть до", "вплоть".len()), None);
        let t = "цена:$";
        assert_eq!(lookup_prefix(&m, t, t.len()), Some((&2, t.len() - 1, true)));
        assert_eq!(lookup_prefix(&m, "(USD ", 5), Some((&3, 1, false)));
        assert_eq!(lookup_prefix(&m, "XUSD", 4), None);
    }
}
