//! The GHT layer (groupements hospitaliers de territoire) of `cpts plan --ght`: one
//! polygon per GHT with its code, in any format the communes are read in.

use crate::error::{Error, Result};
use crate::model::provenance::Provenance;
use crate::read::feature::{text_property, DeclaredCrs};
use crate::read::layer::{polygons, with_features};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::path::Path;

/// Columns recognised for the GHT's code, then its name.
const CODE_FIELDS: [&str; 5] = ["code_ght", "ght", "id_ght", "code", "id"];
const NAME_FIELDS: [&str; 4] = ["nom_ght", "nom", "libelle", "name"];

/// One GHT: its code, its name (the code when the layer has none) and its territory in
/// WGS84.
#[derive(Debug, Clone)]
pub struct Ght {
    pub code: String,
    pub nom: String,
    pub shape: MultiPolygon<f64>,
}

/// Reads the GHT layer at `path` (in `declared_crs` when the file declares none).
pub fn read_ght(
    path: &Path,
    declared_crs: Option<&str>,
    provenance: &mut Provenance,
) -> Result<Vec<Ght>> {
    let declared = DeclaredCrs {
        option: "--ght-crs",
        crs: declared_crs,
    };
    with_features(path, declared, |features, crs| {
        crs.record(provenance, "ght", path);
        features
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let place = format!("feature {i}");
                let code = CODE_FIELDS
                    .iter()
                    .find_map(|field| text_property(f, field))
                    .ok_or_else(|| {
                        Error::input(
                            path,
                            &place,
                            format!(
                                "no GHT code (columns looked for: {})",
                                CODE_FIELDS.join(", ")
                            ),
                            "name the column of the GHT's code code_ght",
                        )
                    })?;
                let nom = NAME_FIELDS
                    .iter()
                    .find_map(|field| text_property(f, field))
                    .unwrap_or_else(|| code.clone());
                Ok(Ght {
                    shape: polygons(path, &place, f, crs)?,
                    code,
                    nom,
                })
            })
            .collect()
    })
}
