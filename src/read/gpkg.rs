//! Reading a GeoPackage layer (IGN ADMIN EXPRESS ships one per territory). A file of
//! several layers is read as `FILE.gpkg:LAYER`.

use crate::error::{Error, Result};
use crate::read::feature::{Decoded, LayerCrs, RawFeature};
use geo::{LineString, MultiPoint, MultiPolygon, Point, Polygon};
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
    let fail = |place: &str, e: &dyn std::fmt::Display| unreadable(path, place, e);
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| fail("the whole file", &e))?;
    let (table, column, srs_id) = chosen_layer(path, &db, layer)?;
    let crs = layer_crs(&db, srs_id).map_err(|e| fail("gpkg_spatial_ref_sys", &e))?;
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let mut query = db
        .prepare(&format!("SELECT * FROM {}", quote(&table)))
        .map_err(|e| fail(&table, &e))?;
    // Names through the table's schema: rusqlite panics on a name that is not UTF-8.
    let columns: Vec<String> = db
        .prepare(&format!("PRAGMA table_info({})", quote(&table)))
        .and_then(|mut q| {
            q.query_map([], |r| {
                Ok(match r.get_ref(1)? {
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => String::new(),
                })
            })?
            .collect()
        })
        .map_err(|e| fail(&table, &e))?;
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

/// The table, geometry column and SRS id of the layer `layer` names, or of the only
/// layer of the file; several layers and no name, or a name of no layer, are refused.
fn chosen_layer(
    path: &Path,
    db: &Connection,
    layer: Option<&str>,
) -> Result<(String, String, i64)> {
    let fail = |place: &str, e: &dyn std::fmt::Display| unreadable(path, place, e);
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
    match (layer, layers.as_slice()) {
        (None, [one]) => Ok(one.clone()),
        (Some(name), _) => layers.iter().find(|l| l.0 == name).cloned().ok_or_else(|| {
            Error::input(
                path,
                format!("layer {name:?}"),
                format!("no such layer (layers: {})", names()),
                "name one of these layers after the file: FILE.gpkg:LAYER",
            )
        }),
        (None, _) => Err(Error::input(
            path,
            "the whole file",
            format!("{} layers (layers: {})", layers.len(), names()),
            "name the layer after the file: FILE.gpkg:LAYER (IGN ADMIN EXPRESS: commune)",
        )),
    }
}

/// The error of a GeoPackage SQLite cannot read.
fn unreadable(path: &Path, place: &str, e: &dyn std::fmt::Display) -> Error {
    Error::input(
        path,
        place,
        format!("unreadable GeoPackage: {e}"),
        "check the file opens in QGIS, or export the layer again (ogr2ogr -f GPKG out.gpkg in.shp)",
    )
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
        assumed: false,
        option: "",
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
    match blob
        .get(8 + envelope..)
        .map(|wkb| Wkb { bytes: wkb, at: 0 }.geometry())
    {
        Some(Some(decoded)) => decoded,
        _ => malformed(),
    }
}

/// A reader of WKB polygons that checks every count against the bytes left, so that a
/// corrupt file cannot make it reserve gigabytes (geozero 0.15 trusts the counts).
struct Wkb<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let chunk = self.bytes.get(self.at..self.at + N)?.try_into().ok()?;
        self.at += N;
        Some(chunk)
    }

    fn u32(&mut self, little: bool) -> Option<u32> {
        let b = self.take::<4>()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Option<f64> {
        let b = self.take::<8>()?;
        Some(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items of at least `size` bytes each, if that many bytes are left.
    fn count(&mut self, little: bool, size: usize) -> Option<usize> {
        let n = self.u32(little)? as usize;
        (n.checked_mul(size)? <= self.bytes.len() - self.at).then_some(n)
    }

    /// The byte order and geometry type of the next geometry: (little-endian, ISO base
    /// type, ordinates per position).
    fn header(&mut self) -> Option<(bool, u32, usize)> {
        let little = self.take::<1>()?[0] == 1;
        let raw = self.u32(little)?;
        // ISO (1003, 2003, 3003) or extended (Z and M flags in the high bits) types.
        let (z, m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
        let iso = raw & 0x0fff_ffff;
        let (base, dims) = (iso % 1000, iso / 1000);
        let ordinates =
            2 + usize::from(z || dims == 1 || dims == 3) + usize::from(m || dims == 2 || dims == 3);
        Some((little, base, ordinates))
    }

    /// A position's x and y; its z and m skipped.
    fn point(&mut self, little: bool, ordinates: usize) -> Option<Point<f64>> {
        let (x, y) = (self.f64(little)?, self.f64(little)?);
        for _ in 2..ordinates {
            self.f64(little)?;
        }
        Some(Point::new(x, y))
    }

    fn polygon(&mut self, little: bool, ordinates: usize) -> Option<Polygon<f64>> {
        let rings = self.count(little, 4)?;
        let mut all = Vec::with_capacity(rings);
        for _ in 0..rings {
            let points = self.count(little, 8 * ordinates)?;
            let mut coords = Vec::with_capacity(points);
            for _ in 0..points {
                coords.push(self.point(little, ordinates)?.0);
            }
            all.push(LineString::new(coords));
        }
        let mut rings = all.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
        Some(Polygon::new(exterior, rings.collect()))
    }

    fn geometry(&mut self) -> Option<Decoded> {
        let (little, base, ordinates) = self.header()?;
        Some(match base {
            3 => Decoded::Polygons(MultiPolygon::new(vec![self.polygon(little, ordinates)?])),
            6 => {
                let n = self.count(little, 9)?;
                let mut parts = Vec::with_capacity(n);
                for _ in 0..n {
                    let (little, base, ordinates) = self.header()?;
                    if base != 3 {
                        return None;
                    }
                    parts.push(self.polygon(little, ordinates)?);
                }
                Decoded::Polygons(MultiPolygon::new(parts))
            }
            1 => Decoded::Points(MultiPoint::new(vec![self.point(little, ordinates)?])),
            2 => Decoded::Other("LineString".into()),
            4 => {
                let n = self.count(little, 21)?;
                let mut points = Vec::with_capacity(n);
                for _ in 0..n {
                    let (little, base, ordinates) = self.header()?;
                    if base != 1 {
                        return None;
                    }
                    points.push(self.point(little, ordinates)?);
                }
                Decoded::Points(MultiPoint::new(points))
            }
            5 => Decoded::Other("MultiLineString".into()),
            7 => Decoded::Other("GeometryCollection".into()),
            _ => return None,
        })
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
