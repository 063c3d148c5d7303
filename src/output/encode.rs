//! Each row type written as a CSV record and as a JSON object, and a document as its
//! `documents.jsonl` line, with the writers of [`super::escape`].
//!
//! A row's CSV record and JSON object hold the same fields in the same order (the CSV
//! header names are the JSON keys), so both are written in one pass by a [`RowWriter`]:
//! each value is formatted, and scanned for characters to escape, once. The field order of
//! each writer is the field order of its row struct (the CSV header and the serde form); the
//! tests check both against the serde/csv-crate output.

use super::decimal::Digits;
use super::escape::json_object;
use super::escape::{
    clean_in_both, json_fields, json_list, json_str, json_str_clean, window_clean_in_both, CleanStr, Code, CsvRecord,
    JsonValue, Raw,
};
use super::known::{same_text, KnownEntities, KnownEntity, Pieces, Scratch};
use super::rows::QuoteId;
use super::staged::{Padded, Staged};
use super::{CsvStyle, DocumentTally, EncodedDocument, ProcessedDocument};
use crate::model::{Extraction, Mention, Money, Quote};
use crate::text::{CharIndex, Span};
use std::ops::Range;

/// The document id, which starts every row, formatted once per document: as a CSV cell in
/// the run's style and as a JSON string.
struct DocId {
    csv: Vec<u8>,
    /// `{"doc_id":…,"start":`, the JSON start of every mention row; the id's JSON string and
    /// `{"doc_id":…` (the JSON start of every entity row) are its middle and its start, so
    /// the three take one allocation and no copy between them.
    json_to_start: Vec<u8>,
    /// `csv` and `json_to_start` padded for [`MentionHead`], when they fit (ids of up to
    /// about forty bytes).
    padded: Option<(Padded<64>, Padded<64>)>,
}

/// The keys around the id in [`DocId::json_to_start`].
const DOC_ID_KEY: &[u8] = b"{\"doc_id\":";
const START_KEY: &[u8] = b",\"start\":";

impl DocId {
    fn new(id: &str, style: CsvStyle) -> DocId {
        let mut csv = Vec::new();
        CsvRecord::new(&mut csv, style).text(id);
        let mut json_to_start = Vec::with_capacity(DOC_ID_KEY.len() + id.len() + 2 + START_KEY.len());
        json_to_start.extend_from_slice(DOC_ID_KEY);
        json_str(&mut json_to_start, id);
        json_to_start.extend_from_slice(START_KEY);
        let padded = Padded::new(&csv).zip(Padded::new(&json_to_start));
        DocId { csv, json_to_start, padded }
    }

    /// The id as a JSON string.
    fn json(&self) -> &[u8] {
        &self.json_to_start[DOC_ID_KEY.len()..self.json_to_start.len() - START_KEY.len()]
    }

    /// `{"doc_id":…`, the JSON start of every entity row.
    fn json_entity(&self) -> &[u8] {
        &self.json_to_start[..self.json_to_start.len() - START_KEY.len()]
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
    #[inline]
    fn key(&mut self, key: &'static str) {
        self.json.extend_from_slice(key.as_bytes());
    }

    #[inline]
    fn id(&mut self, id: &DocId) {
        self.json.extend_from_slice(id.json());
        if let Some(csv) = &mut self.csv {
            csv.raw(&id.csv);
        }
    }

    /// `{"doc_id":…,"start":` (the first key with the id and the second key) in one copy.
    #[inline]
    fn id_to_start(&mut self, id: &DocId) {
        self.json.extend_from_slice(&id.json_to_start);
        if let Some(csv) = &mut self.csv {
            csv.raw(&id.csv);
        }
    }

    #[inline]
    fn uint(&mut self, n: usize) {
        let digits = Digits::new(n);
        digits.write(self.json);
        if let Some(csv) = &mut self.csv {
            csv.digits(&digits);
        }
    }

    /// A row's `start` and `end` (in characters), with the JSON key between them.
    #[inline]
    fn start_end(&mut self, (start, end): (usize, usize)) {
        let (start, end) = (Digits::new(start), Digits::new(end));
        start.write(self.json);
        self.json.extend_from_slice(b",\"end\":");
        end.write(self.json);
        if let Some(csv) = &mut self.csv {
            csv.digits(&start);
            csv.digits(&end);
        }
    }

    /// A number, or `null` in JSON and an empty cell in CSV.
    #[inline]
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
    #[inline]
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
    #[inline]
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

    /// The end of a mention row of a known entity, copied; it ends this row.
    #[inline]
    fn copy_known(&mut self, known: &KnownEntity) {
        self.json.extend_from_slice(known.mention_json());
        if let Some(record) = &mut self.csv {
            record.out().extend_from_slice(known.mention_csv());
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
    #[inline]
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
/// rows of the CSV files, one file's after the other's in one buffer (mentions, entities,
/// quotes, money: the order they are written in).
struct Outputs<'o> {
    json: &'o mut Vec<u8>,
    csv: Option<(&'o mut Vec<u8>, CsvStyle)>,
}

impl Outputs<'_> {
    /// A writer for one row, to the CSV buffer.
    fn row(&mut self) -> RowWriter<'_> {
        let csv = self.csv.as_mut().map(|(csv, style)| CsvRecord::new(csv, *style));
        RowWriter { json: self.json, csv }
    }

    /// How many CSV bytes are written (0 in stream mode): where the next file's rows start.
    fn csv_written(&self) -> usize {
        self.csv.as_ref().map_or(0, |(csv, _)| csv.len())
    }

    /// The style of the CSV files (the default one in stream mode, which has none).
    fn style(&self) -> CsvStyle {
        self.csv.as_ref().map_or_else(CsvStyle::default, |(_, style)| *style)
    }

    /// A writer for the rest of a mention row whose head was staged: the head appended to
    /// the JSON line and `mentions.csv`, in one copy each.
    fn row_after_head(&mut self, head: &MentionHead) -> RowWriter<'_> {
        self.json.extend_from_slice(head.json.as_bytes());
        let csv = self.csv.as_mut().map(|(csv, style)| {
            csv.extend_from_slice(head.csv.as_bytes());
            CsvRecord::after_first_fields(csv, *style)
        });
        RowWriter { json: self.json, csv }
    }
}

/// One document as its rows are written: its text with a character index (the extractors
/// give byte offsets, the files character offsets), its id as written and its entities.
/// Rows are written straight from the document's [`Extraction`], offsets converted on the
/// way; no row structs are built in between ([`super::rows`] keeps the serde form that the
/// tests compare with).
struct DocumentSource<'d> {
    text: &'d str,
    chars: CharIndex<'d>,
    id: DocId,
    entities: Entities<'d>,
}

impl<'d> DocumentSource<'d> {
    fn new(doc: &'d ProcessedDocument, tally: &'d DocumentTally, style: CsvStyle) -> DocumentSource<'d> {
        DocumentSource {
            text: &doc.text,
            chars: CharIndex::with_blocks(&doc.text, &tally.char_blocks),
            id: DocId::new(&doc.id, style),
            entities: Entities { groups: &tally.entity_groups, members: &tally.mention_groups },
        }
    }

    /// A span in character offsets.
    #[inline]
    fn chars(&self, span: Span) -> (usize, usize) {
        self.chars.span(span)
    }
}

/// A quote's row (the form of [`super::rows::QuoteRow`], its id `q` and its number from 1),
/// followed in JSON only by its `parts` (the serde form flattens the row).
fn write_quote(out: &mut RowWriter<'_>, src: &DocumentSource<'_>, number: usize, q: &Quote) {
    let quoted = q.span.slice(src.text);
    let speaker = q.speaker_span.map(|s| src.chars(s));
    let cue = q.cue_span.map(|s| src.chars(s));
    let mut quoted_is_clean = false;
    row!(out,
        "doc_id" => id(&src.id),
        "quote_id" => quote_id(QuoteId(number)),
        "start" => start_end(src.chars(q.span)),
        "text" => text_noting_clean((quoted, &mut quoted_is_clean)),
        "speaker" => text(q.speaker.as_deref().unwrap_or("")),
        "speaker_type" => code(q.speaker_type.map_or("", |t| t.as_str())),
        "speaker_start" => opt_uint(speaker.map(|s| s.0)),
        "speaker_end" => opt_uint(speaker.map(|s| s.1)),
        "cue" => text(q.cue.as_deref().unwrap_or("")),
        "attribution" => code(q.attribution.as_str()),
        "kind" => code(q.kind.as_str()),
        "speaker_id" => text(q.speaker_id.as_deref().unwrap_or("")),
        "cue_start" => opt_uint(cue.map(|s| s.0)),
        "cue_end" => opt_uint(cue.map(|s| s.1)),
        "warning" => text(q.warning.as_deref().unwrap_or("")),
        "parts" => json_only(PartsJson { src, parts: &q.parts, clean_quote: quoted_is_clean.then_some(q.span) }),
    );
}

/// A quote's parts as a JSON list (the form of [`super::rows::PartRow`]). Their texts
/// mostly lie inside the quote's text: when that needed no JSON escape, neither does any
/// piece of it, so those are copied unscanned.
struct PartsJson<'p> {
    src: &'p DocumentSource<'p>,
    parts: &'p [Span],
    /// The quote's span, if its text needed no escape.
    clean_quote: Option<Span>,
}

impl JsonValue for PartsJson<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_list(self.parts, |out, &part: &Span| {
            let (start, end) = self.src.chars(part);
            let text = part.slice(self.src.text);
            if self.clean_quote.is_some_and(|quote| quote.contains(&part)) {
                json_object!(out, "start" => start, "end" => end, "text" => CleanStr(text));
            } else {
                json_object!(out, "start" => start, "end" => end, "text" => text);
            }
        })
        .write_json(out);
    }
}

/// A money row (the form of [`super::rows::MoneyRow`]).
fn write_money(out: &mut RowWriter<'_>, src: &DocumentSource<'_>, m: &Money) {
    row!(out,
        "doc_id" => id(&src.id),
        "start" => start_end(src.chars(m.span)),
        "text" => text(m.span.slice(src.text)),
        "amount" => number(&m.amount),
        "amount_max" => number(m.amount_max.as_deref().unwrap_or("")),
        "currency" => plain(&m.currency),
        "qualifier" => code(m.qualifier.as_str()),
        "kind" => code(m.kind.as_str()),
    );
}

impl ProcessedDocument {
    /// This document's JSON line alone (stream mode; the form of [`super::DocumentJson`]),
    /// in a buffer allocated once.
    pub fn json_line(&self) -> Vec<u8> {
        self.json_line_tallied(&DocumentTally::new(&self.text, &self.extraction))
    }

    /// [`ProcessedDocument::json_line`] with the document's tally already made.
    pub fn json_line_tallied(&self, tally: &DocumentTally) -> Vec<u8> {
        let src = DocumentSource::new(self, tally, CsvStyle::default());
        let mut line = Vec::with_capacity(RowSizes::new(&self.extraction, &src).json);
        let _ = self.write_rows(&src, tally.characters, Outputs { json: &mut line, csv: None });
        line
    }

    /// Appends this document (of `length` characters) as one JSON line, and its rows to the
    /// CSV buffer if given; where the entities', quotes' and money rows start in that buffer.
    fn write_rows(&self, src: &DocumentSource<'_>, length: usize, mut out: Outputs<'_>) -> [usize; 3] {
        let json = &mut *out.json;
        json.push(b'{');
        json_fields!(&mut *json,
            "id" => Raw(src.id.json()),
            "seq" => self.seq,
            "encoding" => self.encoding,
            "length" => length,
        );
        if !self.notes.is_empty() {
            json_fields!(&mut *json, more "notes" => json_list(&self.notes, |out, note| json_str(out, note)));
        }
        if let Some(metadata) = &self.metadata {
            // Free-form values (floats, nesting): serde_json writes them as it always did.
            json.extend_from_slice(b",\"metadata\":");
            serde_json::to_writer(&mut *json, metadata).expect("in-memory JSON");
        }
        let x = &self.extraction;
        let style = out.csv.as_ref().map(|(_, style)| *style);
        let entities_start = KnownEntities::with(style, |known| {
            let tails = out.mentions(&x.mentions, src, known);
            let entities_start = out.csv_written();
            out.entities(&src.entities, &tails, &src.id, known);
            entities_start
        });
        let quotes_start = out.csv_written();
        out.json.extend_from_slice(b",\"quotes\":[");
        for (i, q) in x.quotes.iter().enumerate() {
            if i > 0 {
                out.json.push(b',');
            }
            write_quote(&mut out.row(), src, i + 1, q);
        }
        let money_start = out.csv_written();
        out.json.extend_from_slice(b"],\"money\":[");
        for (i, m) in x.money.iter().enumerate() {
            if i > 0 {
                out.json.push(b',');
            }
            write_money(&mut out.row(), src, m);
        }
        out.json.extend_from_slice(b"]}\n");
        [entities_start, quotes_start, money_start]
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

/// The row pieces that the mention rows of an entity repeat. A document's mentions of one
/// entity mostly share their type, canonical form, source and warning, so most mention rows
/// are the document id, two numbers, their text and a copy of the end of the entity's first
/// row; the entity row is the id, a copy of the entity's middle and a count. The pieces come
/// from [`KnownEntities`] (written once for entities seen in earlier documents).
struct EntityTail {
    /// The mention whose row it is.
    first: usize,
    /// The entity's row pieces among the [`KnownEntities`].
    known: u32,
}

/// A mention row's own fields, up to its text (opening the JSON object; the form of
/// [`super::rows::MentionRow`]).
/// `chars` is the mention's span in characters.
fn write_mention_head(out: &mut RowWriter<'_>, src: &DocumentSource<'_>, m: &Mention, chars: (usize, usize)) {
    out.id_to_start(&src.id);
    out.start_end(chars);
    out.key(",\"text\":");
    out.text(m.span.slice(src.text));
}

/// A mention row's fields from `type` on, which the mentions of one entity mostly share
/// (closing the row); where the canonical form and the entity id were written.
fn write_mention_tail(out: &mut RowWriter<'_>, m: &Mention) -> (WrittenText, WrittenText) {
    out.key(",\"type\":");
    out.code(m.entity_type.as_str());
    out.key(",\"canonical\":");
    let canonical = out.text_at(&m.canonical);
    out.key(",\"entity_id\":");
    let entity_id = out.text_at(&m.entity_id);
    out.key(",\"source\":");
    out.code(m.source.as_str());
    out.key(",\"warning\":");
    out.text(m.warning.as_deref().unwrap_or(""));
    out.finish();
    (canonical, entity_id)
}

/// The head of a mention row, `{"doc_id":…,"start":S,"end":E,"text":"…"` in JSON and
/// `ID,S,E,…` in CSV, gathered on the stack (see [`super::staged`]) when its pieces are
/// short and its text needs nothing in either format, as most mentions' do: two copies to
/// the outputs instead of about twenty small ones. The bytes are those of
/// [`write_mention_head`] (the tests compare the two on every document they write).
struct MentionHead {
    json: Staged<160>,
    csv: Staged<144>,
}

/// Mention texts up to this many bytes are staged, copied as this many bytes of the
/// document's text from the mention's start.
const STAGED_TEXT: usize = 48;

impl MentionHead {
    fn new() -> MentionHead {
        MentionHead { json: Staged::new(), csv: Staged::new() }
    }

    /// Stages the head of the row of `m` (whose span is `(start, end)` in characters), if it
    /// can be (else [`write_mention_head`] writes it).
    #[inline]
    fn stage(&mut self, src: &DocumentSource<'_>, m: &Mention, (start, end): (usize, usize), style: CsvStyle) -> bool {
        let Some((id_csv, id_json)) = &src.id.padded else { return false };
        let (Digits::Short(start, start_len), Digits::Short(end, end_len)) = (Digits::new(start), Digits::new(end))
        else {
            return false;
        };
        let text = m.span.slice(src.text);
        // The text's bytes and those after it, when the document holds enough after it.
        let Some(window) = src.text.as_bytes().get(m.span.start..m.span.start + STAGED_TEXT) else { return false };
        let window: &[u8; STAGED_TEXT] = window.try_into().expect("STAGED_TEXT bytes");
        if text.len() > STAGED_TEXT || !window_clean_in_both(window, text.len(), style) {
            return false;
        }
        let json = &mut self.json;
        json.clear();
        json.put_padded(id_json);
        json.put(&start, start_len);
        json.put(b",\"end\":\0", 7);
        json.put(&end, end_len);
        json.put(b",\"text\":\"\0\0\0\0\0\0\0", 9);
        json.put(window, text.len());
        json.push(b'"');
        let csv = &mut self.csv;
        let delimiter = style.delimiter();
        csv.clear();
        csv.put_padded(id_csv);
        csv.push(delimiter);
        csv.put(&start, start_len);
        csv.push(delimiter);
        csv.put(&end, end_len);
        csv.push(delimiter);
        csv.put(window, text.len());
        true
    }
}

/// Whether the row of `m` ends as the row of `other` does (a mention of the same entity).
fn same_tail(m: &Mention, other: &Mention) -> bool {
    m.entity_type == other.entity_type
        && m.source == other.source
        && same_text(&m.canonical, &other.canonical)
        && m.warning == other.warning
}

impl Outputs<'_> {
    /// The `mentions` list and `mentions.csv` rows (as [`write_mention_head`] and
    /// [`write_mention_tail`] write them), the end of each entity's rows copied from the
    /// entity's known pieces; which pieces each entity's rows use (per entity).
    fn mentions(
        &mut self,
        mentions: &[Mention],
        src: &DocumentSource<'_>,
        known: &mut KnownEntities,
    ) -> Vec<Option<EntityTail>> {
        let entities = &src.entities;
        let mut tails: Vec<Option<EntityTail>> = (0..entities.groups.len()).map(|_| None).collect();
        let (mut head, style, with_csv) = (MentionHead::new(), self.style(), self.csv.is_some());
        let mut chars = Vec::with_capacity(mentions.len());
        src.chars.spans_into(mentions.iter().map(|m| m.span), &mut chars);
        self.json.extend_from_slice(b",\"mentions\":[");
        for (i, (m, &chars)) in mentions.iter().zip(&chars).enumerate() {
            if i > 0 {
                self.json.push(b',');
            }
            let tail = &mut tails[entities.members[i] as usize];
            let mut row = if head.stage(src, m, chars, style) {
                self.row_after_head(&head)
            } else {
                let mut row = self.row();
                write_mention_head(&mut row, src, m, chars);
                row
            };
            match tail {
                // The entity's first mention (the groups start at their first).
                None => {
                    let index = known.index_of(m, |scratch| entity_pieces(m, style, with_csv, scratch));
                    row.copy_known(known.get(index));
                    *tail = Some(EntityTail { first: i, known: index });
                }
                Some(tail) if same_tail(m, &mentions[tail.first]) => row.copy_known(known.get(tail.known)),
                // Another variant of the entity's fields: its own known pieces.
                Some(_) => {
                    let index = known.index_of(m, |scratch| entity_pieces(m, style, with_csv, scratch));
                    row.copy_known(known.get(index));
                }
            }
        }
        self.json.push(b']');
        tails
    }

    /// The `entities` list and `entities.csv` rows, in first-mention order (the form of
    /// [`super::rows::EntityRow`]), their middle copied from the entity's known pieces.
    fn entities(&mut self, entities: &Entities<'_>, tails: &[Option<EntityTail>], id: &DocId, known: &KnownEntities) {
        self.json.extend_from_slice(b",\"entities\":[");
        let mut written = 0;
        for (i, &group) in entities.members.iter().enumerate() {
            let group = group as usize;
            let Some(tail) = tails[group].as_ref().filter(|tail| tail.first == i) else { continue };
            if written > 0 {
                self.json.push(b',');
            }
            written += 1;
            let count = Digits::new(entities.groups[group].1);
            let pieces = known.get(tail.known);
            let json = &mut *self.json;
            json.extend_from_slice(id.json_entity());
            json.extend_from_slice(pieces.entity_json());
            count.write(json);
            json.push(b'}');
            if let Some((csv, _)) = &mut self.csv {
                let out = &mut **csv;
                out.extend_from_slice(&id.csv);
                out.extend_from_slice(pieces.entity_csv());
                count.write(out);
                out.push(b'\n');
            }
        }
        self.json.push(b']');
    }
}

/// The row pieces of `m`'s entity, written by the row writers into the empty `scratch`: the
/// end of its mention row ([`write_mention_tail`]) and then the middle of its entity row (the
/// entity id, type and canonical form as the mention row wrote them). CSV pieces only when
/// `with_csv`.
fn entity_pieces(m: &Mention, style: CsvStyle, with_csv: bool, scratch: &mut Scratch) -> Pieces {
    let Scratch { json, csv } = scratch;
    let mut row = RowWriter { json, csv: with_csv.then(|| CsvRecord::after_first_fields(csv, style)) };
    let (canonical, entity_id) = write_mention_tail(&mut row, m);
    let entity_type = m.entity_type.as_str();
    let entity_json_start = json.len();
    json.extend_from_slice(b",\"entity_id\":");
    json.extend_from_within(entity_id.json);
    json.extend_from_slice(b",\"type\":");
    Code(entity_type).write_json(json);
    json.extend_from_slice(b",\"canonical\":");
    json.extend_from_within(canonical.json);
    json.extend_from_slice(b",\"mentions\":");
    let entity_csv_start = csv.len();
    if with_csv {
        let delimiter = style.delimiter();
        csv.push(delimiter);
        csv.extend_from_within(entity_id.csv);
        csv.push(delimiter);
        csv.extend_from_slice(entity_type.as_bytes());
        csv.push(delimiter);
        csv.extend_from_within(canonical.csv);
        csv.push(delimiter);
    }
    Pieces { entity_json_start, entity_csv_start }
}

impl EncodedDocument {
    /// Formats every row of `doc` as CSV (in `style`) and its JSON line.
    pub fn new(doc: &ProcessedDocument, style: CsvStyle) -> EncodedDocument {
        EncodedDocument::tallied(doc, style, &DocumentTally::new(&doc.text, &doc.extraction))
    }

    /// [`EncodedDocument::new`] with the document's tally already made (the worker makes it
    /// once, for the rows and the counters: the entity groups and the character count).
    pub fn tallied(doc: &ProcessedDocument, style: CsvStyle, tally: &DocumentTally) -> EncodedDocument {
        let src = DocumentSource::new(doc, tally, style);
        let sizes = RowSizes::new(&doc.extraction, &src);
        let mut csv = Vec::with_capacity(sizes.mentions + sizes.entities + sizes.quotes + sizes.money);
        let mut json = Vec::with_capacity(sizes.json);
        let starts = doc.write_rows(&src, tally.characters, Outputs { json: &mut json, csv: Some((&mut csv, style)) });
        EncodedDocument::from_parts(csv, starts, json)
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
    fn new(x: &Extraction, src: &DocumentSource<'_>) -> RowSizes {
        let id = &src.id;
        // Per row: the id, the strings, and room for numbers, codes and punctuation.
        let per_row = |strings: usize, fixed: usize| id.json().len() + strings + fixed;
        let opt_len = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let mentions = x
            .mentions
            .iter()
            .map(|m| per_row(m.span.len() + m.canonical.len() + m.entity_id.len() + opt_len(&m.warning), 48))
            .sum::<usize>();
        let groups = src.entities.groups;
        let entities = groups
            .iter()
            .map(|&(first, _)| per_row(x.mentions[first].entity_id.len() + x.mentions[first].canonical.len(), 24))
            .sum::<usize>();
        let mut parts = 0;
        let quotes = x
            .quotes
            .iter()
            .map(|q| {
                parts += q.parts.iter().map(|p| p.len() + 40).sum::<usize>();
                let strings = q.span.len() + opt_len(&q.speaker) + opt_len(&q.cue) + opt_len(&q.speaker_id);
                per_row(strings + opt_len(&q.warning), 96)
            })
            .sum::<usize>();
        let money = x
            .money
            .iter()
            .map(|m| per_row(m.span.len() + m.amount.len() + opt_len(&m.amount_max) + m.currency.len(), 64))
            .sum::<usize>();
        // JSON adds the field names to each row.
        let names = 96 * x.mentions.len() + 56 * groups.len() + 200 * x.quotes.len();
        let json = 256 + mentions + entities + quotes + parts + money + names + 112 * x.money.len();
        RowSizes { mentions, entities, quotes, money, json }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::output::rows::DocumentRows;
    use crate::output::{DocumentJson, QuoteJson};

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
            canonical: canonical.into(),
            entity_id: id.into(),
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
                let got = encoded.csv_files();
                for (got, expected) in got.into_iter().zip(&expected) {
                    assert_eq!(String::from_utf8_lossy(got), String::from_utf8_lossy(expected), "excel={excel}");
                }
                assert_eq!(encoded.json, serde_line(&doc));
            }
        }
    }

    /// Entities met again in later documents on one thread (with the same fields, or under
    /// the same id with another canonical form, warning, type or source), in either style and
    /// in stream mode one after the other: every document's rows are the reference rows.
    #[test]
    fn known_entities_give_the_rows_of_fresh_ones() {
        let vary = |doc: &mut ProcessedDocument, k: usize| {
            for (i, m) in doc.extraction.mentions.iter_mut().enumerate() {
                match (k + i) % 6 {
                    1 => m.canonical = format!("{}, x", m.canonical).into(),
                    2 => m.warning = Some("w;\"".to_string()),
                    3 => m.warning = None,
                    4 => m.entity_type = EntityType::Loc,
                    5 => m.source = MentionSource::Gazetteer,
                    _ => {}
                }
            }
        };
        for _ in 0..2 {
            for k in 0..7 {
                for excel in [false, true, false] {
                    let style = CsvStyle { excel };
                    let mut doc = tricky_document("doc", k % 2 == 0);
                    vary(&mut doc, k);
                    let encoded = EncodedDocument::new(&doc, style);
                    let got = encoded.csv_files();
                    for (got, expected) in got.into_iter().zip(&csv_crate(&doc, style)) {
                        assert_eq!(String::from_utf8_lossy(got), String::from_utf8_lossy(expected), "{k} {excel}");
                    }
                    assert_eq!(encoded.json, serde_line(&doc));
                    assert_eq!(doc.json_line(), serde_line(&doc));
                }
            }
        }
    }

    /// A staged mention head is the head [`write_mention_head`] writes, for ids and texts
    /// of every kind (those that cannot be staged are not), in both CSV styles.
    #[test]
    fn staged_mention_heads_are_the_written_heads() {
        let mut staged = 0;
        for id in ["doc-1", "=id, \"quoted\"\n", "", &"long-id-".repeat(8)] {
            for excel in [false, true] {
                let style = CsvStyle { excel };
                let mut doc = tricky_document(id, false);
                // Room after every mention for the staged window, and a mention near the end.
                let end = doc.text.len();
                doc.text.push_str(&" x".repeat(40));
                doc.extraction.mentions[0].span = Span::new(end - 2, end);
                let tally = DocumentTally::new(&doc.text, &doc.extraction);
                let src = DocumentSource::new(&doc, &tally, style);
                for m in &doc.extraction.mentions {
                    let mut head = MentionHead::new();
                    let chars = src.chars(m.span);
                    if !head.stage(&src, m, chars, style) {
                        continue;
                    }
                    staged += 1;
                    let (mut json, mut csv) = (Vec::new(), Vec::new());
                    write_mention_head(
                        &mut RowWriter { json: &mut json, csv: Some(CsvRecord::new(&mut csv, style)) },
                        &src,
                        m,
                        chars,
                    );
                    assert_eq!(head.json.as_bytes(), &json[..], "{id:?} {m:?}");
                    assert_eq!(head.csv.as_bytes(), &csv[..], "{id:?} {m:?}");
                }
            }
        }
        assert!(staged > 8, "{staged}");
    }

    /// The id's JSON pieces are those made by concatenation.
    #[test]
    fn doc_id_pieces_are_the_concatenated_pieces() {
        for id in ["doc-1", "=id, \"quoted\"\n", "", "ид\\x"] {
            let doc_id = DocId::new(id, CsvStyle::default());
            let mut json = Vec::new();
            json_str(&mut json, id);
            assert_eq!(doc_id.json(), &json[..]);
            assert_eq!(doc_id.json_entity(), &[&b"{\"doc_id\":"[..], &json].concat()[..]);
            assert_eq!(doc_id.json_to_start, [&b"{\"doc_id\":"[..], &json, b",\"start\":"].concat());
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
        assert_eq!(String::from_utf8_lossy(&encoded.json), expected);
        assert!(encoded.csv_files().iter().all(|file| file.is_empty()));
    }
}
