//! White zones: the territory in no counted CPTS, dissolved into connected parts
//! (the polygons of the union: two parts touching at a single point stay two).

use crate::geometry::grid::{polygon_rings, Grid};
use crate::geometry::projection::Zone;
use crate::model::Unit;
use crate::overlay::cover::UnitCover;
use geo::{Area, BoundingRect, InteriorPoint, Intersects, MultiPolygon, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::{BTreeMap, BTreeSet};

/// One connected part of the uncovered territory.
#[derive(Debug, Clone)]
pub struct WhiteZone {
    pub zone: Zone,
    /// Projected polygon of the part.
    pub shape: Polygon<f64>,
    pub area_m2: f64,
    /// `Σ pop(c) × area(c ∩ part) / area(c)`.
    pub population: f64,
    /// Units with some territory in the part that are at least half uncovered, by
    /// index, increasing.
    pub communes: Vec<usize>,
    /// Départements of every unit with territory in the part, sorted.
    pub departements: Vec<String>,
}

/// White zones and what the sliver tolerance set apart.
#[derive(Debug, Clone, Default)]
pub struct WhiteZones {
    /// Parts at least as large as the sliver tolerance, largest population first.
    pub zones: Vec<WhiteZone>,
    /// Parts smaller than the tolerance: digitising noise, not white zones.
    pub sliver_count: usize,
    /// Uncovered population outside the white zones: in slivers and hairline remainders.
    pub sliver_population: f64,
    /// For each unit, its population in white zones (slivers excluded).
    pub unit_population: Vec<f64>,
}

/// Dissolves the uncovered pieces of every unit, zone by zone, and measures each part.
/// Parts smaller than `sliver_m2` are counted as slivers.
pub fn white_zones(
    units: &[Unit],
    grids: &[Grid],
    covers: &[UnitCover],
    sliver_m2: f64,
) -> WhiteZones {
    let mut groups: BTreeMap<(Zone, &str), Vec<usize>> = BTreeMap::new();
    for (i, c) in covers.iter().enumerate() {
        if !c.uncovered.0.is_empty() {
            groups
                .entry((units[i].zone, units[i].departement.as_str()))
                .or_default()
                .push(i);
        }
    }
    // Dissolve département by département, then each zone from those results.
    let per_departement: Vec<(Zone, MultiPolygon<f64>)> = groups
        .par_iter()
        .map(|((zone, _), members)| {
            (
                *zone,
                grids[zone.index()].union(members.iter().map(|&i| &covers[i].uncovered)),
            )
        })
        .collect();
    let mut out = WhiteZones {
        unit_population: vec![0.0; units.len()],
        ..Default::default()
    };
    for zone in Zone::ALL {
        let pieces: Vec<&MultiPolygon<f64>> = per_departement
            .iter()
            .filter(|(z, _)| *z == zone)
            .map(|(_, s)| s)
            .collect();
        if pieces.is_empty() {
            continue;
        }
        let parts = grids[zone.index()].union(pieces).0;
        let members: Vec<usize> = groups
            .iter()
            .filter(|((z, _), _)| *z == zone)
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        assign(units, covers, zone, parts, &members, sliver_m2, &mut out);
    }
    let uncovered: f64 = units
        .iter()
        .zip(covers)
        .map(|(u, c)| u.population * (1.0 - c.covered_share()))
        .sum();
    // The two sums measure the same pieces in different order: never below zero.
    out.sliver_population = (uncovered - out.unit_population.iter().sum::<f64>()).max(0.0);
    out.zones.sort_by(|a, b| {
        b.population
            .total_cmp(&a.population)
            .then(b.area_m2.total_cmp(&a.area_m2))
    });
    out
}

type PartEnvelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Smallest piece of a unit that makes it count as part of a white zone, m².
const TOUCH_M2: f64 = 1.0;

/// For each member unit, in order, each piece of its uncovered part: the part holding
/// it (by its interior point) and its area.
fn locate_pieces(
    covers: &[UnitCover],
    parts: &[Polygon<f64>],
    members: &[usize],
) -> Vec<Vec<(Option<usize>, f64)>> {
    let tree: RTree<PartEnvelope> = RTree::bulk_load(
        parts
            .iter()
            .enumerate()
            .filter_map(|(p, poly)| {
                let r = poly.bounding_rect()?;
                Some(PartEnvelope::new(
                    Rectangle::from_corners(r.min().into(), r.max().into()),
                    p,
                ))
            })
            .collect(),
    );
    let vertices: Vec<usize> = parts
        .iter()
        .map(|p| polygon_rings(p).map(|r| r.0.len()).sum())
        .collect();
    // The parts are the union of the pieces: a piece's interior point lies in one of
    // the parts whose box holds it. The smaller ones are tested; the largest, which a
    // ring of half a million vertices can make costly, is what remains.
    let locate = |q: &Polygon<f64>| -> Option<usize> {
        let point = q.interior_point()?;
        let here = AABB::from_point([point.x(), point.y()]);
        let mut found: Vec<usize> = tree
            .locate_in_envelope_intersecting(&here)
            .map(|e| e.data)
            .collect();
        found.sort_unstable_by_key(|&p| (vertices[p], p));
        let largest = found.pop()?;
        Some(
            found
                .into_iter()
                .find(|&p| parts[p].intersects(&point))
                .unwrap_or(largest),
        )
    };
    members
        .par_iter()
        .map(|&i| {
            covers[i]
                .uncovered
                .0
                .iter()
                .map(|q| (locate(q), q.unsigned_area()))
                .collect()
        })
        .collect()
}

/// Puts each uncovered polygon of each unit in the part that contains it.
fn assign(
    units: &[Unit],
    covers: &[UnitCover],
    zone: Zone,
    parts: Vec<Polygon<f64>>,
    members: &[usize],
    sliver_m2: f64,
    out: &mut WhiteZones,
) {
    let placed = locate_pieces(covers, &parts, members);
    let areas: Vec<f64> = parts.iter().map(|p| p.unsigned_area()).collect();
    let mut population = vec![0.0; parts.len()];
    let mut contributors: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); parts.len()];
    for (&i, pieces) in members.iter().zip(&placed) {
        for &(part, area) in pieces {
            let people = units[i].population * area / covers[i].area;
            match part {
                Some(p) if areas[p] >= sliver_m2 => {
                    population[p] += people;
                    out.unit_population[i] += people;
                    if area >= TOUCH_M2 {
                        contributors[p].insert(i);
                    }
                }
                _ => {}
            }
        }
    }
    for (p, shape) in parts.into_iter().enumerate() {
        if areas[p] < sliver_m2 {
            out.sliver_count += 1;
            continue;
        }
        let departements: BTreeSet<&String> = contributors[p]
            .iter()
            .map(|&i| &units[i].departement)
            .collect();
        out.zones.push(WhiteZone {
            zone,
            shape,
            area_m2: areas[p],
            population: population[p],
            communes: contributors[p]
                .iter()
                .copied()
                .filter(|&i| covers[i].covered_share() <= 0.5)
                .collect(),
            departements: departements.into_iter().cloned().collect(),
        });
    }
}
