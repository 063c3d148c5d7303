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

#[derive(Debug)]
pub struct WordIndex {
    patterns: Vec<Box<[u8]>>,
    /// First word (or first character, for a pattern that starts outside a word) → the
    /// patterns that begin with it, longest first.
    /// (Fx-hashed: the keys are short words, which SipHash would spend most of a lookup on,
    /// and the dictionary is the user's own.)
    by_first: FxHashMap<Box<[u8]>, Box<[u32]>>,
    /// The first bytes of the patterns that start with a non-word character.
    punct_first: [bool; 256],
    /// Per pattern: up to 8 bytes that follow its key, little-endian, and how many. Most
    /// candidates are told apart by this one comparison, without reading the pattern.
    tails: Vec<(u64, u8)>,
}

impl WordIndex {
    /// Indexes `patterns` (pattern `i` reports `i`; empty patterns are ignored).
    pub fn build(patterns: &[String]) -> WordIndex {
        let mut groups: FxHashMap<Box<[u8]>, Vec<u32>> = FxHashMap::default();
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
            groups.entry(key.as_bytes().into()).or_default().push(i as u32);
            tails.push(Tail::of(&pattern.as_bytes()[key.len()..]));
        }
        let by_first: FxHashMap<Box<[u8]>, Box<[u32]>> = groups
            .into_iter()
            .map(|(key, mut list)| {
                // Longest first; equal lengths keep the first pattern first.
                list.sort_by_key(|&p| (std::cmp::Reverse(patterns[p as usize].len()), p));
                (key, list.into_boxed_slice())
            })
            .collect();
        WordIndex { patterns: patterns.iter().map(|p| p.as_bytes().into()).collect(), by_first, punct_first, tails }
    }

    /// The longest pattern that begins at `at` with the key `hay[at..key_end]` (the whole
    /// word there, or the one character outside a word), lies in `hay` and whose end
    /// `accept`s, as (end, pattern).
    #[inline]
    pub fn longest_at(
        &self,
        hay: &[u8],
        at: usize,
        key_end: usize,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Option<(usize, usize)> {
        let candidates = self.by_first.get(&hay[at..key_end])?;
        let (next, available) = Tail::of(&hay[key_end..]);
        let rest = &hay[at..];
        candidates.iter().find_map(|&p| {
            let (tail, len) = self.tails[p as usize];
            if len > available || next & Tail::mask(len) != tail {
                return None;
            }
            let pattern = &self.patterns[p as usize];
            let end = at + pattern.len();
            // Key and tail equal: only a pattern longer than both needs the full comparison.
            let equal = pattern.len() <= key_end - at + len as usize || rest.starts_with(pattern);
            (equal && accept(end)).then_some((end, p as usize))
        })
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
        let n = bytes.len().min(8);
        let mut word = [0u8; 8];
        word[..n].copy_from_slice(&bytes[..n]);
        (u64::from_le_bytes(word), n as u8)
    }

    /// The bits of the first `len` bytes.
    #[inline]
    fn mask(len: u8) -> u64 {
        if len >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * len)) - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(patterns: &[&str]) -> WordIndex {
        WordIndex::build(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn longest_accepted_pattern_with_that_first_word() {
        let ix = index(&["сбер", "сбер банк", "\"нит\"", "рк", ""]);
        let hay = "сбер банк и сбер".as_bytes();
        let word = "сбер".len();
        assert_eq!(ix.longest_at(hay, 0, word, |_| true), Some(("сбер банк".len(), 1)));
        assert_eq!(ix.longest_at(hay, 0, word, |end| end == word), Some((word, 0)));
        let at = "сбер банк и ".len();
        assert_eq!(ix.longest_at(hay, at, at + word, |_| true), Some((at + word, 0)));
        // The pattern would run past the text.
        assert_eq!(ix.longest_at("сбер бан".as_bytes(), 0, word, |_| true), Some((word, 0)));
        assert_eq!(ix.longest_at(b"x", 0, 1, |_| true), None);
        let hay = "ао \"нит\"".as_bytes();
        assert_eq!(ix.longest_at(hay, 5, 6, |_| true), Some((hay.len(), 2)));
        assert!(ix.punct_starts_with(b'"'));
        assert!(!ix.punct_starts_with(b' '));
    }
}
