//! Speech cues found in a document: the whole-word matches of a leftmost-longest search over
//! the folded text (case, `ё`, dashes and non-breaking spaces do not matter), mapped back to
//! exact spans of the original. The search visits word starts only ([`WordStartScan`]).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, MatchKind, StartKind};

use super::rules::{CueForm, QuoteRules};
use crate::extract::lanes::{self, LeadPairs};
#[cfg(target_arch = "x86_64")]
use crate::text::block16::Avx2;
use crate::text::block16::Sse2;
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
#[inline(never)] // a stage of its own in profiles
pub(crate) fn find_cues(text: &str, folded: &FoldedText, rules: &QuoteRules) -> Vec<CueHit> {
    let Some(matcher) = &rules.cue_automaton else {
        return Vec::new();
    };
    let f = folded.as_str();
    let mut hits = Vec::new();
    // The matches come in order of their starts: the checkpoint is walked to, not searched.
    let mut cursor = 0;
    matcher.each_match(f, |s, e, pattern| {
        let before = f[..s].chars().next_back();
        let after = f[e..].chars().next();
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            return;
        }
        let mut span = folded.to_original_in_order(&mut cursor, s, e, text);
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

/// Bits of the word-start filter: 4 KB, so that of the few hundred keys' bits a word start
/// that begins no form hits one by chance about once in a hundred (a 512-byte filter sent
/// one start in sixteen to the anchored search for nothing).
const FILTER_BITS: u32 = 15;

/// The leftmost-longest search, replayed at word starts only.
///
/// Every form starts with a Cyrillic letter (lead byte D0 or D1), so a whole-word match
/// starts where a run of Cyrillic letters starts after a non-word character; [`lanes`]
/// finds those places 64 bytes at a time, and the anchored search runs at the ones whose
/// first bytes pass a hash filter.
///
/// A match starting inside a word (not at its start) is never a cue, and it matters only if
/// it reaches past the end of its word and so hides the word starts it covers. Such a
/// crossing match is a form `first word, separator, rest` whose first word is a suffix of
/// the text word (`…по` before `по словам`); the separator is non-word characters and the
/// rest starts with a Cyrillic letter (else this scan is not used), so the crossing match
/// covers the run start where its rest begins, and the bytes there are the rest's. The
/// filter holds the first bytes of every rest too (of a rest shorter than the key, its
/// first letter): only at a run start that passes it is the word before the separator
/// looked at, and searched position by position when it ends in a first word. A match
/// inside a word that does not cross its end moves the search no further than that word,
/// before any later word start, so it changes nothing.
pub(crate) struct WordStartScan {
    dfa: DFA,
    /// The anchored start state of `dfa`.
    start: StateID,
    /// Hashed first `key_len` bytes of every form and of every rest after a first word
    /// that is at least that long.
    filter: Box<[u64; 1 << (FILTER_BITS - 6)]>,
    /// The first letters of the shorter rests, as [`letter_bit`] numbers them.
    short_rests: [u64; 2],
    /// The two bytes (little-endian) of the first letter of the shorter rests when there is
    /// just one (`в` of the shipped `говорится в`, `говорилось во`): one compare per start
    /// instead of a look-up in [`WordStartScan::short_rests`].
    short_letter: Option<u64>,
    /// Hashed first twelve bytes of every form (the first eight of a form shorter than
    /// twelve), or `None` when a form is shorter than eight: the first filter lets through
    /// the starts of rests and of words that begin like a form, and most of those begin no
    /// form here, so [`WordStartScan::anchored`] need not walk them.
    form_prefixes: Option<Box<[u64; 1 << (FILTER_BITS - 6)]>>,
    /// Some form is shorter than twelve bytes: its first eight are in the prefixes.
    short_forms: bool,
    /// 8 or 4 (every form is at least that long), or 0: no filter.
    key_len: usize,
    /// The leading word of every form that holds a non-word character (`по`, `как`), with
    /// its last four bytes as [`tail_u32`] reads them.
    first_words: Vec<(Box<[u8]>, u32)>,
    /// The longest separator after a first word, in bytes.
    max_separator: usize,
    /// Every first word with the separator after it (its last eight bytes): what the bytes
    /// right before the start of a rest end with (see [`Tail`]).
    tails: Vec<Tail>,
    /// The [`WordStartScan::tails`] of the forms whose rest is shorter than the filter's key:
    /// a run start visited for a short rest only is worth visiting only after one of them.
    short_tails: Vec<Tail>,
    /// The last two bytes of every tail, as [`pair_bit`] hashes them: a run start whose two
    /// bytes before have no bit here ends no tail (every tail is at least three bytes).
    tail_pairs: u64,
    /// The same of the [`WordStartScan::short_tails`]: most run starts of a short rest's
    /// letter (`в`) follow none of them, told by one bit instead of a walk over the tails.
    short_tail_pairs: u64,
}

/// The bit of the two bytes right before a position (the top two bytes of [`Tail::at`], or
/// of a [`Tail`]'s value) in [`WordStartScan::tail_pairs`].
#[inline]
fn pair_bit(before: u64) -> u64 {
    1 << ((before >> 48).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// Up to eight bytes that must come right before a position, as [`Tail::at`] reads them;
/// a longer run of bytes keeps only its last eight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tail {
    value: u64,
    mask: u64,
    len: usize,
}

impl Tail {
    fn new(bytes: &[u8]) -> Tail {
        let len = bytes.len().min(8);
        let shift = 8 * (8 - len) as u32;
        let value = key_number(&bytes[bytes.len() - len..]).checked_shl(shift).unwrap_or(0);
        Tail { value, mask: u64::MAX.checked_shl(shift).unwrap_or(0), len }
    }

    /// The eight bytes before `pos` as a little-endian number (the byte right before `pos`
    /// highest), zeros standing in before the text start.
    fn at(bytes: &[u8], pos: usize) -> u64 {
        match pos.checked_sub(8).and_then(|from| bytes.get(from..pos)).and_then(|b| b.first_chunk::<8>()) {
            Some(b) => u64::from_le_bytes(*b),
            // At the text start there is no byte before: a shift by 64 would overflow.
            None => key_number(&bytes[..pos]).checked_shl(8 * (8 - pos) as u32).unwrap_or(0),
        }
    }

    /// Whether the bytes before `pos` end with this tail; `before` is [`Tail::at`].
    fn ends(&self, before: u64, pos: usize) -> bool {
        pos >= self.len && before & self.mask == self.value
    }
}

impl WordStartScan {
    /// `None` unless every form starts with a Cyrillic letter, and in every form with a
    /// non-word character the first word ends with one and the rest after the separator
    /// starts with one (or the automaton cannot be built).
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
        let mut rests: Vec<&[u8]> = Vec::new();
        let mut first_words: Vec<(Box<[u8]>, u32)> = Vec::new();
        let mut max_separator = 0;
        let mut tails: Vec<Tail> = Vec::new();
        let mut rest_tails: Vec<(usize, Tail)> = Vec::new();
        for p in patterns {
            let Some(i) = p.find(|c: char| !is_word_char(c)) else {
                continue;
            };
            let word = &p[..i];
            let rest = i + p[i..].find(is_word_char)?;
            if !(cyrillic_at(word, i - 2) && cyrillic_at(p, rest)) {
                return None;
            }
            max_separator = max_separator.max(rest - i);
            rests.push(&p.as_bytes()[rest..]);
            let tail = Tail::new(&p.as_bytes()[..rest]);
            if !tails.contains(&tail) {
                tails.push(tail);
            }
            rest_tails.push((p.len() - rest, tail));
            if !first_words.iter().any(|(w, _)| **w == *word.as_bytes()) {
                first_words.push((word.as_bytes().into(), tail_u32(word.as_bytes(), i)));
            }
        }
        let key_len = match patterns.iter().map(String::len).min().unwrap_or(0) {
            8.. => 8,
            4..=7 => 4,
            _ => 0,
        };
        let mut filter = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
        let mut short_rests = [0; 2];
        if key_len > 0 {
            let forms = patterns.iter().map(|p| p.as_bytes());
            for key in forms.chain(rests.iter().copied().filter(|r| r.len() >= key_len)) {
                let h = filter_hash(&key[..key_len]);
                filter[h >> 6] |= 1 << (h & 63);
            }
            for r in rests.iter().filter(|r| r.len() < key_len) {
                let (word, bit) = letter_bit(key_number(&r[..2]));
                short_rests[word] |= bit;
            }
        }
        let mut letters = rests.iter().filter(|r| r.len() < key_len).map(|r| key_number(&r[..2]));
        let short_letter = letters.next().filter(|&first| letters.all(|l| l == first));
        let tail_pairs = tails.iter().fold(0, |bits, t| bits | pair_bit(t.value));
        let mut short_tails: Vec<Tail> = Vec::new();
        for &(rest_len, tail) in &rest_tails {
            if rest_len < key_len && !short_tails.contains(&tail) {
                short_tails.push(tail);
            }
        }
        let short_tail_pairs = short_tails.iter().fold(0, |bits, t| bits | pair_bit(t.value));
        let form_prefixes = patterns.iter().all(|p| p.len() >= 8).then(|| {
            let mut bits = Box::new([0u64; 1 << (FILTER_BITS - 6)]);
            for p in patterns.iter().map(|p| p.as_bytes()) {
                let h = match p.first_chunk::<12>() {
                    Some(key) => prefix_hash(key).1,
                    None => hash_key(key_number(&p[..8])),
                };
                bits[h >> 6] |= 1 << (h & 63);
            }
            bits
        });
        let start = dfa.start_state(Anchored::Yes).ok()?;
        Some(WordStartScan {
            dfa,
            start,
            filter,
            short_rests,
            short_letter,
            form_prefixes,
            short_forms: patterns.iter().any(|p| p.len() < 12),
            key_len,
            first_words,
            max_separator,
            tails,
            short_tails,
            tail_pairs,
            short_tail_pairs,
        })
    }

    /// The longest form starting at `at`, its end and pattern: the anchored search, walked
    /// state by state (what `try_find` does, without setting up a search for a few bytes).
    fn anchored(&self, bytes: &[u8], at: usize) -> Option<(usize, usize)> {
        let dfa = &self.dfa;
        let mut sid = self.start;
        let mut found = None;
        let mut end = at;
        for &b in &bytes[at..] {
            sid = dfa.next_state(Anchored::Yes, sid, b);
            end += 1;
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    break;
                }
                if dfa.is_match(sid) {
                    // A match state may also carry a match that started later; skip those.
                    let pattern = dfa.match_pattern(sid, 0);
                    if dfa.pattern_len(pattern) == end - at {
                        found = Some((end, pattern.as_usize()));
                    }
                }
            }
        }
        found
    }

    /// Whether a form may start at `at`, by [`WordStartScan::form_prefixes`]: when not,
    /// [`WordStartScan::anchored`] finds nothing there.
    #[inline]
    fn may_start_form(&self, bytes: &[u8], at: usize) -> bool {
        let (Some(prefixes), Some(key)) = (&self.form_prefixes, bytes.get(at..).and_then(|b| b.first_chunk::<12>()))
        else {
            return true;
        };
        let has = |h: usize| prefixes[h >> 6] >> (h & 63) & 1 != 0;
        let (head, h) = prefix_hash(key);
        has(h) || (self.short_forms && has(hash_key(head)))
    }

    /// The run starts of `short` (bit `k` for byte `base + k`, visits for a short rest
    /// only) right after a tail of a form with a short rest.
    ///
    /// Such a visit only looks for a match that starts inside the word before and runs
    /// past its end ([`WordStartScan::through_word_before`]), and that match is a form
    /// whose rest starts at the run start: a long rest would have made it a full visit, so
    /// the rest is short, and the bytes before are the form's first word and separator
    /// (a run of non-word characters between two letters is the separator whole). After
    /// any other bytes the visit changes nothing, and most blocks then need no visit.
    #[inline]
    fn short_after_tails(&self, bytes: &[u8], base: usize, mut short: u64) -> u64 {
        let mut kept = 0;
        while short != 0 {
            let k = short.trailing_zeros();
            let s = base + k as usize;
            let before = Tail::at(bytes, s);
            if self.short_tail_pairs & pair_bit(before) != 0 && self.short_tails.iter().any(|t| t.ends(before, s)) {
                kept |= 1 << k;
            }
            short &= short - 1;
        }
        kept
    }

    /// What the filter says of the run start `at`: [`FULL_VISIT`], [`SHORT_REST_VISIT`],
    /// both or none.
    fn visit_at(&self, bytes: &[u8], at: usize) -> u64 {
        if self.key_len == 0 {
            return FULL_VISIT;
        }
        match bytes.get(at..at + self.key_len) {
            Some(key) => self.visit(key_number(key)),
            None => FULL_VISIT,
        }
    }

    /// What the filter says of a run start whose `key_len` first bytes are `key`
    /// (little-endian).
    #[inline]
    fn visit(&self, key: u64) -> u64 {
        let (word, bit) = letter_bit(key);
        let full = if self.filter_has(hash_key(key)) { FULL_VISIT } else { 0 };
        let short = if self.short_rests[word] & bit != 0 { SHORT_REST_VISIT } else { 0 };
        full | short
    }

    /// Where a form starting inside the word that ends at `e` and running past its end
    /// starts looking: the word's start, when the word ends with a first word of a form
    /// started after its own start.
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

    /// `at` (the end of the last match) once the search has gone through the word before
    /// the run start `s`, when only a separator lies between them and that word ends in a
    /// first word: the matches starting inside it are never cues, but one may run past
    /// its end and hide `s`.
    fn through_word_before(&self, text: &str, s: usize, mut at: usize) -> usize {
        let before = Tail::at(text.as_bytes(), s);
        if self.tail_pairs & pair_bit(before) == 0 || !self.tails.iter().any(|t| t.ends(before, s)) {
            return at;
        }
        let Some(e) = separator_start(text, s, self.max_separator) else {
            return at;
        };
        if at >= e {
            return at;
        }
        if let Some(word) = self.crossing_word(text, e) {
            let bytes = text.as_bytes();
            let mut p = at.max(word + 1);
            while p < e {
                if text.is_char_boundary(p) {
                    if let Some((end, _)) = self.anchored(bytes, p) {
                        at = end;
                        p = end;
                        continue;
                    }
                }
                p += 1;
            }
        }
        at
    }

    /// The run starts of a block (bit `k` for byte `base + k`) to visit fully and those
    /// to visit for a short rest only ([`WordStartScan::visit_at`] of each).
    ///
    /// Run apart from the ordered search in [`WordStartScan::each_match`]: the filter reads
    /// the bytes only, never the search's state, so testing every start of the block first
    /// and visiting only the few that pass (about one in twenty) finds the same matches.
    /// Away from the text ends the key is read from a fixed window with no bounds to check.
    fn starts_to_visit(&self, bytes: &[u8], base: usize, starts: u64) -> (u64, u64) {
        let window = bytes.get(base..base + 64 + 8).and_then(|w| w.first_chunk::<72>());
        match (self.key_len, window) {
            (0, _) => (starts, 0),
            (8, Some(w)) => self.sort_window(w, starts, u64::MAX),
            (4, Some(w)) => self.sort_window(w, starts, u64::from(u32::MAX)),
            _ => self.sort(starts, |k| self.visit_at(bytes, base + k)),
        }
    }

    /// [`WordStartScan::sort`] of [`WordStartScan::visit`] for the keys read from a fixed
    /// window (`key_mask` keeps the `key_len` first bytes of the eight read at a start):
    /// the filter bit and the short-rest bit of each start moved straight into place, with
    /// no branch and no bounds to check (a start is below 64 and the window 72 bytes long).
    #[inline]
    fn sort_window(&self, w: &[u8; 72], mask: u64, key_mask: u64) -> (u64, u64) {
        match self.short_letter {
            Some(letter) => self.sort_window_by(w, mask, key_mask, |key| u64::from(key & 0xFFFF == letter)),
            None => self.sort_window_by(w, mask, key_mask, |key| {
                self.short_rests[(key & 1) as usize] >> ((key >> 8) & 0x3F) & 1
            }),
        }
    }

    /// [`WordStartScan::sort_window`] given the block's `pairs` (where the one first letter
    /// of the short rests starts, see [`LeadPairs`]): then a start's short-rest bit is that
    /// mask's, not a compare per start.
    #[inline(always)]
    fn sort_window_paired(&self, w: &[u8; 72], mask: u64, key_mask: u64, pairs: u64) -> (u64, u64) {
        match self.short_letter {
            Some(_) => {
                let (full, _) = self.sort_window_by(w, mask, key_mask, |_| 0);
                (full, mask & pairs & !full)
            }
            None => self.sort_window(w, mask, key_mask),
        }
    }

    /// [`WordStartScan::sort_window`] with `short_bit(key)` the short-rest bit (0 or 1) of a
    /// start's key.
    #[inline]
    fn sort_window_by(&self, w: &[u8; 72], mut mask: u64, key_mask: u64, short_bit: impl Fn(u64) -> u64) -> (u64, u64) {
        let (mut full, mut short) = (0, 0);
        while mask != 0 {
            let k = mask.trailing_zeros() as usize & 63;
            let key = w[k..k + 8].try_into().map_or(0, u64::from_le_bytes) & key_mask;
            let h = hash_key(key);
            full |= (self.filter[h >> 6] >> (h & 63) & 1) << k;
            short |= short_bit(key) << k;
            mask &= mask - 1;
        }
        (full, short & !full)
    }

    /// The bits `k` of `mask` whose `visit(k)` is a full visit, and those whose is a short
    /// rest's only.
    #[inline]
    fn sort(&self, mut mask: u64, visit: impl Fn(usize) -> u64) -> (u64, u64) {
        let (mut full, mut short) = (0, 0);
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            let v = visit(k);
            full |= (v & FULL_VISIT) << k;
            short |= u64::from(v & SHORT_REST_VISIT != 0) << k;
            mask &= mask - 1;
        }
        (full, short & !full)
    }

    fn filter_has(&self, h: usize) -> bool {
        self.filter[h >> 6] & (1 << (h & 63)) != 0
    }

    fn each_match(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            // SAFETY: `avx2` proves the processor has the features `each_match_avx2` is compiled for.
            return unsafe { self.each_match_avx2(avx2, text, &mut f) };
        }
        self.each_match_with(text, &mut f, Sse2);
    }

    /// [`WordStartScan::each_match`] compiled for AVX2 and the bit instructions that come
    /// with it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn each_match_avx2(&self, avx2: Avx2, text: &str, f: &mut impl FnMut(usize, usize, usize)) {
        self.each_match_with(text, f, avx2);
    }

    /// [`WordStartScan::each_match`] with the block classifier `lanes`.
    #[inline(always)]
    fn each_match_with(&self, text: &str, f: &mut impl FnMut(usize, usize, usize), lanes: impl LeadPairs) {
        match self.key_len {
            8 => self.each_match_keyed::<8>(text, f, lanes),
            4 => self.each_match_keyed::<4>(text, f, lanes),
            _ => self.each_match_keyed::<0>(text, f, lanes),
        }
    }

    /// [`WordStartScan::each_match`] with a key of `KEY` bytes (`self.key_len`).
    ///
    /// The blocks the search goes through are [`lanes::lead_blocks`]; those with eight
    /// bytes after them (all but the last one or two) are read from a fixed 72-byte window:
    /// the run starts, then the filter keys, with no bounds to check and the key length
    /// known when compiling.
    #[inline(always)]
    fn each_match_keyed<const KEY: usize>(
        &self,
        text: &str,
        f: &mut impl FnMut(usize, usize, usize),
        lanes: impl LeadPairs,
    ) {
        let bytes = text.as_bytes();
        // End of the last match the leftmost-longest search reports: no match starts before.
        let mut at = 0;
        let mut before = 0;
        let mut base = 0;
        // The first letter of the short rests, as bytes (the pairs go unused when there is none).
        let pair = self.short_letter.map_or([0xD0, 0], |l| [l as u8, (l >> 8) as u8]);
        while let Some(w) = bytes.get(base..base + 72).and_then(|w| w.first_chunk::<72>()) {
            let (lead, pairs) = lanes.lead_and_pair(w, pair);
            let starts = run_starts(lead, before);
            before = lead;
            // Most blocks have a start or two that pass no filter: nothing to visit.
            let (full, short) = match KEY {
                0 => (starts, 0),
                _ => self.sort_window_paired(w, starts, u64::MAX >> (64 - 8 * KEY.clamp(1, 8)), pairs),
            };
            let short = self.short_after_tails(bytes, base, short);
            if full | short != 0 {
                at = self.visit_block(text, base, full, short, at, f);
            }
            base += 64;
        }
        // The last blocks, with fewer than eight bytes after them.
        while base < bytes.len() {
            let lead = lanes::bits64(bytes, base, lanes::Class::CyrillicLead);
            let starts = run_starts(lead, before);
            before = lead;
            let (full, short) = self.starts_to_visit(bytes, base, starts);
            let short = self.short_after_tails(bytes, base, short);
            at = self.visit_block(text, base, full, short, at, f);
            base += 64;
        }
    }

    /// Visits the run starts of the block at `base` in order (bit `k` for byte `base + k`):
    /// the word before each, then, for a full visit, the anchored search. `at` is the end
    /// of the last match; returns it after the block.
    #[inline]
    fn visit_block(
        &self,
        text: &str,
        base: usize,
        full: u64,
        short: u64,
        mut at: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) -> usize {
        let bytes = text.as_bytes();
        let crossings = !self.first_words.is_empty();
        let mut visits = full | short;
        while visits != 0 {
            let bit = visits & visits.wrapping_neg();
            visits ^= bit;
            let s = base + bit.trailing_zeros() as usize;
            if crossings && at < s {
                at = self.through_word_before(text, s, at);
            }
            if full & bit != 0 && s >= at && !word_char_before(text, s) && self.may_start_form(bytes, s) {
                if let Some((end, pattern)) = self.anchored(bytes, s) {
                    f(s, end, pattern);
                    at = end;
                }
            }
        }
        at
    }
}

/// The run starts of a block whose lead bytes are `here` (bit `k` for byte `k`), those of
/// the block before being `before`: lead bytes with no lead byte two bytes before, as
/// [`lanes::lead_blocks`] finds them.
#[inline]
fn run_starts(here: u64, before: u64) -> u64 {
    here & !(here << 2 | before >> 62)
}

/// A run start gets a full visit when a form or a long rest may start there.
const FULL_VISIT: u64 = 1;
/// A run start where only a rest shorter than the filter's key may start gets a visit
/// that looks at the word before it only.
const SHORT_REST_VISIT: u64 = 2;

/// The bit of the Cyrillic letter (lead byte D0 or D1) in the low two bytes of `key`, read
/// little-endian: one of 128 for the 128 letters, as a word index and a bit in it.
#[inline]
fn letter_bit(key: u64) -> (usize, u64) {
    ((key & 1) as usize, 1 << ((key >> 8) & 0x3F))
}

fn filter_hash(key: &[u8]) -> usize {
    hash_key(key_number(key))
}

/// Up to eight bytes as a little-endian number.
fn key_number(key: &[u8]) -> u64 {
    key.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b))
}

/// The filter slot of a key: its bytes as a little-endian number, hashed.
#[inline]
fn hash_key(word: u64) -> usize {
    (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

/// The first eight of twelve bytes as a little-endian number, and the
/// [`WordStartScan::form_prefixes`] slot of all twelve.
#[inline]
fn prefix_hash(key: &[u8; 12]) -> (u64, usize) {
    let head = key.first_chunk::<8>().map_or(0, |h| u64::from_le_bytes(*h));
    let tail = key.last_chunk::<4>().map_or(0, |t| u32::from_le_bytes(*t));
    (head, hash_key(head ^ u64::from(tail).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)))
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

/// Whether a word character comes right before `pos` (a character start): an ASCII byte
/// (the usual space) is told in line, anything else by [`word_char_len_before`].
#[inline]
fn word_char_before(text: &str, pos: usize) -> bool {
    match pos.checked_sub(1).map(|p| text.as_bytes()[p]) {
        None => false,
        Some(b) if b.is_ascii() => is_ascii_word_byte(b),
        Some(_) => word_char_len_before(text, pos).is_some(),
    }
}

/// The start of the word that ends at `end`.
fn word_start(text: &str, end: usize) -> usize {
    let mut s = end;
    while let Some(len) = word_char_len_before(text, s) {
        s -= len;
    }
    s
}

/// The end of the word before `s` (a character start) when only non-word characters, at
/// most `max` bytes of them and at least one, lie between.
fn separator_start(text: &str, s: usize, max: usize) -> Option<usize> {
    let mut e = s;
    loop {
        let c = text[..e].chars().next_back()?;
        if is_word_char(c) {
            return (e < s).then_some(e);
        }
        e -= c.len_utf8();
        if s - e > max {
            return None;
        }
    }
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

    /// The bytes before a position, zeros before the text start: at the start itself
    /// (found by fuzzing: a shift by 64 there overflowed), near it and further on.
    #[test]
    fn tail_reads_the_bytes_before_a_position() {
        let text = b"abcdefghij";
        assert_eq!(Tail::at(text, 0), 0);
        assert_eq!(Tail::at(b"", 0), 0);
        assert_eq!(Tail::at(text, 2), u64::from(b'a') << 48 | u64::from(b'b') << 56);
        assert_eq!(Tail::at(text, 10), u64::from_le_bytes(*b"cdefghij"));
        assert!(Tail::new(b"ab").ends(Tail::at(text, 2), 2));
        assert!(!Tail::new(b"ab").ends(Tail::at(text, 0), 0));
    }

    /// A cue form whose short rest starts the text (run start 0) is found, not a panic.
    #[test]
    fn a_text_starting_with_a_short_rest() {
        let r = rules();
        for (text, want) in [("в ответе, говорится в ответе", &["говорится"][..]), ("во", &[]), ("в", &[])]
        {
            let hits = find_cues(text, &FoldedText::new(text), &r);
            let found: Vec<&str> = hits.iter().map(|h| h.span.slice(text)).collect();
            assert_eq!(found, want, "{text}");
        }
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

    /// Whole-word matches of a matcher, as `find_cues` keeps them; the word-start scan's are
    /// the same with the SSE2 classifier as with the one `each_match` picks.
    fn whole_words(m: &CueMatcher, f: &str) -> Vec<(usize, usize, usize)> {
        let collect = |v: &mut Vec<(usize, usize, usize)>, s: usize, e: usize, p: usize| {
            let before = f[..s].chars().next_back();
            let after = f[e..].chars().next();
            if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
                v.push((s, e, p));
            }
        };
        let mut v = Vec::new();
        m.each_match(f, |s, e, p| collect(&mut v, s, e, p));
        if let CueMatcher::WordStarts(scan) = m {
            let mut sse2 = Vec::new();
            scan.each_match_with(f, &mut |s, e, p| collect(&mut sse2, s, e, p), Sse2);
            assert_eq!(sse2, v, "SSE2 and picked classifier on {f}");
        }
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

    /// Pattern sets for the agreement tests: no filter (forms shorter than four bytes), an
    /// eight-byte and a four-byte filter, with first words of one to nine letters,
    /// separators of one to three characters, and rests shorter than the filter's key.
    const PATTERN_SETS: [&[&str]; 3] = [
        &["по словам", "словам", "сказал", "сказала", "как отметил", "отметил", "кп", "о с", "ло сл", "а"],
        &[
            "по словам",
            "по его словам",
            "словам",
            "сказал",
            "как, отметил",
            "отметил",
            "ло — словам",
            "говорится в",
            "говорилось во",
        ],
        &["по словам", "как", "сказал", "о сл", "его", "ло в"],
    ];

    proptest::proptest! {
        /// The same on any text made of pieces of the forms and of other characters.
        #[test]
        fn word_start_scan_agrees_on_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "по", "словам", "сказал", "а", "о", "с", "ло", "кп", " ", " ", "-", "x9", "…", "қ", "😀", "\"", "ёж",
                    "\u{301}", "\u{a0}", "Ӑ", "пособие ", "его", "как", "отметил", "—", ",", "сл", "в", "ится", "говор", "лось", "во",
                ]),
                0..60,
            ),
            set in 0..PATTERN_SETS.len(),
        ) {
            let patterns: Vec<String> = PATTERN_SETS[set].iter().map(|p| p.to_string()).collect();
            let fast = CueMatcher::new(&patterns).unwrap();
            proptest::prop_assert!(matches!(fast, CueMatcher::WordStarts(_)));
            let full = CueMatcher::Anywhere(
                AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns).unwrap(),
            );
            let t: String = pieces.concat();
            proptest::prop_assert_eq!(whole_words(&fast, &t), whole_words(&full, &t), "{}", t);
        }
    }

    /// The pattern sets above give the filters they are meant to test.
    #[test]
    fn pattern_sets_cover_every_filter() {
        let key_lens: Vec<usize> = PATTERN_SETS
            .iter()
            .map(|set| {
                let patterns: Vec<String> = set.iter().map(|p| p.to_string()).collect();
                match CueMatcher::new(&patterns).unwrap() {
                    CueMatcher::WordStarts(scan) => scan.key_len,
                    CueMatcher::Anywhere(_) => usize::MAX,
                }
            })
            .collect();
        assert_eq!(key_lens, [0, 8, 4]);
    }

    proptest::proptest! {
        /// The block filter (fixed windows away from the text ends) passes exactly the
        /// positions the one-position filter passes, in every block of a long text.
        #[test]
        fn block_filters_agree_with_the_position_filters(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["по", "как", "словам", "сказал", "заявил", " ", "-", "x9", "ёж", "😀", "\u{a0}", "в", "вот", "о"]),
                0..120,
            ),
            key_len in proptest::sample::select(vec![4usize, 8]),
            two_letters in proptest::bool::ANY,
        ) {
            let forms = if key_len == 8 {
                ["по словам", "сказал", "как отметил", "говорится в"]
            } else {
                ["по словам", "как", "сказал", "ло в"]
            };
            let mut patterns: Vec<String> = forms.map(String::from).to_vec();
            // A second short rest's first letter: the look-up, not the one compare.
            if two_letters {
                patterns.push("как о".into());
            }
            let CueMatcher::WordStarts(scan) = CueMatcher::new(&patterns).unwrap() else { panic!("word starts") };
            proptest::prop_assert_eq!(scan.key_len, key_len);
            proptest::prop_assert_eq!(scan.short_letter.is_some(), !two_letters);
            let t: String = pieces.concat();
            let bytes = t.as_bytes();
            for base in (0..bytes.len()).step_by(64) {
                let all = (0..64).filter(|k| base + k < bytes.len()).fold(0u64, |m, k| m | 1 << k);
                let want = scan.sort(all, |k| scan.visit_at(bytes, base + k));
                proptest::prop_assert_eq!(scan.starts_to_visit(bytes, base, all), want, "starts {} of {}", base, t);
            }
        }
    }

    proptest::proptest! {
        /// The short-rest visits kept after the tail pairs' bit are those after a short
        /// tail, as the walk over every short tail finds them, at every position.
        #[test]
        fn short_tail_pairs_keep_every_start_after_a_short_tail(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["говорится", "говорилось", "ится", "лось", "тся", "ь", "я", " ", ", ", "в", "во", "x", "ё"]),
                0..80,
            ),
        ) {
            let patterns: Vec<String> = PATTERN_SETS[1].iter().map(|p| p.to_string()).collect();
            let CueMatcher::WordStarts(scan) = CueMatcher::new(&patterns).unwrap() else { panic!("word starts") };
            proptest::prop_assert!(!scan.short_tails.is_empty());
            let t: String = pieces.concat();
            let bytes = t.as_bytes();
            for base in (0..bytes.len()).step_by(64) {
                let all = (0..64).filter(|k| base + k < bytes.len()).fold(0u64, |m, k| m | 1 << k);
                let walk = (0..64).filter(|k| all >> k & 1 != 0).fold(0u64, |m, k| {
                    let s = base + k;
                    m | u64::from(scan.short_tails.iter().any(|tail| tail.ends(Tail::at(bytes, s), s))) << k
                });
                proptest::prop_assert_eq!(scan.short_after_tails(bytes, base, all), walk, "at {} of {}", base, t);
            }
        }
    }

    /// Pieces of the texts for the prefix filter's test: words that begin like forms and
    /// the forms themselves.
    const PREFIX_PIECES: &[&str] = &[
        "по",
        "словам",
        "сказал",
        "сказа",
        "слов",
        "а",
        " ",
        "-",
        "ёж",
        "😀",
        "\u{a0}",
        "говорится",
        "в",
        "отметил",
        "как",
        ",",
    ];

    proptest::proptest! {
        /// The prefix filter lets the anchored walk through wherever it finds a form: the
        /// filter and the walk find what the walk alone finds, with forms of twelve bytes and
        /// more, of eight to eleven, and shorter ones (no filter).
        #[test]
        fn prefix_filter_keeps_every_anchored_match(
            pieces in proptest::collection::vec(proptest::sample::select(PREFIX_PIECES), 0..40),
            set in 0..4usize,
        ) {
            let forms: &[&str] = match set {
                3 => &["сказа", "по словам", "слов", "отметил", "говорится в", "как, отметил"],
                _ => PATTERN_SETS[set],
            };
            let patterns: Vec<String> = forms.iter().map(|p| p.to_string()).collect();
            let CueMatcher::WordStarts(scan) = CueMatcher::new(&patterns).unwrap() else { panic!("word starts") };
            proptest::prop_assert_eq!(scan.form_prefixes.is_some(), set == 1 || set == 3);
            let t: String = pieces.concat();
            let bytes = t.as_bytes();
            for at in (0..bytes.len()).filter(|&p| t.is_char_boundary(p)) {
                let walk = scan.anchored(bytes, at);
                let filtered = if scan.may_start_form(bytes, at) { scan.anchored(bytes, at) } else { None };
                proptest::prop_assert_eq!(filtered, walk, "at {} of {}", at, t);
            }
        }
    }

    /// Forms that do not start with a Cyrillic letter, or whose first word or rest does not
    /// (see [`WordStartScan`]), are searched from every byte.
    #[test]
    fn other_forms_fall_back_to_the_full_search() {
        for forms in [["said", "сказал"], ["сказал", "сказалx по"], ["сказал", "по 5"], ["сказал", "по "]]
        {
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
