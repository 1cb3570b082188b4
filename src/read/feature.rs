//! A feature of a polygon layer as every format's reader gives it: its properties, its
//! geometry (GeoJSON text, or decoded by a binary format's reader), and the layer's CRS.

use crate::error::{Error, Result};
use crate::geometry::projection::{is_crs, WGS84};
use crate::model::provenance::{role_fr, AssumptionKind, Provenance};
use geo::{MultiPoint, MultiPolygon};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::path::Path;

/// One feature as read: its properties, and its geometry still as JSON text (parsed
/// later, in parallel, by [`polygons`](crate::read::layer::polygons)).
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
    /// A point or multipoint (a population layer of buildings or addresses).
    Points(MultiPoint<f64>),
    Null,
    /// Neither an area nor points: the geometry type's name.
    Other(String),
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
    pub(super) fn of_member(
        path: &Path,
        member: Option<&Value>,
        declared: DeclaredCrs,
    ) -> Result<LayerCrs> {
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
                format!(
                    "{} : CRS tiré de « {} », coordonnées lues en {}",
                    role_fr(role),
                    crs_source_fr(&self.source),
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

/// Where a CRS was read ([`LayerCrs::source`], or the part in brackets of
/// [`LayerCrs::describe`]), in French.
pub fn crs_source_fr(source: &str) -> String {
    if let Some(option) = source.strip_suffix(" option, the file declaring none") {
        return format!("option {option}, le fichier n'en déclarant aucun");
    }
    if let Some(name) = source.strip_prefix("legacy crs member ") {
        return format!("ancien membre crs {name}");
    }
    match source {
        "RFC 7946, no crs member" => "RFC 7946, aucun membre crs".into(),
        "its header" => "son en-tête".into(),
        "its .prj" => "son .prj".into(),
        other => other.into(),
    }
}

/// A CRS as [`LayerCrs::describe`] gives it (`EPSG:4326 (RFC 7946, no crs member)`),
/// in French.
pub fn crs_fr(described: &str) -> String {
    match described.split_once(" (") {
        Some((name, rest)) => match rest.strip_suffix(')') {
            Some(source) => format!("{name} ({})", crs_source_fr(source)),
            None => described.into(),
        },
        None => described.into(),
    }
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

/// The error of a layer without features.
pub(super) fn empty_layer(path: &Path) -> Error {
    Error::input(
        path,
        "the whole file",
        "the layer has no feature",
        "check that the right file was given and that the export kept its features",
    )
}
