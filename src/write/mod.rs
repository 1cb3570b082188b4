//! Writing the map layers and tables: GeoJSON, GeoPackage, QGIS styles and project, CSV; every output directory replaced at once.

pub mod atomic;
pub mod geojson;
pub mod gpkg;
pub mod layers;
pub mod qgis_project;
pub mod style;
pub mod tables;
pub mod xml;

/// How the map layers are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LayerFormat {
    /// One RFC 7946 GeoJSON file per layer, each with its QGIS style (`.qml`) beside it.
    #[default]
    Geojson,
    /// One GeoPackage holding every layer and its style.
    Gpkg,
}
