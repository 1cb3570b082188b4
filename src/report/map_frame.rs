//! The frames of the report's SVG maps and the shapes drawn in them. Shapes are
//! projected per frame (equirectangular around the frame's mid-latitude, which is
//! within a few per cent of a conformal map at these extents), simplified to half a
//! pixel (Ramer–Douglas–Peucker) and written as relative path data to 0.1 px.

use crate::geometry::grid::rings;
use crate::geometry::simplify::simplified;
use crate::write::layers::{Layers, MapFeature};
use crate::write::style::WHITE_ZONE;
use geo::{BoundingRect, Contains, Coord, InteriorPoint, MultiPolygon, Point, Rect};
use rayon::prelude::*;
use std::fmt::Write;

/// A box of the SVG and the lon/lat rectangle it shows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// Pixel position of longitude `lon0` and latitude `lat1` (the top-left corner).
    x: f64,
    y: f64,
    lon0: f64,
    lat1: f64,
    /// Pixels per degree of longitude and of latitude.
    kx: f64,
    ky: f64,
    /// The pixel box the frame may draw in.
    pub(super) clip: [f64; 4],
}

impl Frame {
    /// The frame showing `bbox` (lon/lat) as large as fits in the box `[x, y, w, h]`,
    /// centred.
    pub(super) fn fit(bbox: Rect<f64>, [x, y, w, h]: [f64; 4]) -> Frame {
        let mid = (bbox.min().y + bbox.max().y) / 2.0;
        let squeeze = mid.to_radians().cos().max(0.1);
        let (dx, dy) = ((bbox.width() * squeeze).max(1e-9), bbox.height().max(1e-9));
        let scale = (w / dx).min(h / dy);
        Frame {
            x: x + (w - dx * scale) / 2.0,
            y: y + (h - dy * scale) / 2.0,
            lon0: bbox.min().x,
            lat1: bbox.max().y,
            kx: scale * squeeze,
            ky: scale,
            clip: [x, y, w, h],
        }
    }

    pub(super) fn project(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.x + (c.x - self.lon0) * self.kx,
            y: self.y + (self.lat1 - c.y) * self.ky,
        }
    }

    /// The pixels an area of `square_degrees` (lon × lat) covers.
    pub(super) fn pixel_area(&self, square_degrees: f64) -> f64 {
        square_degrees * self.kx * self.ky
    }

    /// The lon/lat point drawn at pixel `p`.
    pub(super) fn unproject(&self, p: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.lon0 + (p.x - self.x) / self.kx,
            y: self.lat1 - (p.y - self.y) / self.ky,
        }
    }

    /// Whether the lon/lat point falls in the frame's box.
    pub(super) fn shows(&self, c: Coord<f64>) -> bool {
        let p = self.project(c);
        let [x, y, w, h] = self.clip;
        p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h
    }

    /// Whether the lon/lat rectangle meets the frame's box.
    pub(super) fn sees(&self, r: Rect<f64>) -> bool {
        let [x, y, w, h] = self.clip;
        let lon = |px: f64| self.lon0 + (px - self.x) / self.kx;
        let lat = |py: f64| self.lat1 - (py - self.y) / self.ky;
        r.min().x <= lon(x + w)
            && r.max().x >= lon(x)
            && r.min().y <= lat(y)
            && r.max().y >= lat(y + h)
    }
}

/// Appends the path data of `shape` in `frame`, simplified to `tolerance` pixels.
pub(super) fn path_data(
    out: &mut String,
    shape: &MultiPolygon<f64>,
    frame: &Frame,
    tolerance: f64,
) {
    let mut points: Vec<(i64, i64)> = Vec::new();
    for ring in rings(shape) {
        let projected: Vec<Coord<f64>> = ring.0.iter().map(|&c| frame.project(c)).collect();
        points.clear();
        points.extend(
            simplified(&projected, tolerance)
                .iter()
                .map(|c| ((c.x * 10.0).round() as i64, (c.y * 10.0).round() as i64)),
        );
        points.dedup();
        if points.len() < 4 {
            continue;
        }
        let (mut px, mut py) = points[0];
        out.push('M');
        push_pair(out, px, py);
        for &(x, y) in &points[1..points.len() - 1] {
            out.push('l');
            push_pair(out, x - px, y - py);
            (px, py) = (x, y);
        }
        out.push('z');
    }
}

/// Appends a pair of tenths: a minus sign separates the second number, otherwise a
/// space.
fn push_pair(out: &mut String, x: i64, y: i64) {
    push_tenth(out, x);
    if y >= 0 {
        out.push(' ');
    }
    push_tenth(out, y);
}

/// The path data of every feature kept, computed in parallel, in their order.
pub(super) fn joined_paths(features: &[&MapFeature], frame: &Frame, tolerance: f64) -> String {
    features
        .par_iter()
        .map(|f| {
            let mut d = String::new();
            path_data(&mut d, &f.geometry, frame, tolerance);
            d
        })
        .collect::<Vec<String>>()
        .concat()
}

/// Appends `123` as `12.3`, `-5` as `-.5`, `40` as `4`.
fn push_tenth(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let (whole, frac) = (v.unsigned_abs() / 10, v.unsigned_abs() % 10);
    if whole > 0 || frac == 0 {
        let _ = write!(out, "{whole}");
    }
    if frac > 0 {
        out.push('.');
        out.push(char::from(b'0' + frac as u8));
    }
}

/// The features of layer `name` whose bounding box meets `frame`'s box, whatever
/// territory they belong to: a white zone crossing the border of a focus is drawn.
pub(super) fn inside<'a, 'l>(
    layers: &'l Layers<'a>,
    name: &str,
    frame: &Frame,
) -> Vec<&'l MapFeature<'a>> {
    layers
        .get(name)
        .iter()
        .filter(|f| f.geometry.bounding_rect().is_some_and(|r| frame.sees(r)))
        .collect()
}

/// The white zones, filled, as one path.
pub(super) fn white_zones(svg: &mut String, zones: &[&MapFeature], frame: &Frame, tolerance: f64) {
    let white = joined_paths(zones, frame, tolerance);
    if !white.is_empty() {
        let _ = write!(
            svg,
            "<path class=\"white-zones\" fill=\"{}\" d=\"{white}\"/>",
            WHITE_ZONE.hex()
        );
    }
}

/// A label to write on a map: its lines, centred at a point inside the shape it names.
pub(super) struct Label<'a> {
    pub(super) shape: &'a MultiPolygon<f64>,
    pub(super) lines: Vec<&'a str>,
    /// Font size, in pixels.
    pub(super) size: f64,
    /// Labels of a lower rank are placed first, then the heavier (the larger or more
    /// populous shapes), then in the order of their text.
    pub(super) rank: u8,
    pub(super) weight: f64,
}

/// The room a label's halo keeps around its text, in pixels.
const HALO: f64 = 1.5;

/// The estimated width of `line` at font size `size`: capitals and digits wider than
/// the rest, spaces narrower.
fn line_width(line: &str, size: f64) -> f64 {
    let ems: f64 = line
        .chars()
        .map(|c| match c {
            ' ' => 0.32,
            c if c.is_uppercase() || c.is_ascii_digit() => 0.7,
            _ => 0.58,
        })
        .sum();
    ems * size
}

/// The box (left, top, right, bottom) of `lines` centred on `x`, the first line's
/// baseline at `y`, halo included.
fn label_box(x: f64, y: f64, lines: &[&str], size: f64) -> [f64; 4] {
    let half = lines
        .iter()
        .map(|l| line_width(l, size))
        .fold(0.0, f64::max)
        / 2.0;
    let last = line_step(size) * lines.len().saturating_sub(1) as f64;
    [
        x - half - HALO,
        y - 0.8 * size - HALO,
        x + half + HALO,
        y + last + 0.25 * size + HALO,
    ]
}

fn line_step(size: f64) -> f64 {
    size * 1.15
}

/// The boxes of the labels placed in a frame: each wholly inside the frame, none over
/// another.
pub(super) struct LabelBoxes {
    clip: [f64; 4],
    taken: Vec<[f64; 4]>,
}

impl LabelBoxes {
    pub(super) fn new(clip: [f64; 4]) -> LabelBoxes {
        LabelBoxes {
            clip,
            taken: Vec::new(),
        }
    }

    /// `b` moved the least that brings it wholly inside the frame; `None` when it is
    /// larger than the frame.
    fn within(&self, b: [f64; 4]) -> Option<[f64; 4]> {
        let [x, y, w, h] = self.clip;
        let shift = |low: f64, high: f64, min: f64, max: f64| {
            if high - low > max - min {
                None
            } else if low < min {
                Some(min - low)
            } else if high > max {
                Some(max - high)
            } else {
                Some(0.0)
            }
        };
        let dx = shift(b[0], b[2], x, x + w)?;
        let dy = shift(b[1], b[3], y, y + h)?;
        Some([b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy])
    }

    fn free(&self, b: [f64; 4]) -> bool {
        self.taken
            .iter()
            .all(|t| b[2] <= t[0] || b[0] >= t[2] || b[3] <= t[1] || b[1] >= t[3])
    }

    /// Takes box `b`, moved inside the frame, unless it meets a box taken: the box
    /// taken, or `None` (the label is dropped).
    pub(super) fn take(&mut self, b: [f64; 4]) -> Option<[f64; 4]> {
        let b = self.within(b).filter(|&b| self.free(b))?;
        self.taken.push(b);
        Some(b)
    }
}

/// Writes `labels` in `frame`, each as a `<text>` (of `class` when given): centred at
/// its shape's interior point, or a line above or below when that point is taken and
/// the new one still lies in the shape; moved inside the frame; dropped when it would
/// meet a label placed before it (its shape keeps its name on hover).
pub(super) fn place_labels(
    svg: &mut String,
    frame: &Frame,
    mut labels: Vec<Label>,
    class: Option<&str>,
) {
    labels.sort_by(|a, b| {
        (a.rank.cmp(&b.rank))
            .then(b.weight.total_cmp(&a.weight))
            .then_with(|| a.lines.cmp(&b.lines))
    });
    let mut boxes = LabelBoxes::new(frame.clip);
    let class = class.map_or(String::new(), |c| format!(" class=\"{c}\""));
    for label in labels.iter().filter(|l| !l.lines.is_empty()) {
        let Some(point) = label.shape.interior_point() else {
            continue;
        };
        if !frame.shows(point.0) {
            continue;
        }
        let Coord { x, y } = frame.project(point.0);
        let (size, lines) = (label.size, &label.lines);
        let first = label_box(x, y, lines, size);
        let height = first[3] - first[1];
        let placed = [0.0, -1.0, 1.0].iter().find_map(|k| {
            let dy = k * height;
            let centre = Coord {
                x,
                y: (first[1] + first[3]) / 2.0 + dy,
            };
            let inside = dy == 0.0 || label.shape.contains(&Point::from(frame.unproject(centre)));
            let b = [first[0], first[1] + dy, first[2], first[3] + dy];
            inside.then(|| boxes.take(b)).flatten()
        });
        let Some(b) = placed else { continue };
        let x = (b[0] + b[2]) / 2.0;
        let y = b[1] + HALO + 0.8 * size;
        let _ = write!(
            svg,
            "<text{class} x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\">"
        );
        for (k, line) in lines.iter().enumerate() {
            let dy = if k == 0 { 0.0 } else { line_step(size) };
            let _ = write!(
                svg,
                "<tspan x=\"{x:.1}\" dy=\"{dy:.1}\">{}</tspan>",
                crate::write::xml::escape(line)
            );
        }
        svg.push_str("</text>");
    }
}

pub(super) fn text<'a>(f: &'a MapFeature, key: &str) -> &'a str {
    f.properties.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn tenths_are_written_short() {
        let tenth = |v| {
            let mut s = String::new();
            push_tenth(&mut s, v);
            s
        };
        assert_eq!(tenth(123), "12.3");
        assert_eq!(tenth(-5), "-.5");
        assert_eq!(tenth(40), "4");
        assert_eq!(tenth(0), "0");
        assert_eq!(tenth(-120), "-12");
    }

    #[test]
    fn a_label_over_another_is_dropped_and_one_at_the_edge_moved_in() {
        let mut boxes = LabelBoxes::new([0.0, 0.0, 100.0, 50.0]);
        // Two overlapping labels: the first kept, the second dropped.
        assert_eq!(
            boxes.take([10.0, 10.0, 40.0, 20.0]),
            Some([10.0, 10.0, 40.0, 20.0])
        );
        assert_eq!(boxes.take([30.0, 15.0, 60.0, 25.0]), None);
        // Touching is not meeting.
        assert!(boxes.take([40.0, 10.0, 70.0, 20.0]).is_some());
        // Over the right and bottom edges: moved wholly inside.
        assert_eq!(
            boxes.take([90.0, 45.0, 110.0, 55.0]),
            Some([80.0, 40.0, 100.0, 50.0])
        );
        // Over the left edge, and once inside over a label: dropped.
        assert_eq!(boxes.take([-5.0, 12.0, 15.0, 18.0]), None);
        // Wider than the frame: dropped.
        assert_eq!(boxes.take([-10.0, 30.0, 130.0, 35.0]), None);
        // Over the top edge, free once inside.
        assert_eq!(
            boxes.take([0.0, -4.0, 8.0, 4.0]),
            Some([0.0, 0.0, 8.0, 8.0])
        );
    }

    #[test]
    fn labels_are_written_inside_the_frame_apart_at_a_point_of_their_shape() {
        // A long name on a shape at the frame's left edge, and a second name on the
        // same shape: the first moved in, the second dropped.
        let square = |x0: f64, y0: f64, side: f64| {
            let (x1, y1) = (x0 + side, y0 + side);
            MultiPolygon::new(vec![polygon![
                (x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)
            ]])
        };
        let (small, large) = (square(0.0, 0.45, 0.1), square(0.0, 0.0, 1.0));
        let frame = Frame::fit(large.bounding_rect().unwrap(), [0.0, 0.0, 200.0, 200.0]);
        let label = |shape, name, weight| Label {
            shape,
            lines: vec![name],
            size: 10.0,
            rank: 0,
            weight,
        };
        let mut svg = String::new();
        place_labels(
            &mut svg,
            &frame,
            vec![
                label(&large, "Second", 1.0),
                label(&small, "A LONG NAME AT THE EDGE", 2.0),
            ],
            None,
        );
        assert_eq!(svg.matches("<text").count(), 2, "{svg}");
        assert!(svg.starts_with("<text x=\""), "{svg}");
        let xs: Vec<f64> = svg
            .split("x=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        // The long name (about 160 px) centred far enough right to fit.
        let half = label_box(0.0, 0.0, &["A LONG NAME AT THE EDGE"], 10.0)[2];
        assert!(xs[0] - half >= 0.0 && xs[0] + half <= 200.0, "{svg}");
        // Two labels on the small shape: the second would meet the first, and a line
        // above or below leaves the shape: dropped.
        let mut svg = String::new();
        place_labels(
            &mut svg,
            &frame,
            vec![label(&small, "ONE", 2.0), label(&small, "TWO", 1.0)],
            Some("cpts-label"),
        );
        assert_eq!(
            svg.matches("<text class=\"cpts-label\"").count(),
            1,
            "{svg}"
        );
        assert!(svg.contains(">ONE</tspan></text>"), "{svg}");
    }

    #[test]
    fn a_square_fits_its_frame_and_closes() {
        // One degree square at the equator in a 100 × 100 box: corners on the box.
        let square = MultiPolygon::new(vec![polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)
        ]]);
        let frame = Frame::fit(square.bounding_rect().unwrap(), [0.0, 0.0, 100.0, 100.0]);
        let mut d = String::new();
        path_data(&mut d, &square, &frame, 0.5);
        // Starts at (0, 1) → pixel (0, 0); lat grows upwards, y downwards.
        assert_eq!(d, "M0 100l100 0l0-100l-100 0z");
    }
}
