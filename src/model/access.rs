//! Access to general practitioners, as the ARS weigh it: the DREES "accessibilité
//! potentielle localisée" (APL, consultations a standardised inhabitant can reach in a
//! year) and the ARS doctor zoning, joined to each population unit.

use crate::model::Unit;
use serde::{Deserialize, Serialize};

/// The usual limit of under-served (sous-dense) areas: an APL below 2.5.
pub const APL_THRESHOLD: f64 = 2.5;

/// A class of the ARS doctor zoning. The priority districts of the city (QPV) in a ZIP
/// or a ZAC count in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zoning {
    /// Zone d'intervention prioritaire: the scarcest.
    Zip,
    /// Zone d'action complémentaire.
    Zac,
    /// Zone de vigilance.
    Vigilance,
    /// Hors vivier.
    Outside,
}

impl Zoning {
    pub const ALL: [Zoning; 4] = [Zoning::Zip, Zoning::Zac, Zoning::Vigilance, Zoning::Outside];

    /// The code the outputs write: `zip`, `zac`, `vigilance`, `outside`.
    pub fn as_str(self) -> &'static str {
        match self {
            Zoning::Zip => "zip",
            Zoning::Zac => "zac",
            Zoning::Vigilance => "vigilance",
            Zoning::Outside => "outside",
        }
    }
}

/// The APL indicator read: which file, sheet and column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// The column, as the file names it (`APL aux médecins généralistes`).
    pub name: String,
    /// The sheet read, for a spreadsheet (`APL 2023`).
    pub sheet: Option<String>,
    /// `file.xlsx, sheet APL 2023, column APL aux médecins généralistes`.
    pub source: String,
    /// Whether the file gives the standardised population, the weight of a mean.
    pub standardised: bool,
}

/// The access values of every unit, in the order of the units.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The APL indicator, when an APL file was given.
    pub indicator: Option<Indicator>,
    /// An APL below this is under-served.
    pub threshold: f64,
    /// Each unit's APL; none when the file gives it none.
    pub apl: Vec<Option<f64>>,
    /// Each unit's weight in an APL mean: its standardised population, or its population
    /// when the file gives none.
    pub weight: Vec<f64>,
    /// The zoning file read, when one was given.
    pub zoning_source: Option<String>,
    /// Each unit's zoning class.
    pub zoning: Vec<Option<Zoning>>,
}

impl Access {
    /// Whether unit `i` is under-served: its APL below the threshold.
    pub fn below(&self, i: usize) -> bool {
        self.apl
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|apl| apl < self.threshold)
    }

    /// Units the APL file gives no value (empty without an APL file).
    pub fn without_value(&self) -> impl Iterator<Item = usize> + '_ {
        let given = self.indicator.is_some();
        self.apl
            .iter()
            .enumerate()
            .filter(move |(_, a)| given && a.is_none())
            .map(|(i, _)| i)
    }
}

/// The APL class a map colours a unit by: under 1.5, 1.5 to 2.5, 2.5 to 4, 4 and over.
pub fn apl_class(apl: f64) -> u8 {
    match apl {
        a if a < 1.5 => 1,
        a if a < 2.5 => 2,
        a if a < 4.0 => 3,
        _ => 4,
    }
}

/// What makes a white zone urgent: its population under the APL threshold and in ZIP.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Need {
    pub population: f64,
    pub below_threshold: f64,
    pub zip: f64,
}

impl Need {
    /// Whether most of the population lives in ZIP.
    pub fn in_zip(&self) -> bool {
        self.population > 0.0 && self.zip >= 0.5 * self.population
    }

    /// The order of white zones, most urgent first: those mostly in ZIP, then by
    /// population under the threshold, then by population.
    pub fn urgency(&self, other: &Need) -> std::cmp::Ordering {
        other
            .in_zip()
            .cmp(&self.in_zip())
            .then(other.below_threshold.total_cmp(&self.below_threshold))
            .then(other.population.total_cmp(&self.population))
    }
}

impl Access {
    /// The need of the territory made of `shares` of `units` (unit index, share of its
    /// area).
    pub fn need(&self, units: &[Unit], shares: &[(usize, f64)]) -> Need {
        let mut need = Need::default();
        for &(i, share) in shares {
            let people = units[i].population * share;
            need.population += people;
            if self.below(i) {
                need.below_threshold += people;
            }
            if self.zoning.get(i).copied().flatten() == Some(Zoning::Zip) {
                need.zip += people;
            }
        }
        need
    }
}
