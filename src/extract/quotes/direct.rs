//! Direct quotes: which quoted spans are someone's words, where the author's words cut them,
//! which cue attributes them; plus dash-led lines (interview blocks, dialogue).
//!
//! A quoted span is a quote when (first rule that applies):
//! 1. a name or title noun or a legal form stands right before it (`АО "НИТ"`, `холдингом «…»`,
//!    `проект «…»`), or an entity mention covers it (`«Сбер»`) → not a quote;
//! 2. the author's words cut it (`«П, — заявил он, — п»`, `«П, — заявил он. — П»`) → one quote
//!    in two parts;
//! 3. a cue follows the closing mark (`«П», — заявил министр`, `«П?» — спросил он`);
//! 4. a cue or an `X:` precedes the opening mark (`Мусин заявил: «П»`, `Мусин: «П»`,
//!    `назвал меморандум «всего лишь основой для переговоров»`);
//! 5. with no cue at hand: a fragment starting in lower case of three words or more (a partial
//!    quote), or a sentence-like span of four words or more (opening its paragraph, or with
//!    sentence punctuation) is a quote, attributed to a cue earlier in its sentence if any;
//!    anything shorter is a name or a scare quote (`"побочку"`, `«Семей Сити»`).

use super::context::{dash_starts, is_dash, is_letter_fast, is_word_char_fast, Doc};
use super::marks::{is_line_break, trim_span, QuotedSpan};
use super::speaker::{CueKind, CueRef, Order};
use crate::model::{EntityType, QuoteKind};
use crate::text::tokens::TokenKind;
use crate::text::Span;

/// A quote found, waiting for its speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub parts: Vec<Span>,
    pub cue: Option<CueRef>,
    pub kind: QuoteKind,
    pub warning: Option<String>,
}

impl Candidate {
    pub fn span(&self) -> Span {
        let start = self.parts.first().map_or(0, |p| p.start);
        let end = self.parts.last().map_or(start, |p| p.end).max(start);
        Span::new(start, end)
    }
}

/// How many words may stand between the author's dash and the cue (`— Мусин заявил`).
const MAX_WORDS_BEFORE_CUE: usize = 3;

pub(crate) fn from_marks(doc: &Doc, spans: Vec<QuotedSpan>) -> Vec<Candidate> {
    let mut out = Vec::new();
    // Each span becomes at most one candidate: its parts and warning move there.
    for q in spans {
        if !doc.words_at_least(q.content, 1) || is_name(doc, &q) {
            continue;
        }
        if let Some((parts, cue)) = split_by_author(doc, q.content) {
            out.push(Candidate { parts, cue: Some(cue), kind: QuoteKind::Direct, warning: q.warning });
            continue;
        }
        let cue = q.close.and_then(|c| cue_after(doc, c.end)).or_else(|| cue_before(doc, &q));
        if let Some(cue) = cue {
            out.push(Candidate { parts: q.parts, cue: Some(cue), kind: QuoteKind::Direct, warning: q.warning });
            continue;
        }
        if looks_like_speech(doc, &q) {
            let cue = cue_earlier_in_sentence(doc, q.open.start);
            out.push(Candidate { parts: q.parts, cue, kind: QuoteKind::Direct, warning: q.warning });
        }
    }
    out
}

/// Rule 1: a name, a title or a scare quote by what stands before it or what it names.
fn is_name(doc: &Doc, q: &QuotedSpan) -> bool {
    let line_start = {
        let s = q.open.start.saturating_sub(80);
        (s..q.open.start).find(|&b| doc.text.is_char_boundary(b)).unwrap_or(q.open.start)
    };
    if let Some(t) = doc.last_token(line_start, q.open.start) {
        let adjacent = doc.text[t.span.end..q.open.start].chars().all(|c| c.is_whitespace() && !is_line_break(c));
        if adjacent && doc.is_name_noun(&t) {
            return true;
        }
    }
    // An entity mention covering every word of the content.
    let content = q.content.slice(doc.text);
    let first = content.char_indices().find(|&(_, c)| is_word_char_fast(c)).map(|(at, _)| q.content.start + at);
    let last_end = content
        .char_indices()
        .rev()
        .find(|&(_, c)| is_word_char_fast(c))
        .map(|(at, c)| q.content.start + at + c.len_utf8());
    let (Some(first), Some(last_end)) = (first, last_end) else {
        return true;
    };
    doc.mention_containing(first).is_some_and(|mi| doc.mentions[mi].span.end >= last_end)
}

/// Rule 2: `П, — заявил он, — п` / `П, — заявил он. — П` inside one pair of marks (or on a
/// dash-led line). Returns the parts of the quoted words and the cue.
pub(crate) fn split_by_author(doc: &Doc, content: Span) -> Option<(Vec<Span>, CueRef)> {
    // Cheap tests first: most quotes hold no dash after whitespace (a hyphen inside a word
    // is no author's dash), and then no token needs to be looked at.
    let s = content.slice(doc.text);
    if !has_space(s) || !has_dash_after_space(s) {
        return None;
    }
    split_at_author_dash(doc, content)
}

/// The author's words need a space (or a no-break space) somewhere in the content.
fn has_space(s: &str) -> bool {
    s.as_bytes().contains(&b' ') || s.contains('\u{a0}')
}

/// Whether a dash character follows a whitespace character in `s`: what an author's dash
/// needs (it is never the first token), so without one [`split_at_author_dash`] finds
/// nothing.
fn has_dash_after_space(s: &str) -> bool {
    dash_starts(s).any(|i| s[..i].chars().next_back().is_some_and(char::is_whitespace))
}

/// [`split_by_author`] without the cheap tests: the token walk.
fn split_at_author_dash(doc: &Doc, content: Span) -> Option<(Vec<Span>, CueRef)> {
    let text = doc.text;
    let tokens = doc.tokens(content.start, content.end);
    for (i, t) in tokens.iter().enumerate() {
        if !is_author_dash(doc, &tokens, i) {
            continue;
        }
        // The words before the dash must end with , ! ? or …
        let Some(p) = i.checked_sub(1).map(|k| tokens[k]) else {
            continue;
        };
        let pc = p.text(text).chars().next().unwrap_or(' ');
        if !matches!(pc, ',' | '!' | '?' | '…') {
            continue;
        }
        let seg_start = t.span.end;
        let sentence_end = doc.sentence_end(seg_start).min(content.end);
        // The quote resumes after the next spaced dash that follows `,` or `.` (`, — п` / `. — П`).
        let resume = (i + 1..tokens.len()).find(|&k| is_author_dash(doc, &tokens, k)).filter(|&k| {
            tokens[k - 1].kind == TokenKind::Punct && matches!(tokens[k - 1].text(text), "," | "." | "!" | "?" | "…")
        });
        let seg_end = resume.map_or(sentence_end, |k| tokens[k - 1].span.start.min(sentence_end));
        let cue = first_cue(doc, seg_start, seg_end)?;
        let part1_end = if pc == ',' { p.span.start } else { p.span.end };
        let mut parts = vec![trim_span(text, content.start, part1_end)];
        if let Some(k) = resume {
            let second = trim_span(text, tokens[k].span.end, content.end);
            if !second.is_empty() {
                parts.push(second);
            }
        }
        return Some((
            parts,
            CueRef { cue: CueKind::Cue(cue), region: (seg_start, seg_end), order: Order::AfterThenBefore },
        ));
    }
    None
}

/// A dash token with spaces on both sides (or `--`).
fn is_author_dash(doc: &Doc, tokens: &[crate::text::tokens::Token], i: usize) -> bool {
    let t = tokens[i];
    if t.kind != TokenKind::Punct || !t.text(doc.text).chars().next().is_some_and(is_dash) {
        return false;
    }
    let mut end = t.span.end;
    // `--`
    if let Some(n) = tokens.get(i + 1) {
        if n.span.start == end && n.text(doc.text) == "-" {
            end = n.span.end;
        }
    }
    let before = doc.char_before(t.span.start).is_some_and(char::is_whitespace);
    let after = doc.text[end..].chars().next().is_some_and(char::is_whitespace);
    before && after
}

/// The first direct-speech cue among the first few words of `[from, to)`.
fn first_cue(doc: &Doc, from: usize, to: usize) -> Option<usize> {
    let ci = doc.cues_in(from, to).find(|&ci| doc.cues[ci].form(doc.rules).direct)?;
    let words = doc.tokens(from, doc.cues[ci].span.start).iter().filter(|t| t.kind == TokenKind::Word).count();
    (words <= MAX_WORDS_BEFORE_CUE).then_some(ci)
}

/// Rule 3: `«П», — заявил министр.` — author's words after the closing mark.
fn cue_after(doc: &Doc, close_end: usize) -> Option<CueRef> {
    let text = doc.text;
    let mut pos = close_end;
    let mut seen_comma = false;
    let mut seen_dash = false;
    while let Some(c) = text[pos..].chars().next() {
        if is_line_break(c) {
            return None;
        }
        if c.is_whitespace() {
        } else if !seen_comma && !seen_dash && matches!(c, ',' | '!' | '?' | '…') {
            seen_comma = true;
        } else if !seen_dash && is_dash(c) {
            seen_dash = true;
            if text[pos + c.len_utf8()..].starts_with('-') {
                pos += 1;
            }
        } else {
            break;
        }
        pos += c.len_utf8();
    }
    if !seen_comma && !seen_dash {
        return None;
    }
    let end = doc.sentence_end(pos);
    let ci = if seen_dash {
        first_cue(doc, pos, end)?
    } else {
        // `«П», сказал он` without a dash: the cue must come first.
        let ci = first_cue(doc, pos, end)?;
        (doc.cues[ci].span.start == pos).then_some(ci)?
    };
    // The author's words stop at a spaced dash that resumes the quote.
    let tokens = doc.tokens(pos, end);
    let stop =
        (0..tokens.len()).find(|&k| tokens[k].span.start > doc.cues[ci].span.end && is_author_dash(doc, &tokens, k));
    let region_end = stop.map_or(end, |k| tokens[k].span.start);
    Some(CueRef { cue: CueKind::Cue(ci), region: (pos, region_end), order: Order::AfterThenBefore })
}

/// Rule 4: `Мусин заявил: «П»`, `Мусин: «П»`, `назвал меморандум «всего лишь …»`.
fn cue_before(doc: &Doc, q: &QuotedSpan) -> Option<CueRef> {
    let text = doc.text;
    let open = q.open.start;
    // Look back over whitespace, line breaks included (a quote may open the next paragraph).
    let (colon_at, crossed_line) = {
        let mut crossed = false;
        let mut found = None;
        for (at, c) in text[..open].char_indices().rev() {
            if is_line_break(c) {
                crossed = true;
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            if c == ':' {
                found = Some(at);
            }
            break;
        }
        (found, crossed)
    };
    if let Some(colon) = colon_at {
        let start = doc.sentence_start(colon, 0);
        let colon_span = Span::new(colon, colon + 1);
        if let Some(ci) = doc.cues_in(start, colon).rev().find(|&ci| doc.cues[ci].form(doc.rules).direct) {
            return Some(CueRef { cue: CueKind::Cue(ci), region: (start, colon), order: Order::BeforeThenAfter });
        }
        if doc.word_count_upto(Span::new(start, colon), 31) <= 30 && has_speaker_words(doc, start, colon) {
            return Some(CueRef {
                cue: CueKind::Colon(colon_span),
                region: (start, colon),
                order: Order::BeforeThenAfter,
            });
        }
        return None;
    }
    if crossed_line || !doc.words_at_least(q.content, 2) {
        return None;
    }
    // A cue among the last few words before the opening mark.
    let start = doc.sentence_start(open, 0);
    let ci = doc.cues_in(start, open).rev().find(|&ci| doc.cues[ci].form(doc.rules).direct)?;
    let between = doc.tokens(doc.cues[ci].span.end, open);
    if between.iter().filter(|t| t.kind == TokenKind::Word).count() > MAX_WORDS_BEFORE_CUE
        || between.iter().any(|t| t.kind == TokenKind::Punct && t.text(text) != ",")
    {
        return None;
    }
    Some(CueRef { cue: CueKind::Cue(ci), region: (start, open), order: Order::BeforeThenAfter })
}

/// Whether `[from, to)` names someone who can speak (a person or organisation mention, a role
/// noun or a pronoun).
pub(crate) fn has_speaker_words(doc: &Doc, from: usize, to: usize) -> bool {
    let tokens = doc.tokens(from, to);
    // Mentions first: a search in a short sorted list, where a role or a pronoun asks the
    // word cache.
    tokens.iter().any(|t| {
        doc.mention_containing(t.span.start).is_some_and(|mi| doc.entity_of(mi).entity_type != EntityType::Loc)
    }) || tokens.iter().any(|t| doc.role(t).is_some() || doc.pronoun(t).is_some())
}

/// Rule 5: no cue at hand — does the span read like someone's words rather than a name?
fn looks_like_speech(doc: &Doc, q: &QuotedSpan) -> bool {
    let words = doc.word_count_upto(q.content, 4);
    let content = q.content.slice(doc.text);
    let first_letter = content.chars().find(|&c| is_letter_fast(c));
    let lower = first_letter.is_some_and(char::is_lowercase);
    if lower {
        return words >= 3 || (words >= 2 && cue_earlier_in_sentence(doc, q.open.start).is_some());
    }
    if words < 4 {
        return false;
    }
    let sentence_punct = content.trim_end().ends_with(['.', '!', '?', '…'])
        || content.contains(". ")
        || content.contains("? ")
        || content.contains("! ");
    q.paragraph_start || sentence_punct
}

/// The last direct-speech cue earlier in the sentence of `pos` (for partial quotes).
fn cue_earlier_in_sentence(doc: &Doc, pos: usize) -> Option<CueRef> {
    let start = doc.sentence_start(pos, 0);
    let ci = doc.cues_in(start, pos).rev().find(|&ci| doc.cues[ci].form(doc.rules).direct)?;
    Some(CueRef { cue: CueKind::Cue(ci), region: (start, pos), order: Order::BeforeThenAfter })
}

/// Dash-led lines: interview blocks (`БАГДАТ МУСИН, министр …:` then `– …` paragraphs) and
/// dialogue lines with the author's words (`— П, — сказал он. — П`). A dash line with neither
/// (a list item such as `- Казахстан отказался от сделки`) is not a quote.
pub(crate) fn from_dash_lines(doc: &Doc) -> Vec<Candidate> {
    let text = doc.text;
    let mut out = Vec::new();
    // The interview header in force: (region, colon span).
    let mut header: Option<((usize, usize), Span)> = None;
    let mut line_start = 0usize;
    // Each line ends at the next line break (or the text end): the breaks in order.
    let mut breaks = doc.line_breaks();
    loop {
        let line_end = breaks.next().unwrap_or(text.len());
        if line_start == line_end {
            // An empty line (half the lines of news, between paragraphs) trims to nothing:
            // no dash line, no header, and the header in force stays, as below.
        } else if plain_line(text.as_bytes(), line_start, line_end) {
            // What `interview_header` says of a line that does not end with a colon.
            header = None;
        } else if let Some(line) = Some(trim_span(text, line_start, line_end)).filter(|l| !l.is_empty()) {
            match dash_line_content(doc, line) {
                Some(content) => {
                    if let Some((parts, cue)) = split_by_author(doc, content) {
                        out.push(Candidate { parts, cue: Some(cue), kind: QuoteKind::Direct, warning: None });
                    } else if let Some((region, colon)) = header {
                        if doc.words_at_least(content, 1) {
                            let cue = CueRef { cue: CueKind::Colon(colon), region, order: Order::BeforeThenAfter };
                            out.push(Candidate {
                                parts: vec![content],
                                cue: Some(cue),
                                kind: QuoteKind::Direct,
                                warning: None,
                            });
                        }
                    }
                }
                None => header = interview_header(doc, line),
            }
        }
        // Advance past the line break.
        match text[line_end..].chars().next() {
            Some(c) => line_start = line_end + c.len_utf8(),
            None => break,
        }
    }
    out
}

/// Whether the line `[start, end)` plainly neither starts with a dash nor ends with a colon:
/// its first character is an ASCII one that is no space and no `-`, or a Cyrillic letter,
/// and its last is an ASCII one that is no space and no `:`, or a Cyrillic letter (lead byte
/// D0 or D1 and one more byte). Such a line is its own trimmed line, so it is no dash line
/// and no interview header; most lines are, and are told without decoding a character.
fn plain_line(bytes: &[u8], start: usize, end: usize) -> bool {
    let ascii_space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let first_plain = match bytes[start..end].first() {
        Some(&b) if b.is_ascii() => !ascii_space(b) && b != b'-',
        Some(&b) => b & 0xFE == 0xD0,
        None => false,
    };
    let last_plain = match bytes[start..end] {
        [.., b] if b.is_ascii() => !ascii_space(b) && b != b':',
        [.., lead, b] => lead & 0xFE == 0xD0 && b & 0xC0 == 0x80,
        _ => false,
    };
    first_plain && last_plain
}

/// The words of a line that starts with a dash and a space (`– На самом деле …`).
fn dash_line_content(doc: &Doc, line: Span) -> Option<Span> {
    let s = line.slice(doc.text);
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !is_dash(first) {
        return None;
    }
    let mut off = first.len_utf8();
    if s[off..].starts_with('-') {
        off += 1;
    }
    let rest = &s[off..];
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let content = trim_span(doc.text, line.start + off, line.end);
    (!content.is_empty()).then_some(content)
}

/// `БАГДАТ МУСИН, министр цифрового развития …:` — a short line ending with a colon that
/// starts with a person's name (or a role and a name).
fn interview_header(doc: &Doc, line: Span) -> Option<((usize, usize), Span)> {
    let s = line.slice(doc.text);
    if !s.ends_with(':') || doc.word_count_upto(line, 31) > 30 {
        return None;
    }
    let colon = Span::new(line.end - 1, line.end);
    let tokens = doc.tokens(line.start, colon.start);
    let person_early = tokens.iter().filter(|t| t.kind == TokenKind::Word).take(3).any(|t| {
        doc.mention_containing(t.span.start).is_some_and(|mi| doc.entity_of(mi).entity_type == EntityType::Per)
    });
    person_early.then_some(((line.start, colon.start), colon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::roles::RoleNouns;
    use crate::extract::quotes::cues::find_cues;
    use crate::extract::quotes::rules::QuoteRules;
    use crate::extract::quotes::test_support::{kit, Kit};
    use crate::text::tokens::tokenize;
    use crate::text::FoldedText;

    /// A plain line is a non-empty line that is no dash line and no interview header.
    fn check_plain_lines(text: &str) {
        let (roles, rules) = (RoleNouns::default(), QuoteRules::empty());
        let tokens = tokenize(text);
        let doc = Doc::new(text, &tokens, &[], &roles, &rules, Vec::new());
        for start in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            for end in (start..=text.len()).filter(|&p| text.is_char_boundary(p)) {
                if plain_line(text.as_bytes(), start, end) {
                    let line = trim_span(text, start, end);
                    assert!(!line.is_empty(), "{start}..{end} of {text:?}");
                    assert_eq!(dash_line_content(&doc, line), None, "{start}..{end} of {text:?}");
                    assert_eq!(interview_header(&doc, line), None, "{start}..{end} of {text:?}");
                }
            }
        }
    }

    /// An empty line trims to nothing at any position, so [`from_dash_lines`] passing it by
    /// does what the trim and the empty-line test after it did (the interview block test
    /// keeps a header in force across the empty lines).
    #[test]
    fn empty_lines_trim_to_nothing() {
        let text = "а\n\n– Да:\r\n\r\n😀\u{a0}";
        for p in 0..=text.len() {
            assert!(trim_span(text, p, p).is_empty(), "{p}");
        }
    }

    #[test]
    fn plain_lines_are_neither_dash_lines_nor_headers() {
        check_plain_lines("- Да: — нет –\u{a0}Ёж:\tя\u{2003}x\u{b}:z-ӐЯ 😀:");
    }

    /// [`split_by_author`] finds what the token walk alone finds (after the space test it
    /// keeps): the cheap dash test rules out only contents with no author's dash. Returns
    /// how many contents were split.
    fn check_split(text: &str) -> usize {
        static KIT: std::sync::LazyLock<Kit> = std::sync::LazyLock::new(kit);
        let tokens = tokenize(text);
        let cues = find_cues(text, &FoldedText::new(text), &KIT.rules);
        let doc = Doc::new(text, &tokens, &[], &KIT.roles, &KIT.rules, cues);
        let bounds: Vec<usize> = (0..=text.len()).filter(|&p| text.is_char_boundary(p)).collect();
        let mut split = 0;
        for &start in &bounds {
            for &end in bounds.iter().filter(|&&e| e > start) {
                let content = Span::new(start, end);
                let walked = if has_space(content.slice(text)) { split_at_author_dash(&doc, content) } else { None };
                split += usize::from(walked.is_some());
                assert_eq!(split_by_author(&doc, content), walked, "{start}..{end} of {text:?}");
            }
        }
        split
    }

    #[test]
    fn split_by_author_agrees_with_the_token_walk() {
        assert!(check_split("Да, — заявил он, — нет. «П, — сказал он. — П» из-за\u{a0}–\u{2009}— сказала —") > 0);
        assert!(check_split("Нет! —\u{a0}заявил министр -- так\n- сказал он") > 0);
    }

    proptest::proptest! {
        #[test]
        fn split_by_author_on_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Да", "нет", "заявил", "сказала", "он", "министр", ",", "!", ".", "…", " ", " ", "\u{a0}",
                    "\u{2009}", "\n", "-", "—", "–", "−", "из-за", "«", "»",
                ]),
                0..14,
            ),
        ) {
            check_split(&pieces.concat());
        }

        #[test]
        fn plain_lines_on_any_text(text in "[-:—a ЯёӐ\t\u{b}\u{a0}\u{2003}😀.]{0,10}") {
            check_plain_lines(&text);
        }
    }
}
