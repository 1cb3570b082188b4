//! A finer population layer (`--population-grid`) on worlds drawn by hand in the grid's
//! own CRS (EPSG:3035, the communes' squares on the cells' lines), every figure worked
//! out by hand.
//!
//! The split world: commune 22001 (x 0–1000 m, 1,000 inhabitants), CPTS P over its east
//! half (x 500–1500). The grid puts 1,200 and 800 people in two cells of the east half:
//! twice the commune's population, scaled back, and all of it covered.
//!
//! The shared world: 22001 (x 0–1000, 1,000 inh.), 22002 (x 1000–2000, 300 inh.),
//! 22003 (x 2000–3000, 600 inh.), P over x 500–1500, Q over x 2000–2250. Cells: 50
//! people at x 200–400 (in 22001's west half), 100 astride 22001 and 22002 (x 900–1100);
//! none on 22003, which keeps the even spread.
//! - 22001: 50 + 100 × ½ = 100 grid people, scaled ×10; its covered people are the
//!   astride cell's west half: 500 of 1,000.
//! - 22002: all its grid people are in x 1000–1100, inside P: 300 covered.
//! - 22003: even, a quarter inside Q: 150.
//!
//! Covered 950 of 1,900; P 800, Q 150; white zones 500 (22001's west half), 450
//! (22003's rest) and 0 (22002's east half).

mod common;

use common::{analyze_into, read_json, shared_data};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// South-west corner of the worlds, EPSG:3035 metres (Île-de-France).
const E0: f64 = 3_760_000.0;
const N0: f64 = 2_880_000.0;

fn rectangle(x0: f64, x1: f64, y0: f64, y1: f64) -> Value {
    json!([[
        [E0 + x0, N0 + y0],
        [E0 + x1, N0 + y0],
        [E0 + x1, N0 + y1],
        [E0 + x0, N0 + y1],
        [E0 + x0, N0 + y0]
    ]])
}

/// A layer in EPSG:3035 (a legacy `crs` member).
fn layer(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "EPSG:3035"}},
           "features": features})
    .to_string()
}

fn commune(code: &str, population: u32, x0: f64) -> Value {
    json!({"type": "Feature",
        "properties": {"code": code, "nom": format!("Commune {code}"), "population": population,
                       "departement": "22", "region": "53"},
        "geometry": {"type": "Polygon", "coordinates": rectangle(x0, x0 + 1000.0, 0.0, 1000.0)}})
}

fn perimeter(id: &str, x0: f64, x1: f64) -> Value {
    json!({"type": "Feature", "properties": {"id": id, "nom": format!("CPTS {id}"), "statut": "projet"},
        "geometry": {"type": "Polygon", "coordinates": rectangle(x0, x1, 0.0, 1000.0)}})
}

/// The INSPIRE id of the 200 m cell whose south-west corner is (x, y) from the origin.
fn id(x: f64, y: f64) -> String {
    format!("CRS3035RES200mN{}E{}", N0 + y, E0 + x)
}

/// One cell: (x, y) of its south-west corner, people, aged 65–79, aged 80 and over.
type Cell = (f64, f64, f64, f64, f64);

/// The shared world's cells.
const SHARED: [Cell; 2] = [
    (200.0, 0.0, 50.0, 10.0, 5.0),
    (900.0, 0.0, 100.0, 20.0, 10.0),
];

/// The grid in INSEE's 2019 layout.
fn grid_2019(cells: &[Cell]) -> String {
    let mut csv = String::from("idcar_200m,i_est_200,lcog_geo,ind,ind_65_79,ind_80p\n");
    for &(x, y, ind, old, oldest) in cells {
        csv.push_str(&format!("{},0,22001,{ind},{old},{oldest}\n", id(x, y)));
    }
    csv
}

struct World {
    dir: tempfile::TempDir,
    communes: PathBuf,
    perimeters: PathBuf,
}

impl World {
    fn new(communes: Vec<Value>, perimeters: Vec<Value>) -> World {
        let dir = tempfile::tempdir().unwrap();
        let w = World {
            communes: dir.path().join("communes.geojson"),
            perimeters: dir.path().join("cpts.geojson"),
            dir,
        };
        std::fs::write(&w.communes, layer(communes)).unwrap();
        std::fs::write(&w.perimeters, layer(perimeters)).unwrap();
        w
    }

    fn shared() -> World {
        World::new(
            vec![
                commune("22001", 1000, 0.0),
                commune("22002", 300, 1000.0),
                commune("22003", 600, 2000.0),
            ],
            vec![
                perimeter("P", 500.0, 1500.0),
                perimeter("Q", 2000.0, 2250.0),
            ],
        )
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The summary of an analysis with `extra` flags (the gap rule off: the pieces are
    /// the figures).
    fn summary(&self, name: &str, extra: &[&str]) -> Value {
        let out = self.dir.path().join(name);
        let mut args = vec!["--gap-width", "0"];
        args.extend_from_slice(extra);
        let run = analyze_into(&self.communes, &self.perimeters, &out, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        read_json(&out.join("summary.json"))
    }

    fn refused(&self, extra: &[&str]) -> String {
        let out = self.dir.path().join("refused");
        let run = analyze_into(&self.communes, &self.perimeters, &out, extra);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(!out.exists(), "nothing is written when an input is refused");
        run.stderr
    }
}

/// A figure equal to `want` within 0.01 inhabitant.
fn close(found: &Value, want: f64) {
    let found = found
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {found}"));
    assert!((found - want).abs() < 0.01, "{found} instead of {want}");
}

fn row<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value}"))
}

#[test]
fn a_commune_whose_grid_people_live_in_its_covered_half_is_wholly_covered() {
    let w = World::new(
        vec![commune("22001", 1000, 0.0)],
        vec![perimeter("P", 500.0, 1500.0)],
    );
    let even = w.summary("even", &[]);
    close(&even["covered_population"], 500.0);
    // Twice the commune's population in the grid, all in the east half.
    let grid = w.file(
        "grid.csv",
        &grid_2019(&[
            (600.0, 0.0, 1200.0, 0.0, 0.0),
            (800.0, 400.0, 800.0, 0.0, 0.0),
        ]),
    );
    let s = w.summary("grid", &["--population-grid", grid.to_str().unwrap()]);
    close(&s["total_population"], 1000.0);
    close(&s["covered_population"], 1000.0);
    close(&row(&s["cpts"], "id", "P")["population"], 1000.0);
    // The west half is still a white zone, with nobody in it.
    assert_eq!(s["white_zone_count"], 1);
    close(&s["white_zone_population"], 0.0);
    close(&s["sliver_population"], 0.0);
}

#[test]
fn a_cell_astride_two_communes_shares_its_people_by_area_and_a_commune_the_grid_misses_stays_even()
{
    let w = World::shared();
    let grid = w.file("grid.csv", &grid_2019(&SHARED));
    let even = w.summary("even", &[]);
    close(&even["covered_population"], 500.0 + 150.0 + 150.0);
    let s = w.summary("grid", &["--population-grid", grid.to_str().unwrap()]);
    close(&s["total_population"], 1900.0);
    close(&s["covered_population"], 950.0);
    close(&row(&s["cpts"], "id", "P")["population"], 800.0);
    close(&row(&s["cpts"], "id", "Q")["population"], 150.0);
    let zones: Vec<f64> = s["white_zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["population"].as_f64().unwrap())
        .collect();
    assert_eq!(zones.len(), 3, "{zones:?}");
    for (found, want) in zones.iter().zip([500.0, 450.0, 0.0]) {
        assert!((found - want).abs() < 0.01, "{zones:?}");
    }
    // Covered, white and the rest add up to the population.
    let sum = s["covered_population"].as_f64().unwrap()
        + s["white_zone_population"].as_f64().unwrap()
        + s["sliver_population"].as_f64().unwrap();
    assert!((sum - 1900.0).abs() < 0.01, "{sum}");
    let stated: Vec<&str> = s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "population_grid")
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert!(
        stated
            .iter()
            .any(|t| t.contains("1 communes have no inhabitant") && t.contains("22003")),
        "{stated:?}"
    );
}

#[test]
fn the_age_bands_summed_by_hand() {
    let w = World::shared();
    let grid = w.file("grid.csv", &grid_2019(&SHARED));
    let s = w.summary("grid", &["--population-grid", grid.to_str().unwrap()]);
    // 22001: 100 grid people scaled ×10: 65+ = 10 × (15 + ½ × 30) = 300, 80+ = 10 ×
    // (5 + ½ × 10) = 100; half covered. 22002: 50 grid people scaled ×6: 65+ = 6 × 15 =
    // 90, 80+ = 30, all covered. 22003: no figures by age.
    let a = &s["ages"];
    close(&a["population_65_plus"], 390.0);
    close(&a["population_80_plus"], 130.0);
    close(&a["covered_population_65_plus"], 240.0);
    close(&a["covered_population_80_plus"], 80.0);
    close(&a["white_zone_population_65_plus"], 150.0);
    close(&a["white_zone_population_80_plus"], 50.0);
    assert_eq!(a["units_without_ages"], 1);
    close(
        &row(&s["cpts"], "id", "P")["ages"]["population_65_plus"],
        240.0,
    );
    close(
        &row(&s["by_departement"], "departement", "22")["ages"]["population_80_plus"],
        130.0,
    );
    close(&s["white_zones"][0]["ages"]["population_65_plus"], 150.0);
    // The tables carry them.
    let table = std::fs::read_to_string(w.dir.path().join("grid/by_departement.csv")).unwrap();
    let header = table.lines().next().unwrap();
    assert!(header.ends_with(
        "population_65_plus,population_80_plus,covered_population_65_plus,covered_population_80_plus,\
         white_zone_population_65_plus,white_zone_population_80_plus"
    ), "{header}");
    // Without the age columns, no age figures, and it is said.
    let plain: String = SHARED
        .iter()
        .map(|c| format!("{};{}\n", id(c.0, c.1), c.2))
        .collect();
    let plain = w.file("plain.csv", &format!("idcar_200m;ind\n{plain}"));
    let s = w.summary("plain", &["--population-grid", plain.to_str().unwrap()]);
    assert!(s.get("ages").is_none());
    close(&s["covered_population"], 950.0);
    assert!(s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["text"].as_str().unwrap().contains("no age columns")));
}

#[test]
fn every_vintage_layout_and_format_gives_the_same_figures() {
    let w = World::shared();
    let rows = |sep: &str, imputed: &str| -> String {
        SHARED
            .iter()
            .map(|&(x, y, ind, old, oldest)| {
                [
                    id(x, y),
                    imputed.into(),
                    ind.to_string(),
                    old.to_string(),
                    oldest.to_string(),
                ]
                .join(sep)
                    + "\n"
            })
            .collect()
    };
    let layouts = [
        (
            "2015.csv",
            format!(
                "IdINSPIRE;I_est_cr;Ind;Ind_65_79;Ind_80p\n{}",
                rows(";", "0")
            ),
        ),
        (
            "2017.csv",
            format!(
                "Idcar_200m,I_est_200,Ind,Ind_65_79,Ind_80p\n{}",
                rows(",", "1")
            ),
        ),
        ("2019.csv", grid_2019(&SHARED)),
        (
            "2021.csv",
            format!(
                "idcar_200m;i_est_200;ind;ind_65_79;ind_80p\n{}",
                rows(";", "0")
            ),
        ),
    ];
    for (name, text) in &layouts {
        let grid = w.file(name, text);
        let s = w.summary(
            &format!("out-{name}"),
            &["--population-grid", grid.to_str().unwrap()],
        );
        close(&s["covered_population"], 950.0);
        close(&s["ages"]["population_65_plus"], 390.0);
        let imputed = s["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["text"].as_str().unwrap().contains("imputed"));
        assert_eq!(imputed, *name == "2017.csv", "{name}");
    }
    // A polygon layer of cells, the population in a column named on the command line.
    let cells: Vec<Value> = SHARED
        .iter()
        .map(|&(x, y, ind, old, oldest)| {
            json!({"type": "Feature", "properties": {"habitants": ind, "ind_65_79": old, "ind_80p": oldest},
                   "geometry": {"type": "Polygon", "coordinates": rectangle(x, x + 200.0, y, y + 200.0)}})
        })
        .collect();
    let polygons = w.file("cells.geojson", &layer(cells));
    let s = w.summary(
        "polygons",
        &[
            "--population-grid",
            polygons.to_str().unwrap(),
            "--population-grid-field",
            "habitants",
        ],
    );
    close(&s["covered_population"], 950.0);
    close(&s["ages"]["population_65_plus"], 390.0);
    // The same cells as Parquet, in which such grids are often shared.
    let parquet = w.dir.path().join("grid.parquet");
    write_parquet(&parquet);
    let s = w.summary("parquet", &["--population-grid", parquet.to_str().unwrap()]);
    close(&s["covered_population"], 950.0);
    close(&s["ages"]["population_80_plus"], 130.0);
}

/// A point layer (buildings with their people) on the shared world: A (x 300, 40
/// people, 65–79: 8, 80+: 4) and B (x 700, 60; 12, 6) in 22001, a multipoint C (20; 4,
/// 2) with one point in 22001 (x 800) and one in 22002 (x 1200), and D (7; 1, 1) on no
/// commune.
/// - 22001: 40 + 60 + 10 = 110 point people, 70 inside P: 1,000 × 70/110 covered.
/// - 22002: its 10 point people inside P: 300 covered. 22003: even, 150 inside Q.
/// - Ages: 22001 (33 and 11 point elders) × 1000/110 = 300 and 100; 22002 (3 and 1)
///   × 30 = 90 and 30.
#[test]
fn a_point_layer_puts_each_points_people_where_it_stands() {
    let w = World::shared();
    let point = |coordinates: Value, ind: f64, old: f64, oldest: f64| {
        json!({"type": "Feature",
               "properties": {"habitants": ind, "ind_65_79": old, "ind_80p": oldest},
               "geometry": coordinates})
    };
    let at = |x: f64, y: f64| json!([E0 + x, N0 + y]);
    let points = layer(vec![
        point(
            json!({"type": "Point", "coordinates": at(300.0, 500.0)}),
            40.0,
            8.0,
            4.0,
        ),
        point(
            json!({"type": "Point", "coordinates": at(700.0, 500.0)}),
            60.0,
            12.0,
            6.0,
        ),
        point(
            json!({"type": "MultiPoint", "coordinates": [at(800.0, 300.0), at(1200.0, 300.0)]}),
            20.0,
            4.0,
            2.0,
        ),
        point(
            json!({"type": "Point", "coordinates": at(5000.0, 500.0)}),
            7.0,
            1.0,
            1.0,
        ),
    ]);
    let geojson = w.file("points.geojson", &points);
    let mut layers = vec![geojson.clone()];
    // The same points in the other formats `--communes` reads, written by GDAL (a
    // Shapefile holds one kind of shape: its points are all multipoints).
    for (name, driver, kind) in [
        ("points.gpkg", "GPKG", "GEOMETRY"),
        ("points.shp", "ESRI Shapefile", "MULTIPOINT"),
        ("points.fgb", "FlatGeobuf", "GEOMETRY"),
    ] {
        let path = w.dir.path().join(name);
        match std::process::Command::new("ogr2ogr")
            .args(["-f", driver, "-nlt", kind])
            .args([path.to_str().unwrap(), geojson.to_str().unwrap()])
            .output()
        {
            Ok(o) if o.status.success() => layers.push(path),
            Ok(o) => panic!("ogr2ogr {name}: {}", String::from_utf8_lossy(&o.stderr)),
            Err(_) => eprintln!("skipped {name}: ogr2ogr (GDAL) is absent"),
        }
    }
    let covered_22001 = 1000.0 * 70.0 / 110.0;
    for path in &layers {
        let name = path.file_name().unwrap().to_str().unwrap();
        let s = w.summary(
            &format!("out-{name}"),
            &[
                "--population-grid",
                path.to_str().unwrap(),
                "--population-grid-field",
                "habitants",
            ],
        );
        close(&s["total_population"], 1900.0);
        close(&s["covered_population"], covered_22001 + 300.0 + 150.0);
        close(
            &row(&s["cpts"], "id", "P")["population"],
            covered_22001 + 300.0,
        );
        close(&row(&s["cpts"], "id", "Q")["population"], 150.0);
        let mut zones: Vec<f64> = s["white_zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["population"].as_f64().unwrap())
            .collect();
        zones.sort_by(f64::total_cmp);
        let want = [0.0, 1000.0 - covered_22001, 450.0];
        assert_eq!(zones.len(), 3, "{name}: {zones:?}");
        for (found, want) in zones.iter().zip(want) {
            assert!((found - want).abs() < 0.01, "{name}: {zones:?}");
        }
        close(&s["ages"]["population_65_plus"], 390.0);
        close(&s["ages"]["population_80_plus"], 130.0);
        close(
            &s["ages"]["covered_population_65_plus"],
            300.0 * 70.0 / 110.0 + 90.0,
        );
        assert!(
            s["assumptions"].as_array().unwrap().iter().any(|a| {
                let t = a["text"].as_str().unwrap();
                t.contains("1 features of") && t.contains("(7 inhabitants) lie on no commune")
            }),
            "{name}: {}",
            s["assumptions"]
        );
    }
}

/// `plan` in polygon mode weighs what a leaving CPTS gives up by the grid too. Commune
/// 22001 (x 0–1000, y 0–1000, 1,000 inhabitants); A over x 200–700 (all y), B over x
/// 0–600 and C over x 400–1000 (y 0–500). Cells of 100, 100, 200 and 300 grid people
/// (scaled by 1000/700) at B alone (x 0–200), under all three (x 400–600), C alone (x
/// 800–1000), A alone (x 400–600, y 600–800): A holds 571.43, B 285.71, C 428.57. A
/// keeps against both, C against B. B leaves A∩B and B∩C, whose people (the cell under
/// all three) count once: B keeps its own cell, 142.86 (by area it would keep 100); C
/// gives up A∩C (142.86) and keeps 285.71.
#[test]
fn the_plan_weighs_what_a_leaver_gives_up_by_the_grid() {
    let box_ = |id: &str, x0: f64, x1: f64, y1: f64| {
        json!({"type": "Feature", "properties": {"id": id, "nom": format!("CPTS {id}"), "statut": "projet"},
            "geometry": {"type": "Polygon", "coordinates": rectangle(x0, x1, 0.0, y1)}})
    };
    let w = World::new(
        vec![commune("22001", 1000, 0.0)],
        vec![
            box_("A", 200.0, 700.0, 1000.0),
            box_("B", 0.0, 600.0, 500.0),
            box_("C", 400.0, 1000.0, 500.0),
        ],
    );
    let grid = w.file(
        "grid.csv",
        &grid_2019(&[
            (0.0, 0.0, 100.0, 0.0, 0.0),
            (400.0, 0.0, 100.0, 0.0, 0.0),
            (800.0, 0.0, 200.0, 0.0, 0.0),
            (400.0, 600.0, 300.0, 0.0, 0.0),
        ]),
    );
    let out = w.dir.path().join("plan");
    let run = common::cpts(&[
        "plan",
        "--communes",
        w.communes.to_str().unwrap(),
        "--perimeters",
        w.perimeters.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--gap-width",
        "0",
        "--population-grid",
        grid.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let p = read_json(&out.join("plan.json"));
    assert_eq!(common::rulings(&p), [("A", "B"), ("A", "C"), ("C", "B")]);
    let after = |k: &str| row(&p["changed_cpts"], "cpts", k)["population_after"].clone();
    close(&after("B"), 1000.0 / 7.0);
    close(&after("C"), 2000.0 / 7.0);
}

/// The shared world's cells as a Parquet file, numbers typed.
fn write_parquet(path: &Path) {
    use polars::prelude::*;
    let ids: Vec<String> = SHARED.iter().map(|c| id(c.0, c.1)).collect();
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("idcar_200m".into(), ids),
        Column::new(
            "ind".into(),
            SHARED.iter().map(|c| c.2).collect::<Vec<f64>>(),
        ),
        Column::new(
            "ind_65_79".into(),
            SHARED.iter().map(|c| c.3).collect::<Vec<f64>>(),
        ),
        Column::new(
            "ind_80p".into(),
            SHARED.iter().map(|c| c.4).collect::<Vec<f64>>(),
        ),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(path).unwrap())
        .finish(&mut frame)
        .unwrap();
}

#[test]
fn a_grid_of_reunion_in_its_own_crs() {
    // Saint-Denis (974): a commune of 2 km × 1 km in RGR92 / UTM 40S (EPSG:2975), its
    // people all in the covered east half.
    let (e, n) = (338_000.0, 7_686_000.0);
    let square = |x0: f64, x1: f64| {
        json!([[
            [e + x0, n],
            [e + x1, n],
            [e + x1, n + 1000.0],
            [e + x0, n + 1000.0],
            [e + x0, n]
        ]])
    };
    let crs = json!({"type": "name", "properties": {"name": "EPSG:2975"}});
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    let perimeters = dir.path().join("cpts.geojson");
    std::fs::write(&communes, json!({"type": "FeatureCollection", "crs": crs, "features": [
        {"type": "Feature", "properties": {"code": "97411", "nom": "Saint-Denis", "population": 1000,
            "departement": "974", "region": "04"},
         "geometry": {"type": "Polygon", "coordinates": square(0.0, 2000.0)}}]}).to_string()).unwrap();
    std::fs::write(
        &perimeters,
        json!({"type": "FeatureCollection", "crs": crs, "features": [
        {"type": "Feature", "properties": {"id": "R", "nom": "CPTS R", "statut": "projet"},
         "geometry": {"type": "Polygon", "coordinates": square(1000.0, 2000.0)}}]})
        .to_string(),
    )
    .unwrap();
    let grid = dir.path().join("grid.csv");
    std::fs::write(
        &grid,
        format!(
            "idcar_200m,ind\nCRS2975RES200mN{}E{},40\nCRS2975RES200mN{}E{},60\n",
            n,
            e + 1200.0,
            n + 600.0,
            e + 1800.0
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &communes,
        &perimeters,
        &out,
        &["--population-grid", grid.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&out.join("summary.json"));
    close(&s["covered_population"], 1000.0);
}

#[test]
fn a_grid_that_cannot_be_read_is_refused_with_the_fix() {
    let w = World::shared();
    let no_id = w.file("no_id.csv", "code,ind\nA,3\n");
    let message = w.refused(&["--population-grid", no_id.to_str().unwrap()]);
    assert!(
        message.contains("no_id.csv")
            && message.contains("idcar_200m")
            && message.contains("code, ind"),
        "{message}"
    );
    let bad_id = w.file(
        "bad_id.csv",
        "idcar_200m,ind\nCRS3035RES200mN1E2,3\nN12E4,4\n",
    );
    let message = w.refused(&["--population-grid", bad_id.to_str().unwrap()]);
    assert!(
        message.contains("row 3") && message.contains("N12E4") && message.contains("INSPIRE"),
        "{message}"
    );
    let grid = w.file("grid.csv", &grid_2019(&SHARED));
    let message = w.refused(&[
        "--population-grid",
        grid.to_str().unwrap(),
        "--population-grid-field",
        "habitants",
    ]);
    assert!(
        message.contains("no column `habitants`") && message.contains("--population-grid-field"),
        "{message}"
    );
    let negative = w.file(
        "negative.csv",
        &format!("idcar_200m,ind\n{},-4\n", id(0.0, 0.0)),
    );
    let message = w.refused(&["--population-grid", negative.to_str().unwrap()]);
    assert!(
        message.contains("row 2") && message.contains("not a number of inhabitants"),
        "{message}"
    );
    // Text where a number is due (the numbers are read typed, then the file again as
    // text to name the row); a decimal comma is a number.
    let text = w.file(
        "text.csv",
        &format!(
            "idcar_200m;ind;ind_65_79;ind_80p\n{0};3,5;1;0\n{1};2;1;abc\n",
            id(0.0, 0.0),
            id(200.0, 0.0)
        ),
    );
    let message = w.refused(&["--population-grid", text.to_str().unwrap()]);
    assert!(
        message.contains("row 3") && message.contains("`ind_80p` is not a number of inhabitants"),
        "{message}"
    );
    // A line is neither cells nor buildings.
    let line = w.file(
        "line.geojson",
        &layer(vec![json!({"type": "Feature", "properties": {"ind": 5},
            "geometry": {"type": "LineString", "coordinates": [[E0, N0], [E0 + 100.0, N0]]}})]),
    );
    let message = w.refused(&["--population-grid", line.to_str().unwrap()]);
    assert!(
        message.contains("feature 1")
            && message.contains("LineString, a Polygon, MultiPolygon, Point or MultiPoint")
            && message.contains("points (buildings"),
        "{message}"
    );
}

/// The real Alpes-Maritimes perimeters with a synthetic grid of the 06 (made by
/// `scripts/make_synthetic_grid.py`): the three Nice CPTS follow the grid, and the
/// GeoPandas computation of `scripts/grid_reference.py` agrees within 0.05 %.
#[test]
fn the_real_06_perimeters_follow_the_grid_as_geopandas_computes_it() {
    let Some(shared) = shared_data() else {
        eprintln!("skipped: ../shared/data is absent");
        return;
    };
    let python = |args: &[&str]| {
        std::process::Command::new("python3")
            .args(args)
            .current_dir(common::root())
            .output()
    };
    let ready = python(&["-c", "import geopandas, shapely, pyproj, numpy"]);
    if !ready.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: geopandas, shapely, pyproj or numpy is absent (pip install geopandas)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let communes = shared.join("real06/communes_paca.geojson");
    let perimeters = shared.join("real06/cpts06_raw.geojson");
    let grid = dir.path().join("grid06.csv");
    let made = python(&[
        "scripts/make_synthetic_grid.py",
        communes.to_str().unwrap(),
        grid.to_str().unwrap(),
        "--departement",
        "06",
    ])
    .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let reference = python(&[
        "scripts/grid_reference.py",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--grid",
        grid.to_str().unwrap(),
        "--departement",
        "06",
        "--exclude-where",
        "nom_cpts=HORS CPTS",
        "--id-field",
        "nom_cpts",
    ])
    .unwrap();
    assert!(
        reference.status.success(),
        "{}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let reference: Value = serde_json::from_slice(&reference.stdout).unwrap();
    let common_args = [
        "--exclude-where",
        "nom_cpts=HORS CPTS",
        "--territory",
        "06",
        "--gap-width",
        "0",
    ];
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = common_args.to_vec();
        args.extend_from_slice(extra);
        let run = analyze_into(&communes, &perimeters, &out, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        read_json(&out.join("summary.json"))
    };
    let even = run("even", &[]);
    let s = run("grid", &["--population-grid", grid.to_str().unwrap()]);
    let agree = |ours: f64, theirs: f64, what: &str| {
        assert!(
            (ours - theirs).abs() <= 0.0005 * theirs.max(1.0),
            "{what}: {ours} here, {theirs} by GeoPandas"
        );
    };
    agree(
        s["covered_population"].as_f64().unwrap(),
        reference["covered_population"].as_f64().unwrap(),
        "covered population",
    );
    let mut nice_moved = 0;
    for (id, theirs) in reference["cpts"].as_object().unwrap() {
        let ours = row(&s["cpts"], "id", id)["population"].as_f64().unwrap();
        agree(ours, theirs.as_f64().unwrap(), id);
        let before = row(&even["cpts"], "id", id)["population"].as_f64().unwrap();
        if id.contains("NICE") && (ours - before).abs() > 100.0 {
            nice_moved += 1;
        }
    }
    assert_eq!(nice_moved, 3, "the three Nice CPTS follow the grid");
    assert_eq!(s["total_population"], even["total_population"]);
}
