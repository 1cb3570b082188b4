//! Loading: the population units and the CPTS, checked and matched to each other.

use crate::error::{Error, Result};
use crate::io::communes::{merge_arrondissements, read_communes, CommuneFields};
use crate::io::perimeters::{read_perimeters, MemberRow, PerimeterFile};
use crate::model::{Cpts, InseeCode, Unit};
use crate::repair::{repair_geometries, Repairs};
use geo::MultiPolygon;
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
    /// One WGS84 multipolygon per CPTS (same order as [`Inputs::cpts`]).
    Polygons(Vec<MultiPolygon<f64>>),
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

impl Inputs {
    /// Reads and checks every input; fails with the first problem found.
    pub fn load(options: &LoadOptions) -> Result<Inputs> {
        let mut repairs = Repairs::default();
        let mut units = read_communes(&options.communes, &options.fields, &mut repairs)?;
        if let Some(path) = &options.arrondissements {
            units = merge_arrondissements(path, units, &mut repairs)?;
        }
        units.sort_by(|a, b| a.code.cmp(&b.code));
        repairs.repaired_geometries +=
            repair_geometries(units.par_iter_mut().map(|u| &mut u.geometry));
        let (cpts, perimeters) = match read_perimeters(&options.perimeters, &mut repairs)? {
            PerimeterFile::Polygons(mut layer) => {
                layer.sort_by(|a, b| a.0.id.cmp(&b.0.id));
                repairs.repaired_geometries +=
                    repair_geometries(layer.par_iter_mut().map(|(_, g)| g));
                let (cpts, shapes) = layer.into_iter().unzip();
                (cpts, Perimeters::Polygons(shapes))
            }
            PerimeterFile::Membership { cpts, rows } => {
                let lists = resolve_members(
                    &options.perimeters,
                    &units,
                    cpts.len(),
                    &rows,
                    options.arrondissements.is_some(),
                )?;
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
            arrondissements: options.arrondissements.is_some(),
        })
    }
}

/// Is `code` an arrondissement municipal of Paris (75101–75120), Lyon (69381–69389)
/// or Marseille (13201–13216)?
pub fn is_arrondissement(code: &InseeCode) -> bool {
    let n: u32 = match code.as_str().parse() {
        Ok(n) => n,
        Err(_) => return false,
    };
    (75101..=75120).contains(&n) || (69381..=69389).contains(&n) || (13201..=13216).contains(&n)
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
