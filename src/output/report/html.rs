//! HTML escaping: every piece of corpus text, id, name or cue goes through here, so a
//! document can never inject markup into the report.

use std::fmt::Write as _;

/// Appends `text` escaped for element content and attribute values (`&<>"'`).
///
/// C0 control characters other than tab, newline and carriage return (and DEL) are shown as
/// U+FFFD: HTML has no way to write them, and a NUL would otherwise end up in the file.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_unwritable(c)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or('\u{fffd}');
        out.push_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => "\u{fffd}",
        });
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// `text` escaped (see [`escape_into`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

fn is_unwritable(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
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
        ] {
            assert_eq!(escape(input), expected, "{input:?}");
        }
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
