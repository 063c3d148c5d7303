//! Reading words and symbols right next to a number, forwards and backwards, folded the
//! way the rule keys are (lower case, `ё` → `е`, dashes → `-`).
//!
//! Everything here looks at a few tokens on the same line: a money expression never spans
//! a line break, and look-ahead is bounded so a long line costs nothing extra.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::text::chars::{is_letter, is_letter_or_digit};
use crate::text::{fold_char, Folded};

/// Longest word we fold for a lookup; longer runs are not rule words.
pub(super) const MAX_WORD_CHARS: usize = 32;
/// Most whitespace characters skipped between two tokens.
const MAX_GAP_CHARS: usize = 4;

/// Whitespace that may sit inside a money expression (not a line break).
pub fn is_inline_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Zero-width characters that may sit inside a word.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{300}'..='\u{36f}')
}

pub(super) fn is_word_char(c: char) -> bool {
    is_letter(c) || is_invisible(c)
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
    for c in text.get(..pos).unwrap_or("").chars().rev().take(MAX_GAP_CHARS) {
        if !is_inline_space(c) {
            break;
        }
        at -= c.len_utf8();
    }
    at
}

fn push_folded(key: &mut String, c: char) {
    if let Some(f) = fold(c) {
        key.push(f);
    }
}

/// [`fold_char`] to one character or none, with the Russian and ASCII letters answered
/// inline (the same answers: lower case, `ё` → `е`).
#[inline]
pub(super) fn fold(c: char) -> Option<char> {
    match c {
        'а'..='я' | 'a'..='z' | '0'..='9' => Some(c),
        'А'..='Я' => char::from_u32(c as u32 + 0x20),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        c => match fold_char(c) {
            Folded::One(f) => Some(f),
            _ => None,
        },
    }
}

/// The folded letter of every two-byte Cyrillic letter U+0400 + `i` (`i` from the lead
/// byte's low bit and the second byte's low six bits), as an offset from U+0400: lower
/// case, `ё` → `е`. A test checks it against `fold`.
pub(super) const FOLDED_CYRILLIC: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = match i {
            0x01 | 0x51 => 0x35,           // Ё ё → е
            0x00..=0x0F => i as u8 + 0x50, // Ѐ..Џ → ѐ..џ
            0x10..=0x2F => i as u8 + 0x20, // А..Я → а..я
            0x60..=0x7F => i as u8 | 1,    // Ѡ ѡ … pairs: upper even, lower odd
            _ => i as u8,
        };
        i += 1;
    }
    t
};

/// rustc's Fx hasher for the short folded keys: they come from the rule files, so hash
/// flooding is not a concern, and SipHash would cost more than the rest of a lookup.
type Fast = rustc_hash::FxBuildHasher;

/// Folded keys of one or more words (`долларов сша`), with the word prefixes of longer keys
/// so a lookup reads a second word only when some key continues.
pub struct Phrases<V> {
    map: HashMap<String, V, Fast>,
    continues: HashSet<String, Fast>,
    /// The first two characters of every key's first token (see [`Heads`]).
    heads: Heads,
    /// The last character of every key, for [`lookup_prefix`].
    ends: Heads,
}

impl<V> Default for Phrases<V> {
    fn default() -> Self {
        Phrases {
            map: HashMap::default(),
            continues: HashSet::default(),
            heads: Heads::default(),
            ends: Heads::default(),
        }
    }
}

impl<V> Phrases<V> {
    /// Adds a folded key (words separated by one space); a later key replaces an earlier one.
    pub fn insert(&mut self, key: String, value: V) {
        for (i, _) in key.match_indices(' ') {
            self.continues.insert(key[..i].to_string());
        }
        self.heads.add_key(&key);
        if let Some(last) = key.chars().next_back() {
            self.ends.add(u32::from(last), NO_CHAR);
        }
        self.map.insert(key, value);
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every folded key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

/// Whether a key of any of several tables may start at a position: the union of their
/// [`Heads`], so one check stands for a look-up in each (a look-up first asks its own
/// table's heads, a subset of these bits).
#[derive(Default)]
pub struct AnyStart(Heads);

impl AnyStart {
    /// Adds the keys of `table`.
    pub fn with<V>(mut self, table: &Phrases<V>) -> AnyStart {
        for (u, t) in self.0.bits.iter_mut().zip(table.heads.bits.iter()) {
            *u |= t;
        }
        self
    }

    /// False when no key of the tables starts at `pos` ([`lookup`] returns `None` there).
    pub fn may_start_at(&self, text: &str, pos: usize) -> bool {
        self.0.may_start_at(text, pos)
    }
}

/// Bits of the [`Heads`] set.
const HEAD_BITS: u32 = 12;
/// "No character" in a head (a token of one folded character).
const NO_CHAR: u32 = u32::MAX;

/// A filter on the first two folded characters of a key's first token: most words after a
/// number (`года`, `лет`, `человек`) start no key, and are rejected here before the word
/// is folded and hashed whole. A hash set of bits: a false positive only costs the full
/// lookup.
struct Heads {
    bits: Box<[u64; 1 << (HEAD_BITS - 6)]>,
}

impl Default for Heads {
    fn default() -> Self {
        let mut heads = Heads { bits: Box::new([0; 1 << (HEAD_BITS - 6)]) };
        // A token that folds to nothing (only invisible characters) is never filtered.
        heads.add(NO_CHAR, NO_CHAR);
        heads
    }
}

impl Heads {
    fn slot(first: u32, second: u32) -> usize {
        let h = (u64::from(first) << 32 | u64::from(second)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - HEAD_BITS)) as usize
    }

    fn add(&mut self, first: u32, second: u32) {
        let s = Heads::slot(first, second);
        self.bits[s >> 6] |= 1 << (s & 63);
    }

    fn has(&self, first: u32, second: u32) -> bool {
        let s = Heads::slot(first, second);
        self.bits[s >> 6] & (1 << (s & 63)) != 0
    }

    /// The first token of `key` folds to a prefix of it, of one character or more; both
    /// its possible heads are added, so no key is ever filtered out.
    fn add_key(&mut self, key: &str) {
        let mut chars = key.chars().map(u32::from);
        if let Some(first) = chars.next() {
            self.add(first, NO_CHAR);
            if let Some(second) = chars.next() {
                self.add(first, second);
            }
        }
    }

    /// Whether a key may start with the token at `pos`: its first two folded characters,
    /// read as [`token_at`] reads them.
    fn may_start_at(&self, text: &str, pos: usize) -> bool {
        let Some(rest) = text.get(pos..) else { return true };
        let mut chars = rest.chars();
        let Some(first) = chars.next() else { return true };
        let mut head = [NO_CHAR; 2];
        let mut n = 0;
        let mut take = |c: char| {
            if let Some(f) = fold(c) {
                head[n] = u32::from(f);
                n += 1;
            }
            n == 2
        };
        if !take(first) && is_letter(first) {
            for c in chars {
                if !is_word_char(c) || take(c) {
                    break;
                }
            }
        }
        self.has(head[0], head[1])
    }
}

/// A token read at a position: a word (letters, with its trailing dot noted) or one symbol.
/// Its folded text is appended to a key buffer.
struct Token {
    /// End without the trailing dot.
    end: usize,
    /// Whether a `.` follows the word directly.
    dot: bool,
    is_word: bool,
}

fn token_at(text: &str, pos: usize, key: &mut String) -> Option<Token> {
    let rest = text.get(pos..)?;
    let first = rest.chars().next()?;
    if is_letter(first) {
        let bytes = text.as_bytes();
        let mut end = pos;
        let mut n = 0;
        // Two-byte Cyrillic letters (the common case), folded from their bytes: each is a
        // word character and folds to one letter (a test checks the table against `fold`).
        while let Some(&lead) = bytes.get(end).filter(|&&b| b & 0xFE == 0xD0) {
            if n >= MAX_WORD_CHARS {
                return None;
            }
            let folded = FOLDED_CYRILLIC[usize::from(lead & 1) << 6 | usize::from(bytes[end + 1] & 0x3F)];
            key.push(char::from_u32(0x400 + u32::from(folded)).unwrap_or_default());
            end += 2;
            n += 1;
        }
        for c in text[end..].chars() {
            if !is_word_char(c) {
                break;
            }
            if n >= MAX_WORD_CHARS {
                return None;
            }
            push_folded(key, c);
            end += c.len_utf8();
            n += 1;
        }
        let dot = text.as_bytes().get(end) == Some(&b'.');
        Some(Token { end, dot, is_word: true })
    } else if first.is_whitespace() || is_letter_or_digit(first) {
        None
    } else {
        push_folded(key, first);
        Some(Token { end: pos + first.len_utf8(), dot: false, is_word: false })
    }
}

/// The longest key of `phrases` written at `pos` (at most `max_words` tokens on one line);
/// returns the value and the end of the matched text. Words match whole.
pub fn lookup<'m, V>(phrases: &'m Phrases<V>, text: &str, pos: usize, max_words: usize) -> Option<(&'m V, usize)> {
    if !phrases.heads.may_start_at(text, pos) {
        return None;
    }
    LOOKUP_KEY.with_borrow_mut(|key| {
        key.clear();
        lookup_with(phrases, text, pos, max_words, key)
    })
}

thread_local! {
    /// The key buffer of [`lookup`], kept between calls (it is called several times per
    /// number, and a fresh `String` each time was an allocation).
    static LOOKUP_KEY: RefCell<String> = RefCell::new(String::with_capacity(48));
}

/// [`lookup`] building its key in `key` (empty).
fn lookup_with<'m, V>(
    phrases: &'m Phrases<V>,
    text: &str,
    pos: usize,
    max_words: usize,
    key: &mut String,
) -> Option<(&'m V, usize)> {
    let mut best = None;
    let mut at = pos;
    for n in 0..max_words.max(1) {
        if n > 0 {
            key.push(' ');
        }
        let Some(tok) = token_at(text, at, key) else { break };
        let continues = if tok.dot {
            key.push('.');
            let with_dot = phrases.get(key.as_str());
            let continues = phrases.continues.contains(key.as_str());
            key.pop();
            match with_dot {
                Some(v) => best = Some((v, tok.end + 1)),
                None => {
                    if let Some(v) = phrases.get(key.as_str()) {
                        best = Some((v, tok.end));
                    }
                }
            }
            key.push('.');
            at = tok.end + 1;
            continues
        } else {
            if let Some(v) = phrases.get(key.as_str()) {
                best = Some((v, tok.end));
            }
            at = tok.end;
            tok.is_word && phrases.continues.contains(key.as_str())
        };
        if !continues {
            break;
        }
        let next = skip_space(text, at);
        if next == at {
            break;
        }
        at = next;
    }
    best
}

/// The longest key of `phrases` that ends right before `pos` (one or two words, on one
/// line); returns the value and where the matched text starts. The match starts at a word
/// boundary.
pub fn lookup_back<'m, V>(phrases: &'m Phrases<V>, text: &str, pos: usize) -> Option<(&'m V, usize)> {
    let end1 = skip_space_back(text, pos);
    let start1 = word_start_back(text, end1)?;
    let mut key = String::with_capacity(32);
    let end0 = skip_space_back(text, start1);
    if end0 < start1 {
        if let Some(start0) = word_start_back(text, end0) {
            fold_into(&text[start0..end0], &mut key);
            if phrases.continues.contains(key.as_str()) {
                key.push(' ');
                fold_into(&text[start1..end1], &mut key);
                if let Some(v) = phrases.get(&key) {
                    return Some((v, start0));
                }
            }
            key.clear();
        }
    }
    fold_into(&text[start1..end1], &mut key);
    phrases.get(&key).map(|v| (v, start1))
}

/// Start of the word (or single symbol) that ends at `end`.
fn word_start_back(text: &str, end: usize) -> Option<usize> {
    let before = text.get(..end)?;
    let last = before.chars().next_back()?;
    if !is_word_char(last) {
        if last.is_whitespace() || is_letter_or_digit(last) {
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

fn fold_into(s: &str, key: &mut String) {
    for c in s.chars() {
        push_folded(key, c);
    }
}

/// A currency form written right before a number at `pos` (`$500`, `USD 500`, `(US$500`):
/// the value, where the form starts, and whether it is glued to the number.
pub fn lookup_prefix<'m, V>(phrases: &'m Phrases<V>, text: &str, pos: usize) -> Option<(&'m V, usize, bool)> {
    let end = skip_space_back(text, pos);
    let glued = end == pos;
    let before = text.get(..end)?;
    // Every key tried below ends with the folded last character (unless it folds to nothing).
    if let Some(last) = fold(before.chars().next_back()?) {
        if !phrases.ends.has(u32::from(last), NO_CHAR) {
            return None;
        }
    }
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
    let mut key = String::with_capacity(16);
    for &s in starts.iter().rev() {
        let first = char_at(text, s)?;
        if is_letter(first) && char_before(text, s).is_some_and(is_word_char) {
            continue;
        }
        key.clear();
        fold_into(&text[s..end], &mut key);
        if let Some(v) = phrases.get(&key) {
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
    let start = text.get(..pos).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
    let end = text.get(pos..).and_then(|a| a.find('\n')).map_or(text.len(), |i| pos + i);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: &[&str]) -> Phrases<usize> {
        let mut p = Phrases::default();
        for (i, k) in keys.iter().enumerate() {
            p.insert(k.to_string(), i);
        }
        p
    }

    #[test]
    fn forward_lookup_prefers_longest_and_handles_dots() {
        let m = map(&["долларов", "долларов сша", "руб.", "р."]);
        let t = "долларов США.";
        assert_eq!(lookup(&m, t, 0, 3), Some((&1, t.len() - 1)));
        assert_eq!(lookup(&m, "долларов, а", 0, 3), Some((&0, "долларов".len())));
        assert_eq!(lookup(&m, "руб. 98", 0, 3), Some((&2, "руб.".len())));
        assert_eq!(lookup(&m, "р", 0, 3), None);
        assert_eq!(lookup(&m, "рублевый", 0, 3), None);
    }

    #[test]
    fn inline_fold_agrees_with_fold_char() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let want = match fold_char(c) {
                Folded::One(f) => Some(f),
                _ => None,
            };
            assert_eq!(fold(c), want, "{c:?}");
        }
    }

    #[test]
    fn backward_lookups() {
        let m = map(&["до", "не более", "$", "usd"]);
        let t = "сумма не более ";
        assert_eq!(lookup_back(&m, t, t.len()), Some((&1, "сумма ".len())));
        assert_eq!(lookup_back(&m, "вплоть до", "вплоть до".len()), Some((&0, "вплоть ".len())));
        assert_eq!(lookup_back(&m, "вплоть до", "вплоть".len()), None);
        let t = "цена:$";
        assert_eq!(lookup_prefix(&m, t, t.len()), Some((&2, t.len() - 1, true)));
        assert_eq!(lookup_prefix(&m, "(USD ", 5), Some((&3, 1, false)));
        assert_eq!(lookup_prefix(&m, "XUSD", 4), None);
    }
}
