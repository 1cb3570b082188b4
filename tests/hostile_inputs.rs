//! Inputs that used to hang or overflow: a device or a pipe given as a layer, a cache
//! entry replaced by a pipe, a thread count the system cannot start, populations that
//! overflow the totals, a perimeter drawn in a zigzag. Each is refused at once with the
//! file and the fix, or read.

mod common;

use common::root;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cpts` with `args`, killed (and the test failed) after 60 s.
fn bounded(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cpts"))
        .env("XDG_CACHE_HOME", root().join("target/test-cache"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("cpts {args:?} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn fixture(name: &str) -> String {
    root()
        .join("fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_device_or_a_pipe_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("cpts.csv");
    mkfifo(&fifo);
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let communes = fixture("communes-22.geojson");
    let perimeters = fixture("cpts-22.csv");
    for (communes, perimeters, named) in [
        ("/dev/zero", perimeters.as_str(), "/dev/zero"),
        (communes.as_str(), fifo.to_str().unwrap(), "cpts.csv"),
    ] {
        for cache in [&[][..], &["--no-cache"][..]] {
            let mut args = vec![
                "analyze",
                "--communes",
                communes,
                "--perimeters",
                perimeters,
            ];
            args.extend(["--out", out]);
            args.extend_from_slice(cache);
            let (code, stderr) = bounded(&args);
            assert_eq!(code, 2, "{stderr}");
            assert!(stderr.contains("not a regular file"), "{stderr}");
            assert!(stderr.contains(named), "{stderr}");
            assert!(stderr.contains("save it to a file first"), "{stderr}");
        }
    }
    assert!(!Path::new(out).exists());
}

#[test]
fn a_cache_entry_replaced_by_a_pipe_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let communes = fixture("communes-22.geojson");
    let perimeters = fixture("cpts-22.csv");
    let run = |out: &str| {
        let out = dir.path().join(out);
        bounded(&[
            "analyze",
            "-q",
            "--communes",
            &communes,
            "--perimeters",
            &perimeters,
            "--cache-dir",
            cache.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    assert_eq!(run("first").0, 0);
    let entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    std::fs::remove_file(&entries[0]).unwrap();
    mkfifo(&entries[0]);
    let (code, stderr) = run("second");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("first/summary.json")).unwrap(),
        std::fs::read(dir.path().join("second/summary.json")).unwrap()
    );
}

#[test]
fn thread_counts_out_of_range_are_refused() {
    let communes = fixture("communes-22.geojson");
    let perimeters = fixture("cpts-22.csv");
    for threads in ["0", "10000"] {
        let (code, stderr) = bounded(&[
            "validate",
            "--communes",
            &communes,
            "--perimeters",
            &perimeters,
            "--threads",
            threads,
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("--threads"), "{stderr}");
        assert!(stderr.contains("1..=256"), "{stderr}");
    }
}

#[test]
fn populations_that_would_overflow_the_totals_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let square = |code: &str, population: f64, x0: f64| {
        serde_json::json!({"type": "Feature",
            "properties": {"code": code, "nom": code, "population": population,
                           "departement": "05", "region": "93"},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, 44.7], [x0 + 0.05, 44.7],
                [x0 + 0.05, 44.75], [x0, 44.75], [x0, 44.7]]]}})
    };
    let communes = dir.path().join("communes.geojson");
    let layer = serde_json::json!({"type": "FeatureCollection", "features": [
        square("05039", 1.5e308, 6.0), square("05061", 1.5e308, 6.05)]});
    std::fs::write(&communes, layer.to_string()).unwrap();
    let listing = dir.path().join("cpts.csv");
    std::fs::write(
        &listing,
        "cpts_id;cpts_nom;statut;code_insee\nA;A;projet;05039\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, stderr) = bounded(&[
        "analyze",
        "--no-cache",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        listing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("feature 0"), "{stderr}");
    assert!(stderr.contains("more than any commune holds"), "{stderr}");
    assert!(!out.exists());
    let table = dir.path().join("populations.csv");
    std::fs::write(&table, "CODGEO;PMUN\n05039;1.5e308\n05061;10\n").unwrap();
    let square_layer = serde_json::json!({"type": "FeatureCollection", "features": [
        square("05039", 1.0, 6.0), square("05061", 1.0, 6.05)]});
    std::fs::write(&communes, square_layer.to_string()).unwrap();
    let (code, stderr) = bounded(&[
        "analyze",
        "--no-cache",
        "--communes",
        communes.to_str().unwrap(),
        "--population",
        table.to_str().unwrap(),
        "--perimeters",
        listing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("not a number of inhabitants (0 to 10000000)"),
        "{stderr}"
    );
}

#[test]
fn a_perimeter_of_50000_vertices_in_a_zigzag_is_drawn_without_overflowing() {
    // The north edge of a rectangle over the Côtes-d'Armor in 50 000 teeth 150 m high:
    // the report's maps simplified it with a recursion per vertex (a stack overflow on
    // a worker thread), quadratic besides.
    let (x0, x1, y0, y1) = (-3.0, -2.5, 48.3, 48.5);
    let mut ring = vec![[x0, y0], [x1, y0], [x1, y1]];
    let n = 50_000;
    for i in 1..n {
        let x = x1 - (x1 - x0) * f64::from(i) / f64::from(n);
        ring.push([x, if i % 2 == 1 { y1 + 0.002 } else { y1 }]);
    }
    ring.extend([[x0, y1], [x0, y0]]);
    let layer = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"id": "Z", "nom": "Zigzag", "statut": "projet"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]});
    let dir = tempfile::tempdir().unwrap();
    let perimeters = dir.path().join("zigzag.geojson");
    std::fs::write(&perimeters, layer.to_string()).unwrap();
    let out = dir.path().join("out");
    let (code, stderr) = bounded(&[
        "analyze",
        "-q",
        "--no-cache",
        "--communes",
        &fixture("communes-22.geojson"),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--focus",
        "22",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Zigzag"), "the CPTS is in the report");
}
