//! Writing the outputs of `analyze` all at once (see [`replace_dir`]): `summary.json`,
//! the reports, the CSV tables and their workbook, and the map layers, as GeoJSON files
//! each with its QGIS style beside it, or as one GeoPackage.

use crate::analysis::Analysis;
use crate::error::Result;
use crate::figures::summary::Summary;
use crate::load::inputs::Inputs;
use crate::report::check::CHECK_FILES;
use crate::report::html::{html_report, Focus};
use crate::report::markdown::markdown_report;
use crate::report::numbers::Lang;
use crate::report::plan::{PlanFiles, PLAN_FILES};
use crate::report::workbook::{write_workbook, WORKBOOK_FILE};
use crate::write::atomic::replace_dir;
use crate::write::geojson::write_features;
use crate::write::gpkg::{write_gpkg, GPKG_FILE};
use crate::write::layers::Layers;
use crate::write::qgis_project::{project, ProjectCrs, COMMUNES_APL, ORDER, PROJECT_FILE};
use crate::write::style::style;
use crate::write::tables::{Tables, TABLE_FILES};
use crate::write::LayerFormat;
use std::fs;
use std::path::Path;
use std::sync::Arc;

/// How to write the outputs.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    pub format: LayerFormat,
    /// The language of `report.html`.
    pub lang: Lang,
    /// Départements or regions `report.html` maps commune by commune.
    pub focus: Vec<Focus>,
    /// The plan (`cpts plan`): its files, and its sections of the reports.
    pub plan: Option<Arc<PlanFiles>>,
    /// The CRS the QGIS project shows the layers in.
    pub project_crs: ProjectCrs,
}

/// The title of the QGIS project.
const PROJECT_TITLE: &str = "Couverture CPTS";

/// The files written whatever the format, besides the tables.
const COMMON_FILES: [&str; 5] = [
    PROJECT_FILE,
    "summary.json",
    "report.md",
    "report.html",
    WORKBOOK_FILE,
];

/// The map layers as GeoJSON, with their styles.
const GEOJSON_FILES: [&str; 8] = [
    "communes.geojson",
    "communes.qml",
    "cpts.geojson",
    "cpts.qml",
    "white_zones.geojson",
    "white_zones.qml",
    "overlaps.geojson",
    "overlaps.qml",
];

/// The style written besides with an APL table (`--apl`) in GeoJSON: the communes by
/// APL class, which the QGIS project opens as a second communes layer.
pub const APL_FILES: [&str; 1] = ["communes_apl.qml"];

/// The files `analyze` writes in `format` (and [`APL_FILES`] with `--apl`).
pub fn output_files(format: LayerFormat) -> Vec<&'static str> {
    let layers: &[&str] = match format {
        LayerFormat::Geojson => &GEOJSON_FILES,
        LayerFormat::Gpkg => &[GPKG_FILE],
    };
    [&COMMON_FILES[..], &TABLE_FILES[..], layers].concat()
}

/// Writes every output of one analysis into `dir`, replacing a previous output
/// directory but never any other existing directory.
pub fn write_outputs(
    dir: &Path,
    inputs: &Inputs,
    analysis: &Analysis,
    summary: &Summary,
    options: &OutputOptions,
) -> Result<()> {
    let layers = Layers::new(inputs, analysis, summary)?;
    // Outputs of either format, and the reports `cpts check --report-dir` may have put
    // beside them, are replaced.
    let replaceable = [
        &COMMON_FILES[..],
        &TABLE_FILES[..],
        &GEOJSON_FILES[..],
        &APL_FILES[..],
        &[GPKG_FILE],
        &CHECK_FILES[..],
        &PLAN_FILES[..],
    ]
    .concat();
    replace_dir(dir, &replaceable, |staging| {
        write_all(staging, &layers, summary, options)
    })
}

fn write_all(
    dir: &Path,
    layers: &Layers,
    summary: &Summary,
    options: &OutputOptions,
) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(summary).map_err(std::io::Error::other)?;
    text.push('\n');
    fs::write(dir.join("summary.json"), text)?;
    let plan = options.plan.as_deref();
    let mut report = markdown_report(summary);
    if let Some(plan) = plan {
        report.push('\n');
        report.push_str(&plan.digest);
    }
    fs::write(dir.join("report.md"), report)?;
    // The report's maps are drawn while the layers are written.
    let (html, layers_written) = rayon::join(
        || html_report(summary, layers, options.lang, &options.focus, plan),
        || write_layers(dir, layers, options, plan.is_some(), has_apl(summary)),
    );
    layers_written?;
    fs::write(dir.join("report.html"), html)?;
    if let Some(plan) = plan {
        plan.write(dir)?;
    }
    let tables = Tables::new(summary, layers);
    tables.write(dir)?;
    write_workbook(
        dir,
        summary,
        &tables,
        plan.map(PlanFiles::table),
        options.lang,
    )
}

/// Whether the run read an APL table.
fn has_apl(summary: &Summary) -> bool {
    summary
        .access
        .as_ref()
        .is_some_and(|a| a.figures.apl.is_some())
}

/// The source of GeoJSON layer `name` for the QGIS project: its geometry type given, so
/// that a layer without features (no overlap) still opens as polygons, styled.
fn geojson_source(name: &str) -> String {
    format!("./{name}.geojson|geometrytype=MultiPolygon")
}

/// The map layers in `format`, with the QGIS project opening them, the plan's
/// proposals (`proposals.geojson`, which the plan writes) on top when `planned`.
fn write_layers(
    dir: &Path,
    layers: &Layers,
    options: &OutputOptions,
    planned: bool,
    apl: bool,
) -> std::io::Result<()> {
    let listed = |source: &dyn Fn(&str) -> String| -> Vec<(&str, String)> {
        let proposals = planned.then(|| ("proposals", geojson_source("proposals")));
        let mut list: Vec<(&str, String)> = proposals.into_iter().collect();
        for name in ORDER {
            if name == "communes" && apl {
                list.push((COMMUNES_APL, source("communes")));
            }
            list.push((name, source(name)));
        }
        list
    };
    let crs = options.project_crs;
    match options.format {
        LayerFormat::Geojson => {
            fs::write(
                dir.join(PROJECT_FILE),
                project(PROJECT_TITLE, &listed(&geojson_source), crs),
            )?;
            for layer in &layers.0 {
                write_features(
                    &dir.join(format!("{}.geojson", layer.name)),
                    &layer.features,
                )?;
                if let Some(qml) = style(layer.name).map(|s| s.qml()) {
                    fs::write(dir.join(format!("{}.qml", layer.name)), qml)?;
                }
            }
            if apl {
                if let Some(qml) = style(COMMUNES_APL).map(|s| s.qml()) {
                    fs::write(dir.join(APL_FILES[0]), qml)?;
                }
            }
        }
        LayerFormat::Gpkg => {
            let source = |name: &str| format!("./{GPKG_FILE}|layername={name}");
            fs::write(
                dir.join(PROJECT_FILE),
                project(PROJECT_TITLE, &listed(&source), crs),
            )?;
            write_gpkg(&dir.join(GPKG_FILE), layers)?;
        }
    }
    Ok(())
}
