//! Past one machine: shards merged equal the single run; stream mode over a split corpus
//! equals the folder run.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

/// A corpus of the seeds plus awkward documents, so skipped entries take part too.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (id, text) in seed_texts() {
        std::fs::write(dir.path().join(format!("{id}.txt")), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("more")).unwrap();
    std::fs::write(dir.path().join("more/empty.txt"), "").unwrap();
    for i in 0..12 {
        let text =
            format!("Министр Багдат Мусин заявил: «Соглашение номер {i} не подписано». Сумма — до {i}0 млн тенге.");
        std::fs::write(dir.path().join(format!("more/doc{i:02}.txt")), text).unwrap();
    }
    dir
}

#[test]
fn shards_merged_equal_the_single_run() {
    let input = corpus();
    let single = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], single.path());
    let shards: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (k, out) in shards.iter().enumerate() {
        extract(&[input.path().to_str().unwrap(), "--shard", &format!("{k}/3")], out.path());
    }
    let merged = tempfile::tempdir().unwrap();
    let status =
        gazetka().arg("merge").args(shards.iter().map(|s| s.path())).arg("--out").arg(merged.path()).status().unwrap();
    assert!(status.success());
    let sizes: Vec<u64> =
        shards.iter().map(|s| read_json(&s.path().join("summary.json"))["documents"].as_u64().unwrap()).collect();
    assert!(sizes.iter().all(|&n| n > 0), "every shard gets documents: {sizes:?}");
    assert_eq!(snapshot(single.path(), DATA_FILES), snapshot(merged.path(), DATA_FILES));
}

#[test]
fn stream_mode_over_a_split_corpus_equals_the_folder_run() {
    let input = corpus();
    let single = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], single.path());
    let expected: Vec<serde_json::Value> = std::fs::read_to_string(single.path().join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("seq");
            v
        })
        .collect();
    // The same documents as JSONL, split in two parts as `parallel --pipe` would.
    let mut lines = Vec::new();
    for line in std::fs::read_to_string(single.path().join("documents.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let text = std::fs::read_to_string(input.path().join(format!("{id}.txt"))).unwrap();
        lines.push(serde_json::json!({"id": id, "text": text}).to_string());
    }
    let mut streamed = Vec::new();
    for part in lines.chunks(lines.len() / 2 + 1) {
        let mut child = gazetka()
            .args(["extract", "-", "--format", "jsonl", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all((part.join("\n") + "\n").as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v.as_object_mut().unwrap().remove("seq");
            streamed.push(v);
        }
    }
    assert_eq!(streamed, expected);
}
