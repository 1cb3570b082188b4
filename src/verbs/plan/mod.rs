//! The "Plan 100 % CPTS" (SPEC.md, seed 002): for each white zone the adjacent CPTS
//! that could absorb it, ranked; for the large ones, candidate new CPTS made of
//! contiguous uncovered communes; for each overlap, the CPTS that keeps the contested
//! territory; and what each proposal does to populations, tiers and ACI funding.

pub mod apply;
pub mod grouping;
pub mod parts;
pub mod small;

use crate::analysis::{project_perimeters, snapped, Analysis};
use crate::error::Result;
use crate::figures::funding::Tariff;
use crate::figures::summary::cpts_departements;
use crate::geometry::borders::Borders;
use crate::geometry::envelope::rectangle;
use crate::geometry::grid::Grid;
use crate::geometry::projection::Zone;
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::{Cpts, Missions, Tier, Unit};
use crate::overlay::membership::listing_cpts;
use crate::overlay::people::People;
use crate::read::ght::Ght;
use crate::zones::overlaps::Overlap;
use crate::zones::white_zones::WhiteZones;
use geo::{Area, BoundingRect, Contains, InteriorPoint, MultiPolygon};
use grouping::{pieces, split, Intercommunalities};
use parts::{zone_parts, ZonePart};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use small::{small_cpts, SmallCpts};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Whether a CPTS of another département ranks with those of the white zone's
    /// (by default it comes after them).
    pub cross_departements: bool,
    /// Whether a CPTS of another region may take a white zone in (by default never:
    /// each ARS plans its own region).
    pub cross_regions: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            new_cpts_min: 20_000.0,
            max_population: 175_000.0,
            min_border_m: 100.0,
            regional_min: 20_000.0,
            cross_departements: false,
            cross_regions: false,
        }
    }
}

/// The administrative border an extension crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Crossing {
    /// The CPTS holds communes of a département of the white zone.
    None,
    /// It holds communes of the zone's region only.
    Departement,
    /// It holds no commune of the zone's regions.
    Region,
}

impl Crossing {
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Crossing::None => None,
            Crossing::Departement => Some("departement"),
            Crossing::Region => Some("region"),
        }
    }
}

/// The départements of the communes each CPTS holds, and the region of each.
struct Homes {
    departements: Vec<Vec<String>>,
    /// The region of each département of the units.
    region_of: BTreeMap<String, String>,
}

impl Homes {
    fn new(inputs: &Inputs, analysis: &Analysis) -> Homes {
        Homes {
            departements: cpts_departements(inputs, analysis),
            region_of: inputs
                .units
                .iter()
                .map(|u| (u.departement.clone(), u.region.clone()))
                .collect(),
        }
    }

    /// The border CPTS `k` crosses to take in a zone of `departements`.
    fn crossing(&self, k: usize, departements: &[String]) -> Crossing {
        let home = &self.departements[k];
        let region = |d: &String| self.region_of.get(d);
        if departements.iter().any(|d| home.contains(d)) {
            Crossing::None
        } else if departements
            .iter()
            .filter_map(region)
            .any(|r| home.iter().filter_map(region).any(|h| h == r))
        {
            Crossing::Departement
        } else {
            Crossing::Region
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
    /// The administrative border the CPTS would cross.
    pub crossing: Crossing,
    pub change: Change,
}

/// What is proposed for one white zone, or its part in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePlan {
    pub part: ZonePart,
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
    /// The white zone (or part) it comes from, by index in [`Plan::zones`].
    pub part: usize,
    /// Units, by index, increasing.
    pub communes: Vec<usize>,
    /// The EPCI it holds whole, sorted.
    pub epci: Vec<String>,
    /// Whether each of its units is in an EPCI it holds whole.
    pub whole_epci: bool,
    /// How many contiguous pieces its communes make: more than one when a piece of its
    /// white zone too small for a CPTS of its own (an island) joined it.
    pub pieces: usize,
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
    /// Whether the communes layer gave each commune's EPCI, along which candidates are
    /// drawn.
    pub epci_known: bool,
    pub zones: Vec<ZonePlan>,
    pub candidates: Vec<Candidate>,
    pub rulings: Vec<OverlapRuling>,
    /// CPTS under the regional minimum, by index, and what is proposed for each.
    pub small_cpts: Vec<SmallCpts>,
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

impl Plan {
    /// How many white zones are planned, and how many of them, across a region border,
    /// are planned region by region.
    pub fn zone_count(&self) -> (usize, usize) {
        let mut parts: BTreeMap<usize, usize> = BTreeMap::new();
        for z in &self.zones {
            *parts.entry(z.part.zone).or_insert(0) += 1;
        }
        (parts.len(), parts.values().filter(|&&n| n > 1).count())
    }
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
    let population = &analysis.cpts_population;
    let projected = projected_units(inputs, &analysis.grids);
    let holders = Holders::new(inputs, &analysis.grids)?;
    let owners = holders.borders(&inputs.units, &projected);
    let white = &analysis.white;
    let homes = Homes::new(inputs, analysis);
    let parts = zone_parts(
        inputs,
        analysis,
        &projected,
        &homes.region_of,
        options.cross_regions,
    );
    let reach: Vec<Reach> = parts
        .par_iter()
        .map(|p| reach_of(p, &owners, &homes, inputs, population, tariff, options))
        .collect();
    let epci = Intercommunalities::new(&inputs.units);
    let (zones, candidates) = zone_plans(parts, reach, white, &projected, &epci, tariff, options);
    let uncontested = holders.uncontested(&inputs.units, &projected, analysis);
    let around = uncontested.as_deref().unwrap_or(&owners);
    let rulings = rule_overlaps(inputs, analysis, &projected, around, tariff);
    let after = population_after(inputs, analysis, &projected, &zones, &rulings)?;
    Ok(Plan {
        epci_known: epci.known(),
        by_departement: by_departement(inputs, analysis, tariff, &after, &candidates),
        multi_ght: multi_ght(inputs, analysis, ght),
        options: options.clone(),
        small_cpts: small_cpts(
            inputs,
            analysis,
            &homes,
            &after,
            |k| holders.neighbours(k, &owners, &inputs.units, &projected),
            tariff,
            options,
        ),
        funding_before: total_funding(tariff, population),
        funding_after: total_funding(tariff, &after) + candidates_funding(&candidates),
        missions_before: total_missions(inputs, tariff, population),
        missions_after: total_missions(inputs, tariff, &after)
            .map(|m| m + candidates_missions(&candidates, tariff)),
        changed: changes(inputs, population, &after, tariff),
        population_after: after,
        zones,
        candidates,
        rulings,
    })
}

/// Each unit projected and snapped to its zone's grid.
fn projected_units(inputs: &Inputs, grids: &[Grid]) -> Vec<MultiPolygon<f64>> {
    inputs
        .projected
        .par_iter()
        .zip(&inputs.units)
        .map(|(s, u)| grids[u.zone.index()].snap(s))
        .collect()
}

/// Who holds the territory, as the perimeter file says.
enum Holders {
    /// Polygon mode: each CPTS's perimeter in each zone of [`Zone::ALL`], projected and
    /// snapped.
    Perimeters(Vec<Vec<Option<MultiPolygon<f64>>>>),
    /// Membership mode: the CPTS listing each unit.
    Listings(Vec<Vec<usize>>),
}

impl Holders {
    fn new(inputs: &Inputs, grids: &[Grid]) -> Result<Holders> {
        Ok(match &inputs.perimeters {
            Perimeters::Polygons(shapes) => {
                Holders::Perimeters(snapped(project_perimeters(&inputs.cpts, shapes)?, grids))
            }
            Perimeters::Membership(lists) => {
                Holders::Listings(listing_cpts(inputs.units.len(), lists))
            }
        })
    }

    /// The territory of the CPTS in each zone of [`Zone::ALL`], each piece keyed by the
    /// CPTS holding it.
    fn borders<'a>(
        &'a self,
        units: &[Unit],
        projected: &'a [MultiPolygon<f64>],
    ) -> Vec<Borders<'a>> {
        Zone::ALL
            .iter()
            .map(|&zone| match self {
                Holders::Perimeters(perimeters) => Borders::new(
                    perimeters[zone.index()]
                        .iter()
                        .enumerate()
                        .filter_map(|(k, s)| Some((s.as_ref()?, vec![k])))
                        .collect(),
                ),
                Holders::Listings(by_unit) => {
                    listed_borders(zone, units, projected, by_unit, |_| true)
                }
            })
            .collect()
    }

    /// The CPTS sharing a border with CPTS `k`, and the border's length, metres, given
    /// the territories of [`Holders::borders`].
    fn neighbours(
        &self,
        k: usize,
        owners: &[Borders],
        units: &[Unit],
        projected: &[MultiPolygon<f64>],
    ) -> BTreeMap<usize, f64> {
        let shapes: Vec<(Zone, &MultiPolygon<f64>)> = match self {
            Holders::Perimeters(perimeters) => Zone::ALL
                .iter()
                .filter_map(|&zone| Some((zone, perimeters[zone.index()][k].as_ref()?)))
                .collect(),
            Holders::Listings(by_unit) => (0..units.len())
                .filter(|&i| by_unit[i].contains(&k))
                .map(|i| (units[i].zone, &projected[i]))
                .collect(),
        };
        let mut around: BTreeMap<usize, f64> = BTreeMap::new();
        for (zone, shape) in shapes {
            for (j, length) in owners[zone.index()].shared_multi(shape) {
                *around.entry(j).or_insert(0.0) += length;
            }
        }
        around.remove(&k);
        around
    }

    /// In membership mode, the borders of the listed units outside every overlap: a
    /// contested commune listed by both CPTS borders both everywhere, so the border of
    /// each is measured against its other communes only. `None` in polygon mode, where
    /// [`Holders::borders`] serve.
    fn uncontested<'a>(
        &self,
        units: &[Unit],
        projected: &'a [MultiPolygon<f64>],
        analysis: &Analysis,
    ) -> Option<Vec<Borders<'a>>> {
        let Holders::Listings(by_unit) = self else {
            return None;
        };
        let contested: BTreeSet<usize> = analysis
            .overlaps
            .iter()
            .flat_map(|o| o.communes.iter().copied())
            .collect();
        Some(
            Zone::ALL
                .iter()
                .map(|&zone| {
                    listed_borders(zone, units, projected, by_unit, |i| !contested.contains(&i))
                })
                .collect(),
        )
    }
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

/// The CPTS that could absorb a white zone, and the nearest one when none could.
type Reach = (Vec<Extension>, Option<Nearest>);

/// What could take white zone part `w`, given the CPTS territories in each zone: the CPTS
/// sharing at least the minimum border with it (none of another region, unless
/// `cross_regions`), those of its départements first (unless `cross_departements`),
/// then longest border first (then by id); and, when there is none, the nearest CPTS.
fn reach_of(
    w: &ZonePart,
    owners: &[Borders],
    homes: &Homes,
    inputs: &Inputs,
    population: &[f64],
    tariff: &Tariff,
    options: &PlanOptions,
) -> Reach {
    let taking = |k: usize| {
        Change::new(
            &inputs.cpts[k],
            population[k],
            population[k] + w.population,
            tariff,
        )
    };
    let owners = &owners[w.projection.index()];
    let in_region =
        |k: usize| options.cross_regions || homes.crossing(k, &w.departements) != Crossing::Region;
    let mut found: Vec<Extension> = owners
        .shared_multi(&w.shape)
        .into_iter()
        .filter(|&(_, length)| length >= options.min_border_m)
        .map(|(k, length)| Extension {
            cpts: k,
            shared_border_m: length,
            crossing: homes.crossing(k, &w.departements),
            change: taking(k),
        })
        .filter(|e| options.cross_regions || e.crossing != Crossing::Region)
        .collect();
    let rank = |e: &Extension| match options.cross_departements {
        true => Crossing::None,
        false => e.crossing.min(Crossing::Departement),
    };
    found.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.shared_border_m.total_cmp(&a.shared_border_m))
            .then_with(|| inputs.cpts[a.cpts].id.cmp(&inputs.cpts[b.cpts].id))
    });
    let nearest = match found.is_empty() {
        true => owners
            .nearest(&w.shape, in_region)
            .and_then(|(ks, distance)| {
                let k = *ks
                    .iter()
                    .filter(|&&k| in_region(k))
                    .min_by_key(|&&k| &inputs.cpts[k].id)?;
                Some(Nearest {
                    cpts: k,
                    distance_m: distance,
                    change: taking(k),
                })
            }),
        false => None,
    };
    (found, nearest)
}

/// The plan of each white zone part, in order, with the candidate new CPTS drawn from
/// them.
fn zone_plans(
    parts: Vec<ZonePart>,
    reach: Vec<Reach>,
    white: &WhiteZones,
    projected: &[MultiPolygon<f64>],
    epci: &Intercommunalities,
    tariff: &Tariff,
    options: &PlanOptions,
) -> (Vec<ZonePlan>, Vec<Candidate>) {
    let mut drafting = Drafting {
        white,
        projected,
        epci,
        tariff,
        options,
        candidates: Vec::new(),
        claimed: BTreeSet::new(),
    };
    let zones = parts
        .into_iter()
        .zip(reach)
        .enumerate()
        .map(|(z, (part, (extensions, nearest)))| ZonePlan {
            candidates: drafting.for_zone(z, &part),
            part,
            extensions,
            nearest,
        })
        .collect();
    (zones, drafting.finish())
}

/// The candidate new CPTS as they are drawn, zone after zone.
struct Drafting<'a> {
    white: &'a WhiteZones,
    projected: &'a [MultiPolygon<f64>],
    epci: &'a Intercommunalities<'a>,
    tariff: &'a Tariff,
    options: &'a PlanOptions,
    candidates: Vec<Candidate>,
    /// The communes already in a candidate: a commune in two white zones (a CPTS
    /// between its parts) joins the candidates of the first only, so that its people
    /// count once.
    claimed: BTreeSet<usize>,
}

impl Drafting<'_> {
    /// The candidates of white zone part `z`, by index: the earlier candidates holding one of
    /// its communes, the first of which takes its other communes, whatever its size
    /// (the commune links them); else, for a large enough zone, new candidates of its
    /// communes, split to the maximum population.
    fn for_zone(&mut self, z: usize, w: &ZonePart) -> Vec<usize> {
        let linked: Vec<usize> = (0..self.candidates.len())
            .filter(|&k| {
                let held = &self.candidates[k].communes;
                w.communes.iter().any(|c| held.binary_search(c).is_ok())
            })
            .collect();
        if let Some(&first) = linked.first() {
            let rest = self.claim(&w.communes);
            let held = &mut self.candidates[first].communes;
            held.extend(rest);
            held.sort_unstable();
            return linked;
        }
        if w.population < self.options.new_cpts_min {
            return Vec::new();
        }
        let communes = self.claim(&w.communes);
        if communes.is_empty() {
            return Vec::new();
        }
        let population = &self.white.unit_population;
        split(
            &communes,
            population,
            self.projected,
            self.epci,
            self.options,
        )
        .into_iter()
        .map(|group| self.propose(z, group))
        .collect()
    }

    /// The communes of `communes` no candidate holds yet, now claimed.
    fn claim(&mut self, communes: &[usize]) -> Vec<usize> {
        communes
            .iter()
            .copied()
            .filter(|c| self.claimed.insert(*c))
            .collect()
    }

    /// Adds a candidate of `communes` from white zone part `z`; returns its index.
    fn propose(&mut self, z: usize, communes: Vec<usize>) -> usize {
        let k = self.candidates.len();
        let (population, tier, funding_max) = self.figures(&communes);
        self.candidates.push(Candidate {
            id: format!("NC-{:04}", k + 1),
            part: z,
            communes,
            epci: Vec::new(),
            whole_epci: false,
            pieces: 1,
            population,
            tier,
            funding_max,
        });
        k
    }

    /// The population of `communes` in the white zones, and the tier and maximum funding
    /// of a CPTS of that population.
    fn figures(&self, communes: &[usize]) -> (f64, Tier, u32) {
        let population: f64 = communes
            .iter()
            .map(|&c| self.white.unit_population[c])
            .sum();
        let funding = self.tariff.funding(population, None);
        (population, funding.tier, funding.maximum)
    }

    /// The candidates, their figures and EPCI taken from their final lists of communes
    /// (linked zones added communes).
    fn finish(mut self) -> Vec<Candidate> {
        let mut candidates = std::mem::take(&mut self.candidates);
        for c in &mut candidates {
            (c.population, c.tier, c.funding_max) = self.figures(&c.communes);
            let whole = self.epci.whole(&c.communes);
            c.whole_epci = c
                .communes
                .iter()
                .all(|&u| self.epci.of(u).is_some_and(|e| whole.contains(&e)));
            c.epci = whole.into_iter().map(String::from).collect();
            c.pieces = pieces(&c.communes, self.projected);
        }
        candidates
    }
}

/// The population of each CPTS if every proposal were accepted: each zone's taker
/// gains its people, each leaver loses what it gives up.
fn population_after(
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    zones: &[ZonePlan],
    rulings: &[OverlapRuling],
) -> Result<Vec<f64>> {
    let mut after = analysis.cpts_population.clone();
    for z in zones {
        if let Some(k) = z.taker() {
            after[k] += z.part.population;
        }
    }
    for (k, lost) in given_up(inputs, analysis, projected, rulings)? {
        after[k] -= lost;
    }
    Ok(after)
}

/// Sum of the maximum funding of CPTS of populations `pops`, euros.
fn total_funding(tariff: &Tariff, pops: &[f64]) -> u64 {
    pops.iter()
        .map(|&p| u64::from(tariff.funding(p, None).maximum))
        .sum()
}

/// Sum of the funding of the missions the CPTS signed, at populations `pops`, when the
/// perimeter file says which.
fn total_missions(inputs: &Inputs, tariff: &Tariff, pops: &[f64]) -> Option<u64> {
    let signed = inputs.cpts.iter().any(|c| c.missions.is_some());
    signed.then(|| {
        pops.iter()
            .zip(&inputs.cpts)
            .filter_map(|(&p, c)| tariff.funding(p, c.missions.as_ref()).missions)
            .map(u64::from)
            .sum()
    })
}

/// Sum of the candidates' maximum funding, euros.
fn candidates_funding(candidates: &[Candidate]) -> u64 {
    candidates.iter().map(|c| u64::from(c.funding_max)).sum()
}

/// Sum of the candidates' mission funding: a new CPTS has signed no mission yet, so the
/// operation lines, at its taille.
fn candidates_missions(candidates: &[Candidate], tariff: &Tariff) -> u64 {
    candidates
        .iter()
        .filter_map(|c| {
            tariff
                .funding(c.population, Some(&Missions::default()))
                .missions
        })
        .map(u64::from)
        .sum()
}

/// Each CPTS whose population goes from `population` to `after`, with the change.
fn changes(
    inputs: &Inputs,
    population: &[f64],
    after: &[f64],
    tariff: &Tariff,
) -> Vec<(usize, Change)> {
    (0..after.len())
        .filter(|&k| after[k] != population[k])
        .map(|k| {
            (
                k,
                Change::new(&inputs.cpts[k], population[k], after[k], tariff),
            )
        })
        .collect()
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
    let overlaps = &analysis.overlaps;
    let territories = Territories::new(overlaps);
    // Each CPTS measured once per territory, however many of its overlaps lie there.
    let standings: BTreeMap<(usize, usize), Standing> = overlaps
        .iter()
        .zip(&territories.of_overlap)
        .flat_map(|(overlap, &t)| [(t, overlap.a), (t, overlap.b)])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|(t, k)| {
            let communes = &territories.communes[&t];
            (
                (t, k),
                standing(k, communes, inputs, analysis, projected, owners),
            )
        })
        .collect();
    let population = &analysis.cpts_population;
    overlaps
        .iter()
        .zip(&territories.of_overlap)
        .enumerate()
        .map(|(o, (overlap, &t))| {
            let ((keeper, kept), (leaver, left)) = keeper_first(
                overlap,
                standings[&(t, overlap.a)],
                standings[&(t, overlap.b)],
            );
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

/// The contested territories: the overlaps joined by a shared commune.
struct Territories {
    /// The territory of each overlap, named by its lowest overlap.
    of_overlap: Vec<usize>,
    /// The communes of each territory.
    communes: BTreeMap<usize, BTreeSet<usize>>,
}

impl Territories {
    fn new(overlaps: &[Overlap]) -> Territories {
        let mut parent: Vec<usize> = (0..overlaps.len()).collect();
        let mut first_overlap: BTreeMap<usize, usize> = BTreeMap::new();
        for (o, overlap) in overlaps.iter().enumerate() {
            for &c in &overlap.communes {
                let other = *first_overlap.entry(c).or_insert(o);
                let (x, y) = (root(&parent, other), root(&parent, o));
                parent[x.max(y)] = x.min(y);
            }
        }
        let of_overlap: Vec<usize> = (0..overlaps.len()).map(|o| root(&parent, o)).collect();
        let mut communes: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for (overlap, &t) in overlaps.iter().zip(&of_overlap) {
            communes.entry(t).or_default().extend(&overlap.communes);
        }
        Territories {
            of_overlap,
            communes,
        }
    }
}

/// The overlap at the root of `o`'s tree in the forest `parent`.
fn root(parent: &[usize], mut o: usize) -> usize {
    while parent[o] != o {
        o = parent[o];
    }
    o
}

/// What a CPTS holds in a contested territory: inhabitants in its communes, and border
/// with them, metres.
type Standing = (f64, f64);

/// The standing of CPTS `k` in the contested territory of `communes`.
fn standing(
    k: usize,
    communes: &BTreeSet<usize>,
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    owners: &[Borders],
) -> Standing {
    let units = &inputs.units;
    let mut held = 0.0;
    let mut border = 0.0;
    for &c in communes {
        let cover = &analysis.covers[c];
        let area: f64 = cover
            .pieces
            .iter()
            .filter(|p| p.cpts == k)
            .map(|p| p.weight)
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
}

/// The keeper of `overlap` then its leaver, each with its standing, given the standings
/// of its CPTS `a` and `b`: more inhabitants, then the longer border; `a` has the lower
/// id, so it wins a complete tie.
fn keeper_first(
    overlap: &Overlap,
    a: Standing,
    b: Standing,
) -> ((usize, Standing), (usize, Standing)) {
    let a_keeps = a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).is_ge();
    match a_keeps {
        true => ((overlap.a, a), (overlap.b, b)),
        false => ((overlap.b, b), (overlap.a, a)),
    }
}

/// The inhabitants each leaving CPTS gives up under `rulings`, by CPTS: the
/// overlaps' populations, less, in a commune under two overlaps it leaves (land under
/// three CPTS), what they share, so that it counts once.
fn given_up(
    inputs: &Inputs,
    analysis: &Analysis,
    projected: &[MultiPolygon<f64>],
    rulings: &[OverlapRuling],
) -> Result<BTreeMap<usize, f64>> {
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
        // Weighed by where the commune's people live, as the overlaps' populations are.
        let cells = match (&inputs.spread, &inputs.perimeters) {
            (Some(spread), Perimeters::Polygons(_)) => spread.cells[c].as_ref(),
            _ => None,
        };
        let area = analysis.covers[c].area;
        let people = People::new(area, cells, unit.zone, grid);
        let weigh = |p: &MultiPolygon<f64>| {
            unit.population * share(people.weigh(p, p.unsigned_area()), area)
        };
        let counted: f64 = pieces.iter().map(weigh).sum();
        let once = weigh(&grid.union(&pieces));
        if let Some(failure) = people.failure() {
            return Err(failure);
        }
        *total.entry(k).or_insert(0.0) -= counted - once;
    }
    Ok(total)
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
                    u.population * share(piece.weight, cover.area);
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
                u.population * share(piece.weight, cover.area);
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
/// `part / whole`, 0 for a unit without area (a membership listing may name one).
fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}
