//! Answers about one word that depend only on the word and the rules (a surname's lemma, its
//! folded forms), remembered per thread across documents: news name the same people in
//! document after document, and inflecting a name is costly.
//!
//! A memo belongs to one set of rules ([`EntityRules`]' id): asked with other rules, it
//! starts over. It never holds more than [`MAX_ENTRIES`] words (it is emptied when full), so
//! memory stays flat however long the run.

use rustc_hash::FxHashMap;

use super::rules::EntityRules;

/// How many words a memo keeps before it starts over.
pub const MAX_ENTRIES: usize = 1 << 16;

/// Answers `V` by (tag, word); `tag` tells apart questions asked of the same word.
pub struct Memo<V> {
    owner: u64,
    map: FxHashMap<String, V>,
    /// The lookup key (tag, then the word), built here so a hit allocates nothing.
    key: String,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo { owner: 0, map: FxHashMap::default(), key: String::new() }
    }
}

impl<V: Clone> Memo<V> {
    /// The remembered answer for (`tag`, `word`) under `rules`, or `compute()`'s, remembered.
    pub fn get_or(&mut self, rules: &EntityRules, tag: u8, word: &str, compute: impl FnOnce() -> V) -> V {
        if self.owner != rules.id() {
            self.map.clear();
            self.owner = rules.id();
        }
        self.key.clear();
        self.key.push(char::from(tag));
        self.key.push_str(word);
        if let Some(v) = self.map.get(self.key.as_str()) {
            return v.clone();
        }
        let v = compute();
        if self.map.len() >= MAX_ENTRIES {
            self.map.clear();
        }
        self.map.insert(self.key.clone(), v.clone());
        v
    }
}
