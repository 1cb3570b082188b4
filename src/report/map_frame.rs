//! The frames of the report's SVG maps and the shapes drawn in them. Shapes are
//! projected per frame (equirectangular around the frame's mid-latitude, which is
//! within a few per cent of a conformal map at these extents), simplified to half a
//! pixel (Ramer–Douglas–Peucker) and written as relative path data to 0.1 px.

use crate::geometry::grid::rings;
use crate::geometry::simplify::simplified;
use crate::write::layers::{Layers, MapFeature};
use crate::write::style::WHITE_ZONE;
use geo::{BoundingRect, Coord, MultiPolygon, Rect};
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
