//! Inhabitants by age band of a territory, with a finer population layer that gives
//! them (`ind_65_79`, `ind_80p`): aged 65 and over and 80 and over, in all, covered and
//! in white zones. Each unit's bands are scaled to its population; inside the unit they
//! follow its people (a unit's part holding a third of its people holds a third of its
//! elders).

use crate::figures::access::Part;
use crate::model::spread::Ages;
use crate::model::Unit;
use serde::{Deserialize, Serialize};

/// The age figures of a territory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgeFigures {
    pub population_65_plus: f64,
    pub population_80_plus: f64,
    pub covered_population_65_plus: f64,
    pub covered_population_80_plus: f64,
    pub white_zone_population_65_plus: f64,
    pub white_zone_population_80_plus: f64,
    /// Units with people here that the layer gives no inhabitant: no figures by age.
    pub units_without_ages: usize,
}

/// Sums the age figures of a territory, unit part by unit part.
pub struct AgeTally<'a> {
    /// Each unit's bands, `None` where the layer gives it no inhabitant.
    ages: &'a [Option<Ages>],
    units: &'a [Unit],
    figures: AgeFigures,
}

impl<'a> AgeTally<'a> {
    pub fn new(ages: &'a [Option<Ages>], units: &'a [Unit]) -> AgeTally<'a> {
        AgeTally {
            ages,
            units,
            figures: AgeFigures::default(),
        }
    }

    /// Adds a part of a unit: its population, covered and white, carry the unit's bands
    /// in proportion.
    pub fn add(&mut self, part: Part) {
        let Some(ages) = self.ages[part.unit] else {
            self.figures.units_without_ages += usize::from(part.population > 0.0);
            return;
        };
        let population = self.units[part.unit].population;
        if population <= 0.0 {
            return;
        }
        let f = &mut self.figures;
        let [all, covered, white] =
            [part.population, part.covered, part.white].map(|p| ages.times(p / population));
        f.population_65_plus += all.aged_65;
        f.population_80_plus += all.aged_80;
        f.covered_population_65_plus += covered.aged_65;
        f.covered_population_80_plus += covered.aged_80;
        f.white_zone_population_65_plus += white.aged_65;
        f.white_zone_population_80_plus += white.aged_80;
    }

    pub fn figures(self) -> AgeFigures {
        self.figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_territory_of_a_commune_and_a_half_by_hand() {
        // Commune 0: 1,000 inhabitants, 300 aged 65+, 100 aged 80+, whole and covered.
        // Commune 1: 2,000 inhabitants, 400 aged 65+, 50 aged 80+; a part holding 500 of
        // its people, in a white zone. Commune 2: no bands, 700 inhabitants.
        let ages = [
            Some(Ages {
                aged_65: 300.0,
                aged_80: 100.0,
            }),
            Some(Ages {
                aged_65: 400.0,
                aged_80: 50.0,
            }),
            None,
        ];
        let units: Vec<Unit> = [1000.0, 2000.0, 700.0]
            .into_iter()
            .map(|population| {
                let code = crate::model::InseeCode::parse("06088").unwrap().0;
                Unit {
                    code: code.clone(),
                    nom: "Nice".into(),
                    population,
                    departement: "06".into(),
                    region: "93".into(),
                    epci: None,
                    commune: code,
                    geometry: geo::MultiPolygon::new(vec![]),
                    zone: crate::model::Zone::Metropole,
                }
            })
            .collect();
        let mut tally = AgeTally::new(&ages, &units);
        tally.add(Part {
            unit: 0,
            share: 1.0,
            population: 1000.0,
            covered: 1000.0,
            white: 0.0,
        });
        tally.add(Part {
            unit: 1,
            share: 0.1,
            population: 500.0,
            covered: 0.0,
            white: 500.0,
        });
        tally.add(Part {
            unit: 2,
            share: 1.0,
            population: 700.0,
            covered: 0.0,
            white: 700.0,
        });
        let f = tally.figures();
        assert_eq!(f.population_65_plus, 300.0 + 100.0);
        assert_eq!(f.population_80_plus, 100.0 + 12.5);
        assert_eq!(f.covered_population_65_plus, 300.0);
        assert_eq!(f.white_zone_population_65_plus, 100.0);
        assert_eq!(f.white_zone_population_80_plus, 12.5);
        assert_eq!(f.units_without_ages, 1);
    }
}
