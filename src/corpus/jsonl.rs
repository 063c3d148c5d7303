//! JSONL input: one `{"id": …, "text": …, other fields kept as metadata}` per line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::{CorpusItem, Payload, RawDocument, Skipped};

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
        Ok(JsonlReader::new(Box::new(BufReader::with_capacity(1 << 20, file)), path.display().to_string()))
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
            match self.lines.as_mut().take(u64::MAX).read_until(b'\n', &mut bytes) {
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
                trimmed.to_vec()
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

/// What one JSONL line holds: a document, or why it is not one.
pub enum ParsedLine {
    Document { id: String, text: String, metadata: Option<serde_json::Map<String, Value>> },
    Skipped { id: String, reason: String },
}

/// Parses one JSONL line (`origin` is `file:line`, used as the id when the line has none).
///
/// The line's bytes go to the JSON parser unchecked: it validates UTF-8 as it reads, so a
/// separate pass would only repeat the work.
pub fn parse_line(origin: &str, line: &[u8]) -> ParsedLine {
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

#[cfg(test)]
mod tests {
    use super::*;

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
