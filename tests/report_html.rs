//! `report.html` is self-contained, holds the summary's figures, and renders in headless
//! Chromium (Debian's `chromium`, which `.ci/run` installs): the screenshot is not blank
//! and shows the map's colours, the DOM holds the expected tables.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Headless Chromium, or `None` with a message when it is not installed.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok());
    if found.is_none() {
        eprintln!("skipped: no headless Chromium (scripts/setup.sh installs Debian's chromium)");
    }
    found.map(PathBuf::from)
}

fn headless(browser: &Path, page: &Path, extra: &[&str]) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--hide-scrollbars",
            // Containers give /dev/shm little room.
            "--disable-dev-shm-usage",
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The share of the screenshot's pixels of exactly each colour asked, and the number
/// of distinct colours.
fn colours(png: &Path, wanted: &[[u8; 3]]) -> (Vec<f64>, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(png).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    assert!(step >= 3, "{:?}", info.color_type);
    let pixels: Vec<[u8; 3]> = buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let distinct: std::collections::HashSet<[u8; 3]> = pixels.iter().copied().collect();
    let shares = wanted
        .iter()
        .map(|w| pixels.iter().filter(|p| *p == w).count() as f64 / pixels.len() as f64)
        .collect();
    (shares, distinct.len())
}

/// The rows of the `<tbody>` of the table `id` in `html`.
fn body_rows(html: &str, id: &str) -> usize {
    let start = html
        .find(&format!("<table id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.matches("<tr").count()
}

/// Checks what the report says against `summary.json` and what Chromium makes of it.
fn check_report(out: &Path, browser: Option<&Path>, expect: &[&str]) {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary = read_json(&out.join("summary.json"));
    // Self-contained: nothing fetched from elsewhere.
    for external in ["<link", "src=", "@import", "url(http", "href=\"http"] {
        assert!(!html.contains(external), "report.html holds {external}");
    }
    let rate = summary["coverage_rate"].as_f64().unwrap();
    let shown = format!("{:.1} %", 100.0 * rate).replace('.', ",");
    assert!(
        html.contains(&format!("<div class=\"v\">{shown}</div>")),
        "{shown}"
    );
    let count = |key: &str| summary[key].as_array().unwrap().len();
    assert_eq!(body_rows(&html, "cpts"), count("cpts"));
    assert_eq!(body_rows(&html, "by-departement"), count("by_departement"));
    assert_eq!(body_rows(&html, "by-region"), count("by_region"));
    for text in expect {
        assert!(html.contains(text), "report.html lacks {text}");
    }
    let Some(browser) = browser else { return };
    let dom = headless(browser, &out.join("report.html"), &["--dump-dom"]);
    for id in ["by-region", "by-departement", "cpts", "tiers", "map"] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "the DOM lacks #{id}");
    }
    assert_eq!(body_rows(&dom, "cpts"), count("cpts"));
    let shot = out.join("report.png");
    headless(
        browser,
        &out.join("report.html"),
        &[
            "--window-size=1200,1400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let orange = [0xe6, 0x55, 0x0d];
    let green = [0x00, 0x6d, 0x2c];
    let (shares, distinct) = colours(&shot, &[orange, green, [255, 255, 255]]);
    assert!(distinct > 50, "{distinct} colours: a blank page?");
    assert!(
        shares[2] < 0.9,
        "{:.0} % white: a blank page?",
        100.0 * shares[2]
    );
    assert!(
        shares[0] > 0.01,
        "white zones cover {:.2} % of the screenshot",
        100.0 * shares[0]
    );
    assert!(
        shares[1] > 0.02,
        "covered communes fill {:.2} %",
        100.0 * shares[1]
    );
}

/// Runs `analyze` on the fixture with `extra` options; the run and its output directory.
fn fixture_run(extra: &[&str]) -> (tempfile::TempDir, PathBuf, Run) {
    let f = root().join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &f.join("communes-22.geojson"),
        &f.join("cpts-22.geojson"),
        &out,
        extra,
    );
    (dir, out, run)
}

#[test]
fn the_fixture_report_renders_with_its_figures_and_maps() {
    let (_dir, out, run) = fixture_run(&["--focus", "22"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_report(
        &out,
        chromium().as_deref(),
        &[
            "<html lang=\"fr\">",
            "id=\"focus-departement-22\"",
            "Département 22 Côtes-d'Armor",
            "CPTS Rance-Émeraude",
            "53 Bretagne",
        ],
    );
}

#[test]
fn the_report_speaks_english_on_request() {
    let (_dir, out, run) = fixture_run(&["--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary: Value = read_json(&out.join("summary.json"));
    let shown = format!(
        "{:.1} %",
        100.0 * summary["coverage_rate"].as_f64().unwrap()
    );
    for text in [
        "<html lang=\"en\">",
        "Coverage map",
        "White zones",
        shown.as_str(),
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(!html.contains("Zones blanches"));
}

/// Hand-drawn communes near 3°E 46.5°N, lon/lat rectangles: `(code, département,
/// [west, south, east, north])`, 1,000 inhabitants each, as GeoJSON.
fn hand_drawn_communes(communes: &[(&str, &str, [f64; 4])]) -> String {
    let features: Vec<Value> = communes
        .iter()
        .map(|(code, departement, [w, s, e, n])| {
            serde_json::json!({"type": "Feature",
                "properties": {"code": code, "nom": code, "population": 1000, "departement": departement, "region": "84"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]}})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[test]
fn a_focus_map_draws_the_white_zone_crossing_its_border() {
    // 03 holds a covered commune and an uncovered one; the uncovered commune of 58
    // beside it, twice as wide, makes one white zone centred outside 03's view.
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    let perimeters = dir.path().join("cpts.geojson");
    let covered = [3.0, 46.5, 3.1, 46.6];
    std::fs::write(
        &communes,
        hand_drawn_communes(&[
            ("03001", "03", covered),
            ("03002", "03", [3.1, 46.5, 3.2, 46.6]),
            ("58001", "58", [3.2, 46.5, 3.6, 46.6]),
        ]),
    )
    .unwrap();
    let [w, s, e, n] = covered;
    let cpts = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"id": "C1", "nom": "CPTS C1", "statut": "signataire_aci"},
        "geometry": {"type": "MultiPolygon", "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]}}]});
    std::fs::write(&perimeters, cpts.to_string()).unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(&communes, &perimeters, &out, &["--focus", "03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let zones = read_json(&out.join("white_zones.geojson"));
    assert_eq!(zones["features"].as_array().unwrap().len(), 1, "{zones}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html.find("id=\"focus-departement-03\"").unwrap();
    let focus = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        focus.contains("<path class=\"white-zones\""),
        "the focus map of 03 lacks the white zone: {focus}"
    );
    assert!(focus.contains("<path class=\"cpts-borders\""), "{focus}");
}

#[test]
fn a_focus_that_is_ambiguous_or_absent_is_refused_before_the_run() {
    let (_dir, out, run) = fixture_run(&["--focus", "75"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--focus 75: no commune of the communes layer lies in it")
            && run
                .stderr
                .contains("choose a département (22) or a region (53)"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

#[test]
fn the_national_report_renders_france_and_its_overseas_insets() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let arrondissements = data.join("france/arrondissements.geojson");
    let run = analyze_into(
        &data.join("france/communes.geojson"),
        &data.join("world1/cpts.geojson"),
        &out,
        &[
            "--arrondissements",
            arrondissements.to_str().unwrap(),
            "--focus",
            "region:53",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_report(
        &out,
        chromium().as_deref(),
        &[
            ">Guadeloupe</text>",
            ">Martinique</text>",
            ">Guyane</text>",
            ">La Réunion</text>",
            ">Mayotte</text>",
            "Région 53 Bretagne",
            "75 Paris",
        ],
    );
    // The Markdown report holds the nation in 60 lines, the most affected département first.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.lines().count() <= 60, "{} lines", md.lines().count());
    let summary = read_json(&out.join("summary.json"));
    let worst = summary["by_departement"]
        .as_array()
        .unwrap()
        .iter()
        .max_by(|a, b| {
            let p = |d: &Value| d["white_zone_population"].as_f64().unwrap();
            p(a).total_cmp(&p(b))
        })
        .unwrap();
    let code = worst["departement"].as_str().unwrap();
    let first_row = md
        .lines()
        .skip_while(|l| !l.starts_with("## Départements"))
        .find(|l| l.starts_with("| ") && !l.starts_with("| département"))
        .unwrap_or_default();
    assert!(first_row.starts_with(&format!("| {code} ")), "{first_row}");
}

/// The text a reader sees in `report.html`: scripts, styles and map drawings left out,
/// tags stripped, entities read back.
fn visible_text(html: &str) -> String {
    let mut text = html.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<svg", "</svg>"),
    ] {
        while let Some(start) = text.find(open) {
            let end = text[start..]
                .find(close)
                .map_or(text.len(), |e| start + e + close.len());
            text.replace_range(start..end, " ");
        }
    }
    let mut seen = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                seen.push(' ');
            }
            _ if !in_tag => seen.push(c),
            _ => {}
        }
    }
    let seen = seen
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace(['\u{a0}', '\u{202f}', '\n'], " ");
    seen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inputs that make the report state assumptions of several kinds: a legacy `crs`
/// member, a CPTS with no status, a commune with a population that is not whole.
fn inputs_with_assumptions(dir: &Path) -> (PathBuf, PathBuf) {
    let f = root().join("fixtures");
    let mut communes = read_json(&f.join("communes-22.geojson"));
    communes["features"][0]["properties"]["population"] = serde_json::json!(604.5);
    let mut cpts = read_json(&f.join("cpts-22.geojson"));
    cpts["crs"] = serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}});
    cpts["features"][1]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("statut");
    let (c, p) = (dir.join("communes.geojson"), dir.join("cpts.geojson"));
    std::fs::write(&c, communes.to_string()).unwrap();
    std::fs::write(&p, cpts.to_string()).unwrap();
    (c, p)
}

/// Runs `analyze` then `plan` on [`inputs_with_assumptions`] in `lang`; the text of
/// both reports, and the Markdown report of the analysis.
fn reports_in(lang: &str) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (communes, perimeters) = inputs_with_assumptions(dir.path());
    let out = dir.path().join("analyze");
    let (apl, zoning) = access_tables(dir.path());
    let run = analyze_into(
        &communes,
        &perimeters,
        &out,
        &[
            "--lang",
            lang,
            "--focus",
            "22",
            "--apl",
            apl.to_str().unwrap(),
            "--doctor-zoning",
            zoning.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let planned = dir.path().join("plan");
    let run = cpts(&[
        "plan",
        "-q",
        "--communes",
        communes.to_str().unwrap(),
        "--perimeters",
        perimeters.to_str().unwrap(),
        "--out",
        planned.to_str().unwrap(),
        "--new-cpts-min",
        "10000",
        "--lang",
        lang,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text =
        |dir: &Path| visible_text(&std::fs::read_to_string(dir.join("report.html")).unwrap());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    (text(&out), text(&planned), md)
}

/// The words of `list` found in `text`, with what surrounds each.
fn found(text: &str, list: &[&str]) -> Vec<String> {
    list.iter()
        .filter_map(|word| {
            let at = text.find(word)?;
            let start = text[..at]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i);
            let end = text[at..]
                .char_indices()
                .nth(60)
                .map_or(text.len(), |(i, _)| at + i);
            Some(format!("{word:?} in …{}…", &text[start..end]))
        })
        .collect()
}

#[test]
fn the_french_report_holds_no_english_and_the_english_report_no_french() {
    let (analysis, plan, md) = reports_in("fr");
    // The inputs did make the report state assumptions and where files come from.
    for text in [&analysis, &plan] {
        for expected in [
            "Hypothèses",
            "Fichiers lus",
            "Entrées réparées",
            "prises comme",
            "populations non entières",
            "CRS tiré de",
        ] {
            assert!(text.contains(expected), "{expected} lacks in {text}");
        }
    }
    for expected in [
        "Accès aux médecins généralistes",
        "zones blanches les plus en besoin",
    ] {
        assert!(
            analysis.contains(expected),
            "{expected} lacks in {analysis}"
        );
        assert!(md.contains(expected), "{expected} lacks in {md}");
    }
    assert!(plan.contains("Plan 100 % CPTS"), "{plan}");
    let english = [
        " the ",
        " of ",
        " and ",
        " with ",
        " from ",
        " by ",
        " read ",
        " not ",
        "population living",
        "Mode polygon,",
        "Mode membership",
        "covered",
        "white zone",
        "ssumption",
        "source:",
        "inhabitants",
        "Files read",
        "perimeters",
        "column",
        "property",
        "rows",
        "none",
        "merged",
        "taken as",
        "tier",
        "proposed",
        "Produced",
        "1 nouvelles",
        "1 zones",
        " 1 parties",
        " 0 habitants",
        "under",
        "threshold",
        "Mean",
        "doctor",
        "sheet",
        "yes",
        "Access",
        "most in need",
    ];
    for text in [&analysis, &plan, &md] {
        let left = found(text, &english);
        assert!(left.is_empty(), "English in the French report: {left:#?}");
    }
    let (analysis, plan, _) = reports_in("en");
    assert!(
        analysis.contains("Assumptions") && analysis.contains("taken as"),
        "{analysis}"
    );
    let french = [
        " habitants",
        " des ",
        " et ",
        "couverte",
        "zone blanche",
        "zones blanches",
        "aucune",
        "périmètres",
        "colonne",
        "Hypothèses",
        "Fichiers",
        "proposée",
        "taille",
        "chevauchement",
        "statut",
        " lues ",
        "Produit",
        "schéma",
        // The indicator keeps the name its file gives it (`APL aux médecins généralistes`).
        "Accès",
        "seuil",
        "moyenne",
        "feuille",
        "oui",
        "sous le",
        "dont",
    ];
    for text in [&analysis, &plan] {
        let left = found(text, &french);
        assert!(left.is_empty(), "French in the English report: {left:#?}");
    }
}

#[test]
fn the_cpts_are_drawn_in_their_status_colours_and_named_apart_inside_the_map() {
    // Two CPTS side by side in 03, of two statuses, with names longer than their
    // communes are wide: both named, the second moved off the first's line.
    let dir = tempfile::tempdir().unwrap();
    let communes = dir.path().join("communes.geojson");
    let perimeters = dir.path().join("cpts.geojson");
    let squares = [
        ("03001", [3.0, 46.5, 3.1, 46.6]),
        ("03002", [3.1, 46.5, 3.2, 46.6]),
        ("03003", [3.2, 46.5, 3.3, 46.6]),
    ];
    let list: Vec<(&str, &str, [f64; 4])> = squares.iter().map(|&(c, r)| (c, "03", r)).collect();
    std::fs::write(&communes, hand_drawn_communes(&list)).unwrap();
    let long =
        |word: &str| format!("CPTS DU GRAND TERRITOIRE DE SANTE DE LA VALLEE ET DES MONTS {word}");
    let cpts = |id: &str, nom: &str, statut: &str, [w, s, e, n]: [f64; 4]| {
        serde_json::json!({"type": "Feature",
            "properties": {"id": id, "nom": nom, "statut": statut},
            "geometry": {"type": "MultiPolygon", "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]}})
    };
    let layer = serde_json::json!({"type": "FeatureCollection", "features": [
        cpts("C1", &long("ALPHA"), "signataire_aci", squares[0].1),
        cpts("C2", &long("BETA"), "pre_projet", squares[1].1),
    ]});
    std::fs::write(&perimeters, layer.to_string()).unwrap();
    let out = dir.path().join("out");
    let run = analyze_into(
        &communes,
        &perimeters,
        &out,
        &["--focus", "03", "--lang", "en"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html.find("id=\"focus-departement-03\"").unwrap();
    let focus = &html[start..start + html[start..].find("</section>").unwrap()];
    // Each CPTS bordered in its status's colour (those of the QGIS style), named on
    // hover.
    for (status, colour, nom) in [
        ("signataire_aci", "#2166ac", long("ALPHA")),
        ("pre_projet", "#d1e5f0", long("BETA")),
    ] {
        let path = format!("<path class=\"cpts-status\" data-status=\"{status}\" fill=\"none\" stroke=\"{colour}\"");
        let at = focus
            .find(&path)
            .unwrap_or_else(|| panic!("{path}: {focus}"));
        let element = &focus[at..at + focus[at..].find("</path>").unwrap()];
        assert!(element.contains(&format!("<title>{nom} (")), "{element}");
    }
    // The legend: one entry per status, in English, in its colour.
    for (status, colour, words) in [
        ("signataire_aci", "#2166ac", "CPTS border (ACI signed)"),
        (
            "projet",
            "#67a9cf",
            "CPTS border (health project validated)",
        ),
        ("pre_projet", "#d1e5f0", "CPTS border (pre-project)"),
    ] {
        let entry = format!("data-status=\"{status}\"><i class=\"sw\" style=\"background:#fff;border:3px solid {colour};");
        let at = focus
            .find(&entry)
            .unwrap_or_else(|| panic!("{entry}: {focus}"));
        assert!(
            focus[at..].starts_with(&entry) && focus[at..at + 200].contains(words),
            "{}",
            &focus[at..at + 200]
        );
    }
    // Both named, on two lines, wholly inside the map's 1000 pixels.
    let labels: Vec<(f64, f64, &str)> = focus
        .split("<text class=\"cpts-label\" x=\"")
        .skip(1)
        .map(|s| {
            let x: f64 = s[..s.find('"').unwrap()].parse().unwrap();
            let s = &s[s.find("y=\"").unwrap() + 3..];
            let y: f64 = s[..s.find('"').unwrap()].parse().unwrap();
            let s = &s[s.find("<tspan").unwrap()..];
            (
                x,
                y,
                &s[s.find('>').unwrap() + 1..s.find("</tspan>").unwrap()],
            )
        })
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!((labels[0].1 - labels[1].1).abs() >= 9.0, "{labels:?}");
    for (x, _, name) in &labels {
        // About 0.6 of the font size a character.
        let half = 9.0 * 0.6 * name.chars().count() as f64 / 2.0;
        assert!(x - half >= 0.0 && x + half <= 1000.0, "{labels:?}");
    }
}

/// An APL table and a doctor zoning table for the fixture's communes, written in
/// `dir`: APL 1, 2, 3 and 5 in turn, the last commune without value; one commune in
/// four in ZIP, the next in ZAC.
fn access_tables(dir: &Path) -> (PathBuf, PathBuf) {
    let communes = read_json(&root().join("fixtures").join("communes-22.geojson"));
    let codes: Vec<String> = communes["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .collect();
    let mut apl = String::from("Code commune INSEE;Commune;APL aux médecins généralistes\n");
    let mut zoning = String::from("Code;Libellé;Zonage médecins\n");
    for (k, code) in codes.iter().enumerate() {
        let value = match k {
            _ if k + 1 == codes.len() => String::new(),
            _ => ["1,0", "2,0", "3,0", "5,0"][k % 4].to_string(),
        };
        apl.push_str(&format!("{code};Commune {code};{value}\n"));
        let zone = ["1_ZIP", "2_ZAC", "6_HZ", "6_HZ"][k % 4];
        zoning.push_str(&format!("{code};Commune {code};{zone}\n"));
    }
    let (a, z) = (dir.join("apl.csv"), dir.join("zonage.csv"));
    std::fs::write(&a, apl).unwrap();
    std::fs::write(&z, zoning).unwrap();
    (a, z)
}

/// The figures of the access section as the report writes them in `lang`.
fn people(n: f64, lang: &str) -> String {
    let digits = format!("{:.0}", n);
    let sep = if lang == "fr" { '\u{a0}' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[test]
fn the_access_section_holds_the_summarys_figures_and_its_map_in_both_languages() {
    let tables = tempfile::tempdir().unwrap();
    let (apl, zoning) = access_tables(tables.path());
    for (lang, title, legend, mean_label) in [
        (
            "fr",
            "Accès aux médecins généralistes",
            [
                "APL sous 1,5",
                "1,5 à 2,5",
                "2,5 à 4",
                "4 et plus",
                "sans valeur",
            ],
            "APL moyenne",
        ),
        (
            "en",
            "Access to general practitioners",
            [
                "APL under 1.5",
                "1.5 to 2.5",
                "2.5 to 4",
                "4 and over",
                "no value",
            ],
            "Mean APL",
        ),
    ] {
        let (_dir, out, run) = fixture_run(&[
            "--lang",
            lang,
            "--apl",
            apl.to_str().unwrap(),
            "--doctor-zoning",
            zoning.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let s: Value = read_json(&out.join("summary.json"));
        let a = &s["access"];
        let at = html
            .find("<section id=\"access\">")
            .expect("the access section");
        let section = &html[at..at + html[at..].find("</section>").unwrap()];
        assert!(section.contains(title), "{section}");
        let mean = format!("{:.2}", a["apl_mean"].as_f64().unwrap());
        let mean = if lang == "fr" {
            mean.replace('.', ",")
        } else {
            mean
        };
        assert!(
            section.contains(&format!("<td>{mean_label}</td><td class=\"n\">{mean}</td>")),
            "{mean} in {section}"
        );
        for key in [
            "population_below_threshold",
            "covered_population_below_threshold",
            "white_zone_population_below_threshold",
            "zip_population",
            "zip_covered_population",
            "zac_population",
        ] {
            let shown = people(a[key].as_f64().unwrap(), lang);
            assert!(section.contains(&shown), "{key} {shown} in {section}");
        }
        // The white zones in their order of need.
        let zones: Vec<&str> = s["white_zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["id"].as_str().unwrap())
            .collect();
        assert!(!zones.is_empty());
        let mut last = 0;
        for id in zones.iter().take(10) {
            let here = section[last..].find(id).expect(id) + last;
            last = here;
        }
        // The map: the communes by class, the white zones over them, a legend of the
        // four classes and of a unit without value.
        assert!(section.contains("id=\"apl-map\""), "{section}");
        for class in ["1", "2", "3", "4", "none"] {
            assert!(
                section.contains(&format!("class=\"apl-class\" data-class=\"{class}\"")),
                "class {class}"
            );
        }
        assert!(section.contains("fill=\"url(#apl-hatch)\""));
        for label in legend {
            assert!(section.contains(&format!("</i>{label}</span>")), "{label}");
        }
        // report.md, in French whatever the language, within its 60 lines.
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(md.lines().count() <= 60, "{md}");
        let mean_fr = format!("{:.2}", a["apl_mean"].as_f64().unwrap()).replace('.', ",");
        assert!(md.contains(&format!("| APL moyenne | {mean_fr} |")), "{md}");
        assert!(md.contains(zones[0]), "{md}");
        // QGIS: the communes a second time, by APL class, unchecked.
        let qml = std::fs::read_to_string(out.join("communes_apl.qml")).unwrap();
        assert!(qml.contains("attr=\"apl_class\""), "{qml}");
        assert_eq!(qml.matches("<category ").count(), 5, "{qml}");
        let qgs = std::fs::read_to_string(out.join("cpts-coverage.qgs")).unwrap();
        assert!(
            qgs.contains("id=\"cpts_coverage_communes_apl\" name=\"Communes par APL\" source=\"./communes.geojson|geometrytype=MultiPolygon\" providerKey=\"ogr\" checked=\"Qt::Unchecked\""),
            "{qgs}"
        );
    }
}

#[test]
fn no_access_section_without_an_access_table() {
    let (_dir, out, run) = fixture_run(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("id=\"access\""));
    assert!(!html.contains("apl-map"));
    assert!(!out.join("communes_apl.qml").exists());
    let qgs = std::fs::read_to_string(out.join("cpts-coverage.qgs")).unwrap();
    assert!(!qgs.contains("communes_apl"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("médecins"));
}
