//! Reading GeoJSON feature collections of polygons, with errors that name the feature.

use crate::error::{Error, Result};
use crate::read::collection_scan::{self, Parts};
use crate::read::feature::{DeclaredCrs, Decoded, LayerCrs, RawFeature};
use geo::{Coord, LineString, MultiPoint, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::de::{Error as _, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::path::Path;

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, borrow)]
    features: Vec<RawFeature<'a>>,
    /// The legacy (2008 GeoJSON) CRS member, absent from RFC 7946 files.
    #[serde(default)]
    crs: Option<Value>,
}

/// Reads a GeoJSON `FeatureCollection` (its features found by a byte scan and parsed in
/// parallel; a malformed file parsed whole, for the line and column of the message) and
/// hands its features and CRS to `use_features`.
pub(super) fn with_collection<T>(
    path: &Path,
    declared: DeclaredCrs,
    use_features: impl FnOnce(&[RawFeature], &LayerCrs) -> Result<T>,
) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // A UTF-8 byte order mark, as some Windows editors write one, is no part of the JSON.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let parallel = collection_scan::split(text).and_then(|parts| parsed(text, &parts));
    let collection = match parallel {
        Some(collection) => collection,
        None => parsed_whole(path, text)?,
    };
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
        return Err(super::feature::empty_layer(path));
    }
    let crs = LayerCrs::of_member(path, collection.crs.as_ref(), declared)?.checked(path)?;
    use_features(&collection.features, &crs)
}

/// The collection parsed from the [`Parts`] `split` found, its features in parallel;
/// `None` when a part does not parse (the whole text is then parsed again, for the
/// message).
fn parsed<'a>(text: &'a [u8], parts: &Parts) -> Option<RawCollection<'a>> {
    let mut keys: Vec<&[u8]> = parts.members.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let member = |key: &[u8]| {
        let (_, range) = parts.members.iter().find(|(k, _)| *k == key)?;
        Some(&text[range.clone()])
    };
    let kind: String = serde_json::from_slice(member(b"type")?).ok()?;
    let crs: Option<Value> = match member(b"crs") {
        Some(crs) => serde_json::from_slice(crs).ok()?,
        None => None,
    };
    let features = parts
        .features
        .par_iter()
        .map(|range| serde_json::from_slice(&text[range.clone()]).ok())
        .collect::<Option<Vec<RawFeature>>>()?;
    Some(RawCollection {
        kind,
        features,
        crs,
    })
}

/// The collection parsed in one pass, or the error at its line and column.
fn parsed_whole<'a>(path: &Path, text: &'a [u8]) -> Result<RawCollection<'a>> {
    serde_json::from_slice(text).map_err(|e| {
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
    })
}

/// A GeoJSON geometry with its coordinates still as text.
#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, borrow)]
    coordinates: Option<&'a RawValue>,
}

/// A GeoJSON position: longitude and latitude; an altitude is ignored.
struct Position(Coord<f64>);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Position, A::Error> {
                let x: f64 = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Position(Coord { x, y }))
            }
        }
        deserializer.deserialize_seq(Visit)
    }
}

fn polygon_of(rings: Vec<Vec<Position>>) -> Polygon<f64> {
    let mut rings = rings
        .into_iter()
        .map(|ring| LineString::new(ring.into_iter().map(|p| p.0).collect()));
    let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
    Polygon::new(exterior, rings.collect())
}

/// A GeoJSON geometry decoded: its polygons, its points, or the name of its type.
pub(super) fn decode(text: &str) -> serde_json::Result<Decoded> {
    let geometry: RawGeometry = serde_json::from_str(text)?;
    let coordinates = geometry.coordinates.map(|c| c.get()).unwrap_or("[]");
    Ok(match geometry.kind.as_str() {
        "Polygon" => Decoded::Polygons(MultiPolygon::new(vec![polygon_of(serde_json::from_str(
            coordinates,
        )?)])),
        "MultiPolygon" => {
            let polygons: Vec<Vec<Vec<Position>>> = serde_json::from_str(coordinates)?;
            Decoded::Polygons(MultiPolygon::new(
                polygons.into_iter().map(polygon_of).collect(),
            ))
        }
        "Point" => {
            let Position(at) = serde_json::from_str(coordinates)?;
            Decoded::Points(MultiPoint::new(vec![at.into()]))
        }
        "MultiPoint" => {
            let points: Vec<Position> = serde_json::from_str(coordinates)?;
            Decoded::Points(points.into_iter().map(|Position(at)| at).collect())
        }
        other => Decoded::Other(other.to_string()),
    })
}
