//! Every map output opened with GDAL (`ogrinfo` and `ogr2ogr` from Debian's gdal-bin,
//! which `.ci/run` installs): the feature counts of the summary, the documented field
//! types, French accents intact, longitude before latitude, exterior rings
//! counter-clockwise and holes clockwise (RFC 7946), and the GeoPackage holding the very
//! geometries of the GeoJSON files.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The attributes of each layer and the type GDAL reads them as: the contract planners
/// build QGIS forms and filters on (README, "Outputs").
const LAYERS: [(&str, &[(&str, &str)]); 4] = [
    (
        "communes",
        &[
            ("code", "String"),
            ("nom", "String"),
            ("commune", "String"),
            ("departement", "String"),
            ("region", "String"),
            ("population", "Real"),
            ("covered_share", "Real"),
            ("class_share", "Real"),
            ("covered_population", "Real"),
            ("white_zone_population", "Real"),
            ("cpts", "String"),
        ],
    ),
    (
        "cpts",
        &[
            ("id", "String"),
            ("nom", "String"),
            ("statut", "String"),
            ("population", "Real"),
            ("tier", "Integer"),
            ("funding_max_eur", "Integer"),
            ("partial", "Integer(Boolean)"),
            ("departements", "String"),
        ],
    ),
    (
        "white_zones",
        &[
            ("id", "String"),
            ("area_km2", "Real"),
            ("population", "Real"),
            ("departements", "String"),
            ("population_by_departement", "String"),
            ("commune_count", "Integer"),
            ("communes", "String"),
        ],
    ),
    (
        "overlaps",
        &[
            ("cpts_a", "String"),
            ("cpts_b", "String"),
            ("area_km2", "Real"),
            ("population", "Real"),
            ("departements", "String"),
            ("communes", "String"),
        ],
    ),
];

fn gdal_present() -> bool {
    let found = Command::new("ogrinfo").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped: GDAL's ogrinfo is not installed (scripts/setup.sh installs gdal-bin)");
    }
    found
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("GDAL prints UTF-8")
}

/// What `ogrinfo -so` says of one layer: feature count, extent, fields and types.
struct LayerInfo {
    count: usize,
    extent: Option<[f64; 4]>,
    fields: Vec<(String, String)>,
}

fn layer_info(source: &Path, layer: &str) -> LayerInfo {
    let text = run("ogrinfo", &["-ro", "-so", source.to_str().unwrap(), layer]);
    let mut info = LayerInfo {
        count: usize::MAX,
        extent: None,
        fields: Vec::new(),
    };
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("Feature Count: ") {
            info.count = n.parse().unwrap();
        } else if let Some(e) = line.strip_prefix("Extent: ") {
            let numbers: Vec<f64> = e
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter(|s| !s.is_empty() && *s != "-")
                .map(|s| s.parse().unwrap())
                .collect();
            info.extent = Some([numbers[0], numbers[1], numbers[2], numbers[3]]);
        } else if let Some((name, kind)) = line.split_once(": ") {
            let known = ["String", "Real", "Integer"];
            if known.iter().any(|k| kind.starts_with(k)) && !name.contains(' ') {
                let kind = kind.rsplit_once(" (").map_or(kind, |(k, _)| k);
                info.fields.push((name.to_string(), kind.to_string()));
            }
        }
    }
    info
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area(ring: &[Value]) -> f64 {
    let xy = |p: &Value| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    ring.windows(2)
        .map(|w| {
            let ((x0, y0), (x1, y1)) = (xy(&w[0]), xy(&w[1]));
            x0 * y1 - x1 * y0
        })
        .sum()
}

/// Longitude/latitude bounding box of every coordinate of a GeoJSON layer.
fn bbox(layer: &Value) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for f in layer["features"].as_array().unwrap() {
        let g = &f["geometry"];
        let polygons = match g["type"].as_str() {
            Some("Polygon") => vec![g["coordinates"].clone()],
            _ => g["coordinates"].as_array().unwrap().clone(),
        };
        for ring in polygons.iter().flat_map(|p| p.as_array().unwrap()) {
            for p in ring.as_array().unwrap() {
                let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
    }
    b
}

/// Checks the four layers in `out` (GeoJSON files, or the GeoPackage when `gpkg`) with
/// GDAL against `summary.json`, the field contract and the communes' own extent.
fn check_layers(out: &Path, gpkg: bool, communes_bbox: [f64; 4]) {
    let summary = read_json(&out.join("summary.json"));
    let counts = [
        summary["unit_count"].as_u64().unwrap() as usize,
        summary["cpts"].as_array().unwrap().len(),
        summary["white_zone_count"].as_u64().unwrap() as usize,
        summary["overlap_count"].as_u64().unwrap() as usize,
    ];
    for ((name, fields), count) in LAYERS.iter().zip(counts) {
        let source = if gpkg {
            out.join("cpts-coverage.gpkg")
        } else {
            out.join(format!("{name}.geojson"))
        };
        let info = layer_info(&source, name);
        assert_eq!(info.count, count, "{name}: feature count");
        let expected: Vec<(String, String)> = fields
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(info.fields, expected, "{name}: fields");
        if *name == "communes" {
            let e = info.extent.expect("an extent");
            for (got, want) in e.iter().zip(communes_bbox) {
                assert!(
                    (got - want).abs() < 2e-6,
                    "extent {e:?}, communes {communes_bbox:?}"
                );
            }
        }
    }
}

/// Every ring of the GeoJSON layers winds as RFC 7946 asks.
fn check_winding(out: &Path) {
    for (name, _) in LAYERS {
        let layer = read_json(&out.join(format!("{name}.geojson")));
        for f in layer["features"].as_array().unwrap() {
            assert_eq!(f["geometry"]["type"], "MultiPolygon");
            for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
                for (i, ring) in polygon.as_array().unwrap().iter().enumerate() {
                    let area = signed_area(ring.as_array().unwrap());
                    assert!(
                        (i == 0) == (area > 0.0),
                        "{name}: ring {i} of {} winds the wrong way",
                        f["properties"]
                    );
                }
            }
        }
    }
}

/// The GeoPackage's layers, read back by GDAL, hold the GeoJSON files' coordinates.
fn check_same_geometries(geojson: &Path, gpkg: &Path) {
    for (name, _) in LAYERS {
        let converted = run(
            "ogr2ogr",
            &[
                "-f",
                "GeoJSON",
                "/vsistdout/",
                gpkg.join("cpts-coverage.gpkg").to_str().unwrap(),
                name,
            ],
        );
        let from_gpkg: Value = serde_json::from_str(&converted).unwrap();
        let ours = read_json(&geojson.join(format!("{name}.geojson")));
        let (a, b) = (&ours["features"], &from_gpkg["features"]);
        assert_eq!(a.as_array().unwrap().len(), b.as_array().unwrap().len());
        for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
            let flat = |v: &Value| -> Vec<f64> {
                let text = v["geometry"]["coordinates"].to_string();
                text.split(['[', ']', ','])
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap())
                    .collect()
            };
            let (p, q) = (flat(x), flat(y));
            assert_eq!(p.len(), q.len(), "{name}: {}", x["properties"]);
            assert!(p.iter().zip(&q).all(|(u, v)| (u - v).abs() < 1e-9));
            for (key, value) in x["properties"].as_object().unwrap() {
                let other = &y["properties"][key];
                let same = match (value, other) {
                    (Value::Bool(b), Value::Number(n)) => n.as_u64() == Some(u64::from(*b)),
                    (Value::Bool(b), Value::Bool(c)) => b == c,
                    (Value::Number(m), Value::Number(n)) => {
                        (m.as_f64().unwrap() - n.as_f64().unwrap()).abs() < 1e-9
                    }
                    _ => value == other,
                };
                assert!(
                    same,
                    "{name}.{key}: {value} in GeoJSON, {other} in GeoPackage"
                );
            }
        }
    }
}

fn analyse_both_ways(communes: &Path, perimeters: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze_into(communes, perimeters, &dir.path().join("geojson"), extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let with_gpkg = [extra, &["--format", "gpkg"]].concat();
    let run = analyze_into(communes, perimeters, &dir.path().join("gpkg"), &with_gpkg);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

fn check_everything(communes: &Path, perimeters: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = analyse_both_ways(communes, perimeters, extra);
    let communes_bbox = bbox(&read_json(communes));
    check_layers(&dir.path().join("geojson"), false, communes_bbox);
    check_layers(&dir.path().join("gpkg"), true, communes_bbox);
    check_winding(&dir.path().join("geojson"));
    check_same_geometries(&dir.path().join("geojson"), &dir.path().join("gpkg"));
    dir
}

#[test]
fn fixture_layers_open_in_gdal_as_documented() {
    if !gdal_present() {
        return;
    }
    let f = root().join("fixtures");
    let dir = check_everything(
        &f.join("communes-22.geojson"),
        &f.join("cpts-22.geojson"),
        &[],
    );
    // Accents survive both formats (UTF-8 throughout).
    for source in ["geojson/cpts.geojson", "gpkg/cpts-coverage.gpkg"] {
        let text = run(
            "ogrinfo",
            &[
                "-ro",
                "-al",
                "-q",
                dir.path().join(source).to_str().unwrap(),
                "cpts",
            ],
        );
        assert!(
            text.contains("nom (String) = CPTS Rance-Émeraude"),
            "{source}: {text}"
        );
    }
    // The styles sit beside the GeoJSON layers and inside the GeoPackage.
    for (name, _) in LAYERS {
        let qml = std::fs::read_to_string(dir.path().join(format!("geojson/{name}.qml"))).unwrap();
        assert!(qml.starts_with("<!DOCTYPE qgis"), "{name}.qml");
    }
    // The QGIS project names every layer by a path relative to itself, which exists.
    for (format, file) in [
        ("geojson", "{name}.geojson"),
        ("gpkg", "cpts-coverage.gpkg"),
    ] {
        let qgs = std::fs::read_to_string(dir.path().join(format!("{format}/cpts-coverage.qgs")))
            .unwrap();
        for (name, _) in LAYERS {
            let file = file.replace("{name}", name);
            let source = if format == "gpkg" {
                format!("<datasource>./{file}|layername={name}</datasource>")
            } else {
                format!("<datasource>./{file}|geometrytype=MultiPolygon</datasource>")
            };
            assert!(qgs.contains(&source), "{format}: {source}");
            // A run of metropolitan communes is shown in Lambert-93.
            assert!(
                qgs.contains(
                    "<projectCrs><spatialrefsys><wkt>PROJCS[&quot;RGF93 v1 / Lambert-93&quot;"
                ),
                "{format}"
            );
            assert!(dir.path().join(format).join(&file).is_file(), "{file}");
        }
    }
    let styles = run(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            dir.path().join("gpkg/cpts-coverage.gpkg").to_str().unwrap(),
            "-sql",
            "SELECT f_table_name, useAsDefault FROM layer_styles ORDER BY id",
        ],
    );
    for (name, _) in LAYERS {
        assert!(
            styles.contains(&format!("f_table_name (String) = {name}")),
            "{styles}"
        );
    }
}

#[test]
fn national_layers_open_in_gdal_as_documented() {
    let (Some(data), true) = (shared_data(), gdal_present()) else {
        return;
    };
    let arrondissements = data.join("france/arrondissements.geojson");
    check_everything(
        &data.join("france/communes.geojson"),
        &data.join("world1/cpts.geojson"),
        &["--arrondissements", arrondissements.to_str().unwrap()],
    );
}

#[test]
fn every_table_reads_in_gdal_with_numbers_typed() {
    if !gdal_present() {
        return;
    }
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &f.join("communes-22.geojson"),
        &f.join("cpts-22.geojson"),
        &out,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let typed = |table: &str, expected: &[(&str, &str)]| {
        let info = layer_info(&out.join(format!("{table}.csv")), table);
        for (name, kind) in expected {
            assert!(
                info.fields.contains(&(name.to_string(), kind.to_string())),
                "{table}.{name} not {kind}: {:?}",
                info.fields
            );
        }
        info.count
    };
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(
        typed(
            "cpts",
            &[
                ("population", "Real"),
                ("tier", "Integer"),
                ("funding_max_eur", "Integer"),
                ("nom", "String")
            ]
        ),
        summary["cpts"].as_array().unwrap().len()
    );
    for table in ["by_departement", "by_region"] {
        typed(
            table,
            &[
                ("population", "Real"),
                ("coverage_rate", "Real"),
                ("uncovered_outside_white_zones", "Real"),
            ],
        );
    }
    assert_eq!(
        typed(
            "white_zones",
            &[
                ("population", "Real"),
                ("area_km2", "Real"),
                ("commune_count", "Integer")
            ]
        ) as u64,
        summary["white_zone_count"].as_u64().unwrap()
    );
    typed(
        "uncovered_communes",
        &[
            ("population", "Real"),
            ("covered_share", "Real"),
            ("uncovered_population", "Real"),
        ],
    );
}

#[test]
fn a_plans_proposals_open_in_gdal_with_their_kinds() {
    if !gdal_present() {
        return;
    }
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "-q",
        "--no-cache",
        "--communes",
        f.join("communes-22.geojson").to_str().unwrap(),
        "--perimeters",
        f.join("cpts-22.csv").to_str().unwrap(),
        "--new-cpts-min",
        "10000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Nine white zones: two new CPTS (ZB-0001, ZB-0002), four extensions (ZB-0003 to
    // ZB-0006), the three islets of Bréhat to the nearest CPTS.
    let proposals = out.join("proposals.geojson");
    let info = layer_info(&proposals, "proposals");
    assert_eq!(info.count, 9);
    for field in ["kind", "white_zone", "cpts", "nom", "communes"] {
        assert!(
            info.fields
                .contains(&(field.to_string(), "String".to_string())),
            "{field}: {:?}",
            info.fields
        );
    }
    let kinds = kind_counts(&proposals);
    assert_eq!(kinds, [("extension", 4), ("nearest", 3), ("new_cpts", 2)]);
    assert!(out.join("proposals.qml").is_file());
}

/// How many proposals of each kind GDAL reads, by kind.
fn kind_counts(proposals: &Path) -> Vec<(&'static str, usize)> {
    ["extension", "nearest", "new_cpts"]
        .into_iter()
        .map(|kind| {
            let text = run(
                "ogrinfo",
                &[
                    "-ro",
                    "-q",
                    proposals.to_str().unwrap(),
                    "-sql",
                    &format!("SELECT COUNT(*) AS n FROM proposals WHERE kind = '{kind}'"),
                ],
            );
            let n = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("n (Integer) = "))
                .unwrap_or_else(|| panic!("{text}"));
            (kind, n.parse().unwrap())
        })
        .collect()
}
