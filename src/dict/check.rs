//! What `gazetka dict check` reports: every error of the entity files and inflection rules
//! (`file:line: problem`), and warnings about aliases that will surprise their author:
//! an alias shared by two entities, an inflected form shared by two entities, an alias
//! that is a common Russian word, and generated forms left out because they are one.

use std::collections::HashSet;

use super::entities::{load_entries, Entry};
use super::gazetteer::PatternTable;
use super::inflect::Inflector;
use super::{Diagnostics, DictDirs};

/// Checks every dictionary of `dirs`. The caller exits 1 when `has_errors()`.
pub fn check(dirs: &DictDirs) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let entries = load_entries(dirs, &mut diagnostics);
    let inflector = Inflector::load(dirs, &mut diagnostics);
    check_entries(&entries, &inflector, &mut diagnostics);
    diagnostics
}

/// The warnings about loaded entries (see the module docs).
pub fn check_entries(entries: &[Entry], inflector: &Inflector, diagnostics: &mut Diagnostics) {
    let table = PatternTable::build(entries, inflector);
    let mut reported: HashSet<(u32, u32)> = HashSet::new();
    for (pattern, sources) in table.patterns.iter().zip(&table.sources) {
        let Some((first, rest)) = sources.split_first() else {
            continue;
        };
        for other in rest {
            if !reported.insert((first.entry, other.entry)) && !(first.written && other.written) {
                continue;
            }
            let a = &entries[first.entry as usize];
            let b = &entries[other.entry as usize];
            let what = if first.written && other.written {
                format!("alias \"{}\" is shared with {} ({})", b.aliases[other.alias as usize], a.id, a.origin)
            } else {
                format!(
                    "\"{pattern}\" is a form of {}'s alias \"{}\" and of {}'s alias \"{}\" ({})",
                    b.id, b.aliases[other.alias as usize], a.id, a.aliases[first.alias as usize], a.origin
                )
            };
            diagnostics.warning(
                &b.origin.path,
                b.origin.line,
                format!("{what}; in a document naming neither in full, {} is chosen with a warning", a.id),
            );
        }
    }
    for entry in entries {
        for alias in &entry.aliases {
            if inflector.is_common_word(alias) {
                diagnostics.warning(
                    &entry.origin.path,
                    entry.origin.line,
                    format!(
                        "{}: alias \"{alias}\" is a common Russian word (rules/common_words.tsv) and will match ordinary text; prefer a longer alias",
                        entry.id
                    ),
                );
            }
        }
    }
    for (e, a, form) in &table.dropped {
        let entry = &entries[*e as usize];
        let alias = &entry.aliases[*a as usize];
        if !inflector.is_common_word(alias) {
            diagnostics.warning(
                &entry.origin.path,
                entry.origin.line,
                format!("{}: form \"{form}\" of alias \"{alias}\" is a common word and is not matched", entry.id),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn write(dir: &std::path::Path, name: &str, text: &str) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn reports_every_error_and_warning_with_file_and_line() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let header = "id\ttype\tcanonical\taliases\tinflect\tnote\n";
        write(
            one.path(),
            "entities/a.tsv",
            &format!("{header}per:musin\tPER\tБагдат Мусин\tМусин\norg:x\tCOMPANY\tX\norg:y\tORG\t\nper:mamin\tPER\tАскар Мамин\tМамин\n"),
        );
        write(
            two.path(),
            "entities/sub/b.tsv",
            &format!(
                "# user file\n{header}per:musin\tPER\tКто-то\nper:erlan\tPER\tЕрлан Мусин\tМусин\nper:vera\tPER\tВера\nloc:semey\tLOC\tСемей\nbad line\nper:mamina\tPER\tМамина\n"
            ),
        );
        let dirs = DictDirs::new(vec![one.path().to_path_buf(), two.path().to_path_buf()]);
        let d = check(&dirs);
        let a = one.path().join("entities/a.tsv").display().to_string();
        let b = two.path().join("entities/sub/b.tsv").display().to_string();
        let msgs: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        let expect = |prefix: String| {
            assert!(msgs.iter().any(|m| m.starts_with(&prefix)), "no {prefix:?} in {msgs:#?}");
        };
        expect(format!("{a}:3: error: unknown type \"COMPANY\""));
        expect(format!("{a}:4: error: empty canonical"));
        expect(format!("{b}:3: error: duplicate id \"per:musin\", first defined at {a}:2"));
        expect(format!("{b}:7: error: 1 field(s)"));
        expect(format!("{b}:4: warning: alias \"Мусин\" is shared with per:musin ({a}:2)"));
        expect(format!("{b}:8: warning: \"мамина\" is a form of per:mamina's alias \"Мамина\" and of per:mamin's alias \"Мамин\" ({a}:5)"));
        expect(format!("{b}:5: warning: per:vera: alias \"Вера\" is a common Russian word"));
        expect(format!("{b}:6: warning: loc:semey: alias \"Семей\" is a common Russian word"));
        assert_eq!(d.errors().count(), 4, "{msgs:#?}");
        assert!(d.has_errors());
    }

    #[test]
    fn clean_dictionaries_have_no_errors() {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let d = check(&dirs);
        assert!(!d.has_errors(), "{:#?}", d.items);
        let empty = tempfile::tempdir().unwrap();
        assert!(check(&DictDirs::new(vec![empty.path().to_path_buf()])).items.is_empty());
    }

    #[test]
    fn broken_inflection_rules_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "rules/inflection.tsv",
            "paradigm\tending\tgen\tdat\tacc\tins\tprep\nverb\tать\tа\tа\tа\tа\tа\nnoun\tа\tы\t\tу\tой\tе\n",
        );
        let d = check(&DictDirs::new(vec![dir.path().to_path_buf()]));
        let msgs: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2, "{msgs:#?}");
        assert!(msgs[0].contains("inflection.tsv:2: error: unknown paradigm \"verb\""), "{msgs:#?}");
        assert!(msgs[1].contains("inflection.tsv:3: error: empty dat"), "{msgs:#?}");
    }

    #[test]
    #[ignore = "prints what dict check says about the shipped dictionaries"]
    fn print_shipped_check() {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        for d in check(&dirs).items {
            println!("{d}");
        }
    }
}
