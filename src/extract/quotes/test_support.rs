//! Test helpers: a stand-in for the entity extractor (plain whole-word search of a small hand
//! list of aliases) and the shipped rules.

use crate::dict::roles::RoleNouns;
use crate::dict::{Diagnostics, DictDirs};
use crate::model::{EntityType, Mention, MentionSource, Quote};
use crate::text::Span;

use super::{extract_quotes, QuoteRules};

/// (type, canonical, aliases) of the stand-in entities.
const ENTITIES: &[(EntityType, &str, &[&str])] = &[
    (
        EntityType::Per,
        "Багдат Мусин",
        &["Багдат Мусин", "Багдата Мусина", "Багдату Мусину", "БАГДАТ МУСИН", "Мусин", "Мусина", "Мусину", "Мусиным"],
    ),
    (EntityType::Per, "Аскар Мамин", &["Аскар Мамин", "Аскара Мамина", "Мамин"]),
    (EntityType::Per, "Герман Греф", &["Герман Греф", "Германа Грефа", "Греф"]),
    (EntityType::Per, "Айгерим Сейткали", &["Айгерим Сейткали"]),
    (EntityType::Per, "Мария Иванова", &["Мария Иванова", "Иванова", "Ивановой"]),
    (EntityType::Org, "Минцифры", &["Минцифры", "МЦРИАП", "Минцифровизации"]),
    (
        EntityType::Org,
        "Сбер",
        &[
            "Сбер",
            "Сбера",
            "Сберу",
            "Сбером",
            "Сбере",
            "СБЕР",
            "СБЕРа",
            "СБЕРом",
            "Сбербанк",
            "Сбербанка",
            "Сбербанку",
            "Сбербанком",
            "Сбербанке",
        ],
    ),
    (
        EntityType::Org,
        "АО «НИТ»",
        &[
            "АО \"НИТ\"",
            "АО «НИТ»",
            "НИТ",
            "Национальные информационные технологии",
            "АО \"Национальные информационные технологии\"",
        ],
    ),
    (EntityType::Org, "ТАСС", &["ТАСС"]),
    (EntityType::Org, "Sputnik", &["Sputnik"]),
    (EntityType::Org, "Microsoft", &["Microsoft"]),
    (EntityType::Org, "Facebook", &["Facebook"]),
    (EntityType::Org, "Google", &["Google"]),
    (EntityType::Org, "Яндекс", &["Яндекс"]),
    (EntityType::Loc, "Казахстан", &["Казахстан", "Казахстана", "Казахстану", "Казахстане", "РК"]),
    (EntityType::Loc, "Россия", &["Россия", "России"]),
    (EntityType::Loc, "Китай", &["Китай", "Китая"]),
    (EntityType::Loc, "Алматы", &["Алматы"]),
    (EntityType::Loc, "Семей", &["Семей", "Семее"]),
];

/// Mentions of the stand-in entities in `text`: whole words, longest alias first, no overlaps.
pub(crate) fn stand_in_mentions(text: &str) -> Vec<Mention> {
    let mut aliases: Vec<(&str, usize)> =
        ENTITIES.iter().enumerate().flat_map(|(i, (_, _, a))| a.iter().map(move |s| (*s, i))).collect();
    aliases.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
    let mut taken: Vec<Span> = Vec::new();
    let mut out = Vec::new();
    for (alias, i) in aliases {
        for (at, _) in text.match_indices(alias) {
            let span = Span::new(at, at + alias.len());
            let before = text[..at].chars().next_back();
            let after = text[span.end..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            if taken.iter().any(|t| t.overlaps(&span)) {
                continue;
            }
            taken.push(span);
            let (entity_type, canonical, _) = ENTITIES[i];
            out.push(Mention {
                span,
                entity_type,
                canonical: canonical.into(),
                entity_id: format!(
                    "{}:{}",
                    entity_type.as_str().to_lowercase(),
                    canonical.to_lowercase().replace(' ', "-")
                )
                .into(),
                source: MentionSource::Gazetteer,
                warning: None,
            });
        }
    }
    out.sort_by_key(|m| m.span.start);
    out
}

pub(crate) struct Kit {
    pub roles: RoleNouns,
    pub rules: QuoteRules,
}

pub(crate) fn kit() -> Kit {
    let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
    let mut d = Diagnostics::default();
    let roles = RoleNouns::load(&dirs, &mut d);
    let rules = QuoteRules::load(&dirs, &mut d);
    assert!(!d.has_errors(), "{:?}", d.items);
    Kit { roles, rules }
}

impl Kit {
    pub fn run(&self, text: &str) -> Vec<Quote> {
        let mentions = stand_in_mentions(text);
        let quotes = extract_quotes(text, &mentions, &self.roles, &self.rules);
        for q in &quotes {
            check_spans(text, q);
        }
        quotes
    }
}

/// Every span on char boundaries, ordered, inside the text.
pub(crate) fn check_spans(text: &str, q: &Quote) {
    let all = std::iter::once(q.span).chain(q.parts.iter().copied()).chain(q.speaker_span).chain(q.cue_span);
    for s in all {
        assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "{s:?}");
    }
    for p in &q.parts {
        assert!(q.span.contains(p), "part {p:?} outside {:?}", q.span);
    }
}
