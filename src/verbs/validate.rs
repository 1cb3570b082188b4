//! `cpts validate`: everything worth knowing about the inputs before a long run, as
//! findings with a level and a fix: the error that stops the reading, the repairs and
//! assumptions made, and what the overlay reveals (a CPTS over no commune, partial
//! CPTS, overlaps, communes without inhabitants).

use crate::error::Error;
use crate::figures::summary::Summary;
use crate::harmonize::code_passage::CodePassage;
use crate::model::access::Access;
use crate::model::provenance::{listing, AssumptionKind};
use crate::model::{city_of_arrondissement, InseeCode, Unit};
use crate::verbs::tiling::{Flaw, TilingFlaw};
use serde::Serialize;
use std::collections::HashSet;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Worth knowing; the figures do not depend on a guess.
    Info,
    /// The run works, but a guess or a flaw may change the figures: check it.
    Warning,
    /// The run cannot go on.
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One thing found in the inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub level: Level,
    /// Stable code: an assumption kind, `repaired_geometries`, `empty_cpts`…
    pub kind: String,
    pub message: String,
    pub fix: String,
}

impl Finding {
    fn new(level: Level, kind: &str, message: String, fix: &str) -> Finding {
        Finding {
            level,
            kind: kind.into(),
            message,
            fix: fix.into(),
        }
    }
}

/// The finding of an input that cannot be read or used.
pub fn error_finding(error: &Error) -> Finding {
    problem_finding("unusable_input", error)
}

/// The finding of a flaw that stops `analyze`, under its kind.
pub fn problem_finding(kind: &str, error: &Error) -> Finding {
    let (message, fix) = match error {
        Error::Input {
            path,
            place,
            problem,
            fix,
        } => (
            format!("{}: {place}: {problem}", path.display()),
            fix.clone(),
        ),
        other => (other.to_string(), String::new()),
    };
    Finding {
        level: Level::Error,
        kind: kind.into(),
        message,
        fix,
    }
}

/// The findings of inputs that were read and analysed, worst first (then in the order
/// they arose). CPTS in `left_out` lost rows to an error already reported: they are not
/// reported again as empty.
pub fn findings(units: &[Unit], summary: &Summary, left_out: &[&str]) -> Vec<Finding> {
    let mut found = Vec::new();
    repair_findings(summary, &mut found);
    assumption_findings(summary, &mut found);
    empty_cpts_findings(summary, left_out, &mut found);
    unpeopled_findings(units, &mut found);
    overlap_findings(summary, &mut found);
    found.sort_by_key(|f| std::cmp::Reverse(f.level));
    found
}

/// The repairs made: geometries, codes.
fn repair_findings(summary: &Summary, found: &mut Vec<Finding>) {
    let repairs = &summary.repairs;
    if repairs.repaired_geometries > 0 {
        found.push(Finding::new(
            Level::Warning,
            "repaired_geometries",
            format!("{} invalid geometries repaired (self-intersections, holes outside their shell)", repairs.repaired_geometries),
            "check the repaired features in QGIS (Vector > Geometry Tools > Check Validity) and correct them at the source",
        ));
    }
    if repairs.codes > 0 {
        found.push(Finding::new(
            Level::Warning,
            "repaired_codes",
            format!(
                "{} INSEE codes stored as numbers had lost their leading zero",
                repairs.codes
            ),
            "store the code columns as text",
        ));
    }
}

/// Each assumption of the summary, at its level, with its fix.
fn assumption_findings(summary: &Summary, found: &mut Vec<Finding>) {
    for a in &summary.assumptions {
        if a.kind == AssumptionKind::Access && a.text.starts_with("APL: units without a value") {
            continue; // said by `apl_without_value`
        }
        let (level, fix) = assumption_advice(a.kind);
        // The kind as summary.json writes it (`id_from_name`).
        let kind = serde_json::to_value(a.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        found.push(Finding::new(level, &kind, a.text.clone(), fix));
    }
}

/// The CPTS over no inhabitant (but those whose rows were all left out).
fn empty_cpts_findings(summary: &Summary, left_out: &[&str], found: &mut Vec<Finding>) {
    let empty: Vec<String> = summary
        .cpts
        .iter()
        .filter(|c| c.population == 0.0 && !left_out.contains(&c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    if !empty.is_empty() {
        found.push(Finding::new(
            Level::Warning,
            "empty_cpts",
            format!(
                "{} CPTS hold no inhabitant of the communes layer: {}",
                empty.len(),
                listing(&empty, 20)
            ),
            "a perimeter lying over no commune is often in another CRS, or of another territory: check its coordinates",
        ));
    }
}

/// The communes without inhabitants.
fn unpeopled_findings(units: &[Unit], found: &mut Vec<Finding>) {
    let unpeopled: Vec<String> = units
        .iter()
        .filter(|u| u.population == 0.0)
        .map(|u| format!("{} ({})", u.nom, u.code))
        .collect();
    if !unpeopled.is_empty() {
        found.push(Finding::new(
            Level::Info,
            "no_population",
            format!(
                "{} communes have no inhabitant: {}",
                unpeopled.len(),
                listing(&unpeopled, 10)
            ),
            "nothing to do if they are uninhabited (the villages of Verdun); else check the population column",
        ));
    }
}

/// Each overlapping pair.
fn overlap_findings(summary: &Summary, found: &mut Vec<Finding>) {
    for o in &summary.overlaps {
        found.push(Finding::new(
            Level::Warning,
            "overlap",
            format!(
                "{} and {} overlap over {:.3} km² ({:.0} inhabitants; communes {})",
                o.cpts_a,
                o.cpts_b,
                o.area_km2,
                o.population,
                listing(&o.communes, 10)
            ),
            "two CPTS may not share a territory (Plan 100 % CPTS): redraw one perimeter",
        ));
    }
}

/// The communes whose codes the passage table maps to another: a layer of an older
/// vintage, which `cpts harmonize` brings up to date.
pub fn vintage_findings(units: &[Unit], passage: &CodePassage) -> Vec<Finding> {
    let old: Vec<String> = units
        .iter()
        .filter_map(|u| {
            Some(format!(
                "{} {} → {}",
                u.code,
                u.nom,
                passage.current(&u.code)?
            ))
        })
        .collect();
    if old.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        Level::Warning,
        "old_code",
        format!(
            "{} communes carry the code of a commune merged since ({}): {}",
            old.len(),
            passage.source,
            listing(&old, 20)
        ),
        "bring the layer to the current codes with `cpts harmonize --communes FILE --out NEW`, or use a communes layer of the current vintage",
    )]
}

/// An access file as `validate` checks it: its name in the findings (`APL`, `doctor
/// zoning`), the kind prefix of its findings (`apl`, `zoning`), and its codes.
pub struct AccessTable<'a> {
    pub name: &'static str,
    pub kind: &'static str,
    pub codes: Vec<&'a InseeCode>,
}

/// What the access files reveal: the units they give no value (a warning), their codes
/// matching no unit (information), and codes of another vintage than the communes
/// layer's (a warning saying which is likely older).
pub fn access_findings(
    units: &[Unit],
    access: &Access,
    tables: &[AccessTable],
    passage: &CodePassage,
) -> Vec<Finding> {
    let unit_codes: HashSet<&InseeCode> = units.iter().map(|u| &u.code).collect();
    let mut found = Vec::new();
    for table in tables {
        let valued: Vec<bool> = match table.kind {
            "apl" => access.apl.iter().map(Option::is_some).collect(),
            _ => access.zoning.iter().map(Option::is_some).collect(),
        };
        let without: Vec<String> = units
            .iter()
            .zip(&valued)
            .filter(|(_, v)| !**v)
            .map(|(u, _)| format!("{} {}", u.code, u.nom))
            .collect();
        if !without.is_empty() {
            found.push(Finding::new(
                Level::Warning,
                &format!("{}_without_value", table.kind),
                format!(
                    "{} {} no value in the {} file, left out of its figures: {}",
                    without.len(),
                    if without.len() == 1 { "unit has" } else { "units have" },
                    table.name,
                    listing(&without, 20)
                ),
                "check the codes: another COG vintage, or communes without inhabitants; Mayotte is absent from the DREES file",
            ));
        }
        let reaches = |code: &InseeCode| {
            unit_codes.contains(code)
                || city_of_arrondissement(code).is_some_and(|city| {
                    InseeCode::parse(city).is_some_and(|(c, _)| unit_codes.contains(&c))
                })
                || passage
                    .current(code)
                    .is_some_and(|c| unit_codes.contains(c))
        };
        let unmatched: Vec<String> = table
            .codes
            .iter()
            .filter(|c| !reaches(c))
            .map(|c| c.to_string())
            .collect();
        if !unmatched.is_empty() {
            found.push(Finding::new(
                Level::Info,
                &format!("{}_unmatched_codes", table.kind),
                format!(
                    "{} {} the {} file {} no unit of the communes layer: {}",
                    unmatched.len(),
                    if unmatched.len() == 1 {
                        "code of"
                    } else {
                        "codes of"
                    },
                    table.name,
                    if unmatched.len() == 1 {
                        "matches"
                    } else {
                        "match"
                    },
                    listing(&unmatched, 10)
                ),
                "nothing to do if the file covers more than the communes layer (a national \
                 file for one region); else check the codes",
            ));
        }
        found.extend(table_vintage(units, &unit_codes, table, passage));
    }
    found
}

/// Which of an access file and the communes layer is likely of an older COG vintage:
/// the file when several of its codes are of communes merged since (or when units
/// absent from it absorbed others), the layer when several units absent from the file
/// carry such codes, the file giving their current one.
fn table_vintage(
    units: &[Unit],
    unit_codes: &HashSet<&InseeCode>,
    table: &AccessTable,
    passage: &CodePassage,
) -> Option<Finding> {
    let in_table: HashSet<&InseeCode> = table.codes.iter().copied().collect();
    let mut table_old: Vec<String> = table
        .codes
        .iter()
        .filter(|c| !unit_codes.contains(*c))
        .filter_map(|c| Some(format!("{c} → {}", passage.current(c)?)))
        .collect();
    let absent: Vec<&Unit> = units
        .iter()
        .filter(|u| !in_table.contains(&u.code) && city_of_arrondissement(&u.code).is_none())
        .collect();
    let absorbed: Vec<String> = absent
        .iter()
        .filter(|u| {
            passage.replaces_some(&u.code)
                && !table_old.iter().any(|t| t.ends_with(u.code.as_str()))
        })
        .map(|u| format!("{} {} (absorbed others)", u.code, u.nom))
        .collect();
    table_old.extend(absorbed);
    let layer_old: Vec<String> = absent
        .iter()
        .filter_map(|u| {
            let current = passage.current(&u.code)?;
            in_table
                .contains(current)
                .then(|| format!("{} {} → {current}", u.code, u.nom))
        })
        .collect();
    let (older, newer, codes) = if table_old.len() >= 2 && table_old.len() >= layer_old.len() {
        (
            format!("the {} file", table.name),
            "the communes layer",
            table_old,
        )
    } else if layer_old.len() >= 2 {
        ("the communes layer".to_string(), "the file", layer_old)
    } else {
        return None;
    };
    Some(Finding::new(
        Level::Warning,
        &format!("{}_vintage", table.kind),
        format!(
            "the {} file and the communes layer are of different COG vintages, {older} \
             likely the older ({newer} has merged communes it lacks): {}",
            table.name,
            listing(&codes, 10)
        ),
        "take both of the same year; codes of merged communes are joined through the \
         passage table (--code-passage), but a commune split or created since has no value",
    ))
}

/// The gaps and overlaps between communes: a warning for each kind found, listing the
/// largest.
pub fn tiling_findings(flaws: &[TilingFlaw]) -> Vec<Finding> {
    [
        (
            Flaw::Gap,
            "commune_gap",
            ["gap", "gaps", "land enclosed by communes but in none of them"],
            "the population there is counted nowhere: give a communes layer that tiles the territory (ADMIN EXPRESS), or correct the contours",
        ),
        (
            Flaw::Overlap,
            "commune_overlap",
            ["overlap", "overlaps", "land in several communes"],
            "its population is shared by area between them: give a communes layer that tiles the territory (ADMIN EXPRESS), or correct the contours",
        ),
    ]
    .into_iter()
    .filter_map(|(flaw, kind, [one, many, what], fix)| {
        let found: Vec<&TilingFlaw> = flaws.iter().filter(|f| f.flaw == flaw).collect();
        if found.is_empty() {
            return None;
        }
        let total: f64 = found.iter().map(|f| f.area_m2).sum();
        let items: Vec<String> = found
            .iter()
            .map(|f| {
                let codes: Vec<&str> = f.communes.iter().map(|c| c.as_str()).collect();
                format!("{} ({})", area(f.area_m2), codes.join(", "))
            })
            .collect();
        Some(Finding::new(
            Level::Warning,
            kind,
            format!(
                "{} {} between communes ({what}), {} in all: {}",
                found.len(),
                if found.len() == 1 { one } else { many },
                area(total),
                listing(&items, 10)
            ),
            fix,
        ))
    })
    .collect()
}

/// An area as a planner reads it: km² from one square kilometre, else m².
fn area(m2: f64) -> String {
    match m2 >= 1e6 {
        true => format!("{:.2} km²", m2 / 1e6),
        false => format!("{m2:.0} m²"),
    }
}

/// The level of an assumption, and what to do about it.
fn assumption_advice(kind: AssumptionKind) -> (Level, &'static str) {
    use AssumptionKind::*;
    match kind {
        Crs | Column | Sheet => (Level::Info, ""),
        IdFromName => (
            Level::Warning,
            "add an id column, or name it with --cpts-id-field, so that renaming a CPTS keeps its history",
        ),
        DefaultStatus => (
            Level::Warning,
            "add a status column, or confirm the status with --default-status",
        ),
        StatusLabel => (
            Level::Info,
            "if a label is read as the wrong status, give a table with --status-map",
        ),
        Excluded => (
            Level::Info,
            "check that the excluded features are not CPTS",
        ),
        Encoding => (Level::Warning, "save the table as UTF-8"),
        LooseName => (
            Level::Warning,
            "check each match, or give INSEE codes in a code_insee column",
        ),
        OutsideTerritory => (
            Level::Warning,
            "give a communes layer covering these départements for the whole CPTS",
        ),
        Partial => (
            Level::Warning,
            "give a communes layer covering the whole of these CPTS for their true population and tier",
        ),
        SharedCommune => (
            Level::Warning,
            "give polygon perimeters if a commune is in fact split between CPTS",
        ),
        HarmonisedCode => (
            Level::Info,
            "update the listing to the current codes when convenient",
        ),
        Access => (
            Level::Info,
            "check the units listed without an APL: another vintage of the codes, or no inhabitant",
        ),
        PopulationGrid => (
            Level::Info,
            "check that the population layer covers the communes analysed (same territory, same vintage)",
        ),
        ContourGap => (
            Level::Info,
            "draw the perimeters on the communes' contours, or change the width with --gap-width",
        ),
        FractionalPopulation => (
            Level::Warning,
            "check that the population column holds inhabitants (not a density or a share)",
        ),
    }
}

/// The exit status for `findings`: 0 clean (or information only), 1 warnings, 2 errors.
pub fn exit_status(findings: &[Finding]) -> u8 {
    match findings.iter().map(|f| f.level).max() {
        Some(Level::Error) => 2,
        Some(Level::Warning) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::area;

    #[test]
    fn areas_read_in_km2_from_one_square_kilometre() {
        assert_eq!(area(918_163_708.0), "918.16 km²");
        assert_eq!(area(1_000_000.0), "1.00 km²");
        assert_eq!(area(5_300.4), "5300 m²");
    }
}
