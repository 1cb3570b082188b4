//! The tables of access to general practitioners, as they are published: the DREES APL
//! workbook (title rows, a header, a units row; one sheet per vintage, `APL 2023`), a
//! CartoSanté export (two title lines, then `Code;Libellé;<indicator>`) or any table
//! with a commune code and a value; and the ARS doctor zoning, from CartoSanté
//! (`1_ZIP`… `6_HZ`) or from the DREES zoning tool (`Zone d'intervention prioritaire`…).

use crate::error::{Error, Result};
use crate::model::access::{Indicator, Zoning};
use crate::model::provenance::{file_name, listing, listing_fr, AssumptionKind, Provenance};
use crate::model::InseeCode;
use crate::read::table::{is_spreadsheet, read_table, sheet_names, Table};
use crate::read::vocabulary::fold;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Header names of the commune code, compared folded: DREES, CartoSanté, INSEE.
const CODE_COLUMNS: &[&str] = &[
    "Code commune INSEE",
    "Code de la commune",
    "Code commune",
    "Code",
    "CODGEO",
    "code_insee",
    "insee",
    "DEPCOM",
];
/// Columns naming the commune, never a value.
const NAME_COLUMNS: &[&str] = &[
    "commune",
    "libelle",
    "nom",
    "libelle de la commune",
    "libgeo",
];

/// An APL table to read: `--apl FILE`, `--apl-sheet NAME`.
#[derive(Debug, Clone, Default)]
pub struct AplFile {
    pub path: PathBuf,
    pub sheet: Option<String>,
}

/// One row of an APL table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AplRow {
    pub apl: Option<f64>,
    /// The standardised population, the weight of a mean (DREES's rule).
    pub standardised: Option<f64>,
    /// The population the file gives.
    pub population: Option<f64>,
}

/// The APL of each commune code of a table.
#[derive(Debug, Clone)]
pub struct AplTable {
    pub indicator: Indicator,
    pub rows: BTreeMap<InseeCode, AplRow>,
}

/// The column whose folded name begins with one of `prefixes` (in their order).
fn column_starting(table: &Table, prefixes: &[&str]) -> Option<usize> {
    prefixes.iter().find_map(|p| {
        let p = fold(p);
        table.columns.iter().position(|c| fold(c).starts_with(&p))
    })
}

/// The commune code column, or an error naming the columns.
fn code_column(path: &Path, table: &Table, what: &str) -> Result<usize> {
    CODE_COLUMNS
        .iter()
        .find_map(|c| table.position(c))
        .ok_or_else(|| {
            Error::input(
                path,
                "the header",
                format!(
                    "no commune code column in this {what} (columns: {})",
                    table.columns.join(", ")
                ),
                "give a table whose header names the code `Code commune INSEE`, `Code` or `CODGEO`",
            )
        })
}

/// A number as the tables write it: `2.5`, `2,5`; none when empty or not a number.
fn number(cell: &str) -> Option<f64> {
    let cell = cell.trim().replace(['\u{a0}', '\u{202f}', ' '], "");
    cell.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

impl AplFile {
    /// The sheet to read: the one given, or the latest `APL YYYY` of a DREES workbook,
    /// or the first.
    fn sheet(&self) -> Result<Option<String>> {
        if !is_spreadsheet(&self.path) {
            return Ok(None);
        }
        let names = sheet_names(&self.path)?;
        if let Some(wanted) = &self.sheet {
            return match names.iter().find(|n| fold(n) == fold(wanted)) {
                Some(name) => Ok(Some(name.clone())),
                None => Err(Error::input(
                    &self.path,
                    format!("sheet {wanted:?}"),
                    format!("no such sheet (sheets: {})", names.join(", ")),
                    "give one of these names with --apl-sheet",
                )),
            };
        }
        let vintage = |name: &str| -> Option<u32> {
            let rest = fold(name).strip_prefix("apl ")?.to_string();
            rest.parse().ok()
        };
        Ok(names
            .iter()
            .filter_map(|n| Some((vintage(n)?, n)))
            .max()
            .map(|(_, n)| n.clone())
            .or_else(|| names.first().cloned()))
    }

    /// Reads the table: its code, APL and standardised population columns found by
    /// their beginning, the rows without a code (the units row, notes) skipped.
    pub fn read(&self, provenance: &mut Provenance) -> Result<AplTable> {
        let path = &self.path;
        let sheet = self.sheet()?;
        let table = read_table(path, sheet.as_deref(), CODE_COLUMNS, "apl", provenance)?;
        let code = code_column(path, &table, "APL table")?;
        let value = column_starting(&table, &["APL"])
            .or_else(|| {
                // A CartoSanté export or a table of two columns: the first after the code
                // that is neither a name nor a population.
                (0..table.columns.len()).find(|&c| {
                    let name = fold(&table.columns[c]);
                    c != code
                        && !NAME_COLUMNS.contains(&name.as_str())
                        && !name.starts_with("population")
                })
            })
            .ok_or_else(|| {
                Error::input(
                    path,
                    "the header",
                    format!("no APL column (columns: {})", table.columns.join(", ")),
                    "give a table with the commune code and a column named `APL…`",
                )
            })?;
        let standardised = column_starting(&table, &["Population standardisee"]);
        let population = column_starting(&table, &["Population totale"]);
        let mut rows = BTreeMap::new();
        let mut skipped = 0;
        let mut unreadable = Vec::new();
        for row in &table.rows {
            let Some((code, _)) = InseeCode::parse(row.cell(code)) else {
                skipped += usize::from(!row.cell(code).is_empty());
                continue;
            };
            let apl = number(row.cell(value));
            if apl.is_none() && !row.cell(value).is_empty() {
                unreadable.push(format!("{} `{}`", code, row.cell(value)));
            }
            rows.insert(
                code,
                AplRow {
                    apl,
                    standardised: standardised.and_then(|c| number(row.cell(c))),
                    population: population.and_then(|c| number(row.cell(c))),
                },
            );
        }
        if skipped > 0 {
            provenance.assume(
                AssumptionKind::Access,
                skipped,
                format!("APL: {skipped} rows without a commune code skipped (notes, totals)"),
                format!("APL : {skipped} lignes sans code de commune ignorées (notes, totaux)"),
            );
        }
        if !unreadable.is_empty() {
            provenance.assume(
                AssumptionKind::Access,
                unreadable.len(),
                format!(
                    "APL: values that are not numbers read as no value: {}",
                    listing(&unreadable, 10)
                ),
                format!(
                    "APL : valeurs qui ne sont pas des nombres lues comme sans valeur : {}",
                    listing_fr(&unreadable, 10)
                ),
            );
        }
        let mut source = file_name(path);
        if let Some(sheet) = &sheet {
            source.push_str(&format!(", sheet {sheet}"));
        }
        source.push_str(&format!(", column {}", table.columns[value]));
        Ok(AplTable {
            indicator: Indicator {
                name: table.columns[value].clone(),
                sheet,
                source,
                standardised: standardised.is_some(),
            },
            rows,
        })
    }
}

/// The zoning class a cell reads: CartoSanté's `1_ZIP`… `6_HZ`, or the zoning tool's
/// words.
fn zoning_class(cell: &str) -> Option<Zoning> {
    let folded = fold(cell);
    let code = folded.replace(' ', "_");
    let class = match code.as_str() {
        "1_zip" | "3_qpv_zip" | "zip" => Zoning::Zip,
        "2_zac" | "4_qpv_zac" | "zac" => Zoning::Zac,
        "5_zv" | "zv" => Zoning::Vigilance,
        "6_hz" | "hz" => Zoning::Outside,
        _ if folded.starts_with("zone d intervention prioritaire") => Zoning::Zip,
        _ if folded.starts_with("zone d action complementaire") => Zoning::Zac,
        _ if folded.starts_with("zone de vigilance") => Zoning::Vigilance,
        _ if folded.starts_with("hors vivier") => Zoning::Outside,
        _ => return None,
    };
    Some(class)
}

/// The doctor zoning of each commune code.
#[derive(Debug, Clone)]
pub struct ZoningTable {
    /// `zonage.csv, column Zonage médecins`.
    pub source: String,
    pub rows: BTreeMap<InseeCode, Zoning>,
}

/// Reads a zoning table: the code column, and the zoning column (`Zonage…`, or the
/// first after the code that is not a name).
pub fn read_zoning(path: &Path, provenance: &mut Provenance) -> Result<ZoningTable> {
    let table = read_table(path, None, CODE_COLUMNS, "doctor zoning", provenance)?;
    let code = code_column(path, &table, "zoning table")?;
    let value = column_starting(&table, &["Zonage"])
        .or_else(|| {
            (0..table.columns.len())
                .find(|&c| c != code && !NAME_COLUMNS.contains(&fold(&table.columns[c]).as_str()))
        })
        .ok_or_else(|| {
            Error::input(
                path,
                "the header",
                format!("no zoning column (columns: {})", table.columns.join(", ")),
                "give a table with the commune code and a column named `Zonage`",
            )
        })?;
    let mut rows = BTreeMap::new();
    for row in &table.rows {
        let Some((code, _)) = InseeCode::parse(row.cell(code)) else {
            continue;
        };
        let cell = row.cell(value);
        if cell.is_empty() {
            continue;
        }
        let class = zoning_class(cell).ok_or_else(|| {
            Error::input(
                path,
                &row.place,
                format!("`{cell}` is no class of the doctor zoning"),
                "write 1_ZIP, 2_ZAC, 3_QPV_ZIP, 4_QPV_ZAC, 5_ZV or 6_HZ (CartoSanté), or \
                 Zone d'intervention prioritaire, Zone d'action complémentaire, Zone de \
                 vigilance, Hors vivier",
            )
        })?;
        rows.insert(code, class);
    }
    Ok(ZoningTable {
        source: format!("{}, column {}", file_name(path), table.columns[value]),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoning_classes_read_in_both_layouts() {
        assert_eq!(zoning_class("1_ZIP"), Some(Zoning::Zip));
        assert_eq!(zoning_class("3_QPV_ZIP"), Some(Zoning::Zip));
        assert_eq!(zoning_class("4_QPV_ZAC"), Some(Zoning::Zac));
        assert_eq!(zoning_class("6_HZ"), Some(Zoning::Outside));
        assert_eq!(
            zoning_class("Zone d'intervention prioritaire"),
            Some(Zoning::Zip)
        );
        assert_eq!(
            zoning_class("Zone d’action complémentaire"),
            Some(Zoning::Zac)
        );
        assert_eq!(zoning_class("Hors-vivier"), Some(Zoning::Outside));
        assert_eq!(zoning_class("Zone de vigilance"), Some(Zoning::Vigilance));
        assert_eq!(zoning_class("4_Tres_dotee"), None);
    }

    #[test]
    fn numbers_read_with_a_point_or_a_comma() {
        assert_eq!(number("2,5"), Some(2.5));
        assert_eq!(number(" 3.745 "), Some(3.745));
        assert_eq!(number(""), None);
        assert_eq!(number("n.d."), None);
    }
}
