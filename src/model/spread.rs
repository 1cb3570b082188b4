//! Where the people live inside each unit, when a finer population layer than the
//! communes gives it (`--population-grid`): the cells' parts inside the unit, each with
//! its density, and the unit's inhabitants by age band.

use geo::{Coord, LineString, Polygon};
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

/// The cells inside one unit, by the CRS they are drawn in, and the points of a point
/// layer in it, in its zone's projected CRS.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitCells {
    pub groups: Vec<CellGroup>,
    pub points: Vec<Coord<f64>>,
    /// The inhabitants at each point (before the unit's population is imposed).
    pub at_points: Vec<f64>,
}

/// The cells of one CRS inside a unit: the squares of a grid lying wholly inside it,
/// kept as squares, and the parts of the other cells inside it. Densities are in
/// inhabitants per m², before the unit's population is imposed: only the ratios
/// between cells count.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CellGroup {
    /// The EPSG code of the grid CRS the squares and parts are drawn in (an INSPIRE
    /// grid's, where a square stays a square); `None`: the unit's zone CRS.
    pub epsg: Option<u32>,
    pub squares: Vec<Square>,
    pub parts: Vec<Polygon<f64>>,
    /// The density of each part's cell.
    pub density: Vec<f64>,
}

/// A grid square: its south-west corner and side, metres, and its cell's density.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Square {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub density: f64,
}

impl UnitCells {
    /// The group of cells drawn in `epsg`, made when missing.
    pub fn group(&mut self, epsg: Option<u32>) -> &mut CellGroup {
        let i = match self.groups.iter().position(|g| g.epsg == epsg) {
            Some(i) => i,
            None => {
                self.groups.push(CellGroup {
                    epsg,
                    ..CellGroup::default()
                });
                self.groups.len() - 1
            }
        };
        &mut self.groups[i]
    }
}

impl Square {
    /// The square as a polygon, counter-clockwise from its south-west corner.
    pub fn polygon(&self) -> Polygon<f64> {
        let (x, y, s) = (self.x, self.y, self.size);
        Polygon::new(
            LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]),
            vec![],
        )
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
