//! `cpts-coverage.xlsx`: the headline figures and the tables of one analysis (and of its
//! plan) as one workbook for planners, one sheet per table, headers in the report's
//! language, numbers stored as numbers, rates as percentages, each table filtered and
//! its header row frozen. The same inputs give the same bytes: the document's creation
//! date is fixed.

use crate::figures::summary::Summary;
use crate::model::territories::departement_name;
use crate::report::numbers::Lang;
use crate::write::tables::{CsvTable, Kind, Tables};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::path::Path;

/// The workbook's file name.
pub const WORKBOOK_FILE: &str = "cpts-coverage.xlsx";

/// The widest a column is made to fit its contents, in pixels.
const WIDEST_COLUMN: u32 = 360;

/// How a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// To the unit: counts, tiers, euros, populations (stored to 0.1 outside membership
    /// mode, as in the tables).
    Whole,
    /// Areas and lengths, to 0.01.
    Measure,
    /// Rates and shares, as percentages.
    Percent,
    /// APL, to 0.001.
    Apl,
}

impl Shown {
    /// The Excel number format.
    fn format(self) -> Format {
        Format::new().set_num_format(match self {
            Shown::Whole => "#,##0",
            Shown::Measure => "#,##0.00",
            Shown::Percent => "0.00 %",
            Shown::Apl => "0.000",
        })
    }

    /// How the numbers of the column `key` are shown.
    fn of(key: &str) -> Shown {
        match key {
            "coverage_rate" | "covered_share" => Shown::Percent,
            "apl" | "apl_mean" => Shown::Apl,
            _ if key.ends_with("_km2") || key.ends_with("_km") => Shown::Measure,
            _ => Shown::Whole,
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(f64, Shown),
}

/// One sheet: a table under a header row.
#[derive(Debug, Clone)]
struct Sheet {
    name: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// The sheet of a CSV table, its headers in `lang`, its numbers parsed back.
    fn of(name: &'static str, table: &CsvTable, lang: Lang) -> Sheet {
        let rows = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&table.columns)
                    .map(|(value, &(key, kind))| match (kind, value.parse::<f64>()) {
                        (Kind::Integer | Kind::Real, Ok(n)) => Cell::Number(n, Shown::of(key)),
                        _ => Cell::Text(fit(value, lang)),
                    })
                    .collect()
            })
            .collect();
        Sheet {
            name,
            header: table.columns.iter().map(|c| header(c.0, lang)).collect(),
            rows,
        }
    }

    /// Writes the sheet into `workbook`.
    fn write(&self, workbook: &mut Workbook) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.name)?;
        let bold = Format::new().set_bold();
        for (col, title) in (0u16..).zip(&self.header) {
            sheet.write_string_with_format(0, col, title, &bold)?;
        }
        for (row, cells) in (1u32..).zip(&self.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) if text.is_empty() => {}
                    Cell::Text(text) => {
                        sheet.write_string(row, col, text)?;
                    }
                    Cell::Number(n, shown) => {
                        sheet.write_number_with_format(row, col, *n, &shown.format())?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        let last_col = self.header.len().saturating_sub(1) as u16;
        sheet.autofilter(0, 0, self.rows.len() as u32, last_col)?;
        sheet.set_autofit_max_width(WIDEST_COLUMN);
        sheet.autofit();
        Ok(())
    }
}

/// The most characters a spreadsheet cell holds (Excel's limit, which LibreOffice keeps).
const CELL_CHARS: usize = 32_767;

/// `text` as a cell holds it: a list longer than a cell cut after its last whole item
/// that fits, saying where the whole list is.
fn fit(text: &str, lang: Lang) -> String {
    if text.chars().count() <= CELL_CHARS {
        return text.to_string();
    }
    let note = match lang {
        Lang::Fr => " … (liste complète dans le fichier CSV)",
        Lang::En => " … (the full list is in the CSV file)",
    };
    let room = CELL_CHARS - note.chars().count();
    let head: String = text.chars().take(room).collect();
    let cut = head.rfind(',').unwrap_or(head.len());
    format!("{}{note}", &head[..cut])
}

/// A column's header in `lang`: the CSV name when it has no translation.
fn header(key: &str, lang: Lang) -> String {
    let (fr, en) = match key {
        "id" => ("Identifiant", "Id"),
        "nom" => ("Nom", "Name"),
        "statut" => ("Statut", "Status"),
        "population" => ("Population", "Population"),
        "tier" => ("Taille", "Size tier"),
        "funding_max_eur" => ("Financement maximal (€)", "Maximum funding (€)"),
        "funding_missions_eur" => ("Financement des missions (€)", "Missions funding (€)"),
        "partial" => ("Partielle", "Partial"),
        "departement" => ("Département", "Département"),
        "departements" => ("Départements", "Départements"),
        "departement_nom" | "departement_noms" => ("Nom du département", "Département name"),
        "region" => ("Région", "Region"),
        "covered_population" => ("Population couverte", "Covered population"),
        "coverage_rate" => ("Taux de couverture", "Coverage rate"),
        "white_zone_population" => ("Population en zone blanche", "White zone population"),
        "uncovered_outside_white_zones" => (
            "Non couverte hors zones blanches",
            "Uncovered outside white zones",
        ),
        "area_km2" => ("Surface (km²)", "Area (km²)"),
        "commune_count" => ("Nombre de communes", "Commune count"),
        "communes" => ("Communes", "Communes"),
        "code" => ("Code", "Code"),
        "covered_share" => ("Part couverte", "Covered share"),
        "uncovered_population" => ("Population non couverte", "Uncovered population"),
        "cpts_a" => ("CPTS A", "CPTS A"),
        "cpts_b" => ("CPTS B", "CPTS B"),
        "kind" => ("Type", "Kind"),
        "count" => ("Nombre", "Count"),
        "text" => ("Description", "Description"),
        "white_zone" => ("Zone blanche", "White zone"),
        "rank" => ("Rang", "Rank"),
        "cpts" => ("CPTS", "CPTS"),
        "shared_border_km" => ("Frontière commune (km)", "Shared border (km)"),
        "population_before" => ("Population avant", "Population before"),
        "population_after" => ("Population après", "Population after"),
        "tier_before" => ("Taille avant", "Tier before"),
        "tier_after" => ("Taille après", "Tier after"),
        "funding_before_eur" => ("Financement avant (€)", "Funding before (€)"),
        "funding_after_eur" => ("Financement après (€)", "Funding after (€)"),
        "funding_change_eur" => ("Variation du financement (€)", "Funding change (€)"),
        "funding_missions_before_eur" => (
            "Financement des missions avant (€)",
            "Missions funding before (€)",
        ),
        "funding_missions_after_eur" => (
            "Financement des missions après (€)",
            "Missions funding after (€)",
        ),
        "apl_mean" => ("APL moyenne", "Mean APL"),
        "apl" => ("APL", "APL"),
        "population_below_threshold" => (
            "Population sous le seuil d'APL",
            "Population under the APL threshold",
        ),
        "covered_population_below_threshold" => (
            "Population couverte sous le seuil d'APL",
            "Covered population under the APL threshold",
        ),
        "white_zone_population_below_threshold" => (
            "Population en zone blanche sous le seuil d'APL",
            "White zone population under the APL threshold",
        ),
        "units_without_value" => ("Unités sans valeur d'APL", "Units without an APL"),
        "population_65_plus" => (
            "Population de 65 ans et plus",
            "Population aged 65 and over",
        ),
        "population_80_plus" => (
            "Population de 80 ans et plus",
            "Population aged 80 and over",
        ),
        "covered_population_65_plus" => (
            "Population couverte de 65 ans et plus",
            "Covered population aged 65 and over",
        ),
        "covered_population_80_plus" => (
            "Population couverte de 80 ans et plus",
            "Covered population aged 80 and over",
        ),
        "white_zone_population_65_plus" => (
            "Population en zone blanche de 65 ans et plus",
            "White zone population aged 65 and over",
        ),
        "white_zone_population_80_plus" => (
            "Population en zone blanche de 80 ans et plus",
            "White zone population aged 80 and over",
        ),
        "zip_population" => ("Population en ZIP", "Population in ZIP"),
        "zip_covered_population" => ("Population couverte en ZIP", "Covered population in ZIP"),
        "zip_white_zone_population" => (
            "Population en zone blanche en ZIP",
            "White zone population in ZIP",
        ),
        "zac_population" => ("Population en ZAC", "Population in ZAC"),
        "zac_covered_population" => ("Population couverte en ZAC", "Covered population in ZAC"),
        "zac_white_zone_population" => (
            "Population en zone blanche en ZAC",
            "White zone population in ZAC",
        ),
        "in_zip" => ("En ZIP", "In ZIP"),
        _ => return key.to_string(),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
    .to_string()
}

/// A sheet's name in `lang`.
fn name(fr: &'static str, en: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The headline figures of `summary`, one per row.
fn synthesis(summary: &Summary, lang: Lang) -> Sheet {
    let funding: f64 = summary
        .cpts
        .iter()
        .map(|c| f64::from(c.funding_max_eur))
        .sum();
    let people = |n: f64| Cell::Number(n, Shown::Whole);
    let whole = |n: usize| Cell::Number(n as f64, Shown::Whole);
    let mut figures = vec![
        (
            "Territoire",
            "Territory",
            Cell::Text(summary.territory.clone()),
        ),
        ("Mode", "Mode", Cell::Text(summary.mode.clone())),
        ("Population", "Population", people(summary.total_population)),
        (
            "Population couverte",
            "Covered population",
            people(summary.covered_population),
        ),
        (
            "Taux de couverture",
            "Coverage rate",
            Cell::Number(summary.coverage_rate, Shown::Percent),
        ),
        (
            "Population en zones blanches",
            "White zone population",
            people(summary.white_zone_population),
        ),
        (
            "Nombre de zones blanches",
            "White zone count",
            whole(summary.white_zone_count),
        ),
        (
            "Nombre de chevauchements",
            "Overlap count",
            whole(summary.overlap_count),
        ),
        (
            "Population des chevauchements",
            "Overlap population",
            people(summary.overlap_population),
        ),
        (
            "Financement ACI maximal total (€)",
            "Total maximum ACI funding (€)",
            Cell::Number(funding, Shown::Whole),
        ),
    ];
    let access = summary.access.as_ref().map(|a| &a.figures);
    if let Some(apl) = access.and_then(|a| a.apl.as_ref()) {
        if let Some(mean) = apl.apl_mean {
            figures.push(("APL moyenne", "Mean APL", Cell::Number(mean, Shown::Apl)));
        }
        figures.extend([
            (
                "Population sous le seuil d'APL",
                "Population under the APL threshold",
                people(apl.population_below_threshold),
            ),
            (
                "Population en zone blanche sous le seuil d'APL",
                "White zone population under the APL threshold",
                people(apl.white_zone_population_below_threshold),
            ),
        ]);
    }
    if let Some(z) = access.and_then(|a| a.zoning.as_ref()) {
        figures.extend([
            (
                "Population en ZIP",
                "Population in ZIP",
                people(z.zip_population),
            ),
            (
                "Population en zone blanche en ZIP",
                "White zone population in ZIP",
                people(z.zip_white_zone_population),
            ),
        ]);
    }
    if let Some(a) = &summary.ages {
        figures.extend([
            (
                "Population de 65 ans et plus",
                "Population aged 65 and over",
                people(a.population_65_plus),
            ),
            (
                "Population en zone blanche de 65 ans et plus",
                "White zone population aged 65 and over",
                people(a.white_zone_population_65_plus),
            ),
            (
                "Population de 80 ans et plus",
                "Population aged 80 and over",
                people(a.population_80_plus),
            ),
            (
                "Population en zone blanche de 80 ans et plus",
                "White zone population aged 80 and over",
                people(a.white_zone_population_80_plus),
            ),
        ]);
    }
    let header = match lang {
        Lang::Fr => ["Indicateur", "Valeur"],
        Lang::En => ["Figure", "Value"],
    };
    Sheet {
        name: name("Synthèse", "Summary", lang),
        header: header.map(String::from).to_vec(),
        rows: figures
            .into_iter()
            .map(|(fr, en, value)| vec![Cell::Text(name(fr, en, lang).to_string()), value])
            .collect(),
    }
}

/// Every overlapping pair of CPTS.
fn overlaps(summary: &Summary, lang: Lang) -> Sheet {
    let keys = [
        "cpts_a",
        "cpts_b",
        "area_km2",
        "population",
        "departements",
        "departement_noms",
        "communes",
    ];
    Sheet {
        name: name("Chevauchements", "Overlaps", lang),
        header: keys.iter().map(|k| header(k, lang)).collect(),
        rows: summary
            .overlaps
            .iter()
            .map(|o| {
                let names: Vec<&str> = o
                    .departements
                    .iter()
                    .map(|d| departement_name(d).unwrap_or_default())
                    .collect();
                vec![
                    Cell::Text(o.cpts_a.clone()),
                    Cell::Text(o.cpts_b.clone()),
                    Cell::Number(o.area_km2, Shown::Measure),
                    Cell::Number(o.population, Shown::Whole),
                    Cell::Text(o.departements.join(",")),
                    Cell::Text(names.join(",")),
                    Cell::Text(o.communes.join(",")),
                ]
            })
            .collect(),
    }
}

/// What was taken for granted to read the inputs.
fn assumptions(summary: &Summary, lang: Lang) -> Sheet {
    Sheet {
        name: name("Hypothèses", "Assumptions", lang),
        header: ["kind", "count", "text"]
            .iter()
            .map(|k| header(k, lang))
            .collect(),
        rows: summary
            .assumptions
            .iter()
            .map(|a| {
                let kind = serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                vec![
                    Cell::Text(kind),
                    Cell::Number(a.count as f64, Shown::Whole),
                    Cell::Text(a.text.clone()),
                ]
            })
            .collect(),
    }
}

/// Writes the workbook of `summary` and its `tables` (and of the plan's table `plan`)
/// into `dir`, headers in `lang`.
pub fn write_workbook(
    dir: &Path,
    summary: &Summary,
    tables: &Tables,
    plan: Option<&CsvTable>,
    lang: Lang,
) -> std::io::Result<()> {
    let mut sheets = vec![
        synthesis(summary, lang),
        Sheet::of(name("Régions", "Regions", lang), &tables.by_region, lang),
        Sheet::of("Départements", &tables.by_departement, lang),
        Sheet::of("CPTS", &tables.cpts, lang),
        Sheet::of(
            name("Zones blanches", "White zones", lang),
            &tables.white_zones,
            lang,
        ),
        overlaps(summary, lang),
        Sheet::of(
            name("Communes non couvertes", "Uncovered communes", lang),
            &tables.uncovered_communes,
            lang,
        ),
        assumptions(summary, lang),
    ];
    if let Some(plan) = plan {
        sheets.push(Sheet::of("Plan", plan, lang));
    }
    let written = || -> Result<(), XlsxError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        for sheet in &sheets {
            sheet.write(&mut workbook)?;
        }
        workbook.save(dir.join(WORKBOOK_FILE))
    };
    written().map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_longer_than_a_cell_is_cut_after_a_whole_item() {
        let codes: Vec<String> = (0..10_000).map(|i| format!("{:05}", 10_000 + i)).collect();
        let text = codes.join(",");
        let cell = fit(&text, Lang::En);
        assert!(cell.chars().count() <= CELL_CHARS);
        let (kept, note) = cell.split_once(" … ").unwrap();
        assert_eq!(note, "(the full list is in the CSV file)");
        let items = kept.split(',').count();
        assert_eq!(kept, codes[..items].join(","));
        assert_eq!(fit("06004,06005", Lang::Fr), "06004,06005");
    }
}
