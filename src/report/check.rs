//! What `cpts check` shows: a table on the terminal, `check.md` for a merge-request
//! comment (in French or English), `check.junit.xml` for CI systems (one test case per
//! rule and place). CPTS and départements are named beside their codes; a change too
//! small to show reads `=`.

use crate::error::Result;
use crate::figures::summary::Summary;
use crate::report::numbers::Lang;
use crate::report::section::{cell, cpts_label, departement_label, difference_line};
use crate::verbs::check::{Check, Finding, Outcome, Scope, SLACK};
use crate::write::atomic::write_file;
use crate::write::xml::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The files `check` writes.
pub const CHECK_FILES: [&str; 2] = ["check.md", "check.junit.xml"];

/// The terminal and the JUnit file speak English, as every terminal of `cpts`.
const EN: Lang = Lang::En;

/// Writes `check.md` (in `lang`) and `check.junit.xml` into `dir`.
pub fn write_reports(
    dir: &Path,
    check: &Check,
    baseline: &Summary,
    current: &Summary,
    lang: Lang,
) -> Result<()> {
    write_file(
        &dir.join(CHECK_FILES[0]),
        markdown(check, baseline, current, lang).as_bytes(),
    )?;
    write_file(
        &dir.join(CHECK_FILES[1]),
        junit(check, baseline, current).as_bytes(),
    )
}

/// CPTS names by id, the current summary's over the baseline's.
struct Names<'a>(BTreeMap<&'a str, &'a str>);

impl<'a> Names<'a> {
    fn new(b: &'a Summary, c: &'a Summary) -> Self {
        Names(
            b.cpts
                .iter()
                .chain(&c.cpts)
                .map(|x| (x.id.as_str(), x.nom.as_str()))
                .collect(),
        )
    }

    /// The CPTS's id with its name.
    fn cpts(&self, id: &str) -> String {
        cpts_label(id, self.0.get(id).copied().unwrap_or_default())
    }
}

fn verdict(check: &Check, lang: Lang) -> String {
    let (broken, all) = (check.failures().count(), check.outcomes.len());
    match (lang, broken) {
        (Lang::Fr, 0) => format!("RÉUSSI : les {all} règles tiennent"),
        (Lang::Fr, 1) => format!("ÉCHEC : 1 règle enfreinte sur {all}"),
        (Lang::Fr, _) => format!("ÉCHEC : {broken} règles enfreintes sur {all}"),
        (Lang::En, 0) => format!("PASSED: all {all} rules hold"),
        (Lang::En, _) => format!("FAILED: {broken} of {all} rules broken"),
    }
}

/// `national` (`ensemble du territoire`) or `departement 22 Côtes-d'Armor`.
fn scope_label(scope: &Scope, lang: Lang) -> String {
    match (scope, lang) {
        (Scope::National, Lang::Fr) => "ensemble du territoire".into(),
        (Scope::National, Lang::En) => "national".into(),
        (Scope::Departement(d), Lang::Fr) => format!("département {}", departement_label(d)),
        (Scope::Departement(d), Lang::En) => format!("departement {}", departement_label(d)),
    }
}

/// What a rule compared, in words; a broken rule's change shows a digit however small.
fn detail(o: &Outcome, names: &Names, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    match &o.finding {
        Finding::Coverage {
            before,
            after,
            max_drop,
        } => {
            let change = match o.passed {
                true => lang.points(*before, *after),
                false => lang.visible_points(*before, *after),
            };
            let (b, a, limit) = (
                lang.percent2(*before),
                lang.percent2(*after),
                lang.decimal(*max_drop, 2),
            );
            match fr {
                true => format!(
                    "couverture {b} → {a} ({change} ; baisse permise : {limit} point au plus)"
                ),
                false => {
                    format!("coverage {b} → {a} ({change}; a drop of at most {limit} allowed)")
                }
            }
        }
        Finding::Population {
            before,
            after,
            change,
            tolerance,
        } => {
            let shown = match o.passed {
                true => lang.change(*change, 2),
                false => lang.visible_change(*change, 2),
            };
            let shown = match shown.as_str() {
                "=" => shown,
                _ => format!("{shown} %"),
            };
            let (b, a, limit) = (
                lang.people(*before),
                lang.people(*after),
                lang.decimal(*tolerance, 2),
            );
            match fr {
                true => format!("population {b} → {a} ({shown} ; écart permis : ±{limit} %)"),
                false => format!("population {b} → {a} ({shown}; at most ±{limit} % allowed)"),
            }
        }
        Finding::NewOverlaps(pairs) if pairs.is_empty() => match fr {
            true => "aucun nouveau chevauchement".into(),
            false => "no new overlap".into(),
        },
        Finding::NewOverlaps(pairs) => {
            let pairs: Vec<String> = pairs
                .iter()
                .map(|(a, b)| format!("{} × {}", names.cpts(a), names.cpts(b)))
                .collect();
            match fr {
                true => format!("nouveaux chevauchements : {}", pairs.join(", ")),
                false => format!("new overlaps: {}", pairs.join(", ")),
            }
        }
        Finding::TierChanges(changes) if changes.is_empty() => match fr {
            true => "aucun changement de taille inattendu".into(),
            false => "no unexpected tier change".into(),
        },
        Finding::TierChanges(changes) => {
            let changes: Vec<String> = changes
                .iter()
                .map(|c| format!("{} taille {} → {}", names.cpts(&c.id), c.before, c.after))
                .collect();
            match fr {
                true => format!("changements de taille inattendus : {}", changes.join(", ")),
                false => format!("unexpected tier changes: {}", changes.join(", ")),
            }
        }
        Finding::OnlyInBaseline => match fr {
            true => "hors du territoire actuel : non jugé".into(),
            false => "outside the current territory: not judged".into(),
        },
        Finding::OnlyInCurrent => match fr {
            true => "hors du territoire de référence : non jugé".into(),
            false => "outside the baseline's territory: not judged".into(),
        },
    }
}

/// National figures before and after: (label, baseline, current, change).
fn national_rows(b: &Summary, c: &Summary, lang: Lang) -> Vec<[String; 4]> {
    let fr = lang == Lang::Fr;
    let people = |label_fr: &str, label_en: &str, x: f64, y: f64| {
        [
            if fr { label_fr } else { label_en }.to_string(),
            lang.people(x),
            lang.people(y),
            lang.change(y - x, 0),
        ]
    };
    let count = |label_fr: &str, label_en: &str, x: usize, y: usize| {
        people(label_fr, label_en, x as f64, y as f64)
    };
    vec![
        [
            if fr {
                "taux de couverture"
            } else {
                "coverage rate"
            }
            .into(),
            lang.percent2(b.coverage_rate),
            lang.percent2(c.coverage_rate),
            lang.points(b.coverage_rate, c.coverage_rate),
        ],
        people(
            "population couverte",
            "covered population",
            b.covered_population,
            c.covered_population,
        ),
        people(
            "population en zone blanche",
            "white-zone population",
            b.white_zone_population,
            c.white_zone_population,
        ),
        count(
            "zones blanches",
            "white zones",
            b.white_zone_count,
            c.white_zone_count,
        ),
        count(
            "chevauchements",
            "overlaps",
            b.overlap_count,
            c.overlap_count,
        ),
        people(
            "population",
            "population",
            b.total_population,
            c.total_population,
        ),
        count("CPTS", "CPTS", b.cpts.len(), c.cpts.len()),
    ]
}

/// Départements whose coverage rate moved by more than a rule lets pass, largest move
/// first: (code, before, after).
fn moved_departements(b: &Summary, c: &Summary) -> Vec<(String, f64, f64)> {
    let before: BTreeMap<&String, f64> = b
        .by_departement
        .iter()
        .map(|r| (&r.departement, r.totals.coverage_rate))
        .collect();
    let mut moved: Vec<(String, f64, f64)> = c
        .by_departement
        .iter()
        .filter_map(|r| {
            before
                .get(&r.departement)
                .map(|&x| (r.departement.clone(), x, r.totals.coverage_rate))
        })
        .filter(|(_, x, y)| 100.0 * (x - y).abs() > SLACK)
        .collect();
    moved.sort_by(|p, q| {
        (q.2 - q.1)
            .abs()
            .total_cmp(&(p.2 - p.1).abs())
            .then(p.0.cmp(&q.0))
    });
    moved
}

/// CPTS created, removed, or whose tier changed, as lines of text, each named.
fn cpts_changes(b: &Summary, c: &Summary, lang: Lang) -> Vec<String> {
    let fr = lang == Lang::Fr;
    let names = Names::new(b, c);
    let before: BTreeMap<&String, u8> = b.cpts.iter().map(|x| (&x.id, x.tier)).collect();
    let after: BTreeMap<&String, u8> = c.cpts.iter().map(|x| (&x.id, x.tier)).collect();
    let (removed, created) = if fr {
        ("supprimée", "créée")
    } else {
        ("removed", "created")
    };
    let mut lines: Vec<String> = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(|id| format!("{removed} {}", names.cpts(id)))
        .collect();
    lines.extend(
        after
            .keys()
            .filter(|id| !before.contains_key(*id))
            .map(|id| format!("{created} {}", names.cpts(id))),
    );
    let colon = if fr { " :" } else { ":" };
    lines.extend(after.iter().filter_map(|(id, t)| {
        before
            .get(id)
            .filter(|u| *u != t)
            .map(|u| format!("{}{colon} taille {u} → {t}", names.cpts(id)))
    }));
    lines
}

/// The terminal table: verdict, differences allowed, national figures, broken rules,
/// moved départements, CPTS changes.
pub fn table(check: &Check, b: &Summary, c: &Summary) -> String {
    let names = Names::new(b, c);
    let mut out = format!("cpts check: {}\n", verdict(check, EN));
    for d in &check.differences {
        let _ = writeln!(out, "{}", difference_line(d, EN));
    }
    let _ = writeln!(
        out,
        "\n{:<28}{:>16}{:>16}{:>16}",
        "", "baseline", "current", "change"
    );
    for [label, x, y, d] in national_rows(b, c, EN) {
        let _ = writeln!(out, "{label:<28}{x:>16}{y:>16}{d:>16}");
    }
    let failures: Vec<_> = check.failures().collect();
    if !failures.is_empty() {
        out.push_str("\nbroken rules:\n");
        for f in failures {
            let _ = writeln!(
                out,
                "  {:<14}{:<40} {}",
                f.rule,
                scope_label(&f.scope, EN),
                detail(f, &names, EN)
            );
        }
    }
    let moved = moved_departements(b, c);
    if !moved.is_empty() {
        out.push_str("\ndépartements whose coverage moved:\n");
        for (d, x, y) in moved.iter().take(20) {
            let _ = writeln!(
                out,
                "  {:<40}{:>9} →{:>9}  ({})",
                departement_label(d),
                EN.percent2(*x),
                EN.percent2(*y),
                EN.visible_points(*x, *y)
            );
        }
        if moved.len() > 20 {
            let _ = writeln!(out, "  … and {} more", moved.len() - 20);
        }
    }
    let changes = cpts_changes(b, c, EN);
    for line in changes.iter().take(20) {
        let _ = writeln!(out, "CPTS {line}");
    }
    if changes.len() > 20 {
        let _ = writeln!(out, "… and {} more CPTS changes", changes.len() - 20);
    }
    out
}

/// `check.md`: the same as the table, as Markdown in `lang`.
pub fn markdown(check: &Check, b: &Summary, c: &Summary, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    let names = Names::new(b, c);
    let mut out = match fr {
        true => format!("## cpts check — {}\n\n", verdict(check, lang)),
        false => format!("## cpts check: {}\n\n", verdict(check, lang)),
    };
    for d in &check.differences {
        let _ = writeln!(out, "{}\n", difference_line(d, lang));
    }
    out.push_str(match fr {
        true => "| | référence | actuel | écart |\n|---|---:|---:|---:|\n",
        false => "| | baseline | current | change |\n|---|---:|---:|---:|\n",
    });
    for [label, x, y, d] in national_rows(b, c, lang) {
        let _ = writeln!(out, "| {label} | {x} | {y} | {d} |");
    }
    let failures: Vec<_> = check.failures().collect();
    if !failures.is_empty() {
        out.push_str(match fr {
            true => "\n### Règles enfreintes\n\n| règle | où | détail |\n|---|---|---|\n",
            false => "\n### Broken rules\n\n| rule | where | detail |\n|---|---|---|\n",
        });
        for f in failures {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                f.rule,
                cell(&scope_label(&f.scope, lang)),
                cell(&detail(f, &names, lang))
            );
        }
    }
    let moved = moved_departements(b, c);
    if !moved.is_empty() {
        out.push_str(match fr {
            true => "\n### Départements dont la couverture a bougé\n\n| département | référence | actuel | écart |\n|---|---:|---:|---:|\n",
            false => "\n### Départements whose coverage moved\n\n| département | baseline | current | change |\n|---|---:|---:|---:|\n",
        });
        for (d, x, y) in &moved {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&departement_label(d)),
                lang.percent2(*x),
                lang.percent2(*y),
                lang.visible_points(*x, *y)
            );
        }
    }
    let changes = cpts_changes(b, c, lang);
    if !changes.is_empty() {
        out.push_str("\n### CPTS\n\n");
        for line in changes {
            let _ = writeln!(out, "- {line}");
        }
    }
    out
}

/// JUnit XML: a test suite per rule, a test case per place, the differences allowed
/// between the summaries as each suite's properties.
pub fn junit(check: &Check, b: &Summary, c: &Summary) -> String {
    let names = Names::new(b, c);
    let mut suites: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for o in &check.outcomes {
        suites.entry(o.rule).or_default().push(o);
    }
    let failures = check.failures().count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cpts check\" tests=\"{}\" failures=\"{failures}\">\n",
        check.outcomes.len()
    );
    let mut properties = String::new();
    if !check.differences.is_empty() {
        properties.push_str("    <properties>\n");
        for d in &check.differences {
            let _ = writeln!(
                properties,
                "      <property name=\"difference\" value=\"{}\"/>",
                escape(&difference_line(d, EN))
            );
        }
        properties.push_str("    </properties>\n");
    }
    for (rule, outcomes) in suites {
        let failed = outcomes.iter().filter(|o| !o.passed).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{rule}\" tests=\"{}\" failures=\"{failed}\">",
            outcomes.len()
        );
        out.push_str(&properties);
        for o in outcomes {
            let name = escape(&scope_label(&o.scope, EN));
            let detail = escape(&detail(o, &names, EN));
            if o.passed {
                let _ = writeln!(out, "    <testcase classname=\"{rule}\" name=\"{name}\"><system-out>{detail}</system-out></testcase>");
            } else {
                let _ = writeln!(out, "    <testcase classname=\"{rule}\" name=\"{name}\"><failure message=\"{detail}\">{rule} broken in {name}: {detail}</failure></testcase>");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
