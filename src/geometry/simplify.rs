//! Simplification of a line for drawing, bounded in stack and in time whatever the
//! line: Ramer–Douglas–Peucker on a stack of runs, a line too long for it thinned
//! first (the vertices closer than the tolerance to the last one kept go, as
//! simplify.js does). geo's `Simplify` recurses once per vertex kept and is quadratic
//! on a zigzag: a perimeter of 50 000 vertices in a zigzag overflowed a worker
//! thread's 2 MiB stack, or took 25 s.

use geo::{Coord, Distance, Euclidean, Line};

/// At most this many vertices go to Ramer–Douglas–Peucker, whose worst case (a zigzag)
/// is quadratic: a longer line is thinned at the tolerance, then at twice the distance,
/// until it is not longer. Boundaries drawn at map scale stay under it, and keep every
/// vertex Ramer–Douglas–Peucker keeps.
const MOST_VERTICES: usize = 5_000;

/// `line` simplified at `tolerance`: [`thin`] (down to [`MOST_VERTICES`]), then the
/// vertices Ramer–Douglas–Peucker
/// keeps, the same as geo's `Simplify` (the farthest vertex of a run, the last of
/// equals, splits it while it lies beyond `tolerance`), its runs kept on a stack rather
/// than by recursion.
pub fn simplified(line: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    if tolerance <= 0.0 || line.len() < 3 {
        return line.to_vec();
    }
    let mut thinned = line.to_vec();
    let mut radius = tolerance;
    while thinned.len() > MOST_VERTICES {
        thinned = thin(&thinned, radius);
        radius *= 2.0;
    }
    let line = &thinned[..];
    let mut kept = vec![false; line.len()];
    kept[0] = true;
    kept[line.len() - 1] = true;
    let mut runs = vec![(0, line.len() - 1)];
    while let Some((first, last)) = runs.pop() {
        if last - first < 2 {
            continue;
        }
        let chord = Line::new(line[first], line[last]);
        let (mut farthest, mut distance) = (first, 0.0);
        for (i, &c) in line.iter().enumerate().take(last).skip(first + 1) {
            let d = Euclidean.distance(c, &chord);
            if d >= distance {
                (farthest, distance) = (i, d);
            }
        }
        if distance > tolerance {
            kept[farthest] = true;
            runs.push((first, farthest));
            runs.push((farthest, last));
        }
    }
    line.iter()
        .zip(&kept)
        .filter(|(_, &k)| k)
        .map(|(&c, _)| c)
        .collect()
}

/// The first vertex, those at least `tolerance` away from the last one kept, and the
/// last vertex.
pub fn thin(line: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    let mut out = vec![line[0]];
    for &c in &line[1..line.len() - 1] {
        let last = out[out.len() - 1];
        if (c.x - last.x).hypot(c.y - last.y) >= tolerance {
            out.push(c);
        }
    }
    out.push(line[line.len() - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Simplify};

    /// A closed ring of `n` vertices around a circle, its radius wobbling.
    fn wobbly(n: usize, seed: u64) -> Vec<Coord<f64>> {
        let mut state = seed;
        let mut ring: Vec<Coord<f64>> = (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let noise = (state >> 33) as f64 / (1u64 << 31) as f64;
                let angle = std::f64::consts::TAU * i as f64 / n as f64;
                let r = 100.0 + 3.0 * noise;
                Coord {
                    x: r * angle.cos(),
                    y: r * angle.sin(),
                }
            })
            .collect();
        ring.push(ring[0]);
        ring
    }

    #[test]
    fn keeps_the_vertices_geo_keeps() {
        for (n, seed) in [(5, 1), (50, 2), (400, 3), (3_000, 4), (4_900, 5)] {
            let ring = wobbly(n, seed);
            for tolerance in [0.0, 0.3, 1.0, 2.5, 40.0] {
                let geo: Vec<Coord<f64>> = LineString::new(ring.clone()).simplify(tolerance).0;
                assert_eq!(
                    simplified(&ring, tolerance),
                    geo,
                    "n {n}, tolerance {tolerance}"
                );
            }
        }
    }

    #[test]
    fn a_long_zigzag_keeps_its_ends_and_few_vertices() {
        // 500 000 teeth 0.01 apart and 0.5 high, drawn at a tolerance of 1: nothing of
        // the teeth shows, the line from end to end remains.
        let zigzag: Vec<Coord<f64>> = (0..500_000)
            .map(|i| Coord {
                x: i as f64 * 0.01,
                y: if i % 2 == 0 { 0.0 } else { 0.5 },
            })
            .collect();
        let kept = simplified(&zigzag, 1.0);
        assert_eq!(kept.first(), zigzag.first());
        // Teeth 1.2 high stay beyond the tolerance when thinned once: thinned again
        // until few enough for Ramer–Douglas–Peucker.
        let tall: Vec<Coord<f64>> = zigzag
            .iter()
            .map(|c| Coord {
                x: c.x,
                y: c.y * 2.4,
            })
            .collect();
        assert!(thin(&tall, 1.0).len() > MOST_VERTICES);
        assert!(simplified(&tall, 1.0).len() <= MOST_VERTICES);
        assert_eq!(kept.last(), zigzag.last());
        assert!(kept.len() < 10, "{} vertices kept", kept.len());
    }
}

#[cfg(test)]
mod thinning {
    use super::*;

    #[test]
    fn thinning_drops_what_lies_within_the_tolerance_of_the_last_vertex_kept() {
        let c = |x: f64, y: f64| Coord { x, y };
        // 0 → 0.4 (too close to 0) → 1.2 (kept) → 1.9 (too close to 1.2) → 2.0 (the end).
        let line = [
            c(0.0, 0.0),
            c(0.4, 0.0),
            c(1.2, 0.0),
            c(1.9, 0.0),
            c(2.0, 0.0),
        ];
        assert_eq!(thin(&line, 1.0), [c(0.0, 0.0), c(1.2, 0.0), c(2.0, 0.0)]);
    }
}
