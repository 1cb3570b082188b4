//! Reading CPTS perimeters: a polygon layer (GeoJSON) or a membership table (CSV).

use super::geojson_in::{
    located, polygons, property_names, text_property, with_features, RawFeature,
};
use crate::error::{Error, Result};
use crate::model::{CodeReading, Cpts, InseeCode, Perimeter, Status};
use crate::repair::Repairs;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// CPTS perimeters as read, before their codes are matched to population units.
#[derive(Debug, Clone)]
pub enum PerimeterFile {
    /// One (multi)polygon per CPTS, WGS84.
    Polygons(Vec<(Cpts, Perimeter)>),
    /// The CPTS, and for each row of the table the CPTS index, the code and the line.
    Membership {
        cpts: Vec<Cpts>,
        rows: Vec<MemberRow>,
    },
}

/// One row of a membership table.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub cpts: usize,
    pub code: InseeCode,
    pub line: u64,
}

/// Reads a perimeter file; `.csv`/`.txt` (or text not starting with `{`) is a membership table.
pub fn read_perimeters(path: &Path, repairs: &mut Repairs) -> Result<PerimeterFile> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let membership = match ext.as_str() {
        "csv" | "txt" | "tsv" => true,
        "geojson" | "json" => false,
        _ => {
            let head = std::fs::read(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            head.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
        }
    };
    if membership {
        read_membership(path, repairs)
    } else {
        read_polygon_layer(path)
    }
}

fn read_polygon_layer(path: &Path) -> Result<PerimeterFile> {
    with_features(path, |features| {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut cpts = Vec::with_capacity(features.len());
        for (i, f) in features.iter().enumerate() {
            let id = text_property(f, "id").ok_or_else(|| {
                Error::input(
                    path,
                    format!("feature {i}"),
                    format!("no `id` property (properties: {})", property_names(f)),
                    "give each CPTS an `id` (and `nom`, `statut`)",
                )
            })?;
            if let Some(first) = seen.insert(id.clone(), i) {
                return Err(Error::input(
                    path,
                    format!("features {first} and {i}"),
                    format!("the CPTS id {id} appears twice"),
                    "give each CPTS one feature (a MultiPolygon for several parts) and a unique id",
                ));
            }
            let statut = status_of(path, &place(i, &id), text_property(f, "statut"))?;
            let nom = text_property(f, "nom").unwrap_or_else(|| id.clone());
            cpts.push(Cpts { id, nom, statut });
        }
        let shapes = features
            .par_iter()
            .zip(&cpts)
            .enumerate()
            .map(|(i, (f, c)): (usize, (&RawFeature, &Cpts))| {
                let place = place(i, &c.id);
                let shape = polygons(path, &place, f)?;
                let zone = located(path, &place, &shape, None)?;
                Ok(Perimeter { shape, zone })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(PerimeterFile::Polygons(
            cpts.into_iter().zip(shapes).collect(),
        ))
    })
}

fn place(i: usize, id: &str) -> String {
    format!("feature {i} (id {id})")
}

fn status_of(path: &Path, place: &str, raw: Option<String>) -> Result<Status> {
    let raw = raw.unwrap_or_default();
    Status::parse(&raw).ok_or_else(|| {
        Error::input(
            path,
            place,
            format!("unknown status {raw:?}"),
            "use one of signataire_aci, projet, pre_projet in the `statut` column",
        )
    })
}

const MEMBERSHIP_COLUMNS: [&str; 4] = ["cpts_id", "cpts_nom", "statut", "code_insee"];

fn read_membership(path: &Path, repairs: &mut Repairs) -> Result<PerimeterFile> {
    let text = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let header = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| header.iter().filter(|b| **b == c).count();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b';'))
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_slice());
    let headers = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                Error::input(
                    path,
                    "line 1",
                    format!(
                        "no column `{name}` (columns: {})",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                    format!(
                        "a membership table has the columns {}",
                        MEMBERSHIP_COLUMNS.join(";")
                    ),
                )
            })
    };
    let [id_col, nom_col, statut_col, code_col] = [
        column(MEMBERSHIP_COLUMNS[0])?,
        column(MEMBERSHIP_COLUMNS[1])?,
        column(MEMBERSHIP_COLUMNS[2])?,
        column(MEMBERSHIP_COLUMNS[3])?,
    ];
    let mut cpts: Vec<Cpts> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let place = format!("line {line}");
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let id = field(id_col);
        if id.is_empty() {
            return Err(Error::input(
                path,
                &place,
                "the CPTS id is empty",
                "fill in cpts_id",
            ));
        }
        let this = Cpts {
            nom: field(nom_col),
            statut: status_of(path, &place, Some(field(statut_col)))?,
            id: id.clone(),
        };
        let k = *index.entry(id.clone()).or_insert_with(|| {
            cpts.push(this.clone());
            cpts.len() - 1
        });
        if cpts[k] != this {
            return Err(Error::input(
                path,
                &place,
                format!("CPTS {id} has another name or status than on its first line"),
                "give each CPTS the same cpts_nom and statut on every line",
            ));
        }
        let raw = field(code_col);
        let (code, reading) = InseeCode::parse(&raw).ok_or_else(|| {
            Error::input(
                path,
                &place,
                format!("`{raw}` is not an INSEE code (5 characters: 01001, 2A004, 75101)"),
                "correct code_insee",
            )
        })?;
        if reading == CodeReading::LeadingZeroRestored {
            repairs.codes += 1;
        }
        rows.push(MemberRow {
            cpts: k,
            code,
            line,
        });
    }
    if cpts.is_empty() {
        return Err(Error::input(
            path,
            "the whole file",
            "the table has no row",
            "list one commune per line",
        ));
    }
    Ok(PerimeterFile::Membership { cpts, rows })
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
        "save the table as UTF-8 CSV separated by `;`, `,` or tabs",
    )
}
