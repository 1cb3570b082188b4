//! The analysis of one set of inputs: the perimeters placed on their zones' grids, each
//! unit overlaid (or its lists read), the white zones dissolved, the overlaps collected
//! and the CPTS populations summed, each stage parallel over units. The units come
//! projected from [`Inputs`].

use crate::error::Result;
use crate::geometry::borders::Borders;
use crate::geometry::grid::Grid;
use crate::geometry::projection::{to_projected, Zone};
use crate::load::cache::CacheUse;
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::access::{Access, Need};
use crate::model::{Cpts, Perimeter, Status, Unit};
use crate::overlay::cover::UnitCover;
use crate::overlay::membership::{cover_unit, listing_cpts};
use crate::overlay::people::People;
use crate::overlay::polygon::{overlay_unit, PerimeterIndex, Rules};
use crate::zones::contour_gaps::reconcile;
use crate::zones::overlaps::{overlaps, ContourOverlaps, Overlap};
use crate::zones::white_zones::{white_zones, GapRule, WhiteZone, WhiteZones};
use geo::{Area, MultiPolygon, Rect};
use rayon::prelude::*;

/// Choices that change the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Statuses whose CPTS count as covering (default: all three).
    pub statuses: Vec<Status>,
    /// Uncovered parts and overlaps smaller than this are slivers, km² (default 0.01).
    pub sliver_km2: f64,
    /// Uncovered parts and overlaps into which no disc of this diameter fits are
    /// contour gaps and contour overlaps, metres (default 200; 0: none). Polygon mode.
    pub gap_width_m: f64,
}

/// The default gap width, metres: wider than the misalignment of IRIS and generalised
/// commune contours (tens of metres), narrower than a hamlet.
pub const GAP_WIDTH_M: f64 = 200.0;

impl Default for Options {
    fn default() -> Self {
        Options {
            statuses: Status::ALL.to_vec(),
            sliver_km2: 0.01,
            gap_width_m: GAP_WIDTH_M,
        }
    }
}

impl Options {
    /// Whether each status of [`Status::ALL`] counts as covering.
    pub fn counted(&self) -> [bool; 3] {
        Status::ALL.map(|s| self.statuses.contains(&s))
    }
}

/// Receives the name of each stage as it starts (for a progress display).
pub trait Progress: Sync {
    fn stage(&self, name: &str);
    /// What the cache did with `what` (the communes, the population grid): nothing to
    /// tell by default.
    fn cache(&self, _what: &str, _used: &CacheUse) {}
}

impl Progress for () {
    fn stage(&self, _: &str) {}
}

/// The results of one analysis, by unit and CPTS index of the [`Inputs`].
#[derive(Debug, Clone)]
pub struct Analysis {
    pub options: Options,
    /// Coverage of each unit; its uncovered geometry and overlap pieces are dropped once
    /// the white zones and the overlaps are made of them.
    pub covers: Vec<UnitCover>,
    /// `pop(P) = Σ_c pop(c) × area(c ∩ P) / area(c)` for each CPTS.
    pub cpts_population: Vec<f64>,
    pub white: WhiteZones,
    pub overlaps: Vec<Overlap>,
    /// Overlap parts narrower than the gap width, set apart.
    pub contour_overlaps: ContourOverlaps,
    /// For each CPTS, whether it reaches beyond the supplied communes: only the part over
    /// them counts, so its population, tier and funding are partial.
    pub partial: Vec<bool>,
    /// The integer grid of each zone of [`Zone::ALL`], on which every shape was cut.
    pub grids: Vec<Grid>,
}

/// Runs the analysis of `inputs`: [`place`], [`cover_units`], then the white zones, the
/// overlaps and the CPTS populations.
pub fn analyse(inputs: &Inputs, options: &Options, progress: &dyn Progress) -> Result<Analysis> {
    let units = &inputs.units;
    let placed = place(inputs, progress)?;
    let mut covers = cover_units(inputs, &placed, options, progress)?;
    let Placed {
        grids,
        units: snapped_units,
        territories,
    } = placed;
    drop(snapped_units);
    let partial = match &territories {
        Territories::Projected(by_zone) => reaching_beyond(by_zone, &covers, options.sliver_km2),
        Territories::Lists(_) => inputs.reaches_beyond.clone(),
    };
    progress.stage("dissolving the white zones");
    let polygon_mode = matches!(territories, Territories::Projected(_));
    let sliver_m2 = options.sliver_km2 * 1e6;
    // Membership mode makes no overlay debris: every part is made of whole units.
    let min_area = if polygon_mode { sliver_m2 } else { 0.0 };
    let statuses: Vec<Status> = inputs.cpts.iter().map(|c| c.statut).collect();
    let rule = match &territories {
        Territories::Projected(by_zone) if options.gap_width_m > 0.0 => {
            Some(gap_rule(by_zone, &statuses, options))
        }
        _ => None,
    };
    let mut white = white_zones(units, &grids, &covers, min_area, rule.as_ref());
    if let Some(access) = &inputs.access {
        rank_by_need(&mut white, units, access);
    }
    reconcile(&mut covers, &statuses, &white.gaps);
    white.count_sliver_population(units, &covers);
    progress.stage("collecting the overlaps");
    let width = rule.as_ref().map(|r| r.width);
    let (overlaps, contour_overlaps) = overlaps(units, &grids, &covers, min_area, width);
    let mut cpts_population = vec![0.0; inputs.cpts.len()];
    for (u, c) in units.iter().zip(&mut covers) {
        for piece in &c.pieces {
            cpts_population[piece.cpts] += u.population * piece.weight / c.area;
        }
        c.uncovered = MultiPolygon::new(vec![]);
        c.uncovered_weights.clear();
        c.overlaps.clear();
    }
    Ok(Analysis {
        options: options.clone(),
        covers,
        cpts_population,
        white,
        overlaps,
        contour_overlaps,
        partial,
        grids,
    })
}

/// Ranks the white zones most urgent first (see [`Need::urgency`]): mostly in ZIP, then
/// by population under the APL threshold, then by population.
fn rank_by_need(white: &mut WhiteZones, units: &[Unit], access: &Access) {
    let mut ranked: Vec<(Need, WhiteZone)> = std::mem::take(&mut white.zones)
        .into_iter()
        .map(|z| (access.need(units, &z.shares), z))
        .collect();
    ranked.sort_by(|a, b| a.0.urgency(&b.0).then(b.1.area_m2.total_cmp(&a.1.area_m2)));
    white.zones = ranked.into_iter().map(|(_, z)| z).collect();
}

/// The contour-gap rule of `options`: the width, and the borders of the counted
/// perimeters of each zone, a gap going to the one sharing the longest border with it
/// (within a metre, the peer's tolerance).
fn gap_rule<'a>(
    by_zone: &'a [Vec<Option<MultiPolygon<f64>>>],
    statuses: &[Status],
    options: &Options,
) -> GapRule<'a> {
    let counted = options.counted();
    GapRule {
        width: options.gap_width_m,
        borders: by_zone
            .iter()
            .map(|shapes| {
                let pieces = shapes
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| counted[statuses[*k].index()])
                    .filter_map(|(k, s)| Some((s.as_ref()?, vec![k])))
                    .collect();
                Borders::within(pieces, 1.0)
            })
            .collect(),
    }
}

/// The units and perimeters projected and moved onto their zone's grid: what the
/// overlay works on.
pub struct Placed<'a> {
    /// The integer grid of each zone of [`Zone::ALL`], on which every shape is cut.
    pub grids: Vec<Grid>,
    /// Each unit, projected and on its zone's grid.
    pub units: Vec<MultiPolygon<f64>>,
    territories: Territories<'a>,
}

impl Placed<'_> {
    /// Polygon mode: for each zone of [`Zone::ALL`], one slot per CPTS, projected and on
    /// the grid, `None` for the CPTS of other zones.
    pub fn perimeters(&self) -> Option<&[Vec<Option<MultiPolygon<f64>>>]> {
        self.territories.projected().next().map(Vec::as_slice)
    }
}

/// Projects the perimeters (polygon mode), makes each zone's grid around the projected
/// units and perimeters, and moves them onto it.
pub fn place<'a>(inputs: &'a Inputs, progress: &dyn Progress) -> Result<Placed<'a>> {
    let (units, projected) = (&inputs.units, &inputs.projected);
    // Zipped with the units below: an emptied projection would leave units out unseen.
    assert_eq!(
        projected.len(),
        units.len(),
        "the units' projection was let go before an analysis"
    );
    let territories = match &inputs.perimeters {
        Perimeters::Polygons(shapes) => {
            progress.stage("projecting the perimeters");
            Territories::Projected(project_perimeters(&inputs.cpts, shapes)?)
        }
        Perimeters::Membership(lists) => Territories::Lists(lists),
    };
    let grids: Vec<Grid> = Zone::ALL
        .iter()
        .map(|zone| {
            let of_units = projected
                .iter()
                .zip(units)
                .filter(|(_, u)| u.zone == *zone)
                .map(|(s, _)| s);
            let of_perimeters = territories
                .projected()
                .flat_map(|p| p[zone.index()].iter().flatten());
            Grid::covering(extent(of_units.chain(of_perimeters)))
        })
        .collect();
    // All geometry lives on its zone's grid, so that areas agree with the operations'.
    let snapped_units: Vec<MultiPolygon<f64>> = projected
        .par_iter()
        .zip(units)
        .map(|(s, u)| grids[u.zone.index()].snap(s))
        .collect();
    let territories = match territories {
        Territories::Projected(by_zone) => Territories::Projected(snapped(by_zone, &grids)),
        lists => lists,
    };
    Ok(Placed {
        grids,
        units: snapped_units,
        territories,
    })
}

/// The coverage of each unit: overlaid with the perimeters an index of each zone's
/// names (polygon mode), or from the lists naming it (membership mode), the statuses
/// counted and the gap width of `options`. Fails when a finer population layer's cells
/// cannot be drawn in a unit's zone CRS.
pub fn cover_units(
    inputs: &Inputs,
    placed: &Placed,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Vec<UnitCover>> {
    let units = &inputs.units;
    let statuses: Vec<Status> = inputs.cpts.iter().map(|c| c.statut).collect();
    let counted = options.counted();
    let rules = Rules {
        statuses: &statuses,
        counted,
        gap_width: options.gap_width_m,
    };
    match &placed.territories {
        Territories::Projected(by_zone) => {
            let indexes: Vec<PerimeterIndex> =
                by_zone.iter().map(|s| PerimeterIndex::new(s)).collect();
            progress.stage("overlaying communes and perimeters");
            // A finer population layer's cells are drawn on the grid unit by unit, and
            // only for a unit whose parts are weighed.
            let cells = inputs.spread.as_ref().map(|s| &s.cells);
            placed
                .units
                .par_iter()
                .zip(units)
                .enumerate()
                .map(|(i, (unit, u))| {
                    let grid = &placed.grids[u.zone.index()];
                    let given = cells.and_then(|c| c[i].as_ref());
                    let people = People::new(unit.unsigned_area(), given, u.zone, grid);
                    let cover = overlay_unit(grid, unit, &indexes[u.zone.index()], &rules, &people);
                    people.failure().map_or(Ok(cover), Err)
                })
                .collect()
        }
        Territories::Lists(lists) => {
            progress.stage("matching the membership lists");
            let by_unit = listing_cpts(units.len(), lists);
            placed
                .units
                .par_iter()
                .zip(&by_unit)
                .map(|(unit, listed)| Ok(cover_unit(unit, listed, &statuses, counted)))
                .collect()
        }
    }
}

/// Share of a perimeter's area that may lie outside the supplied communes before its
/// CPTS is called partial. Perimeters drawn on other contours than the communes layer
/// (IRIS, a coastline of another scale) leave up to about 1 % outside (1.2 % at most
/// on the real Alpes-Maritimes layer); a CPTS reaching into a département the layer
/// lacks leaves much more.
pub const PARTIAL_SHARE: f64 = 0.05;

/// For each CPTS, whether at least [`PARTIAL_SHARE`] of its perimeter (and more than
/// the sliver tolerance) lies outside the supplied communes.
fn reaching_beyond(
    by_zone: &[Vec<Option<MultiPolygon<f64>>>],
    covers: &[UnitCover],
    sliver_km2: f64,
) -> Vec<bool> {
    let count = by_zone.first().map_or(0, Vec::len);
    let mut inside = vec![0.0; count];
    for piece in covers.iter().flat_map(|c| &c.pieces) {
        inside[piece.cpts] += piece.area;
    }
    (0..count)
        .map(|k| {
            let area: f64 = by_zone
                .iter()
                .filter_map(|shapes| shapes[k].as_ref())
                .map(|s| s.unsigned_area())
                .sum();
            let outside = area - inside[k];
            outside > sliver_km2 * 1e6 && outside >= PARTIAL_SHARE * area
        })
        .collect()
}

/// The CPTS as the coverage stage takes them.
enum Territories<'a> {
    /// Polygon mode: for each zone of [`Zone::ALL`], one slot per CPTS, projected and
    /// snapped, `None` for the CPTS of other zones.
    Projected(Vec<Vec<Option<MultiPolygon<f64>>>>),
    /// Membership mode: the units each CPTS lists.
    Lists(&'a [Vec<usize>]),
}

impl Territories<'_> {
    /// The projected perimeters, if any.
    fn projected(&self) -> impl Iterator<Item = &Vec<Vec<Option<MultiPolygon<f64>>>>> {
        match self {
            Territories::Projected(by_zone) => Some(by_zone),
            Territories::Lists(_) => None,
        }
        .into_iter()
    }
}

/// Projects each perimeter into the zone where it lies: for each zone of [`Zone::ALL`],
/// one slot per CPTS, `None` for the CPTS of other zones.
pub(crate) fn project_perimeters(
    cpts: &[Cpts],
    perimeters: &[Perimeter],
) -> Result<Vec<Vec<Option<MultiPolygon<f64>>>>> {
    Zone::ALL
        .into_par_iter()
        .map(|zone| {
            perimeters
                .par_iter()
                .zip(cpts)
                .map(|(p, c)| match p.zone == zone {
                    true => to_projected(zone, &p.shape)
                        .map(Some)
                        .map_err(|e| e.about(|| format!("CPTS {}", c.id))),
                    false => Ok(None),
                })
                .collect()
        })
        .collect()
}

/// Projected perimeters (as [`project_perimeters`] gives them) moved onto their zone's grid.
pub(crate) fn snapped(
    by_zone: Vec<Vec<Option<MultiPolygon<f64>>>>,
    grids: &[Grid],
) -> Vec<Vec<Option<MultiPolygon<f64>>>> {
    by_zone
        .into_iter()
        .zip(grids)
        .map(|(shapes, grid)| {
            shapes
                .into_iter()
                .map(|s| s.map(|s| grid.snap(&s)))
                .collect()
        })
        .collect()
}

/// Bounding box of shapes (a unit square when there is none).
fn extent<'a>(shapes: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Rect<f64> {
    crate::geometry::envelope::extent(shapes).unwrap_or_else(|| Rect::new((0.0, 0.0), (1.0, 1.0)))
}
