//! cpts-coverage: how much of the French population the CPTS (Communautés
//! Professionnelles Territoriales de Santé) cover, where the white zones are, where two
//! CPTS overlap, and each CPTS's population, size tier and ACI funding.
//!
//! The folders are the pipeline's stages, bottom to top: `model`, `geometry`, `read`,
//! `harmonize`, `load`, `overlay`, `zones`, `analysis`, `figures`, `verbs`, `write`,
//! `report`, `pipeline`; a module imports only from its own folder or from below.
//!
//! A whole `cpts analyze` is one call:
//!
//! ```no_run
//! use cpts_coverage::pipeline::{analyze, Job};
//! use cpts_coverage::LoadOptions;
//! # fn main() -> cpts_coverage::Result<()> {
//! let job = Job {
//!     load: LoadOptions {
//!         communes: "communes.geojson".into(),
//!         perimeters: "cpts.geojson".into(),
//!         ..Default::default()
//!     },
//!     out: "out".into(),
//!     ..Default::default()
//! };
//! let summary = analyze(&job, &())?;
//! println!("{:.1} % covered", 100.0 * summary.coverage_rate);
//! # Ok(()) }
//! ```
//!
//! and its stages, `load → analyse → write`, can be run one by one:
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
//! # Ok(()) }
//! ```

pub mod analysis;
pub mod error;
pub mod figures;
pub mod geometry;
pub mod harmonize;
pub mod load;
pub mod model;
pub mod overlay;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod verbs;
pub mod write;
pub mod zones;

pub use analysis::{analyse, Analysis, Options, Progress};
pub use error::{Error, Result};
pub use figures::funding::Tariff;
pub use figures::summary::Summary;
pub use load::inputs::{Inputs, LoadOptions};
pub use pipeline::outputs::write_outputs;
pub use read::communes::CommuneFields;
