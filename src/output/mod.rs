//! Sinks: the files of a run. They know nothing of Russian; they receive each document's
//! items in input order and write CSV, JSONL, the summary and `report.html`.
//!
//! Every file is written under a temporary name in the output folder and renamed when the
//! run completes, so a failed or interrupted run never leaves a half-written file that
//! looks whole, and the previous run's files stay untouched until the new ones are ready.

mod atomic;
mod csv_style;
mod decimal;
mod encode;
mod escape;
mod known;
pub mod merge;
pub mod report;
pub mod rows;
mod staged;
pub mod stream;
mod streamed;
pub mod summary;

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use report::{ReportLimits, ReportWriter};

pub use atomic::{remove_pending, AtomicFiles, OutputFile};
pub use csv_style::CsvStyle;
use rows::{EntityRow, MentionRow, MoneyRow, PartRow, QuoteRow};
pub use summary::{DocumentTally, Summary};

use crate::model::Extraction;

/// A document after analysis, ready for the sinks.
pub struct ProcessedDocument {
    pub id: String,
    /// Position in the input (see [`crate::corpus::RawDocument::seq`]).
    pub seq: usize,
    pub text: String,
    pub encoding: &'static str,
    pub notes: Vec<String>,
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    pub extraction: Extraction,
}

pub const MENTIONS_HEADER: &[&str] =
    &["doc_id", "start", "end", "text", "type", "canonical", "entity_id", "source", "warning"];
pub const ENTITIES_HEADER: &[&str] = &["doc_id", "entity_id", "type", "canonical", "mentions"];
pub const QUOTES_HEADER: &[&str] = &[
    "doc_id",
    "quote_id",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_type",
    "speaker_start",
    "speaker_end",
    "cue",
    "attribution",
    "kind",
    "speaker_id",
    "cue_start",
    "cue_end",
    "warning",
];
pub const MONEY_HEADER: &[&str] =
    &["doc_id", "start", "end", "text", "amount", "amount_max", "currency", "qualifier", "kind"];

/// The JSON form of one document: `documents.jsonl` lines and stream-mode output.
///
/// [`ProcessedDocument::json_line`] and [`EncodedDocument::new`] write this form by hand
/// (serde spent most of the output stage); this serde form is the reference their tests
/// compare with.
#[derive(Serialize)]
pub struct DocumentJson<'a> {
    pub id: &'a str,
    /// Position in the input, so `merge` can restore the order of a single run.
    pub seq: usize,
    pub encoding: &'a str,
    /// Length in characters.
    pub length: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a serde_json::Map<String, serde_json::Value>>,
    pub mentions: &'a [MentionRow<'a>],
    pub entities: &'a [EntityRow<'a>],
    pub quotes: Vec<QuoteJson<'a>>,
    pub money: &'a [MoneyRow<'a>],
}

#[derive(Serialize)]
pub struct QuoteJson<'a> {
    #[serde(flatten)]
    pub quote: &'a QuoteRow<'a>,
    pub parts: &'a [PartRow<'a>],
}

/// What the worker threads need to prepare a document's output for [`OutputFiles`].
#[derive(Clone, Copy, Debug)]
pub struct OutputPreparer {
    pub style: CsvStyle,
    /// The report's limits, to make the sections of the documents it may highlight.
    pub report: ReportLimits,
}

impl OutputPreparer {
    /// The document's rows and its part of the report.
    pub fn prepare(&self, doc: &ProcessedDocument, tally: &DocumentTally) -> EncodedDocument {
        let mut encoded = EncodedDocument::tallied(doc, self.style, tally);
        encoded.report = Some(self.report.prepare(doc, tally.characters));
        encoded
    }
}

/// The output folder of a run: CSV files, `documents.jsonl`, `summary.json` and `report.html`.
pub struct OutputFiles {
    style: CsvStyle,
    files: AtomicFiles,
    mentions: OutputFile,
    entities: OutputFile,
    quotes: OutputFile,
    money: OutputFile,
    documents: OutputFile,
    summary: OutputFile,
    report: ReportWriter<OutputFile>,
}

/// One document's lines of every output file, formatted on a worker thread so the single
/// writer only copies bytes.
#[derive(Default)]
pub struct EncodedDocument {
    /// The rows of the four CSV files, one file's after the other's (one allocation a
    /// document instead of four).
    csv: Vec<u8>,
    /// Where the rows of `entities.csv`, `quotes.csv` and `money.csv` start in `csv`.
    csv_starts: [usize; 3],
    pub json: Vec<u8>,
    /// The document's part of `report.html`, if the worker made it (see [`OutputPreparer`]).
    pub report: Option<report::PreparedReport>,
}

impl EncodedDocument {
    /// A document's encoding from its CSV rows (with the starts of the second to fourth
    /// file's rows) and its JSON line.
    fn from_parts(csv: Vec<u8>, csv_starts: [usize; 3], json: Vec<u8>) -> EncodedDocument {
        debug_assert!(csv_starts.is_sorted() && csv_starts[2] <= csv.len());
        EncodedDocument { csv, csv_starts, json, report: None }
    }

    /// The rows of `mentions.csv`, `entities.csv`, `quotes.csv` and `money.csv`.
    pub fn csv_files(&self) -> [&[u8]; 4] {
        let [entities, quotes, money] = self.csv_starts;
        let csv = &self.csv[..];
        [&csv[..entities], &csv[entities..quotes], &csv[quotes..money], &csv[money..]]
    }
}

impl OutputFiles {
    /// Creates the folder if needed and opens every file under a temporary name.
    ///
    /// # Errors
    /// When the folder cannot be created or written.
    pub fn create(dir: &Path, style: CsvStyle) -> anyhow::Result<OutputFiles> {
        let mut files = AtomicFiles::new(dir)?;
        let mentions = csv_file(&mut files, "mentions.csv", MENTIONS_HEADER, style)?.into_inner()?;
        let entities = csv_file(&mut files, "entities.csv", ENTITIES_HEADER, style)?.into_inner()?;
        let quotes = csv_file(&mut files, "quotes.csv", QUOTES_HEADER, style)?.into_inner()?;
        let money = csv_file(&mut files, "money.csv", MONEY_HEADER, style)?.into_inner()?;
        let documents = files.create("documents.jsonl")?;
        let summary = files.create("summary.json")?;
        let report = ReportWriter::new(files.create("report.html")?, ReportLimits::default())?;
        Ok(OutputFiles { style, files, mentions, entities, quotes, money, documents, summary, report })
    }

    /// Adds one document to the report.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_report(
        &mut self,
        doc: &ProcessedDocument,
        tally: &DocumentTally,
        prepared: &EncodedDocument,
    ) -> anyhow::Result<()> {
        self.report.write_grouped(doc, tally.characters, &tally.entity_groups, prepared.report.as_ref())?;
        Ok(())
    }

    /// Appends the rows of documents, formatted by [`EncodedDocument::new`], to every file,
    /// in order.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_encoded(&mut self, documents: &[&EncodedDocument]) -> anyhow::Result<()> {
        let files: Vec<[&[u8]; 4]> = documents.iter().map(|d| d.csv_files()).collect();
        write_all_of(&mut self.mentions, files.iter().map(|f| f[0]))?;
        write_all_of(&mut self.entities, files.iter().map(|f| f[1]))?;
        write_all_of(&mut self.quotes, files.iter().map(|f| f[2]))?;
        write_all_of(&mut self.money, files.iter().map(|f| f[3]))?;
        write_all_of(&mut self.documents, documents.iter().map(|d| &d.json[..]))?;
        Ok(())
    }

    pub fn style(&self) -> CsvStyle {
        self.style
    }

    pub fn preparer(&self) -> OutputPreparer {
        OutputPreparer { style: self.style, report: self.report.limits() }
    }

    /// Flushes everything, writes the summary and renames every file into place.
    ///
    /// # Errors
    /// When a write or rename fails; the temporary files are removed and earlier outputs
    /// stay as they were.
    pub fn finish(mut self, summary: &Summary) -> anyhow::Result<()> {
        self.mentions.flush()?;
        self.entities.flush()?;
        self.quotes.flush()?;
        self.money.flush()?;
        self.documents.flush()?;
        serde_json::to_writer_pretty(&mut self.summary, summary)?;
        self.summary.write_all(b"\n")?;
        self.summary.flush()?;
        self.report.finish(summary)?.flush()?;
        self.files.commit()
    }
}

/// Writes `buffers` one after the other (each file stages them: see `streamed`).
fn write_all_of<'b, W: Write>(out: &mut W, buffers: impl Iterator<Item = &'b [u8]>) -> std::io::Result<()> {
    buffers.into_iter().try_for_each(|buffer| out.write_all(buffer))
}

/// Opens a CSV file with its header (and a BOM in Excel mode).
pub(crate) fn csv_file(
    files: &mut AtomicFiles,
    name: &str,
    header: &[&str],
    style: CsvStyle,
) -> anyhow::Result<csv::Writer<OutputFile>> {
    let mut out = files.create(name)?;
    if style.excel {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut writer = csv::WriterBuilder::new().delimiter(style.delimiter()).from_writer(out);
    writer.write_record(header)?;
    Ok(writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    /// Many buffers, empty ones among them, through an output file's stage: the file holds
    /// them one after the other.
    #[test]
    fn batches_are_written_whole_and_in_order() {
        let buffers: Vec<Vec<u8>> = (0..3000usize).map(|i| vec![(i % 251) as u8; (i * 7) % 40]).collect();
        let path = std::env::temp_dir().join(format!("gazetka-write-all-of-{}", std::process::id()));
        let mut out = streamed::StreamedFile::new(File::create(&path).unwrap());
        out.write_all(b"header\n").unwrap();
        write_all_of(&mut out, buffers.iter().map(|b| &b[..])).unwrap();
        write_all_of(&mut out, [&b"end"[..]].into_iter()).unwrap();
        out.flush().unwrap();
        drop(out);
        let written = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let expected: Vec<u8> = [&b"header\n"[..]]
            .into_iter()
            .chain(buffers.iter().map(|b| &b[..]))
            .chain([&b"end"[..]])
            .flatten()
            .copied()
            .collect();
        assert_eq!(written, expected);
    }
}
