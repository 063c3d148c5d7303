//! Everything loaded from the dictionary folders, validated and compiled once before the
//! first document is read, then borrowed by every worker.

use std::time::Instant;

use crate::dict::entities::load_entries;
use crate::dict::gazetteer::Gazetteer;
use crate::dict::inflect::Inflector;
use crate::dict::lexicon::Lexicon;
use crate::dict::roles::RoleNouns;
use crate::dict::{Diagnostics, DictDirs};
use crate::extract::entities::{expand_with, EntityRules};
use crate::extract::money::MoneyRules;
use crate::extract::quotes::QuoteRules;
use crate::output::summary::DictionaryInfo;

/// Dictionaries and rule data of a run (`Send + Sync`).
pub struct Resources {
    pub dirs: DictDirs,
    pub inflector: Inflector,
    pub gazetteer: Gazetteer,
    /// Name lexicon (OpenCorpora first names, surnames, patronymics, toponyms + hand lists).
    pub lexicon: Lexicon,
    pub entity_rules: EntityRules,
    pub roles: RoleNouns,
    pub money: MoneyRules,
    pub quotes: QuoteRules,
    /// Every problem found while loading (errors and warnings, with `file:line`).
    pub diagnostics: Diagnostics,
    /// What was loaded, for the summary.
    pub dictionaries: Vec<DictionaryInfo>,
    pub load_seconds: f64,
}

impl Resources {
    /// Loads every dictionary and rule file of `dirs`. Problems are collected in
    /// `diagnostics`; the good rows always load.
    pub fn load(dirs: DictDirs) -> Resources {
        let started = Instant::now();
        let mut diagnostics = Diagnostics::default();
        let mut dictionaries: Vec<DictionaryInfo> = Vec::new();
        for dir in dirs.dirs() {
            if !dir.is_dir() {
                diagnostics.error(dir, 0, "dictionary folder not found");
            }
        }
        let inflector = Inflector::load(&dirs, &mut diagnostics);
        let entries = load_entries(&dirs, &mut diagnostics);
        // One line per entity file, in load order, with the entries it gave.
        for entry in &entries {
            let file = entry.origin.path.display().to_string();
            match dictionaries.last_mut() {
                Some(last) if last.file == file => last.entries += 1,
                _ => dictionaries.push(info(&file, "gazetteer entities", 1)),
            }
        }
        let gazetteer = Gazetteer::from_entries(entries, &inflector);
        let lexicon = Lexicon::load(&dirs, &mut diagnostics, &expand_with(&inflector));
        dictionaries.push(info("lexicon/", "name and place forms", lexicon.len()));
        let entity_rules = EntityRules::load(&dirs, &mut diagnostics);
        let roles = RoleNouns::load(&dirs, &mut diagnostics);
        dictionaries.push(info("rules/roles.tsv", "role nouns", roles.len()));
        let money = MoneyRules::load(&dirs, &mut diagnostics);
        let quotes = QuoteRules::load(&dirs, &mut diagnostics);
        dictionaries.push(info("rules/speech_cues.tsv", "speech cues", quotes.cue_count()));
        Resources {
            dirs,
            inflector,
            gazetteer,
            lexicon,
            entity_rules,
            roles,
            money,
            quotes,
            diagnostics,
            dictionaries,
            load_seconds: started.elapsed().as_secs_f64(),
        }
    }
}

fn info(file: &str, kind: &str, entries: usize) -> DictionaryInfo {
    DictionaryInfo { file: file.into(), kind: kind.into(), entries }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Resources>();
    }
}
