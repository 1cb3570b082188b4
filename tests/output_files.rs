//! Outputs never lose a user's data. Single output files (`validate --json`,
//! `harmonize --out`) are never written over an input, a directory or a pipe, with or
//! without `--force`, and an existing report is replaced only with `--force`. An output
//! directory keeps a user's folder named like an output, is followed through a link,
//! and is refused up front when it is the current directory or holds the cache.

mod common;

use common::{analyze_into, cpts, root};
use std::fs;
use std::path::Path;

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

fn analyze_fixture(out: &Path, extra: &[&str]) -> common::Run {
    let communes = root().join("fixtures/communes-22.geojson");
    let perimeters = root().join("fixtures/cpts-22.csv");
    let mut flags = vec!["--no-cache"];
    flags.extend_from_slice(extra);
    analyze_into(&communes, &perimeters, out, &flags)
}

#[test]
fn force_keeps_a_folder_named_like_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    assert_eq!(analyze_fixture(&out, &[]).code, 0);
    fs::remove_file(out.join("report.md")).unwrap();
    fs::create_dir(out.join("report.md")).unwrap();
    fs::write(out.join("report.md/notes.txt"), "mine").unwrap();
    let run = analyze_fixture(&out, &["--force"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the directory holds \"report.md\", which is not an output"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(out.join("report.md/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_linked_output_directory_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    assert_eq!(analyze_fixture(&target, &[]).code, 0);
    fs::write(target.join("summary.json"), "stale").unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for out in [link.clone(), dir.path().join("link/")] {
        let run = analyze_fixture(&out, &["--force"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        let summary = fs::read_to_string(target.join("summary.json")).unwrap();
        assert!(summary.starts_with('{'), "the target kept stale outputs");
        fs::write(target.join("summary.json"), "stale").unwrap();
    }
}

#[test]
fn the_current_directory_and_a_cache_inside_out_are_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let communes = root().join("fixtures/communes-22.geojson");
    let perimeters = root().join("fixtures/cpts-22.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_cpts"))
        .current_dir(dir.path())
        .args(["analyze", "--no-cache", "--communes"])
        .arg(&communes)
        .arg("--perimeters")
        .arg(&perimeters)
        .args(["--out", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the output directory is the current directory"),
        "{stderr}"
    );
    assert!(stderr.contains("--out out"), "{stderr}");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "something was written"
    );

    let out = dir.path().join("o");
    let cache = out.join("cache");
    let run = analyze_into(
        &communes,
        &perimeters,
        &out,
        &["--cache-dir", cache.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("lies in --out"), "{}", run.stderr);
    assert!(!out.exists(), "the run went on");
}

#[test]
fn a_killed_run_leaves_no_temporary_file_behind_the_next() {
    let dir = tempfile::tempdir().unwrap();
    // The pid of a process that has ended: its temporary file is abandoned.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let abandoned = dir.path().join(format!(".cpts-out-{pid}-x1y2z3"));
    fs::write(&abandoned, vec![0u8; 1024]).unwrap();
    let out = dir.path().join("communes.geojson");
    let run = cpts(&[
        "harmonize",
        "--communes",
        &fixture("communes-22.geojson"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!abandoned.exists(), "the abandoned file is still there");
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["communes.geojson"]);
}

#[test]
fn a_diff_of_unrelated_perimeter_files_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.geojson");
    let text = fs::read_to_string(fixture("cpts-22.geojson")).unwrap();
    fs::write(&other, text.replace("CPTS-22-", "AUTRE-")).unwrap();
    let out = dir.path().join("diff");
    let run = cpts(&[
        "diff",
        "--no-cache",
        "--communes",
        &fixture("communes-22.geojson"),
        "--before",
        &fixture("cpts-22.geojson"),
        "--after",
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("share no CPTS id"), "{}", run.stderr);
    assert!(run.stderr.contains("other.geojson"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn outputs_follow_the_umask_like_any_file_written() {
    use std::os::unix::fs::PermissionsExt;
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let (communes, cpts) = (f.join("communes-22.geojson"), f.join("cpts-22.geojson"));
    // Under the usual umask 022: directories 755, files 644.
    let script = format!(
        "umask 022 && {bin} plan -q --communes {c} --perimeters {p} --out {d}/out --apply {d}/accepted.geojson && {bin} validate --communes {c} --perimeters {p} --json {d}/validate.json; true",
        bin = env!("CARGO_BIN_EXE_cpts"),
        c = communes.display(),
        p = cpts.display(),
        d = dir.path().display()
    );
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &str| {
        std::fs::metadata(dir.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("out"), 0o755);
    for file in [
        "out/summary.json",
        "out/plan.json",
        "out/cpts.csv",
        "accepted.geojson",
        "validate.json",
    ] {
        assert_eq!(mode(file), 0o644, "{file}");
    }
}

#[test]
fn analyze_never_deletes_a_plan() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (communes, perimeters) = (f.join("communes-22.geojson"), f.join("cpts-22.geojson"));
    let args = |verb: &'static str| {
        vec![
            verb.to_string(),
            "-q".into(),
            "--communes".into(),
            communes.display().to_string(),
            "--perimeters".into(),
            perimeters.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--force".into(),
        ]
    };
    assert_eq!(cpts(&args("plan")).code, 0);
    let run = cpts(&args("analyze"));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("plan.json of a `cpts plan`") && run.stderr.contains("another --out"),
        "{}",
        run.stderr
    );
    for kept in ["plan.json", "plan.csv", "proposals.geojson"] {
        assert!(out.join(kept).is_file(), "{kept}");
    }
    // `cpts plan` replaces its own outputs.
    assert_eq!(cpts(&args("plan")).code, 0);
}
