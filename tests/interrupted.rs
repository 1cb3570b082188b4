//! Runs killed (SIGKILL) at every moment of their life leave the earlier outputs or the
//! new ones, complete, never a mix, a partial file or nothing; the next run clears what
//! the killed ones left behind.

mod common;

use cpts_coverage::pipeline::outputs::output_files;
use cpts_coverage::write::LayerFormat;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn analyze(perimeters: &Path, out: &Path) -> Command {
    let f = common::root().join("fixtures");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cpts"));
    cmd.env("XDG_CACHE_HOME", common::root().join("target/test-cache"))
        .args(["analyze", "-q", "--force", "--communes"])
        .arg(f.join("communes-22.geojson"));
    cmd.arg("--perimeters")
        .arg(perimeters)
        .arg("--out")
        .arg(out);
    cmd
}

/// The summary at `out`, after checking that every output is there and readable.
fn complete_summary(out: &Path) -> String {
    for name in output_files(LayerFormat::Geojson) {
        let bytes = std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.ends_with(".json") || name.ends_with(".geojson") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name} is cut: {e}"));
        } else if name.ends_with(".xlsx") {
            calamine::open_workbook_auto(out.join(name))
                .unwrap_or_else(|e| panic!("{name} is cut: {e}"));
        } else {
            String::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    std::fs::read_to_string(out.join("summary.json")).unwrap()
}

#[test]
fn killed_runs_leave_whole_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (d, out) = (dir.path(), dir.path().join("out"));
    let f = common::root().join("fixtures");
    // Earlier outputs from the hand-drawn layer, new ones from a layer without CPTS-22-01.
    assert!(analyze(&f.join("cpts-22.geojson"), &out)
        .status()
        .unwrap()
        .success());
    let earlier = complete_summary(&out);
    let mut layer = common::read_json(&f.join("cpts-22.geojson"));
    layer["features"]
        .as_array_mut()
        .unwrap()
        .retain(|x| x["properties"]["id"] != "CPTS-22-01");
    std::fs::write(d.join("new.geojson"), layer.to_string()).unwrap();
    let mut finished = 0;
    for step in 0..40u64 {
        let mut child = analyze(&d.join("new.geojson"), &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(step * 3));
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = complete_summary(&out);
        assert!(
            now == earlier || !now.contains("CPTS-22-01"),
            "step {step}: outputs are a mix"
        );
    }
    assert!(
        finished < 40,
        "no run was killed before its end: the test proved nothing"
    );
    // A run to the end clears the staging directories of the killed runs.
    assert!(analyze(&d.join("new.geojson"), &out)
        .status()
        .unwrap()
        .success());
    let left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cpts"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
