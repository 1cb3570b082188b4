//! Geometry on the zones' projected grids: projection, the integer grid of boolean operations, validity, repair, bounding boxes, shared borders.

pub mod borders;
pub mod clip;
pub mod envelope;
pub mod grid;
pub mod lattice;
pub mod parts;
pub mod projection;
pub mod repair;
pub mod runs;
pub mod simplify;
pub mod validity;
pub mod width;
