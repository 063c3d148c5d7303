//! Row types of the CSV and JSON files: items with character offsets.
//!
//! The field order of each struct is the column order of its CSV file. The workers do not
//! build these rows: `encode` writes the same bytes straight from the extraction. The rows,
//! serialized with serde, are the definition the encoder's tests compare it with.

use serde::Serialize;

use super::report::sort_prefix;
use crate::model::{Extraction, Mention, Money, Quote};
use crate::text::CharIndex;
use crate::text::Span;

#[derive(Debug, Serialize)]
pub struct MentionRow<'a> {
    pub doc_id: &'a str,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    #[serde(rename = "type")]
    pub entity_type: &'static str,
    pub canonical: &'a str,
    pub entity_id: &'a str,
    pub source: &'static str,
    pub warning: &'a str,
}

#[derive(Debug, Serialize)]
pub struct EntityRow<'a> {
    pub doc_id: &'a str,
    pub entity_id: &'a str,
    #[serde(rename = "type")]
    pub entity_type: &'static str,
    pub canonical: &'a str,
    pub mentions: usize,
}

#[derive(Debug, Serialize)]
pub struct QuoteRow<'a> {
    pub doc_id: &'a str,
    pub quote_id: QuoteId,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub speaker: &'a str,
    pub speaker_type: &'static str,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub cue: &'a str,
    pub attribution: &'static str,
    pub kind: &'static str,
    pub speaker_id: &'a str,
    pub cue_start: Option<usize>,
    pub cue_end: Option<usize>,
    pub warning: &'a str,
}

/// A quote's id within its document, `q1`, `q2`, … (its number from 1), written as that
/// string; formatted only when written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteId(pub usize);

impl std::fmt::Display for QuoteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "q{}", self.0)
    }
}

impl Serialize for QuoteId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Debug, Serialize)]
pub struct MoneyRow<'a> {
    pub doc_id: &'a str,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub amount: &'a str,
    pub amount_max: &'a str,
    pub currency: &'a str,
    pub qualifier: &'static str,
    pub kind: &'static str,
}

/// A quote's piece in character offsets (JSON only).
#[derive(Debug, Serialize)]
pub struct PartRow<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// Every row of one document, offsets converted to characters (the tests' reference for
/// what `encode` writes).
pub struct DocumentRows<'a> {
    /// Length of the text in characters.
    pub length: usize,
    pub mentions: Vec<MentionRow<'a>>,
    pub entities: Vec<EntityRow<'a>>,
    pub quotes: Vec<(QuoteRow<'a>, Vec<PartRow<'a>>)>,
    pub money: Vec<MoneyRow<'a>>,
}

impl<'a> DocumentRows<'a> {
    pub fn new(doc_id: &'a str, text: &'a str, extraction: &'a Extraction) -> DocumentRows<'a> {
        DocumentRows::with_groups(doc_id, text, extraction, &entity_groups(&extraction.mentions))
    }

    /// The rows, with the entity groups already made by [`entity_groups`].
    pub fn with_groups(
        doc_id: &'a str,
        text: &'a str,
        extraction: &'a Extraction,
        groups: &[(usize, usize)],
    ) -> DocumentRows<'a> {
        let table = CharIndex::new(text);
        let chars = |span: Span| table.span(span);
        let mentions = extraction.mentions.iter().map(|m| mention_row(doc_id, text, m, chars(m.span))).collect();
        let length = table.len_chars();
        let quotes = extraction
            .quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let row = quote_row(doc_id, i, text, q, &chars);
                let parts = q
                    .parts
                    .iter()
                    .map(|&p| {
                        let (start, end) = chars(p);
                        PartRow { start, end, text: p.slice(text) }
                    })
                    .collect();
                (row, parts)
            })
            .collect();
        let money = extraction.money.iter().map(|m| money_row(doc_id, text, m, chars(m.span))).collect();
        let entities = entity_rows(doc_id, &extraction.mentions, groups);
        DocumentRows { length, entities, mentions, quotes, money }
    }
}

fn mention_row<'a>(doc_id: &'a str, text: &'a str, m: &'a Mention, (start, end): (usize, usize)) -> MentionRow<'a> {
    MentionRow {
        doc_id,
        start,
        end,
        text: m.span.slice(text),
        entity_type: m.entity_type.as_str(),
        canonical: &m.canonical,
        entity_id: &m.entity_id,
        source: m.source.as_str(),
        warning: m.warning.as_deref().unwrap_or(""),
    }
}

/// One row per distinct entity, in order of first mention.
///
/// Mentions are grouped by sorting their indices by (id, index) (a document has tens of
/// them; a sort costs less than hashing every id).
/// `(first mention, mentions)` per distinct entity id, in id order: the entity rows (in
/// first-mention order) and the run's counters ([`super::DocumentTally`]) both come from
/// this one sort.
pub fn entity_groups(mentions: &[Mention]) -> Vec<(usize, usize)> {
    entity_groups_and_members(mentions).0
}

/// [`entity_groups`], and the group (its index in the groups) of every mention, so each
/// entity's cells are escaped once for all its rows (see `encode`).
pub fn entity_groups_and_members(mentions: &[Mention]) -> (Vec<(usize, usize)>, Vec<u32>) {
    // Sorted by (first eight bytes of the id, index), one integer each, so the sort compares
    // integers only; the runs of one prefix that hold several ids are then sorted by (id,
    // index). Each group starts at its first mention.
    let mut keys: Vec<u128> =
        mentions.iter().enumerate().map(|(i, m)| u128::from(sort_prefix(&m.entity_id)) << 64 | i as u128).collect();
    keys.sort_unstable();
    let id = |key: u128| &mentions[key as u64 as usize].entity_id;
    // Mentions of one entity mostly share one `Arc`.
    let same = super::known::same_text;
    // At most one group per mention: allocated once.
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(mentions.len());
    let mut members = vec![0u32; mentions.len()];
    let mut run = 0;
    while run < keys.len() {
        let (prefix, first) = (keys[run] >> 64, id(keys[run]));
        let mut end = run + 1;
        let mut one_id = true;
        while end < keys.len() && keys[end] >> 64 == prefix {
            one_id = one_id && same(first, id(keys[end]));
            end += 1;
        }
        if !one_id {
            keys[run..end].sort_unstable_by(|a, b| id(*a).cmp(id(*b)).then(a.cmp(b)));
        }
        for k in run..end {
            let i = keys[k] as u64 as usize;
            match groups.last_mut() {
                Some((_, count)) if k > run && (one_id || same(id(keys[k - 1]), id(keys[k]))) => *count += 1,
                _ => groups.push((i, 1)),
            }
            members[i] = u32::try_from(groups.len() - 1).expect("fewer than 2^32 entities");
        }
        run = end;
    }
    (groups, members)
}

/// One row per entity, in first-mention order, from the groups of [`entity_groups`].
fn entity_rows<'a>(doc_id: &'a str, mentions: &'a [Mention], groups: &[(usize, usize)]) -> Vec<EntityRow<'a>> {
    let mut groups = groups.to_vec();
    groups.sort_unstable();
    groups
        .into_iter()
        .map(|(first, count)| {
            let m = &mentions[first];
            EntityRow {
                doc_id,
                entity_id: &m.entity_id,
                entity_type: m.entity_type.as_str(),
                canonical: &m.canonical,
                mentions: count,
            }
        })
        .collect()
}

fn quote_row<'a>(
    doc_id: &'a str,
    i: usize,
    text: &'a str,
    q: &'a Quote,
    chars: &dyn Fn(Span) -> (usize, usize),
) -> QuoteRow<'a> {
    let (start, end) = chars(q.span);
    let speaker = q.speaker_span.map(chars);
    let cue = q.cue_span.map(chars);
    QuoteRow {
        doc_id,
        quote_id: QuoteId(i + 1),
        start,
        end,
        text: q.span.slice(text),
        speaker: q.speaker.as_deref().unwrap_or(""),
        speaker_type: q.speaker_type.map_or("", |t| t.as_str()),
        speaker_start: speaker.map(|s| s.0),
        speaker_end: speaker.map(|s| s.1),
        cue: q.cue.as_deref().unwrap_or(""),
        attribution: q.attribution.as_str(),
        kind: q.kind.as_str(),
        speaker_id: q.speaker_id.as_deref().unwrap_or(""),
        cue_start: cue.map(|s| s.0),
        cue_end: cue.map(|s| s.1),
        warning: q.warning.as_deref().unwrap_or(""),
    }
}

fn money_row<'a>(doc_id: &'a str, text: &'a str, m: &'a Money, (start, end): (usize, usize)) -> MoneyRow<'a> {
    MoneyRow {
        doc_id,
        start,
        end,
        text: m.span.slice(text),
        amount: &m.amount,
        amount_max: m.amount_max.as_deref().unwrap_or(""),
        currency: &m.currency,
        qualifier: m.qualifier.as_str(),
        kind: m.kind.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityType, MentionSource};

    #[test]
    fn entities_come_in_order_of_first_mention_with_their_counts() {
        let mention = |id: &str, canonical: &str| Mention {
            span: Span::new(0, 0),
            entity_type: EntityType::Org,
            canonical: canonical.into(),
            entity_id: id.into(),
            source: MentionSource::Rule,
            warning: None,
        };
        let mentions = [
            mention("org:b", "B"),
            mention("org:a", "A"),
            mention("org:b", "B2"),
            mention("org:c", "C"),
            mention("org:a", ""),
        ];
        // The groups come in id order (for the counters), the rows in first-mention order.
        let groups = entity_groups(&mentions);
        assert_eq!(groups, [(1, 2), (0, 2), (3, 1)]);
        assert_eq!(entity_groups_and_members(&mentions), (groups.clone(), vec![1, 0, 1, 2, 0]));
        let rows: Vec<(&str, &str, usize)> =
            entity_rows("d", &mentions, &groups).iter().map(|e| (e.entity_id, e.canonical, e.mentions)).collect();
        assert_eq!(rows, [("org:b", "B", 2), ("org:a", "A", 2), ("org:c", "C", 1)]);
        assert!(entity_groups(&[]).is_empty() && entity_rows("d", &[], &[]).is_empty());
    }

    proptest::proptest! {
        /// The groups are those of a sort by (id, index), for ids sharing their first eight
        /// bytes or not, shorter than eight bytes or not, in shared `Arc`s or not.
        #[test]
        fn groups_are_those_of_a_sort_by_id(picks in proptest::collection::vec((0usize..8, proptest::bool::ANY), 0..40)) {
            let ids = ["per:ivan-petrov", "per:ivan-sidorov", "per:ivan", "per:iva", "org:a", "", "per:ivan-p", "org:\0"];
            let shared: Vec<std::sync::Arc<str>> = ids.iter().map(|&id| id.into()).collect();
            let mentions: Vec<Mention> = picks
                .iter()
                .map(|&(k, same_arc)| Mention {
                    span: Span::new(0, 0),
                    entity_type: EntityType::Per,
                    canonical: "".into(),
                    entity_id: if same_arc { shared[k].clone() } else { ids[k].into() },
                    source: MentionSource::Rule,
                    warning: None,
                })
                .collect();
            let mut by_id: Vec<(&str, usize)> = mentions.iter().enumerate().map(|(i, m)| (&*m.entity_id, i)).collect();
            by_id.sort_unstable();
            let mut groups: Vec<(usize, usize)> = Vec::new();
            let mut members = vec![0u32; mentions.len()];
            for (k, &(id, i)) in by_id.iter().enumerate() {
                match groups.last_mut() {
                    Some((_, count)) if by_id[k - 1].0 == id => *count += 1,
                    _ => groups.push((i, 1)),
                }
                members[i] = (groups.len() - 1) as u32;
            }
            proptest::prop_assert_eq!(entity_groups_and_members(&mentions), (groups, members));
        }
    }
}
