//! Inputs the fuzzers found trouble with (fuzz/regressions/), replayed: each must give a
//! clear error, never a panic. Shapefile inputs use the layout of fuzz/fuzz_targets/
//! shapefile.rs: three little-endian u32 lengths (.shp, .shx, .prj), those files, then
//! the .dbf.

mod common;

use cpts_coverage::load::inputs::Territory;
use cpts_coverage::LoadOptions;
use std::path::{Path, PathBuf};

fn regression(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fuzz/regressions").join(name)).unwrap()
}

fn load(communes: PathBuf) -> cpts_coverage::Result<Territory> {
    Territory::load(&LoadOptions {
        communes,
        ..Default::default()
    })
}

/// Writes a shapefile input's files into `dir`; returns the `.shp`.
fn shapefile_files(data: &[u8], dir: &Path) -> PathBuf {
    let length = |k: usize| u32::from_le_bytes(data[4 * k..4 * k + 4].try_into().unwrap()) as usize;
    let (mut at, shp) = (12, dir.join("communes.shp"));
    for (k, ext) in ["shp", "shx", "prj"].into_iter().enumerate() {
        std::fs::write(shp.with_extension(ext), &data[at..at + length(k)]).unwrap();
        at += length(k);
    }
    std::fs::write(shp.with_extension("dbf"), &data[at..]).unwrap();
    shp
}

#[test]
fn a_shapefile_whose_prj_proj_cannot_read() {
    // Found leaking a PROJ context per run (proj 0.27 drops it on a failed creation).
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_files(&regression("shapefile-unreadable-prj"), dir.path());
    let error = load(shp).expect_err("an error").to_string();
    assert!(
        error.contains("PROJ reads no coordinate reference system"),
        "{error}"
    );
}

#[test]
fn a_geopackage_whose_srs_proj_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("communes.gpkg");
    std::fs::write(&gpkg, regression("geopackage-unreadable-srs")).unwrap();
    let error = load(gpkg).expect_err("an error").to_string();
    assert!(
        error.contains("communes.gpkg: the CRS (GeoPackage srs_id 2154): PROJ reads no coordinate reference system"),
        "{error}"
    );
}

#[test]
fn a_shapefile_whose_prj_has_no_transformation_to_wgs84() {
    // Found leaking a PROJ context per run, the CRS being read but not transformable.
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_files(&regression("shapefile-untransformable-prj"), dir.path());
    load(shp).expect_err("an error");
}

#[test]
fn a_geopackage_geometry_declaring_billions_of_points() {
    // Found reserving 7.5 GB on a corrupt WKB count (geozero trusted it).
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("communes.gpkg");
    std::fs::write(&gpkg, regression("geopackage-huge-point-count")).unwrap();
    let error = load(gpkg).expect_err("an error").to_string();
    assert!(error.contains("communes.gpkg"), "{error}");
}

#[test]
fn a_shapefile_record_declaring_more_points_than_it_holds() {
    // Found reserving 2 GB before reading (shapefile 0.9 trusts the counts).
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_files(&regression("shapefile-huge-part-count"), dir.path());
    load(shp).expect_err("an error");
}

#[test]
fn a_geopackage_column_name_that_is_not_utf8() {
    // Found panicking inside rusqlite, which expects UTF-8 column names.
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("communes.gpkg");
    std::fs::write(&gpkg, regression("geopackage-column-name-not-utf8")).unwrap();
    let _ = load(gpkg);
}

#[test]
fn a_shapefile_index_pointing_inside_a_record() {
    // Found reserving 4 GB: the .shx led the reader to counts read mid-record.
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_files(&regression("shapefile-index-into-a-record"), dir.path());
    load(shp).expect_err("an error");
}

#[test]
fn a_geopackage_geometry_with_a_nan_coordinate() {
    // Found panicking in geo's ordering of coordinates.
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("communes.gpkg");
    std::fs::write(&gpkg, regression("geopackage-nan-coordinate")).unwrap();
    let _ = load(gpkg);
}

#[test]
fn a_shapefile_part_starting_at_a_negative_point() {
    // Found reserving 8 GB: shapefile 0.9 reads `points - start` points for the last part.
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile_files(&regression("shapefile-negative-part-start"), dir.path());
    let message = load(shp).expect_err("an error").to_string();
    assert!(
        message.contains("record 1") && message.contains("part 0 starts at point -503309312"),
        "{message}"
    );
}

#[test]
fn an_ods_with_a_stray_cell_and_a_bad_checksum() {
    // Found building 4.7 GB: the sheet's extent was measured only when content.xml read
    // to its end, and a damaged checksum stopped the reading there; calamine read on.
    let dir = tempfile::tempdir().unwrap();
    let ods = dir.path().join("listing.ods");
    std::fs::write(&ods, regression("ods-stray-cell-bad-checksum")).unwrap();
    let mut provenance = cpts_coverage::model::provenance::Provenance::default();
    let message =
        cpts_coverage::read::table::read_table(&ods, None, &[], "perimeters", &mut provenance)
            .expect_err("an error")
            .to_string();
    assert!(
        message.contains("listing.ods: sheet CPTS: the sheet holds more than"),
        "{message}"
    );
}
