//! Everything read from the dictionary folders: the TSV format, diagnostics with
//! `file:line`, and where each kind of file lives.
//!
//! Layout of one dictionary folder (`--dict DIR`, repeatable; later folders add to earlier):
//! - `DIR/entities/**/*.tsv` — gazetteer entries (persons, organisations, places);
//! - `DIR/lexicon/*` — generated lexicons (first names, surnames, patronymics, toponyms);
//! - `DIR/rules/NAME.tsv` — rule data (speech cues, role nouns, currencies, …).

pub mod check;
pub mod diagnostics;
pub mod entities;
pub mod gazetteer;
pub mod inflect;
pub mod lexicon;
pub mod roles;
pub mod tsv;

use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Diagnostics, Severity};

/// The dictionary folders of a run, in the order given.
#[derive(Clone, Debug, Default)]
pub struct DictDirs {
    dirs: Vec<PathBuf>,
}

impl DictDirs {
    pub fn new(dirs: Vec<PathBuf>) -> DictDirs {
        DictDirs { dirs }
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// `DIR/rules/NAME` for every folder that has it, in folder order.
    pub fn rule_files(&self, name: &str) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("rules").join(name)).filter(|p| p.is_file()).collect()
    }

    /// `DIR/lexicon/NAME` for every folder that has it, in folder order.
    pub fn lexicon_files(&self, name: &str) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("lexicon").join(name)).filter(|p| p.is_file()).collect()
    }

    /// Every `*.tsv` under `DIR/SUB/` (recursively), folder by folder, sorted by path
    /// within a folder.
    pub fn tsv_files_under(&self, sub: &str) -> Vec<PathBuf> {
        let mut all = Vec::new();
        for dir in &self.dirs {
            let mut found = Vec::new();
            collect_tsv(&dir.join(sub), &mut found, 0);
            found.sort();
            all.extend(found);
        }
        all
    }
}

fn collect_tsv(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_tsv(&path, out, depth + 1);
        } else if path.extension().is_some_and(|e| e == "tsv") {
            out.push(path);
        }
    }
}
