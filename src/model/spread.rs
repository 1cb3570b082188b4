//! Where the people live inside each unit, when a finer population layer than the
//! communes gives it (`--population-grid`): the cells' parts inside the unit, each with
//! its density, and the unit's inhabitants by age band.

use geo::{Coord, Polygon, Rect};
use serde::{Deserialize, Serialize};

/// The population layer joined to the units, in the order of the units.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Spread {
    /// For each unit, the parts of the cells inside it, or `None` when the layer gives it
    /// no inhabitant: its people are then spread evenly over its area.
    pub cells: Vec<Option<UnitCells>>,
    /// For each unit, its inhabitants aged 65 and over and 80 and over, scaled to its
    /// population; `None` for all when the layer has no age columns, for one unit when
    /// the layer gives it no inhabitant.
    pub ages: Option<Vec<Option<Ages>>>,
}

/// The cells inside one unit: the squares of a grid, in the grid's CRS, the parts of a
/// polygon layer's cells and the points of a point layer, in the unit's zone CRS.
/// Densities are in inhabitants per m², before the unit's population is imposed: only
/// the ratios between cells count.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitCells {
    pub grids: Vec<GridSquares>,
    pub parts: Vec<Polygon<f64>>,
    /// The density of each part's cell.
    pub density: Vec<f64>,
    pub points: Vec<Coord<f64>>,
    /// The inhabitants at each point.
    pub at_points: Vec<f64>,
}

/// The squares of one grid on a unit, drawn in the grid's CRS, where they are squares.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GridSquares {
    /// The EPSG code of the grid's CRS (`3035`).
    pub epsg: u32,
    pub squares: Vec<Square>,
}

/// A grid square on a unit: its south-west corner and side, metres, its cell's density,
/// and its area inside the unit, m² (`size²` unless the unit's border crosses it). The
/// parts of the unit weighed lie inside it: the part of the square in one of them is
/// the square's part in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Square {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub density: f64,
    pub area: f64,
}

impl UnitCells {
    /// The squares of the grid of CRS `epsg`, made when missing.
    pub fn grid(&mut self, epsg: u32) -> &mut Vec<Square> {
        let i = match self.grids.iter().position(|g| g.epsg == epsg) {
            Some(i) => i,
            None => {
                self.grids.push(GridSquares {
                    epsg,
                    squares: Vec::new(),
                });
                self.grids.len() - 1
            }
        };
        &mut self.grids[i].squares
    }
}

impl Square {
    /// The square's box.
    pub fn rect(&self) -> Rect<f64> {
        Rect::new((self.x, self.y), (self.x + self.size, self.y + self.size))
    }
}

/// Inhabitants by age band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Ages {
    /// Aged 65 and over.
    pub aged_65: f64,
    /// Aged 80 and over.
    pub aged_80: f64,
}

impl std::ops::AddAssign for Ages {
    fn add_assign(&mut self, other: Ages) {
        self.aged_65 += other.aged_65;
        self.aged_80 += other.aged_80;
    }
}

impl Ages {
    /// The ages of a share (0 to 1) of the unit.
    pub fn times(self, share: f64) -> Ages {
        Ages {
            aged_65: self.aged_65 * share,
            aged_80: self.aged_80 * share,
        }
    }
}
