//! How the layers look, in QGIS and on the report's map alike: one palette, and the
//! QGIS style (`.qml`) of each layer, which QGIS loads with the GeoJSON of the same
//! base name and finds in a GeoPackage's `layer_styles` table.

use crate::model::Status;
use std::fmt::Write;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG and CSS.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// `r,g,b,a`, for QGIS.
    fn qgis(self, alpha: u8) -> String {
        format!("{},{},{},{alpha}", self.0, self.1, self.2)
    }
}

/// Classes of a commune's covered share: upper bound (inclusive) and colour, a
/// sequential green ramp (ColorBrewer "Greens"). The first class holds only 0.
pub const COVERAGE_CLASSES: [(f64, Rgb); 5] = [
    (0.0, Rgb(0xf7, 0xf7, 0xf7)),
    (0.5, Rgb(0xc7, 0xe9, 0xc0)),
    (0.9, Rgb(0x74, 0xc4, 0x76)),
    (0.999, Rgb(0x31, 0xa3, 0x54)),
    (1.0, Rgb(0x00, 0x6d, 0x2c)),
];

/// The class of a covered share in [`COVERAGE_CLASSES`].
pub fn coverage_class(share: f64) -> usize {
    COVERAGE_CLASSES
        .iter()
        .position(|&(upper, _)| share <= upper)
        .unwrap_or(COVERAGE_CLASSES.len() - 1)
}

/// White zones: the territory to act on, in a strong colour.
pub const WHITE_ZONE: Rgb = Rgb(0xe6, 0x55, 0x0d);
/// Overlaps: forbidden, hatched in a magenta that stands out from the greens of the
/// coverage classes and the orange of the white zones, in QGIS as in the report.
pub const OVERLAP: Rgb = Rgb(0xd0, 0x1c, 0x8b);
/// CPTS borders.
pub const BORDER: Rgb = Rgb(0x25, 0x25, 0x25);

/// A white zone a CPTS would take in (`cpts plan`).
pub const EXTENSION: Rgb = Rgb(0x1f, 0x77, 0xb4);
/// A candidate new CPTS, hatched.
pub const NEW_CPTS: Rgb = Rgb(0x25, 0x25, 0x25);

/// The colours of the CPTS taking white zones in on the plan's maps, one each in turn:
/// qualitative (Tableau 10 without its orange, the white zones', and its grey).
pub const TAKER_PALETTE: [Rgb; 8] = [
    Rgb(0x1f, 0x77, 0xb4),
    Rgb(0xd6, 0x27, 0x28),
    Rgb(0x2c, 0xa0, 0x2c),
    Rgb(0x94, 0x67, 0xbd),
    Rgb(0x8c, 0x56, 0x4b),
    Rgb(0xe3, 0x77, 0xc2),
    Rgb(0x17, 0xbe, 0xcf),
    Rgb(0xbc, 0xbd, 0x22),
];

/// The kinds of proposal of `proposals.geojson` and their French labels.
pub const PROPOSAL_KINDS: [(&str, &str); 3] = [
    ("extension", "extension d'une CPTS voisine"),
    ("nearest", "rattachement à la CPTS la plus proche"),
    ("new_cpts", "nouvelle CPTS proposée"),
];

/// The colour of a CPTS of `status`.
pub fn status_colour(status: Status) -> Rgb {
    match status {
        Status::SignataireAci => Rgb(0x21, 0x66, 0xac),
        Status::Projet => Rgb(0x67, 0xa9, 0xcf),
        Status::PreProjet => Rgb(0xd1, 0xe5, 0xf0),
    }
}

/// The French labels of the statuses, in the order of [`Status::ALL`], as planners say
/// them.
pub const STATUS_LABELS: [&str; 3] = ["signataire ACI", "projet de santé validé", "pré-projet"];

/// The French labels of the [`COVERAGE_CLASSES`].
pub const COVERAGE_LABELS: [&str; 5] = [
    "non couverte",
    "moins de 50 %",
    "50 à 90 %",
    "90 à 99,9 %",
    "99,9 à 100 %",
];

/// The colours of the APL classes 1 to 4 (under 1.5, 1.5 to 2.5, 2.5 to 4, 4 and
/// over, see [`crate::model::access::apl_class`]): a sequential red ramp, darkest where
/// doctors are scarcest (ColorBrewer "Reds").
pub const APL_CLASSES: [Rgb; 4] = [
    Rgb(0xa5, 0x0f, 0x15),
    Rgb(0xe3, 0x4a, 0x33),
    Rgb(0xfc, 0xa0, 0x82),
    Rgb(0xfe, 0xe5, 0xd9),
];
/// A unit without an APL.
pub const NO_APL: Rgb = Rgb(0xbd, 0xbd, 0xbd);
/// The outline of the white zones drawn over the APL classes: a dark blue that stands
/// out from the reds.
pub const APL_WHITE_ZONE: Rgb = Rgb(0x08, 0x30, 0x6b);

/// The French labels of the [`APL_CLASSES`], then of a unit without value.
pub const APL_LABELS: [&str; 5] = [
    "APL sous 1,5",
    "1,5 à 2,5",
    "2,5 à 4",
    "4 et plus",
    "sans valeur",
];

/// One fill symbol layer of QGIS (`SimpleFill`).
struct Fill {
    colour: Rgb,
    alpha: u8,
    /// Qt brush style: `solid`, `no`, `b_diagonal`…
    brush: &'static str,
    outline: Rgb,
    outline_mm: f64,
}

fn symbol(out: &mut String, name: usize, layers: &[Fill]) {
    let _ = writeln!(
        out,
        r#"      <symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">"#
    );
    for l in layers {
        out.push_str(r#"        <layer class="SimpleFill" enabled="1" locked="0" pass="0">"#);
        out.push('\n');
        let props = [
            ("color", l.colour.qgis(l.alpha)),
            ("style", l.brush.to_string()),
            ("outline_color", l.outline.qgis(255)),
            (
                "outline_style",
                if l.outline_mm > 0.0 { "solid" } else { "no" }.into(),
            ),
            ("outline_width", format!("{}", l.outline_mm)),
            ("outline_width_unit", "MM".into()),
            ("joinstyle", "bevel".into()),
        ];
        for (k, v) in props {
            let _ = writeln!(out, r#"          <prop k="{k}" v="{v}"/>"#);
        }
        out.push_str("        </layer>\n");
    }
    out.push_str("      </symbol>\n");
}

/// The look of one layer in QGIS: its renderer, and its labels if any, as QGIS XML.
pub struct Style {
    pub renderer: String,
    pub labelling: Option<&'static str>,
}

impl Style {
    /// The style as a QGIS style file (`.qml`).
    pub fn qml(&self) -> String {
        let mut out = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
        let _ = writeln!(
            out,
            r#"<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="{}">"#,
            u8::from(self.labelling.is_some())
        );
        out.push_str(&self.renderer);
        out.push_str(self.labelling.unwrap_or_default());
        out.push_str("</qgis>\n");
        out
    }
}

/// Communes: graduated colour on `class_share` (the covered share, contour debris
/// counted as covered).
fn communes() -> Style {
    let mut r = String::from(
        r#"  <renderer-v2 type="graduatedSymbol" attr="class_share" graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" enableorderby="0">"#,
    );
    r.push_str("\n    <ranges>\n");
    let mut lower = 0.0;
    for (k, &(upper, _)) in COVERAGE_CLASSES.iter().enumerate() {
        let _ = writeln!(
            r,
            r#"      <range render="true" symbol="{k}" lower="{lower}" upper="{upper}" label="{}"/>"#,
            COVERAGE_LABELS[k]
        );
        lower = upper;
    }
    r.push_str("    </ranges>\n    <symbols>\n");
    opaque_symbols(r, COVERAGE_CLASSES.iter().map(|&(_, colour)| colour))
}

/// Closes a categorized or graduated renderer `r` with one opaque fill per colour, in
/// order, outlined in thin grey: communes side by side.
fn opaque_symbols(mut r: String, colours: impl Iterator<Item = Rgb>) -> Style {
    for (k, colour) in colours.enumerate() {
        let fill = Fill {
            colour,
            alpha: 255,
            brush: "solid",
            outline: Rgb(0x96, 0x96, 0x96),
            outline_mm: 0.05,
        };
        symbol(&mut r, k, &[fill]);
    }
    r.push_str("    </symbols>\n  </renderer-v2>\n");
    Style {
        renderer: r,
        labelling: None,
    }
}

/// Communes by APL class (`apl_class` 1 to 4, see [`APL_CLASSES`]), grey without value:
/// the style of the second communes layer of the QGIS project when the run read an APL
/// table (`communes_apl.qml`).
fn communes_apl() -> Style {
    let mut r = String::from(
        r#"  <renderer-v2 type="categorizedSymbol" attr="apl_class" symbollevels="0" forceraster="0" enableorderby="0">"#,
    );
    r.push_str("\n    <categories>\n");
    for (k, label) in APL_LABELS.iter().enumerate() {
        // The last category, of no value, takes every other value (null).
        let value = match k < APL_CLASSES.len() {
            true => (k + 1).to_string(),
            false => String::new(),
        };
        let _ = writeln!(
            r,
            r#"      <category render="true" symbol="{k}" value="{value}" label="{label}"/>"#
        );
    }
    r.push_str("    </categories>\n    <symbols>\n");
    opaque_symbols(
        r,
        APL_CLASSES.iter().chain(std::iter::once(&NO_APL)).copied(),
    )
}

/// CPTS: unfilled, bordered in the colour of their status, labelled with the name.
fn cpts() -> Style {
    let mut r = String::from(
        r#"  <renderer-v2 type="categorizedSymbol" attr="statut" symbollevels="0" forceraster="0" enableorderby="0">"#,
    );
    r.push_str("\n    <categories>\n");
    for (k, status) in Status::ALL.iter().enumerate() {
        let _ = writeln!(
            r,
            r#"      <category render="true" symbol="{k}" value="{}" label="{}"/>"#,
            status.as_str(),
            STATUS_LABELS[status.index()]
        );
    }
    r.push_str("    </categories>\n    <symbols>\n");
    for (k, status) in Status::ALL.iter().enumerate() {
        // Unfilled, so that the communes' coverage classes show through in the colours
        // of their legend; the border in the status's colour.
        let fill = Fill {
            colour: status_colour(*status),
            alpha: 255,
            brush: "no",
            outline: status_colour(*status),
            outline_mm: 0.8,
        };
        symbol(&mut r, k, &[fill]);
    }
    r.push_str("    </symbols>\n  </renderer-v2>\n");
    let labels = concat!(
        "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n",
        "      <text-style fieldName=\"nom\" isExpression=\"0\" fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"37,37,37,255\" fontWeight=\"63\" namedStyle=\"Bold\">\n",
        "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\"/>\n",
        "      </text-style>\n",
        "      <text-format wrapChar=\"\" autoWrapLength=\"20\" multilineAlign=\"1\"/>\n",
        "      <placement placement=\"1\" fitInPolygonOnly=\"1\" centroidInside=\"1\"/>\n",
        "      <rendering obstacle=\"1\" displayAll=\"0\" limitNumLabels=\"0\"/>\n",
        "    </settings>\n  </labeling>\n",
    );
    Style {
        renderer: r,
        labelling: Some(labels),
    }
}

/// Proposals of the plan, by kind: a white zone taken in by a neighbouring CPTS in
/// blue, by the nearest CPTS stippled, a candidate new CPTS hatched; each labelled with
/// its white zone and the CPTS taking it (`ZB-0002 → NC-0001`).
fn proposals() -> Style {
    let mut r = String::from(
        r#"  <renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" forceraster="0" enableorderby="0">"#,
    );
    r.push_str("\n    <categories>\n");
    for (k, (kind, label)) in PROPOSAL_KINDS.iter().enumerate() {
        let _ = writeln!(
            r,
            r#"      <category render="true" symbol="{k}" value="{kind}" label="{label}"/>"#
        );
    }
    r.push_str("    </categories>\n    <symbols>\n");
    let taken = |brush| Fill {
        colour: EXTENSION,
        alpha: 255,
        brush,
        outline: EXTENSION,
        outline_mm: 0.5,
    };
    symbol(&mut r, 0, &[taken("solid")]);
    symbol(&mut r, 1, &[taken("dense4")]);
    let paper = Fill {
        colour: Rgb(0xff, 0xff, 0xff),
        alpha: 255,
        brush: "solid",
        outline: NEW_CPTS,
        outline_mm: 0.0,
    };
    let hatch = Fill {
        colour: NEW_CPTS,
        alpha: 255,
        brush: "b_diagonal",
        outline: NEW_CPTS,
        outline_mm: 0.5,
    };
    symbol(&mut r, 2, &[paper, hatch]);
    r.push_str("    </symbols>\n  </renderer-v2>\n");
    let labels = concat!(
        "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n",
        "      <text-style fieldName=\"concat(&quot;white_zone&quot;, ' → ', &quot;cpts&quot;)\" isExpression=\"1\" fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"37,37,37,255\" fontWeight=\"63\" namedStyle=\"Bold\">\n",
        "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\"/>\n",
        "      </text-style>\n",
        "      <placement placement=\"1\" fitInPolygonOnly=\"0\" centroidInside=\"1\"/>\n",
        "      <rendering obstacle=\"1\" displayAll=\"1\" limitNumLabels=\"0\"/>\n",
        "    </settings>\n  </labeling>\n",
    );
    Style {
        renderer: r,
        labelling: Some(labels),
    }
}

/// A layer drawn in one symbol.
fn single(layers: &[Fill]) -> Style {
    let mut r = String::from(
        r#"  <renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0">"#,
    );
    r.push_str("\n    <symbols>\n");
    symbol(&mut r, 0, layers);
    r.push_str("    </symbols>\n  </renderer-v2>\n");
    Style {
        renderer: r,
        labelling: None,
    }
}

/// The QGIS style of the layer called `name` (see [`crate::write::layers::Layers`], and
/// `proposals`, the plan's).
pub fn style(name: &str) -> Option<Style> {
    match name {
        "communes" => Some(communes()),
        "communes_apl" => Some(communes_apl()),
        "cpts" => Some(cpts()),
        "proposals" => Some(proposals()),
        "white_zones" => Some(single(&[Fill {
            colour: WHITE_ZONE,
            alpha: 230,
            brush: "solid",
            outline: Rgb(0xa6, 0x36, 0x03),
            outline_mm: 0.3,
        }])),
        "overlaps" => Some(single(&[Fill {
            colour: OVERLAP,
            alpha: 255,
            brush: "b_diagonal",
            outline: OVERLAP,
            outline_mm: 0.5,
        }])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_fall_in_their_class() {
        assert_eq!(coverage_class(0.0), 0);
        assert_eq!(coverage_class(1e-9), 1);
        assert_eq!(coverage_class(0.5), 1);
        assert_eq!(coverage_class(0.95), 3);
        assert_eq!(coverage_class(1.0), 4);
    }
}
