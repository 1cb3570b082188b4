//! Listings written against an older Code officiel géographique: the shipped passage
//! table (data/code_passage.csv) maps their codes, on world1 rewritten with old codes
//! and on the real PACA listing as published (../shared/data; skipped when absent).

mod common;

use common::*;
use cpts_coverage::harmonize::code_passage::CodePassage;
use cpts_coverage::model::InseeCode;
use cpts_coverage::{analyse, Inputs, LoadOptions, Options, Summary, Tariff};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn summary(communes: PathBuf, perimeters: PathBuf, arrondissements: PathBuf) -> Value {
    let inputs = Inputs::load(&LoadOptions {
        communes,
        perimeters,
        arrondissements: Some(arrondissements),
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

#[test]
fn world1_listed_with_old_codes_gives_the_same_coverage() {
    let Some(data) = shared_data() else { return };
    // For each current code, one old code that leads to it through the shipped table.
    let passage = CodePassage::shipped();
    let mut old_code: HashMap<String, String> = HashMap::new();
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
    for pair in replaced.iter().take(50) {
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
