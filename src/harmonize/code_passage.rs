//! Harmonising INSEE codes across vintages of the Code officiel géographique: a passage
//! table (old code → current code) maps the codes of merged communes in a membership
//! list to the commune that absorbed them. The table shipped in `data/code_passage.csv`
//! (written by `scripts/make_code_passage.py` from `@etalab/decoupage-administratif`:
//! today's delegated and associated communes and `anciensCodes`, and the COG history
//! to 2019) is used unless `--code-passage FILE` gives another, such as INSEE's own.

use crate::error::{Error, Result};
use crate::model::provenance::Provenance;
use crate::model::InseeCode;
use crate::read::cpts_attributes::find_column;
use crate::read::table::read_table;
use crate::read::vocabulary::fold;
use std::collections::HashMap;
use std::path::Path;

/// Old codes and the codes that replaced them.
#[derive(Debug, Clone)]
pub struct CodePassage {
    current: HashMap<InseeCode, InseeCode>,
    /// Where the table comes from, as the assumptions name it.
    pub source: String,
}

/// The passage table shipped with the engine.
pub const SHIPPED: &str = include_str!("../../data/code_passage.csv");

/// Column names recognised for the old code.
const OLD_COLUMNS: &[&str] = &[
    "ancien_code",
    "code_ancien",
    "old_code",
    "codgeo_ini",
    "com_ini",
    "depcom_ini",
];
/// Column names recognised for the current code (INSEE's `CODGEO_2024`… also).
const NEW_COLUMNS: &[&str] = &[
    "nouveau_code",
    "code_nouveau",
    "new_code",
    "code_actuel",
    "chef_lieu",
    "com_fin",
];

/// Merges of merges are followed this far.
const CHAIN: usize = 8;

impl CodePassage {
    /// Reads a passage table (CSV or spreadsheet).
    pub fn read(path: &Path, provenance: &mut Provenance) -> Result<CodePassage> {
        let known = [OLD_COLUMNS, NEW_COLUMNS].concat();
        let table = read_table(path, None, &known, "code passage", provenance)?;
        let mut column =
            |candidates, what| find_column(path, &table, None, candidates, what, None, provenance);
        let old = column(OLD_COLUMNS, "old codes")?;
        let new = column(NEW_COLUMNS, "current codes")?.or_else(|| {
            // INSEE's tables name the current code after the vintage: CODGEO_2024.
            table
                .columns
                .iter()
                .rposition(|c| fold(c).starts_with("codgeo 20"))
        });
        let (Some(old), Some(new)) = (old, new) else {
            return Err(Error::input(
                path,
                "the header",
                format!(
                    "no old and current code columns (columns: {})",
                    table.columns.join(", ")
                ),
                "name them ancien_code and nouveau_code (INSEE: CODGEO_INI and CODGEO_2024)",
            ));
        };
        let mut current = HashMap::new();
        for row in &table.rows {
            let parse = |c: usize| InseeCode::parse(row.cell(c)).map(|(code, _)| code);
            let (Some(from), Some(to)) = (parse(old), parse(new)) else {
                return Err(Error::input(
                    path,
                    &row.place,
                    format!(
                        "`{}` → `{}` is not a pair of INSEE codes",
                        row.cell(old),
                        row.cell(new)
                    ),
                    "give one old code and its current code per row",
                ));
            };
            if from != to {
                current.insert(from, to);
            }
        }
        Ok(CodePassage {
            current,
            source: crate::model::provenance::file_name(path),
        })
    }

    /// The shipped table, `data/code_passage.csv` (`ancien_code;nouveau_code;ancien_nom`).
    pub fn shipped() -> CodePassage {
        let current = SHIPPED
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cells = line.split(';');
                let old = InseeCode::parse(cells.next()?)?.0;
                let new = InseeCode::parse(cells.next()?)?.0;
                Some((old, new))
            })
            .collect();
        CodePassage {
            current,
            source: "data/code_passage.csv".into(),
        }
    }

    /// Whether `code` replaced another: the code of a commune that absorbed others.
    pub fn replaces_some(&self, code: &InseeCode) -> bool {
        self.current.values().any(|c| c == code)
    }

    /// The current code of an old one (following merges of merges), if it changed.
    pub fn current(&self, code: &InseeCode) -> Option<&InseeCode> {
        let mut found = self.current.get(code)?;
        for _ in 0..CHAIN {
            match self.current.get(found) {
                Some(next) if next != code => found = next,
                _ => break,
            }
        }
        Some(found)
    }
}
