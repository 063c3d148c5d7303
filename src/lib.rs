//! gazetka: named entities, attributed quotes and money amounts from Russian-language news,
//! with exact character offsets back into the text.
//!
//! Data flow: [`corpus`] finds and decodes documents → [`analyze`] runs the extractors on
//! each (in parallel, [`pipeline`]) with the [`resources::Resources`] loaded once from the
//! dictionaries → [`output`] writes the items in input order.

pub mod allocator;
pub mod analyze;
pub mod cli;
pub mod corpus;
pub mod dict;
pub mod direct_io;
pub mod extract;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod resources;
pub mod text;
