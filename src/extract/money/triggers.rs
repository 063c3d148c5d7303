//! Where an amount can start: every ASCII digit, and every word that begins with a number
//! word (`пятьсот`, `Миллион`, `ДВА`) in lower, Capitalised or UPPER case.
//!
//! # Why not one automaton over the whole text
//!
//! A number word only starts an amount at the start of a word (`amount_at` skips a trigger
//! glued to a letter before it), so the scan below visits word starts only: it finds the
//! digits and the starts of Cyrillic runs 64 bytes at a time ([`lanes`]), rejects most word
//! starts with a 6-byte hash filter, and runs the anchored automaton on the few that pass.
//! This yields exactly the positions an unanchored leftmost-longest search would yield at
//! digits and word starts, because the word patterns are made of letters only (so a match
//! can neither cross a word start nor hide one). A pattern with any other character, or starting with a letter outside
//! U+0400..U+047F, falls back to the unanchored search over the whole text.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

use crate::extract::lanes;

use crate::text::chars::is_letter;

/// Bits of the word-start filter (a 4096-bit set).
const FILTER_BITS: u32 = 12;

/// The compiled trigger words.
pub enum Triggers {
    /// Every word pattern is letters only: digits by byte, words at word starts.
    WordStarts(Box<WordStarts>),
    /// Some pattern holds a non-letter: the digits and words anywhere, as written.
    Anywhere(AhoCorasick),
}

pub struct WordStarts {
    /// The number words, searched anchored at a word start.
    words: DFA,
    /// The hashed first [`HEAD`] bytes of every pattern; a word start whose first bytes are not
    /// here starts no pattern.
    filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// Some pattern is shorter than [`HEAD`] bytes: the filter cannot be used.
    short_patterns: bool,
}

impl Triggers {
    /// Compiles `words` (number words in every case variant; digits are implied).
    pub fn new(words: &[String]) -> Triggers {
        let cyrillic_letters =
            words.iter().all(|w| w.as_bytes().first().is_some_and(|b| b & 0xFE == 0xD0) && w.chars().all(is_letter));
        if cyrillic_letters {
            let built =
                DFA::builder().match_kind(MatchKind::LeftmostLongest).start_kind(StartKind::Anchored).build(words);
            if let Ok(dfa) = built {
                let mut filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
                let mut short_patterns = false;
                for w in words {
                    match w.as_bytes().first_chunk::<HEAD>() {
                        Some(head) => {
                            let h = filter_hash(*head);
                            filter[h >> 6] |= 1 << (h & 63);
                        }
                        None => short_patterns = true,
                    }
                }
                return Triggers::WordStarts(Box::new(WordStarts { words: dfa, filter, short_patterns }));
            }
        }
        let mut patterns: Vec<String> = (0..10).map(|d: u8| char::from(b'0' + d).to_string()).collect();
        patterns.extend(words.iter().cloned());
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("digits and words always build an automaton");
        Triggers::Anywhere(ac)
    }

    /// Calls `f(start, end)` for every trigger in text order; `f` returns the offset where
    /// scanning resumes (triggers starting before it are not reported).
    pub fn each(&self, text: &str, mut f: impl FnMut(usize, usize) -> usize) {
        match self {
            Triggers::WordStarts(w) => w.each(text, f),
            Triggers::Anywhere(ac) => {
                let mut next = 0;
                for m in ac.find_iter(text) {
                    if m.start() >= next {
                        next = f(m.start(), m.end());
                    }
                }
            }
        }
    }
}

/// Bytes of a word start the filter looks at: three Cyrillic letters (two let too many
/// common words through: `со…`, `по…`, `ты…`).
const HEAD: usize = 6;

fn filter_hash(head: [u8; HEAD]) -> usize {
    let mut word = [0u8; 8];
    word[..HEAD].copy_from_slice(&head);
    (u64::from_le_bytes(word).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

impl WordStarts {
    /// The end of the longest number word starting at `at` (a word start), if any.
    fn word_at(&self, text: &str, at: usize) -> Option<usize> {
        if !self.short_patterns {
            if let Some(head) = text.as_bytes()[at..].first_chunk::<HEAD>() {
                let h = filter_hash(*head);
                if self.filter[h >> 6] & (1 << (h & 63)) == 0 {
                    return None;
                }
            }
        }
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.words.try_find(&input).ok().flatten().map(|m| m.end())
    }

    /// Calls `f` at every digit and at every word start where a number word starts, in
    /// text order, from where `f` last told to resume.
    ///
    /// The number words start with a Cyrillic letter, so only starts of Cyrillic runs can
    /// start one; [`lanes`] finds them and the digits 64 bytes at a time. A run start begins
    /// a word when no letter comes right before it.
    fn each(&self, text: &str, mut f: impl FnMut(usize, usize) -> usize) {
        let bytes = text.as_bytes();
        // Triggers before this are not reported.
        let mut next = 0;
        for block in lanes::lead_blocks(bytes) {
            let base = block.base;
            let mut candidates = block.run_starts | lanes::bits64(bytes, base, lanes::Class::AsciiDigit);
            while candidates != 0 {
                let i = base + candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                if i < next {
                    continue;
                }
                if bytes[i].is_ascii_digit() {
                    next = self.settle(text, f(i, i + 1).max(i + 1), &mut f);
                } else if !letter_before(text, i) {
                    if let Some(end) = self.word_at(text, i) {
                        let resume = f(i, end);
                        if resume > i {
                            next = self.settle(text, resume, &mut f);
                        }
                    }
                }
            }
        }
    }

    /// Where the scan resumes when `f` said `at`: there, or, when `at` falls inside a
    /// character, at the next character, which the byte-by-byte definition takes as
    /// following no letter (so a Cyrillic letter there is tried as a word start).
    fn settle(&self, text: &str, mut at: usize, f: &mut impl FnMut(usize, usize) -> usize) -> usize {
        while at < text.len() && !text.is_char_boundary(at) {
            let i = (at..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            if text.as_bytes().get(i).is_none_or(|b| b & 0xFE != 0xD0) {
                return i;
            }
            match self.word_at(text, i).map(|end| f(i, end)) {
                Some(resume) if resume > i => at = resume,
                _ => return i + 1,
            }
        }
        at
    }
}

/// Punctuation common in news that `is_letter` would look up in the Unicode tables: NBSP,
/// guillemets and the rest of U+00A0..U+00BF except `ª µ º`, and General Punctuation (dashes,
/// curly quotes, `…`). None is a letter (a test checks).
pub(super) fn is_punctuation(c: char) -> bool {
    matches!(c, '\u{a0}'..='\u{a9}' | '\u{ab}'..='\u{b4}' | '\u{b6}'..='\u{b9}' | '\u{bb}'..='\u{bf}' | '\u{2000}'..='\u{206f}')
}

/// Whether a letter comes right before `i` (a character start).
fn letter_before(text: &str, i: usize) -> bool {
    match text.as_bytes()[..i].last() {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        Some(_) => text[..i].chars().next_back().is_some_and(|c| !is_punctuation(c) && is_letter(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_byte_cyrillic_lead_bytes_are_letters() {
        for c in '\u{400}'..='\u{47f}' {
            assert!(c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn punctuation_fast_path_holds_no_letter() {
        for c in ('\u{a0}'..='\u{bf}').chain('\u{2000}'..='\u{206f}') {
            assert!(!is_punctuation(c) || !c.is_alphabetic(), "{c:?}");
        }
    }

    /// The byte-by-byte scan the lane scan replaced: the definition it must agree with.
    fn reference_each(w: &WordStarts, text: &str, mut f: impl FnMut(usize, usize) -> usize) {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        // Whether the character before `i` is a letter.
        let mut after_letter = false;
        while i < n {
            let b = bytes[i];
            let (letter, len) = if b.is_ascii() {
                if b.is_ascii_digit() {
                    let next = f(i, i + 1);
                    if next > i + 1 {
                        (i, after_letter) = resume(text, next);
                    } else {
                        (i, after_letter) = (i + 1, false);
                    }
                    continue;
                }
                (b.is_ascii_alphabetic(), 1)
            } else if b & 0xFE == 0xD0 {
                // U+0400..U+047F: Cyrillic letters only (a test checks every one).
                (true, 2)
            } else {
                match text.get(i..).and_then(|rest| rest.chars().next()) {
                    Some(c) => (!is_punctuation(c) && is_letter(c), c.len_utf8()),
                    None => (false, 1), // not a character start (only after a resume)
                }
            };
            if letter && !after_letter {
                if let Some(end) = w.word_at(text, i) {
                    let next = f(i, end);
                    if next > i {
                        (i, after_letter) = resume(text, next);
                        continue;
                    }
                }
            }
            after_letter = letter;
            i += len;
            if letter {
                i = skip_cyrillic(bytes, i);
            }
        }
    }

    /// Past the Cyrillic letters (U+0400..U+047F) from `i`, a character start: no word starts
    /// inside a word. Four letters at a time while the four lead bytes are all D0 or D1.
    fn skip_cyrillic(bytes: &[u8], mut i: usize) -> usize {
        const LEADS: u64 = 0x00FE_00FE_00FE_00FE;
        const CYRILLIC: u64 = 0x00D0_00D0_00D0_00D0;
        while let Some(chunk) = bytes.get(i..).and_then(|b| b.first_chunk::<8>()) {
            if u64::from_le_bytes(*chunk) & LEADS != CYRILLIC {
                break;
            }
            i += 8;
        }
        while i + 1 < bytes.len() && bytes[i] & 0xFE == 0xD0 {
            i += 2;
        }
        i
    }

    /// Where the scan resumes at `next`, and whether a letter precedes it.
    fn resume(text: &str, next: usize) -> (usize, bool) {
        let after_letter = text.get(..next).and_then(|b| b.chars().next_back()).is_some_and(is_letter);
        (next, after_letter)
    }

    fn all(t: &Triggers, text: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        t.each(text, |s, e| {
            v.push((s, e));
            e
        });
        v
    }

    /// The word-start scan reports what the unanchored search reports at digits and word
    /// starts.
    #[test]
    fn word_starts_agree_with_the_unanchored_search() {
        let words: Vec<String> = ["пять", "пятьсот", "Пять", "ПЯТЬ", "сто", "два", "дв"].map(String::from).to_vec();
        let fast = Triggers::new(&words);
        assert!(matches!(fast, Triggers::WordStarts(_)));
        let slow = {
            let mut p: Vec<String> = (0..10).map(|d: u8| char::from(b'0' + d).to_string()).collect();
            p.extend(words.iter().cloned());
            Triggers::Anywhere(AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&p).unwrap())
        };
        let texts = [
            "пятьсот рублей, место 5, Пять ПЯТЬ пЯть; стоимость два-три x2 сто\u{ad}пять",
            "A5 B-сто 12.5 двадцать дв д",
            "😀пять é сто ёсто",
        ];
        for text in texts {
            let word_start = |s: usize| {
                text[..s].chars().next_back().is_none_or(|c| !c.is_alphabetic()) || text.as_bytes()[s].is_ascii_digit()
            };
            let want: Vec<_> = all(&slow, text).into_iter().filter(|&(s, _)| word_start(s)).collect();
            assert_eq!(all(&fast, text), want, "{text}");
        }
    }

    /// What the scans call at a trigger.
    type Callback<'a> = &'a mut dyn FnMut(usize, usize) -> usize;

    proptest::proptest! {
        /// The lane scan calls `f` where the byte-by-byte scan does, whatever `f` answers:
        /// the trigger end, the next byte (inside a letter), nothing new, or further on.
        #[test]
        fn lane_scan_agrees_with_the_byte_scan(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "пять", "сто", "Сто", "двадцать", "дв", "ДВА", "12", "3.5", " ", " ", "-", "x", "A5", "é", "…",
                    "«", "\u{a0}", "\u{ad}", "😀", "ё", "тысяч", "руб.",
                ]),
                0..80,
            ),
            answers in proptest::collection::vec(0u8..4, 1..8),
        ) {
            let words: Vec<String> = ["пять", "пятьсот", "Пять", "ПЯТЬ", "сто", "Сто", "два", "ДВА", "двадцать"]
                .map(String::from)
                .to_vec();
            let Triggers::WordStarts(w) = Triggers::new(&words) else { panic!("not a lane scan") };
            let text: String = pieces.concat();
            let calls = |each: &dyn Fn(Callback)| {
                let mut v = Vec::new();
                each(&mut |s, e| {
                    v.push((s, e));
                    match answers[v.len() % answers.len()] {
                        0 => e,
                        1 => s + 1,
                        2 => s,
                        _ => (e + 3).min(text.len()),
                    }
                });
                v
            };
            let want = calls(&|f| reference_each(&w, &text, f));
            let got = calls(&|f| w.each(&text, f));
            proptest::prop_assert_eq!(got, want, "{:?}", text);
        }
    }
}
