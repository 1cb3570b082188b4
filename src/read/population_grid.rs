//! A finer population layer (`--population-grid FILE`): INSEE's 200 m grid as
//! distributed (CSV with `,` or `;`, Parquet, or GeoPackage), with the column names of
//! each vintage, or any polygon or point layer with a population column (IRIS
//! populations on IRIS contours, a building-level estimate). Tables are read with polars; a grid cell's square comes from its
//! INSPIRE id.

use crate::error::{Error, Result};
use crate::model::provenance::{file_name, AssumptionKind, Provenance};
use crate::model::spread::Ages;
use crate::read::feature::{property, property_names, DeclaredCrs, RawFeature};
use crate::read::layer::{shape, with_features, Shape};
use geo::{MultiPoint, MultiPolygon};
use polars::prelude::*;
use rayon::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where the finer population layer is, and which column holds the population.
#[derive(Debug, Clone, Default)]
pub struct PopulationGridFile {
    pub path: PathBuf,
    /// The population column (default: INSEE's `ind`, any capitalisation).
    pub field: Option<String>,
}

/// The shape of one cell of a population layer.
#[derive(Debug, Clone, PartialEq)]
pub enum CellShape {
    /// A square of an INSPIRE grid: its CRS (EPSG code), south-west corner and side, metres.
    Square {
        epsg: u32,
        x: f64,
        y: f64,
        size: f64,
    },
    /// A polygon of a vector layer, WGS84.
    Polygon(MultiPolygon<f64>),
    /// The points of a vector layer's feature (buildings, addresses), WGS84: the
    /// feature's people shared evenly among them.
    Points(MultiPoint<f64>),
}

/// One cell: its shape, its inhabitants, and those aged 65 to 79 and 80 and over when
/// the layer says.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub shape: CellShape,
    pub population: f64,
    pub aged_65_79: f64,
    pub aged_80: f64,
}

impl Cell {
    /// The cell's inhabitants aged 65 and over and 80 and over.
    pub fn ages(&self) -> Ages {
        Ages {
            aged_65: self.aged_65_79 + self.aged_80,
            aged_80: self.aged_80,
        }
    }
}

/// The cells of a population layer.
#[derive(Debug, Clone, Default)]
pub struct PopulationGrid {
    pub cells: Vec<Cell>,
    /// Whether the layer gives the age bands (`ind_65_79`, `ind_80p`).
    pub has_ages: bool,
    /// Cells INSEE imputed (`i_est_200 = 1`): kept, and counted.
    pub imputed: usize,
    /// `grid.csv, column ind`: said in the summary.
    pub source: String,
}

/// A polygon layer of cells declares its own CRS: no option gives one.
const NO_OPTION: DeclaredCrs = DeclaredCrs {
    option: "--population-grid",
    crs: None,
};

/// The id column of each vintage: 2019 and 2021 `idcar_200m`, 2017 `Idcar_200m`,
/// 2015 `IdINSPIRE`; matched without regard to case.
const ID_COLUMNS: &[&str] = &["idcar_200m", "idinspire", "idcar_1km", "idcar_nat"];
/// The population column of every vintage (`ind`, `Ind`).
const POPULATION_COLUMNS: &[&str] = &["ind", "population", "pop"];
/// The imputation flag: 2017–2021 `i_est_200`, 2015 `I_est_cr`.
const IMPUTED_COLUMNS: &[&str] = &["i_est_200", "i_est_cr", "i_est_1km"];
const AGED_65_79: &str = "ind_65_79";
const AGED_80: &str = "ind_80p";

impl PopulationGrid {
    /// The CRS of the grid's squares, as its first id names it.
    fn crs(&self) -> Option<String> {
        self.cells.iter().find_map(|c| match c.shape {
            CellShape::Square { epsg, .. } => Some(format!("EPSG:{epsg}")),
            CellShape::Polygon(_) | CellShape::Points(_) => None,
        })
    }
}

impl PopulationGridFile {
    /// Reads the layer: a table (`.csv`, `.parquet`) of INSPIRE ids, else a polygon
    /// layer in any format `--communes` reads.
    pub fn read(&self, provenance: &mut Provenance) -> Result<PopulationGrid> {
        let path = &self.path;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        let grid = match ext.as_str() {
            "csv" | "txt" => {
                let (names, separator) = csv_header(path)?;
                let grid = self.read_table(&names, |chosen| read_csv(path, separator, chosen))?;
                provenance.read("population grid", path, "csv", grid.crs());
                grid
            }
            "parquet" | "pq" => {
                let names = parquet_columns(path)?;
                let grid = self.read_table(&names, |chosen| read_parquet(path, chosen))?;
                provenance.read("population grid", path, "parquet", grid.crs());
                grid
            }
            _ => with_features(path, NO_OPTION, |features, crs| {
                crs.record(provenance, "population grid", path);
                self.read_features(features, crs)
            })?,
        };
        if grid.imputed > 0 {
            provenance.assume(
                AssumptionKind::PopulationGrid,
                grid.imputed,
                format!(
                    "{} cells of {} are imputed by INSEE (i_est = 1): kept as given",
                    grid.imputed,
                    file_name(path)
                ),
                format!(
                    "{} carreaux de {} sont imputés par l'Insee (i_est = 1) : gardés tels quels",
                    grid.imputed,
                    file_name(path)
                ),
            );
        }
        if !grid.has_ages {
            provenance.assume(
                AssumptionKind::PopulationGrid,
                0,
                format!(
                    "{} has no age columns ({AGED_65_79}, {AGED_80}): no figures by age",
                    file_name(path)
                ),
                format!(
                    "{} n'a pas de colonnes d'âge ({AGED_65_79}, {AGED_80}) : pas de chiffres par âge",
                    file_name(path)
                ),
            );
        }
        Ok(grid)
    }

    /// The cells of a table of INSPIRE ids, given its column names and a reader of the
    /// columns chosen among them.
    fn read_table(
        &self,
        names: &[String],
        read: impl FnOnce(&[String]) -> Result<DataFrame>,
    ) -> Result<PopulationGrid> {
        let path = &self.path;
        let find = |wanted: &[&str]| {
            names
                .iter()
                .find(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
                .cloned()
        };
        let id = find(ID_COLUMNS).ok_or_else(|| {
            Error::input(
                path,
                "the header",
                format!(
                    "no column of grid cell ids (idcar_200m, Idcar_200m or IdINSPIRE) among {}",
                    names.join(", ")
                ),
                "give INSEE's gridded file as distributed, or a polygon layer of cells with --population-grid-field",
            )
        })?;
        let population = self.population_column(names)?;
        let ages = find(&[AGED_65_79]).zip(find(&[AGED_80]));
        let imputed_column = find(IMPUTED_COLUMNS);
        let mut chosen = vec![id.clone(), population.clone()];
        chosen.extend(ages.iter().flat_map(|(a, b)| [a.clone(), b.clone()]));
        chosen.extend(imputed_column.iter().cloned());
        chosen.dedup();
        let frame = read(&chosen)?;
        let shapes = map_column(path, &frame, &id, |t| t.and_then(parse_inspire_id))?;
        let people = number_column(path, &frame, &population)?;
        let (old, oldest) = match &ages {
            Some((a, b)) => (
                number_column(path, &frame, a)?,
                number_column(path, &frame, b)?,
            ),
            None => (vec![Some(0.0); shapes.len()], vec![Some(0.0); shapes.len()]),
        };
        let imputed = match imputed_column {
            Some(column) => number_column(path, &frame, &column)?
                .par_iter()
                .filter(|v| **v == Some(1.0))
                .count(),
            None => 0,
        };
        let inhabitants = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0);
        let cell = |row: usize| {
            Some(Cell {
                shape: shapes[row].clone()?,
                population: inhabitants(people[row])?,
                aged_65_79: inhabitants(old[row])?,
                aged_80: inhabitants(oldest[row])?,
            })
        };
        let cells: Option<Vec<Cell>> = (0..shapes.len()).into_par_iter().map(cell).collect();
        let Some(cells) = cells else {
            // The first row that is not a cell, named.
            let row = (0..shapes.len()).find(|&r| cell(r).is_none()).unwrap_or(0);
            // A data row is line `row + 2` of a CSV: the header is line 1.
            let code = text_at(&frame, &id, row);
            let place = format!("row {} ({id} {code})", row + 2);
            let bad = [
                (&people, population.as_str()),
                (&old, AGED_65_79),
                (&oldest, AGED_80),
            ]
            .into_iter()
            .find(|(column, _)| inhabitants(column[row]).is_none());
            return Err(match bad.filter(|_| shapes[row].is_some()) {
                None => Error::input(
                    path,
                    place,
                    format!("`{code}` is not an INSPIRE cell id such as CRS3035RES200mN2029800E4252400"),
                    "keep INSEE's ids as distributed (CRS, cell size, then the north and east of the south-west corner)",
                ),
                Some((_, name)) => Error::input(
                    path,
                    place,
                    format!("`{name}` is not a number of inhabitants"),
                    "correct the cell, or name the population column with --population-grid-field",
                ),
            });
        };
        Ok(PopulationGrid {
            cells,
            has_ages: ages.is_some(),
            imputed,
            source: format!("{}, column {population}", file_name(path)),
        })
    }

    /// The population column: `--population-grid-field`, else INSEE's `ind`.
    fn population_column(&self, names: &[String]) -> Result<String> {
        let found = match &self.field {
            Some(field) => names.iter().find(|n| *n == field),
            None => names
                .iter()
                .find(|n| POPULATION_COLUMNS.iter().any(|w| n.eq_ignore_ascii_case(w))),
        };
        found.cloned().ok_or_else(|| {
            Error::input(
                &self.path,
                "the header",
                match &self.field {
                    Some(field) => format!("no column `{field}` among {}", names.join(", ")),
                    None => format!("no population column (ind) among {}", names.join(", ")),
                },
                "name the population column with --population-grid-field",
            )
        })
    }

    /// The cells of a polygon or point layer, with the population in `--population-grid-field`
    /// (default `ind`, `population`).
    fn read_features(
        &self,
        features: &[RawFeature],
        crs: &crate::read::feature::LayerCrs,
    ) -> Result<PopulationGrid> {
        let path = &self.path;
        let names: Vec<String> = property_names(&features[0])
            .split(", ")
            .map(str::to_string)
            .collect();
        let population = self.population_column(&names)?;
        let number = |feature: &RawFeature, name: &str, place: &str| -> Result<f64> {
            let value = match property(feature, name) {
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s.trim().replace(',', ".").parse().ok(),
                Some(Value::Null) | None => Some(0.0),
                _ => None,
            };
            value.filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| {
                Error::input(
                    path,
                    place,
                    format!("`{name}` is not a number of inhabitants"),
                    "correct the value, or name the population column with --population-grid-field",
                )
            })
        };
        let has_ages = [AGED_65_79, AGED_80]
            .iter()
            .all(|a| names.iter().any(|n| n.eq_ignore_ascii_case(a)));
        let age_name = |a: &str| {
            names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(a))
                .cloned()
                .unwrap_or_default()
        };
        let (old, oldest) = (age_name(AGED_65_79), age_name(AGED_80));
        let mut cells = Vec::with_capacity(features.len());
        for (i, feature) in features.iter().enumerate() {
            let place = format!("feature {}", i + 1);
            let shape = match shape(path, &place, feature, crs, true)? {
                Shape::Areas(polygons) => CellShape::Polygon(polygons),
                Shape::Points(points) => CellShape::Points(points),
            };
            cells.push(Cell {
                shape,
                population: number(feature, &population, &place)?,
                aged_65_79: match has_ages {
                    true => number(feature, &old, &place)?,
                    false => 0.0,
                },
                aged_80: match has_ages {
                    true => number(feature, &oldest, &place)?,
                    false => 0.0,
                },
            });
        }
        Ok(PopulationGrid {
            cells,
            has_ages,
            imputed: 0,
            source: format!("{}, property {population}", file_name(path)),
        })
    }
}

/// Decodes an INSPIRE grid cell id: `CRS3035RES200mN2029800E4252400` is the 200 m cell
/// whose south-west corner is x = 4 252 400, y = 2 029 800 in EPSG:3035.
pub fn parse_inspire_id(id: &str) -> Option<CellShape> {
    let mut rest = id.trim().as_bytes().strip_prefix(b"CRS")?;
    let epsg = number_before(&mut rest, b"RES")?;
    let size = number_before(&mut rest, b"mN")?;
    let north = number_before(&mut rest, b"E")?;
    let east = number_before(&mut rest, b"")?;
    (rest.is_empty() && epsg > 0 && size > 0).then_some(CellShape::Square {
        epsg: u32::try_from(epsg).ok()?,
        x: east as f64,
        y: north as f64,
        size: size as f64,
    })
}

/// The whole number at the start of `rest` (1 to 15 digits: exact as f64), followed by
/// `tag`; `rest` moves past both.
fn number_before(rest: &mut &[u8], tag: &[u8]) -> Option<u64> {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, after) = rest.split_at(digits);
    *rest = after.strip_prefix(tag)?;
    (1..=15)
        .contains(&digits)
        .then(|| number.iter().fold(0, |n, b| n * 10 + u64::from(b - b'0')))
}

fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A CSV table's column names and its separator (`,` or `;`), read off the header line.
fn csv_header(path: &Path) -> Result<(Vec<String>, u8)> {
    use std::io::BufRead;
    let mut header = String::new();
    std::io::BufReader::new(open(path)?)
        .read_line(&mut header)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let header = header.trim_start_matches('\u{feff}').trim_end();
    let separator = match header.matches(';').count() > header.matches(',').count() {
        true => b';',
        false => b',',
    };
    let names = header
        .split(separator as char)
        .map(|n| n.trim().trim_matches('"').to_string())
        .collect();
    Ok((names, separator))
}

/// The `chosen` columns of a CSV table, the first (the ids) as text and the others as
/// numbers (with a decimal comma when the separator is `;`); all as text when one of
/// them holds something else, so that [`number_column`] names the row.
fn read_csv(path: &Path, separator: u8, chosen: &[String]) -> Result<DataFrame> {
    let read = |types: Option<Schema>| {
        let columns: Arc<[PlSmallStr]> = chosen
            .iter()
            .map(|c| PlSmallStr::from(c.as_str()))
            .collect();
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_schema_overwrite(types.map(Arc::new))
            .with_columns(Some(columns))
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(separator)
                    .with_decimal_comma(separator == b';'),
            )
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|reader| reader.finish())
    };
    let numbers = chosen
        .iter()
        .skip(1)
        .map(|c| Field::new(c.as_str().into(), DataType::Float64))
        .collect();
    read(Some(numbers))
        .or_else(|_| read(None))
        .map_err(|e| unreadable(path, "CSV", e))
}

/// A Parquet table's column names.
fn parquet_columns(path: &Path) -> Result<Vec<String>> {
    let schema = ParquetReader::new(open(path)?)
        .schema()
        .map_err(|e| unreadable(path, "Parquet", e))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// The `chosen` columns of a Parquet table.
fn read_parquet(path: &Path, chosen: &[String]) -> Result<DataFrame> {
    ParquetReader::new(open(path)?)
        .with_columns(Some(chosen.to_vec()))
        .finish()
        .map_err(|e| unreadable(path, "Parquet", e))
}

fn unreadable(path: &Path, format: &str, e: PolarsError) -> Error {
    Error::input(
        path,
        "the whole file",
        format!("not a readable {format} table: {e}"),
        "give INSEE's gridded file as distributed (CSV, Parquet or GeoPackage)",
    )
}

/// The value of a column at `row`, as text.
fn text_at(frame: &DataFrame, name: &str, row: usize) -> String {
    frame
        .column(name)
        .and_then(|c| c.get(row))
        .map(|v| v.get_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default()
}

/// A column as numbers, `None` where a value is not one (a decimal comma read too); an
/// empty value is 0.
fn number_column(path: &Path, frame: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = frame
        .column(name)
        .map_err(|e| unreadable(path, "grid", e))?;
    if column.dtype().is_primitive_numeric() {
        let numbers = column
            .cast(&DataType::Float64)
            .map_err(|e| unreadable(path, "grid", e))?;
        let numbers = numbers.f64().map_err(|e| unreadable(path, "grid", e))?;
        return Ok(numbers.iter().map(|v| Some(v.unwrap_or(0.0))).collect());
    }
    map_column(path, frame, name, |t| match t.map(str::trim) {
        None | Some("") => Some(0.0),
        Some(t) => t.parse().ok().or_else(|| t.replace(',', ".").parse().ok()),
    })
}

/// Each value of a column, read as text, through `f`, in parallel.
fn map_column<T: Send>(
    path: &Path,
    frame: &DataFrame,
    name: &str,
    f: impl Fn(Option<&str>) -> T + Sync + Send,
) -> Result<Vec<T>> {
    let column = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(|e| unreadable(path, "grid", e))?;
    let texts = column.str().map_err(|e| unreadable(path, "grid", e))?;
    let mut values = Vec::with_capacity(texts.len());
    for chunk in texts.downcast_iter() {
        values.par_extend((0..chunk.len()).into_par_iter().map(|i| f(chunk.get(i))));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspire_ids_give_their_square() {
        assert_eq!(
            parse_inspire_id("CRS3035RES200mN2029800E4252400"),
            Some(CellShape::Square {
                epsg: 3035,
                x: 4_252_400.0,
                y: 2_029_800.0,
                size: 200.0
            })
        );
        // Réunion's grid, in RGR92 / UTM 40S, and a kilometre cell.
        assert_eq!(
            parse_inspire_id("CRS2975RES200mN7654000E336200"),
            Some(CellShape::Square {
                epsg: 2975,
                x: 336_200.0,
                y: 7_654_000.0,
                size: 200.0
            })
        );
        assert_eq!(
            parse_inspire_id("CRS3035RES1000mN2029000E4252000"),
            Some(CellShape::Square {
                epsg: 3035,
                x: 4_252_000.0,
                y: 2_029_000.0,
                size: 1000.0
            })
        );
        for bad in [
            "",
            "CRS3035RES200mN2029800",
            "CRS3035RES200mN2029800E",
            "CRS3035RES200mN2029800E4252400x",
            "CRS3035RES200mN-2029800E4252400",
            "CRS3035RES200mN1234567890123456E1",
            "CRS0RES200mN1E2",
            "CRSxRES200mN1E2",
            "CRS3035RES0mN1E2",
            "N1E2",
        ] {
            assert_eq!(parse_inspire_id(bad), None, "{bad}");
        }
    }
}
