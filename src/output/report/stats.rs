//! The report's corpus-wide counters: mentions per entity, quotes per speaker, money per
//! currency. Only counters are kept, never texts, and the entity and speaker tables are
//! bounded: past [`MAX_TRACKED`] names the rarest are dropped (and the report says so).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::decimal_sum::DecimalSum;
use crate::model::{Extraction, MoneyKind, Qualifier};

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
#[derive(Default)]
pub struct Counter {
    /// Fx-hashed: keys are entity ids from our own output, and SipHash cost more than the
    /// rest of the counting.
    items: FxHashMap<String, Tally>,
    /// Entries with at most this many were dropped to bound memory (0: nothing dropped).
    pub dropped_below: usize,
}

impl Counter {
    fn bump(&mut self, key: &str, label: &str, kind: &'static str, count: usize) {
        match self.items.get_mut(key) {
            Some(t) => {
                t.count += count;
                t.documents += 1;
            }
            None => {
                self.items.insert(key.to_string(), Tally { label: label.to_string(), kind, count, documents: 1 });
                if self.items.len() > MAX_TRACKED {
                    self.prune();
                }
            }
        }
    }

    /// Drops the rarest entries, leaving at most half the limit.
    fn prune(&mut self) {
        let mut counts: Vec<usize> = self.items.values().map(|t| t.count).collect();
        let drop = counts.len().saturating_sub(MAX_TRACKED / 2);
        if drop == 0 {
            return;
        }
        let (_, &mut floor, _) = counts.select_nth_unstable(drop - 1);
        self.dropped_below = self.dropped_below.max(floor);
        let floor = self.dropped_below;
        self.items.retain(|_, t| t.count > floor);
    }

    /// The `n` most frequent, ties by label then key, so the report is deterministic.
    pub fn top(&self, n: usize) -> Vec<(&str, &Tally)> {
        let mut all: Vec<(&str, &Tally)> = self.items.iter().map(|(k, t)| (k.as_str(), t)).collect();
        all.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.1.label.cmp(&b.1.label)).then(a.0.cmp(b.0)));
        all.truncate(n);
        all
    }

    pub fn distinct(&self) -> usize {
        self.items.len()
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
    pub fn add(&mut self, extraction: &Extraction) {
        let mut per_entity: BTreeMap<&str, (&str, &'static str, usize)> = BTreeMap::new();
        for m in &extraction.mentions {
            per_entity.entry(&m.entity_id).or_insert((&m.canonical, m.entity_type.as_str(), 0)).2 += 1;
        }
        for (id, (canonical, kind, n)) in per_entity {
            self.entities.bump(id, canonical, kind, n);
        }
        let mut per_speaker: BTreeMap<String, (&str, &'static str, usize)> = BTreeMap::new();
        for q in &extraction.quotes {
            self.quotes += 1;
            match q.speaker.as_deref() {
                None | Some("") => self.unattributed_quotes += 1,
                Some(name) => {
                    // Speakers without an entity id are told apart by name.
                    let key = q.speaker_id.clone().filter(|id| !id.is_empty()).unwrap_or_else(|| format!("\0{name}"));
                    per_speaker.entry(key).or_insert((name, q.speaker_type.map_or("", |t| t.as_str()), 0)).2 += 1;
                }
            }
        }
        for (key, (name, kind, n)) in per_speaker {
            self.speakers.bump(&key, name, kind, n);
        }
        for m in &extraction.money {
            if m.kind == MoneyKind::Rate {
                self.rates += 1;
                continue;
            }
            let total = self.money.entry(m.currency.clone()).or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

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
