//! Table tests for the entity rules: one line per case, `TYPE:surface` items expected in
//! order (all mentions of the sentence, dictionary ones included), and traps that must yield
//! nothing. The names come from a small hand lexicon so the rules are tested, not the data.

use std::sync::OnceLock;

use super::*;
use crate::dict::inflect::Inflector;
use crate::dict::{Diagnostics, DictDirs};
use crate::text::FoldedText;

struct Fixture {
    gazetteer: Gazetteer,
    names: NameList,
    roles: RoleNouns,
    rules: EntityRules,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let mut d = Diagnostics::default();
        let rules = EntityRules::load(&dirs, &mut d);
        assert!(!d.has_errors(), "{:?}", d.items);
        let inflector = Inflector::load(&dirs, &mut d);
        let mut names = NameList::load_lists(&dirs, &inflector, &mut d);
        for (n, g, common) in [
            ("Аскар", NameGender::Masc, false),
            ("Вера", NameGender::Fem, true),
            ("Лев", NameGender::Masc, true),
            ("Жан-Мари", NameGender::Masc, false),
            ("Герман", NameGender::Masc, false),
        ] {
            names.add(n, NameKind::First, g, common, &inflector);
        }
        Fixture {
            gazetteer: Gazetteer::from_entries(Vec::new(), &inflector),
            names,
            roles: RoleNouns::load(&dirs, &mut d),
            rules,
        }
    })
}

fn run(text: &str) -> Vec<Mention> {
    let f = fixture();
    extract_entities(text, &FoldedText::new(text), &f.gazetteer, &f.names, &f.roles, &f.rules)
}

fn got(text: &str) -> String {
    run(text).iter().map(|m| format!("{}:{}", m.entity_type.as_str(), m.span.slice(text))).collect::<Vec<_>>().join("|")
}

macro_rules! t {
    ($name:ident, $text:expr, $want:expr) => {
        #[test]
        fn $name() {
            assert_eq!(got($text), $want, "{}", $text);
        }
    };
}

// Persons.
t!(first_and_surname_in_dative, "Премию вручили Аскару Мамину вчера.", "PER:Аскару Мамину");
t!(surname_first_official, "Назначен Мусин Багдат Батырбекович.", "PER:Мусин Багдат Батырбекович");
t!(kazakh_patronymic, "Назначен Айдар Арифханулы.", "PER:Айдар Арифханулы");
t!(initial_then_surname, "Об этом сказал Б. Мусин.", "PER:Б. Мусин");
t!(two_initials_then_surname, "Об этом сказал Б.Б. Мусин.", "PER:Б.Б. Мусин");
t!(surname_then_initials, "Документ подписал Мусин Б.Б. вчера.", "PER:Мусин Б.Б.");
t!(hyphenated_initials, "Глава государства К.-Ж. Токаев провёл совещание.", "PER:К.-Ж. Токаев");
t!(all_caps_name_in_text, "Выступил БАГДАТ МУСИН, министр.", "PER:БАГДАТ МУСИН");
t!(foreign_with_particle, "Лидер партии Жан-Мари Ле Пен выступил.", "PER:Жан-Мари Ле Пен");
t!(foreign_pair, "Встречу провёл Герман Греф.", "PER:Герман Греф");
t!(surname_after_role, "Об этом сообщил министр Мусин.", "PER:Мусин");
t!(unknown_pair_mid_sentence, "Заявление сделал Сэйдзи Маэхара утром.", "PER:Сэйдзи Маэхара");
t!(two_first_names_are_first_and_surname, "Об этом сказал Аскар Герман вчера.", "PER:Аскар Герман");
t!(trap_first_name_then_full_name, "Пришли Герман, потом Герман Аскар Мамин.", "PER:Герман|PER:Герман|PER:Аскар Мамин");
// Names that are ordinary words count only with another name part.
t!(trap_common_first_name_alone, "Вера в будущее крепка.", "");
t!(common_first_name_with_surname, "Пришла Вера Петрова.", "PER:Вера Петрова");
t!(trap_lev_alone, "Лев вышел из клетки.", "");
// Organisations.
t!(legal_form_quoted, "Директор ТОО «Кайрат» задержан.", "ORG:Кайрат");
t!(legal_form_straight_quotes, "Акции АО \"НИТ\" выросли.", "ORG:НИТ");
t!(descriptor_quoted, "Представители партии «Яблоко» пришли.", "ORG:Яблоко");
t!(descriptor_chain_quoted, "Платформа группы компаний «Сбер» готова.", "ORG:Сбер");
t!(descriptor_latin, "Сделку одобрила компания Microsoft вчера.", "ORG:Microsoft");
t!(
    head_genitive_chain,
    "Об этом заявило Министерство цифрового развития, инноваций и аэрокосмической промышленности.",
    "ORG:Министерство цифрового развития, инноваций и аэрокосмической промышленности"
);
t!(head_chain_stops_at_verb, "Комитет защиты журналистов считает иначе.", "ORG:Комитет защиты журналистов");
t!(
    acronym_defined_in_text,
    "Работает Комитет защиты журналистов (КЗЖ). КЗЖ отметил рост.",
    "ORG:Комитет защиты журналистов|ORG:КЗЖ|ORG:КЗЖ"
);
// Lower-case heads with a genitive chain; nation adjectives before a name.
t!(lower_head_chain, "В российском министерстве финансов утверждают иное.", "ORG:российском министерстве финансов");
t!(
    lower_head_chain_plain,
    "Данные прислал департамент городского транспорта.",
    "ORG:департамент городского транспорта"
);
t!(lower_head_noun_genitive_not_verb, "Письмо ушло в министерство торговли и вернулось.", "ORG:министерство торговли");
t!(modifier_before_compound, "Санкции российского Минсельхоза ударят по рынку.", "ORG:российского Минсельхоза");
t!(trap_lower_head_alone, "Вчера каждое министерство отчиталось.", "");
t!(trap_everyday_adjective_does_not_join, "Документ прислал новый департамент кадров.", "ORG:департамент кадров");
t!(trap_everyday_head_lower, "Затем совет директоров и управление делами собрались.", "");
// Chains: capitals after a link, an acronym before a link; `и` before another organisation.
t!(
    chain_capital_after_link,
    "Заседание Совета при Президенте по развитию науки прошло.",
    "ORG:Совета при Президенте по развитию науки"
);
t!(chain_acronym_before_link, "Он выступил перед комитетом ООН против пыток вчера.", "ORG:комитетом ООН против пыток");
t!(
    chain_two_orgs_joined_by_and,
    "Письма пришли от Общественной палаты и рабочей группы по правам.",
    "ORG:Общественной палаты"
);
// Compound agency names by word start; exceptions.
t!(prefix_orgs, "Об этом сообщили Минсвязи и Росприроднадзор.", "ORG:Минсвязи|ORG:Росприроднадзор");
t!(trap_prefix_exceptions, "Министр сказал: Россиянам Господь поможет.", "");
// Quoted names without a descriptor; titles and phrases are not organisations.
t!(bare_quoted_name, "Об этом сообщает «Росбалт».", "ORG:Росбалт");
t!(bare_quoted_two_capitals, "В интервью «Голосу Америки» он сказал.", "ORG:Голосу Америки");
t!(trap_quoted_after_title_noun, "Спуск корабля «Союз» прошёл штатно.", "");
t!(trap_quoted_lower_phrase, "Очередной «Русский марш» не состоялся.", "");
t!(trap_quoted_lone_adjective, "«Блуждающий» объект заметили.", "");
t!(trap_currency_codes, "Курс: USD 448.50 EUR 482.10", "");
// Locations.
t!(marker_before, "Он родился в г. Семей и жил в селе Кокозек.", "LOC:Семей|LOC:Кокозек");
t!(marker_after, "В Алматинской области ввели карантин.", "LOC:Алматинской области");
// Traps.
t!(trap_months_weekdays, "В Понедельник, 5 Января, ничего не случилось.", "");
t!(trap_headline_caps, "ВЛАСТИ ОБЪЯВИЛИ НОВЫЕ МЕРЫ ПОДДЕРЖКИ", "");
t!(
    trap_widget_lines,
    "Погода в Семее\n-3°С\nАвторизуйтесь через социальную сеть:\n\nGoogleMailruOdnoklassnikiVkontakteYandex\n",
    ""
);

#[test]
fn one_entity_per_person_with_nominative_canonical() {
    let text = "Аскару Мамину вручили премию. Позже Мамин сказал спасибо. Мамина поблагодарили.";
    let m = run(text);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m.iter().all(|x| &*x.canonical == "Аскар Мамин" && &*x.entity_id == "per:аскар-мамин"), "{m:?}");
    assert_eq!(m[1].source, MentionSource::Coref);
}

#[test]
fn all_caps_and_full_name_are_one_entity() {
    let m = run("Выступил Багдат Мусин. БАГДАТ МУСИН ответил на вопросы.");
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[0].entity_id, m[1].entity_id);
    assert_eq!(&*m[1].canonical, "Багдат Мусин");
}

#[test]
fn spans_are_valid_on_any_text() {
    for text in ["«Ёлка» 🎄 АО «", "г.", "Б.", "(КЗЖ", "ТОО «Кайрат", "Мусин Б.", "\u{301}Ж. А"]
    {
        for m in run(text) {
            assert!(m.span.start <= m.span.end && text.get(m.span.start..m.span.end).is_some(), "{text:?} {m:?}");
        }
    }
}

// Seed regressions: common nouns at a line start are not first names or place adjectives,
// and Latin abbreviations glued to a common noun are not organisations.
t!(street_marker_opens_a_line, "Улицу Шевченко перекроют.", "LOC:Шевченко");
t!(latin_abbreviation_with_noun, "Эти IT-специалисты и IT-сообщество недовольны.", "");
t!(currency_widget_is_no_organisation, "USD443.85 EUR474.3", "");

/// The fixture's names as a lookup whose answers may be remembered under the cache id
/// given.
struct Remembered<'a>(&'a NameList, u64);

impl NameLookup for Remembered<'_> {
    fn for_each_form<'s>(&'s self, folded: &str, f: &mut dyn FnMut(NameForm<'s>)) {
        self.0.for_each_form(folded, f)
    }
    fn cache_id(&self) -> u64 {
        self.1
    }
    fn lemma_text(&self, lemma_id: u32) -> &str {
        self.0.lemma_text(lemma_id)
    }
}

/// Readings remembered across documents (a lookup with a cache id) give the mentions fresh
/// lookups give, on the first document and on the next (read back from the word table).
#[test]
fn remembered_readings_give_the_same_mentions() {
    let f = fixture();
    // Every shape of name (the second run reads the names remembered by the first).
    let text = "Министр Аскар Мамин встретился с Верой и Аскаром Маминым в Алматы. \
                Мамин заявил, что Жан-Мари Ле Пен и Лев Толстой ни при чём. Б.Б. Мусин и \
                Мусин Б.Б., БАГДАТ МУСИН, Мусин Багдат Батырбекович, К.-Ж. Токаев, Маминой, \
                F. Smith, Павел Виноградов и Зденко Кожул; глава Сбербанка Греф.";
    // The same written names in other company (a feminine verb, another sentence place,
    // other neighbours): what is remembered of a name must not carry its context along.
    let elsewhere = "Вчера Маминой и Аскаром Маминым заявила Вера. Мусин Б.Б. и Б.Б. Мусин, \
                     потом Греф; Павел Виноградов. Зденко Кожул и БАГДАТ МУСИН в Алматы.";
    let run = |text: &str, names: &dyn NameLookup| {
        extract_entities(text, &FoldedText::new(text), &f.gazetteer, names, &f.roles, &f.rules)
    };
    let fresh = run(text, &f.names);
    assert!(fresh.iter().any(|m| m.entity_type == EntityType::Per), "{fresh:?}");
    let remembered = Remembered(&f.names, u64::MAX);
    assert_eq!(run(text, &remembered), fresh);
    assert_eq!(run(text, &remembered), fresh);
    let fresh_elsewhere = run(elsewhere, &f.names);
    assert!(fresh_elsewhere.iter().any(|m| m.entity_type == EntityType::Per), "{fresh_elsewhere:?}");
    assert_eq!(run(elsewhere, &remembered), fresh_elsewhere);
    assert_eq!(run(text, &remembered), fresh);
}

/// The person flags, the word's part remembered across documents, agree with their
/// definition token by token: fresh and remembered readings, the first document and the
/// next, words in capitals on a shouting line and elsewhere, taken tokens, role nouns.
#[test]
fn remembered_person_flags_agree_with_their_definition() {
    let f = fixture();
    let texts = [
        "БАГДАТ МУСИН ЗАЯВИЛ СЕГОДНЯ ВСЁ\nМинистр Аскар Мамин и БАГДАТ МУСИН, Вера, Лев Толстой, Мусин.",
        "Вчера БАГДАТ МУСИН и Аскар Мамин.\nАСКАР МАМИН ВЕРА ЛЕВ ТОЛСТОЙ\nМусин Багдат Батырбекович; аким Аскар.",
    ];
    each_doc_twice_over(&texts, 2, |text, doc| {
        let flags = persons::flags_both_ways(doc, &f.rules, &f.roles);
        assert!(flags.iter().any(|&(_, got, _)| got != 0), "{text}");
        for (i, got, want) in flags {
            assert_eq!(got, want, "{text} {i} {}", doc.w(i));
        }
    });
}

/// `check(text, doc)` of each of `texts` read with fresh and with remembered readings, in
/// `rounds` rounds (the later ones read what the first remembered); in the last round some
/// tokens are taken, as by the mentions found before a rule pass.
fn each_doc_twice_over(texts: &[&str], rounds: usize, mut check: impl FnMut(&str, &Doc)) {
    let f = fixture();
    let remembered = Remembered(&f.names, 7);
    for names in [&f.names as &dyn NameLookup, &remembered] {
        for round in 0..rounds {
            for &text in texts {
                let tokens = tokenize(text);
                let mut doc = Doc::new(text, &tokens, names, &f.rules);
                if round + 1 == rounds {
                    doc.take(1, 3);
                }
                check(text, &doc);
            }
        }
    }
}

/// Every kind of organisation start (legal forms, descriptors, heads, adjectives, prefixes,
/// acronyms, Latin names, quotes) among names, role nouns and ordinary capitalised words.
const ORG_TEXTS: [&str; 4] = [
    "Глава Минцифры Багдат Мусин заявил, что «Казахтелеком» и ТОО «Кайрат» в г. Семей.",
    "Министерство цифрового развития и Социалистической рабочей партии. Росприроднадзор, \
     Госдепартамент и Минсвязи; МЧС, Google и Piedmont Airlines. Компания Microsoft, партия «Яблоко».",
    "Вчера Аскар Мамин сказал: Российской Федерации нужна Вера. Японского МИДа нет. \
     Сообщает «Росбалт». Мусин Б.Б. и Павел Виноградов в Алматы.",
    "Письма пришли от Общественной палаты и рабочей группы по правам. Министр, глава ведомства.",
];

/// The organisation rules pass over a rule start only where none of them matches: fresh
/// and remembered readings, the first document and the next, free and taken tokens, every
/// kind of organisation start (legal forms, descriptors, heads, adjectives, prefixes,
/// acronyms, Latin names, quotes) among names and ordinary capitalised words.
#[test]
fn org_starts_passed_over_match_nothing() {
    let f = fixture();
    let mut passed_over = 0;
    each_doc_twice_over(&ORG_TEXTS, 3, |text, doc| {
        let (wrong, skipped) = orgs::skipped_starts_that_match(doc, &f.rules);
        assert!(wrong.is_empty(), "{text}: {:?}", wrong.iter().map(|&i| doc.w(i)).collect::<Vec<_>>());
        passed_over += skipped;
    });
    assert!(passed_over > 0);
}

/// `Doc::starts`, written without a branch per token, holds exactly the tokens whose
/// `pass` flags say a rule may start there, ascending, the first and the last token included.
#[test]
fn doc_starts_are_the_tokens_flagged_as_rule_starts() {
    let f = fixture();
    for text in [
        "Глава Минцифры Багдат Мусин заявил, что «Казахтелеком» и ТОО «Кайрат» в г. Семей.",
        "министерство финансов",
        "Аскар",
        "",
        "«",
        "и в на Алматы",
    ] {
        let tokens = tokenize(text);
        let doc = Doc::new(text, &tokens, &f.names, &f.rules);
        let want: Vec<u32> = (0..doc.len() as u32).filter(|&i| doc.starts_rule(i as usize)).collect();
        assert_eq!(doc.starts, want, "{text}");
    }
}

proptest::proptest! {
    /// `Doc::sent_start`, `Doc::line_start` and `Doc::shout`, answered when asked (looking
    /// back over punctuation, at one gap, in the shouting lines), agree with the token pass
    /// of their definition run from the start of the text: any mix of words, capitals,
    /// sentence ends, opening quotes (chains of them too), line breaks and other gaps.
    #[test]
    fn doc_answers_place_questions_as_the_token_pass(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "слово", "Слово", "МИД", "ООН", "Google", "12", ".", "!", "…", "«", "»", "(", "—", "-", ",", ":",
                " ", " ", "\n", " \n ", "\r", "\u{2028}", "\n\n",
            ]),
            0..40,
        ),
    ) {
        let f = fixture();
        let text: String = parts.concat();
        let tokens = tokenize(&text);
        let doc = Doc::new(&text, &tokens, &f.names, &f.rules);
        let mut sentence_start = true;
        let mut prev_end = 0;
        for (i, t) in tokens.iter().enumerate() {
            let punct = t.kind == crate::text::tokens::TokenKind::Punct;
            let w = t.span.slice(&text);
            let starts = sentence_start | t.after_newline;
            let line_start = i == 0 || t.after_newline && text[prev_end..t.span.start].contains('\n');
            prev_end = t.span.end;
            proptest::prop_assert_eq!(doc.sent_start(i), starts & !punct, "{:?} {}", text, i);
            proptest::prop_assert_eq!(doc.line_start(i), line_start, "{:?} {}", text, i);
            let ends = doc::is_sentence_end(w.as_bytes());
            let opens = doc::is_open_quote(w.as_bytes());
            sentence_start = punct & (ends | (starts & opens));
        }
        // Shouting: every word of a line (after a `after_newline` token) counted.
        let mut line_of = Vec::new();
        let mut line = 0;
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 && t.after_newline {
                line += 1;
            }
            line_of.push(line);
        }
        for (i, _) in tokens.iter().enumerate() {
            let same_line = (0..tokens.len()).filter(|&k| line_of[k] == line_of[i]);
            let words: Vec<usize> = same_line.filter(|&k| doc.is_word(k) && !doc.latin(k)).collect();
            let caps = words.iter().filter(|&&k| doc.caps(k)).count();
            let shouts = words.len() >= 3 && caps * 4 >= words.len() * 3;
            proptest::prop_assert_eq!(doc.shout(i), shouts, "{:?} {}", text, i);
        }
    }
}

/// `Doc::role`, remembered per word across documents, answers as the lookup of the word
/// under whichever role nouns it is asked with, when they change between documents too.
#[test]
fn roles_remembered_across_documents_follow_the_role_nouns() {
    let f = fixture();
    let (empty, mut found) = (RoleNouns::default(), 0);
    let mut ask = 0;
    each_doc_twice_over(&ORG_TEXTS, 3, |text, doc| {
        for roles in [&f.roles, &empty, &f.roles.clone()] {
            ask += 1;
            // Every third asking is skipped: some answers come from older documents.
            if ask % 3 == 0 {
                continue;
            }
            for i in 0..doc.len() {
                let want = roles.lookup(doc.w(i)).map(|r| r.refers_to);
                assert_eq!(doc.role(roles, i), want, "{text}: {}", doc.w(i));
                found += usize::from(want.is_some());
            }
        }
    });
    assert!(found > 0);
}

/// The prefix test of a word alone, remembered across documents, answers as it does fresh.
#[test]
fn remembered_prefix_org_is_the_fresh_answer() {
    let f = fixture();
    let mut yes = 0;
    each_doc_twice_over(&ORG_TEXTS, 3, |text, doc| {
        for i in 0..doc.len() {
            let fresh = orgs::prefix_org_word(doc, &f.rules, i);
            assert_eq!(
                doc.remembered_prefix_org(i, || orgs::prefix_org_word(doc, &f.rules, i)),
                fresh,
                "{text}: {}",
                doc.w(i)
            );
            yes += usize::from(fresh);
        }
    });
    assert!(yes > 0);
}
