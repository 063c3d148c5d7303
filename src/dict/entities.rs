//! Entity dictionaries (`DIR/entities/**/*.tsv`): the people, organisations and places the
//! gazetteer knows, in the format people edit by hand.
//!
//! ```text
//! id	type	canonical	aliases	inflect	note
//! per:bagdat-musin	PER	Багдат Мусин	Мусин|Б. Мусин	auto	министр цифрового развития
//! ```
//!
//! Every bad row is reported as `file:line: problem` and skipped; the good rows load.
//! Ids are unique across all files and folders; a duplicate names the first definition.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{tsv, Diagnostics, DictDirs};
use crate::model::EntityType;

/// Where an entry was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// One dictionary entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable id (`per:bagdat-musin`).
    pub id: String,
    pub entity_type: EntityType,
    /// The name reported for every mention.
    pub canonical: String,
    /// The surface names, canonical first, without duplicates.
    pub aliases: Vec<String>,
    /// Whether the aliases match in every case (`auto`) or only as written (`no`).
    pub inflect: bool,
    pub note: String,
    pub origin: Origin,
}

/// The header every entity file must have (`inflect` and `note` may be left out of a row).
pub const COLUMNS: [&str; 6] = ["id", "type", "canonical", "aliases", "inflect", "note"];
const REQUIRED: [&str; 3] = ["id", "type", "canonical"];

/// Loads every entity file of `dirs`, in folder order, then by path.
pub fn load_entries(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> Vec<Entry> {
    let mut loader = EntryLoader::default();
    for path in dirs.tsv_files_under("entities") {
        if let Some(table) = tsv::read_tsv(&path, &REQUIRED, diagnostics) {
            loader.add_table(&table, diagnostics);
        }
    }
    loader.entries
}

/// Collects entries from several tables, checking ids across all of them.
#[derive(Default)]
pub struct EntryLoader {
    pub entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
}

impl EntryLoader {
    /// Parses TSV text (for tests and `dict match` on a sample file).
    pub fn add_text(&mut self, path: &Path, text: &str, diagnostics: &mut Diagnostics) {
        if let Some(table) = tsv::parse_tsv(path, text, &REQUIRED, diagnostics) {
            self.add_table(&table, diagnostics);
        }
    }

    pub fn add_table(&mut self, table: &tsv::TsvTable, diagnostics: &mut Diagnostics) {
        let path = &table.path;
        for column in &table.columns {
            if !COLUMNS.contains(&column.as_str()) {
                diagnostics.warning(
                    path,
                    0,
                    format!("unknown column {column:?} is ignored (columns: {})", COLUMNS.join(", ")),
                );
            }
        }
        for row in &table.rows {
            let mut problems = Vec::new();
            let id = table.field(row, "id");
            if id.is_empty() {
                problems.push("empty id".to_string());
            } else if id.chars().any(char::is_whitespace) {
                problems.push(format!("id {id:?} contains a space; use e.g. per:bagdat-musin"));
            }
            let type_field = table.field(row, "type");
            let entity_type = EntityType::parse(type_field);
            if entity_type.is_none() {
                problems.push(format!("unknown type {type_field:?}; use PER, ORG or LOC"));
            }
            let canonical = table.field(row, "canonical");
            if canonical.is_empty() {
                problems.push("empty canonical".to_string());
            }
            let inflect = match table.field(row, "inflect") {
                "" | "auto" => true,
                "no" => false,
                other => {
                    problems.push(format!("inflect is {other:?}; use auto (or leave empty) or no"));
                    true
                }
            };
            if let Some(&first) = self.by_id.get(id) {
                problems.push(format!("duplicate id {id:?}, first defined at {}", self.entries[first].origin));
            }
            let (Some(entity_type), true) = (entity_type, problems.is_empty()) else {
                for p in problems {
                    diagnostics.error(path, row.line, p);
                }
                continue;
            };
            let mut aliases = vec![canonical.to_string()];
            for alias in table.field(row, "aliases").split('|').map(str::trim) {
                if !alias.is_empty() && !aliases.iter().any(|a| a == alias) {
                    aliases.push(alias.to_string());
                }
            }
            self.by_id.insert(id.to_string(), self.entries.len());
            self.entries.push(Entry {
                id: id.to_string(),
                entity_type,
                canonical: canonical.to_string(),
                aliases,
                inflect,
                note: table.field(row, "note").to_string(),
                origin: Origin { path: path.clone(), line: row.line },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_good_rows_and_reports_every_bad_one() {
        let text = "\
# a comment
id\ttype\tcanonical\taliases\tinflect\tnote
per:a\tPER\tБагдат Мусин\tМусин | Б. Мусин|Мусин\t\tминистр

org:b\tORGAN\tСбер\t\t\t
org:c\tORG\t\tСбер
per:a\tPER\tКто-то\t\t\t
loc:d\tLOC\tАлматы\t\tno
loc:e\tLOC\tАстана\t\tmaybe
too\tmany\tfields\ta\tb\tc\td
short\tPER
";
        let mut loader = EntryLoader::default();
        let mut d = Diagnostics::default();
        loader.add_text(Path::new("x.tsv"), text, &mut d);
        let ids: Vec<&str> = loader.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["per:a", "loc:d"]);
        assert_eq!(loader.entries[0].aliases, ["Багдат Мусин", "Мусин", "Б. Мусин"]);
        assert!(loader.entries[0].inflect);
        assert!(!loader.entries[1].inflect);
        assert_eq!(loader.entries[0].origin.to_string(), "x.tsv:3");
        d.items.sort_by_key(|d| d.line);
        let msgs: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        let expected = [
            "x.tsv:5: error: unknown type \"ORGAN\"",
            "x.tsv:6: error: empty canonical",
            "x.tsv:7: error: duplicate id \"per:a\", first defined at x.tsv:3",
            "x.tsv:9: error: inflect is \"maybe\"",
            "x.tsv:10: error: 7 fields",
            "x.tsv:11: error: 2 field(s)",
        ];
        assert_eq!(msgs.len(), expected.len(), "{msgs:#?}");
        for (m, e) in msgs.iter().zip(expected) {
            assert!(m.starts_with(e), "{m:?} should start with {e:?}");
        }
    }

    #[test]
    fn duplicate_ids_across_files_name_the_other_file() {
        let mut loader = EntryLoader::default();
        let mut d = Diagnostics::default();
        loader.add_text(Path::new("a.tsv"), "id\ttype\tcanonical\nloc:x\tLOC\tX\n", &mut d);
        loader.add_text(Path::new("b.tsv"), "id\ttype\tcanonical\n\nloc:x\tLOC\tY\nloc:y\tLOC\tY\n", &mut d);
        assert_eq!(loader.entries.len(), 2);
        assert_eq!(d.items.len(), 1);
        assert!(d.items[0].to_string().starts_with("b.tsv:3: error: duplicate id \"loc:x\", first defined at a.tsv:2"));
    }
}
