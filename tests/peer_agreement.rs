//! The engine against the reference computation (../shared/peer/oracle_geopandas.py):
//! on the shipped fixtures (the peer's figures are in fixtures/expected-*), and on the
//! national world1 data set when ../shared/data is present.

mod common;

use common::*;
use cpts_coverage::{analyse, write_outputs, Inputs, LoadOptions, Options, Summary, Tariff};
use std::path::{Path, PathBuf};

/// Runs the analysis with contour gaps of `gap_width_m` (0: the area rule alone).
fn run(
    communes: PathBuf,
    perimeters: PathBuf,
    arrondissements: Option<PathBuf>,
    gap_width_m: f64,
) -> (tempfile::TempDir, serde_json::Value) {
    let inputs = Inputs::load(&LoadOptions {
        communes,
        perimeters,
        arrondissements,
        ..Default::default()
    })
    .unwrap();
    let options = Options {
        gap_width_m,
        ..Options::default()
    };
    let analysis = analyse(&inputs, &options, &()).unwrap();
    let summary = Summary::new(&inputs, &analysis, &Tariff::default_tariff());
    let dir = tempfile::tempdir().unwrap();
    write_outputs(
        &dir.path().join("out"),
        &inputs,
        &analysis,
        &summary,
        &Default::default(),
    )
    .unwrap();
    let json = read_json(&dir.path().join("out/summary.json"));
    (dir, json)
}

fn agree(ours: &serde_json::Value, peer: &Path) {
    let differences = peer_differences(ours, &read_json(peer));
    assert!(
        differences.is_empty(),
        "{} differences with the peer:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn fixture_polygon_mode_agrees_with_the_peer() {
    let f = root().join("fixtures");
    let (dir, s) = run(
        f.join("communes-22.geojson"),
        f.join("cpts-22.geojson"),
        None,
        0.0,
    );
    agree(&s, &f.join("expected-polygon/summary.json"));
    check_invariants(&s);
    check_overlap_pairs(
        &read_json(&dir.path().join("out/overlaps.geojson")),
        s["overlap_count"].as_u64().unwrap(),
    );
}

#[test]
fn fixture_membership_mode_agrees_with_the_peer() {
    let f = root().join("fixtures");
    let (dir, s) = run(
        f.join("communes-22.geojson"),
        f.join("cpts-22.csv"),
        None,
        200.0,
    );
    agree(&s, &f.join("expected-membership/summary.json"));
    check_invariants(&s);
    check_overlap_pairs(&read_json(&dir.path().join("out/overlaps.geojson")), 1);
    // Saint-Gildas (22291, 269 inhabitants) is the one commune listed by two CPTS.
    assert_eq!(s["overlap_population"], 269.0);
}

fn world1(perimeters: &str, expected: &str, gap_width_m: f64) {
    let Some(data) = shared_data() else { return };
    let (dir, s) = run(
        data.join("france/communes.geojson"),
        data.join("world1").join(perimeters),
        Some(data.join("france/arrondissements.geojson")),
        gap_width_m,
    );
    agree(&s, &data.join("world1").join(expected));
    check_invariants(&s);
    check_overlap_pairs(
        &read_json(&dir.path().join("out/overlaps.geojson")),
        s["overlap_count"].as_u64().unwrap(),
    );
    assert_eq!(s["population_level"], "arrondissements");
    // Perimeters that are unions of communes leave only hairline slivers.
    let sliver_share =
        s["sliver_population"].as_f64().unwrap() / s["total_population"].as_f64().unwrap();
    assert!(sliver_share < 1e-5, "{sliver_share}");
    // The national Markdown report fits a CI log.
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(report.lines().count() <= 60, "{report}");
    assert!(report.contains("| chevauchements | 10 paires"), "{report}");
}

#[test]
fn world1_polygon_mode_agrees_with_the_peer() {
    world1(
        "cpts.geojson",
        "expected-polygon-gap200/summary.json",
        200.0,
    );
}

#[test]
fn world1_polygon_mode_without_contour_gaps_agrees_with_the_peer() {
    world1("cpts.geojson", "expected-polygon/summary.json", 0.0);
}

#[test]
fn world1_membership_mode_agrees_with_the_peer() {
    // The gap width changes nothing in membership mode: whole units.
    world1(
        "cpts_communes.csv",
        "expected-membership/summary.json",
        200.0,
    );
}

#[test]
fn real_alpes_maritimes_layer_agrees_with_the_peer() {
    // A planner's real layer on IRIS contours (cleaned form), over the communes of PACA.
    let Some(data) = shared_data() else { return };
    let dir = data.join("real06");
    let (_, s) = run(
        dir.join("communes_paca.geojson"),
        dir.join("cpts06_clean.geojson"),
        None,
        0.0,
    );
    agree(&s, &dir.join("expected-polygon/summary.json"));
    check_invariants(&s);
}
