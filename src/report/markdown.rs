//! `report.md`: the headline figures of one analysis in French, short enough for a CI log
//! or a merge-request comment (at most [`MAX_LINES`] lines), with the assumptions made
//! and the files read.

use crate::figures::summary::Summary;
use crate::model::provenance::{role_fr, Assumption};
use crate::model::territories::{departement_name, labelled};
use crate::read::feature::crs_fr;
use crate::report::access::{headline, more_zones, title, zones_table};
use crate::report::numbers::Lang;
use crate::report::section::{cell, cpts_label, Block, Section};
use crate::write::style::STATUS_LABELS;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report never runs longer than this.
pub const MAX_LINES: usize = 60;

/// Départements listed, most white-zone population first.
const DEPARTEMENTS_SHOWN: usize = 10;
/// Overlaps listed, most population first.
const OVERLAPS_SHOWN: usize = 5;

/// White zones listed with the access figures, most in need first, room permitting.
const ACCESS_ZONES_SHOWN: usize = 3;

/// The report is in French.
const FR: Lang = Lang::Fr;

/// The Markdown report of `summary`.
pub fn markdown_report(summary: &Summary) -> String {
    let s = summary;
    let mut md = String::new();
    introduction(&mut md, s);
    indicators(&mut md, s);
    // Fewer départements when the access figures need the room.
    let shown = match s.access.is_some() {
        true => 3,
        false => DEPARTEMENTS_SHOWN,
    };
    departements(&mut md, s, shown);
    overlaps(&mut md, s);
    // The zones most in need take the room left, keeping four lines for the assumptions.
    let room = MAX_LINES.saturating_sub(md.lines().count() + 3 + s.sources.len() + 4 + 7);
    access_zones(&mut md, s, room.min(ACCESS_ZONES_SHOWN));
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
        FR.people(s.unit_count as f64),
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
    let statuses: Vec<&str> = s
        .statuses_counted
        .iter()
        .map(|x| STATUS_LABELS[x.index()])
        .collect();
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
            "| couverte par les seules CPTS au statut {} | {} ({}) |",
            STATUS_LABELS[row.statut.index()],
            FR.people(row.covered_population),
            FR.percent(row.coverage_rate)
        );
    }
    let _ = writeln!(
        md,
        "| zones blanches | {}, {} habitants, {} |",
        FR.count(s.white_zone_count, "zone", "zones"),
        FR.people(s.white_zone_population),
        FR.km2(s.white_zone_area_km2)
    );
    let _ = writeln!(
        md,
        "| chevauchements | {}, {} habitants, {} |",
        FR.count(s.overlap_count, "paire", "paires"),
        FR.people(s.overlap_population),
        FR.km2(s.overlap_area_km2)
    );
    access_rows(md, s);
    if let Some(a) = &s.ages {
        for (band, all, white) in [
            ("65", a.population_65_plus, a.white_zone_population_65_plus),
            ("80", a.population_80_plus, a.white_zone_population_80_plus),
        ] {
            let _ = writeln!(
                md,
                "| habitants de {band} ans et plus | {}, dont {} en zone blanche |",
                FR.people(all),
                FR.people(white)
            );
        }
    }
    let _ = writeln!(
        md,
        "| CPTS partielles (hors communes fournies) | {partial} |"
    );
    let _ = writeln!(
        md,
        "| entrées réparées | {}, {} |",
        FR.count(
            s.repairs.repaired_geometries,
            "géométrie invalide reconstruite",
            "géométries invalides reconstruites"
        ),
        FR.count(
            s.repairs.codes,
            "code INSEE au zéro initial rétabli",
            "codes INSEE au zéro initial rétabli"
        )
    );
}

/// The access figures as rows of the indicators table, as the HTML report gives them,
/// each part (`— dont …`) in the row of its whole.
fn access_rows(md: &mut String, s: &Summary) {
    let Some(a) = &s.access else {
        return;
    };
    let mut rows: Vec<[String; 2]> = Vec::new();
    for r in headline(s, a, FR).rows {
        match (r[0].strip_prefix("— "), rows.last_mut()) {
            (Some(part), Some(last)) => {
                let _ = write!(last[1], ", {part} : {}", r[1]);
            }
            _ => rows.push([r[0].clone(), r[1].clone()]),
        }
    }
    for [label, value] in rows {
        let _ = writeln!(md, "| {} | {} |", cell(&label), cell(&value));
    }
}

/// The white zones most in need, `shown` of them, under the access section's title.
fn access_zones(md: &mut String, s: &Summary, shown: usize) {
    let shown = shown.max(1);
    let Some(table) = zones_table(s, FR, shown) else {
        return;
    };
    let mut blocks = vec![Block::Table(table)];
    if s.white_zones.len() > shown {
        blocks.push(Block::Text(more_zones(s, FR, shown)));
    }
    let section = Section {
        id: "access",
        title: format!("{} : les zones blanches les plus en besoin", title(FR)),
        blocks,
    };
    md.push('\n');
    md.push_str(&section.markdown());
}

/// The files read, with their format, CRS and date when known.
fn files_read(md: &mut String, s: &Summary) {
    md.push_str("\n## Fichiers lus\n\n");
    for src in &s.sources {
        let crs = src.crs.as_deref().map(crs_fr);
        let details: String = [crs.as_deref(), src.modified.as_deref()]
            .into_iter()
            .flatten()
            .map(|d| format!(", {d}"))
            .collect();
        let _ = writeln!(
            md,
            "- {} : {} ({}{details})",
            role_fr(&src.role),
            src.file,
            src.format
        );
    }
}

fn departements(md: &mut String, s: &Summary, shown: usize) {
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
    for d in rows.iter().take(shown) {
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
    if rows.len() > shown {
        let _ = writeln!(
            md,
            "\n… et {} autres. {}",
            rows.len() - shown,
            FR.full_list()
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
    let names: BTreeMap<&str, &str> = s
        .cpts
        .iter()
        .map(|c| (c.id.as_str(), c.nom.as_str()))
        .collect();
    let label = |id: &str| cell(&cpts_label(id, names.get(id).copied().unwrap_or("")));
    for o in rows.iter().take(OVERLAPS_SHOWN) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            label(&o.cpts_a),
            label(&o.cpts_b),
            FR.people(o.population),
            FR.km2(o.area_km2)
        );
    }
    if rows.len() > OVERLAPS_SHOWN {
        let _ = writeln!(
            md,
            "\n… et {} autres. {}",
            rows.len() - OVERLAPS_SHOWN,
            FR.full_list()
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
        let whole = a.french();
        let text: String = whole.chars().take(300).collect();
        let cut = if text.len() < whole.len() { "…" } else { "" };
        let _ = writeln!(md, "- {text}{cut}");
    }
    if shown < list.len() {
        let _ = writeln!(md, "- … et {} autres (summary.json).", list.len() - shown);
    }
}
