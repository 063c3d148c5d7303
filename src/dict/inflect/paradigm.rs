//! Ending tables (`rules/inflection.tsv`) and the inflection of one word by them.
//!
//! A row says: a word of paradigm P that ends in E forms its five oblique cases by
//! replacing E with the listed endings. The longest fitting ending wins, so `Российский`
//! takes the `кий` row, not the `ий` row.

use std::path::Path;

use crate::dict::tsv::TsvTable;
use crate::dict::Diagnostics;

/// Nominative, genitive, dative, accusative, instrumental, prepositional.
pub const CASES: usize = 6;

/// Every case of one word; each case holds one or more alternative forms.
pub type CaseForms = [Vec<String>; CASES];

/// How many paradigms there are.
const PARADIGMS: usize = 7;

/// The groups of rows in `inflection.tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Paradigm {
    Noun,
    Adj,
    NameM,
    NameF,
    SurnameM,
    SurnameF,
    /// Endings that mark a person's name as a woman's; no case columns.
    Female,
}

const _: () = assert!(Paradigm::Female as usize + 1 == PARADIGMS);

impl Paradigm {
    fn parse(s: &str) -> Option<Paradigm> {
        Some(match s {
            "noun" => Paradigm::Noun,
            "adj" => Paradigm::Adj,
            "name_m" => Paradigm::NameM,
            "name_f" => Paradigm::NameF,
            "surname_m" => Paradigm::SurnameM,
            "surname_f" => Paradigm::SurnameF,
            "female" => Paradigm::Female,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
struct Row {
    /// Lower case, `ё` as `е`; empty for the `*` row.
    ending: String,
    /// Five oblique cases; `None` = the word unchanged.
    cases: [Vec<Option<String>>; CASES - 1],
}

/// All ending rows, by paradigm.
#[derive(Clone, Debug, Default)]
pub struct Paradigms {
    /// Indexed by `Paradigm as usize`.
    rows: [Vec<Row>; PARADIGMS],
}

const CASE_COLUMNS: [&str; CASES - 1] = ["gen", "dat", "acc", "ins", "prep"];

/// Lower case with `ё` as `е`; keeps the char count of Cyrillic and Latin words.
pub fn lower(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    out.extend(word.chars().map(|c| match c {
        'ё' | 'Ё' => 'е',
        // Russian and ASCII letters without the Unicode case tables (names, nearly always).
        'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        'а'..='я' | 'a'..='z' | '-' => c,
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        c => c.to_lowercase().next().unwrap_or(c),
    }));
    out
}

fn is_cyrillic_consonant(c: char) -> bool {
    matches!(c, 'а'..='я' | 'ё') && !"аеёиоуыэюяьъй".contains(c)
}

impl Paradigms {
    /// Adds the rows of one `inflection.tsv`; a later row for the same paradigm and ending
    /// replaces an earlier one.
    pub fn add_table(&mut self, table: &TsvTable, diagnostics: &mut Diagnostics) {
        for row in &table.rows {
            let name = table.field(row, "paradigm");
            let Some(paradigm) = Paradigm::parse(name) else {
                diagnostics.error(
                    &table.path,
                    row.line,
                    format!("unknown paradigm {name:?}; use noun, adj, name_m, name_f, surname_m, surname_f or female"),
                );
                continue;
            };
            let ending = table.field(row, "ending");
            if ending.is_empty() {
                diagnostics.error(&table.path, row.line, "empty ending; write * for \"any other consonant\"");
                continue;
            }
            let ending = if ending == "*" { String::new() } else { lower(ending) };
            let mut cases: [Vec<Option<String>>; CASES - 1] = Default::default();
            let mut ok = true;
            for (i, column) in CASE_COLUMNS.iter().enumerate() {
                let field = table.field(row, column);
                if field.is_empty() && paradigm != Paradigm::Female {
                    diagnostics.error(&table.path, row.line, format!("empty {column}; write = for \"unchanged\""));
                    ok = false;
                    break;
                }
                cases[i] = field
                    .split('/')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(|f| if f == "=" { None } else { Some(lower(f)) })
                    .collect();
            }
            if !ok {
                continue;
            }
            let rows = &mut self.rows[paradigm as usize];
            rows.retain(|r| r.ending != ending);
            rows.push(Row { ending, cases });
        }
    }

    /// Parses the text of an `inflection.tsv` (used for the built-in copy).
    pub fn from_text(path: &Path, text: &str, diagnostics: &mut Diagnostics) -> Paradigms {
        let mut p = Paradigms::default();
        if let Some(table) = crate::dict::tsv::parse_tsv(path, text, &["paradigm", "ending"], diagnostics) {
            p.add_table(&table, diagnostics);
        }
        p
    }

    /// The longest row of `paradigm` whose ending fits `lower_word`; the `*` row fits a word
    /// ending in a consonant when nothing longer does.
    fn best(&self, paradigm: Paradigm, lower_word: &str) -> Option<&Row> {
        let rows = &self.rows[paradigm as usize];
        let consonant = lower_word.chars().last().is_some_and(is_cyrillic_consonant);
        let last = lower_word.as_bytes().last();
        rows.iter()
            .filter(|r| {
                if r.ending.is_empty() {
                    consonant
                } else {
                    // The last bytes first: most rows differ there, and a call to compare
                    // whole endings costs more.
                    lower_word.len() > r.ending.len()
                        && r.ending.as_bytes().last() == last
                        && lower_word.ends_with(&r.ending)
                }
            })
            .max_by_key(|r| r.ending.len())
    }

    /// Length in bytes of the longest explicit (not `*`) ending of `paradigm` that fits.
    pub fn ending_len(&self, paradigm: Paradigm, lower_word: &str) -> Option<usize> {
        self.best(paradigm, lower_word).map(|r| r.ending.len()).filter(|&n| n > 0)
    }

    /// Whether some explicit row of `paradigm` fits the word.
    pub fn fits(&self, paradigm: Paradigm, word: &str) -> bool {
        self.ending_len(paradigm, &lower(word)).is_some()
    }

    /// Calls `f(case, form)` for every form of `word` by `paradigm`, case by case, the word
    /// itself first (a form may come more than once); `false` when no row fits. The replaced
    /// ending is written in capitals when the word ends in a capital and the row replaces
    /// letters (`МОСКВА` → `МОСКВЫ`); endings added to a capitalised stem stay lower case
    /// (`СБЕРа`). Builds each form in one reused buffer.
    /// `lw` is `lower(word)`.
    pub fn each_case_form(&self, word: &str, lw: &str, paradigm: Paradigm, f: &mut dyn FnMut(usize, &str)) -> bool {
        let Some(row) = self.best(paradigm, lw) else { return false };
        let n = row.ending.chars().count();
        let total = word.chars().count();
        let stem_bytes = word.char_indices().nth(total - n).map_or(word.len(), |(i, _)| i);
        let stem = &word[..stem_bytes];
        let upper = n > 0 && word.chars().last().is_some_and(char::is_uppercase);
        f(0, word);
        let mut form = String::with_capacity(word.len() + 8);
        for (i, alts) in row.cases.iter().enumerate() {
            for alt in alts {
                match alt {
                    None => f(i + 1, word),
                    Some(end) => {
                        form.clear();
                        form.push_str(stem);
                        if upper {
                            form.extend(end.chars().flat_map(char::to_uppercase));
                        } else {
                            form.push_str(end);
                        }
                        f(i + 1, &form);
                    }
                }
            }
            if alts.is_empty() {
                f(i + 1, word);
            }
        }
        true
    }
}

/// Every case unchanged.
pub fn unchanged(word: &str) -> CaseForms {
    std::array::from_fn(|_| vec![word.to_string()])
}
