//! `cpts analyze`: overlay communes with CPTS perimeters and write every output.

use clap::Args;
use cpts_coverage::model::Status;
use cpts_coverage::{
    analyse, write_outputs, CommuneFields, Inputs, LoadOptions, Options, Progress, Summary, Tariff,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Overlay communes with CPTS perimeters and write coverage, white zones and overlaps.
#[derive(Args)]
pub struct AnalyzeArgs {
    /// Communes: GeoJSON polygons (WGS84) with code, nom, population, departement, region.
    #[arg(long, value_name = "FILE")]
    communes: PathBuf,
    /// CPTS perimeters: GeoJSON polygons (id, nom, statut) or a membership CSV
    /// (cpts_id;cpts_nom;statut;code_insee).
    #[arg(long, value_name = "FILE")]
    perimeters: PathBuf,
    /// Output directory (replaced if it holds the outputs of an earlier run).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Arrondissements municipaux of Paris, Lyon and Marseille (code, nom, population,
    /// commune): they replace their city as population units.
    #[arg(long, value_name = "FILE")]
    arrondissements: Option<PathBuf>,
    /// Statuses whose CPTS count as covering.
    #[arg(long, value_delimiter = ',', default_value = "signataire_aci,projet,pre_projet", value_parser = parse_status)]
    statuses: Vec<Status>,
    /// Uncovered parts and overlaps smaller than this (km²) are slivers, not white zones.
    #[arg(long, value_name = "KM2", default_value_t = 0.01, value_parser = parse_sliver)]
    sliver_km2: f64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// ACI tariff table replacing the shipped one (line;mission;t1;t2;t3;t4;in_maximum).
    #[arg(long, value_name = "FILE")]
    tariff: Option<PathBuf>,
    #[command(flatten)]
    fields: FieldArgs,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print each stage with its duration.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
}

/// Property names of the communes layer.
#[derive(Args)]
struct FieldArgs {
    /// INSEE code property (IGN: INSEE_COM).
    #[arg(long, default_value = "code")]
    code_field: String,
    /// Name property (IGN: NOM).
    #[arg(long, default_value = "nom")]
    nom_field: String,
    /// Population property (IGN: POPULATION).
    #[arg(long, default_value = "population")]
    population_field: String,
    /// Département code property (IGN: INSEE_DEP).
    #[arg(long, default_value = "departement")]
    departement_field: String,
    /// Region code property (IGN: INSEE_REG).
    #[arg(long, default_value = "region")]
    region_field: String,
}

fn parse_sliver(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "{raw:?} is not an area in km² (a finite number, zero or more)"
        )),
    }
}

fn parse_status(raw: &str) -> Result<Status, String> {
    Status::parse(raw)
        .ok_or_else(|| format!("unknown status {raw:?}: use signataire_aci, projet or pre_projet"))
}

/// Stage display: a spinner on a terminal, timed lines with `-v`, nothing with `-q`.
struct Stages {
    bar: ProgressBar,
    verbose: bool,
    start: Instant,
}

impl Progress for Stages {
    fn stage(&self, name: &str) {
        if self.verbose {
            eprintln!("[{:6.2}s] {name}", self.start.elapsed().as_secs_f64());
        }
        self.bar.set_message(name.to_string());
    }
}

/// Runs `cpts analyze`.
pub fn run(args: &AnalyzeArgs) -> cpts_coverage::Result<()> {
    if let Some(n) = args.threads {
        // Fails only if a pool already exists, which cannot happen before this point.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let tariff = match &args.tariff {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|source| cpts_coverage::Error::Read {
                    path: path.clone(),
                    source,
                })?;
            Tariff::parse(path, &text)?
        }
        None => Tariff::default_tariff(),
    };
    let show_bar = !args.quiet && !args.verbose && std::io::stderr().is_terminal();
    let stages = Stages {
        bar: if show_bar {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        },
        verbose: args.verbose,
        start: Instant::now(),
    };
    stages.bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
    );
    stages.bar.enable_steady_tick(Duration::from_millis(120));
    stages.stage("reading the inputs");
    let f = &args.fields;
    let inputs = Inputs::load(&LoadOptions {
        communes: args.communes.clone(),
        perimeters: args.perimeters.clone(),
        arrondissements: args.arrondissements.clone(),
        fields: CommuneFields {
            code: f.code_field.clone(),
            nom: f.nom_field.clone(),
            population: f.population_field.clone(),
            departement: f.departement_field.clone(),
            region: f.region_field.clone(),
        },
    })?;
    let options = Options {
        statuses: args.statuses.clone(),
        sliver_km2: args.sliver_km2,
    };
    let analysis = analyse(&inputs, &options, &stages)?;
    let summary = Summary::new(&inputs, &analysis, &tariff);
    stages.stage("writing the outputs");
    write_outputs(&args.out, &inputs, &analysis, &summary)?;
    stages.bar.finish_and_clear();
    if args.verbose {
        eprintln!("[{:6.2}s] done", stages.start.elapsed().as_secs_f64());
    }
    if !args.quiet {
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
