//! Values (entry ids, ready-made tokens) of the tokens of at most [`MAX_LEN`] bytes (all but one token in several
//! hundred: punctuation, numbers, Russian words of up to sixteen letters), found by the
//! token's bytes themselves.
//!
//! A short token is four little-endian words read straight from the text and masked to its
//! length, plus its length and kind ([`ShortKey`]): no branch on the length, no text to
//! compare. The key sits in the slot beside the id, so a lookup reads one slot (the general
//! index reads a slot, then the entry's key). Longer tokens go to `words::IdIndex`; one
//! token is in exactly one of the two (by its length).

#[cfg(target_arch = "x86_64")]
use crate::text::block16::Avx2;
use crate::text::tokens::TokenKind;

/// The longest token the index holds.
pub const MAX_LEN: usize = 32;

/// How many words a key's bytes take.
const WORDS: usize = MAX_LEN / 8;

/// A token of at most [`MAX_LEN`] bytes: its bytes zero-padded to [`MAX_LEN`] (little-endian
/// words), and its length, kind and an occupied bit (so that no key is all zeros, the empty
/// slot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShortKey {
    words: [u64; WORDS],
    meta: u32,
}

/// `MASKS[n][k]` keeps the bytes of word `k` that belong to an `n`-byte token.
const MASKS: [[u64; WORDS]; MAX_LEN + 1] = masks();

const fn masks() -> [[u64; WORDS]; MAX_LEN + 1] {
    let mut out = [[0; WORDS]; MAX_LEN + 1];
    let mut n = 0;
    while n <= MAX_LEN {
        let mut k = 0;
        while k < WORDS {
            let skip = 8 * k;
            let bytes = if n <= skip {
                0
            } else if n - skip >= 8 {
                8
            } else {
                n - skip
            };
            out[n][k] = if bytes == 8 { u64::MAX } else { (1u64 << (8 * bytes)) - 1 };
            k += 1;
        }
        n += 1;
    }
    out
}

const OCCUPIED: u32 = 1 << 16;

fn mix(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// [`ShortKey::hash`] of the key words `[a, b, c, d]` from `a ^ c` and `b ^ d`.
#[inline(always)]
fn hash_halves(ac: u64, bd: u64) -> u64 {
    mix(ac ^ 0x243f_6a88_85a3_08d3, bd ^ 0x1319_8a2e_0370_7344)
}

fn word(b: &[u8]) -> u64 {
    b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w))
}

impl ShortKey {
    /// The key of the `kind` token `bytes[start..start + n]`, if `n` is at most [`MAX_LEN`].
    /// Reads [`MAX_LEN`] bytes from `start` when the text has them (nearly always), the
    /// token alone near the end of the text; the masks drop whatever follows the token.
    #[inline]
    pub fn of(bytes: &[u8], start: usize, n: usize, kind: TokenKind) -> Option<ShortKey> {
        match bytes.get(start..).and_then(<[u8]>::first_chunk::<MAX_LEN>) {
            Some(read) => ShortKey::masked(read, n, kind),
            None => ShortKey::near_end(bytes, start, n, kind),
        }
    }

    /// The key of an `n`-byte token at the start of `read`, if `n` is at most [`MAX_LEN`].
    #[inline]
    pub fn masked(read: &[u8; MAX_LEN], n: usize, kind: TokenKind) -> Option<ShortKey> {
        let mask = MASKS.get(n)?;
        let words = std::array::from_fn(|k| word(&read[8 * k..]) & mask[k]);
        Some(ShortKey { words, meta: n as u32 | (kind as u32) << 8 | OCCUPIED })
    }

    /// [`ShortKey::of`] of a token less than [`MAX_LEN`] bytes before the end of the text:
    /// the token alone, zero-padded (out of line: a few tokens a document).
    #[cold]
    #[inline(never)]
    fn near_end(bytes: &[u8], start: usize, n: usize, kind: TokenKind) -> Option<ShortKey> {
        let mut padded = [0u8; MAX_LEN];
        let token = bytes.get(start..start + n)?;
        padded.get_mut(..n)?.copy_from_slice(token);
        ShortKey::masked(&padded, n, kind)
    }

    /// The hash of the key: the multiply-fold mixer of wyhash and foldhash (every input bit
    /// reaches every output bit) on the two halves of the bytes folded together. Keys that
    /// hash alike (folded alike, or of another length or kind) only share a probe run:
    /// [`ShortKey::same`] tells them apart.
    #[inline]
    fn hash(&self) -> u64 {
        let [a, b, c, d] = self.words;
        hash_halves(a ^ c, b ^ d)
    }

    /// Equality without a branch per field.
    #[inline]
    fn same(&self, other: &ShortKey) -> bool {
        let [a, b, c, d] = self.words;
        let [e, f, g, h] = other.words;
        (a ^ e) | (b ^ f) | (c ^ g) | (d ^ h) | u64::from(self.meta ^ other.meta) == 0
    }
}

/// One slot of the table: a key and its value (an empty slot has a zero key).
#[derive(Clone, Copy, Debug, Default)]
struct Slot<V> {
    key: ShortKey,
    value: V,
}

/// Open addressing with linear probing over a power-of-two table, at most half full;
/// entries are never removed (the whole index is cleared at once). The value sits in the
/// slot beside its key: a lookup reads one slot.
#[derive(Debug)]
pub struct ShortIndex<V> {
    slots: Vec<Slot<V>>,
    len: usize,
}

impl<V> Default for ShortIndex<V> {
    fn default() -> Self {
        ShortIndex { slots: Vec::new(), len: 0 }
    }
}

/// The smallest table, and the size a cleared index starts from.
const MIN_SLOTS: usize = 1 << 12;

impl<V: Copy + Default> ShortIndex<V> {
    /// The value of `key`, if the index holds it.
    #[cfg(test)]
    pub fn find(&self, key: &ShortKey) -> Option<V> {
        self.find_hashed(&HashedKey { key: *key, hash: key.hash() })
    }

    /// The value of `key`, if the index holds it (its hash computed earlier, for a prefetch).
    #[inline]
    pub fn find_hashed(&self, key: &HashedKey) -> Option<V> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = key.hash as usize & mask;
        loop {
            let slot = self.slots.get(i)?;
            if slot.key.same(&key.key) {
                return Some(slot.value);
            }
            if slot.key.meta == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `key` (not in the index yet) with `value`, growing when half full.
    pub fn insert(&mut self, key: ShortKey, value: V) {
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let size = (self.len * 2).next_power_of_two().max(MIN_SLOTS);
            let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
            for slot in old.into_iter().filter(|s| s.key.meta != 0) {
                self.put(slot);
            }
        }
        self.put(Slot { key, value });
    }

    fn put(&mut self, slot: Slot<V>) {
        let mask = self.slots.len() - 1;
        let mut i = slot.key.hash() as usize & mask;
        while self.slots[i].key.meta != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }

    /// Asks the processor to fetch the slot a lookup of a key hashed `hash` starts at (both
    /// of its cache lines, when it spans two), so that a lookup a few tokens later finds it
    /// in the cache: on a large corpus the index outgrows the L2 cache.
    #[inline(always)]
    pub fn prefetch_hash(&self, hash: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // No bounds check (a branch per token in `words::prepare`): the address of an
            // empty index's slot is meaningless, but only prefetched.
            let mask = self.slots.len().wrapping_sub(1);
            let first: *const i8 = self.slots.as_ptr().wrapping_add(hash as usize & mask).cast();
            // SAFETY: a prefetch is a hint that never faults, whatever the address.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(first);
                _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(std::mem::size_of::<Slot<V>>() - 1));
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = hash;
    }

    /// [`ShortIndex::find_hashed`] with the key's bytes compared with a slot's in one
    /// compare (four words each way otherwise).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    pub fn find_avx2(&self, _: Avx2, key: &HashedKey) -> Option<V> {
        use std::arch::x86_64::{_mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8};
        // SAFETY: reads the 32 bytes of the key's words.
        let words = unsafe { _mm256_loadu_si256(key.key.words.as_ptr().cast()) };
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = key.hash as usize & mask;
        loop {
            let slot = self.slots.get(i)?;
            // SAFETY: reads the 32 bytes of the slot's key words.
            let slot_words = unsafe { _mm256_loadu_si256(slot.key.words.as_ptr().cast()) };
            if _mm256_movemask_epi8(_mm256_cmpeq_epi8(slot_words, words)) == -1 && slot.key.meta == key.key.meta {
                return Some(slot.value);
            }
            if slot.key.meta == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// A [`ShortKey`] and its [`ShortKey::hash`]: made once per token, so that the prefetch of
/// its slot and its lookup share the masking and the hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashedKey {
    key: ShortKey,
    hash: u64,
}

impl HashedKey {
    /// A key no slot holds (its meta has bits no token's has), for a token too long for the
    /// index: its lookup finds nothing, at the first empty slot from slot 0. Lets a list
    /// of keys do without an `Option` tag to store and test.
    pub const UNFINDABLE: HashedKey = HashedKey { key: ShortKey { words: [0; WORDS], meta: u32::MAX }, hash: 0 };

    /// [`ShortKey::masked`] and its hash.
    #[inline]
    pub fn masked(read: &[u8; MAX_LEN], n: usize, kind: TokenKind) -> Option<HashedKey> {
        ShortKey::masked(read, n, kind).map(|key| HashedKey { key, hash: key.hash() })
    }

    /// [`HashedKey::masked`] in AVX2 registers: masked by one compare, hashed from its two
    /// halves folded.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    pub fn masked_avx2(_: Avx2, read: &[u8; MAX_LEN], n: usize, kind: TokenKind) -> Option<HashedKey> {
        use std::arch::x86_64::_mm256_storeu_si256;
        if n > MAX_LEN {
            return None;
        }
        let (bytes, hash) = masked_avx2(read, n);
        let mut words = [0; WORDS];
        // SAFETY: writes the 32 bytes of `words`.
        unsafe { _mm256_storeu_si256(words.as_mut_ptr().cast(), bytes) };
        Some(HashedKey { key: ShortKey { words, meta: n as u32 | (kind as u32) << 8 | OCCUPIED }, hash })
    }

    #[inline]
    pub fn hash(&self) -> u64 {
        self.hash
    }
}

/// The key bytes of an `n`-byte token at the start of `read` (`n` at most [`MAX_LEN`]) in
/// one register, and their [`ShortKey::hash`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masked_avx2(read: &[u8; MAX_LEN], n: usize) -> (std::arch::x86_64::__m256i, u64) {
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_castsi256_si128, _mm256_cmpgt_epi8, _mm256_extracti128_si256, _mm256_loadu_si256,
        _mm256_set1_epi8, _mm256_setr_epi8, _mm_cvtsi128_si64, _mm_extract_epi64, _mm_xor_si128,
    };
    // SAFETY: reads the 32 bytes `read` borrows.
    let bytes = unsafe { _mm256_loadu_si256(read.as_ptr().cast()) };
    #[rustfmt::skip]
    let index = _mm256_setr_epi8(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    );
    // The bytes before byte `n` (`n` is at most 32, a positive `i8`).
    let key = _mm256_and_si256(bytes, _mm256_cmpgt_epi8(_mm256_set1_epi8(n as i8), index));
    let halves = _mm_xor_si128(_mm256_castsi256_si128(key), _mm256_extracti128_si256::<1>(key));
    (key, hash_halves(_mm_cvtsi128_si64(halves) as u64, _mm_extract_epi64::<1>(halves) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key by its definition: the token's bytes zero-padded, its length and kind.
    fn key_simple(token: &[u8], kind: TokenKind) -> ShortKey {
        let mut padded = [0u8; MAX_LEN];
        padded[..token.len()].copy_from_slice(token);
        let words = std::array::from_fn(|k| u64::from_le_bytes(padded[8 * k..8 * k + 8].try_into().unwrap()));
        ShortKey { words, meta: token.len() as u32 | (kind as u32) << 8 | OCCUPIED }
    }

    proptest::proptest! {
        /// A key read from the text (sixteen bytes and a mask, or the token alone at the end
        /// of the text) is the token's bytes and nothing after them, wherever it lies.
        #[test]
        fn keys_read_from_the_text_are_the_token(
            text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..72),
            start in 0usize..72,
            n in 0usize..=MAX_LEN,
        ) {
            let start = start.min(text.len());
            let n = n.min(text.len() - start);
            let token = &text[start..start + n];
            proptest::prop_assert_eq!(ShortKey::of(&text, start, n, TokenKind::Word), Some(key_simple(token, TokenKind::Word)));
            // The same token elsewhere (another text, at the end of it) has the same key.
            proptest::prop_assert_eq!(ShortKey::of(token, 0, n, TokenKind::Word), Some(key_simple(token, TokenKind::Word)));
        }

        /// Equal keys, equal tokens: any byte changed, or the length, or the kind, changes
        /// the key.
        #[test]
        fn keys_tell_tokens_apart(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..=MAX_LEN),
            flip in 0usize..MAX_LEN,
            bit in 0u8..8,
        ) {
            let key = ShortKey::of(&a, 0, a.len(), TokenKind::Word).unwrap();
            let mut b = a.clone();
            if let Some(x) = b.get_mut(flip) {
                *x ^= 1 << bit;
                proptest::prop_assert!(!key.same(&ShortKey::of(&b, 0, b.len(), TokenKind::Word).unwrap()));
            }
            if let Some((_, shorter)) = a.split_last() {
                proptest::prop_assert!(!key.same(&ShortKey::of(shorter, 0, shorter.len(), TokenKind::Word).unwrap()));
            }
            proptest::prop_assert!(!key.same(&ShortKey::of(&a, 0, a.len(), TokenKind::Punct).unwrap()));
            proptest::prop_assert!(key.same(&ShortKey::of(&a, 0, a.len(), TokenKind::Word).unwrap()));
        }
    }

    proptest::proptest! {
        /// The AVX2 lookup finds what the plain one finds, for any bytes after the token.
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn avx2_lookup_agrees_with_the_plain_one(
            stored in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..=MAX_LEN + 2), 0..40),
            read in proptest::collection::vec(0u8..4, MAX_LEN),
            n in 0usize..=MAX_LEN + 2,
            punct in proptest::prelude::any::<bool>(),
        ) {
            let Some(avx2) = Avx2::detect() else { return Ok(()) };
            let kind = if punct { TokenKind::Punct } else { TokenKind::Word };
            let mut index = ShortIndex::default();
            for (value, token) in stored.iter().enumerate() {
                if let Some(key) = ShortKey::of(token, 0, token.len(), TokenKind::Word) {
                    if index.find(&key).is_none() {
                        index.insert(key, value);
                    }
                }
            }
            let read: [u8; MAX_LEN] = read.try_into().unwrap();
            let plain = ShortKey::masked(&read, n, kind).and_then(|key| index.find(&key));
            // SAFETY: `avx2` proves the processor has AVX2.
            let key = unsafe { HashedKey::masked_avx2(avx2, &read, n, kind) };
            proptest::prop_assert_eq!(key, HashedKey::masked(&read, n, kind));
            // SAFETY: as above.
            let fast = key.and_then(|key| unsafe { index.find_avx2(avx2, &key) });
            proptest::prop_assert_eq!(fast, plain);
            proptest::prop_assert_eq!(index.find_hashed(&HashedKey::UNFINDABLE), None);
            // SAFETY: as above.
            proptest::prop_assert_eq!(unsafe { index.find_avx2(avx2, &HashedKey::UNFINDABLE) }, None);
        }
    }

    #[test]
    fn short_index_finds_every_key_through_growth() {
        let mut index = ShortIndex::default();
        let key = |i: u32| ShortKey::of(&i.to_le_bytes(), 0, 4, TokenKind::Number).unwrap();
        assert_eq!(index.find(&key(0)), None, "an empty index finds nothing");
        for i in 0..20_000u32 {
            index.insert(key(i), i);
        }
        for i in 0..20_000u32 {
            assert_eq!(index.find(&key(i)), Some(i));
        }
        assert_eq!(index.find(&ShortKey::of(b"abc", 0, 3, TokenKind::Word).unwrap()), None);
        index.clear();
        assert_eq!(index.find(&key(1)), None);
    }
}
