//! Dictionaries as users edit them: every malformed line reported as file:line, an empty
//! folder, and a very large file.

mod common;

use common::*;

#[test]
fn dict_check_reports_every_malformed_line_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("entities")).unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    let entities = "# my names\nid\ttype\tcanonical\taliases\tinflect\tnote\n\
                    per:ok\tPER\tЕрлан Карин\tКарин\tauto\t\n\
                    per:bad-type\tPERSON\tИван Петров\t\t\t\n\
                    per:no-canonical\tPER\t\t\t\t\n\
                    per:ok\tPER\tДубль\t\t\t\n\
                    too\tfew\n\
                    org:bad-inflect\tORG\tКомпания\t\tsometimes\t\n";
    std::fs::write(dir.path().join("entities/mine.tsv"), entities).unwrap();
    std::fs::write(dir.path().join("rules/roles.tsv"), "role\trefers_to\nмэр\tPLACE\n").unwrap();
    let output = gazetka().args(["dict", "check", "--dict"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "errors make dict check exit 1");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let file = dir.path().join("entities/mine.tsv").display().to_string();
    for line in [4, 5, 6, 7, 8] {
        let prefix = format!("{file}:{line}: error:");
        assert!(stdout.lines().any(|l| l.starts_with(&prefix)), "no error for line {line}:\n{stdout}");
    }
    let roles = dir.path().join("rules/roles.tsv").display().to_string();
    assert!(stdout.lines().any(|l| l.starts_with(&format!("{roles}:2: error:"))), "{stdout}");
    // The good row still loads and matches.
    let matched =
        gazetka().args(["dict", "match", "Встреча с Ерланом Кариным.", "--dict"]).arg(dir.path()).output().unwrap();
    assert!(String::from_utf8(matched.stdout).unwrap().contains("Ерланом Кариным\tPER\tper:ok"));
}

#[test]
fn the_shipped_dictionaries_have_no_errors() {
    let output = gazetka().args(["dict", "check"]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("0 error(s)"), "{stdout}");
}

#[test]
fn an_empty_dictionary_folder_still_runs() {
    let dicts = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds", "--dict", dicts.path().to_str().unwrap()], out.path());
    let summary = read_json(&out.path().join("summary.json"));
    assert_eq!(summary["processed"], 5);
    check_offsets(out.path(), &seed_texts());
}

/// A dictionary of 1,000,000 entries loads and matches (about 6 s in release).
#[test]
fn a_million_entries_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("entities")).unwrap();
    let mut tsv = String::from("id\ttype\tcanonical\taliases\tinflect\tnote\n");
    for i in 0..1_000_000u32 {
        tsv.push_str(&format!("org:gen-{i}\tORG\tКомпания Номер{i}\t\tno\t\n"));
    }
    std::fs::write(dir.path().join("entities/big.tsv"), tsv).unwrap();
    let started = std::time::Instant::now();
    let output = gazetka()
        .args(["dict", "match", "Контракт получила Компания Номер999999.", "--dict"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("Компания Номер999999\tORG\torg:gen-999999"), "{stdout}");
    eprintln!("1,000,000 entries loaded and matched in {:.1} s", started.elapsed().as_secs_f64());
}
