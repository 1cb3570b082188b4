//! Reading a FlatGeobuf layer (`.fgb`): the header and each feature are FlatBuffers
//! tables, verified before use; the layout around them (magic bytes, sizes, the spatial
//! index) and the property bytes are read here, every size checked against the bytes
//! left, so that a corrupt file is an error, never a huge allocation or a silent cut.

use crate::error::{Error, Result};
use crate::read::feature::{DeclaredCrs, Decoded, LayerCrs, RawFeature};
use flatgeobuf::packed_r_tree::PackedRTree;
use flatgeobuf::{ColumnType, Geometry, GeometryType, Header};
use geo::{LineString, MultiPolygon, Polygon};
use serde_json::{Map, Number, Value};
use std::path::Path;

const MAGIC: &[u8; 3] = b"fgb";

/// The features of a FlatGeobuf file, geometries in its CRS (or in `declared` when the
/// file declares none).
pub fn read_fgb(
    path: &Path,
    declared: DeclaredCrs,
) -> Result<(Vec<RawFeature<'static>>, LayerCrs)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let corrupt = |place: &str, problem: String| {
        Error::input(
            path,
            place,
            format!("the FlatGeobuf is corrupt: {problem}"),
            "export the layer again (ogr2ogr -f FlatGeobuf out.fgb in.shp)",
        )
    };
    if bytes.len() < 12 || &bytes[..3] != MAGIC || &bytes[4..7] != MAGIC {
        return Err(corrupt(
            "the whole file",
            "no FlatGeobuf magic bytes".into(),
        ));
    }
    let header_end = 12 + u32_at(&bytes, 8) as usize;
    let header_bytes = bytes
        .get(8..header_end)
        .ok_or_else(|| corrupt("the header", "its size passes the end of the file".into()))?;
    let header = flatgeobuf::size_prefixed_root_as_header(header_bytes)
        .map_err(|e| corrupt("the header", e.to_string()))?;
    let crs = layer_crs(path, &header, declared)?;
    let count = header.features_count();
    // Every feature takes at least its 4-byte size: a count beyond that is corrupt.
    if count > (bytes.len() / 4) as u64 {
        return Err(corrupt(
            "the header",
            format!("{count} features announced in {} bytes", bytes.len()),
        ));
    }
    let mut at = header_end;
    if header.index_node_size() > 0 && count > 0 {
        if header.index_node_size() < 2 {
            return Err(corrupt("the spatial index", "node size 1".into()));
        }
        at += PackedRTree::index_size(count as usize, header.index_node_size());
    }
    let columns: Vec<(String, ColumnType)> = header
        .columns()
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name().to_string(), c.type_()))
                .collect()
        })
        .unwrap_or_default();
    // Not reserved from the header's count: a corrupt count would reserve ~30 times the file.
    let mut features = Vec::new();
    while at < bytes.len() {
        let place = format!("feature {}", features.len());
        let (feature, end) = read_feature(&bytes, at, &columns, header.geometry_type())
            .map_err(|problem| corrupt(&place, problem))?;
        features.push(feature);
        at = end;
    }
    if count > 0 && features.len() as u64 != count {
        return Err(corrupt(
            "the whole file",
            format!(
                "{count} features announced, {} found: the file looks truncated",
                features.len()
            ),
        ));
    }
    Ok((features, crs))
}

/// The feature whose size prefix starts at `at`, and where the next one starts; or what
/// is corrupt in it.
fn read_feature(
    bytes: &[u8],
    at: usize,
    columns: &[(String, ColumnType)],
    geometry_type: GeometryType,
) -> std::result::Result<(RawFeature<'static>, usize), String> {
    let size = bytes
        .get(at..at + 4)
        .map(|_| u32_at(bytes, at) as usize)
        .ok_or("the file ends inside its size")?;
    let end = at + 4 + size;
    let table = bytes
        .get(at..end)
        .ok_or("its size passes the end of the file")?;
    // A feature may not expand to much more than its own bytes (FlatBuffers lets a
    // vector repeat one offset: a small crafted feature could otherwise decode into
    // gigabytes). Shared vtables make a sound feature's apparent size a little larger.
    let limits = flatbuffers::VerifierOptions {
        max_apparent_size: 8 * table.len() + 4096,
        ..Default::default()
    };
    let feature = flatgeobuf::size_prefixed_root_as_feature_with_opts(&limits, table)
        .map_err(|e| e.to_string())?;
    let properties = match feature.properties() {
        Some(p) => properties(p.bytes(), columns)?,
        None => Map::new(),
    };
    let decoded = match feature.geometry() {
        Some(g) => decode(&g, geometry_type)?,
        None => Decoded::Null,
    };
    let feature = RawFeature {
        properties: Some(properties),
        geometry: None,
        decoded: Some(decoded),
    };
    Ok((feature, end))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The CRS of the header: an EPSG code, else its WKT, else the one an option declares.
fn layer_crs(path: &Path, header: &Header, declared: DeclaredCrs) -> Result<LayerCrs> {
    let known = header.crs().and_then(|crs| {
        let org = crs.org().unwrap_or("EPSG");
        match (crs.code(), crs.wkt()) {
            (code, _) if code > 0 => Some(format!("{org}:{code}")),
            (_, Some(wkt)) if !wkt.trim().is_empty() => Some(wkt.to_string()),
            _ => None,
        }
    });
    match (known, declared.crs) {
        (Some(definition), _) => Ok(LayerCrs {
            definition,
            source: "its header".into(),
            format: "fgb",
            assumed: false,
            option: declared.option,
        }),
        (None, Some(definition)) => Ok(LayerCrs::declared(definition, declared.option, "fgb")),
        (None, None) => Err(Error::input(
            path,
            "the header",
            "the FlatGeobuf declares no CRS",
            format!(
                "declare it: {} EPSG:2154 (or the CRS it was exported in)",
                declared.option
            ),
        )),
    }
}

/// A polygon or multipolygon geometry; anything else is not an area.
fn decode(g: &Geometry, layer_type: GeometryType) -> std::result::Result<Decoded, String> {
    let kind = match layer_type {
        GeometryType::Unknown => g.type_(),
        known => known,
    };
    match kind {
        GeometryType::Polygon => Ok(Decoded::Polygons(MultiPolygon::new(vec![polygon(g)?]))),
        GeometryType::MultiPolygon => {
            let parts = g.parts().ok_or("a MultiPolygon without parts")?;
            let polygons = parts
                .iter()
                .map(|p| polygon(&p))
                .collect::<Result<_, _>>()?;
            Ok(Decoded::Polygons(MultiPolygon::new(polygons)))
        }
        GeometryType::Point | GeometryType::MultiPoint => {
            let xy: Vec<f64> = g.xy().map(|v| v.iter().collect()).unwrap_or_default();
            if !xy.len().is_multiple_of(2) {
                return Err("an odd number of ordinates".into());
            }
            Ok(Decoded::Points(
                xy.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            ))
        }
        other => Ok(Decoded::Other(format!("{other:?}"))),
    }
}

/// The rings of a polygon: its coordinates cut at `ends` (one ring without them).
fn polygon(g: &Geometry) -> std::result::Result<Polygon<f64>, String> {
    let xy: Vec<f64> = g.xy().map(|v| v.iter().collect()).unwrap_or_default();
    if !xy.len().is_multiple_of(2) {
        return Err(format!("{} coordinates: not pairs", xy.len()));
    }
    let points = xy.len() / 2;
    let ends: Vec<usize> = match g.ends() {
        Some(ends) if !ends.is_empty() => ends.iter().map(|e| e as usize).collect(),
        _ => vec![points],
    };
    if ends.last() != Some(&points) {
        return Err(format!("rings ending before the last of {points} points"));
    }
    let mut rings = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        if end < start || end > points {
            return Err(format!("a ring ending at point {end} of {points}"));
        }
        let ring: LineString<f64> = xy[2 * start..2 * end]
            .chunks_exact(2)
            .map(|c| (c[0], c[1]))
            .collect();
        rings.push(ring);
        start = end;
    }
    let mut rings = rings.into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
    Ok(Polygon::new(exterior, rings.collect()))
}

/// The property bytes: (column index, value) pairs in the columns' types.
fn properties(
    bytes: &[u8],
    columns: &[(String, ColumnType)],
) -> std::result::Result<Map<String, Value>, String> {
    let mut map = Map::new();
    let mut at = 0;
    let take = |at: &mut usize, n: usize| -> std::result::Result<&[u8], String> {
        let slice = bytes.get(*at..*at + n).ok_or_else(|| {
            format!("a property value passes the end of the feature at byte {at}")
        })?;
        *at += n;
        Ok(slice)
    };
    while at < bytes.len() {
        let index = u16::from_le_bytes(take(&mut at, 2)?.try_into().unwrap_or_default()) as usize;
        let (name, kind) = columns
            .get(index)
            .ok_or_else(|| format!("property column {index} of {}", columns.len()))?;
        let mut fixed = |n: usize| take(&mut at, n).map(|b| b.to_vec());
        let le8 = |b: Vec<u8>| -> [u8; 8] { b.try_into().unwrap_or_default() };
        let value = match *kind {
            ColumnType::Byte => Value::from(fixed(1)?[0] as i8),
            ColumnType::UByte => Value::from(fixed(1)?[0]),
            ColumnType::Bool => Value::Bool(fixed(1)?[0] != 0),
            ColumnType::Short => {
                Value::from(i16::from_le_bytes(fixed(2)?.try_into().unwrap_or_default()))
            }
            ColumnType::UShort => {
                Value::from(u16::from_le_bytes(fixed(2)?.try_into().unwrap_or_default()))
            }
            ColumnType::Int => {
                Value::from(i32::from_le_bytes(fixed(4)?.try_into().unwrap_or_default()))
            }
            ColumnType::UInt => {
                Value::from(u32::from_le_bytes(fixed(4)?.try_into().unwrap_or_default()))
            }
            ColumnType::Long => Value::from(i64::from_le_bytes(le8(fixed(8)?))),
            ColumnType::ULong => Value::from(u64::from_le_bytes(le8(fixed(8)?))),
            ColumnType::Float => {
                number(f32::from_le_bytes(fixed(4)?.try_into().unwrap_or_default()) as f64)
            }
            ColumnType::Double => number(f64::from_le_bytes(le8(fixed(8)?))),
            ColumnType::String | ColumnType::Json | ColumnType::DateTime | ColumnType::Binary => {
                let length = u32::from_le_bytes(fixed(4)?.try_into().unwrap_or_default()) as usize;
                let text = take(&mut at, length)?;
                match *kind {
                    ColumnType::Binary => Value::Null,
                    _ => Value::String(
                        std::str::from_utf8(text)
                            .map_err(|_| format!("property {name} is not UTF-8"))?
                            .to_string(),
                    ),
                }
            }
            other => return Err(format!("property {name} of unknown type {}", other.0)),
        };
        map.insert(name.clone(), value);
    }
    Ok(map)
}

fn number(v: f64) -> Value {
    Number::from_f64(v).map_or(Value::Null, Value::Number)
}
