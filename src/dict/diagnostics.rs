use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a dictionary file, reported as `file:line: problem`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    /// 1-based line number; 0 when the problem concerns the whole file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            write!(f, "{}: {kind}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {kind}: {}", self.path.display(), self.line, self.message)
        }
    }
}

/// All problems found while loading dictionaries: loading never stops at the first.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        self.push(Severity::Error, path, line, message.into());
    }

    pub fn warning(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        self.push(Severity::Warning, path, line, message.into());
    }

    fn push(&mut self, severity: Severity, path: &Path, line: usize, message: String) {
        self.items.push(Diagnostic { severity, path: path.to_path_buf(), line, message });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}
