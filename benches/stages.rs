//! Per-stage benchmarks, on the shipped Côtes-d'Armor fixtures (real communes) and, when
//! ../shared/data is present, on the national world1 data set: reading, projecting the
//! communes, placing (perimeters projected, grids, snapping), indexing the perimeters,
//! the overlay (or the matching of lists), the white-zone dissolve, the overlaps, the
//! aggregation into the summary and writing the outputs; and the whole analysis. With a
//! synthetic population grid in `target/bench-grid-<dataset>.csv` (`scripts/bench.sh`
//! makes them with `scripts/make_synthetic_grid.py`): the grid read and assigned to the
//! communes, the overlay weighing the people, and the whole analysis with the grid.

use cpts_coverage::analysis::{cover_units, place};
use cpts_coverage::load::inputs::project_units;
use cpts_coverage::load::spread::join_population_grid;
use cpts_coverage::overlay::polygon::PerimeterIndex;
use cpts_coverage::read::population_grid::PopulationGridFile;
use cpts_coverage::zones::overlaps::overlaps;
use cpts_coverage::zones::white_zones::white_zones;
use cpts_coverage::{analyse, write_outputs, Inputs, LoadOptions, Options, Summary, Tariff};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};

struct Dataset {
    name: &'static str,
    polygon: LoadOptions,
    membership: LoadOptions,
}

fn datasets() -> Vec<Dataset> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures");
    let options =
        |communes: PathBuf, perimeters: PathBuf, arrondissements: Option<PathBuf>| LoadOptions {
            communes,
            perimeters,
            arrondissements,
            ..Default::default()
        };
    let mut sets = vec![Dataset {
        name: "departement-22",
        polygon: options(
            fixtures.join("communes-22.geojson"),
            fixtures.join("cpts-22.geojson"),
            None,
        ),
        membership: options(
            fixtures.join("communes-22.geojson"),
            fixtures.join("cpts-22.csv"),
            None,
        ),
    }];
    let data = root.join("../shared/data");
    if data.join("france/communes.geojson").is_file() {
        let arrondissements = Some(data.join("france/arrondissements.geojson"));
        sets.push(Dataset {
            name: "france-world1",
            polygon: options(
                data.join("france/communes.geojson"),
                data.join("world1/cpts.geojson"),
                arrondissements.clone(),
            ),
            membership: options(
                data.join("france/communes.geojson"),
                data.join("world1/cpts_communes.csv"),
                arrondissements,
            ),
        });
    }
    sets
}

fn stages(c: &mut Criterion) {
    let tariff = Tariff::default_tariff();
    let options = Options::default();
    let sliver_m2 = options.sliver_km2 * 1e6;
    for set in datasets() {
        let mut group = c.benchmark_group(set.name);
        group.sample_size(10);
        group.bench_function("read", |b| b.iter(|| Inputs::load(&set.polygon).unwrap()));
        grid_stages(&mut group, &set, &options);
        for (mode, load) in [("polygon", &set.polygon), ("membership", &set.membership)] {
            let inputs = Inputs::load(load).unwrap();
            if mode == "polygon" {
                group.bench_function("project", |b| {
                    b.iter(|| project_units(&inputs.units).unwrap())
                });
            }
            group.bench_function(format!("place-{mode}"), |b| {
                b.iter(|| place(&inputs, &()).unwrap())
            });
            let placed = place(&inputs, &()).unwrap();
            if let Some(perimeters) = placed.perimeters() {
                group.bench_function("index", |b| {
                    b.iter(|| {
                        perimeters
                            .iter()
                            .map(|zone| PerimeterIndex::new(zone))
                            .collect::<Vec<_>>()
                    })
                });
            }
            group.bench_function(format!("cover-{mode}"), |b| {
                b.iter(|| cover_units(&inputs, &placed, &options, &()).unwrap())
            });
            let covers = cover_units(&inputs, &placed, &options, &()).unwrap();
            let min_area = if mode == "polygon" { sliver_m2 } else { 0.0 };
            group.bench_function(format!("white-zones-{mode}"), |b| {
                b.iter(|| white_zones(&inputs.units, &placed.grids, &covers, min_area, None))
            });
            group.bench_function(format!("overlaps-{mode}"), |b| {
                b.iter(|| overlaps(&inputs.units, &placed.grids, &covers, min_area, None))
            });
            group.bench_function(format!("analyse-{mode}"), |b| {
                b.iter(|| analyse(&inputs, &options, &()).unwrap())
            });
            let analysis = analyse(&inputs, &options, &()).unwrap();
            group.bench_function(format!("aggregate-{mode}"), |b| {
                b.iter(|| Summary::new(&inputs, &analysis, &tariff))
            });
            let summary = Summary::new(&inputs, &analysis, &tariff);
            let dir = tempfile::tempdir().unwrap();
            group.bench_function(format!("write-{mode}"), |b| {
                b.iter(|| {
                    write_outputs(
                        &dir.path().join("out"),
                        &inputs,
                        &analysis,
                        &summary,
                        &Default::default(),
                    )
                    .unwrap()
                })
            });
        }
        group.finish();
    }
}

/// The stages a population grid adds, when `scripts/bench.sh` made one for `set`.
fn grid_stages(
    group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    set: &Dataset,
    options: &Options,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = PopulationGridFile {
        path: root.join(format!("target/bench-grid-{}.csv", set.name)),
        field: None,
    };
    if !file.path.is_file() {
        eprintln!(
            "{}: no population grid ({}): scripts/bench.sh makes it",
            set.name,
            file.path.display()
        );
        return;
    }
    let mut inputs = Inputs::load(&set.polygon).unwrap();
    group.bench_function("grid-join", |b| {
        b.iter(|| {
            let mut provenance = Default::default();
            let grid = file.read(&mut provenance).unwrap();
            join_population_grid(
                &inputs.units,
                &inputs.projected,
                &file.path,
                &grid,
                &mut provenance,
            )
            .unwrap()
        })
    });
    let mut provenance = Default::default();
    let grid = file.read(&mut provenance).unwrap();
    let spread = join_population_grid(
        &inputs.units,
        &inputs.projected,
        &file.path,
        &grid,
        &mut provenance,
    )
    .unwrap();
    inputs.spread = Some(spread);
    let placed = place(&inputs, &()).unwrap();
    group.bench_function("cover-polygon-grid", |b| {
        b.iter(|| cover_units(&inputs, &placed, options, &()).unwrap())
    });
    group.bench_function("analyse-polygon-grid", |b| {
        b.iter(|| analyse(&inputs, options, &()).unwrap())
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
