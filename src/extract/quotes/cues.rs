//! Speech cues found in a document: the whole-word matches of a leftmost-longest search over
//! the folded text (case, `ё`, dashes and non-breaking spaces do not matter), mapped back to
//! exact spans of the original. The search visits word starts only ([`WordStartScan`]).

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use super::rules::{CueForm, QuoteRules};
use crate::extract::lanes;
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
/// with a Cyrillic letter (the shipped ones do), [`WordStartScan`] gives the same whole-word
/// matches looking at the starts of Cyrillic words only.
pub(crate) enum CueMatcher {
    WordStarts(Box<WordStartScan>),
    Anywhere(AhoCorasick),
}

impl CueMatcher {
    pub fn new(patterns: &[String]) -> Result<CueMatcher, aho_corasick::BuildError> {
        if let Some(scan) = WordStartScan::new(patterns) {
            return Ok(CueMatcher::WordStarts(Box::new(scan)));
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
/// Every form starts with a Cyrillic letter (lead byte D0 or D1), so a whole-word match
/// starts where a run of Cyrillic letters starts after a non-word character; [`lanes`]
/// finds those places 64 bytes at a time. A match starting inside a word (not at its
/// start) is never a cue, and it matters only if it reaches past the end of its word and so
/// hides the word starts it covers: it then holds a non-word character, and the part before
/// it is a "first word" of a form that is a suffix of the text word. Every first word ends
/// with a Cyrillic letter, so only words ending such a run are checked, and the rare ones
/// ending in a first word (`…по` before `по словам`) are searched position by position.
/// Elsewhere the anchored search runs at word starts that pass a hash filter on their
/// first bytes.
pub(crate) struct WordStartScan {
    dfa: DFA,
    /// Hashed first `key_len` bytes of every form.
    filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// 8 or 4 (every form is at least that long), or 0: no filter.
    key_len: usize,
    /// The leading word of every form that holds a non-word character (`по`, `как`), with
    /// its last four bytes as [`tail_u32`] reads them.
    first_words: Vec<(Box<[u8]>, u32)>,
    /// Hashed last two letters of those words (see [`WordStartScan::may_end_first_word`]).
    first_word_tails: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// Some first word is a single letter.
    one_letter_first_word: bool,
}

impl WordStartScan {
    /// `None` unless every form starts with a Cyrillic letter and every first word ends
    /// with one (or the automaton cannot be built).
    fn new(patterns: &[String]) -> Option<WordStartScan> {
        let cyrillic_at = |word: &str, i: usize| word.as_bytes().get(i).is_some_and(|&b| b & 0xFE == 0xD0);
        if !patterns.iter().all(|p| cyrillic_at(p, 0)) {
            return None;
        }
        let dfa = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns)
            .ok()?;
        let min_len = patterns.iter().map(String::len).min().unwrap_or(0);
        let key_len = match min_len {
            8.. => 8,
            4..=7 => 4,
            _ => 0,
        };
        let mut filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        let mut first_words: Vec<(Box<[u8]>, u32)> = Vec::new();
        let mut first_word_tails = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        let mut one_letter_first_word = false;
        for p in patterns {
            if key_len > 0 {
                let h = filter_hash(&p.as_bytes()[..key_len]);
                filter[h >> 6] |= 1 << (h & 63);
            }
            if let Some(i) = p.find(|c: char| !is_word_char(c)) {
                let word = &p[..i];
                if !word.chars().next_back().is_some_and(|c| c.len_utf8() == 2 && cyrillic_at(word, i - 2)) {
                    return None;
                }
                let h = tail_hash(word.as_bytes(), i);
                first_word_tails[h >> 6] |= 1 << (h & 63);
                one_letter_first_word |= i == 2;
                if !first_words.iter().any(|(w, _)| **w == *word.as_bytes()) {
                    first_words.push((word.as_bytes().into(), tail_u32(word.as_bytes(), i)));
                }
            }
        }
        Some(WordStartScan { dfa, filter, key_len, first_words, first_word_tails, one_letter_first_word })
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
            Some(key) => self.filter_has(filter_hash(key)),
            None => true,
        }
    }

    /// Whether a first word may end at `e` (after a Cyrillic letter): the last two letters
    /// (or, with one-letter first words, the last one) pass the filter.
    fn may_end_first_word(&self, bytes: &[u8], e: usize) -> bool {
        let test = |h: usize| self.first_word_tail_has(h);
        e < 4 || test(tail_hash(bytes, e)) || (self.one_letter_first_word && test(tail_hash(&bytes[e - 2..], 2)))
    }

    /// Where a form starting inside the word that ends at `e` and running past its end
    /// starts looking: the word's start, when the word ends with a first word of a form
    /// started after its own start. `e` has passed [`WordStartScan::may_end_first_word`].
    fn crossing_word(&self, text: &str, e: usize) -> Option<usize> {
        let bytes = text.as_bytes();
        if !ends_word(text, e) {
            return None;
        }
        let tail = tail_u32(bytes, e);
        // `w` is made of word characters, so it lies inside the word, and the word starts
        // before it exactly when a word character precedes it.
        let crosses = self.first_words.iter().any(|(w, w_tail)| {
            (w.len() < 4 || tail == *w_tail) && bytes[..e].ends_with(w) && word_char_before(text, e - w.len())
        });
        crosses.then(|| word_start(text, e))
    }

    /// The run starts of a block (bit `k` for byte `base + k`) whose first bytes pass the
    /// filter ([`WordStartScan::may_start`] of each).
    ///
    /// Run apart from the ordered search in [`WordStartScan::each_match`]: the filter reads
    /// the bytes only, never the search's state, so testing every start of the block first
    /// and visiting only the few that pass (about one in twenty) finds the same matches.
    /// Away from the text ends the key is read from a fixed window with no bounds to check.
    fn starts_passing(&self, bytes: &[u8], base: usize, starts: u64) -> u64 {
        let window = bytes.get(base..base + 64 + 8).and_then(|w| w.first_chunk::<72>());
        match (self.key_len, window) {
            (0, _) => starts,
            (8, Some(w)) => self.pick(starts, |k| {
                let key = w[k..k + 8].first_chunk::<8>().map_or(0, |k| u64::from_le_bytes(*k));
                self.filter_has(hash_key(key))
            }),
            (4, Some(w)) => self.pick(starts, |k| {
                let key = w[k..k + 4].first_chunk::<4>().map_or(0, |k| u32::from_le_bytes(*k));
                self.filter_has(hash_key(u64::from(key)))
            }),
            _ => self.pick(starts, |k| self.may_start(bytes, base + k)),
        }
    }

    /// The run ends of a block whose last letters may end a first word
    /// ([`WordStartScan::may_end_first_word`] of each; see [`WordStartScan::starts_passing`]).
    fn ends_passing(&self, bytes: &[u8], base: usize, ends: u64) -> u64 {
        // The four bytes before `e = base + k + 2` are `w[k + 6..k + 10]`.
        let window =
            base.checked_sub(8).and_then(|from| bytes.get(from..base + 64 + 2)).and_then(|w| w.first_chunk::<74>());
        match window {
            Some(w) if !self.one_letter_first_word => self.pick(ends, |k| {
                let tail = w[k + 6..k + 10].first_chunk::<4>().map_or(0, |t| u32::from_le_bytes(*t));
                self.first_word_tail_has(hash_key(u64::from(tail)))
            }),
            _ => self.pick(ends, |k| self.may_end_first_word(bytes, base + k + 2)),
        }
    }

    /// The bits `k` of `mask` for which `keep(k)` holds.
    #[inline]
    fn pick(&self, mut mask: u64, keep: impl Fn(usize) -> bool) -> u64 {
        let mut kept = 0;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            kept |= u64::from(keep(k)) << k;
            mask &= mask - 1;
        }
        kept
    }

    fn filter_has(&self, h: usize) -> bool {
        self.filter[h >> 6] & (1 << (h & 63)) != 0
    }

    fn first_word_tail_has(&self, h: usize) -> bool {
        self.first_word_tails[h >> 6] & (1 << (h & 63)) != 0
    }

    fn each_match(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        let bytes = text.as_bytes();
        // End of the last match the leftmost-longest search reports: no match starts before.
        let mut at = 0;
        for block in lanes::lead_blocks(bytes) {
            let base = block.base;
            let run_starts = self.starts_passing(bytes, base, block.run_starts);
            // Run ends matter only to multi-word cues.
            let run_ends = if self.first_words.is_empty() { 0 } else { self.ends_passing(bytes, base, block.run_ends) };
            let mut edges = run_starts | run_ends;
            while edges != 0 {
                let bit = edges & edges.wrapping_neg();
                let s = base + edges.trailing_zeros() as usize;
                if run_starts & bit != 0 && s >= at && !word_char_before(text, s) {
                    if let Some((end, pattern)) = self.anchored(text, s) {
                        f(s, end, pattern);
                        at = end;
                    }
                }
                let e = s + 2;
                if run_ends & bit != 0 && at < e {
                    if let Some(word) = self.crossing_word(text, e) {
                        // Replay the search inside the word: a match found here is never a
                        // cue, but it moves `at`.
                        let mut p = at.max(word + 1);
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
                }
                edges ^= bit;
            }
        }
    }
}

fn filter_hash(key: &[u8]) -> usize {
    let word = match key.first_chunk::<8>() {
        Some(k) => u64::from_le_bytes(*k),
        None => key.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)),
    };
    hash_key(word)
}

/// The filter slot of a key: its bytes as a little-endian number, hashed.
#[inline]
fn hash_key(word: u64) -> usize {
    (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

/// The filter slot of the last letter (two bytes) before `end`, or of the last two (four
/// bytes) where there are four bytes.
fn tail_hash(bytes: &[u8], end: usize) -> usize {
    let key = match bytes[..end].last_chunk::<4>() {
        Some(&k) => u64::from(u32::from_le_bytes(k)),
        None => 1 << 32 | bytes[..end].iter().fold(0u64, |w, &b| w << 8 | u64::from(b)),
    };
    hash_key(key)
}

/// The last (up to) four bytes before `end` as a number.
fn tail_u32(bytes: &[u8], end: usize) -> u32 {
    let n = end.min(4);
    bytes[end - n..end].iter().fold(0u32, |w, &b| w << 8 | u32::from(b))
}

/// The word character before `pos` (a character start), if there is one: its length.
fn word_char_len_before(text: &str, pos: usize) -> Option<usize> {
    match text.as_bytes()[..pos].last()? {
        &b if b.is_ascii() => is_ascii_word_byte(b).then_some(1),
        _ => text[..pos].chars().next_back().filter(|&c| is_word_char(c)).map(char::len_utf8),
    }
}

/// Whether a word character comes right before `pos` (a character start).
#[inline]
fn word_char_before(text: &str, pos: usize) -> bool {
    word_char_len_before(text, pos).is_some()
}

/// The start of the word that ends at `end`.
fn word_start(text: &str, end: usize) -> usize {
    let mut s = end;
    while let Some(len) = word_char_len_before(text, s) {
        s -= len;
    }
    s
}

/// Whether no word character starts at `pos` (a character start).
fn ends_word(text: &str, pos: usize) -> bool {
    match text.as_bytes().get(pos) {
        None => true,
        Some(&b) if b.is_ascii() => !is_ascii_word_byte(b),
        Some(_) => !text[pos..].chars().next().is_some_and(is_word_char),
    }
}

/// Whether an ASCII byte is a word character (letters, digits, `-`).
#[inline]
fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
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
                    "\u{301}", "\u{a0}", "Ӑ", "пособие ",
                ]),
                0..60,
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

    proptest::proptest! {
        /// The block filters (fixed windows away from the text ends) pass exactly the
        /// positions the one-position filters pass, in every block of a long text.
        #[test]
        fn block_filters_agree_with_the_position_filters(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["по", "как", "словам", "сказал", "заявил", " ", "-", "x9", "ёж", "😀", "\u{a0}"]),
                0..120,
            ),
            key_len in proptest::sample::select(vec![4usize, 8]),
        ) {
            let forms = if key_len == 8 { ["по словам", "сказал", "как отметил"] } else { ["по словам", "как", "сказал"] };
            let patterns: Vec<String> = forms.map(String::from).to_vec();
            let CueMatcher::WordStarts(scan) = CueMatcher::new(&patterns).unwrap() else { panic!("word starts") };
            proptest::prop_assert_eq!(scan.key_len, key_len);
            let t: String = pieces.concat();
            let bytes = t.as_bytes();
            for base in (0..bytes.len()).step_by(64) {
                let all = (0..64).filter(|k| base + k < bytes.len()).fold(0u64, |m, k| m | 1 << k);
                let want = scan.pick(all, |k| scan.may_start(bytes, base + k));
                proptest::prop_assert_eq!(scan.starts_passing(bytes, base, all), want, "starts {} of {}", base, t);
                let ends = (0..64).filter(|k| base + k + 2 <= bytes.len()).fold(0u64, |m, k| m | 1 << k);
                let want = scan.pick(ends, |k| scan.may_end_first_word(bytes, base + k + 2));
                proptest::prop_assert_eq!(scan.ends_passing(bytes, base, ends), want, "ends {} of {}", base, t);
            }
        }
    }

    /// Forms that do not start with a Cyrillic letter are searched from every byte.
    #[test]
    fn other_forms_fall_back_to_the_full_search() {
        for forms in [["said", "сказал"], ["сказал", "сказалx по"]] {
            let patterns: Vec<String> = forms.map(String::from).to_vec();
            assert!(matches!(CueMatcher::new(&patterns).unwrap(), CueMatcher::Anywhere(_)));
        }
    }

    #[test]
    fn idiom_kak_govoritsya_is_not_a_cue() {
        let text = "всё будет отдано, как говорится, одной организации";
        assert!(find_cues(text, &FoldedText::new(text), &rules()).is_empty());
    }
}
