//! `cpts-coverage.qgs`: a QGIS project that opens every map layer at once, styled,
//! white zones and overlaps above the CPTS above the communes, and the plan's proposals
//! above them all when there is a plan. Paths are relative, so
//! the output directory can be moved or sent as a whole.

use crate::write::gpkg::WGS84_WKT;
use crate::write::style::style;
use crate::write::xml::escape;
use std::fmt::Write;

/// The file name of the project.
pub const PROJECT_FILE: &str = "cpts-coverage.qgs";

/// The analysis layers from top to bottom.
pub const ORDER: [&str; 4] = ["overlaps", "white_zones", "cpts", "communes"];

/// WGS84 as QGIS describes a CRS (its internal id 3452 is EPSG:4326's).
fn wgs84() -> String {
    format!(
        "<spatialrefsys><wkt>{}</wkt><srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid></spatialrefsys>",
        escape(WGS84_WKT)
    )
}

/// The project titled `title` opening `listed` from top to bottom: each layer's name and
/// source (a path relative to the project, with `|layername=` for a GeoPackage).
pub fn project(title: &str, listed: &[(&str, String)]) -> String {
    let wgs84 = wgs84();
    let mut tree = String::new();
    let mut layers = String::new();
    for (name, source) in listed {
        let source = escape(source);
        let style = style(name);
        let _ = writeln!(
            tree,
            r#"    <layer-tree-layer id="cpts_coverage_{name}" name="{name}" source="{source}" providerKey="ogr" checked="Qt::Checked" expanded="1"/>"#
        );
        let _ = writeln!(
            layers,
            r#"    <maplayer type="vector" geometry="Polygon" wkbType="MultiPolygon" labelsEnabled="{}">"#,
            u8::from(style.as_ref().is_some_and(|s| s.labelling.is_some()))
        );
        let _ = writeln!(
            layers,
            "      <id>cpts_coverage_{name}</id>\n      <datasource>{source}</datasource>\n      <layername>{name}</layername>\n      <srs>{wgs84}</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>"
        );
        if let Some(s) = style {
            layers.push_str(&s.renderer);
            layers.push_str(s.labelling.unwrap_or_default());
        }
        layers.push_str("    </maplayer>\n");
    }
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{}\" version=\"3.22.0\">\n  <title>{}</title>\n  <projectCrs>{wgs84}</projectCrs>\n  <layer-tree-group>\n{tree}  </layer-tree-group>\n  <projectlayers>\n{layers}  </projectlayers>\n  <properties>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n  </properties>\n</qgis>\n",
        escape(title),
        escape(title)
    )
}
