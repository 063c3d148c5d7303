//! Sinks: the files of a run. They know nothing of Russian; they receive each document's
//! items in input order and write CSV, JSONL, the summary and `report.html`.
//!
//! Every file is written under a temporary name in the output folder and renamed when the
//! run completes, so a failed or interrupted run never leaves a half-written file that
//! looks whole, and the previous run's files stay untouched until the new ones are ready.

mod atomic;
mod csv_style;
mod encode;
mod escape;
pub mod merge;
pub mod report;
pub mod rows;
pub mod stream;
pub mod summary;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use report::{ReportLimits, ReportWriter};

pub use atomic::{remove_pending, AtomicFiles};
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

/// The output folder of a run: CSV files, `documents.jsonl`, `summary.json` and `report.html`.
pub struct OutputFiles {
    style: CsvStyle,
    files: AtomicFiles,
    mentions: BufWriter<File>,
    entities: BufWriter<File>,
    quotes: BufWriter<File>,
    money: BufWriter<File>,
    documents: BufWriter<File>,
    summary: BufWriter<File>,
    report: ReportWriter<BufWriter<File>>,
}

/// One document's lines of every output file, formatted on a worker thread so the single
/// writer only copies bytes.
#[derive(Default)]
pub struct EncodedDocument {
    pub mentions: Vec<u8>,
    pub entities: Vec<u8>,
    pub quotes: Vec<u8>,
    pub money: Vec<u8>,
    pub json: Vec<u8>,
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

    /// Appends one document's rows, formatted by [`EncodedDocument::new`], to every file,
    /// and the document to the report.
    pub fn write_encoded(
        &mut self,
        doc: &ProcessedDocument,
        tally: &DocumentTally,
        encoded: &EncodedDocument,
    ) -> anyhow::Result<()> {
        self.report.write_grouped(doc, tally.characters, &tally.entity_groups)?;
        self.mentions.write_all(&encoded.mentions)?;
        self.entities.write_all(&encoded.entities)?;
        self.quotes.write_all(&encoded.quotes)?;
        self.money.write_all(&encoded.money)?;
        self.documents.write_all(&encoded.json)?;
        Ok(())
    }

    pub fn style(&self) -> CsvStyle {
        self.style
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

/// Opens a CSV file with its header (and a BOM in Excel mode).
pub(crate) fn csv_file(
    files: &mut AtomicFiles,
    name: &str,
    header: &[&str],
    style: CsvStyle,
) -> anyhow::Result<csv::Writer<BufWriter<File>>> {
    let mut out = files.create(name)?;
    if style.excel {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut writer = csv::WriterBuilder::new().delimiter(style.delimiter()).from_writer(out);
    writer.write_record(header)?;
    Ok(writer)
}
