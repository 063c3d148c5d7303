//! Loading the money rule files into lookup tables and the trigger scan.
//!
//! - `rules/currencies.tsv`: currency forms → ISO code, major or minor unit, place;
//! - `rules/number_words.tsv`: number words and multipliers with exact values;
//! - `rules/money_qualifiers.tsv`: qualifier and range words.
//!
//! Every key is folded like the text is read (lower case, `ё` → `е`, one space between
//! words). The trigger scan finds the places worth parsing: ASCII digits and the words
//! that can start a number, written in lower case, Capitalised or UPPER case.

use std::path::Path;

use super::decimal::Decimal;
use super::reach::CurrencyStarts;
use super::scan::{AnyStart, Phrases};
use super::triggers::Triggers;
use crate::dict::{tsv, Diagnostics, DictDirs};
use crate::model::Qualifier;
use crate::text::fold_str;

/// What a number word contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    Unit,
    Teen,
    Tens,
    Hundreds,
    Fraction,
    Half,
    /// `standalone`: may stand without a count for one of it (`миллион`).
    Multiplier {
        standalone: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct NumberWord {
    pub kind: NumKind,
    pub value: Decimal,
}

/// Index into [`MoneyRules::codes`].
pub type CurrencyId = u16;

#[derive(Clone, Copy, Debug)]
pub struct MinorUnit {
    pub currency: CurrencyId,
    /// Power of ten: 2 for 100 kopecks to the rouble.
    pub per_major_pow: u32,
}

/// What a qualifier-file word does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Qualifier(Qualifier),
    RangeFrom,
}

/// The compiled money rules. Built once, shared by every worker.
pub struct MoneyRules {
    pub(super) numbers: Phrases<NumberWord>,
    pub(super) currency_after: Phrases<CurrencyId>,
    pub(super) currency_before: Phrases<CurrencyId>,
    pub(super) minor: Phrases<MinorUnit>,
    pub(super) before_words: Phrases<Role>,
    pub(super) range_to: Phrases<()>,
    pub(super) codes: Vec<String>,
    /// Digits and the number words that can start a number.
    pub(super) triggers: Triggers,
    /// What the currency forms start with: the lines worth scanning.
    pub(super) currency_starts: CurrencyStarts,
    /// What may follow a value in an amount: a currency, a minor unit, a range connector.
    pub(super) after_value: AnyStart,
    /// Most words in any key, per table (bounds the look-ahead).
    pub(super) max_words: usize,
}

impl std::fmt::Debug for MoneyRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MoneyRules")
            .field("numbers", &self.numbers.len())
            .field("currencies", &self.codes.len())
            .field("currency_forms", &(self.currency_after.len() + self.currency_before.len()))
            .finish()
    }
}

pub const CURRENCIES: &str = "currencies.tsv";
pub const NUMBER_WORDS: &str = "number_words.tsv";
pub const QUALIFIERS: &str = "money_qualifiers.tsv";

fn forms(field: &str) -> impl Iterator<Item = &str> {
    field.split('|').map(str::trim).filter(|f| !f.is_empty())
}

impl MoneyRules {
    /// Loads and compiles the rule files of every dictionary folder. Bad lines are reported
    /// in `diagnostics` with `file:line` and skipped.
    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> MoneyRules {
        let mut b = Builder::default();
        for path in dirs.rule_files(CURRENCIES) {
            b.currencies(&path, diagnostics);
        }
        for path in dirs.rule_files(NUMBER_WORDS) {
            b.number_words(&path, diagnostics);
        }
        for path in dirs.rule_files(QUALIFIERS) {
            b.qualifiers(&path, diagnostics);
        }
        b.build()
    }

    pub(super) fn code(&self, id: CurrencyId) -> &str {
        self.codes.get(usize::from(id)).map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Builder {
    numbers: Phrases<NumberWord>,
    currency_after: Phrases<CurrencyId>,
    currency_before: Phrases<CurrencyId>,
    minor: Phrases<MinorUnit>,
    before_words: Phrases<Role>,
    range_to: Phrases<()>,
    codes: Vec<String>,
    /// Trigger words as written in the file (may hold `ё`).
    trigger_forms: Vec<String>,
    max_words: usize,
}

impl Builder {
    fn currencies(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(table) = tsv::read_tsv(path, &["code", "unit", "place", "forms"], d) else {
            return;
        };
        for row in &table.rows {
            let code = table.field(row, "code");
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                d.error(path, row.line, format!("code is {code:?}; use an ISO 4217 code such as RUB or USD"));
                continue;
            }
            let place = table.field(row, "place");
            let (after, before) = match place {
                "after" => (true, false),
                "before" => (false, true),
                "both" => (true, true),
                _ => {
                    d.error(path, row.line, format!("place is {place:?}; use after, before or both"));
                    continue;
                }
            };
            let unit = table.field(row, "unit");
            let minor = match unit {
                "major" => None,
                "minor" => {
                    let per = table.field(row, "per_major");
                    let per = if per.is_empty() { "100" } else { per };
                    match Decimal::parse(per).and_then(Decimal::power_of_ten) {
                        Some(k @ 1..=3) => Some(k),
                        _ => {
                            d.error(path, row.line, format!("per_major is {per:?}; use 10, 100 or 1000"));
                            continue;
                        }
                    }
                }
                _ => {
                    d.error(path, row.line, format!("unit is {unit:?}; use major or minor"));
                    continue;
                }
            };
            let field = table.field(row, "forms");
            if forms(field).next().is_none() {
                d.error(path, row.line, "no forms");
                continue;
            }
            let id = self.code_id(code);
            for form in forms(field) {
                let key = fold_str(form);
                self.max_words = self.max_words.max(key.split(' ').count());
                match minor {
                    Some(per_major_pow) => {
                        self.minor.insert(key, MinorUnit { currency: id, per_major_pow });
                    }
                    None => {
                        if after {
                            self.currency_after.insert(key.clone(), id);
                        }
                        if before {
                            self.currency_before.insert(key, id);
                        }
                    }
                }
            }
        }
    }

    fn code_id(&mut self, code: &str) -> CurrencyId {
        match self.codes.iter().position(|c| c == code) {
            Some(i) => i as CurrencyId,
            None => {
                self.codes.push(code.to_string());
                (self.codes.len() - 1) as CurrencyId
            }
        }
    }

    fn number_words(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(table) = tsv::read_tsv(path, &["kind", "value", "forms"], d) else {
            return;
        };
        for row in &table.rows {
            let kind_s = table.field(row, "kind");
            let value_s = table.field(row, "value");
            let Some(value) = Decimal::parse(value_s) else {
                d.error(path, row.line, format!("value is {value_s:?}; write a number such as 500 or 1.5"));
                continue;
            };
            let in_range = |lo: u64, hi: u64| value >= Decimal::from_u64(lo) && value <= Decimal::from_u64(hi);
            let (kind, ok) = match kind_s {
                "unit" => (NumKind::Unit, in_range(1, 9)),
                "teen" => (NumKind::Teen, in_range(10, 19)),
                "tens" => (NumKind::Tens, in_range(20, 90)),
                "hundreds" => (NumKind::Hundreds, in_range(100, 900)),
                "fraction" => (NumKind::Fraction, !value.is_zero()),
                "half" => (NumKind::Half, value < Decimal::ONE),
                "multiplier" => (NumKind::Multiplier { standalone: false }, value >= Decimal::from_u64(10)),
                "multiplier_one" => (NumKind::Multiplier { standalone: true }, value >= Decimal::from_u64(10)),
                _ => {
                    d.error(
                        path,
                        row.line,
                        format!(
                            "kind is {kind_s:?}; use unit, teen, tens, hundreds, fraction, half, multiplier or multiplier_one"
                        ),
                    );
                    continue;
                }
            };
            if !ok {
                d.error(path, row.line, format!("value {value_s} does not fit kind {kind_s}"));
                continue;
            }
            let field = table.field(row, "forms");
            if forms(field).next().is_none() {
                d.error(path, row.line, "no forms");
                continue;
            }
            for form in forms(field) {
                let key = fold_str(form);
                let starts_number = !matches!(kind, NumKind::Half | NumKind::Multiplier { standalone: false });
                if starts_number && !key.contains(' ') {
                    self.trigger_forms.push(form.to_string());
                }
                self.numbers.insert(key, NumberWord { kind, value });
            }
        }
    }

    fn qualifiers(&mut self, path: &Path, d: &mut Diagnostics) {
        let Some(table) = tsv::read_tsv(path, &["role", "forms"], d) else {
            return;
        };
        for row in &table.rows {
            let role_s = table.field(row, "role");
            let role = match role_s {
                "up_to" => Some(Role::Qualifier(Qualifier::UpTo)),
                "about" => Some(Role::Qualifier(Qualifier::About)),
                "over" => Some(Role::Qualifier(Qualifier::Over)),
                "under" => Some(Role::Qualifier(Qualifier::Under)),
                "range_from" => Some(Role::RangeFrom),
                "range_to" => None,
                _ => {
                    d.error(
                        path,
                        row.line,
                        format!("role is {role_s:?}; use up_to, about, over, under, range_from or range_to"),
                    );
                    continue;
                }
            };
            let field = table.field(row, "forms");
            if forms(field).next().is_none() {
                d.error(path, row.line, "no forms");
                continue;
            }
            for form in forms(field) {
                let key = fold_str(form);
                match role {
                    Some(role) => {
                        self.before_words.insert(key, role);
                    }
                    None => {
                        self.range_to.insert(key, ());
                    }
                }
            }
        }
    }

    fn build(self) -> MoneyRules {
        let mut patterns: Vec<String> = Vec::new();
        for form in &self.trigger_forms {
            for variant in [form.clone(), fold_str(form)] {
                let lower = variant.to_lowercase();
                let mut chars = lower.chars();
                let capital: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
                patterns.extend([lower.clone(), capital, lower.to_uppercase()]);
            }
        }
        patterns.sort();
        patterns.dedup();
        let triggers = Triggers::new(&patterns);
        let max_words = self.max_words.clamp(1, 4);
        let currency_starts =
            CurrencyStarts::new(self.currency_before.keys(), self.currency_after.keys().chain(self.minor.keys()));
        let after_value = AnyStart::default().with(&self.currency_after).with(&self.minor).with(&self.range_to);
        MoneyRules {
            after_value,
            numbers: self.numbers,
            currency_after: self.currency_after,
            currency_before: self.currency_before,
            minor: self.minor,
            before_words: self.before_words,
            range_to: self.range_to,
            codes: self.codes,
            triggers,
            currency_starts,
            max_words,
        }
    }
}
