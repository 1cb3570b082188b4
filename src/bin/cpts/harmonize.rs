//! `cpts harmonize`: a communes layer of an older COG vintage rewritten at the current
//! codes, merged communes merged.

use crate::common::FieldArgs;
use clap::Args;
use cpts_coverage::geometry::repair::Repairs;
use cpts_coverage::harmonize::code_passage::CodePassage;
use cpts_coverage::harmonize::merge::harmonise;
use cpts_coverage::load::inputs::read_units;
use cpts_coverage::model::provenance::{listing, Provenance};
use cpts_coverage::read::input::check_regular_files;
use cpts_coverage::write::atomic::{check_out_file, write_file};
use cpts_coverage::write::geojson::communes_geojson;
use cpts_coverage::LoadOptions;
use std::path::{Path, PathBuf};

/// Bring a communes layer of an older COG vintage to the current codes.
#[derive(Args)]
pub struct HarmonizeArgs {
    /// The communes layer (GeoJSON, Shapefile or GeoPackage, as for `cpts analyze`).
    #[arg(long, value_name = "FILE")]
    communes: PathBuf,
    /// The harmonised layer to write (GeoJSON, WGS84).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
    /// Passage table (old INSEE code → current code) replacing the shipped
    /// data/code_passage.csv: ancien_code;nouveau_code, or INSEE's CODGEO_INI;CODGEO_2024.
    #[arg(long, value_name = "FILE")]
    code_passage: Option<PathBuf>,
    /// CRS of the layer when it declares none (EPSG:2154, or any CRS PROJ reads).
    #[arg(long, value_name = "CRS")]
    communes_crs: Option<String>,
    #[command(flatten)]
    fields: FieldArgs,
}

/// Runs `cpts harmonize`.
pub fn run(args: &HarmonizeArgs) -> cpts_coverage::Result<()> {
    let inputs: Vec<&Path> = [Some(&args.communes), args.code_passage.as_ref()]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect();
    check_regular_files(&inputs)?;
    check_out_file(&args.out, args.force, &inputs, "--out")?;
    let passage = match &args.code_passage {
        Some(path) => CodePassage::read(path, &mut Provenance::default())?,
        None => CodePassage::shipped(),
    };
    let units = read_units(
        &LoadOptions {
            communes: args.communes.clone(),
            fields: args.fields.fields(),
            crs: args.communes_crs.clone(),
            ..Default::default()
        },
        &mut Repairs::default(),
        &mut Provenance::default(),
    )?;
    let before = units.len();
    let harmonised = harmonise(units, &passage);
    write_file(&args.out, &communes_geojson(&harmonised.units))?;
    let merges: Vec<String> = harmonised
        .merges
        .iter()
        .map(|m| {
            let from: Vec<&str> = m.from.iter().map(|c| c.as_str()).collect();
            format!("{} {} ← {}", m.into, m.nom, from.join(" + "))
        })
        .collect();
    match merges.is_empty() {
        true => println!(
            "no code of {before} communes is an old code ({})",
            passage.source
        ),
        false => {
            let codes: usize = harmonised.merges.iter().map(|m| m.from.len()).sum();
            println!(
                "{codes} codes merged into {} ({}): {}",
                match merges.len() {
                    1 => "1 current commune".to_string(),
                    n => format!("{n} current communes"),
                },
                passage.source,
                listing(&merges, 50)
            )
        }
    }
    println!(
        "{before} communes in, {} out: {}",
        harmonised.units.len(),
        args.out.display()
    );
    Ok(())
}
