//! The extent of an OpenDocument sheet, measured before calamine expands it: a few
//! bytes of `table:number-rows-repeated` and `table:number-columns-repeated` around one
//! stray cell make it build every cell between (a 1 KB file asked for 5.6 GB).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{BufReader, Read, Seek};

/// The largest sheet of the `.ods` read from `file`, by the cells calamine would build
/// for it when opening the workbook: the rows from the first to the last holding a
/// value, times the columns from the first to the last value of any row. `None` when
/// the file is no OpenDocument spreadsheet (calamine then says what is wrong).
pub fn largest_sheet(file: impl Read + Seek) -> Option<(String, u64)> {
    let mut archive = zip::ZipArchive::new(file).ok()?;
    let content = BufReader::new(archive.by_name("content.xml").ok()?);
    let mut reader = Reader::from_reader(content);
    let mut buf = Vec::new();
    let mut sheet: Option<(String, Extent)> = None;
    let mut largest: Option<(String, u64)> = None;
    loop {
        // A damaged file (a bad checksum, broken XML) is measured as far as it reads:
        // calamine may read further still.
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return widest(largest, sheet.map(|(name, extent)| (name, extent.cells())));
        };
        let empty = matches!(event, Event::Empty(_));
        match (event, &mut sheet) {
            (Event::Start(e), None) if e.name().into_inner() == "table:table" => {
                sheet = Some((
                    attribute(&e, "table:name").unwrap_or_default(),
                    Extent::default(),
                ));
            }
            (Event::Start(e) | Event::Empty(e), Some((_, extent))) => match e.name().into_inner() {
                "table:table-row" => {
                    extent.start_row(repeats(&e, "table:number-rows-repeated")?);
                    if empty {
                        extent.end_row();
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let valued = !empty || attribute(&e, "office:value-type").is_some();
                    extent.cell(repeats(&e, "table:number-columns-repeated")?, valued);
                }
                _ => {}
            },
            (Event::End(e), Some((_, extent))) => match e.name().into_inner() {
                "table:table-row" => extent.end_row(),
                "table:table" => {
                    let (name, extent) = sheet.take()?;
                    largest = widest(largest, Some((name, extent.cells())));
                }
                _ => {}
            },
            (Event::Eof, _) => return largest,
            _ => {}
        }
        buf.clear();
    }
}

/// The larger of two measured sheets.
fn widest(a: Option<(String, u64)>, b: Option<(String, u64)>) -> Option<(String, u64)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    let value = e.try_get_attribute(key).ok()??;
    Some(value.value.into_owned())
}

/// A repetition count: 1 when absent, `None` (unreadable) when not a number.
fn repeats(e: &BytesStart, key: &str) -> Option<u64> {
    attribute(e, key).map_or(Some(1), |v| v.parse().ok())
}

/// The rows and columns spanned by values, as the sheet is read row by row.
#[derive(Default)]
struct Extent {
    /// Rows before the current one, repetitions counted.
    row: u64,
    /// The current row's repetitions, its next column, and its valued columns.
    repeat: u64,
    column: u64,
    valued: Option<(u64, u64)>,
    rows: Option<(u64, u64)>,
    columns: Option<(u64, u64)>,
}

impl Extent {
    fn start_row(&mut self, repeat: u64) {
        self.repeat = repeat;
        self.column = 0;
        self.valued = None;
    }

    fn cell(&mut self, repeat: u64, valued: bool) {
        let last = self.column.saturating_add(repeat.saturating_sub(1));
        if valued {
            self.valued = Some(widen(self.valued, self.column, last));
        }
        self.column = last.saturating_add(1);
    }

    fn end_row(&mut self) {
        let last = self.row.saturating_add(self.repeat.saturating_sub(1));
        if let Some((first, end)) = self.valued {
            self.rows = Some(widen(self.rows, self.row, last));
            self.columns = Some(widen(self.columns, first, end));
        }
        self.row = last.saturating_add(1);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.columns) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        }
    }
}

fn widen(span: Option<(u64, u64)>, first: u64, last: u64) -> (u64, u64) {
    span.map_or((first, last), |(a, b)| (a.min(first), b.max(last)))
}
