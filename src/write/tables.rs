//! CSV tables (`;`-separated, UTF-8): `cpts.csv`, `by_departement.csv`, `by_region.csv`.

use crate::figures::summary::{Summary, Totals};
use std::path::Path;

/// Writes the three tables of `summary` into `dir`.
pub fn write_tables(dir: &Path, summary: &Summary) -> std::io::Result<()> {
    let mut cpts = writer(&dir.join("cpts.csv"))?;
    // The missions column only when the perimeter file says which missions were signed.
    let missions = summary
        .cpts
        .iter()
        .any(|c| c.funding_missions_eur.is_some());
    let mut header = vec![
        "id",
        "nom",
        "statut",
        "population",
        "tier",
        "funding_max_eur",
    ];
    if missions {
        header.push("funding_missions_eur");
    }
    header.extend(["partial", "departements"]);
    cpts.write_record(header)?;
    for c in &summary.cpts {
        let mut record = vec![
            c.id.clone(),
            c.nom.clone(),
            c.statut.to_string(),
            format!("{:.2}", c.population),
            c.tier.to_string(),
            c.funding_max_eur.to_string(),
        ];
        if missions {
            record.push(
                c.funding_missions_eur
                    .map_or(String::new(), |e| e.to_string()),
            );
        }
        record.extend([c.partial.to_string(), c.departements.join(",")]);
        cpts.write_record(record)?;
    }
    cpts.flush()?;
    let rows = summary
        .by_departement
        .iter()
        .map(|r| (r.departement.as_str(), &r.totals));
    write_totals(&dir.join("by_departement.csv"), "departement", rows)?;
    let rows = summary
        .by_region
        .iter()
        .map(|r| (r.region.as_str(), &r.totals));
    write_totals(&dir.join("by_region.csv"), "region", rows)
}

fn writer(path: &Path) -> std::io::Result<csv::Writer<std::fs::File>> {
    Ok(csv::WriterBuilder::new().delimiter(b';').from_path(path)?)
}

fn write_totals<'a>(
    path: &Path,
    key: &str,
    rows: impl Iterator<Item = (&'a str, &'a Totals)>,
) -> std::io::Result<()> {
    let mut out = writer(path)?;
    out.write_record([
        key,
        "population",
        "covered_population",
        "coverage_rate",
        "white_zone_population",
    ])?;
    for (code, t) in rows {
        out.write_record([
            code.to_string(),
            format!("{:.2}", t.population),
            format!("{:.2}", t.covered_population),
            format!("{:.6}", t.coverage_rate),
            format!("{:.2}", t.white_zone_population),
        ])?;
    }
    out.flush()
}
