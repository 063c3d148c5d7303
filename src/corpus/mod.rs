//! Finding the documents of a run and reading them, lazily and in a fixed order.
//!
//! Inputs are folders (every `*.txt` below, sorted by relative path), single files (read as
//! one text document), `.jsonl` files and `-` (JSONL on standard input). The corpus yields
//! [`RawDocument`]s — bytes not yet decoded, so decoding runs on the worker threads — or
//! [`Skipped`] entries for anything that cannot become a document. Nothing found is ever
//! dropped silently: each unreadable file, bad JSONL line or duplicate id is a `Skipped`.

pub mod decode;
mod discover;
mod jsonl;

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use discover::FileEntry;

/// One input as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    Path(PathBuf),
    Stdin,
}

impl InputSpec {
    pub fn parse(arg: &str) -> InputSpec {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }
}

/// The content of a document before decoding.
#[derive(Debug)]
pub enum Payload {
    /// File bytes, decoded on a worker.
    Bytes(Vec<u8>),
    /// Text that arrived as a JSON string (already Unicode).
    Text(String),
}

/// A document found but not yet decoded or analysed.
#[derive(Debug)]
pub struct RawDocument {
    pub id: String,
    pub payload: Payload,
    /// JSONL fields other than `id` and `text`, kept as they were.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where it came from, for messages (`seeds/000.txt`, `in.jsonl:12`).
    pub origin: String,
    pub notes: Vec<String>,
    /// Position in the input (0-based, counting every document found).
    pub seq: usize,
}

/// A document that was found but not processed, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
    /// Position in the input (0-based, counting every document found), for `merge`.
    pub seq: usize,
}

#[derive(Debug)]
pub enum CorpusItem {
    Document(RawDocument),
    Skipped(Skipped),
}

impl CorpusItem {
    pub fn id(&self) -> &str {
        match self {
            CorpusItem::Document(d) => &d.id,
            CorpusItem::Skipped(s) => &s.id,
        }
    }

    fn set_seq(&mut self, seq: usize) {
        match self {
            CorpusItem::Document(d) => d.seq = seq,
            CorpusItem::Skipped(s) => s.seq = seq,
        }
    }
}

enum Source {
    Files(std::vec::IntoIter<FileEntry>),
    Jsonl(jsonl::JsonlReader),
}

/// The documents of a run, in input order.
pub struct Corpus {
    pending_inputs: std::vec::IntoIter<InputSpec>,
    current: Option<Source>,
    /// Skipped entries found while discovering (unreadable folders, symlink loops).
    pending_skips: Vec<Skipped>,
    seen: HashMap<String, String>,
    file_bytes: u64,
    count: usize,
}

impl Corpus {
    /// Checks that every input exists and lists the folders' files.
    ///
    /// # Errors
    /// When an input path does not exist or cannot be opened at all.
    pub fn open(inputs: &[InputSpec]) -> anyhow::Result<Corpus> {
        let mut file_bytes = 0;
        for input in inputs {
            if let InputSpec::Path(path) = input {
                let meta = std::fs::metadata(path).map_err(|e| anyhow::anyhow!("input {}: {e}", path.display()))?;
                if meta.is_file() {
                    file_bytes += meta.len();
                }
            }
        }
        Ok(Corpus {
            #[allow(clippy::unnecessary_to_owned)] // the iterator must own its inputs
            pending_inputs: inputs.to_vec().into_iter(),
            current: None,
            pending_skips: Vec::new(),
            seen: HashMap::new(),
            file_bytes,
            count: 0,
        })
    }

    /// Bytes of the input files known so far (folders are counted when listed).
    pub fn known_bytes(&self) -> u64 {
        self.file_bytes
    }

    fn next_source(&mut self) -> Option<Source> {
        let input = self.pending_inputs.next()?;
        Some(match input {
            InputSpec::Stdin => Source::Jsonl(jsonl::JsonlReader::stdin()),
            InputSpec::Path(path) if path.is_dir() => {
                let listing = discover::list_folder(&path);
                self.pending_skips.extend(listing.skipped);
                self.file_bytes += listing.files.iter().map(|f| f.len).sum::<u64>();
                Source::Files(listing.files.into_iter())
            }
            InputSpec::Path(path) if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl")) => {
                match jsonl::JsonlReader::open(&path) {
                    Ok(reader) => Source::Jsonl(reader),
                    Err(e) => {
                        self.pending_skips.push(Skipped {
                            seq: 0,
                            id: path.display().to_string(),
                            reason: format!("cannot open: {e}"),
                        });
                        Source::Files(Vec::new().into_iter())
                    }
                }
            }
            InputSpec::Path(path) => Source::Files(vec![discover::single_file(&path)].into_iter()),
        })
    }

    fn next_unchecked(&mut self) -> Option<CorpusItem> {
        loop {
            if let Some(skip) = self.pending_skips.pop() {
                return Some(CorpusItem::Skipped(skip));
            }
            let item = match &mut self.current {
                Some(Source::Files(files)) => files.next().map(|f| f.read()),
                Some(Source::Jsonl(reader)) => reader.next(),
                None => None,
            };
            match item {
                Some(item) => return Some(item),
                None => {
                    self.current = Some(self.next_source()?);
                }
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = CorpusItem;

    fn next(&mut self) -> Option<CorpusItem> {
        let mut item = self.next_unchecked()?;
        item.set_seq(self.count);
        self.count += 1;
        let CorpusItem::Document(doc) = item else { return Some(item) };
        if let Some(first) = self.seen.get(&doc.id) {
            return Some(CorpusItem::Skipped(Skipped {
                reason: format!("duplicate id (first read from {first}; this one from {})", doc.origin),
                id: doc.id,
                seq: doc.seq,
            }));
        }
        self.seen.insert(doc.id.clone(), doc.origin.clone());
        Some(CorpusItem::Document(doc))
    }
}
