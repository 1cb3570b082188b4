//! The finer population layer joined to the units (dasymetric rule with control
//! totals): each cell's people spread evenly over the cell, a cell astride units shared
//! among them by area, then each unit's cells scaled so that the unit keeps its own
//! population. The squares of an INSPIRE grid are placed in the grid's own CRS, where
//! they are squares: the units are projected to it instead. The squares lying wholly
//! inside a unit, as most do, are found row by row along its edges; a square its border
//! crosses is measured by clipping, and kept as a square with its area in the unit. A
//! polygon or point layer is placed in the zones' CRS, a polygon astride units cut.

use crate::error::{Error, Result};
use crate::geometry::clip::area_inside;
use crate::geometry::grid::Grid;
use crate::geometry::lattice::{self, Placed};
use crate::geometry::projection::{crs_to_wgs84, from_wgs84, to_projected, Zone};
use crate::geometry::runs::{contains, near_part, side, Runs, Side};
use crate::model::provenance::{file_name, listing, listing_fr, AssumptionKind, Provenance};
use crate::model::spread::{Ages, Spread, Square, UnitCells};
use crate::model::Unit;
use crate::read::population_grid::{CellShape, PopulationGrid};
use geo::{Area, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Joins the finer population layer `grid`, read from `path`, to `units` (`projected`:
/// their shapes in their zones' CRS), stating what it did in `provenance`.
pub fn join_population_grid(
    units: &[Unit],
    projected: &[MultiPolygon<f64>],
    path: &Path,
    grid: &PopulationGrid,
    provenance: &mut Provenance,
) -> Result<Spread> {
    let mut gathered = Gathered::new(units.len(), grid);
    for (epsg, members) in squares_by_crs(grid) {
        let crs = format!("EPSG:{epsg}");
        let zone = zone_of_crs(path, &crs, grid, members[0])?;
        let shapes = units
            .par_iter()
            .map(|u| match u.zone == zone {
                true => from_wgs84(&crs, &u.geometry)
                    .map_err(|e| e.about(|| format!("commune {} {}", u.code, u.nom))),
                false => Ok(MultiPolygon::new(vec![])),
            })
            .collect::<Result<Vec<_>>>()?;
        let whole = whole_squares(&shapes, grid, &members);
        let index = Index::new(units, &shapes);
        let cut: Vec<Assigned> = members
            .par_iter()
            .zip(&whole)
            .filter(|(_, whole)| whole.is_none())
            .map(|(&i, _)| index.square(i, zone, &grid.cells[i].shape))
            .collect();
        gathered.squares(&members, &whole, cut, epsg);
    }
    let (polygons, points) = project_features(path, grid)?;
    if !polygons.is_empty() || !points.is_empty() {
        let index = Index::new(units, projected);
        // The polygons are moved, not copied, into the units they lie wholly in.
        let assigned: Vec<Assigned> = polygons.into_par_iter().map(|c| index.cell(c)).collect();
        gathered.features(assigned);
        let located: Vec<Option<usize>> = points.par_iter().map(|p| index.point(p)).collect();
        gathered.points(&points, located);
    }
    let joined = gathered.finish(units);
    state(path, units, grid, &joined, provenance);
    Ok(joined.spread)
}

/// The squares of the layer by the EPSG code of their CRS, in the layer's order.
fn squares_by_crs(grid: &PopulationGrid) -> BTreeMap<u32, Vec<usize>> {
    let mut by_crs: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, cell) in grid.cells.iter().enumerate() {
        if let CellShape::Square { epsg, .. } = cell.shape {
            by_crs.entry(epsg).or_default().push(i);
        }
    }
    by_crs
}

/// For each square of `members`, the unit one of whose polygons holds it wholly inside
/// (the first by index), found from the lattice rows of each polygon; `None` for a
/// square an edge of a unit meets, on no unit, or off the lattice of its size.
fn whole_squares(
    shapes: &[MultiPolygon<f64>],
    grid: &PopulationGrid,
    members: &[usize],
) -> Vec<Option<usize>> {
    let keyed = members
        .par_iter()
        .enumerate()
        .filter_map(|(k, &i)| match grid.cells[i].shape {
            CellShape::Square { x, y, size, .. } => {
                lattice::place(x, y, size).map(|(row, col)| (size.to_bits(), row, col, k))
            }
            CellShape::Polygon(_) | CellShape::Points(_) => None,
        })
        .collect();
    // The first unit holding a square is the least index that finds it.
    let holder: Vec<AtomicUsize> = (0..members.len())
        .into_par_iter()
        .map(|_| AtomicUsize::new(usize::MAX))
        .collect();
    for placed in Placed::by_side(keyed) {
        shapes.par_iter().enumerate().for_each(|(u, shape)| {
            for polygon in &shape.0 {
                for span in lattice::spans(polygon, placed.size()).inside {
                    for k in placed.of(&span) {
                        holder[k].fetch_min(u, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    holder
        .into_par_iter()
        .map(|u| Some(u.into_inner()).filter(|&u| u != usize::MAX))
        .collect()
}

/// The zone of a grid CRS: that of the centre of its square `i`.
fn zone_of_crs(path: &std::path::Path, crs: &str, grid: &PopulationGrid, i: usize) -> Result<Zone> {
    let (cx, cy) = match grid.cells[i].shape {
        CellShape::Square { x, y, size, .. } => (x + size / 2.0, y + size / 2.0),
        CellShape::Polygon(_) | CellShape::Points(_) => (0.0, 0.0),
    };
    let probe: MultiPolygon<f64> = Polygon::new(
        LineString::from(vec![(cx, cy), (cx + 1.0, cy), (cx, cy + 1.0)]),
        vec![],
    )
    .into();
    zone_of(path, crs_to_wgs84(crs, &probe)?.bounding_rect(), i)
}

/// One polygon of a polygon layer's feature in its zone's projected CRS.
struct Projected {
    /// The feature's index in the layer.
    cell: usize,
    zone: Zone,
    shape: Polygon<f64>,
    /// The whole feature's area, m².
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

/// The polygons and points of a polygon or point layer's features in their zones'
/// projected CRS, in the layer's order.
fn project_features(
    path: &std::path::Path,
    grid: &PopulationGrid,
) -> Result<(Vec<Projected>, Vec<ProjectedPoint>)> {
    let mut polygons = Vec::new();
    let mut points = Vec::new();
    for (i, cell) in grid.cells.iter().enumerate() {
        match &cell.shape {
            CellShape::Square { .. } => {}
            CellShape::Points(at) => {
                let zone = zone_of(path, at.bounding_rect(), i)?;
                let share = 1.0 / at.0.len() as f64;
                points.extend(
                    to_projected(zone, at)?
                        .0
                        .into_iter()
                        .map(|p| ProjectedPoint {
                            cell: i,
                            zone,
                            at: p.0,
                            share,
                        }),
                );
            }
            CellShape::Polygon(shape) => {
                let zone = zone_of(path, shape.bounding_rect(), i)?;
                let shape = to_projected(zone, shape)?;
                let area = shape.unsigned_area();
                polygons.extend(shape.0.into_iter().map(|shape| Projected {
                    cell: i,
                    zone,
                    shape,
                    area,
                }));
            }
        }
    }
    Ok((polygons, points))
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

/// A cell (or one polygon of a feature) and the units it lies on, with its part in
/// each and that part's area.
struct Assigned {
    /// The cell's index in the layer.
    cell: usize,
    /// The cell polygon's area, m².
    area: f64,
    on: Vec<OnUnit>,
}

/// A cell's part in one unit.
struct OnUnit {
    unit: usize,
    /// Its polygons; `None` for a square (kept whole, with its area in the unit) and
    /// for a feature lying wholly in the unit.
    part: Option<Vec<Polygon<f64>>>,
    area: f64,
}

/// The units' polygons in one CRS, indexed to find those a cell or a point lies on.
struct Index<'a> {
    shapes: &'a [MultiPolygon<f64>],
    runs: Vec<Vec<Runs>>,
    /// For each zone of [`Zone::ALL`], the envelopes of its units' polygons and its grid.
    per_zone: Vec<(RTree<UnitEnvelope>, Grid)>,
}

impl<'a> Index<'a> {
    /// The index of `shapes`, the units' shapes in one CRS (empty for units not drawn in it).
    fn new(units: &[Unit], shapes: &'a [MultiPolygon<f64>]) -> Index<'a> {
        let runs: Vec<Vec<Runs>> = shapes
            .par_iter()
            .map(|s| s.0.iter().map(Runs::new).collect())
            .collect();
        let per_zone = Zone::ALL
            .iter()
            .map(|zone| {
                let of_zone = || {
                    shapes
                        .iter()
                        .enumerate()
                        .filter(|(u, _)| units[*u].zone == *zone)
                };
                let envelopes: Vec<UnitEnvelope> = of_zone()
                    .flat_map(|(u, s)| s.0.iter().enumerate().map(move |(p, poly)| (u, p, poly)))
                    .filter_map(|(u, p, poly)| {
                        let r = poly.bounding_rect()?;
                        Some(UnitEnvelope::new(
                            Rectangle::from_corners(r.min().into(), r.max().into()),
                            (u, p),
                        ))
                    })
                    .collect();
                let extent = crate::geometry::envelope::extent(of_zone().map(|(_, s)| s))
                    .unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)));
                (RTree::bulk_load(envelopes), Grid::covering(extent))
            })
            .collect();
        Index {
            shapes,
            runs,
            per_zone,
        }
    }

    /// The units a square of the index's CRS lies on, with its area in each.
    fn square(&self, cell: usize, zone: Zone, shape: &CellShape) -> Assigned {
        let CellShape::Square { x, y, size, .. } = *shape else {
            return Assigned {
                cell,
                area: 0.0,
                on: Vec::new(),
            };
        };
        let bbox = Rect::new((x, y), (x + size, y + size));
        self.lay(cell, zone, bbox, size * size, |_, near| {
            (None, area_inside(&bbox, near))
        })
    }

    /// The units a polygon of a feature lies on; its part in a unit holding it whole is
    /// the polygon itself.
    fn cell(&self, cell: Projected) -> Assigned {
        let Some(bbox) = cell.shape.bounding_rect() else {
            return Assigned {
                cell: cell.cell,
                area: cell.area,
                on: Vec::new(),
            };
        };
        let mut assigned = self.lay(cell.cell, cell.zone, bbox, cell.area, |grid, near| {
            let piece = grid.intersection(&cell.shape.clone().into(), near).0;
            let area = piece.iter().map(|q| q.unsigned_area()).sum();
            (Some(piece), area)
        });
        if let [OnUnit {
            part: whole @ None, ..
        }] = assigned.on.as_mut_slice()
        {
            *whole = Some(vec![cell.shape]);
        }
        assigned
    }

    /// The units a cell of box `bbox` and area `area` lies on: whole (no part, all its
    /// area) when no edge of a unit crosses it, else what `cut` makes of it and of the
    /// unit's polygon near it, on the zone's grid.
    fn lay(
        &self,
        cell: usize,
        zone: Zone,
        bbox: Rect<f64>,
        area: f64,
        cut: impl Fn(&Grid, &Polygon<f64>) -> (Option<Vec<Polygon<f64>>>, f64),
    ) -> Assigned {
        let mut assigned = Assigned {
            cell,
            area,
            on: Vec::new(),
        };
        let (tree, grid) = &self.per_zone[zone.index()];
        let envelope = AABB::from_corners(bbox.min().into(), bbox.max().into());
        let mut hits: Vec<(usize, usize)> = tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        let parts = &mut assigned.on;
        for (u, p) in hits {
            let polygon = &self.shapes[u].0[p];
            let runs = &self.runs[u][p];
            let (piece, piece_area) = match side(&bbox, polygon, runs) {
                Side::Outside => continue,
                // Inside one polygon of a unit: the cell is that unit's alone.
                Side::Inside => {
                    *parts = vec![OnUnit {
                        unit: u,
                        part: None,
                        area,
                    }];
                    return assigned;
                }
                Side::Crossing => cut(grid, &near_part(&bbox, polygon, runs)),
            };
            if piece_area <= 0.0 {
                continue;
            }
            match parts.last_mut() {
                Some(last) if last.unit == u => {
                    last.area += piece_area;
                    if let (Some(polys), Some(piece)) = (&mut last.part, piece) {
                        polys.extend(piece);
                    }
                }
                _ => parts.push(OnUnit {
                    unit: u,
                    part: piece,
                    area: piece_area,
                }),
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
            .find(|&(u, p)| contains(&self.shapes[u].0[p], &self.runs[u][p], point.at))
            .map(|(u, _)| u)
    }
}

/// Each unit's cells and points as they are placed, with its inhabitants and ages
/// before scaling.
struct Gathered<'g> {
    grid: &'g PopulationGrid,
    cells: Vec<UnitCells>,
    raw: Vec<f64>,
    ages: Vec<Ages>,
    /// For each cell of the layer, whether it lies on no unit (yet).
    on_none: Vec<bool>,
}

/// The spread, and what the join found.
struct Joined {
    spread: Spread,
    /// The grid's inhabitants on the units, before scaling.
    on_units: f64,
    /// Cells on no unit, and their inhabitants.
    outside: (usize, f64),
}

impl<'g> Gathered<'g> {
    fn new(units: usize, grid: &'g PopulationGrid) -> Gathered<'g> {
        Gathered {
            grid,
            cells: vec![UnitCells::default(); units],
            raw: vec![0.0; units],
            ages: vec![Ages::default(); units],
            on_none: vec![true; grid.cells.len()],
        }
    }

    /// Gives each unit its share of the squares `members` of one grid CRS: the units
    /// holding them `whole`, the others as `cut`, in order.
    fn squares(
        &mut self,
        members: &[usize],
        whole: &[Option<usize>],
        cut: Vec<Assigned>,
        epsg: u32,
    ) {
        let mut cut = cut.into_iter();
        for (&i, whole) in members.iter().zip(whole) {
            match whole {
                Some(u) => {
                    let CellShape::Square { size, .. } = self.grid.cells[i].shape else {
                        continue;
                    };
                    let area = size * size;
                    let on = OnUnit {
                        unit: *u,
                        part: None,
                        area,
                    };
                    self.place(i, area, [on], Some(epsg));
                }
                None => {
                    if let Some(placed) = cut.next() {
                        self.place(placed.cell, placed.area, placed.on, Some(epsg));
                    }
                }
            }
        }
    }

    /// Gives each unit its share of the polygons of a polygon layer's features.
    fn features(&mut self, assigned: Vec<Assigned>) {
        for placed in assigned {
            self.place(placed.cell, placed.area, placed.on, None);
        }
    }

    /// Gives the units `on` which cell `i` (of area `area`) lies their share of it; a
    /// square of a grid of CRS `epsg` stays a square.
    fn place(
        &mut self,
        i: usize,
        area: f64,
        on: impl IntoIterator<Item = OnUnit>,
        epsg: Option<u32>,
    ) {
        let cell = &self.grid.cells[i];
        let density = match area > 0.0 {
            true => cell.population / area,
            false => 0.0,
        };
        let mut none = true;
        for OnUnit {
            unit: u,
            part,
            area: part_area,
        } in on
        {
            none = false;
            let share = part_area / area;
            self.raw[u] += cell.population * share;
            self.ages[u] += cell.ages().times(share);
            if density <= 0.0 {
                continue;
            }
            let cells = &mut self.cells[u];
            match (part, &cell.shape, epsg) {
                (Some(pieces), _, _) => {
                    cells
                        .density
                        .extend(std::iter::repeat_n(density, pieces.len()));
                    cells.parts.extend(pieces);
                }
                (None, &CellShape::Square { x, y, size, .. }, Some(epsg)) => {
                    cells.grid(epsg).push(Square {
                        x,
                        y,
                        size,
                        density,
                        area: part_area,
                    })
                }
                // A feature's whole part is its polygon, given as a piece.
                (None, _, _) => {}
            }
        }
        self.on_none[i] &= none;
    }

    /// Gives each unit the people of the points located in it.
    fn points(&mut self, points: &[ProjectedPoint], located: Vec<Option<usize>>) {
        for (point, on) in points.iter().zip(located) {
            let cell = &self.grid.cells[point.cell];
            self.on_none[point.cell] &= on.is_none();
            let Some(u) = on else { continue };
            self.raw[u] += cell.population * point.share;
            self.ages[u] += cell.ages().times(point.share);
            if cell.population > 0.0 {
                self.cells[u].points.push(point.at);
                self.cells[u].at_points.push(cell.population * point.share);
            }
        }
    }

    /// The spread: each unit's cells, and its age bands scaled to its population.
    fn finish(self, units: &[Unit]) -> Joined {
        let mut outside = (0, 0.0);
        for (cell, _) in self
            .grid
            .cells
            .iter()
            .zip(&self.on_none)
            .filter(|(_, none)| **none)
        {
            outside.0 += 1;
            outside.1 += cell.population;
        }
        let raw = self.raw;
        let spread = Spread {
            cells: self
                .cells
                .into_iter()
                .zip(&raw)
                .map(|(p, &r)| (r > 0.0).then_some(p))
                .collect(),
            ages: self.grid.has_ages.then(|| {
                units
                    .iter()
                    .zip(&raw)
                    .zip(self.ages)
                    .map(|((u, &r), a)| (r > 0.0).then(|| a.times(u.population / r)))
                    .collect()
            }),
        };
        Joined {
            spread,
            on_units: raw.iter().sum(),
            outside,
        }
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
