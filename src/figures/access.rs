//! Access figures of a territory: the APL mean weighted by standardised population
//! (DREES's rule; by the analysis population when the file gives none), the population
//! living in units under the APL threshold, covered and in white zones (DREES counts it
//! with the population, not standardised), and the population in ZIP and in ZAC. In
//! polygon mode a unit counts by the share of it inside the territory, as populations do.

use crate::model::access::{Access, Zoning};
use serde::{Deserialize, Serialize};

/// The APL figures of a territory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AplFigures {
    /// None when no unit of the territory has a value.
    pub apl_mean: Option<f64>,
    pub population_below_threshold: f64,
    pub covered_population_below_threshold: f64,
    pub white_zone_population_below_threshold: f64,
    /// Units with territory here and no APL.
    pub units_without_value: usize,
}

/// The doctor zoning figures of a territory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoningFigures {
    pub zip_population: f64,
    pub zip_covered_population: f64,
    pub zip_white_zone_population: f64,
    pub zac_population: f64,
    pub zac_covered_population: f64,
    pub zac_white_zone_population: f64,
}

/// The access figures of a territory: APL, zoning, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessFigures {
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub apl: Option<AplFigures>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub zoning: Option<ZoningFigures>,
}

/// Sums the access figures of a territory, unit share by unit share.
pub struct Tally<'a> {
    access: &'a Access,
    weighted: f64,
    weights: f64,
    figures: AccessFigures,
}

/// One unit's part in a territory: its index, the share of its area inside, and the
/// population of that share, covered and in white zones.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub unit: usize,
    pub share: f64,
    pub population: f64,
    pub covered: f64,
    pub white: f64,
}

impl<'a> Tally<'a> {
    pub fn new(access: &'a Access) -> Tally<'a> {
        Tally {
            access,
            weighted: 0.0,
            weights: 0.0,
            figures: AccessFigures {
                apl: access.indicator.as_ref().map(|_| AplFigures::default()),
                zoning: access
                    .zoning_source
                    .as_ref()
                    .map(|_| ZoningFigures::default()),
            },
        }
    }

    pub fn add(&mut self, part: Part) {
        let access = self.access;
        if let Some(apl) = &mut self.figures.apl {
            match access.apl[part.unit] {
                Some(value) => {
                    let weight = access.weight[part.unit] * part.share;
                    self.weighted += value * weight;
                    self.weights += weight;
                    if value < access.threshold {
                        apl.population_below_threshold += part.population;
                        apl.covered_population_below_threshold += part.covered;
                        apl.white_zone_population_below_threshold += part.white;
                    }
                }
                None => apl.units_without_value += 1,
            }
        }
        if let Some(zoning) = &mut self.figures.zoning {
            let [population, covered, white] = match access.zoning[part.unit] {
                Some(Zoning::Zip) => [
                    &mut zoning.zip_population,
                    &mut zoning.zip_covered_population,
                    &mut zoning.zip_white_zone_population,
                ],
                Some(Zoning::Zac) => [
                    &mut zoning.zac_population,
                    &mut zoning.zac_covered_population,
                    &mut zoning.zac_white_zone_population,
                ],
                _ => return,
            };
            *population += part.population;
            *covered += part.covered;
            *white += part.white;
        }
    }

    pub fn figures(mut self) -> AccessFigures {
        if let Some(apl) = &mut self.figures.apl {
            apl.apl_mean = (self.weights > 0.0).then(|| self.weighted / self.weights);
        }
        self.figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::access::Indicator;

    /// A white zone of 2 communes: APL 1.0 and 4.0, populations 1,000 and 3,000,
    /// standardised 1,200 and 2,800.
    fn zone() -> Access {
        Access {
            indicator: Some(Indicator {
                name: "APL".into(),
                sheet: None,
                source: "hand".into(),
                standardised: true,
            }),
            threshold: 2.5,
            apl: vec![Some(1.0), Some(4.0), None],
            weight: vec![1200.0, 2800.0, 500.0],
            zoning_source: Some("hand".into()),
            zoning: vec![Some(Zoning::Zip), Some(Zoning::Zac), None],
        }
    }

    fn part(unit: usize, share: f64, population: f64) -> Part {
        Part {
            unit,
            share,
            population: population * share,
            covered: 0.0,
            white: population * share,
        }
    }

    #[test]
    fn a_white_zone_of_two_communes_by_hand() {
        let access = zone();
        let mut tally = Tally::new(&access);
        tally.add(part(0, 1.0, 1000.0));
        tally.add(part(1, 1.0, 3000.0));
        let figures = tally.figures();
        let apl = figures.apl.unwrap();
        // (1.0 × 1200 + 4.0 × 2800) / 4000 = 12400 / 4000.
        assert_eq!(apl.apl_mean, Some(3.1));
        assert_eq!(apl.population_below_threshold, 1000.0);
        assert_eq!(apl.white_zone_population_below_threshold, 1000.0);
        assert_eq!(apl.covered_population_below_threshold, 0.0);
        assert_eq!(apl.units_without_value, 0);
        let zoning = figures.zoning.unwrap();
        assert_eq!(zoning.zip_population, 1000.0);
        assert_eq!(zoning.zac_white_zone_population, 3000.0);
    }

    #[test]
    fn a_commune_half_inside_counts_half_and_a_missing_value_is_counted() {
        let access = zone();
        let mut tally = Tally::new(&access);
        tally.add(part(0, 0.5, 1000.0));
        tally.add(part(1, 1.0, 3000.0));
        tally.add(part(2, 1.0, 700.0));
        let apl = tally.figures().apl.unwrap();
        // (1.0 × 600 + 4.0 × 2800) / 3400.
        assert!((apl.apl_mean.unwrap() - 11800.0 / 3400.0).abs() < 1e-12);
        assert_eq!(apl.population_below_threshold, 500.0);
        assert_eq!(apl.units_without_value, 1);
    }
}
