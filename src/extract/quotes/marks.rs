//! Quotation marks: one pass over the text finds them, a small stack per paragraph pairs them
//! into quoted spans.
//!
//! - Marks are read from `quote_marks.tsv`. A mark that both opens and closes (ASCII `"`,
//!   `&quot;`, `“` which closes `„` and opens `“…”`) is read by its neighbours (flanking):
//!   an opener precedes a non-space and does not follow a letter; a closer follows a non-space
//!   and does not precede a letter. So `"Если … АО "НИТ" создал … платформы", – сказал` is one
//!   span with the name nested inside.
//! - A paragraph is a line. A mark left open at the end of a paragraph either continues into
//!   the next paragraph when that one starts with the same mark (the Russian convention for a
//!   quote of several paragraphs), or is closed by the closer of a nested span of the same kind
//!   (`«Операция «Искра»`, one closing mark for two), or ends at the paragraph end with a
//!   warning. Nothing ever runs past a paragraph unless the next one reopens.
//! - Linear: each mark is pushed and popped at most once, a closer looks at most
//!   [`CLOSE_LOOKBACK`] entries down the stack, and the stack is capped at [`MAX_DEPTH`].

use super::rules::MarkPair;
use super::stops::StopIndex;
use crate::text::Span;

/// How deep nested quotes are tracked; deeper openers are ignored.
pub(crate) const MAX_DEPTH: usize = 64;
/// How many stack entries a closing mark looks through for its opener.
pub(crate) const CLOSE_LOOKBACK: usize = 4;

/// A top-level quoted span (nested spans stay inside their parent's content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QuotedSpan {
    /// The opening mark.
    pub open: Span,
    /// The closing mark; `None` when the span ends at a paragraph end unclosed.
    pub close: Option<Span>,
    /// From the first quoted character to the last, marks excluded, whitespace trimmed.
    pub content: Span,
    /// The content paragraph by paragraph (one part unless the quote spans paragraphs).
    pub parts: Vec<Span>,
    /// The opening mark is the first thing on its line.
    pub paragraph_start: bool,
    pub warning: Option<String>,
}

#[derive(Clone, Debug)]
struct Glyph {
    text: String,
    opens: bool,
    closes: bool,
    /// The first (up to) four bytes of `text` as [`head_word`] reads them, and the mask of
    /// the bytes `text` has.
    head: u32,
    head_mask: u32,
}

/// The compiled mark table.
#[derive(Clone, Debug, Default)]
pub(crate) struct MarkSet {
    /// Longest first, so `&quot;` is tried as a whole.
    glyphs: Vec<Glyph>,
    /// `pairs[c * n + o]`: glyph `c` closes a span opened by glyph `o`.
    pairs: Vec<bool>,
    /// Stops at the first byte of every glyph and line break.
    stops: ByteStops,
}

impl MarkSet {
    pub fn new(marks: &[MarkPair]) -> MarkSet {
        let mut texts: Vec<String> = Vec::new();
        for m in marks {
            for t in [&m.open, &m.close] {
                if !texts.contains(t) {
                    texts.push(t.clone());
                }
            }
        }
        texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let glyphs: Vec<Glyph> = texts
            .iter()
            .map(|t| Glyph {
                text: t.clone(),
                opens: marks.iter().any(|m| &m.open == t),
                closes: marks.iter().any(|m| &m.close == t),
                head: head_word(t.as_bytes()),
                head_mask: head_word(&[0xFF; 4][..t.len().min(4)]),
            })
            .collect();
        let n = glyphs.len();
        let mut pairs = vec![false; n * n];
        for (c, gc) in glyphs.iter().enumerate() {
            for (o, go) in glyphs.iter().enumerate() {
                pairs[c * n + o] = marks.iter().any(|m| m.open == go.text && m.close == gc.text);
            }
        }
        let mut stops = LINE_BREAK_STOPS;
        for g in &glyphs {
            if let Some(&b) = g.text.as_bytes().first() {
                stops = stops.with(b);
            }
        }
        MarkSet { glyphs, pairs, stops }
    }

    fn closes(&self, closer: usize, opener: usize) -> bool {
        self.pairs[closer * self.glyphs.len() + opener]
    }

    /// The first glyph written at `at`. Most stops are a line break, a non-breaking space or
    /// a dash, which share their first byte with some mark: the first four bytes are
    /// compared at once before the whole glyph (a glyph written at `at` always passes).
    fn glyph_at(&self, text: &str, at: usize) -> Option<usize> {
        let rest = text.get(at..)?.as_bytes();
        let head = head_word(rest);
        self.glyphs.iter().position(|g| head & g.head_mask == g.head && rest.starts_with(g.text.as_bytes()))
    }

    /// The bytes a scan for marks stops at: the first bytes of the marks and line breaks.
    pub fn stops(&self) -> &ByteStops {
        &self.stops
    }

    /// Every top-level quoted span of `text`, in text order.
    #[cfg(test)]
    pub fn find(&self, text: &str) -> Vec<QuotedSpan> {
        self.find_indexed(text, &StopIndex::new(text, &super::stops::StopSet::new(self.stops)))
    }

    /// [`MarkSet::find`] with the stops of `text` already found (`index` holds at least
    /// [`MarkSet::stops`]).
    pub fn find_indexed(&self, text: &str, index: &StopIndex) -> Vec<QuotedSpan> {
        let mut pairer = Pairer { set: self, text, stack: Vec::new(), out: Vec::new(), carry: None };
        let bytes = text.as_bytes();
        let mut para_start = 0usize;
        // `first_non_space(text, para_start)`, found at the paragraph's first mark only:
        // most paragraphs hold no mark at all.
        let mut first_content: Option<usize> = None;
        let mut i = 0usize;
        for &stop in index.from(0) {
            if stop < i || !self.stops.contains(bytes[stop]) {
                continue;
            }
            i = stop;
            if let Some(len) = line_break_len(bytes, i) {
                pairer.end_paragraph(para_start, i);
                i += len;
                para_start = i;
                first_content = None;
                continue;
            }
            match self.glyph_at(text, i) {
                Some(g) => {
                    let len = self.glyphs[g].text.len();
                    let first = *first_content.get_or_insert_with(|| first_non_space(text, para_start));
                    pairer.mark(g, Span::new(i, i + len), first == i);
                    i += len;
                }
                None => i += 1,
            }
        }
        pairer.end_paragraph(para_start, text.len());
        pairer.out
    }
}

/// A set of "interesting" bytes (line breaks, the first bytes of marks); a
/// [`StopIndex`] finds them in a text.
///
/// Stop bytes are ASCII or UTF-8 lead bytes, never continuation bytes, so a byte-wise search
/// finds them at character starts only. With up to [`MAX_SIMD_STOPS`] bytes the search runs
/// `memchr` (SIMD) over groups of three.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ByteStops {
    /// 0 for a stop byte, else how far to step: the UTF-8 length for a lead byte, 1 for ASCII
    /// and continuation bytes.
    step: [u8; 256],
    /// The stop bytes, when there are at most [`MAX_SIMD_STOPS`].
    set: [u8; MAX_SIMD_STOPS],
    /// How many of `set` are used; `usize::MAX` when there are more stops than fit.
    len: usize,
}

/// Most stop bytes searched with `memchr` (else byte by byte).
const MAX_SIMD_STOPS: usize = 9;

impl Default for ByteStops {
    fn default() -> ByteStops {
        ByteStops::none()
    }
}

/// The first bytes of the line breaks \n, \r, U+0085 (C2 85), U+2028/2029 (E2 80 A8/A9).
pub(crate) const LINE_BREAK_STOPS: ByteStops = ByteStops::none().with(b'\n').with(b'\r').with(0xC2).with(0xE2);

impl ByteStops {
    pub const fn none() -> ByteStops {
        let mut step = [1u8; 256];
        let mut b = 0xC0;
        while b < 256 {
            step[b] = if b >= 0xF0 {
                4
            } else if b >= 0xE0 {
                3
            } else {
                2
            };
            b += 1;
        }
        ByteStops { step, set: [0; MAX_SIMD_STOPS], len: 0 }
    }

    /// The set with `b` added.
    ///
    /// # Panics
    /// When `b` is a UTF-8 continuation byte (it would never be reached from a character
    /// start).
    pub const fn with(mut self, b: u8) -> ByteStops {
        assert!(b & 0xC0 != 0x80, "a stop byte starts a character");
        if self.step[b as usize] == 0 {
            return self;
        }
        self.step[b as usize] = 0;
        if self.len < MAX_SIMD_STOPS {
            self.set[self.len] = b;
            self.len += 1;
        } else {
            self.len = usize::MAX;
        }
        self
    }

    /// Whether `b` is a stop byte.
    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        self.step[usize::from(b)] == 0
    }

    /// The stop bytes, when there are at most [`MAX_SIMD_STOPS`].
    pub fn bytes(&self) -> Option<&[u8]> {
        (self.len <= MAX_SIMD_STOPS).then(|| &self.set[..self.len])
    }

    /// The set with every stop byte of `other` added.
    pub fn union(mut self, other: &ByteStops) -> ByteStops {
        for b in 0..=255u8 {
            if other.contains(b) {
                self = self.with(b);
            }
        }
        self
    }
}

/// The first (up to) four bytes of `bytes` as a little-endian number, missing bytes zero.
fn head_word(bytes: &[u8]) -> u32 {
    let mut word = [0u8; 4];
    let n = bytes.len().min(4);
    word[..n].copy_from_slice(&bytes[..n]);
    u32::from_le_bytes(word)
}

/// The length of the line break starting at `i`, if one does.
pub(crate) fn line_break_len(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b'\n' => Some(1),
        b'\r' => Some(if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 }),
        0xC2 if bytes.get(i + 1) == Some(&0x85) => Some(2),
        0xE2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) => Some(3),
        _ => None,
    }
}

pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The byte offset of the first non-whitespace character at or after `from` on the same line
/// (or of the line break / text end).
fn first_non_space(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    for (at, c) in rest.char_indices() {
        if !c.is_whitespace() || is_line_break(c) {
            return from + at;
        }
    }
    text.len()
}

/// `[start, end)` with surrounding whitespace removed.
pub(crate) fn trim_span(text: &str, start: usize, end: usize) -> Span {
    let Some(s) = text.get(start..end) else {
        return Span::new(start, start);
    };
    let rest = s.trim_start();
    let lead = s.len() - rest.len();
    Span::new(start + lead, start + lead + rest.trim_end().len())
}

#[derive(Clone, Debug)]
struct Entry {
    glyph: usize,
    open: Span,
    paragraph_start: bool,
    /// Where the current paragraph's part of the content starts.
    part_start: usize,
    /// Parts from earlier paragraphs (multi-paragraph quotes).
    parts: Vec<Span>,
    /// The closing mark and glyph of the last span directly nested in this one.
    last_child_close: Option<(Span, usize)>,
}

struct Pairer<'s, 't> {
    set: &'s MarkSet,
    text: &'t str,
    stack: Vec<Entry>,
    out: Vec<QuotedSpan>,
    /// A quote continuing into the next paragraph, and the opening mark there to skip.
    carry: Option<(Entry, usize)>,
}

impl Pairer<'_, '_> {
    fn mark(&mut self, g: usize, span: Span, paragraph_start: bool) {
        if let Some((entry, skip_at)) = self.carry.take() {
            if span.start == skip_at {
                let mut entry = entry;
                entry.part_start = span.end;
                self.stack.push(entry);
                return;
            }
            // The continuation was expected here; anything else ends it (cannot happen: the
            // mark at skip_at is the first thing in the paragraph), so keep it safe.
            self.stack.push(entry);
        }
        let glyph = &self.set.glyphs[g];
        let prev = self.text[..span.start].chars().next_back();
        let next = self.text[span.end..].chars().next();
        let (can_open, can_close) = if glyph.opens && glyph.closes {
            (open_flank(prev, next), close_flank(prev, next))
        } else {
            (glyph.opens, glyph.closes)
        };
        let closable = can_close.then(|| self.find_opener(g)).flatten();
        match (can_open, closable) {
            (true, Some(k)) if can_close && k + 1 == self.stack.len() => self.close(k, g, span),
            (true, Some(_)) | (true, None) => self.push(g, span, paragraph_start),
            (false, Some(k)) => self.close(k, g, span),
            (false, None) => {}
        }
    }

    /// The stack index of the opener `g` can close, looking a few entries down.
    fn find_opener(&self, g: usize) -> Option<usize> {
        let n = self.stack.len();
        (n.saturating_sub(CLOSE_LOOKBACK)..n).rev().find(|&k| self.set.closes(g, self.stack[k].glyph))
    }

    fn push(&mut self, g: usize, open: Span, paragraph_start: bool) {
        if self.stack.len() >= MAX_DEPTH {
            return;
        }
        self.stack.push(Entry {
            glyph: g,
            open,
            paragraph_start,
            part_start: open.end,
            parts: Vec::new(),
            last_child_close: None,
        });
    }

    fn close(&mut self, k: usize, g: usize, close: Span) {
        self.stack.truncate(k + 1);
        let Some(entry) = self.stack.pop() else {
            return;
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.last_child_close = Some((close, g));
            return;
        }
        self.emit(entry, close.start, Some(close), None);
    }

    fn emit(&mut self, entry: Entry, end: usize, close: Option<Span>, warning: Option<String>) {
        let mut parts = entry.parts;
        let last = trim_span(self.text, entry.part_start, end);
        if parts.is_empty() {
            // Most quotes are one part: one exact allocation, not the growth path.
            parts = vec![last];
        } else if !last.is_empty() {
            parts.push(last);
        }
        let first = parts.first().copied().unwrap_or(last);
        let content = Span::new(first.start, last.end.max(first.start));
        self.out.push(QuotedSpan {
            open: entry.open,
            close,
            content,
            parts,
            paragraph_start: entry.paragraph_start,
            warning,
        });
    }

    /// Ends the paragraph at `end`. Most paragraphs leave no mark open and no quote waiting
    /// for the next one: nothing to do, told in line (a call per line break cost more).
    #[inline]
    fn end_paragraph(&mut self, para_start: usize, end: usize) {
        if self.carry.is_some() || !self.stack.is_empty() {
            self.close_paragraph(para_start, end);
        }
    }

    /// [`Pairer::end_paragraph`] with a mark open or a quote waiting.
    fn close_paragraph(&mut self, _para_start: usize, end: usize) {
        if let Some((entry, skip_at)) = self.carry.take() {
            if skip_at >= end {
                // A blank line between the paragraphs of a quote: keep waiting.
                self.carry = Some((entry, skip_at));
                return;
            }
            // The next paragraph did not reopen after all (defensive; see `mark`).
            self.stack.insert(0, entry);
        }
        if self.stack.is_empty() {
            return;
        }
        let mut stack = std::mem::take(&mut self.stack);
        let mut bottom = stack.swap_remove(0);
        drop(stack);
        // One closing mark for two: «Операция «Искра»
        if let Some((close, g)) = bottom.last_child_close {
            if self.set.closes(g, bottom.glyph) {
                self.emit(bottom, close.start, Some(close), None);
                return;
            }
        }
        // A quote of several paragraphs: each opens with the mark, only the last closes.
        let next = next_paragraph_start(self.text, end);
        if bottom.paragraph_start && next < self.text.len() && self.set.glyph_at(self.text, next) == Some(bottom.glyph)
        {
            let part = trim_span(self.text, bottom.part_start, end);
            if !part.is_empty() {
                bottom.parts.push(part);
            }
            bottom.last_child_close = None;
            self.carry = Some((bottom, next));
            return;
        }
        let mark = self.set.glyphs[bottom.glyph].text.clone();
        self.emit(bottom, end, None, Some(format!("no closing mark for {mark}: the quote ends at the paragraph end")));
    }
}

/// The first non-whitespace byte after the line break(s) at `end`.
fn next_paragraph_start(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    rest.char_indices().find(|&(_, c)| !c.is_whitespace()).map_or(text.len(), |(at, _)| end + at)
}

/// A symmetric mark opens when it precedes a non-space and does not follow a word or
/// closing punctuation.
fn open_flank(prev: Option<char>, next: Option<char>) -> bool {
    let next_ok = next.is_some_and(|c| !c.is_whitespace());
    let prev_ok = match prev {
        None => true,
        Some(c) => !c.is_alphanumeric() && !matches!(c, '.' | ',' | ';' | '!' | '?' | ')' | ']' | '…'),
    };
    next_ok && prev_ok
}

/// A symmetric mark closes when it follows a non-space and does not precede a word.
fn close_flank(prev: Option<char>, next: Option<char>) -> bool {
    let prev_ok = prev.is_some_and(|c| !c.is_whitespace());
    let next_ok = next.is_none_or(|c| !c.is_alphanumeric());
    prev_ok && next_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> MarkSet {
        let pairs = [("«", "»"), ("„", "“"), ("“", "”"), ("”", "”"), ("\"", "\""), ("&quot;", "&quot;")];
        MarkSet::new(&pairs.map(|(o, c)| MarkPair { open: o.into(), close: c.into() }))
    }

    /// (content, closed, parts) of every top-level span.
    fn spans(text: &str) -> Vec<(String, bool, usize)> {
        set().find(text).iter().map(|q| (q.content.slice(text).to_string(), q.close.is_some(), q.parts.len())).collect()
    }

    macro_rules! t {
        ($name:ident, $text:expr, [$(($c:expr, $closed:expr, $parts:expr)),*]) => {
            #[test]
            fn $name() {
                let expected: Vec<(String, bool, usize)> = vec![$(($c.to_string(), $closed, $parts)),*];
                assert_eq!(spans($text), expected);
            }
        };
    }

    t!(guillemets, "Он: «Да». Она: «Нет»", [("Да", true, 1), ("Нет", true, 1)]);
    t!(german_inside, "«Мы „Сбер“ выбрали»", [("Мы „Сбер“ выбрали", true, 1)]);
    t!(english, "“Они строят”, — заявил", [("Они строят", true, 1)]);
    t!(right_both_sides, "”Мы здесь”, — сказал", [("Мы здесь", true, 1)]);
    t!(ascii_nested_name, "\"Если АО \"НИТ\" создал совет\", – сказал", [("Если АО \"НИТ\" создал совет", true, 1)]);
    t!(ascii_adjacent_closers, "\"Мы и АО \"НИТ\"\", – сказал", [("Мы и АО \"НИТ\"", true, 1)]);
    t!(html_quot, "&quot;Мы готовы&quot;, - сказал", [("Мы готовы", true, 1)]);
    t!(same_type_nesting_closed, "«Операция «Искра» прошла», — сказал", [("Операция «Искра» прошла", true, 1)]);
    t!(same_type_nesting_one_closer, "фильм «Операция «Искра» вышел", [("Операция «Искра", true, 1)]);
    t!(
        unclosed_ends_at_paragraph,
        "«Мы идём дальше\nНовая строка «Сбер»",
        [("Мы идём дальше", false, 1), ("Сбер", true, 1)]
    );
    t!(
        multi_paragraph,
        "«Первый абзац.\n«Второй абзац.\n\n«Третий», — сказал он.",
        [("Первый абзац.\n«Второй абзац.\n\n«Третий", true, 3)]
    );
    t!(emoji_before, "3🏗️\"Стадион - детям!\": алматинцы", [("Стадион - детям!", true, 1)]);
    t!(inch_mark_ignored, "экран 12\" и \"Сбер\"", [("Сбер", true, 1)]);
    t!(crlf_paragraphs, "«А\r\nБ»", [("А", false, 1)]);

    /// With no mark open and no quote waiting, a paragraph's end changes nothing: what the
    /// in-line test of `end_paragraph` passes by, the whole body also leaves as it was.
    #[test]
    fn an_idle_paragraph_end_changes_nothing() {
        let s = set();
        let text = "Абзац без кавычек\n\nЕщё";
        let mut p = Pairer { set: &s, text, stack: Vec::new(), out: Vec::new(), carry: None };
        p.close_paragraph(0, text.find('\n').unwrap());
        assert!(p.stack.is_empty() && p.out.is_empty() && p.carry.is_none());
    }

    #[test]
    fn unclosed_warns() {
        let q = set().find("«Без конца");
        assert_eq!(q.len(), 1);
        assert!(q[0].warning.as_deref().unwrap().contains("paragraph end"));
    }

    #[test]
    fn ten_thousand_openers_stay_linear_and_bounded() {
        let text = "«".repeat(10_000) + "слово\n" + &"«Абзац\n".repeat(10_000) + &"„".repeat(5000) + &"“".repeat(5000);
        let start = std::time::Instant::now();
        let q = set().find(&text);
        assert!(start.elapsed().as_secs_f64() < 2.0);
        assert!(q.iter().all(|s| !s.content.slice(&text).contains('\n') || s.parts.len() > 1));
        for s in &q {
            assert!(text.is_char_boundary(s.content.start) && text.is_char_boundary(s.content.end));
        }
    }

    /// `glyph_at` (four bytes compared at once first) finds the first glyph the text starts
    /// with, as a plain `starts_with` over the glyphs does, also near the text end.
    #[test]
    fn glyph_at_matches_starts_with() {
        let s = set();
        let text = "a«b„c“d”e\"f&quot;g&quo\u{a0}—…\n“";
        for at in 0..=text.len() + 1 {
            let want = text
                .get(at..)
                .and_then(|rest| s.glyphs.iter().position(|g| rest.as_bytes().starts_with(g.text.as_bytes())));
            assert_eq!(s.glyph_at(text, at), want, "at {at}");
        }
    }

    #[test]
    fn deep_nesting_does_not_panic() {
        let text = "«".repeat(5000) + "x" + &"»".repeat(5000);
        let q = set().find(&text);
        assert!(q.len() <= 5000);
    }
}
