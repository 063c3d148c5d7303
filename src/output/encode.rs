//! Each row type written as a CSV record and as a JSON object, and a document as its
//! `documents.jsonl` line, with the writers of [`super::escape`].
//!
//! A row's CSV record and JSON object hold the same fields in the same order (the CSV
//! header names are the JSON keys), so both are written in one pass by a [`RowWriter`]:
//! each value is formatted, and scanned for characters to escape, once. The field order of
//! each writer is the field order of its row struct (the CSV header and the serde form); the
//! tests check both against the serde/csv-crate output.

use super::decimal::Digits;
use super::escape::{
    clean_in_both, json_fields, json_list, json_str, json_str_clean, CleanStr, Code, CsvRecord, JsonValue, Raw,
};
use super::rows::{DocumentRows, MentionRow, MoneyRow, PartRow, QuoteId, QuoteRow};
use super::{CsvStyle, EncodedDocument, ProcessedDocument};
use std::ops::Range;

/// The document id, which starts every row, formatted once per document: as a CSV cell in
/// the run's style and as a JSON string.
struct DocId {
    csv: Vec<u8>,
    json: Vec<u8>,
    /// `{"doc_id":…,"start":`, the JSON start of every mention row.
    json_to_start: Vec<u8>,
}

impl DocId {
    fn new(id: &str, style: CsvStyle) -> DocId {
        let mut csv = Vec::new();
        CsvRecord::new(&mut csv, style).text(id);
        let mut json = Vec::new();
        json_str(&mut json, id);
        let json_to_start = [&b"{\"doc_id\":"[..], &json, b",\"start\":"].concat();
        DocId { csv, json, json_to_start }
    }
}

/// Texts up to this many bytes are first checked for needing nothing in either format
/// ([`clean_in_both`], which stops at the first special byte); longer ones mostly hold a
/// delimiter, so they go straight to the scan that tells what each format needs.
const SHORT_TEXT: usize = 48;

/// One row being written as a JSON object and, when `csv` is given, as a CSV record.
///
/// Stream mode has no CSV files: it passes `None` and gets the same JSON.
struct RowWriter<'o> {
    json: &'o mut Vec<u8>,
    csv: Option<CsvRecord<'o>>,
}

impl RowWriter<'_> {
    /// Writes `"key":` (with `{` before the first key and `,` before the others; `key` is a
    /// fixed ASCII name, see [`row!`]).
    fn key(&mut self, key: &'static str) {
        self.json.extend_from_slice(key.as_bytes());
    }

    fn id(&mut self, id: &DocId) {
        self.json.extend_from_slice(&id.json);
        if let Some(csv) = &mut self.csv {
            csv.raw(&id.csv);
        }
    }

    /// `{"doc_id":…,"start":` (the first key with the id and the second key) in one copy.
    fn id_to_start(&mut self, id: &DocId) {
        self.json.extend_from_slice(&id.json_to_start);
        if let Some(csv) = &mut self.csv {
            csv.raw(&id.csv);
        }
    }

    fn uint(&mut self, n: usize) {
        let digits = Digits::new(n);
        digits.write(self.json);
        if let Some(csv) = &mut self.csv {
            csv.digits(&digits);
        }
    }

    /// A number, or `null` in JSON and an empty cell in CSV.
    fn opt_uint(&mut self, n: Option<usize>) {
        match n {
            Some(n) => self.uint(n),
            None => {
                self.json.extend_from_slice(b"null");
                if let Some(csv) = &mut self.csv {
                    csv.raw(b"");
                }
            }
        }
    }

    /// A fixed code of gazetka's own (see [`Code`]).
    fn code(&mut self, code: &'static str) {
        Code(code).write_json(self.json);
        if let Some(csv) = &mut self.csv {
            csv.code(code);
        }
    }

    /// A text: a CSV text cell (see [`CsvRecord::text`]) and a JSON string. Most short texts
    /// need no escaping, quoting nor formula guard in either format; one scan tells, and then
    /// the bytes are copied to both as they are (the others are written by
    /// [`CsvRecord::text_and_json`], which also copies a clean text as it is). Returns
    /// whether the JSON string needed no escape.
    fn text(&mut self, s: &str) -> bool {
        match &mut self.csv {
            // Most optional texts (warning, cue, speaker id) are absent.
            Some(csv) if s.is_empty() => {
                csv.raw(b"");
                self.json.extend_from_slice(b"\"\"");
                true
            }
            // A long text (a quote) mostly holds a delimiter: one scan for both formats.
            Some(csv) if s.len() <= SHORT_TEXT && clean_in_both(s, csv.style()) => {
                csv.raw(s.as_bytes());
                self.json.push(b'"');
                self.json.extend_from_slice(s.as_bytes());
                self.json.push(b'"');
                true
            }
            Some(csv) => csv.text_and_json(s, self.json),
            None => json_str_clean(self.json, s),
        }
    }

    /// [`RowWriter::text`], noting in `clean` whether the JSON string needed no escape.
    fn text_noting_clean(&mut self, (s, clean): (&str, &mut bool)) {
        *clean = self.text(s);
    }

    /// [`RowWriter::text`], and where it wrote the text: the JSON string and the CSV cell, so
    /// the entity row can copy it without a scan.
    fn text_at(&mut self, s: &str) -> WrittenText {
        let json_start = self.json.len();
        // The cell starts after the delimiter that `text` writes first (every field but the
        // first of a record, and `canonical` and `entity_id` never are).
        let csv_start = self.csv.as_ref().map_or(0, |csv| csv.written() + 1);
        self.text(s);
        let csv_end = self.csv.as_ref().map_or(0, CsvRecord::written);
        WrittenText { json: json_start..self.json.len(), csv: csv_start..csv_end }
    }

    /// How much was written so far to the JSON and CSV buffers (the CSV 0 when there is none).
    fn position(&self) -> (usize, usize) {
        (self.json.len(), self.csv.as_ref().map_or(0, CsvRecord::written))
    }

    /// The rest of a row written before to the same buffers (from one field on, to the end
    /// of the row: see [`RowWriter::position`]), copied; it ends this row.
    fn copy_rest(&mut self, json: &Range<usize>, csv: &Range<usize>) {
        self.json.extend_from_within(json.clone());
        if let Some(record) = &mut self.csv {
            record.copy_rest(csv.clone());
        }
    }

    /// A string written as it is in CSV (quoted only if it must be), as a string in JSON.
    fn plain(&mut self, s: &str) {
        json_str(self.json, s);
        if let Some(csv) = &mut self.csv {
            csv.plain(s);
        }
    }

    /// A decimal number: a CSV number cell (see [`CsvRecord::number`]), a JSON string.
    fn number(&mut self, s: &str) {
        json_str(self.json, s);
        if let Some(csv) = &mut self.csv {
            csv.number(s);
        }
    }

    /// A quote's id, `q` and a number: never needs escaping nor quoting.
    fn quote_id(&mut self, id: QuoteId) {
        let digits = Digits::new(id.0);
        self.json.extend_from_slice(b"\"q");
        digits.write(self.json);
        self.json.push(b'"');
        if let Some(csv) = &mut self.csv {
            csv.raw(b"q");
            digits.write(csv.out());
        }
    }

    /// A value of the JSON object only.
    fn json_only(&mut self, value: impl JsonValue) {
        value.write_json(self.json);
    }

    /// Closes the JSON object and ends the CSV record.
    fn finish(&mut self) {
        self.json.push(b'}');
        if let Some(csv) = &mut self.csv {
            csv.end();
        }
    }
}

/// Where [`RowWriter::text_at`] wrote a text in the JSON and CSV buffers.
struct WrittenText {
    json: Range<usize>,
    csv: Range<usize>,
}

/// Writes one row with a [`RowWriter`]: `"key" => method(value)` pairs, in the field order
/// of the row (the JSON keys with their punctuation are literals).
macro_rules! row {
    ($writer:expr, $first:literal => $method:ident($value:expr) $(, $key:literal => $more:ident($rest:expr))* $(,)?) => {{
        let writer: &mut RowWriter<'_> = $writer;
        writer.key(concat!("{\"", $first, "\":"));
        writer.$method($value);
        $(
            writer.key(concat!(",\"", $key, "\":"));
            writer.$more($rest);
        )*
        writer.finish();
    }};
}

/// The output of one document being written: the JSON line and, unless in stream mode, the
/// CSV files.
struct Outputs<'o> {
    json: &'o mut Vec<u8>,
    csv: Option<(&'o mut EncodedCsv, CsvStyle)>,
}

/// The CSV buffers of [`EncodedDocument`], split from its JSON line.
struct EncodedCsv {
    mentions: Vec<u8>,
    entities: Vec<u8>,
    quotes: Vec<u8>,
    money: Vec<u8>,
}

impl Outputs<'_> {
    /// A writer for one row, to the CSV buffer `file` picks.
    fn row(&mut self, file: fn(&mut EncodedCsv) -> &mut Vec<u8>) -> RowWriter<'_> {
        let csv = self.csv.as_mut().map(|(csv, style)| CsvRecord::new(file(csv), *style));
        RowWriter { json: self.json, csv }
    }
}

impl QuoteRow<'_> {
    /// The quote's fields followed, in JSON only, by its `parts` (the serde form flattens
    /// the row).
    fn write(&self, parts: &[PartRow<'_>], out: &mut RowWriter<'_>, id: &DocId) {
        let mut text_is_clean = false;
        row!(out,
            "doc_id" => id(id),
            "quote_id" => quote_id(self.quote_id),
            "start" => uint(self.start),
            "end" => uint(self.end),
            "text" => text_noting_clean((self.text, &mut text_is_clean)),
            "speaker" => text(self.speaker),
            "speaker_type" => code(self.speaker_type),
            "speaker_start" => opt_uint(self.speaker_start),
            "speaker_end" => opt_uint(self.speaker_end),
            "cue" => text(self.cue),
            "attribution" => code(self.attribution),
            "kind" => code(self.kind),
            "speaker_id" => text(self.speaker_id),
            "cue_start" => opt_uint(self.cue_start),
            "cue_end" => opt_uint(self.cue_end),
            "warning" => text(self.warning),
            "parts" => json_only(PartsJson { parts, clean_text: text_is_clean.then_some(self.text) }),
        );
    }
}

/// A quote's parts as a JSON list. Their texts mostly lie inside the quote's text: when
/// that needed no JSON escape, neither does any piece of it, so those are copied unscanned.
struct PartsJson<'p> {
    parts: &'p [PartRow<'p>],
    /// The quote's text, if it needed no escape.
    clean_text: Option<&'p str>,
}

impl JsonValue for PartsJson<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let within_clean = |text: &str| self.clean_text.is_some_and(|outer| lies_within(text, outer));
        json_list(self.parts, |out, part: &PartRow<'_>| {
            if within_clean(part.text) {
                super::escape::json_object!(out, "start" => part.start, "end" => part.end, "text" => CleanStr(part.text));
            } else {
                PartRow::write_json(out, part);
            }
        })
        .write_json(out);
    }
}

/// Whether `inner` is a piece of the string `outer` (the same bytes in memory).
fn lies_within(inner: &str, outer: &str) -> bool {
    let (inner_start, outer_start) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    inner_start >= outer_start && inner_start + inner.len() <= outer_start + outer.len()
}

impl PartRow<'_> {
    fn write_json(out: &mut Vec<u8>, part: &PartRow<'_>) {
        super::escape::json_object!(out, "start" => part.start, "end" => part.end, "text" => part.text);
    }
}

impl MoneyRow<'_> {
    fn write(&self, out: &mut RowWriter<'_>, id: &DocId) {
        row!(out,
            "doc_id" => id(id),
            "start" => uint(self.start),
            "end" => uint(self.end),
            "text" => text(self.text),
            "amount" => number(self.amount),
            "amount_max" => number(self.amount_max),
            "currency" => plain(self.currency),
            "qualifier" => code(self.qualifier),
            "kind" => code(self.kind),
        );
    }
}

impl ProcessedDocument {
    /// This document's JSON line alone (stream mode; the form of [`super::DocumentJson`]),
    /// in a buffer allocated once.
    pub fn json_line(&self) -> Vec<u8> {
        let (groups, members) = super::rows::entity_groups_and_members(&self.extraction.mentions);
        let rows = DocumentRows::with_groups(&self.id, &self.text, &self.extraction, &groups);
        let id = DocId::new(&self.id, CsvStyle::default());
        let entities = Entities { groups: &groups, members: &members };
        let mut line = Vec::with_capacity(RowSizes::new(&rows, &id).json);
        self.write_rows(&rows, &entities, Outputs { json: &mut line, csv: None }, &id);
        line
    }

    /// Appends this document as one JSON line, and its rows to the CSV buffers if given.
    fn write_rows(&self, rows: &DocumentRows<'_>, entities: &Entities<'_>, mut out: Outputs<'_>, id: &DocId) {
        let json = &mut *out.json;
        json.push(b'{');
        json_fields!(&mut *json,
            "id" => Raw(&id.json),
            "seq" => self.seq,
            "encoding" => self.encoding,
            "length" => rows.length,
        );
        if !self.notes.is_empty() {
            json_fields!(&mut *json, more "notes" => json_list(&self.notes, |out, note| json_str(out, note)));
        }
        if let Some(metadata) = &self.metadata {
            // Free-form values (floats, nesting): serde_json writes them as it always did.
            json.extend_from_slice(b",\"metadata\":");
            serde_json::to_writer(&mut *json, metadata).expect("in-memory JSON");
        }
        let tails = out.mentions(&rows.mentions, entities, id);
        out.entities(&rows.mentions, entities, &tails, id);
        out.list(b",\"quotes\":[", &rows.quotes, |m| &mut m.quotes, |(q, parts), w| q.write(parts, w, id));
        out.list(b",\"money\":[", &rows.money, |m| &mut m.money, |m, w| m.write(w, id));
        out.json.extend_from_slice(b"}\n");
    }
}

impl Outputs<'_> {
    /// A JSON list of rows after `opening` (`,"name":[`), each row also a CSV record of `file`.
    fn list<T>(
        &mut self,
        opening: &[u8],
        rows: &[T],
        file: fn(&mut EncodedCsv) -> &mut Vec<u8>,
        write: impl Fn(&T, &mut RowWriter<'_>),
    ) {
        self.json.extend_from_slice(opening);
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                self.json.push(b',');
            }
            write(row, &mut self.row(file));
        }
        self.json.push(b']');
    }
}

/// The entities of a document: its mentions grouped by id, by
/// [`super::rows::entity_groups_and_members`].
struct Entities<'g> {
    /// `(first mention, mentions)` per entity.
    groups: &'g [(usize, usize)],
    /// The entity (its index in `groups`) of each mention.
    members: &'g [u32],
}

/// Where the first mention row of an entity wrote the fields that the entity's other rows
/// repeat, in the document's JSON line and `mentions.csv` buffer. A document's mentions of
/// one entity mostly share their type, canonical form, source and warning, so most mention
/// rows are the document id, two numbers, their text and a copy of the first row's end; the
/// entity row copies the id and canonical form. Each is scanned and escaped once a document.
struct EntityTail {
    /// The mention whose row it is.
    first: usize,
    /// `,"type":…,"warning":…}` in the JSON line.
    json: Range<usize>,
    /// `,TYPE,…,warning\n` in `mentions.csv`.
    csv: Range<usize>,
    canonical: WrittenText,
    entity_id: WrittenText,
}

impl MentionRow<'_> {
    /// The row's own fields, up to its text (opening the JSON object).
    fn write_head(&self, out: &mut RowWriter<'_>, id: &DocId) {
        out.id_to_start(id);
        out.uint(self.start);
        out.key(",\"end\":");
        out.uint(self.end);
        out.key(",\"text\":");
        out.text(self.text);
    }

    /// The fields from `type` on, which the mentions of one entity mostly share (closing
    /// the row); where the canonical form and the entity id were written.
    fn write_tail(&self, out: &mut RowWriter<'_>) -> (WrittenText, WrittenText) {
        out.key(",\"type\":");
        out.code(self.entity_type);
        out.key(",\"canonical\":");
        let canonical = out.text_at(self.canonical);
        out.key(",\"entity_id\":");
        let entity_id = out.text_at(self.entity_id);
        out.key(",\"source\":");
        out.code(self.source);
        out.key(",\"warning\":");
        out.text(self.warning);
        out.finish();
        (canonical, entity_id)
    }

    /// Whether this row ends as `other`'s does (a mention of the same entity).
    fn same_tail(&self, other: &MentionRow<'_>) -> bool {
        self.entity_type == other.entity_type
            && self.source == other.source
            && self.canonical == other.canonical
            && self.warning == other.warning
    }
}

impl Outputs<'_> {
    /// The `mentions` list and `mentions.csv` rows (as [`MentionRow::write_head`] and [`MentionRow::write_tail`] write them), the
    /// end of each entity's later rows copied from its first; where each entity's first row
    /// wrote it (per entity).
    fn mentions(
        &mut self,
        mentions: &[MentionRow<'_>],
        entities: &Entities<'_>,
        id: &DocId,
    ) -> Vec<Option<EntityTail>> {
        let mut tails: Vec<Option<EntityTail>> = (0..entities.groups.len()).map(|_| None).collect();
        self.json.extend_from_slice(b",\"mentions\":[");
        for (i, m) in mentions.iter().enumerate() {
            if i > 0 {
                self.json.push(b',');
            }
            let tail = &mut tails[entities.members[i] as usize];
            let mut row = self.row(|csv| &mut csv.mentions);
            m.write_head(&mut row, id);
            match tail {
                // The entity's first mention (the groups start at their first).
                None => {
                    let (json_start, csv_start) = row.position();
                    let (canonical, entity_id) = m.write_tail(&mut row);
                    let (json_end, csv_end) = row.position();
                    *tail = Some(EntityTail {
                        first: i,
                        json: json_start..json_end,
                        csv: csv_start..csv_end,
                        canonical,
                        entity_id,
                    });
                }
                Some(tail) if m.same_tail(&mentions[tail.first]) => row.copy_rest(&tail.json, &tail.csv),
                Some(_) => {
                    m.write_tail(&mut row);
                }
            }
        }
        self.json.push(b']');
        tails
    }

    /// The `entities` list and `entities.csv` rows, in first-mention order (the form of
    /// [`super::rows::EntityRow`]), their id and canonical form copied from their first
    /// mention's row.
    fn entities(
        &mut self,
        mentions: &[MentionRow<'_>],
        entities: &Entities<'_>,
        tails: &[Option<EntityTail>],
        id: &DocId,
    ) {
        self.json.extend_from_slice(b",\"entities\":[");
        let mut written = 0;
        for (i, m) in mentions.iter().enumerate() {
            let group = entities.members[i] as usize;
            let Some(tail) = tails[group].as_ref().filter(|tail| tail.first == i) else { continue };
            if written > 0 {
                self.json.push(b',');
            }
            written += 1;
            let count = Digits::new(entities.groups[group].1);
            let json = &mut *self.json;
            json.extend_from_slice(b"{\"doc_id\":");
            json.extend_from_slice(&id.json);
            json.extend_from_slice(b",\"entity_id\":");
            json.extend_from_within(tail.entity_id.json.clone());
            json.extend_from_slice(b",\"type\":");
            Code(m.entity_type).write_json(json);
            json.extend_from_slice(b",\"canonical\":");
            json.extend_from_within(tail.canonical.json.clone());
            json.extend_from_slice(b",\"mentions\":");
            count.write(json);
            json.push(b'}');
            if let Some((csv, style)) = &mut self.csv {
                let EncodedCsv { mentions: rows, entities: out, .. } = &mut **csv;
                let delimiter = style.delimiter();
                out.extend_from_slice(&id.csv);
                out.push(delimiter);
                out.extend_from_slice(&rows[tail.entity_id.csv.clone()]);
                out.push(delimiter);
                out.extend_from_slice(m.entity_type.as_bytes());
                out.push(delimiter);
                out.extend_from_slice(&rows[tail.canonical.csv.clone()]);
                out.push(delimiter);
                count.write(out);
                out.push(b'\n');
            }
        }
        self.json.push(b']');
    }
}

impl EncodedDocument {
    /// Formats every row of `doc` as CSV (in `style`) and its JSON line.
    pub fn new(doc: &ProcessedDocument, style: CsvStyle) -> EncodedDocument {
        let (groups, members) = super::rows::entity_groups_and_members(&doc.extraction.mentions);
        EncodedDocument::with_groups(doc, style, &groups, &members)
    }

    /// [`EncodedDocument::new`] with the entities already grouped by
    /// [`super::rows::entity_groups_and_members`] (the worker groups them once, for the rows
    /// and the counters).
    pub fn with_groups(
        doc: &ProcessedDocument,
        style: CsvStyle,
        groups: &[(usize, usize)],
        members: &[u32],
    ) -> EncodedDocument {
        let rows = DocumentRows::with_groups(&doc.id, &doc.text, &doc.extraction, groups);
        let id = DocId::new(&doc.id, style);
        let entities = Entities { groups, members };
        let sizes = RowSizes::new(&rows, &id);
        let mut csv = EncodedCsv {
            mentions: Vec::with_capacity(sizes.mentions),
            entities: Vec::with_capacity(sizes.entities),
            quotes: Vec::with_capacity(sizes.quotes),
            money: Vec::with_capacity(sizes.money),
        };
        let mut json = Vec::with_capacity(sizes.json);
        doc.write_rows(&rows, &entities, Outputs { json: &mut json, csv: Some((&mut csv, style)) }, &id);
        let EncodedCsv { mentions, entities, quotes, money } = csv;
        EncodedDocument { mentions, entities, quotes, money, json }
    }
}

/// About how many bytes each output of a document takes, so every buffer is allocated once
/// instead of growing by doubling (which copied each byte about twice more). Quoting and
/// escaping can make a buffer grow once more; the output does not depend on these numbers.
struct RowSizes {
    mentions: usize,
    entities: usize,
    quotes: usize,
    money: usize,
    json: usize,
}

impl RowSizes {
    fn new(rows: &DocumentRows<'_>, id: &DocId) -> RowSizes {
        // Per row: the id, the strings, and room for numbers, codes and punctuation.
        let per_row = |strings: usize, fixed: usize| id.json.len() + strings + fixed;
        let mentions = rows
            .mentions
            .iter()
            .map(|m| per_row(m.text.len() + m.canonical.len() + m.entity_id.len() + m.warning.len(), 48))
            .sum::<usize>();
        let entities = rows.entities.iter().map(|e| per_row(e.entity_id.len() + e.canonical.len(), 24)).sum::<usize>();
        let mut parts = 0;
        let quotes = rows
            .quotes
            .iter()
            .map(|(q, p)| {
                parts += p.iter().map(|p| p.text.len() + 40).sum::<usize>();
                let strings = q.text.len() + q.speaker.len() + q.cue.len() + q.speaker_id.len() + q.warning.len();
                per_row(strings, 96)
            })
            .sum::<usize>();
        let money = rows
            .money
            .iter()
            .map(|m| per_row(m.text.len() + m.amount.len() + m.amount_max.len() + m.currency.len(), 64))
            .sum::<usize>();
        // JSON adds the field names to each row.
        let names = 96 * rows.mentions.len() + 56 * rows.entities.len() + 200 * rows.quotes.len();
        let json = 256 + mentions + entities + quotes + parts + money + names + 112 * rows.money.len();
        RowSizes { mentions, entities, quotes, money, json }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::output::{DocumentJson, QuoteJson};
    use crate::text::Span;

    /// The serde form of the document line, as it was written before the hand-written one.
    fn serde_line(doc: &ProcessedDocument) -> Vec<u8> {
        let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
        let json = DocumentJson {
            id: &doc.id,
            seq: doc.seq,
            encoding: doc.encoding,
            length: doc.text.chars().count(),
            notes: &doc.notes,
            metadata: doc.metadata.as_ref(),
            mentions: &rows.mentions,
            entities: &rows.entities,
            quotes: rows.quotes.iter().map(|(quote, parts)| QuoteJson { quote, parts }).collect(),
            money: &rows.money,
        };
        let mut line = serde_json::to_vec(&json).unwrap();
        line.push(b'\n');
        line
    }

    /// The CSV files of the document as the csv crate wrote them, fed with serde rows.
    fn csv_crate(doc: &ProcessedDocument, style: CsvStyle) -> [Vec<u8>; 4] {
        let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
        let writer =
            || csv::WriterBuilder::new().has_headers(false).delimiter(style.delimiter()).from_writer(Vec::new());
        let (t, n) = (|s: &str| style.text_cell(s).into_owned(), |s: &str| style.number_cell(s).into_owned());
        let opt = |n: Option<usize>| n.map_or(String::new(), |n| n.to_string());
        let mut files = [writer(), writer(), writer(), writer()];
        for m in &rows.mentions {
            let (start, end) = (m.start.to_string(), m.end.to_string());
            let record = [t(m.doc_id), start, end, t(m.text), m.entity_type.into(), t(m.canonical)];
            let rest = [t(m.entity_id), m.source.into(), t(m.warning)];
            files[0].write_record(record.iter().chain(&rest)).unwrap();
        }
        for e in &rows.entities {
            let record = [t(e.doc_id), t(e.entity_id), e.entity_type.into(), t(e.canonical), e.mentions.to_string()];
            files[1].write_record(&record).unwrap();
        }
        for (q, _) in &rows.quotes {
            let record = [
                t(q.doc_id),
                q.quote_id.to_string(),
                q.start.to_string(),
                q.end.to_string(),
                t(q.text),
                t(q.speaker),
                q.speaker_type.into(),
                opt(q.speaker_start),
                opt(q.speaker_end),
                t(q.cue),
                q.attribution.into(),
                q.kind.into(),
                t(q.speaker_id),
                opt(q.cue_start),
                opt(q.cue_end),
                t(q.warning),
            ];
            files[2].write_record(&record).unwrap();
        }
        for m in &rows.money {
            let record = [
                t(m.doc_id),
                m.start.to_string(),
                m.end.to_string(),
                t(m.text),
                n(m.amount),
                n(m.amount_max),
                m.currency.into(),
                m.qualifier.into(),
                m.kind.into(),
            ];
            files[3].write_record(&record).unwrap();
        }
        files.map(|w| w.into_inner().unwrap())
    }

    fn span_of(text: &str, piece: &str) -> Span {
        let start = text.find(piece).expect(piece);
        Span::new(start, start + piece.len())
    }

    /// A document whose strings exercise every escaping rule of both formats.
    fn tricky_document(id: &str, with_extras: bool) -> ProcessedDocument {
        let text = "=Сбер, «Газпром»; \"ВТБ\"\r\n🏗️ Мусин\tсказал: «Мы — за», — 2,5 млрд ₽ (-1) @x\u{1}";
        let mention = |piece: &str, canonical: &str, id: &str, warning: Option<&str>| Mention {
            span: span_of(text, piece),
            entity_type: EntityType::Org,
            canonical: canonical.to_string(),
            entity_id: id.to_string(),
            source: MentionSource::Rule,
            warning: warning.map(str::to_string),
        };
        let mentions = vec![
            mention("=Сбер", "=Сбер", "org:=сбер", None),
            mention("Газпром", "Газпром", "org:газпром", Some("a \"warning\", with\nnewline")),
            mention("\"ВТБ\"\r\n", "ВТБ; банк", "org:втб\\x", None),
            mention("Мусин", "Мусин\u{1f}", "per:мусин", Some("-minus")),
            mention("Газпром", "Газпром", "org:газпром", None),
            // Rows whose end is copied from their entity's first mention (escaped once).
            mention("Мусин", "Мусин\u{1f}", "per:мусин", Some("-minus")),
            mention("=Сбер", "=Сбер", "org:=сбер", None),
        ];
        let quote = Quote {
            span: span_of(text, "«Мы — за»"),
            // A part outside the quote, which needs escapes where the quote needs none.
            parts: vec![span_of(text, "Мы"), span_of(text, "за"), span_of(text, "\"ВТБ\"")],
            speaker: Some("Мусин, \"Иван\"".to_string()),
            speaker_type: Some(EntityType::Per),
            speaker_id: Some("+per:мусин".to_string()),
            speaker_span: Some(span_of(text, "Мусин")),
            cue: Some("сказал".to_string()),
            cue_span: Some(span_of(text, "сказал")),
            attribution: Attribution::Named,
            kind: QuoteKind::Direct,
            warning: None,
        };
        let without_speaker = |span: Span, parts: Vec<Span>, kind: QuoteKind, warning: Option<&str>| Quote {
            span,
            parts,
            speaker: None,
            speaker_type: None,
            speaker_id: None,
            speaker_span: None,
            cue: None,
            cue_span: None,
            attribution: Attribution::None,
            kind,
            warning: warning.map(str::to_string),
        };
        let bare = without_speaker(span_of(text, "(-1)"), Vec::new(), QuoteKind::Indirect, Some("@no speaker"));
        let escaped = without_speaker(
            span_of(text, "\"ВТБ\"\r\n"),
            vec![span_of(text, "ВТБ"), span_of(text, "\r\n"), span_of(text, "Мы")],
            QuoteKind::Direct,
            None,
        );
        let money = Money {
            span: span_of(text, "2,5 млрд ₽"),
            amount: "2500000000.5".to_string(),
            amount_max: Some("-3.25".to_string()),
            currency: "RUB,\"x\"".to_string(),
            qualifier: Qualifier::Range,
            kind: MoneyKind::Amount,
        };
        let metadata = serde_json::json!({"title": "Заголовок \"x\"\n", "score": 0.1, "tags": ["a", 1, null], "z": {}});
        ProcessedDocument {
            id: id.to_string(),
            seq: 7,
            text: text.to_string(),
            encoding: "UTF-8",
            notes: if with_extras { vec!["note \"one\"".to_string(), "\u{7f}two/".to_string()] } else { Vec::new() },
            metadata: with_extras.then(|| metadata.as_object().unwrap().clone()),
            extraction: Extraction { mentions, quotes: vec![quote, bare, escaped], money: vec![money] },
        }
    }

    #[test]
    fn json_lines_match_the_serde_form() {
        for id in ["doc-1", "=id, \"quoted\"\n", ""] {
            for extras in [false, true] {
                let doc = tricky_document(id, extras);
                let line = doc.json_line();
                assert_eq!(String::from_utf8(line).unwrap(), String::from_utf8(serde_line(&doc)).unwrap());
            }
        }
    }

    #[test]
    fn csv_rows_match_the_csv_crate() {
        for id in ["doc-1", "=id, \"quoted\"\n", "-5;x"] {
            for excel in [false, true] {
                let style = CsvStyle { excel };
                let doc = tricky_document(id, true);
                let encoded = EncodedDocument::new(&doc, style);
                let expected = csv_crate(&doc, style);
                let got = [&encoded.mentions, &encoded.entities, &encoded.quotes, &encoded.money];
                for (got, expected) in got.into_iter().zip(&expected) {
                    assert_eq!(String::from_utf8_lossy(got), String::from_utf8_lossy(expected), "excel={excel}");
                }
                assert_eq!(encoded.json, serde_line(&doc));
            }
        }
    }

    #[test]
    fn an_empty_extraction_is_an_empty_line_of_lists() {
        let doc = ProcessedDocument {
            id: "e".to_string(),
            seq: 0,
            text: "Текст".to_string(),
            encoding: "windows-1251",
            notes: Vec::new(),
            metadata: None,
            extraction: Extraction::default(),
        };
        let encoded = EncodedDocument::new(&doc, CsvStyle::default());
        let expected = "{\"id\":\"e\",\"seq\":0,\"encoding\":\"windows-1251\",\"length\":5,\
                        \"mentions\":[],\"entities\":[],\"quotes\":[],\"money\":[]}\n";
        assert_eq!(String::from_utf8(encoded.json).unwrap(), expected);
        assert!(encoded.mentions.is_empty() && encoded.quotes.is_empty());
    }
}
