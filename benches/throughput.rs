//! End-to-end throughput benchmark: builds a corpus of at least `--mb` megabytes (default
//! 1024) by replicating real text — the seeds and, when present, the factRuEval dev texts in
//! `../shared/eval/factru/dev.jsonl` — each copy varied (a copy number appended, documents
//! interleaved), runs the whole pipeline with every extractor and every shipped dictionary,
//! and reports MB/s and documents/s end to end and per stage, single-threaded and with all
//! cores. It asserts the item counts (copies × the counts of one pass over the base texts),
//! so it cannot time a broken run.
//!
//!     cargo bench --bench throughput -- [--mb 1024] [--jobs 1,0] [--out /tmp/gazetka-bench]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gazetka::corpus::InputSpec;
use gazetka::dict::DictDirs;
use gazetka::output::summary::ItemCounts;
use gazetka::output::{CsvStyle, OutputFiles, Summary};
use gazetka::pipeline::{self, RunOptions};
use gazetka::resources::Resources;

/// The allocator the `gazetka` binary uses, so the benchmark times what users run.
#[global_allocator]
static GLOBAL: gazetka::allocator::Allocator = gazetka::allocator::Allocator;

struct Args {
    mb: usize,
    jobs: Vec<usize>,
    work: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args { mb: 1024, jobs: vec![1, 0], work: std::env::temp_dir().join("gazetka-bench") };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--mb" => args.mb = it.next().and_then(|v| v.parse().ok()).expect("--mb N"),
            "--jobs" => {
                args.jobs = it.next().expect("--jobs 1,0").split(',').map(|j| j.parse().expect("number")).collect()
            }
            "--out" => args.work = it.next().expect("--out DIR").into(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn base_texts(repo: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    let mut seeds: Vec<PathBuf> =
        std::fs::read_dir(repo.join("seeds")).expect("seeds/").map(|e| e.expect("entry").path()).collect();
    seeds.sort();
    for path in seeds {
        texts.push(std::fs::read_to_string(path).expect("seed"));
    }
    let factru = repo.join("../shared/eval/factru/dev.jsonl");
    if let Ok(jsonl) = std::fs::read_to_string(&factru) {
        for line in jsonl.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("factru JSON");
            texts.push(v["text"].as_str().expect("text").to_string());
        }
    } else {
        eprintln!("bench: {} not found; using the seeds only", factru.display());
    }
    texts
}

fn run(inputs: Vec<InputSpec>, jobs: usize, resources: &Resources, out: &Path) -> Summary {
    let options = RunOptions { inputs, jobs, progress: false, shard: None, batch_documents: 1024 };
    let mut files = OutputFiles::create(out, CsvStyle::default()).expect("output folder");
    let summary = pipeline::run(&options, resources, &mut files).expect("run");
    files.finish(&summary).expect("write outputs");
    summary
}

fn counts(c: &ItemCounts) -> [usize; 4] {
    [c.mentions, c.quotes, c.money, c.rates]
}

fn main() {
    gazetka::allocator::configure();
    let args = parse_args();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&args.work).expect("work folder");

    let started = Instant::now();
    let resources = Resources::load(DictDirs::new(vec![repo.join("dictionaries")]));
    let load = started.elapsed().as_secs_f64();
    assert!(!resources.diagnostics.has_errors(), "shipped dictionaries have errors");

    // One pass over the base texts gives the expected counts per copy.
    let texts = base_texts(&repo);
    let base_path = args.work.join("base.jsonl");
    write_corpus(&base_path, &texts, 1);
    let base = run(vec![InputSpec::Path(base_path.clone())], 0, &resources, &args.work.join("out-base"));
    let base_bytes: usize = texts.iter().map(String::len).sum();
    let copies = (args.mb * 1_000_000).div_ceil(base_bytes).max(1);

    let corpus_path = args.work.join("corpus.jsonl");
    let write_started = Instant::now();
    write_corpus(&corpus_path, &texts, copies);
    let corpus_mb = std::fs::metadata(&corpus_path).expect("corpus").len() as f64 / 1e6;
    println!(
        "corpus: {} documents ({} base texts × {copies} copies), {corpus_mb:.0} MB JSONL, written in {:.1} s",
        texts.len() * copies,
        texts.len(),
        write_started.elapsed().as_secs_f64()
    );
    println!("dictionaries: loaded and compiled in {load:.3} s");
    let out = args.work.join("out");
    settle([corpus_path.clone()]);

    for &jobs in &args.jobs {
        let summary = run(vec![InputSpec::Path(corpus_path.clone())], jobs, &resources, &out);
        settle(std::fs::read_dir(&out).expect("output folder").map(|e| e.expect("entry").path()));
        let expected = counts(&base.items).map(|n| n * copies);
        assert_eq!(counts(&summary.items), expected, "item counts (mentions, quotes, money, rates)");
        assert_eq!(summary.processed, texts.len() * copies);
        report(jobs, &summary);
    }
}

/// Waits until `files` are on disk (untimed). A run writes about 3.6 times its input; left
/// in the page cache as dirty pages, one run's output (and the fresh corpus) would be
/// written back during the next timed run, which the kernel may then throttle to the
/// disk's speed: each run starts with nothing of the others left to write.
fn settle(files: impl IntoIterator<Item = PathBuf>) {
    for path in files {
        std::fs::File::open(path).and_then(|f| f.sync_all()).expect("sync a written file");
    }
}

/// Writes `copies` copies of every text as JSONL, interleaved, each with its copy number.
fn write_corpus(path: &Path, texts: &[String], copies: usize) {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("corpus file"));
    for copy in 0..copies {
        for (i, text) in texts.iter().enumerate() {
            let varied = if copies == 1 { text.clone() } else { format!("{text}\n\n[{copy}]") };
            let line = serde_json::json!({"id": format!("c{copy}-t{i}"), "text": varied});
            writeln!(out, "{line}").expect("write corpus");
        }
    }
    out.flush().expect("flush corpus");
}

fn report(jobs: usize, s: &Summary) {
    let t = &s.timings;
    let threads = if jobs == 0 { rayon::current_num_threads() } else { jobs };
    println!(
        "\n{threads} thread(s): {:.0} MB in {:.2} s = {:.1} MB/s, {:.0} documents/s; {} mentions, {} quotes, {} money, {} rates",
        s.bytes as f64 / 1e6,
        t.run_seconds,
        t.mb_per_second,
        t.documents_per_second,
        s.items.mentions,
        s.items.quotes,
        s.items.money,
        s.items.rates
    );
    let st = &t.stages;
    let stages = [
        ("read+decode", st.decode),
        ("normalise", st.normalise),
        ("gazetteer", st.gazetteer),
        ("entity rules", st.entity_rules),
        ("quotes", st.quotes),
        ("money", st.money),
        ("write", st.write),
    ];
    let total: f64 = stages.iter().map(|s| s.1).sum();
    println!("  stage          CPU s    share   MB/s (per core)");
    for (name, seconds) in stages {
        println!(
            "  {name:<13} {seconds:>6.2}  {:>6.1}%  {:>8.0}",
            100.0 * seconds / total.max(1e-9),
            s.bytes as f64 / 1e6 / seconds.max(1e-9)
        );
    }
}
