//! `cpts diff`: how coverage moved between two perimeter files on the same communes.

use crate::common::{AnalysisArgs, LangArg, Verbosity};
use clap::Args;
use cpts_coverage::figures::funding::check_missions;
use cpts_coverage::load::inputs::Territory;
use cpts_coverage::read::input::check_regular_files;
use cpts_coverage::report::diff::{markdown, write_diff};
use cpts_coverage::verbs::comparable;
use cpts_coverage::verbs::diff::{diff, Side};
use cpts_coverage::write::atomic::check_out_dir;
use cpts_coverage::{analyse, Inputs, Progress, Summary};
use std::path::PathBuf;

/// Compare two perimeter files on the same communes.
#[derive(Args)]
pub struct DiffArgs {
    /// The perimeters before the change (polygon layer or membership table).
    #[arg(long, value_name = "FILE")]
    before: PathBuf,
    /// The perimeters after the change.
    #[arg(long, value_name = "FILE")]
    after: PathBuf,
    /// Output directory: diff.json, diff_communes.csv, diff_cpts.csv, diff_overlaps.csv,
    /// diff_departements.csv, diff.geojson (the changed communes), diff.md.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the outputs of an earlier diff in --out (never other files).
    #[arg(long)]
    force: bool,
    /// Compare a polygon layer with a membership table (refused otherwise: their
    /// figures differ by method); diff.md says so at its top.
    #[arg(long)]
    allow_mode_change: bool,
    /// Language of diff.md, which the terminal shows too.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    lang: LangArg,
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Runs `cpts diff`.
pub fn run(args: &DiffArgs) -> cpts_coverage::Result<()> {
    args.analysis.start_threads()?;
    let mut inputs = args.analysis.input_paths(&args.before);
    inputs.push(&args.after);
    check_regular_files(&inputs)?;
    check_out_dir(&args.out, args.force, &inputs)?;
    let tariff = args.analysis.tariff()?;
    let options = args.analysis.options();
    let stages = args.verbosity.stages();
    stages.stage("reading the communes");
    let load = args.analysis.load_options(args.before.clone())?;
    let territory = args.analysis.territory(&load, args.verbosity.verbose)?;
    let read = |path: &PathBuf, territory: Territory| -> cpts_coverage::Result<_> {
        let inputs = Inputs::with_perimeters(territory, path, &load.perimeter)?;
        check_missions(&tariff, &inputs.cpts, path)?;
        Ok(inputs)
    };
    let before = read(&args.before, territory.clone())?;
    let after = read(&args.after, territory)?;
    comparable::modes(
        (&args.before, before.perimeters.mode()),
        (&args.after, after.perimeters.mode()),
        args.allow_mode_change,
    )?;
    let side = |inputs: Inputs| -> cpts_coverage::Result<_> {
        let analysis = analyse(&inputs, &options, &stages)?;
        let summary = Summary::new(&inputs, &analysis, &tariff);
        Ok((inputs, analysis, summary))
    };
    let before = side(before)?;
    let after = side(after)?;
    let result = diff(
        &Side {
            inputs: &before.0,
            analysis: &before.1,
            summary: &before.2,
        },
        &Side {
            inputs: &after.0,
            analysis: &after.1,
            summary: &after.2,
        },
    );
    stages.stage("writing the outputs");
    write_diff(&args.out, &result, &after.0, args.lang.lang())?;
    stages.finish();
    let shared = before
        .0
        .cpts
        .iter()
        .any(|b| after.0.cpts.iter().any(|a| a.id == b.id));
    if !shared && !before.0.cpts.is_empty() && !after.0.cpts.is_empty() {
        eprintln!(
            "warning: {} and {} share no CPTS id, so every CPTS reads as removed and created: \
             are they two versions of one perimeter file?",
            args.before.display(),
            args.after.display()
        );
    }
    if !args.verbosity.quiet {
        print!("{}", markdown(&result, args.lang.lang()));
        println!("\noutputs in {}", args.out.display());
    }
    Ok(())
}
