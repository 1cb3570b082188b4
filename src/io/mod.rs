//! Readers of the inputs and writers of the outputs.

pub mod atomic;
pub mod check_report;
mod collection_scan;
pub mod communes;
pub mod cpts_attributes;
pub mod diff_report;
mod fgb_in;
mod geojson_in;
pub mod geojson_out;
pub mod ght;
pub(crate) mod gpkg_in;
pub mod gpkg_out;
pub mod layers;
pub mod numbers;
pub mod output;
pub mod perimeters;
pub mod plan_out;
pub mod qgis_project;
pub mod report_html;
pub mod report_md;
pub mod section;
mod shapefile_in;
pub mod style;
pub mod svg_map;
pub mod table;
mod tables;
pub mod xml;
