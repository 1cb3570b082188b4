//! `report.md`: the headline figures of one analysis in French, short enough for a CI log
//! or a merge-request comment (at most [`MAX_LINES`] lines), with the assumptions made
//! and the files read.

use crate::figures::summary::Summary;
use crate::model::provenance::Assumption;
use crate::model::territories::{departement_name, labelled};
use crate::report::numbers::Lang;
use std::fmt::Write;

/// The report never runs longer than this.
pub const MAX_LINES: usize = 60;

/// Départements listed, most white-zone population first.
const DEPARTEMENTS_SHOWN: usize = 10;
/// Overlaps listed, most population first.
const OVERLAPS_SHOWN: usize = 5;

/// The report is in French.
const FR: Lang = Lang::Fr;

/// The Markdown report of `summary`.
pub fn markdown_report(summary: &Summary) -> String {
    let s = summary;
    let mut md = String::new();
    introduction(&mut md, s);
    indicators(&mut md, s);
    departements(&mut md, s);
    overlaps(&mut md, s);
    let budget = MAX_LINES.saturating_sub(md.lines().count() + 3 + s.sources.len());
    assumptions(&mut md, &s.assumptions, budget);
    files_read(&mut md, s);
    md
}

/// The title, then the mode and what was counted.
fn introduction(md: &mut String, s: &Summary) {
    let level = match s.population_level.as_str() {
        "arrondissements" => "communes, arrondissements municipaux pour Paris, Lyon et Marseille",
        _ => "communes",
    };
    let mode = match s.mode.as_str() {
        "membership" => "appartenance (les CPTS listent leurs communes)",
        _ => "polygones (périmètres dessinés)",
    };
    let _ = writeln!(
        md,
        "# Couverture CPTS — {}\n\nMode {mode}, {} unités de population ({level}), {} CPTS.\n",
        s.territory,
        s.unit_count,
        s.cpts.len()
    );
    let without = FR.without_cpts(&s.departements_without_cpts);
    if !without.is_empty() {
        let _ = writeln!(md, "{without}\n");
    }
}

/// The headline figures: population, coverage (in all and by status alone), white
/// zones, overlaps and partial CPTS.
fn indicators(md: &mut String, s: &Summary) {
    let statuses: Vec<&str> = s.statuses_counted.iter().map(|x| x.as_str()).collect();
    let partial = s.cpts.iter().filter(|c| c.partial).count();
    md.push_str("| indicateur | valeur |\n|---|---|\n");
    let _ = writeln!(md, "| population | {} |", FR.people(s.total_population));
    let _ = writeln!(
        md,
        "| couverte ({}) | {} ({}) |",
        statuses.join(", "),
        FR.people(s.covered_population),
        FR.percent(s.coverage_rate)
    );
    for row in &s.by_status {
        let _ = writeln!(
            md,
            "| couverte par les CPTS {} seules | {} ({}) |",
            row.statut,
            FR.people(row.covered_population),
            FR.percent(row.coverage_rate)
        );
    }
    let _ = writeln!(
        md,
        "| zones blanches | {} zones, {} habitants, {} |",
        s.white_zone_count,
        FR.people(s.white_zone_population),
        FR.km2(s.white_zone_area_km2)
    );
    let _ = writeln!(
        md,
        "| chevauchements | {} paires, {} habitants, {} |",
        s.overlap_count,
        FR.people(s.overlap_population),
        FR.km2(s.overlap_area_km2)
    );
    let _ = writeln!(
        md,
        "| CPTS partielles (hors communes fournies) | {partial} |"
    );
    let _ = writeln!(
        md,
        "| entrées réparées | {} géométries invalides reconstruites, {} codes INSEE au zéro initial rétabli |",
        s.repairs.repaired_geometries, s.repairs.codes
    );
}

/// The files read, with their format, CRS and date when known.
fn files_read(md: &mut String, s: &Summary) {
    md.push_str("\n## Fichiers lus\n\n");
    for src in &s.sources {
        let details: String = [src.crs.as_deref(), src.modified.as_deref()]
            .into_iter()
            .flatten()
            .map(|d| format!(", {d}"))
            .collect();
        let _ = writeln!(
            md,
            "- {} : {} ({}{details})",
            src.role, src.file, src.format
        );
    }
}

fn departements(md: &mut String, s: &Summary) {
    let mut rows: Vec<_> = s
        .by_departement
        .iter()
        .filter(|d| d.totals.white_zone_population > 0.0)
        .collect();
    if rows.is_empty() {
        return;
    }
    rows.sort_by(|a, b| {
        b.totals
            .white_zone_population
            .total_cmp(&a.totals.white_zone_population)
            .then(a.departement.cmp(&b.departement))
    });
    let _ = writeln!(
        md,
        "\n## Départements par population en zone blanche\n\n| département | population | couverture | en zone blanche |\n|---|---|---|---|"
    );
    for d in rows.iter().take(DEPARTEMENTS_SHOWN) {
        let t = &d.totals;
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            labelled(&d.departement, departement_name(&d.departement)),
            FR.people(t.population),
            FR.percent(t.coverage_rate),
            FR.people(t.white_zone_population)
        );
    }
    if rows.len() > DEPARTEMENTS_SHOWN {
        let _ = writeln!(
            md,
            "\n… et {} autres (by_departement.csv).",
            rows.len() - DEPARTEMENTS_SHOWN
        );
    }
}

fn overlaps(md: &mut String, s: &Summary) {
    if s.overlaps.is_empty() {
        return;
    }
    let mut rows: Vec<_> = s.overlaps.iter().collect();
    rows.sort_by(|a, b| b.population.total_cmp(&a.population));
    md.push_str(
        "\n## Chevauchements\n\n| CPTS | CPTS | habitants | surface |\n|---|---|---|---|\n",
    );
    for o in rows.iter().take(OVERLAPS_SHOWN) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            o.cpts_a,
            o.cpts_b,
            FR.people(o.population),
            FR.km2(o.area_km2)
        );
    }
    if rows.len() > OVERLAPS_SHOWN {
        let _ = writeln!(
            md,
            "\n… et {} autres (overlaps.geojson).",
            rows.len() - OVERLAPS_SHOWN
        );
    }
}

/// The assumptions, within `budget` lines (the rest counted, to be read in summary.json).
fn assumptions(md: &mut String, list: &[Assumption], budget: usize) {
    if list.is_empty() {
        return;
    }
    md.push_str("\n## Hypothèses\n\n");
    let shown = if list.len() <= budget.saturating_sub(3) {
        list.len()
    } else {
        budget.saturating_sub(4)
    };
    for a in &list[..shown] {
        let text: String = a.text.chars().take(300).collect();
        let cut = if text.len() < a.text.len() { "…" } else { "" };
        let _ = writeln!(md, "- {text}{cut}");
    }
    if shown < list.len() {
        let _ = writeln!(md, "- … et {} autres (summary.json).", list.len() - shown);
    }
}
