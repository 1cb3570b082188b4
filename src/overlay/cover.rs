//! What lies inside one population unit: which CPTS cover how much of it, what is left
//! uncovered, and where two CPTS overlap on it. Polygon mode computes it by overlay
//! ([`crate::overlay::polygon`]), membership mode from the lists ([`crate::overlay::membership`]).

use crate::geometry::grid::Grid;
use crate::model::Status;
use crate::overlay::people::People;
use geo::{Area, MultiPolygon};

/// The share of one CPTS in one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Index of the CPTS in [`crate::Inputs::cpts`].
    pub cpts: usize,
    /// Area of the unit inside the CPTS, m².
    pub area: f64,
    /// Its people as an area (see [`UnitCover::area`]), m².
    pub weight: f64,
    /// Whether the piece holds half the unit or some polygon at least as wide as the
    /// gap width: a piece all narrower is contour debris (a perimeter's hairline overhang, a contour gap
    /// given to it), counted in populations but not making the CPTS a holder.
    pub wide: bool,
}

/// Where two CPTS claim the same part of one unit.
#[derive(Debug, Clone)]
pub struct OverlapPiece {
    /// CPTS indices, `a < b`.
    pub a: usize,
    pub b: usize,
    pub area: f64,
    /// Projected geometry.
    pub shape: MultiPolygon<f64>,
    /// The people of each polygon of `shape` as an area (see [`UnitCover::area`]), m².
    pub weights: Vec<f64>,
}

impl OverlapPiece {
    /// Its people as an area, m².
    pub fn weight(&self) -> f64 {
        self.weights.iter().sum()
    }
}

/// Coverage of one population unit, in its zone's projected CRS.
///
/// Each part's people are measured as an area, its *weight*: the part's area when the
/// unit's people are spread evenly over it, else the unit's area times the part's
/// share of its people (a finer population layer says where they live). A part's
/// population is `population × weight / area`.
#[derive(Debug, Clone)]
pub struct UnitCover {
    /// Area of the unit, m².
    pub area: f64,
    /// People inside at least one CPTS of each status ([`Status::ALL`] order), as an
    /// area, m².
    pub status_weight: [f64; 3],
    /// Area inside at least one CPTS of a counted status, m².
    pub covered_area: f64,
    /// People inside at least one CPTS of a counted status, as an area, m².
    pub covered_weight: f64,
    /// One piece per CPTS present in the unit, by CPTS index.
    pub pieces: Vec<Piece>,
    /// The part of the unit in no CPTS of a counted status.
    pub uncovered: MultiPolygon<f64>,
    /// The people of each polygon of `uncovered` as an area, m².
    pub uncovered_weights: Vec<f64>,
    pub overlaps: Vec<OverlapPiece>,
}

impl UnitCover {
    /// Covered share of the unit's people, 0 to 1: `area(c ∩ U) / area(c)` when they
    /// are spread evenly.
    pub fn covered_share(&self) -> f64 {
        share(self.covered_weight, self.area)
    }

    /// The share of the unit's people in a part of it whose weight is `weight`.
    pub fn people_share(&self, weight: f64) -> f64 {
        share(weight, self.area)
    }

    /// The CPTS said to hold the unit: those holding a piece of it wider than the gap
    /// width and of at least `min_m2`, or half of it.
    pub fn holders(&self, min_m2: f64) -> impl Iterator<Item = usize> + '_ {
        self.pieces
            .iter()
            .filter(move |p| p.wide && (p.area >= min_m2 || p.area >= 0.5 * self.area))
            .map(|p| p.cpts)
    }

    /// Covered share by CPTS of `status` alone.
    pub fn status_share(&self, status: Status) -> f64 {
        share(self.status_weight[status.index()], self.area)
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The area of the union of `shapes`, m².
pub fn union_area(grid: &Grid, shapes: &[&MultiPolygon<f64>]) -> f64 {
    match shapes {
        [] => 0.0,
        [one] => one.unsigned_area(),
        many => grid.union(many.iter().copied()).unsigned_area(),
    }
}

/// Area and weight of the union of shapes that may overlap (each with its weight),
/// measured once; `people` weighs a union of several.
pub fn union_measure(
    grid: &Grid,
    shapes: &[(&MultiPolygon<f64>, f64)],
    people: &People,
) -> (f64, f64) {
    match shapes {
        [] => (0.0, 0.0),
        [(one, weight)] => (one.unsigned_area(), *weight),
        many => {
            let union = grid.union(many.iter().map(|(s, _)| *s));
            let area = union.unsigned_area();
            (area, people.weigh(&union, area))
        }
    }
}
