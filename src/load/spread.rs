//! The finer population layer joined to the units (dasymetric rule with control
//! totals): each cell's people spread evenly over the cell, a cell astride units shared
//! among them by area, then each unit's cells scaled so that the unit keeps its own
//! population. A cell lying wholly inside one unit, as most do, is found by the edges'
//! runs and taken whole; only the cells on a border are cut.

use crate::error::{Error, Result};
use crate::geometry::grid::Grid;
use crate::geometry::projection::{crs_to_wgs84, points_to_projected, to_projected, Zone};
use crate::geometry::runs::{contains, near_part, side, Runs, Side};
use crate::model::provenance::{file_name, listing, listing_fr, AssumptionKind, Provenance};
use crate::model::spread::{Ages, Spread, UnitCells};
use crate::model::Unit;
use crate::read::population_grid::{CellShape, PopulationGrid, PopulationGridFile};
use geo::{Area, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// Reads the layer of `file` and joins it to `units` (`projected`: their shapes in
/// their zones' CRS), stating what it did in `provenance`.
pub fn join_population_grid(
    units: &[Unit],
    projected: &[MultiPolygon<f64>],
    file: &PopulationGridFile,
    provenance: &mut Provenance,
) -> Result<Spread> {
    let grid = file.read(provenance)?;
    let (cells, points) = project_cells(&file.path, &grid)?;
    let index = Index::new(units, projected);
    // The cells are moved, not copied, into the units they lie wholly in.
    let assigned: Vec<Assigned> = cells.into_par_iter().map(|c| index.cell(c)).collect();
    let located: Vec<Option<usize>> = points.par_iter().map(|p| index.point(p)).collect();
    let spread = scale(units, &grid, assigned, &points, located);
    state(&file.path, units, &grid, &spread, provenance);
    Ok(spread.spread)
}

/// One polygon of a cell in its zone's projected CRS.
struct Projected {
    /// The cell's index in the layer.
    cell: usize,
    zone: Zone,
    shape: Polygon<f64>,
    /// The whole cell's area, m².
    area: f64,
}

/// One point of a point layer's feature in its zone's projected CRS.
struct ProjectedPoint {
    /// The feature's index in the layer.
    cell: usize,
    zone: Zone,
    at: Coord<f64>,
    /// The point's share of the feature's people: one over its number of points.
    share: f64,
}

/// Every cell in the projected CRS of the zone it lies in, polygon by polygon, and every
/// point of a point layer, in the layer's order.
fn project_cells(
    path: &std::path::Path,
    grid: &PopulationGrid,
) -> Result<(Vec<Projected>, Vec<ProjectedPoint>)> {
    let mut out: Vec<Vec<Projected>> = (0..grid.cells.len()).map(|_| Vec::new()).collect();
    let mut points_out = Vec::new();
    // The squares of each grid CRS: their corners projected once each.
    let mut by_crs: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, cell) in grid.cells.iter().enumerate() {
        match &cell.shape {
            CellShape::Square { epsg, .. } => by_crs.entry(*epsg).or_default().push(i),
            CellShape::Points(points) => {
                let zone = zone_of(path, points.bounding_rect(), i)?;
                let share = 1.0 / points.0.len() as f64;
                points_out.extend(to_projected(zone, points)?.0.into_iter().map(|p| {
                    ProjectedPoint {
                        cell: i,
                        zone,
                        at: p.0,
                        share,
                    }
                }));
            }
            CellShape::Polygon(shape) => {
                let zone = zone_of(path, shape.bounding_rect(), i)?;
                let shape = to_projected(zone, shape)?;
                let area = shape.unsigned_area();
                out[i] = shape
                    .0
                    .into_iter()
                    .map(|shape| Projected {
                        cell: i,
                        zone,
                        shape,
                        area,
                    })
                    .collect();
            }
        }
    }
    let mut crs_codes: Vec<u32> = by_crs.keys().copied().collect();
    crs_codes.sort_unstable();
    for epsg in crs_codes {
        let members = &by_crs[&epsg];
        let crs = format!("EPSG:{epsg}");
        let corner = |i: usize, dx: f64, dy: f64| match grid.cells[i].shape {
            CellShape::Square { x, y, size, .. } => (x + dx * size, y + dy * size),
            CellShape::Polygon(_) | CellShape::Points(_) => unreachable!("squares only"),
        };
        // The zone, from the first square's centre.
        let (cx, cy) = corner(members[0], 0.5, 0.5);
        let probe: MultiPolygon<f64> = Polygon::new(
            LineString::from(vec![(cx, cy), (cx + 1.0, cy), (cx, cy + 1.0)]),
            vec![],
        )
        .into();
        let zone = zone_of(
            path,
            crs_to_wgs84(&crs, &probe)?.bounding_rect(),
            members[0],
        )?;
        let mut corners: FxHashMap<(u64, u64), usize> =
            FxHashMap::with_capacity_and_hasher(members.len() * 2, Default::default());
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(members.len() * 2);
        let mut rings: Vec<[usize; 4]> = Vec::with_capacity(members.len());
        for &i in members {
            let ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].map(|(dx, dy)| {
                let p = corner(i, dx, dy);
                *corners
                    .entry((p.0.to_bits(), p.1.to_bits()))
                    .or_insert_with(|| {
                        points.push(p);
                        points.len() - 1
                    })
            });
            rings.push(ring);
        }
        points_to_projected(&crs, zone, &mut points)?;
        for (&i, ring) in members.iter().zip(&rings) {
            let coords: Vec<Coord<f64>> = ring
                .iter()
                .chain([&ring[0]])
                .map(|&k| Coord {
                    x: points[k].0,
                    y: points[k].1,
                })
                .collect();
            let shape = Polygon::new(LineString::new(coords), vec![]);
            out[i] = vec![Projected {
                cell: i,
                zone,
                area: shape.unsigned_area(),
                shape,
            }];
        }
    }
    Ok((out.into_iter().flatten().collect(), points_out))
}

/// The zone a WGS84 shape (its box) lies in, or an error naming the cell.
fn zone_of(path: &std::path::Path, bbox: Option<Rect<f64>>, i: usize) -> Result<Zone> {
    let bbox = bbox.unwrap_or(Rect::new((0., 0.), (0., 0.)));
    Zone::locate(bbox, None).map_err(|problem| {
        Error::input(
            path,
            format!("cell {}", i + 1),
            problem,
            "give a grid of metropolitan France or of an overseas département, its CRS in its ids",
        )
    })
}

/// Envelope of one polygon of one unit: (unit index, polygon index).
type UnitEnvelope = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// A cell polygon and the units it lies on, with its part in each and that part's area.
struct Assigned {
    /// The cell's index in the layer.
    cell: usize,
    /// The cell polygon's area, m².
    area: f64,
    on: Vec<(usize, Vec<Polygon<f64>>, f64)>,
}

/// The units' polygons, indexed to find those a cell or a point lies on.
struct Index<'a> {
    projected: &'a [MultiPolygon<f64>],
    runs: Vec<Vec<Runs>>,
    /// For each zone of [`Zone::ALL`], the envelopes of its units' polygons and its grid.
    per_zone: Vec<(RTree<UnitEnvelope>, Grid)>,
}

impl<'a> Index<'a> {
    fn new(units: &[Unit], projected: &'a [MultiPolygon<f64>]) -> Index<'a> {
        let runs: Vec<Vec<Runs>> = projected
            .par_iter()
            .map(|s| s.0.iter().map(Runs::new).collect())
            .collect();
        let per_zone = Zone::ALL
            .iter()
            .map(|zone| {
                let envelopes: Vec<UnitEnvelope> = projected
                    .iter()
                    .enumerate()
                    .filter(|(u, _)| units[*u].zone == *zone)
                    .flat_map(|(u, s)| s.0.iter().enumerate().map(move |(p, poly)| (u, p, poly)))
                    .filter_map(|(u, p, poly)| {
                        let r = poly.bounding_rect()?;
                        Some(UnitEnvelope::new(
                            Rectangle::from_corners(r.min().into(), r.max().into()),
                            (u, p),
                        ))
                    })
                    .collect();
                let extent = crate::geometry::envelope::extent(
                    projected
                        .iter()
                        .zip(units)
                        .filter(|(_, u)| u.zone == *zone)
                        .map(|(s, _)| s),
                )
                .unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)));
                (RTree::bulk_load(envelopes), Grid::covering(extent))
            })
            .collect();
        Index {
            projected,
            runs,
            per_zone,
        }
    }

    /// The units a cell lies on: whole when no edge of a unit crosses it, else cut by
    /// the unit.
    fn cell(&self, cell: Projected) -> Assigned {
        let mut assigned = Assigned {
            cell: cell.cell,
            area: cell.area,
            on: Vec::new(),
        };
        let Some(bbox) = cell.shape.bounding_rect() else {
            return assigned;
        };
        let (tree, grid) = &self.per_zone[cell.zone.index()];
        let envelope = AABB::from_corners(bbox.min().into(), bbox.max().into());
        let mut hits: Vec<(usize, usize)> = tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        let parts = &mut assigned.on;
        for (u, p) in hits {
            let polygon = &self.projected[u].0[p];
            let runs = &self.runs[u][p];
            let piece = match side(&bbox, polygon, runs) {
                Side::Outside => continue,
                // Inside one polygon of a unit: the cell is that unit's alone.
                Side::Inside => {
                    *parts = vec![(u, vec![cell.shape], cell.area)];
                    return assigned;
                }
                Side::Crossing => {
                    let near = near_part(&bbox, polygon, runs);
                    grid.intersection(&cell.shape.clone().into(), &near).0
                }
            };
            let area: f64 = piece.iter().map(|q| q.unsigned_area()).sum();
            if area <= 0.0 {
                continue;
            }
            match parts.last_mut() {
                Some((last, polys, a)) if *last == u => {
                    polys.extend(piece);
                    *a += area;
                }
                _ => parts.push((u, piece, area)),
            }
        }
        assigned
    }

    /// The unit a point lies in (the first by index when it lies on a border), if any.
    fn point(&self, point: &ProjectedPoint) -> Option<usize> {
        let (tree, _) = &self.per_zone[point.zone.index()];
        let mut hits: Vec<(usize, usize)> = tree
            .locate_all_at_point(&[point.at.x, point.at.y])
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .find(|&(u, p)| contains(&self.projected[u].0[p], &self.runs[u][p], point.at))
            .map(|(u, _)| u)
    }
}

/// The spread, and what the join found.
struct Joined {
    spread: Spread,
    /// The grid's inhabitants on the units, before scaling.
    on_units: f64,
    /// Cells on no unit, and their inhabitants.
    outside: (usize, f64),
}

/// Gathers each unit's cell parts and points, and scales its age bands to its population.
fn scale(
    units: &[Unit],
    grid: &PopulationGrid,
    assigned: Vec<Assigned>,
    points: &[ProjectedPoint],
    located: Vec<Option<usize>>,
) -> Joined {
    let mut parts: Vec<UnitCells> = vec![UnitCells::default(); units.len()];
    let mut raw = vec![0.0; units.len()];
    let mut ages = vec![Ages::default(); units.len()];
    let mut outside = (0, 0.0);
    let mut on_none = vec![true; grid.cells.len()];
    for projected in assigned {
        let cell = &grid.cells[projected.cell];
        on_none[projected.cell] &= projected.on.is_empty();
        let density = match projected.area > 0.0 {
            true => cell.population / projected.area,
            false => 0.0,
        };
        for (u, pieces, area) in projected.on {
            let share = area / projected.area;
            raw[u] += cell.population * share;
            ages[u] += cell.ages().times(share);
            if density > 0.0 {
                parts[u]
                    .density
                    .extend(std::iter::repeat_n(density, pieces.len()));
                parts[u].parts.extend(pieces);
            }
        }
    }
    for (point, on) in points.iter().zip(located) {
        let cell = &grid.cells[point.cell];
        on_none[point.cell] &= on.is_none();
        let Some(u) = on else { continue };
        raw[u] += cell.population * point.share;
        ages[u] += cell.ages().times(point.share);
        if cell.population > 0.0 {
            parts[u].points.push(point.at);
            parts[u].at_points.push(cell.population * point.share);
        }
    }
    for (cell, _) in grid.cells.iter().zip(on_none).filter(|(_, none)| *none) {
        outside.0 += 1;
        outside.1 += cell.population;
    }
    let on_units = raw.iter().sum();
    let spread = Spread {
        cells: parts
            .into_iter()
            .zip(&raw)
            .map(|(p, &r)| (r > 0.0).then_some(p))
            .collect(),
        ages: grid.has_ages.then(|| {
            units
                .iter()
                .zip(&raw)
                .zip(ages)
                .map(|((u, &r), a)| (r > 0.0).then(|| a.times(u.population / r)))
                .collect()
        }),
    };
    Joined {
        spread,
        on_units,
        outside,
    }
}

/// States the rule and what it met: units the grid gives no inhabitant, cells outside
/// the units, the grid's total against the units'.
fn state(
    path: &std::path::Path,
    units: &[Unit],
    grid: &PopulationGrid,
    joined: &Joined,
    provenance: &mut Provenance,
) {
    let name = file_name(path);
    let total: f64 = units.iter().map(|u| u.population).sum();
    let n = grid.cells.len();
    let (on, whole) = (joined.on_units, total);
    let points = grid
        .cells
        .iter()
        .all(|c| matches!(c.shape, CellShape::Points(_)));
    let (english, french) = match points {
        true => (
            format!(
                "{name}: the people of each of its {n} features placed at its point (a multipoint's \
                 shared evenly among its points), in the commune holding it ({on:.0} inhabitants \
                 on the communes), then scaled so that each commune keeps its population \
                 ({whole:.0} in all)"
            ),
            format!(
                "{name} : les habitants de chacun de ses {n} objets placés en son point (ceux d'un \
                 multipoint partagés également entre ses points), dans la commune qui le contient \
                 ({on:.0} habitants sur les communes), puis mis à l'échelle pour que chaque \
                 commune garde sa population ({whole:.0} en tout)"
            ),
        ),
        false => (
            format!(
                "{name}: the people of each of its {n} cells spread evenly over the cell, shared by \
                 area among the communes it lies on ({on:.0} inhabitants on the communes), then \
                 scaled so that each commune keeps its population ({whole:.0} in all)"
            ),
            format!(
                "{name} : les habitants de chacun de ses {n} carreaux répartis uniformément sur le \
                 carreau, partagés selon la surface entre les communes qu'il touche ({on:.0} \
                 habitants sur les communes), puis mis à l'échelle pour que chaque commune garde \
                 sa population ({whole:.0} en tout)"
            ),
        ),
    };
    provenance.assume(AssumptionKind::PopulationGrid, n, english, french);
    let even: Vec<String> = units
        .iter()
        .zip(&joined.spread.cells)
        .filter(|(u, c)| c.is_none() && u.population > 0.0)
        .map(|(u, _)| format!("{} {}", u.code, u.nom))
        .collect();
    if !even.is_empty() {
        provenance.assume(
            AssumptionKind::PopulationGrid,
            even.len(),
            format!(
                "{} communes have no inhabitant in {name}: their people spread evenly over their area{} ({})",
                even.len(),
                match grid.has_ages {
                    true => ", and no figures by age",
                    false => "",
                },
                listing(&even, 5)
            ),
            format!(
                "{} communes n'ont aucun habitant dans {name} : leurs habitants répartis uniformément sur leur surface{} ({})",
                even.len(),
                match grid.has_ages {
                    true => ", et pas de chiffres par âge",
                    false => "",
                },
                listing_fr(&even, 5)
            ),
        );
    }
    if joined.outside.0 > 0 {
        provenance.assume(
            AssumptionKind::PopulationGrid,
            joined.outside.0,
            format!(
                "{} {} of {name} ({:.0} inhabitants) lie on no commune analysed: left out",
                joined.outside.0,
                if points { "features" } else { "cells" },
                joined.outside.1
            ),
            format!(
                "{} {} de {name} ({:.0} habitants) ne touchent aucune commune analysée : laissés de côté",
                joined.outside.0,
                if points { "objets" } else { "carreaux" },
                joined.outside.1
            ),
        );
    }
}
