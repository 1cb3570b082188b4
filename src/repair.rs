//! Repairs made without guessing, counted so that the summary can say what was changed.

use geo::{MakeValid, MultiPolygon, Orient, Validation};
use rayon::prelude::*;
use serde::Serialize;

/// What was repaired in the inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Repairs {
    /// Invalid polygons (self-intersecting rings, holes outside their shell) rebuilt.
    pub repaired_geometries: usize,
    /// INSEE codes stored as numbers whose leading zero was restored (`1001` → `01001`).
    #[serde(rename = "repaired_codes")]
    pub codes: usize,
}

/// Rebuilds every invalid geometry as a valid one covering the same area, and counts them.
pub fn repair_geometries<'a>(
    shapes: impl IntoParallelIterator<Item = &'a mut MultiPolygon<f64>>,
) -> usize {
    shapes
        .into_par_iter()
        .map(|shape| {
            if shape.is_valid() {
                return 0;
            }
            match shape.make_valid() {
                Ok(fixed) if !fixed.0.is_empty() => {
                    *shape = fixed.orient(geo::orient::Direction::Default);
                    1
                }
                _ => 0,
            }
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
}
