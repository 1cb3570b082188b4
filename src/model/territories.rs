//! Départements and regions: their names (INSEE's Code officiel géographique, shipped
//! as `data/territories.csv` and written by `scripts/make_territories.py`) for the
//! reports to print beside the codes, the départements of each region, and a territory
//! chosen by its codes (`--territory`, `--focus`).

use crate::error::{Error, Result};
use crate::model::provenance::listing;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/territories.csv");

fn names() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static NAMES: OnceLock<HashMap<(&str, &str), &str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        TABLE
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cells = line.splitn(3, ';');
                Some(((cells.next()?, cells.next()?), cells.next()?))
            })
            .collect()
    })
}

/// The name of département `code` (`22` → `Côtes-d'Armor`).
pub fn departement_name(code: &str) -> Option<&'static str> {
    names().get(&("departement", code)).copied()
}

/// The name of region `code` (`53` → `Bretagne`).
pub fn region_name(code: &str) -> Option<&'static str> {
    names().get(&("region", code)).copied()
}

/// `22 Côtes-d'Armor`, or the code alone when it has no known name.
pub fn labelled(code: &str, name: Option<&str>) -> String {
    name.map_or_else(|| code.to_string(), |n| format!("{code} {n}"))
}

/// The départements of each region since 2016 (COG): Mayotte is region 06.
const REGIONS: &[(&str, &[&str])] = &[
    ("01", &["971"]),
    ("02", &["972"]),
    ("03", &["973"]),
    ("04", &["974"]),
    ("06", &["976"]),
    ("11", &["75", "77", "78", "91", "92", "93", "94", "95"]),
    ("24", &["18", "28", "36", "37", "41", "45"]),
    ("27", &["21", "25", "39", "58", "70", "71", "89", "90"]),
    ("28", &["14", "27", "50", "61", "76"]),
    ("32", &["02", "59", "60", "62", "80"]),
    (
        "44",
        &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    ),
    ("52", &["44", "49", "53", "72", "85"]),
    ("53", &["22", "29", "35", "56"]),
    (
        "75",
        &[
            "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
        ],
    ),
    (
        "76",
        &[
            "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
        ],
    ),
    (
        "84",
        &[
            "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
        ],
    ),
    ("93", &["04", "05", "06", "13", "83", "84"]),
    ("94", &["2A", "2B"]),
];

/// What a set of départements is called: `Alpes-Maritimes`, `Provence-Alpes-Côte
/// d'Azur` (a whole region), `France` (every département), `France métropolitaine`,
/// else `3 départements`.
pub fn label(departements: &BTreeSet<String>) -> String {
    let all = |regions: &mut dyn Iterator<Item = &(&str, &[&str])>| -> BTreeSet<String> {
        regions
            .flat_map(|(_, deps)| deps.iter().map(|d| d.to_string()))
            .collect()
    };
    if departements.is_empty() {
        return "0 département".into();
    }
    if *departements == all(&mut REGIONS.iter()) {
        return "France".into();
    }
    if *departements == all(&mut REGIONS.iter().filter(|(_, deps)| deps[0].len() == 2)) {
        return "France métropolitaine".into();
    }
    if let [one] = departements.iter().collect::<Vec<_>>()[..] {
        return departement_name(one).map_or_else(|| one.clone(), String::from);
    }
    let whole = REGIONS.iter().find(|(_, deps)| {
        deps.len() == departements.len() && deps.iter().all(|d| departements.contains(*d))
    });
    match whole.and_then(|(code, _)| region_name(code)) {
        Some(name) => name.into(),
        None => format!("{} départements", departements.len()),
    }
}

/// A département or a region, chosen by its code (`06`, `departement:53`, `region:93`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Departement(String),
    Region(String),
}

impl Scope {
    /// Reads `raw` given to `flag` against the codes of the communes layer; a bare
    /// code that is both a département and a region must say which.
    pub fn resolve(
        flag: &str,
        raw: &str,
        departements: &BTreeSet<String>,
        regions: &BTreeSet<String>,
    ) -> Result<Scope> {
        let fail = |message: String, fix: String| Error::Usage { message, fix };
        let some =
            |codes: &BTreeSet<String>| listing(&codes.iter().cloned().collect::<Vec<_>>(), 8);
        let (kind, code) = match raw.split_once(':') {
            Some((kind, code)) => (Some(kind.trim()), code.trim()),
            None => (None, raw.trim()),
        };
        let is_dep = departements.contains(code);
        let is_reg = regions.contains(code);
        match (kind, is_dep, is_reg) {
            (Some("departement" | "dep"), true, _) | (None, true, false) => {
                Ok(Scope::Departement(code.to_string()))
            }
            (Some("region" | "reg"), _, true) | (None, false, true) => {
                Ok(Scope::Region(code.to_string()))
            }
            (None, true, true) => Err(fail(
                format!("{flag} {code}: the communes hold both a département {code} and a region {code}"),
                format!("write {flag} departement:{code} or {flag} region:{code}"),
            )),
            (Some(k), _, _) if !matches!(k, "departement" | "dep" | "region" | "reg") => Err(fail(
                format!("{flag} {raw}: {k:?} is neither departement nor region"),
                format!("write {flag} 22, {flag} departement:53 or {flag} region:53"),
            )),
            _ => Err(fail(
                format!("{flag} {raw}: no commune of the communes layer lies in it"),
                format!(
                    "choose a département ({}) or a region ({})",
                    some(departements),
                    some(regions)
                ),
            )),
        }
    }

    /// Whether a commune of `departement` in `region` lies in it.
    pub fn holds(&self, departement: &str, region: &str) -> bool {
        match self {
            Scope::Departement(code) => code == departement,
            Scope::Region(code) => code == region,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_cog_names() {
        assert_eq!(departement_name("22"), Some("Côtes-d'Armor"));
        assert_eq!(departement_name("2A"), Some("Corse-du-Sud"));
        assert_eq!(departement_name("976"), Some("Mayotte"));
        assert_eq!(region_name("53"), Some("Bretagne"));
        assert_eq!(region_name("93"), Some("Provence-Alpes-Côte d'Azur"));
        assert_eq!(departement_name("53"), Some("Mayenne"));
        assert_eq!(region_name("22"), None);
    }

    #[test]
    fn a_set_of_departements_is_named_by_what_it_covers() {
        let set = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect();
        assert_eq!(label(&set(&["06"])), "Alpes-Maritimes");
        assert_eq!(
            label(&set(&["04", "05", "06", "13", "83", "84"])),
            "Provence-Alpes-Côte d'Azur"
        );
        assert_eq!(label(&set(&["06", "83", "22"])), "3 départements");
        let every: Vec<&str> = REGIONS
            .iter()
            .flat_map(|(_, d)| d.iter().copied())
            .collect();
        assert_eq!(every.len(), 101);
        assert_eq!(label(&set(&every)), "France");
        assert_eq!(label(&set(&every[5..])), "France métropolitaine");
        // Every département has its region, and its name.
        assert!(every.iter().all(|d| departement_name(d).is_some()));
    }
}
