//! Overlaps: two CPTS on one territory, which the rule of exclusivity forbids (seed 003).

use crate::geometry::grid::Grid;
use crate::geometry::parts::Parts;
use crate::geometry::projection::Zone;
use crate::geometry::width::narrower_than;
use crate::model::Unit;
use crate::overlay::cover::UnitCover;
use geo::{Area, MultiPolygon, Polygon};
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

/// Overlap parts narrower than the gap width: the hairlines of perimeters digitised
/// with some noise along a shared border, not a breach of exclusivity.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ContourOverlaps {
    pub count: usize,
    pub area_m2: f64,
    pub population: f64,
}

/// Collects the overlap pieces of all units by pair of CPTS. Parts of a pair narrower
/// than `gap_width` (metres) are contour overlaps, set apart; pairs whose remaining
/// area is below `min_area_m2` are dropped (slivers along shared borders).
pub fn overlaps(
    units: &[Unit],
    grids: &[Grid],
    covers: &[UnitCover],
    min_area_m2: f64,
    gap_width: Option<f64>,
) -> (Vec<Overlap>, ContourOverlaps) {
    let mut pairs: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for (i, c) in covers.iter().enumerate() {
        for (j, piece) in c.overlaps.iter().enumerate() {
            pairs.entry((piece.a, piece.b)).or_default().push((i, j));
        }
    }
    let mut contour = ContourOverlaps::default();
    let mut found = Vec::new();
    for ((a, b), pieces) in pairs {
        let piece = |&(i, j): &(usize, usize)| &covers[i].overlaps[j];
        // Dissolved zone by zone, and measured on the result: communes of generalised
        // layers overlap each other a little, and their pieces must not count that twice.
        let mut by_zone: BTreeMap<Zone, Vec<&(usize, usize)>> = BTreeMap::new();
        for p in &pieces {
            by_zone.entry(units[p.0].zone).or_default().push(p);
        }
        let mut shapes = Vec::new();
        let mut population = 0.0;
        let mut communes: Vec<usize> = Vec::new();
        for (zone, of_zone) in by_zone {
            let union = grids[zone.index()].union(of_zone.iter().map(|p| &piece(p).shape));
            let parts = union.0;
            let narrow: Vec<bool> = parts
                .iter()
                .map(|q| gap_width.is_some_and(|w| narrower_than(q, w)))
                .collect();
            // Each piece's people go with the part holding it, located only when some
            // part is narrow.
            let index = narrow.contains(&true).then(|| Parts::new(&parts));
            for p in of_zone {
                let (unit, cover) = (&units[p.0], &covers[p.0]);
                let (wide_area, wide_weight): (f64, f64) = match &index {
                    None => (piece(p).area, piece(p).weight()),
                    Some(index) => piece(p)
                        .shape
                        .0
                        .iter()
                        .zip(&piece(p).weights)
                        .filter(|(q, _)| index.locate(q).is_some_and(|k| !narrow[k]))
                        .fold((0.0, 0.0), |(a, w), (q, weight)| {
                            (a + q.unsigned_area(), w + weight)
                        }),
                };
                population += unit.population * wide_weight / cover.area;
                contour.population +=
                    unit.population * (piece(p).weight() - wide_weight) / cover.area;
                if wide_area >= TOUCH_M2 {
                    communes.push(p.0);
                }
            }
            drop(index);
            let (wide, thin): (Vec<_>, Vec<_>) =
                parts.into_iter().zip(narrow).partition(|(_, n)| !n);
            contour.count += thin.len();
            contour.area_m2 += thin.iter().map(|(q, _)| q.unsigned_area()).sum::<f64>();
            let wide: Vec<Polygon<f64>> = wide.into_iter().map(|(q, _)| q).collect();
            if !wide.is_empty() {
                shapes.push((zone, MultiPolygon::new(wide)));
            }
        }
        let area_m2: f64 = shapes.iter().map(|(_, s)| s.unsigned_area()).sum();
        if shapes.is_empty() || area_m2 < min_area_m2 {
            continue;
        }
        communes.sort_unstable();
        communes.dedup();
        found.push(Overlap {
            a,
            b,
            shapes,
            area_m2,
            population,
            communes,
        });
    }
    (found, contour)
}
