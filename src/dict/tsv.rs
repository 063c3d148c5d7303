//! Reading the tab-separated files people edit by hand.
//!
//! A file has a header row naming its columns, then one row per line. Lines whose first
//! non-blank character is `#` are comments; blank lines are skipped. Fields are trimmed
//! of surrounding spaces (spreadsheets add them). A row may leave trailing optional
//! columns out. Files ending in `.gz` are read through gzip. Every problem is collected
//! with its line number; the good rows are kept.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::Diagnostics;

/// One data row with its 1-based line number in the file.
#[derive(Clone, Debug)]
pub struct TsvRow {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A parsed file: its header and the rows that had the right shape.
#[derive(Clone, Debug)]
pub struct TsvTable {
    pub path: PathBuf,
    pub columns: Vec<String>,
    pub rows: Vec<TsvRow>,
}

impl TsvTable {
    /// Index of a column by header name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The field of `row` under column `name`; empty when the column or field is absent.
    pub fn field<'r>(&self, row: &'r TsvRow, name: &str) -> &'r str {
        self.column(name).and_then(|i| row.fields.get(i)).map_or("", String::as_str)
    }
}

/// Reads the whole file into a string, gunzipping `*.gz`.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
        Ok(text)
    } else {
        String::from_utf8(bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not UTF-8 (byte {} is invalid); save the file as UTF-8", e.utf8_error().valid_up_to()),
            )
        })
    }
}

/// Reads a TSV file whose header must contain every name in `required`.
///
/// Returns `None` (with an error in `diagnostics`) when the file cannot be read or its
/// header lacks a required column; otherwise the table of well-formed rows.
pub fn read_tsv(path: &Path, required: &[&str], diagnostics: &mut Diagnostics) -> Option<TsvTable> {
    let text = match read_text(path) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.error(path, 0, format!("cannot read: {e}"));
            return None;
        }
    };
    parse_tsv(path, &text, required, diagnostics)
}

/// Parses TSV text (see [`read_tsv`]); `path` is only used in messages.
pub fn parse_tsv(path: &Path, text: &str, required: &[&str], diagnostics: &mut Diagnostics) -> Option<TsvTable> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)));
    let (header_line, header) = loop {
        match lines.next() {
            None => {
                diagnostics.error(path, 0, format!("no header row (expected columns: {})", required.join(", ")));
                return None;
            }
            Some((_, l)) if is_skippable(l) => continue,
            Some((n, l)) => break (n, l),
        }
    };
    let columns: Vec<String> = header.split('\t').map(|c| c.trim().to_string()).collect();
    let missing: Vec<&str> = required.iter().copied().filter(|r| !columns.iter().any(|c| c == r)).collect();
    if !missing.is_empty() {
        diagnostics.error(
            path,
            header_line,
            format!(
                "header lacks column(s) {}; found [{}] (columns are separated by tabs)",
                missing.join(", "),
                columns.join(", ")
            ),
        );
        return None;
    }
    let needed = required.iter().filter_map(|r| columns.iter().position(|c| c == r)).max().map_or(0, |i| i + 1);
    let mut rows = Vec::new();
    for (line, l) in lines {
        if is_skippable(l) {
            continue;
        }
        let fields: Vec<String> = l.split('\t').map(|f| f.trim().to_string()).collect();
        if fields.len() > columns.len() {
            diagnostics.error(
                path,
                line,
                format!(
                    "{} fields, but the header has {} columns ({})",
                    fields.len(),
                    columns.len(),
                    columns.join(", ")
                ),
            );
            continue;
        }
        if fields.len() < needed {
            diagnostics.error(
                path,
                line,
                format!(
                    "{} field(s), but at least {needed} are needed ({}); are the columns separated by tabs?",
                    fields.len(),
                    columns[..needed].join(", ")
                ),
            );
            continue;
        }
        rows.push(TsvRow { line, fields });
    }
    Some(TsvTable { path: path.to_path_buf(), columns, rows })
}

fn is_skippable(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_reports_bad_lines() {
        let text = "# comment\nid\ttype\tcanonical\tnote\n\na\tPER\tX\nb\tORG\n# c\nc\tLOC\tZ\tn\textra\nd\tLOC\tW\n";
        let mut d = Diagnostics::default();
        let t = parse_tsv(Path::new("x.tsv"), text, &["id", "type", "canonical"], &mut d).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 8]);
        assert_eq!(t.field(&t.rows[0], "note"), "");
        let msgs: Vec<String> = d.items.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].starts_with("x.tsv:5: error: 2 field(s)"), "{}", msgs[0]);
        assert!(msgs[1].starts_with("x.tsv:7: error: 5 fields"), "{}", msgs[1]);
    }

    #[test]
    fn missing_header_column() {
        let mut d = Diagnostics::default();
        assert!(parse_tsv(Path::new("y.tsv"), "id type\n", &["id", "type"], &mut d).is_none());
        assert!(d.items[0].to_string().starts_with("y.tsv:1: error: header lacks column(s) id, type"));
    }
}
