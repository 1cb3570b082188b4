//! Writing the outputs of `analyze`: GeoJSON layers (RFC 7946), CSV tables and
//! `summary.json`, all at once (see [`replace_dir`]).

use crate::analysis::Analysis;
use crate::error::Result;
use crate::inputs::{Inputs, Perimeters};
use crate::io::atomic::replace_dir;
use crate::io::check_report::CHECK_FILES;
use crate::io::report_md::markdown_report;
use crate::model::Unit;
use crate::projection::to_wgs84;
use crate::summary::Summary;
use geo::winding_order::{Winding, WindingOrder};
use geo::{unary_union, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The files `analyze` writes.
pub const OUTPUT_FILES: [&str; 9] = [
    "summary.json",
    "report.md",
    "communes.geojson",
    "cpts.geojson",
    "white_zones.geojson",
    "overlaps.geojson",
    "cpts.csv",
    "by_departement.csv",
    "by_region.csv",
];

/// Writes every output of one analysis into `dir`, replacing a previous output
/// directory but never any other existing directory.
pub fn write_outputs(
    dir: &Path,
    inputs: &Inputs,
    analysis: &Analysis,
    summary: &Summary,
) -> Result<()> {
    // `cpts check --report-dir` may have put its reports beside the outputs.
    let replaceable = [&OUTPUT_FILES[..], &CHECK_FILES[..]].concat();
    replace_dir(dir, &replaceable, |staging| {
        write_all(staging, inputs, analysis, summary)
    })
}

fn write_all(
    dir: &Path,
    inputs: &Inputs,
    analysis: &Analysis,
    summary: &Summary,
) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(summary).map_err(std::io::Error::other)?;
    text.push('\n');
    fs::write(dir.join("summary.json"), text)?;
    fs::write(dir.join("report.md"), markdown_report(summary))?;
    write_layer(
        &dir.join("communes.geojson"),
        &commune_features(inputs, analysis),
    )?;
    write_layer(&dir.join("cpts.geojson"), &cpts_features(inputs, summary))?;
    write_layer(
        &dir.join("white_zones.geojson"),
        &white_zone_features(inputs, analysis).map_err(std::io::Error::other)?,
    )?;
    write_layer(
        &dir.join("overlaps.geojson"),
        &overlap_features(analysis, summary).map_err(std::io::Error::other)?,
    )?;
    crate::io::tables::write_tables(dir, summary)
}

/// Codes of `units` joined with commas, for attribute tables.
fn codes(units: &[Unit], indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| units[i].code.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn commune_features(inputs: &Inputs, analysis: &Analysis) -> Vec<Vec<u8>> {
    let sliver_m2 = analysis.options.sliver_km2 * 1e6;
    inputs
        .units
        .par_iter()
        .zip(&analysis.covers)
        .zip(&analysis.white.unit_population)
        .map(|((u, c), white)| {
            let cpts: Vec<&str> = c.holders(sliver_m2).map(|k| inputs.cpts[k].id.as_str()).collect();
            feature(
                json!({
                    "code": u.code, "nom": u.nom, "commune": u.commune, "departement": u.departement,
                    "region": u.region, "population": u.population, "covered_share": c.covered_share(),
                    "covered_population": u.population * c.covered_share(), "white_zone_population": white,
                    "cpts": cpts.join(","),
                }),
                &u.geometry,
            )
        })
        .collect()
}

fn cpts_features(inputs: &Inputs, summary: &Summary) -> Vec<Vec<u8>> {
    summary
        .cpts
        .par_iter()
        .enumerate()
        .map(|(k, row)| {
            let shape = match &inputs.perimeters {
                Perimeters::Polygons(perimeters) => perimeters[k].shape.clone(),
                Perimeters::Membership(lists) => {
                    unary_union(lists[k].iter().map(|&i| &inputs.units[i].geometry))
                }
            };
            let mut properties = serde_json::to_value(row).unwrap_or(Value::Null);
            properties["departements"] = row.departements.join(",").into();
            feature(properties, &shape)
        })
        .collect()
}

fn white_zone_features(inputs: &Inputs, analysis: &Analysis) -> crate::error::Result<Vec<Vec<u8>>> {
    analysis
        .white
        .zones
        .par_iter()
        .enumerate()
        .map(|(n, z)| {
            let shape = to_wgs84(z.zone, &MultiPolygon::new(vec![z.shape.clone()]))
                .map_err(|e| e.about(|| format!("white zone {}", n + 1)))?;
            Ok(feature(
                json!({
                    "id": format!("ZB-{:04}", n + 1), "area_km2": z.area_m2 / 1e6, "population": z.population,
                    "departements": z.departements.join(","), "commune_count": z.communes.len(),
                    "communes": codes(&inputs.units, &z.communes),
                }),
                &shape,
            ))
        })
        .collect()
}

fn overlap_features(analysis: &Analysis, summary: &Summary) -> crate::error::Result<Vec<Vec<u8>>> {
    analysis
        .overlaps
        .par_iter()
        .zip(&summary.overlaps)
        .map(|(o, row)| {
            Ok(feature(
                json!({
                    "cpts_a": row.cpts_a, "cpts_b": row.cpts_b, "area_km2": row.area_km2,
                    "population": row.population, "departements": row.departements.join(","),
                    "communes": row.communes.join(","),
                }),
                &overlap_shape(o)
                    .map_err(|e| e.about(|| format!("overlap {} × {}", row.cpts_a, row.cpts_b)))?,
            ))
        })
        .collect()
}

/// The overlap's parts, each zone's brought back to WGS84.
fn overlap_shape(o: &crate::overlaps::Overlap) -> crate::error::Result<MultiPolygon<f64>> {
    let mut polygons = Vec::new();
    for (zone, shape) in &o.shapes {
        polygons.extend(to_wgs84(*zone, shape)?.0);
    }
    Ok(MultiPolygon::new(polygons))
}

/// One GeoJSON feature, serialised straight from the geometry (no JSON tree).
#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Value,
    geometry: Geometry<'a>,
}

/// One GeoJSON feature as bytes.
pub(crate) fn feature(properties: Value, geometry: &MultiPolygon<f64>) -> Vec<u8> {
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
            self.0 .0.iter().filter_map(rounded_rings).collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "MultiPolygon")?;
        map.serialize_entry("coordinates", &polygons)?;
        map.end()
    }
}

fn rounded_rings(polygon: &Polygon<f64>) -> Option<Vec<Vec<[f64; 2]>>> {
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

/// A FeatureCollection, one feature per line.
pub(crate) fn write_layer(path: &Path, features: &[Vec<u8>]) -> std::io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(f)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}
