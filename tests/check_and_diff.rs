//! `cpts check` and `cpts diff` end to end: a summary checked against itself and a
//! re-run passes; removing a CPTS, adding an overlap or scaling populations by 5 % fails,
//! naming the rule and the département; `diff` lists the communes a removed CPTS held,
//! the overlaps created or removed and what a relabel changed; runs of another mode or
//! territory are refused unless allowed; a change below the precision reads `=`; the
//! Markdown speaks French unless `--lang en`.

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

/// Runs every scenario of the issue on `data`, whose CPTS `victim` lies in `departement`
/// (named `name`).
fn scenarios(data: &Data, victim: &'static str, departement: &str, name: &str) {
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
            && junit.contains(&format!("name=\"departement {departement} {name}\""))
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
            "<testcase classname=\"coverage_drop\" name=\"departement {departement} {name}\"><failure"
        )),
        "{junit}"
    );
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    assert!(
        md.contains(&format!(
            "| `coverage_drop` | département {departement} {name} |"
        )),
        "{md}"
    );
    // An overlap added.
    let out = d.join("overlap");
    data.with_perimeters(d, duplicate(victim)).analyze(&out);
    let run = check(&base, &out, d);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let victim_name = common::read_json(&base.join("summary.json"))["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == victim)
        .unwrap()["nom"]
        .as_str()
        .unwrap()
        .to_string();
    let (named, copy) = (
        format!("{victim} ({victim_name})"),
        format!("CPTS-COPY ({victim_name})"),
    );
    let pair = if victim < "CPTS-COPY" {
        format!("{named} × {copy}")
    } else {
        format!("{copy} × {named}")
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
    scenarios(&Data::fixture(), "CPTS-22-01", "22", "Côtes-d'Armor");
}

#[test]
fn check_scenarios_on_world1() {
    let Some(data) = Data::world1() else { return };
    scenarios(&data, "CPTS-22-0107", "22", "Côtes-d'Armor");
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
        run.stdout.contains(&format!(
            "| {victim} (CPTS du Centre Bretagne) | supprimée |"
        )),
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
        run.stdout
            .contains("CPTS-22-05 (CPTS du Centre Bretagne) taille 1 → 2"),
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
        names(&cpts_coverage::report::diff::COMMUNE_COLUMNS).join(",")
    );
    assert_eq!(
        header("diff_cpts.csv"),
        names(&cpts_coverage::report::diff::CPTS_COLUMNS).join(",")
    );
    let row = &report["departements"][0];
    let keys: Vec<&str> = row
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(header("diff_departements.csv"), keys.join(","));
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
            names(&cpts_coverage::report::diff::COMMUNE_COLUMNS),
        ),
        ("cpts", names(&cpts_coverage::report::diff::CPTS_COLUMNS)),
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

/// The names of a table's columns.
fn names(columns: &[(&'static str, cpts_coverage::write::tables::Format)]) -> Vec<&'static str> {
    columns.iter().map(|c| c.0).collect()
}

/// A world of four communes of Allier in a row, 0.1° wide near 3°E 46.5°N: 03001 to
/// 03004, with 1 000, 2 000, 3 000 and 4 000 inhabitants.
struct Small {
    dir: tempfile::TempDir,
}

impl Small {
    fn new() -> Small {
        let small = Small {
            dir: tempfile::tempdir().unwrap(),
        };
        let communes: Vec<Value> = (1..=4)
            .map(|k| {
                let west = 3.0 + 0.1 * (k - 1) as f64;
                feature(
                    serde_json::json!({"code": format!("0300{k}"), "nom": format!("Commune {k}"),
                        "population": 1000 * k, "departement": "03", "region": "84"}),
                    west,
                    west + 0.1,
                )
            })
            .collect();
        write_layer(&small.path("communes.geojson"), communes);
        small
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `name`: CPTS Alpha over 03001 and 03002 with `alpha_status`, CPTS Bêta (signed)
    /// from `beta_west` to `beta_east`.
    fn perimeters(&self, name: &str, alpha_status: &str, beta_west: f64, beta_east: f64) -> Data {
        let cpts = |id: &str, nom: &str, statut: &str| serde_json::json!({"id": id, "nom": nom, "statut": statut});
        let features = vec![
            feature(cpts("CPTS-A", "CPTS Alpha", alpha_status), 3.0, 3.2),
            feature(
                cpts("CPTS-B", "CPTS Bêta", "signataire_aci"),
                beta_west,
                beta_east,
            ),
        ];
        write_layer(&self.path(name), features);
        self.data(name)
    }

    /// The membership table of the first perimeters: Alpha 03001 and 03002, Bêta 03003.
    fn membership(&self) -> Data {
        let rows = "cpts_id;cpts_nom;statut;code_insee\nCPTS-A;CPTS Alpha;projet;03001\n\
                    CPTS-A;CPTS Alpha;projet;03002\nCPTS-B;CPTS Bêta;signataire_aci;03003\n";
        std::fs::write(self.path("cpts.csv"), rows).unwrap();
        self.data("cpts.csv")
    }

    fn data(&self, perimeters: &str) -> Data {
        Data {
            communes: self.path("communes.geojson"),
            perimeters: self.path(perimeters),
            arrondissements: None,
        }
    }

    /// `cpts diff` from `before` to `after` into `out`, with `extra` arguments.
    fn diff(&self, before: &Data, after: &Data, out: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            p("diff"),
            p("--communes"),
            &before.communes,
            p("--before"),
            &before.perimeters,
            p("--after"),
            &after.perimeters,
            p("--out"),
        ];
        let out = self.path(out);
        args.push(&out);
        args.extend(extra.iter().map(|x| p(x)));
        cpts(&args)
    }
}

/// A feature over the band of longitudes `west` to `east`, 46.5°N to 46.6°N.
fn feature(properties: Value, west: f64, east: f64) -> Value {
    let ring = serde_json::json!([
        [west, 46.5],
        [east, 46.5],
        [east, 46.6],
        [west, 46.6],
        [west, 46.5]
    ]);
    serde_json::json!({"type": "Feature", "properties": properties,
        "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]}})
}

fn write_layer(path: &Path, features: Vec<Value>) {
    let layer = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(path, layer.to_string()).unwrap();
}

/// Whether `text` shows a zero with a sign and two decimals (`-0.00`, `−0,00`, `+0.00`)
/// not followed by a further digit.
fn signed_zero(text: &str) -> bool {
    ["-0.00", "-0,00", "−0.00", "−0,00", "+0.00", "+0,00"]
        .iter()
        .any(|z| {
            text.match_indices(z).any(|(i, _)| {
                !text[i + z.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            })
        })
}

#[test]
fn diff_names_the_overlaps_created_and_removed_and_what_a_relabel_changed() {
    // Bêta grows over the eastern half of 03002 (1 000 inhabitants), which Alpha holds:
    // an overlap is created; Alpha, its population unchanged, goes from projet to
    // signataire_aci.
    let world = Small::new();
    let before = world.perimeters("before.geojson", "projet", 3.2, 3.3);
    let after = world.perimeters("after.geojson", "signataire_aci", 3.15, 3.3);
    let run = world.diff(&before, &after, "diff", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(world.path("diff/diff.md")).unwrap();
    assert_eq!(run.stdout.lines().next(), md.lines().next());
    assert!(
        md.contains("| CPTS-A (CPTS Alpha) | CPTS-B (CPTS Bêta) | apparu | 1 000 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| CPTS-A (CPTS Alpha) | statut ou nom changé | 3 000 → 3 000 | 1 → 1 | \
             287 500 € → 287 500 € | statut projet → signataire_aci |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| CPTS-B (CPTS Bêta) | agrandie | 3 000 → 4 000 |"),
        "{md}"
    );
    // Coverage stays 60 %: 6 000 of 10 000 inhabitants.
    assert!(
        md.starts_with("## Couverture 60,00 % → 60,00 % (=)"),
        "{md}"
    );
    let json = common::read_json(&world.path("diff/diff.json"));
    let overlap = &json["overlaps"][0];
    assert_eq!(json["overlaps"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&overlap["cpts_a"], &overlap["nom_b"], &overlap["change"]),
        (&"CPTS-A".into(), &"CPTS Bêta".into(), &"created".into())
    );
    // Half of 03002 by area once projected: 1 000 inhabitants to a fraction of one.
    assert!(
        (overlap["population"].as_f64().unwrap() - 1000.0).abs() < 0.5,
        "{overlap}"
    );
    let csv = std::fs::read_to_string(world.path("diff/diff_overlaps.csv")).unwrap();
    let types = std::fs::read_to_string(world.path("diff/diff_overlaps.csvt")).unwrap();
    assert_eq!(
        types,
        "\"String\",\"String\",\"String\",\"String\",\"String\",\"Real\",\"Real\"\n"
    );
    assert!(
        csv.starts_with("cpts_a,nom_a,cpts_b,nom_b,change,population,area_km2\nCPTS-A,CPTS Alpha,CPTS-B,CPTS Bêta,created,"),
        "{csv}"
    );
    // The other way, in English: the overlap is removed, the status goes back.
    let run = world.diff(&after, &before, "back", &["--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(world.path("back/diff.md")).unwrap();
    assert!(
        md.contains("| CPTS-A (CPTS Alpha) | CPTS-B (CPTS Bêta) | removed | 1,000 |"),
        "{md}"
    );
    assert!(
        md.contains("| relabelled | 3,000 → 3,000 | 1 → 1 | €287,500 → €287,500 | status signataire_aci → projet |"),
        "{md}"
    );
}

#[test]
fn a_change_of_mode_is_refused_unless_allowed_and_then_stated() {
    let world = Small::new();
    let d = world.dir.path();
    let polygons = world.perimeters("cpts.geojson", "projet", 3.2, 3.3);
    let membership = world.membership();
    polygons.analyze(&d.join("polygon"));
    membership.analyze(&d.join("membership"));
    let run = check(&d.join("polygon"), &d.join("membership"), d);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("polygon is analysed in polygon mode")
            && run.stderr.contains("membership in membership mode")
            && run.stderr.contains("--allow-mode-change"),
        "{}",
        run.stderr
    );
    assert!(!d.join("check.md").exists());
    let (polygon, membership_out, nievre) = (
        d.join("polygon"),
        d.join("membership"),
        d.join("nievre.json"),
    );
    let mut allowed = vec![
        p("check"),
        p("--baseline"),
        &polygon,
        p("--current"),
        &membership_out,
        p("--report-dir"),
        d,
        p("--allow-mode-change"),
    ];
    let run = cpts(&allowed);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("Modes differ: polygon → membership"),
        "{}",
        run.stdout
    );
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    assert!(
        md.contains("\n\nModes différents : polygon → membership"),
        "{md}"
    );
    let junit = std::fs::read_to_string(d.join("check.junit.xml")).unwrap();
    assert!(
        junit.contains("<property name=\"difference\" value=\"Modes differ: polygon → membership"),
        "{junit}"
    );
    // diff refuses the two files too, before any analysis, and states the change when allowed.
    let run = world.diff(&polygons, &membership, "diff", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cpts.geojson is analysed in polygon mode")
            && run.stderr.contains("cpts.csv in membership mode"),
        "{}",
        run.stderr
    );
    let run = world.diff(&polygons, &membership, "diff", &["--allow-mode-change"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(world.path("diff/diff.md")).unwrap();
    assert!(
        md.contains("\n\nModes différents : polygon → membership"),
        "{md}"
    );
    // Another territory: the same summary moved to Nièvre.
    let mut moved = common::read_json(&d.join("polygon/summary.json"));
    moved["territory"] = "Nièvre".into();
    moved["by_departement"][0]["departement"] = "58".into();
    std::fs::write(d.join("nievre.json"), moved.to_string()).unwrap();
    let run = check(&d.join("polygon"), &d.join("nievre.json"), d);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("covers Allier (03) and")
            && run.stderr.contains("nievre.json covers Nièvre (58)")
            && run.stderr.contains("--allow-territory-change"),
        "{}",
        run.stderr
    );
    allowed[4] = &nievre;
    allowed[7] = p("--allow-territory-change");
    let run = cpts(&allowed);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Territories differ: Allier (03) → Nièvre (58)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("PASSED: all 12 rules hold"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_change_below_the_precision_reads_equal() {
    // Bêta's eastern edge 0.00001° short: 0.3 of 03003's 3 000 inhabitants uncovered,
    // coverage 60 % → 59.997 %, a drop of 0.003 point.
    let world = Small::new();
    let d = world.dir.path();
    let before = world.perimeters("before.geojson", "projet", 3.2, 3.3);
    let after = world.perimeters("after.geojson", "projet", 3.2, 3.29999);
    before.analyze(&d.join("before"));
    after.analyze(&d.join("after"));
    let (before_out, after_out) = (d.join("before"), d.join("after"));
    let mut args = vec![
        p("check"),
        p("--baseline"),
        &before_out,
        p("--current"),
        &after_out,
        p("--report-dir"),
        d,
        p("--max-coverage-drop"),
        p("0.01"),
        p("--max-departement-drop"),
        p("0.01"),
    ];
    let run = cpts(&args);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    let junit = std::fs::read_to_string(d.join("check.junit.xml")).unwrap();
    for text in [&run.stdout, &md, &junit] {
        assert!(!signed_zero(text), "{text}");
    }
    assert!(
        md.contains("| taux de couverture | 60,00 % | 60,00 % | = |"),
        "{md}"
    );
    assert!(
        junit.contains("coverage 60.00 % → 60.00 % (=; a drop of at most 0.01 allowed)"),
        "{junit}"
    );
    // The département moved: by how much shows, however small.
    assert!(
        md.contains("| 03 Allier | 60,00 % | 60,00 % | -0,003 points |"),
        "{md}"
    );
    // Broken under a limit of zero: the change shows its first digit.
    args.truncate(7);
    let run = cpts(&args);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(!signed_zero(&run.stdout), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("coverage 60.00 % → 60.00 % (-0.003 points; a drop of at most 0.00 allowed)"),
        "{}",
        run.stdout
    );
    let run = world.diff(&before, &after, "diff", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(world.path("diff/diff.md")).unwrap();
    assert!(!signed_zero(&md), "{md}");
    assert!(
        md.starts_with("## Couverture 60,00 % → 60,00 % (=)"),
        "{md}"
    );
}

#[test]
fn check_md_is_in_french_unless_told_otherwise() {
    // Without Bêta, 3 000 of 10 000 inhabitants are covered: 60 % → 30 %.
    let world = Small::new();
    let d = world.dir.path();
    world
        .perimeters("before.geojson", "projet", 3.2, 3.3)
        .analyze(&d.join("before"));
    world
        .perimeters("after.geojson", "projet", 3.2, 3.3)
        .with_perimeters(d, remove("CPTS-B"))
        .analyze(&d.join("after"));
    let run = check(&d.join("before"), &d.join("after"), d);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    for line in [
        "## cpts check — ÉCHEC : 2 règles enfreintes sur 8",
        "| | référence | actuel | écart |",
        "| taux de couverture | 60,00 % | 30,00 % | -30,00 points |",
        "| population couverte | 6 000 | 3 000 | -3 000 |",
        "| `coverage_drop` | ensemble du territoire | couverture 60,00 % → 30,00 % (-30,00 points ; baisse permise : 0,00 point au plus) |",
        "| `coverage_drop` | département 03 Allier | couverture 60,00 % → 30,00 % (-30,00 points ; baisse permise : 0,00 point au plus) |",
        "- supprimée CPTS-B (CPTS Bêta)",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    let run = cpts(&[
        p("check"),
        p("--baseline"),
        &d.join("before"),
        p("--current"),
        &d.join("after"),
        p("--report-dir"),
        d,
        p("--lang"),
        p("en"),
    ]);
    assert_eq!(run.code, 1);
    let md = std::fs::read_to_string(d.join("check.md")).unwrap();
    for line in [
        "## cpts check: FAILED: 2 of 8 rules broken",
        "| covered population | 6,000 | 3,000 | -3,000 |",
        "| `coverage_drop` | departement 03 Allier | coverage 60.00 % → 30.00 % (-30.00 points; a drop of at most 0.00 allowed) |",
        "- removed CPTS-B (CPTS Bêta)",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
}
