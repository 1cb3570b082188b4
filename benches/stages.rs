//! Per-stage benchmarks: loading, analysis in both modes, and writing the outputs, on
//! the shipped Côtes-d'Armor fixtures and, when ../shared/data is present, on the
//! national world1 data set.

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
    for set in datasets() {
        let mut group = c.benchmark_group(set.name);
        group.sample_size(10);
        group.bench_function("load", |b| b.iter(|| Inputs::load(&set.polygon).unwrap()));
        for (mode, options) in [("polygon", &set.polygon), ("membership", &set.membership)] {
            let inputs = Inputs::load(options).unwrap();
            group.bench_function(format!("analyse-{mode}"), |b| {
                b.iter(|| analyse(&inputs, &Options::default(), &()).unwrap())
            });
            let analysis = analyse(&inputs, &Options::default(), &()).unwrap();
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

criterion_group!(benches, stages);
criterion_main!(benches);
