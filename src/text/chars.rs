//! `char` predicates with fast paths for ASCII and Russian letters: the standard library
//! answers non-ASCII characters from Unicode tables (a binary search per call), and the
//! entity rules and the inflector ask about every character of every word. Other characters fall back to the
//! standard predicates, so the answers are exactly theirs.

/// `char::is_alphabetic`.
#[inline]
pub fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric`.
#[inline]
pub fn is_letter_or_digit(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
}

/// `char::is_uppercase`.
#[inline]
pub fn is_upper(c: char) -> bool {
    match c {
        'A'..='Z' | '\u{400}'..='\u{42f}' => true,
        c if c.is_ascii() => false,
        '\u{430}'..='\u{45f}' => false,
        c => c.is_uppercase(),
    }
}

/// `char::is_lowercase`.
#[inline]
pub fn is_lower(c: char) -> bool {
    match c {
        'a'..='z' | '\u{430}'..='\u{45f}' => true,
        c if c.is_ascii() => false,
        '\u{400}'..='\u{42f}' => false,
        c => c.is_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of the Basic Multilingual Plane and beyond answers as the standard
    /// library does.
    #[test]
    fn agree_with_std_everywhere() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_upper(c), c.is_uppercase(), "{c:?}");
            assert_eq!(is_lower(c), c.is_lowercase(), "{c:?}");
        }
    }
}
