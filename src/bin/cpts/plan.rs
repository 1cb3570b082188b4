//! `cpts plan`: the proposals that would close the white zones and end the overlaps.

use crate::common::{AnalysisArgs, JobArgs, ReportArgs, Verbosity};
use clap::Args;
use cpts_coverage::pipeline::{self, PlanJob};
use cpts_coverage::report::numbers::Lang;
use cpts_coverage::verbs::plan::small::SmallProposal;
use cpts_coverage::verbs::plan::PlanOptions;
use std::path::PathBuf;

/// Propose how to reach 100 % coverage without overlap.
#[derive(Args)]
pub struct PlanArgs {
    /// CPTS perimeters, as for `cpts analyze`.
    #[arg(long, value_name = "FILE")]
    perimeters: PathBuf,
    /// Output directory: the outputs of `analyze`, their reports with the plan, and
    /// plan.json, plan.csv, plan.md, proposals.geojson.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the outputs of an earlier plan in --out (never other files).
    #[arg(long)]
    force: bool,
    /// A white zone of at least this many inhabitants is proposed as a new CPTS.
    #[arg(long, value_name = "N", default_value_t = 20_000.0)]
    new_cpts_min: f64,
    /// A CPTS is adjacent to a white zone when they share at least this border (metres).
    #[arg(long, value_name = "M", default_value_t = 100.0)]
    min_border_m: f64,
    /// A CPTS under this population is proposed a merger (regional criterion, seed
    /// 003).
    #[arg(long, value_name = "N", default_value_t = 20_000.0)]
    regional_min: f64,
    /// Rank the CPTS of other départements with those of the white zone's (by default
    /// they come after them; for a merger, with those of the CPTS's).
    #[arg(long)]
    cross_departements: bool,
    /// Let a CPTS of another region take a white zone in, or merge (by default never:
    /// each ARS plans its own region, and a white zone across a region border is
    /// planned region by region).
    #[arg(long)]
    cross_regions: bool,
    /// GHT layer (polygons with a code_ght column): the CPTS spanning several GHT are
    /// listed.
    #[arg(long, value_name = "FILE")]
    ght: Option<PathBuf>,
    /// CRS of the GHT layer when it declares none.
    #[arg(long, value_name = "CRS", requires = "ght")]
    ght_crs: Option<String>,
    /// Also write the perimeters as they would be with every proposal accepted: a
    /// GeoJSON layer (polygon mode) or a membership table (.csv), to analyse again.
    #[arg(long, value_name = "FILE")]
    apply: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Runs `cpts plan`.
pub fn run(args: &PlanArgs) -> cpts_coverage::Result<()> {
    args.analysis.start_threads()?;
    let job = JobArgs {
        analysis: &args.analysis,
        report: &args.report,
        perimeters: &args.perimeters,
        out: &args.out,
        force: args.force,
    }
    .job()?;
    let options = PlanOptions {
        new_cpts_min: args.new_cpts_min,
        min_border_m: args.min_border_m,
        regional_min: args.regional_min,
        cross_departements: args.cross_departements,
        cross_regions: args.cross_regions,
        ..PlanOptions::default()
    };
    let plan_job = PlanJob {
        options,
        ght: args.ght.clone().map(|path| (path, args.ght_crs.clone())),
        apply: args.apply.clone(),
    };
    let stages = args.verbosity.stages();
    let (summary, plan) = pipeline::plan(&job, &plan_job, &stages)?;
    stages.finish();
    if !args.verbosity.quiet {
        let without = Lang::En.without_cpts(&summary.departements_without_cpts);
        if !without.is_empty() {
            eprintln!("warning: {without}");
        }
        let extensions = plan
            .zones
            .iter()
            .filter(|z| z.candidates.is_empty() && !z.extensions.is_empty())
            .count();
        let alone = plan
            .zones
            .iter()
            .filter(|z| z.candidates.is_empty() && z.extensions.is_empty())
            .count();
        let (zones, split) = plan.zone_count();
        if split > 0 {
            println!(
                "{zones} white zones, {split} across a region border planned region by region: {} parts",
                plan.zones.len()
            );
        }
        println!(
            "{} white zones: {} to extend a neighbouring CPTS, {} new CPTS proposed, {} with no neighbour (for the nearest CPTS)",
            plan.zones.len(),
            extensions,
            plan.candidates.len(),
            alone
        );
        if args.ght.is_some() {
            println!("{} CPTS spanning several GHT", plan.multi_ght.len());
        }
        let small = |proposal: fn(&SmallProposal) -> bool| {
            plan.small_cpts
                .iter()
                .filter(|s| proposal(&s.proposal))
                .count()
        };
        let outcomes = match plan.small_cpts.is_empty() {
            true => String::new(),
            false => format!(
                ": {} reach it with white zones, {} to merge with a neighbour, {} with no fitting proposal",
                small(|p| matches!(p, SmallProposal::Grown(_))),
                small(|p| matches!(p, SmallProposal::Merger(_))),
                small(|p| matches!(p, SmallProposal::Unsolved(_))),
            ),
        };
        println!(
            "{} overlaps ruled; {} CPTS under {} inhabitants{outcomes}",
            plan.rulings.len(),
            plan.small_cpts.len(),
            plan_job.options.regional_min,
        );
        println!(
            "maximum ACI funding: {} € now, {} € if every proposal were accepted",
            plan.funding_before, plan.funding_after
        );
        println!("outputs in {}", args.out.display());
        if let Some(path) = &args.apply {
            println!(
                "perimeters with every proposal accepted: {}",
                path.display()
            );
        }
    }
    Ok(())
}
