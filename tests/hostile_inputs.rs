//! Inputs that used to hang or overflow: a device or a pipe given as a layer, a cache
//! entry replaced by a pipe, a thread count the system cannot start, populations that
//! overflow the totals, a perimeter drawn in a zigzag. Each is refused at once with the
//! file and the fix, or read.

mod common;

use common::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cpts` with `args`, killed (and the test failed) after 300 s: a guard against
/// a hang, not a timing (the 500,000-vertex zigzag takes 80 s on 2 cores while a
/// build runs beside it).
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
        if start.elapsed() > Duration::from_secs(300) {
            child.kill().unwrap();
            panic!("cpts {args:?} still running after 300 s");
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

/// Runs the north edge of a rectangle over the Côtes-d'Armor drawn as `teeth` teeth
/// 220 m high, focused on the département; gives the output folder.
fn zigzag(dir: &Path, teeth: u32) -> PathBuf {
    let (x0, x1, y0, y1) = (-3.0, -2.5, 48.3, 48.5);
    let mut ring = vec![[x0, y0], [x1, y0], [x1, y1]];
    for i in 1..teeth {
        let x = x1 - (x1 - x0) * f64::from(i) / f64::from(teeth);
        ring.push([x, if i % 2 == 1 { y1 + 0.002 } else { y1 }]);
    }
    ring.extend([[x0, y1], [x0, y0]]);
    let layer = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"id": "Z", "nom": "Zigzag", "statut": "projet"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]});
    let perimeters = dir.join(format!("zigzag-{teeth}.geojson"));
    std::fs::write(&perimeters, layer.to_string()).unwrap();
    let out = dir.join(format!("out-{teeth}"));
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
    out
}

fn covered_population(out: &Path) -> f64 {
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    summary["covered_population"].as_f64().unwrap()
}

#[test]
fn a_perimeter_of_50000_vertices_in_a_zigzag_is_drawn_without_overflowing() {
    // The report's maps simplified it with a recursion per vertex (a stack overflow on
    // a worker thread), quadratic besides.
    let dir = tempfile::tempdir().unwrap();
    let out = zigzag(dir.path(), 50_000);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Zigzag"), "the CPTS is in the report");
}

#[test]
fn a_perimeter_of_500000_vertices_in_a_zigzag_covers_what_its_teeth_cover() {
    // Each white-zone piece was located by a point-in-polygon test against the part
    // holding it, a ring of 250 000 teeth: minutes. Teeth 7 cm or 70 cm wide cover
    // half of their band either way, so both perimeters cover the same people.
    let dir = tempfile::tempdir().unwrap();
    let fine = covered_population(&zigzag(dir.path(), 500_000));
    let coarse = covered_population(&zigzag(dir.path(), 50_000));
    assert!(fine > 0.0);
    assert!((fine - coarse).abs() < 1e-4 * coarse, "{fine} vs {coarse}");
}

#[test]
fn a_byte_order_mark_before_a_geojson_or_a_summary_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let with_bom = |from: &Path, to: &Path| {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(std::fs::read(from).unwrap());
        std::fs::write(to, bytes).unwrap();
    };
    std::fs::create_dir(dir.path().join("bom")).unwrap();
    let communes = dir.path().join("bom/communes-22.geojson");
    with_bom(&root().join("fixtures/communes-22.geojson"), &communes);
    let out = dir.path().join("out");
    let args = |communes: &Path, out: &Path| {
        vec![
            "analyze".to_string(),
            "-q".into(),
            "--no-cache".into(),
            "--communes".into(),
            communes.to_str().unwrap().into(),
            "--perimeters".into(),
            fixture("cpts-22.geojson"),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let run = |a: Vec<String>| bounded(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let (code, stderr) = run(args(&communes, &out));
    assert_eq!(code, 0, "{stderr}");
    let plain = dir.path().join("plain");
    let (code, _) = run(args(&root().join("fixtures/communes-22.geojson"), &plain));
    assert_eq!(code, 0);
    // The same figures: everything before the files read (whose days of change differ).
    let figures = |d: &Path| {
        let text = std::fs::read_to_string(d.join("summary.json")).unwrap();
        text.split("\"sources\"").next().unwrap().to_string()
    };
    assert_eq!(figures(&out), figures(&plain));
    // A baseline summary saved by an editor with a BOM.
    let baseline = dir.path().join("baseline.json");
    with_bom(&plain.join("summary.json"), &baseline);
    let report = dir.path().join("reports");
    let (code, stderr) = bounded(&[
        "check",
        "--baseline",
        baseline.to_str().unwrap(),
        "--current",
        out.to_str().unwrap(),
        "--report-dir",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_truncated_dbf_is_described_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("communes.shp");
    let made = Command::new("ogr2ogr")
        .arg(&shp)
        .arg(root().join("fixtures/communes-22.geojson"))
        .status();
    let Ok(made) = made else {
        eprintln!("skipped: ogr2ogr (GDAL) is absent");
        return;
    };
    assert!(made.success());
    let dbf = dir.path().join("communes.dbf");
    let bytes = std::fs::read(&dbf).unwrap();
    std::fs::write(&dbf, &bytes[..bytes.len() / 2]).unwrap();
    let out = dir.path().join("out");
    let (code, stderr) = bounded(&[
        "analyze",
        "--no-cache",
        "--communes",
        shp.to_str().unwrap(),
        "--perimeters",
        &fixture("cpts-22.csv"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the .dbf:"), "{stderr}");
    assert!(
        !stderr.contains("DbaseError") && !stderr.contains("kind:"),
        "{stderr}"
    );
}
