//! A report section written once and rendered both as Markdown (`plan.md`) and as HTML
//! (a section of `report.html`): headings, paragraphs and tables of text cells; the
//! labels of CPTS and départements the reports share.

use crate::model::territories::{departement_name, labelled};
use crate::report::numbers::Lang;
use crate::verbs::comparable::Difference;
use crate::write::xml::escape;
use std::fmt::Write;

/// One part of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A sub-heading.
    Heading(String),
    /// A paragraph.
    Text(String),
    Table(Table),
}

/// A table of text cells; `numeric[k]` right-aligns column `k` in HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// A titled section of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// HTML id of the section.
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Section {
    /// The section in Markdown, title at level 2.
    pub fn markdown(&self) -> String {
        let mut md = format!("## {}\n", self.title);
        for block in &self.blocks {
            md.push('\n');
            match block {
                Block::Heading(text) => {
                    let _ = writeln!(md, "### {text}");
                }
                Block::Text(text) => {
                    let _ = writeln!(md, "{text}");
                }
                Block::Table(t) => {
                    let line = |cells: &[String]| {
                        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
                        format!("| {} |\n", cells.join(" | "))
                    };
                    md.push_str(&line(&t.header));
                    let rule: Vec<&str> = t
                        .numeric
                        .iter()
                        .map(|&n| if n { "---:" } else { "---" })
                        .collect();
                    let _ = writeln!(md, "|{}|", rule.join("|"));
                    for row in &t.rows {
                        md.push_str(&line(row));
                    }
                }
            }
        }
        md
    }

    /// The section in HTML, title at level 2.
    pub fn html(&self) -> String {
        self.html_with("", Lang::Fr)
    }

    /// The section in HTML, title at level 2, `figure` (HTML) after its first block;
    /// a table longer than [`PRINTED_ROWS`] prints its first rows and a line in `lang`
    /// saying where the full list is.
    pub fn html_with(&self, figure: &str, lang: Lang) -> String {
        let mut h = format!(
            "<section id=\"{}\"><h2>{}</h2>",
            self.id,
            escape(&self.title)
        );
        for (k, block) in self.blocks.iter().enumerate() {
            if k == 1 {
                h.push_str(figure);
            }
            match block {
                Block::Heading(text) => {
                    let _ = write!(h, "<h3>{}</h3>", escape(text));
                }
                Block::Text(text) => {
                    let _ = write!(h, "<p>{}</p>", unbroken(text));
                }
                Block::Table(t) => {
                    let class = |k: usize| match t.numeric.get(k) {
                        Some(true) => " class=\"n\"",
                        _ => "",
                    };
                    h.push_str("<table><thead><tr>");
                    for (k, text) in t.header.iter().enumerate() {
                        let _ = write!(h, "<th{}>{}</th>", class(k), escape(text));
                    }
                    h.push_str("</tr></thead><tbody>");
                    for (r, row) in t.rows.iter().enumerate() {
                        h.push_str(row_tag(r));
                        for (k, text) in row.iter().enumerate() {
                            let _ = write!(h, "<td{}>{}</td>", class(k), unbroken(text));
                        }
                        h.push_str("</tr>");
                    }
                    h.push_str("</tbody></table>");
                    h.push_str(&full_list_note(t.rows.len(), lang));
                }
            }
        }
        h.push_str("</section>\n");
        h
    }
}

/// Rows of a long table that print: the others show on screen only, and a line says
/// where the full list is.
pub const PRINTED_ROWS: usize = 25;

/// The opening tag of row `k` of a table body: rows past [`PRINTED_ROWS`] do not print.
pub fn row_tag(k: usize) -> &'static str {
    match k < PRINTED_ROWS {
        true => "<tr>",
        false => "<tr class=\"screen\">",
    }
}

/// After a table of `rows` rows: the line, shown in print only, saying the full list
/// is in the workbook when the table was cut.
pub fn full_list_note(rows: usize, lang: Lang) -> String {
    match rows > PRINTED_ROWS {
        true => format!("<p class=\"print\">{}</p>", lang.full_list()),
        false => String::new(),
    }
}

/// `text` as HTML that no line break splits inside an id or an amount: the spaces
/// grouping digits or before `€`, `%` and `km²` become no-break spaces, and words
/// holding a digit and a hyphen (`ZB-0001`, `CPTS-22-05`) are kept whole.
pub fn unbroken(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut glued = String::with_capacity(text.len());
    for (k, &c) in chars.iter().enumerate() {
        let before = k.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(k + 1).copied();
        let binds = c == ' '
            && before.is_some_and(|b| b.is_ascii_digit())
            && after.is_some_and(|a| a.is_ascii_digit() || matches!(a, '€' | '%' | 'k'));
        glued.push(if binds { '\u{a0}' } else { c });
    }
    let mut h = String::with_capacity(glued.len() + 16);
    for (k, word) in glued.split(' ').enumerate() {
        if k > 0 {
            h.push(' ');
        }
        let whole = word.contains('-') && word.chars().any(|c| c.is_ascii_digit());
        match whole {
            true => {
                let _ = write!(h, "<span class=\"nw\">{}</span>", escape(word));
            }
            false => h.push_str(&escape(word)),
        }
    }
    h
}

/// A Markdown table cell: `|` escaped, line breaks as spaces.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `CPTS-22-05 (CPTS du Centre Bretagne)`: a CPTS's id with its name, or the id alone
/// when the name is blank or the id itself.
pub fn cpts_label(id: &str, name: &str) -> String {
    match name.trim() {
        "" => id.to_string(),
        n if n == id => id.to_string(),
        n => format!("{id} ({n})"),
    }
}

/// `22 Côtes-d'Armor`: a département's code with its name.
pub fn departement_label(code: &str) -> String {
    labelled(code, departement_name(code))
}

/// The line the outputs of `check` and `diff` open with when a flag let two runs of
/// another mode or territory be compared.
pub fn difference_line(difference: &Difference, lang: Lang) -> String {
    match (difference, lang) {
        (Difference::Mode { before, after }, Lang::Fr) => format!(
            "Modes différents : {before} → {after} (--allow-mode-change) ; une part des écarts tient à la méthode."
        ),
        (Difference::Mode { before, after }, Lang::En) => format!(
            "Modes differ: {before} → {after} (--allow-mode-change); part of the changes comes from the method."
        ),
        (Difference::Territory { before, after }, Lang::Fr) => format!(
            "Territoires différents : {before} → {after} (--allow-territory-change) ; les départements d'un seul des deux ne sont pas jugés."
        ),
        (Difference::Territory { before, after }, Lang::En) => format!(
            "Territories differ: {before} → {after} (--allow-territory-change); the départements of one of them alone are not judged."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Section {
        Section {
            id: "plan",
            title: "Plan <100 %>".into(),
            blocks: vec![
                Block::Text("Deux zones.".into()),
                Block::Heading("Zones".into()),
                Block::Table(Table {
                    header: vec!["zone".into(), "habitants".into()],
                    numeric: vec![false, true],
                    rows: vec![vec!["A|B".into(), "1 000".into()]],
                }),
            ],
        }
    }

    #[test]
    fn markdown_escapes_pipes_and_aligns_numbers_right() {
        assert_eq!(
            sample().markdown(),
            "## Plan <100 %>\n\nDeux zones.\n\n### Zones\n\n| zone | habitants |\n|---|---:|\n| A\\|B | 1 000 |\n"
        );
    }

    #[test]
    fn html_escapes_text_and_marks_numeric_cells() {
        assert_eq!(
            sample().html(),
            "<section id=\"plan\"><h2>Plan &lt;100 %&gt;</h2><p>Deux zones.</p><h3>Zones</h3><table><thead><tr><th>zone</th><th class=\"n\">habitants</th></tr></thead><tbody><tr><td>A|B</td><td class=\"n\">1\u{a0}000</td></tr></tbody></table></section>\n"
        );
    }

    #[test]
    fn ids_and_amounts_are_never_split_across_lines() {
        assert_eq!(
            unbroken("ZB-0001, 06 Mandelieu-la-Napoule : 12 345 € et 81,2 %, 3 km²"),
            "<span class=\"nw\">ZB-0001,</span> 06 Mandelieu-la-Napoule : 12\u{a0}345\u{a0}€ et 81,2\u{a0}%, 3\u{a0}km²"
        );
        assert_eq!(unbroken("a <b>"), "a &lt;b&gt;");
    }

    #[test]
    fn a_long_table_prints_its_first_rows_and_says_where_the_rest_is() {
        let rows: Vec<Vec<String>> = (0..PRINTED_ROWS + 3).map(|k| vec![k.to_string()]).collect();
        let section = Section {
            id: "long",
            title: "Long".into(),
            blocks: vec![Block::Table(Table {
                header: vec!["k".into()],
                numeric: vec![true],
                rows,
            })],
        };
        let h = section.html_with("", Lang::En);
        assert_eq!(h.matches("<tr class=\"screen\">").count(), 3);
        assert!(h.contains(
            "<p class=\"print\">The full list is in the workbook cpts-coverage.xlsx.</p>"
        ));
        let short = Section {
            blocks: vec![Block::Table(Table {
                header: vec!["k".into()],
                numeric: vec![true],
                rows: vec![vec!["1".into()]],
            })],
            ..section
        };
        assert!(!short.html().contains("class=\"print\""));
    }
}
