//! The rule data of the quote extractor, read from `dictionaries/rules/*.tsv` once and
//! compiled (speech cues into one Aho-Corasick automaton over folded text).
//!
//! Files: `speech_cues.tsv`, `quote_marks.tsv`, `quote_name_nouns.tsv`, `pronouns.tsv`,
//! `quote_words.tsv`, `org_noun_fits.tsv`. Each has a commented header explaining its columns.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::dict::{tsv, Diagnostics, DictDirs};
use crate::text::fold_str;

/// A hash map with a cheap hasher for short keys (folded words, ids) looked up per token;
/// the keys come from the rule files and the document, so hash flooding is not a concern.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Grammatical gender and number told by a cue form or a pronoun.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gender {
    Masc,
    Fem,
    Neut,
    Plural,
    /// The form does not tell.
    Any,
}

impl Gender {
    fn parse(s: &str) -> Option<Gender> {
        match s.trim() {
            "masc" => Some(Gender::Masc),
            "fem" => Some(Gender::Fem),
            "neut" => Some(Gender::Neut),
            "plural" => Some(Gender::Plural),
            "any" | "" => Some(Gender::Any),
            _ => None,
        }
    }
}

/// Where the speaker stands relative to a cue (see the header of `speech_cues.tsv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Construction {
    Subject,
    Intro,
    Source,
    Object,
}

/// One written form of a speech cue.
#[derive(Clone, Debug)]
pub(crate) struct CueForm {
    /// The row's lemma, for messages and tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub lemma: String,
    pub gender: Gender,
    pub direct: bool,
    pub indirect: bool,
    pub construction: Construction,
    /// How many leading words of the match are the cue as reported (`говорится [в]` → 1);
    /// `None` = all of it.
    pub shown_words: Option<usize>,
}

/// A function word's job (see `quote_words.tsv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordKind {
    Complementizer,
    Intro,
    Negation,
    Conjunction,
}

/// A personal pronoun (see `pronouns.tsv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pronoun {
    pub gender: Gender,
    pub nominative: bool,
}

/// A pattern on an organisation's folded canonical name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FitPattern {
    Any,
    Prefix(String),
    Contains(String),
    Exact(String),
}

impl FitPattern {
    fn parse(p: &str) -> Option<FitPattern> {
        let p = fold_str(p);
        if p == "*" {
            return Some(FitPattern::Any);
        }
        if p.is_empty() {
            return None;
        }
        let lead = p.starts_with('*');
        let trail = p.ends_with('*');
        let core = p.trim_matches('*').to_string();
        if core.is_empty() {
            return Some(FitPattern::Any);
        }
        Some(match (lead, trail) {
            (true, _) => FitPattern::Contains(core),
            (false, true) => FitPattern::Prefix(core),
            (false, false) => FitPattern::Exact(core),
        })
    }

    pub fn matches(&self, folded_name: &str) -> bool {
        match self {
            FitPattern::Any => true,
            FitPattern::Prefix(p) => folded_name.starts_with(p.as_str()),
            FitPattern::Contains(p) => folded_name.contains(p.as_str()),
            FitPattern::Exact(p) => folded_name == p,
        }
    }
}

/// One quotation-mark pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MarkPair {
    pub open: String,
    pub close: String,
}

/// Everything the quote extractor needs from the dictionaries, compiled once.
/// `Send + Sync`: workers share one.
pub struct QuoteRules {
    /// Tells these rules from any other set loaded in this run (for per-thread caches).
    id: u64,
    pub(crate) cue_automaton: Option<super::cues::CueMatcher>,
    /// Indexed by the automaton's pattern id.
    pub(crate) cue_forms: Vec<CueForm>,
    pub(crate) marks: Vec<MarkPair>,
    pub(crate) mark_set: super::marks::MarkSet,
    /// The bytes a document's [`super::stops::StopIndex`] holds: the mark set's stops and
    /// sentence punctuation.
    pub(crate) doc_stops: super::stops::StopSet,
    /// Folded forms of name/title nouns and legal forms.
    pub(crate) name_nouns: FastMap<String, String>,
    pub(crate) pronouns: FastMap<String, Pronoun>,
    pub(crate) words: FastMap<String, WordKind>,
    pub(crate) female_endings: Vec<String>,
    pub(crate) male_endings: Vec<String>,
    /// By the folded dictionary form of an organisation noun.
    pub(crate) org_fits: FastMap<String, Vec<FitPattern>>,
}

impl std::fmt::Debug for QuoteRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuoteRules")
            .field("cue_forms", &self.cue_forms.len())
            .field("marks", &self.marks.len())
            .field("name_nouns", &self.name_nouns.len())
            .field("pronouns", &self.pronouns.len())
            .finish()
    }
}

pub const CUES_FILE: &str = "speech_cues.tsv";
pub const MARKS_FILE: &str = "quote_marks.tsv";
pub const NAME_NOUNS_FILE: &str = "quote_name_nouns.tsv";
pub const PRONOUNS_FILE: &str = "pronouns.tsv";
pub const WORDS_FILE: &str = "quote_words.tsv";
pub const ORG_FITS_FILE: &str = "org_noun_fits.tsv";

impl QuoteRules {
    /// Reads every quote rule file of every dictionary folder; later folders add to earlier.
    /// Problems go to `diagnostics` as `file:line`; the good rows are kept. With no files at
    /// all the rules are empty and the extractor finds marks but no cues.
    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> QuoteRules {
        let mut rules = QuoteRules::empty();
        let mut seen_forms: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        for path in dirs.rule_files(CUES_FILE) {
            load_cues(&path, diagnostics, &mut rules.cue_forms, &mut patterns, &mut seen_forms);
        }
        for path in dirs.rule_files(MARKS_FILE) {
            load_marks(&path, diagnostics, &mut rules.marks);
        }
        for path in dirs.rule_files(NAME_NOUNS_FILE) {
            let Some(t) = tsv::read_tsv(&path, &["word"], diagnostics) else {
                continue;
            };
            for row in &t.rows {
                let word = t.field(row, "word");
                let forms = t.field(row, "forms");
                for f in std::iter::once(word).chain(forms.split('|')).map(fold_str).filter(|f| !f.is_empty()) {
                    rules.name_nouns.insert(f, word.to_string());
                }
            }
        }
        for path in dirs.rule_files(PRONOUNS_FILE) {
            let Some(t) = tsv::read_tsv(&path, &["form", "gender", "case"], diagnostics) else {
                continue;
            };
            for row in &t.rows {
                let Some(gender) = Gender::parse(t.field(row, "gender")) else {
                    diagnostics.error(
                        &path,
                        row.line,
                        format!("gender {:?}; use masc, fem, neut or plural", t.field(row, "gender")),
                    );
                    continue;
                };
                let nominative = match t.field(row, "case") {
                    "nom" => true,
                    "gen" => false,
                    other => {
                        diagnostics.error(&path, row.line, format!("case {other:?}; use nom or gen"));
                        continue;
                    }
                };
                rules.pronouns.insert(fold_str(t.field(row, "form")), Pronoun { gender, nominative });
            }
        }
        for path in dirs.rule_files(WORDS_FILE) {
            let Some(t) = tsv::read_tsv(&path, &["word", "kind"], diagnostics) else {
                continue;
            };
            for row in &t.rows {
                let word = fold_str(t.field(row, "word"));
                match t.field(row, "kind") {
                    "complementizer" => drop(rules.words.insert(word, WordKind::Complementizer)),
                    "intro" => drop(rules.words.insert(word, WordKind::Intro)),
                    "negation" => drop(rules.words.insert(word, WordKind::Negation)),
                    "conjunction" => drop(rules.words.insert(word, WordKind::Conjunction)),
                    "female_ending" => rules.female_endings.push(word),
                    "male_ending" => rules.male_endings.push(word),
                    other => diagnostics.error(
                        &path,
                        row.line,
                        format!("kind {other:?}; use complementizer, intro, negation, conjunction, female_ending or male_ending"),
                    ),
                }
            }
        }
        for path in dirs.rule_files(ORG_FITS_FILE) {
            let Some(t) = tsv::read_tsv(&path, &["noun", "fits"], diagnostics) else {
                continue;
            };
            for row in &t.rows {
                let fits: Vec<FitPattern> = t.field(row, "fits").split('|').filter_map(FitPattern::parse).collect();
                if fits.is_empty() {
                    diagnostics.error(&path, row.line, "no fits patterns (use * for any organisation)");
                    continue;
                }
                rules.org_fits.insert(fold_str(t.field(row, "noun")), fits);
            }
        }
        rules.mark_set = super::marks::MarkSet::new(&rules.marks);
        rules.doc_stops = super::stops::StopSet::new(super::context::DOC_STOPS.union(rules.mark_set.stops()));
        // Longest endings first, so `ская` wins over `ая`.
        rules.female_endings.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
        rules.male_endings.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
        if !patterns.is_empty() {
            match super::cues::CueMatcher::new(&patterns) {
                Ok(ac) => rules.cue_automaton = Some(ac),
                Err(e) => {
                    let path = dirs.rule_files(CUES_FILE).into_iter().next().unwrap_or_default();
                    diagnostics.error(&path, 0, format!("cannot compile speech cues: {e}"));
                }
            }
        }
        rules
    }

    /// Rules with nothing loaded.
    pub fn empty() -> QuoteRules {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        QuoteRules {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            cue_automaton: None,
            cue_forms: Vec::new(),
            marks: Vec::new(),
            mark_set: super::marks::MarkSet::new(&[]),
            doc_stops: super::stops::StopSet::new(super::context::DOC_STOPS),
            name_nouns: FastMap::default(),
            pronouns: FastMap::default(),
            words: FastMap::default(),
            female_endings: Vec::new(),
            male_endings: Vec::new(),
            org_fits: FastMap::default(),
        }
    }

    /// The id that tells these rules from any other set loaded in this run (never 0).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Number of speech-cue forms loaded.
    pub fn cue_count(&self) -> usize {
        self.cue_forms.len()
    }

    pub(crate) fn word_kind(&self, folded: &str) -> Option<WordKind> {
        self.words.get(folded).copied()
    }
}

fn load_cues(
    path: &Path,
    diagnostics: &mut Diagnostics,
    forms: &mut Vec<CueForm>,
    patterns: &mut Vec<String>,
    seen: &mut HashMap<String, usize>,
) {
    let Some(t) = tsv::read_tsv(path, &["lemma", "speech", "construction"], diagnostics) else {
        return;
    };
    for row in &t.rows {
        let lemma = t.field(row, "lemma");
        let (direct, indirect) = match t.field(row, "speech") {
            "direct" => (true, false),
            "indirect" => (false, true),
            "both" => (true, true),
            other => {
                diagnostics.error(path, row.line, format!("speech {other:?}; use direct, indirect or both"));
                continue;
            }
        };
        let construction = match t.field(row, "construction") {
            "subject" => Construction::Subject,
            "intro" => Construction::Intro,
            "source" => Construction::Source,
            "object" => Construction::Object,
            other => {
                diagnostics.error(
                    path,
                    row.line,
                    format!("construction {other:?}; use subject, intro, source or object"),
                );
                continue;
            }
        };
        let mut any = false;
        for (column, gender) in [
            ("masc", Gender::Masc),
            ("fem", Gender::Fem),
            ("neut", Gender::Neut),
            ("plural", Gender::Plural),
            ("other", Gender::Any),
        ] {
            for raw in t.field(row, column).split('|').map(str::trim).filter(|f| !f.is_empty()) {
                // `говорится [в]`: the bracketed words must follow but are not the cue.
                let shown_words = raw.find('[').map(|i| raw[..i].split_whitespace().count());
                let form = fold_str(&raw.replace(['[', ']'], ""));
                if form.is_empty() {
                    continue;
                }
                any = true;
                if let Some(&line) = seen.get(&form) {
                    diagnostics.warning(
                        path,
                        row.line,
                        format!("cue form {form:?} already given on line {line}; the first is kept"),
                    );
                    continue;
                }
                seen.insert(form.clone(), row.line);
                patterns.push(form);
                forms.push(CueForm { lemma: lemma.to_string(), gender, direct, indirect, construction, shown_words });
            }
        }
        if !any {
            diagnostics.error(path, row.line, format!("cue {lemma:?} has no forms (fill masc/fem/neut/plural/other)"));
        }
    }
}

fn load_marks(path: &Path, diagnostics: &mut Diagnostics, marks: &mut Vec<MarkPair>) {
    let Some(t) = tsv::read_tsv(path, &["open", "close"], diagnostics) else {
        return;
    };
    for row in &t.rows {
        let (open, close) = (t.field(row, "open"), t.field(row, "close"));
        if open.is_empty() || close.is_empty() {
            diagnostics.error(path, row.line, "open and close marks must both be given");
            continue;
        }
        if open.chars().any(char::is_alphanumeric) && !open.starts_with('&') {
            diagnostics.error(path, row.line, format!("mark {open:?} contains letters"));
            continue;
        }
        let pair = MarkPair { open: open.to_string(), close: close.to_string() };
        if !marks.contains(&pair) {
            marks.push(pair);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_load_cleanly() {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let mut d = Diagnostics::default();
        let rules = QuoteRules::load(&dirs, &mut d);
        assert!(d.items.is_empty(), "{:?}", d.items.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert!(rules.cue_count() > 200, "{}", rules.cue_count());
        assert!(rules.marks.len() >= 6);
        assert!(rules.name_nouns.contains_key("холдингом"));
        assert_eq!(rules.pronouns["ее"].gender, Gender::Fem);
        assert_eq!(rules.word_kind("что"), Some(WordKind::Complementizer));
        assert!(rules.org_fits["ведомство"].iter().any(|f| f.matches("минцифры")));
        assert!(!rules.org_fits["ведомство"].iter().any(|f| f.matches("сбер")));
    }

    #[test]
    fn broken_rows_are_reported_with_lines() {
        let dir = tempfile::tempdir().unwrap();
        let rules_dir = dir.path().join("rules");
        std::fs::create_dir_all(&rules_dir).unwrap();
        std::fs::write(
            rules_dir.join(CUES_FILE),
            "# c\nlemma\tmasc\tfem\tneut\tplural\tother\tspeech\tconstruction\nа\tзаявил\t\t\t\t\tmaybe\tsubject\nб\t\t\t\t\t\tboth\tsubject\nв\tзаявил\t\t\t\t\tboth\tsubject\n",
        )
        .unwrap();
        let mut d = Diagnostics::default();
        let rules = QuoteRules::load(&DictDirs::new(vec![dir.path().into()]), &mut d);
        let msgs: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains(":3: error: speech \"maybe\""), "{}", msgs[0]);
        assert!(msgs[1].contains(":4: error: cue \"б\" has no forms"), "{}", msgs[1]);
        assert_eq!(rules.cue_count(), 1);
    }

    #[test]
    fn rules_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<QuoteRules>();
    }
}
