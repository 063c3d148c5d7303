//! The analysis of one document: fold the text once, then run the extractors in order —
//! entities (gazetteer, rules, coreference), quotes (which consult the entities for
//! speakers) and money (independent).

use std::time::Instant;

use crate::extract::{entities, money, quotes};
use crate::model::Extraction;
use crate::output::summary::StageTimes;
use crate::resources::Resources;
use crate::text::tokens::tokenize;
use crate::text::FoldedText;

/// Extracts every item of one document; spans are byte ranges of `text`, items sorted by
/// (start, end) within each kind.
pub fn analyze(text: &str, resources: &Resources, times: &mut StageTimes) -> Extraction {
    let mut clock = Instant::now();
    let mut lap = |slot: &mut f64| {
        let now = Instant::now();
        *slot += (now - clock).as_secs_f64();
        clock = now;
    };
    // The text's two views, shared by the extractors: folded, and cut into tokens.
    let folded = FoldedText::new(text);
    let tokens = tokenize(text);
    lap(&mut times.normalise);
    let found = resources.gazetteer.find(text, &folded);
    lap(&mut times.gazetteer);
    let mentions =
        entities::resolve_entities(text, &tokens, found, &resources.lexicon, &resources.roles, &resources.entity_rules);
    lap(&mut times.entity_rules);
    let quotes = quotes::extract_quotes_folded(text, &folded, &tokens, &mentions, &resources.roles, &resources.quotes);
    lap(&mut times.quotes);
    let money = money::extract_money(text, &resources.money);
    lap(&mut times.money);
    Extraction { mentions, quotes, money }
}
