use std::path::Path;
use std::sync::OnceLock;

use super::*;
use crate::dict::{Diagnostics, DictDirs};
use crate::text::fold_str;

/// The generated OpenCorpora lexicon alone (the shipped hand lists add Kazakh names).
fn shipped() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut d = Diagnostics::default();
        let mut lexicon = Lexicon::empty();
        lexicon.load_generated(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries/lexicon/opencorpora-names.lex.gz")),
            &mut d,
        );
        assert!(d.items.is_empty(), "{:?}", d.items);
        lexicon
    })
}

#[test]
fn shipped_folder_loads_hand_lists_without_errors() {
    let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    let mut d = Diagnostics::default();
    let lexicon = Lexicon::load(&dirs, &mut d, &|lemma, _, _| vec![lemma.to_string()]);
    assert!(!d.has_errors(), "{:?}", d.items);
    assert!(lexicon.is_first_name("Багдат") && lexicon.is_surname("Токаев"));
}

/// word, lemma, class, gender (None = any), case (None = any), common_word.
type Expect = (&'static str, &'static str, NameClass, Option<Gender>, Option<Case>, bool);

/// Does `word` have an analysis matching every given property?
fn has(word: &str, lemma: &str, class: NameClass, gender: Option<Gender>, case: Option<Case>, common: bool) -> bool {
    shipped().lookup(word).any(|f| {
        f.lemma == lemma
            && f.class == class
            && gender.is_none_or(|g| g == f.gender)
            && case.is_none_or(|c| Some(c) == f.case)
            && f.common_word == common
    })
}

#[test]
fn shipped_lookups() {
    use Case::*;
    use Gender::*;
    use NameClass::*;
    #[rustfmt::skip]
    let table: &[Expect] = &[
        ("Александр", "александр", First, Some(Masc), Some(Nom), false),
        ("Александром", "александр", First, Some(Masc), Some(Ins), false),
        ("АЛЕКСАНДРУ", "александр", First, Some(Masc), Some(Dat), false),
        ("Александра", "александра", First, Some(Fem), Some(Nom), false),
        ("Александра", "александр", First, Some(Masc), Some(Gen), false),
        ("Назарбаевым", "назарбаев", Surname, Some(Masc), Some(Ins), false),
        ("Грефа", "греф", Surname, Some(Masc), Some(Gen), false),
        ("Шойгу", "шойгу", Surname, Some(Common), Some(Dat), false),
        ("Ивановой", "иванов", Surname, Some(Fem), Some(Gen), false),
        // ё is folded, so Королёвой reads like королевой (queen): a common word too.
        ("Королёвой", "королёв", Surname, Some(Fem), Some(Ins), true),
        ("Королевой", "королёв", Surname, Some(Fem), Some(Ins), true),
        ("Мусиным", "мусин", Surname, Some(Masc), Some(Ins), false),
        ("Ивановна", "иванович", Patronymic, Some(Fem), Some(Nom), false),
        ("Петровичем", "петрович", Patronymic, Some(Masc), Some(Ins), false),
        ("Грузии", "грузия", Toponym, None, Some(Loc), false),
        ("Италии", "италия", Toponym, None, Some(Gen), false),
        ("Роза", "роза", First, Some(Fem), Some(Nom), true),
        ("Вера", "вера", First, Some(Fem), Some(Nom), true),
        ("Надежда", "надежда", First, Some(Fem), Some(Nom), true),
        ("Лев", "лев", First, Some(Masc), Some(Nom), true),
    ];
    for &(word, lemma, class, gender, case, common) in table {
        let all: Vec<_> = shipped().lookup(word).collect();
        assert!(has(word, lemma, class, gender, case, common), "{word}: {all:?}");
    }
}

#[test]
fn shipped_misses_and_traps() {
    let lex = shipped();
    // Not in OpenCorpora (nor is Налбандов): hand lists and the inflector cover them.
    for word in
        ["Багдат", "Токаев", "Налбандовым", "стол", "", " ", "😀", "Алекс андр", "Грузия😀", "x".repeat(500).as_str()]
    {
        assert_eq!(lex.lookup(word).count(), 0, "{word:?}");
        assert!(lex.form_info(word).is_none(), "{word:?}");
    }
    assert!(lex.is_first_name("Александр") && !lex.is_surname("Александр"));
    assert!(lex.is_surname("Иванов") && lex.is_patronymic("Ивановича") && lex.is_toponym("Москве"));
    let vera = lex.form_info("ВЕРА").unwrap();
    assert!(vera.common_word && vera.classes.contains(NameClass::First));
    assert!(vera.name_share.is_some_and(|s| s < 50), "{vera:?}");
    assert!(!lex.form_info("Ивановой").unwrap().common_word);
}

#[test]
fn nominative_keeps_gender_and_yo() {
    let lex = shipped();
    #[rustfmt::skip]
    let table = [
        ("Ивановой", NameClass::Surname, "иванова"),
        ("Королёву", NameClass::Surname, "королёв"),
        ("Королёвой", NameClass::Surname, "королёва"),
        ("Александру", NameClass::First, "александр"),
        ("Ивановной", NameClass::Patronymic, "ивановна"),
        ("Грузии", NameClass::Toponym, "грузия"),
    ];
    for (word, class, expected) in table {
        let form = lex.lookup(word).find(|f| f.class == class).unwrap();
        assert_eq!(lex.nominative(&form), expected, "{word}");
    }
}

#[test]
fn forms_of_gives_the_paradigm() {
    let forms = shipped().forms_of("Мусин", NameClass::Surname);
    let has = |w: &str, g: Gender, c: Case| forms.iter().any(|(f, a)| f == w && a.gender == g && a.case == Some(c));
    assert!(has("мусин", Gender::Masc, Case::Nom));
    assert!(has("мусиным", Gender::Masc, Case::Ins));
    assert!(has("мусиной", Gender::Fem, Case::Gen));
    assert!(shipped().forms_of("Мусин", NameClass::First).is_empty());
}

#[test]
fn shipped_counts_and_folding() {
    let lex = shipped();
    let stats = lex.stats();
    assert!(stats.forms[NameClass::First as usize] > 10_000, "{stats:?}");
    assert!(stats.lemmas.iter().all(|&n| n > 5_000), "{stats:?}");
    assert!(stats.ambiguous_forms > 5_000 && stats.ambiguous_forms < stats.distinct_forms / 10, "{stats:?}");
    assert_eq!(lex.len(), stats.distinct_forms);
    for id in 0..lex.forms.len() as u32 {
        let key = key_of(&lex.keys, &lex.forms, id);
        assert_eq!(fold_str(key), key);
    }
}

fn hand_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lexicon")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("lexicon").join(name), text).unwrap();
    }
    dir
}

fn load_dir(dir: &Path) -> (Lexicon, Vec<String>) {
    let mut d = Diagnostics::default();
    let expand = |lemma: &str, class: NameClass, gender: Gender| match (class, gender) {
        (NameClass::Surname, Gender::Masc) => {
            vec![format!("{lemma}а"), format!("{lemma}у"), format!("{lemma}ым"), format!("{lemma}е")]
        }
        _ => Vec::new(),
    };
    let lex = Lexicon::load(&DictDirs::new(vec![dir.to_path_buf()]), &mut d, &expand);
    (lex, d.items.iter().map(|d| d.to_string()).collect())
}

#[test]
fn hand_lists_with_forms_and_expand() {
    let text = "# Kazakh names\nlemma\tclass\tgender\tforms\tnote\n\
                Багдат\tfirst\tm\tБагдата|Багдату| Багдатом |\tминистр\n\
                Мусин\tsurname\tm\t\t\n\
                Сейткали\tsurname\t-\tСейткали\tindeclinable\n\
                Семей\ttoponym\t-\n";
    let dir = hand_dir(&[("kz.tsv", text)]);
    let (lex, errors) = load_dir(dir.path());
    assert!(errors.is_empty(), "{errors:?}");
    let f = lex.lookup("БАГДАТОМ").next().unwrap();
    assert_eq!(
        (f.lemma, f.class, f.gender, f.case, f.hand_listed),
        ("багдат", NameClass::First, Gender::Masc, None, true)
    );
    let f = lex.lookup("Багдат").next().unwrap();
    assert_eq!(f.case, Some(Case::Nom));
    assert_eq!(lex.nominative(&lex.lookup("Багдату").next().unwrap()), "багдат");
    assert!(lex.is_surname("Мусиным") && lex.is_surname("Мусину") && !lex.is_surname("Мусиной"));
    assert_eq!(lex.lookup("Сейткали").count(), 1);
    assert!(lex.is_toponym("Семей") && !lex.is_toponym("Семея"));
    assert_eq!(lex.forms_of("Багдат", NameClass::First).len(), 4);
    assert_eq!(lex.stats().lemmas, [1, 2, 0, 1]);
}

#[test]
fn broken_hand_lines_are_reported_with_file_and_line() {
    let text = "lemma\tclass\tgender\tforms\tnote\n\
                Ерлан\tfirst\tm\n\
                Асель\tname\tf\n\
                \tsurname\tm\n\
                Айгерим\tfirst\tж\n\
                Нурлан\n\
                Айдар\tfirst\tm\t\ta\tb\n\
                Динара\tfirst\tf\n";
    let dir = hand_dir(&[("bad.tsv", text)]);
    let (lex, errors) = load_dir(dir.path());
    let mut lines: Vec<String> =
        errors.iter().map(|e| e.split_once("bad.tsv:").map_or(e.clone(), |(_, rest)| rest.to_string())).collect();
    lines.sort();
    #[rustfmt::skip]
    let expected = [
        ("3: error: class is \"name\""),
        ("4: error: empty lemma"),
        ("5: error: gender is \"ж\""),
        ("6: error: 1 field(s)"),
        ("7: error: 6 fields"),
    ];
    assert_eq!(lines.len(), expected.len(), "{errors:?}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "{line} should start with {want}");
    }
    assert!(lex.is_first_name("Ерлан") && lex.is_first_name("Динара") && !lex.is_first_name("Асель"));
}

#[test]
fn broken_generated_lines_are_reported() {
    let text = "# header\nP\t0::mns 0:а:mgs\nP\t0:x\nL\tпетр\tfirst\t0\nL\tпавел\tfirst\t7\nL\tанна\tname\t0\nA\tпетр\t40\nZ\n";
    let mut d = Diagnostics::default();
    let mut lex = Lexicon::empty();
    lex.parse_generated(Path::new("g.lex.gz"), text, &mut d);
    let lines: Vec<usize> = d.items.iter().map(|d| d.line).collect();
    assert_eq!(lines, [3, 5, 6, 8], "{:?}", d.items);
    assert!(lex.is_first_name("Петра"));
    assert_eq!(lex.form_info("петр").unwrap().name_share, Some(40));
}

#[test]
fn lexicon_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Lexicon>();
    assert!(Lexicon::empty().is_empty() && Lexicon::empty().lookup("Вера").next().is_none());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Any string in: no panic, and every analysis gives a nominative.
    #[test]
    fn any_word_is_safe(word in "\\PC{0,40}|[А-Яа-яЁё-]{1,12}") {
        let lex = shipped();
        for form in lex.lookup(&word) {
            let _ = lex.nominative(&form);
        }
        let _ = lex.form_info(&word);
        let _ = lex.forms_of(&word, NameClass::Surname);
    }

    /// Any hand-list text: no panic; every bad line is reported with a line number.
    #[test]
    fn any_hand_list_is_safe(body in "(\\PC{0,12}(\\t\\PC{0,8}){0,5}\\n){0,6}") {
        let text = format!("lemma\tclass\tgender\tforms\tnote\n{body}");
        let mut d = Diagnostics::default();
        let table = crate::dict::tsv::parse_tsv(Path::new("p.tsv"), &text, &Lexicon::HAND_COLUMNS, &mut d).unwrap();
        let mut lex = Lexicon::empty();
        lex.add_hand_table(&table, &mut d, &|l, _, _| vec![format!("{l}а")]);
        proptest::prop_assert!(d.items.iter().all(|i| i.line >= 2));
        proptest::prop_assert!(lex.lookup("").next().is_none());
    }
}

/// Folding is idempotent, so a folded word looks up as itself: `lookup_folded` of a folded
/// word equals `lookup` of the word.
#[test]
fn folding_is_idempotent() {
    use crate::text::{fold_char, Folded};
    for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
        if let Folded::One(f) = fold_char(c) {
            assert_eq!(fold_char(f), Folded::One(f), "{c:?} folds to {f:?}, which folds further");
        }
    }
}

/// An empty lexicon is never remembered (id 0); loading gives a fresh id each time, so
/// readings remembered from one content are never read back for another.
#[test]
fn loading_gives_a_fresh_id() {
    assert_eq!(Lexicon::empty().id(), 0);
    let mut d = Diagnostics::default();
    let mut lexicon = Lexicon::empty();
    lexicon.load_generated(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries/lexicon/opencorpora-names.lex.gz")),
        &mut d,
    );
    let first = lexicon.id();
    assert_ne!(first, 0);
    assert_ne!(first, shipped().id());
    let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    for path in dirs.tsv_files_under("lexicon") {
        lexicon.load_hand_list(&path, &mut d, &|lemma, _, _| vec![lemma.to_string()]);
    }
    assert_ne!(lexicon.id(), first);
}
