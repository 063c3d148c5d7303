//! The process-wide allocator: mimalloc, tuned for a batch run.
//!
//! The extractors allocate many small, short-lived values per document; glibc's malloc/free
//! took about a tenth of all instructions, mimalloc a few percent. By default mimalloc hands
//! freed pages back to the kernel after 10 ms, and a run that frees a batch and allocates the
//! next one then faults the same pages in again (about 10,000 page faults and a tenth of the
//! run in the kernel on 100 MB). A batch run's working set is bounded by the batch size, so
//! keeping freed pages costs a few megabytes of resident memory and saves that work.

/// The allocator type for `#[global_allocator]` in the binary and the benchmarks.
pub use mimalloc::MiMalloc as Allocator;

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
    #[test]
    fn purge_delay_is_the_option_we_set() {
        super::configure();
        // SAFETY: reading an option is always allowed.
        let value = unsafe { libmimalloc_sys::mi_option_get(15) };
        assert_eq!(value, -1);
    }
}
