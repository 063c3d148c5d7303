//! JSONL input: one `{"id": …, "text": …, other fields kept as metadata}` per line.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::{CorpusItem, Payload, RawDocument, Skipped};
use crate::direct_io::DirectReader;
use crate::text::block16::Block16;
#[cfg(target_arch = "x86_64")]
use crate::text::block16::{Avx2, Block32};

const NOT_UTF8: &str = "line is not valid UTF-8 (JSONL must be UTF-8)";

pub struct JsonlReader {
    lines: Box<dyn BufRead + Send>,
    name: String,
    line: usize,
    done: bool,
}

impl JsonlReader {
    pub fn open(path: &Path) -> std::io::Result<JsonlReader> {
        let file = File::open(path)?;
        Ok(JsonlReader::new(Box::new(DirectReader::new(file)), path.display().to_string()))
    }

    pub fn stdin() -> JsonlReader {
        JsonlReader::new(Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())), "<stdin>".to_string())
    }

    fn new(lines: Box<dyn BufRead + Send>, name: String) -> JsonlReader {
        JsonlReader { lines, name, line: 0, done: false }
    }

    fn skipped(&self, reason: String) -> CorpusItem {
        CorpusItem::Skipped(Skipped { seq: 0, id: format!("{}:{}", self.name, self.line), reason })
    }
}

impl Iterator for JsonlReader {
    type Item = CorpusItem;

    fn next(&mut self) -> Option<CorpusItem> {
        loop {
            if self.done {
                return None;
            }
            let mut bytes = Vec::new();
            match read_line(self.lines.as_mut(), &mut bytes) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    self.line += 1;
                    return Some(self.skipped(format!("read error, rest of input not read: {e}")));
                }
            }
            self.line += 1;
            let trimmed = bytes.trim_ascii();
            let line = if trimmed.first().is_some_and(u8::is_ascii) && trimmed.last().is_some_and(u8::is_ascii) {
                // The usual line, `{…}`: its UTF-8 is checked by the JSON parser on a worker.
                // Trimmed in place: the line is not copied again.
                let start = trimmed.as_ptr() as usize - bytes.as_ptr() as usize;
                let end = start + trimmed.len();
                bytes.truncate(end);
                bytes.drain(..start);
                bytes
            } else {
                // Empty, or a BOM or other Unicode whitespace to trim.
                let Ok(line) = std::str::from_utf8(trimmed) else {
                    return Some(self.skipped(NOT_UTF8.to_string()));
                };
                let line = line.trim_start_matches('\u{feff}').trim();
                if line.is_empty() {
                    continue;
                }
                line.as_bytes().to_vec()
            };
            return Some(CorpusItem::Document(RawDocument {
                id: String::new(),
                payload: Payload::JsonLine(line),
                metadata: None,
                origin: format!("{}:{}", self.name, self.line),
                notes: Vec::new(),
                seq: 0,
            }));
        }
    }
}

/// Appends the next line of `input` to `line`, its `\n` included (as `read_until`, whose
/// byte-at-a-time search for the `\n` cost more than the rest of the reading); 0 at the end.
fn read_line(input: &mut dyn BufRead, line: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), available.is_empty()),
        };
        line.extend_from_slice(&available[..used]);
        input.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

/// What one JSONL line holds: a document, or why it is not one.
pub enum ParsedLine {
    Document { id: String, text: String, metadata: Option<serde_json::Map<String, Value>> },
    Skipped { id: String, reason: String },
}

/// Parses one JSONL line (`origin` is `file:line`, used as the id when the line has none).
///
/// The usual line, `{"id":"…","text":"…"}`, is read by [`plain_line`]; every other line goes
/// through serde_json as it always did, so metadata, ids and skip reasons do not change.
pub fn parse_line(origin: &str, line: &[u8]) -> ParsedLine {
    match plain_line(line) {
        Some((id, text)) => ParsedLine::Document { id, text, metadata: None },
        None => parse_any_line(origin, line),
    }
}

/// Any JSONL line, through a `serde_json::Value`.
///
/// The line's bytes go to the JSON parser unchecked: it validates UTF-8 as it reads, so a
/// separate pass would only repeat the work.
fn parse_any_line(origin: &str, line: &[u8]) -> ParsedLine {
    let skipped = |reason: String| ParsedLine::Skipped { id: origin.to_string(), reason };
    let mut object = match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return skipped("line is not a JSON object".to_string()),
        Err(_) if std::str::from_utf8(line).is_err() => return skipped(NOT_UTF8.to_string()),
        Err(e) => return skipped(format!("invalid JSON: {e}")),
    };
    let id = match object.remove("id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => return skipped("no \"id\" (a non-empty string or a number)".to_string()),
    };
    let text = match object.remove("text") {
        Some(Value::String(s)) => s,
        _ => return ParsedLine::Skipped { id, reason: format!("{origin}: no \"text\" string") },
    };
    ParsedLine::Document { id, text, metadata: if object.is_empty() { None } else { Some(object) } }
}

/// The id and text of a line that is exactly `{"id":"…","text":"…"}` (JSON whitespace
/// allowed between tokens) with a non-empty id, read without building a `Value`: serde_json
/// spent most of the reading stage there, and a tenth of it validating UTF-8 one character
/// at a time.
///
/// `None` for any other shape, and for anything serde_json could answer differently: invalid
/// UTF-8, a control character inside a string, an escape it would refuse (a lone surrogate,
/// a bad hex digit). The caller then asks serde_json, which gives what it always gave; a line
/// read here gives the same id and text serde_json would (the tests compare the two).
fn plain_line(line: &[u8]) -> Option<(String, String)> {
    let line = simdutf8::basic::from_utf8(line).ok()?;
    let mut scan = LineScan { line, pos: 0 };
    scan.token(b"{")?;
    scan.token(b"\"id\"")?;
    scan.token(b":")?;
    let id = scan.string(0)?;
    if id.is_empty() {
        return None;
    }
    scan.token(b",")?;
    scan.token(b"\"text\"")?;
    scan.token(b":")?;
    let text = scan.string(line.len())?;
    scan.token(b"}")?;
    scan.skip_whitespace();
    (scan.pos == line.len()).then_some((id, text))
}

/// A cursor over one JSON line for [`plain_line`].
struct LineScan<'l> {
    line: &'l str,
    pos: usize,
}

impl LineScan<'_> {
    /// JSON's whitespace (the set serde_json skips).
    fn skip_whitespace(&mut self) {
        let bytes = self.line.as_bytes();
        while bytes.get(self.pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Whitespace, then exactly `token`.
    fn token(&mut self, token: &[u8]) -> Option<()> {
        self.skip_whitespace();
        self.literal(token)
    }

    /// Exactly `literal`, at the cursor.
    fn literal(&mut self, literal: &[u8]) -> Option<()> {
        let rest = &self.line.as_bytes()[self.pos..];
        rest.starts_with(literal).then(|| self.pos += literal.len())
    }

    /// Whitespace, then a JSON string, unescaped (`capacity`: a guess at its length).
    fn string(&mut self, capacity: usize) -> Option<String> {
        self.token(b"\"")?;
        let bytes = self.line.as_bytes();
        let mut out = Vec::with_capacity(capacity.min(bytes.len() - self.pos));
        let copy = PlainCopy::detect();
        loop {
            let stop = copy.to_stop(bytes, self.pos, &mut out)?;
            match bytes[stop] {
                b'"' => {
                    self.pos = stop + 1;
                    // SAFETY: `out` holds whole characters of the `str` `self.line` (each copy
                    // ends before an ASCII byte, and so on a char boundary) and characters
                    // encoded by `char::encode_utf8`.
                    return Some(unsafe { String::from_utf8_unchecked(out) });
                }
                b'\\' => {
                    self.pos = stop + 1;
                    match self.escape()? {
                        c if c.is_ascii() => out.push(c as u8), // `\n`, `\"`: most escapes
                        c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                    }
                }
                _ => return None, // a control character: serde_json refuses the line
            }
        }
    }

    /// The character of the escape after a `\` (the cursor is past the `\`).
    fn escape(&mut self) -> Option<char> {
        let bytes = self.line.as_bytes();
        let c = match bytes.get(self.pos)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return None,
        };
        self.pos += 1;
        Some(c)
    }

    /// The character of `XXXX` (the cursor is past `\u`), with a surrogate pair as one
    /// character; `None` for a lone surrogate or a bad digit (serde_json refuses both).
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if !(0xD800..=0xDBFF).contains(&first) {
            return char::from_u32(first); // `None` for a lone trailing surrogate
        }
        self.literal(b"\\u")?;
        let second = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return None;
        }
        char::from_u32(0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00))
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.line.as_bytes().get(self.pos..self.pos + 4)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16)?;
        }
        self.pos += 4;
        Some(n)
    }
}

/// Whether a byte ends the plain part of a JSON string: `"`, `\`, or a control character
/// (what [`PlainCopy`] looks for).
fn is_string_stop(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Copies the plain part of a JSON string, up to its first [`is_string_stop`] byte: one
/// search for the stop (three compares and a mask per block of 32 bytes with AVX2, 16 with
/// SSE2) and one copy. AVX2 is asked for once a string, not once for each escape.
#[derive(Clone, Copy)]
struct PlainCopy {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<Avx2>,
}

impl PlainCopy {
    fn detect() -> PlainCopy {
        PlainCopy {
            #[cfg(target_arch = "x86_64")]
            avx2: Avx2::detect(),
        }
    }

    /// Appends the bytes from `at` to the first stop byte to `out` and returns where that
    /// byte is; `None` when there is none (the string does not end).
    #[inline]
    fn to_stop(self, bytes: &[u8], at: usize, out: &mut Vec<u8>) -> Option<usize> {
        let rest = &bytes[at..];
        if rest.first().is_some_and(|&b| is_string_stop(b)) {
            // A stop right away (the second escape of `\n\n`): no search and no copy.
            return Some(at);
        }
        #[cfg(target_arch = "x86_64")]
        let stop = match self.avx2 {
            // SAFETY: `avx2` proves the processor has the features `string_stop_avx2` is compiled for.
            Some(avx2) => unsafe { string_stop_avx2(avx2, rest) },
            None => string_stop_16(rest),
        }?;
        #[cfg(not(target_arch = "x86_64"))]
        let stop = string_stop_16(rest)?;
        out.extend_from_slice(&rest[..stop]);
        Some(at + stop)
    }
}

/// The index of the first [`is_string_stop`] byte, sixteen bytes a step ([`Block16`]: SSE2
/// on x86-64), the last few bytes one at a time.
#[inline(always)]
fn string_stop_16(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(block) = Block16::load(bytes, at) {
        let stops = (block.eq(b'"') | block.eq(b'\\') | block.in_range(0, 0x1f)).bits();
        if stops != 0 {
            return Some(at + stops.trailing_zeros() as usize);
        }
        at += 16;
    }
    bytes[at..].iter().position(|&b| is_string_stop(b)).map(|i| at + i)
}

/// The index of the first [`is_string_stop`] byte, 32 bytes a step, the rest by
/// [`string_stop_16`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn string_stop_avx2(_: Avx2, bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(block) = Block32::load(bytes, at) {
        let stops = (block.eq(b'"') | block.eq(b'\\') | block.in_range(0, 0x1f)).bits();
        if stops != 0 {
            return Some(at + stops.trailing_zeros() as usize);
        }
        at += 32;
    }
    string_stop_16(&bytes[at..]).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stop is the first quote, backslash or control byte, wherever it is relative to
    /// the 32-byte blocks and to the others.
    #[test]
    fn string_stops_at_the_first_special_byte() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 48, 64, 70] {
            for at in 0..len {
                for special in [b'"', b'\\', b'\n', 0, 0x1f] {
                    for other in [None, Some((b'"', 1)), Some((0x01, 2)), Some((b'\\', 3))] {
                        let mut bytes = "ж".repeat(len).into_bytes();
                        bytes.truncate(len);
                        bytes[at] = special;
                        if let Some((b, gap)) = other {
                            if at + gap < len {
                                bytes[at + gap] = b;
                            }
                        }
                        let expected = bytes.iter().position(|&b| is_string_stop(b));
                        assert_eq!(string_stop_16(&bytes), expected, "{bytes:?}");
                        for from in [0, at / 2, at] {
                            assert_copies_to_stop(&bytes, from);
                        }
                    }
                }
            }
            let plain = "ж".repeat(len).into_bytes();
            assert_eq!(string_stop_16(&plain[..len]), None);
            assert_copies_to_stop(&plain[..len], 0);
        }
    }

    /// Each way of [`PlainCopy`] (AVX2 when the processor has it, and SSE2) finds the first
    /// stop byte from `from` and appends exactly the bytes before it to what `out` held.
    fn assert_copies_to_stop(bytes: &[u8], from: usize) {
        let stop = bytes[from..].iter().position(|&b| is_string_stop(b)).map(|i| from + i);
        let ways = [
            PlainCopy::detect(),
            PlainCopy {
                #[cfg(target_arch = "x86_64")]
                avx2: None,
            },
        ];
        for copy in ways {
            let mut out = b"kept".to_vec();
            assert_eq!(copy.to_stop(bytes, from, &mut out), stop, "{bytes:?} from {from}");
            if let Some(stop) = stop {
                assert_eq!(&out[4..], &bytes[from..stop], "{bytes:?} from {from}");
            }
            assert_eq!(&out[..4], b"kept");
        }
    }

    /// What the reader and then the parser make of each line of `input`: the document id,
    /// or `skip: reason`.
    fn outcomes(input: &[u8]) -> Vec<String> {
        let reader = JsonlReader::new(Box::new(std::io::Cursor::new(input.to_vec())), "in.jsonl".to_string());
        reader
            .map(|item| match item {
                CorpusItem::Skipped(s) => format!("{}: skip: {}", s.id, s.reason),
                CorpusItem::Document(raw) => {
                    let Payload::JsonLine(line) = raw.payload else { panic!("a JSONL line") };
                    match parse_line(&raw.origin, &line) {
                        ParsedLine::Document { id, text, .. } => format!("{id}: {text}"),
                        ParsedLine::Skipped { id, reason } => format!("{id}: skip: {reason}"),
                    }
                }
            })
            .collect()
    }

    /// What the serde_json path makes of a line, as `plain_line` would give it.
    fn by_serde(line: &[u8]) -> Option<(String, String)> {
        match parse_any_line("in.jsonl:1", line) {
            ParsedLine::Document { id, text, metadata: None } => Some((id, text)),
            _ => None,
        }
    }

    #[test]
    fn plain_lines_read_as_serde_json_reads_them() {
        let lines: &[&[u8]] = &[
            br#"{"id":"a","text":"plain"}"#,
            b" {\t\"id\" :\r\"a\" ,\n\"text\": \"x\" } ",
            br#"{"id":"a\"b\\c\/d","text":"\b\f\n\r\t end"}"#,
            br#"{"id":"\u0430\u00e9\u20AC","text":"\ud83c\udfd7\ufe0f, \uD83D\uDE00"}"#,
            "{\"id\":\"д\",\"text\":\"Мусин «Сбер» — 2,5 млрд ₽ 🏗️\"}".as_bytes(),
        ];
        for line in lines {
            let plain = plain_line(line);
            assert!(plain.is_some(), "{}", String::from_utf8_lossy(line));
            assert_eq!(plain, by_serde(line), "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn other_lines_are_left_to_serde_json() {
        let lines: &[&[u8]] = &[
            br#"{"id":"","text":"empty id"}"#,
            br#"{"id":7,"text":"number id"}"#,
            br#"{"text":"x","id":"a"}"#,
            br#"{"id":"a","text":"x","lang":"ru"}"#,
            br#"{"id":"a","text":"x"} trailing"#,
            br#"{"id":"a","text":"x"}}"#,
            br#"{"id":"a","text":"x""#,
            br#"{"id":"a","text":"\ud83c"}"#,
            br#"{"id":"a","text":"\ud83c\u0041"}"#,
            br#"{"id":"a","text":"\ud83c \udfd7"}"#,
            br#"{"id":"a","text":"\udfd7"}"#,
            br#"{"id":"a","text":"\u00g0"}"#,
            br#"{"id":"a","text":"\x"}"#,
            b"{\"id\":\"a\",\"text\":\"tab\there\"}",
            b"{\"id\":\"a\",\"text\":\"\xff\"}",
            br#"{"i\u0064":"a","text":"x"}"#,
        ];
        for line in lines {
            assert_eq!(plain_line(line), None, "{}", String::from_utf8_lossy(line));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_document_line_reads_as_serde_json_reads_it(id in "\\PC*", text in "\\PC*|[\\x00-\\x7f]*") {
            let line = serde_json::json!({"id": id, "text": text}).to_string();
            let plain = plain_line(line.as_bytes());
            proptest::prop_assert_eq!(plain.is_some(), !id.is_empty());
            proptest::prop_assert_eq!(plain, by_serde(line.as_bytes()));
        }

        #[test]
        fn any_bytes_read_here_read_the_same_through_serde_json(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            let mut line = br#"{"id":"i","text":""#.to_vec();
            line.extend_from_slice(&body);
            line.extend_from_slice(b"\"}");
            if let Some(plain) = plain_line(&line) {
                proptest::prop_assert_eq!(Some(plain), by_serde(&line));
            }
        }
    }

    #[test]
    fn lines_are_read_whole_across_buffer_refills() {
        let input = "{\"id\":\"a\",\"text\":\"Мусин\"}\r\n\n{\"id\":\"b\",\"text\":\"x\"}\nlast";
        for capacity in [1, 3, 4, 64] {
            let mut reader = BufReader::with_capacity(capacity, input.as_bytes());
            let mut lines = Vec::new();
            loop {
                let mut line = Vec::new();
                let n = read_line(&mut reader, &mut line).unwrap();
                assert_eq!(n, line.len());
                if n == 0 {
                    break;
                }
                lines.push(String::from_utf8(line).unwrap());
            }
            assert_eq!(lines.concat(), input);
            assert_eq!(lines.len(), 4, "{lines:?}");
            assert!(lines[..3].iter().all(|l| l.ends_with('\n')), "{lines:?}");
        }
    }

    #[test]
    fn lines_become_documents_or_reasons() {
        let input: &[u8] = b"{\"id\":\"a\",\"text\":\"\xd0\x9c\xd1\x83\xd1\x81\xd0\xb8\xd0\xbd\"}\r\n\
            \n\
            \xc2\xa0 \n\
            \xef\xbb\xbf{\"id\":2,\"text\":\"bom\"}\n\
            {\"id\":\"bad\",\"text\":\"\xff\xfe\"}\n\
            \xff{\"id\":\"x\"}\n\
            {\"id\":\"c\",\"text\":\"no end\"\n\
            [1,2]\n";
        assert_eq!(
            outcomes(input),
            [
                "a: Мусин",
                "2: bom",
                "in.jsonl:5: skip: line is not valid UTF-8 (JSONL must be UTF-8)",
                "in.jsonl:6: skip: line is not valid UTF-8 (JSONL must be UTF-8)",
                "in.jsonl:7: skip: invalid JSON: EOF while parsing an object at line 1 column 25",
                "in.jsonl:8: skip: line is not a JSON object",
            ]
        );
    }
}
