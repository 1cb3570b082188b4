//! Polygon mode: each unit is intersected with the few CPTS perimeters an R-tree of
//! their parts' envelopes names, never with a union of all of them.

use crate::geometry::grid::Grid;
use crate::geometry::runs::{near_part, side, Runs, Side};
use crate::geometry::width::narrower_than;
use crate::model::Status;
use crate::overlay::cover::{union_area, union_measure, OverlapPiece, Piece, UnitCover};
use crate::overlay::people::People;
use geo::{Area, BoundingRect, MultiPolygon, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// Envelope of one polygon of one CPTS: (CPTS index, polygon index).
type PartEnvelope = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// Perimeters of one zone, projected, indexed by the envelopes of their polygons.
pub struct PerimeterIndex<'a> {
    shapes: &'a [Option<MultiPolygon<f64>>],
    tree: RTree<PartEnvelope>,
    /// The [`Runs`] of each polygon of each CPTS present.
    runs: Vec<Vec<Runs>>,
}

/// One polygon of a perimeter, with its runs.
type Part<'a> = (&'a Polygon<f64>, &'a Runs);

impl<'a> PerimeterIndex<'a> {
    /// Indexes the perimeters present (`Some`) in `shapes`.
    pub fn new(shapes: &'a [Option<MultiPolygon<f64>>]) -> Self {
        let parts = shapes
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.as_ref().map(|s| (k, s)))
            .flat_map(|(k, s)| s.0.iter().enumerate().map(move |(p, poly)| (k, p, poly)))
            .filter_map(|(k, p, poly)| {
                let r = poly.bounding_rect()?;
                Some(PartEnvelope::new(
                    Rectangle::from_corners(r.min().into(), r.max().into()),
                    (k, p),
                ))
            })
            .collect();
        let runs = shapes
            .iter()
            .map(|s| s.iter().flat_map(|s| &s.0).map(Runs::new).collect())
            .collect();
        PerimeterIndex {
            shapes,
            tree: RTree::bulk_load(parts),
            runs,
        }
    }

    /// The polygons of each CPTS whose envelope meets `shape`'s, with their runs,
    /// grouped by CPTS index.
    fn candidates(&self, shape: &MultiPolygon<f64>) -> Vec<(usize, Vec<Part<'_>>)> {
        let Some(r) = shape.bounding_rect() else {
            return vec![];
        };
        let envelope = AABB::from_corners(r.min().into(), r.max().into());
        let mut hits: Vec<(usize, usize)> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        let mut grouped: Vec<(usize, Vec<Part>)> = Vec::new();
        for (k, p) in hits {
            let polygon = &self.shapes[k]
                .as_ref()
                .expect("indexed perimeters are present")
                .0[p];
            let poly = (polygon, &self.runs[k][p]);
            match grouped.last_mut() {
                Some((last, polys)) if *last == k => polys.push(poly),
                _ => grouped.push((k, vec![poly])),
            }
        }
        grouped
    }
}

/// Uncovered share of a unit below which the remainder is not computed.
const HAIRLINE_SHARE: f64 = 1e-6;

/// How a unit is overlaid: `statuses[k]` is CPTS k's status, `counted[s]` whether
/// status s counts as covered, and pieces all narrower than `gap_width` metres are
/// contour debris (0: none is).
pub struct Rules<'a> {
    pub statuses: &'a [Status],
    pub counted: [bool; 3],
    pub gap_width: f64,
}

/// Overlays one projected unit with the perimeters, on the zone's `grid`; `people`
/// weighs its parts.
pub fn overlay_unit(
    grid: &Grid,
    unit: &MultiPolygon<f64>,
    index: &PerimeterIndex,
    rules: &Rules,
    people: &People,
) -> UnitCover {
    let (statuses, counted) = (rules.statuses, rules.counted);
    let area = unit.unsigned_area();
    let candidates = index.candidates(unit);
    let bbox = unit.bounding_rect();
    let mut shapes: Vec<Shape> = Vec::new();
    let mut crossing: Vec<(usize, Polygon<f64>)> = Vec::new();
    for (k, polys) in &candidates {
        let mut piece = Vec::new();
        let mut whole = false;
        for &(p, runs) in polys {
            match bbox.map_or(Side::Crossing, |b| side(&b, p, runs)) {
                Side::Outside => {}
                Side::Inside => {
                    // The polygons of one CPTS are disjoint: this one holds the whole unit.
                    piece = unit.0.clone();
                    whole = true;
                    break;
                }
                Side::Crossing => {
                    let near = bbox.map_or_else(|| p.clone(), |b| near_part(&b, p, runs));
                    piece.extend(grid.intersection(unit, &near).0);
                    crossing.push((*k, near));
                }
            }
        }
        let piece = MultiPolygon::new(piece);
        let piece_area = piece.unsigned_area();
        if piece_area > 0.0 {
            let weight = match whole {
                true => area,
                false => people.weigh(&piece, piece_area),
            };
            shapes.push(Shape {
                cpts: *k,
                piece,
                area: piece_area,
                weight,
                whole,
            });
        }
    }
    let of_status = |keep: &dyn Fn(Status) -> bool| -> Vec<(&MultiPolygon<f64>, f64)> {
        shapes
            .iter()
            .filter(|s| keep(statuses[s.cpts]))
            .map(|s| (&s.piece, s.weight))
            .collect()
    };
    let status_weight = Status::ALL.map(|s| union_measure(grid, &of_status(&|t| t == s), people).1);
    let covered: Vec<&MultiPolygon<f64>> = of_status(&|t| counted[t.index()])
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let covered_area = union_area(grid, &covered);
    // A remainder under a millionth of the unit is the hairline left where the
    // perimeter follows the commune's border: not territory. Otherwise the remainder
    // is cut by the perimeters themselves, not by the pieces, whose borders along the
    // unit's were snapped and would leave hairlines.
    let uncovered = if covered_area == 0.0 {
        unit.clone()
    } else if covered_area < area * (1.0 - HAIRLINE_SHARE) {
        let counted_polys = crossing
            .iter()
            .filter(|(k, _)| counted[statuses[*k].index()])
            .map(|(_, p)| p);
        counted_polys.fold(unit.clone(), |rest, p| grid.difference(&rest, p))
    } else {
        MultiPolygon::new(vec![])
    };
    let uncovered_weights = match uncovered.0.len() == 1 && covered_area == 0.0 {
        // The whole unit, in one polygon.
        true => vec![area],
        false => people.weigh_each(&uncovered),
    };
    let covered_weight = match people.is_even() || covered_area == 0.0 {
        true => covered_area,
        false => (area - uncovered_weights.iter().sum::<f64>()).max(0.0),
    };
    UnitCover {
        area,
        status_weight,
        covered_area,
        covered_weight,
        pieces: shapes
            .iter()
            .map(|s| Piece {
                cpts: s.cpts,
                area: s.area,
                weight: s.weight,
                wide: s.whole
                    || rules.gap_width == 0.0
                    || s.area >= 0.5 * area
                    || s.piece.0.iter().any(|p| !narrower_than(p, rules.gap_width)),
            })
            .collect(),
        uncovered,
        uncovered_weights,
        overlaps: overlap_pieces(grid, &shapes, people),
    }
}

/// The piece of one CPTS in one unit.
struct Shape {
    cpts: usize,
    piece: MultiPolygon<f64>,
    area: f64,
    weight: f64,
    /// Whether the piece is the whole unit.
    whole: bool,
}

/// Pairwise intersections of the CPTS pieces of one unit; a piece that is the whole
/// unit needs no operation.
fn overlap_pieces(grid: &Grid, shapes: &[Shape], people: &People) -> Vec<OverlapPiece> {
    let mut out = Vec::new();
    for (i, a) in shapes.iter().enumerate() {
        for b in &shapes[i + 1..] {
            let shape = match (a.whole, b.whole) {
                (true, _) => b.piece.clone(),
                (_, true) => a.piece.clone(),
                _ => grid.intersection_multi(&a.piece, &b.piece),
            };
            let area = shape.unsigned_area();
            if area > 0.0 {
                out.push(OverlapPiece {
                    a: a.cpts,
                    b: b.cpts,
                    area,
                    weights: people.weigh_each(&shape),
                    shape,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::zone::Zone;
    use geo::{polygon, Coord, LineString, Rect};

    fn test_grid() -> Grid {
        Grid::covering(Rect::new((-1000., -1000.), (1000., 1000.)))
    }

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        Rect::new((x0, y0), (x0 + side, y0 + side))
            .to_polygon()
            .into()
    }

    fn cover(
        unit: &MultiPolygon<f64>,
        perimeters: Vec<MultiPolygon<f64>>,
        statuses: &[Status],
    ) -> UnitCover {
        let shapes: Vec<Option<MultiPolygon<f64>>> = perimeters.into_iter().map(Some).collect();
        let index = PerimeterIndex::new(&shapes);
        let rules = Rules {
            statuses,
            counted: [true; 3],
            gap_width: 0.0,
        };
        overlay_unit(
            &test_grid(),
            unit,
            &index,
            &rules,
            &People::new(0.0, None, Zone::Metropole, &test_grid()),
        )
    }

    #[test]
    fn a_commune_half_inside_a_cpts_is_half_covered() {
        // Commune 0..100 × 0..100; CPTS 50..150 × 0..100 covers its right half.
        let unit = square(0., 0., 100.);
        let cpts = Rect::new((50., 0.), (150., 100.)).to_polygon().into();
        let c = cover(&unit, vec![cpts], &[Status::Projet]);
        assert!((c.area - 10_000.0).abs() < 1e-9);
        assert!((c.covered_share() - 0.5).abs() < 1e-12);
        assert!((c.status_share(Status::Projet) - 0.5).abs() < 1e-12);
        assert_eq!(c.status_share(Status::SignataireAci), 0.0);
        assert!((c.uncovered.unsigned_area() - 5_000.0).abs() < 1e-6);
        assert!(c.overlaps.is_empty());
    }

    #[test]
    fn two_cpts_overlapping_on_a_known_square_count_it_once() {
        // A: 0..60 × 0..100, B: 40..100 × 0..100 → overlap 40..60 × 0..100 = 2 000 m².
        let unit = square(0., 0., 100.);
        let a = Rect::new((0., 0.), (60., 100.)).to_polygon().into();
        let b = Rect::new((40., 0.), (100., 100.)).to_polygon().into();
        let c = cover(
            &unit,
            vec![a, b],
            &[Status::SignataireAci, Status::PreProjet],
        );
        assert!((c.covered_share() - 1.0).abs() < 1e-12);
        assert!(c.uncovered.0.is_empty());
        assert_eq!(c.overlaps.len(), 1);
        assert!((c.overlaps[0].area - 2_000.0).abs() < 1e-6);
        assert!((c.status_share(Status::SignataireAci) - 0.6).abs() < 1e-12);
        assert!((c.status_share(Status::PreProjet) - 0.6).abs() < 1e-12);
        let piece_total: f64 = c.pieces.iter().map(|p| p.area).sum();
        assert!((piece_total - 12_000.0).abs() < 1e-6);
    }

    #[test]
    fn a_hole_in_a_cpts_leaves_the_commune_uncovered_there() {
        // CPTS: 0..100 square with a 20 × 20 hole at 40..60; the hole is 4 % of the commune.
        let unit = square(0., 0., 100.);
        let cpts: MultiPolygon<f64> = polygon!(
            exterior: [(x: 0., y: 0.), (x: 100., y: 0.), (x: 100., y: 100.), (x: 0., y: 100.)],
            interiors: [[(x: 40., y: 40.), (x: 40., y: 60.), (x: 60., y: 60.), (x: 60., y: 40.)]],
        )
        .into();
        let c = cover(&unit, vec![cpts], &[Status::Projet]);
        assert!((c.covered_share() - 0.96).abs() < 1e-12);
        assert!((c.uncovered.unsigned_area() - 400.0).abs() < 1e-6);
    }

    #[test]
    fn a_commune_with_an_island_is_covered_by_area_not_by_part_count() {
        // Mainland 100 × 100 inside the CPTS; island 10 × 10 outside it: 10 000 / 10 100.
        let unit = MultiPolygon::new(vec![
            square(0., 0., 100.).0[0].clone(),
            square(200., 0., 10.).0[0].clone(),
        ]);
        let c = cover(&unit, vec![square(-10., -10., 120.)], &[Status::Projet]);
        assert!((c.covered_share() - 10_000.0 / 10_100.0).abs() < 1e-12);
        assert!((c.uncovered.unsigned_area() - 100.0).abs() < 1e-6);
    }

    #[test]
    fn near_part_keeps_what_the_box_sees_and_drops_far_vertices() {
        // A comb-shaped perimeter: far to the left, a zigzag of 50 teeth; the unit box
        // 0..10 × 0..10 sits in its body (-100..20 × -5..15).
        let mut ring = vec![
            Coord { x: -100.0, y: -5.0 },
            Coord { x: 20.0, y: -5.0 },
            Coord { x: 20.0, y: 15.0 },
        ];
        for t in 0..50 {
            let x = -50.0 - t as f64;
            ring.push(Coord {
                x,
                y: if t % 2 == 0 { 15.0 } else { 30.0 },
            });
        }
        ring.push(Coord { x: -100.0, y: 15.0 });
        let perimeter = Polygon::new(LineString::new(ring), vec![]);
        let bbox = Rect::new((0.0, 0.0), (10.0, 10.0));
        let near = near_part(&bbox, &perimeter, &Runs::new(&perimeter));
        assert!(near.exterior().0.len() < 10, "{:?}", near.exterior());
        let unit: MultiPolygon<f64> = Rect::new((0.0, 0.0), (10.0, 10.0)).to_polygon().into();
        let grid = test_grid();
        let full = grid.intersection(&unit, &perimeter).unsigned_area();
        assert_eq!(grid.intersection(&unit, &near).unsigned_area(), full);
        assert!((full - 100.0).abs() < 1e-9);
    }

    #[test]
    fn statuses_not_counted_leave_the_commune_uncovered() {
        let unit = square(0., 0., 100.);
        let shapes = vec![Some(square(0., 0., 100.))];
        let index = PerimeterIndex::new(&shapes);
        let rules = Rules {
            statuses: &[Status::PreProjet],
            counted: [true, true, false],
            gap_width: 0.0,
        };
        let c = overlay_unit(
            &test_grid(),
            &unit,
            &index,
            &rules,
            &People::new(0.0, None, Zone::Metropole, &test_grid()),
        );
        assert_eq!(c.covered_share(), 0.0);
        assert!((c.status_share(Status::PreProjet) - 1.0).abs() < 1e-12);
        assert!((c.uncovered.unsigned_area() - 10_000.0).abs() < 1e-9);
    }
}
