//! Reading an ESRI Shapefile (`.shp` with its `.dbf`, `.prj` and `.cpg`), as IGN ships
//! ADMIN EXPRESS.

use super::geojson_in::{Decoded, LayerCrs, RawFeature};
use crate::error::{Error, Result};
use geo::MultiPolygon;
use serde_json::{Map, Number, Value};
use shapefile::dbase::FieldValue;
use shapefile::Shape;
use std::path::Path;

/// The features of a Shapefile, geometries decoded in the CRS of its `.prj`.
pub fn read_shapefile(path: &Path) -> Result<(Vec<RawFeature<'static>>, LayerCrs)> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::input(
            path,
            "the whole file",
            format!("unreadable Shapefile: {e}"),
            "give the .shp with its .shx, .dbf and .prj beside it, as downloaded",
        )
    };
    let prj = path.with_extension("prj");
    let wkt = std::fs::read_to_string(&prj).map_err(|_| {
        Error::input(
            path,
            "the .prj file",
            format!("no {} beside the Shapefile: its CRS is unknown", prj.display()),
            "put the .prj of the download beside it, or declare the CRS: ogr2ogr -a_srs EPSG:2154 fixed.shp in.shp",
        )
    })?;
    let crs = LayerCrs {
        definition: wkt.trim().trim_start_matches('\u{feff}').to_string(),
        source: "its .prj".into(),
        format: "shapefile",
        legacy_member: false,
    };
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| unreadable(&e))?;
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| {
            Error::input(
                path,
                format!("feature {i}"),
                format!("unreadable record: {e}"),
                "repair the Shapefile (ogr2ogr repaired.shp in.shp) or export it again",
            )
        })?;
        let mut fields: Vec<(String, FieldValue)> = record.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let properties: Map<String, Value> = fields
            .into_iter()
            .map(|(name, value)| (name, json_value(value)))
            .collect();
        features.push(RawFeature {
            properties: Some(properties),
            geometry: None,
            decoded: Some(decoded(shape)),
        });
    }
    Ok((features, crs))
}

fn decoded(shape: Shape) -> Decoded {
    let polygons = match shape {
        Shape::NullShape => return Decoded::Null,
        Shape::Polygon(p) => MultiPolygon::try_from(p),
        Shape::PolygonM(p) => MultiPolygon::try_from(p),
        Shape::PolygonZ(p) => MultiPolygon::try_from(p),
        other => return Decoded::Other(other.shapetype().to_string()),
    };
    match polygons {
        Ok(shape) => Decoded::Polygons(shape),
        // A hole before any shell: no area can be made of it.
        Err(e) => Decoded::Other(format!("malformed polygon ({e})")),
    }
}

/// A dBase value as JSON: text trimmed, whole numbers as integers, blanks as null.
fn json_value(value: FieldValue) -> Value {
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 9e15 {
            Value::from(n as i64)
        } else {
            Number::from_f64(n)
                .map(Value::Number)
                .unwrap_or(Value::Null)
        }
    };
    match value {
        FieldValue::Character(Some(s)) => Value::String(s.trim().to_string()),
        FieldValue::Memo(s) => Value::String(s.trim().to_string()),
        FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => number(n),
        FieldValue::Float(Some(n)) => number(f64::from(n)),
        FieldValue::Integer(n) => Value::from(n),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        _ => Value::Null,
    }
}
