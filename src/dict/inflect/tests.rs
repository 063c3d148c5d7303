use super::*;
use crate::model::EntityType::{Loc, Org, Per};

/// `a!(alias, type, [forms that must be generated], [forms that must not])`
macro_rules! a {
    ($alias:expr, $ty:expr, [$($yes:expr),*], [$($no:expr),*]) => {{
        let forms = alias_forms($alias, $ty);
        assert_eq!(forms[0], $alias, "the alias itself comes first");
        $( assert!(forms.iter().any(|f| f == $yes), "{} should give {:?}; got {:?}", $alias, $yes, forms); )*
        $( assert!(!forms.iter().any(|f| f == $no), "{} should not give {:?}; got {:?}", $alias, $no, forms); )*
    }};
}

#[test]
fn persons() {
    a!("Мусин", Per, ["Мусина", "Мусину", "Мусиным", "Мусине"], ["Мусином"]);
    a!(
        "Багдат Мусин",
        Per,
        ["Багдата Мусина", "Багдату Мусину", "Багдатом Мусиным", "Багдате Мусине"],
        ["Багдата Мусину"]
    );
    a!("Аскар Мамин", Per, ["Аскару Мамину", "Аскаром Маминым"], []);
    a!("Мамина", Per, ["Маминой", "Мамину"], ["Мамины"]);
    a!("Айгерим Мусина", Per, ["Айгерим Мусиной", "Айгерим Мусину"], ["Айгерима Мусиной"]);
    a!("Марина Мусина", Per, ["Марины Мусиной", "Мариной Мусиной"], ["Мариной Мусину"]);
    a!("Герман Греф", Per, ["Германа Грефа", "Германом Грефом", "Герману Грефу"], []);
    a!("Касым-Жомарт Токаев", Per, ["Касым-Жомарта Токаева", "Касым-Жомартом Токаевым"], ["Касыма-Жомарта Токаева"]);
    a!("Мусин Багдат Батырбекович", Per, ["Мусина Багдата Батырбековича", "Мусиным Багдатом Батырбековичем"], []);
    a!("Шойгу", Per, [], ["Шойгуа"]);
    a!("Сейткали", Per, [], ["Сейткалия"]);
    a!("Динара", Per, ["Динары", "Динаре", "Динару", "Динарой"], []);
    a!("Сергей Лавров", Per, ["Сергея Лаврова", "Сергеем Лавровым"], []);
    a!("Б. Мусин", Per, ["Б. Мусина", "Б. Мусиным"], []);
    a!("Достоевский", Per, ["Достоевского", "Достоевским"], []);
}

#[test]
fn organisations_and_places() {
    a!("Сбер", Org, ["Сбера", "Сберу", "Сбером", "Сбере"], []);
    a!("СБЕР", Org, ["СБЕРа", "СБЕРом", "СБЕРу", "СБЕРе"], []);
    a!("НИТ", Org, ["НИТа", "НИТом"], []);
    a!("РК", Loc, [], ["РКа", "РКе"]);
    a!("США", Loc, [], ["СШs"]);
    a!("МЦРИАП", Org, ["МЦРИАПа"], []);
    a!("Казахстан", Loc, ["Казахстана", "Казахстану", "Казахстаном", "Казахстане"], []);
    a!("Китай", Loc, ["Китая", "Китаю", "Китаем", "Китае"], []);
    a!("Россия", Loc, ["России", "Россию", "Россией"], ["Россие"]);
    a!("Европа", Loc, ["Европы", "Европе", "Европу", "Европой"], []);
    a!("Украина", Loc, ["Украины", "Украине", "Украину"], ["Украиной Украины"]);
    a!("Семей", Loc, ["Семея", "Семее"], []);
    a!("Алматы", Loc, [], ["Алматов", "Алматой"]);
    a!("Мангистау", Loc, [], ["Мангистауа"]);
    a!("Токио", Loc, [], ["Токиа"]);
    a!("Нур-Султан", Loc, ["Нур-Султане", "Нур-Султана", "Нур-Султаном"], ["Нура-Султана"]);
    a!(
        "Министерство цифрового развития",
        Org,
        ["Министерства цифрового развития", "Министерством цифрового развития", "Министерству цифрового развития"],
        ["Министерства цифрового развитияа", "Министерства цифровому развития"]
    );
    a!(
        "Алматинская область",
        Loc,
        ["Алматинской области", "Алматинскую область", "Алматинской областью"],
        ["Алматинская области"]
    );
    a!(
        "Национальные информационные технологии",
        Org,
        ["Национальных информационных технологий", "Национальными информационными технологиями"],
        []
    );
    a!("Республика Казахстан", Loc, ["Республики Казахстан", "Республикой Казахстан"], ["Республики Казахстана"]);
    a!("группа Сбер", Org, ["группы Сбер", "группой Сбер"], ["группы Сбера"]);
    a!("Северная Корея", Loc, ["Северной Кореи", "Северную Корею"], []);
    a!(
        "Российский союз промышленников",
        Org,
        ["Российского союза промышленников", "Российским союзом промышленников"],
        []
    );
    a!("Правительство", Org, ["Правительства", "Правительством"], []);
    a!("Управление делами", Org, ["Управления делами", "Управлением делами"], ["Управлених делами"]);
    a!("мажилис", Org, ["мажилиса", "мажилисе"], []);
    a!("Самрук-Казына", Org, ["Самрук-Казыны", "Самрук-Казыной"], []);
    a!("АО «НИТ»", Org, [], ["АО «НИТа»"]);
    a!("Sputnik Казахстан", Org, [], ["Sputnik Казахстана"]);
    a!("Halyk Bank", Org, [], ["Halyk Banka"]);
    a!("Vласть", Org, ["Vласти", "Vластью"], []);
    a!("Kaspi.kz", Org, [], ["Kaspi.kzа"]);
}

#[test]
fn common_word_forms_are_dropped() {
    let f = Inflector::builtin().alias_forms("Вера", Per);
    assert_eq!(f.forms, ["Вера"], "the alias itself stays");
    assert!(f.dropped.contains(&"Веры".to_string()), "{f:?}");
    assert!(Inflector::builtin().is_common_word("СЕМЕЙ"));
    assert!(!Inflector::builtin().is_common_word("Мусин"));
}

/// `w!(word, class, [forms])`: exactly these forms, in this order.
macro_rules! w {
    ($word:expr, $class:expr, [$($f:expr),*]) => {
        assert_eq!(word_forms($word, $class), [$($f),*] as [&str; 0 $(+ { let _ = $f; 1 })*], "{} {:?}", $word, $class);
    };
}

#[test]
fn single_words() {
    w!("Багдат", WordClass::MascName, ["Багдат", "Багдата", "Багдату", "Багдатом", "Багдате"]);
    w!("Айгерим", WordClass::FemName, ["Айгерим"]);
    w!("Асель", WordClass::FemName, ["Асель", "Асели", "Аселью"]);
    w!("Динара", WordClass::FemName, ["Динара", "Динары", "Динаре", "Динару", "Динарой"]);
    w!("Ерлан", WordClass::MascName, ["Ерлан", "Ерлана", "Ерлану", "Ерланом", "Ерлане"]);
    w!("Мусин", WordClass::MascSurname, ["Мусин", "Мусина", "Мусину", "Мусиным", "Мусине"]);
    w!("Мусина", WordClass::FemSurname, ["Мусина", "Мусиной", "Мусину"]);
    w!("Токаев", WordClass::MascSurname, ["Токаев", "Токаева", "Токаеву", "Токаевым", "Токаеве"]);
    w!("Токаева", WordClass::FemSurname, ["Токаева", "Токаевой", "Токаеву"]);
    w!("Сейткали", WordClass::MascSurname, ["Сейткали"]);
    w!("Сейткали", WordClass::Indeclinable, ["Сейткали"]);
    w!("Греф", WordClass::MascSurname, ["Греф", "Грефа", "Грефу", "Грефом", "Грефе"]);
    w!("Ковальчук", WordClass::FemSurname, ["Ковальчук"]);
    w!("Казахстан", WordClass::Auto, ["Казахстан", "Казахстана", "Казахстану", "Казахстаном", "Казахстане"]);
    w!("Алматинская", WordClass::Auto, ["Алматинская", "Алматинской", "Алматинскую", "Алматинскою"]);
    w!("Mail.ru", WordClass::Auto, ["Mail.ru"]);
}

#[test]
fn table_macro_catches_a_wrong_form() {
    let r = std::panic::catch_unwind(|| {
        w!("Сбер", WordClass::Noun, ["Сбер"]);
    });
    assert!(r.is_err());
}

proptest::proptest! {
    #[test]
    fn alias_forms_never_panic(s in "\\PC{0,30}|[ \\-.«»А-Яа-яЁё]{0,30}") {
        for ty in [Per, Org, Loc] {
            let f = alias_forms(&s, ty);
            proptest::prop_assert!(f.len() <= 1 + 5 * MAX_COMBINATIONS);
        }
    }
}

/// `has_folded_form` and `each_folded_form` answer what `word_forms` + `fold_str` would.
#[test]
fn folded_form_queries_agree_with_word_forms() {
    let inflector = Inflector::builtin();
    let classes =
        [WordClass::MascName, WordClass::FemName, WordClass::MascSurname, WordClass::FemSurname, WordClass::Auto];
    let words = [
        "Мусин",
        "Мусина",
        "МУСИНА",
        "Касым-Жомарт",
        "Жомарта",
        "Сейткали",
        "Ёлкин",
        "Mail.ru",
        "СБЕР",
        "Айгерим",
        "Греф",
        "Бхутто",
    ];
    for word in words {
        for class in classes {
            let forms: Vec<String> = inflector.word_forms(word, class).iter().map(|f| fold_str(f)).collect();
            let mut each = Vec::new();
            inflector.each_folded_form(word, class, &mut |f| each.push(f.to_string()));
            each.dedup();
            for f in &forms {
                assert!(each.contains(f), "{word} {class:?}: {f} missing");
                assert_eq!(inflector.has_folded_form(word, class, f), forms.len() > 1, "{word} {class:?} {f}");
            }
            assert!(each.iter().all(|f| forms.contains(f)), "{word} {class:?}");
            assert!(!inflector.has_folded_form(word, class, "мусинх"), "{word} {class:?}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn has_folded_form_matches_word_forms(s in "[А-Яа-яЁё\\-]{0,12}", t in "[А-Яа-яЁё]{0,3}") {
        let inflector = Inflector::builtin();
        let target = format!("{}{}", fold_str(&s), fold_str(&t));
        for class in [WordClass::MascName, WordClass::FemSurname, WordClass::MascSurname] {
            let forms = inflector.word_forms(&s, class);
            let expected = forms.len() > 1 && forms.iter().any(|f| fold_str(f) == target);
            proptest::prop_assert_eq!(inflector.has_folded_form(&s, class, &target), expected);
        }
    }
}

proptest::proptest! {
    /// The byte-level folds of simple words agree with `fold_str`.
    #[test]
    fn simple_folds_agree_with_fold_str(s in "\\PC{0,12}|[a-zA-Z0-9\\-абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ]{0,16}") {
        let mut buf = String::new();
        if fold_simple(&s, &mut buf) {
            proptest::prop_assert_eq!(&buf, &fold_str(&s));
        }
        let mut into = String::from("junk");
        fold_word_into(&s, &mut into);
        proptest::prop_assert_eq!(&into, &fold_str(&s));
        proptest::prop_assert!(folds_to(&s, &fold_str(&s)));
        let longer = fold_str(&s) + "x";
        proptest::prop_assert!(!folds_to(&s, &longer));
    }
}

proptest::proptest! {
    /// `folds_to` (with its test of the last letter first) is `fold_str(word) == folded`:
    /// against the folds of the word, of words one letter off, and of words with spaces,
    /// entities and marks that folding drops.
    #[test]
    fn folds_to_is_fold_str_equality(
        word in "\\PC{0,10}|[a-zA-Z0-9\\-&;ёЁаяАЯюе \t\u{301}\u{ad}]{0,12}|&[a-z]{2,5};?[аяa]?",
        other in "\\PC{0,10}|[a-zA-Z0-9\\-&;ёЁаяАЯюе \t\u{301}\u{ad}]{0,12}",
    ) {
        for folded in [fold_str(&word), fold_str(&other), fold_str(&format!("{word}{other}")), fold_str(&other) + &fold_str(&word)] {
            proptest::prop_assert_eq!(folds_to(&word, &folded), fold_str(&word) == folded, "{:?} {:?}", word, folded);
        }
    }
}

/// `lower`'s Russian and ASCII fast path gives what the Unicode case tables give.
#[test]
fn lower_agrees_with_to_lowercase() {
    let slow = |word: &str| -> String {
        word.chars()
            .map(|c| match c {
                'ё' | 'Ё' => 'е',
                c => c.to_lowercase().next().unwrap_or(c),
            })
            .collect()
    };
    for word in ["МУСИНА", "Ёлкин", "Жан-Мари", "McDonald's", "ӘЛИЯ", "İstanbul", "ΣΟΦΊΑ", "🙂Аа", ""]
    {
        assert_eq!(lower(word), slow(word), "{word}");
    }
    for c in ('\u{0}'..='\u{600}').filter(|c| !c.is_control()) {
        let s = c.to_string();
        assert_eq!(lower(&s), slow(&s), "{c:?}");
    }
}
