//! Gazetteer speed: dictionary load + compile time, and matching throughput over the seed
//! articles replicated to at least 100 MB, with folding and matching timed separately.
//!
//! Run: `cargo bench --bench gazetteer` (release build, one thread). Optional:
//! `GAZETKA_BENCH_MB=200` to change the corpus size, `GAZETKA_BENCH_ENTRIES=30000` to
//! also time loading a synthetic dictionary of that many entries. It asserts the number of mentions, so
//! it cannot time a broken run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gazetka::dict::entities::load_entries;
use gazetka::dict::gazetteer::{Engine, Gazetteer};
use gazetka::dict::inflect::Inflector;
use gazetka::dict::{Diagnostics, DictDirs};
use gazetka::text::FoldedText;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dirs = DictDirs::new(vec![root.join("dictionaries")]);

    let mut loads = Vec::new();
    let mut gazetteer = None;
    for _ in 0..5 {
        let t = Instant::now();
        let mut d = Diagnostics::default();
        let g = Gazetteer::load(&dirs, &mut d);
        loads.push(t.elapsed());
        assert!(!d.has_errors(), "{:?}", d.items);
        gazetteer = Some(g);
    }
    let gazetteer = gazetteer.expect("loaded");
    loads.sort();
    println!(
        "load+compile: {} entries, {} patterns: best {:.1} ms, median {:.1} ms",
        gazetteer.entry_count(),
        gazetteer.pattern_count(),
        ms(loads[0]),
        ms(loads[2])
    );

    if let Some(n) = std::env::var("GAZETKA_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()) {
        synthetic_load(n);
    }

    let mut seeds: Vec<String> = std::fs::read_dir(root.join("seeds"))
        .expect("seeds/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("seed"))
        .collect();
    seeds.sort();
    let per_round: usize = seeds.iter().map(|s| gazetteer.find(s, &FoldedText::new(s)).len()).sum();
    let round_bytes: usize = seeds.iter().map(String::len).sum();
    let target_mb: usize = std::env::var("GAZETKA_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let rounds = (target_mb << 20).div_ceil(round_bytes);
    let total = rounds * round_bytes;
    println!("corpus: {} seed documents x {rounds} = {:.1} MB, {per_round} mentions per round", seeds.len(), mb(total));

    let entries = load_entries(&dirs, &mut Diagnostics::default());
    let inflector = Inflector::load(&dirs, &mut Diagnostics::default());
    for engine in Engine::ALL {
        let name = format!("{engine:?}{}", if engine == Engine::default() { " (default)" } else { "" });
        let t = Instant::now();
        let g = Gazetteer::with_engine(entries.clone(), &inflector, engine);
        let build = t.elapsed();
        let (mut fold, mut find, mut found) = (Duration::ZERO, Duration::ZERO, 0usize);
        for _ in 0..rounds {
            for doc in &seeds {
                let t0 = Instant::now();
                let folded = FoldedText::new(doc);
                let t1 = Instant::now();
                found += g.find(doc, &folded).len();
                fold += t1 - t0;
                find += t1.elapsed();
            }
        }
        assert_eq!(found, per_round * rounds, "{name}: wrong number of mentions");
        println!(
            "{name}: compile {:.1} ms; fold {:.0} MB/s, match {:.0} MB/s, fold+match {:.0} MB/s ({found} mentions)",
            ms(build),
            mb(total) / fold.as_secs_f64(),
            mb(total) / find.as_secs_f64(),
            mb(total) / (fold + find).as_secs_f64(),
        );
    }
}

/// Load+compile time of a synthetic dictionary of `n` entries (a third each of persons,
/// organisations and places, every one inflected), to show how loading scales.
fn synthetic_load(n: usize) {
    let dir = std::env::temp_dir().join(format!("gazetka-bench-{}", std::process::id()));
    let entities = dir.join("entities");
    std::fs::create_dir_all(&entities).expect("temp dir");
    let syllables = ["ка", "ра", "му", "син", "бек", "ай", "тол", "ген", "жан", "ов", "ер", "лан", "ну", "ста"];
    let word = |mut i: usize| {
        let mut w = String::new();
        for _ in 0..4 {
            w.push_str(syllables[i % syllables.len()]);
            i /= syllables.len();
        }
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    let mut tsv = String::from("id\ttype\tcanonical\taliases\tinflect\tnote\n");
    for i in 0..n {
        let line = match i % 3 {
            0 => format!("per:{i}\tPER\t{} {}ов\t{}ов\t\t\n", word(i), word(i + 7), word(i + 7)),
            1 => format!("org:{i}\tORG\tНациональная компания {}\t{}\t\t\n", word(i), word(i)),
            _ => format!("loc:{i}\tLOC\t{}ская область\t{}\t\t\n", word(i), word(i)),
        };
        tsv.push_str(&line);
    }
    std::fs::write(entities.join("synthetic.tsv"), tsv).expect("write");
    let t = Instant::now();
    let mut d = Diagnostics::default();
    let g = Gazetteer::load(&DictDirs::new(vec![dir.clone()]), &mut d);
    let took = t.elapsed();
    assert_eq!(g.entry_count(), n, "{:?}", d.items.first());
    println!("synthetic dictionary: {n} entries, {} patterns: load+compile {:.0} ms", g.pattern_count(), ms(took));
    let entries = load_entries(&DictDirs::new(vec![dir.clone()]), &mut Diagnostics::default());
    let t = Instant::now();
    let table = gazetka::dict::gazetteer::PatternTable::build(&entries, Inflector::builtin());
    println!("  of which forms + folding: {:.0} ms ({} patterns)", ms(t.elapsed()), table.patterns.len());
    for engine in Engine::ALL {
        let t = Instant::now();
        let g = Gazetteer::with_engine(entries.clone(), Inflector::builtin(), engine);
        println!("  {engine:?}: forms + compile {:.0} ms ({} patterns)", ms(t.elapsed()), g.pattern_count());
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1 << 20) as f64
}
