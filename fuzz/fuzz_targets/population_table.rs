//! A population table (`--population`: INSEE CSV, codes split or whole) joined onto
//! the quirk communes.
#![no_main]

mod common;

use cpts_coverage::read::population::PopulationTable;
use cpts_coverage::model::provenance::Provenance;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_dir, path) = common::file("populations.csv", data);
    let table = PopulationTable {
        path: path.clone(),
        ..Default::default()
    };
    let mut provenance = Provenance::default();
    let Ok(populations) = table.read(&mut provenance) else {
        return;
    };
    let mut units = common::territory().units.clone();
    if populations.apply(&path, &mut units, &mut provenance).is_ok() {
        assert!(units.iter().all(|u| u.population.is_finite() && u.population >= 0.0));
    }
});
