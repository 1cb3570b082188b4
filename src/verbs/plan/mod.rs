//! The "Plan 100 % CPTS" (SPEC.md, seed 002): for each white zone the adjacent CPTS
//! that could absorb it, ranked; for the large ones, candidate new CPTS made of
//! contiguous uncovered communes; for each overlap, the CPTS that keeps the contested
//! territory; and what each proposal does to populations, tiers and ACI funding.

pub mod apply;

use crate::analysis::{project_perimeters, snapped, Analysis};
use crate::error::Result;
use crate::figures::funding::Tariff;
use crate::geometry::borders::Borders;
use crate::geometry::envelope::rectangle;
use crate::geometry::projection::Zone;
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::{Cpts, Missions, Tier, Unit};
use crate::overlay::membership::listing_cpts;
use crate::read::ght::Ght;
use geo::{Area, BoundingRect, Contains, InteriorPoint, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The rules of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// A white zone of at least this many inhabitants is proposed as a new CPTS
    /// (SPEC.md: 20 000).
    pub new_cpts_min: f64,
    /// A candidate new CPTS above this is split (the top of taille 3, 175 000).
    pub max_population: f64,
    /// A CPTS is adjacent to a white zone when they share at least this border, metres.
    pub min_border_m: f64,
    /// Regional criterion: a CPTS should exceed this population (seed 003: 20 000).
    pub regional_min: f64,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            new_cpts_min: 20_000.0,
            max_population: 175_000.0,
            min_border_m: 100.0,
            regional_min: 20_000.0,
        }
    }
}

/// A population change of one CPTS and its tier and funding, before and after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub population_before: f64,
    pub population_after: f64,
    pub tier_before: Tier,
    pub tier_after: Tier,
    /// Maximum funding.
    pub funding_before: u32,
    pub funding_after: u32,
    /// Funding of the missions it signed, when the perimeter file says which, now…
    pub missions_before: Option<u32>,
    /// …and at its taille after the change.
    pub missions_after: Option<u32>,
}

impl Change {
    fn new(cpts: &Cpts, before: f64, after: f64, tariff: &Tariff) -> Change {
        let missions = cpts.missions.as_ref();
        let (now, then) = (
            tariff.funding(before, missions),
            tariff.funding(after, missions),
        );
        Change {
            population_before: before,
            population_after: after,
            tier_before: now.tier,
            tier_after: then.tier,
            funding_before: now.maximum,
            funding_after: then.maximum,
            missions_before: now.missions,
            missions_after: then.missions,
        }
    }
}

/// A CPTS that could absorb a white zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    /// CPTS index.
    pub cpts: usize,
    /// Border shared with the white zone, metres.
    pub shared_border_m: f64,
    pub change: Change,
}

/// What is proposed for one white zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePlan {
    /// Index in `Analysis::white.zones` (`ZB-0001` is 0).
    pub zone: usize,
    /// The adjacent CPTS, longest shared border first (then by id).
    pub extensions: Vec<Extension>,
    /// The candidate new CPTS made of its communes, by index in [`Plan::candidates`]; a
    /// zone holding a commune of an earlier zone's candidate joins that candidate.
    pub candidates: Vec<usize>,
    /// When no CPTS shares its border (an island): the nearest CPTS, and how far it is.
    pub nearest: Option<Nearest>,
}

/// The CPTS nearest to a white zone no CPTS touches.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    pub cpts: usize,
    /// Metres between the zone and the CPTS.
    pub distance_m: f64,
    pub change: Change,
}

impl ZonePlan {
    /// The CPTS proposed to take the zone when no new CPTS is: the first extension,
    /// else the nearest CPTS.
    pub fn taker(&self) -> Option<usize> {
        match self.candidates.is_empty() {
            true => self
                .extensions
                .first()
                .map(|e| e.cpts)
                .or(self.nearest.as_ref().map(|n| n.cpts)),
            false => None,
        }
    }
}

/// A candidate new CPTS.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// `NC-0001`…
    pub id: String,
    /// The white zone it comes from.
    pub zone: usize,
    /// Units, by index, increasing.
    pub communes: Vec<usize>,
    /// Their population in the white zone.
    pub population: f64,
    pub tier: Tier,
    pub funding_max: u32,
}

/// Who keeps an overlap: the CPTS holding more inhabitants in the communes of the
/// contested territory (the overlaps sharing a commune), else the one with the longer
/// border with them, else the lower id.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapRuling {
    /// Index in `Analysis::overlaps`.
    pub overlap: usize,
    pub keeper: usize,
    pub leaver: usize,
    /// Inhabitants each holds in the contested territory's communes.
    pub keeper_population: f64,
    pub leaver_population: f64,
    /// Border the keeper shares with those communes, metres.
    pub keeper_border_m: f64,
    /// Border the leaver shares with them, metres.
    pub leaver_border_m: f64,
    /// The leaver gives up the overlap's population.
    pub leaver_change: Change,
}

/// Every proposal, and the funding if all were accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub options: PlanOptions,
    pub zones: Vec<ZonePlan>,
    pub candidates: Vec<Candidate>,
    pub rulings: Vec<OverlapRuling>,
    /// CPTS under the regional minimum, by index.
    pub small_cpts: Vec<usize>,
    /// Population of each CPTS if every proposal were accepted: for each white zone its
    /// candidates, else its first extension, else the nearest CPTS; every ruling.
    pub population_after: Vec<f64>,
    /// Each CPTS whose population the plan changes (by index), with the change.
    pub changed: Vec<(usize, Change)>,
    /// Sum of the CPTS's maximum funding now, and if every proposal were accepted
    /// (candidates included), euros.
    pub funding_before: u64,
    pub funding_after: u64,
    /// Sum of the funding of the missions signed, now and if every proposal were
    /// accepted, when the perimeter file says which (a candidate has signed none yet: the
    /// operation lines).
    pub missions_before: Option<u64>,
    pub missions_after: Option<u64>,
    /// The same by département, each CPTS counted in the département holding most of
    /// its inhabitants (a CPTS over no commune is in none), by code.
    pub by_departement: Vec<DepartementFunding>,
    /// With a GHT layer: the CPTS whose inhabitants lie in several GHT, each GHT
    /// holding at least [`GHT_SHARE`] of them.
    pub multi_ght: Vec<MultiGht>,
}

/// A GHT counts for a CPTS when it holds at least this share of its inhabitants (so
/// that a perimeter drawn over a GHT's border by a few houses is not flagged).
pub const GHT_SHARE: f64 = 0.05;

/// A CPTS spanning several GHT (SPEC.md, regional criteria).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiGht {
    pub cpts: usize,
    /// The GHT (by index in the layer) and the share of the CPTS's inhabitants in each,
    /// largest first.
    pub shares: Vec<(usize, f64)>,
}

/// Maximum funding of the CPTS counted in one département, now and after the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementFunding {
    pub departement: String,
    pub before: u64,
    pub after: u64,
}

/// The plan for `inputs` as `analysis` found them.
pub fn plan(
    inputs: &Inputs,
    analysis: &Analysis,
    tariff: &Tariff,
    options: &PlanOptions,
    ght: &[Ght],
) -> Result<Plan> {
    let units = &inputs.units;
    let grids = &analysis.grids;
    let projected: Vec<MultiPolygon<f64>> = inputs
        .projected
        .par_iter()
        .zip(units)
        .map(|(s, u)| grids[u.zone.index()].snap(s))
        .collect();
    let perimeters: Vec<Vec<Option<MultiPolygon<f64>>>> = match &inputs.perimeters {
        Perimeters::Polygons(shapes) => snapped(project_perimeters(&inputs.cpts, shapes)?, grids),
        Perimeters::Membership(_) => Vec::new(),
    };
    let by_unit = match &inputs.perimeters {
        Perimeters::Membership(lists) => listing_cpts(units.len(), lists),
        Perimeters::Polygons(_) => Vec::new(),
    };
    let owners: Vec<Borders> = Zone::ALL
        .iter()
        .map(|&zone| match &inputs.perimeters {
            Perimeters::Polygons(_) => Borders::new(
                perimeters[zone.index()]
                    .iter()
                    .enumerate()
                    .filter_map(|(k, s)| Some((s.as_ref()?, vec![k])))
                    .collect(),
            ),
            Perimeters::Membership(_) => {
                listed_borders(zone, units, &projected, &by_unit, |_| true)
            }
        })
        .collect();
    let population = &analysis.cpts_population;
    let white = &analysis.white;
    let extensions: Vec<(Vec<Extension>, Option<Nearest>)> = white
        .zones
        .par_iter()
        .map(|w| {
            let mut found: Vec<Extension> = owners[w.zone.index()]
                .shared(&w.shape)
                .into_iter()
                .filter(|&(_, length)| length >= options.min_border_m)
                .map(|(k, length)| Extension {
                    cpts: k,
                    shared_border_m: length,
                    change: Change::new(
                        &inputs.cpts[k],
                        population[k],
                        population[k] + w.population,
                        tariff,
                    ),
                })
                .collect();
            found.sort_by(|a, b| {
                b.shared_border_m
                    .total_cmp(&a.shared_border_m)
                    .then_with(|| inputs.cpts[a.cpts].id.cmp(&inputs.cpts[b.cpts].id))
            });
            let nearest = match found.is_empty() {
                true => owners[w.zone.index()]
                    .nearest(&w.shape)
                    .and_then(|(ks, distance)| {
                        let k = *ks.iter().min_by_key(|&&k| &inputs.cpts[k].id)?;
                        Some(Nearest {
                            cpts: k,
                            distance_m: distance,
                            change: Change::new(
                                &inputs.cpts[k],
                                population[k],
                                population[k] + w.population,
                                tariff,
                            ),
                        })
                    }),
                false => None,
            };
            (found, nearest)
        })
        .collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut zones = Vec::new();
    // A commune in two white zones (a CPTS between its parts) joins the candidates of
    // the first only, so that its people count once.
    let mut claimed: BTreeSet<usize> = BTreeSet::new();
    for (z, (w, (extensions, nearest))) in white.zones.iter().zip(extensions).enumerate() {
        let mut mine = Vec::new();
        // A zone holding a commune of an earlier candidate joins it, with its other
        // communes, whatever its size: the commune links them.
        let linked: Vec<usize> = (0..candidates.len())
            .filter(|&k| {
                let held: &Vec<usize> = &candidates[k].communes;
                w.communes.iter().any(|c| held.binary_search(c).is_ok())
            })
            .collect();
        if let Some(&first) = linked.first() {
            let rest: Vec<usize> = w
                .communes
                .iter()
                .copied()
                .filter(|c| claimed.insert(*c))
                .collect();
            let held = &mut candidates[first].communes;
            held.extend(rest);
            held.sort_unstable();
            mine = linked;
        }
        let communes: Vec<usize> = match mine.is_empty() && w.population >= options.new_cpts_min {
            true => w
                .communes
                .iter()
                .copied()
                .filter(|c| claimed.insert(*c))
                .collect(),
            false => Vec::new(),
        };
        if !communes.is_empty() {
            let groups = split(&communes, &white.unit_population, &projected, options);
            for communes in groups {
                let population: f64 = communes.iter().map(|&c| white.unit_population[c]).sum();
                let funding = tariff.funding(population, None);
                mine.push(candidates.len());
                candidates.push(Candidate {
                    id: format!("NC-{:04}", candidates.len() + 1),
                    zone: z,
                    communes,
                    population,
                    tier: funding.tier,
                    funding_max: funding.maximum,
                });
            }
        }
        zones.push(ZonePlan {
            zone: z,
            extensions,
            candidates: mine,
            nearest,
        });
    }
    // Linked zones added communes: figures from the final lists.
    for c in &mut candidates {
        c.population = c.communes.iter().map(|&u| white.unit_population[u]).sum();
        let funding = tariff.funding(c.population, None);
        (c.tier, c.funding_max) = (funding.tier, funding.maximum);
    }

    // A contested commune listed by both CPTS borders both everywhere: the border of
    // each is measured against its other communes only.
    let contested: BTreeSet<usize> = analysis
        .overlaps
        .iter()
        .flat_map(|o| o.communes.iter().copied())
        .collect();
    let uncontested: Vec<Borders>;
    let around: &[Borders] = match &inputs.perimeters {
        Perimeters::Polygons(_) => &owners,
        Perimeters::Membership(_) => {
            uncontested = Zone::ALL
                .iter()
                .map(|&zone| {
                    listed_borders(zone, units, &projected, &by_unit, |i| {
                        !contested.contains(&i)
                    })
                })
                .collect();
            &uncontested
        }
    };
    let rulings = rule_overlaps(inputs, analysis, &projected, around, tariff);
    let mut after = population.clone();
    for z in &zones {
        if let Some(k) = z.taker() {
            after[k] += white.zones[z.zone].population;
        }
    }
    for (k, lost) in given_up(inputs, analysis, &projected, &rulings) {
        after[k] -= lost;
    }
    let funding = |pops: &[f64]| -> u64 {
        pops.iter()
            .map(|&p| u64::from(tariff.funding(p, None).maximum))
            .sum()
    };
    let signed = inputs.cpts.iter().any(|c| c.missions.is_some());
    let missions = |pops: &[f64]| -> Option<u64> {
        signed.then(|| {
            pops.iter()
                .zip(&inputs.cpts)
                .filter_map(|(&p, c)| tariff.funding(p, c.missions.as_ref()).missions)
                .map(u64::from)
                .sum()
        })
    };
    let funding_after = funding(&after)
        + candidates
            .iter()
            .map(|c| u64::from(c.funding_max))
            .sum::<u64>();
    let by_departement = by_departement(inputs, analysis, tariff, &after, &candidates);
    Ok(Plan {
        by_departement,
        multi_ght: multi_ght(inputs, analysis, ght),
        options: options.clone(),
        small_cpts: (0..population.len())
            .filter(|&k| population[k] < options.regional_min)
            .collect(),
        funding_before: funding(population),
        funding_after,
        missions_before: missions(population),
        // A new CPTS has signed no mission yet: the operation lines, at its taille.
        missions_after: missions(&after).map(|m| {
            m + candidates
                .iter()
                .filter_map(|c| {
                    tariff
                        .funding(c.population, Some(&Missions::default()))
                        .missions
                })
                .map(u64::from)
                .sum::<u64>()
        }),
        changed: (0..after.len())
            .filter(|&k| after[k] != population[k])
            .map(|k| {
                (
                    k,
                    Change::new(&inputs.cpts[k], population[k], after[k], tariff),
                )
            })
            .collect(),
        population_after: after,
        zones,
        candidates,
        rulings,
    })
}

/// The borders of the listed units of `zone` that `keep` keeps, each keyed by the CPTS
/// listing it (membership mode).
fn listed_borders<'a>(
    zone: Zone,
    units: &[Unit],
    projected: &'a [MultiPolygon<f64>],
    by_unit: &[Vec<usize>],
    keep: impl Fn(usize) -> bool,
) -> Borders<'a> {
    Borders::new(
        (0..projected.len())
            .filter(|&i| units[i].zone == zone && !by_unit[i].is_empty() && keep(i))
            .map(|i| (&projected[i], by_unit[i].clone()))
            .collect(),
    )
}

/// Rules every overlap. The overlaps that share a commune form one contested
/// territory, where the CPTS are ranked once: more inhabitants held in its communes
/// first, then (a tie, as when both list the same communes) the longer border with
/// them, then the lower id. Each pair's keeper is the higher ranked, so that land under
/// three CPTS stays with one of them.
fn rule_overlaps(
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    owners: &[Borders],
    tariff: &Tariff,
) -> Vec<OverlapRuling> {
    let units = &inputs.units;
    let overlaps = &analysis.overlaps;
    // Contested territories: overlaps joined by a shared commune.
    let mut territory: Vec<usize> = (0..overlaps.len()).collect();
    let root = |t: &[usize], mut o: usize| {
        while t[o] != o {
            o = t[o];
        }
        o
    };
    let mut first_overlap: BTreeMap<usize, usize> = BTreeMap::new();
    for (o, overlap) in overlaps.iter().enumerate() {
        for &c in &overlap.communes {
            let other = *first_overlap.entry(c).or_insert(o);
            let (x, y) = (root(&territory, other), root(&territory, o));
            territory[x.max(y)] = x.min(y);
        }
    }
    let mut communes: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (o, overlap) in overlaps.iter().enumerate() {
        let t = root(&territory, o);
        communes.entry(t).or_default().extend(&overlap.communes);
    }
    // Inhabitants each CPTS holds in a territory's communes, and its border with them.
    let rank = |t: usize, k: usize| -> (f64, f64) {
        let mut held = 0.0;
        let mut border = 0.0;
        for &c in &communes[&t] {
            let cover = &analysis.covers[c];
            let area: f64 = cover
                .pieces
                .iter()
                .filter(|p| p.cpts == k)
                .map(|p| p.area)
                .sum();
            held += units[c].population * share(area, cover.area);
            for polygon in &projected[c].0 {
                border += owners[units[c].zone.index()]
                    .shared(polygon)
                    .get(&k)
                    .copied()
                    .unwrap_or(0.0);
            }
        }
        (held, border)
    };
    // Each CPTS measured once per territory, however many of its overlaps lie there.
    let ranks: BTreeMap<(usize, usize), (f64, f64)> = overlaps
        .iter()
        .enumerate()
        .flat_map(|(o, overlap)| {
            let t = root(&territory, o);
            [(t, overlap.a), (t, overlap.b)]
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|(t, k)| ((t, k), rank(t, k)))
        .collect();
    overlaps
        .iter()
        .enumerate()
        .map(|(o, overlap)| {
            let t = root(&territory, o);
            let (a, b) = (ranks[&(t, overlap.a)], ranks[&(t, overlap.b)]);
            // `a` has the lower id, so it wins a complete tie.
            let a_keeps = a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).is_ge();
            let ((keeper, kept), (leaver, left)) = match a_keeps {
                true => ((overlap.a, a), (overlap.b, b)),
                false => ((overlap.b, b), (overlap.a, a)),
            };
            let population = &analysis.cpts_population;
            OverlapRuling {
                overlap: o,
                keeper,
                leaver,
                keeper_population: kept.0,
                leaver_population: left.0,
                keeper_border_m: kept.1,
                leaver_border_m: left.1,
                leaver_change: Change::new(
                    &inputs.cpts[leaver],
                    population[leaver],
                    population[leaver] - overlap.population,
                    tariff,
                ),
            }
        })
        .collect()
}

/// The inhabitants each leaving CPTS gives up under `rulings`, by CPTS: the
/// overlaps' populations, less, in a commune under two overlaps it leaves (land under
/// three CPTS), what they share, so that it counts once.
fn given_up(
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    rulings: &[OverlapRuling],
) -> BTreeMap<usize, f64> {
    let mut total: BTreeMap<usize, f64> = BTreeMap::new();
    let mut left_in: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for r in rulings {
        let overlap = &analysis.overlaps[r.overlap];
        *total.entry(r.leaver).or_insert(0.0) += overlap.population;
        for &c in &overlap.communes {
            left_in.entry((r.leaver, c)).or_default().push(r.overlap);
        }
    }
    for ((k, c), left) in left_in.into_iter().filter(|(_, left)| left.len() > 1) {
        let unit = &inputs.units[c];
        let grid = &analysis.grids[unit.zone.index()];
        let pieces: Vec<MultiPolygon<f64>> = left
            .iter()
            .flat_map(|&o| &analysis.overlaps[o].shapes)
            .filter(|(zone, _)| *zone == unit.zone)
            .map(|(_, shape)| grid.intersection_multi(shape, &projected[c]))
            .collect();
        let people = |area: f64| unit.population * share(area, analysis.covers[c].area);
        let counted: f64 = pieces.iter().map(|p| people(p.unsigned_area())).sum();
        let once = people(grid.union(&pieces).unsigned_area());
        *total.entry(k).or_insert(0.0) -= counted - once;
    }
    total
}

/// The CPTS whose inhabitants lie in several GHT: each commune is in the GHT holding
/// its interior point.
fn multi_ght(inputs: &Inputs, analysis: &Analysis, ght: &[Ght]) -> Vec<MultiGht> {
    if ght.is_empty() {
        return Vec::new();
    }
    let tree = RTree::bulk_load(
        ght.iter()
            .enumerate()
            .filter_map(|(g, x)| Some(GeomWithData::new(rectangle(x.shape.bounding_rect()?), g)))
            .collect(),
    );
    let of_unit: Vec<Option<usize>> = inputs
        .units
        .par_iter()
        .map(|u| {
            let p = u.geometry.interior_point()?;
            tree.locate_all_at_point(&[p.x(), p.y()])
                .map(|b| b.data)
                .filter(|&g| ght[g].shape.contains(&p))
                .min()
        })
        .collect();
    let mut held: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); inputs.cpts.len()];
    for ((u, cover), g) in inputs.units.iter().zip(&analysis.covers).zip(&of_unit) {
        if let Some(g) = g {
            for piece in &cover.pieces {
                *held[piece.cpts].entry(*g).or_insert(0.0) +=
                    u.population * share(piece.area, cover.area);
            }
        }
    }
    held.into_iter()
        .enumerate()
        .filter_map(|(k, by_ght)| {
            let total = analysis.cpts_population[k];
            let mut shares: Vec<(usize, f64)> = by_ght
                .into_iter()
                .map(|(g, people)| (g, people / total))
                .filter(|&(_, share)| share >= GHT_SHARE)
                .collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            (shares.len() > 1).then_some(MultiGht { cpts: k, shares })
        })
        .collect()
}

/// The funding of each département, now and after: each existing CPTS in the
/// département holding most of its inhabitants, each candidate in the one holding most
/// of its white population.
fn by_departement(
    inputs: &Inputs,
    analysis: &Analysis,
    tariff: &Tariff,
    after: &[f64],
    candidates: &[Candidate],
) -> Vec<DepartementFunding> {
    let units = &inputs.units;
    let mut held: Vec<BTreeMap<&str, f64>> = vec![BTreeMap::new(); inputs.cpts.len()];
    for (u, cover) in units.iter().zip(&analysis.covers) {
        for piece in &cover.pieces {
            *held[piece.cpts].entry(&u.departement).or_insert(0.0) +=
                u.population * share(piece.area, cover.area);
        }
    }
    let home = |people: &BTreeMap<&str, f64>| -> Option<String> {
        people
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(d, _)| d.to_string())
    };
    let maximum = |p: f64| u64::from(tariff.funding(p, None).maximum);
    let mut totals: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (k, people) in held.iter().enumerate() {
        if let Some(d) = home(people) {
            let t = totals.entry(d).or_default();
            t.0 += maximum(analysis.cpts_population[k]);
            t.1 += maximum(after[k]);
        }
    }
    for c in candidates {
        let mut people: BTreeMap<&str, f64> = BTreeMap::new();
        for &u in &c.communes {
            *people.entry(&units[u].departement).or_insert(0.0) +=
                analysis.white.unit_population[u];
        }
        if let Some(d) = home(&people) {
            totals.entry(d).or_default().1 += u64::from(c.funding_max);
        }
    }
    totals
        .into_iter()
        .map(|(departement, (before, after))| DepartementFunding {
            departement,
            before,
            after,
        })
        .collect()
}

/// Splits `communes` into contiguous groups of at most `max_population` inhabitants
/// (unless one commune alone is larger): each grown breadth-first from the westernmost
/// commune left until it holds its share of the total, passing over a commune that
/// would take it above the maximum. Shares leave room for a group under
/// `new_cpts_min`, which then joins the smallest group it touches that stays within
/// the maximum, or, touching none (an island), the nearest such group; with no such
/// group it stays a candidate of its own.
fn split(
    communes: &[usize],
    population: &[f64],
    shapes: &[MultiPolygon<f64>],
    options: &PlanOptions,
) -> Vec<Vec<usize>> {
    let total: f64 = communes.iter().map(|&c| population[c]).sum();
    if total <= options.max_population {
        return vec![communes.to_vec()];
    }
    let room = (options.max_population - options.new_cpts_min).max(options.max_population / 2.0);
    let count = (total / room).ceil().max(1.0);
    if count == 1.0 {
        return vec![communes.to_vec()];
    }
    let share = total / count;
    let neighbours = adjacency(communes, shapes);
    let corner = |c: usize| {
        shapes[c]
            .bounding_rect()
            .map_or((0.0, 0.0), |r| (r.min().x, r.min().y))
    };
    let mut left: BTreeSet<usize> = communes.iter().copied().collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    while let Some(&seed) = left
        .iter()
        .min_by(|&&a, &&b| corner(a).0.total_cmp(&corner(b).0))
    {
        let mut group = Vec::new();
        let mut held = 0.0;
        let mut queued = BTreeSet::from([seed]);
        let mut queue = VecDeque::from([seed]);
        while let Some(c) = queue.pop_front() {
            if !group.is_empty() && held + population[c] > options.max_population {
                continue;
            }
            left.remove(&c);
            group.push(c);
            held += population[c];
            if held >= share {
                break;
            }
            for &n in &neighbours[&c] {
                if left.contains(&n) && queued.insert(n) {
                    queue.push_back(n);
                }
            }
        }
        groups.push(group);
    }
    let pop = |g: &[usize]| g.iter().map(|&c| population[c]).sum::<f64>();
    let centre = |g: &[usize]| {
        let n = g.len().max(1) as f64;
        let (x, y) = g
            .iter()
            .fold((0.0, 0.0), |(x, y), &c| (x + corner(c).0, y + corner(c).1));
        (x / n, y / n)
    };
    // Merge the smallest group under the minimum, one at a time, while one can be.
    let mut alone: BTreeSet<Vec<usize>> = BTreeSet::new();
    while groups.len() > 1 {
        let Some(small) = (0..groups.len())
            .filter(|&g| pop(&groups[g]) < options.new_cpts_min && !alone.contains(&groups[g]))
            .min_by(|&a, &b| pop(&groups[a]).total_cmp(&pop(&groups[b])))
        else {
            break;
        };
        let fits = pop(&groups[small]);
        let with_room: Vec<usize> = (0..groups.len())
            .filter(|&g| g != small && pop(&groups[g]) + fits <= options.max_population)
            .collect();
        let others = || with_room.iter().copied();
        let touching = others()
            .filter(|&g| {
                groups[small]
                    .iter()
                    .any(|c| neighbours[c].iter().any(|n| groups[g].contains(n)))
            })
            .min_by(|&a, &b| pop(&groups[a]).total_cmp(&pop(&groups[b])));
        let (sx, sy) = centre(&groups[small]);
        let distance = |g: usize| {
            let (x, y) = centre(&groups[g]);
            (x - sx).hypot(y - sy)
        };
        let nearest = others().min_by(|&a, &b| distance(a).total_cmp(&distance(b)));
        let Some(into) = touching.or(nearest) else {
            alone.insert(groups[small].clone());
            continue;
        };
        let moved = std::mem::take(&mut groups[small]);
        groups[into].extend(moved);
        groups.remove(small);
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort();
    groups
}

/// Which of `communes` share a border with which.
fn adjacency(communes: &[usize], shapes: &[MultiPolygon<f64>]) -> BTreeMap<usize, Vec<usize>> {
    let borders = Borders::new(communes.iter().map(|&c| (&shapes[c], vec![c])).collect());
    communes
        .par_iter()
        .map(|&c| {
            let mut around: BTreeSet<usize> = BTreeSet::new();
            for polygon in &shapes[c].0 {
                around.extend(borders.shared(polygon).into_keys());
            }
            around.remove(&c);
            (c, around.into_iter().collect())
        })
        .collect()
}

/// `part / whole`, 0 for a unit without area (a membership listing may name one).
fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}
