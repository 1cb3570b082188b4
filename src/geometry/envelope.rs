//! Bounding boxes: the extent of shapes, and the boxes R-trees index them by.

use geo::{BoundingRect, MultiPolygon, Rect};
use rstar::primitives::Rectangle;

/// The box around every shape, `None` when they have no coordinate.
pub fn extent<'a>(shapes: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Option<Rect<f64>> {
    shapes.filter_map(|s| s.bounding_rect()).reduce(joined)
}

/// The box holding `a` and `b`.
pub fn joined(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

/// `r` as an R-tree rectangle.
pub fn rectangle(r: Rect<f64>) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}
