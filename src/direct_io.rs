//! Direct I/O (`O_DIRECT`, Linux): reads and writes that go between the disk and this
//! process's memory without the kernel's page cache, which would copy every byte once more
//! (a tenth of a run's CPU time for its 3.6 bytes of output a byte of input) and fill the
//! machine's memory with a corpus and output read and written once.
//!
//! Direct I/O wants buffers, file offsets and lengths aligned to the device's blocks; where it
//! is refused (tmpfs, other systems, a device with larger blocks), callers fall back to
//! ordinary reads and writes of the same bytes.

use std::fs::File;
use std::io::{BufRead, Read};

/// Alignment of direct I/O: buffer address, file offset and length (the common logical block
/// size; a device that wants more refuses the call and the caller falls back).
pub const BLOCK: usize = 4096;

/// Turns `O_DIRECT` on or off for an open file; whether the system took it.
#[cfg(target_os = "linux")]
pub fn set_direct(file: &File, on: bool) -> bool {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: plain system calls on an open descriptor; no memory is passed.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return false;
        }
        let flags = if on { flags | libc::O_DIRECT } else { flags & !libc::O_DIRECT };
        libc::fcntl(fd, libc::F_SETFL, flags) == 0
    }
}

#[cfg(not(target_os = "linux"))]
pub fn set_direct(_file: &File, _on: bool) -> bool {
    false
}

/// Writes all of `bytes` at `offset` of `file` (the file's own position is left alone on Unix).
pub fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.write_all_at(bytes, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)
    }
}

/// `len` bytes starting at a `BLOCK` boundary: a vector with a block to spare, used from its
/// first aligned byte (so no unsafe code is needed to align it).
pub struct AlignedBuffer {
    bytes: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBuffer {
    pub fn new(len: usize) -> AlignedBuffer {
        let bytes = vec![0; len + BLOCK];
        let start = bytes.as_ptr().align_offset(BLOCK);
        AlignedBuffer { bytes, start, len }
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[self.start..self.start + self.len]
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.bytes[self.start..self.start + self.len]
    }
}

/// Bytes read at a time (a few milliseconds of the disk; the workers have many batches queued).
const READ: usize = 2 << 20;

/// A file read from start to end, directly where the system allows it.
pub struct DirectReader {
    file: File,
    buffer: AlignedBuffer,
    /// The unread bytes are `buffer[pos..filled]`.
    pos: usize,
    filled: usize,
    direct: bool,
}

impl DirectReader {
    pub fn new(file: File) -> DirectReader {
        let direct = set_direct(&file, true);
        DirectReader { file, buffer: AlignedBuffer::new(READ), pos: 0, filled: 0, direct }
    }

    /// Refills the buffer. A direct read refused (or left unaligned by a short read) is
    /// made again through the page cache from the same place.
    fn refill(&mut self) -> std::io::Result<()> {
        loop {
            match self.file.read(self.buffer.as_mut_slice()) {
                Ok(n) => {
                    (self.pos, self.filled) = (0, n);
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if self.direct && e.kind() == std::io::ErrorKind::InvalidInput => {
                    set_direct(&self.file, false);
                    self.direct = false;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Read for DirectReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for DirectReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.filled {
            self.refill()?;
        }
        Ok(&self.buffer.as_slice()[self.pos..self.filled])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.filled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_buffers_start_at_a_block() {
        for len in [1, BLOCK, 3 * BLOCK + 5] {
            let mut buffer = AlignedBuffer::new(len);
            assert_eq!(buffer.as_slice().as_ptr() as usize % BLOCK, 0);
            assert_eq!(buffer.as_mut_slice().len(), len);
        }
    }

    /// Files of several sizes around the read size and the block read back whole, directly
    /// where the test's file system allows it; and after a switch to cached reads midway.
    #[test]
    fn files_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 1, BLOCK - 1, BLOCK, READ - 1, READ, READ + 1, 2 * READ + BLOCK + 7] {
            let path = dir.path().join(format!("in-{len}"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            let mut all = Vec::new();
            DirectReader::new(File::open(&path).unwrap()).read_to_end(&mut all).unwrap();
            assert_eq!(all, bytes, "{len} bytes");

            let mut reader = DirectReader::new(File::open(&path).unwrap());
            let mut lines = Vec::new();
            let first = reader.fill_buf().unwrap().len().min(10);
            lines.extend_from_slice(&reader.fill_buf().unwrap()[..first]);
            reader.consume(first);
            set_direct(&reader.file, false);
            reader.direct = false;
            reader.read_to_end(&mut lines).unwrap();
            assert_eq!(lines, bytes, "{len} bytes, cached from the second read on");
        }
    }
}
