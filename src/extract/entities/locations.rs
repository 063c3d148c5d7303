//! Places the dictionaries do not know: a capitalised word after a place marker (`г. Семей`,
//! `город Хилтон Хэд`, `села Кокозек`), a capitalised adjective before one (`Алматинская
//! область`, `Бостандыкского района`), words the toponym lexicon knows (unless they are also
//! ordinary words), and a capitalised adjective joined to a place after it (`Северная Корея`).

use super::doc::Doc;
use super::rules::{Ending, EntityRules, LocPosition};
use crate::text::tokens::TokenKind;

#[derive(Clone, Debug)]
pub struct LocMatch {
    pub from: usize,
    pub to: usize,
}

fn adjective(doc: &Doc, rules: &EntityRules, i: usize) -> bool {
    doc.cap_word(i) && matches!(doc.ending(rules, i), Some(Ending::Adjective | Ending::SurnameAdj))
}

/// Place names after and before markers; with `lexicon_pass`, also toponym-lexicon words.
pub fn find_locations(doc: &Doc, rules: &EntityRules, lexicon_pass: bool) -> Vec<LocMatch> {
    let mut out = Vec::new();
    // The next token not inside a match.
    let mut next = 0;
    for &i in &doc.starts {
        let i = i as usize;
        // Every rule starts at a place marker, or at a capitalised word before one or (in the
        // lexicon pass) that the toponym lexicon knows (all in `Doc::starts`).
        let may_start = doc.listed(i).loc.is_some()
            || doc.cap(i) && (doc.listed(i + 1).loc.is_some() || (lexicon_pass && doc.lex(i).toponym.is_some()));
        if i < next || !may_start {
            continue;
        }
        if let Some(m) = loc_at(doc, rules, i, lexicon_pass) {
            next = m.to.max(i + 1);
            out.push(m);
        }
    }
    out
}

fn loc_at(doc: &Doc, rules: &EntityRules, i: usize, lexicon_pass: bool) -> Option<LocMatch> {
    if !doc.free(i) || doc.kind(i) != TokenKind::Word {
        return None;
    }
    // `Алматинская область`: the adjective and the marker after it (the marker first: most
    // words have none after them).
    if let Some(m) = doc.listed(i + 1).loc {
        if m.position == LocPosition::After && doc.free(i + 1) && !doc.cap(i + 1) && adjective(doc, rules, i) {
            return Some(LocMatch { from: i, to: i + 2 });
        }
    }
    if let Some(m) = doc.listed(i).loc {
        // Lower case, or capitalised only because it opens a sentence (`Улицу Шевченко …`).
        if m.position == LocPosition::Before && (!doc.cap(i) || doc.sent_start(i)) {
            let mut j = i + 1;
            if m.dotted {
                if !doc.is_punct(j, ".") {
                    return None;
                }
                j += 1;
            } else if doc.is_punct(i + 1, ".") {
                return None;
            }
            let mut end = j;
            while end < j + 2 && doc.cap_word(end) && doc.not_name(end).is_none() && !doc.caps(end) {
                end += 1;
            }
            if end > j {
                return Some(LocMatch { from: j, to: end });
            }
        }
        return None;
    }
    if !lexicon_pass {
        return None;
    }
    let lex = doc.lex(i);
    if doc.cap_word(i) && lex.toponym.is_some() && !lex.common() && lex.first.is_none() && doc.not_name(i).is_none() {
        let from = if i > 0 && adjective(doc, rules, i - 1) { i - 1 } else { i };
        return Some(LocMatch { from, to: i + 1 });
    }
    None
}

/// Whether the free token before `i` is a capitalised adjective that belongs to the place
/// name starting at `i` (`Северная Корея`, `Южной Каролине`).
pub fn adjective_before(doc: &Doc, rules: &EntityRules, i: usize) -> bool {
    i > 0 && adjective(doc, rules, i - 1) && !doc.caps(i - 1)
}
