//! Turning a file's bytes into text, or into a reason it was skipped.
//!
//! Order of decisions: a BOM names the encoding (UTF-8, UTF-16LE/BE); valid UTF-8 is
//! UTF-8; bytes with NUL or many control characters are binary and skipped; text with no
//! valid multi-byte UTF-8 sequence but many high bytes is single-byte Cyrillic, and
//! windows-1251 and KOI8-R are told apart by how Russian their letters look (lower case
//! dominates real prose); anything else is UTF-8 with damage, decoded with U+FFFD in place
//! of each bad sequence and a note saying how many.

use encoding_rs::{Encoding, KOI8_R, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1251};

/// The decoded text of one document.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Name of the encoding used (`UTF-8`, `windows-1251`, `KOI8-R`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// What the reader should know (replaced bytes, a removed BOM).
    pub notes: Vec<String>,
}

/// Decodes bytes, or says why they are not a text document.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..], vec![format!("{} byte order mark removed", encoding.name())]);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if looks_binary(bytes) {
            return Err(binary_reason(bytes));
        }
        return Ok(Decoded { text: text.to_string(), encoding: UTF_8.name(), notes: Vec::new() });
    }
    if looks_binary(bytes) {
        return Err(binary_reason(bytes));
    }
    if looks_utf16(bytes) {
        let encoding =
            if bytes.iter().step_by(2).filter(|&&b| b == 0).count() > bytes.len() / 4 { UTF_16BE } else { UTF_16LE };
        return decode_with(encoding, bytes, vec!["UTF-16 without byte order mark".to_string()]);
    }
    if valid_utf8_multibyte_sequences(bytes) == 0 {
        if let Some(encoding) = guess_single_byte_cyrillic(bytes) {
            return decode_with(encoding, bytes, Vec::new());
        }
    }
    let (text, _, _) = UTF_8.decode(bytes);
    let replaced = text.matches('\u{fffd}').count();
    Ok(Decoded {
        encoding: UTF_8.name(),
        notes: vec![format!("{replaced} invalid UTF-8 sequence(s) replaced with U+FFFD")],
        text: text.into_owned(),
    })
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], mut notes: Vec<String>) -> Result<Decoded, String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let replaced = text.matches('\u{fffd}').count();
        notes.push(format!("{replaced} invalid {} sequence(s) replaced with U+FFFD", encoding.name()));
    }
    if text.contains('\0') {
        return Err(format!("binary content (NUL characters after decoding as {})", encoding.name()));
    }
    Ok(Decoded { text: text.into_owned(), encoding: encoding.name(), notes })
}

/// NUL bytes, or more than 10% control characters other than tab and line ends.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) && !looks_utf16(bytes) {
        return true;
    }
    let control = bytes.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    control * 10 > bytes.len().max(1)
}

fn binary_reason(bytes: &[u8]) -> String {
    let nul = bytes.iter().filter(|&&b| b == 0).count();
    if nul > 0 {
        format!("binary file ({nul} NUL bytes in {} bytes)", bytes.len())
    } else {
        format!("binary file (too many control characters in {} bytes)", bytes.len())
    }
}

/// UTF-16 text without a BOM: every other byte is NUL in mostly-ASCII text.
fn looks_utf16(bytes: &[u8]) -> bool {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return false;
    }
    let even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = bytes.len() / 2;
    (even * 10 > half * 3 && odd == 0) || (odd * 10 > half * 3 && even == 0)
}

fn valid_utf8_multibyte_sequences(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return count + s.chars().filter(|c| !c.is_ascii()).count(),
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                count += std::str::from_utf8(good).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                rest = &bad[skip.min(bad.len())..];
                if rest.is_empty() {
                    return count;
                }
            }
        }
    }
}

/// windows-1251 or KOI8-R when the high bytes read as Russian prose in one of them.
fn guess_single_byte_cyrillic(bytes: &[u8]) -> Option<&'static Encoding> {
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    if high == 0 {
        return None;
    }
    let score = |encoding: &'static Encoding| {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        let mut lower = 0usize;
        let mut upper = 0usize;
        for c in text.chars() {
            match c {
                'а'..='я' | 'ё' => lower += 1,
                'А'..='Я' | 'Ё' => upper += 1,
                _ => {}
            }
        }
        (lower, upper)
    };
    let (l1251, u1251) = score(WINDOWS_1251);
    let (lkoi, ukoi) = score(KOI8_R);
    let (encoding, lower, upper) = if l1251 >= lkoi { (WINDOWS_1251, l1251, u1251) } else { (KOI8_R, lkoi, ukoi) };
    // Clearly right: nearly all high bytes are Cyrillic letters, mostly lower case.
    if (lower + upper) * 10 >= high * 8 && lower * 10 >= (lower + upper) * 6 {
        Some(encoding)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: &str = "Министр цифрового развития Багдат Мусин заявил журналистам, что соглашение не подписано.";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(PROSE.as_bytes()).unwrap().text, PROSE);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(PROSE.as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PROSE, "UTF-8"));
    }

    #[test]
    fn windows_1251_and_koi8_r() {
        let (cp, _, _) = WINDOWS_1251.encode(PROSE);
        let d = decode(&cp).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PROSE, "windows-1251"));
        let (koi, _, _) = KOI8_R.encode(PROSE);
        let d = decode(&koi).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PROSE, "KOI8-R"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in PROSE.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PROSE, "UTF-16LE"));
    }

    #[test]
    fn damaged_utf8_is_repaired_with_a_note() {
        let mut bytes = PROSE.as_bytes().to_vec();
        bytes.insert(10, 0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text.matches('\u{fffd}').count(), 1);
        assert!(d.notes[0].starts_with("1 invalid"), "{:?}", d.notes);
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap_err().starts_with("binary file"));
        assert!(decode(&[0x01, 0x02, 0x03, 0x04, b'a']).is_err());
    }
}
