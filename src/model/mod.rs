//! Domain types: INSEE codes, CPTS statuses, size tiers, population units and CPTS.

pub mod access;
pub mod provenance;
pub mod spread;
pub mod territories;
pub mod zone;

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::fmt;
pub use zone::Zone;

/// More inhabitants than any population unit holds (Paris, the most populous commune,
/// has 2.1 million): a larger population is a wrong cell, refused before its totals
/// overflow.
pub const MOST_INHABITANTS: f64 = 10_000_000.0;

/// An INSEE commune code: always a 5-character string (`01001`, `2A004`, `97411`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InseeCode(String);

/// How a raw code was turned into an [`InseeCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeReading {
    /// The code was already well formed.
    AsIs,
    /// A code stored as a number lost its leading zero (`1001` → `01001`).
    LeadingZeroRestored,
}

impl InseeCode {
    /// Reads a code, restoring the leading zero a spreadsheet strips from `01001`.
    ///
    /// ```
    /// use cpts_coverage::model::{InseeCode, CodeReading};
    /// assert_eq!(InseeCode::parse("2A004").unwrap().0.as_str(), "2A004");
    /// assert_eq!(InseeCode::parse("1001").unwrap().1, CodeReading::LeadingZeroRestored);
    /// assert!(InseeCode::parse("123").is_none());
    /// ```
    pub fn parse(raw: &str) -> Option<(InseeCode, CodeReading)> {
        let raw = raw.trim();
        let well_formed = |s: &str| {
            s.len() == 5
                && s.bytes().enumerate().all(|(i, b)| {
                    b.is_ascii_digit() || (i == 1 && s.starts_with('2') && matches!(b, b'A' | b'B'))
                })
        };
        if well_formed(raw) {
            Some((InseeCode(raw.to_string()), CodeReading::AsIs))
        } else if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Some((
                InseeCode(format!("0{raw}")),
                CodeReading::LeadingZeroRestored,
            ))
        } else {
            None
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The stage a CPTS has reached (SPEC.md, "Words").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Signed the ACI contract.
    SignataireAci,
    /// Health project validated, contract not signed.
    Projet,
    /// Emerging.
    PreProjet,
}

impl Status {
    /// Every status, in the order the outputs list them.
    pub const ALL: [Status; 3] = [Status::SignataireAci, Status::Projet, Status::PreProjet];

    /// The status's code in files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::SignataireAci => "signataire_aci",
            Status::Projet => "projet",
            Status::PreProjet => "pre_projet",
        }
    }

    /// Reads a status code (`signataire_aci`, `projet`, `pre_projet`), ignoring case,
    /// surrounding blanks and the `pré-projet` spelling.
    pub fn parse(raw: &str) -> Option<Status> {
        let folded = raw
            .trim()
            .to_lowercase()
            .replace(['é', 'É'], "e")
            .replace('-', "_");
        Status::ALL.into_iter().find(|s| s.as_str() == folded)
    }

    /// Position of the status in [`Status::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// ACI size tier of a CPTS (seed 004): taille 1 to 4 by population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// `pop < 40 000`
    T1 = 1,
    /// `40 000 ≤ pop < 80 000`
    T2 = 2,
    /// `80 000 ≤ pop ≤ 175 000`
    T3 = 3,
    /// `pop > 175 000`
    T4 = 4,
}

impl Tier {
    /// The tier of a CPTS of `population` inhabitants.
    ///
    /// ```
    /// use cpts_coverage::model::Tier;
    /// assert_eq!(Tier::from_population(39_999.9), Tier::T1);
    /// assert_eq!(Tier::from_population(80_000.0), Tier::T3);
    /// assert_eq!(Tier::from_population(175_000.0), Tier::T3);
    /// assert_eq!(Tier::from_population(175_000.1), Tier::T4);
    /// ```
    pub fn from_population(population: f64) -> Tier {
        if population < 40_000.0 {
            Tier::T1
        } else if population < 80_000.0 {
            Tier::T2
        } else if population <= 175_000.0 {
            Tier::T3
        } else {
            Tier::T4
        }
    }

    /// The tier's number, 1 to 4.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A population unit: a commune, or an arrondissement municipal standing in for its city.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    pub code: InseeCode,
    pub nom: String,
    pub population: f64,
    pub departement: String,
    pub region: String,
    /// The SIREN of its intercommunality (EPCI), when the layer gives it.
    pub epci: Option<String>,
    /// The commune the unit belongs to: its own code, or the city of an arrondissement.
    pub commune: InseeCode,
    /// WGS84 longitude/latitude, exterior rings counter-clockwise.
    pub geometry: MultiPolygon<f64>,
    /// The zone whose projected CRS measures the unit.
    pub zone: Zone,
}

/// A CPTS perimeter: WGS84 shape and the zone it lies in.
#[derive(Debug, Clone)]
pub struct Perimeter {
    pub shape: MultiPolygon<f64>,
    pub zone: Zone,
}

/// A CPTS as the perimeter file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpts {
    pub id: String,
    pub nom: String,
    pub statut: Status,
    /// The ACI missions it signed, when the perimeter file has `mission_…` columns;
    /// `None` when it does not say.
    pub missions: Option<Missions>,
}

/// Each mission a perimeter file has a column for (`acces`, `parcours`…), and whether
/// the CPTS signed it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Missions(pub std::collections::BTreeMap<String, bool>);

impl Missions {
    /// Did the CPTS sign `mission`?
    pub fn signed(&self, mission: &str) -> bool {
        self.0.get(mission).copied().unwrap_or(false)
    }
}

/// The city of an arrondissement municipal: Paris (75101–75120), Lyon (69381–69389)
/// or Marseille (13201–13216); `None` for any other code.
pub fn city_of_arrondissement(code: &InseeCode) -> Option<&'static str> {
    let n: u32 = code.as_str().parse().ok()?;
    match n {
        75101..=75120 => Some("75056"),
        69381..=69389 => Some("69123"),
        13201..=13216 => Some("13055"),
        _ => None,
    }
}

/// Is `code` an arrondissement municipal of Paris, Lyon or Marseille?
pub fn is_arrondissement(code: &InseeCode) -> bool {
    city_of_arrondissement(code).is_some()
}
