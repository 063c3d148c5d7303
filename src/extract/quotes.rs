//! Quotes: who said what. Direct quotes (in quotation marks, interview blocks, dialogue
//! lines) and indirect speech (`Мусин отметил, что …`), each with its speaker resolved to an
//! entity of the document.
//!
//! Owns: quotation-mark pairing ([`marks`]), speech cues ([`cues`]), deciding which quoted spans
//! are quotes and where the author's words cut them ([`direct`]), reported clauses
//! ([`indirect`]), and speaker resolution ([`speaker`]). Leaves to others: finding entity
//! mentions and resolving them to one entity per referent (we receive them), and character
//! offsets (we return byte spans).
//!
//! All rule data lives in `dictionaries/rules/` (see [`QuoteRules`]). One pass finds marks,
//! one Aho-Corasick pass over the folded text finds cues; everything else looks at bounded
//! windows around them, so time is linear in the text.

mod context;
mod cues;
mod direct;
mod indirect;
mod marks;
mod rules;
mod speaker;
mod stops;
mod words;

#[cfg(test)]
mod gold_tests;
#[cfg(test)]
mod table_tests;
#[cfg(test)]
pub(crate) mod test_support;

pub use rules::QuoteRules;

use crate::dict::roles::RoleNouns;
use crate::model::{Attribution, Mention, Quote, QuoteKind};
use crate::text::tokens::{tokenize, Token};
use crate::text::FoldedText;

use context::Doc;
use direct::Candidate;
use speaker::{Resolver, Speaker};

/// Every quote in `text`, sorted by span start.
///
/// `mentions` are the document's entity mentions, sorted by start, already resolved (all
/// mentions of one person share `entity_id` and `canonical`). Role nouns such as `министр`
/// are not mentions; `roles` lets the extractor read them.
pub fn extract_quotes(text: &str, mentions: &[Mention], roles: &RoleNouns, rules: &QuoteRules) -> Vec<Quote> {
    let folded = FoldedText::new(text);
    let tokens = tokenize(text);
    extract_quotes_folded(text, &folded, &tokens, mentions, roles, rules)
}

/// [`extract_quotes`] for a pipeline that already holds the folded view of `text` and its
/// tokens (`tokenize(text)`).
pub fn extract_quotes_folded(
    text: &str,
    folded: &FoldedText,
    tokens: &[Token],
    mentions: &[Mention],
    roles: &RoleNouns,
    rules: &QuoteRules,
) -> Vec<Quote> {
    let sorted;
    let mentions = if mentions.is_sorted_by_key(|m| m.span.start) {
        mentions
    } else {
        let mut v = mentions.to_vec();
        v.sort_by_key(|m| (m.span.start, m.span.end));
        sorted = v;
        &sorted[..]
    };
    let cues = cues::find_cues(text, folded, rules);
    let doc = Doc::new(text, tokens, mentions, roles, rules, cues);

    let spans = rules.mark_set.find_indexed(text, doc.stop_index());
    let mut direct = direct::from_marks(&doc, spans);
    let dash = direct::from_dash_lines(&doc);
    for d in dash {
        if !direct.iter().any(|q| q.span().overlaps(&d.span())) {
            direct.push(d);
        }
    }
    direct.sort_by_key(|c| c.span().start);
    let indirect = indirect::find(&doc, &direct);

    // Resolve in document order of the cues, so pronouns see the speakers before them.
    // A piece without a word (`&quot;, — отметил, — .`) is no piece; a quote of none is no quote.
    let mut all: Vec<Candidate> = direct
        .into_iter()
        .chain(indirect)
        .filter_map(|mut c| {
            c.parts.retain(|p| p.slice(text).chars().any(context::is_word_char_fast));
            (!c.parts.is_empty()).then_some(c)
        })
        .collect();
    all.sort_by_key(|c| (c.cue.as_ref().map_or(c.span().start, |r| r.span(&doc).start), c.span().start));
    let mut resolver = Resolver::new(&doc);
    let mut quotes: Vec<Quote> = all
        .into_iter()
        .filter(|c| !c.span().is_empty())
        .map(|c| {
            let speaker = c.cue.as_ref().map_or_else(Speaker::none, |r| resolver.attribute(r));
            to_quote(&doc, c, speaker)
        })
        .collect();
    quotes.sort_by_key(|q| (q.span.start, q.kind != QuoteKind::Direct, q.span.end));
    quotes
}

fn to_quote(doc: &Doc, c: Candidate, s: Speaker) -> Quote {
    let entity = s.entity.map(|e| &doc.entities()[e]);
    let cue_span = c.cue.as_ref().map(|r| r.span(doc));
    Quote {
        span: c.span(),
        parts: c.parts,
        speaker: entity.map(|e| e.canonical.to_string()),
        speaker_type: entity.map(|e| e.entity_type),
        speaker_id: entity.map(|e| e.id.to_string()).filter(|id| !id.is_empty()),
        speaker_span: s.span,
        cue: cue_span.map(|sp| sp.slice(doc.text).to_string()),
        cue_span,
        attribution: if c.cue.is_some() { s.attribution } else { Attribution::None },
        kind: c.kind,
        warning: c.warning,
    }
}
