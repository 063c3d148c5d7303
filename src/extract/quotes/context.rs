//! One document as the quote rules see it: the text, its entity mentions grouped into
//! entities, the speech cues found in it, and bounded word-level views around a position
//! (sentence limits, tokens, what a word is: role noun, pronoun, function word).
//!
//! Every scan here is bounded ([`MAX_SCAN`] bytes), so work stays linear in the text.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::hash::BuildHasher;

use super::cues::CueHit;
use super::marks::{is_line_break, line_break_len, ByteStops, LINE_BREAK_STOPS};
use super::rules::{FastMap, Gender, Pronoun, QuoteRules, WordKind};
use super::stops::StopIndex;
use super::words::{fold_word, WordCache, WordFacts};
use crate::dict::roles::{RoleNoun, RoleNouns};
use crate::model::{EntityType, Mention};
use crate::text::tokens::{tokenize, Token, TokenKind};
use crate::text::{fold_str, Span};

/// The bytes where a sentence or a line may end: line breaks and `.!?…` (`…` starts with E2,
/// a line-break byte already).
pub(crate) const DOC_STOPS: ByteStops = LINE_BREAK_STOPS.with(b'.').with(b'!').with(b'?');

/// The farthest any local scan looks, in bytes.
pub(crate) const MAX_SCAN: usize = 1200;

/// One entity of the document (all mentions sharing an `entity_id`).
#[derive(Clone, Debug)]
pub(crate) struct Entity<'a> {
    pub canonical: &'a str,
    pub id: &'a str,
    pub entity_type: EntityType,
    pub count: usize,
    /// Start of the first mention.
    pub first: usize,
    /// See [`Entity::gender`].
    gender: OnceCell<Gender>,
}

impl Entity<'_> {
    /// A person's gender by the ending of the last word of the name ([`Gender::Any`] for
    /// other entities). Worked out the first time it is asked for: most persons are never
    /// weighed as the speaker of a gendered cue.
    pub fn gender(&self, rules: &QuoteRules) -> Gender {
        *self.gender.get_or_init(|| match self.entity_type {
            EntityType::Per => person_gender(self.canonical, rules),
            _ => Gender::Any,
        })
    }
}

/// The mentions of a document grouped by entity.
struct Entities<'a> {
    list: Vec<Entity<'a>>,
    /// Index in `list` of each mention's entity.
    of_mention: Vec<usize>,
}

impl<'a> Entities<'a> {
    /// All mentions sharing an `entity_id` (or, without one, a canonical name) are one entity.
    ///
    /// A document names a dozen or two entities, so a key is looked for by comparing its hash
    /// with those of the entities so far (a pass over a short array of numbers) instead of
    /// allocating and filling a hash table per document. Past [`LINEAR_ENTITIES`] entities
    /// a table takes the rest, so a document naming hundreds stays linear. Keys are unique
    /// per entity, so either way a key finds the one entity made for it.
    ///
    /// Before that, a small cache by the key's address ([`SeenKeys`]) answers the mentions
    /// whose key text is the very allocation seen before: mentions of one entity share their
    /// id as one `Arc<str>`, so most repeats skip hashing and the pass.
    fn group(mentions: &'a [Mention]) -> Entities<'a> {
        // At most one entity per mention: one allocation instead of a growing vector.
        let mut entities: Vec<Entity> = Vec::with_capacity(mentions.len());
        let mut hashes = [0u64; LINEAR_ENTITIES];
        // Allocates only when a document has more than `LINEAR_ENTITIES` entities.
        let mut more: FastMap<&str, usize> = FastMap::default();
        let mut seen = SeenKeys::default();
        let mut mention_entity = Vec::with_capacity(mentions.len());
        for m in mentions {
            let key = entity_key(&m.entity_id, &m.canonical);
            let idx = seen.get(key).unwrap_or_else(|| {
                let hash = rustc_hash::FxBuildHasher.hash_one(key);
                let listed = entities.len().min(LINEAR_ENTITIES);
                let found = hashes[..listed]
                    .iter()
                    .zip(&entities)
                    .position(|(&h, e)| h == hash && entity_key(e.id, e.canonical) == key)
                    .or_else(|| more.get(key).copied());
                let idx = found.unwrap_or_else(|| {
                    entities.push(Entity {
                        canonical: &m.canonical,
                        id: &m.entity_id,
                        entity_type: m.entity_type,
                        count: 0,
                        first: m.span.start,
                        gender: OnceCell::new(),
                    });
                    let idx = entities.len() - 1;
                    if idx < LINEAR_ENTITIES {
                        hashes[idx] = hash;
                    } else {
                        more.insert(key, idx);
                    }
                    idx
                });
                seen.put(key, idx);
                idx
            });
            let e = &mut entities[idx];
            e.count += 1;
            e.first = e.first.min(m.span.start);
            mention_entity.push(idx);
        }
        Entities { list: entities, of_mention: mention_entity }
    }
}

/// How many entities [`Entities::group`] finds by a pass over their hashes.
const LINEAR_ENTITIES: usize = 64;

/// A direct-mapped cache from a key's address and length to its entity, for
/// [`Entities::group`]. The same address and length are the same bytes, so a hit is the
/// entity of an equal key; equal keys at different addresses just miss and take the hash
/// pass. A slot holds the last key put there, so a collision costs a miss, never a wrong answer.
struct SeenKeys {
    slots: [(*const u8, usize, usize); SEEN_SLOTS],
}

/// Slots of [`SeenKeys`]: more than a document's usual entities.
const SEEN_SLOTS: usize = 32;

impl Default for SeenKeys {
    fn default() -> SeenKeys {
        SeenKeys { slots: [(std::ptr::null(), 0, 0); SEEN_SLOTS] }
    }
}

impl SeenKeys {
    /// The slot of an address: `Arc<str>` text sits 16 bytes into a 16-byte aligned block,
    /// so the low bits say nothing.
    fn slot(key: &str) -> usize {
        let addr = key.as_ptr() as usize;
        ((addr >> 4) ^ (addr >> 10)) % SEEN_SLOTS
    }

    fn get(&self, key: &str) -> Option<usize> {
        let (ptr, len, idx) = self.slots[Self::slot(key)];
        (ptr == key.as_ptr() && len == key.len()).then_some(idx)
    }

    fn put(&mut self, key: &str, idx: usize) {
        self.slots[Self::slot(key)] = (key.as_ptr(), key.len(), idx);
    }
}

/// What makes mentions one entity: the id, or the canonical name when there is no id.
fn entity_key<'k>(id: &'k str, canonical: &'k str) -> &'k str {
    if id.is_empty() {
        canonical
    } else {
        id
    }
}

pub(crate) struct Doc<'a> {
    pub text: &'a str,
    /// The tokens of the whole text.
    all_tokens: &'a [Token],
    pub mentions: &'a [Mention],
    pub roles: &'a RoleNouns,
    pub rules: &'a QuoteRules,
    pub cues: Vec<CueHit>,
    /// The mentions grouped into entities, the first time they are asked for: a document
    /// none of whose quotes needs a speaker never groups them.
    entities: OnceCell<Entities<'a>>,
    /// Line breaks, sentence punctuation and the first bytes of quotation marks.
    stops: StopIndex,
    /// This thread's word cache, for the document's lifetime.
    words: RefCell<WordCache>,
    /// The word ids of recently asked tokens, by span (see [`Doc::word_id`]): this
    /// thread's slots, handed back when the document is done (always `Some` until then).
    recent_ids: Option<Box<RecentIds>>,
}

impl Drop for Doc<'_> {
    fn drop(&mut self) {
        std::mem::take(self.words.get_mut()).give_back();
        if let Some(recent) = self.recent_ids.take() {
            // At thread exit the slots are simply dropped.
            let _ = RECENT.try_with(|r| r.set(Some(recent)));
        }
    }
}

impl<'a> Doc<'a> {
    pub fn new(
        text: &'a str,
        tokens: &'a [Token],
        mentions: &'a [Mention],
        roles: &'a RoleNouns,
        rules: &'a QuoteRules,
        cues: Vec<CueHit>,
    ) -> Doc<'a> {
        Doc {
            text,
            all_tokens: tokens,
            mentions,
            roles,
            rules,
            cues,
            entities: OnceCell::new(),
            stops: StopIndex::new(text, &rules.doc_stops),
            words: RefCell::new(WordCache::take(rules)),
            recent_ids: Some(RecentIds::take()),
        }
    }

    /// The document's entities, in the order of their first mention in the list.
    pub fn entities(&self) -> &[Entity<'a>] {
        &self.entity_table().list
    }

    /// The index in [`Doc::entities`] of the entity of a mention.
    pub fn entity_index(&self, mention: usize) -> usize {
        self.entity_table().of_mention[mention]
    }

    pub fn entity_of(&self, mention: usize) -> &Entity<'a> {
        let table = self.entity_table();
        &table.list[table.of_mention[mention]]
    }

    fn entity_table(&self) -> &Entities<'a> {
        self.entities.get_or_init(|| Entities::group(self.mentions))
    }

    /// The mention that starts exactly at `pos`.
    pub fn mention_starting_at(&self, pos: usize) -> Option<usize> {
        let i = self.mentions.partition_point(|m| m.span.start < pos);
        (i < self.mentions.len() && self.mentions[i].span.start == pos).then_some(i)
    }

    /// The mention covering byte `pos` (the last one starting at or before it).
    pub fn mention_containing(&self, pos: usize) -> Option<usize> {
        let i = self.mentions.partition_point(|m| m.span.start <= pos);
        let mut k = i;
        // Mentions are sorted by start and rarely overlap; look back a little.
        while k > 0 && i - k < 4 {
            k -= 1;
            let m = &self.mentions[k];
            if m.span.start <= pos && pos < m.span.end {
                return Some(k);
            }
        }
        None
    }

    /// Index of the cue starting exactly at `pos`.
    pub fn cue_starting_at(&self, pos: usize) -> Option<usize> {
        let i = self.cues.partition_point(|c| c.span.start < pos);
        (i < self.cues.len() && self.cues[i].span.start == pos).then_some(i)
    }

    /// Indices of the cues starting in `[from, to)`.
    pub fn cues_in(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let a = self.cues.partition_point(|c| c.span.start < from);
        let b = self.cues.partition_point(|c| c.span.start < to);
        a..b.max(a)
    }

    /// The stops of the text (see [`Doc::stops`]).
    pub fn stop_index(&self) -> &StopIndex {
        &self.stops
    }

    /// Start of the sentence holding `pos`: after the last line break or `.!?…` followed by
    /// a space, looking back no further than `floor` nor [`MAX_SCAN`] bytes.
    ///
    /// Only the indexed stops can end a sentence: every other character is walked over.
    pub fn sentence_start(&self, pos: usize, floor: usize) -> usize {
        let limit = floor.max(pos.saturating_sub(MAX_SCAN));
        let bytes = self.text.as_bytes();
        for &at in self.stops.before(pos).iter().rev() {
            if at < limit {
                break;
            }
            let (c, len) = char_at(self.text, at);
            // The character after the stop, if it lies before `pos`.
            let after = (at + len).min(pos);
            if is_line_break(c) {
                return after;
            }
            if matches!(c, '.' | '!' | '?' | '…') && after < pos && char_at(self.text, after).0.is_whitespace() {
                return after;
            }
            debug_assert!(self.stops.set().contains(bytes[at]));
        }
        // No sentence end: the first character at or after `limit`.
        let mut at = limit;
        while at < pos && !self.text.is_char_boundary(at) {
            at += 1;
        }
        at.min(pos)
    }

    /// End of the sentence holding `pos`: the first line break or `.!?…` followed by a space
    /// or the text end (the punctuation itself excluded), at most [`MAX_SCAN`] bytes on.
    pub fn sentence_end(&self, pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        // Characters starting at most MAX_SCAN bytes on are looked at.
        let window = pos.saturating_add(MAX_SCAN + 1).min(bytes.len());
        for &at in self.stops.from(pos) {
            if at >= window {
                break;
            }
            if line_break_len(bytes, at).is_some() {
                return at;
            }
            let stop_len = match bytes[at] {
                b'.' | b'!' | b'?' => 1,
                0xE2 if bytes[at..].starts_with("…".as_bytes()) => 3,
                _ => 0,
            };
            if stop_len > 0 {
                match self.text.get(at + stop_len..).and_then(|rest| rest.chars().next()) {
                    None => return at,
                    Some(n) if n.is_whitespace() => return at,
                    _ => {}
                }
            }
        }
        // The first character starting past the window (or the text end).
        let mut at = window;
        while at < bytes.len() && !self.text.is_char_boundary(at) {
            at += 1;
        }
        at
    }

    /// End of the line holding `pos` (the line break itself excluded).
    #[cfg(test)]
    pub fn line_end(&self, pos: usize) -> usize {
        self.line_end_within(pos, usize::MAX)
    }

    /// Every line break of the text, in order: the ends of its lines as [`Doc::line_end`]
    /// gives them one after another (the next line starts right after the break), read
    /// straight off the stop index.
    pub fn line_breaks(&self) -> impl Iterator<Item = usize> + '_ {
        let bytes = self.text.as_bytes();
        self.stops.from(0).iter().copied().filter(move |&at| line_break_len(bytes, at).is_some())
    }

    /// `line_end(pos).min(limit)`, looking no further than `limit`.
    pub fn line_end_within(&self, pos: usize, limit: usize) -> usize {
        let bytes = self.text.as_bytes();
        let stop = limit.min(bytes.len());
        for &at in self.stops.from(pos) {
            if at >= stop {
                break;
            }
            if line_break_len(bytes, at).is_some() {
                return at;
            }
        }
        stop
    }

    /// Tokens of `[from, to)` with spans into the whole text: the tokens `tokenize` gives for
    /// that slice, except that a token's `after_newline`/`after_space` flags are the
    /// document's (the quote rules never read them).
    ///
    /// A slice of the document's tokens, no tokenising: a token's extent depends only on the
    /// characters from its start to just past its end, so the tokens inside the window are
    /// the document's. Only a token the window cuts (a word's tail at `from`, a word's head at
    /// `to`) is tokenised again, as the slice would be; a cut piece never reaches past its
    /// token (see `window_tokens_match_tokenize`).
    pub fn tokens(&self, from: usize, to: usize) -> Cow<'a, [Token]> {
        if from >= to || self.text.get(from..to).is_none() {
            return Cow::Borrowed(&[]);
        }
        let all = self.all_tokens;
        let a = all.partition_point(|t| t.span.end <= from);
        let b = a + first_starting_at(&all[a..], to);
        if a >= b {
            return Cow::Borrowed(&[]);
        }
        let inner = &all[a..b];
        let (first, last) = (inner[0], inner[inner.len() - 1]);
        let head_cut = first.span.start < from;
        let tail_cut = last.span.end > to;
        if !head_cut && !tail_cut {
            return Cow::Borrowed(inner);
        }
        let mut out = Vec::with_capacity(inner.len() + 2);
        let mut middle = inner;
        if head_cut {
            self.push_tokenized(&mut out, from, first.span.end.min(to));
            middle = &middle[1..];
        }
        if tail_cut && !middle.is_empty() {
            let (rest, _) = middle.split_at(middle.len() - 1);
            out.extend_from_slice(rest);
            self.push_tokenized(&mut out, last.span.start, to);
        } else {
            out.extend_from_slice(middle);
        }
        Cow::Owned(out)
    }

    /// `self.tokens(from, to).last()`, without building the window when the document's token
    /// lying last in it is whole (not cut by `from` or `to`): then it is the window's last
    /// token, as in [`Doc::tokens`] only a cut token is tokenised again.
    pub fn last_token(&self, from: usize, to: usize) -> Option<Token> {
        if from >= to || self.text.get(from..to).is_none() {
            return None;
        }
        let all = self.all_tokens;
        let b = all.partition_point(|t| t.span.start < to);
        match b.checked_sub(1).map(|k| all[k]) {
            Some(t) if t.span.start >= from && t.span.end <= to => Some(t),
            Some(t) if t.span.end > from => self.tokens(from, to).last().copied(),
            _ => None,
        }
    }

    /// Appends the tokens of the slice `[from, to)`, tokenised on its own.
    ///
    /// The slice is most often a cut word's head or tail: when it holds Cyrillic letters
    /// only (every character U+0400..U+047F, a letter, two bytes), it is one word token as
    /// the first token of a text, with no tokenising to set up.
    fn push_tokenized(&self, out: &mut Vec<Token>, from: usize, to: usize) {
        let piece = &self.text.as_bytes()[from..to];
        let letters_only = |pair: &[u8]| pair[0] & 0xFE == 0xD0 && pair[1] & 0xC0 == 0x80;
        if !piece.is_empty() && piece.len().is_multiple_of(2) && piece.chunks_exact(2).all(letters_only) {
            let span = Span::new(from, to);
            out.push(Token { span, kind: TokenKind::Word, after_newline: true, after_space: true });
            return;
        }
        out.extend(tokenize(&self.text[from..to]).into_iter().map(|mut t| {
            t.span = Span::new(t.span.start + from, t.span.end + from);
            t
        }));
    }

    /// Tokens of at most the last `max_bytes` of `[from, to)` (the first may be a word's tail).
    pub fn tokens_tail(&self, from: usize, to: usize, max_bytes: usize) -> Cow<'a, [Token]> {
        let mut start = from.max(to.saturating_sub(max_bytes));
        while start < to && !self.text.is_char_boundary(start) {
            start += 1;
        }
        self.tokens(start, to)
    }

    /// Tokens of at most the first `max_bytes` of `[from, to)` (the last may be cut).
    pub fn tokens_head(&self, from: usize, to: usize, max_bytes: usize) -> Cow<'a, [Token]> {
        let mut end = to.min(from.saturating_add(max_bytes));
        while end > from && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.tokens(from, end)
    }

    /// Number of words in `span`, counting no further than `cap`.
    pub fn word_count_upto(&self, span: Span, cap: usize) -> usize {
        let Some(s) = self.text.get(span.start..span.end) else {
            return 0;
        };
        let bytes = s.as_bytes();
        let mut count = 0;
        let mut in_word = false;
        let mut i = 0;
        while i < bytes.len() {
            // A run of two-byte Cyrillic letters (lead byte D0 or D1: U+0400..U+047F, every
            // one a letter) is one word, or the rest of the word already counted: stepped
            // over two bytes at a time with no other test.
            if bytes[i] & 0xFE == 0xD0 {
                if !in_word {
                    count += 1;
                    if count >= cap {
                        return count;
                    }
                    in_word = true;
                }
                i += 2;
                while i < bytes.len() && bytes[i] & 0xFE == 0xD0 {
                    i += 2;
                }
                continue;
            }
            // ASCII is told by its first byte; the rest is decoded.
            let (w, joins, len) = match bytes[i] {
                b if b.is_ascii() => (b.is_ascii_alphanumeric(), b == b'-', 1),
                _ => {
                    let c = s[i..].chars().next().unwrap_or(' ');
                    (is_word_char_fast(c), matches!(c, '\u{301}' | '\u{ad}'), c.len_utf8())
                }
            };
            if w && !in_word {
                count += 1;
                if count >= cap {
                    return count;
                }
            }
            in_word = w || (in_word && joins);
            i += len;
        }
        count
    }

    pub fn words_at_least(&self, span: Span, n: usize) -> bool {
        n == 0 || self.word_count_upto(span, n) >= n
    }

    /// The cache id of a word token (`None` for numbers and punctuation).
    ///
    /// The rules ask about one token several times in a row (its kind, then whether it is a
    /// role noun, then a pronoun), so the ids of the last tokens asked are kept by span: a
    /// span is one written word, and ids hold for the whole document.
    fn word_id(&self, t: &Token) -> Option<u32> {
        if t.kind != TokenKind::Word {
            return None;
        }
        let (start, end) = (t.span.start, t.span.end);
        let Some(recent) = self.recent_ids.as_deref() else {
            return Some(self.words.borrow_mut().id(t.text(self.text), self.rules));
        };
        // Slots by a hash of the start, so the tokens of a window spread over all of them.
        let slot = &recent.slots[(start as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) as usize >> (64 - RECENT_BITS)];
        let seen = slot.get();
        if seen.start == start && seen.end == end && seen.doc == recent.doc {
            return Some(seen.id);
        }
        let id = self.words.borrow_mut().id(t.text(self.text), self.rules);
        slot.set(RecentId { start, end, id, doc: recent.doc });
        Some(id)
    }

    /// What the rule tables say of a word token.
    fn word_facts<T>(&self, t: &Token, f: impl FnOnce(&WordFacts) -> T) -> Option<T> {
        let id = self.word_id(t)?;
        Some(f(self.words.borrow().facts(id)))
    }

    /// The role noun a word token is a form of.
    ///
    /// One probe of the role table with the word's cached fold: a per-document cache of the
    /// answers cost more than the probe (most words are asked about once per document).
    pub fn role(&self, t: &Token) -> Option<&'a RoleNoun> {
        let id = self.word_id(t)?;
        // `lookup` folds its query; the cache holds the word folded as `lookup` would.
        self.roles.lookup_folded(self.words.borrow().facts(id).refolded())
    }

    /// Whether a role-noun token is in the dictionary form (nominative singular).
    pub fn role_is_nominative(&self, t: &Token, role: &RoleNoun) -> bool {
        // A dictionary form is mostly lower-case letters already: no fold to allocate.
        let form: Cow<str> =
            if folds_to_itself(&role.role) { Cow::Borrowed(&role.role) } else { Cow::Owned(fold_str(&role.role)) };
        self.word_facts(t, |w| *w.folded == *form).unwrap_or_else(|| fold_word(t.text(self.text)) == *form)
    }

    pub fn pronoun(&self, t: &Token) -> Option<Pronoun> {
        self.word_facts(t, |w| w.pronoun).flatten()
    }

    pub fn word_kind(&self, t: &Token) -> Option<WordKind> {
        self.word_facts(t, |w| w.kind).flatten()
    }

    pub fn is_name_noun(&self, t: &Token) -> bool {
        self.word_facts(t, |w| w.name_noun).unwrap_or(false)
    }

    /// The character right before `pos`.
    pub fn char_before(&self, pos: usize) -> Option<char> {
        self.text.get(..pos)?.chars().next_back()
    }
}

/// The index of the first token of `tokens` (sorted) that starts at or after `to`: a
/// window is a few dozen tokens, so the search doubles its step from the first token instead
/// of halving the whole rest of the document.
fn first_starting_at(tokens: &[Token], to: usize) -> usize {
    let mut step = 1;
    while step <= tokens.len() && tokens[step - 1].span.start < to {
        step *= 2;
    }
    // Every token before `step / 2` starts before `to`.
    let lo = step / 2;
    let hi = step.min(tokens.len());
    lo + tokens[lo..hi].partition_point(|t| t.span.start < to)
}

/// How many token spans [`Doc::word_id`] remembers: `1 << RECENT_BITS`.
const RECENT_IDS: usize = 1 << RECENT_BITS;
const RECENT_BITS: u32 = 6;

/// A token span and its word id, asked in document `doc` (see [`RecentIds`]).
#[derive(Clone, Copy, Debug)]
struct RecentId {
    start: usize,
    end: usize,
    id: u32,
    doc: u32,
}

impl RecentId {
    /// An empty slot: no token ends before it starts, and no document is numbered 0.
    const NONE: RecentId = RecentId { start: usize::MAX, end: 0, id: 0, doc: 0 };
}

/// A thread's [`Doc::word_id`] slots, kept from one document to the next: a document that
/// set up its own 1.5 KB of slots copied them twice. A slot holds for the document whose
/// number it carries only (word ids and spans are a document's), so none is cleared.
struct RecentIds {
    slots: [Cell<RecentId>; RECENT_IDS],
    /// The number of the document using the slots: never 0.
    doc: u32,
}

thread_local! {
    static RECENT: Cell<Option<Box<RecentIds>>> = const { Cell::new(None) };
}

impl RecentIds {
    /// This thread's slots, numbered for a new document.
    fn take() -> Box<RecentIds> {
        let mut recent = RECENT.try_with(Cell::take).ok().flatten().unwrap_or_else(|| {
            Box::new(RecentIds { slots: [const { Cell::new(RecentId::NONE) }; RECENT_IDS], doc: 0 })
        });
        recent.doc = recent.doc.wrapping_add(1);
        if recent.doc == 0 {
            // Numbers start over: slots of the document numbered 1 long ago must not match.
            recent.slots.iter().for_each(|s| s.set(RecentId::NONE));
            recent.doc = 1;
        }
        recent
    }
}

/// Whether `fold_str(s) == s`, told without folding for the plain case: every character one
/// that `fold_str` keeps as it is (lower-case Latin and Cyrillic letters but `ё`, digits).
/// `false` may also be said of a string that folds to itself.
fn folds_to_itself(s: &str) -> bool {
    s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | 'а'..='е' | 'ж'..='я'))
}

/// The character at byte `i` (a character start) and its length.
fn char_at(text: &str, i: usize) -> (char, usize) {
    match text.as_bytes()[i] {
        b if b.is_ascii() => (char::from(b), 1),
        _ => text[i..].chars().next().map_or(('\u{fffd}', 1), |c| (c, c.len_utf8())),
    }
}

/// `char::is_alphanumeric` with a fast path for Cyrillic and ASCII (the Unicode table lookup
/// dominates otherwise).
#[inline]
pub(crate) fn is_word_char_fast(c: char) -> bool {
    match c {
        'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | 'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
}

/// `char::is_alphabetic` with the same fast path as [`is_word_char_fast`].
#[inline]
pub(crate) fn is_letter_fast(c: char) -> bool {
    match c {
        'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | 'a'..='z' | 'A'..='Z' => true,
        c if c.is_ascii() => false,
        c => c.is_alphabetic(),
    }
}

/// Whether `c` is one of the dash family (a lone `-` included).
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−')
}

/// Where the characters of the dash family start in `s`, in order: `-`, or `E2 80 90..=95`
/// (U+2010 to U+2015) or `E2 88 92` (U+2212) in UTF-8. A byte search for `-` and the `E2`
/// lead bytes instead of decoding every character.
pub(crate) fn dash_starts(s: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = s.as_bytes();
    memchr::memchr2_iter(b'-', 0xE2, bytes)
        .filter(|&i| bytes[i] == b'-' || matches!(bytes.get(i + 1..i + 3), Some([0x80, 0x90..=0x95] | [0x88, 0x92])))
}

/// Whether a punctuation token stops a speaker scan: quotation marks, brackets, colons, dashes.
pub(crate) fn is_scan_stop(c: char) -> bool {
    is_dash(c) || matches!(c, '«' | '»' | '„' | '“' | '”' | '"' | ':' | ';' | '(' | ')' | '[' | ']' | '&')
}

/// A person's grammatical gender, guessed from the ending of the last word of the canonical
/// name with the endings of `quote_words.tsv` (longest ending wins).
pub(crate) fn person_gender(canonical: &str, rules: &QuoteRules) -> Gender {
    let Some(last) = canonical.split_whitespace().next_back() else {
        return Gender::Any;
    };
    let last = fold_str(last);
    let fem = rules.female_endings.iter().find(|e| last.ends_with(e.as_str())).map_or(0, |e| e.chars().count());
    let masc = rules.male_endings.iter().find(|e| last.ends_with(e.as_str())).map_or(0, |e| e.chars().count());
    match (fem, masc) {
        (0, 0) => Gender::Any,
        (f, m) if f > m => Gender::Fem,
        (f, m) if m > f => Gender::Masc,
        _ => Gender::Any,
    }
}

#[cfg(test)]
mod tests {
    //! The byte-level scans must agree with the plain character-by-character definitions.
    use proptest::prelude::*;

    use super::*;
    use std::sync::Arc;

    fn reference_sentence_start(text: &str, pos: usize, floor: usize) -> usize {
        let limit = floor.max(pos.saturating_sub(MAX_SCAN));
        let mut after_is_space = false;
        let mut after_at = pos;
        for (at, c) in text[..pos].char_indices().rev() {
            if at < limit || is_line_break(c) || (matches!(c, '.' | '!' | '?' | '…') && after_is_space) {
                return after_at;
            }
            after_is_space = c.is_whitespace();
            after_at = at;
        }
        after_at.min(pos)
    }

    fn reference_sentence_end(text: &str, pos: usize) -> usize {
        let mut chars = text[pos..].char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            let at = pos + off;
            if at - pos > MAX_SCAN || is_line_break(c) {
                return at;
            }
            if matches!(c, '.' | '!' | '?' | '…') && chars.peek().is_none_or(|&(_, n)| n.is_whitespace()) {
                return at;
            }
        }
        text.len()
    }

    fn reference_word_count(s: &str, cap: usize) -> usize {
        let mut count = 0;
        let mut in_word = false;
        for c in s.chars() {
            let w = is_word_char_fast(c);
            if w && !in_word {
                count += 1;
                if count >= cap {
                    return count;
                }
            }
            in_word = w || (in_word && matches!(c, '-' | '\u{301}' | '\u{ad}'));
        }
        count
    }

    fn reference_line_end(text: &str, pos: usize) -> usize {
        text[pos..].char_indices().find(|&(_, c)| is_line_break(c)).map_or(text.len(), |(at, _)| pos + at)
    }

    fn check_all_positions(text: &str) {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let doc = Doc::new(text, &[], &[], &roles, &rules, Vec::new());
        for pos in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            assert_eq!(doc.line_end(pos), reference_line_end(text, pos), "line_end {pos} of {text:?}");
            assert_eq!(doc.sentence_end(pos), reference_sentence_end(text, pos), "sentence_end {pos} of {text:?}");
            for floor in [0, pos / 2] {
                let want = reference_sentence_start(text, pos, floor);
                assert_eq!(doc.sentence_start(pos, floor), want, "sentence_start {pos} {floor} of {text:?}");
            }
            let next_break = doc.line_breaks().find(|&at| at >= pos).unwrap_or(text.len());
            assert_eq!(next_break, doc.line_end(pos), "line_breaks from {pos} of {text:?}");
            for limit in [pos, pos + 1, pos + 5, pos + 120] {
                let want = reference_line_end(text, pos).min(limit);
                assert_eq!(doc.line_end_within(pos, limit), want, "line_end_within {pos} {limit} of {text:?}");
            }
        }
    }

    /// The fast character classes and the byte-level dash search agree with their plain
    /// definitions on every character around the ones they single out.
    #[test]
    fn fast_classes_match_the_plain_definitions() {
        let around =
            ['\u{0}', '-', '—', '―', '\u{2016}', '\u{200f}', '−', '\u{2211}', '\u{2213}', '−', 'ё', 'Ӑ', '😀', '5'];
        let all = (0..0x3000u32).filter_map(char::from_u32).chain(around);
        for c in all {
            assert_eq!(is_word_char_fast(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_letter_fast(c), c.is_alphabetic(), "{c:?}");
            for s in [c.to_string(), format!("a{c}b"), format!("{c}\u{2010}"), format!("\u{e2}{c}")] {
                let dashes: Vec<usize> = s.char_indices().filter(|&(_, c)| is_dash(c)).map(|(i, _)| i).collect();
                assert_eq!(dash_starts(&s).collect::<Vec<_>>(), dashes, "{s:?}");
            }
        }
    }

    #[test]
    fn byte_scans_match_the_char_definitions() {
        let texts = [
            "Он сказал. Она\u{a0}ответила!\tДа?\u{b}Нет… «Ёлка»\r\nновая\u{85}строка\u{2028}и\u{2029}ещё",
            "Конец.",
            "…",
            "a.b. c?\u{3000}d!\u{2003}e…\u{202f}f",
            "😀. 😀\n— Да, — сказал он.\r",
            "",
        ];
        for t in texts {
            check_all_positions(t);
        }
        let long = format!("{}. Дальше", "слово ".repeat(400));
        check_all_positions(&long);
    }

    /// `Doc::tokens` (a slice of the document's tokens) gives the spans and kinds that
    /// tokenising the window itself gives, wherever the window cuts a word.
    fn check_windows(text: &str) {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let all = tokenize(text);
        let doc = Doc::new(text, &all, &[], &roles, &rules, Vec::new());
        let cuts: Vec<usize> = (0..=text.len()).collect();
        for &from in &cuts {
            for &to in &cuts {
                let want: Vec<(Span, TokenKind)> = match text.get(from..to) {
                    Some(s) if from < to => tokenize(s)
                        .iter()
                        .map(|t| (Span::new(t.span.start + from, t.span.end + from), t.kind))
                        .collect(),
                    _ => Vec::new(),
                };
                let got: Vec<(Span, TokenKind)> = doc.tokens(from, to).iter().map(|t| (t.span, t.kind)).collect();
                assert_eq!(got, want, "tokens {from}..{to} of {text:?}");
                let last = doc.last_token(from, to).map(|t| (t.span, t.kind));
                assert_eq!(last, want.last().copied(), "last token {from}..{to} of {text:?}");
            }
        }
    }

    /// A piece of a word tokenised on its own, flags included, whatever it holds.
    fn check_pieces(text: &str) {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let all = tokenize(text);
        let doc = Doc::new(text, &all, &[], &roles, &rules, Vec::new());
        for from in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            for to in (from..=text.len()).filter(|&p| text.is_char_boundary(p)) {
                let mut got = Vec::new();
                doc.push_tokenized(&mut got, from, to);
                let want: Vec<Token> = tokenize(&text[from..to])
                    .into_iter()
                    .map(|mut t| {
                        t.span = Span::new(t.span.start + from, t.span.end + from);
                        t
                    })
                    .collect();
                assert_eq!(got, want, "{from}..{to} of {text:?}");
            }
        }
    }

    #[test]
    fn pieces_tokenize_alone() {
        check_pieces("Ёжик-Ѐѿ ѐ\u{301}я Ѯ5ы ёж,ж\u{ad}я Ҋ");
    }

    #[test]
    fn window_tokens_match_tokenize() {
        for t in [
            "«Нур-Султан», — сказал Му\u{301}син в 2021 году.",
            "x20-й 20-30 a5-b д'Артаньян O’Brien IT- и\u{ad}x\u{200b}y -z 5-й",
            "Касым-Жомарт\nТокаев: «Да»",
            "",
        ] {
            check_windows(t);
        }
    }

    /// The byte-level word count agrees with the character-level definition, for every
    /// span and cap.
    fn check_word_counts(text: &str) {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let doc = Doc::new(text, &[], &[], &roles, &rules, Vec::new());
        for from in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            for to in (from..=text.len()).filter(|&p| text.is_char_boundary(p)) {
                for cap in [1, 2, 4, 31] {
                    let want = reference_word_count(&text[from..to], cap);
                    assert_eq!(
                        doc.word_count_upto(Span::new(from, to), cap),
                        want,
                        "{from}..{to} cap {cap} of {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn word_counts_match_the_char_definition() {
        check_word_counts("Ёж-ёжик 5a\u{301}b ҂Ѡ ӐӑĀ x\u{ad}y — «да» 😀 я-");
    }

    /// Grouping equals its definition (one entity per distinct key, in order of first
    /// mention, counted), also past the entities found by the hash pass.
    #[test]
    fn groups_like_a_map_of_keys() {
        for n in [0usize, 1, 5, 63, 64, 65, 200] {
            // Half the mentions share their key's allocation (as mentions of one entity do),
            // the rest carry a copy of equal text at another address.
            let shared: Vec<(Arc<str>, Arc<str>)> = (0..n.max(1))
                .map(|k| {
                    let id: Arc<str> = if k % 3 == 0 { "".into() } else { format!("per:{k}").into() };
                    (format!("Имя {}", k % 9).into(), id)
                })
                .collect();
            let mentions: Vec<Mention> = (0..3 * n)
                .map(|i| {
                    let k = (i * 7) % n.max(1);
                    let (canonical, entity_id) = if i % 2 == 0 {
                        shared[k].clone()
                    } else {
                        (Arc::from(&*shared[k].0), Arc::from(&*shared[k].1))
                    };
                    Mention {
                        span: Span::new(1000 - i, 1001 - i),
                        entity_type: EntityType::Per,
                        canonical,
                        entity_id,
                        source: crate::model::MentionSource::Gazetteer,
                        warning: None,
                    }
                })
                .collect();
            let got = Entities::group(&mentions);
            let mut keys: Vec<&str> = Vec::new();
            let mut want_of_mention = Vec::new();
            for m in &mentions {
                let key = entity_key(&m.entity_id, &m.canonical);
                let idx = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                    keys.push(key);
                    keys.len() - 1
                });
                want_of_mention.push(idx);
            }
            assert_eq!(got.of_mention, want_of_mention, "{n}");
            assert_eq!(got.list.len(), keys.len());
            for (idx, e) in got.list.iter().enumerate() {
                let of: Vec<&Mention> =
                    (0..mentions.len()).filter(|&i| want_of_mention[i] == idx).map(|i| &mentions[i]).collect();
                assert_eq!(entity_key(e.id, e.canonical), keys[idx]);
                assert_eq!(e.count, of.len());
                assert_eq!(e.first, of.iter().map(|m| m.span.start).min().unwrap());
            }
        }
    }

    /// A word id remembered by span holds for its own document only: the next document's
    /// words at the same spans get their own ids, also when the document numbers start over.
    #[test]
    fn recent_ids_hold_for_their_document_only() {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let texts = ["мама мыла раму", "папа пила суп", "мама мыла раму"];
        for wrap in [false, true] {
            if wrap {
                let mut recent = RecentIds::take();
                recent.doc = u32::MAX;
                RECENT.with(|r| r.set(Some(recent)));
            }
            for text in texts {
                let all = tokenize(text);
                let doc = Doc::new(text, &all, &[], &roles, &rules, Vec::new());
                for _ in 0..2 {
                    for t in &all {
                        let id = doc.word_id(t).unwrap();
                        assert_eq!(&*doc.words.borrow().facts(id).folded, fold_word(t.text(text)), "{text}");
                    }
                }
            }
        }
    }

    /// The doubling search finds what a plain search of the rest finds.
    #[test]
    fn first_starting_at_matches_partition_point() {
        let text = "раз, два три. 4 пять-шесть «семь» восемь девять десять";
        let all = tokenize(text);
        for a in 0..=all.len() {
            for to in 0..=text.len() + 1 {
                let want = all[a..].partition_point(|t| t.span.start < to);
                assert_eq!(first_starting_at(&all[a..], to), want, "{a} {to}");
            }
        }
    }

    proptest! {
        #[test]
        fn folds_to_itself_only_when_fold_str_agrees(s in "[a-zA-Z09а-яЁё \\-&\u{301}]{0,8}") {
            if folds_to_itself(&s) {
                prop_assert_eq!(fold_str(&s), s);
            }
        }

        #[test]
        fn word_counts_match_on_any_text(text in "[аЯёЀѿa5 \\-\u{301}\u{ad}҂ӐĀ😀.]{0,16}") {
            check_word_counts(&text);
        }

        #[test]
        fn byte_scans_match_on_any_text(text in "[аяЁ a.!?…\n\r\u{85}\u{2028}\u{a0}\u{3000}«»—😀]{0,40}") {
            check_all_positions(&text);
        }

        #[test]
        fn pieces_tokenize_alone_on_any_text(text in "[аЯёѐѿҊ5 \\-\u{301}\u{ad}.]{0,10}") {
            check_pieces(&text);
        }

        #[test]
        fn window_tokens_match_tokenize_on_any_text(text in "[aя5 \\-'’\n\u{ad}\u{301}.«Ә]{0,14}") {
            check_windows(&text);
        }
    }
}
