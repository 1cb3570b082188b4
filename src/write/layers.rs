//! The four map layers of one analysis in WGS84, built once and handed to every writer:
//! GeoJSON, GeoPackage and the report's map. Attribute names are documented in the
//! README ("Layers") and stay stable: planners build QGIS forms and filters on them.

use crate::analysis::Analysis;
use crate::error::Result;
use crate::figures::summary::Summary;
use crate::geometry::projection::to_wgs84;
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::access::{apl_class, Access, Zoning};
use crate::model::Unit;
use crate::overlay::cover::UnitCover;
use crate::zones::white_zones::{white_zone_id, WhiteZone};
use geo::{unary_union, MultiPolygon};
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// One feature: its attributes (in a fixed order) and its WGS84 shape.
#[derive(Debug)]
pub struct MapFeature<'a> {
    pub properties: Properties,
    pub geometry: Cow<'a, MultiPolygon<f64>>,
}

/// The attributes of one feature, in a fixed order.
#[derive(Debug)]
pub enum Properties {
    /// The values of a layer's fields, in the order of the fields: no name is stored
    /// per feature (the communes layer has 35 000).
    Fields(&'static [(&'static str, FieldType)], Vec<Value>),
    /// Any JSON object.
    Object(Map<String, Value>),
}

impl Properties {
    /// The attribute called `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Properties::Fields(fields, values) => fields
                .iter()
                .position(|(name, _)| *name == key)
                .and_then(|i| values.get(i)),
            Properties::Object(map) => map.get(key),
        }
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Properties::Fields(fields, values) => {
                let mut map = serializer.serialize_map(Some(values.len()))?;
                for ((name, _), value) in fields.iter().zip(values) {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Properties::Object(map) => map.serialize(serializer),
        }
    }
}

/// The type of an attribute, as GeoPackage and QGIS see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Real,
    Boolean,
}

use FieldType::{Boolean, Integer, Real, Text};

/// A named layer.
pub struct Layer<'a> {
    /// The layer's name: file stem of its GeoJSON, table of the GeoPackage.
    pub name: &'static str,
    /// The attributes every feature has, in order.
    pub fields: &'static [(&'static str, FieldType)],
    pub features: Vec<MapFeature<'a>>,
}

/// The communes' fields: those of every run, then those of the access tables (`apl`,
/// `apl_class` 1 to 4 as [`apl_class`] draws them, `zoning`), null where a table gives
/// no value.
const COMMUNE_ACCESS_FIELDS: &[(&str, FieldType)] = &[
    ("code", Text),
    ("nom", Text),
    ("commune", Text),
    ("departement", Text),
    ("region", Text),
    ("population", Real),
    ("covered_share", Real),
    ("class_share", Real),
    ("covered_population", Real),
    ("white_zone_population", Real),
    ("cpts", Text),
    ("apl", Real),
    ("apl_class", Integer),
    ("zoning", Text),
];
const COMMUNE_FIELDS: &[(&str, FieldType)] = COMMUNE_ACCESS_FIELDS.split_at(11).0;
const CPTS_FIELDS: &[(&str, FieldType)] = &[
    ("id", Text),
    ("nom", Text),
    ("statut", Text),
    ("population", Real),
    ("tier", Integer),
    ("funding_max_eur", Integer),
    ("partial", Boolean),
    ("departements", Text),
];
/// The white zones' fields: those of every run, then their need for care with the
/// access tables (null where a table is not given).
const WHITE_ZONE_ACCESS_FIELDS: &[(&str, FieldType)] = &[
    ("id", Text),
    ("area_km2", Real),
    ("population", Real),
    ("departements", Text),
    ("population_by_departement", Text),
    ("commune_count", Integer),
    ("communes", Text),
    ("apl_mean", Real),
    ("population_below_threshold", Real),
    ("zip_population", Real),
    ("in_zip", Boolean),
];
const WHITE_ZONE_FIELDS: &[(&str, FieldType)] = WHITE_ZONE_ACCESS_FIELDS.split_at(7).0;
const OVERLAP_FIELDS: &[(&str, FieldType)] = &[
    ("cpts_a", Text),
    ("cpts_b", Text),
    ("area_km2", Real),
    ("population", Real),
    ("departements", Text),
    ("communes", Text),
];

/// The layers of one analysis: communes, CPTS, white zones, overlaps, in that order.
pub struct Layers<'a>(pub [Layer<'a>; 4]);

impl<'a> Layers<'a> {
    /// The features of the layer called `name` (none for an unknown name).
    pub fn named(&self, name: &str) -> &[MapFeature<'a>] {
        self.0
            .iter()
            .find(|l| l.name == name)
            .map_or(&[], |l| &l.features)
    }

    /// Builds the layers, bringing the projected white zones and overlaps back to WGS84.
    pub fn new(inputs: &'a Inputs, analysis: &Analysis, summary: &Summary) -> Result<Layers<'a>> {
        Ok(Layers([
            Layer {
                name: "communes",
                fields: commune_fields(inputs),
                features: communes(inputs, analysis),
            },
            Layer {
                name: "cpts",
                fields: CPTS_FIELDS,
                features: cpts(inputs, summary),
            },
            Layer {
                name: "white_zones",
                fields: match inputs.access {
                    Some(_) => WHITE_ZONE_ACCESS_FIELDS,
                    None => WHITE_ZONE_FIELDS,
                },
                features: white_zones(inputs, analysis, summary)?,
            },
            Layer {
                name: "overlaps",
                fields: OVERLAP_FIELDS,
                features: overlaps(analysis, summary)?,
            },
        ]))
    }

    /// The layer called `name`.
    pub fn get(&self, name: &str) -> &[MapFeature<'a>] {
        self.0
            .iter()
            .find(|l| l.name == name)
            .map_or(&[], |l| &l.features)
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Codes of `units` joined with commas, for attribute tables.
fn codes(units: &[Unit], indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| units[i].code.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The fields of the communes layer of `inputs`.
fn commune_fields(inputs: &Inputs) -> &'static [(&'static str, FieldType)] {
    match inputs.access {
        Some(_) => COMMUNE_ACCESS_FIELDS,
        None => COMMUNE_FIELDS,
    }
}

/// The access values of unit `i`: APL, its class, zoning.
fn access_values(access: &Access, i: usize) -> [Value; 3] {
    let apl = access.apl[i].filter(|_| access.indicator.is_some());
    [
        json!(apl),
        json!(apl.map(apl_class)),
        json!(access.zoning[i].map(Zoning::as_str)),
    ]
}

fn communes<'a>(inputs: &'a Inputs, analysis: &Analysis) -> Vec<MapFeature<'a>> {
    let sliver_m2 = analysis.options.sliver_km2 * 1e6;
    let fields = commune_fields(inputs);
    inputs
        .units
        .par_iter()
        .zip(&analysis.covers)
        .zip(&analysis.white.unit_population)
        .zip(&analysis.white.unit_debris_m2)
        .enumerate()
        .map(|(i, (((u, c), white), debris))| {
            let cpts: Vec<&str> = c
                .holders(sliver_m2)
                .map(|k| inputs.cpts[k].id.as_str())
                .collect();
            // In the order of the fields.
            let mut values = vec![
                json!(u.code),
                json!(u.nom),
                json!(u.commune),
                json!(u.departement),
                json!(u.region),
                json!(u.population),
                json!(c.covered_share()),
                json!(class_share(c, *debris)),
                json!(u.population * c.covered_share()),
                json!(white),
                json!(cpts.join(",")),
            ];
            if let Some(access) = &inputs.access {
                values.extend(access_values(access, i));
            }
            MapFeature {
                properties: Properties::Fields(fields, values),
                geometry: Cow::Borrowed(&u.geometry),
            }
        })
        .collect()
}

/// The share the maps class a commune by: covered, its strips of white zones narrower
/// than the gap width counted as covered (a commune covered but for contour debris is
/// in the top class).
fn class_share(cover: &UnitCover, debris_m2: f64) -> f64 {
    match cover.area > 0.0 {
        true => ((cover.covered_area + debris_m2) / cover.area).clamp(0.0, 1.0),
        false => 0.0,
    }
}

fn cpts<'a>(inputs: &'a Inputs, summary: &Summary) -> Vec<MapFeature<'a>> {
    summary
        .cpts
        .par_iter()
        .enumerate()
        .map(|(k, row)| {
            let geometry = match &inputs.perimeters {
                Perimeters::Polygons(perimeters) => Cow::Borrowed(&perimeters[k].shape),
                Perimeters::Membership(lists) => Cow::Owned(unary_union(
                    lists[k].iter().map(|&i| &inputs.units[i].geometry),
                )),
            };
            let mut properties = object(serde_json::to_value(row).unwrap_or(Value::Null));
            properties.insert("departements".into(), row.departements.join(",").into());
            MapFeature {
                properties: Properties::Object(properties),
                geometry,
            }
        })
        .collect()
}

fn white_zones<'a>(
    inputs: &Inputs,
    analysis: &Analysis,
    summary: &Summary,
) -> Result<Vec<MapFeature<'a>>> {
    analysis
        .white
        .zones
        .par_iter()
        .zip(&summary.white_zones)
        .enumerate()
        .map(|(n, (z, row))| {
            let shape = to_wgs84(z.zone, &MultiPolygon::new(vec![z.shape.clone()]))
                .map_err(|e| e.about(|| format!("white zone {}", n + 1)))?;
            let mut properties = object(json!({
                "id": white_zone_id(n), "area_km2": z.area_m2 / 1e6, "population": z.population,
                "departements": z.departements.join(","),
                "population_by_departement": by_departement(z),
                "commune_count": z.communes.len(),
                "communes": codes(&inputs.units, &z.communes),
            }));
            if inputs.access.is_some() {
                let figures = row.access.as_ref();
                let apl = figures.and_then(|f| f.apl.as_ref());
                let zoning = figures.and_then(|f| f.zoning.as_ref());
                properties.extend(object(json!({
                    "apl_mean": apl.and_then(|a| a.apl_mean),
                    "population_below_threshold": apl.map(|a| a.population_below_threshold),
                    "zip_population": zoning.map(|z| z.zip_population),
                    "in_zip": row.in_zip,
                })));
            }
            Ok(MapFeature {
                properties: Properties::Object(properties),
                geometry: Cow::Owned(shape),
            })
        })
        .collect()
}

/// `06: 24226; 83: 12`: a white zone's population in each of its départements.
fn by_departement(z: &WhiteZone) -> String {
    z.departements
        .iter()
        .zip(&z.population_by_departement)
        .map(|(d, p)| format!("{d}: {p:.0}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn overlaps<'a>(analysis: &Analysis, summary: &Summary) -> Result<Vec<MapFeature<'a>>> {
    analysis
        .overlaps
        .par_iter()
        .zip(&summary.overlaps)
        .map(|(o, row)| {
            let mut polygons = Vec::new();
            for (zone, shape) in &o.shapes {
                let back = to_wgs84(*zone, shape)
                    .map_err(|e| e.about(|| format!("overlap {} × {}", row.cpts_a, row.cpts_b)))?;
                polygons.extend(back.0);
            }
            Ok(MapFeature {
                properties: Properties::Object(object(json!({
                    "cpts_a": row.cpts_a, "cpts_b": row.cpts_b, "area_km2": row.area_km2,
                    "population": row.population, "departements": row.departements.join(","),
                    "communes": row.communes.join(","),
                }))),
                geometry: Cow::Owned(MultiPolygon::new(polygons)),
            })
        })
        .collect()
}
