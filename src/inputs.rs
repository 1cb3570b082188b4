//! Loading: the population units and the CPTS, checked and matched to each other.

use crate::error::{Error, Result};
use crate::io::communes::{merge_arrondissements, read_communes, CommuneFields};
use crate::io::perimeters::{read_perimeters, MemberRow, PerimeterFile};
use crate::model::{Cpts, InseeCode, Perimeter, Unit};
use crate::repair::{repair_geometries, Repairs};
use geo::{Area, MultiPolygon};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where the inputs are and how the communes layer names its properties.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub communes: PathBuf,
    pub perimeters: PathBuf,
    /// Arrondissements municipaux, which then replace Paris, Lyon and Marseille as units.
    pub arrondissements: Option<PathBuf>,
    pub fields: CommuneFields,
}

/// How the CPTS territories are given.
#[derive(Debug, Clone)]
pub enum Perimeters {
    /// One perimeter per CPTS (same order as [`Inputs::cpts`]).
    Polygons(Vec<Perimeter>),
    /// For each CPTS, the indices of the units it lists, sorted and without repeats.
    Membership(Vec<Vec<usize>>),
}

/// Everything an analysis needs, checked: units sorted by code, CPTS sorted by id.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub units: Vec<Unit>,
    pub cpts: Vec<Cpts>,
    pub perimeters: Perimeters,
    pub repairs: Repairs,
    /// Whether arrondissements stand in for Paris, Lyon and Marseille.
    pub arrondissements: bool,
}

/// The population units, read and checked once: several perimeter files can be
/// analysed on them (see `cpts diff`).
#[derive(Debug, Clone)]
pub struct Territory {
    /// Sorted by code.
    pub units: Vec<Unit>,
    pub repairs: Repairs,
    /// Whether arrondissements stand in for Paris, Lyon and Marseille.
    pub arrondissements: bool,
}

impl Territory {
    /// Reads and checks the communes (and arrondissements) of `options`.
    pub fn load(options: &LoadOptions) -> Result<Territory> {
        let mut repairs = Repairs::default();
        let mut units = read_communes(&options.communes, &options.fields, &mut repairs)?;
        check_single_level(&options.communes, &units)?;
        if let Some(path) = &options.arrondissements {
            units = merge_arrondissements(path, units, &mut repairs)?;
        }
        units.sort_by(|a, b| a.code.cmp(&b.code));
        repairs.repaired_geometries +=
            repair_geometries(units.par_iter_mut().map(|u| &mut u.geometry));
        check_area(
            &options.communes,
            units.iter().map(|u| (u.code.as_str(), &u.geometry)),
        )?;
        Ok(Territory {
            units,
            repairs,
            arrondissements: options.arrondissements.is_some(),
        })
    }
}

impl Inputs {
    /// Reads and checks every input; fails with the first problem found.
    pub fn load(options: &LoadOptions) -> Result<Inputs> {
        Inputs::with_perimeters(Territory::load(options)?, &options.perimeters)
    }

    /// Reads the perimeter file `path` and matches it to the units of `territory`.
    pub fn with_perimeters(territory: Territory, path: &Path) -> Result<Inputs> {
        let Territory {
            units,
            mut repairs,
            arrondissements,
        } = territory;
        let (cpts, perimeters) = match read_perimeters(path, &mut repairs)? {
            PerimeterFile::Polygons(mut layer) => {
                layer.sort_by(|a, b| a.0.id.cmp(&b.0.id));
                repairs.repaired_geometries +=
                    repair_geometries(layer.par_iter_mut().map(|(_, p)| &mut p.shape));
                check_area(path, layer.iter().map(|(c, p)| (c.id.as_str(), &p.shape)))?;
                let (cpts, shapes) = layer.into_iter().unzip();
                (cpts, Perimeters::Polygons(shapes))
            }
            PerimeterFile::Membership { cpts, rows } => {
                let lists = resolve_members(path, &units, cpts.len(), &rows, arrondissements)?;
                let mut order: Vec<usize> = (0..cpts.len()).collect();
                order.sort_by(|&a, &b| cpts[a].id.cmp(&cpts[b].id));
                let cpts = order.iter().map(|&k| cpts[k].clone()).collect();
                let lists = order.iter().map(|&k| lists[k].clone()).collect();
                (cpts, Perimeters::Membership(lists))
            }
        };
        Ok(Inputs {
            units,
            cpts,
            perimeters,
            repairs,
            arrondissements,
        })
    }
}

/// The city of an arrondissement municipal: Paris (75101–75120), Lyon (69381–69389)
/// or Marseille (13201–13216); `None` for any other code.
pub fn city_of_arrondissement(code: &InseeCode) -> Option<&'static str> {
    let n: u32 = code.as_str().parse().ok()?;
    match n {
        75101..=75120 => Some("75056"),
        69381..=69389 => Some("69123"),
        13201..=13216 => Some("13055"),
        _ => None,
    }
}

/// Is `code` an arrondissement municipal of Paris, Lyon or Marseille?
pub fn is_arrondissement(code: &InseeCode) -> bool {
    city_of_arrondissement(code).is_some()
}

/// Fails on the first shape without area (flat rings, or nothing left after repair).
fn check_area<'a>(
    path: &Path,
    shapes: impl Iterator<Item = (&'a str, &'a MultiPolygon<f64>)>,
) -> Result<()> {
    for (name, shape) in shapes {
        if shape.unsigned_area() == 0.0 {
            return Err(Error::input(
                path,
                format!("feature {name}"),
                "the geometry has no area (its rings are flat or cancel out)",
                "draw the feature's polygon or remove the feature",
            ));
        }
    }
    Ok(())
}

/// Fails when the communes layer holds a city and one of its arrondissements: the
/// population would be counted twice.
fn check_single_level(path: &Path, units: &[Unit]) -> Result<()> {
    let codes: std::collections::HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    match units.iter().find(|u| city_of_arrondissement(&u.code).is_some_and(|city| codes.contains(city))) {
        Some(u) => Err(Error::input(
            path,
            format!("code {}", u.code),
            format!(
                "the layer holds both the arrondissement {} and its city {}: its population would be counted twice",
                u.code,
                city_of_arrondissement(&u.code).unwrap_or_default()
            ),
            "keep one level: the city in the communes layer, its arrondissements in --arrondissements",
        )),
        None => Ok(()),
    }
}

/// Matches each membership row to units: a unit's own code, or a city whose
/// arrondissements are the units (then the row covers all of them).
fn resolve_members(
    path: &Path,
    units: &[Unit],
    cpts_count: usize,
    rows: &[MemberRow],
    with_arrondissements: bool,
) -> Result<Vec<Vec<usize>>> {
    let mut by_code: HashMap<&InseeCode, Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        by_code.entry(&u.code).or_default().push(i);
        if u.commune != u.code {
            by_code.entry(&u.commune).or_default().push(i);
        }
    }
    let mut lists = vec![Vec::new(); cpts_count];
    let (mut arrondissements, mut unknown) = (Vec::new(), Vec::new());
    for row in rows {
        match by_code.get(&row.code) {
            Some(found) => lists[row.cpts].extend_from_slice(found),
            None if !with_arrondissements && is_arrondissement(&row.code) => {
                arrondissements.push(format!("{} (line {})", row.code, row.line))
            }
            None => unknown.push(format!("{} (line {})", row.code, row.line)),
        }
    }
    if !arrondissements.is_empty() {
        return Err(Error::input(
            path,
            format!("{} rows", arrondissements.len()),
            format!(
                "the table names arrondissements municipaux: {}",
                shorten(&arrondissements)
            ),
            "pass their populations and geometries with --arrondissements FILE",
        ));
    }
    if !unknown.is_empty() {
        return Err(Error::input(
            path,
            format!("{} rows", unknown.len()),
            format!(
                "codes that are in no commune of the communes layer: {}",
                shorten(&unknown)
            ),
            "correct the codes, or give a communes layer of the same vintage (COG) and extent",
        ));
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    Ok(lists)
}

fn shorten(items: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}
