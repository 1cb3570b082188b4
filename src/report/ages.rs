//! The section on the older population (`--population-grid` with age bands), in
//! `report.html` and `report.md`: the inhabitants aged 65 and over and 80 and over,
//! covered and in white zones, then the white zones holding the most of them.

use crate::figures::ages::AgeFigures;
use crate::figures::summary::Summary;
use crate::report::numbers::Lang;
use crate::report::section::{departement_label, Block, Section, Table};

/// The white zones listed, most elders first.
pub const ZONES_SHOWN: usize = 10;

fn say(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The section on the older population of `s`; `None` when the run has no age bands.
pub fn ages_section(s: &Summary, lang: Lang) -> Option<Section> {
    let a = s.ages.as_ref()?;
    let mut blocks = vec![Block::Table(headline(s, a, lang))];
    if a.units_without_ages > 0 {
        blocks.push(Block::Text(match lang {
            Lang::Fr => format!(
                "{} sans habitant dans la couche de population : sans chiffres par âge.",
                lang.count(a.units_without_ages, "commune", "communes")
            ),
            Lang::En => format!(
                "{} without inhabitants in the population layer: no figures by age.",
                lang.count(a.units_without_ages, "commune", "communes")
            ),
        }));
    }
    let mut zones: Vec<_> = s.white_zones.iter().filter(|z| z.ages.is_some()).collect();
    zones.sort_by(|a, b| {
        let elders = |z: &&crate::figures::summary::WhiteZoneRow| {
            z.ages.as_ref().map_or(0.0, |a| a.population_65_plus)
        };
        elders(b).total_cmp(&elders(a)).then(a.id.cmp(&b.id))
    });
    if !zones.is_empty() {
        blocks.push(Block::Heading(
            say(
                lang,
                "Les zones blanches aux plus nombreux aînés",
                "The white zones with the most elders",
            )
            .into(),
        ));
        blocks.push(Block::Table(Table {
            header: vec![
                "zone".into(),
                "départements".into(),
                "population".into(),
                say(lang, "65 ans et plus", "aged 65 and over").into(),
                say(lang, "80 ans et plus", "aged 80 and over").into(),
            ],
            numeric: vec![false, false, true, true, true],
            rows: zones
                .iter()
                .take(ZONES_SHOWN)
                .map(|z| {
                    let ages = z.ages.as_ref().cloned().unwrap_or_default();
                    let labels: Vec<String> = z
                        .departements
                        .iter()
                        .map(|d| departement_label(d))
                        .collect();
                    vec![
                        z.id.clone(),
                        labels.join(", "),
                        lang.people(z.population),
                        lang.people(ages.population_65_plus),
                        lang.people(ages.population_80_plus),
                    ]
                })
                .collect(),
        }));
    }
    Some(Section {
        id: "ages",
        title: say(lang, "Population âgée", "Older population").into(),
        blocks,
    })
}

/// The national figures: the inhabitants of each band, covered and in white zones.
fn headline(s: &Summary, a: &AgeFigures, lang: Lang) -> Table {
    let share = |n: f64, of: f64| match of > 0.0 {
        true => format!("{} ({})", lang.people(n), lang.percent(n / of)),
        false => lang.people(n),
    };
    let mut rows = Vec::new();
    for (label, all, covered, white) in [
        (
            say(
                lang,
                "Habitants de 65 ans et plus",
                "Inhabitants aged 65 and over",
            ),
            a.population_65_plus,
            a.covered_population_65_plus,
            a.white_zone_population_65_plus,
        ),
        (
            say(
                lang,
                "Habitants de 80 ans et plus",
                "Inhabitants aged 80 and over",
            ),
            a.population_80_plus,
            a.covered_population_80_plus,
            a.white_zone_population_80_plus,
        ),
    ] {
        rows.push(vec![label.into(), share(all, s.total_population)]);
        rows.push(vec![
            say(
                lang,
                "— dont couverts par une CPTS",
                "— of which covered by a CPTS",
            )
            .into(),
            share(covered, all),
        ]);
        rows.push(vec![
            say(lang, "— dont en zone blanche", "— of which in white zones").into(),
            share(white, all),
        ]);
    }
    Table {
        header: vec![
            say(lang, "Indicateur", "Figure").into(),
            say(lang, "Valeur", "Value").into(),
        ],
        numeric: vec![false, true],
        rows,
    }
}
