//! The items gazetka extracts. Spans are byte ranges of the original text; the sinks turn
//! them into character offsets.

use std::sync::Arc;

use serde::Serialize;

use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EntityType {
    #[serde(rename = "PER")]
    Per,
    #[serde(rename = "ORG")]
    Org,
    #[serde(rename = "LOC")]
    Loc,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PER" => Some(EntityType::Per),
            "ORG" => Some(EntityType::Org),
            "LOC" => Some(EntityType::Loc),
            _ => None,
        }
    }
}

/// How a mention was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionSource {
    /// An alias from the dictionaries.
    Gazetteer,
    /// A recognition rule (name lexicon, legal form, head noun, …).
    Rule,
    /// A short form resolved to an entity named in full elsewhere in the document.
    Coref,
}

impl MentionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionSource::Gazetteer => "gazetteer",
            MentionSource::Rule => "rule",
            MentionSource::Coref => "coref",
        }
    }
}

/// One occurrence of a named entity in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub span: Span,
    pub entity_type: EntityType,
    /// The name to report, nominative (the dictionary's canonical for dictionary entities).
    /// Shared (`Arc`), as is the id: the mentions of one entity, in this document and the
    /// next, carry the same name, so a mention copies a pointer instead of the text, and
    /// dropping a document's mentions frees little.
    pub canonical: Arc<str>,
    /// Stable id: the dictionary id (`per:bagdat-musin`) or one made from the canonical name.
    pub entity_id: Arc<str>,
    pub source: MentionSource,
    /// Something the reader should know (e.g. an ambiguous alias and its other candidates).
    pub warning: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    /// The speaker is named at the cue.
    Named,
    /// A role noun (`министр`) resolved to the person the document established.
    Role,
    /// A pronoun (`он`, `по его словам`) resolved to the last fitting person.
    Pronoun,
    /// An organisation speaks (`сообщило Минцифры`, `говорится в ответе ведомства`).
    Org,
    /// No speaker found.
    None,
}

impl Attribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Named => "named",
            Attribution::Role => "role",
            Attribution::Pronoun => "pronoun",
            Attribution::Org => "org",
            Attribution::None => "none",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Indirect,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// Who said what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// From the first quoted word to the last, without the quotation marks.
    pub span: Span,
    /// The pieces of the quoted words when the author's words interrupt them
    /// (`«П, — сказал он, — п»`); a single piece otherwise.
    pub parts: Vec<Span>,
    /// Canonical name of the resolved speaker.
    pub speaker: Option<String>,
    pub speaker_type: Option<EntityType>,
    /// Entity id of the resolved speaker, when it is an entity of the document.
    pub speaker_id: Option<String>,
    /// The words in the text that carry the attribution (`министр`, `Багдат Мусин`, `он`).
    pub speaker_span: Option<Span>,
    /// The speech cue as written (`заявил`, `по словам`).
    pub cue: Option<String>,
    pub cue_span: Option<Span>,
    pub attribution: Attribution,
    pub kind: QuoteKind,
    pub warning: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    UpTo,
    About,
    Over,
    Under,
    Range,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::UpTo => "up_to",
            Qualifier::About => "about",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::Range => "range",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MoneyKind {
    /// A sum of money.
    Amount,
    /// An exchange rate (`USD443.85` in a widget), not a sum.
    Rate,
}

impl MoneyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MoneyKind::Amount => "amount",
            MoneyKind::Rate => "rate",
        }
    }
}

/// A money amount with its exact value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Money {
    /// The whole expression as written, qualifier and currency included.
    pub span: Span,
    /// Plain decimal string, computed exactly (`500000000`, `2134472.44`).
    pub amount: String,
    /// Upper bound of a range.
    pub amount_max: Option<String>,
    /// ISO 4217 code.
    pub currency: String,
    pub qualifier: Qualifier,
    pub kind: MoneyKind,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extraction {
    pub mentions: Vec<Mention>,
    pub quotes: Vec<Quote>,
    pub money: Vec<Money>,
}
