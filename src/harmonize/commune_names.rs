//! Matching commune names to population units within a département, for membership
//! tables that give names instead of INSEE codes. Names are compared loosely: case,
//! accents, hyphens and apostrophes, `Saint`/`St`, `Sainte`/`Ste` and a leading article
//! (`Le`, `La`, `Les`, `L'`) present or missing.

use crate::model::Unit;
use crate::read::vocabulary::fold;
use std::collections::HashMap;

/// How a name was matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// Spelt as in the communes layer.
    Exact(usize),
    /// Matched once folded: the unit, to be listed for the planner to check.
    Loose(usize),
    /// Several units share the folded name: the candidates.
    Ambiguous(Vec<usize>),
    /// No unit of the département has the name: the closest names.
    Unknown(Vec<usize>),
}

/// The units of each département by folded name.
pub struct NameIndex<'a> {
    units: &'a [Unit],
    by_departement: HashMap<&'a str, Vec<(String, usize)>>,
}

/// The key names are compared by.
///
/// ```
/// use cpts_coverage::harmonize::commune_names::name_key;
/// assert_eq!(name_key("La Garde"), name_key("Garde"));
/// assert_eq!(name_key("Saint-Jean-Cap-Ferrat"), name_key("St Jean Cap Ferrat"));
/// assert_eq!(name_key("L'Escarène"), "escarene");
/// assert_ne!(name_key("Sainte-Agnès"), name_key("Saint-Agnès"));
/// ```
pub fn name_key(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && matches!(words[0], "le" | "la" | "les" | "l") {
        words.remove(0);
    }
    words
        .into_iter()
        .map(|w| match w {
            "saint" => "st",
            "sainte" => "ste",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many close names an unknown name is shown with.
const SUGGESTIONS: usize = 3;

impl<'a> NameIndex<'a> {
    pub fn new(units: &'a [Unit]) -> NameIndex<'a> {
        let mut by_departement: HashMap<&str, Vec<(String, usize)>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            by_departement
                .entry(u.departement.as_str())
                .or_default()
                .push((name_key(&u.nom), i));
        }
        NameIndex {
            units,
            by_departement,
        }
    }

    /// Whether the communes layer holds any unit of `departement`.
    pub fn knows_departement(&self, departement: &str) -> bool {
        self.by_departement.contains_key(departement)
    }

    /// Matches `name` among the units of `departement`.
    pub fn find(&self, name: &str, departement: &str) -> NameMatch {
        let Some(units) = self.by_departement.get(departement) else {
            return NameMatch::Unknown(Vec::new());
        };
        if let Some(&(_, i)) = units
            .iter()
            .find(|(_, i)| self.units[*i].nom == name.trim())
        {
            return NameMatch::Exact(i);
        }
        let key = name_key(name);
        let same: Vec<usize> = units
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, i)| *i)
            .collect();
        match same.as_slice() {
            [one] => NameMatch::Loose(*one),
            [] => {
                let mut close: Vec<(f64, usize)> = units
                    .iter()
                    .map(|(k, i)| (strsim::jaro_winkler(k, &key), *i))
                    .collect();
                close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                NameMatch::Unknown(close.into_iter().take(SUGGESTIONS).map(|c| c.1).collect())
            }
            _ => NameMatch::Ambiguous(same),
        }
    }

    /// `Nom (code)` of each unit, for messages.
    pub fn describe(&self, units: &[usize]) -> String {
        units
            .iter()
            .map(|&i| format!("{} ({})", self.units[i].nom, self.units[i].code))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
