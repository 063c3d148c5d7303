//! `--excel`: what a Russian-locale spreadsheet needs (BOM, `;`, decimal comma, formula-looking
//! cells neutralised), while plain mode stays RFC 4180 with `,`. The LibreOffice round trip
//! (tools/check_excel.sh) runs only where `soffice` is installed; the rest needs nothing.

mod common;

use std::path::Path;

use common::*;

/// Documents whose ids (file names) look like formulas, with amounts that have kopecks.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("=1+1.txt", "Министр заявил: сумма 1,5 млн тенге и 2134472,44 рубля."),
        ("-5.txt", "Ещё 300 долларов на «ёлочки»."),
        ("@x.txt", "Выделено 2 млн тенге."),
        ("+7.txt", "Ничего."),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn money_rows(path: &Path, delimiter: u8) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_path(path).unwrap();
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn excel_mode_has_bom_semicolons_decimal_comma_and_neutralised_formulas() {
    let input = corpus();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap(), "--excel"], out.path());
    for file in ["mentions.csv", "entities.csv", "quotes.csv", "money.csv"] {
        let bytes = std::fs::read(out.path().join(file)).unwrap();
        assert!(bytes.starts_with("\u{feff}doc_id;".as_bytes()), "{file}: no BOM or no ';'");
        let header = String::from_utf8(bytes).unwrap().lines().next().unwrap().to_string();
        assert!(!header.contains(','), "{file}: {header}");
    }
    let text = std::fs::read_to_string(out.path().join("money.csv")).unwrap();
    let rows = money_rows(&out.path().join("money.csv"), b';');
    let find = |t: &str| rows.iter().find(|r| &r[3] == t).unwrap_or_else(|| panic!("{t} not in\n{text}"));
    // (doc_id, text, amount) as a Russian Excel must see them.
    for (doc_id, money, amount) in [
        ("'=1+1", "1,5 млн тенге", "1500000"),
        ("'=1+1", "2134472,44 рубля", "2134472,44"),
        ("'-5", "300 долларов", "300"),
        ("'@x", "2 млн тенге", "2000000"),
    ] {
        let row = find(money);
        assert_eq!((&row[0], &row[4]), (doc_id, amount), "{money}");
    }
    assert!(text.contains("'=1+1;22;35;1,5 млн тенге;1500000;;KZT;exact;amount"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with(['=', '+', '-', '@'])), "a line starts like a formula:\n{text}");
}

#[test]
fn plain_mode_stays_rfc_4180_with_commas() {
    let input = corpus();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path().to_str().unwrap()], out.path());
    let text = std::fs::read_to_string(out.path().join("money.csv")).unwrap();
    assert!(text.starts_with("doc_id,start,end,text,amount,"), "no BOM, commas:\n{text}");
    // A cell with a comma is quoted; values are untouched (no apostrophe, decimal point).
    assert!(text.contains("=1+1,22,35,\"1,5 млн тенге\",1500000,,KZT,exact,amount"), "{text}");
    assert!(text.contains("=1+1,38,54,\"2134472,44 рубля\",2134472.44,,RUB,exact,amount"), "{text}");
    let rows = money_rows(&out.path().join("money.csv"), b',');
    assert!(rows.iter().all(|r| r.len() == 9));
    assert!(rows.iter().any(|r| &r[0] == "-5" && &r[4] == "300"));
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

#[test]
fn libreoffice_reads_excel_output_as_intended() {
    if !on_path("soffice") {
        eprintln!("skipped: soffice (LibreOffice) is not installed; tools/check_excel.sh needs it");
        return;
    }
    let output = std::process::Command::new(repo().join("tools/check_excel.sh"))
        .arg(env!("CARGO_BIN_EXE_gazetka"))
        .output()
        .expect("run tools/check_excel.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("check_excel: LibreOffice reads the --excel files as intended"), "{stdout}");
}
