//! Where a unit's people are inside it: evenly over its area, or as a finer population
//! layer says (the cells' parts inside the unit, each with its density, and its points,
//! each with its people). A part of the
//! unit is weighed cell by cell: a cell wholly inside or outside the part is counted
//! without a boolean operation, only a cell its border crosses is cut.

use crate::geometry::grid::Grid;
use crate::geometry::runs::{contains, near_part, side, Runs, Side};
use crate::model::spread::UnitCells;
use geo::{Area, BoundingRect, Coord, Intersects, MultiPolygon, Polygon, Rect};

/// The people of one unit, ready to weigh its parts.
pub struct People<'a> {
    /// The unit's area, m².
    area: f64,
    cells: Option<Cells<'a>>,
}

/// The cells' parts inside one unit, with their boxes and areas, and its points.
struct Cells<'a> {
    parts: &'a [Polygon<f64>],
    density: &'a [f64],
    boxes: Vec<Rect<f64>>,
    areas: Vec<f64>,
    points: &'a [Coord<f64>],
    at_points: &'a [f64],
    /// `Σ density × area + Σ people at the points`: the unit's people before its
    /// population is imposed.
    total: f64,
}

impl<'a> People<'a> {
    /// The people of a unit of `area` m², spread evenly, or over `cells` when given.
    pub fn new(area: f64, cells: Option<&'a UnitCells>) -> People<'a> {
        let cells = cells.and_then(|c| {
            let boxes: Vec<Rect<f64>> = c
                .parts
                .iter()
                .map(|p| p.bounding_rect().unwrap_or(Rect::new((0., 0.), (0., 0.))))
                .collect();
            let areas: Vec<f64> = c.parts.iter().map(|p| p.unsigned_area()).collect();
            let total: f64 = areas
                .iter()
                .zip(&c.density)
                .map(|(a, d)| a * d)
                .sum::<f64>()
                + c.at_points.iter().sum::<f64>();
            (total > 0.0).then_some(Cells {
                parts: &c.parts,
                density: &c.density,
                boxes,
                areas,
                points: &c.points,
                at_points: &c.at_points,
                total,
            })
        });
        People { area, cells }
    }

    /// Whether the people are spread evenly: every weight is then an area.
    pub fn is_even(&self) -> bool {
        self.cells.is_none()
    }

    /// The weight of `region`, a part of the unit whose area is `area`: its people as an
    /// area (`area` itself when they are spread evenly), m².
    pub fn weigh(&self, grid: &Grid, region: &MultiPolygon<f64>, area: f64) -> f64 {
        match &self.cells {
            None => area,
            Some(cells) => region
                .0
                .iter()
                .map(|p| self.area * cells.people(grid, p) / cells.total)
                .sum(),
        }
    }

    /// The weight of each polygon of `region`, a part of the unit.
    pub fn weigh_each(&self, grid: &Grid, region: &MultiPolygon<f64>) -> Vec<f64> {
        region
            .0
            .iter()
            .map(|p| match &self.cells {
                None => p.unsigned_area(),
                Some(cells) => self.area * cells.people(grid, p) / cells.total,
            })
            .collect()
    }
}

impl Cells<'_> {
    /// `Σ density × area(part ∩ polygon)` over the cells' parts, plus the people at the
    /// points inside the polygon.
    fn people(&self, grid: &Grid, polygon: &Polygon<f64>) -> f64 {
        let runs = Runs::new(polygon);
        let Some(bounds) = runs.bounds() else {
            return 0.0;
        };
        let mut people: f64 = self
            .points
            .iter()
            .zip(self.at_points)
            .filter(|(p, _)| bounds.intersects(*p) && contains(polygon, &runs, **p))
            .map(|(_, n)| n)
            .sum();
        for (i, b) in self.boxes.iter().enumerate() {
            if !b.intersects(&bounds) {
                continue;
            }
            let area = match side(b, polygon, &runs) {
                Side::Outside => continue,
                Side::Inside => self.areas[i],
                Side::Crossing => grid
                    .intersection(
                        &MultiPolygon::new(vec![self.parts[i].clone()]),
                        &near_part(b, polygon, &runs),
                    )
                    .unsigned_area(),
            };
            people += self.density[i] * area;
        }
        people
    }
}
