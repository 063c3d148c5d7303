//! Role nouns (`dictionaries/rules/roles.tsv`): words that name a person by office
//! (`министр`, `глава`) or an organisation by kind (`ведомство`).
//!
//! Entity rules use them to find a name after them (`министр Мусин`); quote attribution
//! resolves them to the entity the document established for that role.

use rustc_hash::FxHashMap;

use super::{tsv, Diagnostics, DictDirs};
use crate::model::EntityType;
use crate::text::fold_str;

/// One role noun.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleNoun {
    /// The dictionary form (`министр`).
    pub role: String,
    /// Whether it names a person or an organisation.
    pub refers_to: EntityType,
    /// Whether, when the document never said who holds this role, quote attribution may
    /// take the document's most mentioned person (`министр`, `глава`: usually the article's
    /// protagonist; not `эксперт`, `депутат`: usually someone unnamed).
    pub salient_fallback: bool,
}

/// All role nouns, looked up by any of their written forms.
#[derive(Clone, Debug)]
pub struct RoleNouns {
    /// Role index by folded form.
    by_form: FxHashMap<String, usize>,
    roles: Vec<RoleNoun>,
    /// Tells this content from any other of the run (fresh whenever it changes; never 0), so
    /// the entity rules may remember a word's role across documents.
    id: u32,
}

impl Default for RoleNouns {
    fn default() -> RoleNouns {
        RoleNouns { by_form: FxHashMap::default(), roles: Vec::new(), id: next_id() }
    }
}

/// A fresh [`RoleNouns::id`] (never 0).
fn next_id() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed).max(1)
}

impl RoleNouns {
    pub const FILE: &'static str = "roles.tsv";

    pub fn load(dirs: &DictDirs, diagnostics: &mut Diagnostics) -> RoleNouns {
        let mut nouns = RoleNouns::default();
        for path in dirs.rule_files(Self::FILE) {
            let Some(table) = tsv::read_tsv(&path, &["role", "refers_to"], diagnostics) else { continue };
            for row in &table.rows {
                let role = table.field(row, "role");
                let refers_to = match EntityType::parse(table.field(row, "refers_to")) {
                    Some(t @ (EntityType::Per | EntityType::Org)) => t,
                    _ => {
                        diagnostics.error(
                            &path,
                            row.line,
                            format!("refers_to is {:?}; use PER or ORG", table.field(row, "refers_to")),
                        );
                        continue;
                    }
                };
                if role.is_empty() {
                    diagnostics.error(&path, row.line, "empty role");
                    continue;
                }
                let salient_fallback = match table.field(row, "fallback") {
                    "yes" => true,
                    "" | "no" => false,
                    other => {
                        diagnostics.error(
                            &path,
                            row.line,
                            format!("fallback is {other:?}; use yes, no or leave it empty"),
                        );
                        continue;
                    }
                };
                let forms = table.field(row, "forms");
                let role = RoleNoun { role: role.to_string(), refers_to, salient_fallback };
                nouns.add(role, forms.split('|').map(str::trim).filter(|f| !f.is_empty()));
            }
        }
        nouns
    }

    fn add<'a>(&mut self, role: RoleNoun, forms: impl Iterator<Item = &'a str>) {
        self.id = next_id();
        let id = self.roles.len();
        self.by_form.insert(fold_str(&role.role), id);
        self.roles.push(role);
        for form in forms {
            self.by_form.insert(fold_str(form), id);
        }
    }

    /// The role noun one of whose forms is `word` (any case, `ё` = `е`).
    pub fn lookup(&self, word: &str) -> Option<&RoleNoun> {
        self.lookup_folded(&fold_str(word))
    }

    /// [`RoleNouns::lookup`] of a word already folded (`fold_str`): no allocation.
    pub fn lookup_folded(&self, folded: &str) -> Option<&RoleNoun> {
        self.by_form.get(folded).map(|&i| &self.roles[i])
    }

    /// See the `id` field.
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_roles_resolve_every_form() {
        let dirs = DictDirs::new(vec![concat!(env!("CARGO_MANIFEST_DIR"), "/dictionaries").into()]);
        let mut d = Diagnostics::default();
        let roles = RoleNouns::load(&dirs, &mut d);
        assert!(!d.has_errors(), "{:?}", d.items);
        assert_eq!(roles.lookup("Министром").unwrap().role, "министр");
        assert_eq!(roles.lookup("главой").unwrap().refers_to, EntityType::Per);
        assert_eq!(roles.lookup("ведомства").unwrap().refers_to, EntityType::Org);
        assert!(roles.lookup("сказал").is_none());
        assert!(roles.lookup("министр").unwrap().salient_fallback);
        assert!(!roles.lookup("эксперта").unwrap().salient_fallback);
    }
}
