//! Golden outputs: every command run on the fixtures, its files and its terminal output
//! compared byte for byte with `tests/golden/<case>/`, where each case's directory is
//! named after the flags that made it. A change of output shows up as a diff a reviewer
//! reads; an intended one is written anew with `CPTS_BLESS=1 cargo test --test golden`.
//!
//! The inputs are copied into a temporary directory with a fixed modification time (the
//! summaries state each file's day of change), and the temporary paths are replaced by
//! `$DIR` in what the commands print. Files over 160 KiB, and workbooks, are kept as their
//! XXH3-128 hash.

mod common;

use common::{cpts, root, Run};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Larger files are compared by their XXH3-128 hash, stored as `<name>.xxh3`.
const LARGEST_KEPT: usize = 160 * 1024;

/// The inputs, copied with a fixed modification time (2024-01-01).
struct Inputs {
    dir: tempfile::TempDir,
}

impl Inputs {
    fn new() -> Inputs {
        let dir = tempfile::tempdir().unwrap();
        for name in ["communes-22.geojson", "cpts-22.geojson", "cpts-22.csv"] {
            fs::copy(root().join("fixtures").join(name), dir.path().join(name)).unwrap();
        }
        let inputs = Inputs { dir };
        inputs.write("cpts-22-after.geojson", &after_geojson());
        inputs.write("cpts-22-after.csv", &after_csv());
        inputs.write("communes-2017.geojson", &old_vintage_layer());
        inputs
    }

    fn write(&self, name: &str, text: &str) {
        fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn path(&self, name: &str) -> String {
        let path = self.dir.path().join(name);
        let day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
        fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(day))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path.to_str().unwrap().to_string()
    }

    fn out(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }
}

/// `cpts-22.geojson` with CPTS-22-05 removed and CPTS-22-01 renamed.
fn after_geojson() -> String {
    let mut layer: Value =
        serde_json::from_str(&fs::read_to_string(root().join("fixtures/cpts-22.geojson")).unwrap())
            .unwrap();
    let features = layer["features"].as_array_mut().unwrap();
    features.retain(|f| f["properties"]["id"] != "CPTS-22-05");
    features[0]["properties"]["nom"] = Value::from("CPTS renommée");
    serde_json::to_string(&layer).unwrap()
}

/// `cpts-22.csv` without the rows of its last CPTS.
fn after_csv() -> String {
    let text = fs::read_to_string(root().join("fixtures/cpts-22.csv")).unwrap();
    let last = text
        .lines()
        .last()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    text.lines()
        .filter(|l| !l.starts_with(&format!("{last};")))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Four communes of the 2017 vintage: Chauffayer (05039) and the two communes it
/// absorbed in 2018, and a neighbour.
fn old_vintage_layer() -> String {
    let square = |code: &str, population: u32, x0: f64| {
        serde_json::json!({"type": "Feature",
            "properties": {"code": code, "nom": format!("Commune {code}"), "population": population,
                           "departement": "05", "region": "93"},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, 44.7], [x0 + 0.05, 44.7],
                [x0 + 0.05, 44.75], [x0, 44.75], [x0, 44.7]]]}})
    };
    serde_json::json!({"type": "FeatureCollection", "features": [
        square("05039", 600, 6.0), square("05043", 200, 6.05), square("05141", 100, 6.1),
        square("05061", 1000, 6.15)]})
    .to_string()
}

/// What a case produced: its files by name, and the terminal output.
fn outcome(inputs: &Inputs, run: &Run, out_dirs: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let dir = inputs.dir.path().to_str().unwrap();
    let mut files = BTreeMap::new();
    let terminal = format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
    .replace(dir, "$DIR");
    files.insert("terminal.txt".to_string(), terminal.into_bytes());
    for out in out_dirs {
        let path = inputs.dir.path().join(out);
        if path.is_file() {
            files.insert(out.to_string(), fs::read(&path).unwrap());
            continue;
        }
        if !path.exists() {
            continue;
        }
        for entry in fs::read_dir(&path).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(format!("{out}/{name}"), fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// The stored form of a file: itself, or its hash when it is large or a workbook
/// (compressed: no diff to read).
fn stored(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    if bytes.len() <= LARGEST_KEPT && !name.ends_with(".xlsx") {
        (name.to_string(), bytes.to_vec())
    } else {
        let digest = xxhash_rust::xxh3::xxh3_128(bytes);
        let line = format!("{digest:032x}  {} bytes\n", bytes.len());
        (format!("{name}.xxh3"), line.into_bytes())
    }
}

/// Compares a case with its golden directory, or writes it when `CPTS_BLESS` is set.
fn compare(case: &str, files: BTreeMap<String, Vec<u8>>) {
    let golden = root().join("tests/golden").join(case);
    let expected: BTreeMap<String, Vec<u8>> = files.iter().map(|(n, b)| stored(n, b)).collect();
    if std::env::var_os("CPTS_BLESS").is_some() {
        let _ = fs::remove_dir_all(&golden);
        for (name, bytes) in &expected {
            let path = golden.join(name.replace('/', "__"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        return;
    }
    let on_disk = golden_files(&golden);
    let wanted: BTreeMap<String, Vec<u8>> = expected
        .into_iter()
        .map(|(n, b)| (n.replace('/', "__"), b))
        .collect();
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&wanted),
        names(&on_disk),
        "{case}: the files written differ"
    );
    for (name, bytes) in &wanted {
        if bytes != &on_disk[name] {
            panic!(
                "{case}/{name} differs from tests/golden: {}",
                first_difference(&on_disk[name], bytes)
            );
        }
    }
}

fn golden_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (write it with CPTS_BLESS=1 cargo test --test golden)",
            dir.display()
        )
    });
    entries
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The first line that differs, golden then new.
fn first_difference(golden: &[u8], new: &[u8]) -> String {
    let (golden, new) = (
        String::from_utf8_lossy(golden),
        String::from_utf8_lossy(new),
    );
    let line = golden
        .lines()
        .zip(new.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| golden.lines().count().min(new.lines().count()));
    let at = |text: &str| {
        text.lines()
            .nth(line)
            .unwrap_or("(end)")
            .chars()
            .take(300)
            .collect::<String>()
    };
    format!(
        "line {}:\n  golden: {}\n  new:    {}",
        line + 1,
        at(&golden),
        at(&new)
    )
}

fn args(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

fn analyze_case(case: &str, perimeters: &str, extra: &[&str]) {
    let inputs = Inputs::new();
    let mut a = args(&["analyze", "--no-cache", "--communes"]);
    a.push(inputs.path("communes-22.geojson"));
    a.push("--perimeters".into());
    a.push(inputs.path(perimeters));
    a.extend(["--out".to_string(), inputs.out("out")]);
    a.extend(args(extra));
    let r = cpts(&a);
    compare(case, outcome(&inputs, &r, &["out"]));
}

#[test]
fn analyze_polygon_geojson() {
    analyze_case(
        "analyze_polygon_--focus_22",
        "cpts-22.geojson",
        &["--focus", "22"],
    );
}

#[test]
fn analyze_polygon_gpkg_english() {
    analyze_case(
        "analyze_polygon_--format_gpkg_--lang_en",
        "cpts-22.geojson",
        &["--format", "gpkg", "--lang", "en"],
    );
}

#[test]
fn analyze_membership_geojson() {
    analyze_case("analyze_membership", "cpts-22.csv", &[]);
}

#[test]
fn analyze_membership_gpkg() {
    analyze_case(
        "analyze_membership_--format_gpkg",
        "cpts-22.csv",
        &["--format", "gpkg"],
    );
}

fn plan_case(case: &str, perimeters: &str, applied: &str) {
    let inputs = Inputs::new();
    let mut a = args(&["plan", "--no-cache", "--communes"]);
    a.push(inputs.path("communes-22.geojson"));
    a.push("--perimeters".into());
    a.push(inputs.path(perimeters));
    a.extend(["--out".to_string(), inputs.out("out")]);
    a.extend(["--apply".to_string(), inputs.out(applied)]);
    a.extend(args(&["--new-cpts-min", "10000"]));
    let r = cpts(&a);
    compare(case, outcome(&inputs, &r, &["out", applied]));
}

#[test]
fn plan_polygon_with_apply() {
    plan_case(
        "plan_polygon_--new-cpts-min_10000_--apply",
        "cpts-22.geojson",
        "accepted.geojson",
    );
}

#[test]
fn plan_membership_with_apply() {
    plan_case(
        "plan_membership_--new-cpts-min_10000_--apply",
        "cpts-22.csv",
        "accepted.csv",
    );
}

fn diff_case(case: &str, before: &str, after: &str) {
    let inputs = Inputs::new();
    let mut a = args(&["diff", "--no-cache", "--communes"]);
    a.push(inputs.path("communes-22.geojson"));
    a.extend(["--before".to_string(), inputs.path(before)]);
    a.extend(["--after".to_string(), inputs.path(after)]);
    a.extend(["--out".to_string(), inputs.out("out")]);
    let r = cpts(&a);
    compare(case, outcome(&inputs, &r, &["out"]));
}

#[test]
fn diff_polygon() {
    diff_case("diff_polygon", "cpts-22.geojson", "cpts-22-after.geojson");
}

#[test]
fn diff_membership() {
    diff_case("diff_membership", "cpts-22.csv", "cpts-22-after.csv");
}

#[test]
fn check_against_a_baseline() {
    let inputs = Inputs::new();
    for (out, perimeters) in [
        ("before", "cpts-22.geojson"),
        ("after", "cpts-22-after.geojson"),
    ] {
        let mut a = args(&["analyze", "-q", "--no-cache", "--communes"]);
        a.push(inputs.path("communes-22.geojson"));
        a.push("--perimeters".into());
        a.push(inputs.path(perimeters));
        a.extend(["--out".to_string(), inputs.out(out)]);
        assert_eq!(cpts(&a).code, 0);
    }
    for (case, current) in [("check_same", "before"), ("check_cpts_removed", "after")] {
        let mut a = args(&["check", "--baseline"]);
        a.push(inputs.out("before/summary.json"));
        a.extend(["--current".to_string(), inputs.out(current)]);
        a.extend(["--report-dir".to_string(), inputs.out(case)]);
        let r = cpts(&a);
        compare(case, outcome(&inputs, &r, &[case]));
    }
}

#[test]
fn validate_polygon_and_membership() {
    for (case, perimeters) in [
        ("validate_polygon_--json", "cpts-22.geojson"),
        ("validate_membership_--json", "cpts-22.csv"),
    ] {
        let inputs = Inputs::new();
        let mut a = args(&["validate", "--no-cache", "--communes"]);
        a.push(inputs.path("communes-22.geojson"));
        a.push("--perimeters".into());
        a.push(inputs.path(perimeters));
        a.extend(["--json".to_string(), inputs.out("validate.json")]);
        let r = cpts(&a);
        compare(case, outcome(&inputs, &r, &["validate.json"]));
    }
}

#[test]
fn harmonize_an_old_vintage() {
    let inputs = Inputs::new();
    let mut a = args(&["harmonize", "--communes"]);
    a.push(inputs.path("communes-2017.geojson"));
    a.extend(["--out".to_string(), inputs.out("communes.geojson")]);
    let r = cpts(&a);
    compare("harmonize", outcome(&inputs, &r, &["communes.geojson"]));
}
