//! Helpers shared by the integration tests: run the real binary in a temp dir, read its
//! files back, and check the offset guarantee for every row.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gazetka() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazetka"));
    cmd.current_dir(repo());
    cmd
}

/// Runs `gazetka extract ARGS --out OUT --quiet` and asserts it succeeded.
pub fn extract(args: &[&str], out: &Path) -> Output {
    let output = gazetka()
        .arg("extract")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .stdin(Stdio::null())
        .output()
        .expect("run gazetka");
    assert!(output.status.success(), "gazetka extract {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

pub type Row = HashMap<String, String>;

/// Reads a CSV file into rows keyed by header names (checks the header starts with `columns`).
pub fn read_csv(path: &Path, columns: &[&str]) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..columns.len()], columns, "{}", path.display());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect()
}

pub const MENTIONS: &[&str] = &["doc_id", "start", "end", "text", "type", "canonical", "entity_id", "source"];
pub const ENTITIES: &[&str] = &["doc_id", "entity_id", "type", "canonical", "mentions"];
pub const QUOTES: &[&str] = &[
    "doc_id",
    "quote_id",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_type",
    "speaker_start",
    "speaker_end",
    "cue",
    "attribution",
    "kind",
];
pub const MONEY: &[&str] = &["doc_id", "start", "end", "text", "amount", "amount_max", "currency", "qualifier", "kind"];

/// The seed documents by id.
pub fn seed_texts() -> HashMap<String, String> {
    let mut texts = HashMap::new();
    for entry in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        texts.insert(id, std::fs::read_to_string(&path).unwrap());
    }
    texts
}

/// Characters `start..end` of `text`.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Asserts `text[start..end] == row.text` (character offsets) for every row of every CSV
/// file in `out`, and for quote speakers. Returns the number of rows checked.
pub fn check_offsets(out: &Path, texts: &HashMap<String, String>) -> usize {
    let mut checked = 0;
    for (file, columns) in [("mentions.csv", MENTIONS), ("quotes.csv", QUOTES), ("money.csv", MONEY)] {
        for row in read_csv(&out.join(file), columns) {
            let text = &texts[&row["doc_id"]];
            let (start, end): (usize, usize) = (row["start"].parse().unwrap(), row["end"].parse().unwrap());
            assert!(start < end, "{file}: empty span {row:?}");
            assert_eq!(char_slice(text, start, end), row["text"], "{file}: {row:?}");
            if file == "quotes.csv" && !row["speaker_start"].is_empty() {
                let (s, e): (usize, usize) =
                    (row["speaker_start"].parse().unwrap(), row["speaker_end"].parse().unwrap());
                assert!(s < e && e <= text.chars().count(), "{row:?}");
            }
            checked += 1;
        }
    }
    checked
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The data files of a run (merge writes no report).
pub const DATA_FILES: &[&str] =
    &["mentions.csv", "entities.csv", "quotes.csv", "money.csv", "documents.jsonl", "summary.json"];

/// A summary without its timings (the only part that differs between identical runs).
pub fn without_timings(summary: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(summary).unwrap();
    v.as_object_mut().unwrap().remove("timings");
    v.to_string()
}

/// `files` of `dir` as (name, content), the summary without its timings, for comparing runs.
pub fn snapshot(dir: &Path, files: &[&str]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            let text = if *f == "summary.json" { without_timings(&text) } else { text };
            (f.to_string(), text)
        })
        .collect()
}
