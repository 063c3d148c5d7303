//! `gazetka merge`: combines the output folders of `--shard K/N` runs into exactly the
//! files one run over the whole corpus would have written.
//!
//! Every shard run walks the whole input, so each document carries its global position
//! (`seq`). Each shard's files list its documents in `seq` order, so a streaming k-way merge
//! by `seq` restores the single-run order with memory bounded by one row per shard.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use super::{csv_file, AtomicFiles, CsvStyle, OutputFile, Summary};

const CSV_FILES: &[&str] = &["mentions.csv", "entities.csv", "quotes.csv", "money.csv"];

#[derive(Deserialize)]
struct DocumentHead {
    id: String,
    seq: usize,
}

/// One shard's `documents.jsonl`, read a line at a time.
struct DocumentLines {
    lines: std::io::Lines<BufReader<File>>,
    next: Option<(DocumentHead, String)>,
    path: PathBuf,
}

impl DocumentLines {
    fn open(path: PathBuf) -> anyhow::Result<DocumentLines> {
        let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = DocumentLines { lines: BufReader::new(file).lines(), next: None, path };
        lines.advance()?;
        Ok(lines)
    }

    fn advance(&mut self) -> anyhow::Result<()> {
        self.next = match self.lines.next() {
            None => None,
            Some(line) => {
                let line = line?;
                let head: DocumentHead = serde_json::from_str(&line)
                    .with_context(|| format!("{}: a line is not a gazetka document", self.path.display()))?;
                Some((head, line))
            }
        };
        Ok(())
    }
}

/// One shard's CSV file with one record of look-ahead.
struct CsvRows {
    records: csv::StringRecordsIntoIter<File>,
    next: Option<csv::StringRecord>,
}

impl CsvRows {
    fn open(path: &Path, style: CsvStyle) -> anyhow::Result<(CsvRows, csv::StringRecord)> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(style.delimiter())
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader.headers()?.clone();
        let mut records = reader.into_records();
        let next = records.next().transpose()?;
        Ok((CsvRows { records, next }, header))
    }

    /// Writes every leading row whose first cell is `doc_id`.
    fn copy_document(&mut self, doc_id: &str, out: &mut csv::Writer<OutputFile>) -> anyhow::Result<()> {
        while let Some(record) = &self.next {
            if record.get(0) != Some(doc_id) {
                break;
            }
            out.write_record(record)?;
            self.next = self.records.next().transpose()?;
        }
        Ok(())
    }
}

/// Merges shard output folders into `out`.
///
/// # Errors
/// When a folder lacks a file, files are not gazetka output, or styles differ (plain vs `--excel`).
pub fn merge(dirs: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    if dirs.is_empty() {
        bail!("merge needs at least one shard output folder");
    }
    let mut summaries = Vec::new();
    let mut styles = Vec::new();
    for dir in dirs {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let summary: Summary =
            serde_json::from_str(&text).with_context(|| format!("{} is not a gazetka summary", path.display()))?;
        summaries.push(summary);
        let head =
            std::fs::read(dir.join("mentions.csv")).with_context(|| format!("{}: no mentions.csv", dir.display()))?;
        styles.push(CsvStyle { excel: head.starts_with("\u{feff}".as_bytes()) });
    }
    let style = styles[0];
    if styles.iter().any(|&s| s != style) {
        bail!("shard folders mix plain and --excel CSV; merge outputs of the same kind");
    }

    let mut files = AtomicFiles::new(out)?;
    let mut writers = Vec::new();
    let mut readers: Vec<Vec<CsvRows>> = dirs.iter().map(|_| Vec::new()).collect();
    for name in CSV_FILES {
        let mut header = None;
        for (shard, dir) in dirs.iter().enumerate() {
            let (rows, h) = CsvRows::open(&dir.join(name), style)?;
            header.get_or_insert(h);
            readers[shard].push(rows);
        }
        let header = header.expect("at least one shard");
        let names: Vec<&str> = header.iter().map(|h| h.trim_start_matches('\u{feff}')).collect();
        writers.push(csv_file(&mut files, name, &names, style)?);
    }
    let mut documents = files.create("documents.jsonl")?;
    let mut shards: Vec<DocumentLines> =
        dirs.iter().map(|d| DocumentLines::open(d.join("documents.jsonl"))).collect::<anyhow::Result<_>>()?;

    while let Some(shard) = (0..shards.len())
        .filter(|&i| shards[i].next.is_some())
        .min_by_key(|&i| shards[i].next.as_ref().map(|(h, _)| h.seq))
    {
        let (head, line) = shards[shard].next.take().expect("chosen shard has a document");
        documents.write_all(line.as_bytes())?;
        documents.write_all(b"\n")?;
        let cell = style.text_cell(&head.id);
        for (rows, writer) in readers[shard].iter_mut().zip(writers.iter_mut()) {
            rows.copy_document(&cell, writer)?;
        }
        shards[shard].advance()?;
    }
    for (shard, rows) in readers.iter().enumerate() {
        if rows.iter().any(|r| r.next.is_some()) {
            bail!("{}: CSV rows out of step with documents.jsonl", dirs[shard].display());
        }
    }
    for writer in &mut writers {
        writer.flush()?;
    }
    documents.flush()?;
    let mut summary_out = files.create("summary.json")?;
    serde_json::to_writer_pretty(&mut summary_out, &combine(summaries))?;
    summary_out.write_all(b"\n")?;
    summary_out.flush()?;
    drop((writers, documents, summary_out));
    files.commit()
}

/// Adds up shard summaries (skipped documents in input order).
fn combine(summaries: Vec<Summary>) -> Summary {
    let mut all = Summary::default();
    for (i, s) in summaries.into_iter().enumerate() {
        if i == 0 {
            all.dictionaries = s.dictionaries.clone();
            all.dictionary_problems = s.dictionary_problems.clone();
        }
        all.documents += s.documents;
        all.processed += s.processed;
        all.skipped.extend(s.skipped);
        all.characters += s.characters;
        all.bytes += s.bytes;
        all.items.mentions += s.items.mentions;
        all.items.entities += s.items.entities;
        all.items.quotes += s.items.quotes;
        all.items.money += s.items.money;
        all.items.rates += s.items.rates;
        for (encoding, n) in s.encodings {
            *all.encodings.entry(encoding).or_default() += n;
        }
        all.notes.extend(s.notes);
        let t = &mut all.timings;
        t.load_seconds = t.load_seconds.max(s.timings.load_seconds);
        t.run_seconds = t.run_seconds.max(s.timings.run_seconds);
        t.stages.add(&s.timings.stages);
    }
    all.skipped.sort_by_key(|s| s.seq);
    let t = &mut all.timings;
    t.mb_per_second = all.bytes as f64 / 1e6 / t.run_seconds.max(1e-9);
    t.documents_per_second = all.processed as f64 / t.run_seconds.max(1e-9);
    all
}
