//! `summary.json`: the figures of one analysis in a stable, documented schema
//! (see README, "summary.json"). Lists are sorted by code or id.

use crate::analysis::Analysis;
use crate::figures::access::{AccessFigures, Part, Tally};
use crate::figures::ages::{AgeFigures, AgeTally};
use crate::figures::funding::Tariff;
use crate::geometry::repair::Repairs;
use crate::load::inputs::{Inputs, Perimeters};
use crate::model::provenance::{
    listing, listing_fr, Assumption, AssumptionKind, Provenance, Source,
};
use crate::model::Status;
use crate::zones::white_zones::white_zone_id;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Version of the schema below; it moves whenever its shape changes.
pub const SCHEMA_VERSION: u32 = 8;

/// The oldest schema `cpts check` still reads: versions 3 to 8 only added fields
/// (`sources`, `assumptions`, the CPTS's `partial`; the sources' `modified`; the CPTS's
/// `funding_missions_eur`; the contour gaps and overlaps; the white zones and the
/// access sections; the age sections), read from older summaries as empty, zero, false
/// or absent.
pub const OLDEST_READABLE_SCHEMA: u32 = 2;

/// Every national figure of one analysis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub schema_version: u32,
    /// `polygon` or `membership`.
    pub mode: String,
    /// Statuses whose CPTS count as covering in `covered_population` and the white zones.
    pub statuses_counted: Vec<Status>,
    /// What the figures cover: `Alpes-Maritimes`, `Provence-Alpes-Côte d'Azur`, `3
    /// départements`, `France` (the units of the communes layer, or of `--territory`).
    #[serde(default)]
    pub territory: String,
    /// Départements in scope where no CPTS holds any commune (sorted).
    #[serde(default)]
    pub departements_without_cpts: Vec<String>,
    /// `communes`, or `arrondissements` when they stand in for Paris, Lyon and Marseille.
    pub population_level: String,
    pub sliver_km2: f64,
    pub unit_count: usize,
    pub total_population: f64,
    pub covered_population: f64,
    pub coverage_rate: f64,
    pub by_status: Vec<StatusRow>,
    pub white_zone_population: f64,
    pub white_zone_count: usize,
    pub white_zone_area_km2: f64,
    pub sliver_count: usize,
    pub sliver_population: f64,
    pub overlap_count: usize,
    pub overlap_population: f64,
    pub overlap_area_km2: f64,
    /// Every overlapping pair, sorted by ids.
    pub overlaps: Vec<OverlapRow>,
    /// Uncovered parts and overlaps narrower than this (metres) are contour gaps and
    /// contour overlaps (0: none; membership mode: none).
    #[serde(default)]
    pub gap_width_m: f64,
    #[serde(flatten)]
    pub contour: Contour,
    /// The figures under the area rule alone, before the contour gaps were counted as
    /// covered (polygon mode with a gap width).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_reconciliation: Option<Before>,
    #[serde(flatten)]
    pub repairs: Repairs,
    /// Where the populations come from (the communes layer's property, or a table's
    /// column).
    #[serde(default)]
    pub population_source: String,
    /// The files read: role, file name, format and CRS.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// What was taken for granted to read the inputs, in the order it happened.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    /// Access to general practitioners, with `--apl` or `--doctor-zoning`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessSection>,
    /// Inhabitants by age band, with a `--population-grid` that gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeFigures>,
    pub cpts: Vec<CptsRow>,
    pub by_departement: Vec<DepartementRow>,
    pub by_region: Vec<RegionRow>,
    /// The white zones, in the order of their ids: most urgent first with `--apl` or
    /// `--doctor-zoning`, else most populous first.
    #[serde(default)]
    pub white_zones: Vec<WhiteZoneRow>,
}

/// The national access figures and what they were computed from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessSection {
    /// The APL column read (`APL aux médecins généralistes`), its sheet and file.
    pub indicator: Option<String>,
    pub sheet: Option<String>,
    pub apl_source: Option<String>,
    /// Whether the APL means are weighted by the file's standardised population (else
    /// by the analysis population).
    pub weighted_by_standardised_population: bool,
    pub threshold: f64,
    pub zoning_source: Option<String>,
    #[serde(flatten)]
    pub figures: AccessFigures,
    /// The units without an APL: `code nom`.
    pub units_without_value_list: Vec<String>,
}

/// One white zone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhiteZoneRow {
    /// `ZB-0001`.
    pub id: String,
    pub population: f64,
    pub area_km2: f64,
    pub departements: Vec<String>,
    /// Whether most of its population lives in ZIP (with `--doctor-zoning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_zip: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessFigures>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeFigures>,
}

/// The contour debris set apart by the gap width.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Contour {
    /// Narrow uncovered parts counted as covered by a neighbouring CPTS (those touching
    /// none are among the slivers).
    pub contour_gap_count: usize,
    pub contour_gap_population: f64,
    pub contour_gap_area_km2: f64,
    /// The diameter of the widest disc the widest contour gap holds, metres.
    pub contour_gap_widest_m: f64,
    /// Narrow overlap parts: no breach of exclusivity; CPTS populations unchanged.
    pub contour_overlap_count: usize,
    pub contour_overlap_population: f64,
    pub contour_overlap_area_km2: f64,
}

/// Figures before the contour gaps were counted as covered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Before {
    pub covered_population: f64,
    pub coverage_rate: f64,
    /// Uncovered parts at least as large as the sliver tolerance, whatever their width.
    pub white_zone_count: usize,
    pub white_zone_population: f64,
}

/// Coverage by the CPTS of one status alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusRow {
    pub statut: Status,
    pub covered_population: f64,
    pub coverage_rate: f64,
}

/// One CPTS with its population, size tier and maximum ACI funding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CptsRow {
    pub id: String,
    pub nom: String,
    pub statut: Status,
    pub population: f64,
    pub tier: u8,
    pub funding_max_eur: u32,
    /// Maximum funding of the missions it signed, when the perimeter file says which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_missions_eur: Option<u32>,
    /// Whether the CPTS reaches beyond the supplied communes: population, tier and
    /// funding then count only the part over them.
    #[serde(default)]
    pub partial: bool,
    /// Départements of the communes it holds (at least the sliver tolerance or half of
    /// the commune), sorted.
    pub departements: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessFigures>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeFigures>,
}

/// Two CPTS on one territory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OverlapRow {
    pub cpts_a: String,
    pub cpts_b: String,
    pub area_km2: f64,
    pub population: f64,
    /// Départements of the communes touched.
    pub departements: Vec<String>,
    /// Communes touched (by at least 1 m²).
    pub communes: Vec<String>,
}

/// Population figures of a territory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Totals {
    pub population: f64,
    pub covered_population: f64,
    pub coverage_rate: f64,
    pub white_zone_population: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessFigures>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeFigures>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepartementRow {
    pub departement: String,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionRow {
    pub region: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// The assumptions of the inputs, then the CPTS found to reach beyond the communes.
fn assumptions(inputs: &Inputs, analysis: &Analysis) -> Vec<Assumption> {
    let mut provenance = inputs.provenance.clone();
    contour_assumption(analysis, &mut provenance);
    let partial: Vec<String> = inputs
        .cpts
        .iter()
        .zip(&analysis.partial)
        .filter(|(_, &p)| p)
        .map(|(c, _)| c.id.clone())
        .collect();
    if !partial.is_empty() {
        provenance.assume(
            AssumptionKind::Partial,
            partial.len(),
            format!(
                "perimeters reaching beyond the supplied communes; only the part over them counts, \
                 so population, tier and funding are partial (partial: true): {}",
                listing(&partial, 20)
            ),
            format!(
                "périmètres débordant des communes fournies ; seule leur part sur ces communes compte, \
                 population, taille et financement sont donc partiels (partial: true) : {}",
                listing_fr(&partial, 20)
            ),
        );
    }
    provenance.assumptions
}

/// The gap width in effect: none in membership mode.
fn gap_width(inputs: &Inputs, analysis: &Analysis) -> f64 {
    match inputs.perimeters {
        Perimeters::Polygons(_) => analysis.options.gap_width_m,
        Perimeters::Membership(_) => 0.0,
    }
}

fn contour(analysis: &Analysis) -> Contour {
    let gaps = &analysis.white.gaps;
    let overlaps = &analysis.contour_overlaps;
    Contour {
        contour_gap_count: gaps.len(),
        contour_gap_population: total(gaps.iter().map(|g| g.population)),
        contour_gap_area_km2: total(gaps.iter().map(|g| g.area_m2)) / 1e6,
        contour_gap_widest_m: gaps.iter().map(|g| g.width_m).fold(0.0, f64::max),
        contour_overlap_count: overlaps.count,
        contour_overlap_population: overlaps.population,
        contour_overlap_area_km2: overlaps.area_m2 / 1e6,
    }
}

/// What the gap width did, when it did something.
fn contour_assumption(analysis: &Analysis, provenance: &mut Provenance) {
    let (gaps, overlaps) = (&analysis.white.gaps, &analysis.contour_overlaps);
    if gaps.is_empty() && overlaps.count == 0 {
        return;
    }
    let width = analysis.options.gap_width_m;
    provenance.assume(
        AssumptionKind::ContourGap,
        gaps.len() + overlaps.count,
        format!(
            "contour debris narrower than {width} m (no disc of that diameter fits): {} uncovered \
             parts ({:.2} km², {:.0} inhabitants, the widest {:.0} m across) counted as covered by \
             the CPTS sharing the longest border with each; {} overlap parts ({:.2} km², {:.0} \
             inhabitants) not counted as overlaps; under the area rule alone (--gap-width 0) {} \
             white zones instead of {}",
            gaps.len(),
            total(gaps.iter().map(|g| g.area_m2)) / 1e6,
            total(gaps.iter().map(|g| g.population)),
            gaps.iter().map(|g| g.width_m).fold(0.0, f64::max),
            overlaps.count,
            overlaps.area_m2 / 1e6,
            overlaps.population,
            analysis.white.before_gaps.0,
            analysis.white.zones.len(),
        ),
        format!(
            "débris de contour plus étroits que {width} m (aucun disque de ce diamètre n'y tient) : \
             {} ({} km², {}, la plus large de {:.0} m) comptées comme couvertes par la CPTS qui \
             partage avec chacune la plus longue limite ; {} ({} km², {}) non comptées comme \
             chevauchements ; selon la seule règle de surface (--gap-width 0), {} au lieu de {}",
            fr_count(gaps.len() as f64, "partie non couverte", "parties non couvertes"),
            format!("{:.2}", total(gaps.iter().map(|g| g.area_m2)) / 1e6).replace('.', ","),
            fr_count(total(gaps.iter().map(|g| g.population)), "habitant", "habitants"),
            gaps.iter().map(|g| g.width_m).fold(0.0, f64::max),
            fr_count(overlaps.count as f64, "partie de chevauchement", "parties de chevauchement"),
            format!("{:.2}", overlaps.area_m2 / 1e6).replace('.', ","),
            fr_count(overlaps.population, "habitant", "habitants"),
            fr_count(analysis.white.before_gaps.0 as f64, "zone blanche", "zones blanches"),
            analysis.white.zones.len(),
        ),
    );
}

/// `n` things in French, rounded to the unit: singular up to one, plural beyond.
fn fr_count(n: f64, one: &str, many: &str) -> String {
    let n = n.max(0.0).round();
    format!("{n:.0} {}", if n <= 1.0 { one } else { many })
}

/// The départements of the units where no CPTS holds any unit.
fn departements_without_cpts(inputs: &Inputs, analysis: &Analysis) -> Vec<String> {
    let sliver_m2 = analysis.options.sliver_km2 * 1e6;
    let mut held: BTreeMap<&str, bool> = BTreeMap::new();
    for (u, c) in inputs.units.iter().zip(&analysis.covers) {
        *held.entry(&u.departement).or_default() |= c.holders(sliver_m2).next().is_some();
    }
    held.into_iter()
        .filter(|(_, held)| !held)
        .map(|(d, _)| d.to_string())
        .collect()
}

/// For each CPTS, the départements of the units it holds, sorted.
pub fn cpts_departements(inputs: &Inputs, analysis: &Analysis) -> Vec<Vec<String>> {
    let mut sets = vec![std::collections::BTreeSet::new(); inputs.cpts.len()];
    let sliver_m2 = analysis.options.sliver_km2 * 1e6;
    for (u, c) in inputs.units.iter().zip(&analysis.covers) {
        for k in c.holders(sliver_m2) {
            sets[k].insert(u.departement.clone());
        }
    }
    sets.into_iter().map(|s| s.into_iter().collect()).collect()
}

/// A sum that is +0 when there is nothing to add (`Iterator::sum` gives -0 for floats,
/// which would print as "-0").
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |a, b| a + b)
}

fn rate(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

impl Summary {
    /// Gathers the figures of `analysis` on `inputs`, funding from `tariff`.
    pub fn new(inputs: &Inputs, analysis: &Analysis, tariff: &Tariff) -> Summary {
        let units = &inputs.units;
        let covered: Vec<f64> = units
            .iter()
            .zip(&analysis.covers)
            .map(|(u, c)| u.population * c.covered_share())
            .collect();
        let total_population = total(units.iter().map(|u| u.population));
        let covered_population = total(covered.iter().copied());
        let group = |key: &dyn Fn(usize) -> String| group_totals(inputs, analysis, &covered, key);
        let white = &analysis.white;
        Summary {
            schema_version: SCHEMA_VERSION,
            mode: inputs.perimeters.mode().into(),
            statuses_counted: analysis.options.statuses.clone(),
            territory: inputs.scope_label(),
            departements_without_cpts: departements_without_cpts(inputs, analysis),
            population_level: if inputs.arrondissements {
                "arrondissements"
            } else {
                "communes"
            }
            .into(),
            sliver_km2: analysis.options.sliver_km2,
            unit_count: units.len(),
            total_population,
            covered_population,
            coverage_rate: rate(covered_population, total_population),
            by_status: by_status(inputs, analysis, total_population),
            white_zone_population: total(white.zones.iter().map(|z| z.population)),
            white_zone_count: white.zones.len(),
            white_zone_area_km2: total(white.zones.iter().map(|z| z.area_m2)) / 1e6,
            sliver_count: white.sliver_count,
            sliver_population: white.sliver_population,
            overlap_count: analysis.overlaps.len(),
            overlap_population: total(analysis.overlaps.iter().map(|o| o.population)),
            overlap_area_km2: total(analysis.overlaps.iter().map(|o| o.area_m2)) / 1e6,
            overlaps: overlap_rows(inputs, analysis),
            gap_width_m: gap_width(inputs, analysis),
            contour: contour(analysis),
            before_reconciliation: (gap_width(inputs, analysis) > 0.0).then(|| {
                let before = covered_population - total(white.gaps.iter().map(|g| g.population));
                Before {
                    covered_population: before,
                    coverage_rate: rate(before, total_population),
                    white_zone_count: white.before_gaps.0,
                    white_zone_population: white.before_gaps.1,
                }
            }),
            repairs: inputs.repairs,
            population_source: inputs.provenance.population_source.clone(),
            sources: inputs.provenance.sources.clone(),
            assumptions: assumptions(inputs, analysis),
            access: access_section(inputs, analysis, &covered),
            ages: age_tally(inputs).map(|mut tally| {
                for (i, u) in units.iter().enumerate() {
                    tally.add(whole_unit(i, u.population, &covered, analysis));
                }
                tally.figures()
            }),
            cpts: cpts_rows(inputs, analysis, tariff),
            by_departement: group(&|i| units[i].departement.clone())
                .into_iter()
                .map(|(departement, totals)| DepartementRow {
                    departement,
                    totals,
                })
                .collect(),
            by_region: group(&|i| units[i].region.clone())
                .into_iter()
                .map(|(region, totals)| RegionRow { region, totals })
                .collect(),
            white_zones: white_zone_rows(inputs, analysis),
        }
    }
}

/// The population each status covers alone.
fn by_status(inputs: &Inputs, analysis: &Analysis, total_population: f64) -> Vec<StatusRow> {
    Status::ALL
        .map(|s| {
            let people = total(
                inputs
                    .units
                    .iter()
                    .zip(&analysis.covers)
                    .map(|(u, c)| u.population * c.status_share(s)),
            );
            StatusRow {
                statut: s,
                covered_population: people,
                coverage_rate: rate(people, total_population),
            }
        })
        .to_vec()
}

/// The totals of the units grouped by `key` (a département or region code), `covered`
/// holding each unit's covered population.
fn group_totals(
    inputs: &Inputs,
    analysis: &Analysis,
    covered: &[f64],
    key: &dyn Fn(usize) -> String,
) -> BTreeMap<String, Totals> {
    type Group<'a> = (Totals, Option<Tally<'a>>, Option<AgeTally<'a>>);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (i, u) in inputs.units.iter().enumerate() {
        let (t, tally, ages) = groups.entry(key(i)).or_insert_with(|| {
            (
                Totals::default(),
                inputs.access.as_ref().map(Tally::new),
                age_tally(inputs),
            )
        });
        t.population += u.population;
        t.covered_population += covered[i];
        t.white_zone_population += analysis.white.unit_population[i];
        let part = whole_unit(i, u.population, covered, analysis);
        if let Some(tally) = tally {
            tally.add(part);
        }
        if let Some(ages) = ages {
            ages.add(part);
        }
    }
    groups
        .into_iter()
        .map(|(key, (mut t, tally, ages))| {
            t.coverage_rate = rate(t.covered_population, t.population);
            t.access = tally.map(Tally::figures);
            t.ages = ages.map(AgeTally::figures);
            (key, t)
        })
        .collect()
}

/// A tally of the age bands, when the population layer gives them.
fn age_tally(inputs: &Inputs) -> Option<AgeTally<'_>> {
    let ages = inputs.spread.as_ref()?.ages.as_ref()?;
    Some(AgeTally::new(ages, &inputs.units))
}

/// Unit `i` whole, with its covered and white-zone populations.
fn whole_unit(i: usize, population: f64, covered: &[f64], analysis: &Analysis) -> Part {
    Part {
        unit: i,
        share: 1.0,
        population,
        covered: covered[i],
        white: analysis.white.unit_population[i],
    }
}

/// The national access section.
fn access_section(inputs: &Inputs, analysis: &Analysis, covered: &[f64]) -> Option<AccessSection> {
    let access = inputs.access.as_ref()?;
    let mut tally = Tally::new(access);
    for (i, u) in inputs.units.iter().enumerate() {
        tally.add(whole_unit(i, u.population, covered, analysis));
    }
    let indicator = access.indicator.as_ref();
    Some(AccessSection {
        indicator: indicator.map(|i| i.name.clone()),
        sheet: indicator.and_then(|i| i.sheet.clone()),
        apl_source: indicator.map(|i| i.source.clone()),
        weighted_by_standardised_population: indicator.is_some_and(|i| i.standardised),
        threshold: access.threshold,
        zoning_source: access.zoning_source.clone(),
        figures: tally.figures(),
        units_without_value_list: access
            .without_value()
            .map(|i| format!("{} {}", inputs.units[i].code, inputs.units[i].nom))
            .collect(),
    })
}

/// The white zones, with their access figures.
fn white_zone_rows(inputs: &Inputs, analysis: &Analysis) -> Vec<WhiteZoneRow> {
    let units = &inputs.units;
    analysis
        .white
        .zones
        .iter()
        .enumerate()
        .map(|(n, z)| {
            let access = inputs.access.as_ref();
            let parts = z.shares.iter().map(|&(i, share)| {
                let people = units[i].population * share;
                Part {
                    unit: i,
                    share,
                    population: people,
                    covered: 0.0,
                    white: people,
                }
            });
            let figures = access.map(|access| {
                let mut tally = Tally::new(access);
                parts.clone().for_each(|p| tally.add(p));
                tally.figures()
            });
            let ages = age_tally(inputs).map(|mut tally| {
                parts.clone().for_each(|p| tally.add(p));
                tally.figures()
            });
            WhiteZoneRow {
                id: white_zone_id(n),
                population: z.population,
                area_km2: z.area_m2 / 1e6,
                departements: z.departements.clone(),
                in_zip: access
                    .filter(|a| a.zoning_source.is_some())
                    .map(|a| a.need(units, &z.shares).in_zip()),
                access: figures,
                ages,
            }
        })
        .collect()
}

/// The access and age figures of each CPTS: its pieces of the units, all covered.
type CptsFigures = (Option<AccessFigures>, Option<AgeFigures>);

fn cpts_figures(inputs: &Inputs, analysis: &Analysis) -> Vec<CptsFigures> {
    let mut tallies: Vec<(Option<Tally>, Option<AgeTally>)> = inputs
        .cpts
        .iter()
        .map(|_| (inputs.access.as_ref().map(Tally::new), age_tally(inputs)))
        .collect();
    if inputs.access.is_some() || age_tally(inputs).is_some() {
        for (i, (u, c)) in inputs.units.iter().zip(&analysis.covers).enumerate() {
            for piece in &c.pieces {
                let share = c.people_share(piece.weight);
                let people = u.population * share;
                let part = Part {
                    unit: i,
                    share,
                    population: people,
                    covered: people,
                    white: 0.0,
                };
                let (access, ages) = &mut tallies[piece.cpts];
                access.iter_mut().for_each(|t| t.add(part));
                ages.iter_mut().for_each(|t| t.add(part));
            }
        }
    }
    tallies
        .into_iter()
        .map(|(access, ages)| (access.map(Tally::figures), ages.map(AgeTally::figures)))
        .collect()
}

/// Each overlapping pair with its départements and communes.
fn overlap_rows(inputs: &Inputs, analysis: &Analysis) -> Vec<OverlapRow> {
    let units = &inputs.units;
    analysis
        .overlaps
        .iter()
        .map(|o| {
            let departements: BTreeSet<&String> =
                o.communes.iter().map(|&i| &units[i].departement).collect();
            OverlapRow {
                cpts_a: inputs.cpts[o.a].id.clone(),
                cpts_b: inputs.cpts[o.b].id.clone(),
                area_km2: o.area_m2 / 1e6,
                population: o.population,
                departements: departements.into_iter().cloned().collect(),
                communes: o
                    .communes
                    .iter()
                    .map(|&i| units[i].code.to_string())
                    .collect(),
            }
        })
        .collect()
}

/// Each CPTS with its population, tier and funding.
fn cpts_rows(inputs: &Inputs, analysis: &Analysis, tariff: &Tariff) -> Vec<CptsRow> {
    inputs
        .cpts
        .iter()
        .zip(&analysis.cpts_population)
        .zip(cpts_departements(inputs, analysis))
        .zip(&analysis.partial)
        .zip(cpts_figures(inputs, analysis))
        .map(
            |((((c, &population), departements), &partial), (access, ages))| {
                let funding = tariff.funding(population, c.missions.as_ref());
                CptsRow {
                    id: c.id.clone(),
                    nom: c.nom.clone(),
                    statut: c.statut,
                    population,
                    tier: funding.tier.number(),
                    funding_max_eur: funding.maximum,
                    funding_missions_eur: funding.missions,
                    partial,
                    departements,
                    access,
                    ages,
                }
            },
        )
        .collect()
}
