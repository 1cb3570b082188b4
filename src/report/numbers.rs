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

    /// `123456` → `123 456 €` (or `€123,456`).
    pub fn euros(self, amount: impl Into<u64>) -> String {
        let digits = self.grouped(&amount.into().to_string());
        match self {
            Lang::Fr => format!("{digits} €"),
            Lang::En => format!("€{digits}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang::{En, Fr};

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
    }
}
