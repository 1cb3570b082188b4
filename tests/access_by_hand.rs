//! Access to general practitioners on a world drawn by hand, every figure worked out
//! by hand: seven communes in a row (0.1° squares in the 22), three CPTS, two white
//! zones, an APL table in the DREES layout and a zoning table in CartoSanté's.
//!
//! | commune | population | APL | standardised | zoning    | covered by          |
//! |---------|-----------:|----:|-------------:|-----------|---------------------|
//! | 22001   |      1 000 | 1.0 |        1 200 | 1_ZIP     | — (white zone W1)   |
//! | 22002   |      3 000 | 4.0 |        2 800 | 1_ZIP     | — (white zone W1)   |
//! | 22003   |      5 000 | 2.0 |        5 000 | 3_QPV_ZIP | A                   |
//! | 22004   |      1 000 | 1.0 |        1 000 | 2_ZAC     | B, its west half    |
//! | 22005   |     10 000 | 3.0 |       10 000 | 6_HZ      | — (white zone W2)   |
//! | 22006   |        700 | no row            | —         | C                   |
//! | 22007   |        300 | empty cell        | —         | C                   |
//!
//! W1 holds 4,000 inhabitants, W2 10,500 (22004's east half and 22005).

mod common;

use common::{analyze_into, cpts, read_json};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn square(code: &str, population: u32, x0: f64, departement: &str, region: &str) -> Value {
    json!({"type": "Feature",
        "properties": {"code": code, "nom": format!("Commune {code}"), "population": population,
                       "departement": departement, "region": region},
        "geometry": {"type": "Polygon", "coordinates": [[[x0, 48.0], [x0 + 0.1, 48.0],
            [x0 + 0.1, 48.1], [x0, 48.1], [x0, 48.0]]]}})
}

fn perimeter(id: &str, x0: f64, x1: f64) -> Value {
    json!({"type": "Feature", "properties": {"id": id, "nom": format!("CPTS {id}"), "statut": "projet"},
        "geometry": {"type": "Polygon", "coordinates": [[[x0, 48.0], [x1, 48.0], [x1, 48.1],
            [x0, 48.1], [x0, 48.0]]]}})
}

/// x of the west side of the `k`-th commune.
fn x(k: usize) -> f64 {
    -3.0 + 0.1 * k as f64
}

/// The world, written in `dir`: communes, perimeters, APL table, zoning table.
struct World {
    communes: PathBuf,
    perimeters: PathBuf,
    apl: PathBuf,
    zoning: PathBuf,
}

fn world(dir: &Path) -> World {
    let populations = [1000, 3000, 5000, 1000, 10000, 700, 300];
    let communes = json!({"type": "FeatureCollection", "features": populations.iter().enumerate()
        .map(|(k, &p)| square(&format!("2200{}", k + 1), p, x(k), "22", "53")).collect::<Vec<_>>()});
    let perimeters = json!({"type": "FeatureCollection", "features": [
        perimeter("A", x(2), x(3)), perimeter("B", x(3), x(3) + 0.05), perimeter("C", x(5), x(7))]});
    let w = World {
        communes: dir.join("communes.geojson"),
        perimeters: dir.join("cpts.geojson"),
        apl: dir.join("apl.csv"),
        zoning: dir.join("zonage.csv"),
    };
    std::fs::write(&w.communes, communes.to_string()).unwrap();
    std::fs::write(&w.perimeters, perimeters.to_string()).unwrap();
    // The DREES layout: title lines, the header, the units row, then the communes.
    std::fs::write(
        &w.apl,
        "Indicateur d'accessibilité potentielle localisée (APL) aux médecins généralistes\n\
         Millésime : 2023\n\
         \n\
         Code commune INSEE;Commune;APL aux médecins généralistes ;APL aux médecins généralistes de moins de 65 ans;Population standardisée 2021 pour la médecine générale;Population totale 2021\n\
         ;;En nombre de consultations;En nombre de consultations;En nombre d'habitants standardisés;En nombre d'habitants\n\
         22001;Commune 22001;1,0;0,9;1200;1000\n\
         22002;Commune 22002;4,0;3,5;2800;3000\n\
         22003;Commune 22003;2,0;1,8;5000;5000\n\
         22004;Commune 22004;1,0;1,0;1000;1000\n\
         22005;Commune 22005;3,0;2,9;10000;10000\n\
         22007;Commune 22007;;;300;300\n\
         22999;Commune inconnue;5,0;5,0;100;100\n",
    )
    .unwrap();
    std::fs::write(
        &w.zoning,
        "CartoSanté; ; \n\
         Référentiel géographique : France par commune et arrondissement mun.; ; \n\
         Code;Libellé;Zonage médecins\n\
         22001;Commune 22001;1_ZIP\n\
         22002;Commune 22002;1_ZIP\n\
         22003;Commune 22003;3_QPV_ZIP\n\
         22004;Commune 22004;2_ZAC\n\
         22005;Commune 22005;6_HZ\n",
    )
    .unwrap();
    w
}

/// Runs analyze on the world with `extra` flags; the summary.
fn analyze(w: &World, dir: &Path, name: &str, extra: &[&str]) -> Value {
    let out = dir.join(name);
    let run = analyze_into(&w.communes, &w.perimeters, &out, extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_json(&out.join("summary.json"))
}

/// A figure equal to `want` within 0.05 (an inhabitant shown to the tenth; the halves
/// of a commune cut along a meridian differ by a few hundredths once projected).
fn close(found: &Value, want: f64) {
    let found = found
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {found}"));
    assert!((found - want).abs() < 0.05, "{found} instead of {want}");
}

/// A mean equal to `want` within 1e-5.
fn mean(found: &Value, want: f64) {
    let found = found
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {found}"));
    assert!((found - want).abs() < 1e-5, "{found} instead of {want}");
}

fn cpts_row<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn the_apl_figures_of_a_world_drawn_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    let apl = w.apl.to_str().unwrap();

    // Without the APL, the more populous white zone comes first.
    let plain = analyze(&w, dir.path(), "plain", &[]);
    assert!(plain.get("access").is_none());
    close(&plain["white_zones"][0]["population"], 10_500.0);
    close(&plain["white_zones"][1]["population"], 4_000.0);

    let s = analyze(&w, dir.path(), "apl", &["--apl", apl]);
    let a = &s["access"];
    assert_eq!(a["indicator"], "APL aux médecins généralistes");
    assert_eq!(a["weighted_by_standardised_population"], true);
    // (1×1200 + 4×2800 + 2×5000 + 1×1000 + 3×10000) / 20000.
    mean(&a["apl_mean"], 53_400.0 / 20_000.0);
    // 22001, 22003 and 22004 are under 2.5: 22003 and the west half of 22004 covered.
    close(&a["population_below_threshold"], 7_000.0);
    close(&a["covered_population_below_threshold"], 5_500.0);
    close(&a["white_zone_population_below_threshold"], 1_500.0);
    // 22006 has no row, 22007 an empty cell: counted and listed, never 0.
    assert_eq!(a["units_without_value"], 2);
    assert_eq!(
        a["units_without_value_list"],
        json!(["22006 Commune 22006", "22007 Commune 22007"])
    );
    let d = &s["by_departement"][0]["access"];
    mean(&d["apl_mean"], 53_400.0 / 20_000.0);
    close(&d["population_below_threshold"], 7_000.0);

    // W1 is now first: 1,000 inhabitants under the threshold against W2's 500.
    let w1 = &s["white_zones"][0];
    close(&w1["population"], 4_000.0);
    // (1.0 × 1200 + 4.0 × 2800) / 4000.
    mean(&w1["access"]["apl_mean"], 3.1);
    close(&w1["access"]["population_below_threshold"], 1_000.0);
    close(
        &w1["access"]["white_zone_population_below_threshold"],
        1_000.0,
    );
    close(&w1["access"]["covered_population_below_threshold"], 0.0);
    let w2 = &s["white_zones"][1];
    close(&w2["population"], 10_500.0);
    // Half of 22004 counts half: (1.0 × 500 + 3.0 × 10000) / 10500.
    mean(&w2["access"]["apl_mean"], 30_500.0 / 10_500.0);
    close(&w2["access"]["population_below_threshold"], 500.0);

    // The CPTS: B holds the west half of 22004.
    let b = &cpts_row(&s, "B")["access"];
    mean(&b["apl_mean"], 1.0);
    close(&b["population_below_threshold"], 500.0);
    close(&b["covered_population_below_threshold"], 500.0);
    close(
        &cpts_row(&s, "A")["access"]["population_below_threshold"],
        5_000.0,
    );
    // C holds only units without a value: no mean.
    assert_eq!(cpts_row(&s, "C")["access"]["apl_mean"], Value::Null);
    assert_eq!(cpts_row(&s, "C")["access"]["units_without_value"], 2);

    // A threshold of 3.5 puts 22005 under it too.
    let high = analyze(
        &w,
        dir.path(),
        "high",
        &["--apl", apl, "--apl-threshold", "3.5"],
    );
    close(&high["access"]["population_below_threshold"], 17_000.0);
}

#[test]
fn a_white_zone_in_zip_ranks_before_a_larger_one_outside() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    let s = analyze(
        &w,
        dir.path(),
        "zoning",
        &["--doctor-zoning", w.zoning.to_str().unwrap()],
    );
    let z = &s["access"];
    // 22001, 22002 and 22003 (a QPV in ZIP) are in ZIP; 22004 in ZAC.
    close(&z["zip_population"], 9_000.0);
    close(&z["zip_covered_population"], 5_000.0);
    close(&z["zip_white_zone_population"], 4_000.0);
    close(&z["zac_population"], 1_000.0);
    close(&z["zac_covered_population"], 500.0);
    close(&z["zac_white_zone_population"], 500.0);
    assert!(z.get("apl_mean").is_none(), "no APL without --apl");
    // W1, in ZIP, before W2, larger and outside.
    let first = &s["white_zones"][0];
    close(&first["population"], 4_000.0);
    assert_eq!(first["in_zip"], true);
    assert_eq!(s["white_zones"][1]["in_zip"], false);
    close(
        &s["white_zones"][1]["access"]["zac_white_zone_population"],
        500.0,
    );
}

#[test]
fn a_city_analysed_whole_takes_the_mean_of_its_arrondissements() {
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    let layer =
        json!({"type": "FeatureCollection", "features": [square("75056", 4000, 2.3, "75", "11")]});
    std::fs::write(&communes, layer.to_string()).unwrap();
    let listing = dir.path().join("listing.csv");
    std::fs::write(
        &listing,
        "cpts_id;cpts_nom;statut;code_insee\nP;CPTS Paris;projet;75056\n",
    )
    .unwrap();
    // DREES gives Paris by arrondissement only.
    let apl = dir.path().join("apl.csv");
    std::fs::write(
        &apl,
        "Code commune INSEE;Commune;APL aux médecins généralistes;Population standardisée 2021 pour la médecine générale\n\
         75101;Paris 1er Arrondissement;2.0;1000\n\
         75102;Paris 2e Arrondissement;5.0;3000\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(&communes, &listing, &out, &["--apl", apl.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&out.join("summary.json"));
    // (2.0 × 1000 + 5.0 × 3000) / 4000.
    mean(&s["access"]["apl_mean"], 4.25);
    assert_eq!(s["access"]["units_without_value"], 0);
    let stated = s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "access")
        .expect("the mean is stated");
    let text = stated["text"].as_str().unwrap();
    assert!(
        text.contains("75056") && text.contains("75101 + 75102"),
        "{text}"
    );
}

#[test]
fn a_threshold_that_is_no_apl_is_refused_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    let run = cpts(&[
        "analyze",
        "-q",
        "--communes",
        w.communes.to_str().unwrap(),
        "--perimeters",
        w.perimeters.to_str().unwrap(),
        "--apl",
        w.apl.to_str().unwrap(),
        "--apl-threshold=0",
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--apl-threshold"), "{}", run.stderr);
    assert!(run.stderr.contains("not a positive APL"), "{}", run.stderr);
}

#[test]
fn a_zoning_class_that_is_none_is_refused_naming_the_file_the_row_and_the_classes() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    // The nurse zoning, given by mistake for the doctor zoning.
    std::fs::write(
        &w.zoning,
        "Code;Libellé;Zonage infirmiers\n22001;Commune 22001;4_Tres_dotee\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &w.communes,
        &w.perimeters,
        &out,
        &["--doctor-zoning", w.zoning.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    for part in [
        "zonage.csv",
        "line 2",
        "`4_Tres_dotee` is no class of the doctor zoning",
        "1_ZIP",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_apl_table_without_a_code_column_is_refused_naming_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    std::fs::write(&w.apl, "commune;APL\nCommune 22001;1.0\n").unwrap();
    let run = analyze_into(
        &w.communes,
        &w.perimeters,
        &dir.path().join("out"),
        &["--apl", w.apl.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    for part in [
        "apl.csv",
        "no commune code column in this APL table (columns: commune, APL)",
        "Code commune INSEE",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
}
