//! Views of a document's text: spans, the folded (case- and typography-insensitive) copy
//! with its offset map back to the original, and the mapping from byte to character offsets.
//!
//! Extractors work on byte offsets into the original text (that is what `str` slicing and
//! aho-corasick speak); the sinks convert to character offsets once, through [`CharIndex`].

pub(crate) mod block16;
mod charindex;
pub mod chars;
mod fold;
mod span;
pub mod tokens;

pub use charindex::{count_chars, CharIndex, CharWord};
pub use fold::{fold_char, fold_str, Folded, FoldedText};
pub use span::Span;
