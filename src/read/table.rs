//! Tables as planners send them: CSV (UTF-8 or Windows-1252; `;`, `,` or tab separated)
//! and spreadsheets (`.xlsx`, `.xls`, `.ods`), with the header row found below any
//! title lines.

use crate::error::{Error, Result};
use crate::model::provenance::{role_fr, AssumptionKind, Provenance};
use crate::read::ods_extent;
use crate::read::vocabulary::fold;
use calamine::{open_workbook_auto, Data, Dimensions, Reader, Sheets};
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

/// The names of a spreadsheet's sheets, in order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>> {
    let book = open_workbook_auto(path).map_err(|e| {
        Error::input(
            path,
            "the whole file",
            format!("unreadable spreadsheet: {e}"),
            "save it again from LibreOffice or Excel as .xlsx or .ods, or as CSV",
        )
    })?;
    Ok(book.sheet_names())
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
        (read_csv(path, &known, role, provenance)?, "csv".to_string())
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
        .map(|c| printable(c.trim_start_matches('\u{feff}')))
        .collect();
    let table = Table {
        columns,
        rows: rows.map(|(place, cells)| Row { place, cells }).collect(),
    };
    refuse_second_header(path, &table)?;
    Ok(table)
}

/// Refuses a row repeating the header (a second table pasted below the first): its
/// cells were read as values ("Statut" an unknown status).
fn refuse_second_header(path: &Path, table: &Table) -> Result<()> {
    let names: Vec<String> = table.columns.iter().map(|c| fold(c)).collect();
    for row in &table.rows {
        let filled: Vec<(usize, &String)> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let repeated = filled
            .iter()
            .filter(|(i, c)| {
                names
                    .get(*i)
                    .is_some_and(|n| !n.is_empty() && *n == fold(c))
            })
            .count();
        if repeated >= 2 && repeated == filled.len() {
            return Err(Error::input(
                path,
                &row.place,
                format!(
                    "this row repeats the header ({}): a second table below the first?",
                    printable(&table.columns.join(", "))
                ),
                "remove the repeated header (and any title line above it), keeping one table",
            ));
        }
    }
    Ok(())
}

type Grid = Vec<(String, Vec<String>)>;

fn read_csv(
    path: &Path,
    known: &[String],
    role: &str,
    provenance: &mut Provenance,
) -> Result<Grid> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let utf16 = match bytes.get(..2) {
        Some([0xff, 0xfe]) => Some(encoding_rs::UTF_16LE),
        Some([0xfe, 0xff]) => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Excel's "Unicode text": UTF-16 with its byte order mark.
        Err(e) if utf16.is_some() => {
            let encoding = utf16.expect("checked");
            let (text, _, _) = encoding.decode(e.as_bytes());
            provenance.assume(
                AssumptionKind::Encoding,
                1,
                format!(
                    "{role}: the table is {} (its byte order mark says so)",
                    encoding.name()
                ),
                format!(
                    "{} : la table est en {} (sa marque d'ordre des octets le dit)",
                    role_fr(role),
                    encoding.name()
                ),
            );
            text.into_owned()
        }
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            provenance.assume(
                AssumptionKind::Encoding,
                1,
                format!("{role}: the table is not UTF-8; read as Windows-1252 (Latin-1)"),
                format!(
                    "{} : la table n'est pas en UTF-8 ; lue en Windows-1252 (Latin-1)",
                    role_fr(role)
                ),
            );
            text.into_owned()
        }
    };
    let delimiter = csv_delimiter(&text, known);
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
            if let Some(cell) = record
                .iter()
                .find(|c| c.contains('\n') && c.contains(delimiter))
            {
                return Err(unclosed_quote(path, line, cell, delimiter));
            }
            let cells = record.iter().map(|c| c.trim().to_string()).collect();
            Ok((format!("line {line}"), cells))
        })
        .collect()
}

/// The separator of a CSV, guessed from its header: the first of the first lines that,
/// split by `;`, `,` or tab, names one of the `known` columns (folded), so that a title
/// line above it ("Populations légales, 2021") does not decide; else the first line.
/// Among the separators naming a known column, the most frequent on the line (`;` on a
/// tie).
fn csv_delimiter(text: &str, known: &[String]) -> char {
    const SEPARATORS: [char; 3] = [';', ',', '\t'];
    let names_known = |line: &str, d: char| {
        line.split(d)
            .any(|cell| known.contains(&fold(cell.trim().trim_matches('"'))))
    };
    let lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .clone()
        .take(HEADER_SEARCH)
        .find(|line| SEPARATORS.iter().any(|&d| names_known(line, d)));
    let (line, candidates): (&str, Vec<char>) = match header {
        Some(line) => (
            line,
            SEPARATORS
                .into_iter()
                .filter(|&d| names_known(line, d))
                .collect(),
        ),
        None => (
            lines.clone().next().unwrap_or_default(),
            SEPARATORS.to_vec(),
        ),
    };
    let count = |c: char| line.matches(c).count();
    candidates
        .into_iter()
        .max_by_key(|&d| (count(d), d == ';'))
        .unwrap_or(';')
}

/// A quote opened in a cell and closed lines below (or never): the cell swallowed the
/// separators and lines after it, and the rows read short.
fn unclosed_quote(path: &Path, line: u64, cell: &str, delimiter: char) -> Error {
    let first = cell.lines().next().unwrap_or_default();
    Error::input(
        path,
        format!("line {line}"),
        format!(
            "a quote (\") opens a cell here and is not closed on the line: the cell `{}…` runs over {} lines and their `{}` separators",
            printable(first),
            cell.lines().count(),
            printable(&delimiter.to_string())
        ),
        "close the quote, or remove it (a quote inside a cell is written twice: \"\")",
    )
}

/// Text as a message may show it: control characters (a terminal's escape sequences)
/// written as escapes, `\u{1b}`.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
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

/// The sheet `sheet` names, else the first (stated when there are others).
fn chosen_sheet(
    path: &Path,
    names: &[String],
    sheet: Option<&str>,
    role: &str,
    provenance: &mut Provenance,
) -> Result<String> {
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
            .ok_or_else(|| {
                Error::input(
                    path,
                    "the whole file",
                    "unreadable spreadsheet: the workbook has no sheet",
                    "save it again from LibreOffice or Excel as .xlsx or .ods, or as CSV",
                )
            })?
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
            format!(
                "{} : lu la première feuille « {name} » sur {} (autres : {} ; en choisir une avec --sheet)",
                role_fr(role),
                names.len(),
                names[1..].join(", ")
            ),
        );
    }
    Ok(name)
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
    let limit = cell_limit(path);
    // calamine builds every sheet of an .ods when it opens the workbook.
    if extension(path) == "ods" {
        let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
        if let Some((name, cells)) = ods_extent::largest_sheet(file) {
            if cells > limit as u64 {
                return Err(too_many_cells(path, &name, limit));
            }
        }
    }
    let mut book = open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let name = chosen_sheet(path, &book.sheet_names(), sheet, role, provenance)?;
    let cells = match &mut book {
        // The cells one by one: calamine sizes a Range from the farthest cell, so one
        // stray cell at XFD1048576 would ask for 549 GB.
        Sheets::Xlsx(xlsx) => {
            let merged: Vec<Dimensions> = xlsx
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| unreadable(&e))?;
            let mut reader = xlsx
                .worksheet_cells_reader(&name)
                .map_err(|e| unreadable(&e))?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                let text = cell_text(&Data::from(cell.get_value().clone()));
                if !text.is_empty() {
                    let (row, column) = cell.get_position();
                    cells.push((row, column, text));
                    if cells.len() > limit {
                        return Err(too_many_cells(path, &name, limit));
                    }
                }
            }
            drop(reader);
            fill_merged(path, &name, &mut cells, &merged, limit, role, provenance)?;
            cells
        }
        // calamine caps what these formats may expand to (.ods: 100 million cells;
        // .xls: 65 536 rows of 256 columns); an .ods was measured before it was opened.
        book => {
            let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            let (row0, column0) = range.start().unwrap_or((0, 0));
            range
                .used_cells()
                .map(|(r, c, cell)| (row0 + r as u32, column0 + c as u32, cell_text(cell)))
                .filter(|(_, _, text)| !text.is_empty())
                .collect()
        }
    };
    sparse_grid(path, &name, cells, limit)
}

/// The most cells a sheet may hold or spread over: a table of a commune a row takes a
/// few dozen bytes of the file per row; a bomb (cells compressed to nothing, cells
/// scattered so that the rows between them are wide) is refused before it is built.
fn cell_limit(path: &Path) -> usize {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(8)
        .saturating_add(1_000_000)
}

fn too_many_cells(path: &Path, sheet: &str, limit: usize) -> Error {
    Error::input(
        path,
        format!("sheet {sheet}"),
        format!(
            "the sheet holds more than {limit} cells, more than a file of this size holds as a table (a compressed bomb?)"
        ),
        "save the table again from LibreOffice or Excel, or as CSV",
    )
}

/// Cells merged down several rows (a CPTS's name beside each of its communes) hold
/// their value in the first row only: it is given to every row of the region, and
/// stated. Cells merged across columns (a title) are left as they are: their value
/// belongs to the first column.
fn fill_merged(
    path: &Path,
    sheet: &str,
    cells: &mut Vec<(u32, u32, String)>,
    merged: &[Dimensions],
    limit: usize,
    role: &str,
    provenance: &mut Provenance,
) -> Result<()> {
    let values: std::collections::HashMap<(u32, u32), String> = cells
        .iter()
        .map(|(r, c, text)| ((*r, *c), text.clone()))
        .collect();
    let mut filled = Vec::new();
    for region in merged.iter().filter(|m| m.end.0 > m.start.0) {
        let Some(value) = values.get(&region.start) else {
            continue;
        };
        let column = region.start.1;
        for row in region.start.0 + 1..=region.end.0 {
            if cells.len() >= limit {
                return Err(too_many_cells(path, sheet, limit));
            }
            if !values.contains_key(&(row, column)) {
                cells.push((row, column, value.clone()));
            }
        }
        filled.push(format!(
            "{}:{}",
            cell_name(region.start.0, column),
            cell_name(region.end.0, column)
        ));
    }
    if !filled.is_empty() {
        provenance.assume(
            AssumptionKind::Sheet,
            filled.len(),
            format!(
                "{role}: merged cells {} read as their value on each of their rows",
                crate::model::provenance::listing(&filled, 5)
            ),
            format!(
                "{} : cellules fusionnées {} lues comme leur valeur sur chacune de leurs lignes",
                role_fr(role),
                crate::model::provenance::listing_fr(&filled, 5)
            ),
        );
    }
    Ok(())
}

/// The rows holding cells, each with the columns holding cells anywhere in the sheet
/// (empty columns and rows left out), each row as long as its last cell.
fn sparse_grid(
    path: &Path,
    sheet: &str,
    mut cells: Vec<(u32, u32, String)>,
    limit: usize,
) -> Result<Grid> {
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let mut columns: Vec<u32> = cells.iter().map(|&(_, column, _)| column).collect();
    columns.sort_unstable();
    columns.dedup();
    let dense = |column: u32| columns.binary_search(&column).unwrap_or(0);
    let mut widths: Vec<(u32, usize)> = Vec::new();
    for &(row, column, _) in &cells {
        match widths.last_mut() {
            Some((r, width)) if *r == row => *width = dense(column) + 1,
            _ => widths.push((row, dense(column) + 1)),
        }
    }
    let spread: usize = widths.iter().map(|&(_, w)| w).sum();
    if spread > limit {
        let last = cells
            .last()
            .map(|&(r, c, _)| cell_name(r, c))
            .unwrap_or_default();
        return Err(Error::input(
            path,
            format!("sheet {sheet}"),
            format!(
                "{} cells are scattered over {} rows and {} columns (up to {last}): \
                 a grid of {spread} cells, too sparse to be a table",
                cells.len(),
                widths.len(),
                columns.len()
            ),
            "copy the table alone into a new sheet (or save it as CSV), leaving out the stray cells",
        ));
    }
    let mut grid: Grid = Vec::with_capacity(widths.len());
    let mut cells = cells.into_iter().peekable();
    for (row, width) in widths {
        let mut line = vec![String::new(); width];
        while let Some((_, column, text)) = cells.next_if(|&(r, _, _)| r == row) {
            line[dense(column)] = text;
        }
        grid.push((format!("sheet {sheet}, row {}", row as usize + 1), line));
    }
    Ok(grid)
}

/// A cell's name as a spreadsheet shows it: `XFD1048576`.
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row as u64 + 1)
}

/// A cell as text: whole numbers without a decimal point (an INSEE code typed as a
/// number reads `6088`, not `6088.0`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_string(),
    }
}
