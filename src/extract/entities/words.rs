//! The distinct tokens this thread has seen, with everything the rules ask about a token that
//! depends only on how it is written: its folded form, its capitals and letters, and what the
//! rule tables list for it. A token is then one hash probe instead of a fold and five table
//! lookups: news repeat their words within and across documents.
//!
//! A table belongs to one set of rules ([`EntityRules::id`]); taken for other rules, or when
//! it holds more than [`MAX_ENTRIES`] tokens, it starts over (only between documents, so
//! entry ids stay valid for a whole document). Memory stays flat however long the run.

use std::cell::{Cell, RefCell};

use super::doc::{is_open_quote, is_sentence_end, scan_word, CachedReadings};
use super::rules::{Ending, EntityRules, LocMarker, LocPosition, NotName, OrgRole, PrefixKind};
use super::short_index::{self, HashedKey, ShortIndex, ShortKey};
#[cfg(target_arch = "x86_64")]
use crate::text::block16::Avx2;
use crate::text::tokens::{Token, TokenKind};
use crate::text::Span;

/// How many distinct tokens a table keeps before it starts over.
pub const MAX_ENTRIES: usize = 1 << 16;

/// How many distinct tokens a new table has room for (a few thousand news texts' worth).
const INITIAL_ENTRIES: usize = 1 << 14;

/// What the rule tables list for a folded word (and, for legal forms, the written one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Listed {
    /// `org_heads.tsv`: the role of the word.
    pub org: Option<OrgRole>,
    /// `org_heads.tsv`: a head that starts a name in lower case too.
    pub org_lower: bool,
    pub loc: Option<LocMarker>,
    pub not_name: Option<NotName>,
    /// `legal_forms.tsv`: some legal form starts with the written word.
    pub legal: bool,
}

impl Listed {
    pub fn of(rules: &EntityRules, written: &str, folded: &str) -> Listed {
        rules.listed(written, folded)
    }

    /// The listing in eleven bits (for [`Tok`]): the role (3 bits, 0 for none), the lower
    /// flag, the marker (3 bits), the not-a-name kind (3 bits) and the legal flag.
    fn pack(self) -> u16 {
        let org = match self.org {
            None => 0,
            Some(OrgRole::Head) => 1,
            Some(OrgRole::Descriptor) => 2,
            Some(OrgRole::Both) => 3,
            Some(OrgRole::Link) => 4,
        };
        let loc = match self.loc {
            None => 0,
            Some(LocMarker { position: LocPosition::Before, dotted }) => 1 + u16::from(dotted),
            Some(LocMarker { position: LocPosition::After, dotted }) => 3 + u16::from(dotted),
        };
        let not_name = match self.not_name {
            None => 0,
            Some(NotName::Month) => 1,
            Some(NotName::Weekday) => 2,
            Some(NotName::Function) => 3,
            Some(NotName::Common) => 4,
        };
        org | u16::from(self.org_lower) << 3 | loc << 4 | not_name << 7 | u16::from(self.legal) << 10
    }

    /// [`Listed::pack`] undone.
    #[inline]
    fn unpack(bits: u16) -> Listed {
        let org = match bits & 7 {
            0 => None,
            1 => Some(OrgRole::Head),
            2 => Some(OrgRole::Descriptor),
            3 => Some(OrgRole::Both),
            _ => Some(OrgRole::Link),
        };
        let loc = match bits >> 4 & 7 {
            0 => None,
            code => Some(LocMarker {
                position: if code <= 2 { LocPosition::Before } else { LocPosition::After },
                dotted: code % 2 == 0,
            }),
        };
        let not_name = match bits >> 7 & 7 {
            0 => None,
            1 => Some(NotName::Month),
            2 => Some(NotName::Weekday),
            3 => Some(NotName::Function),
            _ => Some(NotName::Common),
        };
        Listed { org, org_lower: bits & 8 != 0, loc, not_name, legal: bits & 1 << 10 != 0 }
    }
}

/// Every listing survives [`Listed::pack`] and [`Listed::unpack`], and a [`Tok`] keeps its
/// parts apart.
#[cfg(test)]
#[test]
fn listed_packs_and_unpacks_every_listing() {
    let roles = [None, Some(OrgRole::Head), Some(OrgRole::Descriptor), Some(OrgRole::Both), Some(OrgRole::Link)];
    let markers = [LocPosition::Before, LocPosition::After]
        .into_iter()
        .flat_map(|position| [false, true].map(|dotted| Some(LocMarker { position, dotted })))
        .chain([None]);
    let kinds = [None, Some(NotName::Month), Some(NotName::Weekday), Some(NotName::Function), Some(NotName::Common)];
    let mut seen = std::collections::HashSet::new();
    for loc in markers {
        for org in roles {
            for not_name in kinds {
                for (org_lower, legal) in [(false, false), (false, true), (true, false), (true, true)] {
                    let listed = Listed { org, org_lower, loc, not_name, legal };
                    assert_eq!(Listed::unpack(listed.pack()), listed);
                    assert!(listed.pack() < 1 << 11);
                    assert!(seen.insert(listed.pack()));
                    for kind in [TokenKind::Word, TokenKind::Number, TokenKind::Punct] {
                        let tok = Tok::new(u32::MAX, kind, 0x3f, listed);
                        assert_eq!((tok.listed(), tok.word(), tok.kind()), (listed, u32::MAX, kind));
                        assert!(tok.has(0x3f));
                        let mut taken = tok;
                        taken.take();
                        assert!(tok.free_with(0x3f) && !tok.taken());
                        assert!(taken.taken() && !taken.free_with(0x3f) && !taken.free_with(0));
                        assert_eq!((taken.listed(), taken.word(), taken.kind()), (listed, u32::MAX, kind));
                        assert!(taken.has(0x3f) && !tok.free_with(0x7f | Tok::PUNCT));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[test]
fn listed_agrees_with_the_tables() {
    let dirs = crate::dict::DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    let rules = EntityRules::load(&dirs, &mut crate::dict::Diagnostics::default());
    let words = rules.org_words.keys().chain(rules.loc_markers.keys()).chain(rules.not_names.keys());
    for folded in words.map(String::as_str).chain(["", "нечто", "АО"]) {
        let org = rules.org_words.get(folded);
        let want = Listed {
            org: org.map(|w| w.role),
            org_lower: org.is_some_and(|w| w.lower),
            loc: rules.loc_markers.get(folded).copied(),
            not_name: rules.not_names.get(folded).copied(),
            legal: rules.legal_forms.contains_key(folded),
        };
        assert_eq!(Listed::of(&rules, folded, folded), want, "{folded}");
    }
}

/// A token as the rule passes read it most, eight bytes: its entry in the table (the low
/// half), the flags of its written form, kind among them (the next byte), whether a
/// mention took it ([`Tok::taken`], the byte after), and what the rule tables list for it ([`Listed::pack`], the top sixteen bits). Made once per
/// distinct token ([`WordTable::add`]), kept ready in the short index's slot and copied
/// from there for each occurrence; one word, so that copying it is one load and one store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Tok(u64);

impl Tok {
    /// Some rule may start at the token (see `Doc::starts`): a capitalised or all-caps word,
    /// a word the rule tables list, or a quote that may open a name.
    pub const STARTS_RULE: u8 = 1;
    /// Punctuation that ends a sentence (`.`, `!`, `…`).
    pub const ENDS_SENTENCE: u8 = 2;
    /// Punctuation after which a sentence start carries over (`«`, `(`, `—`).
    pub const OPENS_QUOTE: u8 = 4;
    /// Starts with an upper-case letter.
    pub const CAP: u8 = 8;
    /// Two or more letters, all upper case.
    pub const CAPS: u8 = 16;
    /// Has a Latin letter.
    pub const LATIN: u8 = 32;
    /// A word ([`TokenKind::Word`]).
    pub const WORD: u8 = 64;
    /// Punctuation ([`TokenKind::Punct`]); a number has neither kind bit.
    pub const PUNCT: u8 = 128;

    pub fn new(word: u32, kind: TokenKind, flags: u8, listed: Listed) -> Tok {
        let kind = match kind {
            TokenKind::Word => Tok::WORD,
            TokenKind::Punct => Tok::PUNCT,
            TokenKind::Number => 0,
        };
        Tok(u64::from(word) | u64::from(flags | kind) << 32 | u64::from(listed.pack()) << 48)
    }

    /// The token's entry id.
    #[inline]
    pub fn word(self) -> u32 {
        self.0 as u32
    }

    #[inline]
    pub fn kind(self) -> TokenKind {
        if self.has(Tok::WORD) {
            TokenKind::Word
        } else if self.has(Tok::PUNCT) {
            TokenKind::Punct
        } else {
            TokenKind::Number
        }
    }

    /// Whether all of `bits` are set.
    #[inline]
    pub fn has(self, bits: u8) -> bool {
        (self.0 >> 32) as u8 & bits == bits
    }

    /// Covered by a mention, or ignored (widget lines): set by the rules on the document's
    /// tokens, never on a ready-made one. In the byte past the flags, so that the free-word
    /// checks read the token alone.
    const TAKEN: u64 = 1 << 40;

    /// Whether the token is taken ([`Tok::take`]).
    #[inline]
    pub fn taken(self) -> bool {
        self.0 & Tok::TAKEN != 0
    }

    /// Marks the token taken.
    #[inline]
    pub fn take(&mut self) {
        self.0 |= Tok::TAKEN;
    }

    /// Whether all of `bits` are set and the token is not taken: one test.
    #[inline]
    pub fn free_with(self, bits: u8) -> bool {
        let mask = u64::from(bits) << 32 | Tok::TAKEN;
        self.0 & mask == u64::from(bits) << 32
    }

    /// What the rule tables list for the token.
    #[inline]
    pub fn listed(self) -> Listed {
        Listed::unpack((self.0 >> 48) as u16)
    }
}

/// What the rules ask about a written token: the ready-made token and the rest, by entry id.
#[derive(Clone, Copy, Debug)]
pub struct WordInfo {
    pub tok: Tok,
    /// How many letters (`char::is_alphabetic`) a word has, saturating; 0 for other tokens.
    pub letters: u16,
}

/// The rest of a distinct token's entry: its text and the answers filled on first use.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key and hash of a token longer than [`short_index::MAX_LEN`] bytes (unused for
    /// shorter ones: their keys live in the short index).
    key: Key,
    hash: u64,
    /// Written text range in [`WordTable::text`].
    written: (u32, u32),
    /// Folded text range in [`WordTable::text`] (empty for tokens other than words).
    pub folded: (u32, u32),
    /// `EntityRules::ending` and `EntityRules::org_prefix` of the folded word, filled on
    /// first use (0 = not asked yet, 1 = none, 2 + k = the k-th value).
    pub ending: Cell<u8>,
    pub prefix: Cell<u8>,
    /// (document number, index) of the word's lexicon readings in that document's `Doc`:
    /// a document looks a word up once.
    pub lex_in_doc: Cell<(u32, u32)>,
    /// The word's lexicon readings, remembered across documents (see `Doc::new`).
    pub lex_cache: Cell<Option<CachedReadings>>,
    /// (`RoleNouns::id`, whom `RoleNouns::lookup` says the written word names: 0 = not a
    /// role noun, 1 = a person, 2 = an organisation, 3 = a place), remembered across
    /// documents while the role nouns stay.
    pub role: Cell<(u32, u8)>,
    /// What the rules conclude from the word alone and the lexicon, remembered across
    /// documents (see `Doc::remembered_person`).
    pub alone: Cell<Remembered>,
}

/// What the person and organisation rules conclude from a word alone, with the lexicon
/// `cache_id` they read it with (the answers are void under another).
#[derive(Clone, Copy, Debug, Default)]
pub struct Remembered {
    pub lexicon_id: u64,
    /// The person rules' flags of the word, as `persons.rs` computes them from it.
    pub person: Option<u8>,
    /// Which organisation rules may start at the word, as `orgs::CapWordRules` codes it.
    pub org: Option<u8>,
    /// Whether the word alone may be an organisation by its prefix (`orgs::prefix_org_word`).
    pub prefix_org: Option<bool>,
}

/// Entry ids by hash: open addressing with linear probing over a power-of-two table of
/// `(tag << 32) | (id + 1)` slots (0: empty), at most half full. The tag, the hash's high
/// half, rules out nearly every other entry without reading it; the caller confirms a match
/// on the entry's key. Entries are never removed (the whole index is cleared at once).
#[derive(Debug, Default)]
struct IdIndex {
    slots: Vec<u64>,
    /// How many ids the index holds.
    len: usize,
}

impl IdIndex {
    /// The first id whose tag matches `hash` and that `is` accepts, probing until an empty
    /// slot.
    #[inline]
    fn find(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == 0 {
                return None;
            }
            if slot >> 32 == hash >> 32 && is(slot as u32 - 1) {
                return Some(slot as u32 - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `id` (not in the index yet) under `hash`, growing when half full; `hash_of`
    /// gives the hashes of the ids already in.
    fn insert(&mut self, hash: u64, id: u32, hash_of: impl Fn(u32) -> u64) {
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let size = (self.len * 2).next_power_of_two().max(1024);
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            for other in old.into_iter().filter(|&s| s != 0).map(|s| s as u32 - 1) {
                self.put(hash_of(other), other);
            }
        }
        self.put(hash, id);
    }

    /// Sizes an empty index for `count` ids without growing.
    fn make_room(&mut self, count: usize) {
        let size = (count * 2).next_power_of_two().max(1024);
        if self.slots.len() < size {
            self.slots = vec![0; size];
        }
    }

    fn put(&mut self, hash: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (hash & 0xffff_ffff_0000_0000) | u64::from(id + 1);
    }

    fn clear(&mut self) {
        self.slots.fill(0);
        self.len = 0;
    }
}

/// Distinct tokens and their entries, for one set of rules.
#[derive(Debug, Default)]
pub struct WordTable {
    owner: u64,
    /// Counts the documents the table was taken for (never 0 once taken).
    doc: u32,
    /// The ready-made tokens of tokens up to [`short_index::MAX_LEN`] bytes, by written
    /// token.
    short: ShortIndex<Tok>,
    /// Entry ids of longer tokens, by written token.
    index: IdIndex,
    /// Written tokens and folded words, concatenated.
    text: String,
    /// The hot and the cold part of each entry, by id.
    infos: Vec<WordInfo>,
    entries: Vec<Entry>,
    /// What the rules list for the empty word.
    nothing_listed: Listed,
    /// How [`WordTable::intern_all`] looks the short tokens up.
    way: Way,
    /// The short keys of a text's tokens ([`prepare`]'s), kept for their room (past the
    /// text's tokens, those of an earlier text).
    keys: Vec<HashedKey>,
}

thread_local! {
    static TABLE: RefCell<WordTable> = RefCell::default();
}

/// A token's length, its first and last eight bytes and, past [`SHORT`] bytes, the eight
/// after the first eight and before the last eight (zero-padded when shorter). Up to
/// [`COVERED`] bytes these cover the whole token, so equal keys mean equal tokens without
/// reading the table's text: nearly all tokens are that short (a Russian word of sixteen
/// letters is 32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    len: usize,
    head: u64,
    tail: u64,
    /// Bytes 8..16 and n-16..n-8 (0 up to [`SHORT`] bytes).
    inner: (u64, u64),
}

/// Tokens up to this many bytes have a [`Key`] of two words' worth.
const SHORT: usize = 16;

/// Tokens up to this many bytes are told apart by their [`Key`] alone.
const COVERED: usize = 32;

fn load8(b: &[u8]) -> u64 {
    b.get(..8).and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes)
}

fn load4(b: &[u8]) -> u64 {
    b.get(..4).and_then(|b| b.try_into().ok()).map_or(0, |b| u64::from(u32::from_le_bytes(b)))
}

/// Whether two tokens with equal [`Key`]s (same length, first and last eight bytes) are
/// equal: their middles compared eight bytes at a time, inline (a `memcmp` call costs more
/// for these short strings).
fn same_middle(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 8;
    // Chunks start before the last eight bytes, so each has eight bytes to read.
    while i + 8 < a.len() {
        if load8(&a[i..]) != load8(&b[i..]) {
            return false;
        }
        i += 8;
    }
    true
}

impl Key {
    /// `self == other`, the inner words compared only past [`SHORT`] bytes (up to it they
    /// are 0 in both keys of one length): one comparison fewer per token looked up.
    #[inline]
    fn same(&self, other: &Key) -> bool {
        self.len == other.len
            && self.head == other.head
            && self.tail == other.tail
            && (self.len <= SHORT || self.inner == other.inner)
    }

    fn of(b: &[u8]) -> Key {
        let n = b.len();
        let (head, tail) = match n {
            0 => (0, 0),
            // Bytes 0, n/2 and n-1: all of them.
            1..=3 => (u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16, 0),
            // Bytes 0..4 and n-4..n overlap: all of them.
            4..=7 => (load4(b) | load4(&b[n - 4..]) << 32, 0),
            _ => (load8(b), load8(&b[n - 8..])),
        };
        // Past 16 bytes: 0..16 and n-16..n overlap up to 32 bytes, so all of them.
        let inner = if n > SHORT { (load8(&b[8..]), load8(&b[n - 16..])) } else { (0, 0) };
        Key { len: n, head, tail, inner }
    }
}

/// The multiply-fold mixer of wyhash and foldhash: every input bit reaches every output bit.
fn mix(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// The hash of a token: its [`Key`] mixed (a longer token shares its hash with those that
/// differ from it only past the key, and the text comparison tells them apart).
#[inline]
fn hash_token(kind: TokenKind, key: Key) -> u64 {
    let mut extra = (key.len as u64) << 8 | kind as u64;
    if key.len > SHORT {
        extra ^= mix(key.inner.0 ^ 0xa409_3822_299f_31d0, key.inner.1 ^ 0x082e_fa98_ec4e_6c89);
    }
    mix(key.head ^ 0x243f_6a88_85a3_08d3, key.tail ^ extra ^ 0x1319_8a2e_0370_7344)
}

impl WordTable {
    /// This thread's table, ready for `rules` (see the module comment); hand it back with
    /// [`WordTable::give_back`].
    pub fn take(rules: &EntityRules) -> WordTable {
        let mut table = TABLE.take();
        if table.owner != rules.id() || table.entries.len() > MAX_ENTRIES {
            table.index.clear();
            table.short.clear();
            table.text.clear();
            table.infos.clear();
            table.entries.clear();
            table.owner = rules.id();
            table.nothing_listed = Listed::of(rules, "", "");
            // Room for a typical thread's words from the start: regrowing copies every entry.
            table.index.make_room(INITIAL_ENTRIES);
            table.infos.reserve(INITIAL_ENTRIES);
            table.entries.reserve(INITIAL_ENTRIES);
            table.text.reserve(INITIAL_ENTRIES * 24);
        }
        table.doc = table.doc.wrapping_add(1).max(1);
        table.way = Way::detect();
        table
    }

    /// What the table's rules list for the empty word.
    pub fn nothing_listed(&self) -> Listed {
        self.nothing_listed
    }

    /// The number of the document the table was last taken for.
    pub fn doc(&self) -> u32 {
        self.doc
    }

    /// Keeps the table for the next document of this thread.
    pub fn give_back(self) {
        // At thread exit the table is simply dropped.
        let _ = TABLE.try_with(|t| t.replace(self));
    }

    /// The entry id of the token of `text` at `span`, added if new, one token at a time:
    /// what [`WordTable::intern_all`] gives each token. Works on the bytes (a token's span
    /// lies on character boundaries; only a new token needs its `str`).
    #[cfg(test)]
    pub fn intern(&mut self, kind: TokenKind, text: &str, span: Span, rules: &EntityRules) -> u32 {
        let n = span.end - span.start;
        if let Some(key) = ShortKey::of(text.as_bytes(), span.start, n, kind) {
            return match self.short.find(&key) {
                Some(tok) => tok.word(),
                None => self.add_short(key, kind, text, span, rules).word(),
            };
        }
        self.intern_long(kind, text, span, rules)
    }

    /// The ready-made token of each of `tokens` (of `text`), in order, in `toks` (the
    /// token's entry added if new). Also picks out the rule starts and the tokens after
    /// a line break, as [`pick_positions`] (`breaks` is emptied first); returns the number
    /// of rule starts.
    ///
    /// A token up to [`short_index::MAX_LEN`] bytes (nearly every one) is a masked read
    /// and a hash, all the text's first ([`prepare`], which fetches their slots), then a
    /// slot, in a loop that changes nothing but the outputs (so its table and counters stay
    /// in registers); the loop leaves for any other token ([`WordTable::other_token`]) and
    /// comes back.
    pub fn intern_all(
        &mut self,
        text: &str,
        tokens: &[Token],
        rules: &EntityRules,
        toks: &mut Vec<Tok>,
        starts: &mut [u32],
        breaks: &mut Vec<u32>,
    ) -> usize {
        // Every slot is written below: only added ones are cleared first.
        toks.resize(tokens.len(), Tok::default());
        let tail = Tail::of(text.as_bytes());
        let run = Run { bytes: text.as_bytes(), tail: &tail, tokens };
        match self.way {
            Way::Plain => self.intern_all_with(Plain, run, text, rules, toks),
            #[cfg(target_arch = "x86_64")]
            Way::Avx2(avx2) => self.intern_all_with(avx2, run, text, rules, toks),
        }
        breaks.clear();
        self.way.pick_positions(toks, tokens, starts, breaks)
    }

    /// [`WordTable::intern_all`]'s tokens, the short ones found `way` (in runs), the others
    /// one at a time.
    fn intern_all_with<W: FindShort>(&mut self, way: W, run: Run, text: &str, rules: &EntityRules, toks: &mut [Tok]) {
        let mut keys = std::mem::take(&mut self.keys);
        way.prepare(&self.short, run, &mut keys);
        let mut index = 0;
        while index < run.tokens.len() {
            index = way.found_run(&self.short, &keys, index, toks);
            if let (Some(t), Some(out)) = (run.tokens.get(index), toks.get_mut(index)) {
                *out = self.other_token(text, t, rules);
                index += 1;
            }
        }
        self.keys = keys;
    }

    /// The ready-made token of a token [`WordTable::intern_all`]'s loop does not find: a
    /// long one, or a new short one. The loop looked every short token up (those near the
    /// end of the text in the padded tail), so a short one goes straight to
    /// [`WordTable::add_short`], without a second lookup.
    #[inline(never)]
    fn other_token(&mut self, text: &str, t: &Token, rules: &EntityRules) -> Tok {
        match ShortKey::of(text.as_bytes(), t.span.start, t.span.end - t.span.start, t.kind) {
            Some(key) => self.add_short(key, t.kind, text, t.span, rules),
            None => {
                let id = self.intern_long(t.kind, text, t.span, rules);
                self.info(id).tok
            }
        }
    }

    /// Adds a short token the index did not find; returns its ready-made token.
    #[cold]
    #[inline(never)]
    fn add_short(&mut self, key: ShortKey, kind: TokenKind, text: &str, span: Span, rules: &EntityRules) -> Tok {
        let id = self.add(kind, span.slice(text), Key::of(&[]), 0, rules);
        let tok = self.info(id).tok;
        self.short.insert(key, tok);
        tok
    }

    /// The entry id of the token of `text` at `span`, longer than [`short_index::MAX_LEN`]
    /// bytes, added if new.
    #[inline(never)]
    fn intern_long(&mut self, kind: TokenKind, text: &str, span: Span, rules: &EntityRules) -> u32 {
        let written = &text.as_bytes()[span.start..span.end];
        let key = Key::of(written);
        let hash = hash_token(kind, key);
        let (table_text, infos, entries) = (self.text.as_bytes(), &self.infos, &self.entries);
        let found = self.index.find(hash, |id| {
            let e = &entries[id as usize];
            e.key.same(&key)
                && infos[id as usize].tok.kind() == kind
                && (key.len <= COVERED
                    || table_text
                        .get(e.written.0 as usize..e.written.1 as usize)
                        .is_some_and(|t| same_middle(t, written)))
        });
        match found {
            Some(id) => id,
            None => {
                let id = self.add(kind, span.slice(text), key, hash, rules);
                let entries = &self.entries;
                self.index.insert(hash, id, |id| entries[id as usize].hash);
                id
            }
        }
    }

    /// Adds a token the table does not hold (out of line: most tokens are found);
    /// the caller puts it in its index.
    #[cold]
    #[inline(never)]
    fn add(&mut self, kind: TokenKind, written: &str, key: Key, hash: u64, rules: &EntityRules) -> u32 {
        let id = self.entries.len() as u32;
        let key_start = self.text.len() as u32;
        self.text.push_str(written);
        let fs = self.text.len() as u32;
        let (mut cap, mut caps, mut latin, mut letters) = (false, false, false, 0u16);
        if kind == TokenKind::Word {
            let scan = scan_word(written, &mut self.text);
            (cap, letters, latin) = (scan.cap, scan.letters, scan.latin);
            caps = letters >= 2 && !scan.lower;
        }
        let fe = self.text.len() as u32;
        let listed = Listed::of(rules, written, &self.text[fs as usize..fe as usize]);
        let punct = kind == TokenKind::Punct;
        let open_quote = punct && matches!(written, "«" | "\"" | "“" | "„");
        let starts_rule = cap || caps || listed.legal || listed.org.is_some() || listed.loc.is_some() || open_quote;
        let ends_sentence = punct && is_sentence_end(written.as_bytes());
        let opens_quote = punct && is_open_quote(written.as_bytes());
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let flags = flag(starts_rule, Tok::STARTS_RULE)
            | flag(ends_sentence, Tok::ENDS_SENTENCE)
            | flag(opens_quote, Tok::OPENS_QUOTE)
            | flag(cap, Tok::CAP)
            | flag(caps, Tok::CAPS)
            | flag(latin, Tok::LATIN);
        self.infos.push(WordInfo { tok: Tok::new(id, kind, flags, listed), letters });
        self.entries.push(Entry {
            key,
            hash,
            written: (key_start, fs),
            folded: (fs, fe),
            ending: Cell::new(0),
            prefix: Cell::new(0),
            lex_in_doc: Cell::new((0, 0)),
            lex_cache: Cell::new(None),
            role: Cell::new((0, 0)),
            alone: Cell::new(Remembered::default()),
        });
        id
    }

    /// What the rules ask about an entry's token.
    #[inline]
    pub fn info(&self, id: u32) -> &WordInfo {
        &self.infos[id as usize]
    }

    #[inline]
    pub fn entry(&self, id: u32) -> &Entry {
        &self.entries[id as usize]
    }

    /// Fetches the cache line of entry `id` that says whether the document has looked the
    /// word up yet ([`Entry::lex_in_doc`]), for a lookup a few words later: on a large
    /// corpus the entries outgrow the L2 cache.
    #[inline(always)]
    pub fn prefetch_lex_in_doc(&self, id: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = self.entries.get(id as usize) {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: a prefetch is a hint that never faults.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((&e.lex_in_doc as *const Cell<(u32, u32)>).cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = id;
    }

    /// The folded word of an entry.
    #[inline]
    pub fn folded(&self, id: u32) -> &str {
        let (s, e) = self.entries[id as usize].folded;
        &self.text[s as usize..e as usize]
    }
}

/// The last [`short_index::MAX_LEN`] bytes of a text (all of them if fewer), zero-padded
/// to twice that, and where they start in the text: every token starting there has
/// [`short_index::MAX_LEN`] bytes to read in the copy, so the tokens near the end of the
/// text stay on [`prepare`]'s path (the masks drop the padding).
struct Tail {
    bytes: [u8; 2 * short_index::MAX_LEN],
    start: usize,
}

impl Tail {
    fn of(text: &[u8]) -> Tail {
        let start = text.len().saturating_sub(short_index::MAX_LEN);
        let mut bytes = [0; 2 * short_index::MAX_LEN];
        let rest = text.get(start..).unwrap_or(&[]);
        if let Some(copy) = bytes.get_mut(..rest.len()) {
            copy.copy_from_slice(rest);
        }
        Tail { bytes, start }
    }
}

/// A token's bytes as [`prepare`] reads them: from its start, past its end.
type Read = [u8; short_index::MAX_LEN];

/// What [`prepare`] reads besides the short index: the text's `bytes`, the copy of its
/// [`Tail`], and its tokens.
#[derive(Clone, Copy)]
struct Run<'a> {
    bytes: &'a [u8],
    tail: &'a Tail,
    tokens: &'a [Token],
}

impl<'a> Run<'a> {
    /// [`short_index::MAX_LEN`] bytes from the start of `t`: from the text, or from the
    /// tail's copy for a token near the end of the text.
    #[inline(always)]
    fn read(self, t: &Token) -> Option<&'a Read> {
        match self.bytes.get(t.span.start..).and_then(<[u8]>::first_chunk) {
            Some(read) => Some(read),
            None => self.tail.bytes.get(t.span.start.wrapping_sub(self.tail.start)..)?.first_chunk(),
        }
    }
}

/// How [`WordTable::intern_all`] looks a token up in the short index: by
/// [`HashedKey::masked`] and [`ShortIndex::find_hashed`] on every target, in AVX2
/// registers where the processor has them. A token's key is made once, by [`prepare`],
/// and serves both the prefetch of its slot and the lookup.
trait FindShort: Copy {
    /// The key of `t`, whose bytes `read` starts with, if `t` is short.
    fn key(self, read: &Read, t: &Token) -> Option<HashedKey>;
    fn find(self, short: &ShortIndex<Tok>, key: &HashedKey) -> Option<Tok>;
    /// [`prepare`] this way (out of line, compiled for the way's instructions).
    fn prepare(self, short: &ShortIndex<Tok>, run: Run, keys: &mut Vec<HashedKey>);
    /// [`found_run`] this way (out of line, as above).
    fn found_run(self, short: &ShortIndex<Tok>, keys: &[HashedKey], index: usize, toks: &mut [Tok]) -> usize;
}

/// The lookup of every target.
#[derive(Clone, Copy, Debug)]
struct Plain;

impl FindShort for Plain {
    #[inline(always)]
    fn key(self, read: &Read, t: &Token) -> Option<HashedKey> {
        HashedKey::masked(read, t.span.end - t.span.start, t.kind)
    }

    #[inline(always)]
    fn find(self, short: &ShortIndex<Tok>, key: &HashedKey) -> Option<Tok> {
        short.find_hashed(key)
    }

    #[inline(never)]
    fn prepare(self, short: &ShortIndex<Tok>, run: Run, keys: &mut Vec<HashedKey>) {
        prepare(self, short, run, keys);
    }

    #[inline(never)]
    fn found_run(self, short: &ShortIndex<Tok>, keys: &[HashedKey], index: usize, toks: &mut [Tok]) -> usize {
        found_run(self, short, keys, index, toks)
    }
}

#[cfg(target_arch = "x86_64")]
impl FindShort for Avx2 {
    #[inline(always)]
    fn key(self, read: &Read, t: &Token) -> Option<HashedKey> {
        // SAFETY: an `Avx2` exists only when the processor has AVX2.
        unsafe { HashedKey::masked_avx2(self, read, t.span.end - t.span.start, t.kind) }
    }

    #[inline(always)]
    fn find(self, short: &ShortIndex<Tok>, key: &HashedKey) -> Option<Tok> {
        // SAFETY: as above.
        unsafe { short.find_avx2(self, key) }
    }

    #[inline]
    fn prepare(self, short: &ShortIndex<Tok>, run: Run, keys: &mut Vec<HashedKey>) {
        // SAFETY: as above.
        unsafe { prepare_avx2(self, short, run, keys) }
    }

    #[inline]
    fn found_run(self, short: &ShortIndex<Tok>, keys: &[HashedKey], index: usize, toks: &mut [Tok]) -> usize {
        // SAFETY: as above.
        unsafe { found_run_avx2(self, short, keys, index, toks) }
    }
}

/// How the table looks its short tokens up: [`Way::detect`]ed when it is taken.
#[derive(Clone, Copy, Debug, Default)]
enum Way {
    #[default]
    Plain,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
}

impl Way {
    fn detect() -> Way {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            return Way::Avx2(avx2);
        }
        Way::Plain
    }

    /// [`pick_positions`] this way.
    #[inline]
    fn pick_positions(self, toks: &[Tok], tokens: &[Token], starts: &mut [u32], breaks: &mut Vec<u32>) -> usize {
        match self {
            Way::Plain => pick_positions(toks, tokens, starts, breaks, 0, 0),
            // SAFETY: an `Avx2` exists only when the processor has AVX2.
            #[cfg(target_arch = "x86_64")]
            Way::Avx2(avx2) => unsafe { pick_positions_avx2(avx2, toks, tokens, starts, breaks) },
        }
    }
}

/// [`prepare`] compiled for AVX2, with its keys.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn prepare_avx2(avx2: Avx2, short: &ShortIndex<Tok>, run: Run, keys: &mut Vec<HashedKey>) {
    prepare(avx2, short, run, keys);
}

/// [`found_run`] compiled for AVX2, with its lookup.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn found_run_avx2(avx2: Avx2, short: &ShortIndex<Tok>, keys: &[HashedKey], index: usize, toks: &mut [Tok]) -> usize {
    found_run(avx2, short, keys, index, toks)
}

/// The short key of each of the run's tokens ([`HashedKey::UNFINDABLE`] for a longer
/// one), at the start of `keys` (which may hold more, left from a longer text), each
/// token's slot fetched as its key is made: by the time [`found_run`] looks the first
/// token up, memory has had the whole text's keys' time to answer. Making the keys apart
/// from the lookups makes each key once (a prefetch some tokens ahead of the lookup made
/// it twice) in a loop with few values to keep in registers.
#[inline(always)]
fn prepare<W: FindShort>(way: W, short: &ShortIndex<Tok>, run: Run, keys: &mut Vec<HashedKey>) {
    // Every key up to the run's length is written below: the list only grows.
    if keys.len() < run.tokens.len() {
        keys.resize(run.tokens.len(), HashedKey::UNFINDABLE);
    }
    for (key, t) in keys.iter_mut().zip(run.tokens) {
        *key = run.read(t).and_then(|read| way.key(read, t)).unwrap_or(HashedKey::UNFINDABLE);
        short.prefetch_hash(key.hash());
    }
}

/// [`WordTable::intern_all`]'s loop from token `index` on, as long as each token is short
/// and found in the short index by its key in `keys` ([`prepare`]'s; `toks` has one slot
/// per token, and ends the run). Writes the tokens' ready-made tokens in `toks` and
/// returns the index of the first token it leaves.
/// Inlined into entry points that call nothing and write only `toks`, so that the table
/// stays in registers.
#[inline(always)]
fn found_run<W: FindShort>(
    way: W,
    short: &ShortIndex<Tok>,
    keys: &[HashedKey],
    mut index: usize,
    toks: &mut [Tok],
) -> usize {
    let (Some(keys), Some(toks)) = (keys.get(index..), toks.get_mut(index..)) else { return index };
    for (key, out) in keys.iter().zip(toks) {
        let Some(tok) = way.find(short, key) else { break };
        *out = tok;
        index += 1;
    }
    index
}

/// Writes the index of each of `toks` that says [`Tok::STARTS_RULE`] at `starts[count]`,
/// `count` moving on only past such a token: no branch on it (one token in five or so, not
/// predictable); `starts` needs room for every token and one more. Appends each of
/// `tokens` after a line break to `breaks` (one token in dozens: a branch that rarely
/// misses). Returns `count`. Starts at token `from` with `count` starts picked before it.
#[inline(never)]
fn pick_positions(
    toks: &[Tok],
    tokens: &[Token],
    starts: &mut [u32],
    breaks: &mut Vec<u32>,
    from: usize,
    mut count: usize,
) -> usize {
    let (Some(toks), Some(tokens)) = (toks.get(from..), tokens.get(from..)) else { return count };
    for (index, (tok, t)) in toks.iter().zip(tokens).enumerate() {
        let index = from + index;
        if let Some(slot) = starts.get_mut(count) {
            *slot = index as u32;
        }
        count += usize::from(tok.has(Tok::STARTS_RULE));
        if t.after_newline {
            breaks.push(index as u32);
        }
    }
    count
}

/// For each set of four tokens' [`Tok::STARTS_RULE`] bits (bit `k` for token `k`): the
/// positions of the set bits, in order (padded with zeros), and how many there are.
const PICKS: [([u32; 4], usize); 16] = picks();

const fn picks() -> [([u32; 4], usize); 16] {
    let mut out = [([0; 4], 0); 16];
    let mut bits = 0;
    while bits < 16 {
        let mut k = 0;
        while k < 4 {
            if bits >> k & 1 == 1 {
                out[bits].0[out[bits].1] = k as u32;
                out[bits].1 += 1;
            }
            k += 1;
        }
        bits += 1;
    }
    out
}

/// [`pick_positions`] four tokens at a time: their start bits in one mask (one load, a
/// shift and a `movemask`), their indexes written together from [`PICKS`] (the ones past
/// the picks are overwritten by the next, or lie past the count), and the four line-break
/// flags tested together. The last tokens go one by one.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
fn pick_positions_avx2(_: Avx2, toks: &[Tok], tokens: &[Token], starts: &mut [u32], breaks: &mut Vec<u32>) -> usize {
    use std::arch::x86_64::{
        _mm256_castsi256_pd, _mm256_loadu_si256, _mm256_movemask_pd, _mm256_slli_epi64, _mm_add_epi32, _mm_loadu_si128,
        _mm_set1_epi32, _mm_storeu_si128,
    };
    let mut count = 0;
    let mut index = 0;
    for (four, four_tokens) in toks.chunks_exact(4).zip(tokens.chunks_exact(4)) {
        // SAFETY: reads the 32 bytes of `four`, four `Tok`s of one `u64` each.
        let words = unsafe { _mm256_loadu_si256(four.as_ptr().cast()) };
        // `STARTS_RULE` (bit 32) to bit 63, the one `movemask` reads.
        let bits = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_slli_epi64::<31>(words))) as usize;
        let (picks, picked) = PICKS[bits & 15];
        // `count` is at most `index`: room for four while four tokens are left.
        if let Some(out) = starts.get_mut(count..count + 4) {
            // SAFETY: reads the 16 bytes of `picks`, writes the 16 bytes of `out`.
            unsafe {
                let indexes = _mm_add_epi32(_mm_loadu_si128(picks.as_ptr().cast()), _mm_set1_epi32(index as i32));
                _mm_storeu_si128(out.as_mut_ptr().cast(), indexes);
            }
        }
        count += picked;
        if four_tokens.iter().fold(false, |any, t| any | t.after_newline) {
            for (k, t) in four_tokens.iter().enumerate() {
                if t.after_newline {
                    breaks.push((index + k) as u32);
                }
            }
        }
        index += 4;
    }
    pick_positions(toks, tokens, starts, breaks, index, count)
}

/// A cached answer: 0 = not computed, 1 = none, 2 + k = `options[k]`.
pub fn cached<T: Copy + PartialEq>(slot: &Cell<u8>, options: &[T], compute: impl FnOnce() -> Option<T>) -> Option<T> {
    match slot.get() {
        0 => {
            let value = compute();
            let code = value.and_then(|v| options.iter().position(|o| *o == v)).map_or(1, |k| k as u8 + 2);
            slot.set(code);
            value
        }
        1 => None,
        code => options.get(usize::from(code - 2)).copied(),
    }
}

/// Every `Ending` and `PrefixKind`, for [`cached`].
pub const ENDINGS: [Ending; 6] =
    [Ending::Surname, Ending::SurnameAdj, Ending::Patronymic, Ending::Adjective, Ending::Verb, Ending::Noun];
pub const PREFIXES: [PrefixKind; 2] = [PrefixKind::Org, PrefixKind::Not];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_middle_compares_past_the_key() {
        let a = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for n in 0..=a.len() {
            assert!(same_middle(&a[..n], &a[..n]));
            for k in 8..n.saturating_sub(8) {
                let mut b = a[..n].to_vec();
                b[k] ^= 1;
                assert!(!same_middle(&a[..n], &b), "{n} {k}");
            }
        }
        assert!(!same_middle(b"abcdefgh12345678", b"abcdefgh1234567"));
    }

    proptest::proptest! {
        /// Up to `COVERED` bytes a key is the whole token: equal keys, equal bytes (so
        /// `intern` compares no text for them).
        #[test]
        fn keys_tell_tokens_apart_up_to_covered_bytes(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..=COVERED),
            flips in proptest::collection::vec(0usize..COVERED, 0..3),
        ) {
            let mut b = a.clone();
            for f in flips {
                if let Some(x) = b.get_mut(f) {
                    *x ^= 1;
                }
            }
            proptest::prop_assert_eq!(Key::of(&a) == Key::of(&b), a == b);
            proptest::prop_assert_eq!(Key::of(&a).same(&Key::of(&b)), a == b);
            if let Some((_, shorter)) = a.split_last() {
                proptest::prop_assert_ne!(Key::of(&a), Key::of(shorter));
            }
        }
    }

    #[test]
    fn keys_see_every_byte_up_to_covered_bytes() {
        let a: Vec<u8> = (1..=COVERED as u8).collect();
        for n in 0..=COVERED {
            for k in 0..n {
                let mut b = a[..n].to_vec();
                b[k] ^= 0x80;
                assert_ne!(Key::of(&a[..n]), Key::of(&b), "{n} {k}");
            }
        }
    }

    #[test]
    fn id_index_finds_every_id_through_collisions_and_growth() {
        let mut index = IdIndex::default();
        assert_eq!(index.find(7, |_| true), None, "an empty index finds nothing");
        // Many ids under few distinct low bits and tags: long probe runs, several growths.
        let hash_of = |id: u32| u64::from(id % 5) << 32 | u64::from(id % 3);
        for id in 0..3000u32 {
            index.insert(hash_of(id), id, hash_of);
        }
        for id in 0..3000u32 {
            assert_eq!(index.find(hash_of(id), |other| other == id), Some(id));
        }
        assert_eq!(index.find(hash_of(1), |_| false), None);
        index.clear();
        assert_eq!(index.find(hash_of(1), |_| true), None);
    }

    proptest::proptest! {
        /// `intern_all` (masked reads, the short index, tokens near the end of the text),
        /// each [`Way`] of it, gives each token the entry `intern` gives it, one token at a
        /// time, and picks out the rule starts and the tokens after a line break. The two
        /// ways run in turn on one table, so that the second finds every token the first
        /// added.
        #[test]
        fn intern_all_agrees_with_intern(
            text in "[ \nа-яА-ЯёЁa-z0-9.,«»—\\-]{0,80}|((Межрегиональный|аэрокосмической|[а-я]{1,20}|[.,«»])[ \n]){0,40}",
            avx2_first in proptest::prelude::any::<bool>(),
        ) {
            static RULES: std::sync::OnceLock<EntityRules> = std::sync::OnceLock::new();
            let rules = RULES.get_or_init(|| {
                let dirs = crate::dict::DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
                EntityRules::load(&dirs, &mut crate::dict::Diagnostics::default())
            });
            let tokens = crate::text::tokens::tokenize(&text);
            let mut table = WordTable::take(rules);
            let ways = if avx2_first { [Way::detect(), Way::Plain] } else { [Way::Plain, Way::detect()] };
            for way in ways {
                table.way = way;
                let (mut starts, mut toks) = (vec![0; tokens.len() + 1], vec![Tok::default(); 3]);
                let mut breaks = vec![7; 2];
                let count = table.intern_all(&text, &tokens, rules, &mut toks, &mut starts, &mut breaks);
                proptest::prop_assert_eq!(toks.len(), tokens.len());
                let (mut want_starts, mut want_breaks) = (Vec::new(), Vec::new());
                for (index, (tok, t)) in toks.iter().zip(&tokens).enumerate() {
                    if t.after_newline {
                        want_breaks.push(index as u32);
                    }
                    let id = tok.word();
                    proptest::prop_assert_eq!(id, table.intern(t.kind, &text, t.span, rules));
                    proptest::prop_assert_eq!(*tok, table.info(id).tok);
                    proptest::prop_assert_eq!(tok.kind(), t.kind);
                    let (ws, we) = table.entries[id as usize].written;
                    proptest::prop_assert_eq!(&table.text[ws as usize..we as usize], t.span.slice(&text));
                    if tok.has(Tok::STARTS_RULE) {
                        want_starts.push(index as u32);
                    }
                }
                proptest::prop_assert_eq!(&starts[..count], &want_starts[..]);
                proptest::prop_assert_eq!(&breaks[..], &want_breaks[..]);
            }
            table.give_back();
        }
    }

    proptest::proptest! {
        /// [`pick_positions_avx2`] picks what [`pick_positions`] picks, four tokens at a time.
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn avx2_picks_agree_with_the_plain_ones(
            flags in proptest::collection::vec((0u8..=255, proptest::prelude::any::<bool>()), 0..40),
        ) {
            let Some(avx2) = Avx2::detect() else { return Ok(()) };
            let toks: Vec<Tok> = flags.iter().map(|&(f, _)| Tok::new(7, TokenKind::Word, f, Listed::default())).collect();
            let tokens: Vec<Token> = flags
                .iter()
                .map(|&(_, after_newline)| Token { span: Span::new(0, 1), kind: TokenKind::Word, after_newline, after_space: true })
                .collect();
            let (mut starts, mut breaks) = (vec![0; toks.len() + 1], Vec::new());
            let count = pick_positions(&toks, &tokens, &mut starts, &mut breaks, 0, 0);
            let (mut fast_starts, mut fast_breaks) = (vec![0; toks.len() + 1], Vec::new());
            // SAFETY: `avx2` proves the processor has AVX2.
            let fast_count = unsafe { pick_positions_avx2(avx2, &toks, &tokens, &mut fast_starts, &mut fast_breaks) };
            proptest::prop_assert_eq!(fast_count, count);
            proptest::prop_assert_eq!(&fast_starts[..count], &starts[..count]);
            proptest::prop_assert_eq!(fast_breaks, breaks);
        }
    }

    #[test]
    fn word_table_interns_by_kind_and_whole_text() {
        let dirs = crate::dict::DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let rules = EntityRules::load(&dirs, &mut crate::dict::Diagnostics::default());
        let mut table = WordTable::take(&rules);
        // Same length, head and tail past 16 bytes but another middle; ё, emoji, Latin, the
        // empty token, and lengths around 8 and 16 bytes.
        let words = [
            "Межрегиональный",
            "aaaaaaaaXbbbbbbbbcccccccc",
            "aaaaaaaaYbbbbbbbbcccccccc",
            "Ёлка",
            "ёлка",
            "🙂",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            // Past the short index's 32 bytes: same length, head and tail, another middle.
            "Межрегиональная-Межрегиональный",
            "Межрегиональный-Межрегиональный",
            "",
            ".",
        ];
        let text = words.join(" ");
        let mut ids = Vec::new();
        let mut start = 0;
        for w in words {
            let span = Span::new(start, start + w.len());
            ids.push(table.intern(TokenKind::Word, &text, span, &rules));
            // Again, as a repeated token, and as another kind.
            assert_eq!(table.intern(TokenKind::Word, &text, span, &rules), *ids.last().unwrap());
            assert_ne!(table.intern(TokenKind::Punct, &text, span, &rules), *ids.last().unwrap());
            start += w.len() + 1;
        }
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), words.len(), "{ids:?}");
        let p = table.info(ids[3]).tok;
        assert!(p.has(Tok::CAP | Tok::STARTS_RULE) && !p.has(Tok::LATIN));
        assert_eq!(table.folded(ids[3]), "елка");
        assert_eq!(table.folded(ids[4]), "елка");
        assert_eq!(table.info(ids[0]).letters, 15);
        table.give_back();
    }
}
