//! A polygon's edges taken a run at a time, each run with its box: where a box lies
//! relative to the polygon (inside, outside, or crossed by an edge) and what of the
//! polygon a box sees are found without visiting the edges far from it.

use crate::geometry::envelope::joined;
use crate::geometry::grid::polygon_rings;
use geo::{BoundingRect, Coord, Intersects, Line, LineString, Polygon, Rect};

/// Edges taken [`RUN`] at a time along each ring.
const RUN: usize = 16;

/// The boxes of the runs of [`RUN`] consecutive edges of each ring of one polygon
/// (exterior first): the edges near a unit are found without visiting the others.
pub struct Runs(Vec<Vec<Rect<f64>>>);

impl Runs {
    pub fn new(polygon: &Polygon<f64>) -> Runs {
        Runs(polygon_rings(polygon).map(run_boxes).collect())
    }

    /// The box of the polygon's exterior.
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.0.first()?.iter().copied().reduce(joined)
    }
}

/// The boxes of a ring's runs: run `c` holds the edges from vertex `c × RUN` to vertex
/// `(c + 1) × RUN` (or the ring's last).
fn run_boxes(ring: &LineString<f64>) -> Vec<Rect<f64>> {
    let last = ring.0.len().saturating_sub(1);
    (0..last)
        .step_by(RUN)
        .filter_map(|start| {
            LineString::from(ring.0[start..=(start + RUN).min(last)].to_vec()).bounding_rect()
        })
        .collect()
}

/// Whether `point`, on no edge of `polygon`, lies inside it: the edges crossing the ray
/// from it towards +x are counted (an odd count is inside), visiting only the runs
/// whose box the ray meets.
pub fn contains(polygon: &Polygon<f64>, runs: &Runs, point: Coord<f64>) -> bool {
    let mut crossings = 0usize;
    for (ring, boxes) in polygon_rings(polygon).zip(&runs.0) {
        let last = ring.0.len().saturating_sub(1);
        for (c, b) in boxes.iter().enumerate() {
            if b.max().x < point.x || b.min().y > point.y || b.max().y < point.y {
                continue;
            }
            for w in ring.0[run_vertices(c, last)].windows(2) {
                let (a, z) = (w[0], w[1]);
                // Half-open in y, so that a vertex on the ray is counted once.
                if (a.y > point.y) != (z.y > point.y) {
                    let x = a.x + (point.y - a.y) / (z.y - a.y) * (z.x - a.x);
                    if x > point.x {
                        crossings += 1;
                    }
                }
            }
        }
    }
    crossings % 2 == 1
}

/// The vertices of run `c` of a ring of `last + 1` vertices, its last one included.
fn run_vertices(c: usize, last: usize) -> std::ops::RangeInclusive<usize> {
    c * RUN..=((c + 1) * RUN).min(last)
}

/// The polygon as seen from inside `bbox`: each run of consecutive vertices lying in the
/// same open half-plane beside the box (left, right, below, above) is cut down to its
/// first and last vertex. The path replaced and its chord both lie in that half-plane, so
/// the winding number of every point of the box is kept, and no vertex is created: a
/// perimeter of thousands of vertices shrinks to the few near the unit, and every
/// vertex stays on the zone's grid.
pub fn near_part(bbox: &Rect<f64>, polygon: &Polygon<f64>, runs: &Runs) -> Polygon<f64> {
    let exterior = near_ring(bbox, polygon.exterior(), &runs.0[0])
        .unwrap_or_else(|| polygon.exterior().clone());
    let interiors = polygon
        .interiors()
        .iter()
        .zip(&runs.0[1..])
        .filter_map(|(r, boxes)| near_ring(bbox, r, boxes))
        .collect();
    Polygon::new(exterior, interiors)
}

/// [`near_part`] for one ring, whose runs have the boxes `boxes`; `None` when the whole
/// ring lies in one half-plane beside the box (it then changes nothing inside it).
fn near_ring(
    bbox: &Rect<f64>,
    ring: &LineString<f64>,
    boxes: &[Rect<f64>],
) -> Option<LineString<f64>> {
    let (lo, hi) = (bbox.min(), bbox.max());
    let side = |c: &Coord<f64>| match () {
        _ if c.x < lo.x => 1,
        _ if c.x > hi.x => 2,
        _ if c.y < lo.y => 3,
        _ if c.y > hi.y => 4,
        _ => 0,
    };
    let points = &ring.0[..ring.0.len().saturating_sub(1)];
    let n = points.len();
    // A run whose box lies in one half-plane has all its vertices there.
    let mut sides = vec![0u8; n];
    for (c, b) in boxes.iter().enumerate() {
        let vertices = c * RUN..((c + 1) * RUN).min(n);
        let within_x = b.min().x >= lo.x && b.max().x <= hi.x;
        let whole_run = match () {
            _ if b.max().x < lo.x => Some(1),
            _ if b.min().x > hi.x => Some(2),
            _ if within_x && b.max().y < lo.y => Some(3),
            _ if within_x && b.min().y > hi.y => Some(4),
            _ => None,
        };
        match whole_run {
            Some(s) => sides[vertices].fill(s),
            None => vertices.for_each(|i| sides[i] = side(&points[i])),
        }
    }
    let before = |i: usize| if i == 0 { n - 1 } else { i - 1 };
    let after = |i: usize| if i + 1 == n { 0 } else { i + 1 };
    let start = (0..n).find(|&i| sides[i] == 0 || sides[i] != sides[before(i)])?;
    let mut kept = Vec::with_capacity(n.min(64));
    for i in (start..n).chain(0..start) {
        let s = sides[i];
        let inner_of_run = s != 0 && s == sides[before(i)] && s == sides[after(i)];
        if !inner_of_run {
            kept.push(points[i]);
        }
    }
    let mut line = LineString::new(kept);
    line.close();
    Some(line)
}

/// Where a unit's bounding box lies relative to one perimeter polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Inside,
    Outside,
    /// An edge of the polygon meets the box: only a boolean operation can tell.
    Crossing,
}

/// Decides without a boolean operation when no edge of `polygon` meets `bbox`: the box
/// is then wholly inside or wholly outside. Most communes are one or the other.
pub fn side(bbox: &Rect<f64>, polygon: &Polygon<f64>, runs: &Runs) -> Side {
    let (lo, hi) = (bbox.min(), bbox.max());
    let meets = |l: Line<f64>| {
        let apart = l.start.x.max(l.end.x) < lo.x
            || l.start.x.min(l.end.x) > hi.x
            || l.start.y.max(l.end.y) < lo.y
            || l.start.y.min(l.end.y) > hi.y;
        !apart && l.intersects(bbox)
    };
    let crossing = polygon_rings(polygon).zip(&runs.0).any(|(ring, boxes)| {
        let last = ring.0.len().saturating_sub(1);
        boxes.iter().enumerate().any(|(c, b)| {
            b.intersects(bbox)
                && ring.0[run_vertices(c, last)]
                    .windows(2)
                    .any(|w| meets(Line::new(w[0], w[1])))
        })
    });
    // The exterior's runs span the polygon's box: a box not within it is outside.
    let within = |b: &Rect<f64>| {
        b.min().x <= lo.x && b.min().y <= lo.y && b.max().x >= hi.x && b.max().y >= hi.y
    };
    if crossing {
        Side::Crossing
    } else if !runs.bounds().is_some_and(|b| within(&b)) {
        Side::Outside
    } else if contains(polygon, runs, lo) {
        Side::Inside
    } else {
        Side::Outside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn the_ray_count_agrees_with_geo_inside_outside_and_in_a_hole() {
        // A comb of 40 teeth (more than two runs of edges) with a square hole in its body.
        let mut ring: Vec<Coord<f64>> = vec![(0.0, 0.0).into(), (80.0, 0.0).into()];
        for t in (0..40).rev() {
            ring.push((2.0 * t as f64 + 2.0, 20.0).into());
            ring.push((2.0 * t as f64 + 1.0, if t % 2 == 0 { 30.0 } else { 25.0 }).into());
        }
        ring.push((0.0, 20.0).into());
        let hole =
            polygon![(x: 10.0, y: 5.0), (x: 20.0, y: 5.0), (x: 20.0, y: 15.0), (x: 10.0, y: 15.0)];
        let comb = Polygon::new(LineString::new(ring), vec![hole.exterior().clone()]);
        let runs = Runs::new(&comb);
        let mut seen = [0, 0];
        for i in 0..400 {
            // Points off every edge: odd tenths never meet the comb's vertices' lines.
            let p = Coord {
                x: -5.0 + (i % 20) as f64 * 4.55 + 0.05,
                y: -2.0 + (i / 20) as f64 * 1.65 + 0.05,
            };
            let inside = contains(&comb, &runs, p);
            assert_eq!(inside, comb.intersects(&p), "{p:?}");
            seen[usize::from(inside)] += 1;
        }
        assert!(seen[0] > 50 && seen[1] > 50, "{seen:?}");
    }
}
