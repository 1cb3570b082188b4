//! The area of a polygon inside an axis-aligned box, without a boolean operation: each
//! ring is clipped to the box (Sutherland–Hodgman) and measured. Against a convex window
//! the clipped ring of any ring, convex or not, has the signed area of the ring's part
//! inside the window; where the ring leaves and comes back, the clipped ring runs along
//! the window's side and back, which adds no area.

use crate::geometry::grid::polygon_rings;
use geo::{Coord, LineString, Polygon, Rect};

/// The area of `polygon` (a valid polygon: holes inside its exterior) inside `rect`, m².
pub fn area_inside(rect: &Rect<f64>, polygon: &Polygon<f64>) -> f64 {
    let mut rings = polygon_rings(polygon).map(|ring| clipped_area(rect, ring).abs());
    let exterior = rings.next().unwrap_or(0.0);
    (exterior - rings.sum::<f64>()).max(0.0)
}

/// The signed area of `ring` clipped to `rect`.
fn clipped_area(rect: &Rect<f64>, ring: &LineString<f64>) -> f64 {
    let (lo, hi) = (rect.min(), rect.max());
    let mut points: Vec<Coord<f64>> = ring.0.clone();
    if points.first() == points.last() {
        points.pop();
    }
    let mut next = Vec::with_capacity(points.len() + 4);
    // Each side of the window as (coordinate, bound, keep the side above the bound).
    for (axis_x, bound, above) in [
        (true, lo.x, true),
        (true, hi.x, false),
        (false, lo.y, true),
        (false, hi.y, false),
    ] {
        let value = |c: &Coord<f64>| if axis_x { c.x } else { c.y };
        let kept = |c: &Coord<f64>| match above {
            true => value(c) >= bound,
            false => value(c) <= bound,
        };
        let crossing = |a: &Coord<f64>, b: &Coord<f64>| {
            let t = (bound - value(a)) / (value(b) - value(a));
            match axis_x {
                true => Coord {
                    x: bound,
                    y: a.y + t * (b.y - a.y),
                },
                false => Coord {
                    x: a.x + t * (b.x - a.x),
                    y: bound,
                },
            }
        };
        next.clear();
        for (i, b) in points.iter().enumerate() {
            let a = &points[(i + points.len() - 1) % points.len()];
            match (kept(a), kept(b)) {
                (true, true) => next.push(*b),
                (true, false) => next.push(crossing(a, b)),
                (false, true) => {
                    next.push(crossing(a, b));
                    next.push(*b);
                }
                (false, false) => {}
            }
        }
        std::mem::swap(&mut points, &mut next);
        if points.is_empty() {
            return 0.0;
        }
    }
    let n = points.len();
    (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area, BooleanOps};

    fn by_boolean_operation(rect: &Rect<f64>, polygon: &Polygon<f64>) -> f64 {
        polygon.intersection(&rect.to_polygon()).unsigned_area()
    }

    #[test]
    fn a_triangle_across_a_square_keeps_the_part_inside() {
        // The triangle (0,0) (400,0) (0,400) over the square 100..300: the square less
        // the corner beyond x + y = 400, a right triangle of legs 200: 40 000 − 20 000.
        let triangle = polygon![(x: 0., y: 0.), (x: 400., y: 0.), (x: 0., y: 400.)];
        let square = Rect::new((100., 100.), (300., 300.));
        assert!((area_inside(&square, &triangle) - 20_000.0).abs() < 1e-9);
    }

    #[test]
    fn a_ring_leaving_and_coming_back_adds_no_area() {
        // A comb with two teeth reaching through the square, and a hole in its body,
        // clockwise and counter-clockwise: as the boolean operation measures it.
        let comb = Polygon::new(
            vec![
                (0., 0.),
                (1000., 0.),
                (1000., 900.),
                (800., 900.),
                (800., 300.),
                (600., 300.),
                (600., 900.),
                (400., 900.),
                (400., 300.),
                (200., 300.),
                (200., 900.),
                (0., 900.),
                (0., 0.),
            ]
            .into(),
            vec![vec![
                (100., 100.),
                (100., 200.),
                (900., 200.),
                (900., 100.),
                (100., 100.),
            ]
            .into()],
        );
        for rect in [
            Rect::new((150., 150.), (850., 650.)),
            Rect::new((-50., -50.), (1050., 950.)),
            Rect::new((450., 350.), (550., 450.)),
            Rect::new((300., 50.), (700., 1200.)),
        ] {
            let want = by_boolean_operation(&rect, &comb);
            assert!(
                (area_inside(&rect, &comb) - want).abs() < 1e-6,
                "{rect:?}: {want}"
            );
        }
        let reversed = Polygon::new(
            LineString::from(comb.exterior().0.iter().rev().copied().collect::<Vec<_>>()),
            vec![],
        );
        let rect = Rect::new((150., 150.), (850., 650.));
        let want = by_boolean_operation(&rect, &reversed);
        assert!((area_inside(&rect, &reversed) - want).abs() < 1e-6);
    }

    #[test]
    fn a_polygon_beside_the_square_has_nothing_inside() {
        let far = polygon![(x: 500., y: 0.), (x: 600., y: 0.), (x: 600., y: 100.)];
        assert_eq!(area_inside(&Rect::new((0., 0.), (200., 200.)), &far), 0.0);
    }
}
