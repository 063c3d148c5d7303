//! Which bytes of UTF-8 text are Cyrillic lead bytes (D0 or D1, the two-byte letters
//! U+0400..U+047F) and which are ASCII digits, as one bit a byte for 64 bytes at a time.
//!
//! The speech cues and the number words are Cyrillic, so the cue and money scans need only
//! the places where a run of Cyrillic letters starts (and, for money, the digits).
//! Classifying the text character by character cost them about ten instructions a byte;
//! the masks, built with the 16-byte lanes of [`Block16`] (the one byte classifier the
//! text scans share), find those places for about two, and only they are then looked at.

use crate::text::block16::{Block16, Sse2};

/// The bytes [`bits64`] picks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Class {
    /// D0 and D1: such a byte is always the lead byte of a two-byte character
    /// (U+0400..U+047F, every one a letter), never a continuation byte.
    CyrillicLead,
    /// `0`..=`9`.
    AsciiDigit,
}

/// The 64 bytes from `i` as one bit each (bit `k` for byte `i + k`), set where the byte is
/// of `class`; bytes past the end read as zero.
#[inline]
pub(crate) fn bits64(bytes: &[u8], i: usize, class: Class) -> u64 {
    match bytes.get(i..).and_then(|b| b.first_chunk::<64>()) {
        Some(block) => pack(block, class),
        None => {
            let rest = bytes.get(i..).unwrap_or_default();
            let mut block = [0u8; 64];
            block[..rest.len()].copy_from_slice(rest);
            pack(&block, class)
        }
    }
}

/// The Cyrillic lead bytes of a 64-byte block and the places where one two-byte letter
/// starts, both at once: the cue scan asks of every word start whether it begins with the
/// one letter of its short rests (`в`); a mask per block answers that for all its starts.
pub(crate) trait LeadPairs: Copy {
    /// For the first 64 bytes of `w` (bit `k` for byte `k`): [`bits64`] of
    /// [`Class::CyrillicLead`], and the bytes `k` with `w[k] == pair[0]` and
    /// `w[k + 1] == pair[1]`.
    fn lead_and_pair(self, w: &[u8; 72], pair: [u8; 2]) -> (u64, u64);
}

impl LeadPairs for Sse2 {
    #[inline(always)]
    fn lead_and_pair(self, w: &[u8; 72], pair: [u8; 2]) -> (u64, u64) {
        let (mut lead, mut pairs) = (0, 0);
        for k in 0..4 {
            let (Some(v), Some(next)) = (Block16::load(w, 16 * k), Block16::load(w, 16 * k + 1)) else {
                unreachable!("the window holds 72 bytes")
            };
            lead |= u64::from((v.eq(0xD0) | v.eq(0xD1)).bits()) << (16 * k);
            pairs |= u64::from((v.eq(pair[0]) & next.eq(pair[1])).bits()) << (16 * k);
        }
        (lead, pairs)
    }
}

#[cfg(target_arch = "x86_64")]
impl LeadPairs for crate::text::block16::Avx2 {
    #[inline(always)]
    fn lead_and_pair(self, w: &[u8; 72], pair: [u8; 2]) -> (u64, u64) {
        // SAFETY: an `Avx2` exists only when the processor has AVX2 (see `Avx2::detect`).
        unsafe { lead_and_pair_avx2(w, pair) }
    }
}

/// [`LeadPairs::lead_and_pair`] 32 bytes at a time: half the compares of four [`Block16`]s.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn lead_and_pair_avx2(w: &[u8; 72], pair: [u8; 2]) -> (u64, u64) {
    let (low, high) = (half_lead_and_pair(w, 0, pair), half_lead_and_pair(w, 32, pair));
    (u64::from(low.0) | u64::from(high.0) << 32, u64::from(low.1) | u64::from(high.1) << 32)
}

/// [`lead_and_pair_avx2`] of the 32 bytes from `at` (`at` is 0 or 32).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn half_lead_and_pair(w: &[u8; 72], at: usize, pair: [u8; 2]) -> (u32, u32) {
    use crate::text::block16::Block32;
    let (Some(v), Some(next)) = (Block32::load(w, at), Block32::load(w, at + 1)) else {
        unreachable!("the window holds 72 bytes")
    };
    ((v.eq(0xD0) | v.eq(0xD1)).bits(), (v.eq(pair[0]) & next.eq(pair[1])).bits())
}

/// One 64-byte block of text: where its runs of Cyrillic letters start.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeadBlock {
    /// The offset of the block's first byte (bit `k` of the mask is byte `base + k`).
    pub base: usize,
    /// Lead bytes with no lead byte two bytes before: a run of Cyrillic letters starts there.
    pub run_starts: u64,
}

/// The text's 64-byte blocks in order, each with its run starts (a run crossing a block
/// edge is seen from the block before: its lead bytes are kept).
pub(crate) fn lead_blocks(bytes: &[u8]) -> impl Iterator<Item = LeadBlock> + '_ {
    let mut before = 0;
    (0..bytes.len()).step_by(64).map(move |base| {
        let here = bits64(bytes, base, Class::CyrillicLead);
        let block = LeadBlock { base, run_starts: here & !(here << 2 | before >> 62) };
        before = here;
        block
    })
}

/// [`bits64`] of one whole block, sixteen bytes at a time.
#[inline]
fn pack(block: &[u8; 64], class: Class) -> u64 {
    let mut bits = 0;
    for k in 0..4 {
        let Some(v) = Block16::load(block, 16 * k) else { continue };
        let picked = match class {
            Class::CyrillicLead => v.eq(0xD0) | v.eq(0xD1),
            Class::AsciiDigit => v.in_range(b'0', b'9'),
        };
        bits |= u64::from(picked.bits()) << (16 * k);
    }
    bits
}

/// The eight bytes from `i` as one little-endian word; bytes past the end read as zero (an
/// ASCII control character: neither a lead byte nor a digit).
pub(crate) fn load(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(i..).and_then(|b| b.first_chunk::<8>()) {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => {
            let rest = bytes.get(i..).unwrap_or_default();
            let mut chunk = [0u8; 8];
            chunk[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(chunk)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_past_the_end_read_zero() {
        let text = "ёж 9".as_bytes();
        for i in 0..=text.len() + 9 {
            let want = (0..8).filter_map(|k| text.get(i + k)).rev().fold(0u64, |x, &b| x << 8 | u64::from(b));
            assert_eq!(load(text, i), want, "at {i}");
        }
        assert_eq!(load(&[], 0), 0);
    }

    /// Run starts equal their byte-by-byte definition, whatever block edge a run crosses.
    #[test]
    fn lead_blocks_find_run_starts_across_block_edges() {
        let lead = |bytes: &[u8], i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(|&b| b & 0xFE == 0xD0);
        for pad in 0..70 {
            let text = format!("{}Привет, ёжик 42 мир-дружба{}Ы", "x".repeat(pad), " слово".repeat(pad % 13));
            let bytes = text.as_bytes();
            let mut starts = Vec::new();
            for block in lead_blocks(bytes) {
                starts.extend((0..64).filter(|k| block.run_starts >> k & 1 != 0).map(|k| block.base + k));
            }
            let want: Vec<usize> =
                (0..bytes.len()).filter(|&i| lead(bytes, Some(i)) && !lead(bytes, i.checked_sub(2))).collect();
            assert_eq!(starts, want, "pad {pad}");
        }
        assert_eq!(lead_blocks(&[]).count(), 0);
    }

    /// The lead bytes and the letter pairs of every 64-byte window of a text, with both
    /// classifiers (AVX2 where the processor has it), equal their byte-by-byte definitions.
    #[test]
    fn lead_and_pair_agree_with_their_definitions() {
        let text = "Ёж 9, в вагоне-2024: 😀 «Вв» — сказал\u{a0}в вечер ввв. ".repeat(4);
        let bytes = text.as_bytes();
        for pair in [[0xD0, 0xB2], [0xD1, 0x81], [b' ', 0xD0], [0xD0, 0x00]] {
            for base in 0..bytes.len().saturating_sub(72) {
                let Some(w) = bytes[base..].first_chunk::<72>() else { continue };
                let want_lead = (0..64).filter(|&k| w[k] & 0xFE == 0xD0).fold(0u64, |m, k| m | 1 << k);
                let want_pairs =
                    (0..64).filter(|&k| w[k] == pair[0] && w[k + 1] == pair[1]).fold(0u64, |m, k| m | 1 << k);
                assert_eq!(Sse2.lead_and_pair(w, pair), (want_lead, want_pairs), "sse2 at {base}");
                #[cfg(target_arch = "x86_64")]
                if let Some(avx2) = crate::text::block16::Avx2::detect() {
                    assert_eq!(avx2.lead_and_pair(w, pair), (want_lead, want_pairs), "avx2 at {base}");
                }
            }
        }
    }

    /// Every byte value in every position of a block, and every start offset of a text with
    /// multi-byte characters and a short tail.
    #[test]
    fn bits64_packs_one_bit_a_byte() {
        let is_lead = |b: u8| b & 0xFE == 0xD0;
        for b in 0..=255u8 {
            for k in [0, 7, 8, 15, 16, 31, 40, 63] {
                let mut block = [0xD1u8; 64];
                block[k] = b;
                block[(k + 17) % 64] = b'5';
                let want =
                    |pick: &dyn Fn(u8) -> bool| (0..64).filter(|&i| pick(block[i])).fold(0u64, |m, i| m | 1 << i);
                assert_eq!(bits64(&block, 0, Class::CyrillicLead), want(&is_lead), "{b:x} at {k}");
                assert_eq!(bits64(&block, 0, Class::AsciiDigit), want(&|b: u8| b.is_ascii_digit()), "{b:x} at {k}");
            }
        }
        let text = "Ёж 9, ёлка-2024: 😀 «Да» — сказал он\u{a0}вчера. ".repeat(3);
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() + 1 {
            let want = |pick: fn(u8) -> bool| {
                (0..64).filter(|&k| bytes.get(i + k).is_some_and(|&b| pick(b))).fold(0u64, |m, k| m | 1 << k)
            };
            assert_eq!(bits64(bytes, i, Class::CyrillicLead), want(|b| b & 0xFE == 0xD0), "at {i}");
            assert_eq!(bits64(bytes, i, Class::AsciiDigit), want(|b| b.is_ascii_digit()), "at {i}");
        }
    }
}
