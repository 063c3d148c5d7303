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

/// The 64 bytes from a char boundary classified for the tokenizer, one bit per byte (bit
/// `k` for byte `k`): what it needs to find words, punctuation and the gaps between them
/// without looking at the bytes one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TokenBits64 {
    /// ASCII letters and digits, and the lead bytes D0 and D1 (of the Cyrillic block
    /// U+0400..U+047F, all letters).
    pub alnum_or_lead: u64,
    /// The lead bytes D0 and D1.
    pub lead: u64,
    /// ASCII digits.
    pub digit: u64,
    /// The lead bytes of every other multi-byte character (from C0, but D0 and D1).
    pub other_lead: u64,
    /// `-` and `'`, which may join two words.
    pub joiner: u64,
    /// ASCII whitespace: the space and `\t` to `\r`.
    pub space: u64,
    /// `\n` and `\r`.
    pub newline: u64,
}

/// A way to classify 64 bytes at once: [`Sse2`] on every target, [`Avx2`] where the
/// processor has it. A scan generic over it is compiled once for each.
pub(crate) trait Classify64: Copy {
    /// The tokenizer's classes of `chunk`.
    fn token_bits(self, chunk: &[u8; 64]) -> TokenBits64;
}

/// The classifier of every target: four [`Block16`]s (SSE2 on x86-64, plain loops elsewhere).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sse2;

impl Classify64 for Sse2 {
    #[inline(always)]
    fn token_bits(self, chunk: &[u8; 64]) -> TokenBits64 {
        let mut bits =
            TokenBits64 { alnum_or_lead: 0, lead: 0, digit: 0, other_lead: 0, joiner: 0, space: 0, newline: 0 };
        for k in 0..4 {
            let Some(block) = Block16::load(chunk, 16 * k) else { unreachable!("four blocks of sixteen") };
            let lead = block.eq(0xd0) | block.eq(0xd1);
            let newline = block.eq(b'\n') | block.eq(b'\r');
            let at = 16 * k;
            bits.alnum_or_lead |= u64::from((block.ascii_alphanumeric() | lead).bits()) << at;
            bits.lead |= u64::from(lead.bits()) << at;
            bits.digit |= u64::from(block.in_range(b'0', b'9').bits()) << at;
            bits.other_lead |= u64::from(block.in_range(0xc0, 0xff).and_not(lead).bits()) << at;
            bits.joiner |= u64::from((block.eq(b'-') | block.eq(b'\'')).bits()) << at;
            bits.space |= u64::from((block.eq(b' ') | block.in_range(b'\t', b'\r')).bits()) << at;
            bits.newline |= u64::from(newline.bits()) << at;
        }
        bits
    }
}

/// A `movemask` result as a number LLVM cannot see through. Otherwise, when two masks are
/// joined into a `u64` and tested bit by bit, it may keep them as vectors of one-bit lanes
/// and take them apart lane by lane (a hundred instructions for one `pmovmskb`; it tripled
/// the tokenizer and the gazetteer's scan). The empty `asm!` emits no instruction.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn opaque(mut mask: u32) -> u32 {
    // SAFETY: an empty template: no instruction, no memory, no flags touched.
    unsafe { std::arch::asm!("/* {0:e} */", inout(reg) mask, options(pure, nomem, nostack, preserves_flags)) };
    mask
}

/// [`opaque`] where the masks are plain integers already.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn opaque(mask: u32) -> u32 {
    mask
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::{Avx2, Block32};

/// Thirty-two bytes at once with AVX2, for the scans that read every byte of the corpus
/// (folding, tokenizing): half the instructions of two SSE2 blocks.
///
/// Not every x86-64 processor has AVX2, so nothing here runs without an [`Avx2`], which
/// only [`Avx2::detect`] makes, after asking the processor. The functions are compiled for
/// AVX2 (`#[target_feature]`): they are inlined into callers compiled for it too, such as
/// a scan's `#[target_feature]` entry point that takes an `Avx2`.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_andnot_si256, _mm256_blendv_epi8, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8,
        _mm256_loadu_si256, _mm256_max_epu8, _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
        _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_slli_epi16, _mm256_srli_epi16, _mm256_storeu_si256,
        _mm256_sub_epi8, _mm256_xor_si256,
    };

    use super::{Classify64, TokenBits64};

    /// Proof that the processor has AVX2, BMI1, BMI2 and LZCNT (the scans' AVX2 entry
    /// points are compiled for all four).
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        /// `Some` when the processor has the features. The standard library asks the
        /// processor once and caches the answer: a call costs a few loads.
        #[inline]
        pub(crate) fn detect() -> Option<Avx2> {
            let has = is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("bmi1")
                && is_x86_feature_detected!("bmi2")
                && is_x86_feature_detected!("lzcnt");
            has.then_some(Avx2(()))
        }
    }

    impl Classify64 for Avx2 {
        #[inline(always)]
        fn token_bits(self, chunk: &[u8; 64]) -> TokenBits64 {
            // SAFETY: an `Avx2` exists only when the processor has AVX2 (see `detect`).
            unsafe { token_bits(chunk) }
        }
    }

    /// [`Classify64::token_bits`] as two halves of 32 bytes.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn token_bits(chunk: &[u8; 64]) -> TokenBits64 {
        let (Some(low), Some(high)) = (Block32::load(chunk, 0), Block32::load(chunk, 32)) else {
            unreachable!("two blocks of thirty-two")
        };
        let [l, h] = [half_token_bits(low), half_token_bits(high)];
        let join = |k: usize| u64::from(l[k]) | u64::from(h[k]) << 32;
        TokenBits64 {
            alnum_or_lead: join(0),
            lead: join(1),
            digit: join(2),
            other_lead: join(3),
            joiner: join(4),
            space: join(5),
            newline: join(6),
        }
    }

    /// The seven masks of [`TokenBits64`] for 32 bytes, in its field order.
    ///
    /// Each byte's classes come as the bits of one byte, looked up by its low and its high
    /// four bits in two 16-entry tables ([`TOKEN_BY_LOW`], [`TOKEN_BY_HIGH`]) and joined
    /// with `and`: a bit stands for the bytes whose high half is in one set and low half in
    /// another (see [`TokenClass`]). Half the instructions of a compare per range.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn half_token_bits(block: Block32) -> [u32; 7] {
        let table = |t: &[u8; 32]| {
            // SAFETY: reads the 32 bytes `t` borrows.
            unsafe { _mm256_loadu_si256(t.as_ptr().cast()) }
        };
        let nibble = _mm256_set1_epi8(0x0f);
        let low = _mm256_and_si256(block.0, nibble);
        let high = _mm256_and_si256(_mm256_srli_epi16::<4>(block.0), nibble);
        let class = _mm256_and_si256(
            _mm256_shuffle_epi8(table(&TOKEN_BY_LOW), low),
            _mm256_shuffle_epi8(table(&TOKEN_BY_HIGH), high),
        );
        // Bit 7 of each byte, and the bytes with any of `bits`.
        let top = |v: __m256i| super::opaque(_mm256_movemask_epi8(v) as u32);
        let any = |bits: u8| {
            let none = _mm256_cmpeq_epi8(_mm256_and_si256(class, _mm256_set1_epi8(bits as i8)), _mm256_setzero_si256());
            !top(none)
        };
        // A 16-bit shift left by `7 - k` takes bit `k` of every byte to bit 7.
        let lead = top(_mm256_slli_epi16::<{ 7 - TokenClass::LEAD }>(class));
        let high_bytes = top(_mm256_slli_epi16::<{ 7 - TokenClass::HIGH }>(class));
        [
            any(TokenClass::ALNUM_OR_LEAD),
            lead,
            top(_mm256_slli_epi16::<{ 7 - TokenClass::DIGIT }>(class)),
            high_bytes & !lead,
            top(_mm256_slli_epi16::<{ 7 - TokenClass::JOINER }>(class)),
            any(TokenClass::SPACE),
            (block.eq(b'\n') | block.eq(b'\r')).bits(),
        ]
    }

    /// The bits of the byte classes [`half_token_bits`] looks up: each is the set of bytes
    /// `h × l` for a set `h` of high halves and `l` of low halves (hex digits).
    struct TokenClass;

    impl TokenClass {
        /// `41..=4f`, `61..=6f`: h {4, 6}, l {1..f}.
        const ALPHA_1: i32 = 0;
        /// `50..=5a`, `70..=7a`: h {5, 7}, l {0..a}.
        const ALPHA_2: i32 = 1;
        /// `30..=39`: h {3}, l {0..9}.
        const DIGIT: i32 = 2;
        /// `d0`, `d1`: h {d}, l {0, 1}.
        const LEAD: i32 = 3;
        /// `c0..=ff`: h {c..f}, every l.
        const HIGH: i32 = 4;
        /// `'`, `-` (27, 2d): h {2}, l {7, d}.
        const JOINER: i32 = 5;
        /// The space (20): h {2}, l {0}.
        const SPACE_1: i32 = 6;
        /// `\t` to `\r` (09..=0d): h {0}, l {9..d}.
        const SPACE_2: i32 = 7;
        const ALNUM_OR_LEAD: u8 = 1 << Self::ALPHA_1 | 1 << Self::ALPHA_2 | 1 << Self::DIGIT | 1 << Self::LEAD;
        const SPACE: u8 = 1 << Self::SPACE_1 | 1 << Self::SPACE_2;

        /// The bits (of the sets above) whose high (`by_high`) or low set holds `nibble`.
        const fn of(nibble: u8, by_high: bool) -> u8 {
            let sets: [(i32, u16, u16); 8] = [
                (Self::ALPHA_1, 1 << 4 | 1 << 6, 0xfffe),
                (Self::ALPHA_2, 1 << 5 | 1 << 7, 0x07ff),
                (Self::DIGIT, 1 << 3, 0x03ff),
                (Self::LEAD, 1 << 0xd, 0x0003),
                (Self::HIGH, 0xf000, 0xffff),
                (Self::JOINER, 1 << 2, 1 << 7 | 1 << 0xd),
                (Self::SPACE_1, 1 << 2, 1 << 0),
                (Self::SPACE_2, 1 << 0, 0x3e00),
            ];
            let mut bits = 0u8;
            let mut k = 0;
            while k < sets.len() {
                let (bit, high, low) = sets[k];
                let set = if by_high { high } else { low };
                if set >> nibble & 1 == 1 {
                    bits |= 1 << bit;
                }
                k += 1;
            }
            bits
        }

        /// The table for `pshufb`: by nibble, twice (once per 128-bit lane).
        const fn table(by_high: bool) -> [u8; 32] {
            let mut t = [0u8; 32];
            let mut k = 0;
            while k < 32 {
                t[k] = Self::of((k % 16) as u8, by_high);
                k += 1;
            }
            t
        }
    }

    /// [`TokenClass`] bits by a byte's low four bits.
    static TOKEN_BY_LOW: [u8; 32] = TokenClass::table(false);
    /// [`TokenClass`] bits by a byte's high four bits.
    static TOKEN_BY_HIGH: [u8; 32] = TokenClass::table(true);

    /// Thirty-two consecutive bytes of a text.
    #[derive(Clone, Copy)]
    pub(crate) struct Block32(__m256i);

    /// A yes (0xff) or no (0) for each byte of a [`Block32`].
    #[derive(Clone, Copy)]
    pub(crate) struct Lanes32(__m256i);

    impl Block32 {
        /// The 32 bytes from `at`, if the text has that many.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn load(bytes: &[u8], at: usize) -> Option<Block32> {
            let chunk: &[u8; 32] = bytes.get(at..at + 32)?.try_into().ok()?;
            // SAFETY: reads the 32 bytes `chunk` borrows.
            Some(Block32(unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) }))
        }

        /// The bytes equal to `b`.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn eq(self, b: u8) -> Lanes32 {
            Lanes32(_mm256_cmpeq_epi8(self.0, _mm256_set1_epi8(b as i8)))
        }

        /// The bytes in `lo..=hi`: `b - lo` (wrapping) is at most `hi - lo` exactly for
        /// them (an unsigned minimum and a compare).
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn in_range(self, lo: u8, hi: u8) -> Lanes32 {
            let shifted = _mm256_sub_epi8(self.0, _mm256_set1_epi8(lo as i8));
            let top = _mm256_set1_epi8(hi.wrapping_sub(lo) as i8);
            Lanes32(_mm256_cmpeq_epi8(_mm256_min_epu8(shifted, top), shifted))
        }

        /// The bytes from 0x80 (negative as signed bytes).
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn non_ascii(self) -> Lanes32 {
            Lanes32(_mm256_cmpgt_epi8(_mm256_setzero_si256(), self.0))
        }

        /// The ASCII letters and digits (setting bit 5 turns capitals to small letters, and
        /// no other byte into one).
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn ascii_alphanumeric(self) -> Lanes32 {
            let small = Block32(_mm256_or_si256(self.0, _mm256_set1_epi8(0x20)));
            self.in_range(b'0', b'9') | small.in_range(b'a', b'z')
        }

        /// The lead bytes of multi-byte characters, c0..ff: those left as they are by an
        /// unsigned maximum with c0 (two instructions where [`Block32::in_range`] takes three).
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn lead_bytes(self) -> Lanes32 {
            Lanes32(_mm256_cmpeq_epi8(_mm256_max_epu8(self.0, _mm256_set1_epi8(0xc0u8 as i8)), self.0))
        }

        /// The bytes with the bits of `bits` flipped where `lanes` says yes.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn xor_where(self, lanes: Lanes32, bits: u8) -> Block32 {
            Block32(_mm256_xor_si256(self.0, _mm256_and_si256(lanes.0, _mm256_set1_epi8(bits as i8))))
        }

        /// The bytes with `b` in place where `lanes` says yes.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn replace_where(self, lanes: Lanes32, b: u8) -> Block32 {
            Block32(_mm256_blendv_epi8(self.0, _mm256_set1_epi8(b as i8), lanes.0))
        }

        /// Writes the 32 bytes just past the end of `out`, whose length stays as it was: the
        /// caller keeps as many of them as it wants with `set_len`.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn write_past_end(self, out: &mut Vec<u8>) {
            out.reserve(32);
            let spare = &mut out.spare_capacity_mut()[..32];
            // SAFETY: `spare` is 32 bytes of `out`'s allocation, writable.
            unsafe { _mm256_storeu_si256(spare.as_mut_ptr().cast(), self.0) }
        }
    }

    impl Lanes32 {
        /// Bit `k` set when byte `k` says yes (through [`opaque`](super::opaque)).
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn bits(self) -> u32 {
            super::opaque(_mm256_movemask_epi8(self.0) as u32)
        }

        /// `self` but not `other`.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(crate) fn and_not(self, other: Lanes32) -> Lanes32 {
            Lanes32(_mm256_andnot_si256(other.0, self.0))
        }
    }

    impl std::ops::BitOr for Lanes32 {
        type Output = Lanes32;
        #[inline(always)]
        fn bitor(self, other: Lanes32) -> Lanes32 {
            // SAFETY: a `Lanes32` exists only when the processor has AVX2 (every function
            // that makes one is compiled for it).
            Lanes32(unsafe { _mm256_or_si256(self.0, other.0) })
        }
    }

    impl std::ops::BitAnd for Lanes32 {
        type Output = Lanes32;
        #[inline(always)]
        fn bitand(self, other: Lanes32) -> Lanes32 {
            // SAFETY: as for `BitOr`.
            Lanes32(unsafe { _mm256_and_si256(self.0, other.0) })
        }
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

    /// `TokenBits64` byte by byte, as the definition.
    fn token_bits_reference(chunk: &[u8; 64]) -> TokenBits64 {
        let mask =
            |has: &dyn Fn(u8) -> bool| chunk.iter().enumerate().fold(0u64, |m, (k, &b)| m | u64::from(has(b)) << k);
        TokenBits64 {
            alnum_or_lead: mask(&|b| b.is_ascii_alphanumeric() || b == 0xd0 || b == 0xd1),
            lead: mask(&|b| b == 0xd0 || b == 0xd1),
            digit: mask(&|b| b.is_ascii_digit()),
            other_lead: mask(&|b| b >= 0xc0 && b != 0xd0 && b != 0xd1),
            joiner: mask(&|b| b == b'-' || b == b'\''),
            space: mask(&|b| b == b' ' || (b'\t'..=b'\r').contains(&b)),
            newline: mask(&|b| b == b'\n' || b == b'\r'),
        }
    }

    /// Both classifiers (SSE2, and AVX2 where the processor has it) give the definition's
    /// masks for every byte value at every place of the 64.
    #[test]
    fn token_bits_agree_with_byte_by_byte() {
        let all: Vec<[u8; 16]> = blocks();
        for (k, four) in all.windows(4).enumerate().step_by(3) {
            let mut chunk = [0u8; 64];
            for (j, block) in four.iter().enumerate() {
                chunk[16 * j..16 * j + 16].copy_from_slice(block);
            }
            chunk[k % 64] = b'\n';
            let expected = token_bits_reference(&chunk);
            assert_eq!(Sse2.token_bits(&chunk), expected, "{chunk:?}");
            #[cfg(target_arch = "x86_64")]
            if let Some(avx2) = Avx2::detect() {
                assert_eq!(avx2.token_bits(&chunk), expected, "{chunk:?}");
            }
        }
    }
}
