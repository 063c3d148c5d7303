//! Extractors: pure functions from a document's text and the loaded rules to items.
//! Entities come first; quotes consult them for speakers; money is independent.

pub mod entities;
mod lanes;
pub mod money;
pub mod quotes;
