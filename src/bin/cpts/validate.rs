//! `cpts validate`: read and analyse the inputs without writing any output, and report
//! every finding with its fix.

use crate::common::AnalysisArgs;
use clap::Args;
use cpts_coverage::figures::funding::check_missions;
use cpts_coverage::harmonize::code_passage::CodePassage;
use cpts_coverage::model::provenance::Provenance;
use cpts_coverage::read::access_tables::read_zoning;
use cpts_coverage::read::input::check_regular_files;
use cpts_coverage::verbs::tiling::tiling_flaws;
use cpts_coverage::verbs::validate::{
    access_findings, error_finding, exit_status, findings, problem_finding, tiling_findings,
    vintage_findings, AccessTable, Finding, Level,
};
use cpts_coverage::write::atomic::{check_out_file, write_file};
use cpts_coverage::{analyse, Summary};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check the inputs before a long run: exit 0 clean, 1 warnings, 2 errors.
#[derive(Args)]
pub struct ValidateArgs {
    /// CPTS perimeters, as for `cpts analyze`.
    #[arg(long, value_name = "FILE")]
    perimeters: PathBuf,
    /// Also write the findings as JSON (a new file, or --force).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Replace the --json file if it exists (never an input).
    #[arg(long, requires = "json")]
    force: bool,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

/// Runs `cpts validate`.
pub fn run(args: &ValidateArgs) -> cpts_coverage::Result<ExitCode> {
    args.analysis.start_threads()?;
    if let Some(path) = &args.json {
        let inputs = args.analysis.input_paths(&args.perimeters);
        check_out_file(path, args.force, &inputs, "--json")?;
    }
    let found = match inspect(args) {
        Ok(found) => found,
        Err(e) => vec![error_finding(&e)],
    };
    let status = exit_status(&found);
    print_table(&found);
    if let Some(path) = &args.json {
        let report = json!({"exit_status": status, "findings": found});
        let mut text = serde_json::to_vec_pretty(&report).unwrap_or_default();
        text.push(b'\n');
        write_file(path, &text)?;
    }
    Ok(ExitCode::from(status))
}

fn inspect(args: &ValidateArgs) -> cpts_coverage::Result<Vec<Finding>> {
    check_regular_files(&args.analysis.input_paths(&args.perimeters))?;
    let tariff = args.analysis.tariff()?;
    let mut options = args.analysis.load_options(args.perimeters.clone())?;
    options.perimeter.keep_going = true;
    let inputs = args.analysis.inputs(&options, false)?;
    check_missions(&tariff, &inputs.cpts, &args.perimeters)?;
    let analysis = analyse(&inputs, &args.analysis.options(), &())?;
    let summary = Summary::new(&inputs, &analysis, &tariff);
    let mut found: Vec<Finding> = inputs
        .problems
        .iter()
        .map(|p| problem_finding(p.kind, &p.error()))
        .collect();
    let left_out: Vec<&str> = inputs
        .problems
        .iter()
        .flat_map(|p| p.cpts.iter().map(String::as_str))
        .collect();
    found.extend(findings(&inputs.units, &summary, &left_out));
    let flaws = tiling_flaws(&inputs.units, args.analysis.options().sliver_km2 * 1e6)?;
    found.extend(tiling_findings(&flaws));
    let passage = match &options.perimeter.code_passage {
        Some(path) => CodePassage::read(path, &mut Provenance::default())?,
        None => CodePassage::shipped(),
    };
    found.extend(vintage_findings(&inputs.units, &passage));
    if let Some(access) = &inputs.access {
        let apl = match &options.access.apl {
            Some(file) => Some(file.read(&mut Provenance::default())?),
            None => None,
        };
        let zoning = match &options.access.zoning {
            Some(path) => Some(read_zoning(path, &mut Provenance::default())?),
            None => None,
        };
        let mut tables = Vec::new();
        if let Some(apl) = &apl {
            tables.push(AccessTable {
                name: "APL",
                kind: "apl",
                codes: apl.rows.keys().collect(),
            });
        }
        if let Some(zoning) = &zoning {
            tables.push(AccessTable {
                name: "doctor zoning",
                kind: "zoning",
                codes: zoning.rows.keys().collect(),
            });
        }
        found.extend(access_findings(&inputs.units, access, &tables, &passage));
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.level));
    Ok(found)
}

fn print_table(found: &[Finding]) {
    let width = found.iter().map(|f| f.kind.len()).max().unwrap_or(4).max(4);
    if !found.is_empty() {
        println!("{:<7}  {:<width$}  finding", "level", "kind");
    }
    for f in found {
        println!("{:<7}  {:<width$}  {}", f.level.as_str(), f.kind, f.message);
        if !f.fix.is_empty() {
            println!("{:<7}  {:<width$}  fix: {}", "", "", f.fix);
        }
    }
    let count = |level| found.iter().filter(|f| f.level == level).count();
    println!(
        "{} errors, {} warnings, {} notes",
        count(Level::Error),
        count(Level::Warning),
        count(Level::Info)
    );
}
