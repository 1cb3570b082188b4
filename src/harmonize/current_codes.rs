//! The national list of today's commune (and municipal arrondissement) codes, shipped in
//! `data/current_codes.csv` (written by `scripts/make_code_passage.py` from
//! `@etalab/decoupage-administratif` 6.0.0): it tells a commune of another département
//! from a code of no commune at all, and for a commune re-established since an older
//! vintage (Celles, 15031, out of Neussargues en Pinatelle, 15141, in 2024) the commune
//! it was part of (`partie_de`, from the COG history to 2019), and each commune's name
//! today (`nom`), the name a merged commune takes.

use crate::harmonize::code_passage::CodePassage;
use crate::model::InseeCode;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The shipped list, `code;partie_de;nom`.
pub const SHIPPED: &str = include_str!("../../data/current_codes.csv");

/// A commune of today.
struct Current {
    /// The commune it was once part of, if any.
    part_of: Option<InseeCode>,
    /// Its name today.
    nom: &'static str,
}

/// Today's codes.
fn current() -> &'static HashMap<InseeCode, Current> {
    static CURRENT: OnceLock<HashMap<InseeCode, Current>> = OnceLock::new();
    CURRENT.get_or_init(|| {
        SHIPPED
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.splitn(3, ';');
                let code = InseeCode::parse(fields.next()?)?.0;
                let part_of = InseeCode::parse(fields.next().unwrap_or("")).map(|(c, _)| c);
                let nom = fields.next().unwrap_or("");
                Some((code, Current { part_of, nom }))
            })
            .collect()
    })
}

/// The name of the commune `code` today, as the COG writes it.
pub fn name_today(code: &InseeCode) -> Option<&'static str> {
    current()
        .get(code)
        .map(|c| c.nom)
        .filter(|nom| !nom.is_empty())
}

/// The old codes of the shipped passage table.
fn shipped_passage() -> &'static CodePassage {
    static PASSAGE: OnceLock<CodePassage> = OnceLock::new();
    PASSAGE.get_or_init(CodePassage::shipped)
}

/// Whether `code` is a commune's code today.
pub fn is_current(code: &InseeCode) -> bool {
    current().contains_key(code)
}

/// Whether `code` is the code of a commune in some vintage of the COG: today's, or an
/// old code of the shipped passage table or of `passage`.
pub fn ever_existed(code: &InseeCode, passage: &CodePassage) -> bool {
    is_current(code) || shipped_passage().current(code).is_some() || passage.current(code).is_some()
}

/// For a code of today that was part of another commune in an older vintage, that
/// commune, then the communes it merged into since (through `passage`): the units an
/// older communes layer may hold it in, nearest first.
pub fn once_part_of(code: &InseeCode, passage: &CodePassage) -> Vec<InseeCode> {
    let Some(Current {
        part_of: Some(holder),
        ..
    }) = current().get(code)
    else {
        return Vec::new();
    };
    let mut holders = vec![holder.clone()];
    for p in [passage, shipped_passage()] {
        if let Some(next) = p.current(holder) {
            if !holders.contains(next) && next != code {
                holders.push(next.clone());
            }
        }
    }
    holders
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> InseeCode {
        InseeCode::parse(c).unwrap().0
    }

    #[test]
    fn the_list_knows_communes_of_every_vintage() {
        let shipped = CodePassage::shipped();
        assert!(is_current(&code("02564")));
        assert!(!is_current(&code("02077")));
        assert!(ever_existed(&code("02077"), &shipped));
        assert!(!ever_existed(&code("99999"), &shipped));
        assert_eq!(once_part_of(&code("15031"), &shipped), vec![code("15141")]);
        assert!(once_part_of(&code("02564"), &shipped).is_empty());
        assert_eq!(name_today(&code("05039")), Some("Aubessagne"));
        assert_eq!(name_today(&code("15031")), Some("Celles"));
        assert_eq!(name_today(&code("02077")), None);
    }
}
