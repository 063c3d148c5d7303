use super::*;
use crate::model::{EntityType, Mention, MentionSource, Money, MoneyKind, Qualifier, Quote, QuoteKind};
use crate::text::Span;

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in text"));
    Span::new(start, start + needle.len())
}

fn mention(text: &str, needle: &str, t: EntityType, canonical: &str, id: &str) -> Mention {
    Mention {
        span: span_of(text, needle),
        entity_type: t,
        canonical: canonical.into(),
        entity_id: id.into(),
        source: MentionSource::Gazetteer,
        warning: None,
    }
}

fn quote(span: Span, speaker: Option<(&str, &str)>) -> Quote {
    Quote {
        span,
        parts: vec![span],
        speaker: speaker.map(|s| s.0.to_string()),
        speaker_type: speaker.map(|_| EntityType::Per),
        speaker_id: speaker.map(|s| s.1.to_string()),
        speaker_span: None,
        cue: None,
        cue_span: None,
        attribution: if speaker.is_some() { Attribution::Named } else { Attribution::None },
        kind: QuoteKind::Direct,
        warning: None,
    }
}

fn money(span: Span, amount: &str, currency: &str) -> Money {
    Money {
        span,
        amount: amount.into(),
        amount_max: None,
        currency: currency.into(),
        qualifier: Qualifier::Exact,
        kind: MoneyKind::Amount,
    }
}

fn doc(seq: usize, id: &str, text: &str, extraction: Extraction) -> ProcessedDocument {
    ProcessedDocument {
        id: id.into(),
        seq,
        text: text.into(),
        encoding: "UTF-8",
        notes: Vec::new(),
        metadata: None,
        extraction,
    }
}

fn render(docs: &[ProcessedDocument], limits: ReportLimits) -> String {
    let mut w = ReportWriter::new(Vec::new(), limits).unwrap();
    for d in docs {
        w.write_document(d).unwrap();
    }
    let summary = Summary { documents: docs.len(), processed: docs.len(), ..Summary::default() };
    String::from_utf8(w.finish(&summary).unwrap()).unwrap()
}

/// Text between tags, entities decoded back: what a reader sees of the document.
fn visible_text(html: &str) -> String {
    let mut s = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => s.push(c),
            _ => {}
        }
    }
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[test]
fn corpus_text_ids_and_names_cannot_inject_markup() {
    let text = "<script>alert(1)</script> Иван & \"Ко\" <b>заявил</b>: <img src=x onerror=alert(2)>";
    let mut x = Extraction::default();
    let mut m = mention(text, "Иван", EntityType::Per, "<script>x</script>", "per:\"><script>");
    m.warning = Some("' onmouseover='alert(3)".into());
    x.mentions.push(m);
    x.quotes.push(quote(span_of(text, "<b>заявил</b>"), Some(("\"><img src=y>", "id\"<"))));
    x.money.push(money(span_of(text, "<img"), "1.5", "<USD>"));
    let html = render(&[doc(0, "<doc id=\"1\">&amp;", text, x)], ReportLimits::default());
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;doc id=&quot;1&quot;&gt;&amp;amp;"));
    assert!(html.contains("data-label=\"&quot;&gt;&lt;img src=y&gt;\""));
    assert_only_our_markup(&html);
}

/// Every tag and attribute in the page is one the report writes itself: corpus text that
/// broke out of its escaping would show up as a foreign tag (`<script>`, `<img>`) or a
/// foreign attribute (`onerror=`).
fn assert_only_our_markup(html: &str) {
    const TAGS: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "div", "header", "p", "a", "section", "h1", "h2",
        "h3", "span", "table", "tr", "th", "td", "b", "code",
    ];
    const ATTRIBUTES: &[&str] =
        &["lang", "charset", "name", "content", "class", "title", "href", "id", "data-label", "style"];
    let style_end = html.find("</style>").unwrap();
    let mut rest = &html[style_end..];
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map(|c| open + c).expect("unclosed tag");
        let tag = &rest[open + 1..close];
        let mut parts = tag.trim_start_matches('/').splitn(2, ' ');
        let name = parts.next().unwrap();
        assert!(TAGS.contains(&name), "foreign tag <{tag}>");
        let mut attrs = parts.next().unwrap_or("");
        while !attrs.is_empty() {
            let (attr, after) = attrs.split_once("=\"").unwrap_or((attrs, ""));
            assert!(
                ATTRIBUTES.contains(&attr.trim()) || attr.trim() == "html",
                "foreign attribute {attr:?} in <{tag}>"
            );
            let end = after.find('"').unwrap_or(after.len());
            attrs = after.get(end + 1..).unwrap_or("").trim_start();
        }
        rest = &rest[close + 1..];
    }
}

#[test]
fn nested_items_keep_the_text_whole_and_the_spans_balanced() {
    let text = "Министр Багдат Мусин заявил: «Сбер вложит 500 млн тенге в Алматы». «Без автора» 🙂";
    let mut x = Extraction::default();
    x.mentions.push(mention(text, "Багдат Мусин", EntityType::Per, "Багдат Мусин", "per:bagdat-musin"));
    x.mentions.push(mention(text, "Сбер", EntityType::Org, "Сбер", "org:sber"));
    x.mentions.push(mention(text, "Алматы", EntityType::Loc, "Алматы", "loc:almaty"));
    let mut q = quote(span_of(text, "Сбер вложит 500 млн тенге в Алматы"), Some(("Багдат Мусин", "per:bagdat-musin")));
    q.speaker_span = Some(span_of(text, "Багдат Мусин"));
    q.cue = Some("заявил".into());
    q.cue_span = Some(span_of(text, "заявил"));
    x.quotes.push(q);
    x.quotes.push(quote(span_of(text, "Без автора"), None));
    let mut pointed = quote(span_of(text, "Сбер вложит"), None);
    pointed.speaker_span = Some(span_of(text, "Министр"));
    x.quotes.push(pointed);
    x.money.push(money(span_of(text, "500 млн тенге"), "500000000", "KZT"));
    let html = render(&[doc(0, "a", text, x)], ReportLimits::default());
    let body = &html[html.find("<div class=\"text\">").unwrap()..];
    let body = &body[..body.find("</section>").unwrap()];
    assert!(visible_text(body).contains(text));
    assert_eq!(body.matches("<span").count(), body.matches("</span>").count());
    for needle in [
        "<span class=\"e per\" title=\"PER Багдат Мусин\nentity id: per:bagdat-musin\nsource: gazetteer\">Багдат Мусин",
        "<span class=\"q\" title=\"Quote q1 (direct)\nspeaker: Багдат Мусин (PER)\nspeaker id: per:bagdat-musin",
        "<span class=\"money\" title=\"500000000 KZT\nqualifier: exact\nkind: amount\">500 млн тенге</span>",
        "<span class=\"q nosp\" title=\"Quote q2 (direct)\nspeaker: NOT FOUND\">Без автора<span class=\"badge\" data-label=\"no speaker\">",
        "data-label=\"Багдат Мусин\"></span></span>",
        "title=\"Quote q3 (direct)\nspeaker: NOT FOUND (not resolved: Министр)\">",
        "<span class=\"badge\" data-label=\"Министр?\"></span>",
        "<span class=\"spk\" title=\"Speaker of q3: not resolved\">Министр</span>",
    ] {
        assert!(body.contains(needle), "{needle:?} missing in\n{body}");
    }
    // The summary counts the items.
    assert!(html.contains("per:bagdat-musin</span></td><td class=\"n\">1</td>"), "{html}");
    assert!(html.contains("<b>KZT</b></td><td class=\"n\">1</td><td class=\"n\" title=\"500000000\">"));
    assert!(html.contains("<b>2</b> without a speaker"));
}

#[test]
fn money_totals_are_exact_per_currency() {
    let text = "0.1 0.2 7";
    let mut x = Extraction::default();
    x.money.push(money(Span::new(0, 3), "0.1", "USD"));
    x.money.push(money(Span::new(4, 7), "0.2", "USD"));
    x.money.push(money(Span::new(8, 9), "7", "KZT"));
    let mut rate = money(Span::new(8, 9), "443.85", "USD");
    rate.kind = MoneyKind::Rate;
    x.money.push(rate);
    let html = render(&[doc(0, "a", text, x.clone()), doc(1, "b", text, x)], ReportLimits::default());
    assert!(html.contains("<b>USD</b></td><td class=\"n\">4</td><td class=\"n\" title=\"0.6\">0.6</td>"), "{html}");
    assert!(html.contains("<b>KZT</b></td><td class=\"n\">2</td><td class=\"n\" title=\"14\">14</td>"));
    assert!(html.contains("Exchange rates (2) are not added"));
}

#[test]
fn big_corpora_are_highlighted_up_to_the_limits_then_listed_then_counted() {
    let limits =
        ReportLimits { highlighted_documents: 2, highlighted_bytes: 1 << 20, document_bytes: 10, listed_documents: 3 };
    let docs: Vec<ProcessedDocument> =
        (0..8).map(|i| doc(i, &format!("doc{i}"), "Абвгдеёжзийклмн", Extraction::default())).collect();
    let html = render(&docs, limits);
    assert_eq!(html.matches("<section class=\"doc\"").count(), 2);
    // 10 bytes of Cyrillic: 5 letters shown, never half a letter.
    assert!(html.contains("<div class=\"text\">Абвгд</div>"), "{html}");
    assert!(html.contains("Only the first 5 of 15 characters are shown"));
    for i in 2..5 {
        assert!(html.contains(&format!("<tr><td class=\"id\">doc{i}</td>")), "doc{i} not listed");
    }
    assert!(!html.contains("doc5<") && !html.contains("doc7<"));
    assert!(html.contains("… and 3 more documents, not listed here"));
    assert!(html.contains("the first 2 documents are shown with their highlights"));
    assert!(html.contains("and 3 more are only counted (2 long document(s) cut short)"));
}

#[test]
fn an_empty_run_still_makes_a_whole_page() {
    let html = render(&[], ReportLimits::default());
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(html.contains("No document was processed.") && html.contains("No entities."));
}

/// A listed document's row, pushed piece by piece, is the row the `writeln!` form gave.
#[test]
fn a_listed_row_is_the_formatted_row() {
    let text = "Сбер <и> ВТБ: 5 млн ₽";
    let extraction = Extraction {
        mentions: vec![mention(text, "Сбер", EntityType::Org, "Сбер", "org:sber")],
        quotes: vec![quote(span_of(text, "ВТБ"), None)],
        money: vec![money(span_of(text, "5 млн ₽"), "5000000", "RUB")],
    };
    let d = doc(3, "id<&>", text, extraction);
    for chars in [0, 7, 1_234_567_890] {
        let mut row = String::new();
        document_row(&d, chars, &mut row);
        let expected = format!(
            "<tr><td class=\"id\">id&lt;&amp;&gt;</td><td class=\"n\">{chars}</td><td class=\"n\">1</td>\
             <td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">1</td></tr>\n"
        );
        assert_eq!(row, expected);
    }
}

/// Reports prepared ahead (as the workers do) give the page written without them, also when
/// the byte budget runs out mid-document and documents before one were skipped.
#[test]
fn prepared_sections_give_the_same_page() {
    let texts = ["Абвгдеёжзийклмн", "abc", "Сбер <и> ВТБ: 5 млн ₽", "Ж", "0123456789012"];
    for (highlighted_bytes, document_bytes, seq_step) in [(1 << 20, 10, 1), (25, 10, 1), (25, 8, 2), (12, 100, 1)] {
        let limits = ReportLimits { highlighted_documents: 3, highlighted_bytes, document_bytes, listed_documents: 2 };
        let docs: Vec<ProcessedDocument> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut extraction = Extraction::default();
                if let Some(at) = text.find("Сбер") {
                    extraction.mentions.push(mention(text, "Сбер", EntityType::Org, "Сбер", "org:sber"));
                    extraction.quotes.push(quote(Span::new(at, text.len()), Some(("Греф", "per:gref"))));
                }
                doc(i * seq_step, &format!("doc{i}"), text, extraction)
            })
            .collect();
        let mut w = ReportWriter::new(Vec::new(), limits).unwrap();
        for d in &docs {
            let groups = crate::output::rows::entity_groups(&d.extraction.mentions);
            let chars = d.text.chars().count();
            w.write_grouped(d, chars, &groups, Some(&limits.prepare(d, chars))).unwrap();
        }
        let summary = Summary { documents: docs.len(), processed: docs.len(), ..Summary::default() };
        let prepared = String::from_utf8(w.finish(&summary).unwrap()).unwrap();
        assert_eq!(prepared, render(&docs, limits), "{limits:?}");
    }
}

/// The titles and badges of [`document_marks`], in its order, made with `format!` as they
/// were before they were pushed piece by piece: the reference for them.
fn titles_by_format(text: &str, x: &Extraction) -> Vec<(String, Option<String>)> {
    let mut titles = Vec::new();
    for (n, q) in x.quotes.iter().enumerate() {
        let id = format!("q{}", n + 1);
        let speaker = q.speaker.as_deref().filter(|s| !s.is_empty());
        let unresolved = q
            .speaker_span
            .filter(|_| speaker.is_none())
            .and_then(|sp| text.get(sp.start..sp.end))
            .filter(|w| !w.is_empty());
        let mut title = format!("Quote {id} ({})\n", q.kind.as_str());
        let _ = match (speaker, q.speaker_type, q.speaker_id.as_deref().filter(|s| !s.is_empty())) {
            (None, _, _) => write!(title, "speaker: NOT FOUND"),
            (Some(name), Some(t), Some(sid)) => write!(title, "speaker: {name} ({})\nspeaker id: {sid}", t.as_str()),
            (Some(name), Some(t), None) => write!(title, "speaker: {name} ({})", t.as_str()),
            (Some(name), None, Some(sid)) => write!(title, "speaker: {name}\nspeaker id: {sid}"),
            (Some(name), None, None) => write!(title, "speaker: {name}"),
        };
        let lines = [
            unresolved.map(|words| format!(" (not resolved: {words})")),
            (q.attribution != Attribution::None).then(|| format!("\nattribution: {}", q.attribution.as_str())),
            q.cue.as_ref().map(|cue| format!("\ncue: {cue}")),
            q.warning.as_ref().map(|w| format!("\nwarning: {w}")),
        ];
        for line in lines.into_iter().flatten() {
            title.push_str(&line);
        }
        let badge = match (speaker, unresolved) {
            (Some(name), _) => name.to_string(),
            (None, Some(words)) => format!("{words}?"),
            (None, None) => "no speaker".to_string(),
        };
        let parts = q.parts.len().max(1);
        titles.extend((1..=parts).map(|k| (title.clone(), (k == parts).then(|| badge.clone()))));
        if q.speaker_span.is_some() {
            titles.push((format!("Speaker of {id}: {}", speaker.unwrap_or("not resolved")), None));
        }
        if q.cue_span.is_some() {
            titles.push((format!("Speech cue of {id}: {}", q.cue.as_deref().unwrap_or("")), None));
        }
    }
    for m in &x.mentions {
        let (kind, source) = (m.entity_type.as_str(), m.source.as_str());
        let warning = m.warning.as_ref().map_or(String::new(), |w| format!("\nwarning: {w}"));
        titles.push((format!("{kind} {}\nentity id: {}\nsource: {source}{warning}", m.canonical, m.entity_id), None));
    }
    for m in &x.money {
        let max = m.amount_max.as_ref().map_or(String::new(), |max| format!(" – {max}"));
        let (qualifier, kind) = (m.qualifier.as_str(), m.kind.as_str());
        titles.push((format!("{}{max} {}\nqualifier: {qualifier}\nkind: {kind}", m.amount, m.currency), None));
    }
    titles
}

/// Titles pushed piece by piece are the formatted ones, for quotes with every combination of
/// speaker, type, id, unresolved words, attribution, cue, warning and parts, mentions with and
/// without a warning, and amounts, ranges and rates.
#[test]
fn marks_are_those_made_with_format() {
    let text = "Министр сказал: «Рост 5 млн ₽» — и он 10 долларов ушёл";
    let mut quotes = Vec::new();
    for k in 0..64 {
        let bit = |b: u32| k & (1 << b) != 0;
        let mut q = quote(span_of(text, "«Рост 5 млн ₽»"), bit(0).then_some(("Иван", "per:иван")));
        if bit(0) && bit(1) {
            q.speaker_type = None;
        }
        if bit(2) {
            q.speaker_id = Some(String::new());
        }
        if bit(3) {
            q.speaker_span = Some(span_of(text, "Министр"));
        }
        if bit(4) {
            q.cue = Some("сказал".into());
            q.cue_span = Some(span_of(text, "сказал"));
            q.attribution = Attribution::Role;
        }
        if bit(5) {
            q.warning = Some("двойная <цитата>".into());
            q.parts = vec![span_of(text, "Рост"), span_of(text, "млн")];
        }
        quotes.push(q);
    }
    let mut warned = mention(text, "Министр", EntityType::Per, "министр", "per:министр");
    warned.warning = Some("role & title".into());
    let mentions = vec![mention(text, "Министр", EntityType::Org, "Мин", "org:мин"), warned];
    let mut range = money(span_of(text, "5 млн ₽"), "5000000", "RUB");
    range.amount_max = Some("6000000.5".into());
    range.qualifier = Qualifier::Range;
    let mut rate = money(span_of(text, "10 долларов"), "10", "USD");
    rate.kind = MoneyKind::Rate;
    let amounts = vec![money(span_of(text, "5 млн ₽"), "5000000", "RUB"), range, rate];
    let x = Extraction { mentions, quotes, money: amounts };
    let marks = document_marks(text, &x);
    assert_eq!(marks.len(), 32 + 2 * 32 + 32 + 32 + 2 + 3);
    let titles: Vec<(String, Option<String>)> = marks.into_iter().map(|m| (m.title, m.badge)).collect();
    assert_eq!(titles, titles_by_format(text, &x));
}
