//! Every proposal of a plan accepted: the perimeters that would result, to analyse
//! again (`cpts plan --apply`). Each white zone goes to its new CPTS (the part over each
//! candidate's communes to that candidate, the rest to the candidate sharing most of
//! its border), else to the CPTS proposed to take it; each overlap stays with its
//! keeper only.

use crate::analysis::{project_perimeters, snapped, Analysis};
use crate::error::Result;
use crate::geometry::borders::Borders;
use crate::geometry::projection::{to_projected, to_wgs84, Zone};
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::{Cpts, Status};
use crate::verbs::plan::Plan;
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
    let existing = inputs.cpts.len();
    match &inputs.perimeters {
        Perimeters::Membership(lists) => {
            let mut lists: Vec<Vec<usize>> = lists.clone();
            lists.extend(plan.candidates.iter().map(|c| c.communes.clone()));
            // A unit of several polygons (an island commune) may lie in several zones:
            // it goes whole to the first that takes it, zones by decreasing population.
            let mut taken: BTreeSet<usize> = plan
                .candidates
                .iter()
                .flat_map(|c| c.communes.iter().copied())
                .collect();
            for z in &plan.zones {
                let units = &analysis.white.zones[z.zone].communes;
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
            Ok(Applied::Lists(cpts.zip(lists).collect()))
        }
        Perimeters::Polygons(shapes) => {
            let grids = &analysis.grids;
            let by_zone = snapped(project_perimeters(&inputs.cpts, shapes)?, grids);
            let count = existing + plan.candidates.len();
            // Projected pieces to add to and remove from each CPTS, in its zone.
            let mut added: Vec<Vec<MultiPolygon<f64>>> = vec![Vec::new(); count];
            let mut removed: Vec<Vec<MultiPolygon<f64>>> = vec![Vec::new(); count];
            let mut zone_of: Vec<Zone> = shapes.iter().map(|p| p.zone).collect();
            zone_of.extend(
                plan.candidates
                    .iter()
                    .map(|c| analysis.white.zones[c.zone].zone),
            );
            for z in &plan.zones {
                let w = &analysis.white.zones[z.zone];
                let grid = &grids[w.zone.index()];
                let zone_shape = MultiPolygon::new(vec![w.shape.clone()]);
                if let Some(k) = z.taker() {
                    added[k].push(zone_shape);
                    continue;
                }
                // The zone split between its candidates, along their communes.
                let parts: Vec<MultiPolygon<f64>> = z
                    .candidates
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
                        Ok(grid.intersection_multi(&grid.union(&communes), &zone_shape))
                    })
                    .collect::<Result<_>>()?;
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
                        added[existing + c].push(MultiPolygon::new(vec![piece.clone()]));
                    }
                }
                for (part, &c) in parts.into_iter().zip(&z.candidates) {
                    added[existing + c].push(part);
                }
            }
            for r in &plan.rulings {
                for (zone, shape) in &analysis.overlaps[r.overlap].shapes {
                    if *zone == zone_of[r.leaver] {
                        removed[r.leaver].push(shape.clone());
                    }
                }
            }
            let cpts: Vec<Cpts> = inputs.cpts.iter().cloned().chain(new_cpts(plan)).collect();
            let shapes: Vec<MultiPolygon<f64>> = (0..count)
                .into_par_iter()
                .map(|k| {
                    let zone = zone_of[k];
                    let grid = &grids[zone.index()];
                    let own = by_zone[zone.index()].get(k).cloned().flatten();
                    let mut shape = grid.union(own.iter().chain(&added[k]));
                    for polygon in removed[k].iter().flat_map(|s| &s.0) {
                        shape = grid.difference(&shape, polygon);
                    }
                    to_wgs84(zone, &shape).map_err(|e| e.about(|| format!("CPTS {}", cpts[k].id)))
                })
                .collect::<Result<_>>()?;
            Ok(Applied::Polygons(cpts.into_iter().zip(shapes).collect()))
        }
    }
}
