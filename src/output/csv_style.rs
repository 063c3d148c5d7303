//! How CSV cells are written: RFC 4180 by default, or for a Russian-locale spreadsheet.

use std::borrow::Cow;

/// Plain RFC 4180 (`,`, no BOM) or `--excel` (BOM, `;`, decimal comma, formulas neutralised).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvStyle {
    pub excel: bool,
}

/// The first characters that make a spreadsheet evaluate a cell (see [`CsvStyle::text_cell`]).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

impl CsvStyle {
    pub fn delimiter(self) -> u8 {
        if self.excel {
            b';'
        } else {
            b','
        }
    }

    /// A text cell: in Excel mode a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a
    /// leading apostrophe so the spreadsheet shows it as text instead of evaluating it
    /// (OWASP's advice for CSV export).
    #[inline]
    pub fn text_cell(self, value: &str) -> Cow<'_, str> {
        if self.excel && value.starts_with(FORMULA_STARTS) {
            Cow::Owned(format!("'{value}"))
        } else {
            Cow::Borrowed(value)
        }
    }

    /// A decimal number cell: `2134472.44` becomes `2134472,44` in Excel mode.
    pub fn number_cell(self, value: &str) -> Cow<'_, str> {
        if self.excel && value.contains('.') {
            Cow::Owned(value.replace('.', ","))
        } else {
            Cow::Borrowed(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_neutralises_formulas_and_uses_decimal_comma() {
        let excel = CsvStyle { excel: true };
        assert_eq!(excel.text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(excel.text_cell("– На самом деле"), "– На самом деле");
        assert_eq!(excel.text_cell("-1"), "'-1");
        assert_eq!(excel.text_cell("@SUM"), "'@SUM");
        assert_eq!(excel.number_cell("2134472.44"), "2134472,44");
        let plain = CsvStyle::default();
        assert_eq!(plain.text_cell("=1+1"), "=1+1");
        assert_eq!(plain.number_cell("1.5"), "1.5");
    }
}
