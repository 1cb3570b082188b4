//! The geometry pipeline on fuzzed polygons: bytes become up to four CPTS perimeters
//! (rings of 3 to 12 vertices, self-crossing, repeated or collinear as the bytes fall,
//! sometimes two parts) over the quirk communes; the analysis must keep its invariants.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

/// Extent the vertices are drawn in: the quirk communes and a margin around them.
const WEST: f64 = -2.81;
const SOUTH: f64 = 48.49;
const WIDTH: f64 = 0.07;
const HEIGHT: f64 = 0.04;

struct Bytes<'a>(std::slice::Iter<'a, u8>);

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        self.0.next().copied()
    }

    /// A ring of 3 to 12 distinct-or-not vertices, closed.
    fn ring(&mut self) -> Option<String> {
        let count = 3 + usize::from(self.next()? % 10);
        let mut points = Vec::with_capacity(count + 1);
        for _ in 0..count {
            let x = WEST + WIDTH * f64::from(self.next()?) / 255.0;
            let y = SOUTH + HEIGHT * f64::from(self.next()?) / 255.0;
            points.push(format!("[{x:.6},{y:.6}]"));
        }
        points.push(points[0].clone());
        Some(format!("[{}]", points.join(",")))
    }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data.iter());
    let Some(count) = bytes.next() else { return };
    let statuses = ["signataire_aci", "projet", "pre_projet"];
    let mut features = Vec::new();
    for k in 0..1 + usize::from(count % 4) {
        let (Some(flags), Some(ring)) = (bytes.next(), bytes.ring()) else {
            break;
        };
        let mut parts = vec![format!("[{ring}]")];
        if flags & 4 != 0 {
            match bytes.ring() {
                Some(second) => parts.push(format!("[{second}]")),
                None => break,
            }
        }
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"id":"P{k}","statut":"{}"}},"geometry":{{"type":"MultiPolygon","coordinates":[{}]}}}}"#,
            statuses[usize::from(flags % 3)],
            parts.join(",")
        ));
    }
    if features.is_empty() {
        return;
    }
    let layer = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    let (_dir, path) = common::file("perimeters.geojson", layer.as_bytes());
    common::analyse_perimeters(&path);
});
