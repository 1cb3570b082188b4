//! Perimeter files as ARS teams keep them (fixtures/quirks/, drawn by hand): each quirk
//! runs with at most the documented flags and gives the figures worked out here by hand.
//!
//! The communes are five 0.01° squares side by side in the Côtes-d'Armor, west to east:
//! La Garde 1 000 inhabitants, Le Vieux-Bourg 2 000, Saint-Aubin 3 000, L'Hermitage
//! 4 000, Plouha 5 000: 15 000 in all.

mod common;

use common::{analyze_into, read_json, root, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const TOTAL: f64 = 15_000.0;

fn quirk(name: &str) -> PathBuf {
    root().join("fixtures/quirks").join(name)
}

/// Runs `cpts analyze` on the quirk communes and `perimeters`, writing into `out`.
fn analyze(perimeters: &Path, out: &Path, extra: &[&str]) -> Run {
    analyze_into(&quirk("communes.geojson"), perimeters, out, extra)
}

/// Runs and returns the summary, failing on any error.
fn summary(perimeters: &Path, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(perimeters, &dir.path().join("out"), extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_json(&dir.path().join("out/summary.json"))
}

/// Runs, expecting bad input: exit 2 and every fragment in the message.
fn fails_with(perimeters: &Path, extra: &[&str], fragments: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(perimeters, &dir.path().join("out"), extra);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for fragment in fragments {
        assert!(
            run.stderr.contains(fragment),
            "{fragment:?} not in:\n{}",
            run.stderr
        );
    }
    assert!(!dir.path().join("out").exists());
}

fn close(actual: &Value, expected: f64, tolerance: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} instead of {expected}"
    );
}

/// The first item of the summary's `list` whose `key` is `value`.
fn item<'a>(s: &'a Value, list: &str, key: &str, value: &str) -> &'a Value {
    s[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value} in {}", s[list]))
}

fn cpts_row<'a>(s: &'a Value, id: &str) -> &'a Value {
    item(s, "cpts", "id", id)
}

/// The (kind, count) of each assumption, in order.
fn assumption_kinds(s: &Value) -> Vec<(String, u64)> {
    s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn assumption_text<'a>(s: &'a Value, kind: &str) -> &'a str {
    item(s, "assumptions", "kind", kind)["text"]
        .as_str()
        .unwrap()
}

fn kinds(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn a_name_only_layer_with_a_white_zone_feature_runs_with_one_flag() {
    let layer = quirk("cpts-names-only.geojson");
    // The third feature draws the white zone: never a CPTS by accident.
    fails_with(
        &layer,
        &[],
        &[
            "feature 2",
            "\"HORS CPTS\" reads as territory in no CPTS",
            "--exclude-where \"nom_cpts=HORS CPTS\"",
        ],
    );
    let s = summary(&layer, &["--exclude-where", "nom_cpts=HORS CPTS"]);
    // Goëlo holds La Garde and Le Vieux-Bourg, Trégor Ouest Saint-Aubin: 6 000 of 15 000.
    close(&s["coverage_rate"], 6_000.0 / TOTAL, 1e-9);
    close(&s["white_zone_population"], 9_000.0, 1e-6);
    assert_eq!(s["white_zone_count"], 1);
    assert_eq!(s["overlap_count"], 0);
    let goelo = cpts_row(&s, "CPTS du Goëlo");
    close(&goelo["population"], 3_000.0, 1e-6);
    assert_eq!(goelo["statut"], "signataire_aci");
    assert_eq!(goelo["partial"], false);
    // Trégor Ouest is drawn three communes high: two thirds lie north of the communes.
    let tregor = cpts_row(&s, "CPTS Trégor Ouest");
    close(&tregor["population"], 3_000.0, 1e-6);
    assert_eq!(tregor["partial"], true);
    assert_eq!(tregor["tier"], 1);
    assert_eq!(
        assumption_kinds(&s),
        kinds(&[
            ("crs", 1),
            ("column", 1),
            ("excluded", 1),
            ("id_from_name", 2),
            ("default_status", 2),
            ("partial", 1),
        ])
    );
    assert!(assumption_text(&s, "crs").contains("urn:ogc:def:crs:OGC:1.3:CRS84"));
    assert!(assumption_text(&s, "column").contains("`nom_cpts`"));
    assert!(assumption_text(&s, "partial").contains("CPTS Trégor Ouest"));
    let perimeters = &s["sources"][1];
    assert_eq!(perimeters["role"], "perimeters");
    assert_eq!(perimeters["file"], "cpts-names-only.geojson");
    assert!(perimeters["crs"].as_str().unwrap().contains("CRS84"));
    // Without a status column, --default-status says which status they all have.
    let s = summary(
        &layer,
        &[
            "--exclude-where",
            "NOM_CPTS=hors cpts",
            "--default-status",
            "projet",
        ],
    );
    close(&s["by_status"][0]["coverage_rate"], 0.0, 1e-12);
    close(&s["by_status"][1]["coverage_rate"], 6_000.0 / TOTAL, 1e-9);
    assert!(assumption_text(&s, "default_status").contains("2 CPTS taken as projet"));
}

#[test]
fn a_legacy_lambert93_crs_member_is_reprojected() {
    use cpts_coverage::geometry::projection::{to_projected, Zone};
    use geo::{Coord, LineString, MultiPolygon, Polygon};
    let layer: Value =
        serde_json::from_str(&std::fs::read_to_string(quirk("cpts-names-only.geojson")).unwrap())
            .unwrap();
    let mut features = layer["features"].as_array().unwrap().clone();
    for f in &mut features {
        let ring: Vec<Coord<f64>> = f["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| Coord {
                x: p[0].as_f64().unwrap(),
                y: p[1].as_f64().unwrap(),
            })
            .collect();
        let shape = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
        let projected = to_projected(Zone::Metropole, &shape).unwrap();
        let xy: Vec<[f64; 2]> = projected.0[0]
            .exterior()
            .0
            .iter()
            .map(|c| [c.x, c.y])
            .collect();
        f["geometry"]["coordinates"] = json!([xy]);
    }
    let lambert = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": features,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cpts-l93.geojson");
    std::fs::write(&path, lambert.to_string()).unwrap();
    let projected = summary(&path, &["--exclude-where", "nom_cpts=HORS CPTS"]);
    let wgs84 = summary(
        &quirk("cpts-names-only.geojson"),
        &["--exclude-where", "nom_cpts=HORS CPTS"],
    );
    close(
        &projected["coverage_rate"],
        wgs84["coverage_rate"].as_f64().unwrap(),
        1e-6,
    );
    close(&projected["coverage_rate"], 6_000.0 / TOTAL, 1e-6);
    assert!(assumption_text(&projected, "crs").contains("EPSG:2154"));
    assert!(projected["sources"][1]["crs"]
        .as_str()
        .unwrap()
        .starts_with("EPSG:2154"));
}

/// The figures both spreadsheet listings give.
fn check_listing(s: &Value) {
    // Goëlo (ACI signé): La Garde + Le Vieux-Bourg; Trégor Ouest (lettre d'intention):
    // Saint-Aubin + L'Hermitage, and Morlaix (29), outside the communes given.
    close(&s["coverage_rate"], 10_000.0 / TOTAL, 1e-9);
    close(&s["by_status"][0]["covered_population"], 3_000.0, 1e-9);
    close(&s["by_status"][2]["covered_population"], 7_000.0, 1e-9);
    close(&s["white_zone_population"], 5_000.0, 1e-9);
    assert_eq!(s["mode"], "membership");
    let goelo = cpts_row(s, "CPTS du Goëlo");
    assert_eq!(goelo["statut"], "signataire_aci");
    close(&goelo["population"], 3_000.0, 1e-9);
    assert_eq!(goelo["partial"], false);
    let tregor = cpts_row(s, "CPTS Trégor Ouest");
    assert_eq!(tregor["statut"], "pre_projet");
    close(&tregor["population"], 7_000.0, 1e-9);
    assert_eq!(tregor["partial"], true);
    let loose = assumption_text(s, "loose_name");
    for matched in [
        "Garde → La Garde (22901)",
        "Vieux Bourg → Le Vieux-Bourg (22902)",
        "St-Aubin → Saint-Aubin (22903)",
        "Hermitage → L'Hermitage (22904)",
    ] {
        assert!(loose.contains(matched), "{matched} not in {loose}");
    }
    assert!(assumption_text(s, "outside_territory").contains("Morlaix (29)"));
    assert!(assumption_text(s, "status_label").contains("\"ACI signé\" read as signataire_aci"));
}

#[test]
fn an_xlsx_listing_with_french_labels_and_names_without_articles() {
    let s = summary(&quirk("cpts-listing.xlsx"), &[]);
    check_listing(&s);
    assert_eq!(
        assumption_kinds(&s),
        kinds(&[
            ("sheet", 1),
            ("column", 1),
            ("column", 1),
            ("id_from_name", 2),
            ("status_label", 1),
            ("status_label", 1),
            ("loose_name", 4),
            ("outside_territory", 1),
            ("partial", 1),
        ])
    );
    assert_eq!(s["sources"][1]["format"], "xlsx");
    // Naming the sheet states nothing more; a wrong name lists the sheets.
    let s = summary(&quirk("cpts-listing.xlsx"), &["--sheet", "CPTS"]);
    check_listing(&s);
    assert!(!assumption_kinds(&s).iter().any(|(k, _)| k == "sheet"));
    fails_with(
        &quirk("cpts-listing.xlsx"),
        &["--sheet", "Feuil1"],
        &[
            "sheet \"Feuil1\"",
            "no such sheet (sheets: CPTS, Notes)",
            "--sheet",
        ],
    );
}

#[test]
fn an_ods_listing_reads_as_the_xlsx_one() {
    let s = summary(&quirk("cpts-listing.ods"), &[]);
    check_listing(&s);
    assert_eq!(s["sources"][1]["format"], "ods");
}

#[test]
fn a_commune_split_between_cpts_is_shared_by_area_without_overlap() {
    // Saint-Aubin (3 000) cut along its middle meridian between two CPTS, as IRIS
    // contours cut Nice. The halves run past the commune north and south, so that the
    // bend of its straight lon/lat edges once projected cannot leave a sliver.
    let half = |west: f64, name: &str| {
        json!({"type": "Feature", "properties": {"nom": name},
               "geometry": {"type": "Polygon", "coordinates": [[
                   [west, 48.499], [west + 0.005, 48.499], [west + 0.005, 48.511],
                   [west, 48.511], [west, 48.499]]]}})
    };
    let layer = json!({"type": "FeatureCollection",
                       "features": [half(-2.78, "Ouest"), half(-2.775, "Est")]});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("halves.geojson");
    std::fs::write(&path, layer.to_string()).unwrap();
    let s = summary(&path, &[]);
    assert_eq!(s["overlap_count"], 0);
    close(&s["covered_population"], 3_000.0, 1e-6);
    // Each half holds half the area, hence half the people (meridians are straight in
    // Lambert-93; the two halves differ by the convergence of meridians: well under
    // one inhabitant).
    close(&cpts_row(&s, "Ouest")["population"], 1_500.0, 0.5);
    close(&cpts_row(&s, "Est")["population"], 1_500.0, 0.5);
}

/// Writes a membership table into a fresh directory.
fn table(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn a_commune_listed_by_two_cpts_is_an_overlap_and_says_why() {
    let (_dir, path) = table(
        "listing.csv",
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22901\nA;CPTS A;projet;22902\n\
         B;CPTS B;projet;22902\nB;CPTS B;projet;22903\n",
    );
    let s = summary(&path, &[]);
    assert_eq!(s["overlap_count"], 1);
    close(&s["overlap_population"], 2_000.0, 1e-9);
    let text = assumption_text(&s, "shared_commune");
    assert!(text.contains("22902 (2 CPTS)"), "{text}");
    assert!(text.contains("give polygon perimeters"), "{text}");
}

#[test]
fn unknown_status_labels_are_all_listed_and_a_status_map_resolves_them() {
    let (dir, path) = table(
        "listing.csv",
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;ACI signé;22901\nB;CPTS B;Dissoute;22902\n\
         C;CPTS C;En pause;22903\nB;CPTS B;Dissoute;22904\n",
    );
    fails_with(
        &path,
        &[],
        &[
            "unknown status labels: \"Dissoute\" (line 3, line 5), \"En pause\" (line 4)",
            "labels understood: \"ACI signé\" → signataire_aci",
            "--status-map",
        ],
    );
    let map = dir.path().join("statuts.csv");
    std::fs::write(
        &map,
        "label;statut\nACI signé;signataire_aci\nDissoute;pre_projet\nen pause;projet\n",
    )
    .unwrap();
    let s = summary(&path, &["--status-map", map.to_str().unwrap()]);
    assert_eq!(cpts_row(&s, "B")["statut"], "pre_projet");
    assert_eq!(cpts_row(&s, "C")["statut"], "projet");
    close(&s["by_status"][2]["covered_population"], 6_000.0, 1e-9);
    // A status map is checked like any input.
    std::fs::write(&map, "Dissoute;fermée\n").unwrap();
    fails_with(
        &path,
        &["--status-map", map.to_str().unwrap()],
        &["statuts.csv", "line 1", "unknown status `fermée`"],
    );
}

#[test]
fn column_errors_name_the_columns_and_the_flag() {
    let (_dir, path) = table("listing.csv", "code_insee;population\n22901;3\n");
    fails_with(
        &path,
        &[],
        &[
            "no column names the CPTS (columns: code_insee, population)",
            "--cpts-name-field",
        ],
    );
    fails_with(
        &quirk("cpts-names-only.geojson"),
        &["--cpts-name-field", "libelle"],
        &["no column `libelle` given with --cpts-name-field (columns: nom_cpts)"],
    );
    fails_with(
        &quirk("cpts-names-only.geojson"),
        &["--exclude-where", "type=blanche"],
        &[
            "--exclude-where names the column `type`",
            "(columns: nom_cpts)",
        ],
    );
    let (_dir, path) = table("listing.csv", "cpts;commune\nCPTS A;La Garde\n");
    fails_with(
        &path,
        &[],
        &[
            "no column gives the communes (columns: cpts, commune)",
            "nom_commune and departement",
        ],
    );
}

#[test]
fn a_white_zone_listed_as_a_cpts_in_a_table_is_refused() {
    let (_dir, path) = table(
        "listing.csv",
        "cpts_nom;code_insee\nCPTS A;22901\nZone blanche du Goëlo;22905\n",
    );
    fails_with(
        &path,
        &[],
        &[
            "line 3",
            "\"Zone blanche du Goëlo\" reads as territory in no CPTS",
            "--exclude-where \"cpts_nom=Zone blanche du Goëlo\"",
        ],
    );
    let s = summary(
        &path,
        &["--exclude-where", "cpts_nom=zone blanche du goelo"],
    );
    close(&s["covered_population"], 1_000.0, 1e-9);
    assert!(assumption_text(&s, "excluded").contains("1 row(s)"));
}

#[test]
fn two_features_with_one_name_are_named_both() {
    let layer = std::fs::read_to_string(quirk("cpts-names-only.geojson"))
        .unwrap()
        .replace("CPTS Trégor Ouest", "CPTS du Goëlo");
    let (_dir, path) = table("layer.geojson", &layer);
    fails_with(
        &path,
        &["--exclude-where", "nom_cpts=HORS CPTS"],
        &[
            "features 0 and 1",
            "the CPTS id \"CPTS du Goëlo\" appears twice",
        ],
    );
}

#[test]
fn ambiguous_and_unknown_commune_names_list_the_candidates() {
    let (_dir, path) = table(
        "listing.csv",
        "cpts_nom;nom_commune;departement\nCPTS A;Gardes;22\nCPTS A;Plouhaa;22\n",
    );
    fails_with(
        &path,
        &[],
        &[
            "commune names found in no commune of their département",
            "Gardes in 22 (line 2; closest: La Garde (22901)",
            "Plouhaa in 22 (line 3; closest: Plouha (22905)",
        ],
    );
    // Two communes whose names fold to the same key.
    let mut communes = read_json(&quirk("communes.geojson"));
    communes["features"][1]["properties"]["nom"] = json!("Saint-Aubin");
    communes["features"][2]["properties"]["nom"] = json!("St Aubin");
    let dir = tempfile::tempdir().unwrap();
    let communes_path = dir.path().join("communes.geojson");
    std::fs::write(&communes_path, communes.to_string()).unwrap();
    let listing = dir.path().join("listing.csv");
    std::fs::write(
        &listing,
        "cpts_nom;nom_commune;departement\nCPTS A;saint aubin;22\n",
    )
    .unwrap();
    let run = analyze_into(&communes_path, &listing, &dir.path().join("out"), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("saint aubin (line 2) could be Saint-Aubin (22902), St Aubin (22903)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_crs_member_this_tool_cannot_read_is_an_error() {
    let layer = std::fs::read_to_string(quirk("cpts-names-only.geojson"))
        .unwrap()
        .replace(
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:x-local:lambert-maison",
        );
    let (_dir, path) = table("layer.geojson", &layer);
    fails_with(
        &path,
        &["--exclude-where", "nom_cpts=HORS CPTS"],
        &[
            "the `crs` member",
            "is not one this tool reads",
            "RFC7946=YES",
        ],
    );
}

#[test]
fn the_real_alpes_maritimes_export_runs_as_published() {
    // The planner's QGIS export (name column only, "HORS CPTS" feature, legacy crs
    // member, IRIS contours) gives the peer's figures for its cleaned form, under the
    // area rule alone as the peer computed them.
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = data.join("real06");
    let out = tempfile::tempdir().unwrap();
    let run = analyze_into(
        &dir.join("communes_paca.geojson"),
        &dir.join("cpts06_raw.geojson"),
        &out.path().join("out"),
        &["--exclude-where", "nom_cpts=HORS CPTS", "--gap-width", "0"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = read_json(&out.path().join("out/summary.json"));
    let peer = read_json(&dir.join("expected-polygon/summary.json"));
    let differences = common::peer_differences(&s, &peer);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // Its perimeters lie over PACA's communes: the coast drawn on IRIS contours leaves
    // at most 1.2 % of a perimeter outside, so none is partial.
    assert!(s["cpts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["partial"] == false));
    assert_eq!(
        assumption_kinds(&s),
        kinds(&[
            ("crs", 1),
            ("column", 1),
            ("excluded", 1),
            ("id_from_name", 16),
            ("default_status", 16),
        ])
    );
}

#[test]
fn a_windows_1252_table_is_read_and_said_so() {
    // "CPTS du Goëlo" saved by a spreadsheet in Windows-1252: ë is the byte 0xEB.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("listing.csv");
    let mut bytes = b"cpts_nom;statut;code_insee\nCPTS du Go".to_vec();
    bytes.push(0xEB);
    bytes.extend_from_slice(b"lo;ACI sign");
    bytes.push(0xE9);
    bytes.extend_from_slice(b";22901\n");
    std::fs::write(&path, bytes).unwrap();
    let s = summary(&path, &[]);
    assert_eq!(cpts_row(&s, "CPTS du Goëlo")["statut"], "signataire_aci");
    close(&s["covered_population"], 1_000.0, 1e-9);
    assert!(assumption_text(&s, "encoding").contains("Windows-1252"));
}

#[test]
fn blank_rows_are_named() {
    let (_dir, path) = table("listing.csv", "cpts_id;cpts_nom;code_insee\n;;22901\n");
    fails_with(&path, &[], &["line 2", "neither an id nor a name"]);
    let (_dir, path) = table(
        "listing.csv",
        "cpts_nom;nom_commune;departement\nCPTS A;;22\n",
    );
    fails_with(
        &path,
        &[],
        &["line 2", "the commune name or its département is blank"],
    );
}

#[test]
fn the_markdown_report_states_the_assumptions_within_sixty_lines() {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(&quirk("cpts-listing.xlsx"), &dir.path().join("out"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let s = read_json(&dir.path().join("out/summary.json"));
    for a in s["assumptions"].as_array().unwrap() {
        let text = a["text_fr"].as_str().unwrap();
        assert!(report.contains(text), "{text} not in the report:\n{report}");
    }
    assert!(report.contains(
        "| couverte (signataire ACI, projet de santé validé, pré-projet) | 10 000 (66,7 %) |"
    ));
    assert!(report.contains("| CPTS partielles (hors communes fournies) | 1 |"));
    let modified = s["sources"][1]["modified"].as_str().expect("a date");
    assert!(
        report.contains(&format!(
            "- périmètres : cpts-listing.xlsx (xlsx, {modified})"
        )),
        "{report}"
    );
    // Forty CPTS with forty labels of their own: more assumptions than the report
    // holds; it stops at sixty lines and sends the reader to summary.json.
    let mut listing = String::from("cpts_nom;statut;code_insee\n");
    let mut map = String::new();
    for k in 0..40 {
        listing.push_str(&format!("CPTS {k};étape {k};2290{}\n", k % 5 + 1));
        map.push_str(&format!("étape {k};projet\n"));
    }
    let (tables, path) = table("listing.csv", &listing);
    let map_path = tables.path().join("map.csv");
    std::fs::write(&map_path, map).unwrap();
    let run = analyze(
        &path,
        &dir.path().join("out"),
        &["--status-map", map_path.to_str().unwrap(), "--force"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let lines = report.lines().count();
    assert!(lines <= 60, "{lines} lines:\n{report}");
    assert!(report.contains("autres (summary.json)"), "{report}");
}

#[test]
fn old_codes_are_harmonised_with_a_passage_table() {
    // 22950 and 22951 were merged into La Garde (22901), 22960 into 22950 first: a merge
    // of merges. The listing written with the old codes covers what the current one does.
    let (dir, path) = table(
        "listing.csv",
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22950\nA;CPTS A;projet;22960\n\
         A;CPTS A;projet;22902\nB;CPTS B;projet;22970\n",
    );
    fails_with(
        &path,
        &[],
        &[
            "22950 (line 2), 22960 (line 3), 22970 (line 5)",
            "--code-passage FILE",
        ],
    );
    let passage = dir.path().join("passage.csv");
    std::fs::write(
        &passage,
        "ancien_code;nouveau_code\n22950;22901\n22951;22901\n22960;22950\n22970;22905\n",
    )
    .unwrap();
    let s = summary(&path, &["--code-passage", passage.to_str().unwrap()]);
    close(&cpts_row(&s, "A")["population"], 3_000.0, 1e-9);
    close(&cpts_row(&s, "B")["population"], 5_000.0, 1e-9);
    close(&s["covered_population"], 8_000.0, 1e-9);
    assert_eq!(
        assumption_text(&s, "harmonised_code"),
        "perimeters: codes of merged communes mapped to the current ones (passage.csv): 22950 → 22901, 22960 → 22901, 22970 → 22905"
    );
    assert_eq!(
        item(&s, "assumptions", "kind", "harmonised_code")["count"],
        3
    );
}

/// A spreadsheet of the listing made by scripts/make_sparse_xlsx.py (`stray` or
/// `scattered`), `file` naming it with its extension.
fn sparse_sheet(dir: &Path, file: &str, kind: &str) -> PathBuf {
    let path = dir.join(file);
    let made = std::process::Command::new("python3")
        .arg(root().join("scripts/make_sparse_xlsx.py"))
        .arg(&path)
        .arg(kind)
        .status()
        .unwrap();
    assert!(made.success());
    path
}

#[test]
fn a_stray_far_cell_in_an_xlsx_is_read_without_building_the_whole_sheet() {
    // One cell at XFD1048576: calamine's Range would ask for 549 GB and abort.
    let dir = tempfile::tempdir().unwrap();
    let stray = sparse_sheet(dir.path(), "stray.xlsx", "stray");
    assert!(std::fs::metadata(&stray).unwrap().len() < 3_000);
    let start = std::time::Instant::now();
    fails_with(
        &stray,
        &[],
        &[
            "stray.xlsx",
            "sheet CPTS, row 1048576: neither an id nor a name",
            "fill in the CPTS id or name, or drop the row",
        ],
    );
    assert!(start.elapsed().as_secs_f64() < 1.0, "{:?}", start.elapsed());
    // Cells scattered so that the rows between them would be wide: refused, not built.
    let scattered = sparse_sheet(dir.path(), "scattered.xlsx", "scattered");
    let start = std::time::Instant::now();
    fails_with(
        &scattered,
        &[],
        &[
            "scattered.xlsx: sheet CPTS: 16400 cells are scattered over 16388 rows and 16384 columns (up to XFD16393)",
            "too sparse to be a table",
            "copy the table alone into a new sheet",
        ],
    );
    assert!(start.elapsed().as_secs_f64() < 1.0, "{:?}", start.elapsed());
}

#[test]
fn a_stray_far_cell_in_an_ods_is_refused_before_the_sheet_is_built() {
    // 1 KB of repeated empty rows and columns before one cell: calamine builds the
    // 90 million cells between when it opens the workbook (5.6 GB).
    let dir = tempfile::tempdir().unwrap();
    let stray = sparse_sheet(dir.path(), "stray.ods", "stray");
    assert!(std::fs::metadata(&stray).unwrap().len() < 3_000);
    fails_with(
        &stray,
        &[],
        &[
            "stray.ods: sheet CPTS: the sheet holds more than",
            "a compressed bomb?",
            "save the table again from LibreOffice or Excel, or as CSV",
        ],
    );
}

#[test]
fn a_title_line_with_commas_above_a_membership_header_is_skipped() {
    // The separator was guessed from the first line, so the title was the header.
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("cpts.csv");
    std::fs::write(
        &table,
        "Liste des CPTS, ARS Bretagne, mise à jour du 3 mars 2024\n\
         cpts_id;cpts_nom;statut;code_insee\n\
         A;CPTS A;projet;22901\nA;CPTS A;projet;22902\nB;CPTS B;signataire_aci;22904\n",
    )
    .unwrap();
    let s = summary(&table, &[]);
    close(&s["covered_population"], 7_000.0, 1e-6);
    close(&cpts_row(&s, "A")["population"], 3_000.0, 1e-6);
}

/// Writes `text` as `name` in `dir`.
fn table_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The sentences of the summary's assumptions of `kind`.
fn sentences(s: &Value, kind: &str) -> Vec<String> {
    s["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == kind)
        .map(|a| a["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn commune_code_and_cpts_name_columns_as_planners_name_them() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["CodeCommune", "N° INSEE", "Code_INSEE_commune"] {
        let table = table_file(
            dir.path(),
            "cpts.csv",
            &format!(
                "Identifiant;Nom de la CPTS;Statut;{code}\n\
                 A;CPTS du Goëlo;projet;22901\nA;CPTS du Goëlo;projet;22902\n\
                 B;CPTS Trégor;signataire_aci;22904\n"
            ),
        );
        let s = summary(&table, &[]);
        close(&s["covered_population"], 7_000.0, 1e-6);
        assert_eq!(cpts_row(&s, "A")["nom"], "CPTS du Goëlo", "{code}");
    }
    // Any other column, named with --member-code-field; a column that is not there.
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;cpts_nom;statut;Commune (code)\nA;CPTS A;projet;22901\n",
    );
    fails_with(
        &table,
        &[],
        &["no column gives the communes", "--member-code-field"],
    );
    let s = summary(&table, &["--member-code-field", "Commune (code)"]);
    close(&s["covered_population"], 1_000.0, 1e-6);
    fails_with(
        &table,
        &["--member-code-field", "INSEE"],
        &["cpts.csv", "no column `INSEE` given with --member-code-field (columns: cpts_id, cpts_nom, statut, Commune (code))"],
    );
    // Without a name column the ids name the CPTS, and that is said.
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;statut;code_insee\nA;projet;22901\n",
    );
    let s = summary(&table, &[]);
    assert_eq!(cpts_row(&s, "A")["nom"], "A");
    assert!(
        sentences(&s, "column")
            .iter()
            .any(|m| m.contains("no column names the CPTS") && m.contains("--cpts-name-field")),
        "{}",
        s["assumptions"]
    );
}

#[test]
fn a_communes_layer_given_as_perimeters_is_refused() {
    // Read as perimeters, each commune was a CPTS: "5 CPTS, 100 %" without a word.
    fails_with(
        &quirk("communes.geojson"),
        &[],
        &[
            "communes.geojson: the whole layer: this looks like a communes layer, not CPTS perimeters",
            "each of its 5 features has its own INSEE code (`code`) and a population (`population`)",
            "give the communes with --communes, and with --perimeters the CPTS",
        ],
    );
}

#[test]
fn an_abandoned_cpts_is_pointed_to_exclude_where() {
    let dir = tempfile::tempdir().unwrap();
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;cpts_nom;Statut;code_insee\nA;CPTS A;projet;22901\nB;CPTS B;Abandonnée;22902\n",
    );
    fails_with(
        &table,
        &[],
        &[
            "unknown status labels: \"Abandonnée\" (line 3)",
            "--status-map",
            "should not count as covering: drop it with --exclude-where \"Statut=Abandonnée\"",
        ],
    );
    let s = summary(&table, &["--exclude-where", "Statut=Abandonnée"]);
    close(&s["covered_population"], 1_000.0, 1e-6);
}

#[test]
fn an_unbalanced_quote_a_utf16_table_and_control_characters_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // The quote swallowed the rest of the file: "`` is not an INSEE code".
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;cpts_nom;statut;code_insee\nA;\"CPTS A;projet;22901\nA;CPTS A;projet;22902\n",
    );
    fails_with(
        &table,
        &[],
        &[
            "cpts.csv: line 2: a quote (\") opens a cell here and is not closed on the line",
            "runs over 2 lines and their `;` separators",
            "close the quote, or remove it",
        ],
    );
    // Excel's "Unicode text": UTF-16 with its byte order mark, read and said so.
    let text = "cpts_id\tcpts_nom\tstatut\tcode_insee\nA\tCPTS Goëlo\tprojet\t22901\n";
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let table = dir.path().join("unicode.txt");
    std::fs::write(&table, bytes).unwrap();
    let s = summary(&table, &[]);
    assert_eq!(cpts_row(&s, "A")["nom"], "CPTS Goëlo");
    assert_eq!(
        sentences(&s, "encoding"),
        ["perimeters: the table is UTF-16LE (its byte order mark says so)"]
    );
    // A header's escape sequences are not sent to the terminal.
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;\u{1b}[2Jnom;statut;lieu\nA;CPTS A;projet;22901\n",
    );
    let run = analyze(&table, &dir.path().join("out"), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        run.stderr
            .contains("(columns: cpts_id, \\u{1b}[2Jnom, statut, lieu)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_second_header_and_a_cpts_whose_rows_differ_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // Two tables one below the other: "Statut" was an unknown status (fix: --status-map).
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;cpts_nom;Statut;code_insee\nA;CPTS A;projet;22901\n\
         cpts_id;cpts_nom;Statut;code_insee\nB;CPTS B;projet;22902\n",
    );
    fails_with(
        &table,
        &[],
        &[
            "cpts.csv: line 3: this row repeats the header (cpts_id, cpts_nom, Statut, code_insee)",
            "remove the repeated header",
        ],
    );
    // One CPTS, two names and two statuses: the values are shown.
    let table = table_file(
        dir.path(),
        "cpts.csv",
        "cpts_id;cpts_nom;statut;code_insee\nA;CPTS A;projet;22901\nA;CPTS Argoat;pre_projet;22902\n",
    );
    fails_with(
        &table,
        &[],
        &[
            "line 3: CPTS \"A\" differs from its first row (line 2): name \"CPTS A\" there, \"CPTS Argoat\" here; status projet there, pre_projet here",
            "give each CPTS the same name, status and missions on every row",
        ],
    );
}

#[test]
fn cells_merged_down_a_cpts_s_rows_give_their_value_to_each_row() {
    // Only the first row of a merged region holds the value: the others read blank
    // ("neither an id nor a name"). A title merged across the columns stays a title.
    let dir = tempfile::tempdir().unwrap();
    let s = summary(&sparse_sheet(dir.path(), "merged.xlsx", "merged"), &[]);
    close(&s["covered_population"], 7_000.0, 1e-6);
    close(&cpts_row(&s, "A")["population"], 3_000.0, 1e-6);
    assert_eq!(
        sentences(&s, "sheet"),
        ["perimeters: merged cells A3:A4, B3:B4, C3:C4 read as their value on each of their rows"]
    );
}
