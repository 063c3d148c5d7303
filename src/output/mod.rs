//! Sinks: the files of a run. They know nothing of Russian; they receive each document's
//! items in input order and write CSV, JSONL, the summary and `report.html`.
//!
//! Every file is written under a temporary name in the output folder and renamed when the
//! run completes, so a failed or interrupted run never leaves a half-written file that
//! looks whole, and the previous run's files stay untouched until the new ones are ready.

mod atomic;
mod csv_style;
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
use rows::{DocumentRows, EntityRow, MentionRow, MoneyRow, PartRow, QuoteRow};
pub use summary::Summary;

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

impl ProcessedDocument {
    /// Writes this document as one JSON line.
    pub fn write_json_line(&self, rows: &DocumentRows<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let json = DocumentJson {
            id: &self.id,
            seq: self.seq,
            encoding: self.encoding,
            length: self.text.chars().count(),
            notes: &self.notes,
            metadata: self.metadata.as_ref(),
            mentions: &rows.mentions,
            entities: &rows.entities,
            quotes: rows.quotes.iter().map(|(quote, parts)| QuoteJson { quote, parts }).collect(),
            money: &rows.money,
        };
        serde_json::to_writer(&mut *out, &json)?;
        out.write_all(b"\n")
    }
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

fn csv_rows(style: CsvStyle) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().has_headers(false).delimiter(style.delimiter()).from_writer(Vec::new())
}

impl EncodedDocument {
    /// Formats every row of `doc` as CSV (in `style`) and its JSON line.
    ///
    /// # Panics
    /// Only on a bug: writing to memory cannot fail.
    pub fn new(doc: &ProcessedDocument, style: CsvStyle) -> EncodedDocument {
        let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
        let s = style;
        let mut mentions = csv_rows(s);
        for m in &rows.mentions {
            let (start, end) = (m.start.to_string(), m.end.to_string());
            mentions
                .write_record([
                    &*s.text_cell(m.doc_id),
                    &start,
                    &end,
                    &s.text_cell(m.text),
                    m.entity_type,
                    &s.text_cell(m.canonical),
                    &s.text_cell(m.entity_id),
                    m.source,
                    &s.text_cell(m.warning),
                ])
                .expect("in-memory CSV");
        }
        let mut entities = csv_rows(s);
        for e in &rows.entities {
            entities
                .write_record([
                    &*s.text_cell(e.doc_id),
                    &s.text_cell(e.entity_id),
                    e.entity_type,
                    &s.text_cell(e.canonical),
                    &e.mentions.to_string(),
                ])
                .expect("in-memory CSV");
        }
        let opt = |n: Option<usize>| n.map_or(String::new(), |n| n.to_string());
        let mut quotes = csv_rows(s);
        for (q, _) in &rows.quotes {
            quotes
                .write_record([
                    &*s.text_cell(q.doc_id),
                    &q.quote_id,
                    &q.start.to_string(),
                    &q.end.to_string(),
                    &s.text_cell(q.text),
                    &s.text_cell(q.speaker),
                    q.speaker_type,
                    &opt(q.speaker_start),
                    &opt(q.speaker_end),
                    &s.text_cell(q.cue),
                    q.attribution,
                    q.kind,
                    &s.text_cell(q.speaker_id),
                    &opt(q.cue_start),
                    &opt(q.cue_end),
                    &s.text_cell(q.warning),
                ])
                .expect("in-memory CSV");
        }
        let mut money = csv_rows(s);
        for m in &rows.money {
            money
                .write_record([
                    &*s.text_cell(m.doc_id),
                    &m.start.to_string(),
                    &m.end.to_string(),
                    &s.text_cell(m.text),
                    &s.number_cell(m.amount),
                    &s.number_cell(m.amount_max),
                    m.currency,
                    m.qualifier,
                    m.kind,
                ])
                .expect("in-memory CSV");
        }
        let mut json = Vec::new();
        doc.write_json_line(&rows, &mut json).expect("in-memory JSON");
        let bytes = |w: csv::Writer<Vec<u8>>| w.into_inner().expect("in-memory CSV");
        EncodedDocument {
            mentions: bytes(mentions),
            entities: bytes(entities),
            quotes: bytes(quotes),
            money: bytes(money),
            json,
        }
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

    /// Appends one document's rows, formatted by [`EncodedDocument::new`], to every file,
    /// and the document to the report.
    pub fn write_encoded(&mut self, doc: &ProcessedDocument, encoded: &EncodedDocument) -> anyhow::Result<()> {
        self.report.write_document(doc)?;
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
