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

/// The communes styled by APL class, listed above the communes when the run read an
/// APL table: the communes layer's source, shown under another name, unchecked.
pub const COMMUNES_APL: &str = "communes_apl";

/// The name a project shows layer `key` under, and whether it is shown when the
/// project opens.
fn shown_as(key: &str) -> (&str, bool) {
    match key {
        COMMUNES_APL => ("Communes par APL", false),
        _ => (key, true),
    }
}

/// Lambert-93 (EPSG:2154), the official projection of metropolitan France.
const LAMBERT93_WKT: &str = r#"PROJCS["RGF93 v1 / Lambert-93",GEOGCS["RGF93 v1",DATUM["Reseau_Geodesique_Francais_1993_v1",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6171"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4171"]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",46.5],PARAMETER["central_meridian",3],PARAMETER["standard_parallel_1",49],PARAMETER["standard_parallel_2",44],PARAMETER["false_easting",700000],PARAMETER["false_northing",6600000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","2154"]]"#;

/// The CRS the project shows its layers in (the layers stay in WGS84, reprojected on
/// the fly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectCrs {
    /// Runs with overseas units: one map shows them all.
    #[default]
    Wgs84,
    /// Metropolitan runs: France as its planners' maps draw it.
    Lambert93,
}

impl ProjectCrs {
    /// The CRS as a QGIS project describes it.
    fn xml(self) -> String {
        let (wkt, srid) = match self {
            ProjectCrs::Wgs84 => (WGS84_WKT, 4326),
            ProjectCrs::Lambert93 => (LAMBERT93_WKT, 2154),
        };
        format!(
            "<spatialrefsys><wkt>{}</wkt><srid>{srid}</srid><authid>EPSG:{srid}</authid></spatialrefsys>",
            escape(wkt)
        )
    }
}

/// The project titled `title` opening `listed` from top to bottom, shown in `crs`: each
/// layer's name and source (a path relative to the project, with `|layername=` for a
/// GeoPackage).
pub fn project(title: &str, listed: &[(&str, String)], crs: ProjectCrs) -> String {
    let wgs84 = ProjectCrs::Wgs84.xml();
    let shown = crs.xml();
    let mut tree = String::new();
    let mut layers = String::new();
    for (name, source) in listed {
        let source = escape(source);
        let style = style(name);
        let (title, checked) = shown_as(name);
        let title = escape(title);
        let checked = match checked {
            true => "Qt::Checked",
            false => "Qt::Unchecked",
        };
        let _ = writeln!(
            tree,
            r#"    <layer-tree-layer id="cpts_coverage_{name}" name="{title}" source="{source}" providerKey="ogr" checked="{checked}" expanded="1"/>"#
        );
        let _ = writeln!(
            layers,
            r#"    <maplayer type="vector" geometry="Polygon" wkbType="MultiPolygon" labelsEnabled="{}">"#,
            u8::from(style.as_ref().is_some_and(|s| s.labelling.is_some()))
        );
        let _ = writeln!(
            layers,
            "      <id>cpts_coverage_{name}</id>\n      <datasource>{source}</datasource>\n      <layername>{title}</layername>\n      <srs>{wgs84}</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>"
        );
        if let Some(s) = style {
            layers.push_str(&s.renderer);
            layers.push_str(s.labelling.unwrap_or_default());
        }
        layers.push_str("    </maplayer>\n");
    }
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{}\" version=\"3.22.0\">\n  <title>{}</title>\n  <projectCrs>{shown}</projectCrs>\n  <layer-tree-group>\n{tree}  </layer-tree-group>\n  <projectlayers>\n{layers}  </projectlayers>\n  <properties>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n  </properties>\n</qgis>\n",
        escape(title),
        escape(title)
    )
}
