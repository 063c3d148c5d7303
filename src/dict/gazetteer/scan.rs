//! The gazetteer's pass over the folded text: the places where a match may start (word
//! starts, and the punctuation a pattern begins with), each looked up in the [`WordIndex`].
//!
//! The text is read once, 64 bytes at a time, as bit masks (bit `k` for byte `k`): which
//! bytes are word bytes, which are punctuation that starts a pattern. Word starts and word
//! ends are then bit operations on the word mask, so a word costs a few instructions and a
//! prefilter probe, whatever its length; a word that runs past the 64 bytes is closed by the
//! first word end of a later chunk, without reading its bytes again. Only a chunk holding a
//! character the masks cannot classify (neither ASCII nor a D0/D1 pair: `é`, `ә`, an emoji)
//! decodes those characters.

use super::word_index::WordIndex;
use super::{ends_word, is_word_char, Hit};
use crate::text::block16::{opaque, Block16};
#[cfg(target_arch = "x86_64")]
use crate::text::block16::{Avx2, Block32};

/// Which bytes outside words the masks report as possible pattern starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PunctProbe {
    /// No pattern starts outside a word.
    None,
    /// The only one is this ASCII byte (`"` in the shipped dictionaries).
    Byte(u8),
    /// Every ASCII byte outside words, checked against the index one by one.
    AnyAscii,
}

impl PunctProbe {
    /// The probe for the patterns' first bytes outside words.
    pub(super) fn of(punct_first: &[bool; 256]) -> PunctProbe {
        let mut ascii = (0..0x80u8).filter(|&b| punct_first[usize::from(b)]);
        match (ascii.next(), ascii.next()) {
            (None, _) => PunctProbe::None,
            (Some(b), None) => PunctProbe::Byte(b),
            _ => PunctProbe::AnyAscii,
        }
    }
}

/// The 64 bytes from a place in the text, one bit per byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Classes {
    /// ASCII letters and digits, and the lead bytes D0 and D1 (of the Cyrillic block
    /// U+0400..U+047F, all letters; their continuation bytes are added from `lead`).
    word: u64,
    lead: u64,
    /// Bytes from 0x80.
    non_ascii: u64,
    /// Bytes equal to the probe byte (see [`PunctProbe`]).
    punct: u64,
}

/// One way to compute [`Classes`]: 16 or 32 bytes at a time.
trait Classify {
    /// # Safety
    /// The processor must have the instructions the implementation uses.
    unsafe fn classes(chunk: &[u8; 64], punct: u8) -> Classes;
}

/// Sixteen bytes at a time with the shared classifier ([`Block16`]: SSE2 on x86-64, plain
/// code elsewhere).
struct Blocks16;

impl Classify for Blocks16 {
    #[inline(always)]
    unsafe fn classes(chunk: &[u8; 64], punct: u8) -> Classes {
        let mut c = Classes { word: 0, lead: 0, non_ascii: 0, punct: 0 };
        for k in 0..4 {
            let Some(block) = Block16::load(chunk, 16 * k) else { continue };
            let lead = block.in_range(0xd0, 0xd1);
            let shift = 16 * k;
            let bits = |mask: u32| u64::from(opaque(mask)) << shift;
            c.word |= bits((block.ascii_alphanumeric() | lead).bits());
            c.lead |= bits(lead.bits());
            c.non_ascii |= bits(block.non_ascii().bits());
            c.punct |= bits(block.eq(punct).bits());
        }
        c
    }
}

/// Thirty-two bytes at a time with the shared AVX2 classifier ([`Block32`]), where the
/// processor has it.
#[cfg(target_arch = "x86_64")]
struct Blocks32;

#[cfg(target_arch = "x86_64")]
impl Classify for Blocks32 {
    #[inline(always)]
    unsafe fn classes(chunk: &[u8; 64], punct: u8) -> Classes {
        avx2_classes(chunk, punct)
    }
}

/// [`Classes`] from two [`Block32`]s.
///
/// # Safety
/// The processor must have AVX2. `simd_classes_are_the_definition` checks every answer
/// against the byte-by-byte definition.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn avx2_classes(chunk: &[u8; 64], punct: u8) -> Classes {
    let mut c = Classes { word: 0, lead: 0, non_ascii: 0, punct: 0 };
    for k in 0..2 {
        let Some(block) = Block32::load(chunk, 32 * k) else { continue };
        let lead = block.in_range(0xd0, 0xd1);
        let shift = 32 * k;
        c.word |= u64::from((block.ascii_alphanumeric() | lead).bits()) << shift;
        c.lead |= u64::from(lead.bits()) << shift;
        c.non_ascii |= u64::from(block.non_ascii().bits()) << shift;
        c.punct |= u64::from(block.eq(punct).bits()) << shift;
    }
    c
}

/// What one chunk hands the next: the state of the bytes at its end.
#[derive(Default)]
struct Carry {
    /// Bit 0 set when the previous chunk ended with a word byte.
    word: u64,
    /// Bit 0 set when it ended with a D0/D1 lead byte (whose continuation opens this chunk).
    lead: u64,
    /// The bytes of this chunk that continue a character the masks could not classify,
    /// begun in the previous chunk; and those of them that are word bytes.
    continued: u64,
    continued_word: u64,
}

/// Whole-word leftmost-longest matches found with the word index: at each place where a
/// match may start (a word start, or a character outside words that begins a pattern), the
/// longest pattern there that ends on a word boundary; after a match, the search goes on
/// from its end. This is what `Gazetteer::hits` computes with an automaton.
///
/// The masks come from AVX2 where the processor has it (asked once per text: the standard
/// library caches the answer), from [`Block16`] elsewhere.
pub(super) fn word_hits(index: &WordIndex, hay: &str) -> Vec<Hit> {
    #[cfg(target_arch = "x86_64")]
    if Avx2::detect().is_some() {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { word_hits_avx2(index, hay) };
    }
    // SAFETY: `Block16` uses only what every processor of the target has (SSE2 on x86-64).
    unsafe { scan::<Blocks16>(index, hay) }
}

/// [`word_hits`] compiled for AVX2, so that [`Blocks32`]'s intrinsics inline into the loop.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn word_hits_avx2(index: &WordIndex, hay: &str) -> Vec<Hit> {
    scan::<Blocks32>(index, hay)
}

/// [`word_hits`] with the masks from `C`.
///
/// # Safety
/// The processor must have the instructions `C` uses.
#[inline(always)]
unsafe fn scan<C: Classify>(index: &WordIndex, hay: &str) -> Vec<Hit> {
    let bytes = hay.as_bytes();
    let probe = index.punct_probe();
    // Without a single byte to compare with, the probe byte is NUL: NULs outside words are
    // offered to the index, which turns them away.
    let probe_byte = match probe {
        PunctProbe::Byte(b) => b,
        _ => 0,
    };
    // News text has about one match in 300 bytes: room for them from the start, instead of
    // growing the vector match by match.
    let mut hits = Vec::with_capacity(bytes.len() / 256 + 4);
    // Candidates before `resume` lie inside a match already reported.
    let mut resume = 0;
    // A word that ran past the end of the previous chunk, not yet looked up.
    let mut open = None;
    let mut carry = Carry::default();
    let mut base = 0;
    while base < bytes.len() {
        let n = (bytes.len() - base).min(64);
        // The chunk's bytes and the 8 after it (zeros past the text's end): the first bytes
        // of a word that ends in the chunk, and the bytes after it, are one load each from
        // here, whatever the text's length (the bytes past the word are cleared by the lookup).
        let mut window = [0u8; 72];
        let classes = match bytes.get(base..base + 64) {
            Some(chunk) => {
                let chunk = chunk.try_into().unwrap_or(&[0; 64]);
                match bytes.get(base..base + 72) {
                    // Most chunks: one copy of a fixed size (a copy whose length depends on
                    // the text's end was a call to `memcpy` per chunk).
                    Some(whole) => window.copy_from_slice(whole),
                    None => copy_text_end(&mut window, &bytes[base..]),
                }
                C::classes(chunk, probe_byte)
            }
            None => {
                // The end of the text: the zeros after it are ASCII and outside words.
                copy_text_end(&mut window, &bytes[base..]);
                C::classes(window[..64].try_into().unwrap_or(&[0; 64]), probe_byte)
            }
        };
        let mut word = classes.word | classes.lead << 1 | carry.lead | carry.continued_word;
        let mut punct = match probe {
            PunctProbe::AnyAscii => !classes.word & !classes.non_ascii,
            _ => classes.punct,
        };
        let other = classes.non_ascii & !word & !carry.continued;
        carry.lead = classes.lead >> 63;
        (carry.continued, carry.continued_word) = (0, 0);
        if other != 0 {
            settle_other(index, hay, base, other, &mut word, &mut punct, &mut carry);
        }
        let before = word << 1 | carry.word;
        carry.word = word >> 63;
        let starts = word & !before;
        let ends = !word & before;
        if let Some(start) = open {
            if ends == 0 {
                base += 64;
                continue;
            }
            open = None;
            if let Some(end) = look_up(index, hay, start, base + ends.trailing_zeros() as usize, &mut hits) {
                resume = end;
            }
        }
        // Bytes past the end of the text (`n` is 1..=64) start nothing.
        let mut candidates = (starts | punct) & u64::MAX >> (64 - n);
        if resume > base {
            candidates &= from(resume - base);
        }
        while candidates != 0 {
            let k = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let start = base + k;
            let (key_end, read) = if starts >> k & 1 == 1 {
                let rest = ends >> k;
                if rest == 0 {
                    // The word runs on into the next chunk (nothing after it here starts
                    // a match).
                    open = Some(start);
                    break;
                }
                // `k` and the word's end are below 64: the loads need no bounds checks.
                let end = (k + rest.trailing_zeros() as usize) & 63;
                let found = index.longest_at_read(hay, start, base + end, window_u64(&window, k), ends_word, || {
                    window_u64(&window, end)
                });
                if let Some(end) = report(start, found, &mut hits) {
                    resume = end;
                    candidates &= from(resume - base);
                }
                continue;
            } else if index.punct_starts_with(bytes[start]) {
                // The character may run past the chunk: read from the text.
                let key_end = start + utf8_width(bytes[start]);
                (key_end, read_from(bytes, start))
            } else {
                continue;
            };
            let found = index.longest_at_read(hay, start, key_end, read, ends_word, || read_from(bytes, key_end));
            if let Some(end) = report(start, found, &mut hits) {
                resume = end;
                candidates &= from(resume - base);
            }
        }
        base += 64;
    }
    if let Some(start) = open {
        look_up(index, hay, start, bytes.len(), &mut hits);
    }
    hits
}

/// Copies `rest`, the text's last bytes (fewer than 72), to the start of `window`. Out of
/// line, so that the compiler does not merge it with the fixed-size copy of the other chunks
/// into one `memcpy` call of a variable length.
#[cold]
#[inline(never)]
fn copy_text_end(window: &mut [u8; 72], rest: &[u8]) {
    window[..rest.len()].copy_from_slice(rest);
}

/// The longest match with the key `hay[start..key_end]`, reported in `hits`: its end.
#[inline(always)]
fn look_up(index: &WordIndex, hay: &str, start: usize, key_end: usize, hits: &mut Vec<Hit>) -> Option<usize> {
    report(start, index.longest_at(hay, start, key_end, ends_word), hits)
}

/// Reports the match `found` (its end and pattern) from `start` in `hits`: its end.
#[inline(always)]
fn report(start: usize, found: Option<(usize, usize)>, hits: &mut Vec<Hit>) -> Option<usize> {
    let (end, pattern) = found?;
    hits.push(Hit { start, end, pattern });
    Some(end)
}

/// Eight bytes as a little-endian number.
#[inline(always)]
fn read_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

/// The 8 bytes of a chunk's window from `at` (below 64), little-endian.
#[inline(always)]
fn window_u64(window: &[u8; 72], at: usize) -> u64 {
    let at = at & 63;
    read_u64(&window[at..at + 8])
}

/// Up to 8 bytes from `at` as a little-endian number, zeros past the text's end: one load
/// where the text has 8 bytes from `at` (a copy of a length known only at run time was a
/// call to `memcpy`).
fn read_from(bytes: &[u8], at: usize) -> u64 {
    if let Some(whole) = bytes.get(at..at + 8) {
        return read_u64(whole);
    }
    let mut word = [0u8; 8];
    let n = (bytes.len() - at).min(8);
    word[..n].copy_from_slice(&bytes[at..at + n]);
    u64::from_le_bytes(word)
}

/// The bits of a chunk from byte `skip` on (none when `skip` is 64 or more).
#[inline(always)]
fn from(skip: usize) -> u64 {
    if skip >= 64 {
        0
    } else {
        u64::MAX << skip
    }
}

/// The length of the UTF-8 character that begins with byte `lead`.
#[inline]
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..0x80 => 1,
        0x80..0xe0 => 2,
        0xe0..0xf0 => 3,
        _ => 4,
    }
}

/// Decodes the characters of the chunk from `base` that the masks could not classify (their
/// bytes are `other`, each a character start or part of one): a word character's bytes
/// join `word`; a character outside words that begins a pattern joins `punct`. Bytes past the
/// chunk go to `carry`.
#[cold]
#[inline(never)]
fn settle_other(
    index: &WordIndex,
    hay: &str,
    base: usize,
    mut other: u64,
    word: &mut u64,
    punct: &mut u64,
    carry: &mut Carry,
) {
    while other != 0 {
        let k = other.trailing_zeros() as usize;
        let at = base + k;
        let c = hay[at..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        let bytes = ((1u128 << c.len_utf8()) - 1) << k;
        let (here, next) = (bytes as u64, (bytes >> 64) as u64);
        if is_word_char(c) {
            *word |= here;
            carry.continued_word |= next;
        } else if index.punct_starts_with(hay.as_bytes()[at]) {
            *punct |= 1 << k;
        }
        carry.continued |= next;
        other &= !here;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Classes`] byte by byte: the definition.
    fn reference_classes(chunk: &[u8; 64], punct: u8) -> Classes {
        let bits =
            |has: &dyn Fn(u8) -> bool| chunk.iter().enumerate().fold(0u64, |m, (k, &b)| m | u64::from(has(b)) << k);
        Classes {
            word: bits(&|b| b.is_ascii_alphanumeric() || b == 0xd0 || b == 0xd1),
            lead: bits(&|b| b == 0xd0 || b == 0xd1),
            non_ascii: bits(&|b| b >= 0x80),
            punct: bits(&|b| b == punct),
        }
    }

    /// The byte-by-byte classifier, for scanning with the definition's masks.
    struct Reference;

    impl Classify for Reference {
        unsafe fn classes(chunk: &[u8; 64], punct: u8) -> Classes {
            reference_classes(chunk, punct)
        }
    }

    /// The SIMD masks are the byte-by-byte definitions, at every place of the 64 bytes.
    #[test]
    fn simd_classes_are_the_definition() {
        let mut seed = 7u64;
        let alphabet = [
            b'a', b'z', b'A', b'Z', b'0', b'9', b'/', b':', b'@', b'[', b'`', b'{', b' ', b'"', 0x7f, 0x80, 0xbf, 0xcf,
            0xd0, 0xd1, 0xd2, 0xe2, 0xff, 0,
        ];
        for _ in 0..3000 {
            let mut chunk = [0u8; 64];
            for b in &mut chunk {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                *b = alphabet[(seed >> 40) as usize % alphabet.len()];
            }
            for punct in [b'"', 0, 0xd0] {
                let want = reference_classes(&chunk, punct);
                // SAFETY: `Block16` needs nothing beyond the target; AVX2 is checked.
                assert_eq!(unsafe { Blocks16::classes(&chunk, punct) }, want, "{chunk:?}");
                #[cfg(target_arch = "x86_64")]
                if Avx2::detect().is_some() {
                    assert_eq!(unsafe { Blocks32::classes(&chunk, punct) }, want, "{chunk:?}");
                }
            }
        }
    }

    /// Every implementation of the masks finds the same matches, in long texts where words,
    /// matches and characters the masks cannot classify cross the 64-byte chunks.
    #[test]
    fn every_mask_implementation_finds_the_same() {
        let patterns: Vec<String> = ["сбер", "сбер банк", "\"нит\"", "рк", "жә", "ә", "é x", "q", "ж ж ж", "🏗", "ж🏗"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let index = WordIndex::build(&patterns);
        let pieces = ["сбер", " ", "банк", "\"нит\"", "рк", "ә", "é", "🏗", "ж", "q", "\n", "x", "\""];
        let mut seed = 11u64;
        for _ in 0..3000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for _ in 0..(seed >> 56) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 40) as usize % pieces.len()]);
            }
            let key = |hits: Vec<Hit>| hits.into_iter().map(|h| (h.start, h.end, h.pattern)).collect::<Vec<_>>();
            // SAFETY: the reference and `Block16` need nothing beyond the target.
            let want = key(unsafe { scan::<Reference>(&index, &text) });
            assert_eq!(key(word_hits(&index, &text)), want, "{text:?}");
            assert_eq!(key(unsafe { scan::<Blocks16>(&index, &text) }), want, "{text:?}");
        }
    }

    #[test]
    fn utf8_widths() {
        for c in ['a', '\u{7f}', 'ж', 'é', '\u{7ff}', '—', '\u{ffff}', '🏗'] {
            let mut buf = [0; 4];
            assert_eq!(utf8_width(c.encode_utf8(&mut buf).as_bytes()[0]), c.len_utf8(), "{c:?}");
        }
    }
}
