//! The library halves of the commands that are more than an analysis: plan, check, diff, validate.

pub mod check;
pub mod comparable;
pub mod diff;
pub mod plan;
pub mod tiling;
pub mod validate;
