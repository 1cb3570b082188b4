//! A communes layer as a FlatGeobuf (FlatBuffers tables in a size-prefixed layout).
#![no_main]

mod common;

use cpts_coverage::load::inputs::Territory;
use cpts_coverage::LoadOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::file("communes.fgb", data);
    let _ = Territory::load(&LoadOptions {
        communes: path,
        ..Default::default()
    });
});
