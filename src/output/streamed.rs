//! Output files written once from start to end, straight to the disk where the system allows
//! it, and otherwise through a page cache they leave as soon as the disk has them.
//!
//! A run writes about 3.6 bytes of output for every byte of input. Through the page cache,
//! the kernel copies every byte once more and does its bookkeeping page by page (on this
//! project's VM a 1 GB run spent 2.3–2.5 s of system time on it, a tenth of the run's CPU
//! time, even with the pages dropped as they went), and left to itself it keeps all of it
//! cached, claiming 3.6 GB of memory. So each file gathers its bytes in a 1 MB staging
//! buffer aligned for direct I/O (`O_DIRECT`, Linux) and hands every full buffer to the disk
//! without the page cache: a 1 GB run with two threads went from 2.3–2.5 s of system time to
//! 1.0–1.1 s, and its user time fell too (the one copy into the stage is cheaper than the
//! kernel's).
//!
//! Where direct I/O is refused (tmpfs, other systems, a device that wants other alignment)
//! or the disk cannot keep up with the run (see [`disk_is_behind`]), the file falls back to
//! cached writes, started to disk a chunk at a time and dropped from the cache a few chunks
//! later (`sync_file_range`, `posix_fadvise`), which never waits for the disk.

use std::fs::File;
use std::io::{IoSlice, Write};
use std::time::{Duration, Instant};

use crate::direct_io::{set_direct, write_all_at, AlignedBuffer, BLOCK};

/// Bytes gathered before they are written.
const STAGE: usize = 1 << 20;

/// How much cached output is started to disk at a time.
const CHUNK: u64 = 8 << 20;
/// Written pages are dropped once this many newer chunks have been started to disk, so
/// their own writeback has had time to finish.
const SETTLE_CHUNKS: u64 = 2;
/// Each range is offered to the cache's eviction this many times (a page still being
/// written back at one offer is dropped at a later one).
const OFFERS: u64 = 6;

/// A file written from start to end through a staging buffer: straight to the disk where the
/// system allows it, otherwise through the page cache, whose pages it releases as it goes.
///
/// `flush` writes everything staged. In direct mode it writes the last, partial block through
/// the page cache and keeps it staged, to write it again, whole, with what follows; so flush
/// at the end, not after every few bytes.
pub struct StreamedFile {
    file: File,
    /// Bytes staged for the disk.
    stage: AlignedBuffer,
    /// Bytes of the stage in use.
    staged: usize,
    /// File offset of the stage's first byte (a multiple of `BLOCK` in direct mode).
    offset: u64,
    mode: Mode,
}

enum Mode {
    /// `O_DIRECT` writes; `blocked` is the time they took, since `since`.
    Direct { since: Instant, blocked: Duration },
    /// Page-cache writes; `started` is how far writeback has been started.
    Cached { started: u64 },
}

impl StreamedFile {
    pub fn new(file: File) -> StreamedFile {
        let mode = if set_direct(&file, true) {
            Mode::Direct { since: Instant::now(), blocked: Duration::ZERO }
        } else {
            Mode::Cached { started: 0 }
        };
        StreamedFile::with_mode(file, mode)
    }

    fn with_mode(file: File, mode: Mode) -> StreamedFile {
        StreamedFile { file, stage: AlignedBuffer::new(STAGE), staged: 0, offset: 0, mode }
    }

    /// Whether the file writes past the page cache.
    pub fn is_direct(&self) -> bool {
        matches!(self.mode, Mode::Direct { .. })
    }

    /// Copies `bytes` into the stage, writing it out each time it is full.
    fn put(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let n = bytes.len().min(STAGE - self.staged);
            let at = self.staged;
            self.stage.as_mut_slice()[at..at + n].copy_from_slice(&bytes[..n]);
            self.staged += n;
            bytes = &bytes[n..];
            if self.staged == STAGE {
                self.write_whole_blocks()?;
            }
        }
        Ok(())
    }

    /// Writes the stage's whole blocks (all of it in cached mode) and keeps the rest staged.
    fn write_whole_blocks(&mut self) -> std::io::Result<()> {
        let len = match self.mode {
            Mode::Direct { .. } => self.staged / BLOCK * BLOCK,
            Mode::Cached { .. } => self.staged,
        };
        if len == 0 {
            return Ok(());
        }
        if let Mode::Direct { since, blocked } = &mut self.mode {
            let started = Instant::now();
            let written = write_all_at(&self.file, &self.stage.as_slice()[..len], self.offset);
            *blocked += started.elapsed();
            let behind = disk_is_behind(*blocked, since.elapsed(), self.offset + len as u64);
            if written.is_err() || behind {
                // Refused (or cut short) by the device, or too slow: what was written is
                // written again, the same bytes at the same place, through the cache.
                set_direct(&self.file, false);
                self.mode = Mode::Cached { started: self.offset };
                if written.is_err() {
                    return self.write_whole_blocks();
                }
            }
        } else {
            write_all_at(&self.file, &self.stage.as_slice()[..len], self.offset)?;
        }
        self.offset += len as u64;
        self.stage.as_mut_slice().copy_within(len..self.staged, 0);
        self.staged -= len;
        if let Mode::Cached { started } = &mut self.mode {
            if self.offset - *started >= CHUNK {
                release(&self.file, started, self.offset);
            }
        }
        Ok(())
    }

    /// In direct mode, the staged part of a block, written through the page cache; it stays
    /// staged and goes to the disk again, whole, with the bytes that follow it.
    fn write_partial_block(&mut self) -> std::io::Result<()> {
        if self.staged == 0 {
            return Ok(());
        }
        set_direct(&self.file, false);
        let written = write_all_at(&self.file, &self.stage.as_slice()[..self.staged], self.offset);
        set_direct(&self.file, true);
        written
    }
}

/// Whether direct writes hold the run back: they have taken more than half the time since
/// the file's first write, measured once there is enough output to judge (64 MB). The
/// page cache then takes the output faster than the disk does (and the kernel writes it
/// back after the run).
fn disk_is_behind(blocked: Duration, elapsed: Duration, written: u64) -> bool {
    written >= 64 << 20 && blocked * 2 > elapsed
}

/// Starts the writeback of the cached bytes from `started` to `written` and offers the pages
/// of [`eviction_range`] for eviction. Failures are ignored: they only leave pages cached, as
/// a plain file would.
#[cfg(target_os = "linux")]
fn release(file: &File, started: &mut u64, written: u64) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    let from = *started;
    // SAFETY: plain system calls on an open descriptor; no memory is passed.
    unsafe {
        libc::sync_file_range(fd, from as i64, (written - from) as i64, libc::SYNC_FILE_RANGE_WRITE);
    }
    *started = written;
    let evict = eviction_range(written);
    if !evict.is_empty() {
        // SAFETY: as above.
        unsafe {
            libc::posix_fadvise(fd, evict.start as i64, (evict.end - evict.start) as i64, libc::POSIX_FADV_DONTNEED);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn release(_file: &File, started: &mut u64, written: u64) {
    *started = written;
}

/// The bytes offered for eviction once `written` bytes have been started to disk: those
/// written `SETTLE_CHUNKS` to `SETTLE_CHUNKS + OFFERS` chunks before.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn eviction_range(written: u64) -> std::ops::Range<u64> {
    written.saturating_sub((SETTLE_CHUNKS + OFFERS) * CHUNK)..written.saturating_sub(SETTLE_CHUNKS * CHUNK)
}

/// Like `BufWriter`, writes what is staged (errors are lost here: flush to see them).
impl Drop for StreamedFile {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl Write for StreamedFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.put(bytes)?;
        Ok(bytes.len())
    }

    fn write_vectored(&mut self, slices: &[IoSlice<'_>]) -> std::io::Result<usize> {
        let mut n = 0;
        for bytes in slices {
            self.put(bytes)?;
            n += bytes.len();
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_whole_blocks()?;
        if self.is_direct() {
            self.write_partial_block()?;
        }
        Ok(())
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

    #[test]
    fn the_disk_is_behind_when_writes_take_half_the_time() {
        let ms = Duration::from_millis;
        assert!(!disk_is_behind(ms(900), ms(1000), 1 << 20), "too early to judge");
        assert!(disk_is_behind(ms(600), ms(1000), 64 << 20));
        assert!(!disk_is_behind(ms(400), ms(1000), 64 << 20));
    }

    /// Writes many chunks through single and vectored writes of odd sizes, with flushes
    /// in between, and checks that the file reads back whole and in order.
    fn reads_back(mut file: StreamedFile, path: &std::path::Path, rounds: usize) -> StreamedFile {
        let block: Vec<u8> = (0..(1 << 20) + 17).map(|i| (i % 251) as u8).collect();
        let mut expected = Vec::new();
        for round in 0..rounds {
            if round % 2 == 0 {
                file.write_all(&block).unwrap();
            } else {
                let (a, b) = block.split_at(round * 1000);
                let n = file.write_vectored(&[IoSlice::new(a), IoSlice::new(b)]).unwrap();
                file.write_all(&block[n..]).unwrap();
            }
            expected.extend_from_slice(&block);
            if round % 16 == 3 {
                file.flush().unwrap();
                assert_eq!(std::fs::read(path).unwrap(), expected, "after the flush of round {round}");
                file.write_all(b"x").unwrap();
                expected.push(b'x');
            }
        }
        file.flush().unwrap();
        assert_eq!(std::fs::read(path).unwrap(), expected);
        file
    }

    /// Direct where the test's file system allows it (the fallback otherwise).
    #[test]
    fn what_is_written_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        reads_back(StreamedFile::new(File::create(&path).unwrap()), &path, 40);
    }

    #[test]
    fn what_is_written_through_the_cache_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let file = StreamedFile::with_mode(File::create(&path).unwrap(), Mode::Cached { started: 0 });
        let file = reads_back(file, &path, 40);
        assert!(!file.is_direct());
        let Mode::Cached { started } = file.mode else { unreachable!() };
        assert!(started >= 4 * CHUNK, "releases ran: {started} bytes started");
    }

    /// A file that falls back in the middle (here: told that its disk is slow) keeps every
    /// byte in its place.
    #[test]
    fn falling_back_midway_keeps_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut file = StreamedFile::new(File::create(&path).unwrap());
        if !file.is_direct() {
            return; // nothing to fall back from on this file system
        }
        file.mode = Mode::Direct { since: Instant::now(), blocked: Duration::from_secs(3600) };
        let file = reads_back(file, &path, 70);
        assert!(!file.is_direct());
    }
}
