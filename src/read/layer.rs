//! A polygon (or point) layer in any format `--communes` reads (GeoJSON, Shapefile, FlatGeobuf,
//! GeoPackage): the format told by the file's name, the features' shapes checked and
//! brought to WGS84, and the zone each lies in.

use crate::error::{Error, Result};
use crate::geometry::projection::{crs_to_wgs84, Zone, WGS84};
use crate::read::feature::{empty_layer, DeclaredCrs, Decoded, LayerCrs, RawFeature};
use crate::read::fgb::read_fgb;
use crate::read::geojson;
use crate::read::gpkg::{read_gpkg, split_layer};
use crate::read::shapefile::read_shapefile;
use geo::{BoundingRect, Coord, CoordsIter, MultiPoint, MultiPolygon, Orient, Rect};
use std::path::Path;

/// Reads a polygon layer and hands its features and CRS to `use_features`: a Shapefile
/// (`.shp`), a FlatGeobuf (`.fgb`), a GeoPackage layer (`.gpkg`, or `FILE.gpkg:LAYER`), else a GeoJSON
/// `FeatureCollection`. A file declaring no CRS is read in `declared` (an option) when
/// given. Fails on anything else, or on an empty layer.
pub fn with_features<T>(
    path: &Path,
    declared: DeclaredCrs,
    use_features: impl FnOnce(&[RawFeature], &LayerCrs) -> Result<T>,
) -> Result<T> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let decoded = if ext == "shp" {
        Some(read_shapefile(path, declared)?)
    } else if ext == "fgb" {
        Some(read_fgb(path, declared)?)
    } else if ext == "gpkg" {
        Some(read_gpkg(path, None)?)
    } else if let Some((file, layer)) = split_layer(path) {
        Some(read_gpkg(&file, Some(&layer))?)
    } else {
        None
    };
    if let Some((features, mut crs)) = decoded {
        crs.option = declared.option;
        let crs = crs.checked(path)?;
        if features.is_empty() {
            return Err(empty_layer(path));
        }
        return use_features(&features, &crs);
    }
    geojson::with_collection(path, declared, use_features)
}

/// A feature's geometry, WGS84: an area, or points (a population layer may give them).
pub enum Shape {
    Areas(MultiPolygon<f64>),
    Points(MultiPoint<f64>),
}

/// The feature's geometry as a WGS84 multipolygon, exterior rings counter-clockwise,
/// reprojected from the layer's declared CRS if it has one.
///
/// Null, empty and non-polygonal geometries, non-finite coordinates and coordinates
/// outside longitude/latitude ranges (a projected file read as WGS84) are errors.
pub fn polygons(
    path: &Path,
    place: &str,
    feature: &RawFeature,
    crs: &LayerCrs,
) -> Result<MultiPolygon<f64>> {
    match shape(path, place, feature, crs, false)? {
        Shape::Areas(shape) => Ok(shape),
        Shape::Points(points) => Err(Error::input(
            path,
            place,
            format!(
                "the geometry is a {}, a Polygon or MultiPolygon was expected",
                match points.0.len() {
                    1 => "Point",
                    _ => "MultiPoint",
                }
            ),
            "give polygons (communes and perimeters are areas)",
        )),
    }
}

/// The feature's geometry, polygons or points, checked and brought to WGS84 as
/// [`polygons`] does; lines and collections are errors, which speak of points too when
/// the layer may hold them (`points`).
pub fn shape(
    path: &Path,
    place: &str,
    feature: &RawFeature,
    crs: &LayerCrs,
    points: bool,
) -> Result<Shape> {
    let fail = |problem: String, fix: &str| Error::input(path, place, problem, fix);
    let null = || {
        fail(
            "the geometry is null".into(),
            "draw the feature's polygon or remove the feature",
        )
    };
    let not_an_area = |kind: &str| {
        match points {
        true => fail(
            format!("the geometry is a {kind}, a Polygon, MultiPolygon, Point or MultiPoint was expected"),
            "give the population on polygons (cells, IRIS) or points (buildings, addresses)",
        ),
        false => fail(
            format!("the geometry is a {kind}, a Polygon or MultiPolygon was expected"),
            "give polygons (communes and perimeters are areas)",
        ),
    }
    };
    let decoded = match &feature.decoded {
        Some(decoded) => decoded.clone(),
        None => {
            let raw = feature
                .geometry
                .filter(|g| g.get() != "null")
                .ok_or_else(null)?;
            geojson::decode(raw.get())
                .map_err(|e| fail(format!("malformed geometry: {e}"), "fix the coordinates"))?
        }
    };
    let shape = match decoded {
        Decoded::Polygons(shape) => Shape::Areas(MultiPolygon::new(
            shape
                .0
                .into_iter()
                .filter(|p| p.exterior().0.len() >= 4)
                .collect(),
        )),
        Decoded::Points(points) => Shape::Points(points),
        Decoded::Null => return Err(null()),
        Decoded::Other(kind) => return Err(not_an_area(&kind)),
    };
    let (empty, finite) = match &shape {
        Shape::Areas(s) => (s.0.is_empty(), s.coords_iter().all(finite)),
        Shape::Points(s) => (s.0.is_empty(), s.coords_iter().all(finite)),
    };
    // A NaN escapes a bounding box (min and max skip it): every coordinate is checked.
    if !finite {
        return Err(fail(
            "a coordinate is not a finite number".into(),
            "fix the coordinates",
        ));
    }
    if empty {
        return Err(fail(
            "the geometry is empty".into(),
            "draw the feature's polygon or remove the feature",
        ));
    }
    let wgs84 = |e: Error| e.about(|| place.to_string());
    let shape = match (crs.definition.as_str(), shape) {
        (WGS84, shape) => shape,
        (other, Shape::Areas(s)) => Shape::Areas(crs_to_wgs84(other, &s).map_err(wgs84)?),
        (other, Shape::Points(s)) => Shape::Points(crs_to_wgs84(other, &s).map_err(wgs84)?),
    };
    let bbox = match &shape {
        Shape::Areas(s) => s.bounding_rect(),
        Shape::Points(s) => s.bounding_rect(),
    };
    in_range(path, place, bbox.expect("checked non-empty"), crs.option)?;
    Ok(match shape {
        Shape::Areas(s) => Shape::Areas(s.orient(geo::orient::Direction::Default)),
        points => points,
    })
}

fn finite(c: Coord<f64>) -> bool {
    c.x.is_finite() && c.y.is_finite()
}

/// Checks that a shape's box holds longitudes and latitudes.
fn in_range(path: &Path, place: &str, bbox: Rect<f64>, option: &str) -> Result<()> {
    if !(bbox.min().x.is_finite()
        && bbox.max().y.is_finite()
        && bbox.max().x.is_finite()
        && bbox.min().y.is_finite())
    {
        return Err(Error::input(
            path,
            place,
            "a coordinate could not be reprojected",
            "fix the coordinates",
        ));
    }
    if bbox.min().x < -180.0 || bbox.max().x > 180.0 || bbox.min().y < -90.0 || bbox.max().y > 90.0
    {
        return Err(Error::input(
            path,
            place,
            format!(
                "coordinates ({:.0}, {:.0}) are not longitudes/latitudes: the file looks projected \
                 (Lambert-93 metres?) but GeoJSON is read as WGS84",
                bbox.min().x,
                bbox.min().y
            ),
            format!("declare its CRS ({option} EPSG:2154), or reproject the file to WGS84 (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)"),
        ));
    }
    Ok(())
}

/// The zone a feature's shape lies in, checked against its département.
pub fn located(
    path: &Path,
    place: &str,
    shape: &MultiPolygon<f64>,
    departement: Option<&str>,
) -> Result<Zone> {
    let bbox = shape
        .bounding_rect()
        .expect("shapes read by `polygons` are not empty");
    Zone::locate(bbox, departement).map_err(|problem| {
        Error::input(
            path,
            place,
            problem,
            "remove the stray vertex, reproject the file to WGS84, or correct the département code",
        )
    })
}
