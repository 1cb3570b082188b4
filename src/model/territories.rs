//! Names of the départements and regions (INSEE's Code officiel géographique, shipped
//! as `data/territories.csv` and written by `scripts/make_territories.py`), for the
//! reports to print beside the codes.

use std::collections::HashMap;
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
}
