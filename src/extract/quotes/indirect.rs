//! Indirect speech: the reported clause of a cue, outside every direct quote.
//!
//! Patterns (the clause is the text reported; the final full stop is left out):
//! - `Мусин отметил, что CLAUSE.` (also `заявил журналистам, что`, `рассказал о том, что`);
//!   a second cue joined by `, и` ends the first clause (`заверил, что A, и заявил, что B`);
//! - `По словам министра, CLAUSE.` and `Как (он) отметил (Мусин), CLAUSE.` (intro; in mid
//!   sentence the intro is cut out and the clause has two parts);
//! - `CLAUSE, отметил Мусин.` (the cue after a comma, a short tail naming the speaker).
//!
//! A negated cue (`не уточнил, о каких …`) reports nothing; `уточнили у него, откажется ли …`
//! is a question, not a claim, and has no `что`.

use super::context::Doc;
use super::direct::{has_speaker_words, Candidate};
use super::marks::trim_span;
use super::rules::{Construction, WordKind};
use super::speaker::{CueKind, CueRef, Order};
use crate::model::QuoteKind;
use crate::text::tokens::{Token, TokenKind};
use crate::text::Span;

const MAX_WORDS_TO_COMPLEMENTIZER: usize = 6;
const MAX_INTRO_WORDS: usize = 10;
const MAX_TAIL_WORDS: usize = 15;
const MIN_CLAUSE_WORDS: usize = 2;
/// How far the token windows around a cue reach, in bytes.
const WINDOW: usize = 160;

pub(crate) fn find(doc: &Doc, direct: &[Candidate]) -> Vec<Candidate> {
    let mut direct_spans: Vec<Span> = direct.iter().map(Candidate::span).collect();
    direct_spans.sort();
    // Whether each cue already attributes a direct quote.
    let mut used = vec![false; doc.cues.len()];
    for c in direct {
        if let Some(CueKind::Cue(ci)) = c.cue.as_ref().map(|r| &r.cue) {
            used[*ci] = true;
        }
    }
    let inside_direct = |span: Span| {
        let i = direct_spans.partition_point(|d| d.start <= span.start);
        (i.saturating_sub(2)..i).any(|k| direct_spans[k].overlaps(&span))
    };
    let mut out: Vec<Candidate> = Vec::new();
    for (ci, &cue) in doc.cues.iter().enumerate() {
        let form = cue.form(doc.rules);
        if !form.indirect || used[ci] || inside_direct(cue.span) {
            continue;
        }
        let sent_start = doc.sentence_start(cue.span.start, 0);
        let sent_end = doc.sentence_end(cue.span.end);
        let before = doc.tokens_tail(sent_start, cue.span.start, WINDOW);
        let before_is_whole = before.first().is_none_or(|t| doc.text[sent_start..t.span.start].trim().is_empty());
        if before.last().is_some_and(|t| doc.word_kind(t) == Some(WordKind::Negation)) {
            continue;
        }
        let found = if form.construction == Construction::Intro {
            intro(doc, ci, cue.span.start, sent_start, sent_end)
        } else if let Some(kak) = kak_intro(doc, &before, before_is_whole) {
            intro(doc, ci, kak, sent_start, sent_end)
        } else {
            complement(doc, ci, sent_start, sent_end).or_else(|| tail(doc, ci, &before, sent_start, sent_end))
        };
        if let Some(c) = found {
            if !inside_direct(c.span()) && out.last().is_none_or(|l| !l.span().overlaps(&c.span())) {
                out.push(c);
            }
        }
    }
    out
}

fn words(tokens: &[Token]) -> usize {
    tokens.iter().filter(|t| t.kind != TokenKind::Punct).count()
}

/// `По словам X, CLAUSE` / `Как отметил X, CLAUSE` with the intro starting at `intro_start`.
fn intro(doc: &Doc, ci: usize, intro_start: usize, sent_start: usize, sent_end: usize) -> Option<Candidate> {
    let text = doc.text;
    let cue = doc.cues[ci];
    let after = doc.tokens_head(cue.span.end, sent_end, 2 * WINDOW);
    let comma = after.iter().take(MAX_INTRO_WORDS * 2).find(|t| t.text(text) == ",")?;
    let clause = trim_span(text, comma.span.end, sent_end);
    if !doc.words_at_least(clause, MIN_CLAUSE_WORDS) {
        return None;
    }
    let head = trim_span(text, sent_start, intro_start);
    let mut parts = Vec::new();
    if !head.is_empty() {
        // `Платформа, по словам министра, состоит …`: cut the intro out.
        let h = head.slice(text);
        if let Some(stripped) = h.strip_suffix(',') {
            parts.push(trim_span(text, head.start, head.start + stripped.len()));
        } else {
            return None;
        }
    }
    parts.push(clause);
    let cue_ref =
        CueRef { cue: CueKind::Cue(ci), region: (intro_start, comma.span.start), order: Order::BeforeThenAfter };
    Some(Candidate { parts, cue: Some(cue_ref), kind: QuoteKind::Indirect, warning: None })
}

/// `Как он отметил, …`: `как` among the last three words before the cue, opening a clause.
fn kak_intro(doc: &Doc, before: &[Token], whole: bool) -> Option<usize> {
    let mut seen = 0;
    for (i, t) in before.iter().enumerate().rev() {
        if t.kind == TokenKind::Punct {
            return None;
        }
        seen += 1;
        if seen > 3 {
            return None;
        }
        if doc.word_kind(t) == Some(WordKind::Intro) {
            let opens = if i == 0 { whole } else { before[i - 1].text(doc.text) == "," };
            return opens.then_some(t.span.start);
        }
    }
    None
}

/// `X заявил, что CLAUSE`.
fn complement(doc: &Doc, ci: usize, sent_start: usize, sent_end: usize) -> Option<Candidate> {
    let text = doc.text;
    let cue = doc.cues[ci];
    let after = doc.tokens_head(cue.span.end, sent_end, WINDOW);
    let mut seen = 0;
    let mut at = None;
    for (i, t) in after.iter().enumerate() {
        if t.kind == TokenKind::Punct {
            let s = t.text(text);
            if s == "," {
                if let Some(n) = after.get(i + 1).filter(|n| doc.word_kind(n) == Some(WordKind::Complementizer)) {
                    at = Some((t.span.start, n.span.end));
                    break;
                }
                continue;
            }
            return None;
        }
        seen += 1;
        if seen > MAX_WORDS_TO_COMPLEMENTIZER || doc.cue_starting_at(t.span.start).is_some() {
            return None;
        }
    }
    let (comma, clause_start) = at?;
    let clause_end = coordinated_end(doc, clause_start, sent_end);
    let clause = trim_span(text, clause_start, clause_end);
    if !doc.words_at_least(clause, MIN_CLAUSE_WORDS) {
        return None;
    }
    let cue_ref = CueRef { cue: CueKind::Cue(ci), region: (sent_start, comma), order: Order::BeforeThenAfter };
    Some(Candidate { parts: vec![clause], cue: Some(cue_ref), kind: QuoteKind::Indirect, warning: None })
}

/// Where a clause ends when a second cue joins the sentence: `…, и заявил, что …`.
fn coordinated_end(doc: &Doc, from: usize, sent_end: usize) -> usize {
    for ci in doc.cues_in(from, sent_end) {
        let before = doc.tokens_tail(from, doc.cues[ci].span.start, 60);
        let n = before.len();
        for k in (n.saturating_sub(3)..n).rev() {
            if doc.word_kind(&before[k]) == Some(WordKind::Conjunction) && k > 0 && before[k - 1].text(doc.text) == ","
            {
                return before[k - 1].span.start;
            }
        }
    }
    sent_end
}

/// `CLAUSE, отметил Мусин.`
fn tail(doc: &Doc, ci: usize, before: &[Token], sent_start: usize, sent_end: usize) -> Option<Candidate> {
    let text = doc.text;
    let cue = doc.cues[ci];
    let comma = before.last().filter(|t| t.text(text) == ",")?;
    // `«П», — сказал` is a direct quote, not this.
    if before.len() >= 2 {
        let prev = before[before.len() - 2];
        if prev.kind == TokenKind::Punct && prev.span.end == comma.span.start {
            return None;
        }
    }
    if sent_end - cue.span.end > 2 * WINDOW {
        return None;
    }
    let rest = doc.tokens(cue.span.end, sent_end);
    if words(&rest) > MAX_TAIL_WORDS
        || rest
            .iter()
            .any(|t| doc.word_kind(t) == Some(WordKind::Complementizer) || doc.cue_starting_at(t.span.start).is_some())
    {
        return None;
    }
    // The tail must name the speaker right away: `, отметил Мусин`, not `, писали об угрозе …`.
    let head_end = rest.iter().filter(|t| t.kind != TokenKind::Punct).nth(3).map_or(sent_end, |t| t.span.end);
    if !has_speaker_words(doc, cue.span.end, head_end) {
        return None;
    }
    let clause = trim_span(text, sent_start, comma.span.start);
    if !doc.words_at_least(clause, MIN_CLAUSE_WORDS + 1) {
        return None;
    }
    let cue_ref = CueRef { cue: CueKind::Cue(ci), region: (cue.span.end, sent_end), order: Order::AfterThenBefore };
    Some(Candidate { parts: vec![clause], cue: Some(cue_ref), kind: QuoteKind::Indirect, warning: None })
}
