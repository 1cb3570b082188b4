//! Reading GeoJSON feature collections of polygons, with errors that name the feature.

use crate::error::{Error, Result};
use crate::projection::{epsg_to_wgs84, Zone};
use crate::provenance::{AssumptionKind, Provenance};
use geo::{BoundingRect, Coord, LineString, MultiPolygon, Orient, Polygon};
use serde::de::{Error as _, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::path::Path;

/// One feature as read: its properties, and its geometry still as JSON text (parsed
/// later, in parallel, by [`polygons`]).
#[derive(Debug, Deserialize)]
pub struct RawFeature<'a> {
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    #[serde(default, borrow)]
    pub geometry: Option<&'a RawValue>,
}

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

/// The coordinate reference system of a GeoJSON layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerCrs {
    /// RFC 7946: WGS84 longitude/latitude, no `crs` member.
    Rfc7946,
    /// A legacy `crs` member naming an EPSG code (CRS84 is EPSG 4326 in lon/lat order).
    Declared { name: String, epsg: u32 },
}

impl LayerCrs {
    /// Reads a legacy `crs` member: `{"type": "name", "properties": {"name": …}}`.
    fn of_member(path: &Path, member: Option<&Value>) -> Result<LayerCrs> {
        let Some(member) = member.filter(|m| !m.is_null()) else {
            return Ok(LayerCrs::Rfc7946);
        };
        let name = member
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let epsg = if name.ends_with("CRS84") {
            Some(4326)
        } else if name.to_ascii_uppercase().contains("EPSG") {
            name.rsplit(':').next().and_then(|n| n.trim().parse().ok())
        } else {
            None
        };
        match epsg {
            Some(epsg) => Ok(LayerCrs::Declared {
                name: name.to_string(),
                epsg,
            }),
            None => Err(Error::input(
                path,
                "the `crs` member",
                format!("the declared CRS {member} is not one this tool reads (CRS84 or an EPSG code)"),
                "export the layer again as RFC 7946 GeoJSON (ogr2ogr -f GeoJSON -lco RFC7946=YES out.geojson in.shp)",
            )),
        }
    }

    /// Records the layer as the `role` input of `provenance`, with an assumption when a
    /// legacy `crs` member was honoured.
    pub fn record(&self, provenance: &mut Provenance, role: &str, path: &Path) {
        provenance.read(role, path, "geojson", Some(self.describe()));
        if let LayerCrs::Declared { name, epsg } = self {
            provenance.assume(
                AssumptionKind::Crs,
                1,
                format!(
                    "{role}: legacy crs member {name} honoured, coordinates read as EPSG:{epsg}"
                ),
            );
        }
    }

    /// The EPSG code the coordinates are in.
    pub fn epsg(&self) -> u32 {
        match self {
            LayerCrs::Rfc7946 => 4326,
            LayerCrs::Declared { epsg, .. } => *epsg,
        }
    }

    /// How the layer's CRS was read, for the summary.
    pub fn describe(&self) -> String {
        match self {
            LayerCrs::Rfc7946 => "EPSG:4326 (RFC 7946, no crs member)".into(),
            LayerCrs::Declared { name, epsg } => {
                format!("EPSG:{epsg} (legacy crs member {name})")
            }
        }
    }
}

/// Reads a GeoJSON `FeatureCollection` and hands its features and CRS to `use_features`;
/// fails on anything else, or on an empty collection.
pub fn with_features<T>(
    path: &Path,
    use_features: impl FnOnce(&[RawFeature], &LayerCrs) -> Result<T>,
) -> Result<T> {
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
    let crs = LayerCrs::of_member(path, collection.crs.as_ref())?;
    use_features(&collection.features, &crs)
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
    let raw = feature
        .geometry
        .filter(|g| g.get() != "null")
        .ok_or_else(null)?;
    let malformed =
        |e: serde_json::Error| fail(format!("malformed geometry: {e}"), "fix the coordinates");
    let geometry: RawGeometry = serde_json::from_str(raw.get()).map_err(malformed)?;
    let coordinates = geometry.coordinates.map(|c| c.get()).unwrap_or("[]");
    let shape = match geometry.kind.as_str() {
        "Polygon" => MultiPolygon::new(vec![polygon_of(
            serde_json::from_str(coordinates).map_err(malformed)?,
        )]),
        "MultiPolygon" => {
            let polygons: Vec<Vec<Vec<Position>>> =
                serde_json::from_str(coordinates).map_err(malformed)?;
            MultiPolygon::new(polygons.into_iter().map(polygon_of).collect())
        }
        other => {
            return Err(fail(
                format!("the geometry is a {other}, a Polygon or MultiPolygon was expected"),
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
    if !(bbox.min().x.is_finite()
        && bbox.max().x.is_finite()
        && bbox.min().y.is_finite()
        && bbox.max().y.is_finite())
    {
        return Err(fail(
            "a coordinate is not a finite number".into(),
            "fix the coordinates",
        ));
    }
    if crs.epsg() != 4326 {
        let shape = epsg_to_wgs84(crs.epsg(), &shape).map_err(|e| e.about(|| place.to_string()))?;
        return polygons_in_range(path, place, shape);
    }
    polygons_in_range(path, place, shape)
}

/// Checks that a shape holds longitudes and latitudes, and orients its rings.
fn polygons_in_range(
    path: &Path,
    place: &str,
    shape: MultiPolygon<f64>,
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
            "reproject the file to WGS84 (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)",
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
