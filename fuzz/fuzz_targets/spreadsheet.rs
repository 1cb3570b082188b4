//! A membership table as a spreadsheet: the first byte picks `.xlsx`, `.ods` or `.xls`.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let name = ["listing.xlsx", "listing.ods", "listing.xls"][usize::from(kind % 3)];
    let (_dir, path) = common::file(name, bytes);
    common::analyse_perimeters(&path);
});
