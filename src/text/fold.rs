//! The folded view: the text as the dictionaries see it.
//!
//! Folding lower-cases Cyrillic and Latin, maps `ё` to `е`, unifies the quotation-mark
//! family to `"`, apostrophes to `'`, the dash family to `-`, collapses each whitespace run
//! to one space (or one `\n` when the run holds a line break), reads the HTML leftover
//! `&quot;` as `"`, and drops invisible characters (soft hyphen, zero-width spaces and
//! joiners, direction marks, combining accents such as the stress mark U+0301).
//! Every folded byte remembers the original byte offset of the character that produced it,
//! so a match in the folded text maps back to an exact span of the original.

use super::Span;

/// A folded copy of a text with its map back to the original.
pub struct FoldedText {
    folded: String,
    /// For every byte of `folded`, the byte offset in the original of the char it came from.
    origin: Vec<u32>,
    /// For every byte of `folded`, the byte length in the original of the char (or `&quot;`)
    /// it came from.
    origin_len: Vec<u8>,
    original_len: usize,
}

/// What one original character becomes in the folded view.
#[derive(Debug, PartialEq, Eq)]
pub enum Folded {
    /// Dropped: invisible or combining.
    Nothing,
    One(char),
    /// Whitespace, collapsed with its neighbours.
    Space { newline: bool },
}

/// Folds one character (see the module docs for the rules).
#[inline]
pub fn fold_char(c: char) -> Folded {
    match c {
        'a'..='z' | '0'..='9' | 'а'..='е' | 'ж'..='я' => Folded::One(c),
        'A'..='Z' => Folded::One(c.to_ascii_lowercase()),
        'А'..='Я' => Folded::One(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'ё' | 'Ё' => Folded::One('е'),
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => Folded::Space { newline: true },
        ' ' | '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
        | '\u{b}' | '\u{c}' => Folded::Space { newline: false },
        '«' | '»' | '„' | '“' | '”' | '‟' | '″' | '‹' | '›' | '〝' | '〞' | '＂' => {
            Folded::One('"')
        }
        '’' | '‘' | '‚' | '‛' | '`' | '´' | 'ʼ' => Folded::One('\''),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' | '－' => Folded::One('-'),
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fe00}'..='\u{fe0f}' => {
            Folded::Nothing
        }
        '\u{300}'..='\u{36f}' => Folded::Nothing,
        c if c.is_ascii() => Folded::One(c),
        c if c.is_whitespace() => Folded::Space { newline: false },
        c => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => Folded::One(l),
                _ => Folded::One(c),
            }
        }
    }
}

/// Folds a short string such as a dictionary alias (same rules as [`FoldedText`], trimmed).
pub fn fold_str(s: &str) -> String {
    FoldedText::new(s).as_str().trim().to_string()
}

impl FoldedText {
    pub fn new(original: &str) -> FoldedText {
        let mut folded = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut origin_len = Vec::with_capacity(original.len());
        let mut pending_space: Option<(usize, usize, bool)> = None;
        let bytes = original.as_bytes();
        let mut iter = original.char_indices();
        while let Some((at, c)) = iter.next() {
            let (folded_char, width) = if c == '&' && bytes[at..].starts_with(b"&quot;") {
                for _ in 0..5 {
                    iter.next();
                }
                (Folded::One('"'), 6)
            } else {
                (fold_char(c), c.len_utf8())
            };
            match folded_char {
                Folded::Nothing => {}
                Folded::Space { newline } => match &mut pending_space {
                    Some((_, end, nl)) => {
                        *end = at + width;
                        *nl |= newline;
                    }
                    None => pending_space = Some((at, at + width, newline)),
                },
                Folded::One(f) => {
                    if let Some((start, _, newline)) = pending_space.take() {
                        push(&mut folded, &mut origin, &mut origin_len, if newline { '\n' } else { ' ' }, start, 1);
                    }
                    push(&mut folded, &mut origin, &mut origin_len, f, at, width);
                }
            }
        }
        if let Some((start, _, newline)) = pending_space {
            push(&mut folded, &mut origin, &mut origin_len, if newline { '\n' } else { ' ' }, start, 1);
        }
        FoldedText { folded, origin, origin_len, original_len: original.len() }
    }

    pub fn as_str(&self) -> &str {
        &self.folded
    }

    /// Maps a byte range of the folded text back to the original text.
    ///
    /// The end extends over combining marks that follow the last character, so an accented
    /// name keeps its accent.
    pub fn to_original(&self, start: usize, end: usize, original: &str) -> Span {
        debug_assert_eq!(original.len(), self.original_len);
        if start >= end || start >= self.origin.len() {
            let at = self.origin.get(start).map_or(self.original_len, |&o| o as usize);
            return Span::new(at, at);
        }
        let o_start = self.origin[start] as usize;
        let last = end - 1;
        let mut o_end = self.origin[last] as usize + self.origin_len[last] as usize;
        for c in original[o_end..].chars() {
            if ('\u{300}'..='\u{36f}').contains(&c) {
                o_end += c.len_utf8();
            } else {
                break;
            }
        }
        Span::new(o_start, o_end)
    }

    /// The original byte offset where folded byte `at` came from (text length past the end).
    pub fn origin_of(&self, at: usize) -> usize {
        self.origin.get(at).map_or(self.original_len, |&o| o as usize)
    }
}

fn push(folded: &mut String, origin: &mut Vec<u32>, origin_len: &mut Vec<u8>, c: char, at: usize, width: usize) {
    let n = c.len_utf8();
    folded.push(c);
    for _ in 0..n {
        origin.push(at as u32);
        origin_len.push(width as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(original: &str, needle: &str) -> String {
        let f = FoldedText::new(original);
        let at = f.as_str().find(needle).unwrap_or_else(|| panic!("{needle:?} not in {:?}", f.as_str()));
        let span = f.to_original(at, at + needle.len(), original);
        span.slice(original).to_string()
    }

    #[test]
    fn folds_case_yo_quotes_dashes_spaces() {
        let f = FoldedText::new("Привлечёт  АО «НИТ» — СБЕРом\u{a0}Нур–Султан");
        assert_eq!(f.as_str(), "привлечет ао \"нит\" - сбером нур-султан");
    }

    #[test]
    fn maps_back_exactly() {
        assert_eq!(round_trip("Сказал: АО “НИТ” создал", "ао \"нит\""), "АО “НИТ”");
        assert_eq!(round_trip("при  министре Ёлкине", "министре елкине"), "министре Ёлкине");
        assert_eq!(round_trip("АО &quot;НИТ&quot; и", "ао \"нит\""), "АО &quot;НИТ&quot;");
    }

    #[test]
    fn drops_invisible_and_keeps_accent_inside_span() {
        assert_eq!(round_trip("министр Му\u{301}син сказал", "мусин"), "Му\u{301}син");
        assert_eq!(round_trip("Му\u{ad}син", "мусин"), "Му\u{ad}син");
        assert_eq!(round_trip("Мусин\u{301} и", "мусин"), "Мусин\u{301}");
        assert_eq!(round_trip("a\u{200b}b", "ab"), "a\u{200b}b");
    }

    #[test]
    fn newline_runs_fold_to_one_newline() {
        assert_eq!(FoldedText::new("a \r\n\r\n b\tc").as_str(), "a\nb c");
    }

    #[test]
    fn emoji_pass_through() {
        assert_eq!(round_trip("3🏗️\"Стадион", "\"стадион"), "\"Стадион");
    }
}
