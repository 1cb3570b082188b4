//! `cpts plan`: the proposals that would close the white zones and end the overlaps.

use crate::common::{AnalysisArgs, ReportArgs, Verbosity};
use clap::Args;
use cpts_coverage::apply::apply;
use cpts_coverage::funding::check_missions;
use cpts_coverage::inputs::Perimeters;
use cpts_coverage::io::atomic::{check_out_dir, write_file};
use cpts_coverage::io::ght::read_ght;
use cpts_coverage::io::plan_out::{applied_bytes, PlanFiles};
use cpts_coverage::plan::{plan, PlanOptions};
use cpts_coverage::provenance::Provenance;
use cpts_coverage::{analyse, write_outputs, Error, Progress, Summary};
use std::path::PathBuf;
use std::sync::Arc;

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
    args.analysis.start_threads();
    let mut inputs_paths = args.analysis.input_paths(&args.perimeters);
    inputs_paths.extend(args.ght.as_deref());
    check_out_dir(&args.out, args.force, &inputs_paths)?;
    if let Some(path) = &args.apply {
        check_apply_path(path, &inputs_paths)?;
    }
    let tariff = args.analysis.tariff()?;
    let stages = args.verbosity.stages();
    stages.stage("reading the inputs");
    let load = args.analysis.load_options(args.perimeters.clone())?;
    let inputs = args.analysis.inputs(&load, args.verbosity.verbose)?;
    check_missions(&tariff, &inputs.cpts, &args.perimeters)?;
    if let Some(path) = &args.apply {
        check_apply_form(path, matches!(inputs.perimeters, Perimeters::Polygons(_)))?;
    }
    let mut output = args.report.options(&inputs)?;
    let analysis = analyse(&inputs, &args.analysis.options(), &stages)?;
    let summary = Summary::new(&inputs, &analysis, &tariff);
    stages.stage("drawing up the plan");
    let options = PlanOptions {
        new_cpts_min: args.new_cpts_min,
        min_border_m: args.min_border_m,
        ..PlanOptions::default()
    };
    let ght = match &args.ght {
        Some(path) => read_ght(path, args.ght_crs.as_deref(), &mut Provenance::default())?,
        None => Vec::new(),
    };
    let plan = plan(&inputs, &analysis, &tariff, &options, &ght)?;
    // The accepted perimeters are made before anything is written.
    let applied = match &args.apply {
        Some(path) => {
            let applied = apply(&plan, &inputs, &analysis)?;
            let bytes = applied_bytes(&applied, &inputs).map_err(|e| Error::Output {
                path: path.clone(),
                message: e.to_string(),
                fix: "check the disk has room".into(),
            })?;
            Some((path, bytes))
        }
        None => None,
    };
    let files = PlanFiles::new(&args.out, &plan, &inputs, &analysis, &ght, args.report.lang)?;
    output.plan = Some(Arc::new(files));
    stages.stage("writing the outputs");
    write_outputs(&args.out, &inputs, &analysis, &summary, &output)?;
    if let Some((path, bytes)) = applied {
        write_file(path, &bytes)?;
    }
    stages.finish();
    if !args.verbosity.quiet {
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
        println!(
            "{} overlaps ruled; {} CPTS under {} inhabitants",
            plan.rulings.len(),
            plan.small_cpts.len(),
            options.regional_min
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

/// `--apply` is written in the form of the perimeters: GeoJSON for a polygon layer, CSV
/// for a membership table.
fn check_apply_form(path: &std::path::Path, polygons: bool) -> cpts_coverage::Result<()> {
    let (wanted, form) = match polygons {
        true => ("geojson", "polygon layer"),
        false => ("csv", "membership table"),
    };
    match path.extension().and_then(|e| e.to_str()) == Some(wanted) {
        true => Ok(()),
        false => Err(Error::Usage {
            message: format!("--apply {}: the perimeters are a {form}", path.display()),
            fix: format!("name the file with the .{wanted} extension"),
        }),
    }
}

/// `--apply` must be a new file or an earlier result, never an input.
fn check_apply_path(
    path: &std::path::Path,
    inputs: &[&std::path::Path],
) -> cpts_coverage::Result<()> {
    let same = |a: &std::path::Path| match (a.canonicalize(), path.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match inputs.iter().any(|p| same(p)) {
        true => Err(Error::Usage {
            message: format!("--apply {} is one of the inputs", path.display()),
            fix: "write the accepted plan to a new file".into(),
        }),
        false => Ok(()),
    }
}
