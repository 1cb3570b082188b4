//! Reading CPTS perimeters: a polygon layer (GeoJSON) or a membership table (CSV or
//! spreadsheet), with the communes given by code or by name.

use crate::error::{Error, Result};
use crate::geometry::repair::Repairs;
use crate::model::provenance::Provenance;
use crate::model::{CodeReading, Cpts, InseeCode, Perimeter};
use crate::read::communes::pad_numeric;
use crate::read::cpts_attributes::{
    find_column, read_cpts, PerimeterOptions, ID_COLUMNS, NAME_COLUMNS,
};
use crate::read::feature::{text_property, DeclaredCrs, RawFeature};
use crate::read::gpkg::split_layer;
use crate::read::layer::{located, polygons, with_features};
use crate::read::table::{is_spreadsheet, printable, read_table, Row, Table};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// CPTS perimeters as read, before their codes are matched to population units.
#[derive(Debug, Clone)]
pub enum PerimeterFile {
    /// One (multi)polygon per CPTS, WGS84.
    Polygons(Vec<(Cpts, Perimeter)>),
    /// The CPTS, and for each row of the table the CPTS index and the commune it names.
    Membership {
        cpts: Vec<Cpts>,
        rows: Vec<MemberRow>,
    },
}

/// One row of a membership table.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub cpts: usize,
    pub commune: CommuneRef,
    /// Where the row is (`line 12`, `sheet Feuil1, row 12`).
    pub place: String,
}

/// How a membership row names its commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommuneRef {
    Code(InseeCode),
    /// A name within a département, for tables without INSEE codes.
    Name {
        nom: String,
        departement: String,
    },
}

/// Column names recognised for the commune's INSEE code, first the default.
const CODE_COLUMNS: &[&str] = &[
    "code_insee",
    "insee",
    "code_commune",
    "codecommune",
    "code_commune_insee",
    "code_insee_commune",
    "n_insee",
    "no_insee",
    "num_insee",
    "numero_insee",
    "codgeo",
    "insee_com",
    "depcom",
    "com",
    "code",
];
/// Column names recognised for the commune's name, when there is no code column.
const COMMUNE_NAME_COLUMNS: &[&str] = &[
    "nom_commune",
    "commune",
    "libelle_commune",
    "nom_com",
    "libgeo",
    "lib_com",
];
/// Column names recognised for the département of a commune given by name.
const DEPARTEMENT_COLUMNS: &[&str] = &[
    "departement",
    "dep",
    "code_departement",
    "code_dep",
    "insee_dep",
    "dept",
];

/// Reads a perimeter file: a polygon layer (GeoJSON, Shapefile, GeoPackage), or a
/// membership table (`.csv`,
/// `.txt`, `.tsv`, `.xlsx`, `.ods`, or text not starting with `{`).
pub fn read_perimeters(
    path: &Path,
    options: &PerimeterOptions,
    repairs: &mut Repairs,
    provenance: &mut Provenance,
) -> Result<PerimeterFile> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let membership = match ext.as_str() {
        "csv" | "txt" | "tsv" => true,
        "geojson" | "json" | "shp" | "fgb" | "gpkg" => false,
        _ if split_layer(path).is_some() => false,
        _ if is_spreadsheet(path) => true,
        _ => {
            let head = std::fs::read(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            head.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
        }
    };
    if membership {
        read_membership(path, options, repairs, provenance)
    } else {
        read_polygon_layer(path, options, provenance)
    }
}

fn read_polygon_layer(
    path: &Path,
    options: &PerimeterOptions,
    provenance: &mut Provenance,
) -> Result<PerimeterFile> {
    let declared = DeclaredCrs {
        option: "--perimeters-crs",
        crs: options.crs.as_deref(),
    };
    with_features(path, declared, |features, crs| {
        crs.record(provenance, "perimeters", path);
        let table = attribute_table(features);
        refuse_communes_layer(path, &table)?;
        let cpts = read_cpts(path, &table, options, "feature", provenance)?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, c) in cpts.iter().enumerate() {
            let Some(c) = c else { continue };
            if let Some(first) = seen.insert(&c.id, i) {
                return Err(Error::input(
                    path,
                    format!("features {first} and {i}"),
                    format!("the CPTS id {:?} appears twice", c.id),
                    "give each CPTS one feature (a MultiPolygon for several parts) and a unique id",
                ));
            }
        }
        features
            .par_iter()
            .zip(&cpts)
            .enumerate()
            .filter_map(|(i, (f, c))| c.as_ref().map(|c| (i, f, c)))
            .map(|(i, f, c): (usize, &RawFeature, &Cpts)| {
                let place = format!("feature {i} ({})", c.id);
                let shape = polygons(path, &place, f, crs)?;
                let zone = located(path, &place, &shape, None)?;
                Ok((c.clone(), Perimeter { shape, zone }))
            })
            .collect::<Result<Vec<_>>>()
            .map(PerimeterFile::Polygons)
    })
}

/// Column names of a communes layer's codes and populations (IGN, INSEE, this tool).
const COMMUNE_LAYER_CODES: &[&str] = &["code", "insee_com", "code_insee", "codgeo", "insee"];
const COMMUNE_LAYER_POPULATIONS: &[&str] = &["population", "pmun", "ptot", "p21_pop", "pop"];

/// Refuses a communes layer given as the perimeters: a column of INSEE codes, one
/// commune per feature, and a population column. Each commune would be a CPTS: 100 %.
fn refuse_communes_layer(path: &Path, table: &Table) -> Result<()> {
    let population = COMMUNE_LAYER_POPULATIONS
        .iter()
        .find_map(|c| table.position(c));
    let codes = COMMUNE_LAYER_CODES.iter().find_map(|c| table.position(c));
    let (Some(code), Some(population)) = (codes, population) else {
        return Ok(());
    };
    let mut seen = std::collections::HashSet::new();
    let one_commune_each = table.rows.len() >= 2
        && table.rows.iter().all(|row| {
            let cell = row.cell(code);
            cell.len() == 5 && InseeCode::parse(cell).is_some() && seen.insert(cell.to_string())
        });
    if !one_commune_each {
        return Ok(());
    }
    Err(Error::input(
        path,
        "the whole layer",
        format!(
            "this looks like a communes layer, not CPTS perimeters: each of its {} features has its own \
             INSEE code (`{}`) and a population (`{}`); read as perimeters, every commune would be a CPTS \
             and the whole territory covered",
            table.rows.len(),
            table.columns[code],
            table.columns[population]
        ),
        "give the communes with --communes, and with --perimeters the CPTS: a layer of one polygon per \
         CPTS (id, nom, statut), or a table listing each CPTS's communes (cpts_id;cpts_nom;statut;code_insee)",
    ))
}

/// The features' properties as a table: one column per property name met, in order.
fn attribute_table(features: &[RawFeature]) -> Table {
    let mut columns: Vec<String> = Vec::new();
    for f in features {
        for key in f.properties.iter().flat_map(|p| p.keys()) {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let rows = features
        .iter()
        .enumerate()
        .map(|(i, f)| Row {
            place: format!("feature {i}"),
            cells: columns
                .iter()
                .map(|c| text_property(f, c).unwrap_or_default().trim().to_string())
                .collect(),
        })
        .collect();
    Table { columns, rows }
}

fn read_membership(
    path: &Path,
    options: &PerimeterOptions,
    repairs: &mut Repairs,
    provenance: &mut Provenance,
) -> Result<PerimeterFile> {
    let given = [&options.id_field, &options.name_field, &options.code_field];
    let known: Vec<&str> = [CODE_COLUMNS, COMMUNE_NAME_COLUMNS, ID_COLUMNS, NAME_COLUMNS]
        .concat()
        .into_iter()
        .chain(given.into_iter().flatten().map(String::as_str))
        .collect();
    let table = read_table(
        path,
        options.sheet.as_deref(),
        &known,
        "perimeters",
        provenance,
    )?;
    let communes = commune_columns(path, &table, options.code_field.as_deref(), provenance)?;
    let per_row = read_cpts(path, &table, options, "row", provenance)?;
    let mut cpts: Vec<Cpts> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut first_rows: Vec<&str> = Vec::new();
    let mut rows = Vec::new();
    for (row, this) in table.rows.iter().zip(per_row) {
        let Some(this) = this else { continue };
        let k = *index.entry(this.id.clone()).or_insert_with(|| {
            cpts.push(this.clone());
            first_rows.push(&row.place);
            cpts.len() - 1
        });
        if cpts[k] != this {
            return Err(Error::input(
                path,
                &row.place,
                format!(
                    "CPTS {:?} differs from its first row ({}): {}",
                    this.id,
                    first_rows[k],
                    differences(&cpts[k], &this)
                ),
                "give each CPTS the same name, status and missions on every row",
            ));
        }
        rows.push(MemberRow {
            cpts: k,
            commune: communes.read(path, row, repairs)?,
            place: row.place.clone(),
        });
    }
    if cpts.is_empty() {
        return Err(Error::input(
            path,
            "the whole file",
            "the table lists no CPTS",
            "list one commune per row, with its CPTS",
        ));
    }
    Ok(PerimeterFile::Membership { cpts, rows })
}

/// What differs between two rows of one CPTS: `name "CPTS A" there, "CPTS B" here`.
fn differences(first: &Cpts, this: &Cpts) -> String {
    let mut said = Vec::new();
    if first.nom != this.nom {
        said.push(format!(
            "name {:?} there, {:?} here",
            printable(&first.nom),
            printable(&this.nom)
        ));
    }
    if first.statut != this.statut {
        said.push(format!(
            "status {} there, {} here",
            first.statut, this.statut
        ));
    }
    if first.missions != this.missions {
        let signed = |c: &Cpts| match &c.missions {
            Some(m) => {
                let names: Vec<&str> =
                    m.0.iter()
                        .filter(|(_, &y)| y)
                        .map(|(k, _)| k.as_str())
                        .collect();
                format!("[{}]", names.join(", "))
            }
            None => "none".into(),
        };
        said.push(format!(
            "missions signed {} there, {} here",
            signed(first),
            signed(this)
        ));
    }
    said.join("; ")
}

/// Where a membership table names its communes.
enum CommuneColumns {
    Code(usize),
    Name { nom: usize, departement: usize },
}

fn commune_columns(
    path: &Path,
    table: &Table,
    code_field: Option<&str>,
    provenance: &mut Provenance,
) -> Result<CommuneColumns> {
    let code = find_column(
        path,
        table,
        code_field,
        CODE_COLUMNS,
        "commune codes",
        Some("--member-code-field"),
        provenance,
    )?;
    if let Some(c) = code {
        return Ok(CommuneColumns::Code(c));
    }
    let mut find =
        |candidates, what| find_column(path, table, None, candidates, what, None, provenance);
    let nom = find(COMMUNE_NAME_COLUMNS, "commune names")?;
    let departement = find(DEPARTEMENT_COLUMNS, "départements")?;
    match (nom, departement) {
        (Some(nom), Some(departement)) => Ok(CommuneColumns::Name { nom, departement }),
        _ => Err(Error::input(
            path,
            "the header",
            format!(
                "no column gives the communes (columns: {})",
                table.columns.join(", ")
            ),
            "add a code_insee column, or nom_commune and departement columns \
             (or name the column of the codes with --member-code-field)",
        )),
    }
}

impl CommuneColumns {
    fn read(&self, path: &Path, row: &Row, repairs: &mut Repairs) -> Result<CommuneRef> {
        match *self {
            CommuneColumns::Code(c) => {
                let raw = row.cell(c);
                let (code, reading) = InseeCode::parse(raw).ok_or_else(|| {
                    Error::input(
                        path,
                        &row.place,
                        format!(
                            "`{}` is not an INSEE code (5 characters: 01001, 2A004, 75101)",
                            printable(raw)
                        ),
                        "correct the commune code",
                    )
                })?;
                if reading == CodeReading::LeadingZeroRestored {
                    repairs.codes += 1;
                }
                Ok(CommuneRef::Code(code))
            }
            CommuneColumns::Name { nom, departement } => {
                let (nom, departement) = (row.cell(nom), row.cell(departement));
                if nom.is_empty() || departement.is_empty() {
                    return Err(Error::input(
                        path,
                        &row.place,
                        "the commune name or its département is blank",
                        "fill in both",
                    ));
                }
                Ok(CommuneRef::Name {
                    nom: nom.to_string(),
                    departement: pad_numeric(departement.to_uppercase()),
                })
            }
        }
    }
}
