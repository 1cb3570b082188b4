//! Communes as IGN ships them: Lambert-93 Shapefiles (with `.prj`, `.cpg` and dBase field
//! names cut at 10 characters) and GeoPackages, made here from the GeoJSON fixtures with
//! GDAL's `ogr2ogr` (Debian's gdal-bin, installed by scripts/setup.sh). The same
//! analysis read from each must give the same figures.

mod common;

use common::{analyze_into, read_json, root, shared_data, Run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `ogr2ogr` with `args`, or `None` (and a message) when GDAL is not installed.
fn ogr2ogr(args: &[&str]) -> Option<()> {
    match Command::new("ogr2ogr").args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "ogr2ogr {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(())
        }
        Err(_) => {
            eprintln!("skipped: ogr2ogr is not installed (scripts/setup.sh installs gdal-bin)");
            None
        }
    }
}

/// `source` as a Lambert-93 Shapefile, a GeoPackage layer `commune` and a FlatGeobuf
/// in `dir`.
fn lambert93_copies(source: &Path, dir: &Path) -> Option<[PathBuf; 3]> {
    let (shp, gpkg, fgb) = (
        dir.join("communes.shp"),
        dir.join("communes.gpkg"),
        dir.join("communes.fgb"),
    );
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ogr2ogr(&[
        "-t_srs",
        "EPSG:2154",
        "-lco",
        "ENCODING=UTF-8",
        &s(&shp),
        &s(source),
    ])?;
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:2154",
        "-nln",
        "commune",
        &s(&gpkg),
        &s(source),
    ])?;
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        "-t_srs",
        "EPSG:2154",
        &s(&fgb),
        &s(source),
    ])?;
    Some([shp, gpkg, fgb])
}

/// Runs `cpts analyze` writing into `out` (replaced).
fn analyze(communes: &str, perimeters: &Path, out: &Path, extra: &[&str]) -> Run {
    let extra = [&["--force"], extra].concat();
    analyze_into(Path::new(communes), perimeters, out, &extra)
}

fn summary(communes: &Path, perimeters: &Path, extra: &[&str]) -> Value {
    let out = tempfile::tempdir().unwrap();
    let run = analyze(communes.to_str().unwrap(), perimeters, out.path(), extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_json(&out.path().join("summary.json"))
}

/// Every rate of `b` within 1e-6 of `a`'s, and the same counts.
fn same_figures(a: &Value, b: &Value) {
    let close = |x: &Value, y: &Value, what: &str| {
        let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
        assert!((x - y).abs() <= 1e-6, "{what}: {x} vs {y}");
    };
    close(&a["coverage_rate"], &b["coverage_rate"], "coverage_rate");
    for (x, y) in a["by_departement"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["by_departement"].as_array().unwrap())
    {
        assert_eq!(x["departement"], y["departement"]);
        close(&x["coverage_rate"], &y["coverage_rate"], "departement rate");
    }
    for (x, y) in a["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["by_status"].as_array().unwrap())
    {
        close(&x["coverage_rate"], &y["coverage_rate"], "status rate");
    }
    for key in ["unit_count", "white_zone_count", "overlap_count"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn the_fixture_read_from_lambert93_shapefile_geopackage_and_flatgeobuf_gives_the_same_figures() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let Some([shp, gpkg, fgb]) = lambert93_copies(&f.join("communes-22.geojson"), dir.path())
    else {
        return;
    };
    let perimeters = f.join("cpts-22.geojson");
    let reference = summary(&f.join("communes-22.geojson"), &perimeters, &[]);
    let from_shp = summary(&shp, &perimeters, &[]);
    let from_gpkg = summary(&gpkg, &perimeters, &[]);
    let from_fgb = summary(&fgb, &perimeters, &[]);
    same_figures(&reference, &from_shp);
    same_figures(&reference, &from_gpkg);
    same_figures(&reference, &from_fgb);
    assert_eq!(from_fgb["sources"][0]["format"], "fgb");
    assert_eq!(from_fgb["sources"][0]["crs"], "EPSG:2154 (its header)");
    // Stated: the format and the CRS read from the file.
    assert_eq!(from_shp["sources"][0]["format"], "shapefile");
    assert!(from_shp["sources"][0]["crs"]
        .as_str()
        .unwrap()
        .contains("Lambert_93 (its .prj)"));
    assert_eq!(
        from_gpkg["sources"][0]["crs"],
        "EPSG:2154 (GeoPackage srs_id 2154)"
    );
    // French accents survive the dBase file (its .cpg says UTF-8).
    let out = tempfile::tempdir().unwrap();
    let run = analyze(shp.to_str().unwrap(), &perimeters, out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let layer = std::fs::read_to_string(out.path().join("communes.geojson")).unwrap();
    assert!(layer.contains("\"nom\":\"Plénée-Jugon\""), "accents lost");
}

#[test]
fn the_nation_read_from_lambert93_shapefile_geopackage_and_flatgeobuf_gives_the_same_figures() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let france = data.join("france/communes.geojson");
    // Metropolitan communes only: the overseas ones are not in Lambert-93.
    let metropole = dir.path().join("metropole.geojson");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    if ogr2ogr(&[
        "-where",
        "departement NOT LIKE '97%'",
        &s(&metropole),
        &s(&france),
    ])
    .is_none()
    {
        return;
    }
    let Some([shp, gpkg, fgb]) = lambert93_copies(&metropole, dir.path()) else {
        return;
    };
    let perimeters = data.join("world1/cpts.geojson");
    let arrondissements = data.join("france/arrondissements.geojson");
    let extra = ["--arrondissements", arrondissements.to_str().unwrap()];
    let reference = summary(&metropole, &perimeters, &extra);
    same_figures(&reference, &summary(&shp, &perimeters, &extra));
    same_figures(&reference, &summary(&gpkg, &perimeters, &extra));
    same_figures(&reference, &summary(&fgb, &perimeters, &extra));
}

#[test]
fn shapefiles_and_geopackages_say_what_is_missing() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let Some([shp, gpkg, _]) = lambert93_copies(&f.join("quirks/communes.geojson"), dir.path())
    else {
        return;
    };
    let perimeters = f.join("quirks/cpts-listing.xlsx");
    let out = dir.path().join("out");
    let analyze = |communes: &str| analyze(communes, &perimeters, &out, &[]);
    // A second layer in the GeoPackage: the layer must be named.
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ogr2ogr(&[
        "-update",
        "-nln",
        "autre",
        &s(&gpkg),
        &s(&f.join("quirks/communes.geojson")),
    ])
    .unwrap();
    let run = analyze(gpkg.to_str().unwrap());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("2 layers (layers: autre, commune)")
            && run.stderr.contains("FILE.gpkg:LAYER"),
        "{}",
        run.stderr
    );
    let run = analyze(&format!("{}:commune", gpkg.display()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = analyze(&format!("{}:communes", gpkg.display()));
    assert!(
        run.stderr.contains("layer \"communes\": no such layer"),
        "{}",
        run.stderr
    );
    // A .prj that PROJ cannot read.
    std::fs::write(shp.with_extension("prj"), "GARBAGE").unwrap();
    let run = analyze(shp.to_str().unwrap());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the CRS (its .prj): PROJ reads no coordinate reference system in `GARBAGE`"),
        "{}",
        run.stderr
    );
    // A Shapefile without its .prj: the CRS is unknown.
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let run = analyze(shp.to_str().unwrap());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the .prj file") && run.stderr.contains("--communes-crs EPSG:2154"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_declaring_no_crs_are_read_in_the_crs_given_and_perimeters_come_as_layers_too() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let Some([shp, _, _]) = lambert93_copies(&f.join("communes-22.geojson"), d) else {
        return;
    };
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // Perimeters as a Lambert-93 Shapefile, and as a Lambert-93 GeoJSON whose crs
    // member was lost (a classic export mistake).
    let perimeters_shp = d.join("perimetres.shp");
    ogr2ogr(&[
        "-t_srs",
        "EPSG:2154",
        "-lco",
        "ENCODING=UTF-8",
        &s(&perimeters_shp),
        &s(&f.join("cpts-22.geojson")),
    ])
    .unwrap();
    let lost = d.join("perimetres-l93.geojson");
    ogr2ogr(&[
        "-f",
        "GeoJSON",
        "-t_srs",
        "EPSG:2154",
        &s(&lost),
        &s(&f.join("cpts-22.geojson")),
    ])
    .unwrap();
    let mut layer = read_json(&lost);
    layer.as_object_mut().unwrap().remove("crs");
    std::fs::write(&lost, layer.to_string()).unwrap();
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let reference = summary(
        &f.join("communes-22.geojson"),
        &f.join("cpts-22.geojson"),
        &[],
    );

    // Without the options each says what is missing and which option gives it.
    let out = d.join("out");
    let run = analyze(&s(&shp), &perimeters_shp, &out, &[]);
    assert!(
        run.stderr.contains("its CRS is unknown")
            && run.stderr.contains("--communes-crs EPSG:2154"),
        "{}",
        run.stderr
    );
    let run = analyze(&s(&f.join("communes-22.geojson")), &lost, &out, &[]);
    assert!(
        run.stderr.contains("the file looks projected")
            && run.stderr.contains("--perimeters-crs EPSG:2154"),
        "{}",
        run.stderr
    );

    // With them, the same figures; a file declaring its CRS keeps it.
    let from_layers = summary(&shp, &perimeters_shp, &["--communes-crs", "EPSG:2154"]);
    same_figures(&reference, &from_layers);
    assert_eq!(from_layers["mode"], "polygon");
    assert_eq!(
        from_layers["sources"][0]["crs"],
        "EPSG:2154 (--communes-crs option, the file declaring none)"
    );
    assert!(from_layers["sources"][1]["crs"]
        .as_str()
        .unwrap()
        .contains("(its .prj)"));
    let texts: Vec<&str> = from_layers["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "crs")
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["communes: CRS from the --communes-crs option, the file declaring none, coordinates read as EPSG:2154"]
    );
    let from_lost = summary(
        &f.join("communes-22.geojson"),
        &lost,
        &["--perimeters-crs", "EPSG:2154"],
    );
    same_figures(&reference, &from_lost);
    assert_eq!(
        from_lost["sources"][1]["crs"],
        "EPSG:2154 (--perimeters-crs option, the file declaring none)"
    );

    // A FlatGeobuf made from the Shapefile without .prj declares no CRS either.
    let fgb = d.join("communes-sans-crs.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        "-nlt",
        "MULTIPOLYGON",
        &s(&fgb),
        &s(&shp),
    ])
    .unwrap();
    let run = analyze(&s(&fgb), &perimeters_shp, &out, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("the FlatGeobuf declares no CRS")
            && run.stderr.contains("--communes-crs EPSG:2154"),
        "{}",
        run.stderr
    );
    let from_fgb = summary(&fgb, &perimeters_shp, &["--communes-crs", "EPSG:2154"]);
    same_figures(&reference, &from_fgb);
}

#[test]
fn a_corrupt_flatgeobuf_is_an_error_naming_the_fault() {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let Some([_, _, fgb]) = lambert93_copies(&f.join("communes-22.geojson"), dir.path()) else {
        return;
    };
    let good = std::fs::read(&fgb).unwrap();
    let perimeters = f.join("cpts-22.geojson");
    let out = dir.path().join("out");
    let fails = |bytes: &[u8], expected: &str| {
        let bad = dir.path().join("bad.fgb");
        std::fs::write(&bad, bytes).unwrap();
        let run = analyze(bad.to_str().unwrap(), &perimeters, &out, &[]);
        assert_eq!(run.code, 2, "{expected}: {}", run.stderr);
        assert!(
            run.stderr.contains("the FlatGeobuf is corrupt"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
        assert!(
            run.stderr.contains("export the layer again"),
            "{}",
            run.stderr
        );
        assert!(!out.exists(), "outputs written");
    };
    fails(&good[..good.len() * 3 / 5], "passes the end of the file");
    let mut header = good.clone();
    header[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    fails(
        &header,
        "the header: the FlatGeobuf is corrupt: its size passes the end",
    );
    let mut magic = good.clone();
    magic[0] = b'x';
    fails(&magic, "no FlatGeobuf magic bytes");
    // Cut after a whole feature: fewer features than the header announces. Without a
    // spatial index, features follow the header, each after its 4-byte size.
    let plain = dir.path().join("plain.fgb");
    let source = f.join("communes-22.geojson");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        "-lco",
        "SPATIAL_INDEX=NO",
        &s(&plain),
        &s(&source),
    ])
    .unwrap();
    let plain = std::fs::read(&plain).unwrap();
    let size_at = |at: usize| u32::from_le_bytes(plain[at..at + 4].try_into().unwrap()) as usize;
    let mut at = 12 + size_at(8);
    for _ in 0..343 {
        at += 4 + size_at(at);
    }
    fails(
        &plain[..at],
        "344 features announced, 343 found: the file looks truncated",
    );
}
