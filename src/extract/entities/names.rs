//! What the person and place rules need to know about a word from the name lexicons: is it a
//! first name, surname, patronymic or place name, of which gender, in the nominative or not,
//! and is it also an ordinary word (`Вера`, `Роза`).
//!
//! The rules speak to the lexicons through [`NameLookup`], so they run against the generated
//! OpenCorpora lexicon (`dict::lexicon::Lexicon`) and against the small [`NameList`] the table
//! tests build by hand alike.

use std::collections::HashMap;

use crate::dict::inflect::{Inflector, WordClass};
use crate::text::fold_str;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    First,
    Surname,
    Patronymic,
    Toponym,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameGender {
    Masc,
    Fem,
    Common,
}

/// One reading of a word form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameForm<'a> {
    /// The nominative singular (`Аскар` for `Аскару`).
    pub lemma: &'a str,
    /// The lemma's number in its lookup ([`NameLookup::lemma_text`] gives the lemma back).
    pub lemma_id: u32,
    pub kind: NameKind,
    pub gender: NameGender,
    /// Whether this form is the nominative singular (the form is its own canonical).
    pub nominative: bool,
    /// Whether the word is also an ordinary word (`вера`, `роза`, `лев`).
    pub common_word: bool,
}

/// A source of name readings, looked up by the folded word (`fold_str`: lower case, `ё` = `е`).
pub trait NameLookup {
    /// Calls `f` for every reading of `folded`.
    fn for_each_form<'s>(&'s self, folded: &str, f: &mut dyn FnMut(NameForm<'s>));

    /// Tells this lookup, as it reads now, from every other of the run, so a thread may
    /// remember its readings across documents; 0 (the default): never remembered.
    fn cache_id(&self) -> u64 {
        0
    }

    /// The lemma numbered `lemma_id` (see [`NameForm::lemma_id`]).
    fn lemma_text(&self, lemma_id: u32) -> &str;
}

/// A small in-memory name list: the tests' lexicon, and the fallback when no lexicon is loaded.
#[derive(Clone, Debug, Default)]
pub struct NameList {
    lemmas: Vec<(String, NameKind, NameGender, bool)>,
    /// folded form → (lemma index, nominative)
    forms: HashMap<String, Vec<(u32, bool)>>,
}

impl NameList {
    /// Adds a name and every form `inflector` generates for it.
    pub fn add(&mut self, lemma: &str, kind: NameKind, gender: NameGender, common_word: bool, inflector: &Inflector) {
        let class = match (kind, gender) {
            (NameKind::Surname, NameGender::Fem) => WordClass::FemSurname,
            (NameKind::Surname, NameGender::Masc) => WordClass::MascSurname,
            (NameKind::Surname | NameKind::First | NameKind::Patronymic, NameGender::Common) => WordClass::Indeclinable,
            (NameKind::First | NameKind::Patronymic, NameGender::Fem) => WordClass::FemName,
            (NameKind::First | NameKind::Patronymic, NameGender::Masc) => WordClass::MascName,
            (NameKind::Toponym, _) => WordClass::Auto,
        };
        let id = self.lemmas.len() as u32;
        self.lemmas.push((lemma.to_string(), kind, gender, common_word));
        let mut forms = inflector.word_forms(lemma, class);
        if kind == NameKind::Surname && gender == NameGender::Masc {
            // A masculine surname on -ов/-ин also names his wife (`Мамина`, `Маминой`).
            let fem = format!("{lemma}а");
            if inflector.word_forms(&fem, WordClass::FemSurname).len() > 1 {
                let fid = self.lemmas.len() as u32;
                self.lemmas.push((fem.clone(), kind, NameGender::Fem, common_word));
                for (i, f) in inflector.word_forms(&fem, WordClass::FemSurname).into_iter().enumerate() {
                    self.forms.entry(fold_str(&f)).or_default().push((fid, i == 0));
                }
            }
        }
        for (i, f) in forms.drain(..).enumerate() {
            let v = self.forms.entry(fold_str(&f)).or_default();
            if !v.iter().any(|&(l, _)| l == id) {
                v.push((id, i == 0));
            }
        }
    }

    /// The hand lists `DIR/lexicon/kz_*.tsv` (columns lemma, class, gender, forms): the
    /// fallback name source while no generated lexicon is loaded.
    pub fn load_lists(
        dirs: &crate::dict::DictDirs,
        inflector: &Inflector,
        d: &mut crate::dict::Diagnostics,
    ) -> NameList {
        let mut list = NameList::default();
        for name in ["kz_first_names.tsv", "kz_surnames.tsv", "kz_patronymics.tsv"] {
            for path in dirs.lexicon_files(name) {
                let Some(t) = crate::dict::tsv::read_tsv(&path, &["lemma", "class", "gender"], d) else { continue };
                for row in &t.rows {
                    let kind = match t.field(row, "class") {
                        "first" => NameKind::First,
                        "surname" => NameKind::Surname,
                        "patronymic" => NameKind::Patronymic,
                        "toponym" => NameKind::Toponym,
                        other => {
                            d.error(
                                &path,
                                row.line,
                                format!("class is {other:?}; use first, surname, patronymic or toponym"),
                            );
                            continue;
                        }
                    };
                    let gender = match t.field(row, "gender") {
                        "m" => NameGender::Masc,
                        "f" => NameGender::Fem,
                        _ => NameGender::Common,
                    };
                    let lemma = t.field(row, "lemma");
                    let id = list.lemmas.len() as u32;
                    list.add(lemma, kind, gender, false, inflector);
                    for f in t.field(row, "forms").split('|').map(str::trim).filter(|f| !f.is_empty()) {
                        list.forms.entry(fold_str(f)).or_default().push((id, false));
                    }
                }
            }
        }
        list
    }

    pub fn len(&self) -> usize {
        self.lemmas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lemmas.is_empty()
    }
}

impl NameLookup for NameList {
    fn for_each_form<'s>(&'s self, folded: &str, f: &mut dyn FnMut(NameForm<'s>)) {
        let Some(v) = self.forms.get(folded) else { return };
        for &(l, nominative) in v {
            let (lemma, kind, gender, common_word) = &self.lemmas[l as usize];
            f(NameForm { lemma, lemma_id: l, kind: *kind, gender: *gender, nominative, common_word: *common_word });
        }
    }

    fn lemma_text(&self, lemma_id: u32) -> &str {
        self.lemmas.get(lemma_id as usize).map_or("", |l| &l.0)
    }
}

impl NameLookup for crate::dict::lexicon::Lexicon {
    fn for_each_form<'s>(&'s self, folded: &str, f: &mut dyn FnMut(NameForm<'s>)) {
        use crate::dict::lexicon::{Case, Gender, NameClass};
        for form in self.lookup_folded(folded) {
            if form.plural {
                continue;
            }
            let kind = match form.class {
                NameClass::First => NameKind::First,
                NameClass::Surname => NameKind::Surname,
                NameClass::Patronymic => NameKind::Patronymic,
                NameClass::Toponym => NameKind::Toponym,
            };
            let gender = match form.gender {
                Gender::Masc => NameGender::Masc,
                Gender::Fem => NameGender::Fem,
                Gender::Common => NameGender::Common,
            };
            let nominative = match form.case {
                Some(case) => case == Case::Nom,
                None => fold_str(form.lemma) == folded,
            };
            f(NameForm {
                lemma: form.lemma,
                lemma_id: form.lemma_id.0,
                kind,
                gender,
                nominative,
                common_word: form.common_word,
            });
        }
    }

    fn cache_id(&self) -> u64 {
        self.id()
    }

    fn lemma_text(&self, lemma_id: u32) -> &str {
        self.lemma(crate::dict::lexicon::LemmaId(lemma_id))
    }
}

/// The expansion callback [`crate::dict::lexicon::Lexicon::load`] takes: the gazetteer's
/// inflection of a hand-listed name.
pub fn expand_with(
    inflector: &Inflector,
) -> impl Fn(&str, crate::dict::lexicon::NameClass, crate::dict::lexicon::Gender) -> Vec<String> + '_ {
    use crate::dict::lexicon::{Gender, NameClass};
    move |word, class, gender| {
        let class = match (class, gender) {
            (NameClass::Surname, Gender::Masc) => WordClass::MascSurname,
            (NameClass::Surname, Gender::Fem) => WordClass::FemSurname,
            (NameClass::First | NameClass::Patronymic, Gender::Masc) => WordClass::MascName,
            (NameClass::First | NameClass::Patronymic, Gender::Fem) => WordClass::FemName,
            (NameClass::Toponym, _) => WordClass::Auto,
            (_, Gender::Common) => WordClass::Indeclinable,
        };
        inflector.word_forms(word, class)
    }
}
