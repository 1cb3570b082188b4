//! The report's maps, as inline SVG: communes coloured by their covered share, white
//! zones, overlaps (hatched, a dot marking those too small to see) and CPTS borders in
//! the colours of their statuses. The national map draws metropolitan France with an inset for each overseas
//! département; a focus map draws one département or region, commune by commune, with
//! each commune's figures on hover and the CPTS named. Either map draws the plan
//! instead when given one (see [`crate::report::plan_map`]). Shapes are drawn in
//! frames (see [`crate::report::map_frame`]).

use crate::geometry::envelope::extent;
use crate::model::Status;
use crate::report::map_frame::{
    inside, joined_paths, path_data, place_labels, text, white_zones, Frame, Label,
};
use crate::report::plan_map::{plan_defs, PlanLayer};
use crate::write::layers::{Layers, MapFeature};
use crate::write::style::{
    coverage_class, status_colour, APL_CLASSES, APL_WHITE_ZONE, BORDER, COVERAGE_CLASSES, NO_APL,
    OVERLAP, STATUS_LABELS,
};
use crate::write::xml::escape;
use geo::{Area, BoundingRect, InteriorPoint};
use std::collections::BTreeSet;
use std::fmt::Write;

/// An overlap drawn narrower than this many pixels (the side of a square of its area),
/// or whose box is smaller than twice that, is marked by a dot.
const SMALLEST_OVERLAP: f64 = 4.0;
/// The radius of that dot, in pixels.
const OVERLAP_DOT: f64 = 3.5;

/// Shared definitions: the overlap hatching.
const DEFS: &str = concat!(
    "<defs><pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" ",
    "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"#ffffff\" fill-opacity=\"0.5\"/>",
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"OVERLAP\" stroke-width=\"2\"/></pattern></defs>"
);

/// The overseas départements drawn as insets, with their names.
const INSETS: [(&str, &str); 5] = [
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

/// What a national map draws: the coverage, the plan, or access to general
/// practitioners.
#[derive(Clone, Copy)]
enum Theme<'a> {
    Coverage,
    Plan(&'a PlanLayer<'a>),
    Apl,
}

/// Draws the layers that fall in `frame`, clipped to it: the plan when given one, else
/// the coverage.
fn draw_frame(
    svg: &mut String,
    id: &str,
    frame: &Frame,
    communes: &[&MapFeature],
    layers: &Layers,
    theme: Theme,
    detailed: bool,
) {
    let [x, y, w, h] = frame.clip;
    let _ = write!(
        svg,
        "<clipPath id=\"clip-{id}\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\"/></clipPath><g clip-path=\"url(#clip-{id})\">"
    );
    match theme {
        Theme::Plan(plan) => plan.draw(svg, frame, communes, layers, detailed),
        Theme::Coverage => coverage(svg, frame, communes, layers, detailed),
        Theme::Apl => apl(svg, frame, communes, layers),
    }
    svg.push_str("</g>");
}

/// The communes as one path per APL class (grey without value), the white zones
/// outlined and hatched over them.
fn apl(svg: &mut String, frame: &Frame, communes: &[&MapFeature], layers: &Layers) {
    let tolerance = 0.5;
    let mut classes = vec![Vec::new(); APL_CLASSES.len() + 1];
    for f in communes {
        let class = f
            .properties
            .get("apl_class")
            .and_then(|v| v.as_u64())
            .filter(|c| (1..=4).contains(c));
        classes[class.map_or(APL_CLASSES.len(), |c| c as usize - 1)].push(*f);
    }
    let colours = APL_CLASSES.iter().chain(std::iter::once(&NO_APL));
    for (k, (list, colour)) in classes.iter().zip(colours).enumerate() {
        let d = joined_paths(list, frame, tolerance);
        if !d.is_empty() {
            let _ = write!(
                svg,
                "<path class=\"apl-class\" data-class=\"{}\" fill=\"{1}\" stroke=\"{1}\" stroke-width=\"0.5\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"{d}\"/>",
                match k {
                    4 => "none".to_string(),
                    _ => (k + 1).to_string(),
                },
                colour.hex()
            );
        }
    }
    let zones = inside(layers, "white_zones", frame);
    let d = joined_paths(&zones, frame, tolerance);
    if !d.is_empty() {
        let _ = write!(
            svg,
            "<path class=\"white-zones\" fill=\"url(#apl-hatch)\" stroke=\"{}\" stroke-width=\"1.2\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"{d}\"/>",
            APL_WHITE_ZONE.hex()
        );
    }
}

/// The coverage in `frame`: communes (whole classes as single paths, or one element
/// each with a tooltip when `detailed`), white zones, CPTS borders and overlaps.
fn coverage(
    svg: &mut String,
    frame: &Frame,
    communes: &[&MapFeature],
    layers: &Layers,
    detailed: bool,
) {
    let tolerance = if detailed { 0.3 } else { 0.5 };
    if detailed {
        commune_elements(svg, communes, frame, tolerance);
    } else {
        coverage_classes(svg, communes, frame, tolerance);
    }
    white_zones(svg, &inside(layers, "white_zones", frame), frame, tolerance);
    cpts_borders(
        svg,
        &inside(layers, "cpts", frame),
        frame,
        tolerance,
        detailed,
    );
    overlaps(svg, &inside(layers, "overlaps", frame), frame, tolerance);
}

/// Each commune as its own path, coloured by its covered share, its figures on hover.
fn commune_elements(svg: &mut String, communes: &[&MapFeature], frame: &Frame, tolerance: f64) {
    for f in communes {
        let share = number(f, "covered_share");
        let _ = write!(
            svg,
            "<path fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.3\" vector-effect=\"non-scaling-stroke\" d=\"",
            COVERAGE_CLASSES[coverage_class(number(f, "class_share"))].1.hex()
        );
        path_data(svg, &f.geometry, frame, tolerance);
        let _ = write!(
            svg,
            "\"><title>{} ({}) : {:.0} hab., {:.0} % couverts</title></path>",
            escape(text(f, "nom")),
            escape(text(f, "code")),
            number(f, "population"),
            100.0 * share
        );
    }
}

/// The communes as one path per class of covered share.
fn coverage_classes(svg: &mut String, communes: &[&MapFeature], frame: &Frame, tolerance: f64) {
    let mut classes = vec![Vec::new(); COVERAGE_CLASSES.len()];
    for f in communes {
        classes[coverage_class(number(f, "class_share"))].push(*f);
    }
    let classes: Vec<String> = classes
        .iter()
        .map(|list| joined_paths(list, frame, tolerance))
        .collect();
    for (d, (_, colour)) in classes.iter().zip(COVERAGE_CLASSES) {
        if !d.is_empty() {
            // A hairline of the fill colour closes the anti-aliasing seams between
            // neighbours and keeps the smallest communes visible.
            let _ = write!(
                svg,
                "<path fill=\"{0}\" stroke=\"{0}\" stroke-width=\"0.5\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"{d}\"/>",
                colour.hex()
            );
        }
    }
}

/// The colour of a CPTS's status on the maps, that of its QGIS style; the plain border
/// colour when the status is unknown.
fn status_of(f: &MapFeature) -> Option<Status> {
    Status::parse(text(f, "statut"))
}

/// The CPTS borders: a dark casing under all of them, then each in the colour of its
/// status (as in QGIS), strongest last. On a focus map (`detailed`) each CPTS is its
/// own element, named with its status on hover; otherwise one path per status.
fn cpts_borders(
    svg: &mut String,
    cpts: &[&MapFeature],
    frame: &Frame,
    tolerance: f64,
    detailed: bool,
) {
    let (width, casing) = if detailed { (2.0, 3.4) } else { (0.7, 1.3) };
    let borders = joined_paths(cpts, frame, tolerance);
    if borders.is_empty() {
        return;
    }
    let _ = write!(
        svg,
        "<path class=\"cpts-borders\" fill=\"none\" stroke=\"{}\" stroke-opacity=\"0.8\" stroke-width=\"{casing}\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"{borders}\"/>",
        BORDER.hex()
    );
    let statuses = Status::ALL.iter().rev().map(|&s| Some(s));
    for status in std::iter::once(None).chain(statuses) {
        let list: Vec<&MapFeature> = cpts
            .iter()
            .filter(|f| status_of(f) == status)
            .copied()
            .collect();
        let (colour, key) = match status {
            Some(s) => (status_colour(s), s.as_str()),
            None => (BORDER, "other"),
        };
        let open = format!(
            "<path class=\"cpts-status\" data-status=\"{key}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"",
            colour.hex()
        );
        if detailed {
            for f in list {
                svg.push_str(&open);
                path_data(svg, &f.geometry, frame, tolerance);
                let status = status.map_or("", |s| STATUS_LABELS[s.index()]);
                let _ = write!(
                    svg,
                    "\"><title>{} ({status})</title></path>",
                    escape(text(f, "nom"))
                );
            }
        } else {
            let d = joined_paths(&list, frame, tolerance);
            if !d.is_empty() {
                let _ = write!(svg, "{open}{d}\"/>");
            }
        }
    }
}

/// The overlaps, each with the two CPTS on hover: hatched, or, when drawn too small to
/// be seen (see [`SMALLEST_OVERLAP`]; most of them on the national map), a dot at a
/// point inside it.
fn overlaps(svg: &mut String, overlaps: &[&MapFeature], frame: &Frame, tolerance: f64) {
    let colour = OVERLAP.hex();
    for f in overlaps {
        let Some(r) = f.geometry.bounding_rect() else {
            continue;
        };
        let (a, b) = (frame.project(r.min()), frame.project(r.max()));
        let across = (b.x - a.x).abs().max((b.y - a.y).abs());
        let side = frame.pixel_area(f.geometry.unsigned_area()).sqrt();
        let title = format!(
            "<title>{} × {}</title>",
            escape(text(f, "cpts_a")),
            escape(text(f, "cpts_b"))
        );
        if across >= 2.0 * SMALLEST_OVERLAP && side >= SMALLEST_OVERLAP {
            let _ = write!(
                svg,
                "<path class=\"overlap\" fill=\"url(#hatch)\" stroke=\"{colour}\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\" d=\""
            );
            path_data(svg, &f.geometry, frame, tolerance);
            let _ = write!(svg, "\">{title}</path>");
        } else if let Some(point) = f.geometry.interior_point() {
            let p = frame.project(point.0);
            let _ = write!(
                svg,
                "<circle class=\"overlap\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{OVERLAP_DOT}\" fill=\"{colour}\" stroke=\"#000000\" stroke-width=\"0.8\" vector-effect=\"non-scaling-stroke\">{title}</circle>",
                p.x,
                p.y
            );
        }
    }
}

fn number(f: &MapFeature, key: &str) -> f64 {
    f.properties
        .get(key)
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The opening of a map and its definitions, the plan's hatching with a plan, the
/// white zones' hatching on the APL map.
fn open_svg(width: f64, height: f64, label: &str, theme: Theme) -> String {
    let extra = match theme {
        Theme::Plan(_) => plan_defs(),
        Theme::Apl => format!(
            "<defs><pattern id=\"apl-hatch\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"{}\" stroke-width=\"1.2\"/></pattern></defs>",
            APL_WHITE_ZONE.hex()
        ),
        Theme::Coverage => String::new(),
    };
    format!(
        "<svg class=\"map zoomable\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">{}{extra}",
        escape(label),
        DEFS.replace("OVERLAP", &OVERLAP.hex()),
    )
}

/// The national map: metropolitan France (or whatever metropolitan communes were
/// supplied) and an inset for each overseas département present; the plan when given.
pub fn national_map(layers: &Layers, plan: Option<&PlanLayer>, label: &str) -> String {
    let theme = match plan {
        Some(plan) => Theme::Plan(plan),
        None => Theme::Coverage,
    };
    national(layers, theme, label)
}

/// The national map of the communes by APL class, the white zones over them.
pub fn apl_map(layers: &Layers, label: &str) -> String {
    national(layers, Theme::Apl, label)
}

fn national(layers: &Layers, theme: Theme, label: &str) -> String {
    const WIDTH: f64 = 1000.0;
    const HEIGHT: f64 = 820.0;
    const SIDE: f64 = 180.0;
    // The metropole's communes, then each inset's, read in one pass.
    let mut frames: Vec<Vec<&MapFeature>> = vec![Vec::new(); INSETS.len() + 1];
    for f in layers.get("communes") {
        let departement = text(f, "departement");
        let inset = INSETS.iter().position(|(d, _)| departement == *d);
        frames[inset.map_or(0, |k| k + 1)].push(f);
    }
    let metropole = std::mem::take(&mut frames[0]);
    let insets: Vec<(&str, Vec<&MapFeature>)> = INSETS
        .iter()
        .zip(frames.into_iter().skip(1))
        .map(|((_, name), list)| (*name, list))
        .filter(|(_, list)| !list.is_empty())
        .collect();
    let main_width = if insets.is_empty() {
        WIDTH
    } else {
        WIDTH - SIDE - 10.0
    };
    let mut svg = open_svg(WIDTH, HEIGHT, label, theme);
    let id = |frame: &str| match theme {
        Theme::Plan(_) => format!("plan-{frame}"),
        Theme::Apl => format!("apl-{frame}"),
        Theme::Coverage => frame.to_string(),
    };
    if let Some(bbox) = extent(metropole.iter().map(|f| f.geometry.as_ref())) {
        let frame = Frame::fit(bbox, [0.0, 0.0, main_width, HEIGHT]);
        let metropole_id = id("metropole");
        draw_frame(
            &mut svg,
            &metropole_id,
            &frame,
            &metropole,
            layers,
            theme,
            false,
        );
    }
    let slot = HEIGHT / INSETS.len() as f64;
    for (k, (name, list)) in insets.iter().enumerate() {
        let Some(bbox) = extent(list.iter().map(|f| f.geometry.as_ref())) else {
            continue;
        };
        let (x, y) = (WIDTH - SIDE, k as f64 * slot);
        let frame = Frame::fit(bbox, [x + 6.0, y + 20.0, SIDE - 12.0, slot - 26.0]);
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{:.1}\" width=\"{SIDE}\" height=\"{:.1}\" fill=\"none\" stroke=\"#bbbbbb\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"inset\">{}</text>",
            y + 2.0,
            slot - 4.0,
            x + 6.0,
            y + 16.0,
            escape(name)
        );
        let inset_id = id(&format!("inset-{k}"));
        draw_frame(&mut svg, &inset_id, &frame, list, layers, theme, false);
    }
    svg.push_str("</svg>");
    svg
}

/// A map of the communes `selected` keeps (a département or a region), one element per
/// commune, neighbouring communes in grey for context, CPTS named (the plan instead,
/// labelled, when given); `None` when no commune is selected.
pub fn focus_map(
    layers: &Layers,
    selected: impl Fn(&MapFeature) -> bool,
    plan: Option<&PlanLayer>,
    label: &str,
) -> Option<String> {
    const WIDTH: f64 = 1000.0;
    const HEIGHT: f64 = 760.0;
    let communes = layers.get("communes");
    let chosen: Vec<&MapFeature> = communes.iter().filter(|f| selected(f)).collect();
    let bbox = extent(chosen.iter().map(|f| f.geometry.as_ref()))?;
    let frame = Frame::fit(bbox, [0.0, 0.0, WIDTH, HEIGHT]);
    let theme = match plan {
        Some(plan) => Theme::Plan(plan),
        None => Theme::Coverage,
    };
    let mut svg = open_svg(WIDTH, HEIGHT, label, theme);
    // Context: the other communes of the frame, in grey.
    let around: Vec<&MapFeature> = communes
        .iter()
        .filter(|f| !selected(f))
        .filter(|f| f.geometry.bounding_rect().is_some_and(|r| frame.sees(r)))
        .collect();
    let context = joined_paths(&around, &frame, 0.5);
    if !context.is_empty() {
        // Lighter under the plan, whose communes are grey.
        let grey = if plan.is_some() { "#f2f2f2" } else { "#e4e4e4" };
        let _ = write!(
            svg,
            "<path fill=\"{grey}\" stroke=\"#ffffff\" stroke-width=\"0.3\" d=\"{context}\"/>"
        );
    }
    let id = if plan.is_some() {
        "plan-focus"
    } else {
        "focus"
    };
    draw_frame(&mut svg, id, &frame, &chosen, layers, theme, true);
    if plan.is_some() {
        svg.push_str("</svg>");
        return Some(svg);
    }
    // The CPTS of the focus's départements are named.
    let departements: BTreeSet<&str> = chosen.iter().map(|f| text(f, "departement")).collect();
    let named = layers.get("cpts").iter().filter(|f| {
        text(f, "departements")
            .split(',')
            .any(|d| departements.contains(d))
    });
    let labels: Vec<Label> = named
        .map(|f| Label {
            shape: &f.geometry,
            lines: vec![text(f, "nom")],
            size: 9.0,
            rank: 0,
            weight: number(f, "population"),
        })
        .collect();
    svg.push_str("<g text-anchor=\"middle\">");
    place_labels(&mut svg, &frame, labels, Some("cpts-label"));
    svg.push_str("</g>");
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::layers::Properties;
    use geo::{polygon, MultiPolygon};
    use serde_json::json;
    use std::borrow::Cow;

    /// An overlap of CPTS `a` and `b` over the square of side `side` degrees at `x`.
    fn overlap(x: f64, side: f64, a: &str, b: &str) -> MapFeature<'static> {
        let square = polygon![
            (x: x, y: 0.0), (x: x + side, y: 0.0), (x: x + side, y: side), (x: x, y: side), (x: x, y: 0.0)
        ];
        MapFeature {
            properties: Properties::Object(
                json!({"cpts_a": a, "cpts_b": b})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
            geometry: Cow::Owned(MultiPolygon::new(vec![square])),
        }
    }

    #[test]
    fn an_overlap_too_small_to_see_is_marked_by_a_dot_and_each_is_named() {
        // One degree in 100 pixels: a square of 0.02° is 2 px wide, one of 0.5° 50 px.
        let (small, large) = (overlap(0.0, 0.02, "A", "B"), overlap(0.5, 0.5, "C", "D"));
        let bbox = geo::Rect::new((0.0, 0.0), (1.0, 1.0));
        let frame = Frame::fit(bbox, [0.0, 0.0, 100.0, 100.0]);
        let mut svg = String::new();
        overlaps(&mut svg, &[&small, &large], &frame, 0.5);
        let dot = format!(
            "<circle class=\"overlap\" cx=\"1\" cy=\"99\" r=\"3.5\" fill=\"{}\"",
            OVERLAP.hex()
        );
        assert!(svg.replace(".0\"", "\"").starts_with(&dot), "{svg}");
        assert!(svg.contains("<title>A × B</title></circle>"), "{svg}");
        assert!(
            svg.contains("<path class=\"overlap\" fill=\"url(#hatch)\""),
            "{svg}"
        );
        assert!(svg.contains("<title>C × D</title></path>"), "{svg}");
        assert_eq!(svg.matches("class=\"overlap\"").count(), 2);
    }
}
