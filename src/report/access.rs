//! The section on access to general practitioners (`--apl`, `--doctor-zoning`), in
//! `report.html` with its map of the communes by APL class and in `report.md`: the
//! national figures, then the white zones most in need.

use crate::figures::summary::{AccessSection, Summary};
use crate::report::numbers::Lang;
use crate::report::section::{departement_label, Block, Section, Table};
use crate::report::svg_map::apl_map;
use crate::write::layers::Layers;
use crate::write::style::{APL_CLASSES, APL_LABELS, APL_WHITE_ZONE, NO_APL};
use std::fmt::Write;

/// The white zones listed in the report, most in need first.
pub const ZONES_SHOWN: usize = 10;

/// `fr` or `en` as the report speaks.
fn say(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The section's title.
pub fn title(lang: Lang) -> &'static str {
    say(
        lang,
        "Accès aux médecins généralistes",
        "Access to general practitioners",
    )
}

/// The section on access of `s`, listing its first `zones` white zones; `None` when the
/// run read no access table.
pub fn access_section(s: &Summary, lang: Lang, zones: usize) -> Option<Section> {
    let a = s.access.as_ref()?;
    let mut blocks = vec![Block::Table(headline(s, a, lang))];
    blocks.push(Block::Text(sources(a, lang)));
    if let Some(table) = zones_table(s, lang, zones) {
        blocks.push(Block::Heading(
            say(
                lang,
                "Les zones blanches les plus en besoin",
                "The white zones most in need",
            )
            .into(),
        ));
        blocks.push(Block::Table(table));
        if s.white_zones.len() > zones {
            blocks.push(Block::Text(more_zones(s, lang, zones)));
        }
    }
    Some(Section {
        id: "access",
        title: title(lang).into(),
        blocks,
    })
}

/// `… et 54 autres zones blanches.` and where the full list is, after the first
/// `shown` zones.
pub fn more_zones(s: &Summary, lang: Lang, shown: usize) -> String {
    let left = s.white_zones.len().saturating_sub(shown);
    let more = match lang {
        Lang::Fr => format!("… et {left} autres zones blanches."),
        Lang::En => format!("… and {left} other white zones."),
    };
    format!("{more} {}", lang.full_list())
}

/// The first `zones` white zones, most in need first: id, départements, population,
/// APL mean and population under the threshold (with an APL table), in ZIP (with a
/// zoning); `None` without access figures or white zones.
pub fn zones_table(s: &Summary, lang: Lang, zones: usize) -> Option<Table> {
    let a = s.access.as_ref()?;
    let listed: Vec<_> = s.white_zones.iter().take(zones).collect();
    if listed.is_empty() {
        return None;
    }
    let zip = a.figures.zoning.is_some();
    let apl = a.figures.apl.is_some();
    // The same words in both languages.
    let mut header: Vec<String> = ["zone", "départements", "population"]
        .map(String::from)
        .into();
    let mut numeric = vec![false, false, true];
    if apl {
        header.push(say(lang, "APL moyenne", "mean APL").into());
        header.push(say(lang, "sous le seuil", "under the threshold").into());
        numeric.extend([true, true]);
    }
    if zip {
        header.push(say(lang, "en ZIP", "in ZIP").into());
        numeric.push(false);
    }
    let rows = listed
        .iter()
        .map(|z| {
            let labels: Vec<String> = z
                .departements
                .iter()
                .map(|d| departement_label(d))
                .collect();
            let mut row = vec![z.id.clone(), labels.join(", "), lang.people(z.population)];
            let figures = z.access.as_ref().and_then(|f| f.apl.as_ref());
            if apl {
                row.push(
                    figures
                        .and_then(|f| f.apl_mean)
                        .map_or("—".into(), |m| lang.decimal(m, 2)),
                );
                row.push(figures.map_or("—".into(), |f| lang.people(f.population_below_threshold)));
            }
            if zip {
                let [fr, en] = if z.in_zip == Some(true) {
                    ["oui", "yes"]
                } else {
                    ["non", "no"]
                };
                row.push(say(lang, fr, en).into());
            }
            row
        })
        .collect();
    Some(Table {
        header,
        numeric,
        rows,
    })
}

/// The national figures: APL mean, population under the threshold (covered, in white
/// zones), units without value, population in ZIP and ZAC.
pub fn headline(s: &Summary, a: &AccessSection, lang: Lang) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |label: String, value: String| rows.push(vec![label, value]);
    let share = |n: f64| match s.total_population > 0.0 {
        true => format!(
            " ({} {})",
            lang.percent(n / s.total_population),
            say(lang, "de la population", "of the population")
        ),
        false => String::new(),
    };
    // The rows splitting a population into its covered and white-zone parts.
    let of_which = |covered: f64, white: f64| {
        [
            (
                say(
                    lang,
                    "— dont couverte par une CPTS",
                    "— of which covered by a CPTS",
                ),
                lang.people(covered),
            ),
            (
                say(lang, "— dont en zone blanche", "— of which in white zones"),
                lang.people(white),
            ),
        ]
        .map(|(label, value)| (label.to_string(), value))
    };
    if let Some(apl) = &a.figures.apl {
        row(
            say(lang, "APL moyenne", "Mean APL").into(),
            apl.apl_mean.map_or("—".into(), |m| lang.decimal(m, 2)),
        );
        row(
            format!(
                "{} {}",
                say(
                    lang,
                    "Population sous le seuil d'APL de",
                    "Population under the APL threshold of"
                ),
                threshold(a, lang)
            ),
            format!(
                "{}{}",
                lang.people(apl.population_below_threshold),
                share(apl.population_below_threshold)
            ),
        );
        for (label, value) in of_which(
            apl.covered_population_below_threshold,
            apl.white_zone_population_below_threshold,
        ) {
            row(label, value);
        }
        row(
            say(lang, "Unités sans valeur d'APL", "Units without an APL").into(),
            apl.units_without_value.to_string(),
        );
    }
    if let Some(z) = &a.figures.zoning {
        for (name, total, covered, white) in [
            (
                say(lang, "Population en ZIP", "Population in ZIP"),
                z.zip_population,
                z.zip_covered_population,
                z.zip_white_zone_population,
            ),
            (
                say(lang, "Population en ZAC", "Population in ZAC"),
                z.zac_population,
                z.zac_covered_population,
                z.zac_white_zone_population,
            ),
        ] {
            row(
                name.into(),
                format!("{}{}", lang.people(total), share(total)),
            );
            for (label, value) in of_which(covered, white) {
                row(label, value);
            }
        }
    }
    Table {
        header: vec![
            say(lang, "indicateur", "indicator").into(),
            say(lang, "valeur", "value").into(),
        ],
        numeric: vec![false, true],
        rows,
    }
}

/// The APL threshold as given, to the hundredth: `2,5`, `3,25`.
fn threshold(a: &AccessSection, lang: Lang) -> String {
    let text = lang.decimal(a.threshold, 2);
    text.strip_suffix('0').map_or(text.clone(), String::from)
}

/// Where the figures come from: the indicator, its sheet and file, the zoning file.
fn sources(a: &AccessSection, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(indicator) = &a.indicator {
        let mut p = format!("{}{indicator}", say(lang, "Indicateur : ", "Indicator: "));
        if let Some(sheet) = &a.sheet {
            let _ = write!(p, " ({} {sheet})", say(lang, "feuille", "sheet"));
        }
        if let Some(source) = &a.apl_source {
            // `file, sheet …, column …`: the file alone, the rest said above.
            let file = source.split(", sheet ").next().unwrap_or(source);
            let file = file.split(", column ").next().unwrap_or(file);
            let _ = write!(p, ", {file}");
        }
        parts.push(p);
        parts.push(match lang {
            Lang::Fr => format!(
                "seuil de {} consultations par an et par habitant",
                threshold(a, lang)
            ),
            Lang::En => format!(
                "threshold of {} consultations a year per inhabitant",
                threshold(a, lang)
            ),
        });
    }
    if let Some(zoning) = &a.zoning_source {
        parts.push(match lang {
            Lang::Fr => format!(
                "zonage médecins : {}",
                zoning
                    .replace(", sheet ", ", feuille ")
                    .replace(", column ", ", colonne ")
            ),
            Lang::En => format!("doctor zoning: {zoning}"),
        });
    }
    format!("{}.", parts.join(say(lang, " ; ", "; ")))
}

/// The map of the communes by APL class with its heading and legend, when the run
/// read an APL table.
pub fn apl_figure(s: &Summary, layers: &Layers, lang: Lang, hint: &str) -> String {
    if s.access.as_ref().is_none_or(|a| a.figures.apl.is_none()) {
        return String::new();
    }
    let heading = say(
        lang,
        "Communes par classe d'APL, zones blanches hachurées",
        "Communes by APL class, white zones hatched",
    );
    let labels: [&str; 5] = match lang {
        Lang::Fr => APL_LABELS,
        Lang::En => [
            "APL under 1.5",
            "1.5 to 2.5",
            "2.5 to 4",
            "4 and over",
            "no value",
        ],
    };
    let mut legend = String::from("<div class=\"legend apl-legend\">");
    let colours = APL_CLASSES.iter().chain(std::iter::once(&NO_APL));
    for (colour, label) in colours.zip(labels) {
        let _ = write!(
            legend,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{label}</span>",
            colour.hex()
        );
    }
    let blue = APL_WHITE_ZONE.hex();
    let _ = write!(
        legend,
        "<span><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,{blue} 0 1px,#fff 1px 4px);border:2px solid {blue}\"></i>{}</span></div>",
        say(lang, "zone blanche", "white zone")
    );
    format!(
        "<figure class=\"apl-map\" id=\"apl-map\" style=\"margin:1rem 0\"><h3>{heading}</h3>{}{legend}<p class=\"hint\">{hint}</p></figure>",
        apl_map(layers, heading)
    )
}
