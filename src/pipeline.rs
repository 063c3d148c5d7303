//! The run: documents are read in input order in bounded batches, each batch is analysed
//! in parallel (rayon), and the results are handed to one sink in input order — so output
//! is byte-identical whatever the number of threads, and memory stays bounded whatever the
//! corpus size.

use std::io::IsTerminal;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::corpus::{decode, Corpus, CorpusItem, InputSpec, Payload, RawDocument, Skipped};
use crate::output::summary::StageTimes;
use crate::output::{ProcessedDocument, Summary};
use crate::resources::Resources;

/// One of N deterministic parts of a corpus, chosen by a hash of the document id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with `0 <= K < N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("shard {s:?} is not K/N (e.g. 0/4)"))?;
        let index: u32 = k.trim().parse().map_err(|_| format!("shard index {k:?} is not a number"))?;
        let count: u32 = n.trim().parse().map_err(|_| format!("shard count {n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: need 0 <= K < N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether the document with this id belongs to the shard (FNV-1a of the id, stable
    /// across machines and versions).
    pub fn contains(&self, id: &str) -> bool {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in id.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash % u64::from(self.count) == u64::from(self.index)
    }
}

/// Receives analysed documents in input order.
///
/// `prepare` runs on the worker threads (formatting rows is as parallel as the analysis);
/// `write_document` runs on one thread, in input order.
pub trait Sink: Sync {
    type Prepared: Send;
    fn prepare(&self, doc: &ProcessedDocument) -> Self::Prepared;
    fn write_document(&mut self, doc: &ProcessedDocument, prepared: Self::Prepared) -> anyhow::Result<()>;
    /// A document that was found but not processed (stream mode reports it inline).
    fn write_skipped(&mut self, _skipped: &Skipped) -> anyhow::Result<()> {
        Ok(())
    }
}

impl Sink for crate::output::OutputFiles {
    type Prepared = crate::output::EncodedDocument;

    fn prepare(&self, doc: &ProcessedDocument) -> Self::Prepared {
        crate::output::EncodedDocument::new(doc, self.style())
    }

    fn write_document(&mut self, doc: &ProcessedDocument, prepared: Self::Prepared) -> anyhow::Result<()> {
        self.write_encoded(doc, &prepared)
    }
}

pub struct RunOptions {
    pub inputs: Vec<InputSpec>,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// Show a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
    pub shard: Option<Shard>,
    /// Documents per batch at most (smaller batches stream sooner; larger ones keep cores busy).
    pub batch_documents: usize,
}

const BATCH_BYTES: usize = 32 << 20;

/// Reads, analyses and writes the whole corpus.
///
/// # Errors
/// When an input does not exist or the sink fails.
pub fn run<S: Sink>(options: &RunOptions, resources: &Resources, sink: &mut S) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut corpus = Corpus::open(&options.inputs)?;
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(options.jobs).build().context("cannot start worker threads")?;
    let bar = progress_bar(options.progress, corpus.known_bytes());
    let mut summary = Summary::default();
    let mut stages = StageTimes::default();
    loop {
        let batch = next_batch(&mut corpus, options);
        if batch.is_empty() {
            break;
        }
        let shared: &S = sink;
        let results: Vec<(Outcome<S::Prepared>, StageTimes)> =
            pool.install(|| batch.into_par_iter().map(|item| process(item, resources, shared)).collect());
        let write_started = Instant::now();
        for (outcome, times) in results {
            stages.add(&times);
            summary.documents += 1;
            match outcome {
                Outcome::Processed(doc, prepared) => {
                    bar.inc(doc.text.len() as u64);
                    summary.processed += 1;
                    summary.characters += doc.text.chars().count();
                    summary.bytes += doc.text.len() as u64;
                    summary.items.add(&doc.extraction);
                    *summary.encodings.entry(doc.encoding.to_string()).or_default() += 1;
                    if !doc.notes.is_empty() {
                        summary.notes.insert(doc.id.clone(), doc.notes.clone());
                    }
                    sink.write_document(&doc, prepared)?;
                }
                Outcome::Skipped(skipped) => {
                    sink.write_skipped(&skipped)?;
                    summary.skipped.push(skipped);
                }
            }
        }
        stages.write += write_started.elapsed().as_secs_f64();
        if bar.length().is_some_and(|l| l < corpus.known_bytes()) {
            bar.set_length(corpus.known_bytes());
        }
        bar.set_message(format!("{} documents", summary.documents));
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    summary.timings.load_seconds = resources.load_seconds;
    summary.timings.run_seconds = seconds;
    summary.timings.mb_per_second = summary.bytes as f64 / 1e6 / seconds.max(1e-9);
    summary.timings.documents_per_second = summary.processed as f64 / seconds.max(1e-9);
    summary.timings.stages = stages;
    summary.dictionaries = resources.dictionaries.clone();
    summary.dictionary_problems = resources.diagnostics.items.iter().map(ToString::to_string).collect();
    Ok(summary)
}

fn next_batch(corpus: &mut Corpus, options: &RunOptions) -> Vec<CorpusItem> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < options.batch_documents && bytes < BATCH_BYTES {
        let Some(item) = corpus.next() else { break };
        if options.shard.is_some_and(|s| !s.contains(item.id())) {
            continue;
        }
        if let CorpusItem::Document(doc) = &item {
            bytes += match &doc.payload {
                Payload::Bytes(b) => b.len(),
                Payload::Text(t) => t.len(),
            };
        }
        batch.push(item);
    }
    batch
}

enum Outcome<P> {
    Processed(ProcessedDocument, P),
    Skipped(Skipped),
}

/// Decodes and analyses one document; every failure becomes a `Skipped` with its reason.
fn process<S: Sink>(item: CorpusItem, resources: &Resources, sink: &S) -> (Outcome<S::Prepared>, StageTimes) {
    let mut times = StageTimes::default();
    let raw: RawDocument = match item {
        CorpusItem::Skipped(s) => return (Outcome::Skipped(s), times),
        CorpusItem::Document(raw) => raw,
    };
    let decode_started = Instant::now();
    let (text, encoding, mut notes) = match raw.payload {
        Payload::Text(text) => (text, "UTF-8", Vec::new()),
        Payload::Bytes(bytes) => match decode::decode(&bytes) {
            Ok(d) => (d.text, d.encoding, d.notes),
            Err(reason) => return (Outcome::Skipped(Skipped { seq: raw.seq, id: raw.id, reason }), times),
        },
    };
    times.decode += decode_started.elapsed().as_secs_f64();
    if text.trim().is_empty() {
        let reason = if text.is_empty() { "empty document" } else { "document holds only whitespace" };
        return (Outcome::Skipped(Skipped { seq: raw.seq, id: raw.id, reason: reason.to_string() }), times);
    }
    notes.extend(raw.notes);
    let RawDocument { id, seq, metadata, .. } = raw;
    let analysed = std::panic::catch_unwind(AssertUnwindSafe(|| {
        if test_panic_target().is_some_and(|target| *target == id) {
            panic!("GAZETKA_TEST_PANIC_ON asked for a panic in this document");
        }
        let extraction = crate::analyze::analyze(&text, resources, &mut times);
        let doc = ProcessedDocument { id: id.clone(), seq, text, encoding, notes, metadata, extraction };
        let format_started = Instant::now();
        let prepared = sink.prepare(&doc);
        times.write += format_started.elapsed().as_secs_f64();
        (doc, prepared)
    }));
    match analysed {
        Ok((doc, prepared)) => (Outcome::Processed(doc, prepared), times),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let reason = format!("internal error while analysing (please report): {message}");
            (Outcome::Skipped(Skipped { seq, id, reason }), times)
        }
    }
}

/// The document id named by `GAZETKA_TEST_PANIC_ON`, which makes its analysis panic: the
/// integration tests use it to prove that a panic costs one document, not the run.
fn test_panic_target() -> Option<&'static String> {
    static TARGET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    TARGET.get_or_init(|| std::env::var("GAZETKA_TEST_PANIC_ON").ok()).as_ref()
}

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = if total > 0 { ProgressBar::new(total) } else { ProgressBar::new_spinner() };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    let template = if total > 0 {
        "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
    } else {
        "{elapsed_precise} {spinner} {bytes} {bytes_per_sec} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_ids() {
        let shards: Vec<Shard> = (0..3).map(|k| Shard::parse(&format!("{k}/3")).unwrap()).collect();
        for id in ["a", "b", "000_c2ac63403365cbbb", "книга", ""] {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id}");
        }
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
