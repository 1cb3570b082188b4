//! The outputs of `cpts diff`: `diff.json`, four CSV tables, `diff.geojson` (the
//! changed communes) and `diff.md` (in French or English), written all at once.

use crate::error::Result;
use crate::load::inputs::Inputs;
use crate::report::numbers::Lang;
use crate::report::section::{cell, cpts_label, departement_label, difference_line};
use crate::verbs::check::SLACK;
use crate::verbs::comparable::Difference;
use crate::verbs::diff::{CptsChange, CptsDiffRow, Diff, OverlapChange};
use crate::write::atomic::replace_dir;
use crate::write::geojson::{feature, write_layer};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The files `diff` writes.
pub const DIFF_FILES: [&str; 7] = [
    "diff.json",
    "diff_communes.csv",
    "diff_cpts.csv",
    "diff_overlaps.csv",
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
pub const CPTS_COLUMNS: [&str; 13] = [
    "id",
    "nom",
    "change",
    "nom_before",
    "nom_after",
    "statut_before",
    "statut_after",
    "population_before",
    "population_after",
    "tier_before",
    "tier_after",
    "funding_max_eur_before",
    "funding_max_eur_after",
];

/// Columns of `diff_overlaps.csv`: the fields of [`crate::verbs::diff::OverlapDiffRow`].
pub const OVERLAP_COLUMNS: [&str; 7] = [
    "cpts_a",
    "nom_a",
    "cpts_b",
    "nom_b",
    "change",
    "population",
    "area_km2",
];

/// Columns of `diff_departements.csv`: the fields of [`crate::verbs::diff::DepartementDiffRow`].
pub const DEPARTEMENT_COLUMNS: [&str; 5] = [
    "departement",
    "coverage_rate_before",
    "coverage_rate_after",
    "covered_population_before",
    "covered_population_after",
];

/// Writes every output of `diff` into `dir` (see [`replace_dir`]), `diff.md` in `lang`.
pub fn write_diff(dir: &Path, diff: &Diff, inputs: &Inputs, lang: Lang) -> Result<()> {
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
            &staging.join("diff_overlaps.csv"),
            &OVERLAP_COLUMNS,
            &diff.overlaps,
        )?;
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
        std::fs::write(staging.join("diff.md"), markdown(diff, lang))
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

/// `diff.md` in `lang`: the national movement, the CPTS that changed, the overlaps
/// created or removed and the départements that moved, each CPTS and département named
/// beside its code; a change too small to show reads `=`.
pub fn markdown(diff: &Diff, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let (b, a) = (diff.coverage_rate_before, diff.coverage_rate_after);
    let change = lang.points(b, a);
    let mut out = match fr {
        true => format!(
            "## Couverture {} → {} ({change})\n\n",
            lang.percent2(b),
            lang.percent2(a)
        ),
        false => format!(
            "## Coverage {} → {} ({change})\n\n",
            lang.percent2(b),
            lang.percent2(a)
        ),
    };
    if diff.mode_before != diff.mode_after {
        let modes = Difference::Mode {
            before: diff.mode_before.clone(),
            after: diff.mode_after.clone(),
        };
        let _ = writeln!(out, "{}\n", difference_line(&modes, lang));
    }
    let (covered, uncovered) = (diff.newly_covered, diff.newly_uncovered);
    let (fb, fa) = (
        lang.euros(diff.funding_max_eur_before),
        lang.euros(diff.funding_max_eur_after),
    );
    let _ = match fr {
        true => writeln!(
            out,
            "{covered} {}, {uncovered} {} ; financement ACI maximal : {fb} → {fa}.",
            if covered > 1 {
                "communes nouvellement couvertes"
            } else {
                "commune nouvellement couverte"
            },
            if uncovered > 1 {
                "communes qui ne le sont plus"
            } else {
                "commune qui ne l'est plus"
            },
        ),
        false => writeln!(
            out,
            "{covered} communes newly covered, {uncovered} newly uncovered; maximum ACI funding {fb} → {fa}."
        ),
    };
    cpts_table(&mut out, diff, lang);
    overlap_table(&mut out, diff, lang);
    let moved: Vec<_> = diff
        .departements
        .iter()
        .filter(|d| 100.0 * (d.coverage_rate_after - d.coverage_rate_before).abs() > SLACK)
        .collect();
    if !moved.is_empty() {
        out.push_str(match fr {
            true => "\n### Départements\n\n| département | avant | après | écart |\n|---|---:|---:|---:|\n",
            false => "\n### Départements\n\n| département | before | after | change |\n|---|---:|---:|---:|\n",
        });
        for d in moved {
            let (x, y) = (d.coverage_rate_before, d.coverage_rate_after);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&departement_label(&d.departement)),
                lang.percent2(x),
                lang.percent2(y),
                lang.visible_points(x, y)
            );
        }
    }
    out
}

/// The CPTS that changed, each with what changed.
fn cpts_table(out: &mut String, diff: &Diff, lang: Lang) {
    if diff.cpts.is_empty() {
        return;
    }
    let fr = lang == Lang::Fr;
    out.push_str(match fr {
        true => "\n### CPTS\n\n| CPTS | changement | population | taille | financement maximal | détail |\n|---|---|---:|---|---:|---|\n",
        false => "\n### CPTS\n\n| CPTS | change | population | taille | maximum funding | detail |\n|---|---|---:|---|---:|---|\n",
    });
    let opt = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    for c in &diff.cpts {
        let _ = writeln!(
            out,
            "| {} | {} | {} → {} | {} → {} | {} → {} | {} |",
            cell(&cpts_label(&c.id, &c.nom)),
            cpts_change(c.change, lang),
            opt(c.population_before.map(|p| lang.people(p))),
            opt(c.population_after.map(|p| lang.people(p))),
            opt(c.tier_before.map(|t| t.to_string())),
            opt(c.tier_after.map(|t| t.to_string())),
            opt(c.funding_max_eur_before.map(|f| lang.euros(f))),
            opt(c.funding_max_eur_after.map(|f| lang.euros(f))),
            cell(&relabelling(c, lang)),
        );
    }
}

/// `créée`, `removed`…
fn cpts_change(change: CptsChange, lang: Lang) -> &'static str {
    match (lang, change) {
        (Lang::Fr, CptsChange::Created) => "créée",
        (Lang::Fr, CptsChange::Removed) => "supprimée",
        (Lang::Fr, CptsChange::Grew) => "agrandie",
        (Lang::Fr, CptsChange::Shrank) => "réduite",
        (Lang::Fr, CptsChange::Relabelled) => "statut ou nom changé",
        (Lang::En, change) => change.as_str(),
    }
}

/// The status and name of a CPTS kept, before → after, when they changed:
/// `statut projet → signataire_aci ; nom « A » → « B »`.
fn relabelling(c: &CptsDiffRow, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let (Some(x), Some(y)) = (c.statut_before, c.statut_after) {
        if x != y {
            parts.push(match lang {
                Lang::Fr => format!("statut {x} → {y}"),
                Lang::En => format!("status {x} → {y}"),
            });
        }
    }
    if let (Some(x), Some(y)) = (&c.nom_before, &c.nom_after) {
        if x != y {
            parts.push(match lang {
                Lang::Fr => format!("nom « {x} » → « {y} »"),
                Lang::En => format!("name \"{x}\" → \"{y}\""),
            });
        }
    }
    parts.join(match lang {
        Lang::Fr => " ; ",
        Lang::En => "; ",
    })
}

/// The overlaps created or removed, each pair named.
fn overlap_table(out: &mut String, diff: &Diff, lang: Lang) {
    if diff.overlaps.is_empty() {
        return;
    }
    let fr = lang == Lang::Fr;
    out.push_str(match fr {
        true => "\n### Chevauchements\n\n| CPTS | CPTS | changement | population | surface |\n|---|---|---|---:|---:|\n",
        false => "\n### Overlaps\n\n| CPTS | CPTS | change | population | area |\n|---|---|---|---:|---:|\n",
    });
    for o in &diff.overlaps {
        let change = match (lang, o.change) {
            (Lang::Fr, OverlapChange::Created) => "apparu",
            (Lang::Fr, OverlapChange::Removed) => "disparu",
            (Lang::En, change) => change.as_str(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {change} | {} | {} |",
            cell(&cpts_label(&o.cpts_a, &o.nom_a)),
            cell(&cpts_label(&o.cpts_b, &o.nom_b)),
            lang.people(o.population),
            lang.km2(o.area_km2),
        );
    }
}
