//! The pipe end to end: the real binary over the seeds and over awkward inputs.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

const OUTPUT_FILES: &[&str] =
    &["mentions.csv", "entities.csv", "quotes.csv", "money.csv", "documents.jsonl", "summary.json"];

#[test]
fn seeds_produce_every_file_with_its_columns_and_exact_offsets() {
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds"], out.path());
    for file in OUTPUT_FILES {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
    read_csv(&out.path().join("entities.csv"), ENTITIES);
    check_offsets(out.path(), &seed_texts());
    let summary = read_json(&out.path().join("summary.json"));
    assert_eq!(summary["documents"], 5);
    assert_eq!(summary["processed"], 5);
    assert_eq!(summary["skipped"].as_array().unwrap().len(), 0);
    assert_eq!(summary["encodings"]["UTF-8"], 5);
    let dictionaries = summary["dictionaries"].as_array().unwrap();
    let people = dictionaries.iter().find(|d| d["file"] == "dictionaries/entities/kz_people.tsv").unwrap();
    assert!(people["entries"].as_u64().unwrap() > 10, "each entity file is listed with its entry count");
    let docs = std::fs::read_to_string(out.path().join("documents.jsonl")).unwrap();
    let ids: Vec<String> = docs
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "000_c2ac63403365cbbb",
            "001_0c285e206fc54271",
            "002_4af8fab2def9550a",
            "003_112eb74eb1249f1e",
            "004_8fd4a633ab5f7c96"
        ]
    );
}

#[test]
fn output_is_byte_identical_for_any_number_of_jobs() {
    let one = tempfile::tempdir().unwrap();
    let four = tempfile::tempdir().unwrap();
    extract(&["seeds", "--jobs", "1"], one.path());
    extract(&["seeds", "--jobs", "4"], four.path());
    assert_eq!(snapshot(one.path(), OUTPUT_FILES), snapshot(four.path(), OUTPUT_FILES));
}

/// The rows of one CSV with the document id column dropped (for comparing across inputs).
fn rows_of(dir: &std::path::Path, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().map(String::from).collect()
}

#[test]
fn windows_1251_copy_gives_the_same_rows_as_its_utf8_original() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(repo().join("seeds/001_0c285e206fc54271.txt")).unwrap();
    let (cp1251, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&seed);
    assert!(!unmappable, "the seed must be representable in windows-1251 for this test");
    std::fs::create_dir(input.path().join("utf8")).unwrap();
    std::fs::create_dir(input.path().join("cp1251")).unwrap();
    std::fs::write(input.path().join("utf8/001_0c285e206fc54271.txt"), &seed).unwrap();
    std::fs::write(input.path().join("cp1251/001_0c285e206fc54271.txt"), &cp1251).unwrap();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    extract(&[input.path().join("utf8").to_str().unwrap()], a.path());
    extract(&[input.path().join("cp1251").to_str().unwrap()], b.path());
    for file in ["mentions.csv", "quotes.csv", "money.csv", "entities.csv"] {
        assert_eq!(rows_of(a.path(), file), rows_of(b.path(), file), "{file}");
    }
    let summary = read_json(&b.path().join("summary.json"));
    assert_eq!(summary["encodings"]["windows-1251"], 1);
}

#[test]
fn jsonl_on_stdin_gives_the_same_rows_as_the_folder() {
    let mut jsonl = String::new();
    let mut texts: Vec<(String, String)> = seed_texts().into_iter().collect();
    texts.sort();
    for (id, text) in &texts {
        jsonl.push_str(&serde_json::json!({"id": id, "text": text, "source": "seed"}).to_string());
        jsonl.push('\n');
    }
    let folder = tempfile::tempdir().unwrap();
    extract(&["seeds"], folder.path());
    let stdin_out = tempfile::tempdir().unwrap();
    let mut child = gazetka()
        .args(["extract", "-", "--quiet", "--out"])
        .arg(stdin_out.path())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(jsonl.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    for file in ["mentions.csv", "quotes.csv", "money.csv", "entities.csv"] {
        assert_eq!(rows_of(folder.path(), file), rows_of(stdin_out.path(), file), "{file}");
    }
    let first = std::fs::read_to_string(stdin_out.path().join("documents.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(first["metadata"]["source"], "seed", "JSONL fields other than id and text are kept");
}

#[test]
fn empty_and_binary_files_are_skipped_with_reasons_not_lost() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("a_empty.txt"), "").unwrap();
    std::fs::write(input.path().join("b_blank.txt"), " \n\t\n").unwrap();
    std::fs::write(input.path().join("c_image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    std::fs::write(input.path().join("d_good.txt"), "Министр Багдат Мусин заявил.").unwrap();
    std::fs::write(input.path().join("ignored.md"), "not a .txt file").unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], out.path());
    let summary = read_json(&out.path().join("summary.json"));
    assert_eq!(summary["documents"], 4);
    assert_eq!(summary["processed"], 1);
    let skipped = summary["skipped"].as_array().unwrap();
    let reasons: Vec<(&str, &str)> =
        skipped.iter().map(|s| (s["id"].as_str().unwrap(), s["reason"].as_str().unwrap())).collect();
    assert_eq!(reasons[0], ("a_empty", "empty document"));
    assert_eq!(reasons[1], ("b_blank", "document holds only whitespace"));
    assert_eq!(reasons[2].0, "c_image");
    assert!(reasons[2].1.starts_with("binary file"), "{}", reasons[2].1);
}

#[test]
fn strict_turns_a_skipped_document_into_exit_1() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("empty.txt"), "").unwrap();
    let out = tempfile::tempdir().unwrap();
    let status = gazetka()
        .args(["extract", input.path().to_str().unwrap(), "--quiet", "--strict", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(out.path().join("summary.json").is_file(), "outputs are still written under --strict");
}

#[test]
fn usage_errors_exit_2_and_missing_input_exits_1() {
    let status = gazetka().args(["extract", "--no-such-flag"]).stderr(Stdio::null()).status().unwrap();
    assert_eq!(status.code(), Some(2));
    let out = tempfile::tempdir().unwrap();
    let output = gazetka().args(["extract", "no/such/folder", "--quiet", "--out"]).arg(out.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/folder"));
}

#[test]
fn stream_mode_writes_one_line_per_document_in_order() {
    let output = gazetka().args(["extract", "seeds", "--format", "jsonl", "--quiet"]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}
