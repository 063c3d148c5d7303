//! The first two letters of a Cyrillic word, checked for 32 words at once: can a currency
//! word start with them?
//!
//! Most words of a line are not currency forms, and asking each one with a hash probe cost
//! the line scan some thirty instructions a word. The currency words begin with a few
//! dozen letter pairs (`ру`, `до`, `ев`, `те` …), and about four words in five of news
//! text begin with none of them. With AVX2 two table look-ups (`vpshufb`) a letter answer
//! that for 32 bytes at once, so only the words that pass reach the probe.
//!
//! # The tables
//!
//! A two-byte Cyrillic letter (U+0400..U+047F) is written `D0`/`D1` and a continuation
//! byte; the low five bits of the continuation byte (its *class*, the code point's low five
//! bits) are the same for the capital and the small form of every letter of `а`..`я`
//! (`А` D0 90, `а` D0 B0, `Р` D0 A0, `р` D1 80), so a word's case does not matter and the
//! lead byte need not be read. A class stands for every letter of the block with those low
//! bits (`Ё` D0 81 shares class 1 with `с`), so a class answers for all of them together.
//!
//! The pairs (first letter, second letter) the currency words start with are covered by
//! at most eight *buckets*: a bucket is a set of first classes and the set of second
//! classes any of them is followed by. [`LetterPairs::first`] gives the buckets of a first
//! class, [`LetterPairs::second`] those of a second, and a word may start a currency word
//! only when the two share a bucket. Grouping first classes into buckets only ever lets
//! more words through, never fewer; the grouping is built from the loaded currency forms.
//!
//! A word whose second character is ASCII (a one-letter word before a space, a digit, a
//! dot; or a Latin letter) passes with the buckets of the currency words made of one
//! letter or whose second character is not a two-byte Cyrillic letter
//! ([`LetterPairs::ascii_after`]). Any other second character (a soft hyphen, an accent, a
//! letter of another script) lets the word through.

use super::fold;

/// At most this many buckets: one bit of a byte each.
const BUCKETS: usize = 8;

/// The pair filter's tables (see the module comment).
#[derive(Clone, Debug, Default)]
pub(super) struct LetterPairs {
    /// The buckets of each first class (index: the continuation byte's low five bits).
    first: [u8; 32],
    /// The buckets of each second class.
    second: [u8; 32],
    /// The buckets of a word whose second character is an ASCII byte.
    ascii_after: u8,
}

/// Bit 32 of a row of second classes: the word may end after its first letter (or go on
/// with a character that is not a two-byte Cyrillic letter).
const ASCII_AFTER: u64 = 1 << 32;

impl LetterPairs {
    /// The tables for currency words starting with the folded letter runs `runs` (runs not
    /// starting with a two-byte Cyrillic letter are not asked about here).
    pub(super) fn new<'r>(runs: impl IntoIterator<Item = &'r str>) -> LetterPairs {
        // The classes of the letters folding to each folded letter (U+0400 + index).
        let mut classes = [0u32; 0x80];
        for d in '\u{400}'..='\u{47f}' {
            if let Some(i) = fold(d).and_then(|f| (u32::from(f) as usize).checked_sub(0x400)).filter(|&i| i < 0x80) {
                classes[i] |= 1 << (u32::from(d) & 0x1F);
            }
        }
        let classes_folding_to = |folded: char| classes[u32::from(folded) as usize - 0x400];
        // The second classes (and `ASCII_AFTER`) that follow each first class.
        let mut rows = [0u64; 32];
        for run in runs {
            let mut chars = run.chars();
            let Some(first) = chars.next().filter(|&c| is_two_byte_cyrillic(c)) else { continue };
            let second = match chars.next() {
                Some(c) if is_two_byte_cyrillic(c) => u64::from(classes_folding_to(c)),
                _ => ASCII_AFTER,
            };
            for class in bit_indices(u64::from(classes_folding_to(first))) {
                rows[class] |= second;
            }
        }
        let groups = buckets(&rows);
        let mut pairs = LetterPairs::default();
        for (g, &(firsts, seconds)) in groups.iter().enumerate() {
            for class in bit_indices(u64::from(firsts)) {
                pairs.first[class] |= 1 << g;
            }
            for class in bit_indices(seconds & u64::from(u32::MAX)) {
                pairs.second[class] |= 1 << g;
            }
            if seconds & ASCII_AFTER != 0 {
                pairs.ascii_after |= 1 << g;
            }
        }
        pairs
    }

    /// Whether a currency word may start at a word whose first four bytes are `head`
    /// (`head[0]` a `D0`/`D1` lead byte; bytes past the text read as zero). The definition
    /// the 32-byte path must agree with.
    #[cfg(test)]
    fn may_start(&self, head: [u8; 4]) -> bool {
        let second = if head[2] & 0xFE == 0xD0 {
            self.second[usize::from(head[3] & 0x1F)]
        } else if head[2] < 0x80 {
            self.ascii_after
        } else {
            0xFF
        };
        self.first[usize::from(head[1] & 0x1F)] & second != 0
    }
}

/// The letters U+0400..U+047F, two bytes in UTF-8 with lead byte D0 or D1.
fn is_two_byte_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{47f}').contains(&c)
}

fn bit_indices(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let k = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            k
        })
    })
}

/// At most [`BUCKETS`] pairs (first classes, second classes) covering every first class
/// with its row: each first class starts in a bucket of its own, and while there are too
/// many, the two buckets whose union adds the fewest pairs are merged.
fn buckets(rows: &[u64; 32]) -> Vec<(u32, u64)> {
    let mut groups: Vec<(u32, u64)> = (0..32).filter(|&c| rows[c] != 0).map(|c| (1u32 << c, rows[c])).collect();
    let pairs = |(firsts, seconds): (u32, u64)| firsts.count_ones() * seconds.count_ones();
    while groups.len() > BUCKETS {
        let mut best = (u32::MAX, 0, 0);
        for i in 0..groups.len() {
            for j in i + 1..groups.len() {
                let merged = (groups[i].0 | groups[j].0, groups[i].1 | groups[j].1);
                let added = pairs(merged) - pairs(groups[i]) - pairs(groups[j]);
                if added < best.0 {
                    best = (added, i, j);
                }
            }
        }
        let (_, i, j) = best;
        let merged = groups.swap_remove(j);
        groups[i] = (groups[i].0 | merged.0, groups[i].1 | merged.1);
    }
    groups
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_blendv_epi8, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8,
        _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8,
        _mm256_slli_epi16, _mm_loadu_si128,
    };

    use super::LetterPairs;
    use crate::text::block16::opaque;

    impl LetterPairs {
        /// [`LetterPairs::may_start`] for the first 32 places of `window` (bit `k` for
        /// byte `k`), as if each were a word start.
        ///
        /// # Safety
        /// The processor must have AVX2.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(in super::super) unsafe fn may_start32(&self, window: &[u8; 35]) -> u32 {
            // SAFETY: each load reads 32 bytes of `window` (from 0 to 3); the tables are
            // sixteen bytes each.
            let load = |k: usize| unsafe { _mm256_loadu_si256(window[k..k + 32].as_ptr().cast()) };
            let table = |t: &[u8]| unsafe { _mm256_broadcastsi128_si256(_mm_loadu_si128(t.as_ptr().cast())) };
            let [b1, b2, b3] = [load(1), load(2), load(3)];
            let first = classes(b1, table(&self.first[..16]), table(&self.first[16..]));
            let looked_up = classes(b3, table(&self.second[..16]), table(&self.second[16..]));
            let lead2 =
                _mm256_cmpeq_epi8(_mm256_and_si256(b2, _mm256_set1_epi8(0xFEu8 as i8)), _mm256_set1_epi8(0xD0u8 as i8));
            // ASCII (bit 7 clear) gets `ascii_after`, any other byte every bucket.
            let not_lead = _mm256_blendv_epi8(_mm256_set1_epi8(self.ascii_after as i8), _mm256_set1_epi8(-1), b2);
            let second = _mm256_blendv_epi8(not_lead, looked_up, lead2);
            let none = _mm256_cmpeq_epi8(_mm256_and_si256(first, second), _mm256_setzero_si256());
            !opaque(_mm256_movemask_epi8(none) as u32)
        }
    }

    /// The table entry of each continuation byte's class: `low` for classes 0..15 (bit 4
    /// clear), `high` for 16..31.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn classes(cont: __m256i, low: __m256i, high: __m256i) -> __m256i {
        // Bits 0..3 index the tables; bit 7 clear so that `vpshufb` does not give zero.
        let index = _mm256_and_si256(cont, _mm256_set1_epi8(0x0F));
        // Bit 4 of each byte moved to bit 7, which picks the `high` entry.
        let bit4 = _mm256_slli_epi16::<3>(cont);
        _mm256_blendv_epi8(_mm256_shuffle_epi8(low, index), _mm256_shuffle_epi8(high, index), bit4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyrillic() -> impl Iterator<Item = char> {
        '\u{400}'..='\u{47f}'
    }

    /// The definition of a pass: the folded first two letters begin a run, or the word's
    /// one letter is a run, or the second character may hide anything after a letter some
    /// run starts with.
    fn may_start_by_definition(runs: &[&str], first: char, second: Option<char>) -> bool {
        let f = fold(first).unwrap();
        match second {
            Some(s) if is_two_byte_cyrillic(s) => {
                let s = fold(s).unwrap();
                runs.iter().any(|r| r.chars().take(2).eq([f, s]))
            }
            Some(s) if !s.is_ascii() => runs.iter().any(|r| r.starts_with(f)),
            _ => runs.iter().any(|r| {
                let mut cs = r.chars();
                cs.next() == Some(f) && !cs.next().is_some_and(is_two_byte_cyrillic)
            }),
        }
    }

    fn head(first: char, second: Option<char>) -> [u8; 4] {
        let mut s = first.to_string();
        s.extend(second);
        let mut h = [0u8; 4];
        let n = s.len().min(4);
        h[..n].copy_from_slice(&s.as_bytes()[..n]);
        h
    }

    const RUN_SETS: [&[&str]; 4] = [
        &["руб", "рубль", "р", "долл", "доллар", "евро", "тенге", "тг", "юань", "российских", "usd", "сом", "кыш"],
        &["ёлка", "ѐж", "жx", "ы"],
        &["а", "б", "в", "г", "д", "е", "ж", "з", "и", "й", "к", "л", "м", "н", "о", "п", "ра", "сб", "тв"],
        &[],
    ];

    /// Every pass the definition asks for is given (the buckets only add passes), for every
    /// two-byte Cyrillic first letter and every kind of second character.
    #[test]
    fn passes_every_pair_a_run_starts_with() {
        let seconds: Vec<Option<char>> = cyrillic()
            .map(Some)
            .chain([None, Some(' '), Some('x'), Some('.'), Some('\u{ad}'), Some('é'), Some('😀')])
            .collect();
        for runs in RUN_SETS {
            let pairs = LetterPairs::new(runs.iter().copied());
            for first in cyrillic() {
                for &second in &seconds {
                    if may_start_by_definition(runs, first, second) {
                        assert!(pairs.may_start(head(first, second)), "{runs:?} {first:?} {second:?}");
                    }
                }
            }
        }
    }

    /// The shipped kind of currency words leaves most common word starts out.
    #[test]
    fn rejects_common_words() {
        let pairs = LetterPairs::new(RUN_SETS[0].iter().copied());
        let head = |word: &str| {
            let mut h = [0u8; 4];
            let n = word.len().min(4);
            h[..n].copy_from_slice(&word.as_bytes()[..n]);
            h
        };
        for word in ["на", "в ", "и", "Москва", "который", "не", "Путин", "заявил"] {
            assert!(!pairs.may_start(head(word)), "{word}");
        }
        for word in ["руб", "Рубль", "ДОЛ", "ев", "р.", "р", "сом"] {
            assert!(pairs.may_start(head(word)), "{word}");
        }
    }

    #[test]
    fn at_most_eight_buckets_cover_every_row() {
        let mut rows = [0u64; 32];
        for (c, row) in rows.iter_mut().enumerate() {
            *row = (c as u64 * 0x9E37_79B9) & 0x1_FFFF_FFFF | 1;
        }
        let groups = buckets(&rows);
        assert!(groups.len() <= BUCKETS);
        for (c, &row) in rows.iter().enumerate() {
            let covered = groups.iter().filter(|g| g.0 & 1 << c != 0).fold(0, |s, g| s | g.1);
            assert_eq!(covered & row, row, "class {c}");
        }
    }

    #[cfg(target_arch = "x86_64")]
    proptest::proptest! {
        /// The 32-byte path gives [`LetterPairs::may_start`] at every place, whatever the
        /// bytes (a place need not be a word start there).
        #[test]
        fn avx2_agrees_with_may_start(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["ру", "Р", "б", "Ёж", "ѐ", "долл", "ы", "x", " ", ".", "5", "\u{ad}", "é", "😀", "ж", "ДО"]),
                0..40,
            ),
        ) {
            let Some(_) = crate::text::block16::Avx2::detect() else { return Ok(()) };
            let text: String = pieces.concat();
            let mut bytes = text.into_bytes();
            bytes.resize(bytes.len().max(1).next_multiple_of(32) + 3, 0);
            for runs in RUN_SETS {
                let pairs = LetterPairs::new(runs.iter().copied());
                for at in (0..bytes.len() - 3).step_by(32) {
                    let window = bytes[at..].first_chunk().unwrap();
                    // SAFETY: the processor has AVX2 (checked above).
                    let got = unsafe { pairs.may_start32(window) };
                    for k in 0..32 {
                        let h = [bytes[at + k], bytes[at + k + 1], bytes[at + k + 2], bytes[at + k + 3]];
                        proptest::prop_assert_eq!(got >> k & 1 == 1, pairs.may_start(h), "{:?} at {}", h, at + k);
                    }
                }
            }
        }
    }
}
