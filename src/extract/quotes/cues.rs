//! Speech cues found in a document: one leftmost-longest Aho-Corasick pass over the folded
//! text (case, `ё`, dashes and non-breaking spaces do not matter), whole words only, mapped
//! back to exact spans of the original.

use super::rules::{CueForm, QuoteRules};
use crate::text::{FoldedText, Span};

/// One speech cue in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CueHit {
    /// The cue as written in the original text.
    pub span: Span,
    /// Index into [`QuoteRules::cue_forms`].
    pub form: usize,
}

impl CueHit {
    pub fn form<'r>(&self, rules: &'r QuoteRules) -> &'r CueForm {
        &rules.cue_forms[self.form]
    }
}

/// Every cue of `text` (whose folded view is `folded`), sorted by start.
pub(crate) fn find_cues(text: &str, folded: &FoldedText, rules: &QuoteRules) -> Vec<CueHit> {
    let Some(ac) = &rules.cue_automaton else {
        return Vec::new();
    };
    let f = folded.as_str();
    let mut hits = Vec::new();
    for m in ac.find_iter(f) {
        let (s, e) = (m.start(), m.end());
        let before = f[..s].chars().next_back();
        let after = f[e..].chars().next();
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            continue;
        }
        let mut span = folded.to_original(s, e, text);
        if let Some(n) = rules.cue_forms[m.pattern().as_usize()].shown_words {
            span = shown_part(text, span, n);
        }
        if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) && span.start < span.end {
            hits.push(CueHit { span, form: m.pattern().as_usize() });
        }
    }
    hits
}

/// The first `n` words of `span` (`говорится` of `говорится в`).
fn shown_part(text: &str, span: Span, n: usize) -> Span {
    let words = crate::text::tokens::tokenize(span.slice(text));
    match words.get(n.max(1) - 1) {
        Some(w) => Span::new(span.start, span.start + w.span.end),
        None => span,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::{Diagnostics, DictDirs};

    fn rules() -> QuoteRules {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        QuoteRules::load(&dirs, &mut Diagnostics::default())
    }

    #[test]
    fn finds_whole_words_any_case_and_spacing() {
        let r = rules();
        let text = "Рассказал он. По\u{a0}словам министра, ЗАЯВИЛА она; пересказал; говорится в ответе";
        let hits = find_cues(text, &FoldedText::new(text), &r);
        let found: Vec<&str> = hits.iter().map(|h| h.span.slice(text)).collect();
        assert_eq!(found, ["Рассказал", "По\u{a0}словам", "ЗАЯВИЛА", "говорится"]);
        assert_eq!(hits[0].form(&r).lemma, "рассказать");
    }

    #[test]
    fn idiom_kak_govoritsya_is_not_a_cue() {
        let text = "всё будет отдано, как говорится, одной организации";
        assert!(find_cues(text, &FoldedText::new(text), &rules()).is_empty());
    }
}
