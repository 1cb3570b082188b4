//! Shared borders: how much of a shape's boundary runs along the edges of other shapes
//! (a white zone along a CPTS, a commune along its neighbour). Every shape lives on its
//! zone's grid, where a border cut by a boolean operation keeps the very line of the
//! edge it follows: a stretch of boundary is shared when its midpoint lies within a few
//! millimetres of another shape's edge.

use crate::geometry::envelope::rectangle;
use crate::geometry::grid::rings;
use geo::{BoundingRect, Coord, Distance, Euclidean, Line, LineString, MultiPolygon, Polygon};
use rstar::primitives::{GeomWithData, Line as RLine, Rectangle};
use rstar::{Envelope, RTree, RTreeObject};
use std::collections::{BTreeMap, BTreeSet};

/// How far from an edge a midpoint may lie and still be on it, metres (a few grid steps).
const ON_EDGE_M: f64 = 0.01;

/// Longest stretch judged by one midpoint, metres: a long segment is cut into stretches
/// so that a border changing owner along it (a T-junction) is measured within this.
const STRETCH_M: f64 = 50.0;

type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;
type Segment = GeomWithData<RLine<[f64; 2]>, usize>;

/// Shapes of one zone, each standing for some owners (a CPTS; a commune and the CPTS
/// that list it), indexed by bounding box.
pub struct Borders<'a> {
    pieces: Vec<(&'a MultiPolygon<f64>, Vec<usize>)>,
    tree: RTree<Boxed>,
    /// How far from an edge a midpoint may lie and still be on it, metres.
    tolerance: f64,
}

impl<'a> Borders<'a> {
    /// Indexes `pieces`: each shape with the owners it stands for; a border is shared
    /// where it runs on the very line of an edge.
    pub fn new(pieces: Vec<(&'a MultiPolygon<f64>, Vec<usize>)>) -> Borders<'a> {
        Borders::within(pieces, ON_EDGE_M)
    }

    /// Indexes `pieces`; a border is shared where it runs within `metres` of an edge.
    pub fn within(pieces: Vec<(&'a MultiPolygon<f64>, Vec<usize>)>, metres: f64) -> Borders<'a> {
        let boxes = pieces
            .iter()
            .enumerate()
            .filter_map(|(i, (shape, _))| Some(Boxed::new(rectangle(shape.bounding_rect()?), i)))
            .collect();
        Borders {
            pieces,
            tree: RTree::bulk_load(boxes),
            tolerance: metres.max(ON_EDGE_M),
        }
    }

    /// For each owner, the length (metres) of the boundary of `shape` that runs along
    /// the edges of its pieces.
    pub fn shared(&self, shape: &Polygon<f64>) -> BTreeMap<usize, f64> {
        let mut lengths = BTreeMap::new();
        let Some(rect) = shape.bounding_rect() else {
            return lengths;
        };
        let d = self.tolerance;
        let near = Rectangle::from_corners(
            [rect.min().x - d, rect.min().y - d],
            [rect.max().x + d, rect.max().y + d],
        )
        .envelope();
        // Only the edges near the shape are indexed: a perimeter of ten thousand
        // vertices along a strip of debris lends it a few dozen.
        let segments: Vec<Segment> = self
            .tree
            .locate_in_envelope_intersecting(&near)
            .flat_map(|b| {
                rings(self.pieces[b.data].0)
                    .flat_map(|r| r.lines())
                    .map(move |l| Segment::new(RLine::new(point(l.start), point(l.end)), b.data))
            })
            .filter(|s| s.envelope().intersects(&near))
            .collect();
        let edges = RTree::bulk_load(segments);
        for line in std::iter::once(shape.exterior())
            .chain(shape.interiors())
            .flat_map(LineString::lines)
        {
            let length = line_length(line);
            let stretches = (length / STRETCH_M).ceil().max(1.0);
            let step = length / stretches;
            for k in 0..stretches as usize {
                let t = (k as f64 + 0.5) / stretches;
                let mid = [line.start.x + t * line.dx(), line.start.y + t * line.dy()];
                let owners: BTreeSet<usize> = edges
                    .locate_within_distance(mid, d * d)
                    .flat_map(|s| self.pieces[s.data].1.iter().copied())
                    .collect();
                for owner in owners {
                    *lengths.entry(owner).or_insert(0.0) += step;
                }
            }
        }
        lengths
    }
}

impl Borders<'_> {
    /// [`Borders::shared`] summed over the polygons of `shape`.
    pub fn shared_multi(&self, shape: &MultiPolygon<f64>) -> BTreeMap<usize, f64> {
        let mut lengths = BTreeMap::new();
        for polygon in &shape.0 {
            for (owner, length) in self.shared(polygon) {
                *lengths.entry(owner).or_insert(0.0) += length;
            }
        }
        lengths
    }

    /// The owners of the piece nearest to `shape` among those with an owner `keep`
    /// keeps, and its distance in metres: the pieces whose boxes are nearest are
    /// measured exactly.
    pub fn nearest(
        &self,
        shape: &MultiPolygon<f64>,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(&[usize], f64)> {
        const MEASURED: usize = 8;
        let centre = shape.bounding_rect()?.center();
        self.tree
            .nearest_neighbor_iter(&[centre.x, centre.y])
            .filter(|b| self.pieces[b.data].1.iter().any(|&k| keep(k)))
            .take(MEASURED)
            .map(|b| {
                let (piece, owners) = &self.pieces[b.data];
                let distance = piece
                    .0
                    .iter()
                    .map(|p| Euclidean.distance(shape, p))
                    .fold(f64::INFINITY, f64::min);
                (owners.as_slice(), distance)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

fn point(c: Coord<f64>) -> [f64; 2] {
    [c.x, c.y]
}

fn line_length(l: Line<f64>) -> f64 {
    (l.dx() * l.dx() + l.dy() * l.dy()).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Rect;

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        Rect::new((x0, y0), (x0 + side, y0 + side))
            .to_polygon()
            .into()
    }

    #[test]
    fn a_square_shares_each_side_with_the_square_beside_it() {
        // A 1 km square; a neighbour east along its whole side, one north along half
        // of its side (a T-junction: the edge passes by), one touching a corner only.
        let (east, north, corner) = (
            square(1000.0, 0.0, 1000.0),
            square(500.0, 1000.0, 1000.0),
            square(-1000.0, -1000.0, 1000.0),
        );
        let borders = Borders::new(vec![
            (&east, vec![7]),
            (&north, vec![8, 9]),
            (&corner, vec![10]),
        ]);
        let middle = Rect::new((0.0, 0.0), (1000.0, 1000.0)).to_polygon();
        let shared = borders.shared(&middle);
        assert_eq!(shared.get(&7), Some(&1000.0));
        // The north side is one segment; half of it lies along the north square.
        assert_eq!(shared.get(&8), Some(&500.0));
        assert_eq!(shared.get(&9), Some(&500.0));
        assert_eq!(shared.get(&10), None);
    }
}
