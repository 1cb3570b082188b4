//! Arguments and displays shared by the subcommands that run an analysis.

use clap::{Args, ValueEnum};
use cpts_coverage::load::access::AccessOptions;
use cpts_coverage::load::cache::{default_dir, load_scoped, CacheUse};
use cpts_coverage::load::inputs::Territory;
use cpts_coverage::model::Status;
use cpts_coverage::pipeline::Job;
use cpts_coverage::read::access_tables::AplFile;
use cpts_coverage::read::cpts_attributes::{Exclusion, PerimeterOptions};
use cpts_coverage::read::population::PopulationTable;
use cpts_coverage::read::population_grid::PopulationGridFile;
use cpts_coverage::read::vocabulary::StatusVocabulary;
use cpts_coverage::report::numbers::Lang;
use cpts_coverage::write::LayerFormat;
use cpts_coverage::{CommuneFields, Inputs, LoadOptions, Options, Progress, Tariff};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How the outputs of an analysis are written.
#[derive(Args)]
pub struct ReportArgs {
    /// How the map layers are written: GeoJSON files each with its QGIS style, or one
    /// GeoPackage (cpts-coverage.gpkg) holding every layer and its style.
    #[arg(long, value_enum, default_value_t = FormatArg::Geojson)]
    format: FormatArg,
    /// Language of report.html.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    lang: LangArg,
    /// A département (`22`) or region (`region:53`) that report.html maps commune by
    /// commune (repeatable; `departement:53` when a code is both).
    #[arg(long, value_name = "CODE")]
    focus: Vec<String>,
}

/// `--format`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// One RFC 7946 GeoJSON file per layer, each with its QGIS style (`.qml`) beside it.
    Geojson,
    /// One GeoPackage holding every layer and its style.
    Gpkg,
}

/// `--lang`.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Fr,
    En,
}

impl LangArg {
    /// The language it names.
    pub fn lang(self) -> Lang {
        match self {
            LangArg::Fr => Lang::Fr,
            LangArg::En => Lang::En,
        }
    }
}

/// The run an analysis's arguments describe.
pub struct JobArgs<'a> {
    pub analysis: &'a AnalysisArgs,
    pub report: &'a ReportArgs,
    pub perimeters: &'a Path,
    pub out: &'a Path,
    pub force: bool,
}

impl JobArgs<'_> {
    /// The [`Job`] of these arguments (the tariff read, the perimeter options checked).
    pub fn job(&self) -> cpts_coverage::Result<Job> {
        let analysis = self.analysis;
        Ok(Job {
            load: analysis.load_options(self.perimeters.to_path_buf())?,
            cache_dir: analysis.cache_dir(),
            options: analysis.options(),
            tariff: analysis.tariff()?,
            other_inputs: analysis.other_inputs(),
            out: self.out.to_path_buf(),
            force: self.force,
            format: match self.report.format {
                FormatArg::Geojson => LayerFormat::Geojson,
                FormatArg::Gpkg => LayerFormat::Gpkg,
            },
            lang: self.report.lang.lang(),
            focus: self.report.focus.clone(),
        })
    }
}

/// The communes, and how to analyse them.
#[derive(Args)]
pub struct AnalysisArgs {
    /// Communes: polygons with code, nom, population, departement, region, as GeoJSON,
    /// Shapefile, FlatGeobuf or GeoPackage (FILE.gpkg:LAYER), any CRS declared.
    #[arg(long, value_name = "FILE")]
    pub communes: PathBuf,
    /// Arrondissements municipaux of Paris, Lyon and Marseille (code, nom, population,
    /// commune): they replace their city as population units.
    #[arg(long, value_name = "FILE")]
    pub arrondissements: Option<PathBuf>,
    /// Population table (INSEE CSV, `;`, UTF-8 or Windows-1252, or a spreadsheet) giving
    /// the communes' populations instead of the layer's property.
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Code column of the population table (default: CODGEO, DEPCOM, COM…, or CODDEP
    /// followed by CODCOM).
    #[arg(long, value_name = "COLUMN", requires = "population")]
    pub population_code_column: Option<String>,
    /// Population column of the population table (default: PMUN, P21_POP…, population).
    #[arg(long, value_name = "COLUMN", requires = "population")]
    pub population_column: Option<String>,
    /// Access to general practitioners: the DREES APL workbook as published (sheet
    /// `APL YYYY`, header and units rows found), a CartoSanté export (`Code;Libellé;
    /// <indicator>`) or any CSV or spreadsheet with a commune code and an APL column.
    /// Adds the APL mean and the population under the threshold at every level, and ranks
    /// the white zones by their under-served population.
    #[arg(long, value_name = "FILE")]
    pub apl: Option<PathBuf>,
    /// Sheet of the APL workbook (default: the latest `APL YYYY`).
    #[arg(long, value_name = "NAME", requires = "apl")]
    pub apl_sheet: Option<String>,
    /// A unit with an APL below this is under-served (sous-dense).
    #[arg(long, value_name = "APL", default_value_t = cpts_coverage::model::access::APL_THRESHOLD, value_parser = parse_threshold)]
    pub apl_threshold: f64,
    /// The ARS doctor zoning by commune: a CartoSanté export (`1_ZIP`, `2_ZAC`,
    /// `3_QPV_ZIP`, `4_QPV_ZAC`, `5_ZV`, `6_HZ`) or the DREES zoning tool's (`Code de la
    /// commune`, `Zonage`). Adds the population in ZIP and in ZAC at every level; a white
    /// zone mostly in ZIP ranks first.
    #[arg(long, value_name = "FILE")]
    pub doctor_zoning: Option<PathBuf>,
    /// A finer population layer than the communes: INSEE's 200 m grid as distributed
    /// (CSV with `,` or `;`, Parquet or GeoPackage; ids `idcar_200m`, `Idcar_200m` or
    /// `IdINSPIRE`, population `ind`, ages `ind_65_79`, `ind_80p`), or any polygon or
    /// point layer with a population column (IRIS, buildings). Where a perimeter cuts a commune, the commune's
    /// people are placed as the layer says (each commune keeping its population), and the
    /// figures gain the population aged 65 and over and 80 and over.
    #[arg(long, value_name = "FILE")]
    pub population_grid: Option<PathBuf>,
    /// Population column of `--population-grid` (default: `ind`, any capitalisation).
    #[arg(long, value_name = "COLUMN", requires = "population_grid")]
    pub population_grid_field: Option<String>,
    /// Statuses whose CPTS count as covering.
    #[arg(long, value_delimiter = ',', default_value = "signataire_aci,projet,pre_projet", value_parser = parse_status)]
    pub statuses: Vec<Status>,
    /// Uncovered parts and overlaps smaller than this (km²) are slivers, not white zones.
    #[arg(long, value_name = "KM2", default_value_t = 0.01, value_parser = parse_sliver)]
    pub sliver_km2: f64,
    /// Uncovered parts and overlaps into which no disc of this diameter (metres) fits
    /// are contour gaps and contour overlaps: debris between perimeters drawn on other
    /// contours than the communes. A gap counts as covered by the CPTS sharing the
    /// longest border with it; a contour overlap is no breach of exclusivity. 0: none.
    /// Polygon mode only.
    #[arg(long, value_name = "METRES", default_value_t = cpts_coverage::analysis::GAP_WIDTH_M, value_parser = parse_gap_width)]
    pub gap_width: f64,
    /// Worker threads, 1 to 256 (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// ACI tariff table replacing the shipped one (line;mission;t1;t2;t3;t4;in_maximum).
    #[arg(long, value_name = "FILE")]
    pub tariff: Option<PathBuf>,
    /// CRS of the communes (and arrondissements) layer when it declares none (a
    /// Shapefile without .prj, a GeoJSON in Lambert-93 without crs member): EPSG:2154,
    /// or any CRS PROJ reads.
    #[arg(long, value_name = "CRS")]
    pub communes_crs: Option<String>,
    /// CRS of the perimeter layer when it declares none.
    #[arg(long, value_name = "CRS")]
    pub perimeters_crs: Option<String>,
    /// A département or region in scope (`06`, `region:93`; repeat the flag for
    /// several): figures, white zones, tables, plan and report cover it alone, the
    /// perimeters reaching beyond it being partial. Default: every commune of the
    /// communes layer.
    #[arg(long, value_name = "CODE")]
    pub territory: Vec<String>,
    /// Read the communes from their files, neither using nor filling the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Where the communes read once are kept for the next runs (default:
    /// $XDG_CACHE_HOME/cpts-coverage/territories, or ~/.cache/cpts-coverage/territories).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub perimeter: PerimeterArgs,
}

/// How to read the perimeter file as a planner keeps it.
#[derive(Args)]
pub struct PerimeterArgs {
    /// Column of the CPTS id (default: id, cpts_id, code_cpts…; without one, the name
    /// is the id).
    #[arg(long, value_name = "COLUMN")]
    cpts_id_field: Option<String>,
    /// Column of the CPTS name (default: nom, cpts_nom, nom_cpts, name…).
    #[arg(long, value_name = "COLUMN")]
    cpts_name_field: Option<String>,
    /// Column of the status (default: statut, statut_aci, status…).
    #[arg(long, value_name = "COLUMN")]
    cpts_status_field: Option<String>,
    /// Table of status labels (`label;statut` lines) replacing the shipped one
    /// ("ACI signé", "lettre d'intention"…: data/status_labels.csv).
    #[arg(long, value_name = "FILE")]
    pub status_map: Option<PathBuf>,
    /// Status of the CPTS when the file has no status column or a blank status.
    #[arg(long, value_name = "STATUS", default_value = "signataire_aci", value_parser = parse_status)]
    default_status: Status,
    /// Drop the features (or rows) whose FIELD reads VALUE, such as a "HORS CPTS"
    /// feature drawing the white zone (repeatable).
    #[arg(long, value_name = "FIELD=VALUE")]
    exclude_where: Vec<Exclusion>,
    /// Sheet of a spreadsheet membership table (default: the first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Column of a membership table's commune codes (default: code_insee, insee,
    /// code_commune, CodeCommune, N° INSEE…).
    #[arg(long, value_name = "COLUMN")]
    member_code_field: Option<String>,
    /// Passage table (old INSEE code → current code) for membership tables written with
    /// the codes of an older vintage, replacing the shipped data/code_passage.csv:
    /// ancien_code;nouveau_code, or INSEE's CODGEO_INI;CODGEO_2024.
    #[arg(long, value_name = "FILE")]
    pub code_passage: Option<PathBuf>,
}

impl PerimeterArgs {
    /// The reading options these flags give.
    pub fn options(&self) -> cpts_coverage::Result<PerimeterOptions> {
        let vocabulary = match &self.status_map {
            Some(path) => StatusVocabulary::parse(path, &read_text(path)?)?,
            None => StatusVocabulary::shipped(),
        };
        Ok(PerimeterOptions {
            id_field: self.cpts_id_field.clone(),
            name_field: self.cpts_name_field.clone(),
            status_field: self.cpts_status_field.clone(),
            vocabulary,
            default_status: self.default_status,
            exclude: self.exclude_where.clone(),
            sheet: self.sheet.clone(),
            code_field: self.member_code_field.clone(),
            code_passage: self.code_passage.clone(),
            keep_going: false,
            crs: None,
        })
    }
}

/// A whole text file, or an error naming it.
fn read_text(path: &std::path::Path) -> cpts_coverage::Result<String> {
    std::fs::read_to_string(path).map_err(|source| cpts_coverage::Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl FieldArgs {
    /// The property names, as the library takes them.
    pub fn fields(&self) -> CommuneFields {
        CommuneFields {
            code: self.code_field.clone(),
            nom: self.nom_field.clone(),
            population: self.population_field.clone(),
            departement: self.departement_field.clone(),
            region: self.region_field.clone(),
            epci: self.epci_field.clone(),
        }
    }
}

/// Property names of the communes layer.
#[derive(Args)]
pub struct FieldArgs {
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
    /// EPCI (intercommunality) property, along whose lines the plan draws new CPTS
    /// [default: the first of epci, SIREN_EPCI, code_epci the layer has].
    #[arg(long)]
    epci_field: Option<String>,
}

impl AnalysisArgs {
    /// The cache directory: none with `--no-cache`, else `--cache-dir` or the default.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        match self.no_cache {
            true => None,
            false => self.cache_dir.clone().or_else(default_dir),
        }
    }

    /// The communes of `options`, through the cache unless `--no-cache`; what the cache
    /// did is told on stderr with `-v`.
    pub fn territory(
        &self,
        options: &LoadOptions,
        verbose: bool,
    ) -> cpts_coverage::Result<Territory> {
        let dir = self.cache_dir();
        let loaded = load_scoped(options, dir.as_deref())?;
        if verbose {
            say_cache("communes", &loaded.communes);
            if let Some(used) = &loaded.grid {
                say_cache("population grid", used);
            }
        }
        Ok(loaded.territory)
    }

    /// Every input of `options`, the communes through the cache.
    pub fn inputs(&self, options: &LoadOptions, verbose: bool) -> cpts_coverage::Result<Inputs> {
        Inputs::with_perimeters(
            self.territory(options, verbose)?,
            &options.perimeters,
            &options.perimeter,
        )
    }

    /// Sizes the worker pool; call before any parallel work. Fails when the system
    /// cannot start that many threads.
    pub fn start_threads(&self) -> cpts_coverage::Result<()> {
        let Some(n) = self.threads else {
            return Ok(());
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
            .map_err(|e| cpts_coverage::Error::Usage {
                message: format!("--threads {n}: the worker threads could not be started ({e})"),
                fix: "give fewer threads, or leave --threads out (one per core)".into(),
            })
    }

    /// Every input file, with `perimeters`: outputs must never land on them.
    pub fn input_paths<'a>(&'a self, perimeters: &'a Path) -> Vec<&'a Path> {
        [Some(self.communes.as_path()), Some(perimeters)]
            .into_iter()
            .chain([self.arrondissements.as_deref(), self.population.as_deref()])
            .flatten()
            .chain(self.other_inputs_paths())
            .collect()
    }

    /// The files read besides the layers and the population table.
    fn other_inputs_paths(&self) -> impl Iterator<Item = &Path> {
        [
            self.tariff.as_deref(),
            self.perimeter.status_map.as_deref(),
            self.perimeter.code_passage.as_deref(),
            self.apl.as_deref(),
            self.doctor_zoning.as_deref(),
            self.population_grid.as_deref(),
        ]
        .into_iter()
        .flatten()
    }

    fn other_inputs(&self) -> Vec<PathBuf> {
        self.other_inputs_paths().map(Path::to_path_buf).collect()
    }

    /// What to read, with `perimeters` as the perimeter file.
    pub fn load_options(&self, perimeters: PathBuf) -> cpts_coverage::Result<LoadOptions> {
        Ok(LoadOptions {
            communes: self.communes.clone(),
            perimeters,
            arrondissements: self.arrondissements.clone(),
            fields: self.fields.fields(),
            perimeter: PerimeterOptions {
                crs: self.perimeters_crs.clone(),
                ..self.perimeter.options()?
            },
            crs: self.communes_crs.clone(),
            territory: self.territory.clone(),
            population: self.population.as_ref().map(|path| PopulationTable {
                path: path.clone(),
                code_column: self.population_code_column.clone(),
                value_column: self.population_column.clone(),
            }),
            access: AccessOptions {
                apl: self.apl.as_ref().map(|path| AplFile {
                    path: path.clone(),
                    sheet: self.apl_sheet.clone(),
                }),
                zoning: self.doctor_zoning.clone(),
                threshold: self.apl_threshold,
            },
            population_grid: self
                .population_grid
                .as_ref()
                .map(|path| PopulationGridFile {
                    path: path.clone(),
                    field: self.population_grid_field.clone(),
                }),
        })
    }

    pub fn options(&self) -> Options {
        Options {
            statuses: self.statuses.clone(),
            sliver_km2: self.sliver_km2,
            gap_width_m: self.gap_width,
        }
    }

    /// The tariff given with `--tariff`, or the shipped one.
    pub fn tariff(&self) -> cpts_coverage::Result<Tariff> {
        match &self.tariff {
            Some(path) => Tariff::parse(path, &read_text(path)?),
            None => Ok(Tariff::default_tariff()),
        }
    }
}

fn parse_sliver(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "{raw:?} is not an area in km² (a finite number, zero or more)"
        )),
    }
}

fn parse_threshold(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "{raw:?} is not a positive APL (2.5 is the usual limit of under-served areas)"
        )),
    }
}

fn parse_gap_width(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if (0.0..=10_000.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{raw:?} is not a width in metres (0 to 10000; 0 sets no contour gap apart)"
        )),
    }
}

fn parse_status(raw: &str) -> Result<Status, String> {
    Status::parse(raw)
        .ok_or_else(|| format!("unknown status {raw:?}: use signataire_aci, projet or pre_projet"))
}

/// How much to print.
#[derive(Args)]
pub struct Verbosity {
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print each stage with its duration.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
}

impl Verbosity {
    /// The stage display these options ask for.
    pub fn stages(&self) -> Stages {
        Stages::new(self.quiet, self.verbose)
    }
}

/// Stage display: a spinner on a terminal, timed lines with `-v`, nothing with `-q`.
pub struct Stages {
    bar: ProgressBar,
    verbose: bool,
    start: Instant,
}

impl Stages {
    fn new(quiet: bool, verbose: bool) -> Stages {
        let bar = if !quiet && !verbose && std::io::stderr().is_terminal() {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Stages {
            bar,
            verbose,
            start: Instant::now(),
        }
    }

    /// Clears the spinner; with `-v`, prints the total time.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        if self.verbose {
            eprintln!("[{:6.2}s] done", self.start.elapsed().as_secs_f64());
        }
    }
}

impl Progress for Stages {
    fn stage(&self, name: &str) {
        if self.verbose {
            eprintln!("[{:6.2}s] {name}", self.start.elapsed().as_secs_f64());
        }
        self.bar.set_message(name.to_string());
    }

    fn cache(&self, what: &str, used: &CacheUse) {
        if self.verbose {
            say_cache(what, used);
        }
    }
}

/// Tells on stderr what the cache did with `what` (the communes, the population grid).
fn say_cache(what: &str, used: &CacheUse) {
    let said = match used {
        CacheUse::Off => return,
        CacheUse::Hit(path) => format!("{what} read from the cache {}", path.display()),
        CacheUse::Stored { path, why: None } => {
            format!("{what} stored in the cache {}", path.display())
        }
        CacheUse::Stored {
            path,
            why: Some(why),
        } => format!(
            "the cache entry {} was unusable ({why}): rebuilt",
            path.display()
        ),
        CacheUse::Unwritable { path, why } => format!(
            "the cache entry {} could not be written ({why}); the run goes on without it",
            path.display()
        ),
    };
    eprintln!("{said}");
}
