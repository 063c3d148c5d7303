//! Bad input never crashes the run and never loses a document; outputs are whole or absent.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::*;

fn summary_of(out: &Path) -> serde_json::Value {
    read_json(&out.join("summary.json"))
}

fn skipped(summary: &serde_json::Value) -> Vec<(String, String)> {
    summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["reason"].as_str().unwrap().to_string()))
        .collect()
}

fn no_partial_files(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".partial"), "left behind: {name}");
    }
}

#[test]
fn file_system_trouble_is_reported_per_document() {
    let input = tempfile::tempdir().unwrap();
    let root = input.path();
    std::fs::write(root.join("good.txt"), "Багдат Мусин заявил журналистам.").unwrap();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("dangling.txt")).unwrap();
    let bad_name = std::ffi::OsStr::from_bytes_lossless(b"bad\xffname.txt");
    std::fs::write(root.join(bad_name), "Текст.").unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[root.to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    let skipped: HashMap<String, String> = skipped(&summary).into_iter().collect();
    assert_eq!(summary["processed"], 2, "{summary}");
    assert_eq!(summary["documents"], 2 + skipped.len() as u64);
    assert!(skipped["dangling"].starts_with("cannot read"), "{skipped:?}");
    assert!(skipped["loop"].contains("symbolic link loop"), "{skipped:?}");
    let notes = summary["notes"].as_object().unwrap();
    assert!(notes.keys().any(|k| k.starts_with("bad")), "a non-UTF-8 file name is noted: {notes:?}");
}

trait FromBytesLossless {
    fn from_bytes_lossless(bytes: &[u8]) -> &std::ffi::OsStr;
}

impl FromBytesLossless for std::ffi::OsStr {
    fn from_bytes_lossless(bytes: &[u8]) -> &std::ffi::OsStr {
        std::os::unix::ffi::OsStrExt::from_bytes(bytes)
    }
}

#[test]
fn duplicate_jsonl_ids_and_bad_lines_are_reported_not_overwritten() {
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("news.jsonl");
    let lines = [
        r#"{"id": "a", "text": "Первый текст."}"#,
        r#"{"id": "a", "text": "Второй текст с тем же id."}"#,
        r#"{"id": "b"}"#,
        r#"not json"#,
        r#"{"text": "без id"}"#,
        r#"{"id": 7, "text": "Числовой id."}"#,
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[path.to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    assert_eq!(summary["documents"], 6);
    assert_eq!(summary["processed"], 2);
    // The duplicate's rows are not written either.
    let lines = std::fs::read_to_string(out.path().join("documents.jsonl")).unwrap();
    assert!(lines.lines().count() == 2 && lines.contains(r#""seq":0,"#) && !lines.contains(r#""seq":1,"#), "{lines}");
    let skipped = skipped(&summary);
    assert_eq!(skipped[0].0, "a");
    assert!(skipped[0].1.starts_with("duplicate id: an earlier document has the same id"), "{skipped:?}");
    assert_eq!(skipped[1].0, "b");
    assert!(skipped[2].1.starts_with("invalid JSON"), "{skipped:?}");
    assert!(skipped[3].1.contains("no \"id\""), "{skipped:?}");
}

#[test]
fn unwritable_output_folder_is_a_clear_error_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let output = gazetka().args(["extract", "seeds", "--quiet", "--out"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("output folder"), "{stderr}");
}

#[test]
fn a_failed_run_leaves_earlier_outputs_intact() {
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds"], out.path());
    let before: Vec<Vec<u8>> =
        ["mentions.csv", "summary.json"].iter().map(|f| std::fs::read(out.path().join(f)).unwrap()).collect();
    let output = gazetka().args(["extract", "no-such-input", "--quiet", "--out"]).arg(out.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let after: Vec<Vec<u8>> =
        ["mentions.csv", "summary.json"].iter().map(|f| std::fs::read(out.path().join(f)).unwrap()).collect();
    assert_eq!(before, after);
    no_partial_files(out.path());
}

#[test]
fn interrupting_a_run_leaves_no_partial_files_and_earlier_outputs_intact() {
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds"], out.path());
    let before = std::fs::read(out.path().join("summary.json")).unwrap();
    let mut child = gazetka()
        .args(["extract", "-", "--quiet", "--out"])
        .arg(out.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"id\": \"x\", \"text\": \"\xd0\x9c\xd1\x83\xd1\x81\xd0\xb8\xd0\xbd\"}\n").unwrap();
    stdin.flush().unwrap();
    // Wait (dictionaries load first) until the run is blocked reading stdin with its
    // temporary files open.
    let partial_files = || {
        std::fs::read_dir(out.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".partial"))
            .count()
    };
    let waited = std::time::Instant::now();
    while partial_files() == 0 && waited.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(partial_files() > 0, "the run should be writing temporary files");
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130));
    assert_eq!(std::fs::read(out.path().join("summary.json")).unwrap(), before);
    no_partial_files(out.path());
}

#[test]
fn a_panic_costs_one_document_not_the_run() {
    let out = tempfile::tempdir().unwrap();
    let output = gazetka()
        .args(["extract", "seeds", "--quiet", "--out"])
        .arg(out.path())
        .env("GAZETKA_TEST_PANIC_ON", "002_4af8fab2def9550a")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "no panic message reaches the user: {}", String::from_utf8_lossy(&output.stderr));
    let summary = summary_of(out.path());
    assert_eq!(summary["processed"], 4);
    let skipped = skipped(&summary);
    assert_eq!(skipped[0].0, "002_4af8fab2def9550a");
    assert!(skipped[0].1.starts_with("internal error while analysing"), "{skipped:?}");
    let strict = gazetka()
        .args(["extract", "seeds", "--quiet", "--strict", "--out"])
        .arg(out.path())
        .env("GAZETKA_TEST_PANIC_ON", "002_4af8fab2def9550a")
        .status()
        .unwrap();
    assert_eq!(strict.code(), Some(1));
}

#[test]
fn encodings_are_detected_and_reported() {
    let input = tempfile::tempdir().unwrap();
    let text = "Министр цифрового развития Багдат Мусин заявил, что соглашение со Сбером не подписано.";
    std::fs::write(input.path().join("cp1251.txt"), encoding_rs::WINDOWS_1251.encode(text).0).unwrap();
    std::fs::write(input.path().join("koi8.txt"), encoding_rs::KOI8_R.encode(text).0).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    text.encode_utf16().for_each(|u| utf16.extend_from_slice(&u.to_le_bytes()));
    std::fs::write(input.path().join("utf16.txt"), utf16).unwrap();
    let mut damaged = text.as_bytes().to_vec();
    damaged.insert(14, 0xC0);
    std::fs::write(input.path().join("damaged.txt"), &damaged).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    assert_eq!(summary["processed"], 4, "{summary}");
    assert_eq!(summary["encodings"]["windows-1251"], 1);
    assert_eq!(summary["encodings"]["KOI8-R"], 1);
    assert_eq!(summary["encodings"]["UTF-16LE"], 1);
    assert_eq!(summary["encodings"]["UTF-8"], 1);
    let notes = summary["notes"]["damaged"][0].as_str().unwrap();
    assert!(notes.starts_with("1 invalid UTF-8"), "{notes}");
}

/// Texts that break naive offsets; every row must still cut its text exactly.
#[test]
fn unicode_that_breaks_naive_offsets_keeps_every_offset_exact() {
    let text = "Му\u{301}син заявил: «Мы\u{200b} до сих пор проводим переговоры», — сказал Багдат\u{a0}Мусин.\r\n\
                🏗️ Министр Баг\u{ad}дат Мусин\rсообщил о сделке на 500\u{a0}млн\u{202f}долларов.\u{200f}\r\n\
                Глава МЦРИАП\u{200d} 🇰🇿 пояснил: «Это не соглашение, это меморандум».";
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("tricky.txt"), text).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], out.path());
    let texts = HashMap::from([("tricky".to_string(), text.to_string())]);
    check_offsets(out.path(), &texts);
    assert_eq!(summary_of(out.path())["processed"], 1);
}

#[test]
fn pathological_texts_finish() {
    let input = tempfile::tempdir().unwrap();
    let root = input.path();
    std::fs::write(root.join("long_line.txt"), "Мусин сказал «да» и ушёл. ".repeat(400_000)).unwrap();
    std::fs::write(root.join("open_quotes.txt"), "«".repeat(10_000)).unwrap();
    std::fs::write(root.join("open_quotes_words.txt"), "«слово ".repeat(10_000)).unwrap();
    std::fs::write(root.join("nested.txt"), "«a „b ".repeat(2_000) + &"“ c» ".repeat(2_000)).unwrap();
    std::fs::write(root.join("digits.txt"), "Сумма ".to_string() + &"9".repeat(5_000) + " рублей.").unwrap();
    std::fs::write(root.join("name_repeated.txt"), "Багдат Мусин ".repeat(1_000_000)).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[root.to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    assert_eq!(summary["processed"], 6, "{summary}");
}

#[test]
fn a_hundred_thousand_tiny_documents() {
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("tiny.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..100_000 {
        writeln!(file, r#"{{"id": "d{i}", "text": "Мусин {i}"}}"#).unwrap();
    }
    file.flush().unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[path.to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    assert_eq!(summary["documents"], 100_000);
    assert_eq!(summary["processed"], 100_000);
}

/// A single 200 MB document (run with `cargo test --release -- --ignored`; README has the
/// measured time and memory).
#[test]
#[ignore]
fn a_200_mb_document() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(repo().join("seeds/001_0c285e206fc54271.txt")).unwrap();
    let copies = 200_000_000 / seed.len() + 1;
    std::fs::write(input.path().join("huge.txt"), seed.repeat(copies)).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], out.path());
    let summary = summary_of(out.path());
    assert_eq!(summary["processed"], 1);
    assert_eq!(summary["items"]["money"], copies as u64, "one amount per copy of the seed");
}
