//! Helpers shared by the integration tests.
#![allow(dead_code)]

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the `cpts` binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `cpts` binary built for the tests, its cache in `target/test-cache` (never
/// the user's).
pub fn cpts<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cpts"))
        .env("XDG_CACHE_HOME", root().join("target/test-cache"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cpts analyze -q` on `communes` and `perimeters`, writing into `out`.
pub fn analyze_into(communes: &Path, perimeters: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "analyze",
        "-q",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cpts(&args)
}

/// Every file of an output directory, by name, with its bytes.
pub fn file_bytes(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The project's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data`, or `None` (with a message) when it is not beside the project.
pub fn shared_data() -> Option<PathBuf> {
    let dir = root().join("../shared/data");
    if dir.join("france/communes.geojson").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data is absent (national data sets)");
        None
    }
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Differences between our summary and the peer's, with the tolerances of
/// `../shared/peer/compare.py`: rates within 1e-4, populations within 0.05 % (or one
/// inhabitant), counts exact, CPTS tiers equal unless the population sits on a boundary.
pub fn peer_differences(ours: &Value, peer: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let pop_ok = |x: f64, y: f64| (x - y).abs() <= 1f64.max(5e-4 * y.abs());
    for k in [
        "total_population",
        "covered_population",
        "white_zone_population",
        "overlap_population",
    ] {
        if !pop_ok(num(ours, k), num(peer, k)) {
            bad.push(format!("{k}: ours {} peer {}", num(ours, k), num(peer, k)));
        }
    }
    if (num(ours, "coverage_rate") - num(peer, "coverage_rate")).abs() > 1e-4 {
        bad.push(format!(
            "coverage_rate: ours {} peer {}",
            num(ours, "coverage_rate"),
            num(peer, "coverage_rate")
        ));
    }
    for k in ["white_zone_count", "overlap_count"] {
        if ours[k] != peer[k] {
            bad.push(format!("{k}: ours {} peer {}", ours[k], peer[k]));
        }
    }
    let area = num(peer, "white_zone_area_km2");
    if (num(ours, "white_zone_area_km2") - area).abs() > 0.5f64.max(1e-3 * area) {
        bad.push(format!(
            "white_zone_area_km2: ours {} peer {area}",
            num(ours, "white_zone_area_km2")
        ));
    }
    let rows = |v: &Value, list: &str, key: &str| -> Vec<(String, Value)> {
        v[list]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r[key].as_str().unwrap_or("").to_string(), r))
            .collect()
    };
    for (list, key) in [
        ("by_status", "statut"),
        ("by_departement", "departement"),
        ("by_region", "region"),
    ] {
        let mine: std::collections::HashMap<_, _> = rows(ours, list, key).into_iter().collect();
        let theirs = rows(peer, list, key);
        if mine.len() != theirs.len() {
            bad.push(format!(
                "{list}: ours {} rows, peer {}",
                mine.len(),
                theirs.len()
            ));
        }
        for (code, r) in theirs {
            match mine.get(&code) {
                Some(o) if (num(o, "coverage_rate") - num(&r, "coverage_rate")).abs() <= 1e-4 => {}
                o => bad.push(format!(
                    "{list} {code}: ours {:?} peer {}",
                    o.map(|o| num(o, "coverage_rate")),
                    num(&r, "coverage_rate")
                )),
            }
        }
    }
    let mine: std::collections::HashMap<_, _> = rows(ours, "cpts", "id").into_iter().collect();
    for (id, c) in rows(peer, "cpts", "id") {
        let Some(o) = mine.get(&id) else {
            bad.push(format!("cpts {id}: missing"));
            continue;
        };
        let p = num(&c, "population");
        if !pop_ok(num(o, "population"), p) {
            bad.push(format!(
                "cpts {id}: population ours {} peer {p}",
                num(o, "population")
            ));
        }
        let on_boundary = [40_000.0, 80_000.0, 175_000.0]
            .iter()
            .any(|b| (p - b).abs() <= 1f64.max(5e-4 * b));
        if !on_boundary && (o["tier"] != c["tier"] || o["funding_max_eur"] != c["funding_max_eur"])
        {
            bad.push(format!(
                "cpts {id}: tier/funding ours {}/{} peer {}/{}",
                o["tier"], o["funding_max_eur"], c["tier"], c["funding_max_eur"]
            ));
        }
    }
    if mine.len() != peer["cpts"].as_array().map_or(0, Vec::len) {
        bad.push("cpts: not the same number".into());
    }
    bad
}

/// Invariants every summary must satisfy, whatever the data.
pub fn check_invariants(s: &Value) {
    let num = |k: &str| s[k].as_f64().unwrap();
    let total = num("total_population");
    // Covered + white zones + slivers = total (white computed from the dissolved parts).
    let sum = num("covered_population") + num("white_zone_population") + num("sliver_population");
    assert!(
        (sum - total).abs() <= 1e-6 * total,
        "covered + white + slivers = {sum}, total {total}"
    );
    assert!(num("sliver_population") >= 0.0);
    // Départements and regions add up to the nation.
    for list in ["by_departement", "by_region"] {
        let rows = s[list].as_array().unwrap();
        let pop: f64 = rows.iter().map(|r| r["population"].as_f64().unwrap()).sum();
        let white: f64 = rows
            .iter()
            .map(|r| r["white_zone_population"].as_f64().unwrap())
            .sum();
        assert!(
            (pop - total).abs() <= 1e-6 * total,
            "{list} population {pop} vs {total}"
        );
        assert!(
            (white - num("white_zone_population")).abs() <= 1e-6 * total.max(1.0),
            "{list} white {white}"
        );
    }
    // Each CPTS has exactly one tier, the one its population gives, and that tier's funding.
    for c in s["cpts"].as_array().unwrap() {
        let p = c["population"].as_f64().unwrap();
        let tier = if p < 40_000.0 {
            1
        } else if p < 80_000.0 {
            2
        } else if p <= 175_000.0 {
            3
        } else {
            4
        };
        let funding = [287_500, 382_500, 487_500, 580_000][tier - 1];
        assert_eq!(c["tier"], tier, "{}", c["id"]);
        assert_eq!(c["funding_max_eur"], funding, "{}", c["id"]);
    }
    // Lists are sorted by id or code, without repeats.
    let ids: Vec<&str> = s["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "cpts not sorted by id");
}

/// Overlap pairs are unique and given once, `cpts_a < cpts_b`.
pub fn check_overlap_pairs(overlaps_geojson: &Value, expected_count: u64) {
    let features = overlaps_geojson["features"].as_array().unwrap();
    let pairs: Vec<(String, String)> = features
        .iter()
        .map(|f| {
            (
                f["properties"]["cpts_a"].as_str().unwrap().into(),
                f["properties"]["cpts_b"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(pairs.len() as u64, expected_count);
    let mut unique: Vec<_> = pairs
        .iter()
        .map(|(a, b)| (a.min(b).clone(), a.max(b).clone()))
        .collect();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        pairs.len(),
        "a pair appears twice (or as B–A and A–B)"
    );
    assert!(
        pairs.iter().all(|(a, b)| a < b),
        "pairs must be written A < B"
    );
}

/// The overlaps' rulings of a plan.json: (keeper, leaver), in its order.
pub fn rulings(plan: &Value) -> Vec<(&str, &str)> {
    plan["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["keeper"].as_str().unwrap(), o["leaver"].as_str().unwrap()))
        .collect()
}
