//! The `cpts` binary as a planner runs it: outputs on success, and on bad input an
//! error naming the file, the feature and the fix, exit status 2 and nothing written.

mod common;

use common::{analyze_into, cpts, read_json, root, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn square(x: f64, y: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]})
}

fn feature(properties: Value, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn good_communes() -> Vec<Value> {
    vec![
        feature(
            json!({"code": "03001", "nom": "Un", "population": 100, "departement": "03", "region": "84"}),
            square(3.0, 46.5),
        ),
        feature(
            json!({"code": "03002", "nom": "Deux", "population": 50, "departement": "03", "region": "84"}),
            square(3.01, 46.5),
        ),
    ]
}

fn good_perimeters() -> String {
    collection(vec![feature(
        json!({"id": "P1", "nom": "CPTS Un", "statut": "signataire_aci"}),
        square(3.0, 46.5),
    )])
}

/// A work directory with `communes.geojson` and `perimeters` written into it.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(communes: &str, perimeters: (&str, &str)) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("communes.geojson"), communes).unwrap();
        std::fs::write(dir.path().join(perimeters.0), perimeters.1).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn analyze(&self, perimeters: &str, extra: &[&str]) -> Run {
        self.analyze_communes("communes.geojson", perimeters, extra)
    }

    /// Runs `analyze` with the communes at `communes` (relative to the directory).
    fn analyze_communes(&self, communes: &str, perimeters: &str, extra: &[&str]) -> Run {
        let (c, p, o) = (self.path(communes), self.path(perimeters), self.path("out"));
        let mut args = vec![
            "analyze",
            "--communes",
            c.to_str().unwrap(),
            "--perimeters",
            p.to_str().unwrap(),
            "--out",
            o.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        cpts(&args)
    }

    /// Runs with bad input: exit 2, every `expected` fragment in the message, no output.
    fn fails_with(&self, perimeters: &str, expected: &[&str]) {
        let run = self.analyze(perimeters, &[]);
        assert_eq!(run.code, 2, "stderr: {}", run.stderr);
        for fragment in expected {
            assert!(
                run.stderr.contains(fragment),
                "{fragment:?} not in:\n{}",
                run.stderr
            );
        }
        assert!(
            !self.path("out").exists(),
            "outputs were written despite the error"
        );
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".cpts"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left behind");
    }
}

fn communes_with(first: Value) -> String {
    let mut features = good_communes();
    features[0] = first;
    collection(features)
}

#[test]
fn a_good_run_writes_every_output_and_prints_the_headline() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    let run = case.analyze("cpts.geojson", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("66.67 % of 150 inhabitants covered"),
        "{}",
        run.stdout
    );
    for name in [
        "summary.json",
        "communes.geojson",
        "cpts.geojson",
        "white_zones.geojson",
        "overlaps.geojson",
        "cpts.csv",
        "cpts.csvt",
        "by_departement.csv",
        "by_region.csv",
        "white_zones.csv",
        "uncovered_communes.csv",
    ] {
        assert!(case.path("out").join(name).is_file(), "{name} missing");
    }
    let s = common::read_json(&case.path("out/summary.json"));
    assert_eq!(
        s["schema_version"],
        cpts_coverage::figures::summary::SCHEMA_VERSION
    );
    // No overlap: zero, not "-0" (a float sum of nothing).
    assert_eq!(s["overlap_count"], 0);
    let text = std::fs::read_to_string(case.path("out/summary.json")).unwrap();
    assert!(!text.contains("-0.0"), "{text}");
    assert_eq!(s["white_zone_count"], 1);
    let cpts_csv = std::fs::read_to_string(case.path("out/cpts.csv")).unwrap();
    assert_eq!(cpts_csv, "id,nom,statut,population,tier,funding_max_eur,partial,departements,departement_noms\nP1,CPTS Un,signataire_aci,100.0,1,287500,false,03,Allier\n");
    let types = std::fs::read_to_string(case.path("out/cpts.csvt")).unwrap();
    assert_eq!(types, "\"String\",\"String\",\"String\",\"Real\",\"Integer\",\"Integer\",\"String\",\"String\",\"String\"\n");
    // The 50 uncovered inhabitants: one white zone, and the communes holding them.
    let zones = std::fs::read_to_string(case.path("out/white_zones.csv")).unwrap();
    assert_eq!(zones.lines().count(), 2, "{zones}");
    assert!(
        zones
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("ZB-0001,03,Allier,50.0,"),
        "{zones}"
    );
    let uncovered = std::fs::read_to_string(case.path("out/uncovered_communes.csv")).unwrap();
    let people: f64 = uncovered
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(people, 50.0, "{uncovered}");
    // A second run replaces the outputs of the first only when told to.
    let again = case.analyze("cpts.geojson", &["-q"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("the directory already holds outputs")
            && again.stderr.contains("give --force to replace them"),
        "{}",
        again.stderr
    );
    assert_eq!(case.analyze("cpts.geojson", &["-q", "--force"]).code, 0);
}

#[test]
fn geojson_outputs_follow_rfc_7946() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    assert_eq!(case.analyze("cpts.geojson", &["-q"]).code, 0);
    for name in ["communes.geojson", "cpts.geojson", "white_zones.geojson"] {
        let layer = common::read_json(&case.path("out").join(name));
        assert!(layer.get("crs").is_none(), "{name} has a crs member");
        for f in layer["features"].as_array().unwrap() {
            for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
                let ring: Vec<(f64, f64)> = polygon[0]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                    .collect();
                // Shoelace: positive for counter-clockwise; longitude first (x ≈ 3, y ≈ 46.5).
                let twice_area: f64 = ring
                    .windows(2)
                    .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                    .sum();
                assert!(twice_area > 0.0, "{name}: exterior ring is clockwise");
                assert!(
                    ring.iter()
                        .all(|(x, y)| (2.9..3.1).contains(x) && (46.4..46.6).contains(y)),
                    "{name}: {ring:?}"
                );
            }
        }
    }
}

#[test]
fn statuses_filter_counts_only_the_chosen_cpts() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    let run = case.analyze("cpts.geojson", &["--statuses", "projet,pre_projet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = common::read_json(&case.path("out/summary.json"));
    assert_eq!(s["covered_population"], 0.0);
    assert_eq!(s["white_zone_population"], 150.0);
    assert_eq!(s["by_status"][0]["covered_population"], 100.0);
    let bad = case.analyze("cpts.geojson", &["--statuses", "signed"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown status \"signed\""),
        "{}",
        bad.stderr
    );
}

#[test]
fn missing_file() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    case.fails_with(
        "nowhere.geojson",
        &["nowhere.geojson", "cannot read the file"],
    );
}

#[test]
fn truncated_json() {
    let text = collection(good_communes());
    let case = Case::new(
        &text[..text.len() / 2],
        ("cpts.geojson", &good_perimeters()),
    );
    case.fails_with(
        "cpts.geojson",
        &["communes.geojson", "looks truncated", "fix:"],
    );
}

#[test]
fn missing_population() {
    let f = feature(
        json!({"code": "03001", "departement": "03", "region": "84"}),
        square(3.0, 46.5),
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &[
            "feature 0 (code 03001)",
            "no population property `population`",
            "--population-field",
        ],
    );
}

#[test]
fn population_of_the_wrong_type() {
    let f = feature(
        json!({"code": "03001", "population": "cent", "departement": "03", "region": "84"}),
        square(3.0, 46.5),
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["feature 0 (code 03001)", "a number was expected"],
    );
}

#[test]
fn negative_population() {
    let f = feature(
        json!({"code": "03001", "population": -5, "departement": "03", "region": "84"}),
        square(3.0, 46.5),
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["feature 0 (code 03001)", "-5", "zero or more"],
    );
}

#[test]
fn nan_coordinates() {
    let text = collection(good_communes()).replacen("3.0,", "NaN,", 1);
    let case = Case::new(&text, ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["communes.geojson", "not valid GeoJSON", "line 1"],
    );
}

#[test]
fn projected_coordinates_read_as_wgs84() {
    let lambert = json!({"type": "Polygon", "coordinates": [[[700000.0, 6600000.0], [701000.0, 6600000.0], [701000.0, 6601000.0], [700000.0, 6600000.0]]]});
    let f = feature(
        json!({"code": "03001", "population": 5, "departement": "03", "region": "84"}),
        lambert,
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &[
            "feature 0 (code 03001)",
            "looks projected",
            "ogr2ogr -t_srs EPSG:4326",
        ],
    );
}

#[test]
fn duplicate_commune_codes() {
    let f = feature(
        json!({"code": "03002", "population": 5, "departement": "03", "region": "84"}),
        square(3.0, 46.5),
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with("cpts.geojson", &["features 0 and 1", "03002 appears twice"]);
}

#[test]
fn null_and_empty_geometries() {
    let null = json!({"type": "Feature", "properties": {"code": "03001", "population": 5, "departement": "03", "region": "84"}, "geometry": null});
    let case = Case::new(&communes_with(null), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["feature 0 (code 03001)", "the geometry is null"],
    );
    let empty = feature(
        json!({"code": "03001", "population": 5, "departement": "03", "region": "84"}),
        json!({"type": "MultiPolygon", "coordinates": []}),
    );
    let case = Case::new(&communes_with(empty), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["feature 0 (code 03001)", "the geometry is empty"],
    );
}

#[test]
fn empty_layer() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &collection(vec![])),
    );
    case.fails_with(
        "cpts.geojson",
        &["cpts.geojson", "the layer has no feature"],
    );
}

#[test]
fn unknown_status() {
    let perimeters = collection(vec![feature(
        json!({"id": "P1", "statut": "signed"}),
        square(3.0, 46.5),
    )]);
    let case = Case::new(&collection(good_communes()), ("cpts.geojson", &perimeters));
    case.fails_with(
        "cpts.geojson",
        &[
            "feature 0",
            "unknown status labels: \"signed\"",
            "signataire_aci, projet or pre_projet",
            "--status-map",
        ],
    );
}

#[test]
fn duplicate_cpts_ids() {
    let f = feature(json!({"id": "P1", "statut": "projet"}), square(3.0, 46.5));
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &collection(vec![f.clone(), f])),
    );
    case.fails_with(
        "cpts.geojson",
        &["features 0 and 1", "the CPTS id \"P1\" appears twice"],
    );
}

#[test]
fn membership_row_naming_an_unknown_commune() {
    let table =
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;03001\nA;CPTS A;projet;03999\n";
    let case = Case::new(&collection(good_communes()), ("members.csv", table));
    case.fails_with(
        "members.csv",
        &[
            "03999 (line 3)",
            "codes of no commune in any vintage of the COG",
        ],
    );
}

#[test]
fn membership_rows_naming_arrondissements_need_their_layer() {
    let table =
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;75101\nA;CPTS A;projet;75102\n";
    let mut communes = good_communes();
    communes.push(feature(
        json!({"code": "75056", "nom": "Paris", "population": 10, "departement": "75", "region": "11"}),
        square(2.3, 48.8),
    ));
    let case = Case::new(&collection(communes), ("members.csv", table));
    case.fails_with(
        "members.csv",
        &[
            "Paris (75056) is split between 1 CPTS (A) by its arrondissements, which the communes layer lacks: 75101 (line 2), 75102 (line 3)",
            "--arrondissements FILE",
        ],
    );
}

#[test]
fn codes_that_lost_their_leading_zero_are_restored_and_counted() {
    let mut features = good_communes();
    features[0]["properties"]["code"] = json!(3001);
    let table = "cpts_id,cpts_nom,statut,code_insee\nA,CPTS A,projet,3001\n";
    let case = Case::new(&collection(features), ("members.csv", table));
    let run = case.analyze("members.csv", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("restored the leading zero of 2 INSEE codes"),
        "{}",
        run.stderr
    );
    let s = common::read_json(&case.path("out/summary.json"));
    assert_eq!(s["repaired_codes"], 2);
    assert_eq!(s["covered_population"], 100.0);
    // The report says it too.
    let md = std::fs::read_to_string(case.path("out/report.md")).unwrap();
    assert!(
        md.contains("| entrées réparées | 0 géométrie invalide reconstruite, 2 codes INSEE au zéro initial rétabli |"),
        "{md}"
    );
}

#[test]
fn self_intersecting_polygons_are_repaired_and_counted() {
    // A bow tie over commune 03001: two triangles of a quarter of the square each.
    let bow_tie = json!({"type": "Polygon", "coordinates": [[[3.0, 46.5], [3.01, 46.51], [3.01, 46.5], [3.0, 46.51], [3.0, 46.5]]]});
    let perimeters = collection(vec![feature(
        json!({"id": "P1", "statut": "projet"}),
        bow_tie,
    )]);
    let case = Case::new(&collection(good_communes()), ("cpts.geojson", &perimeters));
    let run = case.analyze("cpts.geojson", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("repaired 1 invalid geometries"),
        "{}",
        run.stderr
    );
    let s = common::read_json(&case.path("out/summary.json"));
    assert_eq!(s["repaired_geometries"], 1);
    assert!(
        (s["covered_population"].as_f64().unwrap() - 50.0).abs() < 0.01,
        "{}",
        s["covered_population"]
    );
}

#[test]
fn refuses_to_write_into_a_directory_of_other_files() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    std::fs::create_dir(case.path("out")).unwrap();
    std::fs::write(case.path("out/notes.txt"), "keep me").unwrap();
    let run = case.analyze("cpts.geojson", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    // --force replaces outputs, never other files.
    let run = case.analyze("cpts.geojson", &["--force"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("\"notes.txt\", which is not an output of cpts")
            && run.stderr.contains("--out"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(case.path("out/notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn refuses_to_write_over_its_inputs() {
    // The communes layer inside the output directory, named like an output.
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    std::fs::create_dir(case.path("out")).unwrap();
    std::fs::rename(
        case.path("communes.geojson"),
        case.path("out/communes.geojson"),
    )
    .unwrap();
    let run = case.analyze_communes("out/communes.geojson", "cpts.geojson", &["--force"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("lies in the output directory: the outputs would replace it"),
        "{}",
        run.stderr
    );
    assert!(
        case.path("out/communes.geojson").is_file(),
        "the input was lost"
    );
}

#[test]
fn a_feature_of_a_million_vertices_is_read_in_linear_time() {
    // A circle of 10⁶ vertices over the communes: geo's validity check alone would
    // compare 10¹² segment pairs. It gives the coverage of the same circle in 10⁴.
    let circle = |n: usize| {
        let ring: Vec<[f64; 2]> = (0..=n)
            .map(|k| {
                let a = std::f64::consts::TAU * (k % n) as f64 / n as f64;
                [3.01 + 0.004 * a.cos(), 46.505 + 0.004 * a.sin()]
            })
            .collect();
        collection(vec![feature(
            json!({"id": "P1", "nom": "Cercle", "statut": "projet"}),
            json!({"type": "Polygon", "coordinates": [ring]}),
        )])
    };
    let rate = |n: usize| {
        let case = Case::new(&collection(good_communes()), ("cpts.geojson", &circle(n)));
        let run = case.analyze("cpts.geojson", &["-q"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        common::read_json(&case.path("out/summary.json"))["coverage_rate"]
            .as_f64()
            .unwrap()
    };
    let (fine, coarse) = (rate(1_000_000), rate(10_000));
    assert!(fine > 0.1, "{fine}");
    assert!((fine - coarse).abs() < 1e-6, "{fine} vs {coarse}");
}

#[test]
fn help_names_every_option() {
    let run = cpts(&["analyze", "--help"]);
    for option in [
        "--communes",
        "--perimeters",
        "--out",
        "--arrondissements",
        "--statuses",
        "--sliver-km2",
        "--threads",
        "--tariff",
        "--code-field",
        "--population-field",
        "--quiet",
        "--verbose",
    ] {
        assert!(run.stdout.contains(option), "{option} missing from --help");
    }
    assert!(Path::new(env!("CARGO_BIN_EXE_cpts")).is_file());
}

#[test]
fn wrong_formats() {
    // A CSV given as communes, and a single Feature instead of a FeatureCollection.
    let case = Case::new(
        "code;population\n03001;100\n",
        ("cpts.geojson", &good_perimeters()),
    );
    case.fails_with(
        "cpts.geojson",
        &["communes.geojson", "not valid GeoJSON", "FeatureCollection"],
    );
    let single = good_communes().remove(0).to_string();
    let case = Case::new(&single, ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["a GeoJSON FeatureCollection was expected, found type \"Feature\""],
    );
    // A membership table without its code column.
    let case = Case::new(
        &collection(good_communes()),
        ("members.csv", "cpts_id;cpts_nom;statut\nA;CPTS A;projet\n"),
    );
    case.fails_with(
        "members.csv",
        &[
            "the header",
            "no column gives the communes (columns: cpts_id, cpts_nom, statut)",
            "add a code_insee column, or nom_commune and departement columns",
        ],
    );
}

#[test]
fn a_geometry_without_area() {
    // An out-and-back ring: four positions, no area.
    let flat = json!({"type": "Polygon", "coordinates": [[[3.0, 46.5], [3.01, 46.5], [3.0, 46.5], [3.01, 46.5]]]});
    let f = feature(
        json!({"code": "03001", "population": 5, "departement": "03", "region": "84"}),
        flat,
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["communes.geojson", "feature 03001", "no area"],
    );
}

#[test]
fn a_stray_vertex_or_a_wrong_departement() {
    let stray = json!({"type": "Polygon", "coordinates": [[[3.0, 46.5], [3.01, 46.5], [3.01, -89.9], [3.0, 46.5]]]});
    let f = feature(
        json!({"code": "03001", "population": 5, "departement": "03", "region": "84"}),
        stray,
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with("cpts.geojson", &["feature 0 (code 03001)", "stray vertex"]);
    let f = feature(
        json!({"code": "97401", "population": 5, "departement": "974", "region": "04"}),
        square(3.0, 46.5),
    );
    let case = Case::new(&communes_with(f), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &[
            "feature 0 (code 97401)",
            "département 974 belongs to Reunion",
        ],
    );
}

#[test]
fn a_city_and_its_arrondissements_in_one_layer() {
    let mut features = good_communes();
    features.push(feature(
        json!({"code": "75056", "population": 2_100_000, "departement": "75", "region": "11"}),
        square(3.0, 46.52),
    ));
    features.push(feature(
        json!({"code": "75101", "population": 16_000, "departement": "75", "region": "11"}),
        square(3.01, 46.52),
    ));
    let case = Case::new(&collection(features), ("cpts.geojson", &good_perimeters()));
    case.fails_with(
        "cpts.geojson",
        &["code 75101", "counted twice", "--arrondissements"],
    );
}

#[test]
fn arrondissements_in_place_of_their_city_in_the_communes_layer() {
    // Paris given as two of its arrondissements, as IGN's ARRONDISSEMENT_MUNICIPAL
    // layer merged into the communes: a row naming the city covers both, once.
    let mut features = good_communes();
    for (code, population, x) in [("75101", 16_000, 3.02), ("75102", 20_000, 3.03)] {
        features.push(feature(
            json!({"code": code, "population": population, "departement": "75", "region": "11"}),
            square(x, 46.5),
        ));
    }
    let table =
        "cpts_id;cpts_nom;statut;code_insee\nP;CPTS Paris;projet;75056\nQ;CPTS Un;projet;03001\n";
    let case = Case::new(&collection(features), ("members.csv", table));
    let run = case.analyze("members.csv", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&case.path("out/summary.json"));
    assert_eq!(s["population_level"], "arrondissements");
    assert_eq!(s["unit_count"], 4);
    assert_eq!(s["cpts"][0]["id"], "P");
    assert_eq!(s["cpts"][0]["population"], 36_000.0);
    assert_eq!(s["overlap_count"], 0);
    assert_eq!(s["covered_population"], 36_100.0);
    let communes = read_json(&case.path("out/communes.geojson"));
    let cities: Vec<&str> = communes["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["commune"].as_str().unwrap())
        .collect();
    assert_eq!(cities, ["03001", "03002", "75056", "75056"]);
}

#[test]
fn the_sliver_tolerance_must_be_an_area() {
    let case = Case::new(
        &collection(good_communes()),
        ("cpts.geojson", &good_perimeters()),
    );
    for bad in ["NaN", "-1", "inf", "lots"] {
        let flag = format!("--sliver-km2={bad}");
        let run = case.analyze("cpts.geojson", &[&flag]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("not an area in km²"), "{}", run.stderr);
    }
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // Nested in the properties: the JSON reader's recursion limit answers.
    let layer = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":{deep}}},"geometry":null}}]}}"#
    );
    let case = Case::new(&collection(good_communes()), ("cpts.geojson", &layer));
    case.fails_with(
        "cpts.geojson",
        &["recursion limit exceeded", "not valid GeoJSON"],
    );
    // Nested in the coordinates: a malformed geometry.
    let layer = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"A"}},"geometry":{{"type":"Polygon","coordinates":{deep}}}}}]}}"#
    );
    let case = Case::new(&collection(good_communes()), ("cpts.geojson", &layer));
    case.fails_with("cpts.geojson", &["feature 0 (A)", "malformed geometry"]);
}

#[test]
fn populations_that_are_not_whole_numbers_are_used_and_stated() {
    let mut communes = good_communes();
    communes[0]["properties"]["population"] = json!(100.5);
    let case = Case::new(&collection(communes), ("cpts.geojson", &good_perimeters()));
    let run = case.analyze("cpts.geojson", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = common::read_json(&case.path("out/summary.json"));
    assert_eq!(s["total_population"], 150.5);
    assert_eq!(s["assumptions"][0]["kind"], "fractional_population");
    assert!(
        run.stderr
            .contains("not whole numbers, used as given: 03001 (100.5)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // `cpts validate … | head -1`: the reader goes away after one line.
    let f = common::root().join("fixtures");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cpts"))
        .env("XDG_CACHE_HOME", common::root().join("target/test-cache"))
        .args(["validate", "--communes"])
        .arg(f.join("communes-22.geojson"))
        .arg("--perimeters")
        .arg(f.join("cpts-22.geojson"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn sources_carry_the_day_their_file_was_last_changed() {
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    std::fs::copy(root().join("fixtures/communes-22.geojson"), &communes).unwrap();
    // 2024-03-12 12:00 UTC.
    let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_710_244_800);
    std::fs::File::options()
        .write(true)
        .open(&communes)
        .unwrap()
        .set_modified(noon)
        .unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &communes,
        &root().join("fixtures/cpts-22.geojson"),
        &out,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["sources"][0]["role"], "communes");
    assert_eq!(s["sources"][0]["modified"], "2024-03-12");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<code>communes.geojson</code> (geojson, EPSG:4326 (RFC 7946, aucun membre crs), 2024-03-12)"), "{html}");
}
