//! Specific expected extractions on the seed articles, through the real binary.

mod common;

use common::*;

fn seed_output() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    extract(&["seeds"], out.path());
    out
}

#[test]
fn seed_money_is_the_one_amount_and_the_rate_widget() {
    let out = seed_output();
    let rows = read_csv(&out.path().join("money.csv"), MONEY);
    let amounts: Vec<&Row> = rows.iter().filter(|r| r["kind"] == "amount").collect();
    assert_eq!(amounts.len(), 1, "{rows:?}");
    let a = amounts[0];
    assert_eq!(
        (
            a["doc_id"].as_str(),
            a["text"].as_str(),
            a["amount"].as_str(),
            a["currency"].as_str(),
            a["qualifier"].as_str()
        ),
        ("001_0c285e206fc54271", "до 500 миллионов долларов", "500000000", "USD", "up_to")
    );
    let rates: Vec<(&str, &str)> =
        rows.iter().filter(|r| r["kind"] == "rate").map(|r| (r["currency"].as_str(), r["amount"].as_str())).collect();
    assert_eq!(rates, [("USD", "443.85"), ("EUR", "474.3"), ("RUB", "4.8"), ("CNY", "61.25")]);
    check_offsets(out.path(), &seed_texts());
}
