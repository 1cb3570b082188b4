//! The pipeline: project, overlay (or read the lists), dissolve white zones, collect
//! overlaps, and sum CPTS populations, each stage parallel over units.

use crate::cover::UnitCover;
use crate::error::Result;
use crate::inputs::{Inputs, Perimeters};
use crate::membership::{cover_unit, listing_cpts};
use crate::model::Status;
use crate::overlaps::{overlaps, Overlap};
use crate::overlay::{overlay_unit, PerimeterIndex};
use crate::projection::{to_projected, Zone};
use crate::white_zones::{white_zones, WhiteZones};
use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;

/// Choices that change the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Statuses whose CPTS count as covering (default: all three).
    pub statuses: Vec<Status>,
    /// Uncovered parts and overlaps smaller than this are slivers, km² (default 0.01).
    pub sliver_km2: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { statuses: Status::ALL.to_vec(), sliver_km2: 0.01 }
    }
}

impl Options {
    fn counted(&self) -> [bool; 3] {
        Status::ALL.map(|s| self.statuses.contains(&s))
    }
}

/// Receives the name of each stage as it starts (for a progress display).
pub trait Progress: Sync {
    fn stage(&self, name: &str);
}

impl Progress for () {
    fn stage(&self, _: &str) {}
}

/// The results of one analysis, by unit and CPTS index of the [`Inputs`].
#[derive(Debug, Clone)]
pub struct Analysis {
    pub options: Options,
    /// The projected CRS of each unit.
    pub zones: Vec<Zone>,
    /// Coverage of each unit (its uncovered geometry is dropped once dissolved).
    pub covers: Vec<UnitCover>,
    /// `pop(P) = Σ_c pop(c) × area(c ∩ P) / area(c)` for each CPTS.
    pub cpts_population: Vec<f64>,
    pub white: WhiteZones,
    pub overlaps: Vec<Overlap>,
}

/// Runs the analysis of `inputs`.
pub fn analyse(inputs: &Inputs, options: &Options, progress: &dyn Progress) -> Result<Analysis> {
    let units = &inputs.units;
    let statuses: Vec<Status> = inputs.cpts.iter().map(|c| c.statut).collect();
    let counted = options.counted();
    progress.stage("projecting the communes");
    let zones: Vec<Zone> = units.iter().map(|u| Zone::of_departement(&u.departement)).collect();
    let projected: Vec<MultiPolygon<f64>> = units
        .par_iter()
        .zip(&zones)
        .map(|(u, z)| to_projected(*z, &u.geometry))
        .collect::<Result<_>>()?;
    let mut covers: Vec<UnitCover> = match &inputs.perimeters {
        Perimeters::Polygons(shapes) => {
            progress.stage("projecting the perimeters");
            let perimeter_zones: Vec<Option<Zone>> =
                shapes.iter().map(|s| s.bounding_rect().map(Zone::of_lonlat)).collect();
            let by_zone = Zone::ALL
                .into_par_iter()
                .map(|zone| {
                    shapes
                        .par_iter()
                        .zip(&perimeter_zones)
                        .map(|(s, z)| match z {
                            Some(z) if *z == zone => to_projected(zone, s).map(Some),
                            _ => Ok(None),
                        })
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()?;
            let indexes: Vec<PerimeterIndex> = by_zone.iter().map(|s| PerimeterIndex::new(s)).collect();
            progress.stage("overlaying communes and perimeters");
            projected
                .par_iter()
                .zip(&zones)
                .map(|(unit, zone)| {
                    let index = &indexes[Zone::ALL.iter().position(|z| z == zone).unwrap_or(0)];
                    overlay_unit(unit, index, &statuses, counted)
                })
                .collect()
        }
        Perimeters::Membership(lists) => {
            progress.stage("matching the membership lists");
            let by_unit = listing_cpts(units.len(), lists);
            projected
                .par_iter()
                .zip(&by_unit)
                .map(|(unit, listed)| cover_unit(unit, listed, &statuses, counted))
                .collect()
        }
    };
    drop(projected);
    progress.stage("dissolving the white zones");
    let polygon_mode = matches!(inputs.perimeters, Perimeters::Polygons(_));
    let sliver_m2 = options.sliver_km2 * 1e6;
    // Membership mode makes no overlay debris: every part is made of whole units.
    let white = white_zones(units, &zones, &covers, if polygon_mode { sliver_m2 } else { 0.0 });
    progress.stage("collecting the overlaps");
    let overlaps = overlaps(units, &zones, &covers, if polygon_mode { sliver_m2 } else { 0.0 });
    let mut cpts_population = vec![0.0; inputs.cpts.len()];
    for (u, c) in units.iter().zip(&mut covers) {
        for piece in &c.pieces {
            cpts_population[piece.cpts] += u.population * piece.area / c.area;
        }
        c.uncovered = MultiPolygon::new(vec![]);
        c.overlaps.clear();
    }
    Ok(Analysis { options: options.clone(), zones, covers, cpts_population, white, overlaps })
}
