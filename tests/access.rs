//! Access to general practitioners on the real DREES file, checked against a second
//! computation (`scripts/apl_reference.py`, standard library only): the national and
//! every département's APL mean and populations under the threshold, in polygon mode
//! (with and without the arrondissements) and in membership mode (world1's listing and
//! the PACA listing as published).

mod common;

use common::{analyze_into, read_json, root, shared_data};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const FIGURES: [&str; 4] = [
    "apl_mean",
    "population_below_threshold",
    "covered_population_below_threshold",
    "white_zone_population_below_threshold",
];

/// Runs `cpts analyze --apl` and the reference on the same inputs; returns the run's
/// summary.json and the reference's figures.
fn run(data: &Path, perimeters: &str, arrondissements: bool) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let communes = data.join("france/communes.geojson");
    let perimeters = data.join(perimeters);
    let apl = data.join("apl/apl_medecins_generalistes_2022_2023.xlsx");
    let arr = data.join("france/arrondissements.geojson");
    let mut extra = vec!["--apl", apl.to_str().unwrap()];
    if arrondissements {
        extra.extend(["--arrondissements", arr.to_str().unwrap()]);
    }
    let r = analyze_into(&communes, &perimeters, &out, &extra);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("scripts/apl_reference.py"))
        .arg("--communes")
        .arg(&communes)
        .arg("--perimeters")
        .arg(&perimeters)
        .arg("--apl")
        .arg(&apl)
        .arg("--run-dir")
        .arg(&out);
    if arrondissements {
        cmd.arg("--arrondissements").arg(&arr);
    }
    let reference = cmd.output().expect("python3 runs");
    assert!(
        reference.status.success(),
        "apl_reference.py: {}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let reference: Value = serde_json::from_slice(&reference.stdout).unwrap();
    (read_json(&out.join("summary.json")), reference)
}

fn close(what: &str, key: &str, engine: &Value, reference: &Value) {
    let (Some(e), Some(r)) = (engine[key].as_f64(), reference[key].as_f64()) else {
        assert_eq!(engine[key], reference[key], "{what}: {key}");
        return;
    };
    let ok = if key == "apl_mean" {
        (e - r).abs() <= 1e-9 * r.abs()
    } else {
        (e - r).abs() <= 0.05 || (e - r).abs() <= 1e-6 * r.abs()
    };
    assert!(ok, "{what}: {key}: cpts {e}, reference {r}");
}

/// The nation and every département agree; returns the national figures.
fn agree(summary: &Value, reference: &Value) -> Value {
    let access = &summary["access"];
    for key in FIGURES {
        close("national", key, access, &reference["national"]);
    }
    assert_eq!(
        access["units_without_value"],
        reference["national"]["units_without_value"]
    );
    let engine: BTreeMap<&str, &Value> = summary["by_departement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["departement"].as_str().unwrap(), &d["access"]))
        .collect();
    let departements = reference["by_departement"].as_array().unwrap();
    assert_eq!(departements.len(), engine.len(), "départements");
    for d in departements {
        let code = d["departement"].as_str().unwrap();
        let e = engine
            .get(code)
            .unwrap_or_else(|| panic!("département {code} absent from summary.json"));
        for key in FIGURES {
            close(code, key, e, d);
        }
        assert_eq!(e["units_without_value"], d["units_without_value"], "{code}");
    }
    reference["national"].clone()
}

/// The national figures every run shares (the same units, the same file): DREES's mean,
/// the README's population under 2.5, Mayotte and the six uninhabited communes of the
/// Meuse without value.
fn national(n: &Value) {
    let mean = n["apl_mean"].as_f64().unwrap();
    assert_eq!(format!("{mean:.3}"), "3.745", "DREES's national mean");
    assert_eq!(n["population_below_threshold"], 11_115_234.0);
    assert_eq!(n["units_without_value"], 23);
    let below = n["population_below_threshold"].as_f64().unwrap();
    let split = n["covered_population_below_threshold"].as_f64().unwrap()
        + n["white_zone_population_below_threshold"].as_f64().unwrap();
    assert!(split <= below + 0.05, "{split} > {below}");
}

#[test]
fn world1_polygons_with_arrondissements_agree_with_the_reference() {
    let Some(data) = shared_data() else { return };
    let (summary, reference) = run(&data, "world1/cpts.geojson", true);
    assert_eq!(reference["mode"], "polygon");
    assert_eq!(summary["population_level"], "arrondissements");
    national(&agree(&summary, &reference));
}

#[test]
fn world1_polygons_on_the_national_communes_agree_with_the_reference() {
    // Paris, Lyon and Marseille whole: each takes its arrondissements' mean.
    let Some(data) = shared_data() else { return };
    let (summary, reference) = run(&data, "world1/cpts.geojson", false);
    assert_eq!(summary["population_level"], "communes");
    national(&agree(&summary, &reference));
}

#[test]
fn world1_membership_agrees_with_the_reference() {
    let Some(data) = shared_data() else { return };
    let (summary, reference) = run(&data, "world1/cpts_communes.csv", true);
    assert_eq!(reference["mode"], "membership");
    assert_eq!(summary["sliver_population"], 0.0);
    let n = agree(&summary, &reference);
    national(&n);
    // Membership: every inhabitant under 2.5 is covered or in a white zone.
    let split = n["covered_population_below_threshold"].as_f64().unwrap()
        + n["white_zone_population_below_threshold"].as_f64().unwrap();
    assert_eq!(split, 11_115_234.0);
}

#[test]
fn the_paca_listing_agrees_with_the_reference() {
    let Some(data) = shared_data() else { return };
    let (summary, reference) = run(&data, "paca_real/cpts_communes_as_published.csv", true);
    assert_eq!(summary["sliver_population"], 0.0);
    national(&agree(&summary, &reference));
}
