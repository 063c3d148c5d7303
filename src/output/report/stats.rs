//! The report's corpus-wide counters: mentions per entity, quotes per speaker, money per
//! currency. Only counters are kept, never texts, and the entity and speaker tables are
//! bounded: past [`MAX_TRACKED`] names the rarest are dropped (and the report says so).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::decimal_sum::DecimalSum;
use crate::model::{Extraction, MoneyKind, Qualifier, Quote};

/// Distinct entities (and, separately, speakers) counted at most.
pub const MAX_TRACKED: usize = 100_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub label: String,
    pub kind: &'static str,
    /// Mentions (entities) or quotes (speakers).
    pub count: usize,
    pub documents: usize,
}

/// Counts by key, bounded in size.
///
/// Entity ids come as `Arc`s, one per entity shared across the documents of a worker
/// thread, so [`Counter::bump_shared`] finds a key it has seen by the `Arc`'s address (one
/// word hashed) before hashing its text: this runs on the serial writer thread, once per
/// entity of every document.
#[derive(Default)]
pub struct Counter {
    /// The slot of each key. Fx-hashed: keys are entity ids from our own output, and SipHash
    /// cost more than the rest of the counting.
    index: FxHashMap<Arc<str>, u32>,
    /// Keys and their counts.
    slots: Vec<(Arc<str>, Tally)>,
    /// The slot of a key by the address of an `Arc` it came in, with a clone of that `Arc`,
    /// so no other text can come to live at the address while it is a key. Cleared when the
    /// slots move (see [`Counter::prune`]) or it grows past [`MAX_ADDRESSES`].
    by_address: FxHashMap<usize, (Arc<str>, u32)>,
    /// The slots of the addresses met lately, in front of `by_address` (see [`RecentAddresses`]).
    recent: RecentAddresses,
    /// Entries with at most this many were dropped to bound memory (0: nothing dropped).
    pub dropped_below: usize,
}

/// Addresses remembered at most (a thread makes a new `Arc` for an entity after its
/// caches start again).
const MAX_ADDRESSES: usize = 2 * MAX_TRACKED;

impl Counter {
    /// [`Counter::bump`] of a key that comes in a shared `Arc`.
    fn bump_shared(&mut self, key: &Arc<str>, label: &str, kind: &'static str, count: usize) {
        let address = crate::output::known::address(key);
        let slot = match self.recent.slot(address) {
            Some(slot) => slot,
            None => match self.by_address.get(&address) {
                Some(&(_, slot)) => {
                    self.recent.put(address, slot);
                    slot
                }
                None => {
                    if let Some(slot) = self.count(key, || Arc::clone(key), label, kind, count) {
                        self.remember(key, address, slot);
                    }
                    return;
                }
            },
        };
        let t = &mut self.slots[slot as usize].1;
        t.count += count;
        t.documents += 1;
    }

    /// Remembers that `key`, at `address`, counts in `slot`.
    fn remember(&mut self, key: &Arc<str>, address: usize, slot: u32) {
        if self.by_address.len() >= MAX_ADDRESSES {
            self.forget_addresses();
        }
        self.by_address.insert(address, (Arc::clone(key), slot));
        self.recent.put(address, slot);
    }

    /// Forgets every address (their `Arc`s are dropped, so the addresses may be reused).
    fn forget_addresses(&mut self) {
        self.by_address.clear();
        self.recent.clear();
    }

    fn bump(&mut self, key: &str, label: &str, kind: &'static str, count: usize) {
        self.count(key, || Arc::from(key), label, kind, count);
    }

    /// Adds `count` to `key`'s entry (made from `owned` if new); returns its slot, or `None`
    /// when pruning dropped it.
    fn count(
        &mut self,
        key: &str,
        owned: impl FnOnce() -> Arc<str>,
        label: &str,
        kind: &'static str,
        count: usize,
    ) -> Option<u32> {
        if let Some(&slot) = self.index.get(key) {
            let t = &mut self.slots[slot as usize].1;
            t.count += count;
            t.documents += 1;
            return Some(slot);
        }
        let key = owned();
        let slot = u32::try_from(self.slots.len()).expect("at most MAX_TRACKED + 1 slots");
        self.index.insert(Arc::clone(&key), slot);
        self.slots.push((key, Tally { label: label.to_string(), kind, count, documents: 1 }));
        if self.slots.len() > MAX_TRACKED {
            let key = Arc::clone(&self.slots[slot as usize].0);
            self.prune();
            return self.index.get(&key).copied();
        }
        Some(slot)
    }

    /// Drops the rarest entries, leaving at most half the limit.
    fn prune(&mut self) {
        let mut counts: Vec<usize> = self.slots.iter().map(|(_, t)| t.count).collect();
        let drop = counts.len().saturating_sub(MAX_TRACKED / 2);
        if drop == 0 {
            return;
        }
        let (_, &mut floor, _) = counts.select_nth_unstable(drop - 1);
        self.dropped_below = self.dropped_below.max(floor);
        let floor = self.dropped_below;
        self.slots.retain(|(_, t)| t.count > floor);
        self.index.clear();
        for (slot, (key, _)) in self.slots.iter().enumerate() {
            self.index.insert(Arc::clone(key), slot as u32);
        }
        self.forget_addresses();
    }

    /// The `n` most frequent, ties by label then key, so the report is deterministic.
    pub fn top(&self, n: usize) -> Vec<(&str, &Tally)> {
        let mut all: Vec<(&str, &Tally)> = self.slots.iter().map(|(k, t)| (&**k, t)).collect();
        all.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.1.label.cmp(&b.1.label)).then(a.0.cmp(b.0)));
        all.truncate(n);
        all
    }

    pub fn distinct(&self) -> usize {
        self.slots.len()
    }
}

/// The slots of the addresses met lately, one per place of a table indexed by a hash of the
/// address (a newer address takes the place of an older one): a hit is a multiply, a load
/// and a compare, where the hash map asked for a probe of its groups (this runs on the serial
/// writer thread once per entity of every document, and a corpus names few entities often).
///
/// Only addresses that `by_address` holds (with a clone of their `Arc`) are here, and it is
/// cleared with `by_address`, so an address here is never that of another text.
struct RecentAddresses {
    /// `(address, slot)`; address 0 (no `Arc` lives there) marks an empty place.
    places: Box<[(usize, u32)]>,
}

/// Places of [`RecentAddresses`], as a power of two: a few thousand entities are many
/// documents' worth.
const RECENT_BITS: u32 = 12;

impl Default for RecentAddresses {
    fn default() -> RecentAddresses {
        RecentAddresses { places: vec![(0, 0); 1 << RECENT_BITS].into_boxed_slice() }
    }
}

impl RecentAddresses {
    /// The place of `address`: the high bits of a Fibonacci hash (allocations are aligned,
    /// so the low bits of an address say little).
    #[inline]
    fn place(address: usize) -> usize {
        ((address as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (u64::BITS - RECENT_BITS)) as usize
    }

    #[inline]
    fn slot(&self, address: usize) -> Option<u32> {
        let (known, slot) = self.places[RecentAddresses::place(address)];
        (known == address).then_some(slot)
    }

    #[inline]
    fn put(&mut self, address: usize, slot: u32) {
        self.places[RecentAddresses::place(address)] = (address, slot);
    }

    fn clear(&mut self) {
        self.places.fill((0, 0));
    }
}

/// Money of one currency.
#[derive(Default)]
pub struct CurrencyTotal {
    pub amounts: usize,
    /// Sum of the `amount` column (a range counts with its lower bound, as a spreadsheet
    /// SUM over money.csv would).
    pub total: DecimalSum,
    /// Amounts not `exact` (about, up to, over, under, range).
    pub inexact: usize,
    /// Amounts that were not plain decimals (not added).
    pub unreadable: usize,
}

#[derive(Default)]
pub struct ReportStats {
    pub entities: Counter,
    pub speakers: Counter,
    pub quotes: usize,
    pub unattributed_quotes: usize,
    pub money: BTreeMap<String, CurrencyTotal>,
    pub rates: usize,
}

impl ReportStats {
    /// Counts a document's items; `entity_groups` are its `(first mention, mentions)` per
    /// entity id, in id order (see [`crate::output::rows::entity_groups`]), and
    /// `speaker_groups` its [`speaker_groups`].
    pub fn add(
        &mut self,
        extraction: &Extraction,
        entity_groups: &[(usize, usize)],
        speaker_groups: &[(usize, usize)],
    ) {
        let mentions = &extraction.mentions;
        for &(first, n) in entity_groups {
            let m = &mentions[first];
            self.entities.bump_shared(&m.entity_id, &m.canonical, m.entity_type.as_str(), n);
        }
        self.quotes += extraction.quotes.len();
        let attributed: usize = speaker_groups.iter().map(|&(_, n)| n).sum();
        self.unattributed_quotes += extraction.quotes.len() - attributed;
        for &(first, n) in speaker_groups {
            let q = &extraction.quotes[first];
            let key = speaker_key(q).expect("a speaker group's quote has a speaker");
            let name = q.speaker.as_deref().unwrap_or_default();
            self.speakers.bump(&key, name, q.speaker_type.map_or("", |t| t.as_str()), n);
        }
        for m in &extraction.money {
            if m.kind == MoneyKind::Rate {
                self.rates += 1;
                continue;
            }
            // The currency is copied only the first time it is seen, and a seen one is
            // looked up once (this runs on the single writer thread, once per amount).
            let total = match self.money.get_mut(&m.currency) {
                Some(total) => total,
                None => self.money.entry(m.currency.clone()).or_default(),
            };
            total.amounts += 1;
            if m.qualifier != Qualifier::Exact {
                total.inexact += 1;
            }
            if !total.total.add(&m.amount) {
                total.unreadable += 1;
            }
        }
    }
}

/// `(first quote, quotes)` for each distinct speaker key of a document's quotes (see
/// [`speaker_key`]; quotes without a speaker are left out), in key order: made on a worker
/// thread, so the serial writer only looks the keys up.
pub fn speaker_groups(quotes: &[Quote]) -> Vec<(usize, usize)> {
    let keys: Vec<(Cow<'_, str>, usize)> =
        quotes.iter().enumerate().filter_map(|(i, q)| Some((speaker_key(q)?, i))).collect();
    groups(keys.iter().map(|(key, _)| key.as_ref())).into_iter().map(|(_, first, n)| (keys[first].1, n)).collect()
}

/// The key a quote's speaker is counted under (`None`: no speaker): its entity id, or for a
/// speaker without one, its name (after a NUL, so it cannot be taken for an id).
fn speaker_key(q: &Quote) -> Option<Cow<'_, str>> {
    match (q.speaker.as_deref(), q.speaker_id.as_deref()) {
        (None | Some(""), _) => None,
        (Some(_), Some(id)) if !id.is_empty() => Some(Cow::Borrowed(id)),
        (Some(name), _) => Some(Cow::Owned(format!("\0{name}"))),
    }
}

/// `(key, index of its first item, items)` for each distinct key of a document's items, in
/// key order: what a `BTreeMap` from key to (first item, count) would hold, from one sort of
/// a few dozen pairs (by [`sort_prefix`] first) instead of a tree per document.
fn groups<'k>(keys: impl Iterator<Item = &'k str>) -> Vec<(&'k str, usize, usize)> {
    let mut keyed: Vec<(u64, &str, usize)> = keys.enumerate().map(|(i, k)| (sort_prefix(k), k, i)).collect();
    keyed.sort_unstable();
    let mut groups: Vec<(&str, usize, usize)> = Vec::with_capacity(keyed.len());
    for (_, key, i) in keyed {
        match groups.last_mut() {
            Some((last, _, n)) if *last == key => *n += 1,
            _ => groups.push((key, i, 1)),
        }
    }
    groups
}

/// The first eight bytes of `s`, big-endian, zero-padded: ordering by it and then by `s`
/// is ordering by `s`, and most ids (`org:sber`, `per:…`) differ within it, so a sort
/// compares integers instead of calling `memcmp`.
/// (An id of eight bytes or more is read as one word, without the copy of a variable
/// length that costs a `memcpy` call.)
#[inline]
pub(crate) fn sort_prefix(s: &str) -> u64 {
    if let Some(&word) = s.as_bytes().first_chunk::<8>() {
        return u64::from_be_bytes(word);
    }
    let mut prefix = [0u8; 8];
    prefix[..s.len()].copy_from_slice(s.as_bytes());
    u64::from_be_bytes(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Sorting by (prefix, string) is sorting by string, NULs and short strings included.
        #[test]
        fn prefix_order_is_string_order(a in "[a\\x00\\x01:я]{0,10}", b in "[a\\x00\\x01:я]{0,10}") {
            proptest::prop_assert_eq!((sort_prefix(&a), &a).cmp(&(sort_prefix(&b), &b)), a.cmp(&b));
        }
    }

    proptest::proptest! {
        /// Counting keys by their `Arc`s (several `Arc`s of one text among them) counts as
        /// counting them by text.
        #[test]
        fn shared_keys_count_as_texts(bumps in proptest::collection::vec((0usize..6, 0usize..3, 1usize..4), 0..60)) {
            let arcs: Vec<Vec<Arc<str>>> =
                (0..6).map(|k| (0..3).map(|_| Arc::from(format!("id:{k}").as_str())).collect()).collect();
            let (mut shared, mut plain) = (Counter::default(), Counter::default());
            for &(k, copy, n) in &bumps {
                let kind = if k % 2 == 0 { "PER" } else { "ORG" };
                shared.bump_shared(&arcs[k][copy], "label", kind, n);
                plain.bump(&arcs[k][copy], "label", kind, n);
            }
            proptest::prop_assert_eq!(shared.top(10), plain.top(10));
            proptest::prop_assert_eq!(shared.distinct(), plain.distinct());
        }
    }

    /// More keys than [`RecentAddresses`] has places, met again in rounds: places taken by
    /// other keys fall back to the map, and the counts are those by text.
    #[test]
    fn shared_keys_count_as_texts_past_the_recent_places() {
        let keys: Vec<Arc<str>> = (0..3 << RECENT_BITS).map(|k| Arc::from(format!("id:{k}").as_str())).collect();
        let (mut shared, mut plain) = (Counter::default(), Counter::default());
        for round in 1..4 {
            for key in keys.iter().step_by(round) {
                shared.bump_shared(key, "label", "ORG", round);
                plain.bump(key, "label", "ORG", round);
            }
        }
        assert_eq!(shared.top(usize::MAX), plain.top(usize::MAX));
    }

    #[test]
    fn recent_addresses_keep_the_newest_of_a_place_until_cleared() {
        let mut recent = RecentAddresses::default();
        let (a, b) = (0x1000, 0x2000);
        let c = (1..).map(|k| a + 16 * k).find(|&c| RecentAddresses::place(c) == RecentAddresses::place(a)).unwrap();
        assert_eq!(recent.slot(a), None);
        recent.put(a, 1);
        recent.put(b, 2);
        assert_eq!((recent.slot(a), recent.slot(b), recent.slot(c)), (Some(1), Some(2), None));
        recent.put(c, 3);
        assert_eq!((recent.slot(a), recent.slot(c)), (None, Some(3)));
        recent.clear();
        assert_eq!((recent.slot(b), recent.slot(c)), (None, None));
    }

    #[test]
    fn shared_keys_are_found_after_pruning() {
        let mut c = Counter::default();
        let a: Arc<str> = Arc::from("per:a");
        c.bump_shared(&a, "А", "PER", 5);
        for i in 0..MAX_TRACKED + 10 {
            c.bump_shared(&Arc::from(format!("rare:{i}").as_str()), "r", "ORG", 1);
        }
        c.bump_shared(&a, "А", "PER", 1);
        c.bump("per:a", "А", "PER", 1);
        assert_eq!(c.dropped_below, 1);
        assert!(c.distinct() <= MAX_TRACKED);
        let top = c.top(1);
        assert_eq!((top[0].0, top[0].1.count, top[0].1.documents), ("per:a", 7, 3));
    }

    #[test]
    fn groups_are_in_key_order_with_first_index_and_count() {
        let keys = ["org:b", "per:a", "org:b", "org:", "org:\0", "per:a", "org:b"];
        let expected = [("org:", 3, 1), ("org:\0", 4, 1), ("org:b", 0, 3), ("per:a", 1, 2)];
        assert_eq!(groups(keys.into_iter()), expected);
    }

    #[test]
    fn counter_keeps_the_top_and_stays_bounded() {
        let mut c = Counter::default();
        c.bump("per:a", "А", "PER", 5);
        c.bump("per:b", "Б", "PER", 2);
        c.bump("per:a", "А", "PER", 1);
        for i in 0..MAX_TRACKED + 10 {
            c.bump(&format!("rare:{i}"), "r", "ORG", 1);
        }
        assert!(c.distinct() <= MAX_TRACKED);
        assert_eq!(c.dropped_below, 1);
        let top = c.top(2);
        assert_eq!(top[0].0, "per:a");
        assert_eq!((top[0].1.count, top[0].1.documents), (6, 2));
        assert_eq!(top[1].0, "per:b");
    }
}
