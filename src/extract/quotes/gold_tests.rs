//! The seed gold (`tests/data/quotes_gold.tsv`, written by reading the seeds): every direct
//! quote and every indirect clause found with the right speaker, attribution and cue, nothing
//! extra, and no quoted name or scare quote reported.
//!
//! Run: `cargo test --lib quotes::gold -- --nocapture` (prints the counts). The gold is edited
//! by hand after reading a seed, never re-recorded from the extractor's output.

use std::path::Path;

use super::test_support::kit;
use crate::dict::{tsv, Diagnostics};
use crate::model::{Quote, QuoteKind};

struct GoldRow {
    doc: String,
    kind: String,
    start: String,
    end: String,
    speaker: String,
    attribution: String,
    cue: String,
}

fn gold() -> Vec<GoldRow> {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/quotes_gold.tsv"));
    let mut d = Diagnostics::default();
    let t = tsv::read_tsv(path, &["doc_id", "kind", "text_start", "text_end", "speaker", "attribution", "cue"], &mut d)
        .expect("gold file readable");
    assert!(d.items.is_empty(), "{:?}", d.items);
    t.rows
        .iter()
        .map(|r| GoldRow {
            doc: t.field(r, "doc_id").into(),
            kind: t.field(r, "kind").into(),
            start: t.field(r, "text_start").into(),
            end: t.field(r, "text_end").into(),
            speaker: t.field(r, "speaker").into(),
            attribution: t.field(r, "attribution").into(),
            cue: t.field(r, "cue").into(),
        })
        .collect()
}

fn describe(text: &str, q: &Quote) -> String {
    format!(
        "{} {:?} | speaker {:?} | {} | cue {:?}",
        q.kind.as_str(),
        q.span.slice(text),
        q.speaker,
        q.attribution.as_str(),
        q.cue
    )
}

fn matches(text: &str, q: &Quote, g: &GoldRow) -> bool {
    let t = q.span.slice(text);
    q.kind.as_str() == g.kind && t.starts_with(&g.start) && t.ends_with(&g.end)
}

#[test]
fn gold_seeds_match_exactly() {
    let k = kit();
    let gold = gold();
    let mut docs: Vec<&str> = gold.iter().map(|g| g.doc.as_str()).collect();
    docs.dedup();
    let mut problems = Vec::new();
    let (mut direct_gold, mut direct_right, mut indirect_gold, mut indirect_right, mut traps, mut traps_ok) =
        (0, 0, 0, 0, 0, 0);
    for doc in docs {
        let path = format!("{}/seeds/{doc}.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("seed readable");
        let quotes = k.run(&text);
        let rows: Vec<&GoldRow> = gold.iter().filter(|g| g.doc == doc).collect();
        let mut used = vec![false; quotes.len()];
        for g in rows.iter().filter(|g| g.kind != "not_quote") {
            let is_direct = g.kind == "direct";
            if is_direct {
                direct_gold += 1;
            } else {
                indirect_gold += 1;
            }
            match quotes.iter().position(|q| matches(&text, q, g)) {
                None => problems.push(format!("{doc}: missing {} {:?}…{:?}", g.kind, g.start, g.end)),
                Some(i) => {
                    used[i] = true;
                    let q = &quotes[i];
                    let speaker = q.speaker.clone().unwrap_or_default();
                    let cue = q.cue.clone().unwrap_or_default();
                    if speaker == g.speaker && q.attribution.as_str() == g.attribution && cue == g.cue {
                        if is_direct {
                            direct_right += 1;
                        } else {
                            indirect_right += 1;
                        }
                    } else {
                        problems.push(format!(
                            "{doc}: wrong attribution for {:?}: got {speaker:?}/{}/{cue:?}, want {:?}/{}/{:?}",
                            g.start,
                            q.attribution.as_str(),
                            g.speaker,
                            g.attribution,
                            g.cue
                        ));
                    }
                }
            }
        }
        for (i, q) in quotes.iter().enumerate() {
            if !used[i] {
                problems.push(format!("{doc}: extra {}", describe(&text, q)));
            }
        }
        for g in rows.iter().filter(|g| g.kind == "not_quote") {
            traps += 1;
            if quotes.iter().any(|q| q.span.slice(&text) == g.start) {
                problems.push(format!("{doc}: not a quote, but reported: {:?}", g.start));
            } else {
                traps_ok += 1;
            }
        }
        assert!(quotes.iter().filter(|q| q.kind == QuoteKind::Direct).all(|q| !q.parts.is_empty()));
    }
    eprintln!(
        "quote gold: direct {direct_right}/{direct_gold} right, indirect {indirect_right}/{indirect_gold} right, not-quote traps {traps_ok}/{traps} avoided"
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Prints every quote of every seed with its spans, for reviewing by eye:
/// `cargo test --lib quotes::gold_tests::dump_seeds -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_seeds() {
    let k = kit();
    let mut paths: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap().flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        println!("=== {}", path.display());
        for q in k.run(&text) {
            println!("{}", describe(&text, &q));
            println!(
                "    parts {:?} speaker_span {:?} cue_span {:?} type {:?} id {:?} warning {:?}",
                q.parts.iter().map(|p| p.slice(&text)).collect::<Vec<_>>(),
                q.speaker_span.map(|s| s.slice(&text)),
                q.cue_span.map(|s| s.slice(&text)),
                q.speaker_type,
                q.speaker_id,
                q.warning
            );
        }
    }
}
