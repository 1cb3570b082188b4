//! Reading a GeoPackage layer (IGN ADMIN EXPRESS ships one per territory). A file of
//! several layers is read as `FILE.gpkg:LAYER`.

use super::geojson_in::{Decoded, LayerCrs, RawFeature};
use crate::error::{Error, Result};
use geo::{Geometry, MultiPolygon};
use geozero::wkb::Wkb;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Number, Value};
use std::path::{Path, PathBuf};

/// Splits `FILE.gpkg:LAYER` into the file and the layer.
pub fn split_layer(path: &Path) -> Option<(PathBuf, String)> {
    let text = path.to_str()?;
    let (file, layer) = text.rsplit_once(".gpkg:")?;
    Some((PathBuf::from(format!("{file}.gpkg")), layer.to_string()))
}

/// The features of the GeoPackage layer (the only one, or the one named), geometries
/// decoded in the layer's CRS.
pub fn read_gpkg(path: &Path, layer: Option<&str>) -> Result<(Vec<RawFeature<'static>>, LayerCrs)> {
    let fail = |place: &str, e: &dyn std::fmt::Display| {
        Error::input(
            path,
            place,
            format!("unreadable GeoPackage: {e}"),
            "check the file opens in QGIS, or export the layer again (ogr2ogr -f GPKG out.gpkg in.shp)",
        )
    };
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| fail("the whole file", &e))?;
    let layers: Vec<(String, String, i64)> = db
        .prepare(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name",
        )
        .and_then(|mut q| {
            q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(|e| fail("gpkg_geometry_columns", &e))?;
    let names = || {
        layers
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (table, column, srs_id) = match (layer, layers.as_slice()) {
        (None, [one]) => one.clone(),
        (Some(name), _) => layers
            .iter()
            .find(|l| l.0 == name)
            .cloned()
            .ok_or_else(|| {
                Error::input(
                    path,
                    format!("layer {name:?}"),
                    format!("no such layer (layers: {})", names()),
                    "name one of these layers after the file: FILE.gpkg:LAYER",
                )
            })?,
        (None, _) => {
            return Err(Error::input(
                path,
                "the whole file",
                format!("{} layers (layers: {})", layers.len(), names()),
                "name the layer after the file: FILE.gpkg:LAYER (IGN ADMIN EXPRESS: commune)",
            ))
        }
    };
    let crs = layer_crs(&db, srs_id).map_err(|e| fail("gpkg_spatial_ref_sys", &e))?;
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let mut query = db
        .prepare(&format!("SELECT * FROM {}", quote(&table)))
        .map_err(|e| fail(&table, &e))?;
    let columns: Vec<String> = query.column_names().iter().map(|c| c.to_string()).collect();
    let geometry_at = columns.iter().position(|c| *c == column);
    let mut rows = query.query([]).map_err(|e| fail(&table, &e))?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(|e| fail(&table, &e))? {
        let mut properties = Map::new();
        let mut decoded = Decoded::Null;
        for (i, name) in columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(|e| fail(&table, &e))?;
            if Some(i) == geometry_at {
                if let ValueRef::Blob(blob) = value {
                    decoded = decode(blob);
                }
                continue;
            }
            properties.insert(name.clone(), json_value(value));
        }
        features.push(RawFeature {
            properties: Some(properties),
            geometry: None,
            decoded: Some(decoded),
        });
    }
    Ok((features, crs))
}

fn layer_crs(db: &Connection, srs_id: i64) -> rusqlite::Result<LayerCrs> {
    let (organization, code, definition): (String, i64, String) = db.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let definition = if organization.eq_ignore_ascii_case("EPSG") {
        format!("EPSG:{code}")
    } else {
        definition
    };
    Ok(LayerCrs {
        definition,
        source: format!("GeoPackage srs_id {srs_id}"),
        format: "gpkg",
        legacy_member: false,
    })
}

/// A GeoPackage geometry: the `GP` header (its envelope sized by the flags), then WKB.
fn decode(blob: &[u8]) -> Decoded {
    let malformed = || Decoded::Other("malformed GeoPackage geometry".into());
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return malformed();
    }
    let flags = blob[3];
    if flags & 0b1_0000 != 0 {
        return Decoded::Null;
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return malformed(),
    };
    let Some(wkb) = blob.get(8 + envelope..) else {
        return malformed();
    };
    match Wkb(wkb.to_vec()).to_geo() {
        Ok(Geometry::Polygon(p)) => Decoded::Polygons(MultiPolygon::new(vec![p])),
        Ok(Geometry::MultiPolygon(m)) => Decoded::Polygons(m),
        Ok(other) => Decoded::Other(geometry_name(&other).into()),
        Err(_) => malformed(),
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        _ => "geometry",
    }
}

fn json_value(value: ValueRef) -> Value {
    match value {
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).trim().to_string()),
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
    }
}
