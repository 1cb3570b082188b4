//! What the fuzz targets share: the hand-drawn communes of fixtures/quirks as the
//! territory, inputs written to a temporary file, and the invariants every analysis
//! must keep.
#![allow(dead_code)]

use cpts_coverage::load::inputs::Territory;
use cpts_coverage::read::cpts_attributes::PerimeterOptions;
use cpts_coverage::{analyse, Inputs, LoadOptions, Options, Summary, Tariff};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The five quirk communes, read once.
pub fn territory() -> &'static Territory {
    static TERRITORY: OnceLock<Territory> = OnceLock::new();
    TERRITORY.get_or_init(|| {
        let communes =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/quirks/communes.geojson");
        Territory::load(&LoadOptions {
            communes,
            ..Default::default()
        })
        .expect("the quirk communes load")
    })
}

/// `bytes` written to a temporary file named `name` (its extension picks the reader).
pub fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("the input is written");
    (dir, path)
}

/// Reads `perimeters` over the quirk communes and, when it is usable, analyses it and
/// checks the invariants. Errors are expected answers; a panic is a finding.
pub fn analyse_perimeters(perimeters: &std::path::Path) {
    let options = PerimeterOptions {
        exclude: vec!["nom_cpts=HORS CPTS".parse().expect("a valid exclusion")],
        ..Default::default()
    };
    let Ok(inputs) = Inputs::with_perimeters(territory().clone(), perimeters, &options) else {
        return;
    };
    let Ok(analysis) = analyse(&inputs, &Options::default(), &()) else {
        return;
    };
    check_invariants(&Summary::new(&inputs, &analysis, &Tariff::default_tariff()));
}

/// Every inhabitant is covered, in a white zone or in a sliver; rates are shares.
pub fn check_invariants(s: &Summary) {
    let accounted = s.covered_population + s.white_zone_population + s.sliver_population;
    assert!(
        (accounted - s.total_population).abs() <= 1e-6 * s.total_population.max(1.0),
        "covered {} + white {} + slivers {} != total {}",
        s.covered_population,
        s.white_zone_population,
        s.sliver_population,
        s.total_population
    );
    assert!((0.0..=1.0 + 1e-9).contains(&s.coverage_rate), "rate {}", s.coverage_rate);
    for c in &s.cpts {
        assert!(c.population >= 0.0 && c.population.is_finite(), "{}: {}", c.id, c.population);
        assert!(c.population <= s.total_population * (1.0 + 1e-9), "{}: {}", c.id, c.population);
    }
}
