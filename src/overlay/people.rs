//! Where a unit's people are inside it: evenly over its area, or as a finer population
//! layer says (its cells inside the unit, each with its density, and its points, each
//! with its people). A part of the unit is weighed cell by cell: a cell wholly inside or
//! outside the part is counted without a boolean operation, only a cell its border
//! crosses is cut. The squares of a grid are weighed in the grid's CRS, where they are
//! squares: the part is projected to it, not the cells to the zone's.

use crate::error::{Error, Result};
use crate::geometry::envelope::joined;
use crate::geometry::grid::Grid;
use crate::geometry::projection::{from_projected, Zone};
use crate::geometry::runs::{contains, near_part, side, Runs, Side};
use crate::model::spread::{CellGroup, UnitCells};
use geo::{Area, BoundingRect, Coord, Intersects, MultiPolygon, Polygon, Rect};
use std::borrow::Cow;
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

/// A unit's cells, measured, and its points.
struct Cells<'a> {
    groups: Vec<Group<'a>>,
    points: &'a [Coord<f64>],
    at_points: &'a [f64],
    /// `Σ density × area + Σ people at the points`: the unit's people before its
    /// population is imposed.
    total: f64,
}

/// The cells of one CRS inside a unit, with the boxes and areas of their parts.
struct Group<'a> {
    cells: &'a CellGroup,
    /// The grid CRS (`EPSG:3035`), or `None`: the zone's.
    crs: Option<String>,
    /// The parts, on the zone's grid when they are in its CRS.
    parts: Cow<'a, [Polygon<f64>]>,
    boxes: Vec<Rect<f64>>,
    areas: Vec<f64>,
    /// The box of the squares and parts.
    extent: Option<Rect<f64>>,
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
    /// The boxes and areas of `given`'s parts (moved onto the zone's `grid` when drawn
    /// in its CRS), and its people before scaling; `None` when it holds no one.
    fn measure(given: &'a UnitCells, grid: &Grid) -> Option<Cells<'a>> {
        let groups: Vec<Group> = given
            .groups
            .iter()
            .map(|cells| {
                let parts = match cells.epsg {
                    Some(_) => Cow::Borrowed(cells.parts.as_slice()),
                    None => Cow::Owned(grid.snap(&MultiPolygon::new(cells.parts.clone())).0),
                };
                let boxes: Vec<Rect<f64>> = parts
                    .iter()
                    .map(|p| p.bounding_rect().unwrap_or(Rect::new((0., 0.), (0., 0.))))
                    .collect();
                let squares = cells
                    .squares
                    .iter()
                    .map(|s| Rect::new((s.x, s.y), (s.x + s.size, s.y + s.size)));
                Group {
                    crs: cells.epsg.map(|e| format!("EPSG:{e}")),
                    extent: boxes.iter().copied().chain(squares).reduce(joined),
                    areas: parts.iter().map(|p| p.unsigned_area()).collect(),
                    boxes,
                    parts,
                    cells,
                }
            })
            .collect();
        let total: f64 = groups
            .iter()
            .map(|g| {
                let squares: f64 = g
                    .cells
                    .squares
                    .iter()
                    .map(|s| s.density * s.size * s.size)
                    .sum();
                squares
                    + g.areas
                        .iter()
                        .zip(&g.cells.density)
                        .map(|(a, d)| a * d)
                        .sum::<f64>()
            })
            .sum::<f64>()
            + given.at_points.iter().sum::<f64>();
        (total > 0.0).then_some(Cells {
            groups,
            points: &given.points,
            at_points: &given.at_points,
            total,
        })
    }

    /// `Σ density × area(cell ∩ polygon)` over the cells, plus the people at the points
    /// inside the polygon, a polygon of `zone`'s CRS on its `grid`.
    fn people(&self, zone: Zone, grid: &Grid, polygon: &Polygon<f64>) -> Result<f64> {
        let mut people = 0.0;
        if !self.points.is_empty() {
            let runs = Runs::new(polygon);
            if let Some(bounds) = runs.bounds() {
                people += self
                    .points
                    .iter()
                    .zip(self.at_points)
                    .filter(|(p, _)| bounds.intersects(*p) && contains(polygon, &runs, **p))
                    .map(|(_, n)| n)
                    .sum::<f64>();
            }
        }
        for group in &self.groups {
            people += match &group.crs {
                None => group.people(grid, polygon),
                Some(crs) => {
                    let drawn = from_projected(zone, crs, polygon)?;
                    let extent = drawn.bounding_rect().into_iter().chain(group.extent);
                    match extent.reduce(joined) {
                        Some(extent) => group.people(&Grid::covering(extent), &drawn),
                        None => 0.0,
                    }
                }
            };
        }
        Ok(people)
    }
}

impl Group<'_> {
    /// `Σ density × area(cell ∩ polygon)` over the group's cells, `polygon` drawn in its
    /// CRS, cut on `grid`.
    fn people(&self, grid: &Grid, polygon: &Polygon<f64>) -> f64 {
        let runs = Runs::new(polygon);
        let Some(bounds) = runs.bounds() else {
            return 0.0;
        };
        let cut = |b: &Rect<f64>, shape: &dyn Fn() -> Polygon<f64>, area: f64| match side(
            b, polygon, &runs,
        ) {
            Side::Outside => 0.0,
            Side::Inside => area,
            Side::Crossing => grid
                .intersection(
                    &MultiPolygon::new(vec![shape()]),
                    &near_part(b, polygon, &runs),
                )
                .unsigned_area(),
        };
        let mut people = 0.0;
        for square in &self.cells.squares {
            let b = Rect::new(
                (square.x, square.y),
                (square.x + square.size, square.y + square.size),
            );
            if b.intersects(&bounds) {
                people += square.density * cut(&b, &|| square.polygon(), square.size * square.size);
            }
        }
        for (i, b) in self.boxes.iter().enumerate() {
            if b.intersects(&bounds) {
                people += self.cells.density[i] * cut(b, &|| self.parts[i].clone(), self.areas[i]);
            }
        }
        people
    }
}
