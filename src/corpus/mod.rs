//! Finding the documents of a run and reading them, lazily and in a fixed order.
//!
//! Inputs are folders (every `*.txt` below, sorted by relative path), single files (read as
//! one text document), `.jsonl` files and `-` (JSONL on standard input). The corpus yields
//! [`RawDocument`]s — bytes not yet decoded, so decoding runs on the worker threads — or
//! [`Skipped`] entries for anything that cannot become a document. Nothing found is ever
//! dropped silently: each unreadable file, bad JSONL line or duplicate id is a `Skipped`.

pub mod decode;
mod discover;
pub mod jsonl;

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
    /// A JSONL line not yet parsed nor checked as UTF-8 (parsed on a worker; the id is known
    /// only then).
    JsonLine(Vec<u8>),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Bytes(b) | Payload::JsonLine(b) => b.len(),
            Payload::Text(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A document found but not yet decoded or analysed.
#[derive(Debug)]
pub struct RawDocument {
    pub id: String,
    pub payload: Payload,
    /// JSONL fields other than `id` and `text`, kept as they were.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where it came from, for messages (`seeds/000.txt`, `in.jsonl:12`). The id is empty
    /// for a JSONL line until a worker parses it.
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

/// An input whose folders are already listed (so the total size is known up front).
enum PendingInput {
    Folder(discover::Listing),
    Other(InputSpec),
}

/// The documents of a run, in input order.
pub struct Corpus {
    pending_inputs: std::vec::IntoIter<PendingInput>,
    current: Option<Source>,
    /// Skipped entries found while discovering (unreadable folders, symlink loops).
    pending_skips: Vec<Skipped>,
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
        let mut pending = Vec::new();
        for input in inputs {
            if let InputSpec::Path(path) = input {
                let meta = std::fs::metadata(path).map_err(|e| anyhow::anyhow!("input {}: {e}", path.display()))?;
                if meta.is_dir() {
                    let listing = discover::list_folder(path);
                    file_bytes += listing.files.iter().map(|f| f.len).sum::<u64>();
                    pending.push(PendingInput::Folder(listing));
                    continue;
                }
                file_bytes += meta.len();
            }
            pending.push(PendingInput::Other(input.clone()));
        }
        Ok(Corpus {
            pending_inputs: pending.into_iter(),
            current: None,
            pending_skips: Vec::new(),
            file_bytes,
            count: 0,
        })
    }

    /// Bytes of the input files (JSONL from stdin is not counted).
    pub fn known_bytes(&self) -> u64 {
        self.file_bytes
    }

    fn next_source(&mut self) -> Option<Source> {
        let input = match self.pending_inputs.next()? {
            PendingInput::Folder(listing) => {
                self.pending_skips.extend(listing.skipped);
                return Some(Source::Files(listing.files.into_iter()));
            }
            PendingInput::Other(input) => input,
        };
        Some(match input {
            InputSpec::Stdin => Source::Jsonl(jsonl::JsonlReader::stdin()),
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

    /// The next document or skipped entry, numbered by its position in the input.
    /// Duplicate ids are detected where results are written, in input order (JSONL ids are
    /// known only after parsing on a worker).
    fn next(&mut self) -> Option<CorpusItem> {
        let mut item = self.next_unchecked()?;
        item.set_seq(self.count);
        self.count += 1;
        Some(item)
    }
}
