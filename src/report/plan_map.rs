//! The plan on the report's maps (`cpts plan`): each white zone proposed for an
//! existing CPTS filled in that CPTS's colour, the CPTS outlined and tinted in it; each
//! candidate new CPTS hatched and labelled; over the communes in grey, the white zones
//! left without a proposal in their own colour. Every proposal is an element naming its
//! white zone or candidate (`data-proposal`) and the CPTS taking it (`data-cpts`).

use crate::geometry::envelope;
use crate::report::map_frame::{
    inside, joined_paths, path_data, place_labels, text, white_zones, Frame, Label,
};
use crate::report::numbers::Lang;
use crate::write::layers::{Layers, MapFeature};
use crate::write::style::{Rgb, NEW_CPTS, TAKER_PALETTE, WHITE_ZONE};
use crate::write::xml::escape;
use geo::{Area, BoundingRect, Intersects, Rect};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The grey of the communes under the plan: on the national map, and on a focus map
/// (darker than the communes around the focus).
const GROUND: Rgb = Rgb(0xe2, 0xe2, 0xe2);
const FOCUS_GROUND: Rgb = Rgb(0xd6, 0xd6, 0xd6);
/// The grey of the CPTS borders under the plan.
const CPTS_LINE: Rgb = Rgb(0x8a, 0x8a, 0x8a);

/// The hatching of the candidate new CPTS.
pub(super) fn plan_defs() -> String {
    format!(
        "<defs><pattern id=\"plan-hatch\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"{}\" stroke-width=\"1.6\"/></pattern></defs>",
        NEW_CPTS.hex()
    )
}

/// The proposals of a plan (the features of `proposals.geojson`), the white zones left
/// without one, and the colour of each CPTS taking a white zone in.
pub struct PlanLayer<'p> {
    proposals: &'p [MapFeature<'p>],
    /// Ids of the white zones no proposal covers.
    left: &'p [String],
    /// Each taking CPTS by id, in the order of its first proposal, with its colour: of
    /// [`TAKER_PALETTE`], the first that no CPTS before it near it has and fewest have
    /// (all differ up to eight; the same colours on every map).
    takers: Vec<(&'p str, Rgb)>,
}

/// The rectangle holding `a` and `b`, either of which may be missing.
fn joined(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> Option<Rect<f64>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(envelope::joined(a, b)),
        (a, b) => a.or(b),
    }
}

/// Whether a proposal gives a white zone to an existing CPTS (an extension or the
/// nearest CPTS) rather than to a new one.
fn taken(f: &MapFeature) -> bool {
    text(f, "kind") != "new_cpts"
}

impl<'p> PlanLayer<'p> {
    /// The plan's layer; `cpts` (the CPTS layer) places the taking CPTS, so that two
    /// whose territories (with the zones they take) come near differ in colour.
    pub fn new(
        proposals: &'p [MapFeature<'p>],
        left: &'p [String],
        cpts: &[MapFeature],
    ) -> PlanLayer<'p> {
        let mut reach: Vec<(&str, Option<Rect<f64>>)> = Vec::new();
        for f in proposals.iter().filter(|f| taken(f)) {
            let id = text(f, "cpts");
            let zone = f.geometry.bounding_rect();
            match reach.iter_mut().find(|(t, _)| *t == id) {
                Some((_, r)) => *r = joined(*r, zone),
                None => {
                    let own = cpts.iter().find(|c| text(c, "id") == id);
                    reach.push((
                        id,
                        joined(zone, own.and_then(|c| c.geometry.bounding_rect())),
                    ));
                }
            }
        }
        let mut takers: Vec<(&str, Rgb)> = Vec::new();
        for (k, &(id, area)) in reach.iter().enumerate() {
            let near: Vec<Rgb> = reach[..k]
                .iter()
                .zip(&takers)
                .filter(|((_, other), _)| match (area, other) {
                    (Some(a), Some(b)) => a.intersects(b),
                    _ => false,
                })
                .map(|(_, &(_, colour))| colour)
                .collect();
            let colour = TAKER_PALETTE
                .iter()
                .copied()
                .min_by_key(|c| {
                    let used = takers.iter().filter(|(_, t)| t == c).count();
                    (near.contains(c), used)
                })
                .unwrap_or(TAKER_PALETTE[0]);
            takers.push((id, colour));
        }
        PlanLayer {
            proposals,
            left,
            takers,
        }
    }

    /// The colour of CPTS `id` if it takes a white zone in.
    fn colour(&self, id: &str) -> Option<Rgb> {
        self.takers.iter().find(|(t, _)| *t == id).map(|&(_, c)| c)
    }

    /// Draws the plan in `frame` over `communes`: the communes in grey, the white zones,
    /// each taking CPTS tinted and outlined in its colour over the other CPTS borders,
    /// the zones it takes filled in it, the candidates hatched, then the labels of the
    /// proposals and, when `detailed`, of the taking CPTS.
    pub(super) fn draw(
        &self,
        svg: &mut String,
        frame: &Frame,
        communes: &[&MapFeature],
        layers: &Layers,
        detailed: bool,
    ) {
        let tolerance = if detailed { 0.3 } else { 0.5 };
        let ground = joined_paths(communes, frame, tolerance);
        if !ground.is_empty() {
            let (fill, line, width) = match detailed {
                true => (FOCUS_GROUND, Rgb(0xff, 0xff, 0xff), 0.3),
                false => (GROUND, GROUND, 0.5),
            };
            let _ = write!(
                svg,
                "<path fill=\"{}\" stroke=\"{}\" stroke-width=\"{width}\" vector-effect=\"non-scaling-stroke\" d=\"{ground}\"/>",
                fill.hex(),
                line.hex()
            );
        }
        white_zones(svg, &inside(layers, "white_zones", frame), frame, tolerance);
        let cpts = inside(layers, "cpts", frame);
        let borders = joined_paths(&cpts, frame, tolerance);
        if !borders.is_empty() {
            let _ = write!(
                svg,
                "<path class=\"cpts-borders\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" vector-effect=\"non-scaling-stroke\" d=\"{borders}\"/>",
                CPTS_LINE.hex(),
                if detailed { 0.8 } else { 0.4 }
            );
        }
        let outline = if detailed { 2.5 } else { 1.2 };
        for f in &cpts {
            let id = text(f, "id");
            if let Some(colour) = self.colour(id) {
                let _ = write!(
                    svg,
                    "<path class=\"taker\" data-cpts=\"{}\" fill=\"{c}\" fill-opacity=\"0.15\" stroke=\"{c}\" stroke-width=\"{outline}\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"",
                    escape(id),
                    c = colour.hex()
                );
                path_data(svg, &f.geometry, frame, tolerance);
                let _ = write!(svg, "\"><title>{}</title></path>", escape(text(f, "nom")));
            }
        }
        let shown: Vec<&MapFeature> = self
            .proposals
            .iter()
            .filter(|f| f.geometry.bounding_rect().is_some_and(|r| frame.sees(r)))
            .collect();
        for f in &shown {
            self.proposal(svg, f, frame, tolerance);
        }
        svg.push_str("<g class=\"plan-labels\" font-weight=\"600\" fill=\"#222222\" stroke=\"#ffffff\" stroke-width=\"2.5\" stroke-linejoin=\"round\" paint-order=\"stroke\" text-anchor=\"middle\">");
        // The proposals' labels first, the larger zones first; then, on a focus map,
        // the names of the taking CPTS where there is room left.
        let mut labels: Vec<Label> = shown
            .iter()
            .map(|f| Label {
                shape: &f.geometry,
                lines: match (taken(f), detailed) {
                    (true, _) => vec![text(f, "white_zone")],
                    (false, true) => vec![text(f, "cpts"), text(f, "nom")],
                    (false, false) => vec![text(f, "cpts")],
                },
                size: if detailed { 10.0 } else { 8.0 },
                rank: 0,
                weight: f.geometry.unsigned_area(),
            })
            .collect();
        if detailed {
            labels.extend(
                cpts.iter()
                    .filter(|f| self.colour(text(f, "id")).is_some())
                    .map(|f| Label {
                        shape: &f.geometry,
                        lines: vec![text(f, "nom")],
                        size: 11.0,
                        rank: 1,
                        weight: f.geometry.unsigned_area(),
                    }),
            );
        }
        place_labels(svg, frame, labels, None);
        svg.push_str("</g>");
    }

    /// One proposal, its class its kind (`extension`, `nearest`, `new-cpts`): a white
    /// zone filled in the colour of the CPTS taking it, or a candidate hatched; what it
    /// is on hover.
    fn proposal(&self, svg: &mut String, f: &MapFeature, frame: &Frame, tolerance: f64) {
        let (zone, cpts, nom) = (text(f, "white_zone"), text(f, "cpts"), text(f, "nom"));
        let (class, id, fill, stroke) = match self.colour(cpts).filter(|_| taken(f)) {
            Some(colour) => (text(f, "kind"), zone, colour.hex(), colour.hex()),
            None => ("new-cpts", cpts, "url(#plan-hatch)".into(), NEW_CPTS.hex()),
        };
        let _ = write!(
            svg,
            "<path class=\"proposal {class}\" data-proposal=\"{}\" data-cpts=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\" stroke-linejoin=\"round\" vector-effect=\"non-scaling-stroke\" d=\"",
            escape(id),
            escape(cpts)
        );
        path_data(svg, &f.geometry, frame, tolerance);
        let _ = write!(
            svg,
            "\"><title>{} → {} {}</title></path>",
            escape(zone),
            escape(cpts),
            escape(nom)
        );
    }

    /// The legend of a plan map: each taking CPTS with the zones it takes, the
    /// candidates' hatching, and the white zones left without a proposal when there are
    /// some; `codes` are the communes of a focus, whose proposals alone are listed
    /// (`None`: all).
    pub fn legend(&self, layers: &Layers, codes: Option<&BTreeSet<&str>>, lang: Lang) -> String {
        let w = match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        };
        let kept = |f: &&MapFeature| {
            codes.is_none_or(|codes| text(f, "communes").split(',').any(|c| codes.contains(c)))
        };
        let mut l = String::from("<div class=\"legend\">");
        for &(id, colour) in &self.takers {
            let zones: Vec<&str> = self
                .proposals
                .iter()
                .filter(kept)
                .filter(|f| taken(f) && text(f, "cpts") == id)
                .map(|f| text(f, "white_zone"))
                .collect();
            let Some(nom) = self
                .proposals
                .iter()
                .find(|f| taken(f) && text(f, "cpts") == id)
                .map(|f| text(f, "nom"))
            else {
                continue;
            };
            if !zones.is_empty() {
                let _ = write!(
                    l,
                    "<span><i class=\"sw\" style=\"background:{c};border:2px solid {c}\"></i>{} {} {}</span>",
                    escape(nom),
                    w.takes,
                    escape(&zones.join(", ")),
                    c = colour.hex()
                );
            }
        }
        if self.proposals.iter().filter(kept).any(|f| !taken(f)) {
            let _ = write!(
                l,
                "<span><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,{} 0 2px,#fff 2px 5px)\"></i>{}</span>",
                NEW_CPTS.hex(),
                w.new_cpts
            );
        }
        let left = layers
            .get("white_zones")
            .iter()
            .filter(kept)
            .any(|f| self.left.iter().any(|id| id == text(f, "id")));
        if left {
            let _ = write!(
                l,
                "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
                WHITE_ZONE.hex(),
                w.left
            );
        }
        let _ = write!(
            l,
            "<span><i class=\"sw\" style=\"background:#fff;border:2px solid {}\"></i>{}</span></div>",
            CPTS_LINE.hex(),
            w.border
        );
        l
    }
}

/// The words of a plan map's legend.
struct Words {
    takes: &'static str,
    new_cpts: &'static str,
    left: &'static str,
    border: &'static str,
}

const FR: Words = Words {
    takes: "prend",
    new_cpts: "nouvelle CPTS proposée",
    left: "zone blanche sans proposition",
    border: "limite de CPTS",
};

const EN: Words = Words {
    takes: "takes",
    new_cpts: "proposed new CPTS",
    left: "white zone with no proposal",
    border: "CPTS border",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::layers::Properties;
    use geo::{MultiPolygon, Polygon};
    use serde_json::json;
    use std::borrow::Cow;

    /// A feature over the unit square at `x` with the properties of `value`.
    fn square(x: f64, value: serde_json::Value) -> MapFeature<'static> {
        let ring = vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0), (x, 0.0)];
        MapFeature {
            properties: Properties::Object(value.as_object().unwrap().clone()),
            geometry: Cow::Owned(MultiPolygon::new(vec![Polygon::new(ring.into(), vec![])])),
        }
    }

    /// Nine extensions, by CPTS `T0`…`T8`, the zone of `Tk` at `at(k)`; the CPTS layer
    /// empty. The colour of each.
    fn colours(at: impl Fn(usize) -> f64) -> Vec<Rgb> {
        let proposals: Vec<MapFeature> = (0..9)
            .map(|k| {
                square(
                    at(k),
                    json!({"kind": "extension", "cpts": format!("T{k}"), "white_zone": format!("ZB-{k}")}),
                )
            })
            .collect();
        let layer = PlanLayer::new(&proposals, &[], &[]);
        (0..9)
            .map(|k| layer.colour(&format!("T{k}")).unwrap())
            .collect()
    }

    #[test]
    fn takers_differ_in_colour_and_a_ninth_takes_one_no_neighbour_has() {
        // Apart from each other: the eight colours, then the first again.
        let apart = colours(|k| 2.0 * k as f64);
        assert_eq!(apart[..8], TAKER_PALETTE);
        assert_eq!(apart[8], TAKER_PALETTE[0]);
        // The ninth over the first's zone: the second colour, which its neighbour lacks.
        let near = colours(|k| if k == 8 { 0.5 } else { 2.0 * k as f64 });
        assert_eq!(near[..8], TAKER_PALETTE);
        assert_eq!(near[8], TAKER_PALETTE[1]);
    }
}
