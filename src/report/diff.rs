//! The outputs of `cpts diff`: `diff.json`, three CSV tables, `diff.geojson` (the
//! changed communes) and `diff.md`, written all at once.

use crate::error::Result;
use crate::load::inputs::Inputs;
use crate::report::section::cell;
use crate::verbs::diff::Diff;
use crate::write::atomic::replace_dir;
use crate::write::geojson::{feature, write_layer};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The files `diff` writes.
pub const DIFF_FILES: [&str; 6] = [
    "diff.json",
    "diff_communes.csv",
    "diff_cpts.csv",
    "diff_departements.csv",
    "diff.geojson",
    "diff.md",
];

/// Columns of `diff_communes.csv`: the fields of [`crate::verbs::diff::CommuneRow`].
pub const COMMUNE_COLUMNS: [&str; 9] = [
    "code",
    "nom",
    "departement",
    "change",
    "covered_share_before",
    "covered_share_after",
    "population",
    "cpts_before",
    "cpts_after",
];

/// Columns of `diff_cpts.csv`: the fields of [`crate::verbs::diff::CptsDiffRow`].
pub const CPTS_COLUMNS: [&str; 11] = [
    "id",
    "nom",
    "change",
    "statut_before",
    "statut_after",
    "population_before",
    "population_after",
    "tier_before",
    "tier_after",
    "funding_max_eur_before",
    "funding_max_eur_after",
];

/// Columns of `diff_departements.csv`: the fields of [`crate::verbs::diff::DepartementDiffRow`].
pub const DEPARTEMENT_COLUMNS: [&str; 5] = [
    "departement",
    "coverage_rate_before",
    "coverage_rate_after",
    "covered_population_before",
    "covered_population_after",
];

/// Writes every output of `diff` into `dir` (see [`replace_dir`]).
pub fn write_diff(dir: &Path, diff: &Diff, inputs: &Inputs) -> Result<()> {
    replace_dir(dir, &DIFF_FILES, |staging| {
        let mut json = serde_json::to_string_pretty(diff).map_err(std::io::Error::other)?;
        json.push('\n');
        std::fs::write(staging.join("diff.json"), json)?;
        write_csv(
            &staging.join("diff_communes.csv"),
            &COMMUNE_COLUMNS,
            &diff.communes,
        )?;
        write_csv(&staging.join("diff_cpts.csv"), &CPTS_COLUMNS, &diff.cpts)?;
        write_csv(
            &staging.join("diff_departements.csv"),
            &DEPARTEMENT_COLUMNS,
            &diff.departements,
        )?;
        let features: Vec<Vec<u8>> = diff
            .communes
            .par_iter()
            .map(|c| {
                let properties = match serde_json::to_value(c) {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => serde_json::Map::new(),
                };
                feature(&properties, &inputs.units[c.unit].geometry)
            })
            .collect();
        write_layer(&staging.join("diff.geojson"), &features)?;
        std::fs::write(staging.join("diff.md"), markdown(diff))
    })
}

/// A table with its header row even when it has no other row (an empty file would
/// puzzle a spreadsheet or a script); `header` names the fields of `T` in order.
fn write_csv<T: Serialize>(path: &Path, header: &[&str], rows: &[T]) -> std::io::Result<()> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_path(path)?;
    out.write_record(header)?;
    for row in rows {
        out.serialize(row)?;
    }
    out.flush()
}

/// `diff.md`: the national movement, the CPTS that changed and the départements that moved.
pub fn markdown(diff: &Diff) -> String {
    let pct = |r: f64| format!("{:.2} %", 100.0 * r);
    let mut out = format!(
        "## Coverage {} → {} ({:+.2} points)\n\n{} communes newly covered, {} newly uncovered; maximum ACI funding {} € → {} €.\n",
        pct(diff.coverage_rate_before),
        pct(diff.coverage_rate_after),
        100.0 * (diff.coverage_rate_after - diff.coverage_rate_before),
        diff.newly_covered,
        diff.newly_uncovered,
        diff.funding_max_eur_before,
        diff.funding_max_eur_after,
    );
    if !diff.cpts.is_empty() {
        out.push_str("\n### CPTS\n\n| id | change | population | taille | funding (€) |\n|---|---|---:|---|---:|\n");
        let opt = |v: Option<String>| v.unwrap_or_else(|| "–".into());
        for c in &diff.cpts {
            let _ = writeln!(
                out,
                "| {} | {} | {} → {} | {} → {} | {} → {} |",
                cell(&c.id),
                c.change.as_str(),
                opt(c.population_before.map(|p| format!("{p:.0}"))),
                opt(c.population_after.map(|p| format!("{p:.0}"))),
                opt(c.tier_before.map(|t| t.to_string())),
                opt(c.tier_after.map(|t| t.to_string())),
                opt(c.funding_max_eur_before.map(|f| f.to_string())),
                opt(c.funding_max_eur_after.map(|f| f.to_string())),
            );
        }
    }
    let moved: Vec<_> = diff
        .departements
        .iter()
        .filter(|d| (d.coverage_rate_after - d.coverage_rate_before).abs() > 1e-9)
        .collect();
    if !moved.is_empty() {
        out.push_str("\n### Départements\n\n| département | before | after | change |\n|---|---:|---:|---:|\n");
        for d in moved {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:+.2} points |",
                d.departement,
                pct(d.coverage_rate_before),
                pct(d.coverage_rate_after),
                100.0 * (d.coverage_rate_after - d.coverage_rate_before)
            );
        }
    }
    out
}
