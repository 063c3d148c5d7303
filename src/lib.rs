//! gazetka: named entities, attributed quotes and money amounts from Russian-language news,
//! with exact character offsets back into the text.

pub mod dict;
pub mod extract;
pub mod model;
pub mod text;
