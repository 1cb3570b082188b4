//! `cpts analyze`: overlay communes with CPTS perimeters and write every output.

use crate::common::{AnalysisArgs, JobArgs, ReportArgs, Verbosity};
use clap::Args;
use cpts_coverage::pipeline;
use cpts_coverage::report::numbers::Lang;
use cpts_coverage::Summary;
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
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Runs `cpts analyze`.
pub fn run(args: &AnalyzeArgs) -> cpts_coverage::Result<()> {
    args.analysis.start_threads()?;
    let job = JobArgs {
        analysis: &args.analysis,
        report: &args.report,
        perimeters: &args.perimeters,
        out: &args.out,
        force: args.force,
    }
    .job()?;
    let stages = args.verbosity.stages();
    let summary = pipeline::analyze(&job, &stages)?;
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
    let without = Lang::En.without_cpts(&s.departements_without_cpts);
    if !without.is_empty() {
        eprintln!("warning: {without}");
    }
    let counted: Vec<&str> = s.statuses_counted.iter().map(|s| s.as_str()).collect();
    println!(
        "{}: {} mode, {} units, {} CPTS: {:.2} % of {:.0} inhabitants covered ({})",
        s.territory,
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
