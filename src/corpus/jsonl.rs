//! JSONL input: one `{"id": …, "text": …, other fields kept as metadata}` per line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::{CorpusItem, Payload, RawDocument, Skipped};

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
            let Ok(line) = std::str::from_utf8(&bytes) else {
                return Some(self.skipped("line is not valid UTF-8 (JSONL must be UTF-8)".to_string()));
            };
            let line = line.trim_start_matches('\u{feff}').trim();
            if line.is_empty() {
                continue;
            }
            return Some(CorpusItem::Document(RawDocument {
                id: String::new(),
                payload: Payload::JsonLine(line.to_string()),
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
pub fn parse_line(origin: &str, line: &str) -> ParsedLine {
    let skipped = |reason: String| ParsedLine::Skipped { id: origin.to_string(), reason };
    let mut object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return skipped("line is not a JSON object".to_string()),
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
