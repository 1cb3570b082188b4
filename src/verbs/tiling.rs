//! Whether the communes layer tiles the territory, as it should: the gaps (land enclosed
//! by communes but in none of them) and the overlaps (land in two communes) that
//! `cpts validate` reports. Each département is dissolved with the communes touching it,
//! on its zone's grid; gaps are the holes of that union that no commune fills, overlaps
//! the land the communes cover twice.

use crate::error::Result;
use crate::geometry::envelope::{extent, rectangle};
use crate::geometry::grid::Grid;
use crate::geometry::projection::{to_projected, Zone};
use crate::model::{InseeCode, Unit};
use geo::{Area, BoundingRect, Intersects, MultiPolygon, Orient, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, RTreeObject};
use std::collections::{BTreeMap, BTreeSet};

/// What is wrong with a piece of the territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flaw {
    /// Enclosed by communes, in none.
    Gap,
    /// In two communes or more.
    Overlap,
}

/// One gap or overlap between communes.
#[derive(Debug, Clone, PartialEq)]
pub struct TilingFlaw {
    pub flaw: Flaw,
    /// In square metres.
    pub area_m2: f64,
    /// The communes around the gap, or sharing the overlap, by code.
    pub communes: Vec<InseeCode>,
}

type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The gaps and overlaps of at least `min_m2` between `units`, largest first.
pub fn tiling_flaws(units: &[Unit], min_m2: f64) -> Result<Vec<TilingFlaw>> {
    let projected: Vec<MultiPolygon<f64>> = units
        .par_iter()
        .map(|u| {
            to_projected(u.zone, &u.geometry)
                .map(|s| s.orient(geo::orient::Direction::Default))
                .map_err(|e| e.about(|| format!("commune {}", u.code)))
        })
        .collect::<Result<_>>()?;
    let grids: Vec<Option<Grid>> = Zone::ALL
        .iter()
        .map(|&zone| {
            let of_zone = projected
                .iter()
                .zip(units)
                .filter(|(_, u)| u.zone == zone)
                .map(|(s, _)| s);
            extent(of_zone).map(Grid::covering)
        })
        .collect();
    let shapes: Vec<MultiPolygon<f64>> = projected
        .par_iter()
        .zip(units)
        .map(|(s, u)| match &grids[u.zone.index()] {
            Some(grid) => grid.snap(s),
            None => s.clone(),
        })
        .collect();
    let tree = RTree::bulk_load(
        shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some(Boxed::new(rectangle(s.bounding_rect()?), i)))
            .collect(),
    );
    let mut by_departement: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        by_departement.entry(&u.departement).or_default().push(i);
    }
    let layer = Layer {
        units,
        shapes: &shapes,
        grids: &grids,
        tree: &tree,
        min_m2,
    };
    let found: Vec<(Flaw, Vec<usize>, f64)> = by_departement
        .into_par_iter()
        .flat_map_iter(|(_, own)| layer.flaws_around(&own))
        .collect();
    // A flaw on a département's border is found from both sides.
    let mut unique: BTreeMap<(Flaw, Vec<usize>), f64> = BTreeMap::new();
    for (flaw, communes, area) in found {
        let seen = unique.entry((flaw, communes)).or_insert(area);
        *seen = seen.max(area);
    }
    let mut flaws: Vec<TilingFlaw> = unique
        .into_iter()
        .map(|((flaw, communes), area_m2)| TilingFlaw {
            flaw,
            area_m2,
            communes: communes.iter().map(|&i| units[i].code.clone()).collect(),
        })
        .collect();
    flaws.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2));
    Ok(flaws)
}

/// The projected, snapped communes and their index.
struct Layer<'a> {
    units: &'a [Unit],
    shapes: &'a [MultiPolygon<f64>],
    grids: &'a [Option<Grid>],
    tree: &'a RTree<Boxed>,
    min_m2: f64,
}

impl Layer<'_> {
    /// The flaws among the communes `own` (one département) and the communes whose
    /// boxes meet theirs, zone by zone: (flaw, communes by index, area).
    fn flaws_around(&self, own: &[usize]) -> Vec<(Flaw, Vec<usize>, f64)> {
        let mut found = Vec::new();
        for zone in Zone::ALL {
            let Some(grid) = &self.grids[zone.index()] else {
                continue;
            };
            let around: BTreeSet<usize> = own
                .iter()
                .filter(|&&i| self.units[i].zone == zone)
                .flat_map(|&i| self.meeting(&self.shapes[i], zone))
                .collect();
            if around.is_empty() {
                continue;
            }
            let shapes: Vec<&MultiPolygon<f64>> = around.iter().map(|&i| &self.shapes[i]).collect();
            let union = grid.union(shapes.iter().copied());
            let total: f64 = shapes.iter().map(|s| s.unsigned_area()).sum();
            if total - union.unsigned_area() >= self.min_m2 {
                for piece in grid.covered_twice(&shapes) {
                    found.extend(self.overlap(grid, &piece, &around));
                }
            }
            for hole in union.iter().flat_map(|p| p.interiors()) {
                let hole = Polygon::new(hole.clone(), vec![]);
                found.extend(self.gap(grid, &hole, zone));
            }
        }
        found
    }

    /// The communes of `zone` whose boxes meet the box of `shape`.
    fn meeting(&self, shape: &MultiPolygon<f64>, zone: Zone) -> Vec<usize> {
        let Some(rect) = shape.bounding_rect() else {
            return Vec::new();
        };
        self.tree
            .locate_in_envelope_intersecting(&rectangle(rect).envelope())
            .map(|b| b.data)
            .filter(|&j| self.units[j].zone == zone)
            .collect()
    }

    /// An overlap piece, with the communes holding some of it.
    fn overlap(
        &self,
        grid: &Grid,
        piece: &Polygon<f64>,
        around: &BTreeSet<usize>,
    ) -> Option<(Flaw, Vec<usize>, f64)> {
        let area = piece.unsigned_area();
        if area < self.min_m2 {
            return None;
        }
        let piece = MultiPolygon::new(vec![piece.clone()]);
        let sharing: Vec<usize> = self
            .meeting(&piece, self.units[*around.first()?].zone)
            .into_iter()
            .filter(|&i| {
                let shared = grid
                    .intersection_multi(&self.shapes[i], &piece)
                    .unsigned_area();
                shared > 0.0 && shared >= self.min_m2
            })
            .collect();
        (sharing.len() > 1).then(|| (Flaw::Overlap, sorted(sharing), area))
    }

    /// A hole of a union, when the communes do not fill it: the part left, with the
    /// communes around it.
    fn gap(&self, grid: &Grid, hole: &Polygon<f64>, zone: Zone) -> Option<(Flaw, Vec<usize>, f64)> {
        let area = hole.unsigned_area();
        if area < self.min_m2 {
            return None;
        }
        let hole = MultiPolygon::new(vec![hole.clone()]);
        let candidates = self.meeting(&hole, zone);
        let filled: f64 = candidates
            .iter()
            .map(|&i| {
                grid.intersection_multi(&self.shapes[i], &hole)
                    .unsigned_area()
            })
            .sum();
        let left = area - filled;
        if left < self.min_m2 {
            return None;
        }
        let around: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| self.shapes[i].intersects(&hole))
            .collect();
        Some((Flaw::Gap, sorted(around), left))
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    /// A commune over the lon/lat box, in the Côtes-d'Armor, with a vertex at each of
    /// `BREAKS` along its south and north edges, so that neighbours share vertices (a
    /// parallel is curved in Lambert-93: a straight edge would leave slivers).
    fn unit(code: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Unit {
        const BREAKS: [f64; 6] = [-3.0, -2.96, -2.95, -2.91, -2.9, -2.8];
        let inside = |x: &&f64| **x > x0 && **x < x1;
        let mut ring = vec![(x0, y0)];
        ring.extend(BREAKS.iter().filter(inside).map(|&x| (x, y0)));
        ring.extend([(x1, y0), (x1, y1)]);
        ring.extend(BREAKS.iter().rev().filter(inside).map(|&x| (x, y1)));
        ring.extend([(x0, y1), (x0, y0)]);
        Unit {
            code: InseeCode::parse(code).unwrap().0,
            commune: InseeCode::parse(code).unwrap().0,
            nom: code.into(),
            population: 100.0,
            departement: "22".into(),
            region: "53".into(),
            epci: None,
            geometry: Polygon::new(ring.into(), vec![]).into(),
            zone: Zone::Metropole,
        }
    }

    #[test]
    fn a_tiling_has_no_flaw() {
        let units = [
            unit("22001", -3.0, 48.0, -2.9, 48.1),
            unit("22002", -2.9, 48.0, -2.8, 48.1),
            unit("22003", -3.0, 48.1, -2.8, 48.2),
        ];
        assert!(tiling_flaws(&units, 1.0).unwrap().is_empty());
    }

    #[test]
    fn a_hole_between_four_communes_is_a_gap_and_a_shared_strip_an_overlap() {
        // Four communes around a 0.01° × 0.01° hole; the fifth overlaps the east one.
        let units = [
            unit("22001", -3.0, 48.0, -2.9, 48.05),
            unit("22002", -3.0, 48.06, -2.9, 48.1),
            unit("22003", -3.0, 48.05, -2.96, 48.06),
            unit("22004", -2.95, 48.05, -2.9, 48.06),
            unit("22005", -2.91, 48.0, -2.8, 48.1),
        ];
        let flaws = tiling_flaws(&units, 1.0).unwrap();
        let gap = flaws.iter().find(|f| f.flaw == Flaw::Gap).expect("a gap");
        let codes = |f: &TilingFlaw| {
            f.communes
                .iter()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(gap), ["22001", "22002", "22003", "22004"]);
        // 0.01° of longitude × 0.01° of latitude at 48° N: about 745 m × 1 112 m.
        assert!(
            (gap.area_m2 / 828_000.0 - 1.0).abs() < 0.01,
            "{}",
            gap.area_m2
        );
        let overlaps: Vec<&TilingFlaw> = flaws.iter().filter(|f| f.flaw == Flaw::Overlap).collect();
        assert_eq!(overlaps.len(), 1, "{flaws:?}");
        assert_eq!(codes(overlaps[0]), ["22001", "22002", "22004", "22005"]);
        // The strip 0.01° × 0.1° of 22005 over 22001, 22004 and 22002.
        let strip = overlaps[0].area_m2;
        assert!((strip / 8_280_000.0 - 1.0).abs() < 0.01, "{strip}");
    }
}
