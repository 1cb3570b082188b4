//! Polygon validity that stays fast on features of millions of vertices. geo's
//! `Validation` compares every pair of a ring's segments: a ring of 80 000 vertices takes
//! half a minute, one of a million hours. Shapes above [`SMALL`] vertices are checked
//! with geo's sweep ([`geo::Intersections`], O((n + k) log n)) and one point-in-polygon
//! test per ring. Shapes from [`TINY`] to [`SMALL`] vertices take the sweep too when it
//! finds no two segments meeting (then geo finds none either: valid), and geo's check
//! otherwise, so that its reading of rings touching at a point stays the reference.

use geo::line_intersection::LineIntersection;
use geo::sweep::Cross;
use geo::{
    Contains, Coord, CoordsIter, Intersections, Line, LineString, MultiPolygon, Polygon, Validation,
};

/// Shapes with at most this many vertices are checked by geo's own validation alone.
pub const TINY: usize = 100;
/// Shapes with more vertices are checked by the sweep alone.
pub const SMALL: usize = 10_000;

/// Whether `shape` is a valid (OGC) multipolygon.
pub fn is_valid(shape: &MultiPolygon<f64>) -> bool {
    checked(shape.coords_count(), &shape.0, || shape.is_valid())
}

/// Whether one polygon is valid.
pub fn polygon_is_valid(polygon: &Polygon<f64>) -> bool {
    checked(
        polygon.coords_count(),
        std::slice::from_ref(polygon),
        || polygon.is_valid(),
    )
}

/// The verdict on `polygons` of `n` vertices: geo's (`geo_check`) for the small ones
/// and whenever the sweep finds segments meeting below [`SMALL`], the sweep's else.
fn checked(n: usize, polygons: &[Polygon<f64>], geo_check: impl Fn() -> bool) -> bool {
    if n <= TINY {
        return geo_check();
    }
    let finite = polygons
        .iter()
        .flat_map(|p| p.coords_iter())
        .all(|c| c.x.is_finite() && c.y.is_finite());
    let swept =
        finite && rings_closed(polygons.iter()) && no_crossing(polygons) && well_nested(polygons);
    swept || (n <= SMALL && geo_check())
}

fn rings(polygon: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

/// Every ring closed, with at least three distinct positions.
fn rings_closed<'a>(polygons: impl Iterator<Item = &'a Polygon<f64>>) -> bool {
    polygons
        .flat_map(rings)
        .all(|r| r.is_closed() && r.0.len() >= 4)
}

/// A segment of a ring, with where it lies.
#[derive(Clone, Copy)]
struct Segment {
    line: Line<f64>,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl Cross for Segment {
    type Scalar = f64;

    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// No two segments meet, but consecutive segments of a ring at their shared vertex.
/// (Rings touching at one point, which OGC allows between a shell and its hole, count
/// as meeting: such a shape is rebuilt, which leaves it as it was.)
fn no_crossing(polygons: &[Polygon<f64>]) -> bool {
    let segments = polygons
        .iter()
        .flat_map(rings)
        .enumerate()
        .flat_map(|(ring, r)| {
            let ring_len = r.0.len() - 1;
            r.lines().enumerate().map(move |(index, line)| Segment {
                line,
                ring,
                index,
                ring_len,
            })
        });
    Intersections::from_iter(segments).all(|(a, b, meeting)| {
        let consecutive = a.ring == b.ring
            && ((a.index + 1) % a.ring_len == b.index || (b.index + 1) % b.ring_len == a.index);
        consecutive
            && matches!(
                meeting,
                LineIntersection::SinglePoint {
                    is_proper: false,
                    ..
                }
            )
    })
}

/// With no crossing, rings are nested or apart: each hole lies inside its shell and
/// outside the other holes, and no shell lies inside another polygon.
fn well_nested(polygons: &[Polygon<f64>]) -> bool {
    let first = |r: &LineString<f64>| -> Coord<f64> { r.0[0] };
    let inside = |r: &LineString<f64>, c: Coord<f64>| Polygon::new(r.clone(), vec![]).contains(&c);
    polygons.iter().enumerate().all(|(i, p)| {
        let holes_ok = p.interiors().iter().enumerate().all(|(h, hole)| {
            inside(p.exterior(), first(hole))
                && p.interiors()
                    .iter()
                    .enumerate()
                    .all(|(g, other)| g == h || !inside(other, first(hole)))
        });
        let apart = polygons
            .iter()
            .enumerate()
            .all(|(j, q)| i == j || !q.contains(&first(p.exterior())));
        holes_ok && apart
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// A circle of `n` vertices around (cx, cy), counter-clockwise.
    fn circle(n: usize, cx: f64, cy: f64, r: f64) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let a = TAU * k as f64 / n as f64;
                Coord {
                    x: cx + r * a.cos(),
                    y: cy + r * a.sin(),
                }
            })
            .collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }

    #[test]
    fn shapes_between_tiny_and_small_get_exactly_the_answers_of_geo() {
        let n = 5 * TINY;
        let disc = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![]);
        let mut holed = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 0.0, 0.0, 5.0)]);
        holed.interiors_mut(|holes| holes[0].0.reverse());
        // A hole touching its shell at one vertex (the shell's (10, 0)), which the
        // sweep alone would call meeting.
        let mut touching = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 5.0, 0.0, 5.0)]);
        touching.interiors_mut(|holes| holes[0].0.reverse());
        let mut crossing = circle(n, 0.0, 0.0, 10.0);
        crossing.0.swap(16, n / 2);
        let shapes = [
            MultiPolygon::new(vec![disc.clone()]),
            MultiPolygon::new(vec![holed]),
            MultiPolygon::new(vec![touching]),
            MultiPolygon::new(vec![
                disc.clone(),
                Polygon::new(circle(n, 5.0, 0.0, 10.0), vec![]),
            ]),
            MultiPolygon::new(vec![disc, Polygon::new(circle(n, 20.0, 0.0, 10.0), vec![])]),
            MultiPolygon::new(vec![Polygon::new(crossing, vec![])]),
        ];
        for shape in &shapes {
            assert_eq!(is_valid(shape), shape.is_valid(), "{shape:?}");
            assert_eq!(polygon_is_valid(&shape.0[0]), shape.0[0].is_valid());
        }
    }

    #[test]
    fn large_shapes_get_the_answers_of_geo() {
        let n = 2 * SMALL;
        let disc = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![]);
        let mut holed = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 0.0, 0.0, 5.0)]);
        holed.interiors_mut(|holes| holes[0].0.reverse());
        let apart = Polygon::new(circle(n, 30.0, 0.0, 10.0), vec![]);
        // A hole outside its shell; two overlapping parts; a ring crossing itself.
        let stray_hole = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 40.0, 0.0, 1.0)]);
        let overlapping = MultiPolygon::new(vec![
            disc.clone(),
            Polygon::new(circle(n, 5.0, 0.0, 10.0), vec![]),
        ]);
        let mut crossing = circle(n, 0.0, 0.0, 10.0);
        crossing.0.swap(16, n / 2);
        for (shape, valid) in [
            (MultiPolygon::new(vec![disc.clone()]), true),
            (MultiPolygon::new(vec![holed]), true),
            (MultiPolygon::new(vec![disc.clone(), apart]), true),
            (MultiPolygon::new(vec![stray_hole]), false),
            (overlapping, false),
            (
                MultiPolygon::new(vec![Polygon::new(crossing, vec![])]),
                false,
            ),
        ] {
            assert_eq!(is_valid(&shape), valid);
            // geo agrees, slowly: the answers are the same on a smaller copy.
            let small = MultiPolygon::new(
                shape
                    .0
                    .iter()
                    .map(|p| {
                        let thin = |r: &LineString<f64>| {
                            let mut c: Vec<Coord<f64>> = r.0.iter().step_by(8).copied().collect();
                            c.push(c[0]);
                            LineString::new(c)
                        };
                        Polygon::new(thin(p.exterior()), p.interiors().iter().map(thin).collect())
                    })
                    .collect(),
            );
            assert_eq!(small.is_valid(), valid);
        }
    }
}
