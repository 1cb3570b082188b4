//! Planners' words: status labels as ARS files write them ("ACI signé", "lettre
//! d'intention"…), white-zone labels ("HORS CPTS"), and the folding that compares them.

use crate::error::{Error, Result};
use crate::model::Status;
use std::collections::HashMap;
use std::path::Path;

/// The shipped label table (`label;statut`), replaceable with `--status-map`.
pub const DEFAULT_STATUS_LABELS: &str = include_str!("../../data/status_labels.csv");

/// Folds text for comparison: lower case, French accents and ligatures removed, every
/// run of other characters (blanks, hyphens, apostrophes, underscores) one space.
///
/// ```
/// use cpts_coverage::read::vocabulary::fold;
/// assert_eq!(fold("  Pré-Projet "), "pre projet");
/// assert_eq!(fold("Lettre d’intention"), "lettre d intention");
/// assert_eq!(fold("CŒUR_DE_VILLE"), "coeur de ville");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain: &str = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ç' => "c",
            'ñ' => "n",
            'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(c);
                continue;
            }
            _ => {
                gap = true;
                continue;
            }
        };
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push_str(plain);
    }
    out
}

/// Whether a CPTS name reads like a label for territory in no CPTS ("HORS CPTS",
/// "zone blanche", "sans CPTS", "non couvert").
pub fn reads_as_white_zone(name: &str) -> bool {
    const LABELS: [&str; 5] = [
        "hors cpts",
        "zone blanche",
        "zones blanches",
        "sans cpts",
        "non couvert",
    ];
    let folded = format!(" {} ", fold(name));
    LABELS.iter().any(|l| folded.contains(&format!(" {l}")))
}

/// Status labels and the status each stands for, compared folded.
#[derive(Debug, Clone)]
pub struct StatusVocabulary {
    labels: HashMap<String, Status>,
}

impl StatusVocabulary {
    /// The shipped table.
    pub fn shipped() -> StatusVocabulary {
        Self::parse(Path::new("data/status_labels.csv"), DEFAULT_STATUS_LABELS)
            .expect("the shipped status table is valid")
    }

    /// Reads a table of `label;statut` lines (`#` starts a comment line, the header line
    /// `label;statut` is optional). The three status codes are always understood.
    pub fn parse(path: &Path, text: &str) -> Result<StatusVocabulary> {
        let mut labels: HashMap<String, Status> =
            Status::ALL.iter().map(|s| (fold(s.as_str()), *s)).collect();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') || fold(line) == "label statut" {
                continue;
            }
            let place = format!("line {}", n + 1);
            let bad = |problem: String| {
                Error::input(
                    path,
                    &place,
                    problem,
                    "write one `label;statut` per line, statut being signataire_aci, projet or pre_projet",
                )
            };
            let Some((label, status)) = line.rsplit_once([';', '\t', ',']) else {
                return Err(bad(format!("`{line}` has no `;` between label and status")));
            };
            let status = Status::parse(status)
                .ok_or_else(|| bad(format!("unknown status `{}`", status.trim())))?;
            let key = fold(label);
            if key.is_empty() {
                return Err(bad("the label is empty".into()));
            }
            if let Some(earlier) = labels.insert(key, status) {
                if earlier != status {
                    return Err(bad(format!(
                        "`{}` is mapped to both {earlier} and {status}",
                        label.trim()
                    )));
                }
            }
        }
        Ok(StatusVocabulary { labels })
    }

    /// The status a label stands for.
    pub fn status(&self, label: &str) -> Option<Status> {
        self.labels.get(&fold(label)).copied()
    }
}

impl Default for StatusVocabulary {
    fn default() -> Self {
        Self::shipped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planners_words_map_to_the_three_statuses() {
        let v = StatusVocabulary::shipped();
        for (label, status) in [
            ("ACI signé", Status::SignataireAci),
            ("SIGNATAIRE", Status::SignataireAci),
            ("En fonctionnement", Status::SignataireAci),
            ("signataire_aci", Status::SignataireAci),
            ("Projet de santé validé", Status::Projet),
            ("projet", Status::Projet),
            ("Lettre d'intention", Status::PreProjet),
            ("pré-projet", Status::PreProjet),
            ("En émergence", Status::PreProjet),
        ] {
            assert_eq!(v.status(label), Some(status), "{label}");
        }
        assert_eq!(v.status("dissoute"), None);
    }

    #[test]
    fn a_replacement_table_is_checked() {
        let path = Path::new("map.csv");
        let v = StatusVocabulary::parse(path, "label;statut\nEn route;projet\n").unwrap();
        assert_eq!(v.status("en ROUTE"), Some(Status::Projet));
        assert_eq!(v.status("projet"), Some(Status::Projet));
        let err = StatusVocabulary::parse(path, "En route;signé\n").unwrap_err();
        assert!(err.to_string().contains("unknown status `signé`"), "{err}");
        let err = StatusVocabulary::parse(path, "projet;pre_projet\n").unwrap_err();
        assert!(
            err.to_string().contains("both projet and pre_projet"),
            "{err}"
        );
    }

    #[test]
    fn white_zone_labels_are_recognised_and_cpts_names_are_not() {
        for name in [
            "HORS CPTS",
            "Zone blanche du Trégor",
            "sans CPTS",
            "Non couvert",
        ] {
            assert!(reads_as_white_zone(name), "{name}");
        }
        for name in [
            "CPTS ANTIPOLIS",
            "CPTS Horsarrieu",
            "CPTS des zones littorales",
        ] {
            assert!(!reads_as_white_zone(name), "{name}");
        }
    }
}
