//! The figures of an analysis: coverage by territory and status, each CPTS's population, size tier and ACI funding.

pub mod access;
pub mod ages;
pub mod funding;
pub mod summary;
