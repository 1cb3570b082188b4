//! `cpts-coverage.xlsx` read back with calamine: its sheets, and figures equal to those
//! of `summary.json`, stored as numbers; the same inputs give the same bytes.

mod common;

use calamine::{open_workbook_auto, Data, Range, Reader};
use common::{analyze_into, cpts, read_json, root};
use serde_json::Value;
use std::path::Path;

/// The sheet `name` of the workbook in `out`.
fn sheet(out: &Path, name: &str) -> Range<Data> {
    let mut workbook = open_workbook_auto(out.join("cpts-coverage.xlsx")).unwrap();
    workbook.worksheet_range(name).unwrap()
}

/// The number of a cell, failing on anything but a number.
fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(n) => *n,
        other => panic!("not a number: {other:?}"),
    }
}

/// The row of `sheet` whose first cell is `key`.
fn row<'a>(sheet: &'a Range<Data>, key: &str) -> &'a [Data] {
    sheet
        .rows()
        .find(|r| r[0] == Data::String(key.to_string()))
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn the_workbook_holds_the_figures_of_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let fixtures = root().join("fixtures");
    let run = analyze_into(
        &fixtures.join("communes-22.geojson"),
        &fixtures.join("cpts-22.geojson"),
        &out,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = read_json(&out.join("summary.json"));

    let workbook = open_workbook_auto(out.join("cpts-coverage.xlsx")).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "Synthèse",
            "Régions",
            "Départements",
            "CPTS",
            "Zones blanches",
            "Chevauchements",
            "Communes non couvertes",
            "Hypothèses",
        ]
    );

    let synthesis = sheet(&out, "Synthèse");
    assert_eq!(
        synthesis.get((0, 0)),
        Some(&Data::String("Indicateur".into()))
    );
    let figure = |key: &str| number(&row(&synthesis, key)[1]);
    assert_eq!(
        figure("Taux de couverture"),
        summary["coverage_rate"].as_f64().unwrap()
    );
    assert_eq!(
        figure("Population"),
        summary["total_population"].as_f64().unwrap()
    );
    assert_eq!(
        figure("Nombre de zones blanches"),
        summary["white_zone_count"].as_f64().unwrap()
    );

    let departements = sheet(&out, "Départements");
    let rows: &[Value] = summary["by_departement"].as_array().unwrap();
    assert_eq!(departements.height(), rows.len() + 1);
    for expected in rows {
        let code = expected["departement"].as_str().unwrap();
        let found = row(&departements, code);
        assert_eq!(found[1], Data::String("Côtes-d'Armor".into()));
        let close = |cell: &Data, key: &str, precision: f64| {
            let want = expected[key].as_f64().unwrap();
            assert!(
                (number(cell) - want).abs() <= precision,
                "{key}: {cell:?} {want}"
            );
        };
        close(&found[2], "population", 0.05);
        close(&found[3], "covered_population", 0.05);
        close(&found[4], "coverage_rate", 5e-7);
        close(&found[5], "white_zone_population", 0.05);
    }

    // Every population of the CPTS sheet a number, equal to the summary's.
    let cpts_sheet = sheet(&out, "CPTS");
    for c in summary["cpts"].as_array().unwrap() {
        let found = row(&cpts_sheet, c["id"].as_str().unwrap());
        let population = c["population"].as_f64().unwrap();
        assert!((number(&found[3]) - population).abs() <= 0.05);
    }
    assert_eq!(
        sheet(&out, "Zones blanches").height(),
        summary["white_zone_count"].as_u64().unwrap() as usize + 1
    );
}

#[test]
fn the_workbook_is_the_same_for_the_same_inputs_and_follows_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("fixtures");
    let communes = fixtures.join("communes-22.geojson");
    let perimeters = fixtures.join("cpts-22.geojson");
    let outs = ["a", "b"].map(|name| dir.path().join(name));
    for out in &outs {
        let run = analyze_into(&communes, &perimeters, out, &["--lang", "en"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let bytes = outs
        .each_ref()
        .map(|out| std::fs::read(out.join("cpts-coverage.xlsx")).unwrap());
    assert!(bytes[0] == bytes[1], "two runs, two workbooks");
    let workbook = open_workbook_auto(outs[0].join("cpts-coverage.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names()[0], "Summary");
    let summary = sheet(&outs[0], "Summary");
    assert_eq!(summary.get((0, 0)), Some(&Data::String("Figure".into())));
}

#[test]
fn a_plan_adds_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("fixtures");
    let out = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "-q",
        "--communes",
        fixtures.join("communes-22.geojson").to_str().unwrap(),
        "--perimeters",
        fixtures.join("cpts-22.geojson").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--new-cpts-min",
        "10000",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = sheet(&out, "Plan");
    let csv = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    assert_eq!(plan.height(), csv.lines().count());
    assert_eq!(plan.get((0, 0)), Some(&Data::String("Type".into())));
}

/// The sheet number `n` (from 1) of the workbook in `out` as LibreOffice Calc exports
/// it to CSV, headless: rows of cells as shown.
fn libreoffice_sheet(soffice: &Path, out: &Path, n: usize, scratch: &Path) -> Vec<Vec<String>> {
    let target = scratch.join(format!("sheet{n}"));
    let profile = format!("file://{}", scratch.join("profile").display());
    let status = std::process::Command::new(soffice)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to"])
        .arg(format!(
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{n}"
        ))
        .arg("--outdir")
        .arg(&target)
        .arg(out.join("cpts-coverage.xlsx"))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let file = std::fs::read_dir(&target).unwrap().next().unwrap().unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(file.path())
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// A number as LibreOffice shows it: `88.79%` is 0.8879.
fn shown(cell: &str) -> f64 {
    match cell.strip_suffix('%') {
        Some(percent) => percent.parse::<f64>().unwrap() / 100.0,
        None => cell.parse().unwrap(),
    }
}

#[test]
fn libreoffice_opens_the_workbook_with_the_figures_of_the_summary() {
    let Some(soffice) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("soffice"))
            .find(|p| p.is_file())
    }) else {
        eprintln!("skipped: LibreOffice (soffice) is not installed; scripts/setup.sh installs it");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let fixtures = root().join("fixtures");
    let run = analyze_into(
        &fixtures.join("communes-22.geojson"),
        &fixtures.join("cpts-22.geojson"),
        &out,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = read_json(&out.join("summary.json"));
    // Shown to 0.1 inhabitant and to 6 significant digits for rates.
    let close = |cell: &str, want: &Value, precision: f64| {
        let want = want.as_f64().unwrap();
        assert!(
            (shown(cell) - want).abs() <= precision,
            "{cell} shown, {want} in summary.json"
        );
    };

    let synthesis = libreoffice_sheet(&soffice, &out, 1, dir.path());
    let figure = |key: &str| {
        synthesis
            .iter()
            .find(|r| r[0] == key)
            .unwrap_or_else(|| panic!("no row {key} in {synthesis:?}"))[1]
            .clone()
    };
    close(&figure("Population"), &summary["total_population"], 0.05);
    close(
        &figure("Population couverte"),
        &summary["covered_population"],
        0.05,
    );
    close(
        &figure("Taux de couverture"),
        &summary["coverage_rate"],
        5e-7,
    );
    close(
        &figure("Population en zones blanches"),
        &summary["white_zone_population"],
        0.05,
    );
    close(
        &figure("Nombre de zones blanches"),
        &summary["white_zone_count"],
        0.0,
    );

    let departements = libreoffice_sheet(&soffice, &out, 3, dir.path());
    assert_eq!(departements[0][0], "Département");
    let rows = summary["by_departement"].as_array().unwrap();
    assert_eq!(departements.len(), rows.len() + 1);
    for expected in rows {
        let found = departements
            .iter()
            .find(|r| r[0] == expected["departement"].as_str().unwrap())
            .unwrap();
        close(&found[2], &expected["population"], 0.05);
        close(&found[3], &expected["covered_population"], 0.05);
        close(&found[4], &expected["coverage_rate"], 5e-7);
        close(&found[5], &expected["white_zone_population"], 0.05);
    }
}
