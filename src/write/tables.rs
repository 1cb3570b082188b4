//! CSV tables for machines: RFC 4180 (`,`-separated, `"`-quoted), UTF-8, `.` decimals,
//! each with a `.csvt` beside it giving its columns' types, so that GDAL and QGIS read
//! numbers as numbers. One number format everywhere: populations to 0.1 inhabitant
//! (whole in membership mode, where units are whole), rates to 6 digits, areas to the
//! square metre (in km²), euros whole; names beside every code.

use crate::figures::access::{AccessFigures, AplFigures, ZoningFigures};
use crate::figures::ages::AgeFigures;
use crate::figures::summary::{Summary, Totals};
use crate::model::territories::{departement_name, region_name};
use crate::write::layers::{Layers, MapFeature};
use serde_json::Value;
use std::path::Path;

/// The tables, each with its `.csvt`.
pub const TABLE_FILES: [&str; 10] = [
    "cpts.csv",
    "cpts.csvt",
    "by_departement.csv",
    "by_departement.csvt",
    "by_region.csv",
    "by_region.csvt",
    "white_zones.csv",
    "white_zones.csvt",
    "uncovered_communes.csv",
    "uncovered_communes.csvt",
];

/// A column's type, as a `.csvt` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Real,
}

impl Kind {
    fn csvt(self) -> &'static str {
        match self {
            Kind::Text => "\"String\"",
            Kind::Integer => "\"Integer\"",
            Kind::Real => "\"Real\"",
        }
    }
}

/// A table: its columns, named and typed, and its rows.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub columns: Vec<(&'static str, Kind)>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// Writes `name` and its `.csvt` into `dir`.
    pub fn write(&self, dir: &Path, name: &str) -> std::io::Result<()> {
        let mut out = csv::Writer::from_path(dir.join(name))?;
        out.write_record(self.columns.iter().map(|c| c.0))?;
        for row in &self.rows {
            out.write_record(row)?;
        }
        out.flush()?;
        let types: Vec<&str> = self.columns.iter().map(|c| c.1.csvt()).collect();
        std::fs::write(
            dir.join(name).with_extension("csvt"),
            types.join(",") + "\n",
        )
    }
}

/// How the tables write numbers.
#[derive(Debug, Clone, Copy)]
pub struct Numbers {
    /// Populations are whole (membership mode).
    pub whole: bool,
}

impl Numbers {
    /// The numbers of the run `summary` describes.
    pub fn of(summary: &Summary) -> Numbers {
        Numbers {
            whole: summary.mode == "membership",
        }
    }

    /// A population: to the inhabitant in membership mode, else to 0.1.
    pub fn people(self, p: f64) -> String {
        match self.whole {
            true => format!("{p:.0}"),
            false => format!("{p:.1}"),
        }
    }

    /// A share or rate, to 6 digits.
    pub fn rate(self, r: f64) -> String {
        format!("{r:.6}")
    }

    /// An area in km², to the square metre.
    pub fn km2(self, a: f64) -> String {
        format!("{a:.6}")
    }
}

/// How a column's values are written: text, whole numbers, or numbers of
/// [`Numbers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Integer,
    People,
    Rate,
    Km2,
}

impl Format {
    fn kind(self) -> Kind {
        match self {
            Format::Text => Kind::Text,
            Format::Integer => Kind::Integer,
            Format::People | Format::Rate | Format::Km2 => Kind::Real,
        }
    }
}

impl CsvTable {
    /// The table of `rows` serialised, one column per field of `columns`, in order (an
    /// absent or null field is an empty cell).
    pub fn of<T: serde::Serialize>(
        columns: &[(&'static str, Format)],
        rows: &[T],
        numbers: Numbers,
    ) -> CsvTable {
        let cell = |value: Option<&Value>, format: Format| match (value, format) {
            (Some(Value::Number(n)), Format::People) => numbers.people(n.as_f64().unwrap_or(0.0)),
            (Some(Value::Number(n)), Format::Rate) => numbers.rate(n.as_f64().unwrap_or(0.0)),
            (Some(Value::Number(n)), Format::Km2) => numbers.km2(n.as_f64().unwrap_or(0.0)),
            (Some(Value::Number(n)), _) => n.to_string(),
            (Some(Value::String(s)), _) => s.clone(),
            (Some(Value::Bool(b)), _) => b.to_string(),
            _ => String::new(),
        };
        CsvTable {
            columns: columns.iter().map(|&(name, f)| (name, f.kind())).collect(),
            rows: rows
                .iter()
                .map(|row| {
                    let value = serde_json::to_value(row).unwrap_or_default();
                    columns
                        .iter()
                        .map(|&(name, f)| cell(value.get(name), f))
                        .collect()
                })
                .collect(),
        }
    }
}

/// The access columns a run's tables carry: the APL figures with `--apl`, the zoning
/// figures with `--doctor-zoning`.
#[derive(Debug, Clone, Copy)]
struct AccessColumns {
    apl: bool,
    zoning: bool,
}

const APL_COLUMNS: [(&str, Kind); 5] = [
    ("apl_mean", Kind::Real),
    ("population_below_threshold", Kind::Real),
    ("covered_population_below_threshold", Kind::Real),
    ("white_zone_population_below_threshold", Kind::Real),
    ("units_without_value", Kind::Integer),
];
const ZONING_COLUMNS: [(&str, Kind); 6] = [
    ("zip_population", Kind::Real),
    ("zip_covered_population", Kind::Real),
    ("zip_white_zone_population", Kind::Real),
    ("zac_population", Kind::Real),
    ("zac_covered_population", Kind::Real),
    ("zac_white_zone_population", Kind::Real),
];

impl AccessColumns {
    fn of(summary: &Summary) -> AccessColumns {
        let access = summary.access.as_ref();
        AccessColumns {
            apl: access.is_some_and(|a| a.indicator.is_some()),
            zoning: access.is_some_and(|a| a.zoning_source.is_some()),
        }
    }

    fn columns(self) -> Vec<(&'static str, Kind)> {
        let apl = APL_COLUMNS.iter().filter(|_| self.apl);
        let zoning = ZONING_COLUMNS.iter().filter(|_| self.zoning);
        apl.chain(zoning).copied().collect()
    }

    /// The cells of `figures` (empty when a figure is absent: an APL mean over no value).
    fn cells(self, figures: Option<&AccessFigures>, numbers: Numbers) -> Vec<String> {
        let mut cells = Vec::new();
        let apl = figures.and_then(|f| f.apl.as_ref());
        if self.apl {
            let people =
                |f: fn(&AplFigures) -> f64| apl.map_or(String::new(), |a| numbers.people(f(a)));
            cells.extend([
                apl.and_then(|a| a.apl_mean)
                    .map_or(String::new(), |m| numbers.rate(m)),
                people(|a| a.population_below_threshold),
                people(|a| a.covered_population_below_threshold),
                people(|a| a.white_zone_population_below_threshold),
                apl.map_or(String::new(), |a| a.units_without_value.to_string()),
            ]);
        }
        let zoning = figures.and_then(|f| f.zoning.as_ref());
        if self.zoning {
            let people = |f: fn(&ZoningFigures) -> f64| {
                zoning.map_or(String::new(), |z| numbers.people(f(z)))
            };
            cells.extend([
                people(|z| z.zip_population),
                people(|z| z.zip_covered_population),
                people(|z| z.zip_white_zone_population),
                people(|z| z.zac_population),
                people(|z| z.zac_covered_population),
                people(|z| z.zac_white_zone_population),
            ]);
        }
        cells
    }
}

/// The age columns a run's tables carry with a population layer giving the age bands:
/// the populations aged 65 and over and 80 and over, and for départements and regions
/// (`full`) those covered and in white zones.
#[derive(Debug, Clone, Copy)]
struct AgeColumns {
    on: bool,
    full: bool,
}

const AGE_COLUMNS: [&str; 6] = [
    "population_65_plus",
    "population_80_plus",
    "covered_population_65_plus",
    "covered_population_80_plus",
    "white_zone_population_65_plus",
    "white_zone_population_80_plus",
];

impl AgeColumns {
    fn of(summary: &Summary, full: bool) -> AgeColumns {
        AgeColumns {
            on: summary.ages.is_some(),
            full,
        }
    }

    fn count(self) -> usize {
        match (self.on, self.full) {
            (false, _) => 0,
            (true, false) => 2,
            (true, true) => AGE_COLUMNS.len(),
        }
    }

    fn columns(self) -> impl Iterator<Item = (&'static str, Kind)> {
        AGE_COLUMNS[..self.count()].iter().map(|&c| (c, Kind::Real))
    }

    /// The cells of `figures` (empty for a territory without them).
    fn cells(self, figures: Option<&AgeFigures>, numbers: Numbers) -> Vec<String> {
        let values = figures.map(|f| {
            [
                f.population_65_plus,
                f.population_80_plus,
                f.covered_population_65_plus,
                f.covered_population_80_plus,
                f.white_zone_population_65_plus,
                f.white_zone_population_80_plus,
            ]
        });
        (0..self.count())
            .map(|i| values.map_or(String::new(), |v| numbers.people(v[i])))
            .collect()
    }
}

/// The tables of `summary` and `layers`.
#[derive(Debug, Clone)]
pub struct Tables {
    pub cpts: CsvTable,
    pub by_departement: CsvTable,
    pub by_region: CsvTable,
    pub white_zones: CsvTable,
    pub uncovered_communes: CsvTable,
}

impl Tables {
    /// The tables of the run `summary` describes, drawn as `layers`.
    pub fn new(summary: &Summary, layers: &Layers) -> Tables {
        let numbers = Numbers::of(summary);
        let access = AccessColumns::of(summary);
        let ages = AgeColumns::of(summary, true);
        let departements = summary.by_departement.iter().map(|r| {
            (
                r.departement.as_str(),
                departement_name(&r.departement),
                &r.totals,
            )
        });
        let regions = summary
            .by_region
            .iter()
            .map(|r| (r.region.as_str(), region_name(&r.region), &r.totals));
        Tables {
            cpts: cpts_table(summary, numbers, access),
            by_departement: totals_table("departement", departements, numbers, access, ages),
            by_region: totals_table("region", regions, numbers, access, ages),
            white_zones: white_zones_table(summary, layers.named("white_zones"), numbers, access),
            uncovered_communes: uncovered_table(layers.named("communes"), numbers),
        }
    }

    /// Writes [`TABLE_FILES`] into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        self.cpts.write(dir, "cpts.csv")?;
        self.by_departement.write(dir, "by_departement.csv")?;
        self.by_region.write(dir, "by_region.csv")?;
        self.white_zones.write(dir, "white_zones.csv")?;
        self.uncovered_communes.write(dir, "uncovered_communes.csv")
    }
}

/// The names of comma-separated département codes, in their order.
fn departement_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|d| departement_name(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
}

/// `cpts.csv`: each CPTS, its population, tier and funding, and its départements.
fn cpts_table(summary: &Summary, numbers: Numbers, access: AccessColumns) -> CsvTable {
    // The missions column only when the perimeter file says which missions were signed.
    let missions = summary
        .cpts
        .iter()
        .any(|c| c.funding_missions_eur.is_some());
    let mut columns = vec![
        ("id", Kind::Text),
        ("nom", Kind::Text),
        ("statut", Kind::Text),
        ("population", Kind::Real),
        ("tier", Kind::Integer),
        ("funding_max_eur", Kind::Integer),
    ];
    if missions {
        columns.push(("funding_missions_eur", Kind::Integer));
    }
    columns.extend([
        ("partial", Kind::Text),
        ("departements", Kind::Text),
        ("departement_noms", Kind::Text),
    ]);
    columns.extend(access.columns());
    let ages = AgeColumns::of(summary, false);
    columns.extend(ages.columns());
    let rows = summary
        .cpts
        .iter()
        .map(|c| {
            let mut row = vec![
                c.id.clone(),
                c.nom.clone(),
                c.statut.to_string(),
                numbers.people(c.population),
                c.tier.to_string(),
                c.funding_max_eur.to_string(),
            ];
            if missions {
                row.push(
                    c.funding_missions_eur
                        .map_or(String::new(), |e| e.to_string()),
                );
            }
            row.extend([
                c.partial.to_string(),
                c.departements.join(","),
                departement_names(&c.departements),
            ]);
            row.extend(access.cells(c.access.as_ref(), numbers));
            row.extend(ages.cells(c.ages.as_ref(), numbers));
            row
        })
        .collect();
    CsvTable { columns, rows }
}

/// `by_departement.csv` or `by_region.csv`: each area's code, name and totals, and its
/// uncovered inhabitants outside the white zones (slivers and contour gaps), so that
/// covered, white-zone and those add up to the population.
fn totals_table<'a>(
    key: &'static str,
    rows: impl Iterator<Item = (&'a str, Option<&'static str>, &'a Totals)>,
    numbers: Numbers,
    access: AccessColumns,
    ages: AgeColumns,
) -> CsvTable {
    let mut columns = vec![
        (key, Kind::Text),
        ("nom", Kind::Text),
        ("population", Kind::Real),
        ("covered_population", Kind::Real),
        ("coverage_rate", Kind::Real),
        ("white_zone_population", Kind::Real),
        ("uncovered_outside_white_zones", Kind::Real),
    ];
    columns.extend(access.columns());
    columns.extend(ages.columns());
    CsvTable {
        columns,
        rows: rows
            .map(|(code, name, t)| {
                let outside = t.population - t.covered_population - t.white_zone_population;
                let mut row = vec![
                    code.to_string(),
                    name.unwrap_or_default().to_string(),
                    numbers.people(t.population),
                    numbers.people(t.covered_population),
                    numbers.rate(t.coverage_rate),
                    numbers.people(t.white_zone_population),
                    numbers.people(outside.max(0.0)),
                ];
                row.extend(access.cells(t.access.as_ref(), numbers));
                row.extend(ages.cells(t.ages.as_ref(), numbers));
                row
            })
            .collect(),
    }
}

/// The text of attribute `key` of `f`, numbers written out.
fn text(f: &MapFeature, key: &str) -> String {
    match f.properties.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The number of attribute `key` of `f`, 0 when absent.
fn number(f: &MapFeature, key: &str) -> f64 {
    f.properties.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

/// `white_zones.csv`: each white zone of the layer, its départements, population,
/// area and communes, and its need for care with the access tables (`in_zip` with the
/// zoning).
fn white_zones_table(
    summary: &Summary,
    zones: &[MapFeature],
    numbers: Numbers,
    access: AccessColumns,
) -> CsvTable {
    let mut columns = vec![
        ("id", Kind::Text),
        ("departements", Kind::Text),
        ("departement_noms", Kind::Text),
        ("population", Kind::Real),
        ("area_km2", Kind::Real),
        ("commune_count", Kind::Integer),
        ("communes", Kind::Text),
    ];
    if access.zoning {
        columns.push(("in_zip", Kind::Text));
    }
    columns.extend(access.columns());
    let ages = AgeColumns::of(summary, false);
    columns.extend(ages.columns());
    CsvTable {
        columns,
        rows: zones
            .iter()
            .zip(&summary.white_zones)
            .map(|(z, row)| {
                let departements: Vec<String> = text(z, "departements")
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(String::from)
                    .collect();
                vec![
                    text(z, "id"),
                    departements.join(","),
                    departement_names(&departements),
                    numbers.people(number(z, "population")),
                    numbers.km2(number(z, "area_km2")),
                    text(z, "commune_count"),
                    text(z, "communes"),
                ]
                .into_iter()
                .chain(row.in_zip.map(|b| b.to_string()))
                .chain(access.cells(row.access.as_ref(), numbers))
                .chain(ages.cells(row.ages.as_ref(), numbers))
                .collect()
            })
            .collect(),
    }
}

/// `uncovered_communes.csv`: each unit with inhabitants outside every CPTS (at least
/// 0.05, half the precision shown), by code.
fn uncovered_table(communes: &[MapFeature], numbers: Numbers) -> CsvTable {
    let mut table = CsvTable {
        columns: vec![
            ("code", Kind::Text),
            ("nom", Kind::Text),
            ("departement", Kind::Text),
            ("departement_nom", Kind::Text),
            ("population", Kind::Real),
            ("covered_share", Kind::Real),
            ("uncovered_population", Kind::Real),
            ("white_zone_population", Kind::Real),
        ],
        rows: communes
            .iter()
            .filter_map(|c| {
                let population = number(c, "population");
                let uncovered = population - number(c, "covered_population");
                let departement = text(c, "departement");
                (uncovered >= 0.05).then(|| {
                    vec![
                        text(c, "code"),
                        text(c, "nom"),
                        departement.clone(),
                        departement_name(&departement)
                            .unwrap_or_default()
                            .to_string(),
                        numbers.people(population),
                        numbers.rate(number(c, "covered_share")),
                        numbers.people(uncovered),
                        numbers.people(number(c, "white_zone_population")),
                    ]
                })
            })
            .collect(),
    };
    table.rows.sort();
    table
}
