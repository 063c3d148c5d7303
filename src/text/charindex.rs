/// Converts byte offsets of one text into character (Unicode scalar) offsets.
///
/// Output files report character offsets; extractors produce byte offsets. Building the
/// index is one pass over the text; each lookup is a binary search over checkpoints plus
/// a count over at most `STEP` bytes, so converting every item of a document stays linear.
pub struct CharIndex<'t> {
    text: &'t str,
    /// `checkpoints[i]` = number of chars in `text[..i * STEP]` (each such byte offset is
    /// rounded down to a char boundary first, see `boundary`).
    checkpoints: Vec<(usize, usize)>,
}

const STEP: usize = 256;

impl<'t> CharIndex<'t> {
    pub fn new(text: &'t str) -> CharIndex<'t> {
        let mut checkpoints = Vec::with_capacity(text.len() / STEP + 2);
        let mut chars = 0usize;
        let mut next = 0usize;
        for (byte, _) in text.char_indices() {
            if byte >= next {
                checkpoints.push((byte, chars));
                next = byte + STEP;
            }
            chars += 1;
        }
        checkpoints.push((text.len(), chars));
        CharIndex { text, checkpoints }
    }

    /// The character offset of byte offset `byte`.
    ///
    /// # Panics
    /// If `byte` is past the end of the text or not on a char boundary (a bug in an extractor).
    pub fn char_offset(&self, byte: usize) -> usize {
        assert!(self.text.is_char_boundary(byte), "byte offset {byte} is not a char boundary");
        let i = match self.checkpoints.binary_search_by_key(&byte, |&(b, _)| b) {
            Ok(i) => return self.checkpoints[i].1,
            Err(i) => i - 1,
        };
        let (b, c) = self.checkpoints[i];
        c + self.text[b..byte].chars().count()
    }

    /// Number of characters in the whole text.
    pub fn len_chars(&self) -> usize {
        self.checkpoints.last().map_or(0, |&(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_multibyte_and_emoji() {
        let text = "Мусин 🏗️ «Сбер» a€b";
        let index = CharIndex::new(text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_offset(byte), chars);
        }
        assert_eq!(index.char_offset(text.len()), text.chars().count());
        assert_eq!(index.len_chars(), text.chars().count());
    }

    #[test]
    fn long_text_crosses_checkpoints() {
        let text = "ж".repeat(1000) + "abc" + &"ё".repeat(700);
        let index = CharIndex::new(&text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_offset(byte), chars);
        }
    }

    #[test]
    fn empty_text() {
        let index = CharIndex::new("");
        assert_eq!(index.char_offset(0), 0);
    }
}
