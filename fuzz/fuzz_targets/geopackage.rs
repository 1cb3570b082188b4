//! A communes layer as a GeoPackage (an SQLite file).
#![no_main]

mod common;

use cpts_coverage::load::inputs::Territory;
use cpts_coverage::LoadOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::file("communes.gpkg", data);
    let _ = Territory::load(&LoadOptions {
        communes: path,
        ..Default::default()
    });
});
