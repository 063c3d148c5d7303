//! Patterns indexed by their first word, looked up once per word of the text.
//!
//! An Aho-Corasick automaton reads every character of the text and then throws away the
//! matches that begin or end inside a word. Aliases are whole words, so a match that begins
//! at a word start has the whole word there as its first word: the gazetteer looks the word
//! up in a hash table and checks the few patterns that begin with it, longest first. A
//! pattern that begins with punctuation (`"нит"`) is looked up by that character at
//! positions outside words. The result is exactly the automaton's leftmost-longest
//! whole-word matching (`every_engine_finds_the_same` and the property test in `tests.rs`
//! compare the two), for a hash lookup per word instead of a transition per character.

use rustc_hash::FxHashMap;

use super::is_word_char;
use super::scan::PunctProbe;

#[derive(Debug)]
pub struct WordIndex {
    patterns: Vec<Box<[u8]>>,
    /// First word (or first character, for a pattern that starts outside a word) → its
    /// index in `keys` plus one (0: empty), open addressing by [`slot_hash`], at most half
    /// full. A slot is four bytes, so the probes of a text touch little memory.
    slots: Box<[u32]>,
    /// Per key: its bytes as [`Key::matches`] compares them, and its patterns.
    keys: Vec<Key>,
    key_bytes: Vec<u8>,
    /// The patterns of each key, longest first, one key after another, each with its
    /// tail (see [`Candidate`]) beside it so a lookup reads one array in order.
    candidates: Vec<Candidate>,
    /// One bit per value of the top [`FILTER_BITS`] bits of [`filter_hash`], set for the
    /// keys: most words of a text are no key, and this table (16 KB) turns them away without
    /// reading their last bytes or probing `slots`.
    filter: Box<[u64; FILTER_WORDS]>,
    /// One bit per value of the top [`OPEN_BITS`] bits of [`filter_hash`], set for the keys
    /// with a pattern of fewer than [`NEXT_LEN`] bytes after the key (the key alone, most
    /// often): the bytes after such a word cannot rule it out.
    open: Box<[u64; OPEN_WORDS]>,
    /// One bit per value of [`pair_hash`] of a key's prefilter hash and the first
    /// [`NEXT_LEN`] bytes after the key of one of its other patterns. A key such as `в` or
    /// `с` heads dozens of patterns (`в казахстане`, ...) and no pattern alone: the bytes
    /// after the word in the text usually rule them all out, in the scan's loop, before the
    /// slots and the patterns are read.
    pairs: Box<[u64; PAIR_WORDS]>,
    /// The first bytes of the patterns that start with a non-word character.
    punct_first: [bool; 256],
    /// Which of them the scan looks for (see [`PunctProbe`]).
    punct_probe: PunctProbe,
}

/// A pattern under its key: up to 8 bytes that follow the key, little-endian, the mask of
/// their bits and how many. Most candidates are told apart by this one comparison, without
/// reading the pattern.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    tail: u64,
    mask: u64,
    pattern: u32,
    len: u8,
}

/// A key's bytes (`key_bytes[bytes.0..bytes.1]`) and patterns (`candidates[patterns.0..patterns.1]`).
#[derive(Debug, Clone, Copy)]
struct Key {
    /// Its first and last (up to) 8 bytes, as [`head_at`] and [`last_at`] read them: equal
    /// with the length, they are the whole key up to 16 bytes.
    head: u64,
    last: u64,
    bytes: (u32, u32),
    patterns: (u32, u32),
}

/// How many bytes after a key [`WordIndex::pairs`] hashes: the space and the first letter
/// of the next word, and the lead byte of its second letter.
const NEXT_LEN: u8 = 5;

/// log2 of the number of bits of [`WordIndex::open`]: 2^14 bits = 2 KB.
const OPEN_BITS: u32 = 14;
const OPEN_WORDS: usize = (1 << OPEN_BITS) / 64;

/// log2 of the number of bits of [`WordIndex::pairs`]: 2^16 bits = 8 KB.
const PAIR_BITS: u32 = 16;
const PAIR_WORDS: usize = (1 << PAIR_BITS) / 64;

/// A bit number of [`WordIndex::pairs`] for a key's [`filter_hash`] and the bytes after the
/// key (`next`, little-endian: only the first [`NEXT_LEN`] count).
#[inline(always)]
fn pair_hash(filter_hash: u64, next: u64) -> u64 {
    (filter_hash ^ next & Tail::mask(NEXT_LEN)).wrapping_mul(0xff51_afd7_ed55_8ccd) >> (64 - PAIR_BITS)
}

/// log2 of the number of bits of the prefilter: 2^17 bits = 16 KB.
const FILTER_BITS: u32 = 17;

/// The prefilter's size in 64-bit words (a fixed size, so indexing it needs no bounds check).
const FILTER_WORDS: usize = (1 << FILTER_BITS) / 64;

/// The prefilter's hash of a key of `len` bytes whose first bytes (up to 8, little-endian,
/// the rest cleared) are `head`: one multiplication; its top [`FILTER_BITS`] bits are the
/// key's bit. A word is told from the keys by its length and its first four Russian letters
/// nearly as well as by a hash of all of it, and those come from one load of the text
/// ([`head_at`]).
#[inline(always)]
fn filter_hash(head: u64, len: usize) -> u64 {
    (head ^ (len as u64) << 59).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Whether the prefilter `filter` has the bit of `hash` (a [`filter_hash`]).
#[inline(always)]
fn filter_has(filter: &[u64; FILTER_WORDS], hash: u64) -> bool {
    let bit = hash >> (64 - FILTER_BITS);
    filter[(bit / 64) as usize] & (1 << (bit % 64)) != 0
}

/// The first `len` bytes from `at` (at most 8) as a little-endian number, the rest cleared:
/// one load where the text has 8 bytes from `at`.
#[inline(always)]
fn head_at(hay: &[u8], at: usize, len: usize) -> u64 {
    Tail::of(&hay[at..]).0 & HEAD_MASKS[len.min(8)]
}

/// By length up to 8: the bits of that many low bytes (a table: one load where the
/// computation took a shift, a compare and a select per word).
const HEAD_MASKS: [u64; 9] = {
    let mut masks = [u64::MAX; 9];
    let mut len = 0;
    while len < 8 {
        masks[len] = (1u64 << (8 * len)) - 1;
        len += 1;
    }
    masks
};

/// The last `len` bytes before `end` (at most 8) as a little-endian number, the rest
/// cleared: for a key of up to 8 bytes, the same as [`head_at`].
#[inline(always)]
fn last_at(hay: &[u8], end: usize, len: usize, head: u64) -> u64 {
    match hay.get(end.wrapping_sub(8)..end) {
        // `len` is at least 1: the shift is at most 56.
        Some(last) => read_u64(last) >> (8 * (8 - len.min(8))),
        None => head,
    }
}

/// The slot of a key in [`WordIndex::slots`] (of `2^bits` slots): its prefilter hash (length
/// and head, see [`filter_hash`]) mixed with its last bytes by a second multiplication, whose
/// high bits are the slot.
#[inline(always)]
fn slot_hash(filter_hash: u64, last: u64, bits: u32) -> usize {
    ((filter_hash ^ last).wrapping_mul(0xff51_afd7_ed55_8ccd) >> (64 - bits)) as usize
}

#[inline]
fn read_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

impl WordIndex {
    /// Indexes `patterns` (pattern `i` reports `i`; empty patterns are ignored).
    pub fn build(patterns: &[String]) -> WordIndex {
        let mut groups: FxHashMap<&[u8], Vec<u32>> = FxHashMap::default();
        // Keys in first-seen order, so the index is the same from run to run.
        let mut order: Vec<&[u8]> = Vec::new();
        let mut punct_first = [false; 256];
        let mut tails = Vec::with_capacity(patterns.len());
        for (i, pattern) in patterns.iter().enumerate() {
            let Some(first) = pattern.chars().next() else {
                tails.push((0, 0));
                continue;
            };
            let key = if is_word_char(first) {
                let end = pattern.find(|c| !is_word_char(c)).unwrap_or(pattern.len());
                &pattern[..end]
            } else {
                punct_first[pattern.as_bytes()[0] as usize] = true;
                &pattern[..first.len_utf8()]
            };
            groups
                .entry(key.as_bytes())
                .or_insert_with(|| {
                    order.push(key.as_bytes());
                    Vec::new()
                })
                .push(i as u32);
            tails.push(Tail::of(&pattern.as_bytes()[key.len()..]));
        }
        let mut index = WordIndex {
            patterns: patterns.iter().map(|p| p.as_bytes().into()).collect(),
            slots: vec![0; (2 * order.len()).next_power_of_two().max(2)].into_boxed_slice(),
            keys: Vec::with_capacity(order.len()),
            key_bytes: Vec::new(),
            candidates: Vec::with_capacity(patterns.len()),
            filter: Box::new([0u64; FILTER_WORDS]),
            open: Box::new([0u64; OPEN_WORDS]),
            pairs: Box::new([0u64; PAIR_WORDS]),
            punct_first,
            punct_probe: PunctProbe::of(&punct_first),
        };
        for key in order {
            let mut list = groups.remove(key).unwrap_or_default();
            // Longest first; equal lengths keep the first pattern first.
            list.sort_by_key(|&p| (std::cmp::Reverse(patterns[p as usize].len()), p));
            let list: Vec<Candidate> = list
                .iter()
                .map(|&p| {
                    let (tail, len) = tails[p as usize];
                    Candidate { tail, mask: Tail::mask(len), pattern: p, len }
                })
                .collect();
            index.add_key(key, &list);
        }
        index
    }

    fn add_key(&mut self, key: &[u8], list: &[Candidate]) {
        let bytes = (self.key_bytes.len() as u32, (self.key_bytes.len() + key.len()) as u32);
        self.key_bytes.extend_from_slice(key);
        let patterns = (self.candidates.len() as u32, (self.candidates.len() + list.len()) as u32);
        self.candidates.extend_from_slice(list);
        let head = head_at(key, 0, key.len());
        let last = last_at(key, key.len(), key.len(), head);
        self.keys.push(Key { head, last, bytes, patterns });
        let hash = filter_hash(head, key.len());
        let bit = hash >> (64 - FILTER_BITS);
        self.filter[(bit / 64) as usize] |= 1 << (bit % 64);
        for c in list {
            if c.len < NEXT_LEN {
                let open = hash >> (64 - OPEN_BITS);
                self.open[(open / 64) as usize] |= 1 << (open % 64);
            } else {
                let pair = pair_hash(hash, c.tail);
                self.pairs[(pair / 64) as usize] |= 1 << (pair % 64);
            }
        }
        let mask = self.slots.len() - 1;
        let mut slot = slot_hash(hash, last, self.slots.len().trailing_zeros());
        while self.slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = self.keys.len() as u32;
    }

    /// The entry of the key `hay[at..key_end]`, if it is one (the prefilter aside).
    /// `head` and `hash` are its [`head_at`] and [`filter_hash`].
    #[inline(always)]
    fn find_key(&self, hay: &[u8], at: usize, key_end: usize, head: u64, hash: u64) -> Option<&Key> {
        let len = key_end - at;
        let last = last_at(hay, key_end, len, head);
        let mask = self.slots.len() - 1;
        let mut slot = slot_hash(hash, last, self.slots.len().trailing_zeros());
        loop {
            let key = &self.keys[self.slots[slot].checked_sub(1)? as usize];
            if key.head == head && key.last == last && key.bytes.1 - key.bytes.0 == len as u32 {
                // Head, last bytes and length agree: the key itself, unless a byte in the
                // middle of a key of more than 16 bytes differs.
                let (s, e) = (key.bytes.0 as usize, key.bytes.1 as usize);
                if len <= 16 || self.key_bytes[s + 8..e - 8] == hay[at + 8..key_end - 8] {
                    return Some(key);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether a key with the prefilter hash `hash` may begin a pattern when `next` (the 8
    /// bytes after it, little-endian, zeros past the text) follows it: a key with a short
    /// pattern always may; otherwise the first [`NEXT_LEN`] bytes must be those of one of its
    /// patterns (or collide with them in [`WordIndex::pairs`]).
    #[inline(always)]
    fn may_continue(&self, hash: u64, next: u64) -> bool {
        let open = hash >> (64 - OPEN_BITS);
        if self.open[(open / 64) as usize] & 1 << (open % 64) != 0 {
            return true;
        }
        let pair = pair_hash(hash, next);
        self.pairs[(pair / 64) as usize] & 1 << (pair % 64) != 0
    }

    /// The patterns of a key, longest first.
    #[inline]
    fn candidates(&self, key: &Key) -> &[Candidate] {
        let (s, e) = key.patterns;
        &self.candidates[s as usize..e as usize]
    }

    /// The longest pattern that begins at `at` with the key `hay[at..key_end]` (the whole
    /// word there, or the one character outside a word), lies in `hay` and whose end
    /// `accept`s (asked with `hay` and the end), as (end, pattern). The prefilter is inlined
    /// into the caller's loop (it runs once per word of the text); the rest is not (it runs
    /// for a fifth of them).
    #[inline(always)]
    pub fn longest_at(
        &self,
        hay: &str,
        at: usize,
        key_end: usize,
        accept: impl FnMut(&str, usize) -> bool,
    ) -> Option<(usize, usize)> {
        let bytes = hay.as_bytes();
        self.longest_at_read(hay, at, key_end, Tail::of(&bytes[at..]).0, accept, || Tail::of(&bytes[key_end..]).0)
    }

    /// [`WordIndex::longest_at`] with the 8 bytes from `at` already read and the 8 from
    /// `key_end` to read when the prefilter lets the word through, little-endian (`read`:
    /// only the key's first bytes count, those past `key_end` may be anything; `next`: zeros
    /// past the text): the scan reads them from its copy of the chunk, without checking the
    /// text's length.
    #[inline(always)]
    pub fn longest_at_read(
        &self,
        hay: &str,
        at: usize,
        key_end: usize,
        read: u64,
        accept: impl FnMut(&str, usize) -> bool,
        next: impl FnOnce() -> u64,
    ) -> Option<(usize, usize)> {
        let head = read & HEAD_MASKS[(key_end - at).min(8)];
        let hash = filter_hash(head, key_end - at);
        if !filter_has(&self.filter, hash) || !self.may_continue(hash, next()) {
            return None;
        }
        self.longest_at_key(hay, at, key_end, head, accept)
    }

    /// The rest of [`WordIndex::longest_at_read`], for the words the prefilter lets through.
    /// It takes six words of arguments, all passed in registers: `accept` is handed `hay`
    /// rather than capturing it (the scan's closure has no data), and the prefilter hash is
    /// computed again (one multiplication) rather than passed on the stack.
    #[inline(never)]
    fn longest_at_key(
        &self,
        hay: &str,
        at: usize,
        key_end: usize,
        head: u64,
        mut accept: impl FnMut(&str, usize) -> bool,
    ) -> Option<(usize, usize)> {
        let bytes = hay.as_bytes();
        let key = self.find_key(bytes, at, key_end, head, filter_hash(head, key_end - at))?;
        let (next, available) = Tail::of(&bytes[key_end..]);
        let candidates = self.candidates(key);
        let rest = &bytes[at..];
        candidates.iter().find_map(|&Candidate { tail, mask, pattern: p, len }| {
            if len > available || next & mask != tail {
                return None;
            }
            let pattern = &self.patterns[p as usize];
            let end = at + pattern.len();
            // Key and tail equal: only a pattern longer than both needs the full comparison.
            let equal = pattern.len() <= key_end - at + len as usize || rest.starts_with(pattern);
            (equal && accept(hay, end)).then_some((end, p as usize))
        })
    }

    /// Which ASCII bytes outside words the scan must offer as pattern starts.
    pub(super) fn punct_probe(&self) -> PunctProbe {
        self.punct_probe
    }

    /// Whether a pattern starts with byte `b` that is not part of a word.
    #[inline]
    pub fn punct_starts_with(&self, b: u8) -> bool {
        self.punct_first[b as usize]
    }
}

/// Up to the first 8 bytes of a slice as a little-endian number.
struct Tail;

impl Tail {
    /// (the bytes, how many: at most 8).
    #[inline]
    fn of(bytes: &[u8]) -> (u64, u8) {
        if let Some(head) = bytes.get(..8) {
            return (read_u64(head), 8);
        }
        let n = bytes.len().min(8);
        let mut word = [0u8; 8];
        word[..n].copy_from_slice(&bytes[..n]);
        (u64::from_le_bytes(word), n as u8)
    }

    /// The bits of the first `len` bytes.
    #[inline]
    fn mask(len: u8) -> u64 {
        HEAD_MASKS[usize::from(len).min(8)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key `hay[at..key_end]` through the prefilter and the slots, as a lookup finds it.
    fn find_key<'a>(ix: &'a WordIndex, hay: &[u8], at: usize, key_end: usize) -> Option<&'a Key> {
        let head = head_at(hay, at, key_end - at);
        let hash = filter_hash(head, key_end - at);
        filter_has(&ix.filter, hash).then(|| ix.find_key(hay, at, key_end, head, hash))?
    }

    fn index(patterns: &[&str]) -> WordIndex {
        WordIndex::build(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    /// Every key is found through the prefilter and the slots, whatever its length (up to 8,
    /// 16 and more bytes are compared differently); other words are not, nor a key with one
    /// byte changed anywhere.
    #[test]
    fn every_key_is_found_and_others_are_not() {
        let words: Vec<String> = (1..40).map(|n| "ж".repeat(n / 2) + &"q".repeat(n % 2)).collect();
        let ix = WordIndex::build(&words.iter().map(|w| format!("{w} x")).collect::<Vec<_>>());
        for (i, w) in words.iter().enumerate() {
            let key = find_key(&ix, w.as_bytes(), 0, w.len()).unwrap_or_else(|| panic!("{w:?}"));
            let found: Vec<u32> = ix.candidates(key).iter().map(|c| c.pattern).collect();
            assert_eq!(found, [i as u32], "{w:?}");
            let mut changed = w.clone().into_bytes();
            for k in 0..changed.len() {
                changed[k] ^= 1;
                assert!(find_key(&ix, &changed, 0, changed.len()).is_none(), "{w:?} {k}");
                changed[k] ^= 1;
            }
            let longer = format!("{w}z");
            assert!(find_key(&ix, longer.as_bytes(), 0, longer.len()).is_none(), "{w:?}z");
            // The key inside a longer text: the bytes after it do not count.
            let inside = format!("{w} и так далее");
            assert!(find_key(&ix, inside.as_bytes(), 0, w.len()).is_some(), "{w:?} in {inside:?}");
            assert!(find_key(&ix, inside.as_bytes(), 0, w.len() + 1).is_none(), "{w:?} and a space");
            // And after other text: the bytes before it do not count either.
            let after = format!("где-то {w} x");
            let at = "где-то ".len();
            assert!(find_key(&ix, after.as_bytes(), at, at + w.len()).is_some(), "{w:?} in {after:?}");
        }
        assert!(find_key(&ix, b"", 0, 0).is_none());
        for len in 0..=9u8 {
            let want = (0..usize::from(len).min(8)).fold(0u64, |m, k| m | 0xFF << (8 * k));
            assert_eq!(Tail::mask(len), want, "{len}");
        }
        assert!(find_key(&ix, "ё".as_bytes(), 0, 2).is_none());
    }

    /// A key whose patterns all have long tails turns away texts whose next bytes none of
    /// them starts with, and texts too short for them; a short tail lets everything through.
    #[test]
    fn next_bytes_filter() {
        let ix = index(&["в казахстане", "в россии", "в астане"]);
        let v = "в".len();
        assert_eq!(ix.longest_at("в россии и", 0, v, |_, _| true), Some(("в россии".len(), 1)));
        assert_eq!(ix.longest_at("в казахстане", 0, v, |_, _| true), Some(("в казахстане".len(), 0)));
        for hay in ["в кино", "в каз", "в", "в ", "в р", "в россиИ"] {
            assert_eq!(ix.longest_at(hay, 0, v, |_, _| true), None, "{hay:?}");
        }
        let ix = index(&["в казахстане", "в р"]);
        assert_eq!(ix.longest_at("в р", 0, v, |_, _| true), Some(("в р".len(), 1)));
        assert_eq!(ix.longest_at("в казахстане", 0, v, |_, _| true), Some(("в казахстане".len(), 0)));
    }

    /// The bytes after a word never turn away a pattern that follows: each pattern, alone
    /// and inside a longer text, passes [`WordIndex::may_continue`] after its key, and a key
    /// with a short pattern passes whatever follows it.
    #[test]
    fn next_bytes_never_turn_away_a_pattern() {
        let patterns = [
            "в казахстане",
            "в россии",
            "в астане",
            "сбер",
            "сбер банк",
            "с",
            "с днем",
            "ао \"нит\"",
            "\"нит\"",
            "минцифры рк",
            "министерство цифрового развития",
            "q",
            "ж ж ж",
            "жж жжжжж",
            "рк",
        ];
        let ix = index(&patterns);
        for p in patterns {
            let key = if p.starts_with('"') { 1 } else { p.find(' ').unwrap_or(p.len()) };
            for text in [p.to_string(), format!("{p} и так далее"), format!("{p}, ж")] {
                let bytes = text.as_bytes();
                let hash = filter_hash(head_at(bytes, 0, key), key);
                assert!(ix.may_continue(hash, Tail::of(&bytes[key..]).0), "{p:?} in {text:?}");
            }
        }
        let short = filter_hash(head_at(b"\xd1\x81", 0, 2), 2);
        for next in ["", " ", " ж", " кино и", "x"] {
            assert!(ix.may_continue(short, Tail::of(next.as_bytes()).0), "с{next:?}");
        }
        let v = filter_hash(head_at("в".as_bytes(), 0, 2), 2);
        assert!(!ix.may_continue(v, Tail::of(" кино и".as_bytes()).0));
    }

    #[test]
    fn longest_accepted_pattern_with_that_first_word() {
        let ix = index(&["сбер", "сбер банк", "\"нит\"", "рк", ""]);
        let hay = "сбер банк и сбер";
        let word = "сбер".len();
        assert_eq!(ix.longest_at(hay, 0, word, |_, _| true), Some(("сбер банк".len(), 1)));
        assert_eq!(ix.longest_at(hay, 0, word, |_, end| end == word), Some((word, 0)));
        let at = "сбер банк и ".len();
        assert_eq!(ix.longest_at(hay, at, at + word, |_, _| true), Some((at + word, 0)));
        // The pattern would run past the text.
        assert_eq!(ix.longest_at("сбер бан", 0, word, |_, _| true), Some((word, 0)));
        assert_eq!(ix.longest_at("x", 0, 1, |_, _| true), None);
        let hay = "ао \"нит\"";
        assert_eq!(ix.longest_at(hay, 5, 6, |_, _| true), Some((hay.len(), 2)));
        assert!(ix.punct_starts_with(b'"'));
        assert!(!ix.punct_starts_with(b' '));
    }
}
