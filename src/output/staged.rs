//! Short pieces of a row gathered on the stack with fixed-size stores, then appended to the
//! output in one copy.
//!
//! A row is about twenty pieces of a few bytes (the id, numbers, keys, a name); appending
//! each to a `Vec` cost a capacity check, a length update and mostly a `memcpy` call of a
//! few bytes. Here every piece is stored whole from an array of a fixed size (padded past
//! its real length) and the position moves on by its real length, so the padding is
//! overwritten by the next piece or left out at the end: no call and no check but the
//! bounds check of the store.

/// Up to `N` bytes, the first `len` of which hold the gathered pieces.
pub struct Staged<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Staged<N> {
    pub fn new() -> Staged<N> {
        Staged { buf: [0; N], len: 0 }
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends the first `len` bytes of `padded` (all `M` are stored).
    ///
    /// # Panics
    /// When the `M` bytes do not fit (the callers size `N` for their worst case).
    #[inline]
    pub fn put<const M: usize>(&mut self, padded: &[u8; M], len: usize) {
        debug_assert!(len <= M);
        self.buf[self.len..self.len + M].copy_from_slice(padded);
        self.len += len;
    }

    /// Appends a [`Padded`] piece.
    #[inline]
    pub fn put_padded<const M: usize>(&mut self, piece: &Padded<M>) {
        self.put(&piece.bytes, piece.len);
    }

    #[inline]
    pub fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Up to `M` bytes kept in an array of `M`, to be appended by [`Staged::put_padded`].
#[derive(Clone, Copy)]
pub struct Padded<const M: usize> {
    bytes: [u8; M],
    len: usize,
}

impl<const M: usize> Padded<M> {
    /// `bytes` padded with zeros, if they fit.
    pub fn new(bytes: &[u8]) -> Option<Padded<M>> {
        let mut padded = [0; M];
        padded.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(Padded { bytes: padded, len: bytes.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of every length up to their padding, one after the other, give the bytes
    /// appended one by one.
    #[test]
    fn staged_pieces_are_the_pieces_in_order() {
        let mut staged = Staged::<64>::new();
        let mut expected = Vec::new();
        for len in 0..=8 {
            let piece: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
            staged.put_padded(&Padded::<8>::new(&piece).unwrap());
            staged.push(b'|');
            expected.extend_from_slice(&piece);
            expected.push(b'|');
        }
        assert_eq!(staged.as_bytes(), &expected[..]);
        staged.clear();
        staged.put(b"xyzw", 2);
        assert_eq!(staged.as_bytes(), b"xy");
        assert!(Padded::<4>::new(b"12345").is_none());
    }
}
