//! What people read: report.html with its SVG maps, report.md, the workbook, and the outputs of plan, check and diff; figures formatted in French or English.

pub mod access;
pub mod ages;
pub mod check;
pub mod diff;
pub mod html;
pub mod map_frame;
pub mod markdown;
pub mod numbers;
pub mod plan;
pub mod plan_map;
pub mod section;
pub mod svg_map;
pub mod workbook;
