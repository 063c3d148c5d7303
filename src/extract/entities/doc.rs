//! One document as the entity rules see it: tokens with their folded text, capitalisation,
//! sentence starts, lexicon readings, and which tokens a mention already covers.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::names::{NameForm, NameGender, NameKind, NameLookup};
use super::rules::{Ending, EntityRules, NotName};
use crate::dict::inflect::WordClass;
use crate::text::chars::{is_letter, is_lower, is_upper};
use crate::text::tokens::{tokenize, TokenKind};
use crate::text::{fold_char, Folded, Span};

#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub span: Span,
    pub kind: TokenKind,
    /// Starts with an upper-case letter.
    pub cap: bool,
    /// Two or more letters, all upper case.
    pub caps: bool,
    /// Has a Latin letter.
    pub latin: bool,
    /// How many letters (`char::is_alphabetic`) a word has, saturating; 0 for other tokens.
    pub letters: u16,
    /// Folded text range in `Doc::buf`.
    fs: u32,
    fe: u32,
    /// First word of a sentence (or of a line, or after an opening quote at either).
    pub sent_start: bool,
    pub after_space: bool,
    /// The line is written in capitals (a headline): capitals say nothing there.
    pub shout: bool,
}

/// What the name lexicon says about one word.
#[derive(Clone, Copy, Debug, Default)]
pub struct LexInfo<'l> {
    pub first: Option<NameForm<'l>>,
    pub surname: Option<NameForm<'l>>,
    pub patronymic: Option<NameForm<'l>>,
    pub toponym: Option<NameForm<'l>>,
}

impl LexInfo<'_> {
    /// Whether some reading is also an ordinary word.
    pub fn common(&self) -> bool {
        [self.first, self.surname, self.patronymic, self.toponym].iter().flatten().any(|f| f.common_word)
    }
}

pub struct Doc<'t, 'l> {
    pub text: &'t str,
    pub toks: Vec<Tok>,
    buf: String,
    /// Covered by a mention, or ignored (widget lines).
    pub taken: Vec<bool>,
    pub lex: Vec<LexInfo<'l>>,
    /// `ending` and `not_name` of each token, filled on first use (0 = not asked yet).
    endings: Vec<Cell<u8>>,
    not_names: Vec<Cell<u8>>,
    /// Lemmas already found for (written word, class, maybe nominative): a document names
    /// the same people again and again.
    pub(super) lemmas: RefCell<HashMap<(&'t str, WordClass, bool), String>>,
}

const ENDINGS: [Ending; 5] = [Ending::Surname, Ending::SurnameAdj, Ending::Patronymic, Ending::Adjective, Ending::Verb];
const NOT_NAMES: [NotName; 4] = [NotName::Month, NotName::Weekday, NotName::Function, NotName::Common];

/// A token's cached answer: 0 = not computed, 1 = none, 2 + k = `options[k]`.
fn cached<T: Copy + PartialEq>(
    slot: Option<&Cell<u8>>,
    options: &[T],
    compute: impl FnOnce() -> Option<T>,
) -> Option<T> {
    let Some(slot) = slot else { return compute() };
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

/// What the token pass learns about one word.
#[derive(Default)]
struct WordScan {
    cap: bool,
    letters: u16,
    lower: bool,
    latin: bool,
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
/// other characters through the general predicates.
fn scan_word(word: &str, buf: &mut String) -> WordScan {
    let mut scan = WordScan::default();
    let bytes = word.as_bytes();
    // The Russian letter U+0400 + `offset`.
    let russian = |offset: u8| char::from_u32(0x400 + u32::from(offset)).unwrap_or('?');
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let first = i == 0;
        match (b, bytes.get(i + 1).copied().unwrap_or(0)) {
            (b'a'..=b'z', _) => {
                buf.push(char::from(b));
                scan.letter(true, true);
                i += 1;
            }
            (b'A'..=b'Z', _) => {
                buf.push(char::from(b + 32));
                scan.cap |= first;
                scan.letter(false, true);
                i += 1;
            }
            (b'0'..=b'9', _) => {
                buf.push(char::from(b));
                i += 1;
            }
            // а-п
            (0xd0, c @ 0xb0..=0xbf) => {
                buf.push(russian(c - 0x80));
                scan.letter(true, false);
                i += 2;
            }
            // р-я
            (0xd1, c @ 0x80..=0x8f) => {
                buf.push(russian(c - 0x40));
                scan.letter(true, false);
                i += 2;
            }
            // А-Я → а-я, Ё → е
            (0xd0, c @ (0x81 | 0x90..=0xaf)) => {
                buf.push(if c == 0x81 { 'е' } else { russian(c - 0x90 + 0x30) });
                scan.cap |= first;
                scan.letter(false, false);
                i += 2;
            }
            // ё
            (0xd1, 0x91) => {
                buf.push('е');
                scan.letter(true, false);
                i += 2;
            }
            _ => {
                let Some(c) = word.get(i..).and_then(|rest| rest.chars().next()) else { break };
                match fold_char(c) {
                    Folded::One(f) => buf.push(f),
                    Folded::Space { .. } => buf.push(' '),
                    Folded::Nothing => {}
                }
                scan.cap |= first && is_upper(c);
                if is_letter(c) {
                    scan.letter(is_lower(c), c.is_ascii_alphabetic());
                }
                i += c.len_utf8();
            }
        }
    }
    scan
}

fn is_sentence_end(s: &str) -> bool {
    matches!(s, "." | "!" | "?" | "…" | ":" | ";" | "•" | "|")
}

fn is_open_quote(s: &str) -> bool {
    matches!(s, "«" | "\"" | "“" | "„" | "(" | "-" | "—" | "–" | "'")
}

impl<'t, 'l> Doc<'t, 'l> {
    pub fn new<L: NameLookup + ?Sized>(text: &'t str, lexicon: &'l L) -> Doc<'t, 'l> {
        let raw = tokenize(text);
        let mut buf = String::with_capacity(text.len());
        let mut toks = Vec::with_capacity(raw.len());
        let mut sentence_start = true;
        for t in &raw {
            let word = t.span.slice(text);
            let fs = buf.len() as u32;
            let (mut cap, mut caps, mut latin) = (false, false, false);
            let mut letters = 0u16;
            if t.kind == TokenKind::Word {
                let scan = scan_word(word, &mut buf);
                (cap, letters, latin) = (scan.cap, scan.letters, scan.latin);
                caps = letters >= 2 && !scan.lower;
            }
            let fe = buf.len() as u32;
            let starts = sentence_start || t.after_newline;
            toks.push(Tok {
                span: t.span,
                kind: t.kind,
                cap,
                caps,
                latin,
                letters,
                fs,
                fe,
                sent_start: starts && t.kind != TokenKind::Punct,
                after_space: t.after_space,
                shout: false,
            });
            sentence_start = match t.kind {
                TokenKind::Punct => is_sentence_end(word) || (starts && is_open_quote(word)),
                _ => false,
            };
        }
        mark_shouting_lines(&mut toks, &raw);
        let mut lex = vec![LexInfo::default(); toks.len()];
        for (i, t) in toks.iter().enumerate() {
            if t.kind == TokenKind::Word && t.cap {
                let info = &mut lex[i];
                lexicon.for_each_form(&buf[t.fs as usize..t.fe as usize], &mut |f| {
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
            }
        }
        let taken = vec![false; toks.len()];
        let endings = vec![Cell::new(0); toks.len()];
        let not_names = vec![Cell::new(0); toks.len()];
        Doc { text, toks, buf, taken, lex, endings, not_names, lemmas: RefCell::default() }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The folded word of token `i` (empty for punctuation).
    pub fn fw(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| &self.buf[t.fs as usize..t.fe as usize])
    }

    /// The original text of token `i`.
    pub fn w(&self, i: usize) -> &'t str {
        self.toks.get(i).map_or("", |t| t.span.slice(self.text))
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }

    pub fn free(&self, i: usize) -> bool {
        i < self.toks.len() && !self.taken[i]
    }

    /// A free capitalised word, not all-caps noise on a shouting line.
    pub fn cap_word(&self, i: usize) -> bool {
        self.free(i) && self.is_word(i) && self.toks[i].cap
    }

    pub fn is_punct(&self, i: usize, p: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokenKind::Punct) && self.w(i) == p
    }

    /// Whether token `i` and the one before it touch (no space between).
    pub fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.after_space)
    }

    pub fn take(&mut self, from: usize, to: usize) {
        for t in &mut self.taken[from..to.min(self.toks.len())] {
            *t = true;
        }
    }

    pub fn span(&self, from: usize, to: usize) -> Span {
        Span::new(self.toks[from].span.start, self.toks[to - 1].span.end)
    }

    /// (Asked of one document with one set of rules: the answer is cached per token.)
    pub fn not_name(&self, rules: &EntityRules, i: usize) -> Option<NotName> {
        cached(self.not_names.get(i), &NOT_NAMES, || rules.not_names.get(self.fw(i)).copied())
    }

    /// (Cached per token, as `not_name`.)
    pub fn ending(&self, rules: &EntityRules, i: usize) -> Option<Ending> {
        cached(self.endings.get(i), &ENDINGS, || rules.ending(self.fw(i)))
    }

    /// A single capital letter followed by a dot (`Б.`), or a hyphenated pair (`К.-Ж.`):
    /// returns the index after the initial.
    pub fn initial(&self, i: usize) -> Option<usize> {
        let t = self.toks.get(i)?;
        if t.kind != TokenKind::Word || !t.cap || self.w(i).chars().count() > 2 || self.taken[i] {
            return None;
        }
        if self.w(i).chars().count() == 2 && !self.w(i).chars().nth(1).is_some_and(is_lower) {
            return None;
        }
        if !(self.is_punct(i + 1, ".") && self.glued(i + 1)) {
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
        self.lex[i].first.map(|f| f.gender)
    }
}

/// A line whose words are (nearly) all in capitals and has at least three of them.
fn mark_shouting_lines(toks: &mut [Tok], raw: &[crate::text::tokens::Token]) {
    let mut start = 0;
    while start < toks.len() {
        let mut end = start + 1;
        while end < toks.len() && !raw[end].after_newline {
            end += 1;
        }
        let (mut words, mut caps) = (0, 0);
        for t in toks[start..end].iter().filter(|t| t.kind == TokenKind::Word && !t.latin) {
            words += 1;
            caps += usize::from(t.caps);
        }
        if words >= 3 && caps * 4 >= words * 3 {
            for t in &mut toks[start..end] {
                t.shout = true;
            }
        }
        start = end;
    }
}
