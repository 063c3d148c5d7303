//! Which lines can hold an amount at all: those where a currency form may be written.
//!
//! Most digits and number words in news are dates, years, counts and percentages on lines
//! that name no currency. Parsing each of them costs a dozen look-ups; reading the line once
//! for a currency form costs a few instructions a byte. [`CurrencyStarts::each_line`] finds
//! the lines worth parsing, and `extract_money` runs the trigger scan on those lines only.
//!
//! # Why skipping the other lines changes nothing
//!
//! 1. An amount needs a currency: `amount_at` reports one only when a look-up of
//!    `currency_after` or `minor` ([`super::scan::lookup`]) or of `currency_before`
//!    ([`super::scan::lookup_prefix`]) matched, on the trigger's line (no step of an
//!    expression crosses a `\n`: tokens hold no whitespace, gaps are inline spaces, the
//!    bracket search stops at `\n`).
//! 2. Such a match starts, at some position `q` of that line, with either
//!    - a word `W` (letters and invisible characters) with no word character right before
//!      `q`, whose fold up to its first non-letter (`ʼ` folds to `'`) is the longest run of
//!      letters the key starts with: `lookup` is only
//!      called after spaces, digits, `)`, `.` or a whole word (so a word there starts at
//!      `q`), and folds the word and then a `.`, a space or nothing; `lookup_prefix` starts
//!      a letter at a word boundary, and what follows the word up to the number is not a
//!      word character, whose fold is never a letter (a test checks every character);
//!    - or a character that is neither a letter, a digit nor a space, folding to the first
//!      character of a key that starts with a non-letter (`$`, `€`);
//!    - or a character that folds to nothing (a soft hyphen, a direction mark), which may
//!      hide in a key match: lines holding one are always kept.
//!
//!    [`CurrencyStarts`] holds those longest letter runs and first characters of every key.
//! 3. So on a line where none of these occurs no trigger yields an amount, and every
//!    trigger's resume offset stays on its line (a value, a date or a word never passes a
//!    `\n`): the scan enters the next line exactly as it would have after parsing.
//!    Running the trigger scan on a kept line alone is the same as running it there within
//!    the whole text: nothing before the line changes where it resumes, and the word scan
//!    sees a line start as it sees the character after `\n`.
//!
//! The test `only_currency_lines_matter` compares both ways on random mixes of number
//! words, digits, currency forms and junk.

use std::collections::HashSet;

use super::scan::{fold, is_word_char, MAX_WORD_CHARS};
use super::triggers::is_punctuation;
use crate::extract::lanes;
use crate::text::chars::is_letter;
use crate::text::{fold_char, Folded};

/// Bits of the head filter.
const HEAD_BITS: u32 = 16;
/// Letters in a head.
const HEAD_LETTERS: usize = 4;
/// Letters in a long head.
const LONG_HEAD_LETTERS: usize = 8;

/// What a currency form can start with (see the module comment).
pub struct CurrencyStarts {
    /// The folded longest letter run every key starts with (`руб` for `руб.`, `долл` for
    /// `долл. сша`, `usd`).
    words: HashSet<Box<[u8]>, rustc_hash::FxBuildHasher>,
    /// The first four letters (or all, when fewer) of every entry of `words` that starts
    /// with Cyrillic letters, as raw bytes in every case, hashed: most words are rejected
    /// before they are folded whole.
    heads: Box<[u64; 1 << (HEAD_BITS - 6)]>,
    /// The first eight Cyrillic letters (or all, when fewer) of every entry of `words`,
    /// folded and hashed: the second filter, for the words passing `heads`.
    long_heads: Box<[u64; 1 << (HEAD_BITS - 6)]>,
    /// ASCII non-letters a key starts with (`$`).
    ascii_symbols: [bool; 128],
    /// Other non-letters a key starts with (`€`, `₽`).
    symbols: Vec<char>,
    /// Some key starts with nothing we can look for: keep every line.
    every_line: bool,
}

impl CurrencyStarts {
    /// The starts of `keys` (folded currency forms).
    pub fn new<'k>(keys: impl IntoIterator<Item = &'k str>) -> CurrencyStarts {
        let mut starts = CurrencyStarts {
            words: HashSet::default(),
            heads: Box::new([0; 1 << (HEAD_BITS - 6)]),
            long_heads: Box::new([0; 1 << (HEAD_BITS - 6)]),
            ascii_symbols: [false; 128],
            symbols: Vec::new(),
            every_line: false,
        };
        let mut written = vec![Vec::new(); 0x80];
        for d in '\u{400}'..='\u{47f}' {
            if let Some(i) = fold(d).and_then(cyrillic_offset) {
                let mut b = [0u8; 4];
                d.encode_utf8(&mut b);
                written[i].push(u64::from(u16::from_le_bytes([b[0], b[1]])));
            }
        }
        for key in keys {
            let letters: String = key.chars().take_while(|&c| is_letter(c)).collect();
            match key.chars().next() {
                None => starts.every_line = true,
                Some(_) if !letters.is_empty() => {
                    if !starts.words.contains(letters.as_bytes()) {
                        starts.add_head(&letters, &written);
                        starts.words.insert(letters.into_bytes().into_boxed_slice());
                    }
                }
                // Spaces and control characters are not looked for.
                Some(c) if c <= ' ' => starts.every_line = true,
                Some(c) if c.is_ascii() => starts.ascii_symbols[usize::from(c as u8)] = true,
                Some(c) => starts.symbols.push(c),
            }
        }
        starts
    }

    /// Adds the head of a key's letters: its first Cyrillic letters (U+0400..U+047F, at
    /// most four), as every case of them is written.
    /// `written[i]`: the two bytes of every Cyrillic letter folding to U+0400 + `i`.
    fn add_head(&mut self, word: &str, written: &[Vec<u64>]) {
        let mut heads = vec![0u64];
        for (k, c) in word.chars().take(HEAD_LETTERS).enumerate() {
            let Some(forms) = cyrillic_offset(c).map(|i| &written[i]).filter(|f| !f.is_empty()) else {
                break;
            };
            heads = heads.iter().flat_map(|h| forms.iter().map(move |f| h | f << (16 * k))).collect();
        }
        for h in heads {
            set_bit(&mut self.heads[..], head_slot(h));
        }
        let mut long = 0u128;
        for (k, c) in word.chars().take(LONG_HEAD_LETTERS).enumerate() {
            match fold(c).and_then(cyrillic_offset) {
                Some(i) => long |= (i as u128 + 1) << (8 * k),
                None => break,
            }
        }
        set_bit(&mut self.long_heads[..], long_slot(long));
    }

    /// Calls `f(start, end)` for every line (byte range without its `\n`) of `text` where
    /// a currency form may start, in text order.
    ///
    /// Only the places a form can start at are looked at, found 64 bytes at a time
    /// ([`lanes`]): Cyrillic run starts (every Cyrillic word start is one), and the
    /// [`lanes::marks`]: ASCII letters and symbols, other characters outside Cyrillic (and
    /// `\n`, which starts no key). A word is checked where its first letter comes after no
    /// letter of the same kind (a superset of the word starts); after a hit the rest of the
    /// line is skipped.
    pub fn each_line(&self, text: &str, mut f: impl FnMut(usize, usize)) {
        if self.every_line {
            f(0, text.len());
            return;
        }
        let bytes = text.as_bytes();
        // Places before this are on a line already reported.
        let mut skip_to = 0;
        for block in lanes::lead_blocks(bytes) {
            let base = block.base;
            if base + 64 <= skip_to {
                continue;
            }
            let mut places = block.run_starts | lanes::bits64(bytes, base, lanes::Class::Marks);
            while places != 0 {
                let q = base + places.trailing_zeros() as usize;
                places &= places - 1;
                if q < skip_to {
                    continue;
                }
                let b = bytes[q];
                let hit = if b & 0xFE == 0xD0 {
                    self.cyrillic_word_at(text, q)
                } else if b.is_ascii_alphabetic() {
                    !(q > 0 && bytes[q - 1].is_ascii_alphabetic()) && self.word_at(text, q)
                } else if b.is_ascii() {
                    self.ascii_symbols[usize::from(b)]
                } else {
                    self.other_at(text, q)
                };
                if hit {
                    let start = text[..q].rfind('\n').map_or(0, |k| k + 1);
                    let end = text[q..].find('\n').map_or(text.len(), |k| q + k);
                    f(start, end);
                    skip_to = end;
                }
            }
        }
    }

    /// At a character outside ASCII and Cyrillic: a letter starts a word, a symbol may
    /// start a key, and one that folds to nothing may hide inside a key.
    fn other_at(&self, text: &str, q: usize) -> bool {
        let c = text[q..].chars().next().unwrap_or_default();
        match fold_char(c) {
            Folded::One(_) if !is_punctuation(c) && is_letter(c) => self.word_at(text, q),
            Folded::One(f) => self.symbols.contains(&f),
            Folded::Space { .. } => false,
            Folded::Nothing => true,
        }
    }

    /// Whether the word at `pos` (a Cyrillic letter) may start a key: its first Cyrillic
    /// letters (at most four) as raw bytes must be one of the written forms of a key's
    /// first Cyrillic letters; only then is the word folded whole. (A character other than
    /// a Cyrillic letter folds to none, or to nothing, and a line with such a character is
    /// always kept, see [`CurrencyStarts::other_at`].)
    fn cyrillic_word_at(&self, text: &str, pos: usize) -> bool {
        let x = lanes::load(text.as_bytes(), pos);
        has_bit(&self.heads[..], head_slot(head_bytes(x, cyrillic_letters(x))))
            && has_bit(&self.long_heads[..], long_slot(folded_cyrillic_prefix(text.as_bytes(), pos)))
            && self.word_at(text, pos)
    }

    /// Whether the whole word at `pos`, folded as `lookup` folds it, is in `words`.
    fn word_at(&self, text: &str, pos: usize) -> bool {
        let bytes = text.as_bytes();
        let mut buf = [0u8; 4 * MAX_WORD_CHARS];
        let mut len = 0;
        let mut n = 0;
        let mut p = pos;
        // Two-byte Cyrillic letters, folded from their bytes (the common case).
        while let Some(&lead) = bytes.get(p).filter(|&&b| b & 0xFE == 0xD0) {
            if n >= MAX_WORD_CHARS {
                return false;
            }
            let folded = FOLDED_CYRILLIC[usize::from(lead & 1) << 6 | usize::from(bytes[p + 1] & 0x3F)];
            buf[len] = 0xD0 | folded >> 6;
            buf[len + 1] = 0x80 | (folded & 0x3F);
            len += 2;
            n += 1;
            p += 2;
        }
        for c in text[p..].chars() {
            if is_punctuation(c) || !is_word_char(c) {
                break;
            }
            if n >= MAX_WORD_CHARS {
                return false;
            }
            n += 1;
            match fold(c) {
                // A key holds this word's letters, then a non-letter (`ʼ` folds to `'`).
                Some(f) if !is_letter(f) => break,
                Some(f) => len += f.encode_utf8(&mut buf[len..]).len(),
                None => {}
            }
        }
        self.words.contains(&buf[..len])
    }
}

/// The folded letter of every two-byte Cyrillic letter U+0400 + `i` (`i` from the lead
/// byte's low bit and the second byte's low six bits), as an offset from U+0400: lower
/// case, `ё` → `е`. A test checks it against `fold`.
const FOLDED_CYRILLIC: [u8; 128] = {
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

/// `c` as an offset from U+0400 when it is a two-byte Cyrillic letter (U+0400..U+047F).
fn cyrillic_offset(c: char) -> Option<usize> {
    (u32::from(c) as usize).checked_sub(0x400).filter(|&i| i < 0x80)
}

fn set_bit(bits: &mut [u64], slot: usize) {
    bits[slot >> 6] |= 1 << (slot & 63);
}

fn has_bit(bits: &[u64], slot: usize) -> bool {
    bits[slot >> 6] & (1 << (slot & 63)) != 0
}

/// The first Cyrillic letters from `pos` (at most eight), folded, one byte each (the
/// offset from U+0400 plus one; zero past the last).
fn folded_cyrillic_prefix(bytes: &[u8], pos: usize) -> u128 {
    let mut key = 0u128;
    let mut p = pos;
    for k in 0..LONG_HEAD_LETTERS {
        match bytes.get(p) {
            Some(&lead) if lead & 0xFE == 0xD0 => {
                let folded = FOLDED_CYRILLIC[usize::from(lead & 1) << 6 | usize::from(bytes[p + 1] & 0x3F)];
                key |= u128::from(folded + 1) << (8 * k);
                p += 2;
            }
            _ => break,
        }
    }
    key
}

fn long_slot(key: u128) -> usize {
    head_slot(key as u64 ^ ((key >> 64) as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD))
}

fn head_slot(head: u64) -> usize {
    ((head ^ head >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - HEAD_BITS)) as usize
}

/// How many two-byte Cyrillic letters (lead byte D0 or D1) `x` starts with, at most four.
fn cyrillic_letters(x: u64) -> usize {
    let not_lead = (x & 0x00FE_00FE_00FE_00FE) ^ 0x00D0_00D0_00D0_00D0;
    (not_lead.trailing_zeros() / 16) as usize
}

/// The bytes of the first `letters` letters of `x` (the rest zeroed), `letters` from 1.
fn head_bytes(x: u64, letters: usize) -> u64 {
    x & (u64::MAX >> (64 - 16 * letters))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=0x10FFFFu32).filter_map(char::from_u32)
    }

    /// Step 2 of the module comment: what follows a word folds to no letter.
    #[test]
    fn non_word_characters_never_fold_to_a_letter() {
        for c in all_chars().filter(|&c| !is_word_char(c)) {
            if let Some(f) = fold(c) {
                assert!(!is_letter(f), "{c:?} folds to {f:?}");
            }
        }
    }

    #[test]
    fn folded_cyrillic_table_agrees_with_fold() {
        for c in '\u{400}'..='\u{47f}' {
            let i = u32::from(c) as usize - 0x400;
            let want = fold(c).map(|f| u32::from(f) - 0x400);
            assert_eq!(Some(u32::from(FOLDED_CYRILLIC[i])), want, "{c:?}");
        }
    }

    /// Only Cyrillic letters fold to Cyrillic letters (the head of a word stops where its
    /// Cyrillic letters do).
    #[test]
    fn only_cyrillic_folds_to_cyrillic() {
        let cyrillic = |c: char| ('\u{400}'..='\u{47f}').contains(&c);
        for c in all_chars().filter(|&c| !cyrillic(c)) {
            assert!(!fold(c).is_some_and(cyrillic), "{c:?}");
        }
    }

    /// The fast path reads the letter count and head bytes as a byte loop would.
    #[test]
    fn cyrillic_heads() {
        for text in ["р", "руб", "рубль", "руб.", "Ёж1", "жx", "рублей»"] {
            let bytes = text.as_bytes();
            let x = lanes::load(bytes, 0);
            let n = (0..HEAD_LETTERS).take_while(|&k| bytes.get(2 * k).is_some_and(|b| b & 0xFE == 0xD0)).count();
            assert_eq!(cyrillic_letters(x), n, "{text}");
            let mut want = [0u8; 8];
            want[..2 * n].copy_from_slice(&bytes[..2 * n]);
            assert_eq!(head_bytes(x, n), u64::from_le_bytes(want), "{text}");
        }
    }

    fn lines(starts: &CurrencyStarts, text: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        starts.each_line(text, |s, e| v.push((s, e)));
        v
    }

    #[test]
    fn keeps_the_lines_with_a_currency_start() {
        let s = CurrencyStarts::new(["руб.", "долл. сша", "$", "€", "usd", "р."]);
        let text = "2021 год\n500 Руб\nРубль 5\nцена $5\nцена 5 €\nUSD\nр\nдоллар\nру\u{ad}б\n5 ДОЛЛ.";
        let kept: Vec<&str> = lines(&s, text).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(kept, ["500 Руб", "цена $5", "цена 5 €", "USD", "р", "ру\u{ad}б", "5 ДОЛЛ."]);
    }
}
