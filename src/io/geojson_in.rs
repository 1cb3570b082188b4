//! Reading GeoJSON feature collections of polygons, with errors that name the feature.

use super::collection_scan::{self, Parts};
use super::fgb_in::read_fgb;
use super::gpkg_in::{read_gpkg, split_layer};
use super::shapefile_in::read_shapefile;
use crate::error::{Error, Result};
use crate::projection::{crs_to_wgs84, is_crs, Zone, WGS84};
use crate::provenance::{AssumptionKind, Provenance};
use geo::{BoundingRect, Coord, CoordsIter, LineString, MultiPolygon, Orient, Polygon};
use rayon::prelude::*;
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
    /// The geometry as another format's reader decoded it (Shapefile, GeoPackage), in
    /// the layer's CRS; `None` for GeoJSON, whose `geometry` text is parsed later.
    #[serde(skip)]
    pub decoded: Option<Decoded>,
}

/// A geometry decoded by a reader of a binary format.
#[derive(Debug, Clone)]
pub enum Decoded {
    Polygons(MultiPolygon<f64>),
    Null,
    /// Not an area: the geometry type's name.
    Other(String),
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

/// The coordinate reference system of a layer, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerCrs {
    /// The CRS as PROJ reads it: `EPSG:4326`, `EPSG:2154`, or the WKT of a `.prj`.
    pub definition: String,
    /// Where it was read: `RFC 7946, no crs member`, `legacy crs member …`, `.prj`…
    pub source: String,
    /// The file's format: `geojson`, `shapefile`, `gpkg`.
    pub format: &'static str,
    /// Whether the CRS was taken on trust, from a legacy GeoJSON `crs` member or from
    /// an option (stated as an assumption).
    pub assumed: bool,
    /// The option that declares the CRS of this layer when the file does not
    /// (`--communes-crs`, `--perimeters-crs`), for messages.
    pub option: &'static str,
}

/// The CRS an option declares for a layer whose file declares none.
#[derive(Debug, Clone, Copy)]
pub struct DeclaredCrs<'a> {
    /// The option's name: `--communes-crs`, `--perimeters-crs`.
    pub option: &'static str,
    pub crs: Option<&'a str>,
}

impl LayerCrs {
    /// The CRS an option (`--communes-crs`, `--perimeters-crs`) declares for a file that
    /// declares none.
    pub fn declared(definition: &str, option: &'static str, format: &'static str) -> LayerCrs {
        LayerCrs {
            definition: definition.to_string(),
            source: format!("{option} option, the file declaring none"),
            format,
            assumed: true,
            option,
        }
    }

    /// Reads a legacy `crs` member: `{"type": "name", "properties": {"name": …}}`;
    /// without one, the CRS `declared` by an option, else WGS84 as RFC 7946 says.
    fn of_member(path: &Path, member: Option<&Value>, declared: DeclaredCrs) -> Result<LayerCrs> {
        let Some(member) = member.filter(|m| !m.is_null()) else {
            if let Some(definition) = declared.crs {
                return Ok(LayerCrs::declared(definition, declared.option, "geojson"));
            }
            return Ok(LayerCrs {
                definition: WGS84.into(),
                source: "RFC 7946, no crs member".into(),
                format: "geojson",
                assumed: false,
                option: declared.option,
            });
        };
        let name = member
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let epsg: Option<u32> = if name.ends_with("CRS84") {
            Some(4326)
        } else if name.to_ascii_uppercase().contains("EPSG") {
            name.rsplit(':').next().and_then(|n| n.trim().parse().ok())
        } else {
            None
        };
        match epsg {
            Some(epsg) => Ok(LayerCrs {
                definition: format!("EPSG:{epsg}"),
                source: format!("legacy crs member {name}"),
                format: "geojson",
                assumed: true,
                option: declared.option,
            }),
            None => Err(Error::input(
                path,
                "the `crs` member",
                format!("the declared CRS {member} is not one this tool reads (CRS84 or an EPSG code)"),
                "export the layer again as RFC 7946 GeoJSON (ogr2ogr -f GeoJSON -lco RFC7946=YES out.geojson in.shp)",
            )),
        }
    }

    /// Fails when PROJ reads no coordinate reference system in the definition.
    pub fn checked(self, path: &Path) -> Result<LayerCrs> {
        if is_crs(&self.definition) {
            return Ok(self);
        }
        Err(Error::input(
            path,
            format!("the CRS ({})", self.source),
            format!(
                "PROJ reads no coordinate reference system in `{}`",
                self.name()
            ),
            "declare a known CRS: ogr2ogr -a_srs EPSG:2154 fixed.shp in.shp (or -f GPKG, GeoJSON)",
        ))
    }

    /// Records the layer as the `role` input of `provenance`, with an assumption when
    /// its CRS was taken on trust.
    pub fn record(&self, provenance: &mut Provenance, role: &str, path: &Path) {
        provenance.read(role, path, self.format, Some(self.describe()));
        if self.assumed {
            provenance.assume(
                AssumptionKind::Crs,
                1,
                format!(
                    "{role}: CRS from the {}, coordinates read as {}",
                    self.source,
                    self.name()
                ),
            );
        }
    }

    /// The CRS's short name: its EPSG code, or the name inside a WKT.
    pub fn name(&self) -> String {
        if self.definition.starts_with("EPSG:") {
            return self.definition.clone();
        }
        self.definition
            .split('"')
            .nth(1)
            .unwrap_or(&self.definition)
            .to_string()
    }

    /// How the layer's CRS was read, for the summary.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name(), self.source)
    }
}

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
    let text = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let parallel = collection_scan::split(&text).and_then(|parts| parsed(&text, &parts));
    let collection = match parallel {
        Some(collection) => collection,
        None => parsed_whole(path, &text)?,
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
        return Err(empty_layer(path));
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

fn empty_layer(path: &Path) -> Error {
    Error::input(
        path,
        "the whole file",
        "the layer has no feature",
        "check that the right file was given and that the export kept its features",
    )
}

/// A property by name, or by the name cut at 10 characters as dBase stores it
/// (`departement` is `departemen` in a Shapefile).
pub fn property<'a>(feature: &'a RawFeature, field: &str) -> Option<&'a Value> {
    let properties = feature.properties.as_ref()?;
    properties.get(field).or_else(|| {
        let cut: String = field.chars().take(10).collect();
        (feature.decoded.is_some() && cut.len() < field.len())
            .then(|| properties.get(&cut))
            .flatten()
    })
}

/// Reads a property as text: strings as they are, numbers written out.
pub fn text_property(feature: &RawFeature, field: &str) -> Option<String> {
    match property(feature, field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether the feature has the property at all (null counts as absent).
pub fn has_property(feature: &RawFeature, field: &str) -> bool {
    property(feature, field).is_some_and(|v| !v.is_null())
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
            let geometry: RawGeometry = serde_json::from_str(raw.get()).map_err(malformed)?;
            let coordinates = geometry.coordinates.map(|c| c.get()).unwrap_or("[]");
            match geometry.kind.as_str() {
                "Polygon" => MultiPolygon::new(vec![polygon_of(
                    serde_json::from_str(coordinates).map_err(malformed)?,
                )]),
                "MultiPolygon" => {
                    let polygons: Vec<Vec<Vec<Position>>> =
                        serde_json::from_str(coordinates).map_err(malformed)?;
                    MultiPolygon::new(polygons.into_iter().map(polygon_of).collect())
                }
                other => return Err(not_an_area(other)),
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
