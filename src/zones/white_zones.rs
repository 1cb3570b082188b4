//! White zones: the territory in no counted CPTS, dissolved into connected parts
//! (the polygons of the union: two parts touching at a single point stay two).

use crate::geometry::borders::Borders;
use crate::geometry::grid::Grid;
use crate::geometry::parts::Parts;
use crate::geometry::projection::Zone;
use crate::geometry::width::{narrow_width, narrower_than};
use crate::model::Unit;
use crate::overlay::cover::UnitCover;
use crate::zones::contour_gaps::ContourGap;
use geo::{Area, MultiPolygon, Polygon};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The id of the `n`-th white zone (from 0): `ZB-0001`.
pub fn white_zone_id(n: usize) -> String {
    format!("ZB-{:04}", n + 1)
}

/// One connected part of the uncovered territory.
#[derive(Debug, Clone)]
pub struct WhiteZone {
    pub zone: Zone,
    /// Projected polygon of the part.
    pub shape: Polygon<f64>,
    pub area_m2: f64,
    /// `Σ pop(c) × area(c ∩ part) / area(c)`.
    pub population: f64,
    /// Units with some territory in the part that are at least half uncovered, by
    /// index, increasing.
    pub communes: Vec<usize>,
    /// Départements of every unit with territory in the part, sorted.
    pub departements: Vec<String>,
    /// The part's population in each of those départements (its pieces of at least
    /// a square metre).
    pub population_by_departement: Vec<f64>,
    /// Each unit with territory in the part, by index, increasing, and the share of its
    /// people in the part (0 to 1; of its area when they are spread evenly).
    pub shares: Vec<(usize, f64)>,
}

/// White zones and what the gap and sliver tolerances set apart.
#[derive(Debug, Clone, Default)]
pub struct WhiteZones {
    /// Parts at least as wide as the gap width and as large as the sliver tolerance,
    /// largest population first.
    pub zones: Vec<WhiteZone>,
    /// Parts narrower than the gap width: debris along perimeters drawn on other
    /// contours, given to a neighbouring CPTS by [`crate::zones::contour_gaps::reconcile`].
    pub gaps: Vec<ContourGap>,
    /// Parts smaller than the sliver tolerance, and narrow parts touching no perimeter:
    /// digitising noise, not white zones.
    pub sliver_count: usize,
    /// Uncovered population outside the white zones: in slivers and hairline remainders.
    pub sliver_population: f64,
    /// For each unit, its population in white zones (slivers and gaps excluded).
    pub unit_population: Vec<f64>,
    /// For each unit, the area of its pieces of white zones narrower than the gap
    /// width (a strip along a misaligned border of a real white zone), m².
    pub unit_debris_m2: Vec<f64>,
    /// The white zones under the area rule alone (before the narrow parts were
    /// reconciled): how many, and their population.
    pub before_gaps: (usize, f64),
}

/// How narrow parts are told from white zones: none narrower than `width` metres is
/// one; it goes to the CPTS of `borders` (one per zone of [`Zone::ALL`], the counted
/// perimeters) sharing the longest border with it.
pub struct GapRule<'a> {
    pub width: f64,
    pub borders: Vec<Borders<'a>>,
}

impl WhiteZones {
    /// Counts the uncovered population outside the white zones, once the covers are final.
    pub fn count_sliver_population(&mut self, units: &[Unit], covers: &[UnitCover]) {
        let uncovered: f64 = units
            .iter()
            .zip(covers)
            .map(|(u, c)| u.population * (1.0 - c.covered_share()))
            .sum();
        // The two sums measure the same pieces in different order: never below zero.
        self.sliver_population = (uncovered - self.unit_population.iter().sum::<f64>()).max(0.0);
    }
}

/// Dissolves the uncovered pieces of every unit, zone by zone, and measures each part.
/// Parts narrower than the `gaps` rule's width are contour gaps; of the others, those
/// smaller than `sliver_m2` are counted as slivers.
pub fn white_zones(
    units: &[Unit],
    grids: &[Grid],
    covers: &[UnitCover],
    sliver_m2: f64,
    gaps: Option<&GapRule>,
) -> WhiteZones {
    let mut groups: BTreeMap<(Zone, &str), Vec<usize>> = BTreeMap::new();
    for (i, c) in covers.iter().enumerate() {
        if !c.uncovered.0.is_empty() {
            groups
                .entry((units[i].zone, units[i].departement.as_str()))
                .or_default()
                .push(i);
        }
    }
    // Dissolve département by département, then each zone from those results.
    let per_departement: Vec<(Zone, MultiPolygon<f64>)> = groups
        .par_iter()
        .map(|((zone, _), members)| {
            (
                *zone,
                grids[zone.index()].union(members.iter().map(|&i| &covers[i].uncovered)),
            )
        })
        .collect();
    let mut out = WhiteZones {
        unit_population: vec![0.0; units.len()],
        unit_debris_m2: vec![0.0; units.len()],
        ..Default::default()
    };
    for zone in Zone::ALL {
        let pieces: Vec<&MultiPolygon<f64>> = per_departement
            .iter()
            .filter(|(z, _)| *z == zone)
            .map(|(_, s)| s)
            .collect();
        if pieces.is_empty() {
            continue;
        }
        let parts = grids[zone.index()].union(pieces).0;
        let members: Vec<usize> = groups
            .iter()
            .filter(|((z, _), _)| *z == zone)
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        let sorting = Sorting {
            zone,
            sliver_m2,
            gaps,
        };
        sorting.assign(units, covers, parts, &members, &mut out);
    }
    out.count_sliver_population(units, covers);
    out.zones.sort_by(|a, b| {
        b.population
            .total_cmp(&a.population)
            .then(b.area_m2.total_cmp(&a.area_m2))
    });
    out
}

/// Smallest piece of a unit that makes it count as part of a white zone, m².
const TOUCH_M2: f64 = 1.0;

/// For each member unit, in order, each piece of its uncovered part: the part holding
/// it, its area and its weight.
fn locate_pieces(
    covers: &[UnitCover],
    parts: &[Polygon<f64>],
    members: &[usize],
) -> Vec<Vec<(Option<usize>, f64, f64)>> {
    let index = Parts::new(parts);
    members
        .par_iter()
        .map(|&i| {
            let cover = &covers[i];
            cover
                .uncovered
                .0
                .iter()
                .zip(&cover.uncovered_weights)
                .map(|(q, &weight)| (index.locate(q), q.unsigned_area(), weight))
                .collect()
        })
        .collect()
}

/// What a part of one zone is.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    WhiteZone,
    Sliver,
    /// A contour gap given to a CPTS (`Some`) or touching none, and its width.
    Gap(Option<usize>, f64),
}

/// The rules sorting the parts of one zone.
struct Sorting<'a> {
    zone: Zone,
    sliver_m2: f64,
    gaps: Option<&'a GapRule<'a>>,
}

impl Sorting<'_> {
    /// Each part's kind: narrow ones first, by the gap rule; then the area rule.
    fn kinds(&self, parts: &[Polygon<f64>], areas: &[f64]) -> Vec<Kind> {
        parts
            .par_iter()
            .zip(areas)
            .map(|(part, &area)| {
                match self
                    .gaps
                    .and_then(|r| Some((r, narrow_width(part, r.width)?)))
                {
                    Some((rule, width)) => {
                        let shared = rule.borders[self.zone.index()].shared(part);
                        // The longest border; ties to the smallest index, the smallest id.
                        let owner = shared
                            .into_iter()
                            .filter(|(_, length)| *length > 0.0)
                            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                            .map(|(k, _)| k);
                        Kind::Gap(owner, width)
                    }
                    _ if area < self.sliver_m2 => Kind::Sliver,
                    _ => Kind::WhiteZone,
                }
            })
            .collect()
    }

    /// Puts each uncovered polygon of each unit in the part that contains it, and each
    /// part in its kind.
    fn assign(
        &self,
        units: &[Unit],
        covers: &[UnitCover],
        parts: Vec<Polygon<f64>>,
        members: &[usize],
        out: &mut WhiteZones,
    ) {
        let placed = locate_pieces(covers, &parts, members);
        let areas: Vec<f64> = parts.iter().map(|p| p.unsigned_area()).collect();
        let kinds = self.kinds(&parts, &areas);
        let mut population = vec![0.0; parts.len()];
        let mut contributors: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); parts.len()];
        let mut by_departement: Vec<BTreeMap<&String, f64>> = vec![BTreeMap::new(); parts.len()];
        let mut gap_pieces: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new(); parts.len()];
        let mut shares: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); parts.len()];
        for (&i, pieces) in members.iter().zip(&placed) {
            for (j, &(part, area, weight)) in pieces.iter().enumerate() {
                let Some(p) = part else { continue };
                let people = units[i].population * weight / covers[i].area;
                population[p] += people;
                match kinds[p] {
                    Kind::WhiteZone => {
                        out.unit_population[i] += people;
                        *shares[p].entry(i).or_default() += weight / covers[i].area;
                        if self
                            .gaps
                            .is_some_and(|r| narrower_than(&covers[i].uncovered.0[j], r.width))
                        {
                            out.unit_debris_m2[i] += area;
                        }
                        if area >= TOUCH_M2 {
                            contributors[p].insert(i);
                            *by_departement[p].entry(&units[i].departement).or_default() += people;
                        }
                    }
                    Kind::Gap(Some(_), _) => gap_pieces[p].push((i, area, weight)),
                    Kind::Gap(None, _) | Kind::Sliver => {}
                }
            }
        }
        for (p, shape) in parts.into_iter().enumerate() {
            if areas[p] >= self.sliver_m2 {
                out.before_gaps.0 += 1;
                out.before_gaps.1 += population[p];
            }
            match kinds[p] {
                Kind::Sliver | Kind::Gap(None, _) => out.sliver_count += 1,
                Kind::Gap(Some(cpts), width_m) => out.gaps.push(ContourGap {
                    cpts,
                    area_m2: areas[p],
                    population: population[p],
                    width_m,
                    pieces: std::mem::take(&mut gap_pieces[p]),
                }),
                Kind::WhiteZone => {
                    let by_departement = std::mem::take(&mut by_departement[p]);
                    out.zones.push(WhiteZone {
                        zone: self.zone,
                        shape,
                        area_m2: areas[p],
                        population: population[p],
                        communes: contributors[p]
                            .iter()
                            .copied()
                            .filter(|&i| covers[i].covered_share() <= 0.5)
                            .collect(),
                        departements: by_departement.keys().map(|d| d.to_string()).collect(),
                        population_by_departement: by_departement.into_values().collect(),
                        shares: std::mem::take(&mut shares[p]).into_iter().collect(),
                    });
                }
            }
        }
    }
}
