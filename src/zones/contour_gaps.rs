//! Contour gaps: the narrow parts of the uncovered territory left between perimeters
//! drawn on other contours than the communes (IRIS borders over generalised IGN ones).
//! No disc of the gap width fits in one; each counts as covered by the CPTS sharing
//! the longest border with it, as JTS/GEOS CoverageCleaner merges a gap into the
//! neighbour with the longest shared edge.

use crate::model::Status;
use crate::overlay::cover::{Piece, UnitCover};

/// A narrow part of the uncovered territory, given to a CPTS.
#[derive(Debug, Clone)]
pub struct ContourGap {
    /// The CPTS sharing the longest border with it, by index.
    pub cpts: usize,
    pub area_m2: f64,
    pub population: f64,
    /// The diameter of the widest disc it holds, metres.
    pub width_m: f64,
    /// The units it lies on, by index, with its area and its weight (its people as an
    /// area, see [`UnitCover`]) in each, m².
    pub pieces: Vec<(usize, f64, f64)>,
}

/// Counts each gap as covered by its CPTS: in the unit's covered area and people, in
/// the people of the CPTS's status, and in the CPTS's piece of the unit (so in its
/// population).
/// `statuses[k]` is CPTS k's status.
pub fn reconcile(covers: &mut [UnitCover], statuses: &[Status], gaps: &[ContourGap]) {
    for gap in gaps {
        for &(unit, area, weight) in &gap.pieces {
            let cover = &mut covers[unit];
            cover.covered_area = (cover.covered_area + area).min(cover.area);
            cover.covered_weight = (cover.covered_weight + weight).min(cover.area);
            let status = &mut cover.status_weight[statuses[gap.cpts].index()];
            *status = (*status + weight).min(cover.area);
            match cover.pieces.iter_mut().find(|p| p.cpts == gap.cpts) {
                Some(piece) => {
                    piece.area += area;
                    piece.weight += weight;
                }
                None => {
                    cover.pieces.push(Piece {
                        cpts: gap.cpts,
                        area,
                        weight,
                        wide: false,
                    });
                    cover.pieces.sort_by_key(|p| p.cpts);
                }
            }
        }
    }
}
