//! Reading the inputs as planners have them: the vector formats (GeoJSON, Shapefile, FlatGeobuf, GeoPackage), tables (CSV, xlsx, ods), and what the layers and tables mean (communes, perimeters, populations, GHT).

pub mod access_tables;
mod collection_scan;
pub mod communes;
pub mod cpts_attributes;
pub mod feature;
mod fgb;
mod geojson;
pub mod ght;
pub mod gpkg;
pub mod input;
pub mod layer;
mod ods_extent;
pub mod perimeters;
pub mod population;
pub mod population_grid;
mod shapefile;
pub mod table;
pub mod vocabulary;
