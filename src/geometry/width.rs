//! Width: the diameter of the largest disc a polygon holds (its maximum inscribed
//! circle, the measure of JTS/GEOS CoverageCleaner's gap width). A strip of debris
//! between perimeters drawn on other contours is narrow however long it is; an area
//! cannot tell it from a hamlet, a width can.

use geo::{BoundingRect, Distance, Euclidean, InteriorPoint, Point, Polygon};

/// Whether no disc of diameter `width` (metres) fits in `polygon`. Most debris is
/// screened by its box or its area; the others are measured by [`width`].
pub fn narrower_than(polygon: &Polygon<f64>, width: f64) -> bool {
    screen(polygon, width).unwrap_or_else(|| self::width(polygon, width) < width)
}

/// The width of `polygon` (see [`width`]) when no disc of diameter `width` fits in
/// it, `None` when one does: each polygon measured at most once.
pub fn narrow_width(polygon: &Polygon<f64>, width: f64) -> Option<f64> {
    let measured = || self::width(polygon, width);
    match screen(polygon, width) {
        Some(true) => Some(measured()),
        Some(false) => None,
        None => Some(measured()).filter(|&w| w < width),
    }
}

/// Whether `polygon` is narrower than `width` as far as cheap tests tell (its box, its
/// area, the disc around its interior point); `None` when only a measure can.
fn screen(polygon: &Polygon<f64>, width: f64) -> Option<bool> {
    let Some(rect) = polygon.bounding_rect() else {
        return Some(true);
    };
    if rect.width().min(rect.height()) < width {
        return Some(true);
    }
    let area = geo::Area::unsigned_area(polygon);
    if area < std::f64::consts::PI * width * width / 4.0 {
        return Some(true);
    }
    // Most shapes that are wide hold the disc around their interior point.
    let point = polygon.interior_point()?;
    (distance_to_boundary(polygon, &point) >= width / 2.0).then_some(false)
}

/// The distance from `point` to the nearest ring of `polygon`, metres.
fn distance_to_boundary(polygon: &Polygon<f64>, point: &Point<f64>) -> f64 {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(|ring| Euclidean.distance(point, ring))
        .fold(f64::INFINITY, f64::min)
}

/// The diameter of the largest disc inside `polygon`, metres, to within 1 % of `scale`
/// (or 5 cm): twice the distance from its pole of inaccessibility to its boundary.
pub fn width(polygon: &Polygon<f64>, scale: f64) -> f64 {
    let tolerance = (0.01 * scale).max(0.05);
    let Ok(pole) = polylabel::polylabel(polygon, &tolerance) else {
        return 0.0;
    };
    let radius = distance_to_boundary(polygon, &pole);
    if radius.is_finite() {
        2.0 * radius
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Rect};

    fn rectangle(w: f64, h: f64) -> Polygon<f64> {
        Rect::new((0.0, 0.0), (w, h)).to_polygon()
    }

    #[test]
    fn a_rectangle_is_as_wide_as_its_short_side() {
        // A 50 m × 20 km strip and a 300 m × 3 km band: the disc touches the long sides.
        assert!((width(&rectangle(50.0, 20_000.0), 200.0) - 50.0).abs() <= 2.0);
        assert!((width(&rectangle(3_000.0, 300.0), 200.0) - 300.0).abs() <= 2.0);
        assert!(narrower_than(&rectangle(50.0, 20_000.0), 200.0));
        assert!(!narrower_than(&rectangle(3_000.0, 300.0), 200.0));
    }

    #[test]
    fn a_long_l_shaped_strip_is_narrow_though_its_box_is_wide() {
        // Two arms 100 m wide and 5 km long meeting at a corner: box 5 km × 5 km,
        // area 0.99 km².
        let l = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (5_000.0, 0.0),
                (5_000.0, 100.0),
                (100.0, 100.0),
                (100.0, 5_000.0),
                (0.0, 5_000.0),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let w = width(&l, 200.0);
        // The largest disc sits in the corner, touching the two outer sides and the
        // inner corner: its radius r satisfies r + r·√2 = 100·√2.
        let expected = 2.0 * 100.0 * 2f64.sqrt() / (1.0 + 2f64.sqrt());
        assert!((w - expected).abs() <= 2.0, "{w} vs {expected}");
        assert!(narrower_than(&l, 200.0));
    }

    #[test]
    fn a_ring_with_a_hole_is_widest_in_its_corners() {
        // A 1 km square with a hole leaving walls 150 m thick: the widest disc sits in a
        // corner, touching the two outer sides and the hole's corner (r + r·√2 = 150·√2).
        let ring = Polygon::new(
            Rect::new((0.0, 0.0), (1_000.0, 1_000.0))
                .to_polygon()
                .exterior()
                .clone(),
            vec![Rect::new((150.0, 150.0), (850.0, 850.0))
                .to_polygon()
                .exterior()
                .clone()],
        );
        let w = width(&ring, 200.0);
        let expected = 2.0 * 150.0 * 2f64.sqrt() / (1.0 + 2f64.sqrt());
        assert!((w - expected).abs() <= 2.0, "{w} vs {expected}");
        assert!(narrower_than(&ring, 200.0));
        assert!(!narrower_than(&ring, 100.0));
    }
}
