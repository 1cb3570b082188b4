//! Polygon validity that stays fast on features of millions of vertices. geo's
//! `Validation` compares every pair of a ring's segments: a ring of 80 000 vertices takes
//! half a minute, one of a million hours, and the 35 000 communes of France half a
//! second. A shape is valid when no two of its segments meet (but consecutive ones at
//! their vertex) and its rings nest as they should: found by comparing the segments whose
//! boxes overlap, and one point-in-polygon test per ring. When segments meet, a shape of
//! up to [`SMALL`] vertices gets geo's check, so that its reading of rings touching at a
//! point stays the reference; a larger one is invalid.

use crate::geometry::grid::polygon_rings;
use geo::line_intersection::{line_intersection, LineIntersection};
use geo::sweep::Cross;
use geo::{
    BoundingRect, Contains, Coord, CoordsIter, Intersections, Line, LineString, MultiPolygon,
    Polygon, Rect, Validation,
};

/// Shapes with more vertices are never given to geo's check, and their meeting segments
/// are found by geo's sweep ([`geo::Intersections`], O((n + k) log n)).
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

/// The verdict on `polygons` of `n` vertices: valid when no segments meet and the rings
/// nest; else geo's (`geo_check`) up to [`SMALL`] vertices, invalid above.
fn checked(n: usize, polygons: &[Polygon<f64>], geo_check: impl Fn() -> bool) -> bool {
    let finite = polygons
        .iter()
        .flat_map(|p| p.coords_iter())
        .all(|c| c.x.is_finite() && c.y.is_finite());
    let swept =
        finite && rings_closed(polygons.iter()) && no_crossing(polygons) && well_nested(polygons);
    swept || (n <= SMALL && geo_check())
}

/// Every ring closed, with at least three distinct positions.
fn rings_closed<'a>(polygons: impl Iterator<Item = &'a Polygon<f64>>) -> bool {
    polygons
        .flat_map(polygon_rings)
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
/// as meeting: such a shape is rebuilt, which leaves it as it was.) Up to [`SMALL`]
/// segments, the pairs whose boxes overlap are found by sorting on the west edge; above,
/// by geo's sweep.
fn no_crossing(polygons: &[Polygon<f64>]) -> bool {
    let segments: Vec<Segment> = polygons
        .iter()
        .flat_map(polygon_rings)
        .enumerate()
        .flat_map(|(ring, r)| {
            let ring_len = r.0.len() - 1;
            r.lines().enumerate().map(move |(index, line)| Segment {
                line,
                ring,
                index,
                ring_len,
            })
        })
        .collect();
    if segments.len() > SMALL {
        return Intersections::from_iter(segments).all(|(a, b, meeting)| apart(&a, &b, meeting));
    }
    let boxes: Vec<Rect<f64>> = segments.iter().map(|s| s.line.bounding_rect()).collect();
    let mut west: Vec<usize> = (0..segments.len()).collect();
    west.sort_unstable_by(|&a, &b| boxes[a].min().x.total_cmp(&boxes[b].min().x));
    west.iter().enumerate().all(|(k, &a)| {
        west[k + 1..]
            .iter()
            .take_while(|&&b| boxes[b].min().x <= boxes[a].max().x)
            .filter(|&&b| {
                boxes[b].min().y <= boxes[a].max().y && boxes[a].min().y <= boxes[b].max().y
            })
            .all(
                |&b| match line_intersection(segments[a].line, segments[b].line) {
                    Some(meeting) => apart(&segments[a], &segments[b], meeting),
                    None => true,
                },
            )
    })
}

/// Whether two segments that meet do so only as consecutive segments of one ring at
/// their shared vertex.
fn apart(a: &Segment, b: &Segment, meeting: LineIntersection<f64>) -> bool {
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
    fn shapes_up_to_small_get_exactly_the_answers_of_geo() {
        for n in [8, 500] {
            answers_of_geo(n);
        }
    }

    fn answers_of_geo(n: usize) {
        let disc = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![]);
        let mut holed = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 0.0, 0.0, 5.0)]);
        holed.interiors_mut(|holes| holes[0].0.reverse());
        // A hole touching its shell at one vertex (the shell's (10, 0)), which the
        // sweep alone would call meeting.
        let mut touching = Polygon::new(circle(n, 0.0, 0.0, 10.0), vec![circle(n, 5.0, 0.0, 5.0)]);
        touching.interiors_mut(|holes| holes[0].0.reverse());
        let mut crossing = circle(n, 0.0, 0.0, 10.0);
        crossing.0.swap(n / 8, n / 2);
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
