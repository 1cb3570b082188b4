//! Listings written against an older Code officiel géographique: the shipped passage
//! table (data/code_passage.csv) maps their codes, on world1 rewritten with old codes
//! and on the real PACA listing as published (../shared/data; skipped when absent), and
//! on small layers: merges after 2019, a commune re-established since the layer's
//! vintage, a code of no commune (data/current_codes.csv).

mod common;

use common::*;
use cpts_coverage::harmonize::code_passage::CodePassage;
use cpts_coverage::model::InseeCode;
use cpts_coverage::{analyse, Inputs, LoadOptions, Options, Summary, Tariff};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn summary(communes: PathBuf, perimeters: PathBuf, arrondissements: PathBuf) -> Value {
    summary_of(communes, perimeters, Some(arrondissements))
}

fn summary_of(communes: PathBuf, perimeters: PathBuf, arrondissements: Option<PathBuf>) -> Value {
    let inputs = Inputs::load(&LoadOptions {
        communes,
        perimeters,
        arrondissements,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let analysis = analyse(&inputs, &Options::default(), &()).unwrap();
    serde_json::to_value(Summary::new(&inputs, &analysis, &Tariff::default_tariff())).unwrap()
}

fn assumption<'a>(s: &'a Value, kind: &str) -> Option<&'a Value> {
    s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == kind)
}

/// Merges after 2019 whose old communes did not stay delegated, from the `anciensCodes`
/// of `@etalab/decoupage-administratif` 6.0.0 (old code, current code).
const AFTER_2019: &[(&str, &str)] = &[
    ("02077", "02564"),
    ("19092", "19143"),
    ("45287", "45307"),
    ("78282", "95169"),
    ("95282", "95169"),
];

#[test]
fn world1_listed_with_old_codes_gives_the_same_coverage() {
    let Some(data) = shared_data() else { return };
    // For each current code, one old code that leads to it through the shipped table:
    // the merges after 2019 first.
    let passage = CodePassage::shipped();
    let mut old_code: HashMap<String, String> = AFTER_2019
        .iter()
        .map(|(old, new)| (new.to_string(), old.to_string()))
        .collect();
    for line in cpts_coverage::harmonize::code_passage::SHIPPED
        .lines()
        .skip(1)
    {
        let old = line.split(';').next().unwrap();
        let code = InseeCode::parse(old).unwrap().0;
        let current = passage.current(&code).unwrap().as_str().to_string();
        old_code.entry(current).or_insert_with(|| old.to_string());
    }
    let listing = std::fs::read_to_string(data.join("world1/cpts_communes.csv")).unwrap();
    let mut rewritten = String::new();
    let mut replaced = std::collections::BTreeSet::new();
    for (i, line) in listing.lines().enumerate() {
        let (head, code) = line.rsplit_once(';').unwrap();
        match old_code.get(code) {
            Some(old) if i > 0 => {
                rewritten.push_str(&format!("{head};{old}\n"));
                replaced.insert(format!("{old} → {code}"));
            }
            _ => rewritten.push_str(&format!("{line}\n")),
        }
    }
    assert!(replaced.len() > 1000, "{} codes replaced", replaced.len());
    // Merges after 2019 among them (Le Jardin into Affieux, Gouzangrez into Ableiges).
    for pair in ["19092 → 19143", "95282 → 95169"] {
        assert!(replaced.contains(pair), "{pair} not used");
    }
    let dir = tempfile::tempdir().unwrap();
    let old_listing = dir.path().join("cpts_communes_2019.csv");
    std::fs::write(&old_listing, rewritten).unwrap();

    let communes = data.join("france/communes.geojson");
    let arrondissements = data.join("france/arrondissements.geojson");
    let today = summary(
        communes.clone(),
        data.join("world1/cpts_communes.csv"),
        arrondissements.clone(),
    );
    let then = summary(communes, old_listing, arrondissements);
    for key in [
        "covered_population",
        "coverage_rate",
        "white_zone_population",
        "white_zone_count",
        "overlap_count",
        "overlap_population",
        "cpts",
        "by_departement",
        "by_region",
    ] {
        assert_eq!(today[key], then[key], "{key}");
    }
    let mapped = assumption(&then, "harmonised_code").expect("the mapped codes are listed");
    assert_eq!(mapped["count"], replaced.len());
    let text = mapped["text"].as_str().unwrap();
    assert!(text.contains("(data/code_passage.csv)"), "{text}");
    for pair in replaced.iter().take(50).chain(
        ["19092 → 19143", "95282 → 95169"]
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        assert!(text.contains(pair.as_str()), "{pair} not in {text}");
    }
    assert!(assumption(&today, "harmonised_code").is_none());
}

fn paca_listing(data: &Path) -> PathBuf {
    data.join("paca_real/cpts_communes_as_published.csv")
}

#[test]
fn the_paca_listing_runs_as_published() {
    let Some(data) = shared_data() else { return };
    let s = summary(
        data.join("france/communes.geojson"),
        paca_listing(&data),
        data.join("france/arrondissements.geojson"),
    );
    // The merged communes of Hautes-Alpes, written with their pre-2019 codes.
    let mapped = assumption(&s, "harmonised_code").unwrap();
    assert_eq!(
        mapped["text"],
        "perimeters: codes of merged communes mapped to the current ones (data/code_passage.csv): \
         05043 → 05039, 05088 → 05024, 05120 → 05001, 05141 → 05039, 05150 → 05024, 05175 → 05101"
    );
    let status = assumption(&s, "default_status").unwrap();
    assert_eq!(
        status["text"],
        "perimeters: no status column; 70 CPTS taken as signataire_aci (--default-status)"
    );
    // Marseille's eight CPTS hold one arrondissement each or more, none twice.
    assert!(assumption(&s, "shared_commune").is_none());
    assert_eq!(s["overlap_count"], 0);
    assert_eq!(s["population_level"], "arrondissements");
    let arrondissements = read_json(&data.join("france/arrondissements.geojson"));
    let population_of = |codes: &[&str]| -> f64 {
        arrondissements["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| codes.contains(&f["properties"]["code"].as_str().unwrap()))
            .map(|f| f["properties"]["population"].as_f64().unwrap())
            .sum()
    };
    let cpts = |id: &str| {
        s["cpts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["population"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(cpts("M123"), population_of(&["13201", "13202", "13203"]));
    assert_eq!(cpts("M7"), population_of(&["13207"]));
    // The data set's README: about 98.7 % of PACA's population is in a listed commune.
    let paca = s["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "93")
        .unwrap();
    let rate = paca["coverage_rate"].as_f64().unwrap();
    assert!((rate - 0.987).abs() < 0.0005, "PACA coverage {rate}");
}

#[test]
fn validate_shows_marseille_split_between_cpts_without_its_arrondissements() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let run = cpts(&[
        "validate",
        "--communes",
        data.join("france/communes.geojson").to_str().unwrap(),
        "--perimeters",
        paca_listing(&data).to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let report = read_json(&json);
    let findings = report["findings"].as_array().unwrap();
    let find = |kind: &str| {
        findings
            .iter()
            .find(|f| f["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {}", run.stdout))
    };
    let split = find("split_commune");
    assert_eq!(split["level"], "error");
    let message = split["message"].as_str().unwrap();
    assert!(
        message.contains(
            "Marseille (13055) is split between 8 CPTS (ACS, ACT, ITI, LSU, M123, M7, PLA, V10) \
             by its arrondissements, which the communes layer lacks: 13201 (line 602)"
        ),
        "{message}"
    );
    assert!(split["fix"]
        .as_str()
        .unwrap()
        .contains("--arrondissements FILE"));
    // Every other finding is still there: the old codes mapped, the status assumed.
    assert!(find("harmonised_code")["message"]
        .as_str()
        .unwrap()
        .contains("05175 → 05101"));
    assert_eq!(find("default_status")["level"], "warning");
    // Not a silent overlap, nor eight CPTS over nothing.
    for kind in ["overlap", "shared_commune", "empty_cpts"] {
        assert!(
            findings.iter().all(|f| f["kind"] != kind),
            "{kind} in {}",
            run.stdout
        );
    }
    // The other warnings: the layer lacks communes of the COG (Orée d'Anjou, 157 km²),
    // and its generalised contours overlap in three places.
    assert!(find("commune_gap")["message"]
        .as_str()
        .unwrap()
        .contains("49218"));
    assert_eq!(find("commune_overlap")["level"], "warning");
    assert!(
        run.stdout.contains("1 errors, 3 warnings, 3 notes"),
        "{}",
        run.stdout
    );
}

/// A communes layer of squares: (code, name, population, longitude, latitude).
fn layer(dir: &Path, communes: &[(&str, &str, u32, f64, f64)]) -> PathBuf {
    let features: Vec<Value> = communes
        .iter()
        .map(|(code, nom, population, x, y)| {
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "code": code,
                    "nom": nom,
                    "population": population,
                    "departement": &code[..2],
                    "region": match &code[..2] {
                        "02" => "32",
                        "19" => "75",
                        "45" => "24",
                        "95" => "11",
                        _ => "84",
                    },
                },
                "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]},
            })
        })
        .collect();
    let path = dir.join("communes.geojson");
    std::fs::write(
        &path,
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    path
}

/// A membership listing of one CPTS over `codes`.
fn listing(dir: &Path, name: &str, codes: &[&str]) -> PathBuf {
    let mut text = String::from("cpts_id;cpts_nom;statut;code_insee\n");
    for code in codes {
        text.push_str(&format!("A;CPTS A;projet;{code}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn merges_after_2019_are_in_the_shipped_table_and_listings_using_them_run() {
    let passage = CodePassage::shipped();
    for (old, new) in AFTER_2019 {
        let code = InseeCode::parse(old).unwrap().0;
        assert_eq!(
            passage.current(&code).map(|c| c.as_str()),
            Some(*new),
            "{old}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let communes = layer(
        dir.path(),
        &[
            ("02564", "Bernoy-le-Château", 825, 3.3, 49.3),
            ("19143", "Affieux", 400, 1.7, 45.5),
            ("45307", "Sceaux-du-Gâtinais", 600, 2.6, 48.1),
            ("95169", "Ableiges", 1100, 1.98, 49.08),
            ("95120", "Cergy", 60000, 2.06, 49.03),
        ],
    );
    let today = summary_of(
        communes.clone(),
        listing(
            dir.path(),
            "today.csv",
            &["02564", "19143", "45307", "95169"],
        ),
        None,
    );
    let then = summary_of(
        communes,
        listing(
            dir.path(),
            "then.csv",
            &["02077", "19092", "45287", "95282"],
        ),
        None,
    );
    for key in [
        "covered_population",
        "coverage_rate",
        "white_zone_population",
        "white_zone_count",
        "cpts",
        "by_departement",
    ] {
        assert_eq!(today[key], then[key], "{key}");
    }
    assert_eq!(then["covered_population"], 2925.0);
    let mapped = assumption(&then, "harmonised_code").expect("the mapped codes are stated");
    assert_eq!(
        mapped["text"],
        "perimeters: codes of merged communes mapped to the current ones (data/code_passage.csv): \
         02077 → 02564, 19092 → 19143, 45287 → 45307, 95282 → 95169"
    );
}

#[test]
fn a_commune_re_established_since_the_layer_names_the_unit_that_holds_it() {
    // Celles (15031) left Neussargues en Pinatelle (15141) in 2024: a layer of 2017 to
    // 2023 holds it within 15141.
    let dir = tempfile::tempdir().unwrap();
    let communes = layer(
        dir.path(),
        &[
            ("15141", "Neussargues en Pinatelle", 2000, 2.98, 45.13),
            ("15187", "Saint-Flour", 6500, 3.09, 45.03),
        ],
    );
    let members = listing(dir.path(), "members.csv", &["15187", "15031"]);
    let out = dir.path().join("out");
    let run = analyze_into(&communes, &members, &out, &[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    for part in [
        "members.csv",
        "codes of communes re-established (or renumbered) since the vintage (COG) of the communes layer",
        "15031 (line 3) is within 15141 Neussargues en Pinatelle",
        "give a communes layer of the current vintage, or list the commune of the layer that holds each (15141)",
    ] {
        assert!(run.stderr.contains(part), "{part} not in {}", run.stderr);
    }
    assert!(!out.exists());
}

#[test]
fn a_code_of_no_commune_is_an_error_and_a_commune_of_another_departement_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let communes = layer(
        dir.path(),
        &[
            ("03001", "Un", 100, 3.0, 46.5),
            ("03002", "Deux", 50, 3.01, 46.5),
        ],
    );
    // 99999: no département 99 in the layer, and no commune of any vintage; 03999: a
    // département the layer holds, and no commune of any vintage either.
    let members = listing(dir.path(), "members.csv", &["03001", "99999", "03999"]);
    let run = analyze_into(&communes, &members, &dir.path().join("out"), &[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    for part in [
        "members.csv",
        "codes of no commune in any vintage of the COG",
        "99999 (line 3)",
        "03999 (line 4)",
        "correct the codes: each row needs the INSEE code of a commune (not its postal code)",
    ] {
        assert!(run.stderr.contains(part), "{part} not in {}", run.stderr);
    }
    let json = dir.path().join("report.json");
    let run = cpts(&[
        "validate",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        members.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let report = read_json(&json);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unknown_code")
        .unwrap_or_else(|| panic!("no unknown_code in {report}"));
    assert_eq!(finding["level"], "error");
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("99999 (line 3)"));
    assert!(finding["fix"]
        .as_str()
        .unwrap()
        .contains("correct the codes"));
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "outside_territory"));

    // A real commune of another département (Bernoy-le-Château, and its old code):
    // left out and stated, as before.
    let members = listing(dir.path(), "other.csv", &["03001", "02564", "02077"]);
    let s = summary_of(communes, members, None);
    let outside = assumption(&s, "outside_territory").expect("the rows left out are stated");
    let text = outside["text"].as_str().unwrap();
    assert!(text.contains("02564 (line 3), 02077 (line 4)"), "{text}");
    assert_eq!(s["covered_population"], 100.0);
    assert_eq!(s["cpts"][0]["partial"], true);
}
