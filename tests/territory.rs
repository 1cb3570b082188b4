//! A territory in scope (`--territory`): the units, figures, white zones, plan and
//! labels of that territory alone; and a communes layer wider than the CPTS file, said
//! so. On the fixtures, and on the real Alpes-Maritimes export when ../shared/data is
//! present (figures of ../shared/data/real06/README.md, from the peer with
//! `--gap-width 200` on the 163 communes of 06).

mod common;

use common::{analyze_into, check_invariants, cpts, read_json, root, shared_data};
use serde_json::Value;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("fixtures").join(name)
}

fn summary_of(out: &Path) -> Value {
    read_json(&out.join("summary.json"))
}

/// Runs `verb` on the real Alpes-Maritimes export over the communes of PACA, with
/// `extra` flags, into `out`; `None` when ../shared/data is absent.
fn real06(verb: &str, extra: &[&str], out: &Path) -> Option<common::Run> {
    let Some(data) = shared_data() else {
        eprintln!("skipped: ../shared/data is absent");
        return None;
    };
    let dir = data.join("real06");
    let (communes, perimeters) = (
        dir.join("communes_paca.geojson"),
        dir.join("cpts06_raw.geojson"),
    );
    let mut args = vec![
        verb,
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--exclude-where",
        "nom_cpts=HORS CPTS",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = cpts(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    Some(run)
}

#[test]
fn the_real_alpes_maritimes_export_in_scope_of_06_has_its_three_white_zones() {
    let out = tempfile::tempdir().unwrap();
    let Some(run) = real06("analyze", &["--territory", "06"], &out.path().join("out")) else {
        return;
    };
    let s = summary_of(&out.path().join("out"));
    check_invariants(&s);
    assert_eq!(s["territory"], "Alpes-Maritimes");
    assert_eq!(s["unit_count"], 163);
    assert_eq!(s["white_zone_count"], 3);
    let white = s["white_zone_population"].as_f64().unwrap();
    assert!((white - 46_242.0).abs() <= 0.005 * 46_242.0, "{white}");
    let rate = s["coverage_rate"].as_f64().unwrap();
    assert!((rate - 0.9573).abs() <= 0.0005, "{rate}");
    // Under the area rule alone the debris made 207 white zones.
    assert_eq!(s["before_reconciliation"]["white_zone_count"], 207);
    assert!(s["departements_without_cpts"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(
        run.stdout
            .starts_with("Alpes-Maritimes: polygon mode, 163 units"),
        "{}",
        run.stdout
    );
    // The three zones: Mandelieu-la-Napoule with Théoule-sur-Mer, the Var valley
    // (Bonson … Gilette), the Cheiron (Cipières, Gars, Gréolières, Mas).
    let zones = read_json(&out.path().join("out/white_zones.geojson"));
    let mut communes: Vec<String> = zones["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["communes"].as_str().unwrap().to_string())
        .collect();
    communes.sort();
    assert_eq!(communes.len(), 3);
    assert!(
        communes
            .iter()
            .any(|c| c.contains("06079") && c.contains("06138")),
        "{communes:?}"
    );
    // The commune attributes list only the CPTS that really cover each commune:
    // Mandelieu (0.4 % covered, hairlines of two perimeters) none, Nice its three.
    let layer = read_json(&out.path().join("out/communes.geojson"));
    let commune = |code: &str| {
        layer["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .unwrap()["properties"]
            .clone()
    };
    assert_eq!(commune("06079")["cpts"], "");
    // The maps' classes count the strips of misaligned borders as covered: a commune
    // is in a white zone, or wholly covered (62 were between 90 and 99.9 %).
    let patchy = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| (0.9..0.999).contains(&f["properties"]["class_share"].as_f64().unwrap()))
        .count();
    assert_eq!(patchy, 0);
    assert!(commune("06079")["class_share"].as_f64().unwrap() < 0.01);
    assert_eq!(
        commune("06088")["cpts"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        3
    );
    // No CPTS of the file is said to hold a commune outside 06.
    assert!(s["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["departements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d == "06")));
}

#[test]
fn a_region_layer_with_the_cpts_of_one_departement_says_which_have_none() {
    let out = tempfile::tempdir().unwrap();
    let Some(run) = real06("analyze", &[], &out.path().join("out")) else {
        return;
    };
    let s = summary_of(&out.path().join("out"));
    assert_eq!(s["territory"], "Provence-Alpes-Côte d'Azur");
    assert_eq!(
        s["departements_without_cpts"],
        serde_json::json!(["04", "05", "13", "83", "84"])
    );
    assert!(
        run.stderr.contains(
            "warning: Départements 04, 05, 13, 83 and 84 have no CPTS in the perimeter file."
        ),
        "{}",
        run.stderr
    );
    let md = std::fs::read_to_string(out.path().join("out/report.md")).unwrap();
    assert!(
        md.starts_with("# Couverture CPTS — Provence-Alpes-Côte d'Azur"),
        "{md}"
    );
    assert!(md.contains(
        "Les départements 04, 05, 13, 83 et 84 n'ont aucune CPTS dans le fichier des périmètres."
    ));
    let html = std::fs::read_to_string(out.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("— Provence-Alpes-Côte d&#39;Azur</h1>")
            || html.contains("— Provence-Alpes-Côte d'Azur</h1>")
    );
    assert!(!html.contains("France"), "a region's report says France");
}

#[test]
fn a_territory_keeps_its_units_and_names_its_codes() {
    let out = tempfile::tempdir().unwrap();
    let whole = out.path().join("whole");
    let run = analyze_into(
        &fixture("communes-22.geojson"),
        &fixture("cpts-22.geojson"),
        &whole,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The whole layer is département 22: the same figures with it in scope, and with
    // its region.
    for scope in ["22", "region:53"] {
        let scoped = out.path().join(scope.replace(':', "-"));
        let run = analyze_into(
            &fixture("communes-22.geojson"),
            &fixture("cpts-22.geojson"),
            &scoped,
            &["--territory", scope],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let (a, b) = (summary_of(&whole), summary_of(&scoped));
        assert_eq!(a["covered_population"], b["covered_population"]);
        assert_eq!(b["territory"], "Côtes-d'Armor");
    }
    let run = analyze_into(
        &fixture("communes-22.geojson"),
        &fixture("cpts-22.geojson"),
        &out.path().join("none"),
        &["--territory", "29"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--territory 29: no commune of the communes layer lies in it")
            && run
                .stderr
                .contains("choose a département (22) or a region (53)"),
        "{}",
        run.stderr
    );
    assert!(!out.path().join("none").exists());
}

#[test]
fn a_white_zone_across_departements_gives_its_population_in_each() {
    let Some(data) = shared_data() else {
        eprintln!("skipped: ../shared/data is absent");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let run = cpts(&[
        "analyze",
        "-q",
        "--communes",
        data.join("france/communes.geojson").to_str().unwrap(),
        "--arrondissements",
        data.join("france/arrondissements.geojson")
            .to_str()
            .unwrap(),
        "--perimeters",
        data.join("world1/cpts.geojson").to_str().unwrap(),
        "--out",
        out.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = summary_of(&out.path().join("out"));
    assert_eq!(s["territory"], "France");
    let zones = read_json(&out.path().join("out/white_zones.geojson"));
    for f in zones["features"].as_array().unwrap() {
        let p = &f["properties"];
        // Each département's share, rounded, adds up to the zone's population.
        let shares: f64 = p["population_by_departement"]
            .as_str()
            .unwrap()
            .split("; ")
            .map(|d| d.split_once(": ").unwrap().1.parse::<f64>().unwrap())
            .sum();
        let population = p["population"].as_f64().unwrap();
        let departements = p["departements"].as_str().unwrap().split(',').count() as f64;
        assert!((shares - population).abs() <= departements, "{p}");
    }
    // ZB-0004 spans 27, 28 and 78: Eure-et-Loir's 104,508 inhabitants in it.
    let spanning = zones["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["departements"] == "27,28,78")
        .unwrap();
    assert!(
        spanning["properties"]["population_by_departement"]
            .as_str()
            .unwrap()
            .contains("28: 104508"),
        "{spanning}"
    );
}

#[test]
fn the_plan_of_06_proposes_for_its_three_white_zones_only() {
    let out = tempfile::tempdir().unwrap();
    if real06(
        "plan",
        &["-q", "--territory", "06"],
        &out.path().join("out"),
    )
    .is_none()
    {
        return;
    }
    let plan = read_json(&out.path().join("out/plan.json"));
    let zones = plan["white_zones"].as_array().unwrap();
    assert_eq!(zones.len(), 3);
    assert!(zones
        .iter()
        .all(|z| z["departements"] == serde_json::json!(["06"])));
    // Mandelieu-la-Napoule's zone (24 226 inhabitants) makes a new CPTS; the CPTS
    // first offered to take it is Pays de Lérins, of the 06, before any of the 83.
    let mandelieu = &zones[0];
    assert_eq!(mandelieu["proposal"], "new_cpts");
    assert_eq!(mandelieu["extensions"][0]["nom"], "CPTS PAYS DE LERINS");
    assert!(mandelieu["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["crosses"].is_null()));
    assert_eq!(
        plan["candidates"][0]["nom"],
        "CPTS de Mandelieu-la-Napoule (proposée)"
    );
    let md = std::fs::read_to_string(out.path().join("out/plan.md")).unwrap();
    assert!(
        md.contains("| Alpes-Maritimes |") && !md.contains("France"),
        "{md}"
    );
}
