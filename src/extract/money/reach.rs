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
//! 4. A word whose run of letters starts only keys written after a number (`российских`
//!    of `российских рублей`), none of them the run alone, keeps its line only when
//!    `lookup` of those tables (`currency_after`, `minor`, at their usual word limit)
//!    matches there: by step 2 every such match starts at a word start the scan visits, and
//!    it is the very look-up `amount_at` would make there.
//!
//! The test `only_currency_lines_matter` compares both ways on random mixes of number
//! words, digits, currency forms and junk.

mod letter_pairs;

use std::collections::HashMap;

use letter_pairs::LetterPairs;

use super::scan::{fold, is_word_char, FOLDED_CYRILLIC, MAX_WORD_CHARS};
use super::triggers::is_punctuation;
use crate::extract::lanes;
use crate::text::block16::Block16;
#[cfg(target_arch = "x86_64")]
use crate::text::block16::{Avx2, Block32};
use crate::text::chars::is_letter;
use crate::text::{fold_char, Folded};

/// Bits of the head filter.
const HEAD_BITS: u32 = 16;
/// Letters in a head.
const HEAD_LETTERS: usize = 4;
/// Letters in a long head (one byte each in a `u64`).
const LONG_HEAD_LETTERS: usize = 8;
const _: () = assert!(LONG_HEAD_LETTERS <= 8);

/// What a currency form can start with (see the module comment).
pub struct CurrencyStarts {
    /// The folded longest letter run every key starts with (`руб` for `руб.`, `долл` for
    /// `долл. сша`, `usd`).
    /// Each with whether it needs its whole phrase confirmed: true when it comes only from
    /// keys written after a number, none of them the run alone (`российских` of
    /// `российских рублей`).
    words: HashMap<Box<[u8]>, bool, rustc_hash::FxBuildHasher>,
    /// Hashed heads of every entry of `words`: its first four letters (or all, when fewer)
    /// when it starts with Cyrillic letters, as raw bytes in every case, and its first four
    /// ASCII letters (or all, when fewer) when it starts with one: most words are rejected
    /// before they are folded whole.
    heads: Box<[u64; 1 << (HEAD_BITS - 6)]>,
    /// The first eight Cyrillic letters (or all, when fewer) of every entry of `words`,
    /// folded and hashed: the second filter, for the words passing `heads`.
    long_heads: Box<[u64; 1 << (HEAD_BITS - 6)]>,
    /// ASCII non-letters a key starts with (`$`).
    ascii_symbols: [bool; 128],
    /// The same when there are one or two (the second may repeat the first), looked for
    /// sixteen bytes at a time; with none, a byte no text holds; with more, every ASCII
    /// symbol is looked at.
    ascii_symbol_pair: Option<[u8; 2]>,
    /// Other non-letters a key starts with (`€`, `₽`).
    symbols: Vec<char>,
    /// One bit per character of U+0000..U+FFFF outside ASCII and U+0400..U+047F: set when
    /// [`CurrencyStarts::other_at`] may be true there (it starts a word, is a symbol a key
    /// starts with, or folds to nothing).
    others: Box<[u64; 1 << 10]>,
    /// Some key starts with nothing we can look for: keep every line.
    every_line: bool,
    /// The first two letters the entries of `words` starting with a Cyrillic letter begin
    /// with, for the AVX2 scan.
    pairs: LetterPairs,
}

/// The places of one 64-byte block a key may start at, one bit per byte (bit `k` for byte
/// `base + k`).
#[derive(Clone, Copy, Default)]
struct Places {
    /// Lead bytes of two-byte Cyrillic letters (D0, D1).
    lead: u64,
    /// The ASCII symbols of `ascii_symbols`, and lead bytes of other characters from
    /// U+0080 (C0..=FF but D0 and D1).
    other: u64,
    /// ASCII letters (a Latin word is asked at its first one).
    latin: u64,
    /// The places whose first two letters may begin an entry of `words`, were a word to
    /// start there ([`LetterPairs`]); every place when the scan does not check them.
    pairs: u64,
}

/// Whether a key may start at a place.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Start {
    No,
    Yes,
    /// Only if the whole phrase of a key written after a number is there.
    Phrase,
}

impl Start {
    fn holds(self, phrase: impl FnOnce() -> bool) -> bool {
        match self {
            Start::No => false,
            Start::Yes => true,
            Start::Phrase => phrase(),
        }
    }
}

/// What a character outside ASCII and U+0400..U+047F may be at the start of a key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Other {
    /// Nothing: a space, or a symbol no key starts with.
    No,
    /// A letter: the word it starts may be one.
    Word,
    /// A symbol a key starts with, or a character that folds to nothing.
    Yes,
}

/// One way to find a block's [`Places`]: sixteen bytes at a time on every target, or 32
/// with AVX2 (which also checks the letter pairs).
trait Classify: Copy {
    /// The places of the 64 bytes from `base`.
    ///
    /// # Safety
    /// The processor must have the instructions the implementation uses.
    unsafe fn places(self, starts: &CurrencyStarts, bytes: &[u8], base: usize) -> Places;
}

/// [`Block16`]: SSE2 on x86-64, plain code elsewhere; every word is asked.
#[derive(Clone, Copy)]
struct Blocks16;

impl Classify for Blocks16 {
    #[inline(always)]
    unsafe fn places(self, starts: &CurrencyStarts, bytes: &[u8], base: usize) -> Places {
        starts.places(bytes, base)
    }
}

/// [`Block32`] and the letter pairs, where the processor has AVX2.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Blocks32;

#[cfg(target_arch = "x86_64")]
impl Classify for Blocks32 {
    #[inline(always)]
    unsafe fn places(self, starts: &CurrencyStarts, bytes: &[u8], base: usize) -> Places {
        // SAFETY: the caller vouches for AVX2.
        unsafe { starts.places32(bytes, base) }
    }
}

impl CurrencyStarts {
    /// The starts of `before` and `after` (folded currency forms written before a number,
    /// and after it or as minor units).
    pub fn new<'k>(
        before: impl IntoIterator<Item = &'k str>,
        after: impl IntoIterator<Item = &'k str>,
    ) -> CurrencyStarts {
        let mut starts = CurrencyStarts {
            words: HashMap::default(),
            heads: Box::new([0; 1 << (HEAD_BITS - 6)]),
            long_heads: Box::new([0; 1 << (HEAD_BITS - 6)]),
            ascii_symbols: [false; 128],
            ascii_symbol_pair: None,
            symbols: Vec::new(),
            others: Box::new([0; 1 << 10]),
            every_line: false,
            pairs: LetterPairs::default(),
        };
        let mut written = vec![Vec::new(); 0x80];
        for d in '\u{400}'..='\u{47f}' {
            if let Some(i) = fold(d).and_then(cyrillic_offset) {
                let mut b = [0u8; 4];
                d.encode_utf8(&mut b);
                written[i].push(u64::from(u16::from_le_bytes([b[0], b[1]])));
            }
        }
        let keys = before.into_iter().map(|k| (k, false)).chain(after.into_iter().map(|k| (k, true)));
        for (key, is_after) in keys {
            let letters: String = key.chars().take_while(|&c| is_letter(c)).collect();
            match key.chars().next() {
                None => starts.every_line = true,
                Some(_) if !letters.is_empty() => {
                    let needs_phrase = is_after && letters != key;
                    if !starts.words.contains_key(letters.as_bytes()) {
                        starts.add_head(&letters, &written);
                    }
                    *starts.words.entry(letters.into_bytes().into_boxed_slice()).or_insert(needs_phrase) &=
                        needs_phrase;
                }
                // Spaces and control characters are not looked for.
                Some(c) if c <= ' ' => starts.every_line = true,
                Some(c) if c.is_ascii() => starts.ascii_symbols[usize::from(c as u8)] = true,
                Some(c) => starts.symbols.push(c),
            }
        }
        let listed: Vec<u8> = (0..128u8).filter(|&b| starts.ascii_symbols[usize::from(b)]).collect();
        starts.ascii_symbol_pair = match listed[..] {
            [] => Some([0xFF; 2]),
            [a] => Some([a, a]),
            [a, b] => Some([a, b]),
            _ => None,
        };
        starts.add_others();
        starts.pairs = LetterPairs::new(starts.words.keys().filter_map(|w| std::str::from_utf8(w).ok()));
        starts
    }

    /// Fills `others` with a superset of the characters [`CurrencyStarts::other_kind`]
    /// answers yes or word for (four-byte characters, emoji and rare scripts, are always
    /// asked): it leaves out `is_letter`, whose Unicode table look-up for 64K characters
    /// cost the load some 27M instructions, so every character that folds to one that is
    /// not punctuation is in; the scan asks `other_kind` itself at those.
    fn add_others(&mut self) {
        for c in ('\u{80}'..='\u{ffff}').filter(|c| cyrillic_offset(*c).is_none()) {
            let may_start = match fold_char(c) {
                Folded::One(f) => !is_punctuation(c) || self.symbols.contains(&f),
                Folded::Space { .. } => false,
                Folded::Nothing => true,
            };
            if may_start {
                set_bit(&mut self.others[..], u32::from(c) as usize);
            }
        }
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
        let ascii = word.bytes().take(HEAD_LETTERS).take_while(u8::is_ascii_alphabetic);
        let latin = ascii.enumerate().fold(0u64, |h, (k, b)| h | u64::from(b) << (8 * k));
        if latin != 0 {
            set_bit(&mut self.heads[..], head_slot(latin));
        }
        let mut long = 0u64;
        for (k, c) in word.chars().take(LONG_HEAD_LETTERS).enumerate() {
            match fold(c).and_then(cyrillic_offset) {
                Some(i) => long |= (i as u64 + 1) << (8 * k),
                None => break,
            }
        }
        set_bit(&mut self.long_heads[..], long_slot(long));
    }

    /// Calls `f(start, end)` for every line (byte range without its `\n`) of `text` where
    /// a currency form may start, in text order.
    ///
    /// Only the places a form can start at are looked at, found 64 bytes at a time
    /// ([`CurrencyStarts::places`]): the starts of runs of Cyrillic letters (every Cyrillic
    /// word start is one), ASCII letters, the ASCII symbols keys start with, and the
    /// characters outside ASCII and Cyrillic. A word is checked where its first letter comes
    /// after no letter of the same kind (a superset of the word starts). A block's Cyrillic
    /// words are checked first, then its other places up to the first hit among the words:
    /// the first hit of the block in text order decides the line. After a hit the scan goes
    /// on from the end of the line: the block there starts with `\n`, so no run of letters
    /// crosses its start and no bits of the block before are needed.
    ///
    /// `phrase_at(q)` tells whether a key written after a number matches at `q` (see the
    /// module comment, step 4); it is asked only for words that start no other key.
    ///
    /// With AVX2 the block's Cyrillic words are first narrowed to those whose first two
    /// letters may begin a key ([`LetterPairs`]): the others would fail the word check.
    pub fn each_line(&self, text: &str, phrase_at: impl Fn(usize) -> bool, f: impl FnMut(usize, usize)) {
        #[cfg(target_arch = "x86_64")]
        if Avx2::detect().is_some() {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { self.each_line_avx2(text, phrase_at, f) };
        }
        // SAFETY: `Blocks16` uses only what every processor of the target has.
        unsafe { self.scan_lines(Blocks16, text, phrase_at, f) }
    }

    /// [`CurrencyStarts::each_line`] compiled for AVX2, so that [`Blocks32`] inlines into
    /// the loop.
    ///
    /// # Safety
    /// The processor must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn each_line_avx2(&self, text: &str, phrase_at: impl Fn(usize) -> bool, f: impl FnMut(usize, usize)) {
        // SAFETY: the caller vouches for AVX2.
        unsafe { self.scan_lines(Blocks32, text, phrase_at, f) }
    }

    /// The body of [`CurrencyStarts::each_line`], with the blocks classified by `c`.
    ///
    /// # Safety
    /// The processor must have what `c` uses.
    #[inline(always)]
    unsafe fn scan_lines<C: Classify>(
        &self,
        c: C,
        text: &str,
        phrase_at: impl Fn(usize) -> bool,
        mut f: impl FnMut(usize, usize),
    ) {
        if self.every_line {
            f(0, text.len());
            return;
        }
        let bytes = text.as_bytes();
        let mut base = 0;
        // The lead bytes and ASCII letters of the block ending at `base` (none at the start
        // or after a jump, which lands on a `\n`).
        let (mut leads_before, mut latin_before) = (0, 0);
        while base < bytes.len() {
            // SAFETY: the caller vouches for what `c` uses.
            let here = unsafe { c.places(self, bytes, base) };
            let words = here.lead & !(here.lead << 2 | leads_before >> 62) & here.pairs;
            let latin_words = here.latin & !(here.latin << 1 | latin_before >> 63);
            let hit = first_place(words, base, &phrase_at, |q| self.cyrillic_word_at(text, q));
            // Other places after a word hit do not matter.
            let others = match hit {
                Some(q) => (here.other | latin_words) & ((1 << (q - base)) - 1),
                None => here.other | latin_words,
            };
            let hit = first_place(others, base, &phrase_at, |q| self.other_place_at(text, q)).or(hit);
            match hit {
                Some(q) => {
                    let end = line_end(bytes, q);
                    f(line_start(bytes, q), end);
                    (base, leads_before, latin_before) = (end, 0, 0);
                }
                None => (base, leads_before, latin_before) = (base + 64, here.lead, here.latin),
            }
        }
    }

    /// Whether a key may start at `q`, one of the other places (see
    /// [`CurrencyStarts::each_line`]): an ASCII letter after no ASCII letter, a symbol, or a
    /// character outside ASCII and Cyrillic.
    #[inline(always)]
    fn other_place_at(&self, text: &str, q: usize) -> Start {
        let bytes = text.as_bytes();
        let b = bytes[q];
        if b.is_ascii() {
            return self.ascii_place_at(text, q);
        }
        // Most of these are punctuation (`«`, `—`, a no-break space): their bit in `others`
        // is read from the bytes (two or three of them; the text is UTF-8), only the rest
        // is decoded and asked.
        let cont = |k: usize| bytes.get(q + k).map_or(0, |&c| u32::from(c & 0x3F));
        let code = match b {
            0x80..0xE0 => (u32::from(b & 0x1F) << 6) | cont(1),
            0xE0..0xF0 => (u32::from(b & 0x0F) << 12) | (cont(1) << 6) | cont(2),
            _ => return self.other_at(text, q),
        };
        if has_bit(&self.others[..], code as usize) {
            self.other_at(text, q)
        } else {
            Start::No
        }
    }

    /// [`CurrencyStarts::other_place_at`] at an ASCII byte: a letter after no ASCII
    /// letter (see [`CurrencyStarts::each_line`]), or a symbol.
    #[inline(never)]
    fn ascii_place_at(&self, text: &str, q: usize) -> Start {
        let bytes = text.as_bytes();
        let b = bytes[q];
        if b.is_ascii_alphabetic() {
            // The scan offers a Latin word at its first letter only.
            self.latin_word_at(text, q)
        } else if self.ascii_symbols[usize::from(b)] {
            Start::Yes
        } else {
            Start::No
        }
    }

    /// The places of the 64 bytes from `base` (bytes past the end read as zero, which no
    /// key starts with: such keys keep every line).
    #[inline]
    fn places(&self, bytes: &[u8], base: usize) -> Places {
        match bytes.get(base..).and_then(|b| b.first_chunk::<64>()) {
            Some(block) => self.block_places(block),
            None => {
                let rest = bytes.get(base..).unwrap_or_default();
                let mut block = [0u8; 64];
                block[..rest.len()].copy_from_slice(rest);
                self.block_places(&block)
            }
        }
    }

    #[inline(always)]
    fn block_places(&self, block: &[u8; 64]) -> Places {
        let mut places = Places { pairs: u64::MAX, ..Places::default() };
        for k in 0..4 {
            let Some(v) = Block16::load(block, 16 * k) else { continue };
            let lead = v.eq(0xD0) | v.eq(0xD1);
            let symbols = match self.ascii_symbol_pair {
                Some([a, b]) => v.eq(a) | v.eq(b),
                None => v.in_range(0x21, 0x7F).and_not(v.ascii_alphanumeric()),
            };
            let letters = v.in_range(b'a', b'z') | v.in_range(b'A', b'Z');
            let other = v.in_range(0xC0, 0xFF).and_not(lead) | symbols;
            places.lead |= u64::from(lead.bits()) << (16 * k);
            places.other |= u64::from(other.bits()) << (16 * k);
            places.latin |= u64::from(letters.bits()) << (16 * k);
        }
        places
    }

    /// [`CurrencyStarts::places`] 32 bytes at a time, with the letter pairs checked.
    ///
    /// # Safety
    /// The processor must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn places32(&self, bytes: &[u8], base: usize) -> Places {
        // The pair check reads three bytes past the block.
        match bytes.get(base..).and_then(|b| b.first_chunk::<{ 64 + 3 }>()) {
            // SAFETY: the caller vouches for AVX2.
            Some(block) => unsafe { self.block_places32(block) },
            None => {
                let rest = bytes.get(base..).unwrap_or_default();
                let mut block = [0u8; 64 + 3];
                block[..rest.len()].copy_from_slice(rest);
                // SAFETY: as above.
                unsafe { self.block_places32(&block) }
            }
        }
    }

    /// The places of the first 64 bytes of `block`.
    ///
    /// # Safety
    /// The processor must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn block_places32(&self, block: &[u8; 64 + 3]) -> Places {
        let mut places = Places::default();
        for k in 0..2 {
            let at = 32 * k;
            let Some(v) = Block32::load(block, at) else { continue };
            let lead = v.in_range(0xD0, 0xD1);
            let symbols = match self.ascii_symbol_pair {
                Some([a, b]) => v.eq(a) | v.eq(b),
                None => v.in_range(0x21, 0x7F).and_not(v.ascii_alphanumeric()),
            };
            let letters = v.in_range(b'a', b'z') | v.in_range(b'A', b'Z');
            let other = v.in_range(0xC0, 0xFF).and_not(lead) | symbols;
            places.lead |= u64::from(lead.bits()) << at;
            places.other |= u64::from(other.bits()) << at;
            places.latin |= u64::from(letters.bits()) << at;
            let Some(window) = block[at..].first_chunk() else { continue };
            // SAFETY: the caller vouches for AVX2.
            places.pairs |= u64::from(unsafe { self.pairs.may_start32(window) }) << at;
        }
        places
    }

    /// At a character outside ASCII and Cyrillic: a letter starts a word, a symbol may
    /// start a key, and one that folds to nothing may hide inside a key.
    #[inline(never)]
    fn other_at(&self, text: &str, q: usize) -> Start {
        let c = text[q..].chars().next().unwrap_or_default();
        match self.other_kind(c) {
            Other::No => Start::No,
            Other::Word => self.word_at(text, q),
            Other::Yes => Start::Yes,
        }
    }

    fn other_kind(&self, c: char) -> Other {
        match fold_char(c) {
            Folded::One(_) if !is_punctuation(c) && is_letter(c) => Other::Word,
            Folded::One(f) if self.symbols.contains(&f) => Other::Yes,
            Folded::One(_) | Folded::Space { .. } => Other::No,
            Folded::Nothing => Other::Yes,
        }
    }

    /// Whether the word at `pos` (an ASCII letter) may start a key: its first ASCII letters
    /// (at most four), lower-cased, must be the first ASCII letters of an entry of `words`.
    /// That holds for every word `word_at` accepts: when four letters or fewer are followed
    /// by a non-letter, the word folds to them alone; when four are, it folds to a run that
    /// starts with them. Fewer than four followed by a byte from 0x80 (a letter of another
    /// script, a soft hyphen, a Kelvin sign folding to `k`) are folded whole.
    fn latin_word_at(&self, text: &str, pos: usize) -> Start {
        let x = lanes::load(text.as_bytes(), pos);
        let letters = x.to_le_bytes().iter().take(HEAD_LETTERS).take_while(|b| b.is_ascii_alphabetic()).count();
        let head = (x | 0x2020_2020_2020_2020) & (u64::MAX >> (64 - 8 * letters));
        if letters < HEAD_LETTERS && x.to_le_bytes()[letters] >= 0x80 {
            return self.word_at(text, pos);
        }
        if has_bit(&self.heads[..], head_slot(head)) {
            self.word_at(text, pos)
        } else {
            Start::No
        }
    }

    /// Whether the word at `pos` (a Cyrillic letter) may start a key: its first Cyrillic
    /// letters (at most four) as raw bytes must be one of the written forms of a key's
    /// first Cyrillic letters; only then is the word folded whole. (A character other than
    /// a Cyrillic letter folds to none, or to nothing, and a line with such a character is
    /// always kept, see [`CurrencyStarts::other_at`].)
    #[inline(always)]
    fn cyrillic_word_at(&self, text: &str, pos: usize) -> Start {
        let x = lanes::load(text.as_bytes(), pos);
        if has_bit(&self.heads[..], head_slot(head_bytes(x, cyrillic_letters(x))))
            && has_bit(&self.long_heads[..], long_slot(folded_cyrillic_prefix(text.as_bytes(), pos)))
        {
            self.word_at(text, pos)
        } else {
            Start::No
        }
    }

    /// Whether the whole word at `pos`, folded as `lookup` folds it, is in `words`.
    fn word_at(&self, text: &str, pos: usize) -> Start {
        let bytes = text.as_bytes();
        let mut buf = [0u8; 4 * MAX_WORD_CHARS];
        let mut len = 0;
        let mut n = 0;
        let mut p = pos;
        // Two-byte Cyrillic letters, folded from their bytes (the common case).
        while let Some(&lead) = bytes.get(p).filter(|&&b| b & 0xFE == 0xD0) {
            if n >= MAX_WORD_CHARS {
                return Start::No;
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
                return Start::No;
            }
            n += 1;
            match fold(c) {
                // A key holds this word's letters, then a non-letter (`ʼ` folds to `'`).
                Some(f) if !is_letter(f) => break,
                Some(f) => len += f.encode_utf8(&mut buf[len..]).len(),
                None => {}
            }
        }
        match self.words.get(&buf[..len]) {
            None => Start::No,
            Some(true) => Start::Phrase,
            Some(false) => Start::Yes,
        }
    }
}

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
fn folded_cyrillic_prefix(bytes: &[u8], pos: usize) -> u64 {
    let mut key = 0u64;
    let mut p = pos;
    for k in 0..LONG_HEAD_LETTERS {
        match bytes.get(p) {
            Some(&lead) if lead & 0xFE == 0xD0 => {
                let folded = FOLDED_CYRILLIC[usize::from(lead & 1) << 6 | usize::from(bytes[p + 1] & 0x3F)];
                key |= u64::from(folded + 1) << (8 * k);
                p += 2;
            }
            _ => break,
        }
    }
    key
}

fn long_slot(key: u64) -> usize {
    head_slot(key)
}

fn head_slot(head: u64) -> usize {
    (head.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - HEAD_BITS)) as usize
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

/// The first place of `places` (bit `k` for byte `base + k`) where `start` holds (see
/// [`Start::holds`]; the rare phrase look-up is kept out of the loop).
#[inline(always)]
fn first_place(
    mut places: u64,
    base: usize,
    phrase_at: &impl Fn(usize) -> bool,
    mut start: impl FnMut(usize) -> Start,
) -> Option<usize> {
    while places != 0 {
        let q = base + places.trailing_zeros() as usize;
        places &= places - 1;
        if start(q).holds(|| confirm(phrase_at, q)) {
            return Some(q);
        }
    }
    None
}

#[inline(never)]
fn confirm(phrase_at: &impl Fn(usize) -> bool, q: usize) -> bool {
    phrase_at(q)
}

/// The start of the line holding `q`: after the last `\n` before it, sixteen bytes at a
/// time.
fn line_start(bytes: &[u8], q: usize) -> usize {
    let mut at = q;
    while let Some(block) = at.checked_sub(16).and_then(|from| Block16::load(bytes, from)) {
        let newlines = block.eq(b'\n').bits();
        if newlines != 0 {
            return at - 16 + (32 - newlines.leading_zeros()) as usize;
        }
        at -= 16;
    }
    bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1)
}

/// The end of the line holding `q`: its `\n` or the end of the text, sixteen bytes at a
/// time.
fn line_end(bytes: &[u8], q: usize) -> usize {
    let mut at = q;
    while let Some(block) = Block16::load(bytes, at) {
        let newlines = block.eq(b'\n').bits();
        if newlines != 0 {
            return at + newlines.trailing_zeros() as usize;
        }
        at += 16;
    }
    bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |k| at + k)
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

    /// A stand-in for the phrase look-up: the same answer at the same place.
    fn phrase_at(q: usize) -> bool {
        q.is_multiple_of(3)
    }

    fn lines(starts: &CurrencyStarts, text: &str) -> Vec<(usize, usize)> {
        lines_with(starts, text, phrase_at)
    }

    /// The lines [`CurrencyStarts::each_line`] keeps, found with [`Blocks16`] and, where the
    /// processor has AVX2, with [`Blocks32`] too (the two must agree).
    fn lines_with(starts: &CurrencyStarts, text: &str, phrase_at: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        // SAFETY: `Blocks16` needs nothing more than the target.
        unsafe { starts.scan_lines(Blocks16, text, &phrase_at, |s, e| v.push((s, e))) };
        #[cfg(target_arch = "x86_64")]
        if Avx2::detect().is_some() {
            let mut w = Vec::new();
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { starts.scan_lines(Blocks32, text, &phrase_at, |s, e| w.push((s, e))) };
            assert_eq!(v, w, "{text:?}");
        }
        v
    }

    #[test]
    fn keeps_the_lines_with_a_currency_start() {
        let s = CurrencyStarts::new(["usd"], ["руб.", "долл. сша", "$", "€", "р."]);
        let text = "2021 год\n500 Руб\nРубль 5\nцена $5\nцена 5 €\nUSD\nр\nдоллар\nру\u{ad}б\n5 ДОЛЛ.";
        let kept: Vec<&str> = lines_with(&s, text, |_| true).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(kept, ["500 Руб", "цена $5", "цена 5 €", "USD", "р", "ру\u{ad}б", "5 ДОЛЛ."]);
    }

    /// The definition [`CurrencyStarts::each_line`] must agree with: every character of
    /// every line asked without filters.
    fn reference_lines(s: &CurrencyStarts, text: &str) -> Vec<(usize, usize)> {
        if s.every_line {
            return vec![(0, text.len())];
        }
        let cyrillic = |c: char| ('\u{400}'..='\u{47f}').contains(&c);
        let mut kept = Vec::new();
        let mut start = 0;
        for line in text.split('\n') {
            let end = start + line.len();
            let hit = line.char_indices().any(|(i, c)| {
                let q = start + i;
                let before = text[..q].chars().next_back();
                match c {
                    c if cyrillic(c) => !before.is_some_and(cyrillic) && s.word_at(text, q).holds(|| phrase_at(q)),
                    c if c.is_ascii_alphabetic() => {
                        !before.is_some_and(|b| b.is_ascii_alphabetic()) && s.word_at(text, q).holds(|| phrase_at(q))
                    }
                    c if c.is_ascii() => s.ascii_symbols[usize::from(c as u8)],
                    _ => s.other_at(text, q).holds(|| phrase_at(q)),
                }
            });
            if hit {
                kept.push((start, end));
            }
            start = end + 1;
        }
        kept
    }

    /// Three rule sets: one ASCII symbol, none, and more than two (every ASCII symbol is a
    /// place then).
    fn rule_sets() -> [CurrencyStarts; 3] {
        [
            CurrencyStarts::new(["$", "us$"], ["руб.", "рубль", "долл. сша", "€", "₽", "usd", "р.", "a$", "евро"]),
            CurrencyStarts::new(["eur"], ["руб", "ёлка", "ѐж", "éuro", "uséd", "ёлка руб"]),
            CurrencyStarts::new(["$", "#"], ["%", "руб", "kzt", "kzt сом"]),
        ]
    }

    proptest::proptest! {
        /// The block scan keeps the lines the character-by-character definition keeps,
        /// whatever block edge a word, a symbol or a line crosses.
        #[test]
        fn block_scan_agrees_with_the_definition(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "руб", "Руб.", "РУБЛЬ", "рублей", "р", "р.", "долл", "Долл. США", "евро", "Евро", "евроцент",
                    "ёлка", "Ёлка", "ѐж", "Ѐж", "сомнение", "USD", "usd", "Usd", "US", "us", "a", "A", "éuro",
                    "uséd", "us\u{ad}d", "\u{212a}zt", "KZT", "x", "é", "😀", "$", "€", "₽", "#", "%", ".", ",",
                    "5", "500", " ", " ", "\u{a0}", "\u{ad}", "\u{200e}", "—", "«", "»", "\n", "\n", "ж",
                ]),
                0..160,
            ),
        ) {
            let text: String = pieces.concat();
            for s in &rule_sets() {
                proptest::prop_assert_eq!(lines(s, &text), reference_lines(s, &text), "{:?}", text);
            }
        }

        /// The line edges found sixteen bytes at a time are those of `rfind` and `find`.
        #[test]
        fn line_edges_agree_with_find(
            pieces in proptest::collection::vec(proptest::sample::select(vec!["\n", "ab", "ж", " ", "x"]), 0..90),
        ) {
            let text: String = pieces.concat();
            let bytes = text.as_bytes();
            for q in (0..bytes.len()).filter(|&q| text.is_char_boundary(q)) {
                let start = text[..q].rfind('\n').map_or(0, |k| k + 1);
                let end = text[q..].find('\n').map_or(text.len(), |k| q + k);
                proptest::prop_assert_eq!((line_start(bytes, q), line_end(bytes, q)), (start, end), "{:?} at {}", text, q);
            }
        }
    }

    /// `others` holds every character `other_at` may answer yes for.
    #[test]
    fn others_table_holds_every_possible_start() {
        for s in &rule_sets() {
            for c in ('\u{80}'..='\u{ffff}').filter(|c| cyrillic_offset(*c).is_none()) {
                if s.other_kind(c) != Other::No {
                    assert!(has_bit(&s.others[..], u32::from(c) as usize), "{c:?}");
                }
            }
        }
    }
}
