//! Hand-written CSV and JSON writers for the fixed row shapes of the output files.
//!
//! serde_json and the csv crate spent most of the output stage on bookkeeping for shapes
//! known in advance (about 120 instructions per input byte); these write straight into a
//! `Vec<u8>`. They must give exactly what those crates give, byte for byte: the tests below
//! compare them on tricky strings, and `encode`'s tests compare whole documents with the
//! serde form ([`super::DocumentJson`]).

use std::borrow::Cow;

use super::CsvStyle;
use crate::text::block16::Block16;
#[cfg(target_arch = "x86_64")]
use crate::text::block16::{Avx2, Block32};

/// What follows `\` for a byte serde_json escapes: `u` means `\u00XX`, 0 means verbatim.
static JSON_ESCAPE: [u8; 256] = json_escape_table();

const fn json_escape_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
}

/// A JSON string with serde_json's escaping: `"`, `\` and the control characters below
/// U+0020 (`\b \t \n \f \r`, the others as `\u00XX` in lowercase hex); everything else,
/// `/`, DEL and non-ASCII included, is written as it is.
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    json_str_clean(out, s);
}

/// [`json_str`], and whether `s` needed no escape (so any piece of it needs none either).
pub fn json_str_clean(out: &mut Vec<u8>, s: &str) -> bool {
    let bytes = s.as_bytes();
    let clean = !any_byte(bytes, json_special_word, |b| JSON_ESCAPE[usize::from(b)] != 0);
    json_str_known(out, bytes, clean);
    clean
}

/// A JSON string of `bytes`, whose need of escapes (`!clean`) is already known.
fn json_str_known(out: &mut Vec<u8>, bytes: &[u8], clean: bool) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if clean {
        out.extend_from_slice(bytes);
    } else {
        json_escaped(out, bytes);
    }
    out.push(b'"');
}

/// What writing a text takes in each format, from one scan of it (see
/// [`CsvRecord::text_and_json`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct TextNeeds {
    /// A byte that JSON escapes (as [`JSON_ESCAPE`]).
    json_escapes: bool,
    /// A byte that makes the CSV writer quote the cell (as `CSV_SPECIAL_*`).
    csv_quotes: bool,
    /// A `"`, which is doubled inside CSV quotes.
    double_quote: bool,
}

impl TextNeeds {
    /// Long texts (quotes) 32 bytes at a time where the processor has AVX2
    /// ([`TextNeeds::of_avx2`]), the others sixteen at a time ([`TextNeeds::of_16`]).
    fn of(bytes: &[u8], delimiter: u8) -> TextNeeds {
        #[cfg(target_arch = "x86_64")]
        if bytes.len() >= 64 {
            if let Some(avx2) = Avx2::detect() {
                // SAFETY: `avx2` proves the processor has the features `of_avx2` is compiled for.
                return unsafe { TextNeeds::of_avx2(avx2, bytes, delimiter) };
            }
        }
        TextNeeds::of_16(bytes, delimiter)
    }

    /// [`TextNeeds::of`] 32 bytes at a time (three masks per block, joined as numbers), the
    /// last 0 to 31 bytes by [`TextNeeds::of_16`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn of_avx2(_: Avx2, bytes: &[u8], delimiter: u8) -> TextNeeds {
        let (mut json, mut csv, mut quotes) = (0u32, 0u32, 0u32);
        let mut at = 0;
        while let Some(v) = Block32::load(bytes, at) {
            let quote = v.eq(b'"');
            let breaking = v.eq(delimiter) | v.eq(b'\r') | v.eq(b'\n');
            json |= (v.in_range(0, 0x1f) | quote | v.eq(b'\\')).bits();
            csv |= (breaking | quote).bits();
            quotes |= quote.bits();
            at += 32;
        }
        let whole = TextNeeds { json_escapes: json != 0, csv_quotes: csv != 0, double_quote: quotes != 0 };
        whole.or(TextNeeds::of_16(&bytes[at..], delimiter))
    }

    /// Sixteen bytes at a time ([`block_needs`]); the last block is padded with spaces,
    /// which neither format escapes nor quotes (the delimiter is `,` or `;`).
    #[inline(always)]
    fn of_16(bytes: &[u8], delimiter: u8) -> TextNeeds {
        let mut needs = TextNeeds::default();
        let mut at = 0;
        while let Some(block) = Block16::load(bytes, at) {
            needs = needs.or(block_needs(block, delimiter));
            at += 16;
        }
        let rest = &bytes[at..];
        if !rest.is_empty() {
            let mut last = [b' '; 16];
            last[..rest.len()].copy_from_slice(rest);
            needs = needs.or(block_needs(Block16::load(&last, 0).expect("sixteen bytes"), delimiter));
        }
        needs
    }

    fn or(self, other: TextNeeds) -> TextNeeds {
        TextNeeds {
            json_escapes: self.json_escapes | other.json_escapes,
            csv_quotes: self.csv_quotes | other.csv_quotes,
            double_quote: self.double_quote | other.double_quote,
        }
    }
}

/// [`TextNeeds`] of one block: a compare per special byte over all sixteen bytes at once
/// ([`Block16`]: SSE2 on x86-64, a byte loop elsewhere).
fn block_needs(v: Block16, delimiter: u8) -> TextNeeds {
    let quote = v.eq(b'"');
    let control = v.in_range(0, 0x1f);
    let breaking = v.eq(delimiter) | v.eq(b'\r') | v.eq(b'\n');
    TextNeeds {
        json_escapes: (control | quote | v.eq(b'\\')).bits() != 0,
        csv_quotes: (breaking | quote).bits() != 0,
        double_quote: quote.bits() != 0,
    }
}

/// The slow path of [`json_str`]: the bytes with their escapes, without the quotes.
fn json_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = JSON_ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any byte of `word` is below `n` (`n <= 128`). The borrow that crosses bytes
/// can only start at a byte that is itself below `n`, so the yes/no answer is exact.
pub(crate) const fn has_byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(ONES * n as u64) & !word & HIGHS != 0
}

/// Whether any byte of `word` equals `b`.
pub(crate) const fn has_byte(word: u64, b: u8) -> bool {
    has_byte_below(word ^ (ONES * b as u64), 1)
}

/// Whether eight bytes hold one that JSON escapes.
fn json_special_word(word: u64) -> bool {
    has_byte_below(word, 0x20) | has_byte(word, b'"') | has_byte(word, b'\\')
}

/// Whether any byte of `bytes` is special: eight at a time with `word`, the rest with `byte`
/// (the two tests must agree).
#[inline]
fn any_byte(bytes: &[u8], word: impl Fn(u64) -> bool, byte: impl Fn(u8) -> bool) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if word(u64::from_ne_bytes(chunk.try_into().expect("8 bytes"))) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| byte(b))
}

/// Whether `s` is written as it is both as a JSON string (between quotes) and as a CSV text
/// cell in `style`: no byte that JSON escapes (`"`, `\\`, below U+0020) nor one that makes
/// the CSV writer quote (the delimiter, `"`, `\r`, `\n`), and no formula start in Excel mode
/// (see [`CsvStyle::text_cell`]).
#[inline]
pub fn clean_in_both(s: &str, style: CsvStyle) -> bool {
    let delimiter = style.delimiter();
    let word = |word| json_special_word(word) | has_byte(word, delimiter);
    // The formula starts are ASCII: a first byte test (no char decoding); `\t` and `\r`,
    // the others of `FORMULA_STARTS`, are control bytes, which the scan finds.
    let formula = style.excel && matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'));
    !formula && !any_byte_short(s.as_bytes(), word)
}

/// [`clean_in_both`] of the first `len` bytes of `window` (`len <= 48`), for texts with
/// at least 48 bytes of the document from their start (most mentions): sixteen bytes a
/// compare, each special byte a bit, those past `len` masked off (no word or tail loop,
/// no early exit). The special bytes are those of `clean_in_both`: below U+0020 (`\r`,
/// `\n` and `\t` among them), `"`, `\\` and the delimiter; and the formula starts.
#[inline]
pub fn window_clean_in_both(window: &[u8; 48], len: usize, style: CsvStyle) -> bool {
    debug_assert!(len <= window.len());
    let delimiter = style.delimiter();
    let formula = style.excel && len > 0 && matches!(window[0], b'=' | b'+' | b'-' | b'@');
    let mut special = 0u64;
    for k in 0..len.div_ceil(16) {
        let Some(block) = Block16::load(window, 16 * k) else { unreachable!("three blocks of sixteen") };
        let bits = block.in_range(0, 0x1f) | block.eq(b'"') | block.eq(b'\\') | block.eq(delimiter);
        special |= u64::from(bits.bits()) << (16 * k);
    }
    !formula && special & ((1u64 << len) - 1) == 0
}

/// Whether any byte of `bytes` is special, for strings that are mostly short (names, ids):
/// blocks of 16 bytes as two words for `word` (no early exit between them; the compiler
/// made poor vector code of a byte test folded over the block), the last 1 to 16 bytes as
/// one or two words.
#[inline]
fn any_byte_short(bytes: &[u8], word: impl Fn(u64) -> bool) -> bool {
    const BLOCK: usize = 16;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        let (low, high) = block.split_at(8);
        let word_of = |half: &[u8]| u64::from_ne_bytes(half.try_into().expect("8 bytes"));
        if word(word_of(low)) | word(word_of(high)) {
            return true;
        }
    }
    let rest = blocks.remainder();
    let n = rest.len();
    let word_at = |i: usize| u64::from_ne_bytes(rest[i..i + 8].try_into().expect("8 bytes"));
    let half_at = |i: usize| u64::from(u32::from_ne_bytes(rest[i..i + 4].try_into().expect("4 bytes")));
    // Each word holds only bytes of `rest`, and together they hold all of them.
    match n {
        0 => false,
        1..=3 => {
            word(u64::from_ne_bytes([rest[0], rest[n / 2], rest[n - 1], rest[0], rest[0], rest[0], rest[0], rest[0]]))
        }
        4..=8 => word(half_at(0) | half_at(n - 4) << 32),
        _ => word(word_at(0)) || word(word_at(n - 8)),
    }
}

/// An unsigned integer in decimal.
#[inline]
pub fn uint(out: &mut Vec<u8>, n: usize) {
    super::decimal::Digits::new(n).write(out);
}

/// A value of a JSON document written by hand (see [`json_fields!`]).
pub trait JsonValue {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl JsonValue for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_str(out, self);
    }
}

impl JsonValue for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_str(out, self);
    }
}

impl JsonValue for usize {
    fn write_json(&self, out: &mut Vec<u8>) {
        uint(out, *self);
    }
}

/// A number, or `null` for `None` (as serde writes an `Option` field).
impl JsonValue for Option<usize> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(n) => uint(out, *n),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// Bytes already formatted as a JSON value.
pub struct Raw<'b>(pub &'b [u8]);

impl JsonValue for Raw<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0);
    }
}

/// A string known to need no JSON escape (a piece of one that needed none), copied
/// between quotes without a scan.
pub struct CleanStr<'s>(pub &'s str);

impl JsonValue for CleanStr<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        debug_assert!(!self.0.bytes().any(|b| JSON_ESCAPE[usize::from(b)] != 0), "{:?}", self.0);
        json_str_known(out, self.0.as_bytes(), true);
    }
}

/// A fixed code of gazetka's own (`PER`, `gazetteer`, `named`, or empty): plain ASCII
/// letters and `_`, which JSON never escapes, so it is written without a scan.
pub struct Code(pub &'static str);

impl JsonValue for Code {
    fn write_json(&self, out: &mut Vec<u8>) {
        debug_assert!(is_code(self.0), "{:?}", self.0);
        out.push(b'"');
        out.extend_from_slice(self.0.as_bytes());
        out.push(b'"');
    }
}

/// Whether `s` is a fixed code: ASCII letters and `_` only (see [`Code`]).
fn is_code(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
}

/// A JSON array `[a,b]` of items, each written by a function (made by [`json_list`]).
pub struct JsonList<'i, T, F>(&'i [T], F);

/// A JSON array of `items`, each written by `write`.
pub fn json_list<T, F: Fn(&mut Vec<u8>, &T)>(items: &[T], write: F) -> JsonList<'_, T, F> {
    JsonList(items, write)
}

impl<T, F: Fn(&mut Vec<u8>, &T)> JsonValue for JsonList<'_, T, F> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            (self.1)(out, item);
        }
        out.push(b']');
    }
}

/// Writes `"key":value` pairs, comma-separated, into a `Vec<u8>`: the first as
/// `"key":value`, with `more` each as `,"key":value`. Each key and its punctuation is one
/// literal; the values are [`JsonValue`]s (the trait must be in scope). Keys are fixed ASCII
/// names that need no escaping.
macro_rules! json_fields {
    ($out:expr, more $($key:literal => $value:expr),+ $(,)?) => {{
        let out: &mut Vec<u8> = $out;
        $(
            out.extend_from_slice(concat!(",\"", $key, "\":").as_bytes());
            ($value).write_json(out);
        )+
    }};
    ($out:expr, $key:literal => $value:expr $(, $more:literal => $rest:expr)* $(,)?) => {{
        let out: &mut Vec<u8> = $out;
        out.extend_from_slice(concat!("\"", $key, "\":").as_bytes());
        ($value).write_json(out);
        $(
            out.extend_from_slice(concat!(",\"", $more, "\":").as_bytes());
            ($rest).write_json(out);
        )*
    }};
}

/// A whole JSON object `{"key":value,...}` (see [`json_fields!`]).
macro_rules! json_object {
    ($out:expr, $($fields:tt)+) => {{
        let out: &mut Vec<u8> = $out;
        out.push(b'{');
        json_fields!(&mut *out, $($fields)+);
        out.push(b'}');
    }};
}

pub(crate) use {json_fields, json_object};

/// Bytes that make the csv crate quote a field (its `QuoteStyle::Necessary` with our
/// configuration): the delimiter, `"`, and `\r` and `\n` (it quotes both whatever the
/// terminator, since its reader takes either as the end of a record).
static CSV_SPECIAL_COMMA: [bool; 256] = csv_special_table(b',');
static CSV_SPECIAL_SEMICOLON: [bool; 256] = csv_special_table(b';');

const fn csv_special_table(delimiter: u8) -> [bool; 256] {
    let mut table = [false; 256];
    table[delimiter as usize] = true;
    table[b'"' as usize] = true;
    table[b'\r' as usize] = true;
    table[b'\n' as usize] = true;
    table
}

/// One CSV record being written in a [`CsvStyle`], as the csv crate writes it: fields quoted
/// only when they hold a special byte, `"` doubled inside quotes, records ended by `\n`.
///
/// Every record has several fields, so the crate's one exception (a record that is a
/// single empty field is written as `""`) never applies.
pub struct CsvRecord<'o> {
    out: &'o mut Vec<u8>,
    style: CsvStyle,
    special: &'static [bool; 256],
    first: bool,
}

impl<'o> CsvRecord<'o> {
    pub fn new(out: &'o mut Vec<u8>, style: CsvStyle) -> CsvRecord<'o> {
        let special = if style.delimiter() == b';' { &CSV_SPECIAL_SEMICOLON } else { &CSV_SPECIAL_COMMA };
        debug_assert!(special[usize::from(style.delimiter())]);
        CsvRecord { out, style, special, first: true }
    }

    /// A record of `out` whose first fields were already written (the next field starts
    /// with a delimiter).
    pub fn after_first_fields(out: &'o mut Vec<u8>, style: CsvStyle) -> CsvRecord<'o> {
        CsvRecord { first: false, ..CsvRecord::new(out, style) }
    }

    /// A field written as it is (codes, ids made by gazetka).
    pub fn plain(&mut self, value: &str) -> &mut Self {
        if !self.first {
            self.out.push(self.style.delimiter());
        }
        self.first = false;
        let bytes = value.as_bytes();
        let delimiter = self.style.delimiter();
        let special =
            |word| has_byte(word, delimiter) | has_byte(word, b'"') | has_byte(word, b'\r') | has_byte(word, b'\n');
        if !any_byte(bytes, special, |b| self.special[usize::from(b)]) {
            self.out.extend_from_slice(bytes);
            return self;
        }
        self.out.push(b'"');
        for (i, piece) in bytes.split(|&b| b == b'"').enumerate() {
            if i > 0 {
                self.out.extend_from_slice(b"\"\"");
            }
            self.out.extend_from_slice(piece);
        }
        self.out.push(b'"');
        self
    }

    pub fn style(&self) -> CsvStyle {
        self.style
    }

    /// A number cell.
    #[inline]
    pub fn digits(&mut self, digits: &super::decimal::Digits) -> &mut Self {
        self.raw(b"");
        digits.write(self.out);
        self
    }

    /// The output, to append to the field begun last.
    pub fn out(&mut self) -> &mut Vec<u8> {
        self.out
    }

    /// A field already formatted as a CSV cell in this style.
    #[inline]
    pub fn raw(&mut self, cell: &[u8]) -> &mut Self {
        if !self.first {
            self.out.push(self.style.delimiter());
        }
        self.first = false;
        self.out.extend_from_slice(cell);
        self
    }

    /// A fixed code of gazetka's own (see [`Code`]), which never needs quotes.
    pub fn code(&mut self, code: &'static str) -> &mut Self {
        debug_assert!(is_code(code), "{code:?}");
        self.raw(code.as_bytes())
    }

    /// A text cell (see [`CsvStyle::text_cell`]: formulas neutralised in Excel mode).
    pub fn text(&mut self, value: &str) -> &mut Self {
        match self.style.text_cell(value) {
            Cow::Borrowed(value) => self.plain(value),
            Cow::Owned(cell) => self.plain(&cell),
        }
    }

    /// [`CsvRecord::text`] of `value`, and `value` as a JSON string ([`json_str`]) to `json`,
    /// from one scan of it (long texts, such as quotes, mostly hold a delimiter, so they are
    /// quoted but seldom escaped); returns whether the JSON string needed no escape.
    pub fn text_and_json(&mut self, value: &str, json: &mut Vec<u8>) -> bool {
        let bytes = value.as_bytes();
        if self.style.excel && value.starts_with(super::csv_style::FORMULA_STARTS) {
            self.text(value);
            return json_str_clean(json, value);
        }
        let needs = TextNeeds::of(bytes, self.style.delimiter());
        if !needs.csv_quotes {
            self.raw(bytes);
        } else if !needs.double_quote {
            self.raw(b"\"");
            self.out.extend_from_slice(bytes);
            self.out.push(b'"');
        } else {
            self.plain(value);
        }
        json_str_known(json, bytes, !needs.json_escapes);
        !needs.json_escapes
    }

    /// The number of bytes written so far to the output (where a cell starts).
    pub fn written(&self) -> usize {
        self.out.len()
    }

    /// A decimal number cell (see [`CsvStyle::number_cell`]: decimal comma in Excel mode).
    pub fn number(&mut self, value: &str) -> &mut Self {
        self.plain(&self.style.number_cell(value))
    }

    pub fn end(&mut self) {
        self.out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window check is [`clean_in_both`] of the text at its start, for every length up
    /// to 48, a special byte at every place (inside the text or past it) and both styles.
    #[test]
    fn window_check_is_the_text_check() {
        let base: Vec<u8> = "Мусин Газпром abc ".bytes().cycle().take(48).collect();
        for excel in [false, true] {
            let style = CsvStyle { excel };
            for special in [None, Some(b'"'), Some(b'\\'), Some(b','), Some(b';'), Some(b'\n'), Some(0x1f), Some(b'=')]
            {
                for at in 0..48 {
                    let mut window: [u8; 48] = base.clone().try_into().unwrap();
                    if let Some(b) = special {
                        window[at] = b;
                    }
                    for len in (0..=48).filter(|&len| std::str::from_utf8(&window[..len]).is_ok()) {
                        let text = std::str::from_utf8(&window[..len]).unwrap();
                        let expected = clean_in_both(text, style);
                        assert_eq!(window_clean_in_both(&window, len, style), expected, "{text:?} {excel}");
                    }
                }
            }
        }
    }

    /// Strings that exercise every escaping rule of both formats.
    const TRICKY: &[&str] = &[
        "",
        "plain",
        "a,b",
        "a;b",
        "say \"hi\"",
        "\"",
        "\"\"",
        "line\nbreak",
        "cr\rhere",
        "crlf\r\n",
        "tab\there",
        "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{1b}\u{1f}\u{7f}",
        "back\\slash/solidus",
        "Мусин «Сбер» — 2,5 млрд ₽",
        "emoji 🏗️ and € sign",
        "=HYPERLINK(\"x\")",
        "+7 (495)",
        "-1",
        "@SUM",
        "\tlead",
        "\rlead",
        "'quoted'",
        " spaces ",
        "#comment",
        "2134472.44",
    ];

    #[test]
    fn json_strings_match_serde_json() {
        for s in TRICKY {
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        let all: String = (0u8..=0x7f).map(char::from).collect();
        let mut out = Vec::new();
        json_str(&mut out, &all);
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&all).unwrap());
    }

    /// The word-at-a-time tests agree with the byte tests for every byte at every position,
    /// next to every other byte (a borrow from one byte must not fake a match in the next).
    #[test]
    fn word_scans_agree_with_byte_scans() {
        let json_byte = |b: u8| JSON_ESCAPE[usize::from(b)] != 0;
        let csv_word =
            |word| has_byte(word, b';') | has_byte(word, b'"') | has_byte(word, b'\r') | has_byte(word, b'\n');
        let csv_byte = |b: u8| CSV_SPECIAL_SEMICOLON[usize::from(b)];
        for len in [7, 8, 9, 16, 17, 25] {
            for position in 0..len {
                for filler in 0..=255u8 {
                    for b in 0..=255u8 {
                        let mut bytes = vec![filler; len];
                        bytes[position] = b;
                        let json = bytes.iter().any(|&b| json_byte(b));
                        assert_eq!(any_byte(&bytes, json_special_word, json_byte), json, "{bytes:?}");
                        let csv = bytes.iter().any(|&b| csv_byte(b));
                        assert_eq!(any_byte(&bytes, csv_word, csv_byte), csv, "{bytes:?}");
                        for n in 0..=bytes.len() {
                            let both = bytes[..n].iter().any(|&b| json_byte(b) || csv_byte(b));
                            let short = any_byte_short(&bytes[..n], |w| json_special_word(w) | csv_word(w));
                            assert_eq!(short, both, "{:?}", &bytes[..n]);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn integers_match_display() {
        for n in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            let mut out = Vec::new();
            uint(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    /// The csv crate's record for `fields`, configured as gazetka configured it before.
    fn csv_crate(fields: &[String], style: CsvStyle) -> Vec<u8> {
        let mut writer =
            csv::WriterBuilder::new().has_headers(false).delimiter(style.delimiter()).from_writer(Vec::new());
        writer.write_record(fields).unwrap();
        writer.into_inner().unwrap()
    }

    #[test]
    fn csv_fields_match_the_csv_crate() {
        for excel in [false, true] {
            let style = CsvStyle { excel };
            for s in TRICKY {
                for other in ["", "x", "a\"b"] {
                    let mut out = Vec::new();
                    CsvRecord::new(&mut out, style).text(s).plain(other).number(s).raw(b"42").raw(b"").end();
                    let fields = [
                        style.text_cell(s).into_owned(),
                        other.to_string(),
                        style.number_cell(s).into_owned(),
                        "42".to_string(),
                        String::new(),
                    ];
                    assert_eq!(out, csv_crate(&fields, style), "{s:?} excel={excel}");
                }
            }
        }
    }

    /// The block scan gives what the byte tables give, for every byte at every position of
    /// a block, next to every other byte, with either delimiter.
    #[test]
    fn block_scans_agree() {
        for delimiter in [b',', b';'] {
            let special = csv_special_table(delimiter);
            for position in 0..16 {
                for filler in 0..=255u8 {
                    for b in 0..=255u8 {
                        let mut block = [filler; 16];
                        block[position] = b;
                        let expected = TextNeeds {
                            json_escapes: block.iter().any(|&b| JSON_ESCAPE[usize::from(b)] != 0),
                            csv_quotes: block.iter().any(|&b| special[usize::from(b)]),
                            double_quote: block.contains(&b'"'),
                        };
                        assert_eq!(block_needs(Block16::load(&block, 0).unwrap(), delimiter), expected, "{block:?}");
                    }
                }
            }
        }
    }

    /// Long texts, with one special byte at every place of a 32-byte block, before and after
    /// the last whole block: the AVX2 scan (where the processor has it) and the sixteen-byte
    /// scan give what the byte tables give.
    #[test]
    fn long_text_scans_agree() {
        for delimiter in [b',', b';'] {
            let special = csv_special_table(delimiter);
            for len in [64, 65, 95, 96, 100, 127] {
                for at in 0..len {
                    for b in [b'"', b'\\', b'\n', b'\r', 0, 0x1f, b',', b';', b' ', 0x7f, 0xd0] {
                        let mut bytes = vec![b'x'; len];
                        bytes[at] = b;
                        let expected = TextNeeds {
                            json_escapes: bytes.iter().any(|&b| JSON_ESCAPE[usize::from(b)] != 0),
                            csv_quotes: bytes.iter().any(|&b| special[usize::from(b)]),
                            double_quote: bytes.contains(&b'"'),
                        };
                        assert_eq!(TextNeeds::of(&bytes, delimiter), expected, "{bytes:?}");
                        assert_eq!(TextNeeds::of_16(&bytes, delimiter), expected, "{bytes:?}");
                    }
                }
            }
        }
    }

    /// One scan gives what `text` and `json_str` give (formula starts, quotes, escapes, both
    /// delimiters, padding of the last word at every length).
    #[test]
    fn text_and_json_match_text_then_json() {
        let lengths = ["", "a", "абв", "1234567", "12345678", "123456789", "ё".repeat(9).as_str()].map(str::to_string);
        for excel in [false, true] {
            let style = CsvStyle { excel };
            for s in TRICKY.iter().map(|s| s.to_string()).chain(lengths.iter().cloned()) {
                for pad in ["", "x", "1234567"] {
                    for s in [format!("{s}{pad}"), format!("{pad}{s}")] {
                        let (mut csv, mut json) = (Vec::new(), Vec::new());
                        let clean = CsvRecord::new(&mut csv, style).raw(b"x").text_and_json(&s, &mut json);
                        let (mut expected_csv, mut expected_json) = (Vec::new(), Vec::new());
                        CsvRecord::new(&mut expected_csv, style).raw(b"x").text(&s);
                        json_str(&mut expected_json, &s);
                        assert_eq!(csv, expected_csv, "{s:?} excel={excel}");
                        assert_eq!(json, expected_json, "{s:?}");
                        assert_eq!(clean, !s.bytes().any(|b| JSON_ESCAPE[usize::from(b)] != 0), "{s:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn text_and_json_match_text_then_json_on_any_string(s in "\\PC*|[\\x00-\\x7f]*", excel: bool) {
            let style = CsvStyle { excel };
            let (mut csv, mut json) = (Vec::new(), Vec::new());
            CsvRecord::new(&mut csv, style).raw(b"").text_and_json(&s, &mut json);
            let (mut expected_csv, mut expected_json) = (Vec::new(), Vec::new());
            CsvRecord::new(&mut expected_csv, style).raw(b"").text(&s);
            json_str(&mut expected_json, &s);
            proptest::prop_assert_eq!(csv, expected_csv);
            proptest::prop_assert_eq!(json, expected_json);
        }

        #[test]
        fn any_string_escapes_like_the_crates(s in "\\PC*|[\\x00-\\x7f]*", excel: bool) {
            let mut json = Vec::new();
            json_str(&mut json, &s);
            proptest::prop_assert_eq!(String::from_utf8(json).unwrap(), serde_json::to_string(&s).unwrap());
            let style = CsvStyle { excel };
            let mut csv_out = Vec::new();
            CsvRecord::new(&mut csv_out, style).text(&s).plain(&s).end();
            let fields = [style.text_cell(&s).into_owned(), s.clone()];
            proptest::prop_assert_eq!(csv_out, csv_crate(&fields, style));
        }
    }
}
