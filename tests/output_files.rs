//! Single output files (`validate --json`, `harmonize --out`) are never written over an
//! input, a directory or a pipe, with or without `--force`; an existing report is
//! replaced only with `--force`.

mod common;

use common::{cpts, root};
use std::fs;

fn fixture(name: &str) -> String {
    root()
        .join("fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn validate_json_never_writes_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let listing = dir.path().join("cpts.csv");
    fs::copy(fixture("cpts-22.csv"), &listing).unwrap();
    let before = fs::read(&listing).unwrap();
    let communes = fixture("communes-22.geojson");
    for force in [false, true] {
        let mut args = vec!["validate", "--no-cache", "--communes", &communes];
        args.extend(["--perimeters", listing.to_str().unwrap()]);
        args.extend(["--json", listing.to_str().unwrap()]);
        if force {
            args.push("--force");
        }
        let run = cpts(&args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("--json is the input") && run.stderr.contains("cpts.csv"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("write to a new file"), "{}", run.stderr);
        assert_eq!(fs::read(&listing).unwrap(), before, "the input was changed");
    }
}

#[test]
fn validate_json_replaces_a_report_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    fs::write(&report, "earlier").unwrap();
    let communes = fixture("communes-22.geojson");
    let perimeters = fixture("cpts-22.csv");
    let run = |force: bool| {
        let mut args = vec!["validate", "--no-cache", "--communes", &communes];
        args.extend([
            "--perimeters",
            &perimeters,
            "--json",
            report.to_str().unwrap(),
        ]);
        if force {
            args.push("--force");
        }
        cpts(&args)
    };
    let refused = run(false);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(fs::read_to_string(&report).unwrap(), "earlier");
    let replaced = run(true);
    assert_ne!(replaced.code, 2, "{}", replaced.stderr);
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    assert!(json["findings"].is_array(), "{json}");
}

#[test]
fn harmonize_never_replaces_a_directory_or_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let communes = fixture("communes-22.geojson");
    for out in [&folder, &fifo] {
        let run = cpts(&[
            "harmonize",
            "--communes",
            &communes,
            "--out",
            out.to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
    assert_eq!(
        fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
}
