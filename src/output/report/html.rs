//! HTML escaping: every piece of corpus text, id, name or cue goes through here, so a
//! document can never inject markup into the report.

use std::fmt::Write as _;

use crate::text::block16::Block16;

/// Appends `text` escaped for element content and attribute values (`&<>"'`).
///
/// C0 control characters other than tab, newline and carriage return (and DEL) are shown as
/// U+FFFD: HTML has no way to write them, and a NUL would otherwise end up in the file.
///
/// Every byte to replace is ASCII, and in UTF-8 an ASCII byte is always a whole character,
/// so the scan works on bytes, sixteen at a time ([`Block16`]): a block's mask of bytes that
/// may need replacing leads straight to them, and a block without any is skipped whole. This
/// runs on the serial writer thread over every highlighted text and title.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0; // first byte not yet copied
    let mut i = 0;
    loop {
        let mut candidates = match Block16::load(bytes, i) {
            Some(block) => maybe_special(block),
            None if i < bytes.len() => {
                // The last bytes, padded with spaces (never replaced).
                let mut last = [b' '; 16];
                last[..bytes.len() - i].copy_from_slice(&bytes[i..]);
                maybe_special(Block16::load(&last, 0).expect("sixteen bytes"))
            }
            None => break,
        };
        while candidates != 0 {
            let j = i + candidates.trailing_zeros() as usize;
            if let Some(escaped) = replacement(bytes[j]) {
                out.push_str(&text[start..j]);
                out.push_str(escaped);
                start = j + 1;
            }
            candidates &= candidates - 1;
        }
        i += 16;
    }
    out.push_str(&text[start..]);
}

/// One bit per byte of `block` that may be one [`replacement`] replaces (tab, newline and
/// carriage return also answer yes; [`replacement`] then keeps them).
#[inline]
fn maybe_special(block: Block16) -> u32 {
    let markup = block.eq(b'&') | block.eq(b'<') | block.eq(b'>') | block.eq(b'"') | block.eq(b'\'');
    (markup | block.in_range(0, 0x1f) | block.eq(0x7f)).bits()
}

/// What the byte `b` is written as, if not as itself.
fn replacement(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        b'\t' | b'\n' | b'\r' => None,
        0..0x20 | 0x7f => Some("\u{fffd}"),
        _ => None,
    }
}

/// `text` escaped (see [`escape_into`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// A whole number with thin spaces between groups of three digits (`2 134 472.44`), for
/// reading; the exact value stays in the title.
pub fn group_digits(value: &str) -> String {
    let (int, frac) = value.split_once('.').map_or((value, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(value.len() + value.len() / 3 * 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && int.is_ascii() {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        let _ = write!(out, ".{f}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        for (input, expected) in [
            ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            ("АО \"НИТ\" & Co", "АО &quot;НИТ&quot; &amp; Co"),
            ("&amp;", "&amp;amp;"),
            ("a\u{0}b\u{7f}c\td\ne", "a\u{fffd}b\u{fffd}c\td\ne"),
            ("«ёлочки» 🙂", "«ёлочки» 🙂"),
            ("", ""),
            ("<", "&lt;"),
            ("1234567<", "1234567&lt;"),
            ("12345678<", "12345678&lt;"),
            ("абвг\"", "абвг&quot;"),
            ("ёёёё&ёёёёё'ё\u{1}", "ёёёё&amp;ёёёёё&#39;ё\u{fffd}"),
            ("\r\n\t\r\n\t\r\n\t>", "\r\n\t\r\n\t\r\n\t&gt;"),
            ("e\u{301}🙂\u{1f}🙂\u{7f}", "e\u{301}🙂\u{fffd}🙂\u{fffd}"),
        ] {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }

    /// The old char-by-char escaper, as the reference for the byte scan.
    fn escape_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\t' | '\n' | '\r' => out.push(c),
                c if c.is_ascii_control() || c == '\u{7f}' => out.push('\u{fffd}'),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn byte_scan_matches_char_scan_at_every_offset() {
        let pieces = [
            "а", "ё", "x", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\u{0}", "\u{1f}", "\u{7f}", "🙂", "\u{301}",
            "«",
        ];
        for (k, special) in pieces.iter().enumerate() {
            for pad in 0..40 {
                let text = format!(
                    "{}{special}{}",
                    "д".repeat(pad / 2) + &"z".repeat(pad % 2),
                    pieces[(k + pad) % pieces.len()]
                );
                assert_eq!(escape(&text), escape_by_chars(&text), "{text:?}");
            }
        }
        let all: String = (0u8..0x80).map(char::from).chain("ёЁ€🙂".chars()).collect();
        assert_eq!(escape(&all), escape_by_chars(&all));
    }

    #[test]
    fn groups_digits() {
        for (input, expected) in [
            ("2134472.44", "2\u{202f}134\u{202f}472.44"),
            ("500000000", "500\u{202f}000\u{202f}000"),
            ("12", "12"),
            ("0.5", "0.5"),
            ("", ""),
        ] {
            assert_eq!(group_digits(input), expected, "{input:?}");
        }
    }
}
