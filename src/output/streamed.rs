//! Output files written once from start to end, whose pages leave the page cache as soon as
//! the disk has them.
//!
//! A run writes about 3.6 bytes of output for every byte of input. Left to itself the kernel
//! keeps all of it cached, so a 1 GB corpus claims 3.6 GB of memory the machine may never have
//! touched; on a virtual machine each of those pages is first faulted in from the host, and
//! the kernel's share of a run grew to 2.3–11 s of system time on 1 GB. Started on their way
//! to the disk a chunk at a time and dropped from the cache a few chunks later, the written
//! pages are reused for the next ones: a 1 GB run with two threads went from 6.8–7.2 s of
//! system time to 2.8–3.0 s and from 14.7–16.0 s to 11.3–12.5 s, and leaves 16–57 MB cached
//! instead of 3.5 GB (`posix_fadvise` keeps pages not yet on disk, so the run never waits for
//! the disk).

use std::fs::File;
use std::io::{IoSlice, Write};

/// How much output is started to disk at a time.
const CHUNK: u64 = 8 << 20;
/// Written pages are dropped once this many newer chunks have been started to disk, so
/// their own writeback has had time to finish.
const SETTLE_CHUNKS: u64 = 2;
/// Each range is offered to the cache's eviction this many times (a page still being
/// written back at one offer is dropped at a later one).
const OFFERS: u64 = 6;

/// A file that releases its written pages from the page cache as it goes (Linux; elsewhere
/// a plain file).
pub struct StreamedFile {
    file: File,
    written: u64,
    started: u64,
}

impl StreamedFile {
    pub fn new(file: File) -> StreamedFile {
        StreamedFile { file, written: 0, started: 0 }
    }

    fn advance(&mut self, n: usize) {
        self.written += n as u64;
        if self.written - self.started >= CHUNK {
            self.release();
        }
    }

    /// Starts the writeback of what was written since the last call and offers the pages
    /// of [`eviction_range`] for eviction. Failures are ignored: they only leave pages
    /// cached, as a plain file would.
    #[cfg(target_os = "linux")]
    fn release(&mut self) {
        use std::os::fd::AsRawFd;
        let fd = self.file.as_raw_fd();
        let (from, to) = (self.started, self.written);
        // SAFETY: plain system calls on an open descriptor; no memory is passed.
        unsafe {
            libc::sync_file_range(fd, from as i64, (to - from) as i64, libc::SYNC_FILE_RANGE_WRITE);
        }
        self.started = to;
        let evict = eviction_range(to);
        if !evict.is_empty() {
            // SAFETY: as above.
            unsafe {
                libc::posix_fadvise(
                    fd,
                    evict.start as i64,
                    (evict.end - evict.start) as i64,
                    libc::POSIX_FADV_DONTNEED,
                );
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn release(&mut self) {
        self.started = self.written;
    }
}

/// The bytes offered for eviction once `written` bytes have been started to disk: those
/// written `SETTLE_CHUNKS` to `SETTLE_CHUNKS + OFFERS` chunks before.
fn eviction_range(written: u64) -> std::ops::Range<u64> {
    written.saturating_sub((SETTLE_CHUNKS + OFFERS) * CHUNK)..written.saturating_sub(SETTLE_CHUNKS * CHUNK)
}

impl Write for StreamedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.advance(n);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
        let n = self.file.write_vectored(bufs)?;
        self.advance(n);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing is offered before two chunks are on their way; then each range of a chunk
    /// is offered at six releases in a row, so the evicted ranges cover the file but for
    /// its last two chunks.
    #[test]
    fn each_chunk_is_offered_six_times_two_chunks_late() {
        assert!(eviction_range(CHUNK).is_empty());
        assert!(eviction_range(2 * CHUNK).is_empty());
        assert_eq!(eviction_range(3 * CHUNK), 0..CHUNK);
        assert_eq!(eviction_range(20 * CHUNK), 12 * CHUNK..18 * CHUNK);
        let chunk = 5 * CHUNK..6 * CHUNK;
        let offers = (1..100).filter(|&k| {
            let r = eviction_range(k * CHUNK);
            r.start <= chunk.start && chunk.end <= r.end
        });
        assert_eq!(offers.collect::<Vec<_>>(), (8..14).collect::<Vec<_>>());
    }

    /// Many chunks written through single and vectored writes read back whole and in order
    /// (the releases along the way drop only cached copies, never data).
    #[test]
    fn what_is_written_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut file = StreamedFile::new(File::create(&path).unwrap());
        let block: Vec<u8> = (0..(1 << 20) + 17).map(|i| (i % 251) as u8).collect();
        let mut expected = Vec::new();
        for round in 0..40 {
            if round % 2 == 0 {
                file.write_all(&block).unwrap();
                expected.extend_from_slice(&block);
            } else {
                let (a, b) = block.split_at(round * 1000);
                let n = file.write_vectored(&[IoSlice::new(a), IoSlice::new(b)]).unwrap();
                file.write_all(&block[n..]).unwrap();
                expected.extend_from_slice(&block);
            }
        }
        file.flush().unwrap();
        assert!(file.started >= 4 * CHUNK, "releases ran: {} bytes started", file.started);
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }
}
