//! Byte offsets to character (Unicode scalar) offsets, and character counts, fast: the
//! extractors work in byte offsets and every output row reports character offsets, so the sinks count characters over about the whole text of every
//! document, several times.
//!
//! A character starts at every byte that is not a continuation byte (`10xxxxxx`), so the
//! count is the number of such bytes. `str::chars().count()` spends about one instruction a
//! byte and much more on short slices; here 64-byte blocks are counted with byte-wide
//! accumulators (which the compiler turns into vector instructions), the rest eight bytes
//! at a time in a `u64`.

use std::borrow::Cow;

use super::block16::Block16;
#[cfg(target_arch = "x86_64")]
use super::block16::{Avx2, Block32};

/// The number of characters of the UTF-8 bytes `bytes` (bytes that start a character).
///
/// Any bytes are accepted (the count is of non-continuation bytes); for a `&str` slice this
/// is `chars().count()`.
pub fn count_chars(bytes: &[u8]) -> usize {
    let mut blocks = bytes.chunks_exact(64);
    let mut count = 0;
    for block in &mut blocks {
        // At most 64 per block, so a byte-wide sum cannot overflow.
        let starts = block.iter().fold(0u8, |n, &b| n + u8::from(is_char_start(b)));
        count += usize::from(starts);
    }
    let mut words = blocks.remainder().chunks_exact(8);
    for word in &mut words {
        count += word_char_starts(u64::from_le_bytes(word.try_into().expect("8 bytes")));
    }
    count + words.remainder().iter().filter(|&&b| is_char_start(b)).count()
}

/// Character offsets of byte offsets of one text, from one word per 64 bytes of text: a bit
/// for each of its bytes that starts a character, and the characters before it. Building
/// it is one vectorised pass over the text; a lookup is that word's count plus the bits
/// below the byte (one bit count), whatever the order of the lookups. (Counting from the
/// previous lookup walked the text once per row kind, eight bytes a step, as the gaps
/// between items are mostly shorter than a vector block; counting the bytes of a 32-byte
/// block prefix at each lookup cost about fifty instructions.)
pub struct CharIndex<'t> {
    /// The text's length in bytes.
    len: usize,
    /// `words[k]` for `text[64 * k..64 * (k + 1)]`, for every word start up to the end.
    words: Cow<'t, [CharWord]>,
    /// Whether the processor counts the bits of a word in one instruction (`POPCNT`); a
    /// plain x86-64 build counts them in about fifteen (see [`CharIndex::span`]).
    popcnt: bool,
}

/// 64 bytes of a text (fewer at its end) in a [`CharIndex`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CharWord {
    /// Bit `i` set when byte `i` of the word starts a character (clear past the text's end).
    starts: u64,
    /// Characters of the text before the word.
    before: u32,
}

/// Bytes per [`CharWord`]: four [`Block16`]s.
const WORD: usize = 64;

impl<'t> CharIndex<'t> {
    pub fn new(text: &'t str) -> CharIndex<'t> {
        let popcnt = has_popcnt();
        let text = text.as_bytes();
        assert!(u32::try_from(text.len()).is_ok(), "a document of 4 GiB or more");
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect().filter(|_| popcnt) {
            // SAFETY: `avx2` and `popcnt` prove the processor has the features.
            let words = unsafe { char_words_avx2(avx2, text) };
            return CharIndex { len: text.len(), words: Cow::Owned(words), popcnt };
        }
        #[cfg(target_arch = "x86_64")]
        if popcnt {
            // SAFETY: the processor has POPCNT.
            let words = unsafe { char_words_popcnt(text) };
            return CharIndex { len: text.len(), words: Cow::Owned(words), popcnt };
        }
        CharIndex { len: text.len(), words: Cow::Owned(char_words(text)), popcnt }
    }

    /// The words, to be kept apart from the text (a document's tally keeps them, so its rows
    /// are written without reading the text again: [`CharIndex::with_blocks`]).
    pub fn into_blocks(self) -> Vec<CharWord> {
        self.words.into_owned()
    }

    /// The index of `text` from the words of an index of that same text.
    ///
    /// # Panics
    /// If `blocks` cannot be those of `text` (not one word per 64 bytes).
    pub fn with_blocks(text: &'t str, blocks: &'t [CharWord]) -> CharIndex<'t> {
        assert_eq!(blocks.len(), text.len() / WORD + 1, "block counts of another text");
        CharIndex { len: text.len(), words: Cow::Borrowed(blocks), popcnt: has_popcnt() }
    }

    /// The same index answering without `POPCNT`, as on a processor that lacks it (for the
    /// tests of that path).
    #[cfg(test)]
    fn plain(self) -> CharIndex<'t> {
        CharIndex { popcnt: false, ..self }
    }

    /// Characters in the whole text.
    pub fn len_chars(&self) -> usize {
        self.char_offset(self.len)
    }

    /// The character offset of byte offset `byte`.
    ///
    /// # Panics
    /// If `byte` is past the end of the text or not on a char boundary (a bug in an
    /// extractor); the message names the offset.
    #[inline(always)]
    pub fn char_offset(&self, byte: usize) -> usize {
        let word = self.words.get(byte / WORD).copied().unwrap_or_default();
        let bit = byte % WORD;
        // A byte of the text starts a character when its bit is set; past the end (in the
        // last word or after it) no bit is.
        let boundary = byte == self.len || (word.starts >> bit) & 1 == 1;
        assert!(boundary, "byte offset {byte} is not a char boundary");
        word.before as usize + (word.starts & ((1u64 << bit) - 1)).count_ones() as usize
    }

    /// The character offsets of a span's ends.
    ///
    /// Each offset counts the set bits of a word prefix (`count_ones`): compiled for
    /// `POPCNT` when the processor has it (one instruction), else in plain x86-64 code (a
    /// software bit count); both give the same numbers.
    pub fn span(&self, span: crate::text::Span) -> (usize, usize) {
        #[cfg(target_arch = "x86_64")]
        if self.popcnt {
            // SAFETY: the processor has POPCNT (asked when the index was made).
            return unsafe { self.span_popcnt(span) };
        }
        self.span_plain(span)
    }

    /// [`CharIndex::span`] of every span of `spans`, appended to `out`: the processor is
    /// asked once and each lookup is inlined (a call per span cost more than its lookup).
    pub fn spans_into(&self, spans: impl Iterator<Item = crate::text::Span>, out: &mut Vec<(usize, usize)>) {
        #[cfg(target_arch = "x86_64")]
        if self.popcnt {
            // SAFETY: the processor has POPCNT (asked when the index was made).
            return unsafe { self.spans_into_popcnt(spans, out) };
        }
        out.extend(spans.map(|span| self.span_plain(span)));
    }

    /// [`CharIndex::spans_into`] compiled with `POPCNT`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn spans_into_popcnt(&self, spans: impl Iterator<Item = crate::text::Span>, out: &mut Vec<(usize, usize)>) {
        out.extend(spans.map(|span| self.span_plain(span)));
    }

    #[inline(always)]
    fn span_plain(&self, span: crate::text::Span) -> (usize, usize) {
        (self.char_offset(span.start), self.char_offset(span.end))
    }

    /// [`CharIndex::span_plain`] compiled with `POPCNT`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn span_popcnt(&self, span: crate::text::Span) -> (usize, usize) {
        self.span_plain(span)
    }
}

/// Whether the processor has `POPCNT` (the standard library asks it once and caches the
/// answer).
fn has_popcnt() -> bool {
    #[cfg(target_arch = "x86_64")]
    return is_x86_feature_detected!("popcnt");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// The [`CharWord`]s of `text` (the `words` of [`CharIndex`]); the last word (0 to 63
/// bytes) is read from a copy padded with zeros, whose bits are then cleared.
#[inline(always)]
fn char_words(text: &[u8]) -> Vec<CharWord> {
    char_words_with(text, word_starts)
}

/// [`char_words`] with `word_starts` telling the char starts of 64 bytes.
#[inline(always)]
fn char_words_with(text: &[u8], word_starts: impl Fn(&[u8; WORD]) -> u64) -> Vec<CharWord> {
    let mut words = vec![CharWord::default(); text.len() / WORD + 1];
    let mut chars = 0u32;
    let chunks = text.chunks_exact(WORD);
    let rest = chunks.remainder();
    for (chunk, word) in chunks.zip(&mut words) {
        let starts = word_starts(chunk.try_into().expect("a word"));
        *word = CharWord { starts, before: chars };
        chars += starts.count_ones();
    }
    let mut last = [0u8; WORD];
    last[..rest.len()].copy_from_slice(rest);
    let starts = word_starts(&last) & ((1u64 << rest.len()) - 1);
    *words.last_mut().expect("one word at least") = CharWord { starts, before: chars };
    words
}

/// [`char_words`] compiled with `POPCNT`: a word is four compares and one bit count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn char_words_popcnt(text: &[u8]) -> Vec<CharWord> {
    char_words(text)
}

/// [`char_words`] 32 bytes a compare (AVX2), with `POPCNT`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn char_words_avx2(_: Avx2, text: &[u8]) -> Vec<CharWord> {
    char_words_with(text, |chunk| {
        let continuations = |at| {
            let Some(block) = Block32::load(chunk, at) else { unreachable!("two blocks of 32") };
            u64::from(block.in_range(0x80, 0xbf).bits())
        };
        !(continuations(0) | continuations(32) << 32)
    })
}

/// Bit `i` set when byte `i` of `chunk` starts a character (is not a continuation byte).
#[inline(always)]
fn word_starts(chunk: &[u8; WORD]) -> u64 {
    let mut continuations = 0u64;
    for k in 0..WORD / 16 {
        let Some(block) = Block16::load(chunk, 16 * k) else { unreachable!("four blocks of sixteen") };
        continuations |= u64::from(block.in_range(0x80, 0xbf).bits()) << (16 * k);
    }
    !continuations
}

/// Whether `b` starts a character (is not `10xxxxxx`); as a signed byte, continuation bytes
/// are exactly those below -64.
#[inline]
fn is_char_start(b: u8) -> bool {
    (b as i8) >= -64
}

/// How many of the eight bytes of `word` start a character: bit 7 clear or bit 6 set.
#[inline]
fn word_char_starts(word: u64) -> usize {
    word_char_starts_masked(word, u64::MAX)
}

/// [`word_char_starts`] of the bytes of `word` that `keep` (whole bytes) selects.
#[inline]
fn word_char_starts_masked(word: u64, keep: u64) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    let starts = ((!word >> 7) | (word >> 6)) & ONES & keep;
    // The sum of the eight 0/1 bytes lands in the top byte.
    (starts.wrapping_mul(ONES) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Span;

    /// An index made from the block counts of another index of the same text gives the
    /// same offsets, at every char boundary and the end.
    #[test]
    fn kept_block_counts_give_the_same_offsets() {
        let text = "Ёж ёлка e\u{301} 🏗️👩‍💻 €5 «Сбер» x".repeat(5);
        let fresh = CharIndex::new(&text);
        let blocks = CharIndex::new(&text).into_blocks();
        let kept = CharIndex::with_blocks(&text, &blocks);
        for byte in text.char_indices().map(|(b, _)| b).chain([text.len()]) {
            assert_eq!(kept.char_offset(byte), fresh.char_offset(byte), "{byte}");
        }
        assert_eq!(kept.len_chars(), text.chars().count());
    }

    #[test]
    fn counts_like_chars_count_at_every_length_and_offset() {
        // Cyrillic, ё, a combining mark, emoji (4 bytes, and a ZWJ sequence), ASCII: every
        // UTF-8 length, at every alignment around the 8- and 64-byte steps.
        let text = "Ёж ёлка e\u{301} 🏗️👩‍💻 €5 «Сбер» Мусин x".repeat(9);
        let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        for (i, &from) in starts.iter().enumerate().take(40) {
            for &to in &starts[i..] {
                let slice = &text[from..to];
                assert_eq!(count_chars(slice.as_bytes()), slice.chars().count(), "{from}..{to}");
            }
        }
        assert_eq!(count_chars(b""), 0);
    }

    #[test]
    fn the_table_agrees_with_chars_at_every_boundary_in_any_order() {
        for repeat in [0, 1, 2, 5, 16] {
            for tail in ["", "a", "ж", "abcdefghijklmno", "abcdefghijklmnop", &"z".repeat(31), &"y".repeat(32), "🏗️"]
            {
                let text = format!("{}{tail}", "Ёж ёлка e\u{301} 🏗️👩‍💻 €5 «Сбер» x".repeat(repeat));
                let table = CharIndex::new(&text);
                // The plain build's blocks and lookups, whatever this processor has.
                assert_eq!(char_words(text.as_bytes()), CharIndex::new(&text).into_blocks());
                let plain = CharIndex::new(&text).plain();
                let mut boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
                boundaries.reverse();
                for &byte in &boundaries {
                    assert_eq!(table.char_offset(byte), text[..byte].chars().count(), "{byte} of {text:?}");
                }
                assert_eq!(table.len_chars(), text.chars().count());
                for (i, &from) in boundaries.iter().enumerate() {
                    let spans: Vec<Span> =
                        boundaries[..=i].iter().rev().take(24).map(|&to| Span::new(from, to)).collect();
                    let (mut batch, mut plain_batch) = (Vec::new(), Vec::new());
                    table.spans_into(spans.iter().copied(), &mut batch);
                    plain.spans_into(spans.iter().copied(), &mut plain_batch);
                    for (k, &Span { start: from, end: to }) in spans.iter().enumerate() {
                        let expected = (text[..from].chars().count(), text[..to].chars().count());
                        assert_eq!(table.span(Span::new(from, to)), expected, "{from}..{to} of {text:?}");
                        assert_eq!(plain.span(Span::new(from, to)), expected, "{from}..{to} of {text:?}");
                        assert_eq!((batch[k], plain_batch[k]), (expected, expected), "{from}..{to} of {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "byte offset 1 is not a char boundary")]
    fn the_table_refuses_a_byte_inside_a_char() {
        CharIndex::new("ж").char_offset(1);
    }

    #[test]
    #[should_panic(expected = "byte offset 3 is not a char boundary")]
    fn the_table_refuses_a_byte_past_the_end() {
        CharIndex::new("ab").char_offset(3);
    }

    #[test]
    fn a_word_of_each_byte_kind() {
        assert_eq!(word_char_starts(u64::from_le_bytes(*b"abcdefgh")), 8);
        assert_eq!(word_char_starts(u64::from_le_bytes([0x80; 8])), 0);
        assert_eq!(word_char_starts(u64::from_le_bytes([0xd0, 0x81, 0xf0, 0x9f, 0x8f, 0x97, 0x7f, 0xc0])), 4);
    }
}

#[cfg(test)]
mod char_index_tests {
    use super::*;

    #[test]
    fn counts_multibyte_and_emoji() {
        let text = "Мусин 🏗️ «Сбер» a€b";
        let index = CharIndex::new(text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_offset(byte), chars);
        }
        assert_eq!(index.char_offset(text.len()), text.chars().count());
        assert_eq!(index.len_chars(), text.chars().count());
    }

    #[test]
    fn long_text_crosses_checkpoints() {
        let text = "ж".repeat(1000) + "abc" + &"ё".repeat(700);
        let index = CharIndex::new(&text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_offset(byte), chars);
        }
    }

    #[test]
    fn empty_text() {
        let index = CharIndex::new("");
        assert_eq!(index.char_offset(0), 0);
    }
}
