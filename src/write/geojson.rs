//! GeoJSON layers as RFC 7946 asks: WGS84 longitude/latitude, exterior rings
//! counter-clockwise, holes clockwise, one feature per line.

use crate::model::Unit;
use crate::write::layers::MapFeature;
use geo::winding_order::{Winding, WindingOrder};
use geo::{LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// One GeoJSON feature, serialised straight from the geometry (no JSON tree).
#[derive(Serialize)]
struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: &'a P,
    geometry: Geometry<'a>,
}

/// One GeoJSON feature as bytes: `properties` must serialise as a JSON object.
pub(crate) fn feature(properties: &impl Serialize, geometry: &MultiPolygon<f64>) -> Vec<u8> {
    let f = Feature {
        kind: "Feature",
        properties,
        geometry: Geometry(geometry),
    };
    serde_json::to_vec(&f).expect("features serialise")
}

/// RFC 7946 MultiPolygon: exterior rings counter-clockwise, holes clockwise,
/// 6 decimals (about 10 cm); rings that rounding collapses are left out.
struct Geometry<'a>(&'a MultiPolygon<f64>);

impl Serialize for Geometry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let polygons: Vec<Vec<Vec<[f64; 2]>>> =
            self.0 .0.iter().filter_map(rfc7946_rings).collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "MultiPolygon")?;
        map.serialize_entry("coordinates", &polygons)?;
        map.end()
    }
}

/// The rings of `polygon` as RFC 7946 writes them: see [`Geometry`].
pub(crate) fn rfc7946_rings(polygon: &Polygon<f64>) -> Option<Vec<Vec<[f64; 2]>>> {
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let ring = |line: &LineString<f64>, exterior: bool| -> Option<Vec<[f64; 2]>> {
        let mut points: Vec<[f64; 2]> = line.0.iter().map(|c| [round(c.x), round(c.y)]).collect();
        points.dedup();
        let ccw = line.winding_order() == Some(WindingOrder::CounterClockwise);
        if ccw != exterior {
            points.reverse();
        }
        (points.len() >= 4).then_some(points)
    };
    let mut rings = vec![ring(polygon.exterior(), true)?];
    rings.extend(polygon.interiors().iter().filter_map(|r| ring(r, false)));
    Some(rings)
}

/// Writes `features` as a FeatureCollection, serialising them in parallel a block at a
/// time (so that a large layer is never held twice in memory).
pub fn write_features(path: &Path, features: &[MapFeature]) -> std::io::Result<()> {
    const BLOCK: usize = 2048;
    let mut out = BufWriter::new(fs::File::create(path)?);
    out.write_all(HEAD)?;
    for (b, block) in features.chunks(BLOCK).enumerate() {
        let bytes: Vec<Vec<u8>> = block
            .par_iter()
            .map(|f| feature(&f.properties, &f.geometry))
            .collect();
        for (i, f) in bytes.iter().enumerate() {
            if b + i > 0 {
                out.write_all(SEPARATOR)?;
            }
            out.write_all(f)?;
        }
    }
    out.write_all(TAIL)?;
    out.flush()
}

const HEAD: &[u8] = b"{\"type\":\"FeatureCollection\",\"features\":[\n";
const SEPARATOR: &[u8] = b",\n";
const TAIL: &[u8] = b"\n]}\n";

/// A FeatureCollection of serialised features, one per line.
pub(crate) fn write_layer(path: &Path, features: &[Vec<u8>]) -> std::io::Result<()> {
    fs::write(path, collection(features))
}

/// A FeatureCollection of serialised features, one per line, as bytes.
pub(crate) fn collection(features: &[Vec<u8>]) -> Vec<u8> {
    let mut out = HEAD.to_vec();
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(SEPARATOR);
        }
        out.extend_from_slice(f);
    }
    out.extend_from_slice(TAIL);
    out
}

/// `units` as a GeoJSON communes layer (RFC 7946) with the properties `cpts analyze`
/// reads by default: `code`, `nom`, `population`, `departement`, `region`, and `epci`
/// when the unit has one.
pub fn communes_geojson(units: &[Unit]) -> Vec<u8> {
    let features: Vec<Vec<u8>> = units
        .par_iter()
        .map(|u| {
            let mut properties = serde_json::json!({
                "code": u.code.as_str(),
                "nom": u.nom,
                "population": u.population,
                "departement": u.departement,
                "region": u.region,
            })
            .as_object()
            .cloned()
            .unwrap_or_default();
            if let Some(epci) = &u.epci {
                properties.insert("epci".into(), epci.clone().into());
            }
            feature(&properties, &u.geometry)
        })
        .collect();
    collection(&features)
}
