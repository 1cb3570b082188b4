//! Membership mode: a listed unit is wholly covered by each CPTS that lists it.

use crate::model::Status;
use crate::overlay::cover::{OverlapPiece, Piece, UnitCover};
use geo::{Area, MultiPolygon};

/// For each unit, the CPTS that list it, by CPTS index in increasing order.
pub fn listing_cpts(unit_count: usize, lists: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut by_unit = vec![Vec::new(); unit_count];
    for (k, units) in lists.iter().enumerate() {
        for &u in units {
            by_unit[u].push(k);
        }
    }
    by_unit
}

/// Coverage of one projected unit listed by the CPTS `listed_by`.
pub fn cover_unit(
    unit: &MultiPolygon<f64>,
    listed_by: &[usize],
    statuses: &[Status],
    counted: [bool; 3],
) -> UnitCover {
    let area = unit.unsigned_area();
    let has = |keep: &dyn Fn(Status) -> bool| listed_by.iter().any(|&k| keep(statuses[k]));
    let status_weight = Status::ALL.map(|s| if has(&|t| t == s) { area } else { 0.0 });
    let covered = has(&|t| counted[t.index()]);
    let mut overlaps = Vec::new();
    for (i, &a) in listed_by.iter().enumerate() {
        for &b in &listed_by[i + 1..] {
            overlaps.push(OverlapPiece {
                a,
                b,
                area,
                weights: unit.0.iter().map(|p| p.unsigned_area()).collect(),
                shape: unit.clone(),
            });
        }
    }
    UnitCover {
        area,
        status_weight,
        covered_area: if covered { area } else { 0.0 },
        covered_weight: if covered { area } else { 0.0 },
        pieces: listed_by
            .iter()
            .map(|&k| Piece {
                cpts: k,
                area,
                weight: area,
                wide: true,
            })
            .collect(),
        uncovered_weights: match covered {
            true => vec![],
            false => unit.0.iter().map(|p| p.unsigned_area()).collect(),
        },
        uncovered: if covered {
            MultiPolygon::new(vec![])
        } else {
            unit.clone()
        },
        overlaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Rect;

    #[test]
    fn a_unit_listed_twice_is_covered_once_and_overlaps_once() {
        let unit: MultiPolygon<f64> = Rect::new((0., 0.), (10., 10.)).to_polygon().into();
        let lists = vec![vec![0], vec![0], vec![]];
        let by_unit = listing_cpts(1, &lists);
        assert_eq!(by_unit, vec![vec![0, 1]]);
        let statuses = [Status::SignataireAci, Status::Projet, Status::PreProjet];
        let c = cover_unit(&unit, &by_unit[0], &statuses, [true; 3]);
        assert_eq!(c.covered_share(), 1.0);
        assert_eq!(c.status_share(Status::PreProjet), 0.0);
        assert_eq!(c.overlaps.len(), 1);
        assert_eq!(
            (c.overlaps[0].a, c.overlaps[0].b, c.overlaps[0].area),
            (0, 1, 100.0)
        );
        assert!(c.uncovered.0.is_empty());
    }
}
