//! ACI funding by size tier, read from a tariff table kept as data
//! (`data/aci_tariff.csv`), since amounts change with each amendment.

use crate::error::{Error, Result};
use crate::model::Tier;
use std::path::Path;

/// The tariff shipped with the engine.
pub const DEFAULT_TARIFF: &str = include_str!("../data/aci_tariff.csv");

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

/// The ACI tariff: funding lines by tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    pub lines: Vec<TariffLine>,
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

    /// Maximum annual funding of a CPTS of `tier`, euros.
    pub fn maximum(&self, tier: Tier) -> u32 {
        let t = tier.number() as usize - 1;
        self.lines
            .iter()
            .filter(|l| l.in_maximum)
            .map(|l| l.amounts[t])
            .sum()
    }
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
    fn a_malformed_amount_is_named() {
        let err = Tariff::parse(
            Path::new("t.csv"),
            "line;mission;t1;t2;t3;t4;in_maximum\na;b;1;2;x;4;yes\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("`x` is not an amount"), "{err}");
    }
}
