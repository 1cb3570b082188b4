//! What `cpts check` shows: a table on the terminal, `check.md` for a merge-request
//! comment, `check.junit.xml` for CI systems (one test case per rule and place).

use crate::error::Result;
use crate::figures::summary::Summary;
use crate::report::section::cell;
use crate::verbs::check::Check;
use crate::write::atomic::write_file;
use crate::write::xml::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The files `check` writes.
pub const CHECK_FILES: [&str; 2] = ["check.md", "check.junit.xml"];

/// Writes `check.md` and `check.junit.xml` into `dir`.
pub fn write_reports(
    dir: &Path,
    check: &Check,
    baseline: &Summary,
    current: &Summary,
) -> Result<()> {
    write_file(
        &dir.join(CHECK_FILES[0]),
        markdown(check, baseline, current).as_bytes(),
    )?;
    write_file(&dir.join(CHECK_FILES[1]), junit(check).as_bytes())
}

fn verdict(check: &Check) -> String {
    let broken = check.failures().count();
    if broken == 0 {
        format!("PASSED: all {} rules hold", check.outcomes.len())
    } else {
        format!("FAILED: {broken} of {} rules broken", check.outcomes.len())
    }
}

/// National figures before and after: (label, baseline, current, change).
fn national_rows(b: &Summary, c: &Summary) -> Vec<[String; 4]> {
    let pct = |r: f64| format!("{:.2} %", 100.0 * r);
    let int = |v: f64| format!("{v:.0}");
    vec![
        [
            "coverage rate".into(),
            pct(b.coverage_rate),
            pct(c.coverage_rate),
            format!("{:+.2} points", 100.0 * (c.coverage_rate - b.coverage_rate)),
        ],
        [
            "covered population".into(),
            int(b.covered_population),
            int(c.covered_population),
            format!("{:+.0}", c.covered_population - b.covered_population),
        ],
        [
            "white-zone population".into(),
            int(b.white_zone_population),
            int(c.white_zone_population),
            format!("{:+.0}", c.white_zone_population - b.white_zone_population),
        ],
        [
            "white zones".into(),
            b.white_zone_count.to_string(),
            c.white_zone_count.to_string(),
            format!(
                "{:+}",
                c.white_zone_count as i64 - b.white_zone_count as i64
            ),
        ],
        [
            "overlaps".into(),
            b.overlap_count.to_string(),
            c.overlap_count.to_string(),
            format!("{:+}", c.overlap_count as i64 - b.overlap_count as i64),
        ],
        [
            "population".into(),
            int(b.total_population),
            int(c.total_population),
            format!("{:+.0}", c.total_population - b.total_population),
        ],
        [
            "CPTS".into(),
            b.cpts.len().to_string(),
            c.cpts.len().to_string(),
            format!("{:+}", c.cpts.len() as i64 - b.cpts.len() as i64),
        ],
    ]
}

/// Départements whose coverage rate moved, largest move first: (code, before, after).
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
        .filter(|(_, x, y)| (x - y).abs() > 1e-9)
        .collect();
    moved.sort_by(|p, q| {
        (q.2 - q.1)
            .abs()
            .total_cmp(&(p.2 - p.1).abs())
            .then(p.0.cmp(&q.0))
    });
    moved
}

/// CPTS created, removed, or whose tier changed, as lines of text.
fn cpts_changes(b: &Summary, c: &Summary) -> Vec<String> {
    let before: BTreeMap<&String, u8> = b.cpts.iter().map(|x| (&x.id, x.tier)).collect();
    let after: BTreeMap<&String, u8> = c.cpts.iter().map(|x| (&x.id, x.tier)).collect();
    let mut lines: Vec<String> = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(|id| format!("removed {id}"))
        .collect();
    lines.extend(
        after
            .keys()
            .filter(|id| !before.contains_key(*id))
            .map(|id| format!("created {id}")),
    );
    lines.extend(after.iter().filter_map(|(id, t)| {
        before
            .get(id)
            .filter(|u| *u != t)
            .map(|u| format!("{id}: taille {u} → {t}"))
    }));
    lines
}

/// The terminal table: verdict, national figures, broken rules, moved départements.
pub fn table(check: &Check, b: &Summary, c: &Summary) -> String {
    let mut out = format!(
        "cpts check: {}\n\n{:<24}{:>16}{:>16}{:>16}\n",
        verdict(check),
        "",
        "baseline",
        "current",
        "change"
    );
    for [label, x, y, d] in national_rows(b, c) {
        let _ = writeln!(out, "{label:<24}{x:>16}{y:>16}{d:>16}");
    }
    let failures: Vec<_> = check.failures().collect();
    if !failures.is_empty() {
        out.push_str("\nbroken rules:\n");
        for f in failures {
            let _ = writeln!(out, "  {:<14}{:<18}{}", f.rule, f.scope, f.detail);
        }
    }
    let moved = moved_departements(b, c);
    if !moved.is_empty() {
        out.push_str("\ndépartements whose coverage moved:\n");
        for (d, x, y) in moved.iter().take(20) {
            let _ = writeln!(
                out,
                "  {d:<6}{:>9.2} % →{:>7.2} %  ({:+.2} points)",
                100.0 * x,
                100.0 * y,
                100.0 * (y - x)
            );
        }
        if moved.len() > 20 {
            let _ = writeln!(out, "  … and {} more", moved.len() - 20);
        }
    }
    for line in cpts_changes(b, c) {
        let _ = writeln!(out, "CPTS {line}");
    }
    out
}

/// `check.md`: the same as the table, as Markdown.
pub fn markdown(check: &Check, b: &Summary, c: &Summary) -> String {
    let mut out = format!(
        "## cpts check: {}\n\n| | baseline | current | change |\n|---|---:|---:|---:|\n",
        verdict(check)
    );
    for [label, x, y, d] in national_rows(b, c) {
        let _ = writeln!(out, "| {label} | {x} | {y} | {d} |");
    }
    let failures: Vec<_> = check.failures().collect();
    if !failures.is_empty() {
        out.push_str("\n### Broken rules\n\n| rule | where | detail |\n|---|---|---|\n");
        for f in failures {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                f.rule,
                cell(&f.scope),
                cell(&f.detail)
            );
        }
    }
    let moved = moved_departements(b, c);
    if !moved.is_empty() {
        out.push_str("\n### Départements whose coverage moved\n\n| département | baseline | current | change |\n|---|---:|---:|---:|\n");
        for (d, x, y) in &moved {
            let _ = writeln!(
                out,
                "| {d} | {:.2} % | {:.2} % | {:+.2} points |",
                100.0 * x,
                100.0 * y,
                100.0 * (y - x)
            );
        }
    }
    let changes = cpts_changes(b, c);
    if !changes.is_empty() {
        out.push_str("\n### CPTS\n\n");
        for line in changes {
            let _ = writeln!(out, "- {line}");
        }
    }
    out
}

/// JUnit XML: a test suite per rule, a test case per place.
pub fn junit(check: &Check) -> String {
    let mut suites: BTreeMap<&str, Vec<&crate::verbs::check::Outcome>> = BTreeMap::new();
    for o in &check.outcomes {
        suites.entry(o.rule).or_default().push(o);
    }
    let failures = check.failures().count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cpts check\" tests=\"{}\" failures=\"{failures}\">\n",
        check.outcomes.len()
    );
    for (rule, outcomes) in suites {
        let failed = outcomes.iter().filter(|o| !o.passed).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{rule}\" tests=\"{}\" failures=\"{failed}\">",
            outcomes.len()
        );
        for o in outcomes {
            let name = escape(&o.scope);
            if o.passed {
                let _ = writeln!(out, "    <testcase classname=\"{rule}\" name=\"{name}\"><system-out>{}</system-out></testcase>", escape(&o.detail));
            } else {
                let detail = escape(&o.detail);
                let _ = writeln!(out, "    <testcase classname=\"{rule}\" name=\"{name}\"><failure message=\"{detail}\">{rule} broken in {name}: {detail}</failure></testcase>");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
