//! A perimeter layer (GeoJSON polygons) analysed over the quirk communes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::file("perimeters.geojson", data);
    common::analyse_perimeters(&path);
});
