//! The rule data of the entity recognisers, read from `DIR/rules/*.tsv` and compiled into hash
//! tables keyed by folded words: organisation heads and descriptors, legal forms, place
//! markers, words that are never names, widget phrases and the endings that tell a surname,
//! a patronymic or an adjective.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::words::Listed;
use crate::dict::inflect::{Inflector, WordClass};
use crate::dict::{tsv, Diagnostics, DictDirs};
use crate::text::fold_str;

/// Rule tables by folded word (rustc-hash's hasher: short keys, not attacker-chosen).
pub type WordMap<V> = rustc_hash::FxHashMap<String, V>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgRole {
    Head,
    Descriptor,
    Both,
    Link,
}

#[derive(Clone, Debug)]
pub struct OrgWord {
    pub role: OrgRole,
    /// A head that starts a name in lower case too, when a genitive chain follows
    /// (`министерстве финансов`, `комитетом ООН против пыток`).
    pub lower: bool,
    /// The dictionary form (`министерство`), for canonical names.
    pub lemma: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocPosition {
    Before,
    After,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocMarker {
    pub position: LocPosition,
    /// Written as an abbreviation: a dot must follow (`г.`).
    pub dotted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotName {
    Month,
    Weekday,
    Function,
    Common,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Surname,
    SurnameAdj,
    Patronymic,
    Adjective,
    Verb,
    /// A noun ending that overrides a shorter verb ending (`торговли`, not `-ли`).
    Noun,
}

/// What a word-start of `org_prefixes.tsv` says about a capitalised word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefixKind {
    /// A compound agency name (`Минсвязи`, `Росприроднадзор`, `Госдепартамент`).
    Org,
    /// An exception (`Росси-я`, `Госпо-дь`): not an organisation.
    Not,
}

/// Compiled rule data (`Send + Sync`).
#[derive(Debug)]
pub struct EntityRules {
    pub(super) org_words: WordMap<OrgWord>,
    /// Legal forms as token sequences, exactly as written (`["РГП", "на", "ПХВ"]`).
    pub(super) legal_forms: WordMap<Vec<Vec<String>>>,
    pub(super) loc_markers: WordMap<LocMarker>,
    pub(super) not_names: WordMap<NotName>,
    /// Widget phrases as folded token sequences, keyed by their first word.
    pub(super) widgets: WordMap<Vec<Vec<String>>>,
    pub(super) endings: WordMap<Ending>,
    pub(super) max_ending_chars: usize,
    /// Word starts of compound agency names and their exceptions (`org_prefixes.tsv`).
    pub(super) org_prefixes: WordMap<PrefixKind>,
    pub(super) max_prefix_chars: usize,
    /// Endings of lower-case adjectives that join an organisation name after them
    /// (`японского МИДа`, `российском министерстве финансов`; `org_modifiers.tsv`).
    pub(super) org_modifiers: WordMap<()>,
    pub(super) max_modifier_chars: usize,
    /// Nouns before a quoted title that is not an organisation (`корабля «Союз»`;
    /// `title_nouns.tsv`).
    pub(super) title_nouns: WordMap<()>,
    pub(super) inflector: Inflector,
    /// `org_words`, `loc_markers` and `not_names` by folded word, in one table: a new token
    /// costs one probe, not three.
    listed: WordMap<Listed>,
    /// Tells these rules from any other set loaded in the run, for the per-thread memos of
    /// `memo.rs`; never 0.
    id: u64,
}

fn forms_or_generated(word: &str, forms: &str, inflector: &Inflector) -> Vec<String> {
    let mut out = vec![fold_str(word.trim_end_matches('.'))];
    if forms.is_empty() {
        if word.contains(' ') || word.ends_with('.') {
            return out;
        }
        out.extend(inflector.word_forms(word, WordClass::Noun).iter().map(|f| fold_str(f)));
    } else {
        out.extend(forms.split('|').map(str::trim).filter(|f| !f.is_empty()).map(fold_str));
    }
    out
}

/// A fresh id for a set of rules (starting at 1: a memo that never saw rules has owner 0).
fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl EntityRules {
    /// The id that tells these rules from any other set loaded in this run.
    pub(super) fn id(&self) -> u64 {
        self.id
    }

    /// Loads `org_heads.tsv`, `legal_forms.tsv`, `loc_markers.tsv`, `not_names.tsv` and
    /// `name_endings.tsv` of every folder. Bad rows are reported with `file:line`; the good
    /// ones load.
    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> EntityRules {
        let inflector = Inflector::load(dirs, diagnostics);
        let mut rules = EntityRules {
            org_words: WordMap::default(),
            legal_forms: WordMap::default(),
            loc_markers: WordMap::default(),
            not_names: WordMap::default(),
            widgets: WordMap::default(),
            endings: WordMap::default(),
            max_ending_chars: 0,
            org_prefixes: WordMap::default(),
            max_prefix_chars: 0,
            org_modifiers: WordMap::default(),
            max_modifier_chars: 0,
            title_nouns: WordMap::default(),
            inflector,
            listed: WordMap::default(),
            id: next_id(),
        };
        for path in dirs.rule_files("org_heads.tsv") {
            rules.add_org_heads(&path, diagnostics);
        }
        for path in dirs.rule_files("legal_forms.tsv") {
            rules.add_legal_forms(&path, diagnostics);
        }
        for path in dirs.rule_files("loc_markers.tsv") {
            rules.add_loc_markers(&path, diagnostics);
        }
        for path in dirs.rule_files("not_names.tsv") {
            rules.add_not_names(&path, diagnostics);
        }
        for path in dirs.rule_files("name_endings.tsv") {
            rules.add_endings(&path, diagnostics);
        }
        for path in dirs.rule_files("org_prefixes.tsv") {
            rules.add_org_prefixes(&path, diagnostics);
        }
        for path in dirs.rule_files("org_modifiers.tsv") {
            rules.add_org_modifiers(&path, diagnostics);
        }
        for path in dirs.rule_files("title_nouns.tsv") {
            rules.add_title_nouns(&path, diagnostics);
        }
        rules.listed = rules.compile_listed();
        rules
    }

    /// What the tables list for each folded word they hold, in one map (see [`Listed`]).
    fn compile_listed(&self) -> WordMap<Listed> {
        let mut listed: WordMap<Listed> = WordMap::default();
        for (word, w) in &self.org_words {
            let l = listed.entry(word.clone()).or_default();
            (l.org, l.org_lower) = (Some(w.role), w.lower);
        }
        for (word, m) in &self.loc_markers {
            listed.entry(word.clone()).or_default().loc = Some(*m);
        }
        for (word, n) in &self.not_names {
            listed.entry(word.clone()).or_default().not_name = Some(*n);
        }
        listed
    }

    /// What the tables list for a token written `written` that folds to `folded`.
    pub(super) fn listed(&self, written: &str, folded: &str) -> Listed {
        let mut l = self.listed.get(folded).copied().unwrap_or_default();
        l.legal = self.legal_forms.contains_key(written);
        l
    }

    fn add_org_heads(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["word", "role"], d) else { return };
        for row in &t.rows {
            let word = t.field(row, "word");
            let role = match t.field(row, "role") {
                "head" => OrgRole::Head,
                "descriptor" => OrgRole::Descriptor,
                "both" => OrgRole::Both,
                "link" => OrgRole::Link,
                other => {
                    d.error(path, row.line, format!("role is {other:?}; use head, descriptor, both or link"));
                    continue;
                }
            };
            if word.is_empty() {
                d.error(path, row.line, "empty word");
                continue;
            }
            let forms = if role == OrgRole::Link {
                vec![fold_str(word)]
            } else {
                forms_or_generated(word, t.field(row, "forms"), &self.inflector)
            };
            let lower = t.field(row, "lower") == "yes";
            for f in forms {
                let entry = self.org_words.entry(f).or_insert(OrgWord { role, lower, lemma: word.to_string() });
                entry.lower |= lower;
                if entry.role != role && entry.role != OrgRole::Link && role != OrgRole::Link {
                    entry.role = OrgRole::Both;
                }
            }
        }
    }

    fn add_legal_forms(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["form"], d) else { return };
        for row in &t.rows {
            let words: Vec<String> = t.field(row, "form").split_whitespace().map(str::to_string).collect();
            let Some(first) = words.first() else {
                d.error(path, row.line, "empty form");
                continue;
            };
            let list = self.legal_forms.entry(first.clone()).or_default();
            list.push(words);
            list.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
    }

    fn add_loc_markers(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["word", "position"], d) else { return };
        for row in &t.rows {
            let word = t.field(row, "word");
            let position = match t.field(row, "position") {
                "before" => LocPosition::Before,
                "after" => LocPosition::After,
                other => {
                    d.error(path, row.line, format!("position is {other:?}; use before or after"));
                    continue;
                }
            };
            if word.trim_end_matches('.').is_empty() {
                d.error(path, row.line, "empty word");
                continue;
            }
            let dotted = word.ends_with('.');
            for f in forms_or_generated(word, t.field(row, "forms"), &self.inflector) {
                self.loc_markers.insert(f, LocMarker { position, dotted });
            }
        }
    }

    fn add_not_names(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["word", "kind"], d) else { return };
        for row in &t.rows {
            let word = t.field(row, "word");
            if word.is_empty() {
                d.error(path, row.line, "empty word");
                continue;
            }
            let kind = match t.field(row, "kind") {
                "month" => NotName::Month,
                "weekday" => NotName::Weekday,
                "function" => NotName::Function,
                "common" => NotName::Common,
                "widget" => {
                    let words: Vec<String> = fold_str(word).split(' ').map(str::to_string).collect();
                    self.widgets.entry(words[0].clone()).or_default().push(words);
                    continue;
                }
                other => {
                    d.error(
                        path,
                        row.line,
                        format!("kind is {other:?}; use month, weekday, function, common or widget"),
                    );
                    continue;
                }
            };
            let forms = t.field(row, "forms");
            let forms = if kind == NotName::Function {
                vec![fold_str(word)]
            } else {
                forms_or_generated(word, forms, &self.inflector)
            };
            for f in forms {
                self.not_names.insert(f, kind);
            }
        }
    }

    fn add_endings(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["ending", "kind"], d) else { return };
        for row in &t.rows {
            let ending = fold_str(t.field(row, "ending"));
            let kind = match t.field(row, "kind") {
                "surname" => Ending::Surname,
                "surname_adj" => Ending::SurnameAdj,
                "patronymic" => Ending::Patronymic,
                "adjective" => Ending::Adjective,
                "verb" => Ending::Verb,
                "noun" => Ending::Noun,
                other => {
                    d.error(
                        path,
                        row.line,
                        format!("kind is {other:?}; use surname, surname_adj, patronymic, adjective, verb or noun"),
                    );
                    continue;
                }
            };
            if ending.is_empty() {
                d.error(path, row.line, "empty ending");
                continue;
            }
            self.max_ending_chars = self.max_ending_chars.max(ending.chars().count());
            self.endings.insert(ending, kind);
        }
    }

    fn add_org_prefixes(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["prefix", "kind"], d) else { return };
        for row in &t.rows {
            let prefix = fold_str(t.field(row, "prefix"));
            let kind = match t.field(row, "kind") {
                "org" => PrefixKind::Org,
                "not" => PrefixKind::Not,
                other => {
                    d.error(path, row.line, format!("kind is {other:?}; use org or not"));
                    continue;
                }
            };
            if prefix.is_empty() {
                d.error(path, row.line, "empty prefix");
                continue;
            }
            self.max_prefix_chars = self.max_prefix_chars.max(prefix.chars().count());
            self.org_prefixes.insert(prefix, kind);
        }
    }

    fn add_title_nouns(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["word"], d) else { return };
        for row in &t.rows {
            let word = t.field(row, "word");
            if word.is_empty() {
                d.error(path, row.line, "empty word");
                continue;
            }
            for f in forms_or_generated(word, t.field(row, "forms"), &self.inflector) {
                self.title_nouns.insert(f, ());
            }
        }
    }

    fn add_org_modifiers(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(t) = tsv::read_tsv(path, &["ending"], d) else { return };
        for row in &t.rows {
            let ending = fold_str(t.field(row, "ending"));
            if ending.is_empty() {
                d.error(path, row.line, "empty ending");
                continue;
            }
            self.max_modifier_chars = self.max_modifier_chars.max(ending.chars().count());
            self.org_modifiers.insert(ending, ());
        }
    }

    /// The kind of the longest listed word start of a folded word that leaves at least four
    /// more letters (`мин|связи`, `рос|природнадзор`); an exception applies at any length
    /// (`росси|я`, `министр`).
    pub fn org_prefix(&self, folded: &str) -> Option<PrefixKind> {
        let total = folded.chars().count();
        let mut found = None;
        for (n, (i, c)) in folded.char_indices().enumerate().take(self.max_prefix_chars) {
            match self.org_prefixes.get(&folded[..i + c.len_utf8()]) {
                Some(PrefixKind::Org) if total - n > 4 => found = Some(PrefixKind::Org),
                Some(PrefixKind::Org) => {}
                Some(PrefixKind::Not) => found = Some(PrefixKind::Not),
                None => {}
            }
        }
        found
    }

    /// Whether a folded lower-case word ends like an adjective that joins an organisation
    /// name after it (`японского`, `российском`).
    pub fn org_modifier(&self, folded: &str) -> bool {
        let chars = folded.chars().count();
        folded
            .char_indices()
            .filter(|&(i, _)| chars - folded[..i].chars().count() <= self.max_modifier_chars && i > 0)
            .any(|(i, _)| self.org_modifiers.contains_key(&folded[i..]))
    }

    /// The kind of the longest listed ending of a folded word, leaving a stem of at least
    /// two letters.
    pub fn ending(&self, folded: &str) -> Option<Ending> {
        // Byte offsets of the last `max_ending_chars` characters, nearest the end first.
        let mut starts = [0usize; 16];
        let max = self.max_ending_chars.min(starts.len());
        let mut found = 0;
        let mut total = 0;
        for (i, _) in folded.char_indices().rev() {
            if found < max {
                starts[found] = i;
                found += 1;
            }
            total += 1;
            if total > max + 2 {
                break;
            }
        }
        let usable = found.min(total.saturating_sub(2));
        (1..=usable).rev().find_map(|k| self.endings.get(&folded[starts[k - 1]..]).copied())
    }
}
