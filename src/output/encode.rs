//! Each row type written as a CSV record and as a JSON object, and a document as its
//! `documents.jsonl` line, with the writers of [`super::escape`].
//!
//! The field order of each writer is the field order of its row struct (the CSV header and
//! the serde form); the tests check both against the serde/csv-crate output.

use super::escape::{json_fields, json_list, json_object, json_str, Code, CsvRecord, JsonValue, Raw};
use super::rows::{DocumentRows, EntityRow, MentionRow, MoneyRow, PartRow, QuoteRow};
use super::{CsvStyle, EncodedDocument, ProcessedDocument};

/// The document id, which starts every row, formatted once per document: as a CSV cell in
/// the run's style and as a JSON string.
struct DocId {
    csv: Vec<u8>,
    json: Vec<u8>,
}

impl DocId {
    fn new(id: &str, style: CsvStyle) -> DocId {
        let mut csv = Vec::new();
        CsvRecord::new(&mut csv, style).text(id);
        let mut json = Vec::new();
        json_str(&mut json, id);
        DocId { csv, json }
    }
}

impl MentionRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle, id: &DocId) {
        CsvRecord::new(out, style)
            .raw(&id.csv)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .code(self.entity_type)
            .text(self.canonical)
            .text(self.entity_id)
            .code(self.source)
            .text(self.warning)
            .end();
    }

    fn write_json(&self, out: &mut Vec<u8>, id: &DocId) {
        json_object!(out,
            "doc_id" => Raw(&id.json),
            "start" => self.start,
            "end" => self.end,
            "text" => self.text,
            "type" => Code(self.entity_type),
            "canonical" => self.canonical,
            "entity_id" => self.entity_id,
            "source" => Code(self.source),
            "warning" => self.warning,
        );
    }
}

impl EntityRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle, id: &DocId) {
        CsvRecord::new(out, style)
            .raw(&id.csv)
            .text(self.entity_id)
            .code(self.entity_type)
            .text(self.canonical)
            .uint(self.mentions)
            .end();
    }

    fn write_json(&self, out: &mut Vec<u8>, id: &DocId) {
        json_object!(out,
            "doc_id" => Raw(&id.json),
            "entity_id" => self.entity_id,
            "type" => Code(self.entity_type),
            "canonical" => self.canonical,
            "mentions" => self.mentions,
        );
    }
}

impl QuoteRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle, id: &DocId) {
        CsvRecord::new(out, style)
            .raw(&id.csv)
            .plain(&self.quote_id)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .text(self.speaker)
            .code(self.speaker_type)
            .opt_uint(self.speaker_start)
            .opt_uint(self.speaker_end)
            .text(self.cue)
            .code(self.attribution)
            .code(self.kind)
            .text(self.speaker_id)
            .opt_uint(self.cue_start)
            .opt_uint(self.cue_end)
            .text(self.warning)
            .end();
    }

    /// The quote's fields followed by its `parts` (the serde form flattens the row).
    fn write_json(&self, parts: &[PartRow<'_>], out: &mut Vec<u8>, id: &DocId) {
        json_object!(out,
            "doc_id" => Raw(&id.json),
            "quote_id" => self.quote_id,
            "start" => self.start,
            "end" => self.end,
            "text" => self.text,
            "speaker" => self.speaker,
            "speaker_type" => Code(self.speaker_type),
            "speaker_start" => self.speaker_start,
            "speaker_end" => self.speaker_end,
            "cue" => self.cue,
            "attribution" => Code(self.attribution),
            "kind" => Code(self.kind),
            "speaker_id" => self.speaker_id,
            "cue_start" => self.cue_start,
            "cue_end" => self.cue_end,
            "warning" => self.warning,
            "parts" => json_list(parts, PartRow::write_json),
        );
    }
}

impl PartRow<'_> {
    fn write_json(out: &mut Vec<u8>, part: &PartRow<'_>) {
        json_object!(out, "start" => part.start, "end" => part.end, "text" => part.text);
    }
}

impl MoneyRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle, id: &DocId) {
        CsvRecord::new(out, style)
            .raw(&id.csv)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .number(self.amount)
            .number(self.amount_max)
            .plain(self.currency)
            .code(self.qualifier)
            .code(self.kind)
            .end();
    }

    fn write_json(&self, out: &mut Vec<u8>, id: &DocId) {
        json_object!(out,
            "doc_id" => Raw(&id.json),
            "start" => self.start,
            "end" => self.end,
            "text" => self.text,
            "amount" => self.amount,
            "amount_max" => self.amount_max,
            "currency" => self.currency,
            "qualifier" => Code(self.qualifier),
            "kind" => Code(self.kind),
        );
    }
}

impl ProcessedDocument {
    /// This document's JSON line alone (stream mode; the form of [`super::DocumentJson`]),
    /// in a buffer allocated once.
    pub fn json_line(&self) -> Vec<u8> {
        let rows = DocumentRows::new(&self.id, &self.text, &self.extraction);
        let id = DocId::new(&self.id, CsvStyle::default());
        let mut line = Vec::with_capacity(RowSizes::new(&rows, &id).json);
        self.write_json_line_with(&rows, &mut line, &id);
        line
    }

    /// Appends this document as one JSON line.
    fn write_json_line_with(&self, rows: &DocumentRows<'_>, out: &mut Vec<u8>, id: &DocId) {
        out.push(b'{');
        json_fields!(&mut *out,
            "id" => Raw(&id.json),
            "seq" => self.seq,
            "encoding" => self.encoding,
            "length" => rows.length,
        );
        if !self.notes.is_empty() {
            json_fields!(&mut *out, more "notes" => json_list(&self.notes, |out, note| json_str(out, note)));
        }
        if let Some(metadata) = &self.metadata {
            // Free-form values (floats, nesting): serde_json writes them as it always did.
            out.extend_from_slice(b",\"metadata\":");
            serde_json::to_writer(&mut *out, metadata).expect("in-memory JSON");
        }
        json_fields!(&mut *out, more
            "mentions" => json_list(&rows.mentions, |out, m| m.write_json(out, id)),
            "entities" => json_list(&rows.entities, |out, e| e.write_json(out, id)),
            "quotes" => json_list(&rows.quotes, |out, (q, parts)| q.write_json(parts, out, id)),
            "money" => json_list(&rows.money, |out, m| m.write_json(out, id)),
        );
        out.extend_from_slice(b"}\n");
    }
}

impl EncodedDocument {
    /// Formats every row of `doc` as CSV (in `style`) and its JSON line.
    pub fn new(doc: &ProcessedDocument, style: CsvStyle) -> EncodedDocument {
        let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
        let id = DocId::new(&doc.id, style);
        let sizes = RowSizes::new(&rows, &id);
        let mut encoded = EncodedDocument {
            mentions: Vec::with_capacity(sizes.mentions),
            entities: Vec::with_capacity(sizes.entities),
            quotes: Vec::with_capacity(sizes.quotes),
            money: Vec::with_capacity(sizes.money),
            json: Vec::with_capacity(sizes.json),
        };
        for m in &rows.mentions {
            m.write_csv(&mut encoded.mentions, style, &id);
        }
        for e in &rows.entities {
            e.write_csv(&mut encoded.entities, style, &id);
        }
        for (q, _) in &rows.quotes {
            q.write_csv(&mut encoded.quotes, style, &id);
        }
        for m in &rows.money {
            m.write_csv(&mut encoded.money, style, &id);
        }
        doc.write_json_line_with(&rows, &mut encoded.json, &id);
        encoded
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
                q.quote_id.clone(),
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
        ];
        let quote = Quote {
            span: span_of(text, "«Мы — за»"),
            parts: vec![span_of(text, "Мы"), span_of(text, "за")],
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
        let bare = Quote {
            span: span_of(text, "(-1)"),
            parts: Vec::new(),
            speaker: None,
            speaker_type: None,
            speaker_id: None,
            speaker_span: None,
            cue: None,
            cue_span: None,
            attribution: Attribution::None,
            kind: QuoteKind::Indirect,
            warning: Some("@no speaker".to_string()),
        };
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
            extraction: Extraction { mentions, quotes: vec![quote, bare], money: vec![money] },
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
