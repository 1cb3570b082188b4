//! Provenance of the figures: which files were read, in which format and CRS, and what
//! the engine took for granted to read them as they came (a name standing for an id, a
//! status label read as a status, a feature dropped…), stated in `summary.json` so that
//! a planner can check each choice.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// What was read and what was assumed, in the order it happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub sources: Vec<Source>,
    pub assumptions: Vec<Assumption>,
    /// Where the populations come from: `communes.geojson, property population`, or
    /// `populations.csv, column PMUN`.
    pub population_source: String,
}

impl Provenance {
    /// Records that `path` was read as the `role` input.
    pub fn read(&mut self, role: &str, path: &Path, format: &str, crs: Option<String>) {
        let source = Source {
            role: role.into(),
            file: file_name(path),
            format: format.into(),
            crs,
            modified: modified_date(path),
        };
        // A file read twice (the passage table, for the listing and for the APL) is one
        // source.
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
    }

    /// Records an assumption, stated in English (`text`) and in French (`fr`).
    pub fn assume(
        &mut self,
        kind: AssumptionKind,
        count: usize,
        text: impl Into<String>,
        fr: impl Into<String>,
    ) {
        let assumption = Assumption {
            kind,
            text: text.into(),
            text_fr: fr.into(),
            count,
        };
        // A file read twice says what it assumed once.
        if !self.assumptions.contains(&assumption) {
            self.assumptions.push(assumption);
        }
    }
}

/// A path's file name, without its directory (outputs do not depend on where inputs
/// lie).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// `communes`, `arrondissements` or `perimeters`.
    pub role: String,
    /// File name, without its directory (outputs do not depend on where inputs lie).
    pub file: String,
    /// `geojson`, `csv`, `xlsx` or `ods`.
    pub format: String,
    /// The CRS of a geometry file, as read.
    pub crs: Option<String>,
    /// The day the file was last modified (UTC, `2026-03-12`): the version of the data.
    #[serde(default)]
    pub modified: Option<String>,
}

/// The UTC day `path` was last modified, `None` when the system does not say.
fn modified_date(path: &Path) -> Option<String> {
    let since = std::fs::metadata(path)
        .ok()?
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(civil_date(since.as_secs() / 86_400))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The kind of an [`Assumption`]: a stable code for filters and CI rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssumptionKind {
    /// The coordinate reference system a file declares, and how it was read.
    Crs,
    /// A column found under another name than the default one.
    Column,
    /// No id column: each CPTS is identified by its name.
    IdFromName,
    /// No status (column or value): the default status was given.
    DefaultStatus,
    /// A planner's status label read as one of the three statuses.
    StatusLabel,
    /// Features or rows dropped by `--exclude-where`.
    Excluded,
    /// A table not in UTF-8, read as Windows-1252 (Latin-1).
    Encoding,
    /// The sheet of a spreadsheet that was read, and its header row.
    Sheet,
    /// Commune names matched to codes loosely (case, accents, articles, Saint/St).
    LooseName,
    /// Membership rows naming communes of départements absent from the communes layer.
    OutsideTerritory,
    /// CPTS whose perimeter reaches beyond the supplied communes: figures are partial.
    Partial,
    /// Communes listed by several CPTS, counted as overlaps.
    SharedCommune,
    /// Populations that are not whole numbers, used as given.
    FractionalPopulation,
    /// Codes of an older vintage mapped to the current ones by the passage table.
    HarmonisedCode,
    /// Uncovered parts and overlaps narrower than the gap width: contour debris.
    ContourGap,
    /// How the APL and zoning tables were joined to the units: a city's APL from its
    /// arrondissements, codes of another vintage, units without a value.
    Access,
    /// How a finer population layer was spread inside the communes.
    PopulationGrid,
}

/// One assumption: its kind, a sentence for the planner, and how many features, rows,
/// CPTS or communes it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    pub kind: AssumptionKind,
    pub text: String,
    /// The sentence in French (empty in summaries written before it was stated).
    #[serde(default)]
    pub text_fr: String,
    pub count: usize,
}

impl Assumption {
    /// The sentence in French, or in English when it was not stated in French.
    pub fn french(&self) -> &str {
        match self.text_fr.is_empty() {
            true => &self.text,
            false => &self.text_fr,
        }
    }
}

/// A list of items for a message, cut after `shown` with "and N more".
pub fn listing(items: &[String], shown: usize) -> String {
    cut_listing(items, shown, |n| format!(" and {n} more"))
}

/// `items` joined with commas, cut after `shown`, `more` saying how many are left out.
fn cut_listing(items: &[String], shown: usize, more: impl Fn(usize) -> String) -> String {
    let mut text = items
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > shown {
        text.push_str(&more(items.len() - shown));
    }
    text
}

/// An input's role (`perimeters`, `population`…) in French.
pub fn role_fr(role: &str) -> &str {
    match role {
        "perimeters" => "périmètres",
        "membership" => "appartenance",
        "code passage" => "table de passage des codes",
        "doctor zoning" => "zonage médecins",
        other => other,
    }
}

/// [`listing`] in French: cut after `shown` with "et N autres".
pub fn listing_fr(items: &[String], shown: usize) -> String {
    cut_listing(items, shown, |n| format!(" et {n} autres"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_780), "2026-11-23");
        assert_eq!(civil_date(20_513), "2026-03-01");
    }
}
