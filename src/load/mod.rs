//! Loading: the population units and the CPTS, checked, matched to each other and projected; the cache of territories read once.

pub mod access;
pub mod cache;
pub mod inputs;
pub mod spread;
