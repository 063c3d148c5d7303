//! The ends of mention rows and the middles of entity rows of the entities a worker thread
//! wrote lately, kept across documents.
//!
//! A corpus names few entities many times (the 5 MB sample: 17,663 entity rows of 906
//! entity ids), and the end of a mention row (`type` to `warning`) and the middle of an
//! entity row (`entity_id` to `canonical`) depend only on the entity's fields and the CSV
//! style, not on the document. Escaping and formatting them cost about 700 instructions an
//! entity a document; a known entity's pieces are one lookup and two copies.
//!
//! A piece is used only when every field it was made from is equal (the canonical form is
//! the key; type, source, id and warning are compared), so the bytes are those the writers
//! give; the cache only saves their work.
//!
//! The key is the address of the canonical form's `Arc`, not its text: the extractors share
//! one `Arc` per entity across the documents of a thread, so a lookup hashes a word instead
//! of a string. Each known entity keeps a clone of that `Arc`, so no other text can come to
//! live at a known address while the address is a key.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::CsvStyle;
use crate::model::{EntityType, Mention, MentionSource};

/// One entity's row pieces and the fields they were made from.
pub(super) struct KnownEntity {
    entity_type: EntityType,
    source: MentionSource,
    /// Kept alive so its address, the key, stays this text's.
    canonical: Arc<str>,
    entity_id: Arc<str>,
    warning: Option<Box<str>>,
    /// The pieces learnt before these for the same canonical form from other fields, if any.
    older: Option<u32>,
    /// The four pieces one after the other, in one allocation (see [`Pieces`]).
    bytes: Box<[u8]>,
    /// Where the second, third and fourth piece start in `bytes`.
    starts: [u32; 3],
}

impl KnownEntity {
    /// Whether the pieces are those of `m`'s rows (found by the address of its canonical
    /// form, which is thus this one's).
    fn fits(&self, m: &Mention) -> bool {
        debug_assert!(Arc::ptr_eq(&self.canonical, &m.canonical));
        self.entity_type == m.entity_type
            && self.source == m.source
            && same_text(&self.entity_id, &m.entity_id)
            && self.warning.as_deref() == m.warning.as_deref()
    }

    /// `,"type":…,"warning":""}`: the end of a mention row in JSON.
    #[inline]
    pub fn mention_json(&self) -> &[u8] {
        &self.bytes[..self.starts[0] as usize]
    }

    /// `,TYPE,…,warning\n`: the end of a mention row in CSV (empty in stream mode).
    #[inline]
    pub fn mention_csv(&self) -> &[u8] {
        &self.bytes[self.starts[0] as usize..self.starts[1] as usize]
    }

    /// `,"entity_id":…,"canonical":…,"mentions":`: an entity row in JSON between the
    /// document id and the count.
    #[inline]
    pub fn entity_json(&self) -> &[u8] {
        &self.bytes[self.starts[1] as usize..self.starts[2] as usize]
    }

    /// `,ENTITY_ID,TYPE,CANONICAL,`: the same in CSV (empty in stream mode).
    #[inline]
    pub fn entity_csv(&self) -> &[u8] {
        &self.bytes[self.starts[2] as usize..]
    }
}

/// The pieces of one entity, made by the writers from one of its mentions (see
/// [`KnownEntities::learn`]) in the buffers of a [`Scratch`]: the JSON buffer holds the end
/// of the mention row and then the middle of the entity row, the CSV buffer the same in CSV.
pub(super) struct Pieces {
    /// Where the entity row's piece starts in each buffer.
    pub entity_json_start: usize,
    pub entity_csv_start: usize,
}

/// Buffers the pieces are written in, kept by the thread so that learning an entity
/// allocates only the bytes it keeps.
#[derive(Default)]
pub(super) struct Scratch {
    pub json: Vec<u8>,
    pub csv: Vec<u8>,
}

/// The entities a worker thread wrote lately, by the address of their canonical form:
/// pieces in a list, their place in it in a map.
///
/// A canonical form can come with other fields (another id or type in some documents, or
/// some mentions of one document): each such variant is kept, the newest first in a short
/// chain from the map, so no piece is replaced and an index given out stays valid.
pub(super) struct KnownEntities {
    /// The CSV style the pieces were written in (`None`: stream mode, JSON only).
    style: Option<CsvStyle>,
    by_canonical: FxHashMap<usize, u32>,
    entities: Vec<KnownEntity>,
    scratch: Scratch,
}

/// At most this many variants of a canonical form are looked at (the newest ones); one with
/// more variants is mostly written afresh.
const MAX_VARIANTS: usize = 4;

/// At most this many entities are kept; past it the cache starts again empty (a document's
/// pieces are never dropped while it is written, see [`KnownEntities::start_document`]).
const MAX_KNOWN: usize = 1 << 14;

thread_local! {
    static KNOWN: RefCell<KnownEntities> = RefCell::new(KnownEntities::new());
}

impl KnownEntities {
    fn new() -> KnownEntities {
        KnownEntities {
            style: None,
            by_canonical: FxHashMap::default(),
            entities: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// Runs `write` with this thread's known entities, ready for a document written in `style`.
    pub fn with<R>(style: Option<CsvStyle>, write: impl FnOnce(&mut KnownEntities) -> R) -> R {
        KNOWN.with_borrow_mut(|known| {
            known.start_document(style);
            write(known)
        })
    }

    /// Forgets everything when the style changed or the cache is full; an index given out
    /// stays valid until the next document.
    fn start_document(&mut self, style: Option<CsvStyle>) {
        if self.style != style || self.entities.len() >= MAX_KNOWN {
            self.style = style;
            self.by_canonical.clear();
            self.entities.clear();
        }
    }

    /// The index of the pieces of `m`'s entity: known ones with the same fields, else those
    /// `make` writes (in the emptied scratch buffers), learnt.
    #[inline]
    pub fn index_of(&mut self, m: &Mention, make: impl FnOnce(&mut Scratch) -> Pieces) -> u32 {
        match self.find(m) {
            Some(index) => index,
            None => {
                self.scratch.json.clear();
                self.scratch.csv.clear();
                let pieces = make(&mut self.scratch);
                self.learn(m, pieces)
            }
        }
    }

    /// The index of the pieces of `m`'s entity, if known with the same fields.
    #[inline]
    fn find(&self, m: &Mention) -> Option<u32> {
        let mut index = *self.by_canonical.get(&address(&m.canonical))?;
        for _ in 0..MAX_VARIANTS {
            let known = &self.entities[index as usize];
            if known.fits(m) {
                return Some(index);
            }
            index = known.older?;
        }
        None
    }

    /// Keeps the pieces of `m`'s entity, written in the scratch buffers (as the newest variant
    /// of its canonical form); their index.
    fn learn(&mut self, m: &Mention, pieces: Pieces) -> u32 {
        let index = u32::try_from(self.entities.len()).expect("at most MAX_KNOWN and a document's mentions");
        let Scratch { json, csv } = &self.scratch;
        let (json_split, csv_split) = (pieces.entity_json_start, pieces.entity_csv_start);
        let mut bytes = Vec::with_capacity(json.len() + csv.len());
        bytes.extend_from_slice(&json[..json_split]);
        let mention_csv_start = bytes.len();
        bytes.extend_from_slice(&csv[..csv_split]);
        let entity_json_start = bytes.len();
        bytes.extend_from_slice(&json[json_split..]);
        let entity_csv_start = bytes.len();
        bytes.extend_from_slice(&csv[csv_split..]);
        let start = |at: usize| u32::try_from(at).expect("pieces under 4 GB");
        let starts = [start(mention_csv_start), start(entity_json_start), start(entity_csv_start)];
        let known = KnownEntity {
            entity_type: m.entity_type,
            source: m.source,
            canonical: Arc::clone(&m.canonical),
            entity_id: Arc::clone(&m.entity_id),
            warning: m.warning.as_deref().map(Into::into),
            older: None,
            bytes: bytes.into_boxed_slice(),
            starts,
        };
        match self.by_canonical.get_mut(&address(&m.canonical)) {
            Some(newest) => {
                let older = std::mem::replace(newest, index);
                self.entities.push(KnownEntity { older: Some(older), ..known });
            }
            None => {
                self.by_canonical.insert(address(&m.canonical), index);
                self.entities.push(known);
            }
        }
        index
    }

    #[inline]
    pub fn get(&self, index: u32) -> &KnownEntity {
        &self.entities[index as usize]
    }
}

/// Whether two shared texts are equal, asking first whether they are one `Arc` (as the
/// mentions of an entity mostly share theirs): `==` on `Arc<str>` always compares the bytes,
/// with a `memcmp` call.
#[inline]
pub(crate) fn same_text(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// The address of a shared text: the key of its entity's pieces here, and of its counts in
/// the report's statistics.
#[inline]
pub(crate) fn address(text: &Arc<str>) -> usize {
    Arc::as_ptr(text).cast::<u8>() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Span;

    /// One `Arc`, two `Arc`s of one text, and other texts (of one length or not).
    #[test]
    fn same_text_is_text_equality() {
        let texts = ["org:a", "org:b", "org:ab", ""];
        for a in texts {
            for b in texts {
                let (a_arc, b_arc): (Arc<str>, Arc<str>) = (Arc::from(a), Arc::from(b));
                assert_eq!(same_text(&a_arc, &b_arc), a == b, "{a:?} {b:?}");
                assert!(same_text(&a_arc, &Arc::clone(&a_arc)));
            }
        }
    }

    /// Pieces `tag`+`j`, `tag`+`c`, `tag`+`J`, `tag`+`C` written in the scratch buffers.
    fn pieces(tag: &str, scratch: &mut Scratch) -> Pieces {
        let piece = |out: &mut Vec<u8>, kind: u8| {
            out.extend_from_slice(tag.as_bytes());
            out.push(kind);
            out.len()
        };
        let (entity_json_start, entity_csv_start) = (piece(&mut scratch.json, b'j'), piece(&mut scratch.csv, b'c'));
        piece(&mut scratch.json, b'J');
        piece(&mut scratch.csv, b'C');
        Pieces { entity_json_start, entity_csv_start }
    }

    /// Mentions sharing a canonical `Arc` find the pieces made for the first whose fields
    /// (the id among them) are theirs; an equal text in another `Arc` gets pieces of its own.
    #[test]
    fn pieces_are_found_by_the_shared_canonical_and_equal_fields() {
        let canonical: Arc<str> = "Сбер".into();
        let mention = |canonical: &Arc<str>, id: &str, warning: Option<&str>| Mention {
            span: Span::new(0, 0),
            entity_type: EntityType::Org,
            canonical: Arc::clone(canonical),
            entity_id: id.into(),
            source: MentionSource::Rule,
            warning: warning.map(str::to_string),
        };
        let mut known = KnownEntities::new();
        known.start_document(None);
        let mut index = |m: &Mention, tag: &str| known.index_of(m, |scratch| pieces(tag, scratch));
        let first = index(&mention(&canonical, "org:сбер", None), "a");
        assert_eq!(index(&mention(&canonical, "org:сбер", None), "unused"), first);
        let other_id = index(&mention(&canonical, "org:сбербанк", None), "b");
        let warned = index(&mention(&canonical, "org:сбер", Some("w")), "c");
        let copy = index(&mention(&"Сбер".into(), "org:сбер", None), "d");
        assert_eq!([first, other_id, warned, copy], [0, 1, 2, 3]);
        assert_eq!(index(&mention(&canonical, "org:сбербанк", None), "unused"), other_id);
        assert_eq!(index(&mention(&canonical, "org:сбер", None), "unused"), first);
        let got = known.get(other_id);
        let got = [got.mention_json(), got.mention_csv(), got.entity_json(), got.entity_csv()];
        assert_eq!(got, [&b"bj"[..], b"bc", b"bJ", b"bC"]);
    }
}
