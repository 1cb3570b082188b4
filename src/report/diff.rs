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
use crate::write::tables::{CsvTable, Format, Numbers};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// The files `diff` writes.
pub const DIFF_FILES: [&str; 11] = [
    "diff.json",
    "diff_communes.csv",
    "diff_communes.csvt",
    "diff_cpts.csv",
    "diff_cpts.csvt",
    "diff_overlaps.csv",
    "diff_overlaps.csvt",
    "diff_departements.csv",
    "diff_departements.csvt",
    "diff.geojson",
    "diff.md",
];

/// Columns of `diff_communes.csv`: the fields of [`crate::verbs::diff::CommuneRow`].
pub const COMMUNE_COLUMNS: [(&str, Format); 9] = [
    ("code", Format::Text),
    ("nom", Format::Text),
    ("departement", Format::Text),
    ("change", Format::Text),
    ("covered_share_before", Format::Rate),
    ("covered_share_after", Format::Rate),
    ("population", Format::People),
    ("cpts_before", Format::Text),
    ("cpts_after", Format::Text),
];

/// Columns of `diff_cpts.csv`: the fields of [`crate::verbs::diff::CptsDiffRow`].
pub const CPTS_COLUMNS: [(&str, Format); 13] = [
    ("id", Format::Text),
    ("nom", Format::Text),
    ("change", Format::Text),
    ("nom_before", Format::Text),
    ("nom_after", Format::Text),
    ("statut_before", Format::Text),
    ("statut_after", Format::Text),
    ("population_before", Format::People),
    ("population_after", Format::People),
    ("tier_before", Format::Integer),
    ("tier_after", Format::Integer),
    ("funding_max_eur_before", Format::Integer),
    ("funding_max_eur_after", Format::Integer),
];

/// Columns of `diff_overlaps.csv`: the fields of [`crate::verbs::diff::OverlapDiffRow`].
pub const OVERLAP_COLUMNS: [(&str, Format); 7] = [
    ("cpts_a", Format::Text),
    ("nom_a", Format::Text),
    ("cpts_b", Format::Text),
    ("nom_b", Format::Text),
    ("change", Format::Text),
    ("population", Format::People),
    ("area_km2", Format::Km2),
];

/// Columns of `diff_departements.csv`: the fields of [`crate::verbs::diff::DepartementDiffRow`].
pub const DEPARTEMENT_COLUMNS: [(&str, Format); 5] = [
    ("departement", Format::Text),
    ("coverage_rate_before", Format::Rate),
    ("coverage_rate_after", Format::Rate),
    ("covered_population_before", Format::People),
    ("covered_population_after", Format::People),
];

/// Writes every output of `diff` into `dir` (see [`replace_dir`]), `diff.md` in `lang`.
pub fn write_diff(dir: &Path, diff: &Diff, inputs: &Inputs, lang: Lang) -> Result<()> {
    replace_dir(dir, &DIFF_FILES, |staging| {
        let mut json = serde_json::to_string_pretty(diff).map_err(std::io::Error::other)?;
        json.push('\n');
        std::fs::write(staging.join("diff.json"), json)?;
        // Populations are whole when both sides are membership tables.
        let numbers = Numbers {
            whole: diff.mode_before == "membership" && diff.mode_after == "membership",
        };
        CsvTable::of(&COMMUNE_COLUMNS, &diff.communes, numbers)
            .write(staging, "diff_communes.csv")?;
        CsvTable::of(&CPTS_COLUMNS, &diff.cpts, numbers).write(staging, "diff_cpts.csv")?;
        CsvTable::of(&OVERLAP_COLUMNS, &diff.overlaps, numbers)
            .write(staging, "diff_overlaps.csv")?;
        CsvTable::of(&DEPARTEMENT_COLUMNS, &diff.departements, numbers)
            .write(staging, "diff_departements.csv")?;
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
