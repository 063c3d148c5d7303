//! Extractors: pure functions from a document and the loaded resources to items.

pub mod quotes;
