//! `--population FILE`: populations joined from a table as INSEE publishes it, made here
//! from the fixture's own populations, so that the figures must not move.

mod common;

use common::{analyze_into, read_json, root};
use serde_json::Value;
use std::path::Path;

/// The fixture communes without their population property, and their populations.
fn communes_without_population(dir: &Path) -> Vec<(String, String, f64)> {
    let mut layer = read_json(&root().join("fixtures/communes-22.geojson"));
    let mut rows = Vec::new();
    for f in layer["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        let population = p.remove("population").unwrap().as_f64().unwrap();
        rows.push((
            p["code"].as_str().unwrap().to_string(),
            p["nom"].as_str().unwrap().to_string(),
            population,
        ));
    }
    std::fs::write(dir.join("communes.geojson"), layer.to_string()).unwrap();
    rows
}

/// The summary of a run on the fixture, under the area rule alone as the peer's
/// fixture figures were computed.
fn summary(dir: &Path, extra: &[&str]) -> Value {
    let run = analyze_into(
        &dir.join("communes.geojson"),
        &root().join("fixtures/cpts-22.geojson"),
        &dir.join("out"),
        &[&["--force", "--gap-width", "0"], extra].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_json(&dir.join("out/summary.json"))
}

#[test]
fn an_insee_table_in_windows_1252_gives_the_layer_s_figures() {
    let dir = tempfile::tempdir().unwrap();
    let rows = communes_without_population(dir.path());
    // INSEE's "populations légales" layout: the code split in CODDEP + CODCOM, the name
    // in COM, Windows-1252, a title line, and a commune of another département.
    let mut text = String::from(
        "Populations légales 2021\nCODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n",
    );
    for (code, nom, population) in &rows {
        text.push_str(&format!(
            "53;Bretagne;22;1;1;{};{nom};{population};9;{}\n",
            &code[2..],
            population + 9.0
        ));
    }
    text.push_str("53;Bretagne;29;1;1;001;Argol;1000;9;1009\n");
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let table = dir.path().join("donnees_communes.csv");
    std::fs::write(&table, &*latin1).unwrap();
    let s = summary(dir.path(), &["--population", table.to_str().unwrap()]);
    let reference = read_json(&root().join("fixtures/expected-polygon/summary.json"));
    assert_eq!(s["total_population"], reference["total_population"]);
    let differences = common::peer_differences(&s, &reference);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert_eq!(s["population_source"], "donnees_communes.csv, column PMUN");
    let kinds: Vec<&str> = s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"encoding") && kinds.contains(&"outside_territory"),
        "{kinds:?}"
    );
    // Another column on request: the total population (PMUN + 9 per commune).
    let s = summary(
        dir.path(),
        &[
            "--population",
            table.to_str().unwrap(),
            "--population-column",
            "PTOT",
        ],
    );
    let expected = reference["total_population"].as_f64().unwrap() + 9.0 * rows.len() as f64;
    assert_eq!(s["total_population"].as_f64().unwrap(), expected);
}

#[test]
fn a_codgeo_table_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let rows = communes_without_population(dir.path());
    let table = dir.path().join("base-cc.csv");
    let write = |rows: &[(String, String, f64)], extra: &str| {
        let mut text = String::from("CODGEO;LIBGEO;P21_POP\n");
        for (code, nom, population) in rows {
            text.push_str(&format!("{code};{nom};{population}\n"));
        }
        text.push_str(extra);
        std::fs::write(&table, text).unwrap();
    };
    write(&rows, "");
    let s = summary(dir.path(), &["--population", table.to_str().unwrap()]);
    assert_eq!(s["population_source"], "base-cc.csv, column P21_POP");
    let total: f64 = rows.iter().map(|r| r.2).sum();
    assert_eq!(s["total_population"].as_f64().unwrap(), total);
    // A commune missing from the table, a population that is not a number.
    let fails = |fragments: &[&str]| {
        let run = analyze_into(
            &dir.path().join("communes.geojson"),
            &root().join("fixtures/cpts-22.geojson"),
            &dir.path().join("out"),
            &["--force", "--population", table.to_str().unwrap()],
        );
        assert_eq!(run.code, 2, "{}", run.stderr);
        for f in fragments {
            assert!(run.stderr.contains(f), "{f:?} not in {}", run.stderr);
        }
    };
    write(&rows[1..], "");
    fails(&[
        "base-cc.csv",
        "no population for 22001",
        "same code vintage",
    ]);
    let mut bad = rows.clone();
    bad[0].2 = f64::NAN;
    write(&bad, "");
    fails(&["line 2", "the population of 22001 is `NaN`"]);
    write(&rows, "22001;Doublon;5\n");
    fails(&["the code 22001 appears twice"]);
}

#[test]
fn a_title_line_with_commas_above_the_header_is_skipped() {
    // The separator was guessed from the first line: the title, read as the header.
    let dir = tempfile::tempdir().unwrap();
    let rows = communes_without_population(dir.path());
    let mut text = String::from(
        "Populations légales, millésime 2021, Côtes-d'Armor\n\nCODGEO;LIBGEO;P21_POP\n",
    );
    for (code, nom, population) in &rows {
        text.push_str(&format!("{code};{nom};{population}\n"));
    }
    let table = dir.path().join("base-cc.csv");
    std::fs::write(&table, text).unwrap();
    let s = summary(dir.path(), &["--population", table.to_str().unwrap()]);
    assert_eq!(s["population_source"], "base-cc.csv, column P21_POP");
    let total: f64 = rows.iter().map(|r| r.2).sum();
    assert_eq!(s["total_population"].as_f64().unwrap(), total);
    // The column read is stated as the population table's, not the perimeters'.
    let columns: Vec<&str> = s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "column")
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        [
            "population: populations read from column `P21_POP` (choose another with --population-column)",
            "population: commune codes read from column `CODGEO` (choose another with --population-code-column)"
        ]
    );
}
