//! Each row type written as a CSV record and as a JSON object, and a document as its
//! `documents.jsonl` line, with the writers of [`super::escape`].
//!
//! The field order of each writer is the field order of its row struct (the CSV header and
//! the serde form); the tests check both against the serde/csv-crate output.

use super::escape::{json_fields, json_object, CsvRecord, JsonValue};
use super::rows::{DocumentRows, EntityRow, MentionRow, MoneyRow, PartRow, QuoteRow};
use super::{CsvStyle, EncodedDocument, ProcessedDocument};

impl MentionRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle) {
        CsvRecord::new(out, style)
            .text(self.doc_id)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .plain(self.entity_type)
            .text(self.canonical)
            .text(self.entity_id)
            .plain(self.source)
            .text(self.warning)
            .end();
    }
}

impl JsonValue for MentionRow<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_object!(out,
            "doc_id" => self.doc_id,
            "start" => self.start,
            "end" => self.end,
            "text" => self.text,
            "type" => self.entity_type,
            "canonical" => self.canonical,
            "entity_id" => self.entity_id,
            "source" => self.source,
            "warning" => self.warning,
        );
    }
}

impl EntityRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle) {
        CsvRecord::new(out, style)
            .text(self.doc_id)
            .text(self.entity_id)
            .plain(self.entity_type)
            .text(self.canonical)
            .uint(self.mentions)
            .end();
    }
}

impl JsonValue for EntityRow<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_object!(out,
            "doc_id" => self.doc_id,
            "entity_id" => self.entity_id,
            "type" => self.entity_type,
            "canonical" => self.canonical,
            "mentions" => self.mentions,
        );
    }
}

impl QuoteRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle) {
        CsvRecord::new(out, style)
            .text(self.doc_id)
            .plain(&self.quote_id)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .text(self.speaker)
            .plain(self.speaker_type)
            .opt_uint(self.speaker_start)
            .opt_uint(self.speaker_end)
            .text(self.cue)
            .plain(self.attribution)
            .plain(self.kind)
            .text(self.speaker_id)
            .opt_uint(self.cue_start)
            .opt_uint(self.cue_end)
            .text(self.warning)
            .end();
    }
}

/// A quote with its pieces: the quote's fields, then `parts` (the serde form flattens the row).
impl JsonValue for (QuoteRow<'_>, Vec<PartRow<'_>>) {
    fn write_json(&self, out: &mut Vec<u8>) {
        let (q, parts) = self;
        json_object!(out,
            "doc_id" => q.doc_id,
            "quote_id" => q.quote_id,
            "start" => q.start,
            "end" => q.end,
            "text" => q.text,
            "speaker" => q.speaker,
            "speaker_type" => q.speaker_type,
            "speaker_start" => q.speaker_start,
            "speaker_end" => q.speaker_end,
            "cue" => q.cue,
            "attribution" => q.attribution,
            "kind" => q.kind,
            "speaker_id" => q.speaker_id,
            "cue_start" => q.cue_start,
            "cue_end" => q.cue_end,
            "warning" => q.warning,
            "parts" => parts,
        );
    }
}

impl JsonValue for PartRow<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_object!(out, "start" => self.start, "end" => self.end, "text" => self.text);
    }
}

impl MoneyRow<'_> {
    fn write_csv(&self, out: &mut Vec<u8>, style: CsvStyle) {
        CsvRecord::new(out, style)
            .text(self.doc_id)
            .uint(self.start)
            .uint(self.end)
            .text(self.text)
            .number(self.amount)
            .number(self.amount_max)
            .plain(self.currency)
            .plain(self.qualifier)
            .plain(self.kind)
            .end();
    }
}

impl JsonValue for MoneyRow<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        json_object!(out,
            "doc_id" => self.doc_id,
            "start" => self.start,
            "end" => self.end,
            "text" => self.text,
            "amount" => self.amount,
            "amount_max" => self.amount_max,
            "currency" => self.currency,
            "qualifier" => self.qualifier,
            "kind" => self.kind,
        );
    }
}

impl ProcessedDocument {
    /// Appends this document as one JSON line (the form of [`super::DocumentJson`]).
    pub fn write_json_line(&self, rows: &DocumentRows<'_>, out: &mut Vec<u8>) {
        out.push(b'{');
        json_fields!(&mut *out,
            "id" => self.id,
            "seq" => self.seq,
            "encoding" => self.encoding,
            "length" => self.text.chars().count(),
        );
        if !self.notes.is_empty() {
            json_fields!(&mut *out, more "notes" => self.notes);
        }
        if let Some(metadata) = &self.metadata {
            // Free-form values (floats, nesting): serde_json writes them as it always did.
            out.extend_from_slice(b",\"metadata\":");
            serde_json::to_writer(&mut *out, metadata).expect("in-memory JSON");
        }
        json_fields!(&mut *out, more
            "mentions" => rows.mentions,
            "entities" => rows.entities,
            "quotes" => rows.quotes,
            "money" => rows.money,
        );
        out.extend_from_slice(b"}\n");
    }
}

impl EncodedDocument {
    /// Formats every row of `doc` as CSV (in `style`) and its JSON line.
    pub fn new(doc: &ProcessedDocument, style: CsvStyle) -> EncodedDocument {
        let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
        let mut encoded = EncodedDocument::default();
        for m in &rows.mentions {
            m.write_csv(&mut encoded.mentions, style);
        }
        for e in &rows.entities {
            e.write_csv(&mut encoded.entities, style);
        }
        for (q, _) in &rows.quotes {
            q.write_csv(&mut encoded.quotes, style);
        }
        for m in &rows.money {
            m.write_csv(&mut encoded.money, style);
        }
        doc.write_json_line(&rows, &mut encoded.json);
        encoded
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
                let rows = DocumentRows::new(&doc.id, &doc.text, &doc.extraction);
                let mut line = Vec::new();
                doc.write_json_line(&rows, &mut line);
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
