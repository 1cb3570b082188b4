//! The squares of a lattice (an INSPIRE grid: squares of side `size` whose corners are
//! multiples of `size`) lying wholly inside a polygon, and those its edges meet, found
//! row by row from the polygon's edges: no square is tested on its own.

use crate::geometry::grid::polygon_rings;
use geo::{BoundingRect, Coord, Polygon};
use rayon::prelude::*;

/// A run of squares of one lattice row wholly inside a polygon: the square of row `row`
/// and column `col` has its south-west corner at (`col × size`, `row × size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub row: i64,
    /// The first and last columns, inclusive.
    pub from: i64,
    pub to: i64,
}

/// The squares of a lattice a polygon holds, row by row from the bottom.
#[derive(Debug, Default)]
pub struct Spans {
    /// Those wholly inside: no edge meets the closed square, its centre is inside.
    pub inside: Vec<Span>,
    /// Those an edge may meet (in the polygon's rows): every other square of those
    /// rows lies wholly outside.
    pub met: Vec<Span>,
}

/// Margin, metres, by which an edge's reach is widened: a square an edge touches
/// within rounding is never said to be inside.
const MARGIN: f64 = 1e-6;

/// The squares of side `size` that no edge of `polygon` meets (their closed squares)
/// and whose centre lies inside it (even-odd rule), and those an edge may meet.
pub fn spans(polygon: &Polygon<f64>, size: f64) -> Spans {
    let Some(bbox) = polygon.bounding_rect() else {
        return Spans::default();
    };
    let first = (bbox.min().y / size).floor() as i64;
    let rows = ((bbox.max().y / size).floor() as i64 - first + 1).max(0) as usize;
    // The edges meeting each row's closed band.
    let mut by_row: Vec<Vec<(Coord<f64>, Coord<f64>)>> = vec![Vec::new(); rows];
    for ring in polygon_rings(polygon) {
        for w in ring.0.windows(2) {
            let (lo, hi) = (w[0].y.min(w[1].y), w[0].y.max(w[1].y));
            let from = (((lo - MARGIN) / size).floor() as i64 - first).max(0) as usize;
            let to = (((hi + MARGIN) / size).floor() as i64 - first).min(rows as i64 - 1);
            for edges in by_row.iter_mut().take((to + 1).max(0) as usize).skip(from) {
                edges.push((w[0], w[1]));
            }
        }
    }
    let mut spans = Spans::default();
    for (r, edges) in by_row.iter().enumerate() {
        let row = first + r as i64;
        let (bottom, top, middle) = (
            row as f64 * size,
            (row + 1) as f64 * size,
            (row as f64 + 0.5) * size,
        );
        // The columns the edges meet, as ranges, then merged.
        let mut met: Vec<(i64, i64)> = edges
            .iter()
            .map(|&(a, z)| {
                let (lo, hi) = (a.y.min(z.y), a.y.max(z.y));
                let x_at = |y: f64| match z.y == a.y {
                    true => None,
                    false => Some(a.x + (y.clamp(lo, hi) - a.y) / (z.y - a.y) * (z.x - a.x)),
                };
                let (x0, x1) = match (x_at(bottom), x_at(top)) {
                    (Some(p), Some(q)) => (p.min(q), p.max(q)),
                    _ => (a.x.min(z.x), a.x.max(z.x)),
                };
                (
                    ((x0 - MARGIN) / size).ceil() as i64 - 1,
                    ((x1 + MARGIN) / size).floor() as i64,
                )
            })
            .collect();
        met.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(met.len());
        for (a, b) in met {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        // Where the row's middle line is inside: between the odd and even crossings.
        let mut crossings: Vec<f64> = edges
            .iter()
            .filter(|(a, z)| (a.y > middle) != (z.y > middle))
            .map(|&(a, z)| a.x + (middle - a.y) / (z.y - a.y) * (z.x - a.x))
            .collect();
        crossings.sort_unstable_by(f64::total_cmp);
        let mut m = 0;
        for pair in crossings.chunks_exact(2) {
            // The squares whose centre lies between the two crossings.
            let mut from = (pair[0] / size - 0.5).ceil() as i64;
            let to = (pair[1] / size - 0.5).floor() as i64;
            while from <= to {
                while m < merged.len() && merged[m].1 < from {
                    m += 1;
                }
                match merged.get(m) {
                    Some(&(a, b)) if a <= from => from = b + 1,
                    Some(&(a, _)) if a <= to => {
                        spans.inside.push(Span {
                            row,
                            from,
                            to: a - 1,
                        });
                        from = a;
                    }
                    _ => {
                        spans.inside.push(Span { row, from, to });
                        from = to + 1;
                    }
                }
            }
        }
        let met = merged.into_iter().map(|(from, to)| Span { row, from, to });
        spans.met.extend(met);
    }
    spans
}

/// The row and column of the square of side `size` whose south-west corner is (`x`,
/// `y`), if it lies on the lattice.
pub fn place(x: f64, y: f64, size: f64) -> Option<(i64, i64)> {
    let (col, row) = (x / size, y / size);
    (col.fract() == 0.0 && row.fract() == 0.0).then_some((row as i64, col as i64))
}

/// Squares of one side on its lattice, each with an index, sorted by row and column:
/// the squares of a span are found by binary search.
pub struct Placed {
    size: f64,
    squares: Vec<(i64, i64, usize)>,
}

impl Placed {
    /// The squares `keyed` (side as bits, row, column and index, in any order), by side.
    pub fn by_side(mut keyed: Vec<(u64, i64, i64, usize)>) -> Vec<Placed> {
        keyed.par_sort_unstable();
        keyed
            .chunk_by(|a, b| a.0 == b.0)
            .map(|same| Placed {
                size: f64::from_bits(same[0].0),
                squares: same.iter().map(|&(_, r, c, k)| (r, c, k)).collect(),
            })
            .collect()
    }

    /// The side of the squares.
    pub fn size(&self) -> f64 {
        self.size
    }

    /// The indices of the squares of `span`.
    pub fn of(&self, span: &Span) -> impl Iterator<Item = usize> + '_ {
        let span = *span;
        let first = self
            .squares
            .partition_point(|&(r, c, _)| (r, c) < (span.row, span.from));
        self.squares[first..]
            .iter()
            .take_while(move |&&(r, c, _)| r == span.row && c <= span.to)
            .map(|&(_, _, k)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area, Contains, Intersects, Rect};

    /// Every square of the box `(-size, -size)–((n + 1) × size, (n + 1) × size)`,
    /// tested one by one: inside when no ring meets the closed square and the polygon
    /// contains its centre.
    fn one_by_one(polygon: &Polygon<f64>, size: f64, n: i64) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for row in -1..=n {
            for col in -1..=n {
                let (x, y) = (col as f64 * size, row as f64 * size);
                let square = Rect::new((x, y), (x + size, y + size));
                let met = polygon_rings(polygon).any(|r| r.intersects(&square));
                if !met && polygon.contains(&square.center()) {
                    out.push((row, col));
                }
            }
        }
        out
    }

    /// Every square of the polygon's rows a ring meets is among those said met, and no
    /// square said met is said inside.
    fn every_met_square_is_found(polygon: &Polygon<f64>, size: f64, n: i64, found: &Spans) {
        let met = squares(&found.met);
        let bbox = polygon.bounding_rect().unwrap();
        let rows = (bbox.min().y / size).floor() as i64..=(bbox.max().y / size).floor() as i64;
        for row in rows {
            for col in -1..=n {
                let (x, y) = (col as f64 * size, row as f64 * size);
                let square = Rect::new((x, y), (x + size, y + size));
                if polygon_rings(polygon).any(|r| r.intersects(&square)) {
                    assert!(met.contains(&(row, col)), "({row}, {col}) not said met");
                }
            }
        }
        let inside = squares(&found.inside);
        assert!(met.iter().all(|s| !inside.contains(s)));
    }

    #[test]
    fn squares_are_found_by_span_whatever_their_order() {
        let keyed = vec![
            (200f64.to_bits(), 2, 5, 0),
            (1000f64.to_bits(), 2, 6, 1),
            (200f64.to_bits(), 2, 3, 2),
            (200f64.to_bits(), 1, 4, 3),
            (200f64.to_bits(), 2, 4, 4),
        ];
        let placed = Placed::by_side(keyed);
        assert_eq!(placed.len(), 2);
        assert_eq!(placed[0].size(), 200.0);
        let span = Span {
            row: 2,
            from: 4,
            to: 6,
        };
        assert_eq!(placed[0].of(&span).collect::<Vec<_>>(), vec![4, 0]);
        assert_eq!(placed[1].of(&span).collect::<Vec<_>>(), vec![1]);
        assert_eq!(
            place(4_252_400.0, 2_029_800.0, 200.0),
            Some((10_149, 21_262))
        );
        assert_eq!(place(4_252_450.0, 2_029_800.0, 200.0), None);
    }

    fn squares(spans: &[Span]) -> Vec<(i64, i64)> {
        spans
            .iter()
            .flat_map(|s| (s.from..=s.to).map(move |c| (s.row, c)))
            .collect()
    }

    #[test]
    fn a_square_on_the_lattice_lines_holds_its_inner_squares_only() {
        // 0..1000 on a 200 m lattice: the 25 squares, none touched by an edge but the
        // outer ring, which the edges meet: the 9 inner ones.
        let p =
            polygon![(x: 0., y: 0.), (x: 1000., y: 0.), (x: 1000., y: 1000.), (x: 0., y: 1000.)];
        let got = squares(&spans(&p, 200.0).inside);
        assert_eq!(got.len(), 9, "{got:?}");
        assert_eq!(got, one_by_one(&p, 200.0, 5));
        assert_eq!(got[0], (1, 1));
    }

    #[test]
    fn a_triangle_with_a_hole_agrees_with_testing_each_square() {
        let p = Polygon::new(
            vec![(130., 70.), (4870., 410.), (2230., 4390.), (130., 70.)].into(),
            vec![vec![
                (1900., 1500.),
                (2700., 1500.),
                (2300., 2300.),
                (1900., 1500.),
            ]
            .into()],
        );
        let found = spans(&p, 200.0);
        let got = squares(&found.inside);
        assert_eq!(got, one_by_one(&p, 200.0, 25));
        every_met_square_is_found(&p, 200.0, 25, &found);
        // About the triangle's area less the hole's, less the border squares.
        assert!(got.len() > 100 && (got.len() as f64) * 40_000.0 < p.unsigned_area());
    }

    #[test]
    fn a_concave_outline_splits_a_row_into_several_spans() {
        // A U: two arms 600 m wide and a gap of 400 m between them. In row 3 each arm
        // holds one square: the squares beside the arm's sides touch them.
        let p = polygon![
            (x: 0., y: 0.), (x: 1600., y: 0.), (x: 1600., y: 1200.), (x: 1000., y: 1200.),
            (x: 1000., y: 400.), (x: 600., y: 400.), (x: 600., y: 1200.), (x: 0., y: 1200.)
        ];
        let found = spans(&p, 200.0);
        every_met_square_is_found(&p, 200.0, 8, &found);
        assert_eq!(squares(&found.inside), one_by_one(&p, 200.0, 8));
        let row3: Vec<&Span> = found.inside.iter().filter(|s| s.row == 3).collect();
        assert_eq!(row3.len(), 2, "{row3:?}");
        assert_eq!(
            (row3[0].from, row3[0].to, row3[1].from, row3[1].to),
            (1, 1, 6, 6)
        );
    }
}
