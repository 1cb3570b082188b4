//! Runs the `script` lines of docs/ci/gitlab-ci.yml, as written, on the fixtures and
//! against the committed baseline: they pass; with a CPTS removed, the check fails.

mod common;

use std::path::Path;
use std::process::Command;

/// The `- cpts …` lines of the job's script.
fn script_lines() -> Vec<String> {
    let yml = std::fs::read_to_string(common::root().join("docs/ci/gitlab-ci.yml")).unwrap();
    let lines: Vec<String> = yml
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("- cpts "))
        .map(|l| format!("cpts {l}"))
        .collect();
    assert_eq!(lines.len(), 2, "the job has an analyze and a check line");
    lines
}

/// Runs the script in a work directory laid out like a perimeter repository.
fn run_job(work: &Path, perimeters: &Path) -> Vec<i32> {
    let root = common::root();
    std::fs::copy(
        root.join("docs/ci/cpts-rules.toml"),
        work.join("cpts-rules.toml"),
    )
    .unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cpts"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    script_lines()
        .iter()
        .map(|line| {
            let out = Command::new("bash")
                .args(["-c", line])
                .current_dir(work)
                .env("PATH", &path)
                .env("COMMUNES", root.join("fixtures/communes-22.geojson"))
                .env("PERIMETERS", perimeters)
                .env("BASELINE", root.join("docs/ci/baseline/summary.json"))
                .output()
                .unwrap();
            out.status.code().unwrap_or(-1)
        })
        .collect()
}

#[test]
fn the_example_job_passes_on_the_fixtures() {
    let work = tempfile::tempdir().unwrap();
    let codes = run_job(
        work.path(),
        &common::root().join("fixtures/cpts-22.geojson"),
    );
    assert_eq!(codes, vec![0, 0]);
    let junit = std::fs::read_to_string(work.path().join("out/check.junit.xml")).unwrap();
    assert!(junit.contains("failures=\"0\""), "{junit}");
}

#[test]
fn the_example_job_fails_when_a_cpts_is_removed() {
    let work = tempfile::tempdir().unwrap();
    let mut layer = common::read_json(&common::root().join("fixtures/cpts-22.geojson"));
    layer["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["id"] != "CPTS-22-04");
    let perimeters = work.path().join("cpts.geojson");
    std::fs::write(&perimeters, layer.to_string()).unwrap();
    assert_eq!(run_job(work.path(), &perimeters), vec![0, 1]);
    let md = std::fs::read_to_string(work.path().join("out/check.md")).unwrap();
    assert!(
        md.contains("| `coverage_drop` | département 22 Côtes-d'Armor |"),
        "{md}"
    );
}
