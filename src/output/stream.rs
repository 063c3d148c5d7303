//! Stream mode: one JSON line per document on stdout, in input order, as soon as a batch
//! is done — a mapper for GNU parallel, Hadoop Streaming or Spark's `RDD.pipe`.

use std::io::Write;

use crate::corpus::Skipped;
use crate::output::{DocumentTally, ProcessedDocument};
use crate::pipeline::Sink;

pub struct JsonlStream<W: Write> {
    out: W,
}

impl<W: Write> JsonlStream<W> {
    pub fn new(out: W) -> JsonlStream<W> {
        JsonlStream { out }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Sink for JsonlStream<W> {
    /// The document's JSON line, formatted on the worker.
    type Prepared = Vec<u8>;
    type Preparer = ();

    fn preparer(&self) {}

    fn prepare(_: &(), doc: &ProcessedDocument, tally: &DocumentTally) -> Vec<u8> {
        doc.json_line_tallied(tally)
    }

    fn write_document(
        &mut self,
        _doc: &ProcessedDocument,
        _tally: &DocumentTally,
        line: &Vec<u8>,
    ) -> anyhow::Result<()> {
        self.out.write_all(line)?;
        self.out.flush()?;
        Ok(())
    }

    /// A skipped document is a line too, so a consumer sees every input: `{"id","skipped"}`.
    fn write_skipped(&mut self, skipped: &Skipped) -> anyhow::Result<()> {
        let line = serde_json::json!({"id": skipped.id, "skipped": skipped.reason});
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}
