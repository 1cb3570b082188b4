//! `cpts check`: regression rules between a baseline summary and a current one.

use crate::common::LangArg;
use clap::Args;
use cpts_coverage::report::check::{table, write_reports};
use cpts_coverage::verbs::check::{check, read_summary, Allowed, Rules};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compare a summary with a baseline under regression rules.
#[derive(Args)]
pub struct CheckArgs {
    /// The baseline: a summary.json, or the output directory holding it.
    #[arg(long, value_name = "PATH")]
    baseline: PathBuf,
    /// The summary to check: a summary.json, or the output directory holding it.
    #[arg(long, value_name = "PATH")]
    current: PathBuf,
    /// Rules as TOML: max_coverage_drop and max_departement_drop (points),
    /// population_tolerance (percent), allow_new_overlaps, expected_tier_changes (ids);
    /// the flags below override them.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Largest allowed drop of the national coverage rate, in points (0.5 = half a point).
    #[arg(long, value_name = "POINTS")]
    max_coverage_drop: Option<f64>,
    /// Largest allowed drop of a département's coverage rate, in points.
    #[arg(long, value_name = "POINTS")]
    max_departement_drop: Option<f64>,
    /// Accept overlaps that were not in the baseline.
    #[arg(long)]
    allow_new_overlaps: bool,
    /// Largest relative change of the population, in percent, nationally and by département.
    #[arg(long, value_name = "PERCENT")]
    population_tolerance: Option<f64>,
    /// A CPTS whose size tier may change (repeatable).
    #[arg(long, value_name = "ID")]
    expect_tier_change: Vec<String>,
    /// Compare a polygon run with a membership run (refused otherwise: their figures
    /// differ by method); the outputs say so at their top.
    #[arg(long)]
    allow_mode_change: bool,
    /// Compare runs over different territories (refused otherwise), judging the
    /// départements they share; the outputs say so at their top.
    #[arg(long)]
    allow_territory_change: bool,
    /// Language of check.md (the terminal and check.junit.xml are in English).
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    lang: LangArg,
    /// Where check.md and check.junit.xml are written.
    #[arg(long, value_name = "DIR", default_value = ".")]
    report_dir: PathBuf,
    /// Print only the verdict.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `cpts check`: exit 0 when every rule holds, 1 when one breaks.
pub fn run(args: &CheckArgs) -> cpts_coverage::Result<ExitCode> {
    let mut rules = match &args.rules {
        Some(path) => Rules::from_file(path)?,
        None => Rules::default(),
    };
    if let Some(points) = args.max_coverage_drop {
        rules.max_coverage_drop = points;
    }
    if let Some(points) = args.max_departement_drop {
        rules.max_departement_drop = points;
    }
    if let Some(percent) = args.population_tolerance {
        rules.population_tolerance = percent;
    }
    rules.allow_new_overlaps |= args.allow_new_overlaps;
    rules
        .expected_tier_changes
        .extend(args.expect_tier_change.iter().cloned());
    let source = args
        .rules
        .clone()
        .unwrap_or_else(|| PathBuf::from("the command line"));
    rules.check_values(&source)?;
    let baseline = read_summary(&args.baseline)?;
    let current = read_summary(&args.current)?;
    let allowed = Allowed {
        mode_change: args.allow_mode_change,
        territory_change: args.allow_territory_change,
    };
    let outcome = check(
        (&args.baseline, &baseline),
        (&args.current, &current),
        &rules,
        allowed,
    )?;
    let text = table(&outcome, &baseline, &current);
    if args.quiet {
        println!("{}", text.lines().next().unwrap_or_default());
    } else {
        print!("{text}");
    }
    write_reports(
        &args.report_dir,
        &outcome,
        &baseline,
        &current,
        args.lang.lang(),
    )?;
    Ok(if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
