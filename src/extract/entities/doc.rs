//! One document as the entity rules see it: tokens with their folded text, capitalisation,
//! sentence starts, lexicon readings, and which tokens a mention already covers.

use std::cell::Cell;
use std::ops::Range;

use super::names::{NameForm, NameGender, NameKind, NameLookup};
use super::rules::{Ending, EntityRules, NotName, PrefixKind};
use super::words::{self, Listed, Remembered, Tok, WordTable};
use crate::dict::roles::RoleNouns;
use crate::model::EntityType;
use crate::text::chars::{is_letter, is_lower, is_upper};
use crate::text::tokens::{Token, TokenKind};
use crate::text::{fold_char, Folded, Span};

/// What the name lexicon says about one word.
#[derive(Clone, Copy, Debug, Default)]
pub struct LexInfo<'l> {
    pub first: Option<NameForm<'l>>,
    pub surname: Option<NameForm<'l>>,
    pub patronymic: Option<NameForm<'l>>,
    pub toponym: Option<NameForm<'l>>,
}

/// A reading as a thread remembers it across documents: the lemma by its number.
#[derive(Clone, Copy, Debug)]
pub struct CachedForm {
    lemma_id: u32,
    kind: NameKind,
    gender: NameGender,
    nominative: bool,
    common_word: bool,
}

/// [`LexInfo`] as a thread remembers it across documents (first, surname, patronymic,
/// toponym), with the [`NameLookup::cache_id`] it was read from.
pub type CachedReadings = (u64, [Option<CachedForm>; 4]);

impl<'l> LexInfo<'l> {
    fn to_cache(self, cache_id: u64) -> CachedReadings {
        let keep = |f: Option<NameForm>| {
            f.map(|f| CachedForm {
                lemma_id: f.lemma_id,
                kind: f.kind,
                gender: f.gender,
                nominative: f.nominative,
                common_word: f.common_word,
            })
        };
        (cache_id, [keep(self.first), keep(self.surname), keep(self.patronymic), keep(self.toponym)])
    }

    fn from_cache<L: NameLookup + ?Sized>(cached: &CachedReadings, lexicon: &'l L) -> LexInfo<'l> {
        let form = |c: Option<CachedForm>| {
            c.map(|c| NameForm {
                lemma: lexicon.lemma_text(c.lemma_id),
                lemma_id: c.lemma_id,
                kind: c.kind,
                gender: c.gender,
                nominative: c.nominative,
                common_word: c.common_word,
            })
        };
        let [first, surname, patronymic, toponym] = cached.1;
        LexInfo { first: form(first), surname: form(surname), patronymic: form(patronymic), toponym: form(toponym) }
    }
}

impl LexInfo<'_> {
    /// Whether there is no reading at all.
    fn is_empty(&self) -> bool {
        self.first.is_none() && self.surname.is_none() && self.patronymic.is_none() && self.toponym.is_none()
    }

    /// Whether some reading is also an ordinary word.
    pub fn common(&self) -> bool {
        [self.first, self.surname, self.patronymic, self.toponym].iter().flatten().any(|f| f.common_word)
    }
}

/// How many rule starts ahead `Doc::new` fetches a word's entry (see
/// [`WordTable::prefetch_lex_in_doc`]).
const LEX_PREFETCH_AHEAD: usize = 8;

/// The tokens as the rules see them: each token is the tokenizer's record (span, spacing)
/// and an eight-byte [`Tok`] (its entry in the thread's [`WordTable`], its kind and the
/// flags of its written form), read through the accessors ([`Doc::cap`], [`Doc::listed`],
/// …). What depends on the token's place (sentence and line starts, headline lines) is
/// answered when asked: the rules ask it of few tokens, so the token pass only interns
/// and lists rule starts.
pub struct Doc<'t, 'l> {
    pub text: &'t str,
    /// `tokenize(text)`.
    tokens: &'t [Token],
    /// Each token's entry in `words`, kind and flags.
    toks: Vec<Tok>,
    /// This thread's distinct tokens (folded words, rule-table entries), handed back when the
    /// document is done.
    words: WordTable,
    /// What the rule tables list for the empty word: the answer past the last token.
    nothing_listed: Listed,
    /// The tokens where some rule may start, ascending: capitalised or all-caps words, words
    /// the rule tables list (organisation words, place markers, legal forms) and opening
    /// quotes. The rule passes visit these instead of every token.
    pub starts: Vec<u32>,
    /// The first token of each line ([`Doc::line_start`]), ascending.
    pub lines: Vec<u32>,
    /// The tokens after a line break ([`Token::after_newline`]), ascending; kept only for
    /// its buffer.
    breaks: Vec<u32>,
    /// Lexicon readings of the document's capitalised words; the first reads nothing.
    lexes: Vec<LexInfo<'l>>,
    /// Each token's readings in `lexes` (0: none); at least as long as the tokens, and all
    /// zeros again when the document is done (see `lexed`): kept from one document to the
    /// next without clearing every slot.
    lex_of: Vec<u32>,
    /// The tokens whose `lex_of` slot is set.
    lexed: Vec<u32>,
    /// The token ranges of the lines written in capitals (headlines), ascending: capitals
    /// say nothing there.
    shouting: Vec<Range<usize>>,
    /// The lexicon's [`NameLookup::cache_id`] (0: its answers are not to be remembered).
    lexicon_id: u64,
}

impl Drop for Doc<'_, '_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.words).give_back();
        for &i in &self.lexed {
            if let Some(k) = self.lex_of.get_mut(i as usize) {
                *k = 0;
            }
        }
        let buffers = Buffers {
            toks: std::mem::take(&mut self.toks),
            starts: std::mem::take(&mut self.starts),
            lines: std::mem::take(&mut self.lines),
            breaks: std::mem::take(&mut self.breaks),
            lex_of: std::mem::take(&mut self.lex_of),
            lexed: std::mem::take(&mut self.lexed),
        };
        // A huge document's buffers are not kept for the rest of the run (peak memory is
        // that document's anyway). At thread exit the buffers are simply dropped.
        if buffers.toks.capacity() <= MAX_KEPT_TOKENS {
            let _ = BUFFERS.try_with(|b| b.replace(buffers));
        }
    }
}

/// The most tokens whose buffers a thread keeps for the next document (~22 bytes a token):
/// far more than a news article has.
const MAX_KEPT_TOKENS: usize = 1 << 20;

/// The per-token vectors of a [`Doc`], kept per thread from one document to the next:
/// allocating them afresh for each document costs more than filling them.
#[derive(Default)]
struct Buffers {
    toks: Vec<Tok>,
    starts: Vec<u32>,
    lines: Vec<u32>,
    breaks: Vec<u32>,
    /// All zeros.
    lex_of: Vec<u32>,
    lexed: Vec<u32>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// `v` with `len` slots, whatever they hold (only the added ones are written: the token
/// pass overwrites the slots it keeps).
fn room(mut v: Vec<u32>, len: usize) -> Vec<u32> {
    v.resize(len, 0);
    v
}

/// What the token pass learns about one word.
#[derive(Default)]
pub(super) struct WordScan {
    pub cap: bool,
    pub letters: u16,
    pub lower: bool,
    pub latin: bool,
}

impl WordScan {
    #[inline]
    fn letter(&mut self, lower: bool, latin: bool) {
        self.letters = self.letters.saturating_add(1);
        self.lower |= lower;
        self.latin |= latin;
    }
}

/// Appends the folded word (as `fold_char` per character) to `buf` and reads its
/// capitalisation and letters. ASCII and Russian letters are handled on their bytes;
/// other characters through the general predicates. Runs of characters that fold to
/// themselves (lower-case letters, digits) are copied whole.
pub(super) fn scan_word(word: &str, buf: &mut String) -> WordScan {
    let mut scan = WordScan::default();
    let bytes = word.as_bytes();
    // The Russian letter U+0400 + `offset`.
    let russian = |offset: u8| char::from_u32(0x400 + u32::from(offset)).unwrap_or('?');
    // Start of the bytes not yet copied: they fold to themselves.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Lower-case Russian letters, the bulk of a word, in a tight loop.
        while let (Some(0xd0), Some(0xb0..=0xbf)) | (Some(0xd1), Some(0x80..=0x8f)) = (bytes.get(i), bytes.get(i + 1)) {
            scan.letter(true, false);
            i += 2;
        }
        let Some(&b) = bytes.get(i) else { break };
        let first = i == 0;
        // The folded character when it differs from the original, and the original's width.
        let (folded, width) = match (b, bytes.get(i + 1).copied().unwrap_or(0)) {
            (b'a'..=b'z', _) => {
                scan.letter(true, true);
                (None, 1)
            }
            (b'A'..=b'Z', _) => {
                scan.cap |= first;
                scan.letter(false, true);
                (Some(Folded::One(char::from(b + 32))), 1)
            }
            (b'0'..=b'9', _) => (None, 1),
            // а-п, р-я
            (0xd0, 0xb0..=0xbf) | (0xd1, 0x80..=0x8f) => {
                scan.letter(true, false);
                (None, 2)
            }
            // А-Я → а-я, Ё → е
            (0xd0, c @ (0x81 | 0x90..=0xaf)) => {
                scan.cap |= first;
                scan.letter(false, false);
                (Some(Folded::One(if c == 0x81 { 'е' } else { russian(c - 0x90 + 0x30) })), 2)
            }
            // ё
            (0xd1, 0x91) => {
                scan.letter(true, false);
                (Some(Folded::One('е')), 2)
            }
            _ => {
                let Some(c) = word.get(i..).and_then(|rest| rest.chars().next()) else { break };
                scan.cap |= first && is_upper(c);
                if is_letter(c) {
                    scan.letter(is_lower(c), c.is_ascii_alphabetic());
                }
                let folded = fold_char(c);
                (if folded == Folded::One(c) { None } else { Some(folded) }, c.len_utf8())
            }
        };
        if let Some(folded) = folded {
            buf.push_str(word.get(run..i).unwrap_or(""));
            match folded {
                Folded::One(f) => buf.push(f),
                Folded::Space { .. } => buf.push(' '),
                Folded::Nothing => {}
            }
            run = i + width;
        }
        i += width;
    }
    buf.push_str(word.get(run..i).unwrap_or(""));
    scan
}

pub(super) fn is_sentence_end(s: &[u8]) -> bool {
    matches!(s, b"." | b"!" | b"?" | b":" | b";" | b"|") || s == "…".as_bytes() || s == "•".as_bytes()
}

pub(super) fn is_open_quote(s: &[u8]) -> bool {
    matches!(s, b"\"" | b"(" | b"-" | b"'") || ["«", "“", "„", "—", "–"].iter().any(|q| s == q.as_bytes())
}

impl<'t, 'l> Doc<'t, 'l> {
    /// `raw` is `tokenize(text)`. Never inlined, so profilers see the token pass.
    #[inline(never)]
    pub fn new<L: NameLookup + ?Sized>(
        text: &'t str,
        raw: &'t [Token],
        lexicon: &'l L,
        rules: &EntityRules,
    ) -> Doc<'t, 'l> {
        let mut words = WordTable::take(rules);
        let Buffers { mut toks, starts, mut lines, mut breaks, mut lex_of, mut lexed } = BUFFERS.take();
        // Sized for every token and one more, then cut to the picks.
        let mut rule_starts = room(starts, raw.len() + 1);
        let start_count = words.intern_all(text, raw, rules, &mut toks, &mut rule_starts, &mut breaks);
        rule_starts.truncate(start_count);
        // The first token of each of the tokenizer's lines (for `shouting_lines`), and of
        // each line (a `\n` before it); the first token starts one either way.
        lines.clear();
        if !raw.is_empty() {
            lines.push(0);
        }
        lines.extend(breaks.iter().filter(|&&b| b > 0 && line_break_before(text, raw, b as usize)));
        // Capitalised words are a minority of the tokens, and all of them in `rule_starts`;
        // so are the words in capitals that `shouting_lines` counts.
        let mut lexes = Vec::with_capacity(rule_starts.len() + 1);
        lexes.push(LexInfo::default());
        if lex_of.len() < raw.len() {
            lex_of.resize(raw.len(), 0);
        }
        lexed.clear();
        let mut caps_words = Vec::new();
        for (j, &i) in rule_starts.iter().enumerate() {
            if let Some(&ahead) = rule_starts.get(j + LEX_PREFETCH_AHEAD) {
                words.prefetch_lex_in_doc(toks[ahead as usize].word());
            }
            let tok = toks[i as usize];
            if tok.has(Tok::CAPS) && counts_for_shouting(&tok) {
                caps_words.push(i);
            }
            if tok.has(Tok::WORD | Tok::CAP) {
                let id = tok.word();
                let e = words.entry(id);
                let k = match e.lex_in_doc.get() {
                    (doc, k) if doc == words.doc() => k,
                    _ => {
                        let info = remembered_readings(lexicon, &e.lex_cache, || words.folded(id));
                        // A word without readings reads as the first entry: no entry of its own.
                        let k = if info.is_empty() {
                            0
                        } else {
                            lexes.push(info);
                            lexes.len() as u32 - 1
                        };
                        e.lex_in_doc.set((words.doc(), k));
                        k
                    }
                };
                if k != 0 {
                    lexed.push(i);
                    lex_of[i as usize] = k;
                }
            }
        }
        let shouting = shouting_lines(&toks, &breaks, &caps_words);
        let nothing_listed = words.nothing_listed();
        Doc {
            text,
            tokens: raw,
            toks,
            words,
            nothing_listed,
            starts: rule_starts,
            lines,
            breaks,
            lexes,
            lex_of,
            lexed,
            shouting,
            lexicon_id: lexicon.cache_id(),
        }
    }

    /// The tokenizer's tokens.
    #[inline]
    pub fn tokens(&self) -> &'t [Token] {
        self.tokens
    }

    /// The kind of token `i`.
    #[inline]
    pub fn kind(&self, i: usize) -> TokenKind {
        self.toks[i].kind()
    }

    /// Token `i` starts with an upper-case letter.
    #[inline]
    pub fn cap(&self, i: usize) -> bool {
        self.toks[i].has(Tok::CAP)
    }

    /// Token `i` has two or more letters, all upper case.
    #[inline]
    pub fn caps(&self, i: usize) -> bool {
        self.toks[i].has(Tok::CAPS)
    }

    /// Token `i` has a Latin letter.
    #[inline]
    pub fn latin(&self, i: usize) -> bool {
        self.toks[i].has(Tok::LATIN)
    }

    /// How many letters token `i` has (saturating; 0 for tokens other than words).
    #[inline]
    pub fn letters(&self, i: usize) -> u16 {
        self.words.info(self.toks[i].word()).letters
    }

    /// Whether some rule may start at token `i` (it is in [`Doc::starts`]).
    #[cfg(test)]
    pub fn starts_rule(&self, i: usize) -> bool {
        self.toks[i].has(Tok::STARTS_RULE)
    }

    /// Whether token `i` is the first of a line: the first token, or one with a `\n` before
    /// it.
    #[inline]
    pub fn line_start(&self, i: usize) -> bool {
        i == 0 || self.tokens[i].after_newline && line_break_before(self.text, self.tokens, i)
    }

    /// Whether token `i` is the first word of a sentence (or of a line, or after an opening
    /// quote at either): as the token pass of the definition (`sent_starts_simple` in the
    /// tests) would carry it from the start of the text, found by looking back over the
    /// punctuation before the token only.
    #[inline]
    pub fn sent_start(&self, i: usize) -> bool {
        !self.toks[i].has(Tok::PUNCT) && (self.tokens[i].after_newline || self.sentence_start_before(i))
    }

    /// Whether a sentence starts at token `i` as the punctuation before it says: the
    /// first token; or after a sentence end; or after an opening quote that itself stands
    /// at a line or a sentence start. A chain of opening quotes is walked back to the token
    /// that decides (each token has its own chain before it, so the walks stay short).
    fn sentence_start_before(&self, i: usize) -> bool {
        let mut k = i;
        while let Some(p) = k.checked_sub(1) {
            let t = self.toks[p];
            if !t.has(Tok::PUNCT) {
                return false;
            }
            if t.has(Tok::ENDS_SENTENCE) {
                return true;
            }
            if !t.has(Tok::OPENS_QUOTE) {
                return false;
            }
            if self.tokens[p].after_newline {
                return true;
            }
            k = p;
        }
        true
    }

    /// Whether token `i` lies on a line written in capitals (a headline).
    #[inline]
    pub fn shout(&self, i: usize) -> bool {
        let k = self.shouting.partition_point(|r| r.end <= i);
        self.shouting.get(k).is_some_and(|r| r.start <= i)
    }

    /// What the name lexicon says about token `i` (nothing for tokens other than capitalised
    /// words).
    #[inline]
    pub fn lex(&self, i: usize) -> &LexInfo<'l> {
        &self.lexes[self.lex_of.get(i).map_or(0, |&k| k as usize)]
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The folded word of token `i` (empty for punctuation).
    #[inline]
    pub fn fw(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| self.words.folded(t.word()))
    }

    /// What the rule tables list for token `i` (for the empty word past the last token).
    #[inline]
    pub fn listed(&self, i: usize) -> Listed {
        self.toks.get(i).map_or(self.nothing_listed, |t| t.listed())
    }

    /// The original text of token `i`.
    #[inline]
    pub fn w(&self, i: usize) -> &'t str {
        self.tokens.get(i).map_or("", |t| t.span.slice(self.text))
    }

    #[inline]
    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.has(Tok::WORD))
    }

    #[inline]
    pub fn free(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.taken())
    }

    /// Whether token `i` is covered by a mention, or ignored (widget lines).
    #[inline]
    pub fn taken(&self, i: usize) -> bool {
        self.toks[i].taken()
    }

    /// A free capitalised word, not all-caps noise on a shouting line.
    #[inline]
    pub fn cap_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.free_with(Tok::WORD | Tok::CAP))
    }

    #[inline]
    pub fn is_punct(&self, i: usize, p: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| {
            t.kind == TokenKind::Punct && self.text.as_bytes().get(t.span.start..t.span.end) == Some(p.as_bytes())
        })
    }

    /// Whether token `i` and the one before it touch (no space between).
    #[inline]
    pub fn glued(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| !t.after_space)
    }

    pub fn take(&mut self, from: usize, to: usize) {
        for t in &mut self.toks[from..to.min(self.tokens.len())] {
            t.take();
        }
    }

    #[inline]
    pub fn span(&self, from: usize, to: usize) -> Span {
        Span::new(self.tokens[from].span.start, self.tokens[to - 1].span.end)
    }

    #[inline]
    pub fn not_name(&self, i: usize) -> Option<NotName> {
        self.listed(i).not_name
    }

    /// The ending of token `i`'s folded word, remembered per distinct word, `Noun` read as
    /// none: the rules tell no noun from a word without an ending.
    #[inline]
    pub fn ending(&self, rules: &EntityRules, i: usize) -> Option<Ending> {
        let answer = match self.toks.get(i).map(|t| self.words.entry(t.word()).ending.get()) {
            // Asked before (in any document): 1 is none, 2 + k the k-th of `words::ENDINGS`.
            Some(code @ 1..) => words::ENDINGS.get(usize::from(code).wrapping_sub(2)).copied(),
            _ => self.word_ending(rules, i),
        };
        answer.filter(|&e| e != Ending::Noun)
    }

    /// The ending of token `i`'s folded word as the rule tables give it (`Noun` too),
    /// remembered per distinct word: [`Doc::ending`] of a word not asked before.
    #[inline(never)]
    fn word_ending(&self, rules: &EntityRules, i: usize) -> Option<Ending> {
        let Some(t) = self.toks.get(i) else { return rules.ending("") };
        let e = self.words.entry(t.word());
        words::cached(&e.ending, &words::ENDINGS, || rules.ending(self.fw(i)))
    }

    /// `compute()`, an answer about token `i`'s word alone (its written form, folded word,
    /// listings, lexicon readings and ending: the same for every token of the word while the
    /// rules and the lexicon stay), remembered in the word's entry across documents when the
    /// lexicon says its answers may be (see [`remembered_readings`]).
    #[inline]
    pub fn remembered_person(&self, i: usize, compute: impl FnOnce() -> u8) -> u8 {
        self.remembered(i, |r| r.person, |r, flags| r.person = Some(flags), compute)
    }

    /// `compute()`, which organisation rules may start at token `i` by its word alone (a
    /// code of `orgs.rs`), remembered as [`Doc::remembered_person`].
    #[inline]
    pub fn remembered_org(&self, i: usize, compute: impl FnOnce() -> u8) -> u8 {
        self.remembered(i, |r| r.org, |r, code| r.org = Some(code), compute)
    }

    /// `compute()`, whether token `i`'s word alone may be an organisation by its prefix,
    /// remembered as [`Doc::remembered_person`].
    #[inline]
    pub fn remembered_prefix_org(&self, i: usize, compute: impl FnOnce() -> bool) -> bool {
        self.remembered(i, |r| r.prefix_org, |r, yes| r.prefix_org = Some(yes), compute)
    }

    /// `compute()`, one of the answers of token `i`'s word's [`Remembered`] (`get` reads it,
    /// `set` writes it), remembered under the lexicon's cache id.
    #[inline]
    fn remembered<T: Copy>(
        &self,
        i: usize,
        get: impl Fn(&Remembered) -> Option<T>,
        set: impl Fn(&mut Remembered, T),
        compute: impl FnOnce() -> T,
    ) -> T {
        let (Some(t), id @ 1..) = (self.toks.get(i), self.lexicon_id) else { return compute() };
        let e = self.words.entry(t.word());
        let known = e.alone.get();
        if let Some(answer) = get(&known).filter(|_| known.lexicon_id == id) {
            return answer;
        }
        let answer = compute();
        // Read again: `compute` may have remembered another answer meanwhile.
        let mut now = e.alone.get();
        if now.lexicon_id != id {
            now = Remembered { lexicon_id: id, ..Remembered::default() };
        }
        set(&mut now, answer);
        e.alone.set(now);
        answer
    }

    /// Whom the role noun at token `i` names (`министр`: a person), remembered per distinct
    /// word across documents under the role nouns' id.
    pub fn role(&self, roles: &RoleNouns, i: usize) -> Option<EntityType> {
        let lookup = || match self.toks.get(i) {
            // A word's folded form is `fold_str` of it: no folding again.
            Some(t) if t.has(Tok::WORD) => roles.lookup_folded(self.fw(i)).map(|r| r.refers_to),
            _ => roles.lookup(self.w(i)).map(|r| r.refers_to),
        };
        let Some(t) = self.toks.get(i) else { return lookup() };
        let e = self.words.entry(t.word());
        const CODES: [Option<EntityType>; 4] =
            [None, Some(EntityType::Per), Some(EntityType::Org), Some(EntityType::Loc)];
        match e.role.get() {
            (id, code) if id == roles.id() => CODES[usize::from(code)],
            _ => {
                let role = lookup();
                let code = CODES.iter().position(|c| *c == role).unwrap_or(0);
                e.role.set((roles.id(), code as u8));
                role
            }
        }
    }

    /// [`EntityRules::org_prefix`] of token `i`'s folded word, remembered per distinct word.
    pub fn org_prefix(&self, rules: &EntityRules, i: usize) -> Option<PrefixKind> {
        let Some(t) = self.toks.get(i) else { return rules.org_prefix("") };
        let e = self.words.entry(t.word());
        words::cached(&e.prefix, &words::PREFIXES, || rules.org_prefix(self.fw(i)))
    }

    /// A single capital letter followed by a dot (`Б.`), or a hyphenated pair (`К.-Ж.`):
    /// returns the index after the initial.
    #[inline]
    pub fn initial(&self, i: usize) -> Option<usize> {
        let t = self.tokens.get(i)?;
        // At most two characters: at most eight bytes (most words are longer). The cheap
        // tests first, here without a call (the order does not matter: all of them must hold).
        if !self.toks[i].free_with(Tok::WORD | Tok::CAP) || t.span.len() > 8 {
            return None;
        }
        self.initial_after(i)
    }

    /// [`Doc::initial`] of a short free capitalised word `i`: the dot and the letters.
    #[inline(never)]
    fn initial_after(&self, i: usize) -> Option<usize> {
        if !(self.is_punct(i + 1, ".") && self.glued(i + 1)) {
            return None;
        }
        let w = self.w(i);
        if w.chars().count() > 2 || (w.chars().count() == 2 && !w.chars().nth(1).is_some_and(is_lower)) {
            return None;
        }
        if self.is_punct(i + 2, "-") && self.glued(i + 2) && self.glued(i + 3) {
            if let Some(next) = self.initial(i + 3) {
                return Some(next);
            }
        }
        Some(i + 2)
    }

    pub fn gender_of_first(&self, i: usize) -> Option<NameGender> {
        self.lex(i).first.map(|f| f.gender)
    }
}

/// [`readings`], remembered in the word's table entry across documents when the lexicon
/// says it may be (same [`NameLookup::cache_id`]: the same content). The folded word is
/// sliced only when the readings are not remembered (most words are).
fn remembered_readings<'l, 'w, L: NameLookup + ?Sized>(
    lexicon: &'l L,
    cache: &Cell<Option<CachedReadings>>,
    folded: impl FnOnce() -> &'w str,
) -> LexInfo<'l> {
    let id = lexicon.cache_id();
    match cache.get() {
        Some(cached) if id != 0 && cached.0 == id => LexInfo::from_cache(&cached, lexicon),
        _ => {
            let info = readings(lexicon, folded());
            if id != 0 {
                cache.set(Some(info.to_cache(id)));
            }
            info
        }
    }
}

/// The lexicon's readings of a folded word, the nominative one of each kind first.
fn readings<'l, L: NameLookup + ?Sized>(lexicon: &'l L, folded: &str) -> LexInfo<'l> {
    let mut info = LexInfo::default();
    lexicon.for_each_form(folded, &mut |f| {
        let slot = match f.kind {
            NameKind::First => &mut info.first,
            NameKind::Surname => &mut info.surname,
            NameKind::Patronymic => &mut info.patronymic,
            NameKind::Toponym => &mut info.toponym,
        };
        // Prefer the nominative reading, then the first one.
        if slot.is_none_or(|s: NameForm| !s.nominative && f.nominative) {
            *slot = Some(f);
        }
    });
    info
}

/// Whether a line break (`\n`) lies between token `i` (not the first) and the one before.
#[inline]
fn line_break_before(text: &str, tokens: &[Token], i: usize) -> bool {
    let gap = tokens[i - 1].span.end..tokens[i].span.start;
    text.as_bytes().get(gap).is_some_and(|gap| memchr::memchr(b'\n', gap).is_some())
}

/// A word that counts on a line for [`shouts`]: Latin words do not.
fn counts_for_shouting(t: &Tok) -> bool {
    t.has(Tok::WORD) && !t.has(Tok::LATIN)
}

/// Whether a line of `words` counted words, `caps` of them in capitals, is a headline
/// (`shout`): (nearly) all of its words in capitals, and at least three of them.
fn shouts(words: usize, caps: usize) -> bool {
    words >= 3 && caps * 4 >= words * 3
}

/// The token ranges of the lines that shout. The lines start at token 0 and at each of
/// `breaks` (ascending; the tokens after a line break). A shouting line has at least three
/// words in capitals (`caps * 4 >= words * 3 >= 9`), all of them in `starts` (a word in
/// capitals may start a rule; `Doc::new` passes just those words): only such lines have
/// their words counted, so the token pass counts nothing.
fn shouting_lines(toks: &[Tok], breaks: &[u32], starts: &[u32]) -> Vec<Range<usize>> {
    let mut shouting = Vec::new();
    let mut caps_words = starts
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| toks[i].has(Tok::CAPS) && counts_for_shouting(&toks[i]))
        .peekable();
    let mut start = 0;
    for end in breaks.iter().map(|&b| b as usize).filter(|&b| b > 0).chain([toks.len()]) {
        let mut caps = 0;
        while caps_words.next_if(|&i| i < end).is_some() {
            caps += 1;
        }
        if caps >= 3 && shouts(toks[start..end].iter().filter(|t| counts_for_shouting(t)).count(), caps) {
            shouting.push(start..end);
        }
        start = end;
    }
    shouting
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shouting lines by their definition: every token of every line counted.
    fn shouting_lines_simple(toks: &[Tok], breaks: &[u32]) -> Vec<Range<usize>> {
        let mut shouting = Vec::new();
        let (mut start, mut words, mut caps) = (0, 0, 0);
        for (i, t) in toks.iter().enumerate() {
            if i > 0 && breaks.contains(&(i as u32)) {
                if shouts(words, caps) {
                    shouting.push(start..i);
                }
                (start, words, caps) = (i, 0, 0);
            }
            if counts_for_shouting(t) {
                words += 1;
                caps += usize::from(t.has(Tok::CAPS));
            }
        }
        if shouts(words, caps) {
            shouting.push(start..toks.len());
        }
        shouting
    }

    proptest::proptest! {
        /// `shouting_lines`, counting only lines with three words in capitals among the rule
        /// starts, finds the lines every token counted finds: any mix of words in capitals,
        /// Latin ones, other tokens and line breaks (at the first token too), other starts.
        #[test]
        fn shouting_lines_count_as_every_token(
            kinds in proptest::collection::vec((0u8..6, proptest::prelude::any::<bool>(), 0u8..4), 0..60),
        ) {
            let mut toks = Vec::new();
            let (mut breaks, mut starts) = (Vec::new(), Vec::new());
            for (i, &(kind, other_start, newline)) in kinds.iter().enumerate() {
                let (kind, caps, latin) = match kind {
                    0 | 1 => (TokenKind::Word, true, false),
                    2 => (TokenKind::Word, false, false),
                    3 => (TokenKind::Word, true, true),
                    4 => (TokenKind::Punct, false, false),
                    _ => (TokenKind::Number, false, false),
                };
                let flags = if caps { Tok::CAPS } else { 0 } | if latin { Tok::LATIN } else { 0 };
                let t = Tok::new(0, kind, flags, Listed::default());
                if newline == 0 {
                    breaks.push(i as u32);
                }
                // Every word in capitals starts a rule; some other tokens do too.
                if caps || other_start {
                    starts.push(i as u32);
                }
                toks.push(t);
            }
            proptest::prop_assert_eq!(
                shouting_lines(&toks, &breaks, &starts),
                shouting_lines_simple(&toks, &breaks)
            );
        }

        /// `scan_word` folds as `fold_char` does, character by character.
        #[test]
        fn scan_word_folds_as_fold_char(s in "\\PC{0,12}|[a-zA-Z0-9\\-абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ\u{ad}\u{301}]{0,16}") {
            let mut want = String::from("prefix");
            for c in s.chars() {
                match fold_char(c) {
                    Folded::One(f) => want.push(f),
                    Folded::Space { .. } => want.push(' '),
                    Folded::Nothing => {}
                }
            }
            let mut buf = String::from("prefix");
            let scan = scan_word(&s, &mut buf);
            proptest::prop_assert_eq!(&buf, &want);
            proptest::prop_assert_eq!(usize::from(scan.letters), s.chars().filter(|&c| c.is_alphabetic()).count());
            proptest::prop_assert_eq!(scan.cap, s.chars().next().is_some_and(char::is_uppercase));
        }
    }
}
