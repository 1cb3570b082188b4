//! `cpts check`: regression rules between a baseline summary and a current one, for CI.
//!
//! Each rule is evaluated nationally and for every département, so that a CI system
//! shows which département broke which rule (see [`crate::report::check`]).

use crate::error::{Error, Result};
use crate::figures::summary::{Summary, Totals, OLDEST_READABLE_SCHEMA, SCHEMA_VERSION};
use crate::verbs::comparable::{self, Difference};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rules a change must keep; read from a TOML file, each overridable by a flag.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Largest allowed drop of the national coverage rate, in percentage points.
    pub max_coverage_drop: f64,
    /// Largest allowed drop of a département's coverage rate, in percentage points.
    pub max_departement_drop: f64,
    /// Whether a pair of CPTS may overlap that did not in the baseline.
    pub allow_new_overlaps: bool,
    /// Largest change of the population, in percent, nationally and by département.
    pub population_tolerance: f64,
    /// CPTS ids whose size tier may change.
    pub expected_tier_changes: Vec<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_coverage_drop: 0.0,
            max_departement_drop: 0.0,
            allow_new_overlaps: false,
            population_tolerance: 1.0,
            expected_tier_changes: Vec::new(),
        }
    }
}

impl Rules {
    /// Fails when a limit is negative or not a number; `source` names where it came from.
    pub fn check_values(&self, source: &Path) -> Result<()> {
        let limits = [
            ("max_coverage_drop", self.max_coverage_drop),
            ("max_departement_drop", self.max_departement_drop),
            ("population_tolerance", self.population_tolerance),
        ];
        match limits.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
            Some((name, v)) => Err(Error::input(
                source,
                *name,
                format!("{v} is not a limit"),
                "give a finite number, zero or more (points or percent)",
            )),
            None => Ok(()),
        }
    }

    /// Reads rules from a TOML file; absent keys keep their defaults.
    pub fn from_file(path: &Path) -> Result<Rules> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| {
            Error::input(
                path,
                "the rules",
                e.message().to_string(),
                "keys: max_coverage_drop, max_departement_drop, allow_new_overlaps, population_tolerance, expected_tier_changes",
            )
        })
    }
}

/// Reads a `summary.json`, or the one in an output directory, refusing another schema version.
pub fn read_summary(path: &Path) -> Result<Summary> {
    let file: PathBuf = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read(&file).map_err(|source| Error::Read {
        path: file.clone(),
        source,
    })?;
    let fix = "give a summary.json written by `cpts analyze` (or its output directory)";
    // A byte order mark left by an editor is no part of the JSON.
    let json = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let value: serde_json::Value = serde_json::from_slice(json).map_err(|e| {
        Error::input(
            &file,
            format!("line {}", e.line()),
            format!("not JSON: {e}"),
            fix,
        )
    })?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if (u64::from(OLDEST_READABLE_SCHEMA)..=u64::from(SCHEMA_VERSION)).contains(&v) => {}
        Some(v) => {
            return Err(Error::input(
                &file,
                "schema_version",
                format!(
                    "the summary has schema version {v}; this cpts reads versions {OLDEST_READABLE_SCHEMA} to {SCHEMA_VERSION}"
                ),
                "run `cpts analyze` again on that summary's inputs with this version of cpts",
            ))
        }
        None => {
            return Err(Error::input(
                &file,
                "the whole file",
                "no schema_version: not a cpts summary",
                fix,
            ))
        }
    }
    serde_json::from_value(value).map_err(|e| {
        Error::input(
            &file,
            "the whole file",
            format!("unreadable summary: {e}"),
            fix,
        )
    })
}

/// Where a rule is evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    National,
    /// A département, by code.
    Departement(String),
}

/// A CPTS whose size tier changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    pub id: String,
    pub before: u8,
    pub after: u8,
}

/// What a rule compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Coverage rates (0 to 1) before and after; the largest drop allowed, in points.
    Coverage {
        before: f64,
        after: f64,
        max_drop: f64,
    },
    /// Populations before and after; their change and the tolerance, in percent.
    Population {
        before: f64,
        after: f64,
        change: f64,
        tolerance: f64,
    },
    /// Pairs of CPTS ids that overlap and did not in the baseline.
    NewOverlaps(Vec<(String, String)>),
    /// Tier changes not listed as expected.
    TierChanges(Vec<TierChange>),
    /// A département of the baseline's territory alone (a territory change allowed).
    OnlyInBaseline,
    /// A département of the current territory alone.
    OnlyInCurrent,
}

/// The verdict of one rule in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `coverage_drop`, `population`, `new_overlaps` or `tier_changes`.
    pub rule: &'static str,
    pub scope: Scope,
    pub passed: bool,
    pub finding: Finding,
}

/// Every outcome of a check, national ones first, then by département, with the
/// settings the two summaries were allowed to differ in.
#[derive(Debug, Clone)]
pub struct Check {
    pub outcomes: Vec<Outcome>,
    pub differences: Vec<Difference>,
}

/// Which differences between the summaries a check accepts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allowed {
    /// A polygon run against a membership run.
    pub mode_change: bool,
    /// Runs over different territories: the départements they share are judged.
    pub territory_change: bool,
}

impl Check {
    /// Whether every rule holds.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.passed)
    }

    /// The outcomes that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| !o.passed)
    }
}

/// Evaluates `rules` between `baseline` and `current`, read from the two paths; fails
/// (unusable input) when the two summaries do not count the same statuses, or differ in
/// mode or territory without `allowed` saying so.
pub fn check(
    (baseline_path, baseline): (&Path, &Summary),
    (current_path, current): (&Path, &Summary),
    rules: &Rules,
    allowed: Allowed,
) -> Result<Check> {
    let sorted = |s: &Summary| {
        let mut v = s.statuses_counted.clone();
        v.sort();
        v
    };
    if sorted(baseline) != sorted(current) {
        return Err(Error::input(
            current_path,
            "statuses_counted",
            format!(
                "the summaries count different statuses ({:?} against {:?} in the baseline)",
                current.statuses_counted, baseline.statuses_counted
            ),
            "run both analyses with the same --statuses",
        ));
    }
    let differences: Vec<Difference> = [
        comparable::modes(
            (baseline_path, &baseline.mode),
            (current_path, &current.mode),
            allowed.mode_change,
        )?,
        comparable::territories(
            (baseline_path, baseline),
            (current_path, current),
            allowed.territory_change,
        )?,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut outcomes = Vec::new();
    let national = |t: &Summary| Totals {
        population: t.total_population,
        covered_population: t.covered_population,
        coverage_rate: t.coverage_rate,
        white_zone_population: t.white_zone_population,
        access: None,
        ages: None,
    };
    let (before, after) = (departements(baseline), departements(current));
    let scopes: BTreeSet<&String> = before.keys().chain(after.keys()).copied().collect();
    let new_pairs = new_overlaps(baseline, current, None);
    let tier_changes = unexpected_tier_changes(baseline, current, rules);
    outcomes.push(coverage_outcome(
        Scope::National,
        Some(&national(baseline)),
        Some(&national(current)),
        rules.max_coverage_drop,
    ));
    outcomes.push(population_outcome(
        Scope::National,
        Some(&national(baseline)),
        Some(&national(current)),
        rules.population_tolerance,
    ));
    outcomes.push(overlap_outcome(
        Scope::National,
        new_pairs,
        rules.allow_new_overlaps,
    ));
    outcomes.push(tier_outcome(
        Scope::National,
        tier_changes.iter().map(|(change, _)| change),
    ));
    for d in scopes {
        let scope = || Scope::Departement(d.clone());
        let (b, a) = (before.get(d).copied(), after.get(d).copied());
        outcomes.push(coverage_outcome(scope(), b, a, rules.max_departement_drop));
        outcomes.push(population_outcome(
            scope(),
            b,
            a,
            rules.population_tolerance,
        ));
        let here = new_overlaps(baseline, current, Some(d));
        outcomes.push(overlap_outcome(scope(), here, rules.allow_new_overlaps));
        let tiers_here = tier_changes
            .iter()
            .filter(|(_, ds)| ds.contains(d))
            .map(|(change, _)| change);
        outcomes.push(tier_outcome(scope(), tiers_here));
    }
    Ok(Check {
        outcomes,
        differences,
    })
}

/// What a rule lets pass beyond its limit: below the precision the reports show
/// (0.01 point, 0.01 %), so that re-runs on other machines (other PROJ or libm builds)
/// are not told apart.
pub const SLACK: f64 = 1e-6;

fn departements(s: &Summary) -> BTreeMap<&String, &Totals> {
    s.by_departement
        .iter()
        .map(|r| (&r.departement, &r.totals))
        .collect()
}

/// The outcome of a département on one side only: not judged, the territory change
/// being allowed (else the check stopped before).
fn one_sided(rule: &'static str, scope: Scope, in_baseline: bool) -> Outcome {
    Outcome {
        rule,
        scope,
        passed: true,
        finding: match in_baseline {
            true => Finding::OnlyInBaseline,
            false => Finding::OnlyInCurrent,
        },
    }
}

fn coverage_outcome(
    scope: Scope,
    before: Option<&Totals>,
    after: Option<&Totals>,
    max_drop: f64,
) -> Outcome {
    let rule = "coverage_drop";
    match (before, after) {
        (Some(b), Some(a)) => Outcome {
            rule,
            scope,
            passed: 100.0 * (b.coverage_rate - a.coverage_rate) <= max_drop + SLACK,
            finding: Finding::Coverage {
                before: b.coverage_rate,
                after: a.coverage_rate,
                max_drop,
            },
        },
        (b, _) => one_sided(rule, scope, b.is_some()),
    }
}

fn population_outcome(
    scope: Scope,
    before: Option<&Totals>,
    after: Option<&Totals>,
    tolerance: f64,
) -> Outcome {
    let rule = "population";
    match (before, after) {
        (Some(b), Some(a)) => {
            let change = match (b.population, a.population) {
                (x, y) if x > 0.0 => 100.0 * (y - x) / x,
                (_, y) if y > 0.0 => f64::INFINITY,
                _ => 0.0,
            };
            Outcome {
                rule,
                scope,
                passed: change.abs() <= tolerance + SLACK,
                finding: Finding::Population {
                    before: b.population,
                    after: a.population,
                    change,
                    tolerance,
                },
            }
        }
        (b, _) => one_sided(rule, scope, b.is_some()),
    }
}

/// Pairs that overlap now (in `departement`, or anywhere) and did not there in the baseline.
fn new_overlaps(
    baseline: &Summary,
    current: &Summary,
    departement: Option<&String>,
) -> Vec<(String, String)> {
    let here = |o: &&crate::figures::summary::OverlapRow| {
        departement.is_none_or(|d| o.departements.contains(d))
    };
    let known: BTreeSet<(&String, &String)> = baseline
        .overlaps
        .iter()
        .filter(here)
        .map(|o| (&o.cpts_a, &o.cpts_b))
        .collect();
    current
        .overlaps
        .iter()
        .filter(here)
        .filter(|o| !known.contains(&(&o.cpts_a, &o.cpts_b)))
        .map(|o| (o.cpts_a.clone(), o.cpts_b.clone()))
        .collect()
}

fn overlap_outcome(scope: Scope, new_pairs: Vec<(String, String)>, allowed: bool) -> Outcome {
    Outcome {
        rule: "new_overlaps",
        scope,
        passed: allowed || new_pairs.is_empty(),
        finding: Finding::NewOverlaps(new_pairs),
    }
}

/// Tier changes not listed as expected, with the CPTS's départements.
fn unexpected_tier_changes<'a>(
    baseline: &Summary,
    current: &'a Summary,
    rules: &Rules,
) -> Vec<(TierChange, &'a [String])> {
    let before: BTreeMap<&String, u8> = baseline.cpts.iter().map(|c| (&c.id, c.tier)).collect();
    current
        .cpts
        .iter()
        .filter(|c| !rules.expected_tier_changes.contains(&c.id))
        .filter_map(|c| {
            let &t = before.get(&c.id).filter(|&&t| t != c.tier)?;
            Some((
                TierChange {
                    id: c.id.clone(),
                    before: t,
                    after: c.tier,
                },
                c.departements.as_slice(),
            ))
        })
        .collect()
}

fn tier_outcome<'a>(scope: Scope, changes: impl Iterator<Item = &'a TierChange>) -> Outcome {
    let changes: Vec<TierChange> = changes.cloned().collect();
    Outcome {
        rule: "tier_changes",
        scope,
        passed: changes.is_empty(),
        finding: Finding::TierChanges(changes),
    }
}
