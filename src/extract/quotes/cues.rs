//! Speech cues found in a document: the whole-word matches of a leftmost-longest search over
//! the folded text (case, `ё`, dashes and non-breaking spaces do not matter), mapped back to
//! exact spans of the original. The search visits word starts only ([`WordStartScan`]).

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use super::rules::{CueForm, QuoteRules};
use crate::text::chars::is_letter_or_digit;
use crate::text::{FoldedText, Span};

/// One speech cue in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CueHit {
    /// The cue as written in the original text.
    pub span: Span,
    /// Index into [`QuoteRules::cue_forms`].
    pub form: usize,
}

impl CueHit {
    pub fn form<'r>(&self, rules: &'r QuoteRules) -> &'r CueForm {
        &rules.cue_forms[self.form]
    }
}

/// Every cue of `text` (whose folded view is `folded`), sorted by start.
pub(crate) fn find_cues(text: &str, folded: &FoldedText, rules: &QuoteRules) -> Vec<CueHit> {
    let Some(matcher) = &rules.cue_automaton else {
        return Vec::new();
    };
    let f = folded.as_str();
    let mut hits = Vec::new();
    matcher.each_match(f, |s, e, pattern| {
        let before = f[..s].chars().next_back();
        let after = f[e..].chars().next();
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            return;
        }
        let mut span = folded.to_original(s, e, text);
        if let Some(n) = rules.cue_forms[pattern].shown_words {
            span = shown_part(text, span, n);
        }
        if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) && span.start < span.end {
            hits.push(CueHit { span, form: pattern });
        }
    });
    hits
}

/// The compiled cue forms.
///
/// The cues are the whole-word matches of a leftmost-longest search over the folded text.
/// Searching from every byte costs about ten instructions a byte; when every form starts
/// with a word character (the shipped ones do), [`WordStartScan`] gives the same whole-word
/// matches looking at word starts only.
pub(crate) enum CueMatcher {
    WordStarts(Box<WordStartScan>),
    Anywhere(AhoCorasick),
}

impl CueMatcher {
    pub fn new(patterns: &[String]) -> Result<CueMatcher, aho_corasick::BuildError> {
        let word_initial = patterns.iter().all(|p| p.chars().next().is_some_and(is_word_char));
        if word_initial {
            if let Ok(scan) = WordStartScan::new(patterns) {
                return Ok(CueMatcher::WordStarts(Box::new(scan)));
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns)?;
        Ok(CueMatcher::Anywhere(ac))
    }

    /// Calls `f(start, end, pattern)` for the matches of the leftmost-longest search over
    /// `text`, in order: all of them, or at least every one starting at a word start.
    fn each_match(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        match self {
            CueMatcher::WordStarts(scan) => scan.each_match(text, f),
            CueMatcher::Anywhere(ac) => {
                for m in ac.find_iter(text) {
                    f(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        }
    }
}

/// Bits of the word-start filter.
const FILTER_BITS: u32 = 12;

/// The leftmost-longest search, replayed at word starts only.
///
/// Every form starts with a word character, so a match starts inside a run of word
/// characters. A match starting inside a word (not at its start) is never a cue, and it
/// matters only if it reaches past the end of its word and so hides the word starts it
/// covers: it then holds a non-word character, and the part before it is a "first word" of
/// a form that is a suffix of the text word. Only the rare words ending in such a first
/// word (`…по` before `по словам`) are searched position by position; elsewhere the
/// anchored search runs at word starts that pass a hash filter on their first bytes.
pub(crate) struct WordStartScan {
    dfa: DFA,
    /// Hashed first `key_len` bytes of every form.
    filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// 8 or 4 (every form is at least that long), or 0: no filter.
    key_len: usize,
    /// The leading word of every form that holds a non-word character (`по`, `как`), with
    /// its last four bytes as [`tail_u32`] reads them.
    first_words: Vec<(Box<[u8]>, u32)>,
    /// Last bytes of those words.
    first_word_ends: [bool; 256],
}

impl WordStartScan {
    fn new(patterns: &[String]) -> Result<WordStartScan, aho_corasick::BuildError> {
        let dfa =
            DFA::builder().match_kind(MatchKind::LeftmostLongest).start_kind(StartKind::Anchored).build(patterns)?;
        let min_len = patterns.iter().map(String::len).min().unwrap_or(0);
        let key_len = match min_len {
            8.. => 8,
            4..=7 => 4,
            _ => 0,
        };
        let mut filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        let mut first_words: Vec<(Box<[u8]>, u32)> = Vec::new();
        let mut first_word_ends = [false; 256];
        for p in patterns {
            if key_len > 0 {
                let h = filter_hash(&p.as_bytes()[..key_len]);
                filter[h >> 6] |= 1 << (h & 63);
            }
            if let Some(i) = p.find(|c: char| !is_word_char(c)) {
                let word = &p.as_bytes()[..i];
                if let Some(&last) = word.last() {
                    first_word_ends[usize::from(last)] = true;
                }
                if !first_words.iter().any(|(w, _)| **w == *word) {
                    first_words.push((word.into(), tail_u32(word, word.len())));
                }
            }
        }
        Ok(WordStartScan { dfa, filter, key_len, first_words, first_word_ends })
    }

    /// The longest form starting at `at`, its end and pattern.
    fn anchored(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.dfa.try_find(&input).ok().flatten().map(|m| (m.end(), m.pattern().as_usize()))
    }

    /// Whether a form may start at `at`: its first bytes pass the filter.
    fn may_start(&self, bytes: &[u8], at: usize) -> bool {
        if self.key_len == 0 {
            return true;
        }
        match bytes.get(at..at + self.key_len) {
            Some(key) => {
                let h = filter_hash(key);
                self.filter[h >> 6] & (1 << (h & 63)) != 0
            }
            None => true,
        }
    }

    /// Whether a form may start inside the word `[s, e)` and run past its end: the word
    /// ends with a first word of a form, started after `s`.
    fn may_cross(&self, bytes: &[u8], s: usize, e: usize) -> bool {
        if !self.first_word_ends[usize::from(bytes[e - 1])] {
            return false;
        }
        let tail = tail_u32(bytes, e);
        self.first_words
            .iter()
            .any(|(w, w_tail)| e - s > w.len() && (w.len() < 4 || tail == *w_tail) && bytes[..e].ends_with(w))
    }

    fn each_match(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        let bytes = text.as_bytes();
        // End of the last match the leftmost-longest search reports: no match starts before.
        let mut at = 0;
        let mut i = 0;
        while i < bytes.len() {
            let s = i;
            let e = match BYTE_CLASS[usize::from(bytes[i])] {
                SEPARATOR => {
                    i += 1;
                    continue;
                }
                ASCII_WORD => word_end(text, s + 1),
                CYRILLIC => word_end(text, s + 2),
                _ => {
                    let (word, len) = char_class(text, i);
                    if !word {
                        i += len;
                        continue;
                    }
                    word_end(text, s + len)
                }
            };
            if s >= at && self.may_start(bytes, s) {
                if let Some((end, pattern)) = self.anchored(text, s) {
                    f(s, end, pattern);
                    at = end;
                }
            }
            if at < e && self.may_cross(bytes, s, e) {
                // Replay the search inside the word: a match found here is never a cue,
                // but it moves `at`.
                let mut p = at.max(s + 1);
                while p < e {
                    if text.is_char_boundary(p) {
                        if let Some((end, _)) = self.anchored(text, p) {
                            at = end;
                            p = end;
                            continue;
                        }
                    }
                    p += 1;
                }
            }
            i = e;
        }
    }
}

fn filter_hash(key: &[u8]) -> usize {
    let word = match key.first_chunk::<8>() {
        Some(k) => u64::from_le_bytes(*k),
        None => key.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)),
    };
    (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

/// The last (up to) four bytes before `end` as a number.
fn tail_u32(bytes: &[u8], end: usize) -> u32 {
    let n = end.min(4);
    bytes[end - n..end].iter().fold(0u32, |w, &b| w << 8 | u32::from(b))
}

/// An ASCII byte that is not a word character.
const SEPARATOR: u8 = 0;
/// An ASCII word character of the cue scan: a letter, a digit or `-`.
const ASCII_WORD: u8 = 1;
/// D0 or D1: the lead byte of a letter of U+0400..U+047F.
const CYRILLIC: u8 = 2;
/// Any other byte: the character is classified by [`char_class`].
const OTHER: u8 = 3;

/// The class of every byte, so the scan decides with one load where it would otherwise
/// test ASCII ranges.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'-' { ASCII_WORD } else { SEPARATOR };
        b += 1;
    }
    t[0xD0] = CYRILLIC;
    t[0xD1] = CYRILLIC;
    t
};

/// Whether an ASCII byte is a word character of the cue scan (letters, digits, `-`).
#[inline]
fn is_ascii_word_byte(b: u8) -> bool {
    BYTE_CLASS[usize::from(b)] == ASCII_WORD
}

/// Whether the character at `i` (a character start) is a word character, and its length.
#[inline]
fn char_class(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        (is_ascii_word_byte(b), 1)
    } else if b & 0xFE == 0xD0 {
        (true, 2) // U+0400..U+047F: Cyrillic letters
    } else {
        match text[i..].chars().next() {
            Some(c) => (is_word_char(c), c.len_utf8()),
            None => (false, 1),
        }
    }
}

/// The end of the run of word characters going on at `i` (a character start).
///
/// Eight bytes at a time: a lane of two bytes is a Cyrillic letter when its first byte is
/// D0 or D1 (the second is then its continuation byte), so the first lane that is not one
/// tells how many letters follow; only the character after them is classified one by one.
fn word_end(text: &str, mut i: usize) -> usize {
    const LEADS: u64 = 0x00FE_00FE_00FE_00FE;
    const CYRILLIC: u64 = 0x00D0_00D0_00D0_00D0;
    let bytes = text.as_bytes();
    loop {
        while let Some(chunk) = bytes.get(i..).and_then(|b| b.first_chunk::<8>()) {
            let other = (u64::from_le_bytes(*chunk) & LEADS) ^ CYRILLIC;
            if other != 0 {
                i += (other.trailing_zeros() / 16 * 2) as usize;
                break;
            }
            i += 8;
        }
        while i + 1 < bytes.len() && bytes[i] & 0xFE == 0xD0 {
            i += 2;
        }
        let Some(&b) = bytes.get(i) else {
            return i;
        };
        match BYTE_CLASS[usize::from(b)] {
            SEPARATOR => return i,
            ASCII_WORD => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let (word, len) = char_class(text, i);
        if !word {
            return i;
        }
        i += len;
    }
}

/// The first `n` words of `span` (`говорится` of `говорится в`).
fn shown_part(text: &str, span: Span, n: usize) -> Span {
    let words = crate::text::tokens::tokenize(span.slice(text));
    match words.get(n.max(1) - 1) {
        Some(w) => Span::new(span.start, span.start + w.span.end),
        None => span,
    }
}

fn is_word_char(c: char) -> bool {
    is_letter_or_digit(c) || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::{Diagnostics, DictDirs};

    fn rules() -> QuoteRules {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        QuoteRules::load(&dirs, &mut Diagnostics::default())
    }

    #[test]
    fn finds_whole_words_any_case_and_spacing() {
        let r = rules();
        let text = "Рассказал он. По\u{a0}словам министра, ЗАЯВИЛА она; пересказал; говорится в ответе";
        let hits = find_cues(text, &FoldedText::new(text), &r);
        let found: Vec<&str> = hits.iter().map(|h| h.span.slice(text)).collect();
        assert_eq!(found, ["Рассказал", "По\u{a0}словам", "ЗАЯВИЛА", "говорится"]);
        assert_eq!(hits[0].form(&r).lemma, "рассказать");
    }

    /// Whole-word matches of a matcher, as `find_cues` keeps them.
    fn whole_words(m: &CueMatcher, f: &str) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        m.each_match(f, |s, e, p| {
            let before = f[..s].chars().next_back();
            let after = f[e..].chars().next();
            if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
                v.push((s, e, p));
            }
        });
        v
    }

    /// The word-start scan keeps exactly the whole-word matches of the search from every
    /// byte, also where a match inside a word hides the next word (`тепло словам`).
    #[test]
    fn word_start_scan_agrees_with_the_full_search() {
        let patterns: Vec<String> =
            ["по словам", "словам", "сказал", "сказала", "как отметил", "отметил", "кп", "о с", "ло сл"]
                .map(String::from)
                .to_vec();
        let fast = CueMatcher::new(&patterns).unwrap();
        assert!(matches!(fast, CueMatcher::WordStarts(_)));
        let full = CueMatcher::Anywhere(
            AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).unwrap(),
        );
        let texts = [
            "по словам сказал, тепло словам сказала; никак отметил отметил",
            "упо словам сказал. ккп словам. как отметил-то, сказалась",
            "тепло сл словам ло словам о словам",
            "слово словам, а «по словам» - сказал 5сказал сказал",
        ];
        for t in texts {
            assert_eq!(whole_words(&fast, t), whole_words(&full, t), "{t}");
        }
    }

    proptest::proptest! {
        /// The same on any text made of pieces of the forms and of other characters.
        #[test]
        fn word_start_scan_agrees_on_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "по", "словам", "сказал", "а", "о", "с", "ло", "кп", " ", " ", "-", "x9", "…", "қ", "😀", "\"", "ёж",
                ]),
                0..24,
            )
        ) {
            let patterns: Vec<String> =
                ["по словам", "словам", "сказал", "сказала", "как отметил", "отметил", "кп", "о с", "ло сл"]
                    .map(String::from)
                    .to_vec();
            let fast = CueMatcher::new(&patterns).unwrap();
            let full = CueMatcher::Anywhere(
                AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).unwrap(),
            );
            let t: String = pieces.concat();
            proptest::prop_assert_eq!(whole_words(&fast, &t), whole_words(&full, &t), "{}", t);
        }
    }

    #[test]
    fn idiom_kak_govoritsya_is_not_a_cue() {
        let text = "всё будет отдано, как говорится, одной организации";
        assert!(find_cues(text, &FoldedText::new(text), &rules()).is_empty());
    }
}
