//! Overlaps: two CPTS on one territory, which the rule of exclusivity forbids (seed 003).

use crate::geometry::grid::Grid;
use crate::geometry::projection::Zone;
use crate::model::Unit;
use crate::overlay::cover::UnitCover;
use geo::{Area, MultiPolygon};
use std::collections::BTreeMap;

/// The territory two CPTS both claim.
#[derive(Debug, Clone)]
pub struct Overlap {
    /// CPTS indices, `a < b` (so ids in increasing order).
    pub a: usize,
    pub b: usize,
    /// Projected geometry, by zone (a membership list may span two).
    pub shapes: Vec<(Zone, MultiPolygon<f64>)>,
    pub area_m2: f64,
    /// `Σ pop(c) × area(c ∩ A ∩ B) / area(c)`.
    pub population: f64,
    /// Units the overlap touches on at least `TOUCH_M2`, by index.
    pub communes: Vec<usize>,
}

/// Smallest piece of a unit that makes the unit count as touched by an overlap.
const TOUCH_M2: f64 = 1.0;

/// Collects the overlap pieces of all units by pair of CPTS; pairs whose total area is
/// below `min_area_m2` are dropped (slivers along shared borders).
pub fn overlaps(
    units: &[Unit],
    grids: &[Grid],
    covers: &[UnitCover],
    min_area_m2: f64,
) -> Vec<Overlap> {
    let mut pairs: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for (i, c) in covers.iter().enumerate() {
        for (j, piece) in c.overlaps.iter().enumerate() {
            pairs.entry((piece.a, piece.b)).or_default().push((i, j));
        }
    }
    pairs
        .into_iter()
        .filter_map(|((a, b), pieces)| {
            let piece = |&(i, j): &(usize, usize)| &covers[i].overlaps[j];
            // Dissolved zone by zone, and measured on the result: communes of
            // generalised layers overlap each other a little, and their pieces must not
            // count that twice.
            let mut by_zone: BTreeMap<Zone, Vec<&MultiPolygon<f64>>> = BTreeMap::new();
            for p in &pieces {
                by_zone
                    .entry(units[p.0].zone)
                    .or_default()
                    .push(&piece(p).shape);
            }
            let shapes: Vec<(Zone, MultiPolygon<f64>)> = by_zone
                .into_iter()
                .map(|(zone, parts)| (zone, grids[zone.index()].union(parts)))
                .collect();
            let area_m2: f64 = shapes.iter().map(|(_, s)| s.unsigned_area()).sum();
            if area_m2 < min_area_m2 {
                return None;
            }
            let population = pieces
                .iter()
                .map(|p| units[p.0].population * piece(p).area / covers[p.0].area)
                .sum();
            let mut communes: Vec<usize> = pieces
                .iter()
                .filter(|p| piece(p).area >= TOUCH_M2)
                .map(|p| p.0)
                .collect();
            communes.dedup();
            Some(Overlap {
                a,
                b,
                shapes,
                area_m2,
                population,
                communes,
            })
        })
        .collect()
}
