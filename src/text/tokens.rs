//! Word-level tokens of the original text, for the rule-based extractors.
//!
//! A word is a run of letters and digits, with inner hyphens (`Нур-Султан`,
//! `Касым-Жомарт`), inner apostrophes and invisible characters (soft hyphen, combining
//! accent) kept inside it. Everything else that is not whitespace is a one-character
//! punctuation token. Tokens carry byte spans of the original text.

#[cfg(target_arch = "x86_64")]
use super::block16::Avx2;
use super::block16::{Classify64, Sse2, TokenBits64};
use super::chars::is_letter;
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
        // News punctuation (`«`, `»`, NBSP, dashes, quotes, `…`) without the Unicode tables:
        // none of it is a letter, a digit or an in-word invisible (a test checks).
        '\u{a0}' | '\u{ab}' | '\u{bb}' | '\u{2010}'..='\u{205e}' => false,
        c => c.is_alphanumeric() || is_invisible_in_word(c),
    }
}

/// Whether a word starts with `c`: a word character, not an invisible one (the common
/// letters and digits answered first).
#[inline]
fn starts_word(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{400}'..='\u{481}' => true,
        c if c.is_ascii() => false,
        c => is_word_char(c) && !is_invisible_in_word(c),
    }
}

/// Characters that may sit inside a word without splitting it.
pub fn is_invisible_in_word(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{300}'..='\u{36f}')
}

fn is_inner_joiner(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '\'' | '’')
}

/// The character at byte `i` (a char boundary) and its length; Russian letters and ASCII
/// are decoded without the general UTF-8 iterator.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let bytes = text.as_bytes();
    match (bytes[i], bytes.get(i + 1)) {
        (b, _) if b < 0x80 => (char::from(b), 1),
        (b @ (0xd0 | 0xd1), Some(&c)) => {
            let code = (u32::from(b & 0x1f) << 6) | u32::from(c & 0x3f);
            (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), 2)
        }
        _ => {
            let c = text.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER);
            (c, c.len_utf8())
        }
    }
}

/// Splits `text` into tokens.
///
/// The text is read 64 bytes at a time as bit masks ([`TokenBits64`]): token starts,
/// word ends and the gaps between tokens come from the masks, so most bytes are never
/// looked at one by one ([`Scan::block`]). Only the characters the masks do not classify
/// (neither ASCII nor a Russian letter) and joiners after a word go character by
/// character ([`char_token`], [`word_rest`]), which is the definition the masks follow.
pub fn tokenize(text: &str) -> Vec<Token> {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = Avx2::detect() {
        // SAFETY: `avx2` proves the processor has the features `tokenize_avx2` is compiled for.
        return unsafe { tokenize_avx2(avx2, text) };
    }
    tokenize_with(text, Sse2)
}

/// [`tokenize`] compiled for AVX2 and the bit instructions that come with it.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
fn tokenize_avx2(avx2: Avx2, text: &str) -> Vec<Token> {
    tokenize_with(text, avx2)
}

/// [`tokenize`] with the 64-byte classifier `classify`. The text's last bytes are read as a
/// block padded with spaces, which end a word and make no token.
#[inline(always)]
fn tokenize_with(text: &str, classify: impl Classify64) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut scan = Scan {
        tokens: Vec::with_capacity(text.len() / 6 + 1),
        gap: Gap { after_newline: true, after_space: true },
        pending: None,
        lead_carried: 0,
    };
    let mut at = 0;
    while at < bytes.len() {
        let bits = match bytes.get(at..at + 64).and_then(|chunk| <&[u8; 64]>::try_from(chunk).ok()) {
            Some(chunk) => classify.token_bits(chunk),
            None => {
                let mut padded = [b' '; 64];
                padded[..bytes.len() - at].copy_from_slice(&bytes[at..]);
                classify.token_bits(&padded)
            }
        };
        at = scan.block(text, at, &bits);
    }
    // A word that reached the end of a block which was the end of the text.
    if let Some((start, gap)) = scan.pending.take() {
        scan.push(start, bytes.len(), word_kind(bytes, start, bytes.len()), gap);
    }
    scan.tokens
}

/// What lies between the previous token and the next: whitespace, a line break.
struct Gap {
    after_newline: bool,
    after_space: bool,
}

impl Gap {
    /// Appends the token `start..end` after this gap, and starts a new gap.
    #[inline(always)]
    fn push(&mut self, tokens: &mut Vec<Token>, start: usize, end: usize, kind: TokenKind) {
        tokens.push(Token {
            span: Span::new(start, end),
            kind,
            after_newline: self.after_newline,
            after_space: self.after_space,
        });
        self.after_newline = false;
        self.after_space = false;
    }

    /// Notes the whitespace character `c`.
    #[inline(always)]
    fn whitespace(&mut self, c: char) {
        self.after_space = true;
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            self.after_newline = true;
        }
    }
}

/// The tokenizer between two blocks of 64 bytes.
struct Scan {
    tokens: Vec<Token>,
    /// The gap before the next token, as far as the blocks before went.
    gap: Gap,
    /// The word that reached the end of the last block: its start, and its gap.
    pending: Option<(usize, Gap)>,
    /// 1 when the last block ended with a D0/D1 lead byte (its second byte opens this block).
    lead_carried: u64,
}

/// The bits below bit `k` (all of them for 64).
#[inline(always)]
fn below(k: u32) -> u64 {
    if k < 64 {
        (1 << k) - 1
    } else {
        u64::MAX
    }
}

/// Word or number: whether the word `start..end` is all digits.
#[inline(always)]
fn word_kind(bytes: &[u8], start: usize, end: usize) -> TokenKind {
    if bytes[start].is_ascii_digit() && bytes[start..end].iter().all(u8::is_ascii_digit) {
        TokenKind::Number
    } else {
        TokenKind::Word
    }
}

impl Scan {
    /// The tokens of the 64 bytes from `at` classified as `bits` (the text's bytes, or
    /// spaces past its end), with `at` a place between tokens or inside [`Scan::pending`]:
    /// returns where to go on, `at + 64` (the next block follows on from this one) or a
    /// place between tokens past it (a fresh start).
    ///
    /// A word is a run of word bytes (ASCII letters and digits, D0/D1 pairs); every other
    /// byte that is not whitespace is a one-byte punctuation token. That is the
    /// definition ([`char_token`]) for every ASCII byte and Russian letter, but for a joiner
    /// right after a word byte (it may join the next word) and for the characters the masks
    /// do not classify: from such a place, the token there is finished character by
    /// character, and the masks take over again after it.
    #[inline(always)]
    fn block(&mut self, text: &str, at: usize, bits: &TokenBits64) -> usize {
        let bytes = text.as_bytes();
        let word = bits.alnum_or_lead | bits.lead << 1 | self.lead_carried;
        let word_before = word << 1 | u64::from(self.pending.is_some());
        // The bytes inside a word, after its first.
        let inner = word & word_before;
        let letters = word & !bits.digit;
        // Where the masks do not know the token: other characters, joiners after a word byte.
        let unclassified = bits.other_lead | (bits.joiner & word_before);
        // The gap before a token at bit `k`, as far as this block tells (the blocks before
        // are in `self.gap`): whitespace right before it, and a line break in that run of
        // whitespace (adding the line breaks to the runs carries each run with one past its
        // end; a carry out of the block is a line break in its last run).
        let mut space_before = bits.space << 1;
        let (newline_carried, newline_at_end) = bits.space.overflowing_add(bits.newline);
        let mut newline_before = newline_carried & !bits.space;
        // Bytes before `from` are done.
        let mut from = 0u32;
        if let Some((start, gap)) = self.pending.take() {
            let end = (!inner).trailing_zeros();
            if end == 64 {
                self.pending = Some((start, gap));
                self.lead_carried = bits.lead >> 63;
                return at + 64;
            }
            let mut end_at = at + end as usize;
            if unclassified >> end & 1 == 1 {
                let digits = bytes[start..end_at].iter().all(u8::is_ascii_digit);
                end_at = word_rest(text, end_at, digits).0;
            }
            self.push(start, end_at, word_kind(bytes, start, end_at), gap);
            if end_at >= at + 64 {
                return self.fresh_start(end_at);
            }
            from = (end_at - at) as u32;
        }
        'tokens: loop {
            let stop = (unclassified & !below(from)).trailing_zeros();
            let mut starts = !bits.space & !inner & !below(from) & below(stop);
            // The gap the blocks before (or the character by character code) left goes to
            // the first token: from then on, the masks tell each token's gap.
            if starts != 0 {
                let first = starts.trailing_zeros();
                space_before |= u64::from(self.gap.after_space) << first;
                newline_before |= u64::from(self.gap.after_newline) << first;
                self.gap = Gap { after_space: false, after_newline: false };
            }
            while starts != 0 {
                let k = starts.trailing_zeros();
                starts &= starts - 1;
                let start = at + k as usize;
                let gap = Gap { after_space: space_before >> k & 1 == 1, after_newline: newline_before >> k & 1 == 1 };
                if word >> k & 1 == 0 {
                    self.push(start, start + 1, TokenKind::Punct, gap);
                    continue;
                }
                let end = k + 1 + ((!inner >> k) >> 1).trailing_zeros();
                if end >= 64 {
                    self.pending = Some((start, gap));
                    self.lead_carried = bits.lead >> 63;
                    return at + 64;
                }
                if end < stop {
                    // A word whose first byte is no digit has a letter there (most words);
                    // else a number when no letter lies in `k..end` (1 to 63 bytes).
                    let number = bits.digit >> k & 1 == 1 && (letters >> k) << (64 - (end - k)) == 0;
                    let kind = if number { TokenKind::Number } else { TokenKind::Word };
                    self.push(start, at + end as usize, kind, gap);
                    continue;
                }
                // A joiner or another character right after the word: it may go on.
                let digits = bytes[start..at + end as usize].iter().all(u8::is_ascii_digit);
                let end_at = word_rest(text, at + end as usize, digits).0;
                self.push(start, end_at, word_kind(bytes, start, end_at), gap);
                if end_at >= at + 64 {
                    return self.fresh_start(end_at);
                }
                from = (end_at - at) as u32;
                continue 'tokens;
            }
            if stop == 64 {
                // The whitespace at the block's end belongs to the next gap.
                self.gap.after_space |= bits.space >> 63 == 1;
                self.gap.after_newline |= newline_at_end;
                self.lead_carried = bits.lead >> 63;
                return at + 64;
            }
            // The whitespace before `stop` belongs to the gap.
            self.gap.after_space |= space_before >> stop & 1 == 1;
            self.gap.after_newline |= newline_before >> stop & 1 == 1;
            // A character the masks do not classify, between tokens.
            let next = char_token(text, at + stop as usize, &mut self.gap, &mut self.tokens);
            if next >= at + 64 {
                return self.fresh_start(next);
            }
            from = (next - at) as u32;
        }
    }

    /// Appends the token `start..end` after the gap `gap`.
    #[inline(always)]
    fn push(&mut self, start: usize, end: usize, kind: TokenKind, gap: Gap) {
        self.tokens.push(Token {
            span: Span::new(start, end),
            kind,
            after_newline: gap.after_newline,
            after_space: gap.after_space,
        });
    }

    /// Goes on from `at`, a place between tokens past the block: nothing carries over.
    #[inline(always)]
    fn fresh_start(&mut self, at: usize) -> usize {
        self.lead_carried = 0;
        at
    }
}

/// The token (or whitespace character) at `i`, character by character: returns where it ends.
fn char_token(text: &str, mut i: usize, gap: &mut Gap, tokens: &mut Vec<Token>) -> usize {
    let start = i;
    if let Some(width) = punctuation_width(text.as_bytes(), i) {
        gap.push(tokens, start, start + width, TokenKind::Punct);
        return start + width;
    }
    let (c, width) = char_at(text, i);
    i += width;
    if c.is_whitespace() {
        gap.whitespace(c);
        return i;
    }
    let kind = if starts_word(c) {
        let (end, all_digits) = word_rest(text, i, c.is_ascii_digit());
        i = end;
        if all_digits {
            TokenKind::Number
        } else {
            TokenKind::Word
        }
    } else {
        TokenKind::Punct
    };
    gap.push(tokens, start, i, kind);
    i
}

/// The length of the character at `i` when it is punctuation news text is full of: `«`,
/// `»` (c2 ab, c2 bb) and U+2010..U+2027, U+2030..U+203F (e2 80 90..a7, b0..bf: dashes,
/// quotes, `•`, `…`, `‰`). None of them is whitespace or starts a word, so each is a
/// punctuation token, found from its bytes without decoding it and asking the Unicode
/// tables (`punctuation_width_is_a_punctuation_token` checks every character).
#[inline(always)]
fn punctuation_width(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
        (0xc2, Some(0xab | 0xbb), _) => Some(2),
        (0xe2, Some(0x80), Some(0x90..=0xa7 | 0xb0..=0xbf)) => Some(3),
        _ => None,
    }
}

/// The end of the word whose characters continue at `i`, and whether it is all digits
/// (`all_digits` tells whether it was so far). Inlined: it runs once per word, and a call
/// cost as much as the letters (the rare characters go to [`other_char_step`]).
#[inline(always)]
fn word_rest(text: &str, mut i: usize, mut all_digits: bool) -> (usize, bool) {
    let bytes = text.as_bytes();
    let n = text.len();
    while i < n {
        // Four Russian letters at a time: lead bytes 0xd0/0xd1 at the even offsets (what
        // the match below takes two bytes at a time); a lane that ends the run still
        // counts its leading letters.
        while let Some(&chunk) = bytes.get(i..i + 8).and_then(|b| <&[u8; 8]>::try_from(b).ok()) {
            let not_lead = (u64::from_le_bytes(chunk) & 0x00fe_00fe_00fe_00fe) ^ 0x00d0_00d0_00d0_00d0;
            let letters = (not_lead.trailing_zeros() / 16) as usize;
            all_digits &= letters == 0;
            i += 2 * letters;
            if letters < 4 {
                break;
            }
        }
        if i >= n {
            break;
        }
        // Fast path: Russian letters (U+0400..U+047F) and ASCII letters and digits.
        match bytes[i] {
            0xd0 | 0xd1 if i + 1 < n => {
                all_digits = false;
                i += 2;
                continue;
            }
            b if b.is_ascii_alphanumeric() => {
                all_digits &= b.is_ascii_digit();
                i += 1;
                continue;
            }
            // Other ASCII ends the word, but for the joiners `-` and `'`.
            b if b.is_ascii() && b != b'-' && b != b'\'' => break,
            _ => {}
        }
        match other_char_step(text, i, all_digits) {
            Some((next, digits)) => (i, all_digits) = (next, digits),
            None => break,
        }
    }
    (i, all_digits)
}

/// Inside a word, the character at `i` that is not a Russian letter nor an ASCII letter or
/// digit: where the word goes on after it and whether it is still all digits, or `None`
/// when the word ends before it.
#[inline(never)]
fn other_char_step(text: &str, i: usize, all_digits: bool) -> Option<(usize, bool)> {
    let (next, width) = char_at(text, i);
    if is_word_char(next) {
        return Some((i + width, all_digits && next.is_ascii_digit()));
    }
    if is_inner_joiner(next) {
        // A joiner stays inside the word only when a letter follows it.
        let after = i + width;
        if after < text.len() && !all_digits && is_letter(char_at(text, after).0) {
            return Some((after, all_digits));
        }
    }
    None
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
    use proptest::prelude::*;

    /// What `punctuation_width` answers is what the character-by-character definition
    /// says: a punctuation token as long as the character; and it covers the usual marks.
    #[test]
    fn punctuation_width_is_a_punctuation_token() {
        let mut covered = String::new();
        for c in (0x80..=0x10ffffu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if let Some(width) = punctuation_width(bytes, 0) {
                assert_eq!(width, bytes.len(), "{c:?}");
                assert!(!c.is_whitespace() && !starts_word(c), "{c:?}");
                covered.push(c);
            }
            for cut in 1..bytes.len() {
                assert_eq!(punctuation_width(&bytes[..cut], 0), None, "{c:?} cut to {cut}");
            }
        }
        for c in "«»—–•…“”„’‘".chars() {
            assert!(covered.contains(c), "{c:?}");
        }
        assert_eq!(covered.chars().count(), 2 + 24 + 16);
    }

    /// The tokenizer as first written (char iterator), for the equivalence test.
    fn tokenize_reference(text: &str) -> Vec<Token> {
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

    /// The byte-level tokenizer gives exactly the tokens of the char-iterator one.
    #[test]
    fn same_tokens_as_reference() {
        let mut texts: Vec<String> = vec![
            "«Нур-Султан», — сказал Му\u{301}син в 2021 году.".into(),
            "IT- и ай-ти 20-30 a\nb c\r\n\u{2028}x\u{a0}y ё-Ё д'Артаньян O’Brien 5-й".into(),
            "emoji 👍🏽 中文 Қазақстан әл-Фараби \u{ad}x\u{200b}y \u{300}z -".into(),
        ];
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
            texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        let alphabet: Vec<char> = "aZ9 -'’‐\n\u{ad}\u{301}ёЖя👍中\u{a0}.«Ә".chars().collect();
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            texts.push(s);
        }
        // Long Russian words broken at every offset of the 8-byte lanes, by spaces, digits,
        // joiners, Latin-1 letters, accents and emoji.
        let breaks: Vec<char> = " 7-'é\u{301}👍.ё".chars().collect();
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..40 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push(if seed >> 61 == 0 { breaks[(seed >> 33) as usize % breaks.len()] } else { 'ж' });
            }
            texts.push(s);
        }
        // Texts past one 64-byte block (the block path), with every kind of character at
        // every offset of the blocks: words crossing block ends, joiners, digits, news
        // punctuation, other whitespace and letters outside the Russian block.
        let pieces: Vec<&str> = vec![
            "ж",
            "я",
            "Ё",
            "a",
            "Z",
            "7",
            "0",
            " ",
            "  ",
            "-",
            "'",
            "’",
            "‑",
            "\n",
            "\r\n",
            "\t",
            "\u{a0}",
            "\u{2028}",
            "\u{85}",
            "«",
            "»",
            "—",
            "…",
            ".",
            ",",
            "\u{ad}",
            "\u{301}",
            "é",
            "Ә",
            "👍",
            "中",
            "\u{1f}",
            "слово",
            "2021",
        ];
        for _ in 0..6000 {
            let mut s = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = 20 + (seed >> 57) as usize;
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push_str(if seed >> 62 == 0 {
                    pieces[(seed >> 33) as usize % pieces.len()]
                } else {
                    ["жa", " ", "я"][(seed >> 40) as usize % 3]
                });
            }
            texts.push(s);
        }
        for t in &texts {
            let expected = tokenize_reference(t);
            for tokens in tokenize_each_way(t) {
                assert_eq!(tokens, expected, "{t:?}");
            }
        }
    }

    /// The tokens with each classifier: SSE2 (or plain loops) always, AVX2 where the
    /// processor has it, as `tokenize` picks.
    fn tokenize_each_way(text: &str) -> Vec<Vec<Token>> {
        #[allow(unused_mut)]
        let mut ways = vec![tokenize_with(text, Sse2)];
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            // SAFETY: `avx2` proves the processor has the features.
            ways.push(unsafe { tokenize_avx2(avx2, text) });
        }
        assert_eq!(ways[ways.len() - 1], tokenize(text));
        ways
    }

    proptest! {
        /// Long texts of words, numbers, joiners, news punctuation, whitespace of every kind
        /// and characters the masks do not classify: both classifiers give the reference's
        /// tokens, across block ends and in the padded last block.
        #[test]
        fn masks_match_reference_on_any_text(
            text in "(жя|Ёлка|aZ|7|2021| |  |-|'|’|‑|\n|\r\n|\t|\u{b}|\u{a0}|\u{2028}|\u{85}|«|»|—|\u{ad}|\u{301}|é|Ә|👍|中|слово|\\.|,|\u{1f}){0,150}"
        ) {
            let expected = tokenize_reference(&text);
            for tokens in tokenize_each_way(&text) {
                prop_assert_eq!(tokens, expected.clone());
            }
        }
    }

    /// `is_word_char`'s fast paths answer as the general predicates do, for every character.
    #[test]
    fn word_char_fast_paths_agree() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let slow = c.is_alphanumeric() || is_invisible_in_word(c);
            assert_eq!(is_word_char(c), slow, "{c:?}");
            assert_eq!(starts_word(c), slow && !is_invisible_in_word(c), "{c:?}");
        }
    }

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
