//! The territory's zones: white zones (in no counted CPTS), contour gaps (too narrow
//! to be one) and overlaps (in two).

pub mod contour_gaps;
pub mod overlaps;
pub mod white_zones;
