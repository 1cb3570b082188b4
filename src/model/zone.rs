//! The zones of France, each computed in one projected CRS (SPEC.md, "Computation"):
//! Lambert-93 for metropolitan France and the legal CRS of each overseas département.

use geo::Rect;

/// A territory computed in one projected CRS.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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

    /// The zone a département code implies: `971`…`976` overseas, two-character codes
    /// metropolitan; `None` for the other overseas collectivities (975, 977, 978…),
    /// which go by location.
    pub fn of_departement(departement: &str) -> Option<Zone> {
        match departement {
            "971" | "972" => Some(Zone::Antilles),
            "973" => Some(Zone::Guyane),
            "974" => Some(Zone::Reunion),
            "976" => Some(Zone::Mayotte),
            d if d.len() <= 2 => Some(Zone::Metropole),
            _ => None,
        }
    }

    /// Longitudes and latitudes (west, south, east, north) the zone's shapes lie within.
    pub fn envelope(self) -> [f64; 4] {
        match self {
            Zone::Metropole => [-6.5, 41.0, 10.5, 51.6],
            Zone::Antilles => [-63.5, 14.0, -60.5, 18.5],
            Zone::Guyane => [-55.0, 1.5, -51.0, 6.5],
            Zone::Reunion => [54.9, -21.6, 56.1, -20.6],
            Zone::Mayotte => [44.8, -13.2, 45.5, -12.4],
        }
    }

    /// The zone whose envelope holds the whole WGS84 box, if any.
    pub fn of_lonlat(bbox: Rect<f64>) -> Option<Zone> {
        let (lo, hi) = (bbox.min(), bbox.max());
        Zone::ALL.into_iter().find(|z| {
            let [w, s, e, n] = z.envelope();
            lo.x >= w && hi.x <= e && lo.y >= s && hi.y <= n
        })
    }

    /// Locates a shape, checking it against its département when one is known: fails
    /// with the problem in words (outside every zone: a stray vertex or another CRS;
    /// or away from its département).
    pub fn locate(bbox: Rect<f64>, departement: Option<&str>) -> Result<Zone, String> {
        let zone = Zone::of_lonlat(bbox).ok_or_else(|| {
            format!(
                "the shape spans ({:.3}, {:.3})–({:.3}, {:.3}), outside metropolitan France and the \
                 overseas départements: a stray vertex, or coordinates of another CRS",
                bbox.min().x,
                bbox.min().y,
                bbox.max().x,
                bbox.max().y
            )
        })?;
        match departement.and_then(Zone::of_departement) {
            Some(expected) if expected != zone => Err(format!(
                "the shape lies in {zone:?} but its département {} belongs to {expected:?}",
                departement.unwrap_or_default()
            )),
            _ => Ok(zone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overseas_zones_come_from_location_checked_against_the_departement() {
        let reunion = Rect::new((55.2, -21.3), (55.8, -20.9));
        let paris = Rect::new((2.2, 48.8), (2.4, 48.9));
        assert_eq!(Zone::locate(reunion, Some("974")), Ok(Zone::Reunion));
        assert_eq!(Zone::locate(paris, Some("2A")), Ok(Zone::Metropole));
        assert_eq!(Zone::locate(paris, None), Ok(Zone::Metropole));
        // Saint-Martin (978) is not in SPEC.md's list: it goes by location.
        let saint_martin = Rect::new((-63.15, 18.0), (-62.95, 18.13));
        assert_eq!(Zone::locate(saint_martin, Some("978")), Ok(Zone::Antilles));
        assert!(Zone::locate(reunion, Some("22"))
            .unwrap_err()
            .contains("département 22"));
        let stray = Rect::new((2.2, -89.99), (2.4, 48.9));
        assert!(Zone::locate(stray, None)
            .unwrap_err()
            .contains("stray vertex"));
    }
}
