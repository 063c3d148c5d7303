//! Where the bytes the quote rules stop at lie in a document: line breaks, sentence
//! punctuation and the first bytes of quotation marks, found in one pass.
//!
//! Marks pairing walks the whole text, dash lines walk it line by line, and sentence limits
//! are asked for thousands of times around cues. Each used to scan the text again (the same
//! stretch many times over); now each is a binary search and a short walk over this list.

use super::marks::ByteStops;

/// A set of stop bytes, compiled for [`StopIndex::new`].
#[derive(Clone, Debug)]
pub(crate) struct StopSet {
    bytes: ByteStops,
    /// A SIMD searcher for the bytes, where the platform has one.
    packed: Option<aho_corasick::packed::Searcher>,
}

impl StopSet {
    pub fn new(bytes: ByteStops) -> StopSet {
        let packed = bytes.bytes().and_then(|b| aho_corasick::packed::Searcher::new(b.iter().map(|&b| [b])));
        StopSet { bytes, packed }
    }
}

/// The positions of every stop byte of one set in a text, in order.
///
/// Stop bytes are ASCII or UTF-8 lead bytes (see [`ByteStops::with`]), so every position is
/// a character start and the list holds exactly the stops any scan of the text would meet.
#[derive(Clone, Debug)]
pub(crate) struct StopIndex {
    set: ByteStops,
    at: Vec<usize>,
}

impl StopIndex {
    pub fn new(text: &str, set: &StopSet) -> StopIndex {
        let bytes = text.as_bytes();
        let mut at = Vec::new();
        match (&set.packed, set.bytes.bytes()) {
            // Teddy (SIMD) looks for all the bytes at once.
            (Some(searcher), _) => at.extend(searcher.find_iter(bytes).map(|m| m.start())),
            (None, Some(stops)) => {
                // One memchr iterator per group of three bytes, merged.
                let mut groups: Vec<std::iter::Peekable<memchr::Memchr3<'_>>> = stops
                    .chunks(3)
                    .map(|g| {
                        let (a, b, c) = (g[0], g.get(1).copied().unwrap_or(g[0]), g.get(2).copied().unwrap_or(g[0]));
                        memchr::memchr3_iter(a, b, c, bytes).peekable()
                    })
                    .collect();
                loop {
                    let mut best: Option<(usize, usize)> = None;
                    for (k, g) in groups.iter_mut().enumerate() {
                        if let Some(&p) = g.peek() {
                            if best.is_none_or(|(_, b)| p < b) {
                                best = Some((k, p));
                            }
                        }
                    }
                    let Some((k, p)) = best else {
                        break;
                    };
                    at.push(p);
                    groups[k].next();
                }
            }
            (None, None) => at.extend((0..bytes.len()).filter(|&i| set.bytes.contains(bytes[i]))),
        }
        StopIndex { set: set.bytes, at }
    }

    /// The set this index was built for.
    pub fn set(&self) -> &ByteStops {
        &self.set
    }

    /// The stops at or after `from` (in order).
    pub fn from(&self, from: usize) -> &[usize] {
        &self.at[self.at.partition_point(|&p| p < from)..]
    }

    /// The stops before `to` (in order).
    pub fn before(&self, to: usize) -> &[usize] {
        &self.at[..self.at.partition_point(|&p| p < to)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::quotes::marks::LINE_BREAK_STOPS;

    #[test]
    fn finds_every_stop_byte_in_order() {
        let text = "Он: «Да».\nНет! «Что?» — &quot;x\"\u{85}…\r\n";
        let few = LINE_BREAK_STOPS.with(b'.');
        let many = few.with(b'!').with(b'?').with(b'"').with(b'&').with(b':').with(b'x').with(b'y').with(b'z');
        for set in [few, many] {
            let want: Vec<usize> = (0..text.len()).filter(|&i| set.contains(text.as_bytes()[i])).collect();
            let compiled = StopSet::new(set);
            assert_eq!(StopIndex::new(text, &compiled).at, want);
            let long = text.repeat(20);
            let want: Vec<usize> = (0..long.len()).filter(|&i| set.contains(long.as_bytes()[i])).collect();
            assert_eq!(StopIndex::new(&long, &compiled).at, want);
            let memchr_only = StopSet { packed: None, ..compiled };
            assert_eq!(StopIndex::new(&long, &memchr_only).at, want);
        }
    }
}
