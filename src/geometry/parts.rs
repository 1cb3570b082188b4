//! The connected parts of a dissolved shape, and which part each of the pieces it was
//! dissolved from lies in: the uncovered pieces of the units in the white zones, the
//! pieces of an overlap in its parts.

use crate::geometry::envelope::rectangle;
use crate::geometry::grid::polygon_rings;
use geo::{BoundingRect, InteriorPoint, Intersects, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

type PartEnvelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The parts of a union, indexed by their boxes.
pub struct Parts<'a> {
    parts: &'a [Polygon<f64>],
    tree: RTree<PartEnvelope>,
    vertices: Vec<usize>,
}

impl<'a> Parts<'a> {
    pub fn new(parts: &'a [Polygon<f64>]) -> Parts<'a> {
        let boxes = parts
            .iter()
            .enumerate()
            .filter_map(|(p, poly)| Some(PartEnvelope::new(rectangle(poly.bounding_rect()?), p)))
            .collect();
        Parts {
            parts,
            tree: RTree::bulk_load(boxes),
            vertices: parts
                .iter()
                .map(|p| polygon_rings(p).map(|r| r.0.len()).sum())
                .collect(),
        }
    }

    /// The part holding `piece`, one of the pieces the parts are the union of: the
    /// part holding its interior point. Among the parts whose box holds that point the
    /// smaller ones are tested; the largest, which a ring of half a million vertices can
    /// make costly, is what remains.
    pub fn locate(&self, piece: &Polygon<f64>) -> Option<usize> {
        let point = piece.interior_point()?;
        let here = AABB::from_point([point.x(), point.y()]);
        let mut found: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&here)
            .map(|e| e.data)
            .collect();
        found.sort_unstable_by_key(|&p| (self.vertices[p], p));
        let largest = found.pop()?;
        Some(
            found
                .into_iter()
                .find(|&p| self.parts[p].intersects(&point))
                .unwrap_or(largest),
        )
    }
}
