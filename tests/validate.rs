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

/// Four adjacent communes of the Hautes-Alpes, squares of 0.01°, with `codes` and
/// populations 1000, 500, 200, 100; a listing putting the first two in one CPTS.
fn access_fixture(dir: &Path, codes: [&str; 4]) -> (std::path::PathBuf, std::path::PathBuf) {
    let features: Vec<Value> = codes
        .iter()
        .zip([1000, 500, 200, 100])
        .enumerate()
        .map(|(i, (code, population))| {
            let x = 6.0 + 0.01 * i as f64;
            serde_json::json!({
                "type": "Feature",
                "properties": {"code": code, "nom": format!("Commune {code}"),
                               "population": population, "departement": "05", "region": "93"},
                "geometry": {"type": "Polygon", "coordinates": [[[x, 44.5], [x + 0.01, 44.5],
                    [x + 0.01, 44.51], [x, 44.51], [x, 44.5]]]}
            })
        })
        .collect();
    let communes = dir.join("communes.geojson");
    std::fs::write(
        &communes,
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    let listing = dir.join("members.csv");
    std::fs::write(
        &listing,
        format!(
            "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;{}\nA;CPTS A;projet;{}\n",
            codes[0], codes[1]
        ),
    )
    .unwrap();
    (communes, listing)
}

/// An APL table in the CartoSanté layout: two title lines, then `Code;Libellé;<indicator>`.
fn cartosante_apl(dir: &Path, rows: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = String::from(
        "Accessibilité potentielle localisée (APL) aux médecins généralistes\n\
         Source : DREES, CartoSanté\n\
         Code;Libellé;APL aux médecins généralistes\n",
    );
    for (code, apl) in rows {
        text.push_str(&format!("{code};Commune {code};{apl}\n"));
    }
    let path = dir.join("apl.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn validate_access(communes: &Path, listing: &Path, json: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "validate",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        listing.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = cpts(&args);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    read_json(json)
}

fn finding<'a>(report: &'a Value, kind: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
}

#[test]
fn an_apl_file_of_an_older_vintage_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (communes, listing) = access_fixture(dir.path(), ["05039", "05024", "05062", "05063"]);
    // 05043 and 05088 merged into 05039 and 05024 in 2017; 05063 is missing; Mamoudzou is
    // no unit of the layer.
    let apl = cartosante_apl(
        dir.path(),
        &[
            ("05043", "2,1"),
            ("05088", "3,5"),
            ("05062", "4,0"),
            ("97611", "1,0"),
        ],
    );
    let report = validate_access(
        &communes,
        &listing,
        &dir.path().join("report.json"),
        &["--apl", apl.to_str().unwrap()],
    );
    let without = finding(&report, "apl_without_value").expect("units without value");
    assert_eq!(without["level"], "warning");
    let message = without["message"].as_str().unwrap();
    assert!(message.starts_with("1 unit has no value"), "{message}");
    assert!(message.contains("05063 Commune 05063"), "{message}");
    assert_eq!(
        without["fix"],
        "check the codes: another COG vintage, or communes without inhabitants; Mayotte is \
         absent from the DREES file"
    );
    // Said once: the assumption listing the same units is not repeated.
    assert!(!report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("APL: units without a value")));
    let unmatched = finding(&report, "apl_unmatched_codes").expect("codes matching no unit");
    assert_eq!(unmatched["level"], "info");
    let message = unmatched["message"].as_str().unwrap();
    assert!(
        message.starts_with("1 code of the APL file matches no unit") && message.contains("97611"),
        "{message}"
    );
    let vintage = finding(&report, "apl_vintage").expect("a vintage mismatch");
    assert_eq!(vintage["level"], "warning");
    let message = vintage["message"].as_str().unwrap();
    assert!(
        message.contains("the APL file likely the older")
            && message.contains("05043 → 05039")
            && message.contains("05088 → 05024"),
        "{message}"
    );
}

#[test]
fn a_communes_layer_older_than_the_apl_file_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (communes, listing) = access_fixture(dir.path(), ["05043", "05088", "05062", "05063"]);
    let apl = cartosante_apl(
        dir.path(),
        &[
            ("05039", "2,1"),
            ("05024", "3,5"),
            ("05062", "4,0"),
            ("05063", "1,0"),
        ],
    );
    let report = validate_access(
        &communes,
        &listing,
        &dir.path().join("report.json"),
        &["--apl", apl.to_str().unwrap()],
    );
    let without = finding(&report, "apl_without_value").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        without.starts_with("2 units have no value") && without.contains("05043"),
        "{without}"
    );
    let unmatched = finding(&report, "apl_unmatched_codes").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(unmatched.contains("05024, 05039"), "{unmatched}");
    let vintage = finding(&report, "apl_vintage").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        vintage.contains("the communes layer likely the older")
            && vintage.contains("05043 Commune 05043 → 05039"),
        "{vintage}"
    );
    assert!(finding(&report, "old_code").is_some());
}

/// The doctor zoning in CartoSanté's layout and in the DREES zoning tool's.
fn zoning_files(dir: &Path) -> [std::path::PathBuf; 2] {
    let cartosante = dir.join("zonage_cartosante.csv");
    std::fs::write(
        &cartosante,
        "Zonage médecins\nSource : ARS, CartoSanté\nCode;Libellé;Zonage médecins\n\
         05039;Commune 05039;1_ZIP\n05024;Commune 05024;3_QPV_ZIP\n\
         05062;Commune 05062;2_ZAC\n05063;Commune 05063;6_HZ\n",
    )
    .unwrap();
    let drees = dir.join("zonage_drees.csv");
    std::fs::write(
        &drees,
        "Code de la commune;Zonage\n05039;Zone d'intervention prioritaire\n\
         05024;Zone d'intervention prioritaire\n05062;Zone d'action complémentaire\n\
         05063;Hors vivier\n",
    )
    .unwrap();
    [cartosante, drees]
}

#[test]
fn analyze_reads_both_zoning_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let (communes, listing) = access_fixture(dir.path(), ["05039", "05024", "05062", "05063"]);
    for (i, zoning) in zoning_files(dir.path()).iter().enumerate() {
        let out = dir.path().join(format!("out{i}"));
        let run = common::analyze_into(
            &communes,
            &listing,
            &out,
            &["--doctor-zoning", zoning.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let access = &read_json(&out.join("summary.json"))["access"];
        // ZIP: 05039 (1000) and 05024 (500, a QPV in ZIP), both in CPTS A; ZAC: 05062
        // (200), in a white zone.
        assert_eq!(access["zip_population"], 1500.0, "{}", zoning.display());
        assert_eq!(access["zip_covered_population"], 1500.0);
        assert_eq!(access["zip_white_zone_population"], 0.0);
        assert_eq!(access["zac_population"], 200.0);
        assert_eq!(access["zac_covered_population"], 0.0);
        assert_eq!(access["zac_white_zone_population"], 200.0);
    }
}

#[test]
fn validate_checks_a_zoning_file() {
    let dir = tempfile::tempdir().unwrap();
    // The layer carries 05064, which no zoning row gives.
    let (communes, listing) = access_fixture(dir.path(), ["05039", "05024", "05062", "05064"]);
    for zoning in zoning_files(dir.path()) {
        let report = validate_access(
            &communes,
            &listing,
            &dir.path().join("report.json"),
            &["--doctor-zoning", zoning.to_str().unwrap(), "--force"],
        );
        let without = finding(&report, "zoning_without_value").expect("units without class");
        assert_eq!(without["level"], "warning");
        let message = without["message"].as_str().unwrap();
        assert!(
            message.starts_with("1 unit has no value in the doctor zoning file")
                && message.contains("05064"),
            "{message}"
        );
        let unmatched = finding(&report, "zoning_unmatched_codes").unwrap();
        assert_eq!(unmatched["level"], "info");
        assert!(unmatched["message"].as_str().unwrap().contains("05063"));
        assert!(finding(&report, "zoning_vintage").is_none());
    }
}
