//! Table tests, one line per pattern of the issue: `t!(name, text, [expected…])` where each
//! expected quote reads `kind | part / part | speaker | attribution | cue` (empty speaker or cue
//! when none). A case lists every quote the text holds, so a line with `[]` is a trap.

use super::test_support::kit;
use crate::model::Quote;

fn show(text: &str, q: &Quote) -> String {
    let parts: Vec<&str> = q.parts.iter().map(|p| p.slice(text)).collect();
    format!(
        "{} | {} | {} | {} | {}",
        q.kind.as_str(),
        parts.join(" / "),
        q.speaker.as_deref().unwrap_or(""),
        q.attribution.as_str(),
        q.cue.as_deref().unwrap_or("")
    )
}

macro_rules! t {
    ($name:ident, $text:expr, [$($expected:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let text: &str = $text;
            let got: Vec<String> = kit().run(text).iter().map(|q| show(text, q)).collect();
            let expected: Vec<&str> = vec![$($expected),*];
            assert_eq!(got, expected, "\ntext: {text}");
        }
    };
}

// Marks and punctuation of direct speech.
t!(
    comma_dash_after,
    "«Мы готовы к переговорам», — заявил Мусин.",
    ["direct | Мы готовы к переговорам | Багдат Мусин | named | заявил"]
);
t!(
    question_dash_after,
    "«Зачем нам это?» — спросил Мусин.",
    ["direct | Зачем нам это? | Багдат Мусин | named | спросил"]
);
t!(
    colon_before_verbless,
    "Мусин: «Мы не откажемся от сотрудничества».",
    ["direct | Мы не откажемся от сотрудничества | Багдат Мусин | named | :"]
);
t!(
    cue_and_colon_before,
    "Мусин сказал: «Мы не откажемся от сотрудничества».",
    ["direct | Мы не откажемся от сотрудничества | Багдат Мусин | named | сказал"]
);
t!(
    author_inside_comma,
    "«Мы выбрали технологии, — заявил Мусин, — а не государство».",
    ["direct | Мы выбрали технологии / а не государство | Багдат Мусин | named | заявил"]
);
t!(
    author_inside_full_stop,
    "«Мы выбрали технологии, — заявил Мусин. — Это главное».",
    ["direct | Мы выбрали технологии / Это главное | Багдат Мусин | named | заявил"]
);
t!(comma_without_dash, "«Мы готовы», сказал Мусин.", ["direct | Мы готовы | Багдат Мусин | named | сказал"]);
t!(
    double_hyphen_dash,
    "«Мы готовы к диалогу» -- сказал Мусин.",
    ["direct | Мы готовы к диалогу | Багдат Мусин | named | сказал"]
);
t!(
    nbsp_and_en_dash,
    "\"Мы готовы\",\u{a0}–\u{a0}сказал Мусин.",
    ["direct | Мы готовы | Багдат Мусин | named | сказал"]
);
t!(
    html_quot,
    "&quot;Мы готовы к диалогу&quot;, - сказал Мусин.",
    ["direct | Мы готовы к диалогу | Багдат Мусин | named | сказал"]
);
t!(
    english_marks,
    "“Они создали Яндекс”, — заявил Мусин.",
    ["direct | Они создали Яндекс | Багдат Мусин | named | заявил"]
);

// Interview blocks, dialogue lines, several paragraphs.
t!(
    interview_block,
    "БАГДАТ МУСИН, министр цифрового развития РК:\n\n– Мы работаем над этим.\n\n– И будем работать дальше.\n\nМинистр уехал.",
    [
        "direct | Мы работаем над этим. | Багдат Мусин | named | :",
        "direct | И будем работать дальше. | Багдат Мусин | named | :",
    ]
);
t!(
    dialogue_line_with_author,
    "— Мы справимся, — сказал Мусин. — Это точно.",
    ["direct | Мы справимся / Это точно. | Багдат Мусин | named | сказал"]
);
t!(dash_list_is_not_dialogue, "Читайте также:\n- Казахстан отказался от сделки со Сбером\n- Кто купит банки", []);
t!(
    several_paragraphs,
    "«Первое предложение речи.\n\n«Второе предложение речи», — сказал Мусин.",
    ["direct | Первое предложение речи. / Второе предложение речи | Багдат Мусин | named | сказал"]
);

// Nesting.
t!(
    nested_german,
    "«Мы поддержим „Сбер“ в этом проекте», — сказал Мусин.",
    ["direct | Мы поддержим „Сбер“ в этом проекте | Багдат Мусин | named | сказал"]
);
t!(
    same_type_nested,
    "«Операция «Искра» прошла успешно», — сказал Мусин.",
    ["direct | Операция «Искра» прошла успешно | Багдат Мусин | named | сказал"]
);
t!(
    same_type_one_closer,
    "Фильм «Операция «Искра» вышел в прокат. Мусин заявил, что фильм хороший.",
    ["indirect | фильм хороший | Багдат Мусин | named | заявил"]
);
t!(
    ascii_with_name_inside,
    "\"По моему поручению АО \"НИТ\" создал совет\", – сказал Багдат Мусин.",
    ["direct | По моему поручению АО \"НИТ\" создал совет | Багдат Мусин | named | сказал"]
);

// Partial quotes.
t!(
    partial_quote_role,
    "Министр цифрового развития Багдат Мусин выступил. Министр назвал меморандум «всего лишь основой для переговоров».",
    ["direct | всего лишь основой для переговоров | Багдат Мусин | role | назвал"]
);
t!(single_quoted_word_is_scare_quote, "Министр назвал это «чепухой».", []);

// Traps: names, titles, scare quotes, headlines.
t!(trap_legal_form, "Минцифры привлечёт АО \"НИТ\", но обратится к иностранцам.", []);
t!(trap_org_in_guillemets, "Как «Сбер» угрожает суверенитету Казахстана?", []);
t!(trap_scare_quote_headline, "Министр \"цифры\" Казахстана прокомментировал мифы", []);
t!(trap_portal_name, "при наличии активной ссылки на городской портал «Семей Сити».", []);
t!(trap_holding_name, "холдингом «Национальные информационные технологии» (НИТ) и Сбербанком", []);
t!(trap_one_word, "Жаловаться на \"побочку\" от медпрепаратов теперь можно", []);
t!(trap_headline_slogan, "3🏗️\"Стадион - детям!\": алматинцы опасаются стройки", []);
t!(trap_kak_govoritsya, "Всё будет отдано, как говорится, одной организации.", []);

// Attribution.
t!(
    org_neuter_verb,
    "«Вопрос не стоит», — сообщило Минцифры.",
    ["direct | Вопрос не стоит | Минцифры | org | сообщило"]
);
t!(org_plural_verb, "«Мы готовы», — заявили в Минцифры.", ["direct | Мы готовы | Минцифры | org | заявили"]);
t!(
    org_noun_resolved,
    "Сбер молчит. Минцифры ответило на запрос. «Мы рассматриваем сценарии», — говорится в ответе ведомства.",
    ["direct | Мы рассматриваем сценарии | Минцифры | org | говорится"]
);
t!(
    pronoun_he,
    "Мусин выступил в мажилисе. «Мы готовы», — сказал он.",
    ["direct | Мы готовы | Багдат Мусин | pronoun | сказал"]
);
t!(
    pronoun_she_skips_man,
    "Мария Иванова и Багдат Мусин выступили. «Мы готовы к работе», — сказала она.",
    ["direct | Мы готовы к работе | Мария Иванова | pronoun | сказала"]
);
t!(
    cites_person_not_agency,
    "«Мы готовы к диалогу», — цитирует Мусина ТАСС.",
    ["direct | Мы готовы к диалогу | Багдат Мусин | named | цитирует"]
);
t!(
    role_then_name,
    "«Мы готовы», — заявил сегодня министр Багдат Мусин.",
    ["direct | Мы готовы | Багдат Мусин | named | заявил"]
);
t!(
    role_established_earlier,
    "Министр цифрового развития Багдат Мусин выступил. «Мы готовы», — заявил министр.",
    ["direct | Мы готовы | Багдат Мусин | role | заявил"]
);
t!(
    role_qualified_by_org,
    "Багдат Мусин выступил. «Мы готовы», — резюмировал глава МЦРИАП.",
    ["direct | Мы готовы | Багдат Мусин | role | резюмировал"]
);
t!(speaker_before_cue, "«Мы готовы», — Мусин заявил.", ["direct | Мы готовы | Багдат Мусин | named | заявил"]);
t!(no_speaker_found, "«Мы готовы ко всему», — заявил источник.", ["direct | Мы готовы ко всему |  | none | заявил"]);

// Indirect speech.
t!(
    indirect_that,
    "Мусин отметил, что платформа будет готова к осени.",
    ["indirect | платформа будет готова к осени | Багдат Мусин | named | отметил"]
);
t!(
    indirect_po_slovam_role,
    "Министр цифрового развития Багдат Мусин выступил. По словам министра, платформа будет готова к осени.",
    ["indirect | платформа будет готова к осени | Багдат Мусин | role | По словам"]
);
t!(
    indirect_tail,
    "Платформа будет готова к осени, отметил Мусин.",
    ["indirect | Платформа будет готова к осени | Багдат Мусин | named | отметил"]
);
t!(
    indirect_intro_mid_sentence,
    "Платформа, по словам Мусина, будет готова к осени.",
    ["indirect | Платформа / будет готова к осени | Багдат Мусин | named | по словам"]
);
t!(
    indirect_kak_on,
    "Мусин выступил. Как он отметил, платформа будет готова.",
    ["indirect | платформа будет готова | Багдат Мусин | pronoun | отметил"]
);
t!(indirect_negated, "Мусин не уточнил, что будет дальше.", []);
t!(indirect_question_is_not_claim, "Журналисты уточнили у Мусина, откажется ли министерство от сотрудничества.", []);

#[test]
fn unclosed_mark_ends_at_paragraph_with_warning() {
    let text = "«Мы будем работать дальше, — сказал Мусин.\nДругой абзац про «Сбер» и погоду, и ещё один абзац.";
    let quotes = kit().run(text);
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    assert_eq!(quotes[0].span.slice(text), "Мы будем работать дальше");
    assert_eq!(quotes[0].speaker.as_deref(), Some("Багдат Мусин"));
    assert!(quotes[0].warning.as_deref().is_some_and(|w| w.contains("paragraph end")));
}

#[test]
fn spans_point_at_the_words() {
    let text = "🏗️ «Мы выбрали технологии, — заявил министр Багдат Мусин, — а не государство».";
    let q = &kit().run(text)[0];
    assert_eq!(q.span.slice(text), "Мы выбрали технологии, — заявил министр Багдат Мусин, — а не государство");
    assert_eq!(q.speaker_span.map(|s| s.slice(text)), Some("Багдат Мусин"));
    assert_eq!(q.cue_span.map(|s| s.slice(text)), Some("заявил"));
    assert_eq!(q.speaker_id.as_deref(), Some("per:багдат-мусин"));
}

#[test]
fn pathological_input_is_fast_and_safe() {
    let k = kit();
    let cases = [
        "«".repeat(10_000),
        "«".repeat(10_000) + " — сказал Мусин.",
        "\"".repeat(10_000),
        "«".repeat(3000) + "слово" + &"»".repeat(3000) + ", — сказал Мусин.",
        "„“«»”\"&quot;".repeat(2000),
        "— ".repeat(5000) + "сказал",
        "по словам, ".repeat(3000),
        "Мусин заявил, что ".repeat(2000),
        "\n\u{301}\u{200b}«\r\n".repeat(3000),
    ];
    let start = std::time::Instant::now();
    for text in &cases {
        for q in k.run(text) {
            assert!(q.span.len() < text.len() || q.warning.is_some() || text.len() < 100_000);
        }
    }
    assert!(start.elapsed().as_secs_f64() < 20.0, "took {:?}", start.elapsed());
}

// A role the document never assigned: `министр` may fall back to the protagonist (roles.tsv
// `fallback=yes`), an unnamed `эксперт` may not.
t!(
    unassigned_role_without_fallback_stays_unresolved,
    "Мусин провёл встречу. «Рынок растёт», — заявил эксперт. «Мы готовы», — сказал министр.",
    ["direct | Рынок растёт |  | role | заявил", "direct | Мы готовы | Багдат Мусин | role | сказал"]
);

// Found by the fuzzer: closing marks around no words gave a quote with an empty piece.
t!(marks_around_no_words_are_no_quote, "&quot;, — отметил, — .", []);
