//! Person names the dictionaries do not know, found from the name lexicons, initials, word
//! endings and role nouns: `Аскару Мамину`, `Мусин Багдат Батырбекович`, `Айдар Арифханулы`,
//! `Б.Б. Мусин`, `Мусин Б.Б.`, `БАГДАТ МУСИН`, `Жан-Мари Ле Пен`, `министр Мусин`,
//! `глава Сбербанка Греф`.
//!
//! Each match is a list of [`Part`]s (first name, patronymic, surname, initial) that
//! `canonical.rs` turns into the nominative name. Words that are both names and ordinary words
//! (`Вера`, `Роза`, `Лев`) count only next to another name part.

use super::doc::{Doc, LexInfo};
use super::names::NameGender;
use super::rules::{Ending, EntityRules};
use crate::dict::roles::RoleNouns;
use crate::model::EntityType;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartRole {
    First,
    Patronymic,
    Surname,
    Initial,
    /// A particle or an extra word of a foreign name (`Ле`, `аль`, `Абд`).
    Other,
}

#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub role: PartRole,
    /// Token range.
    pub from: usize,
    pub to: usize,
}

/// A person found by the rules: token range and parts.
#[derive(Clone, Debug)]
pub struct PersonMatch {
    pub from: usize,
    pub to: usize,
    pub parts: Vec<Part>,
}

/// Lower-case particles inside foreign names (`Жан-Мари Ле Пен`, `Людвиг ван Бетховен`).
const PARTICLES: &[&str] =
    &["ле", "де", "ван", "фон", "аль", "ди", "да", "дель", "ла", "бен", "эль", "ибн", "дер", "дю", "ур"];

fn part(role: PartRole, from: usize, to: usize) -> Part {
    Part { role, from, to }
}

/// The most parts a match has: a first name, a patronymic, a particle, a surname and a
/// foreign tail of two particles and two surnames.
const MAX_PARTS: usize = 8;

/// The parts of a match that may grow, `first` first: room for [`MAX_PARTS`] up front, so
/// that adding parts never moves them (from one part the vector would regrow once or twice).
fn growing_parts(first: Part) -> Vec<Part> {
    let mut parts = Vec::with_capacity(MAX_PARTS);
    parts.push(first);
    parts
}

struct Finder<'a, 'd, 't, 'l> {
    doc: &'d Doc<'t, 'l>,
    roles: &'a RoleNouns,
    /// What each token is as a name part ([`Finder::NAMEY`] and the others), computed up
    /// front: the rules ask it of the same token many times, and the document does not
    /// change meanwhile.
    flags: Vec<u8>,
}

impl Finder<'_, '_, '_, '_> {
    /// [`Finder::namey`].
    const NAMEY: u8 = 1;
    /// [`Finder::first`].
    const FIRST: u8 = 2;
    /// [`Finder::clean_first`].
    const CLEAN_FIRST: u8 = 4;
    /// [`Finder::patronymic`].
    const PATRONYMIC: u8 = 8;
    /// [`Finder::surname_like`].
    const SURNAME_LIKE: u8 = 16;
    /// [`Finder::known_surname`].
    const KNOWN_SURNAME: u8 = 32;
    /// [`Finder::plain`].
    const PLAIN: u8 = 64;

    #[inline]
    fn is(&self, i: usize, flag: u8) -> bool {
        self.flags.get(i).is_some_and(|&f| f & flag != 0)
    }

    /// A capitalised word that is neither listed as not-a-name, nor a place, nor all-caps noise,
    /// nor a place marker or organisation head noun (`Улицу Шевченко`, `Комитет Иванова`).
    #[inline]
    fn namey(&self, i: usize) -> bool {
        self.is(i, Self::NAMEY)
    }

    /// [`Finder::word_flags`]' mark of a word in capitals with neither a first-name nor a
    /// surname reading: `namey` only on a shouting line. Never in [`Finder::compute_flags`]'
    /// answer.
    const SHOUT_ONLY: u8 = 128;

    /// The flags of token `i`, by the definitions of [`Finder::first`] and the others: the
    /// word's own ([`Finder::word_flags`], remembered per word across documents) combined
    /// with what depends on the token's place (taken, on a shouting line) and on the role
    /// nouns (asked per document, as the definition asks them).
    fn compute_flags(doc: &Doc, rules: &EntityRules, roles: &RoleNouns, i: usize) -> u8 {
        let word = doc.remembered_person(i, || Self::word_flags(doc, rules, i));
        if word & Self::NAMEY == 0 || !doc.free(i) || (word & Self::SHOUT_ONLY != 0 && !doc.shout(i)) {
            return 0;
        }
        let not_first = word & Self::FIRST != 0 && doc.role(roles, i).is_some();
        word & !Self::SHOUT_ONLY & if not_first { !(Self::FIRST | Self::CLEAN_FIRST) } else { !0 }
    }

    /// What [`Finder::compute_flags`] says of token `i` from its word alone: the token taken
    /// as free and, for a word in capitals, on a shouting line unless [`Finder::SHOUT_ONLY`]
    /// says it must be; `FIRST` and `CLEAN_FIRST` before the role-noun test. `Noun` reads
    /// as none, as in [`Doc::ending`].
    fn word_flags(doc: &Doc, rules: &EntityRules, i: usize) -> u8 {
        let d = doc;
        if !Self::namey_word(d, i) {
            return 0;
        }
        let lex = d.lex(i);
        let shout_only = d.caps(i) && lex.first.is_none() && lex.surname.is_none();
        let ending = d.ending(rules, i);
        let reading = Self::reading_flags(lex, ending, lex.first.is_some(), d.caps(i));
        Self::NAMEY | if shout_only { Self::SHOUT_ONLY } else { 0 } | reading
    }

    /// The part of [`Finder::namey`] that holds of token `i`'s word alone: a capitalised
    /// word of two or more characters, not Latin, not listed as not-a-name, place marker or
    /// organisation word.
    fn namey_word(d: &Doc, i: usize) -> bool {
        d.is_word(i)
            && d.cap(i)
            && !d.latin(i)
            && d.not_name(i).is_none()
            && d.listed(i).loc.is_none()
            && d.listed(i).org.is_none()
            && d.w(i).chars().nth(1).is_some()
    }

    /// The flags after `NAMEY` of a `namey` word with readings `lex` and `ending` (`Noun`
    /// read as none), `first` saying whether it counts as a first name.
    fn reading_flags(lex: &LexInfo, ending: Option<Ending>, first: bool, caps: bool) -> u8 {
        let clean_first = first && !lex.first.is_some_and(|f| f.common_word);
        let patronymic = lex.patronymic.is_some() || ending == Some(Ending::Patronymic);
        let surname_like = if lex.surname.is_some() {
            true
        } else if lex.toponym.is_some() && lex.first.is_none() {
            false
        } else {
            !matches!(ending, Some(Ending::Adjective | Ending::Patronymic))
        };
        let known_surname = lex.surname.is_some_and(|s| !s.common_word) || ending == Some(Ending::Surname);
        let plain = surname_like && lex.toponym.is_none() && !caps && ending.is_none();
        (if first { Self::FIRST } else { 0 })
            | if clean_first { Self::CLEAN_FIRST } else { 0 }
            | if patronymic { Self::PATRONYMIC } else { 0 }
            | if surname_like { Self::SURNAME_LIKE } else { 0 }
            | if known_surname { Self::KNOWN_SURNAME } else { 0 }
            | if plain { Self::PLAIN } else { 0 }
    }

    /// [`Finder::compute_flags`] by its definition, token by token.
    #[cfg(test)]
    fn flags_simple(doc: &Doc, rules: &EntityRules, roles: &RoleNouns, i: usize) -> u8 {
        let d = doc;
        let namey = d.free(i)
            && Self::namey_word(d, i)
            && (!d.caps(i) || d.shout(i) || d.lex(i).first.is_some() || d.lex(i).surname.is_some());
        if !namey {
            return 0;
        }
        let lex = d.lex(i);
        let ending = d.ending(rules, i);
        let first = lex.first.is_some() && d.role(roles, i).is_none();
        Self::NAMEY | Self::reading_flags(lex, ending, first, d.caps(i))
    }

    /// A first name, unless the word is also a role noun (`Аким Алматы`).
    fn first(&self, i: usize) -> bool {
        self.is(i, Self::FIRST)
    }

    /// A first name that is no ordinary word.
    fn clean_first(&self, i: usize) -> bool {
        self.is(i, Self::CLEAN_FIRST)
    }

    /// A known patronymic, or a `namey` word with a patronymic's ending.
    fn patronymic(&self, i: usize) -> bool {
        self.is(i, Self::PATRONYMIC)
    }

    /// Could be a surname: a listed surname, or an unknown capitalised word that is no
    /// first name, place or adjective.
    #[inline]
    fn surname_like(&self, i: usize) -> bool {
        self.is(i, Self::SURNAME_LIKE)
    }

    /// A listed surname that is no ordinary word, or a surname's ending.
    fn known_surname(&self, i: usize) -> bool {
        self.is(i, Self::KNOWN_SURNAME)
    }

    /// Surname-like, not a place, not in capitals, and no telling ending: an unknown
    /// capitalised word.
    fn plain(&self, i: usize) -> bool {
        self.is(i, Self::PLAIN)
    }

    /// Particles and extra capitalised words of a long foreign name after `j`.
    fn foreign_tail(&self, mut j: usize, parts: &mut Vec<Part>) -> usize {
        for _ in 0..2 {
            let d = self.doc;
            if d.free(j) && PARTICLES.contains(&d.fw(j)) && self.surname_like(j + 1) {
                parts.push(part(PartRole::Other, j, j + 1));
                j += 1;
            } else if self.surname_like(j) && !self.first(j) && d.lex(j).toponym.is_none() {
                if let Some(last) = parts.last_mut() {
                    last.role = PartRole::Other;
                }
            } else {
                break;
            }
            parts.push(part(PartRole::Surname, j, j + 1));
            j += 1;
        }
        j
    }

    fn at(&self, i: usize) -> Option<PersonMatch> {
        let d = self.doc;
        // Initials first: `Б. Мусин`, `Б.Б. Мусин`, `К.-Ж. Токаев`.
        if let Some(j) = d.initial(i) {
            let k = d.initial(j).unwrap_or(j);
            if self.surname_like(k) && !self.first(k) {
                let parts = vec![part(PartRole::Initial, i, k), part(PartRole::Surname, k, k + 1)];
                return Some(PersonMatch { from: i, to: k + 1, parts });
            }
            return None;
        }
        if !self.namey(i) {
            return None;
        }
        // Surname first, official style: `Мусин Багдат Батырбекович`.
        if self.surname_like(i) && !self.first(i) && self.first(i + 1) && (!d.sent_start(i) || self.known_surname(i)) {
            if self.patronymic(i + 2) {
                let parts = vec![
                    part(PartRole::Surname, i, i + 1),
                    part(PartRole::First, i + 1, i + 2),
                    part(PartRole::Patronymic, i + 2, i + 3),
                ];
                return Some(PersonMatch { from: i, to: i + 3, parts });
            }
            if self.known_surname(i) && !self.surname_like(i + 2) {
                let parts = vec![part(PartRole::Surname, i, i + 1), part(PartRole::First, i + 1, i + 2)];
                return Some(PersonMatch { from: i, to: i + 2, parts });
            }
        }
        // Surname then initials: `Мусин Б.Б.`.
        if self.surname_like(i) && !self.first(i) {
            if let Some(j) = d.initial(i + 1) {
                let k = d.initial(j).unwrap_or(j);
                let parts = vec![part(PartRole::Surname, i, i + 1), part(PartRole::Initial, i + 1, k)];
                return Some(PersonMatch { from: i, to: k, parts });
            }
        }
        // First name, patronymic, surname.
        if self.first(i) {
            let mut parts = growing_parts(part(PartRole::First, i, i + 1));
            let mut j = i + 1;
            if self.patronymic(j) {
                parts.push(part(PartRole::Patronymic, j, j + 1));
                j += 1;
            }
            if d.free(j) && PARTICLES.contains(&d.fw(j)) && self.surname_like(j + 1) {
                parts.push(part(PartRole::Other, j, j + 1));
                j += 1;
            }
            // A second first name is a surname (`Джоэл Саймон`, `Джеффри Уильямс`) unless a
            // surname follows it, when it starts the next person (`Аскар Мамин`).
            let next_person = self.clean_first(j) && d.lex(j).surname.is_none() && self.surname_like(j + 1);
            if self.surname_like(j) && !next_person {
                parts.push(part(PartRole::Surname, j, j + 1));
                j += 1;
                j = self.foreign_tail(j, &mut parts);
            }
            let common = d.lex(i).first.is_some_and(|f| f.common_word);
            if parts.len() > 1 || (!common && !d.sent_start(i)) || (!common && d.lex(i).surname.is_none()) {
                return Some(PersonMatch { from: i, to: j, parts });
            }
            return None;
        }
        // An unknown capitalised word before a surname-shaped one (`Павел Виноградов`), or two
        // unknown capitalised words inside a sentence (`Зденко Кожул`): a first name and a surname.
        if self.plain(i) && d.lex(i).surname.is_none() {
            let next_surname = self.known_surname(i + 1) && d.lex(i + 1).toponym.is_none() && !self.first(i + 2);
            if next_surname || (!d.sent_start(i) && self.plain(i + 1)) {
                let mut parts = growing_parts(part(PartRole::First, i, i + 1));
                parts.push(part(PartRole::Surname, i + 1, i + 2));
                let j = self.foreign_tail(i + 2, &mut parts);
                return Some(PersonMatch { from: i, to: j, parts });
            }
        }
        // A known surname alone, or any surname-like word after a role noun (asked last: it
        // looks up the words before).
        if !self.surname_like(i) {
            return None;
        }
        let after_role = self.after_role(i);
        if after_role || (self.known_surname(i) && !d.sent_start(i)) {
            let mut parts = growing_parts(part(PartRole::Surname, i, i + 1));
            let mut j = i + 1;
            if after_role && self.surname_like(j) && !self.first(j) {
                parts[0].role = PartRole::First;
                parts.push(part(PartRole::Surname, j, j + 1));
                j += 1;
            }
            return Some(PersonMatch { from: i, to: j, parts });
        }
        None
    }

    /// Whether a role noun naming a person stands right before `i`, possibly with the
    /// organisation or place it heads in between (`глава Сбербанка Греф`).
    fn after_role(&self, i: usize) -> bool {
        let d = self.doc;
        let is_role = |k: usize| d.is_word(k) && !d.cap(k) && d.role(self.roles, k) == Some(EntityType::Per);
        if i >= 1 && is_role(i - 1) {
            return true;
        }
        if i >= 2 && (d.taken(i - 1) || d.caps(i - 1)) && is_role(i - 2) {
            return true;
        }
        // The mention in between may be several tokens long.
        let mut k = i;
        while k > 0 && d.taken(k - 1) && i - k < 6 {
            k -= 1;
        }
        k < i && k > 0 && is_role(k - 1)
    }
}

/// Every person match among the free tokens of `doc`, left to right, non-overlapping.
pub fn find_persons(doc: &Doc, rules: &EntityRules, roles: &RoleNouns) -> Vec<PersonMatch> {
    // Only capitalised words (all in `Doc::starts`) are `namey`: the others' flags stay 0.
    let mut flags = vec![0u8; doc.len()];
    for &i in &doc.starts {
        let i = i as usize;
        if doc.cap(i) {
            flags[i] = Finder::compute_flags(doc, rules, roles, i);
        }
    }
    let f = Finder { doc, roles, flags };
    // Room for a match every four starts (fewer in most texts): no regrowth.
    let mut out = Vec::with_capacity(doc.starts.len() / 4);
    // The next token not inside a match.
    let mut next = 0;
    for &i in &doc.starts {
        let i = i as usize;
        // Every rule starts at a capitalised word (an initial included).
        if i < next || !doc.cap(i) {
            continue;
        }
        match f.at(i) {
            Some(m) if m.to > i => {
                next = m.to;
                out.push(m);
            }
            _ => {}
        }
    }
    out
}

/// Each capitalised rule start's flags in `doc`: as `find_persons` computes them, and by
/// their definition (tests).
#[cfg(test)]
pub(super) fn flags_both_ways(doc: &Doc, rules: &EntityRules, roles: &RoleNouns) -> Vec<(usize, u8, u8)> {
    let caps = doc.starts.iter().map(|&i| i as usize).filter(|&i| doc.cap(i));
    caps.map(|i| (i, Finder::compute_flags(doc, rules, roles, i), Finder::flags_simple(doc, rules, roles, i))).collect()
}

/// The gender a person match implies: first name, patronymic, then surname ending.
pub fn gender_of(doc: &Doc, m: &PersonMatch) -> NameGender {
    for p in &m.parts {
        if p.role == PartRole::First {
            if let Some(g) = doc.gender_of_first(p.from).filter(|g| *g != NameGender::Common) {
                return g;
            }
        }
    }
    for p in &m.parts {
        let w = doc.fw(p.from);
        match p.role {
            PartRole::Patronymic if w.ends_with("вна") || w.ends_with("чна") || w.ends_with("кызы") => {
                return NameGender::Fem
            }
            PartRole::Patronymic if w.contains("вн") || w.contains("чн") => return NameGender::Fem,
            PartRole::Patronymic => return NameGender::Masc,
            PartRole::Surname => {
                if let Some(s) = doc.lex(p.from).surname {
                    if s.gender != NameGender::Common {
                        return s.gender;
                    }
                }
            }
            _ => {}
        }
    }
    NameGender::Common
}
