//! A communes layer as a Shapefile. The input is split into its files: three
//! little-endian u32 lengths (`.shp`, `.shx`, `.prj`), then those files, then the `.dbf`
//! (scripts/fuzz.sh writes the seeds in this layout).
#![no_main]

mod common;

use cpts_coverage::load::inputs::Territory;
use cpts_coverage::LoadOptions;
use libfuzzer_sys::fuzz_target;

fn take<'a>(data: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if data.len() < n {
        return None;
    }
    let (head, rest) = data.split_at(n);
    *data = rest;
    Some(head)
}

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    let mut lengths = [0usize; 3];
    for length in &mut lengths {
        let Some(bytes) = take(&mut rest, 4) else { return };
        *length = u32::from_le_bytes(bytes.try_into().expect("4 bytes")) as usize;
    }
    let (Some(shp), Some(shx), Some(prj)) = (
        take(&mut rest, lengths[0]),
        take(&mut rest, lengths[1]),
        take(&mut rest, lengths[2]),
    ) else {
        return;
    };
    let (dir, path) = common::file("communes.shp", shp);
    for (ext, bytes) in [("shx", shx), ("prj", prj), ("dbf", rest)] {
        std::fs::write(dir.path().join(format!("communes.{ext}")), bytes).expect("written");
    }
    let _ = Territory::load(&LoadOptions {
        communes: path,
        ..Default::default()
    });
});
