//! Populations joined from a separate table (`--population FILE`), as INSEE publishes
//! them: `;`-separated CSV, often Windows-1252, or a spreadsheet; the code in one column
//! (`CODGEO`, `COM`, `DEPCOM`…) or split between `CODDEP` and `CODCOM`.

use crate::error::{Error, Result};
use crate::model::provenance::{file_name, listing, AssumptionKind, Provenance};
use crate::model::{InseeCode, Unit, MOST_INHABITANTS};
use crate::read::cpts_attributes::find_column;
use crate::read::table::{read_table, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where the populations are, and which columns hold them.
#[derive(Debug, Clone, Default)]
pub struct PopulationTable {
    pub path: PathBuf,
    /// Column of the INSEE code (default: recognised names, or `CODDEP` + `CODCOM`).
    pub code_column: Option<String>,
    /// Column of the population (default: `PMUN`, `P21_POP`…, `population`).
    pub value_column: Option<String>,
}

/// Column names recognised for the commune code, in INSEE's files first.
const CODE_COLUMNS: &[&str] = &[
    "CODGEO",
    "DEPCOM",
    "COM",
    "code_insee",
    "code_commune_insee",
    "insee",
    "code",
];
/// Column names recognised for the population: the population municipale first.
const VALUE_COLUMNS: &[&str] = &[
    "PMUN",
    "P22_POP",
    "P21_POP",
    "P20_POP",
    "P19_POP",
    "population_municipale",
    "population",
    "PTOT",
];

/// The populations of a table, by code.
pub struct Populations {
    by_code: HashMap<InseeCode, f64>,
    /// `FILE, column PMUN`: said in the summary.
    pub source: String,
}

impl PopulationTable {
    /// Reads the table.
    pub fn read(&self, provenance: &mut Provenance) -> Result<Populations> {
        let path = &self.path;
        let given = [&self.code_column, &self.value_column];
        let known: Vec<&str> = [CODE_COLUMNS, VALUE_COLUMNS, &["CODCOM"]]
            .concat()
            .into_iter()
            .chain(given.into_iter().flatten().map(String::as_str))
            .collect();
        let table = read_table(path, None, &known, "population", provenance)?;
        let value = find_column(
            path,
            &table,
            self.value_column.as_deref(),
            VALUE_COLUMNS,
            "populations",
            Some("--population-column"),
            provenance,
        )?
        .ok_or_else(|| missing(path, &table, "the population", "--population-column"))?;
        let code = self.code_reader(&table, provenance)?;
        let mut by_code = HashMap::with_capacity(table.rows.len());
        for row in &table.rows {
            let raw = code.code(&row.cells);
            let Some((insee, _)) = InseeCode::parse(&raw) else {
                // Totals and notes below the data.
                continue;
            };
            let text = row
                .cell(value)
                .replace([' ', '\u{a0}', '\u{202f}'], "")
                .replace(',', ".");
            let population: f64 = text
                .parse()
                .ok()
                .filter(|p: &f64| p.is_finite() && (0.0..=MOST_INHABITANTS).contains(p))
                .ok_or_else(|| {
                    Error::input(
                        path,
                        &row.place,
                        format!(
                            "the population of {insee} is `{}`, not a number of inhabitants (0 to {MOST_INHABITANTS})",
                            row.cell(value)
                        ),
                        "correct the cell, or name the population column with --population-column",
                    )
                })?;
            if by_code.insert(insee.clone(), population).is_some() {
                return Err(Error::input(
                    path,
                    &row.place,
                    format!("the code {insee} appears twice"),
                    "keep one row per commune",
                ));
            }
        }
        Ok(Populations {
            by_code,
            source: format!("{}, column {}", file_name(path), table.columns[value]),
        })
    }

    /// Where a row's code is: one column, or `CODDEP` followed by `CODCOM`.
    fn code_reader(&self, table: &Table, provenance: &mut Provenance) -> Result<CodeColumns> {
        let path = &self.path;
        let column = find_column(
            path,
            table,
            self.code_column.as_deref(),
            CODE_COLUMNS,
            "commune codes",
            Some("--population-code-column"),
            provenance,
        )?;
        match (column, table.position("CODDEP"), table.position("CODCOM")) {
            // INSEE's `COM` holds the name in the légales files, the code elsewhere: a
            // département and a commune number win over it.
            (_, Some(d), Some(c)) if self.code_column.is_none() => Ok(CodeColumns::Split(d, c)),
            (Some(c), _, _) => Ok(CodeColumns::One(c)),
            _ => Err(missing(
                path,
                table,
                "the commune code",
                "--population-code-column",
            )),
        }
    }
}

/// The columns of a table's commune codes.
enum CodeColumns {
    One(usize),
    /// The département, then the commune's number in it.
    Split(usize, usize),
}

impl CodeColumns {
    fn code(&self, cells: &[String]) -> String {
        let cell = |c: usize| cells.get(c).map(String::as_str).unwrap_or("");
        match *self {
            CodeColumns::One(c) => cell(c).to_string(),
            CodeColumns::Split(d, c) => format!("{}{}", cell(d), cell(c)),
        }
    }
}

fn missing(path: &Path, table: &Table, what: &str, flag: &str) -> Error {
    Error::input(
        path,
        "the header",
        format!(
            "no column gives {what} (columns: {})",
            table.columns.join(", ")
        ),
        format!("name it with {flag}"),
    )
}

impl Populations {
    /// Gives every commune its population from the table; an arrondissement absent from
    /// it keeps the population of its layer. A commune absent from the table is an
    /// error; table rows matching no unit (another territory) are counted.
    pub fn apply(
        &self,
        path: &Path,
        units: &mut [Unit],
        provenance: &mut Provenance,
    ) -> Result<()> {
        let mut absent = Vec::new();
        let mut used = std::collections::HashSet::new();
        for u in units.iter_mut() {
            used.insert(u.commune.clone());
            match self.by_code.get(&u.code) {
                Some(&p) => {
                    u.population = p;
                    used.insert(u.code.clone());
                }
                None if u.commune != u.code => {}
                None => absent.push(u.code.to_string()),
            }
        }
        if !absent.is_empty() {
            return Err(Error::input(
                path,
                format!("{} communes", absent.len()),
                format!("no population for {}", listing(&absent, 20)),
                "give a table of the same code vintage (COG) as the communes layer",
            ));
        }
        let unused = self.by_code.keys().filter(|c| !used.contains(*c)).count();
        if unused > 0 {
            provenance.assume(
                AssumptionKind::OutsideTerritory,
                unused,
                format!("population: {unused} rows of the table match no commune of the layer (another territory), left aside"),
                match unused {
                    1 => "population : 1 ligne de la table ne correspond à aucune commune de la couche (un autre territoire), laissée de côté".to_string(),
                    _ => format!("population : {unused} lignes de la table ne correspondent à aucune commune de la couche (un autre territoire), laissées de côté"),
                },
            );
        }
        Ok(())
    }
}
