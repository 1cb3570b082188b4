//! The territory's zones: white zones (in no counted CPTS) and overlaps (in two).

pub mod overlaps;
pub mod white_zones;
