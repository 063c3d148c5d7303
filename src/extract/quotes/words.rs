//! The words the quote rules have asked about on this thread, with what the rule tables say
//! of each: its folded form, its function-word kind, whether it is a pronoun or a name noun.
//! A word is then one hash probe instead of a fold into a new `String` and a few lookups:
//! speaker scans look at the same words again and again, within and across documents.
//!
//! A cache belongs to one set of rules ([`QuoteRules::id`]); taken for other rules, or when it
//! holds more than [`MAX_WORDS`] words, it starts over (only between documents, so word ids
//! stay valid for a whole document). Memory stays flat however long the run.

use std::cell::RefCell;

use super::rules::{FastMap, Pronoun, QuoteRules, WordKind};
use crate::text::fold_str;

/// How many distinct words a cache keeps before it starts over.
pub(crate) const MAX_WORDS: usize = 1 << 14;

/// What the quote rules ask about one written word.
#[derive(Clone, Debug)]
pub(crate) struct WordFacts {
    pub folded: Box<str>,
    /// `fold_str(folded)` where it differs from `folded` (the key a dictionary that folds
    /// its query looks up), worked out once per word instead of once per lookup.
    refolded: Option<Box<str>>,
    pub kind: Option<WordKind>,
    pub pronoun: Option<Pronoun>,
    pub name_noun: bool,
}

/// Distinct written words and their facts, for one set of rules.
#[derive(Debug, Default)]
pub(crate) struct WordCache {
    owner: u64,
    /// Word ids by written word.
    index: FastMap<Box<str>, u32>,
    facts: Vec<WordFacts>,
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::default();
}

impl WordCache {
    /// This thread's cache, ready for `rules` (see the module comment); hand it back with
    /// [`WordCache::give_back`].
    pub fn take(rules: &QuoteRules) -> WordCache {
        let mut cache = CACHE.take();
        if cache.owner != rules.id() || cache.facts.len() > MAX_WORDS {
            cache.index.clear();
            cache.facts.clear();
            cache.owner = rules.id();
        }
        cache
    }

    /// Keeps the cache for the next document of this thread.
    pub fn give_back(self) {
        // At thread exit the cache is simply dropped.
        let _ = CACHE.try_with(|c| c.replace(self));
    }

    /// The id of a written word, added if new.
    pub fn id(&mut self, written: &str, rules: &QuoteRules) -> u32 {
        if let Some(&id) = self.index.get(written) {
            return id;
        }
        self.add(written, rules)
    }

    #[cold]
    fn add(&mut self, written: &str, rules: &QuoteRules) -> u32 {
        let id = self.facts.len() as u32;
        let folded = fold_word(written);
        let refolded = Some(fold_str(&folded)).filter(|r| *r != folded).map(String::into_boxed_str);
        self.facts.push(WordFacts {
            refolded,
            kind: rules.word_kind(&folded),
            pronoun: rules.pronouns.get(&folded).copied(),
            name_noun: rules.name_nouns.contains_key(&folded),
            folded: folded.into_boxed_str(),
        });
        self.index.insert(written.into(), id);
        id
    }

    pub fn facts(&self, id: u32) -> &WordFacts {
        &self.facts[id as usize]
    }
}

impl WordFacts {
    /// `fold_str(&self.folded)`, without folding again.
    pub fn refolded(&self) -> &str {
        self.refolded.as_deref().unwrap_or(&self.folded)
    }
}

/// The folded form of a word (case, `ё`, invisible characters), without building a whole
/// [`crate::text::FoldedText`].
pub(crate) fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'а'..='е' | 'ж'..='я' | 'a'..='z' | '0'..='9' | '-' => out.push(c),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'ё' | 'Ё' => out.push('е'),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            // Everything else as the folded view folds it (invisible characters dropped).
            c => out.push_str(&fold_str(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `refolded` is `fold_str` of the folded form, whatever the word.
        #[test]
        fn refolded_is_fold_str_of_folded(word in "[аЁzZ5\\-'’&;\u{301}\u{ad}İẞ\u{a0} ]{0,8}") {
            let rules = QuoteRules::empty();
            let mut cache = WordCache::take(&rules);
            let id = cache.id(&word, &rules);
            let facts = cache.facts(id).clone();
            proptest::prop_assert_eq!(facts.refolded(), fold_str(&facts.folded));
        }
    }

    #[test]
    fn a_cache_starts_over_for_other_rules() {
        let (a, b) = (QuoteRules::empty(), QuoteRules::empty());
        let mut cache = WordCache::take(&a);
        let id = cache.id("Он", &a);
        assert_eq!(&*cache.facts(id).folded, "он");
        assert_eq!(cache.facts(id).refolded(), "он");
        assert_eq!(cache.id("Он", &a), id);
        cache.give_back();
        let cache = WordCache::take(&b);
        assert!(cache.facts.is_empty());
        cache.give_back();
    }
}
