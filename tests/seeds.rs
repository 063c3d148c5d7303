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

#[test]
fn the_memorandum_quote_is_musins_with_cue_zayavil() {
    let out = seed_output();
    let rows = read_csv(&out.path().join("quotes.csv"), QUOTES);
    let q = rows
        .iter()
        .find(|r| r["text"].starts_with("Мы до сих пор проводим переговоры"))
        .expect("the quote «Мы до сих пор проводим переговоры…» is found");
    assert_eq!(
        (q["doc_id"].as_str(), q["speaker"].as_str(), q["cue"].as_str(), q["kind"].as_str(), q["attribution"].as_str()),
        ("001_0c285e206fc54271", "Багдат Мусин", "заявил", "direct", "named")
    );
    assert!(q["text"].ends_with("В рамках которого и идет работа"), "{}", q["text"]);
}

/// The hand-written gold for the seeds (tests/data/quotes_gold.tsv) through the real binary:
/// every direct and indirect quote with its speaker, attribution and cue; no extra direct
/// quote; no quoted name or scare quote reported as a quote.
#[test]
fn seed_quotes_match_the_gold() {
    let out = seed_output();
    let rows = read_csv(&out.path().join("quotes.csv"), QUOTES);
    let gold = std::fs::read_to_string(repo().join("tests/data/quotes_gold.tsv")).unwrap();
    let mut expected_direct = 0;
    let mut problems = Vec::new();
    for line in gold.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (doc, kind, start, end) = (f[0], f[1], f[2], f[3]);
        if kind == "not_quote" {
            if rows.iter().any(|r| r["doc_id"] == doc && r["text"] == start) {
                problems.push(format!("{doc}: «{start}» is a name or scare quote, not a quote"));
            }
            continue;
        }
        expected_direct += usize::from(kind == "direct");
        let (speaker, attribution, cue) = (f[4], f[5], f[6]);
        match rows.iter().find(|r| {
            r["doc_id"] == doc && r["kind"] == kind && r["text"].starts_with(start) && r["text"].ends_with(end)
        }) {
            None => problems.push(format!("{doc}: missing {kind} quote «{start}…{end}»")),
            Some(r) => {
                let got = (r["speaker"].as_str(), r["attribution"].as_str(), r["cue"].as_str());
                if got != (speaker, attribution, cue) {
                    problems.push(format!("{doc}: «{start}…» got {got:?}, expected {:?}", (speaker, attribution, cue)));
                }
            }
        }
    }
    let direct = rows.iter().filter(|r| r["kind"] == "direct").count();
    if direct != expected_direct {
        problems.push(format!("{direct} direct quotes, gold has {expected_direct}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Entity expectations on the seeds: one entity per referent whatever the form, canonical
/// names in the nominative, and nothing from the navigation and widget lines.
#[test]
fn seed_entities_resolve_to_one_entity_each_and_skip_widgets() {
    let out = seed_output();
    let rows = read_csv(&out.path().join("mentions.csv"), MENTIONS);
    let texts = seed_texts();
    let of = |doc: &str, surface: &str| -> Vec<(String, String, String)> {
        rows.iter()
            .filter(|r| r["doc_id"].starts_with(doc) && r["text"] == surface)
            .map(|r| (r["type"].clone(), r["canonical"].clone(), r["entity_id"].clone()))
            .collect()
    };
    let musin = ("PER".to_string(), "Багдат Мусин".to_string(), "per:bagdat-musin".to_string());
    for (doc, surface) in [("000", "Мусин"), ("000", "Багдат Мусин"), ("002", "Мусин"), ("004", "БАГДАТ МУСИН")]
    {
        let found = of(doc, surface);
        assert!(!found.is_empty() && found.iter().all(|f| *f == musin), "{doc} {surface}: {found:?}");
    }
    for (doc, surface) in
        [("000", "Сберу"), ("000", "Сбером"), ("003", "СБЕРом"), ("003", "СБЕРа"), ("002", "Сбербанком")]
    {
        let found = of(doc, surface);
        assert!(!found.is_empty() && found.iter().all(|f| f.1 == "Сбер" && f.0 == "ORG"), "{doc} {surface}: {found:?}");
    }
    for (doc, surface, canonical) in [
        ("002", "Аскар Мамин", "Аскар Мамин"),
        ("002", "Герман Греф", "Герман Греф"),
        ("000", "МЦРИАП", "Минцифры"),
        ("002", "Минцифровизации", "Минцифры"),
        ("000", "Алматинской области", "Алматинская область"),
        ("002", "НУР-СУЛТАН", "Астана"),
    ] {
        let found = of(doc, surface);
        assert!(!found.is_empty() && found.iter().all(|f| f.1 == canonical), "{doc} {surface}: {found:?}");
    }
    // Seed 004 opens with a weather and exchange-rate widget and a login line: no entity there.
    let widget_end = texts["004_8fd4a633ab5f7c96"].find("Сегодня 25 апреля").unwrap();
    let widget_chars = texts["004_8fd4a633ab5f7c96"][..widget_end].chars().count();
    let in_widget: Vec<&str> = rows
        .iter()
        .filter(|r| r["doc_id"].starts_with("004") && r["start"].parse::<usize>().unwrap() < widget_chars)
        .filter(|r| !r["text"].starts_with("Семе")) // «Погода в Семее» names the city
        .map(|r| r["text"].as_str())
        .collect();
    assert!(in_widget.is_empty(), "widget text became entities: {in_widget:?}");
    // Regressions: common nouns and abbreviations are no names.
    for bad in ["Соглашение Казахстана", "Улицу Шевченко", "IT-специалисты", "IT-сообщество", "KPI", "USD443"]
    {
        assert!(rows.iter().all(|r| r["text"] != bad), "{bad} became a mention");
    }
    assert_eq!(of("002", "Казахстана").iter().filter(|f| f.1 == "Казахстан").count(), of("002", "Казахстана").len());
    // Role nouns are not mentions.
    assert!(rows.iter().all(|r| !["министр", "Министр", "глава"].contains(&r["text"].as_str())));
}
