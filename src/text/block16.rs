//! Sixteen bytes of text classified at once, one bit per byte.
//!
//! Folding and the tokenizer ask of every byte of the corpus
//! "is it a letter, a space, a lead byte?". Asked byte by byte (or eight bytes at a time in
//! a `u64`) that cost them about ten instructions a byte; an SSE2 register (every x86-64
//! processor has one) answers for sixteen bytes with a compare and a `movemask`. Other
//! targets get the same answers from a plain loop.
//!
//! A mask has bit `k` set when byte `k` of the block has the property; bits 16 and up are
//! clear, so a mask may be shifted left by one to move each bit to the next byte.

/// Sixteen consecutive bytes of a text.
#[derive(Clone, Copy)]
pub(crate) struct Block16(imp::Bytes);

/// A yes or no for each byte of a [`Block16`]; combined with `|`, `&` and [`Lanes::and_not`]
/// while still in the register, turned into a number by [`Lanes::bits`].
#[derive(Clone, Copy)]
pub(crate) struct Lanes(imp::Lanes);

impl Block16 {
    /// The sixteen bytes from `at`, if the text has that many.
    #[inline(always)]
    pub(crate) fn load(bytes: &[u8], at: usize) -> Option<Block16> {
        let chunk: &[u8; 16] = bytes.get(at..at + 16)?.try_into().ok()?;
        Some(Block16(imp::load(chunk)))
    }

    /// The bytes equal to `b`.
    #[inline(always)]
    pub(crate) fn eq(self, b: u8) -> Lanes {
        Lanes(imp::eq(self.0, b))
    }

    /// The bytes in `lo..=hi`.
    #[inline(always)]
    pub(crate) fn in_range(self, lo: u8, hi: u8) -> Lanes {
        Lanes(imp::in_range(self.0, lo, hi))
    }

    /// The ASCII letters and digits.
    #[inline(always)]
    pub(crate) fn ascii_alphanumeric(self) -> Lanes {
        Lanes(imp::ascii_alphanumeric(self.0))
    }

    /// The bytes from 0x80 (lead and continuation bytes of multi-byte characters).
    #[inline(always)]
    pub(crate) fn non_ascii(self) -> Lanes {
        Lanes(imp::non_ascii(self.0))
    }
}

impl Lanes {
    /// Bit `k` set when byte `k` has the property; bits 16 and up clear.
    #[inline(always)]
    pub(crate) fn bits(self) -> u32 {
        imp::bits(self.0)
    }

    /// Byte `k` answers as byte `k - 1` did (byte 0 says no): "the byte before has it".
    #[inline(always)]
    pub(crate) fn after(self) -> Lanes {
        Lanes(imp::after(self.0))
    }

    /// `self` but not `other`.
    #[inline(always)]
    pub(crate) fn and_not(self, other: Lanes) -> Lanes {
        Lanes(imp::and_not(self.0, other.0))
    }
}

impl std::ops::BitOr for Lanes {
    type Output = Lanes;
    #[inline(always)]
    fn bitor(self, other: Lanes) -> Lanes {
        Lanes(imp::or(self.0, other.0))
    }
}

impl std::ops::BitAnd for Lanes {
    type Output = Lanes;
    #[inline(always)]
    fn bitand(self, other: Lanes) -> Lanes {
        Lanes(imp::and(self.0, other.0))
    }
}

/// The 64 bytes from a char boundary classified for a word scan, one bit per byte (bit `k`
/// for byte `k`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordBits64 {
    /// ASCII letters and digits, and both bytes of the two-byte characters led by D0 or D1
    /// (the Cyrillic block U+0400..U+047F, all letters); a lead byte in the last place
    /// counts though its continuation byte lies past the 64.
    pub word: u64,
    /// Every other byte from 0x80: characters only decoding can tell.
    pub other: u64,
    /// Spaces.
    pub space: u64,
}

impl WordBits64 {
    /// The classes of the 64 bytes from `at`, if the text has that many.
    #[inline(always)]
    pub(crate) fn at(bytes: &[u8], at: usize) -> Option<WordBits64> {
        bytes.get(at..at + 64)?;
        let mut bits = WordBits64 { word: 0, other: 0, space: 0 };
        // Whether the previous block ended with a lead byte: its continuation byte opens this one.
        let mut carried = 0;
        for k in 0..4 {
            let block = Block16::load(bytes, at + 16 * k)?;
            let lead = block.eq(0xd0) | block.eq(0xd1);
            let word = (block.ascii_alphanumeric() | lead | lead.after()).bits() | carried;
            let other = block.non_ascii().bits() & !word;
            bits.word |= u64::from(word) << (16 * k);
            bits.other |= u64::from(other) << (16 * k);
            bits.space |= u64::from(block.eq(b' ').bits()) << (16 * k);
            carried = lead.bits() >> 15;
        }
        Some(bits)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_loadu_si128, _mm_min_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_slli_si128, _mm_sub_epi8,
    };

    pub(super) type Bytes = __m128i;
    /// 0xff for yes, 0 for no, per byte.
    pub(super) type Lanes = __m128i;

    // SAFETY (every function here): the intrinsics need SSE2, which this module is compiled
    // for exactly when the target has it (the `cfg` above; every x86-64 target does); the
    // only memory read is the sixteen bytes `chunk` borrows. `sse2_agrees_with_portable`
    // checks every answer against the plain loops.

    #[inline(always)]
    pub(super) fn load(chunk: &[u8; 16]) -> Bytes {
        unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) }
    }

    #[inline(always)]
    pub(super) fn eq(v: Bytes, b: u8) -> Lanes {
        unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)) }
    }

    /// `b - lo` (wrapping) is at most `hi - lo` exactly for the bytes in range: an unsigned
    /// minimum and a compare.
    #[inline(always)]
    pub(super) fn in_range(v: Bytes, lo: u8, hi: u8) -> Lanes {
        unsafe {
            let shifted = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
            _mm_cmpeq_epi8(_mm_min_epu8(shifted, _mm_set1_epi8(hi.wrapping_sub(lo) as i8)), shifted)
        }
    }

    /// Digits, and letters of either case (setting bit 5 turns capitals to small letters,
    /// and no other byte into one).
    #[inline(always)]
    pub(super) fn ascii_alphanumeric(v: Bytes) -> Lanes {
        unsafe { _mm_or_si128(in_range(v, b'0', b'9'), in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z')) }
    }

    /// As signed numbers, the bytes from 0x80 are the negative ones.
    #[inline(always)]
    pub(super) fn non_ascii(v: Bytes) -> Lanes {
        unsafe { _mm_cmpgt_epi8(_mm_setzero_si128(), v) }
    }

    #[inline(always)]
    pub(super) fn bits(l: Lanes) -> u32 {
        unsafe { _mm_movemask_epi8(l) as u32 }
    }

    #[inline(always)]
    pub(super) fn after(l: Lanes) -> Lanes {
        unsafe { _mm_slli_si128::<1>(l) }
    }

    #[inline(always)]
    pub(super) fn and_not(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_andnot_si128(b, a) }
    }

    #[inline(always)]
    pub(super) fn or(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_or_si128(a, b) }
    }

    #[inline(always)]
    pub(super) fn and(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_and_si128(a, b) }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use portable as imp;

/// The definition: one byte at a time (the implementation on targets without SSE2), the
/// lanes kept as bits.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
mod portable {
    pub(super) type Bytes = [u8; 16];
    pub(super) type Lanes = u32;

    #[inline(always)]
    pub(super) fn load(chunk: &[u8; 16]) -> Bytes {
        *chunk
    }

    #[inline(always)]
    fn mask(v: Bytes, has: impl Fn(u8) -> bool) -> u32 {
        v.iter().enumerate().fold(0, |m, (k, &b)| m | u32::from(has(b)) << k)
    }

    #[inline(always)]
    pub(super) fn eq(v: Bytes, b: u8) -> Lanes {
        mask(v, |x| x == b)
    }

    #[inline(always)]
    pub(super) fn in_range(v: Bytes, lo: u8, hi: u8) -> Lanes {
        mask(v, |x| (lo..=hi).contains(&x))
    }

    #[inline(always)]
    pub(super) fn ascii_alphanumeric(v: Bytes) -> Lanes {
        mask(v, |x| x.is_ascii_alphanumeric())
    }

    #[inline(always)]
    pub(super) fn non_ascii(v: Bytes) -> Lanes {
        mask(v, |x| x >= 0x80)
    }

    #[inline(always)]
    pub(super) fn bits(l: Lanes) -> u32 {
        l
    }

    #[inline(always)]
    pub(super) fn after(l: Lanes) -> Lanes {
        (l << 1) & 0xffff
    }

    #[inline(always)]
    pub(super) fn and_not(a: Lanes, b: Lanes) -> Lanes {
        a & !b
    }

    #[inline(always)]
    pub(super) fn or(a: Lanes, b: Lanes) -> Lanes {
        a | b
    }

    #[inline(always)]
    pub(super) fn and(a: Lanes, b: Lanes) -> Lanes {
        a & b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks() -> Vec<[u8; 16]> {
        let mut seed = 5u64;
        let mut out: Vec<[u8; 16]> = (0..=255u8).map(|b| [b; 16]).collect();
        for _ in 0..2000 {
            let mut block = [0u8; 16];
            for b in &mut block {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                *b = (seed >> 56) as u8;
            }
            out.push(block);
        }
        out
    }

    /// The SSE2 masks (on x86-64) are the plain loops' masks, for every byte value and
    /// bound, including the signed/unsigned edges 0x7f/0x80 and 0x00/0xff.
    #[test]
    fn sse2_agrees_with_portable() {
        let bounds = [0u8, 1, 8, 9, 0x0d, b'0', b'9', b'A', b'Z', b'a', b'z', 0x7f, 0x80, 0x8f, 0xb0, 0xbf, 0xd0, 0xff];
        for block in blocks() {
            let fast = Block16::load(&block, 0).unwrap();
            let slow = portable::load(&block);
            assert_eq!(fast.non_ascii().bits(), portable::non_ascii(slow), "{block:?}");
            assert_eq!(fast.ascii_alphanumeric().bits(), portable::ascii_alphanumeric(slow), "{block:?}");
            for &lo in &bounds {
                let (fast_eq, slow_eq) = (fast.eq(lo), portable::eq(slow, lo));
                assert_eq!(fast_eq.bits(), slow_eq, "{block:?} == {lo}");
                assert_eq!(fast_eq.after().bits(), portable::after(slow_eq), "{block:?} == {lo}, after");
                for &hi in bounds.iter().filter(|&&hi| hi >= lo) {
                    let (fast_in, slow_in) = (fast.in_range(lo, hi), portable::in_range(slow, lo, hi));
                    assert_eq!(fast_in.bits(), slow_in, "{block:?} {lo}..={hi}");
                    assert_eq!((fast_in | fast_eq).bits(), slow_in | slow_eq);
                    assert_eq!((fast_in & fast_eq).bits(), slow_in & slow_eq);
                    assert_eq!(fast_in.and_not(fast_eq).bits(), slow_in & !slow_eq);
                }
            }
        }
    }
}
