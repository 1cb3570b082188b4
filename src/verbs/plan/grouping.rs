//! Drawing new CPTS along intercommunal lines: a white zone too populous for one CPTS
//! is cut into contiguous groups of whole EPCI where it holds whole EPCI, and of
//! communes where an EPCI is cut by a CPTS or absent (seed 003: CPTS are usually drawn
//! through the intercommunalities).

use crate::geometry::borders::Borders;
use crate::model::Unit;
use crate::verbs::plan::PlanOptions;
use geo::{BoundingRect, MultiPolygon};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The intercommunalities (EPCI) of the units, when the communes layer gives them.
pub struct Intercommunalities<'a> {
    /// The EPCI of each unit.
    of_unit: Vec<Option<&'a str>>,
    /// How many units each EPCI has.
    size: BTreeMap<&'a str, usize>,
}

impl<'a> Intercommunalities<'a> {
    pub fn new(units: &'a [Unit]) -> Intercommunalities<'a> {
        let of_unit: Vec<Option<&str>> = units.iter().map(|u| u.epci.as_deref()).collect();
        let mut size: BTreeMap<&str, usize> = BTreeMap::new();
        for e in of_unit.iter().flatten() {
            *size.entry(e).or_insert(0) += 1;
        }
        Intercommunalities { of_unit, size }
    }

    /// The EPCI of unit `u`.
    pub fn of(&self, u: usize) -> Option<&'a str> {
        self.of_unit[u]
    }

    /// Whether the units have EPCI at all.
    pub fn known(&self) -> bool {
        !self.size.is_empty()
    }

    /// The EPCI all of whose units are among `units`, sorted.
    pub fn whole(&self, units: &[usize]) -> Vec<&'a str> {
        let mut held: BTreeMap<&str, usize> = BTreeMap::new();
        for e in units.iter().filter_map(|&u| self.of_unit[u]) {
            *held.entry(e).or_insert(0) += 1;
        }
        held.into_iter()
            .filter(|(e, n)| self.size[e] == *n)
            .map(|(e, _)| e)
            .collect()
    }

    /// `units` in blocks that a split keeps together: each EPCI held whole, then each
    /// other unit alone.
    fn blocks(&self, units: &[usize]) -> Vec<Vec<usize>> {
        let whole: BTreeSet<&str> = self.whole(units).into_iter().collect();
        let mut by_epci: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut alone = Vec::new();
        for &u in units {
            match self.of_unit[u].filter(|e| whole.contains(e)) {
                Some(e) => by_epci.entry(e).or_default().push(u),
                None => alone.push(vec![u]),
            }
        }
        by_epci.into_values().chain(alone).collect()
    }
}

/// Splits `communes` into contiguous groups of at most `max_population` inhabitants,
/// keeping each EPCI they hold whole in one group (an EPCI above the maximum is cut
/// commune by commune; a commune alone above it stays alone). Each contiguous piece of
/// the communes is split on its own: within the maximum it is one group, else groups
/// are grown breadth-first from the westernmost block left until each holds its share
/// of the piece. Shares leave room for a group under `new_cpts_min`, which then joins
/// the smallest group it touches that stays within the maximum, or, touching none (a
/// piece apart: an island), the nearest such group; with no such group it stays a
/// candidate of its own.
pub fn split(
    communes: &[usize],
    population: &[f64],
    shapes: &[MultiPolygon<f64>],
    epci: &Intercommunalities,
    options: &PlanOptions,
) -> Vec<Vec<usize>> {
    let people = |block: &[usize]| block.iter().map(|&c| population[c]).sum::<f64>();
    let blocks: Vec<Vec<usize>> = epci
        .blocks(communes)
        .into_iter()
        .flat_map(|b| match people(&b) > options.max_population {
            true => b.into_iter().map(|c| vec![c]).collect(),
            false => vec![b],
        })
        .collect();
    let grouping = Grouping::new(&blocks, population, shapes, options);
    let room = (options.max_population - options.new_cpts_min).max(options.max_population / 2.0);
    let mut groups = Vec::new();
    for piece in components(&grouping.neighbours) {
        let held = grouping.held(&piece);
        match held <= options.max_population {
            true => groups.push(piece),
            false => groups.extend(grouping.grow(piece, held / (held / room).ceil())),
        }
    }
    grouping.merge_small(&mut groups);
    let mut groups: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|g| {
            let mut units: Vec<usize> = g.iter().flat_map(|&b| blocks[b].clone()).collect();
            units.sort_unstable();
            units
        })
        .collect();
    groups.sort();
    groups
}

/// How many contiguous pieces `communes` make.
pub fn pieces(communes: &[usize], shapes: &[MultiPolygon<f64>]) -> usize {
    let around = adjacency(communes, shapes);
    let index: BTreeMap<usize, usize> = communes.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let neighbours: Vec<Vec<usize>> = communes
        .iter()
        .map(|c| around[c].iter().map(|n| index[n]).collect())
        .collect();
    components(&neighbours).len()
}

/// The connected components of the graph of `neighbours` (node `i`'s are
/// `neighbours[i]`), each increasing, in the order of their lowest node.
fn components(neighbours: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut seen = vec![false; neighbours.len()];
    let mut all = Vec::new();
    for start in 0..neighbours.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut component = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for &n in &neighbours[i] {
                if !seen[n] {
                    seen[n] = true;
                    component.push(n);
                    queue.push_back(n);
                }
            }
        }
        component.sort_unstable();
        all.push(component);
    }
    all
}

/// Blocks of communes being split into groups (by block index), with what the split
/// weighs: their populations, south-west corners and neighbours.
struct Grouping<'a> {
    people: Vec<f64>,
    corners: Vec<(f64, f64)>,
    neighbours: Vec<Vec<usize>>,
    options: &'a PlanOptions,
}

impl<'a> Grouping<'a> {
    fn new(
        blocks: &[Vec<usize>],
        population: &[f64],
        shapes: &[MultiPolygon<f64>],
        options: &'a PlanOptions,
    ) -> Grouping<'a> {
        let block_of: BTreeMap<usize, usize> = blocks
            .iter()
            .enumerate()
            .flat_map(|(b, communes)| communes.iter().map(move |&c| (c, b)))
            .collect();
        let communes: Vec<usize> = block_of.keys().copied().collect();
        let around = adjacency(&communes, shapes);
        let neighbours = blocks
            .iter()
            .enumerate()
            .map(|(b, communes)| {
                let mut next: BTreeSet<usize> = communes
                    .iter()
                    .flat_map(|c| &around[c])
                    .map(|n| block_of[n])
                    .collect();
                next.remove(&b);
                next.into_iter().collect()
            })
            .collect();
        let corner = |c: usize| {
            shapes[c]
                .bounding_rect()
                .map_or((0.0, 0.0), |r| (r.min().x, r.min().y))
        };
        Grouping {
            people: blocks
                .iter()
                .map(|b| b.iter().map(|&c| population[c]).sum())
                .collect(),
            corners: blocks
                .iter()
                .map(|b| {
                    b.iter()
                        .map(|&c| corner(c))
                        .fold((f64::INFINITY, f64::INFINITY), |(x, y), (cx, cy)| {
                            (x.min(cx), y.min(cy))
                        })
                })
                .collect(),
            neighbours,
            options,
        }
    }

    /// Groups covering the blocks of `piece`, each grown breadth-first from the
    /// westernmost block left until it holds `share` inhabitants.
    fn grow(&self, piece: Vec<usize>, share: f64) -> Vec<Vec<usize>> {
        let mut left: BTreeSet<usize> = piece.into_iter().collect();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        while let Some(&seed) = left
            .iter()
            .min_by(|&&a, &&b| self.corners[a].0.total_cmp(&self.corners[b].0))
        {
            groups.push(self.grow_from(seed, &mut left, share));
        }
        groups
    }

    /// One group grown breadth-first from `seed` over the blocks `left`, which it
    /// takes from them, until it holds `share` inhabitants, passing over a block that
    /// would take it above the maximum.
    fn grow_from(&self, seed: usize, left: &mut BTreeSet<usize>, share: f64) -> Vec<usize> {
        let mut group = Vec::new();
        let mut held = 0.0;
        let mut queued = BTreeSet::from([seed]);
        let mut queue = VecDeque::from([seed]);
        while let Some(b) = queue.pop_front() {
            if !group.is_empty() && held + self.people[b] > self.options.max_population {
                continue;
            }
            left.remove(&b);
            group.push(b);
            held += self.people[b];
            if held >= share {
                break;
            }
            for &n in &self.neighbours[b] {
                if left.contains(&n) && queued.insert(n) {
                    queue.push_back(n);
                }
            }
        }
        group
    }

    /// Merges the smallest group under the minimum into another, one at a time, while
    /// one can be.
    fn merge_small(&self, groups: &mut Vec<Vec<usize>>) {
        let mut alone: BTreeSet<Vec<usize>> = BTreeSet::new();
        while groups.len() > 1 {
            let Some(small) = (0..groups.len())
                .filter(|&g| {
                    self.held(&groups[g]) < self.options.new_cpts_min && !alone.contains(&groups[g])
                })
                .min_by(|&a, &b| self.held(&groups[a]).total_cmp(&self.held(&groups[b])))
            else {
                break;
            };
            let Some(into) = self.destination(groups, small) else {
                alone.insert(groups[small].clone());
                continue;
            };
            let moved = std::mem::take(&mut groups[small]);
            groups[into].extend(moved);
            groups.remove(small);
        }
    }

    /// The group that group `small` joins among those it keeps within the maximum: the
    /// smallest it touches, else the nearest.
    fn destination(&self, groups: &[Vec<usize>], small: usize) -> Option<usize> {
        let fits = self.held(&groups[small]);
        let with_room: Vec<usize> = (0..groups.len())
            .filter(|&g| g != small && self.held(&groups[g]) + fits <= self.options.max_population)
            .collect();
        let others = || with_room.iter().copied();
        let touching = others()
            .filter(|&g| {
                groups[small]
                    .iter()
                    .any(|b| self.neighbours[*b].iter().any(|n| groups[g].contains(n)))
            })
            .min_by(|&a, &b| self.held(&groups[a]).total_cmp(&self.held(&groups[b])));
        let (sx, sy) = self.centre(&groups[small]);
        let distance = |g: usize| {
            let (x, y) = self.centre(&groups[g]);
            (x - sx).hypot(y - sy)
        };
        let nearest = others().min_by(|&a, &b| distance(a).total_cmp(&distance(b)));
        touching.or(nearest)
    }

    /// The inhabitants of `group`.
    fn held(&self, group: &[usize]) -> f64 {
        group.iter().map(|&b| self.people[b]).sum::<f64>()
    }

    /// The mean of the corners of `group`'s blocks.
    fn centre(&self, group: &[usize]) -> (f64, f64) {
        let n = group.len().max(1) as f64;
        let (x, y) = group.iter().fold((0.0, 0.0), |(x, y), &b| {
            (x + self.corners[b].0, y + self.corners[b].1)
        });
        (x / n, y / n)
    }
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
