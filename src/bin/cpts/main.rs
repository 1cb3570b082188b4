//! `cpts`: the command line over the cpts-coverage library, one module per subcommand.

mod analyze;
mod check;
mod common;
mod diff;
mod harmonize;
mod plan;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Coverage of the population by CPTS: white zones, overlaps, size tiers, ACI funding.
#[derive(Parser)]
#[command(name = "cpts", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Overlay communes with CPTS perimeters and write coverage, white zones and overlaps.
    ///
    /// Example: cpts analyze --communes fixtures/communes-22.geojson
    ///   --perimeters fixtures/cpts-22.geojson --out out/
    Analyze(analyze::AnalyzeArgs),
    /// Compare a summary with a baseline under regression rules (for CI): exit 0 when
    /// every rule holds, 1 when one breaks, 2 on unusable input.
    ///
    /// Example: cpts check --baseline baseline/summary.json --current out/
    Check(check::CheckArgs),
    /// Compare two perimeter files on the same communes: communes newly covered or
    /// uncovered, CPTS created, removed, grown or shrunk, coverage by département.
    ///
    /// Example: cpts diff --communes communes.geojson --before old.geojson
    ///   --after new.geojson --out diff/
    Diff(diff::DiffArgs),
    /// Bring a communes layer of an older COG vintage to the current codes: communes
    /// merged since are merged (geometry and population) under the current code.
    ///
    /// Example: cpts harmonize --communes communes-2019.shp --out communes.geojson
    Harmonize(harmonize::HarmonizeArgs),
    /// Propose how to close the white zones (extend a neighbouring CPTS, or a new CPTS
    /// for the large ones) and end the overlaps, with populations, tiers and funding.
    ///
    /// Example: cpts plan --communes communes.geojson --perimeters cpts.geojson --out plan/
    Plan(plan::PlanArgs),
    /// Check the inputs before a long run and list every finding with its fix: exit 0
    /// clean, 1 warnings, 2 errors.
    ///
    /// Example: cpts validate --communes communes.geojson --perimeters cpts.xlsx
    Validate(validate::ValidateArgs),
}

fn main() -> ExitCode {
    // A closed pipe (`cpts validate … | head`) ends the process quietly, as it does other
    // command-line tools, instead of a panic on the next print.
    // SAFETY: restores the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let outcome = match Cli::parse().command {
        Command::Analyze(args) => analyze::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Harmonize(args) => harmonize::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Plan(args) => plan::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Validate(args) => validate::run(&args),
    };
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}
