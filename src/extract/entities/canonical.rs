//! Canonical (nominative) names and stable ids for entities the rules found:
//! `Аскару Мамину` → `Аскар Мамин`, `Маминой` → `Мамина`, `БАГДАТ МУСИН` → `Багдат Мусин`;
//! ids made from type and canonical (`per:аскар-мамин`).
//!
//! Words the lexicon knows give their lemma; unknown ones are put back into the nominative by
//! trying candidate lemmas and keeping the one whose generated forms (the gazetteer's own
//! inflection tables) include the word as written.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use super::coref;
use super::doc::Doc;
use super::memo::Memo;
use super::names::NameGender;
use super::persons::{gender_of, PartRole, PersonMatch};
use super::rules::EntityRules;
use crate::dict::inflect::{Inflector, WordClass};
use crate::model::EntityType;
use crate::text::chars::{is_letter, is_letter_or_digit, is_lower, is_upper};
use crate::text::fold_str;

/// `per:аскар-мамин`: the type and the folded canonical, words joined by hyphens.
pub fn entity_id(ty: EntityType, canonical: &str) -> String {
    let mut id = String::with_capacity(canonical.len() + 4);
    id.extend(ty.as_str().chars().map(|c| c.to_ascii_lowercase()));
    id.push(':');
    let prefix = id.len();
    // Most names: letters, digits, spaces and plain punctuation fold one character at a
    // time, on their bytes; runs of lower-case letters and digits are copied whole.
    let b = canonical.as_bytes();
    let (mut i, mut run) = (0, 0);
    // A separator came since the last letter: a hyphen goes before the next one.
    let mut dash = false;
    while i < b.len() {
        // Lower-case letters and digits with no separator pending stay as they are: skipped
        // in a tight loop (copied with their run later).
        if !dash {
            while let Some((b'a'..=b'z' | b'0'..=b'9', _) | (0xd0, 0xb0..=0xbf) | (0xd1, 0x80..=0x8f)) =
                b.get(i).map(|&x| (x, b.get(i + 1).copied().unwrap_or(0)))
            {
                i += if b[i] < 0x80 { 1 } else { 2 };
            }
            if i >= b.len() {
                break;
            }
        }
        let (folded, width) = match (b[i], b.get(i + 1).copied().unwrap_or(0)) {
            (b'a'..=b'z' | b'0'..=b'9', _) => (None, 1),
            // а-п, р-я (not ё)
            (0xd0, 0xb0..=0xbf) | (0xd1, 0x80..=0x8f) => (None, 2),
            (c @ b'A'..=b'Z', _) => (Some(char::from(c + 32)), 1),
            (0xd0, c @ 0x90..=0xaf) => (char::from_u32(0x430 + u32::from(c - 0x90)), 2),
            (0xd0, 0x81) | (0xd1, 0x91) => (Some('е'), 2),
            (b' ' | b'-' | b'.' | b',' | b'"' | b'\'' | b'(' | b')', _) | (0xc2, 0xab | 0xbb) => {
                id.push_str(canonical.get(run..i).unwrap_or(""));
                dash = true;
                i += if b[i] == 0xc2 { 2 } else { 1 };
                run = i;
                continue;
            }
            _ => {
                id.truncate(prefix);
                return entity_id_folded(id, canonical);
            }
        };
        if dash || folded.is_some() {
            id.push_str(canonical.get(run..i).unwrap_or(""));
            run = i;
        }
        if dash && id.len() > prefix {
            id.push('-');
        }
        dash = false;
        if let Some(c) = folded {
            id.push(c);
            run = i + width;
        }
        i += width;
    }
    id.push_str(canonical.get(run..).unwrap_or(""));
    id
}

thread_local! {
    /// [`shared_name`]'s answers, by type and canonical.
    static NAMES: RefCell<Memo<(Arc<str>, Arc<str>)>> = RefCell::default();
}

/// The canonical and its [`entity_id`] as mentions share them (`Mention::canonical`),
/// remembered across documents (see `memo.rs`): the same names come back mention after
/// mention, and a long organisation name costs more to fold than to look up. A name met
/// before is neither folded nor copied again.
pub(super) fn shared_name(ty: EntityType, canonical: &str, rules: &EntityRules) -> (Arc<str>, Arc<str>) {
    NAMES.with_borrow_mut(|memo| {
        memo.get_or(rules, ty as u8, canonical, || (canonical.into(), entity_id(ty, canonical).into()))
    })
}

/// [`entity_id`] of any canonical, through [`fold_str`]; `id` holds the type prefix.
fn entity_id_folded(mut id: String, canonical: &str) -> String {
    let mut dash = false;
    for c in fold_str(canonical).chars() {
        if is_letter_or_digit(c) {
            if dash && !id.ends_with(':') {
                id.push('-');
            }
            dash = false;
            id.push(c);
        } else {
            dash = true;
        }
    }
    id
}

/// `БАГДАТ` → `Багдат`, `КАСЫМ-ЖОМАРТ` → `Касым-Жомарт`; other words unchanged.
pub fn title_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_title_case(&mut out, word);
    out
}

/// [`title_case`], borrowing `word` when it stays as it is (most names): a name met before
/// is then looked up in [`shared_name`] without a copy.
pub fn title_cased(word: &str) -> Cow<'_, str> {
    if needs_title_case(word) {
        Cow::Owned(title_case(word))
    } else {
        Cow::Borrowed(word)
    }
}

/// [`title_case`] of `word`, appended to `out`.
fn push_title_case(out: &mut String, word: &str) {
    if needs_title_case(word) {
        let mut start = true;
        for c in word.chars() {
            if start {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            start = !is_letter(c);
        }
    } else {
        out.push_str(word);
    }
}

/// Whether [`title_case`] changes `word`: no lower-case letter and more than one letter.
fn needs_title_case(word: &str) -> bool {
    !word.chars().any(is_lower) && word.chars().filter(|&c| is_letter(c)).count() > 1
}

/// `аскар` → `Аскар`, `жан-мари` → `Жан-Мари` (the lexicon's lemmas are lower case).
pub fn capitalise(lemma: &str) -> String {
    let mut out = String::with_capacity(lemma.len());
    capitalise_into(&mut out, lemma);
    out
}

/// [`capitalise`] of `lemma`, appended to `out`: the letters after a start copied as runs.
fn capitalise_into(out: &mut String, lemma: &str) {
    let mut start = true;
    // Start of the bytes not yet copied (they stay as they are).
    let mut run = 0;
    for (i, c) in lemma.char_indices() {
        if start {
            out.push_str(lemma.get(run..i).unwrap_or(""));
            match c {
                // Russian and ASCII letters without the Unicode case tables.
                'а'..='я' => out.push(char::from_u32(c as u32 - 0x20).unwrap_or(c)),
                'ё' => out.push('Ё'),
                _ if c.is_ascii() => out.push(c.to_ascii_uppercase()),
                _ => out.extend(c.to_uppercase()),
            }
            run = i + c.len_utf8();
        }
        start = c == '-' || c == ' ';
    }
    out.push_str(lemma.get(run..).unwrap_or(""));
}

#[cfg(test)]
#[test]
fn capitalise_agrees_with_to_uppercase() {
    let slow = |lemma: &str| {
        let mut out = String::new();
        let mut start = true;
        for c in lemma.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            start = c == '-' || c == ' ';
        }
        out
    };
    for lemma in ["аскар", "жан-мари", "ёлкин", "яна", "john smith", "әлия", "ß", "1a", "-я", ""]
    {
        assert_eq!(capitalise(lemma), slow(lemma), "{lemma}");
    }
    for c in ('\u{0}'..='\u{500}').filter(|c| !c.is_control()) {
        let s = c.to_string();
        assert_eq!(capitalise(&s), slow(&s), "{c:?}");
    }
}

/// The lemma of `word` by the paradigm of `class`: the word itself when `maybe_nominative`
/// and it is its own first form; otherwise a candidate whose forms contain the word.
pub fn lemmatize(word: &str, class: WordClass, maybe_nominative: bool, inflector: &Inflector) -> String {
    let folded = fold_str(word);
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let upper_tail = chars.last().is_some_and(|&(_, c)| is_upper(c));
    let first_k = usize::from(!maybe_nominative);
    // Each candidate is built in this one buffer: no allocation per candidate.
    let mut candidate = String::with_capacity(word.len() + 8);
    for k in first_k..=3.min(chars.len().saturating_sub(2)) {
        let stem = match k {
            0 => word,
            _ => chars.get(chars.len() - k).and_then(|&(at, _)| word.get(..at)).unwrap_or(word),
        };
        for ending in ["", "а", "я", "й", "ь", "ий", "ой", "ая", "о"] {
            if k == 0 && !ending.is_empty() {
                continue;
            }
            candidate.clear();
            candidate.push_str(stem);
            if upper_tail {
                candidate.extend(ending.chars().flat_map(char::to_uppercase));
            } else {
                candidate.push_str(ending);
            }
            if inflector.has_folded_form(&candidate, class, &folded) {
                return candidate;
            }
        }
    }
    word.to_string()
}

thread_local! {
    /// [`lemmatize`]'s answers, by class, `maybe_nominative` and word.
    static LEMMAS: RefCell<Memo<String>> = RefCell::default();
}

/// [`lemmatize`] by the rules' inflector, remembered across documents (see `memo.rs`), title
/// cased onto `out` (borrowed from the memo: no copy).
fn push_lemma(out: &mut String, word: &str, class: WordClass, maybe_nominative: bool, rules: &EntityRules) {
    let tag = (class as u8) << 1 | u8::from(maybe_nominative);
    LEMMAS.with_borrow_mut(|memo| {
        let lemma = memo.get_or_ref(rules, tag, word, || lemmatize(word, class, maybe_nominative, &rules.inflector));
        push_title_case(out, lemma);
    })
}

/// How one part of a person's name is written in its canonical.
enum PartForm<'a> {
    /// As written.
    Written,
    /// The lexicon's lemma, capitalised.
    Lemma(&'a str),
    /// Put back into the nominative by the paradigm of this role.
    Inflected(PartRole),
}

/// The nominative name of a person match.
pub fn person_canonical(doc: &Doc, m: &PersonMatch, rules: &EntityRules) -> String {
    let gender = gender_of(doc, m);
    // Whether the first name tells us the case.
    let first = m.parts.iter().find(|p| p.role == PartRole::First).and_then(|p| doc.lex(p.from).first);
    let nominative = first.map(|f| f.nominative);
    // About as long as the name as written.
    let mut out = String::with_capacity(doc.span(m.from, m.to.max(m.from + 1)).len() + 8);
    for (k, p) in m.parts.iter().enumerate() {
        let span = doc.span(p.from, p.to);
        let written = doc.text.get(span.start..span.end).unwrap_or("");
        let form = match p.role {
            PartRole::Initial | PartRole::Other => PartForm::Written,
            PartRole::First => match doc.lex(p.from).first {
                Some(f) => PartForm::Lemma(f.lemma),
                None => PartForm::Inflected(PartRole::First),
            },
            PartRole::Patronymic => match doc.lex(p.from).patronymic {
                Some(f) => PartForm::Lemma(f.lemma),
                None if nominative == Some(true) => PartForm::Written,
                None => PartForm::Inflected(PartRole::First),
            },
            PartRole::Surname => match doc.lex(p.from).surname {
                Some(s) if s.nominative || nominative != Some(true) => {
                    // The lexicon's surname lemma is the masculine form (`Иванова` → `иванов`).
                    if gender == NameGender::Fem || (s.gender != NameGender::Common && s.gender != gender) {
                        // The lexicon's first reading is the other gender's (`Мамину`: his dative, her accusative).
                        PartForm::Inflected(PartRole::Surname)
                    } else {
                        PartForm::Lemma(s.lemma)
                    }
                }
                _ if nominative == Some(true) => PartForm::Written,
                _ => PartForm::Inflected(PartRole::Surname),
            },
        };
        // The words joined by spaces.
        if k > 0 {
            out.push(' ');
        }
        match form {
            PartForm::Written => push_title_case(&mut out, written),
            PartForm::Lemma(lemma) => {
                // Capitalised in place, then title cased if it must be (rarely: lemmas are
                // lower case).
                let at = out.len();
                capitalise_into(&mut out, lemma);
                if needs_title_case(out.get(at..).unwrap_or("")) {
                    let capitalised = out.split_off(at);
                    push_title_case(&mut out, &capitalised);
                }
            }
            // The written word back to the nominative, as the inflector reads a name of this role.
            PartForm::Inflected(role) => {
                push_lemma(&mut out, written, class_of(role, gender), nominative != Some(false), rules)
            }
        }
    }
    out
}

/// A person's canonical name with what the mentions and coreference need of it, made once
/// per distinct written name (see [`person_name`]) and shared by every mention of it.
#[derive(Debug)]
pub struct PersonName {
    pub canonical: Arc<str>,
    /// The entity id: [`entity_id`] of the canonical for a rule person, the gazetteer's id
    /// for a dictionary one.
    pub id: Arc<str>,
    /// [`coref::split`] of the canonical.
    pub names: Rc<(String, String)>,
    /// The folded forms of the surname, asked only of established people.
    forms: OnceCell<Rc<[String]>>,
}

impl PersonName {
    pub fn new(canonical: Arc<str>, id: Arc<str>, rules: &EntityRules) -> PersonName {
        let names = coref::split(&canonical, rules);
        PersonName { canonical, id, names, forms: OnceCell::new() }
    }

    /// [`coref::surname_forms`] of the canonical's last word.
    pub fn forms(&self, rules: &EntityRules) -> Rc<[String]> {
        let last = || self.canonical.split_whitespace().last().unwrap_or("");
        self.forms.get_or_init(|| coref::surname_forms(last(), rules)).clone()
    }
}

thread_local! {
    /// [`person_name`]'s answers by written name (see [`person_key`]), with the lexicon's
    /// cache id they were read with, and a buffer for the key.
    static PERSON_NAMES: RefCell<(u64, Memo<Rc<PersonName>>, String)> = RefCell::default();
}

/// The [`PersonName`] of a person match: [`person_canonical`] and its id, remembered across
/// documents when the lexicon may be (`lexicon_id`: its [`NameLookup::cache_id`], 0 for
/// never). The canonical depends only on each part's role and written text (a part's
/// lexicon readings and folded word are those of its text): the key holds them.
///
/// [`NameLookup::cache_id`]: super::names::NameLookup::cache_id
pub fn person_name(doc: &Doc, m: &PersonMatch, rules: &EntityRules, lexicon_id: u64) -> Rc<PersonName> {
    let fresh = || {
        let (canonical, id) = shared_name(EntityType::Per, &person_canonical(doc, m, rules), rules);
        Rc::new(PersonName::new(canonical, id, rules))
    };
    if lexicon_id == 0 {
        return fresh();
    }
    PERSON_NAMES.with_borrow_mut(|(owner, memo, key)| {
        if *owner != lexicon_id {
            *memo = Memo::default();
            *owner = lexicon_id;
        }
        if !person_key(doc, m, key) {
            return fresh();
        }
        memo.get_or(rules, 0, key, fresh)
    })
}

/// Writes the key of [`person_name`] into `key`: the number of parts, each part's role and
/// byte range within the match (one character each), then the match's text; false (no key)
/// for a match longer than 127 bytes.
fn person_key(doc: &Doc, m: &PersonMatch, key: &mut String) -> bool {
    key.clear();
    if m.to <= m.from || m.parts.len() > 127 {
        return false;
    }
    let whole = doc.span(m.from, m.to);
    let Some(text) = doc.text.get(whole.start..whole.end).filter(|t| t.len() < 128) else { return false };
    key.push(char::from(m.parts.len() as u8));
    for p in &m.parts {
        if p.to <= p.from || p.from < m.from || p.to > m.to {
            return false;
        }
        let span = doc.span(p.from, p.to);
        key.push(match p.role {
            PartRole::First => 'F',
            PartRole::Patronymic => 'P',
            PartRole::Surname => 'S',
            PartRole::Initial => 'I',
            PartRole::Other => 'O',
        });
        // Within the match's text, shorter than 128 bytes: ASCII characters.
        key.push(char::from((span.start - whole.start) as u8));
        key.push(char::from((span.end - whole.start) as u8));
    }
    key.push_str(text);
    true
}

fn class_of(role: PartRole, gender: NameGender) -> WordClass {
    match (role, gender) {
        (PartRole::Surname, NameGender::Fem) => WordClass::FemSurname,
        (PartRole::Surname, _) => WordClass::MascSurname,
        (_, NameGender::Fem) => WordClass::FemName,
        _ => WordClass::MascName,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The per-character fast path of `entity_id` gives what folding the whole name gives.
        #[test]
        fn entity_id_fast_path_agrees(s in "\\PC{0,20}|[ \\-.,()«»\"'&;A-Za-zА-Яа-яЁё0-9]{0,30}") {
            proptest::prop_assert_eq!(entity_id(EntityType::Per, &s), entity_id_folded("per:".to_string(), &s));
        }
    }

    proptest::proptest! {
        /// `title_cased` gives what `title_case` gives (borrowing the words it leaves as they are).
        #[test]
        fn title_cased_agrees_with_title_case(s in "\\PC{0,12}|[ \\-A-Za-zА-Яа-яЁё]{0,16}") {
            let cased = title_cased(&s);
            proptest::prop_assert_eq!(&*cased, title_case(&s));
        }
    }

    #[test]
    fn entity_ids() {
        for (canonical, id) in [
            ("Аскар Мамин", "per:аскар-мамин"),
            ("Касым-Жомарт Токаев", "per:касым-жомарт-токаев"),
            ("Ёлкин", "per:елкин"),
            ("«Самрук-Казына»", "per:самрук-казына"),
            ("Билл &quot;Б&quot; Гейтс", "per:билл-б-гейтс"),
            ("Jean\u{301} Ле Пен", "per:jean-ле-пен"),
        ] {
            assert_eq!(entity_id(EntityType::Per, canonical), id, "{canonical}");
        }
    }
}
