//! ACI funding by size tier, read from a tariff table kept as data
//! (`data/aci_tariff.csv`), since amounts change with each amendment.

use crate::error::{Error, Result};
use crate::model::{Cpts, Missions, Tier};
use std::path::Path;

/// The tariff shipped with the engine.
pub const DEFAULT_TARIFF: &str = include_str!("../../data/aci_tariff.csv");

/// One funding line of the tariff.
#[derive(Debug, Clone, PartialEq)]
pub struct TariffLine {
    pub line: String,
    pub mission: String,
    /// Euros per year for tiers 1 to 4.
    pub amounts: [u32; 4],
    /// Whether the line counts in the maximum possible amount.
    pub in_maximum: bool,
}

/// A CPTS's size tier and its funding at that tier, euros a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Funding {
    pub tier: Tier,
    /// The maximum: every line marked `in_maximum`.
    pub maximum: u32,
    /// The operation lines and those of the missions signed, when known.
    pub missions: Option<u32>,
}

/// The ACI tariff: funding lines by tier ([`Default`]: the shipped table).
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    pub lines: Vec<TariffLine>,
}

impl Default for Tariff {
    fn default() -> Tariff {
        Tariff::default_tariff()
    }
}

impl Tariff {
    /// The tariff shipped with the engine.
    pub fn default_tariff() -> Tariff {
        Tariff::parse(Path::new("data/aci_tariff.csv"), DEFAULT_TARIFF)
            .expect("the shipped tariff is well formed (tested)")
    }

    /// Reads a tariff table: `line;mission;t1;t2;t3;t4;in_maximum`, `#` comments allowed.
    pub fn parse(path: &Path, text: &str) -> Result<Tariff> {
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(body.as_bytes());
        let mut lines = Vec::new();
        for (n, record) in reader.records().enumerate() {
            let bad = |problem: String| {
                Error::input(
                    path,
                    format!("row {}", n + 1),
                    problem,
                    "write line;mission;t1;t2;t3;t4;in_maximum (yes/no), amounts in whole euros",
                )
            };
            let record = record.map_err(|e| bad(e.to_string()))?;
            let amount = |i: usize| -> Result<u32> {
                let raw = record.get(i).unwrap_or("");
                raw.trim()
                    .parse()
                    .map_err(|_| bad(format!("`{raw}` is not an amount in euros")))
            };
            lines.push(TariffLine {
                line: record.get(0).unwrap_or("").to_string(),
                mission: record.get(1).unwrap_or("").to_string(),
                amounts: [amount(2)?, amount(3)?, amount(4)?, amount(5)?],
                in_maximum: match record.get(6).map(str::trim) {
                    Some("yes") => true,
                    Some("no") => false,
                    other => {
                        return Err(bad(format!("in_maximum is {other:?}, yes or no expected")))
                    }
                },
            });
        }
        Ok(Tariff { lines })
    }

    /// The size tier of a CPTS of `population` and what the tariff pays it: the
    /// maximum, and the lines of the `missions` it signed when the perimeter file says
    /// which. Every figure of a tier and its funding goes through here.
    ///
    /// ```
    /// use cpts_coverage::Tariff;
    /// use cpts_coverage::model::Tier;
    /// let funding = Tariff::default().funding(45_000.0, None);
    /// assert_eq!((funding.tier, funding.maximum, funding.missions), (Tier::T2, 382_500, None));
    /// ```
    pub fn funding(&self, population: f64, missions: Option<&Missions>) -> Funding {
        let tier = Tier::from_population(population);
        Funding {
            tier,
            maximum: self.maximum(tier),
            missions: missions.map(|m| self.for_missions(tier, m)),
        }
    }

    /// Maximum annual funding of a CPTS of `tier`, euros.
    fn maximum(&self, tier: Tier) -> u32 {
        self.sum(tier, |_| true)
    }

    /// Maximum annual funding of a CPTS of `tier` that signed `missions` (keys as in
    /// [`TariffLine::mission_key`]): the operation lines, and the lines of each mission
    /// signed, euros.
    fn for_missions(&self, tier: Tier, missions: &Missions) -> u32 {
        self.sum(tier, |key| key == OPERATION || missions.signed(key))
    }

    /// The missions a CPTS can sign, in the order of the table (operation left out).
    pub fn missions(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for key in self.lines.iter().map(TariffLine::mission_key) {
            if key != OPERATION && !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    fn sum(&self, tier: Tier, keep: impl Fn(&str) -> bool) -> u32 {
        let t = tier.number() as usize - 1;
        self.lines
            .iter()
            .filter(|l| l.in_maximum && keep(l.mission_key()))
            .fold(0u32, |sum, l| sum.saturating_add(l.amounts[t]))
    }
}

/// The lines paid to every CPTS that signed the ACI, whatever its missions.
pub const OPERATION: &str = "fonctionnement";

impl TariffLine {
    /// The mission a line pays for: its key up to the first `_` (`acces` for
    /// `acces_fixe` and `acces_variable`).
    pub fn mission_key(&self) -> &str {
        self.line.split('_').next().unwrap_or("")
    }
}

/// Refuses missions signed in `path` that `tariff` has no line for (a misspelt
/// `mission_…` column), naming the CPTS and the missions the tariff knows.
pub fn check_missions(tariff: &Tariff, cpts: &[Cpts], path: &Path) -> Result<()> {
    let known = tariff.missions();
    for c in cpts {
        let columns = c.missions.iter().flat_map(|m| m.0.keys());
        if let Some(unknown) = columns.into_iter().find(|m| !known.contains(&m.as_str())) {
            return Err(Error::input(
                path,
                format!("CPTS {}", c.id),
                format!("the column mission_{unknown} names a mission the ACI tariff does not pay"),
                format!(
                    "name the mission columns after the tariff: {}",
                    known
                        .iter()
                        .map(|m| format!("mission_{m}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_tariff_gives_the_maxima_of_seed_002() {
        // Seed 002's "maximum possible" row, tiers 1 to 4.
        let t = Tariff::default_tariff();
        let maxima = [Tier::T1, Tier::T2, Tier::T3, Tier::T4].map(|tier| t.maximum(tier));
        assert_eq!(maxima, [287_500, 382_500, 487_500, 580_000]);
    }

    #[test]
    fn missions_add_their_lines_to_the_operation_lines() {
        // Seed 002, tier 2: operation 60 000; access 70 000 + 30 000; prevention
        // 15 000 + 15 000.
        let t = Tariff::default_tariff();
        let signed = |keys: &[&str]| Missions(keys.iter().map(|k| (k.to_string(), true)).collect());
        assert_eq!(t.for_missions(Tier::T2, &signed(&[])), 60_000);
        assert_eq!(
            t.for_missions(Tier::T2, &signed(&["acces", "prevention"])),
            60_000 + 100_000 + 30_000
        );
        assert_eq!(
            t.for_missions(Tier::T4, &signed(&t.missions())),
            t.maximum(Tier::T4)
        );
        let declined = Missions([("acces".to_string(), false)].into());
        assert_eq!(t.for_missions(Tier::T2, &declined), 60_000);
        assert_eq!(
            t.missions(),
            [
                "acces",
                "parcours",
                "prevention",
                "crise",
                "qualite",
                "accompagnement"
            ]
        );
    }

    #[test]
    fn a_malformed_amount_is_named() {
        let err = Tariff::parse(
            Path::new("t.csv"),
            "line;mission;t1;t2;t3;t4;in_maximum\na;b;1;2;x;4;yes\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("`x` is not an amount"), "{err}");
    }
}
