//! Same inputs, byte-identical outputs, with one thread and with several.

mod common;

use common::*;
use cpts_coverage::pipeline::outputs::{output_files, OutputOptions};
use cpts_coverage::write::LayerFormat;
use cpts_coverage::{analyse, write_outputs, Inputs, LoadOptions, Options, Summary, Tariff};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every output file of a run on `threads` threads, by name.
fn outputs(
    options: &LoadOptions,
    threads: usize,
    format: LayerFormat,
) -> BTreeMap<String, Vec<u8>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pool.install(|| {
        let inputs = Inputs::load(options).unwrap();
        let analysis = analyse(&inputs, &Options::default(), &()).unwrap();
        let summary = Summary::new(&inputs, &analysis, &Tariff::default_tariff());
        write_outputs(
            &out,
            &inputs,
            &analysis,
            &summary,
            &OutputOptions {
                format,
                ..Default::default()
            },
        )
        .unwrap();
    });
    file_bytes(&out)
}

fn same_bytes(communes: PathBuf, perimeters: PathBuf, arrondissements: Option<PathBuf>) {
    let options = LoadOptions {
        communes,
        perimeters,
        arrondissements,
        ..Default::default()
    };
    for format in [LayerFormat::Geojson, LayerFormat::Gpkg] {
        let one = outputs(&options, 1, format);
        let many = outputs(&options, 4, format);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            many.keys().collect::<Vec<_>>()
        );
        let mut expected = output_files(format);
        expected.sort_unstable();
        assert_eq!(one.keys().collect::<Vec<_>>(), expected);
        for (name, bytes) in &one {
            assert!(
                bytes == &many[name],
                "{name} differs between 1 and 4 threads"
            );
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn fixture_outputs_do_not_depend_on_the_thread_count() {
    same_bytes(
        fixture("communes-22.geojson"),
        fixture("cpts-22.geojson"),
        None,
    );
    same_bytes(fixture("communes-22.geojson"), fixture("cpts-22.csv"), None);
}

#[test]
fn national_outputs_do_not_depend_on_the_thread_count() {
    let Some(data) = shared_data() else { return };
    same_bytes(
        data.join("france/communes.geojson"),
        data.join("world1/cpts.geojson"),
        Some(data.join("france/arrondissements.geojson")),
    );
}
