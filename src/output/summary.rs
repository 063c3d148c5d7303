//! `summary.json`: what a run found, skipped and loaded, and how long it took.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;
use crate::model::{Extraction, MoneyKind};
use crate::text::{CharIndex, CharWord};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ItemCounts {
    pub mentions: usize,
    pub entities: usize,
    pub quotes: usize,
    pub money: usize,
    pub rates: usize,
}

/// What the run's counters need of one document beyond its items, worked out on a worker
/// thread so that the single writer thread only adds numbers up.
#[derive(Clone, Debug, Default)]
pub struct DocumentTally {
    /// Length of the text in characters.
    pub characters: usize,
    /// `(first mention, mentions)` per distinct entity id, in id order (the groups of
    /// [`super::rows::entity_groups`], shared with the entity rows).
    pub entity_groups: Vec<(usize, usize)>,
    /// The group (index in `entity_groups`) of each mention.
    pub mention_groups: Vec<u32>,
    /// The words of the text's [`CharIndex`], made once for the character count and the
    /// rows' offsets ([`CharIndex::with_blocks`]).
    pub char_blocks: Vec<CharWord>,
}

impl DocumentTally {
    pub fn new(text: &str, extraction: &Extraction) -> DocumentTally {
        let (entity_groups, mention_groups) = super::rows::entity_groups_and_members(&extraction.mentions);
        let chars = CharIndex::new(text);
        let characters = chars.len_chars();
        DocumentTally { characters, entity_groups, mention_groups, char_blocks: chars.into_blocks() }
    }
}

impl ItemCounts {
    pub fn add(&mut self, extraction: &Extraction) {
        self.add_tallied(extraction, &DocumentTally::new("", extraction));
    }

    /// [`ItemCounts::add`] with the entities already grouped (no sort on the writer thread).
    pub fn add_tallied(&mut self, extraction: &Extraction, tally: &DocumentTally) {
        self.mentions += extraction.mentions.len();
        self.entities += tally.entity_groups.len();
        self.quotes += extraction.quotes.len();
        self.money += extraction.money.iter().filter(|m| m.kind == MoneyKind::Amount).count();
        self.rates += extraction.money.iter().filter(|m| m.kind == MoneyKind::Rate).count();
    }
}

/// Time spent per stage, summed over all documents and threads (seconds).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StageTimes {
    pub decode: f64,
    pub normalise: f64,
    pub gazetteer: f64,
    pub entity_rules: f64,
    pub quotes: f64,
    pub money: f64,
    pub write: f64,
}

impl StageTimes {
    pub fn add(&mut self, other: &StageTimes) {
        self.decode += other.decode;
        self.normalise += other.normalise;
        self.gazetteer += other.gazetteer;
        self.entity_rules += other.entity_rules;
        self.quotes += other.quotes;
        self.money += other.money;
        self.write += other.write;
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Loading and compiling the dictionaries.
    pub load_seconds: f64,
    /// Reading, analysing and writing the corpus (wall clock).
    pub run_seconds: f64,
    pub mb_per_second: f64,
    pub documents_per_second: f64,
    /// CPU time per stage, summed over worker threads.
    pub stages: StageTimes,
}

/// One dictionary file and how many entries it gave.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DictionaryInfo {
    pub file: String,
    pub kind: String,
    pub entries: usize,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Every input document found.
    pub documents: usize,
    pub processed: usize,
    pub skipped: Vec<Skipped>,
    /// Characters of the processed documents.
    pub characters: usize,
    pub bytes: u64,
    pub items: ItemCounts,
    pub encodings: BTreeMap<String, usize>,
    /// Documents with a note (damaged bytes replaced, BOM removed, …): id → notes.
    pub notes: BTreeMap<String, Vec<String>>,
    pub dictionaries: Vec<DictionaryInfo>,
    /// Dictionary problems (`file:line: …`).
    pub dictionary_problems: Vec<String>,
    pub timings: Timings,
}
