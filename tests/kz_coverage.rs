//! Kazakhstan coverage (issue 10): every sentence of `tests/data/kz_sentences.tsv` through the
//! real analysis with the shipped dictionaries; recall per type and stray mentions.
//!
//! An expected item (`TYPE:surface`) is found when a mention of the same type overlaps its
//! first occurrence in the sentence (boundaries differ by convention: `ТОО «Кайрат»` vs
//! `Кайрат`). A stray is a mention that overlaps no expected item. Run with `--nocapture` to
//! see the misses.

use gazetka::analyze::analyze;
use gazetka::dict::DictDirs;
use gazetka::output::summary::StageTimes;
use gazetka::resources::Resources;

#[test]
fn kz_sentences_recall_and_strays() {
    let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    let resources = Resources::load(dirs);
    let data = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/kz_sentences.tsv")).unwrap();
    let (mut expected, mut found, mut strays) = ([0usize; 3], [0usize; 3], 0usize);
    let types = ["PER", "ORG", "LOC"];
    let mut times = StageTimes::default();
    for line in data.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let (sentence, want) = line.split_once('\t').unwrap_or((line, ""));
        let got = analyze(sentence, &resources, &mut times).mentions;
        let mut spans = Vec::new();
        for item in want.split('|').filter(|s| !s.trim().is_empty()) {
            let (ty, surface) = item.split_once(':').expect("TYPE:surface");
            let t = types.iter().position(|x| *x == ty).expect("PER, ORG or LOC");
            let start = sentence.find(surface).unwrap_or_else(|| panic!("{surface:?} not in {sentence:?}"));
            let span = (start, start + surface.len());
            spans.push(span);
            expected[t] += 1;
            if got.iter().any(|m| m.entity_type.as_str() == ty && m.span.start < span.1 && span.0 < m.span.end) {
                found[t] += 1;
            } else {
                println!("MISS {ty}:{surface}\t{sentence}");
            }
        }
        for m in &got {
            if !spans.iter().any(|s| m.span.start < s.1 && s.0 < m.span.end) {
                strays += 1;
                println!("STRAY {}:{}\t{sentence}", m.entity_type.as_str(), m.span.slice(sentence));
            }
        }
    }
    let total: usize = expected.iter().sum();
    let hit: usize = found.iter().sum();
    for t in 0..3 {
        println!("{}: {}/{} = {:.3}", types[t], found[t], expected[t], found[t] as f64 / expected[t].max(1) as f64);
    }
    let recall = hit as f64 / total.max(1) as f64;
    println!("all: {hit}/{total} = {recall:.3}; strays: {strays}");
    assert!(recall >= 0.90, "recall {recall:.3} < 0.90");
    for t in 0..3 {
        assert!(found[t] as f64 >= 0.85 * expected[t] as f64, "{} recall too low", types[t]);
    }
    assert!(strays <= 5, "{strays} stray mentions (at most 5)");
}
