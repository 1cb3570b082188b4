//! Readers of the inputs and writers of the outputs.

pub mod communes;
mod geojson_in;
pub mod output;
pub mod perimeters;
mod tables;
