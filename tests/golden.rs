//! The committed `output/` folder is the main job's result on the seeds, so a reader sees
//! results before running anything. This test keeps it fresh: every file must equal what
//! the binary writes now (summary timings aside).
//!
//! After a reviewed change of behaviour, update it with `cargo run --release` (the main job)
//! and review the diff of `output/` before committing.

mod common;

use common::*;

#[test]
fn committed_output_is_the_main_jobs_result() {
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds", "--dict", "dictionaries"], out.path());
    for file in
        ["mentions.csv", "entities.csv", "quotes.csv", "money.csv", "documents.jsonl", "report.html", "summary.json"]
    {
        let committed = std::fs::read_to_string(repo().join("output").join(file))
            .unwrap_or_else(|e| panic!("output/{file}: {e}; run `cargo run --release` to create it"));
        let fresh = std::fs::read_to_string(out.path().join(file)).unwrap();
        let (committed, fresh) = if file == "summary.json" {
            (without_timings(&committed), without_timings(&fresh))
        } else {
            (committed, fresh)
        };
        assert!(
            committed == fresh,
            "output/{file} is stale: run `cargo run --release` and review the diff of output/ before committing"
        );
    }
}
