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
    // With the flag, only the guesses remain.
    let run = validate(
        &layer,
        &dir.path().join("report.json"),
        &["--exclude-where", "nom_cpts=HORS CPTS"],
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
