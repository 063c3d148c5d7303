//! Which bytes of UTF-8 text are Cyrillic lead bytes (D0 or D1, the two-byte letters
//! U+0400..U+047F) and which are ASCII digits, eight bytes at a time.
//!
//! The speech cues and the number words are Cyrillic, so the cue and money scans need only
//! the places where a run of Cyrillic letters starts or ends (and, for money, the digits).
//! Classifying the text character by character cost them about ten instructions a byte;
//! lane masks find those places for about two, and only they are then looked at one by one.
//!
//! A lane mask has bit 7 of byte `k` set when byte `k` of the word has the property (byte 0
//! is the first in the text). Shift a mask by 8 bits to move it one byte.

/// Bit 7 of every lane.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// Bits 0..=6 of every lane.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
/// One in every lane.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Lanes of zero bytes. Exact: no carry runs from one lane into the next.
#[inline]
fn zero_lanes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x) & HIGH
}

/// Lanes holding D0 or D1. Such a byte is always the lead byte of a two-byte character
/// (U+0400..U+047F, every one a letter), never a continuation byte.
#[inline]
pub(crate) fn cyrillic_leads(x: u64) -> u64 {
    zero_lanes((x & (0xFE * ONES)) ^ (0xD0 * ONES))
}

/// Lanes holding an ASCII digit.
#[inline]
pub(crate) fn ascii_digits(x: u64) -> u64 {
    let low = x & LOW7;
    // Bit 7 is set by the first sum when the lane is >= '0', by the second when it is > '9'.
    let at_least_0 = low + (0x80 - u64::from(b'0')) * ONES;
    let above_9 = low + (0x7F - u64::from(b'9')) * ONES;
    at_least_0 & !above_9 & !x & HIGH
}

/// Lanes holding `\n`, a printable ASCII byte other than a digit (`!`..=`~` and DEL), or
/// the lead byte of a character outside ASCII and U+0400..U+047F (C0..=FF but D0 and D1):
/// with the Cyrillic run starts, every place where a Latin word, a symbol or another
/// script's character starts.
#[inline]
pub(crate) fn marks(x: u64) -> u64 {
    // Bit 7 is set by the sum when the lane's low seven bits are >= 0x21.
    let printable = ((x & LOW7) + (0x80 - 0x21) * ONES) & !x & HIGH;
    let newline = zero_lanes(x ^ (u64::from(b'\n') * ONES));
    // Bits 7 and 6 both set: C0..=FF.
    let leads = x & (x << 1) & HIGH;
    (printable & !ascii_digits(x)) | newline | (leads & !cyrillic_leads(x))
}

/// The lanes of `lanes` as the low eight bits of a number (bit `k` for byte `k`).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn compress(lanes: u64) -> u64 {
    // Lane k's bit moves to bit 56 + k; the multiplier's other products never reach there.
    ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The bytes [`bits64`] picks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Class {
    /// D0 and D1 (see [`cyrillic_leads`]).
    CyrillicLead,
    /// `0`..=`9`.
    AsciiDigit,
    /// See [`marks`].
    // No scan reads the marks at present (money's line scan classifies its own places).
    #[allow(dead_code)]
    Marks,
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

/// One 64-byte block of text: where its runs of Cyrillic letters start and end.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeadBlock {
    /// The offset of the block's first byte (bit `k` of the masks is byte `base + k`).
    pub base: usize,
    /// Lead bytes with no lead byte two bytes before: a run of Cyrillic letters starts there.
    pub run_starts: u64,
    /// Lead bytes with no lead byte two bytes after: the run ends with that letter.
    // No scan reads the run ends at present (the cue scan finds what it needs at run starts).
    #[allow(dead_code)]
    pub run_ends: u64,
}

/// The text's 64-byte blocks in order, each with its run starts and ends (a run crossing a
/// block edge is seen from both sides: the neighbours' lead bytes are read too).
pub(crate) fn lead_blocks(bytes: &[u8]) -> impl Iterator<Item = LeadBlock> + '_ {
    let mut before = 0;
    let mut here = bits64(bytes, 0, Class::CyrillicLead);
    (0..bytes.len()).step_by(64).map(move |base| {
        let after = bits64(bytes, base + 64, Class::CyrillicLead);
        let block = LeadBlock {
            base,
            run_starts: here & !(here << 2 | before >> 62),
            run_ends: here & !(here >> 2 | after << 62),
        };
        (before, here) = (here, after);
        block
    })
}

/// [`bits64`] of one whole block, eight bytes at a time in a `u64`.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn pack_swar(block: &[u8; 64], class: Class) -> u64 {
    let lanes = match class {
        Class::CyrillicLead => cyrillic_leads,
        Class::AsciiDigit => ascii_digits,
        Class::Marks => marks,
    };
    let mut bits = 0;
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        bits |= compress(lanes(u64::from_le_bytes(chunk.try_into().unwrap_or_default()))) << (8 * k);
    }
    bits
}

/// [`bits64`] of one whole block, sixteen bytes at a time in an SSE2 register (which every
/// x86-64 processor has): a compare and a `movemask` where the `u64` lanes take a dozen
/// instructions for eight bytes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn pack(block: &[u8; 64], class: Class) -> u64 {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let mut bits = 0;
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let (lo, hi) = chunk.split_at(8);
        let word = |half: &[u8]| i64::from_le_bytes(half.try_into().unwrap_or_default());
        // SAFETY: these intrinsics only compute on values (no memory is read or written);
        // they are `unsafe` only because they need SSE2, which this function is compiled
        // for exactly when the target has it (the `cfg` above; every x86-64 target does).
        // `packers_agree` checks the result against the `u64` lanes.
        let mask = unsafe {
            let v = _mm_set_epi64x(word(hi), word(lo));
            let picked = match class {
                // As signed bytes: D0 and D1 are -48 and -47; FE is -2.
                Class::CyrillicLead => _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(-2)), _mm_set1_epi8(-48)),
                // Bytes from 0x80 are negative, so below '0'.
                Class::AsciiDigit => _mm_and_si128(
                    _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8(b'9' as i8 + 1)),
                ),
                // Printable ASCII is 0x21..=0x7F as signed bytes; C0..=FF is -64..=-1.
                Class::Marks => {
                    let digit = _mm_and_si128(
                        _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
                        _mm_cmplt_epi8(v, _mm_set1_epi8(b'9' as i8 + 1)),
                    );
                    let printable = _mm_andnot_si128(digit, _mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)));
                    let newline = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
                    let leads =
                        _mm_and_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0)), _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)));
                    let cyrillic = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(-2)), _mm_set1_epi8(-48));
                    _mm_or_si128(_mm_or_si128(printable, newline), _mm_andnot_si128(cyrillic, leads))
                }
            };
            _mm_movemask_epi8(picked)
        };
        bits |= u64::from(mask as u16) << (16 * k);
    }
    bits
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn pack(block: &[u8; 64], class: Class) -> u64 {
    pack_swar(block, class)
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

    /// The lanes a predicate picks, one by one.
    fn want(bytes: &[u8], i: usize, pick: impl Fn(u8) -> bool) -> u64 {
        (0..8).filter(|&k| bytes.get(i + k).is_some_and(|&b| pick(b))).fold(0, |m, k| m | 0x80 << (8 * k))
    }

    /// The definition of [`marks`].
    fn is_mark(b: u8) -> bool {
        b == b'\n' || (0x21..=0x7F).contains(&b) && !b.is_ascii_digit() || b >= 0xC0 && b & 0xFE != 0xD0
    }

    #[test]
    fn every_byte_value_in_every_lane() {
        for b in 0..=255u8 {
            for k in 0..8 {
                let mut bytes = [b'a', 0xD0, 0x35, 0xFF, 0x80, b'9', 0xD1, 0x2F];
                bytes[k] = b;
                let x = load(&bytes, 0);
                assert_eq!(cyrillic_leads(x), want(&bytes, 0, |b| b & 0xFE == 0xD0), "{bytes:x?}");
                assert_eq!(ascii_digits(x), want(&bytes, 0, |b| b.is_ascii_digit()), "{bytes:x?}");
                assert_eq!(marks(x), want(&bytes, 0, is_mark), "{bytes:x?}");
            }
        }
    }

    #[test]
    fn loads_past_the_end_read_zero() {
        let text = "ёж 9".as_bytes();
        for i in 0..=text.len() + 9 {
            let x = load(text, i);
            assert_eq!(cyrillic_leads(x), want(text, i, |b| b & 0xFE == 0xD0), "at {i}");
            assert_eq!(ascii_digits(x), want(text, i, |b| b.is_ascii_digit()), "at {i}");
        }
        assert_eq!(load(&[], 0), 0);
    }

    /// Run starts and ends equal their byte-by-byte definition, whatever block edge a run
    /// crosses.
    #[test]
    fn lead_blocks_find_run_edges_across_block_edges() {
        let lead = |bytes: &[u8], i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(|&b| b & 0xFE == 0xD0);
        for pad in 0..70 {
            let text = format!("{}Привет, ёжик 42 мир-дружба{}Ы", "x".repeat(pad), " слово".repeat(pad % 13));
            let bytes = text.as_bytes();
            let (mut starts, mut ends) = (Vec::new(), Vec::new());
            for block in lead_blocks(bytes) {
                for k in 0..64 {
                    if block.run_starts >> k & 1 != 0 {
                        starts.push(block.base + k);
                    }
                    if block.run_ends >> k & 1 != 0 {
                        ends.push(block.base + k);
                    }
                }
            }
            let leads = (0..bytes.len()).filter(|&i| lead(bytes, Some(i)));
            let want_starts: Vec<usize> = leads.clone().filter(|&i| !lead(bytes, i.checked_sub(2))).collect();
            let want_ends: Vec<usize> = leads.filter(|&i| !lead(bytes, Some(i + 2))).collect();
            assert_eq!(starts, want_starts, "pad {pad}");
            assert_eq!(ends, want_ends, "pad {pad}");
        }
        assert_eq!(lead_blocks(&[]).count(), 0);
    }

    /// Both block packers agree on every byte value in every position.
    #[test]
    fn packers_agree() {
        for b in 0..=255u8 {
            for k in [0, 7, 8, 15, 16, 31, 40, 63] {
                let mut block = [0xD1u8; 64];
                block[k] = b;
                block[(k + 17) % 64] = b'5';
                for class in [Class::CyrillicLead, Class::AsciiDigit, Class::Marks] {
                    assert_eq!(pack(&block, class), pack_swar(&block, class), "{b:x} at {k} {class:?}");
                }
            }
        }
    }

    #[test]
    fn bits64_packs_one_bit_a_byte() {
        let text = "Ёж 9, ёлка-2024: 😀 «Да» — сказал он\u{a0}вчера. ".repeat(3);
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() + 1 {
            let want = |pick: fn(u8) -> bool| {
                (0..64).filter(|&k| bytes.get(i + k).is_some_and(|&b| pick(b))).fold(0u64, |m, k| m | 1 << k)
            };
            assert_eq!(bits64(bytes, i, Class::CyrillicLead), want(|b| b & 0xFE == 0xD0), "at {i}");
            assert_eq!(bits64(bytes, i, Class::AsciiDigit), want(|b| b.is_ascii_digit()), "at {i}");
            assert_eq!(bits64(bytes, i, Class::Marks), want(is_mark), "at {i}");
        }
    }
}
