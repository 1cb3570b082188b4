//! What lies in each population unit: polygon mode's overlay of units and perimeters, membership mode's lists.

pub mod cover;
pub mod membership;
pub mod people;
pub mod polygon;
