//! `cpts harmonize`: a communes layer of an older vintage of the Code officiel
//! géographique brought to the current codes. The communes merged since are merged,
//! geometry and population, under the code of the commune that absorbed them, as the
//! passage table says.

use crate::geometry::envelope::extent;
use crate::geometry::grid::Grid;
use crate::harmonize::code_passage::CodePassage;
use crate::harmonize::current_codes;
use crate::model::{InseeCode, Unit};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Communes merged into one.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The current code.
    pub into: InseeCode,
    /// The merged commune's name.
    pub nom: String,
    /// The old codes merged into it (the current code itself first when the layer holds
    /// it).
    pub from: Vec<InseeCode>,
}

/// The layer at the current codes, sorted by code, and the merges made.
#[derive(Debug, Clone)]
pub struct Harmonised {
    pub units: Vec<Unit>,
    pub merges: Vec<Merge>,
}

/// Merges the units whose codes the passage table maps to another code. A merged unit
/// takes the commune's name today (Aubessagne, not Chauffayer) and keeps the département
/// and region of the unit holding the current code, or, when the layer lacks it, of the
/// first old unit; a code the shipped list does not name keeps the name of the unit
/// holding it, or else is named by its code.
pub fn harmonise(units: Vec<Unit>, passage: &CodePassage) -> Harmonised {
    let mut groups: BTreeMap<InseeCode, Vec<Unit>> = BTreeMap::new();
    for unit in units {
        let code = passage
            .current(&unit.code)
            .cloned()
            .unwrap_or_else(|| unit.code.clone());
        groups.entry(code).or_default().push(unit);
    }
    let merged: Vec<(Unit, Option<Merge>)> = groups
        .into_par_iter()
        .map(|(code, mut group)| {
            if group.len() == 1 && group[0].code == code {
                return (group.remove(0), None);
            }
            group.sort_by_key(|u| (u.code != code, u.code.clone()));
            let from: Vec<InseeCode> = group.iter().map(|u| u.code.clone()).collect();
            let head = &group[0];
            let nom = match (current_codes::name_today(&code), head.code == code) {
                (Some(nom), _) => nom.to_string(),
                (None, true) => head.nom.clone(),
                (None, false) => code.to_string(),
            };
            let unit = Unit {
                nom: nom.clone(),
                population: group.iter().map(|u| u.population).sum(),
                departement: head.departement.clone(),
                region: head.region.clone(),
                epci: head.epci.clone(),
                commune: code.clone(),
                geometry: dissolve(&group),
                zone: head.zone,
                code: code.clone(),
            };
            (
                unit,
                Some(Merge {
                    into: code,
                    nom,
                    from,
                }),
            )
        })
        .collect();
    let (units, merges): (Vec<Unit>, Vec<Option<Merge>>) = merged.into_iter().unzip();
    Harmonised {
        units,
        merges: merges.into_iter().flatten().collect(),
    }
}

/// The union of the units' longitude/latitude shapes, on a grid of their extent.
fn dissolve(group: &[Unit]) -> MultiPolygon<f64> {
    let extent = extent(group.iter().map(|u| &u.geometry));
    match extent {
        Some(extent) => Grid::covering(extent).union(group.iter().map(|u| &u.geometry)),
        None => MultiPolygon::new(vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::projection::Zone;
    use geo::Area;
    use geo::Rect;

    fn unit(code: &str, population: f64, x0: f64) -> Unit {
        let code = InseeCode::parse(code).unwrap().0;
        Unit {
            nom: format!("Commune {code}"),
            commune: code.clone(),
            code,
            population,
            departement: "05".into(),
            region: "93".into(),
            epci: None,
            geometry: Rect::new((x0, 44.5), (x0 + 0.1, 44.6)).to_polygon().into(),
            zone: Zone::Metropole,
        }
    }

    #[test]
    fn merged_communes_become_one_with_their_populations_and_land() {
        // Aubessagne (05039) took in Les Costes (05043) and Saint-Eusèbe (05141) in 2018.
        let passage = CodePassage::shipped();
        let layer = vec![
            unit("05039", 500.0, 6.0),
            unit("05043", 200.0, 6.1),
            unit("05141", 100.0, 6.2),
            unit("05001", 300.0, 6.4),
        ];
        let h = harmonise(layer, &passage);
        assert_eq!(h.units.len(), 2);
        assert_eq!(h.merges.len(), 1);
        assert_eq!(h.merges[0].into.as_str(), "05039");
        let from: Vec<&str> = h.merges[0].from.iter().map(|c| c.as_str()).collect();
        assert_eq!(from, ["05039", "05043", "05141"]);
        let merged = &h.units[1];
        assert_eq!(merged.code.as_str(), "05039");
        assert_eq!(merged.nom, "Aubessagne");
        assert_eq!(merged.population, 800.0);
        // Three side-by-side 0.1° squares dissolve into one 0.3° × 0.1° rectangle.
        assert_eq!(merged.geometry.0.len(), 1);
        assert!((merged.geometry.unsigned_area() - 0.03).abs() < 1e-9);
        assert_eq!(h.units[0].code.as_str(), "05001");
    }
}
