//! Hand-drawn communes and perimeters near 3°E 46.5°N (the centre of Lambert-93),
//! with answers worked out by hand. Rectangles are given in degrees; area ratios are
//! kept by the projection to about 1e-5 over such small extents, so populations are
//! checked to 0.05 inhabitant.

mod common;

use cpts_coverage::{analyse, Analysis, Inputs, LoadOptions, Options, Summary, Tariff};
use serde_json::{json, Value};
use std::path::Path;

/// A lon/lat rectangle as a GeoJSON ring, counter-clockwise.
fn rect(w: f64, s: f64, e: f64, n: f64) -> Value {
    json!([[w, s], [e, s], [e, n], [w, n], [w, s]])
}

fn collection(features: Vec<(Value, Value)>) -> String {
    let features: Vec<Value> = features
        .into_iter()
        .map(|(properties, polygons)| json!({"type": "Feature", "properties": properties, "geometry": {"type": "MultiPolygon", "coordinates": polygons}}))
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn commune(code: &str, population: f64, polygons: Value) -> (Value, Value) {
    (
        json!({"code": code, "nom": code, "population": population, "departement": "03", "region": "84"}),
        polygons,
    )
}

fn cpts(id: &str, statut: &str, polygons: Value) -> (Value, Value) {
    (json!({"id": id, "nom": id, "statut": statut}), polygons)
}

fn analysed(
    dir: &Path,
    communes: String,
    perimeters: String,
    perimeter_file: &str,
) -> (Inputs, Analysis) {
    analysed_with(
        dir,
        communes,
        perimeters,
        perimeter_file,
        &Options::default(),
    )
}

fn analysed_with(
    dir: &Path,
    communes: String,
    perimeters: String,
    perimeter_file: &str,
    options: &Options,
) -> (Inputs, Analysis) {
    std::fs::write(dir.join("communes.geojson"), communes).unwrap();
    std::fs::write(dir.join(perimeter_file), perimeters).unwrap();
    let inputs = Inputs::load(&LoadOptions {
        communes: dir.join("communes.geojson"),
        perimeters: dir.join(perimeter_file),
        ..Default::default()
    })
    .unwrap();
    let analysis = analyse(&inputs, options, &()).unwrap();
    (inputs, analysis)
}

fn summary_of(dir: &Path, communes: String, perimeters: String, perimeter_file: &str) -> Summary {
    let (inputs, analysis) = analysed(dir, communes, perimeters, perimeter_file);
    Summary::new(&inputs, &analysis, &Tariff::default_tariff())
}

/// Four communes in a row: 03001 to 03003 sharing edges, 03004 touching 03003 at a
/// corner only.
fn row_of_four() -> Vec<(Value, Value)> {
    vec![
        commune("03001", 1000.0, json!([[rect(3.00, 46.50, 3.01, 46.51)]])),
        commune("03002", 200.0, json!([[rect(3.01, 46.50, 3.02, 46.51)]])),
        commune("03003", 300.0, json!([[rect(3.02, 46.50, 3.03, 46.51)]])),
        commune("03004", 50.0, json!([[rect(3.03, 46.51, 3.04, 46.52)]])),
    ]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.05
}

#[test]
fn hand_drawn_polygon_layer() {
    // Under the area rule alone (--gap-width 0): C6's strip and C8's hole are too narrow
    // for the default gap width, and so is the overlap of P2 and P3.
    let dir = tempfile::tempdir().unwrap();
    // C1 (03001), right half in P1: 500 covered, the left half a white zone of its own.
    // C2 and C3 share an edge and lie in no CPTS: one white zone of 500.
    // C4 touches C3 at a single corner: a white zone apart.
    let mut communes = row_of_four();
    communes.extend(vec![
        // C5 in P2 and P3, which overlap on 3.004–3.006: a fifth of C5.
        commune("03005", 1000.0, json!([[rect(3.00, 46.53, 3.01, 46.54)]])),
        // C6 in P4 but for a strip 0.00001° wide (about 850 m²): a sliver.
        commune("03006", 1000.0, json!([[rect(3.05, 46.50, 3.06, 46.51)]])),
        // C7: mainland in P5, island of 4 % of the mainland's area outside it.
        commune(
            "03007",
            1040.0,
            json!([
                [rect(3.10, 46.50, 3.11, 46.51)],
                [rect(3.12, 46.50, 3.122, 46.502)]
            ]),
        ),
        // C8 in P6 but for P6's hole, 4 % of C8.
        commune("03008", 2500.0, json!([[rect(3.20, 46.50, 3.21, 46.51)]])),
    ]);
    let communes = collection(communes);
    let hole = json!([
        [3.204, 46.504],
        [3.204, 46.506],
        [3.206, 46.506],
        [3.206, 46.504],
        [3.204, 46.504]
    ]);
    let perimeters = collection(vec![
        cpts(
            "P1",
            "signataire_aci",
            json!([[rect(3.005, 46.49, 3.01, 46.52)]]),
        ),
        cpts("P2", "projet", json!([[rect(2.99, 46.525, 3.006, 46.545)]])),
        cpts(
            "P3",
            "pre_projet",
            json!([[rect(3.004, 46.525, 3.02, 46.545)]]),
        ),
        cpts(
            "P4",
            "signataire_aci",
            json!([[rect(3.05, 46.49, 3.05999, 46.52)]]),
        ),
        cpts(
            "P5",
            "signataire_aci",
            json!([[rect(3.095, 46.495, 3.115, 46.515)]]),
        ),
        cpts(
            "P6",
            "projet",
            json!([[rect(3.19, 46.49, 3.22, 46.52), hole]]),
        ),
    ]);
    let no_gaps = Options {
        gap_width_m: 0.0,
        ..Options::default()
    };
    let (inputs, analysis) =
        analysed_with(dir.path(), communes, perimeters, "cpts.geojson", &no_gaps);
    let s = Summary::new(&inputs, &analysis, &Tariff::default_tariff());
    assert_eq!(s.total_population, 7090.0);
    // 500 (C1) + 1000 (C5) + 999 (C6) + 1000 (C7) + 2400 (C8).
    assert!(
        close(s.covered_population, 5899.0),
        "{}",
        s.covered_population
    );
    let by_status: Vec<f64> = s.by_status.iter().map(|r| r.covered_population).collect();
    assert!(
        close(by_status[0], 2499.0) && close(by_status[1], 3000.0) && close(by_status[2], 600.0),
        "{by_status:?}"
    );
    // C1's half, C2 + C3, C8's hole, C4, C7's island; C6's strip is a sliver.
    assert_eq!(s.white_zone_count, 5);
    assert_eq!(s.sliver_count, 1);
    assert!(
        close(s.white_zone_population, 1190.0),
        "{}",
        s.white_zone_population
    );
    assert!(close(s.sliver_population, 1.0), "{}", s.sliver_population);
    assert_eq!(s.overlap_count, 1);
    assert!(
        close(s.overlap_population, 200.0),
        "{}",
        s.overlap_population
    );
    let populations: Vec<f64> = s.cpts.iter().map(|c| c.population).collect();
    for (got, want) in populations
        .iter()
        .zip([500.0, 600.0, 600.0, 999.0, 1000.0, 2400.0])
    {
        assert!(close(*got, want), "{populations:?}");
    }
    assert!(s
        .cpts
        .iter()
        .all(|c| c.tier == 1 && c.funding_max_eur == 287_500));
}

#[test]
fn hand_drawn_white_zone_parts_keep_their_communes() {
    let dir = tempfile::tempdir().unwrap();
    let communes = collection(vec![
        commune("03002", 200.0, json!([[rect(3.01, 46.50, 3.02, 46.51)]])),
        commune("03003", 300.0, json!([[rect(3.02, 46.50, 3.03, 46.51)]])),
    ]);
    let perimeters = collection(vec![cpts(
        "P9",
        "projet",
        json!([[rect(3.10, 46.50, 3.11, 46.51)]]),
    )]);
    let (_, analysis) = analysed(dir.path(), communes, perimeters, "cpts.geojson");
    // Two communes sharing an edge make one part, not two, and both belong to it.
    assert_eq!(analysis.white.zones.len(), 1);
    assert_eq!(analysis.white.zones[0].communes, vec![0, 1]);
    assert_eq!(analysis.white.zones[0].population, 500.0);
    assert_eq!(analysis.cpts_population, vec![0.0]);
}

#[test]
fn hand_drawn_membership_table() {
    let dir = tempfile::tempdir().unwrap();
    let communes = collection(row_of_four());
    // 03001 in two CPTS (an overlap of 1 000 inhabitants); 03002 in one; 03003 and
    // 03004 in none: two white zones, since they touch at a corner only.
    let table = "cpts_id,cpts_nom,statut,code_insee\nA,CPTS A,signataire_aci,03001\nB,CPTS B,pre_projet,03001\nB,CPTS B,pre_projet,03002\n";
    let s = summary_of(dir.path(), communes, table.into(), "members.csv");
    assert_eq!(s.mode, "membership");
    assert_eq!(s.covered_population, 1200.0);
    assert_eq!(s.white_zone_count, 2);
    assert_eq!(s.white_zone_population, 350.0);
    assert_eq!((s.overlap_count, s.overlap_population), (1, 1000.0));
    assert_eq!(
        s.cpts.iter().map(|c| c.population).collect::<Vec<_>>(),
        vec![1000.0, 1200.0]
    );
    assert_eq!(s.by_status[0].covered_population, 1000.0);
    assert_eq!(s.by_status[2].covered_population, 1200.0);
}

/// One commune 0.03° wide and 0.18° tall (about 2.3 km × 20 km) of 10 000 inhabitants,
/// and `perimeters` over it: (id, west, east, south, north) in degrees. The commune's
/// south and north edges have a vertex at each perimeter's corner, so that projected
/// they follow the same chords of the parallels.
fn strip_world(dir: &Path, perimeters: &[(&str, f64, f64, f64, f64)]) -> Summary {
    let mut xs: Vec<f64> = perimeters.iter().flat_map(|p| [p.1, p.2]).collect();
    xs.extend([3.00, 3.03]);
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mut ring: Vec<[f64; 2]> = xs.iter().map(|&x| [x, 46.50]).collect();
    ring.extend(xs.iter().rev().map(|&x| [x, 46.68]));
    ring.push([3.00, 46.50]);
    let communes = collection(vec![commune("03001", 10_000.0, json!([[ring]]))]);
    let perimeters = collection(
        perimeters
            .iter()
            .map(|&(id, w, e, s, n)| cpts(id, "signataire_aci", json!([[rect(w, s, e, n)]])))
            .collect(),
    );
    summary_of(dir, communes, perimeters, "cpts.geojson")
}

fn population_of(s: &Summary, id: &str) -> f64 {
    s.cpts.iter().find(|c| c.id == id).unwrap().population
}

#[test]
fn a_strip_50_m_wide_between_perimeters_goes_to_the_one_with_the_longer_border() {
    // West of the strip (0.00065° ≈ 50 m, 20 km long: 1 km²) P1 runs its whole length;
    // east, P2 runs 11 km of it and P3 9 km. The strip goes to P1.
    let dir = tempfile::tempdir().unwrap();
    let s = strip_world(
        dir.path(),
        &[
            ("P1", 3.00, 3.0145, 46.50, 46.68),
            ("P2", 3.01515, 3.03, 46.50, 46.60),
            ("P3", 3.01515, 3.03, 46.60, 46.68),
        ],
    );
    // The strip, and hairlines of a few cm² where the projected corners of P2 and P3
    // meet the commune's edge: every narrow part is a contour gap.
    assert_eq!(s.white_zone_count, 0);
    assert!(s.contour.contour_gap_count >= 1);
    assert!(
        close(s.covered_population, 10_000.0),
        "{}",
        s.covered_population
    );
    // Populations follow area, and area between two meridians follows longitude: P1
    // holds (0.0145 + 0.00065) / 0.03 of the commune, P2 and P3 together 0.01485 / 0.03
    // (split between them by latitude, where area does not follow degrees).
    let (p1, p2, p3) = (
        population_of(&s, "P1"),
        population_of(&s, "P2"),
        population_of(&s, "P3"),
    );
    assert!(
        close(p1, 5_050.0) && close(p2 + p3, 4_950.0),
        "{p1} {p2} {p3}"
    );
    assert!(
        close(s.contour.contour_gap_population, 216.67),
        "{}",
        s.contour.contour_gap_population
    );
    let before = s.before_reconciliation.as_ref().unwrap();
    assert!(close(before.covered_population, 10_000.0 - 216.67));
    assert_eq!(before.white_zone_count, 1);
}

#[test]
fn a_band_300_m_wide_is_a_white_zone() {
    // 0.004° ≈ 306 m between P1 and P2: a disc of 200 m fits.
    let dir = tempfile::tempdir().unwrap();
    let s = strip_world(
        dir.path(),
        &[
            ("P1", 3.00, 3.013, 46.50, 46.68),
            ("P2", 3.017, 3.03, 46.50, 46.68),
        ],
    );
    assert_eq!((s.white_zone_count, s.contour.contour_gap_count), (1, 0));
    assert!(
        close(s.white_zone_population, 1_333.33),
        "{}",
        s.white_zone_population
    );
    assert!(
        close(s.covered_population, 8_666.67),
        "{}",
        s.covered_population
    );
}

#[test]
fn an_overlap_20_m_wide_is_contour_debris_and_one_500_m_wide_an_overlap() {
    let dir = tempfile::tempdir().unwrap();
    // 0.00026° ≈ 20 m: not a breach of exclusivity, populations unchanged.
    let s = strip_world(
        dir.path(),
        &[
            ("P1", 3.00, 3.01513, 46.50, 46.68),
            ("P2", 3.01487, 3.03, 46.50, 46.68),
        ],
    );
    assert_eq!((s.overlap_count, s.contour.contour_overlap_count), (0, 1));
    assert!(close(population_of(&s, "P1"), 5_043.33) && close(population_of(&s, "P2"), 5_043.33));
    assert!(
        close(s.contour.contour_overlap_population, 86.67),
        "{}",
        s.contour.contour_overlap_population
    );
    // 0.0065° ≈ 500 m: an overlap of 2 166.67 inhabitants.
    let s = strip_world(
        dir.path(),
        &[
            ("P1", 3.00, 3.01825, 46.50, 46.68),
            ("P2", 3.01175, 3.03, 46.50, 46.68),
        ],
    );
    assert_eq!((s.overlap_count, s.contour.contour_overlap_count), (1, 0));
    assert!(
        close(s.overlap_population, 2_166.67),
        "{}",
        s.overlap_population
    );
}
