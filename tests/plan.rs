//! `cpts plan` on hand-drawn grids of communes, whose shared borders, rankings and
//! splits are worked out by hand, and on world1 (../shared/data; skipped when absent),
//! every proposal's figures recomputed from the analysis outputs.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;

/// A 0.01° square commune of the Côtes-d'Armor, `col` east and `row` south of 3° W 48.1° N.
fn commune(code: &str, col: u32, row: u32, population: u32) -> Value {
    let (x, y) = (-3.0 + 0.01 * col as f64, 48.1 - 0.01 * row as f64);
    json!({"type": "Feature",
        "properties": {"code": code, "nom": code, "population": population, "departement": "22", "region": "53"},
        "geometry": {"type": "Polygon", "coordinates": [[[x, y - 0.01], [x + 0.01, y - 0.01], [x + 0.01, y], [x, y], [x, y - 0.01]]]}})
}

/// [`commune`] in département `dep` of region `reg`.
fn commune_in(code: &str, col: u32, row: u32, population: u32, dep: &str, reg: &str) -> Value {
    let mut c = commune(code, col, row, population);
    c["properties"]["departement"] = json!(dep);
    c["properties"]["region"] = json!(reg);
    c
}

/// Runs `cpts plan` on `communes` and a membership `listing`; returns plan.json.
fn plan(dir: &Path, communes: Vec<Value>, listing: &str) -> Value {
    plan_with(dir, communes, listing, &[]).1
}

/// `plan` with `extra` options: what the run printed, and plan.json.
fn plan_with(dir: &Path, communes: Vec<Value>, listing: &str, extra: &[&str]) -> (Run, Value) {
    let run = plan_run(dir, communes, listing, extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = read_json(&dir.join("plan").join("plan.json"));
    (run, json)
}

/// Writes `communes` and the membership `listing` into `dir` and runs `cpts plan` on
/// them, its outputs in `dir/plan`.
fn plan_run(dir: &Path, communes: Vec<Value>, listing: &str, extra: &[&str]) -> Run {
    let layer = dir.join("communes.geojson");
    std::fs::write(
        &layer,
        json!({"type": "FeatureCollection", "features": communes}).to_string(),
    )
    .unwrap();
    let table = dir.join("listing.csv");
    std::fs::write(&table, listing).unwrap();
    let out = dir.join("plan");
    let mut args = vec![
        "plan",
        "--communes",
        layer.to_str().unwrap(),
        "--perimeters",
        table.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cpts(&args)
}

#[test]
fn neighbours_are_ranked_by_the_border_they_share_with_the_white_zone() {
    // Row 0: A A W W / row 1: A W W B / row 2: C C C B. A shares two meridian sides
    // (1 112 m each at 48.1° N) and a parallel side (744 m) with W; B one of each; C two
    // parallel sides.
    let grid = ["AAWW", "AWWB", "CCCB"];
    let mut communes = Vec::new();
    let mut listing = String::from("cpts_id;cpts_nom;statut;code_insee\n");
    for (row, line) in grid.iter().enumerate() {
        for (col, owner) in line.chars().enumerate() {
            let code = format!("22{:03}", 1 + row * 4 + col);
            communes.push(commune(&code, col as u32, row as u32, 1000));
            if owner != 'W' {
                listing.push_str(&format!("{owner};CPTS {owner};projet;{code}\n"));
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), communes, &listing);
    let zone = &p["white_zones"][0];
    assert_eq!(zone["population"], 4000.0);
    assert_eq!(zone["proposal"], "extension");
    let ranked: Vec<&str> = zone["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cpts"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, ["A", "B", "C"]);
    let (meridian, parallel) = (1.112, 0.7434);
    let border = |k: usize| zone["extensions"][k]["shared_border_km"].as_f64().unwrap();
    for (k, expected) in [
        (0, 2.0 * meridian + parallel),
        (1, meridian + parallel),
        (2, 2.0 * parallel),
    ] {
        assert!(
            (border(k) / expected - 1.0).abs() < 0.01,
            "{k}: {} vs {expected}",
            border(k)
        );
    }
    // A: 3 000 inhabitants, taille 1, stays taille 1 with the zone's 4 000.
    let a = &zone["extensions"][0];
    assert_eq!(a["population_before"], 3000.0);
    assert_eq!(a["population_after"], 7000.0);
    assert_eq!(
        (a["tier_before"].clone(), a["tier_after"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(a["funding_change_eur"], 0);
    assert!(p["candidates"].as_array().unwrap().is_empty());
    // Every CPTS is under the regional minimum of 20 000.
    assert_eq!(p["small_cpts"].as_array().unwrap().len(), 3);
}

#[test]
fn a_large_white_zone_is_split_into_contiguous_candidates_of_plausible_size() {
    // Ten white communes in a row, 30 000 inhabitants each (300 000: more than the
    // 175 000 of a taille 3), and one commune of CPTS Z at the east end.
    let mut communes: Vec<Value> = (0..10)
        .map(|col| commune(&format!("22{:03}", col + 1), col, 0, 30_000))
        .collect();
    communes.push(commune("22011", 10, 0, 5_000));
    let dir = tempfile::tempdir().unwrap();
    let p = plan(
        dir.path(),
        communes,
        "cpts_id;cpts_nom;statut;code_insee\nZ;CPTS Z;projet;22011\n",
    );
    let zone = &p["white_zones"][0];
    assert_eq!(zone["proposal"], "new_cpts");
    assert_eq!(zone["candidates"], json!(["NC-0001", "NC-0002"]));
    // Two halves, west and east, of 150 000 each: taille 3, 487 500 € at most.
    let candidates = p["candidates"].as_array().unwrap();
    let codes = |k: usize| candidates[k]["communes"].clone();
    assert_eq!(
        codes(0),
        json!(["22001", "22002", "22003", "22004", "22005"])
    );
    assert_eq!(
        codes(1),
        json!(["22006", "22007", "22008", "22009", "22010"])
    );
    for c in candidates {
        assert_eq!(c["population"], 150_000.0);
        assert_eq!(c["tier"], 3);
        assert_eq!(c["funding_max_eur"], 487_500);
    }
    // Z is still offered, as the only neighbour (one meridian side).
    assert_eq!(zone["extensions"][0]["cpts"], "Z");
    // Funding if accepted: Z unchanged (a new CPTS takes the zone), two new taille 3.
    assert_eq!(p["funding"]["before_eur"], 287_500);
    assert_eq!(p["funding"]["after_eur"], 287_500 + 2 * 487_500);
    assert_eq!(
        p["funding"]["by_departement"],
        json!([{"departement": "22", "before_eur": 287_500, "after_eur": 1_262_500, "change_eur": 975_000}])
    );
    // The report section says the same.
    let md = std::fs::read_to_string(dir.path().join("plan/plan.md")).unwrap();
    for line in [
        // Each zone row names its département and most populous commune (a tie: the
        // first code); each candidate is named after its own.
        "| ZB-0001, 22 22001 | 300 000 | nouvelle CPTS | NC-0001 CPTS de 22001 (proposée) (5 communes) | 150 000 | 3 | 487 500 € |",
        "| ZB-0001, 22 22001 | 300 000 | nouvelle CPTS | NC-0002 CPTS de 22006 (proposée) (5 communes) | 150 000 | 3 | 487 500 € |",
        "| Côtes-d'Armor | 287 500 € | 1 262 500 € | +975 000 € |",
        "| 22 Côtes-d'Armor | 287 500 € | 1 262 500 € | +975 000 € |",
    ] {
        assert!(md.contains(line), "{line} not in:\n{md}");
    }
    // plan.csv names the new CPTS and lists its communes, populations to the inhabitant.
    let csv = std::fs::read_to_string(dir.path().join("plan/plan.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l
            == "new_cpts,ZB-0001,,NC-0001,CPTS de 22001 (proposée),,0,150000,,3,0,487500,487500,,,\"22001,22002,22003,22004,22005\""),
        "{csv}"
    );
}

/// Taille and maximum funding as SPEC.md states them (seed 004 and seed 002).
fn tier_and_funding(population: f64) -> (u64, u64) {
    match population {
        p if p < 40_000.0 => (1, 287_500),
        p if p < 80_000.0 => (2, 382_500),
        p if p <= 175_000.0 => (3, 487_500),
        _ => (4, 580_000),
    }
}

#[test]
fn world1_every_large_white_zone_has_a_proposal_whose_figures_recompute() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let communes = data.join("france/communes.geojson");
    let arrondissements = data.join("france/arrondissements.geojson");
    let perimeters = data.join("world1/cpts.geojson");
    let extra = ["--arrondissements", arrondissements.to_str().unwrap()];
    let analysis = dir.path().join("analysis");
    let run = analyze_into(&communes, &perimeters, &analysis, &extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "-q",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        extra[0],
        extra[1],
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let p = read_json(&out.join("plan.json"));
    let summary = read_json(&analysis.join("summary.json"));
    // The analysis's own layers: white population by commune, zones, CPTS.
    let white_of: std::collections::HashMap<String, f64> =
        read_json(&analysis.join("communes.geojson"))["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["code"].as_str().unwrap().to_string(),
                    p["white_zone_population"].as_f64().unwrap(),
                )
            })
            .collect();
    let zones = read_json(&analysis.join("white_zones.geojson"));
    let zone_population = |id: &str| {
        zones["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == id)
            .unwrap()["properties"]["population"]
            .as_f64()
            .unwrap()
    };
    let cpts_population = |id: &str| {
        summary["cpts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["population"]
            .as_f64()
            .unwrap()
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
    // A zone across a region border is planned in parts, one per region, whose
    // populations add up to the zone's.
    let white_zones = p["white_zones"].as_array().unwrap();
    let mut by_zone: std::collections::BTreeMap<&str, f64> = Default::default();
    for z in white_zones {
        *by_zone
            .entry(z["white_zone"].as_str().unwrap())
            .or_default() += z["population"].as_f64().unwrap();
        assert_eq!(
            z["region"].is_null(),
            z["id"] == z["white_zone"],
            "{}",
            z["id"]
        );
    }
    assert_eq!(
        by_zone.len() as u64,
        summary["white_zone_count"].as_u64().unwrap()
    );
    assert!(
        by_zone.len() < white_zones.len(),
        "world1 has zones across regions"
    );
    for (id, people) in &by_zone {
        assert!(close(*people, zone_population(id)), "{id}");
    }
    for z in white_zones {
        let id = z["id"].as_str().unwrap();
        let population = z["population"].as_f64().unwrap();
        if population >= 20_000.0 {
            assert_eq!(z["proposal"], "new_cpts", "{id}");
        }
        for e in z["extensions"].as_array().unwrap() {
            let before = cpts_population(e["cpts"].as_str().unwrap());
            assert!(
                close(e["population_before"].as_f64().unwrap(), before),
                "{id}"
            );
            let after = before + population;
            assert!(
                close(e["population_after"].as_f64().unwrap(), after),
                "{id}"
            );
            let ((t0, f0), (t1, f1)) = (tier_and_funding(before), tier_and_funding(after));
            assert_eq!(
                (e["tier_before"].as_u64(), e["tier_after"].as_u64()),
                (Some(t0), Some(t1))
            );
            assert_eq!(
                e["funding_change_eur"].as_i64(),
                Some(f1 as i64 - f0 as i64)
            );
            assert!(e["shared_border_km"].as_f64().unwrap() >= 0.1);
            assert_ne!(e["crosses"], "region", "{id}");
        }
    }
    let candidates = p["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty());
    for c in candidates {
        let population: f64 = c["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|code| white_of[code.as_str().unwrap()])
            .sum();
        assert!(
            close(c["population"].as_f64().unwrap(), population),
            "{}",
            c["id"]
        );
        let (tier, funding) = tier_and_funding(population);
        assert_eq!(c["tier"].as_u64(), Some(tier), "{}", c["id"]);
        assert_eq!(c["funding_max_eur"].as_u64(), Some(funding), "{}", c["id"]);
        // Plausible sizes: none above the top of taille 3 (no world1 commune is).
        assert!(population <= 175_000.0, "{}: {population}", c["id"]);
    }
    // No commune is proposed for two new CPTS.
    let mut proposed = std::collections::HashSet::new();
    for c in candidates {
        for code in c["communes"].as_array().unwrap() {
            assert!(proposed.insert(code.as_str().unwrap()), "{code}");
        }
    }
    world1_candidates_keep_to_regions_and_epci(&data, candidates, &white_of);
    // Every CPTS under 20 000 has a proposal, or the reason why none fits.
    let small = p["small_cpts"].as_array().unwrap();
    assert_eq!(small.len(), 148);
    for s in small {
        match s["proposal"].as_str().unwrap() {
            "merger" => {
                assert_ne!(s["crosses"], "region", "{}", s["id"]);
                assert!(s["population_after"].as_f64() <= Some(175_000.0));
            }
            "white_zones" => assert!(s["population_after"].as_f64() >= Some(20_000.0)),
            other => assert_eq!((other, s["reason"].is_string()), ("none", true)),
        }
    }
    // Every CPTS of world1 holds inhabitants: the départements' totals add up to the
    // nation's.
    let by_departement = p["funding"]["by_departement"].as_array().unwrap();
    for key in ["before_eur", "after_eur"] {
        let sum: u64 = by_departement
            .iter()
            .map(|d| d[key].as_u64().unwrap())
            .sum();
        assert_eq!(sum, p["funding"][key].as_u64().unwrap(), "{key}");
    }
    // Every overlap is ruled, and the leaver gives up the overlap's population.
    let overlaps = p["overlaps"].as_array().unwrap();
    assert_eq!(
        overlaps.len() as u64,
        summary["overlap_count"].as_u64().unwrap()
    );
    for o in overlaps {
        let leaver = cpts_population(o["leaver"].as_str().unwrap());
        let after = o["leaver_change"]["population_after"].as_f64().unwrap();
        assert!(close(after, leaver - o["population"].as_f64().unwrap()));
        assert!(o["keeper_population"].as_f64() >= o["leaver_population"].as_f64());
    }
}

/// world1's `candidates` each lie in one region, and an EPCI all of whose units are
/// proposed within one white zone (and which a new CPTS can hold: at most 175 000
/// white inhabitants, by `white_of`) lies in one candidate: the EPCI of each unit read
/// from the source layers (an arrondissement's is its city's, which it replaces).
fn world1_candidates_keep_to_regions_and_epci(
    data: &Path,
    candidates: &[Value],
    white_of: &std::collections::HashMap<String, f64>,
) {
    let mut of: std::collections::HashMap<String, (String, String)> =
        read_json(&data.join("france/communes.geojson"))["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                let text = |k: &str| p[k].as_str().unwrap().to_string();
                (text("code"), (text("region"), text("epci")))
            })
            .collect();
    let communes = of.clone();
    for f in read_json(&data.join("france/arrondissements.geojson"))["features"]
        .as_array()
        .unwrap()
    {
        let city = f["properties"]["commune"].as_str().unwrap();
        let home = communes[city].clone();
        of.remove(city);
        of.insert(f["properties"]["code"].as_str().unwrap().to_string(), home);
    }
    let mut units: std::collections::HashMap<&str, usize> = Default::default();
    for (_, epci) in of.values() {
        *units.entry(epci.as_str()).or_default() += 1;
    }
    // For each EPCI: its units proposed, their white inhabitants, the zones and the
    // candidates they are proposed in.
    type Held<'a> = (
        usize,
        f64,
        std::collections::BTreeSet<&'a str>,
        std::collections::BTreeSet<&'a str>,
    );
    let mut held: std::collections::BTreeMap<&str, Held> = Default::default();
    let mut whole = 0;
    for c in candidates {
        let codes = c["communes"].as_array().unwrap();
        let regions: std::collections::BTreeSet<&str> = codes
            .iter()
            .map(|code| of[code.as_str().unwrap()].0.as_str())
            .collect();
        assert_eq!(regions.len(), 1, "{}", c["id"]);
        for code in codes {
            let code = code.as_str().unwrap();
            let h = held.entry(of[code].1.as_str()).or_default();
            h.0 += 1;
            h.1 += white_of[code];
            h.2.insert(c["white_zone"].as_str().unwrap());
            h.3.insert(c["id"].as_str().unwrap());
        }
        whole += usize::from(c["whole_epci"] == true);
    }
    let mut kept = 0;
    for (epci, (count, people, zones, holders)) in &held {
        if *count == units[epci] && zones.len() == 1 && *people <= 175_000.0 {
            assert_eq!(holders.len(), 1, "EPCI {epci} split: {holders:?}");
            kept += 1;
        }
    }
    assert!(kept > 100, "{kept} EPCI kept whole");
    // Most candidates are made of whole EPCI only (the others take communes of EPCI
    // that a CPTS cuts).
    assert!(
        2 * whole > candidates.len(),
        "{whole} of {}",
        candidates.len()
    );
}

/// Runs `cpts plan --apply` on `perimeters`, then `cpts analyze` on the result: the
/// summary of the second run.
fn applied_summary(
    dir: &Path,
    communes: &Path,
    perimeters: &Path,
    extra: &[&str],
    applied: &str,
) -> Value {
    let applied = dir.join(applied);
    let mut args: Vec<&str> = vec!["plan", "-q", "--communes", communes.to_str().unwrap()];
    let out = dir.join("plan");
    args.extend([
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend(["--force", "--apply", applied.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let run = cpts(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = dir.join("again");
    let run = analyze_into(communes, &applied, &again, &[extra, &["--force"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_json(&again.join("summary.json"))
}

/// Every inhabitant covered but those of the slivers (polygon perimeters written at 6
/// decimals leave some of a few centimetres; narrow parts touching no perimeter are
/// slivers too, and no plan proposes for them), no white zone, no overlap.
fn everyone_covered_once(s: &Value) {
    assert_eq!(s["white_zone_count"], 0, "{s}");
    assert_eq!(s["overlap_count"], 0);
    let total = s["total_population"].as_f64().unwrap();
    let covered = s["covered_population"].as_f64().unwrap();
    let slivers = s["sliver_population"].as_f64().unwrap();
    assert!(
        total - covered < slivers + 1.0,
        "{covered} of {total}, {slivers} in slivers"
    );
}

#[test]
fn the_fixture_with_every_proposal_applied_is_covered_once_everywhere() {
    let f = root().join("fixtures");
    let communes = f.join("communes-22.geojson");
    for (perimeters, applied) in [
        ("cpts-22.geojson", "applied.geojson"),
        ("cpts-22.csv", "applied.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let s = applied_summary(dir.path(), &communes, &f.join(perimeters), &[], applied);
        everyone_covered_once(&s);
        // The new CPTS are there, as pre-projects.
        let new: Vec<&Value> = s["cpts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"].as_str().unwrap().starts_with("NC-"))
            .collect();
        assert!(!new.is_empty(), "{perimeters}");
        assert!(new.iter().all(|c| c["statut"] == "pre_projet"));
    }
    // The accepted plan is never written over an input.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cpts.geojson");
    std::fs::copy(f.join("cpts-22.geojson"), &input).unwrap();
    let out = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--apply",
        input.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is one of the inputs"),
        "{}",
        run.stderr
    );
    // Nor in another form than the perimeters', and then nothing at all is written.
    let wrong = dir.path().join("accepted.csv");
    let run = cpts(&[
        "plan",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--apply",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the perimeters are a polygon layer")
            && run
                .stderr
                .contains("name the file with the .geojson extension"),
        "{}",
        run.stderr
    );
    assert!(!out.exists() && !wrong.exists());
}

#[test]
fn world1_with_every_proposal_applied_is_covered_once_everywhere() {
    let Some(data) = shared_data() else { return };
    let communes = data.join("france/communes.geojson");
    let arrondissements = data.join("france/arrondissements.geojson");
    let extra = ["--arrondissements", arrondissements.to_str().unwrap()];
    for (perimeters, applied) in [
        ("world1/cpts.geojson", "applied.geojson"),
        ("world1/cpts_communes.csv", "applied.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let s = applied_summary(
            dir.path(),
            &communes,
            &data.join(perimeters),
            &extra,
            applied,
        );
        everyone_covered_once(&s);
    }
}

#[test]
fn the_plan_does_not_depend_on_the_thread_count() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let files = |threads: &str| -> Vec<Vec<u8>> {
        let out = dir.path().join(format!("plan-{threads}"));
        let applied = dir.path().join(format!("applied-{threads}.geojson"));
        let run = cpts(&[
            "plan",
            "-q",
            "--threads",
            threads,
            "--communes",
            f.join("communes-22.geojson").to_str().unwrap(),
            "--perimeters",
            f.join("cpts-22.geojson").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--apply",
            applied.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        ["plan.json", "plan.csv", "proposals.geojson"]
            .iter()
            .map(|name| std::fs::read(out.join(name)).unwrap())
            .chain([std::fs::read(applied).unwrap()])
            .collect()
    };
    assert!(
        files("1") == files("4"),
        "outputs differ between 1 and 4 threads"
    );
}

#[test]
fn a_cpts_across_two_ght_is_flagged() {
    // Row 0: A A A B / row 1: A W W B. GHT "Ouest" holds columns 0 and 1, "Est" columns
    // 2 and 3: A has three communes in Ouest and one in Est, B is all in Est.
    let grid = ["AAAB", "AWWB"];
    let mut communes = Vec::new();
    let mut listing = String::from("cpts_id;cpts_nom;statut;code_insee\n");
    for (row, line) in grid.iter().enumerate() {
        for (col, owner) in line.chars().enumerate() {
            let code = format!("22{:03}", 1 + row * 4 + col);
            communes.push(commune(
                &code,
                col as u32,
                row as u32,
                1000 + 100 * col as u32,
            ));
            if owner != 'W' {
                listing.push_str(&format!("{owner};CPTS {owner};projet;{code}\n"));
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let ght = |code: &str, x0: f64, x1: f64| {
        json!({"type": "Feature", "properties": {"code_ght": code, "nom": format!("GHT {code}")},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, 48.0], [x1, 48.0], [x1, 48.2], [x0, 48.2], [x0, 48.0]]]}})
    };
    let layer = dir.path().join("ght.geojson");
    std::fs::write(
        &layer,
        json!({"type": "FeatureCollection", "features": [ght("Ouest", -3.1, -2.98), ght("Est", -2.98, -2.9)]}).to_string(),
    )
    .unwrap();
    let (run, p) = plan_with(
        dir.path(),
        communes,
        &listing,
        &["--ght", layer.to_str().unwrap()],
    );
    assert!(
        run.stdout.contains("1 CPTS spanning several GHT"),
        "{}",
        run.stdout
    );
    let flagged = p["multi_ght"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0]["cpts"], "A");
    // A: 22001 (1 000), 22002 (1 100), 22005 (1 000) in Ouest; 22003 (1 200) in Est.
    let shares: Vec<(&str, f64)> = flagged[0]["ght"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["code"].as_str().unwrap(),
                g["population_share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shares[0].0, "Ouest");
    assert!((shares[0].1 - 3100.0 / 4300.0).abs() < 1e-12);
    assert_eq!(shares[1].0, "Est");
    assert!((shares[1].1 - 1200.0 / 4300.0).abs() < 1e-12);
}

#[test]
fn a_ght_layer_without_codes_is_refused_with_the_column_to_give() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("ght.geojson");
    std::fs::write(
        &layer,
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"label": "Armor"},
            "geometry": {"type": "Polygon", "coordinates": [[[-3.5, 48.0], [-2.0, 48.0], [-2.0, 49.0], [-3.5, 48.0]]]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "--communes",
        f.join("communes-22.geojson").to_str().unwrap(),
        "--perimeters",
        f.join("cpts-22.geojson").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ght",
        layer.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("ght.geojson: feature 0: no GHT code (columns looked for: code_ght, ght, id_ght, code, id)"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("name the column of the GHT's code code_ght"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

/// Row 0: A W / row 1: B B. A (35 000, taille 1) signed access and prevention; B
/// (10 000) signed nothing; W (10 000) is white. W shares a meridian side with A
/// (1 112 m) and a parallel side with B (744 m), so A takes it and reaches taille 2.
fn missions_grid(missions_header: &str, a: &str, b: &str) -> (Vec<Value>, String) {
    let communes = vec![
        commune("22001", 0, 0, 35_000),
        commune("22002", 1, 0, 10_000),
        commune("22003", 0, 1, 5_000),
        commune("22004", 1, 1, 5_000),
    ];
    let listing = format!(
        "cpts_id;cpts_nom;statut;code_insee;{missions_header}\n\
         A;CPTS A;signataire_aci;22001;{a}\n\
         B;CPTS B;signataire_aci;22003;{b}\n\
         B;CPTS B;signataire_aci;22004;{b}\n"
    );
    (communes, listing)
}

#[test]
fn the_funding_of_signed_missions_follows_the_tier() {
    let (communes, listing) = missions_grid(
        "mission_acces;Mission Prévention;mission_parcours",
        "oui;x;non",
        "non;;0",
    );
    let dir = tempfile::tempdir().unwrap();
    let applied = dir.path().join("applied.csv");
    let (_, p) = plan_with(
        dir.path(),
        communes,
        &listing,
        &["--apply", applied.to_str().unwrap()],
    );
    let zone = &p["white_zones"][0];
    let a = &zone["extensions"][0];
    assert_eq!(a["cpts"], "A");
    assert_eq!(
        (a["tier_before"].clone(), a["tier_after"].clone()),
        (json!(1), json!(2))
    );
    // Seed 002: taille 1: operation 50 000, access 55 000 + 25 000, prevention
    // 10 000 + 10 000; taille 2: 60 000, 70 000 + 30 000, 15 000 + 15 000.
    assert_eq!(a["funding_missions_before_eur"], 150_000);
    assert_eq!(a["funding_missions_after_eur"], 190_000);
    // B signed no mission: operation only, 50 000 at taille 1.
    let funding = &p["funding"];
    assert_eq!(funding["missions_before_eur"], 150_000 + 50_000);
    assert_eq!(funding["missions_after_eur"], 190_000 + 50_000);
    let csv = std::fs::read_to_string(dir.path().join("plan/plan.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("cpts"), "A");
    assert_eq!(cell("funding_missions_before_eur"), "150000");
    assert_eq!(cell("funding_missions_after_eur"), "190000");
    // The analysis tables say what the signed missions bring today.
    let table = std::fs::read_to_string(dir.path().join("plan/cpts.csv")).unwrap();
    assert!(
        table.starts_with("id,nom,statut,population,tier,funding_max_eur,funding_missions_eur,partial,departements,departement_noms\n"),
        "{table}"
    );
    assert!(
        table.contains("A,CPTS A,signataire_aci,35000,1,287500,150000,"),
        "{table}"
    );
    assert!(
        table.contains("B,CPTS B,signataire_aci,10000,1,287500,50000,"),
        "{table}"
    );
    // The accepted perimeters keep the missions, W now with A.
    let applied = std::fs::read_to_string(&applied).unwrap();
    assert!(
        applied.starts_with(
            "cpts_id;cpts_nom;statut;code_insee;mission_acces;mission_parcours;mission_prevention\n"
        ),
        "{applied}"
    );
    assert!(
        applied.contains("A;CPTS A;signataire_aci;22002;oui;non;oui\n"),
        "{applied}"
    );
    assert!(
        applied.contains("B;CPTS B;signataire_aci;22004;non;non;non\n"),
        "{applied}"
    );
}

#[test]
fn without_mission_columns_no_mission_funding_is_made_up() {
    let (communes, listing) = missions_grid("note", "", "");
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), communes, &listing);
    let a = &p["white_zones"][0]["extensions"][0];
    assert_eq!(a["funding_missions_before_eur"], Value::Null);
    assert_eq!(p["funding"]["missions_after_eur"], Value::Null);
}

#[test]
fn a_misspelt_mission_or_an_unclear_cell_is_refused() {
    for (header, a, expected, fix) in [
        (
            "mission_acess",
            "oui",
            "CPTS A: the column mission_acess names a mission the ACI tariff does not pay",
            "mission_acces, mission_parcours, mission_prevention, mission_crise, mission_qualite, mission_accompagnement",
        ),
        (
            "mission_acces;Mission Accès",
            "oui;oui",
            "the header: the columns mission_acces and Mission Accès both give the mission acces",
            "keep one column per mission",
        ),
        (
            "mission_acces",
            "peut-être",
            "line 2: the column mission_acces reads \"peut-être\", neither yes nor no",
            "write oui or non",
        ),
    ] {
        let (communes, listing) = missions_grid(header, a, "non");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        let run = plan_run(dir.path(), communes, &listing, &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("listing.csv"), "{}", run.stderr);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
        assert!(run.stderr.contains(fix), "{}", run.stderr);
        assert!(!out.exists());
    }
}

#[test]
fn the_reports_carry_the_plan_in_the_language_asked() {
    let (communes, listing) = missions_grid("mission_acces", "oui", "non");
    for (lang, words) in [
        (
            "fr",
            [
                "1 zone blanche : 0 à couvrir",
                "extension",
                "habitants après",
            ],
        ),
        (
            "en",
            ["1 white zone: 0 to cover", "extension", "inhabitants after"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        plan_with(dir.path(), communes.clone(), &listing, &["--lang", lang]);
        let out = dir.path().join("plan");
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let section = &html[html.find("<section id=\"plan\">").expect("a plan section")..];
        let section = &section[..section.find("</section>").unwrap()];
        for word in words {
            assert!(section.contains(word), "{lang}: {word} not in {section}");
        }
        // A takes W: 35 000 + 10 000 inhabitants, taille 1 → 2.
        assert!(
            section.contains("<td>A (CPTS A)</td><td class=\"n\">45"),
            "{section}"
        );
        assert!(section.contains("<td>1 → 2</td>"), "{section}");
        // report.md, which stays short, gives the counts and points to the details.
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(
            md.contains("## Plan 100 % CPTS\n\n1 zone blanche : 0 à couvrir"),
            "{md}"
        );
        assert!(md.contains("Détail : `plan.md`"), "{md}");
        // The analysis outputs are all there beside the plan.
        for file in [
            "summary.json",
            "cpts.csv",
            "white_zones.geojson",
            "plan.md",
            "proposals.geojson",
        ] {
            assert!(out.join(file).exists(), "{file}");
        }
    }
}

#[test]
fn a_commune_under_three_cpts_stays_with_one_and_counts_once_for_the_others() {
    // Row 0: A A X / row 1: B C C, every commune 1 000 inhabitants; X is listed by A, B
    // and C. Each holds all of X, a tie; A shares X's west side (1 112 m), C its south
    // side (744 m), B no side: A keeps X, C gives it up to A, B to A and C.
    let owners = [
        ("22001", "A"),
        ("22002", "A"),
        ("22004", "B"),
        ("22005", "C"),
        ("22006", "C"),
    ];
    let communes: Vec<Value> = (0..6)
        .map(|i| commune(&format!("220{:02}", i + 1), i % 3, i / 3, 1000))
        .collect();
    let mut listing = String::from("cpts_id;cpts_nom;statut;code_insee\n");
    for (code, k) in owners {
        listing.push_str(&format!("{k};CPTS {k};projet;{code}\n"));
    }
    for k in ["A", "B", "C"] {
        listing.push_str(&format!("{k};CPTS {k};projet;22003\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("communes.geojson");
    let applied = dir.path().join("applied.csv");
    let (_, p) = plan_with(
        dir.path(),
        communes,
        &listing,
        &["--apply", applied.to_str().unwrap()],
    );
    assert_eq!(common::rulings(&p), [("A", "B"), ("A", "C"), ("C", "B")]);
    let a = &p["overlaps"][0];
    assert_eq!(a["keeper_population"], a["leaver_population"]);
    let border = |o: &Value, key: &str| o[key].as_f64().unwrap();
    // Both border X's own 4 sides (listed by both), A one more meridian side.
    assert!((border(a, "keeper_border_km") - border(a, "leaver_border_km") - 1.112).abs() < 0.012);
    // B gives up X once, though to two CPTS: 2 000 → 1 000; C 3 000 → 2 000.
    let after: Vec<(&str, f64)> = p["changed_cpts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cpts"].as_str().unwrap(),
                c["population_after"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(after, [("B", 1000.0), ("C", 2000.0)]);
    // Accepted and analysed again: everyone once, A with X.
    let again = dir.path().join("again");
    let run = analyze_into(&layer, &applied, &again, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&again.join("summary.json"));
    everyone_covered_once(&s);
    let population: Vec<(String, f64)> = s["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["population"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        population,
        [
            ("A".to_string(), 3000.0),
            ("B".to_string(), 1000.0),
            ("C".to_string(), 2000.0)
        ]
    );
}

#[test]
fn a_commune_in_two_white_zones_makes_one_new_cpts_counted_once() {
    // M (60 000 inhabitants) has two squares, at columns 0 and 2; K's commune at
    // column 1 parts them: two white zones of 30 000 each. M goes to one new CPTS, of
    // 60 000, proposed for both zones; K gains nobody.
    let square = |col: f64| {
        let (x, y) = (-3.0 + 0.01 * col, 48.1);
        json!([[
            [x, y - 0.01],
            [x + 0.01, y - 0.01],
            [x + 0.01, y],
            [x, y],
            [x, y - 0.01]
        ]])
    };
    let m = json!({"type": "Feature",
        "properties": {"code": "22001", "nom": "M", "population": 60000, "departement": "22", "region": "53"},
        "geometry": {"type": "MultiPolygon", "coordinates": [square(0.0), square(2.0)]}});
    let communes = vec![m, commune("22002", 1, 0, 1000)];
    let listing = "cpts_id;cpts_nom;statut;code_insee\nK;CPTS K;projet;22002\n";
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), communes, listing);
    let zones = p["white_zones"].as_array().unwrap();
    assert_eq!(zones.len(), 2);
    for z in zones {
        assert!(
            (z["population"].as_f64().unwrap() - 30_000.0).abs() < 1.0,
            "{z}"
        );
        assert_eq!(z["proposal"], "new_cpts", "{z}");
        assert_eq!(z["candidates"], json!(["NC-0001"]));
    }
    let candidates = p["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0]["population"], 60_000.0);
    assert_eq!(candidates[0]["communes"], json!(["22001"]));
    assert_eq!(p["changed_cpts"], json!([]));
    // The table gives the new CPTS's figures once, on its first zone's row.
    let md = std::fs::read_to_string(dir.path().join("plan/plan.md")).unwrap();
    let rows: Vec<&str> = md.lines().filter(|l| l.contains("NC-0001")).collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(
        rows[0].ends_with("| nouvelle CPTS | NC-0001 CPTS de M (proposée) (1 commune) (couvre aussi ZB-0002) | 60 000 | 2 | 382 500 € |"),
        "{md}"
    );
    assert!(
        rows[1].ends_with("| nouvelle CPTS | NC-0001 CPTS de M (proposée) (1 commune) (chiffres avec ZB-0001) |  |  |  |"),
        "{md}"
    );
}

#[test]
fn an_extension_stays_in_its_region_and_prefers_its_departement() {
    // Row 0: C C C C / row 1: A W W B / row 2: . C B . — the white zone W (22, region
    // 53) borders A (22) on one meridian side (1 112 m), B (29, same region) on a
    // meridian and a parallel side (1 856 m), C (50, Normandie) on three parallel sides
    // (2 232 m).
    let mut communes = vec![
        commune_in("22001", 0, 1, 30_000, "22", "53"),
        commune_in("22002", 1, 1, 100, "22", "53"),
        commune_in("22003", 2, 1, 100, "22", "53"),
        commune_in("29001", 3, 1, 30_000, "29", "53"),
        commune_in("29002", 2, 2, 30_000, "29", "53"),
        commune_in("50005", 1, 2, 30_000, "50", "28"),
    ];
    for col in 0..4 {
        communes.push(commune_in(
            &format!("5000{col}"),
            col,
            0,
            30_000,
            "50",
            "28",
        ));
    }
    let listing =
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22001\nB;CPTS B;projet;29001\n\
                   B;CPTS B;projet;29002\nC;CPTS C;projet;50000\nC;CPTS C;projet;50001\n\
                   C;CPTS C;projet;50002\nC;CPTS C;projet;50003\nC;CPTS C;projet;50005\n";
    let ranked = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let (_, p) = plan_with(dir.path(), communes.clone(), listing, extra);
        let zone = &p["white_zones"][0];
        assert_eq!(zone["proposal"], "extension");
        let order: Vec<(String, Value)> = zone["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["cpts"].as_str().unwrap().to_string(),
                    e["crosses"].clone(),
                )
            })
            .collect();
        (order, p["rules"].clone())
    };
    let (order, rules) = ranked(&[]);
    assert_eq!(
        order,
        vec![
            ("A".into(), Value::Null),
            ("B".into(), json!("departement"))
        ]
    );
    assert!(rules["regions"]
        .as_str()
        .unwrap()
        .starts_with("no extension crosses a region border"));
    let (order, _) = ranked(&["--cross-departements"]);
    assert_eq!(
        order.iter().map(|o| o.0.as_str()).collect::<Vec<_>>(),
        ["B", "A"]
    );
    let (order, _) = ranked(&["--cross-regions"]);
    assert_eq!(
        order,
        vec![
            ("A".into(), Value::Null),
            ("C".into(), json!("region")),
            ("B".into(), json!("departement"))
        ]
    );
    let (order, _) = ranked(&["--cross-regions", "--cross-departements"]);
    assert_eq!(
        order.iter().map(|o| o.0.as_str()).collect::<Vec<_>>(),
        ["C", "B", "A"]
    );
}

#[test]
fn a_white_zone_across_a_region_border_is_planned_region_by_region() {
    // Row 0: six white communes, three of the 22 (region 53, 1 000 inhabitants each)
    // then three of the 50 (Normandie, 2 000 each), one white zone; row 1: CPTS A
    // (22) under the first three, N (50) under the last three.
    let mut communes = Vec::new();
    for col in 0..3 {
        communes.push(commune_in(&format!("2200{col}"), col, 0, 1_000, "22", "53"));
        communes.push(commune_in(
            &format!("2201{col}"),
            col,
            1,
            10_000,
            "22",
            "53",
        ));
        communes.push(commune_in(
            &format!("5000{col}"),
            col + 3,
            0,
            2_000,
            "50",
            "28",
        ));
        communes.push(commune_in(
            &format!("5001{col}"),
            col + 3,
            1,
            10_000,
            "50",
            "28",
        ));
    }
    let listing = "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22010\nA;CPTS A;projet;22011\n\
                   A;CPTS A;projet;22012\nN;CPTS N;projet;50010\nN;CPTS N;projet;50011\nN;CPTS N;projet;50012\n";
    let zones = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let (run, p) = plan_with(dir.path(), communes.clone(), listing, extra);
        let zones: Vec<(String, f64, String, Value)> = p["white_zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| {
                (
                    z["id"].as_str().unwrap().to_string(),
                    z["population"].as_f64().unwrap(),
                    z["extensions"][0]["cpts"].as_str().unwrap().to_string(),
                    z["extensions"][0]["crosses"].clone(),
                )
            })
            .collect();
        (run.stdout, zones)
    };
    // Each region plans its part, the most populous first; each part goes to the CPTS
    // of its region.
    let (stdout, split) = zones(&[]);
    assert_eq!(
        split,
        vec![
            ("ZB-0001-28".into(), 6_000.0, "N".into(), Value::Null),
            ("ZB-0001-53".into(), 3_000.0, "A".into(), Value::Null),
        ]
    );
    assert!(
        stdout
            .contains("1 white zones, 1 across a region border planned region by region: 2 parts"),
        "{stdout}"
    );
    // With --cross-regions the zone is planned whole, by the longest border (equal:
    // the lower id), A across the region border of the 50's communes.
    let (_, whole) = zones(&["--cross-regions"]);
    assert_eq!(whole.len(), 1);
    assert_eq!((whole[0].0.as_str(), whole[0].1), ("ZB-0001", 9_000.0));
}

/// [`commune`] in EPCI `epci`, under the property `field`.
fn commune_of(code: &str, col: u32, population: u32, field: &str, epci: &str) -> Value {
    let mut c = commune(code, col, 0, population);
    c["properties"][field] = json!(epci);
    c
}

#[test]
fn new_cpts_are_drawn_along_whole_epci() {
    // Ten white communes in a row, 30 000 inhabitants each: 22001–22003 form EPCI E1,
    // 22004–22007 E2, 22008–22010 and 22011 (in CPTS Z) E3, cut by Z.
    let epci = |i: u32| match i {
        1..=3 => "E1",
        4..=7 => "E2",
        _ => "E3",
    };
    let mut communes: Vec<Value> = (1..=10)
        .map(|i| commune_of(&format!("22{i:03}"), i - 1, 30_000, "SIREN_EPCI", epci(i)))
        .collect();
    communes.push(commune_of("22011", 10, 5_000, "SIREN_EPCI", "E3"));
    let listing = "cpts_id;cpts_nom;statut;code_insee\nZ;CPTS Z;projet;22011\n";
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), communes.clone(), listing);
    // 300 000 inhabitants: two shares of 150 000. E1 (90 000) cannot take E2 (120 000)
    // within 175 000, so it stands alone; E2 takes the first commune of the cut E3 to
    // reach its share; the last two communes make the third.
    let candidates: Vec<(Value, Value, Value, f64)> = p["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["communes"].clone(),
                c["epci"].clone(),
                c["whole_epci"].clone(),
                c["population"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        candidates,
        vec![
            (
                json!(["22001", "22002", "22003"]),
                json!(["E1"]),
                json!(true),
                90_000.0
            ),
            (
                json!(["22004", "22005", "22006", "22007", "22008"]),
                json!(["E2"]),
                json!(false),
                150_000.0
            ),
            (json!(["22009", "22010"]), json!([]), json!(false), 60_000.0),
        ]
    );
    assert!(p["rules"]["candidates"]
        .as_str()
        .unwrap()
        .contains("whole EPCI"));
    // A named EPCI column the layer lacks is refused, naming the option.
    let dir = tempfile::tempdir().unwrap();
    let run = plan_run(
        dir.path(),
        communes,
        listing,
        &["--epci-field", "code_epci"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("communes.geojson") && run.stderr.contains("--epci-field"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_small_cpts_merges_with_its_departement_first_or_says_why_it_cannot() {
    // Row 0: C(29) A B . E D . W F . G W'. A (22, 5 000) borders B (22, 50 000) on a
    // meridian side (1 112 m) and C (29, region 53) on a meridian and, below it, a
    // parallel side (1 855 m). D (50, Normandie, 3 000) borders only E (22). F (1 000)
    // borders only the white commune W. G (19 000) takes the white W' (2 000).
    let communes = vec![
        commune_in("29001", 0, 0, 30_000, "29", "53"),
        commune_in("29002", 1, 1, 30_000, "29", "53"),
        commune_in("22001", 1, 0, 5_000, "22", "53"),
        commune_in("22002", 2, 0, 50_000, "22", "53"),
        commune_in("22004", 4, 0, 30_000, "22", "53"),
        commune_in("50005", 5, 0, 3_000, "50", "28"),
        commune_in("22007", 7, 0, 100, "22", "53"),
        commune_in("22008", 8, 0, 1_000, "22", "53"),
        commune_in("22010", 10, 0, 19_000, "22", "53"),
        commune_in("22011", 11, 0, 2_000, "22", "53"),
    ];
    let listing =
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22001\nB;CPTS B;projet;22002\n\
                   C;CPTS C;projet;29001\nC;CPTS C;projet;29002\nD;CPTS D;projet;50005\n\
                   E;CPTS E;projet;22004\nF;CPTS F;projet;22008\nG;CPTS G;projet;22010\n";
    let small = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let (_, p) = plan_with(dir.path(), communes.clone(), listing, extra);
        p["small_cpts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap().to_string(), s.clone()))
            .collect::<std::collections::BTreeMap<String, Value>>()
    };
    let s = small(&[]);
    assert_eq!(s.keys().collect::<Vec<_>>(), ["A", "D", "F", "G"]);
    // A merges with B, of its département: two operation lines become one.
    let (_, a_max) = tier_and_funding(5_000.0);
    let (_, b_max) = tier_and_funding(50_000.0);
    let (tier, merged_max) = tier_and_funding(55_000.0);
    let a = &s["A"];
    assert_eq!(a["proposal"], "merger");
    assert_eq!(a["with"], "B");
    assert_eq!(a["crosses"], Value::Null);
    assert_eq!(a["population_after"], 55_000.0);
    assert_eq!(a["tier_after"], tier);
    assert_eq!(a["funding_before_eur"], a_max + b_max);
    assert_eq!(a["funding_after_eur"], merged_max);
    assert_eq!(
        a["funding_change_eur"],
        merged_max as i64 - (a_max + b_max) as i64
    );
    // D's only neighbour is of another region; F has none; G reaches 21 000 with W'.
    assert_eq!(s["D"]["proposal"], "none");
    assert!(s["D"]["reason"]
        .as_str()
        .unwrap()
        .contains("another region"));
    assert_eq!(s["F"]["proposal"], "none");
    assert!(s["F"]["reason"].as_str().unwrap().starts_with("island"));
    assert_eq!(s["G"]["proposal"], "white_zones");
    assert_eq!(s["G"]["population_after"], 21_000.0);
    // Under a regional minimum of 4 000, only D and F are small.
    assert_eq!(
        small(&["--regional-min", "4000"])
            .keys()
            .collect::<Vec<_>>(),
        ["D", "F"]
    );
    // Across the département border, C's longer border wins; across the region's, D
    // merges with E.
    let s = small(&["--cross-departements", "--cross-regions"]);
    assert_eq!(
        (&s["A"]["with"], &s["A"]["crosses"]),
        (&json!("C"), &json!("departement"))
    );
    assert_eq!(
        (&s["D"]["with"], &s["D"]["crosses"]),
        (&json!("E"), &json!("region"))
    );
}

/// Row 0: W A V B N / row 1: A A A B B. A holds 25 000 + 3 × 1 000 = 28 000
/// inhabitants, B 3 × 1 000. W (8 000) borders only A; V (5 000) borders A on two sides
/// and B on one, so A takes both; N (25 000, over the 20 000 of a new CPTS) borders only
/// B and becomes NC-0001. Zones by population: N is ZB-0001, W ZB-0002, V ZB-0003.
fn two_zones_world() -> (Vec<Value>, String) {
    let grid = ["WAVBN", "AAABB"];
    let populations = [[8_000, 25_000, 5_000, 1_000, 25_000], [1_000; 5]];
    let mut communes = Vec::new();
    let mut listing = String::from("cpts_id;cpts_nom;statut;code_insee\n");
    for (row, line) in grid.iter().enumerate() {
        for (col, owner) in line.chars().enumerate() {
            let code = format!("22{:03}", 1 + row * 5 + col);
            communes.push(commune(
                &code,
                col as u32,
                row as u32,
                populations[row][col],
            ));
            if owner == 'A' || owner == 'B' {
                listing.push_str(&format!("{owner};CPTS {owner};projet;{code}\n"));
            }
        }
    }
    (communes, listing)
}

#[test]
fn a_cpts_taking_two_zones_shows_its_figures_once_with_both() {
    let (communes, listing) = two_zones_world();
    let dir = tempfile::tempdir().unwrap();
    let p = plan(dir.path(), communes, &listing);
    // Each zone alone would bring A to 36 000 or 33 000 (taille 1); both bring it to
    // 28 000 + 8 000 + 5 000 = 41 000, taille 2: 287 500 € → 382 500 €.
    assert_eq!(
        p["white_zones"][1]["extensions"][0]["population_after"],
        36_000.0
    );
    assert_eq!(
        p["white_zones"][2]["extensions"][0]["population_after"],
        33_000.0
    );
    let a = &p["changed_cpts"][0];
    assert_eq!(
        (a["cpts"].as_str(), a["population_after"].as_f64()),
        (Some("A"), Some(41_000.0))
    );
    let md = std::fs::read_to_string(dir.path().join("plan/plan.md")).unwrap();
    for line in [
        "| ZB-0001, 22 22005 | 25 000 | nouvelle CPTS | NC-0001 CPTS de 22005 (proposée) (1 commune) | 25 000 | 1 | 287 500 € |",
        "| ZB-0002, 22 22001 | 8 000 | extension | A (CPTS A) (prend aussi ZB-0003) | 41 000 | 1 → 2 | 287 500 € → 382 500 € |",
        "| ZB-0003, 22 22003 | 5 000 | extension | A (CPTS A) (chiffres avec ZB-0002) |  |  |  |",
    ] {
        assert!(md.contains(line), "{line} not in:\n{md}");
    }
    for alone in ["36 000", "33 000"] {
        assert!(!md.contains(alone), "{alone} in:\n{md}");
    }
    // report.html's plan table says the same, the combined figure once.
    let html = std::fs::read_to_string(dir.path().join("plan/report.html")).unwrap();
    let section = &html[html.find("<section id=\"plan\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert_eq!(
        section.matches("<td class=\"n\">41\u{a0}000</td>").count(),
        1,
        "{section}"
    );
    assert!(
        section.contains("<td>A (CPTS A) (chiffres avec <span class=\"nw\">ZB-0002)</span></td><td class=\"n\"></td>"),
        "{section}"
    );
}

/// The `<svg>…</svg>` of the figure `id` in `html`.
fn figure_svg<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("<figure class=\"plan-map\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no figure {id}"));
    let figure = &html[start..start + html[start..].find("</figure>").unwrap()];
    &figure[figure.find("<svg").unwrap()..figure.find("</svg>").unwrap()]
}

#[test]
fn the_plan_is_mapped_national_and_focus_each_taker_in_its_colour() {
    let (communes, listing) = two_zones_world();
    let dir = tempfile::tempdir().unwrap();
    plan_with(dir.path(), communes, &listing, &["--focus", "22"]);
    let html = std::fs::read_to_string(dir.path().join("plan/report.html")).unwrap();
    let section = &html[html.find("<section id=\"plan\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    for id in ["plan-map", "plan-focus-departement-22"] {
        let svg = figure_svg(section, id);
        // A, the only CPTS taking zones in, has the first colour of the palette
        // (#1f77b4): both its zones are filled with it and its perimeter outlined.
        for zone in ["ZB-0002", "ZB-0003"] {
            assert!(
                svg.contains(&format!(
                    "<path class=\"proposal extension\" data-proposal=\"{zone}\" data-cpts=\"A\" fill=\"#1f77b4\" stroke=\"#1f77b4\""
                )),
                "{id}: {zone}"
            );
        }
        assert_eq!(svg.matches("<path class=\"taker\"").count(), 1, "{id}");
        assert!(
            svg.contains("<path class=\"taker\" data-cpts=\"A\" fill=\"#1f77b4\""),
            "{id}"
        );
        // The new CPTS is hatched and labelled with its id.
        assert!(
            svg.contains("<path class=\"proposal new-cpts\" data-proposal=\"NC-0001\" data-cpts=\"NC-0001\" fill=\"url(#plan-hatch)\""),
            "{id}"
        );
        assert!(svg.contains("<pattern id=\"plan-hatch\""), "{id}");
        assert!(svg.contains(">NC-0001</tspan>"), "{id}");
        assert_eq!(svg.matches("class=\"proposal ").count(), 3, "{id}");
    }
    // The focus names the taker and the candidate after its most populous commune.
    let focus = figure_svg(section, "plan-focus-departement-22");
    assert!(focus.contains(">CPTS A</tspan>"), "{focus}");
    assert!(
        focus.contains(">CPTS de 22005 (proposée)</tspan>"),
        "{focus}"
    );
    // The legend says who takes what; every zone has a proposal.
    assert_eq!(
        section
            .matches("<i class=\"sw\" style=\"background:#1f77b4;border:2px solid #1f77b4\"></i>CPTS A prend ZB-0002, ZB-0003</span>")
            .count(),
        2
    );
    assert!(section.contains("nouvelle CPTS proposée"));
    assert!(!section.contains("zone blanche sans proposition"));
    // The coverage maps stay as analyze draws them, without the plan.
    let coverage = &html[html.find("<section class=\"map\" id=\"map\">").unwrap()..];
    let coverage = &coverage[..coverage.find("</section>").unwrap()];
    assert!(!coverage.contains("data-proposal"));
}

#[test]
fn the_qgis_project_opens_the_proposals_styled_on_top() {
    let (communes, listing) = two_zones_world();
    let dir = tempfile::tempdir().unwrap();
    plan_with(dir.path(), communes.clone(), &listing, &[]);
    let out = dir.path().join("plan");
    let qgs = std::fs::read_to_string(out.join("cpts-coverage.qgs")).unwrap();
    let order: Vec<&str> = qgs
        .match_indices("<layer-tree-layer id=\"cpts_coverage_")
        .map(|(i, m)| {
            let name = &qgs[i + m.len()..];
            &name[..name.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        order,
        ["proposals", "overlaps", "white_zones", "cpts", "communes"]
    );
    assert!(qgs.contains("<datasource>./proposals.geojson|geometrytype=MultiPolygon</datasource>"));
    let layer = &qgs[qgs.find("<id>cpts_coverage_proposals</id>").unwrap()..];
    let layer = &layer[..layer.find("</maplayer>").unwrap()];
    assert!(
        layer.contains("type=\"categorizedSymbol\" attr=\"kind\""),
        "{layer}"
    );
    // The style beside the layer, one category per kind of proposal, as QGIS's.
    let qml = std::fs::read_to_string(out.join("proposals.qml")).unwrap();
    assert!(qml.starts_with("<!DOCTYPE qgis"), "{qml}");
    for kind in ["extension", "nearest", "new_cpts"] {
        assert!(qml.contains(&format!("value=\"{kind}\"")), "{kind}: {qml}");
        assert!(
            layer.contains(&format!("value=\"{kind}\"")),
            "{kind}: {layer}"
        );
    }
    // What the style categorises: two extensions of A, one new CPTS.
    let proposals = read_json(&out.join("proposals.geojson"));
    let kinds: Vec<(&str, &str, &str)> = proposals["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["kind"].as_str().unwrap(),
                p["white_zone"].as_str().unwrap(),
                p["cpts"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("extension", "ZB-0002", "A"),
            ("extension", "ZB-0003", "A"),
            ("new_cpts", "ZB-0001", "NC-0001")
        ]
    );
    // In a GeoPackage run the proposals stay a GeoJSON file beside it.
    let gpkg = tempfile::tempdir().unwrap();
    plan_with(
        gpkg.path(),
        communes.clone(),
        &listing,
        &["--format", "gpkg"],
    );
    let qgs = std::fs::read_to_string(gpkg.path().join("plan/cpts-coverage.qgs")).unwrap();
    assert!(qgs.contains("<datasource>./proposals.geojson|geometrytype=MultiPolygon</datasource>"));
    assert!(qgs.contains("<datasource>./cpts-coverage.gpkg|layername=cpts</datasource>"));
    // analyze, which makes no plan, lists no proposals.
    let analysed = dir.path().join("analysed");
    let run = analyze_into(
        &dir.path().join("communes.geojson"),
        &dir.path().join("listing.csv"),
        &analysed,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let qgs = std::fs::read_to_string(analysed.join("cpts-coverage.qgs")).unwrap();
    assert!(!qgs.contains("proposals"), "{qgs}");
    assert!(!analysed.join("proposals.qml").exists());
}

#[test]
fn two_cpts_taking_zones_in_are_drawn_in_two_colours() {
    // Row 0: W A B V. W (2 000) borders only A, V (1 000) only B: A takes ZB-0001 and
    // has the palette's first colour, B takes ZB-0002 and its second.
    let communes = vec![
        commune("22001", 0, 0, 2_000),
        commune("22002", 1, 0, 1_000),
        commune("22003", 2, 0, 1_000),
        commune("22004", 3, 0, 1_000),
    ];
    let listing =
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22002\nB;CPTS B;projet;22003\n";
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path(), communes, listing);
    let html = std::fs::read_to_string(dir.path().join("plan/report.html")).unwrap();
    let svg = figure_svg(&html, "plan-map");
    for (zone, cpts, colour) in [("ZB-0001", "A", "#1f77b4"), ("ZB-0002", "B", "#d62728")] {
        assert!(
            svg.contains(&format!(
                "data-proposal=\"{zone}\" data-cpts=\"{cpts}\" fill=\"{colour}\""
            )),
            "{zone}"
        );
        assert!(
            svg.contains(&format!(
                "<path class=\"taker\" data-cpts=\"{cpts}\" fill=\"{colour}\""
            )),
            "{cpts}"
        );
        assert!(
            html.contains(&format!("background:{colour};border:2px solid {colour}\"></i>CPTS {cpts} prend {zone}</span>")),
            "{cpts}"
        );
    }
}
