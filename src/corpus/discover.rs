//! Listing a folder's text files in a stable order, surviving what file systems do.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{CorpusItem, Payload, RawDocument, Skipped};

/// A text file to read later.
#[derive(Debug)]
pub struct FileEntry {
    pub path: PathBuf,
    pub id: String,
    pub len: u64,
    pub notes: Vec<String>,
}

impl FileEntry {
    /// Reads the file; a file that vanished or cannot be read becomes a `Skipped`.
    pub fn read(self) -> CorpusItem {
        match std::fs::read(&self.path) {
            Ok(bytes) => CorpusItem::Document(RawDocument {
                origin: self.path.display().to_string(),
                id: self.id,
                payload: Payload::Bytes(bytes),
                metadata: None,
                notes: self.notes,
                seq: 0,
            }),
            Err(e) => CorpusItem::Skipped(Skipped {
                seq: 0,
                id: self.id,
                reason: format!("cannot read {}: {e}", self.path.display()),
            }),
        }
    }
}

pub struct Listing {
    pub files: Vec<FileEntry>,
    pub skipped: Vec<Skipped>,
}

/// A file given directly: its id is the file name without `.txt`.
pub fn single_file(path: &Path) -> FileEntry {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let (id, notes) = id_of(&name, path.file_name().is_some_and(|n| n.to_str().is_none()));
    FileEntry { len: std::fs::metadata(path).map_or(0, |m| m.len()), path: path.to_path_buf(), id, notes }
}

/// Every `*.txt` below `root`, sorted by relative path; ids are relative paths without `.txt`.
pub fn list_folder(root: &Path) -> Listing {
    let mut listing = Listing { files: Vec::new(), skipped: Vec::new() };
    let mut visited = HashSet::new();
    walk(root, root, &mut visited, &mut listing);
    listing.files.sort_by(|a, b| a.id.cmp(&b.id));
    // Skips are popped from the end of a stack: keep them in reverse for a stable order.
    listing.skipped.sort_by(|a, b| b.id.cmp(&a.id));
    listing
}

fn walk(root: &Path, dir: &Path, visited: &mut HashSet<PathBuf>, listing: &mut Listing) {
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
    match std::fs::canonicalize(dir) {
        Ok(real) => {
            if !visited.insert(real) {
                listing.skipped.push(Skipped {
                    seq: 0,
                    id: relative(dir),
                    reason: "folder skipped: symbolic link loop".into(),
                });
                return;
            }
        }
        Err(e) => {
            listing.skipped.push(Skipped { seq: 0, id: relative(dir), reason: format!("folder unreadable: {e}") });
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            listing.skipped.push(Skipped { seq: 0, id: relative(dir), reason: format!("folder unreadable: {e}") });
            return;
        }
    };
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                if is_txt(&path) {
                    listing.skipped.push(Skipped {
                        seq: 0,
                        id: strip_txt(&relative(&path)),
                        reason: format!("cannot read: {e}"),
                    });
                }
                continue;
            }
        };
        if meta.is_dir() {
            walk(root, &path, visited, listing);
        } else if meta.is_file() && is_txt(&path) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let (id, notes) = id_of(&rel.to_string_lossy().replace('\\', "/"), rel.to_str().is_none());
            listing.files.push(FileEntry { path, id, len: meta.len(), notes });
        }
    }
}

fn is_txt(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

fn strip_txt(name: &str) -> String {
    match name.len().checked_sub(4) {
        Some(cut) if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".txt") => name[..cut].to_string(),
        _ => name.to_string(),
    }
}

fn id_of(name: &str, lossy: bool) -> (String, Vec<String>) {
    let notes = if lossy {
        vec!["file name is not valid UTF-8; id uses U+FFFD for the bad bytes".to_string()]
    } else {
        Vec::new()
    };
    (strip_txt(name), notes)
}
