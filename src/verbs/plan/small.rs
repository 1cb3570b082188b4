//! The CPTS under the regional minimum (seed 003: more than 20 000 inhabitants): for
//! each, the white zones the plan gives it when they are enough, else a merger with a
//! neighbouring CPTS within the plan's borders, else why none fits.

use crate::analysis::Analysis;
use crate::figures::funding::Tariff;
use crate::load::inputs::Inputs;
use crate::model::Tier;
use crate::verbs::plan::{Change, Crossing, Homes, PlanOptions};
use std::collections::BTreeMap;

/// What is proposed for a CPTS under the regional minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallCpts {
    /// CPTS index.
    pub cpts: usize,
    pub proposal: SmallProposal,
}

/// A small CPTS's way to the regional minimum.
#[derive(Debug, Clone, PartialEq)]
pub enum SmallProposal {
    /// The white zones the plan gives it bring it to the minimum.
    Grown(Change),
    /// Merged with a neighbouring CPTS.
    Merger(Merger),
    /// Nothing fits, for this reason.
    Unsolved(Unsolved),
}

/// Two CPTS merged into one: two operation lines of the ACI become one.
#[derive(Debug, Clone, PartialEq)]
pub struct Merger {
    /// The CPTS it merges with.
    pub with: usize,
    pub shared_border_m: f64,
    /// The administrative border the merger crosses.
    pub crossing: Crossing,
    /// Each CPTS's population once the plan's white zones are given, and the sum.
    pub population: f64,
    pub with_population: f64,
    pub merged_population: f64,
    pub tier: Tier,
    /// The two CPTS's maximum funding, summed, and the merged CPTS's, euros.
    pub funding_before: u32,
    pub funding_after: u32,
}

/// Why no merger fits a small CPTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsolved {
    /// Its perimeter reaches beyond the communes analysed: its whole population is not
    /// known.
    Partial,
    /// No CPTS shares its border.
    Island,
    /// Every neighbour is across a border the rules keep (another region).
    OutsideTheRules,
    /// Merged with any neighbour, it would exceed the maximum population.
    TooLarge,
}

impl Unsolved {
    /// The reason, in `plan.json`'s words.
    pub fn as_str(self) -> &'static str {
        match self {
            Unsolved::Partial => {
                "its perimeter reaches beyond the communes analysed: its whole population is not known"
            }
            Unsolved::Island => "island: no CPTS shares its border",
            Unsolved::OutsideTheRules => {
                "every neighbouring CPTS is of another region (--cross-regions lifts the rule)"
            }
            Unsolved::TooLarge => {
                "merged with any neighbouring CPTS it would exceed the maximum population"
            }
        }
    }
}

/// The proposal for each CPTS under `options.regional_min` at its population in
/// `analysis`, by index: `after` gives the populations once the plan's proposals are
/// accepted, `neighbours(k)` the CPTS sharing a border with CPTS `k` and the border's
/// length, metres. A CPTS reaching beyond the communes analysed, whose whole
/// population is not known, is neither judged nor offered as a partner. A merger goes
/// to the neighbour of the same département first (unless `cross_departements`), then
/// of the same region (another region only with `cross_regions`), then the longest
/// border, then the lower id, whose merged population stays within the maximum.
pub(super) fn small_cpts(
    inputs: &Inputs,
    analysis: &Analysis,
    homes: &Homes,
    after: &[f64],
    neighbours: impl Fn(usize) -> BTreeMap<usize, f64>,
    tariff: &Tariff,
    options: &PlanOptions,
) -> Vec<SmallCpts> {
    (0..after.len())
        .filter(|&k| analysis.cpts_population[k] < options.regional_min)
        .map(|k| {
            let (present, partial) = (&analysis.cpts_population, &analysis.partial);
            let proposal = if partial[k] {
                SmallProposal::Unsolved(Unsolved::Partial)
            } else if after[k] >= options.regional_min {
                SmallProposal::Grown(Change::new(&inputs.cpts[k], present[k], after[k], tariff))
            } else {
                let mut around = neighbours(k);
                around.retain(|&j, _| !partial[j]);
                merger(k, homes, after, &around, inputs, tariff, options)
            };
            SmallCpts { cpts: k, proposal }
        })
        .collect()
}

/// The merger of CPTS `k` with one of `around`, or why none fits.
fn merger(
    k: usize,
    homes: &Homes,
    after: &[f64],
    around: &BTreeMap<usize, f64>,
    inputs: &Inputs,
    tariff: &Tariff,
    options: &PlanOptions,
) -> SmallProposal {
    if around.is_empty() {
        return SmallProposal::Unsolved(Unsolved::Island);
    }
    let crossing = |j: usize| homes.crossing(j, &homes.departements[k]);
    let allowed: Vec<(usize, f64)> = around
        .iter()
        .map(|(&j, &m)| (j, m))
        .filter(|&(j, _)| options.cross_regions || crossing(j) != Crossing::Region)
        .collect();
    if allowed.is_empty() {
        return SmallProposal::Unsolved(Unsolved::OutsideTheRules);
    }
    let rank = |j: usize| match (options.cross_departements, crossing(j)) {
        (true, Crossing::Departement) => Crossing::None,
        (_, c) => c,
    };
    let best = allowed
        .into_iter()
        .filter(|&(j, _)| after[k] + after[j] <= options.max_population)
        .min_by(|a, b| {
            rank(a.0)
                .cmp(&rank(b.0))
                .then(b.1.total_cmp(&a.1))
                .then_with(|| inputs.cpts[a.0].id.cmp(&inputs.cpts[b.0].id))
        });
    let Some((j, border)) = best else {
        return SmallProposal::Unsolved(Unsolved::TooLarge);
    };
    let maximum = |p: f64| tariff.funding(p, None);
    let merged = after[k] + after[j];
    let funding = maximum(merged);
    SmallProposal::Merger(Merger {
        with: j,
        shared_border_m: border,
        crossing: crossing(j),
        population: after[k],
        with_population: after[j],
        merged_population: merged,
        tier: funding.tier,
        funding_before: maximum(after[k]).maximum + maximum(after[j]).maximum,
        funding_after: funding.maximum,
    })
}
