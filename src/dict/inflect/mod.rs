//! Russian inflection of dictionary aliases: from `Багдат Мусин` to every written form a
//! news text may use (`Багдата Мусина`, `Багдатом Мусиным`, …).
//!
//! Forms are generated once, at load time, so matching is one automaton pass. The endings
//! are data (`rules/inflection.tsv`); this module decides which word of a name inflects by
//! which paradigm:
//! - persons: every word, as first name, patronymic or surname, by the person's gender;
//! - organisations and places: the adjectives before the head noun and the head noun,
//!   never the genitive chain after it (`Министерства цифрового развития`);
//! - hyphenated words inflect their last part (`Нур-Султане`); words ending in a vowel
//!   other than `а`/`я`, Latin words, initials and unpronounceable acronyms stay as they are;
//!   pronounceable acronyms take lower-case endings (`СБЕРа`, `НИТом`).
//!
//! A generated form that is a common Russian word (`rules/common_words.tsv`) is dropped.

mod paradigm;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use paradigm::{lower, unchanged, CaseForms, Paradigm, Paradigms, CASES};

use super::{tsv, Diagnostics, DictDirs};
use crate::model::EntityType;
use crate::text::chars::{is_letter, is_lower};
use crate::text::fold_str;

/// How one word inflects (for [`word_forms`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordClass {
    /// A man's first name or patronymic (`Багдат`, `Батырбекович`).
    MascName,
    /// A woman's first name or patronymic (`Айгерим`, `Динара`, `Асель`).
    FemName,
    /// A man's surname (`Мусин`, `Греф`).
    MascSurname,
    /// A woman's surname (`Мамина`).
    FemSurname,
    Noun,
    Adjective,
    Indeclinable,
    /// Noun or adjective, guessed from the ending.
    Auto,
}

/// The forms of one alias, and the generated forms left out because they are common words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AliasForms {
    /// The alias as written first, then its other forms, without duplicates.
    pub forms: Vec<String>,
    /// `forms`, folded as the matcher sees them (`fold_str`).
    pub folded: Vec<String>,
    /// Generated forms that equal a common word and are therefore not matched.
    pub dropped: Vec<String>,
}

/// The ending tables and the common-word list, ready to inflect.
#[derive(Clone, Debug, Default)]
pub struct Inflector {
    paradigms: Paradigms,
    /// Folded common words and their forms.
    common: HashSet<String>,
}

const BUILTIN_INFLECTION: &str = include_str!("../../../dictionaries/rules/inflection.tsv");
const BUILTIN_COMMON: &str = include_str!("../../../dictionaries/rules/common_words.tsv");

/// Most forms generated per case of a multi-word alias (the product of alternatives).
const MAX_COMBINATIONS: usize = 32;

impl Inflector {
    pub const INFLECTION_FILE: &'static str = "inflection.tsv";
    pub const COMMON_WORDS_FILE: &'static str = "common_words.tsv";

    /// The tables shipped in `dictionaries/rules/`, compiled into the binary.
    pub fn builtin() -> &'static Inflector {
        static BUILTIN: OnceLock<Inflector> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut d = Diagnostics::default();
            let paradigms = Paradigms::from_text(Path::new("<built-in inflection.tsv>"), BUILTIN_INFLECTION, &mut d);
            let mut inflector = Inflector { paradigms, common: HashSet::new() };
            if let Some(t) = tsv::parse_tsv(Path::new("<built-in common_words.tsv>"), BUILTIN_COMMON, &["word"], &mut d)
            {
                inflector.add_common_words(&t);
            }
            debug_assert!(d.items.is_empty(), "{:?}", d.items);
            inflector
        })
    }

    /// The tables of the dictionary folders (`DIR/rules/inflection.tsv`,
    /// `DIR/rules/common_words.tsv`), later folders adding to earlier ones; the built-in
    /// table when no folder has one.
    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> Inflector {
        let builtin = Inflector::builtin();
        let mut inflector = Inflector::default();
        let inflection_files = dirs.rule_files(Self::INFLECTION_FILE);
        if inflection_files.is_empty() {
            inflector.paradigms = builtin.paradigms.clone();
        }
        for path in inflection_files {
            if let Some(t) =
                tsv::read_tsv(&path, &["paradigm", "ending", "gen", "dat", "acc", "ins", "prep"], diagnostics)
            {
                inflector.paradigms.add_table(&t, diagnostics);
            }
        }
        let common_files = dirs.rule_files(Self::COMMON_WORDS_FILE);
        if common_files.is_empty() {
            inflector.common = builtin.common.clone();
        }
        for path in common_files {
            if let Some(t) = tsv::read_tsv(&path, &["word"], diagnostics) {
                inflector.add_common_words(&t);
            }
        }
        inflector
    }

    fn add_common_words(&mut self, table: &tsv::TsvTable) {
        for row in &table.rows {
            let word = table.field(row, "word");
            if word.is_empty() {
                continue;
            }
            let forms = table.field(row, "forms");
            self.common.insert(fold_str(word));
            if forms.is_empty() {
                for f in self.word_forms(word, WordClass::Noun) {
                    self.common.insert(fold_str(&f));
                }
            } else {
                self.common.extend(forms.split('|').map(fold_str).filter(|f| !f.is_empty()));
            }
        }
    }

    /// Whether `word` (any case) is a common word or a form of one.
    pub fn is_common_word(&self, word: &str) -> bool {
        self.common.contains(&fold_str(word))
    }

    /// The forms of one word of class `class`, the word itself first.
    pub fn word_forms(&self, word: &str, class: WordClass) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.each_case_form(word, class, &mut |_, form| {
            if !out.iter().any(|f| f == form) {
                out.push(form.to_string());
            }
        });
        out
    }

    /// Whether `word_forms(word, class)` has more than one form and one of them folds
    /// (`fold_str`) to `folded`: "is `folded` a form of the lemma `word`", without building
    /// the forms.
    pub fn has_folded_form(&self, word: &str, class: WordClass, folded: &str) -> bool {
        let (mut inflects, mut found) = (false, false);
        self.each_case_form(word, class, &mut |_, form| {
            inflects |= form != word;
            found = found || folds_to(form, folded);
        });
        inflects && found
    }

    /// Calls `f(folded)` for every form of one word (as [`Inflector::word_forms`], folded;
    /// a folded form may come more than once).
    pub fn each_folded_form(&self, word: &str, class: WordClass, f: &mut dyn FnMut(&str)) {
        let mut buf = String::new();
        self.each_case_form(word, class, &mut |_, form| {
            if fold_simple(form, &mut buf) {
                f(&buf);
            } else {
                f(&fold_str(form));
            }
        });
    }

    /// Every case of one word. A hyphenated word inflects its last part.
    fn word_cases(&self, word: &str, class: WordClass) -> CaseForms {
        let mut out: CaseForms = Default::default();
        self.each_case_form(word, class, &mut |case, form| {
            if !out[case].iter().any(|f| f == form) {
                out[case].push(form.to_string());
            }
        });
        out
    }

    /// Calls `f(case, form)` for every form of one word, case by case, the word itself first
    /// (a form may come more than once). A hyphenated word inflects its last part.
    fn each_case_form(&self, word: &str, class: WordClass, f: &mut dyn FnMut(usize, &str)) {
        if let Some((head, last)) = word.rsplit_once('-') {
            if !head.is_empty() && !last.is_empty() {
                let mut buf = String::with_capacity(word.len() + 8);
                return self.each_case_form(last, class, &mut |case, form| {
                    buf.clear();
                    buf.push_str(head);
                    buf.push('-');
                    buf.push_str(form);
                    f(case, &buf);
                });
            }
        }
        if class == WordClass::Indeclinable || !is_cyrillic_word(word) {
            return each_case_unchanged(word, f);
        }
        let lw = lower(word);
        let paradigm = if is_acronym(word) {
            if !acronym_inflects(word) {
                return each_case_unchanged(word, f);
            }
            Paradigm::Noun
        } else {
            let fits = |paradigm| self.paradigms.ending_len(paradigm, &lw).is_some();
            match class {
                WordClass::MascName => Paradigm::NameM,
                WordClass::FemName => Paradigm::NameF,
                WordClass::MascSurname if fits(Paradigm::SurnameM) => Paradigm::SurnameM,
                WordClass::MascSurname => Paradigm::NameM,
                WordClass::FemSurname if fits(Paradigm::SurnameF) => Paradigm::SurnameF,
                WordClass::FemSurname => Paradigm::NameF,
                WordClass::Noun => Paradigm::Noun,
                WordClass::Adjective => Paradigm::Adj,
                WordClass::Auto if self.is_adjective_lower(&lw) => Paradigm::Adj,
                WordClass::Auto | WordClass::Indeclinable => Paradigm::Noun,
            }
        };
        if !self.paradigms.each_case_form(word, &lw, paradigm, f) {
            each_case_unchanged(word, f);
        }
    }

    /// An adjective ending fits at least as long as any noun ending (`Алматинская`,
    /// `Национальные`; not `Управление`, whose `ение` beats the adjectival `ие`).
    fn is_adjective(&self, word: &str) -> bool {
        self.is_adjective_lower(&lower(word))
    }

    /// [`Inflector::is_adjective`] of a word already through [`lower`].
    fn is_adjective_lower(&self, lw: &str) -> bool {
        match (self.paradigms.ending_len(Paradigm::Adj, lw), self.paradigms.ending_len(Paradigm::Noun, lw)) {
            (Some(a), Some(n)) => a >= n,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// What an `inflect=auto` alias of an entity of type `entity_type` matches.
    pub fn alias_forms(&self, alias: &str, entity_type: EntityType) -> AliasForms {
        let words = split_words(alias);
        if words.is_empty() {
            return AliasForms::default();
        }
        let cases: Vec<CaseForms> = match entity_type {
            EntityType::Per => self.person_cases(&words),
            EntityType::Org | EntityType::Loc => self.name_cases(&words),
        };
        let written = join(&words, &words.iter().map(|w| w.core.to_string()).collect::<Vec<_>>());
        let written_key = fold_str(&written);
        let mut out = AliasForms { forms: vec![written], folded: vec![written_key.clone()], dropped: Vec::new() };
        let mut seen: HashSet<String> = HashSet::from([written_key]);
        for case in 0..CASES {
            let mut combos: Vec<Vec<String>> = vec![Vec::new()];
            for word in &cases {
                let mut next = Vec::new();
                for combo in &combos {
                    for form in &word[case] {
                        if next.len() < MAX_COMBINATIONS {
                            let mut c = combo.clone();
                            c.push(form.clone());
                            next.push(c);
                        }
                    }
                }
                combos = next;
            }
            for combo in combos {
                let form = join(&words, &combo);
                let key = fold_str(&form);
                if seen.contains(&key) {
                    continue;
                }
                if words.len() == 1 && self.common.contains(&key) {
                    out.dropped.push(form);
                } else {
                    out.forms.push(form);
                    out.folded.push(key.clone());
                }
                seen.insert(key);
            }
        }
        out
    }

    /// Every word of a person's name inflects, by the person's gender.
    fn person_cases(&self, words: &[Word<'_>]) -> Vec<CaseForms> {
        let female = words.iter().any(|w| self.paradigms.fits(Paradigm::Female, last_part(w.core)));
        let surname_paradigm = if female { Paradigm::SurnameF } else { Paradigm::SurnameM };
        let is_surname = |w: &Word<'_>| self.paradigms.fits(surname_paradigm, last_part(w.core));
        let last_is_surname = words.last().is_some_and(is_surname);
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let surname = is_surname(w) && !(i == 0 && words.len() > 1 && last_is_surname);
                let class = match (surname, female) {
                    (true, false) => WordClass::MascSurname,
                    (true, true) => WordClass::FemSurname,
                    (false, false) => WordClass::MascName,
                    (false, true) => WordClass::FemName,
                };
                self.word_cases(w.core, class)
            })
            .collect()
    }

    /// Adjectives before the head noun and the head noun inflect; the rest stays.
    fn name_cases(&self, words: &[Word<'_>]) -> Vec<CaseForms> {
        let mut out = Vec::with_capacity(words.len());
        let mut head_seen = false;
        for w in words {
            if head_seen {
                out.push(unchanged(w.core));
                continue;
            }
            let last = last_part(w.core);
            if is_cyrillic_word(last) && !is_acronym(last) && self.is_adjective(last) {
                out.push(self.word_cases(w.core, WordClass::Adjective));
            } else {
                out.push(self.word_cases(w.core, WordClass::Noun));
                head_seen = true;
            }
        }
        out
    }
}

/// One word of an alias: punctuation around it (`«`, `»`, `,`) and its letters.
#[derive(Debug)]
struct Word<'a> {
    before: &'a str,
    core: &'a str,
    after: &'a str,
}

fn split_words(alias: &str) -> Vec<Word<'_>> {
    alias
        .split_whitespace()
        .map(|token| {
            let start = token.find(char::is_alphanumeric).unwrap_or(token.len());
            let end = token
                .rfind(char::is_alphanumeric)
                .map_or(start, |i| i + token[i..].chars().next().map_or(1, char::len_utf8));
            let end = end.max(start);
            Word { before: &token[..start], core: &token[start..end], after: &token[end..] }
        })
        .collect()
}

fn join(words: &[Word<'_>], cores: &[String]) -> String {
    let mut s = String::new();
    for (w, core) in words.iter().zip(cores) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(w.before);
        s.push_str(core);
        s.push_str(w.after);
    }
    s
}

fn last_part(word: &str) -> &str {
    word.rsplit('-').next().unwrap_or(word)
}

fn each_case_unchanged(word: &str, f: &mut dyn FnMut(usize, &str)) {
    for case in 0..CASES {
        f(case, word);
    }
}

/// `fold_str(word)` into `buf`, without allocating for words of ASCII letters and digits,
/// Russian letters and hyphens (names, almost always).
pub fn fold_word_into(word: &str, buf: &mut String) {
    if !fold_simple(word, buf) {
        buf.clear();
        buf.push_str(&fold_str(word));
    }
}

/// The fold (as `fold_str`) of the character at byte `i` of `b` when it is an ASCII letter or
/// digit, a hyphen or a Russian letter: (folded character, width in bytes, whether folding
/// changed it); the folded character is as wide as the original. `None` for any other.
#[inline]
fn simple_at(b: &[u8], i: usize) -> Option<(char, usize, bool)> {
    // The Cyrillic letter U+0400 + `offset`.
    let cyrillic = |offset: u8| char::from_u32(0x400 + u32::from(offset)).unwrap_or('?');
    Some(match (*b.get(i)?, b.get(i + 1).copied().unwrap_or(0)) {
        (c @ (b'a'..=b'z' | b'0'..=b'9' | b'-'), _) => (char::from(c), 1, false),
        (c @ b'A'..=b'Z', _) => (char::from(c + 32), 1, true),
        // а-п, р-я
        (0xd0, c @ 0xb0..=0xbf) => (cyrillic(c - 0x80), 2, false),
        (0xd1, c @ 0x80..=0x8f) => (cyrillic(c - 0x40), 2, false),
        // А-Я → а-я; Ё, ё → е
        (0xd0, c @ 0x90..=0xaf) => (cyrillic(c - 0x90 + 0x30), 2, true),
        (0xd0, 0x81) | (0xd1, 0x91) => ('е', 2, true),
        _ => return None,
    })
}

/// `fold_str(word)` into `buf` for words of ASCII letters and digits, Russian letters and
/// hyphens (every generated form of a lexicon name); `false` (and `buf` unspecified) for any
/// other character. Unchanged runs are copied whole.
fn fold_simple(word: &str, buf: &mut String) -> bool {
    buf.clear();
    // The fold is as long as the word: one allocation at most.
    buf.reserve(word.len());
    let b = word.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        let Some((c, width, changed)) = simple_at(b, i) else { return false };
        if changed {
            buf.push_str(word.get(run..i).unwrap_or(""));
            buf.push(c);
            run = i + width;
        }
        i += width;
    }
    buf.push_str(word.get(run..).unwrap_or(""));
    true
}

/// Whether `fold_str(word) == folded`, without allocating for simple words.
fn folds_to(word: &str, folded: &str) -> bool {
    // The forms of one lemma share its stem and differ in the ending: the last letter
    // rules out most of them before the stem is compared.
    if last_fold_differs(word, folded) {
        return false;
    }
    let (b, f) = (word.as_bytes(), folded.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < b.len() {
        let Some((c, width, _)) = simple_at(b, i) else { return fold_str(word) == folded };
        let mut tmp = [0u8; 4];
        if f.get(j..j + width) != Some(c.encode_utf8(&mut tmp).as_bytes()) {
            return false;
        }
        i += width;
        j += width;
    }
    j == f.len()
}

/// Whether `folded` cannot end as `fold_str(word)` does: `word` ends in a simple character
/// (see [`simple_at`]), whose fold ends every fold of a word without `&` (only the entity
/// path of `fold_str` reads past a character), and `folded` does not end with that fold.
/// False when unsure.
#[inline]
fn last_fold_differs(word: &str, folded: &str) -> bool {
    let b = word.as_bytes();
    let start = match b {
        [.., last] if last.is_ascii() => b.len() - 1,
        // A 0xd0 or 0xd1 byte only ever leads a two-byte character.
        [.., 0xd0 | 0xd1, _] => b.len() - 2,
        _ => return false,
    };
    let Some((c, width, _)) = simple_at(b, start).filter(|&(_, w, _)| start + w == b.len()) else { return false };
    let mut tmp = [0u8; 4];
    let end = c.encode_utf8(&mut tmp).as_bytes();
    debug_assert_eq!(end.len(), width);
    !folded.as_bytes().ends_with(end) && !b.contains(&b'&')
}

/// Letters only (a hyphen allowed), ending in at least two Cyrillic letters: `Казахстан`,
/// and the mixed-script `Vласть` (→ `Vласти`), but not `Mail.ru`, `IT` or `2050`.
fn is_cyrillic_word(word: &str) -> bool {
    let cyrillic = |c: &char| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
    word.chars().all(|c| is_letter(c) || c == '-') && word.chars().rev().take(2).filter(cyrillic).count() == 2
}

/// All capitals, two letters or more (`МЦРИАП`, `РК`, `СБЕР`).
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|&c| is_letter(c)).count() >= 2 && !word.chars().any(is_lower)
}

/// Acronyms read as a word and ending in a consonant take case endings (`НИТа`, `СБЕРом`);
/// spelled-out or vowel-final ones (`РК`, `США`, `СНГ`) do not.
fn acronym_inflects(word: &str) -> bool {
    let lw = lower(word);
    let vowel = |c: char| "аеиоуыэюя".contains(c);
    lw.chars().count() >= 3
        && lw.chars().any(vowel)
        && lw.chars().last().is_some_and(|c| !vowel(c) && c != 'ь' && c != 'й')
}

/// What `gazetka dict forms WORDS` prints: the forms an `inflect=auto` alias written as
/// `alias` matches, by the shipped rules.
pub fn alias_forms(alias: &str, entity_type: EntityType) -> Vec<String> {
    Inflector::builtin().alias_forms(alias, entity_type).forms
}

/// The forms of one word by the shipped rules (used for hand-listed lexicon names).
pub fn word_forms(word: &str, class: WordClass) -> Vec<String> {
    Inflector::builtin().word_forms(word, class)
}

#[cfg(test)]
mod tests;
