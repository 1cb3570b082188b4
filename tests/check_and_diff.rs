//! `cpts check` and `cpts diff` end to end: a summary checked against itself and a
//! re-run passes; removing a CPTS, adding an overlap or scaling populations by 5 % fails,
//! naming the rule and the département; `diff` lists the communes a removed CPTS held.

mod common;

use common::{cpts, Run};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn p(s: &str) -> &Path {
    Path::new(s)
}

/// A data set: communes, perimeters, optional arrondissements.
#[derive(Clone)]
struct Data {
    communes: PathBuf,
    perimeters: PathBuf,
    arrondissements: Option<PathBuf>,
}

impl Data {
    fn fixture() -> Data {
        let f = common::root().join("fixtures");
        Data {
            communes: f.join("communes-22.geojson"),
            perimeters: f.join("cpts-22.geojson"),
            arrondissements: None,
        }
    }

    fn world1() -> Option<Data> {
        let d = common::shared_data()?;
        Some(Data {
            communes: d.join("france/communes.geojson"),
            perimeters: d.join("world1/cpts.geojson"),
            arrondissements: Some(d.join("france/arrondissements.geojson")),
        })
    }

    fn analyze(&self, out: &Path) {
        self.analyze_with(out, &[]);
    }

    /// Runs `analyze` into `out` with `extra` arguments; it must succeed.
    fn analyze_with(&self, out: &Path, extra: &[&str]) {
        let mut args = vec![
            p("analyze"),
            p("-q"),
            p("--communes"),
            &self.communes,
            p("--perimeters"),
            &self.perimeters,
            p("--out"),
            out,
        ];
        if let Some(a) = &self.arrondissements {
            args.extend([p("--arrondissements"), a.as_path()]);
        }
        args.extend(extra.iter().map(|x| p(x)));
        let run = cpts(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    /// The same data with the perimeter layer edited by `edit`, written into `dir`.
    fn with_perimeters(&self, dir: &Path, edit: impl FnOnce(&mut Vec<Value>)) -> Data {
        let mut layer = common::read_json(&self.perimeters);
        edit(layer["features"].as_array_mut().unwrap());
        let path = dir.join("perimeters.geojson");
        std::fs::write(&path, layer.to_string()).unwrap();
        Data {
            perimeters: path,
            ..self.clone()
        }
    }

    /// The same data with every commune's population scaled by `factor`.
    fn with_populations_scaled(&self, dir: &Path, factor: f64) -> Data {
        let mut layer = common::read_json(&self.communes);
        for f in layer["features"].as_array_mut().unwrap() {
            let pop = f["properties"]["population"].as_f64().unwrap();
            f["properties"]["population"] = (pop * factor).into();
        }
        let path = dir.join("communes.geojson");
        std::fs::write(&path, layer.to_string()).unwrap();
        Data {
            communes: path,
            ..self.clone()
        }
    }
}

fn check(baseline: &Path, current: &Path, report_dir: &Path) -> Run {
    cpts(&[
        p("check"),
        p("--baseline"),
        baseline,
        p("--current"),
        current,
        p("--report-dir"),
        report_dir,
    ])
}

fn remove(id: &'static str) -> impl FnOnce(&mut Vec<Value>) {
    move |features| features.retain(|f| f["properties"]["id"] != id)
}

/// A copy of CPTS `id` under another id: the two overlap on the whole territory.
fn duplicate(id: &'static str) -> impl FnOnce(&mut Vec<Value>) {
    move |features| {
        let mut copy = features
            .iter()
            .find(|f| f["properties"]["id"] == id)
            .unwrap()
            .clone();
        copy["properties"]["id"] = "CPTS-COPY".into();
        features.push(copy);
    }
}

/// Runs every scenario of the issue on `data`, whose CPTS `victim` lies in `departement`.
fn scenarios(data: &Data, victim: &'static str, departement: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (base, rerun) = (d.join("base"), d.join("rerun"));
    data.analyze(&base);
    data.analyze(&rerun);
    // Itself, and a re-run: every rule holds, and the reports say so.
    for current in [&base, &rerun] {
        let run = check(&base.join("summary.json"), current, d);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("PASSED"), "{}", run.stdout);
    }
    let junit = std::fs::read_to_string(d.join("check.junit.xml")).unwrap();
    assert!(
        junit.contains("failures=\"0\"")
            && junit.contains(&format!("name=\"departement {departement}\""))
    );
    // One CPTS removed: coverage drops nationally and in its département.
    let out = d.join("removed");
    data.with_perimeters(d, remove(victim)).analyze(&out);
    let run = check(&base, &out, d);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("coverage_drop departement {departement}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("CPTS removed {victim}")),
        "{}",
        run.stdout
    );
    let junit = std::fs::read_to_string(d.join("check.junit.xml")).unwrap();
    assert!(
        junit.contains(&format!(
            "<testcase classname=\"coverage_drop\" name=\"departement {departement}\"><failure"
        )),
        "{junit}"
    );
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    assert!(
        md.contains(&format!("| `coverage_drop` | departement {departement} |")),
        "{md}"
    );
    // An overlap added.
    let out = d.join("overlap");
    data.with_perimeters(d, duplicate(victim)).analyze(&out);
    let run = check(&base, &out, d);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let pair = if victim < "CPTS-COPY" {
        format!("{victim} × CPTS-COPY")
    } else {
        format!("CPTS-COPY × {victim}")
    };
    assert!(
        run.stdout
            .contains(&format!("new_overlaps  departement {departement}"))
            && run.stdout.contains(&pair),
        "{}",
        run.stdout
    );
    // Populations of another year: 5 % more everywhere.
    let out = d.join("scaled");
    data.with_populations_scaled(d, 1.05).analyze(&out);
    let run = check(&base, &out, d);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("population    departement {departement}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+5.00 %"), "{}", run.stdout);
}

#[test]
fn check_scenarios_on_the_fixture() {
    scenarios(&Data::fixture(), "CPTS-22-01", "22");
}

#[test]
fn check_scenarios_on_world1() {
    let Some(data) = Data::world1() else { return };
    scenarios(&data, "CPTS-22-0107", "22");
}

#[test]
fn check_refuses_another_schema_version_and_unreadable_rules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    Data::fixture().analyze(&d.join("base"));
    let mut old = common::read_json(&d.join("base/summary.json"));
    old["schema_version"] = 1.into();
    std::fs::write(d.join("old.json"), old.to_string()).unwrap();
    let run = check(&d.join("old.json"), &d.join("base"), d);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("old.json: schema_version: the summary has schema version 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("run `cpts analyze` again"),
        "{}",
        run.stderr
    );
    std::fs::write(d.join("rules.toml"), "max_coverage_drops = 1\n").unwrap();
    let run = cpts(&[
        p("check"),
        p("--baseline"),
        &d.join("base"),
        p("--current"),
        &d.join("base"),
        p("--rules"),
        &d.join("rules.toml"),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("rules.toml") && run.stderr.contains("max_coverage_drops"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_allow_what_they_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = Data::fixture();
    data.analyze(&d.join("base"));
    data.with_perimeters(d, duplicate("CPTS-22-05"))
        .analyze(&d.join("overlap"));
    // The copy doubles nothing but the overlap: allowed, the check passes.
    std::fs::write(d.join("rules.toml"), "allow_new_overlaps = true\n").unwrap();
    let run = cpts(&[
        p("check"),
        p("--baseline"),
        &d.join("base"),
        p("--current"),
        &d.join("overlap"),
        p("--rules"),
        &d.join("rules.toml"),
        p("--report-dir"),
        d,
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn diff_lists_the_communes_a_removed_cpts_held() {
    let Some(data) = Data::world1() else { return };
    let victim = "CPTS-22-0107";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let after = data.with_perimeters(d, remove(victim));
    let out = d.join("diff");
    let run = cpts(&[
        p("diff"),
        p("-q"),
        p("--communes"),
        &data.communes,
        p("--arrondissements"),
        data.arrondissements.as_deref().unwrap(),
        p("--before"),
        &data.perimeters,
        p("--after"),
        &after.perimeters,
        p("--out"),
        &out,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The independent answer: the CPTS's communes in world1's membership table, less
    // those another CPTS also lists (still covered).
    let table =
        std::fs::read_to_string(data.perimeters.with_file_name("cpts_communes.csv")).unwrap();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    let others: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[0] != victim)
        .map(|r| r[3])
        .collect();
    let expected: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[0] == victim && !others.contains(r[3]))
        .map(|r| r[3])
        .collect();
    let report = common::read_json(&out.join("diff.json"));
    let uncovered: std::collections::BTreeSet<&str> = report["communes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "newly_uncovered")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(uncovered, expected);
    assert_eq!(report["newly_covered"], 0);
    assert_eq!(
        report["cpts"].as_array().unwrap().len(),
        1,
        "{}",
        report["cpts"]
    );
    assert_eq!(report["cpts"][0]["id"], victim);
    assert_eq!(report["cpts"][0]["change"], "removed");
    let geojson = common::read_json(&out.join("diff.geojson"));
    assert_eq!(
        geojson["features"].as_array().unwrap().len(),
        report["communes"].as_array().unwrap().len()
    );
    let csv = std::fs::read_to_string(out.join("diff_communes.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + report["communes"].as_array().unwrap().len()
    );
}

#[test]
fn diff_of_membership_tables_on_the_fixture() {
    // Without CPTS-22-05's rows, its communes (by the table itself) become uncovered,
    // and it is the one CPTS that changed.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = common::root().join("fixtures");
    let table = std::fs::read_to_string(f.join("cpts-22.csv")).unwrap();
    let victim = "CPTS-22-05";
    let kept: Vec<&str> = table.lines().filter(|l| !l.starts_with(victim)).collect();
    std::fs::write(d.join("after.csv"), kept.join("\n") + "\n").unwrap();
    let expected: std::collections::BTreeSet<&str> = table
        .lines()
        .filter(|l| l.starts_with(victim))
        .map(|l| l.rsplit(';').next().unwrap())
        .collect();
    let run = cpts(&[
        p("diff"),
        p("--communes"),
        &f.join("communes-22.geojson"),
        p("--before"),
        &f.join("cpts-22.csv"),
        p("--after"),
        &d.join("after.csv"),
        p("--out"),
        &d.join("diff"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("| {victim} | removed |")),
        "{}",
        run.stdout
    );
    let report = common::read_json(&d.join("diff/diff.json"));
    let uncovered: std::collections::BTreeSet<&str> = report["communes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "newly_uncovered")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(uncovered, expected);
    assert_eq!(report["communes"].as_array().unwrap().len(), expected.len());
    assert_eq!(report["cpts"].as_array().unwrap().len(), 1);
    assert_eq!(
        report["funding_max_eur_before"].as_u64().unwrap()
            - report["funding_max_eur_after"].as_u64().unwrap(),
        382_500
    );
}

#[test]
fn tier_changes_are_named_by_departement_unless_expected() {
    // Doubling the communes' populations moves CPTS-22-05 (29 939 inhabitants) to taille 2.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = Data::fixture();
    data.analyze(&d.join("base"));
    data.with_populations_scaled(d, 2.0)
        .analyze(&d.join("doubled"));
    let args = |extra: &[&str]| {
        let mut a: Vec<PathBuf> = ["check", "--baseline"].iter().map(PathBuf::from).collect();
        a.extend([
            d.join("base"),
            "--current".into(),
            d.join("doubled"),
            "--population-tolerance".into(),
            "200".into(),
        ]);
        a.extend(["--report-dir".into(), d.to_path_buf()]);
        a.extend(extra.iter().map(PathBuf::from));
        a
    };
    let run = cpts(&args(&[]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("tier_changes  departement 22"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("CPTS-22-05 taille 1 → 2"),
        "{}",
        run.stdout
    );
    let expected = [
        "--expect-tier-change",
        "CPTS-22-01",
        "--expect-tier-change",
        "CPTS-22-02",
    ];
    let more = [
        "--expect-tier-change",
        "CPTS-22-03",
        "--expect-tier-change",
        "CPTS-22-04",
        "--expect-tier-change",
        "CPTS-22-05",
    ];
    let all: Vec<&str> = expected.iter().chain(more.iter()).copied().collect();
    let run = cpts(&args(&all));
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn check_statuses_in_any_order_and_limits_that_are_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = Data::fixture();
    data.analyze_with(&d.join("a"), &["--statuses", "projet,signataire_aci"]);
    data.analyze_with(&d.join("b"), &["--statuses", "signataire_aci,projet"]);
    assert_eq!(check(&d.join("a"), &d.join("b"), d).code, 0);
    data.analyze(&d.join("all"));
    let run = check(&d.join("a"), &d.join("all"), d);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("count different statuses"),
        "{}",
        run.stderr
    );
    for bad in ["NaN", "-1"] {
        let flag = format!("--population-tolerance={bad}");
        let run = cpts(&[
            p("check"),
            p("--baseline"),
            &d.join("a"),
            p("--current"),
            &d.join("b"),
            p(&flag),
        ]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(
            run.stderr.contains("population_tolerance") && run.stderr.contains("is not a limit"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn diff_tables_keep_their_header_and_the_fields_of_diff_json() {
    // No change at all: every table still has its header row, the fields of diff.json.
    let dir = tempfile::tempdir().unwrap();
    let f = common::root().join("fixtures");
    let out = dir.path().join("diff");
    let run = cpts(&[
        p("diff"),
        p("-q"),
        p("--communes"),
        &f.join("communes-22.geojson"),
        p("--before"),
        &f.join("cpts-22.csv"),
        p("--after"),
        &f.join("cpts-22.csv"),
        p("--out"),
        &out,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = common::read_json(&out.join("diff.json"));
    assert_eq!(report["communes"].as_array().unwrap().len(), 0);
    let header = |name: &str| {
        std::fs::read_to_string(out.join(name))
            .unwrap()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        header("diff_communes.csv"),
        cpts_coverage::report::diff::COMMUNE_COLUMNS.join(";")
    );
    assert_eq!(
        header("diff_cpts.csv"),
        cpts_coverage::report::diff::CPTS_COLUMNS.join(";")
    );
    let row = &report["departements"][0];
    let keys: Vec<&str> = row
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(header("diff_departements.csv"), keys.join(";"));
    // The commune and CPTS columns are the fields those rows have in diff.json.
    let moved = dir.path().join("moved");
    let table = std::fs::read_to_string(f.join("cpts-22.csv")).unwrap();
    let kept: Vec<&str> = table
        .lines()
        .filter(|l| !l.starts_with("CPTS-22-06"))
        .collect();
    std::fs::write(dir.path().join("after.csv"), kept.join("\n") + "\n").unwrap();
    let run = cpts(&[
        p("diff"),
        p("-q"),
        p("--communes"),
        &f.join("communes-22.geojson"),
        p("--before"),
        &f.join("cpts-22.csv"),
        p("--after"),
        &dir.path().join("after.csv"),
        p("--out"),
        &moved,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = common::read_json(&moved.join("diff.json"));
    for (list, columns) in [
        (
            "communes",
            &cpts_coverage::report::diff::COMMUNE_COLUMNS[..],
        ),
        ("cpts", &cpts_coverage::report::diff::CPTS_COLUMNS[..]),
    ] {
        let keys: Vec<&str> = report[list][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, columns, "{list}");
    }
}
