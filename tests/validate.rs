//! `cpts validate`: findings with their fixes, and the exit status 0 clean, 1 warnings,
//! 2 errors. Inputs: the hand-drawn quirk fixtures (fixtures/quirks/).

mod common;

use common::{cpts, read_json, root, Run};
use serde_json::Value;
use std::path::Path;

fn validate(perimeters: &Path, json: &Path, extra: &[&str]) -> Run {
    let communes = root().join("fixtures/quirks/communes.geojson");
    let mut args = vec![
        "validate",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cpts(&args)
}

/// The (level, kind) of each finding of a JSON report.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (text("level"), text("kind"))
        })
        .collect()
}

#[test]
fn tidy_inputs_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("members.csv");
    std::fs::write(
        &table,
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22901\nB;CPTS B;signataire_aci;22902\n",
    )
    .unwrap();
    let run = validate(&table, &dir.path().join("report.json"), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("0 errors, 0 warnings, 0 notes"),
        "{}",
        run.stdout
    );
    let report = read_json(&dir.path().join("report.json"));
    assert_eq!(report["exit_status"], 0);
    assert!(findings(&report).is_empty());
}

#[test]
fn guesses_are_warnings_with_their_fix() {
    let dir = tempfile::tempdir().unwrap();
    let listing = root().join("fixtures/quirks/cpts-listing.xlsx");
    let run = validate(&listing, &dir.path().join("report.json"), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = read_json(&dir.path().join("report.json"));
    assert_eq!(report["exit_status"], 1);
    let found = findings(&report);
    let warnings: Vec<&str> = found
        .iter()
        .filter(|(level, _)| level == "warning")
        .map(|(_, kind)| kind.as_str())
        .collect();
    assert_eq!(
        warnings,
        ["id_from_name", "loose_name", "outside_territory", "partial"]
    );
    // Worst first: every warning before the notes.
    assert!(found
        .iter()
        .skip(warnings.len())
        .all(|(level, _)| level == "info"));
    assert!(run
        .stdout
        .contains("fix: check each match, or give INSEE codes"));
    assert!(
        run.stdout.contains("0 errors, 4 warnings, 5 notes"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unusable_input_is_an_error_finding() {
    let dir = tempfile::tempdir().unwrap();
    let layer = root().join("fixtures/quirks/cpts-names-only.geojson");
    let run = validate(&layer, &dir.path().join("report.json"), &[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let report = read_json(&dir.path().join("report.json"));
    assert_eq!(
        findings(&report),
        [("error".into(), "unusable_input".into())]
    );
    let fix = report["findings"][0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("--exclude-where \"nom_cpts=HORS CPTS\""),
        "{fix}"
    );
    // With the flag, only the guesses remain (the report replaced with --force).
    let run = validate(
        &layer,
        &dir.path().join("report.json"),
        &["--exclude-where", "nom_cpts=HORS CPTS", "--force"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_perimeter_over_no_commune_is_flagged() {
    // A CPTS drawn near Lyon while the communes are in the Côtes-d'Armor.
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("far.geojson");
    std::fs::write(
        &layer,
        r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "L", "nom": "Loin", "statut": "projet"},
             "geometry": {"type": "Polygon", "coordinates": [[[4.8, 45.7], [4.9, 45.7], [4.9, 45.8], [4.8, 45.7]]]}}]}"#,
    )
    .unwrap();
    let run = validate(&layer, &dir.path().join("report.json"), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("1 CPTS hold no inhabitant of the communes layer: L"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("another CRS"), "{}", run.stdout);
}

#[test]
fn gaps_and_overlaps_between_communes_are_warnings() {
    // Four communes around a hole of 0.01° × 0.01°; a fifth laps 0.01° over the east
    // side of the others. Vertices are shared along the parallels (curved in
    // Lambert-93), as in a real layer.
    const BREAKS: [f64; 6] = [-3.0, -2.96, -2.95, -2.91, -2.9, -2.8];
    let commune = |code: &str, x0: f64, y0: f64, x1: f64, y1: f64| {
        let inside = |x: &&f64| **x > x0 && **x < x1;
        let mut ring = vec![[x0, y0]];
        ring.extend(BREAKS.iter().filter(inside).map(|&x| [x, y0]));
        ring.extend([[x1, y0], [x1, y1]]);
        ring.extend(BREAKS.iter().rev().filter(inside).map(|&x| [x, y1]));
        ring.extend([[x0, y1], [x0, y0]]);
        serde_json::json!({"type": "Feature",
            "properties": {"code": code, "nom": code, "population": 100, "departement": "22", "region": "53"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}})
    };
    let layer = serde_json::json!({"type": "FeatureCollection", "features": [
        commune("22001", -3.0, 48.0, -2.9, 48.05),
        commune("22002", -3.0, 48.06, -2.9, 48.1),
        commune("22003", -3.0, 48.05, -2.96, 48.06),
        commune("22004", -2.95, 48.05, -2.9, 48.06),
        commune("22005", -2.91, 48.0, -2.8, 48.1),
    ]});
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    std::fs::write(&communes, layer.to_string()).unwrap();
    let table = dir.path().join("members.csv");
    std::fs::write(
        &table,
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22001\n",
    )
    .unwrap();
    let json = dir.path().join("report.json");
    let run = cpts(&[
        "validate",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        table.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = read_json(&json);
    let message = |kind: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}: {}", run.stdout))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // 0.01° of longitude by 0.01° of latitude at 48.055° N: 744.6 m × 1 111.9 m.
    let gap = message("commune_gap");
    assert!(
        gap.starts_with(
            "1 gap between communes (land enclosed by communes but in none of them), 8"
        ),
        "{gap}"
    );
    assert!(gap.ends_with("m² (22001, 22002, 22003, 22004)"), "{gap}");
    let area: f64 = gap
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((area / 828_000.0 - 1.0).abs() < 0.01, "{area}");
    let overlap = message("commune_overlap");
    assert!(
        overlap.starts_with("1 overlap between communes (land in several communes)"),
        "{overlap}"
    );
    assert!(
        overlap.ends_with("m² (22001, 22002, 22004, 22005)"),
        "{overlap}"
    );
}
