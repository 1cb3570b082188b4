//! Where a unit's people are inside it: evenly over its area, or as a finer population
//! layer says (the squares of a grid on the unit, the parts of a polygon layer's cells,
//! each with its density, and the points of a point layer, each with its people). A
//! part of the unit is weighed cell by cell: a cell wholly inside or outside the part
//! is counted without a boolean operation, only a cell its border crosses is cut. The
//! squares of a grid are weighed in the grid's CRS, where they are squares: the part
//! weighed is projected to it, and a square it crosses clipped.

use crate::error::{Error, Result};
use crate::geometry::clip::area_inside;
use crate::geometry::grid::Grid;
use crate::geometry::lattice::{self, Placed};
use crate::geometry::projection::{from_projected, Zone};
use crate::geometry::runs::{contains, near_part, side, Runs, Side};
use crate::model::spread::{Square, UnitCells};
use geo::{Area, BoundingRect, Intersects, MultiPolygon, Polygon, Rect};
use std::cell::{OnceCell, RefCell};

/// The people of one unit, ready to weigh its parts.
pub struct People<'a> {
    /// The unit's area, m².
    area: f64,
    given: Option<&'a UnitCells>,
    /// The unit's zone and its grid, on which the parts weighed lie.
    zone: Zone,
    grid: &'a Grid,
    /// The cells measured, once a part is weighed; `None` when they hold no one.
    cells: OnceCell<Option<Cells<'a>>>,
    /// Why a part could not be projected to a grid's CRS.
    failure: RefCell<Option<Error>>,
}

/// A unit's cells, measured.
struct Cells<'a> {
    given: &'a UnitCells,
    /// The CRS of each grid of squares (`EPSG:3035`).
    crs: Vec<String>,
    /// Each grid's squares on the lattices of their sides, and those off them.
    lattices: Vec<(Vec<Placed>, Vec<usize>)>,
    /// The parts of a polygon layer's cells on the zone's grid, their boxes and areas.
    parts: Vec<Polygon<f64>>,
    boxes: Vec<Rect<f64>>,
    areas: Vec<f64>,
    /// `Σ density × area + Σ people at the points`: the unit's people before its
    /// population is imposed.
    total: f64,
}

impl<'a> People<'a> {
    /// The people of a unit of `area` m² in `zone`, whose parts lie on `grid`: spread
    /// evenly, or over `cells` when given.
    pub fn new(area: f64, cells: Option<&'a UnitCells>, zone: Zone, grid: &'a Grid) -> People<'a> {
        People {
            area,
            given: cells,
            zone,
            grid,
            cells: OnceCell::new(),
            failure: RefCell::new(None),
        }
    }

    /// Whether the people are spread evenly: every weight is then an area.
    pub fn is_even(&self) -> bool {
        self.given.is_none()
    }

    /// Why a part weighed could not be projected to a grid's CRS, if one could not: the
    /// weights given are then not to be used.
    pub fn failure(self) -> Option<Error> {
        self.failure.into_inner()
    }

    /// The weight of `region`, a part of the unit whose area is `area`: its people as an
    /// area (`area` itself when they are spread evenly), m².
    pub fn weigh(&self, region: &MultiPolygon<f64>, area: f64) -> f64 {
        match self.cells() {
            None => area,
            Some(cells) => region.0.iter().map(|p| self.weight(cells, p)).sum(),
        }
    }

    /// The weight of each polygon of `region`, a part of the unit.
    pub fn weigh_each(&self, region: &MultiPolygon<f64>) -> Vec<f64> {
        region
            .0
            .iter()
            .map(|p| match self.cells() {
                None => p.unsigned_area(),
                Some(cells) => self.weight(cells, p),
            })
            .collect()
    }

    /// The cells measured, when they hold anyone.
    fn cells(&self) -> Option<&Cells<'a>> {
        let given = self.given?;
        self.cells
            .get_or_init(|| Cells::measure(given, self.grid))
            .as_ref()
    }

    /// The weight of one polygon of the unit; on a failure, recorded, its area.
    fn weight(&self, cells: &Cells, polygon: &Polygon<f64>) -> f64 {
        match cells.people(self.zone, self.grid, polygon) {
            Ok(people) => self.area * people / cells.total,
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                polygon.unsigned_area()
            }
        }
    }
}

impl<'a> Cells<'a> {
    /// The parts of `given` moved onto the zone's `grid`, their boxes and areas, and its
    /// people before scaling; `None` when it holds no one.
    fn measure(given: &'a UnitCells, grid: &Grid) -> Option<Cells<'a>> {
        let parts = match given.parts.is_empty() {
            true => Vec::new(),
            false => grid.snap(&MultiPolygon::new(given.parts.clone())).0,
        };
        let boxes: Vec<Rect<f64>> = parts
            .iter()
            .map(|p| p.bounding_rect().unwrap_or(Rect::new((0., 0.), (0., 0.))))
            .collect();
        let areas: Vec<f64> = parts.iter().map(|p| p.unsigned_area()).collect();
        let squares = given.grids.iter().flat_map(|g| &g.squares);
        let total = squares.map(|s| s.density * s.area).sum::<f64>()
            + areas
                .iter()
                .zip(&given.density)
                .map(|(a, d)| a * d)
                .sum::<f64>()
            + given.at_points.iter().sum::<f64>();
        (total > 0.0).then(|| Cells {
            given,
            crs: given
                .grids
                .iter()
                .map(|g| format!("EPSG:{}", g.epsg))
                .collect(),
            lattices: given
                .grids
                .iter()
                .map(|g| on_lattices(&g.squares))
                .collect(),
            parts,
            boxes,
            areas,
            total,
        })
    }

    /// `Σ density × area(cell ∩ polygon)` over the cells, plus the people at the points
    /// inside the polygon, a polygon of `zone`'s CRS on its `grid`.
    fn people(&self, zone: Zone, grid: &Grid, polygon: &Polygon<f64>) -> Result<f64> {
        let given = self.given;
        let mut people = 0.0;
        let runs = Runs::new(polygon);
        if let Some(bounds) = runs.bounds() {
            for (p, n) in given.points.iter().zip(&given.at_points) {
                if bounds.intersects(p) && contains(polygon, &runs, *p) {
                    people += n;
                }
            }
            for (i, b) in self.boxes.iter().enumerate() {
                if !b.intersects(&bounds) {
                    continue;
                }
                let inside = match side(b, polygon, &runs) {
                    Side::Outside => 0.0,
                    Side::Inside => self.areas[i],
                    Side::Crossing => grid
                        .intersection(
                            &MultiPolygon::new(vec![self.parts[i].clone()]),
                            &near_part(b, polygon, &runs),
                        )
                        .unsigned_area(),
                };
                people += given.density[i] * inside;
            }
        }
        let lattices = given.grids.iter().zip(&self.crs).zip(&self.lattices);
        for ((grid, crs), (placed, off)) in lattices {
            let drawn = from_projected(zone, crs, polygon)?;
            let runs = Runs::new(&drawn);
            if runs.bounds().is_none() {
                continue;
            }
            // The area of each square inside the polygon: all of it for a square
            // wholly inside, measured for one its edges may meet, none for the rest.
            let mut inside = vec![0.0; grid.squares.len()];
            let measured = |k: usize| {
                let square = &grid.squares[k];
                let b = square.rect();
                match side(&b, &drawn, &runs) {
                    Side::Outside => 0.0,
                    Side::Inside => square.area,
                    Side::Crossing => {
                        area_inside(&b, &near_part(&b, &drawn, &runs)).min(square.area)
                    }
                }
            };
            for placed in placed {
                let spans = lattice::spans(&drawn, placed.size());
                for k in spans.met.iter().flat_map(|span| placed.of(span)) {
                    inside[k] = measured(k);
                }
                for k in spans.inside.iter().flat_map(|span| placed.of(span)) {
                    inside[k] = grid.squares[k].area;
                }
            }
            for &k in off {
                inside[k] = measured(k);
            }
            for (square, inside) in grid.squares.iter().zip(inside) {
                people += square.density * inside;
            }
        }
        Ok(people)
    }
}

/// `squares` on the lattices of their sides, and the indices of those off them.
fn on_lattices(squares: &[Square]) -> (Vec<Placed>, Vec<usize>) {
    let mut keyed = Vec::with_capacity(squares.len());
    let mut off = Vec::new();
    for (k, s) in squares.iter().enumerate() {
        match lattice::place(s.x, s.y, s.size) {
            Some((row, col)) => keyed.push((s.size.to_bits(), row, col, k)),
            None => off.push(k),
        }
    }
    (Placed::by_side(keyed), off)
}
