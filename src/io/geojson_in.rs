//! Reading GeoJSON feature collections of polygons, with errors that name the feature.

use crate::error::{Error, Result};
use geo::{BoundingRect, Coord, LineString, MultiPolygon, Orient, Polygon};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::Path;

/// One feature as read: its position in the file, its properties and its geometry.
#[derive(Debug, Deserialize)]
pub struct RawFeature {
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    #[serde(default)]
    pub geometry: Option<geojson::Geometry>,
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    features: Vec<RawFeature>,
}

/// Reads a GeoJSON `FeatureCollection`; fails on anything else, or on an empty one.
pub fn read_features(path: &Path) -> Result<Vec<RawFeature>> {
    let text = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let collection: RawCollection = serde_json::from_slice(&text).map_err(|e| {
        let problem = if e.is_eof() {
            format!("the JSON ends too early ({e}): the file looks truncated")
        } else {
            format!("this is not valid GeoJSON: {e}")
        };
        Error::input(
            path,
            format!("line {}, column {}", e.line(), e.column()),
            problem,
            "give a GeoJSON FeatureCollection (export it again from QGIS or ogr2ogr)",
        )
    })?;
    if collection.kind != "FeatureCollection" {
        return Err(Error::input(
            path,
            "the whole file",
            format!(
                "a GeoJSON FeatureCollection was expected, found type {:?}",
                collection.kind
            ),
            "give a FeatureCollection of Polygon or MultiPolygon features",
        ));
    }
    if collection.features.is_empty() {
        return Err(Error::input(
            path,
            "the whole file",
            "the layer has no feature",
            "check that the right file was given and that the export kept its features",
        ));
    }
    Ok(collection.features)
}

/// Reads a property as text: strings as they are, numbers written out.
pub fn text_property(feature: &RawFeature, field: &str) -> Option<String> {
    match feature.properties.as_ref()?.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether the feature has the property at all (null counts as absent).
pub fn has_property(feature: &RawFeature, field: &str) -> bool {
    feature
        .properties
        .as_ref()
        .and_then(|p| p.get(field))
        .is_some_and(|v| !v.is_null())
}

/// The names of the feature's properties, for error messages.
pub fn property_names(feature: &RawFeature) -> String {
    feature
        .properties
        .as_ref()
        .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// The feature's geometry as a WGS84 multipolygon, exterior rings counter-clockwise.
///
/// Null, empty and non-polygonal geometries, non-finite coordinates and coordinates
/// outside longitude/latitude ranges (a projected file read as WGS84) are errors.
pub fn polygons(path: &Path, place: &str, feature: &RawFeature) -> Result<MultiPolygon<f64>> {
    let fail = |problem: String, fix: &str| Error::input(path, place, problem, fix);
    let geometry = feature.geometry.as_ref().ok_or_else(|| {
        fail(
            "the geometry is null".into(),
            "draw the feature's polygon or remove the feature",
        )
    })?;
    let rings_of = |rings: &Vec<Vec<Vec<f64>>>| -> Result<Polygon<f64>> {
        let mut lines = Vec::with_capacity(rings.len());
        for ring in rings {
            let mut coords = Vec::with_capacity(ring.len());
            for position in ring {
                let (x, y) = match position.as_slice() {
                    [x, y, ..] => (*x, *y),
                    _ => {
                        return Err(fail(
                            "a position has fewer than 2 numbers".into(),
                            "fix the coordinates",
                        ))
                    }
                };
                if !x.is_finite() || !y.is_finite() {
                    return Err(fail(
                        "a coordinate is not a finite number".into(),
                        "fix the coordinates",
                    ));
                }
                coords.push(Coord { x, y });
            }
            lines.push(LineString::new(coords));
        }
        let mut lines = lines.into_iter();
        let exterior = lines.next().unwrap_or_else(|| LineString::new(vec![]));
        Ok(Polygon::new(exterior, lines.collect()))
    };
    let shape = match &geometry.value {
        geojson::Value::Polygon(rings) => MultiPolygon::new(vec![rings_of(rings)?]),
        geojson::Value::MultiPolygon(polys) => {
            MultiPolygon::new(polys.iter().map(rings_of).collect::<Result<_>>()?)
        }
        other => {
            return Err(fail(
                format!(
                    "the geometry is a {}, a Polygon or MultiPolygon was expected",
                    other.type_name()
                ),
                "give polygons (communes and perimeters are areas)",
            ))
        }
    };
    let shape = MultiPolygon::new(
        shape
            .0
            .into_iter()
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    );
    let Some(bbox) = shape.bounding_rect() else {
        return Err(fail(
            "the geometry is empty".into(),
            "draw the feature's polygon or remove the feature",
        ));
    };
    if bbox.min().x < -180.0 || bbox.max().x > 180.0 || bbox.min().y < -90.0 || bbox.max().y > 90.0
    {
        return Err(fail(
            format!(
                "coordinates ({:.0}, {:.0}) are not longitudes/latitudes: the file looks projected \
                 (Lambert-93 metres?) but GeoJSON is read as WGS84",
                bbox.min().x,
                bbox.min().y
            ),
            "reproject the file to WGS84 (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)",
        ));
    }
    Ok(shape.orient(geo::orient::Direction::Default))
}
