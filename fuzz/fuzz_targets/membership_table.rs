//! A membership table (CSV: codes or names, statuses, encodings) analysed over the
//! quirk communes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::file("listing.csv", data);
    common::analyse_perimeters(&path);
});
