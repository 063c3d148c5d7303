//! The run, as three stages:
//! the calling thread lists and reads documents in input order and cuts them into batches;
//! each batch is one job for the worker threads (rayon), which analyse its documents and
//! format their output rows; a writer thread puts the results back in input order and hands
//! them to the sink.
//! Output is byte-identical whatever the number of threads; memory stays bounded (at most
//! a few batches in flight) whatever the corpus size; reading, analysing and writing
//! overlap.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::corpus::jsonl::ParsedLine;
use crate::corpus::{decode, Corpus, CorpusItem, InputSpec, Payload, RawDocument, Skipped};
use crate::output::summary::StageTimes;
use crate::output::{DocumentTally, ProcessedDocument, Summary};
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
/// [`Sink::prepare`] runs on the worker threads with the sink's [`Sink::Preparer`] (so
/// formatting rows is as parallel as the analysis); `write_document` runs on the writer
/// thread, in input order.
pub trait Sink: Send {
    type Prepared: Send;
    type Preparer: Sync;
    fn preparer(&self) -> Self::Preparer;
    fn prepare(preparer: &Self::Preparer, doc: &ProcessedDocument, tally: &DocumentTally) -> Self::Prepared;
    fn write_document(
        &mut self,
        doc: &ProcessedDocument,
        tally: &DocumentTally,
        prepared: &Self::Prepared,
    ) -> anyhow::Result<()>;
    /// A document that was found but not processed (stream mode reports it inline).
    fn write_skipped(&mut self, _skipped: &Skipped) -> anyhow::Result<()> {
        Ok(())
    }
    /// After `write_document` of every document of a batch, their prepared output, in input
    /// order: a sink can write the batch's bytes at once.
    fn write_batch(&mut self, _prepared: &[&Self::Prepared]) -> anyhow::Result<()> {
        Ok(())
    }
}

impl Sink for crate::output::OutputFiles {
    type Prepared = crate::output::EncodedDocument;
    type Preparer = crate::output::OutputPreparer;

    fn preparer(&self) -> crate::output::OutputPreparer {
        crate::output::OutputFiles::preparer(self)
    }

    fn prepare(
        preparer: &crate::output::OutputPreparer,
        doc: &ProcessedDocument,
        tally: &DocumentTally,
    ) -> Self::Prepared {
        preparer.prepare(doc, tally)
    }

    /// The report only: the prepared rows are written by batch.
    fn write_document(
        &mut self,
        doc: &ProcessedDocument,
        tally: &DocumentTally,
        prepared: &Self::Prepared,
    ) -> anyhow::Result<()> {
        self.write_report(doc, tally, prepared)
    }

    fn write_batch(&mut self, prepared: &[&Self::Prepared]) -> anyhow::Result<()> {
        self.write_encoded(prepared)
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

/// Input bytes per batch at most. A batch is one worker's job, and its output (about 3.6
/// times its input) is written while it is still in the caches: with 16 MB batches the
/// kernel's copy into the page cache took a fifth of a run's CPU time (0.62 s of system time
/// per 100 MB, one thread), with 256 KB batches 0.09 s, at the same user time and 50 MB less
/// peak memory. 128 KB batches keep two workers evenly fed.
const BATCH_BYTES: usize = 128 << 10;

/// Batches being analysed or waiting to be written at once (2 MB of input: bounds memory).
/// Many, so that a worker always finds the next batch ready while the writer waits for an
/// earlier one still being analysed.
const IN_FLIGHT: usize = 16;

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
    let preparer = sink.preparer();
    let shard = options.shard;
    let batch_documents = options.batch_documents.max(1);

    let mut summary = std::thread::scope(|scope| -> anyhow::Result<Summary> {
        // Analysed batches, numbered, in the order they finish: the writer puts them back in
        // input order. At most `IN_FLIGHT` batches are between this thread and the writer.
        let (result_tx, result_rx) = std::sync::mpsc::channel::<(u64, Vec<Processed<S::Prepared>>)>();
        // Written documents go back to the workers to be dropped (see `write_results`); each
        // returned batch also frees a place for the next one.
        let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<Spent<S::Prepared>>>();
        let bar_ref = &bar;
        let writer = scope.spawn(move || write_results(sink, result_rx, spent_tx, bar_ref));
        let preparer = &preparer;
        pool.in_place_scope(|jobs| {
            let mut in_flight = 0;
            let batches = std::iter::from_fn(|| next_batch(&mut corpus, shard, batch_documents));
            for (number, batch) in (0u64..).zip(batches) {
                let mut spent: Vec<Vec<Spent<S::Prepared>>> = spent_rx.try_iter().collect();
                in_flight -= spent.len();
                while in_flight >= IN_FLIGHT {
                    let Ok(written) = spent_rx.recv() else { return }; // the writer failed
                    spent.push(written);
                    in_flight -= 1;
                }
                in_flight += 1;
                let result_tx = result_tx.clone();
                // One job a batch, spawned and never joined: no worker waits for another, so
                // none takes up a later batch while it waits, which would hold back the
                // earlier one (and the writer with it) until the later one is done.
                jobs.spawn(move |_| {
                    let results =
                        batch.into_iter().map(|item| process::<S>(item, resources, preparer, shard)).collect();
                    let _ = result_tx.send((number, results)); // fails only when the writer failed
                    drop(spent);
                });
            }
        });
        drop(result_tx);
        let summary = writer.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the writer thread panicked")))?;
        Ok(summary)
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    summary.timings.load_seconds = resources.load_seconds;
    summary.timings.run_seconds = seconds;
    summary.timings.mb_per_second = summary.bytes as f64 / 1e6 / seconds.max(1e-9);
    summary.timings.documents_per_second = summary.processed as f64 / seconds.max(1e-9);
    summary.dictionaries = resources.dictionaries.clone();
    summary.dictionary_problems = resources.diagnostics.items.iter().map(ToString::to_string).collect();
    Ok(summary)
}

/// The next batch of at most `batch_documents` documents or `BATCH_BYTES` bytes, in input
/// order; `None` at the end of the corpus.
fn next_batch(corpus: &mut Corpus, shard: Option<Shard>, batch_documents: usize) -> Option<Vec<CorpusItem>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < batch_documents && bytes < BATCH_BYTES {
        let Some(item) = corpus.next() else { break };
        // JSONL ids are known only after parsing: the worker checks their shard.
        if !item.id().is_empty() && shard.is_some_and(|s| !s.contains(item.id())) {
            continue;
        }
        if let CorpusItem::Document(doc) = &item {
            bytes += doc.payload.len();
        }
        batch.push(item);
    }
    (!batch.is_empty()).then_some(batch)
}

/// The writer stage: results in input order to the sink, duplicates turned into skips,
/// the summary counted.
///
/// This thread is the serial part of a run, so the written documents, their tallies and
/// their prepared output are not dropped here (freeing a few strings per mention): each batch's documents go back through `spent` to
/// be dropped by the workers along with their next batch (or by the caller at the end).
fn write_results<S: Sink>(
    sink: &mut S,
    results: std::sync::mpsc::Receiver<(u64, Vec<Processed<S::Prepared>>)>,
    spent: std::sync::mpsc::Sender<Vec<Spent<S::Prepared>>>,
    bar: &ProgressBar,
) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let mut stages = StageTimes::default();
    // Ids already written, as 128-bit hashes: 16 bytes a document instead of the id and its
    // origin, so memory stays small on corpora of millions of documents.
    // The hashes are made on the workers ([`Outcome::Processed`]), and are hashes already, so
    // the set hashes them with Fx rather than SipHash again.
    let mut seen: HashSet<u128, rustc_hash::FxBuildHasher> = HashSet::default();
    for mut batch in InOrder::new(results) {
        let write_started = Instant::now();
        // Advanced once a batch: `ProgressBar::inc` costs a few hundred instructions a call.
        let mut batch_bytes = 0u64;
        // The documents are written where they lie in the batch, not moved out of it: each
        // move copied a few hundred bytes (the document, its tally and its prepared output).
        for Processed { outcome, times } in &mut batch {
            stages.add(times);
            if let Outcome::Processed(.., id_hash) = outcome {
                if !seen.insert(*id_hash) {
                    *outcome = duplicate(std::mem::replace(outcome, Outcome::OutOfShard));
                }
            }
            match outcome {
                Outcome::OutOfShard => continue,
                Outcome::Processed(doc, tally, prepared, _, _) => {
                    batch_bytes += doc.text.len() as u64;
                    summary.processed += 1;
                    summary.characters += tally.characters;
                    summary.bytes += doc.text.len() as u64;
                    summary.items.add_tallied(&doc.extraction, tally);
                    count_encoding(&mut summary, doc.encoding);
                    if !doc.notes.is_empty() {
                        summary.notes.insert(doc.id.clone(), doc.notes.clone());
                    }
                    sink.write_document(doc, tally, prepared)?;
                }
                Outcome::Skipped(skipped) => {
                    sink.write_skipped(skipped)?;
                    summary.skipped.push(skipped.clone()); // few: most documents are written
                }
            }
            summary.documents += 1;
        }
        bar.inc(batch_bytes);
        let prepared: Vec<&S::Prepared> = batch.iter().filter_map(Processed::written).collect();
        sink.write_batch(&prepared)?;
        let _ = spent.send(batch); // after the last batch the caller drops them
        stages.write += write_started.elapsed().as_secs_f64();
        bar.set_message(format!("{} documents", summary.documents));
    }
    summary.timings.stages = stages;
    Ok(summary)
}

/// Numbered batches in the order of their numbers (0, 1, 2, ...), whatever the order they
/// arrive in.
struct InOrder<T> {
    arrivals: std::sync::mpsc::Receiver<(u64, T)>,
    early: std::collections::BTreeMap<u64, T>,
    next: u64,
}

impl<T> InOrder<T> {
    fn new(arrivals: std::sync::mpsc::Receiver<(u64, T)>) -> Self {
        InOrder { arrivals, early: std::collections::BTreeMap::new(), next: 0 }
    }
}

impl<T> Iterator for InOrder<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(batch) = self.early.remove(&self.next) {
                self.next += 1;
                return Some(batch);
            }
            let (number, batch) = self.arrivals.recv().ok()?;
            self.early.insert(number, batch);
        }
    }
}

/// Counts a document's encoding, copying its name only the first time it is seen (this runs
/// once per document on the serial writer thread).
fn count_encoding(summary: &mut Summary, encoding: &str) {
    match summary.encodings.get_mut(encoding) {
        Some(count) => *count += 1,
        None => {
            summary.encodings.insert(encoding.to_string(), 1);
        }
    }
}

/// A 128-bit hash of a document id (two SipHash passes with fixed keys, so it is the same on
/// every run): a collision between two of a billion ids has a chance of about 1e-21.
fn id_hash(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut h = std::hash::DefaultHasher::new();
        salt.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// A written batch (its documents, their tallies and prepared output, and its skips), to be
/// dropped by the workers.
type Spent<P> = Processed<P>;

/// A processed document whose id an earlier document had, as the skip it becomes.
fn duplicate<P>(outcome: Outcome<P>) -> Outcome<P> {
    match outcome {
        Outcome::Processed(doc, _, _, origin, _) => Outcome::Skipped(Skipped {
            reason: format!("duplicate id: an earlier document has the same id (this one from {origin})"),
            id: doc.id,
            seq: doc.seq,
        }),
        other => other,
    }
}

// Large, but each is moved a few times per document: boxing it would cost an allocation
// per document instead.
#[allow(clippy::large_enum_variant)]
enum Outcome<P> {
    /// The document, its tally and prepared output (both made on the worker), and where it
    /// came from (for duplicate messages), and the [`id_hash`] of its id (made here, off the
    /// serial writer thread, which only looks it up).
    Processed(ProcessedDocument, DocumentTally, P, String, u128),
    Skipped(Skipped),
    /// A JSONL document of another shard (its id was known only after parsing).
    OutOfShard,
}

struct Processed<P> {
    outcome: Outcome<P>,
    times: StageTimes,
}

impl<P> Processed<P> {
    /// The prepared output, if the document is one to write (not a skip, nor a duplicate).
    fn written(&self) -> Option<&P> {
        match &self.outcome {
            Outcome::Processed(_, _, prepared, _, _) => Some(prepared),
            _ => None,
        }
    }
}

/// Decodes and analyses one document; every failure becomes a `Skipped` with its reason.
fn process<S: Sink>(
    item: CorpusItem,
    resources: &Resources,
    preparer: &S::Preparer,
    shard: Option<Shard>,
) -> Processed<S::Prepared> {
    let mut times = StageTimes::default();
    let outcome = analyse_item::<S>(item, resources, preparer, shard, &mut times);
    Processed { outcome, times }
}

fn analyse_item<S: Sink>(
    item: CorpusItem,
    resources: &Resources,
    preparer: &S::Preparer,
    shard: Option<Shard>,
    times: &mut StageTimes,
) -> Outcome<S::Prepared> {
    let raw: RawDocument = match item {
        CorpusItem::Skipped(s) => return Outcome::Skipped(s),
        CorpusItem::Document(raw) => raw,
    };
    let RawDocument { mut id, seq, mut metadata, origin, notes: raw_notes, payload } = raw;
    let decode_started = Instant::now();
    let (text, encoding, mut notes) = match payload {
        Payload::Text(text) => (text, "UTF-8", Vec::new()),
        Payload::JsonLine(line) => match crate::corpus::jsonl::parse_line(&origin, &line) {
            ParsedLine::Document { id: parsed_id, text, metadata: fields } => {
                if shard.is_some_and(|s| !s.contains(&parsed_id)) {
                    return Outcome::OutOfShard;
                }
                id = parsed_id;
                metadata = fields;
                (text, "UTF-8", Vec::new())
            }
            ParsedLine::Skipped { id, reason } => {
                if shard.is_some_and(|s| !s.contains(&id)) {
                    return Outcome::OutOfShard;
                }
                return Outcome::Skipped(Skipped { id, reason, seq });
            }
        },
        Payload::Bytes(bytes) => match decode::decode(&bytes) {
            Ok(d) => (d.text, d.encoding, d.notes),
            Err(reason) => return Outcome::Skipped(Skipped { seq, id, reason }),
        },
    };
    times.decode += decode_started.elapsed().as_secs_f64();
    if text.trim().is_empty() {
        let reason = if text.is_empty() { "empty document" } else { "document holds only whitespace" };
        return Outcome::Skipped(Skipped { seq, id, reason: reason.to_string() });
    }
    notes.extend(raw_notes);
    let analysed = std::panic::catch_unwind(AssertUnwindSafe(|| {
        if test_panic_target().is_some_and(|target| *target == id) {
            panic!("GAZETKA_TEST_PANIC_ON asked for a panic in this document");
        }
        let extraction = crate::analyze::analyze(&text, resources, times);
        let doc = ProcessedDocument { id: id.clone(), seq, text, encoding, notes, metadata, extraction };
        let format_started = Instant::now();
        let tally = DocumentTally::new(&doc.text, &doc.extraction);
        let prepared = S::prepare(preparer, &doc, &tally);
        times.write += format_started.elapsed().as_secs_f64();
        (doc, tally, prepared)
    }));
    match analysed {
        Ok((doc, tally, prepared)) => {
            let id_hash = id_hash(&doc.id);
            Outcome::Processed(doc, tally, prepared, origin, id_hash)
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let reason = format!("internal error while analysing (please report): {message}");
            Outcome::Skipped(Skipped { seq, id, reason })
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

    #[test]
    fn batches_come_back_in_their_numbers_order() {
        let (tx, rx) = std::sync::mpsc::channel();
        for number in [2u64, 0, 3, 1, 5, 4] {
            tx.send((number, number * 10)).unwrap();
        }
        drop(tx);
        assert_eq!(InOrder::new(rx).collect::<Vec<_>>(), [0, 10, 20, 30, 40, 50]);
    }

    #[test]
    fn a_missing_number_ends_the_batches_before_it() {
        let (tx, rx) = std::sync::mpsc::channel();
        for number in [1u64, 0, 3] {
            tx.send((number, number)).unwrap();
        }
        drop(tx);
        assert_eq!(InOrder::new(rx).collect::<Vec<_>>(), [0, 1]);
    }
}
