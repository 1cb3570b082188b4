//! cpts-coverage: how much of the French population the CPTS (Communautés
//! Professionnelles Territoriales de Santé) cover, where the white zones are, where two
//! CPTS overlap, and each CPTS's population, size tier and ACI funding.
//!
//! The pipeline is `load → analyse → write`:
//!
//! ```no_run
//! use cpts_coverage::{analyse, Inputs, LoadOptions, Options, Summary, Tariff, write_outputs};
//! # fn main() -> cpts_coverage::Result<()> {
//! let inputs = Inputs::load(&LoadOptions {
//!     communes: "communes.geojson".into(),
//!     perimeters: "cpts.geojson".into(),
//!     ..Default::default()
//! })?;
//! let analysis = analyse(&inputs, &Options::default(), &())?;
//! let summary = Summary::new(&inputs, &analysis, &Tariff::default_tariff());
//! write_outputs("out".as_ref(), &inputs, &analysis, &summary, &Default::default())?;
//! println!("{:.1} % covered", 100.0 * summary.coverage_rate);
//! # Ok(()) }
//! ```

pub mod analysis;
pub mod apply;
pub mod borders;
pub mod cache;
pub mod check;
pub mod code_passage;
pub mod commune_names;
pub mod cover;
pub mod diff;
pub mod envelope;
pub mod error;
pub mod funding;
pub mod grid;
pub mod harmonize;
pub mod inputs;
pub mod io;
pub mod membership;
pub mod model;
pub mod overlaps;
pub mod overlay;
pub mod plan;
pub mod population;
pub mod projection;
pub mod provenance;
pub mod repair;
pub mod summary;
pub mod territories;
pub mod tiling;
pub mod validation;
pub mod validity;
pub mod vocabulary;
pub mod white_zones;

pub use analysis::{analyse, Analysis, Options, Progress};
pub use error::{Error, Result};
pub use funding::Tariff;
pub use inputs::{Inputs, LoadOptions};
pub use io::communes::CommuneFields;
pub use io::output::write_outputs;
pub use summary::Summary;
