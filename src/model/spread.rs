//! Where the people live inside each unit, when a finer population layer than the
//! communes gives it (`--population-grid`): the cells' parts inside the unit, each with
//! its density, and the unit's inhabitants by age band.

use geo::{Coord, Polygon};
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

/// The parts of the cells inside one unit, and the points of a point layer in it, in
/// its zone's projected CRS.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitCells {
    pub parts: Vec<Polygon<f64>>,
    /// The density of each part's cell, inhabitants per m² (before the unit's
    /// population is imposed: only the ratios between parts and points count).
    pub density: Vec<f64>,
    pub points: Vec<Coord<f64>>,
    /// The inhabitants at each point (before the unit's population is imposed).
    pub at_points: Vec<f64>,
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
