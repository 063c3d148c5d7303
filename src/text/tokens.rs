//! Word-level tokens of the original text, for the rule-based extractors.
//!
//! A word is a run of letters and digits, with inner hyphens (`Нур-Султан`,
//! `Касым-Жомарт`), inner apostrophes and invisible characters (soft hyphen, combining
//! accent) kept inside it. Everything else that is not whitespace is a one-character
//! punctuation token. Tokens carry byte spans of the original text.

use super::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with digits (`IT`, `Mail.ru` is two words and a dot).
    Word,
    /// Digits only.
    Number,
    /// One character that is neither a letter, a digit nor whitespace.
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    /// Whether a line break lies between the previous token and this one.
    pub after_newline: bool,
    /// Whether whitespace lies between the previous token and this one.
    pub after_space: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.slice(text)
    }
}

/// Letters, digits and in-word invisibles; ASCII and Cyrillic are answered without the
/// Unicode tables (the tokenizer asks this for every character of the corpus).
#[inline]
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric() || is_invisible_in_word(c),
    }
}

/// Characters that may sit inside a word without splitting it.
pub fn is_invisible_in_word(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{300}'..='\u{36f}')
}

fn is_inner_joiner(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '\'' | '’')
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut chars = text.char_indices().peekable();
    let mut after_newline = true;
    let mut after_space = true;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            after_space = true;
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                after_newline = true;
            }
            continue;
        }
        if is_word_char(c) && !is_invisible_in_word(c) {
            let mut end = start + c.len_utf8();
            let mut all_digits = c.is_ascii_digit();
            loop {
                match chars.peek().copied() {
                    Some((at, n)) if is_word_char(n) => {
                        all_digits &= n.is_ascii_digit();
                        end = at + n.len_utf8();
                        chars.next();
                    }
                    Some((at, j)) if is_inner_joiner(j) => {
                        // A joiner stays inside the word only when a letter follows it.
                        let after = &text[at + j.len_utf8()..];
                        match after.chars().next() {
                            Some(n) if n.is_alphabetic() && !all_digits => {
                                end = at + j.len_utf8();
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            let kind = if all_digits { TokenKind::Number } else { TokenKind::Word };
            tokens.push(Token { span: Span::new(start, end), kind, after_newline, after_space });
        } else {
            let end = start + c.len_utf8();
            tokens.push(Token { span: Span::new(start, end), kind: TokenKind::Punct, after_newline, after_space });
        }
        after_newline = false;
        after_space = false;
    }
    tokens
}

/// Whether a word starts with an upper-case letter.
pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether every letter of a word is upper-case and it has at least two letters.
pub fn is_all_caps(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_words_numbers_punct() {
        assert_eq!(
            words("«Нур-Султан», — сказал Му\u{301}син в 2021 году."),
            ["«", "Нур-Султан", "»", ",", "—", "сказал", "Му\u{301}син", "в", "2021", "году", "."]
        );
    }

    #[test]
    fn trailing_hyphen_is_not_inside_word() {
        assert_eq!(words("IT- и ай-ти 20-30"), ["IT", "-", "и", "ай-ти", "20", "-", "30"]);
    }

    #[test]
    fn newline_flag() {
        let t = tokenize("a\nb c");
        assert!(t[0].after_newline && t[1].after_newline && !t[2].after_newline);
    }

    #[test]
    fn caps() {
        assert!(is_capitalized("Мусин") && !is_capitalized("мусин"));
        assert!(is_all_caps("СБЕР") && !is_all_caps("СБЕРом") && !is_all_caps("Я"));
    }
}
