//! Overlaps: two CPTS on one territory, which the rule of exclusivity forbids (seed 003).

use crate::cover::UnitCover;
use crate::grid::Grid;
use crate::model::Unit;
use crate::projection::Zone;
use geo::{Area, MultiPolygon};
use std::collections::BTreeMap;

/// The territory two CPTS both claim.
#[derive(Debug, Clone)]
pub struct Overlap {
    /// CPTS indices, `a < b` (so ids in increasing order).
    pub a: usize,
    pub b: usize,
    pub zone: Zone,
    /// Projected geometry.
    pub shape: MultiPolygon<f64>,
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
    zones: &[Zone],
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
            // Measured on the dissolved shape: communes of generalised layers overlap each
            // other a little, and their pieces must not count that twice.
            let zone = zones[pieces[0].0];
            let shape = grids[zone.index()].union(pieces.iter().map(|p| &piece(p).shape));
            let area_m2 = shape.unsigned_area();
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
                zone,
                shape,
                area_m2,
                population,
                communes,
            })
        })
        .collect()
}
