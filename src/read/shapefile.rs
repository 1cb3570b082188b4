//! Reading an ESRI Shapefile (`.shp` with its `.dbf`, `.prj` and `.cpg`), as IGN ships
//! ADMIN EXPRESS.

use crate::error::{Error, Result};
use crate::read::feature::{DeclaredCrs, Decoded, LayerCrs, RawFeature};
use geo::{MultiPoint, MultiPolygon};
use serde_json::{Map, Number, Value};
use shapefile::dbase::FieldValue;
use shapefile::Shape;
use std::path::Path;

/// The features of a Shapefile, geometries decoded in the CRS of its `.prj`, or in
/// `declared` (an option) when it has none.
pub fn read_shapefile(
    path: &Path,
    declared: DeclaredCrs,
) -> Result<(Vec<RawFeature<'static>>, LayerCrs)> {
    let unreadable = |e: &shapefile::Error| {
        Error::input(
            path,
            "the whole file",
            format!("unreadable Shapefile: {}", described(e)),
            "give the .shp with its .shx, .dbf and .prj beside it, as downloaded",
        )
    };
    let prj = path.with_extension("prj");
    let crs = match (std::fs::read_to_string(&prj), declared.crs) {
        (Ok(wkt), _) => LayerCrs {
            definition: wkt.trim().trim_start_matches('\u{feff}').to_string(),
            source: "its .prj".into(),
            format: "shapefile",
            assumed: false,
            option: declared.option,
        },
        (Err(_), Some(definition)) => LayerCrs::declared(definition, declared.option, "shapefile"),
        (Err(_), None) => {
            return Err(Error::input(
                path,
                "the .prj file",
                format!(
                    "no {} beside the Shapefile: its CRS is unknown",
                    prj.display()
                ),
                format!(
                    "put the .prj of the download beside it, or declare the CRS: {} EPSG:2154",
                    declared.option
                ),
            ))
        }
    };
    check_counts(path)?;
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| unreadable(&e))?;
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| {
            Error::input(
                path,
                format!("feature {i}"),
                format!("unreadable record: {}", described(&e)),
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
        Shape::Point(p) => return Decoded::Points(MultiPoint::new(vec![(p.x, p.y).into()])),
        Shape::PointM(p) => return Decoded::Points(MultiPoint::new(vec![(p.x, p.y).into()])),
        Shape::PointZ(p) => return Decoded::Points(MultiPoint::new(vec![(p.x, p.y).into()])),
        Shape::Multipoint(m) => {
            return Decoded::Points(m.points().iter().map(|p| (p.x, p.y)).collect())
        }
        Shape::MultipointM(m) => {
            return Decoded::Points(m.points().iter().map(|p| (p.x, p.y)).collect())
        }
        Shape::MultipointZ(m) => {
            return Decoded::Points(m.points().iter().map(|p| (p.x, p.y)).collect())
        }
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

/// A Shapefile error in words: shapefile 0.9 writes the errors of the `.dbf` in their
/// debug form (`DbaseError(Error { kind: … })`).
fn described(e: &shapefile::Error) -> String {
    match e {
        shapefile::Error::DbaseError(e) => format!("the .dbf: {e}"),
        e => e.to_string(),
    }
}

/// Checks that every record of the `.shp` holds the parts and points it declares, so
/// that a corrupt count is an error rather than a reservation of gigabytes by the
/// reader (shapefile 0.9 reserves what the count says before reading).
fn check_counts(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut at = 100;
    let mut record = 0;
    let mut starts = std::collections::HashSet::new();
    while at + 8 <= bytes.len() {
        let end = checked_record(&bytes, at).map_err(|what| {
            Error::input(
                path,
                format!("record {record}"),
                format!("the .shp is corrupt: {what}"),
                "export the layer again (ogr2ogr fixed.shp in.shp) or from the original download",
            )
        })?;
        starts.insert(at);
        at = end;
        record += 1;
    }
    // The reader seeks records through the .shx: each offset must be a record checked.
    let index = std::fs::read(path.with_extension("shx")).unwrap_or_default();
    let offsets = index.get(100..).unwrap_or_default().chunks_exact(8);
    for (k, entry) in offsets.enumerate() {
        let words = u32::from_be_bytes([entry[0], entry[1], entry[2], entry[3]]) as usize;
        if !starts.contains(&words.saturating_mul(2)) {
            return Err(Error::input(
                path,
                format!("record {k}"),
                "the .shx index points where no record of the .shp starts",
                "export the layer again (ogr2ogr fixed.shp in.shp) or from the original download",
            ));
        }
    }
    Ok(())
}

/// Where the record starting at `at` ends, once its counts are checked against its
/// length; or what is corrupt in it.
fn checked_record(bytes: &[u8], at: usize) -> std::result::Result<usize, String> {
    let u32_at = |at: usize, big: bool| -> Option<usize> {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        } as usize)
    };
    let length = u32_at(at + 4, true).and_then(|words| words.checked_mul(2));
    let content = at + 8;
    let end = length
        .and_then(|l| content.checked_add(l))
        .filter(|e| *e <= bytes.len())
        .ok_or("a record runs past the end of the file")?;
    let kind = u32_at(content, false).unwrap_or(0);
    // Bounding box (32 bytes) after the type; then part and point counts.
    let (parts, points, per_part) = match kind {
        3 | 5 | 13 | 15 | 23 | 25 => (u32_at(content + 36, false), u32_at(content + 40, false), 4),
        31 => (u32_at(content + 36, false), u32_at(content + 40, false), 8),
        8 | 18 | 28 => (Some(0), u32_at(content + 36, false), 0),
        _ => (Some(0), Some(0), 0),
    };
    let (Some(parts), Some(points)) = (parts, points) else {
        return Err("a record is cut short".into());
    };
    if parts
        .saturating_mul(per_part)
        .saturating_add(points.saturating_mul(16))
        > end - content
    {
        return Err(format!(
            "a shape declares {parts} parts and {points} points, more than its record holds"
        ));
    }
    // Each part starts at a point index: shapefile 0.9 reads `points - start` points
    // for the last part, which a negative start turns into billions.
    let mut previous = 0;
    for part in 0..parts {
        let start = u32_at(content + 44 + 4 * part, false).unwrap_or(usize::MAX);
        if start < previous || start > points {
            return Err(format!(
                "part {part} starts at point {} of {points}",
                start as u32 as i32
            ));
        }
        previous = start;
    }
    Ok(end)
}
