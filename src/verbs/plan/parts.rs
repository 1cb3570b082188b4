//! The white zones as the regions plan them: each ARS plans its own region, so a white
//! zone across a region border is planned region by region (unless `--cross-regions`),
//! each part with its own proposals.

use crate::analysis::Analysis;
use crate::geometry::projection::Zone;
use crate::load::inputs::Inputs;
use crate::zones::white_zones::WhiteZone;
use geo::{Area, BoundingRect, Intersects, MultiPolygon};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A white zone, or its part in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePart {
    /// Index in `Analysis::white.zones` (`ZB-0001` is 0).
    pub zone: usize,
    /// The part's region, when its zone spans several and was split.
    pub region: Option<String>,
    /// The zone whose projected CRS holds the shape.
    pub projection: Zone,
    /// Projected shape, in the zone's CRS.
    pub shape: MultiPolygon<f64>,
    pub area_m2: f64,
    pub population: f64,
    /// The zone's units in the part, by index, increasing.
    pub communes: Vec<usize>,
    /// The zone's départements in the part, sorted.
    pub departements: Vec<String>,
}

impl ZonePart {
    /// Its white zone's id: `ZB-0001` for the first.
    pub fn zone_id(&self) -> String {
        format!("ZB-{:04}", self.zone + 1)
    }

    /// The zone's id, and for a part of a zone split by a region border the region's
    /// code after it: `ZB-0001-76`.
    pub fn id(&self) -> String {
        match &self.region {
            Some(region) => format!("{}-{region}", self.zone_id()),
            None => self.zone_id(),
        }
    }
}

/// The parts to plan, most populous first (then by zone and region), or, with the access
/// tables, in the order of the zones (most urgent first) and the most populous part of
/// each first: every white zone
/// whole when `cross_regions`, else each zone's part in each of its regions holding at
/// least one inhabitant (a region's piece holding less goes with the most populous
/// part). `region_of` gives the region of each département.
pub fn zone_parts(
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    region_of: &BTreeMap<String, String>,
    cross_regions: bool,
) -> Vec<ZonePart> {
    let mut parts: Vec<ZonePart> = analysis
        .white
        .zones
        .par_iter()
        .enumerate()
        .flat_map_iter(|(z, w)| {
            let by_region = people_by_region(w, region_of);
            let planned = by_region.values().filter(|&&p| p >= 1.0).count();
            match cross_regions || planned < 2 {
                true => vec![whole(z, w)],
                false => split(z, w, &by_region, region_of, inputs, analysis, projected),
            }
        })
        .collect();
    let by_need = inputs.access.is_some();
    parts.sort_by(|a, b| {
        let zones = a.zone.cmp(&b.zone);
        let urgency = if by_need {
            zones
        } else {
            std::cmp::Ordering::Equal
        };
        urgency
            .then(b.population.total_cmp(&a.population))
            .then(zones)
            .then_with(|| a.region.cmp(&b.region))
    });
    parts
}

/// The inhabitants of `w` in each of its regions.
fn people_by_region<'a>(
    w: &WhiteZone,
    region_of: &'a BTreeMap<String, String>,
) -> BTreeMap<&'a str, f64> {
    let mut people: BTreeMap<&str, f64> = BTreeMap::new();
    for (d, p) in w.departements.iter().zip(&w.population_by_departement) {
        if let Some(r) = region_of.get(d) {
            *people.entry(r).or_insert(0.0) += p;
        }
    }
    people
}

/// White zone `w` (index `z`) as one part.
fn whole(z: usize, w: &WhiteZone) -> ZonePart {
    ZonePart {
        zone: z,
        region: None,
        projection: w.zone,
        shape: MultiPolygon::new(vec![w.shape.clone()]),
        area_m2: w.area_m2,
        population: w.population,
        communes: w.communes.clone(),
        departements: w.departements.clone(),
    }
}

/// White zone `w` (index `z`) cut along the region borders: each region of `people`
/// holding at least one inhabitant gets the zone over its units; every other piece goes
/// to the most populous region.
fn split(
    z: usize,
    w: &WhiteZone,
    people: &BTreeMap<&str, f64>,
    region_of: &BTreeMap<String, String>,
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
) -> Vec<ZonePart> {
    let main = people
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(r, _)| *r)
        .unwrap_or_default();
    let planned_by = |region: &str| match people.get(region).is_some_and(|&p| p >= 1.0) {
        true => region.to_string(),
        false => main.to_string(),
    };
    let grid = &analysis.grids[w.zone.index()];
    let zone = MultiPolygon::new(vec![w.shape.clone()]);
    let bounds = w.shape.bounding_rect();
    let mut pieces: BTreeMap<String, Vec<MultiPolygon<f64>>> = BTreeMap::new();
    for (u, unit) in inputs.units.iter().enumerate() {
        let near = unit.zone == w.zone
            && projected[u]
                .bounding_rect()
                .zip(bounds)
                .is_some_and(|(a, b)| a.intersects(&b));
        if near {
            let piece = grid.intersection_multi(&zone, &projected[u]);
            if !piece.0.is_empty() {
                pieces
                    .entry(planned_by(&unit.region))
                    .or_default()
                    .push(piece);
            }
        }
    }
    pieces
        .into_iter()
        .map(|(region, shapes)| (region, grid.union(&shapes)))
        .map(|(region, shape)| ZonePart {
            zone: z,
            area_m2: shape.unsigned_area(),
            population: people
                .iter()
                .filter(|(r, _)| planned_by(r) == region)
                .map(|(_, p)| p)
                .sum(),
            shape,
            communes: w
                .communes
                .iter()
                .copied()
                .filter(|&c| planned_by(&inputs.units[c].region) == region)
                .collect(),
            departements: w
                .departements
                .iter()
                .filter(|d| region_of.get(*d).map(|r| planned_by(r)).as_ref() == Some(&region))
                .cloned()
                .collect(),
            region: Some(region),
            projection: w.zone,
        })
        .collect()
}
