//! Boolean operations on one integer grid shared by every operation of a zone.
//!
//! i_overlay (the engine behind geo's `BooleanOps`) snaps coordinates to an integer
//! grid centred on each operation's own bounding box. Two neighbouring communes cut
//! by separate operations then see their shared border snapped to two different grids,
//! and their uncovered pieces no longer share that border: a white zone splits along a
//! hairline slit. Running every operation of a zone on one grid (about 1 mm in
//! Lambert-93 over France) keeps shared vertices identical, so pieces dissolve back
//! together exactly. Rings are read with the non-zero fill rule.

use geo::{Coord, LineString, MapCoords, MultiPolygon, Orient, Polygon, Rect};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::ShapeType;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
use i_overlay::i_float::adapter::FloatPointAdapter;
use i_overlay::i_float::float::compatible::FloatPointCompatible;
use i_overlay::i_float::float::rect::FloatRect;

#[derive(Clone, Copy, Debug)]
struct Point(Coord<f64>);

impl FloatPointCompatible<f64> for Point {
    fn from_xy(x: f64, y: f64) -> Self {
        Point(Coord { x, y })
    }
    fn x(&self) -> f64 {
        self.0.x
    }
    fn y(&self) -> f64 {
        self.0.y
    }
}

/// The integer grid of one zone.
#[derive(Debug, Clone)]
pub struct Grid {
    /// `[min_x, max_x, min_y, max_y]`.
    bounds: [f64; 4],
    scale: f64,
}

impl Grid {
    /// A grid covering `extent` (with a margin), its step the power of two that keeps
    /// every coordinate within 2²⁹ steps of the centre. The centre is a whole number,
    /// so that snapping a point already on the grid leaves it where it is.
    pub fn covering(extent: Rect<f64>) -> Grid {
        let c = extent.center();
        let (cx, cy) = (c.x.round(), c.y.round());
        let half = (extent.width().max(extent.height()) * 0.55 + 1.0).ceil();
        let bounds = [cx - half, cx + half, cy - half, cy + half];
        Grid {
            bounds,
            scale: (2.0f64).powi(29 - half.log2().floor() as i32),
        }
    }

    /// Size of one grid step, in the zone's units (metres).
    pub fn step(&self) -> f64 {
        1.0 / self.scale
    }

    /// Moves every vertex onto the grid, as the boolean operations do: a shape the
    /// operations leave whole then keeps exactly its area.
    pub fn snap(&self, shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        let [min_x, max_x, min_y, max_y] = self.bounds;
        let (ox, oy) = (min_x + (max_x - min_x) * 0.5, min_y + (max_y - min_y) * 0.5);
        let step = self.step();
        shape.map_coords(|c| Coord {
            x: ((c.x - ox) * self.scale) as i32 as f64 * step + ox,
            y: ((c.y - oy) * self.scale) as i32 as f64 * step + oy,
        })
    }

    /// `a ∩ b`.
    pub fn intersection(&self, a: &MultiPolygon<f64>, b: &Polygon<f64>) -> MultiPolygon<f64> {
        self.run(rings(a), polygon_rings(b), OverlayRule::Intersect)
    }

    /// `a ∩ b` for two multipolygons.
    pub fn intersection_multi(
        &self,
        a: &MultiPolygon<f64>,
        b: &MultiPolygon<f64>,
    ) -> MultiPolygon<f64> {
        self.run(rings(a), rings(b), OverlayRule::Intersect)
    }

    /// `a − b`.
    pub fn difference(&self, a: &MultiPolygon<f64>, b: &Polygon<f64>) -> MultiPolygon<f64> {
        self.run(rings(a), polygon_rings(b), OverlayRule::Difference)
    }

    /// Union of shapes that may overlap or share borders.
    pub fn union<'a>(
        &self,
        shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
    ) -> MultiPolygon<f64> {
        self.run(
            shapes.into_iter().flat_map(rings),
            std::iter::empty(),
            OverlayRule::Subject,
        )
    }

    /// The territory an even number of times (so at least twice) under `shapes`, which
    /// must be oriented alike: where they overlap.
    pub fn covered_twice(&self, shapes: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
        let all = || shapes.iter().flat_map(|s| rings(s));
        let once = self.run(all(), std::iter::empty(), OverlayRule::Subject);
        let odd = self.run_with(
            all(),
            std::iter::empty(),
            OverlayRule::Subject,
            FillRule::EvenOdd,
        );
        self.run(rings(&once), rings(&odd), OverlayRule::Difference)
    }

    fn run<'a>(
        &self,
        subject: impl Iterator<Item = &'a LineString<f64>>,
        clip: impl Iterator<Item = &'a LineString<f64>>,
        rule: OverlayRule,
    ) -> MultiPolygon<f64> {
        self.run_with(subject, clip, rule, FillRule::NonZero)
    }

    fn run_with<'a>(
        &self,
        subject: impl Iterator<Item = &'a LineString<f64>>,
        clip: impl Iterator<Item = &'a LineString<f64>>,
        rule: OverlayRule,
        fill: FillRule,
    ) -> MultiPolygon<f64> {
        let subject: Vec<Vec<Point>> = subject.map(contour).collect();
        let clip: Vec<Vec<Point>> = clip.map(contour).collect();
        let capacity = subject.iter().chain(&clip).map(Vec::len).sum();
        let [min_x, max_x, min_y, max_y] = self.bounds;
        let adapter =
            FloatPointAdapter::with_scale(FloatRect::new(min_x, max_x, min_y, max_y), self.scale);
        let shapes =
            FloatOverlay::new_custom(adapter, OverlayOptions::ogc(), Default::default(), capacity)
                .unsafe_add_source(&subject, ShapeType::Subject)
                .unsafe_add_source(&clip, ShapeType::Clip)
                .overlay(rule, fill);
        let polygons = shapes.into_iter().map(|shape| {
            let mut rings = shape.into_iter().map(|path| {
                let mut line: LineString<f64> = path.into_iter().map(|p| p.0).collect();
                line.close();
                line
            });
            let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
            Polygon::new(exterior, rings.collect())
        });
        MultiPolygon::new(polygons.collect()).orient(geo::orient::Direction::Default)
    }
}

/// The rings of every polygon of a shape.
pub(crate) fn rings(shape: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    shape.0.iter().flat_map(polygon_rings)
}

/// The rings of a polygon, its exterior first.
pub(crate) fn polygon_rings(polygon: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

/// i_overlay's contours are implicitly closed: the repeated last point is left out.
fn contour(ring: &LineString<f64>) -> Vec<Point> {
    let n = ring.0.len().saturating_sub(1);
    ring.0[..n].iter().map(|c| Point(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area, Rect};

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        Rect::new((x0, y0), (x0 + side, y0 + side))
            .to_polygon()
            .into()
    }

    #[test]
    fn pieces_cut_by_separate_operations_dissolve_into_one_part() {
        // Two unit squares sharing the edge x = 1, each cut by a triangle whose edges
        // cross that shared edge at an irrational height: on one grid, the two
        // remainders keep their shared border and dissolve into a single polygon.
        let grid = Grid::covering(Rect::new((0.0, 0.0), (1000.0, 1000.0)));
        let cutter: Polygon<f64> =
            polygon![(x: -1.0, y: 0.3), (x: 3.0, y: 0.3 + 2f64.sqrt()), (x: -1.0, y: 3.0)];
        let left = grid.difference(&square(0.0, 0.0, 1.0), &cutter);
        let right = grid.difference(&square(1.0, 0.0, 1.0), &cutter);
        let merged = grid.union([&left, &right]);
        assert_eq!(merged.0.len(), 1);
        assert!(
            (merged.unsigned_area() - (left.unsigned_area() + right.unsigned_area())).abs() < 1e-6
        );
    }

    #[test]
    fn a_snapped_shape_passes_through_an_intersection_unchanged() {
        let grid = Grid::covering(Rect::new(
            (690_000.0, 6_590_000.0),
            (710_000.0, 6_610_000.0),
        ));
        let unit = grid.snap(&square(700_000.123_456, 6_600_000.654_321, 1234.567));
        assert_eq!(grid.snap(&unit), unit);
        let whole = grid.intersection(&unit, &unit.0[0]);
        assert_eq!(whole.unsigned_area(), unit.unsigned_area());
    }

    #[test]
    fn squares_touching_at_a_corner_stay_two_parts() {
        let grid = Grid::covering(Rect::new((0.0, 0.0), (10.0, 10.0)));
        let merged = grid.union([&square(0.0, 0.0, 1.0), &square(1.0, 1.0, 1.0)]);
        assert_eq!(merged.0.len(), 2);
        assert!((merged.unsigned_area() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn two_squares_overlapping_by_a_quarter_are_covered_twice_there() {
        let grid = Grid::covering(Rect::new((0.0, 0.0), (10.0, 10.0)));
        let (a, b, c) = (
            square(0.0, 0.0, 2.0),
            square(1.0, 1.0, 2.0),
            square(5.0, 5.0, 1.0),
        );
        let twice = grid.covered_twice(&[&a, &b, &c]);
        assert_eq!(twice.0.len(), 1);
        assert!((twice.unsigned_area() - 1.0).abs() < 1e-9);
        assert!(grid.covered_twice(&[&a, &c]).0.is_empty());
    }

    #[test]
    fn the_step_of_france_is_about_a_millimetre() {
        let grid = Grid::covering(Rect::new(
            (99_000.0, 6_046_000.0),
            (1_243_000.0, 7_111_000.0),
        ));
        assert!(grid.step() > 5e-4 && grid.step() < 2e-3, "{}", grid.step());
    }
}
