//! The folded view: the text as the dictionaries see it.
//!
//! Folding lower-cases Cyrillic and Latin, maps `ё` to `е`, unifies the quotation-mark
//! family to `"`, apostrophes to `'`, the dash family to `-`, collapses each whitespace run
//! to one space (or one `\n` when the run holds a line break), reads the HTML leftover
//! `&quot;` as `"`, and drops invisible characters (soft hyphen, zero-width spaces and
//! joiners, direction marks, combining accents such as the stress mark U+0301).
//! Every folded byte remembers the original byte offset of the character that produced it,
//! so a match in the folded text maps back to an exact span of the original.

#[cfg(target_arch = "x86_64")]
use super::block16::{Avx2, Block32};
use super::block16::{Block16, Sse2};
use super::Span;

/// A folded copy of a text with its map back to the original.
///
/// The map is a list of checkpoints `(folded offset, original offset)`: between two
/// checkpoints both texts advance byte for byte. Most characters fold to the same number
/// of bytes (ASCII and Russian letters), so checkpoints are needed only where lengths differ
/// («, —, NBSP, collapsed spaces, dropped characters): folding is a byte loop, not a
/// per-character table.
pub struct FoldedText {
    folded: String,
    checkpoints: Vec<(u32, u32)>,
    original_len: usize,
}

/// What one original character becomes in the folded view.
#[derive(Debug, PartialEq, Eq)]
pub enum Folded {
    /// Dropped: invisible or combining.
    Nothing,
    One(char),
    /// Whitespace, collapsed with its neighbours.
    Space {
        newline: bool,
    },
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
        ' ' | '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{b}' | '\u{c}' => {
            Folded::Space { newline: false }
        }
        '«' | '»' | '„' | '“' | '”' | '‟' | '″' | '‹' | '›' | '〝' | '〞' | '＂' => Folded::One('"'),
        '’' | '‘' | '‚' | '‛' | '`' | '´' | 'ʼ' => Folded::One('\''),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' | '－' => Folded::One('-'),
        '\u{ad}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{fe00}'..='\u{fe0f}' => Folded::Nothing,
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
///
/// A string without `&` and without whitespace other than single inner spaces folds
/// character by character into one allocation (the entity rules fold names and ids per
/// mention); others go through [`FoldedText`].
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Whether the last character was a space: single inner spaces stay as they are.
    let mut space = false;
    for c in s.chars() {
        match c {
            'a'..='z' | '0'..='9' | 'а'..='е' | 'ж'..='я' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'ё' | 'Ё' => out.push('е'),
            ' ' if !space && !out.is_empty() => {
                out.push(' ');
                space = true;
                continue;
            }
            '&' => return fold_str_slow(s),
            c => match fold_char(c) {
                Folded::One(f) => out.push(f),
                Folded::Nothing => {}
                Folded::Space { .. } => return fold_str_slow(s),
            },
        }
        space = false;
    }
    if out.ends_with(' ') {
        return fold_str_slow(s);
    }
    out
}

fn fold_str_slow(s: &str) -> String {
    FoldedText::new(s).as_str().trim().to_string()
}

/// What each ASCII byte folds to when it stands for itself alone; [`SPECIAL`] for the
/// bytes that need a closer look (whitespace runs, `&quot;`).
const ASCII_FOLD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'&' => SPECIAL,
            b'A'..=b'Z' => b as u8 + 32,
            b'`' => b'\'',
            other => other,
        };
        b += 1;
    }
    table
};
const SPECIAL: u8 = 0xff;

/// Folds the run of plain characters from `i` — ASCII other than whitespace and `&`,
/// Russian letters (two bytes in, two bytes out), and lone spaces and line breaks between
/// them — and returns where the run ends. Folded and original offsets advance together
/// inside the run, so it needs no checkpoints.
#[inline]
fn fold_plain_run(bytes: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    // The run's first character may follow whitespace: a space there is left to the
    // whitespace branch of the caller, which collapses runs.
    let mut after_plain = false;
    loop {
        // Lower-case letters, digits, punctuation and lone spaces stay as they are: copied in one go.
        let same = unchanged_run_end(bytes, i, after_plain);
        out.extend_from_slice(&bytes[i..same]);
        i = same;
        // Then a character that changes (a capital, `ё`, a backquote), or the run's end.
        let Some(&b) = bytes.get(i) else { return i };
        if b < 0x80 {
            let folded = ASCII_FOLD[b as usize];
            if folded == SPECIAL {
                return i;
            }
            out.push(folded);
            i += 1;
            after_plain = true;
            continue;
        }
        let Some(&c) = bytes.get(i + 1) else { return i };
        let pair = match (b, c) {
            (0xd0, 0x90..=0x9f) => [0xd0, c + 0x20],     // А-П → а-п
            (0xd0, 0xa0..=0xaf) => [0xd1, c - 0x20],     // Р-Я → р-я
            (0xd0, 0x81) | (0xd1, 0x91) => [0xd0, 0xb5], // Ё, ё → е
            _ => return i,
        };
        out.extend_from_slice(&pair);
        i += 2;
        after_plain = true;
    }
}

/// The end of the run from `i` of characters that fold to themselves: ASCII other than
/// capitals, whitespace, `&` and the backquote, lower-case Russian letters but `ё`, and a
/// lone space or line break (one that folds to itself: `after_plain` says whether the
/// character before `i` was a plain one, and the byte after it must not start whitespace).
#[inline]
fn unchanged_run_end(bytes: &[u8], start: usize, after_plain: bool) -> usize {
    let mut i = start;
    // Most of the text: sixteen bytes at a time. A block's last byte may be held back (see
    // `unchanged_prefix`): the next block starts there.
    while let Some(block) = Block16::load(bytes, i) {
        let run = unchanged_prefix(block, after_plain || i > start);
        i += run as usize;
        if run < 15 {
            return i;
        }
    }
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if ASCII_FOLD[b as usize] == b {
                i += 1;
                continue;
            }
            // A lone space or line break folds to itself; a whitespace run is collapsed by
            // the caller.
            if (b == b' ' || b == b'\n') && (after_plain || i > start) && !starts_whitespace(bytes.get(i + 1)) {
                i += 1;
                continue;
            }
            break;
        }
        // In UTF-8, the byte pairs d0 b0..d0 bf and d1 80..d1 8f (а..я but ё) are exactly
        // the pairs from d0b0 to d18f: no valid pair falls between them.
        let Some(&c) = bytes.get(i + 1) else { break };
        if !(0xd0b0..=0xd18f).contains(&u16::from_be_bytes([b, c])) {
            break;
        }
        i += 2;
    }
    i
}

/// How many bytes from the start of `block` (a char boundary) [`unchanged_run_end`] takes
/// byte by byte, or fewer when the block's last byte is a space or a lead byte: what follows
/// those lies past the block, so they are left out (to be looked at as the first byte of the
/// next block). `after_plain` tells whether a space may be the first byte.
#[inline(always)]
fn unchanged_prefix(block: Block16, after_plain: bool) -> u32 {
    let ascii_whitespace = block.in_range(b'\t', b'\r') | block.eq(b' ');
    let lone_candidates = block.eq(b' ') | block.eq(b'\n');
    // The bytes `ASCII_FOLD` changes or marks special, but for spaces and line breaks.
    let changed =
        block.in_range(b'A', b'Z') | block.eq(b'`') | block.eq(b'&') | ascii_whitespace.and_not(lone_candidates);
    // A space or line break is lone unless the next byte starts whitespace (see
    // `STARTS_WHITESPACE`) or it is the first byte and no plain character came before.
    let starts_whitespace = (ascii_whitespace | block.eq(0xc2) | block.eq(0xe2) | block.eq(0xe3)).bits();
    let not_lone = lone_candidates.bits() & (starts_whitespace >> 1 | 1 << 15 | u32::from(!after_plain));
    // Lower-case Russian letters but `ё`: d0 b0..bf and d1 80..8f, the pair inside the block.
    let continuations = ((block.in_range(0xb0, 0xbf) & block.eq(0xd0).after())
        | (block.in_range(0x80, 0x8f) & block.eq(0xd1).after()))
    .bits();
    let other_non_ascii = block.non_ascii().bits() & !(continuations | continuations >> 1);
    (changed.bits() | not_lone | other_non_ascii | 1 << 16).trailing_zeros()
}

/// Whether the byte `b` (the one after a space or line break, if any) may begin a
/// whitespace character: ASCII whitespace, and the lead bytes of NBSP and NEL (`c2`), of
/// the U+2000 spaces and line separators (`e2`) and of the ideographic space (`e3`).
/// Asked once per lone space of the text: one table load instead of a chain of compares.
#[inline]
fn starts_whitespace(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| STARTS_WHITESPACE[b as usize])
}

/// By byte: whether [`starts_whitespace`] holds for it.
const STARTS_WHITESPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0xc2 | 0xe2 | 0xe3);
        b += 1;
    }
    table
};

/// The whitespace character at `i`, if any: (byte length, is a line break). Always
/// inlined: folding asks it at every stop of the fast path, where a call (and the
/// `vzeroupper` before it) cost as much as the answer.
#[inline(always)]
fn whitespace_at(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    match bytes[i] {
        b' ' | b'\t' | 0x0b | 0x0c => Some((1, false)),
        b'\n' | b'\r' => Some((1, true)),
        0xc2 => match bytes.get(i + 1) {
            Some(0xa0) => Some((2, false)),
            Some(0x85) => Some((2, true)),
            _ => None,
        },
        0xe2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(0x80), Some(0x80..=0x8a | 0xaf)) | (Some(0x81), Some(0x9f)) => Some((3, false)),
            (Some(0x80), Some(0xa8 | 0xa9)) => Some((3, true)),
            _ => None,
        },
        0xe3 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0x80) => Some((3, false)),
        _ => None,
    }
}

/// The punctuation of news text that [`fold_char`] turns into one ASCII byte, read from its
/// UTF-8 bytes at `i`: the folded byte and the character's length. `«` and `»` (c2 ab, c2 bb),
/// `“`, `”` and `„` (e2 80 9c..9e), `–` and `—` (e2 80 93, 94). `None` for any other
/// character (`news_punctuation_folds_as_fold_char` checks every character).
#[inline(always)]
fn news_punctuation(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
        (0xc2, Some(0xab | 0xbb), _) => Some((b'"', 2)),
        (0xe2, Some(0x80), Some(0x9c..=0x9e)) => Some((b'"', 3)),
        (0xe2, Some(0x80), Some(0x93 | 0x94)) => Some((b'-', 3)),
        _ => None,
    }
}

/// The fast path of folding: folds the plain characters from `i` into `out` and returns
/// where they end (see [`fold_plain_run`]). One per classifier, so that folding is compiled
/// once for each.
trait PlainRun: Copy {
    fn run(self, bytes: &[u8], i: usize, out: &mut Vec<u8>) -> usize;
}

impl PlainRun for Sse2 {
    #[inline(always)]
    fn run(self, bytes: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
        fold_plain_run(bytes, i, out)
    }
}

#[cfg(target_arch = "x86_64")]
impl PlainRun for Avx2 {
    #[inline(always)]
    fn run(self, bytes: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
        // SAFETY: an `Avx2` exists only when the processor has AVX2.
        unsafe { fold_plain_run_avx2(bytes, i, out) }
    }
}

/// [`fold_plain_run`] 32 bytes at a time with AVX2, capitals and `ё` folded inside the
/// register, so that the run goes on through them: it stops only at the characters that
/// change length or need a closer look ([`fold32`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn fold_plain_run_avx2(bytes: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    while i < bytes.len() {
        // `whole`: how many bytes fold when nothing stops, all 32 but a lead byte at the
        // end (left to the next block with its second byte, so that the run ends on a char
        // boundary), or the text's last bytes.
        let (folded, stops, whole) = match fold32(bytes, i) {
            Some((folded, stops, ends_with_lead)) => (folded, stops, 32 - usize::from(ends_with_lead)),
            None => fold32_padded(bytes, i),
        };
        folded.write_past_end(out);
        let stop = stops.trailing_zeros() as usize;
        let taken = stop.min(whole);
        // SAFETY: `write_past_end` wrote the 32 bytes past the old length; `taken` is at most 32.
        unsafe { out.set_len(out.len() + taken) };
        i += taken;
        if stop < whole {
            return i;
        }
    }
    i
}

/// [`fold32`] where it cannot load (at the text's start, and with fewer than 33 bytes
/// from `i`): the same bytes in a copy with NUL bytes before and after them (a byte that
/// folds to itself and stops nothing, as the text's ends do), and how many bytes fold when
/// nothing stops.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn fold32_padded(bytes: &[u8], i: usize) -> (Block32, u32, usize) {
    let mut padded = [0u8; 66];
    let before = usize::from(i > 0);
    let end = bytes.len().min(i + 33);
    padded[1 - before..1 + end - i].copy_from_slice(&bytes[i - before..end]);
    let Some((folded, stops, ends_with_lead)) = fold32(&padded, 1) else { unreachable!("66 bytes hold 34") };
    let whole = if end - i > 32 { 32 - usize::from(ends_with_lead) } else { end - i };
    (folded, stops, whole)
}

/// The 32 bytes from `i` (a char boundary, not the text's start, with 33 bytes from it)
/// folded, a bit for each byte where folding must stop (the bytes before the first such
/// bit fold, byte for byte, to the bytes before it in the result), and whether the last
/// byte is a D0/D1 lead byte.
///
/// Each byte is looked at with the byte before and after it (three loads from one bounds
/// check), so a two-byte letter split by the block's end folds as well as any other:
/// - ASCII capitals and the second bytes of `А`-`Я` (d0 90..af) flip bit 5, and the lead
///   bytes of `Р`-`Я` (d0 before a0..af) and of `ё` (d1 before 91) flip bit 0: `А`-`П`
///   become d0 b0..bf, `Р`-`Я` d1 80..8f; `Ё` (d0 81) and `ё` (d1 91) become `е` (d0 b5);
///   the backquote becomes `'`; every other byte stays.
/// - Folding stops at what changes length or needs a look further on: `&`, ASCII
///   whitespace but the space and line break, a space or line break followed by a byte
///   that may start whitespace (`STARTS_WHITESPACE`: a run to collapse), and every lead
///   byte (c0..ff: an unsigned maximum and a compare) but those of the letters above and
///   of `а`-`я`, `ѐ`-`џ` (d0 b0..bf, d1 80..9f), which fold to themselves. (A space needs no
///   look back: folding stopped before the space or the byte before it if that one began
///   whitespace.)
///
/// `fold32_agrees_with_the_byte_loop` checks it against [`fold_plain_run`] on the same text.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn fold32(bytes: &[u8], i: usize) -> Option<(Block32, u32, bool)> {
    let window: &[u8; 34] = bytes.get(i.checked_sub(1)?..i + 33)?.try_into().ok()?;
    let prev = Block32::load(window, 0)?;
    let cur = Block32::load(window, 1)?;
    let next = Block32::load(window, 2)?;
    let (lead_d0, lead_d1) = (cur.eq(0xd0), cur.eq(0xd1));
    let (after_d0, after_d1) = (prev.eq(0xd0), prev.eq(0xd1));
    let flip_case = cur.in_range(b'A', b'Z') | (after_d0 & cur.in_range(0x90, 0xaf));
    let flip_lead = (lead_d0 & next.in_range(0xa0, 0xaf)) | (lead_d1 & next.eq(0x91));
    let yo = (after_d0 & cur.eq(0x81)) | (after_d1 & cur.eq(0x91));
    let folded = cur
        .xor_where(flip_case, 0x20)
        .xor_where(flip_lead, 1)
        .replace_where(yo, 0xb5)
        .replace_where(cur.eq(b'`'), b'\'');
    let next_starts_whitespace =
        next.in_range(b'\t', b'\r') | next.eq(b' ') | next.eq(0xc2) | next.eq(0xe2) | next.eq(0xe3);
    let lone_candidates = cur.eq(b' ') | cur.eq(b'\n');
    let folding_leads = (lead_d0 & (next.eq(0x81) | next.in_range(0x90, 0xbf))) | (lead_d1 & next.in_range(0x80, 0x9f));
    let stops = cur.in_range(b'\t', b'\r').and_not(cur.eq(b'\n'))
        | cur.eq(b'&')
        | (lone_candidates & next_starts_whitespace)
        | cur.lead_bytes().and_not(folding_leads);
    Some((folded, stops.bits(), matches!(window[32], 0xd0 | 0xd1)))
}

impl FoldedText {
    pub fn new(original: &str) -> FoldedText {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            // SAFETY: `avx2` proves the processor has the features `new_avx2` is compiled for.
            return unsafe { Self::new_avx2(avx2, original) };
        }
        Self::new_with(original, Sse2)
    }

    /// [`FoldedText::new`] compiled for AVX2 and the bit instructions that come with it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn new_avx2(avx2: Avx2, original: &str) -> FoldedText {
        Self::new_with(original, avx2)
    }

    // The checkpoint macro clears the flag and some branches then set it again.
    #[allow(unused_assignments)]
    #[inline(always)]
    fn new_with(original: &str, plain_run: impl PlainRun) -> FoldedText {
        assert!(original.len() < u32::MAX as usize, "documents over 4 GB are not supported");
        let bytes = original.as_bytes();
        let n = bytes.len();
        // Folding never lengthens ASCII or Russian text, and a block writes 32 bytes past the
        // end before keeping some (`write_past_end`): room for both from the start, so the
        // last blocks do not reallocate and copy the whole text.
        let mut out: Vec<u8> = Vec::with_capacity(n + 32);
        // News text needs a checkpoint every hundred bytes or so (quotes, dashes, NBSP):
        // room for one in 64 bytes up front instead of growing the vector step by step.
        let mut checkpoints: Vec<(u32, u32)> = Vec::with_capacity(n / 64 + 8);
        checkpoints.push((0, 0));
        // Set when folded and original offsets stopped advancing together: the next
        // character written records a checkpoint.
        let mut need_checkpoint = false;
        macro_rules! checkpoint_if_needed {
            ($at:expr) => {
                if need_checkpoint {
                    checkpoints.push((out.len() as u32, $at as u32));
                    need_checkpoint = false;
                }
            };
        }
        let mut i = 0;
        while i < n {
            // Most of any text is letters, digits and punctuation that fold byte for byte.
            let run_start = out.len();
            let j = plain_run.run(bytes, i, &mut out);
            if j > i {
                if need_checkpoint {
                    checkpoints.push((run_start as u32, i as u32));
                    need_checkpoint = false;
                }
                i = j;
                if i == n {
                    break;
                }
            }
            let b = bytes[i];
            if let Some((len, newline)) = whitespace_at(bytes, i) {
                let (mut j, mut newline) = (i + len, newline);
                while j < n {
                    match whitespace_at(bytes, j) {
                        Some((l, nl)) => {
                            j += l;
                            newline |= nl;
                        }
                        None => break,
                    }
                }
                checkpoint_if_needed!(i);
                out.push(if newline { b'\n' } else { b' ' });
                need_checkpoint = j - i != 1;
                i = j;
            } else if b < 0x80 {
                let folded = match b {
                    b'A'..=b'Z' => b + 32,
                    b'`' => b'\'',
                    b'&' if bytes[i..].starts_with(b"&quot;") => {
                        checkpoint_if_needed!(i);
                        out.push(b'"');
                        need_checkpoint = true;
                        i += 6;
                        continue;
                    }
                    _ => b,
                };
                checkpoint_if_needed!(i);
                out.push(folded);
                i += 1;
            } else if (b == 0xd0 || b == 0xd1)
                && i + 1 < n
                && matches!((b, bytes[i + 1]), (0xd0, 0x81 | 0x90..=0xbf) | (0xd1, 0x80..=0x8f | 0x91))
            {
                let c = bytes[i + 1];
                let pair = match (b, c) {
                    (0xd0, 0x90..=0x9f) => [0xd0, c + 0x20],     // А-П → а-п
                    (0xd0, 0xa0..=0xaf) => [0xd1, c - 0x20],     // Р-Я → р-я
                    (0xd0, 0x81) | (0xd1, 0x91) => [0xd0, 0xb5], // Ё, ё → е
                    _ => [b, c],
                };
                checkpoint_if_needed!(i);
                out.extend_from_slice(&pair);
                i += 2;
            } else if let Some((folded, width)) = news_punctuation(bytes, i) {
                // «, », the dashes and other such marks, which stop the fast path above:
                // one byte for two or three, without decoding and encoding them. As below,
                // a character that changes length records a checkpoint at its start.
                need_checkpoint = true;
                checkpoint_if_needed!(i);
                out.push(folded);
                need_checkpoint = true;
                i += width;
            } else {
                let Some(c) = original[i..].chars().next() else { break };
                let width = c.len_utf8();
                match fold_char(c) {
                    Folded::Nothing => need_checkpoint = true,
                    Folded::Space { newline } => {
                        // Whitespace `whitespace_at` does not know (rare): one separator.
                        checkpoint_if_needed!(i);
                        out.push(if newline { b'\n' } else { b' ' });
                        need_checkpoint = width != 1;
                    }
                    Folded::One(f) => {
                        let mut buf = [0u8; 4];
                        let encoded = f.encode_utf8(&mut buf).as_bytes();
                        if encoded.len() != width {
                            need_checkpoint = true;
                        }
                        checkpoint_if_needed!(i);
                        out.extend_from_slice(encoded);
                        need_checkpoint = encoded.len() != width;
                    }
                }
                i += width;
            }
        }
        debug_assert!(std::str::from_utf8(&out).is_ok());
        // SAFETY: `out` holds only whole UTF-8 characters: ASCII bytes, two-byte Russian
        // letters copied or re-cased within their two-byte block (lead byte 0xd0/0xd1 with a
        // continuation byte in 0x80..=0xbf), and `char::encode_utf8` output. Validating it again
        // cost a tenth of the instructions of folding (`folded_text_is_valid_utf8` checks it).
        let folded = unsafe { String::from_utf8_unchecked(out) };
        FoldedText { folded, checkpoints, original_len: n }
    }

    pub fn as_str(&self) -> &str {
        &self.folded
    }

    /// The original byte offset of the character that produced folded byte `at`
    /// (the original length past the end).
    pub fn origin_of(&self, at: usize) -> usize {
        if at >= self.folded.len() {
            return self.original_len;
        }
        self.origin_from(self.checkpoint_of(at), at)
    }

    /// The last checkpoint at or before folded byte `at` (one before the folded length).
    #[inline]
    fn checkpoint_of(&self, at: usize) -> usize {
        self.checkpoints.partition_point(|&(f, _)| f as usize <= at) - 1
    }

    /// The original offset of folded byte `at`, whose checkpoint is `checkpoint`.
    #[inline]
    fn origin_from(&self, checkpoint: usize, at: usize) -> usize {
        let (f, o) = self.checkpoints[checkpoint];
        o as usize + (at - f as usize)
    }

    /// Maps a byte range of the folded text back to the original text.
    ///
    /// The end extends over combining marks that follow the last character, so an accented
    /// name keeps its accent.
    pub fn to_original(&self, start: usize, end: usize, original: &str) -> Span {
        if start >= end || start >= self.folded.len() {
            let at = self.origin_of(start);
            return Span::new(at, at);
        }
        // One binary search for the start.
        self.span_from(self.checkpoint_of(start), start, end, original)
    }

    /// [`FoldedText::to_original`] for ranges asked in increasing order of their starts (a
    /// gazetteer's matches): `cursor` (0 before the first) keeps the last start's checkpoint,
    /// and the next start's is walked to from there instead of searched for (matches lie a
    /// few checkpoints apart).
    pub fn to_original_in_order(&self, cursor: &mut usize, start: usize, end: usize, original: &str) -> Span {
        if start >= end || start >= self.folded.len() {
            let at = self.origin_of(start);
            return Span::new(at, at);
        }
        while self.checkpoints.get(*cursor + 1).is_some_and(|&(f, _)| f as usize <= start) {
            *cursor += 1;
        }
        self.span_from(*cursor, start, end, original)
    }

    /// The span of the folded range `start..end` (not empty, `start` in the folded text)
    /// whose start's checkpoint is `first`.
    #[inline]
    fn span_from(&self, first: usize, start: usize, end: usize, original: &str) -> Span {
        debug_assert_eq!(original.len(), self.original_len);
        let mut last = end.min(self.folded.len()) - 1;
        while !self.folded.is_char_boundary(last) {
            last -= 1;
        }
        // The end's checkpoint lies at or after the start's, and a match spans few
        // checkpoints: walked to.
        let mut k = first;
        if last < start {
            k = self.checkpoint_of(last);
        }
        while self.checkpoints.get(k + 1).is_some_and(|&(f, _)| f as usize <= last) {
            k += 1;
        }
        let o_end = end_of_char_at(original, self.origin_from(k, last));
        Span::new(self.origin_from(first, start), o_end)
    }
}

/// The end of the original character at `at` (all of `&quot;`), with the combining marks
/// that follow it.
fn end_of_char_at(original: &str, at: usize) -> usize {
    let rest = &original[at..];
    let width = if rest.starts_with("&quot;") { 6 } else { rest.chars().next().map_or(0, char::len_utf8) };
    let mut o_end = at + width;
    for c in original[o_end..].chars() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            o_end += c.len_utf8();
        } else {
            break;
        }
    }
    o_end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `news_punctuation` answers exactly for the characters `fold_char` folds to `"` or `-`
    /// from two or three bytes that it lists, and for nothing else, at a text's end too.
    #[test]
    fn news_punctuation_folds_as_fold_char() {
        let mut covered = 0;
        for c in (0x80..=0x10ffffu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let found = news_punctuation(bytes, 0);
            if let Some((folded, width)) = found {
                covered += 1;
                assert_eq!(width, bytes.len(), "{c:?}");
                assert_eq!(fold_char(c), Folded::One(char::from(folded)), "{c:?}");
            } else {
                assert!(!"«»“”„–—".contains(c), "{c:?}");
            }
            // Cut short, no character is read past the text's end.
            for cut in 1..bytes.len() {
                assert_eq!(news_punctuation(&bytes[..cut], 0), None, "{c:?} cut to {cut}");
            }
        }
        assert_eq!(covered, 7);
    }

    /// The per-character fast path of `fold_str` gives exactly what `FoldedText` gives:
    /// every character alone, between letters, and mixed strings.
    #[test]
    fn fold_str_fast_path_matches_folded_text() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("Аб{c}Вг"),
                format!("{c}{c}x"),
                format!(" {c} "),
                format!("a {c} b"),
                format!("{c} x"),
                format!("x {c}"),
                format!("Аб {c}{c} Вг"),
            ] {
                assert_eq!(fold_str(&s), fold_str_slow(&s), "{s:?}");
            }
        }
        for s in [
            "Аскар  Мамин",
            "Аскар Мамин ",
            " Аскар",
            "a \u{ad} b",
            "a \u{ad}",
            "\u{ad} a",
            "a\u{a0}b",
            "&quot;Сбер&quot;",
            "Ёлка\u{301}",
            "Мусин\u{ad}",
            "a&b",
            " Нур-Султан ",
            "«Кайрат»",
            "",
        ] {
            assert_eq!(fold_str(s), fold_str_slow(s), "{s:?}");
        }
    }

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
    fn every_char_maps_back_to_itself() {
        let original = "«Ёлки» —\u{a0}СБЕРом &quot;НИТ&quot;  Қазақстан 🏗️ Ü\u{ad}ber\r\n\tЖ";
        let f = FoldedText::new(original);
        for (at, c) in f.as_str().char_indices() {
            if c == ' ' || c == '\n' {
                continue;
            }
            let span = f.to_original(at, at + c.len_utf8(), original);
            let folded_back = fold_str(span.slice(original));
            assert_eq!(folded_back, c.to_string(), "folded char {c:?} at {at} maps to {:?}", span.slice(original));
        }
    }

    /// The bytes `FoldedText::new` assembles are valid UTF-8 (they become a `String`
    /// unchecked) for every character, alone and next to letters, whitespace and `&quot;`.
    #[test]
    fn folded_text_is_valid_utf8() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("Аб{c}вГ"), format!(" {c}\u{a0}&quot;{c}Ё"), format!("{c}\u{301} Z")]
            {
                let folded = FoldedText::new(&s);
                assert!(std::str::from_utf8(folded.as_str().as_bytes()).is_ok(), "{s:?}");
                assert_eq!(folded.as_str(), fold_reference(&s), "{s:?}");
            }
        }
    }

    /// Folding character by character with [`fold_char`], the definition the byte loop of
    /// `FoldedText::new` implements.
    fn fold_reference(s: &str) -> String {
        let s = s.replace("&quot;", "\"");
        let mut out = String::new();
        let mut space: Option<bool> = None;
        for c in s.chars() {
            match fold_char(c) {
                // A dropped character ends a whitespace run (`a \u{ad} b` keeps two spaces).
                Folded::Nothing => {
                    if let Some(newline) = space.take() {
                        out.push(if newline { '\n' } else { ' ' });
                    }
                }
                // Whitespace outside the common set folds to a separator of its own.
                Folded::Space { newline } if whitespace_at(c.to_string().as_bytes(), 0).is_none() => {
                    if let Some(newline) = space.take() {
                        out.push(if newline { '\n' } else { ' ' });
                    }
                    out.push(if newline { '\n' } else { ' ' });
                }
                Folded::Space { newline } => *space.get_or_insert(false) |= newline,
                Folded::One(f) => {
                    if let Some(newline) = space.take() {
                        out.push(if newline { '\n' } else { ' ' });
                    }
                    out.push(f);
                }
            }
        }
        if let Some(newline) = space {
            out.push(if newline { '\n' } else { ' ' });
        }
        out
    }

    /// Folded text and the offset of every folded byte, character by character: a
    /// whitespace run (the characters `whitespace_at` knows) becomes one byte at the run's
    /// start, `&quot;` one `"` at its `&`, and byte `k` of any other folded character comes
    /// from byte `k` of the original character (what the checkpoints of `FoldedText` encode).
    fn fold_with_origins(s: &str) -> (String, Vec<usize>) {
        let (mut out, mut origins) = (String::new(), Vec::new());
        let mut i = 0;
        while i < s.len() {
            if let Some((mut len, mut newline)) = whitespace_at(s.as_bytes(), i) {
                while let Some((l, nl)) = (i + len < s.len()).then(|| whitespace_at(s.as_bytes(), i + len)).flatten() {
                    len += l;
                    newline |= nl;
                }
                out.push(if newline { '\n' } else { ' ' });
                origins.push(i);
                i += len;
                continue;
            }
            if s[i..].starts_with("&quot;") {
                out.push('"');
                origins.push(i);
                i += 6;
                continue;
            }
            let c = s[i..].chars().next().unwrap();
            let folded = match fold_char(c) {
                Folded::Nothing => String::new(),
                Folded::Space { newline } => (if newline { "\n" } else { " " }).to_string(),
                Folded::One(f) => f.to_string(),
            };
            origins.extend((0..folded.len()).map(|k| i + k));
            out.push_str(&folded);
            i += c.len_utf8();
        }
        (out, origins)
    }

    /// The byte loop of `FoldedText::new` (lanes of Russian letters, lone spaces inside
    /// plain runs) folds and maps back exactly as the character-by-character definition,
    /// on random mixes of letters, capitals, `ё`, spaces, line breaks, NBSP, invisibles,
    /// accents, `&quot;` and emoji, at every alignment.
    #[test]
    fn byte_loop_matches_char_by_char_definition() {
        let pieces = [
            "а", "я", "п", "р", "ё", "Ё", "А", "Я", "П", "Р", "ж", " ", " ", "  ", "\n", "\r\n", " \n", "\t", "\u{a0}",
            "\u{2009}", "\u{3000}", "\u{ad}", "\u{301}", "\u{200b}", "&quot;", "&", "a", "Z", "`", "7", ".", "«", "—",
            "🏗️", "Ә", "ђ", "Ѐ", "ú",
        ];
        let mut seed = 11u64;
        let mut texts: Vec<String> = vec![String::new(), " ".into(), "\n".into(), "ааааааааа ".into()];
        for _ in 0..20000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 60) as usize + 1;
            let mut s = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Mostly lower-case letters, so lanes of four letters occur.
                let piece = if (seed >> 62) == 0 {
                    pieces[(seed >> 33) as usize % pieces.len()]
                } else {
                    "аяпрж".split_inclusive(|_| true).nth((seed >> 40) as usize % 5).unwrap()
                };
                for _ in 0..1 + (seed >> 20) as usize % 3 {
                    s.push_str(piece);
                }
            }
            texts.push(s);
        }
        for s in &texts {
            assert_folds_as_defined(s);
        }
    }

    /// The folded views with each fast path: SSE2 (or plain loops) always, AVX2 where the
    /// processor has it, as `FoldedText::new` picks.
    fn fold_each_way(s: &str) -> Vec<FoldedText> {
        #[allow(unused_mut)]
        let mut ways = vec![FoldedText::new_with(s, Sse2)];
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            // SAFETY: `avx2` proves the processor has the features.
            ways.push(unsafe { FoldedText::new_avx2(avx2, s) });
        }
        ways
    }

    /// Each way of folding `s` gives the definition's folded text and origins.
    fn assert_folds_as_defined(s: &str) {
        let (expected, origins) = fold_with_origins(s);
        for f in fold_each_way(s) {
            assert_eq!(f.as_str(), expected, "{s:?}");
            for (at, &o) in origins.iter().enumerate() {
                assert_eq!(f.origin_of(at), o, "byte {at} of {s:?}");
            }
        }
    }

    proptest::proptest! {
        /// Texts long enough for the 32-byte blocks, with capitals, `ё`, the letters whose
        /// lead byte changes (`Р`-`Я`), whitespace runs and lone spaces before characters that
        /// start whitespace, at every alignment: every way folds and maps back as the
        /// character-by-character definition ([`fold32`] against the byte loop).
        #[test]
        fn fold32_agrees_with_the_byte_loop(
            s in "(мама|МАМА|Ёж|ёж|РЯ|ря|ПА|Ѐ|ѐ|Ђ|џ|Ѡ|Ґ|ґ|ß|\u{400}|a|Z|`|&|&quot;| |  |\n|\n\n| \n|\r\n|\t|\u{b}|\u{a0}|\u{2009}|\u{3000}|\u{ad}|\u{301}|«|—|é|🏗|\\.|7){0,80}"
        ) {
            assert_folds_as_defined(&s);
        }
    }

    /// `to_original` walks from the start's checkpoint to the end's: the spans are those of
    /// a binary search for each (`origin_of`), for every range of texts with many
    /// checkpoints, including empty, reversed and past-the-end ranges; and
    /// `to_original_in_order` gives the same spans.
    #[test]
    fn to_original_matches_origin_of() {
        for original in [
            "\u{ad}Ёлки — «НИТ»\u{a0}и&quot;x\u{301}  y\u{200b}z",
            "a\u{200b}b\u{200b}c  d\n\n e\u{301}\u{301}",
            "АО &quot;НИТ&quot; и «Сбер»",
            "",
        ] {
            let f = FoldedText::new(original);
            let n = f.as_str().len();
            for start in 0..=n + 1 {
                for end in 0..=n + 2 {
                    let expected = if start >= end || start >= n {
                        Span::new(f.origin_of(start), f.origin_of(start))
                    } else {
                        let mut last = end.min(n) - 1;
                        while !f.as_str().is_char_boundary(last) {
                            last -= 1;
                        }
                        Span::new(f.origin_of(start), end_of_char_at(original, f.origin_of(last)))
                    };
                    assert_eq!(f.to_original(start, end, original), expected, "{original:?} {start}..{end}");
                }
            }
            // In increasing order of starts, from a cursor: the same spans.
            let mut cursor = 0;
            for start in 0..=n + 1 {
                for end in 0..=n + 2 {
                    let walked = f.to_original_in_order(&mut cursor, start, end, original);
                    assert_eq!(walked, f.to_original(start, end, original), "{original:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn emoji_pass_through() {
        assert_eq!(round_trip("3🏗️\"Стадион", "\"стадион"), "\"Стадион");
    }
}
