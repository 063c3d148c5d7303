use std::path::Path;

use super::*;
use crate::dict::entities::EntryLoader;

const DICT: &str = "\
id\ttype\tcanonical\taliases\tinflect\tnote
per:bagdat-musin\tPER\tБагдат Мусин\tМусин
per:erlan-musin\tPER\tЕрлан Мусин\tМусин
org:nit\tORG\tАО «НИТ»\tНИТ|Национальные информационные технологии
org:sber\tORG\tСбер\tСбербанк|СБЕР
org:sber-kz\tORG\tСбер Казахстан\t
org:mcriap\tORG\tМинцифры\tМЦРИАП|Министерство цифрового развития|Министерство цифрового развития, инноваций и аэрокосмической промышленности
loc:kz\tLOC\tКазахстан\tРК
loc:nur-sultan\tLOC\tНур-Султан\t
loc:almaty\tLOC\tАлматы\t\tno
loc:almaty-region\tLOC\tАлматинская область\t
per:mamina\tPER\tАйгерим Мамина\tМамина
";

fn gazetteer() -> Gazetteer {
    let mut loader = EntryLoader::default();
    let mut d = Diagnostics::default();
    loader.add_text(Path::new("test.tsv"), DICT, &mut d);
    assert!(d.items.is_empty(), "{:?}", d.items);
    Gazetteer::from_entries(loader.entries, Inflector::builtin())
}

/// Every mention as (surface, entity id), checking each span slices the text.
fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
    let folded = FoldedText::new(text);
    let mentions = g.find(text, &folded);
    for w in mentions.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "overlap or unsorted: {mentions:?}");
    }
    mentions
        .iter()
        .map(|m| {
            let s = text.get(m.span.start..m.span.end).expect("span on char boundaries");
            assert_eq!(m.source, MentionSource::Gazetteer);
            (s.to_string(), m.entity_id.to_string())
        })
        .collect()
}

/// `t!(haystack, [(surface, id), ...])`
macro_rules! t {
    ($g:expr, $text:expr, [$(($s:expr, $id:expr)),*]) => {{
        let expected: Vec<(String, String)> = vec![$(($s.to_string(), $id.to_string())),*];
        assert_eq!(found($g, $text), expected, "in {:?}", $text);
    }};
}

#[test]
fn inflected_forms_match() {
    let g = &gazetteer();
    t!(g, "обращаться к Сберу, но", [("Сберу", "org:sber")]);
    t!(g, "сотрудничество со СБЕРом и Сбербанком", [("СБЕРом", "org:sber"), ("Сбербанком", "org:sber")]);
    t!(g, "выбор СБЕРа в качестве", [("СБЕРа", "org:sber")]);
    t!(g, "в Казахстане и Казахстана", [("Казахстане", "loc:kz"), ("Казахстана", "loc:kz")]);
    t!(g, "в Нур-Султане", [("Нур-Султане", "loc:nur-sultan")]);
    t!(g, "в НУР-СУЛТАНЕ", [("НУР-СУЛТАНЕ", "loc:nur-sultan")]);
    t!(g, "в Алматинской области", [("Алматинской области", "loc:almaty-region")]);
    t!(g, "с Айгерим Маминой", [("Айгерим Маминой", "per:mamina")]);
    t!(g, "Министерством цифрового развития", [("Министерством цифрового развития", "org:mcriap")]);
    t!(g, "глава МЦРИАП и НИТа", [("МЦРИАП", "org:mcriap"), ("НИТа", "org:nit")]);
    t!(g, "в Алматы; Алматов нет", [("Алматы", "loc:almaty")]);
    t!(g, "Национальных информационных технологий", [("Национальных информационных технологий", "org:nit")]);
}

#[test]
fn quote_and_dash_variants() {
    let g = &gazetteer();
    for text in
        ["АО \"НИТ\" создал", "АО «НИТ» создал", "АО “НИТ” создал", "АО &quot;НИТ&quot; создал", "АО „НИТ“ создал"]
    {
        let f = found(g, text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        assert_eq!(f[0].1, "org:nit");
        assert!(f[0].0.starts_with("АО") && f[0].0.len() > 6, "{text}: {f:?}");
    }
    t!(g, "в Нур–Султане", [("Нур–Султане", "loc:nur-sultan")]);
    t!(g, "в Нур\u{2011}Султане", [("Нур\u{2011}Султане", "loc:nur-sultan")]);
    t!(g, "в Алматинской\u{a0}области", [("Алматинской\u{a0}области", "loc:almaty-region")]);
    t!(g, "Министерство цифрового  развития", [("Министерство цифрового  развития", "org:mcriap")]);
}

#[test]
fn whole_words_only() {
    let g = &gazetteer();
    t!(g, "Сбербанкир", []);
    t!(g, "счёт РКО открыт", []);
    t!(g, "в РК и РКО", [("РК", "loc:kz")]);
    t!(g, "НИТЬ и НИТ", [("НИТ", "org:nit")]);
    t!(g, "Сбербанк", [("Сбербанк", "org:sber")]);
    t!(g, "(Сбер)", [("Сбер", "org:sber")]);
    t!(g, "Казахстан-2050", [("Казахстан", "loc:kz")]);
    t!(g, "супер-Сбер", [("Сбер", "org:sber")]);
    // The longest alias ends inside a word: the shorter one at the same place is taken.
    t!(g, "Сбер Казахстанский", [("Сбер", "org:sber")]);
    t!(g, "Сбер Казахстан", [("Сбер Казахстан", "org:sber-kz")]);
    // A rejected match that spans the start of another word must not hide it.
    t!(g, "приСбер Казахстан", [("Казахстан", "loc:kz")]);
    t!(g, "Сбер Казахстанский РК", [("Сбер", "org:sber"), ("РК", "loc:kz")]);
    t!(g, "местности, РКО, РК", [("РК", "loc:kz")]);
}

#[test]
fn longest_alias_wins() {
    let g = &gazetteer();
    let long = "Министерство цифрового развития, инноваций и аэрокосмической промышленности";
    t!(g, &format!("{long} сообщило"), [(long, "org:mcriap")]);
    t!(g, "Министерство цифрового развития сообщило", [("Министерство цифрового развития", "org:mcriap")]);
}

#[test]
fn shared_alias_resolved_by_the_document() {
    let g = &gazetteer();
    t!(g, "Ерлан Мусин сказал. Мусин добавил", [("Ерлан Мусин", "per:erlan-musin"), ("Мусин", "per:erlan-musin")]);
    t!(
        g,
        "Мусину сказали. Багдат Мусин ответил",
        [("Мусину", "per:bagdat-musin"), ("Багдат Мусин", "per:bagdat-musin")]
    );
    let text = "Мусин сказал";
    let m = g.find(text, &FoldedText::new(text));
    assert_eq!(&*m[0].entity_id, "per:bagdat-musin", "undecided: the first candidate");
    let w = m[0].warning.as_deref().unwrap_or("");
    assert!(w.contains("per:erlan-musin"), "{w}");
    let text = "Ерлан Мусин и Багдат Мусин: Мусин";
    let m = g.find(text, &FoldedText::new(text));
    assert!(m[2].warning.is_some(), "a tie leaves a warning: {m:?}");
}

#[test]
fn spans_slice_the_original_text() {
    let g = &gazetteer();
    t!(g, "3🏗️«Сбер» и Му\u{ad}син", [("Сбер", "org:sber"), ("Му\u{ad}син", "per:bagdat-musin")]);
    t!(g, "Ерлан\u{a0}Му\u{301}син 👍", [("Ерлан\u{a0}Му\u{301}син", "per:erlan-musin")]);
    t!(g, "\u{feff}Казахстан\r\nСбер", [("Казахстан", "loc:kz"), ("Сбер", "org:sber")]);
    t!(
        g,
        "КАЗАХСТАН, казахстан, КаЗаХсТаНе",
        [("КАЗАХСТАН", "loc:kz"), ("казахстан", "loc:kz"), ("КаЗаХсТаНе", "loc:kz")]
    );
    t!(g, "", []);
    t!(g, "\u{301}\u{ad}", []);
}

#[test]
fn empty_gazetteer_finds_nothing() {
    let g = Gazetteer::from_entries(Vec::new(), Inflector::builtin());
    assert_eq!(g.pattern_count(), 0);
    assert!(g.find("Сбер", &FoldedText::new("Сбер")).is_empty());
}

#[test]
fn is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Gazetteer>();
}

#[test]
fn shipped_dictionaries_load_and_find_the_seed_names() {
    let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    let mut d = Diagnostics::default();
    let g = Gazetteer::load(&dirs, &mut d);
    assert!(!d.has_errors(), "{:?}", d.items);
    assert!(g.entry_count() >= 20 && g.pattern_count() > g.entry_count());
    assert_eq!(g.entry("per:bagdat-musin").map(|e| e.canonical.as_str()), Some("Багдат Мусин"));
    let text = "сообщил министр цифрового развития, инноваций и аэрокосмической промышленности Багдат Мусин. \
                Правительством РК и Сбером; глава Минцифровизации; Аскару Мамину; в Семее";
    let ids: Vec<String> = found(&g, text).into_iter().map(|(_, id)| id).collect();
    assert_eq!(
        ids,
        ["per:bagdat-musin", "org:kz-government", "org:sber", "org:kz-mcriap", "per:askar-mamin", "loc:kz-semey"]
    );
}

#[test]
fn every_engine_finds_the_same() {
    let mut loader = EntryLoader::default();
    loader.add_text(Path::new("test.tsv"), DICT, &mut Diagnostics::default());
    let text =
        "Сбер Казахстанский и Сбербанкир; в РК и РКО, АО «НИТ», Нур‑Султане; Мусин и Ерлан Мусин 🏗️ Казахстан-2050";
    let folded = FoldedText::new(text);
    let expected = gazetteer().find(text, &folded);
    assert_eq!(expected.len(), 7, "{expected:?}");
    for engine in Engine::ALL {
        let g = Gazetteer::with_engine(loader.entries.clone(), Inflector::builtin(), engine);
        assert_eq!(g.find(text, &folded), expected, "{engine:?}");
    }
}

/// The word index finds exactly what the charwise automaton finds in `text`, with [`DICT`]
/// and aliases that begin or end with punctuation, digits or characters the scan's masks
/// cannot classify (`ә`, `é`, an emoji), and one inside another.
fn word_index_agrees_with_the_automaton(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let extra = "org:kairat\tORG\t«Кайрат»\t\"Кайрат\" ФК|-2050\tno\nloc:kz2050\tLOC\tКазахстан-2050\t\tno\n\
                 org:ae\tORG\tӘж\tжә|ж🏗|é\tno\n";
    let mut loader = EntryLoader::default();
    let mut diagnostics = Diagnostics::default();
    loader.add_text(Path::new("test.tsv"), &format!("{DICT}{extra}"), &mut diagnostics);
    proptest::prop_assert!(diagnostics.items.is_empty(), "{:?}", diagnostics.items);
    let folded = FoldedText::new(text);
    let automaton = Gazetteer::with_engine(loader.entries.clone(), Inflector::builtin(), Engine::DaachorseCharwise);
    let words = Gazetteer::with_engine(loader.entries.clone(), Inflector::builtin(), Engine::WordIndex);
    proptest::prop_assert_eq!(words.find(text, &folded), automaton.find(text, &folded));
    Ok(())
}

proptest::proptest! {
    /// Any text: the word index finds exactly what the charwise automaton finds.
    #[test]
    fn word_index_equals_the_automaton(
        text in "(\\PC|[ \u{a0}\u{ad}\u{301}«»\"\\-]|Сбер|СБЕРом|Сбербанк|РК|РКО|Мусин|Ерлан|Нур-Султан|АО «НИТ»|Казахстан|-2050|Кайрат|ФК|\r\n){0,40}"
    ) {
        word_index_agrees_with_the_automaton(&text)?;
    }

    /// Long texts: words, matches and characters the masks cannot classify fall on every
    /// place of the scan's 64-byte chunks and across their edges, and end the text.
    #[test]
    fn word_index_equals_the_automaton_across_chunks(
        text in "([ \"ә🏗é]|Сбер|СБЕРом|Сбербанкир|РК|РКО|Мусин|Ерлан Мусин|Нур-Султан|АО «НИТ»|Казахстан|Кайрат|ФК|ж{1,40}|q{1,70}|\n){0,120}"
    ) {
        word_index_agrees_with_the_automaton(&text)?;
    }

    /// Any text: no panic; spans sorted, disjoint, non-empty, on char boundaries, naming
    /// a known entry.
    #[test]
    fn any_text_gives_valid_spans(
        text in "(\\PC|[ \u{a0}\u{ad}\u{301}\u{200b}«»“”\"–—\\-]|Сбер|СБЕРом|РК|Мусин|Нур-Султан|АО «НИТ»|🏗️|\r\n){0,40}"
    ) {
        let g = gazetteer();
        let folded = FoldedText::new(&text);
        let mentions = g.find(&text, &folded);
        let mut last_end = 0;
        for m in &mentions {
            proptest::prop_assert!(m.span.start >= last_end && m.span.start < m.span.end);
            proptest::prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            proptest::prop_assert!(g.entry(&m.entity_id).is_some());
            last_end = m.span.end;
        }
    }
}

/// The scan's masks count a D0 or D1 lead byte and the byte after it as a word character:
/// those are exactly the two-byte Cyrillic block U+0400..U+047F, all letters.
#[test]
fn cyrillic_two_byte_block_is_all_word_chars() {
    for c in (0..=0x7ffu32).filter_map(char::from_u32) {
        let mut buf = [0; 4];
        let lead = c.encode_utf8(&mut buf).as_bytes()[0];
        assert_eq!(lead == 0xd0 || lead == 0xd1, ('\u{400}'..='\u{47f}').contains(&c), "{c:?}");
        if lead == 0xd0 || lead == 0xd1 {
            assert!(is_word_char(c), "{c:?}");
        }
    }
}
