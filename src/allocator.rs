//! The process-wide allocator: mimalloc, tuned for a batch run.
//!
//! The extractors allocate many small, short-lived values per document; glibc's malloc/free
//! took about a tenth of all instructions, mimalloc a few percent. By default mimalloc hands
//! freed pages back to the kernel after 10 ms, and a run that frees a batch and allocates the
//! next one then faults the same pages in again (about 10,000 page faults and a tenth of the
//! run in the kernel on 100 MB). A batch run's working set is bounded by the batch size, so
//! keeping freed pages costs a few megabytes of resident memory and saves that work.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use mimalloc::MiMalloc;

/// The allocator type for `#[global_allocator]` in the binary and the benchmarks: mimalloc,
/// asked for plain blocks when the alignment is one every block has.
///
/// The `mimalloc` crate asks for every block with `mi_malloc_aligned`, and mimalloc v3 serves
/// an aligned request above 1 KB that is not a power of two by allocating more and adjusting
/// the pointer (about 150 instructions instead of about 25): document texts, output rows and
/// most growing buffers of a run are such blocks.
pub struct Allocator;

/// The alignment every mimalloc block has (its own `realloc_aligned` treats alignments up to
/// this one as none).
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

fn is_plain(layout: Layout) -> bool {
    layout.align() <= PLAIN_ALIGN
}

/// A block from mimalloc's unaligned `plain` allocation when the layout's alignment allows,
/// else from `aligned`.
///
/// # Safety
/// `layout` has a nonzero size; `aligned` allocates a block for it.
#[inline]
unsafe fn allocate(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: impl FnOnce() -> *mut u8,
) -> *mut u8 {
    if is_plain(layout) {
        // SAFETY: any size may be asked of mimalloc, and every block it gives has the alignment.
        unsafe { plain(layout.size()).cast() }
    } else {
        aligned()
    }
}

// SAFETY: every call goes to mimalloc: the plain calls only when the layout's alignment is
// one every mimalloc block has; the others as the `mimalloc` crate makes them. Blocks of both
// are freed and reallocated by the same `mi_free` and `mi_realloc*` functions.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { allocate(layout, libmimalloc_sys::mi_malloc, || MiMalloc.alloc(layout)) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { allocate(layout, libmimalloc_sys::mi_zalloc, || MiMalloc.alloc_zeroed(layout)) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on (`mi_free` frees blocks of every kind).
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if is_plain(layout) {
            // SAFETY: `ptr` is a live mimalloc block (the caller's contract); see the impl.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast::<c_void>(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// Sets mimalloc's options for a batch run; call first thing in `main`.
pub fn configure() {
    // `mi_option_purge_delay`: 15 in `mi_option_t` of both mimalloc v2 and v3 (the bundled
    // one); the -sys crate does not name it. -1: freed pages are never returned during the run.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option table; any value is
    // valid for this option and it may be called at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every alignment and of sizes around mimalloc's size classes come back
    /// aligned, keep their bytes when reallocated and are freed.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 15, 16, 24, 100, 1000, 1025, 1500, 4095, 5000, 70_000, 3 << 20] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a nonzero size; every block is freed with its layout below.
                unsafe {
                    let p = Allocator.alloc(layout);
                    assert!(!p.is_null() && (p as usize).is_multiple_of(align), "{size} {align}");
                    p.write_bytes(0xa5, size);
                    let grown = Allocator.realloc(p, layout, size * 3);
                    assert!(!grown.is_null() && (grown as usize).is_multiple_of(align), "{size} {align}");
                    assert!(std::slice::from_raw_parts(grown, size).iter().all(|&b| b == 0xa5));
                    Allocator.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                    let zeroed = Allocator.alloc_zeroed(layout);
                    assert!(!zeroed.is_null() && (zeroed as usize).is_multiple_of(align), "{size} {align}");
                    assert!(std::slice::from_raw_parts(zeroed, size).iter().all(|&b| b == 0));
                    Allocator.dealloc(zeroed, layout);
                }
            }
        }
    }

    #[test]
    fn purge_delay_is_the_option_we_set() {
        super::configure();
        // SAFETY: reading an option is always allowed.
        let value = unsafe { libmimalloc_sys::mi_option_get(15) };
        assert_eq!(value, -1);
    }
}
