//! Organisations the dictionaries do not know:
//! - a legal form and the name after it, quoted or capitalised (`ТОО «Кайрат»`, `АО "НИТ"`);
//! - a descriptor and the name after it, without the descriptor (`партия «Яблоко»` → `Яблоко`,
//!   `компания Microsoft`, `группы компаний «Сбер»`);
//! - a capitalised head noun with its genitive chain (`Министерство цифрового развития,
//!   инноваций и аэрокосмической промышленности`, `Комитет по делам молодёжи`);
//! - acronyms in capitals away from headlines (`МЧС`, `ФАС`) and Latin brand names.

use super::doc::Doc;
use super::rules::{Ending, EntityRules, NotName, OrgRole, PrefixKind};
use crate::text::tokens::TokenKind;

/// An organisation found by the rules (token range; `head` = the head noun's lemma, when the
/// name starts with one).
#[derive(Clone, Debug)]
pub struct OrgMatch {
    pub from: usize,
    pub to: usize,
    pub head: Option<String>,
}

fn is_open_quote(s: &str) -> bool {
    matches!(s, "«" | "\"" | "“" | "„")
}

fn is_close_quote(s: &str) -> bool {
    matches!(s, "»" | "\"" | "”" | "“")
}

/// The tokens of a quoted name starting at the opening quote `i`: (first inner, end of inner,
/// after the closing quote). The name starts with a capital or a digit and is short.
fn quoted(doc: &Doc, i: usize) -> Option<(usize, usize, usize)> {
    if !doc.free(i) || doc.kind(i) != TokenKind::Punct || !is_open_quote(doc.w(i)) {
        return None;
    }
    let first = i + 1;
    if !doc.free(first) || !(doc.cap(first) || doc.kind(first) == TokenKind::Number) {
        return None;
    }
    let mut j = first;
    while j < doc.len() && j < first + 10 {
        // Only punctuation is compared as text (words are most tokens).
        let punct = doc.kind(j) == TokenKind::Punct;
        if punct && is_close_quote(doc.w(j)) && j > first {
            return Some((first, j, j + 1));
        }
        if doc.taken(j) || (punct && matches!(doc.w(j), "." | "!" | "?" | "«")) {
            return None;
        }
        j += 1;
    }
    None
}

/// Capitalised (or Latin) words from `i`: up to three.
fn capitalised_run(doc: &Doc, i: usize, latin_only: bool) -> usize {
    let mut j = i;
    while j < i + 3 && doc.cap_word(j) && doc.not_name(j).is_none() && (!latin_only || doc.latin(j)) {
        j += 1;
    }
    j
}

fn legal_form_at(doc: &Doc, rules: &EntityRules, i: usize) -> Option<usize> {
    if !doc.listed(i).legal {
        return None;
    }
    let list = rules.legal_forms.get(doc.w(i))?;
    'forms: for form in list {
        let mut k = i;
        for word in form {
            if !doc.free(k) || doc.w(k) != word {
                continue 'forms;
            }
            k += 1;
        }
        return Some(k);
    }
    None
}

fn org_role(doc: &Doc, i: usize) -> Option<OrgRole> {
    if !doc.free(i) || !doc.is_word(i) {
        return None;
    }
    doc.listed(i).org
}

/// The end of the genitive chain after a head noun at `i` (`цифрового развития, инноваций и
/// аэрокосмической промышленности`): lower-case words, links (`по`, `при`, `и`) and commas
/// followed by more of them; a verb, a function word, a capital or punctuation ends it.
fn chain_end(doc: &Doc, rules: &EntityRules, i: usize) -> usize {
    let mut end = i + 1;
    let mut j = i + 1;
    let mut words = 0;
    let mut after_link = false;
    while j < doc.len() && words < 8 {
        if !doc.free(j) {
            break;
        }
        if doc.is_punct(j, ",") && !(j + 1..j + 4).any(|k| doc.fw(k) == "и") {
            break;
        }
        let link = doc.listed(j).org == Some(OrgRole::Link);
        if link && doc.fw(j) == "и" && (j + 1..j + 4).any(|k| org_role(doc, k).is_some_and(|r| r != OrgRole::Link)) {
            // `Общественной палаты и рабочей группы …`: two organisations, not one chain.
            break;
        }
        if doc.is_punct(j, ",") || link {
            after_link = link;
            j += 1;
            continue;
        }
        let lower = doc.is_word(j)
            && !doc.cap(j)
            && doc.not_name(j) != Some(NotName::Function)
            && doc.ending(rules, j) != Some(Ending::Verb);
        // `при Президенте РФ`, `по Санкт-Петербургу`: capitals after a link; `комитетом ООН
        // против пыток`: an acronym between the head and a link.
        let capital = doc.is_word(j)
            && doc.cap(j)
            && (after_link || (doc.caps(j) && doc.listed(j + 1).org == Some(OrgRole::Link)));
        if !lower && !capital {
            break;
        }
        if lower {
            after_link = false;
        }
        words += 1;
        j += 1;
        end = j;
    }
    end
}

/// The start of a match that may take modifiers: not a quoted name (the quote is before it).
fn i_start(m: &OrgMatch, doc: &Doc) -> usize {
    if m.from > 0 && doc.kind(m.from - 1) == TokenKind::Punct && is_open_quote(doc.w(m.from - 1)) {
        usize::MAX
    } else {
        m.from
    }
}

/// The start of the lower-case adjectives before an organisation name that belong to it,
/// as factRuEval marks them: the leftmost must be a nation or place adjective of
/// `org_modifiers.tsv` (`японского МИДа`, `японского дипломатического ведомства`,
/// `российском министерстве финансов`); `from` when there are none.
pub fn modifiers_before(doc: &Doc, rules: &EntityRules, from: usize) -> usize {
    let mut k = from;
    while k > 0 && from - k < 3 {
        let p = k - 1;
        if !doc.free(p)
            || !doc.is_word(p)
            || doc.cap(p)
            || !matches!(doc.ending(rules, p), Some(Ending::Adjective | Ending::SurnameAdj))
        {
            break;
        }
        k = p;
    }
    while k < from && !rules.org_modifier(doc.fw(k)) {
        k += 1;
    }
    k
}

/// Every organisation match among the free tokens, left to right.
pub fn find_orgs(doc: &Doc, rules: &EntityRules) -> Vec<OrgMatch> {
    // Room for a match every eight starts (fewer in most texts): no regrowth.
    let mut out = Vec::with_capacity(doc.starts.len() / 8);
    // The next token not inside a match.
    let mut next = 0;
    for &i in &doc.starts {
        let i = i as usize;
        if i < next || !may_start(doc, rules, i) {
            continue;
        }
        if let Some(mut m) = org_at(doc, rules, i) {
            next = m.to.max(i + 1);
            if m.from == i_start(&m, doc) {
                m.from = modifiers_before(doc, rules, m.from);
            }
            out.push(m);
        }
    }
    out
}

/// Whether some rule of [`org_at`] may match at `i`: each starts at a legal form, an
/// organisation word, a capital or an opening quote (`Doc::starts` holds every such token).
/// A capitalised word goes by [`CapWordRules`], remembered per word: most are names and
/// ordinary words no rule takes, and most adjectives have no head noun after them.
fn may_start(doc: &Doc, rules: &EntityRules, i: usize) -> bool {
    if doc.cap(i) {
        return match CapWordRules::decode(doc.remembered_org(i, || CapWordRules::of(doc, rules, i) as u8)) {
            CapWordRules::Any => true,
            CapWordRules::AdjectiveHead => head_after(doc, i),
            CapWordRules::None => false,
        };
    }
    doc.caps(i)
        || doc.listed(i).legal
        || doc.listed(i).org.is_some()
        || (doc.kind(i) == TokenKind::Punct && is_open_quote(doc.w(i)))
}

/// Which rules of [`org_at`] may match at a capitalised word, by the word alone (its
/// written form, listings, lexicon readings and ending), whatever its place. A plain
/// capitalised word (not in capitals, not Latin, neither a legal form nor an organisation
/// word) reaches only [`adjective_head`], which needs an adjective, and [`prefix_org`], which
/// takes no adjective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CapWordRules {
    None = 0,
    /// Only [`adjective_head`]: nothing without a head noun after the word.
    AdjectiveHead = 1,
    Any = 2,
}

impl CapWordRules {
    fn of(doc: &Doc, rules: &EntityRules, i: usize) -> CapWordRules {
        let plain =
            doc.is_word(i) && !doc.caps(i) && !doc.latin(i) && !doc.listed(i).legal && doc.listed(i).org.is_none();
        if !plain {
            CapWordRules::Any
        } else if matches!(doc.ending(rules, i), Some(Ending::Adjective | Ending::SurnameAdj)) {
            CapWordRules::AdjectiveHead
        } else if doc.remembered_prefix_org(i, || prefix_org_word(doc, rules, i)) {
            CapWordRules::Any
        } else {
            CapWordRules::None
        }
    }

    fn decode(code: u8) -> CapWordRules {
        match code {
            0 => CapWordRules::None,
            1 => CapWordRules::AdjectiveHead,
            _ => CapWordRules::Any,
        }
    }
}

fn org_at(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    if !doc.free(i) || doc.shout(i) {
        return None;
    }
    // Quotes are punctuation tokens: the kind first, without slicing the text.
    if i > 1
        && doc.kind(i - 1) == TokenKind::Punct
        && is_open_quote(doc.w(i - 1))
        && rules.title_nouns.contains_key(doc.fw(i - 2))
    {
        // `корабля «Союз»`: the title of a thing, whatever words it holds.
        return None;
    }
    if let Some(j) = legal_form_at(doc, rules, i) {
        // The name without the legal form and the quotes (factRuEval's convention).
        if let Some((first, end, _)) = quoted(doc, j) {
            return Some(OrgMatch { from: first, to: end, head: None });
        }
        let end = capitalised_run(doc, j, false);
        if end > j {
            return Some(OrgMatch { from: i, to: end, head: None });
        }
    }
    match org_role(doc, i) {
        Some(OrgRole::Descriptor | OrgRole::Both) if !doc.cap(i) || !doc.sent_start(i) || doc.is_punct(i + 1, "«") => {
            let mut j = i + 1;
            while matches!(org_role(doc, j), Some(OrgRole::Descriptor | OrgRole::Both)) && j < i + 3 {
                j += 1;
            }
            if let Some((first, end, _)) = quoted(doc, j) {
                return Some(OrgMatch { from: first, to: end, head: None });
            }
            let end = capitalised_run(doc, j, true);
            if end > j {
                return Some(OrgMatch { from: j, to: end, head: None });
            }
            if org_role(doc, i) == Some(OrgRole::Both) && doc.cap(i) {
                return head_chain(doc, rules, i);
            }
            None
        }
        Some(OrgRole::Head) if doc.cap(i) => head_chain(doc, rules, i),
        Some(OrgRole::Head) => lower_head(doc, rules, i),
        // Each of these starts at a capitalised word, at capitals or at a quote.
        _ if !(doc.cap(i) || doc.caps(i) || doc.kind(i) == TokenKind::Punct) => None,
        _ => adjective_head(doc, rules, i)
            .or_else(|| prefix_org(doc, rules, i))
            .or_else(|| bare_quoted(doc, rules, i))
            .or_else(|| acronym_or_brand(doc, i)),
    }
}

/// A lower-case head noun marked `lower` with a genitive chain (`министерстве финансов`,
/// `отдела корпоративных серверов`).
fn lower_head(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    if !doc.listed(i).org_lower {
        return None;
    }
    let end = chain_end(doc, rules, i);
    (end > i + 1).then_some(OrgMatch { from: i, to: end, head: None })
}

/// A compound agency name (`Минсвязи`, `Росприроднадзора`, `Госдепартамент`) by the word
/// starts of `org_prefixes.tsv`, unless the lexicon knows the word as a name or place.
fn prefix_org(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    let word_alone = || doc.remembered_prefix_org(i, || prefix_org_word(doc, rules, i));
    (doc.cap_word(i) && word_alone()).then_some(OrgMatch { from: i, to: i + 1, head: None })
}

/// [`prefix_org`]'s test of the word alone (the token's being free aside).
pub(super) fn prefix_org_word(doc: &Doc, rules: &EntityRules, i: usize) -> bool {
    let lex = &doc.lex(i);
    doc.is_word(i)
        && doc.cap(i)
        && !doc.caps(i)
        && !doc.latin(i)
        && lex.first.is_none()
        && lex.surname.is_none()
        && lex.toponym.is_none()
        && doc.not_name(i).is_none()
        && doc.org_prefix(rules, i) == Some(PrefixKind::Org)
        && !matches!(doc.ending(rules, i), Some(Ending::Adjective | Ending::SurnameAdj | Ending::Surname))
}

/// A short quoted capitalised name without a descriptor (`сообщает «Росбалт»`, `в интервью
/// «Голосу Америки»`), unless a title noun precedes it (`корабля «Союз»`) or it holds a number,
/// a verb or a sentence.
fn bare_quoted(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    // Most starts are words: no call for them.
    if doc.kind(i) != TokenKind::Punct {
        return None;
    }
    let (first, end, _) = quoted(doc, i)?;
    if end - first > 4 || (i > 0 && rules.title_nouns.contains_key(doc.fw(i - 1))) {
        return None;
    }
    if doc.not_name(first).is_some() || doc.kind(first) != TokenKind::Word {
        return None;
    }
    // One word that is not an adjective (`«Росбалт»`), or capitalised words (`«Голоса
    // Америки»`); a phrase in lower case is a title (`«День гнева»`, `«Русский марш»`).
    let words = (first..end).filter(|&k| doc.is_word(k)).count();
    if words == 1 && matches!(doc.ending(rules, first), Some(Ending::Adjective | Ending::SurnameAdj)) {
        return None;
    }
    if (first..end).any(|k| doc.is_word(k) && !doc.cap(k)) {
        return None;
    }
    let clean = (first..end).all(|k| match doc.kind(k) {
        TokenKind::Word => doc.ending(rules, k) != Some(Ending::Verb) && doc.not_name(k) != Some(NotName::Function),
        TokenKind::Punct => matches!(doc.w(k), "-" | "." | "–" | "—"),
        _ => false,
    });
    clean.then_some(OrgMatch { from: first, to: end, head: None })
}

/// Whether a head noun is one of the three words after `i`: without one listed there,
/// [`adjective_head`] finds nothing (a cheap test before the endings).
fn head_after(doc: &Doc, i: usize) -> bool {
    (i + 1..=i + 3).any(|k| matches!(doc.listed(k).org, Some(OrgRole::Head | OrgRole::Both)))
}

/// A capitalised adjective, maybe more lower-case ones, then a head noun and its chain
/// (`Социалистической рабочей партии`, `Общественной палаты`).
fn adjective_head(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    if !head_after(doc, i)
        || !doc.cap_word(i)
        || doc.caps(i)
        || !matches!(doc.ending(rules, i), Some(Ending::Adjective | Ending::SurnameAdj))
    {
        return None;
    }
    let mut j = i + 1;
    while j < i + 3 && doc.free(j) && doc.is_word(j) && !doc.cap(j) && doc.ending(rules, j) == Some(Ending::Adjective) {
        j += 1;
    }
    if !matches!(org_role(doc, j), Some(OrgRole::Head | OrgRole::Both)) || doc.cap(j) {
        return None;
    }
    let end = chain_end(doc, rules, j);
    Some(OrgMatch { from: i, to: end, head: None })
}

fn head_chain(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    let end = chain_end(doc, rules, i);
    if end == i + 1 && doc.sent_start(i) {
        return None;
    }
    let head = rules.org_words.get(doc.fw(i)).map(|w| w.lemma.clone());
    Some(OrgMatch { from: i, to: end, head })
}

/// `МЧС`, `ФАС`, `HP` (capitals, two to six letters, not on a headline line, not a Roman
/// numeral) and Latin names (`Google`, `Piedmont Airlines`).
fn acronym_or_brand(doc: &Doc, i: usize) -> Option<OrgMatch> {
    // Both answers below need capitals or a capitalised Latin word: skip the lookups otherwise.
    if !(doc.caps(i) || (doc.latin(i) && doc.cap(i))) {
        return None;
    }
    if doc.kind(i) != TokenKind::Word || doc.shout(i) || doc.not_name(i).is_some() || doc.listed(i).legal {
        return None;
    }
    let w = doc.w(i);
    let letters = usize::from(doc.letters(i));
    let next_to_number = |k: usize| doc.tokens().get(k).is_some_and(|t| t.kind == TokenKind::Number);
    let lex = &doc.lex(i);
    if lex.first.is_some() || lex.surname.is_some() {
        // `БАГДАТ МУСИН`: a name in capitals, for the person rules.
        return None;
    }
    if next_to_number(i + 1) || (i > 0 && next_to_number(i - 1)) || letters < 2 || w.bytes().any(|b| b.is_ascii_digit())
    {
        // `USD 448.50`, `500 KZT`, `USD443.85`: a currency code; single letters are initials or
        // numerals. Names with digits (`G7`) come from the dictionaries.
        return None;
    }
    if doc.caps(i) && (2..=6).contains(&letters) && !w.chars().all(|c| "IVXLCDM".contains(c)) {
        return Some(OrgMatch { from: i, to: i + 1, head: None });
    }
    // `IT-специалисты`, `IT-рынка`: a Latin abbreviation glued to a common noun.
    if w.rsplit('-').next().is_some_and(|last| last.chars().next().is_some_and(char::is_lowercase)) && w.contains('-') {
        return None;
    }
    if doc.latin(i) && doc.cap(i) && !doc.caps(i) && !is_camel_run(w) {
        let end = capitalised_run(doc, i, true);
        return Some(OrgMatch { from: i, to: end.max(i + 1), head: None });
    }
    None
}

/// Several capitalised Latin words glued together (`GoogleMailruOdnoklassniki`): a widget.
fn is_camel_run(w: &str) -> bool {
    w.chars().skip(1).filter(|c| c.is_uppercase()).count() >= 3
}

/// The rule starts of `doc` that [`may_start`] passes over and where [`org_at`] matches
/// nonetheless (none, if the test holds), and how many it passes over (tests).
#[cfg(test)]
pub(super) fn skipped_starts_that_match(doc: &Doc, rules: &EntityRules) -> (Vec<usize>, usize) {
    let skipped: Vec<usize> = doc.starts.iter().map(|&i| i as usize).filter(|&i| !may_start(doc, rules, i)).collect();
    let wrong = skipped.iter().copied().filter(|&i| org_at(doc, rules, i).is_some()).collect();
    (wrong, skipped.len())
}
