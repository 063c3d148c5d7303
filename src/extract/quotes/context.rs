//! One document as the quote rules see it: the text, its entity mentions grouped into
//! entities, the speech cues found in it, and bounded word-level views around a position
//! (sentence limits, tokens, what a word is: role noun, pronoun, function word).
//!
//! Every scan here is bounded ([`MAX_SCAN`] bytes), so work stays linear in the text.

use std::collections::HashMap;

use super::cues::CueHit;
use super::marks::is_line_break;
use super::rules::{Gender, Pronoun, QuoteRules, WordKind};
use crate::dict::roles::{RoleNoun, RoleNouns};
use crate::model::{EntityType, Mention};
use crate::text::tokens::{tokenize, Token, TokenKind};
use crate::text::{fold_str, Span};

/// The farthest any local scan looks, in bytes.
pub(crate) const MAX_SCAN: usize = 1200;

/// One entity of the document (all mentions sharing an `entity_id`).
#[derive(Clone, Debug)]
pub(crate) struct Entity {
    pub canonical: String,
    pub id: String,
    pub entity_type: EntityType,
    pub count: usize,
    /// Start of the first mention.
    pub first: usize,
    pub gender: Gender,
}

pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub mentions: &'a [Mention],
    pub roles: &'a RoleNouns,
    pub rules: &'a QuoteRules,
    pub cues: Vec<CueHit>,
    pub entities: Vec<Entity>,
    /// Entity index of each mention.
    pub mention_entity: Vec<usize>,
}

impl<'a> Doc<'a> {
    pub fn new(
        text: &'a str,
        mentions: &'a [Mention],
        roles: &'a RoleNouns,
        rules: &'a QuoteRules,
        cues: Vec<CueHit>,
    ) -> Doc<'a> {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut entities: Vec<Entity> = Vec::new();
        let mut mention_entity = Vec::with_capacity(mentions.len());
        for m in mentions {
            let key = if m.entity_id.is_empty() {
                m.canonical.as_str()
            } else {
                m.entity_id.as_str()
            };
            let idx = *by_id.entry(key).or_insert_with(|| {
                entities.push(Entity {
                    canonical: m.canonical.clone(),
                    id: m.entity_id.clone(),
                    entity_type: m.entity_type,
                    count: 0,
                    first: m.span.start,
                    gender: if m.entity_type == EntityType::Per {
                        person_gender(&m.canonical, rules)
                    } else {
                        Gender::Any
                    },
                });
                entities.len() - 1
            });
            let e = &mut entities[idx];
            e.count += 1;
            e.first = e.first.min(m.span.start);
            mention_entity.push(idx);
        }
        Doc {
            text,
            mentions,
            roles,
            rules,
            cues,
            entities,
            mention_entity,
        }
    }

    pub fn entity_of(&self, mention: usize) -> &Entity {
        &self.entities[self.mention_entity[mention]]
    }

    /// The mention that starts exactly at `pos`.
    pub fn mention_starting_at(&self, pos: usize) -> Option<usize> {
        let i = self.mentions.partition_point(|m| m.span.start < pos);
        (i < self.mentions.len() && self.mentions[i].span.start == pos).then_some(i)
    }

    /// The mention covering byte `pos` (the last one starting at or before it).
    pub fn mention_containing(&self, pos: usize) -> Option<usize> {
        let i = self.mentions.partition_point(|m| m.span.start <= pos);
        let mut k = i;
        // Mentions are sorted by start and rarely overlap; look back a little.
        while k > 0 && i - k < 4 {
            k -= 1;
            let m = &self.mentions[k];
            if m.span.start <= pos && pos < m.span.end {
                return Some(k);
            }
        }
        None
    }

    /// Index of the cue starting exactly at `pos`.
    pub fn cue_starting_at(&self, pos: usize) -> Option<usize> {
        let i = self.cues.partition_point(|c| c.span.start < pos);
        (i < self.cues.len() && self.cues[i].span.start == pos).then_some(i)
    }

    /// Indices of the cues starting in `[from, to)`.
    pub fn cues_in(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let a = self.cues.partition_point(|c| c.span.start < from);
        let b = self.cues.partition_point(|c| c.span.start < to);
        a..b.max(a)
    }

    /// Start of the sentence holding `pos`: after the last line break or `.!?…` followed by
    /// a space, looking back no further than `floor` nor [`MAX_SCAN`] bytes.
    pub fn sentence_start(&self, pos: usize, floor: usize) -> usize {
        let limit = floor.max(pos.saturating_sub(MAX_SCAN));
        let mut after_is_space = false;
        let mut after_at = pos;
        for (at, c) in self.text[..pos].char_indices().rev() {
            if at < limit {
                return after_at;
            }
            if is_line_break(c) {
                return after_at;
            }
            if matches!(c, '.' | '!' | '?' | '…') && after_is_space {
                return after_at;
            }
            after_is_space = c.is_whitespace();
            after_at = at;
        }
        after_at.min(pos)
    }

    /// End of the sentence holding `pos`: the first line break or `.!?…` followed by a space
    /// or the text end (the punctuation itself excluded), at most [`MAX_SCAN`] bytes on.
    pub fn sentence_end(&self, pos: usize) -> usize {
        let mut chars = self.text[pos..].char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            let at = pos + off;
            if at - pos > MAX_SCAN {
                return at;
            }
            if is_line_break(c) {
                return at;
            }
            if matches!(c, '.' | '!' | '?' | '…') {
                match chars.peek() {
                    None => return at,
                    Some(&(_, n)) if n.is_whitespace() => return at,
                    _ => {}
                }
            }
        }
        self.text.len()
    }

    /// End of the line holding `pos` (the line break itself excluded).
    pub fn line_end(&self, pos: usize) -> usize {
        self.text[pos..]
            .char_indices()
            .find(|&(_, c)| is_line_break(c))
            .map_or(self.text.len(), |(at, _)| pos + at)
    }

    /// Tokens of `[from, to)` with spans into the whole text.
    pub fn tokens(&self, from: usize, to: usize) -> Vec<Token> {
        let Some(slice) = self.text.get(from..to) else {
            return Vec::new();
        };
        let mut tokens = tokenize(slice);
        for t in &mut tokens {
            t.span = Span::new(t.span.start + from, t.span.end + from);
        }
        tokens
    }

    pub fn folded(&self, t: &Token) -> String {
        fold_str(t.text(self.text))
    }

    pub fn role(&self, t: &Token) -> Option<&'a RoleNoun> {
        if t.kind != TokenKind::Word {
            return None;
        }
        self.roles.lookup(t.text(self.text))
    }

    /// Whether a role-noun token is in the dictionary form (nominative singular).
    pub fn role_is_nominative(&self, t: &Token, role: &RoleNoun) -> bool {
        self.folded(t) == fold_str(&role.role)
    }

    pub fn pronoun(&self, t: &Token) -> Option<Pronoun> {
        if t.kind != TokenKind::Word {
            return None;
        }
        self.rules.pronouns.get(&self.folded(t)).copied()
    }

    pub fn word_kind(&self, t: &Token) -> Option<WordKind> {
        if t.kind != TokenKind::Word {
            return None;
        }
        self.rules.word_kind(&self.folded(t))
    }

    pub fn is_name_noun(&self, t: &Token) -> bool {
        t.kind == TokenKind::Word && self.rules.name_nouns.contains_key(&self.folded(t))
    }

    /// The character right before `pos`.
    pub fn char_before(&self, pos: usize) -> Option<char> {
        self.text.get(..pos)?.chars().next_back()
    }
}

/// Whether `c` is one of the dash family (a lone `-` included).
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−')
}

/// Whether a punctuation token stops a speaker scan: quotation marks, brackets, colons, dashes.
pub(crate) fn is_scan_stop(c: char) -> bool {
    is_dash(c)
        || matches!(
            c,
            '«' | '»' | '„' | '“' | '”' | '"' | ':' | ';' | '(' | ')' | '[' | ']' | '&'
        )
}

/// A person's grammatical gender, guessed from the ending of the last word of the canonical
/// name with the endings of `quote_words.tsv` (longest ending wins).
pub(crate) fn person_gender(canonical: &str, rules: &QuoteRules) -> Gender {
    let Some(last) = canonical.split_whitespace().next_back() else {
        return Gender::Any;
    };
    let last = fold_str(last);
    let fem = rules
        .female_endings
        .iter()
        .find(|e| last.ends_with(e.as_str()))
        .map_or(0, |e| e.chars().count());
    let masc = rules
        .male_endings
        .iter()
        .find(|e| last.ends_with(e.as_str()))
        .map_or(0, |e| e.chars().count());
    match (fem, masc) {
        (0, 0) => Gender::Any,
        (f, m) if f > m => Gender::Fem,
        (f, m) if m > f => Gender::Masc,
        _ => Gender::Any,
    }
}
