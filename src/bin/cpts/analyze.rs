//! `cpts analyze`: overlay communes with CPTS perimeters and write every output.

use crate::common::{AnalysisArgs, Verbosity};
use clap::Args;
use cpts_coverage::io::atomic::check_out_dir;
use cpts_coverage::io::numbers::Lang;
use cpts_coverage::io::output::{LayerFormat, OutputOptions};
use cpts_coverage::io::report_html::Focus;
use cpts_coverage::{analyse, write_outputs, Inputs, Progress, Summary};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Overlay communes with CPTS perimeters and write coverage, white zones and overlaps.
#[derive(Args)]
pub struct AnalyzeArgs {
    /// CPTS perimeters: GeoJSON polygons (id, nom, statut) or a membership CSV
    /// (cpts_id;cpts_nom;statut;code_insee).
    #[arg(long, value_name = "FILE")]
    perimeters: PathBuf,
    /// Output directory, new or empty (see --force).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the outputs of an earlier run in --out (never other files).
    #[arg(long)]
    force: bool,
    /// How the map layers are written: GeoJSON files each with its QGIS style, or one
    /// GeoPackage (cpts-coverage.gpkg) holding every layer and its style.
    #[arg(long, value_enum, default_value_t = LayerFormat::Geojson)]
    format: LayerFormat,
    /// Language of report.html.
    #[arg(long, value_enum, default_value_t = Lang::Fr)]
    lang: Lang,
    /// A département (`22`) or region (`region:53`) that report.html maps commune by
    /// commune (repeatable; `departement:53` when a code is both).
    #[arg(long, value_name = "CODE")]
    focus: Vec<String>,
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Runs `cpts analyze`.
pub fn run(args: &AnalyzeArgs) -> cpts_coverage::Result<()> {
    args.analysis.start_threads();
    check_out_dir(
        &args.out,
        args.force,
        &args.analysis.input_paths(&args.perimeters),
    )?;
    let tariff = args.analysis.tariff()?;
    let stages = args.verbosity.stages();
    stages.stage("reading the inputs");
    let inputs = Inputs::load(&args.analysis.load_options(args.perimeters.clone())?)?;
    let departements: BTreeSet<String> =
        inputs.units.iter().map(|u| u.departement.clone()).collect();
    let regions: BTreeSet<String> = inputs.units.iter().map(|u| u.region.clone()).collect();
    let focus = args
        .focus
        .iter()
        .map(|raw| Focus::resolve(raw, &departements, &regions))
        .collect::<cpts_coverage::Result<Vec<_>>>()?;
    let analysis = analyse(&inputs, &args.analysis.options(), &stages)?;
    let summary = Summary::new(&inputs, &analysis, &tariff);
    stages.stage("writing the outputs");
    write_outputs(
        &args.out,
        &inputs,
        &analysis,
        &summary,
        &OutputOptions {
            format: args.format,
            lang: args.lang,
            focus,
        },
    )?;
    stages.finish();
    if !args.verbosity.quiet {
        report(&summary, args);
    }
    Ok(())
}

fn report(s: &Summary, args: &AnalyzeArgs) {
    if s.repairs.repaired_geometries > 0 {
        eprintln!(
            "repaired {} invalid geometries (self-intersections)",
            s.repairs.repaired_geometries
        );
    }
    if s.repairs.codes > 0 {
        eprintln!(
            "restored the leading zero of {} INSEE codes stored as numbers",
            s.repairs.codes
        );
    }
    for a in &s.assumptions {
        eprintln!("assumed: {}", a.text);
    }
    let counted: Vec<&str> = s.statuses_counted.iter().map(|s| s.as_str()).collect();
    println!(
        "{} mode, {} units, {} CPTS: {:.2} % of {:.0} inhabitants covered ({})",
        s.mode,
        s.unit_count,
        s.cpts.len(),
        100.0 * s.coverage_rate,
        s.total_population,
        counted.join(" + ")
    );
    println!(
        "white zones: {} ({:.0} inhabitants, {:.1} km²); slivers set apart: {}",
        s.white_zone_count, s.white_zone_population, s.white_zone_area_km2, s.sliver_count
    );
    println!(
        "overlaps: {} ({:.0} inhabitants)",
        s.overlap_count, s.overlap_population
    );
    println!("outputs in {}", args.out.display());
}
