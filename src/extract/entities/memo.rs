//! Answers about one word that depend only on the word and the rules (a surname's lemma, its
//! folded forms), remembered per thread across documents: news name the same people in
//! document after document, and inflecting a name is costly.
//!
//! A memo belongs to one set of rules ([`EntityRules`]' id): asked with other rules, it
//! starts over. It never holds more than [`MAX_ENTRIES`] words (it is emptied when full), so
//! memory stays flat however long the run.

use std::hash::Hasher;

use hashbrown::HashTable;
use rustc_hash::FxHasher;

use super::rules::EntityRules;

/// How many words a memo keeps before it starts over.
pub const MAX_ENTRIES: usize = 1 << 16;

/// One remembered answer: the hash of its question, the question (tag, word) and the answer.
struct Slot<V> {
    hash: u64,
    tag: u8,
    word: Box<str>,
    value: V,
}

/// Answers `V` by (tag, word); `tag` tells apart questions asked of the same word.
pub struct Memo<V> {
    owner: u64,
    /// Looked up by the hash of (tag, word) and compared on its parts: a lookup builds no key.
    table: HashTable<Slot<V>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo { owner: 0, table: HashTable::new() }
    }
}

/// The hash of a question (rustc-hash's hasher: short keys, not attacker-chosen).
fn question_hash(tag: u8, word: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(tag);
    h.write(word.as_bytes());
    h.finish()
}

impl<V> Memo<V> {
    /// The remembered answer for (`tag`, `word`) under `rules`, or `compute()`'s, remembered;
    /// borrowed, so the caller copies out only what it needs.
    pub fn get_or_ref(&mut self, rules: &EntityRules, tag: u8, word: &str, compute: impl FnOnce() -> V) -> &V {
        if self.owner != rules.id() {
            self.table.clear();
            self.owner = rules.id();
        }
        if self.table.len() >= MAX_ENTRIES {
            self.table.clear();
        }
        let hash = question_hash(tag, word);
        let is = |s: &Slot<V>| s.hash == hash && s.tag == tag && *s.word == *word;
        match self.table.find_entry(hash, is) {
            Ok(found) => &found.into_mut().value,
            Err(absent) => {
                let slot = Slot { hash, tag, word: word.into(), value: compute() };
                &absent.into_table().insert_unique(hash, slot, |s| s.hash).into_mut().value
            }
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The remembered answer for (`tag`, `word`) under `rules`, or `compute()`'s, remembered.
    pub fn get_or(&mut self, rules: &EntityRules, tag: u8, word: &str, compute: impl FnOnce() -> V) -> V {
        self.get_or_ref(rules, tag, word, compute).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_remembers_by_tag_and_word_and_starts_over_for_other_rules() {
        let dirs = crate::dict::DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let rules = EntityRules::load(&dirs, &mut crate::dict::Diagnostics::default());
        let mut memo: Memo<String> = Memo::default();
        let mut calls = 0;
        for (tag, word) in [(0, "мусин"), (1, "мусин"), (0, ""), (0, "ёлкин🙂"), (0, "мусина")] {
            let want = format!("{tag}{word}");
            assert_eq!(
                memo.get_or(&rules, tag, word, || {
                    calls += 1;
                    want.clone()
                }),
                want
            );
            assert_eq!(memo.get_or(&rules, tag, word, || unreachable!("remembered")), want);
        }
        assert_eq!(calls, 5);
        let other = EntityRules::load(&dirs, &mut crate::dict::Diagnostics::default());
        assert_ne!(other.id(), rules.id());
        assert_eq!(memo.get_or(&other, 0, "мусин", || "new".into()), "new");
    }
}
