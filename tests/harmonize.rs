//! `cpts harmonize`: a layer of the 2017 vintage (Aubessagne's three communes, then
//! separate) brought to today's codes, and analysed with a listing of today's codes.

mod common;

use common::{analyze_into, cpts, read_json};
use serde_json::json;

fn square(code: &str, population: u32, x0: f64) -> serde_json::Value {
    json!({"type": "Feature",
        "properties": {"code": code, "nom": format!("Commune {code}"), "population": population,
                       "departement": "05", "region": "93"},
        "geometry": {"type": "Polygon", "coordinates": [[[x0, 44.7], [x0 + 0.05, 44.7],
            [x0 + 0.05, 44.75], [x0, 44.75], [x0, 44.7]]]}})
}

#[test]
fn merged_communes_are_merged_and_analysed_under_the_current_code() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("communes-2017.geojson");
    // Chauffayer (05039) absorbed Les Costes (05043) and Saint-Eusèbe (05141) in 2018.
    let layer = json!({"type": "FeatureCollection", "features": [
        square("05039", 600, 6.0), square("05043", 200, 6.05), square("05141", 100, 6.1),
        square("05061", 1000, 6.15)]});
    std::fs::write(&old, layer.to_string()).unwrap();
    let listing = dir.path().join("listing.csv");
    std::fs::write(
        &listing,
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;05039\n",
    )
    .unwrap();
    // `validate` sees the old vintage and names the fix.
    let run = cpts(&[
        "validate",
        "--communes",
        old.to_str().unwrap(),
        "--perimeters",
        listing.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "warning  old_code  2 communes carry the code of a commune merged since (data/code_passage.csv): \
             05043 Commune 05043 → 05039, 05141 Commune 05141 → 05039"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("fix: bring the layer to the current codes with `cpts harmonize"));
    let new = dir.path().join("communes.geojson");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["harmonize", "--communes", old.to_str().unwrap()]
            .into_iter()
            .chain(["--out", new.to_str().unwrap()])
            .map(String::from)
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = cpts(&args(&[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "3 codes merged into 1 current commune (data/code_passage.csv): 05039 Aubessagne ← 05039 + 05043 + 05141"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("4 communes in, 2 out"),
        "{}",
        run.stdout
    );
    let written = read_json(&new);
    let features = written["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["properties"]["code"], "05039");
    assert_eq!(features[0]["properties"]["population"], 900.0);
    // The merged commune takes its name of today, not the name of 05039 in 2017.
    assert_eq!(features[0]["properties"]["nom"], "Aubessagne");
    // The three squares dissolve into one rectangle: one ring of four corners.
    let rings = &features[0]["geometry"]["coordinates"];
    assert_eq!(rings.as_array().unwrap().len(), 1);
    assert_eq!(rings[0][0].as_array().unwrap().len(), 5, "{rings}");

    // A second run is refused, unless forced.
    let again = cpts(&args(&[]));
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(cpts(&args(&["--force"])).code, 0);

    // Today's listing covers the whole of Aubessagne.
    let out = dir.path().join("out");
    let run = analyze_into(&new, &listing, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["covered_population"], 900.0);
    assert_eq!(s["total_population"], 1900.0);
}
