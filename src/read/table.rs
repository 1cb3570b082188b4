//! Tables as planners send them: CSV (UTF-8 or Windows-1252; `;`, `,` or tab separated)
//! and spreadsheets (`.xlsx`, `.xls`, `.ods`), with the header row found below any
//! title lines.

use crate::error::{Error, Result};
use crate::model::provenance::{AssumptionKind, Provenance};
use crate::read::vocabulary::fold;
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// A table: its header and its rows, each with the place a message should name.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row below the header.
#[derive(Debug, Clone)]
pub struct Row {
    /// `line 12` in a CSV, `sheet Feuil1, row 12` in a spreadsheet.
    pub place: String,
    /// Cells trimmed, as text; missing cells are empty.
    pub cells: Vec<String>,
}

impl Table {
    /// The column named `name`, compared folded (case, accents, `_` and blanks ignored).
    pub fn position(&self, name: &str) -> Option<usize> {
        let name = fold(name);
        self.columns.iter().position(|c| fold(c) == name)
    }
}

impl Row {
    /// The cell of column `c`, empty when the row is short.
    pub fn cell(&self, c: usize) -> &str {
        self.cells.get(c).map(String::as_str).unwrap_or("")
    }
}

/// Rows searched for the header: title lines above it are skipped.
const HEADER_SEARCH: usize = 20;

/// Whether `path` is a spreadsheet this reader opens.
pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase()
}

/// Reads a table; its header is the first of the first rows naming one of `known`
/// columns, compared folded (or the first non-empty row). `sheet` picks a spreadsheet's sheet (default: the
/// first). Records the file in `provenance` as the `role` input.
pub fn read_table(
    path: &Path,
    sheet: Option<&str>,
    known: &[&str],
    role: &str,
    provenance: &mut Provenance,
) -> Result<Table> {
    let known: Vec<String> = known.iter().map(|c| fold(c)).collect();
    let (grid, format) = if is_spreadsheet(path) {
        (read_sheet(path, sheet, role, provenance)?, extension(path))
    } else {
        (read_csv(path, role, provenance)?, "csv".to_string())
    };
    provenance.read(role, path, &format, None);
    let filled = |cells: &[String]| cells.iter().any(|c| !c.is_empty());
    let header = grid
        .iter()
        .filter(|(_, cells)| filled(cells))
        .take(HEADER_SEARCH)
        .position(|(_, cells)| cells.iter().any(|c| known.contains(&fold(c))))
        .unwrap_or(0);
    let mut rows = grid
        .into_iter()
        .filter(|(_, cells)| filled(cells))
        .skip(header);
    let Some((_, columns)) = rows.next() else {
        return Err(Error::input(
            path,
            "the whole file",
            "the table is empty",
            "give a table with a header row and one row per line",
        ));
    };
    let columns = columns
        .into_iter()
        .map(|c| c.trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok(Table {
        columns,
        rows: rows.map(|(place, cells)| Row { place, cells }).collect(),
    })
}

type Grid = Vec<(String, Vec<String>)>;

fn read_csv(path: &Path, role: &str, provenance: &mut Provenance) -> Result<Grid> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            provenance.assume(
                AssumptionKind::Encoding,
                1,
                format!("{role}: the table is not UTF-8; read as Windows-1252 (Latin-1)"),
            );
            text.into_owned()
        }
    };
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.matches(c).count();
    let delimiter = [';', ',', '\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == ';'))
        .unwrap_or(';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let cells = record.iter().map(|c| c.trim().to_string()).collect();
            Ok((format!("line {line}"), cells))
        })
        .collect()
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let place = e
        .position()
        .map(|p| format!("line {}", p.line()))
        .unwrap_or_else(|| "the whole file".into());
    Error::input(
        path,
        place,
        format!("unreadable CSV: {e}"),
        "save the table as CSV separated by `;`, `,` or tabs",
    )
}

fn read_sheet(
    path: &Path,
    sheet: Option<&str>,
    role: &str,
    provenance: &mut Provenance,
) -> Result<Grid> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::input(
            path,
            "the whole file",
            format!("unreadable spreadsheet: {e}"),
            "save it again from LibreOffice or Excel as .xlsx or .ods, or as CSV",
        )
    };
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .ok_or_else(|| {
                Error::input(
                    path,
                    format!("sheet {wanted:?}"),
                    format!("no such sheet (sheets: {})", names.join(", ")),
                    "give one of these names with --sheet",
                )
            })?
            .clone(),
        None => names
            .first()
            .ok_or_else(|| unreadable(&"the workbook has no sheet"))?
            .clone(),
    };
    if names.len() > 1 && sheet.is_none() {
        provenance.assume(
            AssumptionKind::Sheet,
            1,
            format!(
                "{role}: read the first sheet {name:?} of {} (others: {}; choose with --sheet)",
                names.len(),
                names[1..].join(", ")
            ),
        );
    }
    let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
    let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let place = format!("sheet {name}, row {}", first_row as usize + i + 1);
            (place, cells.iter().map(cell_text).collect())
        })
        .collect())
}

/// A cell as text: whole numbers without a decimal point (an INSEE code typed as a
/// number reads `6088`, not `6088.0`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_string(),
    }
}
