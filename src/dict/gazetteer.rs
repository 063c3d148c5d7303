//! The gazetteer: every alias of every dictionary entity, in every form it inflects to,
//! indexed by first word and looked up once per word of the folded text (see
//! [`word_index`]); leftmost-longest Aho-Corasick automata give the same matches and remain
//! as alternative engines (see [`Engine`] and `benches/gazetteer.rs`).
//!
//! Matching is case-, `ё`- and typography-insensitive because both the text
//! ([`FoldedText`]) and the patterns ([`crate::text::fold_str`]) are folded the same way; spans map back
//! to the original text exactly. Matches are whole words: a match must not begin or end
//! inside a longer word (`Сбер` is not found in `Сбербанкир`, `РК` not in `РКО`). When the
//! longest match at a position ends inside a word, the longest shorter alias at the same
//! position that ends on a word boundary is taken instead.
//!
//! An alias shared by several entities is resolved per document: the candidate the
//! document names unambiguously elsewhere wins; failing that, the first candidate (in
//! dictionary order) is reported with a warning naming the others.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use daachorse::{
    CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, DoubleArrayAhoCorasick,
    DoubleArrayAhoCorasickBuilder,
};

use super::entities::{load_entries, Entry};
use super::inflect::Inflector;
use super::{Diagnostics, DictDirs};
use crate::model::{Mention, MentionSource};
use crate::text::{fold_str, FoldedText};
use scan::word_hits;
use word_index::WordIndex;

mod scan;
mod word_index;

/// Where a pattern came from: an entity, which alias, and whether it is the alias as
/// written (rather than a generated form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternSource {
    pub entry: u32,
    pub alias: u32,
    pub written: bool,
}

/// Every folded pattern and its sources, in first-seen order.
#[derive(Debug, Default)]
pub struct PatternTable {
    pub patterns: Vec<String>,
    pub sources: Vec<Vec<PatternSource>>,
    /// Generated forms not used because they are common words: (entry, alias, form).
    pub dropped: Vec<(u32, u32, String)>,
}

impl PatternTable {
    /// Expands every alias of `entries` (inflecting `inflect=auto` ones) and folds it.
    pub fn build(entries: &[Entry], inflector: &Inflector) -> PatternTable {
        let mut table = PatternTable::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (e, entry) in entries.iter().enumerate() {
            for (a, alias) in entry.aliases.iter().enumerate() {
                let forms = if entry.inflect {
                    let f = inflector.alias_forms(alias, entry.entity_type);
                    for d in f.dropped {
                        table.dropped.push((e as u32, a as u32, d));
                    }
                    f.folded
                } else {
                    vec![fold_str(alias)]
                };
                for (i, folded) in forms.into_iter().enumerate() {
                    if !folded.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    let source = PatternSource { entry: e as u32, alias: a as u32, written: i == 0 };
                    let p = *index.entry(folded).or_insert_with_key(|k| {
                        table.patterns.push(k.clone());
                        table.sources.push(Vec::new());
                        table.patterns.len() - 1
                    });
                    let sources = &mut table.sources[p];
                    match sources.iter_mut().find(|s| s.entry == source.entry) {
                        Some(s) => s.written |= source.written,
                        None => sources.push(source),
                    }
                }
            }
        }
        table
    }
}

/// The compiled dictionaries. `Send + Sync`: built once, borrowed by every worker.
#[derive(Debug)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    /// Each entry's canonical and id as its mentions share them (see [`Mention::canonical`]).
    shared: Vec<(Arc<str>, Arc<str>)>,
    by_id: HashMap<String, usize>,
    /// `None` when there are no patterns.
    matcher: Option<Matcher>,
    /// For every pattern, the entries it names, in dictionary order.
    candidates: Vec<Box<[u32]>>,
}

/// A raw match in the folded text.
struct Hit {
    start: usize,
    end: usize,
    pattern: usize,
}

impl Gazetteer {
    /// Loads every `DIR/entities/**/*.tsv` and the inflection rules, and compiles them.
    /// Problems go to `diagnostics`; the good rows are used.
    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> Gazetteer {
        let entries = load_entries(dirs, diagnostics);
        let inflector = Inflector::load(dirs, diagnostics);
        Gazetteer::from_entries(entries, &inflector)
    }

    pub fn from_entries(entries: Vec<Entry>, inflector: &Inflector) -> Gazetteer {
        Gazetteer::with_engine(entries, inflector, Engine::default())
    }

    /// Like [`Gazetteer::from_entries`] with a chosen automaton (for the benchmark).
    pub fn with_engine(entries: Vec<Entry>, inflector: &Inflector, engine: Engine) -> Gazetteer {
        let table = PatternTable::build(&entries, inflector);
        let matcher = if table.patterns.is_empty() { None } else { Matcher::build(engine, &table.patterns) };
        let candidates = table.sources.iter().map(|s| s.iter().map(|s| s.entry).collect()).collect();
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        let shared = entries.iter().map(|e| (e.canonical.as_str().into(), e.id.as_str().into())).collect();
        Gazetteer { entries, shared, by_id, matcher, candidates }
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Number of distinct folded forms in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.candidates.len()
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Dictionary mentions in `text`: byte spans into `text`, sorted, non-overlapping,
    /// the longest alias winning; `folded` must be `FoldedText::new(text)`.
    pub fn find(&self, text: &str, folded: &FoldedText) -> Vec<Mention> {
        let hits = self.hits(folded.as_str());
        let mut unambiguous: HashMap<u32, usize> = HashMap::new();
        if hits.iter().any(|h| self.candidates[h.pattern].len() > 1) {
            for hit in &hits {
                if let [only] = *self.candidates[hit.pattern] {
                    *unambiguous.entry(only).or_default() += 1;
                }
            }
        }
        // Hits come in order of their starts: their spans are walked to.
        let mut cursor = 0;
        hits.iter()
            .map(|hit| {
                let (entry, warning) = self.resolve(&self.candidates[hit.pattern], &unambiguous, folded, hit);
                let (canonical, id) = &self.shared[entry as usize];
                let entry = &self.entries[entry as usize];
                Mention {
                    span: folded.to_original_in_order(&mut cursor, hit.start, hit.end, text),
                    entity_type: entry.entity_type,
                    canonical: canonical.clone(),
                    entity_id: id.clone(),
                    source: MentionSource::Gazetteer,
                    warning,
                }
            })
            .collect()
    }

    /// Picks one of several candidates: the one this document names unambiguously most
    /// often; the first one, with a warning, when that does not decide.
    fn resolve(
        &self,
        candidates: &[u32],
        unambiguous: &HashMap<u32, usize>,
        folded: &FoldedText,
        hit: &Hit,
    ) -> (u32, Option<String>) {
        if let [only] = candidates {
            return (*only, None);
        }
        let count = |c: &u32| unambiguous.get(c).copied().unwrap_or(0);
        let best = candidates.iter().map(count).max().unwrap_or(0);
        let leaders: Vec<u32> = candidates.iter().copied().filter(|c| count(c) == best).collect();
        if best > 0 && leaders.len() == 1 {
            return (leaders[0], None);
        }
        let chosen = leaders[0];
        let others: Vec<&str> =
            candidates.iter().filter(|&&c| c != chosen).map(|&c| self.entries[c as usize].id.as_str()).collect();
        let surface = folded.as_str().get(hit.start..hit.end).unwrap_or("");
        let warning = format!(
            "ambiguous alias \"{surface}\": chose {}, other candidates: {}",
            self.entries[chosen as usize].id,
            others.join(", ")
        );
        (chosen, Some(warning))
    }

    /// Raw leftmost-longest matches of the automaton in `folded`, word boundaries ignored
    /// (for the benchmark: the engine's own speed).
    #[doc(hidden)]
    pub fn raw_match_count(&self, folded: &str) -> usize {
        let mut n = 0;
        if let Some(m) = &self.matcher {
            m.scan(folded, |_, _, _| {
                n += 1;
                true
            });
        }
        n
    }

    /// Whole-word leftmost-longest matches in the folded text.
    ///
    /// The automaton runs once over the text. A match that does not sit on word
    /// boundaries is replaced by the longest shorter pattern at the same start that does;
    /// the search restarts only when the rejected match spans a place where another match
    /// could start (rare), so short aliases found inside words cost almost nothing.
    fn hits(&self, hay: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        let Some(matcher) = &self.matcher else {
            return hits;
        };
        if let Matcher::Words(index) = matcher {
            return word_hits(index, hay);
        }
        let mut at = 0;
        while at < hay.len() {
            let mut restart = None;
            matcher.scan(&hay[at..], |start, end, pattern| {
                let (start, end) = (at + start, at + end);
                if starts_word(hay, start) {
                    if ends_word(hay, end) {
                        hits.push(Hit { start, end, pattern });
                        return true;
                    }
                    if let Some(shorter) = shorter_at(matcher, hay, start, end) {
                        let resume = shorter.end;
                        hits.push(shorter);
                        if may_start_within(hay, resume, end) {
                            restart = Some(resume);
                            return false;
                        }
                        return true;
                    }
                }
                // A rejected match hides nothing when no match could start inside it
                // (it lies within one word): the automaton just goes on.
                let next = next_boundary(hay, start);
                if may_start_within(hay, next, end) {
                    restart = Some(next);
                    return false;
                }
                true
            });
            match restart {
                Some(r) => at = r,
                None => break,
            }
        }
        hits
    }
}

/// The longest pattern that starts at `start`, ends before `end` and ends on a word boundary.
fn shorter_at(matcher: &Matcher, hay: &str, start: usize, end: usize) -> Option<Hit> {
    let mut limit = prev_boundary(hay, end);
    while limit > start {
        // Leftmost-longest on the slice: a pattern starting at its first byte, if any, wins.
        let (s, e, pattern) = matcher.first(&hay[start..limit])?;
        if s != 0 {
            return None;
        }
        if ends_word(hay, start + e) {
            return Some(Hit { start, end: start + e, pattern });
        }
        limit = prev_boundary(hay, start + e);
    }
    None
}

/// Which automaton runs the patterns. Chosen by `cargo bench --bench gazetteer`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    AhoCorasickDfa,
    AhoCorasickNfa,
    DaachorseBytewise,
    /// The fastest automaton at matching and the fastest to compile large sets.
    DaachorseCharwise,
    /// The default: a hash lookup per word of the text instead of an automaton step per
    /// character.
    #[default]
    WordIndex,
}

impl Engine {
    pub const ALL: [Engine; 5] = [
        Engine::AhoCorasickDfa,
        Engine::AhoCorasickNfa,
        Engine::DaachorseBytewise,
        Engine::DaachorseCharwise,
        Engine::WordIndex,
    ];
}

enum Matcher {
    Aho(AhoCorasick),
    Bytewise(DoubleArrayAhoCorasick<u32>),
    Charwise(CharwiseDoubleArrayAhoCorasick<u32>),
    Words(Box<WordIndex>),
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Matcher::Aho(_) => "Matcher::Aho",
            Matcher::Bytewise(_) => "Matcher::Bytewise",
            Matcher::Charwise(_) => "Matcher::Charwise",
            Matcher::Words(_) => "Matcher::Words",
        })
    }
}

impl Matcher {
    /// Builds `engine`, falling back to aho-corasick's NFA (no size limits) if it fails.
    fn build(engine: Engine, patterns: &[String]) -> Option<Matcher> {
        let aho = |kind| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(kind))
                .prefilter(false)
                .build(patterns)
                .ok()
                .map(Matcher::Aho)
        };
        let built = match engine {
            Engine::AhoCorasickDfa => aho(AhoCorasickKind::DFA),
            Engine::AhoCorasickNfa => None,
            Engine::DaachorseBytewise => DoubleArrayAhoCorasickBuilder::new()
                .match_kind(daachorse::MatchKind::LeftmostLongest)
                .build(patterns)
                .ok()
                .map(Matcher::Bytewise),
            Engine::DaachorseCharwise => CharwiseDoubleArrayAhoCorasickBuilder::new()
                .match_kind(daachorse::MatchKind::LeftmostLongest)
                .build(patterns)
                .ok()
                .map(Matcher::Charwise),
            Engine::WordIndex => Some(Matcher::Words(Box::new(WordIndex::build(patterns)))),
        };
        built.or_else(|| aho(AhoCorasickKind::ContiguousNFA))
    }

    /// Calls `f(start, end, pattern)` for each leftmost-longest match of `hay` until it
    /// returns false.
    fn scan(&self, hay: &str, mut f: impl FnMut(usize, usize, usize) -> bool) {
        match self {
            Matcher::Aho(ac) => {
                for m in ac.find_iter(hay) {
                    if !f(m.start(), m.end(), m.pattern().as_usize()) {
                        return;
                    }
                }
            }
            Matcher::Bytewise(pma) => {
                for m in pma.leftmost_find_iter(hay) {
                    if !f(m.start(), m.end(), m.value() as usize) {
                        return;
                    }
                }
            }
            Matcher::Charwise(pma) => {
                for m in pma.leftmost_find_iter(hay) {
                    if !f(m.start(), m.end(), m.value() as usize) {
                        return;
                    }
                }
            }
            // The word index finds whole-word matches only (see `word_hits`).
            Matcher::Words(index) => {
                for hit in word_hits(index, hay) {
                    if !f(hit.start, hit.end, hit.pattern) {
                        return;
                    }
                }
            }
        }
    }

    fn first(&self, hay: &str) -> Option<(usize, usize, usize)> {
        let mut first = None;
        self.scan(hay, |s, e, p| {
            first = Some((s, e, p));
            false
        });
        first
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    // The folded text is lower case: the common letters first, Unicode tables last.
    c.is_ascii_alphanumeric() || ('а'..='я').contains(&c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// A match may start at `at` unless both the char before and the char at `at` are word chars.
fn starts_word(hay: &str, at: usize) -> bool {
    let before = hay[..at].chars().next_back();
    let here = hay[at..].chars().next();
    !(before.is_some_and(is_word_char) && here.is_some_and(is_word_char))
}

/// A match may end at `at` unless both the char before and the char at `at` are word chars.
/// Answered from the byte at `at` when that is ASCII other than a letter or digit (a space
/// or punctuation: most ends), without decoding.
#[inline]
fn ends_word(hay: &str, at: usize) -> bool {
    match hay.as_bytes().get(at) {
        Some(&b) if b < 0x80 && !b.is_ascii_alphanumeric() => true,
        _ => starts_word(hay, at),
    }
}

/// Whether a match could start at some position of `from..to` (not strictly inside a word).
fn may_start_within(hay: &str, from: usize, to: usize) -> bool {
    let mut at = from;
    while at < to {
        if starts_word(hay, at) {
            return true;
        }
        at = next_boundary(hay, at);
    }
    false
}

fn prev_boundary(hay: &str, at: usize) -> usize {
    hay[..at].char_indices().next_back().map_or(0, |(i, _)| i)
}

fn next_boundary(hay: &str, at: usize) -> usize {
    hay[at..].chars().next().map_or(hay.len(), |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests;
