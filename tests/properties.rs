//! Property test: any text — ordinary Unicode mixed with the characters that break naive
//! offsets (combining accents, zero-width and soft-hyphen characters inside words, NBSP and
//! thin spaces, emoji with ZWJ and flags, CRLF and lone CR, RTL marks, BOM, every quote mark
//! and `&quot;`, every dash, grouped digits, currency signs, Cyrillic names) — goes through
//! the whole per-document extraction with the SHIPPED dictionaries without a panic, and
//! every span it returns is exact (see `properties/invariants.rs`).
//!
//! 256 cases by default (a few seconds); `PROPTEST_CASES=10000 cargo test --release --test
//! properties` runs more. The same checks run under cargo-fuzz (`fuzz/`, see README).

#[path = "properties/invariants.rs"]
mod invariants;

use std::sync::LazyLock;

use gazetka::analyze::analyze;
use gazetka::dict::DictDirs;
use gazetka::model::Extraction;
use gazetka::output::summary::StageTimes;
use gazetka::resources::Resources;
use proptest::prelude::*;
use proptest::sample::{select, Index};

static RESOURCES: LazyLock<Resources> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries");
    let resources = Resources::load(DictDirs::new(vec![dir.into()]));
    assert!(!resources.diagnostics.has_errors(), "the shipped dictionaries have errors");
    resources
});

fn run(text: &str) -> Extraction {
    analyze(text, &RESOURCES, &mut StageTimes::default())
}

/// Words and phrases that wake the extractors: names (Kazakh, inflected), organisations,
/// places, speech cues, role nouns, money words.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "Мусин", "Мусина", "Багдат", "Багдат Мусин", "Мусин Багдат Батырбекович", "Касым-Жомарт Токаев",
    "Токаев", "Сбер", "Сбером", "Сбербанк", "Минцифры", "МЦРИАП", "АО \"НИТ\"", "ТОО «Рога»",
    "Казахстан", "Казахстане", "Алматы", "Астана", "Нур-Султан", "Мангистауская область",
    "министр", "министра", "глава", "ведомство", "заявил", "сказал", "сообщил", "отметил",
    "пояснил", "по словам", "по его словам", "он", "она", "говорится в", "что", "и", "в", "на",
    "млн", "млрд", "тыс.", "тысяч", "миллиона", "пятьсот", "полтора", "два с половиной", "сорок",
    "рублей", "руб.", "коп.", "тенге", "тг", "долларов", "евро", "USD", "EUR", "KZT", "от", "до",
    "около", "более", "свыше", "до 10", "процентов", "лет", "году", "Mr. Smith", "Halyk Bank",
    "Kaspi.kz", "ёлочки", "Ёлка", "ЁЖ",
];

/// The characters the issue lists, alone or as sequences.
#[rustfmt::skip]
const DANGEROUS: &[&str] = &[
    "\u{301}", "\u{200b}", "\u{200c}", "\u{200d}", "\u{ad}", "\u{a0}", "\u{2009}", "\u{202f}",
    "\u{200e}", "\u{200f}", "\u{202e}", "\u{feff}", "\r\n", "\r", "\n", "\n\n", "\t", "🏗️", "😀",
    "👨\u{200d}👩\u{200d}👧", "🇰🇿", "🇷🇺", "🏳️\u{200d}🌈", "«", "»", "„", "“", "”", "\"", "'", "‘", "’",
    "&quot;", "&amp;", "—", "–", "-", "―", " — ", ", — ", ": «", "», — ", "$", "€", "₸", "₽", "£",
    "¥", "%", "№", "\u{0}", "\u{fffd}", "…", "(", ")", "[", "]", ".", ",", ":", ";", "!", "?",
];

const SEPARATORS: &[&str] = &["", " ", " ", " ", "\u{a0}", "\n", ", ", ". ", "\r\n"];

/// Digits grouped by spaces, NBSP, thin spaces, dots, commas or apostrophes, maybe with a
/// decimal part; sometimes a long run of digits.
fn number() -> impl Strategy<Value = String> {
    let group_sep = select(&[" ", "\u{a0}", "\u{202f}", "\u{2009}", ",", ".", "'", ""][..]);
    prop_oneof![
        3 => ("[1-9][0-9]{0,2}", prop::collection::vec((group_sep, "[0-9]{3}"), 0..4), prop::option::of("[.,][0-9]{1,2}"))
            .prop_map(|(head, groups, fraction)| {
                let mut s = head;
                groups.into_iter().for_each(|(sep, g)| { s.push_str(sep); s.push_str(&g); });
                s + &fraction.unwrap_or_default()
            }),
        1 => "[0-9]{1,40}",
        1 => "[0-9]{1,3}([.,][0-9]{0,3}){0,3}[eE+\\-]?[0-9]{0,2}",
    ]
}

/// A word with a dangerous character inserted at some char position (a soft hyphen inside
/// a name, a combining accent after a letter, a ZWJ between letters).
fn word_with_inside() -> impl Strategy<Value = String> {
    (select(WORDS), select(DANGEROUS), any::<Index>()).prop_map(|(word, inside, at)| {
        let boundaries: Vec<usize> = word.char_indices().map(|(b, _)| b).chain([word.len()]).collect();
        let at = boundaries[at.index(boundaries.len())];
        format!("{}{inside}{}", &word[..at], &word[at..])
    })
}

/// An amount as the news writes it: qualifier, number, scale word, currency.
fn amount() -> impl Strategy<Value = String> {
    let qualifier = select(&["", "около ", "более ", "до ", "от ", "свыше ", "$", "₸"][..]);
    let scale = select(&["", " млн", " млрд", " тыс.", " тысяч", "\u{a0}млн", " миллиона"][..]);
    let currency =
        select(&[" рублей", " руб.", " тенге", " тг", " долларов", " евро", " USD", "₸", "$", " KZT", ""][..]);
    (qualifier, number(), scale, currency).prop_map(|(q, n, s, c)| format!("{q}{n}{s}{c}"))
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(WORDS).prop_map(String::from),
        2 => amount(),
        3 => select(DANGEROUS).prop_map(String::from),
        2 => number(),
        2 => word_with_inside(),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{1,6}",
        1 => "[а-яёА-ЯЁ]{1,10}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec((piece(), select(SEPARATORS)), 0..64)
        .prop_map(|pieces| pieces.into_iter().flat_map(|(p, s)| [p, s.to_string()]).collect())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn any_text_gives_exact_spans(text in document()) {
        let extraction = run(&text);
        if let Err(problem) = invariants::check_extraction(&text, &extraction) {
            prop_assert!(false, "{problem}\ntext: {text:?}\n{extraction:#?}");
        }
    }
}

/// The strategy really produces what it promises, and the extractors really fire on it:
/// otherwise the property above would pass vacuously.
#[test]
fn generated_texts_hit_the_extractors() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut money, mut dangerous) = (0, 0);
    for _ in 0..300 {
        let text = document().new_tree(&mut runner).unwrap().current();
        money += run(&text).money.len();
        dangerous += usize::from(text.contains('\u{301}') || text.contains('\u{ad}') || text.contains('\u{200d}'));
    }
    eprintln!("{money} money items; {dangerous} texts with accents, soft hyphens or ZWJ");
    assert!(money > 300, "only {money} money items in 300 texts");
    assert!(dangerous > 30, "only {dangerous} of 300 texts have accents, soft hyphens or ZWJ");
}

/// Hand-picked texts that once looked risky; each must keep the invariants.
#[test]
fn known_tricky_texts_keep_the_invariants() {
    let texts = [
        "",
        "\u{feff}",
        "Му\u{301}син заявил: «Мы\u{200b} до сих пор проводим переговоры», — сказал Багдат\u{a0}Мусин.",
        "Баг\u{ad}дат Мусин\rсообщил о сделке на 500\u{a0}млн\u{202f}долларов.\u{200f}\r\n",
        "Глава МЦРИАП\u{200d} 🇰🇿 пояснил: «Это не соглашение, это меморандум».",
        "&quot;Сбер&quot;, — отметил он. „Да“ — ‘нет’ ― «a „b“ c»",
        "1 234 567,89 руб. 98 коп. $1.5 млрд ₸ 10\u{2009}000 от 10 до 20 тыс. евро",
        "\u{202e}Мусин\u{202c} 😀 👨\u{200d}👩\u{200d}👧 🏳️\u{200d}🌈 — – - ―",
        "«««««««««« »»»»",
        // A cue form's short rest (`говорится в`) at the text start: fuzzing found a shift
        // overflow there (builds with overflow checks).
        "в ответе, — говорится во «Сбере».",
    ];
    for text in texts {
        let extraction = run(text);
        invariants::check_extraction(text, &extraction).unwrap_or_else(|e| panic!("{e}\ntext: {text:?}"));
    }
}

/// The checker itself rejects what it must, so a pass above means something.
#[test]
fn the_checker_catches_broken_spans() {
    use gazetka::model::{Money, MoneyKind, Qualifier};
    use gazetka::text::Span;
    let text = "Мусин: 5 млн ₸";
    let money = |start, end, amount: &str| Money {
        span: Span { start, end },
        amount: amount.into(),
        amount_max: None,
        currency: "KZT".into(),
        qualifier: Qualifier::Exact,
        kind: MoneyKind::Amount,
    };
    let with = |items: Vec<Money>| Extraction { money: items, ..Extraction::default() };
    let good = money(12, text.len(), "5000000");
    assert_eq!(invariants::check_extraction(text, &with(vec![good.clone()])), Ok(()));
    for (bad, rule) in [
        (vec![money(1, 5, "1")], "not on char boundaries"),
        (vec![money(12, 12, "1")], "empty"),
        (vec![money(12, 99, "1")], "past the end"),
        (vec![money(12, 13, "5e6")], "not a plain decimal"),
        (vec![good.clone(), money(0, 10, "1")], "not sorted"),
    ] {
        let err = invariants::check_extraction(text, &with(bad)).unwrap_err();
        assert!(err.contains(rule), "{err}");
    }
}

#[test]
#[rustfmt::skip]
fn plain_decimal_table() {
    for (s, ok) in [
        ("0", true), ("500000000", true), ("2134472.44", true), ("", false), (".5", false), ("5.", false),
        ("1.2.3", false), ("+5", false), ("-5", false), ("1e9", false), ("1,5", false), ("1 000", false), ("٣", false),
    ] {
        assert_eq!(invariants::is_plain_decimal(s), ok, "{s:?}");
    }
}
