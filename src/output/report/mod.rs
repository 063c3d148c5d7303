//! `report.html`: one self-contained page to look at a run — a summary (documents, skipped,
//! top entities, top speakers, money by currency) and each document's text with entities,
//! quotes (and their speakers) and money highlighted, details on hover.
//!
//! The file is written in one pass as documents arrive, so memory holds one document and
//! the counters, never the corpus. The summary is only known at the end: it is written
//! last and shown first (the page is a flex column and the summary has `order: -1`), so no
//! second pass or second file is needed. To keep a 1 GB run from producing a 3 GB page, only
//! the first documents are highlighted (see [`ReportLimits`]); later ones are listed by id
//! with their counts, then only counted, and the page says so. No scripts, no network: the
//! CSS is inline and every piece of corpus text is escaped ([`html`]).

mod decimal_sum;
mod html;
mod marks;
mod stats;

use std::fmt::Write as _;
use std::io::{self, Write};

pub use decimal_sum::DecimalSum;
use html::{escape, escape_into, group_digits};
use marks::Mark;
pub(crate) use stats::sort_prefix;
use stats::ReportStats;

use crate::model::{Attribution, Extraction};
use crate::output::{ProcessedDocument, Summary};

const STYLE: &str = include_str!("style.css");

/// How much of a corpus the page shows in full.
#[derive(Clone, Copy, Debug)]
pub struct ReportLimits {
    /// Documents highlighted at most.
    pub highlighted_documents: usize,
    /// Text bytes highlighted at most, over all documents.
    pub highlighted_bytes: usize,
    /// Text bytes of one document highlighted at most (the rest is cut, and the page says so).
    pub document_bytes: usize,
    /// Documents listed by id (after the highlighted ones) at most; the rest are only counted.
    pub listed_documents: usize,
}

impl Default for ReportLimits {
    /// About 10 MB of HTML at most, whatever the corpus size.
    fn default() -> ReportLimits {
        ReportLimits {
            highlighted_documents: 200,
            highlighted_bytes: 4 << 20,
            document_bytes: 256 << 10,
            listed_documents: 5_000,
        }
    }
}

/// A document's part of the report made ahead on a worker thread (see
/// [`ReportLimits::prepare`]), so the serial writer does less.
pub struct PreparedReport {
    /// The highlighted section, if the document may be highlighted, and the bytes of the
    /// text it shows.
    section: Option<(usize, String)>,
    /// The quotes' speakers, grouped (see [`stats::speaker_groups`]).
    speaker_groups: Vec<(usize, usize)>,
}

impl ReportLimits {
    /// What the writer needs of `doc` (of `chars` characters) besides its entity groups.
    ///
    /// Its section is made if it may be highlighted: the first
    /// [`ReportLimits::highlighted_documents`] documents are, and a document is at least
    /// as far in the input (`seq`) as among the processed ones. Made as if the run's byte
    /// budget were not spent yet; the writer uses it only when it would show as much.
    pub fn prepare(&self, doc: &ProcessedDocument, chars: usize) -> PreparedReport {
        let speaker_groups = stats::speaker_groups(&doc.extraction.quotes);
        if doc.seq >= self.highlighted_documents || self.highlighted_bytes == 0 {
            return PreparedReport { section: None, speaker_groups };
        }
        let shown = floor_char_boundary(&doc.text, self.highlighted_bytes.min(self.document_bytes));
        // About the size of a section (the text, its escapes and each mark's title), so the
        // string is allocated once instead of growing by doubling.
        let x = &doc.extraction;
        let marks = x.mentions.len() + 3 * x.quotes.len() + x.money.len();
        let mut html = String::with_capacity(shown + shown / 4 + 256 * marks + 512);
        document_section(doc, chars, shown, &mut html);
        PreparedReport { section: Some((shown, html)), speaker_groups }
    }
}

/// Writes `report.html` document by document; [`ReportWriter::finish`] adds the summary.
pub struct ReportWriter<W: Write> {
    out: W,
    limits: ReportLimits,
    stats: ReportStats,
    highlighted: usize,
    highlighted_bytes: usize,
    /// Highlighted documents whose text was cut.
    cut: usize,
    listed: usize,
    unlisted: usize,
    buf: String,
}

impl<W: Write> ReportWriter<W> {
    /// Writes the page head.
    ///
    /// # Errors
    /// When writing fails.
    pub fn new(mut out: W, limits: ReportLimits) -> io::Result<ReportWriter<W>> {
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>gazetka report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<div class=\"page\">\n\
             <header><h1>gazetka report</h1><p>Entities, quotes and money found in the corpus. \
             Hover over a highlight for details. <a href=\"#summary\">Summary</a> · \
             <a href=\"#documents\">Documents</a></p></header>\n\
             <section id=\"documents\">\n<h2>Documents</h2>"
        )?;
        Ok(ReportWriter {
            out,
            limits,
            stats: ReportStats::default(),
            highlighted: 0,
            highlighted_bytes: 0,
            cut: 0,
            listed: 0,
            unlisted: 0,
            buf: String::new(),
        })
    }

    /// Counts the document and writes its highlighted text, or its line in the list of
    /// documents beyond the limits.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_document(&mut self, doc: &ProcessedDocument) -> io::Result<()> {
        let groups = crate::output::rows::entity_groups(&doc.extraction.mentions);
        let chars = crate::text::count_chars(doc.text.as_bytes());
        self.write_grouped(doc, chars, &groups, None)
    }

    /// [`ReportWriter::write_document`] with the entities already grouped by
    /// [`crate::output::rows::entity_groups`] and the characters of the text (`chars`)
    /// already counted, both on a worker thread: this one is serial. So is the rest of
    /// `prepared` (by [`ReportLimits::prepare`]), if the worker made it.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_grouped(
        &mut self,
        doc: &ProcessedDocument,
        chars: usize,
        entity_groups: &[(usize, usize)],
        prepared: Option<&PreparedReport>,
    ) -> io::Result<()> {
        match prepared {
            Some(p) => self.stats.add(&doc.extraction, entity_groups, &p.speaker_groups),
            None => self.stats.add(&doc.extraction, entity_groups, &stats::speaker_groups(&doc.extraction.quotes)),
        }
        let budget = self.limits.highlighted_bytes.saturating_sub(self.highlighted_bytes);
        self.buf.clear();
        if self.highlighted < self.limits.highlighted_documents && budget > 0 {
            let shown = floor_char_boundary(&doc.text, budget.min(self.limits.document_bytes));
            self.highlighted += 1;
            self.highlighted_bytes += shown.max(1);
            if shown < doc.text.len() {
                self.cut += 1;
            }
            match prepared.and_then(|p| p.section.as_ref()) {
                Some((made_shown, html)) if *made_shown == shown => return self.out.write_all(html.as_bytes()),
                _ => document_section(doc, chars, shown, &mut self.buf),
            }
        } else if self.listed < self.limits.listed_documents {
            if self.listed == 0 {
                self.buf.push_str(
                    "<h2 id=\"more\">More documents</h2>\n<div class=\"panel\"><table>\n\
                     <tr><th>document</th><th>characters</th><th>mentions</th><th>quotes</th>\
                     <th>no speaker</th><th>money</th></tr>\n",
                );
            }
            self.listed += 1;
            document_row(doc, chars, &mut self.buf);
        } else {
            self.unlisted += 1;
        }
        self.out.write_all(self.buf.as_bytes())
    }

    pub fn limits(&self) -> ReportLimits {
        self.limits
    }

    /// Writes the summary (shown at the top) and closes the page; returns the writer, not
    /// yet flushed.
    ///
    /// # Errors
    /// When writing fails.
    pub fn finish(mut self, summary: &Summary) -> io::Result<W> {
        let mut s = String::new();
        if self.listed > 0 {
            s.push_str("</table>");
            if self.unlisted > 0 {
                let _ = write!(
                    s,
                    "<p class=\"fine\">… and {} more documents, not listed here: see documents.jsonl and the CSV files.</p>",
                    self.unlisted
                );
            }
            s.push_str("</div>\n");
        } else if self.highlighted == 0 {
            s.push_str("<p class=\"empty\">No document was processed.</p>\n");
        }
        s.push_str("</section>\n");
        self.summary_section(summary, &mut s);
        s.push_str("</div>\n</body>\n</html>\n");
        self.out.write_all(s.as_bytes())?;
        Ok(self.out)
    }

    fn summary_section(&self, summary: &Summary, s: &mut String) {
        let st = &self.stats;
        let i = &summary.items;
        s.push_str("<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">");
        let skipped = summary.skipped.len();
        for (value, label) in [
            (summary.documents, "documents found".to_string()),
            (summary.processed, "processed".to_string()),
            (skipped, "skipped".to_string()),
            (i.mentions, format!("mentions of {} entities", st.entities.distinct())),
            (i.quotes, format!("quotes, {} without speaker", st.unattributed_quotes)),
            (i.money, format!("money amounts, {} rates", i.rates)),
        ] {
            let _ = write!(s, "<div class=\"card\"><b>{value}</b><span>{}</span></div>", escape(&label));
        }
        s.push_str("</div>\n");
        legend(s);
        self.scope(summary, s);
        s.push_str("<div class=\"grid\">\n");
        self.top_entities(s);
        self.top_speakers(s);
        self.money_totals(s);
        s.push_str("</div>\n");
        skipped_table(summary, s);
        if !summary.dictionary_problems.is_empty() {
            let _ = writeln!(
                s,
                "<p class=\"note\">{} dictionary problem(s): see summary.json or run <code>gazetka dict check</code>.</p>",
                summary.dictionary_problems.len()
            );
        }
        s.push_str("</section>\n");
    }

    /// Which documents the page shows in full.
    fn scope(&self, summary: &Summary, s: &mut String) {
        s.push_str("<p class=\"scope\">");
        if self.listed == 0 {
            let _ = write!(s, "All {} processed documents are shown below with their highlights", self.highlighted);
        } else {
            let _ = write!(
                s,
                "To keep this page small, the first {} documents are shown with their highlights; \
                 <a href=\"#more\">the next {}</a> are listed by id with their counts",
                self.highlighted, self.listed
            );
            if self.unlisted > 0 {
                let _ = write!(s, ", and {} more are only counted", self.unlisted);
            }
        }
        if self.cut > 0 {
            let _ = write!(s, " ({} long document(s) cut short)", self.cut);
        }
        let _ = writeln!(
            s,
            ". The summary counts all {} processed documents; the CSV files hold every item.</p>",
            summary.processed
        );
    }

    fn top_entities(&self, s: &mut String) {
        s.push_str("<div class=\"panel\"><h3>Top entities by mentions</h3>");
        let top = self.stats.entities.top(20);
        if top.is_empty() {
            s.push_str("<p class=\"empty\">No entities.</p>");
        } else {
            s.push_str("<table><tr><th>entity</th><th>mentions</th><th title=\"documents\">docs</th></tr>");
            for (id, t) in top {
                let _ = write!(
                    s,
                    "<tr><td><span class=\"pill {}\">{}</span> {} <span class=\"id\">{}</span></td>\
                     <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    t.kind.to_ascii_lowercase(),
                    t.kind,
                    escape(&t.label),
                    escape(id),
                    t.count,
                    t.documents
                );
            }
            s.push_str("</table>");
            let _ = write!(s, "<p class=\"fine\">{} distinct entities.", self.stats.entities.distinct());
            if self.stats.entities.dropped_below > 0 {
                let _ = write!(
                    s,
                    " Counts are approximate: to bound memory, entities with at most {} mentions were dropped when \
                     the table grew too large.",
                    self.stats.entities.dropped_below
                );
            }
            s.push_str("</p>");
        }
        s.push_str("</div>\n");
    }

    fn top_speakers(&self, s: &mut String) {
        s.push_str("<div class=\"panel\"><h3>Top speakers by quotes</h3>");
        let top = self.stats.speakers.top(20);
        if top.is_empty() {
            s.push_str("<p class=\"empty\">No attributed quotes.</p>");
        } else {
            s.push_str("<table><tr><th>speaker</th><th>quotes</th><th title=\"documents\">docs</th></tr>");
            for (key, t) in top {
                let pill = if t.kind.is_empty() {
                    String::new()
                } else {
                    format!("<span class=\"pill {}\">{}</span> ", t.kind.to_ascii_lowercase(), t.kind)
                };
                let id = if key.starts_with('\0') { "" } else { key };
                let _ = write!(
                    s,
                    "<tr><td>{pill}{} <span class=\"id\">{}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    escape(&t.label),
                    escape(id),
                    t.count,
                    t.documents
                );
            }
            s.push_str("</table>");
        }
        let _ = writeln!(
            s,
            "<p class=\"fine\">{} quotes in all; <b>{}</b> without a speaker (outlined in red below).</p></div>",
            self.stats.quotes, self.stats.unattributed_quotes
        );
    }

    fn money_totals(&self, s: &mut String) {
        s.push_str("<div class=\"panel\"><h3>Money by currency</h3>");
        if self.stats.money.is_empty() {
            s.push_str("<p class=\"empty\">No money amounts.</p>");
        } else {
            s.push_str("<table><tr><th>currency</th><th>amounts</th><th>total</th><th>not exact</th></tr>");
            for (currency, t) in &self.stats.money {
                let total = t.total.to_string();
                let _ = write!(
                    s,
                    "<tr><td><b>{}</b></td><td class=\"n\">{}</td><td class=\"n\" title=\"{}\">{}</td><td class=\"n\">{}</td></tr>",
                    escape(currency),
                    t.amounts,
                    escape(&total),
                    group_digits(&total),
                    t.inexact
                );
            }
            s.push_str("</table>");
            let unreadable: usize = self.stats.money.values().map(|t| t.unreadable).sum();
            if unreadable > 0 {
                let _ = write!(
                    s,
                    "<p class=\"note\">{unreadable} amount(s) were not plain decimals and are not in the totals.</p>"
                );
            }
        }
        let _ = writeln!(
            s,
            "<p class=\"fine\">Totals add the <code>amount</code> column of money.csv exactly (no rounding); a \
             range counts with its lower bound, “about”, “up to” and “over” with the number written. Exchange \
             rates ({}) are not added.</p></div>",
            self.stats.rates
        );
    }
}

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

fn legend(s: &mut String) {
    s.push_str(
        "<div class=\"legend\"><b>Legend</b>\
         <span class=\"e per\">person</span><span class=\"e org\">organisation</span>\
         <span class=\"e loc\">location</span><span class=\"q\">quote<span class=\"badge\" data-label=\"speaker\"></span></span>\
         <span class=\"q nosp\">quote without speaker<span class=\"badge\" data-label=\"no speaker\"></span></span>\
         <span class=\"spk\">speaker words</span><span class=\"cue\">speech cue</span>\
         <span class=\"money\">money</span><span class=\"money rate\">exchange rate</span></div>\n",
    );
}

fn skipped_table(summary: &Summary, s: &mut String) {
    const SHOWN: usize = 100;
    if summary.skipped.is_empty() {
        s.push_str("<p class=\"fine\">No document was skipped.</p>\n");
        return;
    }
    let _ = write!(
        s,
        "<div class=\"panel\" style=\"margin-top:14px\"><h3>Skipped documents ({})</h3><table><tr><th>document</th><th>reason</th></tr>",
        summary.skipped.len()
    );
    for k in summary.skipped.iter().take(SHOWN) {
        let _ = write!(s, "<tr><td class=\"id\">{}</td><td>{}</td></tr>", escape(&k.id), escape(&k.reason));
    }
    s.push_str("</table>");
    if summary.skipped.len() > SHOWN {
        let _ = write!(s, "<p class=\"fine\">… and {} more: see summary.json.</p>", summary.skipped.len() - SHOWN);
    }
    s.push_str("</div>\n");
}

fn unattributed(extraction: &Extraction) -> usize {
    extraction.quotes.iter().filter(|q| q.speaker.as_deref().unwrap_or("").is_empty()).count()
}

/// One document of `chars` characters, highlighted, its text cut at byte `shown`.
fn document_section(doc: &ProcessedDocument, chars: usize, shown: usize, s: &mut String) {
    let x = &doc.extraction;
    let _ = write!(s, "<section class=\"doc\" id=\"d{}\"><h3><a href=\"#d{}\">", doc.seq, doc.seq);
    escape_into(s, &doc.id);
    let _ = writeln!(
        s,
        "</a></h3>\n<p class=\"meta\">{chars} characters · {} · {} mentions · {} quotes ({} without speaker) · {} money</p>",
        escape(doc.encoding),
        x.mentions.len(),
        x.quotes.len(),
        unattributed(x),
        x.money.len()
    );
    for note in &doc.notes {
        s.push_str("<p class=\"note\">");
        escape_into(s, note);
        s.push_str("</p>\n");
    }
    s.push_str("<div class=\"text\">");
    let text = doc.text.get(..shown).unwrap_or("");
    let mut marks = document_marks(&doc.text, x);
    for m in &mut marks {
        m.end = m.end.min(shown);
    }
    marks::render(text, marks, s);
    s.push_str("</div>\n");
    if shown < doc.text.len() {
        let shown_chars = text.chars().count();
        let _ = writeln!(
            s,
            "<p class=\"cut\">Only the first {shown_chars} of {chars} characters are shown; the CSV files hold every item.</p>"
        );
    }
    s.push_str("</section>\n");
}

/// One line of the list of documents beyond the highlight limits (`chars`: characters of the text).
fn document_row(doc: &ProcessedDocument, chars: usize, s: &mut String) {
    let x = &doc.extraction;
    s.push_str("<tr><td class=\"id\">");
    escape_into(s, &doc.id);
    // Pushed, not formatted: one row per listed document, on the serial writer thread.
    for n in [chars, x.mentions.len(), x.quotes.len(), unattributed(x), x.money.len()] {
        s.push_str("</td><td class=\"n\">");
        s.push_str(itoa::Buffer::new().format(n));
    }
    s.push_str("</td></tr>\n");
}

/// Every highlight of a document: quotes (by their parts) enclose speaker and cue words,
/// which enclose mentions, which enclose money.
///
/// The titles are pushed piece by piece, not formatted: `format!` cost a few hundred
/// instructions a call, several per item of every highlighted document (the tests compare
/// them with the formatted ones).
fn document_marks(text: &str, x: &Extraction) -> Vec<Mark> {
    let mut marks = Vec::with_capacity(x.mentions.len() + x.quotes.len() * 3 + x.money.len());
    for (n, q) in x.quotes.iter().enumerate() {
        let id = ["q", itoa::Buffer::new().format(n + 1)].concat();
        let speaker = q.speaker.as_deref().filter(|s| !s.is_empty());
        let mut title = String::with_capacity(128);
        push_all(&mut title, &["Quote ", &id, " (", q.kind.as_str(), ")\n"]);
        match speaker {
            Some(name) => {
                push_all(&mut title, &["speaker: ", name]);
                if let Some(t) = q.speaker_type {
                    push_all(&mut title, &[" (", t.as_str(), ")"]);
                }
                if let Some(sid) = q.speaker_id.as_deref().filter(|s| !s.is_empty()) {
                    push_all(&mut title, &["\nspeaker id: ", sid]);
                }
            }
            None => title.push_str("speaker: NOT FOUND"),
        }
        // Words that point at a speaker nobody was resolved to (`министр`, `он`).
        let unresolved = match (speaker, q.speaker_span) {
            (None, Some(sp)) => text.get(sp.start..sp.end).filter(|w| !w.is_empty()),
            _ => None,
        };
        if let Some(words) = unresolved {
            push_all(&mut title, &[" (not resolved: ", words, ")"]);
        }
        if q.attribution != Attribution::None {
            push_all(&mut title, &["\nattribution: ", q.attribution.as_str()]);
        }
        if let Some(cue) = &q.cue {
            push_all(&mut title, &["\ncue: ", cue]);
        }
        if let Some(w) = &q.warning {
            push_all(&mut title, &["\nwarning: ", w]);
        }
        let class = if speaker.is_some() { "q" } else { "q nosp" };
        let parts = if q.parts.is_empty() { std::slice::from_ref(&q.span) } else { &q.parts[..] };
        for (k, p) in parts.iter().enumerate() {
            let last = k + 1 == parts.len();
            let badge = last.then(|| match (speaker, unresolved) {
                (Some(name), _) => name.to_string(),
                (None, Some(words)) => [words, "?"].concat(),
                (None, None) => "no speaker".to_string(),
            });
            marks.push(Mark { start: p.start, end: p.end, rank: 0, class, title: title.clone(), badge });
        }
        if let Some(sp) = q.speaker_span {
            let title = ["Speaker of ", &id, ": ", speaker.unwrap_or("not resolved")].concat();
            marks.push(Mark { start: sp.start, end: sp.end, rank: 1, class: "spk", title, badge: None });
        }
        if let Some(cs) = q.cue_span {
            let title = ["Speech cue of ", &id, ": ", q.cue.as_deref().unwrap_or("")].concat();
            marks.push(Mark { start: cs.start, end: cs.end, rank: 2, class: "cue", title, badge: None });
        }
    }
    for m in &x.mentions {
        let class = match m.entity_type {
            crate::model::EntityType::Per => "e per",
            crate::model::EntityType::Org => "e org",
            crate::model::EntityType::Loc => "e loc",
        };
        let mut title = String::with_capacity(64 + m.canonical.len() + m.entity_id.len());
        push_all(
            &mut title,
            &[
                m.entity_type.as_str(),
                " ",
                &m.canonical,
                "\nentity id: ",
                &m.entity_id,
                "\nsource: ",
                m.source.as_str(),
            ],
        );
        if let Some(w) = &m.warning {
            push_all(&mut title, &["\nwarning: ", w]);
        }
        marks.push(Mark { start: m.span.start, end: m.span.end, rank: 3, class, title, badge: None });
    }
    for m in &x.money {
        let mut title = String::with_capacity(64 + m.amount.len());
        title.push_str(&m.amount);
        if let Some(max) = &m.amount_max {
            push_all(&mut title, &[" – ", max]);
        }
        push_all(&mut title, &[" ", &m.currency, "\nqualifier: ", m.qualifier.as_str(), "\nkind: ", m.kind.as_str()]);
        let class = if m.kind == crate::model::MoneyKind::Rate { "money rate" } else { "money" };
        marks.push(Mark { start: m.span.start, end: m.span.end, rank: 4, class, title, badge: None });
    }
    marks
}

/// Appends each of `pieces` to `s`.
#[inline]
fn push_all(s: &mut String, pieces: &[&str]) {
    for piece in pieces {
        s.push_str(piece);
    }
}

#[cfg(test)]
mod tests;
