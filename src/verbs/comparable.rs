//! Whether two runs compare: `check` and `diff` refuse runs of different modes
//! (polygon, membership) or of different territories, whose figures would differ by
//! method or by extent rather than by change, unless a flag allows it; the outputs then
//! say so at their top (see [`crate::report::section::difference_line`]).

use crate::error::{Error, Result};
use crate::figures::summary::Summary;
use crate::model::territories::label;
use std::collections::BTreeSet;
use std::path::Path;

/// A setting two runs differ in, compared nonetheless because a flag allowed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// The modes, before and after: `polygon`, `membership`.
    Mode { before: String, after: String },
    /// The territories, before and after, each named with its count of départements.
    Territory { before: String, after: String },
}

/// The runs' modes: the same, or allowed to differ; else an error naming both files.
pub fn modes(
    (before_path, before): (&Path, &str),
    (after_path, after): (&Path, &str),
    allowed: bool,
) -> Result<Option<Difference>> {
    if before == after {
        return Ok(None);
    }
    if !allowed {
        return Err(Error::Usage {
            message: format!(
                "{} is analysed in {before} mode and {} in {after} mode: their figures differ \
                 by method (shares of communes under polygons, whole communes listed), not only \
                 by change",
                before_path.display(),
                after_path.display()
            ),
            fix: String::from(
                "compare two of one mode (polygon layers or their analyses, membership \
                 tables or theirs), or pass --allow-mode-change to compare them anyway",
            ),
        });
    }
    Ok(Some(Difference::Mode {
        before: before.into(),
        after: after.into(),
    }))
}

/// The summaries' territories, told by their label and their set of départements: the
/// same, or allowed to differ; else an error naming both files.
pub fn territories(
    (baseline_path, baseline): (&Path, &Summary),
    (current_path, current): (&Path, &Summary),
    allowed: bool,
) -> Result<Option<Difference>> {
    let set = |s: &Summary| -> BTreeSet<String> {
        s.by_departement
            .iter()
            .map(|r| r.departement.clone())
            .collect()
    };
    let (before, after) = (set(baseline), set(current));
    let labels_differ = !baseline.territory.is_empty()
        && !current.territory.is_empty()
        && baseline.territory != current.territory;
    if before == after && !labels_differ {
        return Ok(None);
    }
    let described = |s: &Summary, set: &BTreeSet<String>| {
        let codes: Vec<String> = set.iter().cloned().collect();
        let name = match s.territory.as_str() {
            "" => label(set),
            named => named.to_string(),
        };
        match codes.as_slice() {
            [one] => format!("{name} ({one})"),
            many if many.len() <= 6 => format!("{name} ({})", many.join(", ")),
            many => format!("{name} ({} départements)", many.len()),
        }
    };
    let (before, after) = (described(baseline, &before), described(current, &after));
    if !allowed {
        return Err(Error::Usage {
            message: format!(
                "{} covers {before} and {} covers {after}: their figures differ by extent, \
                 not only by change",
                baseline_path.display(),
                current_path.display()
            ),
            fix: "analyse both on the same communes layer and --territory, or pass \
                  --allow-territory-change to judge the départements they share"
                .into(),
        });
    }
    Ok(Some(Difference::Territory { before, after }))
}
