//! Writing every layer into one GeoPackage (OGC 12-128r18, version 1.3), each with its
//! QGIS style in the `layer_styles` table, so that QGIS opens them styled.
//!
//! Geometries are stored exactly as the GeoJSON layers hold them (WGS84, RFC 7946
//! rings, 6 decimals). The file is byte-identical from run to run: timestamps are fixed
//! at [`TIMESTAMP`] and rows go in layer order. No spatial index is built: its triggers
//! need functions only GDAL registers, and the layers are small enough without one.

use crate::write::geojson::rfc7946_rings;
use crate::write::layers::{FieldType, Layer, Layers};
use crate::write::style::style;
use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection};
use serde_json::Value;
use std::path::Path;

/// The file name of the GeoPackage output.
pub const GPKG_FILE: &str = "cpts-coverage.gpkg";

/// `last_change` of every table, fixed so that identical inputs give identical files.
pub const TIMESTAMP: &str = "1970-01-01T00:00:00.000Z";

/// WGS84 (EPSG:4326) in OGC WKT 1.
pub(crate) const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

const CORE_TABLES: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL,
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME);
"#;

/// Writes `layers` into the GeoPackage `path`, which must not exist.
pub fn write_gpkg(path: &Path, layers: &Layers) -> std::io::Result<()> {
    write(path, layers).map_err(std::io::Error::other)
}

fn write(path: &Path, layers: &Layers) -> rusqlite::Result<()> {
    let mut db = Connection::open(path)?;
    db.execute_batch(CORE_TABLES)?;
    let tx = db.transaction()?;
    let srs: [(&str, i64, &str, i64, &str); 3] = [
        ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT),
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined"),
    ];
    for row in srs {
        tx.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
            params![row.0, row.1, row.2, row.3, row.4],
        )?;
    }
    for layer in &layers.0 {
        write_layer(&tx, layer)?;
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', ?1)",
        [TIMESTAMP],
    )?;
    tx.commit()?;
    db.close().map_err(|(_, e)| e)
}

fn write_layer(tx: &rusqlite::Transaction, layer: &Layer) -> rusqlite::Result<()> {
    let columns: Vec<String> = layer
        .fields
        .iter()
        .map(|(name, kind)| {
            let sql = match kind {
                FieldType::Text => "TEXT",
                FieldType::Integer => "MEDIUMINT",
                FieldType::Real => "REAL",
                FieldType::Boolean => "BOOLEAN",
            };
            format!("\"{name}\" {sql}")
        })
        .collect();
    tx.execute_batch(&format!(
        "CREATE TABLE \"{}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON, {});",
        layer.name,
        columns.join(", ")
    ))?;
    let placeholders = vec!["?"; layer.fields.len() + 1].join(", ");
    let names: Vec<String> = layer
        .fields
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    let mut insert = tx.prepare(&format!(
        "INSERT INTO \"{}\" (geom, {}) VALUES ({placeholders})",
        layer.name,
        names.join(", ")
    ))?;
    let mut extent: Option<[f64; 4]> = None;
    for f in &layer.features {
        let (blob, envelope) = geometry_blob(&f.geometry);
        if let Some(e) = envelope {
            extent = Some(extent.map_or(e, |x| {
                [
                    x[0].min(e[0]),
                    x[1].max(e[1]),
                    x[2].min(e[2]),
                    x[3].max(e[3]),
                ]
            }));
        }
        let mut row = vec![Sql::Blob(blob)];
        row.extend(
            layer
                .fields
                .iter()
                .map(|(name, kind)| sql_value(f.properties.get(name), *kind)),
        );
        insert.execute(rusqlite::params_from_iter(row))?;
    }
    let [min_x, max_x, min_y, max_y] = extent.map_or([None; 4], |e| e.map(Some));
    tx.execute(
        "INSERT INTO gpkg_contents VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, 4326)",
        params![layer.name, TIMESTAMP, min_x, min_y, max_x, max_y],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'MULTIPOLYGON', 4326, 0, 0)",
        [layer.name],
    )?;
    if let Some(qml) = style(layer.name).map(|s| s.qml()) {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
             f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, \
             ui, update_time) VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, '', NULL, ?4)",
            params![layer.name, qml, "cpts-coverage", TIMESTAMP],
        )?;
    }
    Ok(())
}

fn sql_value(value: Option<&Value>, kind: FieldType) -> Sql {
    match (value, kind) {
        (Some(Value::Bool(b)), _) => Sql::Integer(i64::from(*b)),
        (Some(Value::Number(n)), FieldType::Integer) => n.as_i64().map_or(Sql::Null, Sql::Integer),
        (Some(Value::Number(n)), _) => n.as_f64().map_or(Sql::Null, Sql::Real),
        (Some(Value::String(s)), _) => Sql::Text(s.clone()),
        _ => Sql::Null,
    }
}

/// The GeoPackage binary geometry (header with envelope, then little-endian WKB) and
/// its envelope `[min_x, max_x, min_y, max_y]`, `None` when empty.
fn geometry_blob(shape: &geo::MultiPolygon<f64>) -> (Vec<u8>, Option<[f64; 4]>) {
    let polygons: Vec<_> = shape.0.iter().filter_map(rfc7946_rings).collect();
    let mut envelope = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for [x, y] in polygons.iter().flatten().flatten() {
        envelope = [
            envelope[0].min(*x),
            envelope[1].max(*x),
            envelope[2].min(*y),
            envelope[3].max(*y),
        ];
    }
    let empty = polygons.is_empty();
    let mut blob = b"GP\x00".to_vec();
    // Flags: little-endian, envelope [minx, maxx, miny, maxy] unless empty.
    blob.push(if empty { 0b0001_0001 } else { 0b0000_0011 });
    blob.extend(4326i32.to_le_bytes());
    if !empty {
        for v in envelope {
            blob.extend(v.to_le_bytes());
        }
    }
    blob.push(1);
    blob.extend(6u32.to_le_bytes());
    blob.extend((polygons.len() as u32).to_le_bytes());
    for rings in &polygons {
        blob.push(1);
        blob.extend(3u32.to_le_bytes());
        blob.extend((rings.len() as u32).to_le_bytes());
        for ring in rings {
            blob.extend((ring.len() as u32).to_le_bytes());
            for [x, y] in ring {
                blob.extend(x.to_le_bytes());
                blob.extend(y.to_le_bytes());
            }
        }
    }
    (blob, (!empty).then_some(envelope))
}
