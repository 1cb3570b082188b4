//! `cpts diff`: how coverage moved between two perimeter files on the same communes.

use crate::analysis::Analysis;
use crate::figures::summary::{CptsRow, OverlapRow, Summary};
use crate::load::inputs::Inputs;
use crate::model::Status;
use serde::Serialize;
use std::collections::BTreeMap;

/// One side of a comparison: the inputs, their analysis and summary.
pub struct Side<'a> {
    pub inputs: &'a Inputs,
    pub analysis: &'a Analysis,
    pub summary: &'a Summary,
}

/// How a commune's coverage changed. A commune counts as covered when at least half of
/// it is in a counted CPTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommuneChange {
    NewlyCovered,
    NewlyUncovered,
    MoreCovered,
    LessCovered,
    /// Same coverage, other CPTS.
    Reassigned,
}

/// A commune whose coverage or CPTS changed.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneRow {
    pub code: String,
    pub nom: String,
    pub departement: String,
    pub change: CommuneChange,
    pub covered_share_before: f64,
    pub covered_share_after: f64,
    pub population: f64,
    /// CPTS ids, comma-separated.
    pub cpts_before: String,
    pub cpts_after: String,
    /// Index of the unit in the inputs.
    #[serde(skip)]
    pub unit: usize,
}

/// How a CPTS changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CptsChange {
    Created,
    Removed,
    Grew,
    Shrank,
    /// Same population, another status or name (`nom_before`, `nom_after`, `statut_…`
    /// say which).
    Relabelled,
}

impl CptsChange {
    /// The change as the JSON and CSV outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            CptsChange::Created => "created",
            CptsChange::Removed => "removed",
            CptsChange::Grew => "grew",
            CptsChange::Shrank => "shrank",
            CptsChange::Relabelled => "relabelled",
        }
    }
}

/// A CPTS created, removed, or whose population, status or name changed.
#[derive(Debug, Clone, Serialize)]
pub struct CptsDiffRow {
    pub id: String,
    /// The name after the change (before it, for a CPTS removed).
    pub nom: String,
    pub change: CptsChange,
    pub nom_before: Option<String>,
    pub nom_after: Option<String>,
    pub statut_before: Option<Status>,
    pub statut_after: Option<Status>,
    pub population_before: Option<f64>,
    pub population_after: Option<f64>,
    pub tier_before: Option<u8>,
    pub tier_after: Option<u8>,
    pub funding_max_eur_before: Option<u32>,
    pub funding_max_eur_after: Option<u32>,
}

/// Whether a pair of CPTS overlaps now and did not before, or the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverlapChange {
    Created,
    Removed,
}

impl OverlapChange {
    /// The change as the JSON and CSV outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OverlapChange::Created => "created",
            OverlapChange::Removed => "removed",
        }
    }
}

/// A pair of CPTS whose overlap was created or removed, with the population and area
/// of the overlap (after the change for one created, before it for one removed).
#[derive(Debug, Clone, Serialize)]
pub struct OverlapDiffRow {
    pub cpts_a: String,
    pub nom_a: String,
    pub cpts_b: String,
    pub nom_b: String,
    pub change: OverlapChange,
    pub population: f64,
    pub area_km2: f64,
}

/// A département's coverage before and after.
#[derive(Debug, Clone, Serialize)]
pub struct DepartementDiffRow {
    pub departement: String,
    pub coverage_rate_before: f64,
    pub coverage_rate_after: f64,
    pub covered_population_before: f64,
    pub covered_population_after: f64,
}

/// Everything that moved between two perimeter files.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// `polygon` or `membership`: the two differ only under `--allow-mode-change`.
    pub mode_before: String,
    pub mode_after: String,
    pub coverage_rate_before: f64,
    pub coverage_rate_after: f64,
    pub newly_covered: usize,
    pub newly_uncovered: usize,
    pub funding_max_eur_before: u64,
    pub funding_max_eur_after: u64,
    /// Changed communes, by code.
    pub communes: Vec<CommuneRow>,
    /// Changed CPTS, by id.
    pub cpts: Vec<CptsDiffRow>,
    /// Overlaps created or removed, by pair of ids.
    pub overlaps: Vec<OverlapDiffRow>,
    /// Every département, by code.
    pub departements: Vec<DepartementDiffRow>,
}

/// Smallest change of a covered share that counts.
const SHARE_STEP: f64 = 1e-6;

/// Compares two analyses of the same units.
pub fn diff(before: &Side, after: &Side) -> Diff {
    let communes = commune_changes(before, after);
    let count = |kind: CommuneChange| communes.iter().filter(|c| c.change == kind).count();
    let funding = |s: &Summary| s.cpts.iter().map(|c| u64::from(c.funding_max_eur)).sum();
    let after_rates: BTreeMap<&String, _> = after
        .summary
        .by_departement
        .iter()
        .map(|r| (&r.departement, &r.totals))
        .collect();
    Diff {
        mode_before: before.summary.mode.clone(),
        mode_after: after.summary.mode.clone(),
        coverage_rate_before: before.summary.coverage_rate,
        coverage_rate_after: after.summary.coverage_rate,
        newly_covered: count(CommuneChange::NewlyCovered),
        newly_uncovered: count(CommuneChange::NewlyUncovered),
        funding_max_eur_before: funding(before.summary),
        funding_max_eur_after: funding(after.summary),
        cpts: cpts_changes(&before.summary.cpts, &after.summary.cpts),
        overlaps: overlap_changes(before.summary, after.summary),
        departements: before
            .summary
            .by_departement
            .iter()
            .filter_map(|b| {
                let a = after_rates.get(&b.departement)?;
                Some(DepartementDiffRow {
                    departement: b.departement.clone(),
                    coverage_rate_before: b.totals.coverage_rate,
                    coverage_rate_after: a.coverage_rate,
                    covered_population_before: b.totals.covered_population,
                    covered_population_after: a.covered_population,
                })
            })
            .collect(),
        communes,
    }
}

fn commune_changes(before: &Side, after: &Side) -> Vec<CommuneRow> {
    let holders = |side: &Side, i: usize| -> String {
        let sliver_m2 = side.analysis.options.sliver_km2 * 1e6;
        let ids: Vec<&str> = side.analysis.covers[i]
            .holders(sliver_m2)
            .map(|k| side.inputs.cpts[k].id.as_str())
            .collect();
        ids.join(",")
    };
    let mut rows = Vec::new();
    for (i, u) in before.inputs.units.iter().enumerate() {
        let (x, y) = (
            before.analysis.covers[i].covered_share(),
            after.analysis.covers[i].covered_share(),
        );
        let (cpts_before, cpts_after) = (holders(before, i), holders(after, i));
        let change = match (x >= 0.5, y >= 0.5) {
            (false, true) => CommuneChange::NewlyCovered,
            (true, false) => CommuneChange::NewlyUncovered,
            _ if y > x + SHARE_STEP => CommuneChange::MoreCovered,
            _ if y < x - SHARE_STEP => CommuneChange::LessCovered,
            _ if cpts_before != cpts_after => CommuneChange::Reassigned,
            _ => continue,
        };
        rows.push(CommuneRow {
            code: u.code.to_string(),
            nom: u.nom.clone(),
            departement: u.departement.clone(),
            change,
            covered_share_before: x,
            covered_share_after: y,
            population: u.population,
            cpts_before,
            cpts_after,
            unit: i,
        });
    }
    rows
}

/// Whether a CPTS's population moved by more than half an inhabitant, or enough to
/// change its tier or funding.
fn moved(b: &CptsRow, a: &CptsRow) -> bool {
    (a.population - b.population).abs() > 0.5
        || a.tier != b.tier
        || a.funding_max_eur != b.funding_max_eur
}

fn cpts_changes(before: &[CptsRow], after: &[CptsRow]) -> Vec<CptsDiffRow> {
    let mut ids: BTreeMap<&str, (Option<&CptsRow>, Option<&CptsRow>)> = BTreeMap::new();
    for c in before {
        ids.entry(&c.id).or_default().0 = Some(c);
    }
    for c in after {
        ids.entry(&c.id).or_default().1 = Some(c);
    }
    ids.into_iter()
        .filter_map(|(id, (b, a))| {
            let change = match (b, a) {
                (None, Some(_)) => CptsChange::Created,
                (Some(_), None) => CptsChange::Removed,
                (Some(b), Some(a)) if moved(b, a) && a.population >= b.population => {
                    CptsChange::Grew
                }
                (Some(b), Some(a)) if moved(b, a) => CptsChange::Shrank,
                (Some(b), Some(a)) if a.statut != b.statut || a.nom != b.nom => {
                    CptsChange::Relabelled
                }
                _ => return None,
            };
            Some(CptsDiffRow {
                id: id.to_string(),
                nom: a.or(b).map(|c| c.nom.clone()).unwrap_or_default(),
                change,
                nom_before: b.map(|c| c.nom.clone()),
                nom_after: a.map(|c| c.nom.clone()),
                statut_before: b.map(|c| c.statut),
                statut_after: a.map(|c| c.statut),
                population_before: b.map(|c| c.population),
                population_after: a.map(|c| c.population),
                tier_before: b.map(|c| c.tier),
                tier_after: a.map(|c| c.tier),
                funding_max_eur_before: b.map(|c| c.funding_max_eur),
                funding_max_eur_after: a.map(|c| c.funding_max_eur),
            })
        })
        .collect()
}

/// Pairs of CPTS overlapping on one side only, by ids, each named from its side.
fn overlap_changes(before: &Summary, after: &Summary) -> Vec<OverlapDiffRow> {
    let (b, a) = (overlap_pairs(before), overlap_pairs(after));
    let row = |o: &OverlapRow, side: &Summary, change| {
        let name = |id: &str| {
            side.cpts
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.nom.clone())
                .unwrap_or_default()
        };
        OverlapDiffRow {
            cpts_a: o.cpts_a.clone(),
            nom_a: name(&o.cpts_a),
            cpts_b: o.cpts_b.clone(),
            nom_b: name(&o.cpts_b),
            change,
            population: o.population,
            area_km2: o.area_km2,
        }
    };
    let mut rows: Vec<OverlapDiffRow> = b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, o)| row(o, before, OverlapChange::Removed))
        .chain(
            a.iter()
                .filter(|(k, _)| !b.contains_key(*k))
                .map(|(_, o)| row(o, after, OverlapChange::Created)),
        )
        .collect();
    rows.sort_by(|x, y| (&x.cpts_a, &x.cpts_b).cmp(&(&y.cpts_a, &y.cpts_b)));
    rows
}

/// The overlaps of a summary by pair of ids.
fn overlap_pairs(s: &Summary) -> BTreeMap<(&str, &str), &OverlapRow> {
    s.overlaps
        .iter()
        .map(|o| ((o.cpts_a.as_str(), o.cpts_b.as_str()), o))
        .collect()
}
