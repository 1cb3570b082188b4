//! Every proposal of a plan accepted: the perimeters that would result, to analyse
//! again (`cpts plan --apply`). Each white zone goes to its new CPTS (the part over each
//! candidate's communes to that candidate, the rest to the candidate sharing most of
//! its border), else to the CPTS proposed to take it; each overlap stays with its
//! keeper only.

use crate::analysis::{project_perimeters, snapped, Analysis};
use crate::error::Result;
use crate::geometry::borders::Borders;
use crate::geometry::grid::Grid;
use crate::geometry::projection::{to_projected, to_wgs84, Zone};
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::{Cpts, Perimeter, Status};
use crate::verbs::plan::{Plan, ZonePlan};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The CPTS after the plan: the existing ones then the new ones, with their territory.
#[derive(Debug, Clone)]
pub enum Applied {
    /// Polygon mode: each CPTS's perimeter, WGS84.
    Polygons(Vec<(Cpts, MultiPolygon<f64>)>),
    /// Membership mode: the units each CPTS lists, by index.
    Lists(Vec<(Cpts, Vec<usize>)>),
}

/// Status given to the new CPTS: territories yet to emerge.
pub const NEW_STATUS: Status = Status::PreProjet;

/// The new CPTS of `plan`, named after their ids.
fn new_cpts(plan: &Plan) -> impl Iterator<Item = Cpts> + '_ {
    plan.candidates.iter().map(|c| Cpts {
        id: c.id.clone(),
        nom: format!("Nouvelle CPTS {}", c.id),
        statut: NEW_STATUS,
        missions: None,
    })
}

/// Applies every proposal of `plan` to the CPTS of `inputs`.
pub fn apply(plan: &Plan, inputs: &Inputs, analysis: &Analysis) -> Result<Applied> {
    match &inputs.perimeters {
        Perimeters::Membership(lists) => Ok(applied_lists(plan, inputs, analysis, lists)),
        Perimeters::Polygons(shapes) => applied_perimeters(plan, inputs, analysis, shapes),
    }
}

/// Membership mode: each candidate lists its communes, each taker the communes of its
/// white zones, and each leaver drops the communes of the overlaps it leaves.
fn applied_lists(
    plan: &Plan,
    inputs: &Inputs,
    analysis: &Analysis,
    lists: &[Vec<usize>],
) -> Applied {
    let mut lists: Vec<Vec<usize>> = lists.to_vec();
    lists.extend(plan.candidates.iter().map(|c| c.communes.clone()));
    // A unit of several polygons (an island commune) may lie in several zones:
    // it goes whole to the first that takes it, zones by decreasing population.
    let mut taken: BTreeSet<usize> = plan
        .candidates
        .iter()
        .flat_map(|c| c.communes.iter().copied())
        .collect();
    for z in &plan.zones {
        let units = &z.part.communes;
        if let Some(k) = z.taker() {
            lists[k].extend(units.iter().filter(|&&u| taken.insert(u)));
        }
    }
    for r in &plan.rulings {
        let gone = &analysis.overlaps[r.overlap].communes;
        lists[r.leaver].retain(|u| !gone.contains(u));
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    let cpts = inputs.cpts.iter().cloned().chain(new_cpts(plan));
    Applied::Lists(cpts.zip(lists).collect())
}

/// Polygon mode: each CPTS's perimeter with the pieces the plan gives it added and
/// those it gives up removed.
fn applied_perimeters(
    plan: &Plan,
    inputs: &Inputs,
    analysis: &Analysis,
    shapes: &[Perimeter],
) -> Result<Applied> {
    let by_zone = snapped(project_perimeters(&inputs.cpts, shapes)?, &analysis.grids);
    let mut redraw = Redraw::new(inputs.cpts.len(), plan, shapes);
    for z in &plan.zones {
        redraw.give_zone(z, plan, inputs, analysis)?;
    }
    redraw.give_up_overlaps(plan, analysis);
    let cpts: Vec<Cpts> = inputs.cpts.iter().cloned().chain(new_cpts(plan)).collect();
    let shapes: Vec<MultiPolygon<f64>> = (0..cpts.len())
        .into_par_iter()
        .map(|k| redraw.perimeter(k, &by_zone, &analysis.grids, &cpts[k]))
        .collect::<Result<_>>()?;
    Ok(Applied::Polygons(cpts.into_iter().zip(shapes).collect()))
}

/// The projected pieces each CPTS, existing then new, gains and gives up, in its zone.
struct Redraw {
    /// How many CPTS exist before the plan: the new ones come after them.
    existing: usize,
    zone_of: Vec<Zone>,
    added: Vec<Vec<MultiPolygon<f64>>>,
    removed: Vec<Vec<MultiPolygon<f64>>>,
}

impl Redraw {
    fn new(existing: usize, plan: &Plan, shapes: &[Perimeter]) -> Redraw {
        let count = existing + plan.candidates.len();
        let mut zone_of: Vec<Zone> = shapes.iter().map(|p| p.zone).collect();
        zone_of.extend(
            plan.candidates
                .iter()
                .map(|c| plan.zones[c.part].part.projection),
        );
        Redraw {
            existing,
            zone_of,
            added: vec![Vec::new(); count],
            removed: vec![Vec::new(); count],
        }
    }

    /// Gives the white zone of `z` whole to the CPTS taking it, else to its candidates:
    /// each the part over its communes, and each piece left to the candidate sharing
    /// most of its border (else the first).
    fn give_zone(
        &mut self,
        z: &ZonePlan,
        plan: &Plan,
        inputs: &Inputs,
        analysis: &Analysis,
    ) -> Result<()> {
        let grid = &analysis.grids[z.part.projection.index()];
        let zone_shape = z.part.shape.clone();
        if let Some(k) = z.taker() {
            self.added[k].push(zone_shape);
            return Ok(());
        }
        let parts = candidate_parts(z, plan, inputs, grid, &zone_shape)?;
        let mut rest = zone_shape.clone();
        for part in &parts {
            for polygon in &part.0 {
                rest = grid.difference(&rest, polygon);
            }
        }
        let borders = Borders::new(
            parts
                .iter()
                .zip(&z.candidates)
                .map(|(p, &c)| (p, vec![c]))
                .collect(),
        );
        for piece in &rest.0 {
            let shared = borders.shared(piece);
            let best = shared
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(&c, _)| c)
                .or(z.candidates.first().copied());
            if let Some(c) = best {
                self.added[self.existing + c].push(MultiPolygon::new(vec![piece.clone()]));
            }
        }
        for (part, &c) in parts.into_iter().zip(&z.candidates) {
            self.added[self.existing + c].push(part);
        }
        Ok(())
    }

    /// Takes from each leaver the overlaps it leaves, in its zone.
    fn give_up_overlaps(&mut self, plan: &Plan, analysis: &Analysis) {
        for r in &plan.rulings {
            for (zone, shape) in &analysis.overlaps[r.overlap].shapes {
                if *zone == self.zone_of[r.leaver] {
                    self.removed[r.leaver].push(shape.clone());
                }
            }
        }
    }

    /// The perimeter of CPTS `k` after the plan, WGS84: its own (`by_zone`, existing
    /// CPTS only) with what it gains, less what it gives up.
    fn perimeter(
        &self,
        k: usize,
        by_zone: &[Vec<Option<MultiPolygon<f64>>>],
        grids: &[Grid],
        cpts: &Cpts,
    ) -> Result<MultiPolygon<f64>> {
        let zone = self.zone_of[k];
        let grid = &grids[zone.index()];
        let own = by_zone[zone.index()].get(k).cloned().flatten();
        let mut shape = grid.union(own.iter().chain(&self.added[k]));
        for polygon in self.removed[k].iter().flat_map(|s| &s.0) {
            shape = grid.difference(&shape, polygon);
        }
        to_wgs84(zone, &shape).map_err(|e| e.about(|| format!("CPTS {}", cpts.id)))
    }
}

/// The part of the white zone of `z` (`zone_shape`) over each of its candidates'
/// communes, candidates in order.
fn candidate_parts(
    z: &ZonePlan,
    plan: &Plan,
    inputs: &Inputs,
    grid: &Grid,
    zone_shape: &MultiPolygon<f64>,
) -> Result<Vec<MultiPolygon<f64>>> {
    z.candidates
        .iter()
        .map(|&c| {
            let communes: Vec<MultiPolygon<f64>> = plan.candidates[c]
                .communes
                .iter()
                .map(|&u| {
                    let unit = &inputs.units[u];
                    to_projected(unit.zone, &unit.geometry).map(|s| grid.snap(&s))
                })
                .collect::<Result<_>>()?;
            Ok(grid.intersection_multi(&grid.union(&communes), zone_shape))
        })
        .collect()
}
