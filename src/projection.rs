//! Projected coordinate systems for area computation (SPEC.md, "Computation"):
//! Lambert-93 for metropolitan France and the legal CRS of each overseas département.

use crate::error::{Error, Result};
use geo::{Coord, MapCoords, MultiPolygon, Rect};
use proj::Proj;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// A territory computed in one projected CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Zone {
    /// Metropolitan France and Corsica, Lambert-93 (EPSG:2154).
    Metropole,
    /// Guadeloupe (971) and Martinique (972), RGAF09 / UTM 20N (EPSG:5490).
    Antilles,
    /// Guyane (973), RGFG95 / UTM 22N (EPSG:2972).
    Guyane,
    /// La Réunion (974), RGR92 / UTM 40S (EPSG:2975).
    Reunion,
    /// Mayotte (976), RGM04 / UTM 38S (EPSG:4471).
    Mayotte,
}

impl Zone {
    /// Every zone.
    pub const ALL: [Zone; 5] = [
        Zone::Metropole,
        Zone::Antilles,
        Zone::Guyane,
        Zone::Reunion,
        Zone::Mayotte,
    ];

    /// Position of the zone in [`Zone::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The EPSG code areas are computed in.
    pub fn epsg(self) -> u32 {
        match self {
            Zone::Metropole => 2154,
            Zone::Antilles => 5490,
            Zone::Guyane => 2972,
            Zone::Reunion => 2975,
            Zone::Mayotte => 4471,
        }
    }

    /// The zone of a département code (`971`…`976` overseas, anything else metropolitan).
    pub fn of_departement(departement: &str) -> Zone {
        match departement {
            "971" | "972" => Zone::Antilles,
            "973" => Zone::Guyane,
            "974" => Zone::Reunion,
            "976" => Zone::Mayotte,
            _ => Zone::Metropole,
        }
    }

    /// The zone of a WGS84 shape, from where its bounding box lies.
    pub fn of_lonlat(bbox: Rect<f64>) -> Zone {
        let c = bbox.center();
        let inside = |w: f64, s: f64, e: f64, n: f64| c.x >= w && c.x <= e && c.y >= s && c.y <= n;
        if inside(-64.0, 13.5, -60.0, 19.0) {
            Zone::Antilles
        } else if inside(-55.5, 1.5, -50.5, 6.5) {
            Zone::Guyane
        } else if inside(54.5, -22.0, 56.5, -20.0) {
            Zone::Reunion
        } else if inside(44.5, -13.5, 45.8, -12.0) {
            Zone::Mayotte
        } else {
            Zone::Metropole
        }
    }
}

thread_local! {
    /// PROJ objects cannot be shared between threads: each worker keeps its own.
    static TRANSFORMS: RefCell<HashMap<(Zone, bool), Proj>> = RefCell::new(HashMap::new());
}

fn with_transform<T>(zone: Zone, inverse: bool, f: impl FnOnce(&Proj) -> Result<T>) -> Result<T> {
    TRANSFORMS.with(|cell| {
        let mut map = cell.borrow_mut();
        let proj = match map.entry((zone, inverse)) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let projected = format!("EPSG:{}", zone.epsg());
                let (from, to) = if inverse {
                    (projected.as_str(), "EPSG:4326")
                } else {
                    ("EPSG:4326", projected.as_str())
                };
                let proj = Proj::new_known_crs(from, to, None).map_err(|e| Error::Projection {
                    crs: projected.clone(),
                    message: e.to_string(),
                })?;
                slot.insert(proj)
            }
        };
        f(proj)
    })
}

fn transform(zone: Zone, inverse: bool, shape: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>> {
    with_transform(zone, inverse, |proj| {
        shape.try_map_coords(|c: Coord<f64>| {
            proj.convert((c.x, c.y))
                .map(|(x, y)| Coord { x, y })
                .map_err(|e| Error::Projection {
                    crs: format!("EPSG:{}", zone.epsg()),
                    message: format!("({}, {}): {e}", c.x, c.y),
                })
        })
    })
}

/// WGS84 longitude/latitude to the zone's projected CRS (metres).
pub fn to_projected(zone: Zone, shape: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>> {
    transform(zone, false, shape)
}

/// The zone's projected CRS back to WGS84 longitude/latitude.
pub fn to_wgs84(zone: Zone, shape: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>> {
    transform(zone, true, shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area};

    #[test]
    fn lambert93_origin_point_lands_on_its_false_origin() {
        // Lambert-93: lon 3°E, lat 46.5°N maps to (700 000, 6 600 000) by definition.
        let p: MultiPolygon<f64> =
            polygon![(x: 3.0, y: 46.5), (x: 3.001, y: 46.5), (x: 3.0, y: 46.501)].into();
        let q = to_projected(Zone::Metropole, &p).unwrap();
        let o = q.0[0].exterior().0[0];
        assert!(
            (o.x - 700_000.0).abs() < 1e-3 && (o.y - 6_600_000.0).abs() < 1e-3,
            "{o:?}"
        );
        let back = to_wgs84(Zone::Metropole, &q).unwrap();
        assert!((back.0[0].exterior().0[1].x - 3.001).abs() < 1e-9);
        // A 0.001° × 0.001° triangle near 46.5°N: about 111 m × 76.5 m / 2.
        assert!(
            (q.unsigned_area() - 4_260.0).abs() < 60.0,
            "{}",
            q.unsigned_area()
        );
    }

    #[test]
    fn overseas_zones_come_from_departement_and_location() {
        assert_eq!(Zone::of_departement("974"), Zone::Reunion);
        assert_eq!(Zone::of_departement("2A"), Zone::Metropole);
        let reunion = Rect::new((55.2, -21.3), (55.8, -20.9));
        assert_eq!(Zone::of_lonlat(reunion), Zone::Reunion);
        let paris = Rect::new((2.2, 48.8), (2.4, 48.9));
        assert_eq!(Zone::of_lonlat(paris), Zone::Metropole);
    }
}
