//! `report.html`: written by every CSV run next to the other files, escaped, deterministic;
//! and a sample page with every kind of highlight, for looking at in a browser.
//!
//! To look at the sample: `GAZETKA_REPORT_SAMPLE=/tmp/sample.html cargo test --test report`,
//! then open the file (README, "The report", shows the headless Chromium command).

mod common;

use common::*;
use gazetka::dict::DictDirs;
use gazetka::model::{Attribution, EntityType, Extraction, Mention, MentionSource, Quote, QuoteKind};
use gazetka::output::report::{ReportLimits, ReportWriter};
use gazetka::output::{ProcessedDocument, Summary};
use gazetka::resources::Resources;
use gazetka::text::Span;

#[test]
fn every_csv_run_writes_an_escaped_report_and_it_is_the_same_for_any_thread_count() {
    let corpus = tempfile::tempdir().unwrap();
    let hostile = "<script>alert('x')</script> & \"Ко\" <img src=x onerror=alert(1)> — 1,5 млн тенге.";
    std::fs::write(corpus.path().join("<b>doc&1.txt"), hostile).unwrap();
    std::fs::write(corpus.path().join("plain.txt"), "Министр заявил, что это стоит до 500 миллионов долларов.")
        .unwrap();
    std::fs::write(corpus.path().join("broken.txt"), [0xffu8, 0xfe, 0x00]).unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let input = corpus.path().to_str().unwrap();
    extract(&[input, "--jobs", "1"], a.path());
    extract(&[input, "--jobs", "3", "--excel"], b.path());
    let html = std::fs::read_to_string(a.path().join("report.html")).unwrap();
    assert_eq!(
        html,
        std::fs::read_to_string(b.path().join("report.html")).unwrap(),
        "jobs or --excel changed the report"
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Ко&quot; &lt;img src=x"));
    assert!(html.contains("&lt;b&gt;doc&amp;1"), "the document id is escaped too");
    for foreign in ["<script", "<img", "<b>doc"] {
        assert!(!html.contains(foreign), "{foreign} reached the page");
    }
    // Self-contained: nothing is fetched from anywhere.
    for fetch in ["src=\"", "<link", "url(", "@import", "http://", "https://"] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    let summary = read_json(&a.path().join("summary.json"));
    let documents = summary["documents"].as_u64().unwrap();
    assert!(html.contains(&format!("<b>{documents}</b><span>documents found</span>")));
    assert_eq!(summary["items"]["money"], 2, "{summary}");
    assert!(html.contains("<b>KZT</b></td><td class=\"n\">1</td><td class=\"n\" title=\"1500000\">"), "{html}");
    assert!(html.contains("<b>USD</b></td><td class=\"n\">1</td><td class=\"n\" title=\"500000000\">"));
    for skipped in summary["skipped"].as_array().unwrap() {
        assert!(html.contains(skipped["id"].as_str().unwrap()), "skipped {skipped} not in the report");
    }
}

/// Finds every occurrence of `needle` not overlapping `taken`.
fn occurrences(text: &str, needle: &str, taken: &[Span]) -> Vec<Span> {
    text.match_indices(needle)
        .map(|(i, _)| Span { start: i, end: i + needle.len() })
        .filter(|s| !taken.iter().any(|t| t.overlaps(s)))
        .collect()
}

/// A stand-in for the entity and quote extractors (which are not here yet): a few names and
/// the `"…", – cue speaker` pattern, enough to show every kind of highlight. It is a
/// rendering fixture, not a claim about what the extractors will find.
fn fake_items(text: &str, x: &mut Extraction) {
    let names = [
        ("Багдат Мусин", EntityType::Per, "Багдат Мусин", "per:bagdat-musin"),
        ("Мусин", EntityType::Per, "Багдат Мусин", "per:bagdat-musin"),
        ("Минцифры", EntityType::Org, "Министерство цифрового развития", "org:mcriap"),
        ("МЦРИАП", EntityType::Org, "Министерство цифрового развития", "org:mcriap"),
        ("Сбер", EntityType::Org, "Сбер", "org:sber"),
        ("Казахстан", EntityType::Loc, "Казахстан", "loc:kazakhstan"),
        ("Алматы", EntityType::Loc, "Алматы", "loc:almaty"),
    ];
    let mut taken: Vec<Span> = Vec::new();
    for (needle, entity_type, canonical, id) in names {
        for span in occurrences(text, needle, &taken) {
            taken.push(span);
            x.mentions.push(Mention {
                span,
                entity_type,
                canonical: canonical.into(),
                entity_id: id.into(),
                source: if needle == "Мусин" { MentionSource::Coref } else { MentionSource::Gazetteer },
                warning: None,
            });
        }
    }
    x.mentions.sort_by_key(|m| m.span);
    for (close, mark) in text.match_indices(['"', '”']) {
        let after = &text[close + mark.len()..];
        let Some(rest) = after.strip_prefix(", – ").or_else(|| after.strip_prefix(", — ")) else { continue };
        // The opening mark starts its paragraph (so `АО "НИТ"` inside a quote is skipped).
        let line = text[..close].rfind('\n').map_or(0, |i| i + 1);
        if !text[line..].starts_with(['"', '“']) {
            continue;
        }
        let open = line;
        let open = open + text[open..].chars().next().map_or(1, char::len_utf8);
        let cue_start = text.len() - rest.len();
        let cue_end = cue_start + rest.find(' ').unwrap_or(0);
        let who_start = cue_end + 1;
        let who = &text[who_start..];
        let (speaker, words, attribution) = if who.starts_with("Багдат Мусин") {
            (Some("Багдат Мусин"), "Багдат Мусин", Attribution::Named)
        } else if who.starts_with("Мусин") {
            (Some("Багдат Мусин"), "Мусин", Attribution::Named)
        } else if who.starts_with("министр") {
            (Some("Багдат Мусин"), "министр", Attribution::Role)
        } else {
            (None, "", Attribution::None)
        };
        let span = Span { start: open, end: close };
        x.quotes.push(Quote {
            span,
            parts: vec![span],
            speaker: speaker.map(String::from),
            speaker_type: speaker.map(|_| EntityType::Per),
            speaker_id: speaker.map(|_| "per:bagdat-musin".to_string()),
            speaker_span: speaker.map(|_| Span { start: who_start, end: who_start + words.len() }),
            cue: Some(text[cue_start..cue_end].to_string()),
            cue_span: Some(Span { start: cue_start, end: cue_end }),
            attribution,
            kind: QuoteKind::Direct,
            warning: None,
        });
    }
}

#[test]
fn sample_report_shows_every_kind_of_item() {
    let resources = Resources::load(DictDirs::new(vec![repo().join("dictionaries")]));
    let mut writer = ReportWriter::new(Vec::new(), ReportLimits::default()).unwrap();
    let mut summary = Summary::default();
    for (seq, id) in ["000_c2ac63403365cbbb", "001_0c285e206fc54271"].into_iter().enumerate() {
        let text = std::fs::read_to_string(repo().join("seeds").join(format!("{id}.txt"))).unwrap();
        let mut extraction =
            gazetka::analyze::analyze(&text, &resources, &mut gazetka::output::summary::StageTimes::default());
        extraction.mentions.clear();
        extraction.quotes.clear();
        fake_items(&text, &mut extraction);
        summary.documents += 1;
        summary.processed += 1;
        summary.items.add(&extraction);
        let doc = ProcessedDocument {
            id: id.into(),
            seq,
            text,
            encoding: "UTF-8",
            notes: vec![],
            metadata: None,
            extraction,
        };
        writer.write_document(&doc).unwrap();
    }
    let html = String::from_utf8(writer.finish(&summary).unwrap()).unwrap();
    if let Some(path) = std::env::var_os("GAZETKA_REPORT_SAMPLE") {
        std::fs::write(path, &html).unwrap();
    }
    for class in ["e per", "e org", "e loc", "q", "q nosp", "spk", "cue", "money"] {
        assert!(html.contains(&format!("<span class=\"{class}\" title=")), "no {class} highlight");
    }
    assert!(html.contains("data-label=\"Багдат Мусин\""), "a quote shows its speaker");
    assert!(html.contains("data-label=\"no speaker\"></span></span>"), "an unattributed quote is marked");
    assert!(html.contains("title=\"500000000\">500\u{202f}000\u{202f}000</td>"), "USD total");
    assert!(html.contains("Багдат Мусин <span class=\"id\">per:bagdat-musin</span>"));
    assert_eq!(html.matches("<span").count(), html.matches("</span>").count());
}
