//! Organisations the dictionaries do not know:
//! - a legal form and the name after it, quoted or capitalised (`ТОО «Кайрат»`, `АО "НИТ"`);
//! - a descriptor and the name after it, without the descriptor (`партия «Яблоко»` → `Яблоко`,
//!   `компания Microsoft`, `группы компаний «Сбер»`);
//! - a capitalised head noun with its genitive chain (`Министерство цифрового развития,
//!   инноваций и аэрокосмической промышленности`, `Комитет по делам молодёжи`);
//! - acronyms in capitals away from headlines (`МЧС`, `ФАС`) and Latin brand names.

use super::doc::Doc;
use super::rules::{Ending, EntityRules, NotName, OrgRole};
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
    if !doc.free(i) || doc.toks[i].kind != TokenKind::Punct || !is_open_quote(doc.w(i)) {
        return None;
    }
    let first = i + 1;
    if !doc.free(first) || !(doc.toks[first].cap || doc.toks[first].kind == TokenKind::Number) {
        return None;
    }
    let mut j = first;
    while j < doc.len() && j < first + 10 {
        let w = doc.w(j);
        if doc.toks[j].kind == TokenKind::Punct && is_close_quote(w) && j > first {
            return Some((first, j, j + 1));
        }
        if doc.taken[j] || (doc.toks[j].kind == TokenKind::Punct && matches!(w, "." | "!" | "?" | "«")) {
            return None;
        }
        j += 1;
    }
    None
}

/// Capitalised (or Latin) words from `i`: up to three.
fn capitalised_run(doc: &Doc, rules: &EntityRules, i: usize, latin_only: bool) -> usize {
    let mut j = i;
    while j < i + 3 && doc.cap_word(j) && doc.not_name(rules, j).is_none() && (!latin_only || doc.toks[j].latin) {
        j += 1;
    }
    j
}

fn legal_form_at(doc: &Doc, rules: &EntityRules, i: usize) -> Option<usize> {
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

fn org_role(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgRole> {
    if !doc.free(i) || !doc.is_word(i) {
        return None;
    }
    rules.org_words.get(doc.fw(i)).map(|w| w.role)
}

/// The end of the genitive chain after a head noun at `i` (`цифрового развития, инноваций и
/// аэрокосмической промышленности`): lower-case words, links (`по`, `при`, `и`) and commas
/// followed by more of them; a verb, a function word, a capital or punctuation ends it.
fn chain_end(doc: &Doc, rules: &EntityRules, i: usize) -> usize {
    let mut end = i + 1;
    let mut j = i + 1;
    let mut words = 0;
    while j < doc.len() && words < 8 {
        if !doc.free(j) {
            break;
        }
        if doc.is_punct(j, ",") && !(j + 1..j + 4).any(|k| doc.fw(k) == "и") {
            break;
        }
        if doc.is_punct(j, ",") || rules.org_words.get(doc.fw(j)).is_some_and(|w| w.role == OrgRole::Link) {
            j += 1;
            continue;
        }
        let ok = doc.is_word(j)
            && !doc.toks[j].cap
            && doc.not_name(rules, j) != Some(NotName::Function)
            && doc.ending(rules, j) != Some(Ending::Verb);
        if !ok {
            break;
        }
        words += 1;
        j += 1;
        end = j;
    }
    end
}

/// Every organisation match among the free tokens, left to right.
pub fn find_orgs(doc: &Doc, rules: &EntityRules) -> Vec<OrgMatch> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        if let Some(m) = org_at(doc, rules, i) {
            i = m.to.max(i + 1);
            out.push(m);
        } else {
            i += 1;
        }
    }
    out
}

fn org_at(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    if !doc.free(i) || doc.toks[i].shout {
        return None;
    }
    if let Some(j) = legal_form_at(doc, rules, i) {
        // The name without the legal form and the quotes (factRuEval's convention).
        if let Some((first, end, _)) = quoted(doc, j) {
            return Some(OrgMatch { from: first, to: end, head: None });
        }
        let end = capitalised_run(doc, rules, j, false);
        if end > j {
            return Some(OrgMatch { from: i, to: end, head: None });
        }
    }
    match org_role(doc, rules, i) {
        Some(OrgRole::Descriptor | OrgRole::Both)
            if !doc.toks[i].cap || !doc.toks[i].sent_start || doc.is_punct(i + 1, "«") =>
        {
            let mut j = i + 1;
            while matches!(org_role(doc, rules, j), Some(OrgRole::Descriptor | OrgRole::Both)) && j < i + 3 {
                j += 1;
            }
            if let Some((first, end, _)) = quoted(doc, j) {
                return Some(OrgMatch { from: first, to: end, head: None });
            }
            let end = capitalised_run(doc, rules, j, true);
            if end > j {
                return Some(OrgMatch { from: j, to: end, head: None });
            }
            if org_role(doc, rules, i) == Some(OrgRole::Both) && doc.toks[i].cap {
                return head_chain(doc, rules, i);
            }
            None
        }
        Some(OrgRole::Head) if doc.toks[i].cap => head_chain(doc, rules, i),
        _ => adjective_head(doc, rules, i).or_else(|| acronym_or_brand(doc, rules, i)),
    }
}

/// A capitalised adjective, maybe more lower-case ones, then a head noun and its chain
/// (`Социалистической рабочей партии`, `Общественной палаты`).
fn adjective_head(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    if !doc.cap_word(i)
        || doc.toks[i].caps
        || !matches!(doc.ending(rules, i), Some(Ending::Adjective | Ending::SurnameAdj))
    {
        return None;
    }
    let mut j = i + 1;
    while j < i + 3
        && doc.free(j)
        && doc.is_word(j)
        && !doc.toks[j].cap
        && doc.ending(rules, j) == Some(Ending::Adjective)
    {
        j += 1;
    }
    if !matches!(org_role(doc, rules, j), Some(OrgRole::Head | OrgRole::Both)) || doc.toks[j].cap {
        return None;
    }
    let end = chain_end(doc, rules, j);
    Some(OrgMatch { from: i, to: end, head: None })
}

fn head_chain(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    let end = chain_end(doc, rules, i);
    if end == i + 1 && doc.toks[i].sent_start {
        return None;
    }
    let head = rules.org_words.get(doc.fw(i)).map(|w| w.lemma.clone());
    Some(OrgMatch { from: i, to: end, head })
}

/// `МЧС`, `ФАС`, `HP` (capitals, two to six letters, not on a headline line, not a Roman
/// numeral) and Latin names (`Google`, `Piedmont Airlines`).
fn acronym_or_brand(doc: &Doc, rules: &EntityRules, i: usize) -> Option<OrgMatch> {
    let t = &doc.toks[i];
    // Both answers below need capitals or a capitalised Latin word: skip the lookups otherwise.
    if !(t.caps || (t.latin && t.cap)) {
        return None;
    }
    if t.kind != TokenKind::Word
        || t.shout
        || doc.not_name(rules, i).is_some()
        || rules.legal_forms.contains_key(doc.w(i))
    {
        return None;
    }
    let w = doc.w(i);
    let letters = usize::from(t.letters);
    let next_to_number = |k: usize| doc.toks.get(k).is_some_and(|t| t.kind == TokenKind::Number);
    let lex = &doc.lex[i];
    if lex.first.is_some() || lex.surname.is_some() {
        // `БАГДАТ МУСИН`: a name in capitals, for the person rules.
        return None;
    }
    if next_to_number(i + 1) || (i > 0 && next_to_number(i - 1)) || letters < 2 {
        // `USD 448.50`, `500 KZT`: a currency code; single letters are initials or numerals.
        return None;
    }
    if t.caps && (2..=6).contains(&letters) && !w.chars().all(|c| "IVXLCDM".contains(c)) {
        return Some(OrgMatch { from: i, to: i + 1, head: None });
    }
    if t.latin && t.cap && !t.caps && !is_camel_run(w) {
        let end = capitalised_run(doc, rules, i, true);
        return Some(OrgMatch { from: i, to: end.max(i + 1), head: None });
    }
    None
}

/// Several capitalised Latin words glued together (`GoogleMailruOdnoklassniki`): a widget.
fn is_camel_run(w: &str) -> bool {
    w.chars().skip(1).filter(|c| c.is_uppercase()).count() >= 3
}
