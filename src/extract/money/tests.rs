//! Table tests: one line per expression. The expected span is marked with `[…]` in the
//! sentence; the marks are removed before extraction.

use std::sync::OnceLock;

use super::*;
use crate::dict::{Diagnostics, DictDirs};
use crate::model::{MoneyKind, Qualifier::*};

fn rules() -> &'static MoneyRules {
    static RULES: OnceLock<MoneyRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let mut d = Diagnostics::default();
        let rules = MoneyRules::load(&dirs, &mut d);
        assert!(d.items.is_empty(), "{:?}", d.items);
        rules
    })
}

/// Removes the `[` `]` marks; returns the text and the marked byte range.
fn unmark(marked: &str) -> (String, Option<(usize, usize)>) {
    let open = marked.find('[');
    let close = marked.find(']');
    let text = marked.replacen('[', "", 1).replacen(']', "", 1);
    match (open, close) {
        (Some(o), Some(c)) => (text, Some((o, c - 1))),
        _ => (marked.to_string(), None),
    }
}

fn check(marked: &str, expected: Option<(&str, Option<&str>, &str, Qualifier, MoneyKind)>) {
    let (text, span) = unmark(marked);
    let found = extract_money(&text, rules());
    for m in &found {
        assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end), "{marked}: {m:?}");
    }
    let Some((amount, max, currency, qualifier, kind)) = expected else {
        assert!(found.is_empty(), "{marked:?}: expected no amount, got {found:?}");
        return;
    };
    assert_eq!(found.len(), 1, "{marked:?}: expected one amount, got {found:?}");
    let m = &found[0];
    let got = (m.amount.as_str(), m.amount_max.as_deref(), m.currency.as_str(), m.qualifier, m.kind);
    assert_eq!(got, (amount, max, currency, qualifier, kind), "{marked:?}");
    let (s, e) = span.unwrap_or_else(|| panic!("{marked:?}: mark the expected span with [ ]"));
    assert_eq!(m.span.slice(&text), &text[s..e], "{marked:?}: span");
}

macro_rules! t {
    ($text:expr, none) => {
        check($text, None)
    };
    ($text:expr, rate $amount:expr, $cur:expr) => {
        check($text, Some(($amount, None, $cur, Exact, MoneyKind::Rate)))
    };
    ($text:expr, $amount:expr, $max:expr, $cur:expr, $q:expr) => {
        check($text, Some(($amount, Some($max), $cur, $q, MoneyKind::Amount)))
    };
    ($text:expr, $amount:expr, $cur:expr, $q:expr) => {
        check($text, Some(($amount, None, $cur, $q, MoneyKind::Amount)))
    };
}

#[test]
fn digits_grouping_and_decimals() {
    t!("Бюджет [500 рублей].", "500", "RUB", Exact);
    t!("Сумма [2 134 472,44 руб.]", "2134472.44", "RUB", Exact);
    t!("Сумма [2\u{a0}134\u{a0}472,44\u{a0}руб.]", "2134472.44", "RUB", Exact);
    t!("Сумма [2\u{202f}134\u{2009}472 тенге]", "2134472", "KZT", Exact);
    t!("Цена [20.000 тенге]", "20000", "KZT", Exact);
    t!("Цена [20,000 тенге]", "20000", "KZT", Exact);
    t!("Цена [20,00 евро]", "20", "EUR", Exact);
    t!("Цена [1,5 евро]", "1.5", "EUR", Exact);
    t!("Цена [1.000.000 тг]", "1000000", "KZT", Exact);
    t!("Цена [1 000 000,50 руб.]", "1000000.5", "RUB", Exact);
    t!("Цена [1,000,000.50 USD]", "1000000.5", "USD", Exact);
    t!("[0,50 евро]", "0.5", "EUR", Exact);
}

#[test]
fn multipliers() {
    t!("[1,5 млн рублей]", "1500000", "RUB", Exact);
    t!("[1,500 млн рублей]", "1500000", "RUB", Exact);
    t!("[200 тыс. руб.]", "200000", "RUB", Exact);
    t!("[200 тыс руб]", "200000", "RUB", Exact);
    t!("[200 ТЫС. РУБ.]", "200000", "RUB", Exact);
    t!("[40 тысяч тенге]", "40000", "KZT", Exact);
    t!("[3 Млрд долларов]", "3000000000", "USD", Exact);
    t!("[3 миллиардов долларов]", "3000000000", "USD", Exact);
    t!("[2,5 трлн тенге]", "2500000000000", "KZT", Exact);
    t!("[1 млн 200 тыс. рублей]", "1200000", "RUB", Exact);
    t!("[1 млрд 200 млн 300 тыс. тенге]", "1200300000", "KZT", Exact);
    t!("[15 тыс. 300 рублей]", "15300", "RUB", Exact);
    t!("[5млн долларов]", "5000000", "USD", Exact);
    t!("[2 миллиона 500 тысяч рублей]", "2500000", "RUB", Exact);
    t!("[1 млн. руб.]", "1000000", "RUB", Exact);
    t!("[500 000 000 долларов]", "500000000", "USD", Exact);
}

#[test]
fn number_words() {
    t!("кредит на [пятьсот миллионов долларов]", "500000000", "USD", Exact);
    t!("[Сорок тысяч тенге] в месяц", "40000", "KZT", Exact);
    t!("[полтора миллиарда рублей]", "1500000000", "RUB", Exact);
    t!("[два с половиной миллиона долларов]", "2500000", "USD", Exact);
    t!("[полмиллиона рублей]", "500000", "RUB", Exact);
    t!("[миллион долларов]", "1000000", "USD", Exact);
    t!("[около пятисот тысяч рублей]", "500000", "RUB", About);
    t!("[до двадцати пяти миллионов тенге]", "25000000", "KZT", UpTo);
    t!("[трёхсот тысяч рублей]", "300000", "RUB", Exact);
    t!("[полутора миллиардов долларов]", "1500000000", "USD", Exact);
    t!("[сто двенадцать тысяч евро]", "112000", "EUR", Exact);
    t!("[ПЯТЬСОТ МИЛЛИОНОВ ДОЛЛАРОВ]", "500000000", "USD", Exact);
    t!("[одну тысячу рублей]", "1000", "RUB", Exact);
    t!("[1,5 миллиарда тенге]", "1500000000", "KZT", Exact);
}

#[test]
fn legal_style() {
    t!(
        "взыскать [881 913 (Восемьсот восемьдесят одна тысяча девятьсот тринадцать) руб. 98 коп.]",
        "881913.98",
        "RUB",
        Exact
    );
    t!("[5 000 000 (пять миллионов) тенге]", "5000000", "KZT", Exact);
    t!("[1 000 (одна тысяча) рублей 00 копеек]", "1000", "RUB", Exact);
    t!("[500 (пятьсот рублей)]", "500", "RUB", Exact);
    t!("[881 913 руб. 98 коп.]", "881913.98", "RUB", Exact);
    t!("[100 тенге 50 тиын]", "100.5", "KZT", Exact);
    t!("[10 долларов 5 центов]", "10.05", "USD", Exact);
    t!("проезд [50 копеек]", "0.5", "RUB", Exact);
}

#[test]
fn currencies_everywhere() {
    t!("[$500]", "500", "USD", Exact);
    t!("[500 $]", "500", "USD", Exact);
    t!("[USD 500]", "500", "USD", Exact);
    t!("[500 USD]", "500", "USD", Exact);
    t!("[$1,5 млн]", "1500000", "USD", Exact);
    t!("[5 млн долларов США]", "5000000", "USD", Exact);
    t!("[5 млн долл. США]", "5000000", "USD", Exact);
    t!("[100 долл.]", "100", "USD", Exact);
    t!("[500 тг]", "500", "KZT", Exact);
    t!("[500₸]", "500", "KZT", Exact);
    t!("[₸500]", "500", "KZT", Exact);
    t!("[500 KZT]", "500", "KZT", Exact);
    t!("[500 р.]", "500", "RUB", Exact);
    t!("[500 ₽]", "500", "RUB", Exact);
    t!("[€20]", "20", "EUR", Exact);
    t!("[20 евро]", "20", "EUR", Exact);
    t!("[100 юаней]", "100", "CNY", Exact);
    t!("[100 CNY]", "100", "CNY", Exact);
    t!("[£10]", "10", "GBP", Exact);
    t!("[10 фунтов стерлингов]", "10", "GBP", Exact);
    t!("[1000 сомов]", "1000", "KGS", Exact);
    t!("[200 гривен]", "200", "UAH", Exact);
    t!("[300 российских рублей]", "300", "RUB", Exact);
    t!("[300 белорусских рублей]", "300", "BYN", Exact);
    t!("[5 млн канадских долларов]", "5000000", "CAD", Exact);
    t!("(цена [US$500])", "500", "USD", Exact);
}

#[test]
fn qualifiers_and_ranges() {
    t!("в размере [до 500 миллионов долларов]", "500000000", "USD", UpTo);
    t!("[около 5 млн рублей]", "5000000", "RUB", About);
    t!("[порядка 5 млн рублей]", "5000000", "RUB", About);
    t!("[примерно $300]", "300", "USD", About);
    t!("[более 10 млрд тенге]", "10000000000", "KZT", Over);
    t!("[свыше 10 млрд тенге]", "10000000000", "KZT", Over);
    t!("[больше 100 евро]", "100", "EUR", Over);
    t!("[менее 100 евро]", "100", "EUR", Under);
    t!("[меньше 100 евро]", "100", "EUR", Under);
    t!("[не более 1 млн рублей]", "1000000", "RUB", UpTo);
    t!("[до $500]", "500", "USD", UpTo);
    t!("в 10:30 [500 рублей]", "500", "RUB", Exact);
    t!("в 2021 году [500 млн тенге]", "500000000", "KZT", Exact);
    t!("3 сентября [100 долларов]", "100", "USD", Exact);
    t!("в 2020–2021 годах [500 млн тенге]", "500000000", "KZT", Exact);
    t!("[от 20 тысяч рублей]", "20000", "RUB", Over);
    t!("[от 20 до 30 тысяч рублей]", "20000", "30000", "RUB", Range);
    t!("[от 20 тыс. рублей до 30 тыс. рублей]", "20000", "30000", "RUB", Range);
    t!("[20–30 млн тенге]", "20000000", "30000000", "KZT", Range);
    t!("[20-30 млн тенге]", "20000000", "30000000", "KZT", Range);
    t!("[20 — 30 млн тенге]", "20000000", "30000000", "KZT", Range);
    t!("[от 500 до 1 млн рублей]", "500", "1000000", "RUB", Range);
    t!("[от 1,5 до 2 млрд долларов]", "1500000000", "2000000000", "USD", Range);
    t!("[$20–30 млн]", "20000000", "30000000", "USD", Range);
    t!("[от двадцати до тридцати тысяч рублей]", "20000", "30000", "RUB", Range);
    t!("[между 5 и 7 млн евро]", "5000000", "7000000", "EUR", Range);
}

#[test]
fn not_amounts() {
    t!("90 процентов услуг", none);
    t!("На протяжении 30 лет", none);
    t!("в сентябре 2021 года", none);
    t!("25.10.2021", none);
    t!("Кредитная линия будет предоставлена в российских рублях", none);
    t!("Моб.: 8 747 650 05 30", none);
    t!("Наш адрес: 071406, Казахстан", none);
    t!("  • 21557", none);
    t!("сотни миллионов долларов", none);
    t!("тысячи рублей", none);
    t!("полтора года", none);
    t!("20–30 человек", none);
    t!("A320 рублей", none);
    t!("миллионы долларов", none);
    t!("Информбюро 31", none);
    t!("рублей 500", none);
    t!("2020-2021 гг.", none);
    t!("-3°С", none);
    t!("в 10:30 500 человек", none);
    t!("в 2021 году 500 сотрудников", none);
    t!("до 2022 года", none);
    t!("три миллиона человек", none);
    t!("5 тыс. человек", none);
    t!("в 5 раз", none);
    t!("Евро-2024", none);
    t!("500\nрублей", none);
}

#[test]
fn rates() {
    t!("[USD443.85]", rate "443.85", "USD");
    t!("[CNY61.25]", rate "61.25", "CNY");
    t!("Курс: [USD443.85] вырос", "443.85", "USD", Exact);
    // Regression: the next glued code is not the first number's currency.
    let found = extract_money("Курс USD443.85 EUR474.3 на сегодня", rules());
    let got: Vec<(&str, &str)> = found.iter().map(|m| (m.amount.as_str(), m.currency.as_str())).collect();
    assert_eq!(got, [("443.85", "USD"), ("474.3", "EUR")]);
    let text = "EUR474.3 RUB4.8";
    let got: Vec<_> = extract_money(text, rules()).into_iter().map(|m| (m.kind, m.amount, m.currency)).collect();
    assert_eq!(got, [(MoneyKind::Rate, "474.3".into(), "EUR".into()), (MoneyKind::Rate, "4.8".into(), "RUB".into())]);
    t!("Курс [USD 443,85]", "443.85", "USD", Exact);
}

#[test]
fn several_amounts_in_order() {
    let text = "Собрали $5 млн, потратили 300 тыс. тенге и около 2 млрд рублей.";
    let found = extract_money(text, rules());
    let got: Vec<(&str, &str, &str)> =
        found.iter().map(|m| (m.span.slice(text), m.amount.as_str(), m.currency.as_str())).collect();
    assert_eq!(
        got,
        [
            ("$5 млн", "5000000", "USD"),
            ("300 тыс. тенге", "300000", "KZT"),
            ("около 2 млрд рублей", "2000000000", "RUB")
        ]
    );
}

#[test]
fn spans_on_char_boundaries_with_emoji_and_nbsp() {
    let texts = [
        "🏗️ Стройка за\u{a0}5\u{a0}млн\u{a0}₸ 👍 и «ещё» 300\u{202f}000 рублей😀",
        "😀$5😀 ₽ 5₽😀 до😀 500 рублей",
        "𝟓 миллионов рублей — ５ рублей — 5 рублей",
        "(\u{301}500 руб.\u{ad})",
    ];
    for text in texts {
        let found = extract_money(text, rules());
        assert!(!found.is_empty(), "{text}");
        for m in &found {
            assert!(m.span.start < m.span.end && text.is_char_boundary(m.span.start), "{m:?}");
            assert!(text.is_char_boundary(m.span.end), "{m:?}");
            let surface = m.span.slice(text);
            assert!(surface.chars().any(|c| c.is_ascii_digit() || c.is_alphabetic()), "{surface:?}");
        }
    }
}

#[test]
fn garbage_does_not_panic_or_blow_up() {
    let long_digits = format!("{} рублей", "9".repeat(5000));
    assert!(extract_money(&long_digits, rules()).is_empty());
    let grouped = format!("{} рублей", "1 000 ".repeat(3000));
    let _ = extract_money(&grouped, rules());
    let dotted = format!("{} тенге", "1.".repeat(5000));
    let _ = extract_money(&dotted, rules());
    let words = "тысяча ".repeat(5000) + "рублей";
    let _ = extract_money(&words, rules());
    let huge = "999 трлн трлн трлн трлн рублей 999999999999999999999 трлн долларов";
    for m in extract_money(huge, rules()) {
        assert!(!m.amount.contains('e'));
    }
    for s in ["", "$", "(", "руб.", "1", "1,", ",1 руб", "от", "от 1 до", "((((5 (пять", "5 (пять"]
    {
        let _ = extract_money(s, rules());
    }
}

#[test]
fn seeds() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert_eq!(paths.len(), 5);
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let found = extract_money(&text, rules());
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let amounts: Vec<_> = found.iter().filter(|m| m.kind == MoneyKind::Amount).collect();
        let rates: Vec<_> = found.iter().filter(|m| m.kind == MoneyKind::Rate).collect();
        if name.starts_with("001") {
            assert_eq!(amounts.len(), 1, "{name}: {found:?}");
            let m = amounts[0];
            assert_eq!(m.span.slice(&text), "до 500 миллионов долларов");
            assert_eq!((m.amount.as_str(), m.currency.as_str(), m.qualifier), ("500000000", "USD", UpTo));
            assert_eq!(m.amount_max, None);
        } else {
            assert!(amounts.is_empty(), "{name}: {amounts:?}");
        }
        if name.starts_with("004") {
            let got: Vec<_> =
                rates.iter().map(|m| (m.span.slice(&text), m.amount.as_str(), m.currency.as_str())).collect();
            assert_eq!(
                got,
                [
                    ("USD443.85", "443.85", "USD"),
                    ("EUR474.3", "474.3", "EUR"),
                    ("RUB4.8", "4.8", "RUB"),
                    ("CNY61.25", "61.25", "CNY")
                ]
            );
        } else {
            assert!(rates.is_empty(), "{name}: {rates:?}");
        }
    }
}

#[test]
fn bad_rule_lines_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::write(
        rules_dir.join("currencies.tsv"),
        "code\tunit\tplace\tper_major\tforms\nRUB\tmajor\tafter\t\tрублей\nrub\tmajor\tafter\t\tр\nXYZ\tmajor\tsomewhere\t\tx\nRUB\tminor\tafter\t7\tкоп\nEUR\tmajor\n",
    )
    .unwrap();
    std::fs::write(
        rules_dir.join("number_words.tsv"),
        "kind\tvalue\tforms\nunit\t5\tпять\nunit\t50\tпятьдесят\nweird\t1\tx\nmultiplier\tabc\tтыс\nmultiplier\t1000\tтысяч\n",
    )
    .unwrap();
    std::fs::write(rules_dir.join("money_qualifiers.tsv"), "role\tforms\nup_to\tдо\nsometimes\tиногда\n").unwrap();
    let mut d = Diagnostics::default();
    let rules = MoneyRules::load(&DictDirs::new(vec![dir.path().to_path_buf()]), &mut d);
    let mut lines: Vec<String> =
        d.errors().map(|e| format!("{}:{}", e.path.file_name().unwrap().to_string_lossy(), e.line)).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "currencies.tsv:3",
            "currencies.tsv:4",
            "currencies.tsv:5",
            "currencies.tsv:6",
            "money_qualifiers.tsv:3",
            "number_words.tsv:3",
            "number_words.tsv:4",
            "number_words.tsv:5"
        ]
    );
    let found = extract_money("до пять тысяч рублей", &rules);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].amount.as_str(), found[0].qualifier), ("5000", UpTo));
}

#[test]
fn rules_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<MoneyRules>();
}

proptest::proptest! {
    #[test]
    fn any_text_gives_valid_spans(text in "([0-9]{1,4}|[ ,.:\u{a0}\u{202f}()–-]|от|до|млн|тыс\\.|рублей|руб\\.|коп\\.|пятьсот|с половиной|USD|\\$|₸|😀|\\PC){0,24}") {
        for m in extract_money(&text, rules()) {
            proptest::prop_assert!(m.span.start < m.span.end && m.span.end <= text.len());
            proptest::prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            proptest::prop_assert!(!m.amount.is_empty() && m.amount.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
        }
    }
}

/// The trigger scan over the whole text, every line: what `extract_money` must equal.
fn extract_money_everywhere(text: &str, rules: &MoneyRules) -> Vec<crate::model::Money> {
    let mut out = Vec::new();
    amounts_in(text, 0..text.len(), rules, &mut out);
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

#[test]
fn only_currency_lines_matter_on_examples() {
    let texts = [
        "В 2021 году 500 человек.\nЦена 500 руб. 98 коп.\n25.10.2021 в 10:30",
        "пятьсот тысяч\n500 000 (пятьсот тысяч) тенге\nКурс USD443.85 EUR474.3",
        "USD443.85 EUR474.3\nот 20 до 30 тысяч рублей\n$500\n50 копеек",
        "сто\u{ad}пять руб\u{ad}лей\n5 р\u{200e}уб.\n2\u{a0}134 ДОЛЛ. США\n(US$500)",
    ];
    for text in texts {
        assert_eq!(extract_money(text, rules()), extract_money_everywhere(text, rules()), "{text}");
    }
}

proptest::proptest! {
    /// Scanning only the lines where a currency form may start finds what scanning every
    /// line finds (see `reach`).
    #[test]
    fn only_currency_lines_matter(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "500", "2", "2 134", "1,5", "20.000", "25.10.2021", "10:30", "1/2", "USD443.85", "A320", "000",
                "пятьсот", "Пятьсот", "ДВА", "два", "сто", "тысяч", "тысяча", "млн", "млрд.", "полтора", "с половиной",
                "миллионов", "сторона", "рублей", "Руб.", "руб", "р.", "р", "коп.", "копеек", "долларов США", "ДОЛЛ.",
                "долл. сша", "$", "US$", "USD", "usd", "€", "₸", "тенге", "тг", "евро", "центов", "российских рублей",
                "от", "до", "около", "не более", "-", "–", "(", ")", ".", ",", ":", "года", "лет", "%", "г.", "x",
                "Ab", "é", "😀", "ё", "Ё", "«", "»", " ", " ", " ", "\u{a0}", "\u{ad}", "\u{200e}", "\u{fe0f}", "\n",
                "\r\n", "\u{2028}", "\t",
            ]),
            0..60,
        ),
    ) {
        let text: String = pieces.concat();
        proptest::prop_assert_eq!(extract_money(&text, rules()), extract_money_everywhere(&text, rules()), "{:?}", text);
    }
}

proptest::proptest! {
    /// The gate in `amount_at`: where no bracket, currency, minor unit or range connector may
    /// start after a value, `tail` finds no currency (and ends with the value) and
    /// `range_end` no range.
    #[test]
    fn after_value_gate_rejects_only_dead_ends(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "500", " ", "\u{a0}", "рублей", "Руб.", "р.", "р", "коп.", "копеек", "$", "USD", "€", "₸", "тенге",
                "(пятьсот)", "(", ")", "пятьсот", "-", "–", "до", "и", "года", "лет", "%", "г.", "гривна", "x", "ё",
                "\u{ad}", "😀", ".", ",", "\n",
            ]),
            0..12,
        ),
    ) {
        let text: String = pieces.concat();
        let rules = rules();
        for pos in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let p = skip_space(&text, pos);
            if text.as_bytes().get(p) == Some(&b'(') || rules.after_value.may_start_at(&text, p) {
                continue;
            }
            let v = Value { value: Decimal::ONE, multiplier: None, end: pos };
            let t = tail(&text, v, rules);
            proptest::prop_assert!(t.currency.is_none() && t.end == pos, "{:?} at {}", text, pos);
            proptest::prop_assert!(range_end(&text, pos, rules).is_none(), "{:?} at {}", text, pos);
        }
    }
}
