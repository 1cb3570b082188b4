//! The access tables joined to the units as they are. A unit takes the row of its own
//! code; a city analysed whole (Paris, Lyon, Marseille without `--arrondissements`)
//! takes the mean of its arrondissements, weighted by their standardised population
//! (DREES gives only them); codes of another vintage reach today's commune through the
//! passage table. A unit left without a value is counted and listed, never set to 0.

use crate::error::Result;
use crate::harmonize::code_passage::CodePassage;
use crate::model::access::{Access, Zoning};
use crate::model::provenance::{listing, listing_fr, AssumptionKind, Provenance};
use crate::model::{city_of_arrondissement, InseeCode, Unit};
use crate::read::access_tables::{read_zoning, AplFile, AplRow};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// The access files of a run: `--apl`, `--apl-sheet`, `--apl-threshold`,
/// `--doctor-zoning`.
#[derive(Debug, Clone, Default)]
pub struct AccessOptions {
    pub apl: Option<AplFile>,
    pub zoning: Option<PathBuf>,
    pub threshold: f64,
}

impl AccessOptions {
    /// Whether any access file is given.
    pub fn any(&self) -> bool {
        self.apl.is_some() || self.zoning.is_some()
    }
}

/// How a row of a table reached a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Way {
    /// The unit's own code.
    Own,
    /// An arrondissement of the city analysed whole.
    Arrondissement,
    /// An old code, through the passage table.
    Passage,
}

/// The rows of a table, gathered by the unit each reaches, the best way only.
fn gather<'t, T>(
    units: &[Unit],
    rows: &'t BTreeMap<InseeCode, T>,
    passage: &CodePassage,
) -> Vec<(Way, Vec<(&'t InseeCode, &'t T)>)> {
    let index: HashMap<&InseeCode, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (&u.code, i))
        .collect();
    let mut gathered: Vec<(Way, Vec<(&InseeCode, &T)>)> =
        vec![(Way::Passage, Vec::new()); units.len()];
    for (code, row) in rows {
        let city = city_of_arrondissement(code).and_then(|c| InseeCode::parse(c).map(|(c, _)| c));
        let target = index
            .get(code)
            .map(|&i| (Way::Own, i))
            .or_else(|| Some((Way::Arrondissement, *index.get(city.as_ref()?)?)))
            .or_else(|| Some((Way::Passage, *index.get(passage.current(code)?)?)));
        let Some((way, i)) = target else { continue };
        let entry = &mut gathered[i];
        if way < entry.0 || entry.1.is_empty() {
            *entry = (way, Vec::new());
        }
        if way == entry.0 {
            entry.1.push((code, row));
        }
    }
    gathered
}

/// The codes of the units reached another way than by their own code, for a statement.
fn reached(
    units: &[Unit],
    gathered: &[(Way, Vec<(&InseeCode, impl Sized)>)],
    way: Way,
) -> Vec<String> {
    gathered
        .iter()
        .enumerate()
        .filter(|(_, (w, rows))| *w == way && !rows.is_empty())
        .map(|(i, (_, rows))| {
            let from: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
            format!("{} {} ← {}", units[i].code, units[i].nom, from.join(" + "))
        })
        .collect()
}

/// Reads the access files of `options` and joins them to `units`.
pub fn join_access(
    units: &[Unit],
    options: &AccessOptions,
    passage: &CodePassage,
    provenance: &mut Provenance,
) -> Result<Access> {
    let mut access = Access {
        threshold: options.threshold,
        apl: vec![None; units.len()],
        weight: units.iter().map(|u| u.population).collect(),
        zoning: vec![None; units.len()],
        ..Access::default()
    };
    if let Some(file) = &options.apl {
        let table = file.read(provenance)?;
        let gathered = gather(units, &table.rows, passage);
        let standardised = table.indicator.standardised;
        for (i, (_, rows)) in gathered.iter().enumerate() {
            if let Some((apl, weight)) = mean(rows.iter().map(|(_, r)| **r)) {
                access.apl[i] = Some(apl);
                if standardised {
                    access.weight[i] = weight;
                }
            }
        }
        access.indicator = Some(table.indicator.clone());
        state_joins(units, &gathered, &access, provenance);
    }
    if let Some(path) = &options.zoning {
        let table = read_zoning(path, provenance)?;
        let gathered = gather(units, &table.rows, passage);
        for (i, (_, rows)) in gathered.iter().enumerate() {
            access.zoning[i] = most_frequent(rows.iter().map(|(_, z)| **z));
        }
        let cities = reached(units, &gathered, Way::Arrondissement);
        if !cities.is_empty() {
            provenance.assume(
                AssumptionKind::Access,
                cities.len(),
                format!(
                    "doctor zoning: a city analysed whole takes the class of most of its arrondissements: {}",
                    listing(&cities, 3)
                ),
                format!(
                    "zonage médecins : une ville analysée entière prend la classe de la plupart de ses arrondissements : {}",
                    listing_fr(&cities, 3)
                ),
            );
        }
        access.zoning_source = Some(table.source);
    }
    Ok(access)
}

/// The APL of rows reaching one unit and the unit's standardised population: one row's
/// own, or the mean of several weighted by their standardised population (their
/// population, else equally, when the file gives none). None when no row has a value.
fn mean(rows: impl Iterator<Item = AplRow>) -> Option<(f64, f64)> {
    let valued: Vec<AplRow> = rows.filter(|r| r.apl.is_some()).collect();
    let weight = |r: &AplRow| r.standardised.or(r.population).unwrap_or(1.0);
    let total: f64 = valued.iter().map(weight).sum();
    let first = valued.first()?;
    let apl = match valued.len() {
        1 => first.apl?,
        _ if total > 0.0 => {
            valued
                .iter()
                .map(|r| r.apl.unwrap_or(0.0) * weight(r))
                .sum::<f64>()
                / total
        }
        _ => valued.iter().map(|r| r.apl.unwrap_or(0.0)).sum::<f64>() / valued.len() as f64,
    };
    let standardised = valued.iter().map(|r| r.standardised.unwrap_or(0.0)).sum();
    Some((apl, standardised))
}

/// The class most rows give; a tie goes to the scarcest class.
fn most_frequent(classes: impl Iterator<Item = Zoning>) -> Option<Zoning> {
    let mut counts: BTreeMap<Zoning, usize> = BTreeMap::new();
    for z in classes {
        *counts.entry(z).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(z, _)| z)
}

/// States the cities whose APL is their arrondissements' mean, the codes of another
/// vintage, and the units left without a value.
fn state_joins(
    units: &[Unit],
    gathered: &[(Way, Vec<(&InseeCode, &AplRow)>)],
    access: &Access,
    provenance: &mut Provenance,
) {
    let cities = reached(units, gathered, Way::Arrondissement);
    if !cities.is_empty() {
        provenance.assume(
            AssumptionKind::Access,
            cities.len(),
            format!(
                "APL: a city analysed whole takes the mean of its arrondissements weighted by \
                 their standardised population (DREES gives only the arrondissements; \
                 --arrondissements gives each its own): {}",
                listing(&cities, 3)
            ),
            format!(
                "APL : une ville analysée entière prend la moyenne de ses arrondissements pondérée \
                 par leur population standardisée (la DREES ne donne que les arrondissements ; \
                 --arrondissements donne à chacun le sien) : {}",
                listing_fr(&cities, 3)
            ),
        );
    }
    let old = reached(units, gathered, Way::Passage);
    if !old.is_empty() {
        provenance.assume(
            AssumptionKind::Access,
            old.len(),
            format!(
                "APL: codes of another vintage joined through the passage table: {}",
                listing(&old, 10)
            ),
            format!(
                "APL : codes d'un autre millésime rattachés par la table de passage : {}",
                listing_fr(&old, 10)
            ),
        );
    }
    let without: Vec<String> = access
        .without_value()
        .map(|i| format!("{} {}", units[i].code, units[i].nom))
        .collect();
    if !without.is_empty() {
        provenance.assume(
            AssumptionKind::Access,
            without.len(),
            format!(
                "APL: units without a value (no row, or an empty cell), left out of the APL means \
                 and of the population below the threshold: {}",
                listing(&without, 20)
            ),
            format!(
                "APL : unités sans valeur (aucune ligne, ou une cellule vide), laissées hors des \
                 moyennes d'APL et de la population sous le seuil : {}",
                listing_fr(&without, 20)
            ),
        );
    }
}
