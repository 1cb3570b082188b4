//! The commands' pipeline: read → analyse → write, one function per command that
//! writes an output directory ([`analyze`], [`plan`]). A command line or a test fills a
//! [`Job`] and calls one; the projected communes live and go inside it.

pub mod outputs;

use crate::analysis::{analyse, Options, Progress};
use crate::error::{Error, Result};
use crate::figures::funding::{check_missions, Tariff};
use crate::figures::summary::Summary;
use crate::geometry::projection::Zone;
use crate::load::cache::load_scoped;
use crate::load::inputs::{Inputs, LoadOptions, Perimeters};
use crate::model::provenance::Provenance;
use crate::read::ght::read_ght;
use crate::read::input::check_regular_files;
use crate::report::html::Focus;
use crate::report::numbers::Lang;
use crate::report::plan::{applied_bytes, PlanFiles, PLAN_FILES};
use crate::verbs::plan::apply::apply;
use crate::verbs::plan::{plan as draw_up, Plan, PlanOptions};
use crate::write::atomic::{check_out_dir, same_as_input, write_file};
use crate::write::qgis_project::ProjectCrs;
use crate::write::LayerFormat;
use outputs::{write_outputs, OutputOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One run: what to read, how to analyse it, where and how to write.
#[derive(Debug, Clone, Default)]
pub struct Job {
    pub load: LoadOptions,
    /// The cache of the communes (`None`: read them, keep nothing).
    pub cache_dir: Option<PathBuf>,
    pub options: Options,
    pub tariff: Tariff,
    /// Files read besides the layers of `load` (tariff, status map, passage table):
    /// outputs never land on them.
    pub other_inputs: Vec<PathBuf>,
    pub out: PathBuf,
    /// Replace the outputs of an earlier run in `out`.
    pub force: bool,
    pub format: LayerFormat,
    /// The language of `report.html`.
    pub lang: Lang,
    /// Départements or regions `report.html` maps commune by commune, as given (`22`,
    /// `region:53`), checked against the communes before the analysis.
    pub focus: Vec<String>,
}

/// What `cpts plan` adds to a [`Job`].
#[derive(Debug, Clone, Default)]
pub struct PlanJob {
    pub options: PlanOptions,
    /// The GHT layer, with its CRS when it declares none.
    pub ght: Option<(PathBuf, Option<String>)>,
    /// Where to write the perimeters with every proposal accepted.
    pub apply: Option<PathBuf>,
}

/// `cpts analyze`: reads the inputs, analyses them and writes every output into
/// `job.out` at once; the summary is returned for the headline.
pub fn analyze(job: &Job, progress: &dyn Progress) -> Result<Summary> {
    let paths = job.input_paths();
    check_regular_files(&paths)?;
    check_out_dir(&job.out, job.force, &paths)?;
    check_no_plan(&job.out)?;
    job.check_cache_dir()?;
    let mut inputs = read_inputs(job, progress)?;
    let output = job.output_options(&inputs)?;
    let analysis = analyse(&inputs, &job.options, progress)?;
    // The outputs are drawn from the units' WGS84 geometry: the projected copy goes.
    inputs.projected = Vec::new();
    let summary = Summary::new(&inputs, &analysis, &job.tariff);
    progress.stage("writing the outputs");
    write_outputs(&job.out, &inputs, &analysis, &summary, &output)?;
    Ok(summary)
}

/// Refuses to let `cpts analyze` replace the outputs of a plan, which it would delete
/// with the rest: the plan's files are the planner's work of another command.
fn check_no_plan(dir: &Path) -> Result<()> {
    match PLAN_FILES.iter().find(|name| dir.join(name).exists()) {
        Some(name) => Err(Error::Output {
            path: dir.to_path_buf(),
            message: format!(
                "the directory holds {name} of a `cpts plan`, which `cpts analyze` would delete"
            ),
            fix: "run `cpts plan` to replace a plan's outputs, or give `cpts analyze` another --out directory".into(),
        }),
        None => Ok(()),
    }
}

/// `cpts plan`: the analysis of `job`, the plan drawn up from it, and every output of
/// both written at once (the accepted perimeters of `--apply` after them).
pub fn plan(job: &Job, plan_job: &PlanJob, progress: &dyn Progress) -> Result<(Summary, Plan)> {
    let mut paths = job.input_paths();
    paths.extend(plan_job.ght.as_ref().map(|(path, _)| path.as_path()));
    check_regular_files(&paths)?;
    check_out_dir(&job.out, job.force, &paths)?;
    job.check_cache_dir()?;
    if let Some(path) = &plan_job.apply {
        check_apply_path(path, &paths)?;
    }
    let inputs = read_inputs(job, progress)?;
    if let Some(path) = &plan_job.apply {
        check_apply_form(path, matches!(inputs.perimeters, Perimeters::Polygons(_)))?;
    }
    let mut output = job.output_options(&inputs)?;
    let analysis = analyse(&inputs, &job.options, progress)?;
    let summary = Summary::new(&inputs, &analysis, &job.tariff);
    progress.stage("drawing up the plan");
    let ght = match &plan_job.ght {
        Some((path, crs)) => read_ght(path, crs.as_deref(), &mut Provenance::default())?,
        None => Vec::new(),
    };
    let plan = draw_up(&inputs, &analysis, &job.tariff, &plan_job.options, &ght)?;
    // The accepted perimeters are made before anything is written.
    let applied = match &plan_job.apply {
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
    let files = PlanFiles::new(&job.out, &plan, &inputs, &analysis, &ght, job.lang)?;
    output.plan = Some(Arc::new(files));
    progress.stage("writing the outputs");
    write_outputs(&job.out, &inputs, &analysis, &summary, &output)?;
    if let Some((path, bytes)) = applied {
        write_file(path, &bytes)?;
    }
    Ok((summary, plan))
}

/// The communes (through the cache of `job.cache_dir`, what it did told to `progress`)
/// and the perimeters of `job`, the missions of the perimeter file checked against the
/// tariff.
pub fn read_inputs(job: &Job, progress: &dyn Progress) -> Result<Inputs> {
    progress.stage("reading the inputs");
    let load = &job.load;
    let loaded = load_scoped(load, job.cache_dir.as_deref())?;
    progress.cache("communes", &loaded.communes);
    if let Some(used) = &loaded.grid {
        progress.cache("population grid", used);
    }
    let inputs = Inputs::with_perimeters(loaded.territory, &load.perimeters, &load.perimeter)?;
    check_missions(&job.tariff, &inputs.cpts, &load.perimeters)?;
    Ok(inputs)
}

impl Job {
    /// Every file the job reads: outputs must never land on them.
    pub fn input_paths(&self) -> Vec<&Path> {
        let load = &self.load;
        [Some(&load.communes), Some(&load.perimeters)]
            .into_iter()
            .chain([load.arrondissements.as_ref()])
            .chain([load.population.as_ref().map(|p| &p.path)])
            .flatten()
            .map(PathBuf::as_path)
            .chain(self.other_inputs.iter().map(PathBuf::as_path))
            .collect()
    }

    /// The cache may not lie in the output directory, which each run replaces whole.
    fn check_cache_dir(&self) -> Result<()> {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        match &self.cache_dir {
            Some(cache) if absolute(cache).starts_with(absolute(&self.out)) => Err(Error::Usage {
                message: format!(
                    "--cache-dir {} lies in --out {}: each run replaces the output directory whole",
                    cache.display(),
                    self.out.display()
                ),
                fix: "keep the cache outside the output directory (or give --no-cache)".into(),
            }),
            _ => Ok(()),
        }
    }

    /// The output options, the focus read against the codes of `inputs`.
    fn output_options(&self, inputs: &Inputs) -> Result<OutputOptions> {
        let departements: BTreeSet<String> =
            inputs.units.iter().map(|u| u.departement.clone()).collect();
        let regions: BTreeSet<String> = inputs.units.iter().map(|u| u.region.clone()).collect();
        let focus = self
            .focus
            .iter()
            .map(|raw| Focus::resolve(raw, &departements, &regions))
            .collect::<Result<Vec<_>>>()?;
        Ok(OutputOptions {
            format: self.format,
            lang: self.lang,
            focus,
            plan: None,
            project_crs: match inputs.units.iter().all(|u| u.zone == Zone::Metropole) {
                true => ProjectCrs::Lambert93,
                false => ProjectCrs::Wgs84,
            },
        })
    }
}

/// `--apply` is written in the form of the perimeters: GeoJSON for a polygon layer, CSV
/// for a membership table.
fn check_apply_form(path: &Path, polygons: bool) -> Result<()> {
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
fn check_apply_path(path: &Path, inputs: &[&Path]) -> Result<()> {
    match same_as_input(path, inputs) {
        Some(_) => Err(Error::Usage {
            message: format!("--apply {} is one of the inputs", path.display()),
            fix: "write the accepted plan to a new file".into(),
        }),
        None => Ok(()),
    }
}
