//! Projected coordinate systems for area computation (SPEC.md, "Computation"):
//! Lambert-93 for metropolitan France and the legal CRS of each overseas département.

use crate::error::{Error, Result};
pub use crate::model::zone::Zone;
use geo::{Coord, CoordsIter, MapCoords, MultiPolygon};
use proj::Proj;
use std::collections::BTreeMap;
use std::mem::ManuallyDrop;
use std::sync::{Mutex, MutexGuard};

/// The zone's projection as PROJ parameters: the one operation PROJ itself chooses
/// from WGS84 to [`Zone::epsg`] (`projinfo -s EPSG:4326 -t EPSG:2154`), every datum
/// shift being null on GRS80. Made from this string, a transformation takes no
/// lookup in `proj.db` and gives the same bits.
fn projection(zone: Zone) -> &'static str {
    match zone {
        Zone::Metropole => {
            "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80"
        }
        Zone::Antilles => "+proj=utm +zone=20 +ellps=GRS80",
        Zone::Guyane => "+proj=utm +zone=22 +ellps=GRS80",
        Zone::Reunion => "+proj=utm +zone=40 +south +ellps=GRS80",
        Zone::Mayotte => "+proj=utm +zone=38 +south +ellps=GRS80",
    }
}

/// The zone's CRS as PROJ names it: `EPSG:2154`.
fn crs(zone: Zone) -> String {
    format!("EPSG:{}", zone.epsg())
}

/// The PROJ pipeline from WGS84 longitude/latitude to the zone's CRS, or back.
fn pipeline(zone: Zone, to_wgs84: bool) -> String {
    match to_wgs84 {
        false => format!(
            "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {}",
            projection(zone)
        ),
        true => format!(
            "+proj=pipeline +step +inv {} +step +proj=unitconvert +xy_in=rad +xy_out=deg",
            projection(zone)
        ),
    }
}

/// PROJ transformations, by source and target CRS, made once and kept for the life of
/// the process: a thread borrows one, uses it alone, and gives it back. They are never
/// destroyed: a destructor running as a thread pool winds down (rayon does not wait
/// for its threads) while the process exits crashed libproj, whose own static objects
/// were being torn down; a `static` is never dropped.
static TRANSFORMS: Mutex<BTreeMap<(String, String), Vec<Lent>>> = Mutex::new(BTreeMap::new());

/// A transformation lent to one thread at a time.
struct Lent(Proj);

/// A borrowed transformation, put back into the pool when dropped.
struct GiveBack {
    key: (String, String),
    lent: ManuallyDrop<Lent>,
}

impl Drop for GiveBack {
    fn drop(&mut self) {
        // SAFETY: `lent` is taken once, here, and never used again.
        let lent = unsafe { ManuallyDrop::take(&mut self.lent) };
        locked(&TRANSFORMS)
            .entry(std::mem::take(&mut self.key))
            .or_default()
            .push(lent);
    }
}

// SAFETY: every `Proj` of proj 0.27 made by `new_known_crs` owns its own PROJ context;
// PROJ lets a context and its objects move between threads as long as no two threads
// use them at once, which the pool guarantees: a `Lent` is either in the pool or held
// by the one thread that took it out.
unsafe impl Send for Lent {}

/// PROJ contexts are made and destroyed one at a time: PROJ 9.1 shares one SQLite
/// handle on proj.db between the contexts of all threads. Coordinates are still
/// transformed in parallel, each thread with the objects it borrowed.
static LIFECYCLE: Mutex<()> = Mutex::new(());

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// WGS84 longitude/latitude, the CRS of RFC 7946 GeoJSON and of every output.
pub const WGS84: &str = "EPSG:4326";

fn with_transform<T>(from: &str, to: &str, f: impl FnOnce(&Proj) -> Result<T>) -> Result<T> {
    let key = (from.to_string(), to.to_string());
    let spare = locked(&TRANSFORMS).get_mut(&key).and_then(Vec::pop);
    let lent = match spare {
        Some(lent) => lent,
        None => Lent(new_transform(from, to)?),
    };
    // Given back even if `f` panics: dropping it would destroy PROJ objects while other
    // threads use theirs.
    let borrowed = GiveBack {
        key,
        lent: ManuallyDrop::new(lent),
    };
    f(&borrowed.lent.0)
}

/// A transformation from `from` to `to`, or why PROJ cannot make one.
fn new_transform(from: &str, to: &str) -> Result<Proj> {
    if let Some(pipeline) = zone_pipeline(from, to) {
        let made = {
            let _made_alone = locked(&LIFECYCLE);
            Proj::new(&pipeline)
        };
        return made.map_err(|e| Error::Projection {
            what: "PROJ".into(),
            crs: short(&pipeline),
            message: e.to_string(),
            fix: "check that PROJ is installed".into(),
        });
    }
    let crs = || short(if from == WGS84 { to } else { from });
    if !transformable(from, to) {
        return Err(Error::Projection {
            what: "PROJ".into(),
            crs: crs(),
            message: format!(
                "PROJ finds no transformation from {} to {}",
                short(from),
                short(to)
            ),
            fix: "give an EPSG code or the WKT of a .prj".into(),
        });
    }
    // `new_known_crs` normalises both ends to easting/northing or lon/lat order.
    let made = {
        let _made_alone = locked(&LIFECYCLE);
        Proj::new_known_crs(from, to, None)
    };
    made.map_err(|e| Error::Projection {
        what: "PROJ".into(),
        crs: crs(),
        message: e.to_string(),
        fix: "check the CRS (an EPSG code or the WKT of a .prj), and that PROJ and its \
              proj.db are installed (PROJ_DATA may point at them)"
            .into(),
    })
}

/// The pipeline between WGS84 and a zone's CRS, or between those and the metropolitan
/// grid's CRS, when `from` and `to` are two of them.
fn zone_pipeline(from: &str, to: &str) -> Option<String> {
    Zone::ALL
        .into_iter()
        .find_map(|zone| {
            let crs = crs(zone);
            match (from, to) {
                (WGS84, t) if t == crs => Some(pipeline(zone, false)),
                (f, WGS84) if f == crs => Some(pipeline(zone, true)),
                _ => None,
            }
        })
        .or_else(|| grid_pipeline(from, to))
}

/// EPSG:3035 (ETRS89-extended / LAEA Europe), the CRS of INSEE's metropolitan grid, and
/// its projection as PROJ parameters: with Lambert-93, on GRS80 too, PROJ's own choice
/// of operation is the two projections and no datum shift.
const LAEA_EUROPE: (&str, &str) = (
    "EPSG:3035",
    "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80",
);

/// The pipeline between EPSG:3035 and WGS84 or Lambert-93, when `from` and `to` are
/// those.
fn grid_pipeline(from: &str, to: &str) -> Option<String> {
    let (grid, laea) = LAEA_EUROPE;
    let (lambert, lcc) = (crs(Zone::Metropole), projection(Zone::Metropole));
    let steps = match (from, to) {
        (f, t) if f == lambert && t == grid => format!("+inv {lcc} +step {laea}"),
        (f, t) if f == grid && t == lambert => format!("+inv {laea} +step {lcc}"),
        (WGS84, t) if t == grid => format!("+proj=unitconvert +xy_in=deg +xy_out=rad +step {laea}"),
        (f, WGS84) if f == grid => {
            format!("+inv {laea} +step +proj=unitconvert +xy_in=rad +xy_out=deg")
        }
        _ => return None,
    };
    Some(format!("+proj=pipeline +step {steps}"))
}

/// Whether PROJ reads a coordinate reference system in `definition`.
pub fn is_crs(definition: &str) -> bool {
    with_object(definition, None, |object| {
        // SAFETY: `object` is a live PROJ object (see `with_object`).
        unsafe { proj_sys::proj_is_crs(object) != 0 }
    })
}

/// Whether PROJ can transform coordinates from `from` to `to`. Checked before
/// `Proj::new_known_crs`, which leaks its PROJ context when creation fails (proj 0.27).
fn transformable(from: &str, to: &str) -> bool {
    with_object(from, Some(to), |_| true)
}

/// Creates, in a context of its own, the CRS `a` (or the transformation from `a` to
/// `b`), gives it to `check` if PROJ made it, and destroys everything; false when PROJ
/// made nothing.
fn with_object(a: &str, b: Option<&str>, check: impl FnOnce(*mut proj_sys::PJ) -> bool) -> bool {
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a),
        std::ffi::CString::new(b.unwrap_or_default()),
    ) else {
        return false;
    };
    let pair = !b.as_bytes().is_empty();
    // SAFETY: the context and the object are created and destroyed here, once each;
    // `a` and `b` are valid NUL-terminated strings that outlive the calls.
    let _made_alone = locked(&LIFECYCLE);
    unsafe {
        let ctx = proj_sys::proj_context_create();
        proj_sys::proj_log_level(ctx, proj_sys::PJ_LOG_LEVEL_PJ_LOG_NONE);
        let object = match pair {
            true => {
                proj_sys::proj_create_crs_to_crs(ctx, a.as_ptr(), b.as_ptr(), std::ptr::null_mut())
            }
            false => proj_sys::proj_create(ctx, a.as_ptr()),
        };
        let made = !object.is_null() && check(object);
        if !object.is_null() {
            proj_sys::proj_destroy(object);
        }
        proj_sys::proj_context_destroy(ctx);
        made
    }
}

/// A CRS definition short enough for a message (a WKT is cut).
fn short(crs: &str) -> String {
    crs.chars().take(80).collect()
}

/// A shape (polygons or points) from one CRS to another (as it is when they are the
/// same), its coordinates converted in one call.
fn transform<G: MapCoords<f64, f64, Output = G> + CoordsIter<Scalar = f64>>(
    from: &str,
    to: &str,
    shape: &G,
) -> Result<G> {
    let failed = |c: Coord<f64>, e: String| Error::Projection {
        what: "a shape".into(),
        crs: short(if from == WGS84 { to } else { from }),
        message: format!("({}, {}): {e}", c.x, c.y),
        fix: "check the coordinates of the shape".into(),
    };
    if from == to {
        return Ok(shape.map_coords(|c| c));
    }
    let mut points: Vec<(f64, f64)> = shape.coords_iter().map(|c| (c.x, c.y)).collect();
    with_transform(from, to, |proj| match proj.convert_array(&mut points) {
        Ok(_) => Ok(()),
        // Converted again one by one, to name the coordinate PROJ refuses.
        Err(e) => Err(shape
            .coords_iter()
            .find_map(|c| {
                proj.convert((c.x, c.y))
                    .err()
                    .map(|e| failed(c, e.to_string()))
            })
            .unwrap_or_else(|| failed(Coord { x: 0.0, y: 0.0 }, e.to_string()))),
    })?;
    // The shape visited again in the same order, each coordinate given its conversion.
    let next = std::cell::Cell::new(0);
    shape.try_map_coords(|c: Coord<f64>| {
        let k = next.get();
        next.set(k + 1);
        points
            .get(k)
            .map(|&(x, y)| Coord { x, y })
            .ok_or_else(|| failed(c, "a coordinate left unconverted".into()))
    })
}

/// WGS84 longitude/latitude to the zone's projected CRS (metres). An error speaks of
/// "a shape": name it with [`Error::about`].
pub fn to_projected<G: MapCoords<f64, f64, Output = G> + CoordsIter<Scalar = f64>>(
    zone: Zone,
    shape: &G,
) -> Result<G> {
    transform(WGS84, &crs(zone), shape)
}

/// The zone's projected CRS back to WGS84 longitude/latitude.
pub fn to_wgs84(zone: Zone, shape: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>> {
    transform(&crs(zone), WGS84, shape)
}

/// Any CRS PROJ knows (`EPSG:2154`, or the WKT of a `.prj`), easting/northing or
/// longitude/latitude order, to WGS84 longitude/latitude.
pub fn crs_to_wgs84<G: MapCoords<f64, f64, Output = G> + CoordsIter<Scalar = f64>>(
    crs: &str,
    shape: &G,
) -> Result<G> {
    transform(crs, WGS84, shape)
}

/// WGS84 longitude/latitude to any CRS PROJ knows (`EPSG:3035`).
pub fn from_wgs84<G: MapCoords<f64, f64, Output = G> + CoordsIter<Scalar = f64>>(
    crs: &str,
    shape: &G,
) -> Result<G> {
    transform(WGS84, crs, shape)
}

/// A shape of `zone`'s projected CRS to any CRS PROJ knows (`EPSG:3035`).
pub fn from_projected<G: MapCoords<f64, f64, Output = G> + CoordsIter<Scalar = f64>>(
    zone: Zone,
    to: &str,
    shape: &G,
) -> Result<G> {
    transform(&crs(zone), to, shape)
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
    fn zone_pipelines_give_the_bits_of_the_epsg_transformations() {
        // PROJ objects made and destroyed here, apart from other tests' (see LIFECYCLE).
        let _alone = locked(&LIFECYCLE);
        for zone in Zone::ALL {
            let [w, s, e, n] = zone.envelope();
            let from_db = |from: &str, to: &str| Proj::new_known_crs(from, to, None).unwrap();
            let (forward, back) = (from_db(WGS84, &crs(zone)), from_db(&crs(zone), WGS84));
            let pipeline = |to_wgs84| Proj::new(&pipeline(zone, to_wgs84)).unwrap();
            let (fast_forward, fast_back) = (pipeline(false), pipeline(true));
            for i in 0..=40 {
                for j in 0..=40 {
                    let lonlat = (
                        w + (e - w) * f64::from(i) / 40.0,
                        s + (n - s) * f64::from(j) / 40.0,
                    );
                    let metres = forward.convert(lonlat).unwrap();
                    assert_eq!(fast_forward.convert(lonlat).unwrap(), metres, "{zone:?}");
                    assert_eq!(
                        fast_back.convert(metres).unwrap(),
                        back.convert(metres).unwrap(),
                        "{zone:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_grid_pipelines_give_the_bits_of_the_epsg_transformations() {
        let _alone = locked(&LIFECYCLE);
        let (grid, _) = LAEA_EUROPE;
        let lambert = crs(Zone::Metropole);
        let pairs = [
            (WGS84, grid),
            (grid, WGS84),
            (grid, lambert.as_str()),
            (lambert.as_str(), grid),
        ];
        let made: Vec<(Proj, Proj)> = pairs
            .iter()
            .map(|&(from, to)| {
                (
                    Proj::new_known_crs(from, to, None).unwrap(),
                    Proj::new(&grid_pipeline(from, to).unwrap()).unwrap(),
                )
            })
            .collect();
        let to_lambert = Proj::new_known_crs(WGS84, &lambert, None).unwrap();
        let [w, s, e, n] = Zone::Metropole.envelope();
        for i in 0..=40 {
            for j in 0..=40 {
                let lonlat = (
                    w + (e - w) * f64::from(i) / 40.0,
                    s + (n - s) * f64::from(j) / 40.0,
                );
                let on_grid = made[0].0.convert(lonlat).unwrap();
                let from = [
                    lonlat,
                    on_grid,
                    on_grid,
                    to_lambert.convert(lonlat).unwrap(),
                ];
                for ((db, fast), (p, pair)) in made.iter().zip(from.iter().zip(&pairs)) {
                    let want = db.convert(*p).unwrap();
                    assert_eq!(fast.convert(*p).unwrap(), want, "{pair:?}");
                }
            }
        }
    }
}
