//! Extractors: pure functions from a document's text and the loaded rules to items.

pub mod entities;
pub mod money;
