//! One entity per person in a document: full names establish people (`Багдат Мусин`); shorter
//! mentions with the same surname (`Мусин`, `Мусина`, `Б. Мусин`, `БАГДАТ МУСИН`) join them,
//! and a lone capitalised word that is a form of an established surname becomes a `coref`
//! mention even where the rules alone would not take it (`Бхутто заявила`).

use std::cell::RefCell;
use std::rc::Rc;

use super::canonical::PersonName;
use super::memo::Memo;
use super::rules::EntityRules;
use crate::dict::inflect::{fold_word_into, WordClass};

/// A person established in the document: the name (shared with its mentions) and the folded
/// forms of its surname.
#[derive(Clone, Debug)]
pub struct Person {
    pub name: Rc<PersonName>,
    pub forms: Rc<[String]>,
    /// [`form_bit`] of every form: a word whose bit is not here is none of them.
    forms_mask: u64,
}

/// One bit of 64 for a folded word, by its length and last byte: the words of a set of
/// forms set their bits in a mask, and a word whose bit is off is none of them (a test
/// without comparing strings).
fn form_bit(word: &str) -> u64 {
    let b = word.as_bytes();
    let last = u32::from(b.last().copied().unwrap_or(0));
    1 << ((b.len() as u32).wrapping_mul(7).wrapping_add(last) & 63)
}

impl Person {
    /// Whether `word` (folded) is a form of the surname.
    fn has_form(&self, word: &str, bit: u64) -> bool {
        self.forms_mask & bit != 0 && self.forms.iter().any(|f| f == word)
    }

    fn first(&self) -> &str {
        &self.name.names.0
    }

    fn surname(&self) -> &str {
        &self.name.names.1
    }
}

/// The people of one document, in the order they were established.
#[derive(Default)]
pub struct People {
    pub people: Vec<Person>,
}

thread_local! {
    /// [`surname_forms`]' answers, by surname.
    static SURNAME_FORMS: RefCell<Memo<Rc<[String]>>> = RefCell::default();
}

/// The distinct folded forms of a surname, remembered across documents (see `memo.rs`).
pub(super) fn surname_forms(surname: &str, rules: &EntityRules) -> Rc<[String]> {
    SURNAME_FORMS.with_borrow_mut(|memo| {
        memo.get_or(rules, 0, surname, || {
            let class = if surname.ends_with('а') || surname.ends_with('я') {
                WordClass::FemSurname
            } else {
                WordClass::MascSurname
            };
            let mut forms: Vec<String> = Vec::new();
            rules.inflector.each_folded_form(surname, class, &mut |f| {
                if !forms.iter().any(|g| g == f) {
                    forms.push(f.to_string());
                }
            });
            forms.into()
        })
    })
}

thread_local! {
    /// [`split`]'s answers, by canonical name.
    static SPLITS: RefCell<Memo<Rc<(String, String)>>> = RefCell::default();
}

/// The folded first word (when there are two or more) and last word of a name, remembered
/// across documents (see `memo.rs`): the same names are compared mention after mention.
pub(super) fn split(canonical: &str, rules: &EntityRules) -> Rc<(String, String)> {
    SPLITS.with_borrow_mut(|memo| {
        memo.get_or(rules, 0, canonical, || {
            let mut words = canonical.split_whitespace();
            let (mut first, mut surname) = (String::new(), String::new());
            match (words.next(), words.last()) {
                (Some(head), Some(last)) => {
                    fold_word_into(head, &mut first);
                    fold_word_into(last, &mut surname);
                }
                (Some(only), None) => fold_word_into(only, &mut surname),
                _ => {}
            }
            Rc::new((first, surname))
        })
    })
}

/// Whether a first name and a first name or initial written elsewhere agree (`б.` and `багдат`).
fn compatible(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let (a, b) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
    a == b || ((a.chars().count() <= 2 || b.chars().count() <= 2) && a.chars().next() == b.chars().next())
}

impl People {
    /// Adds a person named in full (first name and surname at least) as `name()` names it
    /// (asked only for a new person; its canonical must be `canonical`); returns its index.
    pub fn establish(&mut self, canonical: &str, name: impl FnOnce() -> Rc<PersonName>, rules: &EntityRules) -> usize {
        self.establish_split(&split(canonical, rules), name, rules)
    }

    /// [`People::establish`] with the name's [`split`] at hand (a name both established and
    /// resolved is split once).
    pub fn establish_split(
        &mut self,
        names: &(String, String),
        name: impl FnOnce() -> Rc<PersonName>,
        rules: &EntityRules,
    ) -> usize {
        let (first, surname) = (&names.0, &names.1);
        if let Some(i) = self.people.iter().position(|p| p.surname() == surname && compatible(p.first(), first)) {
            return i;
        }
        let name = name();
        let forms = name.forms(rules);
        let forms_mask = forms.iter().fold(0, |mask, f| mask | form_bit(f));
        self.people.push(Person { name, forms, forms_mask });
        self.people.len() - 1
    }

    /// The person a short mention (`Мусин`, `Б. Мусин`, `Мусина`) refers to, given its
    /// canonical's [`split`] and its last written word folded (`fold_str`; for a token, its
    /// `Doc::fw`).
    pub fn resolve(&self, names: &(String, String), written: &str) -> Option<&Person> {
        let (first, surname) = (&names.0, &names.1);
        let bit = form_bit(written);
        self.people
            .iter()
            .rev()
            .find(|p| (p.surname() == surname || p.has_form(written, bit)) && compatible(p.first(), first))
    }

    /// The person whose surname has the folded form `word`.
    pub fn by_form(&self, folded_word: &str) -> Option<&Person> {
        let bit = form_bit(folded_word);
        self.people.iter().rev().find(|p| p.has_form(folded_word, bit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A word of a set of forms has its bit in the set's mask: the mask never hides a form.
        #[test]
        fn form_mask_keeps_every_form(forms in proptest::collection::vec("\\PC{0,12}", 0..20), other in "\\PC{0,12}") {
            let mask = forms.iter().fold(0, |mask, f| mask | form_bit(f));
            for f in &forms {
                proptest::prop_assert!(mask & form_bit(f) != 0);
            }
            if mask & form_bit(&other) == 0 {
                proptest::prop_assert!(!forms.contains(&other));
            }
        }
    }
}
