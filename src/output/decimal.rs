//! Unsigned integers in decimal for the output rows, written with fixed-size stores.
//!
//! Every row holds a few offsets, each written twice (JSON and CSV). Formatting them with
//! `itoa` and copying the digits with `extend_from_slice` cost about 130 instructions a
//! number, mostly in `memcpy` calls for a few bytes. Offsets are below 10^8 in practice:
//! their eight digits are worked out at once in a `u64` (each step splits every lane in
//! two with a multiply), shifted so the first significant digit comes first, and stored
//! as eight bytes of which the extra ones are cut off again (`truncate`), with no loop and
//! no `memcpy`. Larger numbers go through `itoa`.

/// The decimal digits of a number, formatted once to be appended to several buffers.
#[derive(Clone, Copy)]
pub enum Digits {
    /// Below 10^8: the digits first, then padding; how many digits there are (1 to 8).
    Short([u8; 8], usize),
    /// Larger numbers (up to twenty digits), through `itoa`.
    Long([u8; 20], usize),
}

impl Digits {
    #[inline]
    pub fn new(n: usize) -> Digits {
        match u32::try_from(n) {
            Ok(small) if small < 100_000_000 => {
                let values = eight_digit_values(small);
                // The leading zeros are the low bytes that are zero (no `ilog10`: one bit
                // scan); 0 has one digit.
                let len = (8 - (values.trailing_zeros() / 8) as usize).max(1);
                // The eight digits with leading zeros, first in byte 0; the shift drops the
                // leading zeros (a little-endian shift right moves bytes to lower places).
                let digits = (values | 0x3030_3030_3030_3030) >> (8 * (8 - len));
                Digits::Short(digits.to_le_bytes(), len)
            }
            _ => {
                let mut buffer = itoa::Buffer::new();
                let text = buffer.format(n).as_bytes();
                let mut long = [0; 20];
                long[..text.len()].copy_from_slice(text);
                Digits::Long(long, text.len())
            }
        }
    }

    /// Appends the digits to `out`: a short number as one eight-byte store, the bytes past
    /// its digits cut off again.
    #[inline]
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Digits::Short(word, len) => {
                let end = out.len() + len;
                out.extend_from_slice(word);
                out.truncate(end);
            }
            Digits::Long(digits, len) => out.extend_from_slice(&digits[..*len]),
        }
    }
}

/// The eight decimal digits of `n < 10^8` with leading zeros, as values 0 to 9 (not yet
/// ASCII), the most significant in the lowest byte (the first byte in memory).
///
/// `n` is split into two four-digit halves in 32-bit lanes, each of those into two
/// two-digit halves in 16-bit lanes, each of those into two digits in 8-bit lanes. A
/// division by 100 (or 10) of every lane at once is a multiply by a scaled reciprocal
/// and a shift, exact for the ranges that occur (below 10^4, below 100); no lane's
/// product reaches the next lane's bits that the mask keeps.
#[inline]
fn eight_digit_values(n: u32) -> u64 {
    debug_assert!(n < 100_000_000);
    let n = u64::from(n);
    // The high half goes to the low lane: it holds the first digits, which come first.
    let halves = (n / 10_000) | ((n % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let quarters = hundreds | (halves - hundreds * 100) << 16;
    let tens = ((quarters * 103) >> 10) & 0x000f_000f_000f_000f;
    tens | (quarters - tens * 10) << 8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written after other bytes, twice (as a row writes JSON and CSV), so a store past
    /// the digits that was not cut off would show.
    fn written(n: usize) -> String {
        let mut out = b"x".to_vec();
        let digits = Digits::new(n);
        digits.write(&mut out);
        out.push(b'|');
        digits.write(&mut out);
        let text = String::from_utf8(out).unwrap();
        let (first, second) = text[1..].split_once('|').unwrap();
        assert_eq!(first, second);
        first.to_string()
    }

    #[test]
    fn numbers_match_display_at_every_length_and_edge() {
        let mut cases = vec![0, 1, 9, 10, 99, 100, 12_345, 99_999_999, 100_000_000, 4_294_967_295, usize::MAX];
        for digits in 1..=20u32 {
            let power = 10u128.pow(digits);
            for n in [power - 1, power, power + 1, power / 2 + 7] {
                cases.extend(usize::try_from(n).ok());
            }
        }
        for n in cases {
            assert_eq!(written(n), n.to_string(), "{n}");
        }
    }

    #[test]
    fn every_number_below_a_million_and_a_sample_above() {
        for n in 0..1_000_000 {
            assert_eq!(written(n), n.to_string());
        }
        for n in (1_000_000..100_000_000).step_by(997) {
            assert_eq!(written(n), n.to_string());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_number_matches_display(n in proptest::num::usize::ANY, small in 0usize..100_000_000) {
            proptest::prop_assert_eq!(written(n), n.to_string());
            proptest::prop_assert_eq!(written(small), small.to_string());
        }
    }
}
