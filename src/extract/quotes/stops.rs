//! Where the bytes the quote rules stop at lie in a document: line breaks, sentence
//! punctuation and the first bytes of quotation marks, found in one pass.
//!
//! Marks pairing walks the whole text, dash lines walk it line by line, and sentence limits
//! are asked for thousands of times around cues. Each used to scan the text again (the same
//! stretch many times over); now each is a binary search and a short walk over this list.

use super::marks::ByteStops;

/// A set of stop bytes, compiled for [`StopIndex::new`].
#[derive(Clone, Debug)]
pub(crate) struct StopSet {
    bytes: ByteStops,
    /// A SIMD searcher for the bytes, where the platform has one.
    packed: Option<aho_corasick::packed::Searcher>,
    /// The bytes as nibble tables, when they fit (see [`NibbleTable`]).
    nibbles: Option<NibbleTable>,
}

impl StopSet {
    pub fn new(bytes: ByteStops) -> StopSet {
        let packed = bytes.bytes().and_then(|b| aho_corasick::packed::Searcher::new(b.iter().map(|&b| [b])));
        let nibbles = bytes.bytes().and_then(NibbleTable::new);
        StopSet { bytes, packed, nibbles }
    }
}

/// A set of bytes as two 16-entry tables: byte `b` is in the set exactly when
/// `lo[b & 15] & hi[b >> 4] != 0`. Each high nibble of the set has a bit of its own in `hi`,
/// and `lo[l]` holds the bits of the high nibbles `h` with `h << 4 | l` in the set, so
/// eight high nibbles at most (the shipped stops have five).
///
/// Two table lookups (`pshufb`) then test sixteen bytes against the whole set at once,
/// where comparing with each stop byte in turn takes two instructions a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NibbleTable {
    lo: [u8; 16],
    hi: [u8; 16],
}

impl NibbleTable {
    fn new(stops: &[u8]) -> Option<NibbleTable> {
        let (mut lo, mut hi) = ([0u8; 16], [0u8; 16]);
        let mut used = 0;
        for &b in stops {
            let h = usize::from(b >> 4);
            if hi[h] == 0 {
                if used == 8 {
                    return None;
                }
                hi[h] = 1 << used;
                used += 1;
            }
            lo[usize::from(b & 15)] |= hi[h];
        }
        Some(NibbleTable { lo, hi })
    }

    #[cfg(test)]
    fn contains(&self, b: u8) -> bool {
        self.lo[usize::from(b & 15)] & self.hi[usize::from(b >> 4)] != 0
    }
}

/// The positions of every stop byte of one set in a text, in order.
///
/// Stop bytes are ASCII or UTF-8 lead bytes (see [`ByteStops::with`]), so every position is
/// a character start and the list holds exactly the stops any scan of the text would meet.
#[derive(Clone, Debug)]
pub(crate) struct StopIndex {
    set: ByteStops,
    at: Vec<usize>,
}

impl StopIndex {
    pub fn new(text: &str, set: &StopSet) -> StopIndex {
        let bytes = text.as_bytes();
        // About one stop in 64 bytes of news text: reserve once instead of growing.
        let mut at = Vec::with_capacity(bytes.len() / 64 + 16);
        #[cfg(target_arch = "x86_64")]
        if let Some(table) = &set.nibbles {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: `find_avx2` needs AVX2 (and SSSE3, which every AVX2 processor
                // has), and the processor has it (checked just above).
                unsafe { find_avx2(bytes, table, &set.bytes, &mut at) };
                return StopIndex { set: set.bytes, at };
            }
            if std::is_x86_feature_detected!("ssse3") {
                // SAFETY: `find_ssse3` needs SSSE3 only, and the processor has it (checked
                // just above).
                unsafe { find_ssse3(bytes, 0, table, &set.bytes, &mut at) };
                return StopIndex { set: set.bytes, at };
            }
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        if let Some(stops) = set.bytes.bytes().filter(|s| !s.is_empty()) {
            find_sse2(bytes, stops, &set.bytes, &mut at);
            return StopIndex { set: set.bytes, at };
        }
        match (&set.packed, set.bytes.bytes()) {
            // Teddy (SIMD) looks for all the bytes at once.
            (Some(searcher), _) => at.extend(searcher.find_iter(bytes).map(|m| m.start())),
            (None, Some(stops)) => {
                // One memchr iterator per group of three bytes, merged.
                let mut groups: Vec<std::iter::Peekable<memchr::Memchr3<'_>>> = stops
                    .chunks(3)
                    .map(|g| {
                        let (a, b, c) = (g[0], g.get(1).copied().unwrap_or(g[0]), g.get(2).copied().unwrap_or(g[0]));
                        memchr::memchr3_iter(a, b, c, bytes).peekable()
                    })
                    .collect();
                loop {
                    let mut best: Option<(usize, usize)> = None;
                    for (k, g) in groups.iter_mut().enumerate() {
                        if let Some(&p) = g.peek() {
                            if best.is_none_or(|(_, b)| p < b) {
                                best = Some((k, p));
                            }
                        }
                    }
                    let Some((k, p)) = best else {
                        break;
                    };
                    at.push(p);
                    groups[k].next();
                }
            }
            (None, None) => at.extend((0..bytes.len()).filter(|&i| set.bytes.contains(bytes[i]))),
        }
        StopIndex { set: set.bytes, at }
    }

    /// The set this index was built for.
    pub fn set(&self) -> &ByteStops {
        &self.set
    }

    /// The stops at or after `from` (in order).
    pub fn from(&self, from: usize) -> &[usize] {
        &self.at[self.at.partition_point(|&p| p < from)..]
    }

    /// The stops before `to` (in order).
    pub fn before(&self, to: usize) -> &[usize] {
        &self.at[..self.at.partition_point(|&p| p < to)]
    }
}

/// Appends to `at` the position of every byte of `bytes` in `stops` (at most
/// [`MAX_STOPS`] bytes), sixteen bytes at a time: every stop byte compared at once and the
/// hits read from a `movemask`, about 1.5 instructions a byte. Teddy took three times that,
/// mostly in restarting its search after each of the many hits.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn find_sse2(bytes: &[u8], stops: &[u8], set: &ByteStops, at: &mut Vec<usize>) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x};
    // Unused slots repeat the first stop, so the compare count is fixed and unrolled.
    let mut padded = [stops[0]; MAX_STOPS];
    padded[..stops.len()].copy_from_slice(stops);
    let mut chunks = bytes.chunks_exact(16);
    let mut base = 0;
    for chunk in &mut chunks {
        let (lo, hi) = chunk.split_at(8);
        let word = |half: &[u8]| i64::from_le_bytes(half.try_into().unwrap_or_default());
        // SAFETY: these intrinsics only compute on values (no memory is read or written);
        // they are `unsafe` only because they need SSE2, which this function is compiled
        // for exactly when the target has it (the `cfg` above; every x86-64 target does).
        // `finds_every_stop_byte_in_order` checks the result against a byte-wise scan.
        let mask = unsafe {
            let v = _mm_set_epi64x(word(hi), word(lo));
            let mut hit = _mm_cmpeq_epi8(v, _mm_set1_epi8(padded[0] as i8));
            for &b in &padded[1..] {
                hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
            }
            _mm_movemask_epi8(hit) as u32
        };
        push_block(at, base, u64::from(mask));
        base += 16;
    }
    push_remainder(at, base, chunks.remainder(), set);
}

/// [`find_ssse3`] 64 bytes at a time: the same nibble lookups on 32-byte vectors (the
/// tables repeated in both 128-bit lanes, as `vpshufb` looks up within a lane), two of them
/// making one 64-bit mask, so a third of the instructions a byte. The last bytes (fewer
/// than 64) go to [`find_ssse3`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_avx2(bytes: &[u8], table: &NibbleTable, set: &ByteStops, at: &mut Vec<usize>) {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
        _mm_loadu_si128,
    };
    // SAFETY (each load): the pointer is to 16 readable bytes (a table) or 32 (half of a
    // `chunks_exact(64)` chunk), and `loadu` needs no alignment.
    let lo = _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(table.lo.as_ptr().cast::<__m128i>()) });
    let hi = _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(table.hi.as_ptr().cast::<__m128i>()) });
    let nibble = _mm256_set1_epi8(0x0F);
    // Bit `k` set where byte `k` of the 32 is not a stop.
    let misses = |v: __m256i| {
        let lo_bits = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nibble));
        let hi_bits = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16::<4>(v), nibble));
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(lo_bits, hi_bits), _mm256_setzero_si256())) as u32
    };
    let mut chunks = bytes.chunks_exact(64);
    let mut base = 0;
    for chunk in &mut chunks {
        let (first, second) = unsafe {
            (
                _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()),
                _mm256_loadu_si256(chunk.as_ptr().add(32).cast::<__m256i>()),
            )
        };
        let mask = !(u64::from(misses(first)) | u64::from(misses(second)) << 32);
        push_block(at, base, mask);
        base += 64;
    }
    // A safe call: AVX2 implies SSSE3.
    find_ssse3(chunks.remainder(), base, table, set, at);
}

/// Appends to `at` the position of every byte of `bytes` in the set `table` describes (whose
/// bytes are `set`'s), each plus `base`, sixteen bytes at a time: both nibbles of every byte
/// looked up at once ([`NibbleTable`]), about half the instructions of [`find_sse2`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
fn find_ssse3(bytes: &[u8], base: usize, table: &NibbleTable, set: &ByteStops, at: &mut Vec<usize>) {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8, _mm_setzero_si128,
        _mm_shuffle_epi8, _mm_srli_epi16,
    };
    // SAFETY (each load): the pointer is to sixteen readable bytes (a table or a
    // `chunks_exact(16)` chunk), and `loadu` needs no alignment.
    let lo = unsafe { _mm_loadu_si128(table.lo.as_ptr().cast::<__m128i>()) };
    let hi = unsafe { _mm_loadu_si128(table.hi.as_ptr().cast::<__m128i>()) };
    let nibble = _mm_set1_epi8(0x0F);
    let mut chunks = bytes.chunks_exact(16);
    let mut base = base;
    for chunk in &mut chunks {
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
        let lo_bits = _mm_shuffle_epi8(lo, _mm_and_si128(v, nibble));
        let hi_bits = _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16::<4>(v), nibble));
        let miss = _mm_cmpeq_epi8(_mm_and_si128(lo_bits, hi_bits), _mm_setzero_si128());
        let mask = !(_mm_movemask_epi8(miss) as u32) & 0xFFFF;
        push_block(at, base, u64::from(mask));
        base += 16;
    }
    push_remainder(at, base, chunks.remainder(), set);
}

/// Appends `base + k` for every bit `k` of `mask` (the stops of a block), in order.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn push_block(at: &mut Vec<usize>, base: usize, mut mask: u64) {
    while mask != 0 {
        at.push(base + mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// Appends the stops among the last bytes of a text (`rest`, fewer than a block), which
/// start at `base`.
#[cfg(target_arch = "x86_64")]
fn push_remainder(at: &mut Vec<usize>, base: usize, rest: &[u8], set: &ByteStops) {
    for (k, &b) in rest.iter().enumerate() {
        if set.contains(b) {
            at.push(base + k);
        }
    }
}

/// Most stop bytes [`find_sse2`] compares with (as [`ByteStops::bytes`] gives at most).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
const MAX_STOPS: usize = 9;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::quotes::marks::LINE_BREAK_STOPS;

    #[test]
    fn finds_every_stop_byte_in_order() {
        let text = "Он: «Да».\nНет! «Что?» — &quot;x\"\u{85}…\r\n";
        let few = LINE_BREAK_STOPS.with(b'.');
        let many = few.with(b'!').with(b'?').with(b'"').with(b'&').with(b':').with(b'x').with(b'y').with(b'z');
        for set in [few, many] {
            let want: Vec<usize> = (0..text.len()).filter(|&i| set.contains(text.as_bytes()[i])).collect();
            let compiled = StopSet::new(set);
            assert_eq!(StopIndex::new(text, &compiled).at, want);
            let long = text.repeat(20);
            let want: Vec<usize> = (0..long.len()).filter(|&i| set.contains(long.as_bytes()[i])).collect();
            assert_eq!(StopIndex::new(&long, &compiled).at, want);
            let memchr_only = StopSet { packed: None, nibbles: None, ..compiled };
            assert_eq!(StopIndex::new(&long, &memchr_only).at, want);
            // Every length around the 16-byte blocks, stops at block edges and ends.
            for n in 0..70 {
                let t: String = long.chars().take(n).collect();
                let want: Vec<usize> = (0..t.len()).filter(|&i| set.contains(t.as_bytes()[i])).collect();
                assert_eq!(StopIndex::new(&t, &compiled).at, want, "{n}");
            }
        }
    }

    /// The nibble tables hold exactly their bytes, for sets of many shapes; nine high nibbles
    /// do not fit.
    #[test]
    fn nibble_tables_hold_exactly_their_bytes() {
        let sets: [&[u8]; 5] =
            [b"\n\r.!?\"&\xC2\xE2", b"", b"\x00\xFF", b"\x01\x11\x21\x31\x41\x51\x61\x71", b"aAbB09"];
        for stops in sets {
            let table = NibbleTable::new(stops).unwrap();
            for b in 0..=255u8 {
                assert_eq!(table.contains(b), stops.contains(&b), "{b:#x} in {stops:x?}");
            }
        }
        assert_eq!(NibbleTable::new(b"\x01\x11\x21\x31\x41\x51\x61\x71\x81"), None);
    }

    /// What a search finds at every length of a text around its blocks, against the
    /// byte-wise scan.
    #[cfg(target_arch = "x86_64")]
    fn check_every_length(search: impl Fn(&[u8], &NibbleTable, &ByteStops, &mut Vec<usize>)) {
        let set = LINE_BREAK_STOPS.with(b'.').with(b'!').with(b'?').with(b'"').with(b'&');
        let table = NibbleTable::new(set.bytes().unwrap()).unwrap();
        let text = "Он: «Да».\nНет! «Что?» — &quot;x\"\u{85}…\r\n ёж\u{a0}😀 и так далее, без стопов".repeat(4);
        for n in 0..text.len() {
            let t = &text.as_bytes()[..n];
            let want: Vec<usize> = (0..t.len()).filter(|&i| set.contains(t[i])).collect();
            let mut got = Vec::new();
            search(t, &table, &set, &mut got);
            assert_eq!(got, want, "{n}");
        }
    }

    /// The SSSE3 search (sixteen bytes at a time).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ssse3_search_finds_every_stop_byte() {
        if std::is_x86_feature_detected!("ssse3") {
            // SAFETY: the processor has SSSE3 (checked just above).
            check_every_length(|t, table, set, got| unsafe { find_ssse3(t, 0, table, set, got) });
        }
    }

    /// The AVX2 search (64 bytes at a time, the last bytes sixteen at a time, then one by one).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_search_finds_every_stop_byte() {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            check_every_length(|t, table, set, got| unsafe { find_avx2(t, table, set, got) });
        }
    }

    #[test]
    fn stops_at_block_edges_and_in_plain_text() {
        let set = LINE_BREAK_STOPS.with(b'.').with(b'!').with(b'?');
        let compiled = StopSet::new(set);
        assert!(StopIndex::new("", &compiled).at.is_empty());
        assert!(StopIndex::new("ёжик в тумане без точек 😀 e\u{301}", &compiled).at.is_empty());
        let mut t = "a".repeat(15) + "." + &"b".repeat(15) + "!\n";
        t += "?";
        assert_eq!(StopIndex::new(&t, &compiled).at, vec![15, 31, 32, 33]);
        // One stop byte only: the padding repeats it.
        let one = StopSet::new(ByteStops::none().with(b'.'));
        assert_eq!(StopIndex::new(&t, &one).at, vec![15]);
    }
}
