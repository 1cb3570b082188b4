//! Repairs made without guessing, counted so that the summary can say what was changed.

use crate::geometry::validity::{is_valid, polygon_is_valid};
use geo::orient::Direction;
use geo::{unary_union, MakeValid, MultiPolygon, Orient, Polygon};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What was repaired in the inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repairs {
    /// Invalid polygons (self-intersecting rings, holes outside their shell) rebuilt.
    pub repaired_geometries: usize,
    /// INSEE codes stored as numbers whose leading zero was restored (`1001` → `01001`).
    #[serde(rename = "repaired_codes")]
    pub codes: usize,
}

/// Rebuilds every invalid geometry as a valid one, and counts them. Each polygon is
/// repaired alone (a ring crossing itself keeps the even-odd reading: a bow tie is two
/// triangles), then the parts are merged with the non-zero rule, so that two
/// overlapping parts of one feature keep the area they share.
pub fn repair_geometries<'a>(
    shapes: impl IntoParallelIterator<Item = &'a mut MultiPolygon<f64>>,
) -> usize {
    shapes
        .into_par_iter()
        .map(|shape| {
            if is_valid(shape) {
                return 0;
            }
            let parts: Vec<Polygon<f64>> = shape
                .0
                .iter()
                .flat_map(|p| match polygon_is_valid(p) {
                    true => vec![p.clone()],
                    false => p.make_valid().map(|m| m.0).unwrap_or_default(),
                })
                .collect();
            let parts = MultiPolygon::new(parts).orient(Direction::Default);
            *shape = unary_union(&parts.0).orient(Direction::Default);
            1
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area};

    #[test]
    fn a_bow_tie_is_rebuilt_as_its_two_triangles() {
        // The ring crosses itself at (1, 1): two triangles of area 1 each.
        let bow_tie: MultiPolygon<f64> =
            polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.)].into();
        let square: MultiPolygon<f64> =
            polygon![(x: 5., y: 0.), (x: 6., y: 0.), (x: 6., y: 1.), (x: 5., y: 1.)].into();
        let mut shapes = vec![bow_tie, square.clone()];
        assert_eq!(repair_geometries(shapes.par_iter_mut()), 1);
        assert!((shapes[0].unsigned_area() - 2.0).abs() < 1e-12);
        assert_eq!(shapes[1], square);
    }

    #[test]
    fn overlapping_parts_of_one_feature_keep_their_shared_area() {
        // Two 2 × 2 squares overlapping on 1 × 2: the union is 3 × 2 = 6, not 4 (even-odd).
        let parts = MultiPolygon::new(vec![
            polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)],
            polygon![(x: 1., y: 0.), (x: 3., y: 0.), (x: 3., y: 2.), (x: 1., y: 2.)],
        ]);
        let mut shapes = vec![parts];
        assert_eq!(repair_geometries(shapes.par_iter_mut()), 1);
        assert!(
            (shapes[0].unsigned_area() - 6.0).abs() < 1e-9,
            "{}",
            shapes[0].unsigned_area()
        );
    }
}
