//! Property tests on random partitions: a grid of square communes with random
//! populations under random rectangular CPTS, read from files like any input. The seed
//! is fixed and the case count bounded, so CI runs the same cases every time.

use cpts_coverage::{analyse, Analysis, Inputs, LoadOptions, Options, Summary, Tariff};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Value};

/// Grid origin and cell size, degrees (about 760 m × 1 110 m at 46.5°N).
const X0: f64 = 3.0;
const Y0: f64 = 46.5;
const STEP: f64 = 0.01;

#[derive(Debug, Clone)]
struct World {
    cols: usize,
    rows: usize,
    populations: Vec<u32>,
    /// (west, south, east, north, status index)
    cpts: Vec<(f64, f64, f64, f64, usize)>,
}

fn world() -> impl Strategy<Value = World> {
    (2usize..5, 2usize..5)
        .prop_flat_map(|(cols, rows)| {
            let corner = (
                0.0..1.0f64,
                0.0..1.0f64,
                0.0..1.0f64,
                0.0..1.0f64,
                0usize..3,
            );
            (
                Just(cols),
                Just(rows),
                prop::collection::vec(0u32..5000, cols * rows),
                prop::collection::vec(corner, 0..5),
            )
        })
        .prop_map(|(cols, rows, populations, rects)| {
            // Rectangles over the grid and a little beyond it.
            let (w, h) = (cols as f64 * STEP, rows as f64 * STEP);
            let x = |t: f64| X0 - 0.2 * STEP + t * (w + 0.4 * STEP);
            let y = |t: f64| Y0 - 0.2 * STEP + t * (h + 0.4 * STEP);
            let cpts = rects
                .into_iter()
                .map(|(a, b, c, d, s)| {
                    (
                        x(a.min(c)),
                        y(b.min(d)),
                        x(a.max(c)).max(x(a.min(c)) + 1e-4),
                        y(b.max(d)).max(y(b.min(d)) + 1e-4),
                        s,
                    )
                })
                .collect();
            World {
                cols,
                rows,
                populations,
                cpts,
            }
        })
}

/// A rectangle ring, counter-clockwise, with a vertex at the middle of its southern and
/// northern edges (so that its two halves are exactly the same territory), starting at
/// vertex `start`, reversed if asked.
fn ring(w: f64, s: f64, e: f64, n: f64, start: usize, reversed: bool) -> Value {
    let mid = (w + e) / 2.0;
    let mut corners = vec![[w, s], [mid, s], [e, s], [e, n], [mid, n], [w, n]];
    corners.rotate_left(start % 6);
    if reversed {
        corners.reverse();
    }
    corners.push(corners[0]);
    json!([corners])
}

fn commune(code: String, population: f64, rings: Vec<Value>) -> Value {
    json!({"type": "Feature", "properties": {"code": code, "population": population, "departement": "03", "region": "84"},
           "geometry": {"type": "MultiPolygon", "coordinates": rings}})
}

/// How to draw the communes of a world.
#[derive(Clone, Copy, Default)]
struct Drawing {
    /// Start each ring at another corner, and reverse it.
    rotated: bool,
    /// Split this commune into a western and an eastern half, half the population each.
    split: Option<usize>,
    /// List the CPTS in reverse order.
    reordered: bool,
}

fn analysed(w: &World, drawing: Drawing) -> (Inputs, Analysis, Summary) {
    let mut features = Vec::new();
    for r in 0..w.rows {
        for c in 0..w.cols {
            let i = r * w.cols + c;
            let (west, south) = (X0 + c as f64 * STEP, Y0 + r as f64 * STEP);
            let pop = f64::from(w.populations[i]);
            let start = if drawing.rotated { i + 1 } else { 0 };
            if drawing.split == Some(i) {
                let mid = west + STEP / 2.0;
                features.push(commune(
                    format!("03{:03}", i + 1),
                    pop / 2.0,
                    vec![ring(west, south, mid, south + STEP, start, drawing.rotated)],
                ));
                features.push(commune(
                    format!("03{:03}", i + 500),
                    pop / 2.0,
                    vec![ring(
                        mid,
                        south,
                        west + STEP,
                        south + STEP,
                        start,
                        drawing.rotated,
                    )],
                ));
            } else {
                features.push(commune(
                    format!("03{:03}", i + 1),
                    pop,
                    vec![ring(
                        west,
                        south,
                        west + STEP,
                        south + STEP,
                        start,
                        drawing.rotated,
                    )],
                ));
            }
        }
    }
    let statuses = ["signataire_aci", "projet", "pre_projet"];
    let mut cpts: Vec<Value> = w
        .cpts
        .iter()
        .enumerate()
        .map(|(k, &(we, s, e, n, st))| {
            json!({"type": "Feature", "properties": {"id": format!("P{k}"), "statut": statuses[st]},
                   "geometry": {"type": "MultiPolygon", "coordinates": [ring(we, s, e, n, 0, false)]}})
        })
        .collect();
    if drawing.reordered {
        cpts.reverse();
    }
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, features: Vec<Value>| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            json!({"type": "FeatureCollection", "features": features}).to_string(),
        )
        .unwrap();
        path
    };
    let communes = write("communes.geojson", features);
    // A world without CPTS still needs a perimeter file: one far from every commune.
    if cpts.is_empty() {
        cpts.push(json!({"type": "Feature", "properties": {"id": "FAR", "statut": "projet"},
                         "geometry": {"type": "MultiPolygon", "coordinates": [ring(5.0, 45.0, 5.01, 45.01, 0, false)]}}));
    }
    let perimeters = write("cpts.geojson", cpts);
    let inputs = Inputs::load(&LoadOptions {
        communes,
        perimeters,
        ..Default::default()
    })
    .unwrap();
    let analysis = analyse(&inputs, &Options::default(), &()).unwrap();
    let summary = Summary::new(&inputs, &analysis, &Tariff::default_tariff());
    (inputs, analysis, summary)
}

fn config() -> Config {
    Config {
        cases: 24,
        rng_seed: RngSeed::Fixed(20_261_123),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Equal to a part in a million of `scale` (areas are measured on a grid).
fn near(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-6 * scale.max(1.0)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn covered_white_and_slivers_add_up_to_the_population(w in world()) {
        let (inputs, analysis, s) = analysed(&w, Drawing::default());
        let sum = s.covered_population + s.white_zone_population + s.sliver_population;
        prop_assert!((sum - s.total_population).abs() <= 1e-6 * s.total_population.max(1.0), "{sum} vs {}", s.total_population);
        // Unit by unit, every inhabitant is covered, in a white zone, or in a sliver.
        for (i, u) in inputs.units.iter().enumerate() {
            let placed = u.population * analysis.covers[i].covered_share() + analysis.white.unit_population[i];
            // Areas are measured on a grid of about 0.1 mm here: shares agree to 1e-6.
            prop_assert!(placed <= u.population * (1.0 + 1e-6) + 1e-9, "{}: {placed} placed of {}", u.code, u.population);
            prop_assert!(u.population - placed <= s.sliver_population + 1e-6 * u.population.max(1.0), "{} lost {}", u.code, u.population - placed);
        }
    }

    #[test]
    fn coverage_does_not_depend_on_vertex_or_feature_order(w in world()) {
        let (_, _, plain) = analysed(&w, Drawing::default());
        let (_, _, turned) = analysed(&w, Drawing { rotated: true, reordered: true, ..Drawing::default() });
        let scale = plain.total_population;
        prop_assert!(near(plain.coverage_rate, turned.coverage_rate, 1.0));
        prop_assert!(near(plain.white_zone_population, turned.white_zone_population, scale));
        prop_assert_eq!(plain.white_zone_count, turned.white_zone_count);
        prop_assert_eq!(plain.overlap_count, turned.overlap_count);
        for (a, b) in plain.cpts.iter().zip(&turned.cpts) {
            prop_assert!(near(a.population, b.population, scale));
        }
    }

    #[test]
    fn splitting_a_commune_in_two_halves_changes_no_figure(w in world(), pick in 0usize..25) {
        let split = pick % (w.cols * w.rows);
        let (_, _, whole) = analysed(&w, Drawing::default());
        let (_, _, halves) = analysed(&w, Drawing { split: Some(split), ..Drawing::default() });
        let scale = whole.total_population;
        prop_assert!(near(whole.total_population, halves.total_population, scale));
        prop_assert!(near(whole.covered_population, halves.covered_population, scale));
        prop_assert!(near(whole.white_zone_population, halves.white_zone_population, scale));
        prop_assert_eq!(whole.white_zone_count, halves.white_zone_count);
        for (a, b) in whole.cpts.iter().zip(&halves.cpts) {
            prop_assert!(near(a.population, b.population, scale), "{} {} vs {}", a.id, a.population, b.population);
        }
    }
}
