//! A polygon layer in any format `--communes` reads (GeoJSON, Shapefile, FlatGeobuf,
//! GeoPackage): the format told by the file's name, the features' shapes checked and
//! brought to WGS84, and the zone each lies in.

use crate::error::{Error, Result};
use crate::geometry::projection::{crs_to_wgs84, Zone, WGS84};
use crate::read::feature::{empty_layer, DeclaredCrs, Decoded, LayerCrs, RawFeature};
use crate::read::fgb::read_fgb;
use crate::read::geojson;
use crate::read::gpkg::{read_gpkg, split_layer};
use crate::read::shapefile::read_shapefile;
use geo::{BoundingRect, CoordsIter, MultiPolygon, Orient};
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
    let fail = |problem: String, fix: &str| Error::input(path, place, problem, fix);
    let null = || {
        fail(
            "the geometry is null".into(),
            "draw the feature's polygon or remove the feature",
        )
    };
    let not_an_area = |kind: &str| {
        fail(
            format!("the geometry is a {kind}, a Polygon or MultiPolygon was expected"),
            "give polygons (communes and perimeters are areas)",
        )
    };
    let shape = match &feature.decoded {
        Some(Decoded::Polygons(shape)) => shape.clone(),
        Some(Decoded::Null) => return Err(null()),
        Some(Decoded::Other(kind)) => return Err(not_an_area(kind)),
        None => {
            let raw = feature
                .geometry
                .filter(|g| g.get() != "null")
                .ok_or_else(null)?;
            let malformed = |e: serde_json::Error| {
                fail(format!("malformed geometry: {e}"), "fix the coordinates")
            };
            match geojson::polygons_of(raw.get()).map_err(malformed)? {
                Ok(shape) => shape,
                Err(other) => return Err(not_an_area(&other)),
            }
        }
    };
    let shape = MultiPolygon::new(
        shape
            .0
            .into_iter()
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    );
    // A NaN escapes a bounding box (min and max skip it): every coordinate is checked.
    if shape
        .coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(fail(
            "a coordinate is not a finite number".into(),
            "fix the coordinates",
        ));
    }
    if shape.0.is_empty() {
        return Err(fail(
            "the geometry is empty".into(),
            "draw the feature's polygon or remove the feature",
        ));
    }
    let shape = match crs.definition.as_str() {
        WGS84 => shape,
        other => crs_to_wgs84(other, &shape).map_err(|e| e.about(|| place.to_string()))?,
    };
    polygons_in_range(path, place, shape, crs.option)
}

/// Checks that a shape holds longitudes and latitudes, and orients its rings.
fn polygons_in_range(
    path: &Path,
    place: &str,
    shape: MultiPolygon<f64>,
    option: &str,
) -> Result<MultiPolygon<f64>> {
    let bbox = shape.bounding_rect().expect("checked non-empty");
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
    Ok(shape.orient(geo::orient::Direction::Default))
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
