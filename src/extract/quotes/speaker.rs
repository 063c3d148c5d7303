//! Who said it: the subject of a speech cue, resolved to an entity of the document.
//!
//! Near the cue we look for a person or organisation mention, a role noun (`министр`,
//! `глава МЦРИАП`), an organisation noun (`ведомства`) or a pronoun (`он`, `по его словам`),
//! respecting what the cue form tells (neuter `сообщило` → an organisation; `заявила` → a
//! woman). Then:
//! - a role noun becomes the person the document established for it: a name right after the
//!   role phrase (`министр … Багдат Мусин`), the person an earlier role phrase or apposition
//!   introduced (`министр … Багдат Мусин` earlier, `БАГДАТ МУСИН, министр`), or else the most
//!   salient person named so far;
//! - an organisation noun becomes the most salient organisation whose name fits
//!   (`org_noun_fits.tsv`: `ведомство` → `Минцифры`, not `Сбер`);
//! - a pronoun becomes the last fitting person (or organisation for `оно`) before it,
//!   speakers already resolved included;
//! - two cues joined by `и`/`а` share the subject (`рассказал глава … и пояснил, что …`).

use super::context::{is_scan_stop, Doc};
use super::rules::{Construction, Gender, WordKind};
use crate::model::{Attribution, EntityType};
use crate::text::tokens::TokenKind;
use crate::text::Span;

/// Which cue an attribution hangs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CueKind {
    /// Index into [`Doc::cues`].
    Cue(usize),
    /// A verbless `X:` before the quote (interview headers, `Мусин: «…»`).
    Colon(Span),
}

/// Where to look for the subject first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// Author's words after a quote: `— заявил министр`, then `— Мусин заявил`.
    AfterThenBefore,
    /// A cue before its content: `Мусин заявил, что`, then `заявил министр, что`.
    BeforeThenAfter,
}

/// A request to attribute: the cue and the stretch of text the speaker must lie in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CueRef {
    pub cue: CueKind,
    pub region: (usize, usize),
    pub order: Order,
}

impl CueRef {
    pub fn span(&self, doc: &Doc) -> Span {
        match &self.cue {
            CueKind::Cue(i) => doc.cues[*i].span,
            CueKind::Colon(s) => *s,
        }
    }
}

/// A resolved speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Speaker {
    pub entity: Option<usize>,
    pub span: Option<Span>,
    pub attribution: Attribution,
}

impl Speaker {
    pub fn none() -> Speaker {
        Speaker { entity: None, span: None, attribution: Attribution::None }
    }
}

/// What a scan found near a cue.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Hit {
    /// A person or organisation mention.
    Mention(usize),
    /// A role noun naming a person; `span` covers a following organisation mention too
    /// (`глава МЦРИАП`).
    PersonRole {
        span: Span,
        lemma: String,
        /// The role may fall back to the document's most mentioned person.
        fallback: bool,
    },
    /// A noun naming an organisation by kind (`ведомства`).
    OrgRole {
        span: Span,
        lemma: String,
    },
    Pronoun {
        span: Span,
        gender: Gender,
    },
}

enum Scan {
    Hit(Hit),
    /// The cue follows a conjunction: its subject is the previous cue's.
    Coordinated,
    Nothing,
}

#[derive(Clone, Copy)]
struct ScanOpts {
    nominative: bool,
    gender: Gender,
    persons_only: bool,
    stop_at_comma: bool,
    max_words: usize,
    /// The cue being attributed (its own words do not stop the scan).
    own_cue: Span,
}

#[derive(Clone, Debug)]
struct Establishment {
    pos: usize,
    lemma: String,
    entity: usize,
}

/// Resolves speakers in document order, remembering who spoke for later pronouns.
pub(crate) struct Resolver<'d, 'a> {
    doc: &'d Doc<'a>,
    establishments: Option<Vec<Establishment>>,
    /// (position, entity) of every resolved speaker so far.
    speakers: Vec<(usize, usize)>,
    /// The speaker of each cue attributed so far, by cue index: empty until the first, then
    /// one slot per cue of the document (a cue index is dense, so no hashing).
    by_cue: Vec<Option<Speaker>>,
}

const MAX_SUBJECT_WORDS: usize = 8;
const MAX_ROLE_PHRASE_WORDS: usize = 12;
const MAX_COORDINATION_DEPTH: usize = 3;
/// How far a scan's token window reaches, in bytes (a dozen Russian words).
const WINDOW: usize = 240;

impl<'d, 'a> Resolver<'d, 'a> {
    pub fn new(doc: &'d Doc<'a>) -> Self {
        Resolver { doc, establishments: None, speakers: Vec::new(), by_cue: Vec::new() }
    }

    /// Attributes one request; remembers the speaker for pronouns and coordinated cues.
    pub fn attribute(&mut self, r: &CueRef) -> Speaker {
        let speaker = match &r.cue {
            CueKind::Colon(colon) => {
                let opts = ScanOpts {
                    nominative: false,
                    gender: Gender::Any,
                    persons_only: false,
                    stop_at_comma: false,
                    max_words: 30,
                    own_cue: *colon,
                };
                match self.scan_forward(r.region.0, r.region.1, opts) {
                    Some(hit) => self.resolve(hit, r.region.0, Gender::Any),
                    None => Speaker::none(),
                }
            }
            CueKind::Cue(ci) => self.attribute_cue(*ci, r.region, r.order, 0),
        };
        if let Some(e) = speaker.entity {
            let pos = speaker.span.map_or(r.region.0, |s| s.start);
            self.speakers.push((pos, e));
        }
        speaker
    }

    fn attribute_cue(&mut self, ci: usize, region: (usize, usize), order: Order, depth: usize) -> Speaker {
        if let Some(Some(s)) = self.by_cue.get(ci) {
            return s.clone();
        }
        let doc = self.doc;
        let hit = doc.cues[ci];
        let form = hit.form(doc.rules);
        let at = hit.span.start;
        let base = ScanOpts {
            nominative: true,
            gender: form.gender,
            persons_only: false,
            stop_at_comma: false,
            max_words: MAX_SUBJECT_WORDS,
            own_cue: hit.span,
        };
        let (rs, re) = (region.0.min(at), region.1.max(hit.span.end));
        let any_case = ScanOpts { nominative: false, ..base };
        let found = match form.construction {
            Construction::Intro => {
                self.scan_forward(hit.span.start, re, ScanOpts { stop_at_comma: true, ..any_case }).map(Scan::Hit)
            }
            Construction::Source => self.scan_forward(hit.span.end, re, any_case).map(Scan::Hit),
            Construction::Object => self
                .scan_forward(hit.span.end, re, ScanOpts { persons_only: true, ..any_case })
                .or_else(|| self.scan_forward(hit.span.end, re, any_case))
                .map(Scan::Hit),
            Construction::Subject => {
                let forward = |s: &Self| s.scan_forward(hit.span.end, re, base);
                match order {
                    Order::AfterThenBefore => match forward(self) {
                        Some(h) => Some(Scan::Hit(h)),
                        None => Some(self.scan_backward(rs, at, base)),
                    },
                    Order::BeforeThenAfter => match self.scan_backward(rs, at, base) {
                        Scan::Nothing => forward(self).map(Scan::Hit),
                        other => Some(other),
                    },
                }
            }
        };
        let speaker = match found {
            Some(Scan::Hit(h)) => self.resolve(h, at, form.gender),
            Some(Scan::Coordinated) if depth < MAX_COORDINATION_DEPTH => {
                let sentence = doc.sentence_start(at, 0);
                match ci.checked_sub(1).filter(|&p| doc.cues[p].span.start >= sentence) {
                    Some(prev) => self.attribute_cue(prev, (sentence, at), Order::BeforeThenAfter, depth + 1),
                    None => Speaker::none(),
                }
            }
            _ => Speaker::none(),
        };
        if self.by_cue.is_empty() {
            self.by_cue.resize(doc.cues.len(), None);
        }
        self.by_cue[ci] = Some(speaker.clone());
        speaker
    }

    fn agrees(&self, hit: &Hit, o: &ScanOpts) -> bool {
        let doc = self.doc;
        match hit {
            Hit::Mention(i) => {
                let e = doc.entity_of(*i);
                match e.entity_type {
                    EntityType::Per => match o.gender {
                        Gender::Neut | Gender::Plural => false,
                        Gender::Any => true,
                        g => {
                            let e_gender = e.gender(doc.rules);
                            e_gender == Gender::Any || e_gender == g
                        }
                    },
                    EntityType::Org => !o.persons_only,
                    EntityType::Loc => false,
                }
            }
            Hit::PersonRole { .. } => o.gender != Gender::Neut,
            Hit::OrgRole { .. } => !o.persons_only,
            Hit::Pronoun { gender, .. } => o.gender == Gender::Any || *gender == o.gender,
        }
    }

    /// The first speaker-like words in `[from, to)`.
    fn scan_forward(&self, from: usize, to: usize, o: ScanOpts) -> Option<Hit> {
        let doc = self.doc;
        let to = to.min(doc.sentence_end(from)).max(from);
        let tokens = doc.tokens_head(from, to, WINDOW);
        let mut words = 0;
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i];
            i += 1;
            if t.kind == TokenKind::Punct {
                let c = t.text(doc.text).chars().next().unwrap_or(' ');
                if is_scan_stop(c) || (o.stop_at_comma && c == ',') {
                    return None;
                }
                continue;
            }
            words += 1;
            if words > o.max_words {
                return None;
            }
            if let Some(mi) = doc.mention_containing(t.span.start) {
                let end = doc.mentions[mi].span.end;
                while i < tokens.len() && tokens[i].span.start < end {
                    i += 1;
                }
                let hit = Hit::Mention(mi);
                if doc.entity_of(mi).entity_type != EntityType::Loc && self.agrees(&hit, &o) {
                    return Some(hit);
                }
                continue;
            }
            if !o.own_cue.contains(&t.span) && doc.cue_starting_at(t.span.start).is_some() {
                return None;
            }
            if doc.word_kind(&t) == Some(WordKind::Complementizer) {
                return None;
            }
            if let Some(hit) = self.word_hit(&t, tokens.get(i), &o) {
                return Some(hit);
            }
        }
        None
    }

    /// The nearest speaker-like words before `to`, back to `from`.
    fn scan_backward(&self, from: usize, to: usize, o: ScanOpts) -> Scan {
        let doc = self.doc;
        let tokens = doc.tokens_tail(from, to, WINDOW);
        let mut words = 0;
        let mut i = tokens.len();
        while i > 0 {
            i -= 1;
            let t = tokens[i];
            if t.kind == TokenKind::Punct {
                let c = t.text(doc.text).chars().next().unwrap_or(' ');
                if is_scan_stop(c) {
                    return Scan::Nothing;
                }
                continue;
            }
            words += 1;
            if words > o.max_words {
                return Scan::Nothing;
            }
            if let Some(mi) = doc.mention_containing(t.span.start) {
                let m = &doc.mentions[mi];
                while i > 0 && tokens[i - 1].span.end > m.span.start {
                    i -= 1;
                }
                let e = doc.entity_of(mi);
                if e.entity_type == EntityType::Loc {
                    continue;
                }
                // `глава МЦРИАП заявил`: a person's role qualified by the organisation.
                if e.entity_type == EntityType::Org && i > 0 {
                    let prev = tokens[i - 1];
                    if let Some(role) = doc.role(&prev).filter(|r| r.refers_to == EntityType::Per) {
                        if doc.role_is_nominative(&prev, role) {
                            let hit = Hit::PersonRole {
                                span: Span::new(prev.span.start, m.span.end),
                                lemma: role.role.clone(),
                                fallback: role.salient_fallback,
                            };
                            if self.agrees(&hit, &o) {
                                return Scan::Hit(hit);
                            }
                        }
                    }
                }
                let hit = Hit::Mention(mi);
                if self.agrees(&hit, &o) {
                    return Scan::Hit(hit);
                }
                continue;
            }
            if doc.cue_starting_at(t.span.start).is_some() && !o.own_cue.contains(&t.span) {
                return Scan::Nothing;
            }
            match doc.word_kind(&t) {
                Some(WordKind::Complementizer) => return Scan::Nothing,
                Some(WordKind::Conjunction) if words <= 3 => return Scan::Coordinated,
                _ => {}
            }
            if let Some(hit) = self.word_hit(&t, tokens.get(i + 1), &o) {
                return Scan::Hit(hit);
            }
        }
        Scan::Nothing
    }

    /// A role noun or pronoun at token `t` (`next` is the token after it).
    fn word_hit(
        &self,
        t: &crate::text::tokens::Token,
        next: Option<&crate::text::tokens::Token>,
        o: &ScanOpts,
    ) -> Option<Hit> {
        let doc = self.doc;
        if let Some(role) = doc.role(t) {
            if o.nominative && !doc.role_is_nominative(t, role) {
                return None;
            }
            let hit = match role.refers_to {
                EntityType::Per => {
                    let mut span = t.span;
                    if let Some(n) = next {
                        if let Some(mi) = doc.mention_starting_at(n.span.start) {
                            if doc.entity_of(mi).entity_type == EntityType::Org {
                                span = Span::new(t.span.start, doc.mentions[mi].span.end);
                            }
                        }
                    }
                    Hit::PersonRole { span, lemma: role.role.clone(), fallback: role.salient_fallback }
                }
                _ => {
                    // `пресс-служба Минцифры`: the organisation named right after the noun.
                    if let Some(mi) = next.and_then(|n| doc.mention_starting_at(n.span.start)) {
                        if doc.entity_of(mi).entity_type == EntityType::Org && !o.persons_only {
                            return Some(Hit::Mention(mi));
                        }
                    }
                    Hit::OrgRole { span: t.span, lemma: role.role.clone() }
                }
            };
            return self.agrees(&hit, o).then_some(hit);
        }
        if let Some(p) = doc.pronoun(t) {
            if o.nominative && !p.nominative {
                return None;
            }
            let hit = Hit::Pronoun { span: t.span, gender: p.gender };
            return self.agrees(&hit, o).then_some(hit);
        }
        None
    }

    fn resolve(&mut self, hit: Hit, at: usize, cue_gender: Gender) -> Speaker {
        let doc = self.doc;
        match hit {
            Hit::Mention(mi) => {
                let e = doc.entity_of(mi);
                let attribution = if e.entity_type == EntityType::Per { Attribution::Named } else { Attribution::Org };
                Speaker { entity: Some(doc.entity_index(mi)), span: Some(doc.mentions[mi].span), attribution }
            }
            Hit::PersonRole { span, lemma, fallback } => {
                if let Some(mi) = self.person_in_role_phrase(span.end).or_else(|| self.person_before_role(span.start)) {
                    return Speaker {
                        entity: Some(doc.entity_index(mi)),
                        span: Some(doc.mentions[mi].span),
                        attribution: Attribution::Named,
                    };
                }
                let entity =
                    self.established(&lemma, at).or_else(|| if fallback { self.salient_person(at) } else { None });
                Speaker { entity, span: Some(span), attribution: Attribution::Role }
            }
            Hit::OrgRole { span, lemma } => {
                Speaker { entity: self.fitting_org(&lemma, at), span: Some(span), attribution: Attribution::Org }
            }
            Hit::Pronoun { span, gender } => {
                let g = if gender == Gender::Any { cue_gender } else { gender };
                Speaker {
                    entity: self.pronoun_referent(g, span.start),
                    span: Some(span),
                    attribution: Attribution::Pronoun,
                }
            }
        }
    }

    /// A person named right after a role phrase: `министр цифрового развития, … Багдат Мусин`.
    fn person_in_role_phrase(&self, from: usize) -> Option<usize> {
        let doc = self.doc;
        let to = doc.sentence_end(from);
        let tokens = doc.tokens_head(from, to, WINDOW);
        let mut words = 0;
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i];
            i += 1;
            if t.kind == TokenKind::Punct {
                if is_scan_stop(t.text(doc.text).chars().next().unwrap_or(' ')) {
                    return None;
                }
                continue;
            }
            words += 1;
            if words > MAX_ROLE_PHRASE_WORDS {
                return None;
            }
            if let Some(mi) = doc.mention_containing(t.span.start) {
                if doc.entity_of(mi).entity_type == EntityType::Per {
                    return Some(mi);
                }
                let end = doc.mentions[mi].span.end;
                while i < tokens.len() && tokens[i].span.start < end {
                    i += 1;
                }
                continue;
            }
            if doc.cue_starting_at(t.span.start).is_some()
                || doc.word_kind(&t).is_some() && doc.word_kind(&t) != Some(WordKind::Conjunction)
            {
                return None;
            }
        }
        None
    }

    /// A person named right before a role in apposition: `Багдат Мусин, министр …`.
    fn person_before_role(&self, role_start: usize) -> Option<usize> {
        let doc = self.doc;
        let from = role_start.saturating_sub(200);
        let from = (from..role_start).find(|&b| doc.text.is_char_boundary(b)).unwrap_or(role_start);
        let tokens = doc.tokens(from, role_start);
        let n = tokens.len();
        if n >= 2 && tokens[n - 1].text(doc.text) == "," {
            let mi = doc.mention_containing(tokens[n - 2].span.start)?;
            return (doc.entity_of(mi).entity_type == EntityType::Per).then_some(mi);
        }
        None
    }

    fn establishments(&mut self) -> &[Establishment] {
        if self.establishments.is_none() {
            self.establishments = Some(self.find_establishments());
        }
        self.establishments.as_deref().unwrap_or_default()
    }

    /// Role phrases that introduce a person: `министр … Багдат Мусин`, `БАГДАТ МУСИН, министр`.
    fn find_establishments(&self) -> Vec<Establishment> {
        let doc = self.doc;
        let mut out = Vec::new();
        let mut floor = 0usize;
        for (mi, m) in doc.mentions.iter().enumerate() {
            if doc.entity_of(mi).entity_type != EntityType::Per {
                continue;
            }
            let entity = doc.entity_index(mi);
            let start = doc.sentence_start(m.span.start, floor.min(m.span.start));
            let tokens = doc.tokens_tail(start, m.span.start, WINDOW);
            let mut words = 0;
            for t in tokens.iter().rev() {
                if t.kind == TokenKind::Punct {
                    if is_scan_stop(t.text(doc.text).chars().next().unwrap_or(' ')) {
                        break;
                    }
                    continue;
                }
                words += 1;
                if words > MAX_ROLE_PHRASE_WORDS {
                    break;
                }
                if let Some(other) = doc.mention_containing(t.span.start) {
                    if doc.entity_of(other).entity_type == EntityType::Per {
                        break;
                    }
                    continue;
                }
                if doc.cue_starting_at(t.span.start).is_some() || doc.word_kind(t) == Some(WordKind::Complementizer) {
                    break;
                }
                if let Some(role) = doc.role(t).filter(|r| r.refers_to == EntityType::Per) {
                    out.push(Establishment { pos: m.span.start, lemma: role.role.clone(), entity });
                    break;
                }
            }
            // Apposition: `БАГДАТ МУСИН, министр …`
            let after_end = doc.line_end_within(m.span.end, m.span.end.saturating_add(120));
            let after = doc.tokens(m.span.end, after_end);
            if after.first().is_some_and(|t| t.text(doc.text) == ",") {
                if let Some(role) =
                    after.iter().skip(1).take(2).find_map(|t| doc.role(t)).filter(|r| r.refers_to == EntityType::Per)
                {
                    out.push(Establishment { pos: m.span.start, lemma: role.role.clone(), entity });
                }
            }
            floor = m.span.end;
        }
        out
    }

    /// The person established for `lemma` last before `at` (a role phrase later in the text
    /// may introduce someone else: `глава Кабмина Аскар Мамин` after `— рассказал глава МЦРИАП`).
    fn established(&mut self, lemma: &str, at: usize) -> Option<usize> {
        self.establishments().iter().rev().find(|e| e.lemma == lemma && e.pos < at).map(|e| e.entity)
    }

    /// The most mentioned person among those named before `at` (else in the whole document).
    fn salient_person(&self, at: usize) -> Option<usize> {
        self.salient(at, |e| e.entity_type == EntityType::Per)
    }

    fn salient(&self, at: usize, fits: impl Fn(&super::context::Entity) -> bool) -> Option<usize> {
        let doc = self.doc;
        let best = |before: bool| {
            doc.entities()
                .iter()
                .enumerate()
                // The position first: `fits` may fold a name.
                .filter(|(_, e)| (!before || e.first < at) && fits(e))
                .max_by_key(|(_, e)| (e.count, std::cmp::Reverse(e.first)))
                .map(|(i, _)| i)
        };
        best(true).or_else(|| best(false))
    }

    /// The most salient organisation whose name fits the organisation noun `lemma`.
    fn fitting_org(&self, lemma: &str, at: usize) -> Option<usize> {
        let doc = self.doc;
        let fits = doc.rules.org_fits.get(&crate::text::fold_str(lemma));
        self.salient(at, |e| {
            e.entity_type == EntityType::Org
                && fits.is_none_or(|f| {
                    let name = crate::text::fold_str(e.canonical);
                    f.iter().any(|p| p.matches(&name))
                })
        })
    }

    /// The last person (or organisation, for a neuter pronoun) that fits before `at`.
    fn pronoun_referent(&self, gender: Gender, at: usize) -> Option<usize> {
        let doc = self.doc;
        let want = if gender == Gender::Neut { EntityType::Org } else { EntityType::Per };
        if gender == Gender::Plural {
            return None;
        }
        let fits = |e: usize| {
            let ent = &doc.entities()[e];
            ent.entity_type == want
                && (want == EntityType::Org
                    || gender == Gender::Any
                    || [Gender::Any, gender].contains(&ent.gender(doc.rules)))
        };
        let end = doc.mentions.partition_point(|m| m.span.start < at);
        let from_mentions = (end.saturating_sub(50)..end)
            .rev()
            .find(|&mi| fits(doc.entity_index(mi)))
            .map(|mi| (doc.mentions[mi].span.start, doc.entity_index(mi)));
        let from_speakers = self.speakers.iter().rev().take(20).find(|&&(pos, e)| pos < at && fits(e)).copied();
        match (from_mentions, from_speakers) {
            (Some(a), Some(b)) => Some(if b.0 > a.0 { b.1 } else { a.1 }),
            (a, b) => a.or(b).map(|x| x.1),
        }
    }
}
