//! Loading: the generated `*.lex.gz` files and the hand-list `*.tsv` files, with every
//! problem reported as `file:line`.

use std::path::{Path, PathBuf};

use hashbrown::hash_table;

use super::*;
use crate::dict::{tsv, Diagnostics, DictDirs};

impl Lexicon {
    /// Loads every generated `*.lex.gz` file, then every hand-list `*.tsv`, from the
    /// `lexicon/` folder of each dictionary folder. Problems go to `diagnostics` as
    /// `file:line` errors and the good lines are kept.
    ///
    /// `expand(lemma, class, gender)` supplies the inflected forms of a hand-listed lemma
    /// whose `forms` column is empty (the lemma itself is always included).
    pub fn load(
        dirs: &DictDirs,
        diagnostics: &mut Diagnostics,
        expand: &dyn Fn(&str, NameClass, Gender) -> Vec<String>,
    ) -> Lexicon {
        let mut lexicon = Lexicon::empty();
        let mut seen = Vec::new();
        for dir in dirs.dirs() {
            for path in generated_files(&dir.join("lexicon")) {
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !seen.contains(&canonical) {
                    seen.push(canonical);
                    lexicon.load_generated(&path, diagnostics);
                }
            }
        }
        for path in dirs.tsv_files_under("lexicon") {
            lexicon.load_hand_list(&path, diagnostics, expand);
        }
        lexicon
    }

    /// Reads one generated file (format in its header and in `tools/build_lexicon.py`).
    pub fn load_generated(&mut self, path: &Path, diagnostics: &mut Diagnostics) {
        match tsv::read_text(path) {
            Ok(text) => self.parse_generated(path, &text, diagnostics),
            Err(e) => diagnostics.error(path, 0, format!("cannot read: {e}")),
        }
    }

    pub(super) fn parse_generated(&mut self, path: &Path, text: &str, diagnostics: &mut Diagnostics) {
        self.id = super::next_id();
        let first_paradigm = self.paradigms.len();
        // Sized up front: growing a 400k-entry table rehashes it several times.
        let lemma_lines = text.lines().filter(|l| l.starts_with("L\t")).count();
        let (keys, forms) = (&self.keys, &self.forms);
        self.index.reserve(lemma_lines * 11, |&id| hash_key(key_of(keys, forms, id)));
        self.keys.reserve(lemma_lines * 11 * 20);
        self.forms.reserve(lemma_lines * 11);
        self.analyses.reserve(lemma_lines * 16);
        self.lemmas.reserve(lemma_lines);
        let mut folded = String::new();
        let mut form = String::new();
        for (i, line) in text.lines().enumerate() {
            let mut fields = line.split('\t');
            let (kind, a, b, c) = (fields.next(), fields.next(), fields.next(), fields.next());
            let problem = match (kind, a, b, c) {
                (Some("P"), Some(edits), None, None) => self.add_paradigm(edits).err(),
                (Some("L"), Some(lemma), Some(class), Some(paradigm)) => {
                    let Some(class) = NameClass::parse(class) else {
                        diagnostics.error(path, i + 1, format!("unknown class {class:?}"));
                        continue;
                    };
                    match paradigm.parse::<usize>().ok().and_then(|p| p.checked_add(first_paradigm)) {
                        Some(p) if p < self.paradigms.len() && !lemma.is_empty() => {
                            fold_into(lemma, &mut folded);
                            self.add_lemma(lemma.into(), &folded, class, p as u32, false, &mut form);
                            None
                        }
                        _ => Some(format!("paradigm {paradigm:?} not defined above (or empty lemma)")),
                    }
                }
                (Some("A"), Some(word), Some(share), None) => {
                    if let Some(id) = self.form_id(word) {
                        let rec = &mut self.forms[id as usize];
                        rec.common = true;
                        rec.share = share.parse::<u8>().ok().filter(|&s| s <= 100).unwrap_or(NO_SHARE);
                    }
                    None
                }
                (Some(k), ..) if k.is_empty() || k.starts_with('#') => None,
                _ => Some("expected P, L or A with their fields".to_string()),
            };
            if let Some(problem) = problem {
                diagnostics.error(path, i + 1, problem);
            }
        }
    }

    /// Parses a `P` line's edits into a new paradigm.
    fn add_paradigm(&mut self, edits: &str) -> Result<(), String> {
        let start = self.edits.len();
        for item in edits.split(' ') {
            let mut parts = item.split(':');
            let edit = match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(cut), Some(add), Some(code), None) => cut
                    .parse::<u16>()
                    .ok()
                    .zip(Tags::parse(code))
                    .map(|(cut, tags)| Edit { cut, add: add.into(), tags }),
                _ => None,
            };
            match edit {
                Some(edit) => self.edits.push(edit),
                None => {
                    self.edits.truncate(start);
                    self.paradigms.push((start as u32, start as u32));
                    return Err(format!("bad paradigm cell {item:?}; expected CUT:ADD:GCN"));
                }
            }
        }
        self.paradigms.push((start as u32, self.edits.len() as u32));
        Ok(())
    }

    /// Adds a lexeme and indexes every form its paradigm gives `folded_lemma`.
    fn add_lemma(
        &mut self,
        text: Box<str>,
        folded_lemma: &str,
        class: NameClass,
        paradigm: u32,
        hand: bool,
        buf: &mut String,
    ) {
        let lemma = self.lemmas.len() as u32;
        self.lemmas.push(LemmaRec { text, class, paradigm, hand });
        let (start, end) = self.paradigms[paradigm as usize];
        for e in start..end {
            let edit = &self.edits[e as usize];
            let tags = edit.tags;
            if apply_edit(folded_lemma, edit, buf) {
                self.add_analysis(buf, Analysis { lemma, next: NONE, tags }, class);
            }
        }
    }

    fn add_analysis(&mut self, form: &str, analysis: Analysis, class: NameClass) {
        let at = self.analyses.len() as u32;
        self.analyses.push(analysis);
        let Lexicon { index, keys, forms, .. } = self;
        let entry =
            index.entry(hash_key(form), |&id| key_of(keys, forms, id) == form, |&id| hash_key(key_of(keys, forms, id)));
        let id = match entry {
            hash_table::Entry::Occupied(e) => *e.get(),
            hash_table::Entry::Vacant(e) => {
                let id = forms.len() as u32;
                let start = keys.len() as u32;
                keys.push_str(form);
                let key = (start, keys.len() as u32);
                forms.push(FormRec { key, head: NONE, tail: NONE, classes: 0, common: false, share: NO_SHARE });
                e.insert(id);
                id
            }
        };
        let rec = &mut self.forms[id as usize];
        rec.classes |= class.bit();
        if rec.tail == NONE {
            rec.head = at;
        } else {
            self.analyses[rec.tail as usize].next = at;
        }
        rec.tail = at;
    }

    /// Reads one hand list (`lemma class gender forms note`).
    pub fn load_hand_list(
        &mut self,
        path: &Path,
        diagnostics: &mut Diagnostics,
        expand: &dyn Fn(&str, NameClass, Gender) -> Vec<String>,
    ) {
        let Some(table) = tsv::read_tsv(path, &Self::HAND_COLUMNS, diagnostics) else {
            return;
        };
        self.add_hand_table(&table, diagnostics, expand);
    }

    pub(super) fn add_hand_table(
        &mut self,
        table: &tsv::TsvTable,
        diagnostics: &mut Diagnostics,
        expand: &dyn Fn(&str, NameClass, Gender) -> Vec<String>,
    ) {
        self.id = super::next_id();
        let path = &table.path;
        let mut buf = String::new();
        for row in &table.rows {
            let (lemma, class, gender) =
                (table.field(row, "lemma"), table.field(row, "class"), table.field(row, "gender"));
            let mut folded_lemma = String::new();
            fold_into(lemma, &mut folded_lemma);
            let mut problems = Vec::new();
            if folded_lemma.is_empty() {
                problems.push("empty lemma".to_string());
            }
            let class_ok = NameClass::parse(class);
            if class_ok.is_none() {
                problems.push(format!("class is {class:?}; use first, surname, patronymic or toponym"));
            }
            let gender_ok = Gender::parse(gender);
            if gender_ok.is_none() {
                problems.push(format!("gender is {gender:?}; use m, f or -"));
            }
            let (Some(class), Some(gender), true) = (class_ok, gender_ok, problems.is_empty()) else {
                diagnostics.error(path, row.line, problems.join("; "));
                continue;
            };
            let listed = table.field(row, "forms");
            let forms: Vec<String> = if listed.is_empty() {
                expand(lemma, class, gender)
            } else {
                listed.split('|').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
            };
            let start = self.edits.len() as u32;
            let gender_tags = Tags::new(Some(Case::Nom), false, gender);
            self.edits.push(Edit { cut: 0, add: "".into(), tags: gender_tags });
            let cut = u16::try_from(folded_lemma.chars().count()).unwrap_or(u16::MAX);
            let mut seen = vec![folded_lemma.clone()];
            for form in &forms {
                fold_into(form, &mut buf);
                if buf.is_empty() || seen.contains(&buf) {
                    continue;
                }
                seen.push(buf.clone());
                self.edits.push(Edit { cut, add: buf.as_str().into(), tags: Tags::new(None, false, gender) });
            }
            self.paradigms.push((start, self.edits.len() as u32));
            let paradigm = (self.paradigms.len() - 1) as u32;
            self.add_lemma(lemma.to_lowercase().into(), &folded_lemma, class, paradigm, true, &mut buf);
        }
    }
}

/// `DIR/*.lex.gz`, sorted.
fn generated_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_str().is_some_and(|s| s.ends_with(Lexicon::GENERATED_SUFFIX)))
        .collect();
    found.sort();
    found
}
