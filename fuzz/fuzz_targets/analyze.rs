//! Fuzz target for the whole per-document extraction: any bytes, decoded lossily as the
//! pipeline decodes damaged UTF-8, go through `analyze` with the shipped dictionaries; a
//! panic in an extractor or a broken span invariant (the same checks as
//! `tests/properties.rs`) is a crash. Run: `cargo +nightly fuzz run analyze` (see README).

#![no_main]

use std::sync::LazyLock;

use gazetka::analyze::analyze;
use gazetka::dict::DictDirs;
use gazetka::output::summary::StageTimes;
use gazetka::resources::Resources;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/properties/invariants.rs"]
mod invariants;

static RESOURCES: LazyLock<Resources> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../dictionaries");
    let resources = Resources::load(DictDirs::new(vec![dir.into()]));
    assert!(!resources.diagnostics.has_errors(), "the shipped dictionaries have errors");
    resources
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let extraction = analyze(&text, &RESOURCES, &mut StageTimes::default());
    if let Err(problem) = invariants::check_extraction(&text, &extraction) {
        panic!("{problem}\ntext: {text:?}");
    }
});
