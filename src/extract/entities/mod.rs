//! Entity mentions of a document: the gazetteer's, then the rules' for names the dictionaries
//! do not know (organisations, places, persons, in that order, each on the tokens still free),
//! then one entity per referent (coreference of persons, acronyms defined in the text).
//!
//! Role nouns (`министр`, `глава МЦРИАП`) are not mentions: quote attribution resolves them.
//! Widget and navigation lines (`Погода в Семее`, `Авторизуйтесь …`) yield nothing.

mod canonical;
mod coref;
mod doc;
mod locations;
mod memo;
pub mod names;
mod orgs;
mod persons;
mod rules;
mod short_index;
mod words;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

pub use canonical::entity_id;
use canonical::PersonName;
use doc::Doc;
pub use names::{expand_with, NameForm, NameGender, NameKind, NameList, NameLookup};
pub use rules::EntityRules;

use crate::dict::gazetteer::Gazetteer;
use crate::dict::roles::RoleNouns;
use crate::model::{EntityType, Mention, MentionSource};
use crate::text::tokens::{tokenize, Token};
use crate::text::{fold_str, FoldedText, Span};

/// All entity mentions of a document, sorted by start, non-overlapping, resolved: every
/// mention of one referent carries the same `entity_id` and `canonical` (nominative);
/// source gazetteer, rule or coref. `folded` must be `FoldedText::new(text)`.
pub fn extract_entities<L: NameLookup + ?Sized>(
    text: &str,
    folded: &FoldedText,
    gazetteer: &Gazetteer,
    lexicon: &L,
    roles: &RoleNouns,
    rules: &EntityRules,
) -> Vec<Mention> {
    let found = gazetteer.find(text, folded);
    let tokens = tokenize(text);
    resolve_entities(text, &tokens, found, lexicon, roles, rules)
}

/// The rule and coreference stage alone, on the gazetteer's mentions of `text` (so the
/// pipeline can time the two stages apart). Never inlined, so profilers see the stage.
#[inline(never)]
pub fn resolve_entities<L: NameLookup + ?Sized>(
    text: &str,
    tokens: &[Token],
    gazetteer_mentions: Vec<Mention>,
    lexicon: &L,
    roles: &RoleNouns,
    rules: &EntityRules,
) -> Vec<Mention> {
    let mut doc = Doc::new(text, tokens, lexicon, rules);
    let blocked = block_widget_lines(&mut doc, rules);
    // `blocked` is sorted and disjoint: the only candidate is the first line ending after the
    // mention starts (a binary search, so many widget lines stay cheap).
    let is_blocked = |m: &Mention| {
        let k = blocked.partition_point(|b| b.end <= m.span.start);
        blocked.get(k).is_some_and(|b| b.overlaps(&m.span))
    };
    let mut mentions: Vec<Mention> = gazetteer_mentions.into_iter().filter(|m| !is_blocked(m)).collect();
    // Room for the rules' mentions (about one in sixteen tokens): fewer regrowths.
    mentions.reserve(doc.len() / 16);
    // The first token of each gazetteer mention (by mention index).
    let mut first_tok_of: Vec<Option<usize>> = vec![None; mentions.len()];
    {
        let mut t = 0;
        for (mi, m) in mentions.iter().enumerate() {
            // The first token ending after the mention starts (token ends ascend: a binary
            // search finds what a scan from `t` would).
            t += doc.tokens()[t..].partition_point(|x| x.span.end <= m.span.start);
            let mut k = t;
            while k < doc.len() && doc.tokens()[k].span.start < m.span.end {
                doc.take(k, k + 1);
                first_tok_of[mi].get_or_insert(k);
                k += 1;
            }
        }
    }
    // A capitalised adjective before a dictionary place joins it (`Северная Корея`).
    for (mi, m) in mentions.iter_mut().enumerate() {
        if let Some(k) = first_tok_of[mi] {
            if m.entity_type == EntityType::Loc && locations::adjective_before(&doc, rules, k) {
                let adj = doc.w(k - 1);
                m.span = Span::new(doc.tokens()[k - 1].span.start, m.span.end);
                let joined = format!("{} {}", canonical::title_case(adj), m.canonical);
                (m.canonical, m.entity_id) = canonical::shared_name(EntityType::Loc, &joined, rules);
                m.source = MentionSource::Rule;
                doc.take(k - 1, k);
            } else if m.entity_type == EntityType::Org {
                // `японского МИДа`: a nation adjective joins a dictionary organisation too.
                let from = orgs::modifiers_before(&doc, rules, k);
                if from < k {
                    m.span = Span::new(doc.tokens()[from].span.start, m.span.end);
                    doc.take(from, k);
                }
            }
        }
    }
    for o in orgs::find_orgs(&doc, rules) {
        let canonical = org_canonical(&doc, &o);
        mentions.push(rule_mention(&doc, rules, o.from, o.to, EntityType::Org, &canonical));
        doc.take(o.from, o.to);
    }
    for l in locations::find_locations(&doc, rules, false) {
        let canonical = canonical::title_cased(doc.span(l.from, l.to).slice(text));
        mentions.push(rule_mention(&doc, rules, l.from, l.to, EntityType::Loc, &canonical));
        doc.take(l.from, l.to);
    }
    let persons = persons::find_persons(&doc, rules, roles);
    let mut people = coref::People::default();
    for m in mentions.iter().filter(|m| m.entity_type == EntityType::Per) {
        let name = || Rc::new(PersonName::new(m.canonical.clone(), m.entity_id.clone(), rules));
        people.establish(&m.canonical, name, rules);
    }
    // Each person's name: canonical, id, and its first and last words as coreference compares them.
    let lexicon_id = lexicon.cache_id();
    let named: Vec<(persons::PersonMatch, Rc<PersonName>)> = persons
        .into_iter()
        .map(|p| {
            let name = canonical::person_name(&doc, &p, rules, lexicon_id);
            (p, name)
        })
        .collect();
    for (p, n) in &named {
        if p.parts.iter().any(|x| x.role == persons::PartRole::First) && p.parts.len() > 1 {
            people.establish_split(&n.names, || n.clone(), rules);
        }
    }
    for (p, n) in named {
        doc.take(p.from, p.to);
        // The last word folded: a word token's folded form is its `fw` (`fold_str` of it).
        let last = p.parts.last().map_or(p.from, |x| x.from);
        let last: Cow<str> = if doc.is_word(last) { doc.fw(last).into() } else { fold_str(doc.w(last)).into() };
        let full = p.parts.iter().any(|x| x.role == persons::PartRole::First) && p.parts.len() > 1;
        let m = match people.resolve(&n.names, &last) {
            // A full name that resolves stays a rule mention; a short one is coreference.
            Some(person) => Mention {
                source: if full { MentionSource::Rule } else { MentionSource::Coref },
                ..name_mention(&doc, p.from, p.to, &person.name)
            },
            None => name_mention(&doc, p.from, p.to, &n),
        };
        mentions.push(m);
    }
    // Lone forms of established surnames anywhere (`Бхутто заявила`): capitalised words, all
    // in `Doc::starts`.
    let starts = if people.people.is_empty() { Vec::new() } else { std::mem::take(&mut doc.starts) };
    for &i in &starts {
        let i = i as usize;
        if doc.cap_word(i) && doc.not_name(i).is_none() {
            if let Some(p) = people.by_form(doc.fw(i)) {
                mentions.push(Mention { source: MentionSource::Coref, ..name_mention(&doc, i, i + 1, &p.name) });
                doc.take(i, i + 1);
            }
        }
    }
    if !starts.is_empty() {
        doc.starts = starts;
    }
    for l in locations::find_locations(&doc, rules, true) {
        let canonical = match doc.lex(l.to - 1).toponym {
            Some(t) if l.to == l.from + 1 => canonical::capitalise(t.lemma).into(),
            _ => canonical::title_cased(doc.span(l.from, l.to).slice(text)),
        };
        mentions.push(rule_mention(&doc, rules, l.from, l.to, EntityType::Loc, &canonical));
        doc.take(l.from, l.to);
    }
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    join_acronyms(text, &mut mentions);
    latin_spelling_of_person(text, &mut mentions);
    mentions
}

/// A Latin name in brackets right after a person (`Билл Герстенмайер (Bill Gerstenmaier)`) is
/// that person's spelling, not an organisation.
fn latin_spelling_of_person(text: &str, mentions: &mut [Mention]) {
    for i in 1..mentions.len() {
        let (prev, cur) = (&mentions[i - 1], &mentions[i]);
        // The types first: most pairs end there, without slicing the text.
        if prev.entity_type == EntityType::Per
            && cur.entity_type == EntityType::Org
            && cur.source == MentionSource::Rule
            && text.get(prev.span.end..cur.span.start).unwrap_or("").trim() == "("
            && cur.span.slice(text).chars().any(|c| c.is_ascii_alphabetic())
        {
            let (canonical, id) = (prev.canonical.clone(), prev.entity_id.clone());
            let cur = &mut mentions[i];
            cur.entity_type = EntityType::Per;
            cur.canonical = canonical;
            cur.entity_id = id;
            cur.source = MentionSource::Coref;
        }
    }
}

fn rule_mention(doc: &Doc, rules: &EntityRules, from: usize, to: usize, ty: EntityType, canonical: &str) -> Mention {
    let (canonical, id) = canonical::shared_name(ty, canonical, rules);
    mention(doc, from, to, ty, canonical, id)
}

/// A rule mention of a person at tokens `from..to`.
fn name_mention(doc: &Doc, from: usize, to: usize, name: &PersonName) -> Mention {
    mention(doc, from, to, EntityType::Per, name.canonical.clone(), name.id.clone())
}

/// A rule mention of tokens `from..to` with its canonical and id.
fn mention(doc: &Doc, from: usize, to: usize, ty: EntityType, canonical: Arc<str>, entity_id: Arc<str>) -> Mention {
    Mention {
        span: doc.span(from, to),
        entity_type: ty,
        entity_id,
        canonical,
        source: MentionSource::Rule,
        warning: None,
    }
}

/// `Министерства цифрового развития` → `Министерство цифрового развития`; other names as
/// written (borrowed: no copy).
fn org_canonical<'t>(doc: &Doc<'t, '_>, o: &orgs::OrgMatch) -> Cow<'t, str> {
    let surface = doc.span(o.from, o.to).slice(doc.text);
    match &o.head {
        Some(lemma) if o.to > o.from => {
            let rest = &doc.text[doc.tokens()[o.from].span.end..doc.span(o.from, o.to).end];
            let mut head = String::new();
            for (i, c) in lemma.chars().enumerate() {
                if i == 0 && doc.cap(o.from) {
                    head.extend(c.to_uppercase());
                } else {
                    head.push(c);
                }
            }
            format!("{head}{rest}").into()
        }
        _ => surface.into(),
    }
}

/// An acronym in brackets right after an organisation (`… промышленности (МЦРИАП)`) names the
/// same entity, there and wherever else it occurs as a rule mention.
fn join_acronyms(text: &str, mentions: &mut [Mention]) {
    let mut defined: HashMap<String, (Arc<str>, Arc<str>)> = HashMap::new();
    for i in 1..mentions.len() {
        let (prev, cur) = (&mentions[i - 1], &mentions[i]);
        // The types first: most pairs end there, without slicing the text.
        if prev.entity_type == EntityType::Org
            && cur.entity_type == EntityType::Org
            && cur.source == MentionSource::Rule
            && text.get(prev.span.end..cur.span.start).unwrap_or("").trim() == "("
            && text.get(cur.span.end..).unwrap_or("").trim_start().starts_with(')')
        {
            let key = cur.span.slice(text).to_string();
            defined.insert(key, (prev.canonical.clone(), prev.entity_id.clone()));
        }
    }
    if defined.is_empty() {
        return;
    }
    for m in mentions.iter_mut() {
        if m.source == MentionSource::Rule {
            if let Some((canonical, id)) = defined.get(m.span.slice(text)) {
                m.canonical = canonical.clone();
                m.entity_id = id.clone();
                m.source = MentionSource::Coref;
            }
        }
    }
}

/// Marks every token of a line that starts with a widget phrase (`Погода`, `Авторизуйтесь`)
/// as taken; returns the byte ranges of those lines.
fn block_widget_lines(doc: &mut Doc, rules: &EntityRules) -> Vec<Span> {
    let mut blocked = Vec::new();
    // Each line in turn: from its first token to the next line's.
    for k in 0..doc.lines.len() {
        let i = doc.lines[k] as usize;
        let line_start = i == 0 || doc.sent_start(i) && line_begins(doc, i);
        let end = doc.lines.get(k + 1).map_or(doc.len(), |&e| e as usize);
        if line_start {
            if let Some(phrases) = rules.widgets.get(doc.fw(i)) {
                if phrases.iter().any(|p| p.iter().enumerate().all(|(k, w)| doc.fw(i + k) == w)) {
                    blocked.push(doc.span(i, end));
                    doc.take(i, end);
                }
            }
        }
    }
    blocked
}

fn line_begins(doc: &Doc, i: usize) -> bool {
    doc.line_start(i)
}
