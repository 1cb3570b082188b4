//! Codes and names of communes across vintages of the Code officiel géographique.

pub mod code_passage;
pub mod commune_names;
pub mod current_codes;
pub mod merge;
