//! Files that appear whole or not at all: written under a temporary name in the target
//! folder and renamed into place by [`AtomicFiles::commit`]; dropped uncommitted, they
//! are removed and the previous files stay untouched.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

use super::streamed::StreamedFile;

/// An output file being written (buffered: see [`StreamedFile`]).
pub type OutputFile = StreamedFile;

/// Temporary files not yet renamed, process-wide, so an interrupt can remove them.
/// Renames hold this lock: an interrupt sees either all files of a set in place or none.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file not yet committed (called on SIGINT/SIGTERM before exit).
pub fn remove_pending() {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for path in pending.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

fn forget(paths: &[PathBuf], pending: &mut Vec<PathBuf>) {
    pending.retain(|p| !paths.contains(p));
}

struct TempFile {
    temp: PathBuf,
    target: PathBuf,
}

pub struct AtomicFiles {
    dir: PathBuf,
    files: Vec<TempFile>,
    committed: bool,
}

impl AtomicFiles {
    /// Creates `dir` if needed.
    ///
    /// # Errors
    /// When the folder cannot be created.
    pub fn new(dir: &Path) -> anyhow::Result<AtomicFiles> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
        Ok(AtomicFiles { dir: dir.to_path_buf(), files: Vec::new(), committed: false })
    }

    /// Opens `dir/name` under a temporary name.
    ///
    /// # Errors
    /// When the folder is not writable.
    pub fn create(&mut self, name: &str) -> anyhow::Result<OutputFile> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.partial-{}", std::process::id()));
        PENDING.lock().unwrap_or_else(|e| e.into_inner()).push(temp.clone());
        self.files.push(TempFile { temp: temp.clone(), target });
        let file =
            File::create(&temp).with_context(|| format!("cannot write in output folder {}", self.dir.display()))?;
        Ok(StreamedFile::new(file))
    }

    /// Renames every file into place (call after flushing every writer).
    ///
    /// # Errors
    /// When a rename fails.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        for f in &self.files {
            std::fs::rename(&f.temp, &f.target)
                .with_context(|| format!("cannot move {} into place", f.target.display()))?;
        }
        let temps: Vec<PathBuf> = self.files.iter().map(|f| f.temp.clone()).collect();
        forget(&temps, &mut pending);
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFiles {
    fn drop(&mut self) {
        if !self.committed {
            let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
            let temps: Vec<PathBuf> = self.files.iter().map(|f| f.temp.clone()).collect();
            for temp in &temps {
                let _ = std::fs::remove_file(temp);
            }
            forget(&temps, &mut pending);
        }
    }
}
