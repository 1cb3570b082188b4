//! Figures written for people, the French way (`1 234 567`, `81,2 %`) or the English
//! way (`1,234,567`, `81.2 %`).

/// The language of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    fn separators(self) -> (char, char) {
        match self {
            Lang::Fr => (' ', ','),
            Lang::En => (',', '.'),
        }
    }

    /// `1234567.4` → `1 234 567` (or `1,234,567`).
    pub fn people(self, n: f64) -> String {
        self.grouped(&format!("{:.0}", n.max(0.0)))
    }

    /// Digits grouped by three.
    fn grouped(self, digits: &str) -> String {
        let (group, _) = self.separators();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(c);
        }
        out
    }

    /// `0.8123` → `81,2 %` (or `81.2 %`).
    pub fn percent(self, rate: f64) -> String {
        let (_, decimal) = self.separators();
        format!("{:.1} %", 100.0 * rate).replace('.', &decimal.to_string())
    }

    /// `12345.67` → `12 345,7 km²` (or `12,345.7 km²`).
    pub fn km2(self, area: f64) -> String {
        let (_, decimal) = self.separators();
        let text = format!("{:.1}", area.max(0.0));
        let (whole, tenths) = text.split_once('.').unwrap_or((&text, "0"));
        format!("{}{decimal}{tenths} km²", self.grouped(whole))
    }

    /// `1234.567` with two places → `1 234,57` (or `1,234.57`); never `-0,00`.
    pub fn decimal(self, value: f64, places: usize) -> String {
        let (_, decimal) = self.separators();
        let text = format!("{:.places$}", value.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let nonzero = text.bytes().any(|b| (b'1'..=b'9').contains(&b));
        let sign = if value < 0.0 && nonzero { "-" } else { "" };
        match fraction {
            "" => format!("{sign}{}", self.grouped(whole)),
            _ => format!("{sign}{}{decimal}{fraction}", self.grouped(whole)),
        }
    }

    /// `0.81234` → `81,23 %` (or `81.23 %`): a rate to the hundredth of a point, as the
    /// checks and diffs compare them.
    pub fn percent2(self, rate: f64) -> String {
        format!("{} %", self.decimal(100.0 * rate, 2))
    }

    /// A change with its sign and `places` decimals (`+1 234`, `-0,25`), or `=` when it
    /// rounds to nothing at that precision: never `-0,00` nor `+0,00`.
    pub fn change(self, delta: f64, places: usize) -> String {
        let shown = self.decimal(delta, places);
        if !shown.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            "=".into()
        } else if shown.starts_with('-') {
            shown
        } else {
            format!("+{shown}")
        }
    }

    /// A change that is known not to be nothing: with `places` decimals, or as many more
    /// (up to six) as it takes to show a digit (`-0,0001`).
    pub fn visible_change(self, delta: f64, places: usize) -> String {
        (places..=places.max(6))
            .map(|p| self.change(delta, p))
            .find(|c| c != "=")
            .unwrap_or_else(|| "=".into())
    }

    /// A change of a rate (0 to 1) in percentage points: `-5,00 points`, or `=`.
    pub fn points(self, before: f64, after: f64) -> String {
        with_unit(self.change(100.0 * (after - before), 2), "points")
    }

    /// [`Lang::points`] for a change known not to be nothing (see [`Lang::visible_change`]).
    pub fn visible_points(self, before: f64, after: f64) -> String {
        with_unit(self.visible_change(100.0 * (after - before), 2), "points")
    }

    /// `n` things, named in the singular for one (and for none in French) and in the
    /// plural otherwise: `1 nouvelle CPTS`, `2 nouvelles CPTS`, `0 white zones`.
    pub fn count(self, n: usize, one: &str, many: &str) -> String {
        let singular = match self {
            Lang::Fr => n <= 1,
            Lang::En => n == 1,
        };
        format!("{n} {}", if singular { one } else { many })
    }

    /// `04, 05 et 13` (or `04, 05 and 13`).
    pub fn enumeration(self, items: &[String]) -> String {
        let and = match self {
            Lang::Fr => " et ",
            Lang::En => " and ",
        };
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
        }
    }

    /// The sentence naming the départements in scope where no CPTS lies: empty when
    /// there is none.
    pub fn without_cpts(self, departements: &[String]) -> String {
        let list = self.enumeration(departements);
        match (self, departements.len()) {
            (_, 0) => String::new(),
            (Lang::Fr, 1) => {
                format!("Le département {list} n'a aucune CPTS dans le fichier des périmètres.")
            }
            (Lang::Fr, _) => {
                format!("Les départements {list} n'ont aucune CPTS dans le fichier des périmètres.")
            }
            (Lang::En, 1) => format!("Département {list} has no CPTS in the perimeter file."),
            (Lang::En, _) => format!("Départements {list} have no CPTS in the perimeter file."),
        }
    }

    /// The line under a table cut in print (or in `report.md`) to its largest rows.
    pub fn full_list(self) -> &'static str {
        match self {
            Lang::Fr => "La liste complète est dans le classeur cpts-coverage.xlsx.",
            Lang::En => "The full list is in the workbook cpts-coverage.xlsx.",
        }
    }

    /// `123456` → `123 456 €` (or `€123,456`).
    pub fn euros(self, amount: impl Into<u64>) -> String {
        let digits = self.grouped(&amount.into().to_string());
        match self {
            Lang::Fr => format!("{digits} €"),
            Lang::En => format!("€{digits}"),
        }
    }
}

/// `change unit`, or `=` alone.
fn with_unit(change: String, unit: &str) -> String {
    match change.as_str() {
        "=" => change,
        _ => format!("{change} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::Lang::{En, Fr};

    #[test]
    fn counted_things_agree_with_their_number() {
        assert_eq!(
            Fr.count(1, "nouvelle CPTS", "nouvelles CPTS"),
            "1 nouvelle CPTS"
        );
        assert_eq!(
            Fr.count(0, "zone blanche", "zones blanches"),
            "0 zone blanche"
        );
        assert_eq!(
            Fr.count(3, "zone blanche", "zones blanches"),
            "3 zones blanches"
        );
        assert_eq!(En.count(0, "white zone", "white zones"), "0 white zones");
        assert_eq!(En.count(1, "white zone", "white zones"), "1 white zone");
    }

    #[test]
    fn numbers_read_the_french_and_the_english_way() {
        assert_eq!(Fr.people(1_234_567.4), "1 234 567");
        assert_eq!(En.people(1_234_567.4), "1,234,567");
        assert_eq!(Fr.people(999.0), "999");
        assert_eq!(Fr.people(-0.0), "0");
        assert_eq!(Fr.percent(0.8123), "81,2 %");
        assert_eq!(En.percent(0.8123), "81.2 %");
        assert_eq!(Fr.km2(12.345), "12,3 km²");
        assert_eq!(Fr.km2(207_784.24), "207 784,2 km²");
        assert_eq!(En.km2(207_784.24), "207,784.2 km²");
        assert_eq!(Fr.euros(320_000u32), "320 000 €");
        assert_eq!(En.euros(320_000u32), "€320,000");
        assert_eq!(Fr.percent2(0.887894), "88,79 %");
        assert_eq!(En.decimal(-1234.567, 2), "-1,234.57");
    }

    #[test]
    fn changes_too_small_to_show_read_as_equal() {
        assert_eq!(Fr.change(-0.000_04, 2), "=");
        assert_eq!(En.change(0.004, 2), "=");
        assert_eq!(En.change(-0.4, 0), "=");
        assert_eq!(Fr.change(-29_939.0, 0), "-29 939");
        assert_eq!(En.change(5.0, 2), "+5.00");
        assert_eq!(En.points(0.887894, 0.887893), "=");
        assert_eq!(Fr.points(0.75, 0.70), "-5,00 points");
        assert_eq!(En.visible_points(0.887894, 0.887893), "-0.0001 points");
        assert_eq!(En.visible_change(-1e-9, 2), "=");
    }
}
